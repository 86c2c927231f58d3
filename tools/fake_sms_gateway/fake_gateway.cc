#include "tools/fake_sms_gateway/fake_gateway.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/crypto.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/validation.h"
#include "services/notify/sms_content.h"
#include "services/notify/sms_gateway.h"

namespace labor::fake_sms {
namespace {

// Templates the fake knows without flags: the notification templates
// registered for NotificationService (the same list it renders from), which
// pass when their parameters are clean; a recruitment template is refused
// outright, as carriers refuse recruitment SMS (job alerts go by WeChat).
constexpr const char* kRecruitmentTemplates[] = {"SMS_JOB_ALERT"};

SendReply Error(int http_status, std::string code, std::string message) {
  return SendReply{http_status, std::move(code), std::move(message), ""};
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string Get(const std::map<std::string, std::string>& form, const std::string& key) {
  auto it = form.find(key);
  return it == form.end() ? "" : it->second;
}

}  // namespace

std::vector<std::string> DefaultRecruitmentWords() { return notify::SmsRecruitmentWords(); }

FakeGateway::FakeGateway(GatewayConfig config) : config_(std::move(config)) {
  for (const std::string& code : notify::SmsTemplateCodes()) {
    templates_[code] = TemplateKind::kNotification;
  }
  for (const char* code : kRecruitmentTemplates) templates_[code] = TemplateKind::kRecruitment;
  for (const std::string& code : config_.templates) templates_[code] = TemplateKind::kNotification;
}

SendReply FakeGateway::CheckCredentials(const std::map<std::string, std::string>& form) const {
  for (const char* required :
       {"PhoneNumbers", "SignName", "TemplateCode", "AccessKeyId", "Signature"}) {
    if (form.count(required) == 0) {
      return Error(400, "MissingParameter",
                   absl::StrCat(required, " is mandatory for this action."));
    }
  }
  if (!config_.access_key_id.empty() && form.at("AccessKeyId") != config_.access_key_id) {
    return Error(403, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
  }
  const std::string expected = notify::SignSmsForm(form, config_.access_key_secret);
  const std::string& given = form.at("Signature");
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return Error(403, "SignatureDoesNotMatch",
                 "Specified signature does not match our calculation.");
  }
  return SendReply{200, "OK", "OK", ""};
}

SendReply FakeGateway::Send(const std::map<std::string, std::string>& form, absl::Time now) {
  SendReply auth = CheckCredentials(form);
  if (auth.code != "OK") return auth;

  // A replayed OutId (the caller retrying after a lost reply) gets the first
  // answer and sends nothing, before any limit could refuse it.
  const std::string out_id = Get(form, "OutId");
  if (!out_id.empty()) {
    absl::MutexLock lock(&mu_);
    auto it = biz_id_by_out_id_.find(out_id);
    if (it != biz_id_by_out_id_.end()) return SendReply{200, "OK", "OK", it->second};
  }

  const std::string phone = form.at("PhoneNumbers");
  if (!ValidateMobile(phone).ok()) return Error(200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号");

  const std::string sign_name = form.at("SignName");
  bool sign_ok = !sign_name.empty();
  if (sign_ok && !config_.sign_names.empty()) {
    sign_ok = false;
    for (const std::string& s : config_.sign_names) sign_ok |= s == sign_name;
  }
  if (!sign_ok) return Error(200, "isv.SMS_SIGNATURE_ILLEGAL", "签名不合法(不存在或被拉黑)");

  const std::string template_code = form.at("TemplateCode");
  auto tmpl = templates_.find(template_code);
  if (tmpl == templates_.end()) {
    return Error(200, "isv.SMS_TEMPLATE_ILLEGAL", "模板不合法(不存在或被拉黑)");
  }
  if (tmpl->second == TemplateKind::kRecruitment) {
    return Error(200, "isv.SMS_CONTENT_ILLEGAL", "招聘类短信不予发送");
  }

  std::map<std::string, std::string> params;
  const std::string param_json = Get(form, "TemplateParam");
  if (!param_json.empty()) {
    google::protobuf::Struct parsed;
    if (!google::protobuf::util::JsonStringToMessage(param_json, &parsed).ok()) {
      return Error(200, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值");
    }
    for (const auto& [key, value] : parsed.fields()) {
      std::string text;
      if (value.has_string_value()) {
        text = value.string_value();
      } else if (value.has_number_value()) {
        text = absl::StrFormat("%g", value.number_value());
      } else {
        return Error(200, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值");
      }
      if (text.empty() || (config_.max_param_chars > 0 &&
                           CodePoints(text) > static_cast<size_t>(config_.max_param_chars))) {
        return Error(
            200, "isv.TEMPLATE_PARAMS_ILLEGAL",
            absl::StrCat("模板变量", key, "为空或超过", config_.max_param_chars, "个字符"));
      }
      params[key] = text;
    }
  }
  for (const auto& [key, text] : params) {
    if (std::string word = notify::RecruitmentWordIn(text, config_.recruitment_words);
        !word.empty()) {
      return Error(200, "isv.SMS_CONTENT_ILLEGAL",
                   absl::StrCat("短信内容含招聘类信息(", word, ")，请改用其他渠道"));
    }
  }

  absl::MutexLock lock(&mu_);
  // Another thread may have accepted the same OutId meanwhile.
  if (!out_id.empty()) {
    auto it = biz_id_by_out_id_.find(out_id);
    if (it != biz_id_by_out_id_.end()) return SendReply{200, "OK", "OK", it->second};
  }
  std::string limit = LimitHit(phone, now);
  if (!limit.empty()) return Error(200, "isv.BUSINESS_LIMIT_CONTROL", limit);

  SentMessage sent{phone,
                   sign_name,
                   template_code,
                   std::move(params),
                   out_id,
                   absl::StrCat(900000000000000 + sent_.size() + 1, "^0"),
                   now};
  recent_[phone].push_back(now);
  if (!out_id.empty()) biz_id_by_out_id_[out_id] = sent.biz_id;
  sent_.push_back(std::move(sent));
  return SendReply{200, "OK", "OK", sent_.back().biz_id};
}

std::string FakeGateway::LimitHit(const std::string& phone, absl::Time now) {
  std::deque<absl::Time>& times = recent_[phone];
  while (!times.empty() && times.front() <= now - absl::Hours(24)) times.pop_front();
  auto within = [&](absl::Duration window) {
    int n = 0;
    for (absl::Time t : times) n += t > now - window;
    return n;
  };
  if (config_.per_minute > 0 && within(absl::Minutes(1)) >= config_.per_minute) {
    return absl::StrCat("触发分钟级流控Permits:", config_.per_minute);
  }
  if (config_.per_hour > 0 && within(absl::Hours(1)) >= config_.per_hour) {
    return absl::StrCat("触发小时级流控Permits:", config_.per_hour);
  }
  if (config_.per_day > 0 && within(absl::Hours(24)) >= config_.per_day) {
    return absl::StrCat("触发天级流控Permits:", config_.per_day);
  }
  return "";
}

std::vector<SentMessage> FakeGateway::Sent() const {
  absl::MutexLock lock(&mu_);
  return sent_;
}

}  // namespace labor::fake_sms
