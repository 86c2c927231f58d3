// RocksDB with named column families, atomic batches and durable writes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace labor {

// rocksdb::Status -> absl::Status (NotFound -> NOT_FOUND, Corruption ->
// DATA_LOSS, IOError/Busy/TimedOut -> UNAVAILABLE, others INTERNAL).
absl::Status FromRocks(const rocksdb::Status& status);

class RocksStore {
 public:
  struct Options {
    std::string path;
    // Column families besides "default"; created when missing.
    std::vector<std::string> column_families;
    // fsync the WAL on every write (durability of acknowledged writes across
    // power loss). With false, a process crash still loses nothing (the WAL
    // is in the OS page cache) but a machine crash may.
    bool sync_writes = true;
    size_t block_cache_bytes = 128 << 20;
  };

  // Opens or creates the database. Families already in the database but not
  // in `column_families` are opened too (reachable through cf()); all share
  // one LRU block cache. UNAVAILABLE when locked by another process,
  // INVALID_ARGUMENT for an empty path.
  static absl::StatusOr<std::unique_ptr<RocksStore>> Open(const Options& options);
  // Flushes and syncs the WAL, then closes.
  ~RocksStore();

  // The handle of a configured column family (LABOR_CHECK on an unknown name).
  rocksdb::ColumnFamilyHandle* cf(absl::string_view name) const;

  // nullopt when the key is absent.
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view cf_name,
                                                 absl::string_view key) const;
  // Commits the batch atomically (synced per Options). A large batch is
  // first put in key order (see SortBatch), which is what the memtable
  // inserts cost least in; its effect is the same.
  absl::Status Write(rocksdb::WriteBatch* batch);
  // Commits several batches as ONE atomic write (synced per Options), with
  // the effect of writing them one after another in order (see
  // MergeBatches). INVALID_ARGUMENT, writing nothing, when a batch holds
  // anything but puts and deletes (write such a batch alone).
  absl::Status WriteGroup(absl::Span<rocksdb::WriteBatch* const> batches);
  // Commits the batch atomically without waiting for the WAL to reach the
  // disk, for writes whose loss in a machine crash is harmless (the next
  // synced write makes it durable too: the WAL is sequential).
  absl::Status WriteUnsynced(rocksdb::WriteBatch* batch);
  std::unique_ptr<rocksdb::Iterator> NewIterator(absl::string_view cf_name) const;
  // Syncs the WAL to disk (graceful shutdown).
  absl::Status FlushWal();
  // OK unless RocksDB has reported a background error (then UNAVAILABLE:
  // the store may be read-only). The count is cumulative: it stays unhealthy
  // until restart.
  absl::Status Health() const;

  rocksdb::DB* db() const { return db_.get(); }

 private:
  RocksStore() = default;
  Options options_;
  std::unique_ptr<rocksdb::DB> db_;
  absl::flat_hash_map<std::string, rocksdb::ColumnFamilyHandle*> cfs_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::WriteOptions write_options_;
};

// Big-endian encoding, so numeric keys sort in RocksDB's byte order.
std::string EncodeBigEndian64(uint64_t value);
uint64_t DecodeBigEndian64(absl::string_view bytes);  // LABOR_CHECK size 8

// Index keys: parts joined by NUL, so "kind\0a\0b" sorts by kind, then a, then
// b, and a prefix Key(kind, a, "") covers exactly the entries under a (parts
// never contain NUL: ids, codes and hashes are printable).
std::string IndexKey(absl::string_view kind, absl::string_view a);
std::string IndexKey(absl::string_view kind, absl::string_view a, absl::string_view b);

bool KeyHasPrefix(const rocksdb::Slice& key, absl::string_view prefix);

// Rewrites `batch` with its operations in (column family id, key) order,
// keeping only the last operation on each key, so applying it has the same
// effect as before. Why: inserting scattered keys into a large memtable
// searches the skip list from the top for every key; in key order each
// insert starts from where the previous one ended. Batches holding anything
// but puts and deletes are left as they are. `handles` must hold the handle
// of every column family the batch writes to (INTERNAL otherwise).
absl::Status SortBatch(rocksdb::WriteBatch* batch,
                       const std::vector<rocksdb::ColumnFamilyHandle*>& handles);

// One batch holding the operations of `batches` in (column family, key)
// order, keeping only the last operation on each key in batch order: writing
// it has the same effect as writing the batches one after another.
// INVALID_ARGUMENT when a batch holds anything but puts and deletes;
// INTERNAL when one writes to a family missing from `handles`.
absl::StatusOr<rocksdb::WriteBatch> MergeBatches(
    absl::Span<rocksdb::WriteBatch* const> batches,
    const std::vector<rocksdb::ColumnFamilyHandle*>& handles);

// Secondary-index maintenance for one record: deletes the entries of
// `before` that `after` does not have (same key and value) and puts those
// of `after`, into `batch` on column family `cf`.
using IndexEntries = std::vector<std::pair<std::string, std::string>>;
absl::Status PutIndexDiff(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* cf,
                          const IndexEntries& before, const IndexEntries& after);

}  // namespace labor
