// NotifyManager's subscribers: Subscribe / Unsubscribe, Ack (with who may
// ack what), and what an ack timeout means for the subscriber and the
// message (services/notify/subscribers.h).
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status.h"
#include "services/notify/manager_internal.h"
#include "services/notify/notify_manager.h"

namespace labor::notify {

using internal::kMaxBatch;
using internal::kMaxIdChars;
using internal::kWechatUserRefused;
using internal::OwnerOf;
using internal::PrintableAscii;

void NotifyManager::AckTimedOut(Pending* p, absl::Time now, Changed* changed) {
  const std::string waited =
      absl::StrCat(absl::FormatDuration(options_.ack_timeout), "内接收端未确认");
  const int64_t handle = p->subscriber;
  // Whatever the reason, the next attempt goes to another subscriber first.
  if (handle != 0) p->avoid = handle;
  if (handle == 0 || !subscribers_.TimedOut(handle, p->m.message().message_id(), p->sent_at)) {
    RetryOrFail(p, now, absl::StrCat("no_ack: ", waited), 0, changed);
    return;
  }
  // The subscriber acked nothing since it got this: it stopped reading or
  // acking, which says nothing about the message. Not charged, no backoff.
  p->subscriber = 0;
  p->m.set_uncharged_attempts(p->m.uncharged_attempts() + 1);
  p->note.clear();
  AddHistory(p, v1::NOTIFICATION_STATUS_QUEUED, now,
             absl::StrCat("subscriber_stalled: ", waited, "，且该接收端此后未确认任何消息；",
                          "本次不计入尝试次数，改投其他接收端"),
             p->m.routed());
  Reschedule(p, now);
  Keep(changed, p->m);
}

absl::StatusOr<int64_t> NotifyManager::Subscribe(const Caller& caller,
                                                 const v1::SubscribeRequest& request,
                                                 DeliverySink* sink) {
  ViolationCollector v;
  std::string region = request.region();
  if (request.channel() != v1::CHANNEL_WECHAT && request.channel() != v1::CHANNEL_KIOSK) {
    v.Add("channel", "WECHAT or KIOSK (SMS goes to the gateway, not to subscribers)");
  }
  if (request.subscriber_id().empty() || request.subscriber_id().size() > kMaxIdChars ||
      !PrintableAscii(request.subscriber_id())) {
    v.Add("subscriber_id", "1..64 printable ASCII characters");
  }
  if (request.channel() == v1::CHANNEL_KIOSK) {
    if (request.region().empty()) {
      v.Add("region", "required for a kiosk: the township (or area) it serves");
    } else if (deps_.regions != nullptr) {
      absl::StatusOr<std::string> code = deps_.regions->Canonical(request.region());
      if (!code.ok()) v.Add("region", code.status().message());
      if (code.ok()) region = *std::move(code);
    }
  }
  RETURN_IF_ERROR(v.ToStatus());
  if ((caller.role == Role::kWechat && request.channel() != v1::CHANNEL_WECHAT) ||
      (caller.role == Role::kKiosk && request.channel() != v1::CHANNEL_KIOSK)) {
    return absl::PermissionDeniedError(absl::StrCat("a ", RoleName(caller.role),
                                                    " caller may not take ",
                                                    ChannelName(request.channel()), " deliveries"));
  }
  absl::MutexLock lock(&mu_);
  Subscriber sub;
  sub.id = request.subscriber_id();
  sub.channel = request.channel();
  sub.region = region;
  sub.owner = OwnerOf(caller);
  sub.sink = sink;
  const int64_t handle = subscribers_.Add(std::move(sub))->handle;
  capacity_kicked_ = true;
  {
    absl::MutexLock offering(&offer_mu_);
    live_sinks_.insert(handle);
  }
  return handle;
}

void NotifyManager::Unsubscribe(int64_t handle) {
  {
    // From here on no offer reaches the sink.
    absl::MutexLock offering(&offer_mu_);
    live_sinks_.erase(handle);
  }
  absl::ReleasableMutexLock lock(&mu_);
  const absl::Time now = deps_.clock->Now();
  Changed changed;
  for (const std::string& id : subscribers_.Remove(handle)) {
    auto p = pending_.find(id);
    if (p == pending_.end()) continue;
    p->second->subscriber = 0;
    p->second->note.clear();
    // Lost with the subscriber, not through the message: not charged.
    p->second->m.set_uncharged_attempts(p->second->m.uncharged_attempts() + 1);
    AddHistory(p->second.get(), v1::NOTIFICATION_STATUS_QUEUED, now,
               "subscriber_gone: 接收端断开，未确认的消息重新投递（不计入尝试次数）",
               p->second->m.routed());
    Reschedule(p->second.get(), now);
    Keep(&changed, p->second->m);
  }
  capacity_kicked_ = true;
  Flush(&lock, std::move(changed), {}, {});
}

absl::StatusOr<v1::AckResponse> NotifyManager::Ack(const Caller& caller,
                                                   const v1::AckRequest& request) {
  if (request.acks().empty()) return InvalidField("acks", "at least one");
  if (request.acks_size() > kMaxBatch) {
    return InvalidField("acks", absl::StrCat("at most ", kMaxBatch, " per request"));
  }
  struct Parsed {
    std::string message_id;
    int attempt = 0;
  };
  std::vector<Parsed> parsed;
  for (int i = 0; i < request.acks_size(); ++i) {
    const std::string& id = request.acks(i).delivery_id();
    size_t hash = id.rfind('#');
    Parsed p;
    if (hash == std::string::npos || hash == 0 ||
        !absl::SimpleAtoi(id.substr(hash + 1), &p.attempt)) {
      return InvalidField(absl::StrCat("acks[", i, "].delivery_id"),
                          "not a delivery id (\"<message_id>#<attempt>\")");
    }
    p.message_id = id.substr(0, hash);
    parsed.push_back(std::move(p));
  }
  v1::AckResponse response;
  std::vector<std::string> to_revoke;
  {
    absl::ReleasableMutexLock lock(&mu_);
    const absl::Time now = deps_.clock->Now();
    // A channel's own caller (the WeChat backend, a kiosk) acks only what
    // its channel carries, and only deliveries a subscription of its own
    // holds: one kiosk cannot settle another's, whatever the worker.
    const bool own_only = caller.role == Role::kWechat || caller.role == Role::kKiosk;
    const std::string owner = OwnerOf(caller);
    std::vector<bool> foreign(parsed.size(), false);
    for (size_t i = 0; i < parsed.size(); ++i) {
      auto it = pending_.find(parsed[i].message_id);
      if (it == pending_.end() || !own_only) continue;
      const Pending& p = *it->second;
      const v1::Channel routed = p.m.routed();
      if ((caller.role == Role::kWechat && routed != v1::CHANNEL_WECHAT) ||
          (caller.role == Role::kKiosk && routed != v1::CHANNEL_KIOSK)) {
        return absl::PermissionDeniedError(absl::StrCat("acks[", i, "]: a ", RoleName(caller.role),
                                                        " caller may not ack a ",
                                                        ChannelName(routed), " delivery"));
      }
      const Subscriber* holder = subscribers_.Find(p.subscriber);
      if (holder == nullptr || holder->owner == owner) continue;
      if (parsed[i].attempt == p.m.message().attempts()) {
        return absl::PermissionDeniedError(
            absl::StrCat("acks[", i, "]: delivery ", request.acks(i).delivery_id(),
                         " went to another subscription's backend (", holder->owner, ")"));
      }
      foreign[i] = true;  // an earlier attempt: who had it is not known
    }
    Changed changed;
    for (int i = 0; i < request.acks_size(); ++i) {
      const v1::DeliveryAck& ack = request.acks(i);
      auto it = pending_.find(parsed[i].message_id);
      if (it == pending_.end() ||
          it->second->m.message().status() != v1::NOTIFICATION_STATUS_SENT ||
          !it->second->m.message().merged_into().empty() || foreign[i]) {
        response.set_stale(response.stale() + 1);
        continue;
      }
      Pending* p = it->second.get();
      // Any answer shows the subscriber holding it reads and acks.
      if (parsed[i].attempt == p->m.message().attempts()) subscribers_.Acked(p->subscriber, now);
      if (ack.ok()) {
        // Any attempt's ack proves delivery, even one that came late.
        Settle(p, v1::NOTIFICATION_STATUS_DELIVERED, now, "delivered: 接收端已确认送达", &changed);
        response.set_applied(response.applied() + 1);
        continue;
      }
      if (parsed[i].attempt != p->m.message().attempts()) {
        response.set_stale(response.stale() + 1);  // an old attempt's failure
        continue;
      }
      const std::string error = ack.channel_error().substr(0, 200);
      if (ack.channel_error_code() == kWechatUserRefused && p->m.routed() == v1::CHANNEL_WECHAT) {
        const std::string worker = p->m.message().worker_id();
        revoked_.insert(absl::StrCat(worker, std::string(1, '\0'), v1::CHANNEL_WECHAT));
        to_revoke.push_back(worker);
        Settle(p, v1::NOTIFICATION_STATUS_FAILED, now,
               "user_refused: 用户拒收微信订阅消息 (43101)，已关闭其微信通知", &changed,
               ack.channel_error_code());
      } else {
        RetryOrFail(p, now, absl::StrCat("channel_error: ", ack.channel_error_code(), " ", error),
                    ack.channel_error_code(), &changed);
      }
      response.set_applied(response.applied() + 1);
    }
    if (response.applied() > 0) capacity_kicked_ = true;
    Flush(&lock, std::move(changed), {}, {});
  }
  for (const std::string& worker : to_revoke) RevokeLater(worker, v1::CHANNEL_WECHAT);
  return response;
}

void NotifyManager::RevokeLater(const std::string& worker_id, v1::Channel channel) {
  // The refusal is already in force here (revoked_); ProfileService keeps it
  // for good, so matching stops proposing pushes too.
  absl::Status done = deps_.directory->RevokeConsent(worker_id, channel);
  if (!done.ok() && done.code() != absl::StatusCode::kNotFound) {
    LABOR_LOG(WARNING) << "could not record a refused channel in ProfileService: " << done;
  }
}

}  // namespace labor::notify
