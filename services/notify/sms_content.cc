#include "services/notify/sms_content.h"

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace labor::notify {
namespace {

// The payload keys each SMS template carries (templates.cc Render).
const std::vector<std::string>& SmsKeys(v1::NotificationKind kind) {
  static const auto* keys = new std::map<int, std::vector<std::string>>{
      {v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT,
       {"fair_name", "date", "time", "end_date", "venue", "note"}},
      {v1::NOTIFICATION_KIND_POLICY_NOTICE, {"title", "summary"}},
      {v1::NOTIFICATION_KIND_RETURN_TRANSPORT, {"route", "date", "time", "meeting_point", "note"}},
      {v1::NOTIFICATION_KIND_FREE_TEXT, {"text"}},
  };
  static const auto* none = new std::vector<std::string>();
  auto it = keys->find(kind);
  return it == keys->end() ? *none : it->second;
}

}  // namespace

const std::vector<std::string>& SmsTemplateCodes() {
  static const auto* codes = new std::vector<std::string>{
      "SMS_FAIR_ANNOUNCEMENT", "SMS_POLICY_NOTICE", "SMS_RETURN_TRANSPORT", "SMS_FREE_TEXT",
      std::string(kSmsServiceNoticeTemplate)};
  return *codes;
}

const std::vector<std::string>& SmsRecruitmentWords() {
  static const auto* words = new std::vector<std::string>{
      "招聘", "岗位", "诚聘", "急聘", "招工", "急招", "招人",   "应聘",
      "求职", "面试", "月薪", "日薪", "薪资", "高薪", "包吃住", "五险一金"};
  return *words;
}

std::string RecruitmentWordIn(absl::string_view text, const std::vector<std::string>& words) {
  for (const std::string& word : words) {
    if (!word.empty() && absl::StrContains(text, word)) return word;
  }
  return "";
}

absl::Status CheckSmsContent(v1::NotificationKind kind, const Payload& payload) {
  if (!SmsAllowed(kind)) {
    return InvalidField("kind", "recruitment content may not go by SMS");
  }
  for (const std::string& key : SmsKeys(kind)) {
    auto it = payload.find(key);
    if (it == payload.end()) continue;
    if (std::string word = RecruitmentWordIn(it->second); !word.empty()) {
      return InvalidField(absl::StrCat("payload.", key),
                          absl::StrCat("contains \"", word,
                                       "\", which the SMS gateway refuses as recruitment content "
                                       "(isv.SMS_CONTENT_ILLEGAL)"));
    }
  }
  // The parameters as sent: cleaning (links dropped, …) can join a word.
  for (const auto& [param, value] : Render(kind, payload, v1::CHANNEL_SMS).fields) {
    if (std::string word = RecruitmentWordIn(value); !word.empty()) {
      return InvalidField("payload", absl::StrCat("the SMS parameter ", param, " contains \"", word,
                                                  "\", which the SMS gateway refuses as "
                                                  "recruitment content"));
    }
  }
  return absl::OkStatus();
}

}  // namespace labor::notify
