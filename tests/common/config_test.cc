#include "common/config.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace labor {
namespace {

using ::testing::HasSubstr;

// Sets an environment variable for one test and removes it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::string& value) : name_(std::move(name)) {
    setenv(name_.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() { unsetenv(name_.c_str()); }

 private:
  std::string name_;
};

class ConfigTest : public ::testing::Test {
 protected:
  absl::FlagSaver saver_;  // every test leaves the flags as it found them
};

TEST_F(ConfigTest, EnvNameIsUppercasePrefixed) {
  EXPECT_EQ(EnvNameForFlag("redis_port"), "LABOR_REDIS_PORT");
  EXPECT_EQ(EnvNameForFlag("listen"), "LABOR_LISTEN");
}

TEST_F(ConfigTest, DefaultsAreLoopback) {
  EXPECT_EQ(absl::GetFlag(FLAGS_listen), "127.0.0.1:50051");
  EXPECT_EQ(absl::GetFlag(FLAGS_metrics_listen).rfind("127.0.0.1:", 0), 0u);
  EXPECT_EQ(absl::GetFlag(FLAGS_redis_host), "127.0.0.1");
  EXPECT_EQ(absl::GetFlag(FLAGS_redis_port), 6379);
  EXPECT_TRUE(absl::GetFlag(FLAGS_sync_writes));
  EXPECT_EQ(absl::GetFlag(FLAGS_max_message_bytes), 4 << 20);
  EXPECT_EQ(absl::GetFlag(FLAGS_shutdown_grace), absl::Seconds(10));
  EXPECT_EQ(absl::GetFlag(FLAGS_tls_cert_file), "");
}

TEST_F(ConfigTest, EnvironmentSetsFlags) {
  ScopedEnv port("LABOR_REDIS_PORT", "6400");
  ScopedEnv sync("LABOR_SYNC_WRITES", "false");
  ScopedEnv timeout("LABOR_REDIS_COMMAND_TIMEOUT", "1.5s");
  ScopedEnv listen("LABOR_LISTEN", "127.0.0.1:7001");
  ASSERT_TRUE(ApplyEnvToFlags().ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_redis_port), 6400);
  EXPECT_FALSE(absl::GetFlag(FLAGS_sync_writes));
  EXPECT_EQ(absl::GetFlag(FLAGS_redis_command_timeout), absl::Milliseconds(1500));
  EXPECT_EQ(absl::GetFlag(FLAGS_listen), "127.0.0.1:7001");
  // Untouched flags keep their defaults.
  EXPECT_EQ(absl::GetFlag(FLAGS_redis_host), "127.0.0.1");
}

TEST_F(ConfigTest, EnvironmentOverridesServiceDefault) {
  absl::SetFlag(&FLAGS_db_path, "var/data/profile");  // what a service main does
  ScopedEnv db("LABOR_DB_PATH", "/srv/profile-db");
  ASSERT_TRUE(ApplyEnvToFlags().ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_db_path), "/srv/profile-db");
}

TEST_F(ConfigTest, BadEnvironmentValueNamesTheVariable) {
  ScopedEnv port("LABOR_REDIS_PORT", "not-a-port");
  ScopedEnv grace("LABOR_SHUTDOWN_GRACE", "soon");
  ScopedEnv host("LABOR_REDIS_HOST", "10.0.0.5");
  absl::Status status = ApplyEnvToFlags();
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("LABOR_REDIS_PORT"));
  EXPECT_THAT(status.message(), HasSubstr("LABOR_SHUTDOWN_GRACE"));
  EXPECT_EQ(absl::GetFlag(FLAGS_redis_port), 6379);        // bad value not applied
  EXPECT_EQ(absl::GetFlag(FLAGS_redis_host), "10.0.0.5");  // good ones still are
}

TEST_F(ConfigTest, CommandLineWinsOverEnvironment) {
  ScopedEnv port("LABOR_REDIS_PORT", "6500");
  ScopedEnv host("LABOR_REDIS_HOST", "10.0.0.7");
  std::vector<std::string> args = {"prog", "--redis_port=7000", "positional"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  std::vector<char*> rest =
      ParseFlagsWithEnv(static_cast<int>(argv.size()), argv.data(), "config_test");
  EXPECT_EQ(absl::GetFlag(FLAGS_redis_port), 7000);
  EXPECT_EQ(absl::GetFlag(FLAGS_redis_host), "10.0.0.7");
  ASSERT_EQ(rest.size(), 2u);  // argv[0] and the positional argument
  EXPECT_STREQ(rest[1], "positional");
}

TEST_F(ConfigTest, ParseExitsOnBadEnvironment) {
  EXPECT_EXIT(
      {
        setenv("LABOR_MAX_MESSAGE_BYTES", "lots", 1);
        std::string prog = "prog";
        char* argv[] = {prog.data()};
        ParseFlagsWithEnv(1, argv, "config_test");
      },
      ::testing::ExitedWithCode(2), "LABOR_MAX_MESSAGE_BYTES");
}

}  // namespace
}  // namespace labor
