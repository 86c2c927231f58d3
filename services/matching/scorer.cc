#include "services/matching/scorer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/status.h"

namespace labor::matching {
namespace {

int EffectiveLevel(uint8_t level) {
  // An unset level on a held skill is a self-declared one.
  return level == v1::SKILL_LEVEL_UNSPECIFIED ? int{v1::SKILL_LEVEL_SELF_DECLARED} : int{level};
}

// The area the worker accepts for scope levels; none for ANYWHERE.
}  // namespace

int Scorer::ScopeLevel(uint8_t scope) {
  switch (scope) {
    case v1::LOCATION_SCOPE_TOWNSHIP: return 4;
    case v1::LOCATION_SCOPE_DISTRICT: return 3;
    case v1::LOCATION_SCOPE_CITY: return 2;
    case v1::LOCATION_SCOPE_PROVINCE: return 1;
    default: return 0;
  }
}

namespace {

int32_t CertValue(const CertRec& c) { return c.verified ? 1000 : 500; }


}  // namespace

int64_t OfferedWage(const VacancyRec& v) {
  if (v.wage_min_fen > 0 && v.wage_max_fen > 0) return (v.wage_min_fen + v.wage_max_fen) / 2;
  return std::max(v.wage_min_fen, v.wage_max_fen);
}

bool Scorer::InScope(const WorkerRec& w, Region location) {
  if (location.level == 0) return true;  // unknown place: nothing to rule out
  for (const Region& r : w.accepted_regions) {
    if (RegionWithin(r, location)) return true;
  }
  if (w.scope == v1::LOCATION_SCOPE_LISTED_REGIONS) return false;
  // No scope level or no hukou: an empty area, which holds everything.
  return InScopeArea(ScopeArea(w), location);
}

bool Scorer::InHomeCounty(Region hukou, Region location) {
  return hukou.level >= 3 && location.level >= 3 && RegionWithin(RegionPrefix(hukou, 3), location);
}

bool Scorer::ReturnsForLocalJob(const WorkerRec& w) {
  return w.return_intent == v1::RETURN_INTENT_LOCAL_JOB && w.planned_return != kNoDay;
}

absl::string_view VetoName(Veto veto) {
  switch (veto) {
    case Veto::kNone: return "";
    case Veto::kBlacklisted: return "blacklisted";
    case Veto::kNotOpen: return "not_open";
    case Veto::kExpired: return "expired";
    case Veto::kNoHeadcount: return "no_headcount";
    case Veto::kNoConsent: return "no_consent";
    case Veto::kCertificate: return "certificate";
    case Veto::kScope: return "scope";
    case Veto::kWage: return "wage";
    case Veto::kAvailability: return "availability";
  }
  return "unknown";
}

absl::string_view PartName(int part) {
  static constexpr absl::string_view kNames[kPartCount] = {
      "skill", "certificate", "location", "wage", "freshness", "brand", "return_plan"};
  return part >= 0 && part < kPartCount ? kNames[part] : "";
}

absl::Status Weights::Validate() const {
  int64_t total = 0;
  for (int i = 0; i < kPartCount; ++i) {
    if (part[i] < 0 || part[i] > 1000000) {
      return absl::InvalidArgumentError(
          absl::StrCat("weight of ", PartName(i), " must be in 0..1000000, got ", part[i]));
    }
    total += part[i];
  }
  if (total == 0) return absl::InvalidArgumentError("at least one weight must be positive");
  for (auto [name, value] : {std::pair<absl::string_view, int32_t>{"minor_credit", minor_credit},
                             {"middle_credit", middle_credit},
                             {"level_step_penalty", level_step_penalty}}) {
    if (value < 0 || value > 1000) {
      return absl::InvalidArgumentError(absl::StrCat(name, " must be in 0..1000, got ", value));
    }
  }
  if (reference_wage_fen <= 0) return absl::InvalidArgumentError("reference_wage must be positive");
  if (freshness_days <= 0) return absl::InvalidArgumentError("freshness_days must be positive");
  if (return_window_before_days < 0 || return_window_after_days < 0) {
    return absl::InvalidArgumentError("return window days must not be negative");
  }
  if (return_decay_days <= 0) {
    return absl::InvalidArgumentError("return_decay_days must be positive");
  }
  return absl::OkStatus();
}

int64_t Weights::Total() const {
  int64_t total = 0;
  for (int32_t w : part) total += w;
  return total * 1000;
}

absl::StatusOr<Weights> ParseWeights(absl::string_view spec, Weights base) {
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(item, '=');
    absl::string_view name = absl::StripAsciiWhitespace(kv.first);
    int part = -1;
    for (int i = 0; i < kPartCount; ++i) {
      if (PartName(i) == name) part = i;
    }
    if (part < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown score part \"", name,
          "\" (expected skill, certificate, location, wage, freshness, brand, return_plan)"));
    }
    int32_t value = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(kv.second), &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("weight of ", name, " must be an integer, got \"", kv.second, "\""));
    }
    base.part[part] = value;
  }
  RETURN_IF_ERROR(base.Validate());
  return base;
}

ConsentNeed ConsentFor(v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_WECHAT: return ConsentNeed::kWechat;
    case v1::CHANNEL_SMS: return ConsentNeed::kSms;
    default: return ConsentNeed::kNone;
  }
}

QueryContext MakeContext(absl::Time now, ConsentNeed consent) {
  QueryContext ctx;
  ctx.now_s = absl::ToUnixSeconds(now);
  ctx.today = ToDay(absl::ToCivilDay(now, ShanghaiTime()));
  ctx.consent = consent;
  return ctx;
}

Scorer::Scorer(Weights weights) : weights_(weights) {
  absl::Status valid = weights_.Validate();
  LABOR_CHECK(valid.ok()) << valid;
}

OccCode Scorer::BrandBranch(uint8_t brand) {
  switch (brand) {
    case v1::LABOR_BRAND_BASHAN_MEIZI: return 0x040A0100;     // 4-10-01 家政服务
    case v1::LABOR_BRAND_BASHAN_CHUSHI: return 0x04030200;    // 4-03-02 烹饪
    case v1::LABOR_BRAND_BASHAN_JIANGONG: return 0x061D0000;  // 6-29 建筑施工
    default: return 0;
  }
}

Veto Scorer::VacancyVeto(const VacancyRec& v, int64_t now_s) {
  if (v.blacklisted) return Veto::kBlacklisted;
  if (v.status != v1::VACANCY_STATUS_OPEN) return Veto::kNotOpen;
  if (v.expires_at_s != 0 && v.expires_at_s <= now_s) return Veto::kExpired;
  if (v.remaining <= 0) return Veto::kNoHeadcount;
  return Veto::kNone;
}

Day Scorer::StartDay(const WorkerRec& w, const VacancyRec& v, const QueryContext& ctx) {
  return StartDay(w.available_from, w.planned_return, w.hukou, v.location, ctx.today);
}

const CertRec* Scorer::HeldCertificate(const WorkerRec& w, const CertReq& req, Day today) {
  const CertRec* best = nullptr;
  for (const CertRec& c : w.certs) {
    if (!c.ValidOn(today)) continue;
    if (req.kind != 0 && c.kind != req.kind) continue;
    if (req.occupation != 0) {
      if (OccMatchDepth(req.occupation, c.occupation) != 4) continue;
    } else if (!req.name.empty() && c.name != req.name) {
      continue;
    }
    if (req.level > v1::SKILL_LEVEL_SELF_DECLARED && c.level < req.level) continue;
    if (best == nullptr || (c.verified && !best->verified)) best = &c;
  }
  return best;
}

int32_t Scorer::Credit(const SkillRec& held, const SkillRec& required) const {
  return Credit(OccMatchDepth(required.code, held.code), required.level, held.level);
}

int32_t Scorer::SkillValue(const WorkerRec& w, const VacancyRec& v) const {
  if (v.required.empty()) return 0;
  int64_t sum = 0;
  for (const SkillRec& r : v.required) {
    int32_t best = 0;
    for (const SkillRec& s : w.skills) best = std::max(best, Credit(s, r));
    sum += best;
  }
  return static_cast<int32_t>(sum / static_cast<int64_t>(v.required.size()));
}

int32_t Scorer::WageValueFor(int64_t floor_fen, int64_t offered_fen) const {
  int64_t reference = floor_fen > 0 ? floor_fen : weights_.reference_wage_fen;
  int64_t value = (offered_fen - reference) * 2000 / reference;
  return static_cast<int32_t>(std::clamp<int64_t>(value, 0, 1000));
}

int32_t Scorer::FreshnessValue(int64_t posted_at_s, int64_t now_s) const {
  int64_t age = std::max<int64_t>(0, now_s - posted_at_s);
  return static_cast<int32_t>(
      std::max<int64_t>(0, 1000 - age * 1000 / (int64_t{weights_.freshness_days} * 86400)));
}

int32_t Scorer::ReturnTimeValue(Day planned_return, Day today) const {
  if (planned_return == kNoDay || today > planned_return + weights_.return_window_after_days) {
    return 0;
  }
  // A plan counts from the day it is declared: returnees settle their
  // hometown job well before Spring Festival, so a far return still earns
  // credit, fading with the distance.
  const int64_t lead = int64_t{planned_return} - weights_.return_window_before_days - today;
  if (lead <= 0) return 1000;
  const int64_t decay = weights_.return_decay_days;
  return static_cast<int32_t>(1000 * decay / (decay + lead));
}

int32_t Scorer::ReturnPlanValue(const WorkerRec& w, const VacancyRec& v,
                                const QueryContext& ctx) const {
  if (!ReturnsForLocalJob(w) || !InHomeCounty(w, v.location)) return 0;
  return ReturnTimeValue(w.planned_return, ctx.today);
}

Evaluation Scorer::Evaluate(const WorkerRec& w, const VacancyRec& v,
                            const QueryContext& ctx) const {
  Evaluation e;
  auto veto = [&e](Veto reason) {
    e.veto = reason;
    return e;
  };
  if (Veto closed = VacancyVeto(v, ctx.now_s); closed != Veto::kNone) return veto(closed);
  if (!ConsentGiven(w, ctx.consent)) return veto(Veto::kNoConsent);

  int32_t cert_value = 0;
  if (!v.certs.empty()) {
    int64_t sum = 0;
    for (const CertReq& req : v.certs) {
      const CertRec* held = HeldCertificate(w, req, ctx.today);
      if (held == nullptr) return veto(Veto::kCertificate);
      sum += CertValue(*held);
    }
    cert_value = static_cast<int32_t>(sum / static_cast<int64_t>(v.certs.size()));
  } else if (!w.certs.empty()) {
    OccCode minor = OccPrefix(v.occupation, 3);
    for (const CertRec& c : w.certs) {
      if (c.ValidOn(ctx.today) && CertificateInMinor(minor, c.occupation)) {
        cert_value = std::max(cert_value, CertValue(c));
      }
    }
  }
  if (!InScope(w, v.location)) return veto(Veto::kScope);
  // A stated wage has a positive top; no stated wage a top of 0.
  if (WageTooLow(w.min_wage_fen, v.has_wage() ? std::max(v.wage_min_fen, v.wage_max_fen) : 0)) {
    return veto(Veto::kWage);
  }
  if (v.expires_day != kNoDay && StartsTooLate(StartDay(w, v, ctx), v.expires_day)) {
    return veto(Veto::kAvailability);
  }

  e.values[kSkill] = SkillValue(w, v);
  e.values[kCertificate] = cert_value;
  e.values[kLocation] = LocationValue(v.location, w.hukou, w.current);
  e.values[kWage] = v.has_wage() ? WageValueFor(w.min_wage_fen, OfferedWage(v)) : 0;
  e.values[kFreshness] = FreshnessValue(v.posted_at_s, ctx.now_s);
  OccCode brand = BrandBranch(w.brand);
  e.values[kBrand] = brand != 0 && OccMatchDepth(brand, v.occupation) == 4 ? 1000 : 0;
  e.values[kReturnPlan] = ReturnPlanValue(w, v, ctx);
  int64_t score = 0;
  for (int i = 0; i < kPartCount; ++i) score += int64_t{weights_.part[i]} * e.values[i];
  e.score = score;
  return e;
}

// ---------------------------------------------------------------------------
// Explanations

std::string Yuan(int64_t fen) {
  int64_t yuan = fen / 100;
  std::string digits = absl::StrCat(yuan);
  std::string out;
  int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    out.push_back(digits[i]);
    int left = n - i - 1;
    if (left > 0 && left % 3 == 0 && digits[i] != '-') out.push_back(',');
  }
  return out;
}

absl::string_view Explainer::LevelName(uint8_t level) {
  static constexpr absl::string_view kNames[] = {"",     "自述", "学徒工", "五级",     "四级",
                                                 "三级", "二级", "一级",   "特级技师", "首席技师"};
  return level < std::size(kNames) ? kNames[level] : "";
}

std::string Explainer::OccupationName(OccCode code) const {
  std::string text = UnpackOccupation(code);
  std::string name = occupations_ != nullptr ? occupations_->Name(text) : "";
  return name.empty() ? text : name;
}

std::string Explainer::RegionName(Region region) const {
  std::string code = UnpackRegion(region);
  std::string name = regions_ != nullptr ? regions_->Name(code) : "";
  return name.empty() ? code : name;
}

std::string Explainer::SkillReason(const WorkerRec& w, const VacancyRec& v,
                                   std::vector<std::string>* lines) const {
  if (v.required.empty()) return "岗位未注明工种";
  int met = 0;
  std::vector<std::string> gaps;
  for (const SkillRec& r : v.required) {
    const SkillRec* nearest = nullptr;
    int nearest_depth = 0;
    bool ok = false;
    for (const SkillRec& s : w.skills) {
      int depth = OccMatchDepth(r.code, s.code);
      if (depth == 4 && scorer_->Credit(s, r) == 1000) ok = true;
      if (depth >= 2 && (nearest == nullptr || depth > nearest_depth ||
                         (depth == nearest_depth && s.level > nearest->level))) {
        nearest = &s;
        nearest_depth = depth;
      }
    }
    if (ok) {
      ++met;
      continue;
    }
    std::string gap = absl::StrCat("差 ", OccupationName(r.code));
    if (r.level > v1::SKILL_LEVEL_SELF_DECLARED) absl::StrAppend(&gap, " ", LevelName(r.level));
    if (nearest != nullptr && nearest_depth == 4) {
      absl::StrAppend(&gap, "（现为", LevelName(EffectiveLevel(nearest->level)), "）");
    } else if (nearest != nullptr) {
      absl::StrAppend(&gap, "（相近：", OccupationName(nearest->code), "）");
    }
    gaps.push_back(std::move(gap));
  }
  std::string summary =
      absl::StrCat(v.required.size(), "项要求满足", met, "项");
  for (std::string& gap : gaps) lines->push_back(std::move(gap));
  return summary;
}

std::string Explainer::CertificateReason(const WorkerRec& w, const VacancyRec& v,
                                         const QueryContext& ctx) const {
  if (!v.certs.empty()) {
    std::vector<std::string> parts;
    for (const CertReq& req : v.certs) {
      const CertRec* held = Scorer::HeldCertificate(w, req, ctx.today);
      std::string name = !req.name.empty() ? req.name : OccupationName(req.occupation);
      if (held == nullptr) {
        parts.push_back(absl::StrCat(name, "（缺）"));
      } else {
        parts.push_back(absl::StrCat(name, held->verified ? "（已核验）" : "（未核验）"));
      }
    }
    return absl::StrCat("要求证书：", absl::StrJoin(parts, "、"));
  }
  OccCode minor = OccPrefix(v.occupation, 3);
  const CertRec* best = nullptr;
  for (const CertRec& c : w.certs) {
    if (minor != 0 && c.occupation != 0 && c.ValidOn(ctx.today) &&
        OccMatchDepth(minor, c.occupation) == 4 && (best == nullptr || (c.verified && !best->verified))) {
      best = &c;
    }
  }
  if (best == nullptr) return "无相关证书";
  std::string name = !best->name.empty() ? best->name : OccupationName(best->occupation);
  return absl::StrCat("持有相关证书 ", name, best->verified ? "（已核验）" : "（未核验）");
}

std::string Explainer::LocationReason(const WorkerRec& w, const VacancyRec& v) const {
  if (v.location.level == 0) return "工作地点未填";
  int hukou = SharedRegionLevel(v.location, w.hukou);
  int current = SharedRegionLevel(v.location, w.current);
  static constexpr absl::string_view kClass[] = {"外省", "同省", "同市", "同区县", "同乡镇"};
  std::string where = regions_ != nullptr ? regions_->FullName(UnpackRegion(v.location)) : "";
  if (where.empty()) where = UnpackRegion(v.location);
  std::string basis = current > hukou ? "离现工作地" : "离户籍地";
  if (std::max(hukou, current) == 0) return absl::StrCat("外省：", where);
  return absl::StrCat(kClass[std::max(hukou, current)], "（", basis, "）：", where);
}

std::string Explainer::WageReason(const WorkerRec& w, const VacancyRec& v) const {
  if (!v.has_wage()) return "工资面议";
  std::string range;
  if (v.wage_min_fen > 0 && v.wage_max_fen > 0 && v.wage_min_fen != v.wage_max_fen) {
    range = absl::StrCat("月薪", Yuan(v.wage_min_fen), "–", Yuan(v.wage_max_fen), "元");
  } else {
    range = absl::StrCat("月薪", Yuan(OfferedWage(v)), "元");
  }
  if (w.min_wage_fen <= 0) {
    return absl::StrCat(range, "（本人未填期望，按", Yuan(scorer_->weights().reference_wage_fen),
                        "元参考）");
  }
  int64_t offered = OfferedWage(v);
  if (offered >= w.min_wage_fen) {
    return absl::StrCat(range, "，不低于期望", Yuan(w.min_wage_fen), "元");
  }
  return absl::StrCat(range, "，中位低于期望", Yuan(w.min_wage_fen), "元");
}

std::string Explainer::FreshnessReason(const VacancyRec& v, const QueryContext& ctx) const {
  if (v.posted_at_s == 0) return "";
  int64_t days = std::max<int64_t>(0, ctx.now_s - v.posted_at_s) / 86400;
  return days == 0 ? "今天发布" : absl::StrCat(days, "天前发布");
}

std::string Explainer::ReturnPlanReason(const WorkerRec& w, const QueryContext& ctx) const {
  const absl::CivilDay back = CivilOf(w.planned_return);
  std::string date = absl::StrFormat("%d月%d日", back.month(), back.day());
  if (back.year() != CivilOf(ctx.today).year()) date = absl::StrCat(back.year(), "年", date);
  const int64_t days = int64_t{w.planned_return} - ctx.today;
  if (days <= 0) return absl::StrCat("已于", date, "返乡，想在家门口就业：家乡岗位优先");
  std::string reason =
      absl::StrCat("已登记返乡就业：计划", date, "返乡（还有", days, "天），家乡岗位优先");
  if (days > scorer_->weights().return_window_before_days) {
    absl::StrAppend(&reason, "，离返乡越近加分越多");
  }
  return reason;
}

v1::Match Explainer::Describe(const WorkerRec& w, const VacancyRec& v, const QueryContext& ctx,
                              const Evaluation& e) const {
  v1::Match match;
  match.set_worker_id(w.id);
  match.set_vacancy_id(v.id);
  match.set_vacancy_title(v.title);
  match.set_score(static_cast<double>(e.score) / 1e6);
  std::vector<std::string> skill_gaps;
  std::array<std::string, kPartCount> reasons;
  reasons[kSkill] = SkillReason(w, v, &skill_gaps);
  reasons[kCertificate] = CertificateReason(w, v, ctx);
  reasons[kLocation] = LocationReason(w, v);
  reasons[kWage] = WageReason(w, v);
  reasons[kFreshness] = FreshnessReason(v, ctx);
  if (e.values[kBrand] > 0) {
    static constexpr absl::string_view kBrands[] = {"", "巴山妹子", "巴山厨师", "巴山建工"};
    reasons[kBrand] = absl::StrCat(w.brand < 4 ? kBrands[w.brand] : "", "劳务品牌对口岗位");
  }
  if (e.values[kReturnPlan] > 0) reasons[kReturnPlan] = ReturnPlanReason(w, ctx);
  for (int i = 0; i < kPartCount; ++i) {
    v1::ScorePart* part = match.add_parts();
    part->set_name(std::string(PartName(i)));
    part->set_weight(static_cast<double>(scorer_->weights().part[i]) / 1000.0);
    part->set_value(static_cast<double>(e.values[i]) / 1000.0);
    part->set_reason(reasons[i]);
    if (!reasons[i].empty()) match.add_reasons(reasons[i]);
    if (i == kSkill) {
      for (std::string& gap : skill_gaps) match.add_reasons(std::move(gap));
    }
  }
  return match;
}

std::string Explainer::VetoReason(const WorkerRec& w, const VacancyRec& v, const QueryContext& ctx,
                                  Veto veto) const {
  switch (veto) {
    case Veto::kNone: return "";
    case Veto::kBlacklisted: return "用人单位在欠薪失信名单中";
    case Veto::kNotOpen:
      switch (v.status) {
        case v1::VACANCY_STATUS_FILLED: return "岗位已招满";
        case v1::VACANCY_STATUS_EXPIRED: return "岗位已过期";
        default: return "岗位已关闭";
      }
    case Veto::kExpired: return "岗位已过期";
    case Veto::kNoHeadcount: return "岗位已招满";
    case Veto::kNoConsent:
      switch (ctx.consent) {
        case ConsentNeed::kWechat: return "本人未同意通过微信接收信息";
        case ConsentNeed::kSms: return "本人未同意通过短信接收信息";
        default: return "本人未同意接收推送";
      }
    case Veto::kCertificate:
      for (const CertReq& req : v.certs) {
        if (Scorer::HeldCertificate(w, req, ctx.today) == nullptr) {
          std::string name = !req.name.empty() ? req.name : OccupationName(req.occupation);
          if (req.level > v1::SKILL_LEVEL_SELF_DECLARED) absl::StrAppend(&name, " ", LevelName(req.level));
          return absl::StrCat("缺少岗位要求的证书：", name);
        }
      }
      return "缺少岗位要求的证书";
    case Veto::kScope: {
      static constexpr absl::string_view kScopes[] = {"不限", "本乡镇", "本区", "本市",
                                                      "本省", "不限", "指定地区"};
      absl::string_view scope = w.scope < std::size(kScopes) ? kScopes[w.scope] : "指定地区";
      return absl::StrCat("工作地点（", RegionName(v.location), "）不在本人接受的范围（", scope,
                          "）");
    }
    case Veto::kWage:
      return absl::StrCat("岗位月薪最高", Yuan(std::max(v.wage_min_fen, v.wage_max_fen)),
                          "元，低于本人期望", Yuan(w.min_wage_fen), "元");
    case Veto::kAvailability: {
      absl::CivilDay start = CivilOf(Scorer::StartDay(w, v, ctx));
      absl::CivilDay last = CivilOf(v.expires_day);
      return absl::StrFormat("本人%d月%d日起才能上岗，岗位%d年%d月%d日截止", start.month(),
                             start.day(), last.year(), last.month(), last.day());
    }
  }
  return "";
}

}  // namespace labor::matching
