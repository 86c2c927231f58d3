// Versioned read-through cache in Redis. Values carry the entity version and
// a Lua script only ever moves an entry forward, so a slow reader can never
// put back a version older than one a writer (or the outbox relay) has seen.
// Redis errors never fail a call: the cache is an optimization only.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/time/time.h"
#include "common/redis.h"

namespace labor {

class VersionedCache {
 public:
  // Keys are "<prefix><id>".
  VersionedCache(RedisClient* redis, std::string prefix, absl::Duration ttl);

  // The cached value, or nullopt on a miss, a tombstone or a Redis error.
  std::optional<std::string> Get(absl::string_view id);
  // Stores `value` at `version` unless the cache already holds a newer
  // version (or a tombstone at a newer or equal version... see cache.cc).
  void Put(absl::string_view id, int64_t version, absl::string_view value);
  // Marks every version below `version` stale (entries at or above stay).
  void Invalidate(absl::string_view id, int64_t version);
  // Forgets the entity for good (erasure): a tombstone no version passes.
  void Erase(absl::string_view id);
  // The commands Invalidate would send, for pipelining by the outbox relay.
  std::vector<std::string> InvalidateCommand(absl::string_view id, int64_t version) const;

  int64_t hits() const { return hits_.load(); }
  int64_t misses() const { return misses_.load(); }
  int64_t errors() const { return errors_.load(); }

  static constexpr int64_t kErasedVersion = std::numeric_limits<int64_t>::max();

 private:
  std::string Key(absl::string_view id) const;
  RedisClient* redis_;
  std::string prefix_;
  absl::Duration ttl_;
  std::atomic<int64_t> hits_{0}, misses_{0}, errors_{0};
};

}  // namespace labor
