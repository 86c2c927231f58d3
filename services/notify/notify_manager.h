// NotificationService's domain logic, with no gRPC: intake (validation,
// idempotency, backpressure), segment expansion, the dispatcher (TTL,
// consent, quiet hours, daily caps, digests, routing), subscribers and their
// acks, the SMS channel, retries, stats and queries.
//
// Every message's state lives in RocksDB; the messages not yet settled are
// also held in memory with their schedule. A message is written as QUEUED
// (durably) before Enqueue answers, moves to SENT when a subscriber or the
// SMS gateway gets it, and ends DELIVERED, FAILED, EXPIRED or SUPPRESSED
// with a reason. SENT messages not acked within the ack timeout, or whose
// subscriber went away, or that were in flight when the process died, go
// out again: subscribers deduplicate by message_id.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "common/clock.h"
#include "common/occupations.h"
#include "common/regions.h"
#include "common/status.h"
#include "labor/v1/common.pb.h"
#include "labor/v1/notification.pb.h"
#include "services/notify/notify_store.h"
#include "services/notify/policy.h"
#include "services/notify/profile_directory.h"
#include "services/notify/sms_gateway.h"
#include "services/notify/subscribers.h"

namespace labor::notify {

// Where a subscriber's deliveries go (the gRPC stream). Offer must not
// block; it returns false when the subscriber is gone.
class DeliverySink {
 public:
  virtual ~DeliverySink() = default;
  virtual bool Offer(const v1::Delivery& delivery) = 0;
};

struct NotifyOptions {
  QuietHours quiet_hours;
  int daily_job_alert_cap = 3;
  absl::Duration dedup_window = absl::Hours(24);
  absl::Duration ack_timeout = absl::Seconds(30);
  RetryPolicy wechat_retry{5};
  RetryPolicy kiosk_retry{10};
  RetryPolicy sms_retry{3, absl::Minutes(1), 2.0, absl::Minutes(30), 0.2};
  absl::Duration max_ttl = absl::Hours(24 * 30);
  // Unsettled messages a channel may hold before Enqueue answers
  // RESOURCE_EXHAUSTED.
  int64_t max_pending_per_channel = 200'000;
  // A subscriber's window of unacked deliveries (a stalled one gets one;
  // services/notify/subscribers.h).
  int max_in_flight_per_subscriber = 2'000;
  int max_digest = 10;                                   // job alerts in one digest message
  absl::Duration job_alert_hold = absl::ZeroDuration();  // let bursts merge
  absl::Duration profile_retry = absl::Seconds(5);       // ProfileService unreachable
  absl::Duration no_subscriber_retry = absl::Seconds(2);
  int dispatch_batch = 1'000;
  int expansion_page_size = 500;
  int sms_senders = 2;
  std::string sms_sign_name = "通川就业";
  uint64_t seed = 0;  // jitter and ids; 0 = from the clock
};

struct NotifyDeps {
  NotifyStore* store = nullptr;
  ProfileDirectory* directory = nullptr;
  SmsGateway* sms = nullptr;  // null: no SMS channel
  const RegionRegistry* regions = nullptr;
  const OccupationTaxonomy* occupations = nullptr;
  Clock* clock = nullptr;
};

class NotifyManager {
 public:
  NotifyManager(NotifyDeps deps, NotifyOptions options);
  ~NotifyManager();  // stops the threads
  NotifyManager(const NotifyManager&) = delete;
  NotifyManager& operator=(const NotifyManager&) = delete;

  // Loads the unsettled messages and unexpanded segments from the store.
  // Messages that were SENT when the process stopped go out again at once.
  absl::Status Load();
  // Starts the dispatcher, expansion and SMS threads (tests may instead
  // drive DispatchOnce / ExpandOnce with a manual clock).
  void Start();
  void Stop();

  // Enqueue (README "Notifications"). INVALID_ARGUMENT naming
  // notifications[i].<field>; PERMISSION_DENIED for free text from a
  // non-admin; ALREADY_EXISTS when an idempotency key is reused for a
  // different notification within the dedup window; RESOURCE_EXHAUSTED when
  // a channel's backlog is full. Durable before it returns.
  absl::StatusOr<v1::EnqueueResponse> Enqueue(const Caller& caller,
                                              const v1::EnqueueRequest& request);
  absl::StatusOr<v1::Notification> GetNotification(const Caller& caller,
                                                   const v1::GetNotificationRequest& request);
  // NOT_FOUND for an unknown id (or a wechat caller's other workers).
  absl::StatusOr<v1::Message> GetMessage(const Caller& caller,
                                         const v1::GetMessageRequest& request);
  absl::StatusOr<v1::ListMessagesResponse> ListMessages(const Caller& caller,
                                                        const v1::ListMessagesRequest& request);
  absl::StatusOr<v1::AckResponse> Ack(const Caller& caller, const v1::AckRequest& request);
  absl::StatusOr<v1::StatsResponse> GetStats(const Caller& caller, const v1::StatsRequest& request);

  // Registers a subscriber; deliveries go to `sink` until Unsubscribe. The
  // returned handle names the registration. INVALID_ARGUMENT for a bad
  // channel / id / region; PERMISSION_DENIED when the role may not take the
  // channel.
  absl::StatusOr<int64_t> Subscribe(const Caller& caller, const v1::SubscribeRequest& request,
                                    DeliverySink* sink);
  // Its unacked deliveries go out again. After it returns, `sink` is never
  // called again.
  void Unsubscribe(int64_t handle);

  // A match.found event (labor.events.matching): job alerts for its workers,
  // idempotent per (vacancy version, worker). RESOURCE_EXHAUSTED while
  // the backlog is full (the consumer retries).
  absl::Status ApplyMatchEvent(const v1::Event& event);

  // One dispatcher pass over every message due now; returns how many it
  // looked at. One expansion step (a page of one segment); false when
  // nothing is left to expand.
  int DispatchOnce();
  bool ExpandOnce();
  // Sends the SMS queued by DispatchOnce on the calling thread (tests).
  int SendSmsOnce();
  // Deletes idempotency records older than the dedup window and old daily
  // counters.
  absl::StatusOr<int64_t> Purge();

  absl::Status Health();

  struct Counters {
    int64_t pending = 0;    // unsettled messages
    int64_t scheduled = 0;  // of which waiting in the schedule
    int64_t in_flight = 0;  // handed to a subscriber or the gateway
    int64_t subscribers = 0;
    int64_t unexpanded = 0;
    int64_t enqueued = 0;  // messages created since start
    int64_t settled = 0;   // messages that reached a terminal state since start
  };
  Counters counters();

 private:
  struct Pending {
    StoredMessage m;
    int64_t popped_due = 0;  // the due time it had when the dispatcher took it
    uint64_t epoch = 0;      // bumped on every change
    int64_t subscriber = 0;  // handle holding it in flight (0 = none)
    absl::Time sent_at;      // when it went to that subscriber
    int64_t avoid = 0;       // the subscriber its last attempt timed out at
    std::string note;        // last waiting reason recorded (no repeats)
  };
  struct SmsJob {
    std::string message_id;
    int32_t attempt = 0;
    std::string worker_id;
    SmsRequest request;   // phone filled by the sender
    bool notice = false;  // SMS_SERVICE_NOTICE for the message, not the message
  };
  // Message records to write: (id, serialized record), taken while the lock
  // is held so the write can happen after it is released.
  using Changed = std::vector<std::pair<std::string, std::string>>;
  static void Keep(Changed* changed, const StoredMessage& m) {
    changed->emplace_back(m.message().message_id(), m.SerializeAsString());
  }
  struct Offer {
    int64_t handle = 0;
    DeliverySink* sink = nullptr;
    v1::Delivery delivery;
  };
  enum class Outcome { kDone, kBlocked };
  using StatsKey = std::tuple<int64_t, int, int, int>;  // hour, kind, channel, status

  absl::Status ValidateNotification(const Caller& caller, const v1::Notification& n,
                                    ViolationCollector* violations) const;
  std::string NewNotificationId();
  // The QUEUED message of `stored` for one worker ("<id>.<ordinal>").
  StoredMessage MakeMessage(const StoredNotification& stored, const std::string& worker_id,
                            int ordinal) const;
  const RetryPolicy& RetryFor(v1::Channel channel) const;
  double NextUnit() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // In-memory bookkeeping; every change of a pending message goes through
  // these so schedule, indexes and stats stay in step.
  void Track(StoredMessage m) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Reschedule(Pending* p, absl::Time due) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Unschedule(Pending* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The channel a message went out on, moving its stats count along.
  void SetRouted(Pending* p, v1::Channel channel) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AddHistory(Pending* p, v1::NotificationStatus status, absl::Time at, std::string reason,
                  v1::Channel channel = v1::CHANNEL_UNSPECIFIED, int32_t error_code = 0,
                  std::string delivery_id = "") ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Records a waiting reason once (not again while it stays the same);
  // true when the history grew.
  bool NoteWaiting(Pending* p, absl::Time at, const std::string& reason)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Ends the message (and the job alerts merged into it); removes it from
  // memory. Appends the records to `changed`.
  void Settle(Pending* p, v1::NotificationStatus status, absl::Time at, const std::string& reason,
              Changed* changed, int32_t error_code = 0) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A failed attempt: back off and retry, or fail for good when the
  // channel's attempts are used up.
  void RetryOrFail(Pending* p, absl::Time now, const std::string& reason, int32_t error_code,
                   Changed* changed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReleaseFromSubscriber(Pending* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A SENT message whose ack did not come in time. When its subscriber
  // stalled, the attempt is not charged and it goes to another one at once;
  // otherwise it backs off (RetryOrFail).
  void AckTimedOut(Pending* p, absl::Time now, Changed* changed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Attempts counted against the channel's limit.
  static int ChargedAttempts(const StoredMessage& m) {
    return m.message().attempts() - m.uncharged_attempts();
  }
  void CountStats(const StoredMessage& m, int delta) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<int32_t> DailyCount(const std::string& worker_id, int64_t day)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  v1::Delivery MakeDelivery(const Pending& p, v1::Channel channel, const Contact& contact,
                            const std::vector<const Pending*>& merged) const;
  // The kiosk fallback's SMS_SERVICE_NOTICE: once per message, at most one a
  // day per worker.
  void MaybeSmsNotice(Pending* p, absl::Time now, Changed* changed, std::vector<SmsJob>* sms)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Outcome Decide(Pending* p, const absl::StatusOr<Contact>& contact, absl::Time now,
                 Changed* changed, std::vector<Offer>* out, std::vector<SmsJob>* sms,
                 std::vector<NotifyMutation::DailyCount>* daily) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Releases `lock` (on mu_), writes `changed` and `daily` in the order the
  // decisions were made (commit_mu_ is taken first), then hands `offers` to
  // the subscribers still connected. Intake goes on during the write.
  void Flush(absl::ReleasableMutexLock* lock, Changed changed,
             std::vector<NotifyMutation::DailyCount> daily, std::vector<Offer> offers);
  void OnSmsResult(const SmsJob& job, const absl::StatusOr<SmsReceipt>& result);
  void RevokeLater(const std::string& worker_id, v1::Channel channel);
  absl::StatusOr<v1::EnqueueResponse> EnqueueAs(const std::string& tenant, const Caller& caller,
                                                const v1::EnqueueRequest& request);
  absl::StatusOr<std::string> OwnWorker(const Caller& caller);
  // Replaces a stored record with the live one when the message is still
  // being delivered (its SENT state is not written; see Decide).
  void Overlay(StoredMessage* m);
  bool SegmentHolds(const v1::Segment& segment, const v1::Worker& worker) const;

  void DispatchLoop();
  void ExpansionLoop();
  void SmsLoop();

  NotifyDeps deps_;
  NotifyOptions options_;

  // Enqueues with the same key serialize on a stripe (idempotency).
  static constexpr int kStripes = 64;
  absl::Mutex stripes_[kStripes];

  absl::Mutex mu_;
  absl::Mutex commit_mu_ ABSL_ACQUIRED_AFTER(mu_);
  // Offers happen outside mu_; a subscriber leaves only under offer_mu_, so
  // its sink is never offered to after Unsubscribe returns.
  absl::Mutex offer_mu_;
  absl::flat_hash_set<int64_t> live_sinks_ ABSL_GUARDED_BY(offer_mu_);
  absl::flat_hash_map<std::string, std::unique_ptr<Pending>> pending_ ABSL_GUARDED_BY(mu_);
  absl::btree_set<std::pair<int64_t, std::string>> schedule_ ABSL_GUARDED_BY(mu_);
  // SENT messages by ack deadline, apart from schedule_: messages waiting
  // for a full subscriber keep their (earlier) place there and must not
  // starve the timeouts that free the window.
  absl::btree_set<std::pair<int64_t, std::string>> deadlines_ ABSL_GUARDED_BY(mu_);
  // Queued job alerts per worker: digest candidates.
  absl::flat_hash_map<std::string, absl::btree_set<std::string>> alerts_by_worker_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<int, int64_t> pending_by_channel_ ABSL_GUARDED_BY(mu_);
  std::map<StatsKey, int64_t> stats_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int32_t> daily_ ABSL_GUARDED_BY(mu_);       // worker\0day
  absl::flat_hash_set<std::string> revoked_ ABSL_GUARDED_BY(mu_);              // worker\0channel
  absl::flat_hash_map<std::string, int64_t> notice_day_ ABSL_GUARDED_BY(mu_);  // last SMS notice
  SubscriberPool subscribers_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> unexpanded_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::string> expansion_errors_ ABSL_GUARDED_BY(mu_);
  std::deque<SmsJob> sms_queue_ ABSL_GUARDED_BY(mu_);
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> id_sequence_{0};
  int64_t enqueued_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t settled_ ABSL_GUARDED_BY(mu_) = 0;
  bool kicked_ ABSL_GUARDED_BY(mu_) = false;           // new work
  bool capacity_kicked_ ABSL_GUARDED_BY(mu_) = false;  // a subscriber has room again
  bool blocked_ ABSL_GUARDED_BY(mu_) = false;          // the last pass found only full subscribers
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  std::vector<std::thread> threads_;
};

}  // namespace labor::notify
