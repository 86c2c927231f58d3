// Prometheus metrics: a registry, an HTTP exposer, and per-RPC metrics.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/redis.h"
#include "grpcpp/support/status.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace labor {

class Metrics {
 public:
  explicit Metrics(std::string service);
  ~Metrics();  // stops the endpoint (promptly, see StopServing)
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Serves /metrics on `address` ("127.0.0.1:0" picks a port). UNAVAILABLE
  // when the address cannot be bound.
  absl::Status Serve(const std::string& address);
  int port() const { return port_; }
  // Stops the HTTP endpoint; a no-op when not serving.
  void StopServing();

  prometheus::Registry& registry() { return *registry_; }
  // labor_rpc_requests_total{service,method,code} and
  // labor_rpc_latency_seconds{service,method}.
  void ObserveRpc(absl::string_view method, int grpc_code, absl::Duration latency);
  // Exports the health of `client` (RedisClient::ObserveHealth) as
  // labor_redis_up{service,client} (1 answering, 0 down or not reached yet)
  // and labor_redis_transitions_total{service,client,to="up"|"down"}. Either
  // may be destroyed first.
  void TrackRedis(RedisClient* client);

 private:
  std::string service_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::string host_;  // where the endpoint listens, for StopServing
  int port_ = 0;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* latency_;
  // The series of each method (and code) once looked up: a family lookup
  // builds and hashes a label map, on every RPC otherwise. Series live as
  // long as their family.
  struct MethodSeries {
    prometheus::Histogram* latency = nullptr;
    std::array<prometheus::Counter*, 17> requests_by_code{};
  };
  prometheus::Family<prometheus::Gauge>* redis_up_;
  prometheus::Family<prometheus::Counter>* redis_transitions_;
  struct RedisSeries;
  std::vector<std::shared_ptr<RedisSeries>> redis_series_;  // marked dead on destruction
  absl::Mutex series_mu_;
  absl::flat_hash_map<std::string, MethodSeries> series_ ABSL_GUARDED_BY(series_mu_);
};

// Records one RPC: construct it when a handler starts, call Finish with the
// status the call ends with. A scope destroyed unfinished records UNKNOWN (a
// handler path that forgot to report is visible, not silent). `metrics` may
// be null (records nothing). Not thread-safe; one per call.
class RpcScope {
 public:
  RpcScope(Metrics* metrics, absl::string_view method)
      : metrics_(metrics), method_(method), start_(absl::Now()) {}
  ~RpcScope() {
    if (!finished_) Finish(grpc::StatusCode::UNKNOWN);
  }
  RpcScope(const RpcScope&) = delete;
  RpcScope& operator=(const RpcScope&) = delete;

  // Records the call once; later calls are ignored.
  void Finish(grpc::StatusCode code) {
    if (finished_) return;
    finished_ = true;
    if (metrics_ != nullptr) metrics_->ObserveRpc(method_, code, absl::Now() - start_);
  }
  void Finish(const grpc::Status& status) { Finish(status.error_code()); }
  void Finish(const absl::Status& status) { Finish(static_cast<grpc::StatusCode>(status.code())); }

 private:
  Metrics* metrics_;
  std::string method_;
  absl::Time start_;
  bool finished_ = false;
};

}  // namespace labor
