// The PostgreSQL 15 baseline of the matching benchmark (issue 4): the same
// workers and vacancies as MatchingService's index in two tables, the skill
// prefixes in GIN-indexed int[] columns, the vetoes and the score of
// services/matching/scorer.h computed in SQL (bench/pg_matcher.sql), top-K
// by ORDER BY score DESC, id LIMIT k. Exact: it returns what a brute-force
// scan with matching::Scorer returns (bench/pg_check checks it).
//
// Not thread-safe (one libpq connection); use one PgMatcher per thread.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "labor/v1/profile.pb.h"
#include "labor/v1/vacancy.pb.h"
#include "services/matching/match_model.h"
#include "services/matching/scorer.h"

typedef struct pg_conn PGconn;

// Where PgMatcher reads its SQL from (CMake sets the source tree's path).
#ifndef LABOR_PG_MATCHER_SQL
#define LABOR_PG_MATCHER_SQL "bench/pg_matcher.sql"
#endif

namespace labor::bench {

class PgMatcher {
 public:
  // How a query finds its candidates.
  enum class Plan {
    // Score every candidate that passes the vetoes and filters: the
    // simplest honest baseline.
    kScan,
    // First only the candidates that can earn skill credit, found through
    // the GIN index on the skill prefixes; their top-k is the answer when
    // its k-th score beats what any other candidate can reach (the total
    // without the skill part). Otherwise the scan runs. Same results.
    kGinThenScan,
  };

  struct Options {
    // The schema and queries; read once by Connect.
    std::string sql_path = LABOR_PG_MATCHER_SQL;
    matching::Weights weights;
    Plan plan = Plan::kGinThenScan;
  };

  // Connects (libpq conninfo, e.g. "host=127.0.0.1 port=5432 user=bench
  // dbname=postgres") and prepares the queries' text. UNAVAILABLE when the
  // server cannot be reached, NOT_FOUND / INVALID_ARGUMENT for a missing or
  // malformed SQL file or invalid weights.
  static absl::StatusOr<std::unique_ptr<PgMatcher>> Connect(const std::string& conninfo);
  static absl::StatusOr<std::unique_ptr<PgMatcher>> Connect(const std::string& conninfo,
                                                            Options options);
  ~PgMatcher();
  PgMatcher(const PgMatcher&) = delete;
  PgMatcher& operator=(const PgMatcher&) = delete;

  // Drops and creates the tables and the SQL functions (the secondary
  // indexes come with Analyze, after the bulk load).
  absl::Status CreateSchema();
  // Appends records with COPY, converted with WorkerFromProto /
  // VacancyFromProto so the columns hold what the scorer sees. Call
  // repeatedly in batches. INVALID_ARGUMENT for a record the converter
  // rejects; INTERNAL for a server error (e.g. a duplicate id).
  absl::Status LoadWorkers(const std::vector<v1::Worker>& batch);
  absl::Status LoadVacancies(const std::vector<v1::Vacancy>& batch);
  // Builds the secondary indexes (GIN on skill prefixes, regions, fairs) if
  // missing, then VACUUM ANALYZE. Call after loading.
  absl::Status Analyze();

  struct Hit {
    std::string id;
    int64_t score = 0;
    std::array<int32_t, matching::kPartCount> values{};  // as Evaluation::values
  };
  struct VacancyFilter {
    std::string region_prefix;      // vacancy location within it ("" any)
    std::string occupation_prefix;  // occupation in this branch, e.g. "6-30" ("" any)
    std::string fair_id;            // listed at this fair ("" any)
    int64_t wage_floor_fen = 0;     // drop stated wages whose top is below (0 none)
  };
  struct WorkerFilter {
    std::string township;  // hukou township equals ("" any)
    int status = 0;        // v1::EmploymentStatus equals (0 any)
    int32_t available_by_day = std::numeric_limits<int32_t>::min();  // kNoDay: any
  };

  // The top k vacancies for a worker / workers for a vacancy: vetoed pairs
  // excluded, score desc then id asc. An unknown id gives no hits.
  // INVALID_ARGUMENT for a malformed occupation prefix; INTERNAL for a
  // server error.
  absl::StatusOr<std::vector<Hit>> TopVacancies(const std::string& worker_id, int k,
                                                const VacancyFilter& filter,
                                                const matching::QueryContext& ctx);
  absl::StatusOr<std::vector<Hit>> TopWorkers(const std::string& vacancy_id, int k,
                                              const WorkerFilter& filter,
                                              const matching::QueryContext& ctx);
  // One pair as the SQL scores it (for diagnosis): NOT_FOUND when vetoed
  // (or either id unknown).
  absl::StatusOr<Hit> ScorePair(const std::string& worker_id, const std::string& vacancy_id,
                                const matching::QueryContext& ctx);

  void set_plan(Plan plan) { options_.plan = plan; }
  // Queries that tried the GIN path and had to scan after all.
  int64_t scan_fallbacks() const { return scan_fallbacks_; }

 private:
  PgMatcher(PGconn* conn, Options options) : conn_(conn), options_(std::move(options)) {}
  absl::Status Init();
  absl::Status Exec(const std::string& sql);
  absl::Status Copy(const std::string& copy_sql, const std::string& data);
  absl::StatusOr<std::vector<Hit>> Run(const std::string& statement,
                                       const std::vector<const char*>& params);
  // The best score a pair without skill credit can reach.
  int64_t BoundWithoutSkill() const;

  PGconn* conn_;
  Options options_;
  std::string schema_sql_;
  std::string indexes_sql_;
  int64_t scan_fallbacks_ = 0;
};

}  // namespace labor::bench
