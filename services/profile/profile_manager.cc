#include "services/profile/profile_manager.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "common/log.h"
#include "common/proto_util.h"
#include "common/status.h"
#include "common/validation.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/profile/worker_rules.h"

namespace labor::profile {
namespace {

using google::protobuf::util::FieldMaskUtil;
using google::protobuf::util::TimeUtil;

bool HasOccupationIn(const v1::Worker& w, absl::string_view prefix) {
  for (const auto& s : w.skills()) {
    if (OccupationInBranch(prefix, s.occupation_code())) return true;
  }
  return false;
}

// The employment status in force at the end of `as_of` (history is oldest first).
const v1::EmploymentRecord* StatusAsOf(const v1::Worker& w, absl::CivilDay as_of) {
  const v1::EmploymentRecord* current = nullptr;
  for (const auto& r : w.employment_history()) {
    if (ToCivil(r.effective_date()) <= as_of) current = &r;
  }
  return current;
}

}  // namespace

absl::Status ProfileManager::NotFoundFor(const Caller& caller, absl::string_view message) {
  if (caller.role == Role::kWechat) return absl::PermissionDeniedError(kNotOwnWorker);
  return absl::NotFoundError(message);
}

ProfileManager::ProfileManager(ProfileDeps deps, ProfileManagerOptions options)
    : deps_(std::move(deps)), options_(options) {
  LABOR_CHECK(deps_.store && deps_.cipher && deps_.regions && deps_.occupations && deps_.clock);
  if (!deps_.new_worker_id) {
    deps_.new_worker_id = [] { return absl::StrCat("w_", RandomHex(10)); };
  }
}

absl::CivilDay ProfileManager::Today() const {
  return absl::ToCivilDay(deps_.clock->Now(), ShanghaiTime());
}

absl::Mutex& ProfileManager::IdStripeFor(absl::string_view id_index) {
  return id_stripes_[absl::Hash<absl::string_view>()(id_index) % kStripes];
}

absl::Mutex& ProfileManager::StripeFor(absl::string_view key) {
  return stripes_[absl::Hash<absl::string_view>()(key) % kStripes];
}

absl::StatusOr<store::v1::WorkerPii> ProfileManager::OpenPii(const StoredWorker& stored) const {
  ASSIGN_OR_RETURN(std::string plain,
                   deps_.cipher->Decrypt(stored.sealed_pii(), stored.worker().worker_id()));
  store::v1::WorkerPii pii;
  if (!pii.ParseFromString(plain)) {
    return absl::DataLossError(
        absl::StrCat("personal data of worker ", stored.worker().worker_id(), " is corrupt"));
  }
  return pii;
}

absl::StatusOr<std::string> ProfileManager::SealPii(absl::string_view worker_id,
                                                    const store::v1::WorkerPii& pii) const {
  return deps_.cipher->Encrypt(pii.SerializeAsString(), worker_id);
}

absl::Status ProfileManager::CheckOwnership(const Caller& caller,
                                            const StoredWorker& stored) const {
  if (caller.role != Role::kWechat) return absl::OkStatus();
  if (!caller.openid.empty() && stored.worker().wechat_openid() == caller.openid) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(kNotOwnWorker);
}

Mutation ProfileManager::MakeMutation(const StoredWorker* before, const StoredWorker* after,
                                      absl::string_view event_type,
                                      std::vector<v1::AuditRecord> audit) const {
  Mutation m;
  m.before = before;
  m.after = after;
  m.audit = std::move(audit);
  v1::Event event;
  event.set_type(std::string(event_type));
  if (after != nullptr) {
    event.set_entity_id(after->worker().worker_id());
    event.set_entity_version(after->worker().version());
    event.set_payload(PublicProjection(after->worker()).SerializeAsString());
    event.set_payload_type("labor.v1.Worker");
  } else {
    event.set_entity_id(before->worker().worker_id());
    // An erasure outranks every version a consumer may hold.
    event.set_entity_version(VersionedCache::kErasedVersion);
  }
  m.events.push_back(std::move(event));
  return m;
}

void ProfileManager::AfterCommit(const StoredWorker* before, const StoredWorker* after) {
  if (deps_.local_cache != nullptr) {
    // Versions only move forward there, so a reader that loaded an older
    // version cannot put it back; an erasure outranks every version.
    if (after != nullptr) {
      deps_.local_cache->Put(after->worker().worker_id(), after->worker().version(),
                             std::make_shared<const StoredWorker>(*after));
    } else {
      deps_.local_cache->Put(before->worker().worker_id(), VersionedCache::kErasedVersion, nullptr);
    }
  }
  if (deps_.cache != nullptr) {
    if (before == nullptr) {
      // A new worker has no stale entry to replace; the first read fills it.
    } else if (after != nullptr) {
      deps_.cache->Put(after->worker().worker_id(), after->worker().version(),
                       after->SerializeAsString());
    } else {
      deps_.cache->Erase(before->worker().worker_id());
    }
  }
}

absl::Status ProfileManager::Commit(const Caller& caller, const StoredWorker* before,
                                    const StoredWorker* after, absl::string_view event_type,
                                    std::vector<v1::AuditRecord> audit) {
  RETURN_IF_ERROR(deps_.store->Apply(MakeMutation(before, after, event_type, std::move(audit))));
  AfterCommit(before, after);
  return absl::OkStatus();
}

void ProfileManager::Claims::Acquire(const std::vector<std::string>& keys) {
  absl::MutexLock lock(&mu_);
  auto free = [this, &keys]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const auto& key : keys) {
      if (held_.contains(key)) return false;
    }
    return true;
  };
  mu_.Await(absl::Condition(&free));
  for (const auto& key : keys) held_.insert(key);
}

bool ProfileManager::Claims::TryAcquire(const std::string& key) {
  absl::MutexLock lock(&mu_);
  return held_.insert(key).second;
}

void ProfileManager::Claims::Release(const std::vector<std::string>& keys) {
  absl::MutexLock lock(&mu_);
  for (const auto& key : keys) held_.erase(key);
}

absl::StatusOr<v1::RegisterWorkerResponse> ProfileManager::Register(
    const Caller& caller, const v1::RegisterWorkerRequest& request) {
  absl::Notification answered;
  absl::StatusOr<v1::RegisterWorkerResponse> out;
  RegisterAsync(caller, request, [&](absl::StatusOr<v1::RegisterWorkerResponse> result) {
    out = std::move(result);
    answered.Notify();
  });
  answered.WaitForNotification();
  return out;
}

void ProfileManager::RegisterAsync(const Caller& caller, const v1::RegisterWorkerRequest& request,
                                   RegisterDone done) {
  absl::StatusOr<Decided> decided = DecideRegistration(caller, request);
  if (!decided.ok()) {
    done(decided.status());
    return;
  }
  if (decided->created == nullptr) {
    done(std::move(decided->response));
    return;
  }
  auto pending = std::make_shared<Decided>(*std::move(decided));
  deps_.store->ApplyAsync(
      MakeMutation(nullptr, pending->created.get(), "worker.registered", std::move(pending->audit)),
      [this, pending, done = std::move(done)](absl::Status status) {
        claims_.Release(pending->claims);
        if (!status.ok()) {
          done(status);
          return;
        }
        AfterCommit(nullptr, pending->created.get());
        done(std::move(pending->response));
      });
}

absl::StatusOr<ProfileManager::Decided> ProfileManager::DecideRegistration(
    const Caller& caller, const v1::RegisterWorkerRequest& request) {
  v1::Worker input = request.worker();
  Normalize(*deps_.regions, &input);
  if (caller.role == Role::kWechat) {
    if (input.wechat_openid().empty()) input.set_wechat_openid(caller.openid);
    if (input.wechat_openid() != caller.openid) {
      return absl::PermissionDeniedError(
          "a wechat caller may only register the worker bound to its own openid");
    }
  }
  Refs refs{deps_.regions, deps_.occupations, Today()};
  ViolationCollector violations;
  violations.Merge(ValidateForRegistration(input, refs, "worker"));
  const bool has_employment =
      request.initial_employment().status() != v1::EMPLOYMENT_STATUS_UNSPECIFIED;
  if (has_employment) {
    absl::Status s =
        ValidateEmploymentRecord(request.initial_employment(), refs,
                                 options_.unemployment_min_urban_months, "initial_employment");
    if (s.code() == absl::StatusCode::kInvalidArgument)
      violations.Merge(s);
    else if (!s.ok() && violations.empty())
      return s;
  }
  RETURN_IF_ERROR(violations.ToStatus());
  // Non-admins cannot vouch for certificates.
  if (caller.role != Role::kAdmin) {
    for (auto& c : *input.mutable_certificates()) c.set_verified(false);
  }

  ASSIGN_OR_RETURN(ResidentIdInfo id_info,
                   ParseResidentId(input.id_number(), refs.today, *deps_.regions));
  const std::string id_index = deps_.cipher->BlindIndex("id_number", input.id_number());
  absl::MutexLock id_lock(&IdStripeFor(id_index));
  // Claimed before looking: an earlier registration of this person (or
  // openid) still on its way to the disk is waited for, then seen.
  std::vector<std::string> claims = {absl::StrCat("id:", id_index)};
  if (!input.wechat_openid().empty()) claims.push_back(absl::StrCat("oid:", input.wechat_openid()));
  claims_.Acquire(claims);
  bool claims_handed_over = false;
  auto release = absl::MakeCleanup([&] {
    if (!claims_handed_over) claims_.Release(claims);
  });

  ASSIGN_OR_RETURN(auto existing_id, deps_.store->FindByIdNumberIndex(id_index));
  if (!input.wechat_openid().empty()) {
    ASSIGN_OR_RETURN(auto openid_owner, deps_.store->FindByOpenId(input.wechat_openid()));
    if (openid_owner.has_value() && (!existing_id.has_value() || *openid_owner != *existing_id)) {
      return absl::AlreadyExistsError(
          absl::StrCat("worker.wechat_openid is already bound to worker ", *openid_owner));
    }
  }
  const absl::Time now = deps_.clock->Now();
  // Both paths below store exactly the registration's personal data.
  store::v1::WorkerPii pii;
  pii.set_name(input.name());
  pii.set_id_number(input.id_number());
  pii.set_phone(input.phone());
  const std::string phone_index = deps_.cipher->BlindIndex("phone", input.phone());

  if (existing_id.has_value()) {
    if (!request.upsert()) {
      return absl::AlreadyExistsError(
          absl::StrCat("a worker with this ID number is already registered: ", *existing_id,
                       " (use upsert to update it)"));
    }
    // Upsert: the registration fields are replaced; the rest only when given.
    // Under the worker's own stripe, as every other write to it.
    absl::MutexLock worker_lock(&StripeFor(*existing_id));
    ASSIGN_OR_RETURN(auto before, deps_.store->Get(*existing_id));
    if (!before.has_value()) return absl::InternalError("ID index points to a missing worker");
    RETURN_IF_ERROR(CheckOwnership(caller, *before));
    ASSIGN_OR_RETURN(store::v1::WorkerPii before_pii, OpenPii(*before));
    StoredWorker after = *before;
    v1::Worker& w = *after.mutable_worker();
    if (!input.wechat_openid().empty()) w.set_wechat_openid(input.wechat_openid());
    w.set_hukou_township(input.hukou_township());
    w.set_household_id(input.household_id());
    if (!input.current_location().empty()) w.set_current_location(input.current_location());
    if (input.skills_size() > 0) *w.mutable_skills() = input.skills();
    if (input.certificates_size() > 0) *w.mutable_certificates() = input.certificates();
    if (input.labor_brand() != v1::LABOR_BRAND_UNSPECIFIED) w.set_labor_brand(input.labor_brand());
    if (input.has_preferences()) *w.mutable_preferences() = input.preferences();
    if (input.has_return_plan()) *w.mutable_return_plan() = input.return_plan();
    if (input.has_consent()) {
      *w.mutable_consent() = input.consent();
      *w.mutable_consent()->mutable_updated_at() = ToProto(now);
    }
    ASSIGN_OR_RETURN(*after.mutable_sealed_pii(), SealPii(w.worker_id(), pii));
    after.set_phone_index(phone_index);
    w.set_version(w.version() + 1);
    *w.mutable_updated_at() = ToProto(now);
    // Allowed (a kiosk re-registers a walk-in), but what it replaced stays
    // recoverable: the store keeps the previous version.
    RETURN_IF_ERROR(
        Commit(caller, &*before, &after, "worker.updated",
               AuditChange(caller, "upsert", &*before, &before_pii, after, pii,
                           absl::StrCat("registration onto an existing ID number; version ",
                                        before->worker().version(), " kept"))));
    Decided decided;
    *decided.response.mutable_worker() = Present(caller, after, pii, false);
    decided.response.set_created(false);
    return decided;
  }

  Decided decided;
  decided.created = std::make_shared<StoredWorker>();
  StoredWorker& stored = *decided.created;
  v1::Worker& w = *stored.mutable_worker();
  w = input;
  w.clear_name();
  w.clear_id_number();
  w.clear_phone();
  w.set_worker_id(deps_.new_worker_id());
  w.set_version(1);
  w.set_gender(id_info.male ? v1::GENDER_MALE : v1::GENDER_FEMALE);
  *w.mutable_birth_date() = FromCivil(id_info.birth_date);
  w.clear_employment();
  w.clear_employment_history();
  w.clear_last_verified_at();
  w.set_pii_masked(false);
  *w.mutable_created_at() = ToProto(now);
  *w.mutable_updated_at() = ToProto(now);
  if (input.has_consent()) *w.mutable_consent()->mutable_updated_at() = ToProto(now);
  if (has_employment) {
    v1::EmploymentRecord record = request.initial_employment();
    CanonicalizeRegions(*deps_.regions, &record);
    *record.mutable_recorded_at() = ToProto(now);
    record.mutable_recorded_by()->set_role(std::string(RoleName(caller.role)));
    record.mutable_recorded_by()->set_tenant(caller.tenant);
    record.mutable_recorded_by()->set_principal(caller.principal);
    *w.mutable_employment() = record;
    *w.add_employment_history() = record;
  }
  ASSIGN_OR_RETURN(*stored.mutable_sealed_pii(), SealPii(w.worker_id(), pii));
  stored.set_id_number_index(id_index);
  stored.set_phone_index(phone_index);
  *decided.response.mutable_worker() = Present(caller, stored, pii, false);
  decided.response.set_created(true);
  decided.audit = AuditChange(caller, "register", nullptr, nullptr, stored, pii, "");
  decided.claims = std::move(claims);
  claims_handed_over = true;
  return decided;
}

absl::StatusOr<ProfileManager::Loaded> ProfileManager::LoadForWrite(const Caller& caller,
                                                                    absl::string_view worker_id,
                                                                    int64_t expected_version,
                                                                    bool check_version) {
  if (worker_id.empty()) return InvalidField("worker_id", "required");
  ASSIGN_OR_RETURN(auto stored, deps_.store->Get(worker_id));  // never the cache for writes
  if (!stored.has_value()) {
    return NotFoundFor(caller, absl::StrCat("no worker ", worker_id));
  }
  RETURN_IF_ERROR(CheckOwnership(caller, *stored));
  if (check_version && stored->worker().version() != expected_version) {
    return absl::AbortedError(absl::StrCat("worker ", worker_id, " is at version ",
                                           stored->worker().version(), ", not ", expected_version,
                                           "; re-read and retry"));
  }
  ASSIGN_OR_RETURN(auto pii, OpenPii(*stored));
  return Loaded{std::move(*stored), std::move(pii)};
}

absl::StatusOr<v1::Worker> ProfileManager::Update(const Caller& caller,
                                                  const v1::UpdateWorkerRequest& request) {
  v1::Worker input = request.worker();
  Normalize(*deps_.regions, &input);
  Refs refs{deps_.regions, deps_.occupations, Today()};
  ViolationCollector violations;
  if (input.worker_id().empty()) violations.Add("worker.worker_id", "required");
  if (request.expected_version() <= 0) violations.Add("expected_version", "required (> 0)");
  violations.Merge(ValidateUpdate(input, request.update_mask(), refs));
  RETURN_IF_ERROR(violations.ToStatus());
  std::vector<std::string> paths(request.update_mask().paths().begin(),
                                 request.update_mask().paths().end());
  auto masked = [&](absl::string_view p) {
    return std::find(paths.begin(), paths.end(), p) != paths.end();
  };
  if (caller.role == Role::kWechat && masked("wechat_openid")) {
    return absl::PermissionDeniedError("a wechat caller cannot rebind the openid");
  }
  // Services change only consent: NotificationService records that a worker
  // refused a channel (WeChat error 43101).
  if (caller.role == Role::kService && (paths.size() != 1 || paths[0] != "consent")) {
    return absl::PermissionDeniedError("a service may change only consent");
  }

  absl::MutexLock lock(&StripeFor(input.worker_id()));
  ASSIGN_OR_RETURN(Loaded loaded,
                   LoadForWrite(caller, input.worker_id(), request.expected_version(), true));
  const StoredWorker before = loaded.stored;
  StoredWorker after = loaded.stored;
  v1::Worker& w = *after.mutable_worker();
  store::v1::WorkerPii pii = loaded.pii;
  if (caller.role == Role::kService) {
    const v1::Consent& now = w.consent();
    const v1::Consent& asked = input.consent();
    if ((asked.wechat() && !now.wechat()) || (asked.sms() && !now.sms()) ||
        (asked.partner_sharing() && !now.partner_sharing())) {
      return absl::PermissionDeniedError("a service may only withdraw consent, not grant it");
    }
  }

  // Binding an openid claims it until this write lands, as a registration
  // does, so neither another binding nor a registration can take it in
  // between. Never waits: a worker stripe is held.
  std::vector<std::string> openid_claim;
  auto release_claim = absl::MakeCleanup([&] {
    if (!openid_claim.empty()) claims_.Release(openid_claim);
  });
  if (masked("wechat_openid") && !input.wechat_openid().empty() &&
      input.wechat_openid() != w.wechat_openid()) {
    const std::string claim = absl::StrCat("oid:", input.wechat_openid());
    if (!claims_.TryAcquire(claim)) {
      return absl::AbortedError(
          "worker.wechat_openid is being bound by another registration or update; retry");
    }
    openid_claim.push_back(claim);
    ASSIGN_OR_RETURN(auto owner, deps_.store->FindByOpenId(input.wechat_openid()));
    if (owner.has_value() && *owner != w.worker_id()) {
      return absl::AlreadyExistsError(
          absl::StrCat("worker.wechat_openid is already bound to worker ", *owner));
    }
  }
  if (masked("name")) pii.set_name(input.name());
  if (masked("phone")) {
    pii.set_phone(input.phone());
    after.set_phone_index(deps_.cipher->BlindIndex("phone", input.phone()));
  }
  // Everything else is a plain field of the stored worker.
  google::protobuf::FieldMask rest;
  for (const auto& p : paths) {
    if (p != "name" && p != "phone") rest.add_paths(p);
  }
  if (rest.paths_size() > 0) {
    FieldMaskUtil::MergeOptions options;
    options.set_replace_message_fields(true);
    options.set_replace_repeated_fields(true);
    FieldMaskUtil::MergeMessageTo(input, rest, options, &w);
  }
  if (masked("certificates")) RETURN_IF_ERROR(ValidateCertificatesForHolder(w, refs));
  if (masked("certificates") && caller.role != Role::kAdmin) {
    // Only staff vouch for certificates: keep the flag of a certificate that
    // was verified before, clear any other claim.
    for (auto& c : *w.mutable_certificates()) {
      bool was_verified = false;
      for (const auto& old : before.worker().certificates()) {
        if (old.verified() && old.kind() == c.kind() && old.name() == c.name() &&
            old.number() == c.number()) {
          was_verified = true;
        }
      }
      c.set_verified(was_verified);
    }
  }
  const absl::Time now = deps_.clock->Now();
  if (absl::c_any_of(paths, [](const std::string& p) { return p.rfind("consent", 0) == 0; })) {
    *w.mutable_consent()->mutable_updated_at() = ToProto(now);
  }
  ASSIGN_OR_RETURN(*after.mutable_sealed_pii(), SealPii(w.worker_id(), pii));
  w.set_version(w.version() + 1);
  *w.mutable_updated_at() = ToProto(now);
  RETURN_IF_ERROR(Commit(caller, &before, &after, "worker.updated",
                         AuditChange(caller, "update", &before, &loaded.pii, after, pii, "")));
  return Present(caller, after, pii, false);
}

absl::StatusOr<v1::Worker> ProfileManager::UpdateEmployment(
    const Caller& caller, const v1::UpdateEmploymentRequest& request) {
  Refs refs{deps_.regions, deps_.occupations, Today()};
  ViolationCollector violations;
  if (request.worker_id().empty()) violations.Add("worker_id", "required");
  if (request.expected_version() <= 0) violations.Add("expected_version", "required (> 0)");
  absl::Status rule = ValidateEmploymentRecord(request.record(), refs,
                                               options_.unemployment_min_urban_months, "record");
  if (rule.code() == absl::StatusCode::kInvalidArgument) violations.Merge(rule);
  RETURN_IF_ERROR(violations.ToStatus());
  RETURN_IF_ERROR(rule);  // FAILED_PRECONDITION of a registration rule

  absl::MutexLock lock(&StripeFor(request.worker_id()));
  ASSIGN_OR_RETURN(Loaded loaded,
                   LoadForWrite(caller, request.worker_id(), request.expected_version(), true));
  StoredWorker after = loaded.stored;
  v1::Worker& w = *after.mutable_worker();
  if (w.employment_history_size() > 0 &&
      ToCivil(request.record().effective_date()) <
          ToCivil(w.employment_history(w.employment_history_size() - 1).effective_date())) {
    return absl::FailedPreconditionError(
        "record.effective_date is before the current status's effective date; history is "
        "append-only");
  }
  const absl::Time now = deps_.clock->Now();
  v1::EmploymentRecord record = request.record();
  CanonicalizeRegions(*deps_.regions, &record);
  *record.mutable_recorded_at() = ToProto(now);
  record.mutable_recorded_by()->set_role(std::string(RoleName(caller.role)));
  record.mutable_recorded_by()->set_tenant(caller.tenant);
  record.mutable_recorded_by()->set_principal(caller.principal);
  *w.mutable_employment() = record;
  *w.add_employment_history() = record;
  if (!record.destination_region().empty()) w.set_current_location(record.destination_region());
  w.set_version(w.version() + 1);
  *w.mutable_updated_at() = ToProto(now);
  RETURN_IF_ERROR(
      Commit(caller, &loaded.stored, &after, "worker.employment_changed",
             AuditChange(caller, "employment", &loaded.stored, &loaded.pii, after, loaded.pii,
                         absl::StrCat("status ", v1::EmploymentStatus_Name(record.status())))));
  return Present(caller, after, loaded.pii, false);
}

absl::StatusOr<v1::Worker> ProfileManager::MarkVerified(const Caller& caller,
                                                        const v1::MarkVerifiedRequest& request) {
  if (request.expected_version() < 0) return InvalidField("expected_version", "must be >= 0");
  if (!ValidateText(request.note(), kMaxTextChars, false).ok()) {
    return InvalidField("note", "at most 200 characters of text");
  }
  absl::MutexLock lock(&StripeFor(request.worker_id()));
  ASSIGN_OR_RETURN(Loaded loaded,
                   LoadForWrite(caller, request.worker_id(), request.expected_version(),
                                request.expected_version() != 0));
  StoredWorker after = loaded.stored;
  v1::Worker& w = *after.mutable_worker();
  const absl::Time now = deps_.clock->Now();
  *w.mutable_last_verified_at() = ToProto(now);
  w.set_version(w.version() + 1);
  *w.mutable_updated_at() = ToProto(now);
  RETURN_IF_ERROR(Commit(caller, &loaded.stored, &after, "worker.verified",
                         AuditChange(caller, "verify", &loaded.stored, &loaded.pii, after,
                                     loaded.pii, request.note())));
  return Present(caller, after, loaded.pii, false);
}

absl::StatusOr<v1::ListWorkersResponse> ProfileManager::List(
    const Caller& caller, const v1::ListWorkersRequest& request) {
  ViolationCollector violations;
  absl::StatusOr<int> page_size = PageSizeOf(request.page());
  violations.Merge(page_size.status());
  std::string township;
  if (!request.township().empty()) {
    absl::StatusOr<std::string> code =
        deps_.regions->CanonicalStreetIn(request.township(), kTongchuanArea);
    violations.Merge(code.status(), "township");
    if (code.ok()) township = *std::move(code);
  }
  if (!v1::EmploymentStatus_IsValid(request.status())) violations.Add("status", "unknown status");
  if (request.has_labor_brand() && !v1::LaborBrand_IsValid(request.labor_brand())) {
    violations.Add("labor_brand", "unknown labor brand");
  }
  if (request.has_return_intent() && !v1::ReturnIntent_IsValid(request.return_intent())) {
    violations.Add("return_intent", "unknown return intent");
  }
  if (!request.occupation_code().empty()) {
    violations.Merge(deps_.occupations->ValidatePrefix(request.occupation_code()),
                     "occupation_code");
  }
  for (const auto& [date, field] :
       {std::pair{&request.available_from_start(), "available_from_start"},
        std::pair{&request.available_from_end(), "available_from_end"}}) {
    CheckDate(*date, field, DateField::kFilterBound, Today(), &violations);
  }
  RETURN_IF_ERROR(violations.ToStatus());
  const std::string fingerprint = FilterFingerprint(request);
  ASSIGN_OR_RETURN(std::string start_after,
                   ParsePageToken(request.page().page_token(), fingerprint));

  const absl::Time quarter_start = QuarterStart(deps_.clock->Now());
  auto matches = [&](const v1::Worker& w) {
    if (request.status() != v1::EMPLOYMENT_STATUS_UNSPECIFIED &&
        w.employment().status() != request.status()) {
      return false;
    }
    if (!request.occupation_code().empty() && !HasOccupationIn(w, request.occupation_code())) {
      return false;
    }
    if (request.has_labor_brand() && w.labor_brand() != request.labor_brand()) return false;
    if (request.has_return_intent() && w.return_plan().intent() != request.return_intent()) {
      return false;
    }
    const auto& from = w.preferences().available_from();
    if (HasDate(request.available_from_start()) &&
        (!HasDate(from) || ToCivil(from) < ToCivil(request.available_from_start()))) {
      return false;
    }
    if (HasDate(request.available_from_end()) &&
        (!HasDate(from) || ToCivil(from) > ToCivil(request.available_from_end()))) {
      return false;
    }
    if (request.verification_overdue() && HasTimestamp(w.last_verified_at()) &&
        FromProto(w.last_verified_at()) >= quarter_start) {
      return false;
    }
    return true;
  };

  v1::ListWorkersResponse response;
  std::string last_id;
  bool more = false;
  absl::Status decode_error;
  ScanOptions scan{township, request.household_id(), start_after};
  RETURN_IF_ERROR(deps_.store->Scan(scan, [&](const StoredWorker& stored) {
    if (!matches(stored.worker())) return true;
    if (response.workers_size() == *page_size) {
      more = true;
      return false;
    }
    auto pii = OpenPii(stored);
    if (!pii.ok()) {
      decode_error = pii.status();
      return false;
    }
    *response.add_workers() = Present(caller, stored, *pii, false);
    last_id = stored.worker().worker_id();
    return true;
  }));
  RETURN_IF_ERROR(decode_error);
  if (more) response.mutable_page()->set_next_page_token(MakePageToken(fingerprint, last_id));
  return response;
}

absl::StatusOr<v1::EraseWorkerResponse> ProfileManager::Erase(
    const Caller& caller, const v1::EraseWorkerRequest& request) {
  ViolationCollector violations;
  if (request.worker_id().empty()) violations.Add("worker_id", "required");
  violations.Merge(ValidateText(request.reason(), kMaxTextChars, true), "reason");
  RETURN_IF_ERROR(violations.ToStatus());
  absl::MutexLock lock(&StripeFor(request.worker_id()));
  ASSIGN_OR_RETURN(Loaded loaded, LoadForWrite(caller, request.worker_id(), 0, false));
  std::vector<v1::AuditRecord> audit;
  audit.push_back(MakeAudit(caller, "erase", request.worker_id(), request.reason(),
                            absl::StrCat("erased at version ", loaded.stored.worker().version(),
                                         " with its earlier versions")));
  audit.back().set_version(loaded.stored.worker().version());
  RETURN_IF_ERROR(Commit(caller, &loaded.stored, nullptr, "worker.erased", std::move(audit)));
  v1::EraseWorkerResponse response;
  response.set_worker_id(request.worker_id());
  *response.mutable_erased_at() = ToProto(deps_.clock->Now());
  return response;
}

absl::StatusOr<v1::ZeroEmploymentHouseholdsResponse> ProfileManager::ZeroEmploymentHouseholds(
    const Caller& caller, const v1::ZeroEmploymentHouseholdsRequest& request) {
  std::string township;
  if (!request.township().empty()) {
    absl::StatusOr<std::string> code =
        deps_.regions->CanonicalStreetIn(request.township(), kTongchuanArea);
    if (!code.ok()) return InvalidField("township", code.status().message());
    township = *std::move(code);
  }
  struct Household {
    std::string township;
    int members = 0;
    int employed = 0;
    int unemployed = 0;
    std::vector<std::string> worker_ids;
  };
  std::map<std::string, Household> households;  // ordered output
  RETURN_IF_ERROR(deps_.store->Scan({township, "", ""}, [&](const StoredWorker& s) {
    const auto& w = s.worker();
    if (w.household_id().empty()) return true;
    Household& h = households[w.household_id()];
    h.township = w.hukou_township();
    ++h.members;
    auto status = w.employment().status();
    if (IsEmployed(status)) ++h.employed;
    if (status == v1::EMPLOYMENT_STATUS_UNEMPLOYED ||
        status == v1::EMPLOYMENT_STATUS_RETURNED_HOME) {
      ++h.unemployed;
    }
    h.worker_ids.push_back(w.worker_id());
    return true;
  }));
  v1::ZeroEmploymentHouseholdsResponse response;
  for (auto& [id, h] : households) {
    // 零就业家庭: someone able and wanting to work, and nobody employed.
    if (h.employed > 0 || h.unemployed == 0) continue;
    auto* out = response.add_households();
    out->set_household_id(id);
    out->set_township(h.township);
    out->set_members(h.members);
    out->set_unemployed(h.unemployed);
    for (auto& wid : h.worker_ids) out->add_worker_ids(wid);
    (*response.mutable_count_by_township())[h.township]++;
  }
  return response;
}

absl::StatusOr<v1::EmploymentReport> ProfileManager::BuildReport(int year, int quarter,
                                                                 bool partner_view) {
  const absl::Time now = deps_.clock->Now();
  const absl::CivilDay today = Today();
  if (year == 0 && quarter == 0) {
    year = static_cast<int>(today.year());
    quarter = QuarterOf(today);
  }
  ViolationCollector violations;
  if (year < 2000 || year > 2200)
    violations.Add("year", "must be 2000..2200 (or 0 for the current quarter)");
  if (quarter < 1 || quarter > 4) violations.Add("quarter", "must be 1..4");
  RETURN_IF_ERROR(violations.ToStatus());
  const absl::Time start = QuarterStart(year, quarter);
  if (start > now) return absl::FailedPreconditionError("the quarter has not started yet");
  const absl::Time end = quarter == 4 ? QuarterStart(year + 1, 1) : QuarterStart(year, quarter + 1);
  const absl::Time as_of = std::min(now, end - absl::Nanoseconds(1));
  const absl::CivilDay as_of_day = absl::ToCivilDay(as_of, ShanghaiTime());

  std::map<std::tuple<std::string, int, std::string>, int64_t> counts;
  int64_t total = 0;
  RETURN_IF_ERROR(deps_.store->Scan({}, [&](const StoredWorker& s) {
    const auto& w = s.worker();
    if (partner_view && !w.consent().partner_sharing()) return true;
    // Staff often record a status after the fact: a worker registered later
    // still counts when the history has a status in force by the quarter's end.
    const v1::EmploymentRecord* record = StatusAsOf(w, as_of_day);
    if (record == nullptr && FromProto(w.created_at()) > as_of) return true;
    int status = record ? record->status() : v1::EMPLOYMENT_STATUS_UNSPECIFIED;
    std::string province;
    if (record && record->status() == v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE) {
      province = std::string(ProvinceOf(record->destination_region()));
    }
    counts[{w.hukou_township(), status, province}]++;
    ++total;
    return true;
  }));
  v1::EmploymentReport report;
  report.set_year(year);
  report.set_quarter(quarter);
  *report.mutable_generated_at() = ToProto(now);
  report.set_total_workers(total);
  for (const auto& [key, count] : counts) {
    const auto& [township, status, province] = key;
    auto* row = report.add_rows();
    row->set_township(township);
    row->set_township_name(deps_.regions->Name(township));
    row->set_status(static_cast<v1::EmploymentStatus>(status));
    row->set_destination_province(province);
    if (!province.empty()) row->set_destination_province_name(deps_.regions->Name(province));
    if (partner_view && count < options_.suppression_threshold) {
      row->set_count(0);
      row->set_suppressed(true);
    } else {
      row->set_count(count);
    }
  }
  if (partner_view && total < options_.suppression_threshold) report.set_total_workers(0);
  return report;
}

absl::StatusOr<v1::EmploymentReport> ProfileManager::TransferEmploymentReport(
    const Caller& caller, const v1::TransferEmploymentReportRequest& request) {
  return BuildReport(request.year(), request.quarter(),
                     /*partner_view=*/caller.role != Role::kAdmin);
}

absl::StatusOr<v1::EmploymentReport> ProfileManager::PartnerSupplyReport(
    const Caller& caller, const v1::PartnerSupplyReportRequest& request) {
  return BuildReport(request.year(), request.quarter(), /*partner_view=*/true);
}

}  // namespace labor::profile
