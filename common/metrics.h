// Prometheus metrics: a registry, an HTTP exposer, and per-RPC metrics.
#pragma once

#include <memory>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
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
  // Serves /metrics on `address` ("127.0.0.1:0" picks a port). UNAVAILABLE
  // when the address cannot be bound.
  absl::Status Serve(const std::string& address);
  int port() const { return port_; }

  prometheus::Registry& registry() { return *registry_; }
  // labor_rpc_requests_total{service,method,code} and
  // labor_rpc_latency_seconds{service,method}.
  void ObserveRpc(absl::string_view method, int grpc_code, absl::Duration latency);

 private:
  std::string service_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* latency_;
};

}  // namespace labor
