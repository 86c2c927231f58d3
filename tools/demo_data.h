// Deterministic synthetic migrant workers for Tongchuan's 18 townships, for
// demos, load tests and manual exploration. Pure: no I/O, no clock, no
// global randomness; the same options always give the same workers.
//
// Everything is made up but shaped like the real population: valid resident
// ID numbers (address code 511702, GB 11643 check character), households of
// 1-5 people in one township, construction trades and factory operators as
// the most common skills (real 2022 occupation codes), about 55% working
// outside the district (Guangdong, Zhejiang, Jiangsu, Chengdu, Chongqing …),
// Spring Festival 2027 return plans, and a few households where nobody works.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "labor/v1/profile.pb.h"

namespace labor::tools {

struct DemoOptions {
  uint64_t seed = 7;
  int workers = 2000;
  // "As of" date: every effective date is on or before it; availability and
  // the six-month rule are computed from it. labor-demo passes the current
  // Shanghai date; tests pin it.
  absl::CivilDay today = absl::CivilDay(2026, 11, 29);
  // Share of households (of two or more people) where nobody is employed.
  double zero_employment_household_share = 0.03;
};

// One synthetic worker: the RegisterWorker payload and the employment records
// to apply afterwards with UpdateEmployment, oldest first (the last one is the
// current status).
struct DemoWorker {
  labor::v1::Worker worker;  // input fields only (no worker_id, gender, birth date)
  std::vector<labor::v1::EmploymentRecord> employment;
  // What the ID number encodes (the service derives these; kept for checks).
  bool male = false;
  absl::CivilDay birth_date;
};

// An occupation the generator draws from, with its relative weights.
struct DemoOccupation {
  const char* code;  // 2022 classification, level 4
  const char* name;  // official name (for checks against the taxonomy)
  int male_weight;
  int female_weight;
  labor::v1::LaborBrand brand;  // brand the trade belongs to (UNSPECIFIED = none)
  const char* employer_suffix;  // e.g. "建筑劳务有限公司"
};
const std::vector<DemoOccupation>& DemoOccupations();

// A destination outside the district with its relative weight.
struct DemoDestination {
  const char* region_code;  // any level: "4419" Dongguan, "50" Chongqing
  const char* city_name;    // used in employer names
  int weight;
};
const std::vector<DemoDestination>& DemoDestinations();

// The 18 township codes of Tongchuan District (511702xxx), sorted.
const std::vector<std::string>& TongchuanTownships();

// Generates options.workers workers (households are cut to fit the count).
// Unique ID numbers, phones and openids within one call.
std::vector<DemoWorker> GenerateDemoWorkers(const DemoOptions& options);

// One JSON object per worker: {"worker": {...}, "employment": [{...}, ...]},
// proto field names, no newline.
std::string DemoWorkerToJson(const DemoWorker& worker);

// Whether `since` is at least six calendar months before `on` (the
// unemployment-registration rule: lived in town >= 6 months).
bool SixMonthsBefore(const labor::v1::Date& since, const labor::v1::Date& on);

}  // namespace labor::tools
