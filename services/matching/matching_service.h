// The thin gRPC adapter of MatchingService: authenticate and authorize every
// call, run the domain method on the worker pool, convert the status once,
// record metrics.
#pragma once

#include "common/auth.h"
#include "common/metrics.h"
#include "common/rpc_handler.h"
#include "common/thread_pool.h"
#include "labor/v1/matching.grpc.pb.h"
#include "services/matching/matching_manager.h"

namespace labor::matching {

// Which roles may call which MatchingService method (deny by default):
// bureau staff, kiosks and services everything; the WeChat channel its own
// worker's recommendations and explanations; partners nothing (they get
// de-identified aggregates from ProfileService).
MethodPolicy MatchingMethodPolicy();

class MatchingServiceImpl final : public RpcService<v1::MatchingService> {
 public:
  // All pointers must outlive the service. `metrics` may be null.
  MatchingServiceImpl(const MatchingManager* manager, const Authenticator* auth, ThreadPool* pool,
                      Metrics* metrics);
};

}  // namespace labor::matching
