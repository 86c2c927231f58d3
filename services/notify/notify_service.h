// The thin gRPC adapter of NotificationService: authenticate and authorize
// every call, run the domain method on the worker pool, convert the status
// once, record metrics. Subscribe is a server-streaming reactor that the
// dispatcher feeds through the DeliverySink interface; a shutdown ends it
// UNAVAILABLE at once.
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

class NotifyServiceImpl final : public RpcService<v1::NotificationService> {
 public:
  // All pointers must outlive the service. `metrics` may be null.
  NotifyServiceImpl(NotifyManager* manager, const Authenticator* auth, ThreadPool* pool,
                    Metrics* metrics);

 private:
  NotifyManager* manager_;
};

}  // namespace labor::notify
