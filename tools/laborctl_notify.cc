// laborctl notify: the NotificationService commands (--notify_target).
//
//   notify send       enqueue one notification to a worker or a segment
//   notify show ID    a notification and its messages' status counts
//   notify message ID one message and its status history
//   notify list       a worker's or a notification's messages
//   notify stats      messages by kind × channel × status
//
// Same conventions as the other groups: Chinese tables by default, the
// response as JSON (proto field names) with --json, exit 2 for a bad flag
// before anything is sent, exit 1 with the service's message when it refuses.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/pii.h"
#include "common/proto_util.h"
#include "common/status.h"
#include "labor/v1/notification.grpc.pb.h"
#include "services/notify/templates.h"
#include "tools/labels.h"
#include "tools/laborctl.h"
#include "tools/laborctl_print.h"
#include "tools/text_table.h"

// Shared with the other groups: --kind (fair kinds, laborctl_vacancy.cc),
// --worker and --channel (laborctl_match.cc).
ABSL_DECLARE_FLAG(std::string, kind);
ABSL_DECLARE_FLAG(std::string, worker);
ABSL_DECLARE_FLAG(std::string, channel);

ABSL_FLAG(std::string, field, "",
          "notify send: a payload entry KEY=VALUE; repeat the flag for more keys");
ABSL_FLAG(bool, urgent, false, "notify send: urgent (passes the quiet hours)");
ABSL_FLAG(std::string, ttl, "",
          "notify send: how long the message may wait, e.g. 30m, 24h, 7d (default: the kind's)");
ABSL_FLAG(std::string, key, "",
          "notify send: idempotency key; default derived from the content and today's date, so "
          "the same command run twice the same day sends once");
ABSL_FLAG(std::string, return_intent, "", "notify send segment: return intent local|out|business");
ABSL_FLAG(std::string, return_from, "",
          "notify send segment: planned return on or after YYYY-MM-DD");
ABSL_FLAG(std::string, return_to, "",
          "notify send segment: planned return on or before YYYY-MM-DD");
ABSL_FLAG(std::string, notification, "", "notify show/list: notification id");
ABSL_FLAG(std::string, message, "", "notify message: message id");
ABSL_FLAG(std::string, from, "", "notify stats: window start (date or time; default 24h ago)");
ABSL_FLAG(std::string, to, "", "notify stats: window end (date = through that day; default now)");
ABSL_FLAG(int32_t, limit, 50, "notify list: at most this many messages (0 = all)");

namespace labor::tools {
namespace {

using labor::v1::Message;
using labor::v1::Notification;

constexpr int kMaxPage = 500;
constexpr absl::Duration kMaxTtl = absl::Hours(24 * 30);

int FlagError(absl::string_view flag, absl::string_view message) {
  return UsageError(absl::StrCat("--", flag, ": ", message));
}

// Every value of a flag that may be repeated, each split at commas
// ("--township=a,b --township=c" gives {"a", "b", "c"}).
std::vector<std::string> ListFlag(const CtlContext& ctx, const std::string& name) {
  std::vector<std::string> out;
  for (const std::string& value : ctx.Values(name)) {
    for (absl::string_view item : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
      out.emplace_back(absl::StripAsciiWhitespace(item));
    }
  }
  return out;
}

// The id from the word after the command or from --<flag> (not both,
// unless they agree).
absl::StatusOr<std::string> IdArgument(const std::vector<std::string>& args, const char* flag,
                                       const std::string& flag_value) {
  const std::string positional = args.size() > 1 ? args[1] : "";
  if (!positional.empty() && !flag_value.empty() && positional != flag_value) {
    return absl::InvalidArgumentError(
        absl::StrCat("the id \"", positional, "\" and --", flag, " differ; give one"));
  }
  return positional.empty() ? flag_value : positional;
}

// --worker, or the older spelling --worker_id; both given and different is
// an error.
absl::StatusOr<std::string> WorkerArgument() {
  const std::string worker = absl::GetFlag(FLAGS_worker);
  const std::string worker_id = absl::GetFlag(FLAGS_worker_id);
  if (!worker.empty() && !worker_id.empty() && worker != worker_id) {
    return absl::InvalidArgumentError("--worker and --worker_id name different workers; give one");
  }
  return worker.empty() ? worker_id : worker;
}

// "30m", "24h", "1h30m" (Go-style, absl) or whole days "7d"; more than zero,
// at most 30 days.
absl::StatusOr<absl::Duration> ParseTtl(absl::string_view text) {
  const std::string t(absl::StripAsciiWhitespace(text));
  absl::Duration d;
  int days = 0;
  if (absl::EndsWith(t, "d") &&
      absl::SimpleAtoi(absl::string_view(t).substr(0, t.size() - 1), &days)) {
    d = absl::Hours(24) * days;
  } else if (!absl::ParseDuration(t, &d)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad duration \"", text, "\"; use e.g. 30m, 24h or 7d"));
  }
  if (d <= absl::ZeroDuration() || d > kMaxTtl) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is out of range: more than 0, at most 30 days (30d)"));
  }
  return d;
}

// An instant from "YYYY-MM-DD" (the start of that day, or of the next with
// `end_of_day`, Shanghai), "YYYY-MM-DD HH:MM[:SS]" (Shanghai) or RFC 3339.
absl::StatusOr<absl::Time> ParseWhen(absl::string_view text, bool end_of_day) {
  const std::string t(absl::StripAsciiWhitespace(text));
  absl::Time time;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, t, &time, &err)) return time;
  for (const char* format : {"%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"}) {
    if (absl::ParseTime(format, t, ShanghaiTime(), &time, &err)) return time;
  }
  absl::StatusOr<labor::v1::Date> date = ParseDate(t);
  if (!date.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad time \"", text, "\"; use YYYY-MM-DD, 'YYYY-MM-DD HH:MM' or RFC 3339"));
  }
  absl::CivilDay day(date->year(), date->month(), date->day());
  return absl::FromCivil(end_of_day ? day + 1 : day, ShanghaiTime());
}

std::string FormatSeconds(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", FromProto(ts), ShanghaiTime());
}

// "24小时", "7天", "30分钟", "1天12小时".
std::string DurationLabel(absl::Duration d) {
  int64_t minutes = absl::ToInt64Minutes(d);
  if (minutes <= 0) return absl::StrCat(absl::ToInt64Seconds(d), "秒");
  std::string out;
  if (minutes >= 24 * 60) absl::StrAppend(&out, minutes / (24 * 60), "天");
  minutes %= 24 * 60;
  if (minutes >= 60) absl::StrAppend(&out, minutes / 60, "小时");
  if (minutes % 60 != 0) absl::StrAppend(&out, minutes % 60, "分钟");
  return out;
}

// The status counts' keys are the enum names without the prefix ("DELIVERED").
labor::v1::NotificationStatus StatusFromName(const std::string& name) {
  labor::v1::NotificationStatus status = labor::v1::NOTIFICATION_STATUS_UNSPECIFIED;
  labor::v1::NotificationStatus_Parse(absl::StrCat("NOTIFICATION_STATUS_", name), &status);
  return status;
}

std::string StatusText(labor::v1::NotificationStatus status) {
  std::string label = NotificationStatusLabel(status);
  return label.empty() ? labor::v1::NotificationStatus_Name(status) : label;
}

std::string KindText(labor::v1::NotificationKind kind) {
  std::string label = NotificationKindLabel(kind);
  return label.empty() ? labor::v1::NotificationKind_Name(kind) : label;
}

std::string RegionWithCode(const CtlContext& ctx, absl::string_view code) {
  return labor::tools::RegionWithCode(ctx.regions.get(), code);
}

// "分群：户籍乡镇 罗江镇 (511702102)；工种 6-29；…" or "劳动者 w_…".
std::string RecipientText(const CtlContext& ctx, const Notification& n) {
  if (n.recipient_case() == Notification::kWorkerId) return absl::StrCat("劳动者 ", n.worker_id());
  const labor::v1::Segment& s = n.segment();
  std::vector<std::string> parts;
  if (!s.townships().empty()) {
    std::vector<std::string> names;
    for (const std::string& t : s.townships()) names.push_back(RegionWithCode(ctx, t));
    parts.push_back(absl::StrCat("户籍乡镇 ", absl::StrJoin(names, "、")));
  }
  if (!s.occupation_prefixes().empty()) {
    parts.push_back(absl::StrCat("工种 ", absl::StrJoin(s.occupation_prefixes(), "、")));
  }
  if (!s.statuses().empty()) {
    std::vector<std::string> names;
    for (int status : s.statuses()) {
      names.push_back(EmploymentStatusLabel(static_cast<labor::v1::EmploymentStatus>(status)));
    }
    parts.push_back(absl::StrCat("就业状态 ", absl::StrJoin(names, "、")));
  }
  if (s.return_intent() != labor::v1::RETURN_INTENT_UNSPECIFIED) {
    parts.push_back(absl::StrCat("返乡打算 ", ReturnIntentLabel(s.return_intent())));
  }
  if (!s.current_location_prefix().empty()) {
    parts.push_back(absl::StrCat("现工作地 ", RegionWithCode(ctx, s.current_location_prefix())));
  }
  if (HasDate(s.planned_return_from()) || HasDate(s.planned_return_to())) {
    parts.push_back(absl::StrCat("计划返乡 ", FormatDate(s.planned_return_from()), " 至 ",
                                 FormatDate(s.planned_return_to())));
  }
  return absl::StrCat("分群：", absl::StrJoin(parts, "；"));
}

// The payload, one "  key  value" line each, in the order of the kind's
// template keys (required, then optional), any others after them.
std::string PayloadLines(labor::v1::NotificationKind kind,
                         const google::protobuf::Map<std::string, std::string>& payload) {
  std::vector<std::string> order = notify::SpecFor(kind).required;
  const std::vector<std::string>& optional = notify::SpecFor(kind).optional;
  order.insert(order.end(), optional.begin(), optional.end());
  std::vector<std::string> others;
  for (const auto& [key, value] : payload) {
    if (std::find(order.begin(), order.end(), key) == order.end()) others.push_back(key);
  }
  std::sort(others.begin(), others.end());
  order.insert(order.end(), others.begin(), others.end());
  Detail d;
  for (const std::string& key : order) {
    if (auto it = payload.find(key); it != payload.end())
      d.Add(absl::StrCat("  ", key), it->second);
  }
  return d.Render();
}

// ---------------------------------------------------------------------------
// send

// The notification's key when --key is not given: a hash of the content
// (deterministic serialization, key left out) and today's date in Shanghai.
// The same command the same day gives the same key, so a re-run is a
// duplicate; tomorrow it is a new notification.
std::string DefaultKey(Notification n) {
  n.clear_idempotency_key();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.SetSerializationDeterministic(true);
    n.SerializeToCodedStream(&coded);
  }
  const std::string day = absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), ShanghaiTime()));
  return absl::StrCat("ctl-", day, "-", Sha256Hex(absl::StrCat(day, "\n", bytes)).substr(0, 32));
}

// The payload from --field KEY=VALUE, checked against the kind's keys (the
// service's own table), so a typo is named before anything is sent.
std::optional<int> PayloadFromFlags(const CtlContext& ctx, Notification* n) {
  auto* payload = n->mutable_payload();
  for (const std::string& entry : ctx.Values("field")) {
    const size_t eq = entry.find('=');
    const std::string key(absl::StripAsciiWhitespace(absl::string_view(entry).substr(0, eq)));
    if (eq == std::string::npos || key.empty()) {
      return FlagError("field", absl::StrCat("expected KEY=VALUE, got \"", entry, "\""));
    }
    if (payload->contains(key)) {
      return FlagError("field", absl::StrCat("key \"", key, "\" given twice"));
    }
    (*payload)[key] = entry.substr(eq + 1);
  }
  const notify::PayloadSpec& spec = notify::SpecFor(n->kind());
  absl::Status valid = notify::ValidatePayload(n->kind(), *payload);
  if (valid.ok()) return std::nullopt;
  std::vector<std::string> problems;
  for (const FieldViolation& v : GetFieldViolations(valid)) {
    problems.push_back(absl::StrCat(absl::StripPrefix(v.field, "payload."), " ", v.description));
  }
  if (problems.empty()) problems.emplace_back(valid.message());
  std::string keys = absl::StrJoin(spec.required, " ");
  if (!spec.optional.empty()) absl::StrAppend(&keys, " [", absl::StrJoin(spec.optional, " "), "]");
  return FlagError("field", absl::StrCat(absl::StrJoin(problems, "; "), " (", KindText(n->kind()),
                                         " keys: ", keys, ")"));
}

// The segment from the segment flags; false in *any when none was given.
std::optional<int> SegmentFromFlags(const CtlContext& ctx, labor::v1::Segment* s, bool* any) {
  for (const std::string& text : ListFlag(ctx, "township")) {
    absl::StatusOr<std::string> code = ResolveTownship(ctx, text);
    if (!code.ok()) return FlagError("township", code.status().message());
    if (ctx.regions != nullptr) {
      code = ctx.regions->CanonicalStreetIn(*code, kTongchuanArea);
      if (!code.ok()) {
        return FlagError("township", absl::StrCat("\"", text, "\": ", code.status().message()));
      }
    }
    s->add_townships(*code);
  }
  for (const std::string& prefix : ListFlag(ctx, "occupation")) {
    s->add_occupation_prefixes(prefix);
  }
  for (const std::string& text : ListFlag(ctx, "status")) {
    absl::StatusOr<labor::v1::EmploymentStatus> status = ParseEmploymentStatus(text);
    if (!status.ok()) return FlagError("status", status.status().message());
    s->add_statuses(*status);
  }
  if (const std::string text = absl::GetFlag(FLAGS_return_intent); !text.empty()) {
    absl::StatusOr<labor::v1::ReturnIntent> intent = ParseReturnIntent(text);
    if (!intent.ok()) return FlagError("return_intent", intent.status().message());
    s->set_return_intent(*intent);
  }
  if (const std::string text = absl::GetFlag(FLAGS_location); !text.empty()) {
    absl::StatusOr<std::string> code = ResolveTownship(ctx, text);
    if (!code.ok()) return FlagError("location", code.status().message());
    if (ctx.regions != nullptr) {
      code = ctx.regions->Canonical(*code);
      if (!code.ok()) {
        return FlagError("location", absl::StrCat("\"", text, "\": ", code.status().message()));
      }
    }
    s->set_current_location_prefix(*code);
  }
  for (const auto& [flag, value, date] :
       {std::tuple{"return_from", absl::GetFlag(FLAGS_return_from),
                   s->mutable_planned_return_from()},
        std::tuple{"return_to", absl::GetFlag(FLAGS_return_to), s->mutable_planned_return_to()}}) {
    if (value.empty()) continue;
    absl::StatusOr<labor::v1::Date> parsed = ParseDate(value);
    if (!parsed.ok()) return FlagError(flag, parsed.status().message());
    *date = *parsed;
  }
  if (HasDate(s->planned_return_from()) && HasDate(s->planned_return_to()) &&
      ToCivil(s->planned_return_to()) < ToCivil(s->planned_return_from())) {
    return FlagError("return_to", "is before --return_from");
  }
  *any = s->townships_size() > 0 || s->occupation_prefixes_size() > 0 || s->statuses_size() > 0 ||
         s->return_intent() != labor::v1::RETURN_INTENT_UNSPECIFIED ||
         !s->current_location_prefix().empty() || HasDate(s->planned_return_from()) ||
         HasDate(s->planned_return_to());
  return std::nullopt;
}

int NotifySend(CtlContext& ctx) {
  Notification n;
  const std::string kind_text = absl::GetFlag(FLAGS_kind);
  if (kind_text.empty()) return UsageError("notify send needs --kind=fair|policy|transport|text");
  absl::StatusOr<labor::v1::NotificationKind> kind = ParseNotificationKind(kind_text);
  if (!kind.ok()) return FlagError("kind", kind.status().message());
  if (*kind == labor::v1::NOTIFICATION_KIND_JOB_ALERT) {
    return FlagError("kind",
                     "job alerts come from MatchingService by themselves; use "
                     "fair|policy|transport|text");
  }
  n.set_kind(*kind);

  absl::StatusOr<std::string> worker = WorkerArgument();
  if (!worker.ok()) return UsageError(std::string(worker.status().message()));
  labor::v1::Segment segment;
  bool has_segment = false;
  if (std::optional<int> rc = SegmentFromFlags(ctx, &segment, &has_segment)) return *rc;
  if (!worker->empty() && has_segment) {
    return UsageError("notify send: give --worker or segment flags (--township, …), not both");
  }
  if (worker->empty() && !has_segment) {
    return UsageError(
        "notify send needs a recipient: --worker=ID or segment flags (--township, --occupation, "
        "--status, --return_intent, --location, --return_from, --return_to)");
  }
  if (has_segment) {
    *n.mutable_segment() = std::move(segment);
  } else {
    n.set_worker_id(*worker);
  }

  if (std::optional<int> rc = PayloadFromFlags(ctx, &n)) return *rc;
  if (const std::string text = absl::GetFlag(FLAGS_channel); !text.empty()) {
    absl::StatusOr<labor::v1::Channel> channel = ParseChannelName(text);
    if (!channel.ok()) return FlagError("channel", channel.status().message());
    n.set_channel(*channel);
  }
  n.set_priority(absl::GetFlag(FLAGS_urgent) ? labor::v1::PRIORITY_URGENT
                                             : labor::v1::PRIORITY_NORMAL);
  if (const std::string text = absl::GetFlag(FLAGS_ttl); !text.empty()) {
    absl::StatusOr<absl::Duration> ttl = ParseTtl(text);
    if (!ttl.ok()) return FlagError("ttl", ttl.status().message());
    n.mutable_ttl()->set_seconds(absl::ToInt64Seconds(*ttl));
  }
  std::string key = absl::GetFlag(FLAGS_key);
  if (ctx.Given("key") && key.empty()) return FlagError("key", "must not be empty");
  if (key.empty()) key = DefaultKey(n);
  n.set_idempotency_key(key);

  labor::v1::EnqueueRequest req;
  *req.add_notifications() = n;
  labor::v1::EnqueueResponse resp;
  grpc::Status s = ctx.notify->Enqueue(ctx.NewCall().get(), req, &resp);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(resp);
    return kExitOk;
  }
  if (resp.results_size() != 1) {
    std::cerr << "laborctl: the service answered " << resp.results_size()
              << " results for one notification\n";
    return kExitRpc;
  }
  const labor::v1::EnqueueResult& r = resp.results(0);
  Detail d;
  d.Add("通知编号", r.notification_id());
  d.Add("类型", KindText(n.kind()));
  std::string recipients;
  if (r.recipients() < 0) {
    recipients = "正在展开（分群的接收人稍后确定，用 notify show 查看）";
  } else if (!r.message_id().empty()) {
    recipients = absl::StrCat(r.recipients(), " 人（消息 ", r.message_id(), "）");
  } else {
    recipients = absl::StrCat(r.recipients(), " 人");
  }
  d.Add("接收人", recipients);
  d.Add("对象", RecipientText(ctx, n));
  d.Add("幂等键", key);
  d.Add("结果", r.duplicate() ? "重复提交：相同的通知已提交过（幂等键相同），未再次发送"
                              : "已受理，等待发送");
  std::cout << d.Render();
  return kExitOk;
}

// ---------------------------------------------------------------------------
// show, message

int NotifyShow(CtlContext& ctx, const std::vector<std::string>& args) {
  absl::StatusOr<std::string> id =
      IdArgument(args, "notification", absl::GetFlag(FLAGS_notification));
  if (!id.ok()) return UsageError(std::string(id.status().message()));
  if (id->empty()) return UsageError("notify show needs the notification id: notify show <id>");
  labor::v1::GetNotificationRequest req;
  req.set_notification_id(*id);
  Notification n;
  grpc::Status s = ctx.notify->GetNotification(ctx.NewCall().get(), req, &n);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(n);
    return kExitOk;
  }
  Detail d;
  d.Add("通知编号", n.notification_id());
  d.Add("类型", KindText(n.kind()));
  d.Add("接收对象", RecipientText(ctx, n));
  d.Add("接收人数", n.recipients() < 0 ? "正在展开" : absl::StrCat(n.recipients(), " 人"));
  d.Add("展开重试", n.expansion_error());
  d.Add("渠道", n.channel() == labor::v1::CHANNEL_UNSPECIFIED ? "自动（劳动者同意的最佳渠道）"
                                                              : ChannelLabel(n.channel()));
  d.Add("优先级", PriorityLabel(n.priority()));
  if (n.ttl().seconds() > 0) d.Add("有效期", DurationLabel(absl::Seconds(n.ttl().seconds())));
  d.Add("创建时间", FormatSeconds(n.created_at()));
  if (!n.created_by().principal().empty()) {
    d.Add("创建人", absl::StrCat(n.created_by().principal(), " (", n.created_by().role(), ")"));
  }
  d.Add("幂等键", n.idempotency_key());
  std::cout << d.Render() << "内容\n" << PayloadLines(n.kind(), n.payload());

  std::vector<std::pair<labor::v1::NotificationStatus, int32_t>> counts;
  int64_t total = 0;
  for (const auto& [name, count] : n.status_counts()) {
    counts.emplace_back(StatusFromName(name), count);
    total += count;
  }
  std::sort(counts.begin(), counts.end());
  if (!counts.empty()) {
    TextTable table({"状态", "消息数"});
    for (const auto& [status, count] : counts) {
      table.AddRow({StatusText(status), absl::StrCat(count)});
    }
    std::cout << "消息状态\n" << table.Render();
  }
  std::cout << "共 " << total << " 条消息\n";
  return kExitOk;
}

// The channel a message went (or goes) out on: the latest one in its
// history, else the one requested; "" when not yet routed.
labor::v1::Channel RoutedChannel(const Message& m) {
  for (int i = m.history_size() - 1; i >= 0; --i) {
    if (m.history(i).channel() != labor::v1::CHANNEL_UNSPECIFIED) return m.history(i).channel();
  }
  return m.channel();
}

std::string ReasonText(const labor::v1::StatusChange& c) {
  std::string out = c.reason();
  if (c.channel_error_code() != 0)
    absl::StrAppend(&out, " (渠道错误码 ", c.channel_error_code(), ")");
  return out;
}

int NotifyMessage(CtlContext& ctx, const std::vector<std::string>& args) {
  absl::StatusOr<std::string> id = IdArgument(args, "message", absl::GetFlag(FLAGS_message));
  if (!id.ok()) return UsageError(std::string(id.status().message()));
  if (id->empty()) return UsageError("notify message needs the message id: notify message <id>");
  labor::v1::GetMessageRequest req;
  req.set_message_id(*id);
  Message m;
  grpc::Status s = ctx.notify->GetMessage(ctx.NewCall().get(), req, &m);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(m);
    return kExitOk;
  }
  Detail d;
  d.Add("消息编号", m.message_id());
  d.Add("通知编号", m.notification_id());
  d.Add("劳动者", m.worker_id());
  d.Add("类型", KindText(m.kind()));
  d.Add("当前状态", StatusText(m.status()));
  const labor::v1::Channel routed = RoutedChannel(m);
  d.Add("渠道", routed == labor::v1::CHANNEL_UNSPECIFIED ? "未分配" : ChannelLabel(routed));
  d.Add("优先级", PriorityLabel(m.priority()));
  d.Add("尝试次数", absl::StrCat(m.attempts()));
  d.Add("创建时间", FormatSeconds(m.created_at()));
  d.Add("截止时间", FormatSeconds(m.expires_at()));
  d.Add("已并入", m.merged_into());
  d.Add("合并了", absl::StrJoin(m.merged(), ", "));
  std::cout << d.Render() << "内容\n" << PayloadLines(m.kind(), m.payload());
  TextTable table({"时间", "状态", "渠道", "尝试", "说明"});
  for (const labor::v1::StatusChange& c : m.history()) {
    table.AddRow({FormatSeconds(c.at()), StatusText(c.status()), ChannelLabel(c.channel()),
                  absl::StrCat(c.attempt()), ReasonText(c)});
  }
  std::cout << "状态历史（上海时间）\n" << table.Render();
  return kExitOk;
}

// ---------------------------------------------------------------------------
// list, stats

int NotifyList(CtlContext& ctx) {
  labor::v1::ListMessagesRequest req;
  absl::StatusOr<std::string> worker = WorkerArgument();
  if (!worker.ok()) return UsageError(std::string(worker.status().message()));
  const std::string notification = absl::GetFlag(FLAGS_notification);
  if (worker->empty() == notification.empty()) {
    return UsageError("notify list needs one of --worker=ID and --notification=ID");
  }
  req.set_worker_id(*worker);
  req.set_notification_id(notification);
  if (const std::string text = absl::GetFlag(FLAGS_status); !text.empty()) {
    absl::StatusOr<labor::v1::NotificationStatus> status = ParseNotificationStatus(text);
    if (!status.ok()) return FlagError("status", status.status().message());
    req.set_status(*status);
  }
  const int32_t limit = absl::GetFlag(FLAGS_limit);
  if (limit < 0) return FlagError("limit", absl::StrCat("must be 0 (all) or more, got ", limit));
  const bool all = limit == 0 || absl::GetFlag(FLAGS_all);
  req.mutable_page()->set_page_token(absl::GetFlag(FLAGS_page_token));

  labor::v1::ListMessagesResponse merged;
  for (;;) {
    const int want = all ? kMaxPage : std::min(kMaxPage, limit - merged.messages_size());
    req.mutable_page()->set_page_size(want);
    labor::v1::ListMessagesResponse resp;
    grpc::Status s = ctx.notify->ListMessages(ctx.NewCall().get(), req, &resp);
    if (!s.ok()) return RpcError(s);
    for (Message& m : *resp.mutable_messages()) *merged.add_messages() = std::move(m);
    *merged.mutable_page() = resp.page();
    if (resp.page().next_page_token().empty()) break;
    if (!all && merged.messages_size() >= limit) break;
    req.mutable_page()->set_page_token(resp.page().next_page_token());
  }
  if (ctx.json) {
    PrintJson(merged);
    return kExitOk;
  }
  TextTable table({"消息编号", "劳动者", "类型", "渠道", "状态", "尝试", "创建时间", "最近说明"});
  for (const Message& m : merged.messages()) {
    const labor::v1::Channel routed = RoutedChannel(m);
    table.AddRow({m.message_id(), m.worker_id(), KindText(m.kind()),
                  routed == labor::v1::CHANNEL_UNSPECIFIED ? "-" : ChannelLabel(routed),
                  StatusText(m.status()), absl::StrCat(m.attempts()),
                  FormatTimestamp(m.created_at()),
                  m.history().empty() ? "" : ReasonText(*m.history().rbegin())});
  }
  std::cout << table.Render() << "共 " << merged.messages_size() << " 条\n";
  if (!merged.page().next_page_token().empty()) {
    std::cout << "还有更多: --page_token=" << merged.page().next_page_token() << "\n";
  }
  return kExitOk;
}

int NotifyStats(CtlContext& ctx) {
  labor::v1::StatsRequest req;
  std::optional<absl::Time> from, to;
  if (const std::string text = absl::GetFlag(FLAGS_from); !text.empty()) {
    absl::StatusOr<absl::Time> t = ParseWhen(text, /*end_of_day=*/false);
    if (!t.ok()) return FlagError("from", t.status().message());
    from = *t;
    *req.mutable_from() = ToProto(*t);
  }
  if (const std::string text = absl::GetFlag(FLAGS_to); !text.empty()) {
    absl::StatusOr<absl::Time> t = ParseWhen(text, /*end_of_day=*/true);
    if (!t.ok()) return FlagError("to", t.status().message());
    to = *t;
    *req.mutable_to() = ToProto(*t);
  }
  if (from && to && *to <= *from) return FlagError("to", "must be after --from");
  labor::v1::StatsResponse resp;
  grpc::Status s = ctx.notify->GetStats(ctx.NewCall().get(), req, &resp);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(resp);
    return kExitOk;
  }
  auto when = [](std::optional<absl::Time> t, absl::string_view otherwise) {
    return t ? absl::FormatTime("%Y-%m-%d %H:%M", *t, ShanghaiTime()) : std::string(otherwise);
  };
  if (!from && !to) {
    std::cout << "时间段  最近24小时（按消息创建时间，整点统计）\n";
  } else {
    std::cout << "时间段  " << when(from, "24小时前") << " 至 " << when(to, "现在")
              << "（上海时间，按消息创建时间，整点统计）\n";
  }
  TextTable table({"类型", "渠道", "状态", "数量"});
  for (const labor::v1::StatsRow& row : resp.rows()) {
    table.AddRow(
        {KindText(row.kind()),
         row.channel() == labor::v1::CHANNEL_UNSPECIFIED ? "未分配" : ChannelLabel(row.channel()),
         StatusText(row.status()), absl::StrCat(row.count())});
  }
  std::cout << table.Render() << "合计 " << resp.total() << " 条\n";
  return kExitOk;
}

}  // namespace

int RunNotifyCommand(CtlContext& ctx, const std::vector<std::string>& args) {
  const std::string& cmd = args.at(0);
  if (cmd == "send") return NotifySend(ctx);
  if (cmd == "show") return NotifyShow(ctx, args);
  if (cmd == "message") return NotifyMessage(ctx, args);
  if (cmd == "list") return NotifyList(ctx);
  if (cmd == "stats") return NotifyStats(ctx);
  return UsageError(absl::StrCat("unknown notify command \"", cmd, "\""));
}

}  // namespace labor::tools
