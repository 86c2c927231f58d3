#include "services/vacancy/rocks_vacancy_store.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log.h"
#include "common/proto_util.h"
#include "common/status.h"
#include "services/vacancy/vacancy_rules.h"

namespace labor::vacancy {
namespace {

constexpr absl::string_view kEmployersCf = "employers";
constexpr absl::string_view kVacanciesCf = "vacancies";
constexpr absl::string_view kFairsCf = "fairs";
constexpr absl::string_view kCheckInsCf = "checkins";
constexpr absl::string_view kIndexCf = "index";

std::string DayKey(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

std::string Micros(absl::Time t) {
  return EncodeBigEndian64(static_cast<uint64_t>(std::max<int64_t>(0, absl::ToUnixMicros(t))));
}

IndexEntries EmployerEntries(const StoredEmployer& stored) {
  const v1::Employer& e = stored.employer();
  IndexEntries out;
  out.emplace_back(IndexKey("cc", e.credit_code()), e.employer_id());
  if (stored.blacklist_size() > 0) out.emplace_back(IndexKey("bh", e.employer_id()), "");
  if (e.blacklisted() && stored.blacklist_size() > 0) {
    const v1::BlacklistEntry& last = stored.blacklist(stored.blacklist_size() - 1);
    out.emplace_back(IndexKey("bl", e.employer_id()), "");
    out.emplace_back(IndexKey("be", DayKey(ToCivil(last.expires_on())), e.employer_id()), "");
  }
  return out;
}

IndexEntries VacancyEntries(const StoredVacancy& stored) {
  const v1::Vacancy& v = stored.vacancy();
  IndexEntries out;
  for (const auto& source : v.sources()) {
    if (source.kind() == v1::SOURCE_KIND_PARTNER) {
      out.emplace_back(IndexKey("src", SourceKey(source)), v.vacancy_id());
    }
  }
  if (v.status() == v1::VACANCY_STATUS_OPEN) {
    // DedupKey starts with "<employer_id>|", so this also finds an
    // employer's open vacancies.
    out.emplace_back(IndexKey("dk", DedupKey(v), v.vacancy_id()), "");
    out.emplace_back(IndexKey("ex", Micros(FromProto(v.expires_at())), v.vacancy_id()), "");
  }
  return out;
}

IndexEntries FairEntries(const StoredFair& stored) {
  return {
      {IndexKey("fs", DayKey(ToCivil(stored.fair().start_date())), stored.fair().fair_id()), ""}};
}

template <typename Message>
absl::StatusOr<std::optional<Message>> ParseRecord(absl::StatusOr<std::optional<std::string>> raw,
                                                   absl::string_view what, absl::string_view id) {
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::optional<Message>();
  Message message;
  if (!message.ParseFromString(**raw)) {
    return absl::DataLossError(absl::StrCat(what, " record ", id, " is corrupt"));
  }
  return std::optional<Message>(std::move(message));
}

// The last NUL-separated part of an index key.
absl::string_view LastPart(const rocksdb::Slice& key) {
  absl::string_view k(key.data(), key.size());
  size_t pos = k.rfind('\0');
  return pos == absl::string_view::npos ? k : k.substr(pos + 1);
}

}  // namespace

std::string SourceKey(const v1::VacancySource& source) {
  switch (source.kind()) {
    case v1::SOURCE_KIND_PARTNER:
      return absl::StrCat("partner/", source.partner(), "/", source.external_id());
    case v1::SOURCE_KIND_FAIR:
      return absl::StrCat("fair/", source.fair_id());
    default:
      return "employer";
  }
}

std::vector<std::string> RocksVacancyStore::ColumnFamilies() {
  return {std::string(kEmployersCf), std::string(kVacanciesCf), std::string(kFairsCf),
          std::string(kCheckInsCf),  std::string(kIndexCf),     std::string(kOutboxCf),
          std::string(kMetaCf)};
}

absl::StatusOr<std::optional<StoredEmployer>> RocksVacancyStore::GetEmployer(absl::string_view id) {
  return ParseRecord<StoredEmployer>(store_->Get(kEmployersCf, id), "employer", id);
}

absl::StatusOr<std::optional<StoredVacancy>> RocksVacancyStore::GetVacancy(absl::string_view id) {
  return ParseRecord<StoredVacancy>(store_->Get(kVacanciesCf, id), "vacancy", id);
}

absl::StatusOr<std::optional<StoredFair>> RocksVacancyStore::GetFair(absl::string_view id) {
  return ParseRecord<StoredFair>(store_->Get(kFairsCf, id), "fair", id);
}

absl::StatusOr<std::optional<std::string>> RocksVacancyStore::FindEmployerByCreditCode(
    absl::string_view credit_code) {
  return store_->Get(kIndexCf, IndexKey("cc", credit_code));
}

absl::StatusOr<std::optional<std::string>> RocksVacancyStore::FindVacancyBySource(
    absl::string_view source_key) {
  return store_->Get(kIndexCf, IndexKey("src", source_key));
}

absl::StatusOr<std::optional<StoredPostRequest>> RocksVacancyStore::FindPostRequest(
    absl::string_view request_id) {
  ASSIGN_OR_RETURN(std::optional<std::string> value,
                   store_->Get(kIndexCf, IndexKey("req", request_id)));
  if (!value.has_value()) return std::nullopt;
  StoredPostRequest request;
  // Entries written before fingerprints hold the bare vacancy id ("v_...",
  // never a valid record): without a fingerprint a retry is taken as a replay.
  if (!request.ParseFromString(*value) || request.vacancy_id().empty()) {
    request.Clear();
    request.set_vacancy_id(*value);
  }
  return request;
}

absl::StatusOr<std::vector<std::string>> RocksVacancyStore::IdsUnder(const std::string& prefix,
                                                                     absl::string_view start_after,
                                                                     int limit) {
  std::vector<std::string> ids;
  auto it = store_->NewIterator(kIndexCf);
  it->Seek(start_after.empty() ? prefix : absl::StrCat(prefix, start_after));
  for (; it->Valid() && KeyHasPrefix(it->key(), prefix); it->Next()) {
    absl::string_view id = LastPart(it->key());
    if (!start_after.empty() && id == start_after) continue;
    if (limit > 0 && static_cast<int>(ids.size()) >= limit) break;
    ids.emplace_back(id);
  }
  RETURN_IF_ERROR(FromRocks(it->status()));
  return ids;
}

absl::StatusOr<std::vector<std::string>> RocksVacancyStore::FindOpenByEmployer(
    absl::string_view employer_id) {
  return IdsUnder(IndexKey("dk", absl::StrCat(employer_id, "|")), "", 0);
}

absl::StatusOr<std::optional<absl::Time>> RocksVacancyStore::FindCheckIn(
    absl::string_view fair_id, absl::string_view worker_id) {
  ASSIGN_OR_RETURN(auto raw, store_->Get(kCheckInsCf, IndexKey(fair_id, worker_id)));
  if (!raw.has_value()) return std::optional<absl::Time>();
  if (raw->size() != 8) return absl::DataLossError("check-in record is corrupt");
  return std::optional<absl::Time>(
      absl::FromUnixMicros(static_cast<int64_t>(DecodeBigEndian64(*raw))));
}

absl::StatusOr<std::vector<std::string>> RocksVacancyStore::IdsBefore(const std::string& prefix,
                                                                      const std::string& end,
                                                                      int limit) {
  std::vector<std::string> ids;
  auto it = store_->NewIterator(kIndexCf);
  for (it->Seek(prefix);
       it->Valid() && KeyHasPrefix(it->key(), prefix) &&
       it->key().compare(rocksdb::Slice(end)) < 0 && static_cast<int>(ids.size()) < limit;
       it->Next()) {
    ids.emplace_back(LastPart(it->key()));
  }
  RETURN_IF_ERROR(FromRocks(it->status()));
  return ids;
}

absl::StatusOr<std::vector<std::string>> RocksVacancyStore::DueToExpire(absl::Time now, int limit) {
  return IdsBefore(IndexKey("ex", ""), IndexKey("ex", Micros(now + absl::Microseconds(1))), limit);
}

absl::StatusOr<std::vector<std::string>> RocksVacancyStore::ListingsDueToEnd(absl::CivilDay today,
                                                                             int limit) {
  return IdsBefore(IndexKey("be", ""), IndexKey("be", DayKey(today + 1)), limit);
}

absl::StatusOr<std::vector<std::string>> RocksVacancyStore::ListBlacklisted(
    bool history, absl::string_view start_after, int limit) {
  return IdsUnder(IndexKey(history ? "bh" : "bl", ""), start_after, limit);
}

absl::StatusOr<std::vector<StoredFair>> RocksVacancyStore::ListFairs(int year,
                                                                     absl::string_view start_after,
                                                                     int limit, std::string* next) {
  next->clear();
  const std::string prefix =
      year > 0 ? IndexKey("fs", absl::StrFormat("%04d", year)) : IndexKey("fs", "");
  std::vector<StoredFair> fairs;
  auto it = store_->NewIterator(kIndexCf);
  if (start_after.empty()) {
    it->Seek(prefix);
  } else {
    it->Seek(rocksdb::Slice(start_after.data(), start_after.size()));
    if (it->Valid() && it->key() == rocksdb::Slice(start_after.data(), start_after.size())) {
      it->Next();
    }
  }
  std::string last_key;
  for (; it->Valid() && KeyHasPrefix(it->key(), prefix); it->Next()) {
    if (static_cast<int>(fairs.size()) == limit) {
      *next = last_key;  // more remain: continue after the last one returned
      break;
    }
    ASSIGN_OR_RETURN(auto fair, GetFair(LastPart(it->key())));
    if (!fair.has_value()) continue;
    fairs.push_back(*std::move(fair));
    last_key = it->key().ToString();
  }
  RETURN_IF_ERROR(FromRocks(it->status()));
  return fairs;
}

absl::Status RocksVacancyStore::ScanVacancies(
    const std::function<bool(const StoredVacancy&)>& visit) {
  auto it = store_->NewIterator(kVacanciesCf);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    StoredVacancy stored;
    if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("vacancy record ", it->key().ToString(), " is corrupt"));
    }
    if (!visit(stored)) return absl::OkStatus();
  }
  return FromRocks(it->status());
}

absl::Status RocksVacancyStore::Apply(const VacancyMutation& mutation) {
  rocksdb::WriteBatch batch;
  auto* index = store_->cf(kIndexCf);
  for (const auto& change : mutation.employers) {
    LABOR_CHECK(change.after != nullptr) << "employers are never deleted";
    RETURN_IF_ERROR(PutIndexDiff(&batch, index,
                                 change.before ? EmployerEntries(*change.before) : IndexEntries{},
                                 EmployerEntries(*change.after)));
    RETURN_IF_ERROR(
        FromRocks(batch.Put(store_->cf(kEmployersCf), change.after->employer().employer_id(),
                            change.after->SerializeAsString())));
  }
  for (const auto& change : mutation.vacancies) {
    LABOR_CHECK(change.after != nullptr) << "vacancies are never deleted";
    RETURN_IF_ERROR(PutIndexDiff(&batch, index,
                                 change.before ? VacancyEntries(*change.before) : IndexEntries{},
                                 VacancyEntries(*change.after)));
    const std::string& id = change.after->vacancy().vacancy_id();
    if (!change.request_id.empty()) {
      StoredPostRequest request;
      request.set_vacancy_id(id);
      request.set_fingerprint(change.request_fingerprint);
      RETURN_IF_ERROR(FromRocks(
          batch.Put(index, IndexKey("req", change.request_id), request.SerializeAsString())));
    }
    RETURN_IF_ERROR(
        FromRocks(batch.Put(store_->cf(kVacanciesCf), id, change.after->SerializeAsString())));
  }
  for (const auto& change : mutation.fairs) {
    LABOR_CHECK(change.after != nullptr) << "fairs are never deleted";
    RETURN_IF_ERROR(PutIndexDiff(&batch, index,
                                 change.before ? FairEntries(*change.before) : IndexEntries{},
                                 FairEntries(*change.after)));
    RETURN_IF_ERROR(FromRocks(batch.Put(store_->cf(kFairsCf), change.after->fair().fair_id(),
                                        change.after->SerializeAsString())));
  }
  for (const auto& check_in : mutation.check_ins) {
    RETURN_IF_ERROR(
        FromRocks(batch.Put(store_->cf(kCheckInsCf), IndexKey(check_in.fair_id, check_in.worker_id),
                            Micros(check_in.at))));
  }
  return outbox_->Commit(store_, &batch, mutation.events);
}

absl::Status RocksVacancyStore::Health() { return store_->Health(); }

}  // namespace labor::vacancy
