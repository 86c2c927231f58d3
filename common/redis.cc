#include "common/redis.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/time.h>

#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"

namespace labor {

struct RedisClient::Connection {
  ~Connection() { Drop(); }
  // A hiredis context is unusable after any error: free it, reconnect later.
  void Drop() {
    if (ctx != nullptr) redisFree(ctx);
    ctx = nullptr;
  }
  redisContext* ctx = nullptr;
};

namespace {

timeval TimevalOf(absl::Duration d) {
  if (d < absl::ZeroDuration()) d = absl::ZeroDuration();
  return absl::ToTimeval(d);
}

RedisReply Convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    case REDIS_REPLY_NIL:
    default:
      out.type = RedisReply::Type::kNil;
      break;
  }
  return out;
}

// hiredis wants parallel arrays of pointers and lengths (binary-safe).
struct Argv {
  explicit Argv(const std::vector<std::string>& args) {
    ptrs.reserve(args.size());
    lens.reserve(args.size());
    for (const auto& a : args) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
  }
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
};

}  // namespace

RedisClient::RedisClient(Options options) : options_(std::move(options)) {
  // hiredis writes with plain write(2): a peer that closed the socket would
  // otherwise kill the whole process with SIGPIPE instead of returning EPIPE.
  static const bool sigpipe_ignored = [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      signal(SIGPIPE, SIG_IGN);
    }
    return true;
  }();
  (void)sigpipe_ignored;

  int n = options_.pool_size > 0 ? options_.pool_size : 1;
  absl::MutexLock lock(&mu_);
  for (int i = 0; i < n; ++i) {
    all_.push_back(std::make_unique<Connection>());
    free_.push_back(all_.back().get());
  }
}

RedisClient::~RedisClient() {
  // Every caller must have returned its connection; then all_ frees them.
  absl::MutexLock lock(&mu_);
  LABOR_CHECK(free_.size() == all_.size()) << "RedisClient destroyed while in use";
}

RedisClient::Connection* RedisClient::Acquire() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](std::vector<Connection*>* free) { return !free->empty(); }, &free_));
  // Prefer a connected context so an idle pool does not open new sockets.
  for (size_t i = free_.size(); i-- > 0;) {
    if (free_[i]->ctx != nullptr) {
      Connection* conn = free_[i];
      free_.erase(free_.begin() + static_cast<long>(i));
      return conn;
    }
  }
  Connection* conn = free_.back();
  free_.pop_back();
  return conn;
}

void RedisClient::Release(Connection* conn) {
  absl::MutexLock lock(&mu_);
  free_.push_back(conn);
}

namespace {

// Returns the connection to the pool on scope exit.
class ConnectionLease {
 public:
  explicit ConnectionLease(std::function<void()> release) : release_(std::move(release)) {}
  ~ConnectionLease() { release_(); }

 private:
  std::function<void()> release_;
};

}  // namespace

absl::StatusOr<std::vector<RedisReply>> RedisClient::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  std::vector<RedisReply> replies;
  if (commands.empty()) return replies;
  for (const auto& argv : commands) {
    if (argv.empty()) return absl::InvalidArgumentError("redis: empty command");
  }

  Connection* conn = Acquire();
  ConnectionLease lease([this, conn] { Release(conn); });
  const absl::Time started = absl::Now();
  const std::string where = absl::StrCat("redis ", options_.host, ":", options_.port);

  if (conn->ctx == nullptr) {
    {
      absl::MutexLock lock(&mu_);
      if (absl::Now() < down_until_) {
        // Already noted down by the call that failed.
        return absl::UnavailableError(absl::StrCat(where, ": down, retrying later"));
      }
    }
    timeval connect_tv = TimevalOf(options_.connect_timeout);
    redisContext* ctx = redisConnectWithTimeout(options_.host.c_str(), options_.port, connect_tv);
    if (ctx == nullptr || ctx->err != 0) {
      std::string why = absl::StrCat("connect failed: ",
                                     ctx == nullptr ? "cannot allocate context" : ctx->errstr);
      if (ctx != nullptr) redisFree(ctx);
      {
        absl::MutexLock lock(&mu_);
        down_until_ = absl::Now() + options_.retry_backoff;
      }
      NoteHealth(RedisHealth::State::kDown, started, why);
      return absl::UnavailableError(absl::StrCat(where, ": ", why));
    }
    if (redisSetTimeout(ctx, TimevalOf(options_.command_timeout)) != REDIS_OK) {
      std::string why = ctx->errstr;
      redisFree(ctx);
      return absl::UnavailableError(absl::StrCat(where, ": cannot set timeout: ", why));
    }
    conn->ctx = ctx;
    absl::MutexLock lock(&mu_);
    down_until_ = absl::InfinitePast();
  }

  for (const auto& argv : commands) {
    Argv args(argv);
    if (redisAppendCommandArgv(conn->ctx, static_cast<int>(args.ptrs.size()), args.ptrs.data(),
                               args.lens.data()) != REDIS_OK) {
      std::string why = conn->ctx->errstr;
      conn->Drop();
      NoteHealth(RedisHealth::State::kDown, started, why);
      return absl::UnavailableError(absl::StrCat(where, ": ", why));
    }
  }
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(conn->ctx, &raw) != REDIS_OK || raw == nullptr) {
      // The message is hiredis' I/O error text, never command arguments.
      const bool timed_out =
          conn->ctx->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
      std::string why = conn->ctx->err != 0 ? conn->ctx->errstr : "no reply";
      if (timed_out) {
        why = absl::StrCat("no reply within ", absl::FormatDuration(options_.command_timeout));
      }
      if (raw != nullptr) freeReplyObject(raw);
      conn->Drop();
      NoteHealth(RedisHealth::State::kDown, started, why);
      return absl::UnavailableError(absl::StrCat(where, ": ", why));
    }
    replies.push_back(Convert(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  NoteHealth(RedisHealth::State::kUp, started, "");
  return replies;
}

RedisHealth RedisClient::health() const {
  absl::MutexLock lock(&health_mu_);
  return health_;
}

void RedisClient::ObserveHealth(std::function<void(const RedisHealth&)> observer) {
  absl::MutexLock lock(&health_mu_);
  observer_ = std::move(observer);
  if (observer_) observer_(health_);
}

void RedisClient::NoteHealth(RedisHealth::State state, absl::Time started, const std::string& why) {
  if (state_.load(std::memory_order_relaxed) == state) return;  // every call but a change
  absl::MutexLock lock(&health_mu_);
  const RedisHealth::State before = health_.state;
  // A call that began before the last change reports older news (a reply
  // that was on its way when Redis died): it must not flip the state back.
  if (before == state || started < changed_at_) return;
  health_.state = state;
  state_.store(state, std::memory_order_relaxed);
  const std::string who =
      absl::StrCat("redis ", options_.name, " (", options_.host, ":", options_.port, ")");
  const absl::Time now = absl::Now();
  const absl::Time down_since = changed_at_;
  changed_at_ = now;
  if (state == RedisHealth::State::kDown) {
    ++health_.went_down;
    LABOR_LOG(WARNING) << who << " is down: " << why
                       << "; its calls fail with UNAVAILABLE until it answers again";
  } else {
    ++health_.went_up;
    if (before == RedisHealth::State::kDown) {
      LABOR_LOG(INFO) << who << " is up again after "
                      << absl::FormatDuration(absl::Trunc(now - down_since, absl::Milliseconds(1)));
    } else {
      LABOR_LOG(INFO) << who << " connected";
    }
  }
  if (observer_) observer_(health_);
}

absl::StatusOr<RedisReply> RedisClient::Command(const std::vector<std::string>& argv) {
  auto replies = Pipeline({argv});
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

bool RedisClient::Ping() {
  auto reply = Command({"PING"});
  return reply.ok() && reply->type == RedisReply::Type::kStatus && reply->str == "PONG";
}

}  // namespace labor
