#include "services/profile/worker_audit.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"

namespace labor::profile {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::util::MessageDifferencer;

bool NamedInside(const Descriptor* type) {
  return type == v1::Preferences::descriptor() || type == v1::ReturnPlan::descriptor() ||
         type == v1::Consent::descriptor();
}

// Appends `prefix` + the name of every field that differs between
// `a` and `b`, one level deeper inside the messages NamedInside.
void AddChanged(const google::protobuf::Message& a, const google::protobuf::Message& b,
                const std::string& prefix, std::vector<std::string>* out) {
  static const auto* const kIgnored = new std::vector<const FieldDescriptor*>{
      v1::Worker::descriptor()->FindFieldByName("worker_id"),
      v1::Worker::descriptor()->FindFieldByName("version"),
      v1::Worker::descriptor()->FindFieldByName("updated_at"),
      v1::Worker::descriptor()->FindFieldByName("created_at"),
      v1::Worker::descriptor()->FindFieldByName("pii_masked"),
      v1::Consent::descriptor()->FindFieldByName("updated_at"),
  };
  const Descriptor* type = a.GetDescriptor();
  MessageDifferencer differencer;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (std::find(kIgnored->begin(), kIgnored->end(), field) != kIgnored->end()) continue;
    if (!field->is_repeated() && field->message_type() != nullptr &&
        NamedInside(field->message_type())) {
      AddChanged(a.GetReflection()->GetMessage(a, field), b.GetReflection()->GetMessage(b, field),
                 absl::StrCat(prefix, field->name(), "."), out);
      continue;
    }
    if (!differencer.CompareWithFields(a, b, {field}, {field})) {
      out->push_back(absl::StrCat(prefix, field->name()));
    }
  }
}

}  // namespace

std::vector<std::string> ChangedFields(const v1::Worker& before,
                                       const store::v1::WorkerPii& before_pii,
                                       const v1::Worker& after,
                                       const store::v1::WorkerPii& after_pii) {
  std::vector<std::string> out;
  if (before_pii.name() != after_pii.name()) out.push_back("name");
  if (before_pii.id_number() != after_pii.id_number()) out.push_back("id_number");
  if (before_pii.phone() != after_pii.phone()) out.push_back("phone");
  AddChanged(before, after, "", &out);
  // In the order of the Worker message, the personal data where it sits there.
  const Descriptor* worker = v1::Worker::descriptor();
  auto rank = [worker](const std::string& name) {
    return worker->FindFieldByName(name.substr(0, name.find('.')))->index();
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  return out;
}

std::string ConsentChange(const v1::Consent& before, const v1::Consent& after) {
  std::vector<std::string> withdrawn;
  std::vector<std::string> granted;
  for (const auto& [name, was, is] :
       {std::tuple{"wechat", before.wechat(), after.wechat()},
        std::tuple{"sms", before.sms(), after.sms()},
        std::tuple{"partner_sharing", before.partner_sharing(), after.partner_sharing()}}) {
    if (was && !is) withdrawn.push_back(name);
    if (!was && is) granted.push_back(name);
  }
  std::vector<std::string> parts;
  if (!withdrawn.empty())
    parts.push_back(absl::StrCat("withdrawn: ", absl::StrJoin(withdrawn, ", ")));
  if (!granted.empty()) parts.push_back(absl::StrCat("granted: ", absl::StrJoin(granted, ", ")));
  return absl::StrJoin(parts, "; ");
}

}  // namespace labor::profile
