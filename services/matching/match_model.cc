#include "services/matching/match_model.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/clock.h"
#include "common/proto_util.h"
#include "common/status.h"

namespace labor::matching {
namespace {

constexpr uint32_t kPow10[] = {1,      10,      100,      1000,      10000,
                               100000, 1000000, 10000000, 100000000, 1000000000};
constexpr int kDigitsOfLevel[] = {0, 2, 4, 6, 9};

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
}


}  // namespace

OccCode PackOccupation(absl::string_view code) {
  std::vector<absl::string_view> parts = absl::StrSplit(code, '-');
  if (parts.size() != 4) return 0;
  if (parts[0].size() != 1 || !AllDigits(parts[0])) return 0;
  OccCode packed = static_cast<OccCode>(parts[0][0] - '0') << 24;
  for (int i = 1; i < 4; ++i) {
    if (parts[i].size() != 2 || !AllDigits(parts[i])) return 0;
    packed |= static_cast<OccCode>((parts[i][0] - '0') * 10 + (parts[i][1] - '0')) << (8 * (3 - i));
  }
  return packed;
}

std::string UnpackOccupation(OccCode code) {
  if (code == 0) return "";
  return absl::StrFormat("%d-%02d-%02d-%02d", code >> 24, (code >> 16) & 0xFF, (code >> 8) & 0xFF,
                         code & 0xFF);
}

int OccSegments(OccCode code) {
  if (code == 0) return 0;
  if ((code & 0xFF) != 0) return 4;
  if ((code & 0xFF00) != 0) return 3;
  if ((code & 0xFF0000) != 0) return 2;
  return 1;
}


Region PackRegion(absl::string_view code) {
  if (!AllDigits(code)) return {};
  int level = 0;
  switch (code.size()) {
    case 2: level = 1; break;
    case 4: level = 2; break;
    case 6: level = 3; break;
    case 9: level = 4; break;
    default: return {};
  }
  uint32_t value = 0;
  for (char c : code) value = value * 10 + static_cast<uint32_t>(c - '0');
  return Region{value * kPow10[9 - code.size()], static_cast<uint8_t>(level)};
}

std::string UnpackRegion(Region region) {
  if (region.level == 0) return "";
  int digits = kDigitsOfLevel[region.level];
  return absl::StrFormat("%0*u", digits, region.padded / kPow10[9 - digits]);
}

Day ToDay(absl::CivilDay day) {
  return static_cast<Day>(day - absl::CivilDay(1970, 1, 1));
}

Day DayOf(const v1::Date& date) {
  if (!HasDate(date)) return kNoDay;
  return ToDay(absl::CivilDay(date.year(), date.month(), date.day()));
}

absl::CivilDay CivilOf(Day day) { return absl::CivilDay(1970, 1, 1) + day; }

absl::StatusOr<WorkerRec> WorkerFromProto(const v1::Worker& w) {
  if (w.worker_id().empty()) return InvalidField("worker.worker_id", "required");
  if (w.version() <= 0) return InvalidField("worker.version", "must be positive");
  WorkerRec rec;
  rec.id = w.worker_id();
  rec.version = w.version();
  rec.hukou = PackRegion(w.hukou_township());
  rec.current = PackRegion(w.current_location());
  for (const v1::Skill& s : w.skills()) {
    OccCode code = PackOccupation(s.occupation_code());
    if (code == 0) continue;
    rec.skills.push_back(SkillRec{code, static_cast<uint8_t>(s.level())});
  }
  for (const v1::Certificate& c : w.certificates()) {
    CertRec cert;
    cert.kind = static_cast<uint8_t>(c.kind());
    cert.level = static_cast<uint8_t>(c.level());
    cert.verified = c.verified();
    cert.occupation = PackOccupation(c.occupation_code());
    cert.expires = DayOf(c.expires_on());
    cert.name = c.name();
    rec.certs.push_back(std::move(cert));
  }
  rec.brand = static_cast<uint8_t>(w.labor_brand());
  rec.status = static_cast<uint8_t>(w.employment().status());
  const v1::Preferences& p = w.preferences();
  rec.scope = static_cast<uint8_t>(p.location_scope());
  for (const std::string& r : p.accepted_regions()) {
    Region region = PackRegion(r);
    if (region.level > 0) rec.accepted_regions.push_back(region);
  }
  rec.min_wage_fen = std::max<int64_t>(0, p.minimum_monthly_wage().fen());
  rec.available_from = DayOf(p.available_from());
  rec.return_intent = static_cast<uint8_t>(w.return_plan().intent());
  rec.planned_return = DayOf(w.return_plan().planned_return());
  rec.planned_departure = DayOf(w.return_plan().planned_departure());
  rec.consent_wechat = w.consent().wechat();
  rec.consent_sms = w.consent().sms();
  rec.wechat_openid = w.wechat_openid();
  rec.skills.shrink_to_fit();
  rec.certs.shrink_to_fit();
  rec.accepted_regions.shrink_to_fit();
  return rec;
}

absl::StatusOr<VacancyRec> VacancyFromProto(const v1::Vacancy& v) {
  if (v.vacancy_id().empty()) return InvalidField("vacancy.vacancy_id", "required");
  if (v.version() <= 0) return InvalidField("vacancy.version", "must be positive");
  VacancyRec rec;
  rec.id = v.vacancy_id();
  rec.version = v.version();
  rec.employer_id = v.employer_id();
  rec.occupation = PackOccupation(v.occupation_code());
  for (const v1::Skill& s : v.required_skills()) {
    OccCode code = PackOccupation(s.occupation_code());
    if (code == 0) continue;
    rec.required.push_back(SkillRec{code, static_cast<uint8_t>(s.level())});
  }
  if (rec.required.empty() && rec.occupation != 0) {
    rec.required.push_back(SkillRec{rec.occupation, 0});
  }
  for (const v1::Certificate& c : v.required_certificates()) {
    CertReq req;
    req.kind = static_cast<uint8_t>(c.kind());
    req.level = static_cast<uint8_t>(c.level());
    req.occupation = PackOccupation(c.occupation_code());
    req.name = c.name();
    rec.certs.push_back(std::move(req));
  }
  rec.location = PackRegion(v.location());
  rec.wage_min_fen = std::max<int64_t>(0, v.wage().monthly_min().fen());
  rec.wage_max_fen = std::max<int64_t>(0, v.wage().monthly_max().fen());
  rec.remaining = v.remaining();
  rec.status = static_cast<uint8_t>(v.status());
  rec.blacklisted = v.employer_blacklisted();
  rec.posted_at_s = v.posted_at().seconds();
  rec.expires_at_s = v.expires_at().seconds();
  if (rec.expires_at_s != 0) {
    rec.expires_day = ToDay(absl::ToCivilDay(FromProto(v.expires_at()), ShanghaiTime()));
  }
  rec.fair_ids.assign(v.fair_ids().begin(), v.fair_ids().end());
  rec.title = v.title();
  rec.required.shrink_to_fit();
  rec.certs.shrink_to_fit();
  return rec;
}

}  // namespace labor::matching
