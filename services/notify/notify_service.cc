#include "services/notify/notify_service.h"

#include <deque>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"

namespace labor::notify {
namespace {

constexpr absl::string_view kService = "labor.v1.NotificationService";

// One subscriber's stream. The dispatcher offers deliveries (never
// blocking); they are written one at a time in order. The reactor deletes
// itself in OnDone, after it has left the manager, so the manager never
// offers to a dead sink.
class SubscribeReactor final : public grpc::ServerWriteReactor<v1::Delivery>, public DeliverySink {
 public:
  explicit SubscribeReactor(NotifyManager* manager) : manager_(manager) {}

  void Begin(const absl::StatusOr<Caller>& caller, const v1::SubscribeRequest& request) {
    if (!caller.ok()) {
      FinishOnce(caller.status());
      return;
    }
    absl::StatusOr<int64_t> handle = manager_->Subscribe(*caller, request, this);
    if (!handle.ok()) {
      FinishOnce(handle.status());
      return;
    }
    absl::MutexLock lock(&mu_);
    handle_ = *handle;
    if (closed_) {
      // Cancelled before the registration finished.
      const int64_t h = handle_;
      handle_ = 0;
      mu_.Unlock();
      manager_->Unsubscribe(h);
      mu_.Lock();
    }
  }

  bool Offer(const v1::Delivery& delivery) override {
    absl::MutexLock lock(&mu_);
    if (closed_) return false;
    queue_.push_back(delivery);
    if (!writing_) {
      writing_ = true;
      WriteFront();
    }
    return true;
  }

  void OnWriteDone(bool ok) override {
    bool broken = false;
    {
      absl::MutexLock lock(&mu_);
      queue_.pop_front();
      if (!ok) {
        writing_ = false;
        broken = true;
      } else if (!queue_.empty()) {
        WriteFront();
      } else {
        writing_ = false;
      }
    }
    if (broken) {
      Leave();
      FinishOnce(absl::UnavailableError("the stream broke"));
    }
  }

  void OnCancel() override {
    Leave();
    FinishOnce(absl::CancelledError("subscriber left"));
  }

  void OnDone() override {
    Leave();
    delete this;
  }

 private:
  // Writes the front delivery. While more wait behind it, gRPC may hold it
  // back to send several in one frame (the last one flushes).
  void WriteFront() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (queue_.size() > 1) {
      StartWrite(&queue_.front(), grpc::WriteOptions().set_buffer_hint());
    } else {
      StartWrite(&queue_.front());
    }
  }

  // Leaves the manager once; its unacked deliveries go out again.
  void Leave() {
    int64_t handle = 0;
    {
      absl::MutexLock lock(&mu_);
      closed_ = true;
      handle = handle_;
      handle_ = 0;
    }
    if (handle != 0) manager_->Unsubscribe(handle);
  }

  void FinishOnce(const absl::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
      closed_ = true;
    }
    Finish(ToGrpcStatus(status));
  }

  NotifyManager* manager_;
  absl::Mutex mu_;
  std::deque<v1::Delivery> queue_ ABSL_GUARDED_BY(mu_);  // front is being written
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  int64_t handle_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

MethodPolicy NotifyMethodPolicy() {
  using R = Role;
  auto m = [](absl::string_view method) { return absl::StrCat("/", kService, "/", method); };
  MethodPolicy policy;
  policy.Allow(m("Enqueue"), {R::kAdmin, R::kService})
      .Allow(m("GetNotification"), {R::kAdmin, R::kService})
      .Allow(m("GetMessage"), {R::kAdmin, R::kService, R::kKiosk, R::kWechat})
      .Allow(m("ListMessages"), {R::kAdmin, R::kService, R::kKiosk, R::kWechat})
      .Allow(m("Subscribe"), {R::kAdmin, R::kService, R::kKiosk, R::kWechat})
      .Allow(m("Ack"), {R::kAdmin, R::kService, R::kKiosk, R::kWechat})
      .Allow(m("GetStats"), {R::kAdmin, R::kService})
      // The WeChat backend takes and acks every worker's WeChat deliveries
      // as one principal; reads stay per worker (its openid).
      .ChannelWide(m("Subscribe"))
      .ChannelWide(m("Ack"));
  return policy;
}

NotifyServiceImpl::NotifyServiceImpl(NotifyManager* manager, const Authenticator* auth,
                                     ThreadPool* pool, Metrics* metrics)
    : manager_(manager), dispatch_(kService, auth, pool, metrics) {}

grpc::ServerUnaryReactor* NotifyServiceImpl::Enqueue(grpc::CallbackServerContext* ctx,
                                                     const v1::EnqueueRequest* request,
                                                     v1::EnqueueResponse* response) {
  return dispatch_.Handle(ctx, "Enqueue", request, response,
                          [this](const Caller& caller, const v1::EnqueueRequest& r) {
                            return manager_->Enqueue(caller, r);
                          });
}

grpc::ServerUnaryReactor* NotifyServiceImpl::GetNotification(
    grpc::CallbackServerContext* ctx, const v1::GetNotificationRequest* request,
    v1::Notification* response) {
  return dispatch_.Handle(ctx, "GetNotification", request, response,
                          [this](const Caller& caller, const v1::GetNotificationRequest& r) {
                            return manager_->GetNotification(caller, r);
                          });
}

grpc::ServerUnaryReactor* NotifyServiceImpl::GetMessage(grpc::CallbackServerContext* ctx,
                                                        const v1::GetMessageRequest* request,
                                                        v1::Message* response) {
  return dispatch_.Handle(ctx, "GetMessage", request, response,
                          [this](const Caller& caller, const v1::GetMessageRequest& r) {
                            return manager_->GetMessage(caller, r);
                          });
}

grpc::ServerUnaryReactor* NotifyServiceImpl::ListMessages(grpc::CallbackServerContext* ctx,
                                                          const v1::ListMessagesRequest* request,
                                                          v1::ListMessagesResponse* response) {
  return dispatch_.Handle(ctx, "ListMessages", request, response,
                          [this](const Caller& caller, const v1::ListMessagesRequest& r) {
                            return manager_->ListMessages(caller, r);
                          });
}

grpc::ServerWriteReactor<v1::Delivery>* NotifyServiceImpl::Subscribe(
    grpc::CallbackServerContext* ctx, const v1::SubscribeRequest* request) {
  auto* reactor = new SubscribeReactor(manager_);
  reactor->Begin(dispatch_.Authenticate(*ctx, "Subscribe"), *request);
  return reactor;
}

grpc::ServerUnaryReactor* NotifyServiceImpl::Ack(grpc::CallbackServerContext* ctx,
                                                 const v1::AckRequest* request,
                                                 v1::AckResponse* response) {
  return dispatch_.Handle(
      ctx, "Ack", request, response,
      [this](const Caller& caller, const v1::AckRequest& r) { return manager_->Ack(caller, r); });
}

grpc::ServerUnaryReactor* NotifyServiceImpl::GetStats(grpc::CallbackServerContext* ctx,
                                                      const v1::StatsRequest* request,
                                                      v1::StatsResponse* response) {
  return dispatch_.Handle(ctx, "GetStats", request, response,
                          [this](const Caller& caller, const v1::StatsRequest& r) {
                            return manager_->GetStats(caller, r);
                          });
}

}  // namespace labor::notify
