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

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "labor/v1/profile.pb.h"
#include "labor/v1/vacancy.pb.h"

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

// ---------------------------------------------------------------------------
// Employers, vacancies, the wage-arrears blacklist and this year's job fairs
// for VacancyService. Same rules as the workers: pure, deterministic from the
// seed (and the vacancy count and `today`), everything made up but shaped
// like the real thing:
// - employers with valid unified social credit codes (GB 32100: "91" =
//   registered by market regulation, enterprise; the 6-digit county code of
//   the employer's seat; a GB 11714 organization code; the check character);
// - local jobs in Dazhou (Tongchuan's townships, 达川区): construction (daily
//   wages), food processing, logistics, domestic service; and the jobs
//   Tongchuan's workers go out for: electronics assembly in Guangdong,
//   textiles in Zhejiang (piece rates with the expected monthly figure),
//   machinery in Jiangsu, restaurants in Chengdu;
// - level-4 occupation codes of the 2022 classification, required skills
//   with minimum levels, special-operation permits where the law asks for
//   them (electricians, welders, scaffolders; the forklift permit);
// - a few employers on the wage-arrears blacklist (one lifted early);
// - this year's fairs: 就业援助月 (January), 温暖回家路 (before Spring
//   Festival), 春风行动 (February-March), 民营企业招聘周 (May) and several
//   送岗位下乡 in Tongchuan's townships.
// Nothing restricts applicants by gender, ethnicity, age or hukou.

struct DemoVacancyOptions {
  uint64_t seed = 7;
  int vacancies = 300;
  // Fairs are this date's year; expiry dates are counted from it.
  absl::CivilDay today = absl::CivilDay(2026, 11, 29);
};

// The kind of work an employer does, and so the jobs it posts.
enum class DemoSector {
  kConstruction,     // local
  kFoodProcessing,   // local
  kLogistics,        // local
  kDomesticService,  // local
  kElectronics,      // Guangdong
  kTextiles,         // Zhejiang
  kMachinery,        // Jiangsu
  kRestaurants,      // Chengdu
};
// Whether the sector's employers are in Dazhou (5117).
bool IsLocalSector(DemoSector sector);

struct DemoEmployer {
  // credit_code, name, region, contact_name, contact_phone (no id).
  labor::v1::Employer employer;
  DemoSector sector;
};

// A wage-arrears listing of employers[employer]. The loader fills
// entry.employer_id; lift_reason set = lifted early on lifted_on.
struct DemoListing {
  int employer = 0;
  labor::v1::BlacklistEntry entry;  // reason, source, listed_on
  std::string lift_reason;
  labor::v1::Date lifted_on;
};

// One job template a sector draws from (exposed for the tests).
struct DemoJob {
  DemoSector sector;
  const char* code;  // 2022 classification, level 4
  const char* name;  // its official name
};
const std::vector<DemoJob>& DemoJobs();

struct DemoVacancy {
  int employer = 0;  // index into DemoVacancyData::employers
  int fair = -1;     // index into DemoVacancyData::fairs when collected at a fair
  // PostVacancy request_id: "demo-<seed>-<count>-<index>", so a rerun of the
  // same data is recognized as a retry.
  std::string request_id;
  // The id a partner bureau would give it ("GD-2026-00042"); outside jobs
  // only, "" for local ones.
  std::string external_id;
  // What the poster supplies; the loader adds employer_id, and fair_ids and
  // a FAIR source for fair vacancies.
  labor::v1::Vacancy vacancy;
};

struct DemoVacancyData {
  std::vector<DemoEmployer> employers;
  std::vector<DemoListing> listings;
  std::vector<labor::v1::JobFair> fairs;  // input fields only (no ids)
  std::vector<DemoVacancy> vacancies;
};

// options.vacancies vacancies (>= 0) from max(12, ceil(vacancies / 3)) employers;
// employer i is the same for any count (its own random stream). No two
// vacancies are duplicates under the service's rule (same employer,
// occupation and county).
DemoVacancyData GenerateDemoVacancyData(const DemoVacancyOptions& options);

// The vacancy as a partner bureau's ImportItem: external_id, and the
// employer by credit code and name (partners do not know the district's
// employer ids). For outside vacancies (external_id set).
labor::v1::ImportItem DemoImportItem(const DemoVacancyData& data, const DemoVacancy& vacancy);

// One JSON object per line, proto field names: {"employer": …},
// {"listing": …, "credit_code": …}, {"fair": …}, {"vacancy": …,
// "credit_code": …, "request_id": …[, "fair": <name>]}.
std::vector<std::string> DemoVacancyDataToJsonLines(const DemoVacancyData& data);

// The first day of the lunar new year (春节) for 2020..2035; Feb 1 of other
// years.
absl::CivilDay SpringFestival(int year);

// GB 11714 check character of an 8-character organization code body (digits
// and upper-case letters), or '\0' on bad input.
char OrganizationCodeCheckChar(absl::string_view body8);

}  // namespace labor::tools
