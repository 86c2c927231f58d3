// Validators for Chinese identifiers. Each returns INVALID_ARGUMENT whose
// message says why in plain words and never repeats the value (it may be PII);
// callers attach the field name (ViolationCollector::Merge).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace labor {

class RegionRegistry;

struct ResidentIdInfo {
  std::string address_code;  // first 6 digits (address at registration)
  absl::CivilDay birth_date;
  bool male = false;  // odd 17th digit
};

// GB 11643-1999 check character of the first 17 digits ('0'..'9' or 'X').
char ResidentIdCheckChar(absl::string_view first17);

// Validates an 18-character resident ID number: digits (last may be 'X' or
// 'x'), check character, a real birth date not after `today` and not before
// 1900, and a province that exists in `regions` (the 6-digit address code may
// be a historic one, so only its province part must exist today).
absl::StatusOr<ResidentIdInfo> ParseResidentId(absl::string_view id, absl::CivilDay today,
                                               const RegionRegistry& regions);

// Canonical form: trimmed, lowercase 'x' upper-cased.
std::string NormalizeResidentId(absl::string_view id);

// GB 32100-2015 check character of the first 17 characters of a unified
// social credit code (alphabet 0-9 A-H J-N P-R T-U W-Y), or '\0' on bad input.
char CreditCodeCheckChar(absl::string_view first17);
// Validates an 18-character unified social credit code: alphabet, a 6-digit
// region code in characters 3-8, and the check character. Expects the
// canonical (upper-case) form.
absl::Status ValidateCreditCode(absl::string_view code);
// Canonical form: trimmed, ASCII upper-cased.
std::string NormalizeCreditCode(absl::string_view code);

// Mainland mobile number: exactly 11 digits starting 13-19. Expects the
// normalized form (see NormalizeMobile).
absl::Status ValidateMobile(absl::string_view phone);
// Strips spaces, dashes and a +86 / 86 / 0086 prefix; the prefix only when
// 11 digits remain after it (so "86" starting a bare number is kept).
std::string NormalizeMobile(absl::string_view phone);

// Decodes the UTF-8 sequence at s[*i] and advances *i past it (past one
// byte when it is invalid). Returns the code point, or -1 for an invalid
// sequence (truncated, overlong, a surrogate, above U+10FFFF).
int32_t DecodeUtf8(absl::string_view s, size_t* i);

// Plain text fields: UTF-8, 1..max_chars characters (code points, not
// bytes), no control characters (C0 including tab and newline, DEL, C1).
// When `required`, the text must hold something besides white space
// (ASCII and U+3000); an empty optional text is OK.
absl::Status ValidateText(absl::string_view text, size_t max_chars, bool required);

// A civil date that exists (month 1-12, day within that month).
absl::Status ValidateCivilDate(int year, int month, int day);

// The dates the API takes, each with the window of days it may plausibly
// hold. The windows live here and nowhere else (PlausibleWindow); most are
// relative to the service clock's today in Shanghai.
enum class DateField {
  kAvailableFrom,        // when a worker can start: today -5 y .. today +2 y
  kReturnPlan,           // planned return home / departure: today -5 y .. +2 y
  kCertificateIssued,    // today -70 y .. today
  kCertificateExpires,   // today -70 y .. today +30 y (and after issued_on)
  kEmploymentEffective,  // employment record: today -70 y .. today
  kUrbanResidence,       // urban residence since: today -100 y .. today
  kBlacklist,            // listed_on / lifted_on: today -10 y .. today
  kFairDay,              // a job fair's days: today -5 y .. today +2 y
  kAnnouncedDay,         // a fair or trip a notification announces: today -30 d .. +2 y
  kFilterBound,          // a search filter's bound: 1900-01-01 .. today +10 y
};
struct DateWindow {
  absl::CivilDay earliest;
  absl::CivilDay latest;
};
DateWindow PlausibleWindow(DateField field, absl::CivilDay today);
// OK for a day inside the field's window; otherwise INVALID_ARGUMENT saying
// "is in the future" (a field that may not be) or "must be between
// <earliest> and <latest>".
absl::Status CheckPlausibleDate(absl::CivilDay day, DateField field, absl::CivilDay today);
// The youngest age at which a person holds a certificate or a job (16, the
// legal working age), for bounds derived from a birth date.
inline constexpr int kMinWorkingAge = 16;
// `day` plus `years` years (negative: before); Feb 29 becomes Feb 28 in a
// common year.
absl::CivilDay AddYears(absl::CivilDay day, int years);

// A real name as the resident ID card (or a foreigner's permanent residence
// card) writes it: Chinese characters (CJK ideographs and 〇), the middle dot
// "·" between the parts of a minority or transliterated name, or Latin
// letters with single spaces between words; 1..max_chars characters. Expects
// the normalized form (NormalizeRealName). INVALID_ARGUMENT saying why; the
// message names the offending character's code point, never the name.
absl::Status ValidateRealName(absl::string_view name, size_t max_chars);
// Canonical form: trimmed (ASCII white space and U+3000), runs of spaces
// made one ASCII space, and the middle dot's look-alikes (・ ･ • ‧ ⋅ ∙ . ．
// and others people type for it) written as U+00B7 "·". Invalid UTF-8 is
// left for ValidateRealName to refuse.
std::string NormalizeRealName(absl::string_view name);

}  // namespace labor
