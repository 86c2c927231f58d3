// A real redis-server for tests: started on a free loopback port with no
// persistence (or with an append-only file for durability tests), stopped,
// killed and restarted on the same port to simulate outages.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/redis.h"
#include "tests/testing/util.h"

namespace labor::testing {

class RedisServer {
 public:
  struct Options {
    std::string binary = "/usr/bin/redis-server";
    // appendonly yes + appendfsync always, files in `dir`.
    bool append_only = false;
    // Working directory (AOF, log). Empty: a private TempDir.
    std::string dir;
  };

  RedisServer() : RedisServer(Options()) {}
  explicit RedisServer(Options options);
  ~RedisServer();  // kills the server
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Picks a free port, starts the server and waits until PING answers.
  absl::Status Start();
  // SIGTERM and wait (a graceful shutdown: the AOF is flushed).
  void Stop();
  // SIGKILL and wait (a crash).
  void Kill();
  // Starts again on the same port (after Stop or Kill; stops it first if running).
  absl::Status Restart();
  bool Running();

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string log_path() const;
  // Client options pointing at this server, fast-failing for tests.
  RedisClient::Options ClientOptions() const;

  // Runs a command on a private connection (assertions in tests).
  absl::StatusOr<RedisReply> Command(const std::vector<std::string>& argv);
  // FLUSHALL.
  absl::Status FlushAll();

 private:
  absl::Status Launch();
  absl::Status WaitUntilReady();

  Options options_;
  std::unique_ptr<TempDir> own_dir_;
  std::string dir_;
  int port_ = 0;
  Subprocess process_;
  std::unique_ptr<RedisClient> client_;
};

}  // namespace labor::testing
