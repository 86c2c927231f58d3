#include "common/idempotency.h"

#include "absl/strings/str_cat.h"
#include "common/pii.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace labor {

std::string ContentFingerprint(const google::protobuf::Message& content) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    content.SerializeToCodedStream(&out);
  }
  return Sha256Hex(bytes);
}

absl::Status CheckReplay(absl::string_view field, absl::string_view key,
                         absl::string_view first_fingerprint, absl::string_view fingerprint,
                         absl::string_view first_result, absl::string_view remembered) {
  if (first_fingerprint == fingerprint) return absl::OkStatus();
  return absl::AlreadyExistsError(absl::StrCat(
      field, " \"", key, "\" was already used for a request with different content (first result: ",
      first_result, remembered.empty() ? "" : absl::StrCat("; keys are kept ", remembered),
      "); send the same content to retry, or a new key for a new request"));
}

}  // namespace labor
