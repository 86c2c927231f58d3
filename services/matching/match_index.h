// The in-memory matching index: every open vacancy and every worker, with
// inverted lists that let a query score only the candidates that can still
// reach the top K, and exactly the same answer a brute-force scan gives.
//
// How a query stays exact. Candidates are visited in phases, each with an
// upper bound on the score of everything not visited yet:
//   1. pairs whose skills agree on the 细类 (or a coarser required node),
//   2. then on the 小类, 3. then on the 中类 (skill part at most 1000, 600,
//      300 of the weight);
//   4. the "bonus" candidates: the labor brand's branch, returnees' home
//      county, holders of a certificate in the vacancy's 小类;
//   5. everything else, whose skill, brand, return-plan (and, where no
//      certificate can apply, certificate) parts are 0.
// Before each phase, when the K-th best score found so far is above the
// bound of everything left, the query stops. Within phases 1-3 the skill
// lists hold compact "cards" (location, wage floor or offer, level, flags)
// from which a per-candidate bound is computed without touching the full
// record; a candidate is scored only when its bound can still reach the
// K-th best. The bounds use the weights and
// what is knowable without scoring (the vacancy's freshness, whether it
// states a wage, the closest region any candidate has). Phase 5 falls back
// to scoring every remaining candidate when the bound does not stop it.
// Filters narrow the phase-5 universe through per-value lists.
//
// The cards, their vetoes and bounds are card_bounds.h's (each built on the
// scorer's own rule); the two query directions are classes of their own,
// one phase a function (match_top_workers.cc, match_top_vacancies.cc).
//
// Thread-safe: queries share a reader lock; updates take the writer lock.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "services/matching/card_bounds.h"
#include "services/matching/match_model.h"
#include "services/matching/scorer.h"

namespace labor::matching {

// RecommendVacancies' optional filters (applied before scoring).
struct VacancyFilter {
  Region region;               // the vacancy lies within (none = any)
  OccCode occupation = 0;      // the vacancy's occupation lies in this branch
  int64_t wage_floor_fen = 0;  // a stated wage whose top is below is dropped
  std::string fair_id;
  bool Matches(const VacancyRec& v) const;
};

// RecommendWorkers' optional filters.
struct WorkerFilter {
  Region township;            // hukou township equals
  uint8_t status = 0;         // employment status equals (0 = any)
  Day available_by = kNoDay;  // can start by this day
  bool Matches(const WorkerRec& w, const VacancyRec& v, const QueryContext& ctx) const;
};

struct Hit {
  Evaluation evaluation;
  WorkerRec worker;  // copies, for explanations outside the lock
  VacancyRec vacancy;
};

struct QueryResult {
  std::vector<Hit> hits;   // best first
  int64_t considered = 0;  // pairs scored (vetoes checked)
  int64_t vetoed = 0;
  int64_t evaluated = 0;  // pairs fully scored (the rest were dismissed by their bound)
  int64_t reached = 0;    // candidates whose card was looked at (groups skipped whole are not)
  // Pairs scored in each phase (1-3 skill depths, 4 bonus, 5 the rest):
  // where a query's time went (benchmarks, metrics).
  std::array<int64_t, 6> considered_by_phase{};
};

struct MatchIndexOptions {
  // A worker skill list with at least this many cards is split into groups
  // of cards that share their static bound classes (see WorkerList); a
  // shorter list is one group that every query walks.
  size_t group_min_cards = 1024;
};

class MatchIndex {
 public:
  explicit MatchIndex(const Scorer* scorer, MatchIndexOptions options = {})
      : scorer_(scorer), options_(options) {}
  MatchIndex(const MatchIndex&) = delete;
  MatchIndex& operator=(const MatchIndex&) = delete;

  enum class Applied { kApplied, kStale };
  // Adds or replaces a worker when `worker.version` is newer than what the
  // index holds or has removed; an older or equal version is kStale (events
  // are at-least-once and may come twice or late).
  Applied UpsertWorker(WorkerRec worker);
  // Removes a worker (erasure) as of `version`; later upserts below or at
  // that version are stale. kStale when the index knows a newer version.
  Applied RemoveWorker(absl::string_view worker_id, int64_t version);
  // As UpsertWorker. A vacancy that is no longer open is removed (kept as a
  // version tombstone), since no query can return it.
  Applied UpsertVacancy(VacancyRec vacancy);
  Applied RemoveVacancy(absl::string_view vacancy_id, int64_t version);

  std::optional<WorkerRec> GetWorker(absl::string_view worker_id) const;
  std::optional<VacancyRec> GetVacancy(absl::string_view vacancy_id) const;
  // The version the index holds or removed at; 0 when never seen.
  int64_t WorkerVersion(absl::string_view worker_id) const;
  int64_t VacancyVersion(absl::string_view vacancy_id) const;
  // The worker bound to a WeChat openid, if any.
  std::optional<std::string> WorkerByOpenid(absl::string_view openid) const;

  // The k best open vacancies for a worker. NOT_FOUND for an unknown worker;
  // INVALID_ARGUMENT for k < 1.
  absl::StatusOr<QueryResult> TopVacancies(absl::string_view worker_id, int k,
                                           const VacancyFilter& filter,
                                           const QueryContext& ctx) const;
  // The k best workers for a vacancy.
  absl::StatusOr<QueryResult> TopWorkers(absl::string_view vacancy_id, int k,
                                         const WorkerFilter& filter, const QueryContext& ctx) const;
  // The same answers by scoring every candidate (the reference the exactness
  // test and the benchmark compare with).
  absl::StatusOr<QueryResult> BruteForceVacancies(absl::string_view worker_id, int k,
                                                  const VacancyFilter& filter,
                                                  const QueryContext& ctx) const;
  absl::StatusOr<QueryResult> BruteForceWorkers(absl::string_view vacancy_id, int k,
                                                const WorkerFilter& filter,
                                                const QueryContext& ctx) const;

  size_t worker_count() const;
  size_t vacancy_count() const;

 private:
  struct Lists {
    // Keyed by an occupation prefix: OccPrefix(code, n) for n = 1..4.
    absl::flat_hash_map<OccCode, std::vector<uint32_t>> by_occ[5];
  };
  template <typename Card>
  using CardLists = absl::flat_hash_map<OccCode, std::vector<Card>>;

  // A worker group's cards, in CardArena memory (owned by the group's list;
  // released through the arena).
  struct CardRun {
    WorkerCard* data = nullptr;
    uint32_t size = 0;
    uint32_t capacity = 0;
    WorkerCard* begin() const { return data; }
    WorkerCard* end() const { return data + size; }
    bool empty() const { return size == 0; }
  };
  // Memory for the groups' cards, apart from the general heap: small runs
  // come from 1 MiB slabs with a free list per size. Runs grow one card at
  // a time while small, and freed runs would otherwise be scattered holes
  // the records' own small allocations fill, so that consecutive records
  // no longer lie together (which slows every scan of the records).
  class CardArena {
   public:
    CardArena() = default;
    CardArena(const CardArena&) = delete;
    CardArena& operator=(const CardArena&) = delete;
    ~CardArena();
    // Grows `run` to hold at least one more card.
    void Grow(CardRun* run);
    void Release(CardRun* run);

   private:
    static constexpr uint32_t kSmall = 64;  // runs of up to this many cards
    WorkerCard* Allocate(uint32_t n);
    void Free(WorkerCard* data, uint32_t n);
    std::vector<void*> free_[kSmall + 1];
    std::vector<std::unique_ptr<char[]>> slabs_;
    size_t slab_used_ = 0;
    absl::flat_hash_set<WorkerCard*> large_;
  };

  // What the cards of a worker skill list's group share, independent of any
  // query: where the worker is (hukou as given; the current location when
  // it differs from the hukou, exact within the hukou's county and cut to
  // the city outside it), the level class under the list's key, whether the
  // worker holds certificates, is a local-job returnee, and the brand. A
  // query bounds a group from its key and aggregates, so whole groups whose
  // bound cannot reach the K-th best are skipped (the pruning stops inside
  // a list instead of bounding every card).
  struct WorkerGroupKey {
    uint32_t hukou = 0;
    uint32_t current = 0;
    uint8_t hukou_level = 0;
    uint8_t current_level = 0;  // 0: no current location apart from the hukou
    uint8_t current_cut = 0;    // 1: the worker's current location may be deeper
    uint8_t level = 0;          // the highest level of the card's level class
    uint8_t bits = 0;           // kCardCert | kCardReturning
    uint8_t brand = 0;
    uint8_t mixed = 0;  // 1: an ungrouped list (no static bound)
    bool operator==(const WorkerGroupKey&) const = default;
    template <typename H>
    friend H AbslHashValue(H h, const WorkerGroupKey& k) {
      return H::combine(std::move(h), k.hukou, k.current, k.hukou_level, k.current_level,
                        k.current_cut, k.level, k.bits, k.brand, k.mixed);
    }
  };
  struct WorkerGroup {
    WorkerGroupKey key;
    // Over the cards (recomputed when one leaves): the lowest wage floor
    // (0 when some worker has none), the lowest floor the wage part is
    // computed against (the floor, or the reference wage without one), and
    // the OR of the cards' kCardWechat | kCardSms | kCardOtherSkills |
    // kCardManyCerts flags plus kGroupCertOccupation.
    uint32_t min_floor = 0;
    uint32_t min_reference = 0;
    uint8_t any = 0;
    // The cards' skills outside the list's key, as hashed bits of their 中类,
    // 小类 and 细类 prefixes (OtherSkillBits; a card holding more skills than
    // it lists sets kGroupManyOthers in `any`): a requirement whose prefix
    // bit is clear agrees with none of them that deeply, which bounds what
    // other requirements can credit a card of the group.
    uint64_t other_bits = 0;
    CardRun cards;
  };
  struct WorkerList {
    std::vector<WorkerGroup> groups;
    absl::flat_hash_map<WorkerGroupKey, uint32_t> group_of;  // grouped lists: index in groups
    size_t size = 0;
    bool grouped = false;
  };
  // One query of each direction (match_top_workers.cc,
  // match_top_vacancies.cc): the phases of the walk over the lists.
  class WorkerQuery;
  class VacancyQuery;

  // Records by slot, their ids, free slots and the versions of removed ids:
  // the bookkeeping workers and vacancies share. `index(slot, add)` keeps
  // the caller's lists in step with a slot's record.
  template <typename Rec>
  struct RecordTable {
    std::vector<Rec> records;
    std::vector<uint8_t> live;
    std::vector<uint32_t> free;
    absl::flat_hash_map<std::string, uint32_t> slot_of;
    absl::flat_hash_map<std::string, int64_t> removed;

    size_t slots() const { return records.size(); }
    const Rec* Find(absl::string_view id) const {
      auto it = slot_of.find(id);
      return it == slot_of.end() ? nullptr : &records[it->second];
    }
    // The version held or removed at; 0 when never seen.
    int64_t Version(absl::string_view id) const {
      if (const Rec* rec = Find(id)) return rec->version;
      auto it = removed.find(id);
      return it == removed.end() ? 0 : it->second;
    }
    template <typename Index>
    Applied Upsert(Rec rec, const Index& index) {
      auto gone = removed.find(rec.id);
      if (gone != removed.end()) {
        if (rec.version <= gone->second) return Applied::kStale;
        removed.erase(gone);
      }
      if (auto it = slot_of.find(rec.id); it != slot_of.end()) {
        uint32_t slot = it->second;
        if (rec.version <= records[slot].version) return Applied::kStale;
        index(slot, false);
        records[slot] = std::move(rec);
        index(slot, true);
        return Applied::kApplied;
      }
      uint32_t slot;
      if (!free.empty()) {
        slot = free.back();
        free.pop_back();
        records[slot] = std::move(rec);
        live[slot] = 1;
      } else {
        slot = static_cast<uint32_t>(records.size());
        records.push_back(std::move(rec));
        live.push_back(1);
      }
      slot_of.emplace(records[slot].id, slot);
      index(slot, true);
      return Applied::kApplied;
    }
    template <typename Index>
    Applied Remove(absl::string_view id, int64_t version, const Index& index) {
      auto gone = removed.find(id);
      if (gone != removed.end() && version <= gone->second) return Applied::kStale;
      if (auto it = slot_of.find(id); it != slot_of.end()) {
        uint32_t slot = it->second;
        if (version <= records[slot].version) return Applied::kStale;
        index(slot, false);
        slot_of.erase(it);
        records[slot] = Rec();
        live[slot] = 0;
        free.push_back(slot);
      }
      removed[std::string(id)] = version;
      return Applied::kApplied;
    }
  };

  WorkerGroupKey GroupKeyOf(const WorkerCard& card) const;
  // Folds a card into its group's aggregates; `segments` and `key` name the
  // list (a card's skills outside it are the group's "others").
  void Absorb(WorkerGroup* group, const WorkerCard& card, bool first, int segments,
              OccCode key) const;
  void AddToGroup(WorkerGroup* group, const WorkerCard& card, int segments, OccCode key)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EditWorkerList(int segments, OccCode key, const WorkerCard& card, bool add)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  void IndexWorker(uint32_t slot, bool add) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void IndexVacancy(uint32_t slot, bool add) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Location level counts: how many workers (hukou or current) or vacancies
  // lie in each region prefix, for the location bound.
  void CountRegion(absl::flat_hash_map<uint64_t, int32_t>* counts, Region region, int delta)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  int ClosestLevel(const absl::flat_hash_map<uint64_t, int32_t>& counts, Region region) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The slot of an open vacancy / a known worker a query of `k` results is
  // about: INVALID_ARGUMENT for k < 1, NOT_FOUND for an unknown id.
  absl::StatusOr<uint32_t> QueriedVacancy(absl::string_view vacancy_id, int k) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::StatusOr<uint32_t> QueriedWorker(absl::string_view worker_id, int k) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  int64_t OtherPartsBound(int location_level, bool wage, int32_t freshness, bool certificate,
                          bool bonus) const;

  const Scorer* scorer_;
  const MatchIndexOptions options_;
  mutable absl::Mutex mu_;

  CardArena card_arena_ ABSL_GUARDED_BY(mu_);
  RecordTable<WorkerRec> workers_ ABSL_GUARDED_BY(mu_);
  std::vector<WorkerCard> worker_cards_ ABSL_GUARDED_BY(mu_);  // by slot, for phases 4-5
  absl::flat_hash_map<std::string, uint32_t> worker_by_openid_ ABSL_GUARDED_BY(mu_);
  // By prefix of n segments.
  absl::flat_hash_map<OccCode, WorkerList> worker_skills_[5] ABSL_GUARDED_BY(mu_);
  Lists worker_certs_ ABSL_GUARDED_BY(mu_);  // certificate occupations
  absl::flat_hash_map<std::string, std::vector<uint32_t>> worker_cert_names_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> worker_by_brand_[4] ABSL_GUARDED_BY(mu_);
  // Returnees wanting a local job, by planned return day: only those whose
  // window contains the query's day can earn the return-plan part.
  absl::btree_multimap<Day, uint32_t> worker_returning_local_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, int32_t> worker_regions_ ABSL_GUARDED_BY(mu_);

  RecordTable<VacancyRec> vacancies_ ABSL_GUARDED_BY(mu_);
  std::vector<VacancyCard> vacancy_cards_ ABSL_GUARDED_BY(mu_);
  // Requirements given to exactly n segments, keyed by the requirement ([n]),
  // and n-segment prefixes of finer requirements ([0], PrefixKey).
  CardLists<VacancyCard> vacancy_reqs_[5] ABSL_GUARDED_BY(mu_);
  Lists vacancy_occ_ ABSL_GUARDED_BY(mu_);  // the vacancy's occupation
  // By RegionKey of each level of the location.
  absl::flat_hash_map<uint64_t, std::vector<VacancyCard>> vacancy_by_region_ ABSL_GUARDED_BY(mu_);
  // By (RegionKey of each level of the location and of no region, the
  // occupation's 中类): a query filtered to a 中类 or finer walks its own
  // trade's cards near the worker instead of every trade's.
  absl::flat_hash_map<std::pair<uint64_t, OccCode>, std::vector<VacancyCard>>
      vacancy_by_region_trade_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::vector<uint32_t>> vacancy_by_fair_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, int32_t> vacancy_regions_ ABSL_GUARDED_BY(mu_);
  int64_t vacancies_with_certs_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t vacancies_without_location_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace labor::matching
