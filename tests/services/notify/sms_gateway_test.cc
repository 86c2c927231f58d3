// HttpSmsGateway against the real fake_sms_gateway binary on a free loopback
// port: accepted sends, OutId dedup, the per-number frequency limits (moved
// through with the fake's clock, no sleeping), content and number refusals,
// credentials, injected failures, a gateway that is down, and concurrent
// senders. Plus the wire helpers on fixed inputs.
#include "services/notify/sms_gateway.h"

#include <curl/curl.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <signal.h>
#include <sys/wait.h>

#include <memory>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notify/sms_content.h"
#include "services/notify/templates.h"
#include "tests/testing/util.h"

namespace labor::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKeyId[] = "LTAI-test";
constexpr char kSecret[] = "test-secret";

std::string Phone(int n) { return absl::StrCat("139", 10000000 + n); }

SmsRequest Request(int phone, const std::string& out_id) {
  SmsRequest r;
  r.phone = Phone(phone);
  r.sign_name = "通川就业";
  r.template_code = "SMS_RETURN_TRANSPORT";
  r.params = {{"route", "东莞-通川返乡专车"}, {"date", "2月1日"}};
  r.out_id = out_id;
  return r;
}

size_t Collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// The fake gateway as a child process.
class FakeGatewayProcess {
 public:
  absl::Status Start(std::vector<std::string> flags = {}) {
    const std::string port_file = dir_.Sub(absl::StrCat("port.", ++starts_));
    std::vector<std::string> argv = {
        labor::testing::BuiltBinary("tools/fake_sms_gateway/fake_sms_gateway"), "--port=0",
        absl::StrCat("--port_file=", port_file), absl::StrCat("--access_key_id=", kKeyId),
        absl::StrCat("--access_key_secret=", kSecret)};
    for (std::string& f : flags) argv.push_back(std::move(f));
    absl::Status started = process_.Start(argv, log_path());
    if (!started.ok()) return started;
    absl::StatusOr<int> port = labor::testing::WaitForPortFile(port_file, absl::Seconds(20));
    if (!port.ok()) return port.status();
    port_ = *port;
    return absl::OkStatus();
  }
  int Terminate() { return process_.Stop(SIGTERM, absl::Seconds(10)); }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", port_); }
  std::string log_path() const { return dir_.Sub("fake_sms_gateway.log"); }

  // A plain HTTP call to the fake's test endpoints; returns the status code.
  long Call(const std::string& method, const std::string& path, std::string* body = nullptr) {
    CURL* curl = curl_easy_init();
    std::string out;
    const std::string url = absl::StrCat(this->url(), path);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "POST") curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    long status = 0;
    if (curl_easy_perform(curl) == CURLE_OK) {
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    }
    curl_easy_cleanup(curl);
    if (body != nullptr) *body = out;
    return status;
  }
  void Advance(absl::Duration d) {
    ASSERT_EQ(Call("POST", absl::StrCat("/admin/advance?seconds=", absl::ToInt64Seconds(d))), 200);
  }
  void FailNext(int count, const std::string& kind) {
    ASSERT_EQ(Call("POST", absl::StrCat("/admin/fail_next?count=", count, "&kind=", kind)), 200);
  }
  // The accepted messages, as /sms/sent lists them.
  std::vector<google::protobuf::Struct> Sent() {
    std::string body;
    EXPECT_EQ(Call("GET", "/sms/sent", &body), 200);
    google::protobuf::Struct json;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(body, &json).ok()) << body;
    std::vector<google::protobuf::Struct> out;
    for (const auto& v : json.fields().at("messages").list_value().values()) {
      out.push_back(v.struct_value());
    }
    return out;
  }

 private:
  labor::testing::TempDir dir_;
  labor::testing::Subprocess process_;
  int port_ = 0;
  int starts_ = 0;
};

std::string Field(const google::protobuf::Struct& s, const std::string& name) {
  return s.fields().at(name).string_value();
}

class SmsGatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status started = fake_.Start();
    ASSERT_TRUE(started.ok()) << started << "\n"
                              << labor::testing::ReadFileOrEmpty(fake_.log_path());
    gateway_ = MakeGateway(kSecret);
  }

  std::unique_ptr<HttpSmsGateway> MakeGateway(const std::string& secret,
                                              const std::string& key_id = kKeyId) {
    HttpSmsGateway::Options options;
    options.url = fake_.url();
    options.access_key_id = key_id;
    options.access_key_secret = secret;
    options.timeout = absl::Milliseconds(300);
    return std::make_unique<HttpSmsGateway>(options);
  }

  // Expects `code` and the gateway's raw code at the start of the message.
  void ExpectError(const absl::StatusOr<SmsReceipt>& result, absl::StatusCode code,
                   const std::string& gateway_code) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), code) << result.status();
    EXPECT_THAT(std::string(result.status().message()), ::testing::StartsWith(gateway_code));
  }

  FakeGatewayProcess fake_;
  std::unique_ptr<HttpSmsGateway> gateway_;
};

TEST_F(SmsGatewayTest, AcceptedSendIsListedByTheGateway) {
  absl::StatusOr<SmsReceipt> receipt = gateway_->Send(Request(1, "msg-1"));
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_FALSE(receipt->biz_id.empty());
  EXPECT_FALSE(receipt->request_id.empty());

  std::vector<google::protobuf::Struct> sent = fake_.Sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(Field(sent[0], "phone"), Phone(1));
  EXPECT_EQ(Field(sent[0], "sign_name"), "通川就业");
  EXPECT_EQ(Field(sent[0], "template"), "SMS_RETURN_TRANSPORT");
  EXPECT_EQ(Field(sent[0], "out_id"), "msg-1");
  EXPECT_EQ(Field(sent[0], "biz_id"), receipt->biz_id);
  const auto& params = sent[0].fields().at("params").struct_value();
  EXPECT_EQ(Field(params, "route"), "东莞-通川返乡专车");
  EXPECT_EQ(Field(params, "date"), "2月1日");
  EXPECT_FALSE(Field(sent[0], "time").empty());
}

TEST_F(SmsGatewayTest, RepeatedOutIdReturnsTheFirstReceiptAndSendsNothing) {
  absl::StatusOr<SmsReceipt> first = gateway_->Send(Request(2, "msg-2"));
  ASSERT_TRUE(first.ok()) << first.status();
  // Within the same minute: the replay must not count against the limit.
  absl::StatusOr<SmsReceipt> replay = gateway_->Send(Request(2, "msg-2"));
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->biz_id, first->biz_id);
  EXPECT_EQ(fake_.Sent().size(), 1u);
  // A new message to the number in that minute is limited.
  ExpectError(gateway_->Send(Request(2, "msg-3")), absl::StatusCode::kResourceExhausted,
              "isv.BUSINESS_LIMIT_CONTROL");
}

TEST_F(SmsGatewayTest, PerMinuteLimit) {
  ASSERT_TRUE(gateway_->Send(Request(3, "a")).ok());
  absl::StatusOr<SmsReceipt> limited = gateway_->Send(Request(3, "b"));
  ExpectError(limited, absl::StatusCode::kResourceExhausted, "isv.BUSINESS_LIMIT_CONTROL");
  EXPECT_THAT(std::string(limited.status().message()), HasSubstr("分钟级"));
  EXPECT_THAT(std::string(limited.status().message()), Not(HasSubstr(Phone(3))));
  // Limits are per number.
  EXPECT_TRUE(gateway_->Send(Request(4, "c")).ok());
  fake_.Advance(absl::Seconds(61));
  EXPECT_TRUE(gateway_->Send(Request(3, "b")).ok());
  EXPECT_EQ(fake_.Sent().size(), 3u);
}

TEST_F(SmsGatewayTest, PerHourLimit) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(gateway_->Send(Request(5, absl::StrCat("h", i))).ok()) << i;
    fake_.Advance(absl::Seconds(61));
  }
  absl::StatusOr<SmsReceipt> limited = gateway_->Send(Request(5, "h5"));
  ExpectError(limited, absl::StatusCode::kResourceExhausted, "isv.BUSINESS_LIMIT_CONTROL");
  EXPECT_THAT(std::string(limited.status().message()), HasSubstr("小时级"));
  fake_.Advance(absl::Hours(1));
  EXPECT_TRUE(gateway_->Send(Request(5, "h5")).ok());
}

TEST_F(SmsGatewayTest, PerDayLimit) {
  // 13 minutes apart: never 5 within an hour, 10 within 2 hours.
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(gateway_->Send(Request(6, absl::StrCat("d", i))).ok()) << i;
    fake_.Advance(absl::Minutes(13));
  }
  absl::StatusOr<SmsReceipt> limited = gateway_->Send(Request(6, "d10"));
  ExpectError(limited, absl::StatusCode::kResourceExhausted, "isv.BUSINESS_LIMIT_CONTROL");
  EXPECT_THAT(std::string(limited.status().message()), HasSubstr("天级"));
  fake_.Advance(absl::Hours(24));
  EXPECT_TRUE(gateway_->Send(Request(6, "d10")).ok());
  EXPECT_EQ(fake_.Sent().size(), 11u);
}

// NotificationService's rule (CheckSmsContent, the template list) and the
// gateway's verdict agree on what the service renders: what Enqueue
// accepts the gateway sends, what the gateway refuses Enqueue refuses.
TEST_F(SmsGatewayTest, TheServiceRefusesExactlyWhatTheGatewayRefuses) {
  struct Case {
    v1::NotificationKind kind;
    std::map<std::string, std::string> payload;
  };
  const std::vector<Case> cases = {
      {v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT,
       {{"fair_name", "2026年送岗位下乡·磐石镇专场"}, {"date", "2026-12-20"}, {"venue", "镇广场"}}},
      {v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT,
       {{"fair_name", "春风行动招聘会"}, {"date", "2026-12-20"}, {"venue", "镇广场"}}},
      {v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT,
       {{"fair_name", "春风行动专场活动"}, {"date", "2026-12-20"}, {"venue", "镇广场"}}},
      {v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT,
       {{"fair_name", "春风行动"},
        {"date", "2026-12-20"},
        {"venue", "镇广场"},
        {"note", "现场面试，包吃住"}}},
      {v1::NOTIFICATION_KIND_POLICY_NOTICE, {{"title", "返乡创业补贴"}, {"summary", "可申请"}}},
      {v1::NOTIFICATION_KIND_RETURN_TRANSPORT,
       {{"route", "东莞-通川返乡专车"},
        {"date", "2027-02-01"},
        {"time", "08:00"},
        {"meeting_point", "东莞汽车站"}}},
      {v1::NOTIFICATION_KIND_FREE_TEXT, {{"text", "请明天上午到镇便民服务中心领取证书"}}},
      {v1::NOTIFICATION_KIND_FREE_TEXT, {{"text", "高薪急招普工"}}},
  };
  int n = 0;
  for (const Case& c : cases) {
    Payload payload;
    for (const auto& [k, v] : c.payload) payload[k] = v;
    ASSERT_TRUE(ValidatePayload(c.kind, payload).ok()) << n;
    const absl::Status service = CheckSmsContent(c.kind, payload);
    const Rendered rendered = Render(c.kind, payload, v1::CHANNEL_SMS);
    SmsRequest r = Request(100 + n, absl::StrCat("agree-", n));
    r.template_code = rendered.template_id;
    r.params = rendered.fields;
    const absl::StatusOr<SmsReceipt> gateway = gateway_->Send(r);
    EXPECT_EQ(service.ok(), gateway.ok())
        << n << ": service " << service << ", gateway " << gateway.status();
    if (!service.ok()) {
      EXPECT_THAT(service.message(), HasSubstr("payload.")) << n;
      EXPECT_THAT(std::string(gateway.status().message()), HasSubstr("isv.SMS_CONTENT_ILLEGAL"));
    }
    ++n;
  }
  // The kiosk fallback's notice is a template the gateway knows, with no
  // parameters and no recruitment words.
  EXPECT_EQ(RecruitmentWordIn(kSmsServiceNoticeText), "");
  SmsRequest notice = Request(200, "notice");
  notice.template_code = std::string(kSmsServiceNoticeTemplate);
  notice.params.clear();
  EXPECT_TRUE(gateway_->Send(notice).ok());
  for (const std::string& code : SmsTemplateCodes()) {
    SmsRequest r = Request(300 + n++, absl::StrCat("template-", code));
    r.template_code = code;
    EXPECT_TRUE(gateway_->Send(r).ok()) << code;
  }
}

TEST_F(SmsGatewayTest, RecruitmentContentAndTemplatesAreRefused) {
  SmsRequest r = Request(7, "r1");
  r.params["route"] = "诚聘焊工，月薪8000";
  ExpectError(gateway_->Send(r), absl::StatusCode::kFailedPrecondition, "isv.SMS_CONTENT_ILLEGAL");

  r = Request(7, "r2");
  r.template_code = "SMS_JOB_ALERT";
  ExpectError(gateway_->Send(r), absl::StatusCode::kFailedPrecondition, "isv.SMS_CONTENT_ILLEGAL");

  r = Request(7, "r3");
  r.template_code = "SMS_NO_SUCH_TEMPLATE";
  ExpectError(gateway_->Send(r), absl::StatusCode::kFailedPrecondition, "isv.SMS_TEMPLATE_ILLEGAL");
  EXPECT_TRUE(fake_.Sent().empty());
  // Refusals do not count against the number's limit.
  EXPECT_TRUE(gateway_->Send(Request(7, "r4")).ok());
}

TEST_F(SmsGatewayTest, BadNumberAndParametersAreInvalid) {
  SmsRequest r = Request(8, "n1");
  r.phone = "1234567890";
  absl::StatusOr<SmsReceipt> result = gateway_->Send(r);
  ExpectError(result, absl::StatusCode::kInvalidArgument, "isv.MOBILE_NUMBER_ILLEGAL");
  EXPECT_THAT(std::string(result.status().message()), Not(HasSubstr("1234567890")));

  r = Request(8, "n2");
  r.params["route"] = std::string(36, 'x');  // the fake's default limit is 35 characters
  ExpectError(gateway_->Send(r), absl::StatusCode::kInvalidArgument, "isv.TEMPLATE_PARAMS_ILLEGAL");
  EXPECT_TRUE(fake_.Sent().empty());
}

TEST_F(SmsGatewayTest, BadCredentials) {
  ExpectError(MakeGateway("wrong-secret")->Send(Request(9, "s1")),
              absl::StatusCode::kUnauthenticated, "SignatureDoesNotMatch");
  ExpectError(MakeGateway(kSecret, "LTAI-other")->Send(Request(9, "s2")),
              absl::StatusCode::kUnauthenticated, "InvalidAccessKeyId.NotFound");
  EXPECT_TRUE(fake_.Sent().empty());
}

TEST_F(SmsGatewayTest, InjectedFailuresAreUnavailableAndSendNothing) {
  fake_.FailNext(1, "500");
  ExpectError(gateway_->Send(Request(10, "f1")), absl::StatusCode::kUnavailable, "http.500");
  fake_.FailNext(1, "close");
  ExpectError(gateway_->Send(Request(10, "f1")), absl::StatusCode::kUnavailable, "transport");
  fake_.FailNext(1, "timeout");
  absl::StatusOr<SmsReceipt> timed_out = gateway_->Send(Request(10, "f1"));
  ExpectError(timed_out, absl::StatusCode::kUnavailable, "transport");
  EXPECT_THAT(std::string(timed_out.status().message()), HasSubstr("(curl 28)"));  // timeout
  EXPECT_TRUE(fake_.Sent().empty());
  // The injected failures are used up: the retry goes through.
  absl::StatusOr<SmsReceipt> retry = gateway_->Send(Request(10, "f1"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(fake_.Sent().size(), 1u);
}

TEST_F(SmsGatewayTest, GatewayDownIsUnavailable) {
  int status = fake_.Terminate();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;  // a clean SIGTERM exit
  ExpectError(gateway_->Send(Request(11, "x")), absl::StatusCode::kUnavailable, "transport");
}

TEST_F(SmsGatewayTest, BadUrlIsAFailedPrecondition) {
  HttpSmsGateway::Options options;
  options.url = "ftp://127.0.0.1/";
  HttpSmsGateway gateway(options);
  EXPECT_EQ(gateway.Send(Request(12, "u")).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SmsGatewayTest, ConcurrentSendersAreAllAccepted) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10;
  std::vector<std::string> biz_ids(kThreads * kPerThread);
  std::vector<absl::Status> errors(kThreads * kPerThread);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int n = t * kPerThread + i;
        absl::StatusOr<SmsReceipt> r = gateway_->Send(Request(100 + n, absl::StrCat("c", n)));
        if (r.ok()) {
          biz_ids[n] = r->biz_id;
        } else {
          errors[n] = r.status();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& s : errors) EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(std::set<std::string>(biz_ids.begin(), biz_ids.end()).size(),
            static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(fake_.Sent().size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST(SmsWireTest, CanonicalFormAndSignature) {
  std::map<std::string, std::string> form = {{"B", "你 x"}, {"A", "1"}, {"Signature", "zzz"}};
  EXPECT_EQ(CanonicalSmsForm(form), "A=1&B=%E4%BD%A0%20x");
  // HMAC-SHA256("secret", "A=1&B=%E4%BD%A0%20x"), computed independently.
  EXPECT_EQ(SignSmsForm(form, "secret"),
            "01787a63a14c038ae058ac54ed9d3141da4c0da4c864c884b7cbc523ea59dfd6");
}

TEST(SmsWireTest, ParseFormDecodes) {
  absl::StatusOr<std::map<std::string, std::string>> form = ParseSmsForm("A=1&B=%E4%BD%A0+x&C=&D");
  ASSERT_TRUE(form.ok()) << form.status();
  EXPECT_EQ(*form,
            (std::map<std::string, std::string>{{"A", "1"}, {"B", "你 x"}, {"C", ""}, {"D", ""}}));
  EXPECT_FALSE(ParseSmsForm("A=%E").ok());
  EXPECT_FALSE(ParseSmsForm("A=%zz").ok());
  EXPECT_FALSE(ParseSmsForm("A=1&A=2").ok());
  EXPECT_EQ(SmsPercentEncode("a-Z_0.~ /+"), "a-Z_0.~%20%2F%2B");
}

TEST(SmsWireTest, StatusFromCode) {
  EXPECT_TRUE(SmsStatusFromCode("OK", "OK").ok());
  EXPECT_EQ(SmsStatusFromCode("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1"),
            absl::ResourceExhaustedError("isv.BUSINESS_LIMIT_CONTROL: 触发分钟级流控Permits:1"));
  EXPECT_EQ(SmsStatusFromCode("isv.SMS_CONTENT_ILLEGAL", "").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(SmsStatusFromCode("isv.SOMETHING_NEW", "").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(SmsStatusFromCode("isv.MOBILE_NUMBER_ILLEGAL", "").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SmsStatusFromCode("SignatureDoesNotMatch", "").code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(SmsStatusFromCode("isp.RAM_PERMISSION_DENY", "").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(SmsStatusFromCode("isp.SYSTEM_ERROR", "").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(SmsStatusFromCode("Throttling.User", "").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(SmsStatusFromCode("Weird", "").code(), absl::StatusCode::kUnknown);
}

}  // namespace
}  // namespace labor::notify
