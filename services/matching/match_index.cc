#include "services/matching/match_index.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <limits>

#include "absl/hash/hash.h"
#include "absl/types/span.h"
#include "common/log.h"

namespace labor::matching {
namespace {

// Requirement-prefix lists share one map: the level goes in bits the codes
// never use (a code's first segment is one digit, so bits 28..31 are free).
OccCode PrefixKey(OccCode prefix, int level) {
  return prefix | (static_cast<uint32_t>(level) << 30);
}

uint64_t RegionKey(Region r) { return (uint64_t{r.level} << 32) | r.padded; }

void AddTo(std::vector<uint32_t>* list, uint32_t slot) { list->push_back(slot); }

void RemoveFrom(std::vector<uint32_t>* list, uint32_t slot) {
  auto it = std::find(list->begin(), list->end(), slot);
  LABOR_CHECK(it != list->end()) << "index list lost slot " << slot;
  *it = list->back();
  list->pop_back();
}

template <typename Map, typename Key>
void Edit(Map* map, const Key& key, uint32_t slot, bool add) {
  if (add) {
    AddTo(&(*map)[key], slot);
    return;
  }
  auto it = map->find(key);
  LABOR_CHECK(it != map->end()) << "index list missing for slot " << slot;
  RemoveFrom(&it->second, slot);
  if (it->second.empty()) map->erase(it);
}

template <typename Map, typename Key>
const std::vector<uint32_t>* Find(const Map& map, const Key& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

// Distinct values, small sets (a record has a handful of skills).
template <typename T>
void PushUnique(absl::InlinedVector<T, 8>* out, T value) {
  if (std::find(out->begin(), out->end(), value) == out->end()) out->push_back(value);
}

enum : uint8_t {
  kCardCert = 1,  // worker: holds some certificate / vacancy: requires some
  kCardWechat = 2,
  kCardSms = 4,
  kCardReturning = 8,     // intends a local job after a planned return
  kCardDead = 16,         // vacancy: blacklisted, not open or no headcount
  kCardManyCerts = 32,    // worker: more certificates name occupations than the card holds
  kCardOtherSkills = 64,  // worker: also has skills outside the card's list key
  kCardScopeOpen = 128,   // worker: accepted regions listed; scope_area does not decide
};

// In WorkerGroup::any: some card's certificate names an occupation (or the
// card holds more than it lists), so the certificate part may apply.
constexpr uint8_t kGroupCertOccupation = kCardCert;
// In WorkerGroup::any: the cards' skills outside the list's key are not all
// in WorkerGroup::others.
constexpr uint8_t kGroupManyOthers = kCardOtherSkills;

// WorkerGroup::other_bits: one of 21 bits for the n-segment prefix of a
// skill code (n = 2..4), in the n-th 21-bit field.
uint64_t OtherSkillBit(OccCode code, int n) {
  const uint64_t hash = (uint64_t{OccPrefix(code, n)} * 0x9E3779B97F4A7C15ull) >> 32;
  return uint64_t{1} << (21 * (n - 2) + static_cast<int>(hash % 21));
}

uint32_t Saturate(int64_t value) {
  return static_cast<uint32_t>(std::clamp<int64_t>(value, 0, std::numeric_limits<uint32_t>::max()));
}

template <typename Key, typename Card>
void EditCard(absl::flat_hash_map<Key, std::vector<Card>>* map, Key key, const Card& card,
              bool add) {
  if (add) {
    (*map)[key].push_back(card);
    return;
  }
  auto it = map->find(key);
  LABOR_CHECK(it != map->end()) << "card list missing for slot " << card.slot;
  std::vector<Card>& list = it->second;
  auto pos =
      std::find_if(list.begin(), list.end(), [&](const Card& c) { return c.slot == card.slot; });
  LABOR_CHECK(pos != list.end()) << "card list lost slot " << card.slot;
  *pos = list.back();
  list.pop_back();
  if (list.empty()) map->erase(it);
}

template <typename Key, typename Card>
const std::vector<Card>* FindCards(const absl::flat_hash_map<Key, std::vector<Card>>& map,
                                   Key key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

// Upper bounds of the wage and freshness parts without integer division
// (they run per candidate): the exact value is floor(x); a floating-point x
// is off by far less than 1, so floor(x) + 1 bounds it.
int32_t WageBound(int64_t floor_fen, int64_t offered_fen, int64_t reference_fen) {
  double reference = static_cast<double>(floor_fen > 0 ? floor_fen : reference_fen);
  double x =
      static_cast<double>(offered_fen - static_cast<int64_t>(reference)) * 2000.0 / reference;
  if (x >= 1000.0) return 1000;
  if (x < 0) return 0;
  return std::min<int32_t>(1000, static_cast<int32_t>(x) + 1);
}

int32_t FreshnessBound(int64_t posted_at_s, int64_t now_s, double per_second) {
  int64_t age = now_s - posted_at_s;
  if (age <= 0) return 1000;
  double x = static_cast<double>(age) * per_second;  // points lost
  if (x >= 1001.0) return 0;
  return std::clamp<int32_t>(1000 - static_cast<int32_t>(x) + 1, 0, 1000);
}

// One bit of a 32-bit signature per certificate class: the occupation
// branch a requirement names (a held certificate sets the bits of all its
// branches), else the certificate's name. Equal classes set equal bits, so
// a requirement whose bit a worker lacks is certainly not met.
uint32_t CertBit(uint64_t key) {
  key *= 0x9E3779B97F4A7C15ULL;
  return uint32_t{1} << (key >> 59);
}
uint32_t OccupationCertBit(OccCode branch) {
  return CertBit(uint64_t{branch} | (uint64_t{1} << 40));
}
uint32_t NameCertBit(absl::string_view name) {
  return CertBit(absl::Hash<absl::string_view>{}(name));
}

uint32_t RequiredCertBits(const VacancyRec& v) {
  uint32_t bits = 0;
  for (const CertReq& req : v.certs) {
    if (req.occupation != 0) {
      bits |= OccupationCertBit(req.occupation);
    } else if (!req.name.empty()) {
      bits |= NameCertBit(req.name);
    }
  }
  return bits;
}

uint32_t HeldCertBits(const WorkerRec& w, Day today) {
  uint32_t bits = 0;
  for (const CertRec& c : w.certs) {
    if (!c.ValidOn(today)) continue;
    if (c.occupation != 0) {
      for (int n = 1; n <= OccSegments(c.occupation); ++n) {
        bits |= OccupationCertBit(OccPrefix(c.occupation, n));
      }
    }
    if (!c.name.empty()) bits |= NameCertBit(c.name);
  }
  return bits;
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
thread_local Marks tls_marks;
// The vacancies of the job fair a RecommendVacancies query is filtered by,
// so that cards outside it are dismissed without reading their records.
thread_local Marks tls_fair_members;

struct Pending {
  int64_t bound;
  IdKey key;
  uint32_t slot;
};
thread_local std::vector<Pending> tls_pending;
thread_local std::vector<Pending> tls_ordered;
thread_local std::vector<uint32_t> tls_bucket_start;

}  // namespace

bool VacancyFilter::Matches(const VacancyRec& v) const {
  if (region.level != 0 && !RegionWithin(region, v.location)) return false;
  if (occupation != 0 && OccMatchDepth(occupation, v.occupation) != 4) return false;
  if (wage_floor_fen > 0 && v.has_wage() &&
      std::max(v.wage_min_fen, v.wage_max_fen) < wage_floor_fen) {
    return false;
  }
  if (!fair_id.empty() &&
      std::find(v.fair_ids.begin(), v.fair_ids.end(), fair_id) == v.fair_ids.end()) {
    return false;
  }
  return true;
}

bool WorkerFilter::Matches(const WorkerRec& w, const VacancyRec& v, const QueryContext& ctx) const {
  if (township.level != 0 && !(w.hukou == township)) return false;
  if (status != 0 && w.status != status) return false;
  if (available_by != kNoDay) {
    Day start = Scorer::StartDay(w, v, ctx);
    if (start != kNoDay && start > available_by) return false;
  }
  return true;
}

// One query's candidate collection: visit marks, the top-k heap and counters.
// `Rec` is WorkerRec or VacancyRec (the side being ranked).
class MatchIndex::Scan {
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

// ---------------------------------------------------------------------------
// Updates

void MatchIndex::CountRegion(absl::flat_hash_map<uint64_t, int32_t>* counts, Region region,
                             int delta) {
  for (int level = 1; level <= region.level; ++level) {
    uint64_t key = RegionKey(RegionPrefix(region, level));
    int32_t& n = (*counts)[key];
    n += delta;
    LABOR_CHECK(n >= 0) << "region count went negative";
    if (n == 0) counts->erase(key);
  }
}

int MatchIndex::ClosestLevel(const absl::flat_hash_map<uint64_t, int32_t>& counts,
                             Region region) const {
  for (int level = region.level; level >= 1; --level) {
    if (counts.contains(RegionKey(RegionPrefix(region, level)))) return level;
  }
  return 0;
}

MatchIndex::WorkerCard MatchIndex::MakeWorkerCard(uint32_t slot, int segments, OccCode key) const {
  const WorkerRec& w = workers_.records[slot];
  WorkerCard card{};
  card.slot = slot;
  card.id_key = IdKey::Of(w.id);
  card.hukou = w.hukou.padded;
  card.hukou_level = w.hukou.level;
  card.current = w.current.padded;
  card.current_level = w.current.level;
  card.floor_fen = Saturate(w.min_wage_fen);
  bool other_skills = false;
  for (const SkillRec& s : w.skills) {
    if (OccPrefix(s.code, segments) == key) {
      card.level = std::max<uint8_t>(card.level, s.level == 0 ? 1 : s.level);
    } else {
      other_skills = true;
    }
  }
  card.flags = (other_skills ? kCardOtherSkills : 0) | (w.certs.empty() ? 0 : kCardCert) |
               (w.consent_wechat ? kCardWechat : 0) | (w.consent_sms ? kCardSms : 0) |
               (Scorer::ReturnsForLocalJob(w) ? kCardReturning : 0);
  int named = 0;
  for (const CertRec& c : w.certs) {
    if (c.occupation == 0) continue;
    if (named < 2) {
      card.cert_occupations[named] = c.occupation;
    } else {
      card.flags |= kCardManyCerts;
    }
    ++named;
  }
  card.planned_return = w.planned_return;
  card.available_from = w.available_from;
  if (!w.accepted_regions.empty() || w.scope == v1::LOCATION_SCOPE_LISTED_REGIONS) {
    card.flags |= kCardScopeOpen;
  } else {
    Region area = RegionPrefix(w.hukou, Scorer::ScopeLevel(w.scope));
    card.scope_area = area.padded;
    card.scope_level = area.level;
  }
  card.brand = w.brand;
  card.status = w.status;
  if (w.skills.size() <= static_cast<size_t>(WorkerCard::kCardSkills)) {
    card.skill_count = static_cast<uint8_t>(w.skills.size());
    for (size_t i = 0; i < w.skills.size(); ++i) {
      card.skill_codes[i] = w.skills[i].code;
      card.skill_levels[i] = w.skills[i].level;
    }
  } else {
    card.skill_count = 255;
  }
  return card;
}

// `segments` > 0: the list of requirements given to exactly that many
// segments; < 0: the list of -segments prefixes of finer requirements.
MatchIndex::VacancyCard MatchIndex::MakeVacancyCard(uint32_t slot, int segments,
                                                    OccCode key) const {
  const VacancyRec& v = vacancies_.records[slot];
  VacancyCard card{};
  card.slot = slot;
  card.id_key = IdKey::Of(v.id);
  card.location = v.location.padded;
  card.location_level = v.location.level;
  card.top_fen = Saturate(std::max(v.wage_min_fen, v.wage_max_fen));
  card.offered_fen = Saturate(OfferedWage(v));
  card.posted_at_s = Saturate(v.posted_at_s);
  card.expires_at_s = Saturate(v.expires_at_s);
  card.occupation = v.occupation;
  card.requirements = static_cast<uint8_t>(std::min<size_t>(v.required.size(), 255));
  card.level = 255;
  for (const SkillRec& r : v.required) {
    int n = OccSegments(r.code);
    bool under = segments > 0 ? (n == segments && r.code == key)
                              : (n > -segments && OccPrefix(r.code, -segments) == key);
    if (under) card.level = std::min(card.level, r.level);
  }
  bool dead = v.blacklisted || v.status != v1::VACANCY_STATUS_OPEN || v.remaining <= 0;
  card.flags = (v.certs.empty() ? 0 : kCardCert) | (dead ? kCardDead : 0);
  card.cert_bits = RequiredCertBits(v);
  return card;
}

MatchIndex::WorkerGroupKey MatchIndex::GroupKeyOf(const WorkerCard& c) const {
  WorkerGroupKey key;
  key.hukou = c.hukou;
  key.hukou_level = c.hukou_level;
  const Region hukou{c.hukou, c.hukou_level};
  const Region current{c.current, c.current_level};
  if (current.level != 0 && !(current == hukou)) {
    // Near home the township decides closeness; elsewhere the city is
    // enough to tell the groups apart (and keeps their number small).
    if (hukou.level >= 3 && RegionWithin(RegionPrefix(hukou, 3), current)) {
      key.current = current.padded;
      key.current_level = current.level;
    } else {
      const Region cut = RegionPrefix(current, 2);
      key.current = cut.padded;
      key.current_level = cut.level;
      key.current_cut = current.level > cut.level ? 1 : 0;
    }
  }
  // Level classes as the requirements use them: up to 学徒, 五级, 四级, 三级
  // and above (the class's highest level bounds the level factor).
  key.level = c.level <= v1::SKILL_LEVEL_APPRENTICE       ? uint8_t{v1::SKILL_LEVEL_APPRENTICE}
              : c.level <= v1::SKILL_LEVEL_4_INTERMEDIATE ? c.level
                                                          : uint8_t{255};
  key.bits = c.flags & (kCardCert | kCardReturning | kCardOtherSkills);
  key.brand = c.brand;
  return key;
}

void MatchIndex::Absorb(WorkerGroup* group, const WorkerCard& c, bool first, int segments,
                        OccCode key) const {
  const uint32_t reference =
      c.floor_fen > 0 ? c.floor_fen : Saturate(scorer_->weights().reference_wage_fen);
  uint8_t any = c.flags & (kCardWechat | kCardSms | kCardManyCerts);
  if (c.cert_occupations[0] != 0 || (c.flags & kCardManyCerts)) any |= kGroupCertOccupation;
  if (first) {
    group->min_floor = c.floor_fen;
    group->min_reference = reference;
    group->any = any;
  } else {
    group->min_floor = std::min(group->min_floor, c.floor_fen);
    group->min_reference = std::min(group->min_reference, reference);
    group->any |= any;
  }
  if (first) group->other_bits = 0;
  if (!(c.flags & kCardOtherSkills)) return;
  if (c.skill_count > WorkerCard::kCardSkills) {
    group->any |= kGroupManyOthers;
    return;
  }
  for (int i = 0; i < c.skill_count; ++i) {
    const OccCode code = c.skill_codes[i];
    if (OccPrefix(code, segments) == key) continue;
    for (int n = 2; n <= OccSegments(code); ++n) group->other_bits |= OtherSkillBit(code, n);
  }
}

MatchIndex::CardArena::~CardArena() {
  for (WorkerCard* data : large_) ::operator delete(data);
}

MatchIndex::WorkerCard* MatchIndex::CardArena::Allocate(uint32_t n) {
  const size_t bytes = size_t{n} * sizeof(WorkerCard);
  if (n > kSmall) {
    auto* data = static_cast<WorkerCard*>(::operator new(bytes));
    large_.insert(data);
    return data;
  }
  if (!free_[n].empty()) {
    void* data = free_[n].back();
    free_[n].pop_back();
    return static_cast<WorkerCard*>(data);
  }
  constexpr size_t kSlab = size_t{1} << 20;
  if (slabs_.empty() || slab_used_ + bytes > kSlab) {
    slabs_.push_back(std::make_unique<char[]>(kSlab));
    slab_used_ = 0;
  }
  void* data = slabs_.back().get() + slab_used_;
  slab_used_ += bytes;
  return static_cast<WorkerCard*>(data);
}

void MatchIndex::CardArena::Free(WorkerCard* data, uint32_t n) {
  if (data == nullptr) return;
  if (n > kSmall) {
    large_.erase(data);
    ::operator delete(data);
    return;
  }
  free_[n].push_back(data);
}

void MatchIndex::CardArena::Grow(CardRun* run) {
  if (run->size < run->capacity) return;
  // One card at a time while small (most groups are), then by an eighth:
  // doubling would leave much of the index's memory unused.
  const uint32_t capacity = run->capacity + std::max<uint32_t>(1, run->capacity / 8);
  WorkerCard* data = Allocate(capacity);
  if (run->size > 0) std::memcpy(data, run->data, size_t{run->size} * sizeof(WorkerCard));
  Free(run->data, run->capacity);
  run->data = data;
  run->capacity = capacity;
}

void MatchIndex::CardArena::Release(CardRun* run) {
  Free(run->data, run->capacity);
  *run = CardRun();
}

void MatchIndex::AddToGroup(WorkerGroup* group, const WorkerCard& c, int segments, OccCode key) {
  Absorb(group, c, group->cards.empty(), segments, key);
  card_arena_.Grow(&group->cards);
  group->cards.data[group->cards.size++] = c;
}

void MatchIndex::EditWorkerList(int segments, OccCode key, const WorkerCard& card, bool add) {
  auto& lists = worker_skills_[segments];
  auto place = [this, segments, key](WorkerList* list, const WorkerCard& c) {
    if (!list->grouped) {
      if (list->groups.empty()) list->groups.emplace_back().key.mixed = 1;
      AddToGroup(&list->groups.front(), c, segments, key);
      return;
    }
    const WorkerGroupKey group_key = GroupKeyOf(c);
    auto [it, inserted] =
        list->group_of.try_emplace(group_key, static_cast<uint32_t>(list->groups.size()));
    if (inserted) list->groups.emplace_back().key = group_key;
    AddToGroup(&list->groups[it->second], c, segments, key);
  };
  if (add) {
    WorkerList& list = lists[key];
    ++list.size;
    if (!list.grouped && list.size >= std::max<size_t>(options_.group_min_cards, 1)) {
      std::vector<WorkerCard> cards;
      cards.reserve(list.size);
      for (WorkerGroup& g : list.groups) {
        cards.insert(cards.end(), g.cards.begin(), g.cards.end());
        card_arena_.Release(&g.cards);
      }
      cards.push_back(card);
      list.groups.clear();
      list.grouped = true;
      for (const WorkerCard& c : cards) place(&list, c);
      return;
    }
    place(&list, card);
    return;
  }
  auto it = lists.find(key);
  LABOR_CHECK(it != lists.end()) << "card list missing for slot " << card.slot;
  WorkerList& list = it->second;
  uint32_t index = 0;
  if (list.grouped) {
    auto found = list.group_of.find(GroupKeyOf(card));
    LABOR_CHECK(found != list.group_of.end()) << "card group missing for slot " << card.slot;
    index = found->second;
  }
  LABOR_CHECK(index < list.groups.size()) << "card group lost slot " << card.slot;
  WorkerGroup& group = list.groups[index];
  CardRun& cards = group.cards;
  auto pos = std::find_if(cards.begin(), cards.end(),
                          [&](const WorkerCard& c) { return c.slot == card.slot; });
  LABOR_CHECK(pos != cards.end()) << "card list lost slot " << card.slot;
  *pos = cards.data[cards.size - 1];
  --cards.size;
  --list.size;
  if (list.size == 0) {
    card_arena_.Release(&cards);
    lists.erase(it);
    return;
  }
  if (cards.empty()) {
    card_arena_.Release(&cards);
    if (list.grouped) {
      list.group_of.erase(group.key);
      if (index + 1 != list.groups.size()) {
        list.group_of[list.groups.back().key] = index;
        group = std::move(list.groups.back());
      }
    }
    list.groups.pop_back();
    return;
  }
  // The card that left may have set an aggregate: recompute them.
  for (uint32_t i = 0; i < cards.size; ++i) Absorb(&group, cards.data[i], i == 0, segments, key);
}

void MatchIndex::IndexWorker(uint32_t slot, bool add) {
  const WorkerRec& w = workers_.records[slot];
  for (int n = 1; n <= 4; ++n) {
    absl::InlinedVector<OccCode, 8> keys;
    for (const SkillRec& s : w.skills) PushUnique(&keys, OccPrefix(s.code, n));
    for (OccCode key : keys) EditWorkerList(n, key, MakeWorkerCard(slot, n, key), add);
    absl::InlinedVector<OccCode, 8> cert_keys;
    for (const CertRec& c : w.certs) {
      if (c.occupation != 0) PushUnique(&cert_keys, OccPrefix(c.occupation, n));
    }
    for (OccCode key : cert_keys) Edit(&worker_certs_.by_occ[n], key, slot, add);
  }
  absl::InlinedVector<absl::string_view, 8> names;
  for (const CertRec& c : w.certs) {
    if (!c.name.empty() && std::find(names.begin(), names.end(), c.name) == names.end()) {
      names.push_back(c.name);
    }
  }
  for (absl::string_view name : names) Edit(&worker_cert_names_, std::string(name), slot, add);
  if (w.brand > 0 && w.brand < 4) {
    add ? AddTo(&worker_by_brand_[w.brand], slot) : RemoveFrom(&worker_by_brand_[w.brand], slot);
  }
  if (Scorer::ReturnsForLocalJob(w)) {
    if (add) {
      worker_returning_local_.emplace(w.planned_return, slot);
    } else {
      auto [begin, end] = worker_returning_local_.equal_range(w.planned_return);
      auto it = std::find_if(begin, end, [slot](const auto& e) { return e.second == slot; });
      LABOR_CHECK(it != end) << "returnee list lost slot " << slot;
      worker_returning_local_.erase(it);
    }
  }
  if (add) {
    if (worker_cards_.size() <= slot) worker_cards_.resize(slot + 1);
    worker_cards_[slot] = MakeWorkerCard(slot, 0, 0);
  }
  CountRegion(&worker_regions_, w.hukou, add ? 1 : -1);
  CountRegion(&worker_regions_, w.current, add ? 1 : -1);
  if (!w.wechat_openid.empty()) {
    if (add) {
      worker_by_openid_[w.wechat_openid] = slot;
    } else {
      auto it = worker_by_openid_.find(w.wechat_openid);
      if (it != worker_by_openid_.end() && it->second == slot) worker_by_openid_.erase(it);
    }
  }
}

void MatchIndex::IndexVacancy(uint32_t slot, bool add) {
  const VacancyRec& v = vacancies_.records[slot];
  for (int n = 1; n <= 4; ++n) {
    absl::InlinedVector<OccCode, 8> own;     // requirements given to exactly n segments
    absl::InlinedVector<OccCode, 8> prefix;  // n-segment prefixes of finer requirements
    for (const SkillRec& r : v.required) {
      int segments = OccSegments(r.code);
      if (segments == n) PushUnique(&own, r.code);
      if (segments > n && (n == 2 || n == 3)) PushUnique(&prefix, OccPrefix(r.code, n));
    }
    for (OccCode key : own) EditCard(&vacancy_reqs_[n], key, MakeVacancyCard(slot, n, key), add);
    for (OccCode key : prefix) {
      EditCard(&vacancy_reqs_[0], PrefixKey(key, n), MakeVacancyCard(slot, -n, key), add);
    }
    if (v.occupation != 0) Edit(&vacancy_occ_.by_occ[n], OccPrefix(v.occupation, n), slot, add);
  }
  const VacancyCard card = MakeVacancyCard(slot, 4, 0);
  for (int level = 1; level <= v.location.level; ++level) {
    EditCard(&vacancy_by_region_, RegionKey(RegionPrefix(v.location, level)), card, add);
  }
  if (OccSegments(v.occupation) >= 2) {
    const OccCode trade = OccPrefix(v.occupation, 2);
    for (int level = 0; level <= v.location.level; ++level) {
      EditCard(&vacancy_by_region_trade_,
               std::make_pair(RegionKey(RegionPrefix(v.location, level)), trade), card, add);
    }
  }
  for (const std::string& fair : v.fair_ids) Edit(&vacancy_by_fair_, fair, slot, add);
  CountRegion(&vacancy_regions_, v.location, add ? 1 : -1);
  if (!v.certs.empty()) vacancies_with_certs_ += add ? 1 : -1;
  if (v.location.level == 0) vacancies_without_location_ += add ? 1 : -1;
  if (add) {
    if (vacancy_cards_.size() <= slot) vacancy_cards_.resize(slot + 1);
    vacancy_cards_[slot] = card;
  }
}

MatchIndex::Applied MatchIndex::UpsertWorker(WorkerRec worker) {
  absl::MutexLock lock(&mu_);
  return workers_.Upsert(std::move(worker),
                         [this](uint32_t slot, bool add)
                             ABSL_NO_THREAD_SAFETY_ANALYSIS { IndexWorker(slot, add); });
}

MatchIndex::Applied MatchIndex::RemoveWorker(absl::string_view worker_id, int64_t version) {
  absl::MutexLock lock(&mu_);
  return workers_.Remove(worker_id, version,
                         [this](uint32_t slot, bool add)
                             ABSL_NO_THREAD_SAFETY_ANALYSIS { IndexWorker(slot, add); });
}

MatchIndex::Applied MatchIndex::UpsertVacancy(VacancyRec vacancy) {
  if (vacancy.status != v1::VACANCY_STATUS_OPEN) {
    return RemoveVacancy(vacancy.id, vacancy.version);
  }
  absl::MutexLock lock(&mu_);
  return vacancies_.Upsert(std::move(vacancy),
                           [this](uint32_t slot, bool add)
                               ABSL_NO_THREAD_SAFETY_ANALYSIS { IndexVacancy(slot, add); });
}

MatchIndex::Applied MatchIndex::RemoveVacancy(absl::string_view vacancy_id, int64_t version) {
  absl::MutexLock lock(&mu_);
  return vacancies_.Remove(vacancy_id, version,
                           [this](uint32_t slot, bool add)
                               ABSL_NO_THREAD_SAFETY_ANALYSIS { IndexVacancy(slot, add); });
}

// ---------------------------------------------------------------------------
// Lookups

std::optional<WorkerRec> MatchIndex::GetWorker(absl::string_view worker_id) const {
  absl::ReaderMutexLock lock(&mu_);
  const WorkerRec* rec = workers_.Find(worker_id);
  if (rec == nullptr) return std::nullopt;
  return *rec;
}

std::optional<VacancyRec> MatchIndex::GetVacancy(absl::string_view vacancy_id) const {
  absl::ReaderMutexLock lock(&mu_);
  const VacancyRec* rec = vacancies_.Find(vacancy_id);
  if (rec == nullptr) return std::nullopt;
  return *rec;
}

int64_t MatchIndex::WorkerVersion(absl::string_view worker_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return workers_.Version(worker_id);
}

int64_t MatchIndex::VacancyVersion(absl::string_view vacancy_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return vacancies_.Version(vacancy_id);
}

std::optional<std::string> MatchIndex::WorkerByOpenid(absl::string_view openid) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = worker_by_openid_.find(openid);
  if (it == worker_by_openid_.end()) return std::nullopt;
  return workers_.records[it->second].id;
}

size_t MatchIndex::worker_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return workers_.slot_of.size();
}

size_t MatchIndex::vacancy_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return vacancies_.slot_of.size();
}

// ---------------------------------------------------------------------------
// Queries

int64_t MatchIndex::OtherPartsBound(int location_level, bool wage, int32_t freshness,
                                    bool certificate, bool bonus) const {
  static constexpr int32_t kLocationValue[] = {0, 250, 500, 750, 1000};
  const Weights& w = scorer_->weights();
  int64_t bound = int64_t{w.part[kLocation]} * kLocationValue[location_level] +
                  int64_t{w.part[kFreshness]} * freshness;
  if (wage) bound += int64_t{w.part[kWage]} * 1000;
  if (certificate) bound += int64_t{w.part[kCertificate]} * 1000;
  if (bonus) bound += (int64_t{w.part[kBrand]} + w.part[kReturnPlan]) * 1000;
  return bound;
}

absl::StatusOr<QueryResult> MatchIndex::TopWorkers(absl::string_view vacancy_id, int k,
                                                   const WorkerFilter& filter,
                                                   const QueryContext& ctx) const {
  if (k < 1) return absl::InvalidArgumentError("k must be at least 1");
  absl::ReaderMutexLock lock(&mu_);
  auto found = vacancies_.slot_of.find(vacancy_id);
  if (found == vacancies_.slot_of.end()) {
    return absl::NotFoundError(absl::StrCat("vacancy ", vacancy_id, " is not open or unknown"));
  }
  const VacancyRec& v = vacancies_.records[found->second];
  const Weights& weights = scorer_->weights();
  QueryResult result;
  // A veto of the vacancy itself vetoes every pair: nothing to scan.
  if (v.blacklisted || v.status != v1::VACANCY_STATUS_OPEN || v.remaining <= 0 ||
      (v.expires_at_s != 0 && v.expires_at_s <= ctx.now_s)) {
    return result;
  }
  Scan scan(k, workers_.slots());
  auto id_of = [this](uint32_t slot) -> const std::string& { return workers_.records[slot].id; };

  int location_level = ClosestLevel(worker_regions_, v.location);
  const int32_t freshness = scorer_->FreshnessValue(v.posted_at_s, ctx.now_s);
  // The labor brand whose branch holds the vacancy (the branches are disjoint).
  uint8_t brand_of_v = 0;
  for (uint8_t b = 1; b < 4; ++b) {
    if (OccMatchDepth(Scorer::BrandBranch(b), v.occupation) == 4) brand_of_v = b;
  }
  bool brand_possible = brand_of_v != 0 && !worker_by_brand_[brand_of_v].empty();
  // Returnees whose plan still counts (the return is at most
  // return_window_after_days ago), nearest return first: their return-plan
  // value never rises along the walk.
  auto returning_begin =
      worker_returning_local_.lower_bound(ctx.today - weights.return_window_after_days);
  auto returning_end = worker_returning_local_.end();
  bool bonus = brand_possible || (returning_begin != returning_end && v.location.level >= 3);
  int64_t others = OtherPartsBound(location_level, v.has_wage(), freshness, true, bonus);

  // Phases 1-3: skill agreement at 细类, 小类, 中类 depth, bounded per card.
  const auto& part = weights.part;
  const int64_t v_top = std::max(v.wage_min_fen, v.wage_max_fen);
  const int64_t v_offered = OfferedWage(v);
  const int64_t fixed = int64_t{part[kFreshness]} * freshness;
  const int64_t n_required = std::max<int64_t>(1, static_cast<int64_t>(v.required.size()));
  const OccCode v_minor = v.occupation == 0 ? 0 : OccPrefix(v.occupation, 3);
  // Scorer::StartDay from the card.
  auto card_start_day = [&](const WorkerCard& c) {
    Day start = c.available_from;
    if (c.planned_return != kNoDay && c.planned_return > ctx.today &&
        Scorer::InHomeCounty(Region{c.hukou, c.hukou_level}, v.location)) {
      start = std::max(start, c.planned_return);
    }
    return start;
  };
  // An upper bound of the score of the card's worker, or -1 when a veto is
  // certain (the worker is skipped).
  auto card_bound = [&](const WorkerCard& c, int64_t skill_value) -> int64_t {
    if (!v.certs.empty()) {
      if (!(c.flags & kCardCert)) return -1;
      if (!(c.flags & kCardManyCerts)) {
        // Each requirement naming an occupation needs a certificate in it.
        for (const CertReq& req : v.certs) {
          if (req.occupation != 0 && OccMatchDepth(req.occupation, c.cert_occupations[0]) != 4 &&
              OccMatchDepth(req.occupation, c.cert_occupations[1]) != 4) {
            return -1;
          }
        }
      }
    }
    switch (ctx.consent) {
      case ConsentNeed::kNone:
        break;
      case ConsentNeed::kWechat:
        if (!(c.flags & kCardWechat)) return -1;
        break;
      case ConsentNeed::kSms:
        if (!(c.flags & kCardSms)) return -1;
        break;
      case ConsentNeed::kAnyPush:
        if (!(c.flags & (kCardWechat | kCardSms))) return -1;
        break;
    }
    if (c.floor_fen > 0 && v.has_wage() && v_top < c.floor_fen) return -1;
    Region hukou{c.hukou, c.hukou_level};
    if (!(c.flags & kCardScopeOpen) && v.location.level != 0 &&
        !RegionWithin(Region{c.scope_area, c.scope_level}, v.location)) {
      return -1;
    }
    if (v.expires_day != kNoDay) {
      Day start = card_start_day(c);
      if (start != kNoDay && start > v.expires_day) return -1;
    }
    static constexpr int32_t kLocationValue[] = {0, 250, 500, 750, 1000};
    int level = std::max(SharedRegionLevel(v.location, hukou),
                         SharedRegionLevel(v.location, Region{c.current, c.current_level}));
    int64_t bound =
        part[kSkill] * skill_value + int64_t{part[kLocation]} * kLocationValue[level] + fixed;
    if (v.has_wage()) {
      bound += int64_t{part[kWage]} * WageBound(c.floor_fen, v_offered, weights.reference_wage_fen);
    }
    bool cert = !v.certs.empty() || (c.flags & kCardManyCerts);
    if (!cert && v_minor != 0) {
      cert = (c.cert_occupations[0] != 0 && OccMatchDepth(v_minor, c.cert_occupations[0]) == 4) ||
             (c.cert_occupations[1] != 0 && OccMatchDepth(v_minor, c.cert_occupations[1]) == 4);
    }
    if (cert) bound += int64_t{part[kCertificate]} * 1000;
    if (brand_of_v != 0 && c.brand == brand_of_v) bound += int64_t{part[kBrand]} * 1000;
    if ((c.flags & kCardReturning) && Scorer::InHomeCounty(hukou, v.location)) {
      bound += int64_t{part[kReturnPlan]} * scorer_->ReturnTimeValue(c.planned_return, ctx.today);
    }
    return bound;
  };
  // Scores the card's worker unless a veto is certain or its bound cannot
  // reach the top k.
  // The filters the card can decide.
  auto card_filtered_out = [&](const WorkerCard& c) {
    if (filter.township.level != 0 && !(Region{c.hukou, c.hukou_level} == filter.township)) {
      return true;
    }
    if (filter.status != 0 && c.status != filter.status) return true;
    if (filter.available_by != kNoDay) {
      Day start = card_start_day(c);
      if (start != kNoDay && start > filter.available_by) return true;
    }
    return false;
  };
  auto consider_card = [&](const WorkerCard& c, int64_t skill_value) {
    if (card_filtered_out(c)) return;
    int64_t bound = card_bound(c, skill_value);
    if (bound < 0) {
      scan.CountVeto();
      return;
    }
    if (scan.CanEnter(bound, c.id_key)) scan.Defer(bound, c.id_key, c.slot);
  };
  auto evaluate = [&](uint32_t slot) {
    const WorkerRec& w = workers_.records[slot];
    if (filter.Matches(w, v, ctx)) scan.Offer(scorer_->Evaluate(w, v, ctx), slot, id_of);
  };
  // Phases 4-5: candidates without skill credit, by slot.
  auto consider = [&](const std::vector<uint32_t>* list) {
    if (list == nullptr) return;
    for (uint32_t slot : *list) {
      if (scan.Visit(slot)) consider_card(worker_cards_[slot], 0);
    }
  };
  // The skill part from the card's skills: exactly what Evaluate computes.
  auto exact_skill = [&](const WorkerCard& c) {
    int64_t sum = 0;
    for (const SkillRec& req : v.required) {
      int32_t best = 0;
      for (int i = 0; i < c.skill_count; ++i) {
        best = std::max(best, scorer_->Credit(OccMatchDepth(req.code, c.skill_codes[i]), req.level,
                                              c.skill_levels[i]));
      }
      sum += best;
    }
    return sum / n_required;
  };
  auto consider_cards = [&](absl::Span<const WorkerCard> cards, int depth, const SkillRec& r) {
    const int64_t others = (n_required - 1) * scorer_->DepthCredit(depth);
    for (const WorkerCard& c : cards) {
      if (!scan.Visit(c.slot)) continue;
      if (c.skill_count != 255) {
        consider_card(c, v.required.empty() ? 0 : exact_skill(c));
        continue;
      }
      // Another skill matching less deeply but at a higher level may earn
      // more; the list's skills themselves earn at most their depth's credit.
      int64_t credit = scorer_->Credit(depth, r.level, c.level);
      if (c.flags & kCardOtherSkills)
        credit = std::max<int64_t>(credit, scorer_->DepthCredit(depth - 1));
      consider_card(c, (others + credit) / n_required);
    }
  };
  // An upper bound of every card in a group of a depth-`depth` list of
  // requirement `r` (what consider_cards and card_bound compute, from the
  // group's key and aggregates), or -1 when every card is vetoed or
  // filtered out. At depth < 4 a candidate not yet visited matches no
  // requirement more deeply (else an earlier phase visited it or dismissed
  // it by a bound below the K-th best), so other requirements earn at most
  // this depth's credit.
  static constexpr int32_t kGroupLocationValue[] = {0, 250, 500, 750, 1000};
  const int64_t reference_fen = weights.reference_wage_fen;
  // `key_credit[j]`: what requirement j (other than r) can credit a skill
  // under the list's key; `others_credit` their sum.
  auto group_bound = [&](const WorkerGroup& g, int depth, const SkillRec& r, int64_t others_credit,
                         const int32_t* key_credit) -> int64_t {
    const WorkerGroupKey& key = g.key;
    if (key.mixed) return std::numeric_limits<int64_t>::max();
    const Region hukou{key.hukou, key.hukou_level};
    if (filter.township.level != 0 && !(hukou == filter.township)) return -1;
    if (!v.certs.empty() && !(key.bits & kCardCert)) return -1;
    switch (ctx.consent) {
      case ConsentNeed::kNone:
        break;
      case ConsentNeed::kWechat:
        if (!(g.any & kCardWechat)) return -1;
        break;
      case ConsentNeed::kSms:
        if (!(g.any & kCardSms)) return -1;
        break;
      case ConsentNeed::kAnyPush:
        if (!(g.any & (kCardWechat | kCardSms))) return -1;
        break;
    }
    if (v.has_wage() && v_top < g.min_floor) return -1;
    int level = SharedRegionLevel(v.location, hukou);
    if (key.current_level != 0) {
      int shared = SharedRegionLevel(v.location, Region{key.current, key.current_level});
      if (key.current_cut && shared == key.current_level) shared = v.location.level;
      level = std::max(level, shared);
    }
    int64_t skill = 0;
    if (!v.required.empty()) {
      int64_t credit = scorer_->Credit(depth, r.level, key.level);
      if ((key.bits & kCardOtherSkills) && (g.any & kGroupManyOthers)) {
        credit = std::max<int64_t>(credit, scorer_->DepthCredit(depth - 1));
        others_credit = (n_required - 1) * scorer_->DepthCredit(depth);
      } else if (key.bits & kCardOtherSkills) {
        // Each requirement credits a card's best skill: one under the key
        // (as without other skills) or one of the group's other codes, at
        // most at its agreement's full credit (capped at this depth, as
        // for the key's skills).
        auto other_credit = [&](OccCode required) -> int32_t {
          // A held code agrees with the requirement to depth 4 when it lies
          // in the requirement's node (its first s segments), else on the
          // segments they share (2 or more for any credit).
          const int s = OccSegments(required);
          if (s < 2) return scorer_->DepthCredit(depth);
          if (g.other_bits & OtherSkillBit(required, s)) return scorer_->DepthCredit(depth);
          for (int n = std::min(s - 1, depth); n >= 2; --n) {
            if (g.other_bits & OtherSkillBit(required, n)) return scorer_->DepthCredit(n);
          }
          return 0;
        };
        credit = std::max<int64_t>(credit, other_credit(r.code));
        others_credit = 0;
        for (size_t j = 0; j < v.required.size(); ++j) {
          if (&v.required[j] == &r) continue;
          others_credit += std::max(key_credit[j], other_credit(v.required[j].code));
        }
      }
      skill = (others_credit + credit) / n_required;
    }
    int64_t bound =
        part[kSkill] * skill + int64_t{part[kLocation]} * kGroupLocationValue[level] + fixed;
    if (v.has_wage()) {
      // One above the card's bound: the floating-point rounding of a lower
      // floor cannot make it smaller.
      bound += int64_t{part[kWage]} *
               std::min<int32_t>(1000, WageBound(g.min_reference, v_offered, reference_fen) + 1);
    }
    if (!v.certs.empty() || (g.any & kGroupCertOccupation))
      bound += int64_t{part[kCertificate]} * 1000;
    if (brand_of_v != 0 && key.brand == brand_of_v) bound += int64_t{part[kBrand]} * 1000;
    // The group's returnees may plan any date: their highest value.
    if ((key.bits & kCardReturning) && Scorer::InHomeCounty(hukou, v.location)) {
      bound += int64_t{part[kReturnPlan]} * 1000;
    }
    return bound;
  };
  // What the walk needs of a group, so it touches only the cards.
  struct GroupRef {
    int64_t bound;
    const WorkerCard* cards;
    size_t size;
    const SkillRec* requirement;
  };
  static thread_local std::vector<GroupRef> groups;
  absl::InlinedVector<int32_t, 8> key_credit;
  bool done = false;
  for (int depth = 4; depth >= 2 && !done; --depth) {
    if (scan.Done(int64_t{weights.part[kSkill]} * scorer_->DepthCredit(depth) + others)) {
      done = true;
      break;
    }
    scan.Phase(5 - depth);
    // The groups of this depth's lists, best bound first: once the K-th
    // best is above a group's bound, it is above every later one's.
    groups.clear();
    for (const SkillRec& r : v.required) {
      int segments = OccSegments(r.code);
      const WorkerList* list = nullptr;
      if (depth == 4) {
        auto it = worker_skills_[segments].find(r.code);
        if (it != worker_skills_[segments].end()) list = &it->second;
      } else if (segments > depth) {
        auto it = worker_skills_[depth].find(OccPrefix(r.code, depth));
        if (it != worker_skills_[depth].end()) list = &it->second;
      }
      if (list == nullptr) continue;
      // What the other requirements can credit a worker whose skills all
      // lie under this list's key (groups without kCardOtherSkills): a
      // requirement agreeing with the key on fewer segments than the key
      // fixes credits exactly that agreement; one agreeing on all of them
      // up to this phase's depth.
      const OccCode list_key = depth == 4 ? r.code : OccPrefix(r.code, depth);
      const int key_segments = OccSegments(list_key);
      int64_t others_credit = 0;
      key_credit.assign(v.required.size(), 0);
      for (size_t j = 0; j < v.required.size(); ++j) {
        const SkillRec& other = v.required[j];
        if (&other == &r) continue;
        int m = OccMatchDepth(other.code, list_key);
        if (m == key_segments) m = depth;
        key_credit[j] = scorer_->DepthCredit(std::min(m, depth));
        others_credit += key_credit[j];
      }
      for (const WorkerGroup& g : list->groups) {
        int64_t bound = group_bound(g, depth, r, others_credit, key_credit.data());
        if (bound >= 0 && scan.CanEnter(bound)) {
          groups.push_back(GroupRef{bound, g.cards.data, g.cards.size, &r});
        }
      }
    }
    std::sort(groups.begin(), groups.end(),
              [](const GroupRef& a, const GroupRef& b) { return a.bound > b.bound; });
    // Groups are small and scattered: fetch the next ones' first cards
    // while this one is walked.
    constexpr size_t kAhead = 4;
    for (size_t i = 0; i < groups.size(); ++i) {
      const GroupRef& ref = groups[i];
      if (!scan.CanEnter(ref.bound)) break;
      if (i + kAhead < groups.size()) __builtin_prefetch(groups[i + kAhead].cards);
      consider_cards(absl::MakeConstSpan(ref.cards, ref.size), depth, *ref.requirement);
      scan.Drain(evaluate);
    }
    scan.Drain(evaluate);
  }
  // Phase 4: brand, returnees, certificate holders in the vacancy's 小类.
  if (!done && !scan.Done(others)) {
    scan.Phase(4);
    if (brand_of_v != 0) consider(&worker_by_brand_[brand_of_v]);
    if (v.location.level >= 3) {
      const int64_t without_plan =
          OtherPartsBound(location_level, v.has_wage(), freshness, true, false) +
          int64_t{part[kBrand]} * 1000;
      for (auto it = returning_begin; it != returning_end; ++it) {
        const int64_t plan =
            int64_t{part[kReturnPlan]} * scorer_->ReturnTimeValue(it->first, ctx.today);
        if (scan.Done(without_plan + plan)) break;  // later returns earn no more
        if (scan.Visit(it->second)) consider_card(worker_cards_[it->second], 0);
      }
    }
    if (v.certs.empty() && v.occupation != 0) {
      OccCode minor = OccPrefix(v.occupation, 3);
      consider(Find(worker_certs_.by_occ[OccSegments(minor)], minor));
    }
    scan.Drain(evaluate);
  } else {
    done = true;
  }
  // Phase 5: the rest score 0 on skill, brand and return plan, and on
  // certificates unless the vacancy requires some.
  if (!done && !scan.Done(OtherPartsBound(location_level, v.has_wage(), freshness, !v.certs.empty(),
                                          false))) {
    scan.Phase(5);
    const std::vector<uint32_t>* universe = nullptr;
    bool restricted = false;
    if (!v.certs.empty()) {
      // Only holders of the first required certificate can pass its veto.
      const CertReq& req = v.certs.front();
      if (req.occupation != 0) {
        universe = Find(worker_certs_.by_occ[OccSegments(req.occupation)], req.occupation);
        restricted = true;
      } else if (!req.name.empty()) {
        universe = Find(worker_cert_names_, req.name);
        restricted = true;
      }
    }
    if (restricted) {
      consider(universe);
    } else {
      // Every remaining worker, through the cards (one sequential pass).
      for (uint32_t slot = 0; slot < workers_.slots(); ++slot) {
        if (!workers_.live[slot]) continue;
        const WorkerCard& c = worker_cards_[slot];
        if ((filter.township.level != 0 &&
             (c.hukou != filter.township.padded || c.hukou_level != filter.township.level)) ||
            (filter.status != 0 && c.status != filter.status)) {
          continue;
        }
        if (scan.Visit(slot)) consider_card(c, 0);
      }
    }
    scan.Drain(evaluate);
  }

  scan.Finish(
      id_of,
      [&](const Scan::Entry& e) {
        return Hit{e.evaluation, workers_.records[e.slot], v};
      },
      &result);
  return result;
}

absl::StatusOr<QueryResult> MatchIndex::TopVacancies(absl::string_view worker_id, int k,
                                                     const VacancyFilter& filter,
                                                     const QueryContext& ctx) const {
  if (k < 1) return absl::InvalidArgumentError("k must be at least 1");
  absl::ReaderMutexLock lock(&mu_);
  auto found = workers_.slot_of.find(worker_id);
  if (found == workers_.slot_of.end()) {
    return absl::NotFoundError(absl::StrCat("worker ", worker_id, " is unknown"));
  }
  const WorkerRec& w = workers_.records[found->second];
  const Weights& weights = scorer_->weights();
  QueryResult result;
  if (!Scorer::ConsentGiven(w, ctx.consent)) return result;  // vetoes every pair
  Scan scan(k, vacancies_.slots());
  auto id_of = [this](uint32_t slot) -> const std::string& { return vacancies_.records[slot].id; };

  int location_level =
      std::max(ClosestLevel(vacancy_regions_, w.hukou), ClosestLevel(vacancy_regions_, w.current));
  bool has_certs = false;
  for (const CertRec& c : w.certs) {
    if (c.ValidOn(ctx.today)) has_certs = true;
  }
  const uint32_t held_cert_bits = HeldCertBits(w, ctx.today);
  // The return-plan value of a vacancy in the home county (0 for none).
  const int32_t return_value =
      Scorer::ReturnsForLocalJob(w) ? scorer_->ReturnTimeValue(w.planned_return, ctx.today) : 0;
  const bool returning = return_value > 0;
  bool bonus = Scorer::BrandBranch(w.brand) != 0 || returning;
  // Some vacancy may pay well above the floor and be posted today.
  int64_t others = OtherPartsBound(location_level, true, 1000, has_certs, bonus);

  // Phases 1-3, bounded per card.
  const auto& part = weights.part;
  const OccCode brand_branch = Scorer::BrandBranch(w.brand);
  absl::InlinedVector<OccCode, 4> cert_occupations;  // of valid certificates
  for (const CertRec& c : w.certs) {
    if (c.occupation != 0 && c.ValidOn(ctx.today)) {
      cert_occupations.push_back(c.occupation);
    }
  }
  const double per_second = 1000.0 / (static_cast<double>(weights.freshness_days) * 86400.0);
  auto card_bound = [&](const VacancyCard& c, int64_t skill_value) -> int64_t {
    if (c.flags & kCardDead) return -1;
    if (c.expires_at_s != 0 && c.expires_at_s <= ctx.now_s) return -1;
    if ((c.flags & kCardCert) && (!has_certs || (c.cert_bits & ~held_cert_bits) != 0)) return -1;
    bool has_wage = c.top_fen != 0;
    if (w.min_wage_fen > 0 && has_wage && c.top_fen < w.min_wage_fen &&
        c.top_fen != std::numeric_limits<uint32_t>::max()) {
      return -1;
    }
    Region location{c.location, c.location_level};
    if (!Scorer::InScope(w, location)) return -1;
    static constexpr int32_t kLocationValue[] = {0, 250, 500, 750, 1000};
    int level =
        std::max(SharedRegionLevel(location, w.hukou), SharedRegionLevel(location, w.current));
    int64_t bound =
        part[kSkill] * skill_value + int64_t{part[kLocation]} * kLocationValue[level] +
        int64_t{part[kFreshness]} * FreshnessBound(c.posted_at_s, ctx.now_s, per_second);
    if (has_wage) {
      int32_t wage = c.offered_fen == std::numeric_limits<uint32_t>::max()
                         ? 1000
                         : WageBound(w.min_wage_fen, c.offered_fen, weights.reference_wage_fen);
      bound += int64_t{part[kWage]} * wage;
    }
    bool cert = (c.flags & kCardCert) != 0;
    if (!cert && c.occupation != 0) {
      OccCode minor = OccPrefix(c.occupation, 3);
      for (OccCode held : cert_occupations) cert = cert || OccMatchDepth(minor, held) == 4;
    }
    if (cert) bound += int64_t{part[kCertificate]} * 1000;
    if (brand_branch != 0 && OccMatchDepth(brand_branch, c.occupation) == 4) {
      bound += int64_t{part[kBrand]} * 1000;
    }
    if (returning && Scorer::InHomeCounty(w, location)) {
      bound += int64_t{part[kReturnPlan]} * return_value;
    }
    return bound;
  };
  const std::vector<uint32_t>* fair_slots = nullptr;
  if (!filter.fair_id.empty()) {
    fair_slots = Find(vacancy_by_fair_, filter.fair_id);
    if (fair_slots != nullptr) {
      tls_fair_members.Begin(vacancies_.slots());
      for (uint32_t slot : *fair_slots) tls_fair_members.Set(slot);
    }
  }
  // The filters the card can decide.
  auto card_filtered_out = [&](const VacancyCard& c) {
    if (!filter.fair_id.empty() && (fair_slots == nullptr || !tls_fair_members.Has(c.slot))) {
      return true;
    }
    if (filter.region.level != 0 &&
        !RegionWithin(filter.region, Region{c.location, c.location_level})) {
      return true;
    }
    if (filter.occupation != 0 && OccMatchDepth(filter.occupation, c.occupation) != 4) return true;
    return filter.wage_floor_fen > 0 && c.top_fen != 0 && c.top_fen < filter.wage_floor_fen &&
           c.top_fen != std::numeric_limits<uint32_t>::max();
  };
  auto consider_card = [&](const VacancyCard& c, int64_t skill_value) {
    if (card_filtered_out(c)) return;
    int64_t bound = card_bound(c, skill_value);
    if (bound < 0) {
      scan.CountVeto();
      return;
    }
    if (scan.CanEnter(bound, c.id_key)) scan.Defer(bound, c.id_key, c.slot);
  };
  auto evaluate = [&](uint32_t slot) {
    const VacancyRec& v = vacancies_.records[slot];
    if (filter.Matches(v)) scan.Offer(scorer_->Evaluate(w, v, ctx), slot, id_of);
  };
  auto consider = [&](const std::vector<uint32_t>* list) {
    if (list == nullptr) return;
    for (uint32_t slot : *list) {
      if (scan.Visit(slot)) consider_card(vacancy_cards_[slot], 0);
    }
  };
  // A card list, bounded without skill credit (phases 4 and 5 come after
  // every skill list was walked).
  auto walk = [&](const std::vector<VacancyCard>* list) {
    if (list == nullptr) return;
    for (const VacancyCard& c : *list) {
      if (scan.Visit(c.slot)) consider_card(c, 0);
    }
  };
  // The worker's best level among skills sharing `key`'s first n segments.
  auto best_level = [&w](int n, OccCode key) {
    uint8_t best = 0;
    for (const SkillRec& s : w.skills) {
      if (OccPrefix(s.code, n) == key) best = std::max<uint8_t>(best, s.level == 0 ? 1 : s.level);
    }
    return best;
  };
  auto consider_cards = [&](const std::vector<VacancyCard>* cards, int depth, uint8_t held_level) {
    if (cards == nullptr) return;
    const int64_t credit = scorer_->DepthCredit(depth);
    for (const VacancyCard& c : *cards) {
      if (!scan.Visit(c.slot)) continue;
      int64_t n = std::max<int64_t>(1, c.requirements);
      int64_t own =
          std::max(scorer_->Credit(depth, c.level, held_level), scorer_->DepthCredit(depth - 1));
      consider_card(c, ((n - 1) * credit + own) / n);
    }
  };
  bool done = false;
  for (int depth = 4; depth >= 2 && !done; --depth) {
    if (scan.Done(int64_t{weights.part[kSkill]} * scorer_->DepthCredit(depth) + others)) {
      done = true;
      break;
    }
    scan.Phase(5 - depth);
    for (const SkillRec& s : w.skills) {
      if (depth == 4) {
        // Requirements given to n segments that agree with the skill's first n.
        for (int n = 1; n <= 4; ++n) {
          OccCode key = OccPrefix(s.code, n);
          consider_cards(FindCards(vacancy_reqs_[n], key), depth, best_level(n, key));
        }
      } else if (OccSegments(s.code) >= depth) {
        OccCode key = OccPrefix(s.code, depth);
        consider_cards(FindCards(vacancy_reqs_[0], PrefixKey(key, depth)), depth,
                       best_level(depth, key));
      }
    }
    scan.Drain(evaluate);
  }
  if (!done && !scan.Done(others)) {
    scan.Phase(4);
    OccCode branch = Scorer::BrandBranch(w.brand);
    if (branch != 0) consider(Find(vacancy_occ_.by_occ[OccSegments(branch)], branch));
    if (returning && w.hukou.level >= 3) {
      walk(FindCards(vacancy_by_region_, RegionKey(RegionPrefix(w.hukou, 3))));
    }
    for (const CertRec& c : w.certs) {
      if (c.occupation == 0 || !c.ValidOn(ctx.today)) continue;
      // Vacancies whose 小类 (or coarser occupation) covers the certificate.
      for (int n = 1; n <= 3; ++n)
        consider(Find(vacancy_occ_.by_occ[3], OccPrefix(c.occupation, n)));
    }
    scan.Drain(evaluate);
  } else {
    done = true;
  }
  // Vacancies requiring a certificate the worker holds can still score on
  // certificates in phase 5.
  bool cert_possible = has_certs && vacancies_with_certs_ > 0;
  if (!done && !scan.Done(OtherPartsBound(location_level, true, 1000, cert_possible, false))) {
    scan.Phase(5);
    // The area every vacancy that can pass lies in: the region filter's,
    // within the worker's accepted area when that is one region (vacancies
    // without a location pass any scope, so then it is not).
    Region area;
    bool empty = false;
    if (filter.region.level != 0) area = filter.region;
    const int scope_level = Scorer::ScopeLevel(w.scope);
    if (w.accepted_regions.empty() && w.scope != v1::LOCATION_SCOPE_LISTED_REGIONS &&
        scope_level > 0 && w.hukou.level >= scope_level && vacancies_without_location_ == 0) {
      const Region scope = RegionPrefix(w.hukou, scope_level);
      if (RegionWithin(area, scope)) {
        area = scope;
      } else if (!RegionWithin(scope, area)) {
        empty = true;  // the filter's region lies outside the accepted area
      }
    }
    // Cards by region, of the filter's 中类 when it names one (the filter
    // is then decided on the cards of that trade only).
    const OccCode trade =
        OccSegments(filter.occupation) >= 2 ? OccPrefix(filter.occupation, 2) : OccCode{0};
    auto region_cards = [&](Region region) -> const std::vector<VacancyCard>* {
      if (trade != 0) {
        return FindCards(vacancy_by_region_trade_, std::make_pair(RegionKey(region), trade));
      }
      return FindCards(vacancy_by_region_, RegionKey(region));
    };
    const bool everywhere = area.level == 0 && trade == 0;  // no list: every slot
    const std::vector<VacancyCard>* cards = everywhere ? nullptr : region_cards(area);
    if (!everywhere && cards == nullptr) empty = true;
    const size_t area_size = everywhere ? vacancies_.slots() : cards != nullptr ? cards->size() : 0;
    // A smaller slot list that holds everything that can pass: the fair's,
    // or a coarse (大类) occupation filter's.
    const std::vector<uint32_t>* slots = nullptr;
    if (!filter.fair_id.empty()) {
      slots = fair_slots;
      if (slots == nullptr) empty = true;
    }
    if (filter.occupation != 0 && trade == 0) {
      const auto* list =
          Find(vacancy_occ_.by_occ[OccSegments(filter.occupation)], filter.occupation);
      if (list == nullptr) empty = true;
      if (list != nullptr && (slots == nullptr || list->size() < slots->size())) slots = list;
    }
    if (slots != nullptr && slots->size() >= area_size) slots = nullptr;  // the walk is cheaper
    if (empty) {
      // nothing can pass
    } else if (slots != nullptr) {
      consider(slots);
    } else {
      // Location is the largest part left: walk the area nearest the
      // worker's hukou and current place first (same township, county,
      // city, province), and stop once the k-th best beats what a vacancy
      // farther away can reach. Workers without skills would otherwise
      // bound every vacancy of their county one by one.
      bool covered = false;  // the area's whole list has been walked
      for (int level = 4; level >= 1 && !covered; --level) {
        if (scan.Done(OtherPartsBound(std::min(level, location_level), true, 1000, cert_possible,
                                      false))) {
          done = true;
          break;
        }
        for (int i = 0; i < 2; ++i) {
          const Region home = i == 0 ? w.hukou : w.current;
          if (home.level < level) continue;
          const Region tier = RegionPrefix(home, level);
          if (i == 1 && w.hukou.level >= level &&
              RegionPrefix(w.hukou, level).padded == tier.padded) {
            continue;  // walked for the hukou
          }
          if (RegionWithin(area, tier)) {
            walk(region_cards(tier));
          } else if (RegionWithin(tier, area)) {
            walk(cards);  // everything left is in the area's list
            covered = true;
            break;
          }  // else the tier lies outside the area
        }
        scan.Drain(evaluate);
      }
      if (!covered && !done && !scan.Done(OtherPartsBound(0, true, 1000, cert_possible, false))) {
        if (!everywhere) {
          walk(cards);
        } else {
          for (uint32_t slot = 0; slot < vacancies_.slots(); ++slot) {
            if (vacancies_.live[slot] && scan.Visit(slot)) consider_card(vacancy_cards_[slot], 0);
          }
        }
      }
    }
    scan.Drain(evaluate);
  }

  scan.Finish(
      id_of,
      [&](const Scan::Entry& e) {
        return Hit{e.evaluation, w, vacancies_.records[e.slot]};
      },
      &result);
  return result;
}

absl::StatusOr<QueryResult> MatchIndex::BruteForceWorkers(absl::string_view vacancy_id, int k,
                                                          const WorkerFilter& filter,
                                                          const QueryContext& ctx) const {
  if (k < 1) return absl::InvalidArgumentError("k must be at least 1");
  absl::ReaderMutexLock lock(&mu_);
  auto found = vacancies_.slot_of.find(vacancy_id);
  if (found == vacancies_.slot_of.end()) {
    return absl::NotFoundError(absl::StrCat("vacancy ", vacancy_id, " is not open or unknown"));
  }
  const VacancyRec& v = vacancies_.records[found->second];
  Scan scan(k, 0);
  auto id_of = [this](uint32_t slot) -> const std::string& { return workers_.records[slot].id; };
  for (uint32_t slot = 0; slot < workers_.slots(); ++slot) {
    if (!workers_.live[slot]) continue;
    const WorkerRec& w = workers_.records[slot];
    if (!filter.Matches(w, v, ctx)) continue;
    scan.Offer(scorer_->Evaluate(w, v, ctx), slot, id_of);
  }
  QueryResult result;
  scan.Finish(
      id_of,
      [&](const Scan::Entry& e) {
        return Hit{e.evaluation, workers_.records[e.slot], v};
      },
      &result);
  return result;
}

absl::StatusOr<QueryResult> MatchIndex::BruteForceVacancies(absl::string_view worker_id, int k,
                                                            const VacancyFilter& filter,
                                                            const QueryContext& ctx) const {
  if (k < 1) return absl::InvalidArgumentError("k must be at least 1");
  absl::ReaderMutexLock lock(&mu_);
  auto found = workers_.slot_of.find(worker_id);
  if (found == workers_.slot_of.end()) {
    return absl::NotFoundError(absl::StrCat("worker ", worker_id, " is unknown"));
  }
  const WorkerRec& w = workers_.records[found->second];
  Scan scan(k, 0);
  auto id_of = [this](uint32_t slot) -> const std::string& { return vacancies_.records[slot].id; };
  for (uint32_t slot = 0; slot < vacancies_.slots(); ++slot) {
    if (!vacancies_.live[slot]) continue;
    const VacancyRec& v = vacancies_.records[slot];
    if (!filter.Matches(v)) continue;
    scan.Offer(scorer_->Evaluate(w, v, ctx), slot, id_of);
  }
  QueryResult result;
  scan.Finish(
      id_of,
      [&](const Scan::Entry& e) {
        return Hit{e.evaluation, w, vacancies_.records[e.slot]};
      },
      &result);
  return result;
}

}  // namespace labor::matching
