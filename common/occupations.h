// The 2022 occupational classification (职业分类大典) from data/taxonomy.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

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
  // Loads occupations.csv (code,level,parent_code,name,green,digital,aliases;
  // aliases '|'-separated). NOT_FOUND / DATA_LOSS on a missing or malformed
  // file. Rows repeating a code with the same name and parent are merged
  // (first row's level, union of aliases and flags); a conflicting repeat is
  // DATA_LOSS.
  static absl::StatusOr<std::unique_ptr<OccupationTaxonomy>> LoadFromFile(const std::string& path);
  // What the services load: `dir`/occupations.csv as above plus
  // `dir`/job_titles.csv (title,code,note: the titles job boards post, e.g.
  // 普工, 外卖骑手, 育婴员, each mapped to a code of the classification; a
  // title listed there wins over the classification's own claims on it).
  // NOT_FOUND / DATA_LOSS as above; an unknown code or a title listed twice
  // is DATA_LOSS.
  static absl::StatusOr<std::unique_ptr<OccupationTaxonomy>> LoadFromDir(const std::string& dir);

  // nullptr for an unknown code (full "D-DD-DD-DD" form only).
  const Occupation* Find(absl::string_view code) const;
  // OK for a known code; INVALID_ARGUMENT saying why (format / unknown).
  absl::Status Validate(absl::string_view code) const;
  // OK for a syntactically valid code prefix that names a known node at some
  // level ("6", "6-30", "6-30-05", "6-30-05-01"), used by branch filters.
  // Trailing "-00" segments are wildcards ("6-30-00-00" is the branch "6-30").
  // A prefix is known when at least one occupation code lies in its branch.
  absl::Status ValidatePrefix(absl::string_view prefix) const;
  // Maps a free-text job title to a code: exact official name or alias first,
  // then the longest alias/name contained in the title. nullopt if none.
  // Matching ignores surrounding white space and ASCII case; an alias that
  // starts or ends with an ASCII letter/digit only matches a whole ASCII word
  // ("ie" does not match inside "client"). When one title names several codes
  // (names repeat, "编辑" is a 小类 name and a 细类 alias), or several
  // contained titles are equally long, the most specific level wins, then the
  // smallest code.
  std::optional<std::string> MapTitle(absl::string_view title) const;
  // Name of a code ("" when unknown).
  std::string Name(absl::string_view code) const;
  size_t size() const { return by_code_.size(); }

 private:
  OccupationTaxonomy() = default;
  absl::Status LoadClassification(const std::string& path);
  absl::Status LoadJobTitles(const std::string& path);
  // Fills the title index and the branches from occupations_ and job_titles_.
  void BuildIndex();

  absl::flat_hash_map<std::string, std::string> job_titles_;  // title key -> code
  std::vector<Occupation> occupations_;
  absl::flat_hash_map<std::string, size_t> by_code_;
  absl::flat_hash_map<std::string, std::string> title_to_code_;        // names and aliases
  std::vector<std::pair<std::string, std::string>> titles_by_length_;  // longest first
  // First UTF-8 character of a title -> indexes into titles_by_length_, ascending.
  absl::flat_hash_map<std::string, std::vector<uint32_t>> titles_by_first_char_;
  absl::flat_hash_set<std::string> branches_;  // canonical prefixes ("6", "6-30", ...)
};

// Whether occupation `code` is in the branch named by `prefix` ("6-30" covers
// "6-30-05-01"; compares whole segments, so "6-3" does not cover "6-30-…").
// Trailing "-00" segments of either are wildcards: "6-30-00-00" (the 中类
// node) equals the branch "6-30". False when either is malformed.
bool OccupationInBranch(absl::string_view prefix, absl::string_view code);

}  // namespace labor
