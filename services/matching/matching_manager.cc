#include "services/matching/matching_manager.h"

#include <algorithm>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/proto_util.h"
#include "common/status.h"

namespace labor::matching {
namespace {

constexpr int kDefaultVacancyK = 20;
constexpr int kMaxVacancyK = 200;
constexpr int kDefaultWorkerK = 100;
constexpr int kMaxWorkerK = 1000;

absl::StatusOr<int> CheckK(int k, int default_k, int max_k) {
  if (k == 0) return default_k;
  if (k < 0 || k > max_k) {
    return InvalidField("k", absl::StrCat("must be between 1 and ", max_k, " (0 = ", default_k, ")"));
  }
  return k;
}

}  // namespace

OccCode PackOccupationPrefix(absl::string_view prefix) {
  std::vector<absl::string_view> parts = absl::StrSplit(prefix, '-');
  if (parts.empty() || parts.size() > 4) return 0;
  std::string padded(prefix);
  for (size_t i = parts.size(); i < 4; ++i) padded += "-00";
  return PackOccupation(padded);
}

absl::Status MatchPublisher::Publish(const v1::Event& event) {
  std::vector<std::string> argv = {"XADD", stream_};
  if (max_len_ > 0) {
    argv.insert(argv.end(), {"MAXLEN", "~", absl::StrCat(max_len_)});
  }
  argv.insert(argv.end(), {"*", std::string(kStreamEventField), event.SerializeAsString(), "type",
                           event.type(), "entity_id", event.entity_id(), "version",
                           absl::StrCat(event.entity_version())});
  ASSIGN_OR_RETURN(RedisReply reply, redis_->Command(argv));
  if (reply.is_error()) {
    return absl::InternalError(absl::StrCat("Redis refused XADD to ", stream_, ": ", reply.str));
  }
  return absl::OkStatus();
}

MatchingManager::MatchingManager(MatchingDeps deps, MatchingOptions options)
    : deps_(deps),
      options_(options),
      explainer_(deps.scorer, deps.occupations, deps.regions) {
  LABOR_CHECK(deps_.index != nullptr && deps_.scorer != nullptr && deps_.clock != nullptr)
      << "MatchingManager needs an index, a scorer and a clock";
}

// ---------------------------------------------------------------------------
// Bootstrap and events

absl::Status MatchingManager::Bootstrap(const std::function<bool()>& stop) {
  LABOR_CHECK(deps_.upstream != nullptr) << "Bootstrap needs an upstream";
  absl::Duration backoff = options_.bootstrap_retry;
  // Retries one call until it succeeds or we are told to stop.
  auto with_retry = [&](auto call) -> decltype(call()) {
    while (true) {
      auto result = call();
      if (result.ok()) {
        backoff = options_.bootstrap_retry;
        return result;
      }
      if (stop()) return absl::CancelledError("bootstrap stopped");
      LABOR_LOG(WARNING) << "bootstrap: " << result.status() << "; retrying in " << backoff;
      absl::Time until = absl::Now() + backoff;
      while (absl::Now() < until && !stop()) absl::SleepFor(absl::Milliseconds(20));
      backoff = std::min(backoff * 2, options_.bootstrap_max_backoff);
    }
  };

  int64_t workers = 0, vacancies = 0;
  std::string token;
  do {
    auto page = with_retry([&] { return deps_.upstream->ListWorkers(token); });
    if (!page.ok()) return page.status();
    for (const v1::Worker& w : page->items) {
      absl::StatusOr<WorkerRec> rec = WorkerFromProto(w);
      if (!rec.ok()) {
        LABOR_LOG(WARNING) << "bootstrap: skipping a worker: " << rec.status();
        continue;
      }
      deps_.index->UpsertWorker(*std::move(rec));
      ++workers;
    }
    token = page->next_page_token;
  } while (!token.empty());
  do {
    auto page = with_retry([&] { return deps_.upstream->ListOpenVacancies(token); });
    if (!page.ok()) return page.status();
    for (const v1::Vacancy& v : page->items) {
      absl::StatusOr<VacancyRec> rec = VacancyFromProto(v);
      if (!rec.ok()) {
        LABOR_LOG(WARNING) << "bootstrap: skipping a vacancy: " << rec.status();
        continue;
      }
      deps_.index->UpsertVacancy(*std::move(rec));
      ++vacancies;
    }
    token = page->next_page_token;
  } while (!token.empty());
  ready_.store(true);
  LABOR_LOG(INFO) << "bootstrap done: " << workers << " workers, " << vacancies
                  << " open vacancies read; index holds " << deps_.index->worker_count()
                  << " workers, " << deps_.index->vacancy_count() << " vacancies";
  return absl::OkStatus();
}

absl::Status MatchingManager::Health() const {
  if (!ready_.load()) return absl::UnavailableError("matching index is still bootstrapping");
  return absl::OkStatus();
}

absl::Status MatchingManager::CheckReady() const {
  if (!ready_.load()) {
    return absl::UnavailableError(
        "matching index is still loading workers and vacancies; retry with backoff (health turns "
        "SERVING when done)");
  }
  return absl::OkStatus();
}

void MatchingManager::RecordLag(const v1::Event& event) {
  if (!event.has_occurred_at()) return;
  absl::Duration lag = deps_.clock->Now() - FromProto(event.occurred_at());
  absl::MutexLock lock(&stats_mu_);
  stats_.last_lag = lag;
  stats_.max_lag = std::max(stats_.max_lag, lag);
}

absl::Status MatchingManager::ApplyEvent(const v1::Event& event) {
  if (event.payload_type() == "labor.v1.Worker" || absl::StartsWith(event.type(), "worker.")) {
    return ApplyWorkerEvent(event);
  }
  if (event.payload_type() == "labor.v1.Vacancy" || absl::StartsWith(event.type(), "vacancy.")) {
    return ApplyVacancyEvent(event);
  }
  absl::MutexLock lock(&stats_mu_);
  ++stats_.ignored;
  return absl::OkStatus();
}

absl::Status MatchingManager::ApplyWorkerEvent(const v1::Event& event) {
  MatchIndex::Applied applied;
  if (event.payload().empty()) {
    // Erasure: no payload, the tombstone version.
    applied = deps_.index->RemoveWorker(event.entity_id(), event.entity_version());
  } else {
    v1::Worker worker;
    absl::StatusOr<WorkerRec> rec = worker.ParseFromString(event.payload())
                                        ? WorkerFromProto(worker)
                                        : absl::DataLossError("unparsable labor.v1.Worker");
    if (!rec.ok()) {
      LABOR_LOG(ERROR) << "event " << event.event_id() << " skipped: " << rec.status();
      absl::MutexLock lock(&stats_mu_);
      ++stats_.undecodable;
      return absl::OkStatus();
    }
    applied = deps_.index->UpsertWorker(*std::move(rec));
  }
  RecordLag(event);
  absl::MutexLock lock(&stats_mu_);
  ++(applied == MatchIndex::Applied::kApplied ? stats_.applied : stats_.stale);
  return absl::OkStatus();
}

absl::Status MatchingManager::ApplyVacancyEvent(const v1::Event& event) {
  v1::Vacancy vacancy;
  absl::StatusOr<VacancyRec> rec = vacancy.ParseFromString(event.payload())
                                       ? VacancyFromProto(vacancy)
                                       : absl::DataLossError("unparsable labor.v1.Vacancy");
  if (!rec.ok()) {
    LABOR_LOG(ERROR) << "event " << event.event_id() << " skipped: " << rec.status();
    absl::MutexLock lock(&stats_mu_);
    ++stats_.undecodable;
    return absl::OkStatus();
  }
  MatchIndex::Applied applied = deps_.index->UpsertVacancy(*std::move(rec));
  RecordLag(event);
  {
    absl::MutexLock lock(&stats_mu_);
    ++(applied == MatchIndex::Applied::kApplied ? stats_.applied : stats_.stale);
  }
  // A redelivered "created" event publishes again (the first attempt may
  // have failed before the ack); the stable event id lets consumers dedupe.
  if (event.type() == "vacancy.created" && deps_.publisher != nullptr &&
      vacancy.status() == v1::VACANCY_STATUS_OPEN) {
    return PublishMatches(event, vacancy);
  }
  return absl::OkStatus();
}

absl::Status MatchingManager::PublishMatches(const v1::Event& event, const v1::Vacancy& vacancy) {
  absl::Time now = deps_.clock->Now();
  if (event.has_occurred_at() && now - FromProto(event.occurred_at()) > options_.alert_max_age) {
    return absl::OkStatus();
  }
  QueryContext ctx = MakeContext(now, ConsentNeed::kAnyPush);
  absl::StatusOr<QueryResult> result =
      deps_.index->TopWorkers(vacancy.vacancy_id(), options_.alert_k, WorkerFilter{}, ctx);
  if (absl::IsNotFound(result.status())) return absl::OkStatus();  // closed since
  RETURN_IF_ERROR(result.status());

  v1::VacancyMatches matches;
  matches.set_vacancy_id(vacancy.vacancy_id());
  matches.set_vacancy_version(vacancy.version());
  matches.set_title(vacancy.title());
  matches.set_occupation_code(vacancy.occupation_code());
  matches.set_location(vacancy.location());
  if (deps_.regions != nullptr) matches.set_location_name(deps_.regions->FullName(vacancy.location()));
  *matches.mutable_monthly_wage_min() = vacancy.wage().monthly_min();
  *matches.mutable_monthly_wage_max() = vacancy.wage().monthly_max();
  for (const Hit& hit : result->hits) {
    *matches.add_matches() = explainer_.Describe(hit.worker, hit.vacancy, ctx, hit.evaluation);
  }
  v1::Event out;
  out.set_event_id(absl::StrCat("matching-", vacancy.vacancy_id(), "-", vacancy.version()));
  out.set_type("match.found");
  out.set_entity_id(vacancy.vacancy_id());
  out.set_entity_version(vacancy.version());
  *out.mutable_occurred_at() = ToProto(now);
  out.set_payload(matches.SerializeAsString());
  out.set_payload_type("labor.v1.VacancyMatches");
  RETURN_IF_ERROR(deps_.publisher->Publish(out));
  absl::MutexLock lock(&stats_mu_);
  ++stats_.matches_published;
  return absl::OkStatus();
}

MatchingManager::Stats MatchingManager::stats() const {
  absl::MutexLock lock(&stats_mu_);
  return stats_;
}

// ---------------------------------------------------------------------------
// Queries

absl::Status MatchingManager::CheckWorkerAccess(const Caller& caller,
                                                const std::string& worker_id) const {
  if (caller.role != Role::kWechat) return absl::OkStatus();
  std::optional<std::string> own = deps_.index->WorkerByOpenid(caller.openid);
  if (caller.openid.empty() || !own.has_value() || *own != worker_id) {
    return absl::PermissionDeniedError(
        "the wechat channel may only ask for the worker bound to the caller's openid");
  }
  return absl::OkStatus();
}

ConsentNeed MatchingManager::ConsentOf(const Caller& caller, v1::Channel channel) const {
  if (channel == v1::CHANNEL_UNSPECIFIED && caller.role == Role::kWechat) {
    return ConsentNeed::kWechat;
  }
  return ConsentFor(channel);
}

v1::RecommendResponse MatchingManager::ToResponse(const QueryResult& result,
                                                  const QueryContext& ctx) const {
  v1::RecommendResponse response;
  for (const Hit& hit : result.hits) {
    *response.add_matches() = explainer_.Describe(hit.worker, hit.vacancy, ctx, hit.evaluation);
  }
  response.set_candidates_considered(result.considered);
  response.set_vetoed(result.vetoed);
  return response;
}

absl::StatusOr<v1::RecommendResponse> MatchingManager::RecommendVacancies(
    const Caller& caller, const v1::RecommendVacanciesRequest& request) const {
  ViolationCollector violations;
  if (request.worker_id().empty()) violations.Add("worker_id", "required");
  absl::StatusOr<int> k = CheckK(request.k(), kDefaultVacancyK, kMaxVacancyK);
  violations.Merge(k.status());
  VacancyFilter filter;
  if (!request.region_prefix().empty()) {
    absl::StatusOr<std::string> region = deps_.regions != nullptr
                                             ? deps_.regions->Canonical(request.region_prefix())
                                             : request.region_prefix();
    if (region.ok()) filter.region = PackRegion(*region);
    if (!region.ok() || filter.region.level == 0) {
      violations.Add("region_prefix", region.ok() ? "must be a 2, 4, 6 or 9 digit region code"
                                                  : region.status().message());
    }
  }
  if (!request.occupation_prefix().empty()) {
    filter.occupation = PackOccupationPrefix(request.occupation_prefix());
    absl::Status known = deps_.occupations != nullptr
                             ? deps_.occupations->ValidatePrefix(request.occupation_prefix())
                             : absl::OkStatus();
    if (filter.occupation == 0 || !known.ok()) {
      violations.Add("occupation_prefix",
                     known.ok() ? "must look like 6-30 or 6-30-05-01" : known.message());
    }
  }
  if (request.monthly_wage_floor().fen() < 0) {
    violations.Add("monthly_wage_floor", "must not be negative");
  }
  filter.wage_floor_fen = request.monthly_wage_floor().fen();
  filter.fair_id = request.fair_id();
  if (!v1::Channel_IsValid(request.channel())) violations.Add("channel", "unknown channel");
  RETURN_IF_ERROR(violations.ToStatus());
  RETURN_IF_ERROR(CheckReady());
  RETURN_IF_ERROR(CheckWorkerAccess(caller, request.worker_id()));
  QueryContext ctx = MakeContext(deps_.clock->Now(), ConsentOf(caller, request.channel()));
  ASSIGN_OR_RETURN(QueryResult result,
                   deps_.index->TopVacancies(request.worker_id(), *k, filter, ctx));
  return ToResponse(result, ctx);
}

absl::StatusOr<v1::RecommendResponse> MatchingManager::RecommendWorkers(
    const Caller& caller, const v1::RecommendWorkersRequest& request) const {
  ViolationCollector violations;
  if (request.vacancy_id().empty()) violations.Add("vacancy_id", "required");
  absl::StatusOr<int> k = CheckK(request.k(), kDefaultWorkerK, kMaxWorkerK);
  violations.Merge(k.status());
  WorkerFilter filter;
  if (!request.township().empty()) {
    absl::StatusOr<std::string> township =
        deps_.regions != nullptr
            ? deps_.regions->CanonicalStreetIn(request.township(), kTongchuanArea)
            : request.township();
    if (township.ok()) filter.township = PackRegion(*township);
    if (!township.ok() || filter.township.level != 4) {
      violations.Add("township", township.ok() ? "must be a 9-digit township code"
                                               : township.status().message());
    }
  }
  if (!v1::EmploymentStatus_IsValid(request.status())) violations.Add("status", "unknown status");
  filter.status = static_cast<uint8_t>(request.status());
  if (request.has_available_by()) {
    CheckDate(request.available_by(), "available_by", DateField::kFilterBound,
              absl::ToCivilDay(deps_.clock->Now(), ShanghaiTime()), &violations);
    if (violations.empty()) filter.available_by = DayOf(request.available_by());
  }
  if (!v1::Channel_IsValid(request.channel())) violations.Add("channel", "unknown channel");
  RETURN_IF_ERROR(violations.ToStatus());
  RETURN_IF_ERROR(CheckReady());
  QueryContext ctx = MakeContext(deps_.clock->Now(), ConsentOf(caller, request.channel()));
  ASSIGN_OR_RETURN(QueryResult result,
                   deps_.index->TopWorkers(request.vacancy_id(), *k, filter, ctx));
  return ToResponse(result, ctx);
}

absl::StatusOr<v1::ExplainResponse> MatchingManager::Explain(
    const Caller& caller, const v1::ExplainRequest& request) const {
  ViolationCollector violations;
  if (request.worker_id().empty()) violations.Add("worker_id", "required");
  if (request.vacancy_id().empty()) violations.Add("vacancy_id", "required");
  if (!v1::Channel_IsValid(request.channel())) violations.Add("channel", "unknown channel");
  RETURN_IF_ERROR(violations.ToStatus());
  RETURN_IF_ERROR(CheckReady());
  RETURN_IF_ERROR(CheckWorkerAccess(caller, request.worker_id()));
  std::optional<WorkerRec> worker = deps_.index->GetWorker(request.worker_id());
  if (!worker.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("worker ", request.worker_id(), " is not registered (or was erased)"));
  }
  std::optional<VacancyRec> vacancy = deps_.index->GetVacancy(request.vacancy_id());
  if (!vacancy.has_value()) {
    // No longer open (or never was): ask VacancyService, so staff learn why.
    if (deps_.upstream == nullptr) {
      return absl::NotFoundError(absl::StrCat("vacancy ", request.vacancy_id(), " is not open"));
    }
    ASSIGN_OR_RETURN(v1::Vacancy fetched, deps_.upstream->GetVacancy(request.vacancy_id()));
    ASSIGN_OR_RETURN(vacancy, VacancyFromProto(fetched));
  }
  QueryContext ctx = MakeContext(deps_.clock->Now(), ConsentOf(caller, request.channel()));
  Evaluation e = deps_.scorer->Evaluate(*worker, *vacancy, ctx);
  v1::ExplainResponse response;
  if (e.veto != Veto::kNone) {
    response.set_vetoed(true);
    response.set_veto_code(std::string(VetoName(e.veto)));
    response.set_veto_reason(explainer_.VetoReason(*worker, *vacancy, ctx, e.veto));
    response.mutable_match()->set_worker_id(worker->id);
    response.mutable_match()->set_vacancy_id(vacancy->id);
    return response;
  }
  *response.mutable_match() = explainer_.Describe(*worker, *vacancy, ctx, e);
  return response;
}

}  // namespace labor::matching
