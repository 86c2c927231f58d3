#include "common/stream_consumer.h"

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/outbox.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/redis_server.h"

namespace labor {
namespace {

using ::labor::testing::RedisServer;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

constexpr char kStream[] = "labor.events.profile";
constexpr char kGroup[] = "matching";

// Generous bound for waits on real Redis; tests never assert on durations.
constexpr absl::Duration kDeadline = absl::Seconds(10);

v1::Event MakeEvent(const std::string& entity, int64_t version) {
  v1::Event event;
  event.set_event_id(absl::StrCat("profile-1-", entity, "-", version));
  event.set_type("worker.updated");
  event.set_entity_id(entity);
  event.set_entity_version(version);
  event.set_payload("snapshot-" + entity);
  event.set_payload_type("labor.v1.Worker");
  return event;
}

// Records what the handler saw; fails on demand. Thread-safe (the handler
// may run on the consumer thread).
class Recorder {
 public:
  StreamConsumer::Handler Handler() {
    return [this](const StreamConsumer::Entry& entry) -> absl::Status {
      absl::MutexLock lock(&mu_);
      entities_.push_back(entry.event.entity_id());
      ids_.push_back(entry.id);
      if (fail_ && fail_(entry)) return absl::UnavailableError("downstream not ready");
      return absl::OkStatus();
    };
  }
  void FailWhen(std::function<bool(const StreamConsumer::Entry&)> fail) {
    absl::MutexLock lock(&mu_);
    fail_ = std::move(fail);
  }
  std::vector<std::string> entities() {
    absl::MutexLock lock(&mu_);
    return entities_;
  }
  std::vector<std::string> ids() {
    absl::MutexLock lock(&mu_);
    return ids_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> entities_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> ids_ ABSL_GUARDED_BY(mu_);
  std::function<bool(const StreamConsumer::Entry&)> fail_ ABSL_GUARDED_BY(mu_);
};

class StreamConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    redis_ = std::make_unique<RedisClient>(server_.ClientOptions());
  }

  StreamConsumer::Options MakeOptions(const std::string& consumer) {
    StreamConsumer::Options options;
    options.stream = kStream;
    options.group = kGroup;
    options.consumer = consumer;
    options.batch_size = 3;
    options.block = absl::Milliseconds(20);
    options.claim_interval = absl::Milliseconds(10);
    options.initial_backoff = absl::Milliseconds(10);
    options.max_backoff = absl::Milliseconds(40);
    return options;
  }

  // XADDs an entry the way the outbox relay does; returns its ID.
  std::string Add(const v1::Event& event) {
    return AddFields({std::string(kStreamEventField), event.SerializeAsString(), "type",
                      event.type(), "entity_id", event.entity_id(), "version",
                      absl::StrCat(event.entity_version())});
  }
  std::string AddFields(const std::vector<std::string>& fields) {
    std::vector<std::string> argv = {"XADD", kStream, "*"};
    argv.insert(argv.end(), fields.begin(), fields.end());
    absl::StatusOr<RedisReply> reply = server_.Command(argv);
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return "";
    EXPECT_EQ(reply->type, RedisReply::Type::kString) << reply->str;
    return reply->str;
  }

  // Entries of the group not yet acknowledged (XPENDING summary count).
  int64_t PendingCount() {
    absl::StatusOr<RedisReply> reply = server_.Command({"XPENDING", kStream, kGroup});
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok() || reply->type != RedisReply::Type::kArray || reply->elements.empty()) {
      ADD_FAILURE() << "bad XPENDING reply: " << (reply.ok() ? reply->str : "");
      return -1;
    }
    return reply->elements[0].integer;
  }

  // Polls until `done` holds; false after kDeadline.
  static bool PollUntil(StreamConsumer& consumer, const std::function<bool()>& done) {
    const absl::Time deadline = absl::Now() + kDeadline;
    while (!done()) {
      if (absl::Now() > deadline) return false;
      (void)consumer.PollOnce();
    }
    return true;
  }

  // Waits (without polling: a thread does) until `done` holds.
  static bool WaitUntil(const std::function<bool()>& done) {
    const absl::Time deadline = absl::Now() + kDeadline;
    while (!done()) {
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return true;
  }

  RedisServer server_;
  std::unique_ptr<RedisClient> redis_;
};

TEST_F(StreamConsumerTest, DeliversInStreamOrderAndAcknowledges) {
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(Add(MakeEvent(absl::StrCat("w", i), i + 1)));
  Recorder recorder;
  std::vector<v1::Event> events;
  StreamConsumer consumer(redis_.get(), MakeOptions("c1"), [&](const StreamConsumer::Entry& entry) {
    events.push_back(entry.event);
    return recorder.Handler()(entry);
  });
  ASSERT_TRUE(consumer.EnsureGroup().ok());
  ASSERT_TRUE(consumer.EnsureGroup().ok()) << "an existing group is fine";

  // batch_size 3: three rounds carry the seven entries.
  ASSERT_TRUE(PollUntil(consumer, [&] { return recorder.ids().size() >= 7; }));
  EXPECT_EQ(recorder.ids(), ids);
  EXPECT_THAT(recorder.entities(), ElementsAre("w0", "w1", "w2", "w3", "w4", "w5", "w6"));
  ASSERT_EQ(events.size(), 7u);
  EXPECT_EQ(events[4].entity_version(), 5);
  EXPECT_EQ(events[4].payload(), "snapshot-w4");
  EXPECT_EQ(PendingCount(), 0);

  // Nothing new: a round blocks briefly and returns 0; the consumer is caught up.
  absl::StatusOr<int> idle = consumer.PollOnce();
  ASSERT_TRUE(idle.ok()) << idle.status();
  EXPECT_EQ(*idle, 0);
  StreamConsumer::Stats stats = consumer.stats();
  EXPECT_EQ(stats.delivered, 7);
  EXPECT_EQ(stats.acked, 7);
  EXPECT_EQ(stats.handler_failures, 0);
  EXPECT_EQ(stats.poison, 0);
  EXPECT_TRUE(stats.caught_up);
  EXPECT_TRUE(stats.last_error.ok());
}

TEST_F(StreamConsumerTest, PollOnceCreatesTheGroupItself) {
  Add(MakeEvent("w0", 1));
  Recorder recorder;
  StreamConsumer consumer(redis_.get(), MakeOptions("c1"), recorder.Handler());
  absl::StatusOr<int> accepted = consumer.PollOnce();
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(*accepted, 1);
  EXPECT_THAT(recorder.entities(), ElementsAre("w0"));
}

TEST_F(StreamConsumerTest, NewGroupAtDollarSkipsOlderEntries) {
  Add(MakeEvent("old", 1));
  Recorder recorder;
  StreamConsumer::Options options = MakeOptions("c1");
  options.start_id = "$";
  StreamConsumer consumer(redis_.get(), options, recorder.Handler());
  ASSERT_TRUE(consumer.EnsureGroup().ok());
  Add(MakeEvent("new", 1));
  ASSERT_TRUE(PollUntil(consumer, [&] { return !recorder.entities().empty(); }));
  ASSERT_TRUE(consumer.PollOnce().ok());
  EXPECT_THAT(recorder.entities(), ElementsAre("new"));
}

TEST_F(StreamConsumerTest, HandlerFailureBacksOffThenRedeliversInOrder) {
  ManualClock clock(absl::FromUnixSeconds(1'700'000'000));
  Add(MakeEvent("a", 1));
  Add(MakeEvent("b", 1));
  Add(MakeEvent("c", 1));
  Recorder recorder;
  int b_failures_left = 2;
  recorder.FailWhen([&](const StreamConsumer::Entry& entry) {
    return entry.event.entity_id() == "b" && b_failures_left-- > 0;
  });
  StreamConsumer::Options options = MakeOptions("c1");
  options.clock = &clock;
  options.initial_backoff = absl::Seconds(1);
  options.max_backoff = absl::Seconds(10);
  StreamConsumer consumer(redis_.get(), options, recorder.Handler());
  ASSERT_TRUE(consumer.EnsureGroup().ok());

  // a is accepted and acknowledged; b fails; c is not handed over ahead of b.
  absl::StatusOr<int> first = consumer.PollOnce();
  ASSERT_FALSE(first.ok());
  EXPECT_TRUE(absl::IsUnavailable(first.status())) << first.status();
  EXPECT_THAT(std::string(first.status().message()), ::testing::HasSubstr("downstream not ready"));
  EXPECT_THAT(recorder.entities(), ElementsAre("a", "b"));
  EXPECT_EQ(PendingCount(), 2);  // b and c
  EXPECT_FALSE(consumer.stats().caught_up);

  // Backing off: no redelivery however often it is polled.
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<int> again = consumer.PollOnce();
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(*again, 0);
  }
  EXPECT_THAT(recorder.entities(), ElementsAre("a", "b"));

  // After the backoff b comes again and fails again: the backoff doubles.
  clock.Advance(absl::Seconds(1));
  EXPECT_FALSE(consumer.PollOnce().ok());
  EXPECT_THAT(recorder.entities(), ElementsAre("a", "b", "b"));
  clock.Advance(absl::Seconds(1));
  ASSERT_TRUE(consumer.PollOnce().ok());
  EXPECT_THAT(recorder.entities(), ElementsAre("a", "b", "b"));

  // Then b succeeds and c follows, still in stream order.
  clock.Advance(absl::Seconds(1));
  ASSERT_TRUE(PollUntil(consumer, [&] { return recorder.entities().size() >= 5; }));
  EXPECT_THAT(recorder.entities(), ElementsAre("a", "b", "b", "b", "c"));
  EXPECT_EQ(PendingCount(), 0);
  StreamConsumer::Stats stats = consumer.stats();
  EXPECT_EQ(stats.handler_failures, 2);
  EXPECT_EQ(stats.delivered, 5);
  EXPECT_EQ(stats.acked, 3);

  // Success reset the backoff: a new failure waits the initial backoff again.
  Add(MakeEvent("d", 1));
  int d_failures_left = 1;
  recorder.FailWhen([&](const StreamConsumer::Entry& entry) {
    return entry.event.entity_id() == "d" && d_failures_left-- > 0;
  });
  ASSERT_TRUE(PollUntil(consumer, [&] { return recorder.entities().size() >= 6; }));
  clock.Advance(absl::Seconds(1));
  ASSERT_TRUE(PollUntil(consumer, [&] { return recorder.entities().size() >= 7; }));
  EXPECT_THAT(recorder.entities(), ElementsAre("a", "b", "b", "b", "c", "d", "d"));
  EXPECT_EQ(PendingCount(), 0);
}

TEST_F(StreamConsumerTest, RestartGetsItsOwnUnacknowledgedEntriesFirst) {
  Add(MakeEvent("a", 1));
  Add(MakeEvent("b", 1));
  Add(MakeEvent("c", 1));
  {
    // The first process handles a, fails on b, then goes away.
    Recorder recorder;
    recorder.FailWhen(
        [](const StreamConsumer::Entry& entry) { return entry.event.entity_id() == "b"; });
    StreamConsumer consumer(redis_.get(), MakeOptions("c1"), recorder.Handler());
    ASSERT_TRUE(consumer.EnsureGroup().ok());
    EXPECT_FALSE(consumer.PollOnce().ok());
    EXPECT_THAT(recorder.entities(), ElementsAre("a", "b"));
  }
  // A crash of a process that had read d and e but not handled them.
  Add(MakeEvent("d", 1));
  Add(MakeEvent("e", 1));
  absl::StatusOr<RedisReply> read = server_.Command(
      {"XREADGROUP", "GROUP", kGroup, "c1", "COUNT", "10", "STREAMS", kStream, ">"});
  ASSERT_TRUE(read.ok() && !read->is_error());
  Add(MakeEvent("f", 1));
  EXPECT_EQ(PendingCount(), 4);  // b, c, d, e

  Recorder recorder;
  StreamConsumer consumer(redis_.get(), MakeOptions("c1"), recorder.Handler());
  ASSERT_TRUE(PollUntil(consumer, [&] { return recorder.entities().size() >= 5; }));
  EXPECT_THAT(recorder.entities(), ElementsAre("b", "c", "d", "e", "f"));
  EXPECT_EQ(PendingCount(), 0);
}

TEST_F(StreamConsumerTest, ClaimsEntriesOfADeadConsumerAfterMinIdle) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Add(MakeEvent(absl::StrCat("w", i), 1)));
  StreamConsumer::Options options = MakeOptions("alive");
  {
    Recorder unused;
    StreamConsumer creator(redis_.get(), options, unused.Handler());
    ASSERT_TRUE(creator.EnsureGroup().ok());
  }
  // "dead" reads everything and never acknowledges.
  absl::StatusOr<RedisReply> read = server_.Command(
      {"XREADGROUP", "GROUP", kGroup, "dead", "COUNT", "10", "STREAMS", kStream, ">"});
  ASSERT_TRUE(read.ok() && !read->is_error());
  ASSERT_EQ(PendingCount(), 5);

  {
    // Entries are not claimed before they have been idle for claim_min_idle.
    Recorder recorder;
    StreamConsumer::Options patient = options;
    patient.claim_min_idle = absl::Hours(1);
    StreamConsumer consumer(redis_.get(), patient, recorder.Handler());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(consumer.PollOnce().ok());
    EXPECT_TRUE(recorder.entities().empty());
    EXPECT_EQ(consumer.stats().claimed, 0);
  }

  Recorder recorder;
  options.claim_min_idle = absl::Milliseconds(50);
  StreamConsumer consumer(redis_.get(), options, recorder.Handler());
  // batch_size 3: the XAUTOCLAIM scan continues over two rounds.
  ASSERT_TRUE(PollUntil(consumer, [&] { return recorder.ids().size() >= 5; }));
  EXPECT_EQ(recorder.ids(), ids);
  EXPECT_EQ(PendingCount(), 0);
  StreamConsumer::Stats stats = consumer.stats();
  EXPECT_EQ(stats.claimed, 5);
  EXPECT_EQ(stats.acked, 5);
}

TEST_F(StreamConsumerTest, PoisonEntriesAreAcknowledgedAndCounted) {
  Add(MakeEvent("before", 1));
  AddFields({"type", "worker.updated", "entity_id", "x"});  // no event field
  AddFields({std::string(kStreamEventField), std::string("\xff\xff\xff\xff", 4)});  // unparsable
  Add(MakeEvent("after", 1));
  Recorder recorder;
  StreamConsumer consumer(redis_.get(), MakeOptions("c1"), recorder.Handler());
  ASSERT_TRUE(PollUntil(consumer, [&] { return recorder.entities().size() >= 2; }));
  EXPECT_THAT(recorder.entities(), ElementsAre("before", "after"));
  EXPECT_EQ(PendingCount(), 0);
  StreamConsumer::Stats stats = consumer.stats();
  EXPECT_EQ(stats.poison, 2);
  EXPECT_EQ(stats.delivered, 2);
  EXPECT_EQ(stats.acked, 4);
}

TEST_F(StreamConsumerTest, PendingEntryDeletedFromTheStreamIsReleased) {
  Add(MakeEvent("a", 1));
  const std::string doomed = Add(MakeEvent("b", 1));
  Add(MakeEvent("c", 1));
  Recorder recorder;
  recorder.FailWhen(
      [](const StreamConsumer::Entry& entry) { return entry.event.entity_id() == "a"; });
  StreamConsumer::Options options = MakeOptions("c1");
  ManualClock clock(absl::FromUnixSeconds(1'700'000'000));
  options.clock = &clock;
  StreamConsumer consumer(redis_.get(), options, recorder.Handler());
  EXPECT_FALSE(consumer.PollOnce().ok());  // a, b, c pending
  absl::StatusOr<RedisReply> del = server_.Command({"XDEL", kStream, doomed});
  ASSERT_TRUE(del.ok() && del->integer == 1);

  recorder.FailWhen(nullptr);
  clock.Advance(absl::Minutes(1));
  ASSERT_TRUE(PollUntil(consumer, [&] { return recorder.entities().size() >= 3; }));
  EXPECT_THAT(recorder.entities(), ElementsAre("a", "a", "c"));
  EXPECT_EQ(PendingCount(), 0);
  EXPECT_EQ(consumer.stats().deleted, 1);
}

TEST_F(StreamConsumerTest, SurvivesRedisRestartWithoutPersistence) {
  Add(MakeEvent("before", 1));
  Recorder recorder;
  StreamConsumer consumer(redis_.get(), MakeOptions("c1"), recorder.Handler());
  ASSERT_TRUE(consumer.EnsureGroup().ok());
  ASSERT_TRUE(PollUntil(consumer, [&] { return recorder.entities().size() >= 1; }));

  server_.Kill();
  absl::StatusOr<int> down = consumer.PollOnce();
  ASSERT_FALSE(down.ok());
  EXPECT_TRUE(absl::IsUnavailable(down.status())) << down.status();
  EXPECT_TRUE(absl::IsUnavailable(consumer.stats().last_error));
  EXPECT_FALSE(consumer.stats().caught_up);

  // Back without the stream or the group.
  ASSERT_TRUE(server_.Restart().ok());
  Add(MakeEvent("after", 1));
  ASSERT_TRUE(PollUntil(consumer, [&] { return recorder.entities().size() >= 2; }));
  EXPECT_THAT(recorder.entities(), ElementsAre("before", "after"));
  EXPECT_EQ(consumer.stats().group_recreated, 1);
  EXPECT_EQ(PendingCount(), 0);

  // And it keeps following the stream.
  Add(MakeEvent("later", 1));
  ASSERT_TRUE(PollUntil(consumer, [&] { return recorder.entities().size() >= 3; }));
  EXPECT_THAT(recorder.entities(), ElementsAre("before", "after", "later"));
}

TEST_F(StreamConsumerTest, BackgroundThreadConsumesAndStops) {
  Recorder recorder;
  StreamConsumer consumer(redis_.get(), MakeOptions("c1"), recorder.Handler());
  ASSERT_TRUE(consumer.EnsureGroup().ok());
  consumer.Start();
  consumer.Start();  // no-op while running
  std::vector<std::string> expected;
  for (int i = 0; i < 20; ++i) {
    expected.push_back(absl::StrCat("w", i));
    Add(MakeEvent(expected.back(), 1));
  }
  ASSERT_TRUE(WaitUntil([&] { return consumer.stats().acked >= 20; }));
  ASSERT_TRUE(WaitUntil([&] { return consumer.stats().caught_up; }));
  consumer.Stop();
  consumer.Stop();  // idempotent
  EXPECT_THAT(recorder.entities(), ElementsAreArray(expected));
  EXPECT_EQ(PendingCount(), 0);

  // Stopped: new entries wait in the stream until it runs again.
  Add(MakeEvent("w20", 1));
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(recorder.entities().size(), 20u);
  consumer.Start();
  ASSERT_TRUE(WaitUntil([&] { return consumer.stats().acked >= 21; }));
  // The destructor stops it.
}

TEST_F(StreamConsumerTest, StopDoesNotWaitOutAHandlerBackoff) {
  Add(MakeEvent("a", 1));
  Recorder recorder;
  recorder.FailWhen([](const StreamConsumer::Entry&) { return true; });
  StreamConsumer::Options options = MakeOptions("c1");
  options.initial_backoff = absl::Hours(1);
  options.max_backoff = absl::Hours(1);
  StreamConsumer consumer(redis_.get(), options, recorder.Handler());
  consumer.Start();
  ASSERT_TRUE(WaitUntil([&] { return consumer.stats().handler_failures >= 1; }));
  consumer.Stop();  // would hang for an hour if it waited out the backoff
  EXPECT_EQ(consumer.stats().handler_failures, 1);
  EXPECT_EQ(PendingCount(), 1);
}

TEST_F(StreamConsumerTest, StopDoesNotWaitOutARedisBackoff) {
  Recorder recorder;
  StreamConsumer::Options options = MakeOptions("c1");
  options.initial_backoff = absl::Hours(1);
  options.max_backoff = absl::Hours(1);
  StreamConsumer consumer(redis_.get(), options, recorder.Handler());
  server_.Kill();
  consumer.Start();
  ASSERT_TRUE(WaitUntil([&] { return absl::IsUnavailable(consumer.stats().last_error); }));
  consumer.Stop();
  EXPECT_TRUE(recorder.entities().empty());
}

TEST_F(StreamConsumerTest, StopLeavesTheRestOfABatchPendingForNextTime) {
  const std::vector<std::string> all = {"w0", "w1", "w2"};
  for (const std::string& entity : all) Add(MakeEvent(entity, 1));
  Recorder recorder;
  absl::Notification first_handled;
  absl::Notification stop_requested;
  StreamConsumer consumer(redis_.get(), MakeOptions("c1"), [&](const StreamConsumer::Entry& entry) {
    absl::Status status = recorder.Handler()(entry);
    if (!first_handled.HasBeenNotified()) {
      first_handled.Notify();
      // Hold the first entry until Stop() is under way (the short sleep
      // gives the stopper time to raise the flag; the assertions below hold
      // either way).
      stop_requested.WaitForNotificationWithTimeout(kDeadline);
      absl::SleepFor(absl::Milliseconds(100));
    }
    return status;
  });
  consumer.Start();
  ASSERT_TRUE(first_handled.WaitForNotificationWithTimeout(kDeadline));
  std::thread stopper([&] { consumer.Stop(); });
  stop_requested.Notify();
  stopper.join();

  // What was handled was acknowledged; the rest waits, and a restarted
  // consumer continues exactly there, in order.
  const std::vector<std::string> handled = recorder.entities();
  ASSERT_GE(handled.size(), 1u);
  ASSERT_LE(handled.size(), all.size());
  EXPECT_EQ(handled, std::vector<std::string>(all.begin(), all.begin() + handled.size()));
  EXPECT_EQ(PendingCount(), static_cast<int64_t>(all.size() - handled.size()));

  Recorder next;
  StreamConsumer restarted(redis_.get(), MakeOptions("c1"), next.Handler());
  ASSERT_TRUE(PollUntil(restarted, [&] { return handled.size() + next.entities().size() >= 3; }));
  std::vector<std::string> combined = handled;
  for (const std::string& entity : next.entities()) combined.push_back(entity);
  EXPECT_EQ(combined, all);
  EXPECT_EQ(PendingCount(), 0);
}

TEST(StreamConsumerDeathTest, RequiresCommandTimeoutAboveBlock) {
  RedisClient::Options client_options;
  client_options.command_timeout = absl::Milliseconds(250);
  RedisClient client(client_options);
  StreamConsumer::Options options;
  options.stream = kStream;
  options.group = kGroup;
  options.consumer = "c1";
  options.block = absl::Milliseconds(200);
  auto construct = [&] {
    StreamConsumer consumer(&client, options,
                            [](const StreamConsumer::Entry&) { return absl::OkStatus(); });
  };
  EXPECT_DEATH(construct(), "command_timeout");
}

}  // namespace
}  // namespace labor
