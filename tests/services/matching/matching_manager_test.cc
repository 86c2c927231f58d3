// MatchingManager without gRPC: event application (idempotent by version,
// erasures, events of no interest, undecodable payloads), match events on a
// real redis-server, the alert age guard, and readiness. Roles and input
// checks run through the real binaries in matching_server_test.
#include "services/matching/matching_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "common/outbox.h"
#include "tests/services/matching/match_fixture.h"
#include "tests/testing/callers.h"
#include "tests/testing/grpc_checks.h"
#include "tests/testing/redis_server.h"

namespace labor::matching {
namespace {

using ::testing::HasSubstr;
using namespace labor::matching::testing;  // NOLINT: fixture helpers

v1::Event WorkerEvent(const v1::Worker& w, const std::string& type = "worker.updated") {
  v1::Event e;
  e.set_event_id(absl::StrCat("profile-1-", w.version()));
  e.set_type(type);
  e.set_entity_id(w.worker_id());
  e.set_entity_version(w.version());
  *e.mutable_occurred_at() = ToProto(TestNow());
  e.set_payload(w.SerializeAsString());
  e.set_payload_type("labor.v1.Worker");
  return e;
}

v1::Event VacancyEvent(const v1::Vacancy& v, const std::string& type, absl::Time at) {
  v1::Event e;
  e.set_event_id(absl::StrCat("vacancy-1-", v.vacancy_id(), "-", v.version()));
  e.set_type(type);
  e.set_entity_id(v.vacancy_id());
  e.set_entity_version(v.version());
  *e.mutable_occurred_at() = ToProto(at);
  e.set_payload(v.SerializeAsString());
  e.set_payload_type("labor.v1.Vacancy");
  return e;
}

using labor::testing::MakeCaller;

class MatchingManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    redis_client_ = std::make_unique<RedisClient>(redis_.ClientOptions());
    publisher_ =
        std::make_unique<MatchPublisher>(redis_client_.get(), "labor.events.matching", 1000);
    deps_.index = &index_;
    deps_.scorer = &scorer_;
    deps_.regions = &Regions();
    deps_.occupations = &Occupations();
    deps_.publisher = publisher_.get();
    deps_.clock = &clock_;
    manager_ = std::make_unique<MatchingManager>(deps_, MatchingOptions{});
  }

  std::vector<v1::Event> Published() {
    return labor::testing::StreamEvents(*redis_client_, "labor.events.matching");
  }

  ManualClock clock_{TestNow()};
  Scorer scorer_{Weights{}};
  MatchIndex index_{&scorer_};
  labor::testing::RedisServer redis_;
  std::unique_ptr<RedisClient> redis_client_;
  std::unique_ptr<MatchPublisher> publisher_;
  MatchingDeps deps_;
  std::unique_ptr<MatchingManager> manager_;
};

TEST_F(MatchingManagerTest, EventsApplyOnceByVersionAndErasureIsFinal) {
  v1::Worker w = BaseWorker("w_1");
  w.set_version(2);
  AddSkill(&w, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
  ASSERT_TRUE(manager_->ApplyEvent(WorkerEvent(w)).ok());
  ASSERT_TRUE(manager_->ApplyEvent(WorkerEvent(w)).ok());  // redelivered
  v1::Worker older = w;
  older.set_version(1);
  older.set_hukou_township(kPujia);
  ASSERT_TRUE(manager_->ApplyEvent(WorkerEvent(older)).ok());  // late
  EXPECT_EQ(UnpackRegion(index_.GetWorker("w_1")->hukou), kLuojiang);
  MatchingManager::Stats stats = manager_->stats();
  EXPECT_EQ(stats.applied, 1);
  EXPECT_EQ(stats.stale, 2);

  v1::Event erased;
  erased.set_type("worker.erased");
  erased.set_entity_id("w_1");
  erased.set_entity_version(std::numeric_limits<int64_t>::max());
  erased.set_payload_type("labor.v1.Worker");
  ASSERT_TRUE(manager_->ApplyEvent(erased).ok());
  EXPECT_FALSE(index_.GetWorker("w_1").has_value());
  w.set_version(3);
  ASSERT_TRUE(manager_->ApplyEvent(WorkerEvent(w)).ok());
  EXPECT_FALSE(index_.GetWorker("w_1").has_value());

  // Employers and fairs are not matching's business; garbage is skipped.
  v1::Event employer;
  employer.set_type("employer.updated");
  employer.set_payload("x");
  employer.set_payload_type("labor.v1.Employer");
  EXPECT_TRUE(manager_->ApplyEvent(employer).ok());
  v1::Event garbage;
  garbage.set_type("vacancy.updated");
  garbage.set_payload("\xff\xff not a vacancy");
  garbage.set_payload_type("labor.v1.Vacancy");
  EXPECT_TRUE(manager_->ApplyEvent(garbage).ok());
  stats = manager_->stats();
  EXPECT_EQ(stats.ignored, 1);
  EXPECT_EQ(stats.undecodable, 1);
}

TEST_F(MatchingManagerTest, NewVacancyPublishesConsentingBestWorkers) {
  v1::Worker consenting = BaseWorker("w_yes");
  AddSkill(&consenting, kWelder, v1::SKILL_LEVEL_4_INTERMEDIATE);
  v1::Worker silent = BaseWorker("w_no");
  AddSkill(&silent, kWelder, v1::SKILL_LEVEL_3_ADVANCED);
  silent.mutable_consent()->set_wechat(false);
  ASSERT_TRUE(manager_->ApplyEvent(WorkerEvent(consenting)).ok());
  ASSERT_TRUE(manager_->ApplyEvent(WorkerEvent(silent)).ok());

  v1::Vacancy v = BaseVacancy("v_1", kWelder, kLuojiang);
  SetMonthlyWage(&v, 6000, 8000);
  ASSERT_TRUE(manager_->ApplyEvent(VacancyEvent(v, "vacancy.created", TestNow())).ok());
  std::vector<v1::Event> events = Published();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type(), "match.found");
  EXPECT_EQ(events[0].event_id(), "matching-v_1-1");
  v1::VacancyMatches matches;
  ASSERT_TRUE(matches.ParseFromString(events[0].payload()));
  EXPECT_EQ(matches.location_name(), "四川省达州市通川区罗江镇");
  ASSERT_EQ(matches.matches_size(), 1);  // the worker without consent is not alerted
  EXPECT_EQ(matches.matches(0).worker_id(), "w_yes");
  EXPECT_FALSE(matches.matches(0).reasons().empty());

  // An update publishes nothing; a replayed old "created" event neither.
  v.set_version(2);
  ASSERT_TRUE(manager_->ApplyEvent(VacancyEvent(v, "vacancy.updated", TestNow())).ok());
  v1::Vacancy old = BaseVacancy("v_2", kWelder, kLuojiang);
  ASSERT_TRUE(
      manager_->ApplyEvent(VacancyEvent(old, "vacancy.created", TestNow() - absl::Hours(48))).ok());
  EXPECT_EQ(Published().size(), 1u);
  EXPECT_EQ(manager_->stats().matches_published, 1);

  // Redis down: the event is not acknowledged (an error), so it comes again.
  redis_.Kill();
  v1::Vacancy third = BaseVacancy("v_3", kWelder, kLuojiang);
  EXPECT_EQ(manager_->ApplyEvent(VacancyEvent(third, "vacancy.created", TestNow())).code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(MatchingManagerTest, QueriesAnswerUnavailableUntilTheBootstrapFinished) {
  v1::Worker w = BaseWorker("w_1");
  w.set_wechat_openid("o_mine");
  ASSERT_TRUE(manager_->ApplyEvent(WorkerEvent(w)).ok());
  v1::RecommendVacanciesRequest r;
  r.set_worker_id("w_1");
  // No bootstrap yet: UNAVAILABLE, and health says so.
  EXPECT_EQ(manager_->RecommendVacancies(MakeCaller(Role::kAdmin), r).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_FALSE(manager_->Health().ok());
}

}  // namespace
}  // namespace labor::matching
