// WorkUnit on its own, over the real RocksDB store: it reads through to the
// store, sees its own changes before committing, and commits records,
// their index entries and its events in one store write.
#include "services/vacancy/work_unit.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/services/vacancy/vacancy_fixture.h"

namespace labor::vacancy::testing {
namespace {

// The real store, counting its commits.
class CountingStore : public VacancyStore {
 public:
  explicit CountingStore(VacancyStore* store) : store_(store) {}
  int applies() const { return applies_; }

  absl::StatusOr<std::optional<StoredEmployer>> GetEmployer(absl::string_view id) override {
    return store_->GetEmployer(id);
  }
  absl::StatusOr<std::optional<StoredVacancy>> GetVacancy(absl::string_view id) override {
    return store_->GetVacancy(id);
  }
  absl::StatusOr<std::optional<StoredFair>> GetFair(absl::string_view id) override {
    return store_->GetFair(id);
  }
  absl::StatusOr<std::optional<std::string>> FindEmployerByCreditCode(
      absl::string_view credit_code) override {
    return store_->FindEmployerByCreditCode(credit_code);
  }
  absl::StatusOr<std::optional<std::string>> FindVacancyBySource(
      absl::string_view source_key) override {
    return store_->FindVacancyBySource(source_key);
  }
  absl::StatusOr<std::optional<StoredPostRequest>> FindPostRequest(
      absl::string_view request_id) override {
    return store_->FindPostRequest(request_id);
  }
  absl::StatusOr<std::vector<std::string>> FindOpenByEmployer(
      absl::string_view employer_id) override {
    return store_->FindOpenByEmployer(employer_id);
  }
  absl::StatusOr<std::optional<absl::Time>> FindCheckIn(absl::string_view fair_id,
                                                        absl::string_view worker_id) override {
    return store_->FindCheckIn(fair_id, worker_id);
  }
  absl::StatusOr<std::vector<std::string>> DueToExpire(absl::Time now, int limit) override {
    return store_->DueToExpire(now, limit);
  }
  absl::StatusOr<std::vector<std::string>> ListingsDueToEnd(absl::CivilDay today,
                                                            int limit) override {
    return store_->ListingsDueToEnd(today, limit);
  }
  absl::StatusOr<std::vector<std::string>> ListBlacklisted(bool history,
                                                           absl::string_view start_after,
                                                           int limit) override {
    return store_->ListBlacklisted(history, start_after, limit);
  }
  absl::StatusOr<std::vector<StoredFair>> ListFairs(int year, absl::string_view start_after,
                                                    int limit, std::string* next) override {
    return store_->ListFairs(year, start_after, limit, next);
  }
  absl::Status ScanVacancies(const std::function<bool(const StoredVacancy&)>& visit) override {
    return store_->ScanVacancies(visit);
  }
  absl::Status Apply(const VacancyMutation& mutation) override {
    ++applies_;
    return store_->Apply(mutation);
  }
  absl::Status Health() override { return store_->Health(); }

 private:
  VacancyStore* store_;
  int applies_ = 0;
};

class WorkUnitTest : public VacancyFixture {
 protected:
  void SetUp() override {
    VacancyFixture::SetUp();
    counting_ = std::make_unique<CountingStore>(vacancy_store_.get());
    employers_ = std::make_unique<CommittedEmployers>(counting_.get(), 100);
    deps_.store = counting_.get();
    deps_.employers = employers_.get();
    deps_.open = &open_;
    deps_.index = &index_;
    deps_.publish_mu = &publish_mu_;
  }

  std::unique_ptr<WorkUnit> NewUnit() {
    auto unit = std::make_unique<WorkUnit>(deps_);
    unit->set_now(clock_.Now());
    return unit;
  }

  // A new open vacancy record of `employer_id` imported by a partner as
  // `external_id`.
  StoredVacancy PartnerVacancy(const std::string& id, const std::string& employer_id,
                               const std::string& external_id) {
    StoredVacancy stored;
    v1::Vacancy* v = stored.mutable_vacancy();
    *v = ForkliftJob(employer_id);
    v->set_vacancy_id(id);
    v->set_version(1);
    v->set_status(v1::VACANCY_STATUS_OPEN);
    v->set_remaining(v->headcount());
    *v->mutable_posted_at() = ToProto(clock_.Now());
    *v->mutable_updated_at() = ToProto(clock_.Now());
    *v->add_sources() = PartnerSource(external_id);
    return stored;
  }
  // A new employer record (not in the store).
  static StoredEmployer NewEmployer(const std::string& id) {
    StoredEmployer fresh;
    fresh.mutable_employer()->set_employer_id(id);
    fresh.mutable_employer()->set_credit_code(MakeCreditCode("511702", "MA62Q5678"));
    fresh.mutable_employer()->set_name("达州物流");
    fresh.mutable_employer()->set_version(1);
    return fresh;
  }
  static v1::VacancySource PartnerSource(const std::string& external_id) {
    v1::VacancySource source;
    source.set_kind(v1::SOURCE_KIND_PARTNER);
    source.set_partner("dongguan-hrss");
    source.set_external_id(external_id);
    return source;
  }

  std::unique_ptr<CountingStore> counting_;
  std::unique_ptr<CommittedEmployers> employers_;
  OpenVacancies open_;
  VacancyIndex index_;
  absl::Mutex publish_mu_;
  WorkUnitDeps deps_;
};

TEST_F(WorkUnitTest, ReadsThroughToTheStoreAndWritesNothingForReads) {
  v1::Employer employer = MustUpsertEmployer("川东建材", "511702", "MA62Q1234");
  v1::PostVacancyResponse posted = MustPost(ForkliftJob(employer.employer_id()));
  const std::string vacancy_id = posted.vacancy().vacancy_id();
  const size_t events_before = Events().size();

  auto unit = NewUnit();
  auto vacancy = unit->Vacancy(vacancy_id);
  ASSERT_TRUE(vacancy.ok()) << vacancy.status();
  ASSERT_NE(*vacancy, nullptr);
  EXPECT_EQ((*vacancy)->vacancy().version(), posted.vacancy().version());
  EXPECT_EQ((*vacancy)->vacancy().title(), "叉车司机");
  auto stored_employer = unit->Employer(employer.employer_id());
  ASSERT_TRUE(stored_employer.ok()) << stored_employer.status();
  ASSERT_NE(*stored_employer, nullptr);
  EXPECT_EQ((*stored_employer)->employer().credit_code(), employer.credit_code());
  auto by_code = unit->EmployerByCreditCode(employer.credit_code());
  ASSERT_TRUE(by_code.ok()) << by_code.status();
  EXPECT_EQ(by_code->value_or(""), employer.employer_id());

  auto missing = unit->Vacancy("v_missing");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(*missing, nullptr);
  auto missing_fair = unit->Fair("f_missing");
  ASSERT_TRUE(missing_fair.ok()) << missing_fair.status();
  EXPECT_EQ(*missing_fair, nullptr);

  // Reading changes nothing: the commit writes nothing.
  EXPECT_TRUE(WorkUnit::IsEmpty(unit->TakeMutation()));
  ASSERT_TRUE(NewUnit()->Commit().ok());
  EXPECT_EQ(counting_->applies(), 0);
  EXPECT_EQ(Events().size(), events_before);
}

TEST_F(WorkUnitTest, SeesItsOwnChangesBeforeCommitting) {
  auto unit = NewUnit();
  const StoredEmployer fresh = NewEmployer("e_new");
  unit->AddEmployer(fresh);
  StoredVacancy added = PartnerVacancy("v_new", "e_new", "ext-1");
  const std::string dedup_key = DedupKey(added.vacancy());
  unit->AddVacancy(added);

  auto by_code = unit->EmployerByCreditCode(fresh.employer().credit_code());
  ASSERT_TRUE(by_code.ok()) << by_code.status();
  EXPECT_EQ(by_code->value_or(""), "e_new");
  auto by_source = unit->VacancyBySource(SourceKey(PartnerSource("ext-1")));
  ASSERT_TRUE(by_source.ok()) << by_source.status();
  EXPECT_EQ(by_source->value_or(""), "v_new");
  std::vector<OpenVacancy> open = unit->OpenByDedupKey(dedup_key);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].id, "v_new");

  // A change through the unit is what the unit reads next.
  auto vacancy = unit->Vacancy("v_new");
  ASSERT_TRUE(vacancy.ok()) << vacancy.status();
  ASSERT_NE(*vacancy, nullptr);
  (*vacancy)->mutable_vacancy()->set_status(v1::VACANCY_STATUS_CLOSED);
  unit->TouchVacancy(*vacancy);
  EXPECT_EQ((*unit->Vacancy("v_new"))->vacancy().version(), 2);
  EXPECT_TRUE(unit->OpenByDedupKey(dedup_key).empty());

  // None of it reached the store or the committed state.
  EXPECT_EQ(counting_->applies(), 0);
  auto in_store = vacancy_store_->GetVacancy("v_new");
  ASSERT_TRUE(in_store.ok()) << in_store.status();
  EXPECT_FALSE(in_store->has_value());
  EXPECT_EQ(open_.Find(dedup_key), nullptr);
  EXPECT_EQ(index_.size(), 0u);
}

TEST_F(WorkUnitTest, CommitsRecordsIndexEntriesAndEventsInOneWrite) {
  v1::Employer employer = MustUpsertEmployer("川东建材", "511702", "MA62Q1234");
  v1::PostVacancyResponse posted = MustPost(ForkliftJob(employer.employer_id()));
  const std::string old_id = posted.vacancy().vacancy_id();
  const size_t events_before = Events().size();

  auto unit = NewUnit();
  const StoredEmployer fresh = NewEmployer("e_new");
  unit->AddEmployer(fresh);
  unit->Emit(MakeEvent("employer.registered", "e_new", 1, fresh.employer()));
  StoredVacancy added = PartnerVacancy("v_new", "e_new", "ext-1");
  unit->AddVacancy(added);
  unit->SetRequestId("v_new", "req-1", "fp-1");
  unit->Emit(MakeEvent("vacancy.created", "v_new", 1, added.vacancy()));
  auto old = unit->Vacancy(old_id);
  ASSERT_TRUE(old.ok() && *old != nullptr);
  (*old)->mutable_vacancy()->set_status(v1::VACANCY_STATUS_CLOSED);
  unit->TouchVacancy(*old);
  unit->Emit(MakeEvent("vacancy.closed", old_id, 2, (*old)->vacancy()));

  ASSERT_TRUE(unit->Commit().ok());
  EXPECT_EQ(counting_->applies(), 1);

  // Records.
  auto new_vacancy = vacancy_store_->GetVacancy("v_new");
  ASSERT_TRUE(new_vacancy.ok() && new_vacancy->has_value());
  EXPECT_EQ((*new_vacancy)->vacancy().employer_id(), "e_new");
  auto closed = vacancy_store_->GetVacancy(old_id);
  ASSERT_TRUE(closed.ok() && closed->has_value());
  EXPECT_EQ((*closed)->vacancy().status(), v1::VACANCY_STATUS_CLOSED);
  EXPECT_EQ((*closed)->vacancy().version(), 2);
  // The store's index entries.
  auto by_code = vacancy_store_->FindEmployerByCreditCode(fresh.employer().credit_code());
  ASSERT_TRUE(by_code.ok());
  EXPECT_EQ(by_code->value_or(""), "e_new");
  auto by_source = vacancy_store_->FindVacancyBySource(SourceKey(PartnerSource("ext-1")));
  ASSERT_TRUE(by_source.ok());
  EXPECT_EQ(by_source->value_or(""), "v_new");
  auto request = vacancy_store_->FindPostRequest("req-1");
  ASSERT_TRUE(request.ok() && request->has_value());
  EXPECT_EQ((*request)->vacancy_id(), "v_new");
  auto open_of_old_employer = vacancy_store_->FindOpenByEmployer(employer.employer_id());
  ASSERT_TRUE(open_of_old_employer.ok());
  EXPECT_TRUE(open_of_old_employer->empty());
  // The events, in order.
  std::vector<std::string> types = EventTypes();
  ASSERT_EQ(types.size(), events_before + 3);
  EXPECT_EQ(std::vector<std::string>(types.begin() + events_before, types.end()),
            (std::vector<std::string>{"employer.registered", "vacancy.created", "vacancy.closed"}));
  // The committed state and the search index moved with the write.
  const std::vector<OpenVacancy>* open = open_.Find(DedupKey(added.vacancy()));
  ASSERT_NE(open, nullptr);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].id, "v_new");
  auto remembered = employers_->FindIdByCode(fresh.employer().credit_code());
  ASSERT_TRUE(remembered.ok());
  EXPECT_EQ(remembered->value_or(""), "e_new");
  VacancyQuery query;
  query.employer_id = "e_new";
  auto page = index_.Query(query, "", 10);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->vacancy_ids, std::vector<std::string>{"v_new"});
}

// An import unit deciding while the previous unit's write is in flight
// reads that unit's changes as if they had landed.
TEST_F(WorkUnitTest, ReadsThroughAnOverlayBeforeTheStore) {
  auto previous = std::make_shared<WorkUnit>(deps_);
  previous->set_now(clock_.Now());
  StoredVacancy added = PartnerVacancy("v_new", "e_missing", "ext-1");
  previous->AddVacancy(added);

  WorkUnit next(deps_, previous);
  next.set_now(clock_.Now());
  auto seen = next.Vacancy("v_new");
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_NE(*seen, nullptr);
  auto by_source = next.VacancyBySource(SourceKey(PartnerSource("ext-1")));
  ASSERT_TRUE(by_source.ok());
  EXPECT_EQ(by_source->value_or(""), "v_new");
  EXPECT_EQ(next.OpenByDedupKey(DedupKey(added.vacancy())).size(), 1u);
  // What the next unit changes is its own copy.
  (*seen)->mutable_vacancy()->set_title("装卸工");
  EXPECT_EQ((*previous->Vacancy("v_new"))->vacancy().title(), "叉车司机");
}

}  // namespace
}  // namespace labor::vacancy::testing
