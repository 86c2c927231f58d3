// Chinese labels for the labor.v1 enums (what bureau staff read in tables) and
// the parsers for the compact command-line forms laborctl accepts
// ("6-29-01-01:四级:8", "employed_outside", "2027-02-15").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "labor/v1/common.pb.h"
#include "labor/v1/notification.pb.h"
#include "labor/v1/profile.pb.h"
#include "labor/v1/vacancy.pb.h"

namespace labor::tools {

// "区内就业", "转移就业", "失业", "返乡", "自主创业"; "未知" for UNSPECIFIED.
std::string EmploymentStatusLabel(labor::v1::EmploymentStatus status);
// "学徒工", "五级", "四级", … "首席技师"; "自述" for SELF_DECLARED, "" for UNSPECIFIED.
std::string SkillLevelLabel(labor::v1::SkillLevel level);
std::string LaborBrandLabel(labor::v1::LaborBrand brand);         // "" for none
std::string RegistrationLabel(labor::v1::RegistrationKind kind);  // "" for NONE
std::string ReturnIntentLabel(labor::v1::ReturnIntent intent);    // "" for none
std::string LocationScopeLabel(labor::v1::LocationScope scope);
std::string CertificateKindLabel(labor::v1::CertificateKind kind);
// Vacancies: "招聘中", "已招满", "已关闭", "已过期"; "" for UNSPECIFIED.
std::string VacancyStatusLabel(labor::v1::VacancyStatus status);
// "春风行动", "就业援助月", "温暖回家路", "民营企业招聘周", "送岗位下乡", "其他"; "" for
// UNSPECIFIED.
std::string FairKindLabel(labor::v1::FairKind kind);
// "月薪", "日薪", "时薪", "计件"; "" for UNSPECIFIED.
std::string WageUnitLabel(labor::v1::WageUnit unit);
// "用人单位", "招聘会", "合作地区"; "" for UNSPECIFIED.
std::string SourceKindLabel(labor::v1::SourceKind kind);
// "不限" for UNSPECIFIED, "男", "女".
std::string GenderRequirementLabel(labor::v1::GenderRequirement requirement);
// "包住 包吃 社保" (the benefits offered, space-separated); "" for none.
std::string BenefitsLabel(const labor::v1::Benefits& benefits);
// Notifications: "岗位推送", "招聘会通知", "政策通知", "返乡交通通知", "工作人员消息";
// "" for UNSPECIFIED.
std::string NotificationKindLabel(labor::v1::NotificationKind kind);
// "待发送", "已发出", "已送达", "发送失败", "已过期", "不发送"; "" for UNSPECIFIED.
std::string NotificationStatusLabel(labor::v1::NotificationStatus status);
// "微信", "短信", "自助机"; "" for UNSPECIFIED.
std::string ChannelLabel(labor::v1::Channel channel);
// "普通", "紧急" (UNSPECIFIED counts as normal).
std::string PriorityLabel(labor::v1::Priority priority);

// A wage as stated: "4500-6000元/月", "200元/天", "20-25元/小时", "4500元/月起"
// (no max), "最高6000元/月" (no min); piece rates with the expected monthly
// figure, "1.5-4元/件(约6000-9000元/月)"; "面议" when no wage is stated.
std::string WageLabel(const labor::v1::Wage& wage);
// The normalized monthly figure, "约6525-8700元/月"; "" when the service
// filled none.
std::string MonthlyWageLabel(const labor::v1::Wage& wage);

// Parsers accept the lowercase enum suffix ("employed_outside") or the Chinese
// label ("转移就业"); INVALID_ARGUMENT listing the accepted words otherwise.
absl::StatusOr<labor::v1::EmploymentStatus> ParseEmploymentStatus(absl::string_view text);
// Also accepts the enum number 1..9 and the older names 初级工/中级工/高级工/技师/高级技师.
absl::StatusOr<labor::v1::SkillLevel> ParseSkillLevel(absl::string_view text);
absl::StatusOr<labor::v1::LaborBrand> ParseLaborBrand(absl::string_view text);
absl::StatusOr<labor::v1::RegistrationKind> ParseRegistrationKind(absl::string_view text);
absl::StatusOr<labor::v1::ReturnIntent> ParseReturnIntent(absl::string_view text);
absl::StatusOr<labor::v1::LocationScope> ParseLocationScope(absl::string_view text);
absl::StatusOr<labor::v1::CertificateKind> ParseCertificateKind(absl::string_view text);
// open/filled/closed/expired or 招聘中/已招满/已关闭/已过期.
absl::StatusOr<labor::v1::VacancyStatus> ParseVacancyStatus(absl::string_view text);
// spring_breeze, employment_aid_month, warm_way_home, private_enterprise_week,
// jobs_to_countryside, other, or the Chinese names.
absl::StatusOr<labor::v1::FairKind> ParseFairKind(absl::string_view text);
// monthly/daily/hourly/piece, month/day/hour, 月/天/日/小时/件, or the labels.
absl::StatusOr<labor::v1::WageUnit> ParseWageUnit(absl::string_view text);
// any/male/female or 不限/男/女.
absl::StatusOr<labor::v1::GenderRequirement> ParseGenderRequirement(absl::string_view text);
// fair|policy|transport|text|job_alert (also the enum suffixes fair_announcement,
// policy_notice, return_transport, free_text) or the labels.
absl::StatusOr<labor::v1::NotificationKind> ParseNotificationKind(absl::string_view text);
// queued|sent|delivered|failed|expired|suppressed or the labels.
absl::StatusOr<labor::v1::NotificationStatus> ParseNotificationStatus(absl::string_view text);
// wechat|sms|kiosk or 微信/短信/自助机 (一体机); "" is an error (callers
// decide what no channel means).
absl::StatusOr<labor::v1::Channel> ParseChannelName(absl::string_view text);

// "YYYY-MM-DD" (a date that exists).
absl::StatusOr<labor::v1::Date> ParseDate(absl::string_view text);
// "YYYY-MM-DD", or "" for an unset (all-zero) date.
std::string FormatDate(const labor::v1::Date& date);

// "true/false", "yes/no", "1/0", "y/n", "是/否".
absl::StatusOr<bool> ParseBool(absl::string_view text);

// Skills: comma-separated "code:level:years" (level and years optional), e.g.
// "6-29-01-01:4:8,6-29-01-04:三级". Only the syntax is checked here; the
// service validates codes against the classification.
absl::StatusOr<std::vector<labor::v1::Skill>> ParseSkillSpecs(absl::string_view text);
// Certificates: comma-separated "kind:name:level:verified" (level and verified
// optional), e.g. "special_operation:低压电工作业::true,skill_level:焊工:四级".
absl::StatusOr<std::vector<labor::v1::Certificate>> ParseCertificateSpecs(absl::string_view text);

// Yuan as typed ("4500", "4500.5") to Money in fen.
absl::StatusOr<labor::v1::Money> ParseYuan(absl::string_view text);
// "4500元" / "4500.50元"; "" for zero.
std::string FormatYuan(const labor::v1::Money& money);

// A stated wage in yuan: "MIN[-MAX][/UNIT][@MONTHLY_MIN-MONTHLY_MAX]", e.g.
// "4500-6000/月", "300/day", "20-25/小时", "1.5-4/piece@6000-9000" (piece rates
// need the expected monthly figure after '@'); no unit = monthly; "面议",
// "none" or "" = no stated wage (an empty Wage). Only the syntax and
// min <= max are checked here; the service normalizes.
absl::StatusOr<labor::v1::Wage> ParseWageSpec(absl::string_view text);

// Benefits: comma-separated room|board|social_insurance (also 住宿/包住,
// 包吃/餐补, 社保/五险), or "none"/"" for none.
absl::StatusOr<labor::v1::Benefits> ParseBenefits(absl::string_view text);

}  // namespace labor::tools
