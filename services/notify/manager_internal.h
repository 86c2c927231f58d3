// Rules NotifyManager's translation units share (notify_manager.cc,
// notify_subscriptions.cc); not an API.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/caller.h"

namespace labor::notify::internal {

inline constexpr int kMaxBatch = 1000;     // notifications per Enqueue, acks per Ack
inline constexpr size_t kMaxIdChars = 64;  // worker and subscriber ids
inline constexpr int32_t kWechatUserRefused = 43101;

inline bool PrintableAscii(absl::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// Who a subscription belongs to: the backend (role and tenant), whichever
// instance or worker it names.
inline std::string OwnerOf(const Caller& caller) {
  return absl::StrCat(RoleName(caller.role), "/", caller.tenant);
}

}  // namespace labor::notify::internal
