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
#include "labor/v1/profile.pb.h"

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

}  // namespace labor::tools
