// Domain tests of ProfileManager against a real RocksDB, with a manual clock.
#include "services/profile/profile_manager.h"

#include <atomic>
#include <thread>
#include <vector>

#include "common/status.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/profile/worker_rules.h"
#include "tests/services/profile/profile_fixture.h"

namespace labor::profile {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MakeCaller;
using testing::MakeResidentId;

class ProfileManagerTest : public testing::ProfileFixture {
 protected:
  int64_t OutboxCount() {
    int64_t n = 0;
    auto it = store_->NewIterator(kOutboxCf);
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    return n;
  }
  int64_t WorkerCount() {
    int64_t n = 0;
    EXPECT_TRUE(worker_store_
                    ->Scan({},
                           [&](const StoredWorker&) {
                             ++n;
                             return true;
                           })
                    .ok());
    return n;
  }
};

TEST_F(ProfileManagerTest, RegisterDerivesBirthAndGenderAndMasksForKiosk) {
  auto request = ValidRegistration("19900101", "123");
  auto response = manager_->Register(MakeCaller(Role::kKiosk), request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_TRUE(response->created());
  const v1::Worker& w = response->worker();
  EXPECT_EQ(w.worker_id(), "w_test_1");
  EXPECT_EQ(w.version(), 1);
  EXPECT_EQ(w.gender(), v1::GENDER_MALE);
  EXPECT_EQ(w.birth_date().year(), 1990);
  EXPECT_EQ(w.id_number(), MaskIdNumber(request.worker().id_number()));
  EXPECT_EQ(w.phone(), "138****1234");
  EXPECT_EQ(w.name(), "张*");
  EXPECT_TRUE(w.pii_masked());
  EXPECT_EQ(w.skills(0).occupation_name(), "砌筑工");
  EXPECT_EQ(OutboxCount(), 1);
}

// NotificationService (role service) withdraws a refused channel's consent
// and reads the phone an SMS goes to; it can grant nothing and change
// nothing else, and no other role gets a phone that way.
TEST_F(ProfileManagerTest, ServicesMayOnlyWithdrawConsentAndReadAPhoneForAnSms) {
  v1::RegisterWorkerRequest registration = ValidRegistration();
  registration.mutable_worker()->mutable_consent()->set_sms(true);
  v1::Worker w = MustRegister(registration);
  const Caller service = MakeCaller(Role::kService);
  auto update = [&](v1::Consent consent, const std::string& path = "consent") {
    v1::UpdateWorkerRequest r;
    r.mutable_worker()->set_worker_id(w.worker_id());
    *r.mutable_worker()->mutable_consent() = consent;
    r.mutable_worker()->set_labor_brand(v1::LABOR_BRAND_BASHAN_JIANGONG);
    r.mutable_update_mask()->add_paths(path);
    r.set_expected_version(w.version());
    return manager_->Update(service, r);
  };
  v1::Consent grant = w.consent();
  grant.set_partner_sharing(true);
  EXPECT_EQ(update(grant).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(update(w.consent(), "labor_brand").status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::Consent withdraw = w.consent();
  withdraw.set_wechat(false);
  auto done = update(withdraw);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_FALSE(done->consent().wechat());
  EXPECT_TRUE(done->consent().sms());

  v1::GetWorkerRequest get;
  get.set_worker_id(w.worker_id());
  get.set_reveal_phone(true);
  get.set_purpose("sms delivery n_1.0");
  auto with_phone = manager_->Get(service, get);
  ASSERT_TRUE(with_phone.ok()) << with_phone.status();
  EXPECT_EQ(with_phone->phone(), "13800001234");
  EXPECT_EQ(manager_->Get(MakeCaller(Role::kKiosk), get).status().code(),
            absl::StatusCode::kPermissionDenied);
  get.set_reveal_phone(false);
  EXPECT_NE(manager_->Get(service, get)->phone(), "13800001234");
}

TEST_F(ProfileManagerTest, SecondRegistrationWithSameIdNamesTheExistingWorker) {
  auto first = MustRegister(ValidRegistration());
  auto again = ValidRegistration();
  again.mutable_worker()->set_phone("13900002222");
  auto response = manager_->Register(MakeCaller(Role::kAdmin), again);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(response.status().message(), HasSubstr(first.worker_id()));
  EXPECT_EQ(WorkerCount(), 1);

  again.set_upsert(true);
  response = manager_->Register(MakeCaller(Role::kAdmin), again);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_FALSE(response->created());
  EXPECT_EQ(response->worker().worker_id(), first.worker_id());
  EXPECT_EQ(response->worker().version(), 2);
  EXPECT_EQ(response->worker().phone(), "139****2222");
  EXPECT_EQ(WorkerCount(), 1);
}

TEST_F(ProfileManagerTest, LowercaseXIsTheSameIdNumber) {
  // Find a birth/seq whose check char is X.
  std::string id;
  for (int seq = 100; seq < 999 && id.empty(); ++seq) {
    std::string candidate = MakeResidentId("19850505", absl::StrCat(seq));
    if (candidate.back() == 'X') id = candidate;
  }
  ASSERT_FALSE(id.empty());
  auto request = ValidRegistration();
  request.mutable_worker()->set_id_number(id);
  auto w = MustRegister(request);
  std::string lower = id;
  lower.back() = 'x';
  v1::GetWorkerRequest get;
  get.set_id_number(lower);
  auto found = manager_->Get(MakeCaller(Role::kAdmin), get);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->worker_id(), w.worker_id());
}

TEST_F(ProfileManagerTest, InvalidRegistrationNamesEveryFieldAndWritesNothing) {
  v1::RegisterWorkerRequest request;
  auto* w = request.mutable_worker();
  w->set_id_number("36042619910102009X");  // bad check digit
  w->set_phone("12345");
  w->set_hukou_township("440113001");  // not in Tongchuan
  auto* s = w->add_skills();
  s->set_occupation_code("9-99-99-99");
  s->set_years(80);
  w->mutable_preferences()->mutable_minimum_monthly_wage()->set_fen(-5);
  auto response = manager_->Register(MakeCaller(Role::kAdmin), request);
  ASSERT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : GetFieldViolations(response.status())) fields.push_back(v.field);
  EXPECT_THAT(fields,
              ::testing::IsSupersetOf({"worker.name", "worker.id_number", "worker.phone",
                                       "worker.hukou_township", "worker.household_id",
                                       "worker.skills[0].occupation_code", "worker.skills[0].years",
                                       "worker.preferences.minimum_monthly_wage"}));
  EXPECT_EQ(WorkerCount(), 0);
  EXPECT_EQ(OutboxCount(), 0);
}

TEST_F(ProfileManagerTest, FutureBirthDateRejected) {
  auto request = ValidRegistration("20261230", "123");  // after the clock's today
  auto response = manager_->Register(MakeCaller(Role::kAdmin), request);
  ASSERT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(response.status().message(), HasSubstr("worker.id_number"));
}

TEST_F(ProfileManagerTest, GetByEveryKey) {
  auto request = ValidRegistration();
  request.mutable_worker()->set_wechat_openid("oAbc123");
  auto w = MustRegister(request);
  v1::GetWorkerRequest get;
  for (int key = 0; key < 4; ++key) {
    switch (key) {
      case 0:
        get.set_worker_id(w.worker_id());
        break;
      case 1:
        get.set_id_number(request.worker().id_number());
        break;
      case 2:
        get.set_wechat_openid("oAbc123");
        break;
      case 3:
        get.set_phone("+86 138-0000-1234");
        break;
    }
    auto found = manager_->Get(MakeCaller(Role::kAdmin), get);
    ASSERT_TRUE(found.ok()) << key << " " << found.status();
    EXPECT_EQ(found->worker_id(), w.worker_id());
    EXPECT_EQ(found->name(), "张三");
    EXPECT_EQ(found->phone(), "138****1234");
    EXPECT_EQ(found->id_number(), MaskIdNumber(request.worker().id_number()));
  }
  get.set_worker_id("w_missing");
  EXPECT_EQ(manager_->Get(MakeCaller(Role::kAdmin), get).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ProfileManagerTest, SharedPhoneNeedsAnotherKey) {
  MustRegister(ValidRegistration("19900101", "123", "13800001234"));
  auto second = ValidRegistration("19920202", "246", "13800001234");
  MustRegister(second);
  v1::GetWorkerRequest get;
  get.set_phone("13800001234");
  EXPECT_EQ(manager_->Get(MakeCaller(Role::kAdmin), get).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ProfileManagerTest, RevealNeedsAdminAndPurposeAndIsAudited) {
  auto request = ValidRegistration();
  auto w = MustRegister(request);
  v1::GetWorkerRequest get;
  get.set_worker_id(w.worker_id());
  get.set_reveal_id_number(true);
  EXPECT_EQ(manager_->Get(MakeCaller(Role::kKiosk), get).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(manager_->Get(MakeCaller(Role::kAdmin), get).status().code(),
            absl::StatusCode::kInvalidArgument);
  get.set_purpose("核对失业登记材料");
  auto found = manager_->Get(MakeCaller(Role::kAdmin), get);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->id_number(), request.worker().id_number());
  EXPECT_TRUE(found->pii_masked());  // the phone still is

  v1::ListAuditRecordsRequest list;
  list.set_worker_id(w.worker_id());
  auto audit = manager_->ListAudit(MakeCaller(Role::kAdmin), list);
  ASSERT_TRUE(audit.ok()) << audit.status();
  ASSERT_GE(audit->records_size(), 1);
  const v1::AuditRecord& last = audit->records(audit->records_size() - 1);
  EXPECT_EQ(last.action(), "reveal_id_number");
  EXPECT_EQ(last.purpose(), "核对失业登记材料");
  EXPECT_EQ(last.actor().role(), "admin");
  EXPECT_EQ(last.detail().find(request.worker().id_number()), std::string::npos);
}

TEST_F(ProfileManagerTest, WechatSeesOnlyItsOwnWorker) {
  auto mine = ValidRegistration("19900101", "123", "13800001234");
  mine.mutable_worker()->set_wechat_openid("oMine");
  auto my_worker = MustRegister(mine, MakeCaller(Role::kWechat, "oMine"));
  auto other = ValidRegistration("19920202", "246", "13900005678");
  other.mutable_worker()->set_wechat_openid("oOther");
  auto other_worker = MustRegister(other);

  Caller me = MakeCaller(Role::kWechat, "oMine");
  v1::GetWorkerRequest get;
  get.set_wechat_openid("oMine");
  auto found = manager_->Get(me, get);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->worker_id(), my_worker.worker_id());
  EXPECT_EQ(found->name(), "张三");

  get.set_worker_id(other_worker.worker_id());
  EXPECT_EQ(manager_->Get(me, get).status().code(), absl::StatusCode::kPermissionDenied);
  get.set_id_number(other.worker().id_number());
  EXPECT_EQ(manager_->Get(me, get).status().code(), absl::StatusCode::kPermissionDenied);
  // Not-found answers the same as not-yours, so wechat cannot probe who is registered.
  get.set_worker_id("w_none");
  EXPECT_EQ(manager_->Get(me, get).status().code(), absl::StatusCode::kPermissionDenied);

  v1::UpdateWorkerRequest update;
  update.mutable_worker()->set_worker_id(other_worker.worker_id());
  update.mutable_worker()->set_labor_brand(v1::LABOR_BRAND_BASHAN_CHUSHI);
  update.mutable_update_mask()->add_paths("labor_brand");
  update.set_expected_version(other_worker.version());
  EXPECT_EQ(manager_->Update(me, update).status().code(), absl::StatusCode::kPermissionDenied);

  // Registering someone else's openid is refused.
  auto third = ValidRegistration("19930303", "357", "13700001111");
  third.mutable_worker()->set_wechat_openid("oSomeoneElse");
  EXPECT_EQ(manager_->Register(me, third).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(ProfileManagerTest, UpdateWithStaleVersionIsAborted) {
  auto w = MustRegister(ValidRegistration());
  v1::UpdateWorkerRequest update;
  update.mutable_worker()->set_worker_id(w.worker_id());
  update.mutable_worker()->mutable_preferences()->mutable_minimum_monthly_wage()->set_fen(500000);
  update.mutable_update_mask()->add_paths("preferences.minimum_monthly_wage");
  update.set_expected_version(1);
  auto updated = manager_->Update(MakeCaller(Role::kAdmin), update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->version(), 2);
  EXPECT_EQ(updated->preferences().minimum_monthly_wage().fen(), 500000);
  EXPECT_EQ(updated->skills_size(), 1);  // untouched
  auto stale = manager_->Update(MakeCaller(Role::kAdmin), update);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
}

TEST_F(ProfileManagerTest, UpdateRejectsUnknownAndImmutablePaths) {
  auto w = MustRegister(ValidRegistration());
  v1::UpdateWorkerRequest update;
  update.mutable_worker()->set_worker_id(w.worker_id());
  update.set_expected_version(1);
  update.mutable_update_mask()->add_paths("id_number");
  auto r = manager_->Update(MakeCaller(Role::kAdmin), update);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("update_mask"));
  update.mutable_update_mask()->set_paths(0, "version");
  EXPECT_EQ(manager_->Update(MakeCaller(Role::kAdmin), update).status().code(),
            absl::StatusCode::kInvalidArgument);
  update.mutable_update_mask()->Clear();
  EXPECT_EQ(manager_->Update(MakeCaller(Role::kAdmin), update).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ProfileManagerTest, OnlyAdminVerifiesCertificates) {
  auto w = MustRegister(ValidRegistration());
  v1::UpdateWorkerRequest update;
  update.mutable_worker()->set_worker_id(w.worker_id());
  auto* c = update.mutable_worker()->add_certificates();
  c->set_kind(v1::CERTIFICATE_KIND_SPECIAL_OPERATION);
  c->set_name("低压电工作业");
  c->set_number("T511702199001011234");
  c->set_verified(true);
  update.mutable_update_mask()->add_paths("certificates");
  update.set_expected_version(1);
  auto by_kiosk = manager_->Update(MakeCaller(Role::kKiosk), update);
  ASSERT_TRUE(by_kiosk.ok()) << by_kiosk.status();
  EXPECT_FALSE(by_kiosk->certificates(0).verified());
  update.set_expected_version(2);
  auto by_admin = manager_->Update(MakeCaller(Role::kAdmin), update);
  ASSERT_TRUE(by_admin.ok()) << by_admin.status();
  EXPECT_TRUE(by_admin->certificates(0).verified());
  // A kiosk re-sending the same certificate keeps staff's verification.
  update.set_expected_version(3);
  auto again = manager_->Update(MakeCaller(Role::kKiosk), update);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->certificates(0).verified());
}

TEST_F(ProfileManagerTest, UpdateRefusesACertificateFromBeforeWorkingAge) {
  auto w = MustRegister(ValidRegistration());
  ASSERT_GT(w.birth_date().year(), 0);
  v1::UpdateWorkerRequest update;
  update.mutable_worker()->set_worker_id(w.worker_id());
  auto* c = update.mutable_worker()->add_certificates();
  c->set_kind(v1::CERTIFICATE_KIND_SPECIAL_OPERATION);
  c->set_name("低压电工作业");
  c->mutable_issued_on()->set_year(w.birth_date().year() + 10);
  c->mutable_issued_on()->set_month(6);
  c->mutable_issued_on()->set_day(1);
  update.mutable_update_mask()->add_paths("certificates");
  update.set_expected_version(1);
  auto r = manager_->Update(MakeCaller(Role::kAdmin), update);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("worker.certificates[0].issued_on"));
  // Nothing was written: the same version still takes a valid change.
  c->mutable_issued_on()->set_year(w.birth_date().year() + 20);
  EXPECT_TRUE(manager_->Update(MakeCaller(Role::kAdmin), update).ok());
}

TEST_F(ProfileManagerTest, EmploymentHistoryAndRules) {
  auto w = MustRegister(ValidRegistration());
  w = Employ(w, v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE, "441900", absl::CivilDay(2026, 3, 1));
  EXPECT_EQ(w.employment().status(), v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE);
  EXPECT_EQ(w.current_location(), "441900");

  v1::UpdateEmploymentRequest r;
  r.set_worker_id(w.worker_id());
  r.set_expected_version(w.version());
  auto* rec = r.mutable_record();
  // Outside the district needs a destination outside it.
  rec->set_status(v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE);
  rec->set_destination_region("511702102");
  *rec->mutable_effective_date() = FromCivil(absl::CivilDay(2026, 10, 1));
  auto out = manager_->UpdateEmployment(MakeCaller(Role::kAdmin), r);
  ASSERT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(out.status().message(), HasSubstr("record.destination_region"));

  // Unemployment registration: five months of urban residence is not enough.
  rec->set_status(v1::EMPLOYMENT_STATUS_UNEMPLOYED);
  rec->clear_destination_region();
  rec->set_registration(v1::REGISTRATION_KIND_UNEMPLOYMENT);
  *rec->mutable_urban_residence_since() = FromCivil(absl::CivilDay(2026, 5, 2));
  out = manager_->UpdateEmployment(MakeCaller(Role::kAdmin), r);
  ASSERT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(out.status().message(), HasSubstr("6 months"));
  // Exactly six months is enough.
  *rec->mutable_urban_residence_since() = FromCivil(absl::CivilDay(2026, 4, 1));
  out = manager_->UpdateEmployment(MakeCaller(Role::kAdmin), r);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->employment_history_size(), 2);
  EXPECT_EQ(out->employment().registration(), v1::REGISTRATION_KIND_UNEMPLOYMENT);
  EXPECT_EQ(out->employment().recorded_by().role(), "admin");

  // History is append-only in time.
  r.set_expected_version(out->version());
  rec->set_registration(v1::REGISTRATION_KIND_NONE);
  *rec->mutable_effective_date() = FromCivil(absl::CivilDay(2026, 9, 1));
  EXPECT_EQ(manager_->UpdateEmployment(MakeCaller(Role::kAdmin), r).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Not in the future.
  *rec->mutable_effective_date() = FromCivil(absl::CivilDay(2026, 12, 25));
  EXPECT_EQ(manager_->UpdateEmployment(MakeCaller(Role::kAdmin), r).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Employment registration needs an employed status.
  *rec->mutable_effective_date() = FromCivil(absl::CivilDay(2026, 11, 1));
  rec->set_registration(v1::REGISTRATION_KIND_EMPLOYMENT);
  EXPECT_EQ(manager_->UpdateEmployment(MakeCaller(Role::kAdmin), r).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ProfileManagerTest, VerificationOverdueFollowsTheQuarter) {
  auto a = MustRegister(ValidRegistration("19900101", "123", "13800000001"));
  auto b = MustRegister(ValidRegistration("19910101", "135", "13800000002"));
  v1::MarkVerifiedRequest verify;
  verify.set_worker_id(a.worker_id());
  ASSERT_TRUE(manager_->MarkVerified(MakeCaller(Role::kAdmin), verify).ok());

  v1::ListWorkersRequest list;
  list.set_verification_overdue(true);
  list.set_township("511702102");
  auto overdue = manager_->List(MakeCaller(Role::kAdmin), list);
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  ASSERT_EQ(overdue->workers_size(), 1);
  EXPECT_EQ(overdue->workers(0).worker_id(), b.worker_id());

  // Into the next quarter (2027 Q1): both are overdue again.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2027, 1, 1, 0, 0, 1), ShanghaiTime()));
  overdue = manager_->List(MakeCaller(Role::kAdmin), list);
  ASSERT_TRUE(overdue.ok());
  EXPECT_EQ(overdue->workers_size(), 2);
}

TEST_F(ProfileManagerTest, ListPagesWithFilters) {
  for (int i = 0; i < 7; ++i) {
    auto r = ValidRegistration(absl::StrCat("1990010", i + 1), absl::StrCat(100 + i * 2 + 1),
                               absl::StrCat("1380000100", i));
    if (i % 2 == 0) r.mutable_worker()->mutable_skills(0)->set_occupation_code("6-18-02-04");
    MustRegister(r);
  }
  v1::ListWorkersRequest list;
  list.set_occupation_code("6-18");
  list.mutable_page()->set_page_size(2);
  std::vector<std::string> ids;
  for (int page = 0; page < 10; ++page) {
    auto out = manager_->List(MakeCaller(Role::kService), list);
    ASSERT_TRUE(out.ok()) << out.status();
    for (const auto& w : out->workers()) {
      ids.push_back(w.worker_id());
      EXPECT_TRUE(w.pii_masked());
      EXPECT_NE(w.name(), "张三");
    }
    if (out->page().next_page_token().empty()) break;
    list.mutable_page()->set_page_token(out->page().next_page_token());
  }
  EXPECT_EQ(ids.size(), 4u);
  // A token from another filter is refused.
  list.set_occupation_code("6-29");
  EXPECT_EQ(manager_->List(MakeCaller(Role::kAdmin), list).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ProfileManagerTest, ListFiltersOnLaborBrandAndReturnIntent) {
  auto meizi = ValidRegistration("19900101", "141", "13800002001");
  meizi.mutable_worker()->set_labor_brand(v1::LABOR_BRAND_BASHAN_MEIZI);
  meizi.mutable_worker()->mutable_return_plan()->set_intent(v1::RETURN_INTENT_LOCAL_JOB);
  *meizi.mutable_worker()->mutable_return_plan()->mutable_planned_return() =
      FromCivil(absl::CivilDay(2027, 1, 20));
  auto jiangong = ValidRegistration("19910101", "153", "13800002002");
  jiangong.mutable_worker()->set_labor_brand(v1::LABOR_BRAND_BASHAN_JIANGONG);
  jiangong.mutable_worker()->mutable_return_plan()->set_intent(v1::RETURN_INTENT_GO_OUT_AGAIN);
  *jiangong.mutable_worker()->mutable_return_plan()->mutable_planned_return() =
      FromCivil(absl::CivilDay(2027, 1, 25));
  const std::string a = MustRegister(meizi).worker_id();
  const std::string b = MustRegister(jiangong).worker_id();
  const std::string c =
      MustRegister(ValidRegistration("19920101", "165", "13800002003")).worker_id();

  auto ids = [&](const v1::ListWorkersRequest& request) {
    std::vector<std::string> out;
    auto list = manager_->List(MakeCaller(Role::kService), request);
    EXPECT_TRUE(list.ok()) << list.status();
    if (list.ok()) {
      for (const auto& w : list->workers()) out.push_back(w.worker_id());
    }
    return out;
  };
  v1::ListWorkersRequest list;
  EXPECT_THAT(ids(list), ::testing::UnorderedElementsAre(a, b, c));
  list.set_labor_brand(v1::LABOR_BRAND_BASHAN_MEIZI);
  EXPECT_THAT(ids(list), ::testing::ElementsAre(a));
  list.set_labor_brand(v1::LABOR_BRAND_UNSPECIFIED);  // present: workers without a brand
  EXPECT_THAT(ids(list), ::testing::ElementsAre(c));
  list.clear_labor_brand();
  list.set_return_intent(v1::RETURN_INTENT_GO_OUT_AGAIN);
  EXPECT_THAT(ids(list), ::testing::ElementsAre(b));
  list.set_labor_brand(v1::LABOR_BRAND_BASHAN_MEIZI);  // both must hold
  EXPECT_THAT(ids(list), ::testing::IsEmpty());

  v1::ListWorkersRequest bad;
  bad.set_labor_brand(static_cast<v1::LaborBrand>(42));
  bad.set_return_intent(static_cast<v1::ReturnIntent>(42));
  auto refused = manager_->List(MakeCaller(Role::kAdmin), bad);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : GetFieldViolations(refused.status())) fields.push_back(v.field);
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("labor_brand", "return_intent"));
}

TEST_F(ProfileManagerTest, ZeroEmploymentHouseholds) {
  auto a = ValidRegistration("19700101", "111", "13800000011");
  a.mutable_worker()->set_household_id("H1");
  auto b = ValidRegistration("19980101", "222", "13800000012");
  b.mutable_worker()->set_household_id("H1");
  auto c = ValidRegistration("19750101", "333", "13800000013");
  c.mutable_worker()->set_household_id("H2");
  auto wa = MustRegister(a), wb = MustRegister(b), wc = MustRegister(c);
  Employ(wa, v1::EMPLOYMENT_STATUS_UNEMPLOYED, "", absl::CivilDay(2026, 10, 1));
  Employ(wb, v1::EMPLOYMENT_STATUS_RETURNED_HOME, "", absl::CivilDay(2026, 10, 1));
  Employ(wc, v1::EMPLOYMENT_STATUS_EMPLOYED_LOCAL, "511702", absl::CivilDay(2026, 10, 1));
  auto report = manager_->ZeroEmploymentHouseholds(MakeCaller(Role::kAdmin), {});
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->households_size(), 1);
  EXPECT_EQ(report->households(0).household_id(), "H1");
  EXPECT_EQ(report->households(0).members(), 2);
  EXPECT_EQ(report->count_by_township().at("511702102"), 1);
}

TEST_F(ProfileManagerTest, TransferReportUsesStatusAtQuarterEndAndPartnerViewSuppresses) {
  std::vector<v1::Worker> workers;
  for (int i = 0; i < 6; ++i) {
    auto r = ValidRegistration(absl::StrCat("1980020", i + 1), absl::StrCat(200 + i * 2 + 1),
                               absl::StrCat("1390000200", i));
    r.mutable_worker()->mutable_consent()->set_partner_sharing(i != 5);
    workers.push_back(MustRegister(r));
  }
  for (int i = 0; i < 6; ++i) {
    workers[i] = Employ(workers[i], v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE,
                        i < 5 ? "441900" : "3302", absl::CivilDay(2026, 7, 15));
  }
  // One of them came home in Q4: Q3's report still counts her as outside.
  Employ(workers[0], v1::EMPLOYMENT_STATUS_RETURNED_HOME, "", absl::CivilDay(2026, 11, 1));

  v1::TransferEmploymentReportRequest q3;
  q3.set_year(2026);
  q3.set_quarter(3);
  auto report = manager_->TransferEmploymentReport(MakeCaller(Role::kAdmin), q3);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->total_workers(), 6);
  int64_t guangdong = 0;
  for (const auto& row : report->rows()) {
    if (row.destination_province() == "44") guangdong += row.count();
    EXPECT_FALSE(row.suppressed());
  }
  EXPECT_EQ(guangdong, 5);

  v1::PartnerSupplyReportRequest partner_q4;
  partner_q4.set_year(2026);
  partner_q4.set_quarter(4);
  auto partner = manager_->PartnerSupplyReport(MakeCaller(Role::kPartner), partner_q4);
  ASSERT_TRUE(partner.ok()) << partner.status();
  EXPECT_EQ(partner->total_workers(), 5);  // only consenting workers
  for (const auto& row : partner->rows()) {
    // 4 in Guangdong and 1 returned: both below the threshold of 5.
    EXPECT_TRUE(row.suppressed());
    EXPECT_EQ(row.count(), 0);
  }
  v1::TransferEmploymentReportRequest future;
  future.set_year(2027);
  future.set_quarter(2);
  EXPECT_EQ(manager_->TransferEmploymentReport(MakeCaller(Role::kAdmin), future).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ProfileManagerTest, EraseRemovesRecordAndIndexesAndKeepsAudit) {
  auto request = ValidRegistration();
  request.mutable_worker()->set_wechat_openid("oErase");
  auto w = MustRegister(request);
  v1::EraseWorkerRequest erase;
  erase.set_worker_id(w.worker_id());
  EXPECT_EQ(manager_->Erase(MakeCaller(Role::kAdmin), erase).status().code(),
            absl::StatusCode::kInvalidArgument);  // reason required
  erase.set_reason("本人申请删除");
  ASSERT_TRUE(manager_->Erase(MakeCaller(Role::kAdmin), erase).ok());
  v1::GetWorkerRequest get;
  get.set_id_number(request.worker().id_number());
  EXPECT_EQ(manager_->Get(MakeCaller(Role::kAdmin), get).status().code(),
            absl::StatusCode::kNotFound);
  get.set_wechat_openid("oErase");
  EXPECT_EQ(manager_->Get(MakeCaller(Role::kAdmin), get).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(WorkerCount(), 0);
  // No index entry is left behind but those of the audit records, which stay.
  auto it = store_->NewIterator("index");
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    EXPECT_TRUE(it->key().starts_with(rocksdb::Slice("au\0", 3))) << it->key().ToString();
  }
  auto audit = manager_->ListAudit(MakeCaller(Role::kAdmin), {});
  ASSERT_TRUE(audit.ok());
  ASSERT_GE(audit->records_size(), 1);
  EXPECT_EQ(audit->records(audit->records_size() - 1).action(), "erase");
  // The same person can register again afterwards.
  EXPECT_TRUE(manager_->Register(MakeCaller(Role::kAdmin), request).ok());
}

TEST_F(ProfileManagerTest, EventsCarryNoDirectIdentifiers) {
  auto request = ValidRegistration();
  MustRegister(request);
  auto it = store_->NewIterator(kOutboxCf);
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  v1::Event event;
  ASSERT_TRUE(event.ParseFromString(it->value().ToString()));
  EXPECT_EQ(event.type(), "worker.registered");
  EXPECT_EQ(event.entity_version(), 1);
  v1::Worker payload;
  ASSERT_TRUE(payload.ParseFromString(event.payload()));
  EXPECT_TRUE(payload.name().empty());
  EXPECT_TRUE(payload.id_number().empty());
  EXPECT_TRUE(payload.phone().empty());
  EXPECT_EQ(payload.hukou_township(), "511702102");
}

// Registrations commit through the group committer after the deciding thread
// has moved on; these check uniqueness still holds when they race.
namespace concurrent {

std::vector<absl::StatusOr<v1::RegisterWorkerResponse>> RegisterAll(
    ProfileManager& manager, const std::vector<v1::RegisterWorkerRequest>& requests) {
  std::vector<absl::StatusOr<v1::RegisterWorkerResponse>> out(requests.size(),
                                                              absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < requests.size(); ++i) {
    threads.emplace_back(
        [&, i] { out[i] = manager.Register(MakeCaller(Role::kAdmin), requests[i]); });
  }
  for (auto& t : threads) t.join();
  return out;
}

}  // namespace concurrent

TEST_F(ProfileManagerTest, RacingRegistrationsOfOnePersonCreateOneWorker) {
  for (int round = 0; round < 20; ++round) {
    const std::string seq = absl::StrCat(100 + round);
    std::vector<v1::RegisterWorkerRequest> requests(8, ValidRegistration("19900101", seq));
    auto results = concurrent::RegisterAll(*manager_, requests);
    std::string created_id;
    int created = 0, refused = 0;
    for (const auto& r : results) {
      if (r.ok()) {
        ++created;
        EXPECT_TRUE(r->created());
        created_id = r->worker().worker_id();
      } else {
        ++refused;
        EXPECT_EQ(r.status().code(), absl::StatusCode::kAlreadyExists) << r.status();
      }
    }
    ASSERT_EQ(created, 1) << "round " << round;
    EXPECT_EQ(refused, 7);
    for (const auto& r : results) {
      if (!r.ok()) {
        EXPECT_THAT(r.status().message(), HasSubstr(created_id));
      }
    }
  }
  EXPECT_EQ(WorkerCount(), 20);
  EXPECT_EQ(OutboxCount(), 20);  // one event per worker created, none for refusals
}

TEST_F(ProfileManagerTest, RacingRegistrationsOfOneOpenIdBindItOnce) {
  std::vector<v1::RegisterWorkerRequest> requests;
  for (int i = 0; i < 6; ++i) {
    auto r = ValidRegistration("19880808", absl::StrCat(200 + i), absl::StrCat("1390000000", i));
    r.mutable_worker()->set_wechat_openid("oShared");
    requests.push_back(r);
  }
  auto results = concurrent::RegisterAll(*manager_, requests);
  int created = 0;
  for (const auto& r : results) {
    if (r.ok()) {
      ++created;
    } else {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kAlreadyExists) << r.status();
      EXPECT_THAT(r.status().message(), HasSubstr("wechat_openid"));
    }
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(WorkerCount(), 1);
}

// The worker's version now (0 when it cannot be read).
int64_t CurrentVersion(ProfileManager& manager, const std::string& worker_id) {
  v1::GetWorkerRequest get;
  get.set_worker_id(worker_id);
  auto got = manager.Get(MakeCaller(Role::kAdmin), get);
  return got.ok() ? got->version() : 0;
}

TEST_F(ProfileManagerTest, UpsertsAndUpdatesOfOneWorkerNeverLoseAWrite) {
  for (int round = 0; round < 10; ++round) {
    const v1::RegisterWorkerRequest registration = ValidRegistration(
        "19920202", absl::StrCat(400 + round), absl::StrCat("1360000", 1000 + round));
    const v1::Worker w = MustRegister(registration);
    // Four upserts (ID-number path) and four updates (worker-id path) at
    // once: every one must build on the one before, so the version ends at
    // 1 + 8 and each event carries its own version.
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&, i] {
        v1::RegisterWorkerRequest upsert = registration;
        upsert.set_upsert(true);
        upsert.mutable_worker()->set_current_location(i % 2 == 0 ? "440306" : "330681");
        if (!manager_->Register(MakeCaller(Role::kAdmin), upsert).ok()) ++failures;
      });
      threads.emplace_back([&, i] {
        // An update names the version it read; on ABORTED it reads again.
        for (int attempt = 0; attempt < 100; ++attempt) {
          v1::UpdateWorkerRequest update;
          update.mutable_worker()->set_worker_id(w.worker_id());
          update.mutable_worker()->mutable_preferences()->mutable_minimum_monthly_wage()->set_fen(
              400000 + i);
          update.mutable_update_mask()->add_paths("preferences.minimum_monthly_wage");
          update.set_expected_version(CurrentVersion(*manager_, w.worker_id()));
          auto r = manager_->Update(MakeCaller(Role::kAdmin), update);
          if (r.ok()) return;
          if (r.status().code() != absl::StatusCode::kAborted) break;
        }
        ++failures;
      });
    }
    for (auto& t : threads) t.join();
    ASSERT_EQ(failures.load(), 0);
    EXPECT_EQ(CurrentVersion(*manager_, w.worker_id()), 9) << "round " << round;
  }
}

TEST_F(ProfileManagerTest, AnOpenIdBeingBoundIsNotBoundTwice) {
  // Updates binding one openid to different workers at once: one wins, the
  // others are refused (ALREADY_EXISTS once it landed, ABORTED while it is
  // in flight), never two owners.
  std::vector<v1::Worker> workers;
  for (int i = 0; i < 6; ++i) {
    workers.push_back(MustRegister(
        ValidRegistration("19870707", absl::StrCat(500 + i), absl::StrCat("1350000", 1000 + i))));
  }
  for (int round = 0; round < 10; ++round) {
    const std::string openid = absl::StrCat("oRace", round);
    std::vector<std::thread> threads;
    std::atomic<int> bound{0};
    for (const v1::Worker& w : workers) {
      threads.emplace_back([&, id = w.worker_id()] {
        v1::UpdateWorkerRequest update;
        update.mutable_worker()->set_worker_id(id);
        update.mutable_worker()->set_wechat_openid(openid);
        update.mutable_update_mask()->add_paths("wechat_openid");
        update.set_expected_version(CurrentVersion(*manager_, id));
        auto r = manager_->Update(MakeCaller(Role::kAdmin), update);
        if (r.ok()) {
          ++bound;
        } else {
          EXPECT_TRUE(r.status().code() == absl::StatusCode::kAlreadyExists ||
                      r.status().code() == absl::StatusCode::kAborted)
              << r.status();
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(bound.load(), 1) << "round " << round;
  }
}

TEST_F(ProfileManagerTest, ManyConcurrentRegistrationsAllLandAndShareWrites) {
  std::vector<v1::RegisterWorkerRequest> requests;
  for (int i = 0; i < 64; ++i) {
    requests.push_back(
        ValidRegistration(absl::StrCat("1975", i % 12 < 9 ? "0" : "", i % 12 + 1, "15"),
                          absl::StrCat(300 + i), absl::StrCat("1370000", 1000 + i)));
  }
  auto results = concurrent::RegisterAll(*manager_, requests);
  for (const auto& r : results) ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(WorkerCount(), 64);
  EXPECT_EQ(OutboxCount(), 64);
  for (size_t i = 0; i < requests.size(); ++i) {
    v1::GetWorkerRequest get;
    get.set_id_number(requests[i].worker().id_number());
    auto w = manager_->Get(MakeCaller(Role::kAdmin), get);
    ASSERT_TRUE(w.ok()) << w.status();
    EXPECT_EQ(w->worker_id(), results[i]->worker().worker_id());
  }
  const auto stats = committer_->stats();
  EXPECT_EQ(stats.batches, 64);
  EXPECT_LE(stats.groups, stats.batches);
}

}  // namespace
}  // namespace labor::profile
