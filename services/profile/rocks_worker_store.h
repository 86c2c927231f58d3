// WorkerStore on RocksDB. Column families:
//   workers  worker_id -> StoredWorker
//   index    "id\0<id hash>" -> worker_id, "oid\0<openid>" -> worker_id,
//            "ph\0<phone hash>\0<worker_id>", "tw\0<township>\0<worker_id>",
//            "hh\0<household>\0<worker_id>" -> ""
//            "au\0<worker_id>\0<audit key>" -> "" (a worker's audit records)
//   versions <worker_id>\0<version BE64> -> StoredWorker (earlier versions)
//   audit    <micros BE64><seq BE64> -> AuditRecord
//   outbox, meta (common/outbox.h)
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/group_commit.h"
#include "common/outbox.h"
#include "common/rocks.h"
#include "services/profile/worker_store.h"

namespace labor::profile {

class RocksWorkerStore : public WorkerStore {
 public:
  // The column families to open the RocksStore with.
  static std::vector<std::string> ColumnFamilies();

  // Earlier versions kept per worker by default: the newest ones; the audit
  // log still names the fields every older change touched.
  static constexpr int kDefaultVersionsKept = 32;

  // `store`, `outbox` and `committer` must outlive this object. With a
  // committer, ApplyAsync commits in its groups; without, synchronously.
  RocksWorkerStore(RocksStore* store, Outbox* outbox, GroupCommitter* committer = nullptr,
                   int versions_kept = kDefaultVersionsKept);

  // Indexes by worker the audit records written before that index existed,
  // once per store (a marker in the meta column family remembers it). Call
  // before serving.
  absl::Status IndexEarlierAuditRecords();

  absl::StatusOr<std::optional<StoredWorker>> Get(absl::string_view worker_id) override;
  absl::StatusOr<std::optional<std::string>> FindByIdNumberIndex(absl::string_view index) override;
  absl::StatusOr<std::optional<std::string>> FindByOpenId(absl::string_view openid) override;
  absl::StatusOr<std::vector<std::string>> FindByPhoneIndex(absl::string_view index) override;
  absl::Status Apply(const Mutation& mutation) override;
  void ApplyAsync(const Mutation& mutation, std::function<void(absl::Status)> done) override;
  absl::Status Scan(const ScanOptions& options,
                    const std::function<bool(const StoredWorker&)>& visit) override;
  absl::StatusOr<std::vector<StoredWorker>> ListVersions(absl::string_view worker_id,
                                                         int64_t below_version, int limit) override;
  absl::StatusOr<std::vector<v1::AuditRecord>> ListAudit(absl::string_view worker_id,
                                                         absl::string_view start_after, int limit,
                                                         std::string* next_cursor) override;
  absl::Status Health() override;

 private:
  // The mutation's records, indexes and audit (not its events) as a batch.
  absl::Status Prepare(const Mutation& mutation, rocksdb::WriteBatch* batch);
  // Keeps the version `after` replaces (dropping the oldest beyond
  // versions_kept_), or deletes every kept version on erasure.
  absl::Status PutVersions(const Mutation& mutation, rocksdb::WriteBatch* batch);
  absl::StatusOr<std::vector<v1::AuditRecord>> ListWorkerAudit(absl::string_view worker_id,
                                                               absl::string_view start_after,
                                                               int limit, std::string* next_cursor);
  absl::Status ScanIndexPrefix(const std::string& prefix, absl::string_view start_after,
                               const std::function<bool(const StoredWorker&)>& visit);

  RocksStore* store_;
  Outbox* outbox_;
  GroupCommitter* committer_;
  const int versions_kept_;
  std::atomic<uint64_t> audit_seq_{0};
};

}  // namespace labor::profile
