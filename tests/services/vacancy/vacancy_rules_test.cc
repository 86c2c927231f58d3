// VacancyService's pure rules, on the real reference data and policy lists.
#include "services/vacancy/vacancy_rules.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/proto_util.h"
#include "common/status.h"
#include "common/validation.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/ids.h"
#include "tests/testing/util.h"

namespace labor::vacancy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr absl::string_view kForkliftCode = "6-30-05-01";  // 起重装卸机械操作工 (叉车司机)
constexpr absl::string_view kCookCode = "4-03-02-01";      // 中式烹调师
constexpr absl::string_view kUndergroundCode = "6-16-01-05";  // 井下采矿工
constexpr absl::string_view kOpenPitCode = "6-16-01-01";      // 露天采矿工

// A credit code with a correct GB 32100 check character.
std::string CreditCode(absl::string_view first17 = "91511702MA62Q3K4P") {
  return labor::testing::MakeCreditCode(first17.substr(2, 6), first17.substr(8));
}

v1::Money Yuan(int64_t yuan) {
  v1::Money m;
  m.set_fen(yuan * 100);
  return m;
}

v1::Wage MakeWage(v1::WageUnit unit, int64_t min_fen, int64_t max_fen) {
  v1::Wage w;
  w.set_unit(unit);
  w.mutable_min()->set_fen(min_fen);
  w.mutable_max()->set_fen(max_fen);
  return w;
}

v1::Wage Monthly(int64_t min_yuan, int64_t max_yuan) {
  v1::Wage w = MakeWage(v1::WAGE_UNIT_MONTHLY, min_yuan * 100, max_yuan * 100);
  NormalizeWage(&w, "wage").IgnoreError();
  return w;
}

// The only violation of `status`, or a failure.
FieldViolation OnlyViolation(const absl::Status& status) {
  std::vector<FieldViolation> v = GetFieldViolations(status);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(v, SizeIs(1)) << status;
  return v.empty() ? FieldViolation{} : v[0];
}

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const auto& v : GetFieldViolations(status)) out.push_back(v.field);
  return out;
}

class VacancyRulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto regions = RegionRegistry::LoadFromDir(labor::testing::SourcePath("data/regions"));
    ASSERT_TRUE(regions.ok()) << regions.status();
    regions_ = regions->release();
    auto occupations = OccupationTaxonomy::LoadFromDir(labor::testing::SourcePath("data/taxonomy"));
    ASSERT_TRUE(occupations.ok()) << occupations.status();
    occupations_ = occupations->release();
    auto policy = DiscriminationPolicy::LoadFromDir(labor::testing::SourcePath("data/policy"));
    ASSERT_TRUE(policy.ok()) << policy.status();
    policy_ = policy->release();
  }

  static absl::Time Now() {
    return absl::FromCivil(absl::CivilSecond(2026, 3, 1, 9, 30, 0), absl::UTCTimeZone());
  }

  static VacancyRuleContext Ctx() {
    VacancyRuleContext ctx;
    ctx.regions = regions_;
    ctx.occupations = occupations_;
    ctx.policy = policy_;
    ctx.now = Now();
    return ctx;
  }

  // A forklift driver's job in Tongchuan as a poster would send it.
  static v1::Vacancy GoodVacancy() {
    v1::Vacancy v;
    v.set_title(" 叉车司机\xE3\x80\x80");
    v.set_location("511702001");
    *v.mutable_wage() = MakeWage(v1::WAGE_UNIT_MONTHLY, 4500'00, 6000'00);
    v.set_headcount(3);
    v.set_working_hours("8:00-17:30，月休4天");
    v.set_description("物流园仓库装卸，持叉车证，包住宿，缴纳社保");
    v.mutable_benefits()->set_room(true);
    v.mutable_benefits()->set_social_insurance(true);
    auto* skill = v.add_required_skills();
    skill->set_occupation_code(std::string(kForkliftCode));
    skill->set_level(v1::SKILL_LEVEL_5_ELEMENTARY);
    auto* cert = v.add_required_certificates();
    cert->set_kind(v1::CERTIFICATE_KIND_SPECIAL_OPERATION);
    cert->set_name("叉车司机 N1");
    v.set_employer_credit_code(CreditCode());
    v.set_employer_name("达州某物流有限公司");
    return v;
  }

  static v1::Vacancy Job(absl::string_view code, absl::string_view description) {
    v1::Vacancy v;
    v.set_title("招工");
    v.set_occupation_code(std::string(code));
    v.set_description(std::string(description));
    return v;
  }

  static RegionRegistry* regions_;
  static OccupationTaxonomy* occupations_;
  static DiscriminationPolicy* policy_;
};
RegionRegistry* VacancyRulesTest::regions_ = nullptr;
OccupationTaxonomy* VacancyRulesTest::occupations_ = nullptr;
DiscriminationPolicy* VacancyRulesTest::policy_ = nullptr;

// ---------------------------------------------------------------------------
// Policy files

TEST_F(VacancyRulesTest, PolicyListsAreConsistentWithTheClassification) {
  ASSERT_FALSE(policy_->exemptions().empty());
  for (const auto& e : policy_->exemptions()) {
    SCOPED_TRACE(e.occupation_prefix);
    EXPECT_TRUE(occupations_->ValidatePrefix(e.occupation_prefix).ok());
    // Only underground mine work (矿物采选人员), and only for men.
    EXPECT_TRUE(OccupationInBranch("6-16-01", e.occupation_prefix));
    EXPECT_EQ(e.requirement, v1::GENDER_REQUIREMENT_MALE);
    EXPECT_THAT(e.basis, HasSubstr("矿山井下作业"));
  }
  int gender = 0, ethnicity = 0, hukou = 0;
  for (const auto& t : policy_->terms()) {
    gender += t.ground == DiscriminationPolicy::Ground::kGender;
    ethnicity += t.ground == DiscriminationPolicy::Ground::kEthnicity;
    hukou += t.ground == DiscriminationPolicy::Ground::kHukou;
  }
  EXPECT_GT(gender, 10);
  EXPECT_GT(ethnicity, 5);
  EXPECT_GT(hukou, 5);
}

TEST_F(VacancyRulesTest, LawfulWordingIsNotFlagged) {
  for (absl::string_view text :
       {"男女不限，年龄18-50岁", "性别不限", "不限男性女性，能吃苦耐劳", "不仅限男性，女性也可",
        "农业户口、非农户口均可", "宿舍分男女，宿舍限女工入住", "欢迎少数民族同胞，尊重民族习惯",
        "城镇户口、农村户口均可"}) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(policy_->Check(Job(kCookCode, text), "vacancy").ok());
  }
}

TEST_F(VacancyRulesTest, PolicyLoadErrorsNameFileAndLine) {
  labor::testing::TempDir dir;
  EXPECT_EQ(DiscriminationPolicy::LoadFromDir(dir.path()).status().code(),
            absl::StatusCode::kNotFound);

  ASSERT_TRUE(labor::testing::WriteFile(dir.Sub("gender_exemptions.csv"),
                                        "occupation_prefix,requirement,basis\n"
                                        "6-16-01-05,MALE,矿山井下作业\n")
                  .ok());
  ASSERT_TRUE(labor::testing::WriteFile(dir.Sub("discrimination_terms.csv"),
                                        "term,ground\n限男性,gender\n限汉族,race\n")
                  .ok());
  absl::Status bad_ground = DiscriminationPolicy::LoadFromDir(dir.path()).status();
  EXPECT_EQ(bad_ground.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(bad_ground.message(), HasSubstr("discrimination_terms.csv:3"));
  EXPECT_THAT(bad_ground.message(), HasSubstr("race"));

  ASSERT_TRUE(labor::testing::WriteFile(dir.Sub("discrimination_terms.csv"),
                                        "term,ground\n限男性,gender\n限 男性,gender\n")
                  .ok());
  absl::Status twice = DiscriminationPolicy::LoadFromDir(dir.path()).status();
  EXPECT_EQ(twice.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(twice.message(), HasSubstr("listed twice"));

  ASSERT_TRUE(
      labor::testing::WriteFile(dir.Sub("discrimination_terms.csv"), "term,ground\n限男性,gender\n")
          .ok());
  for (const auto& [row, why] : std::vector<std::pair<std::string, std::string>>{
           {"6-16-01-05,BOTH,矿山井下作业", "MALE or FEMALE"},
           {"6-16-1,MALE,矿山井下作业", "6-16-1"},
           {"6-16-01-05,MALE,", "basis"}}) {
    ASSERT_TRUE(labor::testing::WriteFile(dir.Sub("gender_exemptions.csv"),
                                          "occupation_prefix,requirement,basis\n" + row + "\n")
                    .ok());
    absl::Status s = DiscriminationPolicy::LoadFromDir(dir.path()).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << row;
    EXPECT_THAT(s.message(), HasSubstr("gender_exemptions.csv:2")) << row;
    EXPECT_THAT(s.message(), HasSubstr(why)) << row;
  }
}

// ---------------------------------------------------------------------------
// Discrimination

TEST_F(VacancyRulesTest, GenderRequirementOnlyWhereExempt) {
  v1::Vacancy mining = Job(kUndergroundCode, "");
  mining.set_gender_requirement(v1::GENDER_REQUIREMENT_MALE);
  EXPECT_TRUE(policy_->Check(mining, "vacancy").ok());

  v1::Vacancy cook = Job(kCookCode, "");
  cook.set_gender_requirement(v1::GENDER_REQUIREMENT_MALE);
  FieldViolation v = OnlyViolation(policy_->Check(cook, "vacancy"));
  EXPECT_EQ(v.field, "vacancy.gender_requirement");
  EXPECT_THAT(v.description, HasSubstr("requires male applicants"));
  EXPECT_THAT(v.description, HasSubstr("就业促进法 art. 27"));
  EXPECT_THAT(v.description, HasSubstr("occupation 4-03-02-01 is not such work"));

  // Open-pit mining is not underground work.
  v1::Vacancy open_pit = Job(kOpenPitCode, "");
  open_pit.set_gender_requirement(v1::GENDER_REQUIREMENT_MALE);
  EXPECT_EQ(OnlyViolation(policy_->Check(open_pit, "v")).field, "v.gender_requirement");

  // The exemption is for a male requirement only.
  mining.set_gender_requirement(v1::GENDER_REQUIREMENT_FEMALE);
  v = OnlyViolation(policy_->Check(mining, "vacancy"));
  EXPECT_EQ(v.field, "vacancy.gender_requirement");
  EXPECT_THAT(v.description, HasSubstr("exempt only for a male requirement"));
  EXPECT_THAT(v.description, HasSubstr("矿山井下作业"));
}

TEST_F(VacancyRulesTest, GenderPhrasesRejectedUnlessExempt) {
  FieldViolation v =
      OnlyViolation(policy_->Check(Job(kCookCode, "招厨师，限男性，包吃住"), "vacancy"));
  EXPECT_EQ(v.field, "vacancy.description");
  EXPECT_EQ(
      v.description,
      "restricts applicants by gender (\"限男性\"), which 就业促进法 art. 27 forbids for this "
      "occupation");

  // Spaces (ASCII and full-width) between the characters do not hide a phrase.
  v = OnlyViolation(policy_->Check(Job(kCookCode, "限 男\xE3\x80\x80性"), "vacancy"));
  EXPECT_THAT(v.description, HasSubstr("\"限男性\""));

  // The longest phrase at a position is reported once; distinct ones together.
  v = OnlyViolation(policy_->Check(Job(kCookCode, "仅限男性；女士勿扰；仅限男性"), "vacancy"));
  EXPECT_THAT(v.description, HasSubstr("(\"仅限男性\", \"女士勿扰\")"));

  // In the title and working hours too.
  v1::Vacancy titled = Job(kCookCode, "");
  titled.set_title("厨师（女性优先）");
  EXPECT_EQ(OnlyViolation(policy_->Check(titled, "items[3].vacancy")).field,
            "items[3].vacancy.title");
  v1::Vacancy hours = Job(kCookCode, "");
  hours.set_working_hours("夜班只招男性");
  EXPECT_EQ(OnlyViolation(policy_->Check(hours, "vacancy")).field, "vacancy.working_hours");

  // Lawful for underground mining.
  EXPECT_TRUE(policy_->Check(Job(kUndergroundCode, "井下作业，限男性，男性优先"), "vacancy").ok());
}

TEST(DiscriminationPolicyTest, FindsTermsOfAnyLengthAtAnyPosition) {
  using Ground = DiscriminationPolicy::Ground;
  auto policy = DiscriminationPolicy::FromLists(
      {{"X", Ground::kEthnicity}, {"限男", Ground::kGender}, {"限男性", Ground::kGender},
       {"农村户口", Ground::kHukou}},
      {});
  auto check = [&policy](const std::string& description) {
    v1::Vacancy v;
    v.set_occupation_code("4-03-02-01");
    v.set_description(description);
    return policy->Check(v, "v");
  };
  EXPECT_TRUE(check("").ok());
  EXPECT_TRUE(check("男性女性均可").ok());
  // A one-byte term, alone and twice.
  EXPECT_THAT(OnlyViolation(check("X")).description, HasSubstr("(\"X\")"));
  EXPECT_THAT(OnlyViolation(check("aXbX")).description, HasSubstr("(\"X\")"));
  // At the very end, at the start, and the longest where two start together.
  EXPECT_THAT(OnlyViolation(check("招工限男")).description, HasSubstr("(\"限男\")"));
  EXPECT_THAT(OnlyViolation(check("限男性优先")).description, HasSubstr("(\"限男性\")"));
  EXPECT_TRUE(check("不限男性").ok()) << "negated";
  // Different grounds in one text: one violation per ground.
  std::vector<FieldViolation> both = GetFieldViolations(check("限男；限农村户口"));
  ASSERT_EQ(both.size(), 2u);
  EXPECT_THAT(both[0].description, HasSubstr("gender (\"限男\")"));
  EXPECT_THAT(both[1].description, HasSubstr("hukou (\"农村户口\")"));
}

TEST_F(VacancyRulesTest, EthnicityAndHukouPhrasesRejectedEvenWhenExempt) {
  v1::Vacancy v = Job(kUndergroundCode, "限男性，不招农村户口");
  v.set_title("井下采矿工 限汉族");
  v.set_gender_requirement(v1::GENDER_REQUIREMENT_MALE);
  absl::Status s = policy_->Check(v, "vacancy");
  std::vector<FieldViolation> violations = GetFieldViolations(s);
  ASSERT_THAT(violations, SizeIs(2)) << s;
  EXPECT_EQ(violations[0].field, "vacancy.title");
  EXPECT_THAT(violations[0].description,
              HasSubstr("restricts applicants by ethnicity (\"限汉族\")"));
  EXPECT_THAT(violations[0].description, HasSubstr("就业促进法 art. 28"));
  EXPECT_EQ(violations[1].field, "vacancy.description");
  EXPECT_THAT(violations[1].description,
              HasSubstr("restricts applicants by hukou (\"不招农村户口\")"));
  EXPECT_THAT(violations[1].description, HasSubstr("就业促进法 art. 31"));

  // Two grounds in one field: one violation each.
  s = policy_->Check(Job(kCookCode, "男性优先，少数民族勿扰"), "vacancy");
  EXPECT_THAT(Fields(s), ElementsAre("vacancy.description", "vacancy.description"));
  EXPECT_THAT(s.message(), HasSubstr("by gender (\"男性优先\")"));
  EXPECT_THAT(s.message(), HasSubstr("by ethnicity (\"少数民族勿扰\")"));
}

TEST_F(VacancyRulesTest, PolicyFromListsStripsSpacesFromTerms) {
  auto policy =
      DiscriminationPolicy::FromLists({{"限 本地户口", DiscriminationPolicy::Ground::kHukou}},
                                      {{"6-16", v1::GENDER_REQUIREMENT_MALE, "test"}});
  EXPECT_EQ(policy->terms()[0].text, "限本地户口");
  EXPECT_FALSE(policy->Check(Job(kCookCode, "限本地 户口"), "v").ok());
  v1::Vacancy oil = Job("6-16-02-02", "");  // in the configured branch 6-16
  oil.set_gender_requirement(v1::GENDER_REQUIREMENT_MALE);
  EXPECT_TRUE(policy->Check(oil, "v").ok());
}

// ---------------------------------------------------------------------------
// Wages

TEST_F(VacancyRulesTest, WageNormalizationToMonthly) {
  v1::Wage daily = MakeWage(v1::WAGE_UNIT_DAILY, 200'00, 200'00);
  ASSERT_TRUE(NormalizeWage(&daily, "wage").ok());
  EXPECT_EQ(daily.monthly_min().fen(), 4350'00);
  EXPECT_EQ(daily.monthly_max().fen(), 4350'00);

  v1::Wage hourly = MakeWage(v1::WAGE_UNIT_HOURLY, 25'00, 30'00);
  ASSERT_TRUE(NormalizeWage(&hourly, "wage").ok());
  EXPECT_EQ(hourly.monthly_min().fen(), 4350'00);
  EXPECT_EQ(hourly.monthly_max().fen(), 5220'00);

  v1::Wage monthly = MakeWage(v1::WAGE_UNIT_MONTHLY, 0, 8000'00);
  monthly.mutable_monthly_min()->set_fen(1);  // output only for monthly: overwritten
  ASSERT_TRUE(NormalizeWage(&monthly, "wage").ok());
  EXPECT_EQ(monthly.monthly_min().fen(), 0);
  EXPECT_EQ(monthly.monthly_max().fen(), 8000'00);

  // Daily rounds to the nearest fen: 1 fen -> 21.75 -> 22; 3 -> 65.25 -> 65; 2 -> 43.5 -> 44.
  v1::Wage odd = MakeWage(v1::WAGE_UNIT_DAILY, 1, 3);
  ASSERT_TRUE(NormalizeWage(&odd, "wage").ok());
  EXPECT_EQ(odd.monthly_min().fen(), 22);
  EXPECT_EQ(odd.monthly_max().fen(), 65);
  v1::Wage half = MakeWage(v1::WAGE_UNIT_DAILY, 2, 2);
  ASSERT_TRUE(NormalizeWage(&half, "wage").ok());
  EXPECT_EQ(half.monthly_min().fen(), 44);
}

TEST_F(VacancyRulesTest, PieceRateNeedsMonthlyFigures) {
  v1::Wage piece = MakeWage(v1::WAGE_UNIT_PIECE, 50, 80);  // 0.5-0.8 yuan a piece
  absl::Status s = NormalizeWage(&piece, "vacancy.wage");
  EXPECT_THAT(Fields(s), ElementsAre("vacancy.wage.monthly_min", "vacancy.wage.monthly_max"));
  EXPECT_THAT(s.message(), HasSubstr("required for a piece rate"));

  *piece.mutable_monthly_min() = Yuan(5000);
  *piece.mutable_monthly_max() = Yuan(8000);
  ASSERT_TRUE(NormalizeWage(&piece, "vacancy.wage").ok());
  EXPECT_EQ(piece.monthly_min().fen(), 5000'00);
  EXPECT_EQ(piece.monthly_max().fen(), 8000'00);
  EXPECT_EQ(piece.min().fen(), 50);

  *piece.mutable_monthly_max() = Yuan(4000);
  EXPECT_EQ(OnlyViolation(NormalizeWage(&piece, "w")).field, "w.monthly_max");
  *piece.mutable_monthly_max() = Yuan(2'000'000);
  FieldViolation v = OnlyViolation(NormalizeWage(&piece, "w"));
  EXPECT_EQ(v.field, "w.monthly_max");
  EXPECT_THAT(v.description, HasSubstr("1,000,000 yuan"));
}

TEST_F(VacancyRulesTest, BadWages) {
  struct Case {
    v1::Wage wage;
    std::string field;
    std::string why;
  };
  v1::Wage bad_unit = MakeWage(v1::WAGE_UNIT_MONTHLY, 1, 2);
  bad_unit.set_unit(static_cast<v1::WageUnit>(9));
  const std::vector<Case> cases = {
      {MakeWage(v1::WAGE_UNIT_MONTHLY, -100, 500'00), "w.min", "negative"},
      {MakeWage(v1::WAGE_UNIT_MONTHLY, 6000'00, 5000'00), "w.max", "below wage.min"},
      {MakeWage(v1::WAGE_UNIT_UNSPECIFIED, 4000'00, 5000'00), "w.unit", "required"},
      {MakeWage(v1::WAGE_UNIT_DAILY, 0, 0), "w.max", "required when a unit is given"},
      {MakeWage(v1::WAGE_UNIT_MONTHLY, 0, 1'000'001'00), "w.max", "implausible"},
      // 6,000 yuan an hour is 1,044,000 yuan a month.
      {MakeWage(v1::WAGE_UNIT_HOURLY, 0, 6000'00), "w.max", "8 hours x 21.75 days"},
      {bad_unit, "w.unit", "not a known wage unit"},
  };
  for (Case c : cases) {
    SCOPED_TRACE(c.wage.ShortDebugString());
    FieldViolation v = OnlyViolation(NormalizeWage(&c.wage, "w"));
    EXPECT_EQ(v.field, c.field);
    EXPECT_THAT(v.description, HasSubstr(c.why));
  }
  // Exactly 1,000,000 yuan a month is still accepted.
  v1::Wage top = MakeWage(v1::WAGE_UNIT_MONTHLY, 0, 1'000'000'00);
  EXPECT_TRUE(NormalizeWage(&top, "w").ok());
}

TEST_F(VacancyRulesTest, NoStatedWage) {
  v1::Wage none;
  none.mutable_monthly_max()->set_fen(5000'00);  // output only without a unit
  ASSERT_TRUE(NormalizeWage(&none, "w").ok());
  EXPECT_FALSE(none.has_monthly_max());
  EXPECT_FALSE(HasStatedWage(none));
  EXPECT_TRUE(HasStatedWage(Monthly(4000, 5000)));
}

TEST_F(VacancyRulesTest, WagesOverlap) {
  EXPECT_TRUE(WagesOverlap(Monthly(4000, 5000), Monthly(4500, 6000)));
  EXPECT_TRUE(WagesOverlap(Monthly(4000, 5000), Monthly(5000, 6000)));  // touching
  EXPECT_FALSE(WagesOverlap(Monthly(4000, 5000), Monthly(5001, 6000)));
  EXPECT_FALSE(WagesOverlap(Monthly(5001, 6000), Monthly(4000, 5000)));
  EXPECT_TRUE(WagesOverlap(Monthly(3000, 9000), Monthly(4000, 5000)));  // contained
  EXPECT_TRUE(WagesOverlap(v1::Wage(), Monthly(4000, 5000)));           // 面议 overlaps any
  EXPECT_TRUE(WagesOverlap(Monthly(4000, 5000), v1::Wage()));
  // Different units compare by their monthly figures: 200 yuan/day = 4350 yuan/month.
  v1::Wage daily = MakeWage(v1::WAGE_UNIT_DAILY, 200'00, 200'00);
  ASSERT_TRUE(NormalizeWage(&daily, "w").ok());
  EXPECT_TRUE(WagesOverlap(daily, Monthly(4000, 4350)));
  EXPECT_FALSE(WagesOverlap(daily, Monthly(4400, 5000)));
}

// ---------------------------------------------------------------------------
// Vacancies

TEST_F(VacancyRulesTest, NormalizesAGoodVacancy) {
  v1::Vacancy v = GoodVacancy();
  v.mutable_required_skills(0)->set_occupation_name("client-supplied name");  // ignored
  v.set_employer_credit_code(absl::AsciiStrToLower(CreditCode()));
  ASSERT_TRUE(NormalizeVacancy(Ctx(), &v, "vacancy").ok());
  EXPECT_EQ(v.title(), "叉车司机");
  EXPECT_EQ(v.occupation_code(), kForkliftCode);  // mapped from the title's alias
  EXPECT_EQ(v.required_skills(0).occupation_name(), "起重装卸机械操作工");
  EXPECT_EQ(v.wage().monthly_min().fen(), 4500'00);
  EXPECT_EQ(v.wage().monthly_max().fen(), 6000'00);
  EXPECT_EQ(FromProto(v.expires_at()), Now() + kDefaultVacancyLifetime);
  EXPECT_EQ(v.employer_credit_code(), CreditCode());

  // 60 characters is the longest title.
  v1::Vacancy longest = GoodVacancy();
  std::string title = "叉车司机";
  while (title.size() < 60 * 3) title += "工";
  longest.set_title(title);
  EXPECT_TRUE(NormalizeVacancy(Ctx(), &longest, "vacancy").ok());

  // A given code is kept, not re-mapped from the title.
  v1::Vacancy coded = GoodVacancy();
  coded.set_occupation_code("6-30-05-02");
  ASSERT_TRUE(NormalizeVacancy(Ctx(), &coded, "vacancy").ok());
  EXPECT_EQ(coded.occupation_code(), "6-30-05-02");

  // A location of any level, and no stated wage.
  v1::Vacancy province = GoodVacancy();
  province.set_location("44");
  province.clear_wage();
  province.clear_employer_credit_code();
  province.clear_employer_name();
  EXPECT_TRUE(NormalizeVacancy(Ctx(), &province, "vacancy").ok());
}

TEST_F(VacancyRulesTest, TitleMapping) {
  v1::Vacancy cook = GoodVacancy();
  cook.set_title("后厨");
  cook.clear_required_skills();
  ASSERT_TRUE(NormalizeVacancy(Ctx(), &cook, "vacancy").ok());
  EXPECT_EQ(cook.occupation_code(), kCookCode);

  v1::Vacancy unknown = GoodVacancy();
  unknown.set_title("xyzzy");
  FieldViolation v = OnlyViolation(NormalizeVacancy(Ctx(), &unknown, "vacancy"));
  EXPECT_EQ(v.field, "vacancy.occupation_code");
  EXPECT_THAT(v.description, HasSubstr("\"xyzzy\" names no occupation"));

  v1::Vacancy bad_code = GoodVacancy();
  bad_code.set_occupation_code("6-99-99-99");
  v = OnlyViolation(NormalizeVacancy(Ctx(), &bad_code, "vacancy"));
  EXPECT_EQ(v.field, "vacancy.occupation_code");
  EXPECT_EQ(v.description, "unknown occupation code");

  v1::Vacancy no_title = GoodVacancy();
  no_title.set_title("  ");
  EXPECT_THAT(Fields(NormalizeVacancy(Ctx(), &no_title, "vacancy")),
              ElementsAre("vacancy.title", "vacancy.occupation_code"));
}

TEST_F(VacancyRulesTest, EachBadFieldIsNamed) {
  struct Case {
    std::string name;
    std::function<void(v1::Vacancy*)> mutate;
    std::string field;
    std::string why;
  };
  const absl::Time now = Now();
  const std::vector<Case> cases = {
      {"title of 61 characters",
       [](v1::Vacancy* v) {
         std::string t = "叉车司机";
         while (t.size() < 61 * 3) t += "工";
         v->set_title(t);
       },
       "vacancy.title", "at most 60"},
      {"description", [](v1::Vacancy* v) { v->set_description(std::string(2001, 'x')); },
       "vacancy.description", "at most 2000"},
      {"control char", [](v1::Vacancy* v) { v->set_description("a\nb"); }, "vacancy.description",
       "control characters"},
      {"working hours", [](v1::Vacancy* v) { v->set_working_hours(std::string(101, 'x')); },
       "vacancy.working_hours", "at most 100"},
      {"no location", [](v1::Vacancy* v) { v->clear_location(); }, "vacancy.location", "required"},
      {"unknown location", [](v1::Vacancy* v) { v->set_location("511799"); }, "vacancy.location",
       "unknown region code"},
      {"headcount 0", [](v1::Vacancy* v) { v->set_headcount(0); }, "vacancy.headcount", "1..10000"},
      {"headcount 10001", [](v1::Vacancy* v) { v->set_headcount(10001); }, "vacancy.headcount",
       "1..10000"},
      {"inverted wage", [](v1::Vacancy* v) { v->mutable_wage()->mutable_max()->set_fen(1); },
       "vacancy.wage.max", "below wage.min"},
      {"expires now", [now](v1::Vacancy* v) { *v->mutable_expires_at() = ToProto(now); },
       "vacancy.expires_at", "in the future"},
      {"expires in the past",
       [now](v1::Vacancy* v) { *v->mutable_expires_at() = ToProto(now - absl::Hours(1)); },
       "vacancy.expires_at", "in the future"},
      {"expires too late",
       [now](v1::Vacancy* v) {
         *v->mutable_expires_at() = ToProto(now + kMaxVacancyLifetime + absl::Seconds(1));
       },
       "vacancy.expires_at", "at most 366 days ahead"},
      {"bad nanos", [](v1::Vacancy* v) { v->mutable_expires_at()->set_nanos(-1); },
       "vacancy.expires_at", "not a valid timestamp"},
      {"unknown skill",
       [](v1::Vacancy* v) { v->mutable_required_skills(0)->set_occupation_code("6-30-05"); },
       "vacancy.required_skills[0].occupation_code", "must be an occupation code"},
      {"skill twice", [](v1::Vacancy* v) { *v->add_required_skills() = v->required_skills(0); },
       "vacancy.required_skills[1].occupation_code", "listed twice"},
      {"skill level",
       [](v1::Vacancy* v) {
         v->mutable_required_skills(0)->set_level(static_cast<v1::SkillLevel>(42));
       },
       "vacancy.required_skills[0].level", "not a known skill level"},
      {"skill years", [](v1::Vacancy* v) { v->mutable_required_skills(0)->set_years(61); },
       "vacancy.required_skills[0].years", "0..60"},
      {"too many skills",
       [](v1::Vacancy* v) {
         for (int i = 0; i < kMaxRequiredSkills; ++i)
           *v->add_required_skills() = v->required_skills(0);
       },
       "vacancy.required_skills", "at most 20"},
      {"certificate kind",
       [](v1::Vacancy* v) { v->mutable_required_certificates(0)->clear_kind(); },
       "vacancy.required_certificates[0].kind", "required"},
      {"certificate name",
       [](v1::Vacancy* v) { v->mutable_required_certificates(0)->clear_name(); },
       "vacancy.required_certificates[0].name", "required"},
      {"certificate occupation",
       [](v1::Vacancy* v) {
         v->mutable_required_certificates(0)->set_occupation_code("9-99-99-99");
       },
       "vacancy.required_certificates[0].occupation_code", "unknown occupation code"},
      {"certificate date",
       [](v1::Vacancy* v) {
         auto* d = v->mutable_required_certificates(0)->mutable_expires_on();
         d->set_year(2027);
         d->set_month(2);
         d->set_day(29);
       },
       "vacancy.required_certificates[0].expires_on", "not a real calendar date"},
      {"too many certificates",
       [](v1::Vacancy* v) {
         for (int i = 0; i < kMaxRequiredCertificates; ++i) {
           *v->add_required_certificates() = v->required_certificates(0);
         }
       },
       "vacancy.required_certificates", "at most 20"},
      {"credit code",
       [](v1::Vacancy* v) {
         std::string c = CreditCode();
         c.back() = c.back() == '0' ? '1' : '0';
         v->set_employer_credit_code(c);
       },
       "vacancy.employer_credit_code", "GB 32100"},
      {"employer name", [](v1::Vacancy* v) { v->set_employer_name(std::string(101, 'x')); },
       "vacancy.employer_name", "at most 100"},
      {"gender enum",
       [](v1::Vacancy* v) { v->set_gender_requirement(static_cast<v1::GenderRequirement>(7)); },
       "vacancy.gender_requirement", "not a known gender requirement"},
      {"gender restriction",
       [](v1::Vacancy* v) { v->set_gender_requirement(v1::GENDER_REQUIREMENT_MALE); },
       "vacancy.gender_requirement", "就业促进法 art. 27"},
      {"hukou phrase", [](v1::Vacancy* v) { v->set_description("限城镇户口"); },
       "vacancy.description", "就业促进法 art. 31"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Vacancy v = GoodVacancy();
    c.mutate(&v);
    FieldViolation violation = OnlyViolation(NormalizeVacancy(Ctx(), &v, "vacancy"));
    EXPECT_EQ(violation.field, c.field);
    EXPECT_THAT(violation.description, HasSubstr(c.why));
  }
}

TEST_F(VacancyRulesTest, ExpiryBoundariesAndEveryViolationAtOnce) {
  v1::Vacancy last_day = GoodVacancy();
  *last_day.mutable_expires_at() = ToProto(Now() + kMaxVacancyLifetime);
  EXPECT_TRUE(NormalizeVacancy(Ctx(), &last_day, "vacancy").ok());
  v1::Vacancy soon = GoodVacancy();
  *soon.mutable_expires_at() = ToProto(Now() + absl::Seconds(1));
  EXPECT_TRUE(NormalizeVacancy(Ctx(), &soon, "vacancy").ok());

  v1::Vacancy bad = GoodVacancy();
  bad.set_location("99");
  bad.set_headcount(-1);
  bad.mutable_wage()->mutable_min()->set_fen(-1);
  bad.set_description("不招少数民族");
  EXPECT_THAT(Fields(NormalizeVacancy(Ctx(), &bad, "items[3].vacancy")),
              ElementsAre("items[3].vacancy.location", "items[3].vacancy.wage.min",
                          "items[3].vacancy.headcount", "items[3].vacancy.description"));
}

TEST_F(VacancyRulesTest, MiningVacancyMayRequireMen) {
  v1::Vacancy v = GoodVacancy();
  v.set_title("井下采矿工");
  v.clear_occupation_code();
  v.clear_required_skills();
  v.clear_required_certificates();
  v.set_description("煤矿井下采掘，限男性");
  v.set_gender_requirement(v1::GENDER_REQUIREMENT_MALE);
  ASSERT_TRUE(NormalizeVacancy(Ctx(), &v, "vacancy").ok());
  EXPECT_EQ(v.occupation_code(), kUndergroundCode);
}

// ---------------------------------------------------------------------------
// Update masks

TEST_F(VacancyRulesTest, ApplyVacancyMask) {
  v1::Vacancy target = GoodVacancy();
  target.set_vacancy_id("v_1");
  target.set_status(v1::VACANCY_STATUS_OPEN);
  v1::Vacancy patch;
  patch.set_title("叉车工");
  *patch.mutable_wage() = MakeWage(v1::WAGE_UNIT_DAILY, 180'00, 220'00);
  patch.set_headcount(9);  // not in the mask: ignored
  patch.set_status(v1::VACANCY_STATUS_CLOSED);
  patch.add_required_skills()->set_occupation_code(std::string(kCookCode));

  google::protobuf::FieldMask mask;
  mask.add_paths("title");
  mask.add_paths("wage");
  mask.add_paths("required_skills");
  ASSERT_TRUE(ApplyVacancyMask(mask, patch, &target).ok());
  EXPECT_EQ(target.title(), "叉车工");
  EXPECT_EQ(target.wage().unit(), v1::WAGE_UNIT_DAILY);
  EXPECT_EQ(target.wage().min().fen(), 180'00);
  ASSERT_EQ(target.required_skills_size(), 1);  // replaced as a whole
  EXPECT_EQ(target.required_skills(0).occupation_code(), kCookCode);
  EXPECT_EQ(target.headcount(), 3);
  EXPECT_EQ(target.status(), v1::VACANCY_STATUS_OPEN);
  EXPECT_EQ(target.description(), GoodVacancy().description());

  // Clearing through the mask.
  google::protobuf::FieldMask clear;
  clear.add_paths("description");
  clear.add_paths("gender_requirement");
  ASSERT_TRUE(ApplyVacancyMask(clear, v1::Vacancy(), &target).ok());
  EXPECT_TRUE(target.description().empty());
}

TEST_F(VacancyRulesTest, ApplyVacancyMaskErrors) {
  const v1::Vacancy original = GoodVacancy();
  v1::Vacancy target = original;
  v1::Vacancy patch;
  patch.set_title("changed");

  FieldViolation v = OnlyViolation(ApplyVacancyMask({}, patch, &target));
  EXPECT_EQ(v.field, "update_mask");
  EXPECT_THAT(v.description, HasSubstr("required"));

  google::protobuf::FieldMask mask;
  for (const char* p : {"title", "status", "salary", "wage.min", "remaining", "employer_id",
                        "fair_ids", "vacancy_id"}) {
    mask.add_paths(p);
  }
  absl::Status s = ApplyVacancyMask(mask, patch, &target);
  std::vector<FieldViolation> violations = GetFieldViolations(s);
  ASSERT_THAT(violations, SizeIs(7)) << s;
  EXPECT_EQ(violations[0].field, "update_mask.paths[1]");
  EXPECT_THAT(violations[0].description, HasSubstr("ChangeVacancyStatus"));
  EXPECT_EQ(violations[1].field, "update_mask.paths[2]");
  EXPECT_THAT(violations[1].description, HasSubstr("'salary' is not a field of Vacancy"));
  EXPECT_THAT(violations[2].description, HasSubstr("'wage' is replaced as a whole"));
  EXPECT_THAT(violations[3].description, HasSubstr("'remaining' is output only"));
  EXPECT_THAT(violations[4].description, HasSubstr("cannot change"));
  EXPECT_THAT(violations[5].description, HasSubstr("AttachToFair"));
  EXPECT_EQ(violations[6].field, "update_mask.paths[7]");
  // Nothing applied on error, not even the good path.
  EXPECT_EQ(target.title(), original.title());
}

// ---------------------------------------------------------------------------
// Duplicates and fingerprints

TEST_F(VacancyRulesTest, DedupKey) {
  v1::Vacancy a;
  a.set_employer_id("e_1");
  a.set_occupation_code(std::string(kForkliftCode));
  a.set_location("511702001");
  v1::Vacancy b = a;
  b.set_location("511702102");  // another township of the same county
  EXPECT_EQ(DedupKey(a), DedupKey(b));
  b.set_location("511702");  // the county itself
  EXPECT_EQ(DedupKey(a), DedupKey(b));
  b.set_location("511703001");  // another county
  EXPECT_NE(DedupKey(a), DedupKey(b));
  b.set_location("5117");  // the city compares as itself
  EXPECT_NE(DedupKey(a), DedupKey(b));
  v1::Vacancy c = a;
  c.set_location("5117");
  EXPECT_EQ(DedupKey(b), DedupKey(c));

  b = a;
  b.set_employer_id("e_2");
  EXPECT_NE(DedupKey(a), DedupKey(b));
  b = a;
  b.set_occupation_code("6-30-05-02");
  EXPECT_NE(DedupKey(a), DedupKey(b));
}

TEST_F(VacancyRulesTest, FingerprintCoversContentOnly) {
  v1::Vacancy v = GoodVacancy();
  ASSERT_TRUE(NormalizeVacancy(Ctx(), &v, "vacancy").ok());
  const std::string fp = Fingerprint(v);
  EXPECT_EQ(fp.size(), 64u);
  EXPECT_EQ(fp, Fingerprint(v1::Vacancy(v)));

  v1::Vacancy output = v;
  output.set_vacancy_id("v_9");
  output.set_version(7);
  output.set_employer_id("e_3");
  output.set_remaining(1);
  *output.mutable_posted_at() = ToProto(Now());
  *output.mutable_updated_at() = ToProto(Now() + absl::Hours(1));
  auto* source = output.add_sources();
  source->set_kind(v1::SOURCE_KIND_PARTNER);
  source->set_external_id("x-1");
  output.set_status(v1::VACANCY_STATUS_FILLED);
  output.set_status_reason("招满");
  output.set_employer_blacklisted(true);
  output.add_fair_ids("f_1");
  output.mutable_required_skills(0)->set_occupation_name("anything");
  EXPECT_EQ(Fingerprint(output), fp);

  const std::vector<std::function<void(v1::Vacancy*)>> changes = {
      [](v1::Vacancy* c) { c->set_title("叉车工"); },
      [](v1::Vacancy* c) { c->mutable_wage()->mutable_max()->set_fen(6100'00); },
      [](v1::Vacancy* c) { c->set_headcount(4); },
      [](v1::Vacancy* c) { c->mutable_expires_at()->set_seconds(c->expires_at().seconds() + 1); },
      [](v1::Vacancy* c) { c->mutable_benefits()->set_board(true); },
      [](v1::Vacancy* c) { c->set_location("511702102"); },
      [](v1::Vacancy* c) { c->mutable_required_skills(0)->set_level(v1::SKILL_LEVEL_3_ADVANCED); },
      [](v1::Vacancy* c) { c->set_employer_name("另一家公司"); },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    v1::Vacancy changed = v;
    changes[i](&changed);
    EXPECT_NE(Fingerprint(changed), fp) << "change " << i;
  }
}

// ---------------------------------------------------------------------------
// Employers, blacklist, fairs

TEST_F(VacancyRulesTest, NormalizeEmployer) {
  v1::Employer e;
  e.set_credit_code(absl::StrCat(" ", absl::AsciiStrToLower(CreditCode()), " "));
  e.set_name(" 达州某建筑劳务有限公司 ");
  e.set_region("511702");
  e.set_contact_name("张经理");
  e.set_contact_phone("+86 138-1234-5678");
  ASSERT_TRUE(NormalizeEmployer(*regions_, &e, "employer").ok());
  EXPECT_EQ(e.credit_code(), CreditCode());
  EXPECT_EQ(e.name(), "达州某建筑劳务有限公司");
  EXPECT_EQ(e.contact_phone(), "13812345678");

  v1::Employer bad = e;
  std::string code = CreditCode();
  code.back() = code.back() == '0' ? '1' : '0';
  bad.set_credit_code(code);
  bad.clear_name();
  bad.set_region("511799");
  bad.set_contact_phone("12345");
  absl::Status s = NormalizeEmployer(*regions_, &bad, "employer");
  EXPECT_THAT(Fields(s), ElementsAre("employer.credit_code", "employer.name", "employer.region",
                                     "employer.contact_phone"));
  EXPECT_THAT(s.message(), HasSubstr("employer.credit_code: check character does not match"));
  EXPECT_THAT(s.message(), HasSubstr("employer.name: is required"));

  v1::Employer missing;
  EXPECT_THAT(Fields(NormalizeEmployer(*regions_, &missing, "")),
              ElementsAre("credit_code", "name", "region"));
}

TEST_F(VacancyRulesTest, NormalizeBlacklistEntry) {
  const absl::CivilDay today(2026, 3, 1);
  v1::BlacklistEntry e;
  e.set_reason("拖欠32名农民工工资共计45万元");
  e.set_source("达州市人社局 达市人社欠薪〔2026〕3号");
  ASSERT_TRUE(NormalizeBlacklistEntry(today, &e, "entry").ok());
  EXPECT_EQ(ToCivil(e.listed_on()), today);
  EXPECT_EQ(ToCivil(e.expires_on()), absl::CivilDay(2029, 3, 1));

  v1::BlacklistEntry leap = e;
  *leap.mutable_listed_on() = FromCivil(absl::CivilDay(2024, 2, 29));
  ASSERT_TRUE(NormalizeBlacklistEntry(today, &leap, "entry").ok());
  EXPECT_EQ(ToCivil(leap.expires_on()), absl::CivilDay(2027, 2, 28));

  v1::BlacklistEntry future = e;
  *future.mutable_listed_on() = FromCivil(today + 1);
  FieldViolation v = OnlyViolation(NormalizeBlacklistEntry(today, &future, "entry"));
  EXPECT_EQ(v.field, "entry.listed_on");
  EXPECT_EQ(v.description, "is in the future");

  v1::BlacklistEntry ancient = e;
  *ancient.mutable_listed_on() = FromCivil(absl::CivilDay(1800, 1, 1));
  v = OnlyViolation(NormalizeBlacklistEntry(today, &ancient, "entry"));
  EXPECT_EQ(v.field, "entry.listed_on");
  EXPECT_EQ(v.description, "must be between 2016-03-01 and 2026-03-01");

  v1::BlacklistEntry unreal = e;
  unreal.mutable_listed_on()->set_month(2);
  unreal.mutable_listed_on()->set_day(30);
  v = OnlyViolation(NormalizeBlacklistEntry(today, &unreal, "entry"));
  EXPECT_EQ(v.field, "entry.listed_on");
  EXPECT_THAT(v.description, HasSubstr("not a real calendar date"));

  v1::BlacklistEntry texts;
  texts.set_reason(std::string(501, 'x'));
  EXPECT_THAT(Fields(NormalizeBlacklistEntry(today, &texts, "entry")),
              ElementsAre("entry.reason", "entry.source"));
  texts.set_reason(std::string(500, 'x'));
  texts.set_source(std::string(200, 'y'));
  EXPECT_TRUE(NormalizeBlacklistEntry(today, &texts, "entry").ok());
}

TEST_F(VacancyRulesTest, BlacklistActive) {
  v1::BlacklistEntry e;
  e.set_reason("欠薪");
  e.set_source("决定书");
  *e.mutable_listed_on() = FromCivil(absl::CivilDay(2023, 3, 10));
  ASSERT_TRUE(NormalizeBlacklistEntry(absl::CivilDay(2023, 3, 10), &e, "e").ok());
  EXPECT_FALSE(BlacklistActive(e, absl::CivilDay(2023, 3, 9)));
  EXPECT_TRUE(BlacklistActive(e, absl::CivilDay(2023, 3, 10)));
  EXPECT_TRUE(BlacklistActive(e, absl::CivilDay(2026, 3, 9)));
  EXPECT_FALSE(BlacklistActive(e, absl::CivilDay(2026, 3, 10)));  // ends by itself

  v1::BlacklistEntry lifted = e;
  *lifted.mutable_lifted_on() = FromCivil(absl::CivilDay(2024, 1, 1));
  EXPECT_TRUE(BlacklistActive(lifted, absl::CivilDay(2023, 12, 31)));
  EXPECT_FALSE(BlacklistActive(lifted, absl::CivilDay(2024, 1, 1)));
  EXPECT_FALSE(BlacklistActive(lifted, absl::CivilDay(2025, 1, 1)));

  // Listed on Feb 29: in force through Feb 27 three years on.
  v1::BlacklistEntry leap;
  *leap.mutable_listed_on() = FromCivil(absl::CivilDay(2024, 2, 29));
  EXPECT_TRUE(BlacklistActive(leap, absl::CivilDay(2027, 2, 27)));  // expires_on not stored
  EXPECT_FALSE(BlacklistActive(leap, absl::CivilDay(2027, 2, 28)));
  leap.set_reason("欠薪");
  leap.set_source("决定书");
  ASSERT_TRUE(NormalizeBlacklistEntry(absl::CivilDay(2024, 3, 1), &leap, "e").ok());
  EXPECT_TRUE(BlacklistActive(leap, absl::CivilDay(2027, 2, 27)));
  EXPECT_FALSE(BlacklistActive(leap, absl::CivilDay(2027, 2, 28)));

  EXPECT_FALSE(BlacklistActive(v1::BlacklistEntry(), absl::CivilDay(2026, 1, 1)));
}

constexpr absl::CivilDay kFairToday(2026, 1, 10);

TEST_F(VacancyRulesTest, NormalizeFair) {
  v1::JobFair f;
  f.set_name(" 2026年春风行动专场招聘会 ");
  f.set_kind(v1::FAIR_KIND_SPRING_BREEZE);
  *f.mutable_start_date() = FromCivil(absl::CivilDay(2026, 2, 20));
  *f.mutable_end_date() = FromCivil(absl::CivilDay(2026, 3, 22));  // 31 days
  f.set_venue_region("511702001");
  f.set_venue("通川区人力资源市场");
  f.set_organizer("通川区就业服务中心");
  ASSERT_TRUE(NormalizeFair(*regions_, kFairToday, &f, "fair").ok());
  EXPECT_EQ(f.name(), "2026年春风行动专场招聘会");

  v1::JobFair too_long = f;
  *too_long.mutable_end_date() = FromCivil(absl::CivilDay(2026, 3, 23));
  FieldViolation v = OnlyViolation(NormalizeFair(*regions_, kFairToday, &too_long, "fair"));
  EXPECT_EQ(v.field, "fair.end_date");
  EXPECT_THAT(v.description, HasSubstr("at most 31 days"));

  v1::JobFair inverted = f;
  *inverted.mutable_end_date() = FromCivil(absl::CivilDay(2026, 2, 19));
  v = OnlyViolation(NormalizeFair(*regions_, kFairToday, &inverted, "fair"));
  EXPECT_EQ(v.field, "fair.end_date");
  EXPECT_EQ(v.description, "is before start_date");

  v1::JobFair one_day = f;
  *one_day.mutable_end_date() = one_day.start_date();
  EXPECT_TRUE(NormalizeFair(*regions_, kFairToday, &one_day, "fair").ok());

  v1::JobFair bad = f;
  bad.clear_kind();
  bad.mutable_start_date()->set_day(30);
  bad.mutable_start_date()->set_month(2);
  bad.set_venue_region("1");
  bad.clear_organizer();
  EXPECT_THAT(Fields(NormalizeFair(*regions_, kFairToday, &bad, "fair")),
              ElementsAre("fair.kind", "fair.start_date", "fair.venue_region", "fair.organizer"));

  // Implausible days (a fair announced for 1900 or 2999) and GB/T 2260 venues.
  for (const absl::CivilDay day : {absl::CivilDay(1900, 3, 1), absl::CivilDay(2999, 3, 1),
                                   absl::CivilDay(2020, 3, 1), absl::CivilDay(2028, 3, 1)}) {
    v1::JobFair implausible = f;
    *implausible.mutable_start_date() = FromCivil(day);
    *implausible.mutable_end_date() = FromCivil(day);
    const absl::Status status = NormalizeFair(*regions_, kFairToday, &implausible, "fair");
    EXPECT_THAT(Fields(status), ElementsAre("fair.start_date", "fair.end_date")) << day;
    EXPECT_THAT(status.message(), HasSubstr("must be between 2021-01-10 and 2028-01-10")) << day;
  }
  v1::JobFair gb = f;
  gb.set_venue_region("511702000000");
  ASSERT_TRUE(NormalizeFair(*regions_, kFairToday, &gb, "fair").ok());
  EXPECT_EQ(gb.venue_region(), "511702");

  v1::JobFair empty;
  EXPECT_THAT(Fields(NormalizeFair(*regions_, kFairToday, &empty, "fair")),
              ElementsAre("fair.name", "fair.kind", "fair.start_date", "fair.end_date",
                          "fair.venue_region", "fair.venue", "fair.organizer"));
}

}  // namespace
}  // namespace labor::vacancy
