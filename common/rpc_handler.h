// The gRPC edge every service shares. Every method is registered raw (its
// messages arrive as bytes) and parsed here, so a request that does not parse
// is answered INVALID_ARGUMENT "request could not be parsed" naming the field
// (gRPC's typed callback API answers UNIMPLEMENTED with no message, and ends
// a stream as if the client had closed it). A unary call is authenticated
// and authorized, runs its domain method on the bounded worker pool (it may
// block on a synced RocksDB write), its status is converted once and metrics
// are recorded. During a graceful shutdown new calls are refused
// UNAVAILABLE (see ServerDrain).
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>
#include <grpcpp/impl/service_type.h>
#include <grpcpp/support/byte_buffer.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/drain.h"
#include "common/grpc_status.h"
#include "common/metrics.h"
#include "common/thread_pool.h"

namespace labor {

// Logs failures that are not the caller's own doing (a client error such as
// INVALID_ARGUMENT or NOT_FOUND is answered, not logged). Messages never
// carry personal data: validators and the domain promise that.
void LogRpcFailure(absl::string_view method, const absl::Status& status);

// Parses `bytes` into `message`. INVALID_ARGUMENT "request could not be
// parsed" when they do not parse, naming the field where one can be named
// (as a field violation, like any other bad field).
absl::Status ParseRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message* message);
// ParseRequest for message `index` (from 0) of a client stream: the error
// says that the messages before it were answered and names the field as
// "messages[<index>].<field>".
absl::Status ParseStreamMessage(const grpc::ByteBuffer& bytes, int64_t index,
                                google::protobuf::Message* message);
// Serializes `message` into `bytes`, replacing what they held (INTERNAL if
// it cannot be).
absl::Status SerializeResponse(const google::protobuf::Message& message, grpc::ByteBuffer* bytes);

// The UNAVAILABLE a call gets once the server is shutting down.
absl::Status ShuttingDownError();

class UnaryDispatcher {
 public:
  // `service` is the full service name ("labor.v1.VacancyService"). All
  // pointers must outlive the dispatcher; `metrics` may be null.
  UnaryDispatcher(absl::string_view service, const Authenticator* auth, ThreadPool* pool,
                  Metrics* metrics)
      : prefix_(absl::StrCat("/", service, "/")), auth_(auth), pool_(pool), metrics_(metrics) {}

  std::string FullMethod(absl::string_view method) const { return absl::StrCat(prefix_, method); }

  // Admits, authenticates and parses the call, then runs `fn(caller,
  // request, done)` on the pool; `done(absl::StatusOr<Response>)` is called
  // exactly once, from any thread (e.g. after a group commit, so no pool
  // thread waits for the disk), and finishes the call. A full pool answers
  // RESOURCE_EXHAUSTED. `method` must be a string literal (it outlives the
  // call).
  template <typename Request, typename Response, typename Fn>
  grpc::ServerUnaryReactor* HandleAsync(grpc::CallbackServerContext* ctx, const char* method,
                                        const grpc::ByteBuffer* in, grpc::ByteBuffer* out,
                                        Fn fn) const {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    const absl::Time start = absl::Now();
    Metrics* metrics = metrics_;
    ServerDrain* drain = drain_;
    if (!drain->TryEnter()) {
      FinishCall(reactor, method, start, metrics, ShuttingDownError());
      return reactor;
    }
    auto finish = [reactor, method, start, metrics, drain](const absl::Status& status) {
      drain->Exit();
      FinishCall(reactor, method, start, metrics, status);
    };
    absl::StatusOr<Caller> caller = Authenticate(*ctx, method);
    if (!caller.ok()) {
      finish(caller.status());
      return reactor;
    }
    auto request = std::make_shared<Request>();
    if (absl::Status parsed = ParseRequest(*in, request.get()); !parsed.ok()) {
      finish(parsed);
      return reactor;
    }
    bool queued = pool_->Submit(
        [fn = std::move(fn), request, out, finish, caller = *std::move(caller)]() mutable {
          fn(caller, *request, [out, finish](absl::StatusOr<Response> result) {
            finish(result.ok() ? SerializeResponse(*result, out) : result.status());
          });
        });
    if (!queued) finish(absl::ResourceExhaustedError("server is busy; retry with backoff"));
    return reactor;
  }

  // As HandleAsync, for a domain method that answers at once: `fn(caller,
  // request)` returns absl::StatusOr<Response>.
  template <typename Request, typename Response, typename Fn>
  grpc::ServerUnaryReactor* Handle(grpc::CallbackServerContext* ctx, const char* method,
                                   const grpc::ByteBuffer* in, grpc::ByteBuffer* out, Fn fn) const {
    return HandleAsync<Request, Response>(
        ctx, method, in, out,
        [fn = std::move(fn)](const Caller& caller, const Request& request,
                             std::function<void(absl::StatusOr<Response>)> done) mutable {
          done(fn(caller, request));
        });
  }

  // For streaming handlers: UNAVAILABLE once the server is shutting down,
  // else the caller of a call to `method`.
  absl::StatusOr<Caller> Admit(const grpc::ServerContextBase& ctx, absl::string_view method) const {
    if (drain_->draining()) return ShuttingDownError();
    return Authenticate(ctx, method);
  }

  // What every call's end records (failure log, metrics); streaming
  // handlers call it before they finish.
  void RecordStreamEnd(absl::string_view method, absl::Time start,
                       const absl::Status& status) const {
    Record(metrics_, method, start, status);
  }

  ThreadPool* pool() const { return pool_; }
  Metrics* metrics() const { return metrics_; }
  ServerDrain* drain() const { return drain_; }
  // The server's drain (GrpcServer sets it before it starts). Until then the
  // dispatcher's own, which never drains.
  void set_drain(ServerDrain* drain) { drain_ = drain; }

 private:
  absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& ctx,
                                      absl::string_view method) const {
    return auth_->Check(ctx, FullMethod(method));
  }
  static void Record(Metrics* metrics, absl::string_view method, absl::Time start,
                     const absl::Status& status);
  static void FinishCall(grpc::ServerUnaryReactor* reactor, const char* method, absl::Time start,
                         Metrics* metrics, const absl::Status& status);

  std::string prefix_;
  const Authenticator* auth_;
  ThreadPool* pool_;
  Metrics* metrics_;
  ServerDrain own_drain_;
  ServerDrain* drain_ = &own_drain_;
};

// What GrpcServer needs of a service built on RpcService: the drain to share.
class DrainableService {
 public:
  virtual ~DrainableService() = default;
  virtual void AttachDrain(ServerDrain* drain) = 0;
};

namespace internal {
template <typename Method>
struct UnaryMethodTraits;
template <typename Manager, typename Request, typename Response>
struct UnaryMethodTraits<absl::StatusOr<Response> (Manager::*)(const Caller&, const Request&)> {
  using RequestType = Request;
  using ResponseType = Response;
};
template <typename Manager, typename Request, typename Response>
struct UnaryMethodTraits<absl::StatusOr<Response> (Manager::*)(const Caller&, const Request&)
                             const> {
  using RequestType = Request;
  using ResponseType = Response;
};
}  // namespace internal

// Base of a service adapter: `Generated` is the generated service
// (v1::ProfileService); every method of its Service the adapter must
// register in its constructor with Unary / UnaryAsync / ServerStreaming /
// BidiStreaming (GrpcServer refuses to start a service that left one
// unregistered).
template <typename Generated>
class RpcService : public Generated::Service, public DrainableService {
 public:
  RpcService(const Authenticator* auth, ThreadPool* pool, Metrics* metrics)
      : dispatch_(Generated::service_full_name(), auth, pool, metrics) {}

  void AttachDrain(ServerDrain* drain) override { dispatch_.set_drain(drain); }

 protected:
  // `method` answered by `(manager->*fn)(caller, request)`, a domain method
  // returning absl::StatusOr<Response>.
  template <typename Manager, typename Fn>
  void Unary(const char* method, Manager* manager, Fn fn) {
    using Traits = internal::UnaryMethodTraits<Fn>;
    using Request = typename Traits::RequestType;
    using Response = typename Traits::ResponseType;
    Register(method,
             new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                 [this, method, manager, fn](grpc::CallbackServerContext* ctx,
                                             const grpc::ByteBuffer* in, grpc::ByteBuffer* out) {
                   return dispatch_.Handle<Request, Response>(
                       ctx, method, in, out,
                       [manager, fn](const Caller& caller, const Request& request) {
                         return (manager->*fn)(caller, request);
                       });
                 }));
  }

  // `method` answered later: `fn(caller, request, done)` (see
  // UnaryDispatcher::HandleAsync).
  template <typename Request, typename Response, typename Fn>
  void UnaryAsync(const char* method, Fn fn) {
    Register(method, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                         [this, method, fn](grpc::CallbackServerContext* ctx,
                                            const grpc::ByteBuffer* in, grpc::ByteBuffer* out) {
                           return dispatch_.HandleAsync<Request, Response>(ctx, method, in, out,
                                                                           fn);
                         }));
  }

  // A server-streaming method: `fn(ctx, request_bytes)` returns its reactor
  // (it parses the request with ParseRequest).
  void ServerStreaming(const char* method,
                       std::function<grpc::ServerWriteReactor<grpc::ByteBuffer>*(
                           grpc::CallbackServerContext*, const grpc::ByteBuffer*)>
                           fn) {
    Register(method,
             new grpc::internal::CallbackServerStreamingHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                 std::move(fn)));
  }

  // A bidi-streaming method: `fn(ctx)` returns its reactor (it parses each
  // message with ParseRequest).
  void BidiStreaming(const char* method,
                     std::function<grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>*(
                         grpc::CallbackServerContext*)>
                         fn) {
    Register(method, new grpc::internal::CallbackBidiHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                         std::move(fn)));
  }

  UnaryDispatcher dispatch_;

 private:
  void Register(absl::string_view method, grpc::internal::MethodHandler* handler) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            Generated::service_full_name());
    const google::protobuf::MethodDescriptor* found =
        service == nullptr ? nullptr : service->FindMethodByName(std::string(method));
    GPR_ASSERT(found != nullptr);  // a typo in a literal method name
    this->MarkMethodRawCallback(found->index(), handler);
  }
};

}  // namespace labor
