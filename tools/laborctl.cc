// laborctl: the bureau staff's command line for ProfileService,
// VacancyService, MatchingService and NotificationService.
//
//   laborctl [flags] <group> <command> [flags]
//
// Flags may come before or after the words. `laborctl help` prints the
// reference. Exit codes: 0 ok, 1 the RPC failed (error on stderr), 2 usage.
#include "tools/laborctl.h"

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "common/config.h"
#include "common/log.h"
#include "common/regions.h"
#include "tools/client.h"
#include "tools/laborctl_commands.h"

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

bool IsBoolFlag(absl::string_view name) {
  const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  return flag != nullptr && flag->IsOfType<bool>();
}

// The LABOR_<FLAG> environment of the global flags (LABOR_TARGET,
// LABOR_TOKEN, …). A command's own flags come only from its command line: a
// LABOR_STATUS left in the environment must not filter every list.
absl::Status ApplyEnvToGlobalFlags() {
  for (const std::string& name : CtlGlobalFlags()) {
    const std::string env = EnvNameForFlag(name);
    const char* value = std::getenv(env.c_str());
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    std::string error;
    if (value != nullptr && flag != nullptr && !flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat("bad environment setting ", env, ": ", error));
    }
  }
  return absl::OkStatus();
}

// Sets the flags of `args` (in order, so the last of a repeated flag wins).
// An error names the flag and why its value does not parse.
absl::Status SetFlags(const CtlArgs& args) {
  for (const auto& [name, value] : args.flags) {
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) return absl::InternalError(absl::StrCat("--", name, " is not defined"));
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", error));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::unique_ptr<grpc::ClientContext> CtlContext::NewCall() const {
  auto call = std::make_unique<grpc::ClientContext>();
  PrepareClientContext(client, call.get(), openid_metadata);
  return call;
}

const std::vector<std::string>& CtlContext::Values(const std::string& flag) const {
  static const auto* const kNone = new std::vector<std::string>();
  auto it = flag_values.find(flag);
  return it == flag_values.end() ? *kNone : it->second;
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
  if (absl::Status env = ApplyEnvToGlobalFlags(); !env.ok()) {
    return UsageError(std::string(env.message()));
  }
  // laborctl reads its command line itself rather than through
  // absl::ParseCommandLine: every flag must be one the command declares
  // (tools/laborctl_commands.cc), and every bad flag is a usage error (2).
  absl::StatusOr<CtlArgs> args =
      SplitCtlArgs(std::vector<std::string>(argv + 1, argv + argc), IsBoolFlag);
  if (!args.ok()) return UsageError(std::string(args.status().message()));
  if (args->help || (!args->words.empty() && args->words[0] == "help")) {
    std::cout << CtlHelp();
    return kExitOk;
  }
  if (args->words.empty()) {
    std::cerr << CtlHelp();
    return kExitUsage;
  }
  // Check the words and flags before touching tokens or the network.
  absl::StatusOr<const CtlCommand*> command = FindCtlCommand(*args);
  if (!command.ok()) return UsageError(std::string(command.status().message()));
  if (absl::Status set = SetFlags(*args); !set.ok()) {
    return UsageError(std::string(set.message()));
  }
  const std::vector<std::string>& words = args->words;
  const std::string group = words[0];

  CtlContext ctx;
  ctx.json = absl::GetFlag(FLAGS_json);
  for (const auto& [name, value] : args->flags) ctx.flag_values[name].push_back(value);
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
