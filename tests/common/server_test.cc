#include "common/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "labor/v1/profile.grpc.pb.h"
#include "tests/testing/util.h"

namespace labor {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::labor::testing::ReadFileOrEmpty;
using ::labor::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kService[] = "labor.v1.ProfileService";

// A ProfileService that only answers GetWorker:
//   worker_id "slow"   -> waits until ReleaseSlow() (or cancellation);
//   worker_id "whoami" -> echoes the authorization / openid metadata;
//   worker_id "w-1"    -> a fixed worker; anything else -> NOT_FOUND.
class TestProfileService : public v1::ProfileService::CallbackService {
 public:
  void set_metrics(Metrics* metrics) { metrics_ = metrics; }

  grpc::ServerUnaryReactor* GetWorker(grpc::CallbackServerContext* ctx,
                                      const v1::GetWorkerRequest* request,
                                      v1::Worker* response) override {
    if (request->worker_id() == "slow") return new SlowReactor(this);
    RpcScope scope(metrics_, "GetWorker");
    grpc::Status status;
    if (request->worker_id() == "whoami") {
      const auto& md = ctx->client_metadata();
      auto auth = md.find("authorization");
      auto openid = md.find("x-labor-openid");
      if (auth != md.end())
        response->set_name(std::string(auth->second.data(), auth->second.size()));
      if (openid != md.end()) {
        response->set_wechat_openid(std::string(openid->second.data(), openid->second.size()));
      }
    } else if (request->worker_id() == "w-1") {
      response->set_worker_id("w-1");
      response->set_version(1);
    } else {
      status = grpc::Status(grpc::StatusCode::NOT_FOUND, "no such worker");
    }
    scope.Finish(status);
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(status);
    return reactor;
  }

  // Finishes every waiting slow call with OK.
  void ReleaseSlow() {
    std::vector<SlowReactor*> released;
    {
      absl::MutexLock lock(&mu_);
      released.swap(pending_);
      for (size_t i = 0; i < released.size(); ++i) events_.push_back("call_finished");
    }
    for (SlowReactor* r : released) r->Finish(grpc::Status::OK);
  }

  // Waits until `n` slow calls are in the handler.
  bool WaitForPending(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return pending_.size() >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(30));
  }

  void AddEvent(const std::string& event) {
    absl::MutexLock lock(&mu_);
    events_.push_back(event);
  }
  std::vector<std::string> events() {
    absl::MutexLock lock(&mu_);
    return events_;
  }

 private:
  class SlowReactor : public grpc::ServerUnaryReactor {
   public:
    explicit SlowReactor(TestProfileService* service) : service_(service) {
      absl::MutexLock lock(&service_->mu_);
      service_->pending_.push_back(this);
    }
    // Whoever removes the reactor from pending_ finishes it, exactly once.
    void OnCancel() override {
      {
        absl::MutexLock lock(&service_->mu_);
        auto it = std::find(service_->pending_.begin(), service_->pending_.end(), this);
        if (it == service_->pending_.end()) return;
        service_->pending_.erase(it);
        service_->events_.push_back("call_cancelled");
      }
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
    }
    void OnDone() override { delete this; }

   private:
    TestProfileService* service_;
  };

  Metrics* metrics_ = nullptr;
  absl::Mutex mu_;
  std::vector<SlowReactor*> pending_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> events_ ABSL_GUARDED_BY(mu_);
};

ServerOptions TestOptions(const TempDir& dir) {
  ServerOptions options;
  options.service_name = kService;
  options.listen_address = "127.0.0.1:0";
  options.metrics_address = "127.0.0.1:0";
  options.port_file = dir.Sub("port");
  options.max_message_bytes = 1 << 20;
  options.shutdown_grace = absl::Seconds(60);
  options.health_interval = absl::Milliseconds(20);
  return options;
}

ClientOptions ClientFor(int port) {
  ClientOptions options;
  options.target = absl::StrCat("127.0.0.1:", port);
  options.deadline = absl::Seconds(20);
  options.max_message_bytes = 8 << 20;
  return options;
}

grpc::Status CallGetWorker(const ClientOptions& options, const v1::GetWorkerRequest& request,
                           v1::Worker* response, const std::string& openid = "") {
  auto channel = MakeChannel(options);
  if (!channel.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, channel.status().ToString());
  auto stub = v1::ProfileService::NewStub(*channel);
  grpc::ClientContext ctx;
  PrepareClientContext(options, &ctx, openid);
  return stub->GetWorker(&ctx, request, response);
}

grpc::Status GetWorkerById(int port, const std::string& id, v1::Worker* response = nullptr) {
  v1::GetWorkerRequest request;
  request.set_worker_id(id);
  v1::Worker ignored;
  return CallGetWorker(ClientFor(port), request, response ? response : &ignored);
}

// The health status of `service` ("" = the server as a whole), or -1 when the
// check itself fails.
int HealthStatus(int port, const std::string& service) {
  auto channel = MakeChannel(ClientFor(port));
  if (!channel.ok()) return -1;
  auto stub = Health::NewStub(*channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::Status status = stub->Check(&ctx, request, &response);
  return status.ok() ? static_cast<int>(response.status()) : -1;
}

// Polls until HealthStatus(port, service) == want (no fixed sleeps in asserts).
bool WaitForHealth(int port, const std::string& service, int want) {
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    if (HealthStatus(port, service) == want) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return false;
}

// A plain HTTP/1.0 GET on loopback; returns the whole response.
std::string HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    std::string request =
        absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buf[4096];
      ssize_t n;
      while ((n = read(fd, buf, sizeof(buf))) > 0) response.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return response;
}

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options) {
    server_ = std::make_unique<GrpcServer>(std::move(options), [this]() -> absl::Status {
      if (healthy_.load()) return absl::OkStatus();
      return absl::UnavailableError("store down");
    });
    service_.set_metrics(&server_->metrics());
    server_->AddService(&service_);
    server_->AddShutdownHook([this] { service_.AddEvent("hook1"); });
    server_->AddShutdownHook([this] { service_.AddEvent("hook2"); });
    ::testing::internal::CaptureStdout();
    absl::Status started = server_->Start();
    stdout_ = ::testing::internal::GetCapturedStdout();
    ASSERT_TRUE(started.ok()) << started;
    ASSERT_GT(server_->port(), 0);
  }

  TempDir dir_;
  std::atomic<bool> healthy_{true};
  TestProfileService service_;
  std::unique_ptr<GrpcServer> server_;
  std::string stdout_;
};

TEST_F(ServerTest, ServesCallsAndAnnouncesPort) {
  StartServer(TestOptions(dir_));
  const int port = server_->port();
  v1::Worker worker;
  ASSERT_TRUE(GetWorkerById(port, "w-1", &worker).ok());
  EXPECT_EQ(worker.worker_id(), "w-1");
  EXPECT_EQ(GetWorkerById(port, "nobody").error_code(), grpc::StatusCode::NOT_FOUND);

  EXPECT_EQ(ReadFileOrEmpty(dir_.Sub("port")), absl::StrCat(port, "\n"));
  EXPECT_EQ(stdout_, absl::StrCat("listening on 127.0.0.1:", port, "\n"));
}

TEST_F(ServerTest, HealthFollowsTheProbe) {
  StartServer(TestOptions(dir_));
  const int port = server_->port();
  EXPECT_EQ(HealthStatus(port, kService), HealthCheckResponse::SERVING);
  EXPECT_EQ(HealthStatus(port, ""), HealthCheckResponse::SERVING);

  healthy_ = false;
  EXPECT_TRUE(WaitForHealth(port, kService, HealthCheckResponse::NOT_SERVING));
  EXPECT_TRUE(WaitForHealth(port, "", HealthCheckResponse::NOT_SERVING));

  healthy_ = true;
  EXPECT_TRUE(WaitForHealth(port, kService, HealthCheckResponse::SERVING));
  EXPECT_TRUE(WaitForHealth(port, "", HealthCheckResponse::SERVING));
}

TEST_F(ServerTest, UnhealthyAtStartIsNotServingRightAway) {
  healthy_ = false;
  ServerOptions options = TestOptions(dir_);
  options.health_interval = absl::Hours(1);  // only the probe in Start counts
  StartServer(options);
  EXPECT_EQ(HealthStatus(server_->port(), kService), HealthCheckResponse::NOT_SERVING);
}

TEST_F(ServerTest, MetricsEndpointCountsRpcs) {
  StartServer(TestOptions(dir_));
  const int port = server_->port();
  ASSERT_TRUE(GetWorkerById(port, "w-1").ok());
  ASSERT_EQ(GetWorkerById(port, "nobody").error_code(), grpc::StatusCode::NOT_FOUND);
  server_->metrics().ObserveRpc("ListWorkers", 14, absl::Milliseconds(3));
  { RpcScope unfinished(&server_->metrics(), "EraseWorker"); }

  ASSERT_GT(server_->metrics().port(), 0);
  std::string page = HttpGet(server_->metrics().port(), "/metrics");
  EXPECT_THAT(page, HasSubstr("200 OK"));
  EXPECT_THAT(page, HasSubstr("labor_rpc_requests_total{"));
  EXPECT_THAT(page,
              HasSubstr("code=\"OK\",method=\"GetWorker\",service=\"labor.v1.ProfileService\"} 1"));
  EXPECT_THAT(page, HasSubstr("code=\"NOT_FOUND\",method=\"GetWorker\""));
  EXPECT_THAT(page, HasSubstr("code=\"UNAVAILABLE\",method=\"ListWorkers\""));
  EXPECT_THAT(page, HasSubstr("code=\"UNKNOWN\",method=\"EraseWorker\""));
  EXPECT_THAT(page, HasSubstr("labor_rpc_latency_seconds_bucket{method=\"ListWorkers\""));
  EXPECT_THAT(page, HasSubstr("le=\"0.0001\""));
  EXPECT_THAT(page, HasSubstr("le=\"10\""));
}

TEST_F(ServerTest, ShutdownDrainsInFlightCallsThenRunsHooks) {
  StartServer(TestOptions(dir_));
  const int port = server_->port();

  grpc::Status slow_status(grpc::StatusCode::UNKNOWN, "not finished");
  std::thread caller([&] { slow_status = GetWorkerById(port, "slow"); });
  ASSERT_TRUE(service_.WaitForPending(1));

  std::thread stopper([&] { server_->Shutdown(); });
  // Shutdown has begun once new calls are refused; the slow call still runs.
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (GetWorkerById(port, "w-1").ok() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_FALSE(GetWorkerById(port, "w-1").ok());
  EXPECT_TRUE(service_.events().empty()) << "hooks ran before the in-flight call finished";

  service_.ReleaseSlow();
  caller.join();
  stopper.join();
  EXPECT_TRUE(slow_status.ok()) << slow_status.error_message();
  EXPECT_THAT(service_.events(), ElementsAre("call_finished", "hook1", "hook2"));

  server_->Shutdown();  // idempotent: hooks do not run twice
  EXPECT_THAT(service_.events(), ElementsAre("call_finished", "hook1", "hook2"));
}

TEST_F(ServerTest, ShutdownCancelsCallsThatOutliveTheGrace) {
  ServerOptions options = TestOptions(dir_);
  options.shutdown_grace = absl::Milliseconds(100);
  StartServer(options);
  const int port = server_->port();

  grpc::Status slow_status;
  std::thread caller([&] { slow_status = GetWorkerById(port, "slow"); });
  ASSERT_TRUE(service_.WaitForPending(1));
  server_->Shutdown();  // never released: must return after cancelling it
  caller.join();
  EXPECT_FALSE(slow_status.ok());
  EXPECT_THAT(service_.events(), ElementsAre("call_cancelled", "hook1", "hook2"));
}

TEST_F(ServerTest, WaitReturnsAfterShutdownFromAnotherThread) {
  StartServer(TestOptions(dir_));
  std::thread waiter([&] { server_->Wait(); });
  server_->RequestStop();
  waiter.join();  // Wait performed the whole shutdown
  EXPECT_THAT(service_.events(), ElementsAre("hook1", "hook2"));
}

TEST_F(ServerTest, OversizedMessageIsRejected) {
  StartServer(TestOptions(dir_));  // max_message_bytes = 1 MiB
  v1::GetWorkerRequest request;
  request.set_worker_id("w-1");
  request.set_purpose(std::string((1 << 20) + 100, 'x'));
  v1::Worker response;
  grpc::Status status = CallGetWorker(ClientFor(server_->port()), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();

  request.set_purpose(std::string(1000, 'x'));  // a normal one still works
  EXPECT_TRUE(CallGetWorker(ClientFor(server_->port()), request, &response).ok());
}

TEST_F(ServerTest, ClientContextCarriesTokenAndOpenId) {
  StartServer(TestOptions(dir_));
  ClientOptions client = ClientFor(server_->port());
  client.token = "tok-123";
  v1::GetWorkerRequest request;
  request.set_worker_id("whoami");
  v1::Worker response;
  ASSERT_TRUE(CallGetWorker(client, request, &response, "oABC").ok());
  EXPECT_EQ(response.name(), "Bearer tok-123");
  EXPECT_EQ(response.wechat_openid(), "oABC");

  client.token = "";
  response.Clear();
  ASSERT_TRUE(CallGetWorker(client, request, &response).ok());
  EXPECT_EQ(response.name(), "");
  EXPECT_EQ(response.wechat_openid(), "");
}

TEST_F(ServerTest, BusyPortIsUnavailable) {
  StartServer(TestOptions(dir_));
  ServerOptions options = TestOptions(dir_);
  options.listen_address = absl::StrCat("127.0.0.1:", server_->port());
  options.metrics_address = "";
  options.port_file = "";
  GrpcServer second(options, nullptr);
  EXPECT_EQ(second.Start().code(), absl::StatusCode::kUnavailable);

  ServerOptions metrics_clash = TestOptions(dir_);
  metrics_clash.metrics_address = absl::StrCat("127.0.0.1:", server_->metrics().port());
  metrics_clash.port_file = "";
  GrpcServer third(metrics_clash, nullptr);
  EXPECT_EQ(third.Start().code(), absl::StatusCode::kUnavailable);
}

TEST_F(ServerTest, StartTwiceIsFailedPrecondition) {
  StartServer(TestOptions(dir_));
  EXPECT_EQ(server_->Start().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ServerTlsTest, BadTlsFilesAreReported) {
  TempDir dir;
  ServerOptions options = TestOptions(dir);
  options.metrics_address = "";
  options.tls_cert_file = dir.Sub("missing.pem");
  options.tls_key_file = dir.Sub("missing.key");
  EXPECT_EQ(GrpcServer(options, nullptr).Start().code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(labor::testing::WriteFile(dir.Sub("junk.pem"), "not a certificate").ok());
  options.tls_cert_file = dir.Sub("junk.pem");
  options.tls_key_file = dir.Sub("junk.pem");
  EXPECT_EQ(GrpcServer(options, nullptr).Start().code(), absl::StatusCode::kInvalidArgument);

  options.tls_key_file = "";
  EXPECT_EQ(GrpcServer(options, nullptr).Start().code(), absl::StatusCode::kInvalidArgument);

  ClientOptions client;
  client.tls_ca_file = dir.Sub("missing.pem");
  EXPECT_EQ(MakeChannel(client).status().code(), absl::StatusCode::kNotFound);
}

// Generates a CA, a server certificate for localhost/127.0.0.1 and a client
// certificate with the openssl command line tool.
class ServerMutualTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string d = dir_.path();
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    ASSERT_TRUE(
        labor::testing::WriteFile(d + "/server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\n")
            .ok());
    const std::vector<std::string> commands = {
        absl::StrCat("openssl req -x509 ", ec, " -keyout ", d, "/ca.key -out ", d,
                     "/ca.pem -days 2 -subj /CN=test-ca"),
        absl::StrCat("openssl req ", ec, " -keyout ", d, "/server.key -out ", d,
                     "/server.csr -subj /CN=localhost"),
        absl::StrCat("openssl x509 -req -in ", d, "/server.csr -CA ", d, "/ca.pem -CAkey ", d,
                     "/ca.key -CAcreateserial -out ", d, "/server.pem -days 2 -extfile ", d,
                     "/server.ext"),
        absl::StrCat("openssl req ", ec, " -keyout ", d, "/client.key -out ", d,
                     "/client.csr -subj /CN=kiosk-1"),
        absl::StrCat("openssl x509 -req -in ", d, "/client.csr -CA ", d, "/ca.pem -CAkey ", d,
                     "/ca.key -CAcreateserial -out ", d, "/client.pem -days 2"),
    };
    for (const std::string& command : commands) {
      ASSERT_EQ(std::system((command + " >/dev/null 2>&1").c_str()), 0) << command;
    }
  }

  TempDir dir_;
};

TEST_F(ServerMutualTlsTest, RequiresAClientCertificate) {
  ServerOptions options = TestOptions(dir_);
  options.metrics_address = "";
  options.tls_cert_file = dir_.Sub("server.pem");
  options.tls_key_file = dir_.Sub("server.key");
  options.tls_client_ca_file = dir_.Sub("ca.pem");
  TestProfileService service;
  GrpcServer server(options, nullptr);
  server.AddService(&service);
  ::testing::internal::CaptureStdout();
  absl::Status started = server.Start();
  ::testing::internal::GetCapturedStdout();
  ASSERT_TRUE(started.ok()) << started;

  v1::GetWorkerRequest request;
  request.set_worker_id("w-1");
  v1::Worker response;
  ClientOptions client = ClientFor(server.port());
  client.deadline = absl::Seconds(5);
  client.tls_ca_file = dir_.Sub("ca.pem");
  client.tls_cert_file = dir_.Sub("client.pem");
  client.tls_key_file = dir_.Sub("client.key");
  grpc::Status status = CallGetWorker(client, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();

  client.tls_server_name = "localhost";  // name check against the DNS SAN
  client.target = absl::StrCat("localhost:", server.port());
  status = CallGetWorker(client, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();

  ClientOptions no_cert = ClientFor(server.port());
  no_cert.deadline = absl::Seconds(5);
  no_cert.tls_ca_file = dir_.Sub("ca.pem");
  EXPECT_EQ(CallGetWorker(no_cert, request, &response).error_code(), grpc::StatusCode::UNAVAILABLE);

  ClientOptions plaintext = ClientFor(server.port());
  plaintext.deadline = absl::Seconds(5);
  EXPECT_EQ(CallGetWorker(plaintext, request, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

// SIGTERM ends Wait() through a graceful shutdown (hooks run). Runs in a
// fresh child process: signal masks are per process.
TEST(ServerSignalDeathTest, SigtermShutsDownGracefully) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        GrpcServer::InstallSignalHandlers();
        TempDir dir;
        ServerOptions options = TestOptions(dir);
        options.metrics_address = "";
        GrpcServer server(options, nullptr);
        TestProfileService service;
        server.AddService(&service);
        server.AddShutdownHook([] { std::fprintf(stderr, "hook ran\n"); });
        if (!server.Start().ok()) std::exit(3);
        kill(getpid(), SIGTERM);
        server.Wait();
        std::fprintf(stderr, "wait returned\n");
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "hook ran\nwait returned");
}

}  // namespace
}  // namespace labor
