// The thin gRPC adapter of NotificationService: authenticate and authorize
// every call, run the domain method on the worker pool, convert the status
// once, record metrics. Subscribe is a server-streaming reactor that the
// dispatcher feeds through the DeliverySink interface.
#pragma once

#include "common/auth.h"
#include "common/metrics.h"
#include "common/rpc_handler.h"
#include "common/thread_pool.h"
#include "labor/v1/notification.grpc.pb.h"
#include "services/notify/notify_manager.h"

namespace labor::notify {

// Which roles may call which method (deny by default): staff everything
// (free text only they may send); services enqueue, read and subscribe; the
// WeChat channel backend subscribes to WeChat deliveries, acks them and
// reads its own worker's messages; kiosks subscribe to kiosk deliveries,
// ack them and read one worker's messages; partners nothing.
MethodPolicy NotifyMethodPolicy();

class NotifyServiceImpl final : public v1::NotificationService::CallbackService {
 public:
  // All pointers must outlive the service. `metrics` may be null.
  NotifyServiceImpl(NotifyManager* manager, const Authenticator* auth, ThreadPool* pool,
                    Metrics* metrics);

  grpc::ServerUnaryReactor* Enqueue(grpc::CallbackServerContext* ctx,
                                    const v1::EnqueueRequest* request,
                                    v1::EnqueueResponse* response) override;
  grpc::ServerUnaryReactor* GetNotification(grpc::CallbackServerContext* ctx,
                                            const v1::GetNotificationRequest* request,
                                            v1::Notification* response) override;
  grpc::ServerUnaryReactor* GetMessage(grpc::CallbackServerContext* ctx,
                                       const v1::GetMessageRequest* request,
                                       v1::Message* response) override;
  grpc::ServerUnaryReactor* ListMessages(grpc::CallbackServerContext* ctx,
                                         const v1::ListMessagesRequest* request,
                                         v1::ListMessagesResponse* response) override;
  grpc::ServerWriteReactor<v1::Delivery>* Subscribe(grpc::CallbackServerContext* ctx,
                                                    const v1::SubscribeRequest* request) override;
  grpc::ServerUnaryReactor* Ack(grpc::CallbackServerContext* ctx, const v1::AckRequest* request,
                                v1::AckResponse* response) override;
  grpc::ServerUnaryReactor* GetStats(grpc::CallbackServerContext* ctx,
                                     const v1::StatsRequest* request,
                                     v1::StatsResponse* response) override;

 private:
  NotifyManager* manager_;
  UnaryDispatcher dispatch_;
};

}  // namespace labor::notify
