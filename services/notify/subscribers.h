// The channel subscribers of NotificationService (WeChat backends, kiosks)
// and the credit each one has for new deliveries.
//
// A subscriber may hold up to `max_in_flight` unacked deliveries while it
// acks. One whose delivery timed out without any ack from it since that
// delivery went out has stopped reading or acking: it is stalled. A stalled
// subscriber gets no new delivery while a healthy subscriber of the channel
// (and township, for kiosks) is connected, and otherwise only one at a time
// (a probe, so it is found again when it recovers); its first ack of
// anything gives it its full window back. The attempts it wasted are not
// charged to the messages (NotifyManager requeues them at once for the
// others).
//
// Plain bookkeeping, not thread-safe: NotifyManager calls it under its lock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "labor/v1/common.pb.h"

namespace labor::notify {

class DeliverySink;

struct Subscriber {
  int64_t handle = 0;
  std::string id;
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  std::string region;
  // "<role>/<tenant>" of the caller that subscribed: a wechat or kiosk
  // caller acks only what a subscription of its own holds.
  std::string owner;
  DeliverySink* sink = nullptr;
  absl::flat_hash_set<std::string> in_flight;  // message ids
  bool stalled = false;
  absl::Time last_ack = absl::InfinitePast();
};

class SubscriberPool {
 public:
  explicit SubscriberPool(int max_in_flight) : max_in_flight_(max_in_flight) {}

  // Registers a subscriber (its handle is assigned here) and returns it.
  Subscriber* Add(Subscriber subscriber);
  // Removes it; returns the message ids it held unacked.
  std::vector<std::string> Remove(int64_t handle);
  Subscriber* Find(int64_t handle);

  // The subscriber for a message of `channel` (KIOSK: one serving
  // `township`), or null. Healthy subscribers with room come first, round
  // robin, the one that let this message time out (`avoid`) last among
  // them; a stalled one only when no healthy one is connected, and only
  // while it holds nothing. `exists`: whether any subscriber serves the message
  // at all (null with exists = every one is at its window).
  Subscriber* Pick(v1::Channel channel, const std::string& township, int64_t avoid, bool* exists);

  void Hold(Subscriber* subscriber, const std::string& message_id);
  void Release(int64_t handle, const std::string& message_id);
  // An ack (ok or an error) for a delivery `handle` holds: it is alive.
  void Acked(int64_t handle, absl::Time now);
  // The delivery of `message_id` sent at `sent` was not acked in time;
  // releases it. True when the subscriber has acked nothing since `sent`,
  // which marks it stalled.
  bool TimedOut(int64_t handle, const std::string& message_id, absl::Time sent);

  int64_t size() const { return static_cast<int64_t>(subscribers_.size()); }
  int64_t in_flight() const;

 private:
  int Window(const Subscriber& s) const { return s.stalled ? 1 : max_in_flight_; }

  const int max_in_flight_;
  absl::flat_hash_map<int64_t, std::unique_ptr<Subscriber>> subscribers_;
  int64_t next_handle_ = 1;
  size_t round_robin_ = 0;
};

}  // namespace labor::notify
