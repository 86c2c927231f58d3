// VacancyManager: the scheduler step (vacancy expiry, listing ends).

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/proto_util.h"
#include "common/status.h"
#include "common/validation.h"
#include "services/vacancy/manager_internal.h"
#include "services/vacancy/vacancy_manager.h"
#include "services/vacancy/work_unit.h"

namespace labor::vacancy {

using manager_internal::PublicEmployer;

absl::StatusOr<ScheduledWork> VacancyManager::RunScheduledOnce() {
  ScheduledWork work;
  WriterLock lock(this);
  WorkUnit unit(unit_deps_);
  const absl::Time now = deps_.clock->Now();
  unit.set_now(now);
  const absl::CivilDay today = absl::ToCivilDay(now, ShanghaiTime());

  ASSIGN_OR_RETURN(std::vector<std::string> ending,
                   deps_.store->ListingsDueToEnd(today, options_.scheduler_batch));
  for (const auto& id : ending) {
    ASSIGN_OR_RETURN(StoredEmployer * e, unit.Employer(id));
    if (e == nullptr || !e->employer().blacklisted()) continue;
    if (e->blacklist_size() > 0 && BlacklistActive(e->blacklist(e->blacklist_size() - 1), today)) {
      continue;
    }
    e->mutable_employer()->set_blacklisted(false);
    unit.TouchEmployer(e);
    unit.Emit(MakeEvent("employer.listing_ended", id, e->employer().version(),
                        PublicEmployer(e->employer())));
    RETURN_IF_ERROR(unit.FlagEmployerVacancies(id, false));
    ++work.listings_ended;
  }

  ASSIGN_OR_RETURN(std::vector<std::string> due,
                   deps_.store->DueToExpire(now, options_.scheduler_batch));
  for (const auto& id : due) {
    ASSIGN_OR_RETURN(StoredVacancy * v, unit.Vacancy(id));
    if (v == nullptr || v->vacancy().status() != v1::VACANCY_STATUS_OPEN) continue;
    if (FromProto(v->vacancy().expires_at()) > now) continue;
    v->mutable_vacancy()->set_status(v1::VACANCY_STATUS_EXPIRED);
    v->mutable_vacancy()->set_status_reason("passed its expiry time");
    unit.TouchVacancy(v);
    unit.Emit(MakeEvent("vacancy.expired", id, v->vacancy().version(), v->vacancy()));
    ++work.vacancies_expired;
  }
  RETURN_IF_ERROR(unit.Commit());
  return work;
}

}  // namespace labor::vacancy
