// City-scale synthetic workers and vacancies for the matching benchmarks:
// Tongchuan's migrant workers (hukou in the district's townships, many
// working in Guangdong, Zhejiang, Chengdu …) and the vacancies of a city's
// job boards, drawn from realistic, skewed distributions (a few occupations
// such as 砌筑工, 焊工, 电工, 中式烹调师, 家政服务员, 快递员 are very common;
// most are rare). Every record is a pure function of (seed, index), so the
// in-process engine, the brute-force scan and PostgreSQL load identical data
// without holding 1.7 million protobufs at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/occupations.h"
#include "common/regions.h"
#include "labor/v1/profile.pb.h"
#include "labor/v1/vacancy.pb.h"

namespace labor::bench {

struct CityDataOptions {
  uint64_t seed = 20261129;
  // The benchmark's "now": vacancies were posted in the 30 days before it
  // and expire after it; return plans cluster around the next Spring Festival.
  absl::Time now = absl::FromUnixSeconds(1796004000);  // 2026-11-30 10:00 Asia/Shanghai
};

class CityDataGenerator {
 public:
  // The taxonomy and registry must outlive the generator; every occupation
  // and region code generated exists in them.
  CityDataGenerator(const OccupationTaxonomy* occupations, const RegionRegistry* regions,
                    CityDataOptions options);

  // Worker number `i` (0-based): worker_id "w_" + 12 hex digits of i,
  // version 1, masked PII (no name, ID number or phone, as ProfileService's
  // events carry), hukou township, current location, 0..3 skills, 0..2
  // certificates, labor brand, employment status, preferences, return plan,
  // consent. Deterministic.
  v1::Worker Worker(int64_t i) const;
  // Vacancy number `i`: vacancy_id "v_" + 12 hex digits of i, version 1,
  // status OPEN, employer "e_" + hex, occupation, 1..3 required skills,
  // sometimes required certificates, location, normalized monthly wage (or
  // none), headcount/remaining, posted_at/expires_at, sometimes a fair id,
  // about 1% with employer_blacklisted. Deterministic.
  v1::Vacancy Vacancy(int64_t i) const;
  // The same records written into `out` (cleared first). For streaming
  // millions of records, pass messages created on a google::protobuf::Arena
  // that is reset every few hundred records: ~25% less CPU than Worker(i).
  void FillWorker(int64_t i, v1::Worker* out) const;
  void FillVacancy(int64_t i, v1::Vacancy* out) const;

  // The occupations drawn from, most common first (for picking query
  // filters in benchmarks).
  const std::vector<std::string>& occupation_codes() const { return occupation_codes_; }
  // The district's townships (9-digit codes).
  const std::vector<std::string>& townships() const { return townships_; }
  const CityDataOptions& options() const { return options_; }

 private:
  // One occupation of the curated list (index = popularity rank among workers).
  struct OccupationEntry {
    std::string code;
    std::string name;
    int median_monthly_yuan = 0;  // typical pay at a 1.0-wage destination
    double female_share = 0;
    int permit = -1;           // index into the special-operation permits, or -1
    bool core_permit = false;  // the permit is the trade's own licence (电工, 焊工 …)
    int brand = 0;             // v1::LaborBrand this trade belongs to, 0 for none
    // Other curated occupations in the same 小类 / in the same 中类 (but another
    // 小类), with cumulative supply and demand weights for picking related skills.
    std::vector<int> same_group[2];
    std::vector<double> same_group_supply_cdf[2];
    std::vector<double> same_group_demand_cdf[2];
  };
  // A region drawn from (6-digit area) with its class and streets.
  struct Place {
    std::string code;
    int region_class = 0;              // kTongchuan, kDazhou, kChengdu, … (match_data.cc)
    double wage_factor = 1.0;          // local pay relative to the big coastal cities
    std::vector<std::string> streets;  // its townships/streets (for township-level codes)
  };
  struct Employer {
    std::string id;
    int place = 0;         // index into places_
    std::string township;  // for employers in Tongchuan
    bool blacklisted = false;
    std::string credit_code;
    std::string name;
  };

  int PickOccupation(const std::vector<double>& cdf, double u) const;
  int PickRelated(int occupation, bool demand, uint64_t bits, double u) const;
  Employer EmployerOf(int64_t e) const;

  const OccupationTaxonomy* occupations_;
  const RegionRegistry* regions_;
  CityDataOptions options_;
  std::vector<std::string> occupation_codes_;
  std::vector<double> occupation_cdf_;          // workers' primary skills (supply)
  std::vector<double> vacancy_occupation_cdf_;  // vacancies (demand)
  std::vector<OccupationEntry> entries_;
  double brand_probability_ = 0;  // P(brand) for a worker whose first skill has one
  std::vector<std::string> townships_;
  std::vector<double> township_cdf_;
  // Where workers away from home are (areas outside Tongchuan), by weight.
  std::vector<std::string> destinations_;
  std::vector<double> destination_cdf_;
  std::vector<Place> places_;  // parallel to destinations_
  // Vacancy locations outside Tongchuan by class (indexes into places_).
  std::vector<int> places_by_class_[8];
  std::vector<Employer> employers_;  // EmployerOf(0 .. kEmployers-1), built once
  std::vector<double> place_cdf_by_class_[8];
  // Days since 1970-01-01 (Shanghai calendar) of options_.now and of the
  // next Spring Festival; integer days keep generation fast.
  int64_t today_ = 0;
  int64_t spring_festival_ = 0;
  int64_t last_spring_festival_ = 0;
};

}  // namespace labor::bench
