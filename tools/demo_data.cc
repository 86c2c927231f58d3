#include "tools/demo_data.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdint>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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
    AddCertificates(occ, w.skills(0), &w);
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
                       labor::v1::Worker* w) {
    absl::string_view code = occ.code;
    const absl::CivilDay today = options_.today;
    auto add_permit = [&](CertificateKind kind, const char* name, const char* issuer, double chance,
                          bool expires) {
      if (!attr_.Chance(chance)) return;
      labor::v1::Certificate* c = w->add_certificates();
      c->set_kind(kind);
      c->set_name(name);
      c->set_issuer(issuer);
      // Issued within the last ~5 years so a 6-year permit is still valid.
      absl::CivilDay issued = today - attr_.Range(30, 5 * 365);
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
      absl::CivilDay issued = today - attr_.Range(60, 8 * 365);
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

}  // namespace labor::tools
