// The transactional outbox: a service writes its record and the event about it
// in ONE RocksDB WriteBatch; the relay publishes events to the service's Redis
// Stream and deletes them only after XADD succeeded.
//
// Exactly-once in the stream: every event has a sequence number, and the
// relay XADDs it with the explicit stream entry ID "<store epoch ms>-<seq>".
// Redis refuses an ID that is not above the stream's top, so a replay after a
// crash between XADD and the delete is recognized as already published. For
// this to be safe the relay publishes in sequence order and never past a
// sequence that is still being committed (the in-flight set below).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/clock.h"
#include "common/group_commit.h"
#include "common/redis.h"
#include "common/rocks.h"
#include "labor/v1/common.pb.h"

namespace labor {

// Column families the outbox needs; include them in RocksStore::Options.
inline constexpr absl::string_view kOutboxCf = "outbox";
inline constexpr absl::string_view kMetaCf = "meta";

class Outbox {
 public:
  // A sequence reserved for a batch being committed. Destroy it after the
  // batch's Write returned (successfully or not); until then the relay will
  // not publish past it.
  class Reservation {
   public:
    Reservation(Outbox* outbox, uint64_t seq) : outbox_(outbox), seq_(seq) {}
    Reservation(Reservation&& other) noexcept;
    Reservation& operator=(Reservation&&) = delete;
    ~Reservation();
    uint64_t seq() const { return seq_; }

   private:
    Outbox* outbox_;
    uint64_t seq_;
  };

  // `service` names the stream: labor.events.<service>. Reads (or on first
  // open creates) the store epoch and the next sequence from the store.
  // The store must have the kOutboxCf and kMetaCf column families. Sequences
  // start at 1 and never repeat, even after the outbox was emptied.
  // INVALID_ARGUMENT for an empty service; DATA_LOSS for corrupt metadata.
  static absl::StatusOr<std::unique_ptr<Outbox>> Open(RocksStore* store, std::string service,
                                                      Clock* clock);

  // Adds `event` to `batch` (setting event_id, and occurred_at to the clock's
  // now unless the caller set it) and reserves its sequence. Several events may
  // be added to one batch (one reservation each); the relay publishes them in
  // sequence order. event_id is "<service>-<epoch_ms>-<seq>".
  Reservation Add(rocksdb::WriteBatch* batch, v1::Event event);

  const std::string& service() const { return service_; }
  // "labor.events.<service>".
  const std::string& stream() const { return stream_; }
  uint64_t epoch_ms() const { return epoch_ms_; }
  // The lowest sequence still being committed, or UINT64_MAX when none.
  uint64_t LowestInFlight() const;
  // Adds `events` to `batch`, writes it to `store` (atomically, synced per
  // the store's options) and wakes the relay. The usual way to commit a
  // record together with its events; returns the Write status.
  absl::Status Commit(RocksStore* store, rocksdb::WriteBatch* batch,
                      const std::vector<v1::Event>& events);
  // Commit without waiting: adds `events` to `batch` and hands it to
  // `committer`; `done` gets the write's status on the committer's thread,
  // after the relay was woken (on success). The events' sequences stay
  // reserved until then, so the relay never publishes past them.
  void CommitAsync(GroupCommitter* committer, rocksdb::WriteBatch batch,
                   const std::vector<v1::Event>& events, std::function<void(absl::Status)> done);
  // Wakes the relay (called by services after a commit).
  void NotifyCommitted();
  // Blocks until NotifyCommitted or `timeout`.
  void WaitForCommit(absl::Duration timeout);

 private:
  Outbox(RocksStore* store, std::string service, Clock* clock, uint64_t epoch_ms,
         uint64_t next_seq);
  void Release(uint64_t seq);

  RocksStore* store_;
  std::string service_;
  std::string stream_;
  Clock* clock_;
  uint64_t epoch_ms_;
  mutable absl::Mutex mu_;
  uint64_t next_seq_ ABSL_GUARDED_BY(mu_);
  std::set<uint64_t> in_flight_ ABSL_GUARDED_BY(mu_);
  bool committed_signal_ ABSL_GUARDED_BY(mu_) = false;
};

class OutboxRelay {
 public:
  struct Options {
    int batch_size = 256;
    absl::Duration idle_wait = absl::Milliseconds(100);
    absl::Duration max_backoff = absl::Seconds(5);
    // Approximate MAXLEN trim of the stream (0 = no trim).
    int64_t stream_max_len = 1'000'000;
  };
  // Extra Redis commands to pipeline right after an event's XADD (e.g. cache
  // invalidation). Runs on the relay thread.
  using SideEffects =
      std::function<void(const v1::Event& event, std::vector<std::vector<std::string>>* commands)>;

  OutboxRelay(RocksStore* store, Outbox* outbox, RedisClient* redis, Options options,
              SideEffects side_effects = nullptr);
  ~OutboxRelay();  // Stop()

  void Start();
  // Stops the thread after the current round; pending events stay in the store.
  void Stop();
  // One round: publishes up to batch_size events in order (all below
  // Outbox::LowestInFlight) and deletes them. The XADDs of a round run in one
  // Lua script that stops at the first refused XADD, so the stream never
  // gets a later event ahead of an earlier one. Returns how many were
  // published or confirmed already published (ID not above the stream top).
  // UNAVAILABLE when Redis is down (nothing is deleted); INTERNAL when Redis
  // refused the first event of the round (e.g. WRONGTYPE, OOM); DATA_LOSS for
  // an undecodable stored event (the relay then stays at it, never skips).
  // Thread-safe (rounds are serialized).
  absl::StatusOr<int> PublishOnce();
  // Events waiting in the store (scans; for tests, metrics and health).
  absl::StatusOr<int64_t> PendingCount() const;

  int64_t published_total() const { return published_total_.load(); }

 private:
  void Run();

  RocksStore* store_;
  Outbox* outbox_;
  RedisClient* redis_;
  Options options_;
  SideEffects side_effects_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> published_total_{0};
  std::thread thread_;
  // Serializes rounds; the first sequence not yet deleted (seeking to it skips
  // the tombstones of the deleted prefix).
  absl::Mutex publish_mu_;
  uint64_t resume_seq_ ABSL_GUARDED_BY(publish_mu_) = 0;
  // Lets Stop() cut a backoff sleep short.
  absl::Mutex stop_mu_;
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
};

// Stream entry fields written by the relay: "event" holds the serialized
// v1::Event; "type", "entity_id" and "version" are copies for humans and filters.
inline constexpr absl::string_view kStreamEventField = "event";

}  // namespace labor
