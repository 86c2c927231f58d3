#include "services/notify/sms_gateway.h"

#include <curl/curl.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace labor::notify {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";
// Replies are small JSON objects; anything larger is not our gateway.
constexpr size_t kMaxReplyBytes = 64 * 1024;
// Gateway messages go into status histories: keep them short.
constexpr size_t kMaxMessageBytes = 200;

struct CodeClass {
  const char* code;
  absl::StatusCode status;
};

// Aliyun dysms codes and what the sender should do about them.
constexpr CodeClass kCodes[] = {
    {"isv.BUSINESS_LIMIT_CONTROL", absl::StatusCode::kResourceExhausted},
    {"isv.DAY_LIMIT_CONTROL", absl::StatusCode::kResourceExhausted},
    {"isv.SMS_CONTENT_ILLEGAL", absl::StatusCode::kFailedPrecondition},
    {"isv.SMS_TEMPLATE_ILLEGAL", absl::StatusCode::kFailedPrecondition},
    {"isv.SMS_SIGNATURE_ILLEGAL", absl::StatusCode::kFailedPrecondition},
    {"isv.SMS_SIGN_ILLEGAL", absl::StatusCode::kFailedPrecondition},
    {"isv.BLACK_KEY_CONTROL_LIMIT", absl::StatusCode::kFailedPrecondition},
    {"isv.AMOUNT_NOT_ENOUGH", absl::StatusCode::kFailedPrecondition},
    {"isv.OUT_OF_SERVICE", absl::StatusCode::kFailedPrecondition},
    {"isv.MOBILE_NUMBER_ILLEGAL", absl::StatusCode::kInvalidArgument},
    {"isv.MOBILE_COUNT_OVER_LIMIT", absl::StatusCode::kInvalidArgument},
    {"isv.TEMPLATE_PARAMS_ILLEGAL", absl::StatusCode::kInvalidArgument},
    {"isv.TEMPLATE_MISSING_PARAMETERS", absl::StatusCode::kInvalidArgument},
    {"isv.INVALID_PARAMETERS", absl::StatusCode::kInvalidArgument},
    {"isv.INVALID_JSON_PARAM", absl::StatusCode::kInvalidArgument},
    {"isv.PARAM_LENGTH_LIMIT", absl::StatusCode::kInvalidArgument},
    {"MissingParameter", absl::StatusCode::kInvalidArgument},
    {"SignatureDoesNotMatch", absl::StatusCode::kUnauthenticated},
    {"InvalidAccessKeyId.NotFound", absl::StatusCode::kUnauthenticated},
    {"InvalidAccessKeyId.Inactive", absl::StatusCode::kPermissionDenied},
    {"isv.ACCOUNT_NOT_EXISTS", absl::StatusCode::kPermissionDenied},
    {"isv.ACCOUNT_ABNORMAL", absl::StatusCode::kPermissionDenied},
    {"isp.RAM_PERMISSION_DENY", absl::StatusCode::kPermissionDenied},
    {"Throttling.User", absl::StatusCode::kUnavailable},
    {"ServiceUnavailable", absl::StatusCode::kUnavailable},
    {"InternalError", absl::StatusCode::kUnavailable},
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::StatusOr<std::string> FormDecode(absl::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%') {
      if (i + 2 >= in.size()) {
        return absl::InvalidArgumentError("truncated %-escape in form");
      }
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return absl::InvalidArgumentError("bad %-escape in form");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

// Gateway messages end up in status histories and logs: a number echoed
// back (11+ digit run) is starred out.
std::string Scrub(absl::string_view message) {
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    size_t j = i;
    while (j < message.size() && absl::ascii_isdigit(static_cast<unsigned char>(message[j]))) ++j;
    if (j > i) {
      out.append(j - i >= 11 ? std::string(j - i, '*') : std::string(message.substr(i, j - i)));
      i = j;
    } else {
      out.push_back(message[i++]);
    }
  }
  if (out.size() > kMaxMessageBytes) {
    size_t cut = kMaxMessageBytes;
    // Do not split a UTF-8 sequence: back up to a lead byte.
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out.append("...");
  }
  return out;
}

std::string StringField(const google::protobuf::Struct& s, const std::string& name) {
  auto it = s.fields().find(name);
  if (it == s.fields().end() || !it->second.has_string_value()) return "";
  return it->second.string_value();
}

size_t CollectReply(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  size_t n = size * count;
  if (out->size() + n > kMaxReplyBytes) return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  out->append(data, n);
  return n;
}

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

std::string SmsPercentEncode(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char ch : value) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 0xF]);
    }
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> ParseSmsForm(absl::string_view body) {
  std::map<std::string, std::string> form;
  for (absl::string_view pair : absl::StrSplit(body, '&', absl::SkipEmpty())) {
    size_t eq = pair.find('=');
    absl::string_view raw_key = pair.substr(0, eq);
    absl::string_view raw_value = eq == absl::string_view::npos ? "" : pair.substr(eq + 1);
    absl::StatusOr<std::string> key = FormDecode(raw_key);
    if (!key.ok()) return key.status();
    absl::StatusOr<std::string> value = FormDecode(raw_value);
    if (!value.ok()) return value.status();
    if (!form.emplace(*std::move(key), *std::move(value)).second) {
      return absl::InvalidArgumentError("repeated form parameter");
    }
  }
  return form;
}

std::string CanonicalSmsForm(const std::map<std::string, std::string>& form) {
  std::vector<std::string> parts;
  parts.reserve(form.size());
  for (const auto& [key, value] : form) {  // std::map: byte order of the names
    if (key == "Signature") continue;
    parts.push_back(absl::StrCat(SmsPercentEncode(key), "=", SmsPercentEncode(value)));
  }
  return absl::StrJoin(parts, "&");
}

std::string SignSmsForm(const std::map<std::string, std::string>& form, absl::string_view secret) {
  std::string canonical = CanonicalSmsForm(form);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), mac, &mac_len);
  std::string hex;
  hex.reserve(mac_len * 2);
  for (unsigned int i = 0; i < mac_len; ++i) {
    hex.push_back(kHexLower[mac[i] >> 4]);
    hex.push_back(kHexLower[mac[i] & 0xF]);
  }
  return hex;
}

absl::Status SmsStatusFromCode(absl::string_view code, absl::string_view message) {
  if (code == "OK") return absl::OkStatus();
  absl::StatusCode status = absl::StatusCode::kUnknown;
  bool known = false;
  for (const CodeClass& c : kCodes) {
    if (code == c.code) {
      status = c.status;
      known = true;
      break;
    }
  }
  if (!known) {
    if (absl::StartsWith(code, "isv.")) {
      status = absl::StatusCode::kFailedPrecondition;
    } else if (absl::StartsWith(code, "isp.") || absl::StartsWith(code, "Throttling")) {
      status = absl::StatusCode::kUnavailable;
    } else if (absl::StartsWith(code, "Missing") || absl::StartsWith(code, "InvalidParameter")) {
      status = absl::StatusCode::kInvalidArgument;
    } else if (absl::StartsWith(code, "Forbidden")) {
      status = absl::StatusCode::kPermissionDenied;
    }
  }
  return absl::Status(status, absl::StrCat(code, ": ", message));
}

HttpSmsGateway::HttpSmsGateway(Options options) : options_(std::move(options)) { GlobalInitOnce(); }

HttpSmsGateway::~HttpSmsGateway() {
  absl::MutexLock lock(&mu_);
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* HttpSmsGateway::TakeHandle() {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void HttpSmsGateway::ReturnHandle(void* handle) {
  {
    absl::MutexLock lock(&mu_);
    if (static_cast<int>(idle_.size()) < options_.max_idle_handles) {
      idle_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

absl::StatusOr<SmsReceipt> HttpSmsGateway::Send(const SmsRequest& request) {
  if (!absl::StartsWith(options_.url, "http://") && !absl::StartsWith(options_.url, "https://")) {
    return absl::FailedPreconditionError("sms gateway url must start with http:// or https://");
  }

  std::map<std::string, std::string> form = {
      {"PhoneNumbers", request.phone},
      {"SignName", request.sign_name},
      {"TemplateCode", request.template_code},
      {"AccessKeyId", options_.access_key_id},
  };
  if (!request.params.empty()) {
    google::protobuf::Struct params;
    for (const auto& [key, value] : request.params) {
      (*params.mutable_fields())[key].set_string_value(value);
    }
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(params, &json).ok()) {
      // Only invalid UTF-8 in a parameter makes the JSON printer fail.
      return absl::InvalidArgumentError("template parameters are not valid UTF-8");
    }
    form["TemplateParam"] = json;
  }
  if (!request.out_id.empty()) form["OutId"] = request.out_id;
  form["Signature"] = SignSmsForm(form, options_.access_key_secret);

  std::vector<std::string> parts;
  for (const auto& [key, value] : form) {
    parts.push_back(absl::StrCat(SmsPercentEncode(key), "=", SmsPercentEncode(value)));
  }
  const std::string body = absl::StrJoin(parts, "&");
  const std::string url = absl::StrCat(absl::StripSuffix(options_.url, "/"), "/sms/send");

  CURL* curl = static_cast<CURL*>(TakeHandle());
  if (curl == nullptr) return absl::UnavailableError("transport: curl_easy_init failed");
  curl_easy_reset(curl);  // keeps the handle's live connections, drops old options
  std::string reply;
  char error[CURL_ERROR_SIZE] = {};
  const long timeout_ms = std::max<long>(1, absl::ToInt64Milliseconds(options_.timeout));
  const long connect_ms = std::max<long>(
      1, std::min<long>(timeout_ms, absl::ToInt64Milliseconds(options_.connect_timeout)));
  curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &CollectReply);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  // Signals are process-wide: with several sender threads, timeouts must not
  // use SIGALRM.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  long http_status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);  // `error` goes out of scope
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  ReturnHandle(curl);

  if (rc != CURLE_OK) {
    // The error buffer names host and port at most, never the body.
    return absl::UnavailableError(
        absl::StrCat("transport: ", error[0] ? error : curl_easy_strerror(rc), " (curl ",
                     static_cast<int>(rc), ")"));
  }

  google::protobuf::Struct parsed;
  const bool is_json = google::protobuf::util::JsonStringToMessage(reply, &parsed).ok();
  const std::string code = is_json ? StringField(parsed, "Code") : "";
  if (code.empty()) {
    const std::string what = absl::StrCat("http.", http_status, ": reply without a Code");
    if (http_status >= 500 || http_status == 429) return absl::UnavailableError(what);
    if (http_status == 401) return absl::UnauthenticatedError(what);
    if (http_status == 403) return absl::PermissionDeniedError(what);
    if (http_status == 404)
      return absl::FailedPreconditionError(absl::StrCat(what, " (wrong url?)"));
    return absl::UnknownError(what);
  }
  if (code == "OK") {
    SmsReceipt receipt{StringField(parsed, "BizId"), StringField(parsed, "RequestId")};
    if (receipt.biz_id.empty()) return absl::UnknownError("OK: reply without a BizId");
    return receipt;
  }
  absl::Status status = SmsStatusFromCode(code, Scrub(StringField(parsed, "Message")));
  // An unknown code on a 5xx is still the gateway's failure: worth a retry.
  if (status.code() == absl::StatusCode::kUnknown && http_status >= 500) {
    return absl::UnavailableError(status.message());
  }
  return status;
}

}  // namespace labor::notify
