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
    : RpcService(auth, pool, metrics) {
  Unary("RecommendVacancies", manager, &MatchingManager::RecommendVacancies);
  Unary("RecommendWorkers", manager, &MatchingManager::RecommendWorkers);
  Unary("Explain", manager, &MatchingManager::Explain);
}

}  // namespace labor::matching
