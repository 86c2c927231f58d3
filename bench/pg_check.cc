// Checks and times the PostgreSQL baseline (bench/pg_matcher.h): loads N
// workers and M vacancies into a running server, runs random TopWorkers
// (k=100) and TopVacancies (k=20) queries with and without filters, and
// compares every answer with a brute-force scan that evaluates each pair
// with matching::Scorer. Prints load times, per-query latency per plan and
// every mismatch with its per-part values; exits 1 on a mismatch.
//
//   bench/start_pg.sh run -- sh -c 'build-pg/bench/pg_check
//     --conninfo="$PG_CONNINFO" --data=city --workers=300000'
//
// --data=edge (default) draws small hand-made records that hit every rule
// (coarse and wild requirements, certificates by name/kind/level/expiry,
// scopes, return plans, missing wages …); --data=city uses
// CityDataGenerator (bench/match_data.h), the benchmark's data.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "bench/match_data.h"
#include "bench/pg_matcher.h"
#include "common/clock.h"
#include "common/occupations.h"
#include "common/regions.h"

ABSL_FLAG(std::string, conninfo, "", "libpq conninfo of a running server (bench/start_pg.sh)");
ABSL_FLAG(int64_t, workers, 20000, "workers to load");
ABSL_FLAG(int64_t, vacancies, 3000, "vacancies to load");
ABSL_FLAG(int, queries, 50, "queries per direction");
ABSL_FLAG(std::string, data, "edge", "edge (hand-made edge cases) or city (CityDataGenerator)");
ABSL_FLAG(std::string, data_dir, "data", "taxonomy/ and regions/ for --data=city");
ABSL_FLAG(uint64_t, seed, 1, "seed of the data (edge) and of the queries");
ABSL_FLAG(bool, load, true,
          "create the schema and load; false reuses the tables of an earlier "
          "run with the same --data/--workers/--vacancies/--seed");
ABSL_FLAG(bool, check, true, "compare with the brute-force scan");
ABSL_FLAG(std::string, plans, "gin,scan", "plans to run: gin (GIN first, scan when needed), scan");
ABSL_FLAG(int, batch, 20000, "records per COPY");
ABSL_FLAG(std::string, sql, LABOR_PG_MATCHER_SQL, "the schema and queries (bench/pg_matcher.sql)");

namespace labor::bench {
namespace {

using matching::Day;
using matching::kNoDay;
using matching::QueryContext;
using matching::VacancyRec;
using matching::WorkerRec;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---------------------------------------------------------------------------
// Edge-case data: every field the scorer reads takes its corner values.

constexpr int64_t kEdgeNow = 1796004000;  // 2026-11-29 10:00 Asia/Shanghai

const char* const kSkillCodes[] = {"6-29-01-01", "6-29-01-03", "6-29-01-04", "6-29-02-15",
                                   "6-29-03-02", "6-18-02-04", "6-18-01-01", "4-03-02-01",
                                   "4-03-02-05", "4-10-01-06", "4-10-01-05", "4-02-05-01",
                                   "6-30-05-01", "2-02-07-05", "0-01-02-03"};
// Requirements also name coarser nodes (a 小类, 中类, 大类) and odd shapes.
const char* const kRequiredExtra[] = {"6-29-01-00", "6-29-00-00", "6-00-00-00", "4-03-02-00",
                                      "6-00-05-00", "0-01-00-00", "bad"};
const char* const kTownships[] = {"511702001", "511702002", "511702003", "511702100", "511703101"};
const char* const kPlaces[] = {"",          "51",     "5117",      "511702", "511702001",
                               "511702002", "511703", "511703101", "5101",   "510104",
                               "510104003", "44",     "4403",      "440306", "440306101",
                               "33",        "330782", "511702100", "5117029"};
const char* const kCertNames[] = {"", "低压电工作业", "熔化焊接与热切割作业", "健康证"};
const char* const kFairs[] = {"fair_1", "fair_2", "fair_3"};

template <typename T, size_t N>
const T& Pick(std::mt19937_64& rng, const T (&items)[N]) {
  return items[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}
int Uniform(std::mt19937_64& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}
bool Chance(std::mt19937_64& rng, double p) { return std::bernoulli_distribution(p)(rng); }

void SetDate(Day day, v1::Date* date) {
  absl::CivilDay civil = matching::CivilOf(day);
  date->set_year(static_cast<int>(civil.year()));
  date->set_month(civil.month());
  date->set_day(civil.day());
}

Day EdgeToday() {
  return matching::ToDay(absl::ToCivilDay(absl::FromUnixSeconds(kEdgeNow), ShanghaiTime()));
}

v1::Worker EdgeWorker(uint64_t seed, int64_t i) {
  std::mt19937_64 rng(seed * 1000003 + static_cast<uint64_t>(i));
  const Day today = EdgeToday();
  v1::Worker w;
  w.set_worker_id(absl::StrFormat("w_%012x", i));
  w.set_version(1);
  if (!Chance(rng, 0.03)) w.set_hukou_township(Pick(rng, kTownships));
  w.set_current_location(Pick(rng, kPlaces));
  for (int n = Uniform(rng, 0, 3); n > 0; --n) {
    v1::Skill* s = w.add_skills();
    s->set_occupation_code(Pick(rng, kSkillCodes));
    s->set_level(static_cast<v1::SkillLevel>(Uniform(rng, 0, 9)));
  }
  for (int n = Chance(rng, 0.4) ? Uniform(rng, 1, 2) : 0; n > 0; --n) {
    v1::Certificate* c = w.add_certificates();
    c->set_kind(static_cast<v1::CertificateKind>(Uniform(rng, 0, 3)));
    c->set_name(Pick(rng, kCertNames));
    if (Chance(rng, 0.8)) c->set_occupation_code(Pick(rng, kSkillCodes));
    c->set_level(static_cast<v1::SkillLevel>(Uniform(rng, 0, 7)));
    c->set_verified(Chance(rng, 0.5));
    if (Chance(rng, 0.5)) SetDate(today + Uniform(rng, -20, 400), c->mutable_expires_on());
  }
  w.set_labor_brand(static_cast<v1::LaborBrand>(Chance(rng, 0.4) ? Uniform(rng, 1, 3) : 0));
  w.mutable_employment()->set_status(static_cast<v1::EmploymentStatus>(Uniform(rng, 0, 5)));
  v1::Preferences* p = w.mutable_preferences();
  p->set_location_scope(static_cast<v1::LocationScope>(Uniform(rng, 0, 6)));
  for (int n = Chance(rng, 0.3) ? Uniform(rng, 1, 2) : 0; n > 0; --n) {
    p->add_accepted_regions(Pick(rng, kPlaces));
  }
  if (Chance(rng, 0.6)) p->mutable_minimum_monthly_wage()->set_fen(Uniform(rng, 25, 80) * 10000);
  if (Chance(rng, 0.3)) SetDate(today + Uniform(rng, -30, 90), p->mutable_available_from());
  v1::ReturnPlan* r = w.mutable_return_plan();
  if (Chance(rng, 0.5)) SetDate(today + Uniform(rng, -70, 120), r->mutable_planned_return());
  r->set_intent(static_cast<v1::ReturnIntent>(Uniform(rng, 0, 3)));
  w.mutable_consent()->set_wechat(Chance(rng, 0.7));
  w.mutable_consent()->set_sms(Chance(rng, 0.4));
  return w;
}

v1::Vacancy EdgeVacancy(uint64_t seed, int64_t i) {
  std::mt19937_64 rng(seed * 2000003 + static_cast<uint64_t>(i));
  v1::Vacancy v;
  v.set_vacancy_id(absl::StrFormat("v_%012x", i));
  v.set_version(1);
  v.set_employer_id(absl::StrFormat("e_%06x", Uniform(rng, 0, 999)));
  v.set_occupation_code(Chance(rng, 0.95) ? Pick(rng, kSkillCodes) : Pick(rng, kRequiredExtra));
  for (int n = Uniform(rng, 0, 3); n > 0; --n) {
    v1::Skill* s = v.add_required_skills();
    s->set_occupation_code(Chance(rng, 0.7) ? Pick(rng, kSkillCodes) : Pick(rng, kRequiredExtra));
    s->set_level(static_cast<v1::SkillLevel>(Uniform(rng, 0, 7)));
  }
  for (int n = Chance(rng, 0.2) ? Uniform(rng, 1, 2) : 0; n > 0; --n) {
    v1::Certificate* c = v.add_required_certificates();
    c->set_kind(static_cast<v1::CertificateKind>(Uniform(rng, 0, 3)));
    int how = Uniform(rng, 0, 2);
    if (how == 0) c->set_occupation_code(Pick(rng, kSkillCodes));
    if (how == 1) c->set_occupation_code(Pick(rng, kRequiredExtra));
    c->set_name(Pick(rng, kCertNames));
    c->set_level(static_cast<v1::SkillLevel>(Uniform(rng, 0, 5)));
  }
  v.set_location(Pick(rng, kPlaces));
  int wage = Uniform(rng, 0, 3);  // none, min only, max only, both
  if (wage == 1 || wage == 3)
    v.mutable_wage()->mutable_monthly_min()->set_fen(Uniform(rng, 25, 90) * 10000);
  if (wage == 2 || wage == 3) {
    v.mutable_wage()->mutable_monthly_max()->set_fen(
        std::max<int64_t>(v.wage().monthly_min().fen(), Uniform(rng, 30, 120) * 10000));
  }
  v.set_remaining(Chance(rng, 0.05) ? Uniform(rng, -1, 0) : Uniform(rng, 1, 9));
  v.set_status(Chance(rng, 0.93) ? v1::VACANCY_STATUS_OPEN
                                 : static_cast<v1::VacancyStatus>(Uniform(rng, 0, 4)));
  v.set_employer_blacklisted(Chance(rng, 0.03));
  v.mutable_posted_at()->set_seconds(kEdgeNow - Uniform(rng, -3600, 45 * 86400));
  if (Chance(rng, 0.9)) {
    v.mutable_expires_at()->set_seconds(kEdgeNow + int64_t{Uniform(rng, -5, 100)} * 86400 +
                                        Uniform(rng, 0, 86399));
  }
  for (int n = Chance(rng, 0.3) ? Uniform(rng, 1, 2) : 0; n > 0; --n) {
    v.add_fair_ids(Pick(rng, kFairs));
  }
  return v;
}

// ---------------------------------------------------------------------------
// The brute-force reference.

using Hit = PgMatcher::Hit;

bool Better(const Hit& a, const Hit& b) {
  return a.score != b.score ? a.score > b.score : a.id < b.id;
}

std::vector<Hit> TakeTop(std::vector<Hit> hits, int k) {
  size_t n = std::min<size_t>(hits.size(), static_cast<size_t>(k));
  std::partial_sort(hits.begin(), hits.begin() + n, hits.end(), Better);
  hits.resize(n);
  return hits;
}

Hit MakeHit(const std::string& id, const matching::Evaluation& e) {
  Hit hit;
  hit.id = id;
  hit.score = e.score;
  hit.values = e.values;
  return hit;
}

std::vector<Hit> RefTopWorkers(const matching::Scorer& scorer,
                               const std::vector<WorkerRec>& workers, const VacancyRec& v, int k,
                               const PgMatcher::WorkerFilter& f, const QueryContext& ctx) {
  matching::Region township = matching::PackRegion(f.township);
  std::vector<Hit> hits;
  for (const WorkerRec& w : workers) {
    if (!f.township.empty() && !(w.hukou == township)) continue;
    if (f.status != 0 && w.status != f.status) continue;
    if (f.available_by_day != kNoDay) {
      Day start = matching::Scorer::StartDay(w, v, ctx);
      if (start != kNoDay && start > f.available_by_day) continue;
    }
    matching::Evaluation e = scorer.Evaluate(w, v, ctx);
    if (e.veto == matching::Veto::kNone) hits.push_back(MakeHit(w.id, e));
  }
  return TakeTop(std::move(hits), k);
}

std::vector<Hit> RefTopVacancies(const matching::Scorer& scorer,
                                 const std::vector<VacancyRec>& vacancies, const WorkerRec& w,
                                 int k, const PgMatcher::VacancyFilter& f,
                                 const QueryContext& ctx) {
  matching::Region region = matching::PackRegion(f.region_prefix);
  std::vector<Hit> hits;
  for (const VacancyRec& v : vacancies) {
    if (!matching::RegionWithin(region, v.location)) continue;
    if (!f.occupation_prefix.empty() &&
        !OccupationInBranch(f.occupation_prefix, matching::UnpackOccupation(v.occupation))) {
      continue;
    }
    if (f.wage_floor_fen > 0 && v.has_wage() &&
        std::max(v.wage_min_fen, v.wage_max_fen) < f.wage_floor_fen) {
      continue;
    }
    if (!f.fair_id.empty() &&
        std::find(v.fair_ids.begin(), v.fair_ids.end(), f.fair_id) == v.fair_ids.end()) {
      continue;
    }
    matching::Evaluation e = scorer.Evaluate(w, v, ctx);
    if (e.veto == matching::Veto::kNone) hits.push_back(MakeHit(v.id, e));
  }
  return TakeTop(std::move(hits), k);
}

std::string Parts(const std::array<int32_t, matching::kPartCount>& values) {
  std::vector<std::string> parts;
  for (int i = 0; i < matching::kPartCount; ++i) {
    parts.push_back(absl::StrCat(matching::PartName(i), "=", values[i]));
  }
  return absl::StrJoin(parts, " ");
}

// ---------------------------------------------------------------------------
// Latency summaries.

struct Latencies {
  std::vector<double> ms;
  void Add(double value) { ms.push_back(value); }
  std::string Summary() {
    if (ms.empty()) return "no queries";
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) {
      size_t i = static_cast<size_t>(q * static_cast<double>(ms.size() - 1) + 0.5);
      return ms[std::min(i, ms.size() - 1)];
    };
    double sum = 0;
    for (double x : ms) sum += x;
    return absl::StrFormat("n=%d mean=%.1f p50=%.1f p90=%.1f p99=%.1f max=%.1f ms", ms.size(),
                           sum / static_cast<double>(ms.size()), at(0.5), at(0.9), at(0.99),
                           ms.back());
  }
};

std::string RegionAtLevel(matching::Region r, int level) {
  return matching::UnpackRegion(matching::RegionPrefix(r, level));
}

int Run() {
  const std::string conninfo = absl::GetFlag(FLAGS_conninfo);
  if (conninfo.empty()) {
    std::fprintf(stderr, "--conninfo is required (see bench/start_pg.sh)\n");
    return 2;
  }
  const int64_t n_workers = absl::GetFlag(FLAGS_workers);
  const int64_t n_vacancies = absl::GetFlag(FLAGS_vacancies);
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  const bool city = absl::GetFlag(FLAGS_data) == "city";
  if (!city && absl::GetFlag(FLAGS_data) != "edge") {
    std::fprintf(stderr, "--data must be edge or city\n");
    return 2;
  }

  std::unique_ptr<OccupationTaxonomy> occupations;
  std::unique_ptr<RegionRegistry> regions;
  std::unique_ptr<CityDataGenerator> generator;
  absl::Time now = absl::FromUnixSeconds(kEdgeNow);
  if (city) {
    const std::string dir = absl::GetFlag(FLAGS_data_dir);
    auto occ = OccupationTaxonomy::LoadFromFile(dir + "/taxonomy/occupations.csv");
    auto reg = RegionRegistry::LoadFromDir(dir + "/regions");
    if (!occ.ok() || !reg.ok()) {
      std::fprintf(stderr, "cannot load %s: %s %s\n", dir.c_str(), occ.status().ToString().c_str(),
                   reg.status().ToString().c_str());
      return 2;
    }
    occupations = std::move(*occ);
    regions = std::move(*reg);
    generator =
        std::make_unique<CityDataGenerator>(occupations.get(), regions.get(), CityDataOptions());
    now = generator->options().now;
  }
  auto worker_proto = [&](int64_t i) { return city ? generator->Worker(i) : EdgeWorker(seed, i); };
  auto vacancy_proto = [&](int64_t i) {
    return city ? generator->Vacancy(i) : EdgeVacancy(seed, i);
  };

  PgMatcher::Options options;
  options.sql_path = absl::GetFlag(FLAGS_sql);
  auto connected = PgMatcher::Connect(conninfo, options);
  if (!connected.ok()) {
    std::fprintf(stderr, "%s\n", connected.status().ToString().c_str());
    return 2;
  }
  PgMatcher& pg = **connected;
  const bool load = absl::GetFlag(FLAGS_load);
  const bool check = absl::GetFlag(FLAGS_check);
  const size_t batch_size = static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_batch)));

  std::printf("data=%s workers=%lld vacancies=%lld seed=%llu\n", city ? "city" : "edge",
              static_cast<long long>(n_workers), static_cast<long long>(n_vacancies),
              static_cast<unsigned long long>(seed));
  auto die = [](const absl::Status& status) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return 1;
  };
  if (load) {
    absl::Status s = pg.CreateSchema();
    if (!s.ok()) return die(s);
  }
  // Records for the reference (and for picking queries), built while loading.
  std::vector<WorkerRec> workers;
  std::vector<VacancyRec> vacancies;
  workers.reserve(static_cast<size_t>(n_workers));
  vacancies.reserve(static_cast<size_t>(n_vacancies));
  double generate_s = 0, copy_workers_s = 0, copy_vacancies_s = 0;
  {
    std::vector<v1::Worker> batch;
    for (int64_t i = 0; i < n_workers; ++i) {
      Clock::time_point t0 = Clock::now();
      batch.push_back(worker_proto(i));
      auto rec = matching::WorkerFromProto(batch.back());
      if (!rec.ok()) return die(rec.status());
      workers.push_back(std::move(*rec));
      generate_s += SecondsSince(t0);
      if (batch.size() == batch_size || i + 1 == n_workers) {
        Clock::time_point t1 = Clock::now();
        if (load) {
          absl::Status s = pg.LoadWorkers(batch);
          if (!s.ok()) return die(s);
        }
        copy_workers_s += SecondsSince(t1);
        batch.clear();
      }
    }
  }
  {
    std::vector<v1::Vacancy> batch;
    for (int64_t i = 0; i < n_vacancies; ++i) {
      Clock::time_point t0 = Clock::now();
      batch.push_back(vacancy_proto(i));
      auto rec = matching::VacancyFromProto(batch.back());
      if (!rec.ok()) return die(rec.status());
      vacancies.push_back(std::move(*rec));
      generate_s += SecondsSince(t0);
      if (batch.size() == batch_size || i + 1 == n_vacancies) {
        Clock::time_point t1 = Clock::now();
        if (load) {
          absl::Status s = pg.LoadVacancies(batch);
          if (!s.ok()) return die(s);
        }
        copy_vacancies_s += SecondsSince(t1);
        batch.clear();
      }
    }
  }
  if (load) {
    Clock::time_point t0 = Clock::now();
    absl::Status s = pg.Analyze();
    if (!s.ok()) return die(s);
    std::printf(
        "load: generate+convert %.1f s (not PostgreSQL); COPY workers %.1f s (%.0f rows/s), "
        "COPY vacancies %.1f s; indexes + VACUUM ANALYZE %.1f s\n",
        generate_s, copy_workers_s, static_cast<double>(n_workers) / std::max(copy_workers_s, 1e-9),
        copy_vacancies_s, SecondsSince(t0));
  }
  if (workers.empty() || vacancies.empty()) return 0;

  // Query values drawn from the data.
  std::vector<std::string> fairs;
  for (const VacancyRec& v : vacancies) {
    for (const std::string& f : v.fair_ids) {
      if (std::find(fairs.begin(), fairs.end(), f) == fairs.end()) fairs.push_back(f);
    }
  }
  std::mt19937_64 rng(seed ^ 0x5eedULL);
  const matching::Scorer scorer{matching::Weights{}};
  std::vector<std::string> plan_names = absl::StrSplit(absl::GetFlag(FLAGS_plans), ',');
  std::map<std::string, Latencies> latency;
  Latencies ref_workers_ms, ref_vacancies_ms;
  int mismatches = 0, compared = 0;
  int64_t workers_hits = 0, vacancies_hits = 0;
  const matching::ConsentNeed kConsents[] = {
      matching::ConsentNeed::kNone, matching::ConsentNeed::kWechat, matching::ConsentNeed::kSms,
      matching::ConsentNeed::kAnyPush};

  auto report = [&](const std::string& what, const std::vector<Hit>& want,
                    const std::vector<Hit>& got,
                    const std::function<std::string(const Hit&)>& pg_pair,
                    const std::function<std::string(const std::string&)>& ref_pair) {
    ++compared;
    bool same = want.size() == got.size();
    for (size_t i = 0; same && i < want.size(); ++i) {
      same = want[i].id == got[i].id && want[i].score == got[i].score;
    }
    if (same) return;
    ++mismatches;
    std::printf("MISMATCH %s: reference %zu hits, postgres %zu\n", what.c_str(), want.size(),
                got.size());
    int shown = 0;
    for (size_t i = 0; i < std::max(want.size(), got.size()) && shown < 5; ++i) {
      const Hit* a = i < want.size() ? &want[i] : nullptr;
      const Hit* b = i < got.size() ? &got[i] : nullptr;
      if (a != nullptr && b != nullptr && a->id == b->id && a->score == b->score) continue;
      ++shown;
      std::printf("  rank %zu\n", i);
      if (a != nullptr) {
        std::printf("    ref %s %lld %s\n      postgres on it: %s\n", a->id.c_str(),
                    static_cast<long long>(a->score), Parts(a->values).c_str(),
                    pg_pair(*a).c_str());
      }
      if (b != nullptr) {
        std::printf("    pg  %s %lld %s\n      scorer on it: %s\n", b->id.c_str(),
                    static_cast<long long>(b->score), Parts(b->values).c_str(),
                    ref_pair(b->id).c_str());
      }
    }
  };

  const int queries = absl::GetFlag(FLAGS_queries);
  for (int q = 0; q < 2 * queries; ++q) {
    const bool for_vacancy = q % 2 == 0;  // TopWorkers
    QueryContext ctx = matching::MakeContext(
        now + (Chance(rng, 0.3) ? absl::Hours(Uniform(rng, 0, 24 * 70)) : absl::ZeroDuration()),
        Pick(rng, kConsents));
    const bool filtered = q % 4 >= 2;
    if (for_vacancy) {
      const int k = 100;
      const VacancyRec& v =
          vacancies[std::uniform_int_distribution<size_t>(0, vacancies.size() - 1)(rng)];
      PgMatcher::WorkerFilter f;
      if (filtered) {
        const WorkerRec& other =
            workers[std::uniform_int_distribution<size_t>(0, workers.size() - 1)(rng)];
        if (Chance(rng, 0.5)) f.township = matching::UnpackRegion(other.hukou);
        if (Chance(rng, 0.4)) f.status = Uniform(rng, 1, 5);
        if (Chance(rng, 0.4)) f.available_by_day = ctx.today + Uniform(rng, -10, 60);
      }
      std::string what = absl::StrFormat(
          "TopWorkers(%s, k=%d, township=%s status=%d by=%d, now=%d consent=%d)", v.id, k,
          f.township, f.status, f.available_by_day, ctx.now_s, static_cast<int>(ctx.consent));
      std::vector<Hit> want;
      if (check) {
        Clock::time_point t0 = Clock::now();
        want = RefTopWorkers(scorer, workers, v, k, f, ctx);
        ref_workers_ms.Add(SecondsSince(t0) * 1000);
      }
      for (const std::string& plan : plan_names) {
        pg.set_plan(plan == "scan" ? PgMatcher::Plan::kScan : PgMatcher::Plan::kGinThenScan);
        Clock::time_point t0 = Clock::now();
        auto got = pg.TopWorkers(v.id, k, f, ctx);
        latency["TopWorkers k=100 " + plan].Add(SecondsSince(t0) * 1000);
        if (!got.ok()) return die(got.status());
        workers_hits += static_cast<int64_t>(got->size());
        if (!check) continue;
        report(
            absl::StrCat(what, " plan=", plan), want, *got,
            [&](const Hit& h) {
              auto pair = pg.ScorePair(h.id, v.id, ctx);
              return pair.ok() ? absl::StrCat(pair->score, " ", Parts(pair->values))
                               : pair.status().ToString();
            },
            [&](const std::string& id) {
              for (const WorkerRec& w : workers) {
                if (w.id != id) continue;
                matching::Evaluation e = scorer.Evaluate(w, v, ctx);
                return absl::StrCat(e.score, " ", Parts(e.values),
                                    " veto=", matching::VetoName(e.veto));
              }
              return std::string("unknown id");
            });
      }
    } else {
      const int k = 20;
      const WorkerRec& w =
          workers[std::uniform_int_distribution<size_t>(0, workers.size() - 1)(rng)];
      PgMatcher::VacancyFilter f;
      if (filtered) {
        const VacancyRec& other =
            vacancies[std::uniform_int_distribution<size_t>(0, vacancies.size() - 1)(rng)];
        if (Chance(rng, 0.4) && other.location.level > 0) {
          f.region_prefix = RegionAtLevel(other.location, Uniform(rng, 1, other.location.level));
        }
        if (Chance(rng, 0.4) && other.occupation != 0) {
          std::string code = matching::UnpackOccupation(other.occupation);
          int cut = Uniform(rng, 0, 4);
          f.occupation_prefix = cut == 0   ? code.substr(0, 4) + "-00-00"
                                : cut == 1 ? code.substr(0, 1)
                                : cut == 2 ? code.substr(0, 4)
                                : cut == 3 ? code.substr(0, 7)
                                           : code;
        }
        if (Chance(rng, 0.4)) f.wage_floor_fen = Uniform(rng, 30, 90) * 10000;
        if (Chance(rng, 0.3) && !fairs.empty()) {
          f.fair_id = fairs[std::uniform_int_distribution<size_t>(0, fairs.size() - 1)(rng)];
        }
      }
      std::string what = absl::StrFormat(
          "TopVacancies(%s, k=%d, region=%s occupation=%s floor=%d fair=%s, now=%d consent=%d)",
          w.id, k, f.region_prefix, f.occupation_prefix, f.wage_floor_fen, f.fair_id, ctx.now_s,
          static_cast<int>(ctx.consent));
      std::vector<Hit> want;
      if (check) {
        Clock::time_point t0 = Clock::now();
        want = RefTopVacancies(scorer, vacancies, w, k, f, ctx);
        ref_vacancies_ms.Add(SecondsSince(t0) * 1000);
      }
      for (const std::string& plan : plan_names) {
        pg.set_plan(plan == "scan" ? PgMatcher::Plan::kScan : PgMatcher::Plan::kGinThenScan);
        Clock::time_point t0 = Clock::now();
        auto got = pg.TopVacancies(w.id, k, f, ctx);
        latency["TopVacancies k=20 " + plan].Add(SecondsSince(t0) * 1000);
        if (!got.ok()) return die(got.status());
        vacancies_hits += static_cast<int64_t>(got->size());
        if (!check) continue;
        report(
            absl::StrCat(what, " plan=", plan), want, *got,
            [&](const Hit& h) {
              auto pair = pg.ScorePair(w.id, h.id, ctx);
              return pair.ok() ? absl::StrCat(pair->score, " ", Parts(pair->values))
                               : pair.status().ToString();
            },
            [&](const std::string& id) {
              for (const VacancyRec& v : vacancies) {
                if (v.id != id) continue;
                matching::Evaluation e = scorer.Evaluate(w, v, ctx);
                return absl::StrCat(e.score, " ", Parts(e.values),
                                    " veto=", matching::VetoName(e.veto));
              }
              return std::string("unknown id");
            });
      }
    }
  }
  for (auto& [name, l] : latency)
    std::printf("postgres %-24s %s\n", name.c_str(), l.Summary().c_str());
  if (check) {
    std::printf("brute force (1 thread) TopWorkers   %s\n", ref_workers_ms.Summary().c_str());
    std::printf("brute force (1 thread) TopVacancies %s\n", ref_vacancies_ms.Summary().c_str());
  }
  std::printf(
      "hits returned: TopWorkers %lld, TopVacancies %lld; GIN path fell back to scan %lld "
      "times\n",
      static_cast<long long>(workers_hits), static_cast<long long>(vacancies_hits),
      static_cast<long long>(pg.scan_fallbacks()));
  if (check) std::printf("compared %d answers, %d mismatches\n", compared, mismatches);
  return mismatches == 0 ? 0 : 1;
}

}  // namespace
}  // namespace labor::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return labor::bench::Run();
}
