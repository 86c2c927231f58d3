// VacancyService's rules as plain functions: validation and normalization of
// employers, vacancies, blacklist entries and fairs; wage normalization;
// the anti-discrimination check; the duplicate rule; fingerprints of import
// items. No I/O except loading the policy lists; no gRPC.
//
// Every error is INVALID_ARGUMENT with field violations (common/status.h)
// whose field paths start with the `field` prefix the caller passes
// ("vacancy", "items[3].vacancy", ...), so clients see e.g.
// "vacancy.wage.max: below wage.min".
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/occupations.h"
#include "common/regions.h"
#include "google/protobuf/field_mask.pb.h"
#include "labor/v1/vacancy.pb.h"

namespace labor::vacancy {

// Limits on free text (characters, not bytes).
inline constexpr size_t kMaxTitleChars = 60;
inline constexpr size_t kMaxDescriptionChars = 2000;
inline constexpr size_t kMaxShortTextChars = 100;  // working_hours, names, venue, ...
inline constexpr int kMaxHeadcount = 10000;
inline constexpr int kMaxRequiredSkills = 20;
inline constexpr int kMaxRequiredCertificates = 20;
inline constexpr absl::Duration kDefaultVacancyLifetime = absl::Hours(24 * 60);
inline constexpr absl::Duration kMaxVacancyLifetime = absl::Hours(24 * 366);
inline constexpr int kBlacklistYears = 3;

// The anti-discrimination policy (就业促进法 arts. 27, 28, 31), loaded from
// data/policy/: gender_exemptions.csv (occupation-code prefixes where a
// gender requirement is lawful, which requirement, and the legal basis) and
// discrimination_terms.csv (phrases that restrict applicants by gender,
// ethnicity or rural hukou). Immutable after load; thread-safe.
class DiscriminationPolicy {
 public:
  enum class Ground { kGender, kEthnicity, kHukou };
  struct Term {
    std::string text;  // e.g. "限男性", "仅限汉族", "不招农村户口"
    Ground ground;
  };
  struct Exemption {
    std::string occupation_prefix;      // e.g. "6-16-01" (same rules as OccupationInBranch)
    v1::GenderRequirement requirement;  // the requirement that is lawful there
    std::string basis;  // e.g. "女职工劳动保护特别规定 附录 一(一) 矿山井下作业"
  };

  // NOT_FOUND / DATA_LOSS (naming file and line) on a missing or malformed file.
  static absl::StatusOr<std::unique_ptr<DiscriminationPolicy>> LoadFromDir(
      const std::string& policy_dir);
  static std::unique_ptr<DiscriminationPolicy> FromLists(std::vector<Term> terms,
                                                         std::vector<Exemption> exemptions);

  // OK when the vacancy neither sets an unlawful gender_requirement nor
  // contains a restricting phrase in title, description or working_hours.
  // Gender phrases are lawful where a gender requirement would be (the
  // occupation is exempt); ethnicity and hukou phrases never are.
  // INVALID_ARGUMENT naming the field (`field`.gender_requirement,
  // `field`.description, ...), the phrase, and the law it breaks.
  absl::Status Check(const v1::Vacancy& vacancy, absl::string_view field) const;

  const std::vector<Term>& terms() const { return terms_; }
  const std::vector<Exemption>& exemptions() const { return exemptions_; }

 private:
  DiscriminationPolicy() = default;
  // Every occurrence of a term in `text` (spaces removed) not negated.
  struct Match {
    size_t pos;
    size_t len;
    size_t term;
  };
  std::vector<Match> FindTerms(absl::string_view text, bool skip_gender) const;

  std::vector<Term> terms_;
  std::vector<Exemption> exemptions_;
  // Terms by their first two bytes, so a scan tries only the terms that can
  // start at a position; one-byte terms are searched for separately.
  absl::flat_hash_map<uint16_t, std::vector<size_t>> terms_by_head_;
  std::vector<size_t> one_byte_terms_;
};

// Fills wage->monthly_min/monthly_max from min/max and unit (README "Wages"):
// monthly x1; daily x21.75; hourly x8x21.75 (rounded to the nearest fen);
// piece: monthly_min/max are the poster's inputs and must be set. A wage
// with no unit and zero amounts is "no stated wage" and stays empty.
// INVALID_ARGUMENT (`field`.min, .max, .unit, .monthly_min ...) for negative
// amounts, max < min, an amount without a unit, a unit without an amount,
// or an implausible figure (monthly above 1,000,000 yuan).
absl::Status NormalizeWage(v1::Wage* wage, absl::string_view field);

// Whether the vacancy states a wage at all.
bool HasStatedWage(const v1::Wage& wage);

// Everything the vacancy rules need besides the vacancy.
struct VacancyRuleContext {
  const RegionRegistry* regions = nullptr;          // required
  const OccupationTaxonomy* occupations = nullptr;  // required
  const DiscriminationPolicy* policy = nullptr;     // required
  absl::Time now;
};

// Validates and normalizes the poster-supplied fields of a new vacancy, in
// place: trims text; maps the title to an occupation code through the
// classification's aliases when occupation_code is empty; validates codes,
// levels, certificates, location (region of any level in any standard form,
// written canonical), wage (normalized), headcount (1..kMaxHeadcount),
// expires_at (after `now`, at most
// kMaxVacancyLifetime ahead; default now + kDefaultVacancyLifetime),
// lengths; runs the discrimination policy. Fills occupation names of the
// required skills. Does not look at output-only fields (id, version,
// status, remaining, posted_at, sources, employer_*) except that it
// validates a non-empty employer_credit_code (GB 32100) and
// employer_name. Reports every bad field at once.
absl::Status NormalizeVacancy(const VacancyRuleContext& ctx, v1::Vacancy* vacancy,
                              absl::string_view field);

// The field-mask paths UpdateVacancy accepts: title, occupation_code,
// required_skills, required_certificates, location, wage, headcount,
// benefits, working_hours, expires_at, description, gender_requirement.
// Copies those paths from `patch` into `target` (repeated fields and
// messages replace as a whole). INVALID_ARGUMENT (`update_mask.paths[i]`)
// for an empty mask, an unknown path or an output-only one.
absl::Status ApplyVacancyMask(const google::protobuf::FieldMask& mask, const v1::Vacancy& patch,
                              v1::Vacancy* target);

// Validates an employer for UpsertEmployer, in place: credit code per GB
// 32100 (normalized to upper case), name (required, <= kMaxShortTextChars),
// region (any level, any standard form; written canonical, required), contact
// name (a real name: ValidateRealName), contact phone (mainland
// mobile, optional). INVALID_ARGUMENT per field.
absl::Status NormalizeEmployer(const RegionRegistry& regions, v1::Employer* employer,
                               absl::string_view field);

// Validates a new listing (reason and source required, <= 500 / 200 chars;
// listed_on a real date in the plausible window (common/validation.h, not
// after `today`), default `today`) and fills
// expires_on = listed_on + kBlacklistYears years (Feb 29 -> Feb 28).
absl::Status NormalizeBlacklistEntry(absl::CivilDay today, v1::BlacklistEntry* entry,
                                     absl::string_view field);

// Whether a listing is in force on `today`: listed_on <= today < expires_on
// and not lifted on or before `today`.
bool BlacklistActive(const v1::BlacklistEntry& entry, absl::CivilDay today);

// Validates a new fair: name, kind (not UNSPECIFIED), start_date <= end_date
// (real dates in the plausible window as of `today`, at most 31 days),
// venue_region (any level, any standard form; stored canonical), venue and
// organizer text. INVALID_ARGUMENT per field.
absl::Status NormalizeFair(const RegionRegistry& regions, absl::CivilDay today, v1::JobFair* fair,
                           absl::string_view field);

// The duplicate rule. Two open postings are the same job when they have the
// same employer, the same occupation code, locations in the same county
// (first 6 digits of the region code; a province- or city-level location
// compares as itself), and overlapping monthly wage ranges (a posting
// without a stated wage overlaps any). DedupKey ("<employer_id>|<occupation>|
// <county>", a contract the store relies on) is the index key of the
// first three; WagesOverlap decides the last.
std::string DedupKey(const v1::Vacancy& vacancy);
bool WagesOverlap(const v1::Wage& a, const v1::Wage& b);
// What WagesOverlap reads of a normalized wage, small enough to keep for
// every open vacancy in memory.
struct WageRange {
  bool stated = false;
  int64_t monthly_min_fen = 0;
  int64_t monthly_max_fen = 0;
};
WageRange RangeOf(const v1::Wage& wage);
bool WagesOverlap(const WageRange& a, const WageRange& b);

// A stable fingerprint (hex) of the poster-supplied content of a vacancy
// (what NormalizeVacancy looks at, after normalization), so a replayed
// import item is recognized as unchanged.
std::string Fingerprint(const v1::Vacancy& vacancy);
// The same hash over everything set in `vacancy`, without the copy
// Fingerprint makes; for callers that cleared the output-only fields
// themselves (the import path). The two differ only when output-only fields
// are set, and each caller compares only with its own fingerprints.
std::string FingerprintAsIs(const v1::Vacancy& vacancy);

}  // namespace labor::vacancy
