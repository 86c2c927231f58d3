#include "services/profile/profile_service.h"

#include "absl/strings/str_cat.h"

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
      .Allow(FullMethod("UpdateWorker"), {R::kAdmin, R::kKiosk, R::kWechat, R::kService})
      .Allow(FullMethod("UpdateEmployment"), {R::kAdmin})
      .Allow(FullMethod("MarkVerified"), {R::kAdmin})
      .Allow(FullMethod("ListWorkers"), {R::kAdmin, R::kService})
      .Allow(FullMethod("EraseWorker"), {R::kAdmin, R::kWechat})
      .Allow(FullMethod("ZeroEmploymentHouseholds"), {R::kAdmin})
      .Allow(FullMethod("TransferEmploymentReport"), {R::kAdmin})
      .Allow(FullMethod("PartnerSupplyReport"), {R::kAdmin, R::kPartner})
      .Allow(FullMethod("ListAuditRecords"), {R::kAdmin})
      .Allow(FullMethod("ListWorkerVersions"), {R::kAdmin});
  return policy;
}

ProfileServiceImpl::ProfileServiceImpl(ProfileManager* manager, const Authenticator* auth,
                                       ThreadPool* pool, Metrics* metrics)
    : manager_(manager), dispatch_("labor.v1.ProfileService", auth, pool, metrics) {}

template <typename Request, typename Response, typename Method>
grpc::ServerUnaryReactor* ProfileServiceImpl::Handle(grpc::CallbackServerContext* ctx,
                                                     const char* method, const Request* request,
                                                     Response* response, Method fn) {
  return dispatch_.Handle(
      ctx, method, request, response,
      [this, fn](const Caller& caller, const Request& r) { return (manager_->*fn)(caller, r); });
}

grpc::ServerUnaryReactor* ProfileServiceImpl::RegisterWorker(
    grpc::CallbackServerContext* ctx, const v1::RegisterWorkerRequest* request,
    v1::RegisterWorkerResponse* response) {
  // Answered when the group commit lands: no pool thread waits for the WAL sync.
  return dispatch_.HandleAsync(ctx, "RegisterWorker", request, response,
                               [this](const Caller& caller, const v1::RegisterWorkerRequest& r,
                                      ProfileManager::RegisterDone done) {
                                 manager_->RegisterAsync(caller, r, std::move(done));
                               });
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

grpc::ServerUnaryReactor* ProfileServiceImpl::ListWorkerVersions(
    grpc::CallbackServerContext* ctx, const v1::ListWorkerVersionsRequest* request,
    v1::ListWorkerVersionsResponse* response) {
  return Handle(ctx, "ListWorkerVersions", request, response, &ProfileManager::ListVersions);
}

}  // namespace labor::profile
