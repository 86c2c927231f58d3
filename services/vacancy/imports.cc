// VacancyManager: partner imports, prepared without the lock and applied in
// a pipeline (a batch decides while the previous batch's write is in
// flight; see vacancy_manager.h).

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
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

using manager_internal::IsPlainToken;
using manager_internal::SetHeadcount;

namespace {

constexpr size_t kMaxExternalIdChars = 64;

// Every poster-supplied path, for replacing a partner vacancy's content.
const google::protobuf::FieldMask& ContentMask() {
  static const auto* mask = [] {
    auto* m = new google::protobuf::FieldMask;
    for (const char* path : {"title", "occupation_code", "required_skills", "required_certificates",
                             "location", "wage", "headcount", "benefits", "working_hours",
                             "expires_at", "description", "gender_requirement"}) {
      m->add_paths(path);
    }
    return m;
  }();
  return *mask;
}

std::string RejectionReason(const absl::Status& status) {
  std::vector<FieldViolation> violations = GetFieldViolations(status);
  if (violations.empty()) return std::string(status.message());
  std::string reason;
  for (const auto& v : violations) {
    absl::StrAppend(&reason, reason.empty() ? "" : "; ", v.field, ": ", v.description);
  }
  return reason;
}

v1::ImportResult Rejected(v1::ImportResult result, const absl::Status& status) {
  result.set_outcome(v1::ImportResult::OUTCOME_REJECTED);
  result.set_reason(RejectionReason(status));
  return result;
}

}  // namespace

VacancyManager::PreparedImport VacancyManager::PrepareImport(
    std::vector<v1::ImportItem> items) const {
  PreparedImport prepared;
  prepared.items.resize(items.size());
  VacancyRuleContext ctx{deps_.regions, deps_.occupations, deps_.policy, deps_.clock->Now()};
  for (size_t i = 0; i < items.size(); ++i) {
    PreparedItem& p = prepared.items[i];
    p.external_id = std::move(*items[i].mutable_external_id());
    if (!IsPlainToken(p.external_id, kMaxExternalIdChars)) {
      p.rejection = InvalidField("external_id", absl::StrCat("must be 1..", kMaxExternalIdChars,
                                                             " printable characters without "
                                                             "spaces"));
      continue;
    }
    p.vacancy = std::move(*items[i].mutable_vacancy());
    const v1::VacancyStatus wanted = p.vacancy.status();
    if (wanted == v1::VACANCY_STATUS_CLOSED || wanted == v1::VACANCY_STATUS_FILLED) {
      p.withdrawal = wanted;  // a withdrawal: the partner's job is gone
      continue;
    }
    if (wanted != v1::VACANCY_STATUS_UNSPECIFIED && wanted != v1::VACANCY_STATUS_OPEN) {
      p.rejection = InvalidField("vacancy.status", "an import item is open, closed or filled");
      continue;
    }
    const bool expiry_sent = HasTimestamp(p.vacancy.expires_at());
    // Output-only fields mean nothing in an item (the service sets them).
    v1::Vacancy& v = p.vacancy;
    v.clear_sources();
    v.clear_status();
    v.clear_vacancy_id();
    v.clear_version();
    v.clear_remaining();
    v.clear_posted_at();
    v.clear_updated_at();
    v.clear_status_reason();
    v.clear_employer_blacklisted();
    v.clear_fair_ids();
    DiscardUnknownFieldsDeep(&v);
    if (absl::Status s = NormalizeVacancy(ctx, &v, "vacancy"); !s.ok()) {
      p.rejection = s;
      continue;
    }
    // The fingerprint covers what the partner sent: an expiry the service
    // defaulted (now + lifetime) differs on every replay.
    if (expiry_sent) {
      p.fingerprint = FingerprintAsIs(v);
    } else {
      google::protobuf::Timestamp defaulted = std::move(*v.mutable_expires_at());
      v.clear_expires_at();
      p.fingerprint = FingerprintAsIs(v);
      *v.mutable_expires_at() = std::move(defaulted);
    }
  }
  return prepared;
}

absl::StatusOr<v1::ImportResult> VacancyManager::ImportOne(WorkUnit& unit, const Caller& caller,
                                                           PreparedItem& item) {
  v1::ImportResult result;
  result.set_external_id(item.external_id);
  if (!item.rejection.ok()) return Rejected(std::move(result), item.rejection);
  v1::VacancySource source;
  source.set_kind(v1::SOURCE_KIND_PARTNER);
  source.set_partner(caller.tenant);
  source.set_external_id(item.external_id);
  const std::string key = SourceKey(source);
  ASSIGN_OR_RETURN(auto existing_id, unit.VacancyBySource(key));
  StoredVacancy* existing = nullptr;
  if (existing_id.has_value()) {
    ASSIGN_OR_RETURN(existing, unit.Vacancy(*existing_id));
  }

  if (item.withdrawal != v1::VACANCY_STATUS_UNSPECIFIED) {
    if (existing == nullptr) {
      return Rejected(std::move(result),
                      absl::NotFoundError("nothing imported under this external_id to withdraw"));
    }
    return ImportWithdrawal(unit, caller, item, key, existing, std::move(result));
  }
  if (existing != nullptr) return ImportUpdate(unit, item, key, existing, std::move(result));

  auto outcome = PostInUnit(unit, std::move(item.vacancy), source, item.fingerprint, {});
  if (!outcome.ok()) {
    if (outcome.status().code() == absl::StatusCode::kInvalidArgument ||
        outcome.status().code() == absl::StatusCode::kFailedPrecondition ||
        outcome.status().code() == absl::StatusCode::kNotFound) {
      return Rejected(std::move(result), outcome.status());
    }
    return outcome.status();  // a store failure fails the batch
  }
  result.set_vacancy_id(outcome->vacancy_id);
  if (outcome->created) {
    result.set_outcome(v1::ImportResult::OUTCOME_CREATED);
  } else {
    result.set_outcome(v1::ImportResult::OUTCOME_DUPLICATE);
    result.set_duplicate_of(outcome->duplicate_of);
  }
  return result;
}

v1::ImportResult VacancyManager::ImportWithdrawal(WorkUnit& unit, const Caller& caller,
                                                  const PreparedItem& item, const std::string& key,
                                                  StoredVacancy* stored, v1::ImportResult result) {
  const v1::VacancyStatus wanted = item.withdrawal;
  v1::Vacancy* v = stored->mutable_vacancy();
  result.set_vacancy_id(v->vacancy_id());
  if (v->status() != v1::VACANCY_STATUS_OPEN) {
    result.set_outcome(v1::ImportResult::OUTCOME_UNCHANGED);
    return result;
  }
  bool sole_source = true;
  for (const auto& s : v->sources()) sole_source &= (SourceKey(s) == key);
  std::string type = "vacancy.updated";
  if (sole_source) {
    v->set_status(wanted);
    v->set_status_reason(absl::StrCat("withdrawn by partner ", caller.tenant));
    if (wanted == v1::VACANCY_STATUS_FILLED) v->set_remaining(0);
    type = wanted == v1::VACANCY_STATUS_FILLED ? "vacancy.filled" : "vacancy.closed";
  } else {
    // Others still offer the job: only this partner's source goes.
    auto* sources = v->mutable_sources();
    for (int i = sources->size() - 1; i >= 0; --i) {
      if (SourceKey(sources->Get(i)) == key) sources->DeleteSubrange(i, 1);
    }
    stored->mutable_source_fingerprints()->erase(key);
  }
  unit.TouchVacancy(stored);
  unit.Emit(MakeEvent(type, v->vacancy_id(), v->version(), *v));
  result.set_outcome(v1::ImportResult::OUTCOME_UPDATED);
  return result;
}

absl::StatusOr<v1::ImportResult> VacancyManager::ImportUpdate(WorkUnit& unit,
                                                              const PreparedItem& item,
                                                              const std::string& key,
                                                              StoredVacancy* stored,
                                                              v1::ImportResult result) {
  const v1::Vacancy& vacancy = item.vacancy;
  const std::string& fingerprint = item.fingerprint;
  v1::Vacancy* v = stored->mutable_vacancy();
  result.set_vacancy_id(v->vacancy_id());
  auto fp = stored->source_fingerprints().find(key);
  const bool same = fp != stored->source_fingerprints().end() && fp->second == fingerprint;
  if (same && v->status() == v1::VACANCY_STATUS_OPEN) {
    result.set_outcome(v1::ImportResult::OUTCOME_UNCHANGED);
    return result;
  }
  const bool primary = v->sources_size() > 0 && SourceKey(v->sources(0)) == key;
  if (!primary) {
    // Another source owns the content; remember what this partner sent.
    (*stored->mutable_source_fingerprints())[key] = fingerprint;
    unit.TouchVacancy(stored, /*bump=*/false);
    result.set_outcome(v1::ImportResult::OUTCOME_DUPLICATE);
    result.set_duplicate_of(v->vacancy_id());
    return result;
  }
  StoredEmployer fresh;
  auto resolved = ResolveEmployer(unit, vacancy, &fresh);
  if (!resolved.ok()) return Rejected(std::move(result), resolved.status());
  const StoredEmployer& employer = **resolved;
  if (employer.employer().employer_id() != v->employer_id()) {
    return Rejected(std::move(result),
                    InvalidField("vacancy.employer_credit_code",
                                 "differs from the employer this external_id was imported with"));
  }
  if (absl::Status s = CheckNotBlacklisted(employer); !s.ok()) {
    return Rejected(std::move(result), s);
  }
  v1::Vacancy updated = *v;
  const int old_headcount = updated.headcount();
  const int old_remaining = updated.remaining();
  RETURN_IF_ERROR(ApplyVacancyMask(ContentMask(), vacancy, &updated));
  updated.set_headcount(old_headcount);
  updated.set_remaining(old_remaining);
  if (updated.status() != v1::VACANCY_STATUS_OPEN) {
    // Re-sent after it expired or closed: the job is offered again.
    updated.set_status(v1::VACANCY_STATUS_OPEN);
    updated.clear_status_reason();
    updated.set_remaining(vacancy.headcount());
    updated.set_headcount(vacancy.headcount());
  } else {
    SetHeadcount(&updated, vacancy.headcount());
  }
  *v = std::move(updated);
  (*stored->mutable_source_fingerprints())[key] = fingerprint;
  unit.TouchVacancy(stored);
  unit.Emit(MakeEvent("vacancy.updated", v->vacancy_id(), v->version(), *v));
  result.set_outcome(v1::ImportResult::OUTCOME_UPDATED);
  return result;
}

absl::StatusOr<std::vector<v1::ImportResult>> VacancyManager::ApplyImport(
    const Caller& caller, PreparedImport prepared, const std::function<void()>& on_committed) {
  if (caller.tenant.empty()) {
    return absl::FailedPreconditionError("the partner token names no tenant (partner bureau)");
  }
  std::vector<v1::ImportResult> results;
  results.reserve(prepared.items.size());
  write_mu_.Lock();
  // A previous write that has ended is settled now: no overlay needed, and
  // if it failed this batch does not depend on it.
  if (committing_ != nullptr && commit_mu_.TryLock()) {
    SettleIndependent();
    commit_mu_.Unlock();
  }
  // Decides on top of the previous batch, whose write may be in flight.
  auto unit = std::make_shared<WorkUnit>(unit_deps_, committing_);
  unit->set_now(deps_.clock->Now());
  for (auto& item : prepared.items) {
    absl::StatusOr<v1::ImportResult> result = ImportOne(*unit, caller, item);
    if (!result.ok()) {
      write_mu_.Unlock();
      return result.status();
    }
    results.push_back(*std::move(result));
  }
  const VacancyMutation mutation = unit->TakeMutation();
  commit_mu_.Lock();  // the previous batch's write is done
  if (absl::Status previous = SettleCommitting(); !previous.ok()) {
    commit_mu_.Unlock();
    write_mu_.Unlock();
    return absl::UnavailableError(
        absl::StrCat("import batch not applied: it built on the previous batch, whose write "
                     "failed (",
                     previous.message(), "); nothing of it was written, retry it"));
  }
  unit->DropOverlay();
  committing_ = unit;
  write_mu_.Unlock();
  // The next batch may decide now; this one is answered after its write.
  if (on_committed) on_committed();
  absl::Status status =
      WorkUnit::IsEmpty(mutation) ? absl::OkStatus() : deps_.store->Apply(mutation);
  if (status.ok()) unit->RememberEmployers();
  committing_status_ = status;
  if (!status.ok()) {
    commit_mu_.Unlock();
    return status;
  }
  // Publications stay in commit order: publish_mu_ before commit_mu_ goes.
  publish_mu_.Lock();
  commit_mu_.Unlock();
  unit->Publish();
  publish_mu_.Unlock();
  return results;
}

absl::StatusOr<std::vector<v1::ImportResult>> VacancyManager::ImportBatch(
    const Caller& caller, const std::vector<v1::ImportItem>& items) {
  return ApplyImport(caller, PrepareImport(items));
}

}  // namespace labor::vacancy
