#include "common/occupations.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/csv.h"
#include "common/validation.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/util.h"

namespace labor {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Optional;

class OccupationTaxonomyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = OccupationTaxonomy::LoadFromDir(labor::testing::SourcePath("data/taxonomy"));
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    taxonomy_ = std::move(loaded).value().release();
  }
  static void TearDownTestSuite() {
    delete taxonomy_;
    taxonomy_ = nullptr;
  }
  static std::string Path() { return labor::testing::SourcePath("data/taxonomy/occupations.csv"); }
  const OccupationTaxonomy& t() { return *taxonomy_; }

  static OccupationTaxonomy* taxonomy_;
};
OccupationTaxonomy* OccupationTaxonomyTest::taxonomy_ = nullptr;

TEST_F(OccupationTaxonomyTest, LoadsEveryDistinctCode) {
  // The file repeats a few rows; each code is loaded once.
  std::set<std::string> codes;
  bool header = true;
  for (absl::string_view line :
       absl::StrSplit(labor::testing::ReadFileOrEmpty(Path()), '\n', absl::SkipEmpty())) {
    if (header) {
      header = false;
      continue;
    }
    codes.insert(std::string(line.substr(0, line.find(','))));
  }
  EXPECT_GT(codes.size(), 2000u);
  EXPECT_EQ(t().size(), codes.size());
  for (const std::string& code : codes) EXPECT_NE(t().Find(code), nullptr) << code;
}

TEST_F(OccupationTaxonomyTest, Find) {
  const Occupation* o = t().Find("6-30-05-01");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->code, "6-30-05-01");
  EXPECT_EQ(o->level, 4);
  EXPECT_EQ(o->parent_code, "6-30-05-00");
  EXPECT_EQ(o->name, "起重装卸机械操作工");
  EXPECT_THAT(o->aliases, Contains("叉车司机"));
  EXPECT_THAT(o->aliases, Contains("叉车工"));

  const Occupation* top = t().Find("6-00-00-00");
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->level, 1);
  EXPECT_EQ(top->parent_code, "");
  EXPECT_EQ(t().Find("6-30-00-00")->level, 2);
  EXPECT_EQ(t().Find("6-30-05-00")->level, 3);

  EXPECT_EQ(t().Find("6-30-05"), nullptr);
  EXPECT_EQ(t().Find("9-99-99-99"), nullptr);
  EXPECT_EQ(t().Find(""), nullptr);
  EXPECT_EQ(t().Name("6-30-05-01"), "起重装卸机械操作工");
  EXPECT_EQ(t().Name("9-99-99-99"), "");
}

TEST_F(OccupationTaxonomyTest, FlagsAreRead) {
  const Occupation* green = t().Find("2-02-01-03");  // 水工环地质工程技术人员
  ASSERT_NE(green, nullptr);
  EXPECT_TRUE(green->green);
  EXPECT_FALSE(green->digital);
  const Occupation* digital = t().Find("2-02-38-13");  // 密码工程技术人员
  ASSERT_NE(digital, nullptr);
  EXPECT_TRUE(digital->digital);
}

TEST_F(OccupationTaxonomyTest, RepeatedRowsKeepTheFirst) {
  // 2-03-01-00 appears as 小类 and again as 细类; the first row wins.
  const Occupation* o = t().Find("2-03-01-00");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->name, "土壤肥料技术人员");
  EXPECT_EQ(o->level, 3);
}

TEST_F(OccupationTaxonomyTest, ParentsExist) {
  for (const char* code : {"6-30-05-01", "1-01-00-01", "5-02-03-01", "2-03-02-00"}) {
    const Occupation* o = t().Find(code);
    ASSERT_NE(o, nullptr) << code;
    const Occupation* parent = t().Find(o->parent_code);
    ASSERT_NE(parent, nullptr) << code;
    EXPECT_LT(parent->level, o->level);
    EXPECT_TRUE(OccupationInBranch(parent->code, o->code));
  }
}

TEST_F(OccupationTaxonomyTest, Validate) {
  EXPECT_TRUE(t().Validate("6-30-05-01").ok());
  EXPECT_TRUE(t().Validate("6-00-00-00").ok());
  EXPECT_TRUE(t().Validate("6-30-00-00").ok());
  const std::string format = "must be an occupation code like 6-30-05-01";
  for (const char* bad : {"", "6", "6-30", "6-30-05", "6-30-5-01", "6300501", "6-30-05-01 ",
                          "6-30-05-01-01", "A-30-05-01", "6_30_05_01"}) {
    absl::Status s = t().Validate(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.message(), format) << bad;
  }
  EXPECT_EQ(t().Validate("9-99-99-99").message(), "unknown occupation code");
  EXPECT_EQ(t().Validate("6-30-05-99").message(), "unknown occupation code");
}

TEST_F(OccupationTaxonomyTest, ValidatePrefix) {
  for (const char* ok : {"6", "6-30", "6-30-05", "6-30-05-01", "6-30-00-00", "6-30-05-00",
                         "6-00-00-00", "6-00", "1-01-00"}) {
    EXPECT_TRUE(t().ValidatePrefix(ok).ok()) << ok;
  }
  // No 小类 row 5-02-03-00 exists, but 细类 codes 5-02-03-01/02 do.
  EXPECT_EQ(t().Find("5-02-03-00"), nullptr);
  EXPECT_TRUE(t().ValidatePrefix("5-02-03").ok());

  const std::string format =
      "must be an occupation code or prefix like 6, 6-30, 6-30-05 or 6-30-05-01";
  for (const char* bad : {"", "6-3", "63", "6-30-5", "6-30-05-01-00", "6-", "-30", "x"}) {
    EXPECT_EQ(t().ValidatePrefix(bad).message(), format) << bad;
  }
  for (const char* unknown : {"9", "6-99", "6-30-98", "6-30-05-99", "0-00-00-00"}) {
    absl::Status s = t().ValidatePrefix(unknown);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << unknown;
    EXPECT_EQ(s.message(), "no occupation code starts with this prefix") << unknown;
  }
}

TEST(OccupationInBranchTest, WholeSegments) {
  EXPECT_TRUE(OccupationInBranch("6-30", "6-30-05-01"));
  EXPECT_TRUE(OccupationInBranch("6", "6-30-05-01"));
  EXPECT_TRUE(OccupationInBranch("6-30-05", "6-30-05-01"));
  EXPECT_TRUE(OccupationInBranch("6-30-05-01", "6-30-05-01"));
  EXPECT_FALSE(OccupationInBranch("6-3", "6-30-05-01"));
  EXPECT_FALSE(OccupationInBranch("6-31", "6-30-05-01"));
  EXPECT_FALSE(OccupationInBranch("7", "6-30-05-01"));
  EXPECT_FALSE(OccupationInBranch("6-30-05-02", "6-30-05-01"));
  EXPECT_FALSE(OccupationInBranch("6-30-05-01", "6-30-05-00"));
}

TEST(OccupationInBranchTest, TrailingZeroSegmentsAreWildcards) {
  EXPECT_TRUE(OccupationInBranch("6-30-00-00", "6-30-05-01"));
  EXPECT_TRUE(OccupationInBranch("6-00-00-00", "6-30-05-01"));
  EXPECT_TRUE(OccupationInBranch("6-30-05-00", "6-30-05-01"));
  EXPECT_TRUE(OccupationInBranch("6-30", "6-30-00-00"));
  EXPECT_TRUE(OccupationInBranch("6-30-00-00", "6-30-00-00"));
  EXPECT_FALSE(OccupationInBranch("6-30-05", "6-30-00-00"));
  EXPECT_FALSE(OccupationInBranch("6-30-05-00", "6-30-06-01"));
  // 细类 directly under a 中类 (小类 segment 00).
  EXPECT_TRUE(OccupationInBranch("1-01-00-00", "1-01-00-01"));
  EXPECT_TRUE(OccupationInBranch("1-01", "1-01-00-01"));
}

TEST(OccupationInBranchTest, MalformedIsFalse) {
  EXPECT_FALSE(OccupationInBranch("", "6-30-05-01"));
  EXPECT_FALSE(OccupationInBranch("6-30", ""));
  EXPECT_FALSE(OccupationInBranch("6-30", "garbage"));
  EXPECT_FALSE(OccupationInBranch("6-30-", "6-30-05-01"));
  EXPECT_FALSE(OccupationInBranch("6-30-05-01-00", "6-30-05-01"));
  EXPECT_FALSE(OccupationInBranch("6", "6300501"));
}

TEST_F(OccupationTaxonomyTest, MapTitleExact) {
  EXPECT_THAT(t().MapTitle("叉车司机"), Optional(std::string("6-30-05-01")));
  EXPECT_THAT(t().MapTitle("叉车工"), Optional(std::string("6-30-05-01")));
  EXPECT_THAT(t().MapTitle("起重装卸机械操作工"), Optional(std::string("6-30-05-01")));
  EXPECT_THAT(t().MapTitle(" 叉车司机\xE3\x80\x80"), Optional(std::string("6-30-05-01")));
  EXPECT_THAT(t().MapTitle("JAVA"), Optional(std::string("2-02-10-03")));
  EXPECT_THAT(t().MapTitle("Java开发"), Optional(std::string("2-02-10-03")));
}

TEST_F(OccupationTaxonomyTest, MapTitleContained) {
  EXPECT_THAT(t().MapTitle("招聘叉车司机数名"), Optional(std::string("6-30-05-01")));
  EXPECT_THAT(t().MapTitle("急招起重装卸机械操作工，包吃住"), Optional(std::string("6-30-05-01")));
  EXPECT_THAT(t().MapTitle("高级Java工程师"), Optional(std::string("2-02-10-03")));
}

TEST_F(OccupationTaxonomyTest, MapTitleAsciiAliasesMatchWholeWords) {
  // "ie" is an alias of 2-02-30-01; it must not fire inside other words.
  EXPECT_THAT(t().MapTitle("IE"), Optional(std::string("2-02-30-01")));
  EXPECT_THAT(t().MapTitle("IE工程师"), Optional(std::string("2-02-30-01")));
  EXPECT_NE(t().MapTitle("client"), std::optional<std::string>("2-02-30-01"));
  EXPECT_NE(t().MapTitle("javascripts"), std::optional<std::string>("2-02-30-01"));
}

TEST_F(OccupationTaxonomyTest, MapTitleAmbiguityIsDeterministic) {
  // "编辑" is the 小类 2-10-02-00's name and an alias of 细类 2-10-02-01.
  EXPECT_THAT(t().MapTitle("编辑"), Optional(std::string("2-10-02-01")));
  // "甘油制造工" names both 6-11-08-25 and 6-11-08-26: the smaller code wins.
  EXPECT_THAT(t().MapTitle("甘油制造工"), Optional(std::string("6-11-08-25")));
  // "IOS" (2-02-10-03) and "ios" (4-04-05-01) fold together: smaller code.
  EXPECT_THAT(t().MapTitle("ios"), Optional(std::string("2-02-10-03")));
}

TEST_F(OccupationTaxonomyTest, MapTitleNone) {
  EXPECT_EQ(t().MapTitle(""), std::nullopt);
  EXPECT_EQ(t().MapTitle("   "), std::nullopt);
  EXPECT_EQ(t().MapTitle("zzqqxx"), std::nullopt);
}

// The titles migrant workers' job boards post most (普工, 电子厂普工, 育婴员 were
// refused once), each on the right code of the 2022 classification.
TEST_F(OccupationTaxonomyTest, MapTitleJobBoardTitles) {
  const std::pair<const char*, const char*> expected[] = {
      {"普工", "6-00-00-00"},     {"电子厂普工", "6-25-00-00"}, {"操作工", "6-00-00-00"},
      {"杂工", "6-31-00-00"},     {"小工", "6-29-00-00"},       {"学徒", "6-00-00-00"},
      {"装配工", "6-00-00-00"},   {"包装工", "6-31-05-00"},     {"搬运工", "4-02-05-01"},
      {"保安", "4-07-05-01"},     {"保洁", "4-09-08-01"},       {"服务员", "4-03-02-05"},
      {"传菜员", "4-03-02-05"},   {"配菜", "4-03-02-01"},       {"洗碗工", "4-03-02-05"},
      {"快递员", "4-02-07-08"},   {"外卖骑手", "4-10-08-01"},   {"司机", "4-02-02-01"},
      {"育婴员", "4-10-01-03"},   {"月嫂", "4-10-01-06"},       {"护工", "4-14-01-02"},
      {"焊工", "6-18-02-04"},     {"电焊工", "6-18-02-04"},     {"电工", "6-31-01-03"},
      {"木工", "6-06-03-02"},     {"钢筋工", "6-29-01-04"},     {"砌筑工", "6-29-01-01"},
      {"泥瓦工", "6-29-01-01"},   {"油漆工", "6-18-03-03"},     {"厨师", "4-03-02-01"},
      {"叉车司机", "6-30-05-01"}, {"仓管", "4-02-06-01"},       {"缝纫工", "6-05-01-03"},
      {"平车工", "6-05-01-03"},   {"质检", "6-31-03-05"},       {"销售", "4-01-02-01"},
      {"客服", "4-04-05-03"},     {"收银员", "4-01-02-04"},     {"家政", "4-10-01-06"},
      {"保姆", "4-10-01-06"},     {"水电工", "6-31-01-03"},     {"装修工", "6-29-04-01"},
      {"注塑工", "6-14-02-00"},   {"塔吊司机", "6-30-05-01"},   {"货车司机", "4-02-02-02"},
  };
  for (const auto& [title, code] : expected) {
    EXPECT_THAT(t().MapTitle(title), Optional(std::string(code))) << title;
  }
  // Inside a posting's wording, and a named trade beats the generic word.
  EXPECT_THAT(t().MapTitle("急招电子厂普工 包吃住"), Optional(std::string("6-25-00-00")));
  EXPECT_THAT(t().MapTitle("厨师学徒"), Optional(std::string("4-03-02-01")));
  EXPECT_THAT(t().MapTitle("电子厂包装工"), Optional(std::string("6-31-05-00")));
  // The official name of the metal-cutting 车工 keeps its code.
  EXPECT_THAT(t().MapTitle("车工"), Optional(std::string("6-18-01-01")));
}

// Every name and alias of the classification and every job-board title maps
// (job_titles.csv to the code it lists).
TEST_F(OccupationTaxonomyTest, EveryTitleInTheDataMaps) {
  const std::string dir = labor::testing::SourcePath("data/taxonomy");
  size_t titles = 0;
  ASSERT_TRUE(ForEachCsvRecord(dir + "/occupations.csv", {"name", "aliases"},
                               [&](const std::vector<std::string>& f) {
                                 for (absl::string_view title : absl::StrSplit(f[1], '|')) {
                                   title = absl::StripAsciiWhitespace(title);
                                   if (title.empty()) continue;
                                   ++titles;
                                   EXPECT_NE(t().MapTitle(title), std::nullopt) << title;
                                 }
                                 ++titles;
                                 EXPECT_NE(t().MapTitle(f[0]), std::nullopt) << f[0];
                                 return absl::OkStatus();
                               })
                  .ok());
  size_t job_titles = 0;
  ASSERT_TRUE(ForEachCsvRecord(dir + "/job_titles.csv", {"title", "code"},
                               [&](const std::vector<std::string>& f) {
                                 ++job_titles;
                                 EXPECT_THAT(t().MapTitle(f[0]), Optional(f[1])) << f[0];
                                 EXPECT_THAT(t().Find(f[1])->aliases, Contains(f[0]));
                                 return absl::OkStatus();
                               })
                  .ok());
  EXPECT_GT(titles, 3000u);
  EXPECT_GT(job_titles, 50u);
}

// Every vacancy title the documentation shows as an example (laborctl help,
// flag help, README) maps, so the documented commands work as written.
TEST_F(OccupationTaxonomyTest, DocumentedExampleTitlesMap) {
  // README, DESIGN and every laborctl source (help and flag texts).
  std::vector<std::string> sources = {"README.md", "DESIGN.md"};
  for (const auto& entry :
       std::filesystem::directory_iterator(labor::testing::SourcePath("tools"))) {
    const std::string name = entry.path().filename().string();
    if (absl::StartsWith(name, "laborctl") && absl::EndsWith(name, ".cc")) {
      sources.push_back(absl::StrCat("tools/", name));
    }
  }
  ASSERT_GE(sources.size(), 4u);
  // --title=X, "title":"X" (an import line, maybe inside a C++ string) and
  // the flag's "e.g. X".
  const std::regex patterns[] = {std::regex(R"(--title=([^\s\\"'`]+))"),
                                 std::regex(R"(\\?"title\\?":\s*\\?"([^"\\]+))"),
                                 std::regex(R"(vacancy title, e\.g\. ([^\s"]+))")};
  std::set<std::string> titles;
  for (const std::string& source : sources) {
    const std::string text = labor::testing::ReadFileOrEmpty(labor::testing::SourcePath(source));
    ASSERT_FALSE(text.empty()) << source;
    for (const std::regex& pattern : patterns) {
      for (std::sregex_iterator it(text.begin(), text.end(), pattern), end; it != end; ++it) {
        titles.insert((*it)[1].str());
      }
    }
  }
  EXPECT_THAT(titles, ::testing::IsSupersetOf({"电子厂普工", "叉车司机"}));
  for (const std::string& title : titles) {
    EXPECT_NE(t().MapTitle(title), std::nullopt) << title;
  }
}

class OccupationFixtureTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::unique_ptr<OccupationTaxonomy>> Load(const std::string& rows) {
    const std::string path = dir_.Sub("occupations.csv");
    EXPECT_TRUE(labor::testing::WriteFile(
                    path, "code,level,parent_code,name,green,digital,aliases\r\n" + rows)
                    .ok());
    return OccupationTaxonomy::LoadFromFile(path);
  }
  static constexpr const char* kRows =
      "6-00-00-00,1,,生产制造及有关人员,0,0,\r\n"
      "6-30-00-00,2,6-00-00-00,运输设备和通用工程机械操作人员,0,0,\r\n"
      "6-30-05-00,3,6-30-00-00,起重装卸机械操作人员,0,0,装卸工\r\n"
      "6-30-05-01,4,6-30-05-00,起重装卸机械操作工,1,0,\"叉车司机|叉车工|电工\"\r\n"
      "6-30-05-02,4,6-30-05-00,\"某工, 特种\",0,1,装卸工|叉车|焊工| 空格 \r\n";
  labor::testing::TempDir dir_;
};

TEST_F(OccupationFixtureTest, LoadsQuotedFieldsAndAliases) {
  auto t = Load(kRows);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->size(), 5u);
  const Occupation* o = (*t)->Find("6-30-05-02");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->name, "某工, 特种");
  EXPECT_EQ(o->aliases, (std::vector<std::string>{"装卸工", "叉车", "焊工", "空格"}));
  EXPECT_TRUE(o->digital);
  EXPECT_FALSE(o->green);
  EXPECT_TRUE((*t)->Find("6-30-05-01")->green);
}

TEST_F(OccupationFixtureTest, LongestContainedTitleWins) {
  auto t = Load(kRows);
  ASSERT_TRUE(t.ok()) << t.status();
  // Contains "叉车" (6-30-05-02) and the longer "叉车司机" (6-30-05-01).
  EXPECT_THAT((*t)->MapTitle("急聘叉车司机"), Optional(std::string("6-30-05-01")));
  EXPECT_THAT((*t)->MapTitle("急聘叉车"), Optional(std::string("6-30-05-02")));
  // "装卸工" is claimed by the 小类 and a 细类: the more specific wins.
  EXPECT_THAT((*t)->MapTitle("装卸工"), Optional(std::string("6-30-05-02")));
  // Equally long "焊工" (…-02) and "电工" (…-01), same level: smaller code.
  EXPECT_THAT((*t)->MapTitle("焊工电工"), Optional(std::string("6-30-05-01")));
  EXPECT_THAT((*t)->MapTitle("电工焊工"), Optional(std::string("6-30-05-01")));
  EXPECT_EQ((*t)->MapTitle("厨师"), std::nullopt);
}

TEST_F(OccupationFixtureTest, FaithfulRepeatsMerge) {
  auto t = Load(std::string(kRows) + "6-30-05-01,4,6-30-05-00,起重装卸机械操作工,0,1,吊车司机\r\n");
  ASSERT_TRUE(t.ok()) << t.status();
  const Occupation* o = (*t)->Find("6-30-05-01");
  EXPECT_TRUE(o->green);
  EXPECT_TRUE(o->digital);
  EXPECT_THAT(o->aliases, Contains("吊车司机"));
  EXPECT_THAT((*t)->MapTitle("吊车司机"), Optional(std::string("6-30-05-01")));
}

TEST_F(OccupationFixtureTest, JobTitlesAddTitlesAndWinOverTheClassification) {
  ASSERT_TRUE(Load(kRows).ok());
  ASSERT_TRUE(labor::testing::WriteFile(dir_.Sub("job_titles.csv"),
                                        "title,code,note\n"
                                        "铲车师傅,6-30-05-01,\"note, quoted\"\n"
                                        "焊工,6-30-05-01,\n")
                  .ok());
  auto t = OccupationTaxonomy::LoadFromDir(dir_.path());
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT((*t)->MapTitle("铲车师傅"), Optional(std::string("6-30-05-01")));
  EXPECT_THAT((*t)->MapTitle("招铲车师傅"), Optional(std::string("6-30-05-01")));
  // 6-30-05-02 lists 焊工 among its aliases; the job title list decides.
  EXPECT_THAT((*t)->MapTitle("焊工"), Optional(std::string("6-30-05-01")));
  EXPECT_THAT((*t)->Find("6-30-05-01")->aliases, Contains("铲车师傅"));

  for (const std::string& rows :
       {std::string("title,code,note\n某工,6-99-99-99,\n"),
        std::string("title,code,note\n某工,6-30-05-01,\n某工,6-30-05-02,\n"),
        std::string("title,code,note\n ,6-30-05-01,\n")}) {
    ASSERT_TRUE(labor::testing::WriteFile(dir_.Sub("job_titles.csv"), rows).ok());
    auto bad = OccupationTaxonomy::LoadFromDir(dir_.path());
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss) << rows;
    EXPECT_THAT(std::string(bad.status().message()), HasSubstr("job_titles.csv")) << rows;
  }
  ASSERT_EQ(std::remove(dir_.Sub("job_titles.csv").c_str()), 0);
  EXPECT_EQ(OccupationTaxonomy::LoadFromDir(dir_.path()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(OccupationFixtureTest, MalformedRowsAreDataLoss) {
  const std::vector<std::string> broken = {
      // Conflicting repeat.
      std::string(kRows) + "6-30-05-01,4,6-30-05-00,别的名字,0,0,\r\n",
      // Parent missing from the file.
      std::string(kRows) + "6-31-01-01,4,6-31-01-00,某工,0,0,\r\n",
      // Parent not above the code.
      std::string(kRows) + "6-31-01-01,4,6-30-05-00,某工,0,0,\r\n",
      // Level does not fit the code's shape.
      std::string(kRows) + "6-31-00-00,3,6-00-00-00,某类,0,0,\r\n",
      // Level out of range.
      std::string(kRows) + "6-31-00-00,5,6-00-00-00,某类,0,0,\r\n",
      // Bad code.
      std::string(kRows) + "6-31-1-01,4,6-30-00-00,某工,0,0,\r\n",
      // Bad flag.
      std::string(kRows) + "6-30-05-03,4,6-30-05-00,某工,2,0,\r\n",
      // Empty name.
      std::string(kRows) + "6-30-05-03,4,6-30-05-00,,0,0,\r\n",
      // Too few fields.
      std::string(kRows) + "6-30-05-03,4,6-30-05-00,某工,0,0\r\n",
  };
  for (const std::string& rows : broken) {
    auto t = Load(rows);
    EXPECT_EQ(t.status().code(), absl::StatusCode::kDataLoss) << rows;
    EXPECT_THAT(std::string(t.status().message()), HasSubstr("occupations.csv"));
  }
  EXPECT_EQ(OccupationTaxonomy::LoadFromFile(dir_.Sub("none.csv")).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace labor
