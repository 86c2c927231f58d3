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
using labor::v1::LaborBrand;
using labor::v1::LocationScope;
using labor::v1::RegistrationKind;
using labor::v1::ReturnIntent;
using labor::v1::SkillLevel;

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
    {ReturnIntent::RETURN_INTENT_LOCAL_JOB, "local_job", "就近就业", {}},
    {ReturnIntent::RETURN_INTENT_GO_OUT_AGAIN, "go_out_again", "节后返岗", {"go_out"}},
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

}  // namespace labor::tools
