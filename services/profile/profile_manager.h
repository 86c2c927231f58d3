// ProfileService's domain logic: the real-name worker record, employment
// registrations, quarterly verification, reports, erasure and audit. Plain
// C++: it knows nothing of gRPC (the adapter in profile_service.h calls it),
// and its clock, ids, store and cache are injected.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/cache.h"
#include "common/caller.h"
#include "common/clock.h"
#include "common/lru_cache.h"
#include "common/occupations.h"
#include "common/pii.h"
#include "common/regions.h"
#include "labor/v1/profile.pb.h"
#include "services/profile/worker_store.h"

namespace labor::profile {

struct ProfileManagerOptions {
  // Partner aggregates: cells with fewer workers are suppressed.
  int suppression_threshold = 5;
  // Unemployment registration requires this many months of urban residence
  // (the district plan, clause 3: 在城镇居住半年以上).
  int unemployment_min_urban_months = 6;
};

struct ProfileDeps {
  WorkerStore* store = nullptr;                     // required
  const PiiCipher* cipher = nullptr;                // required
  const RegionRegistry* regions = nullptr;          // required
  const OccupationTaxonomy* occupations = nullptr;  // required
  Clock* clock = nullptr;                           // required
  VersionedCache* cache = nullptr;                  // optional read-through cache (Redis)
  // Optional in-process cache in front of Redis. Coherent because a
  // worker's record has one owner process (its shard), whose every write
  // updates it.
  VersionedLruCache<StoredWorker>* local_cache = nullptr;
  std::function<std::string()> new_worker_id;  // optional; default random "w_<20 hex>"
};

class ProfileManager {
 public:
  ProfileManager(ProfileDeps deps, ProfileManagerOptions options = {});

  // Registers a worker. INVALID_ARGUMENT naming each bad field; ALREADY_EXISTS
  // naming the existing worker when the ID number (without upsert) or the
  // openid is taken; PERMISSION_DENIED when a wechat caller registers another
  // openid.
  absl::StatusOr<v1::RegisterWorkerResponse> Register(const Caller& caller,
                                                      const v1::RegisterWorkerRequest& request);
  // Register, answered through `done` (exactly once, possibly on the store's
  // committer thread) once the new worker is durable, so the calling thread
  // never waits for the disk. Same errors as Register.
  using RegisterDone = std::function<void(absl::StatusOr<v1::RegisterWorkerResponse>)>;
  void RegisterAsync(const Caller& caller, const v1::RegisterWorkerRequest& request,
                     RegisterDone done);

  // NOT_FOUND when no worker matches; PERMISSION_DENIED for a wechat caller
  // asking for anyone but its own worker, a non-admin asking to reveal the
  // ID number, or a caller neither admin nor service asking to reveal the
  // phone; INVALID_ARGUMENT for a reveal without a purpose;
  // FAILED_PRECONDITION for a phone shared by several workers. Each reveal
  // is audit-logged before the value is returned.
  absl::StatusOr<v1::Worker> Get(const Caller& caller, const v1::GetWorkerRequest& request);

  // ABORTED on a stale expected_version; INVALID_ARGUMENT for unknown or
  // immutable mask paths and bad values.
  absl::StatusOr<v1::Worker> Update(const Caller& caller, const v1::UpdateWorkerRequest& request);

  // Appends to the employment history. FAILED_PRECONDITION when a
  // registration's rule is not met (e.g. under six months of urban residence).
  absl::StatusOr<v1::Worker> UpdateEmployment(const Caller& caller,
                                              const v1::UpdateEmploymentRequest& request);

  absl::StatusOr<v1::Worker> MarkVerified(const Caller& caller,
                                          const v1::MarkVerifiedRequest& request);

  absl::StatusOr<v1::ListWorkersResponse> List(const Caller& caller,
                                               const v1::ListWorkersRequest& request);

  // Deletes the worker's record, its earlier versions, indexes and cache
  // entry; keeps an audit record.
  absl::StatusOr<v1::EraseWorkerResponse> Erase(const Caller& caller,
                                                const v1::EraseWorkerRequest& request);

  absl::StatusOr<v1::ZeroEmploymentHouseholdsResponse> ZeroEmploymentHouseholds(
      const Caller& caller, const v1::ZeroEmploymentHouseholdsRequest& request);
  absl::StatusOr<v1::EmploymentReport> TransferEmploymentReport(
      const Caller& caller, const v1::TransferEmploymentReportRequest& request);
  // The same report for partners: consenting workers only, small cells suppressed.
  absl::StatusOr<v1::EmploymentReport> PartnerSupplyReport(
      const Caller& caller, const v1::PartnerSupplyReportRequest& request);

  absl::StatusOr<v1::ListAuditRecordsResponse> ListAudit(
      const Caller& caller, const v1::ListAuditRecordsRequest& request);
  // The current and earlier versions of a worker, newest first (audited;
  // purpose required). NOT_FOUND for an unknown or erased worker.
  absl::StatusOr<v1::ListWorkerVersionsResponse> ListVersions(
      const Caller& caller, const v1::ListWorkerVersionsRequest& request);

 private:
  static constexpr char kNotOwnWorker[] =
      "a wechat caller may only access the worker bound to its openid";
  // A wechat caller hears the same answer whether a worker is missing or not
  // its own, so it cannot probe who is registered; others get NOT_FOUND.
  static absl::Status NotFoundFor(const Caller& caller, absl::string_view message);

  // Keys (an ID number's blind index, an openid) of registrations decided
  // but not yet committed: a second registration of the same person waits
  // for the first to land instead of deciding on a store that lacks it.
  class Claims {
   public:
    // Blocks until none of `keys` is claimed, then claims them all.
    void Acquire(const std::vector<std::string>& keys);
    // Claims `key` if it is free; false (claiming nothing) otherwise. For
    // callers holding a worker stripe, which must not wait for a claim.
    bool TryAcquire(const std::string& key);
    void Release(const std::vector<std::string>& keys);

   private:
    absl::Mutex mu_;
    absl::flat_hash_set<std::string> held_ ABSL_GUARDED_BY(mu_);
  };
  // What a registration decided: the answer, and the new worker still to
  // commit (null when the upsert path already committed synchronously).
  struct Decided {
    v1::RegisterWorkerResponse response;
    std::shared_ptr<StoredWorker> created;
    std::vector<v1::AuditRecord> audit;  // committed with `created`
    std::vector<std::string> claims;     // held until `created` commits
  };
  absl::StatusOr<Decided> DecideRegistration(const Caller& caller,
                                             const v1::RegisterWorkerRequest& request);

  struct Loaded {
    StoredWorker stored;
    store::v1::WorkerPii pii;
  };

  absl::StatusOr<std::optional<StoredWorker>> LoadStored(absl::string_view worker_id);
  absl::StatusOr<Loaded> LoadForWrite(const Caller& caller, absl::string_view worker_id,
                                      int64_t expected_version, bool check_version);
  absl::StatusOr<store::v1::WorkerPii> OpenPii(const StoredWorker& stored) const;
  absl::StatusOr<std::string> SealPii(absl::string_view worker_id,
                                      const store::v1::WorkerPii& pii) const;
  absl::Status CheckOwnership(const Caller& caller, const StoredWorker& stored) const;
  // The worker as `caller` may see it; the ID number and phone in full only
  // when revealed (the caller checked the role and audited the reveal).
  v1::Worker Present(const Caller& caller, const StoredWorker& stored,
                     const store::v1::WorkerPii& pii, bool reveal_id,
                     bool reveal_phone = false) const;
  // Commits `after` (null: erases `before`) with its event and audit records,
  // then moves both caches forward.
  absl::Status Commit(const Caller& caller, const StoredWorker* before, const StoredWorker* after,
                      absl::string_view event_type, std::vector<v1::AuditRecord> audit);
  // The store mutation of such a commit (pointers into before/after).
  Mutation MakeMutation(const StoredWorker* before, const StoredWorker* after,
                        absl::string_view event_type, std::vector<v1::AuditRecord> audit) const;
  // Moves both caches forward after a successful commit.
  void AfterCommit(const StoredWorker* before, const StoredWorker* after);
  // The audit records of a change from `before` (null: a new worker) to
  // `after`: one `action` record naming the fields changed, and a "consent"
  // record when consent moved.
  std::vector<v1::AuditRecord> AuditChange(const Caller& caller, absl::string_view action,
                                           const StoredWorker* before,
                                           const store::v1::WorkerPii* before_pii,
                                           const StoredWorker& after,
                                           const store::v1::WorkerPii& after_pii,
                                           absl::string_view detail) const;
  // Commits audit records of a read; returns once they are durable.
  absl::Status RecordDisclosure(std::vector<v1::AuditRecord> audit);
  v1::AuditRecord MakeAudit(const Caller& caller, absl::string_view action,
                            absl::string_view worker_id, absl::string_view purpose,
                            absl::string_view detail) const;
  absl::StatusOr<v1::EmploymentReport> BuildReport(int year, int quarter, bool partner_view);
  absl::CivilDay Today() const;

  // Serializes read-modify-write of one worker (and registration of one ID
  // number) so optimistic-concurrency checks and uniqueness are exact.
  // Writes to one worker serialize on its worker-id stripe. A registration
  // first takes the stripe of its ID number's blind index (a separate set,
  // always taken before a worker stripe, never after: no lock cycle), and
  // the upsert path then the worker's own stripe too.
  absl::Mutex& StripeFor(absl::string_view worker_id);
  absl::Mutex& IdStripeFor(absl::string_view id_index);

  ProfileDeps deps_;
  ProfileManagerOptions options_;
  static constexpr int kStripes = 64;
  absl::Mutex stripes_[kStripes];
  absl::Mutex id_stripes_[kStripes];
  Claims claims_;
};

}  // namespace labor::profile
