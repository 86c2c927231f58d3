#include "services/matching/match_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <random>

#include "absl/strings/str_format.h"
#include "tests/services/matching/match_fixture.h"
#include "tests/services/matching/random_city.h"

namespace labor::matching {
namespace {

using namespace labor::matching::testing;  // NOLINT: fixture helpers

std::vector<std::pair<std::string, int64_t>> Ranking(const QueryResult& result, bool workers) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const Hit& hit : result.hits) {
    out.emplace_back(workers ? hit.worker.id : hit.vacancy.id, hit.evaluation.score);
  }
  return out;
}

class MatchIndexTest : public ::testing::Test {
 protected:
  QueryContext Ctx(ConsentNeed consent = ConsentNeed::kNone) const {
    return MakeContext(TestNow(), consent);
  }
  Scorer scorer_{Weights{}};
  MatchIndex index_{&scorer_};
};

TEST_F(MatchIndexTest, VersionsDecideAndStaleEventsAreIgnored) {
  v1::Worker w = BaseWorker("w_1");
  w.set_version(3);
  EXPECT_EQ(index_.UpsertWorker(W(w)), MatchIndex::Applied::kApplied);
  w.set_version(2);
  w.set_hukou_township(kPujia);
  EXPECT_EQ(index_.UpsertWorker(W(w)), MatchIndex::Applied::kStale);
  EXPECT_EQ(UnpackRegion(index_.GetWorker("w_1")->hukou), kLuojiang);
  w.set_version(3);
  EXPECT_EQ(index_.UpsertWorker(W(w)), MatchIndex::Applied::kStale);  // a redelivery
  w.set_version(4);
  EXPECT_EQ(index_.UpsertWorker(W(w)), MatchIndex::Applied::kApplied);
  EXPECT_EQ(UnpackRegion(index_.GetWorker("w_1")->hukou), kPujia);

  // Erasure wins over every earlier version, even one delivered late.
  EXPECT_EQ(index_.RemoveWorker("w_1", std::numeric_limits<int64_t>::max()),
            MatchIndex::Applied::kApplied);
  EXPECT_FALSE(index_.GetWorker("w_1").has_value());
  w.set_version(5);
  EXPECT_EQ(index_.UpsertWorker(W(w)), MatchIndex::Applied::kStale);
  EXPECT_EQ(index_.worker_count(), 0u);
}

TEST_F(MatchIndexTest, ClosedVacanciesLeaveAndDoNotComeBack) {
  v1::Vacancy v = BaseVacancy("v_1", kWelder, kLuojiang);
  ASSERT_EQ(index_.UpsertVacancy(V(v)), MatchIndex::Applied::kApplied);
  v1::Worker w = BaseWorker("w_1");
  AddSkill(&w, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
  index_.UpsertWorker(W(w));
  ASSERT_EQ(index_.TopVacancies("w_1", 5, {}, Ctx())->hits.size(), 1u);

  v.set_version(2);
  v.set_status(v1::VACANCY_STATUS_CLOSED);
  EXPECT_EQ(index_.UpsertVacancy(V(v)), MatchIndex::Applied::kApplied);
  EXPECT_EQ(index_.vacancy_count(), 0u);
  EXPECT_EQ(index_.VacancyVersion("v_1"), 2);
  EXPECT_TRUE(index_.TopVacancies("w_1", 5, {}, Ctx())->hits.empty());
  // The "created" event redelivered after the close must not reopen it.
  v.set_version(1);
  v.set_status(v1::VACANCY_STATUS_OPEN);
  EXPECT_EQ(index_.UpsertVacancy(V(v)), MatchIndex::Applied::kStale);
  EXPECT_EQ(index_.TopWorkers("v_1", 5, {}, Ctx()).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(MatchIndexTest, BlacklistedEmployersJobsNeverAppear) {
  v1::Worker w = BaseWorker("w_1");
  AddSkill(&w, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
  index_.UpsertWorker(W(w));
  v1::Vacancy listed = BaseVacancy("v_listed", kWelder, kLuojiang);
  listed.set_employer_blacklisted(true);
  SetMonthlyWage(&listed, 9000, 12000);
  index_.UpsertVacancy(V(listed));
  index_.UpsertVacancy(V(BaseVacancy("v_ok", kCook, kShenzhen)));
  auto result = index_.TopVacancies("w_1", 10, {}, Ctx());
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->hits.size(), 1u);
  EXPECT_EQ(result->hits[0].vacancy.id, "v_ok");
  EXPECT_EQ(result->vetoed, 1);
  EXPECT_TRUE(index_.TopWorkers("v_listed", 10, {}, Ctx())->hits.empty());
}

TEST_F(MatchIndexTest, WorkerWhoseMinimumIsAboveTheWageNeverSeesIt) {
  v1::Worker w = BaseWorker("w_1");
  AddSkill(&w, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
  w.mutable_preferences()->mutable_minimum_monthly_wage()->set_fen(600000);
  index_.UpsertWorker(W(w));
  v1::Vacancy low = BaseVacancy("v_low", kWelder, kLuojiang);
  SetMonthlyWage(&low, 4000, 5500);
  index_.UpsertVacancy(V(low));
  index_.UpsertVacancy(V(BaseVacancy("v_unstated", kWelder, kLuojiang)));
  auto result = index_.TopVacancies("w_1", 10, {}, Ctx());
  ASSERT_EQ(result->hits.size(), 1u);
  EXPECT_EQ(result->hits[0].vacancy.id, "v_unstated");
}

TEST_F(MatchIndexTest, FiltersAndOpenidLookup) {
  v1::Worker a = BaseWorker("w_a");
  a.set_wechat_openid("o_a");
  v1::Worker b = BaseWorker("w_b");
  b.set_hukou_township(kPujia);
  b.mutable_employment()->set_status(v1::EMPLOYMENT_STATUS_EMPLOYED_LOCAL);
  index_.UpsertWorker(W(a));
  index_.UpsertWorker(W(b));
  EXPECT_EQ(index_.WorkerByOpenid("o_a"), "w_a");
  EXPECT_FALSE(index_.WorkerByOpenid("o_b").has_value());

  index_.UpsertVacancy(V(BaseVacancy("v_1", kWelder, kLuojiang)));
  WorkerFilter township;
  township.township = PackRegion(kPujia);
  auto r = index_.TopWorkers("v_1", 10, township, Ctx());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_EQ(r->hits[0].worker.id, "w_b");
  WorkerFilter status;
  status.status = v1::EMPLOYMENT_STATUS_UNEMPLOYED;
  r = index_.TopWorkers("v_1", 10, status, Ctx());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_EQ(r->hits[0].worker.id, "w_a");

  v1::Vacancy cook = BaseVacancy("v_2", kCook, kShenzhen);
  cook.add_fair_ids("fair_1");
  index_.UpsertVacancy(V(cook));
  VacancyFilter fair;
  fair.fair_id = "fair_1";
  auto v = index_.TopVacancies("w_a", 10, fair, Ctx());
  ASSERT_EQ(v->hits.size(), 1u);
  EXPECT_EQ(v->hits[0].vacancy.id, "v_2");
  VacancyFilter region;
  region.region = PackRegion("511702");
  v = index_.TopVacancies("w_a", 10, region, Ctx());
  ASSERT_EQ(v->hits.size(), 1u);
  EXPECT_EQ(v->hits[0].vacancy.id, "v_1");
  VacancyFilter occupation;
  occupation.occupation = PackOccupation("4-03-00-00");
  v = index_.TopVacancies("w_a", 10, occupation, Ctx());
  ASSERT_EQ(v->hits.size(), 1u);
  EXPECT_EQ(v->hits[0].vacancy.id, "v_2");
  EXPECT_EQ(index_.TopVacancies("w_a", 0, {}, Ctx()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(index_.TopVacancies("w_x", 1, {}, Ctx()).status().code(), absl::StatusCode::kNotFound);
}

struct Tally {
  int compared = 0;
  int nonempty = 0;  // answers with at least one hit
  int pruned = 0;    // queries that scored fewer candidates than the scan
  void Add(const QueryResult& fast, const QueryResult& brute) {
    ++compared;
    if (!fast.hits.empty()) ++nonempty;
    if (fast.considered < brute.considered) ++pruned;
  }
};

void ExpectSameAnswers(const MatchIndex& index, RandomCity* city, int workers, int vacancies,
                       Tally* tally) {
  const int ks[] = {1, 3, 10, 50};
  for (int i = 0; i < vacancies; ++i) {
    std::string id = absl::StrFormat("v_%05d", i);
    if (!index.GetVacancy(id).has_value()) continue;
    WorkerFilter filter;
    if (city->Chance(0.2)) filter.township = PackRegion(city->Pick(RandomCity::kTownships));
    if (city->Chance(0.2)) filter.status = static_cast<uint8_t>(city->Uniform(1, 5));
    if (city->Chance(0.2))
      filter.available_by = ToDay(absl::CivilDay(2026, 12, city->Uniform(1, 31)));
    QueryContext ctx = MakeContext(TestNow(), static_cast<ConsentNeed>(city->Uniform(0, 3)));
    int k = ks[city->Uniform(0, 3)];
    auto fast = index.TopWorkers(id, k, filter, ctx);
    auto brute = index.BruteForceWorkers(id, k, filter, ctx);
    ASSERT_TRUE(fast.ok() && brute.ok());
    ASSERT_EQ(Ranking(*fast, true), Ranking(*brute, true)) << "vacancy " << id << " k=" << k;
    tally->Add(*fast, *brute);
  }
  for (int i = 0; i < workers; ++i) {
    std::string id = absl::StrFormat("w_%05d", i);
    if (!index.GetWorker(id).has_value()) continue;
    VacancyFilter filter;
    if (city->Chance(0.15)) filter.region = PackRegion(city->Pick(RandomCity::kPlaces));
    if (city->Chance(0.15)) filter.occupation = PackOccupation(city->Pick(RandomCity::kCodes));
    if (city->Chance(0.15)) filter.occupation = PackOccupation("6-29-00-00");
    if (city->Chance(0.05)) filter.occupation = PackOccupation("6-00-00-00");
    if (city->Chance(0.15)) filter.wage_floor_fen = city->Uniform(4, 8) * 100000;
    if (city->Chance(0.1)) filter.fair_id = city->Pick(RandomCity::kFairs);
    QueryContext ctx = MakeContext(TestNow(), static_cast<ConsentNeed>(city->Uniform(0, 3)));
    int k = ks[city->Uniform(0, 3)];
    auto fast = index.TopVacancies(id, k, filter, ctx);
    auto brute = index.BruteForceVacancies(id, k, filter, ctx);
    ASSERT_TRUE(fast.ok() && brute.ok());
    ASSERT_EQ(Ranking(*fast, false), Ranking(*brute, false)) << "worker " << id << " k=" << k;
    tally->Add(*fast, *brute);
  }
}

// Skill lists kept whole (the default threshold is above the randomized
// lists' sizes) or split into groups from 2 or from 40 cards, by seed.
MatchIndexOptions OptionsForSeed(uint32_t seed) {
  MatchIndexOptions options;
  if (seed % 3 == 1) options.group_min_cards = 2;
  if (seed % 3 == 2) options.group_min_cards = 40;
  return options;
}

// The exactness requirement: top-K equals a brute-force scan with
// the same scoring function, ties included, on randomized data, also after
// updates and removals moved records between the index's lists.
// Each seed runs with the skill lists kept whole (the default threshold is
// above these lists' sizes) and split into groups (from 2 and from 40
// cards: lists become grouped while they fill, and groups empty out and
// move under the churn).
TEST_F(MatchIndexTest, TopKEqualsBruteForceOnRandomizedData) {
  for (uint32_t seed : {1u, 2u, 3u, 4u, 5u, 6u}) {
    SCOPED_TRACE(seed);
    RandomCity city(seed);
    MatchIndex index(&scorer_, OptionsForSeed(seed));
    constexpr int kWorkers = 1500, kVacancies = 400;
    for (int i = 0; i < kWorkers; ++i) index.UpsertWorker(W(city.Worker(i)));
    for (int i = 0; i < kVacancies; ++i) index.UpsertVacancy(V(city.Vacancy(i)));
    Tally tally;
    ExpectSameAnswers(index, &city, kWorkers, kVacancies, &tally);

    // Churn: new versions of a third, erasures, closures.
    for (int i = 0; i < kWorkers; i += 3) {
      v1::Worker w = city.Worker(i);
      w.set_worker_id(absl::StrFormat("w_%05d", i));
      w.set_version(2);
      index.UpsertWorker(W(w));
    }
    for (int i = 1; i < kWorkers; i += 10) index.RemoveWorker(absl::StrFormat("w_%05d", i), 99);
    for (int i = 0; i < kVacancies; i += 4) {
      v1::Vacancy v = city.Vacancy(i);
      v.set_vacancy_id(absl::StrFormat("v_%05d", i));
      v.set_version(2);
      if (i % 8 == 0) v.set_status(v1::VACANCY_STATUS_FILLED);
      index.UpsertVacancy(V(v));
    }
    ExpectSameAnswers(index, &city, kWorkers, kVacancies, &tally);
    EXPECT_GT(tally.compared, 3000);
    // The comparison means something only if answers are mostly non-empty
    // and the pruning paths ran.
    EXPECT_GT(tally.nonempty, tally.compared / 2);
    EXPECT_GT(tally.pruned, tally.compared / 4);
    std::cout << "seed " << seed << ": " << tally.compared << " queries, " << tally.nonempty
              << " non-empty, " << tally.pruned << " pruned\n";
  }
}

// Returnees count on the return-plan part from the day they declare the
// plan, fading with the distance to the return: the cards bound it exactly
// for every distance (past, inside the window, months ahead), so top-K stays
// the brute-force scan's, and a returnee two months out sees the hometown
// job first.
TEST_F(MatchIndexTest, ReturneesAtAnyDistanceKeepTopKExact) {
  const Day today = ToDay(absl::ToCivilDay(TestNow(), ShanghaiTime()));
  auto set_return = [](v1::Worker* w, Day day) {
    absl::CivilDay civil = CivilOf(day);
    w->mutable_return_plan()->set_intent(v1::RETURN_INTENT_LOCAL_JOB);
    *w->mutable_return_plan()->mutable_planned_return() =
        MakeDate(static_cast<int>(civil.year()), civil.month(), civil.day());
  };
  for (uint32_t seed : {21u, 22u, 23u}) {
    SCOPED_TRACE(seed);
    RandomCity city(seed);
    MatchIndex index(&scorer_, OptionsForSeed(seed));
    constexpr int kWorkers = 1000, kVacancies = 300;
    for (int i = 0; i < kWorkers; ++i) {
      v1::Worker w = city.Worker(i);
      if (city.Chance(0.7)) set_return(&w, today + city.Uniform(-90, 400));
      index.UpsertWorker(W(w));
    }
    for (int i = 0; i < kVacancies; ++i) {
      v1::Vacancy v = city.Vacancy(i);
      *v.mutable_expires_at() = ToProto(TestNow() + absl::Hours(24 * city.Uniform(-2, 500)));
      index.UpsertVacancy(V(v));
    }
    Tally tally;
    ExpectSameAnswers(index, &city, kWorkers, kVacancies, &tally);
    EXPECT_GT(tally.nonempty, tally.compared / 2);
  }

  // The case: works in Shenzhen, returns home in two months.
  v1::Worker w = BaseWorker("w_returnee");
  AddSkill(&w, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
  w.set_current_location("440304001");
  set_return(&w, today + 60);
  index_.UpsertWorker(W(w));
  v1::Vacancy here = BaseVacancy("v_1_here", kWelder, "440304001");
  v1::Vacancy home = BaseVacancy("v_2_home", kWelder, kPujia);
  for (v1::Vacancy* v : {&here, &home}) {
    SetMonthlyWage(v, 6000, 7000);
    *v->mutable_expires_at() = ToProto(TestNow() + absl::Hours(24 * 150));
    index_.UpsertVacancy(V(*v));
  }
  auto fast = index_.TopVacancies("w_returnee", 1, {}, Ctx());
  ASSERT_TRUE(fast.ok());
  ASSERT_EQ(fast->hits.size(), 1u);
  EXPECT_EQ(fast->hits[0].vacancy.id, "v_2_home");
  EXPECT_EQ(fast->hits[0].evaluation.values[kReturnPlan], 750);
}

// A worker without skills competes for every vacancy on location, wage and
// freshness alone. The walk goes nearest first (own township, then county,
// city, province, the rest) and stops once the k-th best beats what a
// farther vacancy can reach, with or without an occupation filter (decided
// on the cards) and whatever the accepted area.
TEST_F(MatchIndexTest, SkillFreeWorkersAreAnsweredFromTheNearestPlaces) {
  struct Place {
    const char* location;
    int count;
  };
  const Place places[] = {{kLuojiang, 40}, {kPujia, 300}, {kXuanhan, 300}, {kChengduJinjiang, 300}};
  int n = 0;
  for (const Place& p : places) {
    for (int i = 0; i < p.count; ++i, ++n) {
      v1::Vacancy v =
          BaseVacancy(absl::StrFormat("v_%04d", n), i % 2 == 0 ? kBricklayer : kCook, p.location);
      SetMonthlyWage(&v, 6000 + (n % 7) * 100, 8000);
      index_.UpsertVacancy(V(v));
    }
  }
  for (v1::LocationScope scope :
       {v1::LOCATION_SCOPE_ANYWHERE, v1::LOCATION_SCOPE_PROVINCE, v1::LOCATION_SCOPE_DISTRICT}) {
    SCOPED_TRACE(v1::LocationScope_Name(scope));
    v1::Worker w = BaseWorker(absl::StrCat("w_", scope));
    w.mutable_preferences()->set_location_scope(scope);
    index_.UpsertWorker(W(w));
    for (bool by_occupation : {false, true}) {
      SCOPED_TRACE(by_occupation);
      VacancyFilter filter;
      if (by_occupation) filter.occupation = PackOccupation(kBricklayer);
      auto fast = index_.TopVacancies(w.worker_id(), 10, filter, Ctx());
      auto brute = index_.BruteForceVacancies(w.worker_id(), 10, filter, Ctx());
      ASSERT_TRUE(fast.ok() && brute.ok());
      ASSERT_EQ(fast->hits.size(), 10u);
      EXPECT_EQ(Ranking(*fast, false), Ranking(*brute, false));
      for (const Hit& hit : fast->hits) EXPECT_EQ(hit.vacancy.location, PackRegion(kLuojiang));
      // Only the home township's 40 vacancies were reached, or its 20 砌筑工
      // jobs when the query asks for that trade.
      EXPECT_EQ(fast->reached, by_occupation ? 20 : 40);
    }
  }
}

// Pruning must actually prune: with a popular trade, a query scores far
// fewer candidates than the brute-force scan, and the answers agree.
TEST_F(MatchIndexTest, QueriesScoreFewerCandidatesThanTheScan) {
  RandomCity city(7);
  for (int i = 0; i < 3000; ++i) {
    v1::Worker w = city.Worker(i);
    w.clear_skills();
    AddSkill(&w, i % 10 == 0 ? kWelder : kCook, v1::SKILL_LEVEL_3_ADVANCED);
    w.mutable_preferences()->set_location_scope(v1::LOCATION_SCOPE_ANYWHERE);
    w.mutable_preferences()->clear_accepted_regions();
    w.mutable_preferences()->clear_minimum_monthly_wage();
    w.mutable_preferences()->clear_available_from();
    w.clear_return_plan();
    w.clear_certificates();
    w.set_labor_brand(v1::LABOR_BRAND_UNSPECIFIED);
    index_.UpsertWorker(W(w));
  }
  v1::Vacancy v = BaseVacancy("v_weld", kWelder, kLuojiang);
  Require(&v, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
  SetMonthlyWage(&v, 6000, 8000);
  index_.UpsertVacancy(V(v));
  auto fast = index_.TopWorkers("v_weld", 100, {}, Ctx());
  auto brute = index_.BruteForceWorkers("v_weld", 100, {}, Ctx());
  ASSERT_TRUE(fast.ok() && brute.ok());
  EXPECT_EQ(Ranking(*fast, true), Ranking(*brute, true));
  EXPECT_EQ(brute->considered, 3000);
  EXPECT_LE(fast->considered, 300 + 10);  // the welders (plus nothing else)
}

// A popular trade's list split into groups: a query skips the groups whose
// static bound (hukou township, level class) cannot reach the K-th best, so
// it stops inside the list, and it stays exact while updates move workers
// between groups, empty groups out and erase workers.
TEST_F(MatchIndexTest, GroupedListsStopInsideTheListAndStayExactUnderUpdates) {
  MatchIndexOptions options;
  options.group_min_cards = 64;
  MatchIndex index(&scorer_, options);
  const char* const townships[] = {kLuojiang, kPujia, "511702104"};
  const v1::SkillLevel levels[] = {v1::SKILL_LEVEL_SELF_DECLARED, v1::SKILL_LEVEL_5_ELEMENTARY,
                                   v1::SKILL_LEVEL_4_INTERMEDIATE, v1::SKILL_LEVEL_3_ADVANCED};
  constexpr int kWorkers = 3000;
  auto worker = [&](int i, int version, const char* township) {
    v1::Worker w = BaseWorker(absl::StrFormat("w_%05d", i));
    w.set_version(version);
    w.set_hukou_township(township);
    AddSkill(&w, kBricklayer, levels[(i / 3) % 4]);
    if (i % 7 == 0) w.mutable_preferences()->mutable_minimum_monthly_wage()->set_fen(500000);
    return w;
  };
  for (int i = 0; i < kWorkers; ++i) index.UpsertWorker(W(worker(i, 1, townships[i % 3])));
  v1::Vacancy v = BaseVacancy("v_brick", kBricklayer, kLuojiang);
  Require(&v, kBricklayer, v1::SKILL_LEVEL_4_INTERMEDIATE);
  SetMonthlyWage(&v, 6000, 8000);
  index.UpsertVacancy(V(v));

  auto check = [&](int k) {
    SCOPED_TRACE(k);
    auto fast = index.TopWorkers("v_brick", k, {}, Ctx());
    auto brute = index.BruteForceWorkers("v_brick", k, {}, Ctx());
    ASSERT_TRUE(fast.ok() && brute.ok());
    EXPECT_EQ(Ranking(*fast, true), Ranking(*brute, true));
    // Only the workers of 罗江镇 at 四级 or above can reach the top: the
    // other townships' and levels' groups are skipped as a whole.
    EXPECT_LT(fast->considered, static_cast<int64_t>(index.worker_count()) / 4);
  };
  check(10);
  check(100);
  // Move most of 罗江镇's best workers to 蒲家镇 (they change groups),
  // erase some, then bring some back: the answers follow.
  for (int i = 0; i < kWorkers; i += 3) {
    if ((i / 3) % 4 >= 2 && i % 5 != 0) index.UpsertWorker(W(worker(i, 2, kPujia)));
  }
  check(10);
  for (int i = 0; i < kWorkers; i += 5) index.RemoveWorker(absl::StrFormat("w_%05d", i), 9);
  check(10);
  check(50);
  for (int i = 0; i < kWorkers; i += 6) index.UpsertWorker(W(worker(i, 3, kLuojiang)));
  check(10);
  check(100);
}

TEST_F(MatchIndexTest, GroupsBoundOtherRequirementsByTheSkillsTheirWorkersHold) {
  MatchIndexOptions options;
  options.group_min_cards = 64;
  MatchIndex index(&scorer_, options);
  const char* const townships[] = {kLuojiang, kPujia, "511702104"};
  constexpr int kWorkers = 3000;
  // Bricklayers who also cook (a skill no requirement agrees with), and
  // every 100th one also a welder and an electrician: only those can reach
  // the top, and the cooks' groups are bounded below them as a whole.
  auto worker = [&](int i, int version, const char* other) {
    v1::Worker w = BaseWorker(absl::StrFormat("w_%05d", i));
    w.set_version(version);
    w.set_hukou_township(townships[i % 3]);
    AddSkill(&w, kBricklayer, v1::SKILL_LEVEL_4_INTERMEDIATE);
    if (i % 100 == 0) {
      AddSkill(&w, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
      AddSkill(&w, kElectrician, v1::SKILL_LEVEL_4_INTERMEDIATE);
    } else {
      AddSkill(&w, other, v1::SKILL_LEVEL_4_INTERMEDIATE);
    }
    return w;
  };
  for (int i = 0; i < kWorkers; ++i) index.UpsertWorker(W(worker(i, 1, kCook)));
  v1::Vacancy v = BaseVacancy("v_site", kBricklayer, kLuojiang);
  Require(&v, kBricklayer, v1::SKILL_LEVEL_4_INTERMEDIATE);
  Require(&v, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
  Require(&v, kElectrician, v1::SKILL_LEVEL_4_INTERMEDIATE);
  SetMonthlyWage(&v, 6000, 8000);
  index.UpsertVacancy(V(v));

  auto check = [&](int k, bool pruned) {
    SCOPED_TRACE(k);
    auto fast = index.TopWorkers("v_site", k, {}, Ctx());
    auto brute = index.BruteForceWorkers("v_site", k, {}, Ctx());
    ASSERT_TRUE(fast.ok() && brute.ok());
    EXPECT_EQ(Ranking(*fast, true), Ranking(*brute, true));
    if (pruned) {
      EXPECT_LT(fast->considered, static_cast<int64_t>(index.worker_count()) / 4);
    }
  };
  check(10, true);
  check(30, true);
  // Some cooks become spray welders (same 中类 as the welder requirement):
  // their groups' bound rises, and the answers follow.
  for (int i = 1; i < kWorkers; i += 7) {
    if (i % 100 != 0) index.UpsertWorker(W(worker(i, 2, kSprayWelder)));
  }
  check(10, false);
  check(100, false);
  for (int i = 0; i < kWorkers; i += 11) index.RemoveWorker(absl::StrFormat("w_%05d", i), 9);
  check(10, false);
  for (int i = 1; i < kWorkers; i += 7) index.UpsertWorker(W(worker(i, 3, kCook)));
  check(10, true);
  check(50, false);
}

}  // namespace
}  // namespace labor::matching
