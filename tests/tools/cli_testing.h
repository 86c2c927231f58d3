// What the laborctl / labor-demo end-to-end tests share: running a built
// binary and capturing its output, JSON output, dates relative to today.
#pragma once

#include <google/protobuf/util/json_util.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "tests/testing/util.h"

namespace labor::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `binary` (built in this tree, or an absolute path) with `args`, each
// single-quoted (none may hold a quote); stderr goes through `err_path`.
inline CommandResult RunCommand(const std::string& binary, const std::vector<std::string>& args,
                                const std::string& err_path) {
  std::string cmd = absl::StartsWith(binary, "/") ? binary : BuiltBinary(binary);
  for (const auto& a : args) absl::StrAppend(&cmd, " '", a, "'");
  absl::StrAppend(&cmd, " 2>", err_path);
  CommandResult result;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) result.out.append(buf, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = ReadFileOrEmpty(err_path);
  return result;
}

// Today (Shanghai) plus `days`, as YYYY-MM-DD.
inline std::string DayFromToday(int days) {
  return absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), ShanghaiTime()) + days);
}

// A message from JSON output; a parse failure fails the test.
template <typename Message>
Message ParseJson(const std::string& text) {
  Message m;
  auto s = google::protobuf::util::JsonStringToMessage(text, &m);
  EXPECT_TRUE(s.ok()) << s.ToString() << "\n" << text;
  return m;
}

}  // namespace labor::testing
