// The in-memory search index behind ListVacancies: filters, both orders,
// cursors under concurrent change, visibility rules, and a randomized
// comparison against a brute-force filter + sort.
#include "services/vacancy/vacancy_index.h"

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/occupations.h"
#include "common/proto_util.h"
#include "common/regions.h"
#include "common/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace labor::vacancy {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// 2026-01-01T00:00:00Z.
const absl::Time kBase = absl::FromUnixSeconds(1767225600);

absl::Time Minute(int m) { return kBase + absl::Minutes(m); }

VacancySummary Make(std::string id, int posted_minute) {
  VacancySummary s;
  s.vacancy_id = std::move(id);
  s.employer_id = "emp-1";
  s.occupation_code = "6-29-01-01";  // 砌筑工
  s.location = "511702102";          // 罗江镇
  s.monthly_min_fen = 500000;
  s.monthly_max_fen = 700000;
  s.status = v1::VACANCY_STATUS_OPEN;
  s.posted_at = Minute(posted_minute);
  s.expires_at = Minute(posted_minute) + absl::Hours(24 * 60);
  s.updated_at = Minute(posted_minute);
  s.district_source = true;
  return s;
}

// Every id matching `q`, paging with `limit`; fails the test on an error
// or a page that breaks the paging contract.
std::vector<std::string> QueryAll(const VacancyIndex& index, const VacancyQuery& q, int limit) {
  std::vector<std::string> all;
  std::string cursor;
  for (int pages = 0; pages < 100000; ++pages) {
    absl::StatusOr<VacancyIndex::Page> page = index.Query(q, cursor, limit);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) break;
    EXPECT_LE(page->vacancy_ids.size(), static_cast<size_t>(limit));
    all.insert(all.end(), page->vacancy_ids.begin(), page->vacancy_ids.end());
    if (page->next_cursor.empty()) break;
    // A page with a next cursor is full.
    EXPECT_EQ(page->vacancy_ids.size(), static_cast<size_t>(limit));
    cursor = page->next_cursor;
  }
  return all;
}

std::vector<std::string> Ids(const VacancyIndex& index, const VacancyQuery& q) {
  return QueryAll(index, q, 1000);
}

class VacancyIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // a: Tongchuan township, masonry, the default.
    index_.Upsert(Make("a", 1));
    // b: Dazhou (another county), cook, no stated wage.
    VacancySummary b = Make("b", 2);
    b.occupation_code = "4-03-02-01";
    b.location = "511722";
    b.monthly_min_fen = b.monthly_max_fen = -1;
    index_.Upsert(b);
    // c: Guangdong electronics, well paid, another employer, at a fair.
    VacancySummary c = Make("c", 3);
    c.occupation_code = "6-25-04-07";
    c.location = "440300";
    c.employer_id = "emp-2";
    c.monthly_min_fen = 600000;
    c.monthly_max_fen = 900000;
    c.fair_ids = {"fair-spring"};
    index_.Upsert(c);
    // d: Tongchuan, rebar worker, low wage, closed.
    VacancySummary d = Make("d", 4);
    d.occupation_code = "6-29-01-04";
    d.location = "511702001";
    d.monthly_min_fen = 300000;
    d.monthly_max_fen = 350000;
    d.status = v1::VACANCY_STATUS_CLOSED;
    index_.Upsert(d);
    // e: Zhejiang sewing, imported by partner "zj" only.
    VacancySummary e = Make("e", 5);
    e.occupation_code = "6-05-01-03";
    e.location = "330100";
    e.employer_id = "emp-3";
    e.district_source = false;
    e.partners = {"zj"};
    index_.Upsert(e);
  }
  VacancyIndex index_;
};

TEST_F(VacancyIndexTest, NoFilterIsNewestPostedFirst) {
  EXPECT_THAT(Ids(index_, {}), ElementsAre("e", "d", "c", "b", "a"));
  EXPECT_EQ(index_.size(), 5u);
  EXPECT_EQ(index_.Count({}), 5u);
}

TEST_F(VacancyIndexTest, EqualPostingTimesOrderByIdAscending) {
  VacancyIndex index;
  index.Upsert(Make("v3", 7));
  index.Upsert(Make("v1", 7));
  index.Upsert(Make("v2", 7));
  index.Upsert(Make("v0", 6));
  EXPECT_THAT(Ids(index, {}), ElementsAre("v1", "v2", "v3", "v0"));
  EXPECT_THAT(QueryAll(index, {}, 1), ElementsAre("v1", "v2", "v3", "v0"));
}

TEST_F(VacancyIndexTest, OccupationPrefixCoversTheWholeBranch) {
  VacancyQuery q;
  q.occupation_prefix = "6-29";  // construction
  EXPECT_THAT(Ids(index_, q), ElementsAre("d", "a"));
  q.occupation_prefix = "6-29-01-04";
  EXPECT_THAT(Ids(index_, q), ElementsAre("d"));
  q.occupation_prefix = "6-29-00-00";  // the 中类 node, same as "6-29"
  EXPECT_THAT(Ids(index_, q), ElementsAre("d", "a"));
  q.occupation_prefix = "6";
  EXPECT_THAT(Ids(index_, q), ElementsAre("e", "d", "c", "a"));
  q.occupation_prefix = "6-2";  // whole segments only
  EXPECT_THAT(Ids(index_, q), IsEmpty());
  EXPECT_EQ(index_.Count(q), 0u);
}

TEST_F(VacancyIndexTest, RegionPrefixCoversSubRegions) {
  VacancyQuery q;
  q.region_prefix = "511702";
  EXPECT_THAT(Ids(index_, q), ElementsAre("d", "a"));
  q.region_prefix = "5117";
  EXPECT_THAT(Ids(index_, q), ElementsAre("d", "b", "a"));
  q.region_prefix = "511702102";
  EXPECT_THAT(Ids(index_, q), ElementsAre("a"));
  q.region_prefix = "44";
  EXPECT_THAT(Ids(index_, q), ElementsAre("c"));
  q.region_prefix = "51170";  // not a whole-level code
  EXPECT_THAT(Ids(index_, q), IsEmpty());
}

TEST_F(VacancyIndexTest, EmployerFairAndStatusFilters) {
  VacancyQuery q;
  q.employer_id = "emp-2";
  EXPECT_THAT(Ids(index_, q), ElementsAre("c"));
  q.employer_id = "emp-never-seen";
  EXPECT_THAT(Ids(index_, q), IsEmpty());
  EXPECT_EQ(index_.Count(q), 0u);
  q = {};
  q.fair_id = "fair-spring";
  EXPECT_THAT(Ids(index_, q), ElementsAre("c"));
  q.fair_id = "fair-other";
  EXPECT_THAT(Ids(index_, q), IsEmpty());
  q = {};
  q.status = v1::VACANCY_STATUS_CLOSED;
  EXPECT_THAT(Ids(index_, q), ElementsAre("d"));
  q.status = v1::VACANCY_STATUS_OPEN;
  EXPECT_THAT(Ids(index_, q), ElementsAre("e", "c", "b", "a"));
}

TEST_F(VacancyIndexTest, WageFloorKeepsVacanciesWithoutStatedWage) {
  VacancyQuery q;
  q.monthly_wage_floor_fen = 700000;  // 7000 yuan: a's maximum reaches it exactly
  EXPECT_THAT(Ids(index_, q), ElementsAre("e", "c", "b", "a"));
  q.monthly_wage_floor_fen = 700001;
  EXPECT_THAT(Ids(index_, q), ElementsAre("c", "b"));
  q.monthly_wage_floor_fen = 100000000;
  EXPECT_THAT(Ids(index_, q), ElementsAre("b"));  // 面议 is shown, not hidden
}

TEST_F(VacancyIndexTest, PostedAndExpiryWindowsAreHalfOpen) {
  VacancyQuery q;
  q.posted_after = Minute(2);
  q.posted_before = Minute(4);
  EXPECT_THAT(Ids(index_, q), ElementsAre("c", "b"));
  q = {};
  q.expires_after = Minute(3) + absl::Hours(24 * 60);
  EXPECT_THAT(Ids(index_, q), ElementsAre("e", "d", "c"));
  q.expires_before = Minute(5) + absl::Hours(24 * 60);
  EXPECT_THAT(Ids(index_, q), ElementsAre("d", "c"));
}

TEST_F(VacancyIndexTest, TimeWindowsAreExactBelowAMicrosecond) {
  VacancyIndex index;
  VacancySummary s = Make("x", 0);
  s.posted_at = kBase + absl::Nanoseconds(500);
  s.updated_at = kBase + absl::Nanoseconds(500);
  index.Upsert(s);
  VacancyQuery q;
  q.posted_before = kBase + absl::Nanoseconds(600);
  EXPECT_THAT(Ids(index, q), ElementsAre("x"));
  q.posted_before = kBase + absl::Nanoseconds(500);
  EXPECT_THAT(Ids(index, q), IsEmpty());
  q = {};
  q.posted_after = kBase + absl::Nanoseconds(500);
  EXPECT_THAT(Ids(index, q), ElementsAre("x"));
  q.posted_after = kBase + absl::Nanoseconds(501);
  EXPECT_THAT(Ids(index, q), IsEmpty());
  q = {};
  q.updated_since = kBase + absl::Nanoseconds(500);
  EXPECT_THAT(Ids(index, q), ElementsAre("x"));
  q.updated_since = kBase + absl::Nanoseconds(501);
  EXPECT_THAT(Ids(index, q), IsEmpty());
}

TEST_F(VacancyIndexTest, CombinedFilters) {
  VacancyQuery q;
  q.region_prefix = "5117";
  q.occupation_prefix = "6-29";
  EXPECT_THAT(Ids(index_, q), ElementsAre("d", "a"));
  q.status = v1::VACANCY_STATUS_OPEN;
  EXPECT_THAT(Ids(index_, q), ElementsAre("a"));
  q.monthly_wage_floor_fen = 800000;
  EXPECT_THAT(Ids(index_, q), IsEmpty());
  q = {};
  q.region_prefix = "5117";
  q.monthly_wage_floor_fen = 600000;
  EXPECT_THAT(Ids(index_, q), ElementsAre("b", "a"));
  EXPECT_EQ(index_.Count(q), 2u);
}

TEST_F(VacancyIndexTest, BlacklistedEmployersAreHiddenUnlessAsked) {
  VacancySummary a = Make("a", 1);
  a.employer_blacklisted = true;
  index_.Upsert(a);
  EXPECT_THAT(Ids(index_, {}), ElementsAre("e", "d", "c", "b"));
  VacancyQuery q;
  q.include_blacklisted = true;
  EXPECT_THAT(Ids(index_, q), ElementsAre("e", "d", "c", "b", "a"));
}

TEST_F(VacancyIndexTest, PartnersSeeDistrictVacanciesAndTheirOwnImportsOnly) {
  // f: imported by "gd" and also posted by the employer (collapsed duplicate).
  VacancySummary f = Make("f", 6);
  f.partners = {"gd"};
  f.district_source = true;
  index_.Upsert(f);
  // g: imported by both partners.
  VacancySummary g = Make("g", 7);
  g.partners = {"gd", "zj"};
  g.district_source = false;
  index_.Upsert(g);

  VacancyQuery q;
  EXPECT_THAT(Ids(index_, q), ElementsAre("g", "f", "e", "d", "c", "b", "a"));  // admin
  q.visible_to_partner = "zj";
  EXPECT_THAT(Ids(index_, q), ElementsAre("g", "f", "e", "d", "c", "b", "a"));
  q.visible_to_partner = "gd";
  EXPECT_THAT(Ids(index_, q), ElementsAre("g", "f", "d", "c", "b", "a"));  // not zj's e
  q.visible_to_partner = "sh";
  EXPECT_THAT(Ids(index_, q), ElementsAre("f", "d", "c", "b", "a"));
  EXPECT_EQ(index_.Count(q), 5u);
}

TEST_F(VacancyIndexTest, SmallPagesEqualOneBigQuery) {
  VacancyIndex index;
  std::vector<std::string> expected;
  for (int i = 0; i < 57; ++i) {
    VacancySummary s = Make(absl::StrFormat("v%02d", i), i / 3);  // ties in threes
    s.updated_at = Minute(1000 - i / 4);
    s.status = i % 5 == 0 ? v1::VACANCY_STATUS_FILLED : v1::VACANCY_STATUS_OPEN;
    index.Upsert(s);
  }
  VacancyQuery open;
  open.status = v1::VACANCY_STATUS_OPEN;
  for (VacancyQuery q : {VacancyQuery{}, open}) {
    std::vector<std::string> big = QueryAll(index, q, 500);
    EXPECT_EQ(big.size(), index.Count(q));
    for (int limit : {1, 2, 5, 7, 50}) {
      EXPECT_EQ(QueryAll(index, q, limit), big) << "limit " << limit;
    }
    q.updated_since = Minute(990);
    std::vector<std::string> feed = QueryAll(index, q, 500);
    EXPECT_EQ(feed.size(), index.Count(q));
    EXPECT_FALSE(feed.empty());
    for (int limit : {1, 3, 8}) {
      EXPECT_EQ(QueryAll(index, q, limit), feed) << "limit " << limit;
    }
  }
}

TEST_F(VacancyIndexTest, LastPageHasNoCursorEvenWhenExactlyFull) {
  absl::StatusOr<VacancyIndex::Page> page = index_.Query({}, "", 5);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->vacancy_ids.size(), 5u);
  EXPECT_EQ(page->next_cursor, "");
  page = index_.Query({}, "", 4);
  ASSERT_TRUE(page.ok());
  EXPECT_NE(page->next_cursor, "");
  page = index_.Query({}, page->next_cursor, 4);
  ASSERT_TRUE(page.ok());
  EXPECT_THAT(page->vacancy_ids, ElementsAre("a"));
  EXPECT_EQ(page->next_cursor, "");
}

TEST_F(VacancyIndexTest, CursorStaysValidAfterUnrelatedUpserts) {
  absl::StatusOr<VacancyIndex::Page> first = index_.Query({}, "", 2);
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(first->vacancy_ids, ElementsAre("e", "d"));

  // Newer than the cursor: belongs to a page already read, so not seen.
  index_.Upsert(Make("new-top", 100));
  // Older than the cursor: shows up on a later page.
  index_.Upsert(Make("new-old", 0));
  // The entry the cursor points at goes away: paging still resumes after it.
  index_.Erase("d");
  // A vacancy ahead of the cursor changes but keeps its sort key.
  VacancySummary b = Make("b", 2);
  b.updated_at = Minute(500);
  b.occupation_code = "4-03-02-01";
  b.location = "511722";
  index_.Upsert(b);

  std::vector<std::string> rest;
  std::string cursor = first->next_cursor;
  while (!cursor.empty()) {
    absl::StatusOr<VacancyIndex::Page> page = index_.Query({}, cursor, 1);
    ASSERT_TRUE(page.ok()) << page.status();
    rest.insert(rest.end(), page->vacancy_ids.begin(), page->vacancy_ids.end());
    cursor = page->next_cursor;
  }
  EXPECT_THAT(rest, ElementsAre("c", "b", "a", "new-old"));
}

TEST_F(VacancyIndexTest, UpsertThatChangesUpdatedAtMovesTheEntryInTheFeed) {
  VacancyQuery q;
  q.updated_since = Minute(0);
  EXPECT_THAT(Ids(index_, q), ElementsAre("a", "b", "c", "d", "e"));

  absl::StatusOr<VacancyIndex::Page> first = index_.Query(q, "", 2);
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(first->vacancy_ids, ElementsAre("a", "b"));

  // a and c change: both move to the end of the feed.
  VacancySummary a = Make("a", 1);
  a.updated_at = Minute(60);
  a.status = v1::VACANCY_STATUS_FILLED;
  index_.Upsert(a);
  VacancySummary c = Make("c", 3);
  c.updated_at = Minute(61);
  index_.Upsert(c);

  EXPECT_THAT(Ids(index_, q), ElementsAre("b", "d", "e", "a", "c"));
  // A reader resuming from its cursor sees the rest and then the changes.
  EXPECT_EQ(QueryAll(index_, q, 1).size(), 5u);
  std::vector<std::string> rest;
  std::string cursor = first->next_cursor;
  while (!cursor.empty()) {
    absl::StatusOr<VacancyIndex::Page> page = index_.Query(q, cursor, 2);
    ASSERT_TRUE(page.ok()) << page.status();
    rest.insert(rest.end(), page->vacancy_ids.begin(), page->vacancy_ids.end());
    cursor = page->next_cursor;
  }
  EXPECT_THAT(rest, ElementsAre("d", "e", "a", "c"));

  q.updated_since = Minute(60);
  EXPECT_THAT(Ids(index_, q), ElementsAre("a", "c"));
  // The posting order does not change with updated_at.
  EXPECT_THAT(Ids(index_, {}), ElementsAre("e", "d", "c", "b", "a"));
}

TEST_F(VacancyIndexTest, UpsertThatChangesPostedAtMovesTheEntry) {
  VacancySummary a = Make("a", 10);
  index_.Upsert(a);
  EXPECT_THAT(Ids(index_, {}), ElementsAre("a", "e", "d", "c", "b"));
  EXPECT_EQ(index_.size(), 5u);
}

TEST_F(VacancyIndexTest, EraseRemovesFromBothOrders) {
  index_.Erase("c");
  index_.Erase("no-such-vacancy");
  EXPECT_EQ(index_.size(), 4u);
  EXPECT_THAT(Ids(index_, {}), ElementsAre("e", "d", "b", "a"));
  VacancyQuery q;
  q.updated_since = absl::InfinitePast();
  EXPECT_THAT(Ids(index_, q), ElementsAre("a", "b", "d", "e"));
  q = {};
  q.fair_id = "fair-spring";
  EXPECT_EQ(index_.Count(q), 0u);
  // Re-adding after an erase works.
  index_.Upsert(Make("c", 3));
  EXPECT_THAT(Ids(index_, {}), ElementsAre("e", "d", "c", "b", "a"));
}

TEST_F(VacancyIndexTest, MalformedCursorIsInvalidPageToken) {
  for (absl::string_view bad : {"x", "p", "p:", "p:12", "p:12:", "p::a", "p:abc:a", "p: 12:a",
                                "p:+12:a", "p:12 :a", "p:99999999999999999999:a", "q:12:a"}) {
    absl::StatusOr<VacancyIndex::Page> page = index_.Query({}, bad, 10);
    ASSERT_FALSE(page.ok()) << bad;
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    std::vector<FieldViolation> v = GetFieldViolations(page.status());
    ASSERT_EQ(v.size(), 1u) << bad;
    EXPECT_EQ(v[0].field, "page.page_token");
  }
}

TEST_F(VacancyIndexTest, CursorOfTheOtherOrderIsRefused) {
  absl::StatusOr<VacancyIndex::Page> posted = index_.Query({}, "", 1);
  ASSERT_TRUE(posted.ok());
  VacancyQuery feed;
  feed.updated_since = Minute(0);
  absl::StatusOr<VacancyIndex::Page> page = index_.Query(feed, posted->next_cursor, 1);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<VacancyIndex::Page> fed = index_.Query(feed, "", 1);
  ASSERT_TRUE(fed.ok());
  page = index_.Query({}, fed->next_cursor, 1);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(VacancyIndexTest, FeedCursorBeforeSinceStartsAtSince) {
  VacancyQuery q;
  q.updated_since = Minute(0);
  absl::StatusOr<VacancyIndex::Page> first = index_.Query(q, "", 1);
  ASSERT_TRUE(first.ok());
  EXPECT_THAT(first->vacancy_ids, ElementsAre("a"));
  // Same order, a later `since` (the service binds tokens to the filter,
  // but the index itself must still honor both bounds).
  q.updated_since = Minute(3);
  absl::StatusOr<VacancyIndex::Page> page = index_.Query(q, first->next_cursor, 10);
  ASSERT_TRUE(page.ok());
  EXPECT_THAT(page->vacancy_ids, ElementsAre("c", "d", "e"));
}

TEST(SummarizeTest, ReadsWageSourcesAndTimes) {
  v1::Vacancy v;
  v.set_vacancy_id("vac-1");
  v.set_employer_id("emp-9");
  v.set_occupation_code("6-30-05-01");
  v.set_location("511702102");
  v.mutable_wage()->set_unit(v1::WAGE_UNIT_DAILY);
  v.mutable_wage()->mutable_min()->set_fen(20000);
  v.mutable_wage()->mutable_max()->set_fen(30000);
  v.mutable_wage()->mutable_monthly_min()->set_fen(435000);
  v.mutable_wage()->mutable_monthly_max()->set_fen(652500);
  v.set_status(v1::VACANCY_STATUS_OPEN);
  v.set_employer_blacklisted(true);
  *v.mutable_posted_at() = ToProto(Minute(1));
  *v.mutable_expires_at() = ToProto(Minute(2));
  *v.mutable_updated_at() = ToProto(Minute(3));
  v.add_fair_ids("fair-1");
  v1::VacancySource* partner = v.add_sources();
  partner->set_kind(v1::SOURCE_KIND_PARTNER);
  partner->set_partner("gd");
  partner->set_external_id("x-1");
  v1::VacancySource* again = v.add_sources();
  again->set_kind(v1::SOURCE_KIND_PARTNER);
  again->set_partner("gd");
  again->set_external_id("x-2");
  v1::VacancySource* fair = v.add_sources();
  fair->set_kind(v1::SOURCE_KIND_FAIR);
  fair->set_fair_id("fair-2");

  VacancySummary s = Summarize(v);
  EXPECT_EQ(s.vacancy_id, "vac-1");
  EXPECT_EQ(s.employer_id, "emp-9");
  EXPECT_EQ(s.occupation_code, "6-30-05-01");
  EXPECT_EQ(s.location, "511702102");
  EXPECT_EQ(s.monthly_min_fen, 435000);
  EXPECT_EQ(s.monthly_max_fen, 652500);
  EXPECT_EQ(s.status, v1::VACANCY_STATUS_OPEN);
  EXPECT_TRUE(s.employer_blacklisted);
  EXPECT_EQ(s.posted_at, Minute(1));
  EXPECT_EQ(s.expires_at, Minute(2));
  EXPECT_EQ(s.updated_at, Minute(3));
  EXPECT_THAT(s.fair_ids, UnorderedElementsAre("fair-1", "fair-2"));
  EXPECT_THAT(s.partners, ElementsAre("gd"));
  EXPECT_TRUE(s.district_source);  // the fair source is the district's
}

TEST(SummarizeTest, NoStatedWageAndPartnerOnlySources) {
  v1::Vacancy v;
  v.set_vacancy_id("vac-2");
  v1::VacancySource* partner = v.add_sources();
  partner->set_kind(v1::SOURCE_KIND_PARTNER);
  partner->set_partner("zj");
  VacancySummary s = Summarize(v);
  EXPECT_EQ(s.monthly_min_fen, -1);
  EXPECT_EQ(s.monthly_max_fen, -1);
  EXPECT_THAT(s.partners, ElementsAre("zj"));
  EXPECT_FALSE(s.district_source);

  v.clear_sources();
  v1::VacancySource* employer = v.add_sources();
  employer->set_kind(v1::SOURCE_KIND_EMPLOYER);
  EXPECT_TRUE(Summarize(v).district_source);
  v.clear_sources();
  EXPECT_TRUE(Summarize(v).district_source);  // entered by the district itself
}

// ---- Randomized comparison against a brute-force filter and sort ----

bool BruteMatches(const VacancySummary& s, const VacancyQuery& q) {
  if (!q.occupation_prefix.empty() && !OccupationInBranch(q.occupation_prefix, s.occupation_code))
    return false;
  if (!q.region_prefix.empty() && !RegionContains(q.region_prefix, s.location)) return false;
  if (!q.employer_id.empty() && s.employer_id != q.employer_id) return false;
  if (!q.fair_id.empty() && std::count(s.fair_ids.begin(), s.fair_ids.end(), q.fair_id) == 0)
    return false;
  if (q.monthly_wage_floor_fen && s.monthly_max_fen != -1 &&
      s.monthly_max_fen < *q.monthly_wage_floor_fen)
    return false;
  if (q.status != v1::VACANCY_STATUS_UNSPECIFIED && q.status != s.status) return false;
  if (q.posted_after && !(s.posted_at >= *q.posted_after)) return false;
  if (q.posted_before && !(s.posted_at < *q.posted_before)) return false;
  if (q.expires_after && !(s.expires_at >= *q.expires_after)) return false;
  if (q.expires_before && !(s.expires_at < *q.expires_before)) return false;
  if (q.updated_since && !(s.updated_at >= *q.updated_since)) return false;
  if (!q.include_blacklisted && s.employer_blacklisted) return false;
  if (q.visible_to_partner) {
    bool own = std::count(s.partners.begin(), s.partners.end(), *q.visible_to_partner) > 0;
    if (!s.district_source && !own) return false;
  }
  return true;
}

std::vector<std::string> BruteForce(const std::vector<VacancySummary>& all, const VacancyQuery& q) {
  std::vector<const VacancySummary*> hits;
  for (const VacancySummary& s : all) {
    if (BruteMatches(s, q)) hits.push_back(&s);
  }
  // The order's resolution is the microsecond (the index's sort keys);
  // within one microsecond, ids decide.
  std::sort(hits.begin(), hits.end(), [&](const VacancySummary* a, const VacancySummary* b) {
    if (q.updated_since) {
      return std::make_tuple(absl::ToUnixMicros(a->updated_at), a->vacancy_id) <
             std::make_tuple(absl::ToUnixMicros(b->updated_at), b->vacancy_id);
    }
    return std::make_tuple(-absl::ToUnixMicros(a->posted_at), a->vacancy_id) <
           std::make_tuple(-absl::ToUnixMicros(b->posted_at), b->vacancy_id);
  });
  std::vector<std::string> ids;
  for (const VacancySummary* s : hits) ids.push_back(s->vacancy_id);
  return ids;
}

TEST(VacancyIndexRandomTest, MatchesBruteForce) {
  std::mt19937_64 rng(20260101);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const std::vector<std::string> codes = {"6-29-01-01", "6-29-01-04", "6-29-02-15", "4-03-02-01",
                                          "4-03-02-05", "4-10-01-06", "6-25-04-07", "6-05-01-03",
                                          "4-02-05-01", "6-30-05-01", "6-20-01-01", "6-25-03-00"};
  const std::vector<std::string> locations = {"511702001", "511702102", "511702113", "511702",
                                              "511703",    "511722",    "5117",      "440300",
                                              "441900",    "330100",    "320500",    "510100"};
  const std::vector<v1::VacancyStatus> statuses = {
      v1::VACANCY_STATUS_OPEN,   v1::VACANCY_STATUS_OPEN,   v1::VACANCY_STATUS_OPEN,
      v1::VACANCY_STATUS_FILLED, v1::VACANCY_STATUS_CLOSED, v1::VACANCY_STATUS_EXPIRED};
  const std::vector<std::string> partners = {"gd", "zj", "js"};

  // Times in whole seconds over a few hours, so ties are common; a few
  // with sub-microsecond parts.
  auto random_time = [&]() {
    absl::Time t = kBase + absl::Seconds(pick(4 * 3600));
    if (pick(10) == 0) t += absl::Nanoseconds(pick(2000));
    return t;
  };

  VacancyIndex index;
  std::vector<VacancySummary> truth;
  for (int i = 0; i < 5000; ++i) {
    VacancySummary s;
    s.vacancy_id = absl::StrFormat("vac-%05d", pick(1000000));
    s.employer_id = absl::StrCat("emp-", pick(40));
    s.occupation_code = codes[pick(codes.size())];
    s.location = locations[pick(locations.size())];
    if (pick(8) != 0) {
      s.monthly_min_fen = 300000 + 10000 * pick(60);
      s.monthly_max_fen = s.monthly_min_fen + 10000 * pick(40);
    }
    s.status = statuses[pick(statuses.size())];
    s.employer_blacklisted = pick(20) == 0;
    s.posted_at = random_time();
    s.expires_at = s.posted_at + absl::Hours(24 * (1 + pick(90)));
    s.updated_at = s.posted_at + absl::Seconds(pick(3600));
    for (int f = pick(3); f > 0; --f) s.fair_ids.push_back(absl::StrCat("fair-", pick(6)));
    if (pick(4) == 0) {
      s.partners.push_back(partners[pick(partners.size())]);
      if (pick(3) == 0) s.partners.push_back(partners[pick(partners.size())]);
      s.district_source = pick(3) == 0;
    } else {
      s.district_source = true;
    }
    index.Upsert(s);
    // Replace in the truth too (ids may repeat: an update).
    auto same = std::find_if(truth.begin(), truth.end(),
                             [&](const VacancySummary& t) { return t.vacancy_id == s.vacancy_id; });
    if (same != truth.end()) {
      *same = s;
    } else {
      truth.push_back(s);
    }
  }
  // Some erasures.
  for (int i = 0; i < 200; ++i) {
    size_t victim = static_cast<size_t>(pick(truth.size()));
    index.Erase(truth[victim].vacancy_id);
    truth.erase(truth.begin() + victim);
  }
  ASSERT_EQ(index.size(), truth.size());

  const std::vector<std::string> occupation_prefixes = {
      "6",       "6-29",       "6-29-01", "4-03",       "4-03-02-01", "6-29-00-00",
      "2-02-07", "6-25-04-07", "6-25-03", "6-25-03-00", "6-25"};
  const std::vector<std::string> region_prefixes = {"51",   "5117", "511702", "511702102", "44",
                                                    "4403", "33",   "32",     "11"};
  int nonempty = 0;
  for (int n = 0; n < 200; ++n) {
    VacancyQuery q;
    if (pick(3) == 0) q.occupation_prefix = occupation_prefixes[pick(occupation_prefixes.size())];
    if (pick(3) == 0) q.region_prefix = region_prefixes[pick(region_prefixes.size())];
    if (pick(6) == 0) q.employer_id = absl::StrCat("emp-", pick(40));
    if (pick(6) == 0) q.fair_id = absl::StrCat("fair-", pick(6));
    if (pick(3) == 0) q.monthly_wage_floor_fen = 300000 + 10000 * pick(100);
    if (pick(3) == 0) q.status = statuses[pick(statuses.size())];
    if (pick(5) == 0) q.posted_after = random_time();
    if (pick(5) == 0) q.posted_before = random_time();
    if (pick(6) == 0) q.expires_after = random_time() + absl::Hours(24 * pick(60));
    if (pick(6) == 0) q.expires_before = random_time() + absl::Hours(24 * pick(90));
    if (pick(3) == 0) q.updated_since = random_time();
    q.include_blacklisted = pick(3) == 0;
    if (pick(3) == 0) {
      q.visible_to_partner = pick(4) == 0 ? std::string("nobody") : partners[pick(partners.size())];
    }

    std::vector<std::string> expected = BruteForce(truth, q);
    if (!expected.empty()) ++nonempty;
    int limit = 1 + pick(120);
    EXPECT_EQ(QueryAll(index, q, limit), expected) << "query " << n << " limit " << limit;
    EXPECT_EQ(index.Count(q), expected.size()) << "query " << n;
  }
  // The generator exercises real results, not only empty pages.
  EXPECT_GT(nonempty, 100);
}

}  // namespace
}  // namespace labor::vacancy
