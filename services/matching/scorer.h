// The match score: hard vetoes, then a weighted sum of explainable parts.
// One function serves both directions (vacancies for a worker, workers for a
// vacancy), the brute-force reference and Explain, so they cannot disagree.
//
// All arithmetic is in integers, so every implementation of this
// specification (the benchmark's SQL one included) gets the same numbers and
// the same ties. A part's value is 0..1000; the score is the sum of
// weight x value (weights sum to 1000 by default, so the score is
// 0..1,000,000 and is shown as score / 1e6).
//
// Vetoes, checked in this order (the first one found is reported):
//   blacklisted     the employer is on the wage-arrears blacklist
//   not_open        the vacancy is closed, filled or expired
//   expired         expires_at has passed (before the scheduler marked it)
//   no_headcount    remaining <= 0
//   no_consent      the channel the caller represents needs a consent the
//                   worker has not given (WeChat, SMS; kiosk needs none)
//   certificate     a required certificate is not held (kind, occupation
//                   branch or name, level, not expired on the day)
//   scope           the vacancy lies outside the worker's accepted area:
//                   the hukou township / county / city / province for scope
//                   TOWNSHIP / DISTRICT / CITY / PROVINCE, plus
//                   accepted_regions (the only area for LISTED_REGIONS);
//                   ANYWHERE and unspecified accept everything
//   wage            the vacancy states a wage whose top is below the
//                   worker's minimum (no stated wage never vetoes)
//   availability    the worker can start (available_from; for a vacancy in
//                   the home county also the planned return home) only
//                   after the vacancy's last day
//
// Parts (value 0..1000):
//   skill        for each required skill (the vacancy's occupation when it
//                names none) the best credit of the worker's skills, averaged:
//                credit = depth credit x level factor / 1000, depth credit
//                1000 same 细类 (or inside a coarser required node), 600 same
//                小类, 300 same 中类, else 0; level factor 1000 when the
//                required level is unset/self-declared or met, else
//                max(0, 1000 - level_step_penalty x levels short)
//   certificate  with required certificates: the mean over them of 1000
//                (the worker's matching certificate is verified) or 500;
//                without: 1000 / 500 for a verified / unverified valid
//                certificate in the vacancy's 小类, else 0
//   location     the closest of hukou township and current location to the
//                vacancy: township 1000, county 750, city 500, province 250
//   wage         offered = the midpoint of the stated monthly range (or the
//                one end given); reference = the worker's minimum, or
//                reference_wage_fen without one;
//                clamp((offered - reference) x 2000 / reference, 0, 1000);
//                0 with no stated wage
//   freshness    max(0, 1000 - age_seconds x 1000 / (freshness_days x 86400))
//   brand        1000 when the vacancy's occupation is in the worker's labor
//                brand's branch (巴山妹子 4-10-01 家政, 巴山厨师 4-03-02 烹饪,
//                巴山建工 6-29 建筑施工)
//   return_plan  for a returnee who wants a local job (intent LOCAL_JOB,
//                planned_return given) and a vacancy in the home county,
//                from the day the plan is declared until
//                return_window_after_days after the return: 1000 from
//                return_window_before_days before the return on; earlier,
//                lead = planned_return - return_window_before_days - today
//                days ahead of that, 1000 x return_decay_days /
//                (return_decay_days + lead) (750 two months ahead with the
//                defaults, half at four months); 0 after the window
//
// Ties: a higher score first, then the smaller id (vacancy or worker id,
// byte order).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/occupations.h"
#include "common/regions.h"
#include "labor/v1/matching.pb.h"
#include "services/matching/match_model.h"

namespace labor::matching {

enum class Veto : uint8_t {
  kNone = 0,
  kBlacklisted,
  kNotOpen,
  kExpired,
  kNoHeadcount,
  kNoConsent,
  kCertificate,
  kScope,
  kWage,
  kAvailability,
};
// "blacklisted", "not_open", ... ("" for kNone): metric labels and logs.
absl::string_view VetoName(Veto veto);

enum Part : int {
  kSkill = 0,
  kCertificate,
  kLocation,
  kWage,
  kFreshness,
  kBrand,
  kReturnPlan,
  kPartCount,
};
// "skill", "certificate", ... as in v1::ScorePart.name.
absl::string_view PartName(int part);

struct Weights {
  std::array<int32_t, kPartCount> part = {400, 100, 200, 100, 50, 50, 100};
  int32_t minor_credit = 600;   // same 小类
  int32_t middle_credit = 300;  // same 中类
  int32_t level_step_penalty = 250;
  int64_t reference_wage_fen = 400000;  // 4,000 yuan a month
  int32_t freshness_days = 30;
  int32_t return_window_before_days = 30;
  int32_t return_window_after_days = 60;
  // How fast the return-plan credit fades with the distance to the window:
  // it is halved this many days ahead of the window's start.
  int32_t return_decay_days = 90;

  // INVALID_ARGUMENT naming the bad setting (negative weight, all-zero
  // weights, credits outside 0..1000, non-positive periods or reference).
  absl::Status Validate() const;
  int64_t Total() const;  // the best possible score
};

// Applies "skill=400,location=200,..." (part names as PartName; any subset)
// to `base`. INVALID_ARGUMENT naming an unknown part or a bad number; the
// result is validated.
absl::StatusOr<Weights> ParseWeights(absl::string_view spec, Weights base);

// Which consent the caller's channel needs.
enum class ConsentNeed : uint8_t { kNone, kWechat, kSms, kAnyPush };
ConsentNeed ConsentFor(v1::Channel channel);

struct QueryContext {
  int64_t now_s = 0;  // unix seconds
  Day today = 0;      // the Shanghai civil day of now_s
  ConsentNeed consent = ConsentNeed::kNone;
};
QueryContext MakeContext(absl::Time now, ConsentNeed consent);

struct Evaluation {
  Veto veto = Veto::kNone;
  int64_t score = 0;  // 0 when vetoed
  std::array<int32_t, kPartCount> values{};
};

class Scorer {
 public:
  // `weights` must be valid (LABOR_CHECK).
  explicit Scorer(Weights weights);

  // Vetoes and score of one pair. Pure and thread-safe.
  Evaluation Evaluate(const WorkerRec& worker, const VacancyRec& vacancy,
                      const QueryContext& ctx) const;

  // The veto of the vacancy alone (blacklisted, not open, expired, no
  // headcount; kNone when none), in Evaluate's order: it vetoes every pair.
  static Veto VacancyVeto(const VacancyRec& vacancy, int64_t now_s);
  // The first day the worker can start this vacancy (kNoDay: any day).
  static Day StartDay(const WorkerRec& worker, const VacancyRec& vacancy, const QueryContext& ctx);
  // The same from the worker's dates and hukou: the planned return home
  // delays the start only for a vacancy in the home county.
  static Day StartDay(Day available_from, Day planned_return, Region hukou, Region location,
                      Day today) {
    Day start = available_from;
    if (planned_return != kNoDay && planned_return > today && InHomeCounty(hukou, location)) {
      start = std::max(start, planned_return);
    }
    return start;
  }
  // The availability veto: the worker can start only after the vacancy's
  // last day (either kNoDay: no veto).
  static bool StartsTooLate(Day start, Day last_day) {
    return last_day != kNoDay && start != kNoDay && start > last_day;
  }
  // Whether the worker holds `req` (valid on `today`); the best such
  // certificate, or nullptr.
  static const CertRec* HeldCertificate(const WorkerRec& worker, const CertReq& req, Day today);
  // The labor brand's occupation branch (0 for none).
  static OccCode BrandBranch(uint8_t brand);
  // Whether a vacancy at `location` lies in the worker's accepted area.
  static bool InScope(const WorkerRec& worker, Region location);
  // Whether the scope level alone decides InScope (no accepted regions
  // listed); the area is then ScopeArea.
  static bool ScopeIsOneArea(const WorkerRec& worker) {
    return worker.accepted_regions.empty() && worker.scope != v1::LOCATION_SCOPE_LISTED_REGIONS;
  }
  // The hukou area the scope level accepts (none: anywhere).
  static Region ScopeArea(const WorkerRec& worker) {
    return RegionPrefix(worker.hukou, ScopeLevel(worker.scope));
  }
  // InScope for a worker whose scope is one area.
  static bool InScopeArea(Region area, Region location) {
    return location.level == 0 || RegionWithin(area, location);
  }
  // The level of the hukou area a scope accepts (4 township .. 1 province;
  // 0 for anywhere and for listed regions).
  static int ScopeLevel(uint8_t scope);
  // Whether `location` is in the county of the township `hukou` (the
  // return-plan part; the worker's home county).
  static bool InHomeCounty(Region hukou, Region location);
  static bool InHomeCounty(const WorkerRec& worker, Region location) {
    return InHomeCounty(worker.hukou, location);
  }
  // Whether the worker declared a return home for a local job (the
  // return-plan part applies to him).
  static bool ReturnsForLocalJob(const WorkerRec& worker);
  // The return-plan part of such a worker for a vacancy in the home county
  // on `today`, by the distance to `planned_return` (0..1000, see above).
  int32_t ReturnTimeValue(Day planned_return, Day today) const;
  // Whether the worker gave the consent `need` asks for.
  static bool ConsentGiven(const WorkerRec& worker, ConsentNeed need) {
    return ConsentGiven(worker.consent_wechat, worker.consent_sms, need);
  }
  static bool ConsentGiven(bool wechat, bool sms, ConsentNeed need) {
    switch (need) {
      case ConsentNeed::kNone: return true;
      case ConsentNeed::kWechat: return wechat;
      case ConsentNeed::kSms: return sms;
      case ConsentNeed::kAnyPush: return wechat || sms;
    }
    return false;
  }
  // The wage veto: a stated wage (top > 0) below the worker's minimum
  // (floor > 0).
  static bool WageTooLow(int64_t floor_fen, int64_t top_fen) {
    return floor_fen > 0 && top_fen > 0 && top_fen < floor_fen;
  }
  // The location part for the deepest level (0..4) the vacancy shares with
  // the worker's hukou or current location.
  static int32_t LocationValue(int shared_level) {
    static constexpr int32_t kValue[] = {0, 250, 500, 750, 1000};
    return kValue[shared_level];
  }
  static int32_t LocationValue(Region location, Region hukou, Region current) {
    return LocationValue(
        std::max(SharedRegionLevel(location, hukou), SharedRegionLevel(location, current)));
  }
  // The certificate part without required certificates: a valid
  // certificate in the vacancy's 小类 `minor` earns it.
  static bool CertificateInMinor(OccCode minor, OccCode held) {
    return minor != 0 && held != 0 && OccMatchDepth(minor, held) == 4;
  }
  // The credit (0..1000) of a held skill at `depth` (OccMatchDepth) and
  // `held_level` (an unset level counts as self-declared) for a requirement
  // of `required_level`: the skill part's building block.
  int32_t Credit(int depth, uint8_t required_level, uint8_t held_level) const;
  // The skill part's depth credit alone (1000, minor, middle, 0).
  int32_t DepthCredit(int depth) const;
  // The wage part for a worker minimum `floor_fen` (0: none) and an offer.
  int32_t WageValueFor(int64_t floor_fen, int64_t offered_fen) const;
  // The freshness part of a posting at `posted_at_s`.
  int32_t FreshnessValue(int64_t posted_at_s, int64_t now_s) const;

  const Weights& weights() const { return weights_; }

 private:
  int32_t SkillValue(const WorkerRec& w, const VacancyRec& v) const;
  int32_t Credit(const SkillRec& held, const SkillRec& required) const;
  int32_t ReturnPlanValue(const WorkerRec& w, const VacancyRec& v, const QueryContext& ctx) const;
  friend class Explainer;

  Weights weights_;
};

inline int32_t Scorer::DepthCredit(int depth) const {
  switch (depth) {
    case 4: return 1000;
    case 3: return weights_.minor_credit;
    case 2: return weights_.middle_credit;
    default: return 0;
  }
}

inline int32_t Scorer::Credit(int depth, uint8_t required_level, uint8_t held_level) const {
  int32_t depth_credit = DepthCredit(depth);
  if (depth_credit == 0) return 0;
  int32_t level_factor = 1000;
  if (required_level > v1::SKILL_LEVEL_SELF_DECLARED) {
    int short_by = required_level - (held_level == 0 ? 1 : held_level);
    if (short_by > 0) level_factor = std::max(0, 1000 - weights_.level_step_penalty * short_by);
  }
  return depth_credit * level_factor / 1000;
}

// Turns an evaluation into the plain-Chinese reasons a kiosk shows.
class Explainer {
 public:
  Explainer(const Scorer* scorer, const OccupationTaxonomy* occupations,
            const RegionRegistry* regions)
      : scorer_(scorer), occupations_(occupations), regions_(regions) {}

  // The result line for a pair that was not vetoed: score, every part with
  // its weight, value and reason, and the reason lines.
  v1::Match Describe(const WorkerRec& worker, const VacancyRec& vacancy, const QueryContext& ctx,
                     const Evaluation& evaluation) const;
  // Why a pair was vetoed, e.g. "用人单位在欠薪失信名单中".
  std::string VetoReason(const WorkerRec& worker, const VacancyRec& vacancy,
                         const QueryContext& ctx, Veto veto) const;

  std::string OccupationName(OccCode code) const;
  static absl::string_view LevelName(uint8_t level);

 private:
  std::string SkillReason(const WorkerRec& w, const VacancyRec& v, std::vector<std::string>* lines) const;
  std::string CertificateReason(const WorkerRec& w, const VacancyRec& v, const QueryContext& ctx) const;
  std::string LocationReason(const WorkerRec& w, const VacancyRec& v) const;
  std::string WageReason(const WorkerRec& w, const VacancyRec& v) const;
  std::string FreshnessReason(const VacancyRec& v, const QueryContext& ctx) const;
  std::string ReturnPlanReason(const WorkerRec& w, const QueryContext& ctx) const;
  std::string RegionName(Region region) const;

  const Scorer* scorer_;
  const OccupationTaxonomy* occupations_;
  const RegionRegistry* regions_;
};

// The monthly figure a vacancy offers: the midpoint of its stated range, or
// the one end given (0: no stated wage).
int64_t OfferedWage(const VacancyRec& vacancy);

// "5,000" style yuan from fen (whole yuan, rounded down).
std::string Yuan(int64_t fen);

}  // namespace labor::matching
