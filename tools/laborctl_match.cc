// laborctl match: the MatchingService commands (--matching_target).
//
//   match vacancies --worker=ID   the jobs that fit one worker, best first
//   match workers --vacancy=ID    the workers who fit one job, best first
//   match explain --worker=ID --vacancy=ID
//                                 the score breakdown of one pair, or why the
//                                 job is never shown to that worker
//
// Same conventions as the other groups: tables with the service's Chinese
// reasons by default, the response as JSON (proto field names) with --json,
// exit 2 for a bad flag before anything is sent.
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "labor/v1/matching.grpc.pb.h"
#include "tools/labels.h"
#include "tools/laborctl.h"
#include "tools/laborctl_print.h"
#include "tools/text_table.h"

// Defined with the vacancy commands (tools/laborctl_vacancy.cc).
ABSL_DECLARE_FLAG(std::string, region);
ABSL_DECLARE_FLAG(std::string, vacancy_id);

ABSL_FLAG(std::string, worker, "", "match: worker id (also --worker_id)");
ABSL_FLAG(std::string, vacancy, "", "match: vacancy id (also --vacancy_id)");
ABSL_FLAG(int32_t, k, 0,
          "match: how many results (vacancies 1..200, default 20; workers 1..1000, default 100)");
ABSL_FLAG(std::string, wage_floor, "",
          "match vacancies: only jobs whose stated monthly wage reaches this many yuan");
ABSL_FLAG(std::string, fair, "", "match vacancies: only the jobs of this job fair (fair id)");
ABSL_FLAG(std::string, channel, "",
          "match: the channel the answer goes to, for the consent check: wechat|sms|kiosk "
          "(微信/短信/自助机); default none");
ABSL_FLAG(std::string, available_by, "",
          "match workers: only workers available to start by YYYY-MM-DD");

namespace labor::tools {
namespace {

using labor::v1::Match;
using labor::v1::RecommendResponse;

int FlagError(absl::string_view flag, const absl::Status& s) {
  return UsageError(absl::StrCat("--", flag, ": ", s.message()));
}

// --<primary>, or the older spelling --<alias> (worker_id, vacancy_id) the
// other groups use. Both given and different is a usage error.
absl::StatusOr<std::string> IdFlag(const CtlContext& ctx, const char* primary,
                                   const std::string& primary_value, const char* alias,
                                   const std::string& alias_value) {
  const bool has_primary = ctx.Given(primary) && !primary_value.empty();
  const bool has_alias = ctx.Given(alias) && !alias_value.empty();
  if (has_primary && has_alias && primary_value != alias_value) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", primary, " and --", alias, " name different ids; give one"));
  }
  return has_primary ? primary_value : alias_value;
}

absl::StatusOr<std::string> WorkerFlag(const CtlContext& ctx) {
  return IdFlag(ctx, "worker", absl::GetFlag(FLAGS_worker), "worker_id",
                absl::GetFlag(FLAGS_worker_id));
}

absl::StatusOr<std::string> VacancyFlag(const CtlContext& ctx) {
  return IdFlag(ctx, "vacancy", absl::GetFlag(FLAGS_vacancy), "vacancy_id",
                absl::GetFlag(FLAGS_vacancy_id));
}

// wechat|sms|kiosk or the Chinese names; "" = no channel (staff asking for
// themselves: no consent needed).
absl::StatusOr<labor::v1::Channel> ParseChannel(absl::string_view text) {
  static const auto* const kChannels = new absl::flat_hash_map<std::string, labor::v1::Channel>{
      {"", labor::v1::CHANNEL_UNSPECIFIED}, {"wechat", labor::v1::CHANNEL_WECHAT},
      {"微信", labor::v1::CHANNEL_WECHAT},  {"sms", labor::v1::CHANNEL_SMS},
      {"短信", labor::v1::CHANNEL_SMS},     {"kiosk", labor::v1::CHANNEL_KIOSK},
      {"自助机", labor::v1::CHANNEL_KIOSK}, {"一体机", labor::v1::CHANNEL_KIOSK},
  };
  auto it = kChannels->find(absl::AsciiStrToLower(absl::StripAsciiWhitespace(text)));
  if (it == kChannels->end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown channel \"", text, "\"; use wechat|sms|kiosk (微信/短信/自助机)"));
  }
  return it->second;
}

// --k: 0 (not given) lets the service pick its default; the upper bounds
// (200 vacancies, 1000 workers) are the service's to enforce.
std::optional<int> KFromFlags(const CtlContext& ctx, int32_t* k) {
  *k = absl::GetFlag(FLAGS_k);
  if (*k < 0 || (*k == 0 && ctx.Given("k"))) {
    return UsageError(absl::StrCat("--k: must be at least 1, got ", *k));
  }
  return std::nullopt;
}

// The Chinese name of a score part, with the service's name for --json
// readers: "技能 skill".
std::string PartLabel(absl::string_view name) {
  static const auto* const kLabels = new absl::flat_hash_map<std::string, std::string>{
      {"skill", "技能"},           {"certificate", "证书"},
      {"location", "地点"},        {"wage", "工资"},
      {"freshness", "发布时间"},   {"brand", "劳务品牌"},
      {"return_plan", "返乡计划"},
  };
  auto it = kLabels->find(std::string(name));
  return it == kLabels->end() ? std::string(name) : absl::StrCat(it->second, " ", name);
}

std::string Score(double value) { return absl::StrFormat("%.3f", value); }

// Vacancy titles for the table, looked up on VacancyService. A title is a
// convenience: the first failed lookup (no --vacancy_target reachable, a
// role that may not read vacancies) stops the lookups and the column stays
// empty; an unknown vacancy just has no title.
std::vector<std::string> VacancyTitles(const CtlContext& ctx, const RecommendResponse& resp) {
  std::vector<std::string> titles(resp.matches_size());
  if (ctx.vacancy == nullptr) return titles;
  for (int i = 0; i < resp.matches_size(); ++i) {
    labor::v1::GetVacancyRequest req;
    req.set_vacancy_id(resp.matches(i).vacancy_id());
    labor::v1::Vacancy v;
    grpc::Status s = ctx.vacancy->GetVacancy(ctx.NewCall().get(), req, &v);
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) continue;
    if (!s.ok()) break;
    titles[i] = v.title();
    if (!v.employer_name().empty()) absl::StrAppend(&titles[i], " · ", v.employer_name());
  }
  return titles;
}

// The ranked table, each row followed by its reason lines, indented. The
// rows come from TextTable so the columns line up; the reasons go between
// them.
void PrintRanked(const RecommendResponse& resp, std::vector<std::string> headers,
                 const std::vector<std::vector<std::string>>& rows, absl::string_view noun) {
  TextTable table(std::move(headers));
  for (const std::vector<std::string>& row : rows) table.AddRow(row);
  std::vector<std::string> lines = absl::StrSplit(table.Render(), '\n');
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    absl::StrAppend(&out, lines[i], "\n");
    // Lines 0 and 1 are the header and the rule; line i >= 2 is match i-2.
    if (i < 2 || i - 2 >= static_cast<size_t>(resp.matches_size())) continue;
    for (const std::string& reason : resp.matches(static_cast<int>(i - 2)).reasons()) {
      absl::StrAppend(&out, "      · ", reason, "\n");
    }
  }
  std::cout << out;
  std::cout << "共 " << resp.matches_size() << " 个" << noun << "（考察候选 "
            << resp.candidates_considered() << " 个，因硬性条件排除 " << resp.vetoed() << " 个）\n";
}

// ---------------------------------------------------------------------------

int MatchVacancies(CtlContext& ctx) {
  labor::v1::RecommendVacanciesRequest req;
  absl::StatusOr<std::string> worker = WorkerFlag(ctx);
  if (!worker.ok()) return UsageError(std::string(worker.status().message()));
  if (worker->empty()) return UsageError("match vacancies needs --worker=<worker id>");
  req.set_worker_id(*worker);
  int32_t k = 0;
  if (std::optional<int> rc = KFromFlags(ctx, &k)) return *rc;
  req.set_k(k);
  if (!absl::GetFlag(FLAGS_region).empty()) {
    absl::StatusOr<std::string> region = ResolveTownship(ctx, absl::GetFlag(FLAGS_region));
    if (!region.ok()) return FlagError("region", region.status());
    req.set_region_prefix(*region);
  }
  req.set_occupation_prefix(absl::GetFlag(FLAGS_occupation));
  if (!absl::GetFlag(FLAGS_wage_floor).empty()) {
    absl::StatusOr<labor::v1::Money> floor = ParseYuan(absl::GetFlag(FLAGS_wage_floor));
    if (!floor.ok()) return FlagError("wage_floor", floor.status());
    *req.mutable_monthly_wage_floor() = *floor;
  }
  req.set_fair_id(absl::GetFlag(FLAGS_fair));
  absl::StatusOr<labor::v1::Channel> channel = ParseChannel(absl::GetFlag(FLAGS_channel));
  if (!channel.ok()) return FlagError("channel", channel.status());
  req.set_channel(*channel);

  RecommendResponse resp;
  grpc::Status s = ctx.matching->RecommendVacancies(ctx.NewCall().get(), req, &resp);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(resp);
    return kExitOk;
  }
  std::vector<std::string> titles = VacancyTitles(ctx, resp);
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < resp.matches_size(); ++i) {
    const Match& m = resp.matches(i);
    rows.push_back({absl::StrCat(i + 1), Score(m.score()), m.vacancy_id(), titles[i]});
  }
  PrintRanked(resp, {"名次", "得分", "岗位编号", "岗位"}, rows, "岗位");
  return kExitOk;
}

int MatchWorkers(CtlContext& ctx) {
  labor::v1::RecommendWorkersRequest req;
  absl::StatusOr<std::string> vacancy = VacancyFlag(ctx);
  if (!vacancy.ok()) return UsageError(std::string(vacancy.status().message()));
  if (vacancy->empty()) return UsageError("match workers needs --vacancy=<vacancy id>");
  req.set_vacancy_id(*vacancy);
  int32_t k = 0;
  if (std::optional<int> rc = KFromFlags(ctx, &k)) return *rc;
  req.set_k(k);
  if (!absl::GetFlag(FLAGS_township).empty()) {
    absl::StatusOr<std::string> township = ResolveTownship(ctx, absl::GetFlag(FLAGS_township));
    if (!township.ok()) return FlagError("township", township.status());
    req.set_township(*township);
  }
  if (!absl::GetFlag(FLAGS_status).empty()) {
    absl::StatusOr<labor::v1::EmploymentStatus> status =
        ParseEmploymentStatus(absl::GetFlag(FLAGS_status));
    if (!status.ok()) return FlagError("status", status.status());
    req.set_status(*status);
  }
  if (!absl::GetFlag(FLAGS_available_by).empty()) {
    absl::StatusOr<labor::v1::Date> by = ParseDate(absl::GetFlag(FLAGS_available_by));
    if (!by.ok()) return FlagError("available_by", by.status());
    *req.mutable_available_by() = *by;
  }
  absl::StatusOr<labor::v1::Channel> channel = ParseChannel(absl::GetFlag(FLAGS_channel));
  if (!channel.ok()) return FlagError("channel", channel.status());
  req.set_channel(*channel);

  RecommendResponse resp;
  grpc::Status s = ctx.matching->RecommendWorkers(ctx.NewCall().get(), req, &resp);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(resp);
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < resp.matches_size(); ++i) {
    const Match& m = resp.matches(i);
    rows.push_back({absl::StrCat(i + 1), Score(m.score()), m.worker_id()});
  }
  PrintRanked(resp, {"名次", "得分", "劳动者编号"}, rows, "劳动者");
  return kExitOk;
}

int MatchExplain(CtlContext& ctx) {
  labor::v1::ExplainRequest req;
  absl::StatusOr<std::string> worker = WorkerFlag(ctx);
  if (!worker.ok()) return UsageError(std::string(worker.status().message()));
  absl::StatusOr<std::string> vacancy = VacancyFlag(ctx);
  if (!vacancy.ok()) return UsageError(std::string(vacancy.status().message()));
  if (worker->empty() || vacancy->empty()) {
    return UsageError("match explain needs --worker=<worker id> and --vacancy=<vacancy id>");
  }
  req.set_worker_id(*worker);
  req.set_vacancy_id(*vacancy);
  absl::StatusOr<labor::v1::Channel> channel = ParseChannel(absl::GetFlag(FLAGS_channel));
  if (!channel.ok()) return FlagError("channel", channel.status());
  req.set_channel(*channel);

  labor::v1::ExplainResponse resp;
  grpc::Status s = ctx.matching->Explain(ctx.NewCall().get(), req, &resp);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(resp);
    return kExitOk;
  }
  std::cout << "劳动者 " << req.worker_id() << "  岗位 " << req.vacancy_id() << "\n";
  if (resp.vetoed()) {
    std::cout << "不推荐：" << resp.veto_reason() << " (" << resp.veto_code() << ")\n";
    return kExitOk;
  }
  const Match& m = resp.match();
  TextTable table({"评分项", "权重", "得分率", "加权得分", "说明"});
  for (const labor::v1::ScorePart& part : m.parts()) {
    table.AddRow({PartLabel(part.name()), Score(part.weight()), Score(part.value()),
                  Score(part.weight() * part.value()), part.reason()});
  }
  std::cout << table.Render() << "总分 " << Score(m.score()) << "\n";
  // The reasons that are not a part's own line: the missing-skill gaps.
  std::vector<std::string> extra;
  for (const std::string& reason : m.reasons()) {
    bool is_part = false;
    for (const labor::v1::ScorePart& part : m.parts()) is_part |= part.reason() == reason;
    if (!is_part) extra.push_back(reason);
  }
  for (const std::string& line : extra) std::cout << "  · " << line << "\n";
  return kExitOk;
}

}  // namespace

int RunMatchCommand(CtlContext& ctx, const std::vector<std::string>& args) {
  const std::string& cmd = args.at(0);
  if (cmd == "vacancies") return MatchVacancies(ctx);
  if (cmd == "workers") return MatchWorkers(ctx);
  if (cmd == "explain") return MatchExplain(ctx);
  return UsageError(absl::StrCat("unknown match command \"", cmd, "\""));
}

}  // namespace labor::tools
