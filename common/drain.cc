#include "common/drain.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"

namespace labor {

bool ServerDrain::TryEnter() {
  absl::MutexLock lock(&mu_);
  last_arrival_ = absl::Now();
  if (draining_) return false;
  ++in_flight_;
  return true;
}

void ServerDrain::Exit() {
  absl::MutexLock lock(&mu_);
  --in_flight_;
}

std::optional<int64_t> ServerDrain::Watch(std::function<void()> on_drain) {
  absl::MutexLock lock(&mu_);
  if (draining_) return std::nullopt;
  const int64_t id = next_id_++;
  watchers_.emplace(id, std::move(on_drain));
  return id;
}

void ServerDrain::Unwatch(int64_t id) {
  absl::MutexLock lock(&mu_);
  watchers_.erase(id);
  const std::thread::id self = std::this_thread::get_id();
  auto done = [this, id, self]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return running_id_ != id || running_thread_ == self;
  };
  mu_.Await(absl::Condition(&done));
}

bool ServerDrain::draining() const {
  absl::MutexLock lock(&mu_);
  return draining_;
}

void ServerDrain::Start() {
  absl::MutexLock lock(&mu_);
  if (draining_) return;
  draining_ = true;
  running_thread_ = std::this_thread::get_id();
  // One at a time, each taken out first: a watcher's callback may end its
  // call, and the call may Unwatch (or be destroyed) on another thread.
  while (!watchers_.empty()) {
    auto it = watchers_.begin();
    running_id_ = it->first;
    std::function<void()> callback = std::move(it->second);
    watchers_.erase(it);
    mu_.Unlock();
    callback();
    callback = nullptr;
    mu_.Lock();
    running_id_ = 0;
  }
  running_thread_ = std::thread::id();
}

bool ServerDrain::WaitQuiet(absl::Duration quiet, absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  for (;;) {
    const absl::Time now = absl::Now();
    if (in_flight_ == 0 && now - last_arrival_ >= quiet) return true;
    if (now >= deadline) return false;
    // Polled: arrivals and exits both move the answer, and this runs once
    // per shutdown.
    mu_.Unlock();
    absl::SleepFor(std::min(deadline - now, absl::Milliseconds(10)));
    mu_.Lock();
  }
}

}  // namespace labor
