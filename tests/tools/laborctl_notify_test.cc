// laborctl notify end to end: the real laborctl binary against the real
// profile_server and notify_server (RocksDB, redis-server). The workers are
// registered through ProfileService; a small WeChat subscriber in the test
// takes the deliveries over gRPC and acks them, so messages reach 已送达.
// The servers run on the real clock with no quiet hours.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/proto_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labor/v1/notification.grpc.pb.h"
#include "labor/v1/profile.grpc.pb.h"
#include "tests/testing/grpc_checks.h"
#include "tests/testing/ids.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/service_harness.h"
#include "tests/testing/util.h"
#include "tests/testing/wechat_subscriber.h"
#include "tests/tools/cli_testing.h"
#include "tools/labels.h"

namespace labor::tools {
namespace {

using labor::testing::DayFromToday;
using labor::testing::ParseJson;
using ::testing::HasSubstr;
using ::testing::Not;
using Result = labor::testing::CommandResult;
using ProfileHarness = labor::testing::ServiceHarness<v1::ProfileService>;
using NotifyHarness = labor::testing::ServiceHarness<v1::NotificationService>;

constexpr char kLuojiang[] = "511702102";  // 罗江镇
constexpr char kPujia[] = "511702103";     // 蒲家镇

// The value on the output line that starts with `key` ("通知编号  N1" -> "N1").
std::string ValueOf(const std::string& text, absl::string_view key) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::ConsumePrefix(&line, key)) return std::string(absl::StripAsciiWhitespace(line));
  }
  return "";
}

class LaborctlNotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    profile_ = std::make_unique<ProfileHarness>(&dir_, redis_.port(),
                                                "services/profile/profile_server", "profile");
    ASSERT_TRUE(profile_->Started());
    // Two workers from 罗江镇 and one from 蒲家镇, all reachable on WeChat.
    luojiang_a_ = Register(1, kLuojiang);
    luojiang_b_ = Register(2, kLuojiang);
    pujia_ = Register(3, kPujia);
    ASSERT_FALSE(HasFailure());

    std::ofstream(dir_.Sub("service.token")) << profile_->token(Role::kService) << "\n";
    notify_ = std::make_unique<NotifyHarness>(&dir_, redis_.port(), "services/notify/notify_server",
                                              "notify");
    notify_->ShareTokens(profile_->tokens());
    ASSERT_TRUE(notify_->Started({absl::StrCat("--profile_target=127.0.0.1:", profile_->port()),
                                  absl::StrCat("--upstream_token_file=", dir_.Sub("service.token")),
                                  "--quiet_hours=none", "--upstream_deadline=2s",
                                  "--consumer_name=laborctl-notify-test"}));
    ASSERT_TRUE(labor::testing::WaitServing(notify_->channel(), "labor.v1.NotificationService"))
        << labor::testing::ReadFileOrEmpty(notify_->log_path());
  }

  void TearDown() override {
    if (subscriber_) subscriber_->Stop();
    if (!HasFailure() || notify_ == nullptr) return;
    std::string text = labor::testing::ReadFileOrEmpty(notify_->log_path());
    if (text.size() > 6000) text = text.substr(text.size() - 6000);
    std::cerr << "--- notify_server log (tail)\n" << text;
  }

  std::string Register(int n, const std::string& township) {
    v1::RegisterWorkerRequest r;
    v1::Worker* w = r.mutable_worker();
    w->set_name("王五");
    w->set_id_number(labor::testing::ResidentIdFor(n));
    w->set_phone(absl::StrCat("1390000", 2000 + n));
    w->set_wechat_openid(absl::StrCat("openid-ctl-", n));
    w->set_hukou_township(township);
    w->set_household_id(absl::StrCat("TC-", n));
    w->mutable_consent()->set_wechat(true);
    r.mutable_initial_employment()->set_status(v1::EMPLOYMENT_STATUS_RETURNED_HOME);
    *r.mutable_initial_employment()->mutable_effective_date() =
        FromCivil(absl::CivilDay(2026, 1, 15));
    v1::RegisterWorkerResponse response;
    grpc::Status st =
        profile_->stub()->RegisterWorker(profile_->Context(Role::kAdmin).get(), r, &response);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return response.worker().worker_id();
  }

  void StartSubscriber() {
    labor::testing::WechatSubscriber::Options options;
    options.channel = [this] { return notify_->channel(); };
    options.token = notify_->token(Role::kService);
    options.subscriber_id = "laborctl-test-wechat";
    subscriber_ = std::make_unique<labor::testing::WechatSubscriber>(std::move(options));
    subscriber_->Start();
  }

  // laborctl against notify_server with `role`'s token; args single-quoted
  // (none may hold a quote).
  Result Ctl(Role role, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {
        "--deadline=5s", absl::StrCat("--notify_target=127.0.0.1:", notify_->port()),
        absl::StrCat("--token=", profile_->token(role)),
        absl::StrCat("--data_dir=", labor::testing::SourcePath("data"))};
    argv.insert(argv.end(), args.begin(), args.end());
    return labor::testing::RunCommand("tools/laborctl", argv,
                                      dir_.Sub(absl::StrCat("stderr.", ++runs_)));
  }
  Result Ctl(const std::vector<std::string>& args) { return Ctl(Role::kAdmin, args); }

  // The policy notice about the return-home entrepreneurship subsidy.
  std::vector<std::string> PolicyTo(const std::string& worker_id) {
    return {"notify",
            "send",
            "--kind=policy",
            absl::StrCat("--worker=", worker_id),
            "--field=title=返乡创业补贴",
            "--field",
            "summary=返乡创业可申请一次性创业补贴5000元，到镇劳保所办理"};
  }

  // Polls `notify message` until the message's status is `status`.
  v1::Message WaitForStatus(const std::string& message_id, v1::NotificationStatus status) {
    v1::Message m;
    EXPECT_TRUE(labor::testing::WaitFor(
        [&] {
          Result r = Ctl({"notify", "message", message_id, "--json"});
          if (r.exit_code != 0) return false;
          m = ParseJson<v1::Message>(r.out);
          return m.status() == status;
        },
        absl::Seconds(20)))
        << m.DebugString();
    return m;
  }

  labor::testing::TempDir dir_;
  labor::testing::RedisServer redis_;
  std::unique_ptr<ProfileHarness> profile_;
  std::unique_ptr<NotifyHarness> notify_;
  std::unique_ptr<labor::testing::WechatSubscriber> subscriber_;
  int runs_ = 0;
  std::string luojiang_a_, luojiang_b_, pujia_;
};

TEST_F(LaborctlNotifyTest, SendToAWorkerOnceThenFollowItToDelivered) {
  Result sent = Ctl(PolicyTo(luojiang_a_));
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  const std::string id = ValueOf(sent.out, "通知编号");
  ASSERT_FALSE(id.empty()) << sent.out;
  EXPECT_EQ(ValueOf(sent.out, "类型"), "政策通知");
  EXPECT_THAT(ValueOf(sent.out, "接收人"), HasSubstr(absl::StrCat("1 人（消息 ", id, ".0）")));
  EXPECT_EQ(ValueOf(sent.out, "结果"), "已受理，等待发送");
  const std::string key = ValueOf(sent.out, "幂等键");
  EXPECT_TRUE(absl::StartsWith(key, absl::StrCat("ctl-", DayFromToday(0), "-"))) << key;

  // The same command again: the same notification, nothing new queued.
  Result again = Ctl(PolicyTo(luojiang_a_));
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(ValueOf(again.out, "通知编号"), id);
  EXPECT_EQ(ValueOf(again.out, "幂等键"), key);
  EXPECT_THAT(ValueOf(again.out, "结果"), HasSubstr("重复提交"));
  // --json is output only: still the same content, so still the duplicate.
  std::vector<std::string> json_args = PolicyTo(luojiang_a_);
  json_args.push_back("--json");
  Result json = Ctl(json_args);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto replay = ParseJson<v1::EnqueueResponse>(json.out);
  ASSERT_EQ(replay.results_size(), 1);
  EXPECT_EQ(replay.results(0).notification_id(), id);
  EXPECT_TRUE(replay.results(0).duplicate());
  EXPECT_EQ(replay.results(0).message_id(), absl::StrCat(id, ".0"));
  // Different content is a different notification; so is the same content
  // under an explicit key.
  std::vector<std::string> urgent = PolicyTo(luojiang_a_);
  urgent.push_back("--urgent");
  Result other = Ctl(urgent);
  ASSERT_EQ(other.exit_code, 0) << other.err;
  const std::string urgent_id = ValueOf(other.out, "通知编号");
  EXPECT_NE(urgent_id, id);
  EXPECT_EQ(ValueOf(other.out, "结果"), "已受理，等待发送");
  std::vector<std::string> keyed = PolicyTo(luojiang_a_);
  keyed.push_back("--key=policy-2026-subsidy-resend");
  Result resend = Ctl(keyed);
  ASSERT_EQ(resend.exit_code, 0) << resend.err;
  const std::string resend_id = ValueOf(resend.out, "通知编号");
  EXPECT_NE(resend_id, id);
  EXPECT_EQ(ValueOf(resend.out, "幂等键"), "policy-2026-subsidy-resend");

  // No subscriber yet: the message waits, and says why.
  Result waiting = Ctl({"notify", "message", absl::StrCat(id, ".0")});
  ASSERT_EQ(waiting.exit_code, 0) << waiting.err;
  EXPECT_EQ(ValueOf(waiting.out, "当前状态"), "待发送");
  EXPECT_EQ(ValueOf(waiting.out, "劳动者"), luojiang_a_);

  // The WeChat backend connects and acks: 已送达, with the whole history.
  StartSubscriber();
  v1::Message delivered = WaitForStatus(absl::StrCat(id, ".0"), v1::NOTIFICATION_STATUS_DELIVERED);
  ASSERT_EQ(delivered.status(), v1::NOTIFICATION_STATUS_DELIVERED);
  ASSERT_GE(delivered.history_size(), 3);
  EXPECT_EQ(delivered.history(0).status(), v1::NOTIFICATION_STATUS_QUEUED);
  EXPECT_EQ(delivered.history().rbegin()->status(), v1::NOTIFICATION_STATUS_DELIVERED);
  EXPECT_EQ(delivered.attempts(), 1);
  EXPECT_EQ(delivered.payload().at("title"), "返乡创业补贴");

  Result message = Ctl({"notify", "message", absl::StrCat(id, ".0")});
  ASSERT_EQ(message.exit_code, 0) << message.err;
  EXPECT_EQ(ValueOf(message.out, "当前状态"), "已送达");
  EXPECT_EQ(ValueOf(message.out, "渠道"), "微信");
  EXPECT_EQ(ValueOf(message.out, "通知编号"), id);
  EXPECT_THAT(message.out, HasSubstr("返乡创业补贴"));
  EXPECT_THAT(message.out, HasSubstr("状态历史（上海时间）"));
  // One history row per change: time (Shanghai, to the second), status,
  // channel, attempt, reason. The delivered row names WeChat and attempt 1.
  std::vector<std::string> lines = absl::StrSplit(message.out, '\n');
  int delivered_rows = 0, queued_rows = 0;
  for (const std::string& line : lines) {
    if (!absl::StartsWith(line, "20")) continue;  // history rows begin with the year
    if (absl::StrContains(line, "已送达")) {
      ++delivered_rows;
      EXPECT_THAT(line, HasSubstr("微信"));
      EXPECT_THAT(line, HasSubstr(" 1 "));
      EXPECT_EQ(line.substr(0, 10), DayFromToday(0)) << line;
    }
    if (absl::StrContains(line, "待发送")) ++queued_rows;
  }
  EXPECT_EQ(delivered_rows, 1) << message.out;
  EXPECT_GE(queued_rows, 1) << message.out;
  EXPECT_THAT(message.out, HasSubstr("已发出"));

  // The worker's messages, newest first: the re-send, the urgent one, the first.
  WaitForStatus(absl::StrCat(resend_id, ".0"), v1::NOTIFICATION_STATUS_DELIVERED);
  Result list = Ctl({"notify", "list", absl::StrCat("--worker=", luojiang_a_), "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto listed = ParseJson<v1::ListMessagesResponse>(list.out);
  ASSERT_EQ(listed.messages_size(), 3) << list.out;
  EXPECT_EQ(listed.messages(0).notification_id(), resend_id);
  EXPECT_EQ(listed.messages(1).notification_id(), urgent_id);
  EXPECT_EQ(listed.messages(2).notification_id(), id);
  EXPECT_EQ(listed.messages(1).priority(), v1::PRIORITY_URGENT);
  Result table = Ctl({"notify", "list", absl::StrCat("--worker_id=", luojiang_a_)});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("消息编号"));
  EXPECT_THAT(table.out, HasSubstr("共 3 条"));
  EXPECT_LT(table.out.find(resend_id), table.out.find(absl::StrCat(id, ".0")));
  // --status filters.
  Result done = Ctl(
      {"notify", "list", absl::StrCat("--worker=", luojiang_a_), "--status=delivered", "--json"});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  const auto delivered_only = ParseJson<v1::ListMessagesResponse>(done.out);
  EXPECT_GE(delivered_only.messages_size(), 2) << done.out;
  for (const v1::Message& m : delivered_only.messages()) {
    EXPECT_EQ(m.status(), v1::NOTIFICATION_STATUS_DELIVERED);
  }
}

TEST_F(LaborctlNotifyTest, FairAnnouncementToATownshipExpandsThroughProfiles) {
  const std::string fair_day = DayFromToday(7);
  Result sent =
      Ctl({"notify", "send", "--kind=fair", "--township=罗江镇",
           "--field=fair_name=春风行动专场招聘会", absl::StrCat("--field=date=", fair_day),
           "--field=venue=罗江镇人民政府广场", "--field=time=09:00-12:00"});
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  const std::string id = ValueOf(sent.out, "通知编号");
  ASSERT_FALSE(id.empty()) << sent.out;
  EXPECT_THAT(ValueOf(sent.out, "接收人"), HasSubstr("正在展开"));
  EXPECT_THAT(ValueOf(sent.out, "对象"), HasSubstr("户籍乡镇 罗江镇 (511702102)"));

  // Expansion through ProfileService: the two workers from 罗江镇.
  v1::Notification n;
  ASSERT_TRUE(labor::testing::WaitFor(
      [&] {
        Result r = Ctl({"notify", "show", id, "--json"});
        if (r.exit_code != 0) return false;
        n = ParseJson<v1::Notification>(r.out);
        return n.recipients() >= 0;
      },
      absl::Seconds(20)))
      << n.DebugString();
  EXPECT_EQ(n.recipients(), 2);
  EXPECT_EQ(n.kind(), v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT);
  ASSERT_EQ(n.segment().townships_size(), 1);
  EXPECT_EQ(n.segment().townships(0), kLuojiang);
  int counted = 0;
  for (const auto& [status, count] : n.status_counts()) counted += count;
  EXPECT_EQ(counted, 2);

  Result show = Ctl({"notify", "show", absl::StrCat("--notification=", id)});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(ValueOf(show.out, "接收人数"), "2 人");
  EXPECT_EQ(ValueOf(show.out, "类型"), "招聘会通知");
  EXPECT_THAT(show.out, HasSubstr("春风行动专场招聘会"));
  EXPECT_THAT(show.out, HasSubstr("共 2 条消息"));
  EXPECT_THAT(ValueOf(show.out, "创建人"), HasSubstr("admin"));

  Result list = Ctl({"notify", "list", absl::StrCat("--notification=", id), "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::vector<std::string> workers;
  const auto messages = ParseJson<v1::ListMessagesResponse>(list.out);
  for (const v1::Message& m : messages.messages()) {
    workers.push_back(m.worker_id());
    EXPECT_EQ(m.notification_id(), id);
  }
  EXPECT_THAT(workers, ::testing::UnorderedElementsAre(luojiang_a_, luojiang_b_));

  // Delivered to both once the WeChat backend is there; show counts them.
  StartSubscriber();
  ASSERT_TRUE(labor::testing::WaitFor(
      [&] {
        Result r = Ctl({"notify", "show", id, "--json"});
        if (r.exit_code != 0) return false;
        n = ParseJson<v1::Notification>(r.out);
        auto it = n.status_counts().find("DELIVERED");
        return it != n.status_counts().end() && it->second == 2;
      },
      absl::Seconds(20)))
      << n.DebugString();
  show = Ctl({"notify", "show", id});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  std::vector<std::string> lines = absl::StrSplit(show.out, '\n');
  EXPECT_THAT(lines, ::testing::Contains(::testing::MatchesRegex("已送达 +2")));

  // Stats: the two fair messages, delivered on WeChat.
  Result stats = Ctl({"notify", "stats", "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  auto resp = ParseJson<v1::StatsResponse>(stats.out);
  int64_t delivered_fair = 0, sum = 0;
  for (const v1::StatsRow& row : resp.rows()) {
    sum += row.count();
    if (row.kind() == v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT &&
        row.channel() == v1::CHANNEL_WECHAT && row.status() == v1::NOTIFICATION_STATUS_DELIVERED) {
      delivered_fair += row.count();
    }
  }
  EXPECT_EQ(delivered_fair, 2) << stats.out;
  EXPECT_EQ(resp.total(), sum);
  Result stats_table = Ctl({"notify", "stats", absl::StrCat("--from=", DayFromToday(-1)),
                            absl::StrCat("--to=", DayFromToday(0))});
  ASSERT_EQ(stats_table.exit_code, 0) << stats_table.err;
  EXPECT_THAT(stats_table.out, HasSubstr("时间段"));
  std::vector<std::string> stat_lines = absl::StrSplit(stats_table.out, '\n');
  EXPECT_THAT(stat_lines,
              ::testing::Contains(::testing::MatchesRegex("招聘会通知 +微信 +已送达 +2")));
  EXPECT_THAT(stats_table.out, HasSubstr(absl::StrCat("合计 ", resp.total(), " 条")));
  // A window before anything was sent is empty.
  Result empty = Ctl({"notify", "stats", "--from=2026-01-01", "--to=2026-01-02"});
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_THAT(empty.out, HasSubstr("合计 0 条"));

  // The 蒲家镇 worker got nothing.
  Result pujia = Ctl({"notify", "list", absl::StrCat("--worker=", pujia_), "--json"});
  ASSERT_EQ(pujia.exit_code, 0) << pujia.err;
  EXPECT_EQ(ParseJson<v1::ListMessagesResponse>(pujia.out).messages_size(), 0) << pujia.out;
}

// Every segment flag of `notify send` narrows the recipients to exactly the
// workers it describes (expanded by the service through ProfileService).
TEST_F(LaborctlNotifyTest, EverySegmentFlagNarrowsTheRecipients) {
  // A fourth worker, from 罗江镇, who differs from the others in every
  // segment dimension: unemployed, a builder, working in Dongguan, coming
  // home for a local job in 20 days.
  v1::RegisterWorkerRequest r;
  v1::Worker* w = r.mutable_worker();
  w->set_name("赵六");
  w->set_id_number(labor::testing::ResidentIdFor(4));
  w->set_phone("13900002004");
  w->set_wechat_openid("openid-ctl-4");
  w->set_hukou_township(kLuojiang);
  w->set_household_id("TC-4");
  w->set_current_location("441900");
  w->mutable_consent()->set_wechat(true);
  v1::Skill* skill = w->add_skills();
  skill->set_occupation_code("6-29-01-01");
  skill->set_level(v1::SKILL_LEVEL_4_INTERMEDIATE);
  skill->set_years(8);
  w->mutable_return_plan()->set_intent(v1::RETURN_INTENT_LOCAL_JOB);
  absl::CivilDay today = absl::ToCivilDay(absl::Now(), ShanghaiTime());
  *w->mutable_return_plan()->mutable_planned_return() = FromCivil(today + 20);
  r.mutable_initial_employment()->set_status(v1::EMPLOYMENT_STATUS_UNEMPLOYED);
  *r.mutable_initial_employment()->mutable_effective_date() = FromCivil(today - 10);
  v1::RegisterWorkerResponse registered;
  grpc::Status st =
      profile_->stub()->RegisterWorker(profile_->Context(Role::kAdmin).get(), r, &registered);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const std::string builder = registered.worker().worker_id();

  int sends = 0;
  // The workers a policy notice to the segment `flags` reaches.
  auto recipients = [&](std::vector<std::string> flags) {
    std::vector<std::string> args = {"notify",
                                     "send",
                                     "--kind=policy",
                                     "--field=title=就业政策",
                                     "--field=summary=详情请到镇劳保所咨询",
                                     absl::StrCat("--key=segment-", ++sends)};
    args.insert(args.end(), flags.begin(), flags.end());
    Result sent = Ctl(args);
    EXPECT_EQ(sent.exit_code, 0) << absl::StrJoin(flags, " ") << "\n" << sent.out << sent.err;
    const std::string id = ValueOf(sent.out, "通知编号");
    EXPECT_TRUE(labor::testing::WaitFor(
        [&] {
          Result show = Ctl({"notify", "show", id, "--json"});
          return show.exit_code == 0 && ParseJson<v1::Notification>(show.out).recipients() >= 0;
        },
        absl::Seconds(20)))
        << absl::StrJoin(flags, " ");
    Result list =
        Ctl({"notify", "list", absl::StrCat("--notification=", id), "--limit=0", "--json"});
    EXPECT_EQ(list.exit_code, 0) << list.err;
    std::vector<std::string> workers;
    const auto messages = ParseJson<v1::ListMessagesResponse>(list.out);
    for (const v1::Message& m : messages.messages()) {
      workers.push_back(m.worker_id());
    }
    std::sort(workers.begin(), workers.end());
    return workers;
  };
  auto sorted = [](std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  EXPECT_EQ(recipients({"--township=罗江镇"}), sorted({luojiang_a_, luojiang_b_, builder}));
  EXPECT_EQ(recipients({"--township=蒲家镇"}), sorted({pujia_}));
  EXPECT_EQ(recipients({"--status=unemployed"}), sorted({builder}));
  EXPECT_EQ(recipients({"--status=returned_home", "--township=罗江镇"}),
            sorted({luojiang_a_, luojiang_b_}));
  EXPECT_EQ(recipients({"--occupation=6-29"}), sorted({builder}));
  EXPECT_EQ(recipients({"--return_intent=local"}), sorted({builder}));
  EXPECT_EQ(recipients({"--location=4419"}), sorted({builder}));
  EXPECT_EQ(recipients({absl::StrCat("--return_from=", DayFromToday(10)),
                        absl::StrCat("--return_to=", DayFromToday(30))}),
            sorted({builder}));
  EXPECT_EQ(recipients({absl::StrCat("--return_from=", DayFromToday(25))}), sorted({}));
}

TEST_F(LaborctlNotifyTest, ListPagesThroughAWorkersMessages) {
  std::vector<std::string> ids;
  for (const char* text : {"第一条", "第二条", "第三条"}) {
    Result r = Ctl({"notify", "send", "--kind=text", absl::StrCat("--worker=", luojiang_b_),
                    absl::StrCat("--field=text=", text)});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    ids.push_back(ValueOf(r.out, "通知编号"));
  }
  // --limit=2: the two newest, and how to go on.
  Result first = Ctl({"notify", "list", absl::StrCat("--worker=", luojiang_b_), "--limit=2"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("共 2 条"));
  EXPECT_THAT(first.out, HasSubstr(ids[2]));
  EXPECT_THAT(first.out, HasSubstr(ids[1]));
  EXPECT_THAT(first.out, Not(HasSubstr(ids[0])));
  const std::string token = ValueOf(first.out, "还有更多: --page_token=");
  ASSERT_FALSE(token.empty()) << first.out;
  Result rest = Ctl({"notify", "list", absl::StrCat("--worker=", luojiang_b_),
                     absl::StrCat("--page_token=", token), "--json"});
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  auto last = ParseJson<v1::ListMessagesResponse>(rest.out);
  ASSERT_EQ(last.messages_size(), 1) << rest.out;
  EXPECT_EQ(last.messages(0).notification_id(), ids[0]);
  EXPECT_TRUE(last.page().next_page_token().empty());
  // --limit=0: everything.
  Result all = Ctl({"notify", "list", absl::StrCat("--worker=", luojiang_b_), "--limit=0"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_THAT(all.out, HasSubstr("共 3 条"));
  EXPECT_THAT(all.out, Not(HasSubstr("还有更多")));
}

TEST_F(LaborctlNotifyTest, BadFlagsAreNamedAndServiceErrorsPrinted) {
  const std::string worker = absl::StrCat("--worker=", luojiang_a_);
  struct Case {
    std::vector<std::string> args;
    std::string expect;  // in stderr
  };
  const std::vector<Case> cases = {
      {{"notify", "send", worker, "--field=text=hi"}, "needs --kind"},
      {{"notify", "send", "--kind=sms", worker, "--field=text=hi"}, "--kind: unknown"},
      {{"notify", "send", "--kind=job_alert", worker}, "--kind: job alerts"},
      {{"notify", "send", "--kind=text", "--field=text=hi"}, "needs a recipient"},
      {{"notify", "send", "--kind=text", worker, "--township=罗江镇", "--field=text=hi"},
       "not both"},
      {{"notify", "send", "--kind=text", worker, "--field=hello"}, "--field: expected KEY=VALUE"},
      {{"notify", "send", "--kind=policy", worker, "--field=title=补贴"},
       "--field: summary is required"},
      {{"notify", "send", "--kind=policy", worker, "--field=title=a", "--field=summary=b",
        "--field=colour=red"},
       "--field: colour"},
      {{"notify", "send", "--kind=fair", worker, "--field=fair_name=春风行动",
        "--field=date=2027-02-30", "--field=venue=广场"},
       "--field: date"},
      {{"notify", "send", "--kind=text", worker, "--field=text=hi", "--field=text=again"},
       "given twice"},
      {{"notify", "send", "--kind=text", worker, "--field=text=hi", "--channel=fax"},
       "--channel: unknown channel"},
      {{"notify", "send", "--kind=text", worker, "--field=text=hi", "--ttl=forever"}, "--ttl"},
      {{"notify", "send", "--kind=text", worker, "--field=text=hi", "--ttl=31d"}, "--ttl"},
      {{"notify", "send", "--kind=text", "--township=511702999", "--field=text=hi"}, "--township"},
      {{"notify", "send", "--kind=text", "--township=火星镇", "--field=text=hi"}, "--township"},
      {{"notify", "send", "--kind=text", "--status=retired", "--field=text=hi"}, "--status"},
      {{"notify", "send", "--kind=text", "--return_intent=stay", "--field=text=hi"},
       "--return_intent"},
      {{"notify", "send", "--kind=text", "--return_from=2027-02-30", "--field=text=hi"},
       "--return_from"},
      {{"notify", "send", "--kind=text", "--return_from=2027-02-10", "--return_to=2027-02-01",
        "--field=text=hi"},
       "--return_to"},
      {{"notify", "send", "extra", "--kind=text", worker, "--field=text=hi"},
       "notify send: unexpected word \"extra\""},
      {{"notify", "show"}, "needs the notification id"},
      {{"notify", "message"}, "needs the message id"},
      {{"notify", "list"}, "needs one of --worker"},
      {{"notify", "list", worker, "--notification=N1"}, "needs one of --worker"},
      {{"notify", "list", worker, "--status=bogus"}, "--status: unknown notification status"},
      {{"notify", "list", worker, "--limit=-1"}, "--limit"},
      {{"notify", "stats", "--from=yesterday"}, "--from: bad time"},
      {{"notify", "stats", "--from=2026-03-02", "--to=2026-03-01"}, "--to"},
      {{"notify", "resend"}, "unknown notify command"},
  };
  for (const Case& c : cases) {
    Result r = Ctl(c.args);
    EXPECT_EQ(r.exit_code, 2) << absl::StrJoin(c.args, " ") << "\n" << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.expect)) << absl::StrJoin(c.args, " ");
  }

  // Refused by the service: exit 1 and its message.
  Result unknown = Ctl({"notify", "show", "N-nonexistent"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("NOT_FOUND"));
  Result no_message = Ctl({"notify", "message", "N-nonexistent.0"});
  EXPECT_EQ(no_message.exit_code, 1);
  EXPECT_THAT(no_message.err, HasSubstr("NOT_FOUND"));
  Result branch = Ctl({"notify", "send", "--kind=text", "--occupation=99-99", "--field=text=hi"});
  EXPECT_EQ(branch.exit_code, 1) << branch.out << branch.err;
  EXPECT_THAT(branch.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(branch.err, HasSubstr("segment.occupation_prefixes[0]"));
  // Free text is staff's: a service token may not send it; a kiosk may not
  // enqueue at all.
  Result service =
      Ctl(Role::kService, {"notify", "send", "--kind=text", worker, "--field=text=hi"});
  EXPECT_EQ(service.exit_code, 1);
  EXPECT_THAT(service.err, HasSubstr("PERMISSION_DENIED"));
  Result kiosk = Ctl(Role::kKiosk, {"notify", "stats"});
  EXPECT_EQ(kiosk.exit_code, 1);
  EXPECT_THAT(kiosk.err, HasSubstr("PERMISSION_DENIED"));
  // The same key for different content within the window.
  Result a = Ctl({"notify", "send", "--kind=text", worker, "--field=text=第一条", "--key=k-1"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  Result b = Ctl({"notify", "send", "--kind=text", worker, "--field=text=第二条", "--key=k-1"});
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_THAT(b.err, HasSubstr("ALREADY_EXISTS"));
  // Nothing reachable: an RPC error, not a hang.
  Result down = labor::testing::RunCommand(
      "tools/laborctl",
      {"--deadline=1s", "--notify_target=127.0.0.1:1",
       absl::StrCat("--token=", profile_->token(Role::kAdmin)), "notify", "stats"},
      dir_.Sub("stderr.down"));
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_THAT(down.err, Not(HasSubstr("(see `laborctl help`)")));

  // The help lists the group, the target and each kind's keys.
  Result help = Ctl({"help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--notify_target"));
  EXPECT_THAT(help.out, HasSubstr("notify send --kind=fair|policy|transport|text"));
  EXPECT_THAT(help.out, HasSubstr("policy     title summary [details]"));
  EXPECT_THAT(help.out, HasSubstr("sends nothing new"));
}

TEST(NotifyLabelsTest, KindsStatusesAndChannels) {
  EXPECT_EQ(NotificationKindLabel(v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT), "招聘会通知");
  EXPECT_EQ(NotificationKindLabel(v1::NOTIFICATION_KIND_UNSPECIFIED), "");
  EXPECT_EQ(NotificationStatusLabel(v1::NOTIFICATION_STATUS_DELIVERED), "已送达");
  EXPECT_EQ(NotificationStatusLabel(v1::NOTIFICATION_STATUS_SUPPRESSED), "不发送");
  EXPECT_EQ(ChannelLabel(v1::CHANNEL_KIOSK), "自助机");
  EXPECT_EQ(ChannelLabel(v1::CHANNEL_UNSPECIFIED), "");
  EXPECT_EQ(PriorityLabel(v1::PRIORITY_UNSPECIFIED), "普通");
  EXPECT_EQ(PriorityLabel(v1::PRIORITY_URGENT), "紧急");
  for (auto [text, kind] : std::vector<std::pair<std::string, v1::NotificationKind>>{
           {"fair", v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT},
           {"policy_notice", v1::NOTIFICATION_KIND_POLICY_NOTICE},
           {"transport", v1::NOTIFICATION_KIND_RETURN_TRANSPORT},
           {"TEXT", v1::NOTIFICATION_KIND_FREE_TEXT},
           {"政策通知", v1::NOTIFICATION_KIND_POLICY_NOTICE}}) {
    auto parsed = ParseNotificationKind(text);
    ASSERT_TRUE(parsed.ok()) << text << parsed.status();
    EXPECT_EQ(*parsed, kind) << text;
  }
  EXPECT_FALSE(ParseNotificationKind("sms").ok());
  auto status = ParseNotificationStatus("已送达");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(*status, v1::NOTIFICATION_STATUS_DELIVERED);
  EXPECT_FALSE(ParseNotificationStatus("").ok());
  auto channel = ParseChannelName("微信");
  ASSERT_TRUE(channel.ok());
  EXPECT_EQ(*channel, v1::CHANNEL_WECHAT);
  EXPECT_FALSE(ParseChannelName("fax").ok());
  // The short return intents of `notify send --return_intent`.
  EXPECT_EQ(*ParseReturnIntent("local"), v1::RETURN_INTENT_LOCAL_JOB);
  EXPECT_EQ(*ParseReturnIntent("out"), v1::RETURN_INTENT_GO_OUT_AGAIN);
  EXPECT_EQ(*ParseReturnIntent("business"), v1::RETURN_INTENT_START_BUSINESS);
}

}  // namespace
}  // namespace labor::tools
