// VacancyManager: job fairs, attaching employers and vacancies, check-ins
// and fair statistics.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/idempotency.h"
#include "common/proto_util.h"
#include "common/status.h"
#include "common/validation.h"
#include "services/vacancy/manager_internal.h"
#include "services/vacancy/vacancy_manager.h"
#include "services/vacancy/work_unit.h"

namespace labor::vacancy {

using manager_internal::AddUnique;
using manager_internal::DateText;

namespace {

constexpr int kMaxAttachIds = 500;

// A worker id as ProfileService issues them: "w_" + 20 lowercase hex.
bool IsWorkerId(absl::string_view id) {
  if (id.size() != 22 || !absl::StartsWith(id, "w_")) return false;
  return std::all_of(id.begin() + 2, id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

absl::StatusOr<v1::JobFair> VacancyManager::CreateFair(const Caller& caller,
                                                       const v1::CreateFairRequest& request) {
  v1::JobFair fair = request.fair();
  RETURN_IF_ERROR(NormalizeFair(*deps_.regions, Today(), &fair, "fair"));
  WriterLock lock(this);
  WorkUnit unit(unit_deps_);
  unit.set_now(deps_.clock->Now());
  fair.set_fair_id(NewId("f"));
  fair.set_version(1);
  fair.clear_employer_ids();
  fair.clear_vacancy_ids();
  StoredFair stored;
  *stored.mutable_fair() = fair;
  unit.Emit(MakeEvent("fair.created", fair.fair_id(), 1, fair));
  unit.AddFair(std::move(stored));
  RETURN_IF_ERROR(unit.Commit());
  return fair;
}

absl::StatusOr<v1::JobFair> VacancyManager::GetFair(const Caller& caller,
                                                    const v1::GetFairRequest& request) {
  if (request.fair_id().empty()) return InvalidField("fair_id", "required");
  ASSIGN_OR_RETURN(auto stored, deps_.store->GetFair(request.fair_id()));
  if (!stored.has_value()) {
    return absl::NotFoundError(absl::StrCat("fair ", request.fair_id(), " not found"));
  }
  return stored->fair();
}

absl::StatusOr<v1::JobFair> VacancyManager::AttachToFair(const Caller& caller,
                                                         const v1::AttachToFairRequest& request) {
  ViolationCollector violations;
  if (request.fair_id().empty()) violations.Add("fair_id", "required");
  if (request.employer_ids().empty() && request.vacancy_ids().empty()) {
    violations.Add("employer_ids", "give employer_ids or vacancy_ids to attach");
  }
  if (request.employer_ids_size() > kMaxAttachIds || request.vacancy_ids_size() > kMaxAttachIds) {
    violations.Add("vacancy_ids", absl::StrCat("at most ", kMaxAttachIds, " ids per call"));
  }
  RETURN_IF_ERROR(violations.ToStatus());

  WriterLock lock(this);
  WorkUnit unit(unit_deps_);
  unit.set_now(deps_.clock->Now());
  ASSIGN_OR_RETURN(StoredFair * fair, unit.Fair(request.fair_id()));
  if (fair == nullptr) {
    return absl::NotFoundError(absl::StrCat("fair ", request.fair_id(), " not found"));
  }
  bool changed = false;
  for (const auto& id : request.employer_ids()) {
    ASSIGN_OR_RETURN(StoredEmployer * e, unit.Employer(id));
    if (e == nullptr) return absl::NotFoundError(absl::StrCat("employer ", id, " not found"));
    changed |= AddUnique(fair->mutable_fair()->mutable_employer_ids(), id);
  }
  for (const auto& id : request.vacancy_ids()) {
    ASSIGN_OR_RETURN(StoredVacancy * v, unit.Vacancy(id));
    if (v == nullptr) return absl::NotFoundError(absl::StrCat("vacancy ", id, " not found"));
    changed |= AddUnique(fair->mutable_fair()->mutable_vacancy_ids(), id);
    changed |= AddUnique(fair->mutable_fair()->mutable_employer_ids(), v->vacancy().employer_id());
    if (AddUnique(v->mutable_vacancy()->mutable_fair_ids(), request.fair_id())) {
      unit.TouchVacancy(v);
      unit.Emit(MakeEvent("vacancy.updated", id, v->vacancy().version(), v->vacancy()));
    }
  }
  if (changed) {
    unit.TouchFair(fair);
    unit.Emit(
        MakeEvent("fair.updated", fair->fair().fair_id(), fair->fair().version(), fair->fair()));
  }
  v1::JobFair out = fair->fair();
  RETURN_IF_ERROR(unit.Commit());
  return out;
}

absl::StatusOr<v1::CheckInResponse> VacancyManager::CheckIn(const Caller& caller,
                                                            const v1::CheckInRequest& request) {
  ViolationCollector violations;
  if (request.fair_id().empty()) violations.Add("fair_id", "required");
  if (!IsWorkerId(request.worker_id())) {
    violations.Add("worker_id", "must be a worker id as ProfileService issues them (w_ + 20 hex)");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  const absl::Time now = deps_.clock->Now();
  const absl::Time at = HasTimestamp(request.at()) ? FromProto(request.at()) : now;
  if (at > now + absl::Minutes(5)) return InvalidField("at", "is in the future");

  WriterLock lock(this);
  WorkUnit unit(unit_deps_);
  unit.set_now(now);
  ASSIGN_OR_RETURN(StoredFair * fair, unit.Fair(request.fair_id()));
  if (fair == nullptr) {
    return absl::NotFoundError(absl::StrCat("fair ", request.fair_id(), " not found"));
  }
  const absl::CivilDay day = absl::ToCivilDay(at, ShanghaiTime());
  if (day < ToCivil(fair->fair().start_date()) || day > ToCivil(fair->fair().end_date())) {
    return absl::FailedPreconditionError(
        absl::StrCat("fair ", request.fair_id(), " runs from ", DateText(fair->fair().start_date()),
                     " to ", DateText(fair->fair().end_date()), "; check-ins are taken only then"));
  }
  v1::CheckInResponse response;
  ASSIGN_OR_RETURN(auto earlier, deps_.store->FindCheckIn(request.fair_id(), request.worker_id()));
  if (earlier.has_value()) {
    response.set_first_check_in(false);
    response.set_check_ins(fair->check_ins());
    return response;
  }
  fair->set_check_ins(fair->check_ins() + 1);
  unit.TouchFair(fair, /*bump=*/false);
  unit.AddCheckIn({request.fair_id(), request.worker_id(), at});
  response.set_first_check_in(true);
  response.set_check_ins(fair->check_ins());
  RETURN_IF_ERROR(unit.Commit());
  return response;
}

absl::StatusOr<v1::FairStats> VacancyManager::GetFairStats(const Caller& caller,
                                                           const v1::GetFairStatsRequest& request) {
  if (request.fair_id().empty()) return InvalidField("fair_id", "required");
  ASSIGN_OR_RETURN(auto stored, deps_.store->GetFair(request.fair_id()));
  if (!stored.has_value()) {
    return absl::NotFoundError(absl::StrCat("fair ", request.fair_id(), " not found"));
  }
  v1::FairStats stats;
  stats.set_fair_id(request.fair_id());
  absl::flat_hash_set<std::string> employers(stored->fair().employer_ids().begin(),
                                             stored->fair().employer_ids().end());
  int vacancies = 0;
  int64_t headcount = 0;
  for (const auto& id : stored->fair().vacancy_ids()) {
    ASSIGN_OR_RETURN(auto v, deps_.store->GetVacancy(id));
    if (!v.has_value()) continue;
    ++vacancies;
    headcount += v->vacancy().headcount();
    employers.insert(v->vacancy().employer_id());
  }
  stats.set_employers(static_cast<int>(employers.size()));
  stats.set_vacancies(vacancies);
  stats.set_headcount_offered(static_cast<int>(std::min<int64_t>(headcount, INT32_MAX)));
  stats.set_check_ins(stored->check_ins());
  return stats;
}

absl::StatusOr<v1::ListFairsResponse> VacancyManager::ListFairs(
    const Caller& caller, const v1::ListFairsRequest& request) {
  ASSIGN_OR_RETURN(int page_size, PageSizeOf(request.page()));
  if (request.year() != 0 && (request.year() < 2000 || request.year() > 2100)) {
    return InvalidField("year", "must be 0 (all) or 2000..2100");
  }
  const std::string fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(std::string start_after,
                   ParsePageToken(request.page().page_token(), fingerprint));
  std::string next;
  ASSIGN_OR_RETURN(std::vector<StoredFair> fairs,
                   deps_.store->ListFairs(request.year(), start_after, page_size, &next));
  v1::ListFairsResponse response;
  for (auto& f : fairs) *response.add_fairs() = std::move(*f.mutable_fair());
  if (!next.empty()) response.mutable_page()->set_next_page_token(MakePageToken(fingerprint, next));
  return response;
}

}  // namespace labor::vacancy
