#include "common/idempotency.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "labor/v1/notification.pb.h"

namespace labor {
namespace {

using ::testing::HasSubstr;

TEST(IdempotencyTest, FingerprintIsTheContentsAndStableUnderMapOrder) {
  v1::Notification a;
  a.set_idempotency_key("k1");
  (*a.mutable_payload())["title"] = "春风行动";
  (*a.mutable_payload())["date"] = "2027-02-20";
  v1::Notification b;
  b.set_idempotency_key("k1");
  (*b.mutable_payload())["date"] = "2027-02-20";
  (*b.mutable_payload())["title"] = "春风行动";
  EXPECT_EQ(ContentFingerprint(a), ContentFingerprint(b));
  EXPECT_EQ(ContentFingerprint(a).size(), 64u);  // hex SHA-256
  (*b.mutable_payload())["title"] = "就业援助月";
  EXPECT_NE(ContentFingerprint(a), ContentFingerprint(b));
}

TEST(IdempotencyTest, ReplayIsOkOtherContentNamesTheFirstResult) {
  EXPECT_TRUE(CheckReplay("request_id", "k1", "abc", "abc", "vacancy v_1").ok());
  absl::Status reused = CheckReplay("request_id", "k1", "abc", "abd", "vacancy v_1", "24h");
  EXPECT_EQ(reused.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(reused.message(), HasSubstr("request_id \"k1\""));
  EXPECT_THAT(reused.message(), HasSubstr("vacancy v_1"));
  EXPECT_THAT(reused.message(), HasSubstr("24h"));
}

}  // namespace
}  // namespace labor
