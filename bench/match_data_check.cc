// match_data_check: generates the city-scale synthetic workers and vacancies
// (bench/match_data.h), checks that they are deterministic and that every
// occupation and region code exists, and prints their distributions, sizes
// and the generation rate. Exit status 1 when a check fails.
//
//   build-gen/bench/match_data_check --workers=1500000 --vacancies=200000
//
// Run from the repository root (or pass --taxonomy/--regions).
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <ctime>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/match_data.h"
#include "common/clock.h"
#include "common/proto_util.h"
#include "common/validation.h"
#include "google/protobuf/arena.h"

ABSL_FLAG(int64_t, workers, 100000, "number of workers to generate");
ABSL_FLAG(int64_t, vacancies, 20000, "number of vacancies to generate");
ABSL_FLAG(uint64_t, seed, 20261129, "generator seed");
ABSL_FLAG(int, threads, 2, "generator threads");
ABSL_FLAG(int, print, 0, "print the first N workers and vacancies (text format) and exit");
ABSL_FLAG(std::string, taxonomy, "data/taxonomy/occupations.csv", "occupations.csv");
ABSL_FLAG(std::string, regions, "data/regions", "directory of the region CSVs");

namespace labor::bench {
namespace {

// Failed checks: a count and the first few messages.
struct Problems {
  int64_t count = 0;
  std::vector<std::string> first;
  void Add(std::string what) {
    ++count;
    if (first.size() < 10) first.push_back(std::move(what));
  }
  void Merge(const Problems& o) {
    count += o.count;
    for (const auto& s : o.first) {
      if (first.size() < 10) first.push_back(s);
    }
  }
};

template <typename K>
void MergeCounts(std::map<K, int64_t>* into, const std::map<K, int64_t>& from) {
  for (const auto& [k, v] : from) (*into)[k] += v;
}

// "Tongchuan township", "Guangdong area", …: where a region code lies.
std::string RegionClass(absl::string_view code) {
  if (code.empty()) return "(empty)";
  std::string where;
  if (RegionContains("511702", code)) {
    where = "Tongchuan";
  } else if (RegionContains("5117", code)) {
    where = "Dazhou (other)";
  } else if (RegionContains("5101", code)) {
    where = "Chengdu";
  } else if (RegionContains("44", code)) {
    where = "Guangdong";
  } else if (RegionContains("33", code)) {
    where = "Zhejiang";
  } else if (RegionContains("32", code)) {
    where = "Jiangsu";
  } else if (RegionContains("35", code)) {
    where = "Fujian";
  } else if (RegionContains("50", code)) {
    where = "Chongqing";
  } else {
    where = "other";
  }
  const char* level = code.size() == 9   ? " township"
                      : code.size() == 6 ? " county"
                                         : " other-level";
  return absl::StrCat(where, level);
}

int64_t Percentile(std::vector<int64_t>* v, double p) {
  if (v->empty()) return 0;
  size_t k = std::min(v->size() - 1, static_cast<size_t>(p * static_cast<double>(v->size())));
  std::nth_element(v->begin(), v->begin() + static_cast<std::ptrdiff_t>(k), v->end());
  return (*v)[k];
}

struct Refs {
  const OccupationTaxonomy* occupations;
  const RegionRegistry* regions;
  absl::CivilDay today;
  absl::Time now;
};

void CheckOccupation(const Refs& refs, absl::string_view code, absl::string_view what,
                     Problems* out) {
  const Occupation* o = refs.occupations->Find(code);
  if (o == nullptr || o->level != 4) out->Add(absl::StrCat(what, ": not a level-4 code ", code));
}

void CheckRegion(const Refs& refs, absl::string_view code, absl::string_view what, Problems* out) {
  if (!refs.regions->Exists(code)) out->Add(absl::StrCat(what, ": unknown region ", code));
}

void CheckDateValue(const v1::Date& d, absl::string_view what, Problems* out) {
  if (!ValidateCivilDate(d.year(), d.month(), d.day()).ok()) {
    out->Add(absl::StrCat(what, ": bad date"));
  }
}

struct WorkerStats {
  int64_t n = 0;
  Problems problems;
  std::map<std::string, int64_t> skill_codes;  // workers holding the skill
  std::map<int, int64_t> skill_counts;
  std::map<int, int64_t> levels;
  int64_t skills = 0;
  int64_t years_sum = 0;
  int64_t with_certificates = 0;
  std::map<std::string, int64_t> certificate_kinds;  // "SKILL_LEVEL", permit names
  int64_t certificates = 0, verified = 0, permits = 0, expired_permits = 0;
  std::map<std::string, int64_t> locations;
  std::map<std::string, int64_t> hukou;
  std::map<int, int64_t> status;
  std::map<int, int64_t> brand;
  std::map<int, int64_t> scope;
  int64_t listed_regions = 0;
  std::vector<int64_t> min_wage_yuan;
  int64_t no_min_wage = 0;
  int64_t available_from = 0;
  int64_t plans = 0;
  std::map<int, int64_t> intents;
  absl::CivilDay first_return = absl::CivilDay::max(), last_return = absl::CivilDay::min();
  absl::CivilDay first_departure = absl::CivilDay::max(), last_departure = absl::CivilDay::min();
  int64_t wechat = 0, sms = 0, partner = 0, openids = 0;
  int64_t female = 0;
  int64_t age_sum = 0;
  absl::flat_hash_set<std::string> households;
  int64_t verified_recently = 0;

  void Merge(const WorkerStats& o) {
    n += o.n;
    problems.Merge(o.problems);
    MergeCounts(&skill_codes, o.skill_codes);
    MergeCounts(&skill_counts, o.skill_counts);
    MergeCounts(&levels, o.levels);
    skills += o.skills;
    years_sum += o.years_sum;
    with_certificates += o.with_certificates;
    MergeCounts(&certificate_kinds, o.certificate_kinds);
    certificates += o.certificates;
    verified += o.verified;
    permits += o.permits;
    expired_permits += o.expired_permits;
    MergeCounts(&locations, o.locations);
    MergeCounts(&hukou, o.hukou);
    MergeCounts(&status, o.status);
    MergeCounts(&brand, o.brand);
    MergeCounts(&scope, o.scope);
    listed_regions += o.listed_regions;
    min_wage_yuan.insert(min_wage_yuan.end(), o.min_wage_yuan.begin(), o.min_wage_yuan.end());
    no_min_wage += o.no_min_wage;
    available_from += o.available_from;
    plans += o.plans;
    MergeCounts(&intents, o.intents);
    first_return = std::min(first_return, o.first_return);
    last_return = std::max(last_return, o.last_return);
    first_departure = std::min(first_departure, o.first_departure);
    last_departure = std::max(last_departure, o.last_departure);
    wechat += o.wechat;
    sms += o.sms;
    partner += o.partner;
    openids += o.openids;
    female += o.female;
    age_sum += o.age_sum;
    households.insert(o.households.begin(), o.households.end());
    verified_recently += o.verified_recently;
  }

  void Add(const v1::Worker& w, const Refs& refs) {
    ++n;
    const std::string id = w.worker_id();
    // Stored codes are canonical: a 9-digit street code under the district.
    if (refs.regions->LevelOf(w.hukou_township()) != RegionLevel::kStreet ||
        !RegionContains(kTongchuanArea, w.hukou_township())) {
      problems.Add(absl::StrCat(id, ": hukou not a Tongchuan township"));
    }
    ++hukou[refs.regions->Name(w.hukou_township())];
    households.insert(w.household_id());
    if (!w.current_location().empty()) CheckRegion(refs, w.current_location(), id, &problems);
    ++locations[RegionClass(w.current_location())];

    ++skill_counts[w.skills_size()];
    absl::flat_hash_set<std::string> seen;
    for (const auto& s : w.skills()) {
      CheckOccupation(refs, s.occupation_code(), id, &problems);
      if (!seen.insert(s.occupation_code()).second) problems.Add(absl::StrCat(id, ": skill twice"));
      ++skill_codes[s.occupation_code()];
      ++levels[s.level()];
      ++skills;
      years_sum += s.years();
      if (s.years() < 0 || s.years() > 30) problems.Add(absl::StrCat(id, ": years"));
    }
    for (int k = 1; k < w.skills_size(); ++k) {
      if (w.skills(k - 1).occupation_code() > w.skills(k).occupation_code()) {
        problems.Add(absl::StrCat(id, ": skills not sorted"));
      }
    }
    if (w.certificates_size() > 0) ++with_certificates;
    for (const auto& c : w.certificates()) {
      ++certificates;
      if (c.verified()) ++verified;
      CheckOccupation(refs, c.occupation_code(), id, &problems);
      CheckDateValue(c.issued_on(), id, &problems);
      if (ToCivil(c.issued_on()) > refs.today) problems.Add(absl::StrCat(id, ": issued later"));
      if (c.kind() == v1::CERTIFICATE_KIND_SKILL_LEVEL) {
        ++certificate_kinds["SKILL_LEVEL"];
        bool held = false;
        for (const auto& s : w.skills()) {
          held |= s.occupation_code() == c.occupation_code() && s.level() == c.level();
        }
        if (!held) problems.Add(absl::StrCat(id, ": certificate for a skill not held"));
      } else {
        ++permits;
        ++certificate_kinds[c.name()];
        CheckDateValue(c.expires_on(), id, &problems);
        if (ToCivil(c.expires_on()) < refs.today) ++expired_permits;
      }
    }

    const auto& e = w.employment();
    ++status[e.status()];
    if (e.status() != v1::EMPLOYMENT_STATUS_UNSPECIFIED) {
      CheckDateValue(e.effective_date(), id, &problems);
      if (ToCivil(e.effective_date()) > refs.today)
        problems.Add(absl::StrCat(id, ": effective later"));
    }
    if (e.status() == v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE) {
      if (e.destination_region().empty() || RegionContains("511702", e.destination_region())) {
        problems.Add(absl::StrCat(id, ": outside without an outside destination"));
      }
    }
    if (e.status() == v1::EMPLOYMENT_STATUS_EMPLOYED_LOCAL && !e.destination_region().empty() &&
        !RegionContains("511702", e.destination_region())) {
      problems.Add(absl::StrCat(id, ": local with an outside destination"));
    }
    if (!e.destination_region().empty()) CheckRegion(refs, e.destination_region(), id, &problems);
    ++brand[w.labor_brand()];
    if (w.labor_brand() != v1::LABOR_BRAND_UNSPECIFIED) {
      bool fits = false;
      for (const auto& s : w.skills()) {
        const std::string& c = s.occupation_code();
        switch (w.labor_brand()) {
          case v1::LABOR_BRAND_BASHAN_JIANGONG:
            fits |= c.rfind("6-29-", 0) == 0;
            break;
          case v1::LABOR_BRAND_BASHAN_CHUSHI:
            fits |= c == "4-03-02-01" || c == "4-03-02-02";
            break;
          default:
            fits |= c.rfind("4-10-01-", 0) == 0;
        }
      }
      if (!fits) problems.Add(absl::StrCat(id, ": brand without its trade"));
    }

    const auto& p = w.preferences();
    ++scope[p.location_scope()];
    if (p.location_scope() == v1::LOCATION_SCOPE_LISTED_REGIONS) {
      if (p.accepted_regions().empty()) problems.Add(absl::StrCat(id, ": listed without regions"));
      ++listed_regions;
    }
    for (const auto& r : p.accepted_regions()) CheckRegion(refs, r, id, &problems);
    for (const auto& o : p.wanted_occupations()) CheckOccupation(refs, o, id, &problems);
    if (p.minimum_monthly_wage().fen() == 0) {
      ++no_min_wage;
    } else {
      min_wage_yuan.push_back(p.minimum_monthly_wage().fen() / 100);
    }
    if (HasDate(p.available_from())) {
      ++available_from;
      CheckDateValue(p.available_from(), id, &problems);
      const absl::CivilDay d = ToCivil(p.available_from());
      if (d <= refs.today || d > refs.today + 90)
        problems.Add(absl::StrCat(id, ": available_from"));
    }
    const auto& r = w.return_plan();
    if (HasDate(r.planned_return())) {
      ++plans;
      ++intents[r.intent()];
      const absl::CivilDay back = ToCivil(r.planned_return());
      first_return = std::min(first_return, back);
      last_return = std::max(last_return, back);
      if (HasDate(r.planned_departure())) {
        const absl::CivilDay leaves = ToCivil(r.planned_departure());
        if (leaves < back) problems.Add(absl::StrCat(id, ": departs before returning"));
        first_departure = std::min(first_departure, leaves);
        last_departure = std::max(last_departure, leaves);
      }
    }
    const auto& c = w.consent();
    wechat += c.wechat();
    sms += c.sms();
    partner += c.partner_sharing();
    if (!w.wechat_openid().empty()) {
      ++openids;
      if (w.wechat_openid().size() != 28 || w.wechat_openid()[0] != 'o') {
        problems.Add(absl::StrCat(id, ": openid shape"));
      }
    }
    if (c.wechat() != !w.wechat_openid().empty())
      problems.Add(absl::StrCat(id, ": openid/consent"));
    if (!w.name().empty() || !w.id_number().empty() || !w.phone().empty()) {
      problems.Add(absl::StrCat(id, ": carries PII"));
    }
    female += w.gender() == v1::GENDER_FEMALE;
    age_sum += (refs.today - ToCivil(w.birth_date())) / 365;
    if (HasTimestamp(w.last_verified_at()) &&
        FromProto(w.last_verified_at()) > refs.now - absl::Hours(24 * 92)) {
      ++verified_recently;
    }
  }
};

struct VacancyStats {
  int64_t n = 0;
  Problems problems;
  std::map<std::string, int64_t> occupations;
  std::map<std::string, int64_t> locations;
  std::map<int, int64_t> units;
  std::vector<int64_t> monthly_min_yuan, monthly_max_yuan;
  int64_t single_figure = 0;
  std::map<int, int64_t> required_counts;
  std::map<int, int64_t> required_levels;
  int64_t with_certificates = 0;
  std::map<std::string, int64_t> certificate_kinds;
  std::vector<int64_t> headcounts;
  int64_t headcount_sum = 0, remaining_sum = 0;
  int64_t blacklisted = 0, with_fair = 0;
  std::map<int, int64_t> sources;
  int64_t room = 0, board = 0, insurance = 0;
  absl::flat_hash_set<std::string> employers;

  void Merge(const VacancyStats& o) {
    n += o.n;
    problems.Merge(o.problems);
    MergeCounts(&occupations, o.occupations);
    MergeCounts(&locations, o.locations);
    MergeCounts(&units, o.units);
    monthly_min_yuan.insert(monthly_min_yuan.end(), o.monthly_min_yuan.begin(),
                            o.monthly_min_yuan.end());
    monthly_max_yuan.insert(monthly_max_yuan.end(), o.monthly_max_yuan.begin(),
                            o.monthly_max_yuan.end());
    single_figure += o.single_figure;
    MergeCounts(&required_counts, o.required_counts);
    MergeCounts(&required_levels, o.required_levels);
    with_certificates += o.with_certificates;
    MergeCounts(&certificate_kinds, o.certificate_kinds);
    headcounts.insert(headcounts.end(), o.headcounts.begin(), o.headcounts.end());
    headcount_sum += o.headcount_sum;
    remaining_sum += o.remaining_sum;
    blacklisted += o.blacklisted;
    with_fair += o.with_fair;
    MergeCounts(&sources, o.sources);
    room += o.room;
    board += o.board;
    insurance += o.insurance;
    employers.insert(o.employers.begin(), o.employers.end());
  }

  void Add(const v1::Vacancy& v, const Refs& refs) {
    ++n;
    const std::string id = v.vacancy_id();
    CheckOccupation(refs, v.occupation_code(), id, &problems);
    if (v.title() != refs.occupations->Name(v.occupation_code())) problems.Add(id + ": title");
    ++occupations[v.occupation_code()];
    CheckRegion(refs, v.location(), id, &problems);
    ++locations[RegionClass(v.location())];
    ++required_counts[v.required_skills_size()];
    if (v.required_skills_size() == 0 ||
        v.required_skills(0).occupation_code() != v.occupation_code()) {
      problems.Add(id + ": first required skill is not the occupation");
    }
    for (const auto& s : v.required_skills()) {
      CheckOccupation(refs, s.occupation_code(), id, &problems);
      ++required_levels[s.level()];
    }
    if (v.required_certificates_size() > 0) ++with_certificates;
    for (const auto& c : v.required_certificates()) {
      CheckOccupation(refs, c.occupation_code(), id, &problems);
      ++certificate_kinds[c.kind() == v1::CERTIFICATE_KIND_SKILL_LEVEL ? "SKILL_LEVEL" : c.name()];
    }
    const auto& w = v.wage();
    ++units[w.unit()];
    if (w.unit() == v1::WAGE_UNIT_UNSPECIFIED) {
      if (w.min().fen() || w.max().fen() || w.monthly_min().fen() || w.monthly_max().fen()) {
        problems.Add(id + ": 面议 with amounts");
      }
    } else {
      if (w.max().fen() < w.min().fen() || w.monthly_max().fen() < w.monthly_min().fen()) {
        problems.Add(id + ": max below min");
      }
      if (w.monthly_min().fen() < 300000 || w.monthly_max().fen() > 1200000) {
        problems.Add(absl::StrCat(id, ": monthly wage out of 3,000..12,000 yuan: ",
                                  w.monthly_min().fen(), "..", w.monthly_max().fen()));
      }
      monthly_min_yuan.push_back(w.monthly_min().fen() / 100);
      monthly_max_yuan.push_back(w.monthly_max().fen() / 100);
      if (w.min().fen() == w.max().fen()) ++single_figure;
    }
    if (v.headcount() < 1 || v.headcount() > 50 || v.remaining() < 1 ||
        v.remaining() > v.headcount()) {
      problems.Add(id + ": headcount/remaining");
    }
    headcounts.push_back(v.headcount());
    headcount_sum += v.headcount();
    remaining_sum += v.remaining();
    const absl::Time posted = FromProto(v.posted_at());
    const absl::Time expires = FromProto(v.expires_at());
    if (posted > refs.now || posted < refs.now - absl::Hours(24 * 30))
      problems.Add(id + ": posted_at");
    if (expires < refs.now + absl::Hours(24 * 7) || expires > refs.now + absl::Hours(24 * 90)) {
      problems.Add(id + ": expires_at");
    }
    if (v.status() != v1::VACANCY_STATUS_OPEN) problems.Add(id + ": not open");
    if (!ValidateCreditCode(v.employer_credit_code()).ok()) problems.Add(id + ": credit code");
    employers.insert(v.employer_id());
    blacklisted += v.employer_blacklisted();
    with_fair += !v.fair_ids().empty();
    for (const auto& s : v.sources()) ++sources[s.kind()];
    room += v.benefits().room();
    board += v.benefits().board();
    insurance += v.benefits().social_insurance();
  }
};

double Pct(int64_t part, int64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// CPU time of the calling thread (the machine is shared: wall time alone
// says more about the neighbours than about the generator).
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Runs fn(begin, end, thread) over [0, n) split between `threads` threads.
template <typename Fn>
void Parallel(int64_t n, int threads, Fn fn) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    const int64_t begin = n * t / threads;
    const int64_t end = n * (t + 1) / threads;
    pool.emplace_back([=, &fn] { fn(begin, end, t); });
  }
  for (auto& th : pool) th.join();
}

template <typename K>
void PrintTop(const std::map<K, int64_t>& counts, int64_t whole, size_t top,
              const OccupationTaxonomy* names) {
  std::vector<std::pair<int64_t, K>> sorted;
  for (const auto& [k, v] : counts) sorted.emplace_back(v, k);
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  double cumulative = 0;
  for (size_t k = 0; k < std::min(top, sorted.size()); ++k) {
    cumulative += Pct(sorted[k].first, whole);
    if constexpr (std::is_same_v<K, std::string>) {
      absl::PrintF("    %-12s %-24s %6.2f%%  (cum %5.1f%%)\n", sorted[k].second,
                   names != nullptr ? names->Name(sorted[k].second) : "",
                   Pct(sorted[k].first, whole), cumulative);
    } else {
      absl::PrintF("    %-30d %6.2f%%\n", sorted[k].second, Pct(sorted[k].first, whole));
    }
  }
}

void PrintEnum(absl::string_view title, const std::map<int, int64_t>& counts, int64_t whole,
               const google::protobuf::EnumDescriptor* names) {
  absl::PrintF("  %s:", title);
  for (const auto& [k, v] : counts) {
    const auto* value = names != nullptr ? names->FindValueByNumber(k) : nullptr;
    absl::PrintF(" %s %.1f%%", value != nullptr ? value->name() : absl::StrCat(k), Pct(v, whole));
  }
  absl::PrintF("\n");
}

int Run() {
  const int64_t n_workers = absl::GetFlag(FLAGS_workers);
  const int64_t n_vacancies = absl::GetFlag(FLAGS_vacancies);
  const int threads = std::max(1, absl::GetFlag(FLAGS_threads));
  auto taxonomy = OccupationTaxonomy::LoadFromFile(absl::GetFlag(FLAGS_taxonomy));
  auto regions = RegionRegistry::LoadFromDir(absl::GetFlag(FLAGS_regions));
  if (!taxonomy.ok() || !regions.ok()) {
    absl::FPrintF(stderr, "cannot load reference data: %s %s\n", taxonomy.status().ToString(),
                  regions.status().ToString());
    return 2;
  }
  CityDataOptions options;
  options.seed = absl::GetFlag(FLAGS_seed);
  const CityDataGenerator gen(taxonomy->get(), regions->get(), options);
  const Refs refs{taxonomy->get(), regions->get(), absl::ToCivilDay(options.now, ShanghaiTime()),
                  options.now};
  int failures = 0;
  if (const int n = absl::GetFlag(FLAGS_print); n > 0) {
    for (int i = 0; i < n; ++i) absl::PrintF("%s\n", gen.Worker(i).Utf8DebugString());
    for (int i = 0; i < n; ++i) absl::PrintF("%s\n", gen.Vacancy(i).Utf8DebugString());
    return 0;
  }

  absl::PrintF("match_data_check: %d workers, %d vacancies, seed %d, %d threads, now %s\n",
               n_workers, n_vacancies, options.seed, threads,
               absl::FormatTime("%Y-%m-%d %H:%M %z", options.now, ShanghaiTime()));
  absl::PrintF("  occupations drawn from: %d (first: %s %s)\n", gen.occupation_codes().size(),
               gen.occupation_codes().front(),
               taxonomy->get()->Name(gen.occupation_codes().front()));

  // Determinism: the same record twice, and from a second generator.
  {
    const CityDataGenerator again(taxonomy->get(), regions->get(), options);
    CityDataOptions other_seed = options;
    other_seed.seed ^= 1;
    const CityDataGenerator other(taxonomy->get(), regions->get(), other_seed);
    int64_t checked = 0, mismatches = 0, same_as_other_seed = 0;
    auto check = [&](int64_t i) {
      const std::string a = gen.Worker(i).SerializeAsString();
      const std::string b = gen.Worker(i).SerializeAsString();
      const std::string c = again.Worker(i).SerializeAsString();
      const std::string va = gen.Vacancy(i).SerializeAsString();
      const std::string vb = again.Vacancy(i).SerializeAsString();
      // Filling a message that held another record gives the same bytes.
      v1::Worker reused = gen.Worker(i + 1);
      gen.FillWorker(i, &reused);
      v1::Vacancy reused_vacancy = gen.Vacancy(i + 1);
      gen.FillVacancy(i, &reused_vacancy);
      mismatches += (a != b) + (a != c) + (va != vb) + (a != reused.SerializeAsString()) +
                    (va != reused_vacancy.SerializeAsString());
      same_as_other_seed += a == other.Worker(i).SerializeAsString();
      ++checked;
    };
    for (int64_t i = 0; i < std::min<int64_t>(2000, n_workers); ++i) check(i);
    for (int64_t i = 2000; i < n_workers; i += 997) check(i);
    absl::PrintF("  determinism: %d indexes, %d mismatches, %d equal under another seed\n", checked,
                 mismatches, same_as_other_seed);
    if (mismatches > 0 || same_as_other_seed > 0) ++failures;
  }

  // Generation rate (generate + size, nothing kept): a fresh message per
  // record (Worker(i)), and one reused message per thread (FillWorker).
  std::vector<int64_t> worker_bytes(threads), vacancy_bytes(threads);
  std::vector<double> worker_cpu(threads), vacancy_cpu(threads);
  auto sum = [](const std::vector<double>& v) {
    double total = 0;
    for (double x : v) total += x;
    return total;
  };
  for (bool reuse : {false, true}) {
    absl::Time start = absl::Now();
    Parallel(n_workers, threads, [&](int64_t begin, int64_t end, int t) {
      const double cpu = ThreadCpuSeconds();
      int64_t bytes = 0;
      google::protobuf::Arena arena;
      for (int64_t i = begin; i < end; ++i) {
        if (reuse) {
          if ((i & 255) == 0) arena.Reset();
          auto* w = google::protobuf::Arena::CreateMessage<v1::Worker>(&arena);
          gen.FillWorker(i, w);
          bytes += static_cast<int64_t>(w->ByteSizeLong());
        } else {
          bytes += static_cast<int64_t>(gen.Worker(i).ByteSizeLong());
        }
      }
      worker_bytes[t] = bytes;
      worker_cpu[t] = ThreadCpuSeconds() - cpu;
    });
    const absl::Duration worker_time = absl::Now() - start;
    start = absl::Now();
    Parallel(n_vacancies, threads, [&](int64_t begin, int64_t end, int t) {
      const double cpu = ThreadCpuSeconds();
      int64_t bytes = 0;
      google::protobuf::Arena arena;
      for (int64_t i = begin; i < end; ++i) {
        if (reuse) {
          if ((i & 255) == 0) arena.Reset();
          auto* v = google::protobuf::Arena::CreateMessage<v1::Vacancy>(&arena);
          gen.FillVacancy(i, v);
          bytes += static_cast<int64_t>(v->ByteSizeLong());
        } else {
          bytes += static_cast<int64_t>(gen.Vacancy(i).ByteSizeLong());
        }
      }
      vacancy_bytes[t] = bytes;
      vacancy_cpu[t] = ThreadCpuSeconds() - cpu;
    });
    const absl::Duration vacancy_time = absl::Now() - start;
    absl::PrintF(
        "  rate (%s):\n    workers %.0f/s (%.2f s wall; %.2f us CPU each), vacancies %.0f/s "
        "(%.2f s wall; %.2f us CPU each)\n",
        reuse ? "FillWorker/FillVacancy into an arena" : "Worker(i)/Vacancy(i)",
        static_cast<double>(n_workers) / absl::ToDoubleSeconds(worker_time),
        absl::ToDoubleSeconds(worker_time),
        1e6 * sum(worker_cpu) / static_cast<double>(std::max<int64_t>(1, n_workers)),
        static_cast<double>(n_vacancies) / absl::ToDoubleSeconds(vacancy_time),
        absl::ToDoubleSeconds(vacancy_time),
        1e6 * sum(vacancy_cpu) / static_cast<double>(std::max<int64_t>(1, n_vacancies)));
  }
  int64_t wb = 0, vb = 0;
  for (int t = 0; t < threads; ++t) {
    wb += worker_bytes[t];
    vb += vacancy_bytes[t];
  }
  absl::PrintF("  serialized size: worker %.1f B avg, vacancy %.1f B avg\n",
               static_cast<double>(wb) / static_cast<double>(std::max<int64_t>(1, n_workers)),
               static_cast<double>(vb) / static_cast<double>(std::max<int64_t>(1, n_vacancies)));

  // Distributions and code checks.
  std::vector<WorkerStats> ws(threads);
  Parallel(n_workers, threads, [&](int64_t begin, int64_t end, int t) {
    for (int64_t i = begin; i < end; ++i) ws[t].Add(gen.Worker(i), refs);
  });
  for (int t = 1; t < threads; ++t) ws[0].Merge(ws[t]);
  WorkerStats& w = ws[0];
  std::vector<VacancyStats> vs(threads);
  Parallel(n_vacancies, threads, [&](int64_t begin, int64_t end, int t) {
    for (int64_t i = begin; i < end; ++i) vs[t].Add(gen.Vacancy(i), refs);
  });
  for (int t = 1; t < threads; ++t) vs[0].Merge(vs[t]);
  VacancyStats& v = vs[0];

  const auto* skill_levels = v1::SkillLevel_descriptor();
  absl::PrintF("\nWORKERS (%d)\n", w.n);
  absl::PrintF("  top 10 skills (share of workers holding it):\n");
  PrintTop(w.skill_codes, w.n, 10, taxonomy->get());
  absl::PrintF("  distinct skill codes: %d\n", w.skill_codes.size());
  PrintEnum("skills per worker", w.skill_counts, w.n, nullptr);
  PrintEnum("skill levels", w.levels, w.skills, skill_levels);
  absl::PrintF(
      "  mean years of experience: %.1f\n",
      static_cast<double>(w.years_sum) / static_cast<double>(std::max<int64_t>(1, w.skills)));
  absl::PrintF(
      "  with certificates: %.1f%% (%d certificates, %.1f%% verified; %d permits, %.1f%% "
      "expired)\n",
      Pct(w.with_certificates, w.n), w.certificates, Pct(w.verified, w.certificates), w.permits,
      Pct(w.expired_permits, w.permits));
  for (const auto& [k, c] : w.certificate_kinds) {
    absl::PrintF("    %-24s %.2f%% of workers\n", k, Pct(c, w.n));
  }
  absl::PrintF("  current location:\n");
  for (const auto& [k, c] : w.locations) absl::PrintF("    %-28s %5.1f%%\n", k, Pct(c, w.n));
  absl::PrintF(
      "  hukou townships: %d, largest %.1f%%, smallest %.1f%%; households %d (%.2f workers each)\n",
      w.hukou.size(),
      Pct(std::max_element(w.hukou.begin(), w.hukou.end(),
                           [](auto& a, auto& b) { return a.second < b.second; })
              ->second,
          w.n),
      Pct(std::min_element(w.hukou.begin(), w.hukou.end(),
                           [](auto& a, auto& b) { return a.second < b.second; })
              ->second,
          w.n),
      w.households.size(),
      static_cast<double>(w.n) / static_cast<double>(std::max<size_t>(1, w.households.size())));
  PrintEnum("employment status", w.status, w.n, v1::EmploymentStatus_descriptor());
  PrintEnum("labor brand", w.brand, w.n, v1::LaborBrand_descriptor());
  PrintEnum("location scope", w.scope, w.n, v1::LocationScope_descriptor());
  {
    auto& m = w.min_wage_yuan;
    int64_t in_band =
        std::count_if(m.begin(), m.end(), [](int64_t y) { return y >= 3500 && y <= 5000; });
    absl::PrintF(
        "  minimum wage: none %.1f%%; stated: p10 %d p50 %d p90 %d yuan, %.1f%% in 3,500-5,000\n",
        Pct(w.no_min_wage, w.n), Percentile(&m, 0.1), Percentile(&m, 0.5), Percentile(&m, 0.9),
        Pct(in_band, static_cast<int64_t>(m.size())));
  }
  absl::PrintF("  available_from set: %.1f%%\n", Pct(w.available_from, w.n));
  absl::PrintF("  return plans: %.1f%%, return %s..%s, departure %s..%s\n", Pct(w.plans, w.n),
               absl::FormatCivilTime(w.first_return), absl::FormatCivilTime(w.last_return),
               absl::FormatCivilTime(w.first_departure), absl::FormatCivilTime(w.last_departure));
  PrintEnum("  return intent", w.intents, w.plans, v1::ReturnIntent_descriptor());
  absl::PrintF("  consent: wechat %.1f%% (openids %.1f%%), sms %.1f%%, partner sharing %.1f%%\n",
               Pct(w.wechat, w.n), Pct(w.openids, w.n), Pct(w.sms, w.n), Pct(w.partner, w.n));
  absl::PrintF("  female %.1f%%, mean age %.1f, verified in the last quarter %.1f%%\n",
               Pct(w.female, w.n),
               static_cast<double>(w.age_sum) / static_cast<double>(std::max<int64_t>(1, w.n)),
               Pct(w.verified_recently, w.n));

  absl::PrintF("\nVACANCIES (%d)\n", v.n);
  absl::PrintF("  top 10 occupations:\n");
  PrintTop(v.occupations, v.n, 10, taxonomy->get());
  absl::PrintF("  distinct occupations: %d\n", v.occupations.size());
  absl::PrintF("  location:\n");
  for (const auto& [k, c] : v.locations) absl::PrintF("    %-28s %5.1f%%\n", k, Pct(c, v.n));
  PrintEnum("wage unit", v.units, v.n, v1::WageUnit_descriptor());
  absl::PrintF(
      "  monthly_min p10 %d p50 %d p90 %d yuan; monthly_max p50 %d p90 %d; single figure %.1f%% of "
      "stated\n",
      Percentile(&v.monthly_min_yuan, 0.1), Percentile(&v.monthly_min_yuan, 0.5),
      Percentile(&v.monthly_min_yuan, 0.9), Percentile(&v.monthly_max_yuan, 0.5),
      Percentile(&v.monthly_max_yuan, 0.9),
      Pct(v.single_figure, static_cast<int64_t>(v.monthly_min_yuan.size())));
  PrintEnum("required skills", v.required_counts, v.n, nullptr);
  int64_t required_total = 0;
  for (const auto& [k, c] : v.required_levels) required_total += c;
  PrintEnum("required levels", v.required_levels, required_total, skill_levels);
  absl::PrintF("  with required certificates: %.1f%%\n", Pct(v.with_certificates, v.n));
  for (const auto& [k, c] : v.certificate_kinds) {
    absl::PrintF("    %-24s %.2f%% of vacancies\n", k, Pct(c, v.n));
  }
  absl::PrintF(
      "  headcount mean %.1f p50 %d p90 %d; remaining mean %.1f\n",
      static_cast<double>(v.headcount_sum) / static_cast<double>(std::max<int64_t>(1, v.n)),
      Percentile(&v.headcounts, 0.5), Percentile(&v.headcounts, 0.9),
      static_cast<double>(v.remaining_sum) / static_cast<double>(std::max<int64_t>(1, v.n)));
  absl::PrintF("  employers %d; blacklisted %.2f%%; with fair ids %.1f%%\n", v.employers.size(),
               Pct(v.blacklisted, v.n), Pct(v.with_fair, v.n));
  PrintEnum("sources", v.sources, v.n, v1::SourceKind_descriptor());
  absl::PrintF("  benefits: room %.1f%%, board %.1f%%, social insurance %.1f%%\n", Pct(v.room, v.n),
               Pct(v.board, v.n), Pct(v.insurance, v.n));

  absl::PrintF("\nchecks: %d worker problems, %d vacancy problems\n", w.problems.count,
               v.problems.count);
  for (const auto& s : w.problems.first) absl::PrintF("  worker: %s\n", s);
  for (const auto& s : v.problems.first) absl::PrintF("  vacancy: %s\n", s);
  if (w.problems.count > 0 || v.problems.count > 0) ++failures;
  absl::PrintF("%s\n", failures == 0 ? "OK" : "FAILED");
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace labor::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return labor::bench::Run();
}
