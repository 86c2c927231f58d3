// The one place where absl::Status becomes grpc::Status (at the gRPC edge).
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace labor {

// Maps the code one-to-one (absl and gRPC share code numbers) and keeps the
// message. Field violations become a google.rpc.BadRequest inside a
// google.rpc.Status in the error details (grpc-status-details-bin), so clients
// can read which field failed and why.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The inverse, for clients: code, message and field violations.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace labor
