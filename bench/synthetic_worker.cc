#include "bench/synthetic_worker.h"

#include <array>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/validation.h"

namespace labor::bench {
namespace {

// The 18 township-level codes of Tongchuan District.
constexpr std::array<const char*, 18> kTownships = {
    "511702001", "511702002", "511702003", "511702004", "511702005", "511702102",
    "511702103", "511702104", "511702105", "511702107", "511702108", "511702109",
    "511702110", "511702111", "511702112", "511702113", "511702114", "511702208"};
constexpr std::array<const char*, 20> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵",
                                                   "黄", "周", "吴", "徐", "孙", "胡", "朱",
                                                   "高", "林", "何", "郭", "马", "罗"};
constexpr std::array<const char*, 20> kGiven = {"明", "华", "建", "国", "强", "芳", "秀",
                                                "英", "军", "平", "丽", "勇", "敏", "静",
                                                "伟", "兰", "斌", "红", "霞", "涛"};
const absl::CivilDay kFirstBirthDay(1965, 1, 1);
constexpr int64_t kBirthDays = kSyntheticWorkers / 1000;

}  // namespace

v1::Worker SyntheticWorker(int64_t index) {
  v1::Worker w;
  const absl::CivilDay birth = kFirstBirthDay + (index / 1000) % kBirthDays;
  std::string id = absl::StrFormat("511702%04d%02d%02d%03d", birth.year(), birth.month(),
                                   birth.day(), index % 1000);
  id.push_back(ResidentIdCheckChar(id));
  w.set_id_number(id);
  // 7919 is prime, so index -> digits is one-to-one modulo 10^9.
  w.set_phone(absl::StrFormat("1%c%09d", static_cast<char>('3' + index % 7),
                              (index * 7919 + 12345) % 1000000000));
  const int64_t household = index / 4;
  const std::string township = kTownships[household % kTownships.size()];
  w.set_hukou_township(township);
  w.set_household_id(absl::StrCat("TC", township.substr(6), "-", household));
  w.set_name(
      absl::StrCat(kSurnames[index % 20], kGiven[(index / 20) % 20], kGiven[(index / 400) % 20]));
  return w;
}

}  // namespace labor::bench
