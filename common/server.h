// Server bootstrap shared by every service: callback-API gRPC server,
// grpc.health.v1 tied to a store probe, reflection, Prometheus metrics,
// optional (m)TLS, bounds on what connections and requests in flight may
// hold, and a graceful shutdown on SIGTERM/SIGINT that drains in-flight
// calls (refusing new ones UNAVAILABLE, ending open streams at once) and
// then runs the service's flush hooks (WAL sync).
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/drain.h"
#include "common/metrics.h"

namespace labor {

struct ServerOptions {
  std::string service_name;  // fully qualified, e.g. "labor.v1.ProfileService"
  std::string listen_address = "127.0.0.1:0";
  std::string metrics_address;  // "" = no metrics endpoint
  std::string port_file;        // written after bind when not empty
  std::string tls_cert_file, tls_key_file, tls_client_ca_file;
  int max_message_bytes = 4 << 20;
  // Memory that requests in flight may hold in the transport (gRPC resource
  // quota); beyond it new calls are refused RESOURCE_EXHAUSTED.
  int64_t max_request_memory_bytes = int64_t{128} << 20;
  // A connection with no call for this long is closed (GOAWAY).
  absl::Duration max_connection_idle = absl::Minutes(5);
  // Every connection is closed after max_connection_age (GOAWAY: clients
  // reconnect for new calls); calls still open get max_connection_age_grace
  // more, then are cut (a Subscribe stream ends UNAVAILABLE and is resumed).
  absl::Duration max_connection_age = absl::Hours(1);
  absl::Duration max_connection_age_grace = absl::Minutes(5);
  // A connection must finish the HTTP/2 handshake (preface and SETTINGS)
  // within this, or it is closed.
  absl::Duration handshake_timeout = absl::Seconds(10);
  // The server pings a connection silent for keepalive_time and closes it
  // when the answer takes longer than keepalive_timeout (dead peers holding
  // streams). Clients may ping no more often than min_client_ping_interval
  // (more often twice: the connection is closed).
  absl::Duration keepalive_time = absl::Minutes(2);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  absl::Duration min_client_ping_interval = absl::Seconds(30);
  absl::Duration shutdown_grace = absl::Seconds(10);
  // At shutdown, after the last call in flight: how long no call may arrive
  // before the listener closes (calls already on their way are answered
  // UNAVAILABLE rather than cut when the transport shuts down).
  absl::Duration shutdown_quiet = absl::Milliseconds(200);
  absl::Duration health_interval = absl::Seconds(1);
};

class GrpcServer {
 public:
  // `health_probe` is polled every health_interval: OK -> SERVING, an error
  // -> NOT_SERVING (for the service name and for "").
  GrpcServer(ServerOptions options, std::function<absl::Status()> health_probe);
  ~GrpcServer();

  // Before Start. A service built on RpcService shares the server's drain.
  void AddService(grpc::Service* service);
  // Called after the server drained, in order (e.g. stop relays, sync WAL).
  void AddShutdownHook(std::function<void()> hook);

  // Builds and starts the server, sets health from one probe, serves
  // metrics, writes port_file and prints "listening on <host>:<port>" on
  // stdout. UNAVAILABLE when the address (or the metrics address) cannot be
  // bound; INVALID_ARGUMENT / NOT_FOUND for bad TLS files or limits;
  // FAILED_PRECONDITION when called twice or when a service left a method
  // without a callback handler.
  absl::Status Start();
  int port() const { return port_; }
  Metrics& metrics() { return *metrics_; }

  // Blocks until Shutdown() or SIGTERM/SIGINT (when InstallSignalHandlers
  // was called), then shuts down gracefully.
  void Wait();
  // Graceful: health NOT_SERVING; new calls are refused UNAVAILABLE and
  // open streams told to end (see ServerDrain); once no call is in flight
  // (or shutdown_grace has passed) stop accepting, cancel what is left at
  // the end of the grace, run the hooks (only when the server had started).
  // Idempotent and thread-safe: a concurrent caller returns when the
  // shutdown has finished.
  void Shutdown();

  // Asks Wait() to return after a graceful shutdown; returns at once.
  // Thread-safe, idempotent.
  void RequestStop();

  // Routes SIGTERM/SIGINT to RequestStop of every started GrpcServer in this
  // process (their Wait then shuts down gracefully); a second signal exits at
  // once. Call first thing in main, before any thread exists: it blocks both
  // signals in the calling thread (threads created later inherit the mask)
  // and a dedicated thread sigwait()s for them. Idempotent.
  static void InstallSignalHandlers();

 private:
  void HealthLoop();
  void UpdateHealth();

  ServerOptions options_;
  std::function<absl::Status()> health_probe_;
  std::vector<grpc::Service*> services_;
  ServerDrain drain_;
  std::vector<std::function<void()>> hooks_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  absl::Mutex stop_mu_;  // makes Notify happen once
  absl::Notification stop_requested_;
  absl::Mutex shutdown_mu_;
  bool started_ ABSL_GUARDED_BY(shutdown_mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
  std::thread health_thread_;
};

// Client side: channel credentials from flags-like options, and call
// metadata (bearer token, openid) plus a deadline on every call.
struct ClientOptions {
  std::string target = "127.0.0.1:50051";
  std::string token;                        // bearer token
  std::string tls_ca_file;                  // "" = plaintext (loopback)
  std::string tls_cert_file, tls_key_file;  // client certificate for mTLS
  absl::Duration deadline = absl::Seconds(5);
  int max_message_bytes = 4 << 20;
  std::string tls_server_name;  // name checked in the server certificate; "" = from target
};
// NOT_FOUND / INVALID_ARGUMENT for unreadable or non-PEM TLS files.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const ClientOptions& options);
// Sets authorization, the optional openid and the deadline on `ctx`.
void PrepareClientContext(const ClientOptions& options, grpc::ClientContext* ctx,
                          const std::string& openid = "");

}  // namespace labor
