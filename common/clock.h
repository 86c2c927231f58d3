// Injectable time, so domain logic and tests are deterministic.
#pragma once

#include <atomic>

#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace labor {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
  // The process-wide real clock.
  static Clock* Real();
};

// A clock tests move by hand. Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_;
};

// The district's time zone: every civil date (birth dates, quarters, quiet
// hours) is Asia/Shanghai. Falls back to a fixed UTC+8 when tzdata is missing
// (China has no daylight saving time, so the two agree).
absl::TimeZone ShanghaiTime();

// Calendar quarter (1..4) of a civil day.
inline int QuarterOf(absl::CivilDay day) { return (day.month() - 1) / 3 + 1; }

// First instant of the quarter containing `t` (Shanghai time).
absl::Time QuarterStart(absl::Time t);

// First instant of the given quarter (Shanghai time) and of the next one.
absl::Time QuarterStart(int year, int quarter);

}  // namespace labor
