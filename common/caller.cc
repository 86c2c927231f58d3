#include "common/caller.h"

namespace labor {

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kWechat:
      return "wechat";
    case Role::kKiosk:
      return "kiosk";
    case Role::kPartner:
      return "partner";
    case Role::kService:
      return "service";
  }
  return "unknown";
}

std::optional<Role> RoleFromName(absl::string_view name) {
  for (Role role : {Role::kAdmin, Role::kWechat, Role::kKiosk, Role::kPartner, Role::kService}) {
    if (name == RoleName(role)) return role;
  }
  return std::nullopt;
}

}  // namespace labor
