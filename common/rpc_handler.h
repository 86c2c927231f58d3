// The body every unary callback handler shares: authenticate and authorize
// the call, run the domain method on the bounded worker pool (it may block
// on a synced RocksDB write), convert the status once, record metrics.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/grpc_status.h"
#include "common/metrics.h"
#include "common/thread_pool.h"

namespace labor {

// Logs failures that are not the caller's own doing (a client error such as
// INVALID_ARGUMENT or NOT_FOUND is answered, not logged). Messages never
// carry personal data: validators and the domain promise that.
void LogRpcFailure(absl::string_view method, const absl::Status& status);

class UnaryDispatcher {
 public:
  // `service` is the full service name ("labor.v1.VacancyService"). All
  // pointers must outlive the dispatcher; `metrics` may be null.
  UnaryDispatcher(absl::string_view service, const Authenticator* auth, ThreadPool* pool,
                  Metrics* metrics)
      : prefix_(absl::StrCat("/", service, "/")), auth_(auth), pool_(pool), metrics_(metrics) {}

  std::string FullMethod(absl::string_view method) const { return absl::StrCat(prefix_, method); }

  // Authenticates the call, then runs `fn(caller, *request)` (returning
  // absl::StatusOr<Response>) on the pool and finishes the reactor with its
  // result. A full pool answers RESOURCE_EXHAUSTED. `method` must be a
  // string literal (it outlives the call).
  template <typename Request, typename Response, typename Fn>
  grpc::ServerUnaryReactor* Handle(grpc::CallbackServerContext* ctx, const char* method,
                                   const Request* request, Response* response, Fn fn) const {
    return HandleAsync(
        ctx, method, request, response,
        [fn = std::move(fn)](const Caller& caller, const Request& req,
                             std::function<void(absl::StatusOr<Response>)> done) mutable {
          done(fn(caller, req));
        });
  }

  // As Handle, for a domain method that answers later: `fn(caller, *request,
  // done)` starts on the pool and calls `done(absl::StatusOr<Response>)`
  // exactly once, from any thread (e.g. after a group commit), so no pool
  // thread waits for the disk.
  template <typename Request, typename Response, typename Fn>
  grpc::ServerUnaryReactor* HandleAsync(grpc::CallbackServerContext* ctx, const char* method,
                                        const Request* request, Response* response, Fn fn) const {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    const absl::Time start = absl::Now();
    Metrics* metrics = metrics_;
    auto finish = [reactor, method, start, metrics](const absl::Status& status) {
      LogRpcFailure(method, status);
      if (metrics != nullptr) {
        metrics->ObserveRpc(method, static_cast<int>(status.code()), absl::Now() - start);
      }
      reactor->Finish(ToGrpcStatus(status));
    };
    absl::StatusOr<Caller> caller = Authenticate(*ctx, method);
    if (!caller.ok()) {
      finish(caller.status());
      return reactor;
    }
    bool queued = pool_->Submit(
        [fn = std::move(fn), request, response, finish, caller = *std::move(caller)]() mutable {
          fn(caller, *request, [response, finish](absl::StatusOr<Response> result) {
            if (result.ok()) *response = *std::move(result);
            finish(result.status());
          });
        });
    if (!queued) finish(absl::ResourceExhaustedError("server is busy; retry with backoff"));
    return reactor;
  }

  // The caller of a call to `method` (for streaming handlers).
  absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& ctx,
                                      absl::string_view method) const {
    return auth_->Check(ctx, FullMethod(method));
  }

  ThreadPool* pool() const { return pool_; }
  Metrics* metrics() const { return metrics_; }

 private:
  std::string prefix_;
  const Authenticator* auth_;
  ThreadPool* pool_;
  Metrics* metrics_;
};

}  // namespace labor
