// notify_server: the NotificationService binary. Every setting has a
// loopback default; see README "Configuration".
//
// Start-up: load the undelivered messages from RocksDB (those in flight when
// the process stopped go out again), serve, dispatch, and follow
// labor.events.matching (job alerts) and labor.events.profile (contact
// cache).
#include <unistd.h>

#include <memory>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/auth.h"
#include "common/config.h"
#include "common/log.h"
#include "common/periodic.h"
#include "common/proto_util.h"
#include "common/redis.h"
#include "common/server.h"
#include "common/status.h"
#include "common/stream_consumer.h"
#include "common/thread_pool.h"
#include "prometheus/gauge.h"
#include "services/notify/grpc_profile_directory.h"
#include "services/notify/notify_manager.h"
#include "services/notify/notify_service.h"
#include "services/notify/notify_store.h"
#include "services/notify/sms_gateway.h"

ABSL_FLAG(std::string, profile_target, "127.0.0.1:50051", "ProfileService address");
ABSL_FLAG(std::string, upstream_token_file, "var/dev/tokens/service.token",
          "bearer token (role service) for calls to ProfileService");
ABSL_FLAG(std::string, upstream_tls_ca_file, "", "CA of ProfileService (PEM); \"\" = plaintext");
ABSL_FLAG(absl::Duration, upstream_deadline, absl::Seconds(3), "deadline of each upstream call");
ABSL_FLAG(int, contact_cache_size, 500000, "workers' contacts (openid, consent) kept in memory");
ABSL_FLAG(std::string, quiet_hours, "22:00-08:00",
          "Asia/Shanghai hours when non-urgent messages wait (\"none\" = no quiet hours)");
ABSL_FLAG(int, daily_job_alert_cap, 3, "job alerts (a digest counts once) per worker per day");
ABSL_FLAG(absl::Duration, dedup_window, absl::Hours(24),
          "an idempotency key replayed within this window returns the original notification");
ABSL_FLAG(absl::Duration, ack_timeout, absl::Seconds(30),
          "a delivery not acked within this goes out again");
ABSL_FLAG(int, wechat_max_attempts, 5, "delivery attempts on WeChat before a message fails");
ABSL_FLAG(int, kiosk_max_attempts, 10, "delivery attempts on a kiosk before a message fails");
ABSL_FLAG(int, sms_max_attempts, 3, "SMS gateway attempts before a message fails");
ABSL_FLAG(absl::Duration, retry_initial, absl::Seconds(2),
          "first retry delay (doubles per attempt, +-20% jitter; SMS starts at 1 minute)");
ABSL_FLAG(absl::Duration, retry_max, absl::Minutes(10), "longest retry delay");
ABSL_FLAG(int64_t, max_pending_per_channel, 200000,
          "undelivered messages a channel holds before Enqueue answers RESOURCE_EXHAUSTED");
ABSL_FLAG(int, max_in_flight_per_subscriber, 2000, "unacked deliveries per subscriber");
ABSL_FLAG(absl::Duration, job_alert_hold, absl::ZeroDuration(),
          "job alerts wait this long before going out, so a burst for one worker becomes a digest");
ABSL_FLAG(int, max_digest, 10, "job alerts merged into one digest message");
ABSL_FLAG(std::string, sms_gateway_url, "",
          "SMS gateway base URL (e.g. http://127.0.0.1:18080); \"\" = no SMS channel");
ABSL_FLAG(std::string, sms_access_key_id, "dev-labor", "SMS gateway access key id");
ABSL_FLAG(std::string, sms_secret_file, "var/dev/sms.secret",
          "file holding the SMS gateway access key secret");
ABSL_FLAG(std::string, sms_sign_name, "通川就业", "SMS signature (签名) registered at the gateway");
ABSL_FLAG(int, sms_senders, 2, "threads calling the SMS gateway");
ABSL_FLAG(std::string, consumer_name, "",
          "this replica's consumer name in the event streams' groups (default: the host name)");
ABSL_FLAG(absl::Duration, match_event_max_age, absl::Hours(24),
          "match.found events older than this make no job alerts (replays of old history)");
ABSL_FLAG(int, worker_threads, 4, "threads running requests");
ABSL_FLAG(int, max_queued_requests, 2000,
          "requests waiting for a thread before RESOURCE_EXHAUSTED");

namespace labor::notify {
namespace {

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "notify";
  return name;
}

absl::StatusOr<std::string> ReadSecret(const std::string& path) {
  absl::StatusOr<std::string> secret = ReadTokenFile(path);
  if (!secret.ok()) {
    return absl::Status(secret.status().code(),
                        absl::StrCat("--sms_secret_file: ", secret.status().message()));
  }
  return secret;
}

int Run() {
  auto basics =
      LoadServiceBasics("notify", RocksNotifyStore::ColumnFamilies(), /*with_outbox=*/false);
  if (!basics.ok()) {
    LABOR_LOG(ERROR) << basics.status();
    return 1;
  }
  absl::StatusOr<QuietHours> quiet = ParseQuietHours(absl::GetFlag(FLAGS_quiet_hours));
  if (!quiet.ok()) {
    LABOR_LOG(ERROR) << "--quiet_hours: " << quiet.status();
    return 1;
  }
  ClientOptions profile_options;
  profile_options.target = absl::GetFlag(FLAGS_profile_target);
  profile_options.tls_ca_file = absl::GetFlag(FLAGS_upstream_tls_ca_file);
  profile_options.deadline = absl::GetFlag(FLAGS_upstream_deadline);
  profile_options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  absl::StatusOr<std::string> token = ReadTokenFile(absl::GetFlag(FLAGS_upstream_token_file));
  if (!token.ok()) {
    LABOR_LOG(ERROR) << "--upstream_token_file: " << token.status();
    return 1;
  }
  profile_options.token = *token;
  auto directory = GrpcProfileDirectory::Create(
      profile_options, static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_contact_cache_size))));
  if (!directory.ok()) {
    LABOR_LOG(ERROR) << "ProfileService channel: " << directory.status();
    return 1;
  }

  std::unique_ptr<HttpSmsGateway> sms;
  if (!absl::GetFlag(FLAGS_sms_gateway_url).empty()) {
    absl::StatusOr<std::string> secret = ReadSecret(absl::GetFlag(FLAGS_sms_secret_file));
    if (!secret.ok()) {
      LABOR_LOG(ERROR) << secret.status();
      return 1;
    }
    HttpSmsGateway::Options o;
    o.url = absl::GetFlag(FLAGS_sms_gateway_url);
    o.access_key_id = absl::GetFlag(FLAGS_sms_access_key_id);
    o.access_key_secret = *secret;
    sms = std::make_unique<HttpSmsGateway>(o);
  }

  RocksNotifyStore store(basics->store.get());
  NotifyOptions options;
  options.quiet_hours = *quiet;
  options.daily_job_alert_cap = absl::GetFlag(FLAGS_daily_job_alert_cap);
  options.dedup_window = absl::GetFlag(FLAGS_dedup_window);
  options.ack_timeout = absl::GetFlag(FLAGS_ack_timeout);
  for (RetryPolicy* r : {&options.wechat_retry, &options.kiosk_retry}) {
    r->initial = absl::GetFlag(FLAGS_retry_initial);
    r->max = absl::GetFlag(FLAGS_retry_max);
  }
  options.wechat_retry.max_attempts = absl::GetFlag(FLAGS_wechat_max_attempts);
  options.kiosk_retry.max_attempts = absl::GetFlag(FLAGS_kiosk_max_attempts);
  options.sms_retry.max_attempts = absl::GetFlag(FLAGS_sms_max_attempts);
  options.max_pending_per_channel = absl::GetFlag(FLAGS_max_pending_per_channel);
  options.max_in_flight_per_subscriber = absl::GetFlag(FLAGS_max_in_flight_per_subscriber);
  options.job_alert_hold = absl::GetFlag(FLAGS_job_alert_hold);
  options.max_digest = std::max(1, absl::GetFlag(FLAGS_max_digest));
  options.sms_sign_name = absl::GetFlag(FLAGS_sms_sign_name);
  options.sms_senders = absl::GetFlag(FLAGS_sms_senders);
  NotifyDeps deps;
  deps.store = &store;
  deps.directory = directory->get();
  deps.sms = sms.get();
  deps.regions = basics->regions.get();
  deps.occupations = basics->occupations.get();
  deps.clock = Clock::Real();
  NotifyManager manager(deps, options);
  absl::Status loaded = manager.Load();
  if (!loaded.ok()) {
    LABOR_LOG(ERROR) << "loading undelivered messages: " << loaded;
    return 1;
  }

  RedisClient::Options redis_options = RedisOptionsFromFlags();
  StreamConsumer::Options consumer_base;
  consumer_base.block = absl::Milliseconds(100);
  redis_options.command_timeout =
      std::max(redis_options.command_timeout,
               consumer_base.block + StreamConsumer::kBlockMargin + absl::Milliseconds(100));
  redis_options.name = "streams";
  RedisClient stream_redis(redis_options);
  std::string consumer_name = absl::GetFlag(FLAGS_consumer_name);
  if (consumer_name.empty()) consumer_name = HostName();
  const absl::Duration max_age = absl::GetFlag(FLAGS_match_event_max_age);
  // Job alerts: one group for the service (replicas share the work); from
  // the stream's start, so matches published before the first start are not
  // lost (old ones are skipped by age, replays by idempotency keys).
  StreamConsumer::Options match_options = consumer_base;
  match_options.stream = "labor.events.matching";
  match_options.group = "notify";
  match_options.consumer = consumer_name;
  match_options.start_id = "0";
  StreamConsumer match_events(&stream_redis, match_options,
                              [&manager, max_age](const StreamConsumer::Entry& entry) {
                                if (FromProto(entry.event.occurred_at()) + max_age < absl::Now()) {
                                  return absl::OkStatus();
                                }
                                return manager.ApplyMatchEvent(entry.event);
                              });
  // The contact cache: every replica needs every profile change.
  StreamConsumer::Options profile_options_c = consumer_base;
  profile_options_c.stream = "labor.events.profile";
  profile_options_c.group = absl::StrCat("notify-", consumer_name);
  profile_options_c.consumer = consumer_name;
  profile_options_c.start_id = "$";
  ProfileDirectory* dir = directory->get();
  StreamConsumer profile_events(&stream_redis, profile_options_c,
                                [dir](const StreamConsumer::Entry& entry) {
                                  dir->ApplyEvent(entry.event);
                                  return absl::OkStatus();
                                });
  if (absl::Status s = profile_events.EnsureGroup(); !s.ok()) {
    LABOR_LOG(WARNING) << "labor.events.profile: " << s << " (the group is created later)";
  }

  ThreadPool pool(absl::GetFlag(FLAGS_worker_threads),
                  static_cast<size_t>(absl::GetFlag(FLAGS_max_queued_requests)));
  Authenticator auth(basics->tokens.get(), NotifyMethodPolicy());
  ServerOptions server_options = ServerOptionsFromFlags("labor.v1.NotificationService");
  GrpcServer server(server_options, [&manager] { return manager.Health(); });
  NotifyServiceImpl service(&manager, &auth, &pool, &server.metrics());
  server.metrics().TrackRedis(&stream_redis);
  server.AddService(&service);

  auto& gauges = prometheus::BuildGauge()
                     .Name("labor_notify_messages")
                     .Help("NotificationService message state")
                     .Register(server.metrics().registry());
  prometheus::Gauge& pending_gauge = gauges.Add({{"what", "pending"}});
  prometheus::Gauge& in_flight_gauge = gauges.Add({{"what", "in_flight"}});
  prometheus::Gauge& subscribers_gauge = gauges.Add({{"what", "subscribers"}});
  prometheus::Gauge& unexpanded_gauge = gauges.Add({{"what", "segments_expanding"}});
  prometheus::Gauge& enqueued_gauge = gauges.Add({{"what", "enqueued_since_start"}});
  prometheus::Gauge& settled_gauge = gauges.Add({{"what", "settled_since_start"}});
  PeriodicTask gauge_task(absl::Seconds(5), [&] {
    NotifyManager::Counters c = manager.counters();
    pending_gauge.Set(static_cast<double>(c.pending));
    in_flight_gauge.Set(static_cast<double>(c.in_flight));
    subscribers_gauge.Set(static_cast<double>(c.subscribers));
    unexpanded_gauge.Set(static_cast<double>(c.unexpanded));
    enqueued_gauge.Set(static_cast<double>(c.enqueued));
    settled_gauge.Set(static_cast<double>(c.settled));
  });
  PeriodicTask purge_task(absl::Hours(1), [&manager] {
    absl::StatusOr<int64_t> purged = manager.Purge();
    if (!purged.ok()) LABOR_LOG(WARNING) << "purge: " << purged.status();
  });

  manager.Start();
  match_events.Start();
  profile_events.Start();
  server.AddShutdownHook([&] {
    match_events.Stop();
    profile_events.Stop();
    gauge_task.Stop();
    purge_task.Stop();
  });
  gauge_task.Start();
  purge_task.Start();
  absl::Status started = server.Start();
  if (!started.ok()) {
    LABOR_LOG(ERROR) << "starting the server: " << started;
    match_events.Stop();
    profile_events.Stop();
    manager.Stop();
    return 1;
  }
  LABOR_LOG(INFO) << "NotificationService serving on port " << server.port() << " (SMS "
                  << (sms ? "on" : "off") << ", redis " << redis_options.host << ":"
                  << redis_options.port << ")";
  server.Wait();
  manager.Stop();
  LABOR_LOG(INFO) << "NotificationService stopped";
  return 0;
}

}  // namespace
}  // namespace labor::notify

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  labor::GrpcServer::InstallSignalHandlers();
  absl::SetFlag(&FLAGS_listen, "127.0.0.1:50054");
  absl::SetFlag(&FLAGS_metrics_listen, "127.0.0.1:9154");
  absl::SetFlag(&FLAGS_db_path, "var/data/notify");
  labor::ParseFlagsWithEnv(argc, argv,
                           "notify_server: NotificationService (durable, rate-limited delivery "
                           "of job alerts and notices)");
  return labor::notify::Run();
}
