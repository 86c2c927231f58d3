// The demo-data generator: every worker must pass the service's own
// validators, households must be consistent, and the mix must look like the
// district's (about 55% employed outside, a few zero-employment households).
// The vacancy data likewise: valid credit codes, real occupation codes and
// regions, sane wages, this year's fairs, a few listings, nothing
// discriminatory, deterministic.
#include "tools/demo_data.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "common/clock.h"
#include "common/occupations.h"
#include "common/proto_util.h"
#include "common/regions.h"
#include "common/status.h"
#include "common/validation.h"
#include "tests/testing/util.h"
#include "tools/labels.h"

namespace labor::tools {
namespace {

// A Tongchuan township in the project's canonical 9-digit form.
bool IsTongchuanTownship(const RegionRegistry& regions, absl::string_view code) {
  return regions.LevelOf(code) == RegionLevel::kStreet && RegionContains(kTongchuanArea, code);
}

using labor::v1::EmploymentStatus;

const absl::CivilDay kToday(2026, 11, 29);

absl::CivilDay Day(const labor::v1::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

labor::v1::Date MakeDate(int y, int m, int d) {
  labor::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

bool Employed(EmploymentStatus s) {
  return s == EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_LOCAL ||
         s == EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE ||
         s == EmploymentStatus::EMPLOYMENT_STATUS_SELF_EMPLOYED;
}

class DemoDataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto regions = RegionRegistry::LoadFromDir(testing::SourcePath("data/regions"));
    ASSERT_TRUE(regions.ok()) << regions.status();
    regions_ = regions->release();
    auto taxonomy = OccupationTaxonomy::LoadFromDir(testing::SourcePath("data/taxonomy"));
    ASSERT_TRUE(taxonomy.ok()) << taxonomy.status();
    taxonomy_ = taxonomy->release();
    DemoOptions options;
    options.seed = 7;
    options.workers = 2000;
    options.today = kToday;
    workers_ = new std::vector<DemoWorker>(GenerateDemoWorkers(options));
  }
  static void TearDownTestSuite() {
    delete regions_;
    delete taxonomy_;
    delete workers_;
  }

  static const std::vector<DemoWorker>& workers() { return *workers_; }
  static const RegionRegistry& regions() { return *regions_; }
  static const OccupationTaxonomy& taxonomy() { return *taxonomy_; }

  static EmploymentStatus Current(const DemoWorker& w) { return w.employment.back().status(); }

  static double Share(EmploymentStatus status) {
    int n = 0;
    for (const DemoWorker& w : workers()) n += Current(w) == status;
    return static_cast<double>(n) / workers().size();
  }

 private:
  static RegionRegistry* regions_;
  static OccupationTaxonomy* taxonomy_;
  static std::vector<DemoWorker>* workers_;
};

RegionRegistry* DemoDataTest::regions_ = nullptr;
OccupationTaxonomy* DemoDataTest::taxonomy_ = nullptr;
std::vector<DemoWorker>* DemoDataTest::workers_ = nullptr;

TEST_F(DemoDataTest, GeneratesExactlyTheRequestedCount) {
  EXPECT_EQ(workers().size(), 2000u);
  for (int n : {0, 1, 7, 33}) {
    DemoOptions options;
    options.workers = n;
    options.today = kToday;
    EXPECT_EQ(GenerateDemoWorkers(options).size(), static_cast<size_t>(n));
  }
}

TEST_F(DemoDataTest, IdNumbersAreValidUniqueAndMatchBirthAndGender) {
  absl::flat_hash_set<std::string> seen;
  for (const DemoWorker& w : workers()) {
    const std::string& id = w.worker.id_number();
    absl::StatusOr<ResidentIdInfo> info = ParseResidentId(id, kToday, regions());
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->address_code, "511702");
    EXPECT_EQ(info->birth_date, w.birth_date);
    EXPECT_EQ(info->male, w.male);
    EXPECT_EQ((id[16] - '0') % 2 == 1, w.male);
    EXPECT_EQ(id[17], ResidentIdCheckChar(id.substr(0, 17)));
    EXPECT_GE(w.birth_date.year(), 1965);
    EXPECT_LE(w.birth_date.year(), 2005);
    EXPECT_TRUE(seen.insert(id).second) << "duplicate ID number";
  }
}

TEST_F(DemoDataTest, NamesAreShortChineseNames) {
  for (const DemoWorker& w : workers()) {
    // Surname + 1 or 2 given characters, 3 bytes each in UTF-8.
    EXPECT_TRUE(w.worker.name().size() == 6 || w.worker.name().size() == 9) << w.worker.name();
    EXPECT_TRUE(ValidateText(w.worker.name(), 30, true).ok());
  }
}

TEST_F(DemoDataTest, TownshipsAreTongchuanStreetsAndAllAreUsed) {
  std::set<std::string> used;
  for (const DemoWorker& w : workers()) {
    EXPECT_TRUE(IsTongchuanTownship(regions(), w.worker.hukou_township()))
        << w.worker.hukou_township();
    used.insert(w.worker.hukou_township());
  }
  EXPECT_EQ(used.size(), 18u);
  std::vector<std::string> expected = regions().StreetsOf(kTongchuanArea);
  EXPECT_EQ(std::vector<std::string>(used.begin(), used.end()), expected);
  EXPECT_EQ(TongchuanTownships(), expected);
}

TEST_F(DemoDataTest, PhonesAreValidAndUnique) {
  absl::flat_hash_set<std::string> seen;
  for (const DemoWorker& w : workers()) {
    EXPECT_TRUE(ValidateMobile(w.worker.phone()).ok()) << "invalid phone";
    EXPECT_TRUE(seen.insert(w.worker.phone()).second) << "duplicate phone";
  }
}

TEST_F(DemoDataTest, AboutSeventyPercentHaveUniqueWellFormedOpenIds) {
  absl::flat_hash_set<std::string> seen;
  int with = 0;
  for (const DemoWorker& w : workers()) {
    const std::string& openid = w.worker.wechat_openid();
    if (openid.empty()) {
      EXPECT_FALSE(w.worker.consent().wechat()) << "WeChat consent without an openid";
      continue;
    }
    ++with;
    ASSERT_EQ(openid.size(), 28u);
    EXPECT_EQ(openid[0], 'o');
    for (char c : openid)
      EXPECT_TRUE(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
    EXPECT_TRUE(seen.insert(openid).second);
  }
  double share = static_cast<double>(with) / workers().size();
  EXPECT_GT(share, 0.64);
  EXPECT_LT(share, 0.76);
}

TEST_F(DemoDataTest, SameSeedSameWorkersOtherSeedOtherWorkers) {
  DemoOptions options;
  options.seed = 7;
  options.workers = 300;
  options.today = kToday;
  std::vector<DemoWorker> a = GenerateDemoWorkers(options);
  std::vector<DemoWorker> b = GenerateDemoWorkers(options);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(DemoWorkerToJson(a[i]), DemoWorkerToJson(b[i]));
  }
  // The first 300 of a 2000-worker run are the same people.
  for (size_t i = 0; i < 300 && i < workers().size(); ++i) {
    // Households are cut to fit the count, so only compare full households.
    if (workers()[i].worker.household_id() != a.back().worker.household_id()) {
      EXPECT_EQ(a[i].worker.id_number(), workers()[i].worker.id_number());
    }
  }
  options.seed = 8;
  std::vector<DemoWorker> c = GenerateDemoWorkers(options);
  int same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i].worker.id_number() == c[i].worker.id_number();
  EXPECT_LT(same, 5);
}

TEST_F(DemoDataTest, HouseholdsShareTownshipAndHaveOneToFiveMembers) {
  std::map<std::string, std::vector<const DemoWorker*>> households;
  for (const DemoWorker& w : workers()) households[w.worker.household_id()].push_back(&w);
  EXPECT_GT(households.size(), 500u);
  int multi = 0;
  for (const auto& [id, members] : households) {
    EXPECT_GE(members.size(), 1u);
    EXPECT_LE(members.size(), 5u);
    multi += members.size() > 1;
    const std::string& township = members[0]->worker.hukou_township();
    EXPECT_TRUE(absl::StartsWith(id, "TC" + township.substr(6))) << id;
    EXPECT_LE(id.size(), 32u);
    for (const DemoWorker* m : members) EXPECT_EQ(m->worker.hukou_township(), township) << id;
  }
  EXPECT_GT(multi, static_cast<int>(households.size()) / 2);
}

TEST_F(DemoDataTest, SomeHouseholdsHaveNobodyEmployed) {
  std::map<std::string, std::vector<const DemoWorker*>> households;
  for (const DemoWorker& w : workers()) households[w.worker.household_id()].push_back(&w);
  int zero = 0;
  for (const auto& [id, members] : households) {
    if (members.size() < 2) continue;
    bool anyone = false;
    for (const DemoWorker* m : members) anyone = anyone || Employed(Current(*m));
    zero += !anyone;
  }
  EXPECT_GE(zero, 3);
  EXPECT_LE(zero, 60);
}

TEST_F(DemoDataTest, StatusMixIsRoughlyAsIntended) {
  EXPECT_NEAR(Share(EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE), 0.55, 0.05);
  EXPECT_NEAR(Share(EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_LOCAL), 0.20, 0.04);
  EXPECT_NEAR(Share(EmploymentStatus::EMPLOYMENT_STATUS_UNEMPLOYED), 0.08, 0.03);
  EXPECT_NEAR(Share(EmploymentStatus::EMPLOYMENT_STATUS_RETURNED_HOME), 0.10, 0.03);
  EXPECT_NEAR(Share(EmploymentStatus::EMPLOYMENT_STATUS_SELF_EMPLOYED), 0.07, 0.03);
}

TEST_F(DemoDataTest, DestinationsExistAndGuangdongLeads) {
  for (const DemoDestination& d : DemoDestinations()) {
    EXPECT_TRUE(regions().Exists(d.region_code)) << d.region_code;
    EXPECT_FALSE(RegionContains(kTongchuanArea, d.region_code)) << d.region_code;
  }
  std::map<std::string, int> by_province;
  int outside = 0;
  for (const DemoWorker& w : workers()) {
    for (const labor::v1::EmploymentRecord& r : w.employment) {
      if (r.status() == EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE) {
        ASSERT_FALSE(r.destination_region().empty());
        EXPECT_TRUE(regions().Exists(r.destination_region()));
        EXPECT_FALSE(r.employer_name().empty());
      }
      if (r.status() == EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_LOCAL) {
        EXPECT_TRUE(IsTongchuanTownship(regions(), r.destination_region()));
      }
    }
    if (Current(w) == EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE) {
      ++outside;
      ++by_province[std::string(ProvinceOf(w.employment.back().destination_region()))];
      EXPECT_EQ(w.worker.current_location(), w.employment.back().destination_region());
    }
  }
  int max_other = 0;
  for (const auto& [province, n] : by_province) {
    if (province != "44") max_other = std::max(max_other, n);
  }
  EXPECT_GT(by_province["44"], max_other);
  EXPECT_NEAR(static_cast<double>(by_province["44"]) / outside, 0.40, 0.08);
}

TEST_F(DemoDataTest, EmploymentHistoryIsOrderedAndNotInTheFuture) {
  for (const DemoWorker& w : workers()) {
    ASSERT_FALSE(w.employment.empty());
    ASSERT_LE(w.employment.size(), 2u);
    absl::CivilDay previous = absl::CivilDay(1900, 1, 1);
    for (const labor::v1::EmploymentRecord& r : w.employment) {
      ASSERT_TRUE(r.has_effective_date());
      absl::CivilDay d = Day(r.effective_date());
      EXPECT_LE(d, kToday);
      EXPECT_GE(d, previous);
      EXPECT_GT(d, w.birth_date + 16 * 365);
      EXPECT_NE(r.status(), EmploymentStatus::EMPLOYMENT_STATUS_UNSPECIFIED);
      previous = d;
    }
  }
}

TEST_F(DemoDataTest, UnemploymentRegistrationsObeyTheSixMonthRule) {
  int registered = 0, unregistered_recent = 0;
  for (const DemoWorker& w : workers()) {
    for (const labor::v1::EmploymentRecord& r : w.employment) {
      if (r.registration() == labor::v1::REGISTRATION_KIND_UNEMPLOYMENT) {
        ++registered;
        EXPECT_EQ(r.status(), EmploymentStatus::EMPLOYMENT_STATUS_UNEMPLOYED);
        ASSERT_TRUE(r.has_urban_residence_since());
        EXPECT_TRUE(SixMonthsBefore(r.urban_residence_since(), r.effective_date()));
        EXPECT_TRUE(SixMonthsBefore(r.urban_residence_since(), MakeDate(2026, 11, 29)));
      } else if (r.has_urban_residence_since() &&
                 !SixMonthsBefore(r.urban_residence_since(), r.effective_date())) {
        ++unregistered_recent;
      }
      if (r.registration() == labor::v1::REGISTRATION_KIND_EMPLOYMENT) {
        EXPECT_TRUE(Employed(r.status()));
      }
    }
  }
  EXPECT_GT(registered, 20);
  EXPECT_GT(unregistered_recent, 5);
}

TEST(SixMonthsBeforeTest, CountsCalendarMonthsAndClampsMonthEnds) {
  EXPECT_TRUE(SixMonthsBefore(MakeDate(2026, 3, 1), MakeDate(2026, 9, 1)));
  EXPECT_FALSE(SixMonthsBefore(MakeDate(2026, 3, 2), MakeDate(2026, 9, 1)));
  // Aug 31 minus six months is Feb 28 (not Mar 3).
  EXPECT_TRUE(SixMonthsBefore(MakeDate(2026, 2, 28), MakeDate(2026, 8, 31)));
  EXPECT_FALSE(SixMonthsBefore(MakeDate(2026, 3, 1), MakeDate(2026, 8, 31)));
  EXPECT_TRUE(SixMonthsBefore(MakeDate(2025, 8, 15), MakeDate(2026, 2, 15)));
}

TEST_F(DemoDataTest, OccupationCodesExistInThe2022Classification) {
  for (const DemoOccupation& o : DemoOccupations()) {
    const Occupation* occ = taxonomy().Find(o.code);
    ASSERT_NE(occ, nullptr) << o.code;
    EXPECT_EQ(occ->level, 4) << o.code;
    EXPECT_EQ(occ->name, o.name) << o.code;
  }
  for (const DemoWorker& w : workers()) {
    ASSERT_GE(w.worker.skills_size(), 1);
    for (const labor::v1::Skill& s : w.worker.skills()) {
      EXPECT_NE(taxonomy().Find(s.occupation_code()), nullptr) << s.occupation_code();
      EXPECT_GE(s.years(), 0);
      EXPECT_LE(s.years(), 60);
    }
    for (const std::string& code : w.worker.preferences().wanted_occupations()) {
      EXPECT_TRUE(taxonomy().Validate(code).ok()) << code;
    }
  }
}

TEST_F(DemoDataTest, ConstructionAndFactoryTradesDominateAndLevelsSkewLow) {
  std::map<labor::v1::SkillLevel, int> levels;
  int construction = 0, factory = 0;
  for (const DemoWorker& w : workers()) {
    const labor::v1::Skill& s = w.worker.skills(0);
    ++levels[s.level()];
    if (OccupationInBranch("6-29", s.occupation_code())) {
      ++construction;
    } else if (s.occupation_code()[0] == '6') {
      ++factory;
    }
  }
  const double n = workers().size();
  EXPECT_GT((construction + factory) / n, 0.5);
  EXPECT_GT(construction / n, 0.2);
  const int mid =
      levels[labor::v1::SKILL_LEVEL_5_ELEMENTARY] + levels[labor::v1::SKILL_LEVEL_4_INTERMEDIATE];
  EXPECT_GT(mid / n, 0.5);
  EXPECT_GT(levels[labor::v1::SKILL_LEVEL_3_ADVANCED] / n, 0.05);
  EXPECT_LT(levels[labor::v1::SKILL_LEVEL_3_ADVANCED], mid / 2);
}

TEST_F(DemoDataTest, CertificatesFitTheTrade) {
  int electrician_permits = 0, welder_permits = 0, verified = 0, total = 0;
  for (const DemoWorker& w : workers()) {
    const std::string& primary = w.worker.skills(0).occupation_code();
    for (const labor::v1::Certificate& c : w.worker.certificates()) {
      ++total;
      verified += c.verified();
      EXPECT_FALSE(c.name().empty());
      if (c.has_expires_on()) {
        EXPECT_GT(Day(c.expires_on()), kToday);
      }
      EXPECT_LE(Day(c.issued_on()), kToday);
      if (c.name() == "低压电工作业") {
        ++electrician_permits;
        EXPECT_EQ(primary, "6-31-01-03");
        EXPECT_EQ(c.kind(), labor::v1::CERTIFICATE_KIND_SPECIAL_OPERATION);
      }
      if (c.name() == "熔化焊接与热切割作业") {
        ++welder_permits;
        EXPECT_EQ(primary, "6-18-02-04");
      }
      if (c.kind() == labor::v1::CERTIFICATE_KIND_SKILL_LEVEL) {
        EXPECT_EQ(c.occupation_code(), primary);
        EXPECT_EQ(c.level(), w.worker.skills(0).level());
      }
      // Certificate numbers are synthetic, never derived from the ID number.
      EXPECT_EQ(c.number().find(w.worker.id_number()), std::string::npos);
      // The service's own date rule (a certificate from before working age
      // is refused, so the demo load would lose the worker).
      labor::ViolationCollector dates;
      labor::CheckCertificateDates(c, "certificate", kToday, w.birth_date, &dates);
      EXPECT_TRUE(dates.ToStatus().ok()) << dates.ToStatus();
    }
  }
  EXPECT_GT(electrician_permits, 10);
  EXPECT_GT(welder_permits, 10);
  EXPECT_GT(verified, total / 3);
  EXPECT_LT(verified, total);
}

TEST_F(DemoDataTest, LaborBrandsGoToTheirTrades) {
  std::map<labor::v1::LaborBrand, int> brands;
  for (const DemoWorker& w : workers()) {
    const labor::v1::LaborBrand b = w.worker.labor_brand();
    ++brands[b];
    const std::string& code = w.worker.skills(0).occupation_code();
    if (b == labor::v1::LABOR_BRAND_BASHAN_MEIZI) {
      EXPECT_FALSE(w.male);
      EXPECT_TRUE(OccupationInBranch("4-10-01", code)) << code;
    } else if (b == labor::v1::LABOR_BRAND_BASHAN_CHUSHI) {
      EXPECT_TRUE(OccupationInBranch("4-03-02", code)) << code;
    } else if (b == labor::v1::LABOR_BRAND_BASHAN_JIANGONG) {
      EXPECT_TRUE(OccupationInBranch("6-29", code) || OccupationInBranch("6-30-05", code)) << code;
    }
  }
  EXPECT_GT(brands[labor::v1::LABOR_BRAND_BASHAN_MEIZI], 10);
  EXPECT_GT(brands[labor::v1::LABOR_BRAND_BASHAN_CHUSHI], 10);
  EXPECT_GT(brands[labor::v1::LABOR_BRAND_BASHAN_JIANGONG], 100);
}

TEST_F(DemoDataTest, PreferencesAndReturnPlansCenterOnSpringFestival2027) {
  int with_plan = 0, partner = 0;
  for (const DemoWorker& w : workers()) {
    const labor::v1::Preferences& p = w.worker.preferences();
    EXPECT_GE(p.minimum_monthly_wage().fen(), 300000);
    EXPECT_LE(p.minimum_monthly_wage().fen(), 800000);
    EXPECT_EQ(p.minimum_monthly_wage().fen() % 50000, 0);
    absl::CivilDay available = Day(p.available_from());
    EXPECT_GE(available, kToday);
    EXPECT_LE(available, absl::CivilDay(2027, 3, 31));
    if (p.location_scope() == labor::v1::LOCATION_SCOPE_LISTED_REGIONS) {
      EXPECT_GE(p.accepted_regions_size(), 1);
      for (const std::string& r : p.accepted_regions()) EXPECT_TRUE(regions().Exists(r)) << r;
    }
    partner += w.worker.consent().partner_sharing();
    if (!w.worker.has_return_plan()) continue;
    ++with_plan;
    const labor::v1::ReturnPlan& plan = w.worker.return_plan();
    if (Current(w) == EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE) {
      absl::CivilDay back = Day(plan.planned_return());
      EXPECT_GE(back, absl::CivilDay(2027, 1, 15));
      EXPECT_LE(back, absl::CivilDay(2027, 2, 5));
    }
    if (plan.intent() == labor::v1::RETURN_INTENT_GO_OUT_AGAIN) {
      absl::CivilDay leave = Day(plan.planned_departure());
      EXPECT_GE(leave, absl::CivilDay(2027, 2, 13));
      EXPECT_LE(leave, absl::CivilDay(2027, 2, 28));
    } else {
      EXPECT_FALSE(plan.has_planned_departure());
    }
  }
  EXPECT_GT(with_plan, 1000);
  EXPECT_NEAR(static_cast<double>(partner) / workers().size(), 0.6, 0.05);
}

TEST_F(DemoDataTest, JsonLinesParseBack) {
  const DemoWorker& w = workers()[0];
  std::string json = DemoWorkerToJson(w);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_TRUE(absl::StartsWith(json, "{\"worker\":{"));
  // The worker object round-trips through protobuf's JSON parser.
  size_t start = json.find(':') + 1;
  size_t end = json.find(",\"employment\":[");
  ASSERT_NE(end, std::string::npos);
  labor::v1::Worker parsed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(json.substr(start, end - start), &parsed).ok());
  EXPECT_EQ(parsed.id_number(), w.worker.id_number());
  EXPECT_EQ(parsed.skills_size(), w.worker.skills_size());
}

// ---------------------------------------------------------------------------
// Vacancy data.

class DemoVacancyDataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto regions = RegionRegistry::LoadFromDir(testing::SourcePath("data/regions"));
    ASSERT_TRUE(regions.ok()) << regions.status();
    regions_ = regions->release();
    auto taxonomy = OccupationTaxonomy::LoadFromDir(testing::SourcePath("data/taxonomy"));
    ASSERT_TRUE(taxonomy.ok()) << taxonomy.status();
    taxonomy_ = taxonomy->release();
    DemoVacancyOptions options;
    options.seed = 7;
    options.vacancies = 300;
    options.today = kToday;
    data_ = new DemoVacancyData(GenerateDemoVacancyData(options));
  }
  static void TearDownTestSuite() {
    delete regions_;
    delete taxonomy_;
    delete data_;
  }

  static const DemoVacancyData& data() { return *data_; }
  static const RegionRegistry& regions() { return *regions_; }
  static const OccupationTaxonomy& taxonomy() { return *taxonomy_; }
  static const DemoEmployer& EmployerOf(const DemoVacancy& v) {
    return data().employers[v.employer];
  }

 private:
  static RegionRegistry* regions_;
  static OccupationTaxonomy* taxonomy_;
  static DemoVacancyData* data_;
};

RegionRegistry* DemoVacancyDataTest::regions_ = nullptr;
OccupationTaxonomy* DemoVacancyDataTest::taxonomy_ = nullptr;
DemoVacancyData* DemoVacancyDataTest::data_ = nullptr;

// GB 11714, written out independently of the generator's helper.
char OrgCheck(const std::string& body) {
  const int weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 8; ++i) {
    char c = body[i];
    sum += (isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'A' + 10) * weights[i];
  }
  int check = 11 - sum % 11;
  return check == 10 ? 'X' : check == 11 ? '0' : static_cast<char>('0' + check);
}

TEST(CreditCodeTest, KnownCodesCheckOut) {
  // A published code: Huawei Technologies Co., Ltd. (Shenzhen).
  EXPECT_TRUE(ValidateCreditCode("914403001922038216").ok());
  EXPECT_EQ(OrganizationCodeCheckChar("19220382"), '1');
  EXPECT_EQ(OrganizationCodeCheckChar("12345678"), '8');  // 201 % 11 = 3 -> 8
  EXPECT_EQ(OrganizationCodeCheckChar("MA000000"), '7');  // 136 % 11 = 4 -> 7
  EXPECT_EQ(OrganizationCodeCheckChar("1234567"), '\0');
  EXPECT_EQ(OrganizationCodeCheckChar("1234567a"), '\0');
  EXPECT_EQ(SpringFestival(2026), absl::CivilDay(2026, 2, 17));
  EXPECT_EQ(SpringFestival(2027), absl::CivilDay(2027, 2, 6));
  EXPECT_EQ(SpringFestival(2025), absl::CivilDay(2025, 1, 29));
}

TEST_F(DemoVacancyDataTest, CountsAndEverySectorPresent) {
  EXPECT_EQ(data().vacancies.size(), 300u);
  EXPECT_EQ(data().employers.size(), 100u);
  std::map<DemoSector, int> employers, vacancies;
  for (const DemoEmployer& e : data().employers) ++employers[e.sector];
  int local = 0;
  for (const DemoVacancy& v : data().vacancies) {
    ++vacancies[EmployerOf(v).sector];
    local += IsLocalSector(EmployerOf(v).sector);
  }
  EXPECT_EQ(employers.size(), 8u);
  EXPECT_EQ(vacancies.size(), 8u);
  EXPECT_NEAR(static_cast<double>(local) / data().vacancies.size(), 0.42, 0.12);
  // Every employer posts (there are more vacancies than employers).
  std::set<int> posting;
  for (const DemoVacancy& v : data().vacancies) posting.insert(v.employer);
  EXPECT_EQ(posting.size(), data().employers.size());
  for (int n : {0, 1, 5, 40}) {
    DemoVacancyOptions options;
    options.vacancies = n;
    options.today = kToday;
    DemoVacancyData d = GenerateDemoVacancyData(options);
    EXPECT_EQ(d.vacancies.size(), static_cast<size_t>(n));
    EXPECT_GE(d.employers.size(), 12u);
    EXPECT_GE(d.listings.size(), 3u);
  }
}

TEST_F(DemoVacancyDataTest, CreditCodesAreValidAndCarryTheEmployersCounty) {
  absl::flat_hash_set<std::string> codes, names;
  for (const DemoEmployer& de : data().employers) {
    const labor::v1::Employer& e = de.employer;
    const std::string& code = e.credit_code();
    ASSERT_EQ(code.size(), 18u) << code;
    EXPECT_TRUE(ValidateCreditCode(code).ok()) << code;
    EXPECT_EQ(code[17], CreditCodeCheckChar(code.substr(0, 17)));
    EXPECT_EQ(code.substr(0, 2), "91") << code;  // market regulation, enterprise
    EXPECT_EQ(code.substr(2, 6), e.region().substr(0, 6)) << code;
    EXPECT_EQ(regions().LevelOf(code.substr(2, 6)), RegionLevel::kArea) << code;
    EXPECT_EQ(OrgCheck(code.substr(8, 8)), code[16]) << code;
    // Changing any character breaks the check.
    std::string bad = code;
    bad[10] = bad[10] == '1' ? '2' : '1';
    EXPECT_FALSE(ValidateCreditCode(bad).ok());
    EXPECT_TRUE(codes.insert(code).second) << "duplicate " << code;
    EXPECT_TRUE(names.insert(e.name()).second) << "duplicate " << e.name();
    EXPECT_TRUE(ValidateText(e.name(), 100, true).ok()) << e.name();
    EXPECT_TRUE(absl::EndsWith(e.name(), "有限公司")) << e.name();
    EXPECT_TRUE(ValidateMobile(e.contact_phone()).ok());
    EXPECT_FALSE(e.contact_name().empty());
  }
}

TEST_F(DemoVacancyDataTest, RegionsExistAndFitTheSector) {
  const std::map<DemoSector, std::string> kWhere = {
      {DemoSector::kConstruction, "5117"}, {DemoSector::kFoodProcessing, "5117"},
      {DemoSector::kLogistics, "5117"},    {DemoSector::kDomesticService, "511702"},
      {DemoSector::kElectronics, "44"},    {DemoSector::kTextiles, "33"},
      {DemoSector::kMachinery, "32"},      {DemoSector::kRestaurants, "5101"}};
  for (const DemoEmployer& de : data().employers) {
    EXPECT_TRUE(regions().Exists(de.employer.region())) << de.employer.region();
    EXPECT_TRUE(RegionContains(kWhere.at(de.sector), de.employer.region())) << de.employer.region();
  }
  int in_townships = 0;
  for (const DemoVacancy& v : data().vacancies) {
    const std::string& loc = v.vacancy.location();
    EXPECT_TRUE(regions().Exists(loc)) << loc;
    // Same county as the employer: the service's duplicate rule looks at it.
    EXPECT_EQ(loc.substr(0, 6), EmployerOf(v).employer.region().substr(0, 6)) << loc;
    in_townships += IsTongchuanTownship(regions(), loc);
  }
  EXPECT_GT(in_townships, 40);
}

TEST_F(DemoVacancyDataTest, OccupationCodesAreRealLevelFourAndFitTheSector) {
  std::map<DemoSector, std::set<std::string>> codes;
  for (const DemoJob& job : DemoJobs()) {
    const Occupation* occ = taxonomy().Find(job.code);
    ASSERT_NE(occ, nullptr) << job.code;
    EXPECT_EQ(occ->level, 4) << job.code;
    EXPECT_EQ(occ->name, job.name) << job.code;
    codes[job.sector].insert(job.code);
  }
  for (const DemoVacancy& v : data().vacancies) {
    const std::string& code = v.vacancy.occupation_code();
    EXPECT_TRUE(codes[EmployerOf(v).sector].contains(code)) << code;
    for (const labor::v1::Skill& s : v.vacancy.required_skills()) {
      EXPECT_EQ(s.occupation_code(), code);
      EXPECT_GE(s.level(), labor::v1::SKILL_LEVEL_SELF_DECLARED);
      EXPECT_LE(s.level(), labor::v1::SKILL_LEVEL_4_INTERMEDIATE);
      EXPECT_EQ(s.years(), 0);  // years are a worker's, not a requirement
    }
  }
  // The signature trades are there.
  for (const char* code : {"6-29-01-01", "6-25-04-07", "6-05-01-03", "6-20-01-01", "4-03-02-01",
                           "4-10-01-06", "4-02-05-01", "6-01-04-03"}) {
    bool found = false;
    for (const DemoVacancy& v : data().vacancies) found |= v.vacancy.occupation_code() == code;
    EXPECT_TRUE(found) << code;
  }
}

// The monthly figure by the README rules (daily x 21.75, hourly x 8 x 21.75,
// piece: the stated expectation).
int64_t MonthlyFen(const labor::v1::Wage& w, bool max) {
  int64_t amount = max ? w.max().fen() : w.min().fen();
  switch (w.unit()) {
    case labor::v1::WAGE_UNIT_DAILY:
      return amount * 2175 / 100;
    case labor::v1::WAGE_UNIT_HOURLY:
      return amount * 8 * 2175 / 100;
    case labor::v1::WAGE_UNIT_PIECE:
      return max ? w.monthly_max().fen() : w.monthly_min().fen();
    default:
      return amount;
  }
}

TEST_F(DemoVacancyDataTest, WagesAreRealisticForTheUnitAndTrade) {
  std::map<labor::v1::WageUnit, int> units;
  for (const DemoVacancy& v : data().vacancies) {
    const labor::v1::Wage& w = v.vacancy.wage();
    const DemoSector sector = EmployerOf(v).sector;
    ++units[w.unit()];
    EXPECT_GT(w.min().fen(), 0);
    EXPECT_GE(w.max().fen(), w.min().fen());
    const int64_t lo = MonthlyFen(w, false), hi = MonthlyFen(w, true);
    EXPECT_GE(lo, 250000) << v.vacancy.title() << " " << WageLabel(w);  // above minimum wage
    EXPECT_LE(hi, 1600000) << v.vacancy.title() << " " << WageLabel(w);
    EXPECT_GE(hi, lo);
    // Coastal factory jobs pay more than the local minimum.
    if (!IsLocalSector(sector)) {
      EXPECT_GE(lo, 380000) << WageLabel(w);
    }
    switch (w.unit()) {
      case labor::v1::WAGE_UNIT_MONTHLY:
        EXPECT_EQ(w.min().fen() % 10000, 0);  // whole hundreds of yuan
        break;
      case labor::v1::WAGE_UNIT_DAILY:
        EXPECT_EQ(sector, DemoSector::kConstruction);
        EXPECT_GE(w.min().fen(), 25000);
        EXPECT_LE(w.max().fen(), 50000);
        break;
      case labor::v1::WAGE_UNIT_HOURLY:
        EXPECT_EQ(sector, DemoSector::kLogistics);
        EXPECT_GE(w.min().fen(), 1500);
        EXPECT_LE(w.max().fen(), 3000);
        break;
      case labor::v1::WAGE_UNIT_PIECE:
        EXPECT_EQ(sector, DemoSector::kTextiles);
        EXPECT_LE(w.max().fen(), 1000);  // cents to a few yuan a piece
        EXPECT_GT(w.monthly_min().fen(), 0);
        EXPECT_GE(w.monthly_max().fen(), w.monthly_min().fen());
        break;
      default:
        ADD_FAILURE() << "no unit: " << v.vacancy.title();
    }
    // The monthly figure is the service's output except for piece rates.
    if (w.unit() != labor::v1::WAGE_UNIT_PIECE) {
      EXPECT_EQ(w.monthly_min().fen(), 0);
      EXPECT_EQ(w.monthly_max().fen(), 0);
    }
  }
  const int n = data().vacancies.size();
  EXPECT_GT(units[labor::v1::WAGE_UNIT_MONTHLY], n * 6 / 10);  // monthly mostly
  EXPECT_GT(units[labor::v1::WAGE_UNIT_DAILY], 10);
  EXPECT_GT(units[labor::v1::WAGE_UNIT_PIECE], 5);
  EXPECT_GT(units[labor::v1::WAGE_UNIT_HOURLY], 0);
}

TEST_F(DemoVacancyDataTest, PermitsWhereTheLawAsksAndHealthCertificatesForFood) {
  int electricians = 0, welders = 0, scaffolders = 0, forklifts = 0;
  for (const DemoVacancy& v : data().vacancies) {
    const std::string& code = v.vacancy.occupation_code();
    std::set<std::string> certs;
    for (const labor::v1::Certificate& c : v.vacancy.required_certificates()) {
      certs.insert(c.name());
      if (c.kind() == labor::v1::CERTIFICATE_KIND_SPECIAL_OPERATION) {
        EXPECT_TRUE(code == "6-31-01-03" || code == "6-18-02-04" || code == "6-29-01-05") << code;
      }
    }
    if (code == "6-31-01-03") electricians += certs.contains("低压电工作业");
    if (code == "6-18-02-04") welders += certs.contains("熔化焊接与热切割作业");
    if (code == "6-29-01-05") scaffolders += certs.contains("登高架设作业");
    if (code == "6-30-05-01") forklifts += certs.contains("特种设备作业人员证(叉车司机N1)");
    if (code == "6-31-01-03" || code == "6-18-02-04" || code == "6-29-01-05" ||
        code == "6-30-05-01") {
      EXPECT_EQ(certs.size(), 1u) << code;
    }
    const DemoSector sector = EmployerOf(v).sector;
    if (sector == DemoSector::kRestaurants || sector == DemoSector::kFoodProcessing) {
      EXPECT_TRUE(certs.contains("健康证")) << code;
    }
  }
  EXPECT_GT(electricians, 0);
  EXPECT_GT(welders, 0);
  EXPECT_GT(scaffolders, 0);
  EXPECT_GT(forklifts, 0);
}

TEST_F(DemoVacancyDataTest, FieldsPassTheServiceLimits) {
  const absl::Time today = absl::FromCivil(kToday, ShanghaiTime());
  absl::flat_hash_set<std::string> request_ids;
  int with_benefits = 0;
  for (const DemoVacancy& dv : data().vacancies) {
    const labor::v1::Vacancy& v = dv.vacancy;
    EXPECT_TRUE(ValidateText(v.title(), 60, true).ok()) << v.title();
    EXPECT_TRUE(ValidateText(v.description(), 2000, false).ok()) << v.description();
    EXPECT_TRUE(ValidateText(v.working_hours(), 100, false).ok()) << v.working_hours();
    EXPECT_GE(v.headcount(), 1);
    EXPECT_LE(v.headcount(), 200);
    absl::Time expires = FromProto(v.expires_at());
    EXPECT_GT(expires, today + absl::Hours(24 * 19));
    EXPECT_LT(expires, today + absl::Hours(24 * 92));
    // Output-only fields are left to the service.
    EXPECT_TRUE(v.vacancy_id().empty());
    EXPECT_TRUE(v.employer_id().empty());
    EXPECT_EQ(v.status(), labor::v1::VACANCY_STATUS_UNSPECIFIED);
    EXPECT_EQ(v.remaining(), 0);
    EXPECT_EQ(v.sources_size(), 0);
    with_benefits += v.benefits().room() || v.benefits().board() || v.benefits().social_insurance();
    EXPECT_TRUE(request_ids.insert(dv.request_id).second) << dv.request_id;
    EXPECT_TRUE(absl::StartsWith(dv.request_id, "demo-7-300-")) << dv.request_id;
  }
  EXPECT_GT(with_benefits, static_cast<int>(data().vacancies.size()) * 3 / 4);
}

TEST_F(DemoVacancyDataTest, NothingDiscriminates) {
  // Gender, ethnicity, hukou, age or marital restrictions: none.
  const std::vector<std::string> kTerms = {"男",   "女",     "汉族", "民族", "户口", "户籍",
                                           "农村", "本地人", "已婚", "未婚", "岁",   "宝妈",
                                           "限",   "仅招",   "不招", "不要"};
  auto scan = [&](const std::string& text, const std::string& what) {
    // 有限公司 is a company form, not a restriction.
    std::string t = text;
    for (size_t at; (at = t.find("有限公司")) != std::string::npos;) t.erase(at, 12);
    for (const std::string& term : kTerms) {
      EXPECT_EQ(t.find(term), std::string::npos) << what << ": \"" << text << "\" has " << term;
    }
  };
  for (const DemoVacancy& v : data().vacancies) {
    EXPECT_EQ(v.vacancy.gender_requirement(), labor::v1::GENDER_REQUIREMENT_UNSPECIFIED);
    scan(v.vacancy.title(), "title");
    scan(v.vacancy.description(), "description");
    scan(v.vacancy.working_hours(), "working_hours");
  }
  for (const DemoEmployer& e : data().employers) scan(e.employer.name(), "employer name");
  for (const labor::v1::JobFair& f : data().fairs) scan(f.name(), "fair name");
}

TEST_F(DemoVacancyDataTest, NoTwoVacanciesAreDuplicates) {
  std::set<std::string> keys;
  for (const DemoVacancy& v : data().vacancies) {
    std::string key = absl::StrCat(v.employer, "|", v.vacancy.occupation_code(), "|",
                                   v.vacancy.location().substr(0, 6));
    EXPECT_TRUE(keys.insert(key).second) << key;
  }
}

TEST_F(DemoVacancyDataTest, ThisYearsFairsInTongchuan) {
  const std::vector<labor::v1::JobFair>& fairs = data().fairs;
  std::map<labor::v1::FairKind, int> kinds;
  std::set<std::string> names;
  absl::CivilDay previous(2026, 1, 1);
  const absl::CivilDay festival = SpringFestival(2026);
  for (const labor::v1::JobFair& f : fairs) {
    ++kinds[f.kind()];
    EXPECT_TRUE(names.insert(f.name()).second) << f.name();
    EXPECT_TRUE(absl::StartsWith(f.name(), "2026年")) << f.name();
    absl::CivilDay start = ToCivil(f.start_date()), end = ToCivil(f.end_date());
    EXPECT_EQ(start.year(), 2026);
    EXPECT_EQ(end.year(), 2026);
    EXPECT_LE(start, end);
    EXPECT_LE(end - start, 30);
    EXPECT_GE(start, previous) << "fairs in date order";
    previous = start;
    EXPECT_TRUE(RegionContains(kTongchuanArea, f.venue_region())) << f.venue_region();
    EXPECT_TRUE(regions().Exists(f.venue_region())) << f.venue_region();
    EXPECT_FALSE(f.venue().empty());
    EXPECT_FALSE(f.organizer().empty());
    switch (f.kind()) {
      case labor::v1::FAIR_KIND_EMPLOYMENT_AID_MONTH:
        EXPECT_EQ(start.month(), 1);
        break;
      case labor::v1::FAIR_KIND_SPRING_BREEZE:
        EXPECT_TRUE(start.month() == 2 || start.month() == 3) << f.name();
        EXPECT_GT(start, festival);
        break;
      case labor::v1::FAIR_KIND_PRIVATE_ENTERPRISE_WEEK:
        EXPECT_EQ(start.month(), 5);
        EXPECT_EQ(end - start, 4);
        break;
      case labor::v1::FAIR_KIND_WARM_WAY_HOME:
        EXPECT_LT(end, festival);
        EXPECT_GE(start, festival - 20);
        break;
      case labor::v1::FAIR_KIND_JOBS_TO_COUNTRYSIDE:
        EXPECT_TRUE(IsTongchuanTownship(regions(), f.venue_region()));
        EXPECT_GE(f.venue_region(), "511702100");  // a rural town, not an urban street
        break;
      default:
        ADD_FAILURE() << f.name();
    }
  }
  EXPECT_EQ(kinds.size(), 5u);
  EXPECT_GE(kinds[labor::v1::FAIR_KIND_JOBS_TO_COUNTRYSIDE], 3);
  EXPECT_GE(fairs.size(), 5u);  // the plan: at least 3 + 2 a year

  // About 30% of the vacancies were collected at a fair; outside employers
  // come to the fairs for returning workers.
  int at_fairs = 0;
  std::set<int> used;
  for (const DemoVacancy& v : data().vacancies) {
    if (v.fair < 0) continue;
    ASSERT_LT(v.fair, static_cast<int>(fairs.size()));
    ++at_fairs;
    used.insert(v.fair);
    if (!IsLocalSector(EmployerOf(v).sector)) {
      labor::v1::FairKind k = fairs[v.fair].kind();
      EXPECT_TRUE(k == labor::v1::FAIR_KIND_WARM_WAY_HOME ||
                  k == labor::v1::FAIR_KIND_SPRING_BREEZE ||
                  k == labor::v1::FAIR_KIND_PRIVATE_ENTERPRISE_WEEK);
    } else {
      EXPECT_NE(fairs[v.fair].kind(), labor::v1::FAIR_KIND_WARM_WAY_HOME);
    }
  }
  EXPECT_NEAR(static_cast<double>(at_fairs) / data().vacancies.size(), 0.3, 0.08);
  EXPECT_EQ(used.size(), fairs.size());
}

TEST_F(DemoVacancyDataTest, AFewListingsWithReasonsAndSources) {
  const std::vector<DemoListing>& listings = data().listings;
  ASSERT_GE(listings.size(), 3u);
  ASSERT_LE(listings.size(), 5u);
  std::set<int> employers;
  int lifted = 0;
  for (const DemoListing& l : listings) {
    EXPECT_TRUE(employers.insert(l.employer).second);
    ASSERT_LT(l.employer, static_cast<int>(data().employers.size()));
    EXPECT_TRUE(absl::StartsWith(l.entry.reason(), "拖欠")) << l.entry.reason();
    EXPECT_TRUE(ValidateText(l.entry.reason(), 500, true).ok());
    EXPECT_TRUE(ValidateText(l.entry.source(), 200, true).ok());
    EXPECT_NE(l.entry.source().find("人力资源和社会保障局"), std::string::npos);
    EXPECT_NE(l.entry.source().find("号"), std::string::npos);
    // The authority is where the employer is registered.
    const std::string& region = data().employers[l.employer].employer.region();
    if (RegionContains("511702", region)) {
      EXPECT_TRUE(absl::StartsWith(l.entry.source(), "达州市通川区")) << l.entry.source();
    }
    absl::CivilDay listed = ToCivil(l.entry.listed_on());
    EXPECT_LE(listed, kToday);
    EXPECT_GT(listed, kToday - 3 * 365);  // still within the three years
    EXPECT_TRUE(l.entry.employer_id().empty());
    if (!l.lift_reason.empty()) {
      ++lifted;
      absl::CivilDay lifted_on = ToCivil(l.lifted_on);
      EXPECT_GT(lifted_on, listed);
      EXPECT_LE(lifted_on, kToday);
    }
    // The listed employers had vacancies: the listing hides them.
    int posted = 0;
    for (const DemoVacancy& v : data().vacancies) posted += v.employer == l.employer;
    EXPECT_GE(posted, 1);
  }
  EXPECT_EQ(lifted, 1);
  std::set<DemoSector> sectors;
  for (const DemoListing& l : listings) sectors.insert(data().employers[l.employer].sector);
  EXPECT_TRUE(sectors.contains(DemoSector::kConstruction));
}

TEST_F(DemoVacancyDataTest, DeterministicAndEmployersStableAcrossCounts) {
  DemoVacancyOptions options;
  options.seed = 7;
  options.vacancies = 300;
  options.today = kToday;
  EXPECT_EQ(DemoVacancyDataToJsonLines(GenerateDemoVacancyData(options)),
            DemoVacancyDataToJsonLines(data()));
  options.vacancies = 30;
  DemoVacancyData small = GenerateDemoVacancyData(options);
  ASSERT_EQ(small.employers.size(), 12u);
  for (size_t i = 0; i < small.employers.size(); ++i) {
    EXPECT_EQ(small.employers[i].employer.credit_code(),
              data().employers[i].employer.credit_code());
  }
  options.seed = 8;
  DemoVacancyData other = GenerateDemoVacancyData(options);
  int same = 0;
  for (size_t i = 0; i < other.employers.size(); ++i) {
    same += other.employers[i].employer.credit_code() == small.employers[i].employer.credit_code();
  }
  EXPECT_EQ(same, 0);
}

TEST_F(DemoVacancyDataTest, OutsideVacanciesBecomePartnerImportItems) {
  absl::flat_hash_set<std::string> ids;
  int outside = 0;
  for (const DemoVacancy& v : data().vacancies) {
    if (IsLocalSector(EmployerOf(v).sector)) {
      EXPECT_TRUE(v.external_id.empty());
      continue;
    }
    ++outside;
    ASSERT_FALSE(v.external_id.empty());
    EXPECT_TRUE(ids.insert(v.external_id).second) << v.external_id;
    labor::v1::ImportItem item = DemoImportItem(data(), v);
    EXPECT_EQ(item.external_id(), v.external_id);
    EXPECT_EQ(item.vacancy().employer_credit_code(), EmployerOf(v).employer.credit_code());
    EXPECT_EQ(item.vacancy().employer_name(), EmployerOf(v).employer.name());
    EXPECT_TRUE(item.vacancy().employer_id().empty());
    EXPECT_EQ(item.vacancy().title(), v.vacancy.title());
  }
  EXPECT_GT(outside, 100);
  // The JSON lines parse back.
  std::vector<std::string> lines = DemoVacancyDataToJsonLines(data());
  EXPECT_EQ(lines.size(), data().employers.size() + data().fairs.size() + data().vacancies.size() +
                              data().listings.size());
  const std::string& first_vacancy = lines[data().employers.size() + data().fairs.size()];
  ASSERT_TRUE(absl::StartsWith(first_vacancy, "{\"vacancy\":{"));
  size_t end = first_vacancy.find(",\"credit_code\":");
  labor::v1::Vacancy parsed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(first_vacancy.substr(11, end - 11), &parsed)
          .ok());
  EXPECT_EQ(parsed.title(), data().vacancies[0].vacancy.title());
}

}  // namespace
}  // namespace labor::tools
