// Versioned read-through cache in Redis. Values carry the entity version and
// a Lua script only ever moves an entry forward, so a slow reader can never
// put back a version older than one a writer (or the outbox relay) has seen.
// Redis errors never fail a call: the cache is an optimization only.
//
// Entry states for one id (every write sets the TTL again):
//   absent            - never cached, or expired.
//   value  at v       - "<v>|V<payload>": Get returns the payload.
//   tombstone at v    - "<v>|T": versions below v are stale; Get misses.
//   erased            - a tombstone at kErasedVersion: no Put ever passes.
// (<v> is written as 19 zero-padded decimal digits and compared exactly.)
//
// Transitions (cur = the cached state):
//   Put(v, x)       sets value at v when cur is absent, a value below v, or a
//                   tombstone at or below v ("invalidate v, then the reader
//                   that loaded v fills it"). A value at v stays as it is.
//   Invalidate(v)   sets a tombstone at v when cur is absent or below v; an
//                   entry (value or tombstone) at or above v stays.
//   Erase()         sets the erased tombstone unconditionally.
//                   Invalidate(kErasedVersion) has the same effect (the
//                   outbox relays erasures with that version).
// Put versions must be in [0, kErasedVersion), Invalidate versions in
// [0, kErasedVersion]; others are ignored (counted as errors). An entry written by something else
// in another format is treated as absent (overwritten by Put/Invalidate, a miss and an error for
// Get).
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/redis.h"

namespace labor {

class VersionedCache {
 public:
  // Keys are "<prefix><id>". `ttl` applies to values and tombstones alike
  // (at least 1 ms).
  VersionedCache(RedisClient* redis, std::string prefix, absl::Duration ttl);

  // The cached value, or nullopt on a miss, a tombstone or a Redis error
  // (a tombstone counts as a miss).
  std::optional<std::string> Get(absl::string_view id);
  // Stores `value` at `version` per the transitions above.
  void Put(absl::string_view id, int64_t version, absl::string_view value);
  // Marks every version below `version` stale (entries at or above stay).
  void Invalidate(absl::string_view id, int64_t version);
  // Invalidate for several (id, version) pairs in one Redis round trip (a
  // writer committing a batch that readers will fill on demand).
  void InvalidateMany(const std::vector<std::pair<std::string, int64_t>>& versions);
  // Forgets the entity for good (erasure): a tombstone no version passes
  // (until the TTL expires it).
  void Erase(absl::string_view id);
  // The command Invalidate would send (one EVAL), for pipelining by the
  // outbox relay. Its reply is an integer (1 = tombstone set, 0 = kept).
  std::vector<std::string> InvalidateCommand(absl::string_view id, int64_t version) const;
  // For the outbox relay: appends InvalidateCommand(id, version) to
  // `commands` unless a Put, Invalidate or InvalidateMany of this object
  // already got Redis's answer that the entry is at `version` or later.
  // Such an entry can only move forward, so the command would change
  // nothing and only cost Redis a script run. Returns true when it appended.
  bool AppendInvalidation(absl::string_view id, int64_t version,
                          std::vector<std::vector<std::string>>* commands);

  int64_t hits() const { return hits_.load(); }
  int64_t misses() const { return misses_.load(); }
  int64_t errors() const { return errors_.load(); }

  static constexpr int64_t kErasedVersion = std::numeric_limits<int64_t>::max();

 private:
  std::string Key(absl::string_view id) const;
  // Runs a script command, counting any failure; true when it ran.
  bool Run(const std::vector<std::string>& command);
  // Remembers that Redis holds `id` at `version` or later.
  void Confirm(absl::string_view id, int64_t version);
  RedisClient* redis_;
  std::string prefix_;
  absl::Duration ttl_;
  std::atomic<int64_t> hits_{0}, misses_{0}, errors_{0};
  // Versions Redis confirmed to a Put or an invalidation, for
  // AppendInvalidation. Bounded: when full it starts over, which only costs
  // some needless invalidations.
  static constexpr size_t kMaxConfirmed = 1 << 16;
  absl::Mutex confirmed_mu_;
  absl::flat_hash_map<std::string, int64_t> confirmed_ ABSL_GUARDED_BY(confirmed_mu_);
};

}  // namespace labor
