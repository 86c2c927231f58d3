#include "tools/client.h"

#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/auth.h"
#include "common/config.h"
#include "common/grpc_status.h"
#include "common/status.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051",
          "ProfileService address host:port (env LABOR_TARGET)");
ABSL_FLAG(std::string, vacancy_target, "127.0.0.1:50052",
          "VacancyService address host:port (env LABOR_VACANCY_TARGET)");
ABSL_FLAG(std::string, matching_target, "127.0.0.1:50053",
          "MatchingService address host:port (env LABOR_MATCHING_TARGET)");
ABSL_FLAG(std::string, token, "", "bearer token (env LABOR_TOKEN); overrides --token_file");
ABSL_FLAG(std::string, token_file, "var/dev/tokens/admin.token",
          "file holding the bearer token (created by scripts/dev-init.sh)");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(10), "deadline of each call");
ABSL_FLAG(std::string, tls_ca_file, "",
          "CA certificate (PEM) to verify the server; empty = plaintext. With TLS, "
          "--tls_cert_file/--tls_key_file are the client certificate for mTLS");

namespace labor::tools {

absl::StatusOr<ClientOptions> ClientOptionsFromFlags() {
  ClientOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  options.deadline = absl::GetFlag(FLAGS_deadline);
  options.tls_ca_file = absl::GetFlag(FLAGS_tls_ca_file);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  options.token = std::string(absl::StripAsciiWhitespace(absl::GetFlag(FLAGS_token)));
  if (options.token.empty()) {
    const std::string path = absl::GetFlag(FLAGS_token_file);
    absl::StatusOr<std::string> token = ReadTokenFile(path);
    if (!token.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("no token: ", token.status().message(),
                       "; pass --token or --token_file (dev tokens: scripts/dev-init.sh)"));
    }
    options.token = *std::move(token);
  }
  return options;
}

absl::StatusOr<ClientOptions> VacancyClientOptionsFromFlags() {
  absl::StatusOr<ClientOptions> options = ClientOptionsFromFlags();
  if (options.ok()) options->target = absl::GetFlag(FLAGS_vacancy_target);
  return options;
}

absl::StatusOr<ClientOptions> MatchingClientOptionsFromFlags() {
  absl::StatusOr<ClientOptions> options = ClientOptionsFromFlags();
  if (options.ok()) options->target = absl::GetFlag(FLAGS_matching_target);
  return options;
}

std::string DescribeError(const absl::Status& status) {
  const std::string code = absl::StatusCodeToString(status.code());
  std::vector<FieldViolation> violations = GetFieldViolations(status);
  if (violations.empty()) return absl::StrCat(code, ": ", status.message());
  std::vector<std::string> lines;
  for (const FieldViolation& v : violations) {
    lines.push_back(absl::StrCat(code, ": ", v.field, ": ", v.description));
  }
  return absl::StrJoin(lines, "\n");
}

std::string DescribeRpcError(const grpc::Status& status) {
  return DescribeError(FromGrpcStatus(status));
}

}  // namespace labor::tools
