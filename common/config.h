// Configuration: command-line flags, each also settable by an environment
// variable LABOR_<FLAG_NAME_UPPERCASE> (flags win over the environment).
// Defaults are loopback-only and work with no configuration at all.
#pragma once

#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/occupations.h"
#include "common/outbox.h"
#include "common/redis.h"
#include "common/regions.h"
#include "common/rocks.h"
#include "common/server.h"

// Flags every service shares (defined in config.cc).
ABSL_DECLARE_FLAG(std::string, listen);  // gRPC address, default 127.0.0.1:<service default>
ABSL_DECLARE_FLAG(std::string, metrics_listen);  // Prometheus HTTP, "" disables
ABSL_DECLARE_FLAG(std::string, port_file);       // write the bound gRPC port here (tests, port 0)
ABSL_DECLARE_FLAG(std::string, db_path);
ABSL_DECLARE_FLAG(bool, sync_writes);
ABSL_DECLARE_FLAG(std::string, data_dir);  // reference data (regions, occupations)
ABSL_DECLARE_FLAG(std::string, redis_host);
ABSL_DECLARE_FLAG(int, redis_port);
ABSL_DECLARE_FLAG(absl::Duration, redis_connect_timeout);
ABSL_DECLARE_FLAG(absl::Duration, redis_command_timeout);
ABSL_DECLARE_FLAG(std::string, auth_tokens_file);
ABSL_DECLARE_FLAG(std::string, pii_key_file);
ABSL_DECLARE_FLAG(bool, create_pii_key);        // first run: create the key file if missing
ABSL_DECLARE_FLAG(std::string, tls_cert_file);  // server certificate (PEM); "" = plaintext
ABSL_DECLARE_FLAG(std::string, tls_key_file);
ABSL_DECLARE_FLAG(std::string, tls_client_ca_file);  // set = require client certificates (mTLS)
ABSL_DECLARE_FLAG(int, max_message_bytes);
ABSL_DECLARE_FLAG(absl::Duration, shutdown_grace);

namespace labor {

// Applies LABOR_* environment variables to the registered flags, then parses
// argv. Exits with a message on a bad flag or environment value. Returns the
// positional arguments.
std::vector<char*> ParseFlagsWithEnv(int argc, char** argv, const std::string& usage);

// The environment half of ParseFlagsWithEnv: sets every registered flag whose
// LABOR_<NAME> variable exists. INVALID_ARGUMENT naming each variable whose
// value does not parse (the other variables are still applied).
absl::Status ApplyEnvToFlags();

// Server options from the shared flags (listen, metrics, port file, TLS,
// message size, shutdown grace) for the service `service_name`
// ("labor.v1.ProfileService").
ServerOptions ServerOptionsFromFlags(const std::string& service_name);

// Redis client options from the shared redis_* flags.
RedisClient::Options RedisOptionsFromFlags();

// What every service binary loads at start from the shared flags. Members
// are destroyed in reverse order: the outbox before its store.
struct ServiceBasics {
  std::unique_ptr<RegionRegistry> regions;
  std::unique_ptr<OccupationTaxonomy> occupations;
  std::unique_ptr<TokenStore> tokens;
  std::unique_ptr<RocksStore> store;
  std::unique_ptr<Outbox> outbox;
};

// Loads the region codes and the occupation classification from
// --data_dir, the tokens file (--auth_tokens_file), opens the RocksDB store
// at --db_path with `column_families` (synced per --sync_writes) and the
// outbox of `service` (stream labor.events.<service>). The error says which
// of them failed and why. With no column families there is no store and no
// outbox (a service that keeps only memory, like matching); `with_outbox`
// false opens the store without one (a service that publishes no events).
absl::StatusOr<ServiceBasics> LoadServiceBasics(const std::string& service,
                                                std::vector<std::string> column_families,
                                                bool with_outbox = true);

// The environment variable of a flag name: "redis_port" -> "LABOR_REDIS_PORT".
std::string EnvNameForFlag(const std::string& flag_name);

}  // namespace labor
