#include "tests/testing/wechat_subscriber.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace labor::testing {

WechatSubscriber::WechatSubscriber(Options options) : options_(std::move(options)) {}

WechatSubscriber::~WechatSubscriber() { Stop(); }

void WechatSubscriber::Start() {
  reader_ = std::thread([this] { ReadLoop(); });
  if (options_.batch_acks) acker_ = std::thread([this] { AckLoop(); });
}

void WechatSubscriber::Stop() {
  stopping_ = true;
  {
    absl::MutexLock lock(&mu_);
    if (call_ != nullptr) call_->TryCancel();
  }
  if (reader_.joinable()) reader_.join();
  if (acker_.joinable()) acker_.join();
}

std::map<std::string, WechatSubscriber::Received> WechatSubscriber::received() {
  absl::MutexLock lock(&mu_);
  return received_;
}

bool WechatSubscriber::Has(const std::string& message_id) {
  absl::MutexLock lock(&mu_);
  return received_.count(message_id) > 0;
}

size_t WechatSubscriber::distinct() {
  absl::MutexLock lock(&mu_);
  return received_.size();
}

int64_t WechatSubscriber::deliveries() {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(all_.size());
}

std::vector<v1::Delivery> WechatSubscriber::all() {
  absl::MutexLock lock(&mu_);
  return all_;
}

std::vector<std::string> WechatSubscriber::acked() {
  absl::MutexLock lock(&mu_);
  return acked_;
}

grpc::Status WechatSubscriber::last_finish_status() {
  absl::MutexLock lock(&mu_);
  return finish_status_;
}

void WechatSubscriber::ReadLoop() {
  while (!stopping_) {
    grpc::ClientContext call;
    call.AddMetadata("authorization", absl::StrCat("Bearer ", options_.token));
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      call_ = &call;
    }
    auto stub = v1::NotificationService::NewStub(options_.channel());
    v1::SubscribeRequest request;
    request.set_channel(v1::CHANNEL_WECHAT);
    request.set_subscriber_id(options_.subscriber_id);
    std::unique_ptr<grpc::ClientReader<v1::Delivery>> reader = stub->Subscribe(&call, request);
    v1::Delivery delivery;
    while (reader->Read(&delivery)) {
      {
        absl::MutexLock lock(&mu_);
        all_.push_back(delivery);
        Received& r = received_[delivery.message_id()];
        if (r.times++ == 0) r.delivery = delivery;
        if (options_.batch_acks)
          to_ack_.emplace_back(delivery.delivery_id(), delivery.message_id());
      }
      if (!options_.batch_acks) Ack({{delivery.delivery_id(), delivery.message_id()}});
    }
    grpc::Status finished = reader->Finish();
    {
      absl::MutexLock lock(&mu_);
      call_ = nullptr;
      finish_status_ = finished;
    }
    if (!stopping_) absl::SleepFor(absl::Milliseconds(50));  // then reconnect
  }
}

void WechatSubscriber::AckLoop() {
  while (!stopping_) {
    std::vector<std::pair<std::string, std::string>> batch;
    {
      absl::MutexLock lock(&mu_);
      batch.swap(to_ack_);
    }
    if (batch.empty()) {
      absl::SleepFor(absl::Milliseconds(10));
      continue;
    }
    constexpr size_t kPerCall = 500;
    for (size_t i = 0; i < batch.size(); i += kPerCall) {
      Ack({batch.begin() + static_cast<long>(i),
           batch.begin() + static_cast<long>(std::min(batch.size(), i + kPerCall))});
    }
  }
}

void WechatSubscriber::Ack(const std::vector<std::pair<std::string, std::string>>& deliveries) {
  v1::AckRequest request;
  for (const auto& [delivery_id, message_id] : deliveries) {
    v1::DeliveryAck* ack = request.add_acks();
    ack->set_delivery_id(delivery_id);
    ack->set_ok(true);
  }
  grpc::ClientContext call;
  call.AddMetadata("authorization", absl::StrCat("Bearer ", options_.token));
  call.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::AckResponse response;
  // A failed ack (e.g. the server was killed) is harmless: the delivery
  // comes again and is deduplicated here.
  grpc::Status status =
      v1::NotificationService::NewStub(options_.channel())->Ack(&call, request, &response);
  absl::MutexLock lock(&mu_);
  for (const auto& [delivery_id, message_id] : deliveries) {
    Received& r = received_[message_id];
    if (r.acks++ == 0) {
      r.ack_status = status;
      r.ack_applied = deliveries.size() == 1 ? response.applied() : 0;
    }
    if (status.ok()) acked_.push_back(message_id);
  }
}

}  // namespace labor::testing
