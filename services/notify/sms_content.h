// What the SMS gateway accepts, as one rule shared by NotificationService
// (Enqueue refuses and routing avoids what the gateway would refuse) and
// tools/fake_sms_gateway (which refuses it, standing in for the real
// provider). Modelled on Aliyun dysms: only registered templates are sent,
// and notification SMS may not carry recruitment content (招聘类短信), which
// the provider detects by words in the template parameters
// (isv.SMS_CONTENT_ILLEGAL).
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "labor/v1/notification.pb.h"
#include "services/notify/templates.h"

namespace labor::notify {

// The notification templates registered with the provider: every template
// Render produces for SMS, plus SMS_SERVICE_NOTICE. Job alerts have none
// (a recruitment template is never approved).
const std::vector<std::string>& SmsTemplateCodes();

// SMS_SERVICE_NOTICE: no parameters, no recruitment content; it tells a
// worker who takes no WeChat messages that a message waits for them at the
// service (their township's kiosk, the official account).
inline constexpr absl::string_view kSmsServiceNoticeTemplate = "SMS_SERVICE_NOTICE";
inline constexpr absl::string_view kSmsServiceNoticeText =
    "您有一条新的就业服务消息，请到户籍所在镇便民服务中心自助终端或“通川就业”微信公众号查看。";

// Words that get a message refused as recruitment content: 招聘 岗位 诚聘
// 急聘 招工 急招 招人 应聘 求职 面试 月薪 日薪 薪资 高薪 包吃住 五险一金.
const std::vector<std::string>& SmsRecruitmentWords();

// The first of `words` that `text` contains; "" when none.
std::string RecruitmentWordIn(absl::string_view text,
                              const std::vector<std::string>& words = SmsRecruitmentWords());

// OK when the gateway would accept the SMS of `kind` with `payload`:
// INVALID_ARGUMENT naming "payload.<key>" and the recruitment word in a
// value the SMS carries, or "kind" when SMS may not carry the kind at all.
absl::Status CheckSmsContent(v1::NotificationKind kind, const Payload& payload);

}  // namespace labor::notify
