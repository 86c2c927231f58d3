// Shared setup for NotificationService domain tests: a real redis-server and
// a real ProfileService binary (the workers, their consent and segments), a
// NotifyManager in-process over a real RocksDB with a manual clock, and a
// recording subscriber.
#pragma once

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "common/occupations.h"
#include "common/proto_util.h"
#include "common/regions.h"
#include "common/rocks.h"
#include "gtest/gtest.h"
#include "labor/v1/matching.pb.h"
#include "labor/v1/profile.grpc.pb.h"
#include "services/notify/grpc_profile_directory.h"
#include "services/notify/notify_manager.h"
#include "services/notify/notify_store.h"
#include "tests/testing/callers.h"
#include "tests/testing/ids.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/service_harness.h"
#include "tests/testing/util.h"

namespace labor::notify::testing {

using ProfileHarness = labor::testing::ServiceHarness<v1::ProfileService>;

using labor::testing::MakeCaller;

// A subscriber that keeps what it is offered.
class RecordingSink : public DeliverySink {
 public:
  bool Offer(const v1::Delivery& delivery) override {
    absl::MutexLock lock(&mu_);
    if (closed_) return false;
    got_.push_back(delivery);
    return true;
  }
  std::vector<v1::Delivery> Take() {
    absl::MutexLock lock(&mu_);
    return std::exchange(got_, {});
  }
  void Close() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }

 private:
  absl::Mutex mu_;
  std::vector<v1::Delivery> got_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

struct WorkerSpec {
  std::string township = "511702102";  // 罗江镇
  bool wechat = true;
  bool sms = false;
  bool openid = true;
  std::string skill = "6-29-01-01";
  v1::EmploymentStatus status = v1::EMPLOYMENT_STATUS_UNEMPLOYED;
  v1::ReturnIntent intent = v1::RETURN_INTENT_UNSPECIFIED;
  std::string current_location;
};

class NotifyFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    profile_ = std::make_unique<ProfileHarness>(&dir_, redis_.port(),
                                                "services/profile/profile_server", "profile");
    ASSERT_TRUE(profile_->Started());
    auto regions = RegionRegistry::LoadFromDir(labor::testing::SourcePath("data/regions"));
    ASSERT_TRUE(regions.ok()) << regions.status();
    regions_ = std::move(*regions);
    auto occupations = OccupationTaxonomy::LoadFromDir(labor::testing::SourcePath("data/taxonomy"));
    ASSERT_TRUE(occupations.ok()) << occupations.status();
    occupations_ = std::move(*occupations);
    ClientOptions client;
    client.target = absl::StrCat("127.0.0.1:", profile_->port());
    client.token = profile_->token(Role::kService);
    client.deadline = absl::Seconds(5);
    auto directory = GrpcProfileDirectory::Create(client, 1000);
    ASSERT_TRUE(directory.ok()) << directory.status();
    directory_ = std::move(*directory);
    options_.seed = 42;
    options_.max_pending_per_channel = 1000;
  }

  void TearDown() override { CloseManager(); }

  void OpenManager() {
    CloseManager();
    RocksStore::Options o;
    o.path = dir_.Sub("notify-db");
    o.column_families = RocksNotifyStore::ColumnFamilies();
    o.sync_writes = false;
    auto rocks = RocksStore::Open(o);
    ASSERT_TRUE(rocks.ok()) << rocks.status();
    rocks_ = std::move(*rocks);
    store_ = std::make_unique<RocksNotifyStore>(rocks_.get());
    NotifyDeps deps;
    deps.store = store_.get();
    deps.directory = directory_.get();
    deps.sms = sms_;
    deps.regions = regions_.get();
    deps.occupations = occupations_.get();
    deps.clock = &clock_;
    manager_ = std::make_unique<NotifyManager>(deps, options_);
    absl::Status loaded = manager_->Load();
    ASSERT_TRUE(loaded.ok()) << loaded;
  }

  void CloseManager() {
    manager_.reset();
    store_.reset();
    rocks_.reset();
  }

  // Registers a worker through ProfileService; returns its id.
  std::string Register(const WorkerSpec& spec = {}) {
    const int n = ++registered_;
    v1::RegisterWorkerRequest r;
    v1::Worker* w = r.mutable_worker();
    w->set_name("李四");
    w->set_id_number(labor::testing::ResidentIdFor(n));
    w->set_phone(absl::StrCat("1390000", 1000 + n));
    if (spec.openid) w->set_wechat_openid(absl::StrCat("openid-", n));
    w->set_hukou_township(spec.township);
    w->set_household_id(absl::StrCat("TC-", n));
    w->set_current_location(spec.current_location);
    v1::Skill* s = w->add_skills();
    s->set_occupation_code(spec.skill);
    s->set_level(v1::SKILL_LEVEL_4_INTERMEDIATE);
    s->set_years(3);
    w->mutable_consent()->set_wechat(spec.wechat);
    w->mutable_consent()->set_sms(spec.sms);
    w->mutable_return_plan()->set_intent(spec.intent);
    r.mutable_initial_employment()->set_status(spec.status);
    *r.mutable_initial_employment()->mutable_effective_date() =
        FromCivil(absl::CivilDay(2026, 3, 1));
    if (spec.status == v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE) {
      r.mutable_initial_employment()->set_destination_region("4403");
    }
    v1::RegisterWorkerResponse response;
    grpc::Status st =
        profile_->stub()->RegisterWorker(profile_->Context(Role::kAdmin).get(), r, &response);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return response.worker().worker_id();
  }

  v1::Worker GetWorker(const std::string& worker_id) {
    v1::GetWorkerRequest r;
    r.set_worker_id(worker_id);
    v1::Worker w;
    grpc::Status st = profile_->stub()->GetWorker(profile_->Context(Role::kAdmin).get(), r, &w);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return w;
  }

  static v1::Notification Policy(const std::string& worker_id, const std::string& key) {
    v1::Notification n;
    n.set_idempotency_key(key);
    n.set_worker_id(worker_id);
    n.set_kind(v1::NOTIFICATION_KIND_POLICY_NOTICE);
    (*n.mutable_payload())["title"] = "返乡创业补贴";
    (*n.mutable_payload())["summary"] = "返乡创业可申请一次性补贴";
    return n;
  }

  static v1::Notification JobAlert(const std::string& worker_id, const std::string& key,
                                   const std::string& title = "电焊工") {
    v1::Notification n;
    n.set_idempotency_key(key);
    n.set_worker_id(worker_id);
    n.set_kind(v1::NOTIFICATION_KIND_JOB_ALERT);
    (*n.mutable_payload())["vacancy_id"] = absl::StrCat("v-", key);
    (*n.mutable_payload())["title"] = title;
    (*n.mutable_payload())["wage"] = "5000-7000元/月";
    return n;
  }

  // Enqueues one notification as `role`; returns the message id.
  std::string Enqueue(const v1::Notification& n, Role role = Role::kService) {
    v1::EnqueueRequest r;
    *r.add_notifications() = n;
    auto response = manager_->Enqueue(MakeCaller(role), r);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->results(0).message_id() : "";
  }

  v1::Message Message(const std::string& id) {
    v1::GetMessageRequest r;
    r.set_message_id(id);
    auto m = manager_->GetMessage(MakeCaller(Role::kAdmin), r);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *m : v1::Message();
  }

  absl::Status AckAll(const std::vector<v1::Delivery>& deliveries, bool ok = true, int code = 0) {
    v1::AckRequest r;
    for (const v1::Delivery& d : deliveries) {
      v1::DeliveryAck* a = r.add_acks();
      a->set_delivery_id(d.delivery_id());
      a->set_ok(ok);
      a->set_channel_error_code(code);
      if (!ok) a->set_channel_error("test error");
    }
    return manager_->Ack(MakeCaller(Role::kService), r).status();
  }

  int64_t Subscribe(RecordingSink* sink, v1::Channel channel = v1::CHANNEL_WECHAT,
                    const std::string& region = "",
                    const Caller& caller = MakeCaller(Role::kService)) {
    v1::SubscribeRequest r;
    r.set_channel(channel);
    r.set_subscriber_id(absl::StrCat("sub-", ++subscribers_));
    r.set_region(region);
    auto handle = manager_->Subscribe(caller, r, sink);
    EXPECT_TRUE(handle.ok()) << handle.status();
    return handle.ok() ? *handle : 0;
  }

  // The history's reason codes ("queued", "sent", "delivered", …).
  static std::vector<std::string> Codes(const v1::Message& m) {
    std::vector<std::string> codes;
    for (const v1::StatusChange& c : m.history()) {
      codes.push_back(c.reason().substr(0, c.reason().find(':')));
    }
    return codes;
  }

  labor::testing::TempDir dir_;
  labor::testing::RedisServer redis_;
  std::unique_ptr<ProfileHarness> profile_;
  std::unique_ptr<RegionRegistry> regions_;
  std::unique_ptr<OccupationTaxonomy> occupations_;
  std::unique_ptr<GrpcProfileDirectory> directory_;
  SmsGateway* sms_ = nullptr;
  // 2026-11-30 10:00 in Shanghai: a Monday morning, outside quiet hours.
  ManualClock clock_{absl::FromCivil(absl::CivilSecond(2026, 11, 30, 10, 0, 0), ShanghaiTime())};
  NotifyOptions options_;
  std::unique_ptr<RocksStore> rocks_;
  std::unique_ptr<RocksNotifyStore> store_;
  std::unique_ptr<NotifyManager> manager_;
  int registered_ = 0;
  int subscribers_ = 0;
};

}  // namespace labor::notify::testing
