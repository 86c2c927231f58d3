// The thin gRPC adapter of VacancyService: authenticate and authorize every
// call, run the domain method on the worker pool, convert the status once,
// record metrics. ImportVacancies is a bidi stream whose items are applied
// in batches (whatever arrived while the previous batch committed), one
// result per item, in order.
#pragma once

#include "common/auth.h"
#include "common/metrics.h"
#include "common/rpc_handler.h"
#include "common/thread_pool.h"
#include "labor/v1/vacancy.grpc.pb.h"
#include "services/vacancy/vacancy_manager.h"

namespace labor::vacancy {

// Which roles may call which VacancyService method (deny by default).
MethodPolicy VacancyMethodPolicy();

struct VacancyServiceOptions {
  // Most import items committed in one WriteBatch (one synced write).
  // Larger batches spend fewer WAL syncs per item; other writers wait for
  // a batch under the writer lock (~100 ms at 1,024 items on two cores).
  int max_batch_items = 1024;
  // Items read ahead of the batch being committed; reading pauses above it
  // (the client's sends then wait: flow control, not memory growth).
  int max_pending_items = 2048;
  // Results not yet written to the client; processing pauses above it.
  int max_unwritten_results = 4096;
};

class VacancyServiceImpl final : public v1::VacancyService::CallbackService {
 public:
  // All pointers must outlive the service. `metrics` may be null.
  VacancyServiceImpl(VacancyManager* manager, const Authenticator* auth, ThreadPool* pool,
                     Metrics* metrics, VacancyServiceOptions options = {});

  grpc::ServerUnaryReactor* UpsertEmployer(grpc::CallbackServerContext* ctx,
                                           const v1::UpsertEmployerRequest* request,
                                           v1::Employer* response) override;
  grpc::ServerUnaryReactor* GetEmployer(grpc::CallbackServerContext* ctx,
                                        const v1::GetEmployerRequest* request,
                                        v1::Employer* response) override;
  grpc::ServerUnaryReactor* BlacklistEmployer(grpc::CallbackServerContext* ctx,
                                              const v1::BlacklistEmployerRequest* request,
                                              v1::BlacklistEntry* response) override;
  grpc::ServerUnaryReactor* LiftBlacklist(grpc::CallbackServerContext* ctx,
                                          const v1::LiftBlacklistRequest* request,
                                          v1::BlacklistEntry* response) override;
  grpc::ServerUnaryReactor* IsBlacklisted(grpc::CallbackServerContext* ctx,
                                          const v1::IsBlacklistedRequest* request,
                                          v1::IsBlacklistedResponse* response) override;
  grpc::ServerUnaryReactor* ListBlacklist(grpc::CallbackServerContext* ctx,
                                          const v1::ListBlacklistRequest* request,
                                          v1::ListBlacklistResponse* response) override;
  grpc::ServerUnaryReactor* PostVacancy(grpc::CallbackServerContext* ctx,
                                        const v1::PostVacancyRequest* request,
                                        v1::PostVacancyResponse* response) override;
  grpc::ServerUnaryReactor* GetVacancy(grpc::CallbackServerContext* ctx,
                                       const v1::GetVacancyRequest* request,
                                       v1::Vacancy* response) override;
  grpc::ServerUnaryReactor* UpdateVacancy(grpc::CallbackServerContext* ctx,
                                          const v1::UpdateVacancyRequest* request,
                                          v1::Vacancy* response) override;
  grpc::ServerUnaryReactor* ChangeVacancyStatus(grpc::CallbackServerContext* ctx,
                                                const v1::ChangeVacancyStatusRequest* request,
                                                v1::Vacancy* response) override;
  grpc::ServerUnaryReactor* ListVacancies(grpc::CallbackServerContext* ctx,
                                          const v1::ListVacanciesRequest* request,
                                          v1::ListVacanciesResponse* response) override;
  grpc::ServerUnaryReactor* CreateFair(grpc::CallbackServerContext* ctx,
                                       const v1::CreateFairRequest* request,
                                       v1::JobFair* response) override;
  grpc::ServerUnaryReactor* GetFair(grpc::CallbackServerContext* ctx,
                                    const v1::GetFairRequest* request,
                                    v1::JobFair* response) override;
  grpc::ServerUnaryReactor* AttachToFair(grpc::CallbackServerContext* ctx,
                                         const v1::AttachToFairRequest* request,
                                         v1::JobFair* response) override;
  grpc::ServerUnaryReactor* CheckIn(grpc::CallbackServerContext* ctx,
                                    const v1::CheckInRequest* request,
                                    v1::CheckInResponse* response) override;
  grpc::ServerUnaryReactor* GetFairStats(grpc::CallbackServerContext* ctx,
                                         const v1::GetFairStatsRequest* request,
                                         v1::FairStats* response) override;
  grpc::ServerUnaryReactor* ListFairs(grpc::CallbackServerContext* ctx,
                                      const v1::ListFairsRequest* request,
                                      v1::ListFairsResponse* response) override;
  grpc::ServerBidiReactor<v1::ImportItem, v1::ImportResult>* ImportVacancies(
      grpc::CallbackServerContext* ctx) override;
  grpc::ServerBidiReactor<v1::ImportChunk, v1::ImportChunkResult>* ImportVacancyChunks(
      grpc::CallbackServerContext* ctx) override;

 private:
  template <typename In, typename Out>
  class ImportReactor;

  template <typename Request, typename Response, typename Method>
  grpc::ServerUnaryReactor* Handle(grpc::CallbackServerContext* ctx, const char* method,
                                   const Request* request, Response* response, Method fn);

  VacancyManager* manager_;
  UnaryDispatcher dispatch_;
  VacancyServiceOptions options_;
};

}  // namespace labor::vacancy
