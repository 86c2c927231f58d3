#include "services/notify/notify_manager.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "absl/random/distributions.h"
#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/pii.h"
#include "common/proto_util.h"
#include "common/status.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/notify/manager_internal.h"
#include "services/notify/sms_content.h"
#include "services/notify/templates.h"

namespace labor::notify {

using internal::kMaxBatch;
using internal::kMaxIdChars;
using internal::PrintableAscii;

namespace {

constexpr size_t kMaxKeyChars = 128;
constexpr size_t kMaxSmsQueue = 1000;

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

v1::Actor ActorOf(const Caller& caller) {
  v1::Actor actor;
  actor.set_role(std::string(RoleName(caller.role)));
  actor.set_tenant(caller.tenant);
  actor.set_principal(caller.principal);
  return actor;
}

// The segment's region codes in the form workers' records hold (validated
// already, so every code converts).
void CanonicalizeSegment(const RegionRegistry& regions, v1::Segment* s) {
  for (std::string& township : *s->mutable_townships()) {
    if (auto code = regions.CanonicalStreetIn(township, kTongchuanArea); code.ok()) {
      township = *std::move(code);
    }
  }
  if (!s->current_location_prefix().empty()) {
    regions.Canonicalize(s->mutable_current_location_prefix()).IgnoreError();
  }
}

std::string WaitingCode(absl::string_view reason) {
  return std::string(reason.substr(0, reason.find(':')));
}

std::string LocalClock(absl::Time t) { return absl::FormatTime("%H:%M", t, ShanghaiTime()); }

}  // namespace

NotifyManager::NotifyManager(NotifyDeps deps, NotifyOptions options)
    : deps_(deps),
      options_(std::move(options)),
      subscribers_(std::max(1, options_.max_in_flight_per_subscriber)) {
  LABOR_CHECK(deps_.store != nullptr && deps_.directory != nullptr && deps_.clock != nullptr)
      << "NotifyManager needs a store, a directory and a clock";
  uint64_t seed =
      options_.seed != 0 ? options_.seed : static_cast<uint64_t>(Micros(deps_.clock->Now()));
  rng_.seed(seed);
}

NotifyManager::~NotifyManager() { Stop(); }

// ---------------------------------------------------------------- bookkeeping

double NotifyManager::NextUnit() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }

std::string NotifyManager::NewNotificationId() {
  // Time-ordered (sorts by creation), unique across restarts (the clock moves
  // on) and within a microsecond (sequence), unguessable enough not to invite
  // enumeration (random tail).
  thread_local absl::BitGen gen;
  return absl::StrFormat("N%012x%04x%04x", Micros(deps_.clock->Now()),
                         id_sequence_.fetch_add(1, std::memory_order_relaxed) & 0xffff,
                         absl::Uniform<uint32_t>(gen) & 0xffff);
}

const RetryPolicy& NotifyManager::RetryFor(v1::Channel channel) const {
  switch (channel) {
    case v1::CHANNEL_SMS:
      return options_.sms_retry;
    case v1::CHANNEL_KIOSK:
      return options_.kiosk_retry;
    default:
      return options_.wechat_retry;
  }
}

void NotifyManager::CountStats(const StoredMessage& m, int delta) {
  const int64_t hour = m.message().created_at().seconds() / 3600;
  stats_[{hour, m.message().kind(), m.routed(), m.message().status()}] += delta;
}

void NotifyManager::Track(StoredMessage m) {
  CountStats(m, +1);
  const std::string id = m.message().message_id();
  if (IsTerminal(m.message().status())) return;  // counted, not kept
  auto p = std::make_unique<Pending>();
  p->m = std::move(m);
  Pending* raw = p.get();
  pending_by_channel_[raw->m.message().channel()]++;
  pending_[id] = std::move(p);
  const v1::Message& msg = raw->m.message();
  if (msg.kind() == v1::NOTIFICATION_KIND_JOB_ALERT &&
      msg.status() == v1::NOTIFICATION_STATUS_QUEUED) {
    alerts_by_worker_[msg.worker_id()].insert(id);
  }
  if (msg.merged_into().empty() && raw->m.due_micros() > 0) {
    schedule_.insert({raw->m.due_micros(), id});
  }
}

void NotifyManager::SetRouted(Pending* p, v1::Channel channel) {
  if (p->m.routed() == channel) return;
  CountStats(p->m, -1);
  p->m.set_routed(channel);
  CountStats(p->m, +1);
}

void NotifyManager::Unschedule(Pending* p) {
  if (p->m.due_micros() > 0) {
    const std::pair<int64_t, std::string> entry{p->m.due_micros(), p->m.message().message_id()};
    schedule_.erase(entry);
    deadlines_.erase(entry);
  }
  p->m.set_due_micros(0);
  ++p->epoch;
}

void NotifyManager::Reschedule(Pending* p, absl::Time due) {
  Unschedule(p);
  p->m.set_due_micros(std::max<int64_t>(1, Micros(due)));
  (p->m.message().status() == v1::NOTIFICATION_STATUS_SENT ? deadlines_ : schedule_)
      .insert({p->m.due_micros(), p->m.message().message_id()});
}

void NotifyManager::AddHistory(Pending* p, v1::NotificationStatus status, absl::Time at,
                               std::string reason, v1::Channel channel, int32_t error_code,
                               std::string delivery_id) {
  v1::Message* msg = p->m.mutable_message();
  if (msg->status() != status) {
    CountStats(p->m, -1);
    msg->set_status(status);
    CountStats(p->m, +1);
  }
  v1::StatusChange* change = msg->add_history();
  change->set_status(status);
  *change->mutable_at() = ToProto(at);
  change->set_reason(std::move(reason));
  change->set_attempt(msg->attempts());
  change->set_channel(channel);
  change->set_channel_error_code(error_code);
  change->set_delivery_id(std::move(delivery_id));
  ++p->epoch;
  if (status != v1::NOTIFICATION_STATUS_QUEUED || msg->kind() != v1::NOTIFICATION_KIND_JOB_ALERT ||
      !msg->merged_into().empty()) {
    auto it = alerts_by_worker_.find(msg->worker_id());
    if (it != alerts_by_worker_.end()) {
      it->second.erase(msg->message_id());
      if (it->second.empty()) alerts_by_worker_.erase(it);
    }
  } else {
    alerts_by_worker_[msg->worker_id()].insert(msg->message_id());
  }
}

bool NotifyManager::NoteWaiting(Pending* p, absl::Time at, const std::string& reason) {
  const std::string code = WaitingCode(reason);
  if (p->note == code && p->m.message().status() == v1::NOTIFICATION_STATUS_QUEUED) return false;
  p->note = code;
  AddHistory(p, v1::NOTIFICATION_STATUS_QUEUED, at, reason, p->m.routed());
  return true;
}

void NotifyManager::ReleaseFromSubscriber(Pending* p) {
  if (p->subscriber == 0) return;
  subscribers_.Release(p->subscriber, p->m.message().message_id());
  p->subscriber = 0;
}

void NotifyManager::Settle(Pending* p, v1::NotificationStatus status, absl::Time at,
                           const std::string& reason, Changed* changed, int32_t error_code) {
  ReleaseFromSubscriber(p);
  Unschedule(p);
  const std::string id = p->m.message().message_id();
  const v1::Channel routed = p->m.routed();
  AddHistory(p, status, at, reason, p->m.routed(), error_code);
  Keep(changed, p->m);
  std::vector<std::string> merged(p->m.message().merged().begin(), p->m.message().merged().end());
  auto erase = [this](const std::string& message_id) {
    auto it = pending_.find(message_id);
    if (it == pending_.end()) return;
    pending_by_channel_[it->second->m.message().channel()]--;
    pending_.erase(it);
    ++settled_;
  };
  erase(id);
  for (const std::string& merged_id : merged) {
    auto it = pending_.find(merged_id);
    if (it == pending_.end()) continue;
    Pending* q = it->second.get();
    SetRouted(q, routed);
    AddHistory(q, status, at, absl::StrCat("digest ", id, ": ", reason), q->m.routed(), error_code);
    Keep(changed, q->m);
    erase(merged_id);
  }
}

void NotifyManager::RetryOrFail(Pending* p, absl::Time now, const std::string& reason,
                                int32_t error_code, Changed* changed) {
  ReleaseFromSubscriber(p);
  const RetryPolicy& policy = RetryFor(p->m.routed());
  const int attempts = ChargedAttempts(p->m);
  if (attempts >= policy.max_attempts) {
    Settle(p, v1::NOTIFICATION_STATUS_FAILED, now,
           absl::StrCat(reason, "（已尝试", attempts, "次，不再重试）"), changed, error_code);
    return;
  }
  const absl::Time next = now + BackoffDelay(policy, attempts, NextUnit());
  p->note.clear();
  AddHistory(p, v1::NOTIFICATION_STATUS_QUEUED, now,
             absl::StrCat(reason, "；", LocalClock(next), " 重试"), p->m.routed(), error_code);
  Reschedule(p, next);
  Keep(changed, p->m);
}

absl::StatusOr<int32_t> NotifyManager::DailyCount(const std::string& worker_id, int64_t day) {
  const std::string key = absl::StrCat(worker_id, std::string(1, '\0'), day);
  auto it = daily_.find(key);
  if (it != daily_.end()) return it->second;
  ASSIGN_OR_RETURN(int32_t count, deps_.store->GetDailyCount(worker_id, day));
  daily_[key] = count;
  return count;
}

void NotifyManager::Flush(absl::ReleasableMutexLock* lock, Changed changed,
                          std::vector<NotifyMutation::DailyCount> daily,
                          std::vector<Offer> offers) {
  commit_mu_.Lock();
  lock->Release();
  if (!changed.empty() || !daily.empty()) {
    NotifyMutation mutation;
    mutation.serialized_messages = std::move(changed);
    mutation.daily_counts = std::move(daily);
    absl::Status written = deps_.store->Commit(mutation, /*durable=*/false);
    // The state in memory has moved on; a lost write means a redelivery
    // after a restart (subscribers deduplicate), never a lost message.
    if (!written.ok()) LABOR_LOG(ERROR) << "notify store write failed: " << written;
  }
  commit_mu_.Unlock();
  if (offers.empty()) return;
  absl::MutexLock offering(&offer_mu_);
  for (Offer& offer : offers) {
    if (live_sinks_.contains(offer.handle)) offer.sink->Offer(offer.delivery);
  }
}

// -------------------------------------------------------------------- intake

absl::Status NotifyManager::ValidateNotification(const Caller& caller, const v1::Notification& n,
                                                 ViolationCollector* v) const {
  const absl::CivilDay today = absl::ToCivilDay(deps_.clock->Now(), ShanghaiTime());
  if (n.kind() == v1::NOTIFICATION_KIND_FREE_TEXT && caller.role != Role::kAdmin) {
    return absl::PermissionDeniedError("only staff (admin) may send free text");
  }
  if (n.idempotency_key().empty()) {
    v->Add("idempotency_key", "required");
  } else if (n.idempotency_key().size() > kMaxKeyChars || !PrintableAscii(n.idempotency_key())) {
    v->Add("idempotency_key", "1..128 printable ASCII characters, no spaces");
  }
  switch (n.recipient_case()) {
    case v1::Notification::kWorkerId:
      if (n.worker_id().empty() || n.worker_id().size() > kMaxIdChars ||
          !PrintableAscii(n.worker_id())) {
        v->Add("worker_id", "a worker id (1..64 printable ASCII characters)");
      }
      break;
    case v1::Notification::kSegment: {
      const v1::Segment& s = n.segment();
      if (s.townships().empty() && s.occupation_prefixes().empty() && s.statuses().empty() &&
          s.return_intent() == v1::RETURN_INTENT_UNSPECIFIED &&
          s.current_location_prefix().empty() && !HasDate(s.planned_return_from()) &&
          !HasDate(s.planned_return_to())) {
        v->Add("segment", "at least one filter is required");
      }
      for (int i = 0; i < s.townships_size(); ++i) {
        absl::Status ok =
            deps_.regions == nullptr
                ? absl::OkStatus()
                : deps_.regions->CanonicalStreetIn(s.townships(i), kTongchuanArea).status();
        if (!ok.ok()) v->Add(absl::StrCat("segment.townships[", i, "]"), ok.message());
      }
      for (int i = 0; i < s.occupation_prefixes_size(); ++i) {
        absl::Status ok = deps_.occupations == nullptr
                              ? absl::OkStatus()
                              : deps_.occupations->ValidatePrefix(s.occupation_prefixes(i));
        if (!ok.ok()) v->Add(absl::StrCat("segment.occupation_prefixes[", i, "]"), ok.message());
      }
      for (int i = 0; i < s.statuses_size(); ++i) {
        if (s.statuses(i) == v1::EMPLOYMENT_STATUS_UNSPECIFIED ||
            !v1::EmploymentStatus_IsValid(s.statuses(i))) {
          v->Add(absl::StrCat("segment.statuses[", i, "]"), "not an employment status");
        }
      }
      if (!v1::ReturnIntent_IsValid(s.return_intent())) {
        v->Add("segment.return_intent", "not a return intent");
      }
      if (!s.current_location_prefix().empty() && deps_.regions != nullptr) {
        absl::Status ok = deps_.regions->Canonical(s.current_location_prefix()).status();
        if (!ok.ok()) v->Add("segment.current_location_prefix", ok.message());
      }
      if (HasDate(s.planned_return_from())) {
        CheckDate(s.planned_return_from(), "segment.planned_return_from", DateField::kFilterBound,
                  today, v);
      }
      if (HasDate(s.planned_return_to())) {
        CheckDate(s.planned_return_to(), "segment.planned_return_to", DateField::kFilterBound,
                  today, v);
      }
      if (HasDate(s.planned_return_from()) && HasDate(s.planned_return_to()) &&
          ToCivil(s.planned_return_to()) < ToCivil(s.planned_return_from())) {
        v->Add("segment.planned_return_to", "before planned_return_from");
      }
      break;
    }
    case v1::Notification::RECIPIENT_NOT_SET:
      v->Add("recipient", "worker_id or segment is required");
      break;
  }
  if (n.kind() == v1::NOTIFICATION_KIND_UNSPECIFIED || !v1::NotificationKind_IsValid(n.kind())) {
    v->Add("kind",
           "required: JOB_ALERT, FAIR_ANNOUNCEMENT, POLICY_NOTICE, RETURN_TRANSPORT or FREE_TEXT");
  } else {
    v->Merge(ValidatePayload(n.kind(), n.payload()));
    // The days a fair or trip is announced for: in the plausible window.
    for (const auto& [key, day] : PayloadDates(n.payload())) {
      absl::Status plausible = CheckPlausibleDate(day, DateField::kAnnouncedDay, today);
      if (!plausible.ok()) v->Add(absl::StrCat("payload.", key), plausible.message());
    }
  }
  if (!v1::Channel_IsValid(n.channel())) {
    v->Add("channel", "not a channel");
  } else if (n.channel() == v1::CHANNEL_SMS) {
    if (!SmsAllowed(n.kind())) {
      v->Add("channel", "SMS may not carry recruitment content: job alerts go by WeChat");
    } else if (deps_.sms == nullptr) {
      v->Add("channel", "no SMS gateway is configured");
    } else {
      // Refused here rather than FAILED by the gateway after the fact.
      v->Merge(CheckSmsContent(n.kind(), n.payload()));
    }
  }
  if (!v1::Priority_IsValid(n.priority())) v->Add("priority", "not a priority");
  if (n.ttl().seconds() < 0 || n.ttl().nanos() < 0) {
    v->Add("ttl", "must not be negative");
  } else if (absl::Seconds(n.ttl().seconds()) > options_.max_ttl) {
    v->Add("ttl", absl::StrCat("at most ", absl::FormatDuration(options_.max_ttl)));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::EnqueueResponse> NotifyManager::Enqueue(const Caller& caller,
                                                           const v1::EnqueueRequest& request) {
  const std::string tenant =
      caller.tenant.empty() ? std::string(RoleName(caller.role)) : caller.tenant;
  return EnqueueAs(tenant, caller, request);
}

absl::StatusOr<v1::EnqueueResponse> NotifyManager::EnqueueAs(const std::string& tenant,
                                                             const Caller& caller,
                                                             const v1::EnqueueRequest& request) {
  if (request.notifications().empty()) return InvalidField("notifications", "at least one");
  if (request.notifications_size() > kMaxBatch) {
    return InvalidField("notifications", absl::StrCat("at most ", kMaxBatch, " per request"));
  }
  ViolationCollector violations;
  for (int i = 0; i < request.notifications_size(); ++i) {
    ViolationCollector one;
    RETURN_IF_ERROR(ValidateNotification(caller, request.notifications(i), &one));
    violations.Merge(PrefixFields(one.ToStatus(), absl::StrCat("notifications[", i, "]")));
  }
  RETURN_IF_ERROR(violations.ToStatus());

  // Backpressure: a channel that cannot keep up slows its producers down
  // instead of growing without bound.
  {
    absl::flat_hash_map<int, int64_t> adding;
    for (const v1::Notification& n : request.notifications()) adding[n.channel()]++;
    absl::MutexLock lock(&mu_);
    for (const auto& [channel, count] : adding) {
      const int64_t have = pending_by_channel_[channel];
      if (have + count > options_.max_pending_per_channel) {
        return absl::ResourceExhaustedError(
            absl::StrCat("channel ", ChannelName(static_cast<v1::Channel>(channel)), " has ", have,
                         " undelivered messages (limit ", options_.max_pending_per_channel,
                         "); retry with backoff"));
      }
    }
  }

  std::vector<int> stripes;
  for (const v1::Notification& n : request.notifications()) {
    stripes.push_back(static_cast<int>(
        absl::Hash<std::pair<std::string, std::string>>()({tenant, n.idempotency_key()}) %
        kStripes));
  }
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  for (int s : stripes) stripes_[s].Lock();
  struct Unlocker {
    NotifyManager* self;
    const std::vector<int>& stripes;
    ~Unlocker() {
      for (auto it = stripes.rbegin(); it != stripes.rend(); ++it) self->stripes_[*it].Unlock();
    }
  } unlocker{this, stripes};

  const absl::Time now = deps_.clock->Now();
  NotifyMutation mutation;
  v1::EnqueueResponse response;
  absl::flat_hash_map<std::string, std::pair<std::string, int>> in_batch;  // key -> hash, result
  std::vector<std::string> unexpanded;
  for (int i = 0; i < request.notifications_size(); ++i) {
    const v1::Notification& n = request.notifications(i);
    const std::string hash = ContentFingerprint(n);
    // The one rule of common/idempotency.h: a replay gets the original, a
    // reused key with other content ALREADY_EXISTS.
    auto check = [&](absl::string_view first_hash, absl::string_view id) {
      return CheckReplay(absl::StrCat("notifications[", i, "].idempotency_key"),
                         n.idempotency_key(), first_hash, hash, absl::StrCat("notification ", id),
                         absl::FormatDuration(options_.dedup_window));
    };
    if (auto seen = in_batch.find(n.idempotency_key()); seen != in_batch.end()) {
      RETURN_IF_ERROR(
          check(seen->second.first, response.results(seen->second.second).notification_id()));
      v1::EnqueueResult* result = response.add_results();
      *result = response.results(seen->second.second);
      result->set_duplicate(true);
      continue;
    }
    ASSIGN_OR_RETURN(std::optional<StoredIdempotency> seen,
                     deps_.store->GetIdempotency(tenant, n.idempotency_key()));
    if (seen && absl::FromUnixMicros(seen->created_micros()) + options_.dedup_window > now) {
      RETURN_IF_ERROR(check(seen->request_hash(), seen->notification_id()));
      ASSIGN_OR_RETURN(std::optional<StoredNotification> original,
                       deps_.store->GetNotification(seen->notification_id()));
      v1::EnqueueResult* result = response.add_results();
      result->set_notification_id(seen->notification_id());
      result->set_duplicate(true);
      if (original) {
        result->set_recipients(original->notification().recipients());
        if (original->notification().recipient_case() == v1::Notification::kWorkerId) {
          result->set_message_id(absl::StrCat(seen->notification_id(), ".0"));
        }
      }
      in_batch[n.idempotency_key()] = {hash, response.results_size() - 1};
      continue;
    }
    StoredNotification stored;
    v1::Notification* out = stored.mutable_notification();
    *out = n;
    if (out->has_segment() && deps_.regions != nullptr) {
      CanonicalizeSegment(*deps_.regions, out->mutable_segment());
    }
    out->set_notification_id(NewNotificationId());
    *out->mutable_created_at() = ToProto(now);
    *out->mutable_created_by() = ActorOf(caller);
    out->clear_status_counts();
    out->clear_expansion_error();
    if (out->priority() == v1::PRIORITY_UNSPECIFIED) out->set_priority(v1::PRIORITY_NORMAL);
    if (out->ttl().seconds() == 0 && out->ttl().nanos() == 0) {
      out->mutable_ttl()->set_seconds(absl::ToInt64Seconds(DefaultTtl(n.kind())));
    }
    stored.set_tenant(tenant);
    stored.set_request_hash(hash);
    v1::EnqueueResult* result = response.add_results();
    result->set_notification_id(out->notification_id());
    if (n.recipient_case() == v1::Notification::kWorkerId) {
      out->set_recipients(1);
      stored.set_expanded(true);
      stored.set_next_ordinal(1);
      mutation.new_messages.push_back(MakeMessage(stored, n.worker_id(), 0));
      result->set_recipients(1);
      result->set_message_id(mutation.new_messages.back().message().message_id());
    } else {
      out->set_recipients(-1);
      result->set_recipients(-1);
      unexpanded.push_back(out->notification_id());
    }
    NotifyMutation::Idempotency idem;
    idem.tenant = tenant;
    idem.key = n.idempotency_key();
    idem.record.set_notification_id(out->notification_id());
    idem.record.set_created_micros(Micros(now));
    idem.record.set_request_hash(hash);
    mutation.idempotency.push_back(std::move(idem));
    mutation.notifications.push_back(std::move(stored));
    in_batch[n.idempotency_key()] = {hash, response.results_size() - 1};
  }
  if (mutation.empty()) return response;
  RETURN_IF_ERROR(deps_.store->Commit(mutation, /*durable=*/true));
  absl::MutexLock lock(&mu_);
  for (StoredMessage& m : mutation.new_messages) {
    ++enqueued_;
    Track(std::move(m));
  }
  for (std::string& id : unexpanded) unexpanded_.push_back(std::move(id));
  kicked_ = true;
  return response;
}

StoredMessage NotifyManager::MakeMessage(const StoredNotification& stored,
                                         const std::string& worker_id, int ordinal) const {
  const v1::Notification& n = stored.notification();
  const absl::Time created = FromProto(n.created_at());
  StoredMessage m;
  v1::Message* msg = m.mutable_message();
  msg->set_message_id(absl::StrCat(n.notification_id(), ".", ordinal));
  msg->set_notification_id(n.notification_id());
  msg->set_worker_id(worker_id);
  msg->set_kind(n.kind());
  msg->set_channel(n.channel());
  msg->set_priority(n.priority());
  msg->set_status(v1::NOTIFICATION_STATUS_QUEUED);
  *msg->mutable_created_at() = n.created_at();
  *msg->mutable_expires_at() =
      ToProto(created + absl::Seconds(n.ttl().seconds()) + absl::Nanoseconds(n.ttl().nanos()));
  *msg->mutable_payload() = n.payload();
  v1::StatusChange* queued = msg->add_history();
  queued->set_status(v1::NOTIFICATION_STATUS_QUEUED);
  *queued->mutable_at() = n.created_at();
  queued->set_reason("queued: 已受理");
  queued->set_channel(n.channel());
  absl::Time due = created;
  if (n.kind() == v1::NOTIFICATION_KIND_JOB_ALERT) due += options_.job_alert_hold;
  m.set_due_micros(std::max<int64_t>(1, Micros(due)));
  m.set_tenant(stored.tenant());
  return m;
}

absl::Status NotifyManager::ApplyMatchEvent(const v1::Event& event) {
  if (event.type() != "match.found") return absl::OkStatus();
  v1::VacancyMatches matches;
  if (event.payload_type() != "labor.v1.VacancyMatches" ||
      !matches.ParseFromString(event.payload())) {
    LABOR_LOG(WARNING) << "match event " << event.event_id() << " has no VacancyMatches payload";
    return absl::OkStatus();
  }
  v1::EnqueueRequest request;
  for (const v1::Match& match : matches.matches()) {
    if (match.worker_id().empty()) continue;
    v1::Notification* n = request.add_notifications();
    n->set_idempotency_key(absl::StrCat("match:", matches.vacancy_id(), ":",
                                        matches.vacancy_version(), ":", match.worker_id()));
    n->set_worker_id(match.worker_id());
    n->set_kind(v1::NOTIFICATION_KIND_JOB_ALERT);
    *n->mutable_payload() = JobAlertPayload(matches, match, deps_.regions);
    if (request.notifications_size() == kMaxBatch) break;
  }
  if (request.notifications().empty()) return absl::OkStatus();
  Caller matching;
  matching.role = Role::kService;
  matching.tenant = "matching";
  matching.principal = "match-events";
  absl::StatusOr<v1::EnqueueResponse> done = EnqueueAs("matching", matching, request);
  if (!done.ok() && done.status().code() == absl::StatusCode::kInvalidArgument) {
    // A malformed event is not retried forever: it would block the stream.
    LABOR_LOG(WARNING) << "match event " << event.event_id() << " skipped: " << done.status();
    return absl::OkStatus();
  }
  return done.status();
}

// -------------------------------------------------------------- dispatching

v1::Delivery NotifyManager::MakeDelivery(const Pending& p, v1::Channel channel,
                                         const Contact& contact,
                                         const std::vector<const Pending*>& merged) const {
  const v1::Message& msg = p.m.message();
  v1::Delivery d;
  d.set_delivery_id(absl::StrCat(msg.message_id(), "#", msg.attempts()));
  d.set_message_id(msg.message_id());
  d.set_worker_id(msg.worker_id());
  if (channel == v1::CHANNEL_WECHAT) d.set_wechat_openid(contact.wechat_openid);
  d.set_kind(msg.kind());
  d.set_attempt(msg.attempts());
  Rendered rendered;
  if (merged.empty()) {
    rendered = Render(msg.kind(), msg.payload(), channel);
  } else {
    std::vector<const Payload*> alerts{&msg.payload()};
    for (const Pending* q : merged) alerts.push_back(&q->m.message().payload());
    rendered = RenderDigest(alerts, channel);
    for (const Pending* q : merged) d.add_merged_message_ids(q->m.message().message_id());
  }
  d.set_template_id(rendered.template_id);
  for (auto& [k, v] : rendered.fields) (*d.mutable_fields())[k] = v;
  d.set_text(rendered.text);
  return d;
}

NotifyManager::Outcome NotifyManager::Decide(Pending* p, const absl::StatusOr<Contact>& contact,
                                             absl::Time now, Changed* changed,
                                             std::vector<Offer>* out, std::vector<SmsJob>* sms,
                                             std::vector<NotifyMutation::DailyCount>* daily) {
  const v1::Message& msg = p->m.message();
  if (now >= FromProto(msg.expires_at())) {
    Settle(p, v1::NOTIFICATION_STATUS_EXPIRED, now, "ttl: 超过有效期仍未送达，不再发送", changed);
    return Outcome::kDone;
  }
  if (msg.status() == v1::NOTIFICATION_STATUS_SENT) {
    AckTimedOut(p, now, changed);
    return Outcome::kDone;
  }
  if (const int charged = ChargedAttempts(p->m);
      charged >= RetryFor(p->m.routed()).max_attempts && charged > 0) {
    Settle(p, v1::NOTIFICATION_STATUS_FAILED, now,
           absl::StrCat("attempts_exhausted: 已尝试", charged, "次"), changed);
    return Outcome::kDone;
  }
  if (!contact.ok()) {
    if (contact.status().code() == absl::StatusCode::kNotFound) {
      Settle(p, v1::NOTIFICATION_STATUS_SUPPRESSED, now, "worker_gone: 劳动者不存在或已注销",
             changed);
      return Outcome::kDone;
    }
    if (NoteWaiting(p, now, "profile_unavailable: 暂时无法读取劳动者信息，稍后重试")) {
      Keep(changed, p->m);
    }
    Reschedule(p, now + options_.profile_retry);
    return Outcome::kDone;
  }
  Contact c = *contact;
  const std::string key = absl::StrCat(msg.worker_id(), std::string(1, '\0'));
  if (revoked_.contains(absl::StrCat(key, v1::CHANNEL_WECHAT))) c.consent_wechat = false;
  if (revoked_.contains(absl::StrCat(key, v1::CHANNEL_SMS))) c.consent_sms = false;
  const Route route =
      ChooseChannel(msg.channel(), msg.kind(), msg.payload(), c, deps_.sms != nullptr);
  if (!route.suppressed.empty()) {
    Settle(p, v1::NOTIFICATION_STATUS_SUPPRESSED, now, route.suppressed, changed);
    return Outcome::kDone;
  }
  if (!route.fallback.empty() &&
      std::none_of(msg.history().begin(), msg.history().end(),
                   [&](const v1::StatusChange& c) { return c.reason() == route.fallback; })) {
    // Once: the waiting notes that follow (no_subscriber, …) do not repeat it.
    AddHistory(p, msg.status(), now, route.fallback, v1::CHANNEL_KIOSK);
    Keep(changed, p->m);
  }
  if (msg.priority() != v1::PRIORITY_URGENT) {
    const absl::Time allowed = NextAllowedTime(now, options_.quiet_hours);
    if (allowed > now) {
      if (NoteWaiting(p, now,
                      absl::StrCat("quiet_hours: 免打扰时段，", LocalClock(allowed), " 后发送"))) {
        Keep(changed, p->m);
      }
      Reschedule(p, allowed);
      return Outcome::kDone;
    }
  }
  if (route.sms_notice) MaybeSmsNotice(p, now, changed, sms);
  Subscriber* subscriber = nullptr;
  if (route.channel == v1::CHANNEL_SMS) {
    if (sms_queue_.size() + sms->size() >= kMaxSmsQueue) {
      Reschedule(p, now + options_.no_subscriber_retry);
      return Outcome::kDone;
    }
  } else {
    bool exists = false;
    subscriber = subscribers_.Pick(route.channel, c.hukou_township, p->avoid, &exists);
    if (subscriber == nullptr && exists) {
      // Every subscriber is at its window: keep the message's place in line
      // and wait for acks (not a waiting reason worth recording).
      p->m.set_due_micros(0);
      Reschedule(p, absl::FromUnixMicros(p->popped_due));
      return Outcome::kBlocked;
    }
    if (subscriber == nullptr) {
      if (NoteWaiting(
              p, now,
              absl::StrCat("no_subscriber: 暂无在线的", ChannelName(route.channel), "接收端"))) {
        Keep(changed, p->m);
      }
      Reschedule(p, now + options_.no_subscriber_retry);
      return Outcome::kDone;
    }
  }
  std::vector<const Pending*> merged;
  if (msg.kind() == v1::NOTIFICATION_KIND_JOB_ALERT) {
    if (p->m.daily_day() == 0) {
      const int64_t day = ShanghaiDayNumber(now);
      absl::StatusOr<int32_t> count = DailyCount(msg.worker_id(), day);
      if (!count.ok()) {
        Reschedule(p, now + options_.profile_retry);
        return Outcome::kDone;
      }
      if (*count >= options_.daily_job_alert_cap) {
        Settle(p, v1::NOTIFICATION_STATUS_SUPPRESSED, now,
               absl::StrCat("daily_cap: 今日岗位推送已达", options_.daily_job_alert_cap, "条上限"),
               changed);
        return Outcome::kDone;
      }
      // Every job alert waiting for this worker goes in one digest, which
      // counts once against the cap.
      auto waiting = alerts_by_worker_.find(msg.worker_id());
      std::vector<std::string> candidates;
      if (waiting != alerts_by_worker_.end()) {
        candidates.assign(waiting->second.begin(), waiting->second.end());
      }
      for (const std::string& id : candidates) {
        if (static_cast<int>(merged.size()) + 1 >= options_.max_digest) break;
        if (id == msg.message_id()) continue;
        auto it = pending_.find(id);
        if (it == pending_.end()) continue;
        Pending* q = it->second.get();
        if (q->subscriber != 0 || q->m.message().status() != v1::NOTIFICATION_STATUS_QUEUED ||
            now >= FromProto(q->m.message().expires_at()) ||
            q->m.message().channel() != msg.channel()) {
          continue;
        }
        Unschedule(q);
        q->m.mutable_message()->set_merged_into(msg.message_id());
        SetRouted(q, route.channel);
        q->m.set_daily_day(day);
        AddHistory(q, v1::NOTIFICATION_STATUS_SENT, now,
                   absl::StrCat("merged: 与其他岗位合并为一条汇总消息 ", msg.message_id()),
                   route.channel);
        p->m.mutable_message()->add_merged(q->m.message().message_id());
        Keep(changed, q->m);
        merged.push_back(q);
      }
      p->m.set_daily_day(day);
      daily_[absl::StrCat(msg.worker_id(), std::string(1, '\0'), day)] = *count + 1;
      daily->push_back({msg.worker_id(), day, *count + 1});
    } else {
      for (const std::string& id : msg.merged()) {
        auto it = pending_.find(id);
        if (it != pending_.end()) merged.push_back(it->second.get());
      }
    }
  }
  // Send.
  SetRouted(p, route.channel);
  v1::Message* m = p->m.mutable_message();
  m->set_attempts(m->attempts() + 1);
  const std::string delivery_id = absl::StrCat(m->message_id(), "#", m->attempts());
  p->note.clear();
  AddHistory(p, v1::NOTIFICATION_STATUS_SENT, now,
             merged.empty() ? "sent: 已发出"
                            : absl::StrCat("sent: 已发出（汇总", merged.size() + 1, "个岗位）"),
             route.channel, 0, delivery_id);
  Reschedule(p, now + options_.ack_timeout);
  // SENT is soft state: the record is written with the message's next
  // transition (delivered, retry, …), which saves a third of the writes. A
  // crash in between finds it QUEUED and sends it again, which subscribers
  // absorb by message_id and the SMS gateway by OutId. A digest is written
  // now: its merged alerts must not go out again one by one.
  if (!m->merged().empty()) Keep(changed, p->m);
  if (subscriber != nullptr) {
    subscribers_.Hold(subscriber, m->message_id());
    p->subscriber = subscriber->handle;
    p->sent_at = now;
    out->push_back(
        Offer{subscriber->handle, subscriber->sink, MakeDelivery(*p, route.channel, c, merged)});
  } else {
    SmsJob job;
    job.message_id = m->message_id();
    job.attempt = m->attempts();
    job.worker_id = m->worker_id();
    Rendered rendered = Render(m->kind(), m->payload(), v1::CHANNEL_SMS);
    job.request.sign_name = options_.sms_sign_name;
    job.request.template_code = rendered.template_id;
    job.request.params = std::move(rendered.fields);
    job.request.out_id = delivery_id;
    sms->push_back(std::move(job));
  }
  return Outcome::kDone;
}

void NotifyManager::MaybeSmsNotice(Pending* p, absl::Time now, Changed* changed,
                                   std::vector<SmsJob>* sms) {
  const v1::Message& msg = p->m.message();
  if (p->m.sms_notice_sent() || sms_queue_.size() + sms->size() >= kMaxSmsQueue) return;
  // One a day per worker is enough to send them to look; more would be spam.
  const int64_t day = ShanghaiDayNumber(now);
  int64_t& noticed = notice_day_[msg.worker_id()];
  p->m.set_sms_notice_sent(true);
  if (noticed == day) return;
  noticed = day;
  SmsJob job;
  job.message_id = msg.message_id();
  job.worker_id = msg.worker_id();
  job.notice = true;
  job.request.sign_name = options_.sms_sign_name;
  job.request.template_code = std::string(kSmsServiceNoticeTemplate);
  job.request.out_id = absl::StrCat(msg.message_id(), "#notice");
  sms->push_back(std::move(job));
  AddHistory(p, msg.status(), now,
             absl::StrCat("sms_notice: 已发短信提醒（不含招聘内容）：", kSmsServiceNoticeText),
             v1::CHANNEL_KIOSK);
  Keep(changed, p->m);
}

int NotifyManager::DispatchOnce() {
  struct Item {
    std::string id;
    uint64_t epoch;
    std::string worker_id;
  };
  std::vector<Item> items;
  {
    absl::MutexLock lock(&mu_);
    kicked_ = false;
    capacity_kicked_ = false;
    const int64_t now_us = Micros(deps_.clock->Now());
    // Timeouts first: they free the windows the queued messages wait for.
    for (auto* queue : {&deadlines_, &schedule_}) {
      while (!queue->empty() && static_cast<int>(items.size()) < options_.dispatch_batch) {
        auto first = queue->begin();
        if (first->first > now_us) break;
        auto it = pending_.find(first->second);
        const int64_t due = first->first;
        queue->erase(first);
        if (it == pending_.end()) continue;
        Pending* p = it->second.get();
        p->m.set_due_micros(0);
        p->popped_due = due;
        items.push_back({p->m.message().message_id(), p->epoch, p->m.message().worker_id()});
      }
    }
    if (items.empty()) blocked_ = false;
  }
  if (items.empty()) return 0;
  // Contacts are read without the lock: a cache miss is an RPC.
  std::vector<std::string> workers;
  absl::flat_hash_map<std::string, size_t> slot;
  for (const Item& item : items) {
    if (slot.emplace(item.worker_id, workers.size()).second) workers.push_back(item.worker_id);
  }
  std::vector<absl::StatusOr<Contact>> contacts = deps_.directory->GetContacts(workers);
  Changed changed;
  std::vector<Offer> offers;
  std::vector<SmsJob> sms;
  std::vector<NotifyMutation::DailyCount> daily;
  absl::ReleasableMutexLock lock(&mu_);
  const absl::Time now = deps_.clock->Now();
  int progress = 0, blocked = 0;
  for (const Item& item : items) {
    auto it = pending_.find(item.id);
    if (it == pending_.end()) continue;
    Pending* p = it->second.get();
    // Changed meanwhile (acked, merged, requeued): whoever changed it also
    // scheduled it.
    if (p->epoch != item.epoch || !p->m.message().merged_into().empty()) continue;
    if (Decide(p, contacts[slot.at(item.worker_id)], now, &changed, &offers, &sms, &daily) ==
        Outcome::kBlocked) {
      ++blocked;
    } else {
      ++progress;
    }
  }
  blocked_ = progress == 0 && blocked > 0;
  for (SmsJob& job : sms) sms_queue_.push_back(std::move(job));
  Flush(&lock, std::move(changed), std::move(daily), std::move(offers));
  return progress;
}

// --------------------------------------------------------------------- SMS

int NotifyManager::SendSmsOnce() {
  int sent = 0;
  while (true) {
    SmsJob job;
    {
      absl::MutexLock lock(&mu_);
      if (sms_queue_.empty() || deps_.sms == nullptr) return sent;
      job = std::move(sms_queue_.front());
      sms_queue_.pop_front();
    }
    absl::StatusOr<SmsReceipt> result;
    absl::StatusOr<std::string> phone =
        deps_.directory->GetPhone(job.worker_id, absl::StrCat("sms delivery ", job.message_id));
    if (phone.ok()) {
      job.request.phone = *phone;
      result = deps_.sms->Send(job.request);
    } else {
      result = phone.status();
    }
    OnSmsResult(job, result);
    ++sent;
  }
}

void NotifyManager::OnSmsResult(const SmsJob& job, const absl::StatusOr<SmsReceipt>& result) {
  absl::ReleasableMutexLock lock(&mu_);
  auto it = pending_.find(job.message_id);
  if (job.notice) {
    // A pointer, not the message: its fate does not change the message's
    // (the history's channel stays the message's own, the kiosk).
    if (it == pending_.end()) return;
    Pending* p = it->second.get();
    Changed changed;
    AddHistory(
        p, p->m.message().status(), deps_.clock->Now(),
        result.ok()
            ? absl::StrCat("sms_notice_accepted: 短信网关已受理提醒 (BizId ", result->biz_id, ")")
            : absl::StrCat("sms_notice_failed: 短信提醒未发出：", result.status().message()),
        v1::CHANNEL_KIOSK);
    Keep(&changed, p->m);
    Flush(&lock, std::move(changed), {}, {});
    return;
  }
  if (it == pending_.end()) return;
  Pending* p = it->second.get();
  if (p->m.message().status() != v1::NOTIFICATION_STATUS_SENT ||
      p->m.message().attempts() != job.attempt) {
    return;
  }
  const absl::Time now = deps_.clock->Now();
  Changed changed;
  if (result.ok()) {
    Settle(p, v1::NOTIFICATION_STATUS_DELIVERED, now,
           absl::StrCat("sms_accepted: 短信网关已受理 (BizId ", result->biz_id, ")"), &changed);
  } else {
    const absl::StatusCode code = result.status().code();
    const std::string reason = absl::StrCat("sms_error: ", result.status().message());
    if (code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kResourceExhausted ||
        code == absl::StatusCode::kDeadlineExceeded) {
      RetryOrFail(p, now, reason, 0, &changed);
    } else {
      Settle(p, v1::NOTIFICATION_STATUS_FAILED, now, reason, &changed);
    }
  }
  Flush(&lock, std::move(changed), {}, {});
}

// ---------------------------------------------------------------- segments

bool NotifyManager::SegmentHolds(const v1::Segment& s, const v1::Worker& w) const {
  if (!s.townships().empty() && std::find(s.townships().begin(), s.townships().end(),
                                          w.hukou_township()) == s.townships().end()) {
    return false;
  }
  if (!s.statuses().empty() && std::find(s.statuses().begin(), s.statuses().end(),
                                         w.employment().status()) == s.statuses().end()) {
    return false;
  }
  if (!s.occupation_prefixes().empty()) {
    bool any = false;
    for (const v1::Skill& skill : w.skills()) {
      for (const std::string& prefix : s.occupation_prefixes()) {
        const std::string& code = skill.occupation_code();
        if (absl::StartsWith(code, prefix) &&
            (code.size() == prefix.size() || code[prefix.size()] == '-')) {
          any = true;
        }
      }
    }
    if (!any) return false;
  }
  if (s.return_intent() != v1::RETURN_INTENT_UNSPECIFIED &&
      w.return_plan().intent() != s.return_intent()) {
    return false;
  }
  if (!s.current_location_prefix().empty() &&
      !absl::StartsWith(w.current_location(), s.current_location_prefix())) {
    return false;
  }
  if (HasDate(s.planned_return_from()) || HasDate(s.planned_return_to())) {
    if (!HasDate(w.return_plan().planned_return())) return false;
    const absl::CivilDay day = ToCivil(w.return_plan().planned_return());
    if (HasDate(s.planned_return_from()) && day < ToCivil(s.planned_return_from())) return false;
    if (HasDate(s.planned_return_to()) && day > ToCivil(s.planned_return_to())) return false;
  }
  return true;
}

bool NotifyManager::ExpandOnce() {
  std::string id;
  {
    absl::MutexLock lock(&mu_);
    if (unexpanded_.empty()) return false;
    id = unexpanded_.front();
  }
  absl::StatusOr<std::optional<StoredNotification>> loaded = deps_.store->GetNotification(id);
  if (!loaded.ok() || !loaded->has_value() || (*loaded)->expanded()) {
    if (!loaded.ok()) LABOR_LOG(WARNING) << "expansion of " << id << ": " << loaded.status();
    absl::MutexLock lock(&mu_);
    if (!unexpanded_.empty() && unexpanded_.front() == id) unexpanded_.pop_front();
    return true;
  }
  StoredNotification stored = **loaded;
  {
    absl::MutexLock lock(&mu_);
    if (pending_by_channel_[stored.notification().channel()] >= options_.max_pending_per_channel) {
      return false;  // the channel is full: expand more once it drains
    }
  }
  const v1::Segment& segment = stored.notification().segment();
  v1::ListWorkersRequest request;
  request.mutable_page()->set_page_size(options_.expansion_page_size);
  request.mutable_page()->set_page_token(stored.page_token());
  if (!segment.townships().empty()) {
    request.set_township(segment.townships(stored.township_index()));
  }
  if (segment.statuses_size() == 1) request.set_status(segment.statuses(0));
  if (segment.occupation_prefixes_size() == 1) {
    request.set_occupation_code(segment.occupation_prefixes(0));
  }
  absl::StatusOr<ProfileDirectory::Page> page = deps_.directory->ListWorkers(request);
  if (!page.ok()) {
    absl::MutexLock lock(&mu_);
    expansion_errors_[id] = std::string(page.status().message());
    return false;
  }
  NotifyMutation mutation;
  int ordinal = stored.next_ordinal();
  for (const v1::Worker& worker : page->workers) {
    if (!SegmentHolds(segment, worker)) continue;
    mutation.new_messages.push_back(MakeMessage(stored, worker.worker_id(), ordinal++));
  }
  stored.set_next_ordinal(ordinal);
  if (!page->next_page_token.empty()) {
    stored.set_page_token(page->next_page_token);
  } else if (stored.township_index() + 1 < segment.townships_size()) {
    stored.set_township_index(stored.township_index() + 1);
    stored.clear_page_token();
  } else {
    stored.set_expanded(true);
    stored.clear_page_token();
    stored.mutable_notification()->set_recipients(ordinal);
  }
  mutation.notifications.push_back(stored);
  // Not synced: the notification itself is durable, and a lost page is
  // expanded again into the same message ids.
  absl::Status written = deps_.store->Commit(mutation, /*durable=*/false);
  absl::MutexLock lock(&mu_);
  if (!written.ok()) {
    expansion_errors_[id] = std::string(written.message());
    return false;
  }
  expansion_errors_.erase(id);
  for (StoredMessage& m : mutation.new_messages) {
    ++enqueued_;
    Track(std::move(m));
  }
  if (stored.expanded() && !unexpanded_.empty() && unexpanded_.front() == id) {
    unexpanded_.pop_front();
  }
  kicked_ = true;
  return true;
}

// ------------------------------------------------------------------ queries

void NotifyManager::Overlay(StoredMessage* m) {
  absl::MutexLock lock(&mu_);
  auto it = pending_.find(m->message().message_id());
  if (it != pending_.end()) *m = it->second->m;
}

absl::StatusOr<std::string> NotifyManager::OwnWorker(const Caller& caller) {
  if (caller.openid.empty()) {
    return absl::PermissionDeniedError("a wechat caller must name its worker (x-labor-openid)");
  }
  absl::StatusOr<std::string> worker = deps_.directory->WorkerIdForOpenid(caller.openid);
  if (!worker.ok() && worker.status().code() == absl::StatusCode::kNotFound) {
    return absl::PermissionDeniedError("no worker is bound to this openid");
  }
  return worker;
}

absl::StatusOr<v1::Notification> NotifyManager::GetNotification(
    const Caller& caller, const v1::GetNotificationRequest& request) {
  (void)caller;
  if (request.notification_id().empty()) return InvalidField("notification_id", "required");
  ASSIGN_OR_RETURN(std::optional<StoredNotification> stored,
                   deps_.store->GetNotification(request.notification_id()));
  if (!stored)
    return absl::NotFoundError(absl::StrCat("no notification ", request.notification_id()));
  v1::Notification out = stored->notification();
  std::string after;
  std::map<std::string, int32_t> counts;
  do {
    ASSIGN_OR_RETURN(auto page, deps_.store->ListByNotification(out.notification_id(), after, 500));
    for (StoredMessage& m : page.items) {
      Overlay(&m);
      counts[StatusName(m.message().status())]++;
    }
    after = page.next;
  } while (!after.empty());
  for (const auto& [status, count] : counts) (*out.mutable_status_counts())[status] = count;
  absl::MutexLock lock(&mu_);
  if (auto it = expansion_errors_.find(out.notification_id()); it != expansion_errors_.end()) {
    out.set_expansion_error(it->second);
  }
  return out;
}

absl::StatusOr<v1::Message> NotifyManager::GetMessage(const Caller& caller,
                                                      const v1::GetMessageRequest& request) {
  if (request.message_id().empty()) return InvalidField("message_id", "required");
  ASSIGN_OR_RETURN(std::optional<StoredMessage> stored,
                   deps_.store->GetMessage(request.message_id()));
  if (stored) Overlay(&*stored);
  const absl::Status not_found =
      absl::NotFoundError(absl::StrCat("no message ", request.message_id()));
  if (!stored) return not_found;
  if (caller.role == Role::kWechat) {
    ASSIGN_OR_RETURN(std::string own, OwnWorker(caller));
    if (own != stored->message().worker_id()) return not_found;
  }
  return stored->message();
}

absl::StatusOr<v1::ListMessagesResponse> NotifyManager::ListMessages(
    const Caller& caller, const v1::ListMessagesRequest& request) {
  ASSIGN_OR_RETURN(int page_size, PageSizeOf(request.page()));
  std::string worker_id = request.worker_id();
  if (caller.role == Role::kWechat) {
    ASSIGN_OR_RETURN(std::string own, OwnWorker(caller));
    if (!worker_id.empty() && worker_id != own) {
      return absl::PermissionDeniedError("a wechat caller may list only its own worker's messages");
    }
    if (!request.notification_id().empty()) {
      return absl::PermissionDeniedError("a wechat caller lists by its own worker only");
    }
    worker_id = own;
  }
  if (worker_id.empty() == request.notification_id().empty()) {
    return InvalidField("worker_id", "exactly one of worker_id and notification_id is required");
  }
  if (caller.role == Role::kKiosk && worker_id.empty()) {
    return absl::PermissionDeniedError("a kiosk lists one worker's messages (worker_id)");
  }
  if (!v1::NotificationStatus_IsValid(request.status())) {
    return InvalidField("status", "not a notification status");
  }
  // No '|' in a fingerprint: the page token puts one after it.
  const std::string fingerprint = absl::StrCat(worker_id, "/", request.notification_id(), "/",
                                               static_cast<int>(request.status()));
  ASSIGN_OR_RETURN(std::string after, ParsePageToken(request.page().page_token(), fingerprint));
  v1::ListMessagesResponse response;
  // Status filtering happens here, so a page may take several store pages.
  while (response.messages_size() < page_size) {
    const int want = page_size - response.messages_size();
    ASSIGN_OR_RETURN(auto page,
                     worker_id.empty()
                         ? deps_.store->ListByNotification(request.notification_id(), after, want)
                         : deps_.store->ListByWorker(worker_id, after, want));
    for (StoredMessage& m : page.items) Overlay(&m);
    for (StoredMessage& m : page.items) {
      if (request.status() == v1::NOTIFICATION_STATUS_UNSPECIFIED ||
          m.message().status() == request.status()) {
        *response.add_messages() = std::move(*m.mutable_message());
      }
    }
    after = page.next;
    if (after.empty()) break;
  }
  if (!after.empty()) {
    response.mutable_page()->set_next_page_token(MakePageToken(fingerprint, after));
  }
  return response;
}

absl::StatusOr<v1::StatsResponse> NotifyManager::GetStats(const Caller& caller,
                                                          const v1::StatsRequest& request) {
  (void)caller;
  const absl::Time now = deps_.clock->Now();
  const absl::Time from = request.has_from() ? FromProto(request.from()) : now - absl::Hours(24);
  const absl::Time to = request.has_to() ? FromProto(request.to()) : now + absl::Hours(1);
  if (to <= from) return InvalidField("to", "must be after from");
  const int64_t from_hour = absl::ToUnixSeconds(from) / 3600;
  const int64_t to_hour = (absl::ToUnixSeconds(to) + 3599) / 3600;
  v1::StatsResponse response;
  absl::MutexLock lock(&mu_);
  std::map<std::tuple<int, int, int>, int64_t> rows;
  for (const auto& [key, count] : stats_) {
    const auto& [hour, kind, channel, status] = key;
    if (hour < from_hour || hour >= to_hour || count == 0) continue;
    rows[{kind, channel, status}] += count;
  }
  for (const auto& [key, count] : rows) {
    v1::StatsRow* row = response.add_rows();
    row->set_kind(static_cast<v1::NotificationKind>(std::get<0>(key)));
    row->set_channel(static_cast<v1::Channel>(std::get<1>(key)));
    row->set_status(static_cast<v1::NotificationStatus>(std::get<2>(key)));
    row->set_count(count);
    response.set_total(response.total() + count);
  }
  return response;
}

// --------------------------------------------------------------- lifecycle

absl::Status NotifyManager::Load() {
  const absl::Time now = deps_.clock->Now();
  Changed resend;
  absl::ReleasableMutexLock lock(&mu_);
  RETURN_IF_ERROR(deps_.store->ScanMessages([&](const StoredMessage& stored) {
    StoredMessage m = stored;
    if (!IsTerminal(m.message().status()) && m.message().merged_into().empty()) {
      if (m.message().status() == v1::NOTIFICATION_STATUS_SENT) {
        // Its subscriber's stream died with the process: no ack can come,
        // so it goes out again now rather than after the ack timeout.
        m.mutable_message()->set_status(v1::NOTIFICATION_STATUS_QUEUED);
        v1::StatusChange* change = m.mutable_message()->add_history();
        change->set_status(v1::NOTIFICATION_STATUS_QUEUED);
        *change->mutable_at() = ToProto(now);
        change->set_reason("restarted: 服务重启，未确认的消息重新投递");
        change->set_attempt(m.message().attempts());
        change->set_channel(m.routed());
        m.set_due_micros(Micros(now));
        Keep(&resend, m);
      } else if (m.due_micros() == 0) {
        m.set_due_micros(Micros(now));
      }
    }
    Track(std::move(m));
    return true;
  }));
  RETURN_IF_ERROR(deps_.store->ScanNotifications([&](const StoredNotification& n) {
    if (!n.expanded()) unexpanded_.push_back(n.notification().notification_id());
    return true;
  }));
  kicked_ = true;
  LABOR_LOG(INFO) << "notify: " << pending_.size() << " messages to deliver, " << unexpanded_.size()
                  << " segments to expand";
  Flush(&lock, std::move(resend), {}, {});
  return absl::OkStatus();
}

void NotifyManager::Start() {
  threads_.emplace_back([this] { DispatchLoop(); });
  threads_.emplace_back([this] { ExpansionLoop(); });
  if (deps_.sms != nullptr) {
    for (int i = 0; i < std::max(1, options_.sms_senders); ++i) {
      threads_.emplace_back([this] { SmsLoop(); });
    }
  }
}

void NotifyManager::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void NotifyManager::DispatchLoop() {
  auto ready = [](NotifyManager* self) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return self->stopping_ || self->capacity_kicked_ || (self->kicked_ && !self->blocked_);
  };
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      if (!ready(this)) {
        // Blocked on full subscribers: only acks (or a new subscriber) help.
        absl::Duration wait = absl::Milliseconds(50);
        if (!blocked_ && !schedule_.empty()) {
          wait =
              std::min(wait, absl::FromUnixMicros(schedule_.begin()->first) - deps_.clock->Now());
        }
        if (!deadlines_.empty()) {
          wait =
              std::min(wait, absl::FromUnixMicros(deadlines_.begin()->first) - deps_.clock->Now());
        }
        if (wait > absl::ZeroDuration()) {
          mu_.AwaitWithTimeout(absl::Condition(+ready, this), wait);
        }
      }
    }
    while (DispatchOnce() > 0) {
    }
  }
}

void NotifyManager::ExpansionLoop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    if (!ExpandOnce()) {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Milliseconds(500));
    }
  }
}

void NotifyManager::SmsLoop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      if (sms_queue_.empty()) {
        mu_.AwaitWithTimeout(absl::Condition(
                                 +[](NotifyManager* self) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                                   return !self->sms_queue_.empty() || self->stopping_;
                                 },
                                 this),
                             absl::Milliseconds(200));
        continue;
      }
    }
    SendSmsOnce();
  }
}

absl::StatusOr<int64_t> NotifyManager::Purge() {
  const absl::Time now = deps_.clock->Now();
  {
    absl::MutexLock lock(&mu_);
    daily_.clear();  // reloaded from the store on demand
  }
  return deps_.store->Purge(now - options_.dedup_window, ShanghaiDayNumber(now - absl::Hours(48)));
}

absl::Status NotifyManager::Health() { return deps_.store->Health(); }

NotifyManager::Counters NotifyManager::counters() {
  absl::MutexLock lock(&mu_);
  Counters c;
  c.pending = static_cast<int64_t>(pending_.size());
  c.scheduled = static_cast<int64_t>(schedule_.size() + deadlines_.size());
  c.in_flight = subscribers_.in_flight() + static_cast<int64_t>(sms_queue_.size());
  c.subscribers = subscribers_.size();
  c.unexpanded = static_cast<int64_t>(unexpanded_.size());
  c.enqueued = enqueued_;
  c.settled = settled_;
  return c;
}

}  // namespace labor::notify
