#include "common/csv.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace labor {

absl::Status ForEachCsvRecord(
    const std::string& path, const std::vector<std::string>& columns,
    const std::function<absl::Status(const std::vector<std::string>& fields)>& on_record) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  std::string buffer;
  in.seekg(0, std::ios::end);
  const std::streamoff file_size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (file_size > 0) {
    buffer.resize(static_cast<size_t>(file_size));
    in.read(buffer.data(), file_size);
  }
  if (!in) return absl::DataLossError(absl::StrCat("cannot read ", path));

  absl::string_view data = buffer;
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  const size_t n = data.size();
  size_t i = 0;
  int line = 1;
  auto error = [&](int at_line, absl::string_view why) {
    return absl::DataLossError(absl::StrCat(path, ":", at_line, ": ", why));
  };

  // Parses one record starting at `i` into `fields`; false at end of input.
  std::vector<std::string> fields;
  size_t field_count = 0;
  absl::Status parse_error;
  bool blank = false;
  auto next_record = [&]() -> bool {
    // Field strings are reused across records to keep loading allocation-free.
    field_count = 0;
    blank = true;
    if (i >= n) return false;
    while (true) {
      if (field_count == fields.size()) fields.emplace_back();
      std::string& field = fields[field_count++];
      field.clear();
      if (i < n && data[i] == '"') {
        blank = false;
        const int open_line = line;
        ++i;
        while (true) {
          if (i >= n) {
            parse_error = error(open_line, "unterminated quoted field");
            return false;
          }
          const size_t quote = data.find('"', i);
          if (quote == absl::string_view::npos) {
            parse_error = error(open_line, "unterminated quoted field");
            return false;
          }
          const absl::string_view chunk = data.substr(i, quote - i);
          for (char c : chunk) line += c == '\n';
          field.append(chunk.data(), chunk.size());
          i = quote + 1;
          if (i < n && data[i] == '"') {  // "" is a literal quote
            field.push_back('"');
            ++i;
            continue;
          }
          break;
        }
        if (i < n && data[i] != ',' && data[i] != '\n' &&
            !(data[i] == '\r' && (i + 1 == n || data[i + 1] == '\n'))) {
          parse_error = error(line, "unexpected character after a quoted field");
          return false;
        }
      } else {
        const size_t start = i;
        while (i < n && data[i] != ',' && data[i] != '\n' &&
               !(data[i] == '\r' && (i + 1 == n || data[i + 1] == '\n'))) {
          if (data[i] == '"') {
            parse_error = error(line, "quote inside an unquoted field");
            return false;
          }
          ++i;
        }
        field.assign(data.data() + start, i - start);
        if (!field.empty()) blank = false;
      }
      if (i < n && data[i] == ',') {
        blank = false;
        ++i;
        continue;
      }
      // End of record: CRLF, LF, or end of input.
      if (i < n && data[i] == '\r') ++i;
      if (i < n && data[i] == '\n') {
        ++i;
        ++line;
      }
      return true;
    }
  };

  if (!next_record()) {
    if (!parse_error.ok()) return parse_error;
    return error(1, "missing header line");
  }
  const size_t width = field_count;
  std::vector<size_t> index;
  index.reserve(columns.size());
  for (const std::string& column : columns) {
    size_t k = 0;
    while (k < width && fields[k] != column) ++k;
    if (k == width) return error(1, absl::StrCat("header has no column ", column));
    index.push_back(k);
  }
  std::vector<std::string> projected(columns.size());
  while (true) {
    const int record_line = line;
    if (!next_record()) break;
    if (blank && field_count == 1) continue;
    if (field_count != width) {
      return error(record_line,
                   absl::StrCat("has ", field_count, " fields, the header has ", width));
    }
    // Swapping keeps both vectors' string buffers for the next record.
    for (size_t k = 0; k < index.size(); ++k) projected[k].swap(fields[index[k]]);
    if (absl::Status s = on_record(projected); !s.ok()) {
      return error(record_line, s.message());
    }
  }
  return parse_error;
}

}  // namespace labor
