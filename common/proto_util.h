// Conversions and request plumbing every service's domain code shares:
// protobuf timestamps and dates, field paths, paging (page sizes and page
// tokens bound to the filter they were issued for).
#pragma once

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "common/validation.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "labor/v1/common.pb.h"

namespace labor {

google::protobuf::Timestamp ToProto(absl::Time t);
absl::Time FromProto(const google::protobuf::Timestamp& ts);
// Whether the timestamp is set (proto3 has no presence for a zero message).
bool HasTimestamp(const google::protobuf::Timestamp& ts);

absl::CivilDay ToCivil(const v1::Date& date);
v1::Date FromCivil(absl::CivilDay day);
// Whether any part of the date is set.
bool HasDate(const v1::Date& date);
// Adds a violation at `field` when a set date is not a real calendar date.
void CheckDate(const v1::Date& date, absl::string_view field, ViolationCollector* out);
// The same, and then whether the date lies in the plausible window of `kind`
// (common/validation.h) as of `today`.
void CheckDate(const v1::Date& date, absl::string_view field, DateField kind, absl::CivilDay today,
               ViolationCollector* out);

// A certificate's issued_on and expires_on: real dates in their plausible
// windows, expiry after issue, and (with the holder's `birth` date) issued
// no earlier than kMinWorkingAge. Violations at "<prefix>.issued_on" etc.
void CheckCertificateDates(const v1::Certificate& certificate, absl::string_view prefix,
                           absl::CivilDay today, std::optional<absl::CivilDay> birth,
                           ViolationCollector* out);

// Drops the unknown fields of `message` and of every message inside it, as
// Message::DiscardUnknownFields does, but visits only the fields that can
// hold a message (listed once per type) instead of every set field through
// reflection: a fraction of the cost on wide messages such as a vacancy.
// A message type with a map field takes the library's walk.
void DiscardUnknownFieldsDeep(google::protobuf::Message* message);

// "prefix.field", or "field" when the prefix is empty.
std::string FieldPath(absl::string_view prefix, absl::string_view field);

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// page_size 0 -> kDefaultPageSize; INVALID_ARGUMENT (page.page_size) outside
// 0..kMaxPageSize.
absl::StatusOr<int> PageSizeOf(const v1::PageRequest& page);

// A fingerprint of a list request's filter: the request serialized with its
// paging field cleared (`page_field`, e.g. "page").
std::string FilterFingerprint(const google::protobuf::Message& request,
                              absl::string_view page_field = "page");

// Page tokens are base64url("<filter fingerprint>|<position>"): opaque to
// clients, and refused with another filter.
std::string MakePageToken(absl::string_view fingerprint, absl::string_view position);
// "" for an empty token. INVALID_ARGUMENT (page.page_token) when malformed or
// issued for another filter.
absl::StatusOr<std::string> ParsePageToken(absl::string_view token, absl::string_view fingerprint);

}  // namespace labor
