#include "common/proto_util.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/base/const_init.h"
#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/validation.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/time_util.h"

namespace labor {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::util::TimeUtil;

// The fields of a message type that hold messages.
struct MessageFields {
  bool has_map = false;
  std::vector<const FieldDescriptor*> fields;
};

const MessageFields& MessageFieldsOf(const Descriptor* type) {
  static absl::Mutex mu(absl::kConstInit);
  // Descriptors live as long as the process; so does this.
  static auto* known = new absl::flat_hash_map<const Descriptor*, std::unique_ptr<MessageFields>>();
  {
    absl::ReaderMutexLock lock(&mu);
    if (auto it = known->find(type); it != known->end()) return *it->second;
  }
  auto fields = std::make_unique<MessageFields>();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    fields->has_map |= field->is_map();
    fields->fields.push_back(field);
  }
  absl::MutexLock lock(&mu);
  return *known->try_emplace(type, std::move(fields)).first->second;
}

}  // namespace

void DiscardUnknownFieldsDeep(google::protobuf::Message* message) {
  const MessageFields& fields = MessageFieldsOf(message->GetDescriptor());
  if (fields.has_map) {
    message->DiscardUnknownFields();
    return;
  }
  const google::protobuf::Reflection* reflection = message->GetReflection();
  // Only when there are some: MutableUnknownFields allocates a set.
  if (!reflection->GetUnknownFields(*message).empty()) {
    reflection->MutableUnknownFields(message)->Clear();
  }
  for (const FieldDescriptor* field : fields.fields) {
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(*message, field);
      for (int i = 0; i < size; ++i) {
        DiscardUnknownFieldsDeep(reflection->MutableRepeatedMessage(message, field, i));
      }
    } else if (reflection->HasField(*message, field)) {
      DiscardUnknownFieldsDeep(reflection->MutableMessage(message, field));
    }
  }
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(ts));
}

bool HasTimestamp(const google::protobuf::Timestamp& ts) {
  return ts.seconds() != 0 || ts.nanos() != 0;
}

absl::CivilDay ToCivil(const v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

v1::Date FromCivil(absl::CivilDay day) {
  v1::Date d;
  d.set_year(static_cast<int>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

bool HasDate(const v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

void CheckDate(const v1::Date& date, absl::string_view field, ViolationCollector* out) {
  if (!HasDate(date)) return;
  out->Merge(ValidateCivilDate(date.year(), date.month(), date.day()), field);
}

void CheckDate(const v1::Date& date, absl::string_view field, DateField kind, absl::CivilDay today,
               ViolationCollector* out) {
  if (!HasDate(date)) return;
  absl::Status real = ValidateCivilDate(date.year(), date.month(), date.day());
  out->Merge(real.ok() ? CheckPlausibleDate(ToCivil(date), kind, today) : real, field);
}

void CheckCertificateDates(const v1::Certificate& certificate, absl::string_view prefix,
                           absl::CivilDay today, std::optional<absl::CivilDay> birth,
                           ViolationCollector* out) {
  const std::string issued_field = FieldPath(prefix, "issued_on");
  const std::string expires_field = FieldPath(prefix, "expires_on");
  ViolationCollector dates;
  CheckDate(certificate.issued_on(), issued_field, DateField::kCertificateIssued, today, &dates);
  CheckDate(certificate.expires_on(), expires_field, DateField::kCertificateExpires, today, &dates);
  if (dates.empty() && HasDate(certificate.issued_on())) {
    const absl::CivilDay issued = ToCivil(certificate.issued_on());
    if (HasDate(certificate.expires_on()) && ToCivil(certificate.expires_on()) <= issued) {
      dates.Add(expires_field, "is not after issued_on");
    }
    if (birth.has_value() && issued < AddYears(*birth, kMinWorkingAge)) {
      dates.Add(issued_field, absl::StrCat("is before the holder was ", kMinWorkingAge,
                                           " (birth date from the ID number)"));
    }
  }
  out->Merge(dates.ToStatus());
}

std::string FieldPath(absl::string_view prefix, absl::string_view field) {
  return prefix.empty() ? std::string(field) : absl::StrCat(prefix, ".", field);
}

absl::StatusOr<int> PageSizeOf(const v1::PageRequest& page) {
  if (page.page_size() < 0 || page.page_size() > kMaxPageSize) {
    return InvalidField("page.page_size", absl::StrCat("must be 0..", kMaxPageSize));
  }
  return page.page_size() == 0 ? kDefaultPageSize : page.page_size();
}

std::string FilterFingerprint(const google::protobuf::Message& request,
                              absl::string_view page_field) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  if (const auto* field = copy->GetDescriptor()->FindFieldByName(std::string(page_field))) {
    copy->GetReflection()->ClearField(copy.get(), field);
  }
  std::string bytes;
  // Deterministic within one build, which is all a page token needs.
  google::protobuf::io::StringOutputStream stream(&bytes);
  {
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&out);
  }
  return absl::StrCat(absl::Hash<std::string>()(bytes) & 0xffffffffu);
}

std::string MakePageToken(absl::string_view fingerprint, absl::string_view position) {
  std::string token;
  absl::WebSafeBase64Escape(absl::StrCat(fingerprint, "|", position), &token);
  return token;
}

absl::StatusOr<std::string> ParsePageToken(absl::string_view token, absl::string_view fingerprint) {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return InvalidField("page.page_token", "malformed page token");
  }
  std::pair<std::string, std::string> parts = absl::StrSplit(raw, absl::MaxSplits('|', 1));
  if (parts.first != fingerprint) {
    return InvalidField("page.page_token", "was issued for a different filter");
  }
  return parts.second;
}

}  // namespace labor
