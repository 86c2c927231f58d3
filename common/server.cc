#include "common/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/rpc_handler.h"
#include "common/status.h"

namespace labor {
namespace {

// Reads a PEM file: NOT_FOUND when unreadable, INVALID_ARGUMENT when it holds
// no PEM block. `what` names the setting in the message.
absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(what, ": cannot read ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  std::string pem = contents.str();
  if (!absl::StrContains(pem, "-----BEGIN ")) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", path, " is not a PEM file"));
  }
  return pem;
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", tmp));
    out << contents;
    out.flush();
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return absl::UnavailableError(absl::StrCat("cannot rename ", tmp, " to ", path));
  }
  return absl::OkStatus();
}

// "127.0.0.1:0" -> "127.0.0.1"; "[::1]:50051" -> "[::1]".
std::string HostOf(const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos || address.find(']', colon) != std::string::npos) {
    return address;
  }
  return address.substr(0, colon);
}

// Servers that signals stop. Leaked on purpose: the signal thread may still
// look at it while the process exits.
struct SignalRegistry {
  absl::Mutex mu;
  std::vector<GrpcServer*> servers ABSL_GUARDED_BY(mu);
  bool signaled ABSL_GUARDED_BY(mu) = false;
};

SignalRegistry& Signals() {
  static SignalRegistry* registry = new SignalRegistry;
  return *registry;
}

void RegisterForSignals(GrpcServer* server) {
  SignalRegistry& registry = Signals();
  bool signaled;
  {
    absl::MutexLock lock(&registry.mu);
    registry.servers.push_back(server);
    signaled = registry.signaled;
  }
  // A signal that came while the server was starting still stops it.
  if (signaled) server->RequestStop();
}

void UnregisterForSignals(GrpcServer* server) {
  SignalRegistry& registry = Signals();
  absl::MutexLock lock(&registry.mu);
  std::erase(registry.servers, server);
}

void SignalLoop(sigset_t signals) {
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    SignalRegistry& registry = Signals();
    bool first;
    {
      absl::MutexLock lock(&registry.mu);
      first = !registry.signaled;
      registry.signaled = true;
      for (GrpcServer* server : registry.servers) server->RequestStop();
    }
    if (!first) {
      LABOR_LOG(WARNING) << "second signal " << sig << ": exiting without a graceful shutdown";
      std::_Exit(128 + sig);
    }
    LABOR_LOG(INFO) << "signal " << sig << ": shutting down gracefully";
  }
}

}  // namespace

GrpcServer::GrpcServer(ServerOptions options, std::function<absl::Status()> health_probe)
    : options_(std::move(options)),
      health_probe_(std::move(health_probe)),
      metrics_(std::make_unique<Metrics>(options_.service_name)) {}

GrpcServer::~GrpcServer() {
  UnregisterForSignals(this);
  Shutdown();
}

void GrpcServer::AddService(grpc::Service* service) {
  if (auto* drainable = dynamic_cast<DrainableService*>(service)) drainable->AttachDrain(&drain_);
  services_.push_back(service);
}

void GrpcServer::AddShutdownHook(std::function<void()> hook) { hooks_.push_back(std::move(hook)); }

absl::Status GrpcServer::Start() {
  absl::MutexLock lock(&shutdown_mu_);
  if (started_ || shut_down_) {
    return absl::FailedPreconditionError("server already started or shut down");
  }

  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (options_.tls_cert_file.empty() && options_.tls_key_file.empty()) {
    if (!options_.tls_client_ca_file.empty()) {
      return absl::InvalidArgumentError("tls_client_ca_file needs tls_cert_file and tls_key_file");
    }
    credentials = grpc::InsecureServerCredentials();
  } else {
    if (options_.tls_cert_file.empty() || options_.tls_key_file.empty()) {
      return absl::InvalidArgumentError("tls_cert_file and tls_key_file go together");
    }
    ASSIGN_OR_RETURN(std::string cert, ReadPemFile(options_.tls_cert_file, "tls_cert_file"));
    ASSIGN_OR_RETURN(std::string key, ReadPemFile(options_.tls_key_file, "tls_key_file"));
    grpc::SslServerCredentialsOptions ssl(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    if (!options_.tls_client_ca_file.empty()) {
      ASSIGN_OR_RETURN(ssl.pem_root_certs,
                       ReadPemFile(options_.tls_client_ca_file, "tls_client_ca_file"));
      ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    ssl.pem_key_cert_pairs.push_back({std::move(key), std::move(cert)});
    credentials = grpc::SslServerCredentials(ssl);
  }

  for (grpc::Service* service : services_) {
    // A method left to the generated synchronous default would answer
    // UNIMPLEMENTED from threads this callback server does not run.
    if (service->has_synchronous_methods()) {
      return absl::FailedPreconditionError(
          "a service has a method without a callback handler (register every method)");
    }
  }
  if (options_.max_request_memory_bytes <= 0) {
    return absl::InvalidArgumentError("max_request_memory_bytes must be positive");
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // Without this a second process could bind the same port silently (gRPC
  // sets SO_REUSEPORT by default) and the two would share the traffic.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  // Requests are buffered whole before a handler sees them: the quota bounds
  // what all of them together may hold (beyond it: RESOURCE_EXHAUSTED).
  grpc::ResourceQuota quota(absl::StrCat(options_.service_name, " requests"));
  quota.Resize(static_cast<size_t>(options_.max_request_memory_bytes));
  builder.SetResourceQuota(quota);
  // Connections that hold a descriptor without doing anything are closed:
  // no handshake, no call, or a dead peer under an open stream.
  auto ms = [](absl::Duration d) {
    return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 1, INT32_MAX));
  };
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS, ms(options_.handshake_timeout));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, ms(options_.max_connection_idle));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, ms(options_.max_connection_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             ms(options_.max_connection_age_grace));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, ms(options_.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ms(options_.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             ms(options_.min_client_ping_interval));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  builder.AddListeningPort(options_.listen_address, credentials, &port_);
  for (grpc::Service* service : services_) builder.RegisterService(service);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    if (server_ != nullptr) server_->Shutdown();
    server_.reset();
    port_ = 0;
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.listen_address, " (address in use?)"));
  }

  if (!options_.metrics_address.empty()) {
    absl::Status metrics = metrics_->Serve(options_.metrics_address);
    if (!metrics.ok()) {
      server_->Shutdown();
      server_.reset();
      port_ = 0;
      return metrics;
    }
  }

  UpdateHealth();
  health_thread_ = std::thread([this] { HealthLoop(); });
  started_ = true;

  if (!options_.port_file.empty()) {
    absl::Status written = WriteFileAtomically(options_.port_file, absl::StrCat(port_, "\n"));
    if (!written.ok()) LABOR_LOG(ERROR) << "port file: " << written;
  }
  std::printf("listening on %s:%d\n", HostOf(options_.listen_address).c_str(), port_);
  std::fflush(stdout);
  RegisterForSignals(this);
  return absl::OkStatus();
}

void GrpcServer::UpdateHealth() {
  absl::Status health = health_probe_ ? health_probe_() : absl::OkStatus();
  if (!health.ok()) LABOR_LOG(WARNING) << options_.service_name << " unhealthy: " << health;
  grpc::HealthCheckServiceInterface* service = server_->GetHealthCheckService();
  if (service == nullptr) return;
  service->SetServingStatus(options_.service_name, health.ok());
  service->SetServingStatus(health.ok());
}

void GrpcServer::HealthLoop() {
  while (!stop_requested_.WaitForNotificationWithTimeout(options_.health_interval)) {
    UpdateHealth();
  }
}

void GrpcServer::RequestStop() {
  absl::MutexLock lock(&stop_mu_);
  if (!stop_requested_.HasBeenNotified()) stop_requested_.Notify();
}

void GrpcServer::Wait() {
  stop_requested_.WaitForNotification();
  Shutdown();
}

void GrpcServer::Shutdown() {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  RequestStop();
  if (!started_) return;

  // The health thread stops first so it cannot flip the status back.
  if (health_thread_.joinable()) health_thread_.join();
  if (grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService()) {
    health->SetServingStatus(options_.service_name, false);
    health->SetServingStatus(false);
  }
  // Calls in flight are answered; new ones are refused UNAVAILABLE (which
  // clients retry) and streams end at once. Only once that is done does
  // the transport shut down: calls it holds but has not handed over yet
  // would be cut CANCELLED, and clients do not retry those.
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + options_.shutdown_grace;
  drain_.Start();
  if (!drain_.WaitQuiet(options_.shutdown_quiet, deadline)) {
    LABOR_LOG(WARNING) << "shutdown: calls still in flight after the grace period";
  }
  // Stops accepting calls, lets in-flight ones finish until the deadline,
  // then cancels the rest and waits for their handlers.
  server_->Shutdown(absl::ToChronoTime(deadline));
  server_->Wait();
  LABOR_LOG(INFO) << "shutdown: calls drained in " << absl::FormatDuration(absl::Now() - start);
  for (const auto& hook : hooks_) hook();
}

void GrpcServer::InstallSignalHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::thread(SignalLoop, signals).detach();
  });
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const ClientOptions& options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(options.max_message_bytes);
  args.SetMaxSendMessageSize(options.max_message_bytes);
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.tls_ca_file.empty()) {
    if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
      return absl::InvalidArgumentError("a client certificate needs tls_ca_file (TLS)");
    }
    credentials = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPemFile(options.tls_ca_file, "tls_ca_file"));
    if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
      return absl::InvalidArgumentError("tls_cert_file and tls_key_file go together");
    }
    if (!options.tls_cert_file.empty()) {
      ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadPemFile(options.tls_cert_file, "tls_cert_file"));
      ASSIGN_OR_RETURN(ssl.pem_private_key, ReadPemFile(options.tls_key_file, "tls_key_file"));
    }
    if (!options.tls_server_name.empty()) {
      args.SetSslTargetNameOverride(options.tls_server_name);
    }
    credentials = grpc::SslCredentials(ssl);
  }
  return grpc::CreateCustomChannel(options.target, credentials, args);
}

void PrepareClientContext(const ClientOptions& options, grpc::ClientContext* ctx,
                          const std::string& openid) {
  if (!options.token.empty()) ctx->AddMetadata("authorization", "Bearer " + options.token);
  if (!openid.empty()) ctx->AddMetadata("x-labor-openid", openid);
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + options.deadline));
}

}  // namespace labor
