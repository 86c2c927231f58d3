// VacancyManager against a real RocksDB: employers, the blacklist and its
// effects, posting and bad input, duplicates, updates and status, expiry
// with a manual clock, fairs and check-ins, partner imports and search.
#include "services/vacancy/vacancy_manager.h"

#include <algorithm>
#include <functional>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "common/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/vacancy/vacancy_fixture.h"

namespace labor::vacancy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MakeCaller;
using testing::MakeCreditCode;

// The real store with hooks, so a test can hold an import batch's write in
// flight (or fail it) and see which reads happen meanwhile.
class HookedStore : public VacancyStore {
 public:
  explicit HookedStore(VacancyStore* inner) : inner_(inner) {}
  std::function<absl::Status()> before_apply;  // not OK: Apply fails, writes nothing
  std::function<void()> on_read;

  absl::StatusOr<std::optional<StoredEmployer>> GetEmployer(absl::string_view id) override {
    Read();
    return inner_->GetEmployer(id);
  }
  absl::StatusOr<std::optional<StoredVacancy>> GetVacancy(absl::string_view id) override {
    Read();
    return inner_->GetVacancy(id);
  }
  absl::StatusOr<std::optional<StoredFair>> GetFair(absl::string_view id) override {
    Read();
    return inner_->GetFair(id);
  }
  absl::StatusOr<std::optional<std::string>> FindEmployerByCreditCode(
      absl::string_view credit_code) override {
    Read();
    return inner_->FindEmployerByCreditCode(credit_code);
  }
  absl::StatusOr<std::optional<std::string>> FindVacancyBySource(
      absl::string_view source_key) override {
    Read();
    return inner_->FindVacancyBySource(source_key);
  }
  absl::StatusOr<std::optional<StoredPostRequest>> FindPostRequest(
      absl::string_view request_id) override {
    Read();
    return inner_->FindPostRequest(request_id);
  }
  absl::StatusOr<std::vector<std::string>> FindOpenByEmployer(
      absl::string_view employer_id) override {
    Read();
    return inner_->FindOpenByEmployer(employer_id);
  }
  absl::StatusOr<std::optional<absl::Time>> FindCheckIn(absl::string_view fair_id,
                                                        absl::string_view worker_id) override {
    Read();
    return inner_->FindCheckIn(fair_id, worker_id);
  }
  absl::StatusOr<std::vector<std::string>> DueToExpire(absl::Time now, int limit) override {
    Read();
    return inner_->DueToExpire(now, limit);
  }
  absl::StatusOr<std::vector<std::string>> ListingsDueToEnd(absl::CivilDay today,
                                                            int limit) override {
    Read();
    return inner_->ListingsDueToEnd(today, limit);
  }
  absl::StatusOr<std::vector<std::string>> ListBlacklisted(bool history,
                                                           absl::string_view start_after,
                                                           int limit) override {
    Read();
    return inner_->ListBlacklisted(history, start_after, limit);
  }
  absl::StatusOr<std::vector<StoredFair>> ListFairs(int year, absl::string_view start_after,
                                                    int limit, std::string* next) override {
    Read();
    return inner_->ListFairs(year, start_after, limit, next);
  }
  absl::Status ScanVacancies(const std::function<bool(const StoredVacancy&)>& visit) override {
    Read();
    return inner_->ScanVacancies(visit);
  }
  absl::Status Apply(const VacancyMutation& mutation) override {
    if (before_apply) RETURN_IF_ERROR(before_apply());
    return inner_->Apply(mutation);
  }
  absl::Status Health() override { return inner_->Health(); }

 private:
  void Read() {
    if (on_read) on_read();
  }
  VacancyStore* inner_;
};

// Holds the first store write after Arm() (the holder's) until Release()
// or, with `release_on_read`, until another thread reads the store, and
// then lets it end with `outcome`. Writers decide one at a time and write
// in the order they decided, so another thread's read since Arm() is a
// writer deciding after the held one, while its write is in flight.
class ApplyGate {
 public:
  void Attach(HookedStore* store) {
    store->before_apply = [this] { return BeforeApply(); };
    store->on_read = [this] { OnRead(); };
  }
  void Arm(absl::Status outcome = absl::OkStatus(), bool release_on_read = false) {
    absl::MutexLock lock(&mu_);
    armed_ = true;
    holder_.reset();
    holding_ = false;
    released_ = false;
    readers_.clear();
    outcome_ = std::move(outcome);
    release_on_read_ = release_on_read;
  }
  void WaitHolding() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&holding_));
  }
  // Whether another thread read the store since Arm(), waiting up to `wait`.
  bool OtherThreadRead(absl::Duration wait) {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(this, &ApplyGate::OtherRead), wait);
  }
  void Release() {
    absl::MutexLock lock(&mu_);
    released_ = true;
  }
  bool held() {
    absl::MutexLock lock(&mu_);
    return holder_.has_value();
  }

 private:
  absl::Status BeforeApply() {
    absl::MutexLock lock(&mu_);
    if (!armed_) return absl::OkStatus();
    armed_ = false;
    holder_ = std::this_thread::get_id();
    holding_ = true;
    mu_.Await(absl::Condition(this, &ApplyGate::MayGo));
    return outcome_;
  }
  void OnRead() {
    absl::MutexLock lock(&mu_);
    readers_.push_back(std::this_thread::get_id());
  }
  bool OtherRead() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return holder_.has_value() &&
           std::any_of(readers_.begin(), readers_.end(),
                       [this](std::thread::id id) { return id != *holder_; });
  }
  bool MayGo() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return released_ || (release_on_read_ && OtherRead());
  }

  absl::Mutex mu_;
  bool armed_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<std::thread::id> holder_ ABSL_GUARDED_BY(mu_);
  bool holding_ ABSL_GUARDED_BY(mu_) = false;
  bool released_ ABSL_GUARDED_BY(mu_) = false;
  bool release_on_read_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread::id> readers_ ABSL_GUARDED_BY(mu_);  // since Arm()
  absl::Status outcome_ ABSL_GUARDED_BY(mu_);
};

class VacancyManagerTest : public testing::VacancyFixture {
 protected:
  // Restarts the manager over the store wrapped in hooks (gate_ attached).
  void UseHookedStore() {
    hooked_ = std::make_unique<HookedStore>(vacancy_store_.get());
    gate_.Attach(hooked_.get());
    StartManager(hooked_.get());
  }

  void TearDown() override {
    manager_.reset();  // before the hooked store it reads
  }

  std::optional<std::string> VacancyOfSource(const std::string& partner,
                                             const std::string& external_id) {
    v1::VacancySource source;
    source.set_kind(v1::SOURCE_KIND_PARTNER);
    source.set_partner(partner);
    source.set_external_id(external_id);
    auto found = vacancy_store_->FindVacancyBySource(SourceKey(source));
    EXPECT_TRUE(found.ok()) << found.status();
    return found.ok() ? *found : std::nullopt;
  }

  int CountEvents(absl::string_view type) {
    int n = 0;
    for (const auto& e : Events()) n += e.type() == type;
    return n;
  }

  std::unique_ptr<HookedStore> hooked_;
  ApplyGate gate_;

  // The single field violation of an INVALID_ARGUMENT status.
  static std::string ViolatedField(const absl::Status& status) {
    auto violations = GetFieldViolations(status);
    return violations.empty() ? "" : violations[0].field;
  }

  v1::ImportItem Item(const std::string& external_id, v1::Vacancy v) {
    v1::ImportItem item;
    item.set_external_id(external_id);
    *item.mutable_vacancy() = std::move(v);
    return item;
  }

  // A partner's vacancy naming its employer by credit code (partners do
  // not know the district's employer ids).
  v1::Vacancy PartnerJob(absl::string_view org9, absl::string_view title, absl::string_view code,
                         absl::string_view location, int64_t min_yuan, int64_t max_yuan) {
    v1::Vacancy v;
    v.set_employer_credit_code(MakeCreditCode(location.substr(0, 6), org9));
    v.set_employer_name(absl::StrCat("东莞", org9, "电子有限公司"));
    v.set_title(std::string(title));
    v.set_occupation_code(std::string(code));
    v.set_location(std::string(location));
    v.mutable_wage()->set_unit(v1::WAGE_UNIT_MONTHLY);
    v.mutable_wage()->mutable_min()->set_fen(min_yuan * 100);
    v.mutable_wage()->mutable_max()->set_fen(max_yuan * 100);
    v.set_headcount(20);
    *v.mutable_expires_at() = ToProto(clock_.Now() + absl::Hours(24 * 20));
    return v;
  }

  size_t ListCount(const Caller& caller, v1::ListVacanciesRequest request = {}) {
    request.mutable_page()->set_page_size(500);
    auto list = manager_->ListVacancies(caller, request);
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? static_cast<size_t>(list->vacancies_size()) : 0;
  }
};

// ---------------------------------------------------------------- employers

TEST_F(VacancyManagerTest, EmployerIsUniquePerCreditCode) {
  v1::Employer first = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  EXPECT_EQ(first.version(), 1);
  v1::UpsertEmployerRequest again;
  *again.mutable_employer() = first;
  again.mutable_employer()->clear_employer_id();
  again.mutable_employer()->set_name("达州市通川区顺达物流股份有限公司");
  auto second = manager_->UpsertEmployer(MakeCaller(Role::kAdmin), again);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->employer_id(), first.employer_id());
  EXPECT_EQ(second->version(), 2);
  EXPECT_EQ(second->name(), "达州市通川区顺达物流股份有限公司");

  again.set_expected_version(1);
  EXPECT_EQ(manager_->UpsertEmployer(MakeCaller(Role::kAdmin), again).status().code(),
            absl::StatusCode::kAborted);

  // Another employer's id with this credit code: refused, not merged.
  v1::Employer other = MustUpsertEmployer("达州市宏发建筑劳务有限公司", "511702", "MA62Q5678");
  again.set_expected_version(0);
  again.mutable_employer()->set_employer_id(other.employer_id());
  EXPECT_EQ(manager_->UpsertEmployer(MakeCaller(Role::kAdmin), again).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(VacancyManagerTest, BadCreditCodeIsRejectedAndNothingWritten) {
  v1::UpsertEmployerRequest r;
  std::string code = MakeCreditCode("511702", "MA62Q1234");
  code.back() = code.back() == '0' ? '1' : '0';  // wrong check character
  r.mutable_employer()->set_credit_code(code);
  r.mutable_employer()->set_name("某公司");
  r.mutable_employer()->set_region("511702");
  auto result = manager_->UpsertEmployer(MakeCaller(Role::kAdmin), r);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ViolatedField(result.status()), "employer.credit_code");
  EXPECT_TRUE(Events().empty());
  v1::GetEmployerRequest get;
  get.set_credit_code(MakeCreditCode("511702", "MA62Q1234"));
  EXPECT_EQ(manager_->GetEmployer(MakeCaller(Role::kAdmin), get).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(VacancyManagerTest, ContactDetailsOnlyForAdminAndKiosk) {
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  v1::GetEmployerRequest get;
  get.set_employer_id(e.employer_id());
  for (Role role : {Role::kAdmin, Role::kKiosk}) {
    auto got = manager_->GetEmployer(MakeCaller(role), get);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->contact_phone(), "13900001111") << RoleName(role);
  }
  for (Role role : {Role::kWechat, Role::kPartner, Role::kService}) {
    auto got = manager_->GetEmployer(MakeCaller(role), get);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->contact_phone(), "") << RoleName(role);
    EXPECT_EQ(got->contact_name(), "") << RoleName(role);
  }
  // Events never carry the contact person.
  for (const auto& event : Events()) {
    v1::Employer payload;
    ASSERT_TRUE(payload.ParseFromString(event.payload()));
    EXPECT_EQ(payload.contact_phone(), "");
  }
}

// ---------------------------------------------------------------- posting

TEST_F(VacancyManagerTest, PostMapsTitleNormalizesWageAndPublishesAnEvent) {
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  v1::Vacancy v = ForkliftJob(e.employer_id());
  v.clear_occupation_code();  // mapped from 叉车司机
  v.mutable_wage()->set_unit(v1::WAGE_UNIT_DAILY);
  v.mutable_wage()->mutable_min()->set_fen(20000);  // 200 yuan a day
  v.mutable_wage()->mutable_max()->set_fen(25000);
  v1::PostVacancyResponse posted = MustPost(v);
  const v1::Vacancy& out = posted.vacancy();
  EXPECT_EQ(out.occupation_code(), "6-30-05-01");
  EXPECT_EQ(out.wage().monthly_min().fen(), 435000);  // 200 x 21.75
  EXPECT_EQ(out.status(), v1::VACANCY_STATUS_OPEN);
  EXPECT_EQ(out.remaining(), 3);
  EXPECT_EQ(out.employer_credit_code(), e.credit_code());
  EXPECT_EQ(out.required_skills(0).occupation_name(), "起重装卸机械操作工");
  EXPECT_TRUE(posted.duplicate_of().empty());
  EXPECT_THAT(EventTypes(), ElementsAre("employer.registered", "vacancy.created"));
  EXPECT_EQ(index_->size(), 1u);
}

TEST_F(VacancyManagerTest, EachKindOfBadInputNamesItsFieldAndWritesNothing) {
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  const size_t events_before = Events().size();
  struct Case {
    const char* name;
    std::function<void(v1::Vacancy*)> spoil;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"unknown occupation", [](v1::Vacancy* v) { v->set_occupation_code("6-99-99-99"); },
       "vacancy.occupation_code"},
      {"negative wage", [](v1::Vacancy* v) { v->mutable_wage()->mutable_min()->set_fen(-1); },
       "vacancy.wage.min"},
      {"inverted wage", [](v1::Vacancy* v) { v->mutable_wage()->mutable_max()->set_fen(100000); },
       "vacancy.wage.max"},
      {"expiry in the past",
       [this](v1::Vacancy* v) {
         *v->mutable_expires_at() = ToProto(clock_.Now() - absl::Hours(1));
       },
       "vacancy.expires_at"},
      {"gender restriction",
       [](v1::Vacancy* v) { v->set_gender_requirement(v1::GENDER_REQUIREMENT_MALE); },
       "vacancy.gender_requirement"},
      {"gender phrase", [](v1::Vacancy* v) { v->set_description("限男性，能吃苦耐劳"); },
       "vacancy.description"},
      {"hukou phrase", [](v1::Vacancy* v) { v->set_description("不招农村户口"); },
       "vacancy.description"},
      {"oversized title", [](v1::Vacancy* v) { v->set_title(std::string(200, 'x')); },
       "vacancy.title"},
      {"bad location", [](v1::Vacancy* v) { v->set_location("999999"); }, "vacancy.location"},
      {"no headcount", [](v1::Vacancy* v) { v->set_headcount(0); }, "vacancy.headcount"},
  };
  for (const auto& c : cases) {
    v1::Vacancy v = ForkliftJob(e.employer_id());
    c.spoil(&v);
    v1::PostVacancyRequest r;
    *r.mutable_vacancy() = v;
    auto result = manager_->PostVacancy(MakeCaller(Role::kAdmin), r);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    std::vector<std::string> fields;
    for (const auto& violation : GetFieldViolations(result.status())) {
      fields.push_back(violation.field);
    }
    EXPECT_THAT(fields, ::testing::Contains(c.field)) << c.name << ": " << result.status();
  }
  EXPECT_EQ(Events().size(), events_before);
  EXPECT_EQ(index_->size(), 0u);
}

TEST_F(VacancyManagerTest, GenderRequirementIsLawfulForUndergroundMining) {
  v1::Employer e = MustUpsertEmployer("达州市某煤矿有限公司", "511702", "MA62Q9999");
  v1::Vacancy v = ForkliftJob(e.employer_id());
  v.set_title("井下采矿工");
  v.set_occupation_code("6-16-01-05");
  v.clear_required_skills();
  v.clear_required_certificates();
  v.set_gender_requirement(v1::GENDER_REQUIREMENT_MALE);
  EXPECT_EQ(MustPost(v).vacancy().gender_requirement(), v1::GENDER_REQUIREMENT_MALE);
}

TEST_F(VacancyManagerTest, UnknownEmployerOrFairIsNotFound) {
  v1::PostVacancyRequest r;
  *r.mutable_vacancy() = ForkliftJob("e_nobody");
  EXPECT_EQ(manager_->PostVacancy(MakeCaller(Role::kAdmin), r).status().code(),
            absl::StatusCode::kNotFound);
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  *r.mutable_vacancy() = ForkliftJob(e.employer_id());
  auto* source = r.mutable_vacancy()->add_sources();
  source->set_kind(v1::SOURCE_KIND_FAIR);
  source->set_fair_id("f_nowhere");
  EXPECT_EQ(manager_->PostVacancy(MakeCaller(Role::kAdmin), r).status().code(),
            absl::StatusCode::kNotFound);
  source->set_kind(v1::SOURCE_KIND_PARTNER);
  auto partner = manager_->PostVacancy(MakeCaller(Role::kAdmin), r);
  EXPECT_EQ(partner.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(VacancyManagerTest, RequestIdMakesARetriedPostIdempotent) {
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  v1::PostVacancyRequest r;
  *r.mutable_vacancy() = ForkliftJob(e.employer_id());
  r.set_request_id("kiosk-7-20261129-0001");
  auto first = manager_->PostVacancy(MakeCaller(Role::kAdmin), r);
  ASSERT_TRUE(first.ok());
  const std::string id = first->vacancy().vacancy_id();
  auto retry = manager_->PostVacancy(MakeCaller(Role::kAdmin), r);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->vacancy().vacancy_id(), id);
  EXPECT_EQ(retry->vacancy().version(), 1);

  // The same key with other content is refused, naming the first vacancy,
  // not answered with the original as if the new content had been taken.
  v1::PostVacancyRequest changed = r;
  changed.mutable_vacancy()->set_headcount(9);
  auto reused = manager_->PostVacancy(MakeCaller(Role::kAdmin), changed);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(reused.status().message(), HasSubstr("request_id"));
  EXPECT_THAT(reused.status().message(), HasSubstr("kiosk-7-20261129-0001"));
  EXPECT_THAT(reused.status().message(), HasSubstr(id));
  auto now = manager_->GetVacancy(MakeCaller(Role::kAdmin), [&] {
    v1::GetVacancyRequest g;
    g.set_vacancy_id(id);
    return g;
  }());
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->headcount(), first->vacancy().headcount());
  EXPECT_EQ(now->version(), 1);
  EXPECT_EQ(index_->size(), 1u);

  // After a restart (a fresh manager on the same store) the exact replay is
  // still one, the other content still refused.
  OpenStore();
  EXPECT_EQ(manager_->PostVacancy(MakeCaller(Role::kAdmin), r)->vacancy().vacancy_id(), id);
  EXPECT_EQ(manager_->PostVacancy(MakeCaller(Role::kAdmin), changed).status().code(),
            absl::StatusCode::kAlreadyExists);
}

// ---------------------------------------------------------------- duplicates

TEST_F(VacancyManagerTest, SameJobFromSeveralSourcesCollapsesIntoOne) {
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  v1::CreateFairRequest fr;
  fr.mutable_fair()->set_name("2027年春风行动通川区专场");
  fr.mutable_fair()->set_kind(v1::FAIR_KIND_SPRING_BREEZE);
  *fr.mutable_fair()->mutable_start_date() = FromCivil(absl::CivilDay(2026, 11, 29));
  *fr.mutable_fair()->mutable_end_date() = FromCivil(absl::CivilDay(2026, 11, 30));
  fr.mutable_fair()->set_venue_region("511702002");
  fr.mutable_fair()->set_venue("通川区人力资源市场");
  fr.mutable_fair()->set_organizer("通川区就业局");
  auto fair = manager_->CreateFair(MakeCaller(Role::kAdmin), fr);
  ASSERT_TRUE(fair.ok()) << fair.status();

  v1::PostVacancyResponse first = MustPost(ForkliftJob(e.employer_id()));
  // The same job at the fair, in another township of the same county, with
  // an overlapping wage and a larger headcount.
  v1::Vacancy at_fair = ForkliftJob(e.employer_id());
  at_fair.set_location("511702001");
  at_fair.mutable_wage()->mutable_min()->set_fen(500000);
  at_fair.mutable_wage()->mutable_max()->set_fen(650000);
  at_fair.set_headcount(5);
  auto* source = at_fair.add_sources();
  source->set_kind(v1::SOURCE_KIND_FAIR);
  source->set_fair_id(fair->fair_id());
  v1::PostVacancyResponse second = MustPost(at_fair);
  EXPECT_EQ(second.duplicate_of(), first.vacancy().vacancy_id());
  EXPECT_EQ(second.vacancy().sources_size(), 2);
  EXPECT_EQ(second.vacancy().headcount(), 5);
  EXPECT_EQ(second.vacancy().remaining(), 5);
  EXPECT_THAT(second.vacancy().fair_ids(), ElementsAre(fair->fair_id()));
  EXPECT_EQ(index_->size(), 1u);

  // Not the same job: another county, or wages that do not overlap.
  v1::Vacancy elsewhere = ForkliftJob(e.employer_id());
  elsewhere.set_location("511722");  // 宣汉县
  EXPECT_TRUE(MustPost(elsewhere).duplicate_of().empty());
  v1::Vacancy senior = ForkliftJob(e.employer_id());
  senior.mutable_wage()->mutable_min()->set_fen(800000);
  senior.mutable_wage()->mutable_max()->set_fen(900000);
  EXPECT_TRUE(MustPost(senior).duplicate_of().empty());
  EXPECT_EQ(index_->size(), 3u);

  v1::GetFairStatsRequest stats_request;
  stats_request.set_fair_id(fair->fair_id());
  auto stats = manager_->GetFairStats(MakeCaller(Role::kKiosk), stats_request);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->vacancies(), 1);
  EXPECT_EQ(stats->employers(), 1);
  EXPECT_EQ(stats->headcount_offered(), 5);
}

// ---------------------------------------------------------------- blacklist

TEST_F(VacancyManagerTest, ListingTakesOpenVacanciesOutAndRefusesNewOnes) {
  v1::Employer e = MustUpsertEmployer("达州市宏发建筑劳务有限公司", "511702", "MA62Q5678");
  v1::Employer good = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  std::string a = MustPost(ForkliftJob(e.employer_id())).vacancy().vacancy_id();
  v1::Vacancy other = ForkliftJob(e.employer_id());
  other.set_location("511722");
  std::string b = MustPost(other).vacancy().vacancy_id();
  MustPost(ForkliftJob(good.employer_id()));
  EXPECT_EQ(ListCount(MakeCaller(Role::kKiosk)), 3u);

  v1::BlacklistEmployerRequest list;
  list.mutable_entry()->set_employer_id(e.employer_id());
  list.mutable_entry()->set_reason("拖欠32名农民工工资共计86万元");
  list.mutable_entry()->set_source("达州市人力资源和社会保障局 达市人社发〔2026〕88号");
  auto entry = manager_->BlacklistEmployer(MakeCaller(Role::kAdmin), list);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_TRUE(entry->active());
  EXPECT_EQ(ToCivil(entry->listed_on()), absl::CivilDay(2026, 11, 29));
  EXPECT_EQ(ToCivil(entry->expires_on()), absl::CivilDay(2029, 11, 29));

  // Both open vacancies moved in the same commit, each with an event.
  auto types = EventTypes();
  EXPECT_EQ(std::count(types.begin(), types.end(), "employer.listed"), 1);
  std::vector<std::string> flagged;
  for (const auto& event : Events()) {
    if (event.type() != "vacancy.updated") continue;
    v1::Vacancy v;
    ASSERT_TRUE(v.ParseFromString(event.payload()));
    EXPECT_TRUE(v.employer_blacklisted());
    flagged.push_back(v.vacancy_id());
  }
  std::sort(flagged.begin(), flagged.end());
  std::vector<std::string> expected = {a, b};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(flagged, expected);

  // Job seekers no longer see them; staff can.
  EXPECT_EQ(ListCount(MakeCaller(Role::kKiosk)), 1u);
  v1::ListVacanciesRequest with_listed;
  with_listed.set_include_blacklisted(true);
  EXPECT_EQ(ListCount(MakeCaller(Role::kAdmin), with_listed), 3u);
  EXPECT_EQ(manager_->ListVacancies(MakeCaller(Role::kKiosk), with_listed).status().code(),
            absl::StatusCode::kPermissionDenied);

  v1::PostVacancyRequest post;
  *post.mutable_vacancy() = ForkliftJob(e.employer_id());
  post.mutable_vacancy()->set_location("511723");
  auto refused = manager_->PostVacancy(MakeCaller(Role::kAdmin), post);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("blacklist"));
  EXPECT_EQ(manager_->BlacklistEmployer(MakeCaller(Role::kAdmin), list).status().code(),
            absl::StatusCode::kFailedPrecondition);

  v1::IsBlacklistedRequest is;
  is.set_employer_id(e.employer_id());
  auto listed = manager_->IsBlacklisted(MakeCaller(Role::kWechat), is);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->listed());
  EXPECT_EQ(listed->entry().credit_code(), e.credit_code());

  // Early removal: vacancies come back, history stays.
  clock_.Advance(absl::Hours(24 * 40));
  v1::LiftBlacklistRequest lift;
  lift.set_employer_id(e.employer_id());
  lift.set_reason("已足额支付拖欠工资，经核查同意提前移出");
  auto lifted = manager_->LiftBlacklist(MakeCaller(Role::kAdmin), lift);
  ASSERT_TRUE(lifted.ok()) << lifted.status();
  EXPECT_FALSE(lifted->active());
  EXPECT_EQ(ToCivil(lifted->lifted_on()), absl::CivilDay(2027, 1, 8));
  EXPECT_FALSE(manager_->IsBlacklisted(MakeCaller(Role::kAdmin), is)->listed());
  v1::ListBlacklistRequest now_listed;
  EXPECT_EQ(manager_->ListBlacklist(MakeCaller(Role::kPartner), now_listed)->entries_size(), 0);
  v1::ListBlacklistRequest history;
  history.set_include_history(true);
  auto all = manager_->ListBlacklist(MakeCaller(Role::kAdmin), history);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->entries_size(), 1);
  EXPECT_EQ(all->entries(0).lift_reason(), "已足额支付拖欠工资，经核查同意提前移出");
  EXPECT_EQ(manager_->LiftBlacklist(MakeCaller(Role::kAdmin), lift).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(VacancyManagerTest, ListingEndsByItselfAfterThreeYears) {
  v1::Employer e = MustUpsertEmployer("达州市宏发建筑劳务有限公司", "511702", "MA62Q5678");
  std::string id = MustPost(ForkliftJob(e.employer_id())).vacancy().vacancy_id();
  v1::BlacklistEmployerRequest list;
  list.mutable_entry()->set_employer_id(e.employer_id());
  list.mutable_entry()->set_reason("拖欠农民工工资");
  list.mutable_entry()->set_source("达市人社发〔2026〕88号");
  ASSERT_TRUE(manager_->BlacklistEmployer(MakeCaller(Role::kAdmin), list).ok());

  // The day before the third anniversary: still listed.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2029, 11, 28, 23, 0, 0), ShanghaiTime()));
  auto work = manager_->RunScheduledOnce();
  ASSERT_TRUE(work.ok());
  EXPECT_EQ(work->listings_ended, 0);
  // The vacancy expired long ago, so it stays out of matching either way.
  EXPECT_EQ(work->vacancies_expired, 1);

  clock_.Set(absl::FromCivil(absl::CivilSecond(2029, 11, 29, 0, 5, 0), ShanghaiTime()));
  work = manager_->RunScheduledOnce();
  ASSERT_TRUE(work.ok());
  EXPECT_EQ(work->listings_ended, 1);
  v1::GetEmployerRequest get;
  get.set_employer_id(e.employer_id());
  EXPECT_FALSE(manager_->GetEmployer(MakeCaller(Role::kAdmin), get)->blacklisted());
  EXPECT_EQ(EventTypes().back(), "employer.listing_ended");
  // Nothing more to do.
  work = manager_->RunScheduledOnce();
  EXPECT_EQ(work->listings_ended + work->vacancies_expired, 0);
  v1::GetVacancyRequest gv;
  gv.set_vacancy_id(id);
  EXPECT_EQ(manager_->GetVacancy(MakeCaller(Role::kAdmin), gv)->status(),
            v1::VACANCY_STATUS_EXPIRED);
}

// ---------------------------------------------------------------- expiry

TEST_F(VacancyManagerTest, ExpiresWithoutAnyoneAskingAndSurvivesRestart) {
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  v1::Vacancy soon = ForkliftJob(e.employer_id());
  *soon.mutable_expires_at() = ToProto(clock_.Now() + absl::Hours(2));
  std::string soon_id = MustPost(soon).vacancy().vacancy_id();
  v1::Vacancy later = ForkliftJob(e.employer_id());
  later.set_location("511722");
  std::string later_id = MustPost(later).vacancy().vacancy_id();

  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(manager_->RunScheduledOnce()->vacancies_expired, 0);
  clock_.Advance(absl::Hours(1));
  OpenStore();  // the due index is durable, not in memory
  EXPECT_EQ(manager_->RunScheduledOnce()->vacancies_expired, 1);

  v1::GetVacancyRequest get;
  get.set_vacancy_id(soon_id);
  auto expired = manager_->GetVacancy(MakeCaller(Role::kAdmin), get);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(expired->status(), v1::VACANCY_STATUS_EXPIRED);
  EXPECT_EQ(expired->version(), 2);
  EXPECT_EQ(EventTypes().back(), "vacancy.expired");
  // Seekers' lists drop it; the other stays.
  auto list = manager_->ListVacancies(MakeCaller(Role::kWechat), {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->vacancies_size(), 1);
  EXPECT_EQ(list->vacancies(0).vacancy_id(), later_id);
}

// ---------------------------------------------------------------- updates

TEST_F(VacancyManagerTest, UpdateWithMaskVersionAndHeadcount) {
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  v1::Vacancy v = MustPost(ForkliftJob(e.employer_id())).vacancy();
  v1::UpdateVacancyRequest r;
  r.mutable_vacancy()->set_vacancy_id(v.vacancy_id());
  r.mutable_vacancy()->set_headcount(5);
  r.mutable_vacancy()->set_description("包吃住，缴纳五险");
  r.mutable_update_mask()->add_paths("headcount");
  r.mutable_update_mask()->add_paths("description");
  r.set_expected_version(1);
  auto updated = manager_->UpdateVacancy(MakeCaller(Role::kAdmin), r);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->version(), 2);
  EXPECT_EQ(updated->headcount(), 5);
  EXPECT_EQ(updated->remaining(), 5);
  EXPECT_EQ(updated->title(), "叉车司机");  // not in the mask: kept

  EXPECT_EQ(manager_->UpdateVacancy(MakeCaller(Role::kAdmin), r).status().code(),
            absl::StatusCode::kAborted);

  v1::UpdateVacancyRequest bad;
  bad.mutable_vacancy()->set_vacancy_id(v.vacancy_id());
  bad.mutable_update_mask()->add_paths("status");
  EXPECT_EQ(manager_->UpdateVacancy(MakeCaller(Role::kAdmin), bad).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::UpdateVacancyRequest hired;
  hired.mutable_vacancy()->set_vacancy_id(v.vacancy_id());
  hired.mutable_vacancy()->set_remaining(0);
  hired.mutable_update_mask()->add_paths("remaining");
  auto filled = manager_->UpdateVacancy(MakeCaller(Role::kAdmin), hired);
  ASSERT_TRUE(filled.ok()) << filled.status();
  EXPECT_EQ(filled->status(), v1::VACANCY_STATUS_FILLED);
  EXPECT_EQ(EventTypes().back(), "vacancy.filled");
  EXPECT_EQ(manager_->UpdateVacancy(MakeCaller(Role::kAdmin), r).status().code(),
            absl::StatusCode::kAborted);
  r.set_expected_version(0);
  EXPECT_EQ(manager_->UpdateVacancy(MakeCaller(Role::kAdmin), r).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(VacancyManagerTest, CloseAndFill) {
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  v1::Vacancy v = MustPost(ForkliftJob(e.employer_id())).vacancy();
  v1::ChangeVacancyStatusRequest r;
  r.set_vacancy_id(v.vacancy_id());
  r.set_status(v1::VACANCY_STATUS_EXPIRED);
  EXPECT_EQ(manager_->ChangeVacancyStatus(MakeCaller(Role::kAdmin), r).status().code(),
            absl::StatusCode::kInvalidArgument);
  r.set_status(v1::VACANCY_STATUS_CLOSED);
  r.set_reason("企业暂停招聘");
  auto closed = manager_->ChangeVacancyStatus(MakeCaller(Role::kAdmin), r);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->status(), v1::VACANCY_STATUS_CLOSED);
  EXPECT_EQ(closed->status_reason(), "企业暂停招聘");
  EXPECT_EQ(EventTypes().back(), "vacancy.closed");
  r.set_status(v1::VACANCY_STATUS_FILLED);
  EXPECT_EQ(manager_->ChangeVacancyStatus(MakeCaller(Role::kAdmin), r).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // A partner may not close the district's own vacancy.
  v1::Vacancy other = MustPost([&] {
                        v1::Vacancy o = ForkliftJob(e.employer_id());
                        o.set_location("511722");
                        return o;
                      }())
                          .vacancy();
  r.set_vacancy_id(other.vacancy_id());
  EXPECT_EQ(manager_->ChangeVacancyStatus(MakeCaller(Role::kPartner), r).status().code(),
            absl::StatusCode::kPermissionDenied);
}

// ---------------------------------------------------------------- fairs

TEST_F(VacancyManagerTest, FairAttachCheckInAndStats) {
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  v1::Employer e2 = MustUpsertEmployer("达州市巴山家政服务有限公司", "511702", "MA62Q2222");
  v1::CreateFairRequest fr;
  fr.mutable_fair()->set_name("送岗位下乡·罗江镇专场");
  fr.mutable_fair()->set_kind(v1::FAIR_KIND_JOBS_TO_COUNTRYSIDE);
  *fr.mutable_fair()->mutable_start_date() = FromCivil(absl::CivilDay(2026, 11, 29));
  *fr.mutable_fair()->mutable_end_date() = FromCivil(absl::CivilDay(2026, 11, 29));
  fr.mutable_fair()->set_venue_region("511702102");
  fr.mutable_fair()->set_venue("罗江镇便民服务中心");
  fr.mutable_fair()->set_organizer("通川区就业服务管理局");
  auto fair = manager_->CreateFair(MakeCaller(Role::kAdmin), fr);
  ASSERT_TRUE(fair.ok()) << fair.status();

  v1::Vacancy v = MustPost(ForkliftJob(e.employer_id())).vacancy();
  v1::AttachToFairRequest attach;
  attach.set_fair_id(fair->fair_id());
  attach.add_vacancy_ids(v.vacancy_id());
  attach.add_employer_ids(e2.employer_id());
  auto attached = manager_->AttachToFair(MakeCaller(Role::kAdmin), attach);
  ASSERT_TRUE(attached.ok()) << attached.status();
  EXPECT_EQ(attached->vacancy_ids_size(), 1);
  EXPECT_EQ(attached->employer_ids_size(), 2);
  attach.add_vacancy_ids("v_missing");
  EXPECT_EQ(manager_->AttachToFair(MakeCaller(Role::kAdmin), attach).status().code(),
            absl::StatusCode::kNotFound);

  // Fair vacancies through the kiosk's search.
  v1::ListVacanciesRequest by_fair;
  by_fair.set_fair_id(fair->fair_id());
  EXPECT_EQ(ListCount(MakeCaller(Role::kKiosk), by_fair), 1u);

  v1::CheckInRequest in;
  in.set_fair_id(fair->fair_id());
  in.set_worker_id("w_0123456789abcdef0123");
  auto first = manager_->CheckIn(MakeCaller(Role::kKiosk), in);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->first_check_in());
  auto again = manager_->CheckIn(MakeCaller(Role::kKiosk), in);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->first_check_in());
  EXPECT_EQ(again->check_ins(), 1);
  in.set_worker_id("not-a-worker");
  EXPECT_EQ(manager_->CheckIn(MakeCaller(Role::kKiosk), in).status().code(),
            absl::StatusCode::kInvalidArgument);
  in.set_worker_id("w_0123456789abcdef0124");
  clock_.Advance(absl::Hours(24));  // the fair is over
  EXPECT_EQ(manager_->CheckIn(MakeCaller(Role::kKiosk), in).status().code(),
            absl::StatusCode::kFailedPrecondition);

  v1::GetFairStatsRequest stats_request;
  stats_request.set_fair_id(fair->fair_id());
  auto stats = manager_->GetFairStats(MakeCaller(Role::kAdmin), stats_request);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->employers(), 2);
  EXPECT_EQ(stats->vacancies(), 1);
  EXPECT_EQ(stats->headcount_offered(), 3);
  EXPECT_EQ(stats->check_ins(), 1);

  v1::ListFairsRequest fairs;
  fairs.set_year(2026);
  EXPECT_EQ(manager_->ListFairs(MakeCaller(Role::kWechat), fairs)->fairs_size(), 1);
  fairs.set_year(2027);
  EXPECT_EQ(manager_->ListFairs(MakeCaller(Role::kWechat), fairs)->fairs_size(), 0);
}

// ---------------------------------------------------------------- imports

TEST_F(VacancyManagerTest, ImportAnswersEachItemAndIsIdempotent) {
  const Caller partner = MakeCaller(Role::kPartner, "dongguan-hrss");
  std::vector<v1::ImportItem> items;
  items.push_back(
      Item("DG-1", PartnerJob("MA4UXA001", "电子装配工", "6-25-04-07", "441900", 4800, 6500)));
  v1::Vacancy bad = PartnerJob("MA4UXA002", "质检员", "4-08-05-07", "441900", 5000, 4000);
  items.push_back(Item("DG-2", bad));  // inverted wage
  v1::Vacancy biased = PartnerJob("MA4UXA003", "普工", "6-25-04-07", "441900", 4500, 5500);
  biased.set_description("限女性，18-30岁");
  items.push_back(Item("DG-3", biased));
  items.push_back(
      Item("", PartnerJob("MA4UXA004", "电子装配工", "6-25-04-07", "441900", 4800, 6500)));
  // The same job as DG-1 under another external id, in the same batch.
  items.push_back(
      Item("DG-5", PartnerJob("MA4UXA001", "电子装配工", "6-25-04-07", "441900", 5000, 6000)));
  auto results = manager_->ImportBatch(partner, items);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 5u);
  EXPECT_EQ((*results)[0].outcome(), v1::ImportResult::OUTCOME_CREATED);
  EXPECT_EQ((*results)[1].outcome(), v1::ImportResult::OUTCOME_REJECTED);
  EXPECT_THAT((*results)[1].reason(), HasSubstr("vacancy.wage.max"));
  EXPECT_EQ((*results)[2].outcome(), v1::ImportResult::OUTCOME_REJECTED);
  EXPECT_THAT((*results)[2].reason(), HasSubstr("限女性"));
  EXPECT_EQ((*results)[3].outcome(), v1::ImportResult::OUTCOME_REJECTED);
  EXPECT_THAT((*results)[3].reason(), HasSubstr("external_id"));
  EXPECT_EQ((*results)[4].outcome(), v1::ImportResult::OUTCOME_DUPLICATE);
  EXPECT_EQ((*results)[4].duplicate_of(), (*results)[0].vacancy_id());
  EXPECT_EQ(index_->size(), 1u);
  const size_t events_after_first = Events().size();

  // Replaying the stream changes nothing.
  auto replay = manager_->ImportBatch(partner, items);
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ((*replay)[0].outcome(), v1::ImportResult::OUTCOME_UNCHANGED);
  EXPECT_EQ((*replay)[0].vacancy_id(), (*results)[0].vacancy_id());
  EXPECT_EQ((*replay)[1].outcome(), v1::ImportResult::OUTCOME_REJECTED);
  EXPECT_EQ((*replay)[4].outcome(), v1::ImportResult::OUTCOME_UNCHANGED);
  EXPECT_EQ(Events().size(), events_after_first);
  EXPECT_EQ(index_->size(), 1u);

  // A changed item updates the partner's own vacancy.
  v1::ImportItem changed = items[0];
  changed.mutable_vacancy()->mutable_wage()->mutable_max()->set_fen(700000);
  auto update = manager_->ImportBatch(partner, {changed});
  ASSERT_TRUE(update.ok());
  EXPECT_EQ((*update)[0].outcome(), v1::ImportResult::OUTCOME_UPDATED);
  v1::GetVacancyRequest get;
  get.set_vacancy_id((*results)[0].vacancy_id());
  auto got = manager_->GetVacancy(partner, get);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->wage().max().fen(), 700000);
  EXPECT_EQ(got->version(), 3);  // created, DG-5 collapsed in, updated

  // Another partner neither sees nor touches it.
  const Caller other = MakeCaller(Role::kPartner, "ningbo-hrss");
  EXPECT_EQ(manager_->GetVacancy(other, get).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ListCount(other), 0u);
  EXPECT_EQ(ListCount(partner), 1u);
  v1::ImportItem withdraw_other = items[0];
  withdraw_other.mutable_vacancy()->set_status(v1::VACANCY_STATUS_CLOSED);
  auto foreign = manager_->ImportBatch(other, {withdraw_other});
  ASSERT_TRUE(foreign.ok());
  EXPECT_EQ((*foreign)[0].outcome(), v1::ImportResult::OUTCOME_REJECTED);

  // Withdrawing DG-1 keeps the vacancy open for DG-5; withdrawing both closes it.
  auto w1 = manager_->ImportBatch(partner, {withdraw_other});
  ASSERT_TRUE(w1.ok());
  EXPECT_EQ((*w1)[0].outcome(), v1::ImportResult::OUTCOME_UPDATED);
  EXPECT_EQ(manager_->GetVacancy(partner, get)->status(), v1::VACANCY_STATUS_OPEN);
  v1::ImportItem withdraw5 = items[4];
  withdraw5.mutable_vacancy()->set_status(v1::VACANCY_STATUS_FILLED);
  auto w5 = manager_->ImportBatch(partner, {withdraw5});
  ASSERT_TRUE(w5.ok());
  EXPECT_EQ(manager_->GetVacancy(partner, get)->status(), v1::VACANCY_STATUS_FILLED);
}

TEST_F(VacancyManagerTest, PartnerItemDuplicatingTheDistrictsPostingCollapses) {
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  v1::Vacancy own = MustPost(ForkliftJob(e.employer_id())).vacancy();
  v1::Vacancy theirs = ForkliftJob("");
  theirs.clear_employer_id();
  theirs.set_employer_credit_code(e.credit_code());
  theirs.set_employer_name(e.name());
  const Caller partner = MakeCaller(Role::kPartner, "chengdu-hrss");
  auto results = manager_->ImportBatch(partner, {Item("CD-9", theirs)});
  ASSERT_TRUE(results.ok());
  EXPECT_EQ((*results)[0].outcome(), v1::ImportResult::OUTCOME_DUPLICATE);
  EXPECT_EQ((*results)[0].duplicate_of(), own.vacancy_id());
  // A changed item from a secondary source does not rewrite the posting.
  theirs.set_description("另有夜班补贴");
  auto again = manager_->ImportBatch(partner, {Item("CD-9", theirs)});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].outcome(), v1::ImportResult::OUTCOME_DUPLICATE);
  v1::GetVacancyRequest get;
  get.set_vacancy_id(own.vacancy_id());
  EXPECT_EQ(manager_->GetVacancy(MakeCaller(Role::kAdmin), get)->description(), "");
}

// Employers are held in memory for imports; a corrected credit code must
// move with the employer there as in the store.
TEST_F(VacancyManagerTest, ImportFollowsAnEmployersCorrectedCreditCode) {
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  const std::string old_code = e.credit_code();
  const std::string new_code = MakeCreditCode("511702", "MA62Q9999");
  const Caller partner = MakeCaller(Role::kPartner, "chengdu-hrss");
  const Caller admin = MakeCaller(Role::kAdmin);
  auto employer_of = [&](const v1::ImportResult& r) {
    v1::GetVacancyRequest get;
    get.set_vacancy_id(r.vacancy_id());
    auto v = manager_->GetVacancy(admin, get);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? v->employer_id() : std::string();
  };
  v1::Vacancy by_old = ForkliftJob("");
  by_old.clear_employer_id();
  by_old.set_employer_credit_code(old_code);
  by_old.set_employer_name(e.name());
  auto first = manager_->ImportBatch(partner, {Item("A-1", by_old)});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ((*first)[0].outcome(), v1::ImportResult::OUTCOME_CREATED);
  EXPECT_EQ(employer_of((*first)[0]), e.employer_id());

  v1::UpsertEmployerRequest fix;
  *fix.mutable_employer() = e;
  fix.mutable_employer()->set_credit_code(new_code);
  ASSERT_TRUE(manager_->UpsertEmployer(admin, fix).ok());

  // The old code names nobody now: the item registers a new employer.
  v1::Vacancy other = by_old;
  other.set_employer_name("东莞顺达电子有限公司");
  other.set_title("仓库叉车工");
  auto second = manager_->ImportBatch(partner, {Item("A-2", other)});
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ((*second)[0].outcome(), v1::ImportResult::OUTCOME_CREATED) << (*second)[0].reason();
  const std::string newcomer = employer_of((*second)[0]);
  EXPECT_NE(newcomer, e.employer_id());
  // The new code names the corrected employer.
  v1::Vacancy by_new = by_old;
  by_new.set_employer_credit_code(new_code);
  auto third = manager_->ImportBatch(partner, {Item("A-3", by_new)});
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_NE((*third)[0].outcome(), v1::ImportResult::OUTCOME_REJECTED) << (*third)[0].reason();
  EXPECT_EQ(employer_of((*third)[0]), e.employer_id());

  v1::GetEmployerRequest get;
  get.set_credit_code(old_code);
  EXPECT_EQ(manager_->GetEmployer(admin, get)->employer_id(), newcomer);
  get.set_credit_code(new_code);
  EXPECT_EQ(manager_->GetEmployer(admin, get)->employer_id(), e.employer_id());
}

// Two streams' batches: the second decides while the first one's write is
// held in flight (the gate lets it go only once the second reads the
// store), so every round takes the overlay path. Whichever goes first, a
// re-sent external id is the same vacancy, a duplicate collapses into the
// other batch's vacancy, and the new employer is registered once.
TEST_F(VacancyManagerTest, ConcurrentImportBatchesDecideOnTopOfEachOther) {
  UseHookedStore();
  const std::string tenant = "dongguan-hrss";
  const Caller partner = MakeCaller(Role::kPartner, tenant);
  constexpr int kRounds = 200;
  for (int round = 0; round < kRounds; ++round) {
    const std::string org9 = absl::StrFormat("MA4UX%04d", round);
    auto job = [&](int64_t min_yuan, int64_t max_yuan) {
      return PartnerJob(org9, "电子装配工", "6-25-04-07", "441900", min_yuan, max_yuan);
    };
    auto id = [&](int n) { return absl::StrCat("R", round, "-", n); };
    // Same employer, occupation and county: wages alone tell jobs apart.
    const std::vector<v1::ImportItem> first = {
        Item(id(1), job(4000, 4500)), Item(id(2), job(5000, 5500)), Item(id(3), job(6000, 6500))};
    const std::vector<v1::ImportItem> second = {
        Item(id(1), job(4000, 4500)), Item(id(4), job(5200, 5800)), Item(id(5), job(7000, 7500))};
    gate_.Arm(absl::OkStatus(), /*release_on_read=*/true);
    absl::StatusOr<std::vector<v1::ImportResult>> a, b;
    std::thread ta([&] { a = manager_->ImportBatch(partner, first); });
    std::thread tb([&] { b = manager_->ImportBatch(partner, second); });
    ta.join();
    tb.join();
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(b.ok()) << b.status();
    ASSERT_TRUE(gate_.held()) << round;
    ASSERT_EQ(a->size(), 3u);
    ASSERT_EQ(b->size(), 3u);
    using R = v1::ImportResult;
    // The re-sent item: one creates, the other finds it unchanged.
    const R& a1 = (*a)[0];
    const R& b1 = (*b)[0];
    EXPECT_EQ(a1.vacancy_id(), b1.vacancy_id()) << round;
    EXPECT_EQ((a1.outcome() == R::OUTCOME_CREATED) + (b1.outcome() == R::OUTCOME_CREATED), 1);
    EXPECT_EQ((a1.outcome() == R::OUTCOME_UNCHANGED) + (b1.outcome() == R::OUTCOME_UNCHANGED), 1);
    // The duplicate pair: one creates, the other collapses into it.
    const R& a2 = (*a)[1];
    const R& b4 = (*b)[1];
    const R& created = a2.outcome() == R::OUTCOME_CREATED ? a2 : b4;
    const R& duplicate = a2.outcome() == R::OUTCOME_CREATED ? b4 : a2;
    EXPECT_EQ(created.outcome(), R::OUTCOME_CREATED) << round;
    EXPECT_EQ(duplicate.outcome(), R::OUTCOME_DUPLICATE) << round;
    EXPECT_EQ(duplicate.duplicate_of(), created.vacancy_id()) << round;
    EXPECT_EQ((*a)[2].outcome(), R::OUTCOME_CREATED);
    EXPECT_EQ((*b)[2].outcome(), R::OUTCOME_CREATED);

    // The store: every external id names its vacancy, which carries it.
    const std::vector<std::pair<int, std::string>> expected = {{1, a1.vacancy_id()},
                                                               {2, created.vacancy_id()},
                                                               {3, (*a)[2].vacancy_id()},
                                                               {4, created.vacancy_id()},
                                                               {5, (*b)[2].vacancy_id()}};
    v1::GetEmployerRequest by_code;
    by_code.set_credit_code(MakeCreditCode("441900", org9));
    auto employer = manager_->GetEmployer(MakeCaller(Role::kAdmin), by_code);
    ASSERT_TRUE(employer.ok()) << employer.status();
    for (const auto& [n, vacancy_id] : expected) {
      auto found = VacancyOfSource(tenant, id(n));
      ASSERT_TRUE(found.has_value()) << id(n);
      EXPECT_EQ(*found, vacancy_id) << id(n);
      auto stored = vacancy_store_->GetVacancy(vacancy_id);
      ASSERT_TRUE(stored.ok() && stored->has_value()) << vacancy_id;
      const v1::Vacancy& v = (*stored)->vacancy();
      EXPECT_EQ(v.employer_id(), employer->employer_id()) << id(n);
      bool has_source = false;
      for (const auto& s : v.sources()) has_source |= s.external_id() == id(n);
      EXPECT_TRUE(has_source) << id(n);
      EXPECT_EQ(v.sources_size(), n == 2 || n == 4 ? 2 : 1) << id(n);
    }
  }
  EXPECT_EQ(index_->size(), static_cast<size_t>(4 * kRounds));
  EXPECT_EQ(CountEvents("employer.registered"), kRounds);
  EXPECT_EQ(CountEvents("vacancy.created"), 4 * kRounds);
}

// Writes other than imports wait for an import write in flight and see its
// vacancies and employers: listing the employer flags the imported
// vacancy, and upserting by the new employer's credit code updates the
// employer the import registered instead of registering a second one.
TEST_F(VacancyManagerTest, OtherWritesSeeAnImportWhoseWriteIsInFlight) {
  UseHookedStore();
  v1::Employer listed = MustUpsertEmployer("达州市宏发建筑劳务有限公司", "511702", "MA62Q5678");
  const Caller partner = MakeCaller(Role::kPartner, "dongguan-hrss");
  const Caller admin = MakeCaller(Role::kAdmin);
  const std::vector<v1::ImportItem> items = {
      Item("N-1", PartnerJob("MA62Q5678", "叉车司机", "6-30-05-01", "511702102", 6000, 8000)),
      Item("N-2", PartnerJob("MA4UXB001", "电子装配工", "6-25-04-07", "441900", 4800, 6500))};
  const std::string new_code = MakeCreditCode("441900", "MA4UXB001");

  gate_.Arm();
  absl::StatusOr<std::vector<v1::ImportResult>> imported;
  std::thread importer([&] { imported = manager_->ImportBatch(partner, items); });
  gate_.WaitHolding();
  absl::StatusOr<v1::BlacklistEntry> entry;
  std::thread lister([&] {
    v1::BlacklistEmployerRequest list;
    list.mutable_entry()->set_employer_id(listed.employer_id());
    list.mutable_entry()->set_reason("拖欠农民工工资");
    list.mutable_entry()->set_source("达市人社发〔2026〕88号");
    entry = manager_->BlacklistEmployer(admin, list);
  });
  absl::StatusOr<v1::Employer> upserted;
  std::thread upserter([&] {
    v1::UpsertEmployerRequest r;
    r.mutable_employer()->set_credit_code(new_code);
    r.mutable_employer()->set_name("东莞MA4UXB001电子股份有限公司");
    r.mutable_employer()->set_region("441900");
    upserted = manager_->UpsertEmployer(admin, r);
  });
  // Neither writer may read the store before the import's write is done.
  EXPECT_FALSE(gate_.OtherThreadRead(absl::Milliseconds(200)));
  gate_.Release();
  importer.join();
  lister.join();
  upserter.join();
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_TRUE(entry.ok()) << entry.status();
  ASSERT_TRUE(upserted.ok()) << upserted.status();
  ASSERT_EQ((*imported)[0].outcome(), v1::ImportResult::OUTCOME_CREATED) << (*imported)[0].reason();
  ASSERT_EQ((*imported)[1].outcome(), v1::ImportResult::OUTCOME_CREATED) << (*imported)[1].reason();

  v1::GetVacancyRequest get;
  get.set_vacancy_id((*imported)[0].vacancy_id());
  auto flagged = manager_->GetVacancy(admin, get);
  ASSERT_TRUE(flagged.ok()) << flagged.status();
  EXPECT_TRUE(flagged->employer_blacklisted());
  EXPECT_EQ(flagged->version(), 2);

  get.set_vacancy_id((*imported)[1].vacancy_id());
  auto other = manager_->GetVacancy(admin, get);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(upserted->employer_id(), other->employer_id());
  EXPECT_EQ(upserted->version(), 2);
  v1::GetEmployerRequest by_code;
  by_code.set_credit_code(new_code);
  auto employer = manager_->GetEmployer(admin, by_code);
  ASSERT_TRUE(employer.ok()) << employer.status();
  EXPECT_EQ(employer->name(), "东莞MA4UXB001电子股份有限公司");
  EXPECT_EQ(CountEvents("employer.registered"), 2);  // the listed one and the import's
}

// When a batch's write fails, the batch decided on top of it fails too
// (UNAVAILABLE) and writes nothing; memory keeps nothing of either, so the
// same items imported again behave as on an empty store.
TEST_F(VacancyManagerTest, BatchBuiltOnAFailedWriteFailsAndWritesNothing) {
  UseHookedStore();
  const std::string tenant = "dongguan-hrss";
  const Caller partner = MakeCaller(Role::kPartner, tenant);
  auto job = [&](int64_t min_yuan, int64_t max_yuan) {
    return PartnerJob("MA4UXC001", "电子装配工", "6-25-04-07", "441900", min_yuan, max_yuan);
  };
  const std::vector<v1::ImportItem> first = {Item("F-1", job(4000, 4500)),
                                             Item("F-2", job(5000, 5500))};
  const std::vector<v1::ImportItem> second = {
      Item("F-3", job(7000, 7500)), Item("F-1", job(4000, 4500)), Item("F-4", job(5200, 5800))};
  gate_.Arm(absl::InternalError("injected write failure"), /*release_on_read=*/true);
  absl::StatusOr<std::vector<v1::ImportResult>> a, b;
  std::thread ta([&] { a = manager_->ImportBatch(partner, first); });
  gate_.WaitHolding();
  std::thread tb([&] { b = manager_->ImportBatch(partner, second); });
  ta.join();
  tb.join();
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(b.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(b.status().message(), HasSubstr("injected write failure"));
  EXPECT_EQ(index_->size(), 0u);
  EXPECT_TRUE(Events().empty());
  for (const char* external_id : {"F-1", "F-2", "F-3", "F-4"}) {
    EXPECT_FALSE(VacancyOfSource(tenant, external_id).has_value()) << external_id;
  }

  auto again = manager_->ImportBatch(partner, second);
  ASSERT_TRUE(again.ok()) << again.status();
  for (const auto& r : *again) EXPECT_EQ(r.outcome(), v1::ImportResult::OUTCOME_CREATED);
  auto then = manager_->ImportBatch(partner, first);
  ASSERT_TRUE(then.ok()) << then.status();
  EXPECT_EQ((*then)[0].outcome(), v1::ImportResult::OUTCOME_UNCHANGED);
  EXPECT_EQ((*then)[1].outcome(), v1::ImportResult::OUTCOME_DUPLICATE);
  EXPECT_EQ((*then)[1].duplicate_of(), (*again)[2].vacancy_id());
  EXPECT_EQ(CountEvents("employer.registered"), 1);
  EXPECT_EQ(index_->size(), 3u);

  // A failed write alone fails only its own batch: the next one, decided
  // after it ended, goes ahead.
  const std::vector<v1::ImportItem> third = {Item("F-5", job(8000, 8500))};
  gate_.Arm(absl::InternalError("injected write failure"));
  gate_.Release();
  EXPECT_EQ(manager_->ImportBatch(partner, third).status().code(), absl::StatusCode::kInternal);
  auto retried = manager_->ImportBatch(partner, third);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ((*retried)[0].outcome(), v1::ImportResult::OUTCOME_CREATED);
}

TEST_F(VacancyManagerTest, ImportForABlacklistedEmployerIsRejected) {
  v1::Employer e = MustUpsertEmployer("达州市宏发建筑劳务有限公司", "511702", "MA62Q5678");
  v1::BlacklistEmployerRequest list;
  list.mutable_entry()->set_employer_id(e.employer_id());
  list.mutable_entry()->set_reason("拖欠农民工工资");
  list.mutable_entry()->set_source("达市人社发〔2026〕88号");
  ASSERT_TRUE(manager_->BlacklistEmployer(MakeCaller(Role::kAdmin), list).ok());
  v1::Vacancy v = ForkliftJob("");
  v.clear_employer_id();
  v.set_employer_credit_code(e.credit_code());
  v.set_employer_name(e.name());
  auto results = manager_->ImportBatch(MakeCaller(Role::kPartner), {Item("X-1", v)});
  ASSERT_TRUE(results.ok());
  EXPECT_EQ((*results)[0].outcome(), v1::ImportResult::OUTCOME_REJECTED);
  EXPECT_THAT((*results)[0].reason(), HasSubstr("blacklist"));
}

// ---------------------------------------------------------------- search

TEST_F(VacancyManagerTest, SearchFiltersAndPages) {
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  std::vector<std::string> locations = {"511702102", "511702001", "511722", "441900", "330281"};
  for (size_t i = 0; i < locations.size(); ++i) {
    v1::Vacancy v = ForkliftJob(e.employer_id());
    v.set_location(locations[i]);
    // Wages that do not overlap, so no two of them are the same job.
    v.mutable_wage()->mutable_min()->set_fen(300000 + static_cast<int64_t>(i) * 150000);
    v.mutable_wage()->mutable_max()->set_fen(400000 + static_cast<int64_t>(i) * 150000);
    MustPost(v);
    clock_.Advance(absl::Minutes(1));
  }
  v1::ListVacanciesRequest r;
  r.set_region_prefix("511702");
  EXPECT_EQ(ListCount(MakeCaller(Role::kKiosk), r), 2u);
  r.set_region_prefix("5117");
  EXPECT_EQ(ListCount(MakeCaller(Role::kKiosk), r), 3u);
  r.clear_region_prefix();
  r.mutable_monthly_wage_floor()->set_fen(850000);  // maxima: 4000, 5500, 7000, 8500, 10000
  EXPECT_EQ(ListCount(MakeCaller(Role::kKiosk), r), 2u);
  r.clear_monthly_wage_floor();
  r.set_occupation_prefix("6-30");
  EXPECT_EQ(ListCount(MakeCaller(Role::kKiosk), r), 5u);
  r.set_occupation_prefix("6-25");
  EXPECT_EQ(ListCount(MakeCaller(Role::kKiosk), r), 0u);
  r.set_occupation_prefix("6-3");  // not a branch
  EXPECT_EQ(manager_->ListVacancies(MakeCaller(Role::kKiosk), r).status().code(),
            absl::StatusCode::kInvalidArgument);

  // Pages of two, newest first, together everything once.
  v1::ListVacanciesRequest paged;
  paged.mutable_page()->set_page_size(2);
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    auto list = manager_->ListVacancies(MakeCaller(Role::kAdmin), paged);
    ASSERT_TRUE(list.ok()) << list.status();
    for (const auto& v : list->vacancies()) seen.push_back(v.location());
    if (list->page().next_page_token().empty()) break;
    paged.mutable_page()->set_page_token(list->page().next_page_token());
  }
  EXPECT_THAT(seen, ElementsAre("330281", "441900", "511722", "511702001", "511702102"));
  // A token is bound to its filter.
  paged.set_region_prefix("51");
  EXPECT_EQ(manager_->ListVacancies(MakeCaller(Role::kAdmin), paged).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(VacancyManagerTest, PartnerFeedShowsChangesOldestFirstIncludingClosings) {
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  const absl::Time start = clock_.Now();
  v1::Vacancy a = MustPost(ForkliftJob(e.employer_id())).vacancy();
  clock_.Advance(absl::Minutes(5));
  v1::Vacancy b_job = ForkliftJob(e.employer_id());
  b_job.set_location("511722");
  v1::Vacancy b = MustPost(b_job).vacancy();
  clock_.Advance(absl::Minutes(5));
  v1::ChangeVacancyStatusRequest close;
  close.set_vacancy_id(a.vacancy_id());
  close.set_status(v1::VACANCY_STATUS_CLOSED);
  ASSERT_TRUE(manager_->ChangeVacancyStatus(MakeCaller(Role::kAdmin), close).ok());

  v1::ListVacanciesRequest feed;
  *feed.mutable_updated_since() = ToProto(start);
  auto list = manager_->ListVacancies(MakeCaller(Role::kPartner), feed);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->vacancies_size(), 2);
  EXPECT_EQ(list->vacancies(0).vacancy_id(), b.vacancy_id());
  EXPECT_EQ(list->vacancies(1).vacancy_id(), a.vacancy_id());
  EXPECT_EQ(list->vacancies(1).status(), v1::VACANCY_STATUS_CLOSED);
  *feed.mutable_updated_since() = ToProto(start + absl::Minutes(8));
  EXPECT_EQ(manager_->ListVacancies(MakeCaller(Role::kPartner), feed)->vacancies_size(), 1);
}

TEST_F(VacancyManagerTest, IndexIsRebuiltFromTheStoreOnRestart) {
  v1::Employer e = MustUpsertEmployer("达州市通川区顺达物流有限公司", "511702", "MA62Q1234");
  MustPost(ForkliftJob(e.employer_id()));
  v1::Vacancy other = ForkliftJob(e.employer_id());
  other.set_location("511722");
  MustPost(other);
  OpenStore();
  EXPECT_EQ(index_->size(), 2u);
  v1::ListVacanciesRequest r;
  r.set_region_prefix("511722");
  EXPECT_EQ(ListCount(MakeCaller(Role::kKiosk), r), 1u);
}

}  // namespace
}  // namespace labor::vacancy
