#include "common/rocks.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"

namespace labor {

absl::Status FromRocks(const rocksdb::Status& status) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat("rocksdb: ", status.ToString());
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsIOError() || status.IsBusy() || status.IsTimedOut() || status.IsTryAgain()) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

absl::StatusOr<std::unique_ptr<RocksStore>> RocksStore::Open(const Options& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("RocksStore: empty path");

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  // Two cores per node: keep background work modest but non-blocking.
  db_options.max_background_jobs = 2;
  // Overlaps the WAL write (and fsync) of one write group with the memtable
  // inserts of the previous one: more synced writes per second.
  db_options.enable_pipelined_write = true;
  // Writers waiting for their group block instead of spinning: on a small
  // machine the spinning steals the CPU the group leader needs.
  db_options.enable_write_thread_adaptive_yield = false;

  // One block cache shared by every column family, so the memory budget is
  // the configured total rather than per family.
  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  // Most point reads on the write path are misses (is this external id,
  // credit code or ID number known?): bloom filters answer them without
  // touching data blocks, in the memtable and in every file.
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
  cf_options.memtable_prefix_bloom_size_ratio = 0.02;
  cf_options.memtable_whole_key_filtering = true;

  // Families already in the database must all be opened (RocksDB refuses to
  // open a subset), including ones a newer version of the service added.
  std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName};
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, options.path, &existing).ok()) {
    for (const auto& name : existing) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  for (const auto& name : options.column_families) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.reserve(names.size());
  for (const auto& name : names) descriptors.emplace_back(name, cf_options);

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &raw);
  if (!s.ok()) return FromRocks(s);

  std::unique_ptr<RocksStore> store(new RocksStore());
  store->options_ = options;
  store->db_.reset(raw);
  store->handles_ = std::move(handles);
  for (size_t i = 0; i < names.size(); ++i) store->cfs_[names[i]] = store->handles_[i];
  store->write_options_.sync = options.sync_writes;
  store->write_options_.disableWAL = false;
  // Batches often hold runs of ascending keys (time-ordered ids, one
  // record's index entries): insert hints make those memtable inserts cheap.
  store->write_options_.memtable_insert_hint_per_batch = true;
  return store;
}

RocksStore::~RocksStore() {
  if (db_ == nullptr) return;
  rocksdb::Status s = db_->FlushWAL(/*sync=*/true);
  if (!s.ok()) LABOR_LOG(Warning) << "RocksStore: FlushWAL on close failed: " << s.ToString();
  for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
  handles_.clear();
  cfs_.clear();
  s = db_->Close();
  if (!s.ok()) LABOR_LOG(Warning) << "RocksStore: close failed: " << s.ToString();
  db_.reset();
}

rocksdb::ColumnFamilyHandle* RocksStore::cf(absl::string_view name) const {
  auto it = cfs_.find(name);
  LABOR_CHECK(it != cfs_.end()) << "unknown column family " << name;
  return it->second;
}

absl::StatusOr<std::optional<std::string>> RocksStore::Get(absl::string_view cf_name,
                                                           absl::string_view key) const {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf(cf_name), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s);
  return std::optional<std::string>(std::move(value));
}

absl::Status RocksStore::Write(rocksdb::WriteBatch* batch) {
  LABOR_CHECK(batch != nullptr);
  // Small batches gain nothing from the copy (a record and its few index
  // entries land in different places whatever their order).
  constexpr uint32_t kSortFrom = 64;
  if (batch->Count() >= kSortFrom) RETURN_IF_ERROR(SortBatch(batch, handles_));
  return FromRocks(db_->Write(write_options_, batch));
}

absl::Status RocksStore::WriteGroup(absl::Span<rocksdb::WriteBatch* const> batches) {
  if (batches.size() == 1) return Write(batches[0]);
  ASSIGN_OR_RETURN(rocksdb::WriteBatch merged, MergeBatches(batches, handles_));
  return FromRocks(db_->Write(write_options_, &merged));
}

absl::Status RocksStore::WriteUnsynced(rocksdb::WriteBatch* batch) {
  rocksdb::WriteOptions options = write_options_;
  options.sync = false;
  return FromRocks(db_->Write(options, batch));
}

std::unique_ptr<rocksdb::Iterator> RocksStore::NewIterator(absl::string_view cf_name) const {
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(rocksdb::ReadOptions(), cf(cf_name)));
}

absl::Status RocksStore::FlushWal() { return FromRocks(db_->FlushWAL(/*sync=*/true)); }

absl::Status RocksStore::Health() const {
  uint64_t background_errors = 0;
  if (db_->GetIntProperty(rocksdb::DB::Properties::kBackgroundErrors, &background_errors) &&
      background_errors > 0) {
    return absl::UnavailableError(
        absl::StrCat("rocksdb: ", background_errors, " background error(s); store is read-only"));
  }
  return absl::OkStatus();
}

std::string EncodeBigEndian64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

uint64_t DecodeBigEndian64(absl::string_view bytes) {
  LABOR_CHECK(bytes.size() == 8) << "DecodeBigEndian64 needs 8 bytes, got " << bytes.size();
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

std::string IndexKey(absl::string_view kind, absl::string_view a) {
  return absl::StrCat(kind, absl::string_view("\0", 1), a);
}

std::string IndexKey(absl::string_view kind, absl::string_view a, absl::string_view b) {
  return absl::StrCat(kind, absl::string_view("\0", 1), a, absl::string_view("\0", 1), b);
}

bool KeyHasPrefix(const rocksdb::Slice& key, absl::string_view prefix) {
  return key.size() >= prefix.size() && memcmp(key.data(), prefix.data(), prefix.size()) == 0;
}

namespace {

// Collects a batch's puts and deletes (slices into the batch's own buffer).
class BatchCollector : public rocksdb::WriteBatch::Handler {
 public:
  struct Op {
    uint32_t cf;
    bool is_delete;
    rocksdb::Slice key;
    rocksdb::Slice value;
  };
  std::vector<Op> ops;

  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    ops.push_back({cf, false, key, value});
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
    ops.push_back({cf, true, key, rocksdb::Slice()});
    return rocksdb::Status::OK();
  }
  // Everything else (merges, range deletes, log data, ...) keeps the
  // batch as it is: the base class answers those with an error.
};

// The operations of `collector` (in the order collected) as one batch in
// (column family, key) order, keeping only the last operation on each key.
absl::Status BuildSorted(BatchCollector& collector,
                         const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
                         size_t reserved_bytes, rocksdb::WriteBatch* out) {
  auto& ops = collector.ops;
  // Stable, so the operations on one key keep their order; the last wins.
  std::stable_sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) {
    if (a.cf != b.cf) return a.cf < b.cf;
    return a.key.compare(b.key) < 0;
  });
  absl::flat_hash_map<uint32_t, rocksdb::ColumnFamilyHandle*> by_id;
  for (auto* handle : handles) by_id[handle->GetID()] = handle;
  rocksdb::WriteBatch sorted(reserved_bytes);
  for (size_t i = 0; i < ops.size(); ++i) {
    const auto& op = ops[i];
    if (i + 1 < ops.size() && ops[i + 1].cf == op.cf && ops[i + 1].key == op.key) continue;
    auto it = by_id.find(op.cf);
    if (it == by_id.end()) {
      return absl::InternalError(absl::StrCat("write batch names unknown column family ", op.cf));
    }
    rocksdb::Status s =
        op.is_delete ? sorted.Delete(it->second, op.key) : sorted.Put(it->second, op.key, op.value);
    RETURN_IF_ERROR(FromRocks(s));
  }
  *out = std::move(sorted);
  return absl::OkStatus();
}

}  // namespace

absl::Status SortBatch(rocksdb::WriteBatch* batch,
                       const std::vector<rocksdb::ColumnFamilyHandle*>& handles) {
  BatchCollector collector;
  collector.ops.reserve(batch->Count());
  if (!batch->Iterate(&collector).ok()) return absl::OkStatus();
  return BuildSorted(collector, handles, batch->GetDataSize(), batch);
}

absl::StatusOr<rocksdb::WriteBatch> MergeBatches(
    absl::Span<rocksdb::WriteBatch* const> batches,
    const std::vector<rocksdb::ColumnFamilyHandle*>& handles) {
  BatchCollector collector;
  size_t count = 0, bytes = 0;
  for (const auto* batch : batches) {
    count += batch->Count();
    bytes += batch->GetDataSize();
  }
  collector.ops.reserve(count);
  for (auto* batch : batches) {
    if (!batch->Iterate(&collector).ok()) {
      return absl::InvalidArgumentError(
          "a batch holds operations other than puts and deletes; write it alone");
    }
  }
  rocksdb::WriteBatch merged;
  RETURN_IF_ERROR(BuildSorted(collector, handles, bytes, &merged));
  return merged;
}

absl::Status PutIndexDiff(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* cf,
                          const IndexEntries& before, const IndexEntries& after) {
  for (const auto& [key, value] : before) {
    bool kept = false;
    for (const auto& [nk, nv] : after) kept |= (nk == key && nv == value);
    if (!kept) RETURN_IF_ERROR(FromRocks(batch->Delete(cf, key)));
  }
  for (const auto& [key, value] : after) RETURN_IF_ERROR(FromRocks(batch->Put(cf, key, value)));
  return absl::OkStatus();
}

}  // namespace labor
