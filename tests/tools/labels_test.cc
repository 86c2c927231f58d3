// laborctl's pure parts: Chinese labels, command-line value parsers, and
// tables aligned by display width.
#include "tools/labels.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "tools/text_table.h"

namespace labor::tools {
namespace {

TEST(DisplayWidthTest, CjkAndFullwidthTakeTwoColumns) {
  EXPECT_EQ(DisplayWidth(""), 0);
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("区内就业"), 8);
  EXPECT_EQ(DisplayWidth("a区"), 3);
  EXPECT_EQ(DisplayWidth("ＡＢ"), 4);       // fullwidth Latin
  EXPECT_EQ(DisplayWidth("，。"), 4);       // CJK punctuation
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1);  // e + combining acute
  EXPECT_EQ(DisplayWidth("\xFF"), 1);       // invalid byte
  EXPECT_EQ(PadRight("失业", 6), "失业  ");
  EXPECT_EQ(PadRight("转移就业", 4), "转移就业");
}

TEST(TextTableTest, ColumnsLineUpOnScreen) {
  TextTable table({"状态", "name", "人数"});
  table.AddRow({"区内就业", "x", "12"});
  table.AddRow({"失业", "longer", "3"});
  table.AddRow({"returned"});  // missing cells print empty
  std::string out = table.Render();
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u);
  // The second column starts at the same screen column on every line.
  auto column_of = [](const std::string& line, const std::string& cell) {
    return DisplayWidth(line.substr(0, line.find(cell)));
  };
  EXPECT_EQ(column_of(lines[0], "name"), 10);
  EXPECT_EQ(column_of(lines[2], "x"), 10);
  EXPECT_EQ(column_of(lines[3], "longer"), 10);
  EXPECT_EQ(column_of(lines[0], "人数"), 18);
  EXPECT_EQ(column_of(lines[2], "12"), 18);
  EXPECT_EQ(lines[1], "--------  ------  ----");
  EXPECT_EQ(lines[4], "returned");  // trailing spaces trimmed
}

TEST(LabelsTest, EnumsReadInChinese) {
  EXPECT_EQ(EmploymentStatusLabel(labor::v1::EMPLOYMENT_STATUS_EMPLOYED_LOCAL), "区内就业");
  EXPECT_EQ(EmploymentStatusLabel(labor::v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE), "转移就业");
  EXPECT_EQ(EmploymentStatusLabel(labor::v1::EMPLOYMENT_STATUS_UNEMPLOYED), "失业");
  EXPECT_EQ(EmploymentStatusLabel(labor::v1::EMPLOYMENT_STATUS_RETURNED_HOME), "返乡");
  EXPECT_EQ(EmploymentStatusLabel(labor::v1::EMPLOYMENT_STATUS_SELF_EMPLOYED), "自主创业");
  EXPECT_EQ(SkillLevelLabel(labor::v1::SKILL_LEVEL_APPRENTICE), "学徒工");
  EXPECT_EQ(SkillLevelLabel(labor::v1::SKILL_LEVEL_5_ELEMENTARY), "五级");
  EXPECT_EQ(SkillLevelLabel(labor::v1::SKILL_LEVEL_4_INTERMEDIATE), "四级");
  EXPECT_EQ(SkillLevelLabel(labor::v1::SKILL_LEVEL_3_ADVANCED), "三级");
  EXPECT_EQ(SkillLevelLabel(labor::v1::SKILL_LEVEL_2_TECHNICIAN), "二级");
  EXPECT_EQ(SkillLevelLabel(labor::v1::SKILL_LEVEL_1_SENIOR_TECHNICIAN), "一级");
  EXPECT_EQ(SkillLevelLabel(labor::v1::SKILL_LEVEL_PRINCIPAL_TECHNICIAN), "特级技师");
  EXPECT_EQ(SkillLevelLabel(labor::v1::SKILL_LEVEL_CHIEF_TECHNICIAN), "首席技师");
  EXPECT_EQ(SkillLevelLabel(labor::v1::SKILL_LEVEL_UNSPECIFIED), "");
  EXPECT_EQ(LaborBrandLabel(labor::v1::LABOR_BRAND_BASHAN_MEIZI), "巴山妹子");
  EXPECT_EQ(LaborBrandLabel(labor::v1::LABOR_BRAND_BASHAN_CHUSHI), "巴山厨师");
  EXPECT_EQ(LaborBrandLabel(labor::v1::LABOR_BRAND_BASHAN_JIANGONG), "巴山建工");
  EXPECT_EQ(RegistrationLabel(labor::v1::REGISTRATION_KIND_UNEMPLOYMENT), "失业登记");
}

TEST(LabelsTest, ParsersAcceptWordsLabelsAndNumbers) {
  EXPECT_EQ(*ParseEmploymentStatus("employed_outside"),
            labor::v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE);
  EXPECT_EQ(*ParseEmploymentStatus("返乡"), labor::v1::EMPLOYMENT_STATUS_RETURNED_HOME);
  EXPECT_EQ(*ParseEmploymentStatus(" Self_Employed "), labor::v1::EMPLOYMENT_STATUS_SELF_EMPLOYED);
  EXPECT_FALSE(ParseEmploymentStatus("working").ok());
  EXPECT_EQ(*ParseSkillLevel("五级"), labor::v1::SKILL_LEVEL_5_ELEMENTARY);
  EXPECT_EQ(*ParseSkillLevel("中级工"), labor::v1::SKILL_LEVEL_4_INTERMEDIATE);
  EXPECT_EQ(*ParseSkillLevel("4"), labor::v1::SKILL_LEVEL_4_INTERMEDIATE);
  EXPECT_EQ(*ParseSkillLevel("9"), labor::v1::SKILL_LEVEL_CHIEF_TECHNICIAN);
  EXPECT_EQ(*ParseSkillLevel("学徒工"), labor::v1::SKILL_LEVEL_APPRENTICE);
  EXPECT_FALSE(ParseSkillLevel("十级").ok());
  EXPECT_FALSE(ParseSkillLevel("0").ok());
  EXPECT_EQ(*ParseLaborBrand("bashan_meizi"), labor::v1::LABOR_BRAND_BASHAN_MEIZI);
  EXPECT_EQ(*ParseLaborBrand("none"), labor::v1::LABOR_BRAND_UNSPECIFIED);
  EXPECT_EQ(*ParseRegistrationKind("unemployment"), labor::v1::REGISTRATION_KIND_UNEMPLOYMENT);
  EXPECT_EQ(*ParseLocationScope("listed_regions"), labor::v1::LOCATION_SCOPE_LISTED_REGIONS);
  EXPECT_EQ(*ParseReturnIntent("go_out_again"), labor::v1::RETURN_INTENT_GO_OUT_AGAIN);
  EXPECT_EQ(*ParseBool("是"), true);
  EXPECT_EQ(*ParseBool("false"), false);
  EXPECT_FALSE(ParseBool("maybe").ok());
}

TEST(LabelsTest, SkillSpecs) {
  auto skills = ParseSkillSpecs("6-29-01-01:4:8, 6-29-01-04:三级,6-18-02-04");
  ASSERT_TRUE(skills.ok()) << skills.status();
  ASSERT_EQ(skills->size(), 3u);
  EXPECT_EQ((*skills)[0].occupation_code(), "6-29-01-01");
  EXPECT_EQ((*skills)[0].level(), labor::v1::SKILL_LEVEL_4_INTERMEDIATE);
  EXPECT_EQ((*skills)[0].years(), 8);
  EXPECT_EQ((*skills)[1].level(), labor::v1::SKILL_LEVEL_3_ADVANCED);
  EXPECT_EQ((*skills)[1].years(), 0);
  EXPECT_EQ((*skills)[2].level(), labor::v1::SKILL_LEVEL_UNSPECIFIED);
  EXPECT_FALSE(ParseSkillSpecs("6-29-01-01:4:x").ok());
  EXPECT_FALSE(ParseSkillSpecs("6-29-01-01:4:8:9").ok());
  EXPECT_FALSE(ParseSkillSpecs(":4").ok());
  EXPECT_TRUE(ParseSkillSpecs("")->empty());
}

TEST(LabelsTest, CertificateSpecs) {
  auto certs =
      ParseCertificateSpecs("special_operation:低压电工作业::true,skill_level:焊工:四级:no");
  ASSERT_TRUE(certs.ok()) << certs.status();
  ASSERT_EQ(certs->size(), 2u);
  EXPECT_EQ((*certs)[0].kind(), labor::v1::CERTIFICATE_KIND_SPECIAL_OPERATION);
  EXPECT_EQ((*certs)[0].name(), "低压电工作业");
  EXPECT_TRUE((*certs)[0].verified());
  EXPECT_EQ((*certs)[1].kind(), labor::v1::CERTIFICATE_KIND_SKILL_LEVEL);
  EXPECT_EQ((*certs)[1].level(), labor::v1::SKILL_LEVEL_4_INTERMEDIATE);
  EXPECT_FALSE((*certs)[1].verified());
  EXPECT_FALSE(ParseCertificateSpecs("permit:x").ok());
  EXPECT_FALSE(ParseCertificateSpecs("other").ok());
}

TEST(LabelsTest, DatesAndMoney) {
  auto d = ParseDate("2027-02-15");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->year(), 2027);
  EXPECT_EQ(d->month(), 2);
  EXPECT_EQ(d->day(), 15);
  EXPECT_EQ(FormatDate(*d), "2027-02-15");
  EXPECT_EQ(FormatDate(labor::v1::Date()), "");
  EXPECT_FALSE(ParseDate("2027-02-30").ok());
  EXPECT_FALSE(ParseDate("2027/02/15").ok());
  EXPECT_FALSE(ParseDate("27-02-15").ok());
  EXPECT_EQ(ParseYuan("4500")->fen(), 450000);
  EXPECT_EQ(ParseYuan("4500.5")->fen(), 450050);
  EXPECT_EQ(ParseYuan("4500.05元")->fen(), 450005);
  EXPECT_FALSE(ParseYuan("-1").ok());
  EXPECT_FALSE(ParseYuan("45.123").ok());
  EXPECT_FALSE(ParseYuan("abc").ok());
  labor::v1::Money m;
  m.set_fen(450000);
  EXPECT_EQ(FormatYuan(m), "4500元");
  m.set_fen(450005);
  EXPECT_EQ(FormatYuan(m), "4500.05元");
}

labor::v1::Wage MakeWage(int64_t min, int64_t max, labor::v1::WageUnit unit) {
  labor::v1::Wage w;
  w.mutable_min()->set_fen(min);
  w.mutable_max()->set_fen(max);
  w.set_unit(unit);
  return w;
}

TEST(LabelsTest, VacancyEnumsReadInChinese) {
  EXPECT_EQ(VacancyStatusLabel(labor::v1::VACANCY_STATUS_OPEN), "招聘中");
  EXPECT_EQ(VacancyStatusLabel(labor::v1::VACANCY_STATUS_FILLED), "已招满");
  EXPECT_EQ(VacancyStatusLabel(labor::v1::VACANCY_STATUS_CLOSED), "已关闭");
  EXPECT_EQ(VacancyStatusLabel(labor::v1::VACANCY_STATUS_EXPIRED), "已过期");
  EXPECT_EQ(VacancyStatusLabel(labor::v1::VACANCY_STATUS_UNSPECIFIED), "");
  EXPECT_EQ(FairKindLabel(labor::v1::FAIR_KIND_SPRING_BREEZE), "春风行动");
  EXPECT_EQ(FairKindLabel(labor::v1::FAIR_KIND_EMPLOYMENT_AID_MONTH), "就业援助月");
  EXPECT_EQ(FairKindLabel(labor::v1::FAIR_KIND_WARM_WAY_HOME), "温暖回家路");
  EXPECT_EQ(FairKindLabel(labor::v1::FAIR_KIND_PRIVATE_ENTERPRISE_WEEK), "民营企业招聘周");
  EXPECT_EQ(FairKindLabel(labor::v1::FAIR_KIND_JOBS_TO_COUNTRYSIDE), "送岗位下乡");
  EXPECT_EQ(FairKindLabel(labor::v1::FAIR_KIND_OTHER), "其他");
  EXPECT_EQ(WageUnitLabel(labor::v1::WAGE_UNIT_MONTHLY), "月薪");
  EXPECT_EQ(WageUnitLabel(labor::v1::WAGE_UNIT_DAILY), "日薪");
  EXPECT_EQ(WageUnitLabel(labor::v1::WAGE_UNIT_HOURLY), "时薪");
  EXPECT_EQ(WageUnitLabel(labor::v1::WAGE_UNIT_PIECE), "计件");
  EXPECT_EQ(SourceKindLabel(labor::v1::SOURCE_KIND_EMPLOYER), "用人单位");
  EXPECT_EQ(SourceKindLabel(labor::v1::SOURCE_KIND_FAIR), "招聘会");
  EXPECT_EQ(SourceKindLabel(labor::v1::SOURCE_KIND_PARTNER), "合作地区");
  EXPECT_EQ(GenderRequirementLabel(labor::v1::GENDER_REQUIREMENT_UNSPECIFIED), "不限");
  labor::v1::Benefits b;
  EXPECT_EQ(BenefitsLabel(b), "");
  b.set_room(true);
  b.set_social_insurance(true);
  EXPECT_EQ(BenefitsLabel(b), "包住 社保");
}

TEST(LabelsTest, WagesReadAsOnAJobBoard) {
  using labor::v1::WAGE_UNIT_DAILY;
  using labor::v1::WAGE_UNIT_HOURLY;
  using labor::v1::WAGE_UNIT_MONTHLY;
  using labor::v1::WAGE_UNIT_PIECE;
  EXPECT_EQ(WageLabel(MakeWage(450000, 600000, WAGE_UNIT_MONTHLY)), "4500-6000元/月");
  EXPECT_EQ(WageLabel(MakeWage(20000, 20000, WAGE_UNIT_DAILY)), "200元/天");
  EXPECT_EQ(WageLabel(MakeWage(2000, 2500, WAGE_UNIT_HOURLY)), "20-25元/小时");
  EXPECT_EQ(WageLabel(MakeWage(450000, 0, WAGE_UNIT_MONTHLY)), "4500元/月起");
  EXPECT_EQ(WageLabel(MakeWage(0, 600000, WAGE_UNIT_MONTHLY)), "最高6000元/月");
  EXPECT_EQ(WageLabel(MakeWage(450050, 600005, WAGE_UNIT_MONTHLY)), "4500.5-6000.05元/月");
  EXPECT_EQ(WageLabel(labor::v1::Wage()), "面议");
  labor::v1::Wage piece = MakeWage(150, 400, WAGE_UNIT_PIECE);
  piece.mutable_monthly_min()->set_fen(600000);
  piece.mutable_monthly_max()->set_fen(900000);
  EXPECT_EQ(WageLabel(piece), "1.5-4元/件(约6000-9000元/月)");
  EXPECT_EQ(MonthlyWageLabel(piece), "约6000-9000元/月");
  // Daily wages show as stated; the normalized figure is separate.
  labor::v1::Wage daily = MakeWage(30000, 40000, WAGE_UNIT_DAILY);
  daily.mutable_monthly_min()->set_fen(652500);
  daily.mutable_monthly_max()->set_fen(870000);
  EXPECT_EQ(WageLabel(daily), "300-400元/天");
  EXPECT_EQ(MonthlyWageLabel(daily), "约6525-8700元/月");
  EXPECT_EQ(MonthlyWageLabel(MakeWage(450000, 600000, WAGE_UNIT_MONTHLY)), "");
}

TEST(LabelsTest, VacancyParsers) {
  EXPECT_EQ(*ParseVacancyStatus("open"), labor::v1::VACANCY_STATUS_OPEN);
  EXPECT_EQ(*ParseVacancyStatus("已招满"), labor::v1::VACANCY_STATUS_FILLED);
  EXPECT_EQ(*ParseVacancyStatus(" Expired "), labor::v1::VACANCY_STATUS_EXPIRED);
  EXPECT_FALSE(ParseVacancyStatus("pending").ok());
  EXPECT_EQ(*ParseFairKind("spring_breeze"), labor::v1::FAIR_KIND_SPRING_BREEZE);
  EXPECT_EQ(*ParseFairKind("送岗位下乡"), labor::v1::FAIR_KIND_JOBS_TO_COUNTRYSIDE);
  EXPECT_EQ(*ParseFairKind("温暖回家路"), labor::v1::FAIR_KIND_WARM_WAY_HOME);
  EXPECT_FALSE(ParseFairKind("party").ok());
  EXPECT_EQ(*ParseWageUnit("天"), labor::v1::WAGE_UNIT_DAILY);
  EXPECT_EQ(*ParseWageUnit("Hourly"), labor::v1::WAGE_UNIT_HOURLY);
  EXPECT_EQ(*ParseWageUnit("计件"), labor::v1::WAGE_UNIT_PIECE);
  EXPECT_FALSE(ParseWageUnit("week").ok());
  EXPECT_EQ(*ParseGenderRequirement("any"), labor::v1::GENDER_REQUIREMENT_UNSPECIFIED);
  EXPECT_EQ(*ParseGenderRequirement("男"), labor::v1::GENDER_REQUIREMENT_MALE);
}

TEST(LabelsTest, WageSpecs) {
  auto w = ParseWageSpec("4500-6000/月");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->min().fen(), 450000);
  EXPECT_EQ(w->max().fen(), 600000);
  EXPECT_EQ(w->unit(), labor::v1::WAGE_UNIT_MONTHLY);
  EXPECT_FALSE(w->has_monthly_min());
  w = ParseWageSpec("300/day");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->min().fen(), 30000);
  EXPECT_EQ(w->max().fen(), 30000);
  EXPECT_EQ(w->unit(), labor::v1::WAGE_UNIT_DAILY);
  w = ParseWageSpec("5000");  // no unit: monthly
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->unit(), labor::v1::WAGE_UNIT_MONTHLY);
  w = ParseWageSpec("1.5-4/piece@6000-9000");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->min().fen(), 150);
  EXPECT_EQ(w->max().fen(), 400);
  EXPECT_EQ(w->unit(), labor::v1::WAGE_UNIT_PIECE);
  EXPECT_EQ(w->monthly_min().fen(), 600000);
  EXPECT_EQ(w->monthly_max().fen(), 900000);
  EXPECT_EQ(WageLabel(*w), "1.5-4元/件(约6000-9000元/月)");
  // No stated wage.
  w = ParseWageSpec("面议");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->unit(), labor::v1::WAGE_UNIT_UNSPECIFIED);
  EXPECT_EQ(w->min().fen(), 0);
  EXPECT_EQ(WageLabel(*w), "面议");
  EXPECT_FALSE(ParseWageSpec("6000-4500/月").ok());       // inverted
  EXPECT_FALSE(ParseWageSpec("1.5-4/piece").ok());        // piece without monthly
  EXPECT_FALSE(ParseWageSpec("4500-6000/月@5000").ok());  // monthly only for piece
  EXPECT_FALSE(ParseWageSpec("4500-6000-7000/月").ok());
  EXPECT_FALSE(ParseWageSpec("abc/月").ok());
  EXPECT_FALSE(ParseWageSpec("4500/week").ok());
}

TEST(LabelsTest, BenefitSpecs) {
  auto b = ParseBenefits("room, 包吃,社保");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_TRUE(b->room());
  EXPECT_TRUE(b->board());
  EXPECT_TRUE(b->social_insurance());
  b = ParseBenefits("none");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->room() || b->board() || b->social_insurance());
  EXPECT_TRUE(ParseBenefits("").ok());
  EXPECT_FALSE(ParseBenefits("car").ok());
}

}  // namespace
}  // namespace labor::tools
