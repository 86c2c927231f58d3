// Reads a service's event stream (labor.events.<service>, written by the
// outbox relay in common/outbox.h) as one consumer of a Redis consumer group:
// at-least-once delivery, in stream order per consumer, with retries after a
// backoff, recovery of this consumer's unacknowledged entries after a
// restart, XAUTOCLAIM of entries a dead consumer of the group left behind,
// and re-creation of the group when Redis lost it (restart without
// persistence).
//
// At-least-once means handlers must be idempotent: an entry is delivered
// again when the process died (or Redis was unreachable) after the handler
// ran but before the XACK, and when another consumer claimed it. Apply events
// by entity id + entity_version.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/redis.h"
#include "labor/v1/common.pb.h"

namespace labor {

class StreamConsumer {
 public:
  struct Options {
    std::string stream;    // e.g. "labor.events.profile"; required
    std::string group;     // consumer group; required
    std::string consumer;  // this consumer's name within the group (stable across restarts,
                           // so a restarted process gets its own unacked entries back); required
    // Where a group created by EnsureGroup starts: "0" = the whole stream,
    // "$" = only entries added from now on.
    std::string start_id = "0";
    // Where a group is re-created from when it vanished while we were reading
    // (NOGROUP: Redis restarted without persistence, or someone destroyed it).
    // "0": the stream then holds only entries this group never saw.
    std::string recreate_start_id = "0";
    int batch_size = 128;  // COUNT per read
    // XREADGROUP BLOCK for new entries (> 0). Bounds how long Stop() waits.
    // The RedisClient's command_timeout must exceed it by kBlockMargin
    // (checked in the constructor), or idle reads would time out.
    absl::Duration block = absl::Milliseconds(200);
    // XAUTOCLAIM entries pending this long with any consumer of the group
    // (consumers that died). Must be far above the time a handler takes
    // for a batch: a slower consumer's entries are claimed and handled twice.
    absl::Duration claim_min_idle = absl::Seconds(30);
    absl::Duration claim_interval = absl::Seconds(5);
    // After a handler failure nothing is read until the backoff passed; it
    // doubles per consecutive failure from initial_backoff up to max_backoff.
    // Redis errors back off the same way in the background thread.
    absl::Duration initial_backoff = absl::Milliseconds(50);
    absl::Duration max_backoff = absl::Seconds(5);
    // Times the claim interval and handler backoff; nullptr = Clock::Real().
    Clock* clock = nullptr;
  };

  // Required headroom of RedisClient::Options::command_timeout over block.
  static constexpr absl::Duration kBlockMargin = absl::Milliseconds(100);

  struct Entry {
    std::string id;  // stream entry ID, e.g. "1700000000000-42"
    v1::Event event;
  };

  // OK: the entry is acknowledged (XACK). Any error: it is not; it and the
  // entries after it are delivered again, in order, after a backoff. Return OK
  // for an entry that should be skipped for good (an error would block this
  // consumer on it forever). Entries that cannot be decoded (no "event"
  // field, unparsable) or were deleted from the stream never reach the
  // handler: they are logged, counted and acknowledged. Runs on the thread
  // that polls, with no lock of this class other than the poll lock held
  // (it must not call PollOnce/EnsureGroup; stats() is fine).
  using Handler = std::function<absl::Status(const Entry&)>;

  struct Stats {
    int64_t delivered = 0;         // entries handed to the handler (redeliveries included)
    int64_t acked = 0;             // entries acknowledged (Redis' XACK count)
    int64_t handler_failures = 0;  // handler calls that returned an error
    int64_t poison = 0;            // undecodable entries, acknowledged unhandled
    int64_t deleted = 0;           // pending entries deleted from the stream (trimmed)
    int64_t claimed = 0;           // entries taken over from idle consumers by XAUTOCLAIM
    int64_t group_recreated = 0;   // times the vanished group was created again
    // The last finished round read new entries, got fewer than a batch and
    // handled all: everything in the stream up to then has been handled
    // (readiness). Stays false while backing off after a handler failure.
    bool caught_up = false;
    absl::Status last_error;  // of the last poll; OK when it succeeded
  };

  // `redis` must outlive this and have command_timeout > block + kBlockMargin
  // (LABOR_CHECK, as are non-empty stream/group/consumer and block > 0).
  StreamConsumer(RedisClient* redis, Options options, Handler handler);
  ~StreamConsumer();  // Stop()
  StreamConsumer(const StreamConsumer&) = delete;
  StreamConsumer& operator=(const StreamConsumer&) = delete;

  // XGROUP CREATE <stream> <group> <start_id> MKSTREAM; an existing group is
  // fine (BUSYGROUP). UNAVAILABLE when Redis is down; INTERNAL for another
  // error reply (e.g. WRONGTYPE). PollOnce calls it when it has not succeeded
  // yet, so calling it first is optional (it lets startup fail early).
  absl::Status EnsureGroup();

  // Starts the background thread: PollOnce in a loop, backing off after
  // errors (Redis errors: exponential with jitter up to max_backoff; handler
  // failures: see Options). No-op when running. Start/Stop from one thread.
  void Start();
  // Stops the thread promptly: it does not wait out a backoff or the rest of
  // a batch (unhandled entries stay pending and come first next time); it
  // waits for a running handler call and at most `block` for a read. Idempotent.
  void Stop();

  // One round, in this order, returning after the first step that found
  // entries:
  //  1. this consumer's own pending entries (XREADGROUP ... 0: left unacked
  //     by an earlier process or a failed handler), when there may be any;
  //  2. every claim_interval: XAUTOCLAIM of the group's entries idle for
  //     claim_min_idle, continuing the scan over later rounds;
  //  3. new entries (XREADGROUP ... > BLOCK block).
  // Returns how many entries the handler accepted; 0 without touching Redis
  // while backing off after a handler failure. Errors: UNAVAILABLE when Redis
  // is unreachable (entries handled but not yet acknowledged come again);
  // INTERNAL for an unexpected reply; a handler error is returned with its
  // code, prefixed with the entry ID (the entries before it were acknowledged).
  // A vanished group (NOGROUP) is re-created from recreate_start_id and the
  // read retried. Thread-safe (rounds are serialized); do not call while the
  // background thread runs unless you accept interleaved rounds.
  absl::StatusOr<int> PollOnce();

  Stats stats() const;
  const Options& options() const { return options_; }

 private:
  // An entry as Redis returned it.
  struct RawEntry {
    std::string id;
    bool deleted = false;                    // fields nil: deleted while pending
    std::optional<std::string> event_bytes;  // the "event" field, when present
  };
  struct PollResult {
    absl::StatusOr<int> accepted = 0;
    bool handler_failed = false;
    absl::Time retry_at = absl::InfinitePast();  // backing off until then
  };

  PollResult Poll();
  // *caught_up: the round read new entries, fewer than a batch, and handled all.
  absl::StatusOr<int> PollLocked(bool* handler_failed, bool* caught_up)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu_);
  absl::Status CreateGroupLocked(const std::string& start_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu_);
  // Runs a group command; on NOGROUP re-creates the group and runs it again.
  // A remaining error reply becomes INTERNAL.
  absl::StatusOr<RedisReply> GroupCommand(const std::vector<std::string>& argv)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu_);
  absl::StatusOr<std::vector<RawEntry>> ReadGroup(const std::string& id, bool block)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu_);
  absl::StatusOr<std::vector<RawEntry>> AutoClaim() ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu_);
  // Appends a reply's entries ([id, [field, value, ...] | nil], ...) to *out.
  absl::Status ParseEntries(const RedisReply& list, absl::string_view what,
                            std::vector<RawEntry>* out) const;
  // Hands entries to the handler in order, acknowledges the accepted (and
  // undecodable) ones. Sets *handler_failed when the handler failed.
  absl::StatusOr<int> HandleBatch(const std::vector<RawEntry>& entries, bool* handler_failed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu_);
  void Run();

  RedisClient* redis_;
  const Options options_;
  const Handler handler_;
  Clock* clock_;

  absl::Mutex poll_mu_;
  bool group_ready_ ABSL_GUARDED_BY(poll_mu_) = false;
  // Own pending entries may exist (true at start: an earlier process may
  // have left some).
  bool check_pending_ ABSL_GUARDED_BY(poll_mu_) = true;
  std::string claim_cursor_ ABSL_GUARDED_BY(poll_mu_) = "0-0";
  absl::Time next_claim_ ABSL_GUARDED_BY(poll_mu_) = absl::InfinitePast();
  absl::Duration handler_backoff_ ABSL_GUARDED_BY(poll_mu_) = absl::ZeroDuration();
  absl::Time retry_at_ ABSL_GUARDED_BY(poll_mu_) = absl::InfinitePast();

  mutable absl::Mutex stats_mu_;
  Stats stats_ ABSL_GUARDED_BY(stats_mu_);

  std::thread thread_;
  // Checked between entries of a batch, so Stop() need not wait for it.
  std::atomic<bool> stop_{false};
  // Lets Stop() cut a backoff wait short.
  absl::Mutex stop_mu_;
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
};

}  // namespace labor
