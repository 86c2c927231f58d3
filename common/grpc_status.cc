#include "common/grpc_status.h"

#include "absl/strings/str_cat.h"

#include "common/status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace labor {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  auto code = static_cast<grpc::StatusCode>(static_cast<int>(status.code()));
  std::string message(status.message());
  auto payload = status.GetPayload(kFieldViolationsPayload);
  if (!payload.has_value()) return grpc::Status(code, message);
  google::rpc::Status rich;
  rich.set_code(static_cast<int>(code));
  rich.set_message(message);
  auto* any = rich.add_details();
  any->set_type_url(std::string(kFieldViolationsPayload));
  any->set_value(std::string(*payload));
  return grpc::Status(code, message, rich.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(static_cast<int>(status.error_code())),
                   status.error_message());
  google::rpc::Status rich;
  if (!status.error_details().empty() && rich.ParseFromString(status.error_details())) {
    for (const auto& any : rich.details()) {
      if (any.type_url() == kFieldViolationsPayload) {
        out.SetPayload(kFieldViolationsPayload, absl::Cord(any.value()));
      }
    }
  }
  return out;
}

absl::Status UpstreamError(const grpc::Status& status, absl::string_view call) {
  absl::Status s = FromGrpcStatus(status);
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(call, ": ", s.message()));
}

}  // namespace labor
