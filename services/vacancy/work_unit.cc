#include "services/vacancy/work_unit.h"

#include <algorithm>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "common/proto_util.h"
#include "common/status.h"

namespace labor::vacancy {

bool HasSource(const v1::Vacancy& v, absl::string_view key) {
  for (const auto& s : v.sources()) {
    if (SourceKey(s) == key) return true;
  }
  return false;
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

// ------------------------------------------------------- committed state

OpenVacancy OpenVacancyOf(const v1::Vacancy& v) {
  return {v.vacancy_id(), absl::ToUnixMicros(FromProto(v.posted_at())), RangeOf(v.wage())};
}

void OpenVacancies::Remember(const v1::Vacancy& v) {
  if (v.status() != v1::VACANCY_STATUS_OPEN) return;
  auto& open = by_key_[DedupKey(v)];
  auto it = std::find_if(open.begin(), open.end(),
                         [&v](const OpenVacancy& o) { return o.id == v.vacancy_id(); });
  if (it == open.end()) {
    open.push_back(OpenVacancyOf(v));
  } else {
    *it = OpenVacancyOf(v);  // an update may change the wage
  }
}

void OpenVacancies::Forget(const v1::Vacancy* v) {
  if (v == nullptr || v->status() != v1::VACANCY_STATUS_OPEN) return;
  auto it = by_key_.find(DedupKey(*v));
  if (it == by_key_.end()) return;
  auto& open = it->second;
  open.erase(std::remove_if(open.begin(), open.end(),
                            [v](const OpenVacancy& o) { return o.id == v->vacancy_id(); }),
             open.end());
  if (open.empty()) by_key_.erase(it);
}

const std::vector<OpenVacancy>* OpenVacancies::Find(const std::string& key) const {
  auto it = by_key_.find(key);
  return it != by_key_.end() ? &it->second : nullptr;
}

CommittedEmployers::CommittedEmployers(VacancyStore* store, size_t capacity)
    : store_(store), by_id_(capacity), ids_by_code_(capacity) {}

absl::StatusOr<std::shared_ptr<const StoredEmployer>> CommittedEmployers::LoadShared(
    const std::string& id) {
  if (auto cached = by_id_.Get(id); cached != nullptr) return cached;
  ASSIGN_OR_RETURN(auto loaded, store_->GetEmployer(id));
  if (!loaded.has_value()) return nullptr;
  auto shared = std::make_shared<const StoredEmployer>(*std::move(loaded));
  by_id_.Put(id, shared->employer().version(), shared);
  return shared;
}

absl::StatusOr<std::optional<StoredEmployer>> CommittedEmployers::Load(const std::string& id) {
  ASSIGN_OR_RETURN(std::shared_ptr<const StoredEmployer> shared, LoadShared(id));
  if (shared == nullptr) return std::optional<StoredEmployer>();
  return std::optional<StoredEmployer>(*shared);
}

absl::StatusOr<std::optional<std::string>> CommittedEmployers::FindIdByCode(
    const std::string& credit_code) {
  if (auto id = ids_by_code_.Get(credit_code); id != nullptr) {
    if (auto cached = by_id_.Get(*id);
        cached != nullptr && cached->employer().credit_code() == credit_code) {
      return std::optional<std::string>(*id);
    }
  }
  ASSIGN_OR_RETURN(auto found, store_->FindEmployerByCreditCode(credit_code));
  if (found.has_value()) {
    ids_by_code_.Put(credit_code, ++code_fills_, std::make_shared<std::string>(*found));
  }
  return found;
}

void CommittedEmployers::Remember(const StoredEmployer& employer) {
  const v1::Employer& e = employer.employer();
  by_id_.Put(e.employer_id(), e.version(), std::make_shared<StoredEmployer>(employer));
  ids_by_code_.Put(e.credit_code(), ++code_fills_, std::make_shared<std::string>(e.employer_id()));
}

// ------------------------------------------------------------- work unit

template <typename T, typename Load>
absl::StatusOr<T*> WorkUnit::ReadThrough(
    absl::flat_hash_map<std::string, Entry<T>> WorkUnit::*records, const std::string& id,
    const Load& load) {
  auto& map = this->*records;
  auto it = map.find(id);
  if (it == map.end()) {
    std::optional<T> loaded;
    if (const T* pending = Pending(records, id); pending != nullptr) {
      loaded = *pending;
    } else {
      ASSIGN_OR_RETURN(loaded, load(id));
    }
    if (!loaded.has_value()) return nullptr;
    Entry<T> entry;
    entry.before = std::make_shared<const T>(*loaded);
    entry.after = *std::move(loaded);
    it = map.emplace(id, std::move(entry)).first;
  }
  return &it->second.after;
}

absl::StatusOr<StoredVacancy*> WorkUnit::Vacancy(const std::string& id) {
  return ReadThrough(&WorkUnit::vacancies_, id,
                     [this](const std::string& key) { return deps_.store->GetVacancy(key); });
}

void WorkUnit::AddVacancy(StoredVacancy v) {
  std::string id = v.vacancy().vacancy_id();
  Remember(v.vacancy());
  Entry<StoredVacancy> entry;
  entry.after = std::move(v);
  entry.dirty = true;
  vacancy_order_.push_back(id);
  vacancies_.emplace(std::move(id), std::move(entry));
}

void WorkUnit::TouchVacancy(StoredVacancy* v, bool bump) {
  if (bump) {
    v->mutable_vacancy()->set_version(v->vacancy().version() + 1);
    *v->mutable_vacancy()->mutable_updated_at() = ToProto(now_);
  }
  Remember(v->vacancy());
  auto& entry = vacancies_.at(v->vacancy().vacancy_id());
  if (!entry.dirty) vacancy_order_.push_back(v->vacancy().vacancy_id());
  entry.dirty = true;
}

absl::StatusOr<StoredEmployer*> WorkUnit::Employer(const std::string& id) {
  auto it = employers_.find(id);
  if (it == employers_.end()) {
    std::shared_ptr<const StoredEmployer> loaded;
    if (const StoredEmployer* pending = Pending(&WorkUnit::employers_, id); pending != nullptr) {
      loaded = std::make_shared<const StoredEmployer>(*pending);
    } else {
      ASSIGN_OR_RETURN(loaded, deps_.employers->LoadShared(id));
    }
    if (loaded == nullptr) return nullptr;
    Entry<StoredEmployer> entry;
    entry.after = *loaded;
    entry.before = std::move(loaded);
    it = employers_.emplace(id, std::move(entry)).first;
  }
  return &it->second.after;
}

StoredEmployer* WorkUnit::AddEmployer(StoredEmployer e) {
  std::string id = e.employer().employer_id();
  new_credit_codes_[e.employer().credit_code()] = id;
  Entry<StoredEmployer> entry;
  entry.after = std::move(e);
  entry.dirty = true;
  employer_order_.push_back(id);
  return &employers_.emplace(std::move(id), std::move(entry)).first->second.after;
}

void WorkUnit::TouchEmployer(StoredEmployer* e) {
  e->mutable_employer()->set_version(e->employer().version() + 1);
  *e->mutable_employer()->mutable_updated_at() = ToProto(now_);
  auto& entry = employers_.at(e->employer().employer_id());
  if (!entry.dirty) employer_order_.push_back(e->employer().employer_id());
  entry.dirty = true;
}

absl::StatusOr<StoredFair*> WorkUnit::Fair(const std::string& id) {
  return ReadThrough(&WorkUnit::fairs_, id,
                     [this](const std::string& key) { return deps_.store->GetFair(key); });
}

void WorkUnit::AddFair(StoredFair f) {
  std::string id = f.fair().fair_id();
  Entry<StoredFair> entry;
  entry.after = std::move(f);
  entry.dirty = true;
  fair_order_.push_back(id);
  fairs_.emplace(std::move(id), std::move(entry));
}

void WorkUnit::TouchFair(StoredFair* f, bool bump) {
  if (bump) f->mutable_fair()->set_version(f->fair().version() + 1);
  auto& entry = fairs_.at(f->fair().fair_id());
  if (!entry.dirty) fair_order_.push_back(f->fair().fair_id());
  entry.dirty = true;
}

absl::StatusOr<std::optional<std::string>> WorkUnit::EmployerByCreditCode(const std::string& code) {
  for (const WorkUnit* u : {static_cast<const WorkUnit*>(this), overlay_.get()}) {
    if (u == nullptr) continue;
    if (auto it = u->new_credit_codes_.find(code); it != u->new_credit_codes_.end()) {
      return std::optional<std::string>(it->second);
    }
  }
  return deps_.employers->FindIdByCode(code);
}

absl::StatusOr<std::optional<std::string>> WorkUnit::VacancyBySource(const std::string& key) {
  for (const WorkUnit* u : {static_cast<const WorkUnit*>(this), overlay_.get()}) {
    if (u == nullptr) continue;
    if (auto it = u->by_source_.find(key); it != u->by_source_.end()) {
      const std::string& id = it->second;
      ASSIGN_OR_RETURN(StoredVacancy * v, Vacancy(id));
      if (v != nullptr && HasSource(v->vacancy(), key)) return std::optional<std::string>(id);
    }
  }
  ASSIGN_OR_RETURN(auto found, deps_.store->FindVacancyBySource(key));
  if (!found.has_value()) return found;
  ASSIGN_OR_RETURN(StoredVacancy * v, Vacancy(*found));
  if (v == nullptr || !HasSource(v->vacancy(), key)) return std::optional<std::string>();
  return found;
}

std::vector<OpenVacancy> WorkUnit::OpenByDedupKey(const std::string& key) const {
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
  if (const std::vector<OpenVacancy>* committed = deps_.open->Find(key); committed != nullptr) {
    for (const OpenVacancy& o : *committed) consider(o.id, &o);
  }
  std::sort(out.begin(), out.end(), [](const OpenVacancy& a, const OpenVacancy& b) {
    return std::tie(a.posted_micros, a.id) < std::tie(b.posted_micros, b.id);
  });
  return out;
}

absl::Status WorkUnit::FlagEmployerVacancies(const std::string& employer_id, bool listed) {
  ASSIGN_OR_RETURN(std::vector<std::string> ids, deps_.store->FindOpenByEmployer(employer_id));
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

absl::Status WorkUnit::Commit() {
  RETURN_IF_ERROR(CommitStore());
  absl::MutexLock publish(deps_.publish_mu);
  Publish();
  return absl::OkStatus();
}

absl::Status WorkUnit::CommitStore() {
  VacancyMutation mutation = TakeMutation();
  if (IsEmpty(mutation)) return absl::OkStatus();
  RETURN_IF_ERROR(deps_.store->Apply(mutation));
  RememberEmployers();
  RememberOpenVacancies();
  return absl::OkStatus();
}

VacancyMutation WorkUnit::TakeMutation() {
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

bool WorkUnit::IsEmpty(const VacancyMutation& m) {
  return m.employers.empty() && m.vacancies.empty() && m.fairs.empty() && m.check_ins.empty() &&
         m.events.empty();
}

void WorkUnit::RememberEmployers() const {
  for (const auto& id : employer_order_) deps_.employers->Remember(employers_.at(id).after);
}

void WorkUnit::RememberOpenVacancies() const {
  for (const auto& id : vacancy_order_) {
    const Entry<StoredVacancy>& e = vacancies_.at(id);
    deps_.open->Forget(e.before ? &e.before->vacancy() : nullptr);
    deps_.open->Remember(e.after.vacancy());
  }
}

void WorkUnit::Publish() const {
  // The cache first: the outbox relay, woken by the commit, skips the
  // invalidations of versions this one already reached.
  if (deps_.vacancy_cache != nullptr) {
    // An older version may be cached: mark it stale, and the next read
    // fills the cache (read-through: changed records that nobody reads,
    // like most of a partner's import, take no room in Redis). A new
    // vacancy has nothing cached.
    std::vector<std::pair<std::string, int64_t>> stale;
    for (const auto& id : vacancy_order_) {
      const Entry<StoredVacancy>& e = vacancies_.at(id);
      if (e.before != nullptr) stale.emplace_back(id, e.after.vacancy().version());
    }
    if (!stale.empty()) deps_.vacancy_cache->InvalidateMany(stale);
  }
  for (const auto& id : vacancy_order_) {
    deps_.index->Upsert(Summarize(vacancies_.at(id).after.vacancy()));
  }
}

void WorkUnit::Remember(const v1::Vacancy& v) {
  for (const auto& s : v.sources()) by_source_[SourceKey(s)] = v.vacancy_id();
  if (v.status() == v1::VACANCY_STATUS_OPEN) {
    auto& ids = by_dedup_key_[DedupKey(v)];
    if (std::find(ids.begin(), ids.end(), v.vacancy_id()) == ids.end()) {
      ids.push_back(v.vacancy_id());
    }
  }
}

}  // namespace labor::vacancy
