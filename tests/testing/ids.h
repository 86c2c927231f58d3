// Valid Chinese identifiers for tests: resident ID numbers (GB 11643) and
// unified social credit codes (GB 32100), with correct check characters.
#pragma once

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/validation.h"

namespace labor::testing {

// A resident ID: address `area`, birth date (YYYYMMDD) and sequence (3
// digits; odd = male), with its check character.
inline std::string MakeResidentId(absl::string_view birth, absl::string_view seq,
                                  absl::string_view area = "511702") {
  std::string first17 = absl::StrCat(area, birth, seq);
  return absl::StrCat(first17, std::string(1, ResidentIdCheckChar(first17)));
}

// The n-th of many distinct valid resident IDs of Tongchuan (n >= 0): birth
// dates from 1970-01-01 on, 997 sequence numbers per day.
inline std::string ResidentIdFor(int n) {
  const absl::CivilDay birth = absl::CivilDay(1970, 1, 1) + n / 997;
  return MakeResidentId(absl::StrFormat("%04d%02d%02d", birth.year(), birth.month(), birth.day()),
                        absl::StrFormat("%03d", 1 + n % 997));
}

// A unified social credit code registered in `region6` with organization
// code body `org9`.
inline std::string MakeCreditCode(absl::string_view region6, absl::string_view org9) {
  std::string first17 = absl::StrCat("91", region6, org9);
  return absl::StrCat(first17, std::string(1, CreditCodeCheckChar(first17)));
}

}  // namespace labor::testing
