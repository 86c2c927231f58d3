// The whole pipeline of issue 5, end to end with the real binaries:
// profile_server, vacancy_server, matching_server and notify_server, each
// over its own RocksDB, all on one real redis-server, and a test WeChat
// backend that subscribes to NotificationService over gRPC and acks.
//
// What it proves:
//  - Posting a vacancy through VacancyService, with no other call, makes
//    MatchingService publish a match.found event and NotificationService turn
//    it into job alerts on the WeChat subscriber, within seconds.
//  - The alerted workers are exactly MatchingService's best-fitting
//    consenting workers for the vacancy (RecommendWorkers for the same
//    vacancy on the WeChat channel, top --alert_k): not the worker without
//    consent, not the erased worker, not the cook ranked below the welders.
//  - Each delivery is a JOB_ALERT for the worker's openid, carries the
//    vacancy's title in its template fields and the match reasons in its
//    text; acked, the message is DELIVERED with history queued→sent→delivered.
//  - A repost of the same vacancy (collapsed into it: an update, not a new
//    opening) alerts nobody again; a second distinct vacancy alerts the same
//    welders a second time (the daily cap of 3 is not reached).
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/auth.h"
#include "common/proto_util.h"
#include "common/redis.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labor/v1/matching.grpc.pb.h"
#include "labor/v1/notification.grpc.pb.h"
#include "labor/v1/profile.grpc.pb.h"
#include "labor/v1/vacancy.grpc.pb.h"
#include "tests/testing/grpc_checks.h"
#include "tests/testing/ids.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/service_harness.h"
#include "tests/testing/upstream_services.h"
#include "tests/testing/util.h"
#include "tests/testing/wechat_subscriber.h"

namespace labor::notify {
namespace {

using labor::testing::ProfileHarness;
using labor::testing::ReadFileOrEmpty;
using labor::testing::VacancyHarness;
using labor::testing::WaitFor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAreArray;
using MatchingHarness = labor::testing::ServiceHarness<v1::MatchingService>;
using NotifyHarness = labor::testing::ServiceHarness<v1::NotificationService>;

constexpr char kWelder[] = "6-18-02-04";
constexpr char kCook[] = "4-03-02-01";
constexpr char kLuojiang[] = "511702102";  // 罗江镇, where the workers and the jobs are
// Workers in each match.found event: the three consenting welders, if
// matching ranks them above the consenting cook.
constexpr int kAlertK = 3;
// "Within seconds": generous for a loaded 2-core machine, still a bound.
constexpr absl::Duration kDeadline = absl::Seconds(20);

using labor::testing::WechatSubscriber;

// The job alerts that arrived and were acked, by worker id.
std::map<std::string, std::vector<v1::Delivery>> AckedJobAlertsByWorker(WechatSubscriber& s) {
  std::map<std::string, std::vector<v1::Delivery>> out;
  for (const auto& [id, r] : s.received()) {
    if (r.delivery.kind() == v1::NOTIFICATION_KIND_JOB_ALERT && r.ack_status.ok()) {
      out[r.delivery.worker_id()].push_back(r.delivery);
    }
  }
  return out;
}

struct Person {
  std::string worker_id;
  std::string openid;  // "" = none
};

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    ASSERT_TRUE(labor::testing::StartProfileAndVacancy(&dir_, redis_.port(), &profile_, &vacancy_));
    ASSERT_TRUE(
        labor::testing::WriteFile(dir_.Sub("service.token"), profile_->token(Role::kService) + "\n")
            .ok());
    const std::string profile_target =
        absl::StrCat("--profile_target=127.0.0.1:", profile_->port());
    const std::string token_file =
        absl::StrCat("--upstream_token_file=", dir_.Sub("service.token"));

    matching_ = std::make_unique<MatchingHarness>(&dir_, redis_.port(),
                                                  "services/matching/matching_server", "matching");
    matching_->ShareTokens(profile_->tokens());
    ASSERT_TRUE(matching_->Started(
        {profile_target, absl::StrCat("--vacancy_target=127.0.0.1:", vacancy_->port()), token_file,
         "--consumer_name=pipeline", "--publish_matches=true",
         absl::StrCat("--alert_k=", kAlertK)}));
    notify_ = std::make_unique<NotifyHarness>(&dir_, redis_.port(), "services/notify/notify_server",
                                              "notify");
    notify_->ShareTokens(profile_->tokens());
    // No quiet hours: the machine's clock may be in Shanghai's night. No
    // hold: an alert goes out as soon as it is queued.
    ASSERT_TRUE(notify_->Started({profile_target, token_file, "--quiet_hours=none",
                                  "--job_alert_hold=0s", "--consumer_name=pipeline"}));

    ASSERT_TRUE(labor::testing::WaitServing(matching_->channel(), "labor.v1.MatchingService"))
        << ReadFileOrEmpty(matching_->log_path());
    ASSERT_TRUE(labor::testing::WaitServing(notify_->channel(), "labor.v1.NotificationService"))
        << ReadFileOrEmpty(notify_->log_path());
    RedisClient::Options options;
    options.port = redis_.port();
    redis_client_ = std::make_unique<RedisClient>(options);
  }

  void TearDown() override {
    if (subscriber_ != nullptr) subscriber_->Stop();
    if (HasFailure()) {
      // The services' own account of what happened, for the failure report.
      for (const std::string& log :
           {matching_ ? matching_->log_path() : "", notify_ ? notify_->log_path() : ""}) {
        if (!log.empty()) ADD_FAILURE() << log << ":\n" << ReadFileOrEmpty(log);
      }
    }
  }

  // Registers a worker of Tongchuan's 罗江镇 through ProfileService.
  Person Register(int n, const std::string& skill, v1::SkillLevel level, bool wechat_consent,
                  bool with_openid) {
    v1::RegisterWorkerRequest r;
    v1::Worker* w = r.mutable_worker();
    w->set_name("王五");
    w->set_id_number(labor::testing::ResidentIdFor(n));
    w->set_phone(absl::StrCat("139", 20000000 + n));
    w->set_hukou_township(kLuojiang);
    w->set_household_id(absl::StrCat("PIPE-", n));
    const std::string openid = with_openid ? absl::StrCat("oPipelineWorker", 1000 + n) : "";
    w->set_wechat_openid(openid);
    v1::Skill* s = w->add_skills();
    s->set_occupation_code(skill);
    s->set_level(level);
    s->set_years(5);
    w->mutable_consent()->set_wechat(wechat_consent);
    w->mutable_preferences()->mutable_minimum_monthly_wage()->set_fen(600000);
    v1::RegisterWorkerResponse out;
    grpc::Status st =
        profile_->stub()->RegisterWorker(profile_->Context(Role::kAdmin).get(), r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return {out.worker().worker_id(), openid};
  }

  // Whether MatchingService's index holds the worker (RecommendVacancies
  // answers NOT_FOUND for a worker it does not know).
  grpc::StatusCode MatchingKnows(const std::string& worker_id) {
    v1::RecommendVacanciesRequest r;
    r.set_worker_id(worker_id);
    v1::RecommendResponse out;
    return matching_->stub()
        ->RecommendVacancies(matching_->Context(Role::kAdmin).get(), r, &out)
        .error_code();
  }

  std::string Employer() {
    v1::UpsertEmployerRequest r;
    r.mutable_employer()->set_credit_code(labor::testing::MakeCreditCode("511702", "MA7000001"));
    r.mutable_employer()->set_name("达州市通川区罗江钢构有限公司");
    r.mutable_employer()->set_region("511702");
    v1::Employer out;
    grpc::Status st =
        vacancy_->stub()->UpsertEmployer(vacancy_->Context(Role::kAdmin).get(), r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out.employer_id();
  }

  // Posts a welding job in 罗江镇 requiring an intermediate (四级) welder.
  v1::PostVacancyResponse PostWelding(const std::string& employer, const std::string& title,
                                      int64_t min_yuan, int64_t max_yuan) {
    v1::PostVacancyRequest r;
    v1::Vacancy* v = r.mutable_vacancy();
    v->set_employer_id(employer);
    v->set_occupation_code(kWelder);
    v->set_title(title);
    v1::Skill* required = v->add_required_skills();
    required->set_occupation_code(kWelder);
    required->set_level(v1::SKILL_LEVEL_4_INTERMEDIATE);
    v->set_location(kLuojiang);
    v->mutable_wage()->set_unit(v1::WAGE_UNIT_MONTHLY);
    v->mutable_wage()->mutable_min()->set_fen(min_yuan * 100);
    v->mutable_wage()->mutable_max()->set_fen(max_yuan * 100);
    v->set_headcount(3);
    *v->mutable_expires_at() = ToProto(absl::Now() + absl::Hours(24 * 30));
    v1::PostVacancyResponse out;
    grpc::Status st = vacancy_->stub()->PostVacancy(vacancy_->Context(Role::kAdmin).get(), r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  // MatchingService's own answer: the best-fitting workers for the vacancy
  // who consented to WeChat, best first.
  // NOT_FOUND until matching has applied the vacancy's event.
  grpc::Status TopConsenting(const std::string& vacancy_id, int k, std::vector<v1::Match>* out) {
    v1::RecommendWorkersRequest r;
    r.set_vacancy_id(vacancy_id);
    r.set_k(k);
    r.set_channel(v1::CHANNEL_WECHAT);
    v1::RecommendResponse response;
    grpc::Status st =
        matching_->stub()->RecommendWorkers(matching_->Context(Role::kAdmin).get(), r, &response);
    out->assign(response.matches().begin(), response.matches().end());
    return st;
  }

  std::vector<v1::Message> MessagesOf(const std::string& worker_id) {
    v1::ListMessagesRequest r;
    r.set_worker_id(worker_id);
    r.mutable_page()->set_page_size(100);
    v1::ListMessagesResponse out;
    grpc::Status st = notify_->stub()->ListMessages(notify_->Context(Role::kAdmin).get(), r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return {out.messages().begin(), out.messages().end()};
  }

  std::vector<v1::Message> JobAlertsOf(const std::string& worker_id) {
    std::vector<v1::Message> alerts;
    for (v1::Message& m : MessagesOf(worker_id)) {
      if (m.kind() == v1::NOTIFICATION_KIND_JOB_ALERT) alerts.push_back(std::move(m));
    }
    return alerts;
  }

  v1::Message GetMessage(const std::string& message_id) {
    v1::GetMessageRequest r;
    r.set_message_id(message_id);
    v1::Message out;
    grpc::Status st = notify_->stub()->GetMessage(notify_->Context(Role::kAdmin).get(), r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  // The history's reason codes ("queued", "sent", "delivered", …).
  static std::vector<std::string> Codes(const v1::Message& m) {
    std::vector<std::string> codes;
    for (const v1::StatusChange& c : m.history()) {
      codes.push_back(c.reason().substr(0, c.reason().find(':')));
    }
    return codes;
  }

  // The match.found events on labor.events.matching.
  std::vector<v1::VacancyMatches> MatchEvents() {
    std::vector<v1::VacancyMatches> out;
    for (const v1::Event& e :
         labor::testing::StreamEvents(*redis_client_, "labor.events.matching")) {
      v1::VacancyMatches m;
      if (e.type() == "match.found" && m.ParseFromString(e.payload())) out.push_back(m);
    }
    return out;
  }

  // The scenario's people, registered before anything is posted:
  //  three welders (三级, 四级, 五级) with WeChat consent and an openid, a
  //  welder with an openid but no consent, a cook with consent, and a welder
  //  erased after registering. Returns once matching's index reflects all
  //  of it (including the erasure), so the later match is deterministic.
  void RegisterCrew() {
    advanced_ = Register(1, kWelder, v1::SKILL_LEVEL_3_ADVANCED, true, true);
    intermediate_ = Register(2, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE, true, true);
    elementary_ = Register(3, kWelder, v1::SKILL_LEVEL_5_ELEMENTARY, true, true);
    no_consent_ = Register(4, kWelder, v1::SKILL_LEVEL_3_ADVANCED, false, true);
    cook_ = Register(5, kCook, v1::SKILL_LEVEL_3_ADVANCED, true, true);
    erased_ = Register(6, kWelder, v1::SKILL_LEVEL_2_TECHNICIAN, true, true);
    for (const Person* p :
         {&advanced_, &intermediate_, &elementary_, &no_consent_, &cook_, &erased_}) {
      ASSERT_FALSE(p->worker_id.empty());
      ASSERT_TRUE(
          WaitFor([&] { return MatchingKnows(p->worker_id) == grpc::StatusCode::OK; }, kDeadline))
          << "matching never indexed " << p->worker_id;
    }
    v1::EraseWorkerRequest erase;
    erase.set_worker_id(erased_.worker_id);
    erase.set_reason("本人申请删除 2026-11-29");
    v1::EraseWorkerResponse erased;
    grpc::Status st =
        profile_->stub()->EraseWorker(profile_->Context(Role::kAdmin).get(), erase, &erased);
    ASSERT_TRUE(st.ok()) << st.error_message();
    ASSERT_TRUE(WaitFor(
        [&] { return MatchingKnows(erased_.worker_id) == grpc::StatusCode::NOT_FOUND; }, kDeadline))
        << "matching kept the erased worker";
  }

  // Starts the WeChat backend and proves it is connected end to end: a
  // policy notice enqueued for the cook reaches it. (Otherwise the first
  // alert could find no subscriber yet and wait for a retry.)
  void StartSubscriber() {
    WechatSubscriber::Options options;
    options.channel = [this] { return notify_->channel(); };
    options.token = notify_->token(Role::kService);
    subscriber_ = std::make_unique<WechatSubscriber>(std::move(options));
    subscriber_->Start();
    v1::EnqueueRequest r;
    v1::Notification* n = r.add_notifications();
    n->set_idempotency_key("pipeline-subscriber-probe");
    n->set_worker_id(cook_.worker_id);
    n->set_kind(v1::NOTIFICATION_KIND_POLICY_NOTICE);
    (*n->mutable_payload())["title"] = "返乡创业补贴";
    (*n->mutable_payload())["summary"] = "返乡创业可申请一次性补贴";
    v1::EnqueueResponse out;
    grpc::Status st = notify_->stub()->Enqueue(notify_->Context(Role::kService).get(), r, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
    const std::string probe = out.results(0).message_id();
    ASSERT_TRUE(WaitFor([&] { return subscriber_->Has(probe); }, kDeadline))
        << "the subscriber never got the probe; stream: "
        << subscriber_->last_finish_status().error_message();
  }

  // Waits until every worker in `expected` has `count` acked job alerts at
  // the subscriber; true if so.
  bool WaitForAlerts(const std::vector<std::string>& expected, size_t count) {
    return WaitFor(
        [&] {
          auto got = AckedJobAlertsByWorker(*subscriber_);
          for (const std::string& id : expected) {
            if (got[id].size() < count) return false;
          }
          return true;
        },
        kDeadline);
  }

  static std::vector<std::string> Keys(const std::map<std::string, std::vector<v1::Delivery>>& m) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : m) keys.push_back(k);
    return keys;
  }

  labor::testing::TempDir dir_;
  labor::testing::RedisServer redis_;
  std::unique_ptr<RedisClient> redis_client_;
  std::unique_ptr<ProfileHarness> profile_;
  std::unique_ptr<VacancyHarness> vacancy_;
  std::unique_ptr<MatchingHarness> matching_;
  std::unique_ptr<NotifyHarness> notify_;
  std::unique_ptr<WechatSubscriber> subscriber_;
  Person advanced_, intermediate_, elementary_, no_consent_, cook_, erased_;
};

TEST_F(PipelineTest, PostedVacancyAlertsTheBestFittingConsentingWorkersOnWechat) {
  ASSERT_NO_FATAL_FAILURE(RegisterCrew());
  ASSERT_NO_FATAL_FAILURE(StartSubscriber());
  const std::string employer = Employer();

  // The only call: post the vacancy.
  v1::PostVacancyResponse posted = PostWelding(employer, "电焊工", 6000, 8000);
  const std::string vacancy_id = posted.vacancy().vacancy_id();
  ASSERT_FALSE(vacancy_id.empty());
  ASSERT_TRUE(posted.duplicate_of().empty());

  // Matching's own ranking for this vacancy, among workers who consented to
  // WeChat: the three welders lead (the cook fits worse, the welder without
  // consent and the erased welder are not candidates at all).
  std::vector<v1::Match> ranked;
  grpc::Status ranked_status;
  ASSERT_TRUE(WaitFor([&] { return (ranked_status = TopConsenting(vacancy_id, 20, &ranked)).ok(); },
                      kDeadline))
      << ranked_status.error_message();
  std::vector<std::string> ranked_ids;
  for (const v1::Match& m : ranked) ranked_ids.push_back(m.worker_id());
  ASSERT_GE(ranked.size(), static_cast<size_t>(kAlertK)) << absl::StrJoin(ranked_ids, ",");
  std::vector<std::string> expected(ranked_ids.begin(), ranked_ids.begin() + kAlertK);
  EXPECT_THAT(expected, UnorderedElementsAreArray(
                            {advanced_.worker_id, intermediate_.worker_id, elementary_.worker_id}))
      << "matching's consenting top " << kAlertK << ": " << absl::StrJoin(ranked_ids, ",");
  EXPECT_THAT(ranked_ids, ::testing::Not(::testing::Contains(no_consent_.worker_id)));
  EXPECT_THAT(ranked_ids, ::testing::Not(::testing::Contains(erased_.worker_id)));

  // Within seconds, the subscriber has a job alert for each of them.
  ASSERT_TRUE(WaitForAlerts(expected, 1))
      << "alerts for " << absl::StrJoin(Keys(AckedJobAlertsByWorker(*subscriber_)), ",")
      << ", expected " << absl::StrJoin(expected, ",");
  // ...and for nobody else: the delivered set is matching's consenting top K.
  std::map<std::string, std::vector<v1::Delivery>> alerts = AckedJobAlertsByWorker(*subscriber_);
  EXPECT_THAT(Keys(alerts), UnorderedElementsAreArray(expected));

  std::map<std::string, const v1::Match*> match_of;
  for (const v1::Match& m : ranked) match_of[m.worker_id()] = &m;
  std::map<std::string, std::string> openid_of = {{advanced_.worker_id, advanced_.openid},
                                                  {intermediate_.worker_id, intermediate_.openid},
                                                  {elementary_.worker_id, elementary_.openid}};
  for (const std::string& worker_id : expected) {
    ASSERT_EQ(alerts[worker_id].size(), 1u) << worker_id;
    const v1::Delivery& d = alerts[worker_id][0];
    const v1::Match& match = *match_of.at(worker_id);
    EXPECT_EQ(d.kind(), v1::NOTIFICATION_KIND_JOB_ALERT);
    EXPECT_EQ(d.wechat_openid(), openid_of[worker_id]);
    EXPECT_EQ(d.template_id(), "WX_JOB_ALERT");
    EXPECT_EQ(d.fields().at("thing1"), "电焊工");
    EXPECT_TRUE(d.merged_message_ids().empty()) << "one vacancy, no digest";
    // The match reasons are in the message, as matching explains them: the
    // skill summary (and the 五级 welder's gap), the location class, the
    // wage; the freshness line is left out (it could change at midnight).
    EXPECT_THAT(d.text(), StartsWith("【新岗位】电焊工"));
    ASSERT_GE(match.reasons_size(), 1);
    EXPECT_THAT(d.text(), HasSubstr(absl::StrCat("推荐理由：", match.reasons(0))));
    for (const std::string& reason : match.reasons()) {
      if (!absl::EndsWith(reason, "发布")) {
        EXPECT_THAT(d.text(), HasSubstr(reason)) << worker_id;
      }
    }
    EXPECT_THAT(d.text(),
                HasSubstr(absl::StrCat("匹配度：", std::lround(match.score() * 100), "%")));
    EXPECT_THAT(d.text(), HasSubstr("同乡镇（离户籍地）：四川省达州市通川区罗江镇"));
    if (worker_id == elementary_.worker_id) {
      EXPECT_THAT(d.text(), HasSubstr("1项要求满足0项；差 焊工 四级（现为五级）"));
    } else {
      EXPECT_THAT(d.text(), HasSubstr("1项要求满足1项"));
    }
    EXPECT_THAT(d.fields().at("thing4"), HasSubstr("同乡镇"));

    // Acked: DELIVERED, with the whole history, as GetMessage and
    // ListMessages(worker_id) both show it.
    const WechatSubscriber::Received r = subscriber_->received().at(d.message_id());
    EXPECT_TRUE(r.ack_status.ok()) << r.ack_status.error_message();
    EXPECT_EQ(r.ack_applied, 1);
    EXPECT_EQ(r.times, 1) << "redelivered although acked";
    ASSERT_TRUE(WaitFor(
        [&] { return GetMessage(d.message_id()).status() == v1::NOTIFICATION_STATUS_DELIVERED; },
        kDeadline));
    v1::Message m = GetMessage(d.message_id());
    EXPECT_EQ(m.worker_id(), worker_id);
    EXPECT_EQ(m.payload().at("vacancy_id"), vacancy_id);
    ASSERT_THAT(Codes(m), ElementsAre("queued", "sent", "delivered"));
    EXPECT_EQ(m.history(1).channel(), v1::CHANNEL_WECHAT);
    std::vector<v1::Message> listed = JobAlertsOf(worker_id);
    ASSERT_EQ(listed.size(), 1u) << worker_id;
    EXPECT_EQ(listed[0].message_id(), d.message_id());
    EXPECT_EQ(listed[0].status(), v1::NOTIFICATION_STATUS_DELIVERED);
    EXPECT_THAT(Codes(listed[0]), ElementsAre("queued", "sent", "delivered"));
  }

  // The worker's own view through the WeChat mini-program sees the alert.
  {
    v1::ListMessagesRequest r;
    r.mutable_page()->set_page_size(10);
    v1::ListMessagesResponse out;
    grpc::Status st = notify_->stub()->ListMessages(
        notify_->Context(Role::kWechat, intermediate_.openid).get(), r, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
    ASSERT_EQ(out.messages_size(), 1);
    EXPECT_EQ(out.messages(0).worker_id(), intermediate_.worker_id);
  }

  // The welder without consent, the erased welder and the cook got no job
  // alert, neither at the subscriber nor as a message record.
  EXPECT_TRUE(JobAlertsOf(no_consent_.worker_id).empty());
  EXPECT_TRUE(JobAlertsOf(erased_.worker_id).empty());
  EXPECT_TRUE(JobAlertsOf(cook_.worker_id).empty());
  // One match.found event, naming exactly the alerted workers, best first.
  std::vector<v1::VacancyMatches> events = MatchEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].vacancy_id(), vacancy_id);
  std::vector<std::string> event_ids;
  for (const v1::Match& m : events[0].matches()) event_ids.push_back(m.worker_id());
  EXPECT_EQ(event_ids, expected);
}

TEST_F(PipelineTest, RepostAlertsNobodyAgainButASecondVacancyAlertsAgain) {
  ASSERT_NO_FATAL_FAILURE(RegisterCrew());
  ASSERT_NO_FATAL_FAILURE(StartSubscriber());
  const std::string employer = Employer();
  const std::vector<std::string> welders = {advanced_.worker_id, intermediate_.worker_id,
                                            elementary_.worker_id};

  const std::string first = PostWelding(employer, "电焊工", 6000, 8000).vacancy().vacancy_id();
  ASSERT_FALSE(first.empty());
  ASSERT_TRUE(WaitForAlerts(welders, 1))
      << absl::StrJoin(Keys(AckedJobAlertsByWorker(*subscriber_)), ",");

  // The same posting again: VacancyService collapses it into the open
  // vacancy (a new version, a vacancy.updated event), which is no opening.
  v1::PostVacancyResponse again = PostWelding(employer, "电焊工", 6000, 8000);
  EXPECT_EQ(again.duplicate_of(), first);
  EXPECT_EQ(again.vacancy().vacancy_id(), first);
  EXPECT_GT(again.vacancy().version(), 1);

  // A distinct vacancy (wages that do not overlap) of the same employer.
  // The events of one stream are applied in order, so once its alerts are
  // in, whatever the repost would have caused is in too.
  const std::string second =
      PostWelding(employer, "管道电焊工", 9000, 11000).vacancy().vacancy_id();
  ASSERT_FALSE(second.empty());
  ASSERT_NE(second, first);
  ASSERT_TRUE(WaitForAlerts(welders, 2))
      << absl::StrJoin(Keys(AckedJobAlertsByWorker(*subscriber_)), ",");

  // Exactly two alerts per welder (one per opening), both delivered; the
  // second passed the daily cap of 3.
  std::map<std::string, std::vector<v1::Delivery>> alerts = AckedJobAlertsByWorker(*subscriber_);
  EXPECT_THAT(Keys(alerts), UnorderedElementsAreArray(welders));
  for (const std::string& worker_id : welders) {
    std::set<std::string> titles;
    for (const v1::Delivery& d : alerts[worker_id]) titles.insert(d.fields().at("thing1"));
    EXPECT_THAT(titles, ElementsAre("电焊工", "管道电焊工")) << worker_id;
    std::vector<v1::Message> listed;
    ASSERT_TRUE(WaitFor(
        [&] {
          listed = JobAlertsOf(worker_id);
          return listed.size() == 2 &&
                 std::all_of(listed.begin(), listed.end(), [](const v1::Message& m) {
                   return m.status() == v1::NOTIFICATION_STATUS_DELIVERED;
                 });
        },
        kDeadline))
        << worker_id << ": " << listed.size() << " job alerts";
    std::set<std::string> vacancies;
    for (const v1::Message& m : listed) {
      vacancies.insert(m.payload().at("vacancy_id"));
      EXPECT_THAT(Codes(m), ElementsAre("queued", "sent", "delivered")) << m.message_id();
    }
    EXPECT_THAT(vacancies, UnorderedElementsAreArray({first, second}));
  }
  for (const auto& [id, r] : subscriber_->received()) {
    EXPECT_EQ(r.times, 1) << id << " was delivered again although acked";
  }
  EXPECT_TRUE(JobAlertsOf(no_consent_.worker_id).empty());
  EXPECT_TRUE(JobAlertsOf(erased_.worker_id).empty());
  // Matching published for the two openings only, not for the update.
  std::vector<std::string> published;
  for (const v1::VacancyMatches& m : MatchEvents()) published.push_back(m.vacancy_id());
  EXPECT_THAT(published, ElementsAre(first, second));
}

}  // namespace
}  // namespace labor::notify
