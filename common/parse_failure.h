// Why bytes do not parse as a message: the protobuf parser only says "no",
// so a request it refuses is walked field by field over the wire format to
// name the field a client can fix.
#pragma once

#include <google/protobuf/descriptor.h>

#include "absl/strings/string_view.h"
#include "common/status.h"

namespace labor {

// For bytes the protobuf parser refused as a `descriptor` message: the first
// field that breaks them, as a request path ("worker.name",
// "items[2].title"; indexes count from 0), and why (e.g. a string field
// holding invalid UTF-8, a value cut short). `field` is empty when the bytes
// break before any field can be named (garbage, a bad tag).
FieldViolation DescribeParseFailure(const google::protobuf::Descriptor& descriptor,
                                    absl::string_view bytes);

}  // namespace labor
