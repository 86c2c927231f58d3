#include "services/profile/worker_rules.h"

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/proto_util.h"
#include "common/status.h"
#include "common/validation.h"

namespace labor::profile {
namespace {

std::string Path(absl::string_view prefix, absl::string_view field) {
  return FieldPath(prefix, field);
}

bool IsOpenIdChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

void CheckName(const v1::Worker& w, absl::string_view prefix, ViolationCollector* out) {
  out->Merge(ValidateRealName(w.name(), kMaxNameChars), Path(prefix, "name"));
}

void CheckPhone(const v1::Worker& w, absl::string_view prefix, bool required,
                ViolationCollector* out) {
  if (w.phone().empty()) {
    if (required) out->Add(Path(prefix, "phone"), "required");
    return;
  }
  out->Merge(ValidateMobile(NormalizeMobile(w.phone())), Path(prefix, "phone"));
}

void CheckOpenId(const v1::Worker& w, absl::string_view prefix, ViolationCollector* out) {
  const std::string& id = w.wechat_openid();
  if (id.empty()) return;
  if (id.size() > kMaxOpenIdChars || !std::all_of(id.begin(), id.end(), IsOpenIdChar)) {
    out->Add(Path(prefix, "wechat_openid"),
             absl::StrCat("must be 1..", kMaxOpenIdChars, " letters, digits, '_' or '-'"));
  }
}

void CheckTownship(const v1::Worker& w, const Refs& refs, absl::string_view prefix,
                   ViolationCollector* out) {
  if (w.hukou_township().empty()) {
    out->Add(Path(prefix, "hukou_township"), "required: a township code under 511702");
    return;
  }
  out->Merge(refs.regions->CanonicalStreetIn(w.hukou_township(), kTongchuanArea).status(),
             Path(prefix, "hukou_township"));
}

void CheckLocation(const v1::Worker& w, const Refs& refs, absl::string_view prefix,
                   ViolationCollector* out) {
  if (w.current_location().empty()) return;
  out->Merge(refs.regions->Canonical(w.current_location()).status(),
             Path(prefix, "current_location"));
}

void CheckHousehold(const v1::Worker& w, absl::string_view prefix, bool required,
                    ViolationCollector* out) {
  const std::string& h = w.household_id();
  if (h.empty()) {
    if (required) out->Add(Path(prefix, "household_id"), "required");
    return;
  }
  if (h.size() > kMaxHouseholdChars ||
      !std::all_of(h.begin(), h.end(), [](char c) { return IsOpenIdChar(c); })) {
    out->Add(Path(prefix, "household_id"),
             absl::StrCat("must be 1..", kMaxHouseholdChars, " letters, digits, '_' or '-'"));
  }
}

void CheckSkills(const v1::Worker& w, const Refs& refs, absl::string_view prefix,
                 ViolationCollector* out) {
  if (w.skills_size() > kMaxSkills) {
    out->Add(Path(prefix, "skills"), absl::StrCat("at most ", kMaxSkills, " skills"));
    return;
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < w.skills_size(); ++i) {
    const auto& s = w.skills(i);
    std::string p = Path(prefix, absl::StrCat("skills[", i, "]"));
    out->Merge(refs.occupations->Validate(s.occupation_code()), p + ".occupation_code");
    if (!v1::SkillLevel_IsValid(s.level())) out->Add(p + ".level", "unknown skill level");
    if (s.years() < 0 || s.years() > 60) out->Add(p + ".years", "must be 0..60");
    if (!seen.insert(s.occupation_code()).second) {
      out->Add(p + ".occupation_code", "listed twice");
    }
  }
}

// `birth` (from the ID number, when known) bounds the issue date from below.
void CheckCertificates(const v1::Worker& w, const Refs& refs, std::optional<absl::CivilDay> birth,
                       absl::string_view prefix, ViolationCollector* out) {
  if (w.certificates_size() > kMaxCertificates) {
    out->Add(Path(prefix, "certificates"),
             absl::StrCat("at most ", kMaxCertificates, " certificates"));
    return;
  }
  for (int i = 0; i < w.certificates_size(); ++i) {
    const auto& c = w.certificates(i);
    std::string p = Path(prefix, absl::StrCat("certificates[", i, "]"));
    if (c.kind() == v1::CERTIFICATE_KIND_UNSPECIFIED || !v1::CertificateKind_IsValid(c.kind())) {
      out->Add(p + ".kind", "required: skill level, special operation or other");
    }
    out->Merge(ValidateText(c.name(), 40, /*required=*/true), p + ".name");
    if (!c.occupation_code().empty()) {
      out->Merge(refs.occupations->Validate(c.occupation_code()), p + ".occupation_code");
    }
    if (!v1::SkillLevel_IsValid(c.level())) out->Add(p + ".level", "unknown skill level");
    out->Merge(ValidateText(c.number(), 40, false), p + ".number");
    out->Merge(ValidateText(c.issuer(), 60, false), p + ".issuer");
    CheckCertificateDates(c, p, refs.today, birth, out);
  }
}

void CheckPreferences(const v1::Worker& w, const Refs& refs, absl::string_view prefix,
                      ViolationCollector* out) {
  const auto& p = w.preferences();
  std::string base = Path(prefix, "preferences");
  if (p.wanted_occupations_size() > kMaxWantedOccupations) {
    out->Add(base + ".wanted_occupations", absl::StrCat("at most ", kMaxWantedOccupations));
  } else {
    for (int i = 0; i < p.wanted_occupations_size(); ++i) {
      out->Merge(refs.occupations->ValidatePrefix(p.wanted_occupations(i)),
                 absl::StrCat(base, ".wanted_occupations[", i, "]"));
    }
  }
  if (!v1::LocationScope_IsValid(p.location_scope())) {
    out->Add(base + ".location_scope", "unknown scope");
  }
  if (p.accepted_regions_size() > kMaxAcceptedRegions) {
    out->Add(base + ".accepted_regions", absl::StrCat("at most ", kMaxAcceptedRegions));
  } else {
    for (int i = 0; i < p.accepted_regions_size(); ++i) {
      out->Merge(refs.regions->Canonical(p.accepted_regions(i)).status(),
                 absl::StrCat(base, ".accepted_regions[", i, "]"));
    }
  }
  if (p.location_scope() == v1::LOCATION_SCOPE_LISTED_REGIONS && p.accepted_regions().empty()) {
    out->Add(base + ".accepted_regions", "required when location_scope is LISTED_REGIONS");
  }
  // 0 .. 1,000,000 yuan a month, in fen.
  if (p.minimum_monthly_wage().fen() < 0 || p.minimum_monthly_wage().fen() > 100'000'000) {
    out->Add(base + ".minimum_monthly_wage", "must be between 0 and 1,000,000 yuan");
  }
  CheckDate(p.available_from(), base + ".available_from", DateField::kAvailableFrom, refs.today,
            out);
}

void CheckReturnPlan(const v1::Worker& w, const Refs& refs, absl::string_view prefix,
                     ViolationCollector* out) {
  const auto& r = w.return_plan();
  std::string base = Path(prefix, "return_plan");
  CheckDate(r.planned_return(), base + ".planned_return", DateField::kReturnPlan, refs.today, out);
  CheckDate(r.planned_departure(), base + ".planned_departure", DateField::kReturnPlan, refs.today,
            out);
  if (!v1::ReturnIntent_IsValid(r.intent())) out->Add(base + ".intent", "unknown intent");
  if (HasDate(r.planned_return()) && HasDate(r.planned_departure()) && out->empty() &&
      ToCivil(r.planned_departure()) < ToCivil(r.planned_return())) {
    out->Add(base + ".planned_departure", "is before planned_return");
  }
}

void CheckBrand(const v1::Worker& w, absl::string_view prefix, ViolationCollector* out) {
  if (!v1::LaborBrand_IsValid(w.labor_brand()))
    out->Add(Path(prefix, "labor_brand"), "unknown brand");
}

}  // namespace

const std::vector<std::string>& UpdatablePaths() {
  static const auto* paths = new std::vector<std::string>{"name",
                                                          "phone",
                                                          "wechat_openid",
                                                          "hukou_township",
                                                          "current_location",
                                                          "household_id",
                                                          "skills",
                                                          "certificates",
                                                          "labor_brand",
                                                          "preferences",
                                                          "preferences.wanted_occupations",
                                                          "preferences.location_scope",
                                                          "preferences.accepted_regions",
                                                          "preferences.minimum_monthly_wage",
                                                          "preferences.available_from",
                                                          "return_plan",
                                                          "consent",
                                                          "consent.wechat",
                                                          "consent.sms",
                                                          "consent.partner_sharing"};
  return *paths;
}

absl::Status ValidateCertificatesForHolder(const v1::Worker& merged, const Refs& refs) {
  if (!HasDate(merged.birth_date())) return absl::OkStatus();
  ViolationCollector out;
  CheckCertificates(merged, refs, ToCivil(merged.birth_date()), "worker", &out);
  return out.ToStatus();
}

absl::Status ValidateForRegistration(const v1::Worker& worker, const Refs& refs,
                                     absl::string_view prefix) {
  ViolationCollector out;
  CheckName(worker, prefix, &out);
  std::optional<absl::CivilDay> birth;
  if (worker.id_number().empty()) {
    out.Add(Path(prefix, "id_number"), "required");
  } else {
    absl::StatusOr<ResidentIdInfo> id =
        ParseResidentId(NormalizeResidentId(worker.id_number()), refs.today, *refs.regions);
    out.Merge(id.status(), Path(prefix, "id_number"));
    if (id.ok()) birth = id->birth_date;
  }
  CheckPhone(worker, prefix, /*required=*/true, &out);
  CheckOpenId(worker, prefix, &out);
  CheckTownship(worker, refs, prefix, &out);
  CheckLocation(worker, refs, prefix, &out);
  CheckHousehold(worker, prefix, /*required=*/true, &out);
  CheckSkills(worker, refs, prefix, &out);
  CheckCertificates(worker, refs, birth, prefix, &out);
  CheckBrand(worker, prefix, &out);
  CheckPreferences(worker, refs, prefix, &out);
  CheckReturnPlan(worker, refs, prefix, &out);
  return out.ToStatus();
}

absl::Status ValidateUpdate(const v1::Worker& worker, const google::protobuf::FieldMask& mask,
                            const Refs& refs) {
  ViolationCollector out;
  if (mask.paths_size() == 0) {
    return InvalidField("update_mask", "required: name the fields to change");
  }
  const auto& allowed = UpdatablePaths();
  for (const auto& path : mask.paths()) {
    if (std::find(allowed.begin(), allowed.end(), path) == allowed.end()) {
      out.Add(
          "update_mask",
          absl::StrCat(
              "'", path, "' cannot be updated",
              path == "id_number" ? " (erase and register again to correct an ID number)" : ""));
    }
  }
  if (!out.empty()) return out.ToStatus();
  auto has = [&](absl::string_view top) {
    for (const auto& path : mask.paths()) {
      if (path == top || absl::StartsWith(path, absl::StrCat(top, "."))) return true;
    }
    return false;
  };
  const std::string prefix = "worker";
  if (has("name")) CheckName(worker, prefix, &out);
  if (has("phone")) CheckPhone(worker, prefix, /*required=*/true, &out);
  if (has("wechat_openid")) CheckOpenId(worker, prefix, &out);
  if (has("hukou_township")) CheckTownship(worker, refs, prefix, &out);
  if (has("current_location")) CheckLocation(worker, refs, prefix, &out);
  if (has("household_id")) CheckHousehold(worker, prefix, /*required=*/true, &out);
  if (has("skills")) CheckSkills(worker, refs, prefix, &out);
  if (has("certificates")) CheckCertificates(worker, refs, std::nullopt, prefix, &out);
  if (has("labor_brand")) CheckBrand(worker, prefix, &out);
  if (has("preferences")) CheckPreferences(worker, refs, prefix, &out);
  if (has("return_plan")) CheckReturnPlan(worker, refs, prefix, &out);
  return out.ToStatus();
}

bool IsEmployed(v1::EmploymentStatus status) {
  return status == v1::EMPLOYMENT_STATUS_EMPLOYED_LOCAL ||
         status == v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE ||
         status == v1::EMPLOYMENT_STATUS_SELF_EMPLOYED;
}

absl::Status ValidateEmploymentRecord(const v1::EmploymentRecord& r, const Refs& refs,
                                      int min_urban_months, absl::string_view prefix) {
  ViolationCollector out;
  if (r.status() == v1::EMPLOYMENT_STATUS_UNSPECIFIED ||
      !v1::EmploymentStatus_IsValid(r.status())) {
    out.Add(Path(prefix, "status"), "required");
  }
  if (!v1::RegistrationKind_IsValid(r.registration())) {
    out.Add(Path(prefix, "registration"), "unknown registration kind");
  }
  // Rules below compare the canonical code; the caller stores it
  // (CanonicalizeRegions).
  std::string dest = r.destination_region();
  if (!dest.empty()) {
    out.Merge(refs.regions->Canonicalize(&dest), Path(prefix, "destination_region"));
  }
  if (r.status() == v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE) {
    if (dest.empty()) {
      out.Add(Path(prefix, "destination_region"), "required for employment outside the district");
    } else if (RegionContains(kTongchuanArea, dest)) {
      out.Add(Path(prefix, "destination_region"),
              "is inside Tongchuan District: use EMPLOYED_LOCAL");
    }
  }
  if (r.status() == v1::EMPLOYMENT_STATUS_EMPLOYED_LOCAL && !dest.empty() &&
      !RegionContains(kTongchuanArea, dest)) {
    out.Add(Path(prefix, "destination_region"),
            "is outside Tongchuan District: use EMPLOYED_OUTSIDE");
  }
  out.Merge(ValidateText(r.employer_name(), 60, false), Path(prefix, "employer_name"));
  out.Merge(ValidateText(r.note(), kMaxTextChars, false), Path(prefix, "note"));
  if (!HasDate(r.effective_date())) {
    out.Add(Path(prefix, "effective_date"), "required");
  } else {
    CheckDate(r.effective_date(), Path(prefix, "effective_date"), DateField::kEmploymentEffective,
              refs.today, &out);
  }
  CheckDate(r.urban_residence_since(), Path(prefix, "urban_residence_since"),
            DateField::kUrbanResidence, refs.today, &out);
  if (!out.empty()) return out.ToStatus();

  absl::CivilDay effective = ToCivil(r.effective_date());
  if (r.registration() == v1::REGISTRATION_KIND_EMPLOYMENT && !IsEmployed(r.status())) {
    return absl::FailedPreconditionError(
        "employment registration (就业登记) needs an employed or self-employed status");
  }
  if (r.registration() == v1::REGISTRATION_KIND_UNEMPLOYMENT) {
    if (r.status() != v1::EMPLOYMENT_STATUS_UNEMPLOYED) {
      return absl::FailedPreconditionError(
          "unemployment registration (失业登记) needs status UNEMPLOYED");
    }
    if (!HasDate(r.urban_residence_since())) {
      return InvalidField(Path(prefix, "urban_residence_since"),
                          "required for an unemployment registration");
    }
    absl::CivilDay since = ToCivil(r.urban_residence_since());
    absl::CivilMonth threshold_month = absl::CivilMonth(effective) - min_urban_months;
    // The same day of the month, clamped to the month's length (e.g. 08-31 -> 02-28).
    absl::CivilDay threshold(threshold_month.year(), threshold_month.month(), effective.day());
    if (threshold.month() != threshold_month.month()) {
      threshold = absl::CivilDay(absl::CivilMonth(threshold_month) + 1) - 1;
    }
    if (since > threshold) {
      return absl::FailedPreconditionError(
          absl::StrCat("unemployment registration (失业登记) requires at least ", min_urban_months,
                       " months of urban residence before ", absl::FormatCivilTime(effective),
                       "; residence started ", absl::FormatCivilTime(since)));
    }
  }
  return absl::OkStatus();
}

void Normalize(const RegionRegistry& regions, v1::Worker* w) {
  // A code that is not canonicalizable stays as given for validation to name.
  if (!w->hukou_township().empty()) {
    if (auto code = regions.CanonicalStreetIn(w->hukou_township(), kTongchuanArea); code.ok()) {
      w->set_hukou_township(*code);
    }
  }
  if (!w->current_location().empty()) {
    regions.Canonicalize(w->mutable_current_location()).IgnoreError();
  }
  for (std::string& region : *w->mutable_preferences()->mutable_accepted_regions()) {
    regions.Canonicalize(&region).IgnoreError();
  }
  if (!w->name().empty()) w->set_name(NormalizeRealName(w->name()));
  if (!w->id_number().empty()) w->set_id_number(NormalizeResidentId(w->id_number()));
  if (!w->phone().empty()) w->set_phone(NormalizeMobile(w->phone()));
  for (auto& s : *w->mutable_skills()) {
    if (s.level() == v1::SKILL_LEVEL_UNSPECIFIED) s.set_level(v1::SKILL_LEVEL_SELF_DECLARED);
    s.clear_occupation_name();
  }
  std::sort(w->mutable_skills()->begin(), w->mutable_skills()->end(),
            [](const v1::Skill& a, const v1::Skill& b) {
              return a.occupation_code() < b.occupation_code();
            });
}

void CanonicalizeRegions(const RegionRegistry& regions, v1::EmploymentRecord* record) {
  if (!record->destination_region().empty()) {
    regions.Canonicalize(record->mutable_destination_region()).IgnoreError();
  }
}

v1::Worker PublicProjection(const v1::Worker& worker) {
  v1::Worker out = worker;
  out.clear_name();
  out.clear_id_number();
  out.clear_phone();
  out.set_pii_masked(true);
  return out;
}

}  // namespace labor::profile
