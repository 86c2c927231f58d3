// ProfileManager's disclosures and their accounting: lookups with masking
// and audited reveals, the version history of a record, the audit log, and
// the audit records every change commits with it.
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/log.h"
#include "common/proto_util.h"
#include "common/status.h"
#include "common/validation.h"
#include "services/profile/profile_manager.h"
#include "services/profile/worker_audit.h"
#include "services/profile/worker_rules.h"

namespace labor::profile {

absl::StatusOr<std::optional<StoredWorker>> ProfileManager::LoadStored(
    absl::string_view worker_id) {
  if (deps_.local_cache != nullptr) {
    if (auto hit = deps_.local_cache->Get(worker_id); hit != nullptr) {
      return std::optional<StoredWorker>(*hit);
    }
  }
  auto remember = [&](const StoredWorker& stored) {
    if (deps_.local_cache != nullptr) {
      deps_.local_cache->Put(worker_id, stored.worker().version(),
                             std::make_shared<const StoredWorker>(stored));
    }
  };
  if (deps_.cache != nullptr) {
    if (auto cached = deps_.cache->Get(worker_id); cached.has_value()) {
      StoredWorker stored;
      if (stored.ParseFromString(*cached) && stored.worker().worker_id() == worker_id) {
        remember(stored);
        return std::optional<StoredWorker>(std::move(stored));
      }
      LABOR_LOG(WARNING) << "ignoring undecodable cache entry for worker " << worker_id;
    }
  }
  ASSIGN_OR_RETURN(auto stored, deps_.store->Get(worker_id));
  if (stored.has_value()) {
    remember(*stored);
    if (deps_.cache != nullptr) {
      deps_.cache->Put(worker_id, stored->worker().version(), stored->SerializeAsString());
    }
  }
  return stored;
}

v1::Worker ProfileManager::Present(const Caller& caller, const StoredWorker& stored,
                                   const store::v1::WorkerPii& pii, bool reveal_id,
                                   bool reveal_phone) const {
  v1::Worker out = stored.worker();
  for (auto& s : *out.mutable_skills()) {
    s.set_occupation_name(deps_.occupations->Name(s.occupation_code()));
  }
  switch (caller.role) {
    case Role::kAdmin:
    case Role::kWechat:  // the worker's own record
      out.set_name(pii.name());
      break;
    case Role::kKiosk:
    case Role::kPartner:
    case Role::kService:
      out.set_name(MaskName(pii.name()));
      break;
  }
  // Full values only where a request asked with a purpose (and was audited).
  out.set_phone(reveal_phone ? pii.phone() : MaskPhone(pii.phone()));
  out.set_id_number(reveal_id ? pii.id_number() : MaskIdNumber(pii.id_number()));
  out.set_pii_masked(!reveal_id || !reveal_phone);
  return out;
}

v1::AuditRecord ProfileManager::MakeAudit(const Caller& caller, absl::string_view action,
                                          absl::string_view worker_id, absl::string_view purpose,
                                          absl::string_view detail) const {
  v1::AuditRecord r;
  *r.mutable_at() = ToProto(deps_.clock->Now());
  r.mutable_actor()->set_role(std::string(RoleName(caller.role)));
  r.mutable_actor()->set_tenant(caller.tenant);
  r.mutable_actor()->set_principal(caller.principal);
  r.set_action(std::string(action));
  r.set_worker_id(std::string(worker_id));
  r.set_purpose(std::string(purpose));
  r.set_detail(std::string(detail));
  return r;
}
std::vector<v1::AuditRecord> ProfileManager::AuditChange(
    const Caller& caller, absl::string_view action, const StoredWorker* before,
    const store::v1::WorkerPii* before_pii, const StoredWorker& after,
    const store::v1::WorkerPii& after_pii, absl::string_view detail) const {
  const v1::Worker empty;
  const store::v1::WorkerPii no_pii;
  const v1::Worker& old = before != nullptr ? before->worker() : empty;
  std::vector<std::string> changed =
      ChangedFields(old, before_pii != nullptr ? *before_pii : no_pii, after.worker(), after_pii);
  // A consent given or withdrawn is its own record, whatever else changed.
  std::vector<std::string> consent;
  std::vector<std::string> rest;
  for (auto& f : changed) (f.rfind("consent", 0) == 0 ? consent : rest).push_back(std::move(f));
  const std::string& worker_id = after.worker().worker_id();
  std::vector<v1::AuditRecord> out;
  auto add = [&](absl::string_view what, std::vector<std::string>& fields, absl::string_view why) {
    v1::AuditRecord& r = out.emplace_back(MakeAudit(caller, what, worker_id, "", why));
    for (auto& f : fields) r.add_fields(std::move(f));
    r.set_version(after.worker().version());
  };
  if (!rest.empty() || consent.empty()) add(action, rest, detail);
  if (!consent.empty())
    add("consent", consent, ConsentChange(old.consent(), after.worker().consent()));
  return out;
}

absl::Status ProfileManager::RecordDisclosure(std::vector<v1::AuditRecord> audit) {
  if (audit.empty()) return absl::OkStatus();
  // Durable before the value leaves the service. Through the group committer
  // when there is one: a reveal per SMS then shares its sync with the others.
  Mutation m;  // audit only: the record itself is not rewritten
  m.audit = std::move(audit);
  absl::Notification committed;
  absl::Status status;
  deps_.store->ApplyAsync(m, [&](absl::Status s) {
    status = std::move(s);
    committed.Notify();
  });
  committed.WaitForNotification();
  return status;
}

absl::StatusOr<v1::Worker> ProfileManager::Get(const Caller& caller,
                                               const v1::GetWorkerRequest& request) {
  if (request.reveal_phone() && caller.role != Role::kService && caller.role != Role::kAdmin) {
    return absl::PermissionDeniedError(
        "only staff (admin) and services may reveal a full phone number");
  }
  if (request.reveal_id_number() && caller.role != Role::kAdmin) {
    return absl::PermissionDeniedError("only staff (admin) may reveal a full ID number");
  }
  if ((request.reveal_id_number() || request.reveal_phone()) &&
      !ValidateText(request.purpose(), kMaxTextChars, true).ok()) {
    return InvalidField("purpose",
                        "required (1..200 characters) to reveal an ID number or phone number");
  }
  std::string worker_id;
  switch (request.key_case()) {
    case v1::GetWorkerRequest::kWorkerId:
      if (request.worker_id().empty()) return InvalidField("worker_id", "required");
      worker_id = request.worker_id();
      break;
    case v1::GetWorkerRequest::kIdNumber: {
      std::string id = NormalizeResidentId(request.id_number());
      absl::Status s = ParseResidentId(id, Today(), *deps_.regions).status();
      if (!s.ok()) return PrefixFields(InvalidField("", s.message()), "id_number");
      ASSIGN_OR_RETURN(auto found,
                       deps_.store->FindByIdNumberIndex(deps_.cipher->BlindIndex("id_number", id)));
      if (!found.has_value()) {
        return NotFoundFor(caller, "no worker with this ID number");
      }
      worker_id = *found;
      break;
    }
    case v1::GetWorkerRequest::kWechatOpenid: {
      if (request.wechat_openid().empty()) return InvalidField("wechat_openid", "required");
      ASSIGN_OR_RETURN(auto found, deps_.store->FindByOpenId(request.wechat_openid()));
      if (!found.has_value()) {
        // The WeChat backend asking for its own openid learns it is not
        // registered yet (NOT_FOUND); any other openid is none of its business.
        if (caller.role == Role::kWechat && request.wechat_openid() != caller.openid) {
          return absl::PermissionDeniedError(kNotOwnWorker);
        }
        return absl::NotFoundError("no worker is bound to this openid");
      }
      worker_id = *found;
      break;
    }
    case v1::GetWorkerRequest::kPhone: {
      std::string phone = NormalizeMobile(request.phone());
      absl::Status s = ValidateMobile(phone);
      if (!s.ok()) return InvalidField("phone", s.message());
      ASSIGN_OR_RETURN(auto found,
                       deps_.store->FindByPhoneIndex(deps_.cipher->BlindIndex("phone", phone)));
      if (found.empty()) {
        return NotFoundFor(caller, "no worker with this phone number");
      }
      if (found.size() > 1) {
        return absl::FailedPreconditionError(
            absl::StrCat("this phone number is shared by ", found.size(),
                         " workers; look the worker up by ID number or worker id"));
      }
      worker_id = found.front();
      break;
    }
    case v1::GetWorkerRequest::KEY_NOT_SET:
      return InvalidField("key", "one of worker_id, id_number, wechat_openid, phone is required");
  }
  ASSIGN_OR_RETURN(auto stored, LoadStored(worker_id));
  if (!stored.has_value()) {
    return NotFoundFor(caller, absl::StrCat("no worker ", worker_id));
  }
  RETURN_IF_ERROR(CheckOwnership(caller, *stored));
  ASSIGN_OR_RETURN(auto pii, OpenPii(*stored));
  std::vector<v1::AuditRecord> reveals;
  for (const auto& [asked, field] : {std::pair{request.reveal_id_number(), "id_number"},
                                     std::pair{request.reveal_phone(), "phone"}}) {
    if (!asked) continue;
    reveals.push_back(
        MakeAudit(caller, absl::StrCat("reveal_", field), worker_id, request.purpose(), ""));
    reveals.back().add_fields(field);
    reveals.back().set_version(stored->worker().version());
  }
  RETURN_IF_ERROR(RecordDisclosure(std::move(reveals)));
  return Present(caller, *stored, pii, request.reveal_id_number(), request.reveal_phone());
}

absl::StatusOr<v1::ListWorkerVersionsResponse> ProfileManager::ListVersions(
    const Caller& caller, const v1::ListWorkerVersionsRequest& request) {
  ViolationCollector violations;
  absl::StatusOr<int> page_size = PageSizeOf(request.page());
  violations.Merge(page_size.status());
  if (request.worker_id().empty()) violations.Add("worker_id", "required");
  violations.Merge(ValidateText(request.purpose(), kMaxTextChars, true), "purpose");
  RETURN_IF_ERROR(violations.ToStatus());
  const std::string fingerprint = absl::StrCat("versions:", request.worker_id());
  ASSIGN_OR_RETURN(std::string position, ParsePageToken(request.page().page_token(), fingerprint));
  int64_t below = 0;  // 0: the first page, which starts with the current version
  if (!position.empty() && (!absl::SimpleAtoi(position, &below) || below <= 0)) {
    return InvalidField("page.page_token", "not a token of this listing");
  }
  ASSIGN_OR_RETURN(auto current, deps_.store->Get(request.worker_id()));
  if (!current.has_value()) {
    return NotFoundFor(caller, absl::StrCat("no worker ", request.worker_id()));
  }
  std::vector<StoredWorker> page;
  if (below == 0) page.push_back(*current);
  ASSIGN_OR_RETURN(std::vector<StoredWorker> earlier,
                   deps_.store->ListVersions(request.worker_id(),
                                             below == 0 ? current->worker().version() : below,
                                             *page_size + 1 - static_cast<int>(page.size())));
  for (auto& v : earlier) page.push_back(std::move(v));
  const bool more = static_cast<int>(page.size()) > *page_size;
  if (more) page.pop_back();

  v1::ListWorkerVersionsResponse response;
  for (const StoredWorker& stored : page) {
    ASSIGN_OR_RETURN(auto pii, OpenPii(stored));
    *response.add_versions() = Present(caller, stored, pii, false, request.reveal_phone());
  }
  if (!page.empty()) {
    v1::AuditRecord r = MakeAudit(caller, "read_versions", request.worker_id(), request.purpose(),
                                  absl::StrCat("versions ", page.back().worker().version(), "..",
                                               page.front().worker().version()));
    r.add_fields("name");
    if (request.reveal_phone()) r.add_fields("phone");
    r.set_version(current->worker().version());
    RETURN_IF_ERROR(RecordDisclosure({std::move(r)}));
  }
  if (more) {
    response.mutable_page()->set_next_page_token(
        MakePageToken(fingerprint, absl::StrCat(page.back().worker().version())));
  }
  return response;
}

absl::StatusOr<v1::ListAuditRecordsResponse> ProfileManager::ListAudit(
    const Caller& caller, const v1::ListAuditRecordsRequest& request) {
  ASSIGN_OR_RETURN(int page_size, PageSizeOf(request.page()));
  const std::string fingerprint = absl::StrCat("audit:", request.worker_id());
  ASSIGN_OR_RETURN(std::string start_after,
                   ParsePageToken(request.page().page_token(), fingerprint));
  std::string next;
  ASSIGN_OR_RETURN(auto records,
                   deps_.store->ListAudit(request.worker_id(), start_after, page_size, &next));
  v1::ListAuditRecordsResponse response;
  for (auto& r : records) *response.add_records() = std::move(r);
  if (!next.empty()) response.mutable_page()->set_next_page_token(MakePageToken(fingerprint, next));
  return response;
}

}  // namespace labor::profile
