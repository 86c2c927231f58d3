// matching_server: the MatchingService binary. Every setting has a loopback
// default; see README "Configuration".
//
// Start-up: serve at once (health NOT_SERVING), bootstrap the index from
// ProfileService and VacancyService (retrying while they are down), then
// follow labor.events.profile and labor.events.vacancy and report SERVING.
#include <unistd.h>

#include <memory>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/auth.h"
#include "common/config.h"
#include "common/log.h"
#include "common/periodic.h"
#include "common/redis.h"
#include "common/server.h"
#include "common/status.h"
#include "common/stream_consumer.h"
#include "common/thread_pool.h"
#include "prometheus/gauge.h"
#include "services/matching/grpc_upstream.h"
#include "services/matching/match_index.h"
#include "services/matching/matching_manager.h"
#include "services/matching/matching_service.h"
#include "services/matching/scorer.h"

ABSL_FLAG(std::string, profile_target, "127.0.0.1:50051", "ProfileService address");
ABSL_FLAG(std::string, vacancy_target, "127.0.0.1:50052", "VacancyService address");
ABSL_FLAG(std::string, upstream_token_file, "var/dev/tokens/service.token",
          "bearer token (role service) for calls to ProfileService and VacancyService");
ABSL_FLAG(std::string, upstream_tls_ca_file, "", "CA of the upstream services (PEM); \"\" = plaintext");
ABSL_FLAG(absl::Duration, upstream_deadline, absl::Seconds(10), "deadline of each upstream call");
ABSL_FLAG(int, bootstrap_page_size, 500, "workers / vacancies per List page at start");
ABSL_FLAG(std::string, consumer_name, "",
          "this replica's consumer name in the event streams' groups (default: the host name)");
ABSL_FLAG(std::string, consumer_group, "",
          "consumer group; every replica needs its own, since each keeps a full index "
          "(default: matching-<consumer_name>)");
ABSL_FLAG(std::string, score_weights, "",
          "score weights, e.g. \"skill=400,certificate=100,location=200,wage=100,freshness=50,"
          "brand=50,return_plan=100\" (any subset; README \"How matching scores\")");
ABSL_FLAG(int64_t, reference_wage_yuan, 4000,
          "monthly wage the wage part compares with when a worker states no minimum");
ABSL_FLAG(int, freshness_days, 30, "a posting's freshness falls to 0 over this many days");
ABSL_FLAG(bool, publish_matches, true,
          "publish match.found events for new vacancies (one replica per city should)");
ABSL_FLAG(int, alert_k, 20, "workers in each match.found event");
ABSL_FLAG(absl::Duration, alert_max_age, absl::Hours(24),
          "vacancy.created events older than this publish no match event (replays)");
ABSL_FLAG(int, worker_threads, 4, "threads running queries");
ABSL_FLAG(int, max_queued_requests, 1000, "queries waiting for a thread before RESOURCE_EXHAUSTED");

namespace labor::matching {
namespace {

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "matching";
  return name;
}

absl::StatusOr<ClientOptions> UpstreamOptions(const std::string& target) {
  ClientOptions options;
  options.target = target;
  options.tls_ca_file = absl::GetFlag(FLAGS_upstream_tls_ca_file);
  options.deadline = absl::GetFlag(FLAGS_upstream_deadline);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  ASSIGN_OR_RETURN(options.token, ReadTokenFile(absl::GetFlag(FLAGS_upstream_token_file)));
  return options;
}

int Run() {
  auto basics = LoadServiceBasics("matching", {});
  if (!basics.ok()) {
    LABOR_LOG(ERROR) << basics.status();
    return 1;
  }
  Weights base;
  base.reference_wage_fen = absl::GetFlag(FLAGS_reference_wage_yuan) * 100;
  base.freshness_days = absl::GetFlag(FLAGS_freshness_days);
  absl::StatusOr<Weights> weights = ParseWeights(absl::GetFlag(FLAGS_score_weights), base);
  if (!weights.ok()) {
    LABOR_LOG(ERROR) << "--score_weights: " << weights.status();
    return 1;
  }
  auto profile_options = UpstreamOptions(absl::GetFlag(FLAGS_profile_target));
  auto vacancy_options = UpstreamOptions(absl::GetFlag(FLAGS_vacancy_target));
  if (!profile_options.ok() || !vacancy_options.ok()) {
    LABOR_LOG(ERROR) << "upstream settings: "
                     << (profile_options.ok() ? vacancy_options.status() : profile_options.status());
    return 1;
  }
  auto upstream = GrpcUpstream::Create(*profile_options, *vacancy_options,
                                       absl::GetFlag(FLAGS_bootstrap_page_size));
  if (!upstream.ok()) {
    LABOR_LOG(ERROR) << "upstream channels: " << upstream.status();
    return 1;
  }

  RedisClient::Options redis_options = RedisOptionsFromFlags();
  redis_options.pool_size = 4;
  RedisClient redis(redis_options);
  // The stream readers block for new entries; their client's timeout must
  // cover the block.
  RedisClient::Options stream_redis_options = redis_options;
  StreamConsumer::Options consumer_base;
  consumer_base.block = absl::Milliseconds(100);
  stream_redis_options.command_timeout =
      std::max(redis_options.command_timeout,
               consumer_base.block + StreamConsumer::kBlockMargin + absl::Milliseconds(100));
  stream_redis_options.name = "streams";
  RedisClient stream_redis(stream_redis_options);

  Scorer scorer(*weights);
  MatchIndex index(&scorer);
  MatchPublisher publisher(&redis, "labor.events.matching", 1'000'000);
  MatchingDeps deps;
  deps.index = &index;
  deps.scorer = &scorer;
  deps.regions = basics->regions.get();
  deps.occupations = basics->occupations.get();
  deps.upstream = upstream->get();
  deps.publisher = absl::GetFlag(FLAGS_publish_matches) ? &publisher : nullptr;
  deps.clock = Clock::Real();
  MatchingOptions options;
  options.alert_k = std::max(1, absl::GetFlag(FLAGS_alert_k));
  options.alert_max_age = absl::GetFlag(FLAGS_alert_max_age);
  MatchingManager manager(deps, options);

  std::string consumer_name = absl::GetFlag(FLAGS_consumer_name);
  if (consumer_name.empty()) consumer_name = HostName();
  std::string group = absl::GetFlag(FLAGS_consumer_group);
  if (group.empty()) group = absl::StrCat("matching-", consumer_name);
  auto make_consumer = [&](const std::string& stream, const std::string& start_id) {
    StreamConsumer::Options o = consumer_base;
    o.stream = stream;
    o.group = group;
    o.consumer = consumer_name;
    o.start_id = start_id;
    return std::make_unique<StreamConsumer>(
        &stream_redis, o, [&manager](const StreamConsumer::Entry& entry) {
          return manager.ApplyEvent(entry.event);
        });
  };
  // A new group starts at the stream's end when it is created before the
  // bootstrap reads (nothing committed after that read can be missed, and
  // history the bootstrap already covers is not replayed: an old stream may
  // name workers the store no longer has). When Redis is down at start the
  // group is created later, from the stream's beginning, so events the
  // relays publish after the outage are not skipped; versions make the
  // replay harmless.
  std::unique_ptr<StreamConsumer> profile_events;
  std::unique_ptr<StreamConsumer> vacancy_events;
  for (auto [stream, consumer] : {std::pair{"labor.events.profile", &profile_events},
                                  std::pair{"labor.events.vacancy", &vacancy_events}}) {
    *consumer = make_consumer(stream, "$");
    absl::Status ensured = (*consumer)->EnsureGroup();
    if (!ensured.ok()) {
      LABOR_LOG(WARNING) << "event stream " << stream << ": " << ensured
                         << "; the group will be created from the stream's start";
      *consumer = make_consumer(stream, "0");
    }
  }

  ThreadPool pool(absl::GetFlag(FLAGS_worker_threads),
                  static_cast<size_t>(absl::GetFlag(FLAGS_max_queued_requests)));
  Authenticator auth(basics->tokens.get(), MatchingMethodPolicy());
  ServerOptions server_options = ServerOptionsFromFlags("labor.v1.MatchingService");
  GrpcServer server(server_options, [&manager] { return manager.Health(); });
  MatchingServiceImpl service(&manager, &auth, &pool, &server.metrics());
  server.metrics().TrackRedis(&redis);
  server.metrics().TrackRedis(&stream_redis);
  server.AddService(&service);

  auto& gauges = prometheus::BuildGauge()
                     .Name("labor_matching_index")
                     .Help("MatchingService index state")
                     .Register(server.metrics().registry());
  prometheus::Gauge& workers_gauge = gauges.Add({{"what", "workers"}});
  prometheus::Gauge& vacancies_gauge = gauges.Add({{"what", "open_vacancies"}});
  prometheus::Gauge& lag_gauge = gauges.Add({{"what", "last_event_lag_seconds"}});
  prometheus::Gauge& max_lag_gauge = gauges.Add({{"what", "max_event_lag_seconds"}});
  prometheus::Gauge& applied_gauge = gauges.Add({{"what", "events_applied"}});
  prometheus::Gauge& published_gauge = gauges.Add({{"what", "matches_published"}});
  PeriodicTask gauge_task(absl::Seconds(5), [&] {
    workers_gauge.Set(static_cast<double>(index.worker_count()));
    vacancies_gauge.Set(static_cast<double>(index.vacancy_count()));
    MatchingManager::Stats stats = manager.stats();
    lag_gauge.Set(absl::ToDoubleSeconds(stats.last_lag));
    max_lag_gauge.Set(absl::ToDoubleSeconds(stats.max_lag));
    applied_gauge.Set(static_cast<double>(stats.applied));
    published_gauge.Set(static_cast<double>(stats.matches_published));
  });

  std::atomic<bool> stopping{false};
  std::thread bootstrap([&] {
    absl::Status done = manager.Bootstrap([&stopping] { return stopping.load(); });
    if (!done.ok()) {
      LABOR_LOG(WARNING) << "bootstrap: " << done;
      return;
    }
    profile_events->Start();
    vacancy_events->Start();
  });
  server.AddShutdownHook([&] {
    stopping.store(true);
    if (bootstrap.joinable()) bootstrap.join();
    profile_events->Stop();
    vacancy_events->Stop();
    gauge_task.Stop();
  });

  gauge_task.Start();
  absl::Status started = server.Start();
  if (!started.ok()) {
    LABOR_LOG(ERROR) << "starting the server: " << started;
    stopping.store(true);
    bootstrap.join();
    profile_events->Stop();
    vacancy_events->Stop();
    return 1;
  }
  LABOR_LOG(INFO) << "MatchingService serving on port " << server.port() << " (consumer group "
                  << group << ", redis " << redis_options.host << ":" << redis_options.port << ")";
  server.Wait();
  LABOR_LOG(INFO) << "MatchingService stopped";
  return 0;
}

}  // namespace
}  // namespace labor::matching

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  labor::GrpcServer::InstallSignalHandlers();
  absl::SetFlag(&FLAGS_listen, "127.0.0.1:50053");
  absl::SetFlag(&FLAGS_metrics_listen, "127.0.0.1:9153");
  labor::ParseFlagsWithEnv(argc, argv,
                           "matching_server: MatchingService (explainable top-K matching of "
                           "workers and vacancies)");
  return labor::matching::Run();
}
