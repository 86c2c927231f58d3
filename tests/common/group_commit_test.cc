// GroupCommitter against a real RocksDB: every caller is answered, queued
// batches land as one write with the effect of their queue order, and a batch
// that cannot be merged is written alone without disturbing the others.
#include "common/group_commit.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "tests/testing/util.h"

namespace labor {
namespace {

using ::labor::testing::TempDir;

std::unique_ptr<RocksStore> OpenStore(const TempDir& dir) {
  RocksStore::Options options;
  options.path = dir.Sub("db");
  options.column_families = {"a", "b"};
  options.sync_writes = true;
  auto store = RocksStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(*store) : nullptr;
}

std::string ValueOf(RocksStore& store, absl::string_view cf, absl::string_view key) {
  auto value = store.Get(cf, key);
  EXPECT_TRUE(value.ok()) << value.status();
  return value.ok() && value->has_value() ? **value : "<absent>";
}

// Holds the committer thread inside the first batch's callback, so that what
// is submitted meanwhile queues up and is written as the next group.
class Gate {
 public:
  // Holding the only committer thread is what makes the next group
  // deterministic; with a second thread, it would take batches one by one.
  static constexpr GroupCommitter::Options kOneThread{.max_group_batches = 512, .threads = 1};

  // Submits a batch whose callback holds the committer thread until Open();
  // returns once the committer is inside it.
  void Hold(GroupCommitter& committer, RocksStore& store) {
    rocksdb::WriteBatch hold;
    hold.Put(store.cf("a"), "hold", "1");
    committer.Submit(std::move(hold), [this](absl::Status s) {
      held_status_ = s;
      entered_.Notify();
      open_.WaitForNotification();
    });
    entered_.WaitForNotification();
  }
  void Open() { open_.Notify(); }
  const absl::Status& held_status() const { return held_status_; }

 private:
  absl::Notification entered_, open_;
  absl::Status held_status_;
};

// A one-thread committer held inside its first batch by a gate: what the
// test submits next queues up until gate_.Open().
class HeldCommitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenStore(dir_);
    ASSERT_NE(store_, nullptr);
    committer_ = std::make_unique<GroupCommitter>(store_.get(), Gate::kOneThread);
    gate_.Hold(*committer_, *store_);
  }

  TempDir dir_;
  std::unique_ptr<RocksStore> store_;
  Gate gate_;
  // Destroyed first: it drains the queue, which needs the gate open.
  std::unique_ptr<GroupCommitter> committer_;
};

TEST_F(HeldCommitterTest, QueuedBatchesLandAsOneWriteInQueueOrder) {
  absl::Mutex mu;
  std::vector<int> answered;  // submission numbers, in answer order
  std::vector<absl::Status> statuses(4);
  absl::BlockingCounter all_answered(4);
  auto submit = [&](int n, rocksdb::WriteBatch batch) {
    committer_->Submit(std::move(batch), [&, n](absl::Status s) {
      {
        absl::MutexLock lock(&mu);
        statuses[n] = s;
        answered.push_back(n);
      }
      all_answered.DecrementCount();
    });
  };
  rocksdb::WriteBatch b0, b1, b2, b3;
  b0.Put(store_->cf("a"), "k", "first");
  b0.Put(store_->cf("b"), "gone", "x");
  b1.Put(store_->cf("a"), "k", "second");  // the later put on a key wins
  b2.Delete(store_->cf("b"), "gone");      // a later delete removes an earlier put
  b3.Put(store_->cf("b"), "other", "y");
  submit(0, std::move(b0));
  submit(1, std::move(b1));
  submit(2, std::move(b2));
  submit(3, std::move(b3));
  gate_.Open();

  all_answered.Wait();
  EXPECT_TRUE(gate_.held_status().ok()) << gate_.held_status();
  {
    absl::MutexLock lock(&mu);
    EXPECT_EQ(answered, (std::vector<int>{0, 1, 2, 3}));
    for (const auto& s : statuses) EXPECT_TRUE(s.ok()) << s;
  }
  EXPECT_EQ(committer_->stats().groups, 2);  // the held batch, then the four together
  EXPECT_EQ(ValueOf(*store_, "a", "k"), "second");
  EXPECT_EQ(ValueOf(*store_, "b", "gone"), "<absent>");
  EXPECT_EQ(ValueOf(*store_, "b", "other"), "y");
  EXPECT_EQ(ValueOf(*store_, "a", "hold"), "1");
}

TEST_F(HeldCommitterTest, ABatchThatCannotBeMergedIsWrittenAloneInOrder) {
  std::vector<absl::Status> statuses(3, absl::UnknownError("not answered"));
  absl::BlockingCounter all_answered(3);
  rocksdb::WriteBatch b0, b1, b2;
  b0.Put(store_->cf("a"), "k", "v0");
  b1.SingleDelete(store_->cf("a"), "k");  // not a put or delete: cannot be merged
  b2.Put(store_->cf("a"), "k2", "v2");
  auto record = [&](int n) {
    return [&, n](absl::Status s) {
      statuses[n] = s;
      all_answered.DecrementCount();
    };
  };
  committer_->Submit(std::move(b0), record(0));
  committer_->Submit(std::move(b1), record(1));
  committer_->Submit(std::move(b2), record(2));
  gate_.Open();
  all_answered.Wait();
  for (const auto& s : statuses) EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(committer_->stats().groups, 4);            // the held one, then each of the three alone
  EXPECT_EQ(ValueOf(*store_, "a", "k"), "<absent>");  // the single delete came after the put
  EXPECT_EQ(ValueOf(*store_, "a", "k2"), "v2");
}

TEST(GroupCommitterTest, ManyWritersAreAllAnsweredAndDestructionDrainsTheQueue) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 8, kPerThread = 200;
  absl::Mutex mu;
  int ok = 0, failed = 0;
  {
    GroupCommitter committer(store.get());
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          rocksdb::WriteBatch batch;
          batch.Put(store->cf(i % 2 == 0 ? "a" : "b"), absl::StrCat("t", t, "-", i), "v");
          committer.Submit(std::move(batch), [&](absl::Status s) {
            absl::MutexLock lock(&mu);
            (s.ok() ? ok : failed)++;
          });
        }
      });
    }
    for (auto& t : threads) t.join();
  }  // destroyed with batches possibly still queued: each is written and answered
  EXPECT_EQ(ok, kThreads * kPerThread);
  EXPECT_EQ(failed, 0);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; i += 37) {
      EXPECT_EQ(ValueOf(*store, i % 2 == 0 ? "a" : "b", absl::StrCat("t", t, "-", i)), "v");
    }
  }
}

}  // namespace
}  // namespace labor
