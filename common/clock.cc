#include "common/clock.h"

namespace labor {
namespace {

class RealClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace

Clock* Clock::Real() {
  static RealClock* clock = new RealClock();
  return clock;
}

absl::TimeZone ShanghaiTime() {
  static const absl::TimeZone tz = [] {
    absl::TimeZone zone;
    if (absl::LoadTimeZone("Asia/Shanghai", &zone)) return zone;
    return absl::FixedTimeZone(8 * 3600);
  }();
  return tz;
}

absl::Time QuarterStart(absl::Time t) {
  absl::CivilDay day = absl::ToCivilDay(t, ShanghaiTime());
  return QuarterStart(static_cast<int>(day.year()), QuarterOf(day));
}

absl::Time QuarterStart(int year, int quarter) {
  absl::CivilMonth month(year, (quarter - 1) * 3 + 1);
  return absl::FromCivil(month, ShanghaiTime());
}

}  // namespace labor
