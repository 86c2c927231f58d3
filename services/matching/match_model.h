// Compact in-memory forms of workers and vacancies, as MatchingService keeps
// them: occupation and region codes packed into integers, dates as day
// numbers, only the fields matching reads. A city (1.5 million workers,
// 200,000 vacancies) must fit in well under 1 KB per worker and 2 KB per
// vacancy, so nothing here is a protobuf.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "labor/v1/profile.pb.h"
#include "labor/v1/vacancy.pb.h"

namespace labor::matching {

// An occupation code "D-DD-DD-DD" packed as 0xD_DD_DD_DD, one byte a
// segment; a "-00" segment (a coarser node) is 0.
using OccCode = uint32_t;

// Packs a code; 0 for "" or a malformed code (0 is no occupation).
OccCode PackOccupation(absl::string_view code);
// "6-30-05-01" for a packed code; "" for 0.
std::string UnpackOccupation(OccCode code);
// Segments given (1..4); trailing zero segments are not counted.
int OccSegments(OccCode code);
// The first `segments` segments of `code` (the rest zero).
inline OccCode OccPrefix(OccCode code, int segments) {
  if (segments >= 4) return code;
  if (segments <= 0) return 0;
  return code & (0xFFFFFFFFu << (8 * (4 - segments)));
}
// How many leading segments `held` shares with `required`, where segments
// the requirement leaves open (zero) count as shared: 4 means `held` lies in
// the requirement's node (same 细类, or inside a coarser required branch).
inline int OccMatchDepth(OccCode required, OccCode held) {
  if (required == 0 || held == 0) return 0;
  int depth = 0;
  for (int i = 0; i < 4; ++i) {
    int shift = 8 * (3 - i);
    uint32_t r = (required >> shift) & 0xFF;
    uint32_t h = (held >> shift) & 0xFF;
    if (r != 0 && r != h) break;
    if (r == 0 && i > 0) return 4;  // the requirement leaves the rest open
    ++depth;
  }
  return depth;
}

// A region code of any level (2, 4, 6 or 9 digits) padded to 9 digits, plus
// its level: 1 province, 2 city, 3 county/district, 4 township.
struct Region {
  uint32_t padded = 0;
  uint8_t level = 0;  // 0 = none
  bool operator==(const Region&) const = default;
};
Region PackRegion(absl::string_view code);
std::string UnpackRegion(Region region);

// The padded code cut to `level` (constant divisors: queries run this per
// candidate).
inline uint32_t CutRegion(uint32_t padded, int level) {
  switch (level) {
    case 1: return padded / 10000000 * 10000000;
    case 2: return padded / 100000 * 100000;
    case 3: return padded / 1000 * 1000;
    case 4: return padded;
    default: return 0;
  }
}
// The region's ancestor at `level` (<= region.level).
inline Region RegionPrefix(Region region, int level) {
  if (level <= 0) return {};
  if (level >= region.level) return region;
  return Region{CutRegion(region.padded, level), static_cast<uint8_t>(level)};
}
// `prefix` is `code` or contains it. A none prefix contains everything.
inline bool RegionWithin(Region prefix, Region code) {
  if (prefix.level == 0) return true;
  if (code.level < prefix.level) return false;
  return CutRegion(code.padded, prefix.level) == prefix.padded;
}
// The deepest level (0..4) at which both codes are given and agree: 4 same
// township, 3 same county, 2 same city, 1 same province, 0 elsewhere.
inline int SharedRegionLevel(Region a, Region b) {
  int level = a.level < b.level ? a.level : b.level;
  while (level > 0 && CutRegion(a.padded, level) != CutRegion(b.padded, level)) --level;
  return level;
}

// Civil days since 1970-01-01 (Asia/Shanghai dates carry no time zone).
using Day = int32_t;
inline constexpr Day kNoDay = std::numeric_limits<Day>::min();
Day ToDay(absl::CivilDay day);
Day DayOf(const v1::Date& date);  // kNoDay when unset
absl::CivilDay CivilOf(Day day);

struct SkillRec {
  OccCode code = 0;
  uint8_t level = 0;  // v1::SkillLevel
};

struct CertRec {
  uint8_t kind = 0;   // v1::CertificateKind
  uint8_t level = 0;  // v1::SkillLevel
  bool verified = false;
  OccCode occupation = 0;
  Day expires = kNoDay;  // kNoDay: does not expire
  std::string name;
  bool ValidOn(Day day) const { return expires == kNoDay || expires >= day; }
};

// A required certificate: held when a worker's certificate has the same kind
// (unless the requirement leaves it open), lies in the required occupation
// branch (or, without one, has the same name), is at least the required
// level, and has not expired.
struct CertReq {
  uint8_t kind = 0;
  uint8_t level = 0;
  OccCode occupation = 0;
  std::string name;
};

struct WorkerRec {
  std::string id;
  int64_t version = 0;
  Region hukou;    // township
  Region current;  // current work location, any level (none when unknown)
  absl::InlinedVector<SkillRec, 2> skills;
  std::vector<CertRec> certs;
  uint8_t brand = 0;           // v1::LaborBrand
  uint8_t status = 0;          // v1::EmploymentStatus
  uint8_t scope = 0;           // v1::LocationScope
  uint8_t return_intent = 0;   // v1::ReturnIntent
  bool consent_wechat = false;
  bool consent_sms = false;
  std::vector<Region> accepted_regions;
  int64_t min_wage_fen = 0;    // 0: no minimum
  Day available_from = kNoDay;
  Day planned_return = kNoDay;
  Day planned_departure = kNoDay;
  std::string wechat_openid;   // the wechat role's ownership check
};

struct VacancyRec {
  std::string id;
  int64_t version = 0;
  std::string employer_id;
  OccCode occupation = 0;
  absl::InlinedVector<SkillRec, 2> required;  // never empty: the occupation when none given
  std::vector<CertReq> certs;
  Region location;
  int64_t wage_min_fen = 0;  // monthly; both 0 = no stated wage (面议)
  int64_t wage_max_fen = 0;
  int32_t remaining = 0;
  uint8_t status = 0;  // v1::VacancyStatus
  bool blacklisted = false;
  int64_t posted_at_s = 0;   // unix seconds
  int64_t expires_at_s = 0;  // 0: no expiry
  Day expires_day = kNoDay;  // the Shanghai day of expires_at (its last day)
  std::vector<std::string> fair_ids;
  std::string title;
  bool has_wage() const { return wage_min_fen > 0 || wage_max_fen > 0; }
};

// Builds the in-memory forms. INVALID_ARGUMENT naming the field when the
// record lacks its id or version (events and List pages are trusted
// otherwise: the owning service validated them).
absl::StatusOr<WorkerRec> WorkerFromProto(const v1::Worker& worker);
absl::StatusOr<VacancyRec> VacancyFromProto(const v1::Vacancy& vacancy);


}  // namespace labor::matching
