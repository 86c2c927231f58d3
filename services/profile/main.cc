// profile_server: the ProfileService binary. Every setting has a loopback
// default; see README "Configuration".
#include <cstdio>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/auth.h"
#include "common/cache.h"
#include "common/config.h"
#include "common/group_commit.h"
#include "common/log.h"
#include "common/occupations.h"
#include "common/outbox.h"
#include "common/pii.h"
#include "common/redis.h"
#include "common/regions.h"
#include "common/rocks.h"
#include "common/server.h"
#include "common/thread_pool.h"
#include "services/profile/profile_manager.h"
#include "services/profile/profile_service.h"
#include "services/profile/rocks_worker_store.h"

ABSL_FLAG(absl::Duration, cache_ttl, absl::Minutes(10), "Redis cache entry lifetime");
ABSL_FLAG(int, local_cache_entries, 200000,
          "in-process cache of worker records in front of Redis (0 disables; about 1 KB each)");
ABSL_FLAG(int, worker_threads, 16,
          "threads running requests (they block on synced RocksDB writes; group commit "
          "needs several)");
ABSL_FLAG(int, max_queued_requests, 10000,
          "requests waiting for a worker thread before RESOURCE_EXHAUSTED");
ABSL_FLAG(int, suppression_threshold, 5, "partner aggregates: smallest count shown");

namespace labor::profile {
namespace {

int Run() {
  auto basics = LoadServiceBasics("profile", RocksWorkerStore::ColumnFamilies());
  if (!basics.ok()) {
    LABOR_LOG(ERROR) << basics.status();
    return 1;
  }
  auto cipher = PiiCipher::LoadKeyFile(absl::GetFlag(FLAGS_pii_key_file),
                                       absl::GetFlag(FLAGS_create_pii_key));
  if (!cipher.ok()) {
    LABOR_LOG(ERROR) << "PII key: " << cipher.status();
    return 1;
  }
  RocksStore* store = basics->store.get();
  Outbox* outbox = basics->outbox.get();

  RedisClient::Options redis_options = RedisOptionsFromFlags();
  redis_options.pool_size = absl::GetFlag(FLAGS_worker_threads) + 2;
  RedisClient redis(redis_options);
  VersionedCache cache(&redis, "labor:profile:worker:", absl::GetFlag(FLAGS_cache_ttl));

  VersionedLruCache<StoredWorker> local_cache(
      static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_local_cache_entries))));
  // Declared before the server, so it outlives it: registrations still being
  // committed at shutdown are written and answered before the server is gone.
  GroupCommitter committer(store);
  RocksWorkerStore worker_store(store, outbox, &committer);
  if (absl::Status s = worker_store.IndexEarlierAuditRecords(); !s.ok()) {
    LABOR_LOG(ERROR) << "indexing the audit log: " << s;
    return 1;
  }
  ProfileDeps deps;
  deps.store = &worker_store;
  deps.cipher = cipher->get();
  deps.regions = basics->regions.get();
  deps.occupations = basics->occupations.get();
  deps.clock = Clock::Real();
  deps.cache = &cache;
  deps.local_cache = &local_cache;
  ProfileManagerOptions manager_options;
  manager_options.suppression_threshold = absl::GetFlag(FLAGS_suppression_threshold);
  ProfileManager manager(deps, manager_options);

  // The relay also moves the cache forward: if the writer's own cache update
  // failed (Redis down), the relayed event invalidates the stale entry later.
  // (Entries the writer's update reached need nothing more.)
  OutboxRelay relay(
      store, outbox, &redis, OutboxRelay::Options{},
      [&cache](const v1::Event& event, std::vector<std::vector<std::string>>* cmds) {
        // Version 1 (a registration) has no older version to invalidate.
        if (event.entity_version() > 1) {
          cache.AppendInvalidation(event.entity_id(), event.entity_version(), cmds);
        }
      });

  ThreadPool pool(absl::GetFlag(FLAGS_worker_threads),
                  static_cast<size_t>(absl::GetFlag(FLAGS_max_queued_requests)));
  Authenticator auth(basics->tokens.get(), ProfileMethodPolicy());

  ServerOptions server_options = ServerOptionsFromFlags("labor.v1.ProfileService");
  GrpcServer server(server_options, [&worker_store] { return worker_store.Health(); });
  ProfileServiceImpl service(&manager, &auth, &pool, &server.metrics());
  server.metrics().TrackRedis(&redis);
  server.AddService(&service);
  server.AddShutdownHook([&relay] { relay.Stop(); });
  server.AddShutdownHook([store] {
    absl::Status s = store->FlushWal();
    if (!s.ok()) LABOR_LOG(ERROR) << "WAL sync at shutdown: " << s;
  });

  relay.Start();
  absl::Status started = server.Start();
  if (!started.ok()) {
    LABOR_LOG(ERROR) << "starting the server: " << started;
    relay.Stop();
    return 1;
  }
  LABOR_LOG(INFO) << "ProfileService serving on port " << server.port() << " (store "
                  << absl::GetFlag(FLAGS_db_path) << ", redis " << redis_options.host << ":"
                  << redis_options.port << ")";
  server.Wait();
  LABOR_LOG(INFO) << "ProfileService stopped";
  return 0;
}

}  // namespace
}  // namespace labor::profile

int main(int argc, char** argv) {
  // Abseil's deadlock detector (on in this Debian build) costs a graph update
  // per lock; the tests keep it, the server does not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  labor::GrpcServer::InstallSignalHandlers();
  absl::SetFlag(&FLAGS_listen, "127.0.0.1:50051");
  absl::SetFlag(&FLAGS_metrics_listen, "127.0.0.1:9151");
  absl::SetFlag(&FLAGS_db_path, "var/data/profile");
  labor::ParseFlagsWithEnv(argc, argv, "profile_server: ProfileService (real-name worker records)");
  return labor::profile::Run();
}
