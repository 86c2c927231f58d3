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

class MatchingServiceImpl final : public v1::MatchingService::CallbackService {
 public:
  // All pointers must outlive the service. `metrics` may be null.
  MatchingServiceImpl(const MatchingManager* manager, const Authenticator* auth, ThreadPool* pool,
                      Metrics* metrics);

  grpc::ServerUnaryReactor* RecommendVacancies(grpc::CallbackServerContext* ctx,
                                               const v1::RecommendVacanciesRequest* request,
                                               v1::RecommendResponse* response) override;
  grpc::ServerUnaryReactor* RecommendWorkers(grpc::CallbackServerContext* ctx,
                                             const v1::RecommendWorkersRequest* request,
                                             v1::RecommendResponse* response) override;
  grpc::ServerUnaryReactor* Explain(grpc::CallbackServerContext* ctx,
                                    const v1::ExplainRequest* request,
                                    v1::ExplainResponse* response) override;

 private:
  const MatchingManager* manager_;
  UnaryDispatcher dispatch_;
};

}  // namespace labor::matching
