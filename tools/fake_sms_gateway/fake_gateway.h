// The rules of the fake SMS gateway, without HTTP: credentials and
// signature, number format, template catalog, recruitment-content refusal,
// OutId dedup and per-number frequency limits. main.cc serves it over HTTP.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace labor::fake_sms {

struct GatewayConfig {
  std::string access_key_id;      // "" accepts any id
  std::string access_key_secret;  // signatures are always checked ("" is a valid key)
  // Accepted messages per phone number in any sliding window of that length
  // (Aliyun's defaults: 1 a minute, 5 an hour, 10 a day); 0 = no limit.
  int per_minute = 1;
  int per_hour = 5;
  int per_day = 10;
  int max_param_chars = 35;                    // per template variable, in characters
  std::vector<std::string> sign_names;         // accepted signatures; empty = any non-empty
  std::vector<std::string> templates;          // notification templates besides the built-in ones
  std::vector<std::string> recruitment_words;  // refused in any parameter
};

// The built-in recruitment words: NotificationService's
// (notify::SmsRecruitmentWords), the same rule Enqueue applies.
std::vector<std::string> DefaultRecruitmentWords();

// What one SendSms call answers.
struct SendReply {
  int http_status = 200;
  std::string code;  // "OK" or an Aliyun-style error code
  std::string message;
  std::string biz_id;  // when OK
};

struct SentMessage {
  std::string phone;
  std::string sign_name;
  std::string template_code;
  std::map<std::string, std::string> params;
  std::string out_id;
  std::string biz_id;
  absl::Time time;  // on the gateway's (fake) clock
};

// Thread-safe.
class FakeGateway {
 public:
  explicit FakeGateway(GatewayConfig config);

  // One SendSms call with the decoded form parameters at time `now`.
  SendReply Send(const std::map<std::string, std::string>& form, absl::Time now);
  // Every accepted message, oldest first.
  std::vector<SentMessage> Sent() const;

 private:
  enum class TemplateKind { kNotification, kRecruitment };
  // Required parameters, access key and signature; code "OK" when they pass.
  SendReply CheckCredentials(const std::map<std::string, std::string>& form) const;
  // "" when the number may get another message at `now`, else the error text.
  std::string LimitHit(const std::string& phone, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const GatewayConfig config_;
  std::map<std::string, TemplateKind> templates_;
  mutable absl::Mutex mu_;
  std::vector<SentMessage> sent_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::string> biz_id_by_out_id_ ABSL_GUARDED_BY(mu_);
  // Accept times per phone number within the last day.
  absl::flat_hash_map<std::string, std::deque<absl::Time>> recent_ ABSL_GUARDED_BY(mu_);
};

}  // namespace labor::fake_sms
