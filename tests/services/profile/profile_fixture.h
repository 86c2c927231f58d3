// Shared setup for ProfileService domain tests: a real RocksDB in a temp dir,
// the real reference data, a manual clock and deterministic worker ids.
#pragma once

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/group_commit.h"
#include "common/occupations.h"
#include "common/outbox.h"
#include "common/pii.h"
#include "common/proto_util.h"
#include "common/regions.h"
#include "common/rocks.h"
#include "common/validation.h"
#include "gtest/gtest.h"
#include "services/profile/profile_manager.h"
#include "services/profile/rocks_worker_store.h"
#include "tests/testing/callers.h"
#include "tests/testing/ids.h"
#include "tests/testing/util.h"

namespace labor::profile::testing {

using labor::testing::MakeResidentId;

using labor::testing::MakeCaller;

class ProfileFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto regions = RegionRegistry::LoadFromDir(labor::testing::SourcePath("data/regions"));
    ASSERT_TRUE(regions.ok()) << regions.status();
    regions_ = std::move(*regions);
    auto occupations = OccupationTaxonomy::LoadFromDir(labor::testing::SourcePath("data/taxonomy"));
    ASSERT_TRUE(occupations.ok()) << occupations.status();
    occupations_ = std::move(*occupations);
    cipher_ = PiiCipher::FromKeys(std::string(32, 'k'), std::string(32, 'm'));
    OpenStore();
  }

  void OpenStore() {
    manager_.reset();
    worker_store_.reset();
    committer_.reset();
    outbox_.reset();
    store_.reset();
    RocksStore::Options options;
    options.path = dir_.Sub("db");
    options.column_families = RocksWorkerStore::ColumnFamilies();
    options.sync_writes = false;
    auto store = RocksStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto outbox = Outbox::Open(store_.get(), "profile", &clock_);
    ASSERT_TRUE(outbox.ok()) << outbox.status();
    outbox_ = std::move(*outbox);
    // As in production: registrations commit through the group committer.
    committer_ = std::make_unique<GroupCommitter>(store_.get());
    worker_store_ =
        std::make_unique<RocksWorkerStore>(store_.get(), outbox_.get(), committer_.get());
    ProfileDeps deps;
    deps.store = worker_store_.get();
    deps.cipher = cipher_.get();
    deps.regions = regions_.get();
    deps.occupations = occupations_.get();
    deps.clock = &clock_;
    deps.new_worker_id = [this] { return absl::StrCat("w_test_", ++next_id_); };
    manager_ = std::make_unique<ProfileManager>(deps);
  }

  // A complete, valid registration.
  v1::RegisterWorkerRequest ValidRegistration(absl::string_view birth = "19900101",
                                              absl::string_view seq = "123",
                                              absl::string_view phone = "13800001234") {
    v1::RegisterWorkerRequest r;
    auto* w = r.mutable_worker();
    w->set_name("张三");
    w->set_id_number(MakeResidentId(birth, seq));
    w->set_phone(std::string(phone));
    w->set_hukou_township("511702102");  // 罗江镇
    w->set_household_id("TC102-00001");
    auto* s = w->add_skills();
    s->set_occupation_code("6-29-01-01");
    s->set_level(v1::SKILL_LEVEL_4_INTERMEDIATE);
    s->set_years(8);
    w->mutable_consent()->set_wechat(true);
    return r;
  }

  v1::Worker MustRegister(const v1::RegisterWorkerRequest& request,
                          const Caller& caller = MakeCaller(Role::kAdmin)) {
    auto response = manager_->Register(caller, request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->worker() : v1::Worker();
  }

  // Records a new employment status of `w` as staff.
  v1::Worker Employ(const v1::Worker& w, v1::EmploymentStatus status, absl::string_view dest,
                    absl::CivilDay day) {
    v1::UpdateEmploymentRequest r;
    r.set_worker_id(w.worker_id());
    r.set_expected_version(w.version());
    r.mutable_record()->set_status(status);
    r.mutable_record()->set_destination_region(std::string(dest));
    *r.mutable_record()->mutable_effective_date() = FromCivil(day);
    auto out = manager_->UpdateEmployment(MakeCaller(Role::kAdmin), r);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : v1::Worker();
  }

  labor::testing::TempDir dir_;
  // 2026-11-29 10:00 in Shanghai.
  ManualClock clock_{absl::FromCivil(absl::CivilSecond(2026, 11, 29, 10, 0, 0), ShanghaiTime())};
  std::unique_ptr<RegionRegistry> regions_;
  std::unique_ptr<OccupationTaxonomy> occupations_;
  std::unique_ptr<PiiCipher> cipher_;
  std::unique_ptr<RocksStore> store_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<RocksWorkerStore> worker_store_;
  std::unique_ptr<ProfileManager> manager_;
  int next_id_ = 0;
};

}  // namespace labor::profile::testing
