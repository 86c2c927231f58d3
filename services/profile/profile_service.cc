#include "services/profile/profile_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/log.h"

namespace labor::profile {
namespace {

constexpr char kPrefix[] = "/labor.v1.ProfileService/";

std::string FullMethod(absl::string_view method) { return absl::StrCat(kPrefix, method); }

}  // namespace

MethodPolicy ProfileMethodPolicy() {
  using R = Role;
  MethodPolicy policy;
  policy.Allow(FullMethod("RegisterWorker"), {R::kAdmin, R::kKiosk, R::kWechat})
      .Allow(FullMethod("GetWorker"), {R::kAdmin, R::kKiosk, R::kWechat, R::kService})
      .Allow(FullMethod("UpdateWorker"), {R::kAdmin, R::kKiosk, R::kWechat})
      .Allow(FullMethod("UpdateEmployment"), {R::kAdmin})
      .Allow(FullMethod("MarkVerified"), {R::kAdmin})
      .Allow(FullMethod("ListWorkers"), {R::kAdmin, R::kService})
      .Allow(FullMethod("EraseWorker"), {R::kAdmin, R::kWechat})
      .Allow(FullMethod("ZeroEmploymentHouseholds"), {R::kAdmin})
      .Allow(FullMethod("TransferEmploymentReport"), {R::kAdmin})
      .Allow(FullMethod("PartnerSupplyReport"), {R::kAdmin, R::kPartner})
      .Allow(FullMethod("ListAuditRecords"), {R::kAdmin});
  return policy;
}

ProfileServiceImpl::ProfileServiceImpl(ProfileManager* manager, const Authenticator* auth,
                                       ThreadPool* pool, Metrics* metrics)
    : manager_(manager), auth_(auth), pool_(pool), metrics_(metrics) {}

template <typename Request, typename Response, typename Method>
grpc::ServerUnaryReactor* ProfileServiceImpl::Handle(grpc::CallbackServerContext* ctx,
                                                     const char* method, const Request* request,
                                                     Response* response, Method fn) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  const absl::Time start = absl::Now();
  auto finish = [this, reactor, method, start](const absl::Status& status) {
    if (!status.ok() && status.code() != absl::StatusCode::kNotFound &&
        status.code() != absl::StatusCode::kInvalidArgument &&
        status.code() != absl::StatusCode::kPermissionDenied &&
        status.code() != absl::StatusCode::kUnauthenticated &&
        status.code() != absl::StatusCode::kAlreadyExists &&
        status.code() != absl::StatusCode::kAborted &&
        status.code() != absl::StatusCode::kFailedPrecondition) {
      // Messages never carry personal data (validators and the domain promise that).
      LABOR_LOG(WARNING) << method << " failed: " << status;
    }
    if (metrics_ != nullptr) {
      metrics_->ObserveRpc(method, static_cast<int>(status.code()), absl::Now() - start);
    }
    reactor->Finish(ToGrpcStatus(status));
  };
  absl::StatusOr<Caller> caller = auth_->Check(*ctx, FullMethod(method));
  if (!caller.ok()) {
    finish(caller.status());
    return reactor;
  }
  bool queued = pool_->Submit([this, fn, request, response, finish, caller = *std::move(caller)] {
    auto result = (manager_->*fn)(caller, *request);
    if (result.ok()) *response = *std::move(result);
    finish(result.status());
  });
  if (!queued) finish(absl::ResourceExhaustedError("server is busy; retry with backoff"));
  return reactor;
}

grpc::ServerUnaryReactor* ProfileServiceImpl::RegisterWorker(
    grpc::CallbackServerContext* ctx, const v1::RegisterWorkerRequest* request,
    v1::RegisterWorkerResponse* response) {
  return Handle(ctx, "RegisterWorker", request, response, &ProfileManager::Register);
}

grpc::ServerUnaryReactor* ProfileServiceImpl::GetWorker(grpc::CallbackServerContext* ctx,
                                                        const v1::GetWorkerRequest* request,
                                                        v1::Worker* response) {
  return Handle(ctx, "GetWorker", request, response, &ProfileManager::Get);
}

grpc::ServerUnaryReactor* ProfileServiceImpl::UpdateWorker(grpc::CallbackServerContext* ctx,
                                                           const v1::UpdateWorkerRequest* request,
                                                           v1::Worker* response) {
  return Handle(ctx, "UpdateWorker", request, response, &ProfileManager::Update);
}

grpc::ServerUnaryReactor* ProfileServiceImpl::UpdateEmployment(
    grpc::CallbackServerContext* ctx, const v1::UpdateEmploymentRequest* request,
    v1::Worker* response) {
  return Handle(ctx, "UpdateEmployment", request, response, &ProfileManager::UpdateEmployment);
}

grpc::ServerUnaryReactor* ProfileServiceImpl::MarkVerified(grpc::CallbackServerContext* ctx,
                                                           const v1::MarkVerifiedRequest* request,
                                                           v1::Worker* response) {
  return Handle(ctx, "MarkVerified", request, response, &ProfileManager::MarkVerified);
}

grpc::ServerUnaryReactor* ProfileServiceImpl::ListWorkers(grpc::CallbackServerContext* ctx,
                                                          const v1::ListWorkersRequest* request,
                                                          v1::ListWorkersResponse* response) {
  return Handle(ctx, "ListWorkers", request, response, &ProfileManager::List);
}

grpc::ServerUnaryReactor* ProfileServiceImpl::EraseWorker(grpc::CallbackServerContext* ctx,
                                                          const v1::EraseWorkerRequest* request,
                                                          v1::EraseWorkerResponse* response) {
  return Handle(ctx, "EraseWorker", request, response, &ProfileManager::Erase);
}

grpc::ServerUnaryReactor* ProfileServiceImpl::ZeroEmploymentHouseholds(
    grpc::CallbackServerContext* ctx, const v1::ZeroEmploymentHouseholdsRequest* request,
    v1::ZeroEmploymentHouseholdsResponse* response) {
  return Handle(ctx, "ZeroEmploymentHouseholds", request, response,
                &ProfileManager::ZeroEmploymentHouseholds);
}

grpc::ServerUnaryReactor* ProfileServiceImpl::TransferEmploymentReport(
    grpc::CallbackServerContext* ctx, const v1::TransferEmploymentReportRequest* request,
    v1::EmploymentReport* response) {
  return Handle(ctx, "TransferEmploymentReport", request, response,
                &ProfileManager::TransferEmploymentReport);
}

grpc::ServerUnaryReactor* ProfileServiceImpl::PartnerSupplyReport(
    grpc::CallbackServerContext* ctx, const v1::PartnerSupplyReportRequest* request,
    v1::EmploymentReport* response) {
  return Handle(ctx, "PartnerSupplyReport", request, response,
                &ProfileManager::PartnerSupplyReport);
}

grpc::ServerUnaryReactor* ProfileServiceImpl::ListAuditRecords(
    grpc::CallbackServerContext* ctx, const v1::ListAuditRecordsRequest* request,
    v1::ListAuditRecordsResponse* response) {
  return Handle(ctx, "ListAuditRecords", request, response, &ProfileManager::ListAudit);
}

}  // namespace labor::profile
