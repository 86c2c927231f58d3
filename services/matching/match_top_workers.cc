// MatchIndex::TopWorkers: the workers for one vacancy, in the phases
// match_index.h describes (skill depths over grouped worker lists, the
// bonus candidates, then the rest), each candidate bounded from its card
// (card_bounds.h) before it is scored.
#include <algorithm>
#include <limits>

#include "absl/types/span.h"
#include "services/matching/match_query.h"

namespace labor::matching {

class MatchIndex::WorkerQuery {
 public:
  WorkerQuery(const MatchIndex& index, const VacancyRec& v, int k, const WorkerFilter& filter,
              const QueryContext& ctx);

  QueryResult Run();

 private:
  // Phases 1-3: skill agreement at 细类, 小类, 中类 depth. False when the
  // K-th best already beats everything left.
  bool SkillPhases();
  struct GroupRef;
  // The groups of one depth's lists whose bound can still reach the top k.
  void CollectGroups(int depth, std::vector<GroupRef>* groups);
  // Phase 4: brand, returnees, certificate holders in the vacancy's 小类.
  bool BonusPhase();
  // Phase 5: the rest score 0 on skill, brand and return plan, and on
  // certificates unless the vacancy requires some.
  void RestPhase();

  // An upper bound of every card in a group of a depth-`depth` list of
  // requirement `r` (what ConsiderCards and the card bound compute, from
  // the group's key and aggregates), or -1 when every card is vetoed or
  // filtered out. At depth < 4 a candidate not yet visited matches no
  // requirement more deeply (else an earlier phase visited it or dismissed
  // it by a bound below the K-th best), so other requirements earn at most
  // this depth's credit. `key_credit[j]`: what requirement j (other than r)
  // can credit a skill under the list's key; `others_credit` their sum.
  int64_t GroupBound(const WorkerGroup& g, int depth, const SkillRec& r, int64_t others_credit,
                     const int32_t* key_credit) const;
  // The skill part bound of a group whose workers hold skills outside the
  // list's key.
  int64_t GroupSkillWithOthers(const WorkerGroup& g, int depth, const SkillRec& r,
                               const int32_t* key_credit) const;
  // What a requirement can credit one of the group's other skills.
  int32_t OtherCredit(const WorkerGroup& g, int depth, OccCode required) const;
  // The group's consents cannot satisfy the channel.
  bool GroupLacksConsent(const WorkerGroup& g) const;

  // The filters the card can decide.
  bool FilteredOut(const WorkerCard& c) const;
  // Defers the card's worker unless a veto is certain or its bound cannot
  // reach the top k.
  void ConsiderCard(const WorkerCard& c, int64_t skill_value);
  // Phases 4-5: candidates without skill credit, by slot.
  void ConsiderSlots(const std::vector<uint32_t>* list);
  void ConsiderCards(absl::Span<const WorkerCard> cards, int depth, const SkillRec& r);
  // The skill part from the card's skills: exactly what Evaluate computes.
  int64_t ExactSkill(const WorkerCard& c) const;
  void Evaluate(uint32_t slot);
  void Drain() {
    scan_.Drain([this](uint32_t slot) { Evaluate(slot); });
  }
  const std::string& IdOf(uint32_t slot) const { return index_.workers_.records[slot].id; }
  int64_t Others(bool certificate, bool bonus) const {
    return index_.OtherPartsBound(location_level_, v_.has_wage(), freshness_, certificate, bonus);
  }

  // What the walk needs of a group, so it touches only the cards.
  struct GroupRef {
    int64_t bound;
    const WorkerCard* cards;
    size_t size;
    const SkillRec* requirement;
  };

  const MatchIndex& index_;
  const Scorer& scorer_;
  const VacancyRec& v_;
  const WorkerFilter& filter_;
  const QueryContext& ctx_;
  const WorkerCardBounds bounds_;
  Scan scan_;
  const int location_level_;
  const int32_t freshness_;
  const int64_t n_required_;
  bool brand_possible_ = false;
  // Returnees whose plan still counts (the return is at most
  // return_window_after_days ago), nearest return first: their return-plan
  // value never rises along the walk.
  absl::btree_multimap<Day, uint32_t>::const_iterator returning_begin_;
  int64_t others_ = 0;  // what everything but the skill part can reach
};

MatchIndex::WorkerQuery::WorkerQuery(const MatchIndex& index, const VacancyRec& v, int k,
                                     const WorkerFilter& filter, const QueryContext& ctx)
    : index_(index),
      scorer_(*index.scorer_),
      v_(v),
      filter_(filter),
      ctx_(ctx),
      bounds_(*index.scorer_, v, ctx),
      scan_(k, index.workers_.slots()),
      location_level_(index.ClosestLevel(index.worker_regions_, v.location)),
      freshness_(index.scorer_->FreshnessValue(v.posted_at_s, ctx.now_s)),
      n_required_(std::max<int64_t>(1, static_cast<int64_t>(v.required.size()))) {
  brand_possible_ = bounds_.brand() != 0 && !index_.worker_by_brand_[bounds_.brand()].empty();
  returning_begin_ = index_.worker_returning_local_.lower_bound(
      ctx.today - scorer_.weights().return_window_after_days);
  const bool bonus = brand_possible_ || (returning_begin_ != index_.worker_returning_local_.end() &&
                                         v.location.level >= 3);
  others_ = Others(true, bonus);
}

QueryResult MatchIndex::WorkerQuery::Run() {
  if (SkillPhases() && BonusPhase()) RestPhase();
  QueryResult result;
  scan_.Finish([this](uint32_t slot) -> const std::string& { return IdOf(slot); },
               [&](const Scan::Entry& e) {
                 return Hit{e.evaluation, index_.workers_.records[e.slot], v_};
               },
               &result);
  return result;
}

bool MatchIndex::WorkerQuery::FilteredOut(const WorkerCard& c) const {
  if (filter_.township.level != 0 && !(c.hukou_region() == filter_.township)) return true;
  if (filter_.status != 0 && c.status != filter_.status) return true;
  if (filter_.available_by != kNoDay) {
    Day start = WorkerCardStartDay(c, v_.location, ctx_.today);
    if (start != kNoDay && start > filter_.available_by) return true;
  }
  return false;
}

void MatchIndex::WorkerQuery::ConsiderCard(const WorkerCard& c, int64_t skill_value) {
  if (!FilteredOut(c)) scan_.Consider(bounds_.Bound(c, skill_value), c.id_key, c.slot);
}

void MatchIndex::WorkerQuery::Evaluate(uint32_t slot) {
  const WorkerRec& w = index_.workers_.records[slot];
  if (filter_.Matches(w, v_, ctx_)) {
    scan_.Offer(scorer_.Evaluate(w, v_, ctx_), slot,
                [this](uint32_t s) -> const std::string& { return IdOf(s); });
  }
}

void MatchIndex::WorkerQuery::ConsiderSlots(const std::vector<uint32_t>* list) {
  if (list == nullptr) return;
  for (uint32_t slot : *list) {
    if (scan_.Visit(slot)) ConsiderCard(index_.worker_cards_[slot], 0);
  }
}

int64_t MatchIndex::WorkerQuery::ExactSkill(const WorkerCard& c) const {
  int64_t sum = 0;
  for (const SkillRec& req : v_.required) {
    int32_t best = 0;
    for (int i = 0; i < c.skill_count; ++i) {
      best = std::max(best, scorer_.Credit(OccMatchDepth(req.code, c.skill_codes[i]), req.level,
                                           c.skill_levels[i]));
    }
    sum += best;
  }
  return sum / n_required_;
}

void MatchIndex::WorkerQuery::ConsiderCards(absl::Span<const WorkerCard> cards, int depth,
                                            const SkillRec& r) {
  const int64_t others = (n_required_ - 1) * scorer_.DepthCredit(depth);
  for (const WorkerCard& c : cards) {
    if (!scan_.Visit(c.slot)) continue;
    if (c.skill_count != 255) {
      ConsiderCard(c, v_.required.empty() ? 0 : ExactSkill(c));
      continue;
    }
    // Another skill matching less deeply but at a higher level may earn
    // more; the list's skills themselves earn at most their depth's credit.
    int64_t credit = scorer_.Credit(depth, r.level, c.level);
    if (c.flags & kCardOtherSkills)
      credit = std::max<int64_t>(credit, scorer_.DepthCredit(depth - 1));
    ConsiderCard(c, (others + credit) / n_required_);
  }
}

bool MatchIndex::WorkerQuery::GroupLacksConsent(const WorkerGroup& g) const {
  // The group's consent flags are the OR of its cards': no card with them
  // can give the consent.
  return CardLacksConsent(g.any, ctx_.consent);
}

int32_t MatchIndex::WorkerQuery::OtherCredit(const WorkerGroup& g, int depth,
                                             OccCode required) const {
  // A held code agrees with the requirement to depth 4 when it lies in the
  // requirement's node (its first s segments), else on the segments they
  // share (2 or more for any credit).
  const int s = OccSegments(required);
  if (s < 2) return scorer_.DepthCredit(depth);
  if (g.other_bits & OtherSkillBit(required, s)) return scorer_.DepthCredit(depth);
  for (int n = std::min(s - 1, depth); n >= 2; --n) {
    if (g.other_bits & OtherSkillBit(required, n)) return scorer_.DepthCredit(n);
  }
  return 0;
}

int64_t MatchIndex::WorkerQuery::GroupSkillWithOthers(const WorkerGroup& g, int depth,
                                                      const SkillRec& r,
                                                      const int32_t* key_credit) const {
  // Each requirement credits a card's best skill: one under the key (as
  // without other skills) or one of the group's other codes, at most at its
  // agreement's full credit (capped at this depth, as for the key's skills).
  int64_t credit =
      std::max<int64_t>(scorer_.Credit(depth, r.level, g.key.level), OtherCredit(g, depth, r.code));
  int64_t others_credit = 0;
  for (size_t j = 0; j < v_.required.size(); ++j) {
    if (&v_.required[j] == &r) continue;
    others_credit += std::max(key_credit[j], OtherCredit(g, depth, v_.required[j].code));
  }
  return (others_credit + credit) / n_required_;
}

int64_t MatchIndex::WorkerQuery::GroupBound(const WorkerGroup& g, int depth, const SkillRec& r,
                                            int64_t others_credit,
                                            const int32_t* key_credit) const {
  const WorkerGroupKey& key = g.key;
  if (key.mixed) return std::numeric_limits<int64_t>::max();
  const Region hukou{key.hukou, key.hukou_level};
  if (filter_.township.level != 0 && !(hukou == filter_.township)) return -1;
  if (!v_.certs.empty() && !(key.bits & kCardCert)) return -1;
  if (GroupLacksConsent(g)) return -1;
  if (Scorer::WageTooLow(g.min_floor, bounds_.top())) return -1;  // the lowest floor's veto
  int level = SharedRegionLevel(v_.location, hukou);
  if (key.current_level != 0) {
    int shared = SharedRegionLevel(v_.location, Region{key.current, key.current_level});
    if (key.current_cut && shared == key.current_level) shared = v_.location.level;
    level = std::max(level, shared);
  }
  int64_t skill = 0;
  if (!v_.required.empty()) {
    if ((key.bits & kCardOtherSkills) && (g.any & kGroupManyOthers)) {
      int64_t credit = std::max<int64_t>(scorer_.Credit(depth, r.level, key.level),
                                         scorer_.DepthCredit(depth - 1));
      skill = ((n_required_ - 1) * scorer_.DepthCredit(depth) + credit) / n_required_;
    } else if (key.bits & kCardOtherSkills) {
      skill = GroupSkillWithOthers(g, depth, r, key_credit);
    } else {
      skill = (others_credit + scorer_.Credit(depth, r.level, key.level)) / n_required_;
    }
  }
  const auto& part = scorer_.weights().part;
  int64_t bound = part[kSkill] * skill + int64_t{part[kLocation]} * Scorer::LocationValue(level) +
                  bounds_.fixed();
  if (v_.has_wage()) {
    // One above the card's bound: the floating-point rounding of a lower
    // floor cannot make it smaller.
    bound += int64_t{part[kWage]} *
             std::min<int32_t>(1000, WageValueBound(g.min_reference, bounds_.offered(),
                                                    scorer_.weights().reference_wage_fen) +
                                         1);
  }
  if (!v_.certs.empty() || (g.any & kGroupCertOccupation))
    bound += int64_t{part[kCertificate]} * 1000;
  if (bounds_.brand() != 0 && key.brand == bounds_.brand()) bound += int64_t{part[kBrand]} * 1000;
  // The group's returnees may plan any date: their highest value.
  if ((key.bits & kCardReturning) && Scorer::InHomeCounty(hukou, v_.location)) {
    bound += int64_t{part[kReturnPlan]} * 1000;
  }
  return bound;
}

void MatchIndex::WorkerQuery::CollectGroups(int depth, std::vector<GroupRef>* groups) {
  absl::InlinedVector<int32_t, 8> key_credit;
  for (const SkillRec& r : v_.required) {
    int segments = OccSegments(r.code);
    const WorkerList* list = nullptr;
    if (depth == 4) {
      auto it = index_.worker_skills_[segments].find(r.code);
      if (it != index_.worker_skills_[segments].end()) list = &it->second;
    } else if (segments > depth) {
      auto it = index_.worker_skills_[depth].find(OccPrefix(r.code, depth));
      if (it != index_.worker_skills_[depth].end()) list = &it->second;
    }
    if (list == nullptr) continue;
    // What the other requirements can credit a worker whose skills all lie
    // under this list's key (groups without kCardOtherSkills): a
    // requirement agreeing with the key on fewer segments than the key
    // fixes credits exactly that agreement; one agreeing on all of them up
    // to this phase's depth.
    const OccCode list_key = depth == 4 ? r.code : OccPrefix(r.code, depth);
    const int key_segments = OccSegments(list_key);
    int64_t others_credit = 0;
    key_credit.assign(v_.required.size(), 0);
    for (size_t j = 0; j < v_.required.size(); ++j) {
      const SkillRec& other = v_.required[j];
      if (&other == &r) continue;
      int m = OccMatchDepth(other.code, list_key);
      if (m == key_segments) m = depth;
      key_credit[j] = scorer_.DepthCredit(std::min(m, depth));
      others_credit += key_credit[j];
    }
    for (const WorkerGroup& g : list->groups) {
      int64_t bound = GroupBound(g, depth, r, others_credit, key_credit.data());
      if (bound >= 0 && scan_.CanEnter(bound)) {
        groups->push_back(GroupRef{bound, g.cards.data, g.cards.size, &r});
      }
    }
  }
}

bool MatchIndex::WorkerQuery::SkillPhases() {
  static thread_local std::vector<GroupRef> groups;
  for (int depth = 4; depth >= 2; --depth) {
    if (scan_.Done(int64_t{scorer_.weights().part[kSkill]} * scorer_.DepthCredit(depth) +
                   others_)) {
      return false;
    }
    scan_.Phase(5 - depth);
    // The groups of this depth's lists, best bound first: once the K-th
    // best is above a group's bound, it is above every later one's.
    groups.clear();
    CollectGroups(depth, &groups);
    std::sort(groups.begin(), groups.end(),
              [](const GroupRef& a, const GroupRef& b) { return a.bound > b.bound; });
    // Groups are small and scattered: fetch the next ones' first cards
    // while this one is walked.
    constexpr size_t kAhead = 4;
    for (size_t i = 0; i < groups.size(); ++i) {
      const GroupRef& ref = groups[i];
      if (!scan_.CanEnter(ref.bound)) break;
      if (i + kAhead < groups.size()) __builtin_prefetch(groups[i + kAhead].cards);
      ConsiderCards(absl::MakeConstSpan(ref.cards, ref.size), depth, *ref.requirement);
      Drain();
    }
    Drain();
  }
  return true;
}

bool MatchIndex::WorkerQuery::BonusPhase() {
  if (scan_.Done(others_)) return false;
  scan_.Phase(4);
  const auto& part = scorer_.weights().part;
  if (bounds_.brand() != 0) ConsiderSlots(&index_.worker_by_brand_[bounds_.brand()]);
  if (v_.location.level >= 3) {
    const int64_t without_plan = Others(true, false) + int64_t{part[kBrand]} * 1000;
    for (auto it = returning_begin_; it != index_.worker_returning_local_.end(); ++it) {
      const int64_t plan =
          int64_t{part[kReturnPlan]} * scorer_.ReturnTimeValue(it->first, ctx_.today);
      if (scan_.Done(without_plan + plan)) break;  // later returns earn no more
      if (scan_.Visit(it->second)) ConsiderCard(index_.worker_cards_[it->second], 0);
    }
  }
  if (v_.certs.empty() && v_.occupation != 0) {
    OccCode minor = OccPrefix(v_.occupation, 3);
    ConsiderSlots(Find(index_.worker_certs_.by_occ[OccSegments(minor)], minor));
  }
  Drain();
  return true;
}

void MatchIndex::WorkerQuery::RestPhase() {
  if (scan_.Done(Others(!v_.certs.empty(), false))) return;
  scan_.Phase(5);
  if (!v_.certs.empty()) {
    // Only holders of the first required certificate can pass its veto.
    const CertReq& req = v_.certs.front();
    if (req.occupation != 0) {
      ConsiderSlots(Find(index_.worker_certs_.by_occ[OccSegments(req.occupation)], req.occupation));
      Drain();
      return;
    }
    if (!req.name.empty()) {
      ConsiderSlots(Find(index_.worker_cert_names_, req.name));
      Drain();
      return;
    }
  }
  // Every remaining worker, through the cards (one sequential pass).
  const auto& workers = index_.workers_;
  for (uint32_t slot = 0; slot < workers.slots(); ++slot) {
    if (!workers.live[slot]) continue;
    const WorkerCard& c = index_.worker_cards_[slot];
    if ((filter_.township.level != 0 &&
         (c.hukou != filter_.township.padded || c.hukou_level != filter_.township.level)) ||
        (filter_.status != 0 && c.status != filter_.status)) {
      continue;
    }
    if (scan_.Visit(slot)) ConsiderCard(c, 0);
  }
  Drain();
}

absl::StatusOr<QueryResult> MatchIndex::TopWorkers(absl::string_view vacancy_id, int k,
                                                   const WorkerFilter& filter,
                                                   const QueryContext& ctx) const {
  absl::ReaderMutexLock lock(&mu_);
  absl::StatusOr<uint32_t> found = QueriedVacancy(vacancy_id, k);
  if (!found.ok()) return found.status();
  const VacancyRec& v = vacancies_.records[*found];
  // A veto of the vacancy itself vetoes every pair: nothing to scan.
  if (Scorer::VacancyVeto(v, ctx.now_s) != Veto::kNone) return QueryResult();
  return WorkerQuery(*this, v, k, filter, ctx).Run();
}

}  // namespace labor::matching
