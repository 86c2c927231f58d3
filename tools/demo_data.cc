#include "tools/demo_data.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdint>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/proto_util.h"
#include "common/validation.h"

namespace labor::tools {
namespace {

using labor::v1::CertificateKind;
using labor::v1::EmploymentRecord;
using labor::v1::EmploymentStatus;
using labor::v1::LaborBrand;
using labor::v1::LocationScope;
using labor::v1::RegistrationKind;
using labor::v1::ReturnIntent;
using labor::v1::SkillLevel;

// xoshiro256** seeded by SplitMix64: fully specified, so a seed gives the
// same data on every platform and standard library (std:: distributions are
// implementation-defined).
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& s : s_) {
      seed += 0x9E3779B97F4A7C15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      s = z ^ (z >> 31);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), n > 0, without modulo bias.
  uint64_t Below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do {
      x = Next();
    } while (x >= limit);
    return x % n;
  }

  // Uniform in [lo, hi].
  int Range(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }

  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }

  // Index drawn with the given relative weights (at least one positive).
  size_t Weighted(const std::vector<int>& weights) {
    int64_t total = 0;
    for (int w : weights) total += w;
    int64_t x = static_cast<int64_t>(Below(static_cast<uint64_t>(total)));
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

constexpr LaborBrand kNoBrand = LaborBrand::LABOR_BRAND_UNSPECIFIED;
constexpr LaborBrand kMeizi = LaborBrand::LABOR_BRAND_BASHAN_MEIZI;
constexpr LaborBrand kChushi = LaborBrand::LABOR_BRAND_BASHAN_CHUSHI;
constexpr LaborBrand kJiangong = LaborBrand::LABOR_BRAND_BASHAN_JIANGONG;

// Codes checked against data/taxonomy/occupations.csv (tests/tools verify
// them with OccupationTaxonomy). Weights: construction trades and factory
// operators dominate, as in the district's transfer-employment statistics.
const std::vector<DemoOccupation>* const kOccupations = new std::vector<DemoOccupation>{
    // Construction (巴山建工).
    {"6-29-01-01", "砌筑工", 90, 8, kJiangong, "建筑劳务有限公司"},
    {"6-29-01-04", "钢筋工", 70, 10, kJiangong, "建筑劳务有限公司"},
    {"6-29-01-03", "混凝土工", 50, 6, kJiangong, "建筑劳务有限公司"},
    {"6-29-01-05", "架子工", 40, 2, kJiangong, "建筑劳务有限公司"},
    {"6-29-04-01", "装饰装修工", 50, 10, kJiangong, "装饰工程有限公司"},
    {"6-29-02-08", "防水工", 18, 3, kJiangong, "防水工程有限公司"},
    {"6-29-02-15", "管道工", 18, 1, kJiangong, "建设工程有限公司"},
    {"6-30-05-05", "挖掘铲运和桩工机械司机", 16, 0, kJiangong, "工程机械有限公司"},
    {"6-30-05-02", "起重工", 10, 0, kJiangong, "建设工程有限公司"},
    {"6-31-01-03", "电工", 45, 3, kNoBrand, "机电安装工程有限公司"},
    {"6-18-02-04", "焊工", 45, 3, kNoBrand, "钢结构工程有限公司"},
    // Factory operators.
    {"6-25-04-07", "电子设备装接工", 45, 60, kNoBrand, "电子科技有限公司"},
    {"6-20-01-01", "装配钳工", 18, 6, kNoBrand, "机械制造有限公司"},
    {"6-05-01-03", "缝纫工", 10, 60, kNoBrand, "服装有限公司"},
    {"6-04-03-03", "织布工", 6, 22, kNoBrand, "纺织有限公司"},
    {"6-18-04-01", "模具工", 20, 8, kNoBrand, "精密模具有限公司"},
    {"6-31-05-00", "包装工", 14, 26, kNoBrand, "包装制品有限公司"},
    {"6-18-01-01", "车工", 16, 2, kNoBrand, "机械制造有限公司"},
    {"6-18-03-03", "涂装工", 14, 3, kNoBrand, "家具有限公司"},
    {"6-31-03-05", "质检员", 8, 16, kNoBrand, "电子科技有限公司"},
    {"6-30-05-01", "起重装卸机械操作工", 24, 3, kNoBrand, "物流有限公司"},
    // Services.
    {"4-03-02-01", "中式烹调师", 30, 12, kChushi, "餐饮管理有限公司"},
    {"4-03-02-02", "中式面点师", 8, 10, kChushi, "餐饮管理有限公司"},
    {"4-03-02-05", "餐厅服务员", 8, 24, kNoBrand, "餐饮管理有限公司"},
    {"4-10-01-06", "家政服务员", 1, 45, kMeizi, "家政服务有限公司"},
    {"4-10-01-03", "保育师", 0, 14, kMeizi, "母婴护理服务有限公司"},
    {"4-10-01-05", "养老护理员", 3, 16, kMeizi, "康养服务有限公司"},
    {"4-14-01-02", "医疗护理员", 2, 8, kNoBrand, "医疗护理服务有限公司"},
    {"4-09-08-01", "保洁员", 8, 20, kNoBrand, "物业管理有限公司"},
    {"4-07-05-01", "保安员", 30, 2, kNoBrand, "保安服务有限公司"},
    {"4-02-07-08", "快递员", 24, 6, kNoBrand, "快递有限公司"},
    {"4-10-08-01", "网约配送员", 26, 5, kNoBrand, "网络科技有限公司"},
    {"4-02-02-02", "道路货运汽车驾驶员", 28, 1, kNoBrand, "运输有限公司"},
    {"4-02-02-01", "客运车辆驾驶员", 10, 1, kNoBrand, "汽车运输有限公司"},
    {"4-02-06-01", "仓储管理员", 8, 8, kNoBrand, "物流有限公司"},
    {"4-12-01-01", "汽车维修工", 12, 1, kNoBrand, "汽车服务有限公司"},
};

// Where Tongchuan's migrant workers go: the Pearl River Delta first, then
// Zhejiang/Jiangsu, Chengdu and Chongqing, and a tail elsewhere.
const std::vector<DemoDestination>* const kDestinations = new std::vector<DemoDestination>{
    {"4419", "东莞市", 14}, {"4403", "深圳市", 10}, {"4401", "广州市", 8}, {"4406", "佛山市", 6},
    {"3302", "宁波市", 5},  {"3301", "杭州市", 4},  {"3307", "金华市", 4}, {"3205", "苏州市", 6},
    {"5101", "成都市", 13}, {"50", "重庆", 6},      {"3505", "泉州市", 3}, {"65", "新疆", 2},
    {"11", "北京", 3},      {"31", "上海", 3},
};

const std::vector<std::string>* const kTownships = new std::vector<std::string>{
    "511702001", "511702002", "511702003", "511702004", "511702005", "511702102",
    "511702103", "511702104", "511702105", "511702107", "511702108", "511702109",
    "511702110", "511702111", "511702112", "511702113", "511702114", "511702208",
};
// Rural towns send more workers out than the urban streets (…001-005).
const std::vector<int> kTownshipWeights = {3, 3, 3, 3, 3, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 4};

const std::vector<std::string> kSurnames = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "罗", "高", "林", "唐", "邓", "冯", "谢", "蒋", "向", "曾", "彭", "袁", "廖"};
const std::vector<int> kSurnameWeights = {72, 72, 70, 54, 46, 33, 26, 20, 18, 20,
                                          15, 13, 12, 12, 12, 11, 14, 13, 10, 10,
                                          12, 11, 7,  8,  7,  6,  7,  8,  6,  5};
const std::vector<std::string> kMaleGiven = {
    "伟", "强", "军", "勇", "杰", "涛", "斌", "波", "辉", "刚", "健", "明", "超", "亮",
    "平", "林", "华", "东", "国", "建", "志", "海", "峰", "鹏", "磊", "洪", "兵", "成",
    "德", "文", "俊", "飞", "龙", "江", "川", "毅", "浩", "宇", "鑫", "帅", "忠", "福"};
const std::vector<std::string> kFemaleGiven = {"芳", "丽", "娟", "敏", "静", "秀", "英", "霞", "燕",
                                               "玲", "红", "梅", "琴", "兰", "萍", "丹", "婷", "雪",
                                               "琳", "慧", "莉", "艳", "凤", "洁", "蓉", "桂", "春",
                                               "玉", "珍", "倩", "佳", "欣", "悦", "月", "琼"};
const std::vector<std::string> kTradeChars = {"鑫", "华", "宏", "盛", "隆", "兴", "达", "泰",
                                              "瑞", "恒", "顺", "丰", "博", "诚", "信", "源",
                                              "远", "建", "安", "利", "永", "金"};
const std::vector<std::string> kMobilePrefixes = {
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151",
    "152", "153", "155", "156", "157", "158", "159", "166", "173", "177", "180", "181",
    "182", "183", "184", "185", "186", "187", "188", "189", "191", "198", "199"};
constexpr char kOpenIdAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

labor::v1::Date ToDate(absl::CivilDay day) {
  labor::v1::Date d;
  d.set_year(static_cast<int>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

absl::CivilDay FromDate(const labor::v1::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

// A day in [from, to] (inclusive), clamped to `latest`.
absl::CivilDay DayBetween(Rng& rng, absl::CivilDay from, absl::CivilDay to, absl::CivilDay latest) {
  absl::CivilDay day = from + rng.Range(0, static_cast<int>(std::max<int64_t>(0, to - from)));
  return std::min(day, latest);
}

bool IsConstruction(const DemoOccupation& occ) {
  return absl::string_view(occ.code).substr(0, 4) == "6-29" || occ.brand == kJiangong;
}

class Generator {
 public:
  explicit Generator(const DemoOptions& options)
      : options_(options), rng_(options.seed), attr_(options.seed) {
    for (const DemoDestination& d : *kDestinations) destination_weights_.push_back(d.weight);
    for (const DemoOccupation& o : *kOccupations) {
      male_weights_.push_back(o.male_weight);
      female_weights_.push_back(o.female_weight);
    }
  }

  std::vector<DemoWorker> Run() {
    std::vector<DemoWorker> out;
    out.reserve(static_cast<size_t>(std::max(0, options_.workers)));
    while (static_cast<int>(out.size()) < options_.workers) {
      int size = static_cast<int>(rng_.Weighted({15, 30, 30, 17, 8})) + 1;
      size = std::min(size, options_.workers - static_cast<int>(out.size()));
      AddHousehold(size, &out);
    }
    return out;
  }

 private:
  void AddHousehold(int size, std::vector<DemoWorker>* out) {
    const std::string& township = (*kTownships)[rng_.Weighted(kTownshipWeights)];
    std::string household_id = absl::StrFormat("TC%s%05d", township.substr(6), ++household_seq_);
    bool zero_employment = size >= 2 && rng_.Chance(options_.zero_employment_household_share);
    std::string family_surname = kSurnames[rng_.Weighted(kSurnameWeights)];
    int head_year = 1965 + static_cast<int>(rng_.Below(26));  // 1965..1990
    bool head_male = rng_.Chance(0.6);
    for (int i = 0; i < size; ++i) {
      bool male;
      int birth_year;
      std::string surname = family_surname;
      if (i == 0) {
        male = head_male;
        birth_year = head_year;
      } else if (i == 1) {  // spouse
        male = rng_.Chance(0.85) ? !head_male : rng_.Chance(0.5);
        birth_year = std::clamp(head_year + rng_.Range(-3, 3), 1965, 2005);
        surname = kSurnames[rng_.Weighted(kSurnameWeights)];
      } else {  // adult children, or siblings when the parents are young
        male = rng_.Chance(0.55);
        birth_year = head_year + rng_.Range(20, 28);
        if (birth_year > 2005) birth_year = std::clamp(head_year + rng_.Range(-6, 6), 1965, 2005);
      }
      out->push_back(
          MakeWorker(township, household_id, surname, male, birth_year, zero_employment));
    }
  }

  DemoWorker MakeWorker(const std::string& township, const std::string& household_id,
                        const std::string& surname, bool male, int birth_year,
                        bool zero_employment) {
    DemoWorker dw;
    dw.male = male;
    absl::CivilMonth month(birth_year, rng_.Range(1, 12));
    int days_in_month = static_cast<int>(absl::CivilDay(month + 1) - absl::CivilDay(month));
    dw.birth_date = absl::CivilDay(month) + rng_.Range(0, days_in_month - 1);

    labor::v1::Worker& w = dw.worker;
    w.set_name(MakeName(surname, male));
    w.set_id_number(MakeIdNumber(dw.birth_date, male));
    w.set_phone(MakePhone());
    if (rng_.Chance(0.7)) w.set_wechat_openid(MakeOpenId());
    // Everything below is drawn from the worker's own stream, so what
    // depends on `today` (effective dates, availability) never shifts the
    // identities of later workers: a rerun on another day finds the same
    // people.
    attr_ = Rng(options_.seed ^ (0x9E3779B97F4A7C15ULL * ++worker_seq_));
    w.set_hukou_township(township);
    w.set_household_id(household_id);

    const DemoOccupation& occ =
        (*kOccupations)[attr_.Weighted(male ? male_weights_ : female_weights_)];
    int age = static_cast<int>(options_.today.year()) - birth_year;
    AddSkills(occ, male, age, &w);
    AddCertificates(occ, w.skills(0), dw.birth_date, &w);
    if (occ.brand != kNoBrand && (occ.brand != kMeizi || !male) && attr_.Chance(0.7)) {
      w.set_labor_brand(occ.brand);
    }

    EmploymentStatus status = DrawStatus(zero_employment);
    AddEmployment(status, occ, township, zero_employment, &dw);
    AddPreferences(status, occ, &w);

    labor::v1::Consent* consent = w.mutable_consent();
    consent->set_wechat(!w.wechat_openid().empty() && attr_.Chance(0.9));
    consent->set_sms(attr_.Chance(0.35));
    consent->set_partner_sharing(attr_.Chance(0.6));
    return dw;
  }

  std::string MakeName(const std::string& surname, bool male) {
    const std::vector<std::string>& chars = male ? kMaleGiven : kFemaleGiven;
    std::string name = surname + rng_.Pick(chars);
    if (rng_.Chance(0.75)) name += rng_.Pick(chars);
    return name;
  }

  std::string MakeIdNumber(absl::CivilDay birth, bool male) {
    for (;;) {
      // The 3-digit sequence's last digit carries the gender: odd = male.
      int seq = static_cast<int>(rng_.Below(500)) * 2 + (male ? 1 : 0);
      std::string first17 =
          absl::StrFormat("511702%04d%02d%02d%03d", birth.year(), birth.month(), birth.day(), seq);
      std::string id = first17 + ResidentIdCheckChar(first17);
      if (id_numbers_.insert(id).second) return id;
    }
  }

  std::string MakePhone() {
    for (;;) {
      std::string phone =
          absl::StrFormat("%s%08d", rng_.Pick(kMobilePrefixes), rng_.Below(100000000));
      if (phones_.insert(phone).second) return phone;
    }
  }

  std::string MakeOpenId() {
    for (;;) {
      std::string id = "o";
      for (int i = 0; i < 27; ++i) id += kOpenIdAlphabet[rng_.Below(64)];
      if (openids_.insert(id).second) return id;
    }
  }

  SkillLevel DrawLevel() {
    static const std::vector<SkillLevel> kLevels = {
        SkillLevel::SKILL_LEVEL_SELF_DECLARED,      SkillLevel::SKILL_LEVEL_APPRENTICE,
        SkillLevel::SKILL_LEVEL_5_ELEMENTARY,       SkillLevel::SKILL_LEVEL_4_INTERMEDIATE,
        SkillLevel::SKILL_LEVEL_3_ADVANCED,         SkillLevel::SKILL_LEVEL_2_TECHNICIAN,
        SkillLevel::SKILL_LEVEL_1_SENIOR_TECHNICIAN};
    return kLevels[attr_.Weighted({12, 6, 34, 30, 14, 3, 1})];
  }

  void AddSkills(const DemoOccupation& occ, bool male, int age, labor::v1::Worker* w) {
    int max_years = std::clamp(age - 17, 1, 30);
    labor::v1::Skill* s = w->add_skills();
    s->set_occupation_code(occ.code);
    s->set_level(DrawLevel());
    s->set_years(s->level() == SkillLevel::SKILL_LEVEL_APPRENTICE ? attr_.Range(0, 2)
                                                                  : attr_.Range(1, max_years));
    if (!attr_.Chance(0.3)) return;
    // A second trade from the same family (construction, factory, services).
    for (int attempt = 0; attempt < 20; ++attempt) {
      const DemoOccupation& other =
          (*kOccupations)[attr_.Weighted(male ? male_weights_ : female_weights_)];
      if (other.code == occ.code || other.code[0] != occ.code[0] ||
          IsConstruction(other) != IsConstruction(occ)) {
        continue;
      }
      labor::v1::Skill* s2 = w->add_skills();
      s2->set_occupation_code(other.code);
      // A side trade: at most the main trade's level and years.
      s2->set_level(std::min(DrawLevel(), s->level()));
      s2->set_years(s2->level() == SkillLevel::SKILL_LEVEL_APPRENTICE
                        ? attr_.Range(0, std::min(2, s->years()))
                        : attr_.Range(0, std::max(0, s->years())));
      return;
    }
  }

  void AddCertificates(const DemoOccupation& occ, const labor::v1::Skill& skill,
                       absl::CivilDay birth, labor::v1::Worker* w) {
    absl::string_view code = occ.code;
    const absl::CivilDay today = options_.today;
    // Nobody holds a certificate from before working age (the service
    // refuses one); clamping keeps the random stream, so the data stays
    // the same for every other worker.
    const absl::CivilDay working_age(birth.year() + kMinWorkingAge, birth.month(), birth.day());
    auto add_permit = [&](CertificateKind kind, const char* name, const char* issuer, double chance,
                          bool expires) {
      if (!attr_.Chance(chance)) return;
      labor::v1::Certificate* c = w->add_certificates();
      c->set_kind(kind);
      c->set_name(name);
      c->set_issuer(issuer);
      // Issued within the last ~5 years so a 6-year permit is still valid.
      absl::CivilDay issued = std::max(today - attr_.Range(30, 5 * 365), working_age);
      *c->mutable_issued_on() = ToDate(issued);
      if (expires) {
        *c->mutable_expires_on() =
            ToDate(absl::CivilDay(issued.year() + 6, issued.month(), issued.day()));
      }
      c->set_number(absl::StrFormat("T%012d", attr_.Below(1000000000000ULL)));
      c->set_verified(attr_.Chance(0.6));
    };
    if (code == "6-31-01-03") {
      add_permit(CertificateKind::CERTIFICATE_KIND_SPECIAL_OPERATION, "低压电工作业",
                 "达州市应急管理局", 0.75, true);
    } else if (code == "6-18-02-04") {
      add_permit(CertificateKind::CERTIFICATE_KIND_SPECIAL_OPERATION, "熔化焊接与热切割作业",
                 "达州市应急管理局", 0.75, true);
    } else if (code == "6-29-01-05") {
      add_permit(CertificateKind::CERTIFICATE_KIND_SPECIAL_OPERATION, "登高架设作业",
                 "达州市应急管理局", 0.5, true);
    } else if (code == "6-30-05-01") {
      add_permit(CertificateKind::CERTIFICATE_KIND_OTHER, "特种设备作业人员证(叉车司机N1)",
                 "达州市市场监督管理局", 0.5, true);
    } else if (code.substr(0, 7) == "4-03-02" || code.substr(0, 7) == "4-10-01") {
      add_permit(CertificateKind::CERTIFICATE_KIND_OTHER, "健康证", "通川区疾病预防控制中心", 0.6,
                 false);
    }
    if (skill.level() >= SkillLevel::SKILL_LEVEL_5_ELEMENTARY && attr_.Chance(0.55)) {
      labor::v1::Certificate* c = w->add_certificates();
      c->set_kind(CertificateKind::CERTIFICATE_KIND_SKILL_LEVEL);
      c->set_name(occ.name);
      c->set_occupation_code(occ.code);
      c->set_level(skill.level());
      c->set_issuer("达州市职业技能等级认定中心");
      absl::CivilDay issued = std::max(today - attr_.Range(60, 8 * 365), working_age);
      *c->mutable_issued_on() = ToDate(issued);
      c->set_number(absl::StrFormat("S5117%04d%08d", issued.year(), attr_.Below(100000000)));
      c->set_verified(attr_.Chance(0.6));
    }
  }

  EmploymentStatus DrawStatus(bool zero_employment) {
    if (zero_employment) return EmploymentStatus::EMPLOYMENT_STATUS_UNEMPLOYED;
    // Unemployment is a little under 8% here because the zero-employment
    // households add theirs.
    static const std::vector<EmploymentStatus> kStatuses = {
        EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE,
        EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_LOCAL,
        EmploymentStatus::EMPLOYMENT_STATUS_UNEMPLOYED,
        EmploymentStatus::EMPLOYMENT_STATUS_RETURNED_HOME,
        EmploymentStatus::EMPLOYMENT_STATUS_SELF_EMPLOYED};
    return kStatuses[attr_.Weighted({550, 200, 60, 100, 70})];
  }

  std::string EmployerName(absl::string_view place, const DemoOccupation& occ) {
    return absl::StrCat(place, attr_.Pick(kTradeChars), attr_.Pick(kTradeChars),
                        occ.employer_suffix);
  }

  void AddEmployment(EmploymentStatus status, const DemoOccupation& occ,
                     const std::string& township, bool zero_employment, DemoWorker* dw) {
    const absl::CivilDay today = options_.today;
    // Workers went back out after Spring Festival 2026 (Feb 17).
    const absl::CivilDay after_festival_from(2026, 2, 20), after_festival_to(2026, 3, 20);
    labor::v1::Worker& w = dw->worker;
    auto record = [&](EmploymentStatus s, absl::CivilDay effective) {
      EmploymentRecord r;
      r.set_status(s);
      *r.mutable_effective_date() = ToDate(std::min(effective, today));
      return r;
    };
    auto outside_record = [&](absl::CivilDay effective) {
      const DemoDestination& d = (*kDestinations)[attr_.Weighted(destination_weights_)];
      EmploymentRecord r = record(EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE, effective);
      r.set_destination_region(d.region_code);
      r.set_employer_name(EmployerName(d.city_name, occ));
      return r;
    };
    auto local_record = [&](absl::CivilDay effective) {
      EmploymentRecord r = record(EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_LOCAL, effective);
      r.set_destination_region((*kTownships)[attr_.Weighted(kTownshipWeights)]);
      r.set_employer_name(EmployerName("达州市", occ));
      return r;
    };

    std::vector<EmploymentRecord>& history = dw->employment;
    switch (status) {
      case EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE: {
        absl::CivilDay effective =
            attr_.Chance(0.6) ? DayBetween(attr_, after_festival_from, after_festival_to, today)
                              : today - attr_.Range(30, 1000);
        if (attr_.Chance(0.25) && effective > absl::CivilDay(2026, 1, 25)) {
          // Home for the 2026 festival before this job.
          history.push_back(record(
              EmploymentStatus::EMPLOYMENT_STATUS_RETURNED_HOME,
              DayBetween(attr_, absl::CivilDay(2026, 1, 10), absl::CivilDay(2026, 1, 25), today)));
        }
        EmploymentRecord r = outside_record(effective);
        if (attr_.Chance(0.45)) r.set_registration(RegistrationKind::REGISTRATION_KIND_EMPLOYMENT);
        w.set_current_location(r.destination_region());
        history.push_back(std::move(r));
        break;
      }
      case EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_LOCAL: {
        EmploymentRecord r = local_record(today - attr_.Range(30, 1500));
        if (attr_.Chance(0.5)) r.set_registration(RegistrationKind::REGISTRATION_KIND_EMPLOYMENT);
        w.set_current_location(r.destination_region());
        history.push_back(std::move(r));
        break;
      }
      case EmploymentStatus::EMPLOYMENT_STATUS_UNEMPLOYED: {
        absl::CivilDay effective = today - attr_.Range(7, 200);
        if (attr_.Chance(0.6)) {
          absl::CivilDay before = effective - attr_.Range(120, 1000);
          history.push_back(attr_.Chance(0.6) ? outside_record(before) : local_record(before));
        }
        EmploymentRecord r = record(status, effective);
        // Unemployment registration needs six months of urban residence
        // before it; the generator keeps a month of margin so no record is
        // borderline, and leaves the more recent movers unregistered.
        if (attr_.Chance(zero_employment ? 0.95 : 0.7)) {
          bool long_enough = attr_.Chance(zero_employment ? 0.85 : 0.65);
          absl::CivilDay since =
              long_enough ? effective - attr_.Range(215, 1800) : effective - attr_.Range(20, 150);
          *r.mutable_urban_residence_since() = ToDate(since);
          if (long_enough && attr_.Chance(zero_employment ? 0.85 : 0.75)) {
            r.set_registration(RegistrationKind::REGISTRATION_KIND_UNEMPLOYMENT);
          }
        }
        w.set_current_location(township);
        history.push_back(std::move(r));
        break;
      }
      case EmploymentStatus::EMPLOYMENT_STATUS_RETURNED_HOME: {
        absl::CivilDay effective = today - attr_.Range(3, 90);
        if (attr_.Chance(0.8)) history.push_back(outside_record(effective - attr_.Range(200, 900)));
        history.push_back(record(status, effective));
        w.set_current_location(township);
        break;
      }
      case EmploymentStatus::EMPLOYMENT_STATUS_SELF_EMPLOYED: {
        EmploymentRecord r = record(status, today - attr_.Range(60, 1500));
        if (attr_.Chance(0.6)) {
          static const std::vector<std::string> kBusinesses = {
              "农家乐", "建材经营部", "家庭农场", "餐馆", "汽车修理部", "养殖场", "家政服务部"};
          r.set_employer_name(absl::StrCat("通川区", attr_.Pick(kTradeChars),
                                           attr_.Pick(kTradeChars), attr_.Pick(kBusinesses)));
        }
        if (attr_.Chance(0.3)) r.set_registration(RegistrationKind::REGISTRATION_KIND_EMPLOYMENT);
        if (attr_.Chance(0.4)) r.set_note("返乡创业");
        w.set_current_location(township);
        history.push_back(std::move(r));
        break;
      }
      default:
        break;
    }
  }

  void AddPreferences(EmploymentStatus status, const DemoOccupation& occ, labor::v1::Worker* w) {
    const absl::CivilDay today = options_.today;
    labor::v1::Preferences* p = w->mutable_preferences();
    p->add_wanted_occupations(occ.code);
    if (w->skills_size() > 1) p->add_wanted_occupations(w->skills(1).occupation_code());

    ReturnIntent intent = ReturnIntent::RETURN_INTENT_UNSPECIFIED;
    labor::v1::ReturnPlan* plan = nullptr;
    if (status == EmploymentStatus::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE && attr_.Chance(0.85)) {
      // Spring Festival 2027 is Feb 6: home mid-January to early February.
      static const std::vector<ReturnIntent> kIntents = {
          ReturnIntent::RETURN_INTENT_GO_OUT_AGAIN, ReturnIntent::RETURN_INTENT_LOCAL_JOB,
          ReturnIntent::RETURN_INTENT_START_BUSINESS};
      intent = kIntents[attr_.Weighted({70, 22, 8})];
      plan = w->mutable_return_plan();
      *plan->mutable_planned_return() = ToDate(absl::CivilDay(2027, 1, 15) + attr_.Range(0, 20));
    } else if (status == EmploymentStatus::EMPLOYMENT_STATUS_RETURNED_HOME) {
      static const std::vector<ReturnIntent> kIntents = {
          ReturnIntent::RETURN_INTENT_LOCAL_JOB, ReturnIntent::RETURN_INTENT_GO_OUT_AGAIN,
          ReturnIntent::RETURN_INTENT_START_BUSINESS};
      intent = kIntents[attr_.Weighted({45, 40, 15})];
      plan = w->mutable_return_plan();
    }
    if (plan != nullptr) {
      plan->set_intent(intent);
      if (intent == ReturnIntent::RETURN_INTENT_GO_OUT_AGAIN) {
        *plan->mutable_planned_departure() =
            ToDate(absl::CivilDay(2027, 2, 13) + attr_.Range(0, 15));
      }
    }

    LocationScope scope;
    if (intent == ReturnIntent::RETURN_INTENT_LOCAL_JOB ||
        intent == ReturnIntent::RETURN_INTENT_START_BUSINESS ||
        status == EmploymentStatus::EMPLOYMENT_STATUS_SELF_EMPLOYED) {
      static const std::vector<LocationScope> kNear = {LocationScope::LOCATION_SCOPE_TOWNSHIP,
                                                       LocationScope::LOCATION_SCOPE_DISTRICT,
                                                       LocationScope::LOCATION_SCOPE_CITY};
      scope = kNear[attr_.Weighted({20, 50, 30})];
    } else {
      static const std::vector<LocationScope> kScopes = {
          LocationScope::LOCATION_SCOPE_ANYWHERE, LocationScope::LOCATION_SCOPE_PROVINCE,
          LocationScope::LOCATION_SCOPE_CITY,     LocationScope::LOCATION_SCOPE_DISTRICT,
          LocationScope::LOCATION_SCOPE_TOWNSHIP, LocationScope::LOCATION_SCOPE_LISTED_REGIONS};
      scope = kScopes[attr_.Weighted({30, 15, 12, 15, 5, 23})];
    }
    p->set_location_scope(scope);
    if (scope == LocationScope::LOCATION_SCOPE_LISTED_REGIONS) {
      // Where they work now (province) plus one more place they would go.
      const std::string& current = w->current_location();
      if (current.size() >= 2 && current.substr(0, 6) != "511702") {
        p->add_accepted_regions(current.substr(0, 2));
      }
      std::string extra = (*kDestinations)[attr_.Weighted(destination_weights_)].region_code;
      if (p->accepted_regions_size() == 0 || p->accepted_regions(0) != extra.substr(0, 2)) {
        p->add_accepted_regions(extra);
      }
    }

    // Wage floor: 3000-8000 yuan in 500s, higher for higher levels.
    int level_bonus = std::max(0, static_cast<int>(w->skills(0).level()) -
                                      static_cast<int>(SkillLevel::SKILL_LEVEL_APPRENTICE));
    int steps = std::clamp(attr_.Range(0, 5) + level_bonus, 0, 10);
    p->mutable_minimum_monthly_wage()->set_fen(int64_t{3000 + 500 * steps} * 100);

    absl::CivilDay available;
    bool at_home_now = status == EmploymentStatus::EMPLOYMENT_STATUS_UNEMPLOYED ||
                       status == EmploymentStatus::EMPLOYMENT_STATUS_RETURNED_HOME;
    if (at_home_now && intent != ReturnIntent::RETURN_INTENT_GO_OUT_AGAIN) {
      available = today + attr_.Range(0, 20);
    } else {
      // After the 2027 festival (Feb 6): the 8th-15th day of the first month and on.
      available = absl::CivilDay(2027, 2, 10) + attr_.Range(0, 23);
    }
    *p->mutable_available_from() = ToDate(available);
  }

  const DemoOptions& options_;
  Rng rng_;   // identities and households
  Rng attr_;  // the current worker's attributes
  uint64_t worker_seq_ = 0;
  std::vector<int> destination_weights_, male_weights_, female_weights_;
  int household_seq_ = 0;
  absl::flat_hash_set<std::string> id_numbers_, phones_, openids_;
};

}  // namespace

const std::vector<DemoOccupation>& DemoOccupations() { return *kOccupations; }
const std::vector<DemoDestination>& DemoDestinations() { return *kDestinations; }
const std::vector<std::string>& TongchuanTownships() { return *kTownships; }

std::vector<DemoWorker> GenerateDemoWorkers(const DemoOptions& options) {
  return Generator(options).Run();
}

std::string DemoWorkerToJson(const DemoWorker& worker) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  std::string out = "{\"worker\":";
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(worker.worker, &json, opts);
  out += json;
  out += ",\"employment\":[";
  for (size_t i = 0; i < worker.employment.size(); ++i) {
    json.clear();
    (void)google::protobuf::util::MessageToJsonString(worker.employment[i], &json, opts);
    if (i > 0) out += ",";
    out += json;
  }
  out += "]}";
  return out;
}

bool SixMonthsBefore(const labor::v1::Date& since, const labor::v1::Date& on) {
  absl::CivilDay on_day = FromDate(on);
  absl::CivilMonth month = absl::CivilMonth(on_day) - 6;
  int days_in_month = static_cast<int>(absl::CivilDay(month + 1) - absl::CivilDay(month));
  absl::CivilDay limit = absl::CivilDay(month) + (std::min(on_day.day(), days_in_month) - 1);
  return FromDate(since) <= limit;
}

// ---------------------------------------------------------------------------
// Employers, vacancies, blacklist, fairs.

namespace {

using labor::v1::FairKind;
using labor::v1::WageUnit;

constexpr int64_t Y(int64_t yuan) { return yuan * 100; }  // yuan -> fen

// What a job needs besides skills.
enum class Permit { kNone, kElectrician, kWelder, kScaffolder, kForklift, kHealth, kDriver };

// One kind of job a sector posts. Amounts in fen: the stated minimum is drawn
// from [min_lo, min_hi] and the maximum adds [spread_lo, spread_hi], both in
// `step`s. Piece rates add the expected monthly figure the same way.
struct JobTemplate {
  DemoSector sector;
  const char* code;
  const char* name;
  const char* titles;  // '|'-separated title variants
  WageUnit unit;
  int64_t min_lo, min_hi, spread_lo, spread_hi, step;
  struct {
    int64_t lo = 0, hi = 0, spread_lo = 0, spread_hi = 0;
  } monthly;  // piece rates: the expected monthly figure
  int headcount_lo = 1, headcount_hi = 10;
  SkillLevel level = SkillLevel::SKILL_LEVEL_UNSPECIFIED;  // required minimum, when required
  double skill_chance = 0;
  Permit permit = Permit::kNone;
  const char* hours = "";
};

constexpr WageUnit kMonthly = WageUnit::WAGE_UNIT_MONTHLY;
constexpr WageUnit kDaily = WageUnit::WAGE_UNIT_DAILY;
constexpr WageUnit kHourly = WageUnit::WAGE_UNIT_HOURLY;
constexpr WageUnit kPiece = WageUnit::WAGE_UNIT_PIECE;
constexpr SkillLevel kSelf = SkillLevel::SKILL_LEVEL_SELF_DECLARED;
constexpr SkillLevel kL5 = SkillLevel::SKILL_LEVEL_5_ELEMENTARY;
constexpr SkillLevel kL4 = SkillLevel::SKILL_LEVEL_4_INTERMEDIATE;
constexpr DemoSector kConstruction = DemoSector::kConstruction;
constexpr DemoSector kFood = DemoSector::kFoodProcessing;
constexpr DemoSector kLogistics = DemoSector::kLogistics;
constexpr DemoSector kDomestic = DemoSector::kDomesticService;
constexpr DemoSector kElectronics = DemoSector::kElectronics;
constexpr DemoSector kTextiles = DemoSector::kTextiles;
constexpr DemoSector kMachinery = DemoSector::kMachinery;
constexpr DemoSector kRestaurants = DemoSector::kRestaurants;

// Wages as advertised in 2025-26: Dazhou construction 260-450 yuan a day,
// local factory and service jobs 3000-5500 a month (Sichuan's minimum wage
// is about 2,000), coastal factories 4800-9000 with room and board, piece
// rates in Zhejiang's textile towns around 6000-10000 a month.
// clang-format off
// {sector, code, official name, titles,
//  unit, min_lo, min_hi, spread_lo, spread_hi, step, piece: monthly {lo, hi, spread_lo, spread_hi},
//  headcount lo, hi, required skill level, its chance, permit, working hours}
const std::vector<JobTemplate>* const kJobs = new std::vector<JobTemplate>{
    // Construction (Dazhou): day wages, paid monthly through the project's
    // wage account.
    {kConstruction, "6-29-01-01", "砌筑工", "砌筑工|泥瓦工|砖工",
     kDaily, Y(300), Y(340), Y(30), Y(60), Y(10), {},
     5, 20, kSelf, 0.8, Permit::kNone, "7:00-11:30，13:30-18:00"},
    {kConstruction, "6-29-01-04", "钢筋工", "钢筋工|钢筋绑扎工",
     kDaily, Y(320), Y(360), Y(30), Y(60), Y(10), {},
     5, 25, kL5, 0.5, Permit::kNone, "7:00-11:30，13:30-18:00"},
    {kConstruction, "6-29-01-03", "混凝土工", "混凝土工|混凝土浇筑工",
     kDaily, Y(260), Y(300), Y(30), Y(50), Y(10), {},
     4, 15, kSelf, 0.6, Permit::kNone, "按浇筑计划排班"},
    {kConstruction, "6-29-01-05", "架子工", "架子工|脚手架搭设工",
     kDaily, Y(340), Y(380), Y(30), Y(60), Y(10), {},
     3, 12, kL5, 0.4, Permit::kScaffolder, "7:00-11:30，13:30-18:00"},
    {kConstruction, "6-29-04-01", "装饰装修工", "装饰装修工|室内装修工|腻子工",
     kDaily, Y(300), Y(350), Y(50), Y(80), Y(10), {},
     2, 10, kL5, 0.5, Permit::kNone, "8:00-12:00，13:30-18:00"},
    {kConstruction, "6-29-02-08", "防水工", "防水工|屋面防水工",
     kDaily, Y(260), Y(300), Y(40), Y(60), Y(10), {},
     2, 8, kSelf, 0.6, Permit::kNone, "8:00-12:00，13:30-18:00"},
    {kConstruction, "6-31-01-03", "电工", "工地水电工|施工电工",
     kMonthly, Y(6000), Y(7000), Y(1000), Y(2000), Y(100), {},
     1, 4, kL5, 0.8, Permit::kElectrician, "8:00-12:00，13:30-18:00"},
    {kConstruction, "6-18-02-04", "焊工", "电焊工|钢结构焊工",
     kDaily, Y(350), Y(400), Y(50), Y(80), Y(10), {},
     2, 8, kL5, 0.5, Permit::kWelder, "7:00-11:30，13:30-18:00"},
    // Food processing (Dazhou: 灯影牛肉, pickles, noodles).
    {kFood, "6-01-04-03", "肉制品加工工", "肉制品加工工|牛肉干加工工|腊肉香肠加工工",
     kMonthly, Y(3600), Y(4200), Y(600), Y(1000), Y(100), {},
     5, 30, kSelf, 0.3, Permit::kHealth, "8:00-17:30，月休4天"},
    {kFood, "6-02-05-08", "酱腌菜制作工", "酱腌菜制作工|泡菜生产工",
     kMonthly, Y(3200), Y(3600), Y(500), Y(800), Y(100), {},
     5, 20, kSelf, 0.2, Permit::kHealth, "8:00-17:30，月休4天"},
    {kFood, "6-02-03-01", "米面主食制作工", "米面主食制作工|面条生产工|米粉生产工",
     kMonthly, Y(3300), Y(3800), Y(500), Y(900), Y(100), {},
     4, 20, kSelf, 0.2, Permit::kHealth, "两班倒，月休4天"},
    {kFood, "6-01-07-03", "豆制品制作工", "豆制品制作工|豆腐干生产工",
     kMonthly, Y(3200), Y(3600), Y(400), Y(800), Y(100), {},
     3, 12, kSelf, 0.2, Permit::kHealth, "5:00-14:00，月休4天"},
    {kFood, "6-31-05-00", "包装工", "食品包装工|包装工",
     kMonthly, Y(3000), Y(3400), Y(300), Y(600), Y(100), {},
     5, 30, kSelf, 0, Permit::kHealth, "8:00-17:30，月休4天"},
    {kFood, "6-31-03-05", "质检员", "食品质检员|品控员",
     kMonthly, Y(3800), Y(4300), Y(500), Y(1000), Y(100), {},
     1, 3, kL5, 0.5, Permit::kHealth, "8:00-17:30，双休"},
    // Logistics (Dazhou's logistics parks and express depots).
    {kLogistics, "4-02-05-01", "装卸搬运工", "装卸工|搬运装卸工",
     kMonthly, Y(4500), Y(5200), Y(800), Y(1500), Y(100), {},
     5, 30, kSelf, 0, Permit::kNone, "按车辆到货排班，多劳多得"},
    {kLogistics, "4-02-06-02", "理货员", "快递分拣员|分拣员|理货员",
     kHourly, 1800, 2000, 200, 500, 100, {},
     10, 40, kSelf, 0, Permit::kNone, "夜班20:00-次日6:00"},
    {kLogistics, "4-02-06-01", "仓储管理员", "仓库管理员|仓管员",
     kMonthly, Y(4000), Y(4500), Y(500), Y(1000), Y(100), {},
     1, 3, kL5, 0.3, Permit::kNone, "8:30-17:30，月休4天"},
    {kLogistics, "6-30-05-01", "起重装卸机械操作工", "叉车司机|叉车工",
     kMonthly, Y(5000), Y(5800), Y(800), Y(1500), Y(100), {},
     1, 6, kL5, 0.3, Permit::kForklift, "两班倒，月休4天"},
    {kLogistics, "4-02-07-08", "快递员", "快递员|快递派送员",
     kMonthly, Y(5500), Y(6500), Y(1500), Y(2500), Y(100), {},
     2, 10, kSelf, 0, Permit::kNone, "8:00-19:00，月休4天，按件提成"},
    {kLogistics, "4-02-02-02", "道路货运汽车驾驶员", "货车司机|厢式货车司机",
     kMonthly, Y(7000), Y(8000), Y(1500), Y(3000), Y(100), {},
     1, 5, kSelf, 0.5, Permit::kDriver, "长途/短途结合，出车有补贴"},
    // Domestic and care services (Tongchuan's urban streets).
    {kDomestic, "4-10-01-06", "家政服务员", "家政服务员|住家保姆|钟点工",
     kMonthly, Y(4000), Y(4800), Y(800), Y(1500), Y(100), {},
     2, 10, kL5, 0.4, Permit::kHealth, "住家，月休4天"},
    {kDomestic, "4-10-01-03", "保育师", "育婴员|育婴师",
     kMonthly, Y(4500), Y(5200), Y(1000), Y(2000), Y(100), {},
     1, 6, kL5, 0.6, Permit::kHealth, "住家或白班，月休4天"},
    {kDomestic, "4-10-01-05", "养老护理员", "养老护理员|居家养老护理员",
     kMonthly, Y(3800), Y(4300), Y(500), Y(1000), Y(100), {},
     2, 10, kL5, 0.5, Permit::kHealth, "三班倒，月休4天"},
    {kDomestic, "4-09-08-01", "保洁员", "保洁员|物业保洁员",
     kMonthly, Y(2600), Y(2900), Y(200), Y(500), Y(100), {},
     2, 12, kSelf, 0, Permit::kNone, "7:00-11:30，14:00-17:30"},
    {kDomestic, "4-14-01-02", "医疗护理员", "医院陪护|医疗护理员",
     kMonthly, Y(4000), Y(4500), Y(500), Y(1500), Y(100), {},
     2, 8, kL5, 0.4, Permit::kHealth, "24小时陪护，轮休"},
    // Electronics assembly (Guangdong).
    {kElectronics, "6-25-04-07", "电子设备装接工", "电子厂普工|装配普工|SMT操作员",
     kMonthly, Y(4800), Y(5300), Y(1000), Y(1700), Y(100), {},
     20, 200, kSelf, 0, Permit::kNone, "长白班8小时+加班，月休4天"},
    {kElectronics, "6-25-04-05", "智能硬件装调员", "智能硬件组装调试员|智能穿戴产品装调员",
     kMonthly, Y(5500), Y(6000), Y(1000), Y(2000), Y(100), {},
     5, 40, kL5, 0.3, Permit::kNone, "两班倒，每班8小时+加班"},
    {kElectronics, "6-25-04-02", "通信终端设备制造工", "手机组装工|通信终端装配工",
     kMonthly, Y(5000), Y(5500), Y(1000), Y(1800), Y(100), {},
     20, 150, kSelf, 0, Permit::kNone, "两班倒，月休4天"},
    {kElectronics, "6-25-03-00", "计算机及外部设备装配调试员", "电脑组装测试员|服务器装配工",
     kMonthly, Y(5200), Y(5700), Y(1000), Y(1500), Y(100), {},
     10, 60, kSelf, 0.2, Permit::kNone, "长白班，周末加班另计"},
    {kElectronics, "4-08-05-07", "电子电气产品检验员", "QC检验员|品检员",
     kMonthly, Y(5000), Y(5500), Y(800), Y(1500), Y(100), {},
     3, 20, kL5, 0.3, Permit::kNone, "长白班8小时+加班"},
    {kElectronics, "6-31-05-00", "包装工", "包装员|成品包装工",
     kMonthly, Y(4500), Y(5000), Y(500), Y(1000), Y(100), {},
     5, 40, kSelf, 0, Permit::kNone, "长白班8小时+加班，月休4天"},
    // Textiles (Zhejiang): piece rates for weaving and sewing.
    {kTextiles, "6-04-03-03", "织布工", "喷水织机挡车工|织布挡车工|针织横机工",
     kPiece, 60, 90, 20, 60, 5, {Y(6000), Y(7000), Y(2000), Y(3000)},
     10, 60, kSelf, 0.6, Permit::kNone, "两班倒，每班12小时，月休2天"},
    {kTextiles, "6-05-01-03", "缝纫工", "平车工|缝纫工(童装)|车位工",
     kPiece, 150, 250, 100, 250, 10, {Y(6500), Y(7500), Y(2000), Y(3500)},
     10, 80, kSelf, 0.7, Permit::kNone, "8:00-21:00，计件，月休2天"},
    {kTextiles, "6-05-01-04", "缝纫品整型工", "整烫工|成衣整烫工",
     kPiece, 40, 80, 20, 60, 5, {Y(5500), Y(6500), Y(1500), Y(2500)},
     3, 20, kSelf, 0.4, Permit::kNone, "8:00-20:00，计件"},
    {kTextiles, "6-04-02-01", "纺纱工", "细纱挡车工|纺纱工",
     kMonthly, Y(5000), Y(5500), Y(1000), Y(1500), Y(100), {},
     10, 50, kSelf, 0.3, Permit::kNone, "三班倒，月休4天"},
    {kTextiles, "6-04-06-02", "纺织染色工", "染色工|染色机操作工",
     kMonthly, Y(6000), Y(6500), Y(1000), Y(2000), Y(100), {},
     3, 15, kL5, 0.4, Permit::kNone, "两班倒，月休4天"},
    {kTextiles, "6-04-06-05", "印染后整理工", "定型机操作工|印染后整理工",
     kMonthly, Y(6000), Y(6500), Y(1000), Y(2000), Y(100), {},
     3, 15, kL5, 0.3, Permit::kNone, "两班倒，月休4天"},
    // Machinery (Jiangsu).
    {kMachinery, "6-20-01-01", "装配钳工", "装配钳工|机械装配工",
     kMonthly, Y(6000), Y(6500), Y(1000), Y(2000), Y(100), {},
     5, 30, kL5, 0.7, Permit::kNone, "8:00-17:00，周末加班另计"},
    {kMachinery, "6-18-01-07", "多工序数控机床操作调整工", "CNC操机员|数控车床操作工",
     kMonthly, Y(6500), Y(7000), Y(1500), Y(2500), Y(100), {},
     3, 20, kL4, 0.7, Permit::kNone, "两班倒，每班12小时，月休4天"},
    {kMachinery, "6-18-01-01", "车工", "普车车工|车工",
     kMonthly, Y(6000), Y(6500), Y(1000), Y(2000), Y(100), {},
     2, 10, kL4, 0.7, Permit::kNone, "8:00-17:00，周末加班另计"},
    {kMachinery, "6-18-02-04", "焊工", "二保焊焊工|氩弧焊工",
     kMonthly, Y(7000), Y(7500), Y(1500), Y(2500), Y(100), {},
     2, 15, kL5, 0.5, Permit::kWelder, "8:00-17:00，周末加班另计"},
    {kMachinery, "6-21-01-02", "工程机械装配调试工", "挖掘机装配工|工程机械装配工",
     kMonthly, Y(6000), Y(6500), Y(1000), Y(2000), Y(100), {},
     5, 30, kL5, 0.4, Permit::kNone, "8:00-17:00，月休4天"},
    {kMachinery, "6-20-03-01", "机床装调维修工", "设备维修工|机床维修工",
     kMonthly, Y(7000), Y(7500), Y(1500), Y(3000), Y(100), {},
     1, 5, kL4, 0.8, Permit::kNone, "白班为主，设备故障随叫随到"},
    {kMachinery, "6-31-01-03", "电工", "设备电工|维修电工",
     kMonthly, Y(6500), Y(7000), Y(1500), Y(2500), Y(100), {},
     1, 4, kL4, 0.5, Permit::kElectrician, "两班倒，月休4天"},
    // Restaurants (Chengdu).
    {kRestaurants, "4-03-02-01", "中式烹调师", "川菜厨师|炒锅厨师|火锅店后厨",
     kMonthly, Y(5500), Y(6500), Y(1500), Y(3000), Y(100), {},
     1, 6, kL4, 0.7, Permit::kHealth, "10:00-14:00，16:30-21:30，月休4天"},
    {kRestaurants, "4-03-02-02", "中式面点师", "面点师|白案师傅",
     kMonthly, Y(4800), Y(5500), Y(1000), Y(2000), Y(100), {},
     1, 4, kL5, 0.6, Permit::kHealth, "6:00-14:00，月休4天"},
    {kRestaurants, "4-03-02-05", "餐厅服务员", "火锅店服务员|餐厅服务员|传菜员",
     kMonthly, Y(4000), Y(4500), Y(500), Y(1000), Y(100), {},
     3, 15, kSelf, 0, Permit::kHealth, "10:30-14:00，16:30-22:00，月休4天"},
    {kRestaurants, "4-03-02-10", "调饮师", "奶茶店店员|饮品制作员",
     kMonthly, Y(3800), Y(4200), Y(500), Y(800), Y(100), {},
     2, 6, kSelf, 0, Permit::kHealth, "早晚班轮换，月休4天"},
};
// clang-format on

// Where a sector's employers sit: the region code (county or township) and
// the place name that starts their names.
struct Place {
  const char* region;
  const char* name_prefix;
};

struct SectorInfo {
  DemoSector sector;
  int weight;  // share of employers
  std::vector<Place> places;
  std::vector<const char*> suffixes;  // company name endings
  double room, board, social_insurance;
  const char* blurb;  // starts every description
};

// Tongchuan townships where local employers sit; the urban streets
// (…001-005) weigh more for services.
const std::vector<Place> kTongchuanPlaces = {
    {"511702001", "达州市通川区"}, {"511702002", "达州市通川区"}, {"511702003", "达州市通川区"},
    {"511702004", "达州市通川区"}, {"511702005", "达州市通川区"}, {"511702102", "达州市通川区"},
    {"511702103", "达州市通川区"}, {"511702107", "达州市通川区"}, {"511702110", "达州市通川区"},
    {"511702113", "达州市通川区"},
};

const std::vector<SectorInfo>* const kSectors = new std::vector<SectorInfo>{
    {kConstruction,
     14,
     {{"511702", "达州市通川区"},
      {"511702102", "达州市"},
      {"511702004", "四川"},
      {"511703", "达州市达川区"},
      {"511722", "宣汉县"}},
     {"建筑劳务有限公司", "建设工程有限公司", "建筑工程有限公司"},
     0.7,
     0.5,
     0.3,
     "房建及市政项目，实名制管理，工资按月通过农民工工资专用账户足额发放。"},
    {kFood,
     8,
     {{"511703", "四川"}, {"511702102", "达州市"}, {"511702107", "达州市"}, {"511702003", "达州"}},
     {"食品有限公司", "农产品加工有限公司", "食品科技有限公司"},
     0.4,
     0.8,
     0.8,
     "食品生产车间，提供岗前培训，工资按月发放。"},
    {kLogistics,
     8,
     {{"511703", "达州"}, {"511702005", "达州市"}, {"511702110", "达州市"}},
     {"物流有限公司", "供应链管理有限公司", "快递服务有限公司"},
     0.5,
     0.6,
     0.6,
     "物流园区作业，岗前培训合格后上岗，多劳多得。"},
    {kDomestic,
     8,
     {{"511702001", "达州市通川区"},
      {"511702002", "达州市通川区"},
      {"511702003", "通川区"},
      {"511702004", "通川区"},
      {"511702005", "达州市"}},
     {"家政服务有限公司", "养老服务有限公司", "母婴护理服务有限公司"},
     0.5,
     0.6,
     0.3,
     "公司统一岗前培训，购买意外保险，工资按月发放。"},
    {kElectronics,
     18,
     {{"441900119", "东莞市"},
      {"441900116", "东莞市"},
      {"441900121", "东莞市"},
      {"441900401", "东莞市"},
      {"440306", "深圳市"},
      {"440309", "深圳市"},
      {"440307", "深圳市"},
      {"441302", "惠州市"},
      {"442000", "中山市"}},
     {"电子科技有限公司", "精密电子有限公司", "智能科技有限公司"},
     0.95,
     0.9,
     0.9,
     "电子厂流水线作业，无需经验，提供岗前培训，试用期同薪，入职满三个月报销返厂车费。"},
    {kTextiles,
     12,
     {{"330603", "绍兴柯桥"}, {"330483", "桐乡市"}, {"330481", "海宁市"}, {"330502", "湖州"}},
     {"纺织有限公司", "针织服饰有限公司", "经编有限公司", "服饰有限公司"},
     0.95,
     0.8,
     0.6,
     "纺织服装企业，计件工资多劳多得，新手有师傅带教，工资按月发放。"},
    {kMachinery,
     12,
     {{"320583", "昆山"}, {"320412", "常州"}, {"320214", "无锡"}, {"320506", "苏州"}},
     {"精密机械有限公司", "机械制造有限公司", "装备科技有限公司", "自动化设备有限公司"},
     0.8,
     0.6,
     0.95,
     "机械制造企业，按图纸作业，持技能等级证书者工资上浮，缴纳五险。"},
    {kRestaurants,
     12,
     {{"510104", "成都"}, {"510107", "成都"}, {"510108", "成都"}, {"510116", "成都"}},
     {"餐饮管理有限公司", "餐饮有限公司", "火锅餐饮管理有限公司"},
     0.9,
     1.0,
     0.4,
     "连锁餐饮门店，提供岗前培训，工资按月发放。"},
};

const SectorInfo& InfoOf(DemoSector sector) {
  for (const SectorInfo& s : *kSectors) {
    if (s.sector == sector) return s;
  }
  return kSectors->front();
}

// Who lists an employer on the wage-arrears blacklist: the human resources
// and social security bureau where the employer is registered.
struct Authority {
  const char* region_prefix;
  const char* name;
  const char* document;  // abbreviation on its decisions
};
const std::vector<Authority>* const kAuthorities = new std::vector<Authority>{
    {"511702", "达州市通川区人力资源和社会保障局", "通人社"},
    {"511703", "达州市达川区人力资源和社会保障局", "达川人社"},
    {"511722", "宣汉县人力资源和社会保障局", "宣人社"},
    {"4419", "东莞市人力资源和社会保障局", "东人社"},
    {"4403", "深圳市人力资源和社会保障局", "深人社"},
    {"4413", "惠州市人力资源和社会保障局", "惠市人社"},
    {"4420", "中山市人力资源和社会保障局", "中人社"},
    {"3306", "绍兴市人力资源和社会保障局", "绍市人社"},
    {"3304", "嘉兴市人力资源和社会保障局", "嘉人社"},
    {"3305", "湖州市人力资源和社会保障局", "湖人社"},
    {"3205", "苏州市人力资源和社会保障局", "苏人社"},
    {"3204", "常州市人力资源和社会保障局", "常人社"},
    {"3202", "无锡市人力资源和社会保障局", "锡人社"},
    {"5101", "成都市人力资源和社会保障局", "成人社"},
};

const Authority& AuthorityOf(absl::string_view region) {
  for (const Authority& a : *kAuthorities) {
    if (region.substr(0, absl::string_view(a.region_prefix).size()) == a.region_prefix) return a;
  }
  return kAuthorities->front();
}

// Partner bureau codes for external ids, by province.
const char* PartnerCode(absl::string_view region) {
  absl::string_view province = region.substr(0, 2);
  if (province == "44") return "GD";
  if (province == "33") return "ZJ";
  if (province == "32") return "JS";
  return "CD";
}

constexpr char kCodeAlphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";  // GB 32100, no I O S V Z

std::vector<std::string> SplitTitles(const char* titles) { return absl::StrSplit(titles, '|'); }

google::protobuf::Timestamp EndOfDay(absl::CivilDay day) {
  return ToProto(absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), 23, 59, 59),
                                 ShanghaiTime()));
}

labor::v1::Certificate PermitCertificate(Permit permit) {
  labor::v1::Certificate c;
  switch (permit) {
    case Permit::kElectrician:
      c.set_kind(CertificateKind::CERTIFICATE_KIND_SPECIAL_OPERATION);
      c.set_name("低压电工作业");
      break;
    case Permit::kWelder:
      c.set_kind(CertificateKind::CERTIFICATE_KIND_SPECIAL_OPERATION);
      c.set_name("熔化焊接与热切割作业");
      break;
    case Permit::kScaffolder:
      c.set_kind(CertificateKind::CERTIFICATE_KIND_SPECIAL_OPERATION);
      c.set_name("登高架设作业");
      break;
    case Permit::kForklift:
      // A forklift licence is a special-equipment permit (market
      // regulation), not an emergency-management special operation; the
      // name is the one the demo workers carry, so they match.
      c.set_kind(CertificateKind::CERTIFICATE_KIND_OTHER);
      c.set_name("特种设备作业人员证(叉车司机N1)");
      break;
    case Permit::kHealth:
      c.set_kind(CertificateKind::CERTIFICATE_KIND_OTHER);
      c.set_name("健康证");
      break;
    case Permit::kDriver:
      c.set_kind(CertificateKind::CERTIFICATE_KIND_OTHER);
      c.set_name("机动车驾驶证(A2)");
      break;
    case Permit::kNone:
      break;
  }
  return c;
}

// This year's fairs, in date order.
std::vector<labor::v1::JobFair> MakeFairs(int year) {
  const absl::CivilDay festival = SpringFestival(year);
  std::vector<labor::v1::JobFair> fairs;
  auto add = [&](FairKind kind, std::string name, absl::CivilDay start, absl::CivilDay end,
                 const char* region, std::string venue, std::string organizer) {
    labor::v1::JobFair f;
    f.set_name(std::move(name));
    f.set_kind(kind);
    *f.mutable_start_date() = ToDate(start);
    *f.mutable_end_date() = ToDate(end);
    f.set_venue_region(region);
    f.set_venue(std::move(venue));
    f.set_organizer(std::move(organizer));
    fairs.push_back(std::move(f));
  };
  const std::string bureau = "通川区人力资源和社会保障局";
  const std::string y = absl::StrCat(year, "年");
  add(FairKind::FAIR_KIND_EMPLOYMENT_AID_MONTH, y + "就业援助月专场招聘会",
      absl::CivilDay(year, 1, 15), absl::CivilDay(year, 1, 16), "511702004",
      "通川区公共就业服务中心", bureau);
  // Workers come home in the two weeks before the festival.
  add(FairKind::FAIR_KIND_WARM_WAY_HOME, y + "“温暖回家路”返乡农民工就业服务专场", festival - 12,
      festival - 10, "511702002", "达州火车站站前广场服务点", bureau + "、通川区总工会");
  // After the festival, before they leave again: the big 春风行动 fair in
  // February and a township one in March.
  absl::CivilDay spring = std::max(festival + 7, absl::CivilDay(year, 2, 1));
  add(FairKind::FAIR_KIND_SPRING_BREEZE, y + "春风行动大型招聘会", spring, spring + 2, "511702005",
      "通川区体育中心", bureau);
  add(FairKind::FAIR_KIND_SPRING_BREEZE, y + "春风行动罗江镇专场招聘会",
      absl::CivilDay(year, 3, 10), absl::CivilDay(year, 3, 10), "511702102", "罗江镇人民政府广场",
      bureau + "、罗江镇人民政府");
  // 送岗位下乡: a day in a rural town, through the year.
  struct Countryside {
    int month, day;
    const char* region;
    const char* town;
  };
  for (const Countryside& c : std::vector<Countryside>{{4, 15, "511702108", "碑庙镇"},
                                                       {6, 18, "511702103", "蒲家镇"},
                                                       {9, 16, "511702113", "金石镇"},
                                                       {11, 12, "511702112", "北山镇"},
                                                       {12, 10, "511702109", "磐石镇"}}) {
    absl::CivilDay day(year, c.month, c.day);
    add(FairKind::FAIR_KIND_JOBS_TO_COUNTRYSIDE, absl::StrCat(y, "送岗位下乡·", c.town, "专场"),
        day, day, c.region, absl::StrCat(c.town, "便民服务中心"),
        absl::StrCat(bureau, "、", c.town, "人民政府"));
  }
  add(FairKind::FAIR_KIND_PRIVATE_ENTERPRISE_WEEK, y + "民营企业招聘周",
      absl::CivilDay(year, 5, 18), absl::CivilDay(year, 5, 22), "511702003", "通川区人力资源市场",
      bureau + "、通川区工商业联合会");
  std::stable_sort(fairs.begin(), fairs.end(),
                   [](const labor::v1::JobFair& a, const labor::v1::JobFair& b) {
                     return FromDate(a.start_date()) < FromDate(b.start_date());
                   });
  return fairs;
}

class VacancyGenerator {
 public:
  explicit VacancyGenerator(const DemoVacancyOptions& options) : options_(options) {
    for (const SectorInfo& s : *kSectors) sector_weights_.push_back(s.weight);
  }

  DemoVacancyData Run() {
    DemoVacancyData data;
    const int vacancies = std::max(0, options_.vacancies);
    const int employers = std::max(12, (vacancies + 2) / 3);
    for (int i = 0; i < employers; ++i) data.employers.push_back(MakeEmployer(i));
    data.fairs = MakeFairs(static_cast<int>(options_.today.year()));
    for (int i = 0; i < vacancies; ++i) {
      std::optional<DemoVacancy> v = MakeVacancy(i, data);
      if (v.has_value()) data.vacancies.push_back(*std::move(v));
    }
    MakeListings(&data);
    return data;
  }

 private:
  DemoEmployer MakeEmployer(int index) {
    // Each employer has its own stream: employer i is the same whatever the
    // vacancy count.
    Rng rng(options_.seed ^ (0xD1B54A32D192ED03ULL * (static_cast<uint64_t>(index) + 1)));
    DemoEmployer de;
    // The first eight cover every sector once; the rest follow the weights.
    const SectorInfo& info = index < static_cast<int>(kSectors->size())
                                 ? (*kSectors)[index]
                                 : (*kSectors)[rng.Weighted(sector_weights_)];
    de.sector = info.sector;
    const Place& place = rng.Pick(info.places);
    labor::v1::Employer& e = de.employer;
    e.set_region(place.region);
    for (;;) {
      std::string name = absl::StrCat(place.name_prefix, rng.Pick(kTradeChars),
                                      rng.Pick(kTradeChars), rng.Pick(info.suffixes));
      if (employer_names_.insert(name).second) {
        e.set_name(name);
        break;
      }
    }
    for (;;) {
      std::string code = MakeCreditCode(rng, std::string(place.region).substr(0, 6));
      if (credit_codes_.insert(code).second) {
        e.set_credit_code(code);
        break;
      }
    }
    const bool male = rng.Chance(0.5);
    e.set_contact_name(rng.Pick(kSurnames) + rng.Pick(male ? kMaleGiven : kFemaleGiven) +
                       rng.Pick(male ? kMaleGiven : kFemaleGiven));
    e.set_contact_phone(absl::StrFormat("%s%08d", rng.Pick(kMobilePrefixes), rng.Below(100000000)));
    return de;
  }

  // "91" (market regulation, enterprise) + county + organization code
  // (newer ones "MA…") + GB 32100 check character.
  static std::string MakeCreditCode(Rng& rng, const std::string& county) {
    std::string body;
    if (rng.Chance(0.7)) {
      body = "MA";
      for (int i = 0; i < 6; ++i) body += kCodeAlphabet[rng.Below(sizeof(kCodeAlphabet) - 1)];
    } else {
      body = absl::StrFormat("%08d", rng.Below(100000000));
    }
    std::string first17 =
        absl::StrCat("91", county, body, std::string(1, OrganizationCodeCheckChar(body)));
    return first17 + CreditCodeCheckChar(first17);
  }

  std::optional<DemoVacancy> MakeVacancy(int index, const DemoVacancyData& data) {
    Rng rng(options_.seed ^ (0xA0761D6478BD642FULL * (static_cast<uint64_t>(index) + 1)));
    const int employers = static_cast<int>(data.employers.size());
    // Every employer posts at least once when there are enough vacancies.
    int employer = index < employers ? index : static_cast<int>(rng.Below(employers));
    // Never two postings the service would collapse: one per employer and
    // occupation (all of an employer's postings are in one county).
    for (int tries = 0; tries < employers; ++tries, employer = (employer + 1) % employers) {
      const DemoEmployer& de = data.employers[employer];
      std::vector<const JobTemplate*> open;
      std::vector<int> weights;
      for (const JobTemplate& job : *kJobs) {
        if (job.sector != de.sector) continue;
        if (used_.contains(absl::StrCat(employer, "/", job.code))) continue;
        open.push_back(&job);
        weights.push_back(3);
      }
      if (open.empty()) continue;
      const JobTemplate& job = *open[rng.Weighted(weights)];
      used_.insert(absl::StrCat(employer, "/", job.code));
      return MakeVacancyFrom(rng, index, employer, de, job, data);
    }
    return std::nullopt;
  }

  DemoVacancy MakeVacancyFrom(Rng& rng, int index, int employer, const DemoEmployer& de,
                              const JobTemplate& job, const DemoVacancyData& data) {
    const SectorInfo& info = InfoOf(de.sector);
    DemoVacancy dv;
    dv.employer = employer;
    dv.request_id = absl::StrCat("demo-", options_.seed, "-", options_.vacancies, "-", index);
    labor::v1::Vacancy& v = dv.vacancy;
    v.set_occupation_code(job.code);
    v.set_title(rng.Pick(SplitTitles(job.titles)));
    // Construction sites move around the district; other jobs are at the
    // employer's seat.
    const std::string& seat = de.employer.region();
    if (de.sector == kConstruction && seat.substr(0, 6) == "511702") {
      v.set_location(rng.Pick(*kTownships));
    } else {
      v.set_location(seat);
    }
    if (job.skill_chance > 0 && rng.Chance(job.skill_chance)) {
      labor::v1::Skill* s = v.add_required_skills();
      s->set_occupation_code(job.code);
      s->set_level(job.level);
    }
    if (job.permit != Permit::kNone) {
      *v.add_required_certificates() = PermitCertificate(job.permit);
    }
    labor::v1::Wage* w = v.mutable_wage();
    w->set_unit(job.unit);
    auto draw = [&](int64_t lo, int64_t hi, int64_t step) {
      return lo +
             step * static_cast<int64_t>(rng.Below(static_cast<uint64_t>((hi - lo) / step + 1)));
    };
    const int64_t min = draw(job.min_lo, job.min_hi, job.step);
    w->mutable_min()->set_fen(min);
    w->mutable_max()->set_fen(min + draw(job.spread_lo, job.spread_hi, job.step));
    if (job.unit == kPiece) {
      const int64_t monthly = draw(job.monthly.lo, job.monthly.hi, Y(100));
      w->mutable_monthly_min()->set_fen(monthly);
      w->mutable_monthly_max()->set_fen(monthly +
                                        draw(job.monthly.spread_lo, job.monthly.spread_hi, Y(100)));
    }
    v.set_headcount(rng.Range(job.headcount_lo, job.headcount_hi));
    labor::v1::Benefits* b = v.mutable_benefits();
    b->set_room(rng.Chance(info.room));
    b->set_board(rng.Chance(info.board));
    b->set_social_insurance(rng.Chance(info.social_insurance));
    v.set_working_hours(job.hours);
    std::string description = info.blurb;
    if (!v.required_certificates().empty()) {
      absl::StrAppend(
          &description, "需持", v.required_certificates(0).name(),
          v.required_certificates(0).kind() == CertificateKind::CERTIFICATE_KIND_SPECIAL_OPERATION
              ? "特种作业操作证"
              : "",
          "上岗。");
    }
    v.set_description(description);
    *v.mutable_expires_at() = EndOfDay(options_.today + rng.Range(20, 90));
    if (rng.Chance(0.3)) dv.fair = PickFair(rng, de.sector, data.fairs);
    if (!IsLocalSector(de.sector)) {
      dv.external_id =
          absl::StrFormat("%s-%d-%05d", PartnerCode(seat), options_.today.year(), index + 1);
    }
    return dv;
  }

  // Local employers go to every fair; outside ones to those aimed at
  // returning workers (温暖回家路, 春风行动, 民营企业招聘周).
  static int PickFair(Rng& rng, DemoSector sector, const std::vector<labor::v1::JobFair>& fairs) {
    std::vector<int> weights;
    for (const labor::v1::JobFair& f : fairs) {
      bool fits = IsLocalSector(sector) ? f.kind() != FairKind::FAIR_KIND_WARM_WAY_HOME
                                        : (f.kind() == FairKind::FAIR_KIND_WARM_WAY_HOME ||
                                           f.kind() == FairKind::FAIR_KIND_SPRING_BREEZE ||
                                           f.kind() == FairKind::FAIR_KIND_PRIVATE_ENTERPRISE_WEEK);
      weights.push_back(fits ? 1 : 0);
    }
    return static_cast<int>(rng.Weighted(weights));
  }

  // Five listings, four in force and one lifted early: construction labor
  // subcontractors first (where most arrears are), then logistics,
  // electronics and a restaurant. Their vacancies were posted before the
  // listing, so they show what a listing hides.
  void MakeListings(DemoVacancyData* data) {
    Rng rng(options_.seed ^ 0x8BB84B93962EACC9ULL);
    const std::vector<DemoSector> wanted = {kConstruction, kConstruction, kLogistics, kElectronics,
                                            kRestaurants};
    absl::flat_hash_set<int> taken;
    const absl::CivilDay today = options_.today;
    for (size_t n = 0; n < wanted.size(); ++n) {
      int pick = -1;
      for (int i = 0; i < static_cast<int>(data->employers.size()); ++i) {
        if (!taken.contains(i) && data->employers[i].sector == wanted[n]) {
          pick = i;
          break;
        }
      }
      for (int i = 0; pick < 0 && i < static_cast<int>(data->employers.size()); ++i) {
        if (!taken.contains(i)) pick = i;
      }
      if (pick < 0) break;
      taken.insert(pick);
      const DemoEmployer& de = data->employers[pick];
      const Authority& authority = AuthorityOf(de.employer.region());
      DemoListing listing;
      listing.employer = pick;
      const bool lifted = n + 1 == wanted.size();
      absl::CivilDay listed = today - (lifted ? rng.Range(400, 700) : rng.Range(20, 900));
      const int workers = rng.Range(6, 60);
      const int64_t owed = workers * rng.Range(8000, 30000);  // yuan
      listing.entry.set_reason(
          absl::StrFormat("拖欠%d名农民工工资共计%d.%d万元，经责令限期支付后逾期仍未支付", workers,
                          owed / 10000, (owed % 10000) / 1000));
      listing.entry.set_source(absl::StrFormat(
          "%s 《拖欠农民工工资失信联合惩戒对象名单列入决定书》%s欠薪失信决〔%d〕%d号",
          authority.name, authority.document, listed.year(), rng.Range(1, 40)));
      *listing.entry.mutable_listed_on() = ToDate(listed);
      if (lifted) {
        listing.lift_reason = "已足额支付拖欠工资并完成信用修复，经本人申请提前移出";
        listing.lifted_on = ToDate(std::min(listed + rng.Range(100, 300), today));
      }
      data->listings.push_back(std::move(listing));
    }
  }

  const DemoVacancyOptions& options_;
  std::vector<int> sector_weights_;
  absl::flat_hash_set<std::string> employer_names_, credit_codes_, used_;
};

}  // namespace

bool IsLocalSector(DemoSector sector) {
  return sector == DemoSector::kConstruction || sector == DemoSector::kFoodProcessing ||
         sector == DemoSector::kLogistics || sector == DemoSector::kDomesticService;
}

const std::vector<DemoJob>& DemoJobs() {
  static const auto* const kDemoJobs = [] {
    auto* jobs = new std::vector<DemoJob>;
    for (const JobTemplate& j : *kJobs) jobs->push_back({j.sector, j.code, j.name});
    return jobs;
  }();
  return *kDemoJobs;
}

DemoVacancyData GenerateDemoVacancyData(const DemoVacancyOptions& options) {
  return VacancyGenerator(options).Run();
}

labor::v1::ImportItem DemoImportItem(const DemoVacancyData& data, const DemoVacancy& vacancy) {
  labor::v1::ImportItem item;
  item.set_external_id(vacancy.external_id);
  *item.mutable_vacancy() = vacancy.vacancy;
  const labor::v1::Employer& e = data.employers[vacancy.employer].employer;
  item.mutable_vacancy()->set_employer_credit_code(e.credit_code());
  item.mutable_vacancy()->set_employer_name(e.name());
  return item;
}

std::vector<std::string> DemoVacancyDataToJsonLines(const DemoVacancyData& data) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  auto json = [&](const google::protobuf::Message& m) {
    std::string out;
    (void)google::protobuf::util::MessageToJsonString(m, &out, opts);
    return out;
  };
  auto quoted = [](absl::string_view s) {
    // The strings here are our own (codes, ids, fair names): no quotes or
    // control characters to escape.
    return absl::StrCat("\"", s, "\"");
  };
  std::vector<std::string> lines;
  for (const DemoEmployer& e : data.employers) {
    lines.push_back(absl::StrCat("{\"employer\":", json(e.employer), "}"));
  }
  for (const labor::v1::JobFair& f : data.fairs) {
    lines.push_back(absl::StrCat("{\"fair\":", json(f), "}"));
  }
  for (const DemoVacancy& v : data.vacancies) {
    std::string line =
        absl::StrCat("{\"vacancy\":", json(v.vacancy),
                     ",\"credit_code\":", quoted(data.employers[v.employer].employer.credit_code()),
                     ",\"request_id\":", quoted(v.request_id));
    if (!v.external_id.empty()) absl::StrAppend(&line, ",\"external_id\":", quoted(v.external_id));
    if (v.fair >= 0) absl::StrAppend(&line, ",\"fair\":", quoted(data.fairs[v.fair].name()));
    lines.push_back(line + "}");
  }
  for (const DemoListing& l : data.listings) {
    labor::v1::BlacklistEntry entry = l.entry;
    if (!l.lift_reason.empty()) {
      entry.set_lift_reason(l.lift_reason);
      *entry.mutable_lifted_on() = l.lifted_on;
    }
    lines.push_back(absl::StrCat("{\"listing\":", json(entry), ",\"credit_code\":",
                                 quoted(data.employers[l.employer].employer.credit_code()), "}"));
  }
  return lines;
}

absl::CivilDay SpringFestival(int year) {
  static const int kDays[][2] = {
      {1, 25}, {2, 12}, {2, 1}, {1, 22}, {2, 10}, {1, 29}, {2, 17}, {2, 6},  // 2020-2027
      {1, 26}, {2, 13}, {2, 3}, {1, 23}, {2, 11}, {1, 31}, {2, 19}, {2, 8},  // 2028-2035
  };
  if (year < 2020 || year > 2035) return absl::CivilDay(year, 2, 1);
  return absl::CivilDay(year, kDays[year - 2020][0], kDays[year - 2020][1]);
}

char OrganizationCodeCheckChar(absl::string_view body8) {
  static constexpr int kWeights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
  if (body8.size() != 8) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    const char c = body8[i];
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'A' && c <= 'Z') {
      v = c - 'A' + 10;
    } else {
      return '\0';
    }
    sum += v * kWeights[i];
  }
  const int check = 11 - sum % 11;
  if (check == 10) return 'X';
  if (check == 11) return '0';
  return static_cast<char>('0' + check);
}

}  // namespace labor::tools
