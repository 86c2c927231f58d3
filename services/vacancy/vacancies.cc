// VacancyManager: posting (with duplicate collapsing), reading, updating,
// closing and searching vacancies.

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/proto_util.h"
#include "common/status.h"
#include "common/validation.h"
#include "google/protobuf/field_mask.pb.h"
#include "services/vacancy/manager_internal.h"
#include "services/vacancy/vacancy_manager.h"
#include "services/vacancy/work_unit.h"

namespace labor::vacancy {

using manager_internal::AddUnique;
using manager_internal::IsPlainToken;
using manager_internal::PublicEmployer;
using manager_internal::SetHeadcount;

namespace {

constexpr size_t kMaxRequestIdChars = 64;

std::string StatusName(v1::VacancyStatus status) {
  std::string name = v1::VacancyStatus_Name(status);
  absl::string_view short_name = name;
  absl::ConsumePrefix(&short_name, "VACANCY_STATUS_");
  return absl::AsciiStrToLower(short_name);
}

}  // namespace

absl::StatusOr<VacancyManager::PostOutcome> VacancyManager::PostInUnit(
    WorkUnit& unit, v1::Vacancy vacancy, const v1::VacancySource& source,
    const std::string& fingerprint, const PostRequestKey& request) {
  StoredEmployer fresh;
  ASSIGN_OR_RETURN(const StoredEmployer* employer, ResolveEmployer(unit, vacancy, &fresh));
  RETURN_IF_ERROR(CheckNotBlacklisted(*employer));
  StoredFair* fair = nullptr;
  if (source.kind() == v1::SOURCE_KIND_FAIR) {
    ASSIGN_OR_RETURN(fair, unit.Fair(source.fair_id()));
    if (fair == nullptr) {
      return absl::NotFoundError(absl::StrCat("fair ", source.fair_id(), " not found"));
    }
  }
  if (employer == &fresh) {
    v1::Employer* e = fresh.mutable_employer();
    e->set_employer_id(NewId("e"));
    e->set_version(1);
    *e->mutable_created_at() = ToProto(unit.now());
    *e->mutable_updated_at() = ToProto(unit.now());
    unit.Emit(MakeEvent("employer.registered", e->employer_id(), 1, PublicEmployer(*e)));
    employer = unit.AddEmployer(std::move(fresh));
  }
  const v1::Employer& e = employer->employer();
  vacancy.set_employer_id(e.employer_id());
  vacancy.set_employer_credit_code(e.credit_code());
  vacancy.set_employer_name(e.name());
  const std::string key = SourceKey(source);

  PostOutcome outcome;
  const std::string dedup_key = DedupKey(vacancy);
  const WageRange wage = RangeOf(vacancy.wage());
  StoredVacancy* target = nullptr;
  for (const OpenVacancy& c : unit.OpenByDedupKey(dedup_key)) {
    if (!WagesOverlap(c.wage, wage)) continue;
    ASSIGN_OR_RETURN(StoredVacancy * v, unit.Vacancy(c.id));
    // The map and the record are kept together under the writer lock.
    LABOR_CHECK(v != nullptr && v->vacancy().status() == v1::VACANCY_STATUS_OPEN &&
                DedupKey(v->vacancy()) == dedup_key)
        << "open vacancy map disagrees with vacancy " << c.id;
    target = v;
    break;
  }
  if (target != nullptr) {
    v1::Vacancy* t = target->mutable_vacancy();
    if (!HasSource(*t, key)) *t->add_sources() = source;
    (*target->mutable_source_fingerprints())[key] = fingerprint;
    if (vacancy.headcount() > t->headcount()) SetHeadcount(t, vacancy.headcount());
    if (fair != nullptr) AddUnique(t->mutable_fair_ids(), fair->fair().fair_id());
    unit.TouchVacancy(target);
    unit.SetRequestId(t->vacancy_id(), request.id, request.fingerprint);
    unit.Emit(MakeEvent("vacancy.updated", t->vacancy_id(), t->version(), *t));
    outcome.vacancy_id = t->vacancy_id();
    outcome.duplicate_of = t->vacancy_id();
  } else {
    StoredVacancy stored;
    v1::Vacancy* v = stored.mutable_vacancy();
    *v = std::move(vacancy);
    v->set_vacancy_id(NewId("v"));
    v->set_version(1);
    v->set_status(v1::VACANCY_STATUS_OPEN);
    v->clear_status_reason();
    v->set_remaining(v->headcount());
    v->set_employer_blacklisted(false);
    *v->mutable_posted_at() = ToProto(unit.now());
    *v->mutable_updated_at() = ToProto(unit.now());
    v->clear_sources();
    *v->add_sources() = source;
    v->clear_fair_ids();
    if (fair != nullptr) v->add_fair_ids(fair->fair().fair_id());
    (*stored.mutable_source_fingerprints())[key] = fingerprint;
    outcome.vacancy_id = v->vacancy_id();
    outcome.created = true;
    unit.Emit(MakeEvent("vacancy.created", v->vacancy_id(), 1, *v));
    unit.AddVacancy(std::move(stored));
    unit.SetRequestId(outcome.vacancy_id, request.id, request.fingerprint);
  }
  if (fair != nullptr) {
    bool changed = AddUnique(fair->mutable_fair()->mutable_vacancy_ids(), outcome.vacancy_id);
    changed |= AddUnique(fair->mutable_fair()->mutable_employer_ids(), e.employer_id());
    if (changed) {
      unit.TouchFair(fair);
      unit.Emit(
          MakeEvent("fair.updated", fair->fair().fair_id(), fair->fair().version(), fair->fair()));
    }
  }
  return outcome;
}

bool VacancyManager::VisibleTo(const Caller& caller, const v1::Vacancy& vacancy) const {
  if (caller.role != Role::kPartner) return true;
  for (const auto& s : vacancy.sources()) {
    if (s.kind() != v1::SOURCE_KIND_PARTNER || s.partner() == caller.tenant) return true;
  }
  return false;
}

v1::Vacancy VacancyManager::Present(const Caller& caller, const StoredVacancy& stored) const {
  v1::Vacancy v = stored.vacancy();
  for (auto& skill : *v.mutable_required_skills()) {
    skill.set_occupation_name(deps_.occupations->Name(skill.occupation_code()));
  }
  if (caller.role == Role::kPartner) {
    // A partner sees its own imports' ids, not other bureaus'.
    auto* sources = v.mutable_sources();
    for (int i = sources->size() - 1; i >= 0; --i) {
      if (sources->Get(i).kind() == v1::SOURCE_KIND_PARTNER &&
          sources->Get(i).partner() != caller.tenant) {
        sources->DeleteSubrange(i, 1);
      }
    }
  }
  return v;
}

absl::StatusOr<std::optional<StoredVacancy>> VacancyManager::LoadVacancy(absl::string_view id) {
  if (deps_.vacancy_cache != nullptr) {
    if (auto hit = deps_.vacancy_cache->Get(id); hit.has_value()) {
      StoredVacancy v;
      if (v.ParseFromString(*hit)) return std::optional<StoredVacancy>(std::move(v));
    }
  }
  ASSIGN_OR_RETURN(auto loaded, deps_.store->GetVacancy(id));
  if (loaded.has_value() && deps_.vacancy_cache != nullptr) {
    deps_.vacancy_cache->Put(id, loaded->vacancy().version(), loaded->SerializeAsString());
  }
  return loaded;
}

namespace {

absl::Status ValidateSource(const v1::Vacancy& vacancy, v1::VacancySource* source) {
  if (vacancy.sources_size() > 1) {
    return InvalidField("vacancy.sources", "a posting has one source");
  }
  if (vacancy.sources_size() == 1) *source = vacancy.sources(0);
  switch (source->kind()) {
    case v1::SOURCE_KIND_UNSPECIFIED:
    case v1::SOURCE_KIND_EMPLOYER:
      source->Clear();
      source->set_kind(v1::SOURCE_KIND_EMPLOYER);
      return absl::OkStatus();
    case v1::SOURCE_KIND_FAIR:
      if (source->fair_id().empty()) {
        return InvalidField("vacancy.sources[0].fair_id", "required for a fair source");
      }
      {
        std::string fair_id = source->fair_id();
        source->Clear();
        source->set_kind(v1::SOURCE_KIND_FAIR);
        source->set_fair_id(fair_id);
      }
      return absl::OkStatus();
    case v1::SOURCE_KIND_PARTNER:
      return InvalidField("vacancy.sources[0].kind",
                          "partner vacancies arrive through ImportVacancies");
    default:
      return InvalidField("vacancy.sources[0].kind", "unknown source kind");
  }
}

}  // namespace

absl::StatusOr<v1::PostVacancyResponse> VacancyManager::PostVacancy(
    const Caller& caller, const v1::PostVacancyRequest& request) {
  if (!request.request_id().empty() && !IsPlainToken(request.request_id(), kMaxRequestIdChars)) {
    return InvalidField("request_id", absl::StrCat("must be 1..", kMaxRequestIdChars,
                                                   " printable ASCII characters without spaces"));
  }
  v1::Vacancy vacancy = request.vacancy();
  v1::VacancySource source;
  RETURN_IF_ERROR(ValidateSource(vacancy, &source));
  VacancyRuleContext ctx{deps_.regions, deps_.occupations, deps_.policy, deps_.clock->Now()};
  RETURN_IF_ERROR(NormalizeVacancy(ctx, &vacancy, "vacancy"));

  // The request's content as sent (before normalization, which depends on
  // the day): a retry sends the same bytes.
  const PostRequestKey key{request.request_id(), ContentFingerprint(request.vacancy())};
  WriterLock lock(this);
  v1::PostVacancyResponse response;
  if (!key.id.empty()) {
    ASSIGN_OR_RETURN(auto earlier, deps_.store->FindPostRequest(key.id));
    if (earlier.has_value()) {
      const std::string& id = earlier->vacancy_id();
      if (!earlier->fingerprint().empty()) {
        RETURN_IF_ERROR(CheckReplay("request_id", key.id, earlier->fingerprint(), key.fingerprint,
                                    absl::StrCat("vacancy ", id)));
      }
      ASSIGN_OR_RETURN(auto stored, deps_.store->GetVacancy(id));
      LABOR_CHECK(stored.has_value()) << "request index names a missing vacancy " << id;
      *response.mutable_vacancy() = Present(caller, *stored);
      return response;
    }
  }
  WorkUnit unit(unit_deps_);
  unit.set_now(deps_.clock->Now());
  const std::string fingerprint = Fingerprint(vacancy);
  ASSIGN_OR_RETURN(PostOutcome outcome,
                   PostInUnit(unit, std::move(vacancy), source, fingerprint, key));
  ASSIGN_OR_RETURN(StoredVacancy * stored, unit.Vacancy(outcome.vacancy_id));
  *response.mutable_vacancy() = Present(caller, *stored);
  response.set_duplicate_of(outcome.duplicate_of);
  RETURN_IF_ERROR(unit.Commit());
  return response;
}

absl::StatusOr<v1::Vacancy> VacancyManager::GetVacancy(const Caller& caller,
                                                       const v1::GetVacancyRequest& request) {
  if (request.vacancy_id().empty()) return InvalidField("vacancy_id", "required");
  ASSIGN_OR_RETURN(auto stored, LoadVacancy(request.vacancy_id()));
  if (!stored.has_value() || !VisibleTo(caller, stored->vacancy())) {
    return absl::NotFoundError(absl::StrCat("vacancy ", request.vacancy_id(), " not found"));
  }
  return Present(caller, *stored);
}

absl::StatusOr<v1::Vacancy> VacancyManager::UpdateVacancy(const Caller& caller,
                                                          const v1::UpdateVacancyRequest& request) {
  const std::string& id = request.vacancy().vacancy_id();
  if (id.empty()) return InvalidField("vacancy.vacancy_id", "required");
  google::protobuf::FieldMask mask;
  bool set_remaining = false;
  for (const auto& path : request.update_mask().paths()) {
    if (path == "remaining") {
      set_remaining = true;
    } else {
      mask.add_paths(path);
    }
  }
  if (!set_remaining && mask.paths().empty()) {
    return InvalidField("update_mask", "names no field to update");
  }

  WriterLock lock(this);
  WorkUnit unit(unit_deps_);
  unit.set_now(deps_.clock->Now());
  ASSIGN_OR_RETURN(StoredVacancy * stored, unit.Vacancy(id));
  if (stored == nullptr) return absl::NotFoundError(absl::StrCat("vacancy ", id, " not found"));
  v1::Vacancy updated = stored->vacancy();
  if (request.expected_version() != 0 && request.expected_version() != updated.version()) {
    return absl::AbortedError(absl::StrCat("vacancy ", id, " is at version ", updated.version(),
                                           ", not ", request.expected_version()));
  }
  if (updated.status() != v1::VACANCY_STATUS_OPEN) {
    return absl::FailedPreconditionError(absl::StrCat("vacancy ", id, " is ",
                                                      StatusName(updated.status()),
                                                      "; only open vacancies "
                                                      "change"));
  }
  if (!mask.paths().empty()) {
    const int old_headcount = updated.headcount();
    const int old_remaining = updated.remaining();
    RETURN_IF_ERROR(ApplyVacancyMask(mask, request.vacancy(), &updated));
    VacancyRuleContext ctx{deps_.regions, deps_.occupations, deps_.policy, unit.now()};
    RETURN_IF_ERROR(NormalizeVacancy(ctx, &updated, "vacancy"));
    updated.set_remaining(old_remaining);
    const int new_headcount = updated.headcount();
    updated.set_headcount(old_headcount);
    SetHeadcount(&updated, new_headcount);
  }
  if (set_remaining) {
    int remaining = request.vacancy().remaining();
    if (remaining < 0 || remaining > updated.headcount()) {
      return InvalidField("vacancy.remaining",
                          absl::StrCat("must be 0..headcount (", updated.headcount(), ")"));
    }
    updated.set_remaining(remaining);
  }
  std::string type = "vacancy.updated";
  if (updated.remaining() == 0) {
    updated.set_status(v1::VACANCY_STATUS_FILLED);
    updated.set_status_reason("no headcount left");
    type = "vacancy.filled";
  }
  *stored->mutable_vacancy() = std::move(updated);
  unit.TouchVacancy(stored);
  unit.Emit(MakeEvent(type, id, stored->vacancy().version(), stored->vacancy()));
  v1::Vacancy out = Present(caller, *stored);
  RETURN_IF_ERROR(unit.Commit());
  return out;
}

absl::StatusOr<v1::Vacancy> VacancyManager::ChangeVacancyStatus(
    const Caller& caller, const v1::ChangeVacancyStatusRequest& request) {
  ViolationCollector violations;
  if (request.vacancy_id().empty()) violations.Add("vacancy_id", "required");
  if (request.status() != v1::VACANCY_STATUS_CLOSED &&
      request.status() != v1::VACANCY_STATUS_FILLED) {
    violations.Add("status", "must be VACANCY_STATUS_CLOSED or VACANCY_STATUS_FILLED");
  }
  violations.Merge(ValidateText(request.reason(), 200, /*required=*/false), "reason");
  RETURN_IF_ERROR(violations.ToStatus());

  WriterLock lock(this);
  WorkUnit unit(unit_deps_);
  unit.set_now(deps_.clock->Now());
  ASSIGN_OR_RETURN(StoredVacancy * stored, unit.Vacancy(request.vacancy_id()));
  if (stored == nullptr || !VisibleTo(caller, stored->vacancy())) {
    return absl::NotFoundError(absl::StrCat("vacancy ", request.vacancy_id(), " not found"));
  }
  v1::Vacancy* v = stored->mutable_vacancy();
  if (caller.role == Role::kPartner) {
    for (const auto& s : v->sources()) {
      if (s.kind() != v1::SOURCE_KIND_PARTNER || s.partner() != caller.tenant) {
        return absl::PermissionDeniedError(
            "a partner may change only vacancies that come from its own imports alone");
      }
    }
  }
  if (request.expected_version() != 0 && request.expected_version() != v->version()) {
    return absl::AbortedError(absl::StrCat("vacancy ", v->vacancy_id(), " is at version ",
                                           v->version(), ", not ", request.expected_version()));
  }
  if (v->status() != v1::VACANCY_STATUS_OPEN) {
    return absl::FailedPreconditionError(
        absl::StrCat("vacancy ", v->vacancy_id(), " is already ", StatusName(v->status())));
  }
  v->set_status(request.status());
  v->set_status_reason(std::string(absl::StripAsciiWhitespace(request.reason())));
  if (request.status() == v1::VACANCY_STATUS_FILLED) v->set_remaining(0);
  unit.TouchVacancy(stored);
  unit.Emit(
      MakeEvent(request.status() == v1::VACANCY_STATUS_FILLED ? "vacancy.filled" : "vacancy.closed",
                v->vacancy_id(), v->version(), *v));
  v1::Vacancy out = Present(caller, *stored);
  RETURN_IF_ERROR(unit.Commit());
  return out;
}

absl::StatusOr<v1::ListVacanciesResponse> VacancyManager::ListVacancies(
    const Caller& caller, const v1::ListVacanciesRequest& request) {
  ASSIGN_OR_RETURN(int page_size, PageSizeOf(request.page()));
  ViolationCollector violations;
  VacancyQuery query;
  if (!request.occupation_prefix().empty()) {
    violations.Merge(deps_.occupations->ValidatePrefix(request.occupation_prefix()),
                     "occupation_prefix");
    query.occupation_prefix = request.occupation_prefix();
  }
  if (!request.region_prefix().empty()) {
    absl::StatusOr<std::string> region = deps_.regions->Canonical(request.region_prefix());
    violations.Merge(region.status(), "region_prefix");
    if (region.ok()) query.region_prefix = *std::move(region);
  }
  if (request.has_monthly_wage_floor()) {
    if (request.monthly_wage_floor().fen() < 0) {
      violations.Add("monthly_wage_floor", "must not be negative");
    }
    query.monthly_wage_floor_fen = request.monthly_wage_floor().fen();
  }
  if (!v1::VacancyStatus_IsValid(request.status())) violations.Add("status", "unknown status");
  // Matching (service role) keeps blacklisted employers' vacancies so that
  // Explain can say why they are not shown.
  if (request.include_blacklisted() && caller.role != Role::kAdmin &&
      caller.role != Role::kService) {
    return absl::PermissionDeniedError(
        "include_blacklisted is for bureau staff (admin) and internal services only");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  query.employer_id = request.employer_id();
  query.fair_id = request.fair_id();
  query.status = request.status();
  auto window = [](const google::protobuf::Timestamp& ts) -> std::optional<absl::Time> {
    if (!HasTimestamp(ts)) return std::nullopt;
    return FromProto(ts);
  };
  query.posted_after = window(request.posted_after());
  query.posted_before = window(request.posted_before());
  query.expires_after = window(request.expires_after());
  query.expires_before = window(request.expires_before());
  query.updated_since = window(request.updated_since());
  query.include_blacklisted = request.include_blacklisted();
  // Job seekers' screens show open vacancies unless they ask otherwise;
  // the feed shows every change, closings included.
  const bool seeker_view =
      caller.role == Role::kKiosk || caller.role == Role::kWechat || caller.role == Role::kPartner;
  if (seeker_view && query.status == v1::VACANCY_STATUS_UNSPECIFIED &&
      !query.updated_since.has_value()) {
    query.status = v1::VACANCY_STATUS_OPEN;
  }
  if (caller.role == Role::kPartner) query.visible_to_partner = caller.tenant;

  const std::string fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(std::string cursor, ParsePageToken(request.page().page_token(), fingerprint));
  ASSIGN_OR_RETURN(VacancyIndex::Page page, deps_.index->Query(query, cursor, page_size));
  v1::ListVacanciesResponse response;
  for (const auto& id : page.vacancy_ids) {
    // Local point reads (block cache) are far cheaper than a Redis round
    // trip per result; the Redis cache serves single gets.
    ASSIGN_OR_RETURN(auto stored, deps_.store->GetVacancy(id));
    if (!stored.has_value()) continue;
    *response.add_vacancies() = Present(caller, *stored);
  }
  if (!page.next_cursor.empty()) {
    response.mutable_page()->set_next_page_token(MakePageToken(fingerprint, page.next_cursor));
  }
  return response;
}

}  // namespace labor::vacancy
