// China's administrative division codes (统计用区划代码 2023) from data/regions.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace labor {

enum class RegionLevel { kProvince = 1, kCity = 2, kArea = 3, kStreet = 4 };

// The code of Tongchuan District and its city and province.
inline constexpr absl::string_view kTongchuanArea = "511702";
inline constexpr absl::string_view kDazhouCity = "5117";
inline constexpr absl::string_view kSichuanProvince = "51";

// Immutable after load; safe to share between threads.
class RegionRegistry {
 public:
  // Loads provinces.csv, cities.csv, areas.csv, streets.csv from `dir`.
  // NOT_FOUND when a file is missing, DATA_LOSS when one is malformed.
  static absl::StatusOr<std::unique_ptr<RegionRegistry>> LoadFromDir(const std::string& dir);

  // The level of an existing code: 2 digits province, 4 city, 6 area, 9 street.
  std::optional<RegionLevel> LevelOf(absl::string_view code) const;
  bool Exists(absl::string_view code) const { return LevelOf(code).has_value(); }
  // Official name ("通川区"), or "" when unknown.
  std::string Name(absl::string_view code) const;
  // "四川省达州市通川区罗江镇" style full name, or "" when unknown. Statistical
  // city placeholders (市辖区, 县, 省直辖县级行政区划) are left out, and a name
  // repeated at the start of the next level's name is written once (东莞市
  // 4419 / 441900; 济源市 419001 / 济源市沁园街道 419001001).
  std::string FullName(absl::string_view code) const;
  // Streets/townships of an area, sorted by code.
  std::vector<std::string> StreetsOf(absl::string_view area_code) const;

  // The project's canonical code (2, 4, 6 or 9 digits, as stored and as
  // RegionContains expects) of a region written in any standard form:
  // - the canonical codes themselves;
  // - 6-digit GB/T 2260 codes, as partners, WeChat forms and national systems
  //   write them: province "510000" -> "51", city "511700" -> "5117", county
  //   "511702" (a 6-digit code that is itself a county, such as 东莞市
  //   "441900", stays a county);
  // - 12-digit statistical codes (统计用区划代码): the 6-digit part as above
  //   and "000000" ("511702000000" -> "511702"), or a township + "000"
  //   ("511702102000" -> "511702102"); a village code (last 3 digits not 000)
  //   names its township, the finest level this project keeps.
  // Surrounding ASCII white space is ignored. INVALID_ARGUMENT saying why
  // (format or unknown code) otherwise; the message never names a field.
  // Every region code a request carries goes through here once, at intake.
  absl::StatusOr<std::string> Canonical(absl::string_view code) const;
  // Canonical() of a code that must be a township (street) under `area_code`
  // (normally a 6-digit area; a province or city code also works):
  // INVALID_ARGUMENT for a bad format, an unknown code, another level, or
  // "not a township of <area_code>".
  absl::StatusOr<std::string> CanonicalStreetIn(absl::string_view code,
                                                absl::string_view area_code) const;
  // Replaces *code with Canonical(*code); leaves it as it was on error.
  absl::Status Canonicalize(std::string* code) const;

  size_t size() const { return names_.size(); }

 private:
  RegionRegistry() = default;
  absl::flat_hash_map<std::string, std::string> names_;  // code -> name, all levels
  absl::flat_hash_map<std::string, std::vector<std::string>> streets_by_area_;
};

// "51" for "511702001": the province part of a code of any level ("" if too short).
absl::string_view ProvinceOf(absl::string_view code);
// Whether region code `code` lies within `prefix` (same code or a sub-region).
// Both must have the shape of a whole-level code (2, 4, 6 or 9 digits), so
// "5117" contains "511702001" but "51170" contains nothing. Existence is not
// checked (use RegionRegistry for that).
bool RegionContains(absl::string_view prefix, absl::string_view code);

}  // namespace labor
