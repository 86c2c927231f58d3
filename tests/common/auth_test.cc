#include "common/auth.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <future>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/grpc_status.h"
#include "common/pii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/util.h"

namespace labor {
namespace {

using ::labor::testing::TempDir;
using ::labor::testing::WriteFile;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr absl::string_view kGetWorker = "/labor.v1.ProfileService/GetWorker";
constexpr absl::string_view kUpsertWorker = "/labor.v1.ProfileService/UpsertWorker";
constexpr absl::string_view kDeleteWorker = "/labor.v1.ProfileService/DeleteWorker";

// Fixed tokens so the tokens file below is readable in the test.
constexpr absl::string_view kAdminToken = "admin-token-1";
constexpr absl::string_view kWechatToken = "wechat-token-1";
constexpr absl::string_view kKioskToken = "kiosk-token-1";
constexpr absl::string_view kPartnerToken = "partner-token-1";

std::string Line(absl::string_view token, absl::string_view rest) {
  return absl::StrCat(Sha256Hex(token), " ", rest, "\n");
}

std::string TokensFile() {
  return absl::StrCat("# tokens for tests\n", "\n",  //
                      Line(kAdminToken, "admin bureau ops-alice"),
                      Line(kWechatToken, "wechat\tgh_official  wechat-backend"),
                      Line(kKioskToken, "kiosk fair-site-3 kiosk-03"),
                      "   # indented comment\n",  //
                      Line(kPartnerToken, "partner ningbo-bureau ningbo-sync"));
}

std::unique_ptr<TokenStore> TestStore() {
  auto store = TokenStore::Parse(TokensFile());
  EXPECT_TRUE(store.ok()) << store.status();
  return std::move(store).value();
}

MethodPolicy TestPolicy() {
  MethodPolicy policy;
  policy.Allow(kGetWorker, {Role::kAdmin, Role::kWechat})
      .Allow(kUpsertWorker, {Role::kAdmin, Role::kWechat, Role::kKiosk});
  return policy;
}

std::string Bearer(absl::string_view token) { return absl::StrCat("Bearer ", token); }

TEST(RoleTest, NamesRoundTrip) {
  for (Role role : {Role::kAdmin, Role::kWechat, Role::kKiosk, Role::kPartner, Role::kService}) {
    auto parsed = RoleFromName(RoleName(role));
    ASSERT_TRUE(parsed.has_value()) << RoleName(role);
    EXPECT_EQ(*parsed, role);
  }
  EXPECT_EQ(RoleName(Role::kKiosk), "kiosk");
  EXPECT_FALSE(RoleFromName("Admin").has_value());
  EXPECT_FALSE(RoleFromName("root").has_value());
  EXPECT_FALSE(RoleFromName("").has_value());
}

TEST(TokenStoreTest, LooksUpRawTokensByHash) {
  auto store = TestStore();
  auto admin = store->Lookup(kAdminToken);
  ASSERT_TRUE(admin.has_value());
  EXPECT_EQ(admin->role, Role::kAdmin);
  EXPECT_EQ(admin->tenant, "bureau");
  EXPECT_EQ(admin->principal, "ops-alice");
  EXPECT_EQ(admin->openid, "");

  auto wechat = store->Lookup(kWechatToken);  // fields separated by tabs and runs of spaces
  ASSERT_TRUE(wechat.has_value());
  EXPECT_EQ(wechat->role, Role::kWechat);
  EXPECT_EQ(wechat->tenant, "gh_official");
  EXPECT_EQ(wechat->principal, "wechat-backend");

  auto partner = store->Lookup(kPartnerToken);
  ASSERT_TRUE(partner.has_value());
  EXPECT_EQ(partner->role, Role::kPartner);
  EXPECT_EQ(partner->tenant, "ningbo-bureau");

  EXPECT_FALSE(store->Lookup("not-a-token").has_value());
  EXPECT_FALSE(store->Lookup("").has_value());
  // The stored hash itself is not a token.
  EXPECT_FALSE(store->Lookup(Sha256Hex(kAdminToken)).has_value());
}

TEST(TokenStoreTest, AcceptsCrlfUppercaseHashAndEmptyFile) {
  std::string upper = Sha256Hex("t");
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto store = TokenStore::Parse(absl::StrCat(upper, " service matching matching-1\r\n"));
  ASSERT_TRUE(store.ok()) << store.status();
  auto caller = store->get()->Lookup("t");
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->role, Role::kService);
  EXPECT_EQ(caller->principal, "matching-1");

  auto empty = TokenStore::Parse("# nobody yet\n");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->get()->Lookup("t").has_value());
}

TEST(TokenStoreTest, RejectsMalformedLinesNamingTheLine) {
  const std::string hash = Sha256Hex("t");
  struct Case {
    std::string contents;
    std::string message;
  };
  const std::vector<Case> cases = {
      {absl::StrCat("# c\n", hash, " admin bureau\n"), "tokens file line 2: expected 4 fields"},
      {absl::StrCat(hash, " admin bureau alice extra\n"), "tokens file line 1: expected 4 fields"},
      {absl::StrCat("\n\n", hash.substr(1), " admin bureau alice\n"),
       "tokens file line 3: first field must be"},
      {absl::StrCat(hash.substr(1), "g admin bureau alice\n"), "tokens file line 1: first field"},
      {"admin-token-in-clear admin bureau alice\n", "tokens file line 1: first field"},
      {absl::StrCat(hash, " root bureau alice\n"), "tokens file line 1: unknown role \"root\""},
      {absl::StrCat(hash, " Admin bureau alice\n"), "tokens file line 1: unknown role"},
      {absl::StrCat(hash, " admin bureau alice\n# x\n", hash, " kiosk site k1\n"),
       "tokens file line 3: duplicate token hash (first on line 1)"},
  };
  for (const Case& c : cases) {
    auto store = TokenStore::Parse(c.contents);
    EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument) << c.contents;
    EXPECT_THAT(std::string(store.status().message()), StartsWith(c.message)) << c.contents;
  }
  // Duplicates are found whatever the hex case.
  std::string upper = hash;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto dup = TokenStore::Parse(absl::StrCat(hash, " admin a b\n", upper, " kiosk c d\n"));
  EXPECT_THAT(dup.status().message(), HasSubstr("duplicate token hash"));
}

TEST(TokenStoreTest, LoadsFromFile) {
  TempDir dir;
  auto missing = TokenStore::LoadFromFile(dir.Sub("tokens.txt"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(WriteFile(dir.Sub("tokens.txt"), TokensFile()).ok());
  auto store = TokenStore::LoadFromFile(dir.Sub("tokens.txt"));
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(store->get()->Lookup(kKioskToken).has_value());
  EXPECT_EQ(store->get()->Lookup(kKioskToken)->tenant, "fair-site-3");

  ASSERT_TRUE(WriteFile(dir.Sub("bad.txt"), "# header\nnot a valid line\n").ok());
  auto bad = TokenStore::LoadFromFile(dir.Sub("bad.txt"));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr(dir.Sub("bad.txt")));
  EXPECT_THAT(bad.status().message(), HasSubstr("tokens file line 2"));
}

TEST(MethodPolicyTest, DeniesByDefaultAndAccumulatesGrants) {
  MethodPolicy policy;
  EXPECT_FALSE(policy.Allowed(kGetWorker, Role::kAdmin));
  EXPECT_FALSE(policy.Covers(kGetWorker));

  policy.Allow(kGetWorker, {Role::kAdmin}).Allow(kGetWorker, {Role::kKiosk});
  EXPECT_TRUE(policy.Covers(kGetWorker));
  EXPECT_TRUE(policy.Allowed(kGetWorker, Role::kAdmin));
  EXPECT_TRUE(policy.Allowed(kGetWorker, Role::kKiosk));
  EXPECT_FALSE(policy.Allowed(kGetWorker, Role::kWechat));
  EXPECT_FALSE(policy.Allowed(kUpsertWorker, Role::kAdmin));
  // Exact method names only.
  EXPECT_FALSE(policy.Allowed("/labor.v1.ProfileService/GetWorkerX", Role::kAdmin));
  EXPECT_FALSE(policy.Allowed("GetWorker", Role::kAdmin));

  // A listed method with no roles is covered yet denied to all.
  policy.Allow(kDeleteWorker, {});
  EXPECT_TRUE(policy.Covers(kDeleteWorker));
  EXPECT_FALSE(policy.Allowed(kDeleteWorker, Role::kAdmin));
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  std::unique_ptr<TokenStore> store_ = TestStore();
  Authenticator auth_{store_.get(), TestPolicy()};
};

TEST_F(AuthenticatorTest, AcceptsKnownTokenAllowedByPolicy) {
  auto caller = auth_.Check(Bearer(kAdminToken), "", kGetWorker);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->role, Role::kAdmin);
  EXPECT_EQ(caller->tenant, "bureau");
  EXPECT_EQ(caller->principal, "ops-alice");
  EXPECT_EQ(caller->openid, "");
}

TEST_F(AuthenticatorTest, BearerSchemeIsCaseInsensitive) {
  for (std::string header :
       {absl::StrCat("bearer ", kAdminToken), absl::StrCat("BEARER ", kAdminToken),
        absl::StrCat("Bearer   ", kAdminToken, "  "), absl::StrCat("Bearer\t", kAdminToken)}) {
    EXPECT_TRUE(auth_.Check(header, "", kGetWorker).ok()) << header;
  }
}

TEST_F(AuthenticatorTest, MissingOrMalformedTokenIsUnauthenticated) {
  for (std::string header :
       {std::string(""), std::string("Bearer"), std::string("Bearer   "), std::string(kAdminToken),
        absl::StrCat("Basic ", kAdminToken), absl::StrCat("Bearer", kAdminToken),
        absl::StrCat("Token ", kAdminToken), absl::StrCat("Bearer ", kAdminToken, " extra")}) {
    auto caller = auth_.Check(header, "", kGetWorker);
    EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated) << header;
    EXPECT_EQ(caller.status().message(), "missing bearer token") << header;
  }
}

TEST_F(AuthenticatorTest, UnknownTokenIsUnauthenticatedWithoutEchoingIt) {
  const std::string secret = "lbr_0123456789abcdef-guess";
  auto caller = auth_.Check(Bearer(secret), "", kGetWorker);
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(caller.status().message(), "unknown token");
  EXPECT_THAT(std::string(caller.status().message()), Not(HasSubstr(secret)));
}

TEST_F(AuthenticatorTest, WechatCallsMustNameTheWorker) {
  auto missing = auth_.Check(Bearer(kWechatToken), "", kGetWorker);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(missing.status().message(), "wechat calls must carry x-labor-openid");
  EXPECT_EQ(auth_.Check(Bearer(kWechatToken), "   ", kGetWorker).status().code(),
            absl::StatusCode::kUnauthenticated);

  for (std::string bad : {std::string("o 6_bm"), std::string(129, 'o'), std::string("o\x01x"),
                          std::string("\xe5\xbc\xa0")}) {
    auto caller = auth_.Check(Bearer(kWechatToken), bad, kGetWorker);
    EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(caller.status().message(), "malformed x-labor-openid");
  }

  auto caller = auth_.Check(Bearer(kWechatToken), "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", kGetWorker);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->role, Role::kWechat);
  EXPECT_EQ(caller->tenant, "gh_official");
  EXPECT_EQ(caller->openid, "o6_bmjrPTlm6_2sgVt7hMZOPfL2M");
}

TEST(MethodPolicyTest, ChannelWideWechatMethodsTakeNoWorker) {
  // The WeChat backend takes every worker's deliveries as one principal:
  // such a method needs no openid, and one sent is refused, not ignored
  // (it would look as if the call served only that worker).
  const std::string subscribe = "/labor.v1.NotificationService/Subscribe";
  MethodPolicy policy;
  policy.Allow(subscribe, {Role::kWechat, Role::kKiosk})
      .Allow(kGetWorker, {Role::kWechat})
      .ChannelWide(subscribe);
  EXPECT_TRUE(policy.IsChannelWide(subscribe));
  EXPECT_FALSE(policy.IsChannelWide(kGetWorker));
  std::unique_ptr<TokenStore> store = TestStore();
  Authenticator auth(store.get(), policy);

  auto backend = auth.Check(Bearer(kWechatToken), "", subscribe);
  ASSERT_TRUE(backend.ok()) << backend.status();
  EXPECT_EQ(backend->role, Role::kWechat);
  EXPECT_EQ(backend->openid, "");
  auto named = auth.Check(Bearer(kWechatToken), "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", subscribe);
  EXPECT_EQ(named.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(named.status().message(), HasSubstr("x-labor-openid"));
  EXPECT_THAT(named.status().message(), HasSubstr("Subscribe"));
  // Other roles' stray headers stay ignored; per-worker methods still need one.
  EXPECT_TRUE(auth.Check(Bearer(kKioskToken), "o-1", subscribe).ok());
  EXPECT_EQ(auth.Check(Bearer(kWechatToken), "", kGetWorker).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(AuthenticatorTest, OpenIdIsIgnoredForOtherRoles) {
  auto caller = auth_.Check(Bearer(kKioskToken), "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", kUpsertWorker);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->role, Role::kKiosk);
  EXPECT_EQ(caller->openid, "");
  // Even a malformed one: it is not looked at.
  EXPECT_TRUE(auth_.Check(Bearer(kAdminToken), "o 1", kGetWorker).ok());
}

TEST_F(AuthenticatorTest, RoleOutsidePolicyIsPermissionDenied) {
  auto kiosk = auth_.Check(Bearer(kKioskToken), "", kGetWorker);
  EXPECT_EQ(kiosk.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(kiosk.status().message(), "role kiosk may not call GetWorker");

  auto partner = auth_.Check(Bearer(kPartnerToken), "", kUpsertWorker);
  EXPECT_EQ(partner.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(partner.status().message(), "role partner may not call UpsertWorker");

  // Unlisted methods are denied to every role, admin included.
  auto admin = auth_.Check(Bearer(kAdminToken), "", kDeleteWorker);
  EXPECT_EQ(admin.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(admin.status().message(), "role admin may not call DeleteWorker");
}

TEST_F(AuthenticatorTest, AuthenticationComesBeforeAuthorization) {
  // An unknown caller learns nothing about the policy.
  EXPECT_EQ(auth_.Check(Bearer("nope"), "", kDeleteWorker).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_.Check("", "", kDeleteWorker).status().code(), absl::StatusCode::kUnauthenticated);
  // A wechat call without openid fails authentication even where the role is denied.
  EXPECT_EQ(auth_.Check(Bearer(kWechatToken), "", kDeleteWorker).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(IssueTokenTest, IssuedLineAuthenticatesIssuedToken) {
  IssuedToken a = IssueToken(Role::kKiosk, "fair-site-9", "kiosk-9");
  IssuedToken b = IssueToken(Role::kKiosk, "fair-site-9", "kiosk-9");
  EXPECT_THAT(a.token, StartsWith("lbr_"));
  EXPECT_EQ(a.token.size(), 4u + 64u);
  EXPECT_EQ(a.token.find_first_not_of("0123456789abcdef", 4), std::string::npos);
  EXPECT_NE(a.token, b.token);
  EXPECT_EQ(a.line, absl::StrCat(Sha256Hex(a.token), " kiosk fair-site-9 kiosk-9"));
  EXPECT_THAT(a.line, Not(HasSubstr(a.token)));

  auto store = TokenStore::Parse(absl::StrCat("# issued\n", a.line, "\n", b.line, "\n"));
  ASSERT_TRUE(store.ok()) << store.status();
  auto caller = store->get()->Lookup(a.token);
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->role, Role::kKiosk);
  EXPECT_EQ(caller->tenant, "fair-site-9");
  EXPECT_EQ(caller->principal, "kiosk-9");
  EXPECT_TRUE(store->get()->Lookup(b.token).has_value());
}

// The grpc::ServerContextBase overload, exercised through a real in-process
// server: a generic callback service answers every method with the caller
// Check() saw ("role|tenant|principal|openid") or with its error.
class AuthReactor : public grpc::ServerGenericBidiReactor {
 public:
  AuthReactor(grpc::GenericCallbackServerContext* ctx, const Authenticator* auth) {
    absl::StatusOr<Caller> caller = auth->Check(*ctx, ctx->method());
    if (!caller.ok()) {
      Finish(ToGrpcStatus(caller.status()));
      return;
    }
    grpc::Slice slice(absl::StrCat(RoleName(caller->role), "|", caller->tenant, "|",
                                   caller->principal, "|", caller->openid));
    response_ = grpc::ByteBuffer(&slice, 1);
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer response_;
};

class AuthService : public grpc::CallbackGenericService {
 public:
  explicit AuthService(const Authenticator* auth) : auth_(auth) {}
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    return new AuthReactor(ctx, auth_);
  }

 private:
  const Authenticator* auth_;
};

class GrpcAuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterCallbackGenericService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  // Calls `method` with `metadata`; returns the status and the response text.
  std::pair<grpc::Status, std::string> Call(
      absl::string_view method, const std::vector<std::pair<std::string, std::string>>& metadata) {
    grpc::GenericStub stub(channel_);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    for (const auto& [key, value] : metadata) ctx.AddMetadata(key, value);
    grpc::Slice slice(std::string("ping"));
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&ctx, std::string(method), grpc::StubOptions(), &request, &response,
                   [&done](grpc::Status status) { done.set_value(std::move(status)); });
    grpc::Status status = done.get_future().get();
    std::string text;
    if (status.ok()) {
      std::vector<grpc::Slice> slices;
      EXPECT_TRUE(response.Dump(&slices).ok());
      for (const auto& s : slices) text.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    return {status, text};
  }

  std::unique_ptr<TokenStore> store_ = TestStore();
  Authenticator auth_{store_.get(), TestPolicy()};
  AuthService service_{&auth_};
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(GrpcAuthenticatorTest, ReadsAuthorizationAndOpenIdFromMetadata) {
  auto [status, text] =
      Call(kGetWorker, {{"authorization", Bearer(kWechatToken)}, {"x-labor-openid", "o-abc"}});
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(text, "wechat|gh_official|wechat-backend|o-abc");

  std::tie(status, text) = Call(kGetWorker, {{"authorization", Bearer(kAdminToken)}});
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(text, "admin|bureau|ops-alice|");

  std::tie(status, text) =
      Call(kUpsertWorker, {{"authorization", Bearer(kKioskToken)}, {"x-labor-openid", "o-abc"}});
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(text, "kiosk|fair-site-3|kiosk-03|");
}

TEST_F(GrpcAuthenticatorTest, MapsFailuresToGrpcCodes) {
  auto [status, text] = Call(kGetWorker, {});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), "missing bearer token");

  std::tie(status, text) = Call(kGetWorker, {{"authorization", Bearer("nope")}});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), "unknown token");

  std::tie(status, text) = Call(kGetWorker, {{"authorization", Bearer(kWechatToken)}});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), "wechat calls must carry x-labor-openid");

  std::tie(status, text) = Call(kGetWorker, {{"authorization", Bearer(kKioskToken)}});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), "role kiosk may not call GetWorker");
}

TEST_F(GrpcAuthenticatorTest, RepeatedHeadersAreRefused) {
  auto [status, text] = Call(
      kGetWorker, {{"authorization", Bearer(kKioskToken)}, {"authorization", Bearer(kAdminToken)}});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("more than once"));

  std::tie(status, text) = Call(kGetWorker, {{"authorization", Bearer(kWechatToken)},
                                             {"x-labor-openid", "o-a"},
                                             {"x-labor-openid", "o-b"}});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace labor
