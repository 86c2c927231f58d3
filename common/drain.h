// The shutdown state a server shares with its handlers. When a graceful
// shutdown starts, new calls are refused UNAVAILABLE (clients retry them
// elsewhere or after the restart), calls being handled are answered, and
// open streams are told at once so they end themselves instead of holding
// the shutdown for the whole grace period and then being cut.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace labor {

class ServerDrain {
 public:
  // Admits one call: false once draining (answer it UNAVAILABLE). An
  // admitted call calls Exit once it has been answered.
  bool TryEnter();
  void Exit();

  // Runs `on_drain` once when draining starts (on the draining thread).
  // nullopt when draining has already started (the caller ends at once).
  // The returned id is for Unwatch.
  std::optional<int64_t> Watch(std::function<void()> on_drain);
  // Forgets a watcher. If its callback is running on another thread, waits
  // for it to return, so the watcher may be destroyed afterwards. May be
  // called from within the callback itself.
  void Unwatch(int64_t id);

  bool draining() const;
  // Starts draining: refuses new calls, runs the watchers. Idempotent.
  void Start();
  // After Start: waits until no admitted call is left and none has been
  // refused or admitted for `quiet` (calls the transport had accepted but
  // not yet handed over get their UNAVAILABLE in that time), or until
  // `deadline`. True when quiet.
  bool WaitQuiet(absl::Duration quiet, absl::Time deadline);

 private:
  mutable absl::Mutex mu_;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  int64_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time last_arrival_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int64_t, std::function<void()>> watchers_ ABSL_GUARDED_BY(mu_);
  int64_t running_id_ ABSL_GUARDED_BY(mu_) = 0;  // watcher whose callback runs
  std::thread::id running_thread_ ABSL_GUARDED_BY(mu_);
};

}  // namespace labor
