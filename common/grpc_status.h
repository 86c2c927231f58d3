// The one place where absl::Status becomes grpc::Status (at the gRPC edge).
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace labor {

// Maps the code one-to-one (absl and gRPC share code numbers) and keeps the
// message. Field violations become a google.rpc.BadRequest inside a
// google.rpc.Status in the error details (grpc-status-details-bin), so clients
// can read which field failed and why.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The inverse, for clients: code, message and field violations.
absl::Status FromGrpcStatus(const grpc::Status& status);

// FromGrpcStatus for a call this service made to another: the message names
// the call ("ProfileService.GetWorker: ..."); the code is kept, so the caller
// can tell retryable failures (UNAVAILABLE) from answers (NOT_FOUND).
absl::Status UpstreamError(const grpc::Status& status, absl::string_view call);

}  // namespace labor
