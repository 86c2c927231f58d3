// A small synchronous Redis client over hiredis 0.14: connect and command
// timeouts, reconnect after any error (a hiredis context is unusable after
// one), a pool of connections for concurrency, and pipelining.
//
// Thread-safe. Connections are made lazily; a call blocks while all
// pool_size connections are busy. Every user of Redis (outbox relay, cache,
// stream consumers) goes through here, so this is where an outage is
// noticed: the client logs each change of health once (down when a call
// cannot connect, times out or loses the connection; up when one is
// answered again), not per call, and reports it to an observer (metrics).
// Status messages carry hiredis' error text, never command arguments (which
// may hold PII). The first client created sets SIGPIPE to SIG_IGN if it is
// at its default (hiredis writes with write(2); a server closing the socket
// must not kill the process).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace labor {

struct RedisReply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus, kError };
  Type type = Type::kNil;
  std::string str;                   // kString, kStatus, kError
  long long integer = 0;             // kInteger
  std::vector<RedisReply> elements;  // kArray
  bool is_error() const { return type == Type::kError; }
  bool is_nil() const { return type == Type::kNil; }
};

// What the calls have seen of Redis: the current state and how often it
// changed (the first state seen counts as a change).
struct RedisHealth {
  enum class State { kUnknown, kUp, kDown };
  State state = State::kUnknown;
  int64_t went_up = 0;
  int64_t went_down = 0;
};

class RedisClient {
 public:
  struct Options {
    // Names the client in logs and metric labels (a process may have several).
    std::string name = "redis";
    std::string host = "127.0.0.1";
    int port = 6379;
    absl::Duration connect_timeout = absl::Milliseconds(200);
    absl::Duration command_timeout = absl::Milliseconds(500);
    int pool_size = 8;
    // After a connection failure, calls fail fast (UNAVAILABLE) for this long
    // instead of each waiting for the connect timeout.
    absl::Duration retry_backoff = absl::Milliseconds(200);
  };

  explicit RedisClient(Options options);
  // All calls must have returned (LABOR_CHECK).
  ~RedisClient();

  // Runs one command (binary-safe arguments). UNAVAILABLE on connection or
  // timeout errors (the connection is dropped and re-made on a later call);
  // a Redis error reply is returned as a reply of type kError, not a status.
  absl::StatusOr<RedisReply> Command(const std::vector<std::string>& argv);
  // Sends all commands in one round trip on one connection and returns one
  // reply per command, in order (a Redis error reply for one command does not
  // stop the others). UNAVAILABLE as for Command: then it is unknown which
  // commands ran. INVALID_ARGUMENT for an empty command; {} for no commands.
  absl::StatusOr<std::vector<RedisReply>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);
  // PING succeeds.
  bool Ping();

  const Options& options() const { return options_; }

  RedisHealth health() const;
  // Calls `observer` now with the current health and after every change
  // (serialized, in order; it must not call back into this client). One
  // observer per client; a new one replaces it.
  void ObserveHealth(std::function<void(const RedisHealth&)> observer);

 private:
  struct Connection;
  Connection* Acquire();
  void Release(Connection* conn);
  // Records what a call saw; logs and reports a change of state once.
  // `started`: when the call began.
  void NoteHealth(RedisHealth::State state, absl::Time started, const std::string& why);

  Options options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> all_;
  std::vector<Connection*> free_ ABSL_GUARDED_BY(mu_);
  absl::Time down_until_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();

  // Calls compare with state_ without the lock; changes take health_mu_.
  std::atomic<RedisHealth::State> state_{RedisHealth::State::kUnknown};
  mutable absl::Mutex health_mu_;
  RedisHealth health_ ABSL_GUARDED_BY(health_mu_);
  absl::Time changed_at_ ABSL_GUARDED_BY(health_mu_) = absl::InfinitePast();
  std::function<void(const RedisHealth&)> observer_ ABSL_GUARDED_BY(health_mu_);
};

}  // namespace labor
