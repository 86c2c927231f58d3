#include "common/auth.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/log.h"
#include "common/pii.h"
#include "common/status.h"

namespace labor {
namespace {

constexpr absl::string_view kAuthorizationMetadata = "authorization";
constexpr absl::string_view kBearerScheme = "bearer";
constexpr size_t kTokenHashHexSize = 64;
// WeChat openids are 28 characters; leave room for other account types but
// keep the value bounded, since it ends up in storage keys.
constexpr size_t kMaxOpenIdSize = 128;

bool IsLowerHex(absl::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Printable ASCII without spaces: what a header value naming an account may hold.
bool IsPrintableToken(absl::string_view s) {
  for (char c : s) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

absl::Status LineError(int line_no, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("tokens file line ", line_no, ": ", what));
}

// "GetWorker" from "/labor.v1.ProfileService/GetWorker".
absl::string_view MethodShortName(absl::string_view method) {
  size_t slash = method.find_last_of('/');
  return slash == absl::string_view::npos ? method : method.substr(slash + 1);
}

// The token of "Bearer <token>" (scheme case-insensitive, RFC 6750), or
// empty when the value is absent or has another shape.
absl::string_view BearerToken(absl::string_view authorization) {
  authorization = absl::StripAsciiWhitespace(authorization);
  if (authorization.size() <= kBearerScheme.size() ||
      !absl::EqualsIgnoreCase(authorization.substr(0, kBearerScheme.size()), kBearerScheme)) {
    return {};
  }
  absl::string_view rest = authorization.substr(kBearerScheme.size());
  if (rest[0] != ' ' && rest[0] != '\t') return {};
  absl::string_view token = absl::StripLeadingAsciiWhitespace(rest);
  if (!IsPrintableToken(token)) return {};
  return token;
}

// The single value of `key` in the call's metadata: nullopt-like empty when
// absent, an error when repeated (which one would a proxy have meant?).
absl::StatusOr<absl::string_view> SingleMetadata(const grpc::ServerContextBase& ctx,
                                                 absl::string_view key) {
  const auto& metadata = ctx.client_metadata();
  auto range = metadata.equal_range(grpc::string_ref(key.data(), key.size()));
  if (range.first == range.second) return absl::string_view();
  auto next = range.first;
  if (++next != range.second) {
    return absl::UnauthenticatedError(absl::StrCat("metadata ", key, " given more than once"));
  }
  const grpc::string_ref& value = range.first->second;
  return absl::string_view(value.data(), value.size());
}

}  // namespace

absl::StatusOr<std::unique_ptr<TokenStore>> TokenStore::LoadFromFile(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    if (err == ENOENT) return absl::NotFoundError(absl::StrCat("tokens file ", path, " not found"));
    return absl::PermissionDeniedError(
        absl::StrCat("cannot read tokens file ", path, ": ", std::strerror(err)));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return absl::UnavailableError(absl::StrCat("error reading tokens file ", path));
  absl::StatusOr<std::unique_ptr<TokenStore>> store = Parse(contents.str());
  if (!store.ok()) {
    return absl::Status(store.status().code(), absl::StrCat(path, ": ", store.status().message()));
  }
  return store;
}

absl::StatusOr<std::unique_ptr<TokenStore>> TokenStore::Parse(absl::string_view contents) {
  auto store = std::unique_ptr<TokenStore>(new TokenStore());
  absl::flat_hash_map<std::string, int> line_of_hash;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (fields.size() != 4) {
      return LineError(line_no, absl::StrCat("expected 4 fields (sha256-hex role tenant "
                                             "principal), found ",
                                             fields.size()));
    }
    std::string hash = absl::AsciiStrToLower(fields[0]);
    if (hash.size() != kTokenHashHexSize || !IsLowerHex(hash)) {
      return LineError(line_no, "first field must be the 64-hex-character SHA-256 of the token");
    }
    std::optional<Role> role = RoleFromName(fields[1]);
    if (!role.has_value()) {
      return LineError(line_no, absl::StrCat("unknown role \"", fields[1],
                                             "\" (admin, wechat, kiosk, partner or service)"));
    }
    auto [it, inserted] = line_of_hash.emplace(hash, line_no);
    if (!inserted) {
      return LineError(line_no,
                       absl::StrCat("duplicate token hash (first on line ", it->second, ")"));
    }
    Caller caller;
    caller.role = *role;
    caller.tenant = std::string(fields[2]);
    caller.principal = std::string(fields[3]);
    store->by_hash_.emplace(std::move(hash), std::move(caller));
  }
  return store;
}

std::optional<Caller> TokenStore::Lookup(absl::string_view token) const {
  if (token.empty()) return std::nullopt;
  auto it = by_hash_.find(Sha256Hex(token));
  if (it == by_hash_.end()) return std::nullopt;
  return it->second;
}

MethodPolicy& MethodPolicy::Allow(absl::string_view method, std::vector<Role> roles) {
  auto& allowed = roles_[method];
  allowed.insert(roles.begin(), roles.end());
  return *this;
}

MethodPolicy& MethodPolicy::ChannelWide(absl::string_view method) {
  channel_wide_.insert(std::string(method));
  return *this;
}

bool MethodPolicy::Allowed(absl::string_view method, Role role) const {
  auto it = roles_.find(method);
  return it != roles_.end() && it->second.contains(role);
}

IssuedToken IssueToken(Role role, absl::string_view tenant, absl::string_view principal) {
  LABOR_CHECK(!tenant.empty() && IsPrintableToken(tenant)) << "tenant must be one word";
  LABOR_CHECK(!principal.empty() && IsPrintableToken(principal)) << "principal must be one word";
  IssuedToken issued;
  issued.token = absl::StrCat("lbr_", RandomHex(32));
  issued.line =
      absl::StrCat(Sha256Hex(issued.token), " ", RoleName(role), " ", tenant, " ", principal);
  return issued;
}

absl::StatusOr<Caller> Authenticator::Check(const grpc::ServerContextBase& ctx,
                                            absl::string_view method) const {
  ASSIGN_OR_RETURN(absl::string_view authorization, SingleMetadata(ctx, kAuthorizationMetadata));
  ASSIGN_OR_RETURN(absl::string_view openid, SingleMetadata(ctx, kOpenIdMetadata));
  return Check(authorization, openid, method);
}

absl::StatusOr<Caller> Authenticator::Check(absl::string_view authorization,
                                            absl::string_view openid,
                                            absl::string_view method) const {
  LABOR_CHECK(tokens_ != nullptr) << "Authenticator needs a TokenStore";
  // Messages never quote the token: they reach the client and the logs.
  absl::string_view token = BearerToken(authorization);
  if (token.empty()) return absl::UnauthenticatedError("missing bearer token");
  std::optional<Caller> caller = tokens_->Lookup(token);
  if (!caller.has_value()) return absl::UnauthenticatedError("unknown token");

  if (caller->role == Role::kWechat && policy_.IsChannelWide(method)) {
    if (!absl::StripAsciiWhitespace(openid).empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          kOpenIdMetadata, ": ", MethodShortName(method),
          " serves the whole WeChat channel (every worker's deliveries); it names no worker"));
    }
    caller->openid.clear();
  } else if (caller->role == Role::kWechat) {
    openid = absl::StripAsciiWhitespace(openid);
    if (openid.empty()) {
      return absl::UnauthenticatedError(absl::StrCat("wechat calls must carry ", kOpenIdMetadata));
    }
    if (openid.size() > kMaxOpenIdSize || !IsPrintableToken(openid)) {
      return absl::UnauthenticatedError(absl::StrCat("malformed ", kOpenIdMetadata));
    }
    caller->openid = std::string(openid);
  } else {
    // Only the WeChat backend acts on behalf of one worker; for any other
    // role a stray header must not look like a worker binding downstream.
    caller->openid.clear();
  }

  if (!policy_.Allowed(method, caller->role)) {
    return absl::PermissionDeniedError(
        absl::StrCat("role ", RoleName(caller->role), " may not call ", MethodShortName(method)));
  }
  return *caller;
}

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read token file ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  for (absl::string_view line : absl::StrSplit(buffer.str(), '\n')) {
    absl::string_view token = absl::StripAsciiWhitespace(line);
    if (!token.empty()) return std::string(token);
  }
  return absl::InvalidArgumentError(absl::StrCat("token file ", path, " is empty"));
}

}  // namespace labor
