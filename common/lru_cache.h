// A bounded, sharded, thread-safe LRU map of versioned values. Entries only
// move forward in version (like VersionedCache in Redis), so a slow reader
// cannot put back an older version than one a writer stored.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace labor {

template <typename Value>
class VersionedLruCache {
 public:
  // Holds at most about `capacity` entries (split over `shards`); 0 disables.
  explicit VersionedLruCache(size_t capacity, size_t shards = 16)
      : per_shard_(capacity == 0 ? 0 : std::max<size_t>(1, capacity / shards)), shards_(shards) {}

  // The value, or nullptr on a miss (or a tombstone).
  std::shared_ptr<const Value> Get(absl::string_view key) {
    if (per_shard_ == 0) return nullptr;
    Shard& shard = ShardFor(key);
    absl::MutexLock lock(&shard.mu);
    auto it = shard.index.find(key);
    if (it == shard.index.end()) return nullptr;
    shard.order.splice(shard.order.begin(), shard.order, it->second);
    return it->second->value;
  }

  // Stores `value` at `version` unless an entry at the same or a newer
  // version is there. A null value is a tombstone.
  void Put(absl::string_view key, int64_t version, std::shared_ptr<const Value> value) {
    if (per_shard_ == 0) return;
    Shard& shard = ShardFor(key);
    absl::MutexLock lock(&shard.mu);
    auto it = shard.index.find(key);
    if (it != shard.index.end()) {
      if (it->second->version >= version) return;
      it->second->version = version;
      it->second->value = std::move(value);
      shard.order.splice(shard.order.begin(), shard.order, it->second);
      return;
    }
    shard.order.push_front(Entry{std::string(key), version, std::move(value)});
    shard.index.emplace(shard.order.front().key, shard.order.begin());
    if (shard.order.size() > per_shard_) {
      shard.index.erase(shard.order.back().key);
      shard.order.pop_back();
    }
  }

  size_t size() {
    size_t n = 0;
    for (auto& shard : shards_) {
      absl::MutexLock lock(&shard.mu);
      n += shard.order.size();
    }
    return n;
  }

 private:
  struct Entry {
    std::string key;
    int64_t version;
    std::shared_ptr<const Value> value;
  };
  struct Shard {
    absl::Mutex mu;
    std::list<Entry> order;  // most recently used first
    absl::flat_hash_map<std::string, typename std::list<Entry>::iterator> index;
  };
  Shard& ShardFor(absl::string_view key) {
    return shards_[absl::Hash<absl::string_view>()(key) % shards_.size()];
  }

  size_t per_shard_;
  std::vector<Shard> shards_;
};

}  // namespace labor
