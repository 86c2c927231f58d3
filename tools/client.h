// Client plumbing shared by laborctl and labor-demo: connection flags
// (--target for ProfileService, --vacancy_target for VacancyService, --matching_target for
// MatchingService, --token, --token_file,
// --deadline, --tls_ca_file plus the common --tls_cert_file/--tls_key_file, used here as the client
// certificate), token loading and error text for operators.
#pragma once

#include <grpcpp/support/status.h>

#include <string>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/server.h"

ABSL_DECLARE_FLAG(std::string, target);
ABSL_DECLARE_FLAG(std::string, vacancy_target);
ABSL_DECLARE_FLAG(std::string, matching_target);
ABSL_DECLARE_FLAG(std::string, token);
ABSL_DECLARE_FLAG(std::string, token_file);
ABSL_DECLARE_FLAG(absl::Duration, deadline);
ABSL_DECLARE_FLAG(std::string, tls_ca_file);

namespace labor::tools {


// ClientOptions from the flags. The token is --token (LABOR_TOKEN) or else
// read from --token_file; FAILED_PRECONDITION saying how to get one when
// neither works.
absl::StatusOr<ClientOptions> ClientOptionsFromFlags();
// The same for VacancyService: target --vacancy_target (LABOR_VACANCY_TARGET),
// everything else (token, TLS, deadline) shared.
absl::StatusOr<ClientOptions> VacancyClientOptionsFromFlags();
// The same for MatchingService: target --matching_target (LABOR_MATCHING_TARGET).
absl::StatusOr<ClientOptions> MatchingClientOptionsFromFlags();

// Operator-facing text of an error: one line per field violation,
// "INVALID_ARGUMENT: worker.id_number: check digit does not match", or
// "UNAVAILABLE: <message>" when there are none. No trailing newline.
std::string DescribeError(const absl::Status& status);
// Same for a gRPC status (decodes the rich error details).
std::string DescribeRpcError(const grpc::Status& status);

}  // namespace labor::tools
