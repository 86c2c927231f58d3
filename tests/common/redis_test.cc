#include "common/redis.h"

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "common/metrics.h"
#include "gtest/gtest.h"
#include "tests/testing/redis_server.h"

namespace labor {
namespace {

using ::labor::testing::RedisServer;

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    client_ = std::make_unique<RedisClient>(server_.ClientOptions());
  }

  RedisReply Must(const std::vector<std::string>& argv) {
    absl::StatusOr<RedisReply> reply = client_->Command(argv);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : RedisReply();
  }

  // connected_clients of INFO (this test's own client included).
  int ConnectedClients() {
    const std::string info = Must({"INFO", "clients"}).str;
    const std::string field = "connected_clients:";
    const size_t pos = info.find(field);
    return pos == std::string::npos ? -1 : std::stoi(info.substr(pos + field.size()));
  }

  RedisServer server_;
  std::unique_ptr<RedisClient> client_;
};

TEST_F(RedisClientTest, ReplyTypes) {
  RedisReply set = Must({"SET", "k", "v"});
  EXPECT_EQ(set.type, RedisReply::Type::kStatus);
  EXPECT_EQ(set.str, "OK");

  RedisReply get = Must({"GET", "k"});
  EXPECT_EQ(get.type, RedisReply::Type::kString);
  EXPECT_EQ(get.str, "v");

  EXPECT_TRUE(Must({"GET", "missing"}).is_nil());

  RedisReply incr = Must({"INCRBY", "n", "41"});
  EXPECT_EQ(incr.type, RedisReply::Type::kInteger);
  EXPECT_EQ(incr.integer, 41);

  Must({"RPUSH", "list", "a", "b", "c"});
  RedisReply range = Must({"LRANGE", "list", "0", "-1"});
  ASSERT_EQ(range.type, RedisReply::Type::kArray);
  ASSERT_EQ(range.elements.size(), 3u);
  EXPECT_EQ(range.elements[0].str, "a");
  EXPECT_EQ(range.elements[2].str, "c");

  // A Redis error is a reply, not a failed status.
  RedisReply wrong = Must({"INCR", "list"});
  EXPECT_TRUE(wrong.is_error());
  EXPECT_NE(wrong.str.find("WRONGTYPE"), std::string::npos) << wrong.str;

  EXPECT_TRUE(client_->Ping());
}

TEST_F(RedisClientTest, NestedArrays) {
  Must({"XADD", "s", "1-1", "f", "v"});
  RedisReply range = Must({"XRANGE", "s", "-", "+"});
  ASSERT_EQ(range.type, RedisReply::Type::kArray);
  ASSERT_EQ(range.elements.size(), 1u);
  const RedisReply& entry = range.elements[0];
  ASSERT_EQ(entry.elements.size(), 2u);
  EXPECT_EQ(entry.elements[0].str, "1-1");
  ASSERT_EQ(entry.elements[1].elements.size(), 2u);
  EXPECT_EQ(entry.elements[1].elements[0].str, "f");
  EXPECT_EQ(entry.elements[1].elements[1].str, "v");
}

TEST_F(RedisClientTest, BinarySafeArguments) {
  const std::string key("key\0with\r\nnul", 13);
  std::string value;
  for (int i = 0; i < 256; ++i) value.push_back(static_cast<char>(i));
  value += std::string("\0\0 %s %b \r\n", 12);
  Must({"SET", key, value});
  EXPECT_EQ(Must({"GET", key}).str, value);
  EXPECT_EQ(Must({"STRLEN", key}).integer, static_cast<long long>(value.size()));
  // The NUL really is part of the key.
  EXPECT_TRUE(Must({"GET", "key"}).is_nil());
  // Empty arguments are sent as empty strings.
  Must({"SET", "empty", ""});
  RedisReply empty = Must({"GET", "empty"});
  EXPECT_EQ(empty.type, RedisReply::Type::kString);
  EXPECT_EQ(empty.str, "");
}

TEST_F(RedisClientTest, PipelineReturnsOneReplyPerCommandInOrder) {
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < 100; ++i) commands.push_back({"INCR", "counter"});
  commands.push_back({"HSET", "counter", "f", "v"});  // WRONGTYPE in the middle
  commands.push_back({"GET", "counter"});
  auto replies = client_->Pipeline(commands);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), commands.size());
  for (int i = 0; i < 100; ++i) EXPECT_EQ((*replies)[i].integer, i + 1);
  EXPECT_TRUE((*replies)[100].is_error());
  EXPECT_EQ((*replies)[101].str, "100");

  auto none = client_->Pipeline({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  EXPECT_EQ(client_->Pipeline({{"PING"}, {}}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RedisClientTest, ConcurrentCallersShareASmallPool) {
  const int clients_before = ConnectedClients();
  RedisClient::Options options = server_.ClientOptions();
  options.pool_size = 2;
  RedisClient pooled(options);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&pooled] {
      for (int i = 0; i < 50; ++i) {
        auto reply = pooled.Command({"INCR", "shared"});
        EXPECT_TRUE(reply.ok()) << reply.status();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(Must({"GET", "shared"}).str, "400");
  // Eight callers, never more than two connections.
  const int clients_after = ConnectedClients();
  EXPECT_GE(clients_after, clients_before + 1);
  EXPECT_LE(clients_after, clients_before + 2);
}

TEST_F(RedisClientTest, ConnectsLazily) {
  const int clients_before = ConnectedClients();
  RedisClient unused(server_.ClientOptions());
  EXPECT_EQ(ConnectedClients(), clients_before);
  RedisClient used(server_.ClientOptions());
  ASSERT_TRUE(used.Ping());
  ASSERT_TRUE(used.Ping());  // reuses its connection
  EXPECT_EQ(ConnectedClients(), clients_before + 1);
}

TEST_F(RedisClientTest, UnavailableWhileDownWithoutLeakingValues) {
  Must({"SET", "k", "v"});
  server_.Stop();
  absl::StatusOr<RedisReply> reply = client_->Command({"SET", "k", "secret-value-123"});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(std::string(reply.status().message()).find("secret-value-123"), std::string::npos);
  // Later calls (which now have to connect) fail the same way.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(client_->Command({"GET", "k"}).status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(client_->Pipeline({{"GET", "k"}, {"GET", "k"}}).status().code(),
              absl::StatusCode::kUnavailable);
  }
  EXPECT_FALSE(client_->Ping());
}

TEST_F(RedisClientTest, ReconnectsAfterServerRestart) {
  Must({"SET", "before", "1"});
  ASSERT_TRUE(server_.Restart().ok());
  // The pooled connection died with the old process: at most one call per
  // pooled connection fails, then the client reconnects.
  int failures = 0;
  absl::StatusOr<RedisReply> reply;
  for (int i = 0; i <= client_->options().pool_size; ++i) {
    reply = client_->Command({"SET", "after", "2"});
    if (reply.ok()) break;
    EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
    ++failures;
  }
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_LE(failures, client_->options().pool_size);
  EXPECT_EQ(Must({"GET", "after"}).str, "2");
  // No persistence: the restarted server is empty.
  EXPECT_TRUE(Must({"GET", "before"}).is_nil());
}

TEST_F(RedisClientTest, FailsFastDuringRetryBackoff) {
  RedisClient::Options options = server_.ClientOptions();
  options.retry_backoff = absl::Hours(1);
  RedisClient slow_to_retry(options);
  ASSERT_TRUE(slow_to_retry.Ping());
  server_.Stop();
  // The first failure marks the server down ...
  while (true) {
    auto reply = slow_to_retry.Command({"PING"});
    ASSERT_FALSE(reply.ok());
    ASSERT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
    if (std::string(reply.status().message()).find("connect failed") != std::string::npos) break;
  }
  ASSERT_TRUE(server_.Restart().ok());
  // ... and within the backoff no connection is even attempted, although the
  // server is back.
  auto reply = slow_to_retry.Command({"PING"});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(std::string(reply.status().message()).find("retrying later"), std::string::npos)
      << reply.status();
  // A client without backoff connects at once.
  EXPECT_TRUE(client_->Ping() || client_->Ping());
}

TEST_F(RedisClientTest, CommandTimeoutDropsTheConnection) {
  RedisClient::Options options = server_.ClientOptions();
  options.pool_size = 1;
  options.command_timeout = absl::Milliseconds(100);
  RedisClient impatient(options);
  // BLPOP blocks server-side far longer than the command timeout.
  auto reply = impatient.Command({"BLPOP", "nothing-here", "30"});
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  // The late BLPOP reply must not be read as the answer to the next command:
  // the connection was replaced.
  auto next = impatient.Command({"ECHO", "fresh"});
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->str, "fresh");
}

// Log lines that contain `needle`, captured through the log sink while alive.
class LogCapture {
 public:
  explicit LogCapture(std::string needle) : needle_(std::move(needle)) {
    SetLogSink([this](LogLevel, std::string_view line) {
      if (!absl::StrContains(absl::string_view(line.data(), line.size()), needle_)) return;
      absl::MutexLock lock(&mu_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() { SetLogSink(nullptr); }
  int Count(absl::string_view phrase) {
    absl::MutexLock lock(&mu_);
    int n = 0;
    for (const std::string& line : lines_) n += absl::StrContains(line, phrase) ? 1 : 0;
    return n;
  }

 private:
  const std::string needle_;
  absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

// The value of the series of `family` whose labels include all of `labels`
// (-1 when there is none).
double MetricValue(Metrics& metrics, const std::string& family,
                   const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& f : metrics.registry().Collect()) {
    if (f.name != family) continue;
    for (const prometheus::ClientMetric& m : f.metric) {
      size_t matched = 0;
      for (const prometheus::ClientMetric::Label& l : m.label) {
        auto it = labels.find(l.name);
        if (it != labels.end() && it->second == l.value) ++matched;
      }
      if (matched == labels.size())
        return f.type == prometheus::MetricType::Gauge ? m.gauge.value : m.counter.value;
    }
  }
  return -1;
}

// Redis dying, hanging and coming back is logged once per change (not per
// call) and exported as labor_redis_up and labor_redis_transitions_total.
TEST_F(RedisClientTest, OutagesAreLoggedOncePerChangeAndExported) {
  RedisClient::Options options = server_.ClientOptions();
  options.name = "cache";
  options.command_timeout = absl::Milliseconds(300);
  RedisClient watched(options);
  Metrics metrics("test");
  metrics.TrackRedis(&watched);
  auto up = [&] { return MetricValue(metrics, "labor_redis_up", {{"client", "cache"}}); };
  auto went = [&](const std::string& to) {
    return MetricValue(metrics, "labor_redis_transitions_total", {{"client", "cache"}, {"to", to}});
  };
  EXPECT_EQ(up(), 0);  // not reached yet
  ASSERT_TRUE(watched.Ping());
  EXPECT_EQ(up(), 1);
  EXPECT_EQ(went("up"), 1);
  EXPECT_EQ(went("down"), 0);

  LogCapture logs("redis cache");
  server_.Stop();
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(watched.Ping());
  EXPECT_EQ(watched.health().state, RedisHealth::State::kDown);
  EXPECT_EQ(up(), 0);
  EXPECT_EQ(logs.Count(" is down: "), 1);
  EXPECT_EQ(logs.Count(" is up"), 0);

  ASSERT_TRUE(server_.Restart().ok());
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(watched.Ping());
  EXPECT_EQ(logs.Count(" is down: "), 1);
  EXPECT_EQ(logs.Count(" is up again after "), 1);
  EXPECT_EQ(up(), 1);
  EXPECT_EQ(went("up"), 2);
  EXPECT_EQ(went("down"), 1);

  // A hang: the server stops answering for a while (the calls time out).
  ASSERT_TRUE(server_.Command({"CLIENT", "PAUSE", "1500"}).ok());
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(watched.Ping());
  EXPECT_EQ(up(), 0);
  EXPECT_EQ(logs.Count(" is down: "), 2);
  absl::SleepFor(absl::Milliseconds(1600));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(watched.Ping());
  EXPECT_EQ(logs.Count(" is up again after "), 2);
  EXPECT_EQ(up(), 1);
  EXPECT_EQ(went("down"), 2);
}

}  // namespace
}  // namespace labor
