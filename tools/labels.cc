#include "tools/labels.h"

#include <cstdint>
#include <initializer_list>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"

namespace labor::tools {
namespace {

using labor::v1::CertificateKind;
using labor::v1::EmploymentStatus;
using labor::v1::FairKind;
using labor::v1::GenderRequirement;
using labor::v1::LaborBrand;
using labor::v1::LocationScope;
using labor::v1::RegistrationKind;
using labor::v1::ReturnIntent;
using labor::v1::SkillLevel;
using labor::v1::SourceKind;
using labor::v1::VacancyStatus;
using labor::v1::WageUnit;

// One enum value: its command-line word, its display label and extra spellings.
struct EnumName {
  int value;
  const char* word;
  const char* label;
  std::initializer_list<const char*> aliases;
};

std::string LabelOf(std::initializer_list<EnumName> names, int value, absl::string_view unknown) {
  for (const EnumName& n : names) {
    if (n.value == value) return n.label;
  }
  return std::string(unknown);
}

absl::StatusOr<int> ParseEnum(std::initializer_list<EnumName> names, absl::string_view text,
                              absl::string_view what) {
  std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  std::vector<std::string> accepted;
  for (const EnumName& n : names) {
    if (lower == n.word || lower == n.label) return n.value;
    for (const char* alias : n.aliases) {
      if (lower == alias) return n.value;
    }
    accepted.push_back(absl::StrCat(n.word, "/", n.label));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown ", what, " \"", text, "\"; accepted: ", absl::StrJoin(accepted, ", ")));
}

const std::initializer_list<EnumName> kStatuses = {
    {EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_LOCAL, "employed_local", "区内就业", {"local"}},
    {EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE,
     "employed_outside",
     "转移就业",
     {"outside", "外出务工"}},
    {EmploymentStatus::EMPLOYMENT_STATUS_UNEMPLOYED, "unemployed", "失业", {}},
    {EmploymentStatus::EMPLOYMENT_STATUS_RETURNED_HOME,
     "returned_home",
     "返乡",
     {"returned", "return_home"}},
    {EmploymentStatus::EMPLOYMENT_STATUS_SELF_EMPLOYED,
     "self_employed",
     "自主创业",
     {"灵活就业", "创业"}},
};

const std::initializer_list<EnumName> kLevels = {
    {SkillLevel::SKILL_LEVEL_SELF_DECLARED, "self_declared", "自述", {"1", "无等级", "none"}},
    {SkillLevel::SKILL_LEVEL_APPRENTICE, "apprentice", "学徒工", {"2", "学徒"}},
    {SkillLevel::SKILL_LEVEL_5_ELEMENTARY, "elementary", "五级", {"3", "初级工", "初级"}},
    {SkillLevel::SKILL_LEVEL_4_INTERMEDIATE, "intermediate", "四级", {"4", "中级工", "中级"}},
    {SkillLevel::SKILL_LEVEL_3_ADVANCED, "advanced", "三级", {"5", "高级工", "高级"}},
    {SkillLevel::SKILL_LEVEL_2_TECHNICIAN, "technician", "二级", {"6", "技师"}},
    {SkillLevel::SKILL_LEVEL_1_SENIOR_TECHNICIAN, "senior_technician", "一级", {"7", "高级技师"}},
    {SkillLevel::SKILL_LEVEL_PRINCIPAL_TECHNICIAN, "principal_technician", "特级技师", {"8"}},
    {SkillLevel::SKILL_LEVEL_CHIEF_TECHNICIAN, "chief_technician", "首席技师", {"9"}},
};

const std::initializer_list<EnumName> kBrands = {
    {LaborBrand::LABOR_BRAND_UNSPECIFIED, "none", "", {"-"}},
    {LaborBrand::LABOR_BRAND_BASHAN_MEIZI, "bashan_meizi", "巴山妹子", {"meizi"}},
    {LaborBrand::LABOR_BRAND_BASHAN_CHUSHI, "bashan_chushi", "巴山厨师", {"chushi"}},
    {LaborBrand::LABOR_BRAND_BASHAN_JIANGONG, "bashan_jiangong", "巴山建工", {"jiangong"}},
};

const std::initializer_list<EnumName> kRegistrations = {
    {RegistrationKind::REGISTRATION_KIND_NONE, "none", "", {"-", "无"}},
    {RegistrationKind::REGISTRATION_KIND_EMPLOYMENT, "employment", "就业登记", {}},
    {RegistrationKind::REGISTRATION_KIND_UNEMPLOYMENT, "unemployment", "失业登记", {}},
};

const std::initializer_list<EnumName> kIntents = {
    {ReturnIntent::RETURN_INTENT_LOCAL_JOB, "local_job", "就近就业", {"local"}},
    {ReturnIntent::RETURN_INTENT_GO_OUT_AGAIN, "go_out_again", "节后返岗", {"go_out", "out"}},
    {ReturnIntent::RETURN_INTENT_START_BUSINESS, "start_business", "返乡创业", {"business"}},
};

const std::initializer_list<EnumName> kScopes = {
    {LocationScope::LOCATION_SCOPE_TOWNSHIP, "township", "本乡镇", {}},
    {LocationScope::LOCATION_SCOPE_DISTRICT, "district", "通川区内", {}},
    {LocationScope::LOCATION_SCOPE_CITY, "city", "达州市内", {}},
    {LocationScope::LOCATION_SCOPE_PROVINCE, "province", "四川省内", {}},
    {LocationScope::LOCATION_SCOPE_ANYWHERE, "anywhere", "不限", {}},
    {LocationScope::LOCATION_SCOPE_LISTED_REGIONS, "listed_regions", "指定地区", {"listed"}},
};

const std::initializer_list<EnumName> kCertKinds = {
    {CertificateKind::CERTIFICATE_KIND_SKILL_LEVEL, "skill_level", "技能等级证书", {"skill"}},
    {CertificateKind::CERTIFICATE_KIND_SPECIAL_OPERATION,
     "special_operation",
     "特种作业操作证",
     {"special"}},
    {CertificateKind::CERTIFICATE_KIND_OTHER, "other", "其他证书", {}},
};

const std::initializer_list<EnumName> kVacancyStatuses = {
    {VacancyStatus::VACANCY_STATUS_OPEN, "open", "招聘中", {"在招"}},
    {VacancyStatus::VACANCY_STATUS_FILLED, "filled", "已招满", {"招满"}},
    {VacancyStatus::VACANCY_STATUS_CLOSED, "closed", "已关闭", {"关闭"}},
    {VacancyStatus::VACANCY_STATUS_EXPIRED, "expired", "已过期", {"过期"}},
};

const std::initializer_list<EnumName> kFairKinds = {
    {FairKind::FAIR_KIND_SPRING_BREEZE, "spring_breeze", "春风行动", {}},
    {FairKind::FAIR_KIND_EMPLOYMENT_AID_MONTH, "employment_aid_month", "就业援助月", {"aid_month"}},
    {FairKind::FAIR_KIND_WARM_WAY_HOME, "warm_way_home", "温暖回家路", {}},
    {FairKind::FAIR_KIND_PRIVATE_ENTERPRISE_WEEK,
     "private_enterprise_week",
     "民营企业招聘周",
     {"private_enterprise", "民营企业招聘月"}},
    {FairKind::FAIR_KIND_JOBS_TO_COUNTRYSIDE,
     "jobs_to_countryside",
     "送岗位下乡",
     {"countryside", "送岗下乡"}},
    {FairKind::FAIR_KIND_OTHER, "other", "其他", {"其他招聘会"}},
};

const std::initializer_list<EnumName> kWageUnits = {
    {WageUnit::WAGE_UNIT_MONTHLY, "monthly", "月薪", {"month", "月", "元/月"}},
    {WageUnit::WAGE_UNIT_DAILY, "daily", "日薪", {"day", "天", "日", "元/天"}},
    {WageUnit::WAGE_UNIT_HOURLY, "hourly", "时薪", {"hour", "小时", "时", "元/小时"}},
    {WageUnit::WAGE_UNIT_PIECE, "piece", "计件", {"件", "元/件"}},
};

const std::initializer_list<EnumName> kSourceKinds = {
    {SourceKind::SOURCE_KIND_EMPLOYER, "employer", "用人单位", {}},
    {SourceKind::SOURCE_KIND_FAIR, "fair", "招聘会", {}},
    {SourceKind::SOURCE_KIND_PARTNER, "partner", "合作地区", {}},
};

const std::initializer_list<EnumName> kGenderRequirements = {
    {GenderRequirement::GENDER_REQUIREMENT_UNSPECIFIED, "any", "不限", {"none", "-"}},
    {GenderRequirement::GENDER_REQUIREMENT_MALE, "male", "男", {}},
    {GenderRequirement::GENDER_REQUIREMENT_FEMALE, "female", "女", {}},
};

const std::initializer_list<EnumName> kNotificationKinds = {
    {labor::v1::NOTIFICATION_KIND_JOB_ALERT, "job_alert", "岗位推送", {"job"}},
    {labor::v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT,
     "fair",
     "招聘会通知",
     {"fair_announcement", "招聘会"}},
    {labor::v1::NOTIFICATION_KIND_POLICY_NOTICE, "policy", "政策通知", {"policy_notice", "政策"}},
    {labor::v1::NOTIFICATION_KIND_RETURN_TRANSPORT,
     "transport",
     "返乡交通通知",
     {"return_transport", "交通通知", "返岗交通通知"}},
    {labor::v1::NOTIFICATION_KIND_FREE_TEXT, "text", "工作人员消息", {"free_text", "消息"}},
};

const std::initializer_list<EnumName> kNotificationStatuses = {
    {labor::v1::NOTIFICATION_STATUS_QUEUED, "queued", "待发送", {"排队中"}},
    {labor::v1::NOTIFICATION_STATUS_SENT, "sent", "已发出", {}},
    {labor::v1::NOTIFICATION_STATUS_DELIVERED, "delivered", "已送达", {}},
    {labor::v1::NOTIFICATION_STATUS_FAILED, "failed", "发送失败", {"失败"}},
    {labor::v1::NOTIFICATION_STATUS_EXPIRED, "expired", "已过期", {"过期"}},
    {labor::v1::NOTIFICATION_STATUS_SUPPRESSED, "suppressed", "不发送", {"未发送"}},
};

const std::initializer_list<EnumName> kChannels = {
    {labor::v1::CHANNEL_WECHAT, "wechat", "微信", {}},
    {labor::v1::CHANNEL_SMS, "sms", "短信", {}},
    {labor::v1::CHANNEL_KIOSK, "kiosk", "自助机", {"一体机"}},
};

// Yuan without the unit and without trailing zeros: 450000 -> "4500",
// 150 -> "1.5", 105 -> "1.05".
std::string YuanNumber(int64_t fen) {
  if (fen % 100 == 0) return absl::StrCat(fen / 100);
  if (fen % 10 == 0) return absl::StrFormat("%d.%d", fen / 100, (fen % 100) / 10);
  return absl::StrFormat("%d.%02d", fen / 100, fen % 100);
}

// "4500-6000", or "4500" when both ends are equal.
std::string YuanRange(int64_t min_fen, int64_t max_fen) {
  if (min_fen == max_fen) return YuanNumber(min_fen);
  return absl::StrCat(YuanNumber(min_fen), "-", YuanNumber(max_fen));
}

const char* WageSuffix(WageUnit unit) {
  switch (unit) {
    case WageUnit::WAGE_UNIT_DAILY:
      return "元/天";
    case WageUnit::WAGE_UNIT_HOURLY:
      return "元/小时";
    case WageUnit::WAGE_UNIT_PIECE:
      return "元/件";
    default:
      return "元/月";
  }
}

}  // namespace

std::string EmploymentStatusLabel(EmploymentStatus status) {
  return LabelOf(kStatuses, status, "未知");
}
std::string SkillLevelLabel(SkillLevel level) { return LabelOf(kLevels, level, ""); }
std::string LaborBrandLabel(LaborBrand brand) { return LabelOf(kBrands, brand, ""); }
std::string RegistrationLabel(RegistrationKind kind) { return LabelOf(kRegistrations, kind, ""); }
std::string ReturnIntentLabel(ReturnIntent intent) { return LabelOf(kIntents, intent, ""); }
std::string LocationScopeLabel(LocationScope scope) { return LabelOf(kScopes, scope, "不限"); }
std::string CertificateKindLabel(CertificateKind kind) { return LabelOf(kCertKinds, kind, ""); }
std::string VacancyStatusLabel(VacancyStatus status) {
  return LabelOf(kVacancyStatuses, status, "");
}
std::string FairKindLabel(FairKind kind) { return LabelOf(kFairKinds, kind, ""); }
std::string WageUnitLabel(WageUnit unit) { return LabelOf(kWageUnits, unit, ""); }
std::string SourceKindLabel(SourceKind kind) { return LabelOf(kSourceKinds, kind, ""); }
std::string GenderRequirementLabel(GenderRequirement requirement) {
  return LabelOf(kGenderRequirements, requirement, "不限");
}

std::string NotificationKindLabel(labor::v1::NotificationKind kind) {
  return LabelOf(kNotificationKinds, kind, "");
}
std::string NotificationStatusLabel(labor::v1::NotificationStatus status) {
  return LabelOf(kNotificationStatuses, status, "");
}
std::string ChannelLabel(labor::v1::Channel channel) { return LabelOf(kChannels, channel, ""); }
std::string PriorityLabel(labor::v1::Priority priority) {
  return priority == labor::v1::PRIORITY_URGENT ? "紧急" : "普通";
}

std::string BenefitsLabel(const labor::v1::Benefits& benefits) {
  std::vector<std::string> parts;
  if (benefits.room()) parts.push_back("包住");
  if (benefits.board()) parts.push_back("包吃");
  if (benefits.social_insurance()) parts.push_back("社保");
  return absl::StrJoin(parts, " ");
}

std::string WageLabel(const labor::v1::Wage& wage) {
  const int64_t min = wage.min().fen(), max = wage.max().fen();
  if (min <= 0 && max <= 0) {
    if (wage.unit() == WageUnit::WAGE_UNIT_PIECE) {
      std::string monthly = MonthlyWageLabel(wage);
      return monthly.empty() ? "计件" : absl::StrCat("计件(", monthly, ")");
    }
    return "面议";
  }
  const char* suffix = WageSuffix(wage.unit());
  std::string out;
  if (min > 0 && max > 0) {
    out = absl::StrCat(YuanRange(min, max), suffix);
  } else if (min > 0) {
    out = absl::StrCat(YuanNumber(min), suffix, "起");
  } else {
    out = absl::StrCat("最高", YuanNumber(max), suffix);
  }
  if (wage.unit() == WageUnit::WAGE_UNIT_PIECE) {
    std::string monthly = MonthlyWageLabel(wage);
    if (!monthly.empty()) absl::StrAppend(&out, "(", monthly, ")");
  }
  return out;
}

std::string MonthlyWageLabel(const labor::v1::Wage& wage) {
  const int64_t min = wage.monthly_min().fen(), max = wage.monthly_max().fen();
  if (min > 0 && max > 0) return absl::StrCat("约", YuanRange(min, max), "元/月");
  if (min > 0) return absl::StrCat("约", YuanNumber(min), "元/月起");
  if (max > 0) return absl::StrCat("最高约", YuanNumber(max), "元/月");
  return "";
}

absl::StatusOr<EmploymentStatus> ParseEmploymentStatus(absl::string_view text) {
  absl::StatusOr<int> v = ParseEnum(kStatuses, text, "employment status");
  if (!v.ok()) return v.status();
  return static_cast<EmploymentStatus>(*v);
}

absl::StatusOr<SkillLevel> ParseSkillLevel(absl::string_view text) {
  absl::StatusOr<int> v = ParseEnum(kLevels, text, "skill level");
  if (!v.ok()) return v.status();
  return static_cast<SkillLevel>(*v);
}

absl::StatusOr<LaborBrand> ParseLaborBrand(absl::string_view text) {
  absl::StatusOr<int> v = ParseEnum(kBrands, text, "labor brand");
  if (!v.ok()) return v.status();
  return static_cast<LaborBrand>(*v);
}

absl::StatusOr<RegistrationKind> ParseRegistrationKind(absl::string_view text) {
  absl::StatusOr<int> v = ParseEnum(kRegistrations, text, "registration");
  if (!v.ok()) return v.status();
  return static_cast<RegistrationKind>(*v);
}

absl::StatusOr<ReturnIntent> ParseReturnIntent(absl::string_view text) {
  absl::StatusOr<int> v = ParseEnum(kIntents, text, "return intent");
  if (!v.ok()) return v.status();
  return static_cast<ReturnIntent>(*v);
}

absl::StatusOr<LocationScope> ParseLocationScope(absl::string_view text) {
  absl::StatusOr<int> v = ParseEnum(kScopes, text, "location scope");
  if (!v.ok()) return v.status();
  return static_cast<LocationScope>(*v);
}

absl::StatusOr<CertificateKind> ParseCertificateKind(absl::string_view text) {
  absl::StatusOr<int> v = ParseEnum(kCertKinds, text, "certificate kind");
  if (!v.ok()) return v.status();
  return static_cast<CertificateKind>(*v);
}

absl::StatusOr<VacancyStatus> ParseVacancyStatus(absl::string_view text) {
  absl::StatusOr<int> v = ParseEnum(kVacancyStatuses, text, "vacancy status");
  if (!v.ok()) return v.status();
  return static_cast<VacancyStatus>(*v);
}

absl::StatusOr<FairKind> ParseFairKind(absl::string_view text) {
  absl::StatusOr<int> v = ParseEnum(kFairKinds, text, "fair kind");
  if (!v.ok()) return v.status();
  return static_cast<FairKind>(*v);
}

absl::StatusOr<WageUnit> ParseWageUnit(absl::string_view text) {
  absl::StatusOr<int> v = ParseEnum(kWageUnits, text, "wage unit");
  if (!v.ok()) return v.status();
  return static_cast<WageUnit>(*v);
}

absl::StatusOr<GenderRequirement> ParseGenderRequirement(absl::string_view text) {
  absl::StatusOr<int> v = ParseEnum(kGenderRequirements, text, "gender requirement");
  if (!v.ok()) return v.status();
  return static_cast<GenderRequirement>(*v);
}

absl::StatusOr<labor::v1::NotificationKind> ParseNotificationKind(absl::string_view text) {
  absl::StatusOr<int> v = ParseEnum(kNotificationKinds, text, "notification kind");
  if (!v.ok()) return v.status();
  return static_cast<labor::v1::NotificationKind>(*v);
}

absl::StatusOr<labor::v1::NotificationStatus> ParseNotificationStatus(absl::string_view text) {
  absl::StatusOr<int> v = ParseEnum(kNotificationStatuses, text, "notification status");
  if (!v.ok()) return v.status();
  return static_cast<labor::v1::NotificationStatus>(*v);
}

absl::StatusOr<labor::v1::Channel> ParseChannelName(absl::string_view text) {
  absl::StatusOr<int> v = ParseEnum(kChannels, text, "channel");
  if (!v.ok()) return v.status();
  return static_cast<labor::v1::Channel>(*v);
}

absl::StatusOr<labor::v1::Date> ParseDate(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(absl::StripAsciiWhitespace(text), '-');
  int y = 0, m = 0, d = 0;
  if (parts.size() != 3 || parts[0].size() != 4 || !absl::SimpleAtoi(parts[0], &y) ||
      !absl::SimpleAtoi(parts[1], &m) || !absl::SimpleAtoi(parts[2], &d)) {
    return absl::InvalidArgumentError(absl::StrCat("bad date \"", text, "\"; use YYYY-MM-DD"));
  }
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) {
    return absl::InvalidArgumentError(absl::StrCat("date \"", text, "\" does not exist"));
  }
  labor::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

std::string FormatDate(const labor::v1::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

absl::StatusOr<bool> ParseBool(absl::string_view text) {
  std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (lower == "true" || lower == "yes" || lower == "y" || lower == "1" || lower == "是") {
    return true;
  }
  if (lower == "false" || lower == "no" || lower == "n" || lower == "0" || lower == "否" ||
      lower.empty()) {
    return false;
  }
  return absl::InvalidArgumentError(absl::StrCat("bad boolean \"", text, "\""));
}

absl::StatusOr<std::vector<labor::v1::Skill>> ParseSkillSpecs(absl::string_view text) {
  std::vector<labor::v1::Skill> skills;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::vector<absl::string_view> parts = absl::StrSplit(absl::StripAsciiWhitespace(item), ':');
    if (parts.size() > 3 || parts[0].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad skill \"", item, "\"; use code:level:years"));
    }
    labor::v1::Skill skill;
    skill.set_occupation_code(std::string(parts[0]));
    if (parts.size() >= 2 && !parts[1].empty()) {
      absl::StatusOr<SkillLevel> level = ParseSkillLevel(parts[1]);
      if (!level.ok()) return level.status();
      skill.set_level(*level);
    }
    if (parts.size() == 3 && !parts[2].empty()) {
      int years = 0;
      if (!absl::SimpleAtoi(parts[2], &years) || years < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("bad years \"", parts[2], "\" in skill \"", item, "\""));
      }
      skill.set_years(years);
    }
    skills.push_back(std::move(skill));
  }
  return skills;
}

absl::StatusOr<std::vector<labor::v1::Certificate>> ParseCertificateSpecs(absl::string_view text) {
  std::vector<labor::v1::Certificate> certs;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::vector<absl::string_view> parts = absl::StrSplit(absl::StripAsciiWhitespace(item), ':');
    if (parts.size() < 2 || parts.size() > 4 || parts[1].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad certificate \"", item, "\"; use kind:name:level:verified"));
    }
    labor::v1::Certificate cert;
    absl::StatusOr<CertificateKind> kind = ParseCertificateKind(parts[0]);
    if (!kind.ok()) return kind.status();
    cert.set_kind(*kind);
    cert.set_name(std::string(parts[1]));
    if (parts.size() >= 3 && !parts[2].empty()) {
      absl::StatusOr<SkillLevel> level = ParseSkillLevel(parts[2]);
      if (!level.ok()) return level.status();
      cert.set_level(*level);
    }
    if (parts.size() == 4) {
      absl::StatusOr<bool> verified = ParseBool(parts[3]);
      if (!verified.ok()) return verified.status();
      cert.set_verified(*verified);
    }
    certs.push_back(std::move(cert));
  }
  return certs;
}

absl::StatusOr<labor::v1::Money> ParseYuan(absl::string_view text) {
  absl::string_view t = absl::StripAsciiWhitespace(text);
  absl::ConsumeSuffix(&t, "元");
  std::vector<absl::string_view> parts = absl::StrSplit(t, '.');
  int64_t yuan = 0, cents = 0;
  bool ok =
      parts.size() <= 2 && !parts[0].empty() && absl::SimpleAtoi(parts[0], &yuan) && yuan >= 0;
  if (ok && parts.size() == 2) {
    std::string frac(parts[1]);
    ok = !frac.empty() && frac.size() <= 2 && absl::SimpleAtoi(frac, &cents) && cents >= 0;
    if (frac.size() == 1) cents *= 10;
  }
  if (!ok) return absl::InvalidArgumentError(absl::StrCat("bad amount \"", text, "\" (yuan)"));
  labor::v1::Money money;
  money.set_fen(yuan * 100 + cents);
  return money;
}

std::string FormatYuan(const labor::v1::Money& money) {
  if (money.fen() == 0) return "";
  if (money.fen() % 100 == 0) return absl::StrCat(money.fen() / 100, "元");
  return absl::StrFormat("%d.%02d元", money.fen() / 100, money.fen() % 100);
}

namespace {

// "MIN" or "MIN-MAX" in yuan into `min` / `max`.
absl::Status ParseYuanRange(absl::string_view text, absl::string_view whole, labor::v1::Money* min,
                            labor::v1::Money* max) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  if (parts.size() > 2) {
    return absl::InvalidArgumentError(absl::StrCat("bad wage \"", whole, "\"; use MIN-MAX"));
  }
  absl::StatusOr<labor::v1::Money> lo = ParseYuan(parts[0]);
  if (!lo.ok()) return lo.status();
  absl::StatusOr<labor::v1::Money> hi = parts.size() == 2 ? ParseYuan(parts[1]) : lo;
  if (!hi.ok()) return hi.status();
  if (hi->fen() < lo->fen()) {
    return absl::InvalidArgumentError(absl::StrCat("wage \"", whole, "\": max below min"));
  }
  *min = *lo;
  *max = *hi;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<labor::v1::Wage> ParseWageSpec(absl::string_view text) {
  absl::string_view t = absl::StripAsciiWhitespace(text);
  labor::v1::Wage wage;
  if (t.empty() || t == "面议" || absl::AsciiStrToLower(t) == "none") return wage;
  absl::string_view monthly;
  if (size_t at = t.find('@'); at != absl::string_view::npos) {
    monthly = t.substr(at + 1);
    t = t.substr(0, at);
  }
  absl::string_view amounts = t, unit_text;
  if (size_t slash = t.find('/'); slash != absl::string_view::npos) {
    amounts = t.substr(0, slash);
    unit_text = t.substr(slash + 1);
  }
  wage.set_unit(WageUnit::WAGE_UNIT_MONTHLY);
  if (!unit_text.empty()) {
    absl::StatusOr<WageUnit> unit = ParseWageUnit(unit_text);
    if (!unit.ok()) return unit.status();
    wage.set_unit(*unit);
  }
  if (absl::Status s = ParseYuanRange(amounts, text, wage.mutable_min(), wage.mutable_max());
      !s.ok()) {
    return s;
  }
  if (wage.unit() == WageUnit::WAGE_UNIT_PIECE) {
    if (monthly.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("piece-rate wage \"", text,
                       "\" needs the expected monthly figure: e.g. 1.5-4/piece@6000-9000"));
    }
    if (absl::Status s =
            ParseYuanRange(monthly, text, wage.mutable_monthly_min(), wage.mutable_monthly_max());
        !s.ok()) {
      return s;
    }
  } else if (!monthly.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "wage \"", text, "\": only piece rates take @MONTHLY (the service computes the others)"));
  }
  return wage;
}

absl::StatusOr<labor::v1::Benefits> ParseBenefits(absl::string_view text) {
  labor::v1::Benefits benefits;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::string word = absl::AsciiStrToLower(absl::StripAsciiWhitespace(item));
    if (word == "room" || word == "住宿" || word == "包住") {
      benefits.set_room(true);
    } else if (word == "board" || word == "包吃" || word == "餐补" || word == "包餐") {
      benefits.set_board(true);
    } else if (word == "social_insurance" || word == "insurance" || word == "社保" ||
               word == "五险" || word == "五险一金") {
      benefits.set_social_insurance(true);
    } else if (word == "none" || word == "无") {
      continue;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown benefit \"", item,
                       "\"; accepted: room/包住, board/包吃, social_insurance/社保, none"));
    }
  }
  return benefits;
}

}  // namespace labor::tools
