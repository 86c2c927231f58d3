// Integration tests: the real profile_server binary, a real RocksDB on disk
// and a real redis-server on a free loopback port.
#include <grpcpp/generic/generic_stub.h>

#include <filesystem>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "common/grpc_status.h"
#include "common/redis.h"
#include "common/status.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/profile/worker_rules.h"
#include "tests/services/profile/profile_fixture.h"
#include "tests/services/profile/server_harness.h"
#include "tests/testing/grpc_checks.h"
#include "tests/testing/redis_server.h"

namespace labor::profile {
namespace {

using ::testing::HasSubstr;
using testing::MakeResidentId;
using testing::ProfileServerHarness;

constexpr char kStream[] = "labor.events.profile";

v1::RegisterWorkerRequest Registration(int n, const std::string& openid = "") {
  v1::RegisterWorkerRequest r;
  auto* w = r.mutable_worker();
  w->set_name("李四");
  // Distinct birth dates and sequences give distinct, valid ID numbers.
  absl::CivilDay birth = absl::CivilDay(1970, 1, 1) + n;
  std::string date = absl::StrCat(absl::FormatCivilTime(birth).substr(0, 4),
                                  absl::FormatCivilTime(birth).substr(5, 2),
                                  absl::FormatCivilTime(birth).substr(8, 2));
  w->set_id_number(MakeResidentId(date, absl::StrCat(100 + n % 900)));
  w->set_phone(absl::StrCat("139", 10000000 + n));
  w->set_hukou_township("511702103");
  w->set_household_id(absl::StrCat("HH", n / 3));
  w->set_wechat_openid(openid);
  auto* s = w->add_skills();
  s->set_occupation_code("6-18-02-04");  // 焊工
  s->set_level(v1::SKILL_LEVEL_3_ADVANCED);
  s->set_years(5);
  return r;
}

class ProfileServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    harness_ = std::make_unique<ProfileServerHarness>(&dir_, redis_.port());
    ASSERT_TRUE(harness_->Started());
    RedisClient::Options options;
    options.port = redis_.port();
    redis_client_ = std::make_unique<RedisClient>(options);
  }

  grpc::Status Register(const v1::RegisterWorkerRequest& r, v1::RegisterWorkerResponse* out,
                        Role role = Role::kAdmin, const std::string& openid = "") {
    auto ctx = harness_->Context(role, openid);
    return harness_->stub()->RegisterWorker(ctx.get(), r, out);
  }

  int64_t StreamLength() {
    auto reply = redis_client_->Command({"XLEN", kStream});
    return reply.ok() ? reply->integer : -1;
  }

  // "type/entity/version" of the stream's entries, in order.
  std::vector<std::string> StreamEntities() {
    std::vector<std::string> out;
    for (const auto& event : labor::testing::StreamEvents(*redis_client_, kStream)) {
      out.push_back(
          absl::StrCat(event.type(), "/", event.entity_id(), "/", event.entity_version()));
    }
    return out;
  }

  bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout) {
    return labor::testing::WaitFor(condition, timeout);
  }

  labor::testing::TempDir dir_;
  labor::testing::RedisServer redis_{
      labor::testing::RedisServer::Options{.append_only = true, .dir = {}}};
  std::unique_ptr<ProfileServerHarness> harness_;
  std::unique_ptr<RedisClient> redis_client_;
};

TEST_F(ProfileServerTest, HealthIsServing) {
  auto health = labor::testing::HealthStatus(harness_->channel(), "labor.v1.ProfileService");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(ProfileServerTest, ReflectionListsTheService) {
  auto services = labor::testing::ReflectionServiceList(harness_->channel());
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(*services, HasSubstr("labor.v1.ProfileService"));
}

TEST_F(ProfileServerTest, EveryRoleOnEveryRpc) {
  v1::RegisterWorkerResponse own;
  ASSERT_TRUE(Register(Registration(1, "oOwn"), &own).ok());
  const std::string own_id = own.worker().worker_id();
  int next = 100;

  struct Case {
    std::string method;
    std::set<Role> allowed;
    std::function<grpc::Status(grpc::ClientContext*, Role)> call;
  };
  auto* stub = harness_->stub();
  std::vector<Case> cases = {
      {"RegisterWorker",
       {Role::kAdmin, Role::kKiosk, Role::kWechat},
       [&](grpc::ClientContext* ctx, Role role) {
         v1::RegisterWorkerResponse out;
         return stub->RegisterWorker(ctx, Registration(next++), &out);
       }},
      {"GetWorker",
       {Role::kAdmin, Role::kKiosk, Role::kWechat, Role::kService},
       [&](grpc::ClientContext* ctx, Role) {
         v1::GetWorkerRequest r;
         r.set_worker_id(own_id);
         v1::Worker out;
         return stub->GetWorker(ctx, r, &out);
       }},
      {"UpdateWorker",
       {Role::kAdmin, Role::kKiosk, Role::kWechat},
       [&](grpc::ClientContext* ctx, Role) {
         v1::UpdateWorkerRequest r;
         r.mutable_worker()->set_worker_id(own_id);
         r.mutable_worker()->set_labor_brand(v1::LABOR_BRAND_BASHAN_JIANGONG);
         r.mutable_update_mask()->add_paths("labor_brand");
         r.set_expected_version(1);  // stale after the first: ABORTED is fine here
         v1::Worker out;
         return stub->UpdateWorker(ctx, r, &out);
       }},
      {"UpdateEmployment",
       {Role::kAdmin},
       [&](grpc::ClientContext* ctx, Role) {
         v1::UpdateEmploymentRequest r;
         r.set_worker_id(own_id);
         r.set_expected_version(1);
         r.mutable_record()->set_status(v1::EMPLOYMENT_STATUS_UNEMPLOYED);
         *r.mutable_record()->mutable_effective_date() = FromCivil(absl::CivilDay(2025, 1, 1));
         v1::Worker out;
         return stub->UpdateEmployment(ctx, r, &out);
       }},
      {"MarkVerified",
       {Role::kAdmin},
       [&](grpc::ClientContext* ctx, Role) {
         v1::MarkVerifiedRequest r;
         r.set_worker_id(own_id);
         v1::Worker out;
         return stub->MarkVerified(ctx, r, &out);
       }},
      {"ListWorkers",
       {Role::kAdmin, Role::kService},
       [&](grpc::ClientContext* ctx, Role) {
         v1::ListWorkersResponse out;
         return stub->ListWorkers(ctx, v1::ListWorkersRequest(), &out);
       }},
      {"ZeroEmploymentHouseholds",
       {Role::kAdmin},
       [&](grpc::ClientContext* ctx, Role) {
         v1::ZeroEmploymentHouseholdsResponse out;
         return stub->ZeroEmploymentHouseholds(ctx, {}, &out);
       }},
      {"TransferEmploymentReport",
       {Role::kAdmin},
       [&](grpc::ClientContext* ctx, Role) {
         v1::EmploymentReport out;
         return stub->TransferEmploymentReport(ctx, {}, &out);
       }},
      {"PartnerSupplyReport",
       {Role::kAdmin, Role::kPartner},
       [&](grpc::ClientContext* ctx, Role) {
         v1::EmploymentReport out;
         return stub->PartnerSupplyReport(ctx, {}, &out);
       }},
      {"ListAuditRecords",
       {Role::kAdmin},
       [&](grpc::ClientContext* ctx, Role) {
         v1::ListAuditRecordsResponse out;
         return stub->ListAuditRecords(ctx, {}, &out);
       }},
      {"ListWorkerVersions",
       {Role::kAdmin},
       [&](grpc::ClientContext* ctx, Role) {
         v1::ListWorkerVersionsRequest r;
         r.set_worker_id(own_id);
         r.set_purpose("核对");
         v1::ListWorkerVersionsResponse out;
         return stub->ListWorkerVersions(ctx, r, &out);
       }},
      // Last: the wechat caller erases its own record.
      {"EraseWorker",
       {Role::kAdmin, Role::kWechat},
       [&](grpc::ClientContext* ctx, Role role) {
         v1::EraseWorkerRequest r;
         r.set_worker_id(role == Role::kWechat ? own_id : "w_does_not_exist");
         r.set_reason("本人申请");
         v1::EraseWorkerResponse out;
         return stub->EraseWorker(ctx, r, &out);
       }},
  };
  const std::vector<Role> roles = {Role::kAdmin, Role::kKiosk, Role::kPartner, Role::kService,
                                   Role::kWechat};
  for (const auto& c : cases) {
    for (Role role : roles) {
      auto ctx = harness_->Context(role, role == Role::kWechat ? "oOwn" : "");
      grpc::Status status = c.call(ctx.get(), role);
      if (c.allowed.contains(role)) {
        EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << c.method << " as " << RoleName(role) << ": " << status.error_message();
        EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << c.method;
        if (c.method == "GetWorker" || c.method == "ListWorkers" || c.method == "MarkVerified" ||
            c.method == "ListAuditRecords" || c.method == "PartnerSupplyReport" ||
            c.method == "ListWorkerVersions") {
          EXPECT_TRUE(status.ok())
              << c.method << " as " << RoleName(role) << ": " << status.error_message();
        }
      } else {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << c.method << " as " << RoleName(role);
      }
    }
    // No token, a wrong token, and a wechat call without openid.
    grpc::ClientContext none;
    none.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    EXPECT_EQ(c.call(&none, Role::kAdmin).error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << c.method;
    grpc::ClientContext wrong;
    wrong.AddMetadata("authorization", "Bearer lbr_not_a_real_token");
    wrong.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    EXPECT_EQ(c.call(&wrong, Role::kAdmin).error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << c.method;
    auto wechat_without_openid = harness_->Context(Role::kWechat);
    EXPECT_EQ(c.call(wechat_without_openid.get(), Role::kAdmin).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << c.method;
  }
  // The wechat erase above really erased its own record.
  v1::GetWorkerRequest get;
  get.set_worker_id(own_id);
  v1::Worker out;
  auto ctx = harness_->Context(Role::kAdmin);
  EXPECT_EQ(harness_->stub()->GetWorker(ctx.get(), get, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ProfileServerTest, MaskingByRole) {
  auto request = Registration(5, "oMask");
  v1::RegisterWorkerResponse reg;
  ASSERT_TRUE(Register(request, &reg).ok());
  v1::GetWorkerRequest get;
  get.set_id_number(request.worker().id_number());
  for (Role role : {Role::kKiosk, Role::kService}) {
    v1::Worker w;
    auto ctx = harness_->Context(role);
    ASSERT_TRUE(harness_->stub()->GetWorker(ctx.get(), get, &w).ok());
    EXPECT_EQ(w.id_number(),
              absl::StrCat(request.worker().id_number().substr(0, 6), std::string(8, '*'),
                           request.worker().id_number().substr(14)));
    EXPECT_NE(w.phone(), request.worker().phone());
    EXPECT_NE(w.name(), request.worker().name());
    EXPECT_TRUE(w.pii_masked());
  }
}

TEST_F(ProfileServerTest, BadInputIsInvalidArgumentNamingTheFieldAndWritesNothing) {
  const int64_t before = StreamLength();
  struct Bad {
    std::string field;
    std::function<void(v1::RegisterWorkerRequest*)> spoil;
  };
  std::vector<Bad> bad = {
      {"worker.id_number",
       [](auto* r) { r->mutable_worker()->set_id_number("36042619910102009X"); }},
      {"worker.id_number", [](auto* r) { r->mutable_worker()->set_id_number("5117021990"); }},
      {"worker.id_number",
       [](auto* r) { r->mutable_worker()->set_id_number(MakeResidentId("20991231", "123")); }},
      {"worker.phone", [](auto* r) { r->mutable_worker()->set_phone("1234567"); }},
      {"worker.name", [](auto* r) { r->mutable_worker()->set_name(std::string(31 * 3, 'a')); }},
      {"worker.name", [](auto* r) { r->mutable_worker()->clear_name(); }},
      {"worker.hukou_township",
       [](auto* r) { r->mutable_worker()->set_hukou_township("110101001"); }},
      {"worker.household_id", [](auto* r) { r->mutable_worker()->set_household_id("a b"); }},
      {"worker.skills[0].occupation_code",
       [](auto* r) { r->mutable_worker()->mutable_skills(0)->set_occupation_code("6-99-99-99"); }},
      {"worker.skills[0].level",
       [](auto* r) {
         r->mutable_worker()->mutable_skills(0)->set_level(static_cast<v1::SkillLevel>(42));
       }},
      {"worker.preferences.minimum_monthly_wage",
       [](auto* r) {
         r->mutable_worker()->mutable_preferences()->mutable_minimum_monthly_wage()->set_fen(-1);
       }},
      {"worker.preferences.available_from",
       [](auto* r) {
         auto* d = r->mutable_worker()->mutable_preferences()->mutable_available_from();
         d->set_year(2027);
         d->set_month(2);
         d->set_day(30);
       }},
      {"worker.return_plan.planned_departure",
       [](auto* r) {
         auto* p = r->mutable_worker()->mutable_return_plan();
         *p->mutable_planned_return() = FromCivil(absl::CivilDay(2027, 2, 1));
         *p->mutable_planned_departure() = FromCivil(absl::CivilDay(2027, 1, 20));
       }},
      {"initial_employment.destination_region",
       [](auto* r) {
         r->mutable_initial_employment()->set_status(v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE);
         *r->mutable_initial_employment()->mutable_effective_date() =
             FromCivil(absl::CivilDay(2026, 3, 1));
       }},
      {"initial_employment.destination_region",
       [](auto* r) {
         r->mutable_initial_employment()->set_status(v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE);
         r->mutable_initial_employment()->set_destination_region("440399");  // no such city
         *r->mutable_initial_employment()->mutable_effective_date() =
             FromCivil(absl::CivilDay(2026, 3, 1));
       }},
      // Real names as on the ID card only.
      {"worker.name", [](auto* r) { r->mutable_worker()->set_name("王😀军"); }},
      {"worker.name", [](auto* r) { r->mutable_worker()->set_name("王军2"); }},
      // Implausible dates.
      {"worker.preferences.available_from",
       [](auto* r) {
         *r->mutable_worker()->mutable_preferences()->mutable_available_from() =
             FromCivil(absl::CivilDay(2999, 1, 1));
       }},
      {"worker.return_plan.planned_return",
       [](auto* r) {
         *r->mutable_worker()->mutable_return_plan()->mutable_planned_return() =
             FromCivil(absl::CivilDay(1800, 1, 1));
       }},
      {"worker.certificates[0].expires_on",
       [](auto* r) {
         auto* c = r->mutable_worker()->add_certificates();
         c->set_kind(v1::CERTIFICATE_KIND_SPECIAL_OPERATION);
         c->set_name("低压电工作业");
         *c->mutable_issued_on() = FromCivil(absl::CivilDay(2024, 5, 1));
         *c->mutable_expires_on() = FromCivil(absl::CivilDay(2023, 5, 1));
       }},
      {"worker.certificates[0].issued_on",
       [](auto* r) {
         // Registration(n) is born in 1971; a certificate at age 3 is a typo.
         auto* c = r->mutable_worker()->add_certificates();
         c->set_kind(v1::CERTIFICATE_KIND_SKILL_LEVEL);
         c->set_name("焊工");
         *c->mutable_issued_on() = FromCivil(absl::CivilDay(1974, 5, 1));
       }},
      {"initial_employment.effective_date",
       [](auto* r) {
         r->mutable_initial_employment()->set_status(v1::EMPLOYMENT_STATUS_UNEMPLOYED);
         *r->mutable_initial_employment()->mutable_effective_date() =
             FromCivil(absl::CivilDay(1800, 3, 1));
       }},
  };
  int n = 500;
  for (const auto& b : bad) {
    auto request = Registration(n++);
    b.spoil(&request);
    v1::RegisterWorkerResponse out;
    grpc::Status status = Register(request, &out);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << b.field;
    EXPECT_THAT(status.error_message(), HasSubstr(b.field));
    auto violations = GetFieldViolations(FromGrpcStatus(status));
    ASSERT_FALSE(violations.empty()) << b.field;
    bool named = false;
    for (const auto& v : violations) named |= v.field == b.field;
    EXPECT_TRUE(named) << b.field << " not in details";
    // The error never echoes the ID number.
    EXPECT_THAT(status.error_message(), ::testing::Not(HasSubstr(request.worker().id_number())));
  }
  v1::ListWorkersResponse list;
  auto ctx = harness_->Context(Role::kAdmin);
  ASSERT_TRUE(harness_->stub()->ListWorkers(ctx.get(), {}, &list).ok());
  EXPECT_EQ(list.workers_size(), 0);
  absl::SleepFor(absl::Milliseconds(300));  // let a (wrong) event reach the stream, if any
  EXPECT_EQ(StreamLength(), before);
}

// WeChat forms and partners write GB/T 2260 (440300 Shenzhen, 510100 Chengdu)
// and 12-digit statistical codes: accepted wherever a region is, and stored
// in the project's form, so filters and matching compare like with like.
TEST_F(ProfileServerTest, StandardRegionFormsAreAcceptedAndStoredCanonical) {
  auto request = Registration(11);
  auto* w = request.mutable_worker();
  w->set_name("阿依古丽.买买提");  // a full stop typed for the middle dot
  w->set_hukou_township("511702103000");
  w->set_current_location("440300");
  w->mutable_preferences()->add_accepted_regions("510100");
  w->mutable_preferences()->add_accepted_regions("440000");
  request.mutable_initial_employment()->set_status(v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE);
  request.mutable_initial_employment()->set_destination_region("440300");
  *request.mutable_initial_employment()->mutable_effective_date() =
      FromCivil(absl::CivilDay(2026, 3, 1));
  v1::RegisterWorkerResponse out;
  grpc::Status status = Register(request, &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::Worker& got = out.worker();
  EXPECT_EQ(got.name(), "阿依古丽·买买提");
  EXPECT_EQ(got.hukou_township(), "511702103");
  EXPECT_EQ(got.current_location(), "4403");
  EXPECT_THAT(got.preferences().accepted_regions(), ::testing::ElementsAre("5101", "44"));
  EXPECT_EQ(got.employment().destination_region(), "4403");

  // The township filter takes the 12-digit form too.
  v1::ListWorkersRequest list;
  list.set_township("511702103000");
  v1::ListWorkersResponse workers;
  auto ctx = harness_->Context(Role::kAdmin);
  ASSERT_TRUE(harness_->stub()->ListWorkers(ctx.get(), list, &workers).ok());
  ASSERT_EQ(workers.workers_size(), 1);
  EXPECT_EQ(workers.workers(0).worker_id(), got.worker_id());

  // An employment change to Chengdu, and an update of the current location.
  v1::UpdateEmploymentRequest change;
  change.set_worker_id(got.worker_id());
  change.set_expected_version(got.version());
  change.mutable_record()->set_status(v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE);
  change.mutable_record()->set_destination_region("510100");
  *change.mutable_record()->mutable_effective_date() = FromCivil(absl::CivilDay(2026, 6, 1));
  v1::Worker changed;
  ctx = harness_->Context(Role::kAdmin);
  status = harness_->stub()->UpdateEmployment(ctx.get(), change, &changed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(changed.employment().destination_region(), "5101");

  v1::UpdateWorkerRequest update;
  update.mutable_worker()->set_worker_id(got.worker_id());
  update.mutable_worker()->set_current_location("510100000000");
  update.mutable_update_mask()->add_paths("current_location");
  update.set_expected_version(changed.version());
  v1::Worker updated;
  ctx = harness_->Context(Role::kAdmin);
  status = harness_->stub()->UpdateWorker(ctx.get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.current_location(), "5101");
}

TEST_F(ProfileServerTest, OversizedMessageIsRejected) {
  auto request = Registration(7);
  request.mutable_worker()->set_name(std::string(5 << 20, 'x'));
  v1::RegisterWorkerResponse out;
  grpc::Status status = Register(request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // The server is fine afterwards.
  ASSERT_TRUE(Register(Registration(8), &out).ok());
}

TEST_F(ProfileServerTest, EveryAcknowledgedWriteSurvivesSigkill) {
  std::vector<std::string> acknowledged;
  int n = 1000;
  for (int round = 0; round < 4; ++round) {
    std::atomic<bool> stop{false};
    absl::Mutex mu;
    std::thread writer([&] {
      while (!stop.load()) {
        auto request = Registration(n++);
        v1::RegisterWorkerResponse out;
        auto ctx = harness_->Context(Role::kAdmin);
        ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
        grpc::Status s = harness_->stub()->RegisterWorker(ctx.get(), request, &out);
        if (s.ok()) {
          absl::MutexLock lock(&mu);
          acknowledged.push_back(request.worker().id_number());
        } else if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
          break;  // the server is gone
        }
      }
    });
    absl::SleepFor(absl::Milliseconds(300 + 100 * round));
    harness_->Kill();
    stop = true;
    writer.join();
    ASSERT_TRUE(harness_->Started());
  }
  ASSERT_GT(acknowledged.size(), 20u);
  for (const auto& id : acknowledged) {
    v1::GetWorkerRequest get;
    get.set_id_number(id);
    v1::Worker w;
    auto ctx = harness_->Context(Role::kAdmin);
    EXPECT_TRUE(harness_->stub()->GetWorker(ctx.get(), get, &w).ok())
        << "lost an acknowledged write";
  }
}

TEST_F(ProfileServerTest, RedisOutageWritesSucceedAndEventsArriveExactlyOnce) {
  std::vector<std::string> worker_ids;
  auto register_some = [&](int from, int count) {
    for (int i = from; i < from + count; ++i) {
      v1::RegisterWorkerResponse out;
      grpc::Status s = Register(Registration(i), &out);
      ASSERT_TRUE(s.ok()) << s.error_message();
      worker_ids.push_back(out.worker().worker_id());
    }
  };
  register_some(2000, 5);
  ASSERT_TRUE(WaitFor([&] { return StreamLength() == 5; }, absl::Seconds(10)));
  redis_.Stop();
  register_some(2100, 20);  // Redis down: writes still succeed
  // Reads still work too (the cache is skipped).
  v1::GetWorkerRequest get;
  get.set_worker_id(worker_ids.back());
  v1::Worker w;
  auto ctx = harness_->Context(Role::kAdmin);
  ASSERT_TRUE(harness_->stub()->GetWorker(ctx.get(), get, &w).ok());
  ASSERT_TRUE(redis_.Restart().ok());
  ASSERT_TRUE(WaitFor([&] { return StreamLength() >= 25; }, absl::Seconds(20)))
      << "stream has " << StreamLength();
  absl::SleepFor(absl::Milliseconds(500));  // a duplicate would show up by now
  auto entities = StreamEntities();
  EXPECT_EQ(entities.size(), 25u);
  std::set<std::string> unique(entities.begin(), entities.end());
  EXPECT_EQ(unique.size(), entities.size()) << "an event was published twice";
  for (const auto& id : worker_ids) {
    EXPECT_TRUE(unique.contains(absl::StrCat("worker.registered/", id, "/1"))) << id;
  }
}

TEST_F(ProfileServerTest, EraseRemovesTheCacheEntryAndPublishesTheErasure) {
  auto request = Registration(4000, "oGone");
  v1::RegisterWorkerResponse reg;
  ASSERT_TRUE(Register(request, &reg).ok());
  const std::string id = reg.worker().worker_id();
  const std::string key = absl::StrCat("labor:profile:worker:", id);
  // A fresh process (empty in-process cache) fills Redis on the first read.
  EXPECT_EQ(harness_->Terminate(), 0);
  ASSERT_TRUE(harness_->Start().ok());
  v1::GetWorkerRequest get;
  get.set_worker_id(id);
  v1::Worker w;
  auto ctx = harness_->Context(Role::kAdmin);
  ASSERT_TRUE(harness_->stub()->GetWorker(ctx.get(), get, &w).ok());
  auto cached = redis_client_->Command({"GET", key});
  ASSERT_TRUE(cached.ok());
  ASSERT_FALSE(cached->is_nil());
  EXPECT_THAT(cached->str, HasSubstr("|V"));

  v1::EraseWorkerRequest erase;
  erase.set_worker_id(id);
  erase.set_reason("本人申请删除");
  v1::EraseWorkerResponse erased;
  ctx = harness_->Context(Role::kAdmin);
  ASSERT_TRUE(harness_->stub()->EraseWorker(ctx.get(), erase, &erased).ok());
  cached = redis_client_->Command({"GET", key});
  ASSERT_TRUE(cached.ok());
  // Only a tombstone is left: no payload of the erased worker.
  EXPECT_THAT(cached->str, ::testing::EndsWith("|T"));
  ctx = harness_->Context(Role::kAdmin);
  EXPECT_EQ(harness_->stub()->GetWorker(ctx.get(), get, &w).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& e : StreamEntities()) {
          if (absl::StartsWith(e, absl::StrCat("worker.erased/", id, "/"))) return true;
        }
        return false;
      },
      absl::Seconds(10)));
  // The audit record stays.
  v1::ListAuditRecordsRequest list;
  list.set_worker_id(id);
  v1::ListAuditRecordsResponse audit;
  ctx = harness_->Context(Role::kAdmin);
  ASSERT_TRUE(harness_->stub()->ListAuditRecords(ctx.get(), list, &audit).ok());
  ASSERT_EQ(audit.records_size(), 2);
  EXPECT_EQ(audit.records(0).action(), "register");
  EXPECT_EQ(audit.records(1).action(), "erase");
  EXPECT_EQ(audit.records(1).actor().principal(), "admin-principal");
}

TEST_F(ProfileServerTest, PhonesAreMaskedForEveryRoleAndEachRevealIsAudited) {
  auto request = Registration(4100, "oPhone");
  v1::RegisterWorkerResponse reg;
  ASSERT_TRUE(Register(request, &reg).ok());
  EXPECT_NE(reg.worker().phone(), request.worker().phone());
  const std::string id = reg.worker().worker_id();
  const std::string masked = absl::StrCat(request.worker().phone().substr(0, 3), "****",
                                          request.worker().phone().substr(7));
  v1::GetWorkerRequest get;
  get.set_worker_id(id);
  for (Role role : {Role::kAdmin, Role::kKiosk, Role::kService, Role::kWechat}) {
    v1::Worker w;
    auto ctx = harness_->Context(role, role == Role::kWechat ? "oPhone" : "");
    ASSERT_TRUE(harness_->stub()->GetWorker(ctx.get(), get, &w).ok()) << RoleName(role);
    EXPECT_EQ(w.phone(), masked) << RoleName(role);
  }
  get.set_reveal_phone(true);
  for (Role role : {Role::kAdmin, Role::kService}) {
    v1::Worker w;
    auto ctx = harness_->Context(role);
    grpc::Status status = harness_->stub()->GetWorker(ctx.get(), get, &w);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << RoleName(role);
    EXPECT_THAT(status.error_message(), HasSubstr("purpose"));
  }
  get.set_purpose("sms delivery n_1.0");
  for (Role role : {Role::kKiosk, Role::kWechat}) {
    v1::Worker w;
    auto ctx = harness_->Context(role, role == Role::kWechat ? "oPhone" : "");
    EXPECT_EQ(harness_->stub()->GetWorker(ctx.get(), get, &w).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << RoleName(role);
  }
  v1::Worker revealed;
  auto ctx = harness_->Context(Role::kService);
  ASSERT_TRUE(harness_->stub()->GetWorker(ctx.get(), get, &revealed).ok());
  EXPECT_EQ(revealed.phone(), request.worker().phone());

  v1::ListAuditRecordsRequest list;
  list.set_worker_id(id);
  v1::ListAuditRecordsResponse audit;
  ctx = harness_->Context(Role::kAdmin);
  ASSERT_TRUE(harness_->stub()->ListAuditRecords(ctx.get(), list, &audit).ok());
  ASSERT_EQ(audit.records_size(), 2);  // the registration and the one reveal
  EXPECT_EQ(audit.records(1).action(), "reveal_phone");
  EXPECT_EQ(audit.records(1).actor().role(), "service");
  EXPECT_EQ(audit.records(1).purpose(), "sms delivery n_1.0");
  EXPECT_THAT(audit.records(1).fields(), ::testing::ElementsAre("phone"));
}

TEST_F(ProfileServerTest, KioskUpsertIsAuditedAndStaffReadThePreviousVersion) {
  auto request = Registration(4200);
  v1::RegisterWorkerResponse reg;
  ASSERT_TRUE(Register(request, &reg).ok());
  auto again = request;
  again.mutable_worker()->set_name("王五");
  again.mutable_worker()->set_phone("13700001111");
  again.mutable_worker()->set_household_id("HH-OTHER");
  again.set_upsert(true);
  v1::RegisterWorkerResponse upserted;
  ASSERT_TRUE(Register(again, &upserted, Role::kKiosk).ok());
  ASSERT_EQ(upserted.worker().worker_id(), reg.worker().worker_id());

  v1::ListWorkerVersionsRequest versions;
  versions.set_worker_id(reg.worker().worker_id());
  versions.set_purpose("核对被覆盖的登记");
  versions.set_reveal_phone(true);
  v1::ListWorkerVersionsResponse history;
  auto ctx = harness_->Context(Role::kAdmin);
  ASSERT_TRUE(harness_->stub()->ListWorkerVersions(ctx.get(), versions, &history).ok());
  ASSERT_EQ(history.versions_size(), 2);
  EXPECT_EQ(history.versions(0).name(), "王五");
  EXPECT_EQ(history.versions(1).version(), 1);
  EXPECT_EQ(history.versions(1).name(), request.worker().name());
  EXPECT_EQ(history.versions(1).phone(), request.worker().phone());
  EXPECT_EQ(history.versions(1).household_id(), request.worker().household_id());

  v1::ListAuditRecordsRequest list;
  list.set_worker_id(reg.worker().worker_id());
  v1::ListAuditRecordsResponse audit;
  ctx = harness_->Context(Role::kAdmin);
  ASSERT_TRUE(harness_->stub()->ListAuditRecords(ctx.get(), list, &audit).ok());
  std::vector<std::string> actions;
  for (const auto& r : audit.records()) actions.push_back(r.action());
  EXPECT_THAT(actions, ::testing::ElementsAre("register", "upsert", "read_versions"));
  EXPECT_EQ(audit.records(1).actor().role(), "kiosk");
  EXPECT_THAT(audit.records(1).fields(), ::testing::ElementsAre("name", "phone", "household_id"));
  EXPECT_EQ(audit.records(2).purpose(), "核对被覆盖的登记");
}

TEST_F(ProfileServerTest, NoPlaintextIdNumbersOrPhonesOnDiskOrInLogs) {
  std::vector<v1::RegisterWorkerRequest> requests;
  for (int i = 0; i < 30; ++i) {
    requests.push_back(Registration(3000 + i));
    v1::RegisterWorkerResponse out;
    ASSERT_TRUE(Register(requests.back(), &out).ok());
    // Exercise the other paths that touch the number: lookup, reveal, duplicate.
    v1::GetWorkerRequest get;
    get.set_id_number(requests.back().worker().id_number());
    get.set_reveal_id_number(true);
    get.set_purpose("测试");
    v1::Worker w;
    auto ctx = harness_->Context(Role::kAdmin);
    ASSERT_TRUE(harness_->stub()->GetWorker(ctx.get(), get, &w).ok());
    EXPECT_EQ(w.id_number(), requests.back().worker().id_number());
    EXPECT_EQ(Register(requests.back(), &out).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  }
  // Nor in the event stream or the Redis cache. A fresh process (empty
  // in-process cache) fills Redis with the sealed records on its reads.
  EXPECT_EQ(harness_->Terminate(), 0);
  ASSERT_TRUE(harness_->Start().ok());
  for (const auto& r : requests) {
    v1::GetWorkerRequest get;
    get.set_id_number(r.worker().id_number());
    v1::Worker w;
    auto ctx = harness_->Context(Role::kKiosk);
    ASSERT_TRUE(harness_->stub()->GetWorker(ctx.get(), get, &w).ok());
  }
  ASSERT_TRUE(WaitFor([&] { return StreamLength() >= 30; }, absl::Seconds(10)));
  std::string redis_dump;
  auto keys = redis_client_->Command({"KEYS", "*"});
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->elements.size(), 31u);  // the stream and 30 cache entries
  for (const auto& key : keys->elements) {
    auto type = redis_client_->Command({"TYPE", key.str});
    ASSERT_TRUE(type.ok());
    auto value = type->str == "stream" ? redis_client_->Command({"XRANGE", key.str, "-", "+"})
                                       : redis_client_->Command({"GET", key.str});
    ASSERT_TRUE(value.ok());
    std::function<void(const RedisReply&)> append = [&](const RedisReply& r) {
      redis_dump += r.str;
      for (const auto& e : r.elements) append(e);
    };
    append(*value);
  }
  for (const auto& r : requests) {
    EXPECT_EQ(redis_dump.find(r.worker().id_number()), std::string::npos);
    EXPECT_EQ(redis_dump.find(r.worker().phone()), std::string::npos);
    EXPECT_EQ(redis_dump.find(r.worker().name()), std::string::npos);
  }
  EXPECT_EQ(harness_->Terminate(), 0);  // graceful: flushes the WAL
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  }
  ASSERT_GT(files.size(), 3u);
  for (const auto& file : files) {
    std::string contents = labor::testing::ReadFileOrEmpty(file);
    for (const auto& r : requests) {
      ASSERT_EQ(contents.find(r.worker().id_number()), std::string::npos)
          << "plaintext ID number in " << file;
      ASSERT_EQ(contents.find(r.worker().phone()), std::string::npos)
          << "plaintext phone in " << file;
    }
  }
}

}  // namespace
}  // namespace labor::profile
