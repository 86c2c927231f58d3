// The delivery rules NotificationService applies to every message, as plain
// functions: quiet hours, retry backoff, default lifetimes, the Shanghai day
// a daily cap counts against, and which channel may carry a message.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "labor/v1/common.pb.h"
#include "labor/v1/notification.pb.h"
#include "services/notify/profile_directory.h"

namespace labor::notify {

// Quiet hours in Asia/Shanghai local time, [start, end), wrapping midnight
// when start > end. start == end means none.
struct QuietHours {
  int start_minute = 22 * 60;
  int end_minute = 8 * 60;
};

// "22:00-08:00" (or "" / "none" for no quiet hours). INVALID_ARGUMENT when
// malformed.
absl::StatusOr<QuietHours> ParseQuietHours(absl::string_view text);

// `now` when a non-urgent message may go now, else the end of the quiet
// window it falls in.
absl::Time NextAllowedTime(absl::Time now, const QuietHours& quiet);

// The Shanghai calendar day of `t` as yyyymmdd (the daily cap's day).
int64_t ShanghaiDayNumber(absl::Time t);

struct RetryPolicy {
  int max_attempts = 5;
  absl::Duration initial = absl::Seconds(2);
  double multiplier = 2.0;
  absl::Duration max = absl::Minutes(10);
  double jitter = 0.2;  // the delay is scaled by a factor in [1 - jitter, 1 + jitter)
};

// The wait before the next attempt after `failed_attempts` (>= 1) failures:
// initial * multiplier^(failed_attempts - 1), capped at max, scaled by the
// jitter factor that `unit` (uniform in [0, 1)) selects.
absl::Duration BackoffDelay(const RetryPolicy& policy, int failed_attempts, double unit);

// How long a message of `kind` lives when the caller gives no TTL.
absl::Duration DefaultTtl(v1::NotificationKind kind);

// Where a message goes: a channel, or why it goes nowhere.
struct Route {
  v1::Channel channel = v1::CHANNEL_UNSPECIFIED;
  std::string suppressed;  // "<code>: <plain Chinese>" when no channel may carry it
  // "kiosk_fallback: <why>" when the worker consented to SMS but SMS cannot
  // carry this message, so it goes to the kiosk of their township instead.
  std::string fallback;
  // With the fallback: also send SMS_SERVICE_NOTICE, which carries no
  // recruitment content and points the worker to the kiosk / official
  // account (an SMS gateway is configured).
  bool sms_notice = false;
};

// The requested channel if the worker consented to it and it can carry the
// message; for UNSPECIFIED the best one: WeChat, then SMS (never recruitment
// content: not the JOB_ALERT kind, nor a payload the gateway refuses,
// CheckSmsContent). A worker who consented to SMS that cannot carry the
// message gets the kiosk fallback (Route.fallback); one who consented to
// neither channel is suppressed ("no_channel", saying what is missing).
// KIOSK needs no consent: nothing is pushed, a kiosk shows it when the
// worker is there. `sms_available`: an SMS gateway is configured.
Route ChooseChannel(v1::Channel requested, v1::NotificationKind kind,
                    const google::protobuf::Map<std::string, std::string>& payload,
                    const Contact& contact, bool sms_available);

// Short names for logs, metrics and stats: "WECHAT", "DELIVERED", "JOB_ALERT".
std::string ChannelName(v1::Channel channel);
std::string StatusName(v1::NotificationStatus status);
std::string KindName(v1::NotificationKind kind);

bool IsTerminal(v1::NotificationStatus status);

}  // namespace labor::notify
