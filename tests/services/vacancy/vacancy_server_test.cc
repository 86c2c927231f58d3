// Integration tests: the real vacancy_server binary, a real RocksDB on disk
// and a real redis-server on a free loopback port.
#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "common/grpc_status.h"
#include "common/proto_util.h"
#include "common/redis.h"
#include "common/status.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "labor/v1/vacancy.grpc.pb.h"
#include "tests/services/vacancy/vacancy_fixture.h"
#include "tests/testing/grpc_checks.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/service_harness.h"

namespace labor::vacancy {
namespace {

using ::testing::HasSubstr;
using testing::MakeCreditCode;

constexpr char kStream[] = "labor.events.vacancy";
using Harness = labor::testing::ServiceHarness<v1::VacancyService>;

// A distinct, valid job for item `n` (its own employer, so none collapse).
v1::Vacancy NumberedJob(int n) {
  v1::Vacancy v;
  v.set_employer_credit_code(MakeCreditCode("441900", absl::StrFormat("MA%07d", n)));
  v.set_employer_name(absl::StrCat("东莞市第", n, "电子厂"));
  v.set_title("电子设备装接工");
  v.set_occupation_code("6-25-04-07");
  v.set_location("441900");
  v.mutable_wage()->set_unit(v1::WAGE_UNIT_MONTHLY);
  v.mutable_wage()->mutable_min()->set_fen(480000);
  v.mutable_wage()->mutable_max()->set_fen(650000);
  v.set_headcount(10);
  v.mutable_benefits()->set_room(true);
  *v.mutable_expires_at() = ToProto(absl::Now() + absl::Hours(24 * 30));
  return v;
}

v1::ImportItem NumberedItem(int n) {
  v1::ImportItem item;
  item.set_external_id(absl::StrCat("DG-", n));
  *item.mutable_vacancy() = NumberedJob(n);
  return item;
}

class VacancyServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start().ok());
    harness_ = std::make_unique<Harness>(&dir_, redis_.port(), "services/vacancy/vacancy_server",
                                         "vacancy");
    StartServer();
    RedisClient::Options options;
    options.port = redis_.port();
    redis_client_ = std::make_unique<RedisClient>(options);
  }

  void StartServer() { ASSERT_TRUE(harness_->Started({"--scheduler_interval=100ms"})); }

  v1::Employer MustUpsertEmployer(absl::string_view org9) {
    v1::UpsertEmployerRequest r;
    r.mutable_employer()->set_credit_code(MakeCreditCode("511702", org9));
    r.mutable_employer()->set_name(absl::StrCat("达州市通川区", org9, "有限公司"));
    r.mutable_employer()->set_region("511702");
    r.mutable_employer()->set_contact_phone("13900001111");
    v1::Employer e;
    auto ctx = harness_->Context(Role::kAdmin);
    grpc::Status s = harness_->stub()->UpsertEmployer(ctx.get(), r, &e);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return e;
  }

  v1::Vacancy LocalJob(const std::string& employer_id) {
    v1::Vacancy v;
    v.set_employer_id(employer_id);
    v.set_title("叉车司机");
    v.set_location("511702102");
    v.mutable_wage()->set_unit(v1::WAGE_UNIT_MONTHLY);
    v.mutable_wage()->mutable_min()->set_fen(450000);
    v.mutable_wage()->mutable_max()->set_fen(600000);
    v.set_headcount(2);
    *v.mutable_expires_at() = ToProto(absl::Now() + absl::Hours(24 * 30));
    return v;
  }

  grpc::Status Post(const v1::Vacancy& v, v1::PostVacancyResponse* out) {
    v1::PostVacancyRequest r;
    *r.mutable_vacancy() = v;
    auto ctx = harness_->Context(Role::kAdmin);
    return harness_->stub()->PostVacancy(ctx.get(), r, out);
  }

  grpc::Status Get(const std::string& id, v1::Vacancy* out, Role role = Role::kAdmin) {
    v1::GetVacancyRequest r;
    r.set_vacancy_id(id);
    auto ctx = harness_->Context(role, role == Role::kWechat ? "oWorker1" : "");
    return harness_->stub()->GetVacancy(ctx.get(), r, out);
  }

  std::vector<std::string> StreamTypes() {
    std::vector<std::string> types;
    for (const auto& e : labor::testing::StreamEvents(*redis_client_, kStream)) {
      types.push_back(e.type());
    }
    return types;
  }

  // Streams `items` through ImportVacancies as partner `token`, collecting
  // every result the server acknowledges. With `kill_after` > 0, kills the
  // server once that many results arrived.
  grpc::Status Import(const std::string& token, const std::vector<v1::ImportItem>& items,
                      std::vector<v1::ImportResult>* results, int kill_after = 0) {
    return Exchange(token, &v1::VacancyService::Stub::ImportVacancies, items,
                    [&](const v1::ImportResult& result) {
                      results->push_back(result);
                      if (kill_after > 0 && static_cast<int>(results->size()) == kill_after) {
                        harness_->Kill();
                      }
                    });
  }

  // Streams `chunks` through ImportVacancyChunks as partner `token`,
  // collecting every chunk result.
  grpc::Status ImportChunks(const std::string& token, const std::vector<v1::ImportChunk>& chunks,
                            std::vector<v1::ImportChunkResult>* results) {
    return Exchange(token, &v1::VacancyService::Stub::ImportVacancyChunks, chunks,
                    [&](const v1::ImportChunkResult& result) { results->push_back(result); });
  }

  // Writes `messages` on a new `open` stream as `token` while reading its
  // answers into `on_answer`; returns the stream's status.
  template <typename Request, typename Response, typename OnAnswer>
  grpc::Status Exchange(const std::string& token,
                        std::unique_ptr<grpc::ClientReaderWriter<Request, Response>> (
                            v1::VacancyService::Stub::*open)(grpc::ClientContext*),
                        const std::vector<Request>& messages, const OnAnswer& on_answer) {
    auto ctx = harness_->ContextWithToken(token);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    auto stream = (harness_->stub()->*open)(ctx.get());
    std::thread writer([&] {
      for (const Request& message : messages) {
        if (!stream->Write(message)) break;
      }
      stream->WritesDone();
    });
    Response answer;
    while (stream->Read(&answer)) on_answer(answer);
    grpc::Status status = stream->Finish();
    writer.join();
    return status;
  }

  std::vector<v1::Vacancy> ListAll(Role role, v1::ListVacanciesRequest request = {}) {
    std::vector<v1::Vacancy> all;
    request.mutable_page()->set_page_size(500);
    for (int guard = 0; guard < 100; ++guard) {
      v1::ListVacanciesResponse page;
      auto ctx = harness_->Context(role, role == Role::kWechat ? "oWorker1" : "");
      grpc::Status s = harness_->stub()->ListVacancies(ctx.get(), request, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const auto& v : page.vacancies()) all.push_back(v);
      if (page.page().next_page_token().empty()) break;
      request.mutable_page()->set_page_token(page.page().next_page_token());
    }
    return all;
  }

  labor::testing::TempDir dir_;
  labor::testing::RedisServer redis_{
      labor::testing::RedisServer::Options{.append_only = true, .dir = {}}};
  std::unique_ptr<Harness> harness_;
  std::unique_ptr<RedisClient> redis_client_;
};

TEST_F(VacancyServerTest, HealthAndReflection) {
  auto health = labor::testing::HealthStatus(harness_->channel(), "labor.v1.VacancyService");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, grpc::health::v1::HealthCheckResponse::SERVING);
  auto services = labor::testing::ReflectionServiceList(harness_->channel());
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_THAT(*services, HasSubstr("labor.v1.VacancyService"));
}

TEST_F(VacancyServerTest, EveryRoleOnEveryRpc) {
  using R = Role;
  const std::set<Role> everyone = {R::kAdmin, R::kKiosk, R::kWechat, R::kPartner, R::kService};
  auto* stub = harness_->stub();
  struct Case {
    std::string method;
    std::set<Role> allowed;
    std::function<grpc::Status(grpc::ClientContext*)> call;
  };
#define LABOR_CALL(Method, Request, Response)      \
  [stub](grpc::ClientContext* ctx) {               \
    v1::Response out;                              \
    return stub->Method(ctx, v1::Request(), &out); \
  }
  const std::vector<Case> cases = {
      {"UpsertEmployer",
       {R::kAdmin, R::kService},
       LABOR_CALL(UpsertEmployer, UpsertEmployerRequest, Employer)},
      {"GetEmployer", everyone, LABOR_CALL(GetEmployer, GetEmployerRequest, Employer)},
      {"BlacklistEmployer",
       {R::kAdmin},
       LABOR_CALL(BlacklistEmployer, BlacklistEmployerRequest, BlacklistEntry)},
      {"LiftBlacklist",
       {R::kAdmin},
       LABOR_CALL(LiftBlacklist, LiftBlacklistRequest, BlacklistEntry)},
      {"IsBlacklisted", everyone,
       LABOR_CALL(IsBlacklisted, IsBlacklistedRequest, IsBlacklistedResponse)},
      {"ListBlacklist", everyone,
       LABOR_CALL(ListBlacklist, ListBlacklistRequest, ListBlacklistResponse)},
      {"PostVacancy",
       {R::kAdmin, R::kService},
       LABOR_CALL(PostVacancy, PostVacancyRequest, PostVacancyResponse)},
      {"GetVacancy", everyone, LABOR_CALL(GetVacancy, GetVacancyRequest, Vacancy)},
      {"UpdateVacancy",
       {R::kAdmin, R::kService},
       LABOR_CALL(UpdateVacancy, UpdateVacancyRequest, Vacancy)},
      {"ChangeVacancyStatus",
       {R::kAdmin, R::kService, R::kPartner},
       LABOR_CALL(ChangeVacancyStatus, ChangeVacancyStatusRequest, Vacancy)},
      {"ListVacancies", everyone,
       LABOR_CALL(ListVacancies, ListVacanciesRequest, ListVacanciesResponse)},
      {"CreateFair", {R::kAdmin}, LABOR_CALL(CreateFair, CreateFairRequest, JobFair)},
      {"GetFair", everyone, LABOR_CALL(GetFair, GetFairRequest, JobFair)},
      {"AttachToFair", {R::kAdmin}, LABOR_CALL(AttachToFair, AttachToFairRequest, JobFair)},
      {"CheckIn", {R::kAdmin, R::kKiosk}, LABOR_CALL(CheckIn, CheckInRequest, CheckInResponse)},
      {"GetFairStats",
       {R::kAdmin, R::kKiosk},
       LABOR_CALL(GetFairStats, GetFairStatsRequest, FairStats)},
      {"ListFairs", everyone, LABOR_CALL(ListFairs, ListFairsRequest, ListFairsResponse)},
      {"ImportVacancies",
       {R::kPartner},
       [stub](grpc::ClientContext* ctx) {
         auto stream = stub->ImportVacancies(ctx);
         stream->WritesDone();
         return stream->Finish();
       }},
      {"ImportVacancyChunks",
       {R::kPartner},
       [stub](grpc::ClientContext* ctx) {
         auto stream = stub->ImportVacancyChunks(ctx);
         stream->WritesDone();
         return stream->Finish();
       }},
  };
#undef LABOR_CALL
  for (const auto& c : cases) {
    for (Role role : everyone) {
      auto ctx = harness_->Context(role, role == Role::kWechat ? "oWorker1" : "");
      grpc::Status s = c.call(ctx.get());
      if (c.allowed.count(role) > 0) {
        EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << c.method << " as " << RoleName(role) << ": " << s.error_message();
        EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << c.method;
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << c.method << " as " << RoleName(role);
      }
    }
    grpc::ClientContext anonymous;
    anonymous.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    EXPECT_EQ(c.call(&anonymous).error_code(), grpc::StatusCode::UNAUTHENTICATED) << c.method;
  }
}

TEST_F(VacancyServerTest, BadInputNamesTheFieldInBadRequestDetails) {
  v1::Employer e = MustUpsertEmployer("MA62Q1234");
  struct Case {
    std::function<void(v1::Vacancy*)> spoil;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](v1::Vacancy* v) { v->set_occupation_code("9-99-99-99"); }, "vacancy.occupation_code"},
      {[](v1::Vacancy* v) { v->mutable_wage()->mutable_max()->set_fen(-5); }, "vacancy.wage.max"},
      {[](v1::Vacancy* v) { *v->mutable_expires_at() = ToProto(absl::Now() - absl::Hours(2)); },
       "vacancy.expires_at"},
      {[](v1::Vacancy* v) { v->set_working_hours("限男性"); }, "vacancy.working_hours"},
      {[](v1::Vacancy* v) { v->set_description(std::string(3000, 'x')); }, "vacancy.description"},
  };
  for (const auto& c : cases) {
    v1::Vacancy v = LocalJob(e.employer_id());
    c.spoil(&v);
    v1::PostVacancyResponse out;
    grpc::Status s = Post(v, &out);
    ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    std::vector<std::string> fields;
    for (const auto& violation : GetFieldViolations(FromGrpcStatus(s))) {
      fields.push_back(violation.field);
    }
    EXPECT_THAT(fields, ::testing::Contains(c.field)) << s.error_message();
  }
  const std::pair<std::function<void(v1::Employer*)>, std::string> bad_employers[] = {
      {[](v1::Employer* e) { e->set_credit_code("91511702MA62Q1234X"); }, "employer.credit_code"},
      // A contact's name is a real name: no emoji.
      {[](v1::Employer* e) { e->set_contact_name("王😀军"); }, "employer.contact_name"},
  };
  for (const auto& [spoil, field] : bad_employers) {
    v1::UpsertEmployerRequest bad;
    bad.mutable_employer()->set_credit_code(MakeCreditCode("511702", "MA62Q9999"));
    bad.mutable_employer()->set_name("某公司");
    bad.mutable_employer()->set_region("511702");
    spoil(bad.mutable_employer());
    v1::Employer out;
    auto ctx = harness_->Context(Role::kAdmin);
    grpc::Status s = harness_->stub()->UpsertEmployer(ctx.get(), bad, &out);
    ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_EQ(GetFieldViolations(FromGrpcStatus(s))[0].field, field);
  }
  // Nothing was written: only the one good employer exists, no vacancy.
  EXPECT_TRUE(ListAll(Role::kAdmin).empty());
}

// Partners post GB/T 2260 and 12-digit statistical codes and job-board titles
// ("电子厂普工", the import example of `laborctl help`): accepted, stored in the
// project's form, and found by a list filter in any form.
TEST_F(VacancyServerTest, StandardRegionFormsAndJobBoardTitlesAreAccepted) {
  v1::ImportItem shenzhen = NumberedItem(1);
  shenzhen.mutable_vacancy()->set_location("440300");
  shenzhen.mutable_vacancy()->set_title("电子厂普工");
  shenzhen.mutable_vacancy()->clear_occupation_code();
  v1::ImportItem township = NumberedItem(2);
  township.mutable_vacancy()->set_location("511702102000");
  township.mutable_vacancy()->set_title("育婴员");
  township.mutable_vacancy()->clear_occupation_code();
  std::vector<v1::ImportResult> results;
  ASSERT_TRUE(Import(harness_->token(Role::kPartner), {shenzhen, township}, &results).ok());
  ASSERT_EQ(results.size(), 2u);
  for (const v1::ImportResult& r : results) {
    ASSERT_EQ(r.outcome(), v1::ImportResult::OUTCOME_CREATED) << r.ShortDebugString();
  }
  v1::Vacancy got;
  ASSERT_TRUE(Get(results[0].vacancy_id(), &got).ok());
  EXPECT_EQ(got.location(), "4403");
  EXPECT_EQ(got.occupation_code(), "6-25-00-00");
  ASSERT_TRUE(Get(results[1].vacancy_id(), &got).ok());
  EXPECT_EQ(got.location(), "511702102");
  EXPECT_EQ(got.occupation_code(), "4-10-01-03");

  for (const char* region : {"440300", "4403", "440000000000"}) {
    v1::ListVacanciesRequest filter;
    filter.set_region_prefix(region);
    std::vector<v1::Vacancy> found = ListAll(Role::kAdmin, filter);
    ASSERT_EQ(found.size(), 1u) << region;
    EXPECT_EQ(found[0].vacancy_id(), results[0].vacancy_id()) << region;
  }
  v1::ListVacanciesRequest unknown;
  unknown.set_region_prefix("440399");
  v1::ListVacanciesResponse page;
  auto ctx = harness_->Context(Role::kAdmin);
  grpc::Status s = harness_->stub()->ListVacancies(ctx.get(), unknown, &page);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(GetFieldViolations(FromGrpcStatus(s))[0].field, "region_prefix");

  v1::UpsertEmployerRequest employer;
  employer.mutable_employer()->set_credit_code(MakeCreditCode("510100", "MA62Q5678"));
  employer.mutable_employer()->set_name("成都某某餐饮有限公司");
  employer.mutable_employer()->set_region("510100");
  employer.mutable_employer()->set_contact_name("阿依古丽・买买提");  // katakana dot
  v1::Employer e;
  ctx = harness_->Context(Role::kAdmin);
  s = harness_->stub()->UpsertEmployer(ctx.get(), employer, &e);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(e.region(), "5101");
  EXPECT_EQ(e.contact_name(), "阿依古丽·买买提");
}

// A fair dated 1900 or 2999, a blacklist listing of 1800: INVALID_ARGUMENT
// naming the field.
TEST_F(VacancyServerTest, ImplausibleDatesAreRefused) {
  v1::Employer e = MustUpsertEmployer("MA62Q1234");
  auto ctx = harness_->Context(Role::kAdmin);
  grpc::Status s;
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), ShanghaiTime());
  for (const absl::CivilDay day : {absl::CivilDay(1900, 3, 1), absl::CivilDay(2999, 3, 1)}) {
    v1::CreateFairRequest fair;
    fair.mutable_fair()->set_name("春风行动专场招聘会");
    fair.mutable_fair()->set_kind(v1::FAIR_KIND_SPRING_BREEZE);
    *fair.mutable_fair()->mutable_start_date() = FromCivil(day);
    *fair.mutable_fair()->mutable_end_date() = FromCivil(day);
    fair.mutable_fair()->set_venue_region("511702000000");
    fair.mutable_fair()->set_venue("通川区人力资源市场");
    fair.mutable_fair()->set_organizer("通川区就业服务中心");
    v1::JobFair created;
    ctx = harness_->Context(Role::kAdmin);
    s = harness_->stub()->CreateFair(ctx.get(), fair, &created);
    ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << day;
    EXPECT_EQ(GetFieldViolations(FromGrpcStatus(s))[0].field, "fair.start_date") << day;
    // The same fair this week is fine, its venue stored in the project's form.
    *fair.mutable_fair()->mutable_start_date() = FromCivil(today);
    *fair.mutable_fair()->mutable_end_date() = FromCivil(today);
    if (day.year() == 1900) {
      ctx = harness_->Context(Role::kAdmin);
      s = harness_->stub()->CreateFair(ctx.get(), fair, &created);
      ASSERT_TRUE(s.ok()) << s.error_message();
      EXPECT_EQ(created.venue_region(), "511702");
    }
  }

  v1::BlacklistEmployerRequest listing;
  listing.mutable_entry()->set_employer_id(e.employer_id());
  listing.mutable_entry()->set_reason("拖欠农民工工资");
  listing.mutable_entry()->set_source("达州市人社局");
  *listing.mutable_entry()->mutable_listed_on() = FromCivil(absl::CivilDay(1800, 1, 1));
  v1::BlacklistEntry entry;
  ctx = harness_->Context(Role::kAdmin);
  s = harness_->stub()->BlacklistEmployer(ctx.get(), listing, &entry);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(GetFieldViolations(FromGrpcStatus(s))[0].field, "entry.listed_on");
}

TEST_F(VacancyServerTest, EventsReachTheStreamAndTheCacheMovesForward) {
  v1::Employer e = MustUpsertEmployer("MA62Q1234");
  v1::PostVacancyResponse posted;
  ASSERT_TRUE(Post(LocalJob(e.employer_id()), &posted).ok());
  const std::string id = posted.vacancy().vacancy_id();
  v1::Vacancy got;
  ASSERT_TRUE(Get(id, &got).ok());
  auto cached = redis_client_->Command({"GET", absl::StrCat("labor:vacancy:vacancy:", id)});
  ASSERT_TRUE(cached.ok());
  EXPECT_FALSE(cached->is_nil());

  v1::UpdateVacancyRequest update;
  update.mutable_vacancy()->set_vacancy_id(id);
  update.mutable_vacancy()->set_headcount(6);
  update.mutable_update_mask()->add_paths("headcount");
  v1::Vacancy updated;
  auto ctx = harness_->Context(Role::kAdmin);
  ASSERT_TRUE(harness_->stub()->UpdateVacancy(ctx.get(), update, &updated).ok());
  ASSERT_TRUE(Get(id, &got, Role::kKiosk).ok());
  EXPECT_EQ(got.version(), 2);
  EXPECT_EQ(got.headcount(), 6);

  v1::BlacklistEmployerRequest list;
  list.mutable_entry()->set_employer_id(e.employer_id());
  list.mutable_entry()->set_reason("拖欠农民工工资");
  list.mutable_entry()->set_source("达市人社发〔2026〕88号");
  v1::BlacklistEntry entry;
  ctx = harness_->Context(Role::kAdmin);
  ASSERT_TRUE(harness_->stub()->BlacklistEmployer(ctx.get(), list, &entry).ok());
  ASSERT_TRUE(Get(id, &got, Role::kWechat).ok());
  EXPECT_TRUE(got.employer_blacklisted());
  EXPECT_TRUE(labor::testing::WaitFor(
      [&] {
        return StreamTypes() == std::vector<std::string>{"employer.registered", "vacancy.created",
                                                         "vacancy.updated", "employer.listed",
                                                         "vacancy.updated"};
      },
      absl::Seconds(10)))
      << absl::StrJoin(StreamTypes(), ",");
}

TEST_F(VacancyServerTest, ExpiresAutomatically) {
  v1::Employer e = MustUpsertEmployer("MA62Q1234");
  v1::Vacancy v = LocalJob(e.employer_id());
  *v.mutable_expires_at() = ToProto(absl::Now() + absl::Seconds(2));
  v1::PostVacancyResponse posted;
  ASSERT_TRUE(Post(v, &posted).ok());
  v1::Vacancy got;
  EXPECT_TRUE(labor::testing::WaitFor(
      [&] {
        return Get(posted.vacancy().vacancy_id(), &got).ok() &&
               got.status() == v1::VACANCY_STATUS_EXPIRED;
      },
      absl::Seconds(20)));
  EXPECT_TRUE(labor::testing::WaitFor([&] { return StreamTypes().back() == "vacancy.expired"; },
                                      absl::Seconds(10)));
}

// A request_id names one post: the exact retry gets the original (also
// after a restart), the same key with other content ALREADY_EXISTS naming
// the first vacancy, and nothing of the other content is stored.
TEST_F(VacancyServerTest, ReusedRequestIdWithOtherContentIsRefused) {
  v1::Employer e = MustUpsertEmployer("MA62Q1234");
  v1::PostVacancyRequest r;
  *r.mutable_vacancy() = LocalJob(e.employer_id());
  r.set_request_id("kiosk-3-0001");
  auto post = [&](const v1::PostVacancyRequest& request, v1::PostVacancyResponse* out) {
    auto ctx = harness_->Context(Role::kAdmin);
    return harness_->stub()->PostVacancy(ctx.get(), request, out);
  };
  v1::PostVacancyResponse first;
  ASSERT_TRUE(post(r, &first).ok());
  const std::string id = first.vacancy().vacancy_id();

  v1::PostVacancyRequest changed = r;
  changed.mutable_vacancy()->set_headcount(9);
  changed.mutable_vacancy()->set_title("仓库叉车司机");
  v1::PostVacancyResponse out;
  grpc::Status reused = post(changed, &out);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::ALREADY_EXISTS) << reused.error_message();
  EXPECT_THAT(reused.error_message(), HasSubstr("request_id \"kiosk-3-0001\""));
  EXPECT_THAT(reused.error_message(), HasSubstr(id));

  harness_->Kill();
  StartServer();
  v1::PostVacancyResponse replay;
  grpc::Status replayed = post(r, &replay);
  ASSERT_TRUE(replayed.ok()) << replayed.error_message();
  EXPECT_EQ(replay.vacancy().vacancy_id(), id);
  EXPECT_EQ(post(changed, &out).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  v1::Vacancy stored;
  ASSERT_TRUE(Get(id, &stored).ok());
  EXPECT_EQ(stored.headcount(), 2);
  EXPECT_EQ(stored.title(), "叉车司机");
  EXPECT_EQ(stored.version(), 1);
}

// A Redis outage under the real binary: its log says once that Redis went
// down and once that it came back, however many calls failed meanwhile.
TEST_F(VacancyServerTest, RedisOutageIsLoggedOnceEachWay) {
  v1::Employer e = MustUpsertEmployer("MA62Q1234");
  auto lines = [&](absl::string_view phrase) {
    int n = 0;
    for (absl::string_view line :
         absl::StrSplit(labor::testing::ReadFileOrEmpty(harness_->log_path()), '\n')) {
      n += absl::StrContains(line, "redis redis (") && absl::StrContains(line, phrase) ? 1 : 0;
    }
    return n;
  };
  redis_.Stop();
  v1::PostVacancyResponse posted;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Post(LocalJob(e.employer_id()), &posted).ok());  // writes go on without Redis
  }
  EXPECT_TRUE(labor::testing::WaitFor([&] { return lines(" is down: ") == 1; }, absl::Seconds(10)));
  absl::SleepFor(absl::Seconds(1));  // the relay keeps retrying meanwhile
  ASSERT_TRUE(redis_.Restart().ok());
  EXPECT_TRUE(labor::testing::WaitFor([&] { return lines(" is up again after ") == 1; },
                                      absl::Seconds(10)));
  EXPECT_TRUE(
      labor::testing::WaitFor([&] { return StreamTypes().size() >= 6; }, absl::Seconds(10)));
  EXPECT_EQ(lines(" is down: "), 1);
  EXPECT_EQ(lines(" is up again after "), 1);
}

TEST_F(VacancyServerTest, ImportMixedItemsAndReplayIdempotently) {
  std::vector<v1::ImportItem> items;
  for (int i = 0; i < 300; ++i) {
    v1::ImportItem item = NumberedItem(i);
    if (i % 7 == 3) item.mutable_vacancy()->set_occupation_code("6-99-00-00");
    if (i % 11 == 5) item.mutable_vacancy()->set_description("仅限汉族");
    items.push_back(std::move(item));
  }
  std::vector<v1::ImportResult> first;
  grpc::Status s = Import(harness_->token(Role::kPartner), items, &first);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(first.size(), items.size());
  int created = 0, rejected = 0;
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].external_id(), items[i].external_id());  // in order
    if (first[i].outcome() == v1::ImportResult::OUTCOME_CREATED) ++created;
    if (first[i].outcome() == v1::ImportResult::OUTCOME_REJECTED) {
      ++rejected;
      EXPECT_FALSE(first[i].reason().empty());
    }
  }
  EXPECT_EQ(created + rejected, 300);
  EXPECT_GT(rejected, 60);

  std::vector<v1::ImportResult> replay;
  ASSERT_TRUE(Import(harness_->token(Role::kPartner), items, &replay).ok());
  ASSERT_EQ(replay.size(), items.size());
  for (size_t i = 0; i < replay.size(); ++i) {
    if (first[i].outcome() == v1::ImportResult::OUTCOME_CREATED) {
      EXPECT_EQ(replay[i].outcome(), v1::ImportResult::OUTCOME_UNCHANGED) << i;
      EXPECT_EQ(replay[i].vacancy_id(), first[i].vacancy_id());
    } else {
      EXPECT_EQ(replay[i].outcome(), v1::ImportResult::OUTCOME_REJECTED) << i;
    }
  }
  EXPECT_EQ(static_cast<int>(ListAll(Role::kAdmin).size()), created);
  // The partner reads the feed of what it may see (its own imports).
  EXPECT_EQ(static_cast<int>(ListAll(Role::kPartner).size()), created);
  EXPECT_TRUE(ListAll(Role::kKiosk).size() == static_cast<size_t>(created));
}

// The chunked stream answers each chunk with its items' results in order
// (chunks of any size up to 1,000, empty ones too), agrees with the
// per-item stream on a replay, and ends with INVALID_ARGUMENT at an
// oversized chunk after answering every chunk before it.
TEST_F(VacancyServerTest, ImportInChunksAnswersEachChunkInOrder) {
  std::vector<v1::ImportItem> items;
  for (int i = 0; i < 1300; ++i) {
    v1::ImportItem item = NumberedItem(i);
    if (i % 7 == 3) item.mutable_vacancy()->set_occupation_code("6-99-00-00");
    items.push_back(std::move(item));
  }
  const std::vector<int> sizes = {1, 0, 299, 1000};  // 1,300 items
  std::vector<v1::ImportChunk> chunks;
  size_t next = 0;
  for (int size : sizes) {
    v1::ImportChunk& chunk = chunks.emplace_back();
    for (int i = 0; i < size; ++i) *chunk.add_items() = items[next++];
  }
  std::vector<v1::ImportChunkResult> first;
  grpc::Status s = ImportChunks(harness_->token(Role::kPartner), chunks, &first);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(first.size(), sizes.size());
  next = 0;
  int created = 0, rejected = 0;
  for (size_t c = 0; c < sizes.size(); ++c) {
    ASSERT_EQ(first[c].results_size(), sizes[c]) << "chunk " << c;
    for (const v1::ImportResult& r : first[c].results()) {
      const size_t i = next++;
      EXPECT_EQ(r.external_id(), items[i].external_id());
      if (i % 7 == 3) {
        EXPECT_EQ(r.outcome(), v1::ImportResult::OUTCOME_REJECTED) << i;
        EXPECT_THAT(r.reason(), ::testing::HasSubstr("occupation_code"));
        ++rejected;
      } else {
        EXPECT_EQ(r.outcome(), v1::ImportResult::OUTCOME_CREATED) << i;
        ++created;
      }
    }
  }
  EXPECT_EQ(created + rejected, 1300);
  EXPECT_EQ(static_cast<int>(ListAll(Role::kAdmin).size()), created);

  // The same items one by one: nothing new.
  std::vector<v1::ImportResult> replay;
  ASSERT_TRUE(Import(harness_->token(Role::kPartner), items, &replay).ok());
  ASSERT_EQ(replay.size(), items.size());
  for (size_t i = 0; i < replay.size(); ++i) {
    EXPECT_EQ(replay[i].outcome(),
              i % 7 == 3 ? v1::ImportResult::OUTCOME_REJECTED : v1::ImportResult::OUTCOME_UNCHANGED)
        << i;
  }

  // An oversized chunk after a good one: the good one is answered, then the
  // stream ends naming the limit; nothing of the oversized chunk is imported.
  std::vector<v1::ImportChunk> bad(2);
  *bad[0].add_items() = NumberedItem(5000);
  for (int i = 0; i < 1001; ++i) *bad[1].add_items() = NumberedItem(6000 + i);
  std::vector<v1::ImportChunkResult> answered;
  s = ImportChunks(harness_->token(Role::kPartner), bad, &answered);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("at most 1000"));
  ASSERT_EQ(answered.size(), 1u);
  ASSERT_EQ(answered[0].results_size(), 1);
  EXPECT_EQ(answered[0].results(0).outcome(), v1::ImportResult::OUTCOME_CREATED);
  EXPECT_EQ(static_cast<int>(ListAll(Role::kAdmin).size()), created + 1);
}

TEST_F(VacancyServerTest, KillDuringImportLosesNoAcknowledgedItem) {
  std::vector<v1::ImportItem> items;
  for (int i = 0; i < 4000; ++i) items.push_back(NumberedItem(i));
  std::vector<v1::ImportResult> acknowledged;
  grpc::Status s = Import(harness_->token(Role::kPartner), items, &acknowledged,
                          /*kill_after=*/1500);
  EXPECT_FALSE(s.ok());  // the server died mid-stream
  ASSERT_GE(acknowledged.size(), 1500u);
  ASSERT_LT(acknowledged.size(), items.size());

  StartServer();
  // Every acknowledged item is there.
  for (size_t i = 0; i < acknowledged.size(); i += 37) {
    ASSERT_EQ(acknowledged[i].outcome(), v1::ImportResult::OUTCOME_CREATED);
    v1::Vacancy got;
    ASSERT_TRUE(Get(acknowledged[i].vacancy_id(), &got).ok()) << i;
    EXPECT_EQ(got.status(), v1::VACANCY_STATUS_OPEN);
  }
  // The partner replays the whole file: acknowledged items are unchanged,
  // the rest arrive, and nothing is doubled.
  std::vector<v1::ImportResult> replay;
  ASSERT_TRUE(Import(harness_->token(Role::kPartner), items, &replay).ok());
  ASSERT_EQ(replay.size(), items.size());
  for (size_t i = 0; i < acknowledged.size(); ++i) {
    EXPECT_EQ(replay[i].outcome(), v1::ImportResult::OUTCOME_UNCHANGED) << i;
    EXPECT_EQ(replay[i].vacancy_id(), acknowledged[i].vacancy_id());
  }
  std::set<std::string> ids;
  for (const auto& v : ListAll(Role::kAdmin)) ids.insert(v.vacancy_id());
  EXPECT_EQ(ids.size(), items.size());
}

TEST_F(VacancyServerTest, APartnerTouchesOnlyItsOwnImports) {
  auto other_token = harness_->AddToken(Role::kPartner, "ningbo-hrss");
  ASSERT_TRUE(other_token.ok());
  harness_->Terminate();
  StartServer();
  std::vector<v1::ImportResult> mine;
  ASSERT_TRUE(Import(harness_->token(Role::kPartner), {NumberedItem(1)}, &mine).ok());
  ASSERT_EQ(mine[0].outcome(), v1::ImportResult::OUTCOME_CREATED);
  // The same external id from another bureau is that bureau's own item: a
  // duplicate of the same job, never an update of the first bureau's.
  std::vector<v1::ImportResult> theirs;
  v1::ImportItem changed = NumberedItem(1);
  changed.mutable_vacancy()->set_description("另一家人社局的描述");
  ASSERT_TRUE(Import(*other_token, {changed}, &theirs).ok());
  EXPECT_EQ(theirs[0].outcome(), v1::ImportResult::OUTCOME_DUPLICATE);
  v1::Vacancy got;
  ASSERT_TRUE(Get(mine[0].vacancy_id(), &got).ok());
  EXPECT_EQ(got.description(), "");
  // Nor can it close it.
  v1::ChangeVacancyStatusRequest close;
  close.set_vacancy_id(mine[0].vacancy_id());
  close.set_status(v1::VACANCY_STATUS_CLOSED);
  v1::Vacancy out;
  auto ctx = harness_->ContextWithToken(*other_token);
  EXPECT_EQ(harness_->stub()->ChangeVacancyStatus(ctx.get(), close, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Neither can the first: the job is now offered by both. It withdraws its
  // own item instead, and the vacancy stays open for the other bureau.
  ctx = harness_->Context(Role::kPartner);
  EXPECT_EQ(harness_->stub()->ChangeVacancyStatus(ctx.get(), close, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ImportItem withdraw = NumberedItem(1);
  withdraw.mutable_vacancy()->set_status(v1::VACANCY_STATUS_CLOSED);
  std::vector<v1::ImportResult> withdrawn;
  ASSERT_TRUE(Import(harness_->token(Role::kPartner), {withdraw}, &withdrawn).ok());
  EXPECT_EQ(withdrawn[0].outcome(), v1::ImportResult::OUTCOME_UPDATED);
  ASSERT_TRUE(Get(mine[0].vacancy_id(), &got).ok());
  EXPECT_EQ(got.status(), v1::VACANCY_STATUS_OPEN);
  EXPECT_EQ(got.sources_size(), 1);
  EXPECT_EQ(got.sources(0).partner(), "ningbo-hrss");
}

}  // namespace
}  // namespace labor::vacancy
