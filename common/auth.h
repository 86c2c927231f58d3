// Authentication (bearer tokens -> role + tenant) and per-method
// authorization, deny by default: the gRPC-facing side of common/caller.h.
#pragma once

#include <grpcpp/server_context.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/caller.h"

namespace labor {

// Metadata key a wechat-role caller uses to say which worker (openid) it acts for.
inline constexpr absl::string_view kOpenIdMetadata = "x-labor-openid";

// Tokens file, one token per line (blank lines and '#' comments ignored):
//   <sha256 hex of the token> <role> <tenant> <principal>
// Only hashes are stored, so the file is not a secret by itself.
class TokenStore {
 public:
  // NOT_FOUND when missing; INVALID_ARGUMENT naming the line when malformed.
  static absl::StatusOr<std::unique_ptr<TokenStore>> LoadFromFile(const std::string& path);
  static absl::StatusOr<std::unique_ptr<TokenStore>> Parse(absl::string_view contents);
  // The caller a raw token belongs to (compares hashes).
  std::optional<Caller> Lookup(absl::string_view token) const;

 private:
  absl::flat_hash_map<std::string, Caller> by_hash_;
};

// Which roles may call which method ("/labor.v1.ProfileService/GetWorker").
// A method that is not listed is denied to everyone.
class MethodPolicy {
 public:
  MethodPolicy& Allow(absl::string_view method, std::vector<Role> roles);
  bool Allowed(absl::string_view method, Role role) const;
  bool Covers(absl::string_view method) const { return roles_.contains(method); }
  // A method the WeChat backend calls for its whole channel, as the one
  // trusted principal delivering for all its users (taking and acking
  // deliveries), not on behalf of one worker: a wechat call takes no
  // x-labor-openid there, and one carrying it is refused rather than
  // silently acting for every worker.
  MethodPolicy& ChannelWide(absl::string_view method);
  bool IsChannelWide(absl::string_view method) const { return channel_wide_.contains(method); }

 private:
  absl::flat_hash_map<std::string, absl::flat_hash_set<Role>> roles_;
  absl::flat_hash_set<std::string> channel_wide_;
};

// A freshly issued bearer token and the tokens-file line that grants it.
struct IssuedToken {
  std::string token;  // "lbr_" + 64 hex chars; give to the client, store nowhere
  std::string line;   // "<sha256 hex> <role> <tenant> <principal>" for the tokens file
};
// Issues a random token for dev setup and provisioning tools. `tenant` and
// `principal` must be non-empty and free of whitespace (LABOR_CHECK; callers
// taking them from user input check first).
IssuedToken IssueToken(Role role, absl::string_view tenant, absl::string_view principal);

class Authenticator {
 public:
  Authenticator(const TokenStore* tokens, MethodPolicy policy)
      : tokens_(tokens), policy_(std::move(policy)) {}
  // Authenticates the call ("authorization: Bearer <token>") and checks the
  // policy for `method`. UNAUTHENTICATED: missing/malformed/unknown token, or
  // a wechat call without a well-formed x-labor-openid (except on a
  // channel-wide method). INVALID_ARGUMENT: a wechat call of a channel-wide
  // method naming a worker. PERMISSION_DENIED: role not allowed.
  // Caller.openid is set for the wechat role's per-worker methods only.
  absl::StatusOr<Caller> Check(const grpc::ServerContextBase& ctx, absl::string_view method) const;
  // Same from raw metadata values (for tests and non-gRPC callers); an empty
  // value means the header is absent. The gRPC overload also refuses a call
  // carrying either header more than once (UNAUTHENTICATED).
  absl::StatusOr<Caller> Check(absl::string_view authorization, absl::string_view openid,
                               absl::string_view method) const;
  const MethodPolicy& policy() const { return policy_; }

 private:
  const TokenStore* tokens_;
  MethodPolicy policy_;
};

// The bearer token in a token file (the first non-blank line, trimmed), for
// clients: tools and services calling other services. NOT_FOUND when the
// file cannot be read, INVALID_ARGUMENT when it holds no token.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

}  // namespace labor
