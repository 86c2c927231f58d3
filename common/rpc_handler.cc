#include "common/rpc_handler.h"

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include <vector>

#include "common/log.h"
#include "common/parse_failure.h"
#include "common/status.h"

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

namespace {

// Parses `bytes`; when they do not parse, INVALID_ARGUMENT "<what> could
// not be parsed" naming the field (prefixed by `path_prefix`) where it can.
absl::Status Parse(const grpc::ByteBuffer& bytes, google::protobuf::Message* message,
                   absl::string_view what, absl::string_view path_prefix,
                   absl::string_view epilogue) {
  grpc::ByteBuffer copy(bytes);  // the reader needs a mutable buffer; slices are shared
  {
    grpc::ProtoBufferReader reader(&copy);
    if (message->ParseFromZeroCopyStream(&reader)) return absl::OkStatus();
  }
  // The parser does not say why; the wire walk does, on a flat copy (only
  // for a refused message).
  std::vector<grpc::Slice> slices;
  std::string flat;
  if (bytes.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      flat.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  FieldViolation why = DescribeParseFailure(*message->GetDescriptor(), flat);
  if (why.field.empty() && path_prefix.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " could not be parsed as ",
                                                   message->GetDescriptor()->full_name(), ": ",
                                                   why.description, epilogue));
  }
  why.field = why.field.empty()     ? std::string(path_prefix)
              : path_prefix.empty() ? why.field
                                    : absl::StrCat(path_prefix, ".", why.field);
  absl::Status status(
      absl::StatusCode::kInvalidArgument,
      absl::StrCat(what, " could not be parsed: ", why.field, ": ", why.description, epilogue));
  status.SetPayload(kFieldViolationsPayload,
                    *InvalidField(why.field, why.description).GetPayload(kFieldViolationsPayload));
  return status;
}

}  // namespace

absl::Status ParseRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message* message) {
  return Parse(bytes, message, "request", "", "");
}

absl::Status ParseStreamMessage(const grpc::ByteBuffer& bytes, int64_t index,
                                google::protobuf::Message* message) {
  return Parse(bytes, message, absl::StrCat("stream message ", index, " (counting from 0)"),
               absl::StrCat("messages[", index, "]"),
               "; the messages before it were answered, none from it on was taken");
}

absl::Status SerializeResponse(const google::protobuf::Message& message, grpc::ByteBuffer* bytes) {
  bytes->Clear();  // the writer refuses a buffer that holds something
  bool own_buffer = false;
  grpc::Status s = grpc::GenericSerialize<grpc::ProtoBufferWriter, google::protobuf::Message>(
      message, bytes, &own_buffer);
  if (s.ok()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("response could not be serialized: ", s.error_message()));
}

absl::Status ShuttingDownError() {
  return absl::UnavailableError("the server is shutting down; retry (on another instance)");
}

void UnaryDispatcher::Record(Metrics* metrics, absl::string_view method, absl::Time start,
                             const absl::Status& status) {
  LogRpcFailure(method, status);
  if (metrics != nullptr) {
    metrics->ObserveRpc(method, static_cast<int>(status.code()), absl::Now() - start);
  }
}

void UnaryDispatcher::FinishCall(grpc::ServerUnaryReactor* reactor, const char* method,
                                 absl::Time start, Metrics* metrics, const absl::Status& status) {
  Record(metrics, method, start, status);
  reactor->Finish(ToGrpcStatus(status));
}

}  // namespace labor
