// laborctl internals: the per-command flags, the shared command context and
// the command groups (worker, report, audit on ProfileService; employer,
// blacklist, vacancy, fair, import on VacancyService; match on
// MatchingService; notify on NotificationService). See `laborctl help`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "common/regions.h"
#include "common/server.h"
#include "labor/v1/matching.grpc.pb.h"
#include "labor/v1/notification.grpc.pb.h"
#include "labor/v1/profile.grpc.pb.h"
#include "labor/v1/vacancy.grpc.pb.h"

// Output and caller.
ABSL_DECLARE_FLAG(bool, json);
// NotificationService address (the other targets are in tools/client.h).
ABSL_DECLARE_FLAG(std::string, notify_target);
ABSL_DECLARE_FLAG(std::string, as_openid);
// Worker fields (register / update) and lookup keys (get and the others).
ABSL_DECLARE_FLAG(std::string, worker_id);
ABSL_DECLARE_FLAG(std::string, name);
ABSL_DECLARE_FLAG(std::string, id_number);
ABSL_DECLARE_FLAG(std::string, phone);
ABSL_DECLARE_FLAG(std::string, openid);
ABSL_DECLARE_FLAG(std::string, township);
ABSL_DECLARE_FLAG(std::string, location);
ABSL_DECLARE_FLAG(std::string, household);
ABSL_DECLARE_FLAG(std::string, skill);
ABSL_DECLARE_FLAG(std::string, cert);
ABSL_DECLARE_FLAG(std::string, brand);
ABSL_DECLARE_FLAG(std::string, wanted);
ABSL_DECLARE_FLAG(std::string, scope);
ABSL_DECLARE_FLAG(std::string, regions);
ABSL_DECLARE_FLAG(std::string, min_wage);
ABSL_DECLARE_FLAG(std::string, available_from);
ABSL_DECLARE_FLAG(std::string, available_to);
ABSL_DECLARE_FLAG(std::string, return_date);
ABSL_DECLARE_FLAG(std::string, depart_date);
ABSL_DECLARE_FLAG(std::string, intent);
ABSL_DECLARE_FLAG(bool, consent_wechat);
ABSL_DECLARE_FLAG(bool, consent_sms);
ABSL_DECLARE_FLAG(bool, consent_partner);
ABSL_DECLARE_FLAG(bool, upsert);
ABSL_DECLARE_FLAG(bool, reveal);
ABSL_DECLARE_FLAG(bool, reveal_phone);
ABSL_DECLARE_FLAG(std::string, purpose);
ABSL_DECLARE_FLAG(int64_t, expected_version);
// Employment records.
ABSL_DECLARE_FLAG(std::string, status);
ABSL_DECLARE_FLAG(std::string, destination);
ABSL_DECLARE_FLAG(std::string, employer);
ABSL_DECLARE_FLAG(std::string, effective);
ABSL_DECLARE_FLAG(std::string, registration);
ABSL_DECLARE_FLAG(std::string, urban_since);
ABSL_DECLARE_FLAG(std::string, note);
// Listing and reports.
ABSL_DECLARE_FLAG(std::string, occupation);
ABSL_DECLARE_FLAG(bool, overdue);
ABSL_DECLARE_FLAG(int32_t, page_size);
ABSL_DECLARE_FLAG(std::string, page_token);
ABSL_DECLARE_FLAG(bool, all);
ABSL_DECLARE_FLAG(std::string, reason);
ABSL_DECLARE_FLAG(int32_t, year);
ABSL_DECLARE_FLAG(int32_t, quarter);

namespace labor::tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRpc = 1;
inline constexpr int kExitUsage = 2;

// Everything a command needs; built once in main.
struct CtlContext {
  ClientOptions client;
  std::string openid_metadata;                            // x-labor-openid ("" = none)
  std::unique_ptr<labor::v1::ProfileService::Stub> stub;  // worker, report, audit
  // employer, blacklist, vacancy, fair, import (--vacancy_target); for match,
  // the vacancy titles shown next to the recommendations.
  std::unique_ptr<labor::v1::VacancyService::Stub> vacancy;
  // match (--matching_target).
  std::unique_ptr<labor::v1::MatchingService::Stub> matching;
  // notify (--notify_target).
  std::unique_ptr<labor::v1::NotificationService::Stub> notify;
  std::unique_ptr<RegionRegistry> regions;  // null when --data_dir could not be loaded
  bool json = false;
  // The values of each flag on the command line, in order (the flag itself
  // holds the last): update builds its FieldMask from exactly the flags
  // given, and some flags may be repeated (notify send --field=k=v --field=…).
  absl::flat_hash_map<std::string, std::vector<std::string>> flag_values;

  bool Given(const std::string& flag) const { return flag_values.contains(flag); }
  // Every value given for `flag`, in command-line order; empty when not given.
  const std::vector<std::string>& Values(const std::string& flag) const;
  // A ClientContext with token, openid and deadline set.
  std::unique_ptr<grpc::ClientContext> NewCall() const;
};

// Prints `message` and the help hint on stderr; returns kExitUsage.
int UsageError(const std::string& message);
// Prints the RPC error on stderr (one line per field violation); returns kExitRpc.
int RpcError(const grpc::Status& status);

// A township code as given, or the code of the Tongchuan township with that
// name ("罗江镇"; needs the reference data). "" stays "".
absl::StatusOr<std::string> ResolveTownship(const CtlContext& ctx, const std::string& text);

// Calls `call(*req, &page)` for the page `req` names and, with --all, for
// every following page; `take(page, merged)` moves each page's items into
// `merged`, whose page field ends as the last page's.
template <typename Response, typename Request, typename Call, typename Take>
grpc::Status FollowPages(Request* req, Call call, Take take, Response* merged) {
  for (;;) {
    Response page;
    grpc::Status s = call(*req, &page);
    if (!s.ok()) return s;
    take(page, merged);
    *merged->mutable_page() = page.page();
    if (!absl::GetFlag(FLAGS_all) || page.page().next_page_token().empty()) return s;
    req->mutable_page()->set_page_token(page.page().next_page_token());
  }
}

// `args` are the words after the group name ("get", "list", …).
int RunWorkerCommand(CtlContext& ctx, const std::vector<std::string>& args);
int RunReportCommand(CtlContext& ctx, const std::vector<std::string>& args);
int RunAuditCommand(CtlContext& ctx, const std::vector<std::string>& args);
// VacancyService groups (tools/laborctl_vacancy.cc); ctx.vacancy is set.
int RunEmployerCommand(CtlContext& ctx, const std::vector<std::string>& args);
int RunBlacklistCommand(CtlContext& ctx, const std::vector<std::string>& args);
int RunVacancyCommand(CtlContext& ctx, const std::vector<std::string>& args);
int RunFairCommand(CtlContext& ctx, const std::vector<std::string>& args);
// `laborctl import --file=…` (the same as `vacancy import`).
int RunImportCommand(CtlContext& ctx);
// MatchingService group (tools/laborctl_match.cc); ctx.matching is set, and
// ctx.vacancy for the vacancy titles.
int RunMatchCommand(CtlContext& ctx, const std::vector<std::string>& args);
// NotificationService group (tools/laborctl_notify.cc); ctx.notify is set.
// `args` may hold a positional id after the command word (show, message).
int RunNotifyCommand(CtlContext& ctx, const std::vector<std::string>& args);

}  // namespace labor::tools
