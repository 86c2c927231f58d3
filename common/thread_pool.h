// A fixed pool of threads with a bounded queue. gRPC's callback API wants
// handlers that do not block; services hand blocking work (RocksDB writes
// with a synced WAL, Redis calls) to this pool and finish the reactor from
// there. A full queue is backpressure: Submit fails instead of growing memory.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace labor {

class ThreadPool {
 public:
  ThreadPool(int threads, size_t max_queue);
  ~ThreadPool();  // runs what is queued, then joins

  // Queues `task`; false when the queue is full or the pool is stopping.
  bool Submit(std::function<void()> task);
  size_t queued() const;

 private:
  void Loop();

  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  size_t max_queue_;
  std::vector<std::thread> threads_;
};

}  // namespace labor
