#include "services/notify/templates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/regions.h"
#include "common/status.h"
#include "common/validation.h"
#include "tests/testing/util.h"

namespace labor::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

Payload P(std::initializer_list<std::pair<std::string, std::string>> entries) {
  Payload p;
  for (const auto& [k, v] : entries) p[k] = v;
  return p;
}

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) absl::StrAppend(&out, s);
  return out;
}

// The fields named by an INVALID_ARGUMENT status.
std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const FieldViolation& v : GetFieldViolations(status)) out.push_back(v.field);
  return out;
}

// Every field of a rendered message obeys its channel's rules.
void ExpectWithinLimits(const Rendered& r, v1::Channel channel) {
  SCOPED_TRACE(r.template_id);
  EXPECT_FALSE(r.template_id.empty());
  // The text may span lines; otherwise it is plain valid UTF-8 within the limit.
  std::string one_line = r.text;
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  EXPECT_TRUE(ValidateText(one_line, kMaxKioskTextChars, /*required=*/true).ok())
      << ValidateText(one_line, kMaxKioskTextChars, true) << " text: " << r.text;
  for (const auto& [name, value] : r.fields) {
    SCOPED_TRACE(name);
    if (channel == v1::CHANNEL_WECHAT) {
      EXPECT_TRUE(CheckWechatField(name, value).ok())
          << CheckWechatField(name, value) << " value: " << value;
    } else if (channel == v1::CHANNEL_SMS) {
      EXPECT_TRUE(CheckSmsParam(value).ok()) << CheckSmsParam(value) << " value: " << value;
    } else {
      EXPECT_TRUE(ValidateText(value, kMaxKioskTextChars, /*required=*/true).ok());
    }
  }
}

// ---------------------------------------------------------------------------
// UTF-8 helpers

TEST(Utf8Test, LengthCountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("焊工abc"), 5u);
  EXPECT_EQ(Utf8Length("👷焊工"), 3u);
  EXPECT_EQ(Utf8Length("a\xff\xfe"
                       "b"),
            4u);                          // each bad byte counts once
  EXPECT_EQ(Utf8Length("\xe7\x84"), 2u);  // a cut-off 焊
}

TEST(Utf8Test, TruncateCutsOnCodePointsWithEllipsis) {
  EXPECT_EQ(TruncateUtf8("焊工焊工焊工", 6), "焊工焊工焊工");
  EXPECT_EQ(TruncateUtf8("焊工焊工焊工", 4), "焊工焊…");
  EXPECT_EQ(TruncateUtf8("焊工焊工焊工", 1), "…");
  EXPECT_EQ(TruncateUtf8("焊工焊工焊工", 0), "");
  EXPECT_EQ(TruncateUtf8("👷👷👷👷", 3), "👷👷…");
  // White space before the ellipsis is dropped (ASCII and the ideographic space).
  EXPECT_EQ(TruncateUtf8("ab   cdefg", 5), "ab…");
  EXPECT_EQ(TruncateUtf8("焊工\u3000\u3000电工", 4), "焊工…");
  // Never splits a sequence: every prefix length gives valid UTF-8.
  const std::string mixed = "a焊👷Ж b";
  for (size_t n = 0; n <= 7; ++n) {
    std::string cut = TruncateUtf8(mixed, n);
    EXPECT_LE(Utf8Length(cut), n);
    EXPECT_TRUE(ValidateText(cut, 100, false).ok()) << n;
  }
}

// ---------------------------------------------------------------------------
// Specs and validation

TEST(PayloadSpecTest, EveryKindHasRequiredKeys) {
  EXPECT_THAT(SpecFor(v1::NOTIFICATION_KIND_JOB_ALERT).required,
              ElementsAre("vacancy_id", "title"));
  EXPECT_THAT(SpecFor(v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT).required,
              ElementsAre("fair_name", "date", "venue"));
  EXPECT_THAT(SpecFor(v1::NOTIFICATION_KIND_POLICY_NOTICE).required,
              ElementsAre("title", "summary"));
  EXPECT_THAT(SpecFor(v1::NOTIFICATION_KIND_RETURN_TRANSPORT).required,
              ElementsAre("route", "date", "time", "meeting_point"));
  EXPECT_THAT(SpecFor(v1::NOTIFICATION_KIND_FREE_TEXT).required, ElementsAre("text"));
  EXPECT_THAT(SpecFor(v1::NOTIFICATION_KIND_UNSPECIFIED).required, IsEmpty());
  EXPECT_THAT(SpecFor(static_cast<v1::NotificationKind>(99)).required, IsEmpty());
}

TEST(ValidatePayloadTest, AcceptsCompletePayloads) {
  EXPECT_TRUE(
      ValidatePayload(v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT, P({{"fair_name", "春风行动"},
                                                                  {"date", "2026-02-20"},
                                                                  {"venue", "人民广场"},
                                                                  {"time", "09:00-16:00"},
                                                                  {"end_date", "2026年2月22日"},
                                                                  {"note", ""}}))
          .ok());
  EXPECT_TRUE(
      ValidatePayload(v1::NOTIFICATION_KIND_RETURN_TRANSPORT, P({{"route", "通川—广州"},
                                                                 {"date", "2026/2/8"},
                                                                 {"time", "7:30"},
                                                                 {"meeting_point", "达州站"}}))
          .ok());
  EXPECT_TRUE(ValidatePayload(v1::NOTIFICATION_KIND_JOB_ALERT,
                              P({{"vacancy_id", "v1"}, {"title", "焊工"}, {"score", "87"}}))
                  .ok());
  EXPECT_TRUE(
      ValidatePayload(v1::NOTIFICATION_KIND_FREE_TEXT, P({{"text", Repeat("字", 500)}})).ok());
}

TEST(ValidatePayloadTest, NamesTheOffendingField) {
  const auto kFair = v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT;
  const Payload fair = P({{"fair_name", "春风行动"}, {"date", "2026-02-20"}, {"venue", "广场"}});
  auto with = [&fair](absl::string_view key, absl::string_view value) {
    Payload p = fair;
    p[std::string(key)] = std::string(value);
    return p;
  };

  absl::Status s = ValidatePayload(v1::NOTIFICATION_KIND_UNSPECIFIED, fair);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(s), ElementsAre("kind"));

  s = ValidatePayload(kFair, P({{"fair_name", "春风行动"}}));
  EXPECT_THAT(Fields(s), ElementsAre("payload.date", "payload.venue"));
  EXPECT_THAT(s.message(), HasSubstr("payload.date: is required"));

  s = ValidatePayload(kFair, with("salary", "5000"));
  EXPECT_THAT(Fields(s), ElementsAre("payload.salary"));
  EXPECT_THAT(s.message(), HasSubstr("fair_name, date, venue, time, end_date, note, fair_id"));

  EXPECT_THAT(Fields(ValidatePayload(kFair, with("venue", "   "))), ElementsAre("payload.venue"));
  EXPECT_THAT(Fields(ValidatePayload(kFair, with("note", Repeat("长", 501)))),
              ElementsAre("payload.note"));
  EXPECT_TRUE(ValidatePayload(kFair, with("note", Repeat("长", 500))).ok());
  EXPECT_THAT(Fields(ValidatePayload(kFair, with("note", "bad \xff\xfe bytes"))),
              ElementsAre("payload.note"));
  EXPECT_THAT(Fields(ValidatePayload(kFair, with("note", "\xe7\x84"))),  // a cut-off 焊
              ElementsAre("payload.note"));
  EXPECT_THAT(Fields(ValidatePayload(kFair, with("venue", "广场\n二楼"))),
              ElementsAre("payload.venue"));
  EXPECT_THAT(Fields(ValidatePayload(kFair, with("venue", "广场\x7f"))),
              ElementsAre("payload.venue"));
  EXPECT_THAT(Fields(ValidatePayload(kFair, with("date", "2026-02-30"))),
              ElementsAre("payload.date"));
  EXPECT_THAT(Fields(ValidatePayload(kFair, with("date", "下周一"))), ElementsAre("payload.date"));
  EXPECT_THAT(Fields(ValidatePayload(kFair, with("time", "25:00"))), ElementsAre("payload.time"));
  EXPECT_THAT(Fields(ValidatePayload(kFair, with("time", "上午九点"))),
              ElementsAre("payload.time"));
  EXPECT_THAT(Fields(ValidatePayload(kFair, with("end_date", "2026-02-19"))),
              ElementsAre("payload.end_date"));
  // A key that cannot be shown in a field path is reported as "payload".
  EXPECT_THAT(Fields(ValidatePayload(kFair, with("ключ", "x"))), ElementsAre("payload"));
  EXPECT_THAT(Fields(ValidatePayload(kFair, with("", "x"))), ElementsAre("payload"));

  const auto kJob = v1::NOTIFICATION_KIND_JOB_ALERT;
  EXPECT_THAT(
      Fields(ValidatePayload(kJob, P({{"vacancy_id", "v"}, {"title", "t"}, {"score", "101"}}))),
      ElementsAre("payload.score"));
  EXPECT_THAT(Fields(ValidatePayload(kJob, P({{"vacancy_id", "v"}}))),
              ElementsAre("payload.title"));
}

TEST(SmsAllowedTest, RecruitmentContentNeverGoesBySms) {
  EXPECT_FALSE(SmsAllowed(v1::NOTIFICATION_KIND_JOB_ALERT));
  EXPECT_FALSE(SmsAllowed(v1::NOTIFICATION_KIND_UNSPECIFIED));
  EXPECT_TRUE(SmsAllowed(v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT));
  EXPECT_TRUE(SmsAllowed(v1::NOTIFICATION_KIND_POLICY_NOTICE));
  EXPECT_TRUE(SmsAllowed(v1::NOTIFICATION_KIND_RETURN_TRANSPORT));
  EXPECT_TRUE(SmsAllowed(v1::NOTIFICATION_KIND_FREE_TEXT));
}

// ---------------------------------------------------------------------------
// Channel checks

TEST(CheckWechatFieldTest, EnforcesEachTypesRule) {
  auto ok = [](absl::string_view f, absl::string_view v) { return CheckWechatField(f, v).ok(); };
  EXPECT_TRUE(ok("thing1", "电焊工（四级）"));
  EXPECT_TRUE(ok("thing1", Repeat("焊", 20)));
  EXPECT_FALSE(ok("thing1", Repeat("焊", 21)));
  EXPECT_TRUE(ok("thing1", "Сварщик welder 3人"));
  EXPECT_FALSE(ok("thing1", ""));
  EXPECT_FALSE(ok("thing1", "焊工👷"));
  EXPECT_FALSE(ok("thing1", "焊工\u2764"));  // ❤ without a variation selector
  EXPECT_FALSE(ok("thing1", "焊工\u200f"));  // right-to-left mark
  EXPECT_FALSE(ok("thing1", "焊工\n电工"));
  EXPECT_FALSE(ok("thing1", "焊工\xff"));

  EXPECT_TRUE(ok("phrase5", "新岗位"));
  EXPECT_TRUE(ok("phrase5", "政策通知"));
  EXPECT_FALSE(ok("phrase5", "新岗位1"));
  EXPECT_FALSE(ok("phrase5", "新 岗位"));
  EXPECT_FALSE(ok("phrase5", "岗位汇总通知"));  // 6 > 5
  EXPECT_FALSE(ok("phrase5", "Job"));

  EXPECT_TRUE(ok("character_string2", "V-2026/001"));
  EXPECT_FALSE(ok("character_string2", "V 2026"));
  EXPECT_FALSE(ok("character_string2", "编号1"));
  EXPECT_FALSE(ok("character_string2", Repeat("a", 33)));

  EXPECT_TRUE(ok("number3", "12345"));
  EXPECT_TRUE(ok("number3", "12.5"));
  EXPECT_FALSE(ok("number3", "1.2.3"));
  EXPECT_FALSE(ok("number3", "12a"));
  EXPECT_FALSE(ok("number3", Repeat("1", 33)));

  EXPECT_TRUE(ok("amount2", "4000"));
  EXPECT_TRUE(ok("amount2", "¥4000.50"));
  EXPECT_TRUE(ok("amount2", "4000元"));
  EXPECT_FALSE(ok("amount2", "4000-6000元"));
  EXPECT_FALSE(ok("amount2", "4000.505"));
  EXPECT_FALSE(ok("amount2", "12345678901"));

  EXPECT_TRUE(ok("time2", "15:01"));
  EXPECT_TRUE(ok("time2", "2026年12月1日 08:30"));
  EXPECT_TRUE(ok("time2", "2026年12月1日 08:30~2026年12月1日 17:00"));
  EXPECT_FALSE(ok("time2", "2026年12月1日"));
  EXPECT_FALSE(ok("time2", "2026-12-01 08:30"));
  EXPECT_FALSE(ok("time2", "2026年2月30日 08:30"));
  EXPECT_FALSE(ok("time2", "24:00"));

  EXPECT_TRUE(ok("date2", "2026年12月1日"));
  EXPECT_TRUE(ok("date2", "2026年12月1日 08:30"));
  EXPECT_FALSE(ok("date2", "08:30"));
  EXPECT_FALSE(ok("date2", "2026年13月1日"));

  EXPECT_TRUE(ok("name1", "张三"));
  EXPECT_TRUE(ok("name1", "Zhang San"));
  EXPECT_FALSE(ok("name1", Repeat("张", 11)));
  EXPECT_FALSE(ok("name1", "张San"));

  EXPECT_TRUE(ok("phone_number1", "+86-0818-2123456"));
  EXPECT_FALSE(ok("phone_number1", "0818 2123456"));
  EXPECT_FALSE(ok("phone_number1", Repeat("1", 18)));

  EXPECT_THAT(CheckWechatField("car_number1", "川S12345").message(), HasSubstr("unknown"));
  EXPECT_FALSE(ok("thing", "焊工"));  // no index
}

TEST(CheckSmsParamTest, RefusesLinksAndOverlongValues) {
  EXPECT_TRUE(CheckSmsParam("2026年2月20日 09:00-16:00").ok());
  EXPECT_TRUE(CheckSmsParam(Repeat("字", 35)).ok());
  EXPECT_FALSE(CheckSmsParam(Repeat("字", 36)).ok());
  EXPECT_FALSE(CheckSmsParam("").ok());
  EXPECT_FALSE(CheckSmsParam("详见https://tc.gov.cn/x").ok());
  EXPECT_FALSE(CheckSmsParam("详见 www.example.com").ok());
  EXPECT_FALSE(CheckSmsParam("点 dwz.cn/abc 报名").ok());
  EXPECT_FALSE(CheckSmsParam("【通川人社】").ok());
  EXPECT_FALSE(CheckSmsParam("a\tb").ok());
  EXPECT_TRUE(CheckSmsParam("No.1 车间 4000.50元").ok());  // dots that are not links
}

// ---------------------------------------------------------------------------
// Job alerts

const char kLuojiangFull[] = "四川省达州市通川区罗江镇";

Payload WelderAlert() {
  return P({{"vacancy_id", "v_weld"},
            {"title", "电焊工（四级）"},
            {"wage", "4000-6000元/月"},
            {"location", kLuojiangFull},
            {"reason", "4项要求满足4项；同乡镇（离户籍地）：四川省达州市通川区罗江镇；今天发布"},
            {"highlight", "技能要求全部满足，同乡镇"},
            {"score", "87"}});
}

TEST(RenderJobAlertTest, WechatTemplate) {
  Rendered r = Render(v1::NOTIFICATION_KIND_JOB_ALERT, WelderAlert(), v1::CHANNEL_WECHAT);
  EXPECT_EQ(r.template_id, "WX_JOB_ALERT");
  EXPECT_THAT(r.fields, UnorderedElementsAre(
                            Pair("thing1", "电焊工（四级）"), Pair("thing2", "4000-6000元/月"),
                            Pair("thing3", "通川区罗江镇"),
                            Pair("thing4", "技能要求全部满足，同乡镇"), Pair("phrase5", "新岗位")));
  EXPECT_EQ(r.text,
            "【新岗位】电焊工（四级）\n"
            "工资：4000-6000元/月\n"
            "地点：四川省达州市通川区罗江镇\n"
            "匹配度：87%\n"
            "推荐理由：4项要求满足4项；同乡镇（离户籍地）：四川省达州市通川区罗江镇；今天发布");
  ExpectWithinLimits(r, v1::CHANNEL_WECHAT);
}

TEST(RenderJobAlertTest, KioskShowsEverythingAndSmsCarriesNothing) {
  Rendered kiosk = Render(v1::NOTIFICATION_KIND_JOB_ALERT, WelderAlert(), v1::CHANNEL_KIOSK);
  EXPECT_EQ(kiosk.template_id, "KIOSK_JOB_ALERT");
  EXPECT_THAT(kiosk.fields, UnorderedElementsAre(Pair("title", "新岗位：电焊工（四级）"),
                                                 Pair("vacancy_id", "v_weld")));
  EXPECT_EQ(kiosk.text,
            Render(v1::NOTIFICATION_KIND_JOB_ALERT, WelderAlert(), v1::CHANNEL_WECHAT).text);

  Rendered sms = Render(v1::NOTIFICATION_KIND_JOB_ALERT, WelderAlert(), v1::CHANNEL_SMS);
  EXPECT_EQ(sms.template_id, "");
  EXPECT_THAT(sms.fields, IsEmpty());
  EXPECT_EQ(sms.text, "");
}

TEST(RenderJobAlertTest, MinimalPayloadGetsPlaceholders) {
  Rendered r = Render(v1::NOTIFICATION_KIND_JOB_ALERT,
                      P({{"vacancy_id", "v"}, {"title", "保洁员"}}), v1::CHANNEL_WECHAT);
  EXPECT_THAT(r.fields, UnorderedElementsAre(Pair("thing1", "保洁员"), Pair("thing2", "面议"),
                                             Pair("thing3", "详见通知"), Pair("thing4", "详见通知"),
                                             Pair("phrase5", "新岗位")));
  EXPECT_EQ(r.text, "【新岗位】保洁员\n工资：面议");
  // Without a highlight, the first reason line is the summary.
  r = Render(v1::NOTIFICATION_KIND_JOB_ALERT,
             P({{"vacancy_id", "v"}, {"title", "保洁员"}, {"reason", "今天发布；工资面议"}}),
             v1::CHANNEL_WECHAT);
  EXPECT_EQ(r.fields["thing4"], "今天发布");
}

TEST(RenderJobAlertTest, AdversarialTitlesStayWithinWechatRules) {
  const std::string long_title = Repeat("焊", 300);
  Rendered r =
      Render(v1::NOTIFICATION_KIND_JOB_ALERT,
             P({{"vacancy_id", "v"}, {"title", long_title}, {"location", Repeat("镇", 300)}}),
             v1::CHANNEL_WECHAT);
  EXPECT_EQ(r.fields["thing1"], Repeat("焊", 19) + "…");
  ExpectWithinLimits(r, v1::CHANNEL_WECHAT);

  r = Render(v1::NOTIFICATION_KIND_JOB_ALERT,
             P({{"vacancy_id", "v"}, {"title", "👷焊工🔥急招\u2764\ufe0f"}}), v1::CHANNEL_WECHAT);
  EXPECT_EQ(r.fields["thing1"], "焊工急招");
  r = Render(v1::NOTIFICATION_KIND_JOB_ALERT, P({{"vacancy_id", "v"}, {"title", "👷🔥"}}),
             v1::CHANNEL_WECHAT);
  EXPECT_EQ(r.fields["thing1"], "详见通知");
  r = Render(v1::NOTIFICATION_KIND_JOB_ALERT,
             P({{"vacancy_id", "v"}, {"title", "Сварщик welder 焊工 \u200fئىشچى"}}),
             v1::CHANNEL_WECHAT);
  EXPECT_EQ(r.fields["thing1"], "Сварщик welder 焊工 ئ…");
  ExpectWithinLimits(r, v1::CHANNEL_WECHAT);

  // Payloads that skipped validation still render valid UTF-8 within limits.
  for (const std::string& odd :
       {std::string("焊\xff\xfe工"), std::string("\xe7\x84"), std::string("a\tb\nc\x7f"),
        std::string("   "), std::string(""), Repeat("🎉", 300), Repeat("a", 600),
        Repeat("長い名前", 100), std::string("4000-6000元/月\u200b")}) {
    Payload p = P({{"vacancy_id", "v"},
                   {"title", odd},
                   {"wage", odd},
                   {"location", odd},
                   {"place", odd},
                   {"reason", odd},
                   {"highlight", odd},
                   {"score", odd}});
    for (v1::Channel c : {v1::CHANNEL_WECHAT, v1::CHANNEL_KIOSK}) {
      ExpectWithinLimits(Render(v1::NOTIFICATION_KIND_JOB_ALERT, p, c), c);
    }
  }
}

// ---------------------------------------------------------------------------
// Fair announcements, transport, policy, free text

Payload Fair() {
  return P({{"fair_name", "2026年春风行动专场招聘会"},
            {"date", "2026-02-20"},
            {"end_date", "2026-02-22"},
            {"time", "09:00-16:00"},
            {"venue", "通川区西城街道人民广场"},
            {"note", "请携带身份证"},
            {"fair_id", "f_2026_spring"}});
}

TEST(RenderFairTest, AllChannels) {
  const std::string text =
      "【招聘会】2026年春风行动专场招聘会\n"
      "时间：2026年2月20日至2月22日 09:00-16:00\n"
      "地点：通川区西城街道人民广场\n"
      "说明：请携带身份证";
  Rendered wx = Render(v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT, Fair(), v1::CHANNEL_WECHAT);
  EXPECT_EQ(wx.template_id, "WX_FAIR_ANNOUNCEMENT");
  EXPECT_THAT(wx.fields, UnorderedElementsAre(Pair("thing1", "2026年春风行动专场招聘会"),
                                              Pair("date2", "2026年2月20日 09:00"),
                                              Pair("thing3", "通川区西城街道人民广场"),
                                              Pair("thing4", "请携带身份证")));
  EXPECT_EQ(wx.text, text);
  ExpectWithinLimits(wx, v1::CHANNEL_WECHAT);

  Rendered sms = Render(v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT, Fair(), v1::CHANNEL_SMS);
  EXPECT_EQ(sms.template_id, "SMS_FAIR_ANNOUNCEMENT");
  EXPECT_THAT(sms.fields, UnorderedElementsAre(Pair("name", "2026年春风行动专场招聘会"),
                                               Pair("time", "2026年2月20日至2月22日 09:00-16:00"),
                                               Pair("venue", "通川区西城街道人民广场"),
                                               Pair("note", "请携带身份证")));
  EXPECT_EQ(sms.text,
            "2026年春风行动专场招聘会将于2026年2月20日至2月22日 "
            "09:00-16:00在通川区西城街道人民广场举办，请携带身份证");
  ExpectWithinLimits(sms, v1::CHANNEL_SMS);

  Rendered kiosk = Render(v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT, Fair(), v1::CHANNEL_KIOSK);
  EXPECT_EQ(kiosk.template_id, "KIOSK_FAIR_ANNOUNCEMENT");
  EXPECT_THAT(kiosk.fields, UnorderedElementsAre(Pair("title", "招聘会：2026年春风行动专场招聘会"),
                                                 Pair("fair_id", "f_2026_spring")));
  EXPECT_EQ(kiosk.text, text);
}

TEST(RenderFairTest, DateOnlyAndNoNote) {
  Payload p = P({{"fair_name", "送岗位下乡"}, {"date", "2026年3月5日"}, {"venue", "罗江镇政府"}});
  Rendered wx = Render(v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT, p, v1::CHANNEL_WECHAT);
  EXPECT_THAT(wx.fields,
              UnorderedElementsAre(Pair("thing1", "送岗位下乡"), Pair("date2", "2026年3月5日"),
                                   Pair("thing3", "罗江镇政府"), Pair("thing4", "详见通知")));
  EXPECT_EQ(wx.text, "【招聘会】送岗位下乡\n时间：2026年3月5日\n地点：罗江镇政府");
  Rendered sms = Render(v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT, p, v1::CHANNEL_SMS);
  EXPECT_EQ(sms.text, "送岗位下乡将于2026年3月5日在罗江镇政府举办，详见通知");
}

TEST(RenderTransportTest, AllChannels) {
  Payload p = P({{"route", "通川区—广州务工返岗专车"},
                 {"date", "2026/2/18"},
                 {"time", "7:30"},
                 {"meeting_point", "达州火车站南广场"},
                 {"note", "免费乘车，请带身份证"}});
  Rendered wx = Render(v1::NOTIFICATION_KIND_RETURN_TRANSPORT, p, v1::CHANNEL_WECHAT);
  EXPECT_EQ(wx.template_id, "WX_RETURN_TRANSPORT");
  EXPECT_THAT(wx.fields, UnorderedElementsAre(Pair("thing1", "通川区—广州务工返岗专车"),
                                              Pair("time2", "2026年2月18日 07:30"),
                                              Pair("thing3", "达州火车站南广场"),
                                              Pair("thing4", "免费乘车，请带身份证")));
  EXPECT_EQ(wx.text,
            "【返岗交通】通川区—广州务工返岗专车\n"
            "出发时间：2026年2月18日 07:30\n"
            "集合地点：达州火车站南广场\n"
            "说明：免费乘车，请带身份证");
  ExpectWithinLimits(wx, v1::CHANNEL_WECHAT);

  Rendered sms = Render(v1::NOTIFICATION_KIND_RETURN_TRANSPORT, p, v1::CHANNEL_SMS);
  EXPECT_EQ(sms.template_id, "SMS_RETURN_TRANSPORT");
  EXPECT_THAT(sms.fields, UnorderedElementsAre(Pair("route", "通川区—广州务工返岗专车"),
                                               Pair("time", "2026年2月18日 07:30"),
                                               Pair("place", "达州火车站南广场"),
                                               Pair("note", "免费乘车，请带身份证")));
  EXPECT_EQ(sms.text,
            "通川区—广州务工返岗专车将于2026年2月18日 07:30出发，请到达州火车站南广场集合。"
            "免费乘车，请带身份证");
  ExpectWithinLimits(sms, v1::CHANNEL_SMS);
  EXPECT_EQ(Render(v1::NOTIFICATION_KIND_RETURN_TRANSPORT, p, v1::CHANNEL_KIOSK).fields["title"],
            "返岗交通：通川区—广州务工返岗专车");
}

TEST(RenderPolicyTest, AllChannelsAndLinksStrippedFromSms) {
  Payload p = P({{"title", "返乡创业担保贷款政策"},
                 {"summary", "最高可申请30万元创业担保贷款，财政贴息"},
                 {"details", "申请条件：返乡农民工，详见 https://tc.gov.cn/p/1 或到区就业局咨询"}});
  Rendered wx = Render(v1::NOTIFICATION_KIND_POLICY_NOTICE, p, v1::CHANNEL_WECHAT);
  EXPECT_EQ(wx.template_id, "WX_POLICY_NOTICE");
  EXPECT_THAT(wx.fields,
              UnorderedElementsAre(Pair("thing1", "返乡创业担保贷款政策"),
                                   Pair("thing2", "最高可申请30万元创业担保贷款，财政贴息"),  // 20
                                   Pair("phrase3", "政策通知")));
  EXPECT_EQ(wx.text,
            "【政策通知】返乡创业担保贷款政策\n"
            "最高可申请30万元创业担保贷款，财政贴息\n"
            "详情：申请条件：返乡农民工，详见 https://tc.gov.cn/p/1 或到区就业局咨询");
  ExpectWithinLimits(wx, v1::CHANNEL_WECHAT);

  Rendered sms = Render(v1::NOTIFICATION_KIND_POLICY_NOTICE, p, v1::CHANNEL_SMS);
  EXPECT_EQ(sms.template_id, "SMS_POLICY_NOTICE");
  EXPECT_EQ(sms.text, "政策通知：返乡创业担保贷款政策。最高可申请30万元创业担保贷款，财政贴息");

  p["summary"] = "补贴申领详见 https://tc.gov.cn/a?b=1 或 www.example.com 【通川人社】";
  sms = Render(v1::NOTIFICATION_KIND_POLICY_NOTICE, p, v1::CHANNEL_SMS);
  EXPECT_EQ(sms.fields["summary"], "补贴申领详见 或 [通川人社]");
  ExpectWithinLimits(sms, v1::CHANNEL_SMS);
  p["summary"] = "http://dwz.cn/x";
  EXPECT_EQ(Render(v1::NOTIFICATION_KIND_POLICY_NOTICE, p, v1::CHANNEL_SMS).fields["summary"],
            "详见通知");
}

TEST(RenderFreeTextTest, FirstTwentyCharactersAndTheWholeText) {
  const std::string words =
      "各位老乡：春节返乡期间，区就业局在各镇设立服务点，提供岗位信息和技能培训报名。";
  Payload p = P({{"text", words}});
  Rendered wx = Render(v1::NOTIFICATION_KIND_FREE_TEXT, p, v1::CHANNEL_WECHAT);
  EXPECT_EQ(wx.template_id, "WX_FREE_TEXT");
  EXPECT_THAT(wx.fields,
              UnorderedElementsAre(Pair("thing1", "各位老乡：春节返乡期间，区就业局在各镇…")));
  EXPECT_EQ(wx.text, words);
  Rendered sms = Render(v1::NOTIFICATION_KIND_FREE_TEXT, p, v1::CHANNEL_SMS);
  EXPECT_EQ(sms.template_id, "SMS_FREE_TEXT");
  EXPECT_THAT(
      sms.fields,
      UnorderedElementsAre(Pair(
          "content", "各位老乡：春节返乡期间，区就业局在各镇设立服务点，提供岗位信息和技能…")));
  EXPECT_EQ(sms.text, absl::StrCat("通知：", sms.fields["content"]));
  Rendered kiosk = Render(v1::NOTIFICATION_KIND_FREE_TEXT, p, v1::CHANNEL_KIOSK);
  EXPECT_EQ(kiosk.template_id, "KIOSK_FREE_TEXT");
  EXPECT_EQ(kiosk.text, words);
}

TEST(RenderTest, UnknownKindRendersNothing) {
  Rendered r = Render(v1::NOTIFICATION_KIND_UNSPECIFIED, P({{"text", "x"}}), v1::CHANNEL_WECHAT);
  EXPECT_EQ(r.template_id, "");
  EXPECT_THAT(r.fields, IsEmpty());
}

// Every kind, every channel, with long, odd and adversarial values in every
// key: the output obeys the channel's rules.
TEST(RenderTest, EveryTemplateStaysWithinLimitsOnAdversarialPayloads) {
  const std::vector<std::string> odd = {
      Repeat("很长的标题", 60),                        // 300 characters
      Repeat("🚌", 100) + "返岗专车",                   // emoji
      "Сварщик/welder/焊工/ئىشچى/ཁ་ལག",                // mixed scripts
      "123456 第1期 2026",                             // digits (phrase fields take none)
      "点击 https://evil.example.com/x?y=1 领取补贴",  // a link
      "\u200b\u200f\ufeff\u3000 ",                     // only invisible characters
      "【通川人社】" + Repeat("字", 40),
      std::string("bad\xff\xfe\xe7\x84"),  // invalid UTF-8 (not validated)
      "a\tb\r\nc",                         // control characters
  };
  for (v1::NotificationKind kind :
       {v1::NOTIFICATION_KIND_JOB_ALERT, v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT,
        v1::NOTIFICATION_KIND_POLICY_NOTICE, v1::NOTIFICATION_KIND_RETURN_TRANSPORT,
        v1::NOTIFICATION_KIND_FREE_TEXT}) {
    const PayloadSpec& spec = SpecFor(kind);
    for (const std::string& value : odd) {
      Payload p;
      for (const auto* keys : {&spec.required, &spec.optional}) {
        for (const std::string& key : *keys) p[key] = value;
      }
      // Keep the typed keys valid so the time/date fields have something.
      if (p.contains("date")) p["date"] = "2026-02-20";
      if (p.contains("time")) p["time"] = "08:30";
      if (p.contains("end_date")) p["end_date"] = "2026-02-21";
      if (p.contains("score")) p["score"] = "50";
      for (v1::Channel channel : {v1::CHANNEL_WECHAT, v1::CHANNEL_SMS, v1::CHANNEL_KIOSK}) {
        SCOPED_TRACE(absl::StrCat(v1::NotificationKind_Name(kind), " ", v1::Channel_Name(channel),
                                  " ", value));
        Rendered r = Render(kind, p, channel);
        if (channel == v1::CHANNEL_SMS && !SmsAllowed(kind)) {
          EXPECT_EQ(r.template_id, "");
          continue;
        }
        ExpectWithinLimits(r, channel);
        // Links never reach a WeChat field or an SMS.
        if (channel != v1::CHANNEL_KIOSK) {
          for (const auto& [name, v] : r.fields) {
            EXPECT_FALSE(absl::StrContains(v, "http") || absl::StrContains(v, "evil")) << name;
          }
        }
      }
    }
  }
}

// Dates and times that skipped validation still give valid typed fields,
// while the text shows what was given.
TEST(RenderTest, TypedFieldsHoldOnUnvalidatedDatesAndTimes) {
  for (const auto& [date, time] :
       std::vector<std::pair<std::string, std::string>>{{"", "09:00"},
                                                        {"2026-02-20", ""},
                                                        {"下周一", "上午"},
                                                        {"2026-02-30", "25:00"},
                                                        {"", ""}}) {
    SCOPED_TRACE(absl::StrCat(date, " / ", time));
    Payload p = P({{"fair_name", "招聘会"},
                   {"route", "专车"},
                   {"venue", "广场"},
                   {"meeting_point", "车站"},
                   {"date", date},
                   {"time", time}});
    for (v1::NotificationKind kind :
         {v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT, v1::NOTIFICATION_KIND_RETURN_TRANSPORT}) {
      ExpectWithinLimits(Render(kind, p, v1::CHANNEL_WECHAT), v1::CHANNEL_WECHAT);
    }
  }
  Payload p =
      P({{"route", "专车"}, {"date", "2026-02-20"}, {"time", "上午"}, {"meeting_point", "车站"}});
  Rendered r = Render(v1::NOTIFICATION_KIND_RETURN_TRANSPORT, p, v1::CHANNEL_WECHAT);
  EXPECT_EQ(r.fields["time2"], "00:00");
  EXPECT_THAT(r.text, HasSubstr("出发时间：2026年2月20日 上午"));
  p["time"] = "9:05";
  p["date"] = "";
  EXPECT_EQ(Render(v1::NOTIFICATION_KIND_RETURN_TRANSPORT, p, v1::CHANNEL_WECHAT).fields["time2"],
            "09:05");
}

TEST(RenderTest, KioskTextIsCutAtFiveHundredCharacters) {
  Payload p = P({{"title", Repeat("题", 500)},
                 {"summary", Repeat("要", 500)},
                 {"details", Repeat("详", 500)}});
  Rendered r = Render(v1::NOTIFICATION_KIND_POLICY_NOTICE, p, v1::CHANNEL_KIOSK);
  EXPECT_EQ(Utf8Length(r.text), 500u);
  EXPECT_TRUE(absl::StartsWith(r.text, "【政策通知】题题"));
  EXPECT_TRUE(absl::EndsWith(r.text, "题…"));
  EXPECT_EQ(r.fields["title"], "政策通知：" + Repeat("题", 24) + "…");
}

// ---------------------------------------------------------------------------
// Digests

Payload Alert(absl::string_view title, absl::string_view location, absl::string_view score,
              absl::string_view reason = "") {
  Payload p = P({{"vacancy_id", absl::StrCat("v_", score)},
                 {"title", std::string(title)},
                 {"wage", "4000-6000元/月"},
                 {"location", std::string(location)},
                 {"score", std::string(score)}});
  if (!reason.empty()) p["reason"] = std::string(reason);
  return p;
}

TEST(RenderDigestTest, BestJobLeadsAndTheRestAreSummarized) {
  Payload electrician = Alert("电工", "四川省达州市通川区蒲家镇", "70", "2项要求满足2项");
  Payload welder = Alert("焊工", kLuojiangFull, "90", "4项要求满足4项；同乡镇");
  Payload cook = Alert("厨师", "广东省深圳市南山区", "80");
  Rendered wx = RenderDigest({&electrician, &welder, &cook}, v1::CHANNEL_WECHAT);
  EXPECT_EQ(wx.template_id, "WX_JOB_DIGEST");
  EXPECT_THAT(wx.fields, UnorderedElementsAre(
                             Pair("thing1", "3个新岗位"), Pair("thing2", "焊工(通川区罗江镇)"),
                             Pair("thing3", "厨师、电工"), Pair("phrase4", "岗位汇总")));
  EXPECT_EQ(wx.text,
            "【岗位汇总】3个新岗位：焊工(通川区罗江镇) 等\n"
            "1. 焊工｜4000-6000元/月｜四川省达州市通川区罗江镇｜推荐理由：4项要求满足4项；同乡镇\n"
            "2. 厨师｜4000-6000元/月｜广东省深圳市南山区\n"
            "3. 电工｜4000-6000元/月｜四川省达州市通川区蒲家镇｜推荐理由：2项要求满足2项");
  ExpectWithinLimits(wx, v1::CHANNEL_WECHAT);

  Rendered kiosk = RenderDigest({&electrician, &welder, &cook}, v1::CHANNEL_KIOSK);
  EXPECT_EQ(kiosk.template_id, "KIOSK_JOB_DIGEST");
  EXPECT_THAT(kiosk.fields,
              UnorderedElementsAre(Pair("title", "3个新岗位：焊工(通川区罗江镇) 等")));
  EXPECT_EQ(kiosk.text, wx.text);
}

TEST(RenderDigestTest, EdgeCases) {
  Payload welder = Alert("焊工", kLuojiangFull, "90");
  EXPECT_EQ(RenderDigest({}, v1::CHANNEL_WECHAT).template_id, "");
  EXPECT_EQ(RenderDigest({nullptr}, v1::CHANNEL_WECHAT).template_id, "");
  EXPECT_EQ(RenderDigest({&welder, &welder}, v1::CHANNEL_SMS).template_id, "");
  // One alert is a plain job alert.
  Rendered one = RenderDigest({&welder, nullptr}, v1::CHANNEL_WECHAT);
  EXPECT_EQ(one.template_id, "WX_JOB_ALERT");
  EXPECT_EQ(one.fields, Render(v1::NOTIFICATION_KIND_JOB_ALERT, welder, v1::CHANNEL_WECHAT).fields);
  // Equal scores keep the given order.
  Payload a = Alert("保安", "", "60");
  Payload b = Alert("保洁", "", "60");
  EXPECT_EQ(RenderDigest({&a, &b}, v1::CHANNEL_WECHAT).fields["thing2"], "保安");
}

TEST(RenderDigestTest, ManyLongAlertsStayWithinLimits) {
  std::vector<Payload> payloads;
  const std::vector<std::string> titles = {"建筑工地钢筋工", "商场保安", "酒店厨师",
                                           "家政服务员",     "叉车司机", "电子厂普工"};
  for (size_t i = 0; i < titles.size(); ++i) {
    payloads.push_back(
        Alert(titles[i], kLuojiangFull, absl::StrCat(90 - i), Repeat("理由很长；", 60)));
  }
  std::vector<const Payload*> ptrs;
  for (const Payload& p : payloads) ptrs.push_back(&p);
  Rendered wx = RenderDigest(ptrs, v1::CHANNEL_WECHAT);
  EXPECT_EQ(wx.fields["thing1"], "6个新岗位");
  EXPECT_EQ(wx.fields["thing2"], "建筑工地钢筋工(通川区罗江镇)");
  EXPECT_EQ(wx.fields["thing3"], "商场保安、酒店厨师、家政服务员等5个");
  ExpectWithinLimits(wx, v1::CHANNEL_WECHAT);
  // Every job is listed, each cut to its share.
  for (int i = 1; i <= 6; ++i) EXPECT_THAT(wx.text, HasSubstr(absl::StrCat("\n", i, ". ")));

  // A title too long for thing3 is cut and still counts the others.
  Payload longest = Alert(Repeat("长", 40), "", "10");
  Payload other = Alert("保安", "", "5");
  Payload best = Alert(Repeat("焊", 40), kLuojiangFull, "99");
  Rendered cut = RenderDigest({&best, &longest, &other}, v1::CHANNEL_WECHAT);
  EXPECT_EQ(cut.fields["thing2"], Repeat("焊", 19) + "…");
  EXPECT_EQ(cut.fields["thing3"], Repeat("长", 16) + "…等2个");
  ExpectWithinLimits(cut, v1::CHANNEL_WECHAT);

  // Hundreds of alerts: the text is cut, the fields hold.
  std::vector<Payload> many(300, Alert(Repeat("岗", 100), kLuojiangFull, "50", Repeat("因", 400)));
  std::vector<const Payload*> many_ptrs;
  for (const Payload& p : many) many_ptrs.push_back(&p);
  Rendered big = RenderDigest(many_ptrs, v1::CHANNEL_KIOSK);
  EXPECT_EQ(Utf8Length(big.text), 500u);
  EXPECT_EQ(RenderDigest(many_ptrs, v1::CHANNEL_WECHAT).fields["thing1"], "300个新岗位");
  ExpectWithinLimits(RenderDigest(many_ptrs, v1::CHANNEL_WECHAT), v1::CHANNEL_WECHAT);
}

// ---------------------------------------------------------------------------
// Job-alert payloads from match events

TEST(WageTextTest, Forms) {
  EXPECT_EQ(WageText(400000, 600000), "4000-6000元/月");
  EXPECT_EQ(WageText(600000, 400000), "4000-6000元/月");
  EXPECT_EQ(WageText(500000, 500000), "5000元/月");
  EXPECT_EQ(WageText(450050, 0), "4501元/月起");  // whole yuan, rounded
  EXPECT_EQ(WageText(0, 600000), "最高6000元/月");
  EXPECT_EQ(WageText(0, 0), "面议");
  EXPECT_EQ(WageText(-5, 0), "面议");
}

TEST(ShortPlaceNameTest, DropsProvinceAndCity) {
  EXPECT_EQ(ShortPlaceName("四川省达州市通川区罗江镇"), "通川区罗江镇");
  EXPECT_EQ(ShortPlaceName("四川省达州市通川区"), "通川区");
  EXPECT_EQ(ShortPlaceName("四川省达州市"), "达州市");
  EXPECT_EQ(ShortPlaceName("四川省"), "四川省");
  EXPECT_EQ(ShortPlaceName("广东省深圳市南山区"), "南山区");
  EXPECT_EQ(ShortPlaceName("重庆市万州区"), "万州区");
  EXPECT_EQ(ShortPlaceName("四川省凉山彝族自治州西昌市"), "西昌市");
  EXPECT_EQ(ShortPlaceName("新疆维吾尔自治区乌鲁木齐市天山区"), "天山区");
  // Already short, or 市 inside a township's name: unchanged.
  EXPECT_EQ(ShortPlaceName("通川区罗江镇"), "通川区罗江镇");
  EXPECT_EQ(ShortPlaceName("通川区新市镇"), "通川区新市镇");
  EXPECT_EQ(ShortPlaceName(""), "");
}

v1::VacancyMatches WeldingVacancy() {
  v1::VacancyMatches vm;
  vm.set_vacancy_id("v_weld");
  vm.set_vacancy_version(3);
  vm.set_title("电焊工（四级）");
  vm.set_occupation_code("6-18-02-04");
  vm.set_location("511702102");
  vm.set_location_name(kLuojiangFull);
  vm.mutable_monthly_wage_min()->set_fen(400000);
  vm.mutable_monthly_wage_max()->set_fen(600000);
  return vm;
}

v1::Match WelderMatch() {
  v1::Match m;
  m.set_worker_id("w1");
  m.set_vacancy_id("v_weld");
  m.set_score(0.8734);
  m.set_vacancy_title("电焊工（四级）");
  auto part = [&m](const char* name, const char* reason) {
    v1::ScorePart* p = m.add_parts();
    p->set_name(name);
    p->set_reason(reason);
    if (*reason != '\0') m.add_reasons(reason);
  };
  part("skill", "4项要求满足4项");
  part("certificate", "持有相关证书 焊工（已核验）");
  part("location", "同乡镇（离户籍地）：四川省达州市通川区罗江镇");
  part("wage", "月薪4000–6000元，不低于期望3500元");
  part("freshness", "今天发布");
  part("brand", "");
  part("return_plan", "");
  return m;
}

TEST(JobAlertPayloadTest, FromAMatchEvent) {
  Payload p = JobAlertPayload(WeldingVacancy(), WelderMatch());
  EXPECT_THAT(
      p, UnorderedElementsAre(
             Pair("vacancy_id", "v_weld"), Pair("title", "电焊工（四级）"),
             Pair("wage", "4000-6000元/月"), Pair("location", kLuojiangFull),
             Pair("place", "通川区罗江镇"),
             Pair("reason",
                  "4项要求满足4项；持有相关证书 焊工（已核验）；同乡镇（离户籍地）：四川省达州"
                  "市通川区罗江镇；月薪4000–6000元，不低于期望3500元；今天发布"),
             Pair("highlight", "技能要求全部满足，同乡镇，工资达到期望"), Pair("score", "87")));
  EXPECT_TRUE(ValidatePayload(v1::NOTIFICATION_KIND_JOB_ALERT, p).ok());
  Rendered wx = Render(v1::NOTIFICATION_KIND_JOB_ALERT, p, v1::CHANNEL_WECHAT);
  EXPECT_EQ(wx.fields["thing4"], "技能要求全部满足，同乡镇，工资达到期望");
  EXPECT_THAT(wx.text, HasSubstr("推荐理由：4项要求满足4项；持有相关证书"));
}

TEST(JobAlertPayloadTest, PartialSkillsAndFarAway) {
  v1::VacancyMatches vm = WeldingVacancy();
  vm.set_location("440305");
  vm.set_location_name("广东省深圳市南山区");
  vm.clear_monthly_wage_min();
  vm.clear_monthly_wage_max();
  v1::Match m;
  m.set_vacancy_id("v_weld");
  m.set_score(0.41);
  v1::ScorePart* skill = m.add_parts();
  skill->set_name("skill");
  skill->set_reason("4项要求满足3项");
  v1::ScorePart* loc = m.add_parts();
  loc->set_name("location");
  loc->set_reason("外省：广东省深圳市南山区");
  v1::ScorePart* brand = m.add_parts();
  brand->set_name("brand");
  brand->set_reason("巴山建工劳务品牌对口岗位");
  Payload p = JobAlertPayload(vm, m);
  EXPECT_EQ(p["wage"], "面议");
  EXPECT_EQ(p["place"], "南山区");
  EXPECT_EQ(p["highlight"], "技能满足3/4项");  // the brand line does not fit after it
  EXPECT_EQ(p["score"], "41");
  EXPECT_FALSE(p.contains("reason"));  // the match carried no reason lines
}

TEST(JobAlertPayloadTest, HostileEventStillValidates) {
  v1::VacancyMatches vm;
  vm.set_vacancy_id("v_x");
  vm.set_title(Repeat("焊\n工", 400));
  vm.set_location_name(std::string("bad\xff") + Repeat("镇", 600));
  v1::Match m;
  m.set_score(7.5);  // out of range: clamped
  for (int i = 0; i < 100; ++i) m.add_reasons(Repeat("理由", 10));
  Payload p = JobAlertPayload(vm, m);
  EXPECT_TRUE(ValidatePayload(v1::NOTIFICATION_KIND_JOB_ALERT, p).ok())
      << ValidatePayload(v1::NOTIFICATION_KIND_JOB_ALERT, p);
  EXPECT_EQ(p["score"], "100");
  EXPECT_EQ(Utf8Length(p["title"]), 500u);
  EXPECT_EQ(p.count("highlight"), 0u);
  // No title at all: the match's, else a placeholder.
  v1::VacancyMatches untitled;
  untitled.set_vacancy_id("v_y");
  EXPECT_EQ(JobAlertPayload(untitled, v1::Match()).at("title"), "新岗位");
  EXPECT_EQ(JobAlertPayload(untitled, v1::Match()).count("score"), 0u);
}

TEST(JobAlertPayloadTest, PlaceFromTheRegionRegistry) {
  auto regions = RegionRegistry::LoadFromDir(labor::testing::SourcePath("data/regions"));
  ASSERT_TRUE(regions.ok()) << regions.status();
  v1::VacancyMatches vm = WeldingVacancy();
  vm.clear_location_name();  // the registry fills it in
  Payload p = JobAlertPayload(vm, WelderMatch(), regions->get());
  EXPECT_EQ(p["location"], kLuojiangFull);
  EXPECT_EQ(p["place"], "通川区罗江镇");
  vm.set_location("511722");
  vm.clear_location_name();
  p = JobAlertPayload(vm, WelderMatch(), regions->get());
  EXPECT_EQ(p["place"], "宣汉县");
}

}  // namespace
}  // namespace labor::notify
