#include "tools/text_table.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"

namespace labor::tools {
namespace {

// Decodes one code point at `text[*pos]`, advancing *pos; returns -1 (and
// advances one byte) on malformed input.
int32_t NextCodePoint(absl::string_view text, size_t* pos) {
  unsigned char c = static_cast<unsigned char>(text[*pos]);
  int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || *pos + len > text.size()) {
    ++*pos;
    return -1;
  }
  int32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (int i = 1; i < len; ++i) {
    unsigned char cc = static_cast<unsigned char>(text[*pos + i]);
    if ((cc >> 6) != 0x2) {
      ++*pos;
      return -1;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  *pos += len;
  return cp;
}

bool IsZeroWidth(int32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) ||  // combining diacritics
         (cp >= 0x200B && cp <= 0x200F) ||  // zero-width space/joiners, marks
         (cp >= 0xFE00 && cp <= 0xFE0F) ||  // variation selectors
         cp == 0xFEFF;
}

// East Asian Width W/F ranges (Unicode UAX #11), the blocks that matter for
// Chinese text: Hangul Jamo, CJK radicals through Yi, Hangul syllables, CJK
// compatibility, vertical/compatibility forms, fullwidth forms, and the
// supplementary ideograph planes.
bool IsWide(int32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
         (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

}  // namespace

int DisplayWidth(absl::string_view text) {
  int width = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    int32_t cp = NextCodePoint(text, &pos);
    if (cp < 0) {
      width += 1;
    } else if (IsZeroWidth(cp)) {
      // nothing
    } else {
      width += IsWide(cp) ? 2 : 1;
    }
  }
  return width;
}

std::string PadRight(absl::string_view text, int width) {
  std::string out(text);
  int w = DisplayWidth(text);
  if (w < width) out.append(static_cast<size_t>(width - w), ' ');
  return out;
}

TextTable::TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::Render() const {
  std::vector<int> widths(headers_.size(), 0);
  for (size_t i = 0; i < headers_.size(); ++i) widths[i] = DisplayWidth(headers_[i]);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  auto render_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line += "  ";
      line += PadRight(cells[i], widths[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return absl::StrCat(line, "\n");
  };
  std::string out = render_line(headers_);
  std::vector<std::string> rule;
  for (int w : widths) rule.push_back(std::string(static_cast<size_t>(w), '-'));
  out += render_line(rule);
  for (const auto& row : rows_) out += render_line(row);
  return out;
}

}  // namespace labor::tools
