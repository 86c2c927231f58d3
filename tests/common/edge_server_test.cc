// The shared gRPC edge against the real binaries: requests and stream
// messages that do not parse (sent as raw bytes through grpc::GenericStub),
// SIGTERM with calls in flight and streams open, the memory bound on
// requests in flight, and connections that never do anything.
#include <arpa/inet.h>
#include <grpcpp/generic/generic_stub.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labor/v1/matching.grpc.pb.h"
#include "labor/v1/notification.grpc.pb.h"
#include "labor/v1/profile.grpc.pb.h"
#include "labor/v1/vacancy.grpc.pb.h"
#include "tests/testing/grpc_checks.h"
#include "tests/testing/ids.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/service_harness.h"
#include "tests/testing/upstream_services.h"
#include "tests/testing/util.h"

namespace labor {
namespace {

using labor::testing::ProfileHarness;
using labor::testing::VacancyHarness;
using ::testing::AnyOf;
using ::testing::Each;
using ::testing::HasSubstr;
using MatchingHarness = labor::testing::ServiceHarness<v1::MatchingService>;
using NotifyHarness = labor::testing::ServiceHarness<v1::NotificationService>;

constexpr char kMarker[] = "@@@@";

// `message` serialized with the marker replaced by bytes that are not UTF-8,
// as a client with a careless encoder sends it.
std::string WithInvalidUtf8(const google::protobuf::Message& message) {
  std::string bytes = message.SerializeAsString();
  EXPECT_NE(bytes.find(kMarker), std::string::npos);
  return absl::StrReplaceAll(bytes, {{kMarker, std::string(sizeof(kMarker) - 1, '\xff')}});
}

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

template <typename Message>
Message Parsed(const grpc::ByteBuffer& bytes) {
  std::vector<grpc::Slice> slices;
  std::string flat;
  EXPECT_TRUE(bytes.Dump(&slices).ok());
  for (const auto& s : slices) flat.append(reinterpret_cast<const char*>(s.begin()), s.size());
  Message m;
  EXPECT_TRUE(m.ParseFromString(flat));
  return m;
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return ctx;
}

// `bytes` sent as the request of `method` ("/labor.v1.X/Method").
grpc::Status RawUnary(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                      const std::string& bytes, const std::string& token) {
  grpc::GenericStub stub(channel);
  auto ctx = Context(token);
  grpc::ByteBuffer request = Buffer(bytes), response;
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(ctx.get(), method, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
    status = std::move(s);
    done.Notify();
  });
  done.WaitForNotification();
  return status;
}

// A stream of raw messages: writes them in order, reads every answer.
class RawStream : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  RawStream(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
            const std::string& token)
      : stub_(channel), ctx_(Context(token)) {
    stub_.PrepareBidiStreamingCall(ctx_.get(), method, grpc::StubOptions(), this);
    AddHold();  // until Close: no OnDone while this may still write
    StartRead(&incoming_);
    StartCall();
  }

  void Write(const std::string& bytes) {
    absl::MutexLock lock(&mu_);
    queue_.push_back(Buffer(bytes));
    if (!writing_) WriteNext();
  }
  // WritesDone once what was written has gone (call once, always).
  void Close() {
    absl::MutexLock lock(&mu_);
    closing_ = true;
    if (!writing_) WriteNext();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    queue_.pop_front();
    if (!ok) failed_ = true;
    WriteNext();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    {
      absl::MutexLock lock(&mu_);
      answers_.push_back(incoming_);
    }
    StartRead(&incoming_);
  }
  void OnDone(const grpc::Status& status) override {
    status_ = status;
    done_.Notify();
  }

  grpc::Status Await() {
    done_.WaitForNotification();
    return status_;
  }
  bool WaitAnswers(size_t n, absl::Duration timeout) {
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return answers_.size() >= n; };
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
  }
  std::vector<grpc::ByteBuffer> answers() {
    absl::MutexLock lock(&mu_);
    return answers_;
  }

 private:
  void WriteNext() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!failed_ && !queue_.empty()) {
      writing_ = true;
      StartWrite(&queue_.front());
    } else if (closing_ && !closed_) {
      closed_ = true;
      if (!failed_) StartWritesDone();
      RemoveHold();
    }
  }

  grpc::GenericStub stub_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  grpc::ByteBuffer incoming_;
  absl::Mutex mu_;
  std::deque<grpc::ByteBuffer> queue_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool failed_ ABSL_GUARDED_BY(mu_) = false;  // a write failed: the call is over
  std::vector<grpc::ByteBuffer> answers_ ABSL_GUARDED_BY(mu_);
  grpc::Status status_;
  absl::Notification done_;
};

v1::ImportItem ImportItem(int n, const std::string& title = "电子设备装接工") {
  v1::ImportItem item;
  item.set_external_id(absl::StrCat("EDGE-", n));
  v1::Vacancy* v = item.mutable_vacancy();
  v->set_employer_credit_code(
      labor::testing::MakeCreditCode("441900", absl::StrCat("MB", 1000000 + n)));
  v->set_employer_name(absl::StrCat("东莞市边缘", n, "号厂"));
  v->set_title(title);
  v->set_occupation_code("6-25-04-07");
  v->set_location("441900");
  v->mutable_wage()->set_unit(v1::WAGE_UNIT_MONTHLY);
  v->mutable_wage()->mutable_min()->set_fen(500000);
  v->mutable_wage()->mutable_max()->set_fen(600000);
  v->set_headcount(3);
  v->mutable_expires_at()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * 20)));
  return item;
}

// A socket connected to 127.0.0.1:port (-1 on failure).
int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Reads (and drops) whatever the server sends until it closes the
// connection; false when it is still open after `timeout`.
bool ClosedByPeerWithin(int fd, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  char buf[4096];
  while (absl::Now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now())));
    if (ready <= 0) continue;
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return true;
  }
  return false;
}

class EdgeServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    profile_ = std::make_unique<ProfileHarness>(&dir_, redis_.port(),
                                                "services/profile/profile_server", "profile");
  }

  void StartProfile(std::vector<std::string> flags = {}) {
    ASSERT_TRUE(profile_->Started(std::move(flags)));
    std::ofstream(dir_.Sub("service.token")) << profile_->token(Role::kService) << "\n";
  }
  void StartVacancy(std::vector<std::string> flags = {}) {
    vacancy_ = std::make_unique<VacancyHarness>(&dir_, redis_.port(),
                                                "services/vacancy/vacancy_server", "vacancy");
    vacancy_->ShareTokens(profile_->tokens());
    ASSERT_TRUE(vacancy_->Started(std::move(flags)));
  }
  void StartNotify() {
    notify_ = std::make_unique<NotifyHarness>(&dir_, redis_.port(), "services/notify/notify_server",
                                              "notify");
    notify_->ShareTokens(profile_->tokens());
    ASSERT_TRUE(notify_->Started({absl::StrCat("--profile_target=127.0.0.1:", profile_->port()),
                                  absl::StrCat("--upstream_token_file=", dir_.Sub("service.token")),
                                  "--quiet_hours=none", "--sync_writes=false"}));
    ASSERT_TRUE(labor::testing::WaitServing(notify_->channel(), "labor.v1.NotificationService"));
  }
  void StartMatching() {
    matching_ = std::make_unique<MatchingHarness>(&dir_, redis_.port(),
                                                  "services/matching/matching_server", "matching");
    matching_->ShareTokens(profile_->tokens());
    ASSERT_TRUE(
        matching_->Started({absl::StrCat("--profile_target=127.0.0.1:", profile_->port()),
                            absl::StrCat("--vacancy_target=127.0.0.1:", vacancy_->port()),
                            absl::StrCat("--upstream_token_file=", dir_.Sub("service.token"))}));
  }

  std::string RegisterWorker(int n) {
    v1::RegisterWorkerRequest r;
    v1::Worker* w = r.mutable_worker();
    w->set_name("王五");
    w->set_id_number(labor::testing::ResidentIdFor(n));
    w->set_phone(absl::StrCat("1390000", 1000 + n));
    w->set_wechat_openid(absl::StrCat("openid-edge-", n));
    w->set_hukou_township("511702102");
    w->set_household_id(absl::StrCat("EDGE-", n));
    w->mutable_consent()->set_wechat(true);
    v1::RegisterWorkerResponse response;
    grpc::Status st =
        profile_->stub()->RegisterWorker(profile_->Context(Role::kAdmin).get(), r, &response);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return response.worker().worker_id();
  }

  static void ExpectUnparsable(const grpc::Status& s, const std::string& field) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr("could not be parsed"));
    if (field.empty()) return;
    EXPECT_THAT(s.error_message(), HasSubstr(field));
    // The field as a google.rpc.BadRequest, like any other bad field.
    auto violations = GetFieldViolations(FromGrpcStatus(s));
    ASSERT_EQ(violations.size(), 1u) << s.error_message();
    EXPECT_EQ(violations[0].field, field);
    EXPECT_EQ(violations[0].description, "not valid UTF-8");
  }

  labor::testing::TempDir dir_;
  labor::testing::RedisServer redis_;
  std::unique_ptr<ProfileHarness> profile_;
  std::unique_ptr<VacancyHarness> vacancy_;
  std::unique_ptr<NotifyHarness> notify_;
  std::unique_ptr<MatchingHarness> matching_;
};

TEST_F(EdgeServerTest, UnparsableRequestsAreInvalidArgumentNamingTheFieldOnEveryService) {
  StartProfile();
  StartVacancy();
  StartNotify();
  StartMatching();
  const std::string admin = profile_->token(Role::kAdmin);

  v1::RegisterWorkerRequest worker;
  worker.mutable_worker()->set_name(kMarker);
  ExpectUnparsable(RawUnary(profile_->channel(), "/labor.v1.ProfileService/RegisterWorker",
                            WithInvalidUtf8(worker), admin),
                   "worker.name");

  v1::PostVacancyRequest post;
  post.mutable_vacancy()->set_title(kMarker);
  ExpectUnparsable(RawUnary(vacancy_->channel(), "/labor.v1.VacancyService/PostVacancy",
                            WithInvalidUtf8(post), admin),
                   "vacancy.title");

  v1::EnqueueRequest enqueue;
  enqueue.add_notifications()->set_idempotency_key("k-1");
  enqueue.add_notifications()->set_idempotency_key(kMarker);
  ExpectUnparsable(RawUnary(notify_->channel(), "/labor.v1.NotificationService/Enqueue",
                            WithInvalidUtf8(enqueue), admin),
                   "notifications[1].idempotency_key");

  v1::ExplainRequest explain;
  explain.set_worker_id(kMarker);
  ExpectUnparsable(RawUnary(matching_->channel(), "/labor.v1.MatchingService/Explain",
                            WithInvalidUtf8(explain), admin),
                   "worker_id");

  // Garbage: no field to name, still INVALID_ARGUMENT.
  const std::string garbage = "\xff\xff\xff\xff garbage";
  ExpectUnparsable(
      RawUnary(profile_->channel(), "/labor.v1.ProfileService/GetWorker", garbage, admin), "");
  ExpectUnparsable(
      RawUnary(vacancy_->channel(), "/labor.v1.VacancyService/ListFairs", garbage, admin), "");
  // Without a token the call is refused before its body is looked at.
  EXPECT_EQ(
      RawUnary(profile_->channel(), "/labor.v1.ProfileService/GetWorker", garbage, "").error_code(),
      grpc::StatusCode::UNAUTHENTICATED);

  // The server-streaming Subscribe parses its request the same way.
  v1::SubscribeRequest subscribe;
  subscribe.set_channel(v1::CHANNEL_WECHAT);
  subscribe.set_subscriber_id(kMarker);
  RawStream stream(notify_->channel(), "/labor.v1.NotificationService/Subscribe",
                   profile_->token(Role::kService));
  stream.Write(WithInvalidUtf8(subscribe));
  stream.Close();
  ExpectUnparsable(stream.Await(), "subscriber_id");
}

TEST_F(EdgeServerTest, AnUnparsableImportMessageEndsTheStreamNamingItsPosition) {
  StartProfile();
  StartVacancy();
  const std::string partner = profile_->token(Role::kPartner);
  {
    RawStream stream(vacancy_->channel(), "/labor.v1.VacancyService/ImportVacancies", partner);
    stream.Write(ImportItem(1).SerializeAsString());
    stream.Write(WithInvalidUtf8(ImportItem(2, kMarker)));
    stream.Write(ImportItem(3).SerializeAsString());
    stream.Close();
    grpc::Status status = stream.Await();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("stream message 1 (counting from 0)"));
    auto violations = GetFieldViolations(FromGrpcStatus(status));
    ASSERT_EQ(violations.size(), 1u) << status.error_message();
    EXPECT_EQ(violations[0].field, "messages[1].vacancy.title");
    // The message before it was answered (and taken); none after it.
    auto answers = stream.answers();
    ASSERT_EQ(answers.size(), 1u);
    auto result = Parsed<v1::ImportResult>(answers[0]);
    EXPECT_EQ(result.external_id(), "EDGE-1");
    EXPECT_EQ(result.outcome(), v1::ImportResult::OUTCOME_CREATED);
  }
  {
    v1::ImportChunk good, bad;
    *good.add_items() = ImportItem(11);
    *good.add_items() = ImportItem(12);
    *bad.add_items() = ImportItem(13);
    *bad.add_items() = ImportItem(14, kMarker);
    RawStream stream(vacancy_->channel(), "/labor.v1.VacancyService/ImportVacancyChunks", partner);
    stream.Write(good.SerializeAsString());
    stream.Write(WithInvalidUtf8(bad));
    stream.Write(good.SerializeAsString());
    stream.Close();
    grpc::Status status = stream.Await();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    auto violations = GetFieldViolations(FromGrpcStatus(status));
    ASSERT_EQ(violations.size(), 1u) << status.error_message();
    EXPECT_EQ(violations[0].field, "messages[1].items[1].vacancy.title");
    auto answers = stream.answers();
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(Parsed<v1::ImportChunkResult>(answers[0]).results_size(), 2);
  }
}

TEST_F(EdgeServerTest, SigtermAnswersEnqueueCallsInFlightAndEndsSubscribeAtOnce) {
  StartProfile();
  StartNotify();
  const std::string worker = RegisterWorker(1);
  const std::string service = profile_->token(Role::kService);

  // An open WeChat subscription.
  v1::SubscribeRequest subscribe;
  subscribe.set_channel(v1::CHANNEL_WECHAT);
  subscribe.set_subscriber_id("edge-backend");
  grpc::Status subscribe_status;
  auto subscribe_ctx = Context(service);
  subscribe_ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  std::thread subscriber([&] {
    auto reader = notify_->stub()->Subscribe(subscribe_ctx.get(), subscribe);
    v1::Delivery delivery;
    while (reader->Read(&delivery)) {
    }
    subscribe_status = reader->Finish();
  });
  absl::SleepFor(absl::Milliseconds(500));

  // A burst of Enqueue calls with SIGTERM in the middle of it.
  constexpr int kCalls = 256;
  struct Call {
    std::unique_ptr<grpc::ClientContext> ctx;
    v1::EnqueueRequest request;
    v1::EnqueueResponse response;
  };
  std::vector<Call> calls(kCalls);
  absl::Mutex mu;
  std::vector<grpc::StatusCode> codes;
  absl::Time terminated_at;
  absl::Duration shutdown_took;
  std::thread terminator;
  for (int i = 0; i < kCalls; ++i) {
    Call& call = calls[i];
    call.ctx = Context(service);
    v1::Notification* n = call.request.add_notifications();
    n->set_idempotency_key(absl::StrCat("edge-", i));
    n->set_worker_id(worker);
    n->set_kind(v1::NOTIFICATION_KIND_POLICY_NOTICE);
    (*n->mutable_payload())["title"] = "返乡创业补贴";
    (*n->mutable_payload())["summary"] = "符合条件可申请一次性创业补贴";
    notify_->stub()->async()->Enqueue(call.ctx.get(), &call.request, &call.response,
                                      [&mu, &codes](grpc::Status s) {
                                        absl::MutexLock lock(&mu);
                                        codes.push_back(s.error_code());
                                      });
    if (i == kCalls / 2) {
      terminator = std::thread([&] {
        terminated_at = absl::Now();
        notify_->Terminate();
        shutdown_took = absl::Now() - terminated_at;
      });
    }
  }
  terminator.join();
  subscriber.join();
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](std::vector<grpc::StatusCode>* c) { return c->size() == kCalls; }, &codes));
  }
  // Answered or refused retryably; never cut CANCELLED.
  EXPECT_THAT(codes, Each(AnyOf(grpc::StatusCode::OK, grpc::StatusCode::UNAVAILABLE)));
  EXPECT_EQ(subscribe_status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << subscribe_status.error_message();
  // Loose: the stream no longer holds the shutdown for the 10 s grace.
  EXPECT_LT(shutdown_took, absl::Seconds(5));
}

TEST_F(EdgeServerTest, SigtermAnswersTheImportItemsReceivedAndEndsTheStreamUnavailable) {
  StartProfile();
  StartVacancy();
  RawStream stream(vacancy_->channel(), "/labor.v1.VacancyService/ImportVacancies",
                   profile_->token(Role::kPartner));
  for (int i = 1; i <= 3; ++i) stream.Write(ImportItem(i).SerializeAsString());
  ASSERT_TRUE(stream.WaitAnswers(3, absl::Seconds(20)));
  // The client keeps the stream open (more items to come) when SIGTERM lands.
  const absl::Time start = absl::Now();
  vacancy_->Terminate();
  const absl::Duration took = absl::Now() - start;
  stream.Close();
  grpc::Status status = stream.Await();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(stream.answers().size(), 3u);
  EXPECT_LT(took, absl::Seconds(5));
}

TEST_F(EdgeServerTest, RequestsBeyondTheMemoryBoundAreResourceExhausted) {
  StartProfile({"--max_request_memory_bytes=8388608"});
  if (HasFatalFailure()) return;
  // Large requests without a token, all at once: together far above 8 MiB.
  constexpr int kCalls = 24;
  v1::RegisterWorkerRequest big;
  big.mutable_worker()->set_name(std::string(3 << 20, 'x'));
  const std::string bytes = big.SerializeAsString();
  std::vector<grpc::StatusCode> codes(kCalls);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      // Its own channel each: one connection's flow control would queue them.
      auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", profile_->port()),
                                         grpc::InsecureChannelCredentials());
      codes[i] =
          RawUnary(channel, "/labor.v1.ProfileService/RegisterWorker", bytes, "").error_code();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_THAT(codes,
              Each(AnyOf(grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::RESOURCE_EXHAUSTED)));
  EXPECT_THAT(codes, ::testing::Contains(grpc::StatusCode::RESOURCE_EXHAUSTED));
  // Still serving once they are gone.
  v1::GetWorkerRequest get;
  get.set_worker_id("w-none");
  v1::Worker out;
  grpc::Status after =
      profile_->stub()->GetWorker(profile_->Context(Role::kAdmin).get(), get, &out);
  EXPECT_EQ(after.error_code(), grpc::StatusCode::NOT_FOUND) << after.error_message();
}

TEST_F(EdgeServerTest, SilentConnectionsAreClosed) {
  StartProfile({"--handshake_timeout=1s", "--max_connection_idle=1s"});
  if (HasFatalFailure()) return;
  // Nothing at all: the handshake never completes.
  int silent = Connect(profile_->port());
  ASSERT_GE(silent, 0);
  // The HTTP/2 preface and SETTINGS, then nothing: a connection without calls.
  int idle = Connect(profile_->port());
  ASSERT_GE(idle, 0);
  const std::string preface = std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") +
                              std::string("\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9);
  ASSERT_EQ(send(idle, preface.data(), preface.size(), 0), static_cast<ssize_t>(preface.size()));
  EXPECT_TRUE(ClosedByPeerWithin(silent, absl::Seconds(8)));
  EXPECT_TRUE(ClosedByPeerWithin(idle, absl::Seconds(8)));
  close(silent);
  close(idle);
}

}  // namespace
}  // namespace labor
