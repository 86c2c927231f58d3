#include "common/rpc_handler.h"

#include "common/log.h"

namespace labor {

void LogRpcFailure(absl::string_view method, const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return;
    default:
      LABOR_LOG(WARNING) << method << " failed: " << status;
  }
}

}  // namespace labor
