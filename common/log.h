// Minimal structured logging to stderr (Abseil 20220623 has no absl/log).
// Never pass PII (ID numbers, phones, names) to these: log worker ids.
#pragma once

#include <functional>
#include <sstream>
#include <string>
#include <string_view>

namespace labor {

enum class LogLevel {
  kDebug = 0,
  kInfo = 1,
  kWarning = 2,
  kError = 3,
  kFatal = 4,
  // Spellings for LABOR_LOG(INFO) etc.
  kDEBUG = kDebug,
  kINFO = kInfo,
  kWARNING = kWarning,
  kERROR = kError,
  kFATAL = kFatal,
};

// Messages below this level are dropped. Default kInfo; LABOR_LOG_LEVEL=debug|info|warning|error.
void SetMinLogLevel(LogLevel level);
LogLevel MinLogLevel();

// Also hands every line written (without its newline) to `sink`; lines
// still go to stderr. An empty function removes the sink. Tests capture
// logs through it.
using LogSink = std::function<void(LogLevel level, std::string_view line)>;
void SetLogSink(LogSink sink);

class LogMessage {
 public:
  LogMessage(LogLevel level, const char* file, int line);
  ~LogMessage();  // writes one line; aborts for kFatal
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;
  std::ostream& stream() { return stream_; }

 private:
  LogLevel level_;
  std::ostringstream stream_;
};

// Swallows a stream expression when the level is disabled.
struct LogVoidify {
  void operator&(std::ostream&) {}
};

}  // namespace labor

#define LABOR_LOG(level)                                 \
  (::labor::LogLevel::k##level < ::labor::MinLogLevel()) \
      ? (void)0                                          \
      : ::labor::LogVoidify() &                          \
            ::labor::LogMessage(::labor::LogLevel::k##level, __FILE__, __LINE__).stream()

// Crashes loudly on a broken invariant (never for bad input or outside failures).
#define LABOR_CHECK(cond)                                                                  \
  (cond) ? (void)0                                                                         \
         : ::labor::LogVoidify() &                                                         \
               ::labor::LogMessage(::labor::LogLevel::kFatal, __FILE__, __LINE__).stream() \
                   << "Check failed: " #cond " "
