// fake_sms_gateway: a local stand-in for the SMS gateway's HTTP API (the
// Aliyun-style SendSms of services/notify/sms_gateway.h), for tests and the
// demo stack. Realistic refusals (per-number frequency limits, recruitment
// content, bad numbers, bad signatures), OutId dedup, and test hooks:
//
//   POST /sms/send                  the gateway call (see sms_gateway.h)
//   GET  /sms/sent                  {"messages":[{phone, sign_name, template, params,
//                                     out_id, biz_id, time}]}, oldest first
//   POST /admin/fail_next?count=N&kind=500|timeout|close
//                                   the next N sends fail that way and send nothing
//                                   (500: HTTP 500 without a JSON body; timeout: no
//                                   reply for --hang; close: reply cut off mid-body)
//   POST /admin/advance?seconds=N   moves the gateway's clock forward (limits)
//   GET  /healthz                   "ok"
//
// Listens on --host:--port (default 127.0.0.1, port 0 = any free port, written
// to --port_file). Phone numbers are never logged.
#include <civetweb.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <signal.h>
#include <stdio.h>

#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "services/notify/sms_gateway.h"
#include "tools/fake_sms_gateway/fake_gateway.h"

ABSL_FLAG(std::string, host, "127.0.0.1", "address to listen on");
ABSL_FLAG(int, port, 18080, "port to listen on; 0 = any free port (see --port_file)");
ABSL_FLAG(std::string, port_file, "", "write the bound port here once listening");
ABSL_FLAG(std::string, access_key_id, "", "the one accepted AccessKeyId; \"\" accepts any");
ABSL_FLAG(std::string, access_key_secret, "", "secret the request signatures are checked with");
ABSL_FLAG(int, per_minute, 1, "messages per phone number per sliding minute (0 = no limit)");
ABSL_FLAG(int, per_hour, 5, "messages per phone number per sliding hour (0 = no limit)");
ABSL_FLAG(int, per_day, 10, "messages per phone number per sliding 24 hours (0 = no limit)");
ABSL_FLAG(int, max_param_chars, 35, "longest template variable, in characters (0 = no limit)");
ABSL_FLAG(std::vector<std::string>, sign_names, {},
          "accepted SignName values (comma-separated); empty = any non-empty");
ABSL_FLAG(std::vector<std::string>, templates, {},
          "notification template codes accepted besides NotificationService's own "
          "(SMS_FAIR_ANNOUNCEMENT, SMS_POLICY_NOTICE, SMS_RETURN_TRANSPORT, SMS_FREE_TEXT, "
          "SMS_SERVICE_NOTICE); SMS_JOB_ALERT is a refused recruitment template");
ABSL_FLAG(std::vector<std::string>, recruitment_words, labor::fake_sms::DefaultRecruitmentWords(),
          "words that get a message refused as recruitment content (comma-separated)");
ABSL_FLAG(absl::Duration, hang, absl::Seconds(30), "how long an injected timeout holds a reply");
ABSL_FLAG(int, threads, 16, "HTTP worker threads");

namespace labor::fake_sms {
namespace {

constexpr long long kMaxBodyBytes = 64 * 1024;

enum class Failure { k500, kTimeout, kClose };

// The HTTP side: the gateway rules plus the test hooks (clock offset,
// injected failures). Thread-safe; civetweb calls the handlers from its
// worker threads.
class Server {
 public:
  explicit Server(GatewayConfig config) : gateway_(std::move(config)) {}

  // The gateway's clock: real time moved forward by /admin/advance.
  absl::Time Now() {
    absl::MutexLock lock(&mu_);
    return absl::Now() + offset_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    offset_ += d;
  }
  void AddFailures(Failure kind, int count) {
    absl::MutexLock lock(&mu_);
    for (int i = 0; i < count; ++i) failures_.push_back(kind);
  }
  bool TakeFailure(Failure* failure) {
    absl::MutexLock lock(&mu_);
    if (failures_.empty()) return false;
    *failure = failures_.front();
    failures_.pop_front();
    return true;
  }
  std::string NextRequestId() {
    absl::MutexLock lock(&mu_);
    return absl::StrCat("FAKE-", absl::Hex(++request_seq_, absl::kZeroPad8));
  }

  // civetweb request handlers; `self` is the Server.
  static int HandleSend(mg_connection* conn, void* self);
  static int HandleSent(mg_connection* conn, void* self);
  static int HandleFailNext(mg_connection* conn, void* self);
  static int HandleAdvance(mg_connection* conn, void* self);
  static int HandleHealth(mg_connection* conn, void* self);

  absl::Notification stopping;  // releases injected timeouts at shutdown

 private:
  FakeGateway gateway_;
  absl::Mutex mu_;
  absl::Duration offset_ ABSL_GUARDED_BY(mu_);
  std::deque<Failure> failures_ ABSL_GUARDED_BY(mu_);
  int request_seq_ ABSL_GUARDED_BY(mu_) = 0;
};

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Payload Too Large";
    default:
      return "Internal Server Error";
  }
}

int Reply(mg_connection* conn, int status, const std::string& content_type,
          const std::string& body) {
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "Connection: close\r\n\r\n",
            status, Reason(status), content_type.c_str(), body.size());
  mg_write(conn, body.data(), body.size());
  return status;
}

int ReplyJson(mg_connection* conn, int status, const google::protobuf::Struct& json) {
  std::string body;
  (void)google::protobuf::util::MessageToJsonString(json, &body);
  return Reply(conn, status, "application/json; charset=utf-8", body);
}

void Set(google::protobuf::Struct* s, const std::string& key, const std::string& value) {
  (*s->mutable_fields())[key].set_string_value(value);
}

int ReplyCode(mg_connection* conn, int status, const std::string& code, const std::string& message,
              const std::string& request_id) {
  google::protobuf::Struct json;
  Set(&json, "Code", code);
  Set(&json, "Message", message);
  Set(&json, "RequestId", request_id);
  return ReplyJson(conn, status, json);
}

bool IsMethod(mg_connection* conn, const char* method) {
  return std::strcmp(mg_get_request_info(conn)->request_method, method) == 0;
}

std::map<std::string, std::string> Query(mg_connection* conn) {
  const char* query = mg_get_request_info(conn)->query_string;
  auto parsed = notify::ParseSmsForm(query == nullptr ? "" : query);
  return parsed.ok() ? *parsed : std::map<std::string, std::string>{};
}

int Server::HandleSend(mg_connection* conn, void* self_ptr) {
  auto* self = static_cast<Server*>(self_ptr);
  if (!IsMethod(conn, "POST")) return Reply(conn, 405, "text/plain", "POST only\n");
  const std::string request_id = self->NextRequestId();
  const mg_request_info* info = mg_get_request_info(conn);
  if (info->content_length > kMaxBodyBytes) return Reply(conn, 413, "text/plain", "too large\n");
  std::string body;
  char buf[4096];
  int n;
  while ((n = mg_read(conn, buf, sizeof(buf))) > 0) {
    body.append(buf, n);
    if (static_cast<long long>(body.size()) > kMaxBodyBytes) {
      return Reply(conn, 413, "text/plain", "too large\n");
    }
  }

  Failure failure;
  if (self->TakeFailure(&failure)) {
    switch (failure) {
      case Failure::k500:
        LABOR_LOG(INFO) << "send " << request_id << ": injected HTTP 500";
        return Reply(conn, 500, "text/html", "<html><body>502 Bad Gateway</body></html>\n");
      case Failure::kTimeout:
        LABOR_LOG(INFO) << "send " << request_id << ": injected timeout";
        self->stopping.WaitForNotificationWithTimeout(absl::GetFlag(FLAGS_hang));
        return Reply(conn, 500, "text/plain", "too late\n");
      case Failure::kClose:
        LABOR_LOG(INFO) << "send " << request_id << ": injected connection close";
        // Promises a body it never sends: the client sees the connection
        // close mid-reply.
        mg_printf(conn,
                  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n"
                  "Connection: close\r\n\r\n{\"Code\":");
        return 200;
    }
  }

  absl::StatusOr<std::map<std::string, std::string>> form = notify::ParseSmsForm(body);
  if (!form.ok()) {
    return ReplyCode(conn, 400, "InvalidParameter", std::string(form.status().message()),
                     request_id);
  }
  auto tmpl = form->find("TemplateCode");
  SendReply reply = self->gateway_.Send(*form, self->Now());
  LABOR_LOG(INFO) << "send " << request_id
                  << " template=" << (tmpl == form->end() ? "" : tmpl->second) << ": " << reply.code
                  << (reply.biz_id.empty() ? "" : " biz_id=") << reply.biz_id;
  google::protobuf::Struct json;
  Set(&json, "Code", reply.code);
  Set(&json, "Message", reply.message);
  Set(&json, "RequestId", request_id);
  if (!reply.biz_id.empty()) Set(&json, "BizId", reply.biz_id);
  return ReplyJson(conn, reply.http_status, json);
}

int Server::HandleSent(mg_connection* conn, void* self_ptr) {
  auto* self = static_cast<Server*>(self_ptr);
  if (!IsMethod(conn, "GET")) return Reply(conn, 405, "text/plain", "GET only\n");
  google::protobuf::Struct json;
  google::protobuf::ListValue* list = (*json.mutable_fields())["messages"].mutable_list_value();
  for (const SentMessage& m : self->gateway_.Sent()) {
    google::protobuf::Struct* item = list->add_values()->mutable_struct_value();
    Set(item, "phone", m.phone);
    Set(item, "sign_name", m.sign_name);
    Set(item, "template", m.template_code);
    google::protobuf::Struct* params = (*item->mutable_fields())["params"].mutable_struct_value();
    for (const auto& [k, v] : m.params) Set(params, k, v);
    Set(item, "out_id", m.out_id);
    Set(item, "biz_id", m.biz_id);
    Set(item, "time", absl::FormatTime(absl::RFC3339_full, m.time, absl::UTCTimeZone()));
  }
  return ReplyJson(conn, 200, json);
}

int Server::HandleFailNext(mg_connection* conn, void* self_ptr) {
  auto* self = static_cast<Server*>(self_ptr);
  if (!IsMethod(conn, "POST")) return Reply(conn, 405, "text/plain", "POST only\n");
  std::map<std::string, std::string> query = Query(conn);
  int count = 1;
  if (query.count("count") && (!absl::SimpleAtoi(query["count"], &count) || count < 0)) {
    return Reply(conn, 400, "text/plain", "count must be a non-negative integer\n");
  }
  Failure kind;
  const std::string k = query.count("kind") ? query["kind"] : "500";
  if (k == "500") {
    kind = Failure::k500;
  } else if (k == "timeout") {
    kind = Failure::kTimeout;
  } else if (k == "close") {
    kind = Failure::kClose;
  } else {
    return Reply(conn, 400, "text/plain", "kind must be 500, timeout or close\n");
  }
  self->AddFailures(kind, count);
  return Reply(conn, 200, "text/plain", "ok\n");
}

int Server::HandleAdvance(mg_connection* conn, void* self_ptr) {
  auto* self = static_cast<Server*>(self_ptr);
  if (!IsMethod(conn, "POST")) return Reply(conn, 405, "text/plain", "POST only\n");
  std::map<std::string, std::string> query = Query(conn);
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(query["seconds"], &seconds) || seconds < 0) {
    return Reply(conn, 400, "text/plain", "seconds must be a non-negative integer\n");
  }
  self->Advance(absl::Seconds(seconds));
  return Reply(
      conn, 200, "text/plain",
      absl::StrCat(absl::FormatTime(absl::RFC3339_full, self->Now(), absl::UTCTimeZone()), "\n"));
}

int Server::HandleHealth(mg_connection* conn, void*) {
  return Reply(conn, 200, "text/plain", "ok\n");
}

bool WritePortFile(const std::string& path, int port) {
  const std::string tmp = absl::StrCat(path, ".tmp");
  FILE* f = fopen(tmp.c_str(), "w");
  if (f == nullptr) return false;
  bool ok = fprintf(f, "%d\n", port) > 0;
  ok = fclose(f) == 0 && ok;
  return ok && rename(tmp.c_str(), path.c_str()) == 0;
}

int Main() {
  GatewayConfig config;
  config.access_key_id = absl::GetFlag(FLAGS_access_key_id);
  config.access_key_secret = absl::GetFlag(FLAGS_access_key_secret);
  config.per_minute = absl::GetFlag(FLAGS_per_minute);
  config.per_hour = absl::GetFlag(FLAGS_per_hour);
  config.per_day = absl::GetFlag(FLAGS_per_day);
  config.max_param_chars = absl::GetFlag(FLAGS_max_param_chars);
  config.sign_names = absl::GetFlag(FLAGS_sign_names);
  config.templates = absl::GetFlag(FLAGS_templates);
  config.recruitment_words = absl::GetFlag(FLAGS_recruitment_words);
  Server server(std::move(config));

  // Block the stop signals before civetweb starts its threads (they inherit
  // the mask), so sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  mg_init_library(0);
  const std::string listen =
      absl::StrCat(absl::GetFlag(FLAGS_host), ":", absl::GetFlag(FLAGS_port));
  const std::string threads = absl::StrCat(absl::GetFlag(FLAGS_threads));
  const char* options[] = {"listening_ports", listen.c_str(), "num_threads", threads.c_str(),
                           nullptr};
  mg_callbacks callbacks;
  std::memset(&callbacks, 0, sizeof(callbacks));
  mg_context* ctx = mg_start(&callbacks, &server, options);
  if (ctx == nullptr) {
    LABOR_LOG(ERROR) << "cannot listen on " << listen;
    return 1;
  }
  mg_set_request_handler(ctx, "/sms/send$", &Server::HandleSend, &server);
  mg_set_request_handler(ctx, "/sms/sent$", &Server::HandleSent, &server);
  mg_set_request_handler(ctx, "/admin/fail_next$", &Server::HandleFailNext, &server);
  mg_set_request_handler(ctx, "/admin/advance$", &Server::HandleAdvance, &server);
  mg_set_request_handler(ctx, "/healthz$", &Server::HandleHealth, &server);

  mg_server_port ports[4];
  const int n = mg_get_server_ports(ctx, 4, ports);
  if (n < 1 || ports[0].port <= 0) {
    LABOR_LOG(ERROR) << "no listening port";
    mg_stop(ctx);
    return 1;
  }
  const int port = ports[0].port;
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty() && !WritePortFile(port_file, port)) {
    LABOR_LOG(ERROR) << "cannot write " << port_file;
    mg_stop(ctx);
    return 1;
  }
  LABOR_LOG(INFO) << "fake SMS gateway listening on " << absl::GetFlag(FLAGS_host) << ":" << port;

  int signal = 0;
  sigwait(&stop_signals, &signal);
  LABOR_LOG(INFO) << "signal " << signal << ": stopping";
  server.stopping.Notify();  // releases injected timeouts
  mg_stop(ctx);
  mg_exit_library();
  return 0;
}

}  // namespace
}  // namespace labor::fake_sms

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("A local fake of the SMS gateway HTTP API (tests, demo stack).");
  absl::ParseCommandLine(argc, argv);
  return labor::fake_sms::Main();
}
