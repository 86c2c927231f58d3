// Starts a real service binary (port 0, its own RocksDB directory, a real
// redis-server) and gives tests authenticated stubs for each role. One
// tokens file per TempDir, so several services in one test accept the same
// tokens.
#pragma once

#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "gtest/gtest.h"
#include "tests/testing/util.h"

namespace labor::testing {

template <typename Service>
class ServiceHarness {
 public:
  // `binary` is relative to the build tree ("services/profile/profile_server");
  // `name` names the database directory and the log file.
  ServiceHarness(const TempDir* dir, int redis_port, std::string binary, std::string name)
      : dir_(dir), redis_port_(redis_port), binary_(std::move(binary)), name_(std::move(name)) {}

  // Issues one token per role and writes the directory's tokens file (it
  // holds only hashes). Start does this unless tokens were shared.
  absl::Status WriteTokens() {
    std::string conf = "# test tokens\n";
    for (Role role : {Role::kAdmin, Role::kWechat, Role::kKiosk, Role::kPartner, Role::kService}) {
      IssuedToken issued = IssueToken(role, absl::StrCat(RoleName(role), "-tenant"),
                                      absl::StrCat(RoleName(role), "-principal"));
      tokens_[role] = issued.token;
      absl::StrAppend(&conf, issued.line, "\n");
    }
    return WriteFile(dir_->Sub("tokens.conf"), conf);
  }

  // Uses tokens another harness of the same directory issued (its tokens
  // file), so several services accept the same tokens. Call before Start.
  void ShareTokens(const std::map<Role, std::string>& tokens) { tokens_ = tokens; }
  const std::map<Role, std::string>& tokens() const { return tokens_; }

  // Adds a token for `role` with its own tenant (e.g. a second partner
  // bureau) to the tokens file; call before Start.
  absl::StatusOr<std::string> AddToken(Role role, const std::string& tenant) {
    IssuedToken issued = IssueToken(role, tenant, absl::StrCat(tenant, "-principal"));
    extra_lines_ += issued.line + "\n";
    return issued.token;
  }

  // Start as a gtest assertion whose failure shows the server's log:
  // ASSERT_TRUE(harness->Started(flags)).
  ::testing::AssertionResult Started(std::vector<std::string> extra_flags = {}) {
    absl::Status s = Start(std::move(extra_flags));
    if (s.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << s << "\n" << ReadFileOrEmpty(log_path());
  }

  absl::Status Start(std::vector<std::string> extra_flags = {}) {
    if (tokens_.empty()) {
      absl::Status s = WriteTokens();
      if (!s.ok()) return s;
    }
    if (!extra_lines_.empty()) {
      std::string conf = ReadFileOrEmpty(dir_->Sub("tokens.conf"));
      if (conf.find(extra_lines_) == std::string::npos) {
        absl::Status s = WriteFile(dir_->Sub("tokens.conf"), conf + extra_lines_);
        if (!s.ok()) return s;
      }
    }
    std::string port_file = dir_->Sub(absl::StrCat(name_, ".port.", ++starts_));
    std::vector<std::string> argv = {
        BuiltBinary(binary_),
        "--listen=127.0.0.1:0",
        "--metrics_listen=127.0.0.1:0",
        absl::StrCat("--port_file=", port_file),
        absl::StrCat("--db_path=", db_path()),
        absl::StrCat("--data_dir=", SourcePath("data")),
        absl::StrCat("--redis_port=", redis_port_),
        absl::StrCat("--auth_tokens_file=", dir_->Sub("tokens.conf")),
        absl::StrCat("--pii_key_file=", dir_->Sub("keys/pii.key")),
        "--redis_connect_timeout=100ms",
        "--redis_command_timeout=300ms",
    };
    for (auto& f : extra_flags) argv.push_back(std::move(f));
    process_ = std::make_unique<Subprocess>();
    absl::Status s = process_->Start(argv, log_path());
    if (!s.ok()) return s;
    auto port = WaitForPortFile(port_file, absl::Seconds(30));
    if (!port.ok()) return port.status();
    port_ = *port;
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials());
    stub_ = Service::NewStub(channel_);
    return absl::OkStatus();
  }

  // SIGKILL: no graceful shutdown, no WAL flush beyond what each write synced.
  void Kill() { process_->Stop(SIGKILL); }
  // SIGTERM: graceful. Returns the wait status.
  int Terminate() { return process_->Stop(SIGTERM, absl::Seconds(30)); }

  // A context carrying `role`'s token (and openid for wechat), 10 s deadline.
  std::unique_ptr<grpc::ClientContext> Context(Role role, const std::string& openid = "") {
    return ContextWithToken(tokens_.at(role), openid);
  }
  std::unique_ptr<grpc::ClientContext> ContextWithToken(const std::string& token,
                                                        const std::string& openid = "") {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    if (!openid.empty()) ctx->AddMetadata(std::string(kOpenIdMetadata), openid);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return ctx;
  }

  typename Service::Stub* stub() { return stub_.get(); }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  int port() const { return port_; }
  std::string db_path() const { return dir_->Sub(name_ == "profile" ? "db" : name_ + "-db"); }
  std::string log_path() const { return dir_->Sub(absl::StrCat(name_, "_server.log")); }
  const std::string& token(Role role) const { return tokens_.at(role); }

 private:
  const TempDir* dir_;
  int redis_port_;
  std::string binary_;
  std::string name_;
  int starts_ = 0;
  int port_ = 0;
  std::map<Role, std::string> tokens_;
  std::string extra_lines_;
  std::unique_ptr<Subprocess> process_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<typename Service::Stub> stub_;
};

}  // namespace labor::testing
