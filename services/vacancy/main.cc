// vacancy_server: the VacancyService binary. Every setting has a loopback
// default; see README "Configuration".
#include <algorithm>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/auth.h"
#include "common/cache.h"
#include "common/config.h"
#include "common/log.h"
#include "common/occupations.h"
#include "common/outbox.h"
#include "common/periodic.h"
#include "common/redis.h"
#include "common/regions.h"
#include "common/rocks.h"
#include "common/server.h"
#include "common/thread_pool.h"
#include "services/vacancy/rocks_vacancy_store.h"
#include "services/vacancy/vacancy_index.h"
#include "services/vacancy/vacancy_manager.h"
#include "services/vacancy/vacancy_rules.h"
#include "services/vacancy/vacancy_service.h"

ABSL_FLAG(absl::Duration, cache_ttl, absl::Minutes(10), "Redis cache entry lifetime");
ABSL_FLAG(int, worker_threads, 8, "threads running requests and import batches");
ABSL_FLAG(int, max_queued_requests, 10000,
          "requests waiting for a worker thread before RESOURCE_EXHAUSTED");
ABSL_FLAG(absl::Duration, scheduler_interval, absl::Seconds(5),
          "how often expired vacancies and ended blacklist listings are processed");
ABSL_FLAG(int, import_batch_items, 1024, "most import items committed in one synced write");

namespace labor::vacancy {
namespace {

int Run() {
  auto basics = LoadServiceBasics("vacancy", RocksVacancyStore::ColumnFamilies());
  if (!basics.ok()) {
    LABOR_LOG(ERROR) << basics.status();
    return 1;
  }
  auto policy =
      DiscriminationPolicy::LoadFromDir(absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/policy"));
  if (!policy.ok()) {
    LABOR_LOG(ERROR) << "loading the anti-discrimination policy: " << policy.status();
    return 1;
  }
  RocksStore* store = basics->store.get();
  Outbox* outbox = basics->outbox.get();

  RedisClient::Options redis_options = RedisOptionsFromFlags();
  redis_options.pool_size = absl::GetFlag(FLAGS_worker_threads) + 2;
  RedisClient redis(redis_options);
  VersionedCache cache(&redis, "labor:vacancy:vacancy:", absl::GetFlag(FLAGS_cache_ttl));

  RocksVacancyStore vacancy_store(store, outbox);
  VacancyIndex index;
  VacancyDeps deps;
  deps.store = &vacancy_store;
  deps.index = &index;
  deps.regions = basics->regions.get();
  deps.occupations = basics->occupations.get();
  deps.policy = policy->get();
  deps.clock = Clock::Real();
  deps.vacancy_cache = &cache;
  VacancyManager manager(deps);
  if (absl::Status loaded = manager.LoadIndex(); !loaded.ok()) {
    LABOR_LOG(ERROR) << "building the search index: " << loaded;
    return 1;
  }
  LABOR_LOG(INFO) << "search index holds " << index.size() << " vacancies";

  // The relay also moves the cache forward: if the writer's own cache update
  // failed (Redis down), the relayed event invalidates the stale entry later.
  // (Entries the writer's update reached need nothing more.)
  OutboxRelay relay(
      store, outbox, &redis, OutboxRelay::Options{},
      [&cache](const v1::Event& event, std::vector<std::vector<std::string>>* cmds) {
        if (absl::StartsWith(event.type(), "vacancy.") && event.entity_version() > 1) {
          cache.AppendInvalidation(event.entity_id(), event.entity_version(), cmds);
        }
      });

  PeriodicTask scheduler(absl::GetFlag(FLAGS_scheduler_interval), [&manager] {
    // Drain what is due, a batch per commit.
    for (int round = 0; round < 1000; ++round) {
      absl::StatusOr<ScheduledWork> work = manager.RunScheduledOnce();
      if (!work.ok()) {
        LABOR_LOG(WARNING) << "scheduler: " << work.status();
        return;
      }
      if (work->vacancies_expired > 0 || work->listings_ended > 0) {
        LABOR_LOG(INFO) << "scheduler: expired " << work->vacancies_expired << " vacancies, ended "
                        << work->listings_ended << " listings";
      }
      if (work->vacancies_expired == 0 && work->listings_ended == 0) return;
    }
  });

  ThreadPool pool(absl::GetFlag(FLAGS_worker_threads),
                  static_cast<size_t>(absl::GetFlag(FLAGS_max_queued_requests)));
  Authenticator auth(basics->tokens.get(), VacancyMethodPolicy());

  ServerOptions server_options = ServerOptionsFromFlags("labor.v1.VacancyService");
  GrpcServer server(server_options, [&vacancy_store] { return vacancy_store.Health(); });
  server.metrics().TrackRedis(&redis);
  VacancyServiceOptions service_options;
  service_options.max_batch_items = std::max(1, absl::GetFlag(FLAGS_import_batch_items));
  VacancyServiceImpl service(&manager, &auth, &pool, &server.metrics(), service_options);
  server.AddService(&service);
  server.AddShutdownHook([&scheduler] { scheduler.Stop(); });
  server.AddShutdownHook([&relay] { relay.Stop(); });
  server.AddShutdownHook([store] {
    absl::Status s = store->FlushWal();
    if (!s.ok()) LABOR_LOG(ERROR) << "WAL sync at shutdown: " << s;
  });

  relay.Start();
  scheduler.Start();
  absl::Status started = server.Start();
  if (!started.ok()) {
    LABOR_LOG(ERROR) << "starting the server: " << started;
    scheduler.Stop();
    relay.Stop();
    return 1;
  }
  LABOR_LOG(INFO) << "VacancyService serving on port " << server.port() << " (store "
                  << absl::GetFlag(FLAGS_db_path) << ", redis " << redis_options.host << ":"
                  << redis_options.port << ")";
  server.Wait();
  LABOR_LOG(INFO) << "VacancyService stopped";
  return 0;
}

}  // namespace
}  // namespace labor::vacancy

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  labor::GrpcServer::InstallSignalHandlers();
  absl::SetFlag(&FLAGS_listen, "127.0.0.1:50052");
  absl::SetFlag(&FLAGS_metrics_listen, "127.0.0.1:9152");
  absl::SetFlag(&FLAGS_db_path, "var/data/vacancy");
  labor::ParseFlagsWithEnv(argc, argv,
                           "vacancy_server: VacancyService (employers, vacancies, "
                           "blacklist, fairs, partner imports)");
  return labor::vacancy::Run();
}
