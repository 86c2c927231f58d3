#include "common/group_commit.h"

#include <algorithm>
#include <utility>

#include "common/log.h"

namespace labor {

GroupCommitter::GroupCommitter(RocksStore* store, Options options)
    : store_(store), options_(options) {
  LABOR_CHECK(store_ != nullptr);
  LABOR_CHECK(options_.max_group_batches > 0 && options_.threads > 0);
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { Run(); });
}

GroupCommitter::~GroupCommitter() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (auto& thread : threads_) thread.join();
}

void GroupCommitter::Submit(rocksdb::WriteBatch batch, Done done) {
  LABOR_CHECK(done != nullptr);
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      queue_.push_back(Item{std::move(batch), std::move(done)});
      return;
    }
  }
  done(absl::UnavailableError("the store is shutting down"));
}

GroupCommitter::Stats GroupCommitter::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void GroupCommitter::Run() {
  std::vector<Item> group;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping, and everything queued is written
      const size_t take = std::min(queue_.size(), static_cast<size_t>(options_.max_group_batches));
      group.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + static_cast<ptrdiff_t>(take)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(take));
    }
    std::vector<absl::Status> outcomes = WriteGroup(group);
    for (size_t i = 0; i < group.size(); ++i) group[i].done(std::move(outcomes[i]));
    group.clear();
  }
}

std::vector<absl::Status> GroupCommitter::WriteGroup(std::vector<Item>& group) {
  std::vector<rocksdb::WriteBatch*> batches;
  batches.reserve(group.size());
  for (auto& item : group) batches.push_back(&item.batch);
  int64_t writes = 1;
  absl::Status status = store_->WriteGroup(batches);
  std::vector<absl::Status> outcomes;
  if (status.code() == absl::StatusCode::kInvalidArgument && group.size() > 1) {
    // Some batch cannot be merged: write each alone, in order, so one odd
    // batch neither fails nor reorders the others.
    writes = 0;
    for (auto* batch : batches) {
      outcomes.push_back(store_->Write(batch));
      ++writes;
    }
  } else {
    outcomes.assign(group.size(), status);
  }
  absl::MutexLock lock(&mu_);
  stats_.batches += static_cast<int64_t>(group.size());
  stats_.groups += writes;
  return outcomes;
}

}  // namespace labor
