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

}  // namespace
}  // namespace labor::tools
