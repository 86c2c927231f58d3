#include "common/rocks.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/util.h"

namespace labor {
namespace {

using ::labor::testing::TempDir;

RocksStore::Options StoreOptions(const std::string& path, std::vector<std::string> cfs) {
  RocksStore::Options options;
  options.path = path;
  options.column_families = std::move(cfs);
  options.block_cache_bytes = 4 << 20;
  return options;
}

std::string GetOrDie(const RocksStore& store, absl::string_view cf, absl::string_view key) {
  auto value = store.Get(cf, key);
  EXPECT_TRUE(value.ok()) << value.status();
  if (!value.ok() || !value->has_value()) return "<absent>";
  return **value;
}

TEST(RocksStoreTest, ColumnFamilyRoundTrip) {
  TempDir dir;
  auto store = RocksStore::Open(StoreOptions(dir.Sub("db"), {"workers", "index"}));
  ASSERT_TRUE(store.ok()) << store.status();

  rocksdb::WriteBatch batch;
  batch.Put((*store)->cf("workers"), "w1", "alpha");
  batch.Put((*store)->cf("index"), "w1", "in-index");
  batch.Put((*store)->cf("default"), "k", "in-default");
  ASSERT_TRUE((*store)->Write(&batch).ok());

  EXPECT_EQ(GetOrDie(**store, "workers", "w1"), "alpha");
  EXPECT_EQ(GetOrDie(**store, "index", "w1"), "in-index");
  EXPECT_EQ(GetOrDie(**store, "default", "k"), "in-default");
  // Families are separate key spaces.
  EXPECT_EQ(GetOrDie(**store, "workers", "k"), "<absent>");
  EXPECT_EQ(GetOrDie(**store, "default", "w1"), "<absent>");
  EXPECT_TRUE((*store)->Health().ok());
}

TEST(RocksStoreTest, BinaryKeysAndValues) {
  TempDir dir;
  auto store = RocksStore::Open(StoreOptions(dir.Sub("db"), {"data"}));
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string key("a\0b", 3);
  const std::string value("\0\xff\r\n|x", 6);
  rocksdb::WriteBatch batch;
  batch.Put((*store)->cf("data"), key, value);
  ASSERT_TRUE((*store)->Write(&batch).ok());
  EXPECT_EQ(GetOrDie(**store, "data", key), value);
  EXPECT_EQ(GetOrDie(**store, "data", "a"), "<absent>");
}

TEST(RocksStoreTest, BatchAppliesAllOperationsTogether) {
  TempDir dir;
  auto store = RocksStore::Open(StoreOptions(dir.Sub("db"), {"a", "b"}));
  ASSERT_TRUE(store.ok()) << store.status();
  {
    rocksdb::WriteBatch batch;
    batch.Put((*store)->cf("a"), "x", "1");
    batch.Put((*store)->cf("a"), "gone", "soon");
    ASSERT_TRUE((*store)->Write(&batch).ok());
  }
  // One batch: an overwrite, a delete and puts in two families.
  rocksdb::WriteBatch batch;
  batch.Put((*store)->cf("a"), "x", "2");
  batch.Delete((*store)->cf("a"), "gone");
  batch.Put((*store)->cf("b"), "y", "3");
  batch.Put((*store)->cf("b"), "y", "4");  // the later op in a batch wins
  ASSERT_TRUE((*store)->Write(&batch).ok());

  EXPECT_EQ(GetOrDie(**store, "a", "x"), "2");
  EXPECT_EQ(GetOrDie(**store, "a", "gone"), "<absent>");
  EXPECT_EQ(GetOrDie(**store, "b", "y"), "4");
}

// A batch large enough to be sorted before the write (RocksStore::Write)
// must have exactly the effect of its operations in their original order.
TEST(RocksStoreTest, LargeBatchKeepsTheEffectOfItsOrder) {
  TempDir dir;
  auto store = RocksStore::Open(StoreOptions(dir.Sub("db"), {"a", "b"}));
  ASSERT_TRUE(store.ok()) << store.status();
  {
    rocksdb::WriteBatch batch;
    batch.Put((*store)->cf("a"), "old", "1");
    ASSERT_TRUE((*store)->Write(&batch).ok());
  }
  rocksdb::WriteBatch batch;
  // Descending keys over both families, so sorting really moves them.
  for (int i = 199; i >= 0; --i) {
    batch.Put((*store)->cf(i % 2 == 0 ? "a" : "b"), absl::StrCat("k", 1000 + i), absl::StrCat(i));
  }
  batch.Put((*store)->cf("a"), "k1100", "first");  // put, delete, put: the last put wins
  batch.Delete((*store)->cf("a"), "k1100");
  batch.Put((*store)->cf("a"), "k1100", "last");
  batch.Put((*store)->cf("b"), "k1101", "overwritten");
  batch.Delete((*store)->cf("b"), "k1101");  // put then delete: gone
  batch.Delete((*store)->cf("a"), "old");    // a delete of an earlier write
  ASSERT_GE(batch.Count(), 64u);
  ASSERT_TRUE((*store)->Write(&batch).ok());

  EXPECT_EQ(GetOrDie(**store, "a", "k1100"), "last");
  EXPECT_EQ(GetOrDie(**store, "b", "k1101"), "<absent>");
  EXPECT_EQ(GetOrDie(**store, "a", "old"), "<absent>");
  EXPECT_EQ(GetOrDie(**store, "a", "k1000"), "0");
  EXPECT_EQ(GetOrDie(**store, "b", "k1199"), "199");
  EXPECT_EQ(GetOrDie(**store, "a", "k1199"), "<absent>");  // odd keys went to "b"
  int in_a = 0;
  auto it = (*store)->NewIterator("a");
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++in_a;
  EXPECT_EQ(in_a, 100);
}

TEST(SortBatchTest, OrdersByFamilyThenKeyAndDropsOverwrittenOperations) {
  TempDir dir;
  auto store = RocksStore::Open(StoreOptions(dir.Sub("db"), {"a", "b"}));
  ASSERT_TRUE(store.ok()) << store.status();
  rocksdb::WriteBatch batch;
  batch.Put((*store)->cf("b"), "z", "1");
  batch.Put((*store)->cf("a"), "y", "2");
  batch.Put((*store)->cf("a"), "x", "3");
  batch.Put((*store)->cf("a"), "y", "4");
  batch.Delete((*store)->cf("b"), "a");
  std::vector<rocksdb::ColumnFamilyHandle*> handles = {(*store)->cf("a"), (*store)->cf("b")};
  ASSERT_TRUE(SortBatch(&batch, handles).ok());

  struct Seen : rocksdb::WriteBatch::Handler {
    std::vector<std::string> ops;
    rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
      ops.push_back(absl::StrCat(cf, ":put:", k.ToString(), "=", v.ToString()));
      return rocksdb::Status::OK();
    }
    rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& k) override {
      ops.push_back(absl::StrCat(cf, ":del:", k.ToString()));
      return rocksdb::Status::OK();
    }
  } seen;
  ASSERT_TRUE(batch.Iterate(&seen).ok());
  const uint32_t a = (*store)->cf("a")->GetID(), b = (*store)->cf("b")->GetID();
  ASSERT_LT(a, b);
  EXPECT_EQ(seen.ops,
            (std::vector<std::string>{absl::StrCat(a, ":put:x=3"), absl::StrCat(a, ":put:y=4"),
                                      absl::StrCat(b, ":del:a"), absl::StrCat(b, ":put:z=1")}));

  // A family the caller did not name is an error, not a silent drop.
  rocksdb::WriteBatch other;
  other.Put((*store)->cf("b"), "k", "v");
  EXPECT_EQ(SortBatch(&other, {(*store)->cf("a")}).code(), absl::StatusCode::kInternal);
}

TEST(RocksStoreTest, SnapshotIteratorSeesWholeBatchOrNothing) {
  TempDir dir;
  auto store = RocksStore::Open(StoreOptions(dir.Sub("db"), {"a"}));
  ASSERT_TRUE(store.ok()) << store.status();
  // An iterator pins the state when created: a later batch is invisible in
  // full, never partially.
  std::unique_ptr<rocksdb::Iterator> before = (*store)->NewIterator("a");
  rocksdb::WriteBatch batch;
  for (int i = 0; i < 10; ++i) batch.Put((*store)->cf("a"), EncodeBigEndian64(i), "v");
  ASSERT_TRUE((*store)->Write(&batch).ok());
  before->SeekToFirst();
  EXPECT_FALSE(before->Valid());
  std::unique_ptr<rocksdb::Iterator> after = (*store)->NewIterator("a");
  int count = 0;
  for (after->SeekToFirst(); after->Valid(); after->Next()) ++count;
  EXPECT_EQ(count, 10);
}

TEST(RocksStoreTest, DataSurvivesReopen) {
  TempDir dir;
  for (bool sync : {true, false}) {
    const std::string path = dir.Sub(sync ? "synced" : "unsynced");
    RocksStore::Options options = StoreOptions(path, {"a"});
    options.sync_writes = sync;
    {
      auto store = RocksStore::Open(options);
      ASSERT_TRUE(store.ok()) << store.status();
      rocksdb::WriteBatch batch;
      batch.Put((*store)->cf("a"), "k", "persisted");
      ASSERT_TRUE((*store)->Write(&batch).ok());
      ASSERT_TRUE((*store)->FlushWal().ok());
    }
    auto store = RocksStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(GetOrDie(**store, "a", "k"), "persisted");
  }
}

TEST(RocksStoreTest, OpensExistingFamiliesNotInOptions) {
  TempDir dir;
  {
    auto store = RocksStore::Open(StoreOptions(dir.Sub("db"), {"a", "extra"}));
    ASSERT_TRUE(store.ok()) << store.status();
    rocksdb::WriteBatch batch;
    batch.Put((*store)->cf("extra"), "k", "kept");
    ASSERT_TRUE((*store)->Write(&batch).ok());
  }
  // An older binary that does not know "extra" can still open the database,
  // and a new family is created next to it.
  auto store = RocksStore::Open(StoreOptions(dir.Sub("db"), {"a", "new"}));
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(GetOrDie(**store, "extra", "k"), "kept");
  EXPECT_EQ(GetOrDie(**store, "new", "k"), "<absent>");
}

TEST(RocksStoreTest, SecondOpenOfSamePathIsUnavailable) {
  TempDir dir;
  auto first = RocksStore::Open(StoreOptions(dir.Sub("db"), {"a"}));
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = RocksStore::Open(StoreOptions(dir.Sub("db"), {"a"}));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
}

TEST(RocksStoreTest, EmptyPathIsInvalid) {
  auto store = RocksStore::Open(StoreOptions("", {}));
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RocksStoreTest, FromRocksMapsCodes) {
  EXPECT_TRUE(FromRocks(rocksdb::Status::OK()).ok());
  EXPECT_EQ(FromRocks(rocksdb::Status::NotFound("x")).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FromRocks(rocksdb::Status::Corruption("x")).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(FromRocks(rocksdb::Status::IOError("x")).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FromRocks(rocksdb::Status::Busy("x")).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FromRocks(rocksdb::Status::TimedOut("x")).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FromRocks(rocksdb::Status::InvalidArgument("x")).code(), absl::StatusCode::kInternal);
}

TEST(BigEndianTest, RoundTripsAndSortsNumerically) {
  const std::vector<uint64_t> values = {0,         1, 255, 256, 65535, 1ULL << 32, (1ULL << 63) + 7,
                                        UINT64_MAX};
  for (uint64_t v : values) {
    const std::string encoded = EncodeBigEndian64(v);
    ASSERT_EQ(encoded.size(), 8u);
    EXPECT_EQ(DecodeBigEndian64(encoded), v);
  }
  for (size_t i = 1; i < values.size(); ++i) {
    EXPECT_LT(EncodeBigEndian64(values[i - 1]), EncodeBigEndian64(values[i]));
  }
  EXPECT_EQ(EncodeBigEndian64(0x0102030405060708ULL), std::string("\1\2\3\4\5\6\7\x08", 8));
}

TEST(BigEndianTest, IteratorVisitsKeysInNumericOrder) {
  TempDir dir;
  auto store = RocksStore::Open(StoreOptions(dir.Sub("db"), {"seq"}));
  ASSERT_TRUE(store.ok()) << store.status();
  rocksdb::WriteBatch batch;
  for (uint64_t v : {300, 2, 70000, 1, 256}) {
    batch.Put((*store)->cf("seq"), EncodeBigEndian64(v), "");
  }
  ASSERT_TRUE((*store)->Write(&batch).ok());
  std::vector<uint64_t> seen;
  auto it = (*store)->NewIterator("seq");
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    seen.push_back(DecodeBigEndian64(absl::string_view(it->key().data(), it->key().size())));
  }
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 256, 300, 70000}));
}

}  // namespace
}  // namespace labor
