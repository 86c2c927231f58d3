#include "tools/laborctl_commands.h"

#include <algorithm>
#include <initializer_list>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

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
  worker verify (--worker_id= | --id_number= | --openid= | --phone=) [--note=
        --expected_version=N]
  worker list [--township= --status= --occupation= --available_from= --available_to=
        --overdue --household= --brand= --intent= --page_size= --page_token= --all]
        every filter given must hold; --brand=none: workers without a labor brand
  worker erase (--worker_id= | --id_number= | --openid= | --phone=)
        --reason="本人申请删除 2026-11-29"
  worker history (--worker_id= | --id_number= | --openid= | --phone=) --purpose=
        [--reveal_phone --page_size= --page_token= --all]
        every kept version of the record, newest first (what a change or an
        upsert replaced; audit-logged)

Reports:
  report zero-employment [--township=]          households with nobody employed
  report transfer [--year= --quarter=]          transfer-employment statistics
  report partner [--year= --quarter=]           de-identified partner supply report
  audit list [--worker_id= --page_size= --page_token= --all]
        the audit log: every registration, change, consent, employment record,
        verification, erasure and reveal, with the fields it touched (names only)

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
        --expires= --description= --gender= --fair_id= --request_id=]
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
  vacancy import --file=ITEMS.jsonl
        partner bulk import: one ImportItem per line in proto JSON, e.g.
        {"external_id":"GD-2026-00042","vacancy":{"employer_credit_code":"91441900…",
         "employer_name":"…","title":"电子厂普工","location":"441900",
         "wage":{"min":{"fen":"480000"},"max":{"fen":"650000"},"unit":"WAGE_UNIT_MONTHLY"},
         "headcount":50}}
        one line per result and a summary; exit 1 if any item was rejected. Run it with the
        partner bureau's token (--token_file=var/dev/tokens/partner.token). --deadline
        applies per started 1,000 items.
  import --file=ITEMS.jsonl                     the same as vacancy import

Job fairs:
  fair create --name= --kind= --start_date= [--end_date=] --region= --venue= --organizer=
  fair get --fair_id=
  fair attach --fair_id= [--employer_ids=a,b --vacancy_ids=x,y --employer_id= --vacancy_id=]
  fair checkin --fair_id= --worker_id= [--at=TIME]
  fair stats --fair_id=
  fair list [--year= --page_size= --page_token= --all]

Matching (MatchingService; reasons in Chinese under each result):
  match vacancies --worker=ID (or --worker_id=) [--k=20 --region=PREFIX --occupation=PREFIX --wage_floor=YUAN
        --fair=FAIR_ID --channel=wechat|sms|kiosk]
        the open vacancies that fit the worker, best first: rank, score, vacancy (title from
        --vacancy_target when reachable) and the reasons ("4项要求满足3项", "差 焊工 四级")
  match workers --vacancy=ID (or --vacancy_id=) [--k=100 --township= --status= --available_by=YYYY-MM-DD
        --channel=]
        the workers who fit the vacancy, best first
  match explain --worker=ID --vacancy=ID (or --worker_id= --vacancy_id=) [--channel=]
        the score breakdown (part, weight, value, weighted points, reason; total), or
        the line 不推荐：<reason> (<code>) when a hard rule keeps the job from this worker
  (--channel = the channel the answer goes to: the worker must have consented to it; without
   it no consent is needed)

Notifications (NotificationService; needs the admin token):
  notify send --kind=fair|policy|transport|text (--worker=ID (or --worker_id=) | segment flags)
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
  notify show (<notification_id> | --notification=ID)
        the notification and its messages' status counts
  notify message (<message_id> | --message=ID)
        one message and its status history (Shanghai time)
  notify list (--worker=ID (or --worker_id=) | --notification=ID) [--status=S --limit=50
        --page_token= --all]
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
  township    9-digit code (511702102), 12-digit statistical code (511702102000) or name (罗江镇)
  min_wage    yuan per month, e.g. 4500
  gender      any 不限 | male 男 | female 女 (vacancy --gender; only lawful for the exempt
              occupations)
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
  region      region code of any level (5117, 511702, 441900), in GB/T 2260 form (440300 =
              4403, 510000 = 51) or 12-digit statistical form, or a Tongchuan township name

Without --expected_version, update/employment/close/fill read the current version first.
Exit codes: 0 ok, 1 RPC error (message on stderr), 2 usage error.
)";

std::vector<std::string> Join(std::initializer_list<std::vector<std::string>> parts) {
  std::vector<std::string> out;
  for (const std::vector<std::string>& part : parts) {
    for (const std::string& flag : part) {
      if (std::find(out.begin(), out.end(), flag) == out.end()) out.push_back(flag);
    }
  }
  return out;
}

}  // namespace

std::string CtlCommand::Name() const {
  return command.empty() ? group : absl::StrCat(group, " ", command);
}

bool CtlCommand::Takes(absl::string_view flag) const {
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

const std::vector<CtlCommand>& CtlCommands() {
  static const auto* const kCommands = [] {
    // Flag sets several commands share.
    const std::vector<std::string> worker_keys = {"worker_id", "id_number", "openid", "phone"};
    // The worker fields register and update set (tools/laborctl_worker.cc).
    const std::vector<std::string> worker_fields = {
        "name",        "phone",   "openid",         "township",       "location",
        "household",   "skill",   "cert",           "brand",          "wanted",
        "scope",       "regions", "min_wage",       "available_from", "return_date",
        "depart_date", "intent",  "consent_wechat", "consent_sms",    "consent_partner"};
    // One employment record (worker employment, register's initial employment).
    const std::vector<std::string> employment_record = {
        "status", "destination", "employer", "effective", "registration", "urban_since", "note"};
    const std::vector<std::string> page = {"page_size", "page_token", "all"};
    const std::vector<std::string> employer_key = {"employer_id", "credit_code"};
    // The vacancy fields post and update set (tools/laborctl_vacancy.cc).
    const std::vector<std::string> vacancy_fields = {
        "title",     "occupation", "skill",         "cert",    "location",    "wage",
        "headcount", "benefits",   "working_hours", "expires", "description", "gender"};
    const std::vector<std::string> vacancy_filters = {
        "occupation",    "region",         "min_wage",           "status",
        "employer_id",   "fair_id",        "posted_after",       "posted_before",
        "expires_after", "expires_before", "include_blacklisted"};
    const std::vector<std::string> notify_segment = {"township",      "occupation", "status",
                                                     "return_intent", "location",   "return_from",
                                                     "return_to"};

    return new std::vector<CtlCommand>{
        {"worker", "register", false,
         Join({{"id_number", "upsert"}, worker_fields, employment_record})},
        {"worker", "get", false, Join({worker_keys, {"reveal", "reveal_phone", "purpose"}})},
        {"worker", "update", false,
         Join({{"worker_id", "id_number", "expected_version"}, worker_fields})},
        {"worker", "employment", false,
         Join({worker_keys, employment_record, {"expected_version"}})},
        {"worker", "verify", false, Join({worker_keys, {"note", "expected_version"}})},
        {"worker", "list", false,
         Join({{"township", "status", "occupation", "available_from", "available_to", "overdue",
                "household", "brand", "intent"},
               page})},
        {"worker", "erase", false, Join({worker_keys, {"reason"}})},
        {"worker", "history", false, Join({worker_keys, {"purpose", "reveal_phone"}, page})},
        {"report", "zero-employment", false, {"township"}},
        {"report", "transfer", false, {"year", "quarter"}},
        {"report", "partner", false, {"year", "quarter"}},
        {"audit", "list", false, Join({{"worker_id"}, page})},
        {"employer", "upsert", false,
         Join({employer_key, {"name", "region", "contact", "phone", "expected_version"}})},
        {"employer", "get", false, employer_key},
        {"blacklist", "add", false, Join({employer_key, {"reason", "source", "listed_on"}})},
        {"blacklist", "lift", false, Join({employer_key, {"reason", "lifted_on"}})},
        {"blacklist", "check", false, employer_key},
        {"blacklist", "list", false, Join({{"history"}, page})},
        {"vacancy", "post", false,
         Join({employer_key, {"name"}, vacancy_fields, {"fair_id", "request_id"}})},
        {"vacancy", "get", false, {"vacancy_id"}},
        {"vacancy", "update", false, Join({{"vacancy_id", "expected_version"}, vacancy_fields})},
        {"vacancy", "close", false, {"vacancy_id", "reason", "expected_version"}},
        {"vacancy", "fill", false, {"vacancy_id", "reason", "expected_version"}},
        {"vacancy", "list", false, Join({vacancy_filters, page})},
        {"vacancy", "feed", false, Join({{"since"}, vacancy_filters, page})},
        {"vacancy", "import", false, {"file"}},
        {"import", "", false, {"file"}},
        {"fair",
         "create",
         false,
         {"name", "kind", "start_date", "end_date", "region", "venue", "organizer"}},
        {"fair", "get", false, {"fair_id"}},
        {"fair",
         "attach",
         false,
         {"fair_id", "employer_ids", "vacancy_ids", "employer_id", "vacancy_id"}},
        {"fair", "checkin", false, {"fair_id", "worker_id", "at"}},
        {"fair", "stats", false, {"fair_id"}},
        {"fair", "list", false, Join({{"year"}, page})},
        {"match",
         "vacancies",
         false,
         {"worker", "worker_id", "k", "region", "occupation", "wage_floor", "fair", "channel"}},
        {"match",
         "workers",
         false,
         {"vacancy", "vacancy_id", "k", "township", "status", "available_by", "channel"}},
        {"match", "explain", false, {"worker", "worker_id", "vacancy", "vacancy_id", "channel"}},
        {"notify", "send", false,
         Join({{"kind", "worker", "worker_id"},
               notify_segment,
               {"field", "channel", "urgent", "ttl", "key"}})},
        {"notify", "show", true, {"notification"}},
        {"notify", "message", true, {"message"}},
        {"notify",
         "list",
         false,
         {"worker", "worker_id", "notification", "status", "limit", "page_token", "all"}},
        {"notify", "stats", false, {"from", "to"}},
    };
  }();
  return *kCommands;
}

const std::vector<std::string>& CtlGlobalFlags() {
  static const auto* const kFlags = new std::vector<std::string>{
      "target",        "vacancy_target", "matching_target", "notify_target", "token",
      "token_file",    "as_openid",      "deadline",        "json",          "tls_ca_file",
      "tls_cert_file", "tls_key_file",   "data_dir"};
  return *kFlags;
}

absl::string_view CtlHelp() { return kHelp; }

namespace {

bool IsGlobal(absl::string_view flag) {
  const std::vector<std::string>& global = CtlGlobalFlags();
  return std::find(global.begin(), global.end(), flag) != global.end();
}

// Whether `flag` is global or some command's.
bool IsKnown(absl::string_view flag) {
  if (IsGlobal(flag)) return true;
  for (const CtlCommand& c : CtlCommands()) {
    if (c.Takes(flag)) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<CtlArgs> SplitCtlArgs(const std::vector<std::string>& args,
                                     const std::function<bool(absl::string_view)>& is_bool) {
  CtlArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "--") {
      out.words.insert(out.words.end(), args.begin() + i + 1, args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      out.words.emplace_back(arg);
      continue;
    }
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    const size_t eq = arg.find('=');
    std::string name(arg.substr(0, eq));
    if (name == "help" || name == "h") {
      out.help = true;
      continue;
    }
    std::string value;
    if (IsKnown(name)) {
      if (eq != absl::string_view::npos) {
        value = std::string(arg.substr(eq + 1));
      } else if (is_bool(name)) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      }
    } else if (absl::string_view base = name; absl::ConsumePrefix(&base, "no") && IsKnown(base) &&
                                              is_bool(base) && eq == absl::string_view::npos) {
      name = std::string(base);
      value = "false";
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    out.flags.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

absl::StatusOr<const CtlCommand*> FindCtlCommand(const CtlArgs& args) {
  const std::vector<std::string>& words = args.words;
  if (words.empty()) return absl::InvalidArgumentError("expected: laborctl <group> <command>");
  std::vector<const CtlCommand*> group;
  for (const CtlCommand& c : CtlCommands()) {
    if (c.group == words[0]) group.push_back(&c);
  }
  if (group.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown command group \"", words[0], "\""));
  }
  const CtlCommand* command = nullptr;
  if (group.size() == 1 && group[0]->command.empty()) {
    command = group[0];
  } else {
    std::vector<std::string> names;
    for (const CtlCommand* c : group) {
      names.push_back(c->command);
      if (words.size() > 1 && c->command == words[1]) command = c;
    }
    if (words.size() < 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected: laborctl ", words[0], " <", absl::StrJoin(names, "|"), ">"));
    }
    if (command == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown ", words[0], " command \"", words[1], "\""));
    }
  }
  const size_t expected = (command->command.empty() ? 1 : 2) + (command->takes_id ? 1 : 0);
  if (words.size() > expected) {
    return absl::InvalidArgumentError(
        absl::StrCat(command->Name(), ": unexpected word \"", words[expected], "\""));
  }
  for (const auto& [flag, value] : args.flags) {
    if (IsGlobal(flag) || command->Takes(flag)) continue;
    return absl::InvalidArgumentError(absl::StrCat(command->Name(), " does not take --", flag,
                                                   "; its flags: --",
                                                   absl::StrJoin(command->flags, " --")));
  }
  return command;
}

}  // namespace labor::tools
