// laborctl end to end: the real CLI binary against the real profile_server,
// RocksDB and redis-server.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/profile/server_harness.h"
#include "tests/testing/ids.h"
#include "tests/testing/redis_server.h"
#include "tests/tools/cli_testing.h"

namespace labor::tools {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Result {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

class LaborctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    harness_ = std::make_unique<profile::testing::ProfileServerHarness>(&dir_, redis_.port());
    absl::Status s = harness_->Start();
    ASSERT_TRUE(s.ok()) << s;
  }

  // `env`: "NAME=value …" set for the command.
  Result Run(Role role, const std::vector<std::string>& args, const std::string& env = "") {
    std::string cmd = absl::StrCat(
        env.empty() ? "" : absl::StrCat("env ", env, " "),
        labor::testing::BuiltBinary("tools/laborctl"), " --target=127.0.0.1:", harness_->port(),
        " --token=", harness_->token(role), " --data_dir=", labor::testing::SourcePath("data"));
    for (const auto& a : args) absl::StrAppend(&cmd, " '", a, "'");
    absl::StrAppend(&cmd, " 2>&1");
    Result result;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (pipe == nullptr) return result;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) result.output.append(buf, n);
    int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
  }

  labor::testing::TempDir dir_;
  labor::testing::RedisServer redis_;
  std::unique_ptr<profile::testing::ProfileServerHarness> harness_;
};

constexpr char kId[] = "511702198808082466";

TEST_F(LaborctlTest, RegisterGetListReportAsStaff) {
  Result reg =
      Run(Role::kAdmin,
          {"worker", "register", "--name=王小红", absl::StrCat("--id_number=", kId),
           "--phone=13912345678", "--township=罗江镇", "--household=TC102-1",
           "--skill=4-10-01-06:四级:6", "--brand=bashan_meizi", "--consent_wechat", "--json"});
  ASSERT_EQ(reg.exit_code, 0) << reg.output;
  EXPECT_THAT(reg.output, HasSubstr("\"worker_id\":\"w_"));

  Result get = Run(Role::kAdmin, {"worker", "get", absl::StrCat("--id_number=", kId)});
  ASSERT_EQ(get.exit_code, 0) << get.output;
  EXPECT_THAT(get.output, HasSubstr("王小红"));
  EXPECT_THAT(get.output, HasSubstr("罗江镇"));
  EXPECT_THAT(get.output, HasSubstr("家政服务员"));
  EXPECT_THAT(get.output, Not(HasSubstr(kId)));  // masked unless revealed

  Result list = Run(Role::kAdmin, {"worker", "list", "--township=511702102"});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_THAT(list.output, HasSubstr("王小红"));

  Result employment = Run(Role::kAdmin, {"worker", "employment", absl::StrCat("--id_number=", kId),
                                         "--status=employed_outside", "--destination=441900",
                                         "--effective=2026-03-01"});
  ASSERT_EQ(employment.exit_code, 0) << employment.output;

  Result report = Run(Role::kAdmin, {"report", "transfer", "--json"});
  ASSERT_EQ(report.exit_code, 0) << report.output;
  EXPECT_THAT(report.output, HasSubstr("\"destination_province\":\"44\""));
}

// Each filter `laborctl help` documents for `worker list` narrows the list
// to exactly the workers it names (the brand and intent filters were once
// accepted and ignored).
TEST_F(LaborctlTest, WorkerListEveryFilterFilters) {
  using labor::testing::DayFromToday;
  const std::string a_id = labor::testing::ResidentIdFor(1);
  const std::string b_id = labor::testing::ResidentIdFor(2);
  const std::string c_id = labor::testing::ResidentIdFor(3);
  // A: 罗江镇, unemployed housekeeper of 巴山妹子 coming home for a local job,
  // available in 10 days. B: 蒲家镇, a 巴山建工 builder working in Dongguan
  // who goes out again, available in 40 days. C: 罗江镇, no brand, no plan,
  // verified this quarter.
  Result a =
      Run(Role::kAdmin, {"worker", "register", "--name=王小红", absl::StrCat("--id_number=", a_id),
                         "--phone=13912340001", "--township=罗江镇", "--household=TC102-A",
                         "--skill=4-10-01-06:四级:6", "--brand=bashan_meizi", "--intent=local_job",
                         absl::StrCat("--return_date=", DayFromToday(30)),
                         absl::StrCat("--available_from=", DayFromToday(10)), "--status=unemployed",
                         absl::StrCat("--effective=", DayFromToday(-30)), "--json"});
  ASSERT_EQ(a.exit_code, 0) << a.output;
  Result b =
      Run(Role::kAdmin,
          {"worker", "register", "--name=李大山", absl::StrCat("--id_number=", b_id),
           "--phone=13912340002", "--township=蒲家镇", "--household=TC103-B",
           "--skill=6-29-01-01:四级:8", "--brand=bashan_jiangong", "--intent=go_out_again",
           absl::StrCat("--return_date=", DayFromToday(30)),
           absl::StrCat("--available_from=", DayFromToday(40)), "--status=employed_outside",
           "--destination=441900", absl::StrCat("--effective=", DayFromToday(-30)), "--json"});
  ASSERT_EQ(b.exit_code, 0) << b.output;
  Result c = Run(Role::kAdmin,
                 {"worker", "register", "--name=张三", absl::StrCat("--id_number=", c_id),
                  "--phone=13912340003", "--township=511702102", "--household=TC102-C", "--json"});
  ASSERT_EQ(c.exit_code, 0) << c.output;
  const std::string wa =
      labor::testing::ParseJson<v1::RegisterWorkerResponse>(a.output).worker().worker_id();
  const std::string wb =
      labor::testing::ParseJson<v1::RegisterWorkerResponse>(b.output).worker().worker_id();
  const std::string wc =
      labor::testing::ParseJson<v1::RegisterWorkerResponse>(c.output).worker().worker_id();
  ASSERT_EQ(Run(Role::kAdmin, {"worker", "verify", absl::StrCat("--worker_id=", wc)}).exit_code, 0);

  auto list = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"worker", "list", "--json"});
    Result r = Run(Role::kAdmin, args);
    EXPECT_EQ(r.exit_code, 0) << absl::StrJoin(args, " ") << "\n" << r.output;
    std::vector<std::string> ids;
    const auto listed = labor::testing::ParseJson<v1::ListWorkersResponse>(r.output);
    for (const v1::Worker& w : listed.workers()) {
      ids.push_back(w.worker_id());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  auto sorted = [](std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  EXPECT_EQ(list({}), sorted({wa, wb, wc}));
  EXPECT_EQ(list({"--township=罗江镇"}), sorted({wa, wc}));
  EXPECT_EQ(list({"--status=unemployed"}), sorted({wa}));
  EXPECT_EQ(list({"--occupation=6-29"}), sorted({wb}));
  EXPECT_EQ(list({absl::StrCat("--available_from=", DayFromToday(0)),
                  absl::StrCat("--available_to=", DayFromToday(20))}),
            sorted({wa}));
  EXPECT_EQ(list({absl::StrCat("--available_from=", DayFromToday(20))}), sorted({wb}));
  EXPECT_EQ(list({"--overdue"}), sorted({wa, wb}));
  EXPECT_EQ(list({"--household=TC103-B"}), sorted({wb}));
  EXPECT_EQ(list({"--brand=bashan_meizi"}), sorted({wa}));
  EXPECT_EQ(list({"--brand=巴山建工"}), sorted({wb}));
  EXPECT_EQ(list({"--brand=none"}), sorted({wc}));
  EXPECT_EQ(list({"--intent=local_job"}), sorted({wa}));
  EXPECT_EQ(list({"--intent=go_out_again"}), sorted({wb}));
  EXPECT_EQ(list({"--brand=bashan_meizi", "--intent=go_out_again"}), sorted({}));
  // A command's flags come from its command line only, never from a
  // LABOR_<FLAG> left in the environment.
  Result env = Run(Role::kAdmin, {"worker", "list", "--json"}, "LABOR_BRAND=bashan_meizi");
  ASSERT_EQ(env.exit_code, 0) << env.output;
  EXPECT_EQ(labor::testing::ParseJson<v1::ListWorkersResponse>(env.output).workers_size(), 3);

  // Paging: one a page, the token continues, --all follows to the end.
  Result first = Run(Role::kAdmin, {"worker", "list", "--page_size=1", "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  auto page = labor::testing::ParseJson<v1::ListWorkersResponse>(first.output);
  ASSERT_EQ(page.workers_size(), 1);
  ASSERT_FALSE(page.page().next_page_token().empty());
  std::vector<std::string> second =
      list({"--page_size=1", absl::StrCat("--page_token=", page.page().next_page_token())});
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second[0], page.workers(0).worker_id());
  EXPECT_EQ(list({"--page_size=1", "--all"}), sorted({wa, wb, wc}));

  // A bad value is named and nothing is sent.
  Result bad = Run(Role::kAdmin, {"worker", "list", "--brand=bashan_laoban"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.output, HasSubstr("--brand: unknown labor brand"));
  Result bad_intent = Run(Role::kAdmin, {"worker", "list", "--intent=stay"});
  EXPECT_EQ(bad_intent.exit_code, 2);
  EXPECT_THAT(bad_intent.output, HasSubstr("--intent: unknown return intent"));
  // A flag worker list does not read is refused, naming it.
  Result unused = Run(Role::kAdmin, {"worker", "list", "--skill=6-29-01-01:四级:8"});
  EXPECT_EQ(unused.exit_code, 2);
  EXPECT_THAT(unused.output, HasSubstr("worker list does not take --skill"));
}

// Register's employment flags describe the --status record; without it they
// would be dropped, so they are refused.
TEST_F(LaborctlTest, RegisterRefusesEmploymentFlagsWithoutStatus) {
  Result r =
      Run(Role::kAdmin, {"worker", "register", "--name=王小红", absl::StrCat("--id_number=", kId),
                         "--phone=13912345678", "--township=罗江镇", "--household=TC102-1",
                         "--destination=441900"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("--destination belongs to the initial employment"));
  EXPECT_EQ(Run(Role::kAdmin, {"worker", "get", absl::StrCat("--id_number=", kId)}).exit_code, 1);
}

TEST_F(LaborctlTest, ErrorsNameTheFieldAndExitOne) {
  Result bad =
      Run(Role::kAdmin, {"worker", "register", "--name=王小红", "--id_number=36042619910102009X",
                         "--phone=13912345678", "--township=罗江镇", "--household=TC102-1"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.output, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(bad.output, HasSubstr("worker.id_number"));
  Result usage = Run(Role::kAdmin, {"worker", "frobnicate"});
  EXPECT_EQ(usage.exit_code, 2);
}

TEST_F(LaborctlTest, KioskSeesMaskedPiiAndCannotReadReports) {
  ASSERT_EQ(
      Run(Role::kAdmin, {"worker", "register", "--name=王小红", absl::StrCat("--id_number=", kId),
                         "--phone=13912345678", "--township=罗江镇", "--household=TC102-1"})
          .exit_code,
      0);
  Result get = Run(Role::kKiosk, {"worker", "get", absl::StrCat("--id_number=", kId)});
  ASSERT_EQ(get.exit_code, 0) << get.output;
  EXPECT_THAT(get.output, HasSubstr("王**"));
  EXPECT_THAT(get.output, HasSubstr("139****5678"));
  EXPECT_THAT(get.output, Not(HasSubstr("13912345678")));
  Result report = Run(Role::kKiosk, {"report", "transfer"});
  EXPECT_EQ(report.exit_code, 1);
  EXPECT_THAT(report.output, HasSubstr("PERMISSION_DENIED"));
}

TEST_F(LaborctlTest, PhoneRevealAndVersionHistoryNeedAPurposeAndAreAudited) {
  Result reg =
      Run(Role::kAdmin, {"worker", "register", "--name=王小红", absl::StrCat("--id_number=", kId),
                         "--phone=13912345678", "--township=罗江镇", "--household=TC102-1"});
  ASSERT_EQ(reg.exit_code, 0) << reg.output;
  EXPECT_THAT(reg.output, Not(HasSubstr("13912345678")));  // masked for staff too
  Result upsert =
      Run(Role::kKiosk, {"worker", "register", "--name=王小兰", absl::StrCat("--id_number=", kId),
                         "--phone=13800009999", "--township=罗江镇", "--household=TC102-9",
                         "--upsert"});
  ASSERT_EQ(upsert.exit_code, 0) << upsert.output;

  Result no_purpose =
      Run(Role::kAdmin, {"worker", "get", absl::StrCat("--id_number=", kId), "--reveal_phone"});
  EXPECT_EQ(no_purpose.exit_code, 2) << no_purpose.output;
  Result get = Run(Role::kAdmin, {"worker", "get", absl::StrCat("--id_number=", kId),
                                  "--reveal_phone", "--purpose=电话回访"});
  ASSERT_EQ(get.exit_code, 0) << get.output;
  EXPECT_THAT(get.output, HasSubstr("13800009999"));

  EXPECT_EQ(Run(Role::kAdmin, {"worker", "history", absl::StrCat("--id_number=", kId)}).exit_code,
            2);
  Result history = Run(Role::kAdmin, {"worker", "history", absl::StrCat("--id_number=", kId),
                                      "--purpose=核对被覆盖的登记", "--reveal_phone"});
  ASSERT_EQ(history.exit_code, 0) << history.output;
  EXPECT_THAT(history.output, HasSubstr("王小兰"));
  EXPECT_THAT(history.output, HasSubstr("王小红"));
  EXPECT_THAT(history.output, HasSubstr("13912345678"));
  EXPECT_THAT(history.output, HasSubstr("TC102-1"));
  EXPECT_THAT(history.output, HasSubstr("共 2 个版本"));
  Result kiosk_history = Run(Role::kKiosk, {"worker", "history", absl::StrCat("--id_number=", kId),
                                            "--purpose=看看"});
  EXPECT_EQ(kiosk_history.exit_code, 1);
  EXPECT_THAT(kiosk_history.output, HasSubstr("PERMISSION_DENIED"));

  Result audit = Run(Role::kAdmin, {"audit", "list", "--json"});
  ASSERT_EQ(audit.exit_code, 0) << audit.output;
  for (const char* action : {"\"register\"", "\"upsert\"", "\"reveal_phone\"",
                             "\"read_versions\""}) {
    EXPECT_THAT(audit.output, HasSubstr(action));
  }
  EXPECT_THAT(audit.output, HasSubstr("\"household_id\""));
  EXPECT_THAT(audit.output, Not(HasSubstr("13800009999")));
}

}  // namespace
}  // namespace labor::tools
