// notify_server as a real binary, with a real ProfileService, redis-server
// and the local fake SMS gateway: every role on every RPC, health and
// reflection, delivery and acks over gRPC, SMS with the gateway's frequency
// limits, kill -9 loops during a burst of 10,000 notifications (a checker
// proves every acknowledged message ends delivered exactly once at the
// subscriber), and Redis down during a burst.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "common/proto_util.h"
#include "common/redis.h"
#include "labor/v1/matching.pb.h"
#include "labor/v1/notification.grpc.pb.h"
#include "labor/v1/profile.grpc.pb.h"
#include "tests/testing/grpc_checks.h"
#include "tests/testing/ids.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/service_harness.h"
#include "tests/testing/util.h"
#include "tests/testing/wechat_subscriber.h"

namespace labor::notify {
namespace {

using ::testing::HasSubstr;
using ProfileHarness = labor::testing::ServiceHarness<v1::ProfileService>;
using NotifyHarness = labor::testing::ServiceHarness<v1::NotificationService>;
using labor::testing::WaitFor;

constexpr char kSmsSecret[] = "test-sms-secret";

class NotifyServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    profile_ = std::make_unique<ProfileHarness>(&dir_, redis_.port(),
                                                "services/profile/profile_server", "profile");
    ASSERT_TRUE(profile_->Started());
    notify_ = std::make_unique<NotifyHarness>(&dir_, redis_.port(), "services/notify/notify_server",
                                              "notify");
    notify_->ShareTokens(profile_->tokens());
    std::ofstream(dir_.Sub("service.token")) << profile_->token(Role::kService) << "\n";
    std::ofstream(dir_.Sub("sms.secret")) << kSmsSecret << "\n";
  }

  std::vector<std::string> NotifyFlags(std::vector<std::string> extra = {}) {
    std::vector<std::string> flags = {
        absl::StrCat("--profile_target=127.0.0.1:", profile_->port()),
        absl::StrCat("--upstream_token_file=", dir_.Sub("service.token")),
        "--upstream_deadline=2s",
        "--quiet_hours=none",
        "--consumer_name=test-replica",
        "--sync_writes=false",
    };
    for (auto& f : extra) flags.push_back(std::move(f));
    return flags;
  }

  void StartNotify(std::vector<std::string> extra = {}) {
    ASSERT_TRUE(notify_->Started(NotifyFlags(std::move(extra))));
    port_ = notify_->port();
    ASSERT_TRUE(labor::testing::WaitServing(notify_->channel(), "labor.v1.NotificationService"))
        << labor::testing::ReadFileOrEmpty(notify_->log_path());
  }

  int Health() {
    auto status = labor::testing::HealthStatus(notify_->channel(), "labor.v1.NotificationService");
    return status.ok() ? *status : -1;
  }

  // A WeChat backend that follows the server across restarts (port_) and
  // acks in batches, as a busy one does.
  labor::testing::WechatSubscriber::Options Backend() {
    labor::testing::WechatSubscriber::Options options;
    options.channel = [this] {
      return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_.load()),
                                 grpc::InsecureChannelCredentials());
    };
    options.token = notify_->token(Role::kService);
    options.subscriber_id = "wechat-backend-1";
    options.batch_acks = true;
    return options;
  }
  static absl::flat_hash_set<std::string> ProcessedIds(labor::testing::WechatSubscriber& s) {
    absl::flat_hash_set<std::string> ids;
    for (const auto& [id, r] : s.received()) ids.insert(id);
    return ids;
  }

  std::string Register(int n, bool wechat = true, bool sms = false) {
    v1::RegisterWorkerRequest r;
    v1::Worker* w = r.mutable_worker();
    w->set_name("王五");
    w->set_id_number(labor::testing::ResidentIdFor(n));
    w->set_phone(absl::StrCat("1380000", 1000 + n));
    w->set_wechat_openid(absl::StrCat("openid-", n));
    w->set_hukou_township("511702102");
    w->set_household_id(absl::StrCat("TC-", n));
    w->mutable_consent()->set_wechat(wechat);
    w->mutable_consent()->set_sms(sms);
    v1::RegisterWorkerResponse response;
    grpc::Status st =
        profile_->stub()->RegisterWorker(profile_->Context(Role::kAdmin).get(), r, &response);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return response.worker().worker_id();
  }

  static v1::Notification Policy(const std::string& worker, const std::string& key) {
    v1::Notification n;
    n.set_idempotency_key(key);
    n.set_worker_id(worker);
    n.set_kind(v1::NOTIFICATION_KIND_POLICY_NOTICE);
    (*n.mutable_payload())["title"] = "返乡创业补贴";
    (*n.mutable_payload())["summary"] = "符合条件可申请一次性创业补贴";
    return n;
  }

  absl::StatusOr<v1::Message> GetMessage(const std::string& id, Role role = Role::kAdmin,
                                         const std::string& openid = "") {
    v1::GetMessageRequest r;
    r.set_message_id(id);
    v1::Message m;
    grpc::Status st = notify_->stub()->GetMessage(notify_->Context(role, openid).get(), r, &m);
    if (!st.ok())
      return absl::Status(static_cast<absl::StatusCode>(st.error_code()), st.error_message());
    return m;
  }

  labor::testing::TempDir dir_;
  labor::testing::RedisServer redis_;
  std::unique_ptr<ProfileHarness> profile_;
  std::unique_ptr<NotifyHarness> notify_;
  // The server's port for threads that outlive a restart (the harness's
  // stub is replaced by Start).
  std::atomic<int> port_{0};
};

TEST_F(NotifyServerTest, HealthReflectionAndEveryRoleOnEveryRpc) {
  StartNotify();
  auto services = labor::testing::ReflectionServiceList(notify_->channel());
  ASSERT_TRUE(services.ok());
  EXPECT_THAT(*services, HasSubstr("labor.v1.NotificationService"));
  const std::string worker = Register(1);
  const std::string other = Register(2);

  // Enqueue: staff and services; free text staff only.
  for (Role role : {Role::kAdmin, Role::kWechat, Role::kKiosk, Role::kPartner, Role::kService}) {
    v1::EnqueueRequest r;
    *r.add_notifications() = Policy(worker, absl::StrCat("role-", RoleName(role)));
    v1::EnqueueResponse response;
    grpc::Status st =
        notify_->stub()->Enqueue(notify_->Context(role, "openid-1").get(), r, &response);
    const bool allowed = role == Role::kAdmin || role == Role::kService;
    EXPECT_EQ(st.ok(), allowed) << RoleName(role) << ": " << st.error_message();
    if (!allowed) {
      EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    }
  }
  v1::EnqueueRequest free_text;
  v1::Notification* n = free_text.add_notifications();
  n->set_idempotency_key("text-1");
  n->set_worker_id(worker);
  n->set_kind(v1::NOTIFICATION_KIND_FREE_TEXT);
  (*n->mutable_payload())["text"] = "请明天上午到人社局窗口领取证书";
  v1::EnqueueResponse enqueued;
  EXPECT_EQ(notify_->stub()
                ->Enqueue(notify_->Context(Role::kService).get(), free_text, &enqueued)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(
      notify_->stub()->Enqueue(notify_->Context(Role::kAdmin).get(), free_text, &enqueued).ok());
  const std::string message_id = enqueued.results(0).message_id();
  v1::EnqueueRequest for_other;
  *for_other.add_notifications() = Policy(other, "for-other");
  v1::EnqueueResponse other_enqueued;
  ASSERT_TRUE(notify_->stub()
                  ->Enqueue(notify_->Context(Role::kAdmin).get(), for_other, &other_enqueued)
                  .ok());

  // GetNotification and GetStats: staff and services.
  for (Role role : {Role::kAdmin, Role::kWechat, Role::kKiosk, Role::kPartner, Role::kService}) {
    const bool allowed = role == Role::kAdmin || role == Role::kService;
    v1::GetNotificationRequest g;
    g.set_notification_id(enqueued.results(0).notification_id());
    v1::Notification got;
    grpc::Status st =
        notify_->stub()->GetNotification(notify_->Context(role, "openid-1").get(), g, &got);
    EXPECT_EQ(st.ok(), allowed) << RoleName(role);
    v1::StatsResponse stats;
    st = notify_->stub()->GetStats(notify_->Context(role, "openid-1").get(), v1::StatsRequest(),
                                   &stats);
    EXPECT_EQ(st.ok(), allowed) << RoleName(role);
    if (allowed) {
      EXPECT_GE(stats.total(), 4);
    }
  }

  // GetMessage: everyone but partners; the WeChat channel only its own worker's.
  EXPECT_TRUE(GetMessage(message_id, Role::kAdmin).ok());
  EXPECT_TRUE(GetMessage(message_id, Role::kService).ok());
  EXPECT_TRUE(GetMessage(message_id, Role::kKiosk).ok());
  EXPECT_TRUE(GetMessage(message_id, Role::kWechat, "openid-1").ok());
  EXPECT_EQ(GetMessage(message_id, Role::kWechat, "openid-2").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(GetMessage(message_id, Role::kPartner).status().code(),
            absl::StatusCode::kPermissionDenied);

  // ListMessages: the WeChat channel lists its own worker's; kiosks name a worker.
  auto list = [&](Role role, const std::string& openid, const std::string& worker_id) {
    v1::ListMessagesRequest r;
    r.set_worker_id(worker_id);
    v1::ListMessagesResponse response;
    grpc::Status st =
        notify_->stub()->ListMessages(notify_->Context(role, openid).get(), r, &response);
    return std::make_pair(st, response);
  };
  auto [own_status, own] = list(Role::kWechat, "openid-1", "");
  ASSERT_TRUE(own_status.ok()) << own_status.error_message();
  for (const v1::Message& m : own.messages()) EXPECT_EQ(m.worker_id(), worker);
  EXPECT_GE(own.messages_size(), 3);
  EXPECT_EQ(list(Role::kWechat, "openid-1", other).first.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(list(Role::kKiosk, "", other).first.ok());
  {
    v1::ListMessagesRequest by_notification;
    by_notification.set_notification_id(enqueued.results(0).notification_id());
    v1::ListMessagesResponse response;
    EXPECT_EQ(notify_->stub()
                  ->ListMessages(notify_->Context(Role::kKiosk).get(), by_notification, &response)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(list(Role::kPartner, "", worker).first.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(list(Role::kAdmin, "", worker).first.ok());

  // Subscribe: partners never; kiosks only kiosk deliveries; WeChat only WeChat ones.
  // A refused subscription ends at once with its status; an accepted one
  // stays open until the subscriber leaves.
  auto subscribe = [&](Role role, v1::Channel channel, bool leave, const std::string& openid = "") {
    auto ctx = notify_->Context(role, openid);
    // A refusal ends the stream at once; an accepted one would stay open.
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::SubscribeRequest r;
    r.set_channel(channel);
    r.set_subscriber_id("probe");
    r.set_region("511702");
    auto reader = notify_->stub()->Subscribe(ctx.get(), r);
    if (leave) ctx->TryCancel();
    v1::Delivery d;
    while (reader->Read(&d)) {
    }
    return reader->Finish().error_code();
  };
  EXPECT_EQ(subscribe(Role::kPartner, v1::CHANNEL_WECHAT, false),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(subscribe(Role::kKiosk, v1::CHANNEL_WECHAT, false),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(subscribe(Role::kWechat, v1::CHANNEL_KIOSK, false),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(subscribe(Role::kService, v1::CHANNEL_SMS, false), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(subscribe(Role::kKiosk, v1::CHANNEL_KIOSK, true), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(subscribe(Role::kWechat, v1::CHANNEL_WECHAT, true), grpc::StatusCode::CANCELLED);
  // The WeChat backend subscribes for the whole channel: naming a worker is
  // refused, not ignored (WechatBackendActsForTheWholeChannel).
  EXPECT_EQ(subscribe(Role::kWechat, v1::CHANNEL_WECHAT, false, "openid-1"),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Ack: channel subscribers and services, not partners; a bad id names the field.
  for (Role role : {Role::kAdmin, Role::kWechat, Role::kKiosk, Role::kPartner, Role::kService}) {
    v1::AckRequest r;
    r.add_acks()->set_delivery_id("no-such-message#1");
    v1::AckResponse response;
    grpc::Status st = notify_->stub()->Ack(notify_->Context(role).get(), r, &response);
    EXPECT_EQ(st.ok(), role != Role::kPartner) << RoleName(role);
    if (st.ok()) {
      EXPECT_EQ(response.stale(), 1);
    }
  }
  v1::AckRequest bad;
  bad.add_acks()->set_delivery_id("no-attempt");
  v1::AckResponse ack_response;
  grpc::Status st =
      notify_->stub()->Ack(notify_->Context(Role::kService).get(), bad, &ack_response);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("acks[0].delivery_id"));

  // No token at all.
  grpc::ClientContext anonymous;
  v1::StatsResponse stats;
  EXPECT_EQ(notify_->stub()->GetStats(&anonymous, v1::StatsRequest(), &stats).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(NotifyServerTest, SmsGoesThroughTheGatewayWithinItsFrequencyLimits) {
  labor::testing::Subprocess gateway;
  const std::string port_file = dir_.Sub("sms.port");
  ASSERT_TRUE(
      gateway
          .Start({labor::testing::BuiltBinary("tools/fake_sms_gateway/fake_sms_gateway"),
                  "--port=0", absl::StrCat("--port_file=", port_file), "--access_key_id=dev-labor",
                  absl::StrCat("--access_key_secret=", kSmsSecret)},
                 dir_.Sub("sms_gateway.log"))
          .ok());
  auto port = labor::testing::WaitForPortFile(port_file, absl::Seconds(20));
  ASSERT_TRUE(port.ok()) << port.status();
  StartNotify({absl::StrCat("--sms_gateway_url=http://127.0.0.1:", *port),
               absl::StrCat("--sms_secret_file=", dir_.Sub("sms.secret"))});
  const std::string worker = Register(7, /*wechat=*/false, /*sms=*/true);

  auto send = [&](const std::string& key) {
    v1::EnqueueRequest r;
    v1::Notification n = Policy(worker, key);
    n.set_channel(v1::CHANNEL_SMS);
    *r.add_notifications() = n;
    v1::EnqueueResponse response;
    grpc::Status st =
        notify_->stub()->Enqueue(notify_->Context(Role::kService).get(), r, &response);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return response.results(0).message_id();
  };
  const std::string first = send("sms-1");
  ASSERT_TRUE(WaitFor(
      [&] {
        auto m = GetMessage(first);
        return m.ok() && m->status() == v1::NOTIFICATION_STATUS_DELIVERED;
      },
      absl::Seconds(20)))
      << labor::testing::ReadFileOrEmpty(notify_->log_path());
  EXPECT_THAT(GetMessage(first)->history().rbegin()->reason(), HasSubstr("BizId"));
  // ProfileService audited the phone read for that SMS, naming the message.
  v1::ListAuditRecordsRequest audit_request;
  audit_request.set_worker_id(worker);
  v1::ListAuditRecordsResponse audit;
  ASSERT_TRUE(profile_->stub()
                  ->ListAuditRecords(profile_->Context(Role::kAdmin).get(), audit_request, &audit)
                  .ok());
  ASSERT_GE(audit.records_size(), 1);
  EXPECT_EQ(audit.records(audit.records_size() - 1).action(), "reveal_phone");
  EXPECT_EQ(audit.records(audit.records_size() - 1).purpose(),
            absl::StrCat("sms delivery ", first));

  // A second SMS to the same number within a minute: the gateway's limit
  // answers, the message waits for a later attempt instead of failing.
  const std::string second = send("sms-2");
  ASSERT_TRUE(WaitFor(
      [&] {
        auto m = GetMessage(second);
        return m.ok() && m->attempts() == 1 && m->status() == v1::NOTIFICATION_STATUS_QUEUED;
      },
      absl::Seconds(20)));
  EXPECT_THAT(GetMessage(second)->history().rbegin()->reason(),
              HasSubstr("isv.BUSINESS_LIMIT_CONTROL"));

  // Job alerts never go by SMS: the request says so.
  v1::EnqueueRequest r;
  v1::Notification job;
  job.set_idempotency_key("job-sms");
  job.set_worker_id(worker);
  job.set_kind(v1::NOTIFICATION_KIND_JOB_ALERT);
  (*job.mutable_payload())["vacancy_id"] = "v1";
  (*job.mutable_payload())["title"] = "焊工";
  job.set_channel(v1::CHANNEL_SMS);
  *r.add_notifications() = job;
  v1::EnqueueResponse response;
  grpc::Status st = notify_->stub()->Enqueue(notify_->Context(Role::kService).get(), r, &response);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("notifications[0].channel"));
  // A job alert with no channel named does not go by SMS either: it waits
  // for the kiosk of the worker's township, and an SMS without recruitment
  // content (a template the gateway accepts) tells the worker to look there.
  const std::string sms_only = Register(8, /*wechat=*/false, /*sms=*/true);
  r.mutable_notifications(0)->set_worker_id(sms_only);
  r.mutable_notifications(0)->set_channel(v1::CHANNEL_UNSPECIFIED);
  ASSERT_TRUE(notify_->stub()->Enqueue(notify_->Context(Role::kService).get(), r, &response).ok());
  const std::string alert = response.results(0).message_id();
  auto has_code = [&](const std::string& id, const std::string& code) {
    auto m = GetMessage(id);
    if (!m.ok()) return false;
    for (const v1::StatusChange& c : m->history()) {
      if (absl::StartsWith(c.reason(), code + ":")) return true;
    }
    return false;
  };
  ASSERT_TRUE(WaitFor([&] { return has_code(alert, "sms_notice_accepted"); }, absl::Seconds(20)))
      << GetMessage(alert)->DebugString();
  EXPECT_TRUE(has_code(alert, "kiosk_fallback"));
  EXPECT_EQ(GetMessage(alert)->status(), v1::NOTIFICATION_STATUS_QUEUED);

  // The district's fair names that the gateway would refuse are refused
  // here, naming the field and the word, instead of failing later.
  int fairs = 0;
  for (const char* name : {"2026年送岗位下乡·磐石镇专场", "春风行动招聘会"}) {
    v1::EnqueueRequest fair;
    v1::Notification* f = fair.add_notifications();
    f->set_idempotency_key(absl::StrCat("fair-", ++fairs));
    f->set_worker_id(worker);
    f->set_kind(v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT);
    f->set_channel(v1::CHANNEL_SMS);
    (*f->mutable_payload())["fair_name"] = name;
    (*f->mutable_payload())["date"] = "2026-12-20";
    (*f->mutable_payload())["venue"] = "磐石镇政府广场";
    st = notify_->stub()->Enqueue(notify_->Context(Role::kService).get(), fair, &response);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << name;
    EXPECT_THAT(st.error_message(), HasSubstr("notifications[0].payload.fair_name")) << name;
    EXPECT_THAT(st.error_message(), HasSubstr(absl::StrContains(name, "岗位") ? "岗位" : "招聘"));
  }
  // Staff's free text by SMS goes through the template the gateway knows.
  v1::EnqueueRequest text;
  v1::Notification* t = text.add_notifications();
  t->set_idempotency_key("free-text-sms");
  t->set_worker_id(Register(9, /*wechat=*/false, /*sms=*/true));
  t->set_kind(v1::NOTIFICATION_KIND_FREE_TEXT);
  t->set_channel(v1::CHANNEL_SMS);
  (*t->mutable_payload())["text"] = "请明天上午到镇便民服务中心领取证书";
  ASSERT_TRUE(notify_->stub()->Enqueue(notify_->Context(Role::kAdmin).get(), text, &response).ok());
  const std::string free_text = response.results(0).message_id();
  ASSERT_TRUE(WaitFor(
      [&] {
        auto m = GetMessage(free_text);
        return m.ok() && (m->status() == v1::NOTIFICATION_STATUS_DELIVERED ||
                          m->status() == v1::NOTIFICATION_STATUS_FAILED);
      },
      absl::Seconds(20)));
  EXPECT_EQ(GetMessage(free_text)->status(), v1::NOTIFICATION_STATUS_DELIVERED)
      << GetMessage(free_text)->DebugString();
  gateway.Stop(SIGTERM);
}

// A segment written with 12-digit statistical and GB/T 2260 codes reaches the
// workers it names (their records hold the project's form); a fair announced
// for 1900 or 2999 is refused naming the payload key.
TEST_F(NotifyServerTest, SegmentsTakeEveryRegionFormAndAnnouncedDaysMustBePlausible) {
  const std::string worker = Register(1);
  Register(2);
  // Worker 1 works in Shenzhen; worker 2's location is unknown.
  v1::UpdateWorkerRequest update;
  update.mutable_worker()->set_worker_id(worker);
  update.mutable_worker()->set_current_location("440300");
  update.mutable_update_mask()->add_paths("current_location");
  update.set_expected_version(1);
  v1::Worker updated;
  grpc::Status st =
      profile_->stub()->UpdateWorker(profile_->Context(Role::kAdmin).get(), update, &updated);
  ASSERT_TRUE(st.ok()) << st.error_message();
  StartNotify();

  v1::EnqueueRequest r;
  v1::Notification n = Policy("", "segment-gb");
  n.clear_worker_id();
  n.mutable_segment()->add_townships("511702102000");
  n.mutable_segment()->set_current_location_prefix("440000000000");
  *r.add_notifications() = n;
  v1::EnqueueResponse response;
  st = notify_->stub()->Enqueue(notify_->Context(Role::kAdmin).get(), r, &response);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const std::string id = response.results(0).notification_id();
  v1::Notification got;
  ASSERT_TRUE(WaitFor(
      [&] {
        v1::GetNotificationRequest g;
        g.set_notification_id(id);
        return notify_->stub()
                   ->GetNotification(notify_->Context(Role::kAdmin).get(), g, &got)
                   .ok() &&
               got.recipients() >= 0;
      },
      absl::Seconds(20)));
  EXPECT_EQ(got.recipients(), 1);
  EXPECT_EQ(got.segment().townships(0), "511702102");
  EXPECT_EQ(got.segment().current_location_prefix(), "44");

  for (const char* date : {"1900-05-01", "2999-05-01"}) {
    v1::EnqueueRequest fair;
    v1::Notification f;
    f.set_idempotency_key(absl::StrCat("fair-", date));
    f.set_worker_id(worker);
    f.set_kind(v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT);
    (*f.mutable_payload())["fair_name"] = "春风行动";
    (*f.mutable_payload())["date"] = date;
    (*f.mutable_payload())["venue"] = "通川区人力资源市场";
    *fair.add_notifications() = f;
    st = notify_->stub()->Enqueue(notify_->Context(Role::kAdmin).get(), fair, &response);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << date;
    EXPECT_THAT(st.error_message(), HasSubstr("notifications[0].payload.date")) << date;
  }
  v1::EnqueueRequest segment;
  v1::Notification returning = Policy("", "returning-1800");
  returning.clear_worker_id();
  *returning.mutable_segment()->mutable_planned_return_from() =
      FromCivil(absl::CivilDay(1800, 1, 1));
  *segment.add_notifications() = returning;
  st = notify_->stub()->Enqueue(notify_->Context(Role::kAdmin).get(), segment, &response);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("segment.planned_return_from"));
}

TEST_F(NotifyServerTest, WechatBackendActsForTheWholeChannel) {
  // The WeChat backend is one trusted principal delivering for all its
  // users: it subscribes and acks without naming a worker and gets every
  // worker's WeChat messages; naming one (x-labor-openid) is refused, since
  // the stream would not be limited to that worker.
  StartNotify();
  const std::string first = Register(1), second = Register(2);
  labor::testing::WechatSubscriber::Options options = Backend();
  options.token = notify_->token(Role::kWechat);
  options.batch_acks = false;
  labor::testing::WechatSubscriber backend(options);
  backend.Start();
  std::vector<std::string> ids;
  for (const std::string& worker : {first, second}) {
    v1::EnqueueRequest r;
    *r.add_notifications() = Policy(worker, absl::StrCat("whole-", worker));
    v1::EnqueueResponse response;
    ASSERT_TRUE(
        notify_->stub()->Enqueue(notify_->Context(Role::kService).get(), r, &response).ok());
    ids.push_back(response.results(0).message_id());
  }
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const std::string& id : ids) {
          auto m = GetMessage(id);
          if (!m.ok() || m->status() != v1::NOTIFICATION_STATUS_DELIVERED) return false;
        }
        return true;
      },
      absl::Seconds(20)))
      << labor::testing::ReadFileOrEmpty(notify_->log_path());
  auto received = backend.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received.at(ids[0]).delivery.wechat_openid(), "openid-1");
  EXPECT_EQ(received.at(ids[1]).delivery.wechat_openid(), "openid-2");
  for (const auto& [id, r] : received)
    EXPECT_TRUE(r.ack_status.ok()) << r.ack_status.error_message();
  backend.Stop();

  // An Ack naming a worker is refused the same way, whoever's delivery it is.
  v1::AckRequest ack;
  ack.add_acks()->set_delivery_id(absl::StrCat(ids[1], "#1"));
  v1::AckResponse ack_response;
  grpc::Status st =
      notify_->stub()->Ack(notify_->Context(Role::kWechat, "openid-1").get(), ack, &ack_response);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("x-labor-openid"));
  // Reads stay per worker.
  EXPECT_TRUE(GetMessage(ids[0], Role::kWechat, "openid-1").ok());
  EXPECT_EQ(GetMessage(ids[1], Role::kWechat, "openid-1").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(NotifyServerTest, AStalledSubscriberFailsNothingWhileAHealthyOneIsConnected) {
  constexpr int kMessages = 400;
  std::vector<std::string> workers;
  for (int i = 0; i < 4; ++i) workers.push_back(Register(50 + i));
  StartNotify({"--ack_timeout=1s", "--wechat_max_attempts=2", "--retry_initial=100ms",
               "--retry_max=200ms", "--max_in_flight_per_subscriber=40"});
  // Connected, never reading or acking.
  auto stalled_ctx = notify_->Context(Role::kService);
  v1::SubscribeRequest subscribe;
  subscribe.set_channel(v1::CHANNEL_WECHAT);
  subscribe.set_subscriber_id("stalled");
  auto stalled = notify_->stub()->Subscribe(stalled_ctx.get(), subscribe);
  for (int b = 0; b < kMessages / 100; ++b) {
    v1::EnqueueRequest r;
    for (int i = 0; i < 100; ++i) {
      *r.add_notifications() = Policy(workers[i % 4], absl::StrCat("stall-", b, "-", i));
    }
    v1::EnqueueResponse response;
    ASSERT_TRUE(
        notify_->stub()->Enqueue(notify_->Context(Role::kService).get(), r, &response).ok());
  }
  absl::SleepFor(absl::Milliseconds(300));
  labor::testing::WechatSubscriber healthy(Backend());
  healthy.Start();
  auto count = [&](v1::NotificationStatus status) {
    v1::StatsResponse stats;
    grpc::Status st = notify_->stub()->GetStats(notify_->Context(Role::kService).get(),
                                                v1::StatsRequest(), &stats);
    EXPECT_TRUE(st.ok()) << st.error_message();
    int64_t n = 0;
    for (const v1::StatsRow& row : stats.rows()) n += row.status() == status ? row.count() : 0;
    return n;
  };
  ASSERT_TRUE(WaitFor(
      [&] {
        return count(v1::NOTIFICATION_STATUS_DELIVERED) + count(v1::NOTIFICATION_STATUS_FAILED) ==
               kMessages;
      },
      absl::Seconds(60)))
      << "delivered " << count(v1::NOTIFICATION_STATUS_DELIVERED);
  EXPECT_EQ(count(v1::NOTIFICATION_STATUS_FAILED), 0);
  EXPECT_EQ(count(v1::NOTIFICATION_STATUS_DELIVERED), kMessages);
  healthy.Stop();
  stalled_ctx->TryCancel();
  v1::Delivery ignored;
  while (stalled->Read(&ignored)) {
  }
  stalled->Finish();
}

TEST_F(NotifyServerTest, KillNineDuringABurstLosesAndDuplicatesNothing) {
  constexpr int kWorkers = 100;
  constexpr int kMessages = 10'000;
  constexpr int kBatch = 100;
  constexpr int kKills = 4;
  std::vector<std::string> workers;
  for (int i = 0; i < kWorkers; ++i) workers.push_back(Register(100 + i));
  const std::vector<std::string> flags = {
      "--ack_timeout=3s", "--wechat_max_attempts=1000",      "--retry_initial=200ms",
      "--retry_max=1s",   "--max_pending_per_channel=50000", "--max_in_flight_per_subscriber=5000"};
  StartNotify(flags);
  labor::testing::WechatSubscriber subscriber(Backend());
  subscriber.Start();

  // The producer retries a batch (same keys) until it is acknowledged, like
  // any client of an idempotent API.
  absl::Mutex mu;
  absl::flat_hash_set<std::string> acknowledged;  // message ids Enqueue returned
  std::atomic<int> batches_done{0};
  std::thread producer([&] {
    for (int b = 0; b < kMessages / kBatch; ++b) {
      v1::EnqueueRequest r;
      for (int i = 0; i < kBatch; ++i) {
        const int n = b * kBatch + i;
        *r.add_notifications() = Policy(workers[n % kWorkers], absl::StrCat("burst-", n));
      }
      while (true) {
        v1::EnqueueResponse response;
        auto ctx = notify_->Context(Role::kService);
        ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
        auto stub = v1::NotificationService::NewStub(grpc::CreateChannel(
            absl::StrCat("127.0.0.1:", port_.load()), grpc::InsecureChannelCredentials()));
        if (stub->Enqueue(ctx.get(), r, &response).ok()) {
          absl::MutexLock lock(&mu);
          for (const v1::EnqueueResult& result : response.results()) {
            acknowledged.insert(result.message_id());
          }
          break;
        }
        absl::SleepFor(absl::Milliseconds(50));
      }
      batches_done++;
    }
  });
  // Kill -9 at moments spread over the burst, restart on the same database.
  for (int k = 1; k <= kKills; ++k) {
    if (!WaitFor([&] { return batches_done >= k * (kMessages / kBatch) / (kKills + 1); },
                 absl::Seconds(120))) {
      producer.detach();  // the process fails anyway; do not abort on a joinable thread
      FAIL() << "the producer stalled at batch " << batches_done.load() << "\n"
             << labor::testing::ReadFileOrEmpty(notify_->log_path());
    }
    notify_->Kill();
    ASSERT_TRUE(notify_->Started(NotifyFlags(flags)));
    port_ = notify_->port();
  }
  producer.join();

  // Every acknowledged message reaches the subscriber; each is DELIVERED.
  ASSERT_EQ(acknowledged.size(), static_cast<size_t>(kMessages));
  ASSERT_TRUE(
      WaitFor([&] { return subscriber.distinct() >= acknowledged.size(); }, absl::Seconds(120)))
      << subscriber.distinct() << " of " << acknowledged.size() << "\n"
      << labor::testing::ReadFileOrEmpty(notify_->log_path());
  absl::flat_hash_set<std::string> processed = ProcessedIds(subscriber);
  for (const std::string& id : acknowledged) ASSERT_TRUE(processed.contains(id)) << id;
  for (const std::string& id : processed) ASSERT_TRUE(acknowledged.contains(id)) << id;
  ASSERT_TRUE(WaitFor(
      [&] {
        v1::StatsResponse stats;
        if (!notify_->stub()
                 ->GetStats(notify_->Context(Role::kAdmin).get(), v1::StatsRequest(), &stats)
                 .ok()) {
          return false;
        }
        for (const v1::StatsRow& row : stats.rows()) {
          if (row.status() == v1::NOTIFICATION_STATUS_DELIVERED) return row.count() == kMessages;
        }
        return false;
      },
      absl::Seconds(60)));
  // Spot-check the records: delivered, with the restarts in their history.
  int with_restart = 0, checked = 0;
  for (const std::string& id : acknowledged) {
    if (++checked > 500) break;
    auto m = GetMessage(id);
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_EQ(m->status(), v1::NOTIFICATION_STATUS_DELIVERED) << id;
    for (const v1::StatusChange& c : m->history()) {
      if (absl::StartsWith(c.reason(), "restarted")) ++with_restart;
    }
  }
  // Redeliveries happened (the kills interrupted deliveries) and were
  // absorbed by the subscriber's deduplication.
  LABOR_LOG(INFO) << "received " << subscriber.deliveries() << " deliveries for " << kMessages
                  << " messages; " << with_restart << " of 500 sampled went out again after a kill";
  EXPECT_GE(subscriber.deliveries(), kMessages);
  subscriber.Stop();
}

TEST_F(NotifyServerTest, RedisDownDuringABurstDeliversEverythingAndCatchesUpAfter) {
  const std::string worker = Register(1);
  std::vector<std::string> workers;
  for (int i = 0; i < 20; ++i) workers.push_back(Register(10 + i));
  StartNotify({"--ack_timeout=3s"});
  labor::testing::WechatSubscriber subscriber(Backend());
  subscriber.Start();
  redis_.Kill();
  std::vector<std::string> ids;
  for (int b = 0; b < 10; ++b) {
    v1::EnqueueRequest r;
    for (int i = 0; i < 100; ++i) {
      *r.add_notifications() =
          Policy(workers[i % workers.size()], absl::StrCat("down-", b, "-", i));
    }
    v1::EnqueueResponse response;
    grpc::Status st =
        notify_->stub()->Enqueue(notify_->Context(Role::kService).get(), r, &response);
    ASSERT_TRUE(st.ok()) << st.error_message();
    for (const auto& result : response.results()) ids.push_back(result.message_id());
  }
  ASSERT_TRUE(WaitFor([&] { return subscriber.distinct() >= ids.size(); }, absl::Seconds(60)))
      << subscriber.distinct();
  EXPECT_EQ(Health(), 1);  // Redis is not on the delivery path

  // Redis comes back: a match event published meanwhile becomes a job alert.
  ASSERT_TRUE(redis_.Restart().ok());
  v1::VacancyMatches matches;
  matches.set_vacancy_id("v_after_outage");
  matches.set_vacancy_version(1);
  matches.set_title("叉车司机");
  v1::Match* match = matches.add_matches();
  match->set_worker_id(worker);
  match->set_vacancy_id("v_after_outage");
  match->add_reasons("同乡镇");
  v1::Event event;
  event.set_event_id("matching-v_after_outage-1");
  event.set_type("match.found");
  event.set_entity_id("v_after_outage");
  event.set_entity_version(1);
  *event.mutable_occurred_at() = ToProto(absl::Now());
  event.set_payload(matches.SerializeAsString());
  event.set_payload_type("labor.v1.VacancyMatches");
  auto added =
      redis_.Command({"XADD", "labor.events.matching", "*", "event", event.SerializeAsString()});
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const v1::Delivery& d : subscriber.all()) {
          if (d.kind() == v1::NOTIFICATION_KIND_JOB_ALERT && d.worker_id() == worker) return true;
        }
        return false;
      },
      absl::Seconds(30)))
      << labor::testing::ReadFileOrEmpty(notify_->log_path());
  subscriber.Stop();
}

}  // namespace
}  // namespace labor::notify
