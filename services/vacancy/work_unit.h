// VacancyManager's write path: the committed state writers decide against
// (employers in memory, open vacancies by duplicate key) and WorkUnit, one
// write in progress over the store and that state.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/cache.h"
#include "common/lru_cache.h"
#include "labor/v1/vacancy.pb.h"
#include "services/vacancy/vacancy_index.h"
#include "services/vacancy/vacancy_rules.h"
#include "services/vacancy/vacancy_store.h"

namespace labor::vacancy {

// An open vacancy as the duplicate rule sees it: which is oldest, and
// whether wages overlap, without loading the record.
struct OpenVacancy {
  std::string id;
  int64_t posted_micros = 0;
  WageRange wage;
};
OpenVacancy OpenVacancyOf(const v1::Vacancy& v);

// The committed open vacancies by duplicate key (vacancy_rules.h DedupKey),
// for the duplicate rule. Not thread-safe: only writers, under the
// manager's writer lock, read or move it.
class OpenVacancies {
 public:
  // Adds (or refreshes: an update may change the wage) an open vacancy.
  void Remember(const v1::Vacancy& v);
  // Drops the vacancy as it was (null or not open: nothing to drop).
  void Forget(const v1::Vacancy* v);
  // Null when no open vacancy has this key.
  const std::vector<OpenVacancy>* Find(const std::string& key) const;

 private:
  absl::flat_hash_map<std::string, std::vector<OpenVacancy>> by_key_;
};

// Committed employers held in memory: nearly every import item and posting
// names an employer seen before. Thread-safe; readers fill it from the
// store, writers move it forward after a commit.
class CommittedEmployers {
 public:
  CommittedEmployers(VacancyStore* store, size_t capacity);

  // The committed employer (null when absent): the cached record itself.
  absl::StatusOr<std::shared_ptr<const StoredEmployer>> LoadShared(const std::string& id);
  // The same as a copy (nullopt when absent).
  absl::StatusOr<std::optional<StoredEmployer>> Load(const std::string& id);
  // The committed employer id holding `credit_code`.
  absl::StatusOr<std::optional<std::string>> FindIdByCode(const std::string& credit_code);
  // After a commit: the employer's new version replaces what memory holds.
  void Remember(const StoredEmployer& employer);

 private:
  VacancyStore* store_;
  // By id: versions only move forward, so a reader that loaded an older
  // version cannot put it back over a commit.
  VersionedLruCache<StoredEmployer> by_id_;
  // Ids by credit code: a hint, checked against the employer's own credit
  // code on every use (an update may move a code to none).
  VersionedLruCache<std::string> ids_by_code_;
  std::atomic<int64_t> code_fills_{0};  // versions for ids_by_code_: latest wins
};

// What a WorkUnit reads through and moves on commit. Not owned.
struct WorkUnitDeps {
  VacancyStore* store = nullptr;
  CommittedEmployers* employers = nullptr;
  OpenVacancies* open = nullptr;  // read and moved under the writer lock only
  VacancyIndex* index = nullptr;
  VersionedCache* vacancy_cache = nullptr;  // optional
  // Held while publishing, so index and cache move in commit order.
  absl::Mutex* publish_mu = nullptr;
};

// A write in progress: reads through to the store, remembers what it
// changed, and commits everything in one VacancyMutation. Lookups by index
// (source, duplicate key, credit code) see the unit's own changes, so a
// batch of import items behaves exactly like the same items one by one.
//
// An import unit may decide while the previous import unit's write is in
// flight: every read then consults that unit (the overlay) before the
// store, so the result is as if its write had landed. The overlay is only
// read; what this unit takes from it is copied.
//
// Every call but Publish (and the reads of an overlay) runs under the
// manager's writer lock.
class WorkUnit {
 public:
  explicit WorkUnit(const WorkUnitDeps& deps, std::shared_ptr<const WorkUnit> overlay = nullptr)
      : deps_(deps), overlay_(std::move(overlay)) {}

  // Once the overlay's write is settled the store has it.
  void DropOverlay() { overlay_.reset(); }

  // The vacancy as of this unit (nullptr when absent). Call TouchVacancy()
  // after changing it.
  absl::StatusOr<StoredVacancy*> Vacancy(const std::string& id);
  void AddVacancy(StoredVacancy v);
  // Marks a vacancy changed; with `bump`, as a new version now.
  void TouchVacancy(StoredVacancy* v, bool bump = true);
  void SetRequestId(const std::string& vacancy_id, const std::string& request_id,
                    const std::string& fingerprint) {
    if (!request_id.empty()) request_ids_[vacancy_id] = {request_id, fingerprint};
  }

  absl::StatusOr<StoredEmployer*> Employer(const std::string& id);
  StoredEmployer* AddEmployer(StoredEmployer e);
  void TouchEmployer(StoredEmployer* e);

  absl::StatusOr<StoredFair*> Fair(const std::string& id);
  void AddFair(StoredFair f);
  void TouchFair(StoredFair* f, bool bump = true);
  void AddCheckIn(VacancyMutation::CheckIn check_in) { check_ins_.push_back(std::move(check_in)); }

  // Employer id by credit code, including employers this unit (or the
  // overlay) registered. Imports only register employers; a code moved by
  // UpsertEmployer never meets an overlay (it settles first).
  absl::StatusOr<std::optional<std::string>> EmployerByCreditCode(const std::string& code);
  // Vacancy id by source key, as of this unit.
  absl::StatusOr<std::optional<std::string>> VacancyBySource(const std::string& key);
  // Open vacancies with this duplicate key as of this unit, oldest posting
  // first (then by id), so the earliest posting absorbs later ones. Reads
  // no record: what this unit or the overlay changed comes from them, the
  // rest from the committed open vacancies.
  std::vector<OpenVacancy> OpenByDedupKey(const std::string& key) const;

  void Emit(v1::Event event) { events_.push_back(std::move(event)); }

  // Moves the employer's open vacancies' employer_blacklisted flag, each a
  // new version with a vacancy.updated event, so matching drops (or
  // restores) them at once.
  absl::Status FlagEmployerVacancies(const std::string& employer_id, bool listed);

  // Commits everything to the store and moves the committed state, then
  // (under publish_mu) the search index and the cache.
  absl::Status Commit();
  // The first half of Commit: the store write and the memory it moves.
  absl::Status CommitStore();
  // The unit's changes as one mutation (pointing into the unit). Moves the
  // events and check-ins out: after this the unit is only read.
  VacancyMutation TakeMutation();
  static bool IsEmpty(const VacancyMutation& m);
  // After the write: the employers' committed versions into memory (a
  // thread-safe cache that readers fill from the store anyway).
  void RememberEmployers() const;
  // After the write: the open vacancies, which only writers read.
  void RememberOpenVacancies() const;
  // The second half of Commit: search index and cache. Callers hold
  // publish_mu, so publications happen in commit order even after the
  // writer lock is gone.
  void Publish() const;

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

  // The record `id` as of this unit: its own copy, else the overlay's
  // change, else what `load` reads from the store; nullptr when absent.
  template <typename T, typename Load>
  absl::StatusOr<T*> ReadThrough(absl::flat_hash_map<std::string, Entry<T>> WorkUnit::*records,
                                 const std::string& id, const Load& load);

  // Indexes the unit's own changes (entries may go stale; lookups verify).
  void Remember(const v1::Vacancy& v);

  WorkUnitDeps deps_;
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

// Helpers the write path and the manager share.
bool HasSource(const v1::Vacancy& v, absl::string_view key);
v1::Event MakeEvent(absl::string_view type, absl::string_view id, int64_t version,
                    const google::protobuf::Message& payload);

}  // namespace labor::vacancy
