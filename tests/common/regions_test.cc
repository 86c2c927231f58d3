#include "common/regions.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/util.h"

namespace labor {
namespace {

using ::testing::Contains;

// The canonical code, or "! <message>" for an INVALID_ARGUMENT (any other
// code shows too), so each expectation is one comparison.
std::string Show(const absl::StatusOr<std::string>& got) {
  if (got.ok()) return *got;
  if (got.status().code() != absl::StatusCode::kInvalidArgument) return got.status().ToString();
  return absl::StrCat("! ", got.status().message());
}

// Data lines (all but the header) of a CSV file.
size_t DataLines(const std::string& path) {
  const std::string text = labor::testing::ReadFileOrEmpty(path);
  size_t lines = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!line.empty()) ++lines;
  }
  return lines - 1;
}

class RegionRegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = RegionRegistry::LoadFromDir(Dir());
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    registry_ = std::move(loaded).value().release();
  }
  static void TearDownTestSuite() {
    delete registry_;
    registry_ = nullptr;
  }
  static std::string Dir() { return labor::testing::SourcePath("data/regions"); }
  const RegionRegistry& r() { return *registry_; }

  static RegionRegistry* registry_;
};
RegionRegistry* RegionRegistryTest::registry_ = nullptr;

TEST_F(RegionRegistryTest, LoadsEveryRow) {
  const size_t expected = DataLines(Dir() + "/provinces.csv") + DataLines(Dir() + "/cities.csv") +
                          DataLines(Dir() + "/areas.csv") + DataLines(Dir() + "/streets.csv");
  EXPECT_GT(expected, 44000u);
  EXPECT_EQ(r().size(), expected);
}

TEST_F(RegionRegistryTest, Levels) {
  EXPECT_EQ(r().LevelOf("51"), RegionLevel::kProvince);
  EXPECT_EQ(r().LevelOf(kDazhouCity), RegionLevel::kCity);
  EXPECT_EQ(r().LevelOf(kTongchuanArea), RegionLevel::kArea);
  EXPECT_EQ(r().LevelOf("511702102"), RegionLevel::kStreet);
  EXPECT_EQ(r().LevelOf("511702999"), std::nullopt);
  EXPECT_EQ(r().LevelOf("99"), std::nullopt);
  EXPECT_EQ(r().LevelOf("5"), std::nullopt);
  EXPECT_EQ(r().LevelOf(""), std::nullopt);
  EXPECT_EQ(r().LevelOf("51170"), std::nullopt);
  EXPECT_TRUE(r().Exists(kSichuanProvince));
  EXPECT_FALSE(r().Exists("511702102001"));
}

TEST_F(RegionRegistryTest, Names) {
  EXPECT_EQ(r().Name("51"), "四川省");
  EXPECT_EQ(r().Name("5117"), "达州市");
  EXPECT_EQ(r().Name("511702"), "通川区");
  EXPECT_EQ(r().Name("511702102"), "罗江镇");
  EXPECT_EQ(r().Name("511702999"), "");
  EXPECT_EQ(r().Name(""), "");
}

TEST_F(RegionRegistryTest, FullNames) {
  EXPECT_EQ(r().FullName("511702102"), "四川省达州市通川区罗江镇");
  EXPECT_EQ(r().FullName("511702"), "四川省达州市通川区");
  EXPECT_EQ(r().FullName("5117"), "四川省达州市");
  EXPECT_EQ(r().FullName("51"), "四川省");
  // The 市辖区 city row of a municipality is not part of an address.
  EXPECT_EQ(r().Name("1101"), "市辖区");
  EXPECT_EQ(r().FullName("110101001"), "北京市东城区东华门街道");
  EXPECT_EQ(r().FullName("1101"), "北京市");
  // Dongguan has no districts: its area repeats the city name.
  EXPECT_EQ(r().FullName("441900003"), "广东省东莞市东城街道");
  // 济源市 sits under 省直辖县级行政区划 and its townships repeat its name.
  EXPECT_EQ(r().FullName("419001001"), "河南省济源市沁园街道");
  EXPECT_EQ(r().FullName("511702999"), "");
  EXPECT_EQ(r().FullName("abc"), "");
}

TEST_F(RegionRegistryTest, StreetsOfTongchuan) {
  std::vector<std::string> streets = r().StreetsOf(kTongchuanArea);
  EXPECT_EQ(streets.size(), 18u);
  EXPECT_TRUE(std::is_sorted(streets.begin(), streets.end()));
  ASSERT_FALSE(streets.empty());
  EXPECT_EQ(streets.front(), "511702001");
  EXPECT_THAT(streets, Contains("511702102"));
  for (const std::string& s : streets) {
    EXPECT_TRUE(RegionContains(kTongchuanArea, s)) << s;
    EXPECT_EQ(r().LevelOf(s), RegionLevel::kStreet);
  }
  EXPECT_TRUE(r().StreetsOf("511799").empty());
  EXPECT_TRUE(r().StreetsOf("5117").empty());
}

// Partners, WeChat forms and the national systems write GB/T 2260 6-digit
// codes and 12-digit statistical codes; each comes out in the project's form.
TEST_F(RegionRegistryTest, CanonicalAcceptsEveryStandardForm) {
  const std::pair<const char*, const char*> forms[] = {
      // The project's own codes stay as they are.
      {"51", "51"},
      {"5117", "5117"},
      {"511702", "511702"},
      {"511702102", "511702102"},
      // GB/T 2260: province xx0000, city xxxx00, county.
      {"510000", "51"},
      {"440300", "4403"},  // 深圳市
      {"510100", "5101"},  // 成都市
      {"511700", "5117"},
      {"110100", "1101"},  // 北京市 市辖区
      {"440303", "440303"},
      // A city without counties is itself a county code (东莞市 441900).
      {"441900", "441900"},
      // 12-digit statistical codes of every level; a village names its township.
      {"510000000000", "51"},
      {"511700000000", "5117"},
      {"511702000000", "511702"},
      {"511702102000", "511702102"},
      {"511702102201", "511702102"},
      {" 440300 ", "4403"},
  };
  for (const auto& [given, canonical] : forms) {
    EXPECT_EQ(Show(r().Canonical(given)), canonical) << given;
    std::string code = given;
    EXPECT_TRUE(r().Canonicalize(&code).ok()) << given;
    EXPECT_EQ(code, canonical) << given;
    // Canonical codes are the registry's own.
    EXPECT_TRUE(r().Exists(canonical)) << canonical;
  }
  EXPECT_TRUE(RegionContains(*r().Canonical("440300"), *r().Canonical("440303")));
  EXPECT_TRUE(RegionContains(*r().Canonical("511700"), *r().Canonical("511702102000")));
}

TEST_F(RegionRegistryTest, CanonicalRefusesWhatNoStandardWrites) {
  const std::string format =
      "must be a region code: 2, 4, 6 (GB/T 2260) or 9 digits, or a 12-digit statistical code";
  for (const char* bad : {"", "5", "511", "51170", "5117021", "51170210", "5117021020",
                          "51170210200", "5117021020001", "51a702", "5117-02", "511702000001"}) {
    EXPECT_EQ(Show(r().Canonical(bad)), "! " + format) << bad;
  }
  for (const char* unknown :
       {"99", "990000", "5199", "519900", "511799", "511702999", "511702999000", "999900000000"}) {
    EXPECT_THAT(Show(r().Canonical(unknown)), ::testing::StartsWith("! unknown")) << unknown;
  }
  std::string code = "440399";
  EXPECT_FALSE(r().Canonicalize(&code).ok());
  EXPECT_EQ(code, "440399");  // left as given
}

TEST_F(RegionRegistryTest, CanonicalStreetIn) {
  auto in = [&](const char* code, absl::string_view area) {
    return Show(r().CanonicalStreetIn(code, area));
  };
  EXPECT_EQ(in("511702102", kTongchuanArea), "511702102");
  EXPECT_EQ(in("511702102000", kTongchuanArea), "511702102");
  EXPECT_EQ(in("511703001000", kDazhouCity), "511703001");
  EXPECT_EQ(in("511703001000", kTongchuanArea), "! not a township of 511702");
  EXPECT_EQ(in("511702999000", kTongchuanArea), "! unknown township code");
  for (const char* bad : {"511702", "511702000000", "5117021020", "", "51170210x"}) {
    EXPECT_EQ(in(bad, kTongchuanArea),
              "! must be a township (street) code: 9 digits or a 12-digit statistical code")
        << bad;
  }
}

TEST(RegionFunctionsTest, ProvinceOf) {
  EXPECT_EQ(ProvinceOf("511702001"), "51");
  EXPECT_EQ(ProvinceOf("5117"), "51");
  EXPECT_EQ(ProvinceOf("51"), "51");
  EXPECT_EQ(ProvinceOf("5"), "");
  EXPECT_EQ(ProvinceOf(""), "");
}

TEST(RegionFunctionsTest, RegionContains) {
  EXPECT_TRUE(RegionContains("5117", "511702001"));
  EXPECT_TRUE(RegionContains("51", "511702001"));
  EXPECT_TRUE(RegionContains("511702", "511702001"));
  EXPECT_TRUE(RegionContains("511702001", "511702001"));
  EXPECT_TRUE(RegionContains("511702", "511702"));
  EXPECT_FALSE(RegionContains("511702", "5117"));
  EXPECT_FALSE(RegionContains("511703", "511702001"));
  EXPECT_FALSE(RegionContains("52", "511702001"));
  // Only whole-level prefixes count.
  EXPECT_FALSE(RegionContains("51170", "511702"));
  EXPECT_FALSE(RegionContains("5", "511702"));
  EXPECT_FALSE(RegionContains("", "511702"));
  EXPECT_FALSE(RegionContains("5117", "5117021"));
  EXPECT_FALSE(RegionContains("5117", "51170200a"));
  EXPECT_FALSE(RegionContains("51", ""));
}

TEST_F(RegionRegistryTest, SharedBetweenThreads) {
  std::vector<std::thread> threads;
  std::vector<int> found(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        if (r().FullName("511702102") == "四川省达州市通川区罗江镇") ++found[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int n : found) EXPECT_EQ(n, 200);
}

class RegionLoadErrorTest : public ::testing::Test {
 protected:
  void Write(const std::string& name, const std::string& contents) {
    ASSERT_TRUE(labor::testing::WriteFile(dir_.Sub(name), contents).ok());
  }
  void WriteValid() {
    Write("provinces.csv", "code,name\n51,\"四川省\"\n");
    Write("cities.csv", "code,name,provinceCode\n5117,\"达州市\",51\n");
    Write("areas.csv", "code,name,cityCode,provinceCode\n511702,\"通川区\",5117,51\n");
    Write("streets.csv",
          "code,name,areaCode,provinceCode,cityCode\n"
          "511702102,\"罗江镇\",511702,51,5117\n511702001,\"东城街道\",511702,51,5117\n");
  }
  labor::testing::TempDir dir_;
};

TEST_F(RegionLoadErrorTest, SmallValidSet) {
  WriteValid();
  auto r = RegionRegistry::LoadFromDir(dir_.path());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)->size(), 5u);
  EXPECT_EQ((*r)->StreetsOf("511702"), (std::vector<std::string>{"511702001", "511702102"}));
  EXPECT_EQ((*r)->FullName("511702001"), "四川省达州市通川区东城街道");
}

TEST_F(RegionLoadErrorTest, MissingFileIsNotFound) {
  WriteValid();
  std::remove(dir_.Sub("areas.csv").c_str());
  EXPECT_EQ(RegionRegistry::LoadFromDir(dir_.path()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(RegionRegistry::LoadFromDir(dir_.Sub("nowhere")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RegionLoadErrorTest, MalformedRowsAreDataLoss) {
  const std::vector<std::pair<std::string, std::string>> broken = {
      // A street whose area is not loaded.
      {"streets.csv", "code,name,areaCode,provinceCode,cityCode\n511703001,\"x\",511703,51,5117\n"},
      // A street whose area column disagrees with its code.
      {"streets.csv", "code,name,areaCode,provinceCode,cityCode\n511702001,\"x\",511703,51,5117\n"},
      // Wrong code length for the level.
      {"areas.csv", "code,name,cityCode,provinceCode\n51170,\"x\",5117,51\n"},
      // Duplicate code.
      {"cities.csv", "code,name,provinceCode\n5117,\"达州市\",51\n5117,\"达州市\",51\n"},
      // Unterminated quote.
      {"provinces.csv", "code,name\n51,\"四川省\n"},
      // Missing column.
      {"provinces.csv", "code\n51\n"},
      // Empty name.
      {"provinces.csv", "code,name\n51,\n"},
  };
  for (const auto& [file, contents] : broken) {
    WriteValid();
    Write(file, contents);
    auto r = RegionRegistry::LoadFromDir(dir_.path());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << file << ": " << contents;
    EXPECT_THAT(std::string(r.status().message()), ::testing::HasSubstr(file));
  }
}

}  // namespace
}  // namespace labor
