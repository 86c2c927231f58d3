// The card bounds against the scorer over many random pairs: a card veto
// must never exclude a pair Evaluate accepts, and no bound may be below
// the part or score Evaluate computes. A change to a veto or part in
// scorer.cc that the cards do not follow fails here.
#include "services/matching/card_bounds.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/services/matching/match_fixture.h"
#include "tests/services/matching/random_city.h"

namespace labor::matching {
namespace {

using namespace labor::matching::testing;  // NOLINT: fixture helpers

constexpr ConsentNeed kConsents[] = {ConsentNeed::kNone, ConsentNeed::kWechat, ConsentNeed::kSms,
                                     ConsentNeed::kAnyPush};

// Random records, with the corners the cards cap or leave open: no
// location, wages above the cards' 32-bit range, huge minimums.
std::vector<WorkerRec> Workers(RandomCity* city, int n) {
  std::vector<WorkerRec> out;
  for (int i = 0; i < n; ++i) {
    WorkerRec w = W(city->Worker(i));
    if (city->Chance(0.03)) w.min_wage_fen = int64_t{1} << 33;
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<VacancyRec> Vacancies(RandomCity* city, int n) {
  std::vector<VacancyRec> out;
  for (int i = 0; i < n; ++i) {
    VacancyRec v = V(city->Vacancy(i));
    if (city->Chance(0.05)) v.location = Region{};
    if (city->Chance(0.03)) v.wage_max_fen = int64_t{1} << 34;
    if (city->Chance(0.05)) v.expires_day = kNoDay;
    out.push_back(std::move(v));
  }
  return out;
}

// Failures are collected so that one broken rule reports a few pairs, not
// thousands.
struct Failures {
  std::vector<std::string> lines;
  int64_t count = 0;
  void Check(bool ok, const WorkerRec& w, const VacancyRec& v, ConsentNeed need,
             absl::string_view what) {
    if (ok) return;
    ++count;
    if (lines.size() < 10) {
      lines.push_back(absl::StrCat(what, " for ", w.id, " x ", v.id, " (consent ",
                                   static_cast<int>(need), ")"));
    }
  }
};

TEST(CardBoundsTest, NoBoundExcludesOrUnderratesAPairTheScorerAccepts) {
  const Scorer scorer{Weights{}};
  const Weights& weights = scorer.weights();
  const double per_second = 1000.0 / (static_cast<double>(weights.freshness_days) * 86400.0);
  RandomCity city(16);
  const std::vector<WorkerRec> workers = Workers(&city, 300);
  const std::vector<VacancyRec> vacancies = Vacancies(&city, 300);
  Failures failures;
  int64_t accepted = 0, vetoed = 0, card_vetoed = 0;
  for (ConsentNeed need : kConsents) {
    const QueryContext ctx = MakeContext(TestNow(), need);
    std::vector<VacancyCardBounds> by_worker;
    by_worker.reserve(workers.size());
    for (const WorkerRec& w : workers) by_worker.emplace_back(scorer, w, ctx);
    for (const VacancyRec& v : vacancies) {
      const WorkerCardBounds worker_bounds(scorer, v, ctx);
      const VacancyCard vc = MakeVacancyCard(v, 0, 4, 0);
      for (size_t i = 0; i < workers.size(); ++i) {
        const WorkerRec& w = workers[i];
        const VacancyCardBounds& vacancy_bounds = by_worker[i];
        const WorkerCard wc = MakeWorkerCard(w, 0, 0, 0);
        const Evaluation e = scorer.Evaluate(w, v, ctx);
        if (worker_bounds.Vetoed(wc) || vacancy_bounds.Vetoed(vc)) ++card_vetoed;
        if (e.veto != Veto::kNone) {
          ++vetoed;
          continue;
        }
        ++accepted;
        auto check = [&](bool ok, absl::string_view what) { failures.Check(ok, w, v, need, what); };
        // Each veto, by name.
        check(!CardLacksConsent(wc.flags, need), "consent veto");
        check(!WorkerCardLacksCertificate(wc, v), "worker-card certificate veto");
        check(!VacancyCardLacksCertificate(vc, vacancy_bounds.has_certs(),
                                           HeldCertBits(w, ctx.today)),
              "vacancy-card certificate veto");
        const int64_t top = v.has_wage() ? std::max(v.wage_min_fen, v.wage_max_fen) : 0;
        check(!WorkerCardWageTooLow(wc, top), "worker-card wage veto");
        check(!VacancyCardWageTooLow(vc, w.min_wage_fen), "vacancy-card wage veto");
        check(!WorkerCardOutOfScope(wc, v.location), "scope veto");
        check(!WorkerCardStartsTooLate(wc, v.location, v.expires_day, ctx.today),
              "availability veto");
        check(!VacancyCardClosed(vc, ctx.now_s), "closed-vacancy veto");
        // Each part bound.
        if (v.has_wage()) {
          check(WageValueBound(w.min_wage_fen, OfferedWage(v), weights.reference_wage_fen) >=
                    e.values[kWage],
                "wage bound");
        }
        check(FreshnessValueBound(v.posted_at_s, ctx.now_s, per_second) >= e.values[kFreshness],
              "freshness bound");
        check(Scorer::LocationValue(v.location, wc.hukou_region(), wc.current_region()) >=
                  e.values[kLocation],
              "location bound");
        const OccCode minor = v.occupation == 0 ? 0 : OccPrefix(v.occupation, 3);
        check(e.values[kCertificate] == 0 ||
                  WorkerCardMayEarnCertificate(wc, !v.certs.empty(), minor),
              "worker-card certificate bound");
        check(e.values[kBrand] == 0 || BrandOf(v.occupation) == w.brand, "brand bound");
        check(WorkerCardReturnValue(scorer, wc, v.location, ctx.today) >= e.values[kReturnPlan],
              "return-plan bound");
        // The whole card, from either side, at the pair's own skill part,
        // for the phase cards and for every skill list the worker is in.
        const int64_t skill = e.values[kSkill];
        check(worker_bounds.Bound(wc, skill) >= e.score, "worker card bound");
        check(vacancy_bounds.Bound(vc, skill) >= e.score, "vacancy card bound");
        for (const SkillRec& s : w.skills) {
          for (int n = 1; n <= 4; ++n) {
            const WorkerCard listed = MakeWorkerCard(w, 0, n, OccPrefix(s.code, n));
            check(worker_bounds.Bound(listed, skill) >= e.score, "listed worker card bound");
          }
        }
        for (const SkillRec& r : v.required) {
          const VacancyCard listed = MakeVacancyCard(v, 0, OccSegments(r.code), r.code);
          check(vacancy_bounds.Bound(listed, skill) >= e.score, "listed vacancy card bound");
        }
      }
    }
  }
  for (const std::string& line : failures.lines) ADD_FAILURE() << line;
  EXPECT_EQ(failures.count, 0);
  // The draw exercises both outcomes and the card vetoes.
  EXPECT_GT(accepted, 10000);
  EXPECT_GT(vetoed, 10000);
  EXPECT_GT(card_vetoed, 1000);
}

// The card vetoes are the scorer's: a pair vetoed on the card is vetoed by
// Evaluate too, whatever the skill value.
TEST(CardBoundsTest, CardVetoesOnlyPairsTheScorerVetoes) {
  const Scorer scorer{Weights{}};
  RandomCity city(61);
  const std::vector<WorkerRec> workers = Workers(&city, 200);
  const std::vector<VacancyRec> vacancies = Vacancies(&city, 200);
  int64_t card_vetoed = 0;
  Failures failures;
  for (ConsentNeed need : kConsents) {
    const QueryContext ctx = MakeContext(TestNow(), need);
    for (const VacancyRec& v : vacancies) {
      const WorkerCardBounds worker_bounds(scorer, v, ctx);
      const VacancyCard vc = MakeVacancyCard(v, 0, 4, 0);
      for (const WorkerRec& w : workers) {
        const VacancyCardBounds vacancy_bounds(scorer, w, ctx);
        const bool on_card = worker_bounds.Bound(MakeWorkerCard(w, 0, 0, 0), 1000) < 0 ||
                             vacancy_bounds.Bound(vc, 1000) < 0;
        if (!on_card) continue;
        ++card_vetoed;
        failures.Check(scorer.Evaluate(w, v, ctx).veto != Veto::kNone, w, v, need,
                       "card veto of an accepted pair");
      }
    }
  }
  for (const std::string& line : failures.lines) ADD_FAILURE() << line;
  EXPECT_EQ(failures.count, 0);
  EXPECT_GT(card_vetoed, 1000);
}

}  // namespace
}  // namespace labor::matching
