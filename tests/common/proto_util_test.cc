#include "common/proto_util.h"

#include <string>

#include "gtest/gtest.h"
#include "labor/v1/notification.pb.h"
#include "labor/v1/vacancy.pb.h"

namespace labor {
namespace {

// Adds unknown field 999 (a varint) to `message`.
void AddUnknown(google::protobuf::Message* message) {
  message->GetReflection()->MutableUnknownFields(message)->AddVarint(999, 7);
}

v1::Vacancy VacancyWithUnknownsEverywhere() {
  v1::Vacancy v;
  v.set_title("叉车司机");
  v.mutable_wage()->mutable_min()->set_fen(400000);
  v.add_required_skills()->set_occupation_code("6-30-05-01");
  v.add_required_skills()->set_occupation_code("6-29-03-01");
  v.mutable_expires_at()->set_seconds(1'800'000'000);
  AddUnknown(&v);
  AddUnknown(v.mutable_wage());
  AddUnknown(v.mutable_wage()->mutable_min());
  AddUnknown(v.mutable_required_skills(1));
  AddUnknown(v.mutable_expires_at());
  return v;
}

TEST(DiscardUnknownFieldsDeepTest, DropsThemAtEveryDepthAndKeepsTheRest) {
  v1::Vacancy v = VacancyWithUnknownsEverywhere();
  v1::Vacancy expected = v;
  expected.DiscardUnknownFields();
  ASSERT_NE(v.SerializeAsString(), expected.SerializeAsString());

  DiscardUnknownFieldsDeep(&v);
  EXPECT_EQ(v.SerializeAsString(), expected.SerializeAsString());
  EXPECT_TRUE(v.GetReflection()->GetUnknownFields(v).empty());
  EXPECT_TRUE(v.wage().min().GetReflection()->GetUnknownFields(v.wage().min()).empty());
  EXPECT_TRUE(v.required_skills(1).GetReflection()->GetUnknownFields(v.required_skills(1)).empty());
  EXPECT_EQ(v.title(), "叉车司机");
  EXPECT_EQ(v.wage().min().fen(), 400000);
  EXPECT_EQ(v.required_skills_size(), 2);
  EXPECT_EQ(v.expires_at().seconds(), 1'800'000'000);
}

TEST(DiscardUnknownFieldsDeepTest, LeavesUnsetSubmessagesUnset) {
  v1::Vacancy v;
  v.set_title("普工");
  AddUnknown(&v);
  DiscardUnknownFieldsDeep(&v);
  EXPECT_FALSE(v.has_wage());
  EXPECT_FALSE(v.has_benefits());
  EXPECT_FALSE(v.has_expires_at());
  EXPECT_EQ(v.ByteSizeLong(), v1::Vacancy(v).ByteSizeLong());
  v1::Vacancy plain;
  plain.set_title("普工");
  EXPECT_EQ(v.SerializeAsString(), plain.SerializeAsString());
}

TEST(DiscardUnknownFieldsDeepTest, MessagesWithMapsToo) {
  v1::Delivery t;
  (*t.mutable_fields())["name"] = "张三";
  AddUnknown(&t);
  v1::Delivery expected = t;
  expected.DiscardUnknownFields();
  DiscardUnknownFieldsDeep(&t);
  EXPECT_EQ(t.SerializeAsString(), expected.SerializeAsString());
  EXPECT_EQ(t.fields().at("name"), "张三");
}

}  // namespace
}  // namespace labor
