// NotificationService's store, behind an interface so the dispatcher does not
// know RocksDB. One Commit() is one atomic write: notifications, messages,
// their indexes, idempotency records and daily counters together.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/rocks.h"
#include "labor/store/v1/notify_store.pb.h"

namespace labor::notify {

using store::v1::StoredIdempotency;
using store::v1::StoredMessage;
using store::v1::StoredNotification;

// One atomic change. A message listed in `new_messages` is also indexed
// under its worker; `messages` only replaces records already indexed.
struct NotifyMutation {
  std::vector<StoredNotification> notifications;
  std::vector<StoredMessage> new_messages;
  std::vector<StoredMessage> messages;
  // Replacements already serialized: (message id, StoredMessage bytes).
  std::vector<std::pair<std::string, std::string>> serialized_messages;
  struct Idempotency {
    std::string tenant, key;
    StoredIdempotency record;
  };
  std::vector<Idempotency> idempotency;
  struct DailyCount {
    std::string worker_id;
    int64_t day = 0;  // yyyymmdd
    int32_t count = 0;
  };
  std::vector<DailyCount> daily_counts;
  bool empty() const {
    return notifications.empty() && new_messages.empty() && messages.empty() &&
           serialized_messages.empty() && idempotency.empty() && daily_counts.empty();
  }
};

class NotifyStore {
 public:
  virtual ~NotifyStore() = default;

  template <typename T>
  struct Page {
    std::vector<T> items;
    std::string next;  // position after the last item ("" on the last page)
  };

  // Point reads; nullopt when absent.
  virtual absl::StatusOr<std::optional<StoredNotification>> GetNotification(
      absl::string_view id) = 0;
  virtual absl::StatusOr<std::optional<StoredMessage>> GetMessage(absl::string_view id) = 0;
  virtual absl::StatusOr<std::optional<StoredIdempotency>> GetIdempotency(
      absl::string_view tenant, absl::string_view key) = 0;
  // Job alerts counted against the worker on a Shanghai day (yyyymmdd).
  virtual absl::StatusOr<int32_t> GetDailyCount(absl::string_view worker_id, int64_t day) = 0;

  // A worker's messages, newest first, from the position `after` (a `next`
  // of an earlier page; "" = the start). INVALID_ARGUMENT for a malformed
  // position.
  virtual absl::StatusOr<Page<StoredMessage>> ListByWorker(absl::string_view worker_id,
                                                           absl::string_view after,
                                                           int page_size) = 0;
  // A notification's messages in message-id order.
  virtual absl::StatusOr<Page<StoredMessage>> ListByNotification(absl::string_view notification_id,
                                                                 absl::string_view after,
                                                                 int page_size) = 0;

  // Visit every message / notification (start-up) until `visit` returns false.
  virtual absl::Status ScanMessages(const std::function<bool(const StoredMessage&)>& visit) = 0;
  virtual absl::Status ScanNotifications(
      const std::function<bool(const StoredNotification&)>& visit) = 0;

  // Deletes idempotency records created before `cutoff` and daily counters
  // of days before `oldest_day`; returns how many records went.
  virtual absl::StatusOr<int64_t> Purge(absl::Time cutoff, int64_t oldest_day) = 0;

  // Commits atomically. `durable`: fsync the WAL first (when the store syncs
  // writes at all); otherwise the write survives a process crash only.
  virtual absl::Status Commit(const NotifyMutation& mutation, bool durable) = 0;
  virtual absl::Status Health() = 0;
};

class RocksNotifyStore : public NotifyStore {
 public:
  static std::vector<std::string> ColumnFamilies();
  // `rocks` must have ColumnFamilies() and outlive the store.
  explicit RocksNotifyStore(RocksStore* rocks) : rocks_(rocks) {}

  absl::StatusOr<std::optional<StoredNotification>> GetNotification(absl::string_view id) override;
  absl::StatusOr<std::optional<StoredMessage>> GetMessage(absl::string_view id) override;
  absl::StatusOr<std::optional<StoredIdempotency>> GetIdempotency(absl::string_view tenant,
                                                                  absl::string_view key) override;
  absl::StatusOr<int32_t> GetDailyCount(absl::string_view worker_id, int64_t day) override;
  absl::StatusOr<Page<StoredMessage>> ListByWorker(absl::string_view worker_id,
                                                   absl::string_view after, int page_size) override;
  absl::StatusOr<Page<StoredMessage>> ListByNotification(absl::string_view notification_id,
                                                         absl::string_view after,
                                                         int page_size) override;
  absl::Status ScanMessages(const std::function<bool(const StoredMessage&)>& visit) override;
  absl::Status ScanNotifications(
      const std::function<bool(const StoredNotification&)>& visit) override;
  absl::StatusOr<int64_t> Purge(absl::Time cutoff, int64_t oldest_day) override;
  absl::Status Commit(const NotifyMutation& mutation, bool durable) override;
  absl::Status Health() override { return rocks_->Health(); }

 private:
  RocksStore* rocks_;
};

}  // namespace labor::notify
