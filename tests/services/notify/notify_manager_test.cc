// NotifyManager with a manual clock: idempotent intake, delivery and acks,
// backoff timing, attempt limits, TTL expiry, quiet hours, daily caps and
// digests, consent and WeChat 43101, erasure, segment expansion through a
// real ProfileService, restarts, backpressure, stats and match events.
#include "services/notify/notify_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/services/notify/notify_fixture.h"
#include "tests/testing/grpc_checks.h"

namespace labor::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MakeCaller;
using testing::NotifyFixture;
using testing::RecordingSink;
using ::testing::SizeIs;
using testing::WorkerSpec;

class NotifyManagerTest : public NotifyFixture {
 protected:
  void SetUp() override {
    NotifyFixture::SetUp();
    options_.wechat_retry.max_attempts = 3;
    options_.wechat_retry.initial = absl::Seconds(10);
    options_.wechat_retry.jitter = 0.2;
    options_.ack_timeout = absl::Seconds(30);
    OpenManager();
  }
};

TEST_F(NotifyManagerTest, DeliveredOnceAckedWithItsHistory) {
  const std::string worker = Register();
  RecordingSink sink;
  Subscribe(&sink);
  const std::string id = Enqueue(Policy(worker, "k1"));
  EXPECT_EQ(Message(id).status(), v1::NOTIFICATION_STATUS_QUEUED);

  EXPECT_EQ(manager_->DispatchOnce(), 1);
  std::vector<v1::Delivery> got = sink.Take();
  ASSERT_THAT(got, SizeIs(1));
  EXPECT_EQ(got[0].message_id(), id);
  EXPECT_EQ(got[0].delivery_id(), id + "#1");
  EXPECT_EQ(got[0].worker_id(), worker);
  EXPECT_EQ(got[0].wechat_openid(), GetWorker(worker).wechat_openid());
  EXPECT_EQ(got[0].fields().at("thing1"), "返乡创业补贴");
  EXPECT_EQ(Message(id).status(), v1::NOTIFICATION_STATUS_SENT);

  ASSERT_TRUE(AckAll(got).ok());
  v1::Message m = Message(id);
  EXPECT_EQ(m.status(), v1::NOTIFICATION_STATUS_DELIVERED);
  EXPECT_THAT(Codes(m), ElementsAre("queued", "sent", "delivered"));
  EXPECT_EQ(m.history(1).channel(), v1::CHANNEL_WECHAT);
  EXPECT_EQ(m.history(1).delivery_id(), id + "#1");
  // A repeated ack changes nothing.
  v1::AckRequest again;
  again.add_acks()->set_delivery_id(id + "#1");
  again.mutable_acks(0)->set_ok(true);
  auto stale = manager_->Ack(MakeCaller(Role::kService), again);
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->stale(), 1);
  EXPECT_EQ(stale->applied(), 0);
  // Nothing left to send.
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(manager_->DispatchOnce(), 0);
  EXPECT_TRUE(sink.Take().empty());
}

TEST_F(NotifyManagerTest, IdempotencyKeyReplaysTheOriginal) {
  const std::string worker = Register();
  v1::EnqueueRequest r;
  *r.add_notifications() = Policy(worker, "same-key");
  auto first = manager_->Enqueue(MakeCaller(Role::kService), r);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->results(0).duplicate());
  auto replay = manager_->Enqueue(MakeCaller(Role::kService), r);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->results(0).duplicate());
  EXPECT_EQ(replay->results(0).notification_id(), first->results(0).notification_id());
  EXPECT_EQ(replay->results(0).message_id(), first->results(0).message_id());

  // The same key promising something else is refused, naming the field.
  v1::EnqueueRequest other;
  *other.add_notifications() = Policy(worker, "same-key");
  (*other.mutable_notifications(0)->mutable_payload())["title"] = "另一条通知";
  auto conflict = manager_->Enqueue(MakeCaller(Role::kService), other);
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(conflict.status().message(), HasSubstr("notifications[0].idempotency_key"));
  EXPECT_THAT(conflict.status().message(), HasSubstr(first->results(0).notification_id()));

  // Keys are per tenant.
  auto admin = manager_->Enqueue(MakeCaller(Role::kAdmin), r);
  ASSERT_TRUE(admin.ok());
  EXPECT_FALSE(admin->results(0).duplicate());

  // One message only, however often it was replayed.
  RecordingSink sink;
  Subscribe(&sink);
  manager_->DispatchOnce();
  EXPECT_THAT(sink.Take(), SizeIs(2));  // the service's and the admin's

  // After the dedup window the key is free again.
  clock_.Advance(options_.dedup_window + absl::Minutes(1));
  auto later = manager_->Enqueue(MakeCaller(Role::kService), r);
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(later->results(0).duplicate());
  EXPECT_NE(later->results(0).notification_id(), first->results(0).notification_id());
}

TEST_F(NotifyManagerTest, UnackedDeliveriesBackOffThenFail) {
  const std::string worker = Register();
  RecordingSink sink;
  Subscribe(&sink);
  const std::string id = Enqueue(Policy(worker, "k"));
  manager_->DispatchOnce();
  ASSERT_THAT(sink.Take(), SizeIs(1));
  // The subscriber acks other messages, just never this one: the message,
  // not the subscriber, is the problem, so its attempts count.
  int others = 0;
  auto ack_another = [&] {
    Enqueue(Policy(worker, absl::StrCat("other-", ++others)));
    manager_->DispatchOnce();
    std::vector<v1::Delivery> other = sink.Take();
    ASSERT_THAT(other, SizeIs(1));
    ASSERT_TRUE(AckAll(other).ok());
  };
  ack_another();

  // No ack within the timeout: back to the queue with a backoff of
  // 10 s +-20% (attempt 1), then 20 s +-20% (attempt 2), then failed
  // (3 attempts).
  absl::Time sent_at = clock_.Now();
  for (int attempt = 1; attempt <= 2; ++attempt) {
    clock_.Advance(options_.ack_timeout - absl::Seconds(1));
    EXPECT_EQ(manager_->DispatchOnce(), 0) << "not yet timed out";
    clock_.Advance(absl::Seconds(1));
    EXPECT_EQ(manager_->DispatchOnce(), 1);
    v1::Message m = Message(id);
    EXPECT_EQ(m.status(), v1::NOTIFICATION_STATUS_QUEUED);
    EXPECT_THAT(m.history().rbegin()->reason(), HasSubstr("no_ack"));
    const absl::Duration base = absl::Seconds(10) * (attempt == 1 ? 1 : 2);
    // Find when it goes again: not before base * 0.8, not after base * 1.2.
    clock_.Advance(base * 0.8 - absl::Milliseconds(1));
    EXPECT_EQ(manager_->DispatchOnce(), 0);
    EXPECT_TRUE(sink.Take().empty());
    absl::Duration waited = base * 0.8;
    while (sink.Take().empty()) {
      clock_.Advance(absl::Milliseconds(100));
      waited += absl::Milliseconds(100);
      manager_->DispatchOnce();
      ASSERT_LE(waited, base * 1.2 + absl::Milliseconds(100)) << "attempt " << attempt;
    }
    EXPECT_EQ(Message(id).attempts(), attempt + 1);
    sent_at = clock_.Now();
    ack_another();
  }
  clock_.Advance(options_.ack_timeout);
  manager_->DispatchOnce();
  v1::Message m = Message(id);
  EXPECT_EQ(m.status(), v1::NOTIFICATION_STATUS_FAILED);
  EXPECT_THAT(m.history().rbegin()->reason(), HasSubstr("已尝试3次"));
  (void)sent_at;
}

TEST_F(NotifyManagerTest, AStalledSubscriberGetsNoMoreAndCostsNoAttempts) {
  // Small windows and batches: 12 messages, a window of 4, 3 attempts.
  options_.max_in_flight_per_subscriber = 4;
  options_.dispatch_batch = 3;
  OpenManager();
  const std::string worker = Register();
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(Enqueue(Policy(worker, absl::StrCat("k", i))));

  // Alone, a subscriber that stops reading fills its window and gets no
  // more; the waiting messages (more than a batch) must not keep its
  // deliveries from timing out.
  RecordingSink stalled;
  Subscribe(&stalled);
  for (int i = 0; i < 10; ++i) manager_->DispatchOnce();
  ASSERT_THAT(stalled.Take(), SizeIs(4));
  clock_.Advance(options_.ack_timeout);
  for (int i = 0; i < 10; ++i) manager_->DispatchOnce();
  int timed_out = 0;
  for (const std::string& id : ids) {
    const std::vector<std::string> codes = Codes(Message(id));
    timed_out += std::count(codes.begin(), codes.end(), "subscriber_stalled");
  }
  EXPECT_EQ(timed_out, 4);
  // Now only one probe at a time, so it is found again if it recovers.
  EXPECT_THAT(stalled.Take(), SizeIs(1));

  // Round after round it stays stalled: its lost attempts are not charged,
  // so nothing fails (3 attempts would be used up by now).
  for (int round = 0; round < 4; ++round) {
    clock_.Advance(options_.ack_timeout);
    for (int i = 0; i < 10; ++i) manager_->DispatchOnce();
    EXPECT_THAT(stalled.Take(), SizeIs(1)) << round;
  }

  // A healthy subscriber joins: it gets everything, the stalled one nothing
  // more (not even while the healthy one's window is full), and every
  // message is delivered.
  RecordingSink healthy;
  Subscribe(&healthy);
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 10; ++i) manager_->DispatchOnce();
    std::vector<v1::Delivery> got = healthy.Take();
    if (!got.empty()) ASSERT_TRUE(AckAll(got).ok());
    clock_.Advance(options_.ack_timeout);
  }
  EXPECT_TRUE(stalled.Take().empty());
  for (const std::string& id : ids) {
    v1::Message m = Message(id);
    EXPECT_EQ(m.status(), v1::NOTIFICATION_STATUS_DELIVERED) << id << " " << m.DebugString();
  }
}

TEST_F(NotifyManagerTest, AStalledSubscriberThatAcksAgainGetsItsWindowBack) {
  options_.max_in_flight_per_subscriber = 4;
  OpenManager();
  const std::string worker = Register();
  for (int i = 0; i < 12; ++i) Enqueue(Policy(worker, absl::StrCat("k", i)));
  RecordingSink sink;
  Subscribe(&sink);
  manager_->DispatchOnce();
  ASSERT_THAT(sink.Take(), SizeIs(4));
  clock_.Advance(options_.ack_timeout);
  manager_->DispatchOnce();
  std::vector<v1::Delivery> probe = sink.Take();
  ASSERT_THAT(probe, SizeIs(1));
  // It reads and acks again: a full window at once.
  ASSERT_TRUE(AckAll(probe).ok());
  manager_->DispatchOnce();
  EXPECT_THAT(sink.Take(), SizeIs(4));
}

TEST_F(NotifyManagerTest, ChannelErrorsRetryAndWechat43101WithdrawsConsent) {
  const std::string worker = Register();
  RecordingSink sink;
  Subscribe(&sink);
  const std::string id = Enqueue(Policy(worker, "k"));
  manager_->DispatchOnce();
  std::vector<v1::Delivery> got = sink.Take();
  ASSERT_THAT(got, SizeIs(1));
  // A transient WeChat error: retried later, with the error in the history.
  ASSERT_TRUE(AckAll(got, false, 45009).ok());
  v1::Message m = Message(id);
  EXPECT_EQ(m.status(), v1::NOTIFICATION_STATUS_QUEUED);
  EXPECT_EQ(m.history().rbegin()->channel_error_code(), 45009);
  clock_.Advance(absl::Seconds(13));
  manager_->DispatchOnce();
  got = sink.Take();
  ASSERT_THAT(got, SizeIs(1));
  EXPECT_EQ(got[0].attempt(), 2);

  // 43101: the user refused. Failed for good, consent withdrawn in
  // ProfileService, and the next message is not even tried.
  ASSERT_TRUE(AckAll(got, false, 43101).ok());
  m = Message(id);
  EXPECT_EQ(m.status(), v1::NOTIFICATION_STATUS_FAILED);
  EXPECT_THAT(m.history().rbegin()->reason(), HasSubstr("43101"));
  EXPECT_FALSE(GetWorker(worker).consent().wechat());
  const std::string next = Enqueue(Policy(worker, "k2"));
  manager_->DispatchOnce();
  EXPECT_TRUE(sink.Take().empty());
  EXPECT_EQ(Message(next).status(), v1::NOTIFICATION_STATUS_SUPPRESSED);
  EXPECT_EQ(Codes(Message(next)).back(), "no_channel");
}

TEST_F(NotifyManagerTest, ConsentAndErasureSuppress) {
  const std::string no_consent = Register({.wechat = false});
  const std::string no_openid = Register({.openid = false});
  const std::string erased = Register();
  RecordingSink sink;
  Subscribe(&sink);
  // Erase through ProfileService and deliver its event to the directory, as
  // the profile stream consumer does.
  v1::EraseWorkerRequest erase;
  erase.set_worker_id(erased);
  erase.set_reason("本人申请删除");
  v1::EraseWorkerResponse erased_response;
  ASSERT_TRUE(profile_->stub()
                  ->EraseWorker(profile_->Context(Role::kAdmin).get(), erase, &erased_response)
                  .ok());
  v1::Event event;
  event.set_type("worker.erased");
  event.set_entity_id(erased);
  event.set_entity_version(std::numeric_limits<int64_t>::max());
  directory_->ApplyEvent(event);

  const std::string a = Enqueue(Policy(no_consent, "a"));
  const std::string b = Enqueue(Policy(no_openid, "b"));
  const std::string c = Enqueue(Policy(erased, "c"));
  const std::string d = Enqueue(Policy("w_never_existed", "d"));
  manager_->DispatchOnce();
  EXPECT_TRUE(sink.Take().empty());
  for (const auto& [id, code] : std::vector<std::pair<std::string, std::string>>{
           {a, "no_channel"}, {b, "no_channel"}, {c, "worker_gone"}, {d, "worker_gone"}}) {
    v1::Message m = Message(id);
    EXPECT_EQ(m.status(), v1::NOTIFICATION_STATUS_SUPPRESSED) << id;
    EXPECT_EQ(Codes(m).back(), code) << id;
  }
  // The reason says what is missing, for this worker.
  EXPECT_EQ(Message(a).history().rbegin()->reason(),
            "no_channel: 本人未同意微信通知，本人未同意短信通知");
  EXPECT_EQ(Message(b).history().rbegin()->reason(), "no_channel: 未绑定微信，本人未同意短信通知");
  // Asking for WeChat explicitly names the missing consent.
  v1::Notification explicit_wechat = Policy(no_consent, "e");
  explicit_wechat.set_channel(v1::CHANNEL_WECHAT);
  const std::string e = Enqueue(explicit_wechat);
  manager_->DispatchOnce();
  EXPECT_EQ(Codes(Message(e)).back(), "no_consent");
}

TEST_F(NotifyManagerTest, TtlExpiresWhatCouldNotBeDelivered) {
  const std::string worker = Register();
  v1::Notification n = Policy(worker, "k");
  n.mutable_ttl()->set_seconds(60);
  const std::string id = Enqueue(n);
  // No subscriber: it waits (noted once), then expires instead of going late.
  manager_->DispatchOnce();
  clock_.Advance(absl::Seconds(30));
  manager_->DispatchOnce();
  v1::Message m = Message(id);
  EXPECT_EQ(m.status(), v1::NOTIFICATION_STATUS_QUEUED);
  EXPECT_THAT(Codes(m), ElementsAre("queued", "no_subscriber"));
  clock_.Advance(absl::Seconds(31));
  manager_->DispatchOnce();
  RecordingSink sink;
  Subscribe(&sink);
  manager_->DispatchOnce();
  EXPECT_TRUE(sink.Take().empty());
  m = Message(id);
  EXPECT_EQ(m.status(), v1::NOTIFICATION_STATUS_EXPIRED);
  EXPECT_EQ(Codes(m).back(), "ttl");
}

TEST_F(NotifyManagerTest, QuietHoursHoldNormalMessagesNotUrgentOnes) {
  const std::string worker = Register();
  RecordingSink sink;
  Subscribe(&sink);
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 11, 30, 23, 15, 0), ShanghaiTime()));
  const std::string normal = Enqueue(Policy(worker, "normal"));
  v1::Notification urgent = Policy(worker, "urgent");
  urgent.set_kind(v1::NOTIFICATION_KIND_RETURN_TRANSPORT);
  urgent.clear_payload();
  (*urgent.mutable_payload())["route"] = "通川—东莞 返岗专车";
  (*urgent.mutable_payload())["date"] = "2026-12-01";
  (*urgent.mutable_payload())["time"] = "06:30";
  (*urgent.mutable_payload())["meeting_point"] = "通川区人社局";
  urgent.set_priority(v1::PRIORITY_URGENT);
  const std::string urgent_id = Enqueue(urgent);
  manager_->DispatchOnce();
  std::vector<v1::Delivery> got = sink.Take();
  ASSERT_THAT(got, SizeIs(1));
  EXPECT_EQ(got[0].message_id(), urgent_id);
  ASSERT_TRUE(AckAll(got).ok());
  v1::Message m = Message(normal);
  EXPECT_EQ(m.status(), v1::NOTIFICATION_STATUS_QUEUED);
  EXPECT_THAT(m.history().rbegin()->reason(), HasSubstr("08:00"));
  // 07:59 still quiet; 08:00 it goes.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 12, 1, 7, 59, 0), ShanghaiTime()));
  manager_->DispatchOnce();
  EXPECT_TRUE(sink.Take().empty());
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 12, 1, 8, 0, 0), ShanghaiTime()));
  manager_->DispatchOnce();
  got = sink.Take();
  ASSERT_THAT(got, SizeIs(1));
  EXPECT_EQ(got[0].message_id(), normal);
}

TEST_F(NotifyManagerTest, WaitingJobAlertsMergeIntoOneDigestAndTheDailyCapHolds) {
  const std::string worker = Register();
  RecordingSink sink;
  Subscribe(&sink);
  // Five alerts arrive during quiet hours.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 11, 30, 22, 30, 0), ShanghaiTime()));
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Enqueue(JobAlert(worker, absl::StrCat("job", i), absl::StrCat("岗位", i))));
    clock_.Advance(absl::Minutes(10));
  }
  manager_->DispatchOnce();
  EXPECT_TRUE(sink.Take().empty());
  // 08:00: one digest carries all five.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 12, 1, 8, 0, 0), ShanghaiTime()));
  manager_->DispatchOnce();
  std::vector<v1::Delivery> got = sink.Take();
  ASSERT_THAT(got, SizeIs(1));
  EXPECT_EQ(got[0].merged_message_ids_size(), 4);
  EXPECT_THAT(got[0].fields().at("thing1"), HasSubstr("5"));
  ASSERT_TRUE(AckAll(got).ok());
  for (const std::string& id : ids) {
    EXPECT_EQ(Message(id).status(), v1::NOTIFICATION_STATUS_DELIVERED) << id;
  }
  // The stats followed the merged alerts too: five delivered on WeChat,
  // nothing left counted as waiting.
  auto stats = manager_->GetStats(MakeCaller(Role::kAdmin), v1::StatsRequest());
  ASSERT_TRUE(stats.ok());
  for (const v1::StatsRow& row : stats->rows()) {
    EXPECT_EQ(row.channel(), v1::CHANNEL_WECHAT);
    EXPECT_EQ(row.status(), v1::NOTIFICATION_STATUS_DELIVERED);
    EXPECT_EQ(row.count(), 5);
  }
  // A worker's messages page by page, newest first.
  v1::ListMessagesRequest list;
  list.set_worker_id(worker);
  list.mutable_page()->set_page_size(2);
  std::vector<std::string> listed;
  do {
    auto page = manager_->ListMessages(MakeCaller(Role::kAdmin), list);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const v1::Message& m : page->messages()) listed.push_back(m.message_id());
    list.mutable_page()->set_page_token(page->page().next_page_token());
  } while (!list.page().page_token().empty());
  EXPECT_EQ(listed, std::vector<std::string>(ids.rbegin(), ids.rend()));
  // The digest counted once: two more alerts go out one by one, the next is
  // over the cap of 3.
  for (int i = 5; i < 8; ++i) {
    const std::string id = Enqueue(JobAlert(worker, absl::StrCat("job", i)));
    manager_->DispatchOnce();
    got = sink.Take();
    if (i < 7) {
      ASSERT_THAT(got, SizeIs(1)) << i;
      ASSERT_TRUE(AckAll(got).ok());
    } else {
      EXPECT_TRUE(got.empty());
      EXPECT_EQ(Message(id).status(), v1::NOTIFICATION_STATUS_SUPPRESSED);
      EXPECT_EQ(Codes(Message(id)).back(), "daily_cap");
    }
  }
  // Other kinds are not capped; the next day job alerts flow again.
  Enqueue(Policy(worker, "policy"));
  manager_->DispatchOnce();
  EXPECT_THAT(sink.Take(), SizeIs(1));
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 12, 2, 9, 0, 0), ShanghaiTime()));
  Enqueue(JobAlert(worker, "next-day"));
  manager_->DispatchOnce();
  EXPECT_THAT(sink.Take(), SizeIs(1));
}

TEST_F(NotifyManagerTest, SegmentsExpandThroughProfileService) {
  const std::string a = Register({.township = "511702102", .skill = "6-29-01-01"});
  const std::string b = Register({.township = "511702102", .skill = "6-18-02-04"});
  const std::string c = Register({.township = "511702103", .skill = "6-29-01-01"});
  const std::string d = Register({.township = "511702102",
                                  .skill = "6-29-01-01",
                                  .status = v1::EMPLOYMENT_STATUS_EMPLOYED_LOCAL});
  const std::string e = Register({.township = "511702102",
                                  .skill = "6-29-01-01",
                                  .intent = v1::RETURN_INTENT_LOCAL_JOB,
                                  .current_location = "440306"});
  options_.expansion_page_size = 2;  // several pages
  OpenManager();
  v1::Notification n;
  n.set_idempotency_key("fair-2026-12");
  n.set_kind(v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT);
  (*n.mutable_payload())["fair_name"] = "2026年就业援助月招聘会";
  (*n.mutable_payload())["date"] = "2026-12-05";
  (*n.mutable_payload())["venue"] = "通川区人力资源市场";
  n.mutable_segment()->add_townships("511702102");
  n.mutable_segment()->add_occupation_prefixes("6-29");
  n.mutable_segment()->add_statuses(v1::EMPLOYMENT_STATUS_UNEMPLOYED);
  v1::EnqueueRequest r;
  *r.add_notifications() = n;
  auto response = manager_->Enqueue(MakeCaller(Role::kAdmin), r);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->results(0).recipients(), -1);
  int steps = 0;
  while (manager_->ExpandOnce()) ASSERT_LT(++steps, 20);
  v1::GetNotificationRequest get;
  get.set_notification_id(response->results(0).notification_id());
  auto stored = manager_->GetNotification(MakeCaller(Role::kAdmin), get);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->recipients(), 2);  // a and e
  EXPECT_EQ(stored->status_counts().at("QUEUED"), 2);
  v1::ListMessagesRequest list;
  list.set_notification_id(get.notification_id());
  auto messages = manager_->ListMessages(MakeCaller(Role::kAdmin), list);
  ASSERT_TRUE(messages.ok()) << messages.status();
  std::set<std::string> workers;
  for (const v1::Message& m : messages->messages()) workers.insert(m.worker_id());
  EXPECT_EQ(workers, (std::set<std::string>{a, e}));
  (void)b, (void)c, (void)d;

  // Narrower: the returnees who want a local job, working in Shenzhen now.
  v1::Notification returnees = n;
  returnees.set_idempotency_key("returnees");
  returnees.mutable_segment()->clear_occupation_prefixes();
  returnees.mutable_segment()->clear_statuses();
  returnees.mutable_segment()->set_return_intent(v1::RETURN_INTENT_LOCAL_JOB);
  returnees.mutable_segment()->set_current_location_prefix("4403");
  v1::EnqueueRequest r2;
  *r2.add_notifications() = returnees;
  auto second = manager_->Enqueue(MakeCaller(Role::kAdmin), r2);
  ASSERT_TRUE(second.ok()) << second.status();
  while (manager_->ExpandOnce()) {
  }
  get.set_notification_id(second->results(0).notification_id());
  stored = manager_->GetNotification(MakeCaller(Role::kAdmin), get);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->recipients(), 1);

  // The messages go out like any other.
  RecordingSink sink;
  Subscribe(&sink);
  manager_->DispatchOnce();
  EXPECT_THAT(sink.Take(), SizeIs(3));
}

TEST_F(NotifyManagerTest, InFlightMessagesGoOutAgainAfterARestartOrADisconnect) {
  const std::string worker = Register();
  RecordingSink first;
  const int64_t handle = Subscribe(&first);
  const std::string id = Enqueue(Policy(worker, "k"));
  manager_->DispatchOnce();
  ASSERT_THAT(first.Take(), SizeIs(1));
  // The subscriber goes away: the unacked delivery is queued at once.
  first.Close();
  manager_->Unsubscribe(handle);
  EXPECT_EQ(Codes(Message(id)).back(), "subscriber_gone");
  RecordingSink second;
  Subscribe(&second);
  manager_->DispatchOnce();
  std::vector<v1::Delivery> got = second.Take();
  ASSERT_THAT(got, SizeIs(1));
  EXPECT_EQ(got[0].attempt(), 2);

  // While it is in flight, reads show the live state.
  EXPECT_EQ(Message(id).status(), v1::NOTIFICATION_STATUS_SENT);
  // The process dies with the message in flight: after the restart it goes
  // out again without waiting for the ack timeout. Its SENT state was not
  // written (soft state), so it goes out as attempt 2 again: the same
  // message_id, which the subscriber deduplicates.
  OpenManager();
  EXPECT_EQ(Message(id).status(), v1::NOTIFICATION_STATUS_QUEUED);
  RecordingSink third;
  Subscribe(&third);
  manager_->DispatchOnce();
  got = third.Take();
  ASSERT_THAT(got, SizeIs(1));
  EXPECT_EQ(got[0].message_id(), id);
  EXPECT_EQ(got[0].attempt(), 2);
  ASSERT_TRUE(AckAll(got).ok());
  EXPECT_EQ(Message(id).status(), v1::NOTIFICATION_STATUS_DELIVERED);
}

TEST_F(NotifyManagerTest, KioskMessagesGoToTheKioskOfTheWorkersTownship) {
  // No push consent is needed: a kiosk shows the message when the worker
  // is there.
  const std::string worker = Register({.township = "511702102", .wechat = false});
  RecordingSink elsewhere, home;
  const Caller kiosk = MakeCaller(Role::kKiosk);
  Subscribe(&elsewhere, v1::CHANNEL_KIOSK, "511702103");
  v1::Notification n = Policy(worker, "kiosk");
  n.set_channel(v1::CHANNEL_KIOSK);
  const std::string id = Enqueue(n);
  manager_->DispatchOnce();
  EXPECT_TRUE(elsewhere.Take().empty());
  EXPECT_EQ(Codes(Message(id)).back(), "no_subscriber");
  Subscribe(&home, v1::CHANNEL_KIOSK, "511702102", kiosk);
  clock_.Advance(options_.no_subscriber_retry);
  manager_->DispatchOnce();
  std::vector<v1::Delivery> got = home.Take();
  ASSERT_THAT(got, SizeIs(1));
  EXPECT_TRUE(got[0].wechat_openid().empty());
  EXPECT_THAT(got[0].text(), HasSubstr("返乡创业补贴"));
  EXPECT_TRUE(elsewhere.Take().empty());
  // A kiosk acks only kiosk deliveries; the WeChat backend may not ack it.
  v1::AckRequest ack;
  ack.add_acks()->set_delivery_id(got[0].delivery_id());
  ack.mutable_acks(0)->set_ok(true);
  EXPECT_EQ(manager_->Ack(MakeCaller(Role::kWechat), ack).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Nor may another kiosk site: only the subscription that holds it.
  Caller other_site = kiosk;
  other_site.tenant = "fair-site-other";
  auto foreign = manager_->Ack(other_site, ack);
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(foreign.status().message(), HasSubstr("acks[0]"));
  EXPECT_EQ(Message(id).status(), v1::NOTIFICATION_STATUS_SENT);
  ASSERT_TRUE(manager_->Ack(kiosk, ack).ok());
  EXPECT_EQ(Message(id).status(), v1::NOTIFICATION_STATUS_DELIVERED);
}

TEST_F(NotifyManagerTest, WorkersWhomSmsCannotCarryAMessageSeeItAtTheirKiosk) {
  // Consented to SMS, not to WeChat: a job alert (or a fair whose name SMS
  // may not carry) goes to the kiosk of the worker's township, saying why;
  // a worker who consented to neither is suppressed, saying that.
  const std::string sms_only = Register({.township = "511702102", .wechat = false, .sms = true});
  const std::string neither = Register({.township = "511702102", .wechat = false});
  RecordingSink kiosk;
  Subscribe(&kiosk, v1::CHANNEL_KIOSK, "511702102", MakeCaller(Role::kKiosk));
  const std::string alert = Enqueue(JobAlert(sms_only, "alert"));
  v1::Notification fair;
  fair.set_idempotency_key("fair");
  fair.set_worker_id(sms_only);
  fair.set_kind(v1::NOTIFICATION_KIND_FAIR_ANNOUNCEMENT);
  (*fair.mutable_payload())["fair_name"] = "春风行动招聘会";
  (*fair.mutable_payload())["date"] = "2026-12-20";
  (*fair.mutable_payload())["venue"] = "罗江镇文化广场";
  const std::string fair_id = Enqueue(fair);
  const std::string suppressed = Enqueue(JobAlert(neither, "alert-neither"));
  manager_->DispatchOnce();

  std::vector<v1::Delivery> got = kiosk.Take();
  ASSERT_THAT(got, SizeIs(2));
  for (const v1::Delivery& d : got) EXPECT_EQ(d.worker_id(), sms_only);
  v1::Message m = Message(alert);
  EXPECT_EQ(m.status(), v1::NOTIFICATION_STATUS_SENT);
  EXPECT_THAT(Codes(m), ElementsAre("queued", "kiosk_fallback", "sent"));
  EXPECT_EQ(m.history(1).reason(),
            "kiosk_fallback: 本人未同意微信通知，岗位信息不能经短信发送（短信网关不接受招聘类内容）"
            "：改在户籍镇服务站自助终端显示");
  EXPECT_EQ(m.history(2).channel(), v1::CHANNEL_KIOSK);
  EXPECT_THAT(Message(fair_id).history(1).reason(), HasSubstr("招聘"));
  EXPECT_EQ(Codes(Message(fair_id))[1], "kiosk_fallback");
  ASSERT_TRUE(manager_
                  ->Ack(MakeCaller(Role::kKiosk),
                        [&] {
                          v1::AckRequest r;
                          for (const v1::Delivery& d : got) {
                            r.add_acks()->set_delivery_id(d.delivery_id());
                            r.mutable_acks(r.acks_size() - 1)->set_ok(true);
                          }
                          return r;
                        }())
                  .ok());
  EXPECT_EQ(Message(alert).status(), v1::NOTIFICATION_STATUS_DELIVERED);

  m = Message(suppressed);
  EXPECT_EQ(m.status(), v1::NOTIFICATION_STATUS_SUPPRESSED);
  EXPECT_EQ(m.history().rbegin()->reason(), "no_channel: 本人未同意微信通知，本人未同意短信通知");
}

TEST_F(NotifyManagerTest, AFullChannelSlowsIntake) {
  options_.max_pending_per_channel = 3;
  OpenManager();
  const std::string worker = Register();
  for (int i = 0; i < 3; ++i) Enqueue(Policy(worker, absl::StrCat("k", i)));
  v1::EnqueueRequest r;
  *r.add_notifications() = Policy(worker, "k3");
  auto full = manager_->Enqueue(MakeCaller(Role::kService), r);
  EXPECT_EQ(full.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(full.status().message(), HasSubstr("UNSPECIFIED"));
  // Once delivered, there is room again.
  RecordingSink sink;
  Subscribe(&sink);
  manager_->DispatchOnce();
  ASSERT_TRUE(AckAll(sink.Take()).ok());
  EXPECT_TRUE(manager_->Enqueue(MakeCaller(Role::kService), r).ok());
}

TEST_F(NotifyManagerTest, BadRequestsNameTheField) {
  const std::string worker = Register();
  auto enqueue = [&](const v1::Notification& n, Role role = Role::kService) {
    v1::EnqueueRequest r;
    *r.add_notifications() = Policy(worker, "fine");
    *r.add_notifications() = n;
    return manager_->Enqueue(MakeCaller(role), r).status();
  };
  v1::Notification n = Policy(worker, "");
  EXPECT_TRUE(labor::testing::HasFieldViolation(enqueue(n), "notifications[1].idempotency_key"));
  n = Policy(worker, "k");
  n.clear_worker_id();
  EXPECT_TRUE(labor::testing::HasFieldViolation(enqueue(n), "notifications[1].recipient"));
  n = Policy(worker, "k");
  n.mutable_payload()->erase("title");
  EXPECT_TRUE(labor::testing::HasFieldViolation(enqueue(n), "notifications[1].payload.title"));
  n = JobAlert(worker, "k");
  n.set_channel(v1::CHANNEL_SMS);
  EXPECT_TRUE(labor::testing::HasFieldViolation(enqueue(n), "notifications[1].channel"));
  n = Policy(worker, "k");
  n.mutable_ttl()->set_seconds(-1);
  EXPECT_TRUE(labor::testing::HasFieldViolation(enqueue(n), "notifications[1].ttl"));
  n = Policy(worker, "k");
  n.mutable_segment()->add_townships("511702999");
  EXPECT_TRUE(
      labor::testing::HasFieldViolation(enqueue(n), "notifications[1].segment.townships[0]"));
  n.mutable_segment()->Clear();
  EXPECT_TRUE(labor::testing::HasFieldViolation(enqueue(n), "notifications[1].segment"));
  n = Policy(worker, "k");
  n.set_kind(v1::NOTIFICATION_KIND_FREE_TEXT);
  n.clear_payload();
  (*n.mutable_payload())["text"] = "明天上午九点到人社局领取补贴";
  EXPECT_EQ(enqueue(n).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(enqueue(n, Role::kAdmin).ok());
  // Nothing of a rejected request was stored: "fine" is still free.
  v1::EnqueueRequest fine;
  *fine.add_notifications() = Policy(worker, "fine");
  auto ok = manager_->Enqueue(MakeCaller(Role::kService), fine);
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->results(0).duplicate());
}

TEST_F(NotifyManagerTest, StatsCountByKindChannelAndStatus) {
  const std::string worker = Register();
  const std::string silent = Register({.wechat = false});
  RecordingSink sink;
  Subscribe(&sink);
  Enqueue(Policy(worker, "a"));
  Enqueue(Policy(worker, "b"));
  Enqueue(JobAlert(silent, "c"));
  manager_->DispatchOnce();
  ASSERT_TRUE(AckAll(sink.Take()).ok());
  auto stats = manager_->GetStats(MakeCaller(Role::kAdmin), v1::StatsRequest());
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->total(), 3);
  std::map<std::tuple<int, int, int>, int64_t> rows;
  for (const v1::StatsRow& row : stats->rows()) {
    rows[{row.kind(), row.channel(), row.status()}] = row.count();
  }
  EXPECT_EQ((rows[{v1::NOTIFICATION_KIND_POLICY_NOTICE, v1::CHANNEL_WECHAT,
                   v1::NOTIFICATION_STATUS_DELIVERED}]),
            2);
  EXPECT_EQ((rows[{v1::NOTIFICATION_KIND_JOB_ALERT, v1::CHANNEL_UNSPECIFIED,
                   v1::NOTIFICATION_STATUS_SUPPRESSED}]),
            1);
  // The counts survive a restart (rebuilt from the store).
  OpenManager();
  auto again = manager_->GetStats(MakeCaller(Role::kAdmin), v1::StatsRequest());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->total(), 3);
  // A window before any message holds none.
  v1::StatsRequest old;
  *old.mutable_from() = ToProto(clock_.Now() - absl::Hours(48));
  *old.mutable_to() = ToProto(clock_.Now() - absl::Hours(24));
  EXPECT_EQ(manager_->GetStats(MakeCaller(Role::kAdmin), old)->total(), 0);
}

TEST_F(NotifyManagerTest, MatchEventsBecomeJobAlertsOnce) {
  const std::string a = Register();
  const std::string b = Register();
  v1::VacancyMatches matches;
  matches.set_vacancy_id("v_123");
  matches.set_vacancy_version(2);
  matches.set_title("电焊工");
  matches.set_location("511702102");
  matches.set_location_name("四川省达州市通川区罗江镇");
  matches.mutable_monthly_wage_min()->set_fen(500000);
  matches.mutable_monthly_wage_max()->set_fen(700000);
  for (const std::string& w : {a, b}) {
    v1::Match* m = matches.add_matches();
    m->set_worker_id(w);
    m->set_vacancy_id("v_123");
    m->set_score(812);
    m->add_reasons("1项要求满足1项");
  }
  v1::Event event;
  event.set_event_id("matching-v_123-2");
  event.set_type("match.found");
  event.set_entity_id("v_123");
  event.set_entity_version(2);
  event.set_payload(matches.SerializeAsString());
  event.set_payload_type("labor.v1.VacancyMatches");
  ASSERT_TRUE(manager_->ApplyMatchEvent(event).ok());
  ASSERT_TRUE(manager_->ApplyMatchEvent(event).ok());  // redelivered: no new alerts
  RecordingSink sink;
  Subscribe(&sink);
  manager_->DispatchOnce();
  std::vector<v1::Delivery> got = sink.Take();
  ASSERT_THAT(got, SizeIs(2));
  for (const v1::Delivery& d : got) {
    EXPECT_EQ(d.kind(), v1::NOTIFICATION_KIND_JOB_ALERT);
    EXPECT_EQ(d.fields().at("thing1"), "电焊工");
    EXPECT_THAT(d.text(), HasSubstr("1项要求满足1项"));
  }
}

}  // namespace
}  // namespace labor::notify
