// VacancyManager: employers and the wage-arrears blacklist (listing,
// lifting, queries), and how a posting resolves and checks its employer.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/proto_util.h"
#include "common/status.h"
#include "common/validation.h"
#include "services/vacancy/manager_internal.h"
#include "services/vacancy/vacancy_manager.h"
#include "services/vacancy/work_unit.h"

namespace labor::vacancy {

using manager_internal::DateText;
using manager_internal::PublicEmployer;

namespace {

constexpr size_t kMaxReasonChars = 500;

}  // namespace

v1::Employer VacancyManager::PresentEmployer(const Caller& caller,
                                             const StoredEmployer& stored) const {
  v1::Employer e = stored.employer();
  if (caller.role != Role::kAdmin && caller.role != Role::kKiosk) {
    e.clear_contact_name();
    e.clear_contact_phone();
  }
  return e;
}

absl::StatusOr<v1::Employer> VacancyManager::UpsertEmployer(
    const Caller& caller, const v1::UpsertEmployerRequest& request) {
  v1::Employer input = request.employer();
  RETURN_IF_ERROR(NormalizeEmployer(*deps_.regions, &input, "employer"));
  WriterLock lock(this);
  WorkUnit unit(unit_deps_);
  unit.set_now(deps_.clock->Now());
  ASSIGN_OR_RETURN(auto by_code, unit.EmployerByCreditCode(input.credit_code()));
  std::string id = input.employer_id();
  if (!id.empty() && by_code.has_value() && *by_code != id) {
    return absl::AlreadyExistsError(
        absl::StrCat("credit code ", input.credit_code(), " belongs to employer ", *by_code));
  }
  if (id.empty() && by_code.has_value()) id = *by_code;

  if (id.empty()) {
    if (request.expected_version() != 0) {
      return absl::AbortedError(
          absl::StrCat("no employer with credit code ", input.credit_code(), " exists to update"));
    }
    StoredEmployer stored;
    v1::Employer* e = stored.mutable_employer();
    *e = input;
    e->set_employer_id(NewId("e"));
    e->set_version(1);
    e->set_blacklisted(false);
    *e->mutable_created_at() = ToProto(unit.now());
    *e->mutable_updated_at() = ToProto(unit.now());
    unit.Emit(MakeEvent("employer.registered", e->employer_id(), 1, PublicEmployer(*e)));
    v1::Employer out = PresentEmployer(caller, stored);
    unit.AddEmployer(std::move(stored));
    RETURN_IF_ERROR(unit.Commit());
    return out;
  }

  ASSIGN_OR_RETURN(StoredEmployer * stored, unit.Employer(id));
  if (stored == nullptr) return absl::NotFoundError(absl::StrCat("employer ", id, " not found"));
  v1::Employer* e = stored->mutable_employer();
  if (request.expected_version() != 0 && request.expected_version() != e->version()) {
    return absl::AbortedError(absl::StrCat("employer ", id, " is at version ", e->version(),
                                           ", not ", request.expected_version()));
  }
  e->set_credit_code(input.credit_code());
  e->set_name(input.name());
  e->set_region(input.region());
  e->set_contact_name(input.contact_name());
  e->set_contact_phone(input.contact_phone());
  unit.TouchEmployer(stored);
  unit.Emit(MakeEvent("employer.updated", id, e->version(), PublicEmployer(*e)));
  v1::Employer out = PresentEmployer(caller, *stored);
  RETURN_IF_ERROR(unit.Commit());
  return out;
}

absl::StatusOr<StoredEmployer> VacancyManager::LoadEmployerByKey(
    const v1::GetEmployerRequest& request) {
  std::string id;
  if (request.has_credit_code()) {
    std::string code = NormalizeCreditCode(request.credit_code());
    if (absl::Status s = ValidateCreditCode(code); !s.ok()) {
      return InvalidField("credit_code", s.message());
    }
    ASSIGN_OR_RETURN(auto found, employers_.FindIdByCode(code));
    if (!found.has_value()) {
      return absl::NotFoundError(absl::StrCat("no employer with credit code ", code));
    }
    id = *found;
  } else if (request.has_employer_id() && !request.employer_id().empty()) {
    id = request.employer_id();
  } else {
    return InvalidField("key", "give employer_id or credit_code");
  }
  ASSIGN_OR_RETURN(auto stored, employers_.Load(id));
  if (!stored.has_value()) return absl::NotFoundError(absl::StrCat("employer ", id, " not found"));
  return *std::move(stored);
}

absl::StatusOr<v1::Employer> VacancyManager::GetEmployer(const Caller& caller,
                                                         const v1::GetEmployerRequest& request) {
  ASSIGN_OR_RETURN(StoredEmployer stored, LoadEmployerByKey(request));
  // The flag in the record moves when the scheduler runs; answer for today.
  if (stored.employer().blacklisted() && stored.blacklist_size() > 0 &&
      !BlacklistActive(stored.blacklist(stored.blacklist_size() - 1), Today())) {
    stored.mutable_employer()->set_blacklisted(false);
  }
  return PresentEmployer(caller, stored);
}

namespace {

v1::BlacklistEntry PresentEntry(const StoredEmployer& stored, const v1::BlacklistEntry& entry,
                                absl::CivilDay today) {
  v1::BlacklistEntry out = entry;
  out.set_employer_id(stored.employer().employer_id());
  out.set_employer_name(stored.employer().name());
  out.set_credit_code(stored.employer().credit_code());
  out.set_active(BlacklistActive(entry, today));
  return out;
}

}  // namespace

absl::StatusOr<v1::BlacklistEntry> VacancyManager::BlacklistEmployer(
    const Caller& caller, const v1::BlacklistEmployerRequest& request) {
  v1::BlacklistEntry entry = request.entry();
  const absl::CivilDay today = Today();
  if (entry.employer_id().empty()) return InvalidField("entry.employer_id", "required");
  RETURN_IF_ERROR(NormalizeBlacklistEntry(today, &entry, "entry"));
  entry.clear_lifted_on();
  entry.clear_lift_reason();
  WriterLock lock(this);
  WorkUnit unit(unit_deps_);
  unit.set_now(deps_.clock->Now());
  ASSIGN_OR_RETURN(StoredEmployer * stored, unit.Employer(entry.employer_id()));
  if (stored == nullptr) {
    return absl::NotFoundError(absl::StrCat("employer ", entry.employer_id(), " not found"));
  }
  if (stored->blacklist_size() > 0) {
    const auto& last = stored->blacklist(stored->blacklist_size() - 1);
    if (BlacklistActive(last, today)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "employer ", entry.employer_id(), " is already listed since ", DateText(last.listed_on()),
          " (until ", DateText(last.expires_on()), "); lift that listing first"));
    }
    if (ToCivil(entry.listed_on()) < ToCivil(last.listed_on())) {
      return InvalidField("entry.listed_on",
                          "is before the employer's latest listing; history is append-only");
    }
  }
  entry.clear_active();
  entry.clear_employer_name();
  entry.clear_credit_code();
  *stored->add_blacklist() = entry;
  const bool active = BlacklistActive(entry, today);
  stored->mutable_employer()->set_blacklisted(active);
  unit.TouchEmployer(stored);
  unit.Emit(MakeEvent("employer.listed", stored->employer().employer_id(),
                      stored->employer().version(), PublicEmployer(stored->employer())));
  if (active) {
    RETURN_IF_ERROR(unit.FlagEmployerVacancies(entry.employer_id(), true));
  }
  v1::BlacklistEntry out = PresentEntry(*stored, entry, today);
  RETURN_IF_ERROR(unit.Commit());
  return out;
}

absl::StatusOr<v1::BlacklistEntry> VacancyManager::LiftBlacklist(
    const Caller& caller, const v1::LiftBlacklistRequest& request) {
  const absl::CivilDay today = Today();
  ViolationCollector violations;
  if (request.employer_id().empty()) violations.Add("employer_id", "required");
  violations.Merge(ValidateText(request.reason(), kMaxReasonChars, /*required=*/true), "reason");
  CheckDate(request.lifted_on(), "lifted_on", DateField::kBlacklist, today, &violations);
  RETURN_IF_ERROR(violations.ToStatus());
  absl::CivilDay lifted = HasDate(request.lifted_on()) ? ToCivil(request.lifted_on()) : today;

  WriterLock lock(this);
  WorkUnit unit(unit_deps_);
  unit.set_now(deps_.clock->Now());
  ASSIGN_OR_RETURN(StoredEmployer * stored, unit.Employer(request.employer_id()));
  if (stored == nullptr) {
    return absl::NotFoundError(absl::StrCat("employer ", request.employer_id(), " not found"));
  }
  if (stored->blacklist_size() == 0 ||
      !BlacklistActive(stored->blacklist(stored->blacklist_size() - 1), today)) {
    return absl::FailedPreconditionError(
        absl::StrCat("employer ", request.employer_id(), " is not on the blacklist"));
  }
  v1::BlacklistEntry* last = stored->mutable_blacklist(stored->blacklist_size() - 1);
  if (lifted < ToCivil(last->listed_on())) {
    return InvalidField("lifted_on", absl::StrCat("is before the listing began (",
                                                  DateText(last->listed_on()), ")"));
  }
  *last->mutable_lifted_on() = FromCivil(lifted);
  last->set_lift_reason(std::string(absl::StripAsciiWhitespace(request.reason())));
  stored->mutable_employer()->set_blacklisted(false);
  unit.TouchEmployer(stored);
  unit.Emit(MakeEvent("employer.lifted", stored->employer().employer_id(),
                      stored->employer().version(), PublicEmployer(stored->employer())));
  RETURN_IF_ERROR(unit.FlagEmployerVacancies(request.employer_id(), false));
  v1::BlacklistEntry out = PresentEntry(*stored, *last, today);
  RETURN_IF_ERROR(unit.Commit());
  return out;
}

absl::StatusOr<v1::IsBlacklistedResponse> VacancyManager::IsBlacklisted(
    const Caller& caller, const v1::IsBlacklistedRequest& request) {
  if (request.employer_id().empty()) return InvalidField("employer_id", "required");
  ASSIGN_OR_RETURN(auto stored, employers_.Load(request.employer_id()));
  if (!stored.has_value()) {
    return absl::NotFoundError(absl::StrCat("employer ", request.employer_id(), " not found"));
  }
  v1::IsBlacklistedResponse response;
  const absl::CivilDay today = Today();
  if (stored->blacklist_size() > 0) {
    const auto& last = stored->blacklist(stored->blacklist_size() - 1);
    if (BlacklistActive(last, today)) {
      response.set_listed(true);
      *response.mutable_entry() = PresentEntry(*stored, last, today);
    }
  }
  return response;
}

absl::StatusOr<v1::ListBlacklistResponse> VacancyManager::ListBlacklist(
    const Caller& caller, const v1::ListBlacklistRequest& request) {
  ASSIGN_OR_RETURN(int page_size, PageSizeOf(request.page()));
  const std::string fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(std::string start_after,
                   ParsePageToken(request.page().page_token(), fingerprint));
  const absl::CivilDay today = Today();
  v1::ListBlacklistResponse response;
  // Paged by employer (with history, one employer may bring several
  // entries). The index may still list an employer whose listing ended
  // today but whose record the scheduler has not moved yet; such employers
  // are skipped, so read on until the page is full.
  std::string cursor = start_after;
  std::string last_id;
  bool more = false;
  while (!more) {
    ASSIGN_OR_RETURN(
        std::vector<std::string> ids,
        deps_.store->ListBlacklisted(request.include_history(), cursor, page_size + 1));
    for (const auto& id : ids) {
      if (response.entries_size() >= page_size) {
        more = true;
        break;
      }
      ASSIGN_OR_RETURN(auto stored, employers_.Load(id));
      last_id = id;
      if (!stored.has_value()) continue;
      if (request.include_history()) {
        for (const auto& e : stored->blacklist()) {
          *response.add_entries() = PresentEntry(*stored, e, today);
        }
      } else if (stored->blacklist_size() > 0) {
        const auto& e = stored->blacklist(stored->blacklist_size() - 1);
        if (BlacklistActive(e, today)) *response.add_entries() = PresentEntry(*stored, e, today);
      }
    }
    if (static_cast<int>(ids.size()) < page_size + 1) break;
    cursor = last_id;
  }
  if (more) response.mutable_page()->set_next_page_token(MakePageToken(fingerprint, last_id));
  return response;
}

absl::Status VacancyManager::CheckNotBlacklisted(const StoredEmployer& stored) const {
  if (stored.blacklist_size() == 0) return absl::OkStatus();
  const auto& last = stored.blacklist(stored.blacklist_size() - 1);
  if (!BlacklistActive(last, Today())) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("employer ", stored.employer().employer_id(),
                   " is on the wage-arrears blacklist (拖欠农民工工资失信名单) since ",
                   DateText(last.listed_on()), " until ", DateText(last.expires_on()), ": ",
                   last.reason(), "; it may not post vacancies while listed"));
}

absl::StatusOr<const StoredEmployer*> VacancyManager::ResolveEmployer(WorkUnit& unit,
                                                                      const v1::Vacancy& vacancy,
                                                                      StoredEmployer* fresh) {
  if (!vacancy.employer_id().empty()) {
    ASSIGN_OR_RETURN(StoredEmployer * e, unit.Employer(vacancy.employer_id()));
    if (e == nullptr) {
      return absl::NotFoundError(absl::StrCat("employer ", vacancy.employer_id(), " not found"));
    }
    if (!vacancy.employer_credit_code().empty() &&
        vacancy.employer_credit_code() != e->employer().credit_code()) {
      return InvalidField("vacancy.employer_credit_code",
                          "does not match the employer named by employer_id");
    }
    return e;
  }
  if (vacancy.employer_credit_code().empty()) {
    return InvalidField("vacancy.employer_id", "required (or employer_credit_code and name)");
  }
  ASSIGN_OR_RETURN(auto id, unit.EmployerByCreditCode(vacancy.employer_credit_code()));
  if (id.has_value()) {
    ASSIGN_OR_RETURN(StoredEmployer * e, unit.Employer(*id));
    LABOR_CHECK(e != nullptr) << "credit code index names a missing employer " << *id;
    return e;
  }
  if (vacancy.employer_name().empty()) {
    return InvalidField("vacancy.employer_name",
                        "required to register an employer not yet known by its credit code");
  }
  fresh->Clear();
  v1::Employer* e = fresh->mutable_employer();
  e->set_credit_code(vacancy.employer_credit_code());
  e->set_name(vacancy.employer_name());
  e->set_region(vacancy.location());
  return fresh;
}

}  // namespace labor::vacancy
