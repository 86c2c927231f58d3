// Who is calling: the role and tenant a request was authenticated as. Domain
// code (managers, rules) decides with these and nothing else, so this header
// is free of gRPC; common/auth.h turns a call's metadata into a Caller.
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace labor {

enum class Role { kAdmin, kWechat, kKiosk, kPartner, kService };

absl::string_view RoleName(Role role);
std::optional<Role> RoleFromName(absl::string_view name);

struct Caller {
  Role role = Role::kService;
  std::string tenant;     // e.g. the kiosk site, the partner bureau, the official account
  std::string principal;  // token name from the tokens file
  std::string openid;     // wechat role only: the worker this call acts for
};

}  // namespace labor
