// The SMS channel: an SmsGateway interface the dispatcher sends through, and
// HttpSmsGateway, which speaks the gateway's HTTP API (modelled on Aliyun
// dysms SendSms) through libcurl. tools/fake_sms_gateway serves the same API
// locally for tests and the demo stack.
//
// Wire protocol (one call, POST <url>/sms/send, form-encoded body):
//   PhoneNumbers  11-digit mainland mobile
//   SignName      signature shown in the message, e.g. 通川就业
//   TemplateCode  registered template, e.g. SMS_RETURN_TRANSPORT
//   TemplateParam JSON object of the template's parameters (omitted when none)
//   OutId         caller's message id; the gateway deduplicates on it (omitted when empty)
//   AccessKeyId   credential id
//   Signature     lowercase hex HMAC-SHA256, keyed with the access key secret,
//                 over CanonicalSmsForm() of all the other parameters
// The reply is JSON {"Code":"OK","Message":"OK","BizId":"...","RequestId":"..."};
// any other Code is an error (see SmsStatusFromCode).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace labor::notify {

struct SmsRequest {
  std::string phone;                          // 11-digit mainland mobile
  std::string sign_name;                      // e.g. "通川就业"
  std::string template_code;                  // gateway template, e.g. "SMS_RETURN_TRANSPORT"
  std::map<std::string, std::string> params;  // template parameters
  std::string out_id;                         // our message id: the gateway dedups on it
};

struct SmsReceipt {
  std::string biz_id;      // the gateway's id of the accepted message
  std::string request_id;  // the gateway's id of this call (support tickets)
};

class SmsGateway {
 public:
  virtual ~SmsGateway() = default;
  // OK + receipt when the gateway accepted the message (a replayed out_id
  // returns the first receipt and sends nothing). Errors, each with the
  // gateway's raw code first in the message ("isv.BUSINESS_LIMIT_CONTROL:
  // 触发分钟级流控Permits:1") for the message's status history:
  //   RESOURCE_EXHAUSTED: a per-number frequency limit (retry later; the
  //     message says which limit),
  //   FAILED_PRECONDITION: content, template or signature refused (e.g.
  //     recruitment/marketing content; permanent),
  //   INVALID_ARGUMENT: bad number or parameters (permanent),
  //   UNAVAILABLE: gateway unreachable, timeout, 5xx, throttled API (retry),
  //   UNAUTHENTICATED / PERMISSION_DENIED: bad credentials (permanent until
  //     the configuration is fixed).
  // Thread-safe.
  virtual absl::StatusOr<SmsReceipt> Send(const SmsRequest& request) = 0;
};

// Sends over HTTP(S) with libcurl. Thread-safe: each call borrows an easy
// handle from a small pool (so keep-alive connections are reused) and no two
// calls share one. Never logs phone numbers or the secret.
class HttpSmsGateway : public SmsGateway {
 public:
  struct Options {
    std::string url;  // base URL, e.g. "http://127.0.0.1:18080"; calls go to <url>/sms/send
    std::string access_key_id;
    std::string access_key_secret;                      // dev-only default empty; never logged
    absl::Duration timeout = absl::Seconds(3);          // whole call: connect, send, reply
    absl::Duration connect_timeout = absl::Seconds(1);  // capped at `timeout`
    int max_idle_handles = 8;                           // pooled curl handles
  };

  explicit HttpSmsGateway(Options options);
  ~HttpSmsGateway() override;
  HttpSmsGateway(const HttpSmsGateway&) = delete;
  HttpSmsGateway& operator=(const HttpSmsGateway&) = delete;

  // See SmsGateway::Send. FAILED_PRECONDITION without a call when `url` is
  // not http:// or https://.
  absl::StatusOr<SmsReceipt> Send(const SmsRequest& request) override;

 private:
  void* TakeHandle();
  void ReturnHandle(void* handle);

  const Options options_;
  absl::Mutex mu_;
  std::vector<void*> idle_ ABSL_GUARDED_BY(mu_);  // CURL* easy handles
};

// ---- Wire helpers, shared with tools/fake_sms_gateway ----

// RFC 3986 percent-encoding of UTF-8 bytes: A-Z a-z 0-9 - _ . ~ kept, every
// other byte as %XX (upper-case hex). Also a valid form-urlencoded value.
std::string SmsPercentEncode(absl::string_view value);

// Decodes an application/x-www-form-urlencoded body ('+' is a space).
// INVALID_ARGUMENT on a malformed %-escape or a repeated key.
absl::StatusOr<std::map<std::string, std::string>> ParseSmsForm(absl::string_view body);

// The string the signature covers: every parameter except "Signature", in
// byte order of the names, as PercentEncode(name)=PercentEncode(value)
// joined by '&'.
std::string CanonicalSmsForm(const std::map<std::string, std::string>& form);

// Lowercase hex HMAC-SHA256(secret, CanonicalSmsForm(form)).
std::string SignSmsForm(const std::map<std::string, std::string>& form, absl::string_view secret);

// The Status for a gateway reply Code (OK for "OK"); the message is
// "<code>: <message>". Unknown isv.* codes (caller-side problems) are
// FAILED_PRECONDITION, isp.* (gateway-side) UNAVAILABLE, others UNKNOWN.
absl::Status SmsStatusFromCode(absl::string_view code, absl::string_view message);

}  // namespace labor::notify
