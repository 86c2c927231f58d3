// laborctl output: JSON documents for --json, and the readable forms (region
// names, Shanghai times, the worker detail view).
#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/regions.h"
#include "labor/v1/profile.pb.h"

namespace labor::tools {

// One-line JSON with proto field names.
std::string ToJson(const google::protobuf::Message& message);
// ToJson + '\n' on stdout.
void PrintJson(const google::protobuf::Message& message);

// A region's name ("罗江镇", "东莞市", "重庆市"), or the code itself when
// `regions` is null or does not know it. "" for "".
std::string RegionLabel(const RegionRegistry* regions, absl::string_view code);

// "2026-11-29 12:05" in Shanghai time; "" when unset.
std::string FormatTimestamp(const google::protobuf::Timestamp& ts);

// "砌筑工 四级 8年" (the code when the service sent no name).
std::string SkillSummary(const labor::v1::Skill& skill);
// "转移就业 东莞市" / "区内就业 罗江镇" / "失业 (失业登记)".
std::string EmploymentSummary(const labor::v1::EmploymentRecord& record,
                              const RegionRegistry* regions);

// The multi-line detail view of one worker.
std::string WorkerDetail(const labor::v1::Worker& worker, const RegionRegistry* regions);

// "罗江镇 (511702102)": the region's name and code ("" for no code; the
// code alone when it is unknown).
std::string RegionWithCode(const RegionRegistry* regions, absl::string_view code);

// "key  value" lines aligned by display width; empty values are skipped.
class Detail {
 public:
  void Add(std::string key, std::string value);
  std::string Render() const;

 private:
  std::vector<std::pair<std::string, std::string>> rows_;
};

}  // namespace labor::tools
