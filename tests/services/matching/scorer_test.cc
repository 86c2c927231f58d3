#include "services/matching/scorer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/services/matching/match_fixture.h"

namespace labor::matching {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using namespace labor::matching::testing;  // NOLINT: fixture helpers

class ScorerTest : public ::testing::Test {
 protected:
  Evaluation Eval(const v1::Worker& w, const v1::Vacancy& v,
                  ConsentNeed consent = ConsentNeed::kNone) const {
    return scorer_.Evaluate(W(w), V(v), MakeContext(TestNow(), consent));
  }
  std::string VetoText(const v1::Worker& w, const v1::Vacancy& v,
                       ConsentNeed consent = ConsentNeed::kNone) const {
    QueryContext ctx = MakeContext(TestNow(), consent);
    Evaluation e = scorer_.Evaluate(W(w), V(v), ctx);
    return explainer_.VetoReason(W(w), V(v), ctx, e.veto);
  }
  v1::Match Describe(const v1::Worker& w, const v1::Vacancy& v) const {
    QueryContext ctx = MakeContext(TestNow(), ConsentNeed::kNone);
    Evaluation e = scorer_.Evaluate(W(w), V(v), ctx);
    EXPECT_EQ(e.veto, Veto::kNone);
    return explainer_.Describe(W(w), V(v), ctx, e);
  }

  Scorer scorer_{Weights{}};
  Explainer explainer_{&scorer_, &Occupations(), &Regions()};
};

TEST(MatchModelTest, OccupationCodesPackAndCompareBySegment) {
  EXPECT_EQ(PackOccupation("6-30-05-01"), 0x061E0501u);
  EXPECT_EQ(UnpackOccupation(0x061E0501u), "6-30-05-01");
  EXPECT_EQ(PackOccupation("6-30"), 0u);
  EXPECT_EQ(PackOccupation("x-30-05-01"), 0u);
  EXPECT_EQ(OccSegments(PackOccupation("6-30-00-00")), 2);
  EXPECT_EQ(OccMatchDepth(PackOccupation(kWelder), PackOccupation(kWelder)), 4);
  EXPECT_EQ(OccMatchDepth(PackOccupation(kBricklayer), PackOccupation(kRebar)), 3);
  EXPECT_EQ(OccMatchDepth(PackOccupation(kWelder), PackOccupation(kSprayWelder)), 2);
  EXPECT_EQ(OccMatchDepth(PackOccupation(kWelder), PackOccupation(kCook)), 0);
  // A coarser requirement is met by anything inside its node.
  EXPECT_EQ(OccMatchDepth(PackOccupation("6-29-01-00"), PackOccupation(kRebar)), 4);
}

TEST(MatchModelTest, RegionsShareLevels) {
  Region luojiang = PackRegion(kLuojiang);
  EXPECT_EQ(luojiang.level, 4);
  EXPECT_EQ(UnpackRegion(luojiang), kLuojiang);
  EXPECT_EQ(UnpackRegion(RegionPrefix(luojiang, 3)), "511702");
  EXPECT_EQ(SharedRegionLevel(luojiang, luojiang), 4);
  EXPECT_EQ(SharedRegionLevel(luojiang, PackRegion(kPujia)), 3);
  EXPECT_EQ(SharedRegionLevel(luojiang, PackRegion(kXuanhan)), 2);
  EXPECT_EQ(SharedRegionLevel(luojiang, PackRegion(kChengduJinjiang)), 1);
  EXPECT_EQ(SharedRegionLevel(luojiang, PackRegion(kShenzhen)), 0);
  EXPECT_EQ(SharedRegionLevel(luojiang, PackRegion("511702")), 3);  // a county-level posting
  EXPECT_TRUE(RegionWithin(PackRegion("5117"), luojiang));
  EXPECT_FALSE(RegionWithin(luojiang, PackRegion("5117")));
  EXPECT_EQ(PackRegion("51170").level, 0);
}

// The example: a 四级 welder from 罗江镇 with a verified certificate
// ranks a Dazhou welding job above a Chengdu kitchen job.
TEST_F(ScorerTest, WelderRanksDazhouWeldingAboveChengduKitchen) {
  v1::Worker welder = BaseWorker("w_welder");
  AddSkill(&welder, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
  v1::Certificate* cert = welder.add_certificates();
  cert->set_kind(v1::CERTIFICATE_KIND_SKILL_LEVEL);
  cert->set_name("焊工");
  cert->set_occupation_code(kWelder);
  cert->set_level(v1::SKILL_LEVEL_4_INTERMEDIATE);
  cert->set_verified(true);

  v1::Vacancy welding = BaseVacancy("v_weld", kWelder, kXuanhan);
  Require(&welding, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
  SetMonthlyWage(&welding, 5000, 7000);
  v1::Vacancy kitchen = BaseVacancy("v_kitchen", kCook, kChengduJinjiang);
  SetMonthlyWage(&kitchen, 5000, 7000);

  Evaluation weld = Eval(welder, welding);
  Evaluation cook = Eval(welder, kitchen);
  ASSERT_EQ(weld.veto, Veto::kNone);
  ASSERT_EQ(cook.veto, Veto::kNone);
  EXPECT_GT(weld.score, cook.score);
  EXPECT_EQ(weld.values[kSkill], 1000);
  EXPECT_EQ(weld.values[kCertificate], 1000);  // verified, in the job's 小类
  EXPECT_EQ(weld.values[kLocation], 500);      // same city
  EXPECT_EQ(cook.values[kSkill], 0);
  EXPECT_EQ(cook.values[kCertificate], 0);
  EXPECT_EQ(cook.values[kLocation], 250);      // same province

  v1::Match match = Describe(welder, welding);
  EXPECT_THAT(match.reasons(), Contains("1项要求满足1项"));
  EXPECT_THAT(match.reasons(), Contains("持有相关证书 焊工（已核验）"));
  EXPECT_EQ(match.parts_size(), kPartCount);
  EXPECT_DOUBLE_EQ(match.score(), static_cast<double>(weld.score) / 1e6);
}

TEST_F(ScorerTest, BlacklistedEmployerIsVetoedFirst) {
  v1::Worker w = BaseWorker("w_1");
  AddSkill(&w, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
  v1::Vacancy v = BaseVacancy("v_1", kWelder, kLuojiang);
  v.set_employer_blacklisted(true);
  v.set_remaining(0);  // also no headcount: blacklisting is reported first
  EXPECT_EQ(Eval(w, v).veto, Veto::kBlacklisted);
  EXPECT_EQ(VetoText(w, v), "用人单位在欠薪失信名单中");
  EXPECT_EQ(Eval(w, v).score, 0);
}

TEST_F(ScorerTest, StatusExpiryAndHeadcountVetoes) {
  v1::Worker w = BaseWorker("w_1");
  v1::Vacancy closed = BaseVacancy("v_1", kWelder, kLuojiang);
  closed.set_status(v1::VACANCY_STATUS_FILLED);
  EXPECT_EQ(Eval(w, closed).veto, Veto::kNotOpen);
  EXPECT_EQ(VetoText(w, closed), "岗位已招满");

  v1::Vacancy expired = BaseVacancy("v_2", kWelder, kLuojiang);
  *expired.mutable_expires_at() = ToProto(TestNow() - absl::Minutes(1));
  EXPECT_EQ(Eval(w, expired).veto, Veto::kExpired);
  EXPECT_EQ(VetoText(w, expired), "岗位已过期");

  v1::Vacancy full = BaseVacancy("v_3", kWelder, kLuojiang);
  full.set_remaining(0);
  EXPECT_EQ(Eval(w, full).veto, Veto::kNoHeadcount);
}

TEST_F(ScorerTest, ConsentIsCheckedForTheCallersChannel) {
  v1::Worker w = BaseWorker("w_1");
  w.mutable_consent()->set_wechat(false);
  w.mutable_consent()->set_sms(true);
  v1::Vacancy v = BaseVacancy("v_1", kWelder, kLuojiang);
  EXPECT_EQ(Eval(w, v, ConsentNeed::kWechat).veto, Veto::kNoConsent);
  EXPECT_EQ(VetoText(w, v, ConsentNeed::kWechat), "本人未同意通过微信接收信息");
  EXPECT_EQ(Eval(w, v, ConsentNeed::kSms).veto, Veto::kNone);
  EXPECT_EQ(Eval(w, v, ConsentNeed::kAnyPush).veto, Veto::kNone);
  EXPECT_EQ(Eval(w, v, ConsentNeed::kNone).veto, Veto::kNone);  // a kiosk: the worker is there
  w.mutable_consent()->set_sms(false);
  EXPECT_EQ(Eval(w, v, ConsentNeed::kAnyPush).veto, Veto::kNoConsent);
  EXPECT_EQ(ConsentFor(v1::CHANNEL_KIOSK), ConsentNeed::kNone);
  EXPECT_EQ(ConsentFor(v1::CHANNEL_SMS), ConsentNeed::kSms);
}

TEST_F(ScorerTest, RequiredCertificateMustBeHeldAndValid) {
  v1::Worker w = BaseWorker("w_1");
  AddSkill(&w, kElectrician, v1::SKILL_LEVEL_5_ELEMENTARY);
  v1::Vacancy v = BaseVacancy("v_1", kElectrician, kLuojiang);
  v1::Certificate* req = v.add_required_certificates();
  req->set_kind(v1::CERTIFICATE_KIND_SPECIAL_OPERATION);
  req->set_name("低压电工作业");
  EXPECT_EQ(Eval(w, v).veto, Veto::kCertificate);
  EXPECT_EQ(VetoText(w, v), "缺少岗位要求的证书：低压电工作业");

  v1::Certificate* held = w.add_certificates();
  held->set_kind(v1::CERTIFICATE_KIND_SPECIAL_OPERATION);
  held->set_name("低压电工作业");
  *held->mutable_expires_on() = MakeDate(2026, 11, 28);  // expired yesterday
  EXPECT_EQ(Eval(w, v).veto, Veto::kCertificate);

  *held->mutable_expires_on() = MakeDate(2030, 1, 1);
  Evaluation unverified = Eval(w, v);
  ASSERT_EQ(unverified.veto, Veto::kNone);
  EXPECT_EQ(unverified.values[kCertificate], 500);
  held->set_verified(true);
  EXPECT_EQ(Eval(w, v).values[kCertificate], 1000);

  // A different kind with the same name does not count.
  held->set_kind(v1::CERTIFICATE_KIND_OTHER);
  EXPECT_EQ(Eval(w, v).veto, Veto::kCertificate);
}

TEST_F(ScorerTest, LocationScopeVetoes) {
  v1::Worker w = BaseWorker("w_1");
  w.mutable_preferences()->set_location_scope(v1::LOCATION_SCOPE_TOWNSHIP);
  v1::Vacancy home = BaseVacancy("v_1", kWelder, kLuojiang);
  v1::Vacancy next_town = BaseVacancy("v_2", kWelder, kPujia);
  v1::Vacancy county_level = BaseVacancy("v_3", kWelder, "511702");
  EXPECT_EQ(Eval(w, home).veto, Veto::kNone);
  EXPECT_EQ(Eval(w, next_town).veto, Veto::kScope);
  EXPECT_EQ(VetoText(w, next_town), "工作地点（蒲家镇）不在本人接受的范围（本乡镇）");
  // "somewhere in the district" may not be her township.
  EXPECT_EQ(Eval(w, county_level).veto, Veto::kScope);

  w.mutable_preferences()->set_location_scope(v1::LOCATION_SCOPE_DISTRICT);
  EXPECT_EQ(Eval(w, next_town).veto, Veto::kNone);
  EXPECT_EQ(Eval(w, BaseVacancy("v_4", kWelder, kXuanhan)).veto, Veto::kScope);
  w.mutable_preferences()->add_accepted_regions(kShenzhen);  // adds to the scope
  EXPECT_EQ(Eval(w, BaseVacancy("v_5", kWelder, "440304")).veto, Veto::kNone);

  w.mutable_preferences()->set_location_scope(v1::LOCATION_SCOPE_LISTED_REGIONS);
  EXPECT_EQ(Eval(w, home).veto, Veto::kScope);  // only the listed regions
  EXPECT_EQ(Eval(w, BaseVacancy("v_6", kWelder, "440304")).veto, Veto::kNone);

  w.mutable_preferences()->set_location_scope(v1::LOCATION_SCOPE_ANYWHERE);
  EXPECT_EQ(Eval(w, BaseVacancy("v_7", kWelder, "110101")).veto, Veto::kNone);
}

TEST_F(ScorerTest, StatedWageBelowTheFloorIsVetoedButNoWageIsKept) {
  v1::Worker w = BaseWorker("w_1");
  w.mutable_preferences()->mutable_minimum_monthly_wage()->set_fen(500000);  // 5,000 yuan
  v1::Vacancy low = BaseVacancy("v_1", kWelder, kLuojiang);
  SetMonthlyWage(&low, 3500, 4800);
  EXPECT_EQ(Eval(w, low).veto, Veto::kWage);
  EXPECT_EQ(VetoText(w, low), "岗位月薪最高4,800元，低于本人期望5,000元");

  v1::Vacancy reaches = BaseVacancy("v_2", kWelder, kLuojiang);
  SetMonthlyWage(&reaches, 4000, 6000);  // the top reaches the floor: kept
  Evaluation e = Eval(w, reaches);
  ASSERT_EQ(e.veto, Veto::kNone);
  EXPECT_EQ(e.values[kWage], 0);  // the midpoint equals the floor

  v1::Vacancy unstated = BaseVacancy("v_3", kWelder, kLuojiang);
  Evaluation kept = Eval(w, unstated);
  ASSERT_EQ(kept.veto, Veto::kNone);
  EXPECT_EQ(kept.values[kWage], 0);
  EXPECT_THAT(Describe(w, unstated).reasons(), Contains("工资面议"));
}

TEST_F(ScorerTest, WageValueIsTheMarginOverTheFloorOrTheReference) {
  v1::Worker w = BaseWorker("w_1");
  w.mutable_preferences()->mutable_minimum_monthly_wage()->set_fen(400000);
  v1::Vacancy v = BaseVacancy("v_1", kWelder, kLuojiang);
  SetMonthlyWage(&v, 4000, 6000);                    // midpoint 5,000: 25% over
  EXPECT_EQ(Eval(w, v).values[kWage], 500);
  SetMonthlyWage(&v, 6000, 7000);                    // 62.5% over: capped
  EXPECT_EQ(Eval(w, v).values[kWage], 1000);
  EXPECT_THAT(Describe(w, v).reasons(), Contains("月薪6,000–7,000元，不低于期望4,000元"));

  v1::Worker no_floor = BaseWorker("w_2");            // the 4,000 yuan reference
  SetMonthlyWage(&v, 5000, 5000);
  EXPECT_EQ(Eval(no_floor, v).values[kWage], 500);
}

TEST_F(ScorerTest, AvailabilityVetoUsesAvailableFromAndTheReturnHome) {
  v1::Worker w = BaseWorker("w_1");
  *w.mutable_preferences()->mutable_available_from() = MakeDate(2027, 3, 1);
  v1::Vacancy v = BaseVacancy("v_1", kWelder, kLuojiang);  // expires 2026-12-29
  EXPECT_EQ(Eval(w, v).veto, Veto::kAvailability);
  EXPECT_EQ(VetoText(w, v), "本人3月1日起才能上岗，岗位2026年12月29日截止");
  *v.mutable_expires_at() = ToProto(TestNow() + absl::Hours(24 * 120));
  EXPECT_EQ(Eval(w, v).veto, Veto::kNone);

  // Away until the Spring Festival: local jobs wait for the return, jobs
  // elsewhere do not.
  v1::Worker away = BaseWorker("w_2");
  away.set_current_location("440304");
  away.mutable_return_plan()->set_intent(v1::RETURN_INTENT_LOCAL_JOB);
  *away.mutable_return_plan()->mutable_planned_return() = MakeDate(2027, 1, 25);
  v1::Vacancy local = BaseVacancy("v_2", kWelder, kPujia);
  EXPECT_EQ(Eval(away, local).veto, Veto::kAvailability);
  v1::Vacancy shenzhen = BaseVacancy("v_3", kWelder, "440304");
  EXPECT_EQ(Eval(away, shenzhen).veto, Veto::kNone);
}

TEST_F(ScorerTest, SkillCreditByClassificationDepthAndLevel) {
  v1::Vacancy v = BaseVacancy("v_1", kBricklayer, kLuojiang);
  Require(&v, kBricklayer, v1::SKILL_LEVEL_4_INTERMEDIATE);

  v1::Worker exact = BaseWorker("w_1");
  AddSkill(&exact, kBricklayer, v1::SKILL_LEVEL_3_ADVANCED);
  EXPECT_EQ(Eval(exact, v).values[kSkill], 1000);

  v1::Worker one_short = BaseWorker("w_2");
  AddSkill(&one_short, kBricklayer, v1::SKILL_LEVEL_5_ELEMENTARY);
  EXPECT_EQ(Eval(one_short, v).values[kSkill], 750);
  EXPECT_THAT(Describe(one_short, v).reasons(), Contains("差 砌筑工 四级（现为五级）"));

  v1::Worker same_minor = BaseWorker("w_3");
  AddSkill(&same_minor, kRebar, v1::SKILL_LEVEL_4_INTERMEDIATE);
  EXPECT_EQ(Eval(same_minor, v).values[kSkill], 600);
  EXPECT_THAT(Describe(same_minor, v).reasons(), Contains("差 砌筑工 四级（相近：钢筋工）"));

  v1::Worker same_middle = BaseWorker("w_4");
  AddSkill(&same_middle, "6-29-02-01", v1::SKILL_LEVEL_4_INTERMEDIATE);
  EXPECT_EQ(Eval(same_middle, v).values[kSkill], 300);

  v1::Worker unrelated = BaseWorker("w_5");
  AddSkill(&unrelated, kCook, v1::SKILL_LEVEL_1_SENIOR_TECHNICIAN);
  EXPECT_EQ(Eval(unrelated, v).values[kSkill], 0);
  EXPECT_THAT(Describe(unrelated, v).reasons(), Contains("差 砌筑工 四级"));

  // The skill part averages the requirements: "4项要求满足3项".
  v1::Vacancy four = BaseVacancy("v_2", kBricklayer, kLuojiang);
  Require(&four, kBricklayer, v1::SKILL_LEVEL_5_ELEMENTARY);
  Require(&four, kRebar, v1::SKILL_LEVEL_5_ELEMENTARY);
  Require(&four, kElectrician, v1::SKILL_LEVEL_5_ELEMENTARY);
  Require(&four, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
  v1::Worker three = BaseWorker("w_6");
  AddSkill(&three, kBricklayer, v1::SKILL_LEVEL_4_INTERMEDIATE);
  AddSkill(&three, kRebar, v1::SKILL_LEVEL_4_INTERMEDIATE);
  AddSkill(&three, kElectrician, v1::SKILL_LEVEL_4_INTERMEDIATE);
  AddSkill(&three, kWelder, v1::SKILL_LEVEL_5_ELEMENTARY);
  EXPECT_EQ(Eval(three, four).values[kSkill], (1000 + 1000 + 1000 + 750) / 4);
  v1::Match match = Describe(three, four);
  EXPECT_THAT(match.reasons(), Contains("4项要求满足3项"));
  EXPECT_THAT(match.reasons(), Contains("差 焊工 四级（现为五级）"));
}

TEST_F(ScorerTest, LocationClosenessUsesHukouAndCurrentLocation) {
  v1::Worker w = BaseWorker("w_1");
  EXPECT_EQ(Eval(w, BaseVacancy("v_1", kWelder, kLuojiang)).values[kLocation], 1000);
  EXPECT_EQ(Eval(w, BaseVacancy("v_2", kWelder, kPujia)).values[kLocation], 750);
  EXPECT_EQ(Eval(w, BaseVacancy("v_3", kWelder, kXuanhan)).values[kLocation], 500);
  EXPECT_EQ(Eval(w, BaseVacancy("v_4", kWelder, kChengduJinjiang)).values[kLocation], 250);
  v1::Vacancy shenzhen = BaseVacancy("v_5", kWelder, "440304");
  EXPECT_EQ(Eval(w, shenzhen).values[kLocation], 0);
  w.set_current_location("440304");  // works in Shenzhen now
  EXPECT_EQ(Eval(w, shenzhen).values[kLocation], 750);
  EXPECT_THAT(Describe(w, shenzhen).reasons(), Contains(HasSubstr("同区县（离现工作地）")));
}

TEST_F(ScorerTest, FreshnessBrandAndReturnPlan) {
  v1::Worker w = BaseWorker("w_1");
  v1::Vacancy v = BaseVacancy("v_1", kCook, kPujia);
  *v.mutable_posted_at() = ToProto(TestNow());
  EXPECT_EQ(Eval(w, v).values[kFreshness], 1000);
  *v.mutable_posted_at() = ToProto(TestNow() - absl::Hours(24 * 15));
  EXPECT_EQ(Eval(w, v).values[kFreshness], 500);
  *v.mutable_posted_at() = ToProto(TestNow() - absl::Hours(24 * 40));
  EXPECT_EQ(Eval(w, v).values[kFreshness], 0);

  EXPECT_EQ(Eval(w, v).values[kBrand], 0);
  w.set_labor_brand(v1::LABOR_BRAND_BASHAN_CHUSHI);
  EXPECT_EQ(Eval(w, v).values[kBrand], 1000);
  EXPECT_THAT(Describe(w, v).reasons(), Contains("巴山厨师劳务品牌对口岗位"));
  w.set_labor_brand(v1::LABOR_BRAND_BASHAN_JIANGONG);
  EXPECT_EQ(Eval(w, v).values[kBrand], 0);

  // Back home since last week, wants a job near home: local jobs rank first.
  w.mutable_return_plan()->set_intent(v1::RETURN_INTENT_LOCAL_JOB);
  *w.mutable_return_plan()->mutable_planned_return() = MakeDate(2026, 11, 20);
  v1::Vacancy local = BaseVacancy("v_2", kCook, kPujia);
  v1::Vacancy city = BaseVacancy("v_3", kCook, kXuanhan);
  EXPECT_EQ(Eval(w, local).values[kReturnPlan], 1000);
  EXPECT_EQ(Eval(w, city).values[kReturnPlan], 0);
  EXPECT_THAT(Describe(w, local).reasons(),
              Contains("已于11月20日返乡，想在家门口就业：家乡岗位优先"));
  w.mutable_return_plan()->set_intent(v1::RETURN_INTENT_GO_OUT_AGAIN);
  EXPECT_EQ(Eval(w, local).values[kReturnPlan], 0);
  // Outside the window (returned in the summer) the plan no longer counts.
  w.mutable_return_plan()->set_intent(v1::RETURN_INTENT_LOCAL_JOB);
  *w.mutable_return_plan()->mutable_planned_return() = MakeDate(2026, 7, 1);
  EXPECT_EQ(Eval(w, local).values[kReturnPlan], 0);
}

// A worker who declared he will come home for a local job earns the
// return-plan part from the day he says so, fading with the distance to the
// return, not only in the last 30 days before it.
TEST_F(ScorerTest, ReturnPlanCountsFromTheDayItIsDeclared) {
  v1::Worker w = BaseWorker("w_1");
  AddSkill(&w, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
  w.set_current_location("440304001");  // a township of Futian, Shenzhen
  w.mutable_return_plan()->set_intent(v1::RETURN_INTENT_LOCAL_JOB);
  auto plan_in = [&w](int days) {
    absl::CivilDay day = absl::ToCivilDay(TestNow(), ShanghaiTime()) + days;
    *w.mutable_return_plan()->mutable_planned_return() =
        MakeDate(static_cast<int>(day.year()), day.month(), day.day());
  };
  v1::Vacancy home = BaseVacancy("v_home", kWelder, kPujia);  // home county, other township
  v1::Vacancy here = BaseVacancy("v_here", kWelder, "440304001");
  for (v1::Vacancy* v : {&home, &here}) {
    SetMonthlyWage(v, 6000, 7000);
    // Open past every return below (else the availability veto decides).
    *v->mutable_expires_at() = ToProto(TestNow() + absl::Hours(24 * 400));
  }
  const std::pair<int, int32_t> kByDistance[] = {{-60, 1000}, {0, 1000},  {30, 1000},
                                                 {60, 750},   {120, 500}, {300, 250}};
  for (auto [days, value] : kByDistance) {
    plan_in(days);
    EXPECT_EQ(Eval(w, home).values[kReturnPlan], value) << days << " days ahead";
    EXPECT_EQ(Eval(w, here).values[kReturnPlan], 0) << days << " days ahead";
  }
  plan_in(-61);  // back home for more than the window: the plan is done
  EXPECT_EQ(Eval(w, home).values[kReturnPlan], 0);

  // Two months ahead, the hometown job ranks above the same job where he
  // works now (the closer location there weighs less than the plan).
  plan_in(60);
  EXPECT_GT(Eval(w, home).score, Eval(w, here).score);
  const v1::Match match = Describe(w, home);
  EXPECT_THAT(match.reasons(),
              Contains("已登记返乡就业：计划2027年1月28日返乡（还有60天），家乡岗位优先，"
                       "离返乡越近加分越多"));
  plan_in(10);
  EXPECT_THAT(Describe(w, home).reasons(),
              Contains("已登记返乡就业：计划12月9日返乡（还有10天），家乡岗位优先"));
  w.mutable_return_plan()->set_intent(v1::RETURN_INTENT_GO_OUT_AGAIN);
  EXPECT_EQ(Eval(w, home).values[kReturnPlan], 0);
}

TEST_F(ScorerTest, ScoreIsTheWeightedSumOfParts) {
  v1::Worker w = BaseWorker("w_1");
  AddSkill(&w, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
  v1::Vacancy v = BaseVacancy("v_1", kWelder, kLuojiang);
  SetMonthlyWage(&v, 5000, 5000);
  Evaluation e = Eval(w, v);
  int64_t expected = 0;
  for (int i = 0; i < kPartCount; ++i) expected += int64_t{Weights{}.part[i]} * e.values[i];
  EXPECT_EQ(e.score, expected);
  EXPECT_EQ(e.score, 400 * 1000 + 200 * 1000 + 100 * 500 + 50 * 900);

  Weights only_location;
  only_location.part = {0, 0, 1000, 0, 0, 0, 0};
  Scorer scorer(only_location);
  EXPECT_EQ(scorer.Evaluate(W(w), V(v), MakeContext(TestNow(), ConsentNeed::kNone)).score,
            1000 * 1000);
}

TEST(WeightsTest, ValidateNamesTheBadSetting) {
  Weights w;
  EXPECT_TRUE(w.Validate().ok());
  EXPECT_EQ(w.Total(), 1000000);
  w.part[kWage] = -1;
  EXPECT_THAT(std::string(w.Validate().message()), HasSubstr("wage"));
  w = Weights{};
  w.part = {0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(w.Validate().ok());
  w = Weights{};
  w.minor_credit = 1001;
  EXPECT_THAT(std::string(w.Validate().message()), HasSubstr("minor_credit"));
  w = Weights{};
  w.freshness_days = 0;
  EXPECT_FALSE(w.Validate().ok());
}

TEST(YuanTest, GroupsThousands) {
  EXPECT_EQ(Yuan(0), "0");
  EXPECT_EQ(Yuan(480000), "4,800");
  EXPECT_EQ(Yuan(123456789), "1,234,567");
}

}  // namespace
}  // namespace labor::matching
