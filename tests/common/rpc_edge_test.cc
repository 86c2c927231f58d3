// The shared gRPC edge without a server: naming the field of a request that
// does not parse (DescribeParseFailure, ParseRequest, ParseStreamMessage)
// and the shutdown drain (ServerDrain).
#include <grpcpp/support/byte_buffer.h>

#include <atomic>
#include <string>
#include <thread>

#include "absl/strings/str_replace.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/drain.h"
#include "common/parse_failure.h"
#include "common/rpc_handler.h"
#include "common/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labor/v1/profile.pb.h"
#include "labor/v1/vacancy.pb.h"

namespace labor {
namespace {

using ::testing::HasSubstr;

// `message` serialized, with the (same-length) marker replaced by bytes
// that are not UTF-8: what a client with a careless encoder sends.
std::string WithInvalidUtf8(const google::protobuf::Message& message,
                            const std::string& marker = "@@@@") {
  std::string bytes = message.SerializeAsString();
  const std::string bad(marker.size(), '\xff');
  EXPECT_NE(bytes.find(marker), std::string::npos);
  return absl::StrReplaceAll(bytes, {{marker, bad}});
}

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

v1::ImportChunk TwoItemChunk(const std::string& second_title) {
  v1::ImportChunk chunk;
  auto* first = chunk.add_items();
  first->set_external_id("A-1");
  first->mutable_vacancy()->set_title("普工");
  auto* second = chunk.add_items();
  second->set_external_id("A-2");
  second->mutable_vacancy()->set_title(second_title);
  return chunk;
}

TEST(DescribeParseFailureTest, NamesTheNestedStringFieldHoldingInvalidUtf8) {
  v1::RegisterWorkerRequest request;
  request.mutable_worker()->set_phone("13800001111");
  request.mutable_worker()->set_name("@@@@");
  FieldViolation why =
      DescribeParseFailure(*v1::RegisterWorkerRequest::descriptor(), WithInvalidUtf8(request));
  EXPECT_EQ(why.field, "worker.name");
  EXPECT_EQ(why.description, "not valid UTF-8");
}

TEST(DescribeParseFailureTest, CountsRepeatedFieldsFromZero) {
  FieldViolation why =
      DescribeParseFailure(*v1::ImportChunk::descriptor(), WithInvalidUtf8(TwoItemChunk("@@@@")));
  EXPECT_EQ(why.field, "items[1].vacancy.title");
}

TEST(DescribeParseFailureTest, NamesAValueCutShort) {
  v1::RegisterWorkerRequest request;
  request.mutable_worker()->set_name("王五");
  std::string bytes = request.SerializeAsString();
  bytes.pop_back();
  FieldViolation why = DescribeParseFailure(*v1::RegisterWorkerRequest::descriptor(), bytes);
  EXPECT_EQ(why.field, "worker");  // the enclosing length runs past the end
  EXPECT_THAT(why.description, HasSubstr("cut short"));
}

TEST(DescribeParseFailureTest, GarbageNamesNoField) {
  FieldViolation why =
      DescribeParseFailure(*v1::RegisterWorkerRequest::descriptor(), std::string("\xff\xff\xff"));
  EXPECT_EQ(why.field, "");
  EXPECT_THAT(why.description, HasSubstr("malformed"));
}

TEST(ParseRequestTest, ParsesAValidRequest) {
  v1::RegisterWorkerRequest sent;
  sent.mutable_worker()->set_name("王五");
  v1::RegisterWorkerRequest got;
  ASSERT_TRUE(ParseRequest(Buffer(sent.SerializeAsString()), &got).ok());
  EXPECT_EQ(got.worker().name(), "王五");
}

TEST(ParseRequestTest, UnparsableIsInvalidArgumentWithAFieldViolation) {
  v1::RegisterWorkerRequest request;
  request.mutable_worker()->set_name("@@@@");
  v1::RegisterWorkerRequest got;
  absl::Status s = ParseRequest(Buffer(WithInvalidUtf8(request)), &got);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("request could not be parsed: worker.name: not valid UTF-8"));
  auto violations = GetFieldViolations(s);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "worker.name");
}

TEST(ParseRequestTest, GarbageIsInvalidArgumentNamingTheMessageType) {
  v1::RegisterWorkerRequest got;
  absl::Status s = ParseRequest(Buffer("\x0a\xff\xff\xff\xff"), &got);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("request could not be parsed"));
}

TEST(ParseStreamMessageTest, NamesThePositionInTheStream) {
  v1::ImportChunk got;
  absl::Status s = ParseStreamMessage(Buffer(WithInvalidUtf8(TwoItemChunk("@@@@"))), 3, &got);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("stream message 3 (counting from 0) could not be parsed"));
  EXPECT_THAT(s.message(), HasSubstr("the messages before it were answered"));
  auto violations = GetFieldViolations(s);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "messages[3].items[1].vacancy.title");
}

TEST(ServerDrainTest, RefusesCallsOnceDrainingAndCountsThoseInFlight) {
  ServerDrain drain;
  ASSERT_TRUE(drain.TryEnter());
  drain.Start();
  EXPECT_TRUE(drain.draining());
  EXPECT_FALSE(drain.TryEnter());
  // One call still in flight: not quiet before the deadline.
  EXPECT_FALSE(drain.WaitQuiet(absl::Milliseconds(1), absl::Now() + absl::Milliseconds(50)));
  drain.Exit();
  EXPECT_TRUE(drain.WaitQuiet(absl::Milliseconds(20), absl::Now() + absl::Seconds(5)));
}

TEST(ServerDrainTest, RunsEachWatcherOnceAndNotAfterUnwatch) {
  ServerDrain drain;
  int first = 0, second = 0;
  std::optional<int64_t> a = drain.Watch([&] { ++first; });
  std::optional<int64_t> b = drain.Watch([&] { ++second; });
  ASSERT_TRUE(a.has_value() && b.has_value());
  drain.Unwatch(*b);
  drain.Start();
  drain.Start();
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 0);
  // Too late to watch: the caller ends at once instead.
  EXPECT_FALSE(drain.Watch([] {}).has_value());
}

TEST(ServerDrainTest, UnwatchWaitsForARunningCallbackAndMayComeFromIt) {
  ServerDrain drain;
  absl::Notification running, release;
  std::atomic<bool> returned{false};
  std::optional<int64_t> slow = drain.Watch([&] {
    running.Notify();
    release.WaitForNotification();
    returned = true;
  });
  std::optional<int64_t> self = drain.Watch([&] { drain.Unwatch(*self); });
  ASSERT_TRUE(slow.has_value() && self.has_value());
  std::thread drainer([&] { drain.Start(); });
  running.WaitForNotification();
  std::thread unwatcher([&] {
    drain.Unwatch(*slow);
    EXPECT_TRUE(returned.load());  // the callback had finished
  });
  absl::SleepFor(absl::Milliseconds(50));
  release.Notify();
  unwatcher.join();
  drainer.join();
}

}  // namespace
}  // namespace labor
