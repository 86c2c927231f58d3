// The ProfileService's store, behind an interface so the domain logic does not
// know RocksDB. One Apply() is one atomic commit: the worker record, its
// secondary indexes, the version it replaced, audit records and outbox
// events together.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "labor/store/v1/profile_store.pb.h"
#include "labor/v1/common.pb.h"
#include "labor/v1/profile.pb.h"

namespace labor::profile {

using store::v1::StoredWorker;

// One atomic change. With neither `before` nor `after` it only appends
// audit records and events (e.g. the audit of a read).
struct Mutation {
  // The record before the change (null for a new worker); the store derives
  // which index entries to delete from it, and keeps it as an earlier
  // version when `after` replaces it. Not owned; valid during Apply.
  const StoredWorker* before = nullptr;
  // The record after the change; null erases the worker, its indexes and
  // every earlier version kept.
  const StoredWorker* after = nullptr;
  std::vector<v1::AuditRecord> audit;
  std::vector<v1::Event> events;
};

// Filters a scan can use an index for.
struct ScanOptions {
  std::string township;      // "" = all
  std::string household_id;  // "" = all
  std::string start_after;   // worker id; "" = from the start
};

class WorkerStore {
 public:
  virtual ~WorkerStore() = default;

  // nullopt when no such worker.
  virtual absl::StatusOr<std::optional<StoredWorker>> Get(absl::string_view worker_id) = 0;
  // Worker id by ID-number blind index / WeChat openid; nullopt when none.
  virtual absl::StatusOr<std::optional<std::string>> FindByIdNumberIndex(
      absl::string_view index) = 0;
  virtual absl::StatusOr<std::optional<std::string>> FindByOpenId(absl::string_view openid) = 0;
  // Every worker id with this phone blind index (a family may share a phone).
  virtual absl::StatusOr<std::vector<std::string>> FindByPhoneIndex(absl::string_view index) = 0;

  // Commits the mutation atomically (durably when the store syncs writes).
  virtual absl::Status Apply(const Mutation& mutation) = 0;
  // As Apply, answered later: `done` gets the commit's status exactly once,
  // possibly on another thread. The mutation is read before ApplyAsync
  // returns (its pointers need not outlive the call). The default commits
  // synchronously and answers inline.
  virtual void ApplyAsync(const Mutation& mutation, std::function<void(absl::Status)> done) {
    done(Apply(mutation));
  }

  // Visits workers in worker-id order (within the township/household when
  // given) until `visit` returns false.
  virtual absl::Status Scan(const ScanOptions& options,
                            const std::function<bool(const StoredWorker&)>& visit) = 0;

  // Earlier versions of a worker kept by Apply, newest first, each below
  // `below_version` (0 = from the newest); at most `limit`.
  virtual absl::StatusOr<std::vector<StoredWorker>> ListVersions(absl::string_view worker_id,
                                                                 int64_t below_version,
                                                                 int limit) = 0;

  // Audit records, oldest first, optionally of one worker; `start_after` is
  // an opaque cursor returned as `next_cursor`.
  virtual absl::StatusOr<std::vector<v1::AuditRecord>> ListAudit(absl::string_view worker_id,
                                                                 absl::string_view start_after,
                                                                 int limit,
                                                                 std::string* next_cursor) = 0;

  virtual absl::Status Health() = 0;
};

}  // namespace labor::profile
