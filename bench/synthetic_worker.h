// Synthetic workers for the load tools (grpc_load, notify_bench): unique,
// valid and reproducible from an index, so a run can be replayed or
// continued without ALREADY_EXISTS.
#pragma once

#include <cstdint>

#include "labor/v1/profile.pb.h"

namespace labor::bench {

// How many distinct workers SyntheticWorker can make: birth dates
// 1965-01-01 .. 2004-12-31 times 1000 sequence numbers a day.
inline constexpr int64_t kSyntheticWorkers = 14610 * 1000;

// Worker number `index` (0 <= index < kSyntheticWorkers): a valid, unique
// resident ID under 511702 (GB 11643 check character), a unique valid mobile
// number, one of Tongchuan's 18 townships, a household of four, a name.
v1::Worker SyntheticWorker(int64_t index);

}  // namespace labor::bench
