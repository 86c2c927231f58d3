// Shared setup for VacancyService domain tests: a real RocksDB in a temp dir,
// the real reference data and policy lists, a manual clock and
// deterministic ids.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/occupations.h"
#include "common/outbox.h"
#include "common/proto_util.h"
#include "common/regions.h"
#include "common/rocks.h"
#include "common/validation.h"
#include "gtest/gtest.h"
#include "services/vacancy/rocks_vacancy_store.h"
#include "services/vacancy/vacancy_index.h"
#include "services/vacancy/vacancy_manager.h"
#include "services/vacancy/vacancy_rules.h"
#include "tests/testing/ids.h"
#include "tests/testing/util.h"

namespace labor::vacancy::testing {

using labor::testing::MakeCreditCode;

inline Caller MakeCaller(Role role, std::string tenant = "") {
  Caller c;
  c.role = role;
  c.tenant = tenant.empty() ? absl::StrCat(RoleName(role), "-tenant") : std::move(tenant);
  c.principal = absl::StrCat(RoleName(role), "-test");
  return c;
}

class VacancyFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto regions = RegionRegistry::LoadFromDir(labor::testing::SourcePath("data/regions"));
    ASSERT_TRUE(regions.ok()) << regions.status();
    regions_ = std::move(*regions);
    auto occupations = OccupationTaxonomy::LoadFromDir(labor::testing::SourcePath("data/taxonomy"));
    ASSERT_TRUE(occupations.ok()) << occupations.status();
    occupations_ = std::move(*occupations);
    auto policy = DiscriminationPolicy::LoadFromDir(labor::testing::SourcePath("data/policy"));
    ASSERT_TRUE(policy.ok()) << policy.status();
    policy_ = std::move(*policy);
    OpenStore();
  }

  // (Re)opens the store and a fresh manager + index over it, as a restart.
  void OpenStore() {
    manager_.reset();
    index_.reset();
    vacancy_store_.reset();
    outbox_.reset();
    store_.reset();
    RocksStore::Options options;
    options.path = dir_.Sub("db");
    options.column_families = RocksVacancyStore::ColumnFamilies();
    options.sync_writes = false;
    auto store = RocksStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto outbox = Outbox::Open(store_.get(), "vacancy", &clock_);
    ASSERT_TRUE(outbox.ok()) << outbox.status();
    outbox_ = std::move(*outbox);
    vacancy_store_ = std::make_unique<RocksVacancyStore>(store_.get(), outbox_.get());
    StartManager(vacancy_store_.get());
  }

  // A new manager (and search index) over `store`, its index loaded.
  void StartManager(VacancyStore* store) {
    manager_.reset();
    index_ = std::make_unique<VacancyIndex>();
    VacancyDeps deps;
    deps.store = store;
    deps.index = index_.get();
    deps.regions = regions_.get();
    deps.occupations = occupations_.get();
    deps.policy = policy_.get();
    deps.clock = &clock_;
    deps.new_id = [this](absl::string_view prefix) {
      return absl::StrCat(prefix, "_test_", absl::Dec(++next_id_, absl::kZeroPad4));
    };
    manager_ = std::make_unique<VacancyManager>(deps);
    ASSERT_TRUE(manager_->LoadIndex().ok());
  }

  // The types of the events waiting in the outbox, oldest first.
  std::vector<std::string> EventTypes() {
    std::vector<std::string> types;
    for (const auto& e : Events()) types.push_back(e.type());
    return types;
  }
  std::vector<v1::Event> Events() {
    std::vector<v1::Event> events;
    auto it = store_->NewIterator(kOutboxCf);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      v1::Event e;
      EXPECT_TRUE(e.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())));
      events.push_back(std::move(e));
    }
    return events;
  }

  v1::Employer MustUpsertEmployer(absl::string_view name, absl::string_view region,
                                  absl::string_view org9) {
    v1::UpsertEmployerRequest r;
    r.mutable_employer()->set_credit_code(MakeCreditCode(region.substr(0, 6), org9));
    r.mutable_employer()->set_name(std::string(name));
    r.mutable_employer()->set_region(std::string(region));
    r.mutable_employer()->set_contact_name("李经理");
    r.mutable_employer()->set_contact_phone("13900001111");
    auto e = manager_->UpsertEmployer(MakeCaller(Role::kAdmin), r);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : v1::Employer();
  }

  // A valid forklift-driver vacancy in 罗江镇, 4500-6000 yuan a month.
  v1::Vacancy ForkliftJob(const std::string& employer_id) {
    v1::Vacancy v;
    v.set_employer_id(employer_id);
    v.set_title("叉车司机");
    v.set_occupation_code("6-30-05-01");
    v.set_location("511702102");
    v.mutable_wage()->set_unit(v1::WAGE_UNIT_MONTHLY);
    v.mutable_wage()->mutable_min()->set_fen(450000);
    v.mutable_wage()->mutable_max()->set_fen(600000);
    v.set_headcount(3);
    auto* skill = v.add_required_skills();
    skill->set_occupation_code("6-30-05-01");
    skill->set_level(v1::SKILL_LEVEL_5_ELEMENTARY);
    auto* cert = v.add_required_certificates();
    cert->set_kind(v1::CERTIFICATE_KIND_SPECIAL_OPERATION);
    cert->set_name("叉车司机");
    v.mutable_benefits()->set_board(true);
    v.set_working_hours("8:00-17:30，月休4天");
    *v.mutable_expires_at() = ToProto(clock_.Now() + absl::Hours(24 * 30));
    return v;
  }

  v1::PostVacancyResponse MustPost(const v1::Vacancy& v,
                                   const Caller& caller = MakeCaller(Role::kAdmin)) {
    v1::PostVacancyRequest r;
    *r.mutable_vacancy() = v;
    auto posted = manager_->PostVacancy(caller, r);
    EXPECT_TRUE(posted.ok()) << posted.status();
    return posted.ok() ? *posted : v1::PostVacancyResponse();
  }

  labor::testing::TempDir dir_;
  // 2026-11-29 10:00 in Shanghai.
  ManualClock clock_{absl::FromCivil(absl::CivilSecond(2026, 11, 29, 10, 0, 0), ShanghaiTime())};
  std::unique_ptr<RegionRegistry> regions_;
  std::unique_ptr<OccupationTaxonomy> occupations_;
  std::unique_ptr<DiscriminationPolicy> policy_;
  std::unique_ptr<RocksStore> store_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<RocksVacancyStore> vacancy_store_;
  std::unique_ptr<VacancyIndex> index_;
  std::unique_ptr<VacancyManager> manager_;
  int next_id_ = 0;
};

}  // namespace labor::vacancy::testing
