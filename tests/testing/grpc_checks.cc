#include "tests/testing/grpc_checks.h"

#include <grpcpp/generic/generic_stub.h>

#include "absl/time/clock.h"
#include "common/outbox.h"
#include "common/status.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace labor::testing {

absl::StatusOr<int> HealthStatus(const std::shared_ptr<grpc::Channel>& channel,
                                 const std::string& service) {
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = health->Check(&ctx, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  return static_cast<int>(response.status());
}

absl::StatusOr<std::string> ReflectionServiceList(const std::shared_ptr<grpc::Channel>& channel) {
  // ServerReflectionRequest{list_services: "*"} encoded by hand (field 7),
  // so tests need no second copy of reflection.proto.
  grpc::GenericStub generic(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::CompletionQueue cq;
  auto call = generic.PrepareCall(
      &ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag;
  bool ok = false;
  std::string bytes;
  call->StartCall(reinterpret_cast<void*>(1));
  if (cq.Next(&tag, &ok) && ok) {
    std::string request_bytes = std::string("\x3a\x01*", 3);
    grpc::Slice slice(request_bytes);
    grpc::ByteBuffer request(&slice, 1);
    call->Write(request, reinterpret_cast<void*>(2));
    if (cq.Next(&tag, &ok) && ok) {
      grpc::ByteBuffer response;
      call->Read(&response, reinterpret_cast<void*>(3));
      if (cq.Next(&tag, &ok) && ok) {
        std::vector<grpc::Slice> slices;
        if (response.Dump(&slices).ok()) {
          for (const auto& s : slices) {
            bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
          }
        }
      }
    }
  }
  call->WritesDone(reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (bytes.empty()) return absl::UnavailableError("no reflection answer");
  return bytes;
}

std::vector<v1::Event> StreamEvents(RedisClient& redis, const std::string& stream) {
  std::vector<v1::Event> out;
  auto reply = redis.Command({"XRANGE", stream, "-", "+"});
  if (!reply.ok()) return out;
  for (const auto& entry : reply->elements) {
    if (entry.elements.size() < 2) continue;
    const auto& fields = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str != kStreamEventField) continue;
      v1::Event event;
      if (event.ParseFromString(fields[i + 1].str)) out.push_back(std::move(event));
    }
  }
  return out;
}

bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return condition();
}

bool HasFieldViolation(const absl::Status& status, absl::string_view field) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return false;
  for (const FieldViolation& v : GetFieldViolations(status)) {
    if (v.field == field) return true;
  }
  return false;
}

bool WaitServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                 absl::Duration timeout) {
  return WaitFor(
      [&] {
        auto status = HealthStatus(channel, service);
        return status.ok() && *status == grpc::health::v1::HealthCheckResponse::SERVING;
      },
      timeout);
}

}  // namespace labor::testing
