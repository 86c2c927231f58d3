#include "common/status.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"

namespace labor {

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  return InvalidFields({{std::string(field), std::string(description)}});
}

absl::Status InvalidFields(const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest bad_request;
  std::vector<std::string> parts;
  for (const auto& v : violations) {
    auto* fv = bad_request.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
    parts.push_back(absl::StrCat(v.field, ": ", v.description));
  }
  absl::Status status(absl::StatusCode::kInvalidArgument, absl::StrJoin(parts, "; "));
  status.SetPayload(kFieldViolationsPayload, absl::Cord(bad_request.SerializeAsString()));
  return status;
}

std::vector<FieldViolation> GetFieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(kFieldViolationsPayload);
  if (!payload.has_value()) return out;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return out;
  for (const auto& fv : bad_request.field_violations()) {
    out.push_back({fv.field(), fv.description()});
  }
  return out;
}

absl::Status PrefixFields(const absl::Status& status, absl::string_view prefix) {
  auto violations = GetFieldViolations(status);
  if (violations.empty()) return status;
  for (auto& v : violations) {
    v.field = v.field.empty() ? std::string(prefix) : absl::StrCat(prefix, ".", v.field);
  }
  return InvalidFields(violations);
}

void ViolationCollector::Add(absl::string_view field, absl::string_view description) {
  violations_.push_back({std::string(field), std::string(description)});
}

void ViolationCollector::Merge(const absl::Status& status, absl::string_view field) {
  if (status.ok()) return;
  auto violations = GetFieldViolations(status);
  if (violations.empty()) {
    Add(field, status.message());
    return;
  }
  for (auto& v : violations) {
    if (!field.empty())
      v.field = v.field.empty() ? std::string(field) : absl::StrCat(field, ".", v.field);
    violations_.push_back(std::move(v));
  }
}

absl::Status ViolationCollector::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  return InvalidFields(violations_);
}

}  // namespace labor
