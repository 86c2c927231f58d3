// The 2022 occupational classification (职业分类大典) from data/taxonomy.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace labor {

struct Occupation {
  std::string code;         // "6-30-05-01"
  int level = 0;            // 1 大类, 2 中类, 3 小类, 4 细类
  std::string parent_code;  // "" for level 1
  std::string name;
  std::vector<std::string> aliases;
  bool green = false;
  bool digital = false;
};

// Immutable after load; safe to share between threads.
class OccupationTaxonomy {
 public:
  // Loads occupations.csv. NOT_FOUND / DATA_LOSS on a missing or malformed file.
  static absl::StatusOr<std::unique_ptr<OccupationTaxonomy>> LoadFromFile(const std::string& path);

  // nullptr for an unknown code.
  const Occupation* Find(absl::string_view code) const;
  // OK for a known code; INVALID_ARGUMENT saying why (format / unknown).
  absl::Status Validate(absl::string_view code) const;
  // OK for a syntactically valid code prefix that names a known node at some
  // level ("6", "6-30", "6-30-05", "6-30-05-01"), used by branch filters.
  absl::Status ValidatePrefix(absl::string_view prefix) const;
  // Maps a free-text job title to a code: exact official name or alias first,
  // then the longest alias/name contained in the title. nullopt if none.
  std::optional<std::string> MapTitle(absl::string_view title) const;
  // Name of a code ("" when unknown).
  std::string Name(absl::string_view code) const;
  size_t size() const { return by_code_.size(); }

 private:
  OccupationTaxonomy() = default;
  std::vector<Occupation> occupations_;
  absl::flat_hash_map<std::string, size_t> by_code_;
  absl::flat_hash_map<std::string, std::string> title_to_code_;  // names and aliases
  std::vector<std::pair<std::string, std::string>> titles_by_length_;  // longest first
};

// Whether occupation `code` is in the branch named by `prefix` ("6-30" covers
// "6-30-05-01"; compares whole segments, so "6-3" does not cover "6-30-…").
bool OccupationInBranch(absl::string_view prefix, absl::string_view code);

}  // namespace labor
