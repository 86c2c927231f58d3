#include "common/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <exception>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"

namespace labor {
namespace {

// Latency buckets from 100 µs (a cache hit on loopback) to 10 s (a call that
// is about to hit its deadline), roughly 1-2.5-5 per decade.
prometheus::Histogram::BucketBoundaries LatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   5.0,  10.0};
}

// gRPC and absl share code numbers, so absl's names are the gRPC names
// ("OK", "NOT_FOUND", ...).
std::string CodeName(int grpc_code) {
  if (grpc_code < 0 || grpc_code > 16) return absl::StrCat("CODE_", grpc_code);
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(grpc_code));
}

// Opens and closes one TCP connection to host:port (IPv4; anything else, or a
// wildcard address, is reached through 127.0.0.1).
void Poke(const std::string& host, int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      addr.sin_addr.s_addr == htonl(INADDR_ANY)) {
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  (void)connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  close(fd);
}

}  // namespace

Metrics::Metrics(std::string service)
    : service_(std::move(service)), registry_(std::make_shared<prometheus::Registry>()) {
  requests_ = &prometheus::BuildCounter()
                   .Name("labor_rpc_requests_total")
                   .Help("RPCs finished, by method and gRPC status code")
                   .Register(*registry_);
  latency_ = &prometheus::BuildHistogram()
                  .Name("labor_rpc_latency_seconds")
                  .Help("RPC handling time, from handler start to status")
                  .Register(*registry_);
  redis_up_ = &prometheus::BuildGauge()
                   .Name("labor_redis_up")
                   .Help("1 while the Redis client's calls are answered, 0 while it is down")
                   .Register(*registry_);
  redis_transitions_ = &prometheus::BuildCounter()
                            .Name("labor_redis_transitions_total")
                            .Help("Changes of labor_redis_up (the first state seen included)")
                            .Register(*registry_);
}

// The series of one tracked client. The client's observer holds it, so it
// outlives whichever of the two goes first; `alive` says whether the
// registry (and so the series) still exists.
struct Metrics::RedisSeries {
  absl::Mutex mu;
  bool alive ABSL_GUARDED_BY(mu) = true;
  prometheus::Gauge* up = nullptr;
  prometheus::Counter* went_up = nullptr;
  prometheus::Counter* went_down = nullptr;
  int64_t reported_up ABSL_GUARDED_BY(mu) = 0;
  int64_t reported_down ABSL_GUARDED_BY(mu) = 0;
};

void Metrics::TrackRedis(RedisClient* client) {
  auto series = std::make_shared<RedisSeries>();
  const std::string& name = client->options().name;
  series->up = &redis_up_->Add({{"service", service_}, {"client", name}});
  series->went_up =
      &redis_transitions_->Add({{"service", service_}, {"client", name}, {"to", "up"}});
  series->went_down =
      &redis_transitions_->Add({{"service", service_}, {"client", name}, {"to", "down"}});
  redis_series_.push_back(series);
  client->ObserveHealth([series](const RedisHealth& health) {
    absl::MutexLock lock(&series->mu);
    if (!series->alive) return;
    series->up->Set(health.state == RedisHealth::State::kUp ? 1 : 0);
    // Counters only grow: add what the client counted since the last report.
    series->went_up->Increment(static_cast<double>(health.went_up - series->reported_up));
    series->went_down->Increment(static_cast<double>(health.went_down - series->reported_down));
    series->reported_up = health.went_up;
    series->reported_down = health.went_down;
  });
}

absl::Status Metrics::Serve(const std::string& address) {
  if (exposer_ != nullptr) return absl::FailedPreconditionError("metrics already served");
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    // One thread: scrapes are rare and cheap.
    exposer = std::make_unique<prometheus::Exposer>(address, 1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", address, ": ", e.what()));
  }
  std::vector<int> ports = exposer->GetListeningPorts();
  if (ports.empty() || ports[0] <= 0) {
    return absl::UnavailableError(absl::StrCat("metrics endpoint on ", address, " has no port"));
  }
  exposer->RegisterCollectable(registry_);
  port_ = ports[0];
  size_t colon = address.rfind(':');
  host_ = colon == std::string::npos ? "" : address.substr(0, colon);
  exposer_ = std::move(exposer);
  return absl::OkStatus();
}

Metrics::~Metrics() {
  StopServing();
  for (const std::shared_ptr<RedisSeries>& series : redis_series_) {
    absl::MutexLock lock(&series->mu);
    series->alive = false;
  }
}

void Metrics::StopServing() {
  if (exposer_ == nullptr) return;
  // civetweb's accept loop waits in poll() with a 2 s timeout and looks at its
  // stop flag only between polls, so a plain destruction takes ~2 s (every
  // service shutdown and every test would pay it). While the exposer stops on
  // another thread, connections wake the loop so it sees the flag at once.
  std::atomic<bool> stopped{false};
  std::thread stopper([this, &stopped] {
    exposer_.reset();
    stopped = true;
  });
  while (!stopped) {
    Poke(host_, port_);
    absl::SleepFor(absl::Milliseconds(2));
  }
  stopper.join();
  port_ = 0;
}

void Metrics::ObserveRpc(absl::string_view method, int grpc_code, absl::Duration latency) {
  prometheus::Counter* requests = nullptr;
  prometheus::Histogram* histogram = nullptr;
  {
    absl::MutexLock lock(&series_mu_);
    auto it = series_.find(method);
    if (it == series_.end()) {
      MethodSeries created;
      created.latency = &latency_->Add({{"service", service_}, {"method", std::string(method)}},
                                       LatencyBuckets());
      it = series_.emplace(std::string(method), created).first;
    }
    MethodSeries& series = it->second;
    histogram = series.latency;
    const bool known_code = grpc_code >= 0 && grpc_code < 17;
    if (known_code) requests = series.requests_by_code[grpc_code];
    if (requests == nullptr) {
      requests = &requests_->Add(
          {{"service", service_}, {"method", std::string(method)}, {"code", CodeName(grpc_code)}});
      if (known_code) series.requests_by_code[grpc_code] = requests;
    }
  }
  // Counters and histograms are thread-safe themselves.
  requests->Increment();
  histogram->Observe(absl::ToDoubleSeconds(latency));
}

}  // namespace labor
