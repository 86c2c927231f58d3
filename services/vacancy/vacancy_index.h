// The in-memory search index behind ListVacancies: a compact summary of
// every vacancy, kept in two orders (newest posting first; oldest change
// first, for the partner feed), so a filtered page is one ordered walk over
// summaries and a point read per result, whatever the filter. Rebuilt from
// the store at start; kept current by the writer after each commit.
//
// Thread-safe: queries share a reader lock, updates take the writer lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "labor/v1/vacancy.pb.h"

namespace labor::vacancy {

// What a filter needs to know of one vacancy (about 200 bytes).
struct VacancySummary {
  std::string vacancy_id;
  std::string employer_id;
  std::string occupation_code;
  std::string location;
  // Monthly wage range in fen; -1/-1 when the vacancy states no wage.
  int64_t monthly_min_fen = -1;
  int64_t monthly_max_fen = -1;
  v1::VacancyStatus status = v1::VACANCY_STATUS_UNSPECIFIED;
  bool employer_blacklisted = false;
  absl::Time posted_at;
  absl::Time expires_at;
  absl::Time updated_at;
  std::vector<std::string> fair_ids;
  // Partners (tenants) among its sources, and whether any source is the
  // district's own (employer or fair).
  std::vector<std::string> partners;
  bool district_source = false;
};

// Builds the summary of a vacancy (timestamps from posted_at, expires_at,
// updated_at; sources from `sources`).
VacancySummary Summarize(const v1::Vacancy& vacancy);

// A filter; empty/unset members do not filter.
struct VacancyQuery {
  std::string occupation_prefix;  // a branch (OccupationInBranch rules)
  std::string region_prefix;      // RegionContains rules
  std::string employer_id;
  std::string fair_id;
  // Keeps vacancies whose monthly maximum reaches the floor, and those
  // stating no wage (面议 is shown, not hidden).
  std::optional<int64_t> monthly_wage_floor_fen;
  v1::VacancyStatus status = v1::VACANCY_STATUS_UNSPECIFIED;  // any
  std::optional<absl::Time> posted_after, posted_before;      // [after, before)
  std::optional<absl::Time> expires_after, expires_before;    // [after, before)
  // Feed order and filter: changes with updated_at >= since, oldest first.
  // Without it: newest posted_at first.
  std::optional<absl::Time> updated_since;
  bool include_blacklisted = false;
  // When set: only vacancies with a district source or a source of this
  // partner (partners do not see each other's imports).
  std::optional<std::string> visible_to_partner;
};

class VacancyIndex {
 public:
  // Adds or replaces the summary with the same vacancy_id.
  void Upsert(VacancySummary summary);
  void Erase(absl::string_view vacancy_id);

  struct Page {
    std::vector<std::string> vacancy_ids;  // in the query's order
    // Opaque position after the last id, "" when no more match.
    std::string next_cursor;
  };
  // Up to `limit` (>= 1) matching ids after `cursor` ("" = from the start;
  // a cursor from an earlier Query with the same order). INVALID_ARGUMENT
  // (page.page_token) for a malformed cursor. A page is exact at the moment
  // of the query; paging stays consistent under concurrent updates in the
  // sense that a vacancy whose sort key did not change is never returned
  // twice or skipped.
  absl::StatusOr<Page> Query(const VacancyQuery& query, absl::string_view cursor, int limit) const;

  // Number of vacancies matching (no paging), for stats and tests.
  size_t Count(const VacancyQuery& query) const;

  size_t size() const;

 private:
  // One position in an order. Sorted by (sort, id) only: sort is -posted
  // micros (by_posted_) or updated micros (by_updated_). The other members
  // are a compact copy of the most selective fields, so a walk rejects most
  // non-matching vacancies inside the btree node, without a hash lookup and
  // a cache miss into the summary; candidates are then checked in full.
  struct Entry {
    int64_t sort = 0;
    std::string id;
    int64_t monthly_max_fen = -1;
    int64_t expires_micros = 0;
    uint32_t occupation = 0;  // index into occupations_
    uint32_t location = 0;    // index into locations_
    uint32_t employer = 0;    // index into employers_
    uint8_t status = 0;
    bool employer_blacklisted = false;
    bool district_source = false;

    friend bool operator<(const Entry& a, const Entry& b) {
      return a.sort != b.sort ? a.sort < b.sort : a.id < b.id;
    }
  };
  // Distinct values seen (never shrinks; bounded by the distinct codes and
  // employers), so entries hold 4-byte indexes and a query evaluates a
  // prefix filter once per distinct value instead of once per vacancy.
  struct Interned {
    absl::flat_hash_map<std::string, uint32_t> index;
    std::vector<std::string> values;
    uint32_t Intern(const std::string& value);
  };
  struct Walk;  // a query's precomputed filter (vacancy_index.cc)

  Entry MakeEntry(int64_t sort, const VacancySummary& summary) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, VacancySummary> by_id_ ABSL_GUARDED_BY(mu_);
  absl::btree_set<Entry> by_posted_ ABSL_GUARDED_BY(mu_);
  absl::btree_set<Entry> by_updated_ ABSL_GUARDED_BY(mu_);
  Interned occupations_ ABSL_GUARDED_BY(mu_);
  Interned locations_ ABSL_GUARDED_BY(mu_);
  Interned employers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace labor::vacancy
