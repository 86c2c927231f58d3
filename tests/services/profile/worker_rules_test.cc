// Pure rules of the worker record, and the service's method policy.
#include "services/profile/worker_rules.h"

#include "common/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labor/v1/profile.pb.h"
#include "services/profile/profile_service.h"
#include "tests/testing/util.h"

namespace labor::profile {
namespace {

using ::testing::HasSubstr;

class WorkerRulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    regions_ = RegionRegistry::LoadFromDir(labor::testing::SourcePath("data/regions"))->release();
    occupations_ =
        OccupationTaxonomy::LoadFromDir(labor::testing::SourcePath("data/taxonomy"))->release();
  }
  Refs refs(absl::CivilDay today = absl::CivilDay(2026, 11, 29)) {
    return Refs{regions_, occupations_, today};
  }
  static v1::EmploymentRecord Unemployment(absl::CivilDay effective, absl::CivilDay since) {
    v1::EmploymentRecord r;
    r.set_status(v1::EMPLOYMENT_STATUS_UNEMPLOYED);
    r.set_registration(v1::REGISTRATION_KIND_UNEMPLOYMENT);
    *r.mutable_effective_date() = FromCivil(effective);
    *r.mutable_urban_residence_since() = FromCivil(since);
    return r;
  }
  static RegionRegistry* regions_;
  static OccupationTaxonomy* occupations_;
};
RegionRegistry* WorkerRulesTest::regions_ = nullptr;
OccupationTaxonomy* WorkerRulesTest::occupations_ = nullptr;

TEST_F(WorkerRulesTest, SixMonthsOfUrbanResidenceClampsToMonthEnd) {
  // 2026-08-31 minus six months is 2026-02-28 (February has no 31st).
  EXPECT_TRUE(
      ValidateEmploymentRecord(
          Unemployment(absl::CivilDay(2026, 8, 31), absl::CivilDay(2026, 2, 28)), refs(), 6, "r")
          .ok());
  absl::Status late = ValidateEmploymentRecord(
      Unemployment(absl::CivilDay(2026, 8, 31), absl::CivilDay(2026, 3, 1)), refs(), 6, "r");
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(late.message(), HasSubstr("6 months"));
  // Across a year boundary.
  EXPECT_TRUE(
      ValidateEmploymentRecord(
          Unemployment(absl::CivilDay(2026, 3, 15), absl::CivilDay(2025, 9, 15)), refs(), 6, "r")
          .ok());
  EXPECT_FALSE(
      ValidateEmploymentRecord(
          Unemployment(absl::CivilDay(2026, 3, 15), absl::CivilDay(2025, 9, 16)), refs(), 6, "r")
          .ok());
}

TEST_F(WorkerRulesTest, UnemploymentRegistrationNeedsResidenceDate) {
  auto r = Unemployment(absl::CivilDay(2026, 8, 31), absl::CivilDay(2026, 1, 1));
  r.clear_urban_residence_since();
  absl::Status s = ValidateEmploymentRecord(r, refs(), 6, "record");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(GetFieldViolations(s).size(), 1u);
  EXPECT_EQ(GetFieldViolations(s)[0].field, "record.urban_residence_since");
}

TEST_F(WorkerRulesTest, LocalAndOutsideDestinations) {
  v1::EmploymentRecord r;
  *r.mutable_effective_date() = FromCivil(absl::CivilDay(2026, 5, 1));
  r.set_status(v1::EMPLOYMENT_STATUS_EMPLOYED_LOCAL);
  r.set_destination_region("511702102");
  EXPECT_TRUE(ValidateEmploymentRecord(r, refs(), 6, "r").ok());
  r.set_destination_region("4419");  // Dongguan is not local
  EXPECT_EQ(ValidateEmploymentRecord(r, refs(), 6, "r").code(), absl::StatusCode::kInvalidArgument);
  r.set_status(v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE);
  EXPECT_TRUE(ValidateEmploymentRecord(r, refs(), 6, "r").ok());
  r.set_destination_region("4420000");  // not a region code
  EXPECT_EQ(ValidateEmploymentRecord(r, refs(), 6, "r").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(WorkerRulesTest, UpdateMaskPaths) {
  v1::Worker w;
  google::protobuf::FieldMask mask;
  EXPECT_EQ(ValidateUpdate(w, mask, refs()).code(), absl::StatusCode::kInvalidArgument);
  mask.add_paths("employment");  // output only: changed through UpdateEmployment
  absl::Status s = ValidateUpdate(w, mask, refs());
  EXPECT_THAT(s.message(), HasSubstr("'employment' cannot be updated"));
  mask.Clear();
  mask.add_paths("preferences.available_from");
  w.mutable_preferences()->mutable_available_from()->set_year(2027);
  w.mutable_preferences()->mutable_available_from()->set_month(2);
  w.mutable_preferences()->mutable_available_from()->set_day(29);  // not a leap year
  s = ValidateUpdate(w, mask, refs());
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetFieldViolations(s)[0].field, "worker.preferences.available_from");
  w.mutable_preferences()->mutable_available_from()->set_day(28);
  EXPECT_TRUE(ValidateUpdate(w, mask, refs()).ok());
}

TEST_F(WorkerRulesTest, NormalizeWritesRegionCodesInCanonicalForm) {
  v1::Worker w;
  w.set_hukou_township("511702102000");  // 12-digit statistical code of 罗江镇
  w.set_current_location("440300");      // GB/T 2260 深圳市
  w.mutable_preferences()->add_accepted_regions("510000");
  w.mutable_preferences()->add_accepted_regions("510100");
  w.mutable_preferences()->add_accepted_regions("12345");  // left for validation to name
  Normalize(*regions_, &w);
  EXPECT_EQ(w.hukou_township(), "511702102");
  EXPECT_EQ(w.current_location(), "4403");
  EXPECT_THAT(w.preferences().accepted_regions(), ::testing::ElementsAre("51", "5101", "12345"));

  v1::EmploymentRecord r;
  r.set_status(v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE);
  r.set_destination_region("440300");
  *r.mutable_effective_date() = FromCivil(absl::CivilDay(2026, 3, 1));
  EXPECT_TRUE(ValidateEmploymentRecord(r, refs(), 6, "r").ok());
  CanonicalizeRegions(*regions_, &r);
  EXPECT_EQ(r.destination_region(), "4403");
  // Inside the district in any form is still local work.
  r.set_destination_region("511702000000");
  EXPECT_THAT(ValidateEmploymentRecord(r, refs(), 6, "r").message(), HasSubstr("EMPLOYED_LOCAL"));
}

TEST_F(WorkerRulesTest, NormalizeAndProjection) {
  v1::Worker w;
  w.set_name("王五");
  w.set_id_number(" 44011320141005001x ");
  w.set_phone("+86 139-1234-5678");
  w.add_skills()->set_occupation_code("6-29-01-01");
  w.add_skills()->set_occupation_code("6-18-02-04");
  Normalize(*regions_, &w);
  EXPECT_EQ(w.id_number(), "44011320141005001X");
  EXPECT_EQ(w.phone(), "13912345678");
  EXPECT_EQ(w.skills(0).occupation_code(), "6-18-02-04");
  EXPECT_EQ(w.skills(0).level(), v1::SKILL_LEVEL_SELF_DECLARED);
  v1::Worker p = PublicProjection(w);
  EXPECT_TRUE(p.name().empty());
  EXPECT_TRUE(p.id_number().empty());
  EXPECT_TRUE(p.phone().empty());
  EXPECT_EQ(p.skills_size(), 2);
}

TEST(ProfileMethodPolicyTest, EveryMethodHasAPolicyAndAdminMayCallIt) {
  MethodPolicy policy = ProfileMethodPolicy();
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      "labor.v1.ProfileService");
  ASSERT_NE(service, nullptr);
  ASSERT_GT(service->method_count(), 0);
  for (int i = 0; i < service->method_count(); ++i) {
    std::string method = absl::StrCat("/", service->full_name(), "/", service->method(i)->name());
    EXPECT_TRUE(policy.Covers(method)) << method << " has no policy (denied to everyone)";
    EXPECT_TRUE(policy.Allowed(method, Role::kAdmin)) << method;
  }
  EXPECT_FALSE(policy.Allowed("/labor.v1.ProfileService/NoSuchMethod", Role::kAdmin));
}

}  // namespace
}  // namespace labor::profile
