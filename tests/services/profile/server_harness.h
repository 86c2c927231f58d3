// Starts the real profile_server binary (port 0, its own RocksDB directory,
// a real redis-server) and gives tests authenticated stubs for each role.
#pragma once

#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "labor/v1/profile.grpc.pb.h"
#include "tests/testing/util.h"

namespace labor::profile::testing {

class ProfileServerHarness {
 public:
  ProfileServerHarness(const labor::testing::TempDir* dir, int redis_port)
      : dir_(dir), redis_port_(redis_port) {}

  // Issues one token per role (tokens file holds only hashes).
  absl::Status WriteTokens() {
    std::string conf = "# test tokens\n";
    for (Role role : {Role::kAdmin, Role::kWechat, Role::kKiosk, Role::kPartner, Role::kService}) {
      IssuedToken issued = IssueToken(role, absl::StrCat(RoleName(role), "-tenant"),
                                      absl::StrCat(RoleName(role), "-principal"));
      tokens_[role] = issued.token;
      absl::StrAppend(&conf, issued.line, "\n");
    }
    return labor::testing::WriteFile(dir_->Sub("tokens.conf"), conf);
  }

  absl::Status Start(std::vector<std::string> extra_flags = {}) {
    if (tokens_.empty()) {
      absl::Status s = WriteTokens();
      if (!s.ok()) return s;
    }
    std::string port_file = dir_->Sub(absl::StrCat("port.", ++starts_));
    std::vector<std::string> argv = {
        labor::testing::BuiltBinary("services/profile/profile_server"),
        "--listen=127.0.0.1:0",
        "--metrics_listen=127.0.0.1:0",
        absl::StrCat("--port_file=", port_file),
        absl::StrCat("--db_path=", db_path()),
        absl::StrCat("--data_dir=", labor::testing::SourcePath("data")),
        absl::StrCat("--redis_port=", redis_port_),
        absl::StrCat("--auth_tokens_file=", dir_->Sub("tokens.conf")),
        absl::StrCat("--pii_key_file=", dir_->Sub("keys/pii.key")),
        "--redis_connect_timeout=100ms",
        "--redis_command_timeout=300ms",
    };
    for (auto& f : extra_flags) argv.push_back(std::move(f));
    process_ = std::make_unique<labor::testing::Subprocess>();
    absl::Status s = process_->Start(argv, log_path());
    if (!s.ok()) return s;
    auto port = labor::testing::WaitForPortFile(port_file, absl::Seconds(30));
    if (!port.ok()) return port.status();
    port_ = *port;
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials());
    stub_ = v1::ProfileService::NewStub(channel_);
    return absl::OkStatus();
  }

  // SIGKILL: no graceful shutdown, no WAL flush beyond what each write synced.
  void Kill() { process_->Stop(SIGKILL); }
  // SIGTERM: graceful. Returns the wait status.
  int Terminate() { return process_->Stop(SIGTERM, absl::Seconds(30)); }

  // A context carrying `role`'s token (and openid for wechat), 10 s deadline.
  std::unique_ptr<grpc::ClientContext> Context(Role role, const std::string& openid = "") {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("authorization", absl::StrCat("Bearer ", tokens_.at(role)));
    if (!openid.empty()) ctx->AddMetadata(std::string(kOpenIdMetadata), openid);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return ctx;
  }

  v1::ProfileService::Stub* stub() { return stub_.get(); }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  int port() const { return port_; }
  std::string db_path() const { return dir_->Sub("db"); }
  std::string log_path() const { return dir_->Sub("profile_server.log"); }
  const std::string& token(Role role) const { return tokens_.at(role); }

 private:
  const labor::testing::TempDir* dir_;
  int redis_port_;
  int starts_ = 0;
  int port_ = 0;
  std::map<Role, std::string> tokens_;
  std::unique_ptr<labor::testing::Subprocess> process_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ProfileService::Stub> stub_;
};

}  // namespace labor::profile::testing
