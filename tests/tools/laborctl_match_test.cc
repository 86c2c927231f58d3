// laborctl match end to end: the real laborctl binary against the real
// profile_server, vacancy_server and matching_server (RocksDB, redis-server).
// The data is written through laborctl as bureau staff would; matching
// bootstraps from it and follows the event streams. The servers run on the
// real clock, so dates are computed from today (Shanghai).

#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/clock.h"
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
#include "tests/tools/cli_testing.h"

namespace labor::tools {
namespace {

using labor::testing::DayFromToday;
using labor::testing::ParseJson;
using ::testing::HasSubstr;
using Result = labor::testing::CommandResult;
using labor::testing::ProfileHarness;
using labor::testing::VacancyHarness;
using ::testing::Not;
using MatchingHarness = labor::testing::ServiceHarness<v1::MatchingService>;

constexpr char kWelder[] = "6-18-02-04";  // 电焊工
constexpr char kCook[] = "4-03-02-01";    // 中式烹调师

std::string ResidentId(int n) { return labor::testing::ResidentIdFor(n); }

std::string CreditCode(absl::string_view body9) {
  return labor::testing::MakeCreditCode("511702", body9);
}

// The output line holding `needle`, or -1.
int LineOf(const std::string& text, absl::string_view needle) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    if (absl::StrContains(lines[i], needle)) return static_cast<int>(i);
  }
  return -1;
}

class LaborctlMatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    ASSERT_TRUE(labor::testing::StartProfileAndVacancy(&dir_, redis_.port(), &profile_, &vacancy_));
    matching_ = std::make_unique<MatchingHarness>(&dir_, redis_.port(),
                                                  "services/matching/matching_server", "matching");
    matching_->ShareTokens(profile_->tokens());
    std::ofstream(dir_.Sub("service.token")) << profile_->token(Role::kService) << "\n";

    // Before matching starts (it bootstraps from these): a 四级 welder from
    // 罗江镇 with a floor of 5,000 yuan, a cook from 蒲家镇, a welding job in
    // 罗江镇 and a kitchen job in Chengdu.
    welder_ = RegisterWorker(1, "罗江镇", absl::StrCat(kWelder, ":四级:8"), "5000");
    cook_ = RegisterWorker(2, "蒲家镇", absl::StrCat(kCook, ":三级:5"), "4000");
    builder_ = UpsertEmployer(CreditCode("MA6CYQ0X1"), "达州市通川区鑫华建筑劳务有限公司");
    restaurant_ = UpsertEmployer(CreditCode("MA6CYQ0X2"), "通川区巴山厨师餐饮管理有限公司");
    weld_job_ = Post(builder_, "电焊工", kWelder, "罗江镇", "6000-8000/月");
    kitchen_ = Post(restaurant_, "中餐厨师", kCook, "510104", "5000-6000/月");
    ASSERT_FALSE(HasFailure());

    ASSERT_TRUE(
        matching_->Started({absl::StrCat("--profile_target=127.0.0.1:", profile_->port()),
                            absl::StrCat("--vacancy_target=127.0.0.1:", vacancy_->port()),
                            absl::StrCat("--upstream_token_file=", dir_.Sub("service.token")),
                            "--upstream_deadline=2s", "--consumer_name=laborctl-test"}));
    ASSERT_TRUE(labor::testing::WaitServing(matching_->channel(), "labor.v1.MatchingService"))
        << labor::testing::ReadFileOrEmpty(matching_->log_path());
  }

  void TearDown() override {
    if (!HasFailure()) return;
    for (const auto& [name, log] :
         {std::pair<const char*, std::string>{"matching", matching_->log_path()},
          {"vacancy", vacancy_->log_path()}}) {
      std::string text = labor::testing::ReadFileOrEmpty(log);
      if (text.size() > 6000) text = text.substr(text.size() - 6000);
      std::cerr << "--- " << name << "_server log (tail)\n" << text;
    }
  }

  // laborctl with all three targets and `role`'s token; args single-quoted
  // (none may hold a quote).
  Result Ctl(Role role, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {
        "--deadline=5s",
        absl::StrCat("--target=127.0.0.1:", profile_->port()),
        absl::StrCat("--vacancy_target=127.0.0.1:", vacancy_->port()),
        absl::StrCat("--matching_target=127.0.0.1:", matching_ ? matching_->port() : 0),
        absl::StrCat("--token=", profile_->token(role)),
        absl::StrCat("--data_dir=", labor::testing::SourcePath("data"))};
    argv.insert(argv.end(), args.begin(), args.end());
    return labor::testing::RunCommand("tools/laborctl", argv,
                                      dir_.Sub(absl::StrCat("stderr.", ++runs_)));
  }
  Result Ctl(const std::vector<std::string>& args) { return Ctl(Role::kAdmin, args); }

  std::string RegisterWorker(int n, const std::string& township, const std::string& skill,
                             const std::string& min_wage) {
    Result r =
        Ctl({"worker", "register", "--name=张三", absl::StrCat("--id_number=", ResidentId(n)),
             absl::StrCat("--phone=1391234567", n), absl::StrCat("--township=", township),
             absl::StrCat("--household=TC-", n), absl::StrCat("--skill=", skill),
             absl::StrCat("--min_wage=", min_wage), "--consent_wechat", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return ParseJson<v1::RegisterWorkerResponse>(r.out).worker().worker_id();
  }

  std::string UpsertEmployer(const std::string& credit_code, const std::string& name) {
    Result r = Ctl({"employer", "upsert", absl::StrCat("--credit_code=", credit_code),
                    absl::StrCat("--name=", name), "--region=罗江镇", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return ParseJson<v1::Employer>(r.out).employer_id();
  }

  std::string Post(const std::string& employer_id, const std::string& title,
                   const std::string& occupation, const std::string& location,
                   const std::string& wage) {
    Result r = Ctl({"vacancy", "post", absl::StrCat("--employer_id=", employer_id),
                    absl::StrCat("--title=", title), absl::StrCat("--occupation=", occupation),
                    absl::StrCat("--location=", location), absl::StrCat("--wage=", wage),
                    "--headcount=3", absl::StrCat("--expires=", DayFromToday(60)), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return ParseJson<v1::PostVacancyResponse>(r.out).vacancy().vacancy_id();
  }

  labor::testing::TempDir dir_;
  labor::testing::RedisServer redis_;
  std::unique_ptr<ProfileHarness> profile_;
  std::unique_ptr<VacancyHarness> vacancy_;
  std::unique_ptr<MatchingHarness> matching_;
  int runs_ = 0;
  std::string welder_, cook_, builder_, restaurant_, weld_job_, kitchen_;
};

TEST_F(LaborctlMatchTest, VacanciesForAWelderShowTheLocalWeldingJobFirst) {
  Result r = Ctl({"match", "vacancies", absl::StrCat("--worker=", welder_)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // Header, rule, then rank 1: the welding job in 罗江镇 with its title, the
  // skill line and the location line indented under it.
  EXPECT_THAT(r.out, HasSubstr("名次"));
  const int weld_row = LineOf(r.out, weld_job_);
  const int kitchen_row = LineOf(r.out, kitchen_);
  ASSERT_EQ(weld_row, 2) << r.out;
  ASSERT_GT(kitchen_row, weld_row) << r.out;
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n');
  EXPECT_THAT(lines[weld_row], ::testing::StartsWith("1 "));
  EXPECT_THAT(lines[weld_row], HasSubstr("电焊工"));
  EXPECT_THAT(lines[weld_row], HasSubstr("鑫华建筑劳务"));
  EXPECT_THAT(lines[weld_row + 1], ::testing::StartsWith("      · "));
  EXPECT_THAT(lines[weld_row + 1], HasSubstr("1项要求满足1项"));
  EXPECT_THAT(r.out, HasSubstr("同乡镇"));
  EXPECT_THAT(r.out, HasSubstr("共 2 个岗位"));

  // --json: the response itself, best first.
  Result json = Ctl({"match", "vacancies", absl::StrCat("--worker_id=", welder_), "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  v1::RecommendResponse resp = ParseJson<v1::RecommendResponse>(json.out);
  ASSERT_EQ(resp.matches_size(), 2) << json.out;
  EXPECT_EQ(resp.matches(0).vacancy_id(), weld_job_);
  EXPECT_EQ(resp.matches(1).vacancy_id(), kitchen_);
  EXPECT_GT(resp.matches(0).score(), resp.matches(1).score());
  EXPECT_EQ(resp.matches(0).worker_id(), welder_);
  EXPECT_THAT(resp.matches(0).reasons(), ::testing::Contains("1项要求满足1项"));
  // The table shows the same score, three decimals.
  char score[16];
  std::snprintf(score, sizeof(score), "%.3f", resp.matches(0).score());
  EXPECT_THAT(lines[weld_row], HasSubstr(score));

  // Filters: occupation prefix, region (a township name), k.
  Result cooks = Ctl(
      {"match", "vacancies", absl::StrCat("--worker=", welder_), "--occupation=4-03", "--json"});
  ASSERT_EQ(cooks.exit_code, 0) << cooks.err;
  v1::RecommendResponse only_kitchen = ParseJson<v1::RecommendResponse>(cooks.out);
  ASSERT_EQ(only_kitchen.matches_size(), 1);
  EXPECT_EQ(only_kitchen.matches(0).vacancy_id(), kitchen_);
  Result local = Ctl({"match", "vacancies", absl::StrCat("--worker=", welder_), "--region=罗江镇",
                      "--k=1", "--json"});
  ASSERT_EQ(local.exit_code, 0) << local.err;
  v1::RecommendResponse only_weld = ParseJson<v1::RecommendResponse>(local.out);
  ASSERT_EQ(only_weld.matches_size(), 1);
  EXPECT_EQ(only_weld.matches(0).vacancy_id(), weld_job_);

  // Consent: the welder agreed to WeChat, not to SMS.
  Result sms =
      Ctl({"match", "vacancies", absl::StrCat("--worker=", welder_), "--channel=sms", "--json"});
  ASSERT_EQ(sms.exit_code, 0) << sms.err;
  EXPECT_EQ(ParseJson<v1::RecommendResponse>(sms.out).matches_size(), 0) << sms.out;
  Result wechat =
      Ctl({"match", "vacancies", absl::StrCat("--worker=", welder_), "--channel=微信", "--json"});
  ASSERT_EQ(wechat.exit_code, 0) << wechat.err;
  EXPECT_EQ(ParseJson<v1::RecommendResponse>(wechat.out).matches_size(), 2) << wechat.out;
}

TEST_F(LaborctlMatchTest, WorkersForAVacancy) {
  Result r = Ctl({"match", "workers", absl::StrCat("--vacancy=", weld_job_)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const int welder_row = LineOf(r.out, welder_);
  ASSERT_EQ(welder_row, 2) << r.out;
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n');
  EXPECT_THAT(lines[welder_row], ::testing::StartsWith("1 "));
  EXPECT_THAT(lines[welder_row + 1], HasSubstr("1项要求满足1项"));
  EXPECT_THAT(r.out, HasSubstr("劳动者编号"));
  // No names, ID numbers or phones: matching knows none.
  EXPECT_THAT(r.out, Not(HasSubstr("张三")));
  EXPECT_THAT(r.out, Not(HasSubstr(ResidentId(1))));

  Result json = Ctl({"match", "workers", absl::StrCat("--vacancy_id=", weld_job_), "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  v1::RecommendResponse resp = ParseJson<v1::RecommendResponse>(json.out);
  ASSERT_GE(resp.matches_size(), 1) << json.out;
  EXPECT_EQ(resp.matches(0).worker_id(), welder_);
  EXPECT_EQ(resp.matches(0).vacancy_id(), weld_job_);
  for (int i = 1; i < resp.matches_size(); ++i) {
    EXPECT_GE(resp.matches(i - 1).score(), resp.matches(i).score());
  }

  // --township narrows to the workers from there: the cook is from 蒲家镇.
  Result pujia = Ctl(
      {"match", "workers", absl::StrCat("--vacancy=", weld_job_), "--township=蒲家镇", "--json"});
  ASSERT_EQ(pujia.exit_code, 0) << pujia.err;
  v1::RecommendResponse from_pujia = ParseJson<v1::RecommendResponse>(pujia.out);
  for (const v1::Match& m : from_pujia.matches()) {
    EXPECT_EQ(m.worker_id(), cook_);
  }
  Result luojiang =
      Ctl({"match", "workers", absl::StrCat("--vacancy=", weld_job_), "--township=511702102",
           absl::StrCat("--available_by=", DayFromToday(30)), "--json"});
  ASSERT_EQ(luojiang.exit_code, 0) << luojiang.err;
  v1::RecommendResponse local = ParseJson<v1::RecommendResponse>(luojiang.out);
  ASSERT_EQ(local.matches_size(), 1) << luojiang.out;
  EXPECT_EQ(local.matches(0).worker_id(), welder_);
}

// The match filters the other tests leave out: --wage_floor and --fair for
// vacancies, --status for workers. Each narrows the results to exactly what
// it names (matching learns of changes through the event streams, so the
// later ones are waited for).
TEST_F(LaborctlMatchTest, WageFloorFairAndStatusFiltersFilter) {
  // The other side's ids of `match <what> <subject> <filters>`.
  auto matched = [&](const std::string& what, const std::string& subject,
                     std::vector<std::string> filters) {
    filters.insert(filters.begin(), {"match", what, subject, "--json"});
    Result r = Ctl(filters);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> ids;
    const auto resp = ParseJson<v1::RecommendResponse>(r.out);
    for (const v1::Match& m : resp.matches()) {
      ids.push_back(what == "vacancies" ? m.vacancy_id() : m.worker_id());
    }
    return ids;
  };
  auto vacancies = [&](std::vector<std::string> filters) {
    return matched("vacancies", absl::StrCat("--worker=", welder_), std::move(filters));
  };
  auto workers = [&](std::vector<std::string> filters) {
    return matched("workers", absl::StrCat("--vacancy=", kitchen_), std::move(filters));
  };
  using ::testing::ElementsAre;
  using ::testing::IsEmpty;
  using ::testing::UnorderedElementsAre;
  EXPECT_THAT(vacancies({}), UnorderedElementsAre(weld_job_, kitchen_));
  // The welding job pays up to 8,000 a month, the kitchen up to 6,000.
  EXPECT_THAT(vacancies({"--wage_floor=7000"}), ElementsAre(weld_job_));
  EXPECT_THAT(vacancies({"--wage_floor=9000"}), IsEmpty());

  // A fair with the kitchen job only.
  Result fair = Ctl({"fair", "create", "--name=春风行动招聘会", "--kind=spring_breeze",
                     absl::StrCat("--start_date=", DayFromToday(5)), "--region=凤北街道",
                     "--venue=通川区体育中心", "--organizer=通川区人力资源和社会保障局", "--json"});
  ASSERT_EQ(fair.exit_code, 0) << fair.out << fair.err;
  const std::string fair_id = ParseJson<v1::JobFair>(fair.out).fair_id();
  ASSERT_EQ(Ctl({"fair", "attach", absl::StrCat("--fair_id=", fair_id),
                 absl::StrCat("--vacancy_ids=", kitchen_)})
                .exit_code,
            0);
  std::vector<std::string> at_fair;
  EXPECT_TRUE(labor::testing::WaitFor(
      [&] {
        at_fair = vacancies({absl::StrCat("--fair=", fair_id)});
        return !at_fair.empty();
      },
      absl::Seconds(20)));
  EXPECT_THAT(at_fair, ElementsAre(kitchen_));

  // Nobody has an employment status yet; then the cook is out of work.
  EXPECT_THAT(workers({"--status=unemployed"}), IsEmpty());
  Result unemployed = Ctl({"worker", "employment", absl::StrCat("--worker_id=", cook_),
                           "--status=unemployed", absl::StrCat("--effective=", DayFromToday(-1))});
  ASSERT_EQ(unemployed.exit_code, 0) << unemployed.out << unemployed.err;
  std::vector<std::string> out_of_work;
  EXPECT_TRUE(labor::testing::WaitFor(
      [&] {
        out_of_work = workers({"--status=unemployed"});
        return !out_of_work.empty();
      },
      absl::Seconds(20)));
  EXPECT_THAT(out_of_work, ElementsAre(cook_));
  EXPECT_THAT(workers({"--status=employed_local"}), IsEmpty());
}

TEST_F(LaborctlMatchTest, ExplainBreakdownAndBlacklistVeto) {
  // A pair that is shown: the breakdown table and the total, equal to the
  // score the recommendation gives.
  Result why = Ctl({"match", "explain", absl::StrCat("--worker=", welder_),
                    absl::StrCat("--vacancy=", weld_job_)});
  ASSERT_EQ(why.exit_code, 0) << why.out << why.err;
  EXPECT_THAT(why.out, HasSubstr("加权得分"));
  EXPECT_THAT(why.out, HasSubstr("技能 skill"));
  EXPECT_THAT(why.out, HasSubstr("地点 location"));
  EXPECT_THAT(why.out, HasSubstr("1项要求满足1项"));
  Result top = Ctl({"match", "vacancies", absl::StrCat("--worker=", welder_), "--k=1", "--json"});
  ASSERT_EQ(top.exit_code, 0) << top.err;
  v1::RecommendResponse resp = ParseJson<v1::RecommendResponse>(top.out);
  ASSERT_EQ(resp.matches_size(), 1);
  char total[32];
  std::snprintf(total, sizeof(total), "总分 %.3f", resp.matches(0).score());
  EXPECT_THAT(why.out, HasSubstr(total));

  Result explained = Ctl({"match", "explain", absl::StrCat("--worker=", welder_),
                          absl::StrCat("--vacancy=", weld_job_), "--json"});
  ASSERT_EQ(explained.exit_code, 0) << explained.err;
  v1::ExplainResponse breakdown = ParseJson<v1::ExplainResponse>(explained.out);
  EXPECT_FALSE(breakdown.vetoed());
  EXPECT_EQ(breakdown.match().parts_size(), 7);
  EXPECT_DOUBLE_EQ(breakdown.match().score(), resp.matches(0).score());

  // A better-paid welding job at an employer that is then put on the
  // wage-arrears blacklist: never recommended, and explain says why.
  const std::string debtor =
      UpsertEmployer(CreditCode("MA6CYQ0X3"), "达州市某某钢结构工程有限公司");
  const std::string debtor_job = Post(debtor, "钢结构焊工", kWelder, "罗江镇", "9000-11000/月");
  ASSERT_FALSE(HasFailure());
  Result listed = Ctl({"blacklist", "add", absl::StrCat("--employer_id=", debtor),
                       "--reason=拖欠农民工工资", "--source=通人社欠薪失信决〔2026〕9号"});
  ASSERT_EQ(listed.exit_code, 0) << listed.out << listed.err;
  Result veto;
  ASSERT_TRUE(labor::testing::WaitFor(
      [&] {
        veto = Ctl({"match", "explain", absl::StrCat("--worker=", welder_),
                    absl::StrCat("--vacancy=", debtor_job)});
        return absl::StrContains(veto.out, "不推荐");
      },
      absl::Seconds(15)))
      << veto.out << veto.err;
  EXPECT_EQ(veto.exit_code, 0);
  EXPECT_THAT(veto.out, HasSubstr("不推荐：用人单位在欠薪失信名单中 (blacklisted)"));
  EXPECT_THAT(veto.out, Not(HasSubstr("加权得分")));

  Result after = Ctl({"match", "vacancies", absl::StrCat("--worker=", welder_)});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_THAT(after.out, Not(HasSubstr(debtor_job)));
  EXPECT_EQ(LineOf(after.out, weld_job_), 2) << after.out;

  Result veto_json = Ctl({"match", "explain", absl::StrCat("--worker=", welder_),
                          absl::StrCat("--vacancy=", debtor_job), "--json"});
  ASSERT_EQ(veto_json.exit_code, 0) << veto_json.err;
  v1::ExplainResponse vetoed = ParseJson<v1::ExplainResponse>(veto_json.out);
  EXPECT_TRUE(vetoed.vetoed());
  EXPECT_EQ(vetoed.veto_code(), "blacklisted");
}

TEST_F(LaborctlMatchTest, BadFlagsAndServiceErrors) {
  // Caught before anything is sent: exit 2 and what to fix.
  Result no_worker = Ctl({"match", "vacancies"});
  EXPECT_EQ(no_worker.exit_code, 2);
  EXPECT_THAT(no_worker.err, HasSubstr("needs --worker"));
  Result channel = Ctl({"match", "vacancies", absl::StrCat("--worker=", welder_), "--channel=fax"});
  EXPECT_EQ(channel.exit_code, 2);
  EXPECT_THAT(channel.err, HasSubstr("--channel: unknown channel \"fax\""));
  Result zero = Ctl({"match", "vacancies", absl::StrCat("--worker=", welder_), "--k=0"});
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_THAT(zero.err, HasSubstr("--k"));
  Result date =
      Ctl({"match", "workers", absl::StrCat("--vacancy=", weld_job_), "--available_by=2027-02-30"});
  EXPECT_EQ(date.exit_code, 2);
  EXPECT_THAT(date.err, HasSubstr("--available_by"));
  Result wage =
      Ctl({"match", "vacancies", absl::StrCat("--worker=", welder_), "--wage_floor=五千"});
  EXPECT_EQ(wage.exit_code, 2);
  EXPECT_THAT(wage.err, HasSubstr("--wage_floor"));
  Result status =
      Ctl({"match", "workers", absl::StrCat("--vacancy=", weld_job_), "--status=retired"});
  EXPECT_EQ(status.exit_code, 2);
  EXPECT_THAT(status.err, HasSubstr("--status"));
  Result both = Ctl({"match", "explain", absl::StrCat("--worker=", welder_)});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.err, HasSubstr("--vacancy"));
  Result conflict = Ctl({"match", "vacancies", absl::StrCat("--worker=", welder_),
                         absl::StrCat("--worker_id=", cook_)});
  EXPECT_EQ(conflict.exit_code, 2);
  Result command = Ctl({"match", "jobs"});
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_THAT(command.err, HasSubstr("unknown match command \"jobs\""));
  Result not_a_number = Ctl({"match", "vacancies", absl::StrCat("--worker=", welder_), "--k=abc"});
  EXPECT_NE(not_a_number.exit_code, 0);
  EXPECT_THAT(not_a_number.err, HasSubstr("k"));

  // Refused by the service: exit 1 and its message.
  Result too_many = Ctl({"match", "vacancies", absl::StrCat("--worker=", welder_), "--k=500"});
  EXPECT_EQ(too_many.exit_code, 1);
  EXPECT_THAT(too_many.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(too_many.err, HasSubstr("k"));
  Result nobody = Ctl({"match", "vacancies", "--worker=w_nobody"});
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_THAT(nobody.err, HasSubstr("NOT_FOUND"));
  // Partners may not ask for matches.
  Result partner = Ctl(Role::kPartner, {"match", "vacancies", absl::StrCat("--worker=", welder_)});
  EXPECT_EQ(partner.exit_code, 1);
  EXPECT_THAT(partner.err, HasSubstr("PERMISSION_DENIED"));

  // The help lists the group.
  Result help = Ctl({"help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("match vacancies --worker=ID"));
  EXPECT_THAT(help.out, HasSubstr("--matching_target"));
}

}  // namespace
}  // namespace labor::tools
