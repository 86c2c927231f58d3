// laborctl report … and audit list.
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/labels.h"
#include "tools/laborctl.h"
#include "tools/laborctl_print.h"
#include "tools/text_table.h"

namespace labor::tools {
namespace {

int ZeroEmployment(CtlContext& ctx) {
  labor::v1::ZeroEmploymentHouseholdsRequest req;
  absl::StatusOr<std::string> township = ResolveTownship(ctx, absl::GetFlag(FLAGS_township));
  if (!township.ok()) return UsageError(std::string(township.status().message()));
  req.set_township(*township);
  labor::v1::ZeroEmploymentHouseholdsResponse resp;
  grpc::Status s = ctx.stub->ZeroEmploymentHouseholds(ctx.NewCall().get(), req, &resp);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(resp);
    return kExitOk;
  }
  const RegionRegistry* regions = ctx.regions.get();
  TextTable households({"户号", "乡镇", "户内人数", "失业人数", "成员编号"});
  for (const labor::v1::ZeroEmploymentHousehold& h : resp.households()) {
    households.AddRow({h.household_id(), RegionLabel(regions, h.township()),
                       absl::StrCat(h.members()), absl::StrCat(h.unemployed()),
                       absl::StrJoin(h.worker_ids(), ",")});
  }
  std::cout << "零就业家庭 " << resp.households_size() << " 户\n" << households.Render();
  // Sorted by township code (the proto map has no order).
  std::map<std::string, int> by_township(resp.count_by_township().begin(),
                                         resp.count_by_township().end());
  if (!by_township.empty()) {
    TextTable counts({"乡镇", "代码", "户数"});
    for (const auto& [code, count] : by_township) {
      counts.AddRow({RegionLabel(regions, code), code, absl::StrCat(count)});
    }
    std::cout << "\n按乡镇\n" << counts.Render();
  }
  return kExitOk;
}

void PrintEmploymentReport(const CtlContext& ctx, const labor::v1::EmploymentReport& report,
                           bool partner) {
  const RegionRegistry* regions = ctx.regions.get();
  std::cout << report.year() << "年第" << report.quarter() << "季度 "
            << (partner ? "合作地区劳动力供给报告" : "转移就业统计") << "  共 "
            << report.total_workers() << " 人  生成于 " << FormatTimestamp(report.generated_at())
            << "\n";
  TextTable table({"乡镇", "就业状态", "去向省份", "人数"});
  bool any_suppressed = false;
  std::map<labor::v1::EmploymentStatus, int64_t> by_status;
  for (const labor::v1::TransferEmploymentRow& row : report.rows()) {
    std::string township =
        row.township_name().empty() ? RegionLabel(regions, row.township()) : row.township_name();
    std::string province = row.destination_province_name().empty()
                               ? RegionLabel(regions, row.destination_province())
                               : row.destination_province_name();
    any_suppressed = any_suppressed || row.suppressed();
    std::string count = row.suppressed() ? std::string(1, '*') : absl::StrCat(row.count());
    table.AddRow({township, EmploymentStatusLabel(row.status()), province, count});
    by_status[row.status()] += row.count();
  }
  std::cout << table.Render();
  if (any_suppressed) std::cout << "* 人数过少，为保护个人信息不予显示\n";
  if (!by_status.empty()) {
    TextTable summary({"就业状态", "人数"});
    for (const auto& [status, count] : by_status) {
      summary.AddRow({EmploymentStatusLabel(status), absl::StrCat(count)});
    }
    std::cout << "\n合计\n" << summary.Render();
  }
}

int Transfer(CtlContext& ctx, bool partner) {
  const int32_t year = absl::GetFlag(FLAGS_year);
  const int32_t quarter = absl::GetFlag(FLAGS_quarter);
  if (year != 0 && (quarter < 1 || quarter > 4)) return UsageError("--quarter must be 1..4");
  labor::v1::EmploymentReport report;
  grpc::Status s;
  if (partner) {
    labor::v1::PartnerSupplyReportRequest req;
    req.set_year(year);
    req.set_quarter(quarter);
    s = ctx.stub->PartnerSupplyReport(ctx.NewCall().get(), req, &report);
  } else {
    labor::v1::TransferEmploymentReportRequest req;
    req.set_year(year);
    req.set_quarter(quarter);
    s = ctx.stub->TransferEmploymentReport(ctx.NewCall().get(), req, &report);
  }
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(report);
  } else {
    PrintEmploymentReport(ctx, report, partner);
  }
  return kExitOk;
}

}  // namespace

int RunReportCommand(CtlContext& ctx, const std::vector<std::string>& args) {
  if (args.size() != 1) return UsageError("expected one report name");
  if (args[0] == "zero-employment") return ZeroEmployment(ctx);
  if (args[0] == "transfer") return Transfer(ctx, /*partner=*/false);
  if (args[0] == "partner") return Transfer(ctx, /*partner=*/true);
  return UsageError(absl::StrCat("unknown report \"", args[0], "\""));
}

int RunAuditCommand(CtlContext& ctx, const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0] != "list") return UsageError("expected: audit list");
  labor::v1::ListAuditRecordsRequest req;
  req.set_worker_id(absl::GetFlag(FLAGS_worker_id));
  req.mutable_page()->set_page_size(absl::GetFlag(FLAGS_page_size));
  req.mutable_page()->set_page_token(absl::GetFlag(FLAGS_page_token));
  labor::v1::ListAuditRecordsResponse merged;
  grpc::Status s = FollowPages(
      &req,
      [&](const auto& r, auto* page) {
        return ctx.stub->ListAuditRecords(ctx.NewCall().get(), r, page);
      },
      [](auto& page, auto* all) {
        for (auto& r : *page.mutable_records()) *all->add_records() = std::move(r);
      },
      &merged);
  if (!s.ok()) return RpcError(s);
  if (ctx.json) {
    PrintJson(merged);
    return kExitOk;
  }
  TextTable table({"时间", "角色", "操作人", "动作", "劳动者编号", "版本", "字段", "目的", "说明"});
  for (const labor::v1::AuditRecord& r : merged.records()) {
    std::string who = r.actor().principal();
    if (!r.actor().tenant().empty()) who = absl::StrCat(r.actor().tenant(), "/", who);
    table.AddRow({FormatTimestamp(r.at()), r.actor().role(), who, r.action(), r.worker_id(),
                  r.version() > 0 ? absl::StrCat(r.version()) : "", absl::StrJoin(r.fields(), ","),
                  r.purpose(), r.detail()});
  }
  std::cout << table.Render() << "共 " << merged.records_size() << " 条\n";
  if (!merged.page().next_page_token().empty()) {
    std::cout << "下一页: --page_token=" << merged.page().next_page_token() << "\n";
  }
  return kExitOk;
}

}  // namespace labor::tools
