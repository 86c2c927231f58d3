// City-scale synthetic data for the matching benchmarks (see match_data.h).
//
// Every record is a pure function of (seed, kind, index): a splitmix64 stream
// is seeded from a hash of the three, so Worker(i) can be regenerated at any
// time, in any thread, in any process, without holding the population.
//
// Distributions, and why (sources: NBS 农民工监测调查报告 2023/2024 for age,
// sex and sectors; Tongchuan's own plan for brands and destinations):
// - Occupations: ~160 real 细类 codes of the 2022 classification that migrant
//   workers hold (construction 6-29, welding, electricians, machinery,
//   couriers and delivery, catering, domestic and care work, security,
//   cleaning, factory assembly, sewing, driving, mining, farming), ordered by
//   how common we believe they are among Tongchuan's workers. A worker's first
//   skill is Zipf-distributed over that order (w = 1/(rank+1)^1.1: the top 6
//   hold ~40% of first skills, the bottom 50 ~6%). Vacancies use the same
//   order with a flatter law (1/(rank+2)^0.9: top 6 ~25%) because demand is
//   more spread out than the supply of a sending district.
// - Skills per worker: 0 (3%), 1 (70%), 2 (20%), 3 (7%). A 2nd/3rd skill is
//   in the same 小类 as the first 55% of the time, in the same 中类 25%, and
//   any occupation 20% (related trades: 砌筑工 + 混凝土工, 焊工 + 铆工).
//   Levels: self-declared 35%, 学徒 5%, 五级 25%, 四级 20%, 三级 10%, 二级 4%,
//   一级 1%; years 0..30 grow with the level and never exceed age - 16.
//   Skills are sorted by code, as ProfileService stores them.
// - Certificates (~25% of workers, at most 2): a SKILL_LEVEL certificate for
//   one skill held at 五级 or above (name = occupation name, its code and
//   level); special-operation permits for electricians (低压电工作业), welders
//   (熔化焊接与热切割作业), crane/forklift operators (起重机械作业) and
//   scaffolders/curtain-wall fitters (高处作业), carrying the trade's code,
//   valid 6 years, ~5% already expired. About half are verified.
// - Sex and age (output-only fields ProfileService derives from the ID
//   number and keeps in its events): female share per occupation (95% of
//   家政服务员, 5% of 砌筑工), ~22% overall because this trade mix is
//   construction-heavy (nationally about a third of migrant workers are
//   women); ages 18..65 with mean ~43.
// - Hukou: the district's 18 townships, 街道 and the big towns weighted up;
//   a household (1..4 members, numbered from blocks of 8 consecutive workers)
//   shares one township.
// - Current location: 45% away at county (75%) or township (25%) level:
//   Guangdong 32% (深圳/东莞/广州), Zhejiang 18% (杭州/宁波/金华-义乌), Chengdu
//   18%, Jiangsu 10% (苏州/无锡), Chongqing 8% (Dazhou borders it), Fujian 7%
//   (厦门/泉州), other Dazhou counties 7%; 35% in Tongchuan (a township code,
//   70% their own); 20% unknown ("").
// - Employment consistent with location: away -> 92% EMPLOYED_OUTSIDE with the
//   location as destination, else UNEMPLOYED; in Tongchuan -> EMPLOYED_LOCAL
//   40%, SELF_EMPLOYED 20%, RETURNED_HOME 25%, UNEMPLOYED 15%; unknown ->
//   no record 40%, UNEMPLOYED 25%, RETURNED_HOME 20%, SELF_EMPLOYED 15%.
// - Labor brand ~8% overall, only for trades of the brand (巴山建工: 6-29-*,
//   巴山厨师: 中式烹调师/面点师, 巴山妹子: 家政服务员/保育师/养老护理员).
// - Preferences: scope township 8%, district 20%, city 15%, province 12%,
//   anywhere 40%, listed regions 5% (1-2 city/province prefixes, usually the
//   current city); minimum wage none 30%, else 2,500-8,000 yuan from the
//   trade's pay x 0.55-0.85 (x 0.72 for local-only workers, rounded to 100
//   yuan; most fall in 3,500-5,000); available_from for ~25% within 90 days
//   (LOCAL_JOB returnees: a few days after arriving home); wanted occupations
//   = the skills' codes.
// - Return plan ~35% (62% of those away, 35% of unknown location, none of
//   those already home): arrival from Spring Festival - 17 to + 6 days
//   (2027-01-20..02-12), intent LOCAL_JOB 30% / GO_OUT_AGAIN 60% /
//   START_BUSINESS 10%, departure + 9 to + 27 days for GO_OUT_AGAIN.
// - Consent: WeChat 75% (with an openid "o" + 27 chars), SMS 45%, partner
//   sharing 30%, independently.
// - Vacancies: location 45% Tongchuan (its township 70%, else "511702"), 20%
//   other Dazhou counties, 15% Chengdu areas, 20% the workers' other
//   destinations; ~20,000 employers partitioned by those classes, a few post
//   many vacancies (index = size x u^2); 1% of employers blacklisted. Wages:
//   15% 面议 (no unit, all zero), else monthly (90%) or daily (10%, x 21.75 as
//   VacancyService normalizes) around the trade's pay x the destination's pay
//   level (Tongchuan x 0.72 … coastal x 1.05), clamped to 3,000-12,000 yuan a
//   month; 15% state a single figure (max = min: VacancyService rejects a
//   max below min, so "only a minimum" is written as one figure). Required
//   skills 1 (70%), 2 (22%), 3 (8%): the occupation plus related trades;
//   minimum level unspecified 20%, self-declared 20%, 五级 30%, 四级 20%, 三级
//   10%. Required certificates ~12%: the trade's special-operation permit
//   (60% of core trades, 30% of secondary ones) or a SKILL_LEVEL certificate
//   at the required level (15% of 四级+ requirements). Headcount 1 (30%), 2-5 (40%), 6-20 (22%),
//   21-50 (8%); remaining 1..headcount; posted in the 30 days before now, expiring 7..90 days
//   after; fairs (10 ids) on ~10% (local vacancies only); partner bureaus are the source of most
//   out-of-province vacancies.
#include "bench/match_data.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/validation.h"

namespace labor::bench {
namespace {

// ---------------------------------------------------------------------------
// Randomness: splitmix64, seeded per record.

uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Stream tags keep workers, vacancies, households and employers independent.
enum Stream : uint64_t {
  kWorkerStream = 1,
  kVacancyStream = 2,
  kHouseholdBlockStream = 3,
  kHouseholdStream = 4,
  kEmployerStream = 5,
};

class Rng {
 public:
  Rng(uint64_t seed, Stream stream, int64_t index)
      : state_(Mix64(seed ^ Mix64(static_cast<uint64_t>(stream) * 0x9e3779b97f4a7c15ULL +
                                  static_cast<uint64_t>(index) * 0xd1b54a32d192ed03ULL))) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    return Mix64(z);
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Uniform() < p; }
  // Uniform in [0, n).
  int64_t Below(int64_t n) {
    return static_cast<int64_t>(
        (static_cast<unsigned __int128>(Next()) * static_cast<uint64_t>(n)) >> 64);
  }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) { return lo + Below(hi - lo + 1); }

 private:
  uint64_t state_;
};

// Index of the bucket of `u` in a cumulative distribution ending with 1.0.
int PickCdf(const std::vector<double>& cdf, double u) {
  auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
  if (it == cdf.end()) --it;
  return static_cast<int>(it - cdf.begin());
}

// Picks from a small fixed table of weights (need not sum to 1).
template <size_t N>
int PickWeights(const double (&weights)[N], double u) {
  double total = 0;
  for (double w : weights) total += w;
  double x = u * total;
  for (size_t k = 0; k < N; ++k) {
    if (x < weights[k]) return static_cast<int>(k);
    x -= weights[k];
  }
  return static_cast<int>(N - 1);
}

std::vector<double> Normalize(std::vector<double> w) {
  double total = 0;
  for (double& x : w) {
    total += x;
    x = total;
  }
  for (double& x : w) x /= total;
  if (!w.empty()) w.back() = 1.0;
  return w;
}

constexpr char kHexDigits[] = "0123456789abcdef";

std::string Hex(absl::string_view prefix, uint64_t value, int digits) {
  std::string out(prefix);
  out.resize(prefix.size() + digits);
  for (int k = digits - 1; k >= 0; --k) {
    out[prefix.size() + k] = kHexDigits[value & 0xf];
    value >>= 4;
  }
  return out;
}

std::string Digits(Rng& rng, int n) {
  std::string out(n, '0');
  for (char& c : out) c = static_cast<char>('0' + rng.Below(10));
  return out;
}

// Calendar arithmetic on day numbers (days since 1970-01-01), after Howard
// Hinnant's civil_from_days/days_from_civil: far cheaper than absl::CivilDay
// normalization, which showed up in profiles.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

v1::Date DateOf(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  v1::Date out;
  out.set_year(static_cast<int32_t>(yoe + era * 400 + (m <= 2)));
  out.set_month(static_cast<int32_t>(m));
  out.set_day(static_cast<int32_t>(d));
  return out;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// The same day `years` later (29 February -> 28 February).
v1::Date YearsLater(const v1::Date& date, int years) {
  v1::Date out = date;
  out.set_year(date.year() + years);
  if (out.month() == 2 && out.day() == 29 && !IsLeap(out.year())) out.set_day(28);
  return out;
}

// Asia/Shanghai has been UTC+8 without daylight saving since 1991.
constexpr int64_t kShanghaiOffsetSeconds = 8 * 3600;

google::protobuf::Timestamp Ts(int64_t unix_seconds) {
  google::protobuf::Timestamp out;
  out.set_seconds(unix_seconds);
  return out;
}

// ---------------------------------------------------------------------------
// Occupations, most common among Tongchuan's workers first.

struct OccupationSpec {
  const char* code;
  int median_monthly_yuan;  // typical pay in a big coastal city
  double female_share;
};

constexpr OccupationSpec kOccupations[] = {
    {"6-29-01-01", 7500, 0.05},  // 砌筑工
    {"4-02-07-08", 7000, 0.12},  // 快递员
    {"6-29-04-01", 7500, 0.12},  // 装饰装修工
    {"6-31-01-03", 7500, 0.03},  // 电工
    {"6-18-02-04", 8000, 0.05},  // 焊工
    {"4-03-02-01", 6500, 0.25},  // 中式烹调师
    {"4-10-01-06", 6000, 0.95},  // 家政服务员
    {"6-29-01-04", 8000, 0.05},  // 钢筋工
    {"6-29-01-03", 7000, 0.08},  // 混凝土工
    {"6-05-01-03", 6000, 0.75},  // 缝纫工
    {"4-07-05-01", 4000, 0.08},  // 保安员
    {"4-09-08-01", 3500, 0.70},  // 保洁员
    {"4-02-02-02", 8000, 0.03},  // 道路货运汽车驾驶员
    {"4-10-08-01", 7000, 0.10},  // 网约配送员
    {"6-25-04-07", 5500, 0.55},  // 电子设备装接工
    {"4-03-02-05", 4500, 0.65},  // 餐厅服务员
    {"6-29-01-05", 8000, 0.03},  // 架子工
    {"6-30-05-01", 6500, 0.05},  // 起重装卸机械操作工
    {"4-02-05-01", 6000, 0.08},  // 装卸搬运工
    {"6-06-03-01", 7500, 0.04},  // 手工木工
    {"6-31-01-10", 7000, 0.05},  // 机电设备维修工
    {"4-10-01-05", 5000, 0.80},  // 养老护理员
    {"6-22-01-01", 6000, 0.25},  // 汽车生产线操作工
    {"4-02-06-02", 5500, 0.35},  // 理货员
    {"6-29-02-15", 7000, 0.05},  // 管道工
    {"6-29-02-08", 6500, 0.10},  // 防水工
    {"6-18-01-07", 7000, 0.10},  // 多工序数控机床操作调整工
    {"6-30-05-05", 9000, 0.02},  // 挖掘铲运和桩工机械司机
    {"6-30-05-02", 8500, 0.03},  // 起重工
    {"4-02-02-01", 7000, 0.05},  // 客运车辆驾驶员
    {"6-18-03-03", 6500, 0.15},  // 涂装工
    {"6-20-01-01", 6500, 0.10},  // 装配钳工
    {"4-01-02-03", 4500, 0.70},  // 商品营业员
    {"4-02-06-01", 5000, 0.35},  // 仓储管理员
    {"6-18-04-01", 6500, 0.15},  // 模具工
    {"4-03-02-02", 5500, 0.45},  // 中式面点师
    {"6-05-01-02", 6000, 0.50},  // 裁剪工
    {"4-14-01-02", 5000, 0.80},  // 医疗护理员
    {"6-29-03-02", 7500, 0.04},  // 电气设备安装工
    {"4-12-01-01", 6500, 0.05},  // 汽车维修工
    {"4-09-10-01", 4000, 0.45},  // 园林绿化工
    {"4-10-01-03", 6000, 0.95},  // 保育师
    {"6-29-04-02", 8000, 0.03},  // 建筑门窗幕墙安装工
    {"6-29-02-03", 6500, 0.06},  // 筑路工
    {"6-18-01-12", 6000, 0.15},  // 冲压工
    {"4-03-01-02", 4500, 0.80},  // 客房服务员
    {"6-31-03-05", 5500, 0.45},  // 质检员
    {"4-01-02-04", 4200, 0.85},  // 收银员
    {"6-29-03-04", 7500, 0.04},  // 管工
    {"6-29-03-01", 7500, 0.04},  // 机械设备安装工
    {"6-25-04-08", 6000, 0.30},  // 电子设备调试工
    {"6-18-01-01", 7000, 0.06},  // 车工
    {"6-05-01-04", 5500, 0.60},  // 缝纫品整型工
    {"4-10-03-02", 6000, 0.45},  // 美发师
    {"6-31-01-02", 7000, 0.05},  // 机修钳工
    {"4-10-04-02", 6000, 0.55},  // 保健按摩师
    {"6-29-01-07", 6000, 0.05},  // 乡村建设工匠
    {"6-29-03-05", 7000, 0.04},  // 制冷空调系统安装维修工
    {"6-01-04-01", 6000, 0.20},  // 畜禽屠宰加工工
    {"6-29-03-03", 8000, 0.03},  // 电梯安装维修工
    {"4-06-01-01", 5000, 0.35},  // 物业管理师
    {"6-28-01-11", 5500, 0.05},  // 锅炉操作工
    {"6-02-01-01", 5500, 0.45},  // 糕点面包烘焙师
    {"6-06-03-02", 6500, 0.10},  // 机械木工
    {"6-29-02-06", 8500, 0.01},  // 凿岩工
    {"6-29-02-07", 8500, 0.01},  // 爆破工
    {"6-16-01-05", 9000, 0.01},  // 井下采矿工
    {"6-16-01-04", 9000, 0.01},  // 矿井开掘工
    {"6-18-02-05", 6500, 0.08},  // 机械加工材料切割工
    {"6-18-01-02", 7000, 0.06},  // 铣工
    {"6-18-01-04", 6500, 0.08},  // 磨工
    {"6-18-01-11", 7500, 0.03},  // 铆工
    {"6-18-03-01", 6000, 0.20},  // 镀层工
    {"6-18-03-04", 6500, 0.10},  // 喷涂喷焊工
    {"6-18-02-01", 7000, 0.05},  // 铸造工
    {"6-24-02-04", 5500, 0.40},  // 光伏组件制造工
    {"6-24-05-02", 5500, 0.30},  // 空调器制造工
    {"6-24-05-04", 5200, 0.50},  // 小型家用电器制造工
    {"6-24-03-01", 5500, 0.25},  // 电线电缆制造工
    {"6-25-02-06", 5800, 0.50},  // 半导体分立器件和集成电路装调工
    {"6-25-04-05", 5800, 0.45},  // 智能硬件装调员
    {"6-25-04-02", 5500, 0.55},  // 通信终端设备制造工
    {"6-25-01-13", 5500, 0.40},  // 印制电路制作工
    {"6-22-02-01", 6500, 0.10},  // 汽车装调工
    {"6-22-01-02", 5500, 0.40},  // 汽车饰件制造工
    {"6-05-01-01", 7000, 0.55},  // 服装制版师
    {"6-05-04-01", 5500, 0.55},  // 制鞋工
    {"6-05-02-01", 5500, 0.45},  // 皮革及皮革制品加工工
    {"6-14-01-01", 5500, 0.20},  // 橡胶制品生产工
    {"6-15-01-02", 6000, 0.08},  // 水泥混凝土制品工
    {"6-15-01-06", 6000, 0.05},  // 预拌混凝土生产工
    {"6-15-02-01", 5500, 0.15},  // 砖瓦生产工
    {"6-15-02-03", 6500, 0.05},  // 石材生产工
    {"4-02-07-09", 5500, 0.35},  // 快件处理员
    {"4-02-07-02", 5000, 0.40},  // 邮件分拣员
    {"4-02-06-03", 5500, 0.30},  // 物流服务师
    {"4-02-06-04", 5500, 0.20},  // 冷藏工
    {"4-10-02-02", 4500, 0.60},  // 洗衣师
    {"4-10-03-01", 5500, 0.90},  // 美容师
    {"4-10-03-05", 6000, 0.40},  // 修脚师
    {"4-10-08-02", 6000, 0.03},  // 汽车代驾员
    {"4-06-01-03", 3800, 0.20},  // 停车管理员
    {"4-07-05-02", 4500, 0.40},  // 安检员
    {"4-07-05-03", 5000, 0.20},  // 消防设施操作员
    {"4-09-08-02", 4500, 0.15},  // 生活垃圾清运工
    {"4-09-07-01", 5000, 0.15},  // 污水处理工
    {"4-03-02-10", 4500, 0.70},  // 调饮师
    {"4-03-02-04", 6000, 0.55},  // 西式面点师
    {"4-03-01-01", 4500, 0.80},  // 前厅服务员
    {"4-01-02-01", 6000, 0.45},  // 营销员
    {"4-01-06-02", 6500, 0.55},  // 互联网营销师
    {"4-12-03-01", 6500, 0.05},  // 家用电器产品维修工
    {"4-12-04-01", 5500, 0.05},  // 自行车与电动自行车维修工
    {"4-12-02-01", 6000, 0.15},  // 计算机维修工
    {"4-12-04-05", 6500, 0.05},  // 燃气具安装维修工
    {"4-14-01-03", 5500, 0.85},  // 健康照护师
    {"5-01-02-01", 3500, 0.45},  // 农艺工
    {"5-01-02-03", 3800, 0.45},  // 食用菌生产工
    {"5-03-02-01", 4500, 0.30},  // 家畜饲养员
    {"5-03-02-02", 4500, 0.35},  // 家禽饲养员
    {"5-01-02-05", 3800, 0.40},  // 中药材种植员
    {"5-05-05-01", 5500, 0.05},  // 农机驾驶操作员
    {"6-02-06-03", 5000, 0.20},  // 白酒酿造工
    {"6-02-06-10", 4500, 0.50},  // 茶叶加工工
    {"6-01-04-03", 5000, 0.40},  // 肉制品加工工
    {"6-02-03-02", 5000, 0.50},  // 冷冻食品制作工
    {"6-01-07-03", 4800, 0.40},  // 豆制品制作工
    {"6-29-02-04", 5500, 0.10},  // 公路养护工
    {"6-29-02-05", 8000, 0.03},  // 桥隧工
    {"6-29-02-12", 8000, 0.02},  // 送配电线路工
    {"6-29-02-11", 7500, 0.03},  // 电力电缆安装运维工
    {"6-29-01-02", 7000, 0.03},  // 石工
    {"6-29-01-06", 7500, 0.05},  // 装配式建筑施工员
    {"6-29-04-03", 7000, 0.05},  // 照明工程施工员
    {"6-29-03-08", 7500, 0.04},  // 电力电气设备安装工
    {"6-28-03-03", 5500, 0.15},  // 工业废水处理工
    {"6-28-01-14", 6000, 0.15},  // 变配电运行值班员
    {"6-31-01-09", 7500, 0.03},  // 工程机械维修工
    {"6-31-01-07", 6500, 0.05},  // 电机检修工
    {"6-31-01-01", 6500, 0.10},  // 设备点检员
    {"6-31-07-03", 6500, 0.20},  // 工业机器人系统操作员
    {"6-18-04-06", 7000, 0.05},  // 工具钳工
    {"6-18-01-06", 6000, 0.10},  // 钻床工
    {"6-18-02-03", 6500, 0.08},  // 金属热处理工
    {"6-20-03-01", 7000, 0.05},  // 机床装调维修工
    {"6-20-05-07", 6000, 0.15},  // 制冷空调设备装配工
    {"6-24-02-02", 6000, 0.20},  // 高低压电器及成套设备装配工
    {"6-21-01-02", 6500, 0.10},  // 工程机械装配调试工
    {"6-26-01-01", 6000, 0.30},  // 仪器仪表制造工
    {"4-02-02-08", 4500, 0.35},  // 油气电站操作员
    {"4-02-05-04", 7000, 0.03},  // 危险货物运输作业员
    {"4-02-02-03", 4500, 0.70},  // 道路客运服务员
    {"4-12-01-02", 5500, 0.03},  // 摩托车修理工
    {"6-23-02-01", 7500, 0.03},  // 金属船体制造工
    {"4-09-08-03", 4500, 0.15},  // 生活垃圾处理工
    {"6-06-02-01", 5500, 0.20},  // 胶合板工
    {"6-05-01-05", 5500, 0.40},  // 服装水洗工
    {"4-10-02-01", 5000, 0.75},  // 裁缝
    {"6-02-03-01", 4800, 0.55},  // 米面主食制作工
};

// Special-operation permits (特种作业操作证 / 特种设备作业人员证).
struct PermitSpec {
  const char* name;
  const char* issuer;
};
constexpr PermitSpec kPermits[] = {
    {"低压电工作业", "四川省应急管理厅"},
    {"熔化焊接与热切割作业", "四川省应急管理厅"},
    {"起重机械作业", "四川省市场监督管理局"},
    {"高处作业", "四川省应急管理厅"},
};
struct TradePermit {
  const char* code;
  int permit;
  bool core;  // the trade's own licence (needed for nearly every job of it)
};
constexpr TradePermit kTradePermits[] = {
    {"6-31-01-03", 0, true},  {"6-29-03-02", 0, false}, {"6-29-03-08", 0, false},
    {"6-31-01-10", 0, false}, {"6-18-02-04", 1, true},  {"6-30-05-01", 2, true},
    {"6-30-05-02", 2, true},  {"6-29-01-05", 3, true},  {"6-29-04-02", 3, false},
};

constexpr const char* kSkillCertIssuers[] = {
    "达州市职业技能鉴定指导中心", "通川区人力资源和社会保障局", "四川省职业技能鉴定指导中心"};

// ---------------------------------------------------------------------------
// Places.

enum RegionClass {
  kTongchuan = 0,
  kDazhou = 1,
  kChengdu = 2,
  kGuangdong = 3,
  kZhejiang = 4,
  kJiangsu = 5,
  kFujian = 6,
  kChongqing = 7,
  kNumClasses = 8,
};

// Share of away workers by class, and of vacancies (Tongchuan first).
constexpr double kWorkerClassWeights[kNumClasses] = {0, 0.07, 0.18, 0.32, 0.18, 0.10, 0.07, 0.08};
constexpr double kVacancyClassWeights[kNumClasses] = {0.45, 0.20, 0.15, 0.08,
                                                      0.05, 0.03, 0.02, 0.02};
// Pay level relative to the coastal cities' trade medians.
constexpr double kWageFactor[kNumClasses] = {0.72, 0.75, 0.9, 1.05, 1.05, 1.05, 0.95, 0.88};

struct AreaSpec {
  const char* code;
  int region_class;
  double weight;  // within its class
};
constexpr AreaSpec kAreas[] = {
    // 达州 (other counties)
    {"511703", kDazhou, 3},
    {"511722", kDazhou, 1},
    {"511724", kDazhou, 1},
    {"511725", kDazhou, 1},
    {"511723", kDazhou, 0.7},
    {"511781", kDazhou, 0.5},
    // 成都
    {"510116", kChengdu, 1.5},
    {"510112", kChengdu, 1.5},
    {"510114", kChengdu, 1.2},
    {"510117", kChengdu, 1},
    {"510107", kChengdu, 1},
    {"510106", kChengdu, 1},
    {"510108", kChengdu, 1},
    {"510104", kChengdu, 0.6},
    {"510105", kChengdu, 0.6},
    {"510115", kChengdu, 0.8},
    {"510113", kChengdu, 0.6},
    // 深圳, 东莞, 广州
    {"440306", kGuangdong, 3},
    {"440307", kGuangdong, 3},
    {"440309", kGuangdong, 2},
    {"440311", kGuangdong, 1},
    {"440310", kGuangdong, 0.7},
    {"440305", kGuangdong, 0.8},
    {"440304", kGuangdong, 0.5},
    {"440303", kGuangdong, 0.4},
    {"441900", kGuangdong, 8},
    {"440111", kGuangdong, 1.5},
    {"440113", kGuangdong, 1.2},
    {"440114", kGuangdong, 1},
    {"440118", kGuangdong, 0.8},
    {"440106", kGuangdong, 0.8},
    {"440112", kGuangdong, 0.7},
    {"440105", kGuangdong, 0.6},
    // 杭州, 宁波, 金华
    {"330110", kZhejiang, 1},
    {"330109", kZhejiang, 1.2},
    {"330113", kZhejiang, 0.6},
    {"330106", kZhejiang, 0.4},
    {"330108", kZhejiang, 0.4},
    {"330114", kZhejiang, 0.6},
    {"330212", kZhejiang, 1},
    {"330206", kZhejiang, 0.8},
    {"330282", kZhejiang, 0.8},
    {"330281", kZhejiang, 0.6},
    {"330782", kZhejiang, 2},
    {"330784", kZhejiang, 1},
    {"330783", kZhejiang, 0.6},
    // 苏州, 无锡
    {"320583", kJiangsu, 3},
    {"320506", kJiangsu, 1},
    {"320505", kJiangsu, 1},
    {"320509", kJiangsu, 1},
    {"320581", kJiangsu, 1},
    {"320582", kJiangsu, 0.8},
    {"320214", kJiangsu, 1},
    {"320281", kJiangsu, 0.8},
    // 厦门, 泉州
    {"350582", kFujian, 2},
    {"350581", kFujian, 1},
    {"350583", kFujian, 1},
    {"350206", kFujian, 1},
    {"350211", kFujian, 1},
    {"350212", kFujian, 0.6},
    // 重庆
    {"500112", kChongqing, 1.5},
    {"500105", kChongqing, 1},
    {"500106", kChongqing, 1},
    {"500107", kChongqing, 1.2},
    {"500108", kChongqing, 1},
    {"500113", kChongqing, 0.8},
    {"500103", kChongqing, 0.5},
};

// Prefixes a LISTED_REGIONS worker names.
constexpr const char* kListedPrefixes[] = {"4403", "4419", "4401", "44",   "3301", "3302", "3307",
                                           "33",   "3205", "32",   "5101", "51",   "5117", "50"};

// Employers: ids 0..kEmployers-1, partitioned by class so an employer's
// vacancies stay in one place.
constexpr int64_t kEmployers = 20000;
constexpr int64_t kEmployerClassStart[] = {0, 9000, 13000, 16000, kEmployers};

constexpr const char* kEmployerWords[] = {"鑫达", "川东", "巴山", "恒信", "宏达", "佳美", "锦程",
                                          "盛世", "永安", "隆兴", "华建", "通达", "瑞丰", "顺发",
                                          "安居", "博远", "新城", "德润", "金桥", "天成"};
constexpr const char* kEmployerSuffixes[] = {
    "建筑劳务有限公司", "实业有限公司",     "电子科技有限公司", "物流有限公司",
    "餐饮管理有限公司", "家政服务有限公司", "制衣有限公司",     "物业服务有限公司"};
constexpr const char* kWorkingHours[] = {"",       "",       "",         "8小时/天，月休4天",
                                         "长白班", "两班倒", "做六休一", "按项目工期"};
constexpr char kCreditAlphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

constexpr const char* kOpenIdAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Spring Festival (正月初一) dates.
constexpr int kSpringFestivals[][3] = {{2025, 1, 29}, {2026, 2, 17}, {2027, 2, 6},  {2028, 1, 26},
                                       {2029, 2, 13}, {2030, 2, 3},  {2031, 1, 23}, {2032, 2, 11}};

v1::SkillLevel WorkerLevel(double u) {
  static constexpr double kWeights[] = {35, 5, 25, 20, 10, 4, 1};
  return static_cast<v1::SkillLevel>(v1::SKILL_LEVEL_SELF_DECLARED + PickWeights(kWeights, u));
}

v1::SkillLevel RequiredLevel(double u) {
  static constexpr double kWeights[] = {20, 20, 30, 20, 10};
  static constexpr v1::SkillLevel kLevels[] = {
      v1::SKILL_LEVEL_UNSPECIFIED, v1::SKILL_LEVEL_SELF_DECLARED, v1::SKILL_LEVEL_5_ELEMENTARY,
      v1::SKILL_LEVEL_4_INTERMEDIATE, v1::SKILL_LEVEL_3_ADVANCED};
  return kLevels[PickWeights(kWeights, u)];
}

// Years of experience for a level: higher levels take longer.
int YearsFor(v1::SkillLevel level, Rng& rng) {
  switch (level) {
    case v1::SKILL_LEVEL_APPRENTICE:
      return static_cast<int>(rng.Between(0, 3));
    case v1::SKILL_LEVEL_5_ELEMENTARY:
      return static_cast<int>(rng.Between(1, 15));
    case v1::SKILL_LEVEL_4_INTERMEDIATE:
      return static_cast<int>(rng.Between(3, 20));
    case v1::SKILL_LEVEL_3_ADVANCED:
      return static_cast<int>(rng.Between(5, 25));
    case v1::SKILL_LEVEL_2_TECHNICIAN:
      return static_cast<int>(rng.Between(8, 30));
    case v1::SKILL_LEVEL_1_SENIOR_TECHNICIAN:
      return static_cast<int>(rng.Between(12, 30));
    default:
      // Self-declared: skewed towards a few years.
      return static_cast<int>(16 * rng.Uniform() * rng.Uniform() + 0.5);
  }
}

int64_t RoundTo(double x, int64_t step) {
  return static_cast<int64_t>(std::llround(x / static_cast<double>(step))) * step;
}

}  // namespace

CityDataGenerator::CityDataGenerator(const OccupationTaxonomy* occupations,
                                     const RegionRegistry* regions, CityDataOptions options)
    : occupations_(occupations), regions_(regions), options_(options) {
  LABOR_CHECK(occupations_ != nullptr && regions_ != nullptr);
  const absl::CivilDay today = absl::ToCivilDay(options_.now, ShanghaiTime());
  today_ = DaysFromCivil(today.year(), today.month(), today.day());

  // Occupations, their popularity and related trades.
  std::vector<double> supply, demand;
  int rank = 0;
  for (const OccupationSpec& spec : kOccupations) {
    const Occupation* o = occupations_->Find(spec.code);
    LABOR_CHECK(o != nullptr && o->level == 4) << "not a level-4 occupation: " << spec.code;
    for (const auto& e : entries_)
      LABOR_CHECK(e.code != spec.code) << "listed twice: " << spec.code;
    OccupationEntry e;
    e.code = spec.code;
    e.name = o->name;
    e.median_monthly_yuan = spec.median_monthly_yuan;
    e.female_share = spec.female_share;
    for (const TradePermit& tp : kTradePermits) {
      if (e.code == tp.code) {
        e.permit = tp.permit;
        e.core_permit = tp.core;
      }
    }
    if (absl::StartsWith(e.code, "6-29-")) e.brand = v1::LABOR_BRAND_BASHAN_JIANGONG;
    if (e.code == "4-03-02-01" || e.code == "4-03-02-02") e.brand = v1::LABOR_BRAND_BASHAN_CHUSHI;
    if (e.code == "4-10-01-06" || e.code == "4-10-01-03" || e.code == "4-10-01-05") {
      e.brand = v1::LABOR_BRAND_BASHAN_MEIZI;
    }
    ++rank;
    supply.push_back(1.0 / std::pow(rank + 1.0, 1.1));
    demand.push_back(1.0 / std::pow(rank + 2.0, 0.9));
    occupation_codes_.push_back(e.code);
    entries_.push_back(std::move(e));
  }
  occupation_cdf_ = Normalize(supply);
  vacancy_occupation_cdf_ = Normalize(demand);
  double supply_total = 0, branded = 0;
  for (size_t j = 0; j < entries_.size(); ++j) {
    supply_total += supply[j];
    if (entries_[j].brand != 0) branded += supply[j];
    for (size_t k = 0; k < entries_.size(); ++k) {
      if (k == j) continue;
      const std::string& a = entries_[j].code;
      const std::string& b = entries_[k].code;
      int group = -1;
      if (a.compare(0, 7, b, 0, 7) == 0) {
        group = 0;  // same 小类 "6-29-01"
      } else if (a.compare(0, 4, b, 0, 4) == 0) {
        group = 1;  // same 中类 "6-29"
      }
      if (group < 0) continue;
      entries_[j].same_group[group].push_back(static_cast<int>(k));
      entries_[j].same_group_supply_cdf[group].push_back(supply[k]);
      entries_[j].same_group_demand_cdf[group].push_back(demand[k]);
    }
    for (int g = 0; g < 2; ++g) {
      entries_[j].same_group_supply_cdf[g] = Normalize(entries_[j].same_group_supply_cdf[g]);
      entries_[j].same_group_demand_cdf[g] = Normalize(entries_[j].same_group_demand_cdf[g]);
    }
  }
  // 8% of all workers carry a brand; 97% have a first skill.
  brand_probability_ = std::min(1.0, 0.08 / (0.97 * branded / supply_total));

  // Townships of Tongchuan: 街道 (urban, 0xx) and the big towns are larger.
  townships_ = regions_->StreetsOf(kTongchuanArea);
  LABOR_CHECK(!townships_.empty()) << "no townships under " << kTongchuanArea;
  std::vector<double> township_weights;
  for (const std::string& t : townships_) {
    const int n = std::stoi(t.substr(6));
    double w = n < 100 ? 1.6 : (n < 200 ? 1.0 : 0.6);
    if (n == 102 || n == 103 || n == 104) w = 1.4;  // 罗江镇, 蒲家镇, 复兴镇
    township_weights.push_back(w);
  }
  township_cdf_ = Normalize(township_weights);

  // Destinations outside the district.
  double class_totals[kNumClasses] = {};
  for (const AreaSpec& a : kAreas) class_totals[a.region_class] += a.weight;
  std::vector<double> destination_weights;
  std::vector<double> class_weights[kNumClasses];
  for (const AreaSpec& a : kAreas) {
    LABOR_CHECK(regions_->LevelOf(a.code) == RegionLevel::kArea) << "not an area: " << a.code;
    Place p;
    p.code = a.code;
    p.region_class = a.region_class;
    p.wage_factor = kWageFactor[a.region_class];
    p.streets = regions_->StreetsOf(a.code);
    LABOR_CHECK(!p.streets.empty()) << "no streets under " << a.code;
    const int index = static_cast<int>(places_.size());
    places_.push_back(std::move(p));
    destinations_.push_back(a.code);
    destination_weights.push_back(kWorkerClassWeights[a.region_class] * a.weight /
                                  class_totals[a.region_class]);
    places_by_class_[a.region_class].push_back(index);
    class_weights[a.region_class].push_back(a.weight);
  }
  destination_cdf_ = Normalize(destination_weights);
  for (int c = 0; c < kNumClasses; ++c) place_cdf_by_class_[c] = Normalize(class_weights[c]);
  employers_.reserve(kEmployers);
  for (int64_t e = 0; e < kEmployers; ++e) employers_.push_back(EmployerOf(e));

  // The next Spring Festival whose return window (from 17 days before) is
  // still ahead.
  spring_festival_ = -1;
  for (const auto& d : kSpringFestivals) {
    const int64_t day = DaysFromCivil(d[0], d[1], d[2]);
    if (day - 17 > today_) {
      spring_festival_ = day;
      break;
    }
    last_spring_festival_ = day;
  }
  LABOR_CHECK(spring_festival_ > 0 && last_spring_festival_ > 0)
      << "no Spring Festival dates around options.now";
}

int CityDataGenerator::PickOccupation(const std::vector<double>& cdf, double u) const {
  return PickCdf(cdf, u);
}

// A related trade of `occupation`: same 小类 55%, same 中类 25%, otherwise
// any (by popularity); never `occupation` itself (-1 if that happens).
int CityDataGenerator::PickRelated(int occupation, bool demand, uint64_t bits, double u) const {
  const OccupationEntry& e = entries_[occupation];
  const double branch = static_cast<double>(bits >> 11) * 0x1.0p-53;
  int group = branch < 0.55 ? 0 : (branch < 0.80 ? 1 : 2);
  if (group == 0 && e.same_group[0].empty()) group = 1;
  if (group == 1 && e.same_group[1].empty()) group = e.same_group[0].empty() ? 2 : 0;
  int picked;
  if (group == 2) {
    picked = PickCdf(demand ? vacancy_occupation_cdf_ : occupation_cdf_, u);
  } else {
    const auto& cdf = demand ? e.same_group_demand_cdf[group] : e.same_group_supply_cdf[group];
    picked = e.same_group[group][PickCdf(cdf, u)];
  }
  return picked == occupation ? -1 : picked;
}

CityDataGenerator::Employer CityDataGenerator::EmployerOf(int64_t e) const {
  Rng rng(options_.seed, kEmployerStream, e);
  Employer out;
  out.id = Hex("e_", static_cast<uint64_t>(e), 10);
  int region_class = kTongchuan;
  if (e >= kEmployerClassStart[3]) {
    // Other provinces: by the vacancies' weights among them.
    static constexpr double kOther[] = {kVacancyClassWeights[3], kVacancyClassWeights[4],
                                        kVacancyClassWeights[5], kVacancyClassWeights[6],
                                        kVacancyClassWeights[7]};
    region_class = kGuangdong + PickWeights(kOther, rng.Uniform());
  } else if (e >= kEmployerClassStart[2]) {
    region_class = kChengdu;
  } else if (e >= kEmployerClassStart[1]) {
    region_class = kDazhou;
  }
  std::string area;
  if (region_class == kTongchuan) {
    out.place = -1;
    out.township = townships_[PickCdf(township_cdf_, rng.Uniform())];
    area = std::string(kTongchuanArea);
  } else {
    const auto& members = places_by_class_[region_class];
    out.place = members[PickCdf(place_cdf_by_class_[region_class], rng.Uniform())];
    area = places_[out.place].code;
  }
  out.blacklisted = rng.Chance(0.01);
  // Unified social credit code: 9 (工商) 1 (企业), the area, an 9-character
  // organization code, and the GB 32100 check character.
  std::string code = absl::StrCat("91", area);
  for (int k = 0; k < 9; ++k) code.push_back(kCreditAlphabet[rng.Below(31)]);
  code.push_back(CreditCodeCheckChar(code));
  out.credit_code = std::move(code);
  out.name =
      absl::StrCat(regions_->Name(area), kEmployerWords[rng.Below(std::size(kEmployerWords))],
                   kEmployerSuffixes[rng.Below(std::size(kEmployerSuffixes))]);
  return out;
}

v1::Worker CityDataGenerator::Worker(int64_t i) const {
  v1::Worker w;
  FillWorker(i, &w);
  return w;
}

v1::Vacancy CityDataGenerator::Vacancy(int64_t i) const {
  v1::Vacancy v;
  FillVacancy(i, &v);
  return v;
}

void CityDataGenerator::FillWorker(int64_t i, v1::Worker* out) const {
  Rng rng(options_.seed, kWorkerStream, i);
  out->Clear();
  v1::Worker& w = *out;
  w.set_worker_id(Hex("w_", static_cast<uint64_t>(i), 12));
  w.set_version(1);
  w.set_pii_masked(true);
  const int64_t now = absl::ToUnixSeconds(options_.now);

  // Household: blocks of 8 consecutive workers split into households of 1..4.
  {
    const int64_t block = i / 8;
    const int offset = static_cast<int>(i % 8);
    Rng block_rng(options_.seed, kHouseholdBlockStream, block);
    int start = 0, pos = 0;
    while (pos < 8) {
      static constexpr double kSizes[] = {20, 35, 30, 15};
      int size = 1 + PickWeights(kSizes, block_rng.Uniform());
      if (pos <= offset) start = pos;
      pos += size;
    }
    const int64_t household = block * 8 + start;
    Rng household_rng(options_.seed, kHouseholdStream, household);
    const std::string& township = townships_[PickCdf(township_cdf_, household_rng.Uniform())];
    w.set_hukou_township(township);
    w.set_household_id(absl::StrCat(township, "-", household));
  }

  // Skills.
  static constexpr double kSkillCounts[] = {3, 70, 20, 7};
  const int skill_count = PickWeights(kSkillCounts, rng.Uniform());
  int skills[3] = {-1, -1, -1};
  int n_skills = 0;
  if (skill_count > 0) {
    skills[n_skills++] = PickOccupation(occupation_cdf_, rng.Uniform());
    // A few attempts per extra skill: small 小类 run out of distinct trades.
    for (int attempt = 0; attempt < 4 * skill_count && n_skills < skill_count; ++attempt) {
      const uint64_t bits = rng.Next();
      const int related = PickRelated(skills[0], /*demand=*/false, bits, rng.Uniform());
      if (related < 0 || std::find(skills, skills + n_skills, related) != skills + n_skills)
        continue;
      skills[n_skills++] = related;
    }
  }
  const int primary = n_skills > 0 ? skills[0] : -1;

  // Sex and age.
  const double female_share = primary >= 0 ? entries_[primary].female_share : 0.35;
  w.set_gender(rng.Chance(female_share) ? v1::GENDER_FEMALE : v1::GENDER_MALE);
  static constexpr double kAgeBuckets[] = {2, 17, 24, 25, 27, 5};
  static constexpr int kAgeLow[] = {18, 21, 31, 41, 51, 61};
  static constexpr int kAgeHigh[] = {20, 30, 40, 50, 60, 65};
  const int bucket = PickWeights(kAgeBuckets, rng.Uniform());
  const int age = static_cast<int>(rng.Between(kAgeLow[bucket], kAgeHigh[bucket]));
  *w.mutable_birth_date() = DateOf(today_ - (age * 365 + age / 4) - rng.Below(365));

  for (int k = 0; k < n_skills; ++k) {
    v1::Skill* s = w.add_skills();
    s->set_occupation_code(entries_[skills[k]].code);
    const v1::SkillLevel level = WorkerLevel(rng.Uniform());
    s->set_level(level);
    s->set_years(std::min({YearsFor(level, rng), 30, age - 16}));
  }

  // Certificates: permits of the trades, then one skill-level certificate.
  const int64_t six_years_ago = today_ - (6 * 365 + 1);
  int permits_added = 0;
  for (int k = 0; k < n_skills && w.certificates_size() < 2; ++k) {
    const OccupationEntry& e = entries_[skills[k]];
    if (e.permit < 0 || (permits_added & (1 << e.permit))) continue;
    if (!rng.Chance(e.core_permit ? 0.55 : 0.30)) continue;
    permits_added |= 1 << e.permit;
    v1::Certificate* c = w.add_certificates();
    c->set_kind(v1::CERTIFICATE_KIND_SPECIAL_OPERATION);
    c->set_name(kPermits[e.permit].name);
    c->set_occupation_code(e.code);
    c->set_number(absl::StrCat("T5117", Digits(rng, 13)));
    c->set_issuer(kPermits[e.permit].issuer);
    const int64_t issued =
        rng.Chance(0.05) ? six_years_ago - rng.Between(1, 700) : today_ - rng.Between(20, 6 * 365);
    *c->mutable_issued_on() = DateOf(issued);
    *c->mutable_expires_on() = YearsLater(c->issued_on(), 6);  // valid six years
    c->set_verified(rng.Chance(0.5));
  }
  if (w.certificates_size() < 2 && rng.Chance(0.29)) {
    for (int k = 0; k < w.skills_size(); ++k) {
      const v1::Skill& s = w.skills(k);
      if (s.level() < v1::SKILL_LEVEL_5_ELEMENTARY) continue;
      v1::Certificate* c = w.add_certificates();
      c->set_kind(v1::CERTIFICATE_KIND_SKILL_LEVEL);
      c->set_name(entries_[skills[k]].name);
      c->set_occupation_code(s.occupation_code());
      c->set_level(s.level());
      c->set_number(absl::StrCat("S000051170", Digits(rng, 12)));
      c->set_issuer(kSkillCertIssuers[rng.Below(std::size(kSkillCertIssuers))]);
      *c->mutable_issued_on() = DateOf(today_ - rng.Between(30, 12 * 365));
      c->set_verified(rng.Chance(0.5));
      break;
    }
  }

  // Labor brand: only for the brand's trades.
  if (primary >= 0 && entries_[primary].brand != 0 && rng.Chance(brand_probability_)) {
    w.set_labor_brand(static_cast<v1::LaborBrand>(entries_[primary].brand));
  }

  // Where the worker is, and the employment status that goes with it.
  const double where = rng.Uniform();
  enum {
    kAway,
    kHome,
    kUnknown
  } location_class = where < 0.45   ? kAway
                     : where < 0.80 ? kHome
                                    : kUnknown;
  int away_place = -1;
  if (location_class == kAway) {
    away_place = PickCdf(destination_cdf_, rng.Uniform());
    const Place& p = places_[away_place];
    if (rng.Chance(0.25)) {
      w.set_current_location(p.streets[rng.Below(static_cast<int64_t>(p.streets.size()))]);
    } else {
      w.set_current_location(p.code);
    }
  } else if (location_class == kHome) {
    w.set_current_location(rng.Chance(0.7) ? w.hukou_township()
                                           : townships_[PickCdf(township_cdf_, rng.Uniform())]);
  }
  v1::EmploymentStatus status = v1::EMPLOYMENT_STATUS_UNSPECIFIED;
  const double s = rng.Uniform();
  switch (location_class) {
    case kAway:
      status = s < 0.92 ? v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE : v1::EMPLOYMENT_STATUS_UNEMPLOYED;
      break;
    case kHome:
      status = s < 0.40   ? v1::EMPLOYMENT_STATUS_EMPLOYED_LOCAL
               : s < 0.60 ? v1::EMPLOYMENT_STATUS_SELF_EMPLOYED
               : s < 0.85 ? v1::EMPLOYMENT_STATUS_RETURNED_HOME
                          : v1::EMPLOYMENT_STATUS_UNEMPLOYED;
      break;
    case kUnknown:
      status = s < 0.40   ? v1::EMPLOYMENT_STATUS_UNSPECIFIED
               : s < 0.65 ? v1::EMPLOYMENT_STATUS_UNEMPLOYED
               : s < 0.85 ? v1::EMPLOYMENT_STATUS_RETURNED_HOME
                          : v1::EMPLOYMENT_STATUS_SELF_EMPLOYED;
      break;
  }

  // Record times.
  const int64_t created = now - 86400 * rng.Between(1, 3 * 365) - rng.Below(86400);
  const int64_t updated = created + rng.Below(now - created + 1);
  *w.mutable_created_at() = Ts(created);
  *w.mutable_updated_at() = Ts(updated);
  if (rng.Chance(0.75)) {
    const int64_t verified = now - 86400 * rng.Between(0, 150) - rng.Below(86400);
    *w.mutable_last_verified_at() = Ts(std::max(verified, created));
  }

  if (status != v1::EMPLOYMENT_STATUS_UNSPECIFIED) {
    v1::EmploymentRecord* r = w.mutable_employment();
    r->set_status(status);
    int64_t effective;
    switch (status) {
      case v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE: {
        r->set_destination_region(w.current_location());
        // Half left right after last Spring Festival.
        effective = rng.Chance(0.5) ? last_spring_festival_ + rng.Between(6, 30)
                                    : today_ - rng.Between(1, 2 * 365);
        if (rng.Chance(0.6)) r->set_registration(v1::REGISTRATION_KIND_EMPLOYMENT);
        break;
      }
      case v1::EMPLOYMENT_STATUS_EMPLOYED_LOCAL:
        r->set_destination_region(w.current_location());
        effective = today_ - rng.Between(1, 3 * 365);
        if (rng.Chance(0.6)) r->set_registration(v1::REGISTRATION_KIND_EMPLOYMENT);
        break;
      case v1::EMPLOYMENT_STATUS_SELF_EMPLOYED:
        effective = today_ - rng.Between(1, 3 * 365);
        if (rng.Chance(0.4)) r->set_registration(v1::REGISTRATION_KIND_EMPLOYMENT);
        break;
      case v1::EMPLOYMENT_STATUS_RETURNED_HOME:
        effective = today_ - rng.Between(1, 90);
        break;
      default:  // UNEMPLOYED
        effective = today_ - rng.Between(1, 365);
        if (rng.Chance(0.2)) {
          r->set_registration(v1::REGISTRATION_KIND_UNEMPLOYMENT);
          *r->mutable_urban_residence_since() = DateOf(effective - rng.Between(200, 5 * 365));
        }
        break;
    }
    if (effective > today_) effective = today_;
    *r->mutable_effective_date() = DateOf(effective);
    *r->mutable_recorded_at() = Ts(std::min(
        now, effective * 86400 - kShanghaiOffsetSeconds + rng.Between(8 * 3600, 18 * 3600)));
    static constexpr const char* kRoles[] = {"kiosk", "kiosk", "kiosk", "wechat", "admin"};
    r->mutable_recorded_by()->set_role(kRoles[rng.Below(5)]);
    *w.add_employment_history() = *r;
  }

  // Return plan around the next Spring Festival.
  // Those at home already are home; those away mostly plan to come back.
  const double plan_share =
      location_class == kAway ? 0.62 : (location_class == kUnknown ? 0.35 : 0.0);
  int64_t available_from = 0;
  bool has_available_from = false;
  if (rng.Chance(plan_share)) {
    v1::ReturnPlan* plan = w.mutable_return_plan();
    const int64_t arrives = spring_festival_ + rng.Between(-17, 6);
    *plan->mutable_planned_return() = DateOf(arrives);
    static constexpr double kIntents[] = {30, 60, 10};
    const int intent = PickWeights(kIntents, rng.Uniform());
    plan->set_intent(static_cast<v1::ReturnIntent>(v1::RETURN_INTENT_LOCAL_JOB + intent));
    if (plan->intent() == v1::RETURN_INTENT_GO_OUT_AGAIN) {
      *plan->mutable_planned_departure() = DateOf(spring_festival_ + rng.Between(9, 27));
    }
    if (plan->intent() == v1::RETURN_INTENT_LOCAL_JOB) {
      available_from = std::min(arrives + rng.Between(0, 10), today_ + 90);
      has_available_from = true;
    }
  }
  if (!has_available_from && rng.Chance(0.165)) {
    available_from = today_ + rng.Between(1, 90);
    has_available_from = true;
  }

  // Preferences: the wanted occupations are the skills, the first-drawn
  // (main) one first.
  v1::Preferences* prefs = w.mutable_preferences();
  for (int k = 0; k < w.skills_size(); ++k)
    prefs->add_wanted_occupations(w.skills(k).occupation_code());
  static constexpr double kScopes[] = {8, 20, 15, 12, 40, 5};
  const auto scope = static_cast<v1::LocationScope>(v1::LOCATION_SCOPE_TOWNSHIP +
                                                    PickWeights(kScopes, rng.Uniform()));
  prefs->set_location_scope(scope);
  if (scope == v1::LOCATION_SCOPE_LISTED_REGIONS) {
    std::string first = away_place >= 0 && rng.Chance(0.6)
                            ? places_[away_place].code.substr(0, 4)
                            : kListedPrefixes[rng.Below(std::size(kListedPrefixes))];
    prefs->add_accepted_regions(first);
    if (rng.Chance(0.4)) {
      std::string second = kListedPrefixes[rng.Below(std::size(kListedPrefixes))];
      if (second != first) prefs->add_accepted_regions(second);
    }
  }
  if (!rng.Chance(0.30)) {
    double base = primary >= 0 ? entries_[primary].median_monthly_yuan : 5000;
    if (scope <= v1::LOCATION_SCOPE_CITY)
      base *= 0.72;
    else if (scope == v1::LOCATION_SCOPE_PROVINCE)
      base *= 0.85;
    const double factor = 0.55 + 0.30 * (rng.Uniform() + rng.Uniform()) / 2;
    const double yuan = std::clamp(base * factor, 2500.0, 8000.0);
    const int64_t rounded = rng.Chance(0.5) ? RoundTo(yuan, 500) : RoundTo(yuan, 100);
    prefs->mutable_minimum_monthly_wage()->set_fen(std::clamp<int64_t>(rounded, 2500, 8000) * 100);
  }
  if (has_available_from) *prefs->mutable_available_from() = DateOf(available_from);

  // Consent.
  v1::Consent* consent = w.mutable_consent();
  consent->set_wechat(rng.Chance(0.75));
  consent->set_sms(rng.Chance(0.45));
  consent->set_partner_sharing(rng.Chance(0.30));
  *consent->mutable_updated_at() = Ts(created);
  if (consent->wechat()) {
    std::string openid(28, 'o');
    uint64_t bits = 0;
    for (int k = 1; k < 28; ++k) {
      if ((k - 1) % 10 == 0) bits = rng.Next();
      openid[k] = kOpenIdAlphabet[bits & 63];
      bits >>= 6;
    }
    w.set_wechat_openid(std::move(openid));
  }

  // ProfileService keeps skills sorted by code.
  std::sort(w.mutable_skills()->begin(), w.mutable_skills()->end(),
            [](const v1::Skill& a, const v1::Skill& b) {
              return a.occupation_code() < b.occupation_code();
            });
}

void CityDataGenerator::FillVacancy(int64_t i, v1::Vacancy* out) const {
  Rng rng(options_.seed, kVacancyStream, i);
  out->Clear();
  v1::Vacancy& v = *out;
  v.set_vacancy_id(Hex("v_", static_cast<uint64_t>(i), 12));
  v.set_version(1);
  v.set_status(v1::VACANCY_STATUS_OPEN);
  const int64_t now = absl::ToUnixSeconds(options_.now);

  // Where: the class, then an employer of that class (a few post a lot).
  const int region_class = PickWeights(kVacancyClassWeights, rng.Uniform());
  const int group = region_class >= kGuangdong ? 3 : region_class;
  const int64_t first = kEmployerClassStart[group];
  const int64_t size = kEmployerClassStart[group + 1] - first;
  const double u = rng.Uniform();
  const Employer& employer = employers_[first + static_cast<int64_t>(size * u * u)];
  v.set_employer_id(employer.id);
  v.set_employer_credit_code(employer.credit_code);
  v.set_employer_name(employer.name);
  v.set_employer_blacklisted(employer.blacklisted);
  double wage_factor;
  int location_class;
  if (employer.place < 0) {
    v.set_location(rng.Chance(0.7) ? employer.township : std::string(kTongchuanArea));
    wage_factor = kWageFactor[kTongchuan];
    location_class = kTongchuan;
  } else {
    const Place& p = places_[employer.place];
    v.set_location(p.code);
    wage_factor = p.wage_factor;
    location_class = p.region_class;
  }

  // What.
  const int occupation = PickOccupation(vacancy_occupation_cdf_, rng.Uniform());
  const OccupationEntry& e = entries_[occupation];
  v.set_occupation_code(e.code);
  v.set_title(e.name);
  static constexpr double kRequiredCounts[] = {70, 22, 8};
  const int required = 1 + PickWeights(kRequiredCounts, rng.Uniform());
  const v1::SkillLevel main_level = RequiredLevel(rng.Uniform());
  {
    v1::Skill* s = v.add_required_skills();
    s->set_occupation_code(e.code);
    s->set_level(main_level);
    s->set_occupation_name(e.name);
  }
  for (int attempt = 0; attempt < 4 * required && v.required_skills_size() < required; ++attempt) {
    const uint64_t bits = rng.Next();
    const int related = PickRelated(occupation, /*demand=*/true, bits, rng.Uniform());
    if (related < 0) continue;
    bool seen = false;
    for (const auto& s : v.required_skills()) seen |= s.occupation_code() == entries_[related].code;
    if (seen) continue;
    v1::Skill* s = v.add_required_skills();
    s->set_occupation_code(entries_[related].code);
    s->set_level(std::min(main_level, RequiredLevel(rng.Uniform())));
    s->set_occupation_name(entries_[related].name);
  }

  // Required certificates.
  if (e.permit >= 0 && rng.Chance(e.core_permit ? 0.60 : 0.30)) {
    v1::Certificate* c = v.add_required_certificates();
    c->set_kind(v1::CERTIFICATE_KIND_SPECIAL_OPERATION);
    c->set_name(kPermits[e.permit].name);
    c->set_occupation_code(e.code);
  }
  if (main_level >= v1::SKILL_LEVEL_5_ELEMENTARY &&
      rng.Chance(main_level >= v1::SKILL_LEVEL_4_INTERMEDIATE ? 0.15 : 0.04)) {
    v1::Certificate* c = v.add_required_certificates();
    c->set_kind(v1::CERTIFICATE_KIND_SKILL_LEVEL);
    c->set_name(e.name);
    c->set_occupation_code(e.code);
    c->set_level(main_level);
  }

  // Wage (fen).
  v1::Wage* wage = v.mutable_wage();
  if (!rng.Chance(0.15)) {
    const double f = 0.8 + 0.4 * (rng.Uniform() + rng.Uniform()) / 2;
    const double min_yuan =
        std::clamp(e.median_monthly_yuan * wage_factor * f * 0.9, 3000.0, 12000.0);
    const bool single = rng.Chance(0.15);
    const double max_yuan =
        single ? min_yuan : std::min(12000.0, min_yuan * (1.15 + 0.45 * rng.Uniform()));
    if (rng.Chance(0.10)) {
      // Daily rate (construction, casual work), 140..550 yuan a day.
      const int64_t dmin = std::clamp<int64_t>(RoundTo(min_yuan / 21.75, 10), 140, 550) * 100;
      const int64_t dmax =
          single ? dmin : std::clamp<int64_t>(RoundTo(max_yuan / 21.75, 10), dmin / 100, 550) * 100;
      wage->set_unit(v1::WAGE_UNIT_DAILY);
      wage->mutable_min()->set_fen(dmin);
      wage->mutable_max()->set_fen(dmax);
      wage->mutable_monthly_min()->set_fen((dmin * 2175 + 50) / 100);
      wage->mutable_monthly_max()->set_fen((dmax * 2175 + 50) / 100);
    } else {
      const int64_t mmin = RoundTo(min_yuan, 100) * 100;
      const int64_t mmax = single ? mmin : std::max(mmin, RoundTo(max_yuan, 100) * 100);
      wage->set_unit(v1::WAGE_UNIT_MONTHLY);
      wage->mutable_min()->set_fen(mmin);
      wage->mutable_max()->set_fen(mmax);
      wage->mutable_monthly_min()->set_fen(mmin);
      wage->mutable_monthly_max()->set_fen(mmax);
    }
  }

  // How many.
  static constexpr double kHeadcounts[] = {30, 40, 22, 8};
  static constexpr int kHeadLow[] = {1, 2, 6, 21};
  static constexpr int kHeadHigh[] = {1, 5, 20, 50};
  const int hb = PickWeights(kHeadcounts, rng.Uniform());
  const int headcount = static_cast<int>(rng.Between(kHeadLow[hb], kHeadHigh[hb]));
  const double filled = rng.Uniform();
  v.set_headcount(headcount);
  v.set_remaining(std::max(1, headcount - static_cast<int>(filled * filled * headcount)));

  // Benefits: construction and factories house their workers.
  v1::Benefits* b = v.mutable_benefits();
  const bool construction = absl::StartsWith(e.code, "6-29");
  const bool production = e.code[0] == '6';
  b->set_room(rng.Chance(construction ? 0.8 : (production ? 0.65 : 0.3)));
  b->set_board(rng.Chance(construction ? 0.7 : (production ? 0.5 : 0.4)));
  b->set_social_insurance(rng.Chance(construction ? 0.35 : (production ? 0.7 : 0.5)));
  v.set_working_hours(kWorkingHours[rng.Below(std::size(kWorkingHours))]);
  v.set_description(absl::StrCat("招聘", e.name, headcount, "名", b->room() ? "，提供住宿" : "",
                                 b->board() ? "，包工作餐" : "",
                                 b->social_insurance() ? "，缴纳社保" : "", "。"));

  // When.
  const int64_t posted = now - rng.Below(30 * 86400);
  *v.mutable_posted_at() = Ts(posted);
  *v.mutable_updated_at() = Ts(posted);
  *v.mutable_expires_at() = Ts(now + 86400 * rng.Between(7, 89) + rng.Below(86400));

  // Where it came from: local fairs, partner bureaus far away, else the employer.
  v1::VacancySource* source = v.add_sources();
  if (location_class <= kDazhou && rng.Chance(0.154)) {
    const std::string fair = absl::StrCat("fair_", 1 + rng.Below(10));
    v.add_fair_ids(fair);
    source->set_kind(v1::SOURCE_KIND_FAIR);
    source->set_fair_id(fair);
  } else if ((location_class >= kGuangdong && rng.Chance(0.7)) ||
             (location_class == kChengdu && rng.Chance(0.4))) {
    source->set_kind(v1::SOURCE_KIND_PARTNER);
    source->set_partner(absl::StrCat("p_", v.location().substr(0, 4)));
    source->set_external_id(Hex("ext_", static_cast<uint64_t>(i), 8));
  } else {
    source->set_kind(v1::SOURCE_KIND_EMPLOYER);
  }
}

}  // namespace labor::bench
