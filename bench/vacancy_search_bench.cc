// Search latency of the vacancy index (services/vacancy/vacancy_index.h) at
// city scale: 200,000 vacancy summaries with skewed, realistic
// distributions (a few occupations and the home district dominate).
//
//   vacancy_search_bench --benchmark_min_time=0.5
//
// Every case reports the time of one Query (one page) and, as counters,
// the ids it returned ("results") and how many vacancies match in all
// ("matches", counted once outside the timed loop).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "services/vacancy/vacancy_index.h"

namespace labor::vacancy {
namespace {

constexpr int kVacancies = 200000;
constexpr int kPage = 50;
// 2026-03-01T00:00:00+08:00: "now" for the synthetic data.
const absl::Time kNow = absl::FromUnixSeconds(1772294400);

// 50 level-4 codes of data/taxonomy/occupations.csv that migrant workers
// from the district take, most common first (construction, loading,
// restaurants, electronics assembly, domestic work ...); drawn with Zipf
// weights, so the first few dominate and the last are rare.
const char* const kOccupations[] = {
    "6-29-01-01",  // 砌筑工
    "4-02-05-01",  // 装卸搬运工
    "4-03-02-05",  // 餐厅服务员
    "6-25-04-07",  // 电子设备装接工
    "4-10-01-06",  // 家政服务员
    "6-29-01-04",  // 钢筋工
    "4-03-02-01",  // 中式烹调师
    "6-05-01-03",  // 缝纫工
    "4-02-07-08",  // 快递员
    "6-18-02-04",  // 焊工
    "6-29-01-03",  // 混凝土工
    "4-09-08-01",  // 保洁员
    "6-29-01-05",  // 架子工
    "4-07-05-01",  // 保安员
    "6-29-04-01",  // 装饰装修工
    "4-02-06-01",  // 仓储管理员
    "6-30-05-01",  // 起重装卸机械操作工
    "4-10-01-05",  // 养老护理员
    "6-20-01-01",  // 装配钳工
    "4-01-02-03",  // 商品营业员
    "6-25-04-08",  // 电子设备调试工
    "4-02-02-02",  // 道路货运汽车驾驶员
    "6-29-02-15",  // 管道工
    "6-01-04-03",  // 肉制品加工工
    "4-03-02-02",  // 中式面点师
    "6-04-03-03",  // 织布工
    "4-10-08-01",  // 网约配送员
    "6-18-01-01",  // 车工
    "6-29-03-02",  // 电气设备安装工
    "4-01-02-04",  // 收银员
    "6-25-02-03",  // 液晶显示器件制造工
    "6-02-03-01",  // 米面主食制作工
    "6-18-01-07",  // 多工序数控机床操作调整工
    "4-10-01-03",  // 保育师
    "6-29-02-08",  // 防水工
    "6-25-01-13",  // 印制电路制作工
    "6-04-06-02",  // 纺织染色工
    "6-01-04-01",  // 畜禽屠宰加工工
    "6-18-03-03",  // 涂装工
    "4-10-03-02",  // 美发师
    "6-25-04-02",  // 通信终端设备制造工
    "4-12-01-01",  // 汽车维修工
    "6-02-05-08",  // 酱腌菜制作工
    "6-20-03-01",  // 机床装调维修工
    "6-05-01-04",  // 缝纫品整型工
    "6-02-06-03",  // 白酒酿造工
    "4-06-01-01",  // 物业管理师
    "6-25-04-05",  // 智能硬件装调员
    "6-02-01-01",  // 糕点面包烘焙师
    "6-29-03-03",  // 电梯安装维修工 (the rarest)
};
constexpr int kOccupationCount = sizeof(kOccupations) / sizeof(kOccupations[0]);

// Tongchuan's 18 townships/streets (data/regions/streets.csv).
const char* const kTongchuanTownships[] = {
    "511702001", "511702002", "511702003", "511702004", "511702005", "511702102",
    "511702103", "511702104", "511702105", "511702107", "511702108", "511702109",
    "511702110", "511702111", "511702112", "511702113", "511702114", "511702208"};
const char* const kDazhouAreas[] = {"511703", "511722", "511723", "511724", "511725", "511781"};
const char* const kGuangdong[] = {"440306", "440307", "440113", "441900", "442000", "440604"};
const char* const kZhejiang[] = {"330782", "330481", "330110", "330603"};
const char* const kJiangsu[] = {"320583", "320506", "320411", "320214"};
const char* const kChengdu[] = {"510104", "510116", "510107"};

template <size_t N>
const char* PickFrom(const char* const (&list)[N], std::mt19937_64& rng) {
  return list[rng() % N];
}

struct Dataset {
  VacancyIndex index;
  size_t rss_delta_kb = 0;
};

long RssKb() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long pages = 0, resident = 0;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  std::fclose(f);
  return resident * 4;  // 4 KiB pages
}

VacancySummary MakeSummary(int i, std::mt19937_64& rng,
                           std::discrete_distribution<int>& occupation) {
  auto pct = [&] { return static_cast<int>(rng() % 100); };
  VacancySummary s;
  s.vacancy_id = absl::StrFormat("v%07d", i);
  s.employer_id = absl::StrFormat("e%05d", static_cast<int>(rng() % 8000));
  s.occupation_code = kOccupations[occupation(rng)];
  // Where the jobs are: home district first, then the rest of Dazhou and
  // the coastal provinces the district's workers go to.
  int where = pct();
  std::string partner;
  if (where < 45) {
    s.location = PickFrom(kTongchuanTownships, rng);
  } else if (where < 62) {
    s.location = PickFrom(kDazhouAreas, rng);
  } else if (where < 80) {
    s.location = PickFrom(kGuangdong, rng);
    partner = "gd";
  } else if (where < 89) {
    s.location = PickFrom(kZhejiang, rng);
    partner = "zj";
  } else if (where < 96) {
    s.location = PickFrom(kJiangsu, rng);
    partner = "js";
  } else {
    s.location = PickFrom(kChengdu, rng);
    partner = "cd";
  }
  // Half the outside vacancies come through the partner bureau's import;
  // a few of those were also posted here (collapsed duplicates).
  if (!partner.empty() && pct() < 50) {
    s.partners.push_back(partner);
    s.district_source = pct() < 10;
  } else {
    s.district_source = true;
  }
  // 3000-12000 yuan a month; about one in ten states none (面议).
  if (pct() >= 10) {
    int64_t min_yuan = 3000 + static_cast<int64_t>(rng() % 7001);
    int64_t max_yuan = std::min<int64_t>(12000, min_yuan + static_cast<int64_t>(rng() % 3001));
    s.monthly_min_fen = min_yuan * 100;
    s.monthly_max_fen = max_yuan * 100;
  }
  int status = pct();
  s.status = status < 70   ? v1::VACANCY_STATUS_OPEN
             : status < 80 ? v1::VACANCY_STATUS_FILLED
             : status < 95 ? v1::VACANCY_STATUS_CLOSED
                           : v1::VACANCY_STATUS_EXPIRED;
  s.employer_blacklisted = pct() < 1;
  // Posted over the last 60 days; changed up to 10 days later.
  s.posted_at = kNow - absl::Seconds(static_cast<int64_t>(rng() % (60 * 86400)));
  s.expires_at = s.posted_at + absl::Hours(24 * (30 + static_cast<int>(rng() % 61)));
  s.updated_at =
      std::min(kNow, s.posted_at + absl::Seconds(static_cast<int64_t>(rng() % (10 * 86400))));
  if (pct() < 5) s.fair_ids.push_back(absl::StrCat("fair-2026-", rng() % 6));
  return s;
}

// The synthetic data set, deterministic: Next() yields summary 0, 1, ...
class Generator {
 public:
  Generator() : rng_(511702) {
    std::vector<double> weights;
    for (int r = 0; r < kOccupationCount; ++r) weights.push_back(1.0 / std::pow(r + 1, 1.1));
    occupation_ = std::discrete_distribution<int>(weights.begin(), weights.end());
  }
  VacancySummary Next() { return MakeSummary(next_++, rng_, occupation_); }

 private:
  std::mt19937_64 rng_;
  std::discrete_distribution<int> occupation_;
  int next_ = 0;
};

Dataset& Data() {
  static Dataset* data = [] {
    auto* d = new Dataset;
    Generator generator;
    long before = RssKb();
    for (int i = 0; i < kVacancies; ++i) d->index.Upsert(generator.Next());
    d->rss_delta_kb = static_cast<size_t>(RssKb() - before);
    std::fprintf(stderr, "vacancy index: %zu summaries, resident memory +%zu MiB (%.0f B each)\n",
                 d->index.size(), d->rss_delta_kb / 1024,
                 1024.0 * d->rss_delta_kb / d->index.size());
    return d;
  }();
  return *data;
}

void RunQuery(benchmark::State& state, const VacancyQuery& query, const std::string& cursor = "") {
  const VacancyIndex& index = Data().index;
  size_t results = 0;
  for (auto _ : state) {
    absl::StatusOr<VacancyIndex::Page> page = index.Query(query, cursor, kPage);
    if (!page.ok()) {
      state.SkipWithError(std::string(page.status().message()).c_str());
      return;
    }
    results = page->vacancy_ids.size();
    benchmark::DoNotOptimize(page->vacancy_ids.data());
  }
  state.counters["results"] = static_cast<double>(results);
  state.counters["matches"] = static_cast<double>(index.Count(query));
}

// The public list's first page: newest first, blacklisted hidden.
void BM_FirstPageNoFilter(benchmark::State& state) { RunQuery(state, VacancyQuery{}); }
BENCHMARK(BM_FirstPageNoFilter)->Unit(benchmark::kMicrosecond);

// Open construction jobs (the 6-29 branch: several common codes).
void BM_OccupationPrefix(benchmark::State& state) {
  VacancyQuery q;
  q.occupation_prefix = "6-29";
  q.status = v1::VACANCY_STATUS_OPEN;
  RunQuery(state, q);
}
BENCHMARK(BM_OccupationPrefix)->Unit(benchmark::kMicrosecond);

// A mid-frequency 细类: electronics assembly in Guangdong.
void BM_OccupationAndRegion(benchmark::State& state) {
  VacancyQuery q;
  q.occupation_prefix = "6-25-04-07";
  q.region_prefix = "44";
  q.status = v1::VACANCY_STATUS_OPEN;
  RunQuery(state, q);
}
BENCHMARK(BM_OccupationAndRegion)->Unit(benchmark::kMicrosecond);

// Open jobs in Tongchuan paying at least 8000 yuan (or not saying).
void BM_RegionAndWage(benchmark::State& state) {
  VacancyQuery q;
  q.region_prefix = "511702";
  q.monthly_wage_floor_fen = 800000;
  q.status = v1::VACANCY_STATUS_OPEN;
  RunQuery(state, q);
}
BENCHMARK(BM_RegionAndWage)->Unit(benchmark::kMicrosecond);

// The rarest occupation, in Jiangsu, at 10000 yuan and up: a handful of
// matches, so the walk covers (nearly) the whole index.
void BM_RareFilterScansFar(benchmark::State& state) {
  VacancyQuery q;
  q.occupation_prefix = "6-29-03-03";
  q.region_prefix = "32";
  q.monthly_wage_floor_fen = 1000000;
  q.status = v1::VACANCY_STATUS_OPEN;
  RunQuery(state, q);
}
BENCHMARK(BM_RareFilterScansFar)->Unit(benchmark::kMicrosecond);

// A filter nothing matches: the worst case, a walk over every entry.
void BM_NoMatchFullScan(benchmark::State& state) {
  VacancyQuery q;
  q.occupation_prefix = "2-02";  // engineers: none in this data set
  RunQuery(state, q);
}
BENCHMARK(BM_NoMatchFullScan)->Unit(benchmark::kMicrosecond);

// Partner "gd" reading the feed of the last day's changes.
void BM_FeedSinceOneDay(benchmark::State& state) {
  VacancyQuery q;
  q.updated_since = kNow - absl::Hours(24);
  q.visible_to_partner = "gd";
  RunQuery(state, q);
}
BENCHMARK(BM_FeedSinceOneDay)->Unit(benchmark::kMicrosecond);

// Resuming deep in the list (page 1001, from a cursor): a cursor costs a
// btree seek, not a skip over earlier pages.
void BM_DeepPageFromCursor(benchmark::State& state) {
  VacancyQuery q;
  std::string cursor;
  for (int i = 0; i < 1000; ++i) {
    absl::StatusOr<VacancyIndex::Page> page = Data().index.Query(q, cursor, kPage);
    if (!page.ok() || page->next_cursor.empty()) {
      state.SkipWithError("could not reach page 1001");
      return;
    }
    cursor = page->next_cursor;
  }
  RunQuery(state, q, cursor);
}
BENCHMARK(BM_DeepPageFromCursor)->Unit(benchmark::kMicrosecond);

// The writer's cost per change: replacing a summary (both btrees updated).
// The first summaries are regenerated exactly as built, so putting them
// back leaves the data set as it was.
void BM_UpsertReplace(benchmark::State& state) {
  VacancyIndex& index = Data().index;
  Generator generator;
  std::vector<VacancySummary> batch;
  for (int i = 0; i < 1024; ++i) batch.push_back(generator.Next());
  size_t n = 0;
  for (auto _ : state) {
    index.Upsert(batch[n++ % batch.size()]);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UpsertReplace)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace labor::vacancy

BENCHMARK_MAIN();
