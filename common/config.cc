#include "common/config.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"

// Defaults bind to loopback only: a service started with no configuration is
// reachable from this machine and nowhere else. Each service's main replaces
// the per-service defaults (listen, metrics_listen, db_path) with
// absl::SetFlag before ParseFlagsWithEnv, so the environment and the command
// line still win over them.
ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC listen address host:port (port 0 picks a free port)");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9151",
          "Prometheus /metrics HTTP address host:port; empty disables the endpoint");
ABSL_FLAG(std::string, port_file, "",
          "when set, the bound gRPC port is written to this file after start");
ABSL_FLAG(std::string, db_path, "var/data/labor", "RocksDB directory of this service");
ABSL_FLAG(bool, sync_writes, true,
          "fsync the RocksDB WAL on every write (false trades durability of the last "
          "writes on power loss for speed)");
ABSL_FLAG(std::string, data_dir, "data", "reference data directory (regions, occupations)");
ABSL_FLAG(std::string, redis_host, "127.0.0.1", "Redis host (event streams and cache)");
ABSL_FLAG(int, redis_port, 6379, "Redis port");
ABSL_FLAG(absl::Duration, redis_connect_timeout, absl::Milliseconds(200), "Redis connect timeout");
ABSL_FLAG(absl::Duration, redis_command_timeout, absl::Milliseconds(500),
          "Redis per-command timeout");
ABSL_FLAG(std::string, auth_tokens_file, "var/dev/tokens.conf",
          "bearer tokens and their roles (scripts/dev-init.sh writes a development file)");
ABSL_FLAG(std::string, pii_key_file, "var/dev/pii.key",
          "key file for encrypting and hashing personal data");
ABSL_FLAG(bool, create_pii_key, true,
          "create pii_key_file when it is missing (development and first-run convenience; "
          "set false in production so a missing key is an error, not a new key)");
ABSL_FLAG(std::string, tls_cert_file, "", "server certificate chain (PEM); empty = plaintext");
ABSL_FLAG(std::string, tls_key_file, "", "server private key (PEM)");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "CA bundle (PEM) for client certificates; set = mutual TLS required");
ABSL_FLAG(int, max_message_bytes, 4 << 20, "largest gRPC message accepted or sent");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "on shutdown, how long in-flight calls may finish before they are cancelled");
// Connection and memory bounds; defaults from ServerOptions (one place).
ABSL_FLAG(int64_t, max_request_memory_bytes, labor::ServerOptions().max_request_memory_bytes,
          "memory requests in flight may hold; beyond it new calls get RESOURCE_EXHAUSTED");
ABSL_FLAG(absl::Duration, max_connection_idle, labor::ServerOptions().max_connection_idle,
          "a connection without calls for this long is closed");
ABSL_FLAG(absl::Duration, max_connection_age, labor::ServerOptions().max_connection_age,
          "every connection is closed after this (clients reconnect)");
ABSL_FLAG(absl::Duration, max_connection_age_grace, labor::ServerOptions().max_connection_age_grace,
          "calls open when a connection reaches its age get this long before they are cut");
ABSL_FLAG(absl::Duration, handshake_timeout, labor::ServerOptions().handshake_timeout,
          "a connection that has not completed the HTTP/2 handshake by then is closed");
ABSL_FLAG(absl::Duration, keepalive_time, labor::ServerOptions().keepalive_time,
          "the server pings a connection silent for this long");
ABSL_FLAG(absl::Duration, keepalive_timeout, labor::ServerOptions().keepalive_timeout,
          "a connection whose ping is not answered within this is closed");
ABSL_FLAG(absl::Duration, min_client_ping_interval, labor::ServerOptions().min_client_ping_interval,
          "clients pinging more often than this are disconnected");

namespace labor {

std::string EnvNameForFlag(const std::string& flag_name) {
  std::string env = "LABOR_";
  env.reserve(env.size() + flag_name.size());
  for (char c : flag_name) {
    env.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return env;
}

absl::Status ApplyEnvToFlags() {
  // Sorted so that errors come out in a stable order.
  std::vector<std::pair<std::string, absl::CommandLineFlag*>> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (flag->IsRetired()) continue;
    flags.emplace_back(std::string(name), flag);
  }
  std::sort(flags.begin(), flags.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  std::vector<std::string> errors;
  for (const auto& [name, flag] : flags) {
    const std::string env_name = EnvNameForFlag(name);
    const char* value = std::getenv(env_name.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      errors.push_back(absl::StrCat(env_name, ": ", error));
    }
  }
  if (!errors.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad environment setting: ", absl::StrJoin(errors, "; ")));
  }
  return absl::OkStatus();
}

std::vector<char*> ParseFlagsWithEnv(int argc, char** argv, const std::string& usage) {
  // absl exits when the usage message is set twice; tests parse more than once.
  static absl::Mutex usage_mu(absl::kConstInit);
  static bool usage_set = false;
  {
    absl::MutexLock lock(&usage_mu);
    if (!usage_set) {
      absl::SetProgramUsageMessage(usage);
      usage_set = true;
    }
  }
  absl::Status env = ApplyEnvToFlags();
  if (!env.ok()) {
    std::fprintf(stderr, "%s: %s\n", argc > 0 ? argv[0] : "labor",
                 std::string(env.message()).c_str());
    std::exit(2);
  }
  // Flags on the command line are parsed after the environment, so they win.
  return absl::ParseCommandLine(argc, argv);
}

ServerOptions ServerOptionsFromFlags(const std::string& service_name) {
  ServerOptions options;
  options.service_name = service_name;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.metrics_address = absl::GetFlag(FLAGS_metrics_listen);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  options.max_request_memory_bytes = absl::GetFlag(FLAGS_max_request_memory_bytes);
  options.max_connection_idle = absl::GetFlag(FLAGS_max_connection_idle);
  options.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  options.max_connection_age_grace = absl::GetFlag(FLAGS_max_connection_age_grace);
  options.handshake_timeout = absl::GetFlag(FLAGS_handshake_timeout);
  options.keepalive_time = absl::GetFlag(FLAGS_keepalive_time);
  options.keepalive_timeout = absl::GetFlag(FLAGS_keepalive_timeout);
  options.min_client_ping_interval = absl::GetFlag(FLAGS_min_client_ping_interval);
  return options;
}

RedisClient::Options RedisOptionsFromFlags() {
  RedisClient::Options options;
  options.host = absl::GetFlag(FLAGS_redis_host);
  options.port = absl::GetFlag(FLAGS_redis_port);
  options.connect_timeout = absl::GetFlag(FLAGS_redis_connect_timeout);
  options.command_timeout = absl::GetFlag(FLAGS_redis_command_timeout);
  return options;
}

absl::StatusOr<ServiceBasics> LoadServiceBasics(const std::string& service,
                                                std::vector<std::string> column_families,
                                                bool with_outbox) {
  ServiceBasics basics;
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  auto regions = RegionRegistry::LoadFromDir(absl::StrCat(data_dir, "/regions"));
  if (!regions.ok()) {
    return absl::Status(regions.status().code(),
                        absl::StrCat("loading region codes: ", regions.status().message()));
  }
  basics.regions = *std::move(regions);
  auto occupations = OccupationTaxonomy::LoadFromDir(absl::StrCat(data_dir, "/taxonomy"));
  if (!occupations.ok()) {
    return absl::Status(occupations.status().code(),
                        absl::StrCat("loading occupations: ", occupations.status().message()));
  }
  basics.occupations = *std::move(occupations);
  auto tokens = TokenStore::LoadFromFile(absl::GetFlag(FLAGS_auth_tokens_file));
  if (!tokens.ok()) {
    return absl::Status(tokens.status().code(),
                        absl::StrCat("auth tokens: ", tokens.status().message(),
                                     " (scripts/dev-init.sh creates a development tokens file)"));
  }
  basics.tokens = *std::move(tokens);
  if (column_families.empty()) return basics;  // a service without a store
  RocksStore::Options store_options;
  store_options.path = absl::GetFlag(FLAGS_db_path);
  store_options.column_families = std::move(column_families);
  store_options.sync_writes = absl::GetFlag(FLAGS_sync_writes);
  auto store = RocksStore::Open(store_options);
  if (!store.ok()) {
    return absl::Status(
        store.status().code(),
        absl::StrCat("opening the store at ", store_options.path, ": ", store.status().message()));
  }
  basics.store = *std::move(store);
  if (!with_outbox) return basics;
  auto outbox = Outbox::Open(basics.store.get(), service, Clock::Real());
  if (!outbox.ok()) {
    return absl::Status(outbox.status().code(),
                        absl::StrCat("opening the outbox: ", outbox.status().message()));
  }
  basics.outbox = *std::move(outbox);
  return basics;
}

}  // namespace labor
