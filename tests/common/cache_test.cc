#include "common/cache.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/redis_server.h"

namespace labor {
namespace {

using ::labor::testing::RedisServer;

constexpr int64_t kMax = VersionedCache::kErasedVersion;

class VersionedCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    client_ = std::make_unique<RedisClient>(server_.ClientOptions());
    cache_ = std::make_unique<VersionedCache>(client_.get(), "worker:", absl::Minutes(10));
  }

  std::string Show(absl::string_view id) {
    std::optional<std::string> value = cache_->Get(id);
    return value.has_value() ? *value : "<miss>";
  }

  RedisServer server_;
  std::unique_ptr<RedisClient> client_;
  std::unique_ptr<VersionedCache> cache_;
};

TEST_F(VersionedCacheTest, PutThenGet) {
  EXPECT_EQ(Show("w1"), "<miss>");
  cache_->Put("w1", 1, "one");
  EXPECT_EQ(Show("w1"), "one");
  EXPECT_EQ(cache_->hits(), 1);
  EXPECT_EQ(cache_->misses(), 1);
  EXPECT_EQ(cache_->errors(), 0);
  // Keys carry the prefix.
  auto raw = server_.Command({"EXISTS", "worker:w1"});
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->integer, 1);
}

TEST_F(VersionedCacheTest, BinaryPayloads) {
  const std::string payload("\0|T|V\xff\r\n", 8);
  cache_->Put("w1", 7, payload);
  EXPECT_EQ(Show("w1"), payload);
  cache_->Put("w2", 1, "");
  std::optional<std::string> empty = cache_->Get("w2");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(*empty, "");
}

TEST_F(VersionedCacheTest, NewerVersionReplacesOlder) {
  cache_->Put("w1", 1, "v1");
  cache_->Put("w1", 2, "v2");
  EXPECT_EQ(Show("w1"), "v2");
}

TEST_F(VersionedCacheTest, StaleReaderCannotOverwriteNewer) {
  cache_->Put("w1", 5, "v5");
  cache_->Put("w1", 4, "v4");  // a reader that loaded before the last write
  cache_->Put("w1", 0, "v0");
  EXPECT_EQ(Show("w1"), "v5");
}

TEST_F(VersionedCacheTest, SameVersionValueStays) {
  cache_->Put("w1", 3, "first");
  cache_->Put("w1", 3, "second");
  EXPECT_EQ(Show("w1"), "first");
}

TEST_F(VersionedCacheTest, InvalidateThenPutOfSameVersion) {
  cache_->Put("w1", 1, "v1");
  // Version 2 was committed: the relay invalidates everything below it.
  cache_->Invalidate("w1", 2);
  EXPECT_EQ(Show("w1"), "<miss>");
  // A slow reader still holding version 1 cannot bring it back ...
  cache_->Put("w1", 1, "v1");
  EXPECT_EQ(Show("w1"), "<miss>");
  // ... but the reader that loaded version 2 fills the cache.
  cache_->Put("w1", 2, "v2");
  EXPECT_EQ(Show("w1"), "v2");
  cache_->Put("w1", 3, "v3");
  EXPECT_EQ(Show("w1"), "v3");
  EXPECT_EQ(cache_->errors(), 0);
}

TEST_F(VersionedCacheTest, InvalidateOfAbsentEntryBlocksOlderPuts) {
  cache_->Invalidate("w1", 5);
  cache_->Put("w1", 4, "v4");
  EXPECT_EQ(Show("w1"), "<miss>");
  cache_->Put("w1", 6, "v6");
  EXPECT_EQ(Show("w1"), "v6");
}

TEST_F(VersionedCacheTest, InvalidateKeepsEntriesAtOrAboveItsVersion) {
  cache_->Put("w1", 3, "v3");
  cache_->Invalidate("w1", 2);
  EXPECT_EQ(Show("w1"), "v3");
  cache_->Invalidate("w1", 3);
  EXPECT_EQ(Show("w1"), "v3");
  cache_->Invalidate("w1", 4);
  EXPECT_EQ(Show("w1"), "<miss>");
  // A lower invalidation does not lower the tombstone.
  cache_->Invalidate("w1", 1);
  cache_->Put("w1", 3, "v3");
  EXPECT_EQ(Show("w1"), "<miss>");
}

TEST_F(VersionedCacheTest, TombstoneCountsAsMiss) {
  cache_->Invalidate("w1", 1);
  EXPECT_FALSE(cache_->Get("w1").has_value());
  EXPECT_EQ(cache_->misses(), 1);
  EXPECT_EQ(cache_->hits(), 0);
  EXPECT_EQ(cache_->errors(), 0);
}

TEST_F(VersionedCacheTest, EraseBlocksEveryPut) {
  cache_->Put("w1", 1, "v1");
  cache_->Erase("w1");
  EXPECT_EQ(Show("w1"), "<miss>");
  cache_->Put("w1", 2, "v2");
  cache_->Put("w1", kMax - 1, "huge");
  cache_->Invalidate("w1", kMax - 1);
  EXPECT_EQ(Show("w1"), "<miss>");
  EXPECT_EQ(cache_->errors(), 0);
  // kErasedVersion itself (and negatives) are not valid versions.
  cache_->Put("w1", kMax, "max");
  cache_->Put("w2", -1, "negative");
  EXPECT_EQ(cache_->errors(), 2);
  EXPECT_EQ(Show("w1"), "<miss>");
  EXPECT_EQ(Show("w2"), "<miss>");
}

TEST_F(VersionedCacheTest, InvalidateAtErasedVersionErases) {
  cache_->Put("w1", 3, "v3");
  auto replies = client_->Pipeline({cache_->InvalidateCommand("w1", kMax)});
  ASSERT_TRUE(replies.ok()) << replies.status();
  EXPECT_EQ(Show("w1"), "<miss>");
  cache_->Put("w1", kMax - 1, "huge");
  EXPECT_EQ(Show("w1"), "<miss>");
  cache_->Put("w2", 1, "v1");
  cache_->Invalidate("w2", kMax);
  cache_->Put("w2", kMax - 1, "huge");
  EXPECT_EQ(Show("w2"), "<miss>");
  EXPECT_EQ(cache_->errors(), 0);
  // Same state as Erase: the stored values are identical.
  cache_->Erase("w3");
  auto erased = server_.Command({"GET", "worker:w3"});
  auto invalidated = server_.Command({"GET", "worker:w2"});
  ASSERT_TRUE(erased.ok() && invalidated.ok());
  EXPECT_EQ(erased->str, invalidated->str);
}

TEST_F(VersionedCacheTest, VersionsCompareExactlyBeyondDoublePrecision) {
  // Adjacent versions that a double (Lua number) would not tell apart.
  cache_->Put("a", kMax - 1, "newer");
  cache_->Put("a", kMax - 2, "older");
  EXPECT_EQ(Show("a"), "newer");
  cache_->Put("b", (int64_t{1} << 53), "older");
  cache_->Put("b", (int64_t{1} << 53) + 1, "newer");
  EXPECT_EQ(Show("b"), "newer");
  cache_->Invalidate("c", 9'000'000'000'000'000'001);
  cache_->Put("c", 9'000'000'000'000'000'000, "older");
  EXPECT_EQ(Show("c"), "<miss>");
  cache_->Put("c", 9'000'000'000'000'000'001, "same");
  EXPECT_EQ(Show("c"), "same");
  // Digits straddling the split point of the exact comparison.
  cache_->Put("d", 9'999'999'999, "older");
  cache_->Put("d", 10'000'000'000, "newer");
  EXPECT_EQ(Show("d"), "newer");
}

TEST_F(VersionedCacheTest, EveryWriteSetsTheTtl) {
  auto pttl = [this](const std::string& key) {
    auto reply = server_.Command({"PTTL", key});
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? reply->integer : -100;
  };
  cache_->Put("p", 1, "v");
  cache_->Invalidate("i", 1);
  cache_->Erase("e");
  for (const char* key : {"worker:p", "worker:i", "worker:e"}) {
    const long long ttl = pttl(key);
    EXPECT_GT(ttl, 0) << key;
    EXPECT_LE(ttl, 10 * 60 * 1000) << key;
  }
}

TEST_F(VersionedCacheTest, ForeignValueIsAMissAndGetsReplaced) {
  ASSERT_TRUE(server_.Command({"SET", "worker:w1", "not-ours"}).ok());
  EXPECT_EQ(Show("w1"), "<miss>");
  EXPECT_EQ(cache_->errors(), 1);
  cache_->Put("w1", 1, "v1");
  EXPECT_EQ(Show("w1"), "v1");
}

TEST_F(VersionedCacheTest, InvalidateCommandWorksInAPipeline) {
  cache_->Put("w1", 1, "v1");
  cache_->Put("w2", 5, "v5");
  auto replies =
      client_->Pipeline({cache_->InvalidateCommand("w1", 2), cache_->InvalidateCommand("w2", 5)});
  ASSERT_TRUE(replies.ok()) << replies.status();
  EXPECT_EQ((*replies)[0].integer, 1);  // tombstone set
  EXPECT_EQ((*replies)[1].integer, 0);  // newer entry kept
  EXPECT_EQ(Show("w1"), "<miss>");
  EXPECT_EQ(Show("w2"), "v5");
}

TEST_F(VersionedCacheTest, AppendInvalidationSkipsWhatAPutAlreadyReached) {
  std::vector<std::vector<std::string>> commands;
  // Nothing known about w1: the relay must invalidate.
  EXPECT_TRUE(cache_->AppendInvalidation("w1", 2, &commands));
  cache_->Put("w2", 1, "v1");
  cache_->Put("w3", 4, "v4");
  cache_->InvalidateMany({{"w1", 3}, {"w4", 2}});
  // Redis confirmed w1 at 3, w3 at 4, w4 at 2: older or equal events need
  // nothing.
  EXPECT_FALSE(cache_->AppendInvalidation("w1", 2, &commands));
  EXPECT_FALSE(cache_->AppendInvalidation("w1", 3, &commands));
  EXPECT_FALSE(cache_->AppendInvalidation("w3", 4, &commands));
  EXPECT_FALSE(cache_->AppendInvalidation("w4", 2, &commands));
  // A newer event than the confirmed put, an unknown id, an erasure: sent.
  EXPECT_TRUE(cache_->AppendInvalidation("w2", 2, &commands));
  EXPECT_TRUE(cache_->AppendInvalidation("w9", 1, &commands));
  EXPECT_TRUE(cache_->AppendInvalidation("w1", kMax, &commands));
  ASSERT_EQ(commands.size(), 4u);
  EXPECT_EQ(commands[1], cache_->InvalidateCommand("w2", 2));
  auto replies = client_->Pipeline(commands);
  ASSERT_TRUE(replies.ok()) << replies.status();
  EXPECT_EQ(Show("w2"), "<miss>");  // v1 is stale now
  EXPECT_EQ(Show("w3"), "v4");
  // InvalidateMany left tombstones: a reader's older version cannot land,
  // the version it invalidated for can.
  cache_->Put("w4", 1, "v1");
  EXPECT_EQ(Show("w4"), "<miss>");
  cache_->Put("w4", 2, "v2");
  EXPECT_EQ(Show("w4"), "v2");

  // A put Redis did not answer confirms nothing.
  server_.Kill();
  cache_->Put("w5", 7, "v7");
  commands.clear();
  EXPECT_TRUE(cache_->AppendInvalidation("w5", 7, &commands));
}

TEST_F(VersionedCacheTest, RedisDownIsAMissNeverAFailure) {
  cache_->Put("w1", 1, "v1");
  server_.Kill();
  EXPECT_FALSE(cache_->Get("w1").has_value());
  cache_->Put("w1", 2, "v2");
  cache_->Invalidate("w1", 3);
  cache_->Erase("w1");
  EXPECT_EQ(cache_->errors(), 4);
  EXPECT_EQ(cache_->misses(), 1);
  // Back (empty, no persistence): the cache works again.
  ASSERT_TRUE(server_.Restart().ok());
  std::optional<std::string> value;
  for (int i = 0; i <= client_->options().pool_size && !value.has_value(); ++i) {
    cache_->Put("w1", 2, "v2");
    value = cache_->Get("w1");
  }
  EXPECT_EQ(value, std::optional<std::string>("v2"));
}

}  // namespace
}  // namespace labor
