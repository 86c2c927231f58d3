// laborctl: the bureau staff's command line for ProfileService,
// VacancyService, MatchingService and NotificationService.
//
//   laborctl [flags] <group> <command> [flags]
//
// Flags may come before or after the words. `laborctl help` prints the
// reference. Exit codes: 0 ok, 1 the RPC failed (error on stderr), 2 usage.
#include "tools/laborctl.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/config.h"
#include "common/log.h"
#include "common/regions.h"
#include "tools/client.h"

ABSL_FLAG(bool, json, false, "print one JSON document per command (proto field names)");
ABSL_FLAG(std::string, notify_target, "127.0.0.1:50054",
          "NotificationService address host:port (env LABOR_NOTIFY_TARGET)");
ABSL_FLAG(std::string, as_openid, "",
          "x-labor-openid metadata (wechat-role tokens); defaults to --openid");

ABSL_FLAG(std::string, worker_id, "", "worker id");
ABSL_FLAG(std::string, name, "", "real name");
ABSL_FLAG(std::string, id_number, "", "18-character resident ID number");
ABSL_FLAG(std::string, phone, "", "11-digit mobile number");
ABSL_FLAG(std::string, openid, "", "WeChat openid of the worker");
ABSL_FLAG(std::string, township, "", "hukou township: 9-digit code or name (罗江镇)");
ABSL_FLAG(std::string, location, "", "current location region code");
ABSL_FLAG(std::string, household, "", "household id");
ABSL_FLAG(std::string, skill, "", "skills: code:level:years[,…], e.g. 6-29-01-01:四级:8");
ABSL_FLAG(std::string, cert, "", "certificates: kind:name:level:verified[,…]");
ABSL_FLAG(std::string, brand, "", "labor brand: bashan_meizi|bashan_chushi|bashan_jiangong|none");
ABSL_FLAG(std::string, wanted, "", "wanted occupation codes, comma-separated");
ABSL_FLAG(std::string, scope, "",
          "location scope: township|district|city|province|anywhere|listed_regions");
ABSL_FLAG(std::string, regions, "", "accepted region code prefixes, comma-separated");
ABSL_FLAG(std::string, min_wage, "", "minimum monthly wage in yuan");
ABSL_FLAG(std::string, available_from, "",
          "YYYY-MM-DD: register/update: available-from date; list: window start");
ABSL_FLAG(std::string, available_to, "", "YYYY-MM-DD: list: availability window end");
ABSL_FLAG(std::string, return_date, "", "YYYY-MM-DD planned return home");
ABSL_FLAG(std::string, depart_date, "", "YYYY-MM-DD planned departure");
ABSL_FLAG(std::string, intent, "", "return intent: local_job|go_out_again|start_business");
ABSL_FLAG(bool, consent_wechat, false, "consents to WeChat messages");
ABSL_FLAG(bool, consent_sms, false, "consents to SMS");
ABSL_FLAG(bool, consent_partner, false, "consents to de-identified partner sharing");
ABSL_FLAG(bool, upsert, false, "register: update the existing worker with the same ID number");
ABSL_FLAG(bool, reveal, false, "get: show the full ID number (admin; needs --purpose; audited)");
ABSL_FLAG(bool, reveal_phone, false,
          "get, history: show full phone numbers (admin; needs --purpose; audited)");
ABSL_FLAG(std::string, purpose, "", "why full ID numbers, phones or old versions are read");
ABSL_FLAG(int64_t, expected_version, -1,
          "version the change is based on; -1 = read the current one first");
ABSL_FLAG(std::string, status, "",
          "employment status: employed_local|employed_outside|unemployed|returned_home|"
          "self_employed (or 区内就业/转移就业/失业/返乡/自主创业)");
ABSL_FLAG(std::string, destination, "", "destination region code (employed_outside)");
ABSL_FLAG(std::string, employer, "", "employer name");
ABSL_FLAG(std::string, effective, "", "YYYY-MM-DD effective date of the employment record");
ABSL_FLAG(std::string, registration, "", "registration: none|employment|unemployment");
ABSL_FLAG(std::string, urban_since, "", "YYYY-MM-DD urban residence since");
ABSL_FLAG(std::string, note, "", "note (employment record, verification)");
ABSL_FLAG(std::string, occupation, "", "list: occupation code prefix (6-29 = construction)");
ABSL_FLAG(bool, overdue, false, "list: only workers whose quarterly verification is overdue");
ABSL_FLAG(int32_t, page_size, 0, "page size (0 = service default 50, max 500)");
ABSL_FLAG(std::string, page_token, "", "continue a listing from this token");
ABSL_FLAG(bool, all, false, "follow next_page_token to the end");
ABSL_FLAG(std::string, reason, "", "erase: why (required)");
ABSL_FLAG(int32_t, year, 0, "report year (0 = current quarter)");
ABSL_FLAG(int32_t, quarter, 0, "report quarter 1..4");

namespace labor::tools {
namespace {

constexpr char kHelp[] = R"(laborctl - bureau staff CLI for the Tongchuan labor services

Usage: laborctl [global flags] <group> <command> [flags]   (flags may go anywhere)

Global flags:
  --target=host:port      ProfileService (default 127.0.0.1:50051, env LABOR_TARGET)
  --vacancy_target=h:p    VacancyService (default 127.0.0.1:50052, env LABOR_VACANCY_TARGET):
                          employer, blacklist, vacancy, fair and import commands
  --matching_target=h:p   MatchingService (default 127.0.0.1:50053, env LABOR_MATCHING_TARGET):
                          match commands
  --notify_target=h:p     NotificationService (default 127.0.0.1:50054, env LABOR_NOTIFY_TARGET):
                          notify commands
  --token=T               bearer token (env LABOR_TOKEN), or
  --token_file=PATH       token file (default var/dev/tokens/admin.token)
  --as_openid=OPENID      x-labor-openid for wechat-role tokens (default: --openid)
  --deadline=10s          per-call deadline
  --json                  machine-readable: one JSON document per command
  --tls_ca_file=PEM       use TLS, verifying the server with this CA
  --tls_cert_file/--tls_key_file  client certificate for mTLS
  --data_dir=data         reference data for township/region names (optional)

Worker commands:
  worker register --name= --id_number= --phone= --township= --household=
        [--openid= --location= --skill= --cert= --brand= --wanted= --scope= --regions=
         --min_wage= --available_from= --return_date= --depart_date= --intent=
         --consent_wechat --consent_sms --consent_partner --upsert]
        [--status= ... initial employment, same flags as 'worker employment']
  worker get (--worker_id= | --id_number= | --openid= | --phone=)
        [--reveal --reveal_phone --purpose=]   full ID number / phone (masked by default;
        each reveal needs --purpose and is audit-logged)
  worker update (--worker_id= | --id_number=) [--expected_version=N]
        <any register field flags: only the flags given are changed>
  worker employment (--worker_id= | --id_number= | --openid= | --phone=)
        --status=S [--destination=REGION --employer= --effective=YYYY-MM-DD
        --registration=none|employment|unemployment --urban_since=YYYY-MM-DD --note=]
        [--expected_version=N]
  worker verify (--worker_id= | ...) [--note= --expected_version=N]
  worker list [--township= --status= --occupation= --available_from= --available_to=
        --overdue --household= --page_size= --page_token= --all]
  worker erase (--worker_id= | ...) --reason="本人申请删除 2026-11-29"
  worker history (--worker_id= | ...) --purpose=
        [--reveal_phone --page_size= --page_token= --all]
        every kept version of the record, newest first (what a change or an
        upsert replaced; audit-logged)

Reports:
  report zero-employment [--township=]          households with nobody employed
  report transfer [--year= --quarter=]          transfer-employment statistics
  report partner [--year= --quarter=]           de-identified partner supply report
  audit list [--worker_id= --page_size= --all]  audit log: every registration, change,
        consent, employment record, verification, erasure and reveal, with the
        fields it touched (names only)

Employers and the wage-arrears blacklist (拖欠农民工工资失信名单):
  employer upsert --credit_code= --name= --region= [--contact= --phone=]
        (existing employer: only the flags given change; [--employer_id= --expected_version=N];
         --employer_id with --credit_code corrects the employer's credit code)
  employer get (--employer_id= | --credit_code=)
  blacklist add (--employer_id= | --credit_code=) --reason= --source= [--listed_on=YYYY-MM-DD]
  blacklist lift (--employer_id= | --credit_code=) --reason= [--lifted_on=YYYY-MM-DD]
  blacklist check (--employer_id= | --credit_code=)
  blacklist list [--history --page_size= --page_token= --all]

Vacancies:
  vacancy post (--employer_id= | --credit_code= [--name=单位名称]) --title= [--occupation=CODE]
        --location= --wage= --headcount= [--skill= --cert= --benefits= --working_hours=
        --expires= --description= --fair_id= --request_id=]
        (no --occupation: the service maps the title through the classification's aliases)
  vacancy get --vacancy_id=
  vacancy update --vacancy_id= [--expected_version=N] <any post field flags: only the
        flags given are changed>
  vacancy close --vacancy_id= [--reason= --expected_version=N]
  vacancy fill --vacancy_id= [--reason= --expected_version=N]
  vacancy list [--occupation=PREFIX --region=PREFIX --min_wage=YUAN --status= --employer_id=
        --fair_id= --posted_after= --posted_before= --expires_after= --expires_before=
        --include_blacklisted --page_size= --page_token= --all]
  vacancy feed --since=TIME [same filters]      changes since TIME, oldest first
  vacancy import --file=ITEMS.jsonl             (also: laborctl import --file=…)
        partner bulk import: one ImportItem per line in proto JSON, e.g.
        {"external_id":"GD-2026-00042","vacancy":{"employer_credit_code":"91441900…",
         "employer_name":"…","title":"电子厂普工","location":"441900",
         "wage":{"min":{"fen":"480000"},"max":{"fen":"650000"},"unit":"WAGE_UNIT_MONTHLY"},
         "headcount":50}}
        one line per result and a summary; exit 1 if any item was rejected. Run it with the
        partner bureau's token (--token_file=var/dev/tokens/partner.token). --deadline
        applies per started 1,000 items.

Job fairs:
  fair create --name= --kind= --start_date= [--end_date=] --region= --venue= --organizer=
  fair get --fair_id=
  fair attach --fair_id= [--employer_ids=a,b --vacancy_ids=x,y]
  fair checkin --fair_id= --worker_id= [--at=TIME]
  fair stats --fair_id=
  fair list [--year= --page_size= --all]

Matching (MatchingService; reasons in Chinese under each result):
  match vacancies --worker=ID [--k=20 --region=PREFIX --occupation=PREFIX --wage_floor=YUAN
        --fair=FAIR_ID --channel=wechat|sms|kiosk]
        the open vacancies that fit the worker, best first: rank, score, vacancy (title from
        --vacancy_target when reachable) and the reasons ("4项要求满足3项", "差 焊工 四级")
  match workers --vacancy=ID [--k=100 --township= --status= --available_by=YYYY-MM-DD
        --channel=]
        the workers who fit the vacancy, best first
  match explain --worker=ID --vacancy=ID [--channel=]
        the score breakdown (part, weight, value, weighted points, reason; total), or
        the line 不推荐：<reason> (<code>) when a hard rule keeps the job from this worker
  (--worker_id/--vacancy_id work too; --channel = the channel the answer goes to: the worker
   must have consented to it; without it no consent is needed)

Notifications (NotificationService; needs the admin token):
  notify send --kind=fair|policy|transport|text (--worker=ID | segment flags)
        --field=KEY=VALUE [--field=KEY=VALUE …] [--channel=wechat|sms|kiosk --urgent --ttl=24h
        --key=IDEMPOTENCY_KEY]
        segment flags (every one given must hold; several values comma-separated or repeated):
          --township=CODE|名称 --occupation=PREFIX --status=S --return_intent=local|out|business
          --location=REGION_PREFIX --return_from=YYYY-MM-DD --return_to=YYYY-MM-DD
        --field keys by kind ([] = optional):
          fair       fair_name date venue [time end_date note fair_id]
          policy     title summary [details]
          transport  route date time meeting_point [note]
          text       text (staff's own words)
        No --channel: the best channel the worker consented to. --ttl: 30m, 24h, 7d (default:
        the kind's). Without --key the key is derived from the content and today's date
        (Shanghai), so running the same command again the same day sends nothing new
        (重复提交); give --key to send the same content again on purpose.
        Prints the notification id, the recipients (正在展开 while a segment is expanded)
        and whether it was a duplicate.
  notify show <notification_id>         the notification and its messages' status counts
  notify message <message_id>           one message and its status history (Shanghai time)
  notify list (--worker=ID | --notification=ID) [--status=S --limit=50 --page_token=]
        messages (a worker's newest first), following pages up to --limit
  notify stats [--from=TIME --to=TIME]  messages by kind × channel × status (default: last 24h)

Values:
  status      employed_local 区内就业 | employed_outside 转移就业 | unemployed 失业 |
              returned_home 返乡 | self_employed 自主创业
  skill       code:level:years, comma-separated, e.g. --skill=6-29-01-01:四级:8,6-29-01-04:3
              level: 1 自述 2 学徒工 3 五级(初级工) 4 四级(中级工) 5 三级(高级工)
                     6 二级(技师) 7 一级(高级技师) 8 特级技师 9 首席技师
  cert        kind:name:level:verified, kind = skill_level | special_operation | other,
              e.g. --cert=special_operation:低压电工作业::true,skill_level:焊工:四级:false
  brand       bashan_meizi 巴山妹子 | bashan_chushi 巴山厨师 | bashan_jiangong 巴山建工 | none
  scope       township | district | city | province | anywhere | listed_regions
  intent      local_job | go_out_again | start_business
  township    9-digit code (511702102) or name (罗江镇)
  min_wage    yuan per month, e.g. 4500
  booleans    --consent_sms / --noconsent_sms / --consent_sms=false
  notification status (notify list --status)  queued 待发送 | sent 已发出 | delivered 已送达 |
              failed 发送失败 | expired 已过期 | suppressed 不发送
  vacancy status (vacancy list --status)  open 招聘中 | filled 已招满 | closed 已关闭 |
              expired 已过期
  wage        yuan: MIN[-MAX][/UNIT][@MONTHLY_MIN-MONTHLY_MAX], unit monthly/月 (default),
              daily/天, hourly/小时, piece/件 (piece rates need the expected monthly figure):
              --wage=4500-6000/月  --wage=300/天  --wage=1.5-4/piece@6000-9000  --wage=面议
  benefits    room,board,social_insurance (包住,包吃,社保) or none
  kind        spring_breeze 春风行动 | employment_aid_month 就业援助月 | warm_way_home 温暖回家路 |
              private_enterprise_week 民营企业招聘周 | jobs_to_countryside 送岗位下乡 | other
  TIME        YYYY-MM-DD (Shanghai; --expires means the end of that day),
              'YYYY-MM-DD HH:MM' or RFC 3339 (2027-02-20T08:00:00+08:00)
  region      region code of any level (5117, 511702, 441900) or a Tongchuan township name

Without --expected_version, update/employment/close/fill read the current version first.
Exit codes: 0 ok, 1 RPC error (message on stderr), 2 usage error.
)";

// Names of the flags on the command line: "--name=x", "--name x", "-name",
// and "--noname" (which also records "name").
absl::flat_hash_set<std::string> GivenFlags(int argc, char** argv) {
  absl::flat_hash_set<std::string> given;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    absl::string_view name = arg.substr(0, arg.find('='));
    given.insert(std::string(name));
    if (absl::StartsWith(name, "no")) given.insert(std::string(name.substr(2)));
  }
  return given;
}

}  // namespace

std::unique_ptr<grpc::ClientContext> CtlContext::NewCall() const {
  auto call = std::make_unique<grpc::ClientContext>();
  PrepareClientContext(client, call.get(), openid_metadata);
  return call;
}

int UsageError(const std::string& message) {
  std::cerr << "laborctl: " << message << "\n(see `laborctl help`)\n";
  return kExitUsage;
}

absl::StatusOr<std::string> ResolveTownship(const CtlContext& ctx, const std::string& text) {
  if (text.empty() || (text[0] >= '0' && text[0] <= '9')) return text;
  if (ctx.regions != nullptr) {
    for (const std::string& code : ctx.regions->StreetsOf(kTongchuanArea)) {
      if (ctx.regions->Name(code) == text) return code;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown township \"", text, "\"; use the 9-digit code"));
}

int RpcError(const grpc::Status& status) {
  std::cerr << DescribeRpcError(status) << "\n";
  return kExitRpc;
}

int Main(int argc, char** argv) {
  // Reference-data loading logs at INFO; a CLI shows only problems unless
  // LABOR_LOG_LEVEL asks for more.
  if (std::getenv("LABOR_LOG_LEVEL") == nullptr) SetMinLogLevel(LogLevel::kWarning);
  std::vector<char*> positional =
      ParseFlagsWithEnv(argc, argv, "laborctl <group> <command> [flags]; see `laborctl help`");
  std::vector<std::string> words;
  for (size_t i = 1; i < positional.size(); ++i) words.emplace_back(positional[i]);
  if (words.empty()) {
    std::cerr << kHelp;
    return kExitUsage;
  }
  if (words[0] == "help" || words[0] == "-h") {
    std::cout << kHelp;
    return kExitOk;
  }
  // Check the words before touching tokens or the network.
  const std::string group = words[0];
  static const auto* const kCommands =
      new absl::flat_hash_map<std::string, std::vector<std::string>>{
          {"worker",
           {"register", "get", "update", "employment", "verify", "list", "erase", "history"}},
          {"report", {"zero-employment", "transfer", "partner"}},
          {"audit", {"list"}},
          {"employer", {"upsert", "get"}},
          {"blacklist", {"add", "lift", "check", "list"}},
          {"vacancy", {"post", "get", "update", "close", "fill", "list", "feed", "import"}},
          {"fair", {"create", "get", "attach", "checkin", "stats", "list"}},
          {"import", {}},  // a group without command words
          {"match", {"vacancies", "workers", "explain"}},
          {"notify", {"send", "show", "message", "list", "stats"}},
      };
  auto commands = kCommands->find(group);
  if (commands == kCommands->end()) {
    return UsageError(absl::StrCat("unknown command group \"", group, "\""));
  }
  if (commands->second.empty()) {
    if (words.size() != 1) {
      return UsageError(absl::StrCat("expected: laborctl ", group, " [flags]"));
    }
  } else if (words.size() < 2 || words.size() > (group == "notify" ? 3u : 2u)) {
    // notify show/message take the id as a third word.
    return UsageError(absl::StrCat("expected: laborctl ", group, " <",
                                   absl::StrJoin(commands->second, "|"), ">"));
  } else if (std::find(commands->second.begin(), commands->second.end(), words[1]) ==
             commands->second.end()) {
    return UsageError(absl::StrCat("unknown ", group, " command \"", words[1], "\""));
  }

  CtlContext ctx;
  ctx.json = absl::GetFlag(FLAGS_json);
  ctx.given_flags = GivenFlags(argc, argv);
  for (int i = 1; i < argc; ++i) ctx.argv.emplace_back(argv[i]);
  ctx.openid_metadata = absl::GetFlag(FLAGS_as_openid);
  if (ctx.openid_metadata.empty()) ctx.openid_metadata = absl::GetFlag(FLAGS_openid);

  const bool vacancy_group = group == "employer" || group == "blacklist" || group == "vacancy" ||
                             group == "fair" || group == "import";
  const bool match_group = group == "match";
  const bool notify_group = group == "notify";
  absl::StatusOr<ClientOptions> options = vacancy_group ? VacancyClientOptionsFromFlags()
                                          : match_group ? MatchingClientOptionsFromFlags()
                                                        : ClientOptionsFromFlags();
  if (!options.ok()) return UsageError(std::string(options.status().message()));
  ctx.client = *std::move(options);
  if (notify_group) ctx.client.target = absl::GetFlag(FLAGS_notify_target);
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = MakeChannel(ctx.client);
  if (!channel.ok()) return UsageError(std::string(channel.status().message()));
  if (vacancy_group) {
    ctx.vacancy = labor::v1::VacancyService::NewStub(*channel);
  } else if (match_group) {
    ctx.matching = labor::v1::MatchingService::NewStub(*channel);
    // The vacancy titles next to the recommendations: same credentials, the
    // vacancy target. The channel connects only when used.
    ClientOptions vacancy_options = ctx.client;
    vacancy_options.target = absl::GetFlag(FLAGS_vacancy_target);
    absl::StatusOr<std::shared_ptr<grpc::Channel>> vacancy_channel = MakeChannel(vacancy_options);
    if (vacancy_channel.ok()) ctx.vacancy = labor::v1::VacancyService::NewStub(*vacancy_channel);
  } else if (notify_group) {
    ctx.notify = labor::v1::NotificationService::NewStub(*channel);
  } else {
    ctx.stub = labor::v1::ProfileService::NewStub(*channel);
  }

  // Names are a convenience: without the reference data, codes are shown.
  absl::StatusOr<std::unique_ptr<RegionRegistry>> regions =
      RegionRegistry::LoadFromDir(absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/regions"));
  if (regions.ok()) ctx.regions = *std::move(regions);

  std::vector<std::string> rest(words.begin() + 1, words.end());
  if (group == "worker") return RunWorkerCommand(ctx, rest);
  if (group == "report") return RunReportCommand(ctx, rest);
  if (group == "audit") return RunAuditCommand(ctx, rest);
  if (group == "employer") return RunEmployerCommand(ctx, rest);
  if (group == "blacklist") return RunBlacklistCommand(ctx, rest);
  if (group == "vacancy") return RunVacancyCommand(ctx, rest);
  if (group == "fair") return RunFairCommand(ctx, rest);
  if (group == "match") return RunMatchCommand(ctx, rest);
  if (group == "notify") return RunNotifyCommand(ctx, rest);
  return RunImportCommand(ctx);
}

}  // namespace labor::tools

int main(int argc, char** argv) { return labor::tools::Main(argc, argv); }
