// VacancyManager's core: construction, the import pipeline's settling, ids,
// the day, and loading the index. The RPCs live by area in employers.cc,
// vacancies.cc, fairs.cc, imports.cc and scheduler.cc; the write path in
// work_unit.cc.
#include "services/vacancy/vacancy_manager.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"
#include "common/log.h"
#include "common/proto_util.h"
#include "services/vacancy/manager_internal.h"

namespace labor::vacancy {
namespace manager_internal {

std::string DateText(const v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

bool IsPlainToken(absl::string_view s, size_t max_chars) {
  if (s.empty() || s.size() > max_chars) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

bool AddUnique(google::protobuf::RepeatedPtrField<std::string>* list, absl::string_view id) {
  for (const auto& x : *list) {
    if (x == id) return false;
  }
  list->Add(std::string(id));
  return true;
}

void SetHeadcount(v1::Vacancy* v, int headcount) {
  int taken = v->headcount() - v->remaining();
  v->set_headcount(headcount);
  v->set_remaining(std::max(0, headcount - taken));
}

v1::Employer PublicEmployer(const v1::Employer& e) {
  v1::Employer out = e;
  out.clear_contact_name();
  out.clear_contact_phone();
  return out;
}

}  // namespace manager_internal

absl::Status VacancyManager::SettleCommitting() {
  if (committing_ == nullptr) return absl::OkStatus();
  std::shared_ptr<const WorkUnit> unit = std::move(committing_);
  committing_ = nullptr;
  if (!committing_status_.ok()) return committing_status_;
  unit->RememberOpenVacancies();
  return absl::OkStatus();
}

void VacancyManager::SettleIndependent() {
  // A failed import write failed its own batch and the one built on it; a
  // write that did not build on it goes ahead.
  if (absl::Status s = SettleCommitting(); !s.ok()) {
    LABOR_LOG(WARNING) << "an earlier import batch's write failed: " << s;
  }
}

VacancyManager::VacancyManager(VacancyDeps deps, VacancyManagerOptions options)
    : deps_(std::move(deps)),
      options_(options),
      employers_(deps_.store, options.employer_cache_entries) {
  LABOR_CHECK(deps_.store && deps_.index && deps_.regions && deps_.occupations && deps_.policy &&
              deps_.clock);
  unit_deps_.store = deps_.store;
  unit_deps_.employers = &employers_;
  unit_deps_.open = &open_;
  unit_deps_.index = deps_.index;
  unit_deps_.vacancy_cache = deps_.vacancy_cache;
  unit_deps_.publish_mu = &publish_mu_;
}

std::string VacancyManager::NewId(absl::string_view prefix) const {
  if (deps_.new_id) return deps_.new_id(prefix);
  // Time-ordered: 13 hex digits of microseconds, then 7 of a counter that
  // starts at a random point. Unique within the writer (one per shard), and
  // new records append to the end of the key space, which keeps RocksDB's
  // inserts cheap. Ids are not secrets (posted_at is public anyway).
  static std::atomic<uint32_t> counter{absl::Uniform<uint32_t>(absl::BitGen())};
  const uint64_t micros = static_cast<uint64_t>(absl::ToUnixMicros(deps_.clock->Now()));
  return absl::StrFormat("%s_%013x%07x", prefix, micros & 0xfffffffffffffULL,
                         counter.fetch_add(1) & 0xfffffffu);
}

absl::CivilDay VacancyManager::Today() const {
  return absl::ToCivilDay(deps_.clock->Now(), ShanghaiTime());
}

absl::Status VacancyManager::LoadIndex() {
  WriterLock lock(this);
  return deps_.store->ScanVacancies([this](const StoredVacancy& v) {
    deps_.index->Upsert(Summarize(v.vacancy()));
    open_.Remember(v.vacancy());
    return true;
  });
}

}  // namespace labor::vacancy
