// Synced RocksDB writes without a blocked thread per write.
//
// Why: with one thread per request blocked through its synced write, a
// service's throughput is (threads / write latency), and under load a write
// waits for the sync before its own (~3.5 ms at p50 on the 2-core VM), so
// 16 threads cap RegisterWorker near 4,000/s while a third of the CPU sits
// idle; more threads only add context switches. Here callers hand a batch
// over and return; a committer thread writes everything queued meanwhile as
// one synced write and then tells each caller.
#pragma once

#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/rocks.h"
#include "rocksdb/write_batch.h"

namespace labor {

class GroupCommitter {
 public:
  using Done = std::function<void(absl::Status)>;

  struct Options {
    // Most batches written as one group (bounds one write's size and the
    // time the first caller of a group waits for the last).
    int max_group_batches = 512;
    // Committer threads. With two, one group's WAL sync (the disk) overlaps
    // the next group's memtable inserts (the CPU) inside RocksDB's
    // pipelined write; groups taken by different threads may then land in
    // either order (see Submit).
    int threads = 2;
  };

  // Starts the committer threads. `store` must outlive the committer.
  explicit GroupCommitter(RocksStore* store) : GroupCommitter(store, Options{}) {}
  GroupCommitter(RocksStore* store, Options options);
  // Writes everything already queued (each caller is told), then stops.
  ~GroupCommitter();

  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `batch` and returns at once. `done` runs exactly once, on a
  // committer thread (keep it short; it must not Submit and wait), after
  // the batch is durable and visible (OK), or with the store's error (then
  // nothing of the batch was written). Batches taken together are written
  // as one atomic synced write whose effect equals writing them in queue
  // order; a batch that cannot be merged (anything but puts and deletes) is
  // written alone. Two groups may commit concurrently in either order: a
  // caller whose batch must follow another's submits it after that one's
  // `done` (as registrations do through their claims). After destruction
  // began, `done` gets UNAVAILABLE at once.
  void Submit(rocksdb::WriteBatch batch, Done done);

  struct Stats {
    int64_t batches = 0;  // batches written (or failed)
    int64_t groups = 0;   // RocksDB writes that carried them
  };
  Stats stats() const;

 private:
  struct Item {
    rocksdb::WriteBatch batch;
    Done done;
  };
  void Run();
  // Writes one group; returns each item's outcome, in order.
  std::vector<absl::Status> WriteGroup(std::vector<Item>& group);

  RocksStore* const store_;
  const Options options_;
  mutable absl::Mutex mu_;
  std::vector<Item> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  Stats stats_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

}  // namespace labor
