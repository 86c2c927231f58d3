#include "services/notify/notify_service.h"

#include <deque>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"

namespace labor::notify {
namespace {

constexpr absl::string_view kService = "labor.v1.NotificationService";

// One subscriber's stream. The dispatcher offers deliveries (never
// blocking); they are written one at a time in order. The reactor deletes
// itself in OnDone, after it has left the manager, so the manager never
// offers to a dead sink.
class SubscribeReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                               public DeliverySink {
 public:
  SubscribeReactor(NotifyManager* manager, const UnaryDispatcher* dispatch)
      : manager_(manager), dispatch_(dispatch), start_(absl::Now()) {}

  // `caller` is the admission's answer, `request` what the client sent.
  void Begin(const absl::StatusOr<Caller>& caller, const grpc::ByteBuffer& request_bytes) {
    if (!caller.ok()) {
      FinishOnce(caller.status());
      return;
    }
    v1::SubscribeRequest request;
    if (absl::Status parsed = ParseRequest(request_bytes, &request); !parsed.ok()) {
      FinishOnce(parsed);
      return;
    }
    // A shutdown ends the stream at once (its unacked deliveries go to
    // other subscribers or wait for the restart) instead of holding the
    // shutdown until the grace period cuts it.
    std::optional<int64_t> watch = dispatch_->drain()->Watch([this] {
      Leave();
      FinishOnce(ShuttingDownError());
    });
    if (!watch.has_value()) {
      FinishOnce(ShuttingDownError());
      return;
    }
    watch_ = *watch;
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
    grpc::ByteBuffer bytes;
    if (!SerializeResponse(delivery, &bytes).ok()) return false;
    absl::MutexLock lock(&mu_);
    if (closed_) return false;
    queue_.push_back(std::move(bytes));
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
    if (watch_ != 0) dispatch_->drain()->Unwatch(watch_);
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
    dispatch_->RecordStreamEnd("Subscribe", start_, status);
    Finish(ToGrpcStatus(status));
  }

  NotifyManager* manager_;
  const UnaryDispatcher* dispatch_;
  const absl::Time start_;
  int64_t watch_ = 0;  // the drain watcher, 0 = none
  absl::Mutex mu_;
  std::deque<grpc::ByteBuffer> queue_ ABSL_GUARDED_BY(mu_);  // front is being written
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
    : RpcService(auth, pool, metrics), manager_(manager) {
  Unary("Enqueue", manager_, &NotifyManager::Enqueue);
  Unary("GetNotification", manager_, &NotifyManager::GetNotification);
  Unary("GetMessage", manager_, &NotifyManager::GetMessage);
  Unary("ListMessages", manager_, &NotifyManager::ListMessages);
  ServerStreaming("Subscribe",
                  [this](grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request) {
                    auto* reactor = new SubscribeReactor(manager_, &dispatch_);
                    reactor->Begin(dispatch_.Admit(*ctx, "Subscribe"), *request);
                    return reactor;
                  });
  Unary("Ack", manager_, &NotifyManager::Ack);
  Unary("GetStats", manager_, &NotifyManager::GetStats);
}

}  // namespace labor::notify
