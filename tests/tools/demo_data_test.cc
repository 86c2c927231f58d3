// The demo-data generator: every worker must pass the service's own
// validators, households must be consistent, and the mix must look like the
// district's (about 55% employed outside, a few zero-employment households).
#include "tools/demo_data.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "common/occupations.h"
#include "common/regions.h"
#include "common/validation.h"
#include "tests/testing/util.h"

namespace labor::tools {
namespace {

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
    auto taxonomy =
        OccupationTaxonomy::LoadFromFile(testing::SourcePath("data/taxonomy/occupations.csv"));
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
    EXPECT_TRUE(regions().ValidateStreetIn(w.worker.hukou_township(), kTongchuanArea).ok())
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
        EXPECT_TRUE(regions().ValidateStreetIn(r.destination_region(), kTongchuanArea).ok());
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

}  // namespace
}  // namespace labor::tools
