// Idempotency keys, one rule for every service (PostVacancy's request_id,
// a notification's idempotency_key). A key names one request's content:
// the same key with the same content is a replay and gets the first answer;
// the same key with different content is refused with ALREADY_EXISTS naming
// the first result, never answered as if the new content had been taken.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace labor {

// The fingerprint of a request's content: SHA-256 (hex) of its deterministic
// serialization, so a replay matches after a restart too (absl::Hash is
// seeded per process).
std::string ContentFingerprint(const google::protobuf::Message& content);

// Decides a key seen before: OK for a replay (`fingerprint` equals the first
// request's), else ALREADY_EXISTS naming the field, the key and
// `first_result` (e.g. "vacancy v_..."); `remembered` says for how long keys
// are kept, when they are forgotten at all (e.g. "24h").
absl::Status CheckReplay(absl::string_view field, absl::string_view key,
                         absl::string_view first_fingerprint, absl::string_view fingerprint,
                         absl::string_view first_result, absl::string_view remembered = "");

}  // namespace labor
