#include "services/vacancy/vacancy_manager.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <tuple>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/pii.h"
#include "common/proto_util.h"
#include "common/status.h"
#include "common/validation.h"
#include "google/protobuf/field_mask.pb.h"

namespace labor::vacancy {
namespace {

constexpr size_t kMaxExternalIdChars = 64;
constexpr size_t kMaxRequestIdChars = 64;
constexpr size_t kMaxReasonChars = 500;
constexpr int kMaxAttachIds = 500;

std::string DateText(const v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string StatusName(v1::VacancyStatus status) {
  std::string name = v1::VacancyStatus_Name(status);
  absl::string_view short_name = name;
  absl::ConsumePrefix(&short_name, "VACANCY_STATUS_");
  return absl::AsciiStrToLower(short_name);
}

// Ids and keys the service stores inside index keys: printable ASCII
// without spaces, so they never contain the NUL separator.
bool IsPlainToken(absl::string_view s, size_t max_chars) {
  if (s.empty() || s.size() > max_chars) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

// A worker id as ProfileService issues them: "w_" + 20 lowercase hex.
bool IsWorkerId(absl::string_view id) {
  if (id.size() != 22 || !absl::StartsWith(id, "w_")) return false;
  return std::all_of(id.begin() + 2, id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Every poster-supplied path, for replacing a partner vacancy's content.
const google::protobuf::FieldMask& ContentMask() {
  static const auto* mask = [] {
    auto* m = new google::protobuf::FieldMask;
    for (const char* path : {"title", "occupation_code", "required_skills", "required_certificates",
                             "location", "wage", "headcount", "benefits", "working_hours",
                             "expires_at", "description", "gender_requirement"}) {
      m->add_paths(path);
    }
    return m;
  }();
  return *mask;
}

bool HasSource(const v1::Vacancy& v, absl::string_view key) {
  for (const auto& s : v.sources()) {
    if (SourceKey(s) == key) return true;
  }
  return false;
}

bool AddUnique(google::protobuf::RepeatedPtrField<std::string>* list, absl::string_view id) {
  for (const auto& x : *list) {
    if (x == id) return false;
  }
  list->Add(std::string(id));
  return true;
}

// Headcount changes move `remaining` by the same amount (never below 0).
void SetHeadcount(v1::Vacancy* v, int headcount) {
  int taken = v->headcount() - v->remaining();
  v->set_headcount(headcount);
  v->set_remaining(std::max(0, headcount - taken));
}

v1::Event MakeEvent(absl::string_view type, absl::string_view id, int64_t version,
                    const google::protobuf::Message& payload) {
  v1::Event event;
  event.set_type(std::string(type));
  event.set_entity_id(std::string(id));
  event.set_entity_version(version);
  event.set_payload(payload.SerializeAsString());
  event.set_payload_type(payload.GetDescriptor()->full_name());
  return event;
}

// Employers in events carry no contact person (personal data).
v1::Employer PublicEmployer(const v1::Employer& e) {
  v1::Employer out = e;
  out.clear_contact_name();
  out.clear_contact_phone();
  return out;
}

}  // namespace

// A write in progress: reads through to the store, remembers what it
// changed, and commits everything in one VacancyMutation. Lookups by index
// (source, duplicate key, credit code) see the unit's own changes, so a
// batch of import items behaves exactly like the same items one by one.
//
// An import unit may decide while the previous import unit's write is in
// flight: every read then consults that unit (the overlay) before the
// store, so the result is as if its write had landed. The overlay is only
// read; what this unit takes from it is copied.
class VacancyManager::WorkUnit {
 public:
  explicit WorkUnit(VacancyManager* manager, std::shared_ptr<const WorkUnit> overlay = nullptr)
      : m_(manager), store_(manager->deps_.store), overlay_(std::move(overlay)) {}

  // Once the overlay's write is settled the store has it.
  void DropOverlay() { overlay_.reset(); }

  // The vacancy as of this unit (nullptr when absent). Call Touch() after
  // changing it.
  absl::StatusOr<StoredVacancy*> Vacancy(const std::string& id) {
    auto it = vacancies_.find(id);
    if (it == vacancies_.end()) {
      std::optional<StoredVacancy> loaded;
      if (const StoredVacancy* pending = Pending(&WorkUnit::vacancies_, id); pending != nullptr) {
        loaded = *pending;
      } else {
        ASSIGN_OR_RETURN(loaded, store_->GetVacancy(id));
      }
      if (!loaded.has_value()) return nullptr;
      Entry<StoredVacancy> entry;
      entry.before = std::make_shared<const StoredVacancy>(*loaded);
      entry.after = *std::move(loaded);
      it = vacancies_.emplace(id, std::move(entry)).first;
    }
    return &it->second.after;
  }
  void AddVacancy(StoredVacancy v) {
    std::string id = v.vacancy().vacancy_id();
    Remember(v.vacancy());
    Entry<StoredVacancy> entry;
    entry.after = std::move(v);
    entry.dirty = true;
    vacancy_order_.push_back(id);
    vacancies_.emplace(std::move(id), std::move(entry));
  }
  // Marks a vacancy changed; with `bump`, as a new version now.
  void TouchVacancy(StoredVacancy* v, bool bump = true) {
    if (bump) {
      v->mutable_vacancy()->set_version(v->vacancy().version() + 1);
      *v->mutable_vacancy()->mutable_updated_at() = ToProto(now_);
    }
    Remember(v->vacancy());
    auto& entry = vacancies_.at(v->vacancy().vacancy_id());
    if (!entry.dirty) vacancy_order_.push_back(v->vacancy().vacancy_id());
    entry.dirty = true;
  }
  void SetRequestId(const std::string& vacancy_id, const std::string& request_id,
                    const std::string& fingerprint) {
    if (!request_id.empty()) request_ids_[vacancy_id] = {request_id, fingerprint};
  }

  absl::StatusOr<StoredEmployer*> Employer(const std::string& id) {
    auto it = employers_.find(id);
    if (it == employers_.end()) {
      std::shared_ptr<const StoredEmployer> loaded;
      if (const StoredEmployer* pending = Pending(&WorkUnit::employers_, id); pending != nullptr) {
        loaded = std::make_shared<const StoredEmployer>(*pending);
      } else {
        ASSIGN_OR_RETURN(loaded, m_->LoadSharedEmployer(id));
      }
      if (loaded == nullptr) return nullptr;
      Entry<StoredEmployer> entry;
      entry.after = *loaded;
      entry.before = std::move(loaded);
      it = employers_.emplace(id, std::move(entry)).first;
    }
    return &it->second.after;
  }
  StoredEmployer* AddEmployer(StoredEmployer e) {
    std::string id = e.employer().employer_id();
    new_credit_codes_[e.employer().credit_code()] = id;
    Entry<StoredEmployer> entry;
    entry.after = std::move(e);
    entry.dirty = true;
    employer_order_.push_back(id);
    return &employers_.emplace(std::move(id), std::move(entry)).first->second.after;
  }
  void TouchEmployer(StoredEmployer* e) {
    e->mutable_employer()->set_version(e->employer().version() + 1);
    *e->mutable_employer()->mutable_updated_at() = ToProto(now_);
    auto& entry = employers_.at(e->employer().employer_id());
    if (!entry.dirty) employer_order_.push_back(e->employer().employer_id());
    entry.dirty = true;
  }

  absl::StatusOr<StoredFair*> Fair(const std::string& id) {
    auto it = fairs_.find(id);
    if (it == fairs_.end()) {
      std::optional<StoredFair> loaded;
      if (const StoredFair* pending = Pending(&WorkUnit::fairs_, id); pending != nullptr) {
        loaded = *pending;
      } else {
        ASSIGN_OR_RETURN(loaded, store_->GetFair(id));
      }
      if (!loaded.has_value()) return nullptr;
      Entry<StoredFair> entry;
      entry.before = std::make_shared<const StoredFair>(*loaded);
      entry.after = *std::move(loaded);
      it = fairs_.emplace(id, std::move(entry)).first;
    }
    return &it->second.after;
  }
  void AddFair(StoredFair f) {
    std::string id = f.fair().fair_id();
    Entry<StoredFair> entry;
    entry.after = std::move(f);
    entry.dirty = true;
    fair_order_.push_back(id);
    fairs_.emplace(std::move(id), std::move(entry));
  }
  void TouchFair(StoredFair* f, bool bump = true) {
    if (bump) f->mutable_fair()->set_version(f->fair().version() + 1);
    auto& entry = fairs_.at(f->fair().fair_id());
    if (!entry.dirty) fair_order_.push_back(f->fair().fair_id());
    entry.dirty = true;
  }
  void AddCheckIn(VacancyMutation::CheckIn check_in) { check_ins_.push_back(std::move(check_in)); }

  // Employer id by credit code, including employers this unit (or the
  // overlay) registered. Imports only register employers; a code moved by
  // UpsertEmployer never meets an overlay (it settles first).
  absl::StatusOr<std::optional<std::string>> EmployerByCreditCode(const std::string& code) {
    for (const WorkUnit* u : {static_cast<const WorkUnit*>(this), overlay_.get()}) {
      if (u == nullptr) continue;
      if (auto it = u->new_credit_codes_.find(code); it != u->new_credit_codes_.end()) {
        return std::optional<std::string>(it->second);
      }
    }
    return m_->FindEmployerIdByCode(code);
  }

  // Vacancy id by source key, as of this unit.
  absl::StatusOr<std::optional<std::string>> VacancyBySource(const std::string& key) {
    for (const WorkUnit* u : {static_cast<const WorkUnit*>(this), overlay_.get()}) {
      if (u == nullptr) continue;
      if (auto it = u->by_source_.find(key); it != u->by_source_.end()) {
        const std::string& id = it->second;
        ASSIGN_OR_RETURN(StoredVacancy * v, Vacancy(id));
        if (v != nullptr && HasSource(v->vacancy(), key)) return std::optional<std::string>(id);
      }
    }
    ASSIGN_OR_RETURN(auto found, store_->FindVacancyBySource(key));
    if (!found.has_value()) return found;
    ASSIGN_OR_RETURN(StoredVacancy * v, Vacancy(*found));
    if (v == nullptr || !HasSource(v->vacancy(), key)) return std::optional<std::string>();
    return found;
  }

  // Open vacancies with this duplicate key as of this unit, oldest posting
  // first (then by id), so the earliest posting absorbs later ones. Reads
  // no record: what this unit or the overlay changed comes from them, the
  // rest from the manager's map of committed open vacancies.
  std::vector<OpenVacancy> OpenByDedupKey(const std::string& key) const {
    absl::flat_hash_set<std::string> seen;
    std::vector<OpenVacancy> out;
    // The unit's view of a vacancy it or the overlay holds; nullptr if neither.
    auto held = [this](const std::string& id) -> const v1::Vacancy* {
      if (auto it = vacancies_.find(id); it != vacancies_.end()) return &it->second.after.vacancy();
      const StoredVacancy* pending = Pending(&WorkUnit::vacancies_, id);
      return pending != nullptr ? &pending->vacancy() : nullptr;
    };
    auto consider = [&](const std::string& id, const OpenVacancy* committed) {
      if (!seen.insert(id).second) return;
      if (const v1::Vacancy* v = held(id); v != nullptr) {
        if (v->status() == v1::VACANCY_STATUS_OPEN && DedupKey(*v) == key) {
          out.push_back(OpenVacancyOf(*v));
        }
      } else if (committed != nullptr) {
        out.push_back(*committed);
      }
    };
    for (const WorkUnit* u : {static_cast<const WorkUnit*>(this), overlay_.get()}) {
      if (u == nullptr) continue;
      if (auto it = u->by_dedup_key_.find(key); it != u->by_dedup_key_.end()) {
        for (const auto& id : it->second) consider(id, nullptr);
      }
    }
    if (auto it = m_->open_by_dedup_key_.find(key); it != m_->open_by_dedup_key_.end()) {
      for (const OpenVacancy& o : it->second) consider(o.id, &o);
    }
    std::sort(out.begin(), out.end(), [](const OpenVacancy& a, const OpenVacancy& b) {
      return std::tie(a.posted_micros, a.id) < std::tie(b.posted_micros, b.id);
    });
    return out;
  }

  void Emit(v1::Event event) { events_.push_back(std::move(event)); }

  // Moves the employer's open vacancies' employer_blacklisted flag, each a
  // new version with a vacancy.updated event, so matching drops (or
  // restores) them at once.
  absl::Status FlagEmployerVacancies(const std::string& employer_id, bool listed) {
    ASSIGN_OR_RETURN(std::vector<std::string> ids, store_->FindOpenByEmployer(employer_id));
    if (overlay_ != nullptr) {
      for (const auto& id : overlay_->vacancy_order_) {
        const v1::Vacancy& v = overlay_->vacancies_.at(id).after.vacancy();
        if (v.employer_id() == employer_id && std::find(ids.begin(), ids.end(), id) == ids.end()) {
          ids.push_back(id);
        }
      }
    }
    for (const auto& id : ids) {
      ASSIGN_OR_RETURN(StoredVacancy * v, Vacancy(id));
      if (v == nullptr || v->vacancy().status() != v1::VACANCY_STATUS_OPEN) continue;
      if (v->vacancy().employer_blacklisted() == listed) continue;
      v->mutable_vacancy()->set_employer_blacklisted(listed);
      TouchVacancy(v);
      Emit(MakeEvent("vacancy.updated", id, v->vacancy().version(), v->vacancy()));
    }
    return absl::OkStatus();
  }

  // Commits everything to the store and updates the duplicate map (both
  // under the writer lock), then moves the search index and the cache
  // forward.
  absl::Status Commit() ABSL_EXCLUSIVE_LOCKS_REQUIRED(m_->write_mu_) {
    RETURN_IF_ERROR(CommitStore());
    absl::MutexLock publish(&m_->publish_mu_);
    Publish();
    return absl::OkStatus();
  }

  // The first half of Commit: the store write and the memory it moves.
  absl::Status CommitStore() ABSL_EXCLUSIVE_LOCKS_REQUIRED(m_->write_mu_) {
    VacancyMutation mutation = TakeMutation();
    if (IsEmpty(mutation)) return absl::OkStatus();
    RETURN_IF_ERROR(store_->Apply(mutation));
    RememberEmployers();
    RememberOpenVacancies();
    return absl::OkStatus();
  }

  // The unit's changes as one mutation (pointing into the unit). Moves the
  // events and check-ins out: after this the unit is only read.
  VacancyMutation TakeMutation() {
    VacancyMutation mutation;
    for (const auto& id : employer_order_) {
      auto& e = employers_.at(id);
      mutation.employers.push_back({e.before.get(), &e.after});
    }
    for (const auto& id : vacancy_order_) {
      auto& e = vacancies_.at(id);
      auto rid = request_ids_.find(id);
      if (rid == request_ids_.end()) {
        mutation.vacancies.push_back({e.before.get(), &e.after, "", ""});
      } else {
        mutation.vacancies.push_back(
            {e.before.get(), &e.after, rid->second.first, rid->second.second});
      }
    }
    for (const auto& id : fair_order_) {
      auto& e = fairs_.at(id);
      mutation.fairs.push_back({e.before.get(), &e.after});
    }
    mutation.check_ins = std::move(check_ins_);
    mutation.events = std::move(events_);
    return mutation;
  }
  static bool IsEmpty(const VacancyMutation& m) {
    return m.employers.empty() && m.vacancies.empty() && m.fairs.empty() && m.check_ins.empty() &&
           m.events.empty();
  }

  // After the write: the employers' committed versions into memory (a
  // thread-safe cache that readers fill from the store anyway).
  void RememberEmployers() const {
    for (const auto& id : employer_order_) m_->RememberEmployer(employers_.at(id).after);
  }
  // After the write: the duplicate map, which only writers read.
  void RememberOpenVacancies() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(m_->write_mu_) {
    for (const auto& id : vacancy_order_) {
      const Entry<StoredVacancy>& e = vacancies_.at(id);
      m_->ForgetOpen(e.before ? &e.before->vacancy() : nullptr);
      m_->RememberOpen(e.after.vacancy());
    }
  }

  // The second half: search index and cache. Callers hold publish_mu_, so
  // publications happen in commit order even after the writer lock is gone.
  void Publish() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(m_->publish_mu_) {
    // The cache first: the outbox relay, woken by the commit, skips the
    // invalidations of versions this one already reached.
    if (m_->deps_.vacancy_cache != nullptr) {
      // An older version may be cached: mark it stale, and the next read
      // fills the cache (read-through: changed records that nobody reads,
      // like most of a partner's import, take no room in Redis). A new
      // vacancy has nothing cached.
      std::vector<std::pair<std::string, int64_t>> stale;
      for (const auto& id : vacancy_order_) {
        const Entry<StoredVacancy>& e = vacancies_.at(id);
        if (e.before != nullptr) stale.emplace_back(id, e.after.vacancy().version());
      }
      if (!stale.empty()) m_->deps_.vacancy_cache->InvalidateMany(stale);
    }
    for (const auto& id : vacancy_order_) {
      m_->deps_.index->Upsert(Summarize(vacancies_.at(id).after.vacancy()));
    }
  }

  absl::Time now() const { return now_; }
  void set_now(absl::Time now) { now_ = now; }

 private:
  template <typename T>
  struct Entry {
    std::shared_ptr<const T> before;  // shared with the employer cache when from there
    T after;
    bool dirty = false;
  };

  // The overlay's changed record `id` (nullptr when it did not change it):
  // what the store holds once the overlay's write lands. Records it only
  // read are read from the store (unchanged since).
  template <typename T>
  const T* Pending(absl::flat_hash_map<std::string, Entry<T>> WorkUnit::*records,
                   const std::string& id) const {
    if (overlay_ == nullptr) return nullptr;
    const auto& map = (*overlay_).*records;
    auto it = map.find(id);
    return it != map.end() && it->second.dirty ? &it->second.after : nullptr;
  }

  // Indexes the unit's own changes (entries may go stale; lookups verify).
  void Remember(const v1::Vacancy& v) {
    for (const auto& s : v.sources()) by_source_[SourceKey(s)] = v.vacancy_id();
    if (v.status() == v1::VACANCY_STATUS_OPEN) {
      auto& ids = by_dedup_key_[DedupKey(v)];
      if (std::find(ids.begin(), ids.end(), v.vacancy_id()) == ids.end()) {
        ids.push_back(v.vacancy_id());
      }
    }
  }

  VacancyManager* m_;
  VacancyStore* store_;
  std::shared_ptr<const WorkUnit> overlay_;  // the previous import unit, write in flight
  absl::Time now_;
  absl::flat_hash_map<std::string, Entry<StoredVacancy>> vacancies_;
  absl::flat_hash_map<std::string, Entry<StoredEmployer>> employers_;
  absl::flat_hash_map<std::string, Entry<StoredFair>> fairs_;
  std::vector<std::string> vacancy_order_, employer_order_, fair_order_;
  // vacancy id -> (request id, request fingerprint)
  absl::flat_hash_map<std::string, std::pair<std::string, std::string>> request_ids_;
  absl::flat_hash_map<std::string, std::string> new_credit_codes_;
  absl::flat_hash_map<std::string, std::string> by_source_;
  absl::flat_hash_map<std::string, std::vector<std::string>> by_dedup_key_;
  std::vector<VacancyMutation::CheckIn> check_ins_;
  std::vector<v1::Event> events_;
};

// The writer lock for every write but an import batch: settles an import
// write in flight first, so the write sees the store as the imports left it
// and runs exactly as without the pipeline.
class ABSL_SCOPED_LOCKABLE VacancyManager::WriterLock {
 public:
  explicit WriterLock(VacancyManager* m) ABSL_EXCLUSIVE_LOCK_FUNCTION(m->write_mu_) : m_(m) {
    m_->write_mu_.Lock();
    if (m_->committing_ == nullptr) return;
    absl::MutexLock commit(&m_->commit_mu_);
    m_->SettleIndependent();
  }
  ~WriterLock() ABSL_UNLOCK_FUNCTION() { m_->write_mu_.Unlock(); }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  VacancyManager* const m_;
};

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
      employers_(options.employer_cache_entries),
      employer_ids_by_code_(options.employer_cache_entries) {
  LABOR_CHECK(deps_.store && deps_.index && deps_.regions && deps_.occupations && deps_.policy &&
              deps_.clock);
}

absl::StatusOr<std::shared_ptr<const StoredEmployer>> VacancyManager::LoadSharedEmployer(
    const std::string& id) {
  if (auto cached = employers_.Get(id); cached != nullptr) return cached;
  ASSIGN_OR_RETURN(auto loaded, deps_.store->GetEmployer(id));
  if (!loaded.has_value()) return nullptr;
  auto shared = std::make_shared<const StoredEmployer>(*std::move(loaded));
  employers_.Put(id, shared->employer().version(), shared);
  return shared;
}

absl::StatusOr<std::optional<StoredEmployer>> VacancyManager::LoadEmployer(const std::string& id) {
  ASSIGN_OR_RETURN(std::shared_ptr<const StoredEmployer> shared, LoadSharedEmployer(id));
  if (shared == nullptr) return std::optional<StoredEmployer>();
  return std::optional<StoredEmployer>(*shared);
}

absl::StatusOr<std::optional<std::string>> VacancyManager::FindEmployerIdByCode(
    const std::string& credit_code) {
  if (auto id = employer_ids_by_code_.Get(credit_code); id != nullptr) {
    if (auto cached = employers_.Get(*id);
        cached != nullptr && cached->employer().credit_code() == credit_code) {
      return std::optional<std::string>(*id);
    }
  }
  ASSIGN_OR_RETURN(auto found, deps_.store->FindEmployerByCreditCode(credit_code));
  if (found.has_value()) {
    employer_ids_by_code_.Put(credit_code, ++code_fills_, std::make_shared<std::string>(*found));
  }
  return found;
}

void VacancyManager::RememberEmployer(const StoredEmployer& employer) {
  const v1::Employer& e = employer.employer();
  employers_.Put(e.employer_id(), e.version(), std::make_shared<StoredEmployer>(employer));
  employer_ids_by_code_.Put(e.credit_code(), ++code_fills_,
                            std::make_shared<std::string>(e.employer_id()));
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
    RememberOpen(v.vacancy());
    return true;
  });
}

VacancyManager::OpenVacancy VacancyManager::OpenVacancyOf(const v1::Vacancy& v) {
  return {v.vacancy_id(), absl::ToUnixMicros(FromProto(v.posted_at())), RangeOf(v.wage())};
}

void VacancyManager::RememberOpen(const v1::Vacancy& v) {
  if (v.status() != v1::VACANCY_STATUS_OPEN) return;
  auto& open = open_by_dedup_key_[DedupKey(v)];
  auto it = std::find_if(open.begin(), open.end(),
                         [&v](const OpenVacancy& o) { return o.id == v.vacancy_id(); });
  if (it == open.end()) {
    open.push_back(OpenVacancyOf(v));
  } else {
    *it = OpenVacancyOf(v);  // an update may change the wage
  }
}

void VacancyManager::ForgetOpen(const v1::Vacancy* v) {
  if (v == nullptr || v->status() != v1::VACANCY_STATUS_OPEN) return;
  auto it = open_by_dedup_key_.find(DedupKey(*v));
  if (it == open_by_dedup_key_.end()) return;
  auto& open = it->second;
  open.erase(std::remove_if(open.begin(), open.end(),
                            [v](const OpenVacancy& o) { return o.id == v->vacancy_id(); }),
             open.end());
  if (open.empty()) open_by_dedup_key_.erase(it);
}

// ---------------------------------------------------------------- employers

v1::Employer VacancyManager::PresentEmployer(const Caller& caller,
                                             const StoredEmployer& stored) const {
  v1::Employer e = stored.employer();
  if (caller.role != Role::kAdmin && caller.role != Role::kKiosk) {
    e.clear_contact_name();
    e.clear_contact_phone();
  }
  return e;
}

absl::StatusOr<v1::Employer> VacancyManager::UpsertEmployer(
    const Caller& caller, const v1::UpsertEmployerRequest& request) {
  v1::Employer input = request.employer();
  RETURN_IF_ERROR(NormalizeEmployer(*deps_.regions, &input, "employer"));
  WriterLock lock(this);
  WorkUnit unit(this);
  unit.set_now(deps_.clock->Now());
  ASSIGN_OR_RETURN(auto by_code, unit.EmployerByCreditCode(input.credit_code()));
  std::string id = input.employer_id();
  if (!id.empty() && by_code.has_value() && *by_code != id) {
    return absl::AlreadyExistsError(
        absl::StrCat("credit code ", input.credit_code(), " belongs to employer ", *by_code));
  }
  if (id.empty() && by_code.has_value()) id = *by_code;

  if (id.empty()) {
    if (request.expected_version() != 0) {
      return absl::AbortedError(
          absl::StrCat("no employer with credit code ", input.credit_code(), " exists to update"));
    }
    StoredEmployer stored;
    v1::Employer* e = stored.mutable_employer();
    *e = input;
    e->set_employer_id(NewId("e"));
    e->set_version(1);
    e->set_blacklisted(false);
    *e->mutable_created_at() = ToProto(unit.now());
    *e->mutable_updated_at() = ToProto(unit.now());
    unit.Emit(MakeEvent("employer.registered", e->employer_id(), 1, PublicEmployer(*e)));
    v1::Employer out = PresentEmployer(caller, stored);
    unit.AddEmployer(std::move(stored));
    RETURN_IF_ERROR(unit.Commit());
    return out;
  }

  ASSIGN_OR_RETURN(StoredEmployer * stored, unit.Employer(id));
  if (stored == nullptr) return absl::NotFoundError(absl::StrCat("employer ", id, " not found"));
  v1::Employer* e = stored->mutable_employer();
  if (request.expected_version() != 0 && request.expected_version() != e->version()) {
    return absl::AbortedError(absl::StrCat("employer ", id, " is at version ", e->version(),
                                           ", not ", request.expected_version()));
  }
  e->set_credit_code(input.credit_code());
  e->set_name(input.name());
  e->set_region(input.region());
  e->set_contact_name(input.contact_name());
  e->set_contact_phone(input.contact_phone());
  unit.TouchEmployer(stored);
  unit.Emit(MakeEvent("employer.updated", id, e->version(), PublicEmployer(*e)));
  v1::Employer out = PresentEmployer(caller, *stored);
  RETURN_IF_ERROR(unit.Commit());
  return out;
}

absl::StatusOr<StoredEmployer> VacancyManager::LoadEmployerByKey(
    const v1::GetEmployerRequest& request) {
  std::string id;
  if (request.has_credit_code()) {
    std::string code = NormalizeCreditCode(request.credit_code());
    if (absl::Status s = ValidateCreditCode(code); !s.ok()) {
      return InvalidField("credit_code", s.message());
    }
    ASSIGN_OR_RETURN(auto found, FindEmployerIdByCode(code));
    if (!found.has_value()) {
      return absl::NotFoundError(absl::StrCat("no employer with credit code ", code));
    }
    id = *found;
  } else if (request.has_employer_id() && !request.employer_id().empty()) {
    id = request.employer_id();
  } else {
    return InvalidField("key", "give employer_id or credit_code");
  }
  ASSIGN_OR_RETURN(auto stored, LoadEmployer(id));
  if (!stored.has_value()) return absl::NotFoundError(absl::StrCat("employer ", id, " not found"));
  return *std::move(stored);
}

absl::StatusOr<v1::Employer> VacancyManager::GetEmployer(const Caller& caller,
                                                         const v1::GetEmployerRequest& request) {
  ASSIGN_OR_RETURN(StoredEmployer stored, LoadEmployerByKey(request));
  // The flag in the record moves when the scheduler runs; answer for today.
  if (stored.employer().blacklisted() && stored.blacklist_size() > 0 &&
      !BlacklistActive(stored.blacklist(stored.blacklist_size() - 1), Today())) {
    stored.mutable_employer()->set_blacklisted(false);
  }
  return PresentEmployer(caller, stored);
}

namespace {

v1::BlacklistEntry PresentEntry(const StoredEmployer& stored, const v1::BlacklistEntry& entry,
                                absl::CivilDay today) {
  v1::BlacklistEntry out = entry;
  out.set_employer_id(stored.employer().employer_id());
  out.set_employer_name(stored.employer().name());
  out.set_credit_code(stored.employer().credit_code());
  out.set_active(BlacklistActive(entry, today));
  return out;
}

}  // namespace

absl::StatusOr<v1::BlacklistEntry> VacancyManager::BlacklistEmployer(
    const Caller& caller, const v1::BlacklistEmployerRequest& request) {
  v1::BlacklistEntry entry = request.entry();
  const absl::CivilDay today = Today();
  if (entry.employer_id().empty()) return InvalidField("entry.employer_id", "required");
  RETURN_IF_ERROR(NormalizeBlacklistEntry(today, &entry, "entry"));
  entry.clear_lifted_on();
  entry.clear_lift_reason();
  WriterLock lock(this);
  WorkUnit unit(this);
  unit.set_now(deps_.clock->Now());
  ASSIGN_OR_RETURN(StoredEmployer * stored, unit.Employer(entry.employer_id()));
  if (stored == nullptr) {
    return absl::NotFoundError(absl::StrCat("employer ", entry.employer_id(), " not found"));
  }
  if (stored->blacklist_size() > 0) {
    const auto& last = stored->blacklist(stored->blacklist_size() - 1);
    if (BlacklistActive(last, today)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "employer ", entry.employer_id(), " is already listed since ", DateText(last.listed_on()),
          " (until ", DateText(last.expires_on()), "); lift that listing first"));
    }
    if (ToCivil(entry.listed_on()) < ToCivil(last.listed_on())) {
      return InvalidField("entry.listed_on",
                          "is before the employer's latest listing; history is append-only");
    }
  }
  entry.clear_active();
  entry.clear_employer_name();
  entry.clear_credit_code();
  *stored->add_blacklist() = entry;
  const bool active = BlacklistActive(entry, today);
  stored->mutable_employer()->set_blacklisted(active);
  unit.TouchEmployer(stored);
  unit.Emit(MakeEvent("employer.listed", stored->employer().employer_id(),
                      stored->employer().version(), PublicEmployer(stored->employer())));
  if (active) {
    RETURN_IF_ERROR(unit.FlagEmployerVacancies(entry.employer_id(), true));
  }
  v1::BlacklistEntry out = PresentEntry(*stored, entry, today);
  RETURN_IF_ERROR(unit.Commit());
  return out;
}

absl::StatusOr<v1::BlacklistEntry> VacancyManager::LiftBlacklist(
    const Caller& caller, const v1::LiftBlacklistRequest& request) {
  const absl::CivilDay today = Today();
  ViolationCollector violations;
  if (request.employer_id().empty()) violations.Add("employer_id", "required");
  violations.Merge(ValidateText(request.reason(), kMaxReasonChars, /*required=*/true), "reason");
  CheckDate(request.lifted_on(), "lifted_on", DateField::kBlacklist, today, &violations);
  RETURN_IF_ERROR(violations.ToStatus());
  absl::CivilDay lifted = HasDate(request.lifted_on()) ? ToCivil(request.lifted_on()) : today;

  WriterLock lock(this);
  WorkUnit unit(this);
  unit.set_now(deps_.clock->Now());
  ASSIGN_OR_RETURN(StoredEmployer * stored, unit.Employer(request.employer_id()));
  if (stored == nullptr) {
    return absl::NotFoundError(absl::StrCat("employer ", request.employer_id(), " not found"));
  }
  if (stored->blacklist_size() == 0 ||
      !BlacklistActive(stored->blacklist(stored->blacklist_size() - 1), today)) {
    return absl::FailedPreconditionError(
        absl::StrCat("employer ", request.employer_id(), " is not on the blacklist"));
  }
  v1::BlacklistEntry* last = stored->mutable_blacklist(stored->blacklist_size() - 1);
  if (lifted < ToCivil(last->listed_on())) {
    return InvalidField("lifted_on", absl::StrCat("is before the listing began (",
                                                  DateText(last->listed_on()), ")"));
  }
  *last->mutable_lifted_on() = FromCivil(lifted);
  last->set_lift_reason(std::string(absl::StripAsciiWhitespace(request.reason())));
  stored->mutable_employer()->set_blacklisted(false);
  unit.TouchEmployer(stored);
  unit.Emit(MakeEvent("employer.lifted", stored->employer().employer_id(),
                      stored->employer().version(), PublicEmployer(stored->employer())));
  RETURN_IF_ERROR(unit.FlagEmployerVacancies(request.employer_id(), false));
  v1::BlacklistEntry out = PresentEntry(*stored, *last, today);
  RETURN_IF_ERROR(unit.Commit());
  return out;
}

absl::StatusOr<v1::IsBlacklistedResponse> VacancyManager::IsBlacklisted(
    const Caller& caller, const v1::IsBlacklistedRequest& request) {
  if (request.employer_id().empty()) return InvalidField("employer_id", "required");
  ASSIGN_OR_RETURN(auto stored, LoadEmployer(request.employer_id()));
  if (!stored.has_value()) {
    return absl::NotFoundError(absl::StrCat("employer ", request.employer_id(), " not found"));
  }
  v1::IsBlacklistedResponse response;
  const absl::CivilDay today = Today();
  if (stored->blacklist_size() > 0) {
    const auto& last = stored->blacklist(stored->blacklist_size() - 1);
    if (BlacklistActive(last, today)) {
      response.set_listed(true);
      *response.mutable_entry() = PresentEntry(*stored, last, today);
    }
  }
  return response;
}

absl::StatusOr<v1::ListBlacklistResponse> VacancyManager::ListBlacklist(
    const Caller& caller, const v1::ListBlacklistRequest& request) {
  ASSIGN_OR_RETURN(int page_size, PageSizeOf(request.page()));
  const std::string fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(std::string start_after,
                   ParsePageToken(request.page().page_token(), fingerprint));
  const absl::CivilDay today = Today();
  v1::ListBlacklistResponse response;
  // Paged by employer (with history, one employer may bring several
  // entries). The index may still list an employer whose listing ended
  // today but whose record the scheduler has not moved yet; such employers
  // are skipped, so read on until the page is full.
  std::string cursor = start_after;
  std::string last_id;
  bool more = false;
  while (!more) {
    ASSIGN_OR_RETURN(
        std::vector<std::string> ids,
        deps_.store->ListBlacklisted(request.include_history(), cursor, page_size + 1));
    for (const auto& id : ids) {
      if (response.entries_size() >= page_size) {
        more = true;
        break;
      }
      ASSIGN_OR_RETURN(auto stored, LoadEmployer(id));
      last_id = id;
      if (!stored.has_value()) continue;
      if (request.include_history()) {
        for (const auto& e : stored->blacklist()) {
          *response.add_entries() = PresentEntry(*stored, e, today);
        }
      } else if (stored->blacklist_size() > 0) {
        const auto& e = stored->blacklist(stored->blacklist_size() - 1);
        if (BlacklistActive(e, today)) *response.add_entries() = PresentEntry(*stored, e, today);
      }
    }
    if (static_cast<int>(ids.size()) < page_size + 1) break;
    cursor = last_id;
  }
  if (more) response.mutable_page()->set_next_page_token(MakePageToken(fingerprint, last_id));
  return response;
}

absl::Status VacancyManager::CheckNotBlacklisted(const StoredEmployer& stored) const {
  if (stored.blacklist_size() == 0) return absl::OkStatus();
  const auto& last = stored.blacklist(stored.blacklist_size() - 1);
  if (!BlacklistActive(last, Today())) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("employer ", stored.employer().employer_id(),
                   " is on the wage-arrears blacklist (拖欠农民工工资失信名单) since ",
                   DateText(last.listed_on()), " until ", DateText(last.expires_on()), ": ",
                   last.reason(), "; it may not post vacancies while listed"));
}

absl::StatusOr<const StoredEmployer*> VacancyManager::ResolveEmployer(
    WorkUnit& unit, const v1::Vacancy& vacancy, StoredEmployer* fresh) {
  if (!vacancy.employer_id().empty()) {
    ASSIGN_OR_RETURN(StoredEmployer * e, unit.Employer(vacancy.employer_id()));
    if (e == nullptr) {
      return absl::NotFoundError(absl::StrCat("employer ", vacancy.employer_id(), " not found"));
    }
    if (!vacancy.employer_credit_code().empty() &&
        vacancy.employer_credit_code() != e->employer().credit_code()) {
      return InvalidField("vacancy.employer_credit_code",
                          "does not match the employer named by employer_id");
    }
    return e;
  }
  if (vacancy.employer_credit_code().empty()) {
    return InvalidField("vacancy.employer_id", "required (or employer_credit_code and name)");
  }
  ASSIGN_OR_RETURN(auto id, unit.EmployerByCreditCode(vacancy.employer_credit_code()));
  if (id.has_value()) {
    ASSIGN_OR_RETURN(StoredEmployer * e, unit.Employer(*id));
    LABOR_CHECK(e != nullptr) << "credit code index names a missing employer " << *id;
    return e;
  }
  if (vacancy.employer_name().empty()) {
    return InvalidField("vacancy.employer_name",
                        "required to register an employer not yet known by its credit code");
  }
  fresh->Clear();
  v1::Employer* e = fresh->mutable_employer();
  e->set_credit_code(vacancy.employer_credit_code());
  e->set_name(vacancy.employer_name());
  e->set_region(vacancy.location());
  return fresh;
}

// ---------------------------------------------------------------- vacancies

absl::StatusOr<VacancyManager::PostOutcome> VacancyManager::PostInUnit(
    WorkUnit& unit, v1::Vacancy vacancy, const v1::VacancySource& source,
    const std::string& fingerprint, const PostRequestKey& request) {
  StoredEmployer fresh;
  ASSIGN_OR_RETURN(const StoredEmployer* employer, ResolveEmployer(unit, vacancy, &fresh));
  RETURN_IF_ERROR(CheckNotBlacklisted(*employer));
  StoredFair* fair = nullptr;
  if (source.kind() == v1::SOURCE_KIND_FAIR) {
    ASSIGN_OR_RETURN(fair, unit.Fair(source.fair_id()));
    if (fair == nullptr) {
      return absl::NotFoundError(absl::StrCat("fair ", source.fair_id(), " not found"));
    }
  }
  if (employer == &fresh) {
    v1::Employer* e = fresh.mutable_employer();
    e->set_employer_id(NewId("e"));
    e->set_version(1);
    *e->mutable_created_at() = ToProto(unit.now());
    *e->mutable_updated_at() = ToProto(unit.now());
    unit.Emit(MakeEvent("employer.registered", e->employer_id(), 1, PublicEmployer(*e)));
    employer = unit.AddEmployer(std::move(fresh));
  }
  const v1::Employer& e = employer->employer();
  vacancy.set_employer_id(e.employer_id());
  vacancy.set_employer_credit_code(e.credit_code());
  vacancy.set_employer_name(e.name());
  const std::string key = SourceKey(source);

  PostOutcome outcome;
  const std::string dedup_key = DedupKey(vacancy);
  const WageRange wage = RangeOf(vacancy.wage());
  StoredVacancy* target = nullptr;
  for (const OpenVacancy& c : unit.OpenByDedupKey(dedup_key)) {
    if (!WagesOverlap(c.wage, wage)) continue;
    ASSIGN_OR_RETURN(StoredVacancy * v, unit.Vacancy(c.id));
    // The map and the record are kept together under the writer lock.
    LABOR_CHECK(v != nullptr && v->vacancy().status() == v1::VACANCY_STATUS_OPEN &&
                DedupKey(v->vacancy()) == dedup_key)
        << "open vacancy map disagrees with vacancy " << c.id;
    target = v;
    break;
  }
  if (target != nullptr) {
    v1::Vacancy* t = target->mutable_vacancy();
    if (!HasSource(*t, key)) *t->add_sources() = source;
    (*target->mutable_source_fingerprints())[key] = fingerprint;
    if (vacancy.headcount() > t->headcount()) SetHeadcount(t, vacancy.headcount());
    if (fair != nullptr) AddUnique(t->mutable_fair_ids(), fair->fair().fair_id());
    unit.TouchVacancy(target);
    unit.SetRequestId(t->vacancy_id(), request.id, request.fingerprint);
    unit.Emit(MakeEvent("vacancy.updated", t->vacancy_id(), t->version(), *t));
    outcome.vacancy_id = t->vacancy_id();
    outcome.duplicate_of = t->vacancy_id();
  } else {
    StoredVacancy stored;
    v1::Vacancy* v = stored.mutable_vacancy();
    *v = std::move(vacancy);
    v->set_vacancy_id(NewId("v"));
    v->set_version(1);
    v->set_status(v1::VACANCY_STATUS_OPEN);
    v->clear_status_reason();
    v->set_remaining(v->headcount());
    v->set_employer_blacklisted(false);
    *v->mutable_posted_at() = ToProto(unit.now());
    *v->mutable_updated_at() = ToProto(unit.now());
    v->clear_sources();
    *v->add_sources() = source;
    v->clear_fair_ids();
    if (fair != nullptr) v->add_fair_ids(fair->fair().fair_id());
    (*stored.mutable_source_fingerprints())[key] = fingerprint;
    outcome.vacancy_id = v->vacancy_id();
    outcome.created = true;
    unit.Emit(MakeEvent("vacancy.created", v->vacancy_id(), 1, *v));
    unit.AddVacancy(std::move(stored));
    unit.SetRequestId(outcome.vacancy_id, request.id, request.fingerprint);
  }
  if (fair != nullptr) {
    bool changed = AddUnique(fair->mutable_fair()->mutable_vacancy_ids(), outcome.vacancy_id);
    changed |= AddUnique(fair->mutable_fair()->mutable_employer_ids(), e.employer_id());
    if (changed) {
      unit.TouchFair(fair);
      unit.Emit(
          MakeEvent("fair.updated", fair->fair().fair_id(), fair->fair().version(), fair->fair()));
    }
  }
  return outcome;
}

bool VacancyManager::VisibleTo(const Caller& caller, const v1::Vacancy& vacancy) const {
  if (caller.role != Role::kPartner) return true;
  for (const auto& s : vacancy.sources()) {
    if (s.kind() != v1::SOURCE_KIND_PARTNER || s.partner() == caller.tenant) return true;
  }
  return false;
}

v1::Vacancy VacancyManager::Present(const Caller& caller, const StoredVacancy& stored) const {
  v1::Vacancy v = stored.vacancy();
  for (auto& skill : *v.mutable_required_skills()) {
    skill.set_occupation_name(deps_.occupations->Name(skill.occupation_code()));
  }
  if (caller.role == Role::kPartner) {
    // A partner sees its own imports' ids, not other bureaus'.
    auto* sources = v.mutable_sources();
    for (int i = sources->size() - 1; i >= 0; --i) {
      if (sources->Get(i).kind() == v1::SOURCE_KIND_PARTNER &&
          sources->Get(i).partner() != caller.tenant) {
        sources->DeleteSubrange(i, 1);
      }
    }
  }
  return v;
}

absl::StatusOr<std::optional<StoredVacancy>> VacancyManager::LoadVacancy(absl::string_view id) {
  if (deps_.vacancy_cache != nullptr) {
    if (auto hit = deps_.vacancy_cache->Get(id); hit.has_value()) {
      StoredVacancy v;
      if (v.ParseFromString(*hit)) return std::optional<StoredVacancy>(std::move(v));
    }
  }
  ASSIGN_OR_RETURN(auto loaded, deps_.store->GetVacancy(id));
  if (loaded.has_value() && deps_.vacancy_cache != nullptr) {
    deps_.vacancy_cache->Put(id, loaded->vacancy().version(), loaded->SerializeAsString());
  }
  return loaded;
}

namespace {

absl::Status ValidateSource(const v1::Vacancy& vacancy, v1::VacancySource* source) {
  if (vacancy.sources_size() > 1) {
    return InvalidField("vacancy.sources", "a posting has one source");
  }
  if (vacancy.sources_size() == 1) *source = vacancy.sources(0);
  switch (source->kind()) {
    case v1::SOURCE_KIND_UNSPECIFIED:
    case v1::SOURCE_KIND_EMPLOYER:
      source->Clear();
      source->set_kind(v1::SOURCE_KIND_EMPLOYER);
      return absl::OkStatus();
    case v1::SOURCE_KIND_FAIR:
      if (source->fair_id().empty()) {
        return InvalidField("vacancy.sources[0].fair_id", "required for a fair source");
      }
      {
        std::string fair_id = source->fair_id();
        source->Clear();
        source->set_kind(v1::SOURCE_KIND_FAIR);
        source->set_fair_id(fair_id);
      }
      return absl::OkStatus();
    case v1::SOURCE_KIND_PARTNER:
      return InvalidField("vacancy.sources[0].kind",
                          "partner vacancies arrive through ImportVacancies");
    default:
      return InvalidField("vacancy.sources[0].kind", "unknown source kind");
  }
}

}  // namespace

absl::StatusOr<v1::PostVacancyResponse> VacancyManager::PostVacancy(
    const Caller& caller, const v1::PostVacancyRequest& request) {
  if (!request.request_id().empty() && !IsPlainToken(request.request_id(), kMaxRequestIdChars)) {
    return InvalidField("request_id", absl::StrCat("must be 1..", kMaxRequestIdChars,
                                                   " printable ASCII characters without spaces"));
  }
  v1::Vacancy vacancy = request.vacancy();
  v1::VacancySource source;
  RETURN_IF_ERROR(ValidateSource(vacancy, &source));
  VacancyRuleContext ctx{deps_.regions, deps_.occupations, deps_.policy, deps_.clock->Now()};
  RETURN_IF_ERROR(NormalizeVacancy(ctx, &vacancy, "vacancy"));

  // The request's content as sent (before normalization, which depends on
  // the day): a retry sends the same bytes.
  const PostRequestKey key{request.request_id(), ContentFingerprint(request.vacancy())};
  WriterLock lock(this);
  v1::PostVacancyResponse response;
  if (!key.id.empty()) {
    ASSIGN_OR_RETURN(auto earlier, deps_.store->FindPostRequest(key.id));
    if (earlier.has_value()) {
      const std::string& id = earlier->vacancy_id();
      if (!earlier->fingerprint().empty()) {
        RETURN_IF_ERROR(CheckReplay("request_id", key.id, earlier->fingerprint(), key.fingerprint,
                                    absl::StrCat("vacancy ", id)));
      }
      ASSIGN_OR_RETURN(auto stored, deps_.store->GetVacancy(id));
      LABOR_CHECK(stored.has_value()) << "request index names a missing vacancy " << id;
      *response.mutable_vacancy() = Present(caller, *stored);
      return response;
    }
  }
  WorkUnit unit(this);
  unit.set_now(deps_.clock->Now());
  const std::string fingerprint = Fingerprint(vacancy);
  ASSIGN_OR_RETURN(PostOutcome outcome,
                   PostInUnit(unit, std::move(vacancy), source, fingerprint, key));
  ASSIGN_OR_RETURN(StoredVacancy * stored, unit.Vacancy(outcome.vacancy_id));
  *response.mutable_vacancy() = Present(caller, *stored);
  response.set_duplicate_of(outcome.duplicate_of);
  RETURN_IF_ERROR(unit.Commit());
  return response;
}

absl::StatusOr<v1::Vacancy> VacancyManager::GetVacancy(const Caller& caller,
                                                       const v1::GetVacancyRequest& request) {
  if (request.vacancy_id().empty()) return InvalidField("vacancy_id", "required");
  ASSIGN_OR_RETURN(auto stored, LoadVacancy(request.vacancy_id()));
  if (!stored.has_value() || !VisibleTo(caller, stored->vacancy())) {
    return absl::NotFoundError(absl::StrCat("vacancy ", request.vacancy_id(), " not found"));
  }
  return Present(caller, *stored);
}

absl::StatusOr<v1::Vacancy> VacancyManager::UpdateVacancy(const Caller& caller,
                                                          const v1::UpdateVacancyRequest& request) {
  const std::string& id = request.vacancy().vacancy_id();
  if (id.empty()) return InvalidField("vacancy.vacancy_id", "required");
  google::protobuf::FieldMask mask;
  bool set_remaining = false;
  for (const auto& path : request.update_mask().paths()) {
    if (path == "remaining") {
      set_remaining = true;
    } else {
      mask.add_paths(path);
    }
  }
  if (!set_remaining && mask.paths().empty()) {
    return InvalidField("update_mask", "names no field to update");
  }

  WriterLock lock(this);
  WorkUnit unit(this);
  unit.set_now(deps_.clock->Now());
  ASSIGN_OR_RETURN(StoredVacancy * stored, unit.Vacancy(id));
  if (stored == nullptr) return absl::NotFoundError(absl::StrCat("vacancy ", id, " not found"));
  v1::Vacancy updated = stored->vacancy();
  if (request.expected_version() != 0 && request.expected_version() != updated.version()) {
    return absl::AbortedError(absl::StrCat("vacancy ", id, " is at version ", updated.version(),
                                           ", not ", request.expected_version()));
  }
  if (updated.status() != v1::VACANCY_STATUS_OPEN) {
    return absl::FailedPreconditionError(absl::StrCat("vacancy ", id, " is ",
                                                      StatusName(updated.status()),
                                                      "; only open vacancies "
                                                      "change"));
  }
  if (!mask.paths().empty()) {
    const int old_headcount = updated.headcount();
    const int old_remaining = updated.remaining();
    RETURN_IF_ERROR(ApplyVacancyMask(mask, request.vacancy(), &updated));
    VacancyRuleContext ctx{deps_.regions, deps_.occupations, deps_.policy, unit.now()};
    RETURN_IF_ERROR(NormalizeVacancy(ctx, &updated, "vacancy"));
    updated.set_remaining(old_remaining);
    const int new_headcount = updated.headcount();
    updated.set_headcount(old_headcount);
    SetHeadcount(&updated, new_headcount);
  }
  if (set_remaining) {
    int remaining = request.vacancy().remaining();
    if (remaining < 0 || remaining > updated.headcount()) {
      return InvalidField("vacancy.remaining",
                          absl::StrCat("must be 0..headcount (", updated.headcount(), ")"));
    }
    updated.set_remaining(remaining);
  }
  std::string type = "vacancy.updated";
  if (updated.remaining() == 0) {
    updated.set_status(v1::VACANCY_STATUS_FILLED);
    updated.set_status_reason("no headcount left");
    type = "vacancy.filled";
  }
  *stored->mutable_vacancy() = std::move(updated);
  unit.TouchVacancy(stored);
  unit.Emit(MakeEvent(type, id, stored->vacancy().version(), stored->vacancy()));
  v1::Vacancy out = Present(caller, *stored);
  RETURN_IF_ERROR(unit.Commit());
  return out;
}

absl::StatusOr<v1::Vacancy> VacancyManager::ChangeVacancyStatus(
    const Caller& caller, const v1::ChangeVacancyStatusRequest& request) {
  ViolationCollector violations;
  if (request.vacancy_id().empty()) violations.Add("vacancy_id", "required");
  if (request.status() != v1::VACANCY_STATUS_CLOSED &&
      request.status() != v1::VACANCY_STATUS_FILLED) {
    violations.Add("status", "must be VACANCY_STATUS_CLOSED or VACANCY_STATUS_FILLED");
  }
  violations.Merge(ValidateText(request.reason(), 200, /*required=*/false), "reason");
  RETURN_IF_ERROR(violations.ToStatus());

  WriterLock lock(this);
  WorkUnit unit(this);
  unit.set_now(deps_.clock->Now());
  ASSIGN_OR_RETURN(StoredVacancy * stored, unit.Vacancy(request.vacancy_id()));
  if (stored == nullptr || !VisibleTo(caller, stored->vacancy())) {
    return absl::NotFoundError(absl::StrCat("vacancy ", request.vacancy_id(), " not found"));
  }
  v1::Vacancy* v = stored->mutable_vacancy();
  if (caller.role == Role::kPartner) {
    for (const auto& s : v->sources()) {
      if (s.kind() != v1::SOURCE_KIND_PARTNER || s.partner() != caller.tenant) {
        return absl::PermissionDeniedError(
            "a partner may change only vacancies that come from its own imports alone");
      }
    }
  }
  if (request.expected_version() != 0 && request.expected_version() != v->version()) {
    return absl::AbortedError(absl::StrCat("vacancy ", v->vacancy_id(), " is at version ",
                                           v->version(), ", not ", request.expected_version()));
  }
  if (v->status() != v1::VACANCY_STATUS_OPEN) {
    return absl::FailedPreconditionError(
        absl::StrCat("vacancy ", v->vacancy_id(), " is already ", StatusName(v->status())));
  }
  v->set_status(request.status());
  v->set_status_reason(std::string(absl::StripAsciiWhitespace(request.reason())));
  if (request.status() == v1::VACANCY_STATUS_FILLED) v->set_remaining(0);
  unit.TouchVacancy(stored);
  unit.Emit(
      MakeEvent(request.status() == v1::VACANCY_STATUS_FILLED ? "vacancy.filled" : "vacancy.closed",
                v->vacancy_id(), v->version(), *v));
  v1::Vacancy out = Present(caller, *stored);
  RETURN_IF_ERROR(unit.Commit());
  return out;
}

absl::StatusOr<v1::ListVacanciesResponse> VacancyManager::ListVacancies(
    const Caller& caller, const v1::ListVacanciesRequest& request) {
  ASSIGN_OR_RETURN(int page_size, PageSizeOf(request.page()));
  ViolationCollector violations;
  VacancyQuery query;
  if (!request.occupation_prefix().empty()) {
    violations.Merge(deps_.occupations->ValidatePrefix(request.occupation_prefix()),
                     "occupation_prefix");
    query.occupation_prefix = request.occupation_prefix();
  }
  if (!request.region_prefix().empty()) {
    absl::StatusOr<std::string> region = deps_.regions->Canonical(request.region_prefix());
    violations.Merge(region.status(), "region_prefix");
    if (region.ok()) query.region_prefix = *std::move(region);
  }
  if (request.has_monthly_wage_floor()) {
    if (request.monthly_wage_floor().fen() < 0) {
      violations.Add("monthly_wage_floor", "must not be negative");
    }
    query.monthly_wage_floor_fen = request.monthly_wage_floor().fen();
  }
  if (!v1::VacancyStatus_IsValid(request.status())) violations.Add("status", "unknown status");
  // Matching (service role) keeps blacklisted employers' vacancies so that
  // Explain can say why they are not shown.
  if (request.include_blacklisted() && caller.role != Role::kAdmin &&
      caller.role != Role::kService) {
    return absl::PermissionDeniedError(
        "include_blacklisted is for bureau staff (admin) and internal services only");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  query.employer_id = request.employer_id();
  query.fair_id = request.fair_id();
  query.status = request.status();
  auto window = [](const google::protobuf::Timestamp& ts) -> std::optional<absl::Time> {
    if (!HasTimestamp(ts)) return std::nullopt;
    return FromProto(ts);
  };
  query.posted_after = window(request.posted_after());
  query.posted_before = window(request.posted_before());
  query.expires_after = window(request.expires_after());
  query.expires_before = window(request.expires_before());
  query.updated_since = window(request.updated_since());
  query.include_blacklisted = request.include_blacklisted();
  // Job seekers' screens show open vacancies unless they ask otherwise;
  // the feed shows every change, closings included.
  const bool seeker_view =
      caller.role == Role::kKiosk || caller.role == Role::kWechat || caller.role == Role::kPartner;
  if (seeker_view && query.status == v1::VACANCY_STATUS_UNSPECIFIED &&
      !query.updated_since.has_value()) {
    query.status = v1::VACANCY_STATUS_OPEN;
  }
  if (caller.role == Role::kPartner) query.visible_to_partner = caller.tenant;

  const std::string fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(std::string cursor, ParsePageToken(request.page().page_token(), fingerprint));
  ASSIGN_OR_RETURN(VacancyIndex::Page page, deps_.index->Query(query, cursor, page_size));
  v1::ListVacanciesResponse response;
  for (const auto& id : page.vacancy_ids) {
    // Local point reads (block cache) are far cheaper than a Redis round
    // trip per result; the Redis cache serves single gets.
    ASSIGN_OR_RETURN(auto stored, deps_.store->GetVacancy(id));
    if (!stored.has_value()) continue;
    *response.add_vacancies() = Present(caller, *stored);
  }
  if (!page.next_cursor.empty()) {
    response.mutable_page()->set_next_page_token(MakePageToken(fingerprint, page.next_cursor));
  }
  return response;
}

// ---------------------------------------------------------------- fairs

absl::StatusOr<v1::JobFair> VacancyManager::CreateFair(const Caller& caller,
                                                       const v1::CreateFairRequest& request) {
  v1::JobFair fair = request.fair();
  RETURN_IF_ERROR(NormalizeFair(*deps_.regions, Today(), &fair, "fair"));
  WriterLock lock(this);
  WorkUnit unit(this);
  unit.set_now(deps_.clock->Now());
  fair.set_fair_id(NewId("f"));
  fair.set_version(1);
  fair.clear_employer_ids();
  fair.clear_vacancy_ids();
  StoredFair stored;
  *stored.mutable_fair() = fair;
  unit.Emit(MakeEvent("fair.created", fair.fair_id(), 1, fair));
  unit.AddFair(std::move(stored));
  RETURN_IF_ERROR(unit.Commit());
  return fair;
}

absl::StatusOr<v1::JobFair> VacancyManager::GetFair(const Caller& caller,
                                                    const v1::GetFairRequest& request) {
  if (request.fair_id().empty()) return InvalidField("fair_id", "required");
  ASSIGN_OR_RETURN(auto stored, deps_.store->GetFair(request.fair_id()));
  if (!stored.has_value()) {
    return absl::NotFoundError(absl::StrCat("fair ", request.fair_id(), " not found"));
  }
  return stored->fair();
}

absl::StatusOr<v1::JobFair> VacancyManager::AttachToFair(const Caller& caller,
                                                         const v1::AttachToFairRequest& request) {
  ViolationCollector violations;
  if (request.fair_id().empty()) violations.Add("fair_id", "required");
  if (request.employer_ids().empty() && request.vacancy_ids().empty()) {
    violations.Add("employer_ids", "give employer_ids or vacancy_ids to attach");
  }
  if (request.employer_ids_size() > kMaxAttachIds || request.vacancy_ids_size() > kMaxAttachIds) {
    violations.Add("vacancy_ids", absl::StrCat("at most ", kMaxAttachIds, " ids per call"));
  }
  RETURN_IF_ERROR(violations.ToStatus());

  WriterLock lock(this);
  WorkUnit unit(this);
  unit.set_now(deps_.clock->Now());
  ASSIGN_OR_RETURN(StoredFair * fair, unit.Fair(request.fair_id()));
  if (fair == nullptr) {
    return absl::NotFoundError(absl::StrCat("fair ", request.fair_id(), " not found"));
  }
  bool changed = false;
  for (const auto& id : request.employer_ids()) {
    ASSIGN_OR_RETURN(StoredEmployer * e, unit.Employer(id));
    if (e == nullptr) return absl::NotFoundError(absl::StrCat("employer ", id, " not found"));
    changed |= AddUnique(fair->mutable_fair()->mutable_employer_ids(), id);
  }
  for (const auto& id : request.vacancy_ids()) {
    ASSIGN_OR_RETURN(StoredVacancy * v, unit.Vacancy(id));
    if (v == nullptr) return absl::NotFoundError(absl::StrCat("vacancy ", id, " not found"));
    changed |= AddUnique(fair->mutable_fair()->mutable_vacancy_ids(), id);
    changed |= AddUnique(fair->mutable_fair()->mutable_employer_ids(), v->vacancy().employer_id());
    if (AddUnique(v->mutable_vacancy()->mutable_fair_ids(), request.fair_id())) {
      unit.TouchVacancy(v);
      unit.Emit(MakeEvent("vacancy.updated", id, v->vacancy().version(), v->vacancy()));
    }
  }
  if (changed) {
    unit.TouchFair(fair);
    unit.Emit(
        MakeEvent("fair.updated", fair->fair().fair_id(), fair->fair().version(), fair->fair()));
  }
  v1::JobFair out = fair->fair();
  RETURN_IF_ERROR(unit.Commit());
  return out;
}

absl::StatusOr<v1::CheckInResponse> VacancyManager::CheckIn(const Caller& caller,
                                                            const v1::CheckInRequest& request) {
  ViolationCollector violations;
  if (request.fair_id().empty()) violations.Add("fair_id", "required");
  if (!IsWorkerId(request.worker_id())) {
    violations.Add("worker_id", "must be a worker id as ProfileService issues them (w_ + 20 hex)");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  const absl::Time now = deps_.clock->Now();
  const absl::Time at = HasTimestamp(request.at()) ? FromProto(request.at()) : now;
  if (at > now + absl::Minutes(5)) return InvalidField("at", "is in the future");

  WriterLock lock(this);
  WorkUnit unit(this);
  unit.set_now(now);
  ASSIGN_OR_RETURN(StoredFair * fair, unit.Fair(request.fair_id()));
  if (fair == nullptr) {
    return absl::NotFoundError(absl::StrCat("fair ", request.fair_id(), " not found"));
  }
  const absl::CivilDay day = absl::ToCivilDay(at, ShanghaiTime());
  if (day < ToCivil(fair->fair().start_date()) || day > ToCivil(fair->fair().end_date())) {
    return absl::FailedPreconditionError(
        absl::StrCat("fair ", request.fair_id(), " runs from ", DateText(fair->fair().start_date()),
                     " to ", DateText(fair->fair().end_date()), "; check-ins are taken only then"));
  }
  v1::CheckInResponse response;
  ASSIGN_OR_RETURN(auto earlier, deps_.store->FindCheckIn(request.fair_id(), request.worker_id()));
  if (earlier.has_value()) {
    response.set_first_check_in(false);
    response.set_check_ins(fair->check_ins());
    return response;
  }
  fair->set_check_ins(fair->check_ins() + 1);
  unit.TouchFair(fair, /*bump=*/false);
  unit.AddCheckIn({request.fair_id(), request.worker_id(), at});
  response.set_first_check_in(true);
  response.set_check_ins(fair->check_ins());
  RETURN_IF_ERROR(unit.Commit());
  return response;
}

absl::StatusOr<v1::FairStats> VacancyManager::GetFairStats(const Caller& caller,
                                                           const v1::GetFairStatsRequest& request) {
  if (request.fair_id().empty()) return InvalidField("fair_id", "required");
  ASSIGN_OR_RETURN(auto stored, deps_.store->GetFair(request.fair_id()));
  if (!stored.has_value()) {
    return absl::NotFoundError(absl::StrCat("fair ", request.fair_id(), " not found"));
  }
  v1::FairStats stats;
  stats.set_fair_id(request.fair_id());
  absl::flat_hash_set<std::string> employers(stored->fair().employer_ids().begin(),
                                             stored->fair().employer_ids().end());
  int vacancies = 0;
  int64_t headcount = 0;
  for (const auto& id : stored->fair().vacancy_ids()) {
    ASSIGN_OR_RETURN(auto v, deps_.store->GetVacancy(id));
    if (!v.has_value()) continue;
    ++vacancies;
    headcount += v->vacancy().headcount();
    employers.insert(v->vacancy().employer_id());
  }
  stats.set_employers(static_cast<int>(employers.size()));
  stats.set_vacancies(vacancies);
  stats.set_headcount_offered(static_cast<int>(std::min<int64_t>(headcount, INT32_MAX)));
  stats.set_check_ins(stored->check_ins());
  return stats;
}

absl::StatusOr<v1::ListFairsResponse> VacancyManager::ListFairs(
    const Caller& caller, const v1::ListFairsRequest& request) {
  ASSIGN_OR_RETURN(int page_size, PageSizeOf(request.page()));
  if (request.year() != 0 && (request.year() < 2000 || request.year() > 2100)) {
    return InvalidField("year", "must be 0 (all) or 2000..2100");
  }
  const std::string fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(std::string start_after,
                   ParsePageToken(request.page().page_token(), fingerprint));
  std::string next;
  ASSIGN_OR_RETURN(std::vector<StoredFair> fairs,
                   deps_.store->ListFairs(request.year(), start_after, page_size, &next));
  v1::ListFairsResponse response;
  for (auto& f : fairs) *response.add_fairs() = std::move(*f.mutable_fair());
  if (!next.empty()) response.mutable_page()->set_next_page_token(MakePageToken(fingerprint, next));
  return response;
}

// ---------------------------------------------------------------- imports

namespace {

std::string RejectionReason(const absl::Status& status) {
  std::vector<FieldViolation> violations = GetFieldViolations(status);
  if (violations.empty()) return std::string(status.message());
  std::string reason;
  for (const auto& v : violations) {
    absl::StrAppend(&reason, reason.empty() ? "" : "; ", v.field, ": ", v.description);
  }
  return reason;
}

}  // namespace

VacancyManager::PreparedImport VacancyManager::PrepareImport(
    std::vector<v1::ImportItem> items) const {
  PreparedImport prepared;
  prepared.items.resize(items.size());
  VacancyRuleContext ctx{deps_.regions, deps_.occupations, deps_.policy, deps_.clock->Now()};
  for (size_t i = 0; i < items.size(); ++i) {
    PreparedItem& p = prepared.items[i];
    p.external_id = std::move(*items[i].mutable_external_id());
    if (!IsPlainToken(p.external_id, kMaxExternalIdChars)) {
      p.rejection = InvalidField("external_id", absl::StrCat("must be 1..", kMaxExternalIdChars,
                                                             " printable characters without "
                                                             "spaces"));
      continue;
    }
    p.vacancy = std::move(*items[i].mutable_vacancy());
    const v1::VacancyStatus wanted = p.vacancy.status();
    if (wanted == v1::VACANCY_STATUS_CLOSED || wanted == v1::VACANCY_STATUS_FILLED) {
      p.withdrawal = wanted;  // a withdrawal: the partner's job is gone
      continue;
    }
    if (wanted != v1::VACANCY_STATUS_UNSPECIFIED && wanted != v1::VACANCY_STATUS_OPEN) {
      p.rejection = InvalidField("vacancy.status", "an import item is open, closed or filled");
      continue;
    }
    const bool expiry_sent = HasTimestamp(p.vacancy.expires_at());
    // Output-only fields mean nothing in an item (the service sets them).
    v1::Vacancy& v = p.vacancy;
    v.clear_sources();
    v.clear_status();
    v.clear_vacancy_id();
    v.clear_version();
    v.clear_remaining();
    v.clear_posted_at();
    v.clear_updated_at();
    v.clear_status_reason();
    v.clear_employer_blacklisted();
    v.clear_fair_ids();
    DiscardUnknownFieldsDeep(&v);
    if (absl::Status s = NormalizeVacancy(ctx, &v, "vacancy"); !s.ok()) {
      p.rejection = s;
      continue;
    }
    // The fingerprint covers what the partner sent: an expiry the service
    // defaulted (now + lifetime) differs on every replay.
    if (expiry_sent) {
      p.fingerprint = FingerprintAsIs(v);
    } else {
      google::protobuf::Timestamp defaulted = std::move(*v.mutable_expires_at());
      v.clear_expires_at();
      p.fingerprint = FingerprintAsIs(v);
      *v.mutable_expires_at() = std::move(defaulted);
    }
  }
  return prepared;
}

absl::StatusOr<v1::ImportResult> VacancyManager::ImportOne(WorkUnit& unit, const Caller& caller,
                                                           PreparedItem& item) {
  v1::ImportResult result;
  result.set_external_id(item.external_id);
  auto reject = [&result](const absl::Status& status) {
    result.set_outcome(v1::ImportResult::OUTCOME_REJECTED);
    result.set_reason(RejectionReason(status));
    return result;
  };
  if (!item.rejection.ok()) return reject(item.rejection);
  v1::VacancySource source;
  source.set_kind(v1::SOURCE_KIND_PARTNER);
  source.set_partner(caller.tenant);
  source.set_external_id(item.external_id);
  const std::string key = SourceKey(source);
  ASSIGN_OR_RETURN(auto existing_id, unit.VacancyBySource(key));

  if (item.withdrawal != v1::VACANCY_STATUS_UNSPECIFIED) {
    const v1::VacancyStatus wanted = item.withdrawal;
    if (!existing_id.has_value()) {
      return reject(absl::NotFoundError("nothing imported under this external_id to withdraw"));
    }
    ASSIGN_OR_RETURN(StoredVacancy * stored, unit.Vacancy(*existing_id));
    v1::Vacancy* v = stored->mutable_vacancy();
    result.set_vacancy_id(v->vacancy_id());
    if (v->status() != v1::VACANCY_STATUS_OPEN) {
      result.set_outcome(v1::ImportResult::OUTCOME_UNCHANGED);
      return result;
    }
    bool sole_source = true;
    for (const auto& s : v->sources()) sole_source &= (SourceKey(s) == key);
    std::string type = "vacancy.updated";
    if (sole_source) {
      v->set_status(wanted);
      v->set_status_reason(absl::StrCat("withdrawn by partner ", caller.tenant));
      if (wanted == v1::VACANCY_STATUS_FILLED) v->set_remaining(0);
      type = wanted == v1::VACANCY_STATUS_FILLED ? "vacancy.filled" : "vacancy.closed";
    } else {
      // Others still offer the job: only this partner's source goes.
      auto* sources = v->mutable_sources();
      for (int i = sources->size() - 1; i >= 0; --i) {
        if (SourceKey(sources->Get(i)) == key) sources->DeleteSubrange(i, 1);
      }
      stored->mutable_source_fingerprints()->erase(key);
    }
    unit.TouchVacancy(stored);
    unit.Emit(MakeEvent(type, v->vacancy_id(), v->version(), *v));
    result.set_outcome(v1::ImportResult::OUTCOME_UPDATED);
    return result;
  }

  v1::Vacancy& vacancy = item.vacancy;
  const std::string& fingerprint = item.fingerprint;
  if (existing_id.has_value()) {
    ASSIGN_OR_RETURN(StoredVacancy * stored, unit.Vacancy(*existing_id));
    v1::Vacancy* v = stored->mutable_vacancy();
    result.set_vacancy_id(v->vacancy_id());
    auto fp = stored->source_fingerprints().find(key);
    const bool same = fp != stored->source_fingerprints().end() && fp->second == fingerprint;
    if (same && v->status() == v1::VACANCY_STATUS_OPEN) {
      result.set_outcome(v1::ImportResult::OUTCOME_UNCHANGED);
      return result;
    }
    const bool primary = v->sources_size() > 0 && SourceKey(v->sources(0)) == key;
    if (!primary) {
      // Another source owns the content; remember what this partner sent.
      (*stored->mutable_source_fingerprints())[key] = fingerprint;
      unit.TouchVacancy(stored, /*bump=*/false);
      result.set_outcome(v1::ImportResult::OUTCOME_DUPLICATE);
      result.set_duplicate_of(v->vacancy_id());
      return result;
    }
    StoredEmployer fresh;
    auto resolved = ResolveEmployer(unit, vacancy, &fresh);
    if (!resolved.ok()) return reject(resolved.status());
    const StoredEmployer& employer = **resolved;
    if (employer.employer().employer_id() != v->employer_id()) {
      return reject(InvalidField("vacancy.employer_credit_code",
                                 "differs from the employer this external_id was imported with"));
    }
    if (absl::Status s = CheckNotBlacklisted(employer); !s.ok()) return reject(s);
    v1::Vacancy updated = *v;
    const int old_headcount = updated.headcount();
    const int old_remaining = updated.remaining();
    RETURN_IF_ERROR(ApplyVacancyMask(ContentMask(), vacancy, &updated));
    updated.set_headcount(old_headcount);
    updated.set_remaining(old_remaining);
    if (updated.status() != v1::VACANCY_STATUS_OPEN) {
      // Re-sent after it expired or closed: the job is offered again.
      updated.set_status(v1::VACANCY_STATUS_OPEN);
      updated.clear_status_reason();
      updated.set_remaining(vacancy.headcount());
      updated.set_headcount(vacancy.headcount());
    } else {
      SetHeadcount(&updated, vacancy.headcount());
    }
    *v = std::move(updated);
    (*stored->mutable_source_fingerprints())[key] = fingerprint;
    unit.TouchVacancy(stored);
    unit.Emit(MakeEvent("vacancy.updated", v->vacancy_id(), v->version(), *v));
    result.set_outcome(v1::ImportResult::OUTCOME_UPDATED);
    return result;
  }

  auto outcome = PostInUnit(unit, std::move(vacancy), source, fingerprint, {});
  if (!outcome.ok()) {
    if (outcome.status().code() == absl::StatusCode::kInvalidArgument ||
        outcome.status().code() == absl::StatusCode::kFailedPrecondition ||
        outcome.status().code() == absl::StatusCode::kNotFound) {
      return reject(outcome.status());
    }
    return outcome.status();  // a store failure fails the batch
  }
  result.set_vacancy_id(outcome->vacancy_id);
  if (outcome->created) {
    result.set_outcome(v1::ImportResult::OUTCOME_CREATED);
  } else {
    result.set_outcome(v1::ImportResult::OUTCOME_DUPLICATE);
    result.set_duplicate_of(outcome->duplicate_of);
  }
  return result;
}

absl::StatusOr<std::vector<v1::ImportResult>> VacancyManager::ApplyImport(
    const Caller& caller, PreparedImport prepared, const std::function<void()>& on_committed) {
  if (caller.tenant.empty()) {
    return absl::FailedPreconditionError("the partner token names no tenant (partner bureau)");
  }
  std::vector<v1::ImportResult> results;
  results.reserve(prepared.items.size());
  write_mu_.Lock();
  // A previous write that has ended is settled now: no overlay needed, and
  // if it failed this batch does not depend on it.
  if (committing_ != nullptr && commit_mu_.TryLock()) {
    SettleIndependent();
    commit_mu_.Unlock();
  }
  // Decides on top of the previous batch, whose write may be in flight.
  auto unit = std::make_shared<WorkUnit>(this, committing_);
  unit->set_now(deps_.clock->Now());
  for (auto& item : prepared.items) {
    absl::StatusOr<v1::ImportResult> result = ImportOne(*unit, caller, item);
    if (!result.ok()) {
      write_mu_.Unlock();
      return result.status();
    }
    results.push_back(*std::move(result));
  }
  const VacancyMutation mutation = unit->TakeMutation();
  commit_mu_.Lock();  // the previous batch's write is done
  if (absl::Status previous = SettleCommitting(); !previous.ok()) {
    commit_mu_.Unlock();
    write_mu_.Unlock();
    return absl::UnavailableError(
        absl::StrCat("import batch not applied: it built on the previous batch, whose write "
                     "failed (",
                     previous.message(), "); nothing of it was written, retry it"));
  }
  unit->DropOverlay();
  committing_ = unit;
  write_mu_.Unlock();
  // The next batch may decide now; this one is answered after its write.
  if (on_committed) on_committed();
  absl::Status status =
      WorkUnit::IsEmpty(mutation) ? absl::OkStatus() : deps_.store->Apply(mutation);
  if (status.ok()) unit->RememberEmployers();
  committing_status_ = status;
  if (!status.ok()) {
    commit_mu_.Unlock();
    return status;
  }
  // Publications stay in commit order: publish_mu_ before commit_mu_ goes.
  publish_mu_.Lock();
  commit_mu_.Unlock();
  unit->Publish();
  publish_mu_.Unlock();
  return results;
}

absl::StatusOr<std::vector<v1::ImportResult>> VacancyManager::ImportBatch(
    const Caller& caller, const std::vector<v1::ImportItem>& items) {
  return ApplyImport(caller, PrepareImport(items));
}

// ---------------------------------------------------------------- scheduler

absl::StatusOr<ScheduledWork> VacancyManager::RunScheduledOnce() {
  ScheduledWork work;
  WriterLock lock(this);
  WorkUnit unit(this);
  const absl::Time now = deps_.clock->Now();
  unit.set_now(now);
  const absl::CivilDay today = absl::ToCivilDay(now, ShanghaiTime());

  ASSIGN_OR_RETURN(std::vector<std::string> ending,
                   deps_.store->ListingsDueToEnd(today, options_.scheduler_batch));
  for (const auto& id : ending) {
    ASSIGN_OR_RETURN(StoredEmployer * e, unit.Employer(id));
    if (e == nullptr || !e->employer().blacklisted()) continue;
    if (e->blacklist_size() > 0 && BlacklistActive(e->blacklist(e->blacklist_size() - 1), today)) {
      continue;
    }
    e->mutable_employer()->set_blacklisted(false);
    unit.TouchEmployer(e);
    unit.Emit(MakeEvent("employer.listing_ended", id, e->employer().version(),
                        PublicEmployer(e->employer())));
    RETURN_IF_ERROR(unit.FlagEmployerVacancies(id, false));
    ++work.listings_ended;
  }

  ASSIGN_OR_RETURN(std::vector<std::string> due,
                   deps_.store->DueToExpire(now, options_.scheduler_batch));
  for (const auto& id : due) {
    ASSIGN_OR_RETURN(StoredVacancy * v, unit.Vacancy(id));
    if (v == nullptr || v->vacancy().status() != v1::VACANCY_STATUS_OPEN) continue;
    if (FromProto(v->vacancy().expires_at()) > now) continue;
    v->mutable_vacancy()->set_status(v1::VACANCY_STATUS_EXPIRED);
    v->mutable_vacancy()->set_status_reason("passed its expiry time");
    unit.TouchVacancy(v);
    unit.Emit(MakeEvent("vacancy.expired", id, v->vacancy().version(), v->vacancy()));
    ++work.vacancies_expired;
  }
  RETURN_IF_ERROR(unit.Commit());
  return work;
}

}  // namespace labor::vacancy
