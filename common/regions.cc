#include "common/regions.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/csv.h"
#include "common/log.h"
#include "common/status.h"

namespace labor {
namespace {

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Code lengths of the four levels.
std::optional<RegionLevel> LevelForLength(size_t length) {
  switch (length) {
    case 2:
      return RegionLevel::kProvince;
    case 4:
      return RegionLevel::kCity;
    case 6:
      return RegionLevel::kArea;
    case 9:
      return RegionLevel::kStreet;
    default:
      return std::nullopt;
  }
}

inline constexpr absl::string_view kRegionFormat =
    "must be a region code: 2, 4, 6 (GB/T 2260) or 9 digits, or a 12-digit statistical code";
inline constexpr absl::string_view kStreetFormat =
    "must be a township (street) code: 9 digits or a 12-digit statistical code";

// A 2/4/6/9-digit string: the shape of a code of some level.
bool IsRegionCodeShape(absl::string_view code) {
  return AllDigits(code) && LevelForLength(code.size()).has_value();
}

// City-level rows that are statistical groupings, not part of a postal
// address ("北京市市辖区东城区" is written "北京市东城区").
bool IsPlaceholderCityName(absl::string_view name) {
  return name == "市辖区" || name == "县" || name == "省直辖县级行政区划" ||
         name == "自治区直辖县级行政区划";
}

}  // namespace

absl::StatusOr<std::unique_ptr<RegionRegistry>> RegionRegistry::LoadFromDir(
    const std::string& dir) {
  std::unique_ptr<RegionRegistry> registry(new RegionRegistry());
  auto& names = registry->names_;
  names.reserve(48000);

  // Each level: its file, its code length, and the columns naming its parent
  // (the parent must be loaded already and be the code's own prefix).
  struct LevelFile {
    const char* file;
    size_t length;
    std::vector<std::string> columns;  // code, name, parent (optional)
  };
  const LevelFile files[] = {
      {"provinces.csv", 2, {"code", "name"}},
      {"cities.csv", 4, {"code", "name", "provinceCode"}},
      {"areas.csv", 6, {"code", "name", "cityCode"}},
      {"streets.csv", 9, {"code", "name", "areaCode"}},
  };
  for (const LevelFile& level : files) {
    RETURN_IF_ERROR(ForEachCsvRecord(
        absl::StrCat(dir, "/", level.file), level.columns,
        [&](const std::vector<std::string>& f) -> absl::Status {
          const std::string& code = f[0];
          if (code.size() != level.length || !AllDigits(code)) {
            return absl::InvalidArgumentError(
                absl::StrCat("code must be ", level.length, " digits"));
          }
          if (f[1].empty()) return absl::InvalidArgumentError("empty name");
          if (f.size() > 2) {
            const std::string& parent = f[2];
            if (!absl::StartsWith(code, parent) || !names.contains(parent)) {
              return absl::InvalidArgumentError("parent code is unknown or not a prefix");
            }
          }
          if (!names.emplace(code, f[1]).second) {
            return absl::InvalidArgumentError(absl::StrCat("duplicate code ", code));
          }
          if (level.length == 9) registry->streets_by_area_[f[2]].push_back(code);
          return absl::OkStatus();
        }));
  }
  for (auto& [area, streets] : registry->streets_by_area_) {
    std::sort(streets.begin(), streets.end());
  }
  LABOR_LOG(INFO) << "loaded " << names.size() << " region codes from " << dir;
  return registry;
}

std::optional<RegionLevel> RegionRegistry::LevelOf(absl::string_view code) const {
  std::optional<RegionLevel> level = LevelForLength(code.size());
  if (!level.has_value() || !names_.contains(code)) return std::nullopt;
  return level;
}

std::string RegionRegistry::Name(absl::string_view code) const {
  auto it = names_.find(code);
  return it == names_.end() ? std::string() : it->second;
}

std::string RegionRegistry::FullName(absl::string_view code) const {
  if (!Exists(code)) return "";
  std::string out;
  std::string previous;
  for (size_t length : {2, 4, 6, 9}) {
    if (length > code.size()) break;
    const std::string& name = names_.find(code.substr(0, length))->second;
    if (length == 4 && IsPlaceholderCityName(name)) continue;
    // Cities without districts repeat the name one level down (东莞市 4419 /
    // 441900), and some townships start with it (济源市 / 济源市沁园街道).
    absl::string_view part = name;
    if (!previous.empty()) absl::ConsumePrefix(&part, previous);
    if (part.empty()) continue;
    absl::StrAppend(&out, part);
    previous = name;
  }
  return out;
}

std::vector<std::string> RegionRegistry::StreetsOf(absl::string_view area_code) const {
  auto it = streets_by_area_.find(area_code);
  return it == streets_by_area_.end() ? std::vector<std::string>() : it->second;
}

absl::StatusOr<std::string> RegionRegistry::Canonical(absl::string_view code) const {
  code = absl::StripAsciiWhitespace(code);
  if (!AllDigits(code)) return absl::InvalidArgumentError(kRegionFormat);
  if (code.size() == 12) {
    // 统计用区划代码: 6-digit county part, 3-digit township, 3-digit village.
    const absl::string_view township = code.substr(6, 3);
    if (township != "000") {
      const std::string street(code.substr(0, 9));
      if (!names_.contains(street)) return absl::InvalidArgumentError("unknown township code");
      return street;
    }
    if (code.substr(9) != "000") return absl::InvalidArgumentError(kRegionFormat);
    code = code.substr(0, 6);
  }
  if (code.size() == 6 && !names_.contains(code)) {
    // GB/T 2260 writes a province as xx0000 and a city as xxxx00; a county
    // code never ends in 00 unless it is one (441900 above).
    if (absl::EndsWith(code, "0000")) {
      code = code.substr(0, 2);
    } else if (absl::EndsWith(code, "00")) {
      code = code.substr(0, 4);
    }
  }
  if (!IsRegionCodeShape(code)) return absl::InvalidArgumentError(kRegionFormat);
  if (!names_.contains(code)) return absl::InvalidArgumentError("unknown region code");
  return std::string(code);
}

absl::StatusOr<std::string> RegionRegistry::CanonicalStreetIn(absl::string_view code,
                                                              absl::string_view area_code) const {
  const absl::string_view stripped = absl::StripAsciiWhitespace(code);
  if (!AllDigits(stripped) || (stripped.size() != 9 && stripped.size() != 12)) {
    return absl::InvalidArgumentError(kStreetFormat);
  }
  ASSIGN_OR_RETURN(std::string canonical, Canonical(stripped));
  if (canonical.size() != 9) return absl::InvalidArgumentError(kStreetFormat);
  if (!RegionContains(area_code, canonical)) {
    return absl::InvalidArgumentError(absl::StrCat("not a township of ", area_code));
  }
  return canonical;
}

absl::Status RegionRegistry::Canonicalize(std::string* code) const {
  absl::StatusOr<std::string> canonical = Canonical(*code);
  if (!canonical.ok()) return canonical.status();
  *code = *std::move(canonical);
  return absl::OkStatus();
}

absl::string_view ProvinceOf(absl::string_view code) {
  return code.size() < 2 ? absl::string_view() : code.substr(0, 2);
}

bool RegionContains(absl::string_view prefix, absl::string_view code) {
  return IsRegionCodeShape(prefix) && IsRegionCodeShape(code) && prefix.size() <= code.size() &&
         absl::StartsWith(code, prefix);
}

}  // namespace labor
