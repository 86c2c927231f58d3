// VacancyService's domain logic: employers and the wage-arrears blacklist,
// vacancies (posting, duplicates, updates, status, expiry), job fairs and
// check-ins, partner imports, and search. Plain C++: it knows nothing of
// gRPC (vacancy_service.h adapts it), and its clock, ids, store, cache and
// search index are injected.
//
// Writes are serialized by one writer lock: a write reads, checks
// (uniqueness, duplicates, versions, the blacklist) and commits as one step,
// so those checks are exact. Partner imports amortize the synced commit by
// committing a whole batch of items in one WriteBatch, and pipeline it: a
// batch decides (under the writer lock) while the previous batch's write is
// still in flight, seeing that batch's decisions through an overlay, and
// is answered only once the previous write and its own have succeeded.
// Reads take no lock.
//
// The write path (WorkUnit and the committed state it reads through) is in
// work_unit.h; the members are defined by area in employers.cc,
// vacancies.cc, fairs.cc, imports.cc and scheduler.cc.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/cache.h"
#include "common/caller.h"
#include "common/clock.h"
#include "common/occupations.h"
#include "common/regions.h"
#include "labor/v1/vacancy.pb.h"
#include "services/vacancy/vacancy_index.h"
#include "services/vacancy/vacancy_rules.h"
#include "services/vacancy/vacancy_store.h"
#include "services/vacancy/work_unit.h"

namespace labor::vacancy {

struct VacancyDeps {
  VacancyStore* store = nullptr;                    // required
  VacancyIndex* index = nullptr;                    // required (filled by LoadIndex)
  const RegionRegistry* regions = nullptr;          // required
  const OccupationTaxonomy* occupations = nullptr;  // required
  const DiscriminationPolicy* policy = nullptr;     // required
  Clock* clock = nullptr;                           // required
  VersionedCache* vacancy_cache = nullptr;          // optional read-through cache (Redis)
  // Optional id generator; the default is "<prefix>_<20 random hex>".
  std::function<std::string(absl::string_view prefix)> new_id;
};

struct VacancyManagerOptions {
  // Most expirations (or listing ends) committed per scheduler step.
  int scheduler_batch = 256;
  // Employers held in memory (by id, and ids by credit code): nearly every
  // import item and posting names an employer seen before. 0 disables.
  size_t employer_cache_entries = 50'000;
};

// What one scheduler step did.
struct ScheduledWork {
  int vacancies_expired = 0;
  int listings_ended = 0;
};

class VacancyManager {
 public:
  VacancyManager(VacancyDeps deps, VacancyManagerOptions options = {});

  // Fills the search index from the store. Call once before serving.
  absl::Status LoadIndex();

  // ---- Employers and the blacklist ----
  // Registers (new credit code) or updates (known credit code, or
  // employer_id given) an employer. INVALID_ARGUMENT per field; ABORTED on a
  // stale expected_version; NOT_FOUND for an unknown employer_id;
  // ALREADY_EXISTS when employer_id and credit_code name different employers.
  absl::StatusOr<v1::Employer> UpsertEmployer(const Caller& caller,
                                              const v1::UpsertEmployerRequest& request);
  // NOT_FOUND when absent. Contact details only for admin and kiosk.
  absl::StatusOr<v1::Employer> GetEmployer(const Caller& caller,
                                           const v1::GetEmployerRequest& request);
  // Lists an employer (拖欠农民工工资失信名单) and takes its open vacancies out of
  // matching in the same commit (each gets a vacancy.updated event with
  // employer_blacklisted set). FAILED_PRECONDITION when already listed.
  absl::StatusOr<v1::BlacklistEntry> BlacklistEmployer(const Caller& caller,
                                                       const v1::BlacklistEmployerRequest& request);
  // Ends the active listing early. FAILED_PRECONDITION when not listed.
  absl::StatusOr<v1::BlacklistEntry> LiftBlacklist(const Caller& caller,
                                                   const v1::LiftBlacklistRequest& request);
  absl::StatusOr<v1::IsBlacklistedResponse> IsBlacklisted(const Caller& caller,
                                                          const v1::IsBlacklistedRequest& request);
  absl::StatusOr<v1::ListBlacklistResponse> ListBlacklist(const Caller& caller,
                                                          const v1::ListBlacklistRequest& request);

  // ---- Vacancies ----
  // Posts a vacancy, or collapses it into the open vacancy it duplicates
  // (duplicate_of set). FAILED_PRECONDITION for a blacklisted employer;
  // NOT_FOUND for an unknown employer or fair; INVALID_ARGUMENT per field.
  absl::StatusOr<v1::PostVacancyResponse> PostVacancy(const Caller& caller,
                                                      const v1::PostVacancyRequest& request);
  // NOT_FOUND when absent or not visible to a partner caller.
  absl::StatusOr<v1::Vacancy> GetVacancy(const Caller& caller,
                                         const v1::GetVacancyRequest& request);
  // FieldMask update (plus `remaining`, 0..headcount; 0 marks it filled).
  // ABORTED on a stale expected_version; FAILED_PRECONDITION unless open.
  absl::StatusOr<v1::Vacancy> UpdateVacancy(const Caller& caller,
                                            const v1::UpdateVacancyRequest& request);
  // Closes or marks filled an open vacancy. PERMISSION_DENIED for a partner
  // that is not its only source.
  absl::StatusOr<v1::Vacancy> ChangeVacancyStatus(const Caller& caller,
                                                  const v1::ChangeVacancyStatusRequest& request);
  // Search and the partner feed (see ListVacanciesRequest).
  absl::StatusOr<v1::ListVacanciesResponse> ListVacancies(const Caller& caller,
                                                          const v1::ListVacanciesRequest& request);

  // ---- Job fairs ----
  absl::StatusOr<v1::JobFair> CreateFair(const Caller& caller,
                                         const v1::CreateFairRequest& request);
  absl::StatusOr<v1::JobFair> GetFair(const Caller& caller, const v1::GetFairRequest& request);
  // Attaches employers and vacancies (each must exist; a vacancy's employer
  // joins the fair too). NOT_FOUND naming the first unknown id.
  absl::StatusOr<v1::JobFair> AttachToFair(const Caller& caller,
                                           const v1::AttachToFairRequest& request);
  // Records a worker's check-in (once per worker and fair).
  // FAILED_PRECONDITION outside the fair's dates.
  absl::StatusOr<v1::CheckInResponse> CheckIn(const Caller& caller,
                                              const v1::CheckInRequest& request);
  absl::StatusOr<v1::FairStats> GetFairStats(const Caller& caller,
                                             const v1::GetFairStatsRequest& request);
  absl::StatusOr<v1::ListFairsResponse> ListFairs(const Caller& caller,
                                                  const v1::ListFairsRequest& request);

  // ---- Partner imports ----
  // Applies a batch of a partner's items (the caller's tenant is the
  // partner) and commits them in one WriteBatch; returns one result per
  // item, in order. A bad item is REJECTED with its reason and never fails
  // the batch; a store failure fails the whole batch (nothing of it was
  // acknowledged).
  absl::StatusOr<std::vector<v1::ImportResult>> ImportBatch(
      const Caller& caller, const std::vector<v1::ImportItem>& items);

  // ImportBatch in two steps, so a stream can prepare one batch while the
  // previous one commits: PrepareImport validates, normalizes and
  // fingerprints the items (no lock, no store access; thread-safe);
  // ApplyImport decides each item against the store and commits.
  struct PreparedItem {
    std::string external_id;
    v1::Vacancy vacancy;  // normalized (or as sent, for a withdrawal)
    std::string fingerprint;
    absl::Status rejection;  // not OK: answered REJECTED with this reason
    v1::VacancyStatus withdrawal = v1::VACANCY_STATUS_UNSPECIFIED;  // CLOSED/FILLED
  };
  struct PreparedImport {
    std::vector<PreparedItem> items;
  };
  PreparedImport PrepareImport(std::vector<v1::ImportItem> items) const;
  // `on_committed` (optional) runs once the batch is decided and the writer
  // lock released, while its write may still be in flight: a stream may
  // start the next batch then (it decides on top of this one). Nothing of
  // the batch may be acknowledged from it: the results return only after
  // the batch is durable and the search index and cache are updated.
  // UNAVAILABLE when the previous batch's write, which this batch's
  // decisions built on, failed (nothing of this batch is written).
  absl::StatusOr<std::vector<v1::ImportResult>> ApplyImport(
      const Caller& caller, PreparedImport prepared,
      const std::function<void()>& on_committed = nullptr);

  // ---- Scheduler ----
  // Expires open vacancies past expires_at and ends listings past their
  // three years, up to the batch size each; call until it reports no work.
  absl::StatusOr<ScheduledWork> RunScheduledOnce();

 private:
  class WriterLock;
  friend class WriterLock;

  // A PostVacancy request_id and its content's fingerprint (empty id: none).
  struct PostRequestKey {
    std::string id;
    std::string fingerprint;
  };
  struct PostOutcome {
    std::string vacancy_id;
    std::string duplicate_of;
    bool created = false;
  };

  // Posting core shared by PostVacancy and imports. `vacancy` is normalized;
  // `source` is the posting's source.
  absl::StatusOr<PostOutcome> PostInUnit(WorkUnit& unit, v1::Vacancy vacancy,
                                         const v1::VacancySource& source,
                                         const std::string& fingerprint,
                                         const PostRequestKey& request);
  absl::StatusOr<v1::ImportResult> ImportOne(WorkUnit& unit, const Caller& caller,
                                             PreparedItem& item);
  // ImportOne for a withdrawal of what the partner imported under `key`.
  v1::ImportResult ImportWithdrawal(WorkUnit& unit, const Caller& caller, const PreparedItem& item,
                                    const std::string& key, StoredVacancy* stored,
                                    v1::ImportResult result);
  // ImportOne for new content under a `key` imported before.
  absl::StatusOr<v1::ImportResult> ImportUpdate(WorkUnit& unit, const PreparedItem& item,
                                                const std::string& key, StoredVacancy* stored,
                                                v1::ImportResult result);
  // The employer a vacancy names: the unit's record when known (by id or
  // credit code), else a new employer from credit code + name, built in
  // `fresh` (without an id) and registered by the caller if the posting
  // goes ahead. NOT_FOUND for an unknown id; INVALID_ARGUMENT otherwise.
  absl::StatusOr<const StoredEmployer*> ResolveEmployer(WorkUnit& unit, const v1::Vacancy& vacancy,
                                                        StoredEmployer* fresh);
  absl::Status CheckNotBlacklisted(const StoredEmployer& employer) const;

  // The vacancy as `caller` may see it.
  v1::Vacancy Present(const Caller& caller, const StoredVacancy& stored) const;
  v1::Employer PresentEmployer(const Caller& caller, const StoredEmployer& stored) const;
  bool VisibleTo(const Caller& caller, const v1::Vacancy& vacancy) const;
  absl::StatusOr<std::optional<StoredVacancy>> LoadVacancy(absl::string_view id);
  absl::StatusOr<StoredEmployer> LoadEmployerByKey(const v1::GetEmployerRequest& request);

  std::string NewId(absl::string_view prefix) const;
  absl::CivilDay Today() const;

  // Waits for the import write in flight (committing_), if any, and
  // applies its effects on memory when it succeeded; returns its error
  // otherwise. Either way nothing is in flight afterwards.
  absl::Status SettleCommitting() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_, commit_mu_);
  // SettleCommitting for a write that did not decide on top of the import
  // in flight: its failure is only logged.
  void SettleIndependent() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_, commit_mu_);

  VacancyDeps deps_;
  VacancyManagerOptions options_;
  // Lock order: write_mu_, commit_mu_, publish_mu_. write_mu_ serializes
  // decisions; commit_mu_ is held across an import batch's store write, so
  // the next batch may decide meanwhile; publish_mu_ keeps index and cache
  // updates in commit order.
  absl::Mutex write_mu_;
  absl::Mutex commit_mu_ ABSL_ACQUIRED_AFTER(write_mu_);
  absl::Mutex publish_mu_ ABSL_ACQUIRED_AFTER(commit_mu_);
  // The last import batch whose write may be in flight and whose effects
  // on memory (open_) are not applied yet; the next writer
  // settles it. Only read once set: its write and the next batch's
  // overlay read it concurrently.
  std::shared_ptr<const WorkUnit> committing_ ABSL_GUARDED_BY(write_mu_);
  // How committing_'s write ended (set before commit_mu_ is released).
  absl::Status committing_status_ ABSL_GUARDED_BY(commit_mu_);
  OpenVacancies open_ ABSL_GUARDED_BY(write_mu_);
  CommittedEmployers employers_;
  WorkUnitDeps unit_deps_;  // over the members above
};

}  // namespace labor::vacancy
