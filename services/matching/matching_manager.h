// MatchingService's domain logic, free of gRPC: bootstrap from the upstream
// services, apply their events, answer recommendations and explanations,
// and publish a "match.found" event when a vacancy opens.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "common/clock.h"
#include "common/occupations.h"
#include "common/redis.h"
#include "common/regions.h"
#include "labor/v1/common.pb.h"
#include "labor/v1/matching.pb.h"
#include "services/matching/match_index.h"
#include "services/matching/scorer.h"
#include "services/matching/upstream.h"

namespace labor::matching {

// Writes match events to the labor.events.matching stream.
class MatchPublisher {
 public:
  // `redis` must outlive the publisher; `max_len` trims the stream
  // (approximately; 0 = never).
  MatchPublisher(RedisClient* redis, std::string stream, int64_t max_len)
      : redis_(redis), stream_(std::move(stream)), max_len_(max_len) {}
  // XADDs the event (fields as the outbox relay writes them). UNAVAILABLE
  // when Redis is down, INTERNAL when it refused.
  absl::Status Publish(const v1::Event& event);
  const std::string& stream() const { return stream_; }

 private:
  RedisClient* redis_;
  std::string stream_;
  int64_t max_len_;
};

struct MatchingOptions {
  int alert_k = 20;  // workers per match event
  // A vacancy.created event older than this publishes no match event (a
  // replay after a long outage must not send stale job alerts in bulk).
  absl::Duration alert_max_age = absl::Hours(24);
  absl::Duration bootstrap_retry = absl::Seconds(1);
  absl::Duration bootstrap_max_backoff = absl::Seconds(10);
};

struct MatchingDeps {
  MatchIndex* index = nullptr;
  const Scorer* scorer = nullptr;
  const RegionRegistry* regions = nullptr;
  const OccupationTaxonomy* occupations = nullptr;
  Upstream* upstream = nullptr;     // bootstrap and Explain of closed vacancies
  MatchPublisher* publisher = nullptr;  // nullptr: no match events
  Clock* clock = nullptr;
};

class MatchingManager {
 public:
  MatchingManager(MatchingDeps deps, MatchingOptions options);

  // Loads every worker and open vacancy from upstream, retrying a failed
  // page with backoff until it succeeds or `stop()` returns true (then
  // CANCELLED). Events applied meanwhile are not lost: versions decide.
  absl::Status Bootstrap(const std::function<bool()>& stop);
  // OK once Bootstrap finished; UNAVAILABLE before (health: NOT_SERVING).
  absl::Status Health() const;

  // Applies one event of labor.events.profile or labor.events.vacancy
  // idempotently (entity id + version). Events matching has no use for are
  // OK. An undecodable payload is logged and skipped (OK). An error means a
  // match event could not be published: the caller redelivers the event.
  absl::Status ApplyEvent(const v1::Event& event);

  // RPCs. INVALID_ARGUMENT naming the field; NOT_FOUND for an unknown worker
  // or vacancy; PERMISSION_DENIED when a wechat caller asks about another
  // worker; UNAVAILABLE before the bootstrap finished (retry with backoff).
  absl::StatusOr<v1::RecommendResponse> RecommendVacancies(
      const Caller& caller, const v1::RecommendVacanciesRequest& request) const;
  absl::StatusOr<v1::RecommendResponse> RecommendWorkers(
      const Caller& caller, const v1::RecommendWorkersRequest& request) const;
  absl::StatusOr<v1::ExplainResponse> Explain(const Caller& caller,
                                              const v1::ExplainRequest& request) const;

  struct Stats {
    int64_t applied = 0;     // events that changed the index
    int64_t stale = 0;       // redelivered or superseded events
    int64_t ignored = 0;     // events of no interest (employers, fairs)
    int64_t undecodable = 0;
    int64_t matches_published = 0;
    // Commit-to-visible delay of the last applied event (now - occurred_at).
    absl::Duration last_lag = absl::ZeroDuration();
    absl::Duration max_lag = absl::ZeroDuration();
  };
  Stats stats() const;

 private:
  absl::Status ApplyWorkerEvent(const v1::Event& event);
  absl::Status ApplyVacancyEvent(const v1::Event& event);
  absl::Status PublishMatches(const v1::Event& event, const v1::Vacancy& vacancy);
  void RecordLag(const v1::Event& event);
  absl::Status CheckReady() const;
  // The wechat role may only ask for the worker bound to its openid.
  absl::Status CheckWorkerAccess(const Caller& caller, const std::string& worker_id) const;
  ConsentNeed ConsentOf(const Caller& caller, v1::Channel channel) const;
  v1::RecommendResponse ToResponse(const QueryResult& result, const QueryContext& ctx) const;

  MatchingDeps deps_;
  MatchingOptions options_;
  Explainer explainer_;
  std::atomic<bool> ready_{false};

  mutable absl::Mutex stats_mu_;
  Stats stats_ ABSL_GUARDED_BY(stats_mu_);
};

// "6-30" / "6-30-05" / "6-30-05-01" (trailing "-00" allowed) packed; 0 when
// malformed.
OccCode PackOccupationPrefix(absl::string_view prefix);

}  // namespace labor::matching
