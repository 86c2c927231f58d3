#include "services/profile/rocks_worker_store.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"

namespace labor::profile {
namespace {

constexpr absl::string_view kWorkersCf = "workers";
constexpr absl::string_view kIndexCf = "index";
constexpr absl::string_view kAuditCf = "audit";
constexpr absl::string_view kVersionsCf = "versions";

std::string VersionPrefix(absl::string_view worker_id) {
  return absl::StrCat(worker_id, absl::string_view("\0", 1));
}

std::string VersionKey(absl::string_view worker_id, int64_t version) {
  return absl::StrCat(VersionPrefix(worker_id), EncodeBigEndian64(static_cast<uint64_t>(version)));
}

template <typename... Parts>
std::string Key(Parts... parts) {
  return IndexKey(parts...);
}

// Every index entry a stored worker has.
labor::IndexEntries WorkerIndexEntries(const StoredWorker& stored) {
  const auto& w = stored.worker();
  labor::IndexEntries out;
  out.emplace_back(Key("id", stored.id_number_index()), w.worker_id());
  if (!w.wechat_openid().empty()) out.emplace_back(Key("oid", w.wechat_openid()), w.worker_id());
  if (!stored.phone_index().empty()) {
    out.emplace_back(Key("ph", stored.phone_index(), w.worker_id()), "");
  }
  out.emplace_back(Key("tw", w.hukou_township(), w.worker_id()), "");
  if (!w.household_id().empty()) out.emplace_back(Key("hh", w.household_id(), w.worker_id()), "");
  return out;
}

}  // namespace

std::vector<std::string> RocksWorkerStore::ColumnFamilies() {
  return {std::string(kWorkersCf),  std::string(kIndexCf),  std::string(kAuditCf),
          std::string(kVersionsCf), std::string(kOutboxCf), std::string(kMetaCf)};
}

RocksWorkerStore::RocksWorkerStore(RocksStore* store, Outbox* outbox, GroupCommitter* committer,
                                   int versions_kept)
    : store_(store), outbox_(outbox), committer_(committer), versions_kept_(versions_kept) {
  // Audit keys are <micros><seq>; seq only separates records of the same
  // microsecond, so starting from the wall clock keeps it unique across restarts.
  audit_seq_ = static_cast<uint64_t>(absl::ToUnixNanos(absl::Now()));
}

absl::Status RocksWorkerStore::IndexEarlierAuditRecords() {
  constexpr absl::string_view kMarker = "profile.audit_indexed_by_worker";
  ASSIGN_OR_RETURN(auto done, store_->Get(kMetaCf, kMarker));
  if (done.has_value()) return absl::OkStatus();
  auto* index = store_->cf(kIndexCf);
  rocksdb::WriteBatch batch;
  int64_t indexed = 0;
  auto it = store_->NewIterator(kAuditCf);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::AuditRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("audit record is corrupt");
    }
    if (record.worker_id().empty()) continue;
    RETURN_IF_ERROR(
        FromRocks(batch.Put(index, Key("au", record.worker_id(), it->key().ToString()), "")));
    if (++indexed % 10000 == 0) {
      RETURN_IF_ERROR(store_->Write(&batch));
      batch.Clear();
    }
  }
  RETURN_IF_ERROR(FromRocks(it->status()));
  RETURN_IF_ERROR(FromRocks(batch.Put(store_->cf(kMetaCf), std::string(kMarker), "")));
  RETURN_IF_ERROR(store_->Write(&batch));
  if (indexed > 0) LABOR_LOG(INFO) << "indexed " << indexed << " earlier audit records by worker";
  return absl::OkStatus();
}

absl::StatusOr<std::optional<StoredWorker>> RocksWorkerStore::Get(absl::string_view worker_id) {
  ASSIGN_OR_RETURN(auto value, store_->Get(kWorkersCf, worker_id));
  if (!value.has_value()) return std::optional<StoredWorker>();
  StoredWorker stored;
  if (!stored.ParseFromString(*value)) {
    return absl::DataLossError(absl::StrCat("worker record ", worker_id, " is corrupt"));
  }
  return std::optional<StoredWorker>(std::move(stored));
}

absl::StatusOr<std::optional<std::string>> RocksWorkerStore::FindByIdNumberIndex(
    absl::string_view index) {
  return store_->Get(kIndexCf, Key("id", index));
}

absl::StatusOr<std::optional<std::string>> RocksWorkerStore::FindByOpenId(
    absl::string_view openid) {
  return store_->Get(kIndexCf, Key("oid", openid));
}

absl::StatusOr<std::vector<std::string>> RocksWorkerStore::FindByPhoneIndex(
    absl::string_view index) {
  std::string prefix = Key("ph", index, "");
  std::vector<std::string> ids;
  auto it = store_->NewIterator(kIndexCf);
  for (it->Seek(prefix); it->Valid() && KeyHasPrefix(it->key(), prefix); it->Next()) {
    ids.emplace_back(it->key().data() + prefix.size(), it->key().size() - prefix.size());
  }
  RETURN_IF_ERROR(FromRocks(it->status()));
  return ids;
}

absl::Status RocksWorkerStore::Apply(const Mutation& mutation) {
  rocksdb::WriteBatch batch;
  RETURN_IF_ERROR(Prepare(mutation, &batch));
  return outbox_->Commit(store_, &batch, mutation.events);
}

void RocksWorkerStore::ApplyAsync(const Mutation& mutation,
                                  std::function<void(absl::Status)> done) {
  if (committer_ == nullptr) {
    done(Apply(mutation));
    return;
  }
  rocksdb::WriteBatch batch;
  if (absl::Status s = Prepare(mutation, &batch); !s.ok()) {
    done(std::move(s));
    return;
  }
  outbox_->CommitAsync(committer_, std::move(batch), mutation.events, std::move(done));
}

absl::Status RocksWorkerStore::Prepare(const Mutation& mutation, rocksdb::WriteBatch* out) {
  rocksdb::WriteBatch& batch = *out;
  auto* workers = store_->cf(kWorkersCf);
  auto* index = store_->cf(kIndexCf);
  auto* audit = store_->cf(kAuditCf);

  RETURN_IF_ERROR(PutIndexDiff(
      &batch, index,
      mutation.before != nullptr ? WorkerIndexEntries(*mutation.before) : labor::IndexEntries{},
      mutation.after != nullptr ? WorkerIndexEntries(*mutation.after) : labor::IndexEntries{}));

  if (mutation.after != nullptr) {
    RETURN_IF_ERROR(FromRocks(batch.Put(workers, mutation.after->worker().worker_id(),
                                        mutation.after->SerializeAsString())));
  } else if (mutation.before != nullptr) {
    RETURN_IF_ERROR(FromRocks(batch.Delete(workers, mutation.before->worker().worker_id())));
  }  // neither: an audit-only mutation
  RETURN_IF_ERROR(PutVersions(mutation, &batch));

  for (const auto& record : mutation.audit) {
    int64_t micros = google::protobuf::util::TimeUtil::TimestampToMicroseconds(record.at());
    std::string key = absl::StrCat(EncodeBigEndian64(static_cast<uint64_t>(micros)),
                                   EncodeBigEndian64(audit_seq_.fetch_add(1)));
    RETURN_IF_ERROR(FromRocks(batch.Put(audit, key, record.SerializeAsString())));
    if (!record.worker_id().empty()) {
      RETURN_IF_ERROR(FromRocks(batch.Put(index, Key("au", record.worker_id(), key), "")));
    }
  }
  return absl::OkStatus();
}

absl::Status RocksWorkerStore::PutVersions(const Mutation& mutation, rocksdb::WriteBatch* batch) {
  if (mutation.before == nullptr) return absl::OkStatus();
  auto* versions = store_->cf(kVersionsCf);
  const std::string& worker_id = mutation.before->worker().worker_id();
  if (mutation.after == nullptr) {
    const std::string prefix = VersionPrefix(worker_id);
    auto it = store_->NewIterator(kVersionsCf);
    for (it->Seek(prefix); it->Valid() && KeyHasPrefix(it->key(), prefix); it->Next()) {
      RETURN_IF_ERROR(FromRocks(batch->Delete(versions, it->key())));
    }
    return FromRocks(it->status());
  }
  const int64_t version = mutation.before->worker().version();
  RETURN_IF_ERROR(FromRocks(
      batch->Put(versions, VersionKey(worker_id, version), mutation.before->SerializeAsString())));
  // Versions are consecutive, so the one falling out of the window is known
  // without a read.
  if (version > versions_kept_) {
    RETURN_IF_ERROR(
        FromRocks(batch->Delete(versions, VersionKey(worker_id, version - versions_kept_))));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredWorker>> RocksWorkerStore::ListVersions(
    absl::string_view worker_id, int64_t below_version, int limit) {
  std::vector<StoredWorker> out;
  const std::string prefix = VersionPrefix(worker_id);
  auto it = store_->NewIterator(kVersionsCf);
  if (below_version > 0) {
    it->SeekForPrev(VersionKey(worker_id, below_version - 1));
  } else {
    it->SeekForPrev(absl::StrCat(worker_id, absl::string_view("\1", 1)));
  }
  for (; it->Valid() && KeyHasPrefix(it->key(), prefix) && static_cast<int>(out.size()) < limit;
       it->Prev()) {
    StoredWorker stored;
    if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("a kept version of worker ", worker_id, " is corrupt"));
    }
    out.push_back(std::move(stored));
  }
  RETURN_IF_ERROR(FromRocks(it->status()));
  return out;
}

absl::Status RocksWorkerStore::ScanIndexPrefix(
    const std::string& prefix, absl::string_view start_after,
    const std::function<bool(const StoredWorker&)>& visit) {
  auto it = store_->NewIterator(kIndexCf);
  std::string seek = start_after.empty() ? prefix : absl::StrCat(prefix, start_after);
  for (it->Seek(seek); it->Valid() && KeyHasPrefix(it->key(), prefix); it->Next()) {
    absl::string_view worker_id(it->key().data() + prefix.size(), it->key().size() - prefix.size());
    if (!start_after.empty() && worker_id == start_after) continue;
    ASSIGN_OR_RETURN(auto stored, Get(worker_id));
    if (!stored.has_value()) continue;  // erased between index read and get
    if (!visit(*stored)) return absl::OkStatus();
  }
  return FromRocks(it->status());
}

absl::Status RocksWorkerStore::Scan(const ScanOptions& options,
                                    const std::function<bool(const StoredWorker&)>& visit) {
  if (!options.household_id.empty()) {
    return ScanIndexPrefix(
        Key("hh", options.household_id, ""), options.start_after, [&](const StoredWorker& s) {
          if (!options.township.empty() && s.worker().hukou_township() != options.township) {
            return true;
          }
          return visit(s);
        });
  }
  if (!options.township.empty()) {
    return ScanIndexPrefix(Key("tw", options.township, ""), options.start_after, visit);
  }
  auto it = store_->NewIterator(kWorkersCf);
  if (options.start_after.empty()) {
    it->SeekToFirst();
  } else {
    it->Seek(options.start_after);
    if (it->Valid() && it->key() == rocksdb::Slice(options.start_after)) it->Next();
  }
  for (; it->Valid(); it->Next()) {
    StoredWorker stored;
    if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("worker record ", it->key().ToString(), " is corrupt"));
    }
    if (!visit(stored)) return absl::OkStatus();
  }
  return FromRocks(it->status());
}

absl::StatusOr<std::vector<v1::AuditRecord>> RocksWorkerStore::ListWorkerAudit(
    absl::string_view worker_id, absl::string_view start_after, int limit,
    std::string* next_cursor) {
  std::vector<v1::AuditRecord> out;
  next_cursor->clear();
  const std::string prefix = Key("au", worker_id, "");
  auto it = store_->NewIterator(kIndexCf);
  it->Seek(absl::StrCat(prefix, start_after));
  if (!start_after.empty() && it->Valid() &&
      it->key() == rocksdb::Slice(absl::StrCat(prefix, start_after))) {
    it->Next();
  }
  for (; it->Valid() && KeyHasPrefix(it->key(), prefix); it->Next()) {
    if (static_cast<int>(out.size()) == limit) return out;  // more follow
    const std::string audit_key = it->key().ToString().substr(prefix.size());
    ASSIGN_OR_RETURN(auto value, store_->Get(kAuditCf, audit_key));
    if (!value.has_value()) continue;
    v1::AuditRecord record;
    if (!record.ParseFromString(*value)) return absl::DataLossError("audit record is corrupt");
    out.push_back(std::move(record));
    *next_cursor = audit_key;
  }
  RETURN_IF_ERROR(FromRocks(it->status()));
  next_cursor->clear();  // reached the end: no further page
  return out;
}

absl::StatusOr<std::vector<v1::AuditRecord>> RocksWorkerStore::ListAudit(
    absl::string_view worker_id, absl::string_view start_after, int limit,
    std::string* next_cursor) {
  // One worker's records through their index: the log holds a record per
  // change of every worker.
  if (!worker_id.empty()) return ListWorkerAudit(worker_id, start_after, limit, next_cursor);
  std::vector<v1::AuditRecord> out;
  next_cursor->clear();
  auto it = store_->NewIterator(kAuditCf);
  if (start_after.empty()) {
    it->SeekToFirst();
  } else {
    it->Seek(rocksdb::Slice(start_after.data(), start_after.size()));
    if (it->Valid() && it->key() == rocksdb::Slice(start_after.data(), start_after.size())) {
      it->Next();
    }
  }
  for (; it->Valid(); it->Next()) {
    v1::AuditRecord record;
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("audit record is corrupt");
    }
    if (static_cast<int>(out.size()) == limit) {
      break;
    }
    out.push_back(std::move(record));
    *next_cursor = it->key().ToString();
  }
  RETURN_IF_ERROR(FromRocks(it->status()));
  if (!it->Valid()) next_cursor->clear();  // reached the end: no further page
  return out;
}

absl::Status RocksWorkerStore::Health() { return store_->Health(); }

}  // namespace labor::profile
