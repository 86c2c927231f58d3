#include "tools/laborctl_print.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <iostream>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "tools/labels.h"
#include "tools/text_table.h"

namespace labor::tools {

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) {
    return "{}";
  }
  return out;
}

void PrintJson(const google::protobuf::Message& message) { std::cout << ToJson(message) << "\n"; }

std::string RegionLabel(const RegionRegistry* regions, absl::string_view code) {
  if (code.empty()) return "";
  if (regions == nullptr) return std::string(code);
  std::string name = regions->Name(code);
  // Municipalities list their city level as "市辖区"/"县": show the province.
  if (name == "市辖区" || name == "县") name = regions->Name(ProvinceOf(code));
  return name.empty() ? std::string(code) : name;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  absl::Time t = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  return absl::FormatTime("%Y-%m-%d %H:%M", t, ShanghaiTime());
}

std::string SkillSummary(const labor::v1::Skill& skill) {
  std::string out =
      skill.occupation_name().empty() ? skill.occupation_code() : skill.occupation_name();
  std::string level = SkillLevelLabel(skill.level());
  if (!level.empty()) absl::StrAppend(&out, " ", level);
  if (skill.years() > 0) absl::StrAppend(&out, " ", skill.years(), "年");
  return out;
}

std::string EmploymentSummary(const labor::v1::EmploymentRecord& record,
                              const RegionRegistry* regions) {
  if (record.status() == labor::v1::EMPLOYMENT_STATUS_UNSPECIFIED) return "";
  std::string out = EmploymentStatusLabel(record.status());
  if (!record.destination_region().empty()) {
    absl::StrAppend(&out, " ", RegionLabel(regions, record.destination_region()));
  }
  std::string reg = RegistrationLabel(record.registration());
  if (!reg.empty()) absl::StrAppend(&out, " (", reg, ")");
  return out;
}

namespace {

std::string YesNo(bool b) { return b ? "是" : "否"; }

std::string GenderLabel(labor::v1::Gender g) {
  switch (g) {
    case labor::v1::GENDER_MALE:
      return "男";
    case labor::v1::GENDER_FEMALE:
      return "女";
    default:
      return "";
  }
}

std::string CertificateSummary(const labor::v1::Certificate& c) {
  std::vector<std::string> parts = {CertificateKindLabel(c.kind()), c.name()};
  std::string level = SkillLevelLabel(c.level());
  if (!level.empty()) parts.push_back(level);
  if (!c.number().empty()) parts.push_back(absl::StrCat("编号 ", c.number()));
  if (!c.issuer().empty()) parts.push_back(c.issuer());
  if (c.has_issued_on()) parts.push_back(absl::StrCat("发证 ", FormatDate(c.issued_on())));
  if (c.has_expires_on()) parts.push_back(absl::StrCat("有效期至 ", FormatDate(c.expires_on())));
  parts.push_back(c.verified() ? "已核验" : "未核验");
  return absl::StrJoin(parts, " ");
}

}  // namespace

std::string WorkerDetail(const labor::v1::Worker& w, const RegionRegistry* regions) {
  std::vector<std::pair<std::string, std::string>> rows;
  auto add = [&](std::string key, std::string value) {
    if (!value.empty()) rows.emplace_back(std::move(key), std::move(value));
  };
  add("编号", absl::StrCat(w.worker_id(), "  (版本 ", w.version(), ")"));
  add("姓名", w.name());
  // Each value shows on its own whether it was masked (pii_masked covers both).
  auto masked = [](const std::string& v) { return absl::StrContains(v, '*') ? "  (已脱敏)" : ""; };
  add("身份证号", absl::StrCat(w.id_number(), masked(w.id_number())));
  add("性别", GenderLabel(w.gender()));
  add("出生日期", FormatDate(w.birth_date()));
  add("手机", w.phone().empty() ? "" : absl::StrCat(w.phone(), masked(w.phone())));
  add("微信openid", w.wechat_openid());
  add("户籍乡镇", RegionWithCode(regions, w.hukou_township()));
  add("当前所在地", RegionWithCode(regions, w.current_location()));
  add("户号", w.household_id());
  add("劳务品牌", LaborBrandLabel(w.labor_brand()));
  for (int i = 0; i < w.skills_size(); ++i) {
    const labor::v1::Skill& s = w.skills(i);
    add(i == 0 ? "技能" : "", absl::StrCat(s.occupation_code(), " ", SkillSummary(s)));
  }
  for (int i = 0; i < w.certificates_size(); ++i) {
    add(i == 0 ? "证书" : "", CertificateSummary(w.certificates(i)));
  }
  if (w.has_employment()) {
    const labor::v1::EmploymentRecord& e = w.employment();
    std::string text = EmploymentSummary(e, regions);
    if (!e.employer_name().empty()) absl::StrAppend(&text, " ", e.employer_name());
    if (e.has_effective_date()) absl::StrAppend(&text, " 自", FormatDate(e.effective_date()));
    add("就业状态", text);
  }
  if (w.has_preferences()) {
    const labor::v1::Preferences& p = w.preferences();
    std::vector<std::string> parts;
    if (p.wanted_occupations_size() > 0) {
      parts.push_back(absl::StrCat("工种 ", absl::StrJoin(p.wanted_occupations(), "/")));
    }
    parts.push_back(absl::StrCat("范围 ", LocationScopeLabel(p.location_scope())));
    if (p.accepted_regions_size() > 0) {
      std::vector<std::string> names;
      for (const std::string& r : p.accepted_regions()) names.push_back(RegionLabel(regions, r));
      parts.push_back(absl::StrCat("地区 ", absl::StrJoin(names, "/")));
    }
    std::string wage = FormatYuan(p.minimum_monthly_wage());
    if (!wage.empty()) parts.push_back(absl::StrCat("最低月薪 ", wage));
    std::string from = FormatDate(p.available_from());
    if (!from.empty()) parts.push_back(absl::StrCat("可上岗 ", from));
    add("求职意向", absl::StrJoin(parts, "，"));
  }
  if (w.has_return_plan()) {
    const labor::v1::ReturnPlan& r = w.return_plan();
    std::vector<std::string> parts;
    if (r.has_planned_return())
      parts.push_back(absl::StrCat("返乡 ", FormatDate(r.planned_return())));
    if (r.has_planned_departure()) {
      parts.push_back(absl::StrCat("返岗 ", FormatDate(r.planned_departure())));
    }
    std::string intent = ReturnIntentLabel(r.intent());
    if (!intent.empty()) parts.push_back(intent);
    add("返乡计划", absl::StrJoin(parts, "，"));
  }
  if (w.has_consent()) {
    const labor::v1::Consent& c = w.consent();
    add("授权", absl::StrCat("微信 ", YesNo(c.wechat()), "，短信 ", YesNo(c.sms()),
                             "，合作地区共享 ", YesNo(c.partner_sharing())));
  }
  add("最近核验", FormatTimestamp(w.last_verified_at()));
  add("登记时间", FormatTimestamp(w.created_at()));
  add("更新时间", FormatTimestamp(w.updated_at()));

  int key_width = 0;
  for (const auto& [key, value] : rows) key_width = std::max(key_width, DisplayWidth(key));
  std::string out;
  for (const auto& [key, value] : rows) {
    absl::StrAppend(&out, PadRight(key, key_width), "  ", value, "\n");
  }
  if (w.employment_history_size() > 0) {
    TextTable history(
        {"生效日期", "状态", "去向", "单位", "登记", "城镇居住起", "备注", "记录时间"});
    for (const labor::v1::EmploymentRecord& e : w.employment_history()) {
      history.AddRow({FormatDate(e.effective_date()), EmploymentStatusLabel(e.status()),
                      RegionLabel(regions, e.destination_region()), e.employer_name(),
                      RegistrationLabel(e.registration()), FormatDate(e.urban_residence_since()),
                      e.note(), FormatTimestamp(e.recorded_at())});
    }
    absl::StrAppend(&out, "\n就业记录\n", history.Render());
  }
  return out;
}

std::string RegionWithCode(const RegionRegistry* regions, absl::string_view code) {
  if (code.empty()) return "";
  std::string label = RegionLabel(regions, code);
  return label == code ? label : absl::StrCat(label, " (", code, ")");
}

void Detail::Add(std::string key, std::string value) {
  if (!value.empty()) rows_.emplace_back(std::move(key), std::move(value));
}

std::string Detail::Render() const {
  int width = 0;
  for (const auto& [key, value] : rows_) width = std::max(width, DisplayWidth(key));
  std::string out;
  for (const auto& [key, value] : rows_) {
    absl::StrAppend(&out, PadRight(key, width), "  ", value, "\n");
  }
  return out;
}

}  // namespace labor::tools
