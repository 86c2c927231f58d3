#include "common/validation.h"

#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/csv.h"
#include "common/regions.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/util.h"

namespace labor {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Independent reference for GB 11643: the weight of position i (0-based) is
// 2^(17-i) mod 11, and the check value c makes (sum + c) ≡ 1 (mod 11), with
// 10 written as 'X'.
char ReferenceIdCheck(const std::string& first17) {
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    int weight = 1;
    for (int k = 0; k < 17 - i; ++k) weight = weight * 2 % 11;
    sum += (first17[i] - '0') * weight;
  }
  const int c = (12 - sum % 11) % 11;
  return c == 10 ? 'X' : static_cast<char>('0' + c);
}

std::string MakeId(const std::string& first17) { return first17 + ReferenceIdCheck(first17); }

// Independent reference for GB 32100: weight of position i is 3^i mod 31.
constexpr char kAlphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
char ReferenceCreditCheck(const std::string& first17) {
  const std::string alphabet = kAlphabet;
  int sum = 0;
  int weight = 1;
  for (int i = 0; i < 17; ++i) {
    sum += static_cast<int>(alphabet.find(first17[i])) * weight;
    weight = weight * 3 % 31;
  }
  return alphabet[(31 - sum % 31) % 31];
}

class ResidentIdTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = RegionRegistry::LoadFromDir(labor::testing::SourcePath("data/regions"));
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    regions_ = std::move(loaded).value().release();
  }
  static void TearDownTestSuite() {
    delete regions_;
    regions_ = nullptr;
  }

  absl::StatusOr<ResidentIdInfo> Parse(absl::string_view id) {
    return ParseResidentId(id, kToday, *regions_);
  }
  // Expects INVALID_ARGUMENT with `why`, and no part of the number echoed.
  void ExpectInvalid(const std::string& id, absl::string_view why) {
    auto r = Parse(id);
    ASSERT_FALSE(r.ok()) << "accepted an invalid id (" << why << ")";
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), why);
    if (id.size() >= 6) {
      EXPECT_THAT(std::string(r.status().message()), Not(HasSubstr(id.substr(0, 6))));
    }
  }

  static constexpr absl::CivilDay kToday = absl::CivilDay(2024, 6, 15);
  static RegionRegistry* regions_;
};
RegionRegistry* ResidentIdTest::regions_ = nullptr;

TEST_F(ResidentIdTest, ReferenceAgreesWithKnownNumbers) {
  EXPECT_EQ(ReferenceIdCheck("11010219910101007"), '8');
  EXPECT_EQ(ReferenceIdCheck("44011320141005001"), 'X');
  EXPECT_EQ(ResidentIdCheckChar("11010219910101007"), '8');
  EXPECT_EQ(ResidentIdCheckChar("44011320141005001"), 'X');
  EXPECT_EQ(ResidentIdCheckChar("36042619910102009"), ReferenceIdCheck("36042619910102009"));
}

TEST_F(ResidentIdTest, CheckCharMatchesReferenceOnManyInputs) {
  // A deterministic spread of bodies (linear congruential digits).
  uint64_t x = 12345;
  for (int n = 0; n < 2000; ++n) {
    std::string body;
    for (int i = 0; i < 17; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      body.push_back(static_cast<char>('0' + (x >> 33) % 10));
    }
    ASSERT_EQ(ResidentIdCheckChar(body), ReferenceIdCheck(body)) << n;
  }
}

TEST_F(ResidentIdTest, AcceptsValidNumbers) {
  auto a = Parse("110102199101010078");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->address_code, "110102");
  EXPECT_EQ(a->birth_date, absl::CivilDay(1991, 1, 1));
}

TEST_F(ResidentIdTest, SexFromSeventeenthDigit) {
  // 110102199101010078: 17th character is '7' (odd) -> male.
  auto a = Parse("110102199101010078");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->male);
  auto b = Parse(MakeId("51170219900101002"));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_FALSE(b->male);
}

TEST_F(ResidentIdTest, AcceptsXCheckCharInBothCases) {
  auto upper = Parse("44011320141005001X");
  ASSERT_TRUE(upper.ok()) << upper.status();
  EXPECT_EQ(upper->birth_date, absl::CivilDay(2014, 10, 5));
  EXPECT_EQ(upper->address_code, "440113");
  EXPECT_TRUE(Parse("44011320141005001x").ok());
}

TEST_F(ResidentIdTest, RejectsWrongCheckDigit) {
  ExpectInvalid("36042619910102009X", "check digit does not match (GB 11643)");
  ExpectInvalid("110102199101010079", "check digit does not match (GB 11643)");
  ExpectInvalid("44011320141005001Y", "must be 17 digits followed by a digit or X");
}

TEST_F(ResidentIdTest, EverySingleDigitChangeIsDetected) {
  const std::string good = "110102199101010078";
  for (size_t pos = 0; pos < 17; ++pos) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == good[pos]) continue;
      std::string changed = good;
      changed[pos] = d;
      auto r = Parse(changed);
      ASSERT_FALSE(r.ok()) << "position " << pos;
      // Whatever else is wrong, the check digit catches the change first.
      EXPECT_EQ(r.status().message(), "check digit does not match (GB 11643)") << pos;
    }
  }
}

TEST_F(ResidentIdTest, BirthDates) {
  EXPECT_TRUE(Parse(MakeId("11010220000229001")).ok()) << "2000 is a leap year";
  ExpectInvalid(MakeId("11010219000229001"), "birth date is not a real calendar date");
  ExpectInvalid(MakeId("11010220230229001"), "birth date is not a real calendar date");
  ExpectInvalid(MakeId("11010219911301001"), "birth date is not a real calendar date");
  ExpectInvalid(MakeId("11010219910100001"), "birth date is not a real calendar date");
  ExpectInvalid(MakeId("11010219910431001"), "birth date is not a real calendar date");
  ExpectInvalid(MakeId("11010218991231001"), "birth date is before 1900");
  EXPECT_TRUE(Parse(MakeId("11010219000101001")).ok());
  // `today` itself is fine, the day after is not.
  EXPECT_TRUE(Parse(MakeId("11010220240615001")).ok());
  ExpectInvalid(MakeId("11010220240616001"), "birth date is in the future");
  ExpectInvalid(MakeId("11010230000101001"), "birth date is in the future");
}

TEST_F(ResidentIdTest, RejectsBadShapes) {
  ExpectInvalid("11010219910101007", "must be 18 characters");
  ExpectInvalid("1101021991010100788", "must be 18 characters");
  ExpectInvalid("", "must be 18 characters");
  ExpectInvalid("11010219910101007 ", "must be 17 digits followed by a digit or X");
  ExpectInvalid("1101021991O101007X", "must be 17 digits followed by a digit or X");
  ExpectInvalid("11010219910101X078", "must be 17 digits followed by a digit or X");
  ExpectInvalid("ABCDEFGHIJKLMNOPQR", "must be 17 digits followed by a digit or X");
}

TEST_F(ResidentIdTest, ProvinceMustExist) {
  ExpectInvalid(MakeId("99010219910101001"), "unknown province code");
  ExpectInvalid(MakeId("00010219910101001"), "unknown province code");
  // A historic county code is fine as long as its province exists.
  auto r = Parse(MakeId("51210019910101001"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->address_code, "512100");
  EXPECT_TRUE(Parse(MakeId("51170219850615123")).ok());
}

TEST(NormalizeResidentIdTest, TrimsAndUppercasesX) {
  EXPECT_EQ(NormalizeResidentId(" 44011320141005001x\t"), "44011320141005001X");
  EXPECT_EQ(NormalizeResidentId("110102199101010078"), "110102199101010078");
  EXPECT_EQ(NormalizeResidentId(""), "");
}

TEST(CreditCodeTest, KnownCodes) {
  EXPECT_EQ(CreditCodeCheckChar("91110000600037341"), 'L');
  EXPECT_EQ(ReferenceCreditCheck("91110000600037341"), 'L');
  EXPECT_TRUE(ValidateCreditCode("91110000600037341L").ok());
  absl::Status bad = ValidateCreditCode("91110000600037341N");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(), "check character does not match (GB 32100)");
  EXPECT_THAT(std::string(bad.message()), Not(HasSubstr("9111")));
}

TEST(CreditCodeTest, ComputedCodesAreValid) {
  for (std::string body : {"91511702MA62A1B3C", "12511700MB1234567", "52511702MJ0000001",
                           "93511702MA6XY0QT8", "Y1511702000000000"}) {
    const char check = ReferenceCreditCheck(body);
    EXPECT_EQ(CreditCodeCheckChar(body), check) << body;
    EXPECT_TRUE(ValidateCreditCode(body + check).ok()) << body;
  }
}

TEST(CreditCodeTest, EverySingleSubstitutionIsDetected) {
  const std::string good = "91110000600037341L";
  const std::string alphabet = kAlphabet;
  for (size_t pos = 0; pos < 18; ++pos) {
    if (pos >= 2 && pos < 8) continue;  // region digits: covered below
    for (char c : alphabet) {
      if (c == good[pos]) continue;
      std::string changed = good;
      changed[pos] = c;
      EXPECT_FALSE(ValidateCreditCode(changed).ok()) << pos << c;
    }
  }
  for (size_t pos = 2; pos < 8; ++pos) {
    for (char c = '0'; c <= '9'; ++c) {
      if (c == good[pos]) continue;
      std::string changed = good;
      changed[pos] = c;
      EXPECT_EQ(ValidateCreditCode(changed).message(), "check character does not match (GB 32100)");
    }
  }
}

TEST(CreditCodeTest, RejectsBadShapes) {
  EXPECT_EQ(ValidateCreditCode("91110000600037341").message(), "must be 18 characters");
  EXPECT_EQ(ValidateCreditCode("").message(), "must be 18 characters");
  const std::string alphabet_error =
      "may only contain digits and upper-case letters other than I, O, Z, S, V";
  EXPECT_EQ(ValidateCreditCode("91110000600037341l").message(), alphabet_error);
  for (char c : {'I', 'O', 'Z', 'S', 'V', '-', ' '}) {
    std::string code = "91110000600037341L";
    code[12] = c;
    EXPECT_EQ(ValidateCreditCode(code).message(), alphabet_error) << c;
  }
  // A letter in the region part fails even with a matching check character.
  std::string body = "91A10000600037341";
  EXPECT_EQ(ValidateCreditCode(body + ReferenceCreditCheck(body)).message(),
            "characters 3-8 (the region code) must be digits");
  EXPECT_EQ(CreditCodeCheckChar("9111000060003734"), '\0');
  EXPECT_EQ(CreditCodeCheckChar("9111000060003734I"), '\0');
  EXPECT_EQ(CreditCodeCheckChar("91110000600037341L"), '\0');
}

TEST(CreditCodeTest, Normalize) {
  EXPECT_EQ(NormalizeCreditCode(" 91110000600037341l "), "91110000600037341L");
  EXPECT_TRUE(ValidateCreditCode(NormalizeCreditCode("91110000600037341l")).ok());
}

TEST(MobileTest, Normalize) {
  EXPECT_EQ(NormalizeMobile("13800138000"), "13800138000");
  EXPECT_EQ(NormalizeMobile("138 0013 8000"), "13800138000");
  EXPECT_EQ(NormalizeMobile("138-0013-8000"), "13800138000");
  EXPECT_EQ(NormalizeMobile("+86 138-0013-8000"), "13800138000");
  EXPECT_EQ(NormalizeMobile("+8613800138000"), "13800138000");
  EXPECT_EQ(NormalizeMobile("8613800138000"), "13800138000");
  EXPECT_EQ(NormalizeMobile("0086 13800138000"), "13800138000");
  // An 11-digit number that happens to start with 86 keeps its digits.
  EXPECT_EQ(NormalizeMobile("86138001380"), "86138001380");
  // The prefix is only removed when 11 digits follow.
  EXPECT_EQ(NormalizeMobile("+86138001380"), "+86138001380");
  EXPECT_EQ(NormalizeMobile(""), "");
}

TEST(MobileTest, Validate) {
  for (const char* ok : {"13800138000", "19912345678", "15000000000", "17012345678"}) {
    EXPECT_TRUE(ValidateMobile(ok).ok()) << ok;
  }
  EXPECT_EQ(ValidateMobile("12800138000").message(), "must start with 13 to 19");
  EXPECT_EQ(ValidateMobile("23800138000").message(), "must start with 13 to 19");
  EXPECT_EQ(ValidateMobile("86138001380").message(), "must start with 13 to 19");
  EXPECT_EQ(ValidateMobile("1380013800").message(), "must be 11 digits");
  EXPECT_EQ(ValidateMobile("138001380000").message(), "must be 11 digits");
  EXPECT_EQ(ValidateMobile("1380013800a").message(), "must be 11 digits");
  EXPECT_EQ(ValidateMobile("+8613800138000").message(), "must be 11 digits");
  EXPECT_EQ(ValidateMobile("").message(), "must be 11 digits");
  EXPECT_TRUE(ValidateMobile(NormalizeMobile("+86 138 0013 8000")).ok());
  EXPECT_EQ(ValidateMobile("12800138000").code(), absl::StatusCode::kInvalidArgument);
}

TEST(TextTest, CountsCharactersNotBytes) {
  std::string thirty;
  for (int i = 0; i < 30; ++i) thirty += "张";
  ASSERT_EQ(thirty.size(), 90u);
  EXPECT_TRUE(ValidateText(thirty, 30, true).ok());
  absl::Status too_long = ValidateText(thirty + "三", 30, true);
  EXPECT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(too_long.message(), "must be at most 30 characters");
  EXPECT_TRUE(ValidateText("😀😀", 2, true).ok());  // 4-byte sequences count once
  EXPECT_FALSE(ValidateText("😀😀😀", 2, true).ok());
  EXPECT_TRUE(ValidateText("Zhang San 张三", 12, true).ok());
}

TEST(TextTest, Required) {
  EXPECT_EQ(ValidateText("", 10, true).message(), "is required");
  EXPECT_EQ(ValidateText("   ", 10, true).message(), "is required");
  EXPECT_EQ(ValidateText("\xE3\x80\x80", 10, true).message(), "is required");  // U+3000
  EXPECT_TRUE(ValidateText("", 10, false).ok());
  EXPECT_TRUE(ValidateText(" 张 ", 10, true).ok());
}

TEST(TextTest, RejectsControlCharacters) {
  for (std::string bad : {std::string("a\nb"), std::string("a\tb"), std::string("a\rb"),
                          std::string("a\x7f"), std::string("\xC2\x85"), std::string("a\0b", 3)}) {
    EXPECT_EQ(ValidateText(bad, 10, false).message(), "must not contain control characters");
  }
}

TEST(TextTest, RejectsInvalidUtf8) {
  for (std::string bad : {std::string("\xff"), std::string("\xE5\xBC"),  // truncated 张
                          std::string("\xC0\xAF"),                       // overlong '/'
                          std::string("\xED\xA0\x80"),                   // surrogate
                          std::string("\xF4\x90\x80\x80"),               // above U+10FFFF
                          std::string("\x80"), std::string("ab\xE5\xBC\xA0\xA0")}) {
    EXPECT_EQ(ValidateText(bad, 10, false).message(), "is not valid UTF-8");
  }
}

TEST(RealNameTest, AcceptsNamesAsOnIdCards) {
  for (const char* name : {"王军", "欧阳娜娜", "阿依古丽·买买提", "买买提·艾力·阿不都拉", "王〇",
                           "𠮷野", "JOHN SMITH", "Maria Garcia Lopez", "Li", "张"}) {
    EXPECT_TRUE(ValidateRealName(NormalizeRealName(name), 30).ok()) << name;
  }
}

TEST(RealNameTest, RefusesWhatNoIdCardHolds) {
  for (const char* name : {"王😀军", "王军1", "王_军", "王-军", "王（军）", "王 军", "·王军",
                           "王军·", "王··军", "王 ·军", "JOHN3", "王\u200b军", "Ｗａｎｇ", "王军！",
                           "김민준", "すずき", "Ivan Иванов", "王\u202e军"}) {
    const std::string normalized = NormalizeRealName(name);
    absl::Status s = ValidateRealName(normalized, 30);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << name;
    // The message never repeats the name.
    EXPECT_EQ(std::string(s.message()).find(normalized), std::string::npos) << s.message();
  }
  EXPECT_THAT(std::string(ValidateRealName("王😀军", 30).message()), HasSubstr("U+1F600"));
  EXPECT_THAT(std::string(ValidateRealName("", 30).message()), HasSubstr("required"));
  EXPECT_THAT(std::string(ValidateRealName(std::string(31, 'A'), 30).message()),
              HasSubstr("at most 30"));
  EXPECT_EQ(ValidateRealName("\xff", 30).code(), absl::StatusCode::kInvalidArgument);
}

TEST(RealNameTest, NormalizesMiddleDotLookAlikesAndSpaces) {
  const std::string dot = "\u00b7";
  for (const char* look_alike : {".", "\u30fb", "\uff65", "\u2022", "\u2027", "\u22c5", "\u2219",
                                 "\uff0e", "\u0387", "\u2e31", "\u00b7"}) {
    const std::string name = std::string("阿依古丽") + look_alike + "买买提";
    EXPECT_EQ(NormalizeRealName(name), "阿依古丽" + dot + "买买提") << look_alike;
  }
  EXPECT_EQ(NormalizeRealName(" \u3000王军\u3000 "), "王军");
  EXPECT_EQ(NormalizeRealName("JOHN \u3000  SMITH"), "JOHN SMITH");
}

TEST(PlausibleDateTest, WindowsAreRelativeToToday) {
  const absl::CivilDay today(2026, 11, 29);
  auto check = [&](absl::CivilDay day, DateField field) {
    absl::Status s = CheckPlausibleDate(day, field, today);
    return s.ok() ? std::string("ok") : std::string(s.message());
  };
  // The examples.
  EXPECT_EQ(check(absl::CivilDay(2999, 1, 1), DateField::kAvailableFrom),
            "must be between 2021-11-29 and 2028-11-29");
  EXPECT_EQ(check(absl::CivilDay(1800, 1, 1), DateField::kReturnPlan),
            "must be between 2021-11-29 and 2028-11-29");
  EXPECT_EQ(check(absl::CivilDay(1900, 1, 1), DateField::kAnnouncedDay),
            "must be between 2026-10-30 and 2028-11-29");
  // The edges are inside.
  for (DateField field :
       {DateField::kAvailableFrom, DateField::kReturnPlan, DateField::kCertificateIssued,
        DateField::kCertificateExpires, DateField::kEmploymentEffective, DateField::kUrbanResidence,
        DateField::kBlacklist, DateField::kFairDay, DateField::kAnnouncedDay,
        DateField::kFilterBound}) {
    const DateWindow w = PlausibleWindow(field, today);
    EXPECT_LE(w.earliest, today);
    EXPECT_GE(w.latest, today);
    EXPECT_EQ(check(w.earliest, field), "ok");
    EXPECT_EQ(check(w.latest, field), "ok");
    EXPECT_NE(check(w.earliest - 1, field), "ok");
    EXPECT_NE(check(w.latest + 1, field), "ok");
  }
  // Fields that may not lie ahead say so.
  EXPECT_EQ(check(today + 1, DateField::kCertificateIssued), "is in the future");
  EXPECT_EQ(check(today + 1, DateField::kEmploymentEffective), "is in the future");
  EXPECT_EQ(check(today + 1, DateField::kBlacklist), "is in the future");
}

TEST(PlausibleDateTest, AddYears) {
  EXPECT_EQ(AddYears(absl::CivilDay(2024, 2, 29), 1), absl::CivilDay(2025, 2, 28));
  EXPECT_EQ(AddYears(absl::CivilDay(2024, 2, 29), -4), absl::CivilDay(2020, 2, 29));
  EXPECT_EQ(AddYears(absl::CivilDay(2026, 11, 29), 16), absl::CivilDay(2042, 11, 29));
}

TEST(CivilDateTest, Validates) {
  EXPECT_TRUE(ValidateCivilDate(2024, 2, 29).ok());
  EXPECT_TRUE(ValidateCivilDate(2000, 2, 29).ok());
  EXPECT_TRUE(ValidateCivilDate(2023, 12, 31).ok());
  EXPECT_TRUE(ValidateCivilDate(1900, 1, 1).ok());
  for (auto [y, m, d] : std::vector<std::tuple<int, int, int>>{{2023, 2, 29},
                                                               {1900, 2, 29},
                                                               {2023, 4, 31},
                                                               {2023, 13, 1},
                                                               {2023, 0, 10},
                                                               {2023, 1, 0},
                                                               {2023, 1, 32},
                                                               {2023, -1, 1}}) {
    absl::Status s = ValidateCivilDate(y, m, d);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << y << "-" << m << "-" << d;
    EXPECT_EQ(s.message(), "is not a real calendar date");
  }
}

class CsvTest : public ::testing::Test {
 protected:
  // Writes `contents` and reads columns `columns` back.
  absl::Status Read(const std::string& contents, const std::vector<std::string>& columns) {
    const std::string path = dir_.Sub("t.csv");
    EXPECT_TRUE(labor::testing::WriteFile(path, contents).ok());
    rows_.clear();
    return ForEachCsvRecord(path, columns, [&](const std::vector<std::string>& f) {
      rows_.push_back(f);
      return absl::OkStatus();
    });
  }

  labor::testing::TempDir dir_;
  std::vector<std::vector<std::string>> rows_;
};

TEST_F(CsvTest, QuotingAndLineEnds) {
  ASSERT_TRUE(Read("\xEF\xBB\xBF"
                   "code,name,note\r\n"
                   "1,\"a,b\",x\r\n"
                   "2,\"say \"\"hi\"\"\",\r\n"
                   "\r\n"
                   "3,\"two\nlines\",\"\"\n"
                   "4,plain,last",
                   {"code", "name", "note"})
                  .ok());
  ASSERT_EQ(rows_.size(), 4u);
  EXPECT_THAT(rows_[0], ElementsAre("1", "a,b", "x"));
  EXPECT_THAT(rows_[1], ElementsAre("2", "say \"hi\"", ""));
  EXPECT_THAT(rows_[2], ElementsAre("3", "two\nlines", ""));
  EXPECT_THAT(rows_[3], ElementsAre("4", "plain", "last"));
}

TEST_F(CsvTest, ProjectsColumnsInRequestedOrder) {
  ASSERT_TRUE(Read("a,b,c\n1,2,3\n", {"c", "a"}).ok());
  ASSERT_EQ(rows_.size(), 1u);
  EXPECT_THAT(rows_[0], ElementsAre("3", "1"));
}

TEST_F(CsvTest, MalformedFilesAreDataLoss) {
  absl::Status s = Read("a,b\n1,2\n1,2,3\n", {"a"});
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(s.message()), HasSubstr("t.csv:3:"));

  s = Read("a,b\n1,\"open\n", {"a"});
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(s.message()), HasSubstr("unterminated"));

  EXPECT_EQ(Read("a,b\n1,\"x\"y\n", {"a"}).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Read("a,b\n1,x\"y\n", {"a"}).code(), absl::StatusCode::kDataLoss);
  s = Read("a,b\n1,2\n", {"a", "missing"});
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(s.message()), HasSubstr("missing"));
  EXPECT_EQ(Read("", {"a"}).code(), absl::StatusCode::kDataLoss);
}

TEST_F(CsvTest, TrailingEmptyFieldCounts) {
  ASSERT_TRUE(Read("a,b,c\n1,2,\n", {"c", "b"}).ok());
  EXPECT_THAT(rows_[0], ElementsAre("", "2"));
}

TEST_F(CsvTest, CallbackErrorsNameTheLine) {
  const std::string path = dir_.Sub("e.csv");
  ASSERT_TRUE(labor::testing::WriteFile(path, "a\nok\nbad\n").ok());
  absl::Status s = ForEachCsvRecord(path, {"a"}, [](const std::vector<std::string>& f) {
    return f[0] == "bad" ? absl::InvalidArgumentError("no good") : absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), absl::StrCat(path, ":3: no good"));
}

TEST_F(CsvTest, MissingFileIsNotFound) {
  absl::Status s =
      ForEachCsvRecord(dir_.Sub("nope.csv"), {"a"},
                       [](const std::vector<std::string>&) { return absl::OkStatus(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace labor
