// laborctl employer / blacklist / vacancy / fair / import: the VacancyService
// commands (--vacancy_target). Same conventions as the worker commands:
// flags name the fields, update sends exactly the fields whose flags were
// given, --json prints the response with proto field names, tables use the
// Chinese labels.
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/proto_util.h"
#include "tools/client.h"
#include "tools/labels.h"
#include "tools/laborctl.h"
#include "tools/laborctl_print.h"
#include "tools/text_table.h"

// Keys.
ABSL_FLAG(std::string, employer_id, "", "employer id");
ABSL_FLAG(std::string, credit_code, "", "unified social credit code (18 characters, GB 32100)");
ABSL_FLAG(std::string, vacancy_id, "", "vacancy id");
ABSL_FLAG(std::string, fair_id, "", "job fair id");
// Employer fields (with --name, --phone).
ABSL_FLAG(std::string, contact, "", "employer contact person");
ABSL_FLAG(std::string, region, "",
          "region code: employer seat, fair venue, or (list) region prefix; township names ok");
// Vacancy fields (with --occupation, --skill, --cert, --location).
ABSL_FLAG(std::string, title, "", "vacancy title, e.g. 叉车司机");
ABSL_FLAG(std::string, wage, "",
          "wage in yuan: MIN[-MAX][/UNIT][@MONTHLY_MIN-MONTHLY_MAX], e.g. 4500-6000/月, 300/天, "
          "1.5-4/piece@6000-9000, 面议");
ABSL_FLAG(int32_t, headcount, 0, "number of people wanted");
ABSL_FLAG(std::string, benefits, "", "room,board,social_insurance (包住,包吃,社保) or none");
ABSL_FLAG(std::string, working_hours, "", "working hours, free text");
ABSL_FLAG(std::string, expires, "",
          "expiry: YYYY-MM-DD (end of that day, Shanghai) or YYYY-MM-DDTHH:MM:SS+08:00");
ABSL_FLAG(std::string, description, "", "vacancy description");
ABSL_FLAG(std::string, gender, "",
          "gender requirement any|male|female (only lawful for the exempt occupations)");
ABSL_FLAG(std::string, request_id, "",
          "post: idempotency key (a retry with the same content returns the same vacancy; the "
          "same key with other content is refused)");
// Vacancy listing.
ABSL_FLAG(std::string, posted_after, "", "list: posted at or after (date or RFC 3339)");
ABSL_FLAG(std::string, posted_before, "", "list: posted before (date or RFC 3339)");
ABSL_FLAG(std::string, expires_after, "", "list: expiring at or after (date or RFC 3339)");
ABSL_FLAG(std::string, expires_before, "", "list: expiring before (date or RFC 3339)");
ABSL_FLAG(bool, include_blacklisted, false,
          "list: also vacancies of blacklisted employers (admin)");
ABSL_FLAG(std::string, since, "", "feed: changes since (date or RFC 3339), oldest first");
// Blacklist.
ABSL_FLAG(std::string, source, "", "blacklist add: deciding authority and document number");
ABSL_FLAG(std::string, listed_on, "", "blacklist add: YYYY-MM-DD listing date (default today)");
ABSL_FLAG(std::string, lifted_on, "", "blacklist lift: YYYY-MM-DD (default today)");
ABSL_FLAG(bool, history, false, "blacklist list: also lifted and expired listings");
// Fairs.
ABSL_FLAG(std::string, kind, "",
          "fair kind: spring_breeze 春风行动 | employment_aid_month 就业援助月 | warm_way_home "
          "温暖回家路 | private_enterprise_week 民营企业招聘周 | jobs_to_countryside 送岗位下乡 | "
          "other");
ABSL_FLAG(std::string, start_date, "", "fair: YYYY-MM-DD first day");
ABSL_FLAG(std::string, end_date, "", "fair: YYYY-MM-DD last day");
ABSL_FLAG(std::string, venue, "", "fair: venue, free text");
ABSL_FLAG(std::string, organizer, "", "fair: organizer");
ABSL_FLAG(std::string, employer_ids, "", "fair attach: employer ids, comma-separated");
ABSL_FLAG(std::string, vacancy_ids, "", "fair attach: vacancy ids, comma-separated");
ABSL_FLAG(std::string, at, "", "fair checkin: when (RFC 3339 or 'YYYY-MM-DD HH:MM'); default now");
// Import.
ABSL_FLAG(std::string, file, "",
          "import: JSON lines, one ImportItem each (proto JSON); '-' = stdin");

namespace labor::tools {
namespace {

using labor::v1::BlacklistEntry;
using labor::v1::Employer;
using labor::v1::ImportChunk;
using labor::v1::ImportChunkResult;
using labor::v1::ImportItem;
using labor::v1::ImportResult;
using labor::v1::JobFair;
using labor::v1::Vacancy;

int FlagError(absl::string_view flag, const absl::Status& s) {
  return UsageError(absl::StrCat("--", flag, ": ", s.message()));
}

std::vector<std::string> SplitIds(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    out.emplace_back(absl::StripAsciiWhitespace(item));
  }
  return out;
}

// An instant from "YYYY-MM-DD" (start of that day, or its last second with
// `end_of_day`, in Shanghai time), "YYYY-MM-DD HH:MM[:SS]" (Shanghai) or
// RFC 3339.
absl::StatusOr<google::protobuf::Timestamp> ParseInstant(absl::string_view text, bool end_of_day) {
  const std::string t(absl::StripAsciiWhitespace(text));
  absl::Time time;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, t, &time, &err)) return ToProto(time);
  for (const char* format : {"%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"}) {
    if (absl::ParseTime(format, t, ShanghaiTime(), &time, &err)) return ToProto(time);
  }
  absl::StatusOr<labor::v1::Date> date = ParseDate(t);
  if (!date.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad time \"", text, "\"; use YYYY-MM-DD, 'YYYY-MM-DD HH:MM' or RFC 3339"));
  }
  absl::CivilDay day(date->year(), date->month(), date->day());
  absl::Time start = absl::FromCivil(day, ShanghaiTime());
  if (end_of_day) start = absl::FromCivil(day + 1, ShanghaiTime()) - absl::Seconds(1);
  return ToProto(start);
}

// A region code as given, or a Tongchuan township name ("罗江镇").
absl::StatusOr<std::string> ResolveRegion(const CtlContext& ctx, const std::string& text) {
  return ResolveTownship(ctx, text);
}

std::string RegionWithCode(const CtlContext& ctx, absl::string_view code) {
  return labor::tools::RegionWithCode(ctx.regions.get(), code);
}

std::string DateRange(const labor::v1::Date& start, const labor::v1::Date& end) {
  std::string a = FormatDate(start), b = FormatDate(end);
  return a == b || b.empty() ? a : absl::StrCat(a, " 至 ", b);
}

std::string SourceSummary(const labor::v1::VacancySource& s) {
  std::vector<std::string> parts = {SourceKindLabel(s.kind())};
  if (!s.partner().empty()) parts.push_back(s.partner());
  if (!s.external_id().empty()) parts.push_back(absl::StrCat("编号 ", s.external_id()));
  if (!s.fair_id().empty()) parts.push_back(s.fair_id());
  return absl::StrJoin(parts, " ");
}

std::string EmployerDetail(const CtlContext& ctx, const Employer& e) {
  Detail d;
  d.Add("编号", absl::StrCat(e.employer_id(), "  (版本 ", e.version(), ")"));
  d.Add("单位名称", e.name());
  d.Add("统一社会信用代码", e.credit_code());
  d.Add("所在地", RegionWithCode(ctx, e.region()));
  d.Add("联系人", e.contact_name());
  d.Add("联系电话", e.contact_phone());
  d.Add("欠薪失信名单", e.blacklisted() ? "在列 (岗位不对外展示)" : "否");
  d.Add("登记时间", FormatTimestamp(e.created_at()));
  d.Add("更新时间", FormatTimestamp(e.updated_at()));
  return d.Render();
}

std::string BlacklistState(const BlacklistEntry& b) {
  if (b.active()) return "在列";
  if (!FormatDate(b.lifted_on()).empty()) return "已提前移出";
  return "已期满";
}

std::string BlacklistDetail(const BlacklistEntry& b) {
  Detail d;
  d.Add("单位", b.employer_name().empty()
                    ? b.employer_id()
                    : absl::StrCat(b.employer_name(), " (", b.employer_id(), ")"));
  d.Add("统一社会信用代码", b.credit_code());
  d.Add("状态", BlacklistState(b));
  d.Add("列入日期", FormatDate(b.listed_on()));
  d.Add("期满日期", FormatDate(b.expires_on()));
  d.Add("列入原因", b.reason());
  d.Add("列入依据", b.source());
  d.Add("移出日期", FormatDate(b.lifted_on()));
  d.Add("移出原因", b.lift_reason());
  return d.Render();
}

std::string VacancyDetail(const CtlContext& ctx, const Vacancy& v) {
  Detail d;
  d.Add("编号", absl::StrCat(v.vacancy_id(), "  (版本 ", v.version(), ")"));
  d.Add("岗位", v.title());
  d.Add("工种", v.occupation_code());
  std::string employer = v.employer_name().empty() ? v.employer_id() : v.employer_name();
  if (!v.employer_credit_code().empty()) absl::StrAppend(&employer, "  ", v.employer_credit_code());
  if (v.employer_blacklisted()) absl::StrAppend(&employer, "  [欠薪失信名单在列]");
  d.Add("用人单位", employer);
  d.Add("工作地点", RegionWithCode(ctx, v.location()));
  std::string wage = WageLabel(v.wage());
  std::string monthly = MonthlyWageLabel(v.wage());
  if (!monthly.empty() && v.wage().unit() != labor::v1::WAGE_UNIT_PIECE &&
      v.wage().unit() != labor::v1::WAGE_UNIT_MONTHLY) {
    absl::StrAppend(&wage, "  (折合", monthly, ")");
  }
  d.Add("薪资", wage);
  d.Add("招聘人数", absl::StrCat(v.headcount(), " 人，尚缺 ", v.remaining(), " 人"));
  d.Add("福利", BenefitsLabel(v.benefits()));
  d.Add("工作时间", v.working_hours());
  for (int i = 0; i < v.required_skills_size(); ++i) {
    const labor::v1::Skill& s = v.required_skills(i);
    std::string text = s.occupation_name().empty()
                           ? SkillSummary(s)
                           : absl::StrCat(s.occupation_code(), " ", SkillSummary(s));
    if (s.level() != labor::v1::SKILL_LEVEL_UNSPECIFIED) absl::StrAppend(&text, " 及以上");
    d.Add(i == 0 ? "技能要求" : "", text);
  }
  for (int i = 0; i < v.required_certificates_size(); ++i) {
    const labor::v1::Certificate& c = v.required_certificates(i);
    std::string text = absl::StrCat(CertificateKindLabel(c.kind()), " ", c.name());
    std::string level = SkillLevelLabel(c.level());
    if (!level.empty()) absl::StrAppend(&text, " ", level);
    d.Add(i == 0 ? "证书要求" : "", text);
  }
  if (v.gender_requirement() != labor::v1::GENDER_REQUIREMENT_UNSPECIFIED) {
    d.Add("性别要求", GenderRequirementLabel(v.gender_requirement()));
  }
  std::string status = VacancyStatusLabel(v.status());
  if (!v.status_reason().empty()) absl::StrAppend(&status, " (", v.status_reason(), ")");
  d.Add("状态", status);
  d.Add("发布时间", FormatTimestamp(v.posted_at()));
  d.Add("截止时间", FormatTimestamp(v.expires_at()));
  d.Add("更新时间", FormatTimestamp(v.updated_at()));
  for (int i = 0; i < v.sources_size(); ++i) {
    d.Add(i == 0 ? "来源" : "", SourceSummary(v.sources(i)));
  }
  d.Add("招聘会", absl::StrJoin(v.fair_ids(), ", "));
  d.Add("岗位说明", v.description());
  return d.Render();
}

std::string FairDetail(const CtlContext& ctx, const JobFair& f) {
  Detail d;
  d.Add("编号", absl::StrCat(f.fair_id(), "  (版本 ", f.version(), ")"));
  d.Add("名称", f.name());
  d.Add("类型", FairKindLabel(f.kind()));
  d.Add("日期", DateRange(f.start_date(), f.end_date()));
  d.Add("地点", absl::StrJoin({RegionWithCode(ctx, f.venue_region()), f.venue()}, " "));
  d.Add("主办", f.organizer());
  d.Add("参会单位", absl::StrCat(f.employer_ids_size(), " 家"));
  d.Add("岗位", absl::StrCat(f.vacancy_ids_size(), " 个"));
  std::string out = d.Render();
  if (f.employer_ids_size() > 0) {
    absl::StrAppend(&out, "\n参会单位编号: ", absl::StrJoin(f.employer_ids(), ", "), "\n");
  }
  if (f.vacancy_ids_size() > 0) {
    absl::StrAppend(&out, "岗位编号: ", absl::StrJoin(f.vacancy_ids(), ", "), "\n");
  }
  return out;
}

void PrintNextPage(const labor::v1::PageResponse& page) {
  if (!page.next_page_token().empty()) {
    std::cout << "下一页: --page_token=" << page.next_page_token() << "\n";
  }
}

labor::v1::PageRequest PageFromFlags() {
  labor::v1::PageRequest page;
  page.set_page_size(absl::GetFlag(FLAGS_page_size));
  page.set_page_token(absl::GetFlag(FLAGS_page_token));
  return page;
}

// ---------------------------------------------------------------------------
// employer

// The GetEmployer key from --employer_id or --credit_code (exactly one).
absl::StatusOr<labor::v1::GetEmployerRequest> EmployerKeyFromFlags(const CtlContext& ctx) {
  labor::v1::GetEmployerRequest req;
  const bool by_id = ctx.Given("employer_id"), by_code = ctx.Given("credit_code");
  if (by_id == by_code) {
    return absl::InvalidArgumentError("name the employer: --employer_id or --credit_code");
  }
  if (by_id) {
    req.set_employer_id(absl::GetFlag(FLAGS_employer_id));
  } else {
    req.set_credit_code(absl::GetFlag(FLAGS_credit_code));
  }
  return req;
}

// The employer id from --employer_id, or by looking up --credit_code.
// Returns an exit code on failure.
std::optional<int> ResolveEmployerId(CtlContext& ctx, std::string* employer_id) {
  absl::StatusOr<labor::v1::GetEmployerRequest> key = EmployerKeyFromFlags(ctx);
  if (!key.ok()) return UsageError(std::string(key.status().message()));
  if (key->key_case() == labor::v1::GetEmployerRequest::kEmployerId) {
    *employer_id = key->employer_id();
    return std::nullopt;
  }
  Employer e;
  grpc::Status s = ctx.vacancy->GetEmployer(ctx.NewCall().get(), *key, &e);
  if (!s.ok()) return RpcError(s);
  *employer_id = e.employer_id();
  return std::nullopt;
}

int EmployerUpsert(CtlContext& ctx) {
  labor::v1::UpsertEmployerRequest req;
  Employer* e = req.mutable_employer();
  // Start from the stored employer (if any) so the flags not given keep
  // their values: the service replaces the employer as a whole.
  int64_t version = absl::GetFlag(FLAGS_expected_version);
  if (ctx.Given("employer_id") || ctx.Given("credit_code")) {
    // With both, --employer_id names the employer and --credit_code is its
    // new (corrected) code.
    labor::v1::GetEmployerRequest key;
    if (ctx.Given("employer_id")) {
      key.set_employer_id(absl::GetFlag(FLAGS_employer_id));
    } else {
      key.set_credit_code(absl::GetFlag(FLAGS_credit_code));
    }
    Employer current;
    grpc::Status s = ctx.vacancy->GetEmployer(ctx.NewCall().get(), key, &current);
    if (s.ok()) {
      *e = current;
      if (version < 0) version = current.version();
    } else if (s.error_code() != grpc::StatusCode::NOT_FOUND ||
               key.key_case() == labor::v1::GetEmployerRequest::kEmployerId) {
      return RpcError(s);
    }
  } else {
    return UsageError("employer upsert needs --credit_code (or --employer_id to change one)");
  }
  if (ctx.Given("credit_code")) e->set_credit_code(absl::GetFlag(FLAGS_credit_code));
  if (ctx.Given("name")) e->set_name(absl::GetFlag(FLAGS_name));
  if (ctx.Given("region")) {
    absl::StatusOr<std::string> region = ResolveRegion(ctx, absl::GetFlag(FLAGS_region));
    if (!region.ok()) return FlagError("region", region.status());
    e->set_region(*region);
  }
  if (ctx.Given("contact")) e->set_contact_name(absl::GetFlag(FLAGS_contact));
  if (ctx.Given("phone")) e->set_contact_phone(absl::GetFlag(FLAGS_phone));
  // Output-only fields go back as the service sent them; it ignores them.
  req.set_expected_version(std::max<int64_t>(0, version));
  Employer out;
  grpc::Status s = ctx.vacancy->UpsertEmployer(ctx.NewCall().get(), req, &out);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(out);
  } else {
    std::cout << (out.version() <= 1 ? "已登记 (new employer)\n" : "已更新 (existing employer)\n")
              << EmployerDetail(ctx, out);
  }
  return kExitOk;
}

int EmployerGet(CtlContext& ctx) {
  absl::StatusOr<labor::v1::GetEmployerRequest> key = EmployerKeyFromFlags(ctx);
  if (!key.ok()) return UsageError(std::string(key.status().message()));
  Employer e;
  grpc::Status s = ctx.vacancy->GetEmployer(ctx.NewCall().get(), *key, &e);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(e);
  } else {
    std::cout << EmployerDetail(ctx, e);
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------
// blacklist

int PrintEntry(const CtlContext& ctx, const BlacklistEntry& entry, absl::string_view headline) {
  if (ctx.json) {
    PrintJson(entry);
  } else {
    std::cout << headline << "\n" << BlacklistDetail(entry);
  }
  return kExitOk;
}

int BlacklistAdd(CtlContext& ctx) {
  if (absl::GetFlag(FLAGS_reason).empty() || absl::GetFlag(FLAGS_source).empty()) {
    return UsageError("blacklist add needs --reason and --source");
  }
  labor::v1::BlacklistEmployerRequest req;
  BlacklistEntry* entry = req.mutable_entry();
  entry->set_reason(absl::GetFlag(FLAGS_reason));
  entry->set_source(absl::GetFlag(FLAGS_source));
  if (!absl::GetFlag(FLAGS_listed_on).empty()) {
    absl::StatusOr<labor::v1::Date> d = ParseDate(absl::GetFlag(FLAGS_listed_on));
    if (!d.ok()) return FlagError("listed_on", d.status());
    *entry->mutable_listed_on() = *d;
  }
  std::string employer_id;
  if (std::optional<int> rc = ResolveEmployerId(ctx, &employer_id)) return *rc;
  entry->set_employer_id(employer_id);
  BlacklistEntry out;
  grpc::Status s = ctx.vacancy->BlacklistEmployer(ctx.NewCall().get(), req, &out);
  if (!s.ok()) return RpcError(s);
  return PrintEntry(ctx, out, "已列入欠薪失信名单 (该单位的在招岗位已停止推送)");
}

int BlacklistLift(CtlContext& ctx) {
  if (absl::GetFlag(FLAGS_reason).empty()) return UsageError("blacklist lift needs --reason");
  labor::v1::LiftBlacklistRequest req;
  req.set_reason(absl::GetFlag(FLAGS_reason));
  if (!absl::GetFlag(FLAGS_lifted_on).empty()) {
    absl::StatusOr<labor::v1::Date> d = ParseDate(absl::GetFlag(FLAGS_lifted_on));
    if (!d.ok()) return FlagError("lifted_on", d.status());
    *req.mutable_lifted_on() = *d;
  }
  std::string employer_id;
  if (std::optional<int> rc = ResolveEmployerId(ctx, &employer_id)) return *rc;
  req.set_employer_id(employer_id);
  BlacklistEntry out;
  grpc::Status s = ctx.vacancy->LiftBlacklist(ctx.NewCall().get(), req, &out);
  if (!s.ok()) return RpcError(s);
  return PrintEntry(ctx, out, "已提前移出欠薪失信名单");
}

int BlacklistCheck(CtlContext& ctx) {
  std::string employer_id;
  if (std::optional<int> rc = ResolveEmployerId(ctx, &employer_id)) return *rc;
  labor::v1::IsBlacklistedRequest req;
  req.set_employer_id(employer_id);
  labor::v1::IsBlacklistedResponse resp;
  grpc::Status s = ctx.vacancy->IsBlacklisted(ctx.NewCall().get(), req, &resp);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(resp);
  } else if (resp.listed()) {
    std::cout << "在列: 是\n" << BlacklistDetail(resp.entry());
  } else {
    std::cout << "在列: 否\n";
  }
  return kExitOk;
}

int BlacklistList(CtlContext& ctx) {
  labor::v1::ListBlacklistRequest req;
  *req.mutable_page() = PageFromFlags();
  req.set_include_history(absl::GetFlag(FLAGS_history));
  labor::v1::ListBlacklistResponse merged;
  for (;;) {
    labor::v1::ListBlacklistResponse resp;
    grpc::Status s = ctx.vacancy->ListBlacklist(ctx.NewCall().get(), req, &resp);
    if (!s.ok()) return RpcError(s);
    for (BlacklistEntry& e : *resp.mutable_entries()) *merged.add_entries() = std::move(e);
    *merged.mutable_page() = resp.page();
    if (!absl::GetFlag(FLAGS_all) || resp.page().next_page_token().empty()) break;
    req.mutable_page()->set_page_token(resp.page().next_page_token());
  }
  if (ctx.json) {
    PrintJson(merged);
    return kExitOk;
  }
  TextTable table({"单位编号", "单位名称", "统一社会信用代码", "状态", "列入日期", "期满日期",
                   "移出日期", "列入原因", "列入依据"});
  for (const BlacklistEntry& e : merged.entries()) {
    table.AddRow({e.employer_id(), e.employer_name(), e.credit_code(), BlacklistState(e),
                  FormatDate(e.listed_on()), FormatDate(e.expires_on()), FormatDate(e.lifted_on()),
                  e.reason(), e.source()});
  }
  std::cout << table.Render() << "共 " << merged.entries_size() << " 条\n";
  PrintNextPage(merged.page());
  return kExitOk;
}

// ---------------------------------------------------------------------------
// vacancy

// One settable vacancy field: its flag, the update_mask path, and how to
// put the flag's value into a Vacancy.
struct VacancyField {
  const char* flag;
  const char* path;
  std::function<absl::Status(const CtlContext&, Vacancy*)> apply;
};

const std::vector<VacancyField>& VacancyFields() {
  static const auto* const kFields = new std::vector<VacancyField>{
      {"title", "title",
       [](const CtlContext&, Vacancy* v) {
         v->set_title(absl::GetFlag(FLAGS_title));
         return absl::OkStatus();
       }},
      {"occupation", "occupation_code",
       [](const CtlContext&, Vacancy* v) {
         v->set_occupation_code(absl::GetFlag(FLAGS_occupation));
         return absl::OkStatus();
       }},
      {"skill", "required_skills",
       [](const CtlContext&, Vacancy* v) {
         absl::StatusOr<std::vector<labor::v1::Skill>> skills =
             ParseSkillSpecs(absl::GetFlag(FLAGS_skill));
         if (!skills.ok()) return skills.status();
         for (labor::v1::Skill& s : *skills) *v->add_required_skills() = std::move(s);
         return absl::OkStatus();
       }},
      {"cert", "required_certificates",
       [](const CtlContext&, Vacancy* v) {
         absl::StatusOr<std::vector<labor::v1::Certificate>> certs =
             ParseCertificateSpecs(absl::GetFlag(FLAGS_cert));
         if (!certs.ok()) return certs.status();
         for (labor::v1::Certificate& c : *certs) *v->add_required_certificates() = std::move(c);
         return absl::OkStatus();
       }},
      {"location", "location",
       [](const CtlContext& ctx, Vacancy* v) {
         absl::StatusOr<std::string> region = ResolveRegion(ctx, absl::GetFlag(FLAGS_location));
         if (!region.ok()) return region.status();
         v->set_location(*region);
         return absl::OkStatus();
       }},
      {"wage", "wage",
       [](const CtlContext&, Vacancy* v) {
         absl::StatusOr<labor::v1::Wage> wage = ParseWageSpec(absl::GetFlag(FLAGS_wage));
         if (!wage.ok()) return wage.status();
         *v->mutable_wage() = *wage;
         return absl::OkStatus();
       }},
      {"headcount", "headcount",
       [](const CtlContext&, Vacancy* v) {
         v->set_headcount(absl::GetFlag(FLAGS_headcount));
         return absl::OkStatus();
       }},
      {"benefits", "benefits",
       [](const CtlContext&, Vacancy* v) {
         absl::StatusOr<labor::v1::Benefits> b = ParseBenefits(absl::GetFlag(FLAGS_benefits));
         if (!b.ok()) return b.status();
         *v->mutable_benefits() = *b;
         return absl::OkStatus();
       }},
      {"working_hours", "working_hours",
       [](const CtlContext&, Vacancy* v) {
         v->set_working_hours(absl::GetFlag(FLAGS_working_hours));
         return absl::OkStatus();
       }},
      {"expires", "expires_at",
       [](const CtlContext&, Vacancy* v) {
         absl::StatusOr<google::protobuf::Timestamp> t =
             ParseInstant(absl::GetFlag(FLAGS_expires), /*end_of_day=*/true);
         if (!t.ok()) return t.status();
         *v->mutable_expires_at() = *t;
         return absl::OkStatus();
       }},
      {"description", "description",
       [](const CtlContext&, Vacancy* v) {
         v->set_description(absl::GetFlag(FLAGS_description));
         return absl::OkStatus();
       }},
      {"gender", "gender_requirement",
       [](const CtlContext&, Vacancy* v) {
         absl::StatusOr<labor::v1::GenderRequirement> g =
             ParseGenderRequirement(absl::GetFlag(FLAGS_gender));
         if (!g.ok()) return g.status();
         v->set_gender_requirement(*g);
         return absl::OkStatus();
       }},
  };
  return *kFields;
}

// Applies every vacancy field flag given to `v`; `paths` (if not null)
// receives their update_mask paths.
absl::Status ApplyVacancyFields(const CtlContext& ctx, Vacancy* v,
                                std::vector<std::string>* paths) {
  for (const VacancyField& f : VacancyFields()) {
    if (!ctx.Given(f.flag)) continue;
    absl::Status s = f.apply(ctx, v);
    if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat("--", f.flag, ": ", s.message()));
    if (paths != nullptr) paths->push_back(f.path);
  }
  return absl::OkStatus();
}

void PrintVacancy(const CtlContext& ctx, const Vacancy& v) {
  if (ctx.json) {
    PrintJson(v);
  } else {
    std::cout << VacancyDetail(ctx, v);
  }
}

int VacancyPost(CtlContext& ctx) {
  labor::v1::PostVacancyRequest req;
  Vacancy* v = req.mutable_vacancy();
  if (absl::Status s = ApplyVacancyFields(ctx, v, nullptr); !s.ok()) {
    return UsageError(std::string(s.message()));
  }
  // The employer: its id, or its credit code (and name), which the service
  // resolves or registers.
  if (ctx.Given("employer_id")) {
    v->set_employer_id(absl::GetFlag(FLAGS_employer_id));
  } else if (ctx.Given("credit_code")) {
    v->set_employer_credit_code(absl::GetFlag(FLAGS_credit_code));
    v->set_employer_name(absl::GetFlag(FLAGS_name));
  } else {
    return UsageError("vacancy post needs --employer_id or --credit_code [--name=单位名称]");
  }
  if (ctx.Given("fair_id")) {
    const std::string fair_id = absl::GetFlag(FLAGS_fair_id);
    v->add_fair_ids(fair_id);
    labor::v1::VacancySource* source = v->add_sources();
    source->set_kind(labor::v1::SOURCE_KIND_FAIR);
    source->set_fair_id(fair_id);
  }
  req.set_request_id(absl::GetFlag(FLAGS_request_id));
  labor::v1::PostVacancyResponse resp;
  grpc::Status s = ctx.vacancy->PostVacancy(ctx.NewCall().get(), req, &resp);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(resp);
    return kExitOk;
  }
  if (resp.duplicate_of().empty()) {
    std::cout << "已发布 " << resp.vacancy().vacancy_id() << "\n";
  } else {
    std::cout << "与在招岗位 " << resp.duplicate_of() << " 重复，已合并 (增加本次来源)\n";
  }
  std::cout << VacancyDetail(ctx, resp.vacancy());
  return kExitOk;
}

int VacancyGet(CtlContext& ctx) {
  if (absl::GetFlag(FLAGS_vacancy_id).empty()) return UsageError("vacancy get needs --vacancy_id");
  labor::v1::GetVacancyRequest req;
  req.set_vacancy_id(absl::GetFlag(FLAGS_vacancy_id));
  Vacancy v;
  grpc::Status s = ctx.vacancy->GetVacancy(ctx.NewCall().get(), req, &v);
  if (!s.ok()) return RpcError(s);
  PrintVacancy(ctx, v);
  return kExitOk;
}

// The version to base a change on: --expected_version, or the current one.
std::optional<int> VacancyVersion(CtlContext& ctx, const std::string& vacancy_id,
                                  int64_t* version) {
  *version = absl::GetFlag(FLAGS_expected_version);
  if (*version >= 0) return std::nullopt;
  labor::v1::GetVacancyRequest req;
  req.set_vacancy_id(vacancy_id);
  Vacancy current;
  grpc::Status s = ctx.vacancy->GetVacancy(ctx.NewCall().get(), req, &current);
  if (!s.ok()) return RpcError(s);
  *version = current.version();
  return std::nullopt;
}

int VacancyUpdate(CtlContext& ctx) {
  const std::string vacancy_id = absl::GetFlag(FLAGS_vacancy_id);
  if (vacancy_id.empty()) return UsageError("vacancy update needs --vacancy_id");
  labor::v1::UpdateVacancyRequest req;
  std::vector<std::string> paths;
  if (absl::Status s = ApplyVacancyFields(ctx, req.mutable_vacancy(), &paths); !s.ok()) {
    return UsageError(std::string(s.message()));
  }
  if (paths.empty()) return UsageError("nothing to update: give the flags of the fields to change");
  int64_t version = 0;
  if (std::optional<int> rc = VacancyVersion(ctx, vacancy_id, &version)) return *rc;
  req.mutable_vacancy()->set_vacancy_id(vacancy_id);
  req.set_expected_version(version);
  for (const std::string& p : paths) req.mutable_update_mask()->add_paths(p);
  Vacancy out;
  grpc::Status s = ctx.vacancy->UpdateVacancy(ctx.NewCall().get(), req, &out);
  if (!s.ok()) return RpcError(s);
  PrintVacancy(ctx, out);
  return kExitOk;
}

int VacancyChangeStatus(CtlContext& ctx, labor::v1::VacancyStatus status) {
  const std::string vacancy_id = absl::GetFlag(FLAGS_vacancy_id);
  if (vacancy_id.empty()) return UsageError("needs --vacancy_id");
  int64_t version = 0;
  if (std::optional<int> rc = VacancyVersion(ctx, vacancy_id, &version)) return *rc;
  labor::v1::ChangeVacancyStatusRequest req;
  req.set_vacancy_id(vacancy_id);
  req.set_expected_version(version);
  req.set_status(status);
  req.set_reason(absl::GetFlag(FLAGS_reason));
  Vacancy out;
  grpc::Status s = ctx.vacancy->ChangeVacancyStatus(ctx.NewCall().get(), req, &out);
  if (!s.ok()) return RpcError(s);
  PrintVacancy(ctx, out);
  return kExitOk;
}

// Sets a Timestamp field of the list request from a time flag, if given
// (an unset field must stay absent: present means "filter on it").
absl::Status SetInstant(const CtlContext& ctx, const char* flag, const std::string& value,
                        const std::function<google::protobuf::Timestamp*()>& field) {
  if (!ctx.Given(flag) || value.empty()) return absl::OkStatus();
  absl::StatusOr<google::protobuf::Timestamp> t = ParseInstant(value, /*end_of_day=*/false);
  if (!t.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", t.status().message()));
  }
  *field() = *t;
  return absl::OkStatus();
}

void PrintVacancyTable(const CtlContext& ctx, const labor::v1::ListVacanciesResponse& list,
                       bool feed) {
  std::vector<std::string> headers = {"编号",      "岗位",     "工种",
                                      "用人单位",  "工作地点", "薪资",
                                      "人数/尚缺", "状态",     feed ? "更新时间" : "发布时间",
                                      "截止时间"};
  TextTable table(std::move(headers));
  for (const Vacancy& v : list.vacancies()) {
    std::string employer = v.employer_name().empty() ? v.employer_id() : v.employer_name();
    if (v.employer_blacklisted()) absl::StrAppend(&employer, " [失信]");
    table.AddRow({v.vacancy_id(), v.title(), v.occupation_code(), employer,
                  RegionLabel(ctx.regions.get(), v.location()), WageLabel(v.wage()),
                  absl::StrCat(v.headcount(), "/", v.remaining()), VacancyStatusLabel(v.status()),
                  FormatTimestamp(feed ? v.updated_at() : v.posted_at()),
                  FormatTimestamp(v.expires_at()).substr(0, 10)});
  }
  std::cout << table.Render() << "共 " << list.vacancies_size() << " 个岗位\n";
}

int VacancyList(CtlContext& ctx, bool feed) {
  labor::v1::ListVacanciesRequest req;
  *req.mutable_page() = PageFromFlags();
  req.set_occupation_prefix(absl::GetFlag(FLAGS_occupation));
  if (ctx.Given("region")) {
    absl::StatusOr<std::string> region = ResolveRegion(ctx, absl::GetFlag(FLAGS_region));
    if (!region.ok()) return FlagError("region", region.status());
    req.set_region_prefix(*region);
  }
  if (!absl::GetFlag(FLAGS_min_wage).empty()) {
    absl::StatusOr<labor::v1::Money> floor = ParseYuan(absl::GetFlag(FLAGS_min_wage));
    if (!floor.ok()) return FlagError("min_wage", floor.status());
    *req.mutable_monthly_wage_floor() = *floor;
  }
  if (!absl::GetFlag(FLAGS_status).empty()) {
    absl::StatusOr<labor::v1::VacancyStatus> st = ParseVacancyStatus(absl::GetFlag(FLAGS_status));
    if (!st.ok()) return FlagError("status", st.status());
    req.set_status(*st);
  }
  req.set_employer_id(absl::GetFlag(FLAGS_employer_id));
  req.set_fair_id(absl::GetFlag(FLAGS_fair_id));
  using Request = labor::v1::ListVacanciesRequest;
  const std::vector<
      std::tuple<const char*, std::string, google::protobuf::Timestamp* (Request::*)()>>
      times = {
          {"posted_after", absl::GetFlag(FLAGS_posted_after), &Request::mutable_posted_after},
          {"posted_before", absl::GetFlag(FLAGS_posted_before), &Request::mutable_posted_before},
          {"expires_after", absl::GetFlag(FLAGS_expires_after), &Request::mutable_expires_after},
          {"expires_before", absl::GetFlag(FLAGS_expires_before), &Request::mutable_expires_before},
      };
  for (const auto& [flag, value, field] : times) {
    if (absl::Status s = SetInstant(ctx, flag, value, [&req, f = field] { return (req.*f)(); });
        !s.ok()) {
      return UsageError(std::string(s.message()));
    }
  }
  req.set_include_blacklisted(absl::GetFlag(FLAGS_include_blacklisted));
  if (feed) {
    if (absl::GetFlag(FLAGS_since).empty()) {
      return UsageError("vacancy feed needs --since (date or RFC 3339)");
    }
    if (absl::Status s = SetInstant(ctx, "since", absl::GetFlag(FLAGS_since),
                                    [&req] { return req.mutable_updated_since(); });
        !s.ok()) {
      return UsageError(std::string(s.message()));
    }
  }
  labor::v1::ListVacanciesResponse merged;
  for (;;) {
    labor::v1::ListVacanciesResponse resp;
    grpc::Status s = ctx.vacancy->ListVacancies(ctx.NewCall().get(), req, &resp);
    if (!s.ok()) return RpcError(s);
    for (Vacancy& v : *resp.mutable_vacancies()) *merged.add_vacancies() = std::move(v);
    *merged.mutable_page() = resp.page();
    if (!absl::GetFlag(FLAGS_all) || resp.page().next_page_token().empty()) break;
    req.mutable_page()->set_page_token(resp.page().next_page_token());
  }
  if (ctx.json) {
    PrintJson(merged);
    return kExitOk;
  }
  PrintVacancyTable(ctx, merged, feed);
  PrintNextPage(merged.page());
  if (feed && merged.vacancies_size() > 0 && merged.page().next_page_token().empty()) {
    // The feed is oldest change first: the last one is where to resume.
    const google::protobuf::Timestamp& last = merged.vacancies().rbegin()->updated_at();
    std::cout << "下次从此处继续: --since="
              << absl::FormatTime(absl::RFC3339_full, FromProto(last), ShanghaiTime()) << "\n";
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------
// fair

int FairCreate(CtlContext& ctx) {
  labor::v1::CreateFairRequest req;
  JobFair* f = req.mutable_fair();
  f->set_name(absl::GetFlag(FLAGS_name));
  if (!absl::GetFlag(FLAGS_kind).empty()) {
    absl::StatusOr<labor::v1::FairKind> kind = ParseFairKind(absl::GetFlag(FLAGS_kind));
    if (!kind.ok()) return FlagError("kind", kind.status());
    f->set_kind(*kind);
  }
  if (absl::GetFlag(FLAGS_start_date).empty()) return UsageError("fair create needs --start_date");
  absl::StatusOr<labor::v1::Date> start = ParseDate(absl::GetFlag(FLAGS_start_date));
  if (!start.ok()) return FlagError("start_date", start.status());
  *f->mutable_start_date() = *start;
  // A one-day fair needs no --end_date.
  absl::StatusOr<labor::v1::Date> end =
      absl::GetFlag(FLAGS_end_date).empty() ? start : ParseDate(absl::GetFlag(FLAGS_end_date));
  if (!end.ok()) return FlagError("end_date", end.status());
  *f->mutable_end_date() = *end;
  absl::StatusOr<std::string> region = ResolveRegion(ctx, absl::GetFlag(FLAGS_region));
  if (!region.ok()) return FlagError("region", region.status());
  f->set_venue_region(*region);
  f->set_venue(absl::GetFlag(FLAGS_venue));
  f->set_organizer(absl::GetFlag(FLAGS_organizer));
  JobFair out;
  grpc::Status s = ctx.vacancy->CreateFair(ctx.NewCall().get(), req, &out);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(out);
  } else {
    std::cout << "已创建招聘会 " << out.fair_id() << "\n" << FairDetail(ctx, out);
  }
  return kExitOk;
}

std::optional<int> RequireFairId(std::string* fair_id) {
  *fair_id = absl::GetFlag(FLAGS_fair_id);
  if (fair_id->empty()) return UsageError("needs --fair_id");
  return std::nullopt;
}

int FairGet(CtlContext& ctx) {
  labor::v1::GetFairRequest req;
  if (std::optional<int> rc = RequireFairId(req.mutable_fair_id())) return *rc;
  JobFair out;
  grpc::Status s = ctx.vacancy->GetFair(ctx.NewCall().get(), req, &out);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(out);
  } else {
    std::cout << FairDetail(ctx, out);
  }
  return kExitOk;
}

int FairAttach(CtlContext& ctx) {
  labor::v1::AttachToFairRequest req;
  if (std::optional<int> rc = RequireFairId(req.mutable_fair_id())) return *rc;
  std::vector<std::string> employers = SplitIds(absl::GetFlag(FLAGS_employer_ids));
  if (ctx.Given("employer_id")) employers.push_back(absl::GetFlag(FLAGS_employer_id));
  std::vector<std::string> vacancies = SplitIds(absl::GetFlag(FLAGS_vacancy_ids));
  if (ctx.Given("vacancy_id")) vacancies.push_back(absl::GetFlag(FLAGS_vacancy_id));
  if (employers.empty() && vacancies.empty()) {
    return UsageError("fair attach needs --employer_ids and/or --vacancy_ids");
  }
  for (std::string& id : employers) req.add_employer_ids(std::move(id));
  for (std::string& id : vacancies) req.add_vacancy_ids(std::move(id));
  JobFair out;
  grpc::Status s = ctx.vacancy->AttachToFair(ctx.NewCall().get(), req, &out);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(out);
  } else {
    std::cout << "已加入招聘会\n" << FairDetail(ctx, out);
  }
  return kExitOk;
}

int FairCheckIn(CtlContext& ctx) {
  labor::v1::CheckInRequest req;
  if (std::optional<int> rc = RequireFairId(req.mutable_fair_id())) return *rc;
  req.set_worker_id(absl::GetFlag(FLAGS_worker_id));
  if (req.worker_id().empty()) return UsageError("fair checkin needs --worker_id");
  if (!absl::GetFlag(FLAGS_at).empty()) {
    absl::StatusOr<google::protobuf::Timestamp> at = ParseInstant(absl::GetFlag(FLAGS_at), false);
    if (!at.ok()) return FlagError("at", at.status());
    *req.mutable_at() = *at;
  }
  labor::v1::CheckInResponse resp;
  grpc::Status s = ctx.vacancy->CheckIn(ctx.NewCall().get(), req, &resp);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(resp);
  } else {
    std::cout << (resp.first_check_in() ? "签到成功 (首次)" : "签到成功 (此前已签到)")
              << "，本场累计签到 " << resp.check_ins() << " 人\n";
  }
  return kExitOk;
}

int FairStats(CtlContext& ctx) {
  labor::v1::GetFairStatsRequest req;
  if (std::optional<int> rc = RequireFairId(req.mutable_fair_id())) return *rc;
  labor::v1::FairStats stats;
  grpc::Status s = ctx.vacancy->GetFairStats(ctx.NewCall().get(), req, &stats);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(stats);
    return kExitOk;
  }
  Detail d;
  d.Add("招聘会", stats.fair_id());
  d.Add("参会单位", absl::StrCat(stats.employers(), " 家"));
  d.Add("岗位", absl::StrCat(stats.vacancies(), " 个"));
  d.Add("招聘人数", absl::StrCat(stats.headcount_offered(), " 人"));
  d.Add("签到", absl::StrCat(stats.check_ins(), " 人"));
  std::cout << d.Render();
  return kExitOk;
}

int FairList(CtlContext& ctx) {
  labor::v1::ListFairsRequest req;
  *req.mutable_page() = PageFromFlags();
  req.set_year(absl::GetFlag(FLAGS_year));
  labor::v1::ListFairsResponse merged;
  for (;;) {
    labor::v1::ListFairsResponse resp;
    grpc::Status s = ctx.vacancy->ListFairs(ctx.NewCall().get(), req, &resp);
    if (!s.ok()) return RpcError(s);
    for (JobFair& f : *resp.mutable_fairs()) *merged.add_fairs() = std::move(f);
    *merged.mutable_page() = resp.page();
    if (!absl::GetFlag(FLAGS_all) || resp.page().next_page_token().empty()) break;
    req.mutable_page()->set_page_token(resp.page().next_page_token());
  }
  if (ctx.json) {
    PrintJson(merged);
    return kExitOk;
  }
  TextTable table({"编号", "名称", "类型", "日期", "地点", "主办", "单位", "岗位"});
  for (const JobFair& f : merged.fairs()) {
    table.AddRow(
        {f.fair_id(), f.name(), FairKindLabel(f.kind()), DateRange(f.start_date(), f.end_date()),
         absl::StrJoin({RegionLabel(ctx.regions.get(), f.venue_region()), f.venue()}, " "),
         f.organizer(), absl::StrCat(f.employer_ids_size()), absl::StrCat(f.vacancy_ids_size())});
  }
  std::cout << table.Render() << "共 " << merged.fairs_size() << " 场\n";
  PrintNextPage(merged.page());
  return kExitOk;
}

// ---------------------------------------------------------------------------
// import

std::string OutcomeLabel(ImportResult::Outcome outcome) {
  switch (outcome) {
    case ImportResult::OUTCOME_CREATED:
      return "新增";
    case ImportResult::OUTCOME_UPDATED:
      return "更新";
    case ImportResult::OUTCOME_DUPLICATE:
      return "重复(已合并)";
    case ImportResult::OUTCOME_REJECTED:
      return "拒收";
    case ImportResult::OUTCOME_UNCHANGED:
      return "无变化";
    default:
      return "未知";
  }
}

// The items of a JSON-lines file. Blank lines and lines starting with '#'
// are skipped. All bad lines are reported (file:line: why) before anything
// is sent.
absl::StatusOr<std::vector<ImportItem>> ReadImportFile(const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) return absl::NotFoundError(absl::StrCat("cannot read ", path));
    in = &file;
  }
  std::vector<ImportItem> items;
  std::vector<std::string> errors;
  std::string line;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  for (int number = 1; std::getline(*in, line); ++number) {
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    ImportItem item;
    auto status = google::protobuf::util::JsonStringToMessage(std::string(text), &item, options);
    if (!status.ok()) {
      std::string why = status.ToString();
      errors.push_back(absl::StrCat(path, ":", number, ": ", why.substr(0, why.find('\n'))));
      continue;
    }
    items.push_back(std::move(item));
  }
  if (!errors.empty()) {
    if (errors.size() > 20) {
      size_t more = errors.size() - 20;
      errors.resize(20);
      errors.push_back(absl::StrCat("… and ", more, " more bad lines"));
    }
    return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  }
  return items;
}

int Import(CtlContext& ctx) {
  const std::string path = absl::GetFlag(FLAGS_file);
  if (path.empty())
    return UsageError("import needs --file=<JSON lines of ImportItem> (or - for stdin)");
  absl::StatusOr<std::vector<ImportItem>> items = ReadImportFile(path);
  if (!items.ok()) {
    std::cerr << items.status().message() << "\n";
    return UsageError("nothing was sent: fix the lines above");
  }
  // One stream for the whole file: --deadline per started 1,000 items.
  ClientOptions options = ctx.client;
  options.deadline *= static_cast<int64_t>(std::max<size_t>(1, (items->size() + 999) / 1000));
  grpc::ClientContext call;
  PrepareClientContext(options, &call);
  std::unique_ptr<grpc::ClientReaderWriter<ImportChunk, ImportChunkResult>> stream =
      ctx.vacancy->ImportVacancyChunks(&call);
  // Write while reading: the service answers each chunk as it goes, so
  // neither side waits for the other's buffers. Chunks of a few hundred
  // items cost far fewer messages than one item each.
  constexpr size_t kChunkItems = 500;
  std::thread writer([&] {
    for (size_t i = 0; i < items->size(); i += kChunkItems) {
      ImportChunk chunk;
      for (size_t j = i; j < std::min(items->size(), i + kChunkItems); ++j) {
        *chunk.add_items() = (*items)[j];
      }
      if (!stream->Write(chunk)) break;  // the stream failed; Finish says why
    }
    stream->WritesDone();
  });
  std::map<ImportResult::Outcome, int> counts;
  int results = 0;
  ImportChunkResult chunk_result;
  TextTable table({"序号", "外部编号", "结果", "岗位编号", "说明"});
  while (stream->Read(&chunk_result)) {
    for (const ImportResult& result : chunk_result.results()) {
      ++results;
      ++counts[result.outcome()];
      if (ctx.json) {
        PrintJson(result);
        continue;
      }
      std::string note = result.reason();
      if (!result.duplicate_of().empty()) note = absl::StrCat("并入 ", result.duplicate_of());
      table.AddRow({absl::StrCat(results), result.external_id(), OutcomeLabel(result.outcome()),
                    result.vacancy_id(), note});
    }
  }
  writer.join();
  grpc::Status status = stream->Finish();
  const int rejected = counts[ImportResult::OUTCOME_REJECTED];
  if (ctx.json) {
    std::cout << absl::StrFormat(
        "{\"summary\":{\"items\":%d,\"results\":%d,\"created\":%d,\"updated\":%d,"
        "\"duplicate\":%d,\"unchanged\":%d,\"rejected\":%d}}\n",
        items->size(), results, counts[ImportResult::OUTCOME_CREATED],
        counts[ImportResult::OUTCOME_UPDATED], counts[ImportResult::OUTCOME_DUPLICATE],
        counts[ImportResult::OUTCOME_UNCHANGED], rejected);
  } else {
    std::cout << table.Render();
    std::cout << absl::StrFormat(
        "共 %d 条: 新增 %d，更新 %d，重复 %d，无变化 %d，拒收 %d\n", items->size(),
        counts[ImportResult::OUTCOME_CREATED], counts[ImportResult::OUTCOME_UPDATED],
        counts[ImportResult::OUTCOME_DUPLICATE], counts[ImportResult::OUTCOME_UNCHANGED], rejected);
  }
  if (!status.ok()) {
    std::cerr << "import stopped after " << results << " of " << items->size()
              << " results (answered items are stored; rerun to send the rest, replays are "
                 "idempotent)\n";
    return RpcError(status);
  }
  if (results != static_cast<int>(items->size())) {
    std::cerr << "import: " << items->size() << " items sent but " << results
              << " results received\n";
    return kExitRpc;
  }
  return rejected > 0 ? kExitRpc : kExitOk;
}

}  // namespace

int RunEmployerCommand(CtlContext& ctx, const std::vector<std::string>& args) {
  const std::string& cmd = args.at(0);
  if (cmd == "upsert") return EmployerUpsert(ctx);
  if (cmd == "get") return EmployerGet(ctx);
  return UsageError(absl::StrCat("unknown employer command \"", cmd, "\""));
}

int RunBlacklistCommand(CtlContext& ctx, const std::vector<std::string>& args) {
  const std::string& cmd = args.at(0);
  if (cmd == "add") return BlacklistAdd(ctx);
  if (cmd == "lift") return BlacklistLift(ctx);
  if (cmd == "check") return BlacklistCheck(ctx);
  if (cmd == "list") return BlacklistList(ctx);
  return UsageError(absl::StrCat("unknown blacklist command \"", cmd, "\""));
}

int RunVacancyCommand(CtlContext& ctx, const std::vector<std::string>& args) {
  const std::string& cmd = args.at(0);
  if (cmd == "post") return VacancyPost(ctx);
  if (cmd == "get") return VacancyGet(ctx);
  if (cmd == "update") return VacancyUpdate(ctx);
  if (cmd == "close") return VacancyChangeStatus(ctx, labor::v1::VACANCY_STATUS_CLOSED);
  if (cmd == "fill") return VacancyChangeStatus(ctx, labor::v1::VACANCY_STATUS_FILLED);
  if (cmd == "list") return VacancyList(ctx, /*feed=*/false);
  if (cmd == "feed") return VacancyList(ctx, /*feed=*/true);
  if (cmd == "import") return Import(ctx);
  return UsageError(absl::StrCat("unknown vacancy command \"", cmd, "\""));
}

int RunFairCommand(CtlContext& ctx, const std::vector<std::string>& args) {
  const std::string& cmd = args.at(0);
  if (cmd == "create") return FairCreate(ctx);
  if (cmd == "get") return FairGet(ctx);
  if (cmd == "attach") return FairAttach(ctx);
  if (cmd == "checkin") return FairCheckIn(ctx);
  if (cmd == "stats") return FairStats(ctx);
  if (cmd == "list") return FairList(ctx);
  return UsageError(absl::StrCat("unknown fair command \"", cmd, "\""));
}

int RunImportCommand(CtlContext& ctx) { return Import(ctx); }

}  // namespace labor::tools
