// Test utilities: temporary directories, free loopback ports, and child
// processes (the real service binaries and redis-server).
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace labor::testing {

// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int PickFreePort();

// Reads a whole file ("" when missing).
std::string ReadFileOrEmpty(const std::string& path);
absl::Status WriteFile(const std::string& path, const std::string& contents);

// Path of a binary built in this build tree ("services/profile/profile_server").
std::string BuiltBinary(const std::string& relative);
// Path of a file in the source tree ("data").
std::string SourcePath(const std::string& relative);

// A child process with stdout+stderr redirected to a log file.
class Subprocess {
 public:
  Subprocess() = default;
  ~Subprocess();  // kills (SIGKILL) if still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  absl::Status Start(const std::vector<std::string>& argv, const std::string& log_path,
                     const std::map<std::string, std::string>& extra_env = {});
  // Sends `signal` and waits for exit (up to `timeout`, then SIGKILL).
  // Returns the raw wait status.
  int Stop(int signal, absl::Duration timeout = absl::Seconds(15));
  bool Running();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// Polls `path` until it holds a positive integer (a port), up to `timeout`.
absl::StatusOr<int> WaitForPortFile(const std::string& path, absl::Duration timeout);

}  // namespace labor::testing
