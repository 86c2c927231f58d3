// MatchIndex::TopVacancies: the open vacancies for one worker, in the
// phases match_index.h describes (skill depths over requirement lists, the
// bonus candidates, then the rest nearest first), each candidate bounded
// from its card (card_bounds.h) before it is scored.
#include <algorithm>
#include <limits>

#include "services/matching/match_query.h"

namespace labor::matching {

class MatchIndex::VacancyQuery {
 public:
  VacancyQuery(const MatchIndex& index, const WorkerRec& w, int k, const VacancyFilter& filter,
               const QueryContext& ctx);

  QueryResult Run();

 private:
  // Phases 1-3: requirements agreeing with the worker's skills at 细类,
  // 小类, 中类 depth. False when the K-th best beats everything left.
  bool SkillPhases();
  // Phase 4: the brand's branch, the home county of a returnee, vacancies
  // whose 小类 covers a certificate held.
  bool BonusPhase();
  // Phase 5: everything else that can pass the filters and the scope.
  void RestPhase();
  // The area every vacancy that can pass lies in: the region filter's,
  // within the worker's accepted area when that is one region (vacancies
  // without a location pass any scope, so then it is not). False when no
  // vacancy can pass.
  bool PassingArea(Region* area) const;
  // The walk of phase 5 by distance from the worker: the area nearest the
  // hukou and current place first (same township, county, city, province),
  // stopping once the k-th best beats what a farther vacancy can reach.
  void WalkNearestFirst(Region area, bool everywhere, const std::vector<VacancyCard>* cards);
  // Cards by region, of the filter's 中类 when it names one.
  const std::vector<VacancyCard>* RegionCards(Region region) const;
  int64_t Others(int location_level) const {
    return index_.OtherPartsBound(location_level, true, 1000, cert_possible_, false);
  }

  // The filters the card can decide.
  bool FilteredOut(const VacancyCard& c) const;
  void ConsiderCard(const VacancyCard& c, int64_t skill_value);
  void ConsiderSlots(const std::vector<uint32_t>* list);
  // A card list, bounded without skill credit (phases 4 and 5 come after
  // every skill list was walked).
  void Walk(const std::vector<VacancyCard>* list);
  void ConsiderCards(const std::vector<VacancyCard>* cards, int depth, uint8_t held_level);
  // The worker's best level among skills sharing `key`'s first n segments.
  uint8_t BestLevel(int n, OccCode key) const;
  void Evaluate(uint32_t slot);
  void Drain() {
    scan_.Drain([this](uint32_t slot) { Evaluate(slot); });
  }
  const std::string& IdOf(uint32_t slot) const { return index_.vacancies_.records[slot].id; }

  const MatchIndex& index_;
  const Scorer& scorer_;
  const WorkerRec& w_;
  const VacancyFilter& filter_;
  const QueryContext& ctx_;
  const VacancyCardBounds bounds_;
  Scan scan_;
  const int location_level_;
  // Vacancies requiring a certificate the worker holds can still score on
  // certificates in phase 5.
  const bool cert_possible_;
  // The fair the query is filtered by (its members are in tls_fair_members).
  const std::vector<uint32_t>* fair_slots_ = nullptr;
  // The filter's 中类 when it names one (phase 5 then walks that trade's
  // cards only).
  const OccCode trade_;
  int64_t others_ = 0;  // what everything but the skill part can reach
};

MatchIndex::VacancyQuery::VacancyQuery(const MatchIndex& index, const WorkerRec& w, int k,
                                       const VacancyFilter& filter, const QueryContext& ctx)
    : index_(index),
      scorer_(*index.scorer_),
      w_(w),
      filter_(filter),
      ctx_(ctx),
      bounds_(*index.scorer_, w, ctx),
      scan_(k, index.vacancies_.slots()),
      location_level_(std::max(index.ClosestLevel(index.vacancy_regions_, w.hukou),
                               index.ClosestLevel(index.vacancy_regions_, w.current))),
      cert_possible_(bounds_.has_certs() && index.vacancies_with_certs_ > 0),
      trade_(OccSegments(filter.occupation) >= 2 ? OccPrefix(filter.occupation, 2) : OccCode{0}) {
  const bool bonus = Scorer::BrandBranch(w.brand) != 0 || bounds_.return_value() > 0;
  // Some vacancy may pay well above the floor and be posted today.
  others_ = index.OtherPartsBound(location_level_, true, 1000, bounds_.has_certs(), bonus);
  if (!filter.fair_id.empty()) {
    fair_slots_ = Find(index.vacancy_by_fair_, filter.fair_id);
    if (fair_slots_ != nullptr) {
      tls_fair_members.Begin(index.vacancies_.slots());
      for (uint32_t slot : *fair_slots_) tls_fair_members.Set(slot);
    }
  }
}

QueryResult MatchIndex::VacancyQuery::Run() {
  if (SkillPhases() && BonusPhase()) RestPhase();
  QueryResult result;
  scan_.Finish([this](uint32_t slot) -> const std::string& { return IdOf(slot); },
               [&](const Scan::Entry& e) {
                 return Hit{e.evaluation, w_, index_.vacancies_.records[e.slot]};
               },
               &result);
  return result;
}

bool MatchIndex::VacancyQuery::FilteredOut(const VacancyCard& c) const {
  if (!filter_.fair_id.empty() && (fair_slots_ == nullptr || !tls_fair_members.Has(c.slot))) {
    return true;
  }
  if (filter_.region.level != 0 && !RegionWithin(filter_.region, c.location_region())) {
    return true;
  }
  if (filter_.occupation != 0 && OccMatchDepth(filter_.occupation, c.occupation) != 4) return true;
  return filter_.wage_floor_fen > 0 && c.top_fen != 0 && c.top_fen < filter_.wage_floor_fen &&
         c.top_fen != std::numeric_limits<uint32_t>::max();
}

void MatchIndex::VacancyQuery::ConsiderCard(const VacancyCard& c, int64_t skill_value) {
  if (!FilteredOut(c)) scan_.Consider(bounds_.Bound(c, skill_value), c.id_key, c.slot);
}

void MatchIndex::VacancyQuery::Evaluate(uint32_t slot) {
  const VacancyRec& v = index_.vacancies_.records[slot];
  if (filter_.Matches(v)) {
    scan_.Offer(scorer_.Evaluate(w_, v, ctx_), slot,
                [this](uint32_t s) -> const std::string& { return IdOf(s); });
  }
}

void MatchIndex::VacancyQuery::ConsiderSlots(const std::vector<uint32_t>* list) {
  if (list == nullptr) return;
  for (uint32_t slot : *list) {
    if (scan_.Visit(slot)) ConsiderCard(index_.vacancy_cards_[slot], 0);
  }
}

void MatchIndex::VacancyQuery::Walk(const std::vector<VacancyCard>* list) {
  if (list == nullptr) return;
  for (const VacancyCard& c : *list) {
    if (scan_.Visit(c.slot)) ConsiderCard(c, 0);
  }
}

uint8_t MatchIndex::VacancyQuery::BestLevel(int n, OccCode key) const {
  uint8_t best = 0;
  for (const SkillRec& s : w_.skills) {
    if (OccPrefix(s.code, n) == key) best = std::max<uint8_t>(best, s.level == 0 ? 1 : s.level);
  }
  return best;
}

void MatchIndex::VacancyQuery::ConsiderCards(const std::vector<VacancyCard>* cards, int depth,
                                             uint8_t held_level) {
  if (cards == nullptr) return;
  const int64_t credit = scorer_.DepthCredit(depth);
  for (const VacancyCard& c : *cards) {
    if (!scan_.Visit(c.slot)) continue;
    int64_t n = std::max<int64_t>(1, c.requirements);
    int64_t own =
        std::max(scorer_.Credit(depth, c.level, held_level), scorer_.DepthCredit(depth - 1));
    ConsiderCard(c, ((n - 1) * credit + own) / n);
  }
}

bool MatchIndex::VacancyQuery::SkillPhases() {
  for (int depth = 4; depth >= 2; --depth) {
    if (scan_.Done(int64_t{scorer_.weights().part[kSkill]} * scorer_.DepthCredit(depth) +
                   others_)) {
      return false;
    }
    scan_.Phase(5 - depth);
    for (const SkillRec& s : w_.skills) {
      if (depth == 4) {
        // Requirements given to n segments that agree with the skill's first n.
        for (int n = 1; n <= 4; ++n) {
          OccCode key = OccPrefix(s.code, n);
          ConsiderCards(FindCards(index_.vacancy_reqs_[n], key), depth, BestLevel(n, key));
        }
      } else if (OccSegments(s.code) >= depth) {
        OccCode key = OccPrefix(s.code, depth);
        ConsiderCards(FindCards(index_.vacancy_reqs_[0], PrefixKey(key, depth)), depth,
                      BestLevel(depth, key));
      }
    }
    Drain();
  }
  return true;
}

bool MatchIndex::VacancyQuery::BonusPhase() {
  if (scan_.Done(others_)) return false;
  scan_.Phase(4);
  OccCode branch = Scorer::BrandBranch(w_.brand);
  if (branch != 0) ConsiderSlots(Find(index_.vacancy_occ_.by_occ[OccSegments(branch)], branch));
  if (bounds_.return_value() > 0 && w_.hukou.level >= 3) {
    Walk(FindCards(index_.vacancy_by_region_, RegionKey(RegionPrefix(w_.hukou, 3))));
  }
  for (const CertRec& c : w_.certs) {
    if (c.occupation == 0 || !c.ValidOn(ctx_.today)) continue;
    // Vacancies whose 小类 (or coarser occupation) covers the certificate.
    for (int n = 1; n <= 3; ++n) {
      ConsiderSlots(Find(index_.vacancy_occ_.by_occ[3], OccPrefix(c.occupation, n)));
    }
  }
  Drain();
  return true;
}

const std::vector<VacancyCard>* MatchIndex::VacancyQuery::RegionCards(Region region) const {
  if (trade_ != 0) {
    return FindCards(index_.vacancy_by_region_trade_, std::make_pair(RegionKey(region), trade_));
  }
  return FindCards(index_.vacancy_by_region_, RegionKey(region));
}

bool MatchIndex::VacancyQuery::PassingArea(Region* area) const {
  if (filter_.region.level != 0) *area = filter_.region;
  const int scope_level = Scorer::ScopeLevel(w_.scope);
  if (Scorer::ScopeIsOneArea(w_) && scope_level > 0 && w_.hukou.level >= scope_level &&
      index_.vacancies_without_location_ == 0) {
    const Region scope = Scorer::ScopeArea(w_);
    if (RegionWithin(*area, scope)) {
      *area = scope;
    } else if (!RegionWithin(scope, *area)) {
      return false;  // the filter's region lies outside the accepted area
    }
  }
  return true;
}

void MatchIndex::VacancyQuery::RestPhase() {
  if (scan_.Done(Others(location_level_))) return;
  scan_.Phase(5);
  Region area;
  bool empty = !PassingArea(&area);
  const bool everywhere = area.level == 0 && trade_ == 0;  // no list: every slot
  const std::vector<VacancyCard>* cards = everywhere ? nullptr : RegionCards(area);
  if (!everywhere && cards == nullptr) empty = true;
  const size_t area_size = everywhere         ? index_.vacancies_.slots()
                           : cards != nullptr ? cards->size()
                                              : 0;
  // A smaller slot list that holds everything that can pass: the fair's,
  // or a coarse (大类) occupation filter's.
  const std::vector<uint32_t>* slots = nullptr;
  if (!filter_.fair_id.empty()) {
    slots = fair_slots_;
    if (slots == nullptr) empty = true;
  }
  if (filter_.occupation != 0 && trade_ == 0) {
    const auto* list =
        Find(index_.vacancy_occ_.by_occ[OccSegments(filter_.occupation)], filter_.occupation);
    if (list == nullptr) empty = true;
    if (list != nullptr && (slots == nullptr || list->size() < slots->size())) slots = list;
  }
  if (slots != nullptr && slots->size() >= area_size) slots = nullptr;  // the walk is cheaper
  if (empty) {
    // nothing can pass
  } else if (slots != nullptr) {
    ConsiderSlots(slots);
  } else {
    WalkNearestFirst(area, everywhere, cards);
  }
  Drain();
}

void MatchIndex::VacancyQuery::WalkNearestFirst(Region area, bool everywhere,
                                                const std::vector<VacancyCard>* cards) {
  // Location is the largest part left; workers without skills would
  // otherwise bound every vacancy of their county one by one.
  bool covered = false;  // the area's whole list has been walked
  for (int level = 4; level >= 1 && !covered; --level) {
    if (scan_.Done(Others(std::min(level, location_level_)))) return;
    for (int i = 0; i < 2; ++i) {
      const Region home = i == 0 ? w_.hukou : w_.current;
      if (home.level < level) continue;
      const Region tier = RegionPrefix(home, level);
      if (i == 1 && w_.hukou.level >= level &&
          RegionPrefix(w_.hukou, level).padded == tier.padded) {
        continue;  // walked for the hukou
      }
      if (RegionWithin(area, tier)) {
        Walk(RegionCards(tier));
      } else if (RegionWithin(tier, area)) {
        Walk(cards);  // everything left is in the area's list
        covered = true;
        break;
      }  // else the tier lies outside the area
    }
    Drain();
  }
  if (covered || scan_.Done(Others(0))) return;
  if (!everywhere) {
    Walk(cards);
    return;
  }
  const auto& vacancies = index_.vacancies_;
  for (uint32_t slot = 0; slot < vacancies.slots(); ++slot) {
    if (vacancies.live[slot] && scan_.Visit(slot)) ConsiderCard(index_.vacancy_cards_[slot], 0);
  }
}

absl::StatusOr<QueryResult> MatchIndex::TopVacancies(absl::string_view worker_id, int k,
                                                     const VacancyFilter& filter,
                                                     const QueryContext& ctx) const {
  absl::ReaderMutexLock lock(&mu_);
  absl::StatusOr<uint32_t> found = QueriedWorker(worker_id, k);
  if (!found.ok()) return found.status();
  const WorkerRec& w = workers_.records[*found];
  if (!Scorer::ConsentGiven(w, ctx.consent)) return QueryResult();  // vetoes every pair
  return VacancyQuery(*this, w, k, filter, ctx).Run();
}

}  // namespace labor::matching
