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
    : RpcService(auth, pool, metrics), manager_(manager) {
  // Answered when the group commit lands: no pool thread waits for the WAL sync.
  UnaryAsync<v1::RegisterWorkerRequest, v1::RegisterWorkerResponse>(
      "RegisterWorker", [this](const Caller& caller, const v1::RegisterWorkerRequest& r,
                               ProfileManager::RegisterDone done) {
        manager_->RegisterAsync(caller, r, std::move(done));
      });
  Unary("GetWorker", manager_, &ProfileManager::Get);
  Unary("UpdateWorker", manager_, &ProfileManager::Update);
  Unary("UpdateEmployment", manager_, &ProfileManager::UpdateEmployment);
  Unary("MarkVerified", manager_, &ProfileManager::MarkVerified);
  Unary("ListWorkers", manager_, &ProfileManager::List);
  Unary("EraseWorker", manager_, &ProfileManager::Erase);
  Unary("ZeroEmploymentHouseholds", manager_, &ProfileManager::ZeroEmploymentHouseholds);
  Unary("TransferEmploymentReport", manager_, &ProfileManager::TransferEmploymentReport);
  Unary("PartnerSupplyReport", manager_, &ProfileManager::PartnerSupplyReport);
  Unary("ListAuditRecords", manager_, &ProfileManager::ListAudit);
  Unary("ListWorkerVersions", manager_, &ProfileManager::ListVersions);
}

}  // namespace labor::profile
