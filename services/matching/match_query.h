// What the index's updates and both query directions share: list keys
// and lookups, the per-thread visit marks and the candidate scan (the top-k
// heap, deferred candidates and counters). Internal to services/matching.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "services/matching/card_bounds.h"
#include "services/matching/match_index.h"

namespace labor::matching {

// Requirement-prefix lists share one map: the level goes in bits the codes
// never use (a code's first segment is one digit, so bits 28..31 are free).
inline OccCode PrefixKey(OccCode prefix, int level) {
  return prefix | (static_cast<uint32_t>(level) << 30);
}

inline uint64_t RegionKey(Region r) { return (uint64_t{r.level} << 32) | r.padded; }

template <typename Map, typename Key>
const std::vector<uint32_t>* Find(const Map& map, const Key& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

// In WorkerGroup::any: some card's certificate names an occupation (or the
// card holds more than it lists), so the certificate part may apply.
constexpr uint8_t kGroupCertOccupation = kCardCert;
// In WorkerGroup::any: the cards' skills outside the list's key are not all
// in WorkerGroup::others.
constexpr uint8_t kGroupManyOthers = kCardOtherSkills;

// WorkerGroup::other_bits: one of 21 bits for the n-segment prefix of a
// skill code (n = 2..4), in the n-th 21-bit field.
inline uint64_t OtherSkillBit(OccCode code, int n) {
  const uint64_t hash = (uint64_t{OccPrefix(code, n)} * 0x9E3779B97F4A7C15ull) >> 32;
  return uint64_t{1} << (21 * (n - 2) + static_cast<int>(hash % 21));
}

template <typename Key, typename Card>
const std::vector<Card>* FindCards(const absl::flat_hash_map<Key, std::vector<Card>>& map,
                                   Key key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

// Per-thread visit marks: one bit per slot (a city's 1.5 million workers fit
// in 190 KB, inside the L2 cache; clearing it costs microseconds), so the
// check stays cheap while lists are walked.
struct Marks {
  std::vector<uint64_t> bits;
  void Begin(size_t size) {
    size_t words = (size + 63) / 64;
    if (bits.size() < words) bits.resize(words);
    std::fill(bits.begin(), bits.begin() + static_cast<std::ptrdiff_t>(words), 0);
  }
  // True the first time a slot is visited in this query.
  bool Visit(uint32_t slot) {
    uint64_t& word = bits[slot >> 6];
    uint64_t bit = uint64_t{1} << (slot & 63);
    if (word & bit) return false;
    word |= bit;
    return true;
  }
  void Set(uint32_t slot) { bits[slot >> 6] |= uint64_t{1} << (slot & 63); }
  bool Has(uint32_t slot) const { return (bits[slot >> 6] >> (slot & 63)) & 1; }
};
inline thread_local Marks tls_marks;
// The vacancies of the job fair a RecommendVacancies query is filtered by,
// so that cards outside it are dismissed without reading their records.
inline thread_local Marks tls_fair_members;

struct Pending {
  int64_t bound;
  IdKey key;
  uint32_t slot;
};
inline thread_local std::vector<Pending> tls_pending;
inline thread_local std::vector<Pending> tls_ordered;
inline thread_local std::vector<uint32_t> tls_bucket_start;

// One query's candidate collection: visit marks, the top-k heap and counters.
// `Rec` is WorkerRec or VacancyRec (the side being ranked).
class Scan {
 public:
  struct Entry {
    Evaluation evaluation;
    uint32_t slot;
  };

  Scan(int k, size_t slots) : k_(static_cast<size_t>(k)) {
    tls_marks.Begin(slots);
    tls_pending.clear();
    heap_.reserve(k_ + 1);
  }

  // Whether nothing left can enter the top k: the k-th best is strictly
  // above `bound` (an equal score could still win on the id).
  bool Done(int64_t bound) const {
    return heap_.size() == k_ && heap_.front().evaluation.score > bound;
  }
  // Whether a candidate bounded by `bound` may still enter.
  bool CanEnter(int64_t bound) const { return !Done(bound); }
  // The same for a candidate whose id begins with `key`: at a score equal
  // to the k-th best, only a smaller id can enter (ties go to the smaller
  // id), and most ties are settled by the id's first 16 bytes.
  bool CanEnter(int64_t bound, const IdKey& key) const {
    if (heap_.size() < k_) return true;
    int64_t worst = heap_.front().evaluation.score;
    if (bound != worst) return bound > worst;
    return !(worst_key_ < key);
  }

  bool Visit(uint32_t slot) {
    if (!tls_marks.Visit(slot)) return false;
    ++reached_;
    return true;
  }
  // Queues a candidate whose bound may reach the top k; Drain scores the
  // queue best bound first, so the k-th best rises fast and most of the
  // queue is dismissed by its bound without being scored.
  void Defer(int64_t bound, const IdKey& key, uint32_t slot) {
    tls_pending.push_back(Pending{bound, key, slot});
  }
  template <typename Evaluate>
  void Drain(const Evaluate& evaluate) {
    std::vector<Pending>& pending = tls_pending;
    if (pending.empty()) return;
    if (pending.size() <= 256) {
      std::sort(pending.begin(), pending.end(),
                [](const Pending& a, const Pending& b) { return a.bound > b.bound; });
      for (const Pending& p : pending) {
        if (!CanEnter(p.bound)) break;
        if (!CanEnter(p.bound, p.key)) continue;
        evaluate(p.slot);
      }
      pending.clear();
      return;
    }
    // Bucket by bound (a counting sort), best bucket first.
    constexpr int64_t kBuckets = 1024;
    int64_t lo = pending.front().bound, hi = lo;
    for (const Pending& p : pending) {
      lo = std::min(lo, p.bound);
      hi = std::max(hi, p.bound);
    }
    const int64_t width = (hi - lo) / kBuckets + 1;
    std::vector<uint32_t>& start = tls_bucket_start;
    start.assign(kBuckets + 1, 0);
    for (const Pending& p : pending) ++start[static_cast<size_t>((p.bound - lo) / width) + 1];
    for (size_t b = 1; b <= kBuckets; ++b) start[b] += start[b - 1];
    std::vector<Pending>& ordered = tls_ordered;
    ordered.resize(pending.size());
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (const Pending& p : pending)
      ordered[fill[static_cast<size_t>((p.bound - lo) / width)]++] = p;
    for (int64_t b = kBuckets - 1; b >= 0; --b) {
      if (!CanEnter(lo + (b + 1) * width - 1)) break;
      for (uint32_t i = start[static_cast<size_t>(b)]; i < start[static_cast<size_t>(b) + 1]; ++i) {
        if (CanEnter(ordered[i].bound, ordered[i].key)) evaluate(ordered[i].slot);
      }
    }
    pending.clear();
  }
  int64_t evaluated() const { return evaluated_; }

  // Fills `result` with the counters and the best k, best first;
  // `hit_of(entry)` makes an entry's Hit.
  template <typename IdOf, typename HitOf>
  void Finish(const IdOf& id_of, const HitOf& hit_of, QueryResult* result) {
    result->considered = considered_;
    result->vetoed = vetoed_;
    result->evaluated = evaluated_;
    result->reached = reached_;
    result->considered_by_phase = by_phase();
    for (const Entry& e : Sorted(id_of)) result->hits.push_back(hit_of(e));
  }

  // A candidate whose card already shows a veto.
  void CountVeto() {
    ++considered_;
    ++vetoed_;
  }
  // A candidate by its card's bound: -1 counts a veto; a bound that may
  // still reach the top k is deferred.
  void Consider(int64_t bound, const IdKey& key, uint32_t slot) {
    if (bound < 0) {
      CountVeto();
      return;
    }
    if (CanEnter(bound, key)) Defer(bound, key, slot);
  }

  template <typename IdOf>
  void Offer(const Evaluation& e, uint32_t slot, const IdOf& id_of) {
    ++considered_;
    ++evaluated_;
    if (e.veto != Veto::kNone) {
      ++vetoed_;
      return;
    }
    auto better = [&id_of](const Entry& a, const Entry& b) {
      if (a.evaluation.score != b.evaluation.score) return a.evaluation.score > b.evaluation.score;
      return id_of(a.slot) < id_of(b.slot);
    };
    Entry entry{e, slot};
    if (heap_.size() < k_) {
      heap_.push_back(entry);
      std::push_heap(heap_.begin(), heap_.end(), better);
    } else if (better(entry, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.back() = entry;
      std::push_heap(heap_.begin(), heap_.end(), better);
    } else {
      return;
    }
    if (heap_.size() == k_) worst_key_ = IdKey::Of(id_of(heap_.front().slot));
  }

  template <typename IdOf>
  std::vector<Entry> Sorted(const IdOf& id_of) {
    std::sort(heap_.begin(), heap_.end(), [&id_of](const Entry& a, const Entry& b) {
      if (a.evaluation.score != b.evaluation.score) return a.evaluation.score > b.evaluation.score;
      return id_of(a.slot) < id_of(b.slot);
    });
    return std::move(heap_);
  }

  int64_t considered() const { return considered_; }
  // Starts counting towards phase `phase`.
  void Phase(int phase) {
    by_phase_[static_cast<size_t>(phase_)] += considered_ - phase_start_;
    phase_ = phase;
    phase_start_ = considered_;
  }
  std::array<int64_t, 6> by_phase() {
    Phase(phase_);
    return by_phase_;
  }
  int64_t vetoed() const { return vetoed_; }

 private:
  size_t k_;
  std::vector<Entry> heap_;  // front = the worst of the best k
  IdKey worst_key_;          // of heap_.front() once the heap is full
  int64_t considered_ = 0;
  int64_t vetoed_ = 0;
  int64_t evaluated_ = 0;
  int64_t reached_ = 0;
  int phase_ = 0;
  int64_t phase_start_ = 0;
  std::array<int64_t, 6> by_phase_{};
};

}  // namespace labor::matching
