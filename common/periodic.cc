#include "common/periodic.h"

namespace labor {

void PeriodicTask::Start() {
  thread_ = std::thread([this] {
    while (true) {
      task_();
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_)) return;
    }
  });
}

void PeriodicTask::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace labor
