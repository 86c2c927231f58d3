#include "services/notify/notify_store.h"

#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "rocksdb/write_batch.h"

namespace labor::notify {
namespace {

constexpr absl::string_view kNotifications = "notifications";
constexpr absl::string_view kMessages = "messages";
constexpr absl::string_view kByWorker = "messages_by_worker";
constexpr absl::string_view kIdempotency = "idempotency";
constexpr absl::string_view kDaily = "daily_counts";

void AppendBigEndian(uint64_t v, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>((v >> shift) & 0xff));
}

// worker \0 (max - created micros) message_id: newest first within a worker.
std::string WorkerPrefix(absl::string_view worker_id) {
  return absl::StrCat(worker_id, std::string(1, '\0'));
}

std::string WorkerKey(const StoredMessage& m) {
  std::string key = WorkerPrefix(m.message().worker_id());
  int64_t micros =
      m.message().created_at().seconds() * 1'000'000 + m.message().created_at().nanos() / 1000;
  AppendBigEndian(std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(micros), &key);
  key += m.message().message_id();
  return key;
}

std::string IdempotencyKey(absl::string_view tenant, absl::string_view key) {
  return absl::StrCat(tenant, std::string(1, '\0'), key);
}

std::string DailyKey(absl::string_view worker_id, int64_t day) {
  return absl::StrCat(worker_id, std::string(1, '\0'), day);
}

template <typename T>
absl::StatusOr<std::optional<T>> GetProto(RocksStore* rocks, absl::string_view cf,
                                          absl::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, rocks->Get(cf, key));
  if (!bytes) return std::optional<T>();
  T record;
  if (!record.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("unreadable ", cf, " record"));
  }
  return std::optional<T>(std::move(record));
}

template <typename T>
absl::Status ScanCf(RocksStore* rocks, absl::string_view cf,
                    const std::function<bool(const T&)>& visit) {
  std::unique_ptr<rocksdb::Iterator> it = rocks->NewIterator(cf);
  T record;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("unreadable ", cf, " record"));
    }
    if (!visit(record)) break;
  }
  if (!it->status().ok()) return absl::UnavailableError(it->status().ToString());
  return absl::OkStatus();
}

// Walks the keys of `cf` under `prefix` from the position `after` (a key
// returned as `next` before; "" = the start), calling `take` for each until
// `page_size` were taken. Returns the position to continue from ("" at the
// end). INVALID_ARGUMENT for a position outside the prefix.
absl::StatusOr<std::string> WalkPrefix(
    RocksStore* rocks, absl::string_view cf, const std::string& prefix, absl::string_view after,
    int page_size, const std::function<absl::Status(const rocksdb::Iterator&)>& take) {
  if (!after.empty() && !absl::StartsWith(after, prefix)) {
    return absl::InvalidArgumentError("page position of another listing");
  }
  std::unique_ptr<rocksdb::Iterator> it = rocks->NewIterator(cf);
  it->Seek(after.empty() ? rocksdb::Slice(prefix) : rocksdb::Slice(after.data(), after.size()));
  if (!after.empty() && it->Valid() && it->key().ToString() == after) it->Next();
  std::string last;
  int taken = 0;
  for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (taken == page_size) return last;
    RETURN_IF_ERROR(take(*it));
    last = it->key().ToString();
    ++taken;
  }
  if (!it->status().ok()) return absl::UnavailableError(it->status().ToString());
  return std::string();
}

}  // namespace

std::vector<std::string> RocksNotifyStore::ColumnFamilies() {
  return {std::string(kNotifications), std::string(kMessages), std::string(kByWorker),
          std::string(kIdempotency), std::string(kDaily)};
}

absl::StatusOr<std::optional<StoredNotification>> RocksNotifyStore::GetNotification(
    absl::string_view id) {
  return GetProto<StoredNotification>(rocks_, kNotifications, id);
}

absl::StatusOr<std::optional<StoredMessage>> RocksNotifyStore::GetMessage(absl::string_view id) {
  return GetProto<StoredMessage>(rocks_, kMessages, id);
}

absl::StatusOr<std::optional<StoredIdempotency>> RocksNotifyStore::GetIdempotency(
    absl::string_view tenant, absl::string_view key) {
  return GetProto<StoredIdempotency>(rocks_, kIdempotency, IdempotencyKey(tenant, key));
}

absl::StatusOr<int32_t> RocksNotifyStore::GetDailyCount(absl::string_view worker_id, int64_t day) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, rocks_->Get(kDaily, DailyKey(worker_id, day)));
  int32_t count = 0;
  if (value && !absl::SimpleAtoi(*value, &count))
    return absl::DataLossError("unreadable daily count");
  return count;
}

absl::StatusOr<NotifyStore::Page<StoredMessage>> RocksNotifyStore::ListByWorker(
    absl::string_view worker_id, absl::string_view after, int page_size) {
  const std::string prefix = WorkerPrefix(worker_id);
  Page<StoredMessage> page;
  ASSIGN_OR_RETURN(page.next, WalkPrefix(rocks_, kByWorker, prefix, after, page_size,
                                         [&](const rocksdb::Iterator& it) -> absl::Status {
                                           absl::string_view key(it.key().data(), it.key().size());
                                           ASSIGN_OR_RETURN(
                                               std::optional<StoredMessage> message,
                                               GetMessage(key.substr(prefix.size() + 8)));
                                           if (message) page.items.push_back(*std::move(message));
                                           return absl::OkStatus();
                                         }));
  return page;
}

absl::StatusOr<NotifyStore::Page<StoredMessage>> RocksNotifyStore::ListByNotification(
    absl::string_view notification_id, absl::string_view after, int page_size) {
  Page<StoredMessage> page;
  ASSIGN_OR_RETURN(
      page.next, WalkPrefix(rocks_, kMessages, absl::StrCat(notification_id, "."), after, page_size,
                            [&](const rocksdb::Iterator& it) -> absl::Status {
                              StoredMessage message;
                              if (!message.ParseFromArray(it.value().data(),
                                                          static_cast<int>(it.value().size()))) {
                                return absl::DataLossError("unreadable messages record");
                              }
                              page.items.push_back(std::move(message));
                              return absl::OkStatus();
                            }));
  return page;
}

absl::Status RocksNotifyStore::ScanMessages(
    const std::function<bool(const StoredMessage&)>& visit) {
  return ScanCf<StoredMessage>(rocks_, kMessages, visit);
}

absl::Status RocksNotifyStore::ScanNotifications(
    const std::function<bool(const StoredNotification&)>& visit) {
  return ScanCf<StoredNotification>(rocks_, kNotifications, visit);
}

absl::StatusOr<int64_t> RocksNotifyStore::Purge(absl::Time cutoff, int64_t oldest_day) {
  int64_t purged = 0;
  rocksdb::WriteBatch batch;
  const int64_t cutoff_micros = absl::ToUnixMicros(cutoff);
  {
    std::unique_ptr<rocksdb::Iterator> it = rocks_->NewIterator(kIdempotency);
    StoredIdempotency record;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (!record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) ||
          record.created_micros() < cutoff_micros) {
        batch.Delete(rocks_->cf(kIdempotency), it->key());
        ++purged;
      }
    }
    if (!it->status().ok()) return absl::UnavailableError(it->status().ToString());
  }
  {
    std::unique_ptr<rocksdb::Iterator> it = rocks_->NewIterator(kDaily);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      absl::string_view key(it->key().data(), it->key().size());
      size_t zero = key.rfind('\0');
      int64_t day = 0;
      if (zero == absl::string_view::npos || !absl::SimpleAtoi(key.substr(zero + 1), &day) ||
          day < oldest_day) {
        batch.Delete(rocks_->cf(kDaily), it->key());
        ++purged;
      }
    }
    if (!it->status().ok()) return absl::UnavailableError(it->status().ToString());
  }
  if (purged > 0) RETURN_IF_ERROR(rocks_->WriteUnsynced(&batch));
  return purged;
}

absl::Status RocksNotifyStore::Commit(const NotifyMutation& mutation, bool durable) {
  rocksdb::WriteBatch batch;
  std::string bytes;
  for (const StoredNotification& n : mutation.notifications) {
    n.SerializeToString(&bytes);
    batch.Put(rocks_->cf(kNotifications), n.notification().notification_id(), bytes);
  }
  for (const StoredMessage& m : mutation.new_messages) {
    m.SerializeToString(&bytes);
    batch.Put(rocks_->cf(kMessages), m.message().message_id(), bytes);
    batch.Put(rocks_->cf(kByWorker), WorkerKey(m), "");
  }
  for (const StoredMessage& m : mutation.messages) {
    m.SerializeToString(&bytes);
    batch.Put(rocks_->cf(kMessages), m.message().message_id(), bytes);
  }
  for (const auto& [id, record] : mutation.serialized_messages) {
    batch.Put(rocks_->cf(kMessages), id, record);
  }
  for (const NotifyMutation::Idempotency& i : mutation.idempotency) {
    i.record.SerializeToString(&bytes);
    batch.Put(rocks_->cf(kIdempotency), IdempotencyKey(i.tenant, i.key), bytes);
  }
  for (const NotifyMutation::DailyCount& d : mutation.daily_counts) {
    batch.Put(rocks_->cf(kDaily), DailyKey(d.worker_id, d.day), absl::StrCat(d.count));
  }
  return durable ? rocks_->Write(&batch) : rocks_->WriteUnsynced(&batch);
}

}  // namespace labor::notify
