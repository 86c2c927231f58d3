// A WeChat channel backend in miniature, for tests of NotificationService:
// subscribes to the WeChat channel, acks what arrives (each delivery at
// once, or in batches from a second thread as a busy backend does),
// reconnects whenever its stream ends, and keeps what arrived, deduplicated
// by message id as a real backend must.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "labor/v1/notification.grpc.pb.h"

namespace labor::testing {

class WechatSubscriber {
 public:
  struct Options {
    // Called on every (re)connect, so the subscriber can follow a server
    // that restarts on another port.
    std::function<std::shared_ptr<grpc::Channel>()> channel;
    std::string token;  // a service- or wechat-role token (channel-wide: no openid)
    std::string subscriber_id = "wechat-backend-test";
    // false: each delivery is acked as it arrives (its ack status is kept);
    // true: a second thread acks whatever has arrived, up to 500 per call.
    bool batch_acks = false;
  };
  // One message id's record.
  struct Received {
    v1::Delivery delivery;    // the first delivery of the message
    grpc::Status ack_status;  // of the first ack
    int32_t ack_applied = 0;  // AckResponse.applied of that ack when it acked this one alone
    int times = 0;            // deliveries of this message id
    int acks = 0;             // ack calls made for it
  };

  explicit WechatSubscriber(Options options);
  ~WechatSubscriber();  // Stop()
  WechatSubscriber(const WechatSubscriber&) = delete;
  WechatSubscriber& operator=(const WechatSubscriber&) = delete;

  void Start();
  // Cancels the stream and joins the threads.
  void Stop();

  std::map<std::string, Received> received();  // by message id
  bool Has(const std::string& message_id);
  size_t distinct();                  // message ids that arrived
  int64_t deliveries();               // every delivery, repeats included
  std::vector<v1::Delivery> all();    // every delivery, in arrival order
  std::vector<std::string> acked();   // message ids acked OK, in ack order
  grpc::Status last_finish_status();  // of the last stream that ended

 private:
  void ReadLoop();
  void AckLoop();
  // Acks `deliveries` (delivery id, message id) in one call; records the result.
  void Ack(const std::vector<std::pair<std::string, std::string>>& deliveries);

  const Options options_;
  std::atomic<bool> stopping_{false};
  std::thread reader_, acker_;
  absl::Mutex mu_;
  grpc::ClientContext* call_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::map<std::string, Received> received_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::Delivery> all_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> acked_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<std::string, std::string>> to_ack_ ABSL_GUARDED_BY(mu_);
  grpc::Status finish_status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace labor::testing
