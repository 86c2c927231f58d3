// Callers for domain tests that run a manager without gRPC.
#pragma once

#include <string>

#include "absl/strings/str_cat.h"
#include "common/auth.h"

namespace labor::testing {

// A caller of `role` with tenant "<role>-tenant" and principal "<role>-test";
// `openid` is the worker a wechat caller acts for.
inline Caller MakeCaller(Role role, std::string openid = "") {
  Caller c;
  c.role = role;
  c.tenant = absl::StrCat(RoleName(role), "-tenant");
  c.principal = absl::StrCat(RoleName(role), "-test");
  c.openid = std::move(openid);
  return c;
}

}  // namespace labor::testing
