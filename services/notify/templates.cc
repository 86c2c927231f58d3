#include "services/notify/templates.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/regions.h"
#include "common/status.h"
#include "common/validation.h"

namespace labor::notify {
namespace {

// ---------------------------------------------------------------------------
// UTF-8 decoding and character classes.

constexpr int32_t kReplacementChar = 0xFFFD;

void AppendUtf8(int32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsControl(int32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }
bool IsSpace(int32_t cp) { return cp == ' ' || cp == 0x3000 || cp == 0xA0; }
bool IsDigit(int32_t cp) { return cp >= '0' && cp <= '9'; }
bool IsAsciiLetter(int32_t cp) { return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'); }

// 汉字: the unified ideographs, extension A, compatibility ideographs and the
// supplementary-plane extensions (rare characters in names and places).
bool IsHan(int32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F);
}

// What a WeChat `thing` may hold: 汉字, letters of any script, digits and
// punctuation. Emoji and their building blocks (variation selectors, ZWJ,
// pictographic blocks), private-use, format and control characters are
// refused by WeChat (errcode 47003), so they are not allowed here.
bool ThingAllowed(int32_t cp) {
  if (cp < 0 || IsControl(cp)) return false;
  if (cp >= 0x10000) return cp >= 0x20000 && cp <= 0x3134F;  // only CJK extensions
  if (cp >= 0x200B && cp <= 0x200F) return false;            // zero-width, direction marks
  if (cp >= 0x2028 && cp <= 0x202E) return false;            // separators, embeddings
  if (cp >= 0x2060 && cp <= 0x206F) return false;            // invisible operators
  if (cp >= 0x2300 && cp <= 0x23FF) return false;            // ⌚ ⏰ …
  if (cp >= 0x2600 && cp <= 0x27BF) return false;            // ☀ ✅ ❤ …
  if (cp >= 0x2B00 && cp <= 0x2BFF) return false;            // ⭐ ⬆ …
  if (cp == 0x3030 || cp == 0x303D || cp == 0x3297 || cp == 0x3299) return false;
  if (cp >= 0xD800 && cp <= 0xF8FF) return false;  // surrogates, private use
  if (cp >= 0xFE00 && cp <= 0xFE0F) return false;  // variation selectors
  if (cp == 0xFEFF || cp >= 0xFFF0) return false;  // BOM, specials (incl. U+FFFD)
  return true;
}

std::vector<int32_t> CodePoints(absl::string_view s) {
  std::vector<int32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) out.push_back(DecodeUtf8(s, &i));
  return out;
}

std::string FromCodePoints(const std::vector<int32_t>& cps) {
  std::string out;
  for (int32_t cp : cps) AppendUtf8(cp < 0 ? kReplacementChar : cp, &out);
  return out;
}

// Invisible format characters: zero-width spaces and joiners, direction
// marks and embeddings, word joiners, the BOM. They carry nothing a reader
// sees (and are used to slip words past gateway filters).
bool IsInvisible(int32_t cp) {
  return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF;
}

// Valid UTF-8 with invalid bytes as U+FFFD, control characters as spaces and
// invisible characters dropped; runs of white space collapsed to one ASCII
// space, ends trimmed. `keep`, when given, drops the other characters it
// refuses.
std::string CleanText(absl::string_view s, bool (*keep)(int32_t) = nullptr) {
  std::vector<int32_t> out;
  bool pending_space = false;
  for (int32_t cp : CodePoints(s)) {
    if (cp < 0) cp = kReplacementChar;
    if (IsInvisible(cp)) continue;
    if (IsControl(cp) || IsSpace(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (keep != nullptr && !keep(cp)) continue;
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(cp);
  }
  return FromCodePoints(out);
}

// Cuts to at most `max_chars` code points without an ellipsis (for types
// whose alphabet has no "…").
std::string HardCut(absl::string_view s, size_t max_chars) {
  std::vector<int32_t> cps = CodePoints(s);
  if (cps.size() > max_chars) cps.resize(max_chars);
  return FromCodePoints(cps);
}

// ---------------------------------------------------------------------------
// Dates and times in payloads ("2026-02-20", "2026/2/20", "2026年2月20日";
// "09:00", "9:00-16:00").

// Reads 1..max_digits ASCII digits at s[*pos].
std::optional<int> ReadNumber(absl::string_view s, size_t* pos, int min_digits, int max_digits) {
  int value = 0;
  int digits = 0;
  while (*pos < s.size() && digits < max_digits && absl::ascii_isdigit(s[*pos])) {
    value = value * 10 + (s[*pos] - '0');
    ++*pos;
    ++digits;
  }
  if (digits < min_digits) return std::nullopt;
  return value;
}

bool Consume(absl::string_view s, size_t* pos, absl::string_view token) {
  if (s.substr(*pos).substr(0, token.size()) != token) return false;
  *pos += token.size();
  return true;
}

// A date at s[*pos] in one of the payload forms (or only the 年月日 form when
// `chinese_only`); advances *pos past it.
std::optional<absl::CivilDay> ReadDate(absl::string_view s, size_t* pos, bool chinese_only) {
  size_t p = *pos;
  auto year = ReadNumber(s, &p, 4, 4);
  if (!year) return std::nullopt;
  bool chinese = false;
  absl::string_view sep;
  if (Consume(s, &p, "年")) {
    chinese = true;
  } else if (chinese_only) {
    return std::nullopt;
  } else if (p < s.size() && (s[p] == '-' || s[p] == '/' || s[p] == '.')) {
    sep = s.substr(p, 1);
    ++p;
  } else {
    return std::nullopt;
  }
  auto month = ReadNumber(s, &p, 1, 2);
  if (!month || !Consume(s, &p, chinese ? absl::string_view("月") : sep)) return std::nullopt;
  auto day = ReadNumber(s, &p, 1, 2);
  if (!day || (chinese && !Consume(s, &p, "日"))) return std::nullopt;
  if (*year < 1900 || !ValidateCivilDate(*year, *month, *day).ok()) return std::nullopt;
  *pos = p;
  return absl::CivilDay(*year, *month, *day);
}

std::optional<absl::CivilDay> ParseDate(absl::string_view s) {
  size_t pos = 0;
  auto day = ReadDate(s, &pos, /*chinese_only=*/false);
  if (!day || pos != s.size()) return std::nullopt;
  return day;
}

struct Clock {
  int hour = 0;
  int minute = 0;
};

std::optional<Clock> ReadClock(absl::string_view s, size_t* pos) {
  size_t p = *pos;
  auto hour = ReadNumber(s, &p, 1, 2);
  if (!hour || !Consume(s, &p, ":")) return std::nullopt;
  auto minute = ReadNumber(s, &p, 2, 2);
  if (!minute || *hour > 23 || *minute > 59) return std::nullopt;
  *pos = p;
  return Clock{*hour, *minute};
}

struct ClockRange {
  Clock from;
  std::optional<Clock> to;
};

// "09:00", or a range "09:00-16:00" / "09:00~16:00" / "09:00至16:00".
std::optional<ClockRange> ParseClockRange(absl::string_view s) {
  size_t pos = 0;
  auto from = ReadClock(s, &pos);
  if (!from) return std::nullopt;
  ClockRange range{*from, std::nullopt};
  if (pos == s.size()) return range;
  if (!Consume(s, &pos, "-") && !Consume(s, &pos, "~") && !Consume(s, &pos, "～") &&
      !Consume(s, &pos, "至")) {
    return std::nullopt;
  }
  auto to = ReadClock(s, &pos);
  if (!to || pos != s.size()) return std::nullopt;
  range.to = *to;
  return range;
}

std::string DateText(absl::CivilDay d) {
  return absl::StrCat(d.year(), "年", d.month(), "月", d.day(), "日");
}
std::string ClockText(Clock c) {
  return absl::StrCat(absl::Dec(c.hour, absl::kZeroPad2), ":",
                      absl::Dec(c.minute, absl::kZeroPad2));
}
std::string ClockRangeText(const ClockRange& r) {
  return r.to ? absl::StrCat(ClockText(r.from), "-", ClockText(*r.to)) : ClockText(r.from);
}

// ---------------------------------------------------------------------------
// Payload access.

std::string Get(const Payload& payload, absl::string_view key) {
  auto it = payload.find(std::string(key));
  return it == payload.end() ? std::string() : CleanText(it->second);
}

// "2026年2月20日" (+ " 09:00" when `with_time` and the payload has a time),
// or the raw date text when it does not parse (a payload that skipped
// validation).
std::string WhenText(const Payload& payload, bool with_time, bool full_range) {
  const std::string date = Get(payload, "date");
  const std::string time = Get(payload, "time");
  std::string out;
  if (auto d = ParseDate(date)) {
    out = DateText(*d);
    if (full_range) {
      auto end = ParseDate(Get(payload, "end_date"));
      if (end && *end > *d) {
        absl::StrAppend(&out, "至",
                        end->year() == d->year()
                            ? absl::StrCat(end->month(), "月", end->day(), "日")
                            : DateText(*end));
      }
    }
  } else {
    out = date;
  }
  if (!with_time || time.empty()) return out;
  if (auto clock = ParseClockRange(time)) {
    absl::StrAppend(&out, out.empty() ? "" : " ",
                    full_range ? ClockRangeText(*clock) : ClockText(clock->from));
  } else if (full_range) {
    absl::StrAppend(&out, out.empty() ? "" : " ", time);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Links, which neither SMS parameters nor WeChat fields may carry.

bool UrlChar(char c) {
  return absl::ascii_isalnum(c) ||
         absl::string_view("-._~:/?#@!$&'*+,;=%").find(c) != absl::string_view::npos;
}

constexpr std::array<absl::string_view, 27> kTopLevelDomains = {
    "com", "cn",  "net",  "org",  "gov", "edu",  "info", "top",  "xyz",
    "io",  "me",  "cc",   "tv",   "vip", "shop", "site", "club", "online",
    "co",  "biz", "mobi", "wang", "ltd", "link", "app",  "ink",  "work"};

// Whether an ASCII run looks like a link: a scheme, "www.", or a host whose
// last label is a common top-level domain ("dwz.cn/x", "tc.gov.cn").
bool LooksLikeUrl(absl::string_view run) {
  const std::string lower = absl::AsciiStrToLower(run);
  if (absl::StrContains(lower, "://") || absl::StrContains(lower, "www.")) return true;
  const absl::string_view host = absl::string_view(lower).substr(0, lower.find_first_of("/:?#"));
  const size_t dot = host.rfind('.');
  if (dot == absl::string_view::npos || dot == 0) return false;
  absl::string_view tld = host.substr(dot + 1);
  while (!tld.empty() && !absl::ascii_isalpha(tld.back())) tld.remove_suffix(1);
  for (absl::string_view known : kTopLevelDomains) {
    if (tld == known) return true;
  }
  return false;
}

// Byte ranges [begin, end) of the URL-like ASCII runs in `s`.
std::vector<std::pair<size_t, size_t>> UrlRuns(absl::string_view s) {
  std::vector<std::pair<size_t, size_t>> runs;
  for (size_t i = 0; i < s.size();) {
    if (!UrlChar(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && UrlChar(s[j])) ++j;
    if (LooksLikeUrl(s.substr(i, j - i))) runs.emplace_back(i, j);
    i = j;
  }
  return runs;
}

std::string RemoveUrls(absl::string_view s) {
  std::string out;
  size_t at = 0;
  for (auto [begin, end] : UrlRuns(s)) {
    absl::StrAppend(&out, s.substr(at, begin - at));
    at = end;
  }
  absl::StrAppend(&out, s.substr(at));
  return out;
}

std::string SmsParam(absl::string_view value) {
  std::string clean = RemoveUrls(CleanText(value));
  absl::StrReplaceAll({{"【", "["}, {"】", "]"}}, &clean);
  std::string out = TruncateUtf8(CleanText(clean), kMaxSmsParamChars);
  return out.empty() ? std::string(kPlaceholder) : out;
}

// ---------------------------------------------------------------------------
// Field renderers: each returns a value that passes its type's check.

// Links are dropped too: a subscribe message cannot open them, and a
// truncated one is worse than none.
std::string Thing(absl::string_view value) {
  std::string clean = TruncateUtf8(CleanText(RemoveUrls(CleanText(value, &ThingAllowed))), 20);
  return clean.empty() ? std::string(kPlaceholder) : clean;
}

std::string Phrase(absl::string_view value) {
  std::string clean = CleanText(value, &IsHan);
  // The space CleanText keeps between words is not a 汉字 either.
  clean.erase(std::remove(clean.begin(), clean.end(), ' '), clean.end());
  clean = HardCut(clean, 5);
  return clean.empty() ? std::string("通知") : clean;
}

// A WeChat date/time value from a payload's date and (start) time, valid for
// the field type: date "2026年2月20日[ 09:00]", time "[2026年2月20日 ]09:00".
// Only a payload that skipped ValidatePayload lacks the part the type needs;
// it gets a fixed valid value (WeChat rejects an invalid one) while the text
// still shows what was given.
std::string WechatWhen(const Payload& payload, bool date_type) {
  auto d = ParseDate(Get(payload, "date"));
  auto clock = ParseClockRange(Get(payload, "time"));
  if (date_type) {
    if (!d) return "1970年1月1日";
    return clock ? absl::StrCat(DateText(*d), " ", ClockText(clock->from)) : DateText(*d);
  }
  if (!clock) return "00:00";
  return d ? absl::StrCat(DateText(*d), " ", ClockText(clock->from)) : ClockText(clock->from);
}

// ---------------------------------------------------------------------------
// Plain text (kiosk screens, the WeChat detail page, the SMS body).

// Joins non-empty "label：value" lines under a headline, within the kiosk
// limit (later lines are cut first because the text is cut at its end).
std::string TextOf(absl::string_view headline,
                   const std::vector<std::pair<absl::string_view, std::string>>& lines) {
  std::string text(headline);
  for (const auto& [label, value] : lines) {
    if (value.empty()) continue;
    absl::StrAppend(&text, "\n", label, label.empty() ? "" : "：", value);
  }
  return TruncateUtf8(text, kMaxKioskTextChars);
}

absl::string_view KindCode(v1::NotificationKind kind) {
  switch (kind) {
    case v1::NOTIFICATION_KIND_JOB_ALERT:
      return "JOB_ALERT";
    case v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT:
      return "FAIR_ANNOUNCEMENT";
    case v1::NOTIFICATION_KIND_POLICY_NOTICE:
      return "POLICY_NOTICE";
    case v1::NOTIFICATION_KIND_RETURN_TRANSPORT:
      return "RETURN_TRANSPORT";
    case v1::NOTIFICATION_KIND_FREE_TEXT:
      return "FREE_TEXT";
    default:
      return "";
  }
}

Rendered Kiosk(v1::NotificationKind kind, std::string title, std::string text,
               std::map<std::string, std::string> ids = {}) {
  Rendered r;
  r.template_id = absl::StrCat("KIOSK_", KindCode(kind));
  r.fields = std::move(ids);
  r.fields["title"] = title.empty() ? std::string(kPlaceholder) : TruncateUtf8(title, 30);
  r.text = text.empty() ? std::string(kPlaceholder) : std::move(text);
  return r;
}

// ---------------------------------------------------------------------------
// Job alerts.

// Where the job is, short: the "place" key, else the short form of
// "location".
std::string PlaceOf(const Payload& payload) {
  std::string place = Get(payload, "place");
  if (place.empty()) place = ShortPlaceName(Get(payload, "location"));
  return place;
}

// The one-line reason: "highlight", else the first of the "reason" lines.
std::string HighlightOf(const Payload& payload) {
  std::string highlight = Get(payload, "highlight");
  if (!highlight.empty()) return highlight;
  const std::string reasons = Get(payload, "reason");
  return std::string(absl::StripAsciiWhitespace(
      std::vector<absl::string_view>(absl::StrSplit(reasons, "；")).front()));
}

std::string WageOf(const Payload& payload) {
  std::string wage = Get(payload, "wage");
  return wage.empty() ? "面议" : wage;
}

std::string ScoreText(const Payload& payload) {
  const std::string score = Get(payload, "score");
  return score.empty() ? "" : absl::StrCat(score, "%");
}

std::string JobAlertText(const Payload& payload) {
  std::string location = Get(payload, "location");
  if (location.empty()) location = Get(payload, "place");
  return TextOf(absl::StrCat("【新岗位】", Get(payload, "title")),
                {{"工资", WageOf(payload)},
                 {"地点", location},
                 {"匹配度", ScoreText(payload)},
                 {"推荐理由", Get(payload, "reason")}});
}

Rendered RenderJobAlert(const Payload& payload, v1::Channel channel) {
  if (channel == v1::CHANNEL_SMS) return {};
  const std::string title = Get(payload, "title");
  if (channel == v1::CHANNEL_WECHAT) {
    Rendered r;
    r.template_id = "WX_JOB_ALERT";
    r.fields = {{"thing1", Thing(title)},
                {"thing2", Thing(WageOf(payload))},
                {"thing3", Thing(PlaceOf(payload))},
                {"thing4", Thing(HighlightOf(payload))},
                {"phrase5", Phrase("新岗位")}};
    r.text = JobAlertText(payload);
    return r;
  }
  std::map<std::string, std::string> ids;
  if (std::string id = Get(payload, "vacancy_id"); !id.empty()) ids["vacancy_id"] = id;
  return Kiosk(v1::NOTIFICATION_KIND_JOB_ALERT, absl::StrCat("新岗位：", title),
               JobAlertText(payload), std::move(ids));
}

// "焊工(通川区罗江镇)" within `max_chars`: the place goes first when space
// runs out, then the title is cut.
std::string JobLabel(const Payload& payload, size_t max_chars) {
  const std::string title = CleanText(Get(payload, "title"), &ThingAllowed);
  const std::string place = CleanText(PlaceOf(payload), &ThingAllowed);
  if (title.empty()) return TruncateUtf8(place, max_chars);
  if (!place.empty()) {
    std::string label = absl::StrCat(title, "(", place, ")");
    if (Utf8Length(label) <= max_chars) return label;
  }
  return TruncateUtf8(title, max_chars);
}

// The other jobs of a digest in at most `max_chars`: "电工、厨师" when all
// fit, else as many titles as fit and "等N个", else the first title cut.
std::string RestSummary(const std::vector<const Payload*>& rest, size_t max_chars) {
  std::vector<std::string> titles;
  for (const Payload* p : rest) {
    std::string t = CleanText(Get(*p, "title"), &ThingAllowed);
    titles.push_back(t.empty() ? "岗位" : t);
  }
  const std::string total = absl::StrCat("等", rest.size(), "个");
  for (size_t k = titles.size(); k >= 1; --k) {
    std::string s = absl::StrJoin(titles.begin(), titles.begin() + k, "、");
    if (k < titles.size()) absl::StrAppend(&s, total);
    if (Utf8Length(s) <= max_chars) return s;
  }
  if (titles.size() == 1) return TruncateUtf8(titles[0], max_chars);
  const size_t room = max_chars > Utf8Length(total) ? max_chars - Utf8Length(total) : 1;
  return absl::StrCat(TruncateUtf8(titles[0], room), total);
}

int ScoreOf(const Payload& payload) {
  int score = -1;
  if (!absl::SimpleAtoi(Get(payload, "score"), &score)) return -1;
  return score;
}

// ---------------------------------------------------------------------------
// Payload specs and validation.

const PayloadSpec& EmptySpec() {
  static const PayloadSpec* const kSpec = new PayloadSpec();
  return *kSpec;
}

bool IsDateKey(absl::string_view key) { return key == "date" || key == "end_date"; }

// A key fit to appear in a field path: a short ASCII identifier.
bool PrintableKey(absl::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '_' || c == '-'; });
}

// ---------------------------------------------------------------------------
// WeChat field checks.

absl::Status Bad(absl::string_view why) { return absl::InvalidArgumentError(why); }

// point = [YYYY年M月D日 ]HH:MM (time) or YYYY年M月D日[ HH:MM] (date).
bool ReadWhenPoint(absl::string_view s, size_t* pos, bool date_type) {
  size_t p = *pos;
  auto day = ReadDate(s, &p, /*chinese_only=*/true);
  if (date_type) {
    if (!day) return false;
    size_t q = p;
    if (Consume(s, &q, " ") && ReadClock(s, &q)) p = q;
  } else if (day) {
    if (!Consume(s, &p, " ") || !ReadClock(s, &p)) return false;
  } else if (!ReadClock(s, &p)) {
    return false;
  }
  *pos = p;
  return true;
}

bool ValidWhen(absl::string_view s, bool date_type) {
  size_t pos = 0;
  if (!ReadWhenPoint(s, &pos, date_type)) return false;
  if (pos == s.size()) return true;
  if (!Consume(s, &pos, "~") || !ReadWhenPoint(s, &pos, date_type)) return false;
  return pos == s.size();
}

absl::Status CheckThing(absl::string_view value) {
  std::vector<int32_t> cps = CodePoints(value);
  if (std::find(cps.begin(), cps.end(), -1) != cps.end()) return Bad("is not valid UTF-8");
  if (cps.empty() || std::all_of(cps.begin(), cps.end(), IsSpace)) return Bad("is empty");
  if (cps.size() > 20) return Bad("thing: more than 20 characters");
  for (int32_t cp : cps) {
    if (!ThingAllowed(cp)) return Bad("thing: emoji, control or invisible character");
  }
  return absl::OkStatus();
}

absl::Status CheckAllOf(absl::string_view value, size_t max_chars, bool (*allowed)(int32_t),
                        absl::string_view type, absl::string_view alphabet) {
  std::vector<int32_t> cps = CodePoints(value);
  if (cps.empty()) return Bad("is empty");
  if (cps.size() > max_chars) {
    return Bad(absl::StrCat(type, ": more than ", max_chars, " characters"));
  }
  for (int32_t cp : cps) {
    if (cp < 0 || !allowed(cp)) return Bad(absl::StrCat(type, ": only ", alphabet));
  }
  return absl::OkStatus();
}

bool PrintableAscii(int32_t cp) { return cp > 0x20 && cp < 0x7F; }
bool PhoneChar(int32_t cp) { return IsDigit(cp) || cp == '+' || cp == '-'; }
bool NameLetter(int32_t cp) { return IsAsciiLetter(cp) || cp == ' '; }

absl::Status CheckNumber(absl::string_view value) {
  RETURN_IF_ERROR(CheckAllOf(
      value, 32, [](int32_t cp) { return IsDigit(cp) || cp == '.'; }, "number", "digits"));
  const size_t dot = value.find('.');
  if (dot != absl::string_view::npos && (dot == 0 || dot + 1 == value.size() ||
                                         value.find('.', dot + 1) != absl::string_view::npos)) {
    return Bad("number: digits with at most one decimal point");
  }
  return absl::OkStatus();
}

absl::Status CheckAmount(absl::string_view value) {
  size_t p = 0;
  if (!Consume(value, &p, "¥")) Consume(value, &p, "￥");
  size_t digits_start = p;
  while (p < value.size() && absl::ascii_isdigit(value[p])) ++p;
  const size_t digits = p - digits_start;
  bool ok = digits >= 1 && digits <= 10;
  if (ok && Consume(value, &p, ".")) {
    size_t frac_start = p;
    while (p < value.size() && absl::ascii_isdigit(value[p])) ++p;
    ok = p - frac_start >= 1 && p - frac_start <= 2;
  }
  if (ok) Consume(value, &p, "元");
  if (!ok || p != value.size()) {
    return Bad("amount: [¥]up to 10 digits, optional 2 decimals, optional 元");
  }
  return absl::OkStatus();
}

absl::Status CheckName(absl::string_view value) {
  if (CheckAllOf(value, 10, &IsHan, "name", "汉字").ok()) return absl::OkStatus();
  std::vector<int32_t> cps = CodePoints(value);
  if (!cps.empty() && cps.size() <= 20 && std::all_of(cps.begin(), cps.end(), NameLetter) &&
      std::any_of(cps.begin(), cps.end(), IsAsciiLetter)) {
    return absl::OkStatus();
  }
  return Bad("name: up to 10 汉字 or up to 20 letters");
}

}  // namespace

// ---------------------------------------------------------------------------
// UTF-8 helpers.

size_t Utf8Length(absl::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    DecodeUtf8(s, &i);
    ++n;
  }
  return n;
}

std::string TruncateUtf8(absl::string_view s, size_t max_chars) {
  if (Utf8Length(s) <= max_chars) return std::string(s);
  if (max_chars == 0) return "";
  size_t end = 0;
  for (size_t n = 0; n + 1 < max_chars; ++n) DecodeUtf8(s, &end);
  absl::string_view kept = s.substr(0, end);
  // Drop white space (ASCII or U+3000) that would sit before the ellipsis.
  while (true) {
    kept = absl::StripTrailingAsciiWhitespace(kept);
    if (!absl::EndsWith(kept, "\u3000")) break;
    kept.remove_suffix(3);
  }
  return absl::StrCat(kept, "…");
}

// ---------------------------------------------------------------------------
// Specs and validation.

const PayloadSpec& SpecFor(v1::NotificationKind kind) {
  static const auto* const kSpecs = new std::map<v1::NotificationKind, PayloadSpec>{
      {v1::NOTIFICATION_KIND_JOB_ALERT,
       {{"vacancy_id", "title"}, {"wage", "location", "place", "reason", "highlight", "score"}}},
      {v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT,
       {{"fair_name", "date", "venue"}, {"time", "end_date", "note", "fair_id"}}},
      {v1::NOTIFICATION_KIND_POLICY_NOTICE, {{"title", "summary"}, {"details"}}},
      {v1::NOTIFICATION_KIND_RETURN_TRANSPORT,
       {{"route", "date", "time", "meeting_point"}, {"note"}}},
      {v1::NOTIFICATION_KIND_FREE_TEXT, {{"text"}, {}}},
  };
  auto it = kSpecs->find(kind);
  return it == kSpecs->end() ? EmptySpec() : it->second;
}

absl::Status ValidatePayload(v1::NotificationKind kind, const Payload& payload) {
  const PayloadSpec& spec = SpecFor(kind);
  if (spec.required.empty()) return InvalidField("kind", "must be a known notification kind");
  ViolationCollector errors;
  for (const std::string& key : spec.required) {
    if (!payload.contains(key)) errors.Add(absl::StrCat("payload.", key), "is required");
  }
  // Sorted, so the same payload always yields the same error.
  std::vector<std::pair<std::string, const std::string*>> entries;
  for (const auto& [key, value] : payload) entries.emplace_back(key, &value);
  std::sort(entries.begin(), entries.end());
  for (const auto& [key, value] : entries) {
    if (!PrintableKey(key)) {
      errors.Add("payload", "keys must be short ASCII identifiers");
      continue;
    }
    const std::string field = absl::StrCat("payload.", key);
    const bool required =
        std::find(spec.required.begin(), spec.required.end(), key) != spec.required.end();
    if (!required &&
        std::find(spec.optional.begin(), spec.optional.end(), key) == spec.optional.end()) {
      std::vector<std::string> known = spec.required;
      known.insert(known.end(), spec.optional.begin(), spec.optional.end());
      errors.Add(field, absl::StrCat(
                            "is not a key of this kind (known: ", absl::StrJoin(known, ", "), ")"));
      continue;
    }
    if (absl::Status s = ValidateText(*value, kMaxPayloadValueChars, required); !s.ok()) {
      errors.Add(field, s.message());
      continue;
    }
    if (value->empty()) continue;
    const std::string trimmed(absl::StripAsciiWhitespace(*value));
    if (IsDateKey(key) && !ParseDate(trimmed)) {
      errors.Add(field, "must be a real date: YYYY-MM-DD, YYYY/M/D or YYYY年M月D日");
    } else if (key == "time" && !ParseClockRange(trimmed)) {
      errors.Add(field, "must be HH:MM or a range HH:MM-HH:MM");
    } else if (key == "score") {
      int score = 0;
      if (!absl::SimpleAtoi(trimmed, &score) || score < 0 || score > 100) {
        errors.Add(field, "must be a whole number 0..100");
      }
    }
  }
  if (kind == v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT && errors.empty() &&
      payload.contains("end_date")) {
    auto begin = ParseDate(absl::StripAsciiWhitespace(payload.at("date")));
    auto end = ParseDate(absl::StripAsciiWhitespace(payload.at("end_date")));
    if (begin && end && *end < *begin) errors.Add("payload.end_date", "is before payload.date");
  }
  return errors.ToStatus();
}

std::vector<std::pair<std::string, absl::CivilDay>> PayloadDates(const Payload& payload) {
  std::vector<std::pair<std::string, absl::CivilDay>> out;
  for (const char* key : {"date", "end_date"}) {
    auto it = payload.find(key);
    if (it == payload.end()) continue;
    if (auto day = ParseDate(absl::StripAsciiWhitespace(it->second))) out.emplace_back(key, *day);
  }
  return out;
}

bool SmsAllowed(v1::NotificationKind kind) {
  switch (kind) {
    case v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT:
    case v1::NOTIFICATION_KIND_POLICY_NOTICE:
    case v1::NOTIFICATION_KIND_RETURN_TRANSPORT:
    case v1::NOTIFICATION_KIND_FREE_TEXT:
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------
// Rendering.

Rendered Render(v1::NotificationKind kind, const Payload& payload, v1::Channel channel) {
  const bool wechat = channel == v1::CHANNEL_WECHAT;
  const bool sms = channel == v1::CHANNEL_SMS;
  switch (kind) {
    case v1::NOTIFICATION_KIND_JOB_ALERT:
      return RenderJobAlert(payload, channel);

    case v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT: {
      const std::string name = Get(payload, "fair_name");
      const std::string venue = Get(payload, "venue");
      const std::string note = Get(payload, "note");
      const std::string when = WhenText(payload, /*with_time=*/true, /*full_range=*/true);
      const std::string text = TextOf(absl::StrCat("【招聘会】", name),
                                      {{"时间", when}, {"地点", venue}, {"说明", note}});
      if (wechat) {
        // date2, not time2: a fair may be announced before its hours are set.
        return {"WX_FAIR_ANNOUNCEMENT",
                {{"thing1", Thing(name)},
                 {"date2", WechatWhen(payload, /*date_type=*/true)},
                 {"thing3", Thing(venue)},
                 {"thing4", Thing(note)}},
                text};
      }
      if (sms) {
        std::map<std::string, std::string> f = {{"name", SmsParam(name)},
                                                {"time", SmsParam(when)},
                                                {"venue", SmsParam(venue)},
                                                {"note", SmsParam(note)}};
        std::string body =
            absl::StrCat(f["name"], "将于", f["time"], "在", f["venue"], "举办，", f["note"]);
        return {"SMS_FAIR_ANNOUNCEMENT", std::move(f), std::move(body)};
      }
      std::map<std::string, std::string> ids;
      if (std::string id = Get(payload, "fair_id"); !id.empty()) ids["fair_id"] = id;
      return Kiosk(kind, absl::StrCat("招聘会：", name), text, std::move(ids));
    }

    case v1::NOTIFICATION_KIND_POLICY_NOTICE: {
      const std::string title = Get(payload, "title");
      const std::string summary = Get(payload, "summary");
      const std::string text = TextOf(absl::StrCat("【政策通知】", title),
                                      {{"", summary}, {"详情", Get(payload, "details")}});
      if (wechat) {
        return {"WX_POLICY_NOTICE",
                {{"thing1", Thing(title)}, {"thing2", Thing(summary)}, {"phrase3", "政策通知"}},
                text};
      }
      if (sms) {
        std::map<std::string, std::string> f = {{"title", SmsParam(title)},
                                                {"summary", SmsParam(summary)}};
        std::string body = absl::StrCat("政策通知：", f["title"], "。", f["summary"]);
        return {"SMS_POLICY_NOTICE", std::move(f), std::move(body)};
      }
      return Kiosk(kind, absl::StrCat("政策通知：", title), text);
    }

    case v1::NOTIFICATION_KIND_RETURN_TRANSPORT: {
      const std::string route = Get(payload, "route");
      const std::string point = Get(payload, "meeting_point");
      const std::string note = Get(payload, "note");
      const std::string when = WhenText(payload, /*with_time=*/true, /*full_range=*/true);
      const std::string text = TextOf(absl::StrCat("【返岗交通】", route),
                                      {{"出发时间", when}, {"集合地点", point}, {"说明", note}});
      if (wechat) {
        return {"WX_RETURN_TRANSPORT",
                {{"thing1", Thing(route)},
                 {"time2", WechatWhen(payload, /*date_type=*/false)},
                 {"thing3", Thing(point)},
                 {"thing4", Thing(note)}},
                text};
      }
      if (sms) {
        std::map<std::string, std::string> f = {{"route", SmsParam(route)},
                                                {"time", SmsParam(when)},
                                                {"place", SmsParam(point)},
                                                {"note", SmsParam(note)}};
        std::string body = absl::StrCat(f["route"], "将于", f["time"], "出发，请到", f["place"],
                                        "集合。", f["note"]);
        return {"SMS_RETURN_TRANSPORT", std::move(f), std::move(body)};
      }
      return Kiosk(kind, absl::StrCat("返岗交通：", route), text);
    }

    case v1::NOTIFICATION_KIND_FREE_TEXT: {
      const std::string words = Get(payload, "text");
      std::string text = TruncateUtf8(words, kMaxKioskTextChars);
      if (text.empty()) text = std::string(kPlaceholder);
      if (wechat) return {"WX_FREE_TEXT", {{"thing1", Thing(words)}}, text};
      if (sms) {
        std::map<std::string, std::string> f = {{"content", SmsParam(words)}};
        std::string body = absl::StrCat("通知：", f["content"]);
        return {"SMS_FREE_TEXT", std::move(f), std::move(body)};
      }
      return Kiosk(kind, words, text);
    }

    default:
      return {};
  }
}

Rendered RenderDigest(const std::vector<const Payload*>& alerts, v1::Channel channel) {
  std::vector<const Payload*> jobs;
  for (const Payload* p : alerts) {
    if (p != nullptr) jobs.push_back(p);
  }
  if (jobs.empty() || channel == v1::CHANNEL_SMS) return {};
  if (jobs.size() == 1) return Render(v1::NOTIFICATION_KIND_JOB_ALERT, *jobs[0], channel);
  // The best first; the others keep their order (stable).
  std::stable_sort(jobs.begin(), jobs.end(),
                   [](const Payload* a, const Payload* b) { return ScoreOf(*a) > ScoreOf(*b); });
  const std::vector<const Payload*> rest(jobs.begin() + 1, jobs.end());
  const std::string count = absl::StrCat(jobs.size(), "个新岗位");
  const std::string headline = absl::StrCat(count, "：", JobLabel(*jobs[0], 20), " 等");

  // Each job gets an equal share of the kiosk text; its reasons are cut first.
  std::string text = absl::StrCat("【岗位汇总】", headline);
  // (A very long digest lists its first jobs; the whole is cut at the limit.)
  const size_t share =
      std::max<size_t>(24, (kMaxKioskTextChars - Utf8Length(text)) / jobs.size() - 1);
  for (size_t i = 0; i < jobs.size(); ++i) {
    const Payload& p = *jobs[i];
    std::string location = Get(p, "location");
    if (location.empty()) location = PlaceOf(p);
    std::vector<std::string> parts = {Get(p, "title"), WageOf(p)};
    if (!location.empty()) parts.push_back(location);
    if (std::string reason = Get(p, "reason"); !reason.empty()) {
      parts.push_back(absl::StrCat("推荐理由：", reason));
    }
    absl::StrAppend(&text, "\n",
                    TruncateUtf8(absl::StrCat(i + 1, ". ", absl::StrJoin(parts, "｜")), share));
  }
  text = TruncateUtf8(text, kMaxKioskTextChars);

  if (channel == v1::CHANNEL_WECHAT) {
    return {"WX_JOB_DIGEST",
            {{"thing1", Thing(count)},
             {"thing2", Thing(JobLabel(*jobs[0], 20))},
             {"thing3", Thing(RestSummary(rest, 20))},
             {"phrase4", "岗位汇总"}},
            text};
  }
  Rendered r;
  r.template_id = "KIOSK_JOB_DIGEST";
  r.fields["title"] = TruncateUtf8(headline, 30);
  r.text = std::move(text);
  return r;
}

// ---------------------------------------------------------------------------
// Job-alert payloads.

std::string WageText(int64_t min_fen, int64_t max_fen) {
  auto yuan = [](int64_t fen) { return (std::max<int64_t>(fen, 0) + 50) / 100; };
  int64_t lo = yuan(min_fen);
  int64_t hi = yuan(max_fen);
  if (lo > 0 && hi > 0 && lo > hi) std::swap(lo, hi);
  if (lo > 0 && hi > 0) {
    return lo == hi ? absl::StrCat(lo, "元/月") : absl::StrCat(lo, "-", hi, "元/月");
  }
  if (lo > 0) return absl::StrCat(lo, "元/月起");
  if (hi > 0) return absl::StrCat("最高", hi, "元/月");
  return "面议";
}

std::string ShortPlaceName(absl::string_view full_name) {
  absl::string_view rest = absl::StripAsciiWhitespace(full_name);
  const absl::string_view original = rest;
  // Province: a municipality (its city level is a statistical placeholder
  // that full names leave out), or a name ending 省 / 自治区 / 特别行政区.
  bool municipality = false;
  for (absl::string_view m : {"北京市", "天津市", "上海市", "重庆市"}) {
    if (absl::ConsumePrefix(&rest, m)) municipality = true;
  }
  if (!municipality) {
    for (absl::string_view suffix : {"特别行政区", "自治区", "省"}) {
      const size_t at = rest.find(suffix);
      // Province names are 2..8 characters before their suffix.
      if (at != absl::string_view::npos && at > 0 && Utf8Length(rest.substr(0, at)) <= 8) {
        rest.remove_prefix(at + suffix.size());
        break;
      }
    }
    // City: the earliest name ending 自治州 / 地区 / 盟 / 市, unless an area
    // suffix comes first (then the text starts at the area: "通川区新市镇").
    size_t city_end = absl::string_view::npos;
    size_t best_at = absl::string_view::npos;
    for (absl::string_view suffix : {"自治州", "地区", "盟", "市"}) {
      const size_t at = rest.find(suffix);
      if (at == absl::string_view::npos || at == 0 || at >= best_at) continue;
      const absl::string_view name = rest.substr(0, at);
      if (absl::StrContains(name, "区") || absl::StrContains(name, "县") ||
          absl::StrContains(name, "旗")) {
        continue;
      }
      best_at = at;
      city_end = at + suffix.size();
    }
    if (city_end != absl::string_view::npos && city_end < rest.size()) rest.remove_prefix(city_end);
  }
  if (rest.empty()) return std::string(original);
  return std::string(rest);
}

Payload JobAlertPayload(const v1::VacancyMatches& vacancy, const v1::Match& match,
                        const RegionRegistry* regions) {
  Payload payload;
  // Values are cleaned and cut so the payload always validates.
  auto put = [&payload](absl::string_view key, absl::string_view value) {
    std::string clean = TruncateUtf8(CleanText(value), kMaxPayloadValueChars);
    if (!clean.empty()) payload[std::string(key)] = std::move(clean);
  };
  put("vacancy_id", !vacancy.vacancy_id().empty() ? vacancy.vacancy_id() : match.vacancy_id());
  const std::string title = !vacancy.title().empty() ? vacancy.title() : match.vacancy_title();
  put("title", !CleanText(title).empty() ? title : "新岗位");
  put("wage", WageText(vacancy.monthly_wage_min().fen(), vacancy.monthly_wage_max().fen()));

  std::string full = vacancy.location_name();
  std::string place;
  if (regions != nullptr && !vacancy.location().empty()) {
    const std::string& code = vacancy.location();
    if (full.empty()) full = regions->FullName(code);
    if (code.size() == 9) {
      const std::string area = regions->Name(code.substr(0, 6));
      const std::string street = regions->Name(code);
      place =
          (area.empty() || absl::StartsWith(street, area)) ? street : absl::StrCat(area, street);
    } else {
      place = regions->Name(code);
    }
  }
  if (place.empty()) place = ShortPlaceName(full);
  put("location", full);
  put("place", place);

  std::vector<std::string> reasons;
  for (const std::string& r : match.reasons()) {
    std::string clean = CleanText(r);
    if (!clean.empty()) reasons.push_back(std::move(clean));
  }
  put("reason", absl::StrJoin(reasons, "；"));

  // The highlight: the selling points among the scored parts, as many as fit
  // in a WeChat thing.
  std::vector<std::string> points;
  for (const v1::ScorePart& part : match.parts()) {
    const absl::string_view reason = part.reason();
    if (part.name() == "skill") {
      // "4项要求满足3项"
      std::vector<absl::string_view> counts = absl::StrSplit(reason, "项要求满足");
      int required = 0;
      int met = 0;
      if (counts.size() == 2 && absl::ConsumeSuffix(&counts[1], "项") &&
          absl::SimpleAtoi(counts[0], &required) && absl::SimpleAtoi(counts[1], &met) && met > 0) {
        points.push_back(met >= required ? "技能要求全部满足"
                                         : absl::StrCat("技能满足", met, "/", required, "项"));
      }
    } else if (part.name() == "location") {
      for (absl::string_view near : {"同乡镇", "同区县", "同市"}) {
        if (absl::StartsWith(reason, near)) points.push_back(std::string(near));
      }
    } else if (part.name() == "wage") {
      if (absl::StrContains(reason, "不低于期望")) points.push_back("工资达到期望");
    } else if (part.name() == "return_plan" || part.name() == "brand") {
      if (!reason.empty()) points.push_back(CleanText(reason));
    }
  }
  std::string highlight;
  for (const std::string& point : points) {
    std::string next = highlight.empty() ? point : absl::StrCat(highlight, "，", point);
    if (Utf8Length(next) <= 20) highlight = std::move(next);
  }
  put("highlight", highlight);
  if (std::isfinite(match.score()) && match.score() > 0) {
    const double pct = std::clamp(match.score(), 0.0, 1.0) * 100.0;
    put("score", absl::StrCat(static_cast<int>(std::lround(pct))));
  }
  return payload;
}

// ---------------------------------------------------------------------------
// Channel checks.

absl::Status CheckWechatField(absl::string_view field_name, absl::string_view value) {
  absl::string_view type = field_name;
  while (!type.empty() && absl::ascii_isdigit(type.back())) type.remove_suffix(1);
  if (type.size() == field_name.size()) {
    return Bad(absl::StrCat("field name \"", field_name, "\" lacks its index (thing1, time2, …)"));
  }
  if (type == "thing") return CheckThing(value);
  if (type == "phrase") return CheckAllOf(value, 5, &IsHan, "phrase", "汉字");
  if (type == "character_string") {
    return CheckAllOf(value, 32, &PrintableAscii, "character_string",
                      "ASCII letters, digits and symbols");
  }
  if (type == "number") return CheckNumber(value);
  if (type == "amount") return CheckAmount(value);
  if (type == "time") {
    return ValidWhen(value, /*date_type=*/false)
               ? absl::OkStatus()
               : Bad("time: \"15:01\" or \"2026年12月1日 15:01\" (a range joined by ~)");
  }
  if (type == "date") {
    return ValidWhen(value, /*date_type=*/true)
               ? absl::OkStatus()
               : Bad("date: \"2026年12月1日\" or \"2026年12月1日 15:01\" (a range joined by ~)");
  }
  if (type == "name") return CheckName(value);
  if (type == "phone_number") {
    return CheckAllOf(value, 17, &PhoneChar, "phone_number", "digits, + and -");
  }
  return Bad(absl::StrCat("unknown field type \"", type, "\""));
}

absl::Status CheckSmsParam(absl::string_view value) {
  std::vector<int32_t> cps = CodePoints(value);
  if (std::find(cps.begin(), cps.end(), -1) != cps.end()) return Bad("is not valid UTF-8");
  if (cps.empty()) return Bad("is empty");
  if (cps.size() > kMaxSmsParamChars) {
    return Bad(absl::StrCat("more than ", kMaxSmsParamChars, " characters"));
  }
  if (std::any_of(cps.begin(), cps.end(), IsControl)) return Bad("holds control characters");
  if (absl::StrContains(value, "【") || absl::StrContains(value, "】")) {
    return Bad("holds 【】 (reserved for the signature)");
  }
  if (!UrlRuns(value).empty()) return Bad("holds a link");
  return absl::OkStatus();
}

}  // namespace labor::notify
