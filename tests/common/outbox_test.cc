#include "common/outbox.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/cache.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/util.h"

namespace labor {
namespace {

using ::labor::testing::RedisServer;
using ::labor::testing::TempDir;

constexpr char kStream[] = "labor.events.profile";

struct StreamEntry {
  std::string id;
  v1::Event event;
  std::string type, entity_id, version;
};

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    redis_ = std::make_unique<RedisClient>(server_.ClientOptions());
    OpenAll();
  }

  void OpenAll() {
    RocksStore::Options options;
    options.path = dir_.Sub("db");
    options.column_families = {"workers", std::string(kOutboxCf), std::string(kMetaCf)};
    options.block_cache_bytes = 4 << 20;
    auto store = RocksStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto outbox = Outbox::Open(store_.get(), "profile", &clock_);
    ASSERT_TRUE(outbox.ok()) << outbox.status();
    outbox_ = std::move(*outbox);
  }

  // A crash: everything in memory is gone, the store and Redis stay.
  void ReopenAll() {
    outbox_.reset();
    store_.reset();
    OpenAll();
  }

  OutboxRelay MakeRelay(OutboxRelay::Options options = {},
                        OutboxRelay::SideEffects side_effects = nullptr) {
    return OutboxRelay(store_.get(), outbox_.get(), redis_.get(), options, std::move(side_effects));
  }

  static v1::Event MakeEvent(const std::string& entity, int64_t version) {
    v1::Event event;
    event.set_type("worker.updated");
    event.set_entity_id(entity);
    event.set_entity_version(version);
    event.set_payload("snapshot-" + entity);
    event.set_payload_type("labor.v1.Worker");
    return event;
  }

  // One service write: the record and its event in one batch.
  uint64_t Commit(const std::string& entity, int64_t version) {
    rocksdb::WriteBatch batch;
    batch.Put(store_->cf("workers"), entity, absl::StrCat("record v", version));
    Outbox::Reservation reservation = outbox_->Add(&batch, MakeEvent(entity, version));
    EXPECT_TRUE(store_->Write(&batch).ok());
    outbox_->NotifyCommitted();
    return reservation.seq();
  }

  std::string Id(uint64_t seq) const { return absl::StrCat(outbox_->epoch_ms(), "-", seq); }

  std::vector<StreamEntry> ReadStream() {
    std::vector<StreamEntry> out;
    auto reply = server_.Command({"XRANGE", kStream, "-", "+"});
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return out;
    for (const RedisReply& item : reply->elements) {
      StreamEntry entry;
      entry.id = item.elements[0].str;
      const auto& fields = item.elements[1].elements;
      for (size_t i = 0; i + 1 < fields.size(); i += 2) {
        const std::string& name = fields[i].str;
        const std::string& value = fields[i + 1].str;
        if (name == kStreamEventField) {
          EXPECT_TRUE(entry.event.ParseFromString(value));
        }
        if (name == "type") entry.type = value;
        if (name == "entity_id") entry.entity_id = value;
        if (name == "version") entry.version = value;
      }
      out.push_back(std::move(entry));
    }
    return out;
  }

  std::vector<std::string> StreamIds() {
    std::vector<std::string> ids;
    for (const auto& e : ReadStream()) ids.push_back(e.id);
    return ids;
  }

  long long StreamLength() {
    auto reply = server_.Command({"XLEN", kStream});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? reply->integer : -1;
  }

  int64_t Pending(const OutboxRelay& relay) {
    auto count = relay.PendingCount();
    EXPECT_TRUE(count.ok()) << count.status();
    return count.ok() ? *count : -1;
  }

  TempDir dir_;
  ManualClock clock_{absl::FromUnixMillis(1'700'000'000'123)};
  RedisServer server_;
  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<RocksStore> store_;
  std::unique_ptr<Outbox> outbox_;
};

TEST_F(OutboxTest, PublishesInOrderWithExactIds) {
  EXPECT_EQ(outbox_->epoch_ms(), 1'700'000'000'123u);
  EXPECT_EQ(outbox_->stream(), kStream);
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(Commit(absl::StrCat("w", i), i * 10), uint64_t(i));
  OutboxRelay relay = MakeRelay();
  EXPECT_EQ(Pending(relay), 5);

  auto published = relay.PublishOnce();
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(*published, 5);
  EXPECT_EQ(relay.published_total(), 5);
  EXPECT_EQ(Pending(relay), 0);

  std::vector<StreamEntry> entries = ReadStream();
  ASSERT_EQ(entries.size(), 5u);
  for (int i = 1; i <= 5; ++i) {
    const StreamEntry& e = entries[i - 1];
    EXPECT_EQ(e.id, absl::StrCat("1700000000123-", i));
    EXPECT_EQ(e.event.event_id(), absl::StrCat("profile-1700000000123-", i));
    EXPECT_EQ(e.event.entity_id(), absl::StrCat("w", i));
    EXPECT_EQ(e.event.entity_version(), i * 10);
    EXPECT_EQ(e.event.payload(), absl::StrCat("snapshot-w", i));
    EXPECT_EQ(e.event.occurred_at().seconds(), 1'700'000'000);
    EXPECT_EQ(e.event.occurred_at().nanos(), 123'000'000);
    EXPECT_EQ(e.type, "worker.updated");
    EXPECT_EQ(e.entity_id, absl::StrCat("w", i));
    EXPECT_EQ(e.version, absl::StrCat(i * 10));
  }
  // Nothing left: an empty round.
  published = relay.PublishOnce();
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(*published, 0);
  EXPECT_EQ(StreamLength(), 5);
}

TEST_F(OutboxTest, KeepsACallerSetOccurredAt) {
  rocksdb::WriteBatch batch;
  v1::Event event = MakeEvent("w1", 1);
  event.mutable_occurred_at()->set_seconds(42);
  { Outbox::Reservation r = outbox_->Add(&batch, event); }
  ASSERT_TRUE(store_->Write(&batch).ok());
  OutboxRelay relay = MakeRelay();
  ASSERT_TRUE(relay.PublishOnce().ok());
  auto entries = ReadStream();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].event.occurred_at().seconds(), 42);
}

TEST_F(OutboxTest, SeveralEventsInOneBatch) {
  rocksdb::WriteBatch batch;
  std::vector<Outbox::Reservation> reservations;
  reservations.push_back(outbox_->Add(&batch, MakeEvent("w1", 1)));
  reservations.push_back(outbox_->Add(&batch, MakeEvent("household-1", 1)));
  EXPECT_EQ(reservations[0].seq(), 1u);
  EXPECT_EQ(reservations[1].seq(), 2u);
  EXPECT_EQ(outbox_->LowestInFlight(), 1u);
  ASSERT_TRUE(store_->Write(&batch).ok());
  reservations.clear();
  EXPECT_EQ(outbox_->LowestInFlight(), UINT64_MAX);

  OutboxRelay relay = MakeRelay();
  auto published = relay.PublishOnce();
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(*published, 2);
  EXPECT_EQ(StreamIds(), (std::vector<std::string>{Id(1), Id(2)}));
}

TEST_F(OutboxTest, BatchSizeLimitsARound) {
  for (int i = 1; i <= 5; ++i) Commit(absl::StrCat("w", i), 1);
  OutboxRelay::Options options;
  options.batch_size = 2;
  OutboxRelay relay = MakeRelay(options);
  std::vector<int> rounds;
  for (int i = 0; i < 4; ++i) {
    auto published = relay.PublishOnce();
    ASSERT_TRUE(published.ok()) << published.status();
    rounds.push_back(*published);
  }
  EXPECT_EQ(rounds, (std::vector<int>{2, 2, 1, 0}));
  EXPECT_EQ(StreamIds(), (std::vector<std::string>{Id(1), Id(2), Id(3), Id(4), Id(5)}));
}

TEST_F(OutboxTest, ReplayAfterCrashIsNotDuplicated) {
  for (int i = 1; i <= 3; ++i) Commit(absl::StrCat("w", i), 1);
  // Keep the raw outbox entries to put them back later.
  std::vector<std::pair<std::string, std::string>> raw;
  {
    auto it = store_->NewIterator(kOutboxCf);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      raw.emplace_back(it->key().ToString(), it->value().ToString());
    }
  }
  ASSERT_EQ(raw.size(), 3u);
  {
    OutboxRelay relay = MakeRelay();
    auto published = relay.PublishOnce();
    ASSERT_TRUE(published.ok()) << published.status();
    ASSERT_EQ(*published, 3);
  }
  ASSERT_EQ(StreamLength(), 3);

  // A crash between XADD and the delete: the entries are still in the store.
  rocksdb::WriteBatch restore;
  for (const auto& [key, value] : raw) restore.Put(store_->cf(kOutboxCf), key, value);
  ASSERT_TRUE(store_->Write(&restore).ok());
  ReopenAll();
  EXPECT_EQ(Commit("w4", 1), 4u);  // the sequence continues after them

  OutboxRelay relay = MakeRelay();
  EXPECT_EQ(Pending(relay), 4);
  auto published = relay.PublishOnce();
  ASSERT_TRUE(published.ok()) << published.status();
  // Three confirmed as already published, one new; nothing duplicated.
  EXPECT_EQ(*published, 4);
  EXPECT_EQ(Pending(relay), 0);
  EXPECT_EQ(StreamLength(), 4);
  EXPECT_EQ(StreamIds(), (std::vector<std::string>{Id(1), Id(2), Id(3), Id(4)}));
}

TEST_F(OutboxTest, NeverPublishesPastAnInFlightSequence) {
  EXPECT_EQ(Commit("w1", 1), 1u);
  // A write that reserved sequence 2 but has not committed yet ...
  rocksdb::WriteBatch slow_batch;
  std::optional<Outbox::Reservation> slow;
  slow.emplace(outbox_->Add(&slow_batch, MakeEvent("w2", 1)));
  EXPECT_EQ(slow->seq(), 2u);
  // ... while a later write commits.
  EXPECT_EQ(Commit("w3", 1), 3u);
  EXPECT_EQ(outbox_->LowestInFlight(), 2u);

  OutboxRelay relay = MakeRelay();
  auto published = relay.PublishOnce();
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(*published, 1);
  EXPECT_EQ(StreamIds(), (std::vector<std::string>{Id(1)}));
  EXPECT_EQ(Pending(relay), 1);  // sequence 3 waits
  published = relay.PublishOnce();
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(*published, 0);

  ASSERT_TRUE(store_->Write(&slow_batch).ok());
  slow.reset();
  published = relay.PublishOnce();
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(*published, 2);
  EXPECT_EQ(StreamIds(), (std::vector<std::string>{Id(1), Id(2), Id(3)}));
}

TEST_F(OutboxTest, AbandonedReservationLeavesAGap) {
  {
    // The batch failed (never written): the sequence is simply skipped.
    rocksdb::WriteBatch failed;
    Outbox::Reservation r = outbox_->Add(&failed, MakeEvent("w1", 1));
    EXPECT_EQ(r.seq(), 1u);
  }
  EXPECT_EQ(Commit("w2", 1), 2u);
  OutboxRelay relay = MakeRelay();
  auto published = relay.PublishOnce();
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(*published, 1);
  EXPECT_EQ(StreamIds(), (std::vector<std::string>{Id(2)}));
}

TEST_F(OutboxTest, LargeRoundsAreDeletedAsARangeAndLaterEventsStay) {
  // 100 events with an abandoned reservation among them: one round, deleted
  // as a range (the relay uses a range tombstone from 64 events on).
  for (int i = 1; i <= 100; ++i) {
    if (i == 50) {
      rocksdb::WriteBatch failed;
      Outbox::Reservation abandoned = outbox_->Add(&failed, MakeEvent("gap", 1));
      continue;
    }
    Commit(absl::StrCat("w", i), 1);
  }
  {
    OutboxRelay relay = MakeRelay();
    auto published = relay.PublishOnce();
    ASSERT_TRUE(published.ok()) << published.status();
    EXPECT_EQ(*published, 99);
    EXPECT_EQ(Pending(relay), 0);
  }
  // Events committed after the range, and after a crash, are all still there
  // and go out once, in order.
  EXPECT_EQ(Commit("late1", 1), 101u);
  ReopenAll();
  EXPECT_EQ(Commit("late2", 1), 102u);
  OutboxRelay relay = MakeRelay();
  EXPECT_EQ(Pending(relay), 2);
  auto published = relay.PublishOnce();
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(*published, 2);
  EXPECT_EQ(StreamLength(), 101);
  std::vector<std::string> ids = StreamIds();
  ASSERT_EQ(ids.size(), 101u);
  EXPECT_EQ(ids[48], Id(49));
  EXPECT_EQ(ids[49], Id(51));
  EXPECT_EQ(ids[99], Id(101));
  EXPECT_EQ(ids[100], Id(102));
}

TEST_F(OutboxTest, RedisDownKeepsEventsThenDeliversExactlyOnce) {
  for (int i = 1; i <= 3; ++i) Commit(absl::StrCat("w", i), 1);
  OutboxRelay relay = MakeRelay();
  server_.Stop();
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto published = relay.PublishOnce();
    ASSERT_FALSE(published.ok());
    EXPECT_EQ(published.status().code(), absl::StatusCode::kUnavailable) << published.status();
  }
  EXPECT_EQ(Pending(relay), 3);
  EXPECT_EQ(relay.published_total(), 0);
  Commit("w4", 1);  // writes still succeed while Redis is down

  ASSERT_TRUE(server_.Restart().ok());  // no persistence: an empty stream
  absl::StatusOr<int> published;
  for (int i = 0; i <= redis_->options().pool_size; ++i) {
    published = relay.PublishOnce();
    if (published.ok()) break;
  }
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(*published, 4);
  EXPECT_EQ(Pending(relay), 0);
  published = relay.PublishOnce();
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(*published, 0);
  EXPECT_EQ(StreamIds(), (std::vector<std::string>{Id(1), Id(2), Id(3), Id(4)}));
}

TEST_F(OutboxTest, BackgroundRelayRidesOutAnOutage) {
  OutboxRelay::Options options;
  options.idle_wait = absl::Milliseconds(20);
  options.max_backoff = absl::Milliseconds(100);
  OutboxRelay relay = MakeRelay(options);
  server_.Stop();
  relay.Start();
  for (int i = 1; i <= 20; ++i) Commit(absl::StrCat("w", i), i);
  ASSERT_TRUE(server_.Restart().ok());
  // Wait (not a timing assertion: the deadline only bounds a hang).
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (Pending(relay) > 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  relay.Stop();
  EXPECT_EQ(Pending(relay), 0);
  std::vector<std::string> expected;
  for (int i = 1; i <= 20; ++i) expected.push_back(Id(i));
  EXPECT_EQ(StreamIds(), expected);
  EXPECT_EQ(relay.published_total(), 20);
}

TEST_F(OutboxTest, SequencesContinueAfterTheOutboxEmptied) {
  Commit("w1", 1);
  Commit("w2", 1);
  {
    OutboxRelay relay = MakeRelay();
    ASSERT_TRUE(relay.PublishOnce().ok());
    EXPECT_EQ(Pending(relay), 0);
  }
  clock_.Advance(absl::Hours(24));
  ReopenAll();
  // The epoch is fixed at first open; the sequence does not restart at 1.
  EXPECT_EQ(outbox_->epoch_ms(), 1'700'000'000'123u);
  EXPECT_EQ(Commit("w3", 1), 3u);
  OutboxRelay relay = MakeRelay();
  auto published = relay.PublishOnce();
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(*published, 1);
  auto entries = ReadStream();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[2].id, Id(3));
  EXPECT_EQ(entries[2].event.event_id(), "profile-1700000000123-3");
}

TEST_F(OutboxTest, SideEffectsRunWithThePublish) {
  VersionedCache cache(redis_.get(), "worker:", absl::Minutes(5));
  cache.Put("w1", 1, "old");
  OutboxRelay relay = MakeRelay(
      {}, [&cache](const v1::Event& event, std::vector<std::vector<std::string>>* commands) {
        commands->push_back(cache.InvalidateCommand(event.entity_id(), event.entity_version()));
        commands->push_back(
            {"SET", "last-seen:" + event.entity_id(), absl::StrCat(event.entity_version())});
      });
  Commit("w1", 2);
  auto published = relay.PublishOnce();
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(*published, 1);
  EXPECT_FALSE(cache.Get("w1").has_value());  // invalidated
  cache.Put("w1", 1, "old");                  // a stale reader loses
  EXPECT_FALSE(cache.Get("w1").has_value());
  auto seen = server_.Command({"GET", "last-seen:w1"});
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->str, "2");
}

TEST_F(OutboxTest, RefusedXaddKeepsEventsAndReportsIt) {
  Commit("w1", 1);
  // Something else took the stream's key: every XADD is refused (WRONGTYPE).
  ASSERT_TRUE(server_.Command({"SET", kStream, "not a stream"}).ok());
  OutboxRelay relay = MakeRelay();
  auto published = relay.PublishOnce();
  ASSERT_FALSE(published.ok());
  EXPECT_EQ(published.status().code(), absl::StatusCode::kInternal) << published.status();
  EXPECT_EQ(Pending(relay), 1);
  ASSERT_TRUE(server_.Command({"DEL", kStream}).ok());
  published = relay.PublishOnce();
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(*published, 1);
  EXPECT_EQ(StreamIds(), (std::vector<std::string>{Id(1)}));
}

TEST_F(OutboxTest, FullRedisRefusesTheWholeRoundThenDeliversInOrder) {
  for (int i = 1; i <= 5; ++i) Commit(absl::StrCat("w", i), 1);
  // Out of memory with noeviction: Redis refuses the round's transaction as
  // a whole, so no event of it lands ahead of another.
  ASSERT_TRUE(server_.Command({"CONFIG", "SET", "maxmemory-policy", "noeviction"}).ok());
  ASSERT_TRUE(server_.Command({"CONFIG", "SET", "maxmemory", "1"}).ok());
  OutboxRelay relay = MakeRelay();
  auto published = relay.PublishOnce();
  ASSERT_FALSE(published.ok());
  EXPECT_EQ(published.status().code(), absl::StatusCode::kInternal) << published.status();
  EXPECT_THAT(std::string(published.status().message()), ::testing::HasSubstr("OOM"));
  EXPECT_EQ(Pending(relay), 5);
  EXPECT_EQ(StreamLength(), 0);
  ASSERT_TRUE(server_.Command({"CONFIG", "SET", "maxmemory", "0"}).ok());
  published = relay.PublishOnce();
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(*published, 5);
  EXPECT_EQ(StreamIds(), (std::vector<std::string>{Id(1), Id(2), Id(3), Id(4), Id(5)}));
  EXPECT_EQ(Pending(relay), 0);
}

TEST_F(OutboxTest, TrimsTheStreamApproximately) {
  OutboxRelay::Options options;
  options.stream_max_len = 10;
  OutboxRelay relay = MakeRelay(options);
  for (int i = 1; i <= 500; ++i) Commit(absl::StrCat("w", i), 1);
  int total = 0;
  while (true) {
    auto published = relay.PublishOnce();
    ASSERT_TRUE(published.ok()) << published.status();
    if (*published == 0) break;
    total += *published;
  }
  EXPECT_EQ(total, 500);
  // "~" trims whole nodes only: far below 500, at least the 10 asked for.
  EXPECT_GE(StreamLength(), 10);
  EXPECT_LT(StreamLength(), 500);
  // The top entry is never trimmed.
  auto last = server_.Command({"XREVRANGE", kStream, "+", "-", "COUNT", "1"});
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->elements.size(), 1u);
  EXPECT_EQ(last->elements[0].elements[0].str, Id(500));
}

TEST_F(OutboxTest, OpenRejectsAnEmptyServiceName) {
  EXPECT_EQ(Outbox::Open(store_.get(), "", &clock_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace labor
