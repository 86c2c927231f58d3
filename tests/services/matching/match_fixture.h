// Hand-made workers and vacancies for MatchingService tests, as protos (the
// form events and List pages carry) and as the index's records.
#pragma once

#include <memory>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/occupations.h"
#include "common/proto_util.h"
#include "common/regions.h"
#include "labor/v1/profile.pb.h"
#include "labor/v1/vacancy.pb.h"
#include "services/matching/match_model.h"
#include "tests/testing/util.h"

namespace labor::matching::testing {

inline constexpr char kWelder[] = "6-18-02-04";       // 焊工
inline constexpr char kSprayWelder[] = "6-18-03-04";  // 喷涂喷焊工 (other 小类, same 中类)
inline constexpr char kCook[] = "4-03-02-01";         // 中式烹调师
inline constexpr char kBricklayer[] = "6-29-01-01";   // 砌筑工
inline constexpr char kRebar[] = "6-29-01-04";        // 钢筋工 (same 小类 as 砌筑工)
inline constexpr char kElectrician[] = "6-31-01-03";  // 电工
inline constexpr char kLuojiang[] = "511702102";      // 罗江镇, 通川区
inline constexpr char kPujia[] = "511702103";         // 蒲家镇
inline constexpr char kXuanhan[] = "511722";          // 宣汉县, 达州市
inline constexpr char kChengduJinjiang[] = "510104";  // 锦江区, 成都市
inline constexpr char kShenzhen[] = "4403";

// 2026-11-29 10:00 Asia/Shanghai.
inline absl::Time TestNow() {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 29, 10, 0, 0), ShanghaiTime());
}

inline v1::Date MakeDate(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

inline v1::Worker BaseWorker(const std::string& id) {
  v1::Worker w;
  w.set_worker_id(id);
  w.set_version(1);
  w.set_hukou_township(kLuojiang);
  w.mutable_consent()->set_wechat(true);
  w.mutable_employment()->set_status(v1::EMPLOYMENT_STATUS_UNEMPLOYED);
  return w;
}

inline void AddSkill(v1::Worker* w, const std::string& code, v1::SkillLevel level) {
  v1::Skill* s = w->add_skills();
  s->set_occupation_code(code);
  s->set_level(level);
}

inline v1::Vacancy BaseVacancy(const std::string& id, const std::string& occupation,
                               const std::string& location) {
  v1::Vacancy v;
  v.set_vacancy_id(id);
  v.set_version(1);
  v.set_employer_id("e_1");
  v.set_occupation_code(occupation);
  v.set_title("岗位");
  v.set_location(location);
  v.set_status(v1::VACANCY_STATUS_OPEN);
  v.set_headcount(5);
  v.set_remaining(5);
  *v.mutable_posted_at() = ToProto(TestNow() - absl::Hours(24 * 3));
  *v.mutable_expires_at() = ToProto(TestNow() + absl::Hours(24 * 30));
  return v;
}

inline void SetMonthlyWage(v1::Vacancy* v, int64_t min_yuan, int64_t max_yuan) {
  v1::Wage* wage = v->mutable_wage();
  wage->set_unit(v1::WAGE_UNIT_MONTHLY);
  wage->mutable_min()->set_fen(min_yuan * 100);
  wage->mutable_max()->set_fen(max_yuan * 100);
  wage->mutable_monthly_min()->set_fen(min_yuan * 100);
  wage->mutable_monthly_max()->set_fen(max_yuan * 100);
}

inline void Require(v1::Vacancy* v, const std::string& code, v1::SkillLevel level) {
  v1::Skill* s = v->add_required_skills();
  s->set_occupation_code(code);
  s->set_level(level);
}

inline WorkerRec W(const v1::Worker& w) {
  auto rec = WorkerFromProto(w);
  LABOR_CHECK(rec.ok()) << rec.status();
  return *std::move(rec);
}

inline VacancyRec V(const v1::Vacancy& v) {
  auto rec = VacancyFromProto(v);
  LABOR_CHECK(rec.ok()) << rec.status();
  return *std::move(rec);
}

// The project's reference data (data/), loaded once per test binary.
inline const OccupationTaxonomy& Occupations() {
  static const OccupationTaxonomy* taxonomy = [] {
    auto loaded = OccupationTaxonomy::LoadFromDir(labor::testing::SourcePath("data/taxonomy"));
    LABOR_CHECK(loaded.ok()) << loaded.status();
    return loaded->release();
  }();
  return *taxonomy;
}

inline const RegionRegistry& Regions() {
  static const RegionRegistry* regions = [] {
    auto loaded = RegionRegistry::LoadFromDir(labor::testing::SourcePath("data/regions"));
    LABOR_CHECK(loaded.ok()) << loaded.status();
    return loaded->release();
  }();
  return *regions;
}

}  // namespace labor::matching::testing
