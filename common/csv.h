// The CSV reader of the reference data (data/regions, data/taxonomy,
// data/policy): one reader for every table, so quoting and line-end rules
// are the same everywhere.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace labor {

// Reads a CSV data file (data/regions, data/taxonomy): UTF-8 with an optional
// BOM, LF or CRLF line ends, fields optionally double-quoted ("" is a quote
// inside quotes; a quoted field may span lines). The first record is the
// header and must name every column in `columns`; every later record must have
// as many fields as the header (blank lines are skipped). `on_record` gets the
// fields of `columns`, in that order. NOT_FOUND when the file is missing;
// DATA_LOSS naming the file and line when it is malformed or when `on_record`
// returns an error.
absl::Status ForEachCsvRecord(
    const std::string& path, const std::vector<std::string>& columns,
    const std::function<absl::Status(const std::vector<std::string>& fields)>& on_record);

}  // namespace labor
