#include "services/notify/subscribers.h"

#include <algorithm>

#include "absl/strings/match.h"

namespace labor::notify {

Subscriber* SubscriberPool::Add(Subscriber subscriber) {
  subscriber.handle = next_handle_++;
  auto owned = std::make_unique<Subscriber>(std::move(subscriber));
  Subscriber* raw = owned.get();
  subscribers_[raw->handle] = std::move(owned);
  return raw;
}

std::vector<std::string> SubscriberPool::Remove(int64_t handle) {
  auto it = subscribers_.find(handle);
  if (it == subscribers_.end()) return {};
  std::vector<std::string> held(it->second->in_flight.begin(), it->second->in_flight.end());
  subscribers_.erase(it);
  return held;
}

Subscriber* SubscriberPool::Find(int64_t handle) {
  auto it = subscribers_.find(handle);
  return it == subscribers_.end() ? nullptr : it->second.get();
}

Subscriber* SubscriberPool::Pick(v1::Channel channel, const std::string& township, int64_t avoid,
                                 bool* exists) {
  // Rank 0: healthy; 1: healthy but it let this message time out; 2: a
  // stalled one's probe; 3: a stalled one that let this message time out.
  std::vector<Subscriber*> ranked[4];
  bool healthy = false;
  *exists = false;
  for (auto& [handle, sub] : subscribers_) {
    if (sub->channel != channel) continue;
    if (channel == v1::CHANNEL_KIOSK && !absl::StartsWith(township, sub->region)) continue;
    *exists = true;
    healthy |= !sub->stalled;
    if (static_cast<int>(sub->in_flight.size()) >= Window(*sub)) continue;
    ranked[(sub->stalled ? 2 : 0) + (handle == avoid ? 1 : 0)].push_back(sub.get());
  }
  for (int rank = 0; rank < 4; ++rank) {
    // While a healthy one is connected, even a full one, it waits for that.
    if (rank == 2 && healthy) break;
    std::vector<Subscriber*>& eligible = ranked[rank];
    if (eligible.empty()) continue;
    std::sort(eligible.begin(), eligible.end(),
              [](const Subscriber* a, const Subscriber* b) { return a->handle < b->handle; });
    return eligible[round_robin_++ % eligible.size()];
  }
  return nullptr;
}

void SubscriberPool::Hold(Subscriber* subscriber, const std::string& message_id) {
  subscriber->in_flight.insert(message_id);
}

void SubscriberPool::Release(int64_t handle, const std::string& message_id) {
  if (Subscriber* s = Find(handle)) s->in_flight.erase(message_id);
}

void SubscriberPool::Acked(int64_t handle, absl::Time now) {
  Subscriber* s = Find(handle);
  if (s == nullptr) return;
  s->stalled = false;
  s->last_ack = std::max(s->last_ack, now);
}

bool SubscriberPool::TimedOut(int64_t handle, const std::string& message_id, absl::Time sent) {
  Subscriber* s = Find(handle);
  if (s == nullptr) return false;
  s->in_flight.erase(message_id);
  if (s->last_ack >= sent) return false;  // it acks, just not this one
  s->stalled = true;
  return true;
}

int64_t SubscriberPool::in_flight() const {
  int64_t n = 0;
  for (const auto& [handle, sub] : subscribers_) n += static_cast<int64_t>(sub->in_flight.size());
  return n;
}

}  // namespace labor::notify
