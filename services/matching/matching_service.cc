#include "services/matching/matching_service.h"

#include "absl/strings/str_cat.h"

namespace labor::matching {
namespace {

constexpr absl::string_view kService = "labor.v1.MatchingService";

}  // namespace

MethodPolicy MatchingMethodPolicy() {
  using R = Role;
  auto m = [](absl::string_view method) { return absl::StrCat("/", kService, "/", method); };
  MethodPolicy policy;
  policy.Allow(m("RecommendVacancies"), {R::kAdmin, R::kKiosk, R::kService, R::kWechat})
      .Allow(m("RecommendWorkers"), {R::kAdmin, R::kKiosk, R::kService})
      .Allow(m("Explain"), {R::kAdmin, R::kKiosk, R::kService, R::kWechat});
  return policy;
}

MatchingServiceImpl::MatchingServiceImpl(const MatchingManager* manager, const Authenticator* auth,
                                         ThreadPool* pool, Metrics* metrics)
    : manager_(manager), dispatch_(kService, auth, pool, metrics) {}

grpc::ServerUnaryReactor* MatchingServiceImpl::RecommendVacancies(
    grpc::CallbackServerContext* ctx, const v1::RecommendVacanciesRequest* request,
    v1::RecommendResponse* response) {
  return dispatch_.Handle(ctx, "RecommendVacancies", request, response,
                          [this](const Caller& caller, const v1::RecommendVacanciesRequest& r) {
                            return manager_->RecommendVacancies(caller, r);
                          });
}

grpc::ServerUnaryReactor* MatchingServiceImpl::RecommendWorkers(
    grpc::CallbackServerContext* ctx, const v1::RecommendWorkersRequest* request,
    v1::RecommendResponse* response) {
  return dispatch_.Handle(ctx, "RecommendWorkers", request, response,
                          [this](const Caller& caller, const v1::RecommendWorkersRequest& r) {
                            return manager_->RecommendWorkers(caller, r);
                          });
}

grpc::ServerUnaryReactor* MatchingServiceImpl::Explain(grpc::CallbackServerContext* ctx,
                                                       const v1::ExplainRequest* request,
                                                       v1::ExplainResponse* response) {
  return dispatch_.Handle(ctx, "Explain", request, response,
                          [this](const Caller& caller, const v1::ExplainRequest& r) {
                            return manager_->Explain(caller, r);
                          });
}

}  // namespace labor::matching
