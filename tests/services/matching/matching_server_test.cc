// Integration tests: the real profile_server, vacancy_server and
// matching_server binaries, real RocksDB stores and a real redis-server.
// Writes go through the owning services; matching must see them through its
// bootstrap and the event streams, survive a kill -9, and keep answering
// while Redis or an upstream service is down.
#include <fstream>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/clock.h"
#include "common/proto_util.h"
#include "common/redis.h"
#include "common/validation.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labor/v1/matching.grpc.pb.h"
#include "labor/v1/profile.grpc.pb.h"
#include "labor/v1/vacancy.grpc.pb.h"
#include "tests/testing/grpc_checks.h"
#include "tests/testing/ids.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/service_harness.h"
#include "tests/testing/upstream_services.h"
#include "tests/testing/util.h"

namespace labor::matching {
namespace {

using labor::testing::ProfileHarness;
using labor::testing::VacancyHarness;
using labor::testing::WaitFor;
using ::testing::Contains;
using ::testing::ElementsAreArray;
using MatchingHarness = labor::testing::ServiceHarness<v1::MatchingService>;

constexpr char kWelder[] = "6-18-02-04";
constexpr char kCook[] = "4-03-02-01";

std::string ResidentId(int n) { return labor::testing::ResidentIdFor(n); }

std::string CreditCode(int n) {
  return labor::testing::MakeCreditCode("511702", absl::StrCat("MA", 1000000 + n));
}

class MatchingServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    ASSERT_TRUE(labor::testing::StartProfileAndVacancy(&dir_, redis_.port(), &profile_, &vacancy_));
    matching_ = std::make_unique<MatchingHarness>(&dir_, redis_.port(),
                                                  "services/matching/matching_server", "matching");
    matching_->ShareTokens(profile_->tokens());
    std::ofstream(dir_.Sub("service.token")) << profile_->token(Role::kService) << "\n";
    RedisClient::Options options;
    options.port = redis_.port();
    redis_client_ = std::make_unique<RedisClient>(options);
  }

  std::vector<std::string> MatchingFlags() {
    return {absl::StrCat("--profile_target=127.0.0.1:",
                         profile_port_ ? profile_port_ : profile_->port()),
            absl::StrCat("--vacancy_target=127.0.0.1:", vacancy_->port()),
            absl::StrCat("--upstream_token_file=", dir_.Sub("service.token")),
            "--upstream_deadline=2s",
            "--consumer_name=test-replica",
            "--bootstrap_page_size=7"};
  }

  void StartMatching(bool wait_serving = true) {
    ASSERT_TRUE(matching_->Started(MatchingFlags()));
    if (wait_serving) {
      ASSERT_TRUE(labor::testing::WaitServing(matching_->channel(), "labor.v1.MatchingService"))
          << labor::testing::ReadFileOrEmpty(matching_->log_path());
    }
  }

  int Health() {
    auto status = labor::testing::HealthStatus(matching_->channel(), "labor.v1.MatchingService");
    return status.ok() ? *status : -1;
  }

  std::string RegisterWorker(int n, const std::string& skill, v1::SkillLevel level,
                             const std::string& township, const std::string& openid = "",
                             int64_t min_wage_yuan = 6000) {
    v1::RegisterWorkerRequest r;
    v1::Worker* w = r.mutable_worker();
    w->set_name("张三");
    w->set_id_number(ResidentId(n));
    w->set_phone(absl::StrCat("139", 10000000 + n));
    w->set_hukou_township(township);
    w->set_household_id(absl::StrCat("HH", n));
    w->set_wechat_openid(openid);
    v1::Skill* s = w->add_skills();
    s->set_occupation_code(skill);
    s->set_level(level);
    w->mutable_consent()->set_wechat(true);
    // A floor makes the wage part tell the jobs apart (it saturates at 50%
    // over the floor).
    w->mutable_preferences()->mutable_minimum_monthly_wage()->set_fen(min_wage_yuan * 100);
    v1::RegisterWorkerResponse out;
    auto ctx = profile_->Context(Role::kAdmin);
    grpc::Status st = profile_->stub()->RegisterWorker(ctx.get(), r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out.worker().worker_id();
  }

  v1::Worker GetWorker(const std::string& id) {
    v1::GetWorkerRequest r;
    r.set_worker_id(id);
    v1::Worker out;
    auto ctx = profile_->Context(Role::kAdmin);
    EXPECT_TRUE(profile_->stub()->GetWorker(ctx.get(), r, &out).ok());
    return out;
  }

  std::string Employer(int n) {
    v1::UpsertEmployerRequest r;
    r.mutable_employer()->set_credit_code(CreditCode(n));
    r.mutable_employer()->set_name(absl::StrCat("达州市通川区第", n, "建筑有限公司"));
    r.mutable_employer()->set_region("511702");
    v1::Employer out;
    auto ctx = vacancy_->Context(Role::kAdmin);
    grpc::Status st = vacancy_->stub()->UpsertEmployer(ctx.get(), r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out.employer_id();
  }

  std::string Post(const std::string& employer, const std::string& occupation,
                   const std::string& location, int64_t min_yuan, int64_t max_yuan) {
    v1::PostVacancyRequest r;
    v1::Vacancy* v = r.mutable_vacancy();
    v->set_employer_id(employer);
    v->set_occupation_code(occupation);
    v->set_title(occupation == kWelder ? "电焊工" : "厨师");
    v->set_location(location);
    v->mutable_wage()->set_unit(v1::WAGE_UNIT_MONTHLY);
    v->mutable_wage()->mutable_min()->set_fen(min_yuan * 100);
    v->mutable_wage()->mutable_max()->set_fen(max_yuan * 100);
    v->set_headcount(3);
    *v->mutable_expires_at() = ToProto(absl::Now() + absl::Hours(24 * 30));
    v1::PostVacancyResponse out;
    auto ctx = vacancy_->Context(Role::kAdmin);
    grpc::Status st = vacancy_->stub()->PostVacancy(ctx.get(), r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out.vacancy().vacancy_id();
  }

  grpc::Status Recommend(const std::string& worker_id, v1::RecommendResponse* out,
                         Role role = Role::kKiosk, const std::string& openid = "",
                         const std::string& region_prefix = "") {
    v1::RecommendVacanciesRequest r;
    r.set_worker_id(worker_id);
    r.set_k(10);
    r.set_region_prefix(region_prefix);
    auto ctx = matching_->Context(role, openid);
    return matching_->stub()->RecommendVacancies(ctx.get(), r, out);
  }

  std::vector<std::string> RecommendedIds(const std::string& worker_id,
                                          const std::string& region_prefix = "") {
    v1::RecommendResponse out;
    grpc::Status st = Recommend(worker_id, &out, Role::kKiosk, "", region_prefix);
    if (!st.ok()) return {"error: " + st.error_message()};
    std::vector<std::string> ids;
    for (const v1::Match& m : out.matches()) ids.push_back(m.vacancy_id());
    return ids;
  }

  v1::ExplainResponse Explain(const std::string& worker_id, const std::string& vacancy_id) {
    v1::ExplainRequest r;
    r.set_worker_id(worker_id);
    r.set_vacancy_id(vacancy_id);
    v1::ExplainResponse out;
    auto ctx = matching_->Context(Role::kAdmin);
    grpc::Status st = matching_->stub()->Explain(ctx.get(), r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  labor::testing::TempDir dir_;
  labor::testing::RedisServer redis_;
  std::unique_ptr<RedisClient> redis_client_;
  std::unique_ptr<ProfileHarness> profile_;
  std::unique_ptr<VacancyHarness> vacancy_;
  std::unique_ptr<MatchingHarness> matching_;
  int profile_port_ = 0;
};

TEST_F(MatchingServerTest, BootstrapsFollowsWritesAndRebuildsAfterKill) {
  // Before matching starts: a welder from 罗江镇 and jobs in the district.
  std::string welder =
      RegisterWorker(1, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE, "511702102", "oWelder1");
  std::string cook = RegisterWorker(2, kCook, v1::SKILL_LEVEL_3_ADVANCED, "511702103");
  for (int i = 3; i < 20; ++i) RegisterWorker(i, kCook, v1::SKILL_LEVEL_5_ELEMENTARY, "511702104");
  std::string builder = Employer(1);
  std::string honest = Employer(2);
  std::string weld_job = Post(builder, kWelder, "511702102", 6000, 8000);
  std::string kitchen = Post(honest, kCook, "510104", 5000, 6000);
  std::string far_weld = Post(honest, kWelder, "440304", 7000, 9000);

  StartMatching();
  EXPECT_EQ(RecommendedIds(welder).front(), weld_job);
  EXPECT_THAT(RecommendedIds(welder), Contains(kitchen));
  v1::RecommendResponse cook_answer;
  ASSERT_TRUE(Recommend(cook, &cook_answer).ok());
  ASSERT_GT(cook_answer.matches_size(), 0);
  EXPECT_EQ(cook_answer.matches(0).vacancy_id(), kitchen);
  EXPECT_FALSE(cook_answer.matches(0).reasons().empty());

  // A new vacancy becomes visible through the event stream.
  std::string better = Post(honest, kWelder, "511702102", 9000, 11000);
  ASSERT_TRUE(WaitFor([&] { return RecommendedIds(welder).front() == better; }, absl::Seconds(10)))
      << labor::testing::ReadFileOrEmpty(matching_->log_path()) << "\n"
      << absl::StrJoin(RecommendedIds(welder), ",") << " vs " << better << ": "
      << Explain(welder, better).DebugString();
  // ...and a match.found event names the consenting welder.
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const v1::Event& e :
             labor::testing::StreamEvents(*redis_client_, "labor.events.matching")) {
          v1::VacancyMatches m;
          if (e.entity_id() == better && m.ParseFromString(e.payload()) && m.matches_size() > 0 &&
              m.matches(0).worker_id() == welder) {
            return true;
          }
        }
        return false;
      },
      absl::Seconds(10)));

  // A worker's new minimum wage vetoes the jobs below it.
  {
    v1::UpdateWorkerRequest r;
    r.mutable_worker()->set_worker_id(welder);
    r.mutable_worker()->mutable_preferences()->mutable_minimum_monthly_wage()->set_fen(850000);
    r.mutable_update_mask()->add_paths("preferences.minimum_monthly_wage");
    r.set_expected_version(GetWorker(welder).version());
    v1::Worker out;
    auto ctx = profile_->Context(Role::kAdmin);
    ASSERT_TRUE(profile_->stub()->UpdateWorker(ctx.get(), r, &out).ok());
  }
  ASSERT_TRUE(WaitFor(
      [&] {
        auto ids = RecommendedIds(welder);
        return std::find(ids.begin(), ids.end(), weld_job) == ids.end();
      },
      absl::Seconds(10)));
  v1::ExplainResponse why = Explain(welder, weld_job);
  EXPECT_TRUE(why.vetoed());
  EXPECT_EQ(why.veto_code(), "wage");
  EXPECT_EQ(why.veto_reason(), "岗位月薪最高8,000元，低于本人期望8,500元");

  // Blacklisting the employer removes its jobs at once; Explain says why.
  {
    v1::BlacklistEmployerRequest r;
    r.mutable_entry()->set_employer_id(honest);
    r.mutable_entry()->set_reason("拖欠农民工工资");
    r.mutable_entry()->set_source("达市人社发〔2026〕88号");
    v1::BlacklistEntry out;
    auto ctx = vacancy_->Context(Role::kAdmin);
    grpc::Status st = vacancy_->stub()->BlacklistEmployer(ctx.get(), r, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  ASSERT_TRUE(WaitFor([&] { return Explain(welder, better).veto_code() == "blacklisted"; },
                      absl::Seconds(10)));
  EXPECT_EQ(Explain(welder, better).veto_reason(), "用人单位在欠薪失信名单中");
  EXPECT_THAT(RecommendedIds(cook), ::testing::Not(Contains(kitchen)));

  // Closing a vacancy: it leaves the index; Explain asks VacancyService.
  {
    v1::ChangeVacancyStatusRequest r;
    r.set_vacancy_id(weld_job);
    r.set_status(v1::VACANCY_STATUS_FILLED);
    r.set_reason("招满");
    v1::Vacancy out;
    auto ctx = vacancy_->Context(Role::kAdmin);
    ASSERT_TRUE(vacancy_->stub()->ChangeVacancyStatus(ctx.get(), r, &out).ok());
  }
  ASSERT_TRUE(WaitFor([&] { return Explain(welder, weld_job).veto_code() == "not_open"; },
                      absl::Seconds(10)));
  EXPECT_EQ(Explain(welder, weld_job).veto_reason(), "岗位已招满");
  EXPECT_EQ(Explain(welder, far_weld).veto_code(), "blacklisted");

  // kill -9 and restart: the index is rebuilt and answers the same.
  std::vector<std::string> before_welder = RecommendedIds(welder);
  std::vector<std::string> before_cook = RecommendedIds(cook);
  matching_->Kill();
  StartMatching();
  EXPECT_THAT(RecommendedIds(welder), ElementsAreArray(before_welder));
  EXPECT_THAT(RecommendedIds(cook), ElementsAreArray(before_cook));
}

TEST_F(MatchingServerTest, RolesAndBadInput) {
  std::string welder =
      RegisterWorker(1, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE, "511702102", "oWelder1");
  std::string other = RegisterWorker(2, kCook, v1::SKILL_LEVEL_3_ADVANCED, "511702103", "oCook2");
  Post(Employer(1), kWelder, "511702102", 6000, 8000);
  StartMatching();

  v1::RecommendResponse out;
  EXPECT_TRUE(Recommend(welder, &out, Role::kWechat, "oWelder1").ok());
  EXPECT_EQ(Recommend(other, &out, Role::kWechat, "oWelder1").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Recommend(welder, &out, Role::kPartner).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Recommend("w_nobody", &out).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::RecommendVacanciesRequest bad;
  bad.set_worker_id(welder);
  bad.set_k(500);
  bad.set_region_prefix("5117x");
  bad.set_occupation_prefix("6-99");
  auto ctx = matching_->Context(Role::kAdmin);
  grpc::Status st = matching_->stub()->RecommendVacancies(ctx.get(), bad, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), ::testing::HasSubstr("k"));
  EXPECT_THAT(st.error_message(), ::testing::HasSubstr("region_prefix"));
  EXPECT_THAT(st.error_message(), ::testing::HasSubstr("occupation_prefix"));

  v1::RecommendWorkersRequest workers;
  workers.set_vacancy_id("v_nope");
  workers.set_township("511702");  // a county, not a township
  auto ctx2 = matching_->Context(Role::kKiosk);
  st = matching_->stub()->RecommendWorkers(ctx2.get(), workers, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), ::testing::HasSubstr("township"));
  auto ctx3 = matching_->Context(Role::kWechat, "oWelder1");
  workers.clear_township();
  EXPECT_EQ(matching_->stub()->RecommendWorkers(ctx3.get(), workers, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  auto reflection = labor::testing::ReflectionServiceList(matching_->channel());
  ASSERT_TRUE(reflection.ok());
  EXPECT_THAT(*reflection, ::testing::HasSubstr("labor.v1.MatchingService"));
}

// Region filters in GB/T 2260 and 12-digit statistical form, on workers and
// vacancies written in those forms too.
TEST_F(MatchingServerTest, RegionFiltersTakeEveryStandardForm) {
  std::string welder = RegisterWorker(1, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE, "511702102000");
  std::string employer = Employer(1);
  std::string local = Post(employer, kWelder, "511702102", 6000, 8000);
  std::string shenzhen = Post(employer, kWelder, "440300", 7000, 9000);
  StartMatching();

  EXPECT_THAT(RecommendedIds(welder, "440300"), ElementsAreArray({shenzhen}));
  EXPECT_THAT(RecommendedIds(welder, "440000000000"), ElementsAreArray({shenzhen}));
  EXPECT_THAT(RecommendedIds(welder, "511702000000"), ElementsAreArray({local}));
  EXPECT_THAT(RecommendedIds(welder, "511702102000"), ElementsAreArray({local}));
  EXPECT_THAT(RecommendedIds(welder, "440399"),
              ElementsAreArray({::testing::HasSubstr("region_prefix")}));

  v1::RecommendWorkersRequest workers;
  workers.set_vacancy_id(local);
  workers.set_township("511702102000");
  v1::RecommendResponse out;
  auto ctx = matching_->Context(Role::kAdmin);
  grpc::Status st = matching_->stub()->RecommendWorkers(ctx.get(), workers, &out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(out.matches_size(), 1);
  EXPECT_EQ(out.matches(0).worker_id(), welder);

  v1::RecommendWorkersRequest implausible;
  implausible.set_vacancy_id(local);
  *implausible.mutable_available_by() = FromCivil(absl::CivilDay(1800, 1, 1));
  ctx = matching_->Context(Role::kAdmin);
  st = matching_->stub()->RecommendWorkers(ctx.get(), implausible, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), ::testing::HasSubstr("available_by"));
}

// NOT_SERVING until the bootstrap is done; it waits for an upstream that is
// down, and catches up with writes made while Redis was down.
TEST_F(MatchingServerTest, WaitsForUpstreamAndSurvivesRedisOutage) {
  std::string welder = RegisterWorker(1, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE, "511702102");
  std::string employer = Employer(1);
  std::string first = Post(employer, kWelder, "511702102", 6000, 8000);

  // ProfileService down: matching serves health NOT_SERVING and refuses
  // queries with UNAVAILABLE until it could load the workers.
  profile_port_ = profile_->port();
  ASSERT_EQ(profile_->Terminate(), 0);
  StartMatching(/*wait_serving=*/false);
  ASSERT_TRUE(WaitFor([&] { return Health() == 2; }, absl::Seconds(10)));  // NOT_SERVING
  v1::RecommendResponse out;
  EXPECT_EQ(Recommend(welder, &out).error_code(), grpc::StatusCode::UNAVAILABLE);
  ASSERT_TRUE(profile_->Started({absl::StrCat("--listen=127.0.0.1:", profile_port_)}));
  ASSERT_TRUE(labor::testing::WaitServing(matching_->channel(), "labor.v1.MatchingService"))
      << labor::testing::ReadFileOrEmpty(matching_->log_path());
  EXPECT_EQ(RecommendedIds(welder), std::vector<std::string>{first});

  // Redis down: matching still answers; the write waits in the outbox and
  // arrives when Redis is back.
  redis_.Kill();
  EXPECT_EQ(RecommendedIds(welder), std::vector<std::string>{first});
  std::string second = Post(employer, kWelder, "511702102", 9000, 9500);
  EXPECT_EQ(RecommendedIds(welder), std::vector<std::string>{first});
  ASSERT_TRUE(redis_.Restart().ok());
  ASSERT_TRUE(WaitFor([&] { return RecommendedIds(welder).front() == second; }, absl::Seconds(20)))
      << labor::testing::ReadFileOrEmpty(matching_->log_path());
}

}  // namespace
}  // namespace labor::matching
