// Pure rules of the worker record: field validation, update masks,
// employment-registration rules and masking. No I/O; unit-tested directly.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/occupations.h"
#include "common/proto_util.h"
#include "common/regions.h"
#include "google/protobuf/field_mask.pb.h"
#include "labor/v1/profile.pb.h"

namespace labor::profile {

struct Refs {
  const RegionRegistry* regions;
  const OccupationTaxonomy* occupations;
  absl::CivilDay today;
};

// Size limits (also the documented API limits).
inline constexpr int kMaxNameChars = 30;
inline constexpr int kMaxHouseholdChars = 32;
inline constexpr int kMaxOpenIdChars = 64;
inline constexpr int kMaxSkills = 20;
inline constexpr int kMaxCertificates = 20;
inline constexpr int kMaxWantedOccupations = 10;
inline constexpr int kMaxAcceptedRegions = 20;
inline constexpr int kMaxTextChars = 200;

// The update_mask paths UpdateWorker accepts.
const std::vector<std::string>& UpdatablePaths();

// Validates the fields of `worker` a registration sets (all required ones
// present). Field paths are reported under `prefix` ("worker.phone").
absl::Status ValidateForRegistration(const v1::Worker& worker, const Refs& refs,
                                     absl::string_view prefix);

// Validates the mask (known, updatable paths; non-empty) and the values of
// the masked fields.
absl::Status ValidateUpdate(const v1::Worker& worker, const google::protobuf::FieldMask& mask,
                            const Refs& refs);

// The certificates of an updated worker against the holder's birth date
// (none issued before working age). ValidateUpdate runs before the stored
// record is read, so the birth date is checked here, on the merged worker.
absl::Status ValidateCertificatesForHolder(const v1::Worker& merged, const Refs& refs);

// Validates one employment record against the rules: status set; destination
// required outside the district and inside it for local work; effective date
// not in the future; employment registration only for an employed status;
// unemployment registration only when unemployed with at least
// `min_urban_months` of urban residence before the effective date
// (FAILED_PRECONDITION when that rule is not met, INVALID_ARGUMENT for bad values).
absl::Status ValidateEmploymentRecord(const v1::EmploymentRecord& record, const Refs& refs,
                                      int min_urban_months, absl::string_view prefix);

// Brings values to canonical form (ID number upper-case X, phone without
// prefix, region codes in the project's form (RegionRegistry::Canonical),
// skill level SELF_DECLARED when unspecified, sorted skills).
void Normalize(const RegionRegistry& regions, v1::Worker* worker);
// The destination region of an employment record in canonical form (left as
// given when it is not a region code; ValidateEmploymentRecord names it).
void CanonicalizeRegions(const RegionRegistry& regions, v1::EmploymentRecord* record);

bool IsEmployed(v1::EmploymentStatus status);

// The copy of a worker that leaves the service in events and caches of other
// services: no name, ID number or phone.
v1::Worker PublicProjection(const v1::Worker& worker);

}  // namespace labor::profile
