#include "services/notify/policy.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/clock.h"
#include "common/status.h"
#include "services/notify/sms_content.h"
#include "services/notify/templates.h"

namespace labor::notify {
namespace {

absl::StatusOr<int> ParseClock(absl::string_view hhmm) {
  std::vector<absl::string_view> parts = absl::StrSplit(hhmm, ':');
  int h = 0, m = 0;
  if (parts.size() != 2 || parts[0].size() != 2 || parts[1].size() != 2 ||
      !absl::SimpleAtoi(parts[0], &h) || !absl::SimpleAtoi(parts[1], &m) || h < 0 || h > 23 ||
      m < 0 || m > 59) {
    return absl::InvalidArgumentError("expected HH:MM-HH:MM, e.g. 22:00-08:00");
  }
  return h * 60 + m;
}

}  // namespace

absl::StatusOr<QuietHours> ParseQuietHours(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty() || text == "none") return QuietHours{0, 0};
  std::vector<absl::string_view> ends = absl::StrSplit(text, '-');
  if (ends.size() != 2) return absl::InvalidArgumentError("expected HH:MM-HH:MM, e.g. 22:00-08:00");
  ASSIGN_OR_RETURN(int start, ParseClock(ends[0]));
  ASSIGN_OR_RETURN(int end, ParseClock(ends[1]));
  return QuietHours{start, end};
}

absl::Time NextAllowedTime(absl::Time now, const QuietHours& quiet) {
  if (quiet.start_minute == quiet.end_minute) return now;
  const absl::TimeZone tz = ShanghaiTime();
  const absl::CivilSecond local = absl::ToCivilSecond(now, tz);
  const int minute = local.hour() * 60 + local.minute();
  const bool wraps = quiet.start_minute > quiet.end_minute;
  const bool inside = wraps ? (minute >= quiet.start_minute || minute < quiet.end_minute)
                            : (minute >= quiet.start_minute && minute < quiet.end_minute);
  if (!inside) return now;
  absl::CivilDay end_day = absl::CivilDay(local);
  if (wraps && minute >= quiet.start_minute) end_day += 1;
  const absl::CivilMinute end(end_day.year(), end_day.month(), end_day.day(), quiet.end_minute / 60,
                              quiet.end_minute % 60);
  return absl::FromCivil(end, tz);
}

int64_t ShanghaiDayNumber(absl::Time t) {
  const absl::CivilDay day = absl::ToCivilDay(t, ShanghaiTime());
  return day.year() * 10000 + day.month() * 100 + day.day();
}

absl::Duration BackoffDelay(const RetryPolicy& policy, int failed_attempts, double unit) {
  double seconds = absl::ToDoubleSeconds(policy.initial) *
                   std::pow(policy.multiplier, std::max(0, failed_attempts - 1));
  seconds = std::min(seconds, absl::ToDoubleSeconds(policy.max));
  const double factor = 1.0 - policy.jitter + 2.0 * policy.jitter * std::clamp(unit, 0.0, 1.0);
  return absl::Seconds(seconds * factor);
}

absl::Duration DefaultTtl(v1::NotificationKind kind) {
  switch (kind) {
    case v1::NOTIFICATION_KIND_JOB_ALERT:
      return absl::Hours(48);  // a two-day-old job alert is news nobody wants
    case v1::NOTIFICATION_KIND_RETURN_TRANSPORT:
      return absl::Hours(24);
    case v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT:
      return absl::Hours(72);
    default:
      return absl::Hours(24 * 7);
  }
}

Route ChooseChannel(v1::Channel requested, v1::NotificationKind kind,
                    const google::protobuf::Map<std::string, std::string>& payload,
                    const Contact& contact, bool sms_available) {
  struct Problem {
    std::string code, text;  // both empty: none
    std::string reason() const { return code.empty() ? "" : absl::StrCat(code, ": ", text); }
  };
  auto wechat_problem = [&]() -> Problem {
    if (!contact.consent_wechat) return {"no_consent", "本人未同意微信通知"};
    if (contact.wechat_openid.empty()) return {"no_openid", "未绑定微信"};
    return {};
  };
  // Consent first: for a worker who refused SMS what it could carry is moot.
  auto sms_problem = [&]() -> Problem {
    if (!contact.consent_sms) return {"no_consent", "本人未同意短信通知"};
    if (!SmsAllowed(kind)) {
      return {"sms_forbidden", "岗位信息不能经短信发送（短信网关不接受招聘类内容）"};
    }
    if (absl::Status content = CheckSmsContent(kind, payload); !content.ok()) {
      const std::string word = RecruitmentWordIn(content.message());
      return {"sms_content", absl::StrCat("短信网关不接受含招聘类词语",
                                          word.empty() ? "" : "“" + word + "”", "的内容")};
    }
    if (!sms_available) return {"sms_unavailable", "未配置短信网关"};
    return {};
  };
  Route route;
  switch (requested) {
    case v1::CHANNEL_WECHAT:
      route.suppressed = wechat_problem().reason();
      if (route.suppressed.empty()) route.channel = v1::CHANNEL_WECHAT;
      return route;
    case v1::CHANNEL_SMS:
      route.suppressed = sms_problem().reason();
      if (route.suppressed.empty()) route.channel = v1::CHANNEL_SMS;
      return route;
    case v1::CHANNEL_KIOSK:
      route.channel = v1::CHANNEL_KIOSK;
      return route;
    default: {
      const Problem wechat = wechat_problem();
      if (wechat.code.empty()) {
        route.channel = v1::CHANNEL_WECHAT;
        return route;
      }
      const Problem sms = sms_problem();
      if (sms.code.empty()) {
        route.channel = v1::CHANNEL_SMS;
        return route;
      }
      if (contact.consent_sms) {
        // The worker asked to be reached: the kiosk of their township shows
        // it, and an SMS without the content tells them to look there.
        route.channel = v1::CHANNEL_KIOSK;
        route.fallback = absl::StrCat("kiosk_fallback: ", wechat.text, "，", sms.text,
                                      "：改在户籍镇服务站自助终端显示");
        route.sms_notice = sms_available;
        return route;
      }
      route.suppressed = absl::StrCat("no_channel: ", wechat.text, "，", sms.text);
      return route;
    }
  }
}

std::string ChannelName(v1::Channel channel) {
  std::string name = v1::Channel_Name(channel);
  return std::string(absl::StripPrefix(name, "CHANNEL_"));
}

std::string StatusName(v1::NotificationStatus status) {
  std::string name = v1::NotificationStatus_Name(status);
  return std::string(absl::StripPrefix(name, "NOTIFICATION_STATUS_"));
}

std::string KindName(v1::NotificationKind kind) {
  std::string name = v1::NotificationKind_Name(kind);
  return std::string(absl::StripPrefix(name, "NOTIFICATION_KIND_"));
}

bool IsTerminal(v1::NotificationStatus status) {
  return status == v1::NOTIFICATION_STATUS_DELIVERED || status == v1::NOTIFICATION_STATUS_FAILED ||
         status == v1::NOTIFICATION_STATUS_EXPIRED || status == v1::NOTIFICATION_STATUS_SUPPRESSED;
}

}  // namespace labor::notify
