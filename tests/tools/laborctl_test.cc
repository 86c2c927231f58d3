// laborctl end to end: the real CLI binary against the real profile_server,
// RocksDB and redis-server.
#include <sys/wait.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/profile/server_harness.h"
#include "tests/testing/redis_server.h"

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

  Result Run(Role role, const std::vector<std::string>& args) {
    std::string cmd = absl::StrCat(
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
