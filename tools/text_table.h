// Plain-text tables for terminals: columns aligned by display width, where
// CJK and fullwidth characters take two columns (so 区内就业 lines up with
// ASCII text).
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace labor::tools {

// Terminal columns of a UTF-8 string: 2 for East Asian wide/fullwidth code
// points, 0 for combining marks and zero-width characters, 1 otherwise.
// Invalid UTF-8 bytes count 1 each.
int DisplayWidth(absl::string_view text);

// `text` padded with spaces on the right to `width` display columns (never
// truncated).
std::string PadRight(absl::string_view text, int width);

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers);
  // Missing cells print empty; extra cells are ignored.
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }
  // Header, a dash rule, then the rows; columns separated by two spaces,
  // trailing spaces trimmed; every line ends with '\n'.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace labor::tools
