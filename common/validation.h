// Validators for Chinese identifiers. Each returns INVALID_ARGUMENT whose
// message says why in plain words and never repeats the value (it may be PII);
// callers attach the field name (ViolationCollector::Merge).
#pragma once

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace labor {

class RegionRegistry;

struct ResidentIdInfo {
  std::string address_code;  // first 6 digits (address at registration)
  absl::CivilDay birth_date;
  bool male = false;         // odd 17th digit
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
// Validates an 18-character unified social credit code.
absl::Status ValidateCreditCode(absl::string_view code);

// Mainland mobile number: 11 digits starting 13-19 (an optional +86 / 86
// prefix is allowed by NormalizeMobile).
absl::Status ValidateMobile(absl::string_view phone);
// Strips spaces, dashes and a +86/86 prefix.
std::string NormalizeMobile(absl::string_view phone);

// Plain text fields: UTF-8, 1..max_chars characters (not bytes), no control
// characters.
absl::Status ValidateText(absl::string_view text, size_t max_chars, bool required);

// A civil date that exists.
absl::Status ValidateCivilDate(int year, int month, int day);

}  // namespace labor
