// MatchingService at city scale, side by side in one run on the same data,
// the same filters and the same score (issue 4):
//   engine      MatchIndex's pruned top-K (in-process), and the manager call
//               that adds the Chinese reasons (what an RPC handler runs);
//   grpc        the same requests over a loopback gRPC channel to an
//               in-process MatchingService (one call at a time);
//   brute       every candidate scored (MatchIndex::BruteForce*);
//   postgresql  PostgreSQL 15 with the score in SQL (bench/pg_matcher.*),
//               when --pg_conninfo is given (bench/run_match_bench.sh starts
//               a throwaway cluster).
// Every brute-force and PostgreSQL answer is compared with the engine's
// (ids and scores, in order); a mismatch fails the run.
//
// Memory: RSS before loading, after the workers and after the vacancies.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/match_data.h"
#include "bench/pg_matcher.h"
#include "common/auth.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/server.h"
#include "common/thread_pool.h"
#include "google/protobuf/arena.h"
#include "labor/v1/matching.grpc.pb.h"
#include "services/matching/match_index.h"
#include "services/matching/matching_manager.h"
#include "services/matching/matching_service.h"

ABSL_FLAG(int64_t, workers, 1'500'000, "workers in the index");
ABSL_FLAG(int64_t, vacancies, 200'000, "open vacancies in the index");
ABSL_FLAG(int, queries, 2000, "RecommendWorkers and RecommendVacancies queries (each)");
ABSL_FLAG(int, brute_queries, 200, "queries also answered by the brute-force scan (each kind)");
ABSL_FLAG(int, pg_queries, 30, "queries also answered by PostgreSQL (each kind)");
ABSL_FLAG(std::string, pg_conninfo, "",
          "libpq conninfo of a scratch database; \"\" = no PostgreSQL");
ABSL_FLAG(double, filter_share, 0.25, "share of queries with optional filters");
ABSL_FLAG(bool, grpc, true, "also measure over a loopback gRPC channel");
ABSL_FLAG(std::string, data_dir, "data", "reference data directory");
ABSL_FLAG(std::string, json_out, "", "append one JSON line with the results here");
ABSL_FLAG(uint64_t, seed, 20261129, "data and query seed");
ABSL_FLAG(int, show_slowest, 0, "print the N slowest index queries of each kind with their phases");
ABSL_FLAG(std::string, only_vacancy, "",
          "diagnostics: after loading, run only RecommendWorkers k=100 for this vacancy id "
          "--repeat times (e.g. under perf) and exit");
ABSL_FLAG(std::string, only_worker, "",
          "diagnostics: after loading, run only RecommendVacancies k=20 for this worker id "
          "--repeat times and exit");
ABSL_FLAG(int, repeat, 100, "repetitions of --only_vacancy / --only_worker");
ABSL_FLAG(std::string, only_occupation, "",
          "with --only_worker: filter the vacancies by this occupation code prefix (e.g. 6-29)");

namespace labor::bench {

namespace {

using matching::MatchIndex;
using matching::MatchingManager;
using matching::QueryContext;

int64_t RssBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      int64_t kb = 0;
      fields >> kb;
      return kb * 1024;
    }
  }
  return 0;
}

struct Latencies {
  std::vector<double> ms;
  void Add(absl::Duration d) { ms.push_back(absl::ToDoubleMilliseconds(d)); }
  double Percentile(double p) const {
    if (ms.empty()) return 0;
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(i, sorted.size() - 1)];
  }
  double Mean() const {
    return ms.empty() ? 0
                      : std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size());
  }
  std::string Row(absl::string_view name) const {
    return absl::StrFormat("| %-34s | %6zu | %9.3f | %9.3f | %9.3f | %9.3f |", name, ms.size(),
                           Percentile(50), Percentile(90), Percentile(99), Mean());
  }
  std::string Json(absl::string_view name) const {
    return absl::StrFormat("\"%s\":{\"n\":%d,\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"mean_ms\":%.4f}",
                           name, ms.size(), Percentile(50), Percentile(99), Mean());
  }
};

// Serves the generated city as ProfileService and VacancyService would, so
// the manager's own bootstrap loads it. Records RSS when the workers are in.
class GeneratedUpstream : public matching::Upstream {
 public:
  GeneratedUpstream(const CityDataGenerator* gen, int64_t workers, int64_t vacancies)
      : gen_(gen), workers_(workers), vacancies_(vacancies) {}

  absl::StatusOr<Page<v1::Worker>> ListWorkers(const std::string& token) override {
    int64_t start = token.empty() ? 0 : std::stoll(token);
    Page<v1::Worker> page;
    int64_t end = std::min(workers_, start + kPage);
    page.items.resize(static_cast<size_t>(end - start));
    for (int64_t i = start; i < end; ++i)
      gen_->FillWorker(i, &page.items[static_cast<size_t>(i - start)]);
    if (end < workers_) page.next_page_token = absl::StrCat(end);
    return page;
  }
  absl::StatusOr<Page<v1::Vacancy>> ListOpenVacancies(const std::string& token) override {
    if (token.empty()) rss_after_workers_ = RssBytes();
    int64_t start = token.empty() ? 0 : std::stoll(token);
    Page<v1::Vacancy> page;
    int64_t end = std::min(vacancies_, start + kPage);
    page.items.resize(static_cast<size_t>(end - start));
    for (int64_t i = start; i < end; ++i)
      gen_->FillVacancy(i, &page.items[static_cast<size_t>(i - start)]);
    if (end < vacancies_) page.next_page_token = absl::StrCat(end);
    return page;
  }
  absl::StatusOr<v1::Vacancy> GetVacancy(const std::string& id) override {
    return absl::NotFoundError(id);
  }
  int64_t rss_after_workers() const { return rss_after_workers_; }

 private:
  static constexpr int64_t kPage = 5000;
  const CityDataGenerator* gen_;
  int64_t workers_, vacancies_;
  int64_t rss_after_workers_ = 0;
};

std::string WorkerId(int64_t i) { return absl::StrFormat("w_%012x", i); }
std::string VacancyId(int64_t i) { return absl::StrFormat("v_%012x", i); }

struct Queries {
  std::vector<v1::RecommendWorkersRequest> workers;      // for vacancies
  std::vector<v1::RecommendVacanciesRequest> vacancies;  // for workers
};

Queries MakeQueries(const CityDataGenerator& gen, int n, double filter_share, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&rng](int64_t n) {
    return std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
  };
  auto chance = [&rng](double p) { return std::bernoulli_distribution(p)(rng); };
  const int64_t workers = absl::GetFlag(FLAGS_workers);
  const int64_t vacancies = absl::GetFlag(FLAGS_vacancies);
  const std::vector<std::string> regions = {"511702", "5117", "51", "4403", "5101"};
  Queries q;
  for (int i = 0; i < n; ++i) {
    v1::RecommendWorkersRequest r;
    r.set_vacancy_id(VacancyId(uniform(vacancies)));
    r.set_k(100);
    if (chance(filter_share)) {
      switch (uniform(3)) {
        case 0:
          r.set_township(gen.townships()[static_cast<size_t>(
              uniform(static_cast<int64_t>(gen.townships().size())))]);
          break;
        case 1:
          r.set_status(static_cast<v1::EmploymentStatus>(1 + uniform(5)));
          break;
        default:
          *r.mutable_available_by() = [] {
            v1::Date d;
            d.set_year(2026);
            d.set_month(12);
            d.set_day(31);
            return d;
          }();
      }
    }
    q.workers.push_back(std::move(r));
  }
  for (int i = 0; i < n; ++i) {
    v1::RecommendVacanciesRequest r;
    r.set_worker_id(WorkerId(uniform(workers)));
    r.set_k(20);
    if (chance(filter_share)) {
      switch (uniform(4)) {
        case 0:
          r.set_region_prefix(regions[static_cast<size_t>(uniform(5))]);
          break;
        case 1: {
          const std::string& code = gen.occupation_codes()[static_cast<size_t>(uniform(20))];
          r.set_occupation_prefix(code.substr(0, 4));  // the 中类, e.g. "6-29"
          break;
        }
        case 2:
          r.mutable_monthly_wage_floor()->set_fen((4000 + uniform(4) * 1000) * 100);
          break;
        default:
          r.set_fair_id(absl::StrCat("fair_", uniform(10)));
          break;
      }
    }
    q.vacancies.push_back(std::move(r));
  }
  return q;
}

matching::WorkerFilter ToFilter(const v1::RecommendWorkersRequest& r) {
  matching::WorkerFilter f;
  if (!r.township().empty()) f.township = matching::PackRegion(r.township());
  f.status = static_cast<uint8_t>(r.status());
  if (r.has_available_by()) f.available_by = matching::DayOf(r.available_by());
  return f;
}

// "<request> scored N considered N cards N phases N N N N N": where one
// query's work went (counters of QueryResult).
std::string Describe(const matching::QueryResult& result, absl::string_view request) {
  std::string out = absl::StrCat(request, " scored ", result.evaluated, " considered ",
                                 result.considered, " cards ", result.reached, " phases");
  for (int p = 1; p < 6; ++p) absl::StrAppend(&out, " ", result.considered_by_phase[p]);
  return out;
}

matching::VacancyFilter ToFilter(const v1::RecommendVacanciesRequest& r) {
  matching::VacancyFilter f;
  if (!r.region_prefix().empty()) f.region = matching::PackRegion(r.region_prefix());
  if (!r.occupation_prefix().empty())
    f.occupation = matching::PackOccupationPrefix(r.occupation_prefix());
  f.wage_floor_fen = r.monthly_wage_floor().fen();
  f.fair_id = r.fair_id();
  return f;
}

PgMatcher::WorkerFilter ToPg(const v1::RecommendWorkersRequest& r) {
  PgMatcher::WorkerFilter f;
  f.township = r.township();
  f.status = r.status();
  if (r.has_available_by()) f.available_by_day = matching::DayOf(r.available_by());
  return f;
}

PgMatcher::VacancyFilter ToPg(const v1::RecommendVacanciesRequest& r) {
  PgMatcher::VacancyFilter f;
  f.region_prefix = r.region_prefix();
  f.occupation_prefix = r.occupation_prefix();
  f.fair_id = r.fair_id();
  f.wage_floor_fen = r.monthly_wage_floor().fen();
  return f;
}

using Ranking = std::vector<std::pair<std::string, int64_t>>;

Ranking RankingOf(const matching::QueryResult& result, bool workers) {
  Ranking out;
  for (const matching::Hit& h : result.hits) {
    out.emplace_back(workers ? h.worker.id : h.vacancy.id, h.evaluation.score);
  }
  return out;
}

Ranking RankingOf(const std::vector<PgMatcher::Hit>& hits) {
  Ranking out;
  for (const PgMatcher::Hit& h : hits) out.emplace_back(h.id, h.score);
  return out;
}

int Run() {
  const int64_t n_workers = absl::GetFlag(FLAGS_workers);
  const int64_t n_vacancies = absl::GetFlag(FLAGS_vacancies);
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  auto occupations = OccupationTaxonomy::LoadFromFile(data_dir + "/taxonomy/occupations.csv");
  auto regions = RegionRegistry::LoadFromDir(data_dir + "/regions");
  LABOR_CHECK(occupations.ok() && regions.ok()) << "reference data under " << data_dir;
  CityDataOptions data_options;
  data_options.seed = absl::GetFlag(FLAGS_seed);
  CityDataGenerator gen(occupations->get(), regions->get(), data_options);
  ManualClock clock(data_options.now);
  const QueryContext ctx = matching::MakeContext(data_options.now, matching::ConsentNeed::kNone);

  matching::Scorer scorer(matching::Weights{});
  MatchIndex index(&scorer);
  GeneratedUpstream upstream(&gen, n_workers, n_vacancies);
  matching::MatchingDeps deps;
  deps.index = &index;
  deps.scorer = &scorer;
  deps.regions = regions->get();
  deps.occupations = occupations->get();
  deps.upstream = &upstream;
  deps.clock = &clock;
  MatchingManager manager(deps, matching::MatchingOptions{});

  const int64_t rss0 = RssBytes();
  absl::Time t0 = absl::Now();
  absl::Status boot = manager.Bootstrap([] { return false; });
  LABOR_CHECK(boot.ok()) << boot;
  absl::Duration load_time = absl::Now() - t0;
  const int64_t rss_workers = upstream.rss_after_workers();
  const int64_t rss_all = RssBytes();
  const double per_worker =
      static_cast<double>(rss_workers - rss0) / static_cast<double>(n_workers);
  const double per_vacancy =
      static_cast<double>(rss_all - rss_workers) / static_cast<double>(n_vacancies);
  std::printf("loaded %zu workers and %zu vacancies through the manager's bootstrap in %.1f s\n",
              index.worker_count(), index.vacancy_count(), absl::ToDoubleSeconds(load_time));
  std::printf(
      "RSS: %.0f MiB before, %.0f MiB with workers, %.0f MiB with vacancies: %.0f B/worker, %.0f "
      "B/vacancy\n",
      rss0 / 1048576.0, rss_workers / 1048576.0, rss_all / 1048576.0, per_worker, per_vacancy);

  if (!absl::GetFlag(FLAGS_only_vacancy).empty() || !absl::GetFlag(FLAGS_only_worker).empty()) {
    const std::string vacancy = absl::GetFlag(FLAGS_only_vacancy);
    const std::string worker = absl::GetFlag(FLAGS_only_worker);
    Latencies lat;
    matching::QueryResult last;
    matching::VacancyFilter vacancy_filter;
    if (!absl::GetFlag(FLAGS_only_occupation).empty()) {
      vacancy_filter.occupation =
          matching::PackOccupationPrefix(absl::GetFlag(FLAGS_only_occupation));
    }
    for (int i = 0; i < absl::GetFlag(FLAGS_repeat); ++i) {
      absl::Time s = absl::Now();
      auto result = vacancy.empty() ? index.TopVacancies(worker, 20, vacancy_filter, ctx)
                                    : index.TopWorkers(vacancy, 100, {}, ctx);
      lat.Add(absl::Now() - s);
      LABOR_CHECK(result.ok()) << result.status();
      last = *std::move(result);
    }
    std::printf("%s\n%s\n", Describe(last, vacancy.empty() ? worker : vacancy).c_str(),
                lat.Row("only").c_str());
    return 0;
  }

  Queries q = MakeQueries(gen, absl::GetFlag(FLAGS_queries), absl::GetFlag(FLAGS_filter_share),
                          absl::GetFlag(FLAGS_seed) + 1);
  Caller caller;
  caller.role = Role::kAdmin;

  // Engine: index top-K, then the full manager call with reasons.
  Latencies top_workers, top_vacancies, rpc_workers, rpc_vacancies;
  int64_t considered_workers = 0, considered_vacancies = 0;
  int64_t evaluated_workers = 0, evaluated_vacancies = 0;
  std::array<int64_t, 6> phases_workers{}, phases_vacancies{};
  std::array<int64_t, 6> reached_workers{}, reached_vacancies{};  // queries reaching each phase
  std::vector<Ranking> engine_workers, engine_vacancies;
  std::vector<std::pair<double, std::string>> slow_workers, slow_vacancies;
  for (const auto& r : q.workers) {
    absl::Time s = absl::Now();
    auto result = index.TopWorkers(r.vacancy_id(), r.k(), ToFilter(r), ctx);
    top_workers.Add(absl::Now() - s);
    slow_workers.emplace_back(top_workers.ms.back(), Describe(*result, r.ShortDebugString()));
    LABOR_CHECK(result.ok()) << result.status();
    considered_workers += result->considered;
    evaluated_workers += result->evaluated;
    for (int p = 0; p < 6; ++p) {
      phases_workers[p] += result->considered_by_phase[p];
      if (result->considered_by_phase[p] > 0) ++reached_workers[p];
    }
    engine_workers.push_back(RankingOf(*result, true));
  }
  for (const auto& r : q.vacancies) {
    absl::Time s = absl::Now();
    auto result = index.TopVacancies(r.worker_id(), r.k(), ToFilter(r), ctx);
    top_vacancies.Add(absl::Now() - s);
    slow_vacancies.emplace_back(top_vacancies.ms.back(), Describe(*result, r.ShortDebugString()));
    LABOR_CHECK(result.ok()) << result.status();
    considered_vacancies += result->considered;
    evaluated_vacancies += result->evaluated;
    for (int p = 0; p < 6; ++p) {
      phases_vacancies[p] += result->considered_by_phase[p];
      if (result->considered_by_phase[p] > 0) ++reached_vacancies[p];
    }
    engine_vacancies.push_back(RankingOf(*result, false));
  }
  for (const auto& r : q.workers) {
    absl::Time s = absl::Now();
    auto response = manager.RecommendWorkers(caller, r);
    rpc_workers.Add(absl::Now() - s);
    LABOR_CHECK(response.ok()) << response.status();
  }
  for (const auto& r : q.vacancies) {
    absl::Time s = absl::Now();
    auto response = manager.RecommendVacancies(caller, r);
    rpc_vacancies.Add(absl::Now() - s);
    LABOR_CHECK(response.ok()) << response.status();
  }

  for (auto* slow : {&slow_workers, &slow_vacancies}) {
    std::sort(slow->rbegin(), slow->rend());
    for (int i = 0; i < absl::GetFlag(FLAGS_show_slowest) && i < static_cast<int>(slow->size());
         ++i) {
      std::printf("slow %.2f ms: %s\n", (*slow)[static_cast<size_t>(i)].first,
                  (*slow)[static_cast<size_t>(i)].second.c_str());
    }
  }

  // Brute force on a prefix of the same queries.
  Latencies brute_workers, brute_vacancies;
  int mismatches = 0;
  const int nb =
      std::min<int>(absl::GetFlag(FLAGS_brute_queries), static_cast<int>(q.workers.size()));
  for (int i = 0; i < nb; ++i) {
    const auto& r = q.workers[static_cast<size_t>(i)];
    absl::Time s = absl::Now();
    auto result = index.BruteForceWorkers(r.vacancy_id(), r.k(), ToFilter(r), ctx);
    brute_workers.Add(absl::Now() - s);
    if (RankingOf(*result, true) != engine_workers[static_cast<size_t>(i)]) {
      ++mismatches;
      std::printf("MISMATCH brute RecommendWorkers %s\n", r.ShortDebugString().c_str());
    }
  }
  for (int i = 0; i < nb; ++i) {
    const auto& r = q.vacancies[static_cast<size_t>(i)];
    absl::Time s = absl::Now();
    auto result = index.BruteForceVacancies(r.worker_id(), r.k(), ToFilter(r), ctx);
    brute_vacancies.Add(absl::Now() - s);
    if (RankingOf(*result, false) != engine_vacancies[static_cast<size_t>(i)]) {
      ++mismatches;
      std::printf("MISMATCH brute RecommendVacancies %s\n", r.ShortDebugString().c_str());
    }
  }

  // gRPC, one call at a time over loopback.
  Latencies grpc_workers, grpc_vacancies;
  if (absl::GetFlag(FLAGS_grpc)) {
    IssuedToken admin = IssueToken(Role::kAdmin, "bench", "bench");
    auto tokens = TokenStore::Parse(admin.line);
    LABOR_CHECK(tokens.ok()) << tokens.status();
    Authenticator auth(tokens->get(), matching::MatchingMethodPolicy());
    ThreadPool pool(2, 1000);
    ServerOptions server_options;
    server_options.service_name = "labor.v1.MatchingService";
    GrpcServer server(server_options, [] { return absl::OkStatus(); });
    matching::MatchingServiceImpl service(&manager, &auth, &pool, &server.metrics());
    server.AddService(&service);
    absl::Status started = server.Start();
    LABOR_CHECK(started.ok()) << started;
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()),
                                       grpc::InsecureChannelCredentials());
    auto stub = v1::MatchingService::NewStub(channel);
    auto call = [&](auto method, const auto& request, Latencies* lat) {
      v1::RecommendResponse response;
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + admin.token);
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      absl::Time s = absl::Now();
      grpc::Status st = ((*stub).*method)(&ctx, request, &response);
      lat->Add(absl::Now() - s);
      LABOR_CHECK(st.ok()) << st.error_message();
    };
    for (int i = 0; i < 50; ++i) {  // warm the channel
      Latencies ignore;
      call(&v1::MatchingService::Stub::RecommendVacancies, q.vacancies[static_cast<size_t>(i)],
           &ignore);
    }
    for (const auto& r : q.workers)
      call(&v1::MatchingService::Stub::RecommendWorkers, r, &grpc_workers);
    for (const auto& r : q.vacancies) {
      call(&v1::MatchingService::Stub::RecommendVacancies, r, &grpc_vacancies);
    }
    server.Shutdown();
  }

  // PostgreSQL.
  Latencies pg_workers, pg_vacancies;
  double pg_load_s = 0;
  const std::string conninfo = absl::GetFlag(FLAGS_pg_conninfo);
  if (!conninfo.empty()) {
    auto pg = PgMatcher::Connect(conninfo);
    LABOR_CHECK(pg.ok()) << pg.status();
    absl::Time ls = absl::Now();
    LABOR_CHECK((*pg)->CreateSchema().ok());
    constexpr int64_t kBatch = 20000;
    for (int64_t start = 0; start < n_workers; start += kBatch) {
      std::vector<v1::Worker> batch(static_cast<size_t>(std::min(kBatch, n_workers - start)));
      for (size_t j = 0; j < batch.size(); ++j)
        gen.FillWorker(start + static_cast<int64_t>(j), &batch[j]);
      absl::Status s = (*pg)->LoadWorkers(batch);
      LABOR_CHECK(s.ok()) << s;
    }
    for (int64_t start = 0; start < n_vacancies; start += kBatch) {
      std::vector<v1::Vacancy> batch(static_cast<size_t>(std::min(kBatch, n_vacancies - start)));
      for (size_t j = 0; j < batch.size(); ++j)
        gen.FillVacancy(start + static_cast<int64_t>(j), &batch[j]);
      absl::Status s = (*pg)->LoadVacancies(batch);
      LABOR_CHECK(s.ok()) << s;
    }
    absl::Status analyzed = (*pg)->Analyze();
    LABOR_CHECK(analyzed.ok()) << analyzed;
    pg_load_s = absl::ToDoubleSeconds(absl::Now() - ls);
    std::printf("PostgreSQL: loaded and indexed in %.0f s\n", pg_load_s);
    const int np =
        std::min<int>(absl::GetFlag(FLAGS_pg_queries), static_cast<int>(q.workers.size()));
    for (int i = 0; i < np; ++i) {
      const auto& r = q.workers[static_cast<size_t>(i)];
      absl::Time s = absl::Now();
      auto hits = (*pg)->TopWorkers(r.vacancy_id(), r.k(), ToPg(r), ctx);
      pg_workers.Add(absl::Now() - s);
      LABOR_CHECK(hits.ok()) << hits.status();
      if (RankingOf(*hits) != engine_workers[static_cast<size_t>(i)]) {
        ++mismatches;
        std::printf("MISMATCH postgresql RecommendWorkers %s\n", r.ShortDebugString().c_str());
      }
    }
    for (int i = 0; i < np; ++i) {
      const auto& r = q.vacancies[static_cast<size_t>(i)];
      absl::Time s = absl::Now();
      auto hits = (*pg)->TopVacancies(r.worker_id(), r.k(), ToPg(r), ctx);
      pg_vacancies.Add(absl::Now() - s);
      LABOR_CHECK(hits.ok()) << hits.status();
      if (RankingOf(*hits) != engine_vacancies[static_cast<size_t>(i)]) {
        ++mismatches;
        std::printf("MISMATCH postgresql RecommendVacancies %s\n", r.ShortDebugString().c_str());
      }
    }
    std::printf("PostgreSQL GIN-first queries that fell back to a scan: %lld\n",
                static_cast<long long>((*pg)->scan_fallbacks()));
  }

  std::printf("\n| %-34s | %6s | %9s | %9s | %9s | %9s |\n", "latency (ms)", "n", "p50", "p90",
              "p99", "mean");
  std::printf("|%s|%s|%s|%s|%s|%s|\n", std::string(36, '-').c_str(), std::string(8, '-').c_str(),
              std::string(11, '-').c_str(), std::string(11, '-').c_str(),
              std::string(11, '-').c_str(), std::string(11, '-').c_str());
  for (const auto& [name, lat] : std::vector<std::pair<std::string, const Latencies*>>{
           {"RecommendWorkers k=100: index", &top_workers},
           {"RecommendWorkers: with reasons", &rpc_workers},
           {"RecommendWorkers: over gRPC", &grpc_workers},
           {"RecommendWorkers: brute force", &brute_workers},
           {"RecommendWorkers: PostgreSQL", &pg_workers},
           {"RecommendVacancies k=20: index", &top_vacancies},
           {"RecommendVacancies: with reasons", &rpc_vacancies},
           {"RecommendVacancies: over gRPC", &grpc_vacancies},
           {"RecommendVacancies: brute force", &brute_vacancies},
           {"RecommendVacancies: PostgreSQL", &pg_vacancies}}) {
    if (!lat->ms.empty()) std::printf("%s\n", lat->Row(name).c_str());
  }
  auto ratio = [](const Latencies& slow, const Latencies& fast, double p) {
    double f = fast.Percentile(p);
    return f > 0 ? slow.Percentile(p) / f : 0.0;
  };
  std::printf(
      "\nper query: RecommendWorkers %.0f candidates reached, %.0f fully scored (of %lld workers); "
      "RecommendVacancies %.0f reached, %.0f scored (of %lld vacancies)\n",
      static_cast<double>(considered_workers) / static_cast<double>(q.workers.size()),
      static_cast<double>(evaluated_workers) / static_cast<double>(q.workers.size()),
      static_cast<long long>(n_workers),
      static_cast<double>(considered_vacancies) / static_cast<double>(q.vacancies.size()),
      static_cast<double>(evaluated_vacancies) / static_cast<double>(q.vacancies.size()),
      static_cast<long long>(n_vacancies));
  for (int p = 1; p < 6; ++p) {
    std::printf(
        "  phase %d: RecommendWorkers %lld scored in %lld queries; RecommendVacancies %lld in "
        "%lld\n",
        p, static_cast<long long>(phases_workers[p]), static_cast<long long>(reached_workers[p]),
        static_cast<long long>(phases_vacancies[p]), static_cast<long long>(reached_vacancies[p]));
  }
  std::printf(
      "RecommendWorkers speed-up (index, same queries): brute force %.1fx at p50, %.1fx at p99",
      ratio(brute_workers, top_workers, 50), ratio(brute_workers, top_workers, 99));
  if (!pg_workers.ms.empty()) {
    std::printf("; PostgreSQL %.1fx at p50, %.1fx at p99", ratio(pg_workers, top_workers, 50),
                ratio(pg_workers, top_workers, 99));
  }
  std::printf("\nRecommendVacancies speed-up: brute force %.1fx at p50",
              ratio(brute_vacancies, top_vacancies, 50));
  if (!pg_vacancies.ms.empty())
    std::printf("; PostgreSQL %.1fx at p50", ratio(pg_vacancies, top_vacancies, 50));
  std::printf("\nidentical top-K: %s (%d mismatches)\n", mismatches == 0 ? "yes" : "NO",
              mismatches);

  const std::string json_out = absl::GetFlag(FLAGS_json_out);
  if (!json_out.empty()) {
    std::ofstream out(json_out, std::ios::app);
    out << "{\"workers\":" << n_workers << ",\"vacancies\":" << n_vacancies
        << ",\"bytes_per_worker\":" << static_cast<int64_t>(per_worker)
        << ",\"bytes_per_vacancy\":" << static_cast<int64_t>(per_vacancy)
        << ",\"load_s\":" << absl::ToDoubleSeconds(load_time) << ",\"pg_load_s\":" << pg_load_s
        << "," << top_workers.Json("workers_index") << "," << rpc_workers.Json("workers_reasons")
        << "," << grpc_workers.Json("workers_grpc") << "," << brute_workers.Json("workers_brute")
        << "," << pg_workers.Json("workers_pg") << "," << top_vacancies.Json("vacancies_index")
        << "," << rpc_vacancies.Json("vacancies_reasons") << ","
        << grpc_vacancies.Json("vacancies_grpc") << "," << brute_vacancies.Json("vacancies_brute")
        << "," << pg_vacancies.Json("vacancies_pg") << ",\"mismatches\":" << mismatches << "}\n";
  }
  return mismatches == 0 ? 0 : 1;
}

}  // namespace
}  // namespace labor::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return labor::bench::Run();
}
