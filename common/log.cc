#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace labor {
namespace {

LogLevel LevelFromEnv() {
  const char* env = std::getenv("LABOR_LOG_LEVEL");
  if (env == nullptr) return LogLevel::kInfo;
  std::string v = absl::AsciiStrToLower(env);
  if (v == "debug") return LogLevel::kDebug;
  if (v == "warning") return LogLevel::kWarning;
  if (v == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

std::atomic<int>& MinLevel() {
  static std::atomic<int> level{static_cast<int>(LevelFromEnv())};
  return level;
}

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "D";
    case LogLevel::kInfo:
      return "I";
    case LogLevel::kWarning:
      return "W";
    case LogLevel::kError:
      return "E";
    case LogLevel::kFatal:
      return "F";
  }
  return "?";
}

struct SinkSlot {
  std::atomic<bool> set{false};  // lines skip the lock while no sink is set
  absl::Mutex mu;
  LogSink sink ABSL_GUARDED_BY(mu);
};

SinkSlot& Sink() {
  static SinkSlot* slot = new SinkSlot;  // never destroyed: logging at exit stays safe
  return *slot;
}

}  // namespace

void SetLogSink(LogSink sink) {
  SinkSlot& slot = Sink();
  absl::MutexLock lock(&slot.mu);
  slot.set.store(static_cast<bool>(sink));
  slot.sink = std::move(sink);
}

void SetMinLogLevel(LogLevel level) { MinLevel().store(static_cast<int>(level)); }
LogLevel MinLogLevel() { return static_cast<LogLevel>(MinLevel().load()); }

LogMessage::LogMessage(LogLevel level, const char* file, int line) : level_(level) {
  const char* base = std::strrchr(file, '/');
  stream_ << LevelName(level) << ' '
          << absl::FormatTime("%Y-%m-%dT%H:%M:%E3S%Ez", absl::Now(), absl::LocalTimeZone()) << ' '
          << (base ? base + 1 : file) << ':' << line << "] ";
}

LogMessage::~LogMessage() {
  std::string line = stream_.str();
  if (SinkSlot& slot = Sink(); slot.set.load()) {
    absl::MutexLock lock(&slot.mu);
    if (slot.sink) slot.sink(level_, line);
  }
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
  if (level_ == LogLevel::kFatal) {
    std::fflush(stderr);
    std::abort();
  }
}

}  // namespace labor
