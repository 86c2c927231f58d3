// laborctl worker …: register, get, update, employment, verify, list, erase,
// history.
#include <algorithm>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tools/labels.h"
#include "tools/laborctl.h"
#include "tools/laborctl_print.h"
#include "tools/text_table.h"

namespace labor::tools {
namespace {

using labor::v1::EmploymentRecord;
using labor::v1::GetWorkerRequest;
using labor::v1::Worker;

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    out.emplace_back(absl::StripAsciiWhitespace(item));
  }
  return out;
}

// One settable worker field: the flag, the update_mask path, and how to put
// the flag's value into a Worker. The service updates the return plan only
// as a whole, so its three flags share the path "return_plan" and update
// merges them into the stored plan.
struct FieldFlag {
  const char* flag;
  const char* path;
  std::function<absl::Status(const CtlContext&, Worker*)> apply;
};

template <typename T>
absl::Status Assign(absl::StatusOr<T> value, const std::function<void(T)>& set) {
  if (!value.ok()) return value.status();
  set(*std::move(value));
  return absl::OkStatus();
}

const std::vector<FieldFlag>& WorkerFieldFlags() {
  static const auto* const kFields = new std::vector<FieldFlag>{
      {"name", "name",
       [](const CtlContext&, Worker* w) {
         w->set_name(absl::GetFlag(FLAGS_name));
         return absl::OkStatus();
       }},
      {"phone", "phone",
       [](const CtlContext&, Worker* w) {
         w->set_phone(absl::GetFlag(FLAGS_phone));
         return absl::OkStatus();
       }},
      {"openid", "wechat_openid",
       [](const CtlContext&, Worker* w) {
         w->set_wechat_openid(absl::GetFlag(FLAGS_openid));
         return absl::OkStatus();
       }},
      {"township", "hukou_township",
       [](const CtlContext& ctx, Worker* w) {
         return Assign<std::string>(ResolveTownship(ctx, absl::GetFlag(FLAGS_township)),
                                    [w](std::string v) { w->set_hukou_township(v); });
       }},
      {"location", "current_location",
       [](const CtlContext& ctx, Worker* w) {
         return Assign<std::string>(ResolveTownship(ctx, absl::GetFlag(FLAGS_location)),
                                    [w](std::string v) { w->set_current_location(v); });
       }},
      {"household", "household_id",
       [](const CtlContext&, Worker* w) {
         w->set_household_id(absl::GetFlag(FLAGS_household));
         return absl::OkStatus();
       }},
      {"skill", "skills",
       [](const CtlContext&, Worker* w) {
         return Assign<std::vector<labor::v1::Skill>>(ParseSkillSpecs(absl::GetFlag(FLAGS_skill)),
                                                      [w](std::vector<labor::v1::Skill> v) {
                                                        for (auto& s : v)
                                                          *w->add_skills() = std::move(s);
                                                      });
       }},
      {"cert", "certificates",
       [](const CtlContext&, Worker* w) {
         return Assign<std::vector<labor::v1::Certificate>>(
             ParseCertificateSpecs(absl::GetFlag(FLAGS_cert)),
             [w](std::vector<labor::v1::Certificate> v) {
               for (auto& c : v) *w->add_certificates() = std::move(c);
             });
       }},
      {"brand", "labor_brand",
       [](const CtlContext&, Worker* w) {
         return Assign<labor::v1::LaborBrand>(
             ParseLaborBrand(absl::GetFlag(FLAGS_brand)),
             [w](labor::v1::LaborBrand v) { w->set_labor_brand(v); });
       }},
      {"wanted", "preferences.wanted_occupations",
       [](const CtlContext&, Worker* w) {
         for (const std::string& code : SplitList(absl::GetFlag(FLAGS_wanted))) {
           w->mutable_preferences()->add_wanted_occupations(code);
         }
         return absl::OkStatus();
       }},
      {"scope", "preferences.location_scope",
       [](const CtlContext&, Worker* w) {
         return Assign<labor::v1::LocationScope>(
             ParseLocationScope(absl::GetFlag(FLAGS_scope)),
             [w](labor::v1::LocationScope v) { w->mutable_preferences()->set_location_scope(v); });
       }},
      {"regions", "preferences.accepted_regions",
       [](const CtlContext&, Worker* w) {
         for (const std::string& code : SplitList(absl::GetFlag(FLAGS_regions))) {
           w->mutable_preferences()->add_accepted_regions(code);
         }
         return absl::OkStatus();
       }},
      {"min_wage", "preferences.minimum_monthly_wage",
       [](const CtlContext&, Worker* w) {
         return Assign<labor::v1::Money>(
             ParseYuan(absl::GetFlag(FLAGS_min_wage)), [w](labor::v1::Money v) {
               *w->mutable_preferences()->mutable_minimum_monthly_wage() = v;
             });
       }},
      {"available_from", "preferences.available_from",
       [](const CtlContext&, Worker* w) {
         return Assign<labor::v1::Date>(
             ParseDate(absl::GetFlag(FLAGS_available_from)),
             [w](labor::v1::Date v) { *w->mutable_preferences()->mutable_available_from() = v; });
       }},
      {"return_date", "return_plan",
       [](const CtlContext&, Worker* w) {
         return Assign<labor::v1::Date>(
             ParseDate(absl::GetFlag(FLAGS_return_date)),
             [w](labor::v1::Date v) { *w->mutable_return_plan()->mutable_planned_return() = v; });
       }},
      {"depart_date", "return_plan",
       [](const CtlContext&, Worker* w) {
         return Assign<labor::v1::Date>(
             ParseDate(absl::GetFlag(FLAGS_depart_date)), [w](labor::v1::Date v) {
               *w->mutable_return_plan()->mutable_planned_departure() = v;
             });
       }},
      {"intent", "return_plan",
       [](const CtlContext&, Worker* w) {
         return Assign<labor::v1::ReturnIntent>(
             ParseReturnIntent(absl::GetFlag(FLAGS_intent)),
             [w](labor::v1::ReturnIntent v) { w->mutable_return_plan()->set_intent(v); });
       }},
      {"consent_wechat", "consent.wechat",
       [](const CtlContext&, Worker* w) {
         w->mutable_consent()->set_wechat(absl::GetFlag(FLAGS_consent_wechat));
         return absl::OkStatus();
       }},
      {"consent_sms", "consent.sms",
       [](const CtlContext&, Worker* w) {
         w->mutable_consent()->set_sms(absl::GetFlag(FLAGS_consent_sms));
         return absl::OkStatus();
       }},
      {"consent_partner", "consent.partner_sharing",
       [](const CtlContext&, Worker* w) {
         w->mutable_consent()->set_partner_sharing(absl::GetFlag(FLAGS_consent_partner));
         return absl::OkStatus();
       }},
  };
  return *kFields;
}

// Applies every field flag given on the command line to `w`; `paths` (if
// not null) receives their update_mask paths.
absl::Status ApplyGivenFields(const CtlContext& ctx, Worker* w, std::vector<std::string>* paths) {
  for (const FieldFlag& f : WorkerFieldFlags()) {
    if (!ctx.Given(f.flag)) continue;
    absl::Status s = f.apply(ctx, w);
    if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat("--", f.flag, ": ", s.message()));
    if (paths != nullptr && std::find(paths->begin(), paths->end(), f.path) == paths->end()) {
      paths->push_back(f.path);
    }
  }
  return absl::OkStatus();
}

// The employment record described by --status, --destination, --employer,
// --effective, --registration, --urban_since and --note.
absl::StatusOr<EmploymentRecord> RecordFromFlags() {
  EmploymentRecord r;
  absl::StatusOr<labor::v1::EmploymentStatus> status =
      ParseEmploymentStatus(absl::GetFlag(FLAGS_status));
  if (!status.ok()) return status.status();
  r.set_status(*status);
  r.set_destination_region(absl::GetFlag(FLAGS_destination));
  r.set_employer_name(absl::GetFlag(FLAGS_employer));
  r.set_note(absl::GetFlag(FLAGS_note));
  if (!absl::GetFlag(FLAGS_effective).empty()) {
    absl::StatusOr<labor::v1::Date> d = ParseDate(absl::GetFlag(FLAGS_effective));
    if (!d.ok()) return d.status();
    *r.mutable_effective_date() = *d;
  }
  if (!absl::GetFlag(FLAGS_registration).empty()) {
    absl::StatusOr<labor::v1::RegistrationKind> k =
        ParseRegistrationKind(absl::GetFlag(FLAGS_registration));
    if (!k.ok()) return k.status();
    r.set_registration(*k);
  }
  if (!absl::GetFlag(FLAGS_urban_since).empty()) {
    absl::StatusOr<labor::v1::Date> d = ParseDate(absl::GetFlag(FLAGS_urban_since));
    if (!d.ok()) return d.status();
    *r.mutable_urban_residence_since() = *d;
  }
  return r;
}

// The GetWorker key from --worker_id / --id_number / (--openid / --phone when
// `any_key`). Exactly one must be given.
absl::StatusOr<GetWorkerRequest> LookupFromFlags(const CtlContext& ctx, bool any_key) {
  GetWorkerRequest req;
  int keys = 0;
  if (ctx.Given("worker_id")) ++keys, req.set_worker_id(absl::GetFlag(FLAGS_worker_id));
  if (ctx.Given("id_number")) ++keys, req.set_id_number(absl::GetFlag(FLAGS_id_number));
  if (any_key && ctx.Given("openid")) ++keys, req.set_wechat_openid(absl::GetFlag(FLAGS_openid));
  if (any_key && ctx.Given("phone")) ++keys, req.set_phone(absl::GetFlag(FLAGS_phone));
  const char* keys_text =
      any_key ? "--worker_id, --id_number, --openid or --phone" : "--worker_id or --id_number";
  if (keys == 0) return absl::InvalidArgumentError(absl::StrCat("name the worker: ", keys_text));
  if (keys > 1) return absl::InvalidArgumentError(absl::StrCat("give only one of ", keys_text));
  return req;
}

// Worker id and version to act on. Calls GetWorker unless both --worker_id
// and --expected_version are given. Returns an exit code on failure.
struct TargetWorker {
  std::string worker_id;
  int64_t version = 0;
};
// With `current`, always reads the worker and returns it there.
std::optional<int> ResolveTarget(CtlContext& ctx, bool any_key, TargetWorker* target,
                                 Worker* current_out = nullptr) {
  absl::StatusOr<GetWorkerRequest> req = LookupFromFlags(ctx, any_key);
  if (!req.ok()) return UsageError(std::string(req.status().message()));
  const int64_t version = absl::GetFlag(FLAGS_expected_version);
  if (req->key_case() == GetWorkerRequest::kWorkerId && version >= 0 && current_out == nullptr) {
    target->worker_id = req->worker_id();
    target->version = version;
    return std::nullopt;
  }
  Worker current;
  grpc::Status s = ctx.stub->GetWorker(ctx.NewCall().get(), *req, &current);
  if (!s.ok()) return RpcError(s);
  target->worker_id = current.worker_id();
  target->version = version >= 0 ? version : current.version();
  if (current_out != nullptr) *current_out = std::move(current);
  return std::nullopt;
}

// The worker id from --worker_id, or looked up by any other key. Returns an
// exit code on failure.
std::optional<int> WorkerIdFromFlags(CtlContext& ctx, std::string* worker_id) {
  if (ctx.Given("worker_id")) {
    *worker_id = absl::GetFlag(FLAGS_worker_id);
    return std::nullopt;
  }
  TargetWorker target;
  if (std::optional<int> rc = ResolveTarget(ctx, /*any_key=*/true, &target)) return rc;
  *worker_id = target.worker_id;
  return std::nullopt;
}

void PrintWorker(const CtlContext& ctx, const Worker& w) {
  if (ctx.json) {
    PrintJson(w);
  } else {
    std::cout << WorkerDetail(w, ctx.regions.get());
  }
}

int Register(CtlContext& ctx) {
  labor::v1::RegisterWorkerRequest req;
  Worker* w = req.mutable_worker();
  if (ctx.Given("id_number")) w->set_id_number(absl::GetFlag(FLAGS_id_number));
  if (absl::Status s = ApplyGivenFields(ctx, w, nullptr); !s.ok()) {
    return UsageError(std::string(s.message()));
  }
  req.set_upsert(absl::GetFlag(FLAGS_upsert));
  // The record's other flags describe the initial employment --status names.
  for (const char* flag :
       {"destination", "employer", "effective", "registration", "urban_since", "note"}) {
    if (ctx.Given(flag) && !ctx.Given("status")) {
      return UsageError(absl::StrCat("worker register: --", flag,
                                     " belongs to the initial employment; give --status too"));
    }
  }
  if (ctx.Given("status")) {
    absl::StatusOr<EmploymentRecord> r = RecordFromFlags();
    if (!r.ok()) return UsageError(std::string(r.status().message()));
    *req.mutable_initial_employment() = *std::move(r);
  }
  labor::v1::RegisterWorkerResponse resp;
  grpc::Status s = ctx.stub->RegisterWorker(ctx.NewCall().get(), req, &resp);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(resp);
  } else {
    std::cout << (resp.created() ? "已登记 (new worker)\n" : "已更新 (existing worker)\n");
    std::cout << WorkerDetail(resp.worker(), ctx.regions.get());
  }
  return kExitOk;
}

int Get(CtlContext& ctx) {
  absl::StatusOr<GetWorkerRequest> req = LookupFromFlags(ctx, /*any_key=*/true);
  if (!req.ok()) return UsageError(std::string(req.status().message()));
  req->set_reveal_id_number(absl::GetFlag(FLAGS_reveal));
  req->set_reveal_phone(absl::GetFlag(FLAGS_reveal_phone));
  req->set_purpose(absl::GetFlag(FLAGS_purpose));
  if ((req->reveal_id_number() || req->reveal_phone()) && req->purpose().empty()) {
    return UsageError("--reveal and --reveal_phone need --purpose (the read is audit-logged)");
  }
  Worker w;
  grpc::Status s = ctx.stub->GetWorker(ctx.NewCall().get(), *req, &w);
  if (!s.ok()) return RpcError(s);
  PrintWorker(ctx, w);
  return kExitOk;
}

int Update(CtlContext& ctx) {
  labor::v1::UpdateWorkerRequest req;
  std::vector<std::string> paths;
  {
    // Check the flags before any RPC.
    Worker scratch;
    if (absl::Status s = ApplyGivenFields(ctx, &scratch, &paths); !s.ok()) {
      return UsageError(std::string(s.message()));
    }
  }
  if (paths.empty()) return UsageError("nothing to update: give the flags of the fields to change");
  const bool merge_plan = std::find(paths.begin(), paths.end(), "return_plan") != paths.end();
  TargetWorker target;
  Worker current;
  if (std::optional<int> rc =
          ResolveTarget(ctx, /*any_key=*/false, &target, merge_plan ? &current : nullptr)) {
    return *rc;
  }
  Worker* w = req.mutable_worker();
  if (merge_plan) *w->mutable_return_plan() = current.return_plan();
  paths.clear();
  if (absl::Status s = ApplyGivenFields(ctx, w, &paths); !s.ok()) {
    return UsageError(std::string(s.message()));
  }
  w->set_worker_id(target.worker_id);
  req.set_expected_version(target.version);
  for (const std::string& p : paths) req.mutable_update_mask()->add_paths(p);
  Worker updated;
  grpc::Status s = ctx.stub->UpdateWorker(ctx.NewCall().get(), req, &updated);
  if (!s.ok()) return RpcError(s);
  PrintWorker(ctx, updated);
  return kExitOk;
}

int Employment(CtlContext& ctx) {
  if (!ctx.Given("status")) return UsageError("worker employment needs --status");
  absl::StatusOr<EmploymentRecord> record = RecordFromFlags();
  if (!record.ok()) return UsageError(std::string(record.status().message()));
  TargetWorker target;
  if (std::optional<int> rc = ResolveTarget(ctx, /*any_key=*/true, &target)) return *rc;
  labor::v1::UpdateEmploymentRequest req;
  req.set_worker_id(target.worker_id);
  req.set_expected_version(target.version);
  *req.mutable_record() = *std::move(record);
  Worker w;
  grpc::Status s = ctx.stub->UpdateEmployment(ctx.NewCall().get(), req, &w);
  if (!s.ok()) return RpcError(s);
  PrintWorker(ctx, w);
  return kExitOk;
}

int Verify(CtlContext& ctx) {
  labor::v1::MarkVerifiedRequest req;
  if (std::optional<int> rc = WorkerIdFromFlags(ctx, req.mutable_worker_id())) return *rc;
  // 0 = the service does not check the version.
  req.set_expected_version(std::max<int64_t>(0, absl::GetFlag(FLAGS_expected_version)));
  req.set_note(absl::GetFlag(FLAGS_note));
  Worker w;
  grpc::Status s = ctx.stub->MarkVerified(ctx.NewCall().get(), req, &w);
  if (!s.ok()) return RpcError(s);
  PrintWorker(ctx, w);
  return kExitOk;
}

int List(CtlContext& ctx) {
  labor::v1::ListWorkersRequest req;
  absl::StatusOr<std::string> township = ResolveTownship(ctx, absl::GetFlag(FLAGS_township));
  if (!township.ok()) return UsageError(std::string(township.status().message()));
  req.set_township(*township);
  if (!absl::GetFlag(FLAGS_status).empty()) {
    absl::StatusOr<labor::v1::EmploymentStatus> st =
        ParseEmploymentStatus(absl::GetFlag(FLAGS_status));
    if (!st.ok()) return UsageError(std::string(st.status().message()));
    req.set_status(*st);
  }
  req.set_occupation_code(absl::GetFlag(FLAGS_occupation));
  if (!absl::GetFlag(FLAGS_available_from).empty()) {
    absl::StatusOr<labor::v1::Date> d = ParseDate(absl::GetFlag(FLAGS_available_from));
    if (!d.ok()) return UsageError(std::string(d.status().message()));
    *req.mutable_available_from_start() = *d;
  }
  if (!absl::GetFlag(FLAGS_available_to).empty()) {
    absl::StatusOr<labor::v1::Date> d = ParseDate(absl::GetFlag(FLAGS_available_to));
    if (!d.ok()) return UsageError(std::string(d.status().message()));
    *req.mutable_available_from_end() = *d;
  }
  if (ctx.Given("brand")) {
    absl::StatusOr<labor::v1::LaborBrand> brand = ParseLaborBrand(absl::GetFlag(FLAGS_brand));
    if (!brand.ok()) return UsageError(absl::StrCat("--brand: ", brand.status().message()));
    req.set_labor_brand(*brand);  // none: the workers without a brand
  }
  if (ctx.Given("intent")) {
    absl::StatusOr<labor::v1::ReturnIntent> intent = ParseReturnIntent(absl::GetFlag(FLAGS_intent));
    if (!intent.ok()) return UsageError(absl::StrCat("--intent: ", intent.status().message()));
    req.set_return_intent(*intent);
  }
  req.set_verification_overdue(absl::GetFlag(FLAGS_overdue));
  req.set_household_id(absl::GetFlag(FLAGS_household));
  req.mutable_page()->set_page_size(absl::GetFlag(FLAGS_page_size));
  req.mutable_page()->set_page_token(absl::GetFlag(FLAGS_page_token));
  const bool all = absl::GetFlag(FLAGS_all);

  labor::v1::ListWorkersResponse merged;
  for (;;) {
    labor::v1::ListWorkersResponse resp;
    grpc::Status s = ctx.stub->ListWorkers(ctx.NewCall().get(), req, &resp);
    if (!s.ok()) return RpcError(s);
    for (Worker& w : *resp.mutable_workers()) *merged.add_workers() = std::move(w);
    *merged.mutable_page() = resp.page();
    if (!all || resp.page().next_page_token().empty()) break;
    req.mutable_page()->set_page_token(resp.page().next_page_token());
  }
  if (ctx.json) {
    PrintJson(merged);
    return kExitOk;
  }
  const RegionRegistry* regions = ctx.regions.get();
  TextTable table({"编号", "姓名", "身份证号", "手机", "户籍乡镇", "户号", "就业状态", "去向",
                   "主要技能", "可上岗", "最近核验"});
  for (const Worker& w : merged.workers()) {
    const EmploymentRecord& e = w.employment();
    table.AddRow({w.worker_id(), w.name(), w.id_number(), w.phone(),
                  RegionLabel(regions, w.hukou_township()), w.household_id(),
                  e.status() == labor::v1::EMPLOYMENT_STATUS_UNSPECIFIED
                      ? ""
                      : EmploymentStatusLabel(e.status()),
                  RegionLabel(regions, e.destination_region()),
                  w.skills_size() > 0 ? SkillSummary(w.skills(0)) : "",
                  FormatDate(w.preferences().available_from()),
                  FormatTimestamp(w.last_verified_at()).substr(0, 10)});
  }
  std::cout << table.Render() << "共 " << merged.workers_size() << " 人\n";
  if (!merged.page().next_page_token().empty()) {
    std::cout << "下一页: --page_token=" << merged.page().next_page_token() << "\n";
  }
  return kExitOk;
}

int Erase(CtlContext& ctx) {
  if (absl::GetFlag(FLAGS_reason).empty()) return UsageError("worker erase needs --reason");
  labor::v1::EraseWorkerRequest req;
  if (std::optional<int> rc = WorkerIdFromFlags(ctx, req.mutable_worker_id())) return *rc;
  req.set_reason(absl::GetFlag(FLAGS_reason));
  labor::v1::EraseWorkerResponse resp;
  grpc::Status s = ctx.stub->EraseWorker(ctx.NewCall().get(), req, &resp);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(resp);
  } else {
    std::cout << "已删除 " << resp.worker_id() << "  " << FormatTimestamp(resp.erased_at()) << "\n";
  }
  return kExitOk;
}

int History(CtlContext& ctx) {
  if (absl::GetFlag(FLAGS_purpose).empty()) {
    return UsageError("worker history needs --purpose (the read is audit-logged)");
  }
  labor::v1::ListWorkerVersionsRequest req;
  if (std::optional<int> rc = WorkerIdFromFlags(ctx, req.mutable_worker_id())) return *rc;
  req.set_purpose(absl::GetFlag(FLAGS_purpose));
  req.set_reveal_phone(absl::GetFlag(FLAGS_reveal_phone));
  req.mutable_page()->set_page_size(absl::GetFlag(FLAGS_page_size));
  req.mutable_page()->set_page_token(absl::GetFlag(FLAGS_page_token));
  labor::v1::ListWorkerVersionsResponse merged;
  grpc::Status s = FollowPages(
      &req,
      [&](const auto& r, auto* page) {
        return ctx.stub->ListWorkerVersions(ctx.NewCall().get(), r, page);
      },
      [](auto& page, auto* all) {
        for (Worker& w : *page.mutable_versions()) *all->add_versions() = std::move(w);
      },
      &merged);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(merged);
    return kExitOk;
  }
  const RegionRegistry* regions = ctx.regions.get();
  TextTable table({"版本", "更新时间", "姓名", "手机", "户籍乡镇", "户号", "微信", "就业状态"});
  for (const Worker& w : merged.versions()) {
    const EmploymentRecord& e = w.employment();
    table.AddRow({absl::StrCat(w.version()), FormatTimestamp(w.updated_at()), w.name(), w.phone(),
                  RegionLabel(regions, w.hukou_township()), w.household_id(), w.wechat_openid(),
                  e.status() == labor::v1::EMPLOYMENT_STATUS_UNSPECIFIED
                      ? ""
                      : EmploymentStatusLabel(e.status())});
  }
  std::cout << table.Render() << "共 " << merged.versions_size() << " 个版本\n";
  if (!merged.page().next_page_token().empty()) {
    std::cout << "下一页: --page_token=" << merged.page().next_page_token() << "\n";
  }
  return kExitOk;
}

}  // namespace

int RunWorkerCommand(CtlContext& ctx, const std::vector<std::string>& args) {
  if (args.size() != 1) {
    return UsageError(absl::StrCat("expected one worker command, got ", args.size(), " words"));
  }
  const std::string& cmd = args[0];
  if (cmd == "register") return Register(ctx);
  if (cmd == "get") return Get(ctx);
  if (cmd == "update") return Update(ctx);
  if (cmd == "employment") return Employment(ctx);
  if (cmd == "verify") return Verify(ctx);
  if (cmd == "list") return List(ctx);
  if (cmd == "erase") return Erase(ctx);
  if (cmd == "history") return History(ctx);
  return UsageError(absl::StrCat("unknown worker command \"", cmd, "\""));
}

}  // namespace labor::tools
