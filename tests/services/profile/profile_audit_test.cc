// Domain tests of ProfileManager's accounting: an audit record for every
// processing of a worker's personal data (field names, never values), the
// kept versions of a record, and phones masked unless revealed with a purpose.
#include <string>
#include <vector>

#include "common/proto_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/profile/profile_manager.h"
#include "tests/services/profile/profile_fixture.h"

namespace labor::profile {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using testing::MakeCaller;

class ProfileAuditTest : public testing::ProfileFixture {
 protected:
  std::vector<v1::AuditRecord> Audit(const std::string& worker_id) {
    v1::ListAuditRecordsRequest list;
    list.set_worker_id(worker_id);
    list.mutable_page()->set_page_size(500);
    auto audit = manager_->ListAudit(MakeCaller(Role::kAdmin), list);
    EXPECT_TRUE(audit.ok()) << audit.status();
    if (!audit.ok()) return {};
    return {audit->records().begin(), audit->records().end()};
  }
  static std::vector<std::string> Actions(const std::vector<v1::AuditRecord>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.action());
    return out;
  }
  static std::vector<std::string> Fields(const v1::AuditRecord& r) {
    return {r.fields().begin(), r.fields().end()};
  }
  absl::StatusOr<v1::Worker> Update(const Caller& caller, const v1::Worker& w,
                                    const std::vector<std::string>& paths) {
    v1::UpdateWorkerRequest r;
    *r.mutable_worker() = w;
    for (const auto& p : paths) r.mutable_update_mask()->add_paths(p);
    r.set_expected_version(w.version());
    return manager_->Update(caller, r);
  }
};

// The case: registered, two employment changes, a consent withdrawn
// by a service. Every step is in the log, with who, the version it made and
// the fields it touched, and no record carries a name, ID number or phone.
TEST_F(ProfileAuditTest, EveryChangeIsAuditedWithItsFieldsAndNoValues) {
  v1::RegisterWorkerRequest registration = ValidRegistration();
  registration.mutable_worker()->mutable_consent()->set_sms(true);
  v1::Worker w = MustRegister(registration, MakeCaller(Role::kKiosk));
  w = Employ(w, v1::EMPLOYMENT_STATUS_EMPLOYED_OUTSIDE, "441900", absl::CivilDay(2026, 3, 1));
  w = Employ(w, v1::EMPLOYMENT_STATUS_RETURNED_HOME, "", absl::CivilDay(2026, 11, 1));
  v1::Worker withdraw;
  withdraw.set_worker_id(w.worker_id());
  withdraw.set_version(w.version());
  *withdraw.mutable_consent() = w.consent();
  withdraw.mutable_consent()->set_wechat(false);
  auto withdrawn = Update(MakeCaller(Role::kService), withdraw, {"consent"});
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  v1::Worker change = *withdrawn;
  change.set_phone("13900009999");
  change.mutable_preferences()->mutable_minimum_monthly_wage()->set_fen(450000);
  auto changed =
      Update(MakeCaller(Role::kAdmin), change, {"phone", "preferences.minimum_monthly_wage"});
  ASSERT_TRUE(changed.ok()) << changed.status();
  v1::MarkVerifiedRequest verify;
  verify.set_worker_id(w.worker_id());
  verify.set_note("季度核验");
  ASSERT_TRUE(manager_->MarkVerified(MakeCaller(Role::kAdmin), verify).ok());
  v1::EraseWorkerRequest erase;
  erase.set_worker_id(w.worker_id());
  erase.set_reason("本人申请删除");
  ASSERT_TRUE(manager_->Erase(MakeCaller(Role::kAdmin), erase).ok());

  std::vector<v1::AuditRecord> audit = Audit(w.worker_id());
  ASSERT_THAT(Actions(audit), ElementsAre("register", "consent", "employment", "employment",
                                          "consent", "update", "verify", "erase"));
  const v1::AuditRecord& reg = audit[0];
  EXPECT_EQ(reg.actor().role(), "kiosk");
  EXPECT_EQ(reg.actor().tenant(), "kiosk-tenant");
  EXPECT_EQ(reg.actor().principal(), "kiosk-test");
  EXPECT_EQ(reg.version(), 1);
  EXPECT_THAT(Fields(reg), IsSupersetOf({"name", "id_number", "phone", "hukou_township",
                                         "household_id", "skills"}));
  EXPECT_THAT(Fields(audit[1]), ElementsAre("consent.wechat", "consent.sms"));
  EXPECT_EQ(audit[1].detail(), "granted: wechat, sms");
  EXPECT_EQ(audit[2].version(), 2);
  EXPECT_THAT(Fields(audit[2]),
              ElementsAre("current_location", "employment", "employment_history"));
  EXPECT_THAT(audit[2].detail(), HasSubstr("EMPLOYED_OUTSIDE"));
  EXPECT_EQ(audit[3].version(), 3);
  EXPECT_EQ(audit[4].actor().role(), "service");
  EXPECT_THAT(Fields(audit[4]), ElementsAre("consent.wechat"));
  EXPECT_EQ(audit[4].detail(), "withdrawn: wechat");
  EXPECT_EQ(audit[4].version(), 4);
  EXPECT_THAT(Fields(audit[5]), ElementsAre("phone", "preferences.minimum_monthly_wage"));
  EXPECT_THAT(Fields(audit[6]), ElementsAre("last_verified_at"));
  EXPECT_EQ(audit[6].detail(), "季度核验");
  EXPECT_EQ(audit[7].purpose(), "本人申请删除");
  for (const auto& r : audit) {
    EXPECT_TRUE(r.has_at()) << r.action();
    const std::string bytes = r.SerializeAsString();
    for (const std::string& value :
         {registration.worker().name(), registration.worker().id_number(),
          registration.worker().phone(), std::string("13900009999")}) {
      EXPECT_EQ(bytes.find(value), std::string::npos) << r.action() << " carries a value";
    }
  }
}

// A kiosk re-registering onto an existing ID number replaces the person's
// name, phone and household: allowed, audited as an upsert, and the replaced
// version stays readable by staff (audited too).
TEST_F(ProfileAuditTest, UpsertOntoAnExistingIdNumberKeepsThePreviousVersion) {
  v1::Worker first = MustRegister(ValidRegistration());
  v1::RegisterWorkerRequest again = ValidRegistration("19900101", "123", "13900002222");
  again.mutable_worker()->set_name("李四");
  again.mutable_worker()->set_household_id("TC102-00099");
  again.set_upsert(true);
  auto upserted = manager_->Register(MakeCaller(Role::kKiosk), again);
  ASSERT_TRUE(upserted.ok()) << upserted.status();
  ASSERT_EQ(upserted->worker().worker_id(), first.worker_id());

  std::vector<v1::AuditRecord> audit = Audit(first.worker_id());
  ASSERT_GE(audit.size(), 2u);
  const v1::AuditRecord& upsert = audit.back();
  EXPECT_EQ(upsert.action(), "upsert");
  EXPECT_EQ(upsert.actor().role(), "kiosk");
  EXPECT_EQ(upsert.version(), 2);
  EXPECT_THAT(Fields(upsert), ElementsAre("name", "phone", "household_id"));
  EXPECT_THAT(upsert.detail(), HasSubstr("version 1 kept"));

  v1::ListWorkerVersionsRequest versions;
  versions.set_worker_id(first.worker_id());
  EXPECT_EQ(manager_->ListVersions(MakeCaller(Role::kAdmin), versions).status().code(),
            absl::StatusCode::kInvalidArgument);  // purpose required
  versions.set_purpose("核对信息被覆盖的投诉");
  auto masked = manager_->ListVersions(MakeCaller(Role::kAdmin), versions);
  ASSERT_TRUE(masked.ok()) << masked.status();
  ASSERT_EQ(masked->versions_size(), 2);
  EXPECT_EQ(masked->versions(1).phone(), "138****1234");
  versions.set_reveal_phone(true);
  auto full = manager_->ListVersions(MakeCaller(Role::kAdmin), versions);
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_EQ(full->versions_size(), 2);
  EXPECT_EQ(full->versions(0).version(), 2);
  EXPECT_EQ(full->versions(0).name(), "李四");
  EXPECT_EQ(full->versions(0).phone(), "13900002222");
  EXPECT_EQ(full->versions(1).version(), 1);
  EXPECT_EQ(full->versions(1).name(), "张三");
  EXPECT_EQ(full->versions(1).phone(), "13800001234");
  EXPECT_EQ(full->versions(1).household_id(), "TC102-00001");
  EXPECT_EQ(full->versions(1).id_number(), MaskIdNumber(again.worker().id_number()));

  // Page by page, with the same answer.
  versions.mutable_page()->set_page_size(1);
  auto page1 = manager_->ListVersions(MakeCaller(Role::kAdmin), versions);
  ASSERT_TRUE(page1.ok()) << page1.status();
  ASSERT_EQ(page1->versions_size(), 1);
  ASSERT_FALSE(page1->page().next_page_token().empty());
  versions.mutable_page()->set_page_token(page1->page().next_page_token());
  auto page2 = manager_->ListVersions(MakeCaller(Role::kAdmin), versions);
  ASSERT_TRUE(page2.ok()) << page2.status();
  ASSERT_EQ(page2->versions_size(), 1);
  EXPECT_EQ(page2->versions(0).name(), "张三");
  EXPECT_TRUE(page2->page().next_page_token().empty());

  audit = Audit(first.worker_id());
  const v1::AuditRecord& read = audit.back();
  EXPECT_EQ(read.action(), "read_versions");
  EXPECT_EQ(read.purpose(), "核对信息被覆盖的投诉");
  EXPECT_THAT(Fields(read), ElementsAre("name", "phone"));

  // Erasure takes the kept versions with it.
  v1::EraseWorkerRequest erase;
  erase.set_worker_id(first.worker_id());
  erase.set_reason("本人申请删除");
  ASSERT_TRUE(manager_->Erase(MakeCaller(Role::kAdmin), erase).ok());
  auto kept = worker_store_->ListVersions(first.worker_id(), 0, 100);
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_TRUE(kept->empty());
  versions.clear_page();
  EXPECT_EQ(manager_->ListVersions(MakeCaller(Role::kAdmin), versions).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ProfileAuditTest, OnlyTheNewestVersionsAreKept) {
  RocksWorkerStore small(store_.get(), outbox_.get(), nullptr, /*versions_kept=*/2);
  StoredWorker stored;
  stored.mutable_worker()->set_worker_id("w_kept");
  stored.mutable_worker()->set_version(1);
  stored.set_id_number_index("idx");
  ASSERT_TRUE(small.Apply({nullptr, &stored, {}, {}}).ok());
  for (int v = 2; v <= 5; ++v) {
    StoredWorker next = stored;
    next.mutable_worker()->set_version(v);
    ASSERT_TRUE(small.Apply({&stored, &next, {}, {}}).ok());
    stored = next;
  }
  auto kept = small.ListVersions("w_kept", 0, 100);
  ASSERT_TRUE(kept.ok()) << kept.status();
  std::vector<int64_t> versions;
  for (const auto& k : *kept) versions.push_back(k.worker().version());
  EXPECT_THAT(versions, ElementsAre(4, 3));
}

// A store written before audit records were indexed by worker: its records
// are indexed once at start and then listed per worker like new ones.
TEST_F(ProfileAuditTest, EarlierAuditRecordsAreIndexedByWorkerOnce) {
  v1::AuditRecord old;
  old.set_action("reveal_id_number");
  old.set_worker_id("w_old");
  old.set_purpose("核对");
  *old.mutable_at() = ToProto(clock_.Now());
  rocksdb::WriteBatch batch;
  ASSERT_TRUE(
      batch.Put(store_->cf("audit"), std::string(16, '\x01'), old.SerializeAsString()).ok());
  ASSERT_TRUE(store_->Write(&batch).ok());
  std::string next;
  auto listed = worker_store_->ListAudit("w_old", "", 10, &next);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_TRUE(listed->empty());  // not indexed yet

  ASSERT_TRUE(worker_store_->IndexEarlierAuditRecords().ok());
  listed = worker_store_->ListAudit("w_old", "", 10, &next);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].purpose(), "核对");
  EXPECT_TRUE(worker_store_->IndexEarlierAuditRecords().ok());  // a no-op the second time
  listed = worker_store_->ListAudit("w_old", "", 10, &next);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
}

// Phones are masked for every role; admin and services reveal one with a
// purpose, and each reveal is audited before the number is returned.
TEST_F(ProfileAuditTest, PhonesAreMaskedForEveryRoleAndRevealedOnlyWithAPurpose) {
  v1::RegisterWorkerRequest registration = ValidRegistration();
  registration.mutable_worker()->set_wechat_openid("oMine");
  auto registered = manager_->Register(MakeCaller(Role::kAdmin), registration);
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_EQ(registered->worker().phone(), "138****1234");
  const std::string id = registered->worker().worker_id();
  v1::GetWorkerRequest get;
  get.set_worker_id(id);
  for (Role role : {Role::kAdmin, Role::kKiosk, Role::kService, Role::kWechat}) {
    auto w = manager_->Get(MakeCaller(role, "oMine"), get);
    ASSERT_TRUE(w.ok()) << RoleName(role) << ": " << w.status();
    EXPECT_EQ(w->phone(), "138****1234") << RoleName(role);
    EXPECT_TRUE(w->pii_masked()) << RoleName(role);
  }
  const size_t before = Audit(id).size();
  get.set_reveal_phone(true);
  for (Role role : {Role::kKiosk, Role::kWechat}) {
    get.set_purpose("联系本人");
    EXPECT_EQ(manager_->Get(MakeCaller(role, "oMine"), get).status().code(),
              absl::StatusCode::kPermissionDenied)
        << RoleName(role);
  }
  for (Role role : {Role::kAdmin, Role::kService}) {
    get.clear_purpose();
    auto refused = manager_->Get(MakeCaller(role), get);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << RoleName(role);
    EXPECT_THAT(refused.status().message(), HasSubstr("purpose"));
  }
  EXPECT_EQ(Audit(id).size(), before);  // nothing revealed, nothing logged

  get.set_purpose("sms delivery n_7.0");
  auto by_service = manager_->Get(MakeCaller(Role::kService), get);
  ASSERT_TRUE(by_service.ok()) << by_service.status();
  EXPECT_EQ(by_service->phone(), "13800001234");
  get.set_purpose("电话回访");
  auto by_admin = manager_->Get(MakeCaller(Role::kAdmin), get);
  ASSERT_TRUE(by_admin.ok()) << by_admin.status();
  EXPECT_EQ(by_admin->phone(), "13800001234");

  std::vector<v1::AuditRecord> audit = Audit(id);
  ASSERT_EQ(audit.size(), before + 2);
  EXPECT_EQ(audit[before].action(), "reveal_phone");
  EXPECT_EQ(audit[before].actor().role(), "service");
  EXPECT_EQ(audit[before].purpose(), "sms delivery n_7.0");
  EXPECT_THAT(Fields(audit[before]), ElementsAre("phone"));
  EXPECT_EQ(audit[before].version(), 1);
  EXPECT_EQ(audit[before + 1].actor().role(), "admin");
  EXPECT_EQ(audit[before + 1].purpose(), "电话回访");
  for (const auto& r : audit) {
    EXPECT_EQ(r.SerializeAsString().find("13800001234"), std::string::npos);
  }
}

}  // namespace
}  // namespace labor::profile
