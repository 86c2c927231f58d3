#include "tests/testing/redis_server.h"

#include <signal.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace labor::testing {

RedisServer::RedisServer(Options options) : options_(std::move(options)) {
  if (options_.dir.empty()) {
    own_dir_ = std::make_unique<TempDir>();
    dir_ = own_dir_->path();
  } else {
    dir_ = options_.dir;
  }
}

RedisServer::~RedisServer() {
  client_.reset();
  Kill();
}

std::string RedisServer::log_path() const { return absl::StrCat(dir_, "/redis-", port_, ".log"); }

RedisClient::Options RedisServer::ClientOptions() const {
  RedisClient::Options options;
  options.host = "127.0.0.1";
  options.port = port_;
  options.connect_timeout = absl::Seconds(2);
  options.command_timeout = absl::Seconds(5);
  options.pool_size = 4;
  options.retry_backoff = absl::ZeroDuration();
  return options;
}

absl::Status RedisServer::Launch() {
  std::vector<std::string> argv = {options_.binary,
                                   "--port",
                                   absl::StrCat(port_),
                                   "--bind",
                                   "127.0.0.1",
                                   "--save",
                                   "",
                                   "--daemonize",
                                   "no",
                                   "--dir",
                                   dir_,
                                   "--appendonly",
                                   options_.append_only ? "yes" : "no"};
  if (options_.append_only) {
    argv.insert(argv.end(), {"--appendfsync", "always"});
  }
  absl::Status started = process_.Start(argv, log_path());
  if (!started.ok()) return started;
  return WaitUntilReady();
}

absl::Status RedisServer::WaitUntilReady() {
  RedisClient::Options options = ClientOptions();
  options.pool_size = 1;
  options.connect_timeout = absl::Milliseconds(200);
  client_ = std::make_unique<RedisClient>(options);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    if (!process_.Running()) {
      return absl::UnavailableError(
          absl::StrCat("redis-server exited; log: ", ReadFileOrEmpty(log_path())));
    }
    // Ping also fails while an AOF is being loaded (LOADING error reply).
    if (client_->Ping()) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(absl::StrCat("redis-server on port ", port_, " not ready"));
}

absl::Status RedisServer::Start() {
  absl::Status last;
  // The free port may be taken between picking and binding: try a few.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = PickFreePort();
    last = Launch();
    if (last.ok()) return last;
    client_.reset();
    process_.Stop(SIGKILL, absl::Seconds(5));
  }
  return last;
}

void RedisServer::Stop() { process_.Stop(SIGTERM, absl::Seconds(15)); }

void RedisServer::Kill() { process_.Stop(SIGKILL, absl::Seconds(5)); }

absl::Status RedisServer::Restart() {
  if (process_.Running()) Stop();
  client_.reset();
  return Launch();
}

bool RedisServer::Running() { return process_.Running(); }

absl::StatusOr<RedisReply> RedisServer::Command(const std::vector<std::string>& argv) {
  if (client_ == nullptr) return absl::FailedPreconditionError("redis-server not started");
  return client_->Command(argv);
}

absl::Status RedisServer::FlushAll() {
  absl::StatusOr<RedisReply> reply = Command({"FLUSHALL"});
  if (!reply.ok()) return reply.status();
  if (reply->is_error()) return absl::InternalError(reply->str);
  return absl::OkStatus();
}

}  // namespace labor::testing
