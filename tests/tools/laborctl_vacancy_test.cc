// laborctl's VacancyService commands and labor-demo's vacancy loading end to
// end: the real CLI binaries against the real vacancy_server, RocksDB and
// redis-server. The server runs on the real clock, so every date here is
// computed from today (Shanghai).

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/validation.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labor/v1/vacancy.grpc.pb.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/service_harness.h"
#include "tests/testing/util.h"
#include "tests/tools/cli_testing.h"

namespace labor::tools {
namespace {

using ::testing::HasSubstr;
using labor::testing::DayFromToday;
using labor::testing::ParseJson;
using Result = labor::testing::CommandResult;
using ::testing::Not;
using Harness = labor::testing::ServiceHarness<v1::VacancyService>;

// A valid unified social credit code: "91", the county, a 9-character body
// and the GB 32100 check character.
std::string CreditCode(absl::string_view region6, absl::string_view body9) {
  std::string first17 = absl::StrCat("91", region6, body9);
  return absl::StrCat(first17, std::string(1, CreditCodeCheckChar(first17)));
}

class LaborctlVacancyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    harness_ = std::make_unique<Harness>(&dir_, redis_.port(), "services/vacancy/vacancy_server",
                                         "vacancy");
    absl::Status s = harness_->Start();
    ASSERT_TRUE(s.ok()) << s << "\n" << labor::testing::ReadFileOrEmpty(harness_->log_path());
  }

  void TearDown() override {
    // The server's side of a failure.
    if (HasFailure() && harness_ != nullptr) {
      std::string log = labor::testing::ReadFileOrEmpty(harness_->log_path());
      if (log.size() > 8000) log = log.substr(log.size() - 8000);
      std::cerr << "--- vacancy_server log (tail)\n" << log;
    }
  }

  std::string Target() const { return absl::StrCat("127.0.0.1:", harness_->port()); }

  // Runs `binary` (built here, or an absolute path) with `args` (each
  // single-quoted; none may hold a quote).
  Result Exec(const std::string& binary, const std::vector<std::string>& args) {
    return labor::testing::RunCommand(binary, args, dir_.Sub(absl::StrCat("stderr.", ++runs_)));
  }

  // laborctl against the vacancy server with `role`'s token. A short
  // deadline: a stuck call fails the test in seconds.
  Result Ctl(Role role, std::vector<std::string> args) {
    args.insert(args.begin(), {"--deadline=5s", absl::StrCat("--vacancy_target=", Target()),
                               absl::StrCat("--token=", harness_->token(role)),
                               absl::StrCat("--data_dir=", labor::testing::SourcePath("data"))});
    return Exec("tools/laborctl", args);
  }
  Result Ctl(std::vector<std::string> args) { return Ctl(Role::kAdmin, std::move(args)); }

  // Registers an employer in 罗江镇; returns its id.
  std::string MustUpsertEmployer(const std::string& credit_code, const std::string& name) {
    Result r = Ctl({"employer", "upsert", absl::StrCat("--credit_code=", credit_code),
                    absl::StrCat("--name=", name), "--region=罗江镇", "--contact=王建国",
                    "--phone=13912345678", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return ParseJson<v1::Employer>(r.out).employer_id();
  }

  // Posts a forklift job for `employer_id`; returns the response.
  v1::PostVacancyResponse MustPostForklift(const std::string& employer_id) {
    Result r =
        Ctl({"vacancy", "post", absl::StrCat("--employer_id=", employer_id), "--title=叉车司机",
             "--location=罗江镇", "--wage=5000-6500/月", "--headcount=3",
             "--benefits=room,social_insurance", "--cert=other:特种设备作业人员证(叉车司机N1)",
             absl::StrCat("--expires=", DayFromToday(120)), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return ParseJson<v1::PostVacancyResponse>(r.out);
  }

  // The vacancies an admin lists with `filters` (all statuses by default), all
  // pages.
  v1::ListVacanciesResponse ListAll(std::vector<std::string> filters = {}) {
    std::vector<std::string> args = {"vacancy", "list", "--all", "--page_size=500", "--json"};
    args.insert(args.end(), filters.begin(), filters.end());
    Result r = Ctl(args);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return ParseJson<v1::ListVacanciesResponse>(r.out);
  }

  labor::testing::TempDir dir_;
  labor::testing::RedisServer redis_;
  std::unique_ptr<Harness> harness_;
  int runs_ = 0;
};

TEST_F(LaborctlVacancyTest, EmployerUpsertGetAndBadCreditCode) {
  const std::string code = CreditCode("511702", "MA6CYQ0X1");
  Result up = Ctl({"employer", "upsert", absl::StrCat("--credit_code=", code),
                   "--name=达州市通川区鑫华建筑劳务有限公司", "--region=罗江镇", "--contact=王建国",
                   "--phone=13912345678"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_THAT(up.out, HasSubstr("已登记"));
  EXPECT_THAT(up.out, HasSubstr("罗江镇 (511702102)"));

  Result get = Ctl({"employer", "get", absl::StrCat("--credit_code=", code), "--json"});
  ASSERT_EQ(get.exit_code, 0) << get.out << get.err;
  v1::Employer e = ParseJson<v1::Employer>(get.out);
  EXPECT_THAT(e.employer_id(), ::testing::StartsWith("e_"));
  EXPECT_EQ(e.credit_code(), code);
  EXPECT_EQ(e.name(), "达州市通川区鑫华建筑劳务有限公司");
  EXPECT_EQ(e.region(), "511702102");
  EXPECT_EQ(e.contact_name(), "王建国");
  EXPECT_EQ(e.contact_phone(), "13912345678");
  EXPECT_FALSE(e.blacklisted());

  // Only the flags given change; the rest is kept.
  Result change = Ctl({"employer", "upsert", absl::StrCat("--employer_id=", e.employer_id()),
                       "--phone=13800001111", "--json"});
  ASSERT_EQ(change.exit_code, 0) << change.out << change.err;
  v1::Employer changed = ParseJson<v1::Employer>(change.out);
  EXPECT_EQ(changed.employer_id(), e.employer_id());
  EXPECT_EQ(changed.version(), e.version() + 1);
  EXPECT_EQ(changed.contact_phone(), "13800001111");
  EXPECT_EQ(changed.name(), e.name());
  EXPECT_EQ(changed.region(), "511702102");

  // --employer_id names the employer, --credit_code corrects its code.
  const std::string corrected = CreditCode("511702", "MA6CYQ0X7");
  Result correct = Ctl({"employer", "upsert", absl::StrCat("--employer_id=", e.employer_id()),
                        absl::StrCat("--credit_code=", corrected), "--json"});
  ASSERT_EQ(correct.exit_code, 0) << correct.out << correct.err;
  EXPECT_EQ(ParseJson<v1::Employer>(correct.out).credit_code(), corrected);
  Result by_new_code =
      Ctl({"employer", "get", absl::StrCat("--credit_code=", corrected), "--json"});
  ASSERT_EQ(by_new_code.exit_code, 0) << by_new_code.err;
  EXPECT_EQ(ParseJson<v1::Employer>(by_new_code.out).employer_id(), e.employer_id());

  Result by_id = Ctl({"employer", "get", absl::StrCat("--employer_id=", e.employer_id())});
  ASSERT_EQ(by_id.exit_code, 0) << by_id.out << by_id.err;
  EXPECT_THAT(by_id.out, HasSubstr("鑫华建筑劳务"));
  EXPECT_THAT(by_id.out, HasSubstr("13800001111"));

  // A wrong check character: exit 1, the field named on stderr.
  std::string bad = code;
  bad[17] = bad[17] == '0' ? '1' : '0';
  Result rejected = Ctl({"employer", "upsert", absl::StrCat("--credit_code=", bad),
                         "--name=达州市通川区某某有限公司", "--region=511702"});
  EXPECT_EQ(rejected.exit_code, 1) << rejected.out << rejected.err;
  EXPECT_THAT(rejected.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(rejected.err, HasSubstr("credit_code"));
  EXPECT_THAT(rejected.err, HasSubstr("GB 32100"));

  Result missing =
      Ctl({"employer", "get", absl::StrCat("--credit_code=", CreditCode("511702", "MA6CYQ0X2"))});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND"));
  EXPECT_EQ(Ctl({"employer", "get"}).exit_code, 2);  // no key: usage
}

TEST_F(LaborctlVacancyTest, VacancyPostGetListUpdateCloseFill) {
  const std::string employer_id =
      MustUpsertEmployer(CreditCode("511702", "MA6CYQ0X1"), "达州市通川区鑫华物流有限公司");
  v1::PostVacancyResponse forklift = MustPostForklift(employer_id);
  const v1::Vacancy& f = forklift.vacancy();
  EXPECT_TRUE(forklift.duplicate_of().empty());
  EXPECT_THAT(f.vacancy_id(), ::testing::StartsWith("v_"));
  EXPECT_EQ(f.employer_id(), employer_id);
  EXPECT_FALSE(f.occupation_code().empty()) << "title not mapped through the aliases";
  EXPECT_EQ(f.location(), "511702102");
  EXPECT_EQ(f.wage().unit(), v1::WAGE_UNIT_MONTHLY);
  EXPECT_EQ(f.wage().min().fen(), 500000);
  EXPECT_EQ(f.wage().max().fen(), 650000);
  EXPECT_EQ(f.headcount(), 3);
  EXPECT_EQ(f.remaining(), 3);
  EXPECT_TRUE(f.benefits().room());
  EXPECT_FALSE(f.benefits().board());
  EXPECT_TRUE(f.benefits().social_insurance());
  ASSERT_EQ(f.required_certificates_size(), 1);
  EXPECT_EQ(f.required_certificates(0).name(), "特种设备作业人员证(叉车司机N1)");
  EXPECT_EQ(f.status(), v1::VACANCY_STATUS_OPEN);
  // --expires is the end of that day in Shanghai.
  EXPECT_EQ(absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(f.expires_at().seconds()),
                             ShanghaiTime()),
            absl::StrCat(DayFromToday(120), " 23:59:59"));

  // By credit code: the service registers the employer on first sight.
  const std::string dg_code = CreditCode("441900", "MA4UDG0X1");
  Result dg =
      Ctl({"vacancy", "post", absl::StrCat("--credit_code=", dg_code),
           "--name=东莞市鑫达电子有限公司", "--title=电子厂普工", "--occupation=6-25-04-07",
           "--location=441900", "--wage=4800-6500", "--headcount=50", "--benefits=room,board",
           absl::StrCat("--expires=", DayFromToday(60)), "--request_id=dg-post-1", "--json"});
  ASSERT_EQ(dg.exit_code, 0) << dg.out << dg.err;
  const v1::Vacancy electronics = ParseJson<v1::PostVacancyResponse>(dg.out).vacancy();
  EXPECT_EQ(electronics.employer_credit_code(), dg_code);
  EXPECT_EQ(electronics.employer_name(), "东莞市鑫达电子有限公司");
  Result dg_employer = Ctl({"employer", "get", absl::StrCat("--credit_code=", dg_code), "--json"});
  ASSERT_EQ(dg_employer.exit_code, 0) << dg_employer.err;
  EXPECT_EQ(ParseJson<v1::Employer>(dg_employer.out).employer_id(), electronics.employer_id());
  // The same request_id again is a retry: the same vacancy comes back.
  Result retry =
      Ctl({"vacancy", "post", absl::StrCat("--credit_code=", dg_code),
           "--name=东莞市鑫达电子有限公司", "--title=电子厂普工", "--occupation=6-25-04-07",
           "--location=441900", "--wage=4800-6500", "--headcount=50", "--benefits=room,board",
           absl::StrCat("--expires=", DayFromToday(60)), "--request_id=dg-post-1", "--json"});
  ASSERT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_EQ(ParseJson<v1::PostVacancyResponse>(retry.out).vacancy().vacancy_id(),
            electronics.vacancy_id());
  // The same request_id for other content (no benefits) is refused, naming
  // the vacancy the key already stands for.
  Result reused = Ctl(
      {"vacancy", "post", absl::StrCat("--credit_code=", dg_code), "--name=东莞市鑫达电子有限公司",
       "--title=电子厂普工", "--occupation=6-25-04-07", "--location=441900", "--wage=4800-6500",
       "--headcount=50", absl::StrCat("--expires=", DayFromToday(60)), "--request_id=dg-post-1"});
  EXPECT_EQ(reused.exit_code, 1) << reused.out << reused.err;
  EXPECT_THAT(reused.err, HasSubstr(electronics.vacancy_id()));

  Result get = Ctl({"vacancy", "get", absl::StrCat("--vacancy_id=", f.vacancy_id())});
  ASSERT_EQ(get.exit_code, 0) << get.out << get.err;
  EXPECT_THAT(get.out, HasSubstr("叉车司机"));
  EXPECT_THAT(get.out, HasSubstr("5000-6500元/月"));
  EXPECT_THAT(get.out, HasSubstr("包住"));
  EXPECT_THAT(get.out, HasSubstr("社保"));
  EXPECT_THAT(get.out, HasSubstr("3 人，尚缺 3 人"));
  EXPECT_THAT(get.out, HasSubstr("招聘中"));
  EXPECT_THAT(get.out, HasSubstr("鑫华物流"));

  // Filters: occupation prefix, region prefix, monthly wage floor, status.
  auto ids = [](const v1::ListVacanciesResponse& list) {
    std::vector<std::string> out;
    for (const auto& v : list.vacancies()) out.push_back(v.vacancy_id());
    return out;
  };
  using ::testing::ElementsAre;
  using ::testing::IsEmpty;
  using ::testing::UnorderedElementsAre;
  EXPECT_THAT(ids(ListAll()), UnorderedElementsAre(f.vacancy_id(), electronics.vacancy_id()));
  EXPECT_THAT(ids(ListAll({"--region=5117"})), ElementsAre(f.vacancy_id()));
  EXPECT_THAT(ids(ListAll({"--region=罗江镇"})), ElementsAre(f.vacancy_id()));
  EXPECT_THAT(ids(ListAll({"--region=4419", "--status=open"})),
              ElementsAre(electronics.vacancy_id()));
  EXPECT_THAT(ids(ListAll({"--occupation=6-25"})), ElementsAre(electronics.vacancy_id()));
  EXPECT_THAT(ids(ListAll({absl::StrCat("--occupation=", f.occupation_code().substr(0, 4)),
                           "--region=5117", "--min_wage=4500", "--status=open"})),
              ElementsAre(f.vacancy_id()));
  EXPECT_THAT(ids(ListAll({"--min_wage=6000"})),
              UnorderedElementsAre(f.vacancy_id(), electronics.vacancy_id()));
  EXPECT_THAT(ids(ListAll({"--min_wage=7000"})), IsEmpty());
  EXPECT_THAT(ids(ListAll({absl::StrCat("--employer_id=", employer_id)})),
              ElementsAre(f.vacancy_id()));
  Result table = Ctl({"vacancy", "list", "--region=5117"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("叉车司机"));
  EXPECT_THAT(table.out, Not(HasSubstr("电子厂普工")));
  EXPECT_THAT(table.out, HasSubstr("共 1 个岗位"));

  // Update sends exactly the fields given.
  Result update = Ctl({"vacancy", "update", absl::StrCat("--vacancy_id=", f.vacancy_id()),
                       "--wage=300-350/天", "--headcount=8", "--json"});
  ASSERT_EQ(update.exit_code, 0) << update.out << update.err;
  v1::Vacancy updated = ParseJson<v1::Vacancy>(update.out);
  EXPECT_EQ(updated.version(), f.version() + 1);
  EXPECT_EQ(updated.wage().unit(), v1::WAGE_UNIT_DAILY);
  EXPECT_EQ(updated.wage().min().fen(), 30000);
  EXPECT_EQ(updated.wage().max().fen(), 35000);
  EXPECT_EQ(updated.headcount(), 8);
  EXPECT_EQ(updated.title(), "叉车司机");
  EXPECT_TRUE(updated.benefits().room());
  EXPECT_EQ(updated.required_certificates_size(), 1);
  EXPECT_EQ(updated.expires_at().seconds(), f.expires_at().seconds());
  // A stale --expected_version is refused.
  Result stale = Ctl({"vacancy", "update", absl::StrCat("--vacancy_id=", f.vacancy_id()),
                      absl::StrCat("--expected_version=", f.version()), "--headcount=9"});
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_THAT(stale.err, HasSubstr("ABORTED"));
  EXPECT_EQ(Ctl({"vacancy", "update", absl::StrCat("--vacancy_id=", f.vacancy_id())}).exit_code,
            2);  // nothing to update

  Result close = Ctl({"vacancy", "close", absl::StrCat("--vacancy_id=", f.vacancy_id()),
                      "--reason=项目停工", "--json"});
  ASSERT_EQ(close.exit_code, 0) << close.out << close.err;
  v1::Vacancy closed = ParseJson<v1::Vacancy>(close.out);
  EXPECT_EQ(closed.status(), v1::VACANCY_STATUS_CLOSED);
  EXPECT_EQ(closed.status_reason(), "项目停工");
  Result fill = Ctl({"vacancy", "fill", absl::StrCat("--vacancy_id=", electronics.vacancy_id()),
                     "--reason=已招满"});
  ASSERT_EQ(fill.exit_code, 0) << fill.out << fill.err;
  EXPECT_THAT(fill.out, HasSubstr("已招满"));
  Result get_closed = Ctl({"vacancy", "get", absl::StrCat("--vacancy_id=", f.vacancy_id())});
  EXPECT_THAT(get_closed.out, HasSubstr("已关闭 (项目停工)"));
  // A closed vacancy cannot be closed again.
  Result again = Ctl({"vacancy", "fill", absl::StrCat("--vacancy_id=", f.vacancy_id())});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("FAILED_PRECONDITION"));

  EXPECT_THAT(ids(ListAll({"--status=closed"})), ElementsAre(f.vacancy_id()));
  EXPECT_THAT(ids(ListAll({"--status=已招满"})), ElementsAre(electronics.vacancy_id()));
  EXPECT_THAT(ids(ListAll({"--status=open"})), IsEmpty());
  // The feed shows both changes, oldest first.
  Result feed = Ctl({"vacancy", "feed", absl::StrCat("--since=", DayFromToday(-1)), "--json"});
  ASSERT_EQ(feed.exit_code, 0) << feed.err;
  EXPECT_THAT(ids(ParseJson<v1::ListVacanciesResponse>(feed.out)),
              ElementsAre(f.vacancy_id(), electronics.vacancy_id()));

  // Paging: a page and its token, or --all following the tokens.
  Result page1 = Ctl({"vacancy", "list", "--page_size=1", "--json"});
  ASSERT_EQ(page1.exit_code, 0) << page1.err;
  v1::ListVacanciesResponse first_page = ParseJson<v1::ListVacanciesResponse>(page1.out);
  ASSERT_EQ(first_page.vacancies_size(), 1);
  ASSERT_FALSE(first_page.page().next_page_token().empty());
  Result page2 =
      Ctl({"vacancy", "list", "--page_size=1",
           absl::StrCat("--page_token=", first_page.page().next_page_token()), "--json"});
  ASSERT_EQ(page2.exit_code, 0) << page2.err;
  v1::ListVacanciesResponse second_page = ParseJson<v1::ListVacanciesResponse>(page2.out);
  ASSERT_EQ(second_page.vacancies_size(), 1);
  EXPECT_NE(second_page.vacancies(0).vacancy_id(), first_page.vacancies(0).vacancy_id());
  EXPECT_EQ(ListAll({"--page_size=1"}).vacancies_size(), 2);
  Result paged_table = Ctl({"vacancy", "list", "--page_size=1"});
  EXPECT_THAT(paged_table.out, HasSubstr("下一页: --page_token="));

  // Usage errors never reach the server; the service's rules name the field.
  Result gender =
      Ctl({"vacancy", "post", absl::StrCat("--employer_id=", employer_id), "--title=保洁员",
           "--location=511702", "--wage=面议", "--gender=female", "--headcount=2"});
  EXPECT_EQ(gender.exit_code, 1);
  EXPECT_THAT(gender.err, HasSubstr("vacancy.gender_requirement"));
  EXPECT_EQ(Ctl({"vacancy", "post", "--title=叉车司机"}).exit_code, 2);
  EXPECT_EQ(
      Ctl({"vacancy", "post", absl::StrCat("--employer_id=", employer_id), "--wage=abc"}).exit_code,
      2);
}

// The vacancy list filters the other tests leave out: fair, posting and
// expiry windows, and the same filters on the feed. Each narrows the list to
// exactly the vacancies it names.
TEST_F(LaborctlVacancyTest, VacancyListFairAndTimeFiltersFilter) {
  const std::string employer_id =
      MustUpsertEmployer(CreditCode("511702", "MA6CYQ0X1"), "达州市通川区鑫华物流有限公司");
  const std::string soon = MustPostForklift(employer_id).vacancy().vacancy_id();  // 120 days
  Result cook =
      Ctl({"vacancy", "post", absl::StrCat("--employer_id=", employer_id), "--title=中式烹调师",
           "--occupation=4-03-02-01", "--location=441900", "--wage=6000-8000", "--headcount=2",
           absl::StrCat("--expires=", DayFromToday(30)), "--json"});
  ASSERT_EQ(cook.exit_code, 0) << cook.out << cook.err;
  const std::string later = ParseJson<v1::PostVacancyResponse>(cook.out).vacancy().vacancy_id();
  Result create =
      Ctl({"fair", "create", "--name=春风行动招聘会", "--kind=spring_breeze",
           absl::StrCat("--start_date=", DayFromToday(5)), "--region=凤北街道",
           "--venue=通川区体育中心", "--organizer=通川区人力资源和社会保障局", "--json"});
  ASSERT_EQ(create.exit_code, 0) << create.out << create.err;
  const std::string fair_id = ParseJson<v1::JobFair>(create.out).fair_id();
  ASSERT_EQ(Ctl({"fair", "attach", absl::StrCat("--fair_id=", fair_id),
                 absl::StrCat("--vacancy_id=", later)})
                .exit_code,
            0);

  auto ids = [this](std::vector<std::string> filters) {
    std::vector<std::string> out;
    const v1::ListVacanciesResponse list = ListAll(std::move(filters));
    for (const auto& v : list.vacancies()) out.push_back(v.vacancy_id());
    return out;
  };
  using ::testing::ElementsAre;
  using ::testing::IsEmpty;
  using ::testing::UnorderedElementsAre;
  EXPECT_THAT(ids({}), UnorderedElementsAre(soon, later));
  EXPECT_THAT(ids({absl::StrCat("--fair_id=", fair_id)}), ElementsAre(later));
  EXPECT_THAT(ids({absl::StrCat("--expires_before=", DayFromToday(60))}), ElementsAre(later));
  EXPECT_THAT(ids({absl::StrCat("--expires_after=", DayFromToday(60))}), ElementsAre(soon));
  EXPECT_THAT(ids({absl::StrCat("--posted_after=", DayFromToday(-1))}),
              UnorderedElementsAre(soon, later));
  EXPECT_THAT(ids({absl::StrCat("--posted_after=", DayFromToday(1))}), IsEmpty());
  EXPECT_THAT(ids({absl::StrCat("--posted_before=", DayFromToday(1))}),
              UnorderedElementsAre(soon, later));
  EXPECT_THAT(ids({absl::StrCat("--posted_before=", DayFromToday(-1))}), IsEmpty());

  // The feed takes the same filters.
  Result feed = Ctl(
      {"vacancy", "feed", absl::StrCat("--since=", DayFromToday(-1)), "--region=4419", "--json"});
  ASSERT_EQ(feed.exit_code, 0) << feed.err;
  std::vector<std::string> fed;
  const auto feed_list = ParseJson<v1::ListVacanciesResponse>(feed.out);
  for (const auto& v : feed_list.vacancies()) {
    fed.push_back(v.vacancy_id());
  }
  EXPECT_THAT(fed, ElementsAre(later));
  // A flag vacancy list does not read is refused, naming it.
  Result unused = Ctl({"vacancy", "list", "--township=罗江镇"});
  EXPECT_EQ(unused.exit_code, 2);
  EXPECT_THAT(unused.err, HasSubstr("vacancy list does not take --township"));
}

TEST_F(LaborctlVacancyTest, BlacklistAddCheckListLiftWithHistory) {
  const std::string code = CreditCode("511702", "MA6CYQ0X1");
  const std::string employer_id = MustUpsertEmployer(code, "达州市通川区鑫华建筑劳务有限公司");
  const std::string vacancy_id = MustPostForklift(employer_id).vacancy().vacancy_id();
  const absl::CivilDay listed_day = absl::ToCivilDay(absl::Now(), ShanghaiTime()) - 30;
  const std::string listed_on = absl::FormatCivilTime(listed_day);

  Result add = Ctl({"blacklist", "add", absl::StrCat("--credit_code=", code),
                    "--reason=拖欠23名农民工工资共计41.5万元，经责令限期支付后逾期仍未支付",
                    "--source=达州市通川区人力资源和社会保障局 通人社欠薪失信决〔2026〕7号",
                    absl::StrCat("--listed_on=", listed_on)});
  ASSERT_EQ(add.exit_code, 0) << add.out << add.err;
  EXPECT_THAT(add.out, HasSubstr("已列入欠薪失信名单"));
  EXPECT_THAT(add.out, HasSubstr(listed_on));
  // Listed for three years.
  EXPECT_THAT(add.out, HasSubstr(absl::FormatCivilTime(absl::CivilDay(
                           listed_day.year() + 3, listed_day.month(), listed_day.day()))));
  Result twice = Ctl({"blacklist", "add", absl::StrCat("--employer_id=", employer_id),
                      "--reason=重复", "--source=测试"});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_THAT(twice.err, HasSubstr("FAILED_PRECONDITION"));

  Result check = Ctl({"blacklist", "check", absl::StrCat("--employer_id=", employer_id)});
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.out, HasSubstr("在列: 是"));
  EXPECT_THAT(check.out, HasSubstr("41.5万元"));
  Result check_json =
      Ctl(Role::kKiosk, {"blacklist", "check", absl::StrCat("--credit_code=", code), "--json"});
  ASSERT_EQ(check_json.exit_code, 0) << check_json.err;
  v1::IsBlacklistedResponse listed = ParseJson<v1::IsBlacklistedResponse>(check_json.out);
  EXPECT_TRUE(listed.listed());
  EXPECT_EQ(listed.entry().employer_id(), employer_id);

  // The listed employer's vacancies: hidden from a plain search, shown
  // (flagged) to an admin asking for them; no new postings.
  Result hidden = Ctl({"vacancy", "list", "--json"});
  ASSERT_EQ(hidden.exit_code, 0) << hidden.err;
  EXPECT_EQ(ParseJson<v1::ListVacanciesResponse>(hidden.out).vacancies_size(), 0);
  v1::ListVacanciesResponse shown = ListAll({"--include_blacklisted"});
  ASSERT_EQ(shown.vacancies_size(), 1);
  EXPECT_EQ(shown.vacancies(0).vacancy_id(), vacancy_id);
  EXPECT_TRUE(shown.vacancies(0).employer_blacklisted());
  const std::vector<std::string> rebar_job = {"vacancy",
                                              "post",
                                              absl::StrCat("--employer_id=", employer_id),
                                              "--title=钢筋工",
                                              "--location=罗江镇",
                                              "--wage=300/天",
                                              "--headcount=5",
                                              absl::StrCat("--expires=", DayFromToday(30))};
  Result refused = Ctl(rebar_job);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("FAILED_PRECONDITION"));

  Result list = Ctl({"blacklist", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("鑫华建筑劳务"));
  EXPECT_THAT(list.out, HasSubstr("在列"));
  EXPECT_THAT(list.out, HasSubstr("共 1 条"));

  Result lift = Ctl({"blacklist", "lift", absl::StrCat("--employer_id=", employer_id),
                     "--reason=已足额支付拖欠工资并完成信用修复",
                     absl::StrCat("--lifted_on=", absl::FormatCivilTime(listed_day + 20))});
  ASSERT_EQ(lift.exit_code, 0) << lift.out << lift.err;
  EXPECT_THAT(lift.out, HasSubstr("已提前移出"));
  EXPECT_THAT(Ctl({"blacklist", "check", absl::StrCat("--credit_code=", code)}).out,
              HasSubstr("在列: 否"));
  Result lift_again =
      Ctl({"blacklist", "lift", absl::StrCat("--employer_id=", employer_id), "--reason=再次"});
  EXPECT_EQ(lift_again.exit_code, 1);

  // Current listings only, then with history.
  Result current = Ctl({"blacklist", "list", "--json"});
  ASSERT_EQ(current.exit_code, 0) << current.err;
  EXPECT_EQ(ParseJson<v1::ListBlacklistResponse>(current.out).entries_size(), 0);
  Result history = Ctl({"blacklist", "list", "--history", "--all", "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  v1::ListBlacklistResponse entries = ParseJson<v1::ListBlacklistResponse>(history.out);
  ASSERT_EQ(entries.entries_size(), 1);
  const v1::BlacklistEntry& entry = entries.entries(0);
  EXPECT_EQ(entry.employer_id(), employer_id);
  EXPECT_EQ(entry.credit_code(), code);
  EXPECT_FALSE(entry.active());
  EXPECT_EQ(entry.lift_reason(), "已足额支付拖欠工资并完成信用修复");
  EXPECT_EQ(absl::StrFormat("%04d-%02d-%02d", entry.lifted_on().year(), entry.lifted_on().month(),
                            entry.lifted_on().day()),
            absl::FormatCivilTime(listed_day + 20));
  Result history_table = Ctl({"blacklist", "list", "--history"});
  EXPECT_THAT(history_table.out, HasSubstr("已提前移出"));

  // Lifted: the vacancy is visible again and the employer may post.
  EXPECT_EQ(
      ParseJson<v1::ListVacanciesResponse>(Ctl({"vacancy", "list", "--json"}).out).vacancies_size(),
      1);
  Result posted = Ctl(rebar_job);
  EXPECT_EQ(posted.exit_code, 0) << posted.out << posted.err;
}

TEST_F(LaborctlVacancyTest, FairCreateAttachCheckInStatsList) {
  const std::string employer_id =
      MustUpsertEmployer(CreditCode("511702", "MA6CYQ0X1"), "达州市通川区鑫华物流有限公司");
  const std::string other_employer =
      MustUpsertEmployer(CreditCode("511702", "MA6CYQ0X3"), "达州市通川区巴山食品有限公司");
  const std::string vacancy_id = MustPostForklift(employer_id).vacancy().vacancy_id();

  // Yesterday to tomorrow, so a check-in now falls within it.
  Result create = Ctl({"fair", "create", "--name=春风行动大型招聘会", "--kind=spring_breeze",
                       absl::StrCat("--start_date=", DayFromToday(-1)), absl::StrCat("--end_date=", DayFromToday(1)),
                       "--region=凤北街道", "--venue=通川区体育中心",
                       "--organizer=通川区人力资源和社会保障局", "--json"});
  ASSERT_EQ(create.exit_code, 0) << create.out << create.err;
  const v1::JobFair fair = ParseJson<v1::JobFair>(create.out);
  EXPECT_THAT(fair.fair_id(), ::testing::StartsWith("f_"));
  EXPECT_EQ(fair.kind(), v1::FAIR_KIND_SPRING_BREEZE);
  EXPECT_EQ(fair.venue_region(), "511702005");
  const std::string fair_flag = absl::StrCat("--fair_id=", fair.fair_id());

  Result attach = Ctl({"fair", "attach", fair_flag, absl::StrCat("--employer_ids=", other_employer),
                       absl::StrCat("--vacancy_ids=", vacancy_id)});
  ASSERT_EQ(attach.exit_code, 0) << attach.out << attach.err;
  EXPECT_THAT(attach.out, HasSubstr("已加入招聘会"));
  EXPECT_THAT(attach.out, HasSubstr("2 家"));
  EXPECT_THAT(attach.out, HasSubstr(vacancy_id));
  Result unknown = Ctl({"fair", "attach", fair_flag, "--vacancy_ids=v_00000000000000000000"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("NOT_FOUND"));
  // The vacancy now names the fair.
  Result vacancy = Ctl({"vacancy", "get", absl::StrCat("--vacancy_id=", vacancy_id), "--json"});
  EXPECT_THAT(ParseJson<v1::Vacancy>(vacancy.out).fair_ids(),
              ::testing::ElementsAre(fair.fair_id()));
  EXPECT_EQ(ListAll({fair_flag}).vacancies_size(), 1);

  // Collected at the fair: a piece-rate job, attached by the posting itself.
  Result at_fair = Ctl({"vacancy", "post", absl::StrCat("--employer_id=", other_employer),
                        "--title=纺织工", "--location=330603", "--wage=1.5-4/piece@6000-9000",
                        "--headcount=20", fair_flag, absl::StrCat("--expires=", DayFromToday(30))});
  ASSERT_EQ(at_fair.exit_code, 0) << at_fair.out << at_fair.err;
  EXPECT_THAT(at_fair.out, HasSubstr("1.5-4元/件(约6000-9000元/月)"));
  EXPECT_THAT(at_fair.out, HasSubstr(absl::StrCat("招聘会 ", fair.fair_id())));
  EXPECT_EQ(ListAll({fair_flag}).vacancies_size(), 2);

  // Check-ins at the kiosk: once per worker.
  const std::string w1 = "--worker_id=w_0123456789abcdef0123";
  const std::string w2 = "--worker_id=w_abcdef0123456789abcd";
  Result first = Ctl(Role::kKiosk, {"fair", "checkin", fair_flag, w1});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("签到成功 (首次)"));
  EXPECT_THAT(first.out, HasSubstr("累计签到 1 人"));
  Result repeat = Ctl(Role::kKiosk, {"fair", "checkin", fair_flag, w1});
  ASSERT_EQ(repeat.exit_code, 0) << repeat.err;
  EXPECT_THAT(repeat.out, HasSubstr("此前已签到"));
  Result second = Ctl(Role::kKiosk, {"fair", "checkin", fair_flag, w2,
                                     absl::StrCat("--at=", DayFromToday(-1), " 09:30"), "--json"});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  v1::CheckInResponse checked = ParseJson<v1::CheckInResponse>(second.out);
  EXPECT_TRUE(checked.first_check_in());
  EXPECT_EQ(checked.check_ins(), 2);
  // Before the fair began: refused.
  Result early = Ctl({"fair", "checkin", fair_flag, "--worker_id=w_fedcba9876543210fedc",
                      absl::StrCat("--at=", DayFromToday(-2), " 09:30")});
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_THAT(early.err, HasSubstr("FAILED_PRECONDITION"));
  Result bad_worker = Ctl({"fair", "checkin", fair_flag, "--worker_id=王小红"});
  EXPECT_EQ(bad_worker.exit_code, 1);
  EXPECT_THAT(bad_worker.err, HasSubstr("worker_id"));

  Result stats = Ctl(Role::kKiosk, {"fair", "stats", fair_flag, "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  v1::FairStats s = ParseJson<v1::FairStats>(stats.out);
  EXPECT_EQ(s.employers(), 2);
  EXPECT_EQ(s.vacancies(), 2);
  EXPECT_EQ(s.headcount_offered(), 23);
  EXPECT_EQ(s.check_ins(), 2);
  Result stats_table = Ctl({"fair", "stats", fair_flag});
  EXPECT_THAT(stats_table.out, HasSubstr("签到"));
  EXPECT_THAT(stats_table.out, HasSubstr("2 人"));

  Result get = Ctl({"fair", "get", fair_flag});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_THAT(get.out, HasSubstr("春风行动"));
  EXPECT_THAT(get.out, HasSubstr("凤北街道 (511702005) 通川区体育中心"));

  const int year = absl::ToCivilDay(absl::Now(), ShanghaiTime()).year();
  Result list = Ctl({"fair", "list", absl::StrCat("--year=", DayFromToday(-1).substr(0, 4))});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("春风行动大型招聘会"));
  EXPECT_THAT(list.out, HasSubstr("共 1 场"));
  Result other_year =
      Ctl(Role::kKiosk, {"fair", "list", absl::StrCat("--year=", year - 5), "--json"});
  ASSERT_EQ(other_year.exit_code, 0) << other_year.err;
  EXPECT_EQ(ParseJson<v1::ListFairsResponse>(other_year.out).fairs_size(), 0);

  // Kiosks may not create fairs.
  Result denied = Ctl(Role::kKiosk, {"fair", "create", "--name=x", "--kind=other",
                                     absl::StrCat("--start_date=", DayFromToday(1)), "--region=511702"});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_THAT(denied.err, HasSubstr("PERMISSION_DENIED"));
}

// One ImportItem line: an outside electronics job of its own employer.
std::string ImportLine(const std::string& external_id, const std::string& credit_code,
                       const std::string& name, int headcount, const std::string& expires) {
  return absl::StrCat(
      R"({"external_id":")", external_id, R"(","vacancy":{"employer_credit_code":")", credit_code,
      R"(","employer_name":")", name,
      R"(","title":"电子厂普工","occupation_code":"6-25-04-07","location":"441900",)",
      R"("wage":{"min":{"fen":"480000"},"max":{"fen":"650000"},"unit":"WAGE_UNIT_MONTHLY"},)",
      R"("headcount":)", headcount, R"(,"expires_at":")", expires, R"("}})");
}

TEST_F(LaborctlVacancyTest, ImportMixedFileThenReplay) {
  const std::string expires =
      absl::FormatTime(absl::RFC3339_sec, absl::Now() + absl::Hours(24 * 60), absl::UTCTimeZone());
  std::string bad_code = CreditCode("441900", "MA4UDG0X2");
  bad_code[17] = bad_code[17] == '0' ? '1' : '0';
  const std::vector<std::string> good = {
      ImportLine("GD-2026-00001", CreditCode("441900", "MA4UDG0X1"), "东莞市鑫达电子有限公司", 50,
                 expires),
      ImportLine("GD-2026-00002", CreditCode("441900", "MA4UDG0X3"), "东莞市长安精密电子有限公司",
                 30, expires),
      ImportLine("GD-2026-00003", CreditCode("440300", "MA5FWY0X1"), "深圳市宝安电子有限公司", 80,
                 expires),
  };
  const std::string bad_credit =
      ImportLine("GD-2026-00004", bad_code, "东莞市坏码电子有限公司", 20, expires);
  const std::string bad_headcount = ImportLine("GD-2026-00005", CreditCode("441900", "MA4UDG0X4"),
                                               "东莞市零人电子有限公司", 0, expires);
  const std::string mixed = dir_.Sub("mixed.jsonl");
  ASSERT_TRUE(labor::testing::WriteFile(
                  mixed, absl::StrCat("# partner export\n", good[0], "\n", bad_credit, "\n",
                                      good[1], "\n\n", bad_headcount, "\n", good[2], "\n"))
                  .ok());

  Result first = Ctl(Role::kPartner, {"import", absl::StrCat("--file=", mixed)});
  EXPECT_EQ(first.exit_code, 1) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("共 5 条: 新增 3，更新 0，重复 0，无变化 0，拒收 2"));
  EXPECT_THAT(first.out, HasSubstr("GD-2026-00004"));
  EXPECT_THAT(first.out, HasSubstr("credit_code"));
  EXPECT_THAT(first.out, HasSubstr("headcount"));

  // The three are stored, from the partner.
  v1::ListVacanciesResponse all = ListAll();
  ASSERT_EQ(all.vacancies_size(), 3);
  for (const auto& v : all.vacancies()) {
    ASSERT_EQ(v.sources_size(), 1);
    EXPECT_EQ(v.sources(0).kind(), v1::SOURCE_KIND_PARTNER);
    EXPECT_EQ(v.sources(0).partner(), "partner-tenant");
  }

  // A replay: the good items unchanged, the bad ones rejected again.
  Result replay =
      Ctl(Role::kPartner, {"vacancy", "import", absl::StrCat("--file=", mixed), "--json"});
  EXPECT_EQ(replay.exit_code, 1) << replay.out << replay.err;
  std::vector<std::string> lines = absl::StrSplit(replay.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 6u) << replay.out;
  const std::vector<v1::ImportResult::Outcome> want = {
      v1::ImportResult::OUTCOME_UNCHANGED, v1::ImportResult::OUTCOME_REJECTED,
      v1::ImportResult::OUTCOME_UNCHANGED, v1::ImportResult::OUTCOME_REJECTED,
      v1::ImportResult::OUTCOME_UNCHANGED};
  for (size_t i = 0; i < want.size(); ++i) {
    v1::ImportResult r = ParseJson<v1::ImportResult>(lines[i]);
    EXPECT_EQ(r.outcome(), want[i]) << lines[i];
    EXPECT_EQ(r.external_id(),
              absl::StrCat("GD-2026-0000", std::string(1, "14253"[i])));  // file order
  }
  EXPECT_EQ(lines[5], R"({"summary":{"items":5,"results":5,"created":0,"updated":0,"duplicate":0,)"
                      R"("unchanged":3,"rejected":2}})");

  // Only the good lines: exit 0, all unchanged; nothing was duplicated.
  const std::string clean = dir_.Sub("clean.jsonl");
  ASSERT_TRUE(labor::testing::WriteFile(clean, absl::StrJoin(good, "\n") + "\n").ok());
  Result again = Ctl(Role::kPartner, {"import", absl::StrCat("--file=", clean)});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out, HasSubstr("共 3 条: 新增 0，更新 0，重复 0，无变化 3，拒收 0"));
  EXPECT_EQ(ListAll().vacancies_size(), 3);

  // From stdin.
  Result from_stdin =
      Exec("/bin/sh",
           {"-c", absl::StrCat("cat ", clean, " | ", labor::testing::BuiltBinary("tools/laborctl"),
                               " --vacancy_target=", Target(), " --token=",
                               harness_->token(Role::kPartner), " --deadline=5s import --file=-")});
  EXPECT_EQ(from_stdin.exit_code, 0) << from_stdin.out << from_stdin.err;
  EXPECT_THAT(from_stdin.out, HasSubstr("无变化 3，拒收 0"));

  // A malformed line: nothing is sent, usage exit.
  const std::string broken = dir_.Sub("broken.jsonl");
  ASSERT_TRUE(
      labor::testing::WriteFile(
          broken, absl::StrCat(ImportLine("GD-2026-00009", CreditCode("441900", "MA4UDG0X9"),
                                          "东莞市新电子有限公司", 10, expires),
                               "\n{\"external_id\": \"GD-2026-00010\", \"vacancy\": {\n"))
          .ok());
  Result refused = Ctl(Role::kPartner, {"import", absl::StrCat("--file=", broken)});
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("broken.jsonl:2"));
  EXPECT_EQ(ListAll().vacancies_size(), 3);

  // An admin token may not import.
  Result denied = Ctl(Role::kAdmin, {"import", absl::StrCat("--file=", clean)});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_THAT(denied.err, HasSubstr("PERMISSION_DENIED"));
}

TEST_F(LaborctlVacancyTest, DemoImportDumpImportsCleanly) {
  Result dump = Exec("tools/labor-demo", {"--dump_import_json", "--vacancies=30"});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  std::vector<std::string> lines = absl::StrSplit(dump.out, '\n', absl::SkipEmpty());
  ASSERT_GT(lines.size(), 3u);
  const std::string file = dir_.Sub("partner.jsonl");
  ASSERT_TRUE(labor::testing::WriteFile(file, dump.out).ok());

  Result first = Ctl(Role::kPartner, {"import", absl::StrCat("--file=", file), "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr(absl::StrCat("\"items\":", lines.size(), ",\"results\":",
                                                lines.size(), ",\"created\":", lines.size())));
  Result replay = Ctl(Role::kPartner, {"import", absl::StrCat("--file=", file)});
  ASSERT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_THAT(replay.out,
              HasSubstr(absl::StrCat("共 ", lines.size(), " 条: 新增 0，更新 0，重复 0，无变化 ",
                                     lines.size(), "，拒收 0")));
  EXPECT_EQ(ListAll().vacancies_size(), static_cast<int>(lines.size()));
}

TEST_F(LaborctlVacancyTest, LaborDemoLoadsVacanciesIdempotently) {
  auto run_demo = [&] {
    return Exec("tools/labor-demo",
                {"--workers=0", "--vacancies=40", "--seed=7", "--concurrency=4",
                 absl::StrCat("--vacancy_target=", Target()),
                 absl::StrCat("--token=", harness_->token(Role::kAdmin)),
                 absl::StrCat("--data_dir=", labor::testing::SourcePath("data"))});
  };
  struct Counts {
    int vacancies = 0, open = 0, employers_at_fairs = 0, fairs = 0, listings = 0, active = 0;
  };
  auto counts = [&] {
    Counts c;
    v1::ListVacanciesResponse all = ListAll({"--include_blacklisted"});
    c.vacancies = all.vacancies_size();
    for (const auto& v : all.vacancies()) c.open += v.status() == v1::VACANCY_STATUS_OPEN;
    Result fairs = Ctl({"fair", "list", "--all", "--json"});
    EXPECT_EQ(fairs.exit_code, 0) << fairs.err;
    const auto fair_list = ParseJson<v1::ListFairsResponse>(fairs.out);
    for (const auto& f : fair_list.fairs()) {
      ++c.fairs;
      c.employers_at_fairs += f.employer_ids_size();
    }
    Result listings = Ctl({"blacklist", "list", "--history", "--all", "--json"});
    EXPECT_EQ(listings.exit_code, 0) << listings.err;
    const auto entries = ParseJson<v1::ListBlacklistResponse>(listings.out);
    for (const auto& e : entries.entries()) {
      ++c.listings;
      c.active += e.active();
    }
    return c;
  };

  Result first = run_demo();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("vacancies:  40 new, 0 already there"));
  EXPECT_THAT(first.out, HasSubstr("failed:     0"));
  const Counts after_first = counts();
  EXPECT_EQ(after_first.vacancies, 40);
  EXPECT_EQ(after_first.open, 40);
  EXPECT_GT(after_first.fairs, 5);
  EXPECT_GT(after_first.employers_at_fairs, 0);
  EXPECT_EQ(after_first.listings, 5);
  EXPECT_EQ(after_first.active, 4);  // one lifted early

  Result second = run_demo();
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_THAT(second.out, HasSubstr("vacancies:  0 new"));
  EXPECT_THAT(second.out, HasSubstr("employers:  0 new"));
  EXPECT_THAT(second.out, HasSubstr("fairs:      0 new"));
  EXPECT_THAT(second.out, HasSubstr("failed:     0"));
  const Counts after_second = counts();
  EXPECT_EQ(after_second.vacancies, after_first.vacancies);
  EXPECT_EQ(after_second.open, after_first.open);
  EXPECT_EQ(after_second.fairs, after_first.fairs);
  EXPECT_EQ(after_second.employers_at_fairs, after_first.employers_at_fairs);
  EXPECT_EQ(after_second.listings, after_first.listings);
  EXPECT_EQ(after_second.active, after_first.active);
}

}  // namespace
}  // namespace labor::tools
