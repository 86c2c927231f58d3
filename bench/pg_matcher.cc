#include "bench/pg_matcher.h"

#include <libpq-fe.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status.h"

namespace labor::bench {
namespace {

using matching::Day;
using matching::kNoDay;
using matching::OccCode;
using matching::Region;

constexpr Oid kText = 25;
constexpr Oid kInt8 = 20;
constexpr Oid kInt4 = 23;

// Statement names.
constexpr char kWorkersScan[] = "top_workers_scan";
constexpr char kWorkersGin[] = "top_workers_gin";
constexpr char kVacanciesScan[] = "top_vacancies_scan";
constexpr char kVacanciesGin[] = "top_vacancies_gin";
constexpr char kPair[] = "score_pair";

// The file's sections: "-- name: x" starts section x; comment lines are
// dropped so the fragments can be pasted into each other.
absl::StatusOr<std::map<std::string, std::string>> ReadSections(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::map<std::string, std::string> sections;
  std::string* current = nullptr;
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (absl::ConsumePrefix(&trimmed, "-- name:")) {
      current = &sections[std::string(absl::StripAsciiWhitespace(trimmed))];
      continue;
    }
    if (current == nullptr || absl::StartsWith(trimmed, "--") || trimmed.empty()) continue;
    absl::StrAppend(current, line, "\n");
  }
  for (const char* name :
       {"schema", "indexes", "open_vacancy", "pair_veto", "parts", "score", "top_workers",
        "top_workers_candidates", "top_vacancies", "top_vacancies_candidates"}) {
    if (!sections.contains(name)) {
      return absl::InvalidArgumentError(absl::StrCat(path, " lacks the section ", name));
    }
  }
  return sections;
}

std::string ResultError(PGresult* res, PGconn* conn) {
  const char* message = res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  return std::string(absl::StripTrailingAsciiWhitespace(message != nullptr ? message : ""));
}

// COPY text format: backslash escapes for the characters it treats specially.
void AppendEscaped(std::string* out, absl::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        out->push_back(c);
    }
  }
}

// An array element of a text[] literal, quoted.
std::string QuoteElement(absl::string_view s) {
  std::string quoted = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

// One COPY line, field by field.
class CopyLine {
 public:
  explicit CopyLine(std::string* out) : out_(out) {}
  ~CopyLine() { out_->push_back('\n'); }

  template <typename T>
  void Int(T value) {
    Sep();
    absl::StrAppend(out_, value);
  }
  void Bool(bool value) {
    Sep();
    out_->push_back(value ? 't' : 'f');
  }
  void Text(absl::string_view value) {
    Sep();
    AppendEscaped(out_, value);
  }
  void DayOrNull(Day day) {
    Sep();
    if (day == kNoDay) {
      out_->append("\\N");
    } else {
      absl::StrAppend(out_, day);
    }
  }
  // An array literal whose elements are already formatted.
  void Array(const std::vector<std::string>& elements) {
    Sep();
    AppendEscaped(out_, absl::StrCat("{", absl::StrJoin(elements, ","), "}"));
  }
  template <typename Container>
  void IntArray(const Container& values) {
    std::vector<std::string> elements;
    for (const auto& v : values) elements.push_back(absl::StrCat(v));
    Array(elements);
  }

 private:
  void Sep() {
    if (!first_) out_->push_back('\t');
    first_ = false;
  }
  std::string* out_;
  bool first_ = true;
};

int64_t RegionKey(Region r) { return r.level == 0 ? 0 : int64_t{r.level} * 1000000000 + r.padded; }

// The keys of the region's ancestors at levels 1..its level (itself last).
std::vector<int64_t> RegionKeys(Region r) {
  std::vector<int64_t> keys;
  for (int level = 1; level <= r.level; ++level) {
    keys.push_back(RegionKey(matching::RegionPrefix(r, level)));
  }
  return keys;
}

void AddUnique(std::vector<int64_t>* v, int64_t x) {
  if (std::find(v->begin(), v->end(), x) == v->end()) v->push_back(x);
}

void AppendWorker(const matching::WorkerRec& w, std::string* out) {
  CopyLine line(out);
  line.Text(w.id);
  line.IntArray(RegionKeys(w.hukou));
  line.Int(RegionKey(w.hukou));
  line.IntArray(RegionKeys(w.current));
  std::vector<int64_t> codes, levels, keys;
  for (const matching::SkillRec& s : w.skills) {
    codes.push_back(s.code);
    levels.push_back(s.level);
    for (int segments = 1; segments <= 4; ++segments) {
      AddUnique(&keys, matching::OccPrefix(s.code, segments));
    }
  }
  line.IntArray(codes);
  line.IntArray(levels);
  line.IntArray(keys);
  std::vector<std::string> kinds, cert_levels, verified, occs, expires, names;
  for (const matching::CertRec& c : w.certs) {
    kinds.push_back(absl::StrCat(c.kind));
    cert_levels.push_back(absl::StrCat(c.level));
    verified.push_back(c.verified ? "t" : "f");
    occs.push_back(absl::StrCat(c.occupation));
    expires.push_back(c.expires == kNoDay ? "NULL" : absl::StrCat(c.expires));
    names.push_back(QuoteElement(c.name));
  }
  line.Array(kinds);
  line.Array(cert_levels);
  line.Array(verified);
  line.Array(occs);
  line.Array(expires);
  line.Array(names);
  line.Int(int{w.brand});
  line.Int(int{w.status});
  line.Int(int{w.scope});
  line.Int(int{w.return_intent});
  line.Bool(w.consent_wechat);
  line.Bool(w.consent_sms);
  std::vector<int64_t> accepted;
  for (const Region& r : w.accepted_regions) AddUnique(&accepted, RegionKey(r));
  line.IntArray(accepted);
  line.Int(w.min_wage_fen);
  line.DayOrNull(w.available_from);
  line.DayOrNull(w.planned_return);
}

void AppendVacancy(const matching::VacancyRec& v, std::string* out) {
  CopyLine line(out);
  line.Text(v.id);
  line.Int(v.occupation);
  std::vector<int64_t> codes, levels, keys;
  bool wild = false;
  for (const matching::SkillRec& r : v.required) {
    codes.push_back(r.code);
    levels.push_back(r.level);
    // Credit needs OccMatchDepth >= 2: the held skill shares the first two
    // segments, or the 大类 when the requirement leaves the 中类 open (then
    // OccPrefix(r, 2) is that 大类). A zero 大类 segment matches any 大类:
    // such a requirement gets key 0 and the wild flag.
    bool zero_major = (r.code >> 24) == 0;
    wild = wild || zero_major;
    AddUnique(&keys, zero_major ? 0 : matching::OccPrefix(r.code, 2));
  }
  line.IntArray(codes);
  line.IntArray(levels);
  line.IntArray(keys);
  line.Bool(wild);
  std::vector<std::string> kinds, cert_levels, occs, names;
  for (const matching::CertReq& c : v.certs) {
    kinds.push_back(absl::StrCat(c.kind));
    cert_levels.push_back(absl::StrCat(c.level));
    occs.push_back(absl::StrCat(c.occupation));
    names.push_back(QuoteElement(c.name));
  }
  line.Array(kinds);
  line.Array(cert_levels);
  line.Array(occs);
  line.Array(names);
  line.IntArray(RegionKeys(v.location));
  line.Int(v.wage_min_fen);
  line.Int(v.wage_max_fen);
  line.Int(v.remaining);
  line.Int(int{v.status});
  line.Bool(v.blacklisted);
  line.Int(v.posted_at_s);
  line.Int(v.expires_at_s);
  line.DayOrNull(v.expires_day);
  std::vector<std::string> fairs;
  for (const std::string& f : v.fair_ids) fairs.push_back(QuoteElement(f));
  line.Array(fairs);
}

// The packed branch and mask of an occupation prefix, as
// OccupationInBranch reads it ("6-30", "6-30-05", "6-30-00-00" = "6-30").
absl::StatusOr<std::pair<OccCode, OccCode>> OccupationBranch(absl::string_view prefix) {
  std::vector<absl::string_view> segments = absl::StrSplit(prefix, '-');
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("occupation prefix must look like 6, 6-30, 6-30-05 or 6-30-05-01: ", prefix));
  };
  if (segments.size() > 4) return bad();
  OccCode packed = 0;
  for (size_t i = 0; i < segments.size(); ++i) {
    absl::string_view s = segments[i];
    if (s.size() != (i == 0 ? 1u : 2u) ||
        !std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); })) {
      return bad();
    }
    int value = 0;
    for (char c : s) value = value * 10 + (c - '0');
    packed |= static_cast<OccCode>(value) << (8 * (3 - i));
  }
  while (segments.size() > 1 && segments.back() == "00") segments.pop_back();
  OccCode mask = matching::OccPrefix(0xFFFFFFFFu, static_cast<int>(segments.size()));
  return std::make_pair(packed, mask);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PgMatcher>> PgMatcher::Connect(const std::string& conninfo) {
  return Connect(conninfo, Options());
}

absl::StatusOr<std::unique_ptr<PgMatcher>> PgMatcher::Connect(const std::string& conninfo,
                                                              Options options) {
  RETURN_IF_ERROR(options.weights.Validate());
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message(absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn)));
    PQfinish(conn);
    return absl::UnavailableError(absl::StrCat("postgres: ", message));
  }
  std::unique_ptr<PgMatcher> matcher(new PgMatcher(conn, std::move(options)));
  RETURN_IF_ERROR(matcher->Init());
  return matcher;
}

PgMatcher::~PgMatcher() { PQfinish(conn_); }

absl::Status PgMatcher::Init() {
  ASSIGN_OR_RETURN(auto sections, ReadSections(options_.sql_path));
  const matching::Weights& w = options_.weights;
  using matching::Scorer;
  const std::vector<std::pair<std::string, std::string>> constants = {
      {"@W_SKILL@", absl::StrCat(w.part[matching::kSkill])},
      {"@W_CERT@", absl::StrCat(w.part[matching::kCertificate])},
      {"@W_LOCATION@", absl::StrCat(w.part[matching::kLocation])},
      {"@W_WAGE@", absl::StrCat(w.part[matching::kWage])},
      {"@W_FRESHNESS@", absl::StrCat(w.part[matching::kFreshness])},
      {"@W_BRAND@", absl::StrCat(w.part[matching::kBrand])},
      {"@W_RETURN@", absl::StrCat(w.part[matching::kReturnPlan])},
      {"@MINOR@", absl::StrCat(w.minor_credit)},
      {"@MIDDLE@", absl::StrCat(w.middle_credit)},
      {"@PENALTY@", absl::StrCat(w.level_step_penalty)},
      {"@REF_WAGE@", absl::StrCat(w.reference_wage_fen)},
      {"@FRESH_S@", absl::StrCat(int64_t{w.freshness_days} * 86400)},
      {"@RET_BEFORE@", absl::StrCat(w.return_window_before_days)},
      {"@RET_AFTER@", absl::StrCat(w.return_window_after_days)},
      {"@RET_DECAY@", absl::StrCat(w.return_decay_days)},
      {"@BRAND1@", absl::StrCat(Scorer::BrandBranch(v1::LABOR_BRAND_BASHAN_MEIZI))},
      {"@BRAND2@", absl::StrCat(Scorer::BrandBranch(v1::LABOR_BRAND_BASHAN_CHUSHI))},
      {"@BRAND3@", absl::StrCat(Scorer::BrandBranch(v1::LABOR_BRAND_BASHAN_JIANGONG))},
  };
  auto query = [&](const std::string& direction, const std::string& candidates) {
    std::string inner =
        absl::StrReplaceAll(sections[direction], {{"@PARTS@", sections["parts"]},
                                                  {"@OPEN_VACANCY@", sections["open_vacancy"]},
                                                  {"@PAIR_VETO@", sections["pair_veto"]},
                                                  {"@CANDIDATES@", candidates}});
    return absl::StrReplaceAll(absl::StrReplaceAll(sections["score"], {{"@INNER@", inner}}),
                               constants);
  };
  schema_sql_ = absl::StrReplaceAll(sections["schema"], constants);
  indexes_sql_ = sections["indexes"];
  RETURN_IF_ERROR(Exec("SET client_min_messages = warning"));
  // Custom plans: the planner sees which filters are set (NULL parameters
  // fold away) and can use the GIN indexes for them.
  RETURN_IF_ERROR(Exec("SET plan_cache_mode = force_custom_plan"));
  // JIT compiles these expressions for ~3 s per query at city scale and
  // then runs them no faster than the interpreter does (measured, PG 15).
  RETURN_IF_ERROR(Exec("SET jit = off"));

  const std::vector<Oid> workers_types = {kText, kInt8, kInt4, kInt4, kInt8,
                                          kInt8, kInt4, kInt4, kText};
  const std::vector<Oid> vacancies_types = {kText, kInt8, kInt4, kInt4, kInt8,
                                            kInt8, kInt4, kInt4, kInt8, kText};
  // The statements need the tables: create them (empty) when missing.
  PGresult* res =
      PQexec(conn_, "SELECT to_regclass('workers') IS NULL OR to_regclass('vacancies') IS NULL");
  bool ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
  bool missing = ok && PQgetvalue(res, 0, 0)[0] == 't';
  std::string error = ok ? "" : ResultError(res, conn_);
  PQclear(res);
  if (!ok) return absl::InternalError(absl::StrCat("postgres: ", error));
  if (missing) RETURN_IF_ERROR(CreateSchema());
  for (const auto& [name, sql, types] :
       std::vector<std::tuple<const char*, std::string, std::vector<Oid>>>{
           {kWorkersScan,
            query("top_workers", ""),
            {workers_types.begin(), workers_types.end() - 1}},
           {kWorkersGin,
            query("top_workers", sections["top_workers_candidates"]),
            {workers_types.begin(), workers_types.end() - 1}},
           {kPair, query("top_workers", "AND w.id = $9"), workers_types},
           {kVacanciesScan, query("top_vacancies", ""), vacancies_types},
           {kVacanciesGin, query("top_vacancies", sections["top_vacancies_candidates"]),
            vacancies_types}}) {
    PGresult* res =
        PQprepare(conn_, name, sql.c_str(), static_cast<int>(types.size()), types.data());
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    std::string error = ok ? "" : ResultError(res, conn_);
    PQclear(res);
    if (!ok) return absl::InternalError(absl::StrCat("prepare ", name, ": ", error));
  }
  return absl::OkStatus();
}

absl::Status PgMatcher::Exec(const std::string& sql) {
  PGresult* res = PQexec(conn_, sql.c_str());
  ExecStatusType status = PQresultStatus(res);
  bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  std::string error = ok ? "" : ResultError(res, conn_);
  PQclear(res);
  if (!ok) return absl::InternalError(absl::StrCat("postgres: ", error));
  return absl::OkStatus();
}

absl::Status PgMatcher::CreateSchema() { return Exec(schema_sql_); }

absl::Status PgMatcher::Analyze() {
  RETURN_IF_ERROR(Exec(indexes_sql_));
  RETURN_IF_ERROR(Exec("VACUUM ANALYZE workers"));
  return Exec("VACUUM ANALYZE vacancies");
}

absl::Status PgMatcher::Copy(const std::string& copy_sql, const std::string& data) {
  PGresult* res = PQexec(conn_, copy_sql.c_str());
  bool ok = PQresultStatus(res) == PGRES_COPY_IN;
  std::string error = ok ? "" : ResultError(res, conn_);
  PQclear(res);
  if (!ok) return absl::InternalError(absl::StrCat("postgres: ", error));
  if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1 ||
      PQputCopyEnd(conn_, nullptr) != 1) {
    return absl::InternalError(absl::StrCat("postgres: ", ResultError(nullptr, conn_)));
  }
  absl::Status status = absl::OkStatus();
  while (PGresult* r = PQgetResult(conn_)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && status.ok()) {
      status = absl::InternalError(absl::StrCat("postgres COPY: ", ResultError(r, conn_)));
    }
    PQclear(r);
  }
  return status;
}

absl::Status PgMatcher::LoadWorkers(const std::vector<v1::Worker>& batch) {
  std::string data;
  data.reserve(batch.size() * 320);
  for (const v1::Worker& proto : batch) {
    ASSIGN_OR_RETURN(matching::WorkerRec rec, matching::WorkerFromProto(proto));
    AppendWorker(rec, &data);
  }
  return Copy(
      "COPY workers (id, hukou_keys, hukou_key, cur_keys, skill_codes, skill_levels, skill_keys, "
      "cert_kinds, cert_levels, cert_verified, cert_occs, cert_expires, cert_names, brand, status, "
      "scope, return_intent, consent_wechat, consent_sms, accepted_keys, min_wage_fen, "
      "available_from, planned_return) FROM STDIN",
      data);
}

absl::Status PgMatcher::LoadVacancies(const std::vector<v1::Vacancy>& batch) {
  std::string data;
  data.reserve(batch.size() * 320);
  for (const v1::Vacancy& proto : batch) {
    ASSIGN_OR_RETURN(matching::VacancyRec rec, matching::VacancyFromProto(proto));
    AppendVacancy(rec, &data);
  }
  return Copy(
      "COPY vacancies (id, occupation, req_codes, req_levels, req_keys, req_wild, creq_kinds, "
      "creq_levels, creq_occs, creq_names, loc_keys, wage_min_fen, wage_max_fen, remaining, "
      "status, blacklisted, posted_at_s, expires_at_s, expires_day, fair_ids) FROM STDIN",
      data);
}

absl::StatusOr<std::vector<PgMatcher::Hit>> PgMatcher::Run(const std::string& statement,
                                                           const std::vector<const char*>& params) {
  PGresult* res = PQexecPrepared(conn_, statement.c_str(), static_cast<int>(params.size()),
                                 params.data(), nullptr, nullptr, 0);
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    std::string error = ResultError(res, conn_);
    PQclear(res);
    return absl::InternalError(absl::StrCat("postgres ", statement, ": ", error));
  }
  std::vector<Hit> hits(PQntuples(res));
  for (int row = 0; row < PQntuples(res); ++row) {
    Hit& hit = hits[row];
    hit.id = PQgetvalue(res, row, 0);
    bool ok = absl::SimpleAtoi(PQgetvalue(res, row, 1), &hit.score);
    // Columns 2.. are skill, cert, location, wage, freshness, brand, return_plan.
    for (int part = 0; part < matching::kPartCount; ++part) {
      ok = ok && absl::SimpleAtoi(PQgetvalue(res, row, 2 + part), &hit.values[part]);
    }
    if (!ok) {
      PQclear(res);
      return absl::InternalError(absl::StrCat("postgres ", statement, ": unexpected row"));
    }
  }
  PQclear(res);
  return hits;
}

int64_t PgMatcher::BoundWithoutSkill() const {
  return options_.weights.Total() - int64_t{options_.weights.part[matching::kSkill]} * 1000;
}

namespace {

// The parameters common to both directions: $1 id, $2 now_s, $3 today,
// $4 consent, $5 k.
struct Params {
  std::vector<std::string> text;
  std::vector<bool> null;
  void Add(std::string value) {
    text.push_back(std::move(value));
    null.push_back(false);
  }
  void AddNull() {
    text.emplace_back();
    null.push_back(true);
  }
  std::vector<const char*> Pointers() const {
    std::vector<const char*> out;
    for (size_t i = 0; i < text.size(); ++i) out.push_back(null[i] ? nullptr : text[i].c_str());
    return out;
  }
};

Params CommonParams(const std::string& id, int k, const matching::QueryContext& ctx) {
  Params p;
  p.Add(id);
  p.Add(absl::StrCat(ctx.now_s));
  p.Add(absl::StrCat(ctx.today));
  p.Add(absl::StrCat(static_cast<int>(ctx.consent)));
  p.Add(absl::StrCat(k));
  return p;
}

}  // namespace

absl::StatusOr<std::vector<PgMatcher::Hit>> PgMatcher::TopWorkers(
    const std::string& vacancy_id, int k, const WorkerFilter& filter,
    const matching::QueryContext& ctx) {
  if (k <= 0) return std::vector<Hit>();
  Params p = CommonParams(vacancy_id, k, ctx);
  if (filter.township.empty()) {
    p.AddNull();
  } else {
    p.Add(absl::StrCat(RegionKey(matching::PackRegion(filter.township))));
  }
  p.Add(absl::StrCat(filter.status));
  if (filter.available_by_day == kNoDay) {
    p.AddNull();
  } else {
    p.Add(absl::StrCat(filter.available_by_day));
  }
  if (options_.plan == Plan::kGinThenScan) {
    ASSIGN_OR_RETURN(std::vector<Hit> hits, Run(kWorkersGin, p.Pointers()));
    if (static_cast<int>(hits.size()) == k) {
      // One vacancy: every pair has its freshness, so the others cannot
      // reach the full freshness weight either.
      int64_t bound = BoundWithoutSkill() - int64_t{options_.weights.part[matching::kFreshness]} *
                                                (1000 - hits.back().values[matching::kFreshness]);
      if (hits.back().score > bound) return hits;
    }
    ++scan_fallbacks_;
  }
  return Run(kWorkersScan, p.Pointers());
}

absl::StatusOr<std::vector<PgMatcher::Hit>> PgMatcher::TopVacancies(
    const std::string& worker_id, int k, const VacancyFilter& filter,
    const matching::QueryContext& ctx) {
  if (k <= 0) return std::vector<Hit>();
  Params p = CommonParams(worker_id, k, ctx);
  Region region = matching::PackRegion(filter.region_prefix);
  if (region.level == 0) {  // RegionWithin: no prefix contains everything
    p.AddNull();
  } else {
    p.Add(absl::StrCat(RegionKey(region)));
  }
  if (filter.occupation_prefix.empty()) {
    p.AddNull();
    p.AddNull();
  } else {
    ASSIGN_OR_RETURN(auto branch, OccupationBranch(filter.occupation_prefix));
    p.Add(absl::StrCat(static_cast<int32_t>(branch.first)));
    p.Add(absl::StrCat(static_cast<int32_t>(branch.second)));
  }
  p.Add(absl::StrCat(std::max<int64_t>(0, filter.wage_floor_fen)));
  if (filter.fair_id.empty()) {
    p.AddNull();
  } else {
    p.Add(filter.fair_id);
  }
  if (options_.plan == Plan::kGinThenScan) {
    ASSIGN_OR_RETURN(std::vector<Hit> hits, Run(kVacanciesGin, p.Pointers()));
    if (static_cast<int>(hits.size()) == k && hits.back().score > BoundWithoutSkill()) return hits;
    ++scan_fallbacks_;
  }
  return Run(kVacanciesScan, p.Pointers());
}

absl::StatusOr<PgMatcher::Hit> PgMatcher::ScorePair(const std::string& worker_id,
                                                    const std::string& vacancy_id,
                                                    const matching::QueryContext& ctx) {
  Params p = CommonParams(vacancy_id, 1, ctx);
  p.AddNull();
  p.Add("0");
  p.AddNull();
  p.Add(worker_id);
  ASSIGN_OR_RETURN(std::vector<Hit> hits, Run(kPair, p.Pointers()));
  if (hits.empty()) return absl::NotFoundError("vetoed or unknown");
  return hits.front();
}

}  // namespace labor::bench
