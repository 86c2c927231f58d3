// Rendering of NotificationService messages into each channel's format.
//
// Pure functions, no I/O: a payload (map of template keys, validated at
// enqueue time by ValidatePayload) becomes a Rendered message for one channel
// whose every field obeys that channel's hard limits:
//   - WeChat subscribe messages (一次性订阅消息): typed fields (thing <= 20
//     characters, phrase <= 5 汉字, time "2026年2月20日 09:00", ...), checked
//     by CheckWechatField;
//   - SMS (Aliyun-style templates): parameters <= 35 characters, no URLs,
//     and no recruitment content (SmsAllowed);
//   - kiosk screens: the whole message as plain text, <= 500 characters.
// "Characters" are Unicode code points throughout, never bytes. The catalog
// of templates (ids, fields, payload keys) is in README "Notifications".
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/map.h"
#include "labor/v1/common.pb.h"
#include "labor/v1/matching.pb.h"
#include "labor/v1/notification.pb.h"

namespace labor {
class RegionRegistry;
}

namespace labor::notify {

using Payload = google::protobuf::Map<std::string, std::string>;

// Limits the renderers and validators enforce.
inline constexpr size_t kMaxPayloadValueChars = 500;
inline constexpr size_t kMaxKioskTextChars = 500;
inline constexpr size_t kMaxSmsParamChars = 35;
// Shown instead of an empty required WeChat/SMS value.
inline constexpr absl::string_view kPlaceholder = "详见通知";

// What the payload of each kind must / may hold (for README and validation).
// Keys are listed in the order the README shows them.
struct PayloadSpec {
  std::vector<std::string> required, optional;
};
// The spec of `kind`; an empty spec for UNSPECIFIED or unknown kinds.
const PayloadSpec& SpecFor(v1::NotificationKind kind);

// Enqueue-time validation of a payload against SpecFor(kind).
// INVALID_ARGUMENT naming "kind" for UNSPECIFIED / unknown kinds, or
// "payload.<key>" for: a missing or blank required key, an unknown key, a
// value that is not valid UTF-8, holds control characters or is longer than
// kMaxPayloadValueChars, a date ("date", "end_date") that is not a real
// YYYY-MM-DD / YYYY/M/D / YYYY年M月D日 date, a time ("time") that is not
// HH:MM (optionally a range "08:30-17:00"), a score that is not 0..100. A key
// that is not a short ASCII identifier is reported as "payload".
absl::Status ValidatePayload(v1::NotificationKind kind, const Payload& payload);

// The dates of a payload ("date", "end_date") that parse, by key, for the
// caller's plausibility check (it knows today; ValidatePayload reports the
// ones that do not parse).
std::vector<std::pair<std::string, absl::CivilDay>> PayloadDates(const Payload& payload);

// Whether SMS may carry the kind: recruitment content (JOB_ALERT, and so job
// digests) may not (the gateway forbids it); the others may.
bool SmsAllowed(v1::NotificationKind kind);

struct Rendered {
  std::string template_id;                    // WeChat subscribe template name / SMS template code
  std::map<std::string, std::string> fields;  // template field -> value within its limit
  std::string text;  // the whole message as plain text (kiosk screen; never logged)
};

// One message for one channel. WECHAT: a subscribe-message template whose
// fields all pass CheckWechatField (links dropped), text = the full plain
// text. SMS: the SMS template code and its parameters (each passes
// CheckSmsParam), text = the filled-in SMS; an empty Rendered (no
// template_id) for kinds SMS may not carry (check SmsAllowed first). KIOSK
// (and UNSPECIFIED): template "KIOSK_<KIND>", fields "title" (<= 30
// characters) plus "vacancy_id" / "fair_id" when given, text = every detail
// and the match reasons within kMaxKioskTextChars. An unknown kind gives an
// empty Rendered. Expects a payload that passed ValidatePayload; anything
// else still renders within the limits (bad bytes become U+FFFD, control
// characters spaces, missing values placeholders).
Rendered Render(v1::NotificationKind kind, const Payload& payload, v1::Channel channel);

// Several job alerts waiting for one worker merged into one digest message
// ("3个新岗位：焊工(通川区罗江镇) 等"). The best alert (highest "score", first on a
// tie) leads, the others follow in order. One alert renders as a plain job
// alert; none, or SMS, give an empty Rendered. Null entries are skipped.
Rendered RenderDigest(const std::vector<const Payload*>& alerts, v1::Channel channel);

// The job-alert payload for one match of a VacancyMatches event: vacancy_id,
// title, wage ("4000-6000元/月", "面议"), location (the full place name),
// place (its short form: "通川区罗江镇"), reason (all match reasons, "；"
// separated), highlight (<= 20 characters: "技能要求全部满足，同乡镇"), score
// (0..100). Keys without a value are left out. Always passes ValidatePayload
// (long values are cut, bad characters replaced). With `regions`, the short
// place comes from the region codes; without, from the full name's text.
Payload JobAlertPayload(const v1::VacancyMatches& vacancy, const v1::Match& match,
                        const RegionRegistry* regions = nullptr);

// Monthly wage text from fen amounts (0 = not stated), whole yuan:
// "4000-6000元/月", "5000元/月", "4000元/月起", "最高6000元/月", "面议".
std::string WageText(int64_t min_fen, int64_t max_fen);

// The short form of a full place name: the province and (when something
// follows) the city are dropped, so "四川省达州市通川区罗江镇" -> "通川区罗江镇",
// "广东省深圳市南山区" -> "南山区", "重庆市万州区" -> "万州区",
// "四川省达州市" -> "达州市". A heuristic on the names' suffixes (省, 自治区,
// 市, 自治州, 地区, 盟); text it cannot split comes back unchanged.
std::string ShortPlaceName(absl::string_view full_name);

// OK when `value` may fill WeChat subscribe-message field `field_name` (type +
// index: thing1, phrase5, time2, amount3, character_string4, number1, date2,
// name1, phone_number3). INVALID_ARGUMENT saying which rule failed, or naming
// an unknown field type. Rules: thing 1..20 characters (汉字, letters, digits,
// punctuation; no emoji or control characters); phrase 1..5 汉字 only;
// character_string 1..32 printable ASCII (no spaces); number 1..32 digits
// (one decimal point allowed); amount [¥]digits(<= 10)[.dd][元]; time
// [YYYY年M月D日 ]HH:MM (a range joined by "~" allowed); date YYYY年M月D日
// [HH:MM] (a range by "~"); name <= 10 汉字 or <= 20 letters; phone_number
// <= 17 of digits, "+" and "-".
absl::Status CheckWechatField(absl::string_view field_name, absl::string_view value);

// OK when `value` may be an SMS template parameter: valid UTF-8, 1..35
// characters, no control characters, no URL-like text, no 【】 (reserved for
// the signature). INVALID_ARGUMENT saying which rule failed.
absl::Status CheckSmsParam(absl::string_view value);

// UTF-8 helpers (code points, not bytes). Each byte of an invalid sequence
// counts as one character.
size_t Utf8Length(absl::string_view s);
// `s` unchanged when it has at most `max_chars` characters; otherwise its
// first max_chars - 1 characters (trailing spaces dropped) and "…", so the
// result has at most max_chars characters. Never splits a UTF-8 sequence.
std::string TruncateUtf8(absl::string_view s, size_t max_chars);

}  // namespace labor::notify
