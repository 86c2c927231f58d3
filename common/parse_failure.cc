#include "common/parse_failure.h"

#include <google/protobuf/stubs/common.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"

namespace labor {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// As deep as the protobuf parser goes by default.
constexpr int kMaxDepth = 100;

enum WireType : uint64_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

bool ReadVarint(absl::string_view* in, uint64_t* value) {
  *value = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    *value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

bool Skip(absl::string_view* in, uint64_t n) {
  if (in->size() < n) return false;
  in->remove_prefix(n);
  return true;
}

std::string Join(absl::string_view path, absl::string_view name) {
  return path.empty() ? std::string(name) : absl::StrCat(path, ".", name);
}

std::optional<FieldViolation> Walk(const Descriptor& descriptor, absl::string_view in,
                                   const std::string& path, int depth) {
  if (depth > kMaxDepth) return FieldViolation{path, "nested too deeply"};
  // Occurrences so far of each repeated field, for its index in the path.
  std::map<int, int> seen;
  while (!in.empty()) {
    uint64_t key = 0;
    if (!ReadVarint(&in, &key) || (key >> 3) == 0 || (key >> 3) > FieldDescriptor::kMaxNumber) {
      return FieldViolation{path, "malformed data (not a field tag)"};
    }
    const int number = static_cast<int>(key >> 3);
    const FieldDescriptor* field = descriptor.FindFieldByNumber(number);
    std::string field_path = path;
    if (field != nullptr) {
      field_path = Join(path, field->name());
      if (field->is_repeated()) absl::StrAppend(&field_path, "[", seen[number]++, "]");
    } else {
      field_path = Join(path, absl::StrCat("#", number));  // unknown to this schema
    }
    bool ok = true;
    switch (key & 7) {
      case kVarint: {
        uint64_t unused;
        ok = ReadVarint(&in, &unused);
        break;
      }
      case kFixed64:
        ok = Skip(&in, 8);
        break;
      case kFixed32:
        ok = Skip(&in, 4);
        break;
      case kLengthDelimited: {
        uint64_t size = 0;
        if (!ReadVarint(&in, &size) || in.size() < size) {
          ok = false;
          break;
        }
        const absl::string_view value = in.substr(0, size);
        in.remove_prefix(size);
        if (field == nullptr) break;
        if (field->type() == FieldDescriptor::TYPE_STRING &&
            !google::protobuf::internal::IsStructurallyValidUTF8(value.data(),
                                                                 static_cast<int>(value.size()))) {
          return FieldViolation{field_path, "not valid UTF-8"};
        }
        if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
          if (auto v = Walk(*field->message_type(), value, field_path, depth + 1)) return v;
        }
        break;
      }
      default:  // groups (not in proto3) and the undefined types 6 and 7
        return FieldViolation{field_path, "malformed data (unsupported wire type)"};
    }
    if (!ok) return FieldViolation{field_path, "malformed data (value cut short)"};
  }
  return std::nullopt;
}

}  // namespace

FieldViolation DescribeParseFailure(const Descriptor& descriptor, absl::string_view bytes) {
  std::optional<FieldViolation> found = Walk(descriptor, bytes, "", 0);
  if (found.has_value()) return *std::move(found);
  return FieldViolation{"", "malformed data"};
}

}  // namespace labor
