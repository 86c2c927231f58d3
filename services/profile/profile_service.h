// The thin gRPC adapter of ProfileService: authenticate and authorize every
// call, run the domain method on the worker pool (it may block on a synced
// RocksDB write), convert the status once, record metrics.
#pragma once

#include <memory>
#include <string>

#include "common/auth.h"
#include "common/metrics.h"
#include "common/rpc_handler.h"
#include "common/thread_pool.h"
#include "labor/v1/profile.grpc.pb.h"
#include "services/profile/profile_manager.h"

namespace labor::profile {

// Which roles may call which ProfileService method (deny by default).
MethodPolicy ProfileMethodPolicy();

class ProfileServiceImpl final : public v1::ProfileService::CallbackService {
 public:
  // All pointers must outlive the service. `metrics` may be null.
  ProfileServiceImpl(ProfileManager* manager, const Authenticator* auth, ThreadPool* pool,
                     Metrics* metrics);

  grpc::ServerUnaryReactor* RegisterWorker(grpc::CallbackServerContext* ctx,
                                           const v1::RegisterWorkerRequest* request,
                                           v1::RegisterWorkerResponse* response) override;
  grpc::ServerUnaryReactor* GetWorker(grpc::CallbackServerContext* ctx,
                                      const v1::GetWorkerRequest* request,
                                      v1::Worker* response) override;
  grpc::ServerUnaryReactor* UpdateWorker(grpc::CallbackServerContext* ctx,
                                         const v1::UpdateWorkerRequest* request,
                                         v1::Worker* response) override;
  grpc::ServerUnaryReactor* UpdateEmployment(grpc::CallbackServerContext* ctx,
                                             const v1::UpdateEmploymentRequest* request,
                                             v1::Worker* response) override;
  grpc::ServerUnaryReactor* MarkVerified(grpc::CallbackServerContext* ctx,
                                         const v1::MarkVerifiedRequest* request,
                                         v1::Worker* response) override;
  grpc::ServerUnaryReactor* ListWorkers(grpc::CallbackServerContext* ctx,
                                        const v1::ListWorkersRequest* request,
                                        v1::ListWorkersResponse* response) override;
  grpc::ServerUnaryReactor* EraseWorker(grpc::CallbackServerContext* ctx,
                                        const v1::EraseWorkerRequest* request,
                                        v1::EraseWorkerResponse* response) override;
  grpc::ServerUnaryReactor* ZeroEmploymentHouseholds(
      grpc::CallbackServerContext* ctx, const v1::ZeroEmploymentHouseholdsRequest* request,
      v1::ZeroEmploymentHouseholdsResponse* response) override;
  grpc::ServerUnaryReactor* TransferEmploymentReport(
      grpc::CallbackServerContext* ctx, const v1::TransferEmploymentReportRequest* request,
      v1::EmploymentReport* response) override;
  grpc::ServerUnaryReactor* PartnerSupplyReport(grpc::CallbackServerContext* ctx,
                                                const v1::PartnerSupplyReportRequest* request,
                                                v1::EmploymentReport* response) override;
  grpc::ServerUnaryReactor* ListAuditRecords(grpc::CallbackServerContext* ctx,
                                             const v1::ListAuditRecordsRequest* request,
                                             v1::ListAuditRecordsResponse* response) override;
  grpc::ServerUnaryReactor* ListWorkerVersions(grpc::CallbackServerContext* ctx,
                                               const v1::ListWorkerVersionsRequest* request,
                                               v1::ListWorkerVersionsResponse* response) override;

 private:
  template <typename Request, typename Response, typename Method>
  grpc::ServerUnaryReactor* Handle(grpc::CallbackServerContext* ctx, const char* method,
                                   const Request* request, Response* response, Method fn);

  ProfileManager* manager_;
  UnaryDispatcher dispatch_;
};

}  // namespace labor::profile
