#include "services/vacancy/vacancy_index.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/occupations.h"
#include "common/proto_util.h"
#include "common/regions.h"
#include "common/status.h"

namespace labor::vacancy {
namespace {

constexpr absl::string_view kTokenField = "page.page_token";

// Cursors name their order, so a cursor of one order is refused by the
// other instead of silently jumping to an unrelated position.
constexpr char kPostedOrderTag = 'p';
constexpr char kUpdatedOrderTag = 'u';

// ToUnixMicros rounds down, so micros(a) < micros(b) implies a < b, and
// a < b implies micros(a) <= micros(b): key ranges derived from micros are
// supersets of the exact time ranges, which Matches() then tests exactly.
int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

// -micros without overflow (InfinitePast saturates to the int64 minimum).
int64_t NegatedMicros(absl::Time t) {
  int64_t m = Micros(t);
  return m == std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::max() : -m;
}

void AddUnique(std::vector<std::string>* list, const std::string& value) {
  if (value.empty()) return;
  if (std::find(list->begin(), list->end(), value) == list->end()) list->push_back(value);
}

bool StatesWage(const v1::Wage& wage) {
  return wage.unit() != v1::WAGE_UNIT_UNSPECIFIED || wage.min().fen() != 0 ||
         wage.max().fen() != 0 || wage.monthly_min().fen() != 0 || wage.monthly_max().fen() != 0;
}

bool InWindow(absl::Time t, const std::optional<absl::Time>& after,
              const std::optional<absl::Time>& before) {
  if (after.has_value() && t < *after) return false;
  if (before.has_value() && t >= *before) return false;
  return true;
}

// The whole filter, cheapest tests first.
bool Matches(const VacancySummary& s, const VacancyQuery& q) {
  if (q.status != v1::VACANCY_STATUS_UNSPECIFIED && s.status != q.status) return false;
  if (!q.include_blacklisted && s.employer_blacklisted) return false;
  if (!q.employer_id.empty() && s.employer_id != q.employer_id) return false;
  // No stated wage (面议) is kept: the worker may still ask.
  if (q.monthly_wage_floor_fen.has_value() && s.monthly_max_fen >= 0 &&
      s.monthly_max_fen < *q.monthly_wage_floor_fen) {
    return false;
  }
  if (!InWindow(s.posted_at, q.posted_after, q.posted_before)) return false;
  if (!InWindow(s.expires_at, q.expires_after, q.expires_before)) return false;
  if (q.updated_since.has_value() && s.updated_at < *q.updated_since) return false;
  if (q.visible_to_partner.has_value() && !s.district_source &&
      std::find(s.partners.begin(), s.partners.end(), *q.visible_to_partner) == s.partners.end()) {
    return false;
  }
  if (!q.region_prefix.empty() && !RegionContains(q.region_prefix, s.location)) return false;
  if (!q.occupation_prefix.empty() && !OccupationInBranch(q.occupation_prefix, s.occupation_code)) {
    return false;
  }
  if (!q.fair_id.empty() &&
      std::find(s.fair_ids.begin(), s.fair_ids.end(), q.fair_id) == s.fair_ids.end()) {
    return false;
  }
  return true;
}

// "<tag>:<micros>:<id>".
std::string EncodeCursor(char tag, int64_t sort, absl::string_view id) {
  return absl::StrCat(absl::string_view(&tag, 1), ":", sort, ":", id);
}

absl::StatusOr<std::pair<int64_t, std::string>> DecodeCursor(char tag, absl::string_view cursor) {
  if (cursor.size() < 2 || cursor[1] != ':') {
    return InvalidField(kTokenField, "malformed position");
  }
  if (cursor[0] != tag) {
    return InvalidField(kTokenField, "issued for another order (updated_since set or not)");
  }
  absl::string_view rest = cursor.substr(2);
  size_t colon = rest.find(':');
  if (colon == absl::string_view::npos || colon == 0 || colon + 1 == rest.size()) {
    return InvalidField(kTokenField, "malformed position");
  }
  absl::string_view number = rest.substr(0, colon);
  // SimpleAtoi tolerates surrounding blanks and '+'; a position we wrote has none.
  if (number.front() != '-' && !absl::ascii_isdigit(static_cast<unsigned char>(number.front()))) {
    return InvalidField(kTokenField, "malformed position");
  }
  int64_t micros = 0;
  if (!absl::SimpleAtoi(number, &micros) ||
      !absl::ascii_isdigit(static_cast<unsigned char>(number.back()))) {
    return InvalidField(kTokenField, "malformed position");
  }
  return std::make_pair(micros, std::string(rest.substr(colon + 1)));
}

}  // namespace

VacancySummary Summarize(const v1::Vacancy& vacancy) {
  VacancySummary s;
  s.vacancy_id = vacancy.vacancy_id();
  s.employer_id = vacancy.employer_id();
  s.occupation_code = vacancy.occupation_code();
  s.location = vacancy.location();
  if (StatesWage(vacancy.wage())) {
    s.monthly_min_fen = vacancy.wage().monthly_min().fen();
    // A normalized wage has max >= min; should one arrive without a max
    // ("from 5000"), the minimum is what the vacancy at least pays.
    s.monthly_max_fen = std::max(vacancy.wage().monthly_max().fen(), s.monthly_min_fen);
  }
  s.status = vacancy.status();
  s.employer_blacklisted = vacancy.employer_blacklisted();
  s.posted_at = FromProto(vacancy.posted_at());
  s.expires_at = FromProto(vacancy.expires_at());
  s.updated_at = FromProto(vacancy.updated_at());
  for (const std::string& fair_id : vacancy.fair_ids()) AddUnique(&s.fair_ids, fair_id);
  bool any_partner = false;
  for (const v1::VacancySource& source : vacancy.sources()) {
    switch (source.kind()) {
      case v1::SOURCE_KIND_PARTNER:
        any_partner = true;
        AddUnique(&s.partners, source.partner());
        break;
      case v1::SOURCE_KIND_FAIR:
        AddUnique(&s.fair_ids, source.fair_id());
        s.district_source = true;
        break;
      default:
        s.district_source = true;
        break;
    }
  }
  // A vacancy without any recorded source was entered by the district itself
  // (it is nobody's partner import).
  if (!any_partner) s.district_source = true;
  return s;
}

uint32_t VacancyIndex::Interned::Intern(const std::string& value) {
  auto [it, inserted] = index.try_emplace(value, static_cast<uint32_t>(values.size()));
  if (inserted) values.push_back(value);
  return it->second;
}

VacancyIndex::Entry VacancyIndex::MakeEntry(int64_t sort, const VacancySummary& summary) {
  Entry e;
  e.sort = sort;
  e.id = summary.vacancy_id;
  e.monthly_max_fen = summary.monthly_max_fen;
  e.expires_micros = Micros(summary.expires_at);
  e.occupation = occupations_.Intern(summary.occupation_code);
  e.location = locations_.Intern(summary.location);
  e.employer = employers_.Intern(summary.employer_id);
  e.status = static_cast<uint8_t>(summary.status);
  e.employer_blacklisted = summary.employer_blacklisted;
  e.district_source = summary.district_source;
  return e;
}

// A query prepared for a walk: Passes() is a necessary condition of
// Matches() evaluated on an entry alone (it never rejects a match), with
// prefix filters memoized per distinct code. Lives under the reader lock.
struct VacancyIndex::Walk {
  Walk(const VacancyQuery& query, const Interned& occupations, const Interned& locations,
       const Interned& employers)
      : q(query), occupations(occupations), locations(locations) {
    if (!q.employer_id.empty()) {
      auto it = employers.index.find(q.employer_id);
      if (it == employers.index.end()) {
        impossible = true;  // no vacancy of this employer was ever indexed
      } else {
        employer = it->second;
      }
    }
    // Micros round down: t >= after implies micros(t) >= micros(after), and
    // t < before implies micros(t) <= micros(before).
    if (q.expires_after.has_value()) expires_min = Micros(*q.expires_after);
    if (q.expires_before.has_value()) expires_max = Micros(*q.expires_before);
    if (!q.occupation_prefix.empty()) occupation_memo.assign(occupations.values.size(), kUnknown);
    if (!q.region_prefix.empty()) location_memo.assign(locations.values.size(), kUnknown);
  }

  bool Passes(const Entry& e) {
    if (q.status != v1::VACANCY_STATUS_UNSPECIFIED && e.status != static_cast<int>(q.status)) {
      return false;
    }
    if (!q.include_blacklisted && e.employer_blacklisted) return false;
    if (employer.has_value() && e.employer != *employer) return false;
    if (q.monthly_wage_floor_fen.has_value() && e.monthly_max_fen >= 0 &&
        e.monthly_max_fen < *q.monthly_wage_floor_fen) {
      return false;
    }
    if (expires_min.has_value() && e.expires_micros < *expires_min) return false;
    if (expires_max.has_value() && e.expires_micros > *expires_max) return false;
    if (!location_memo.empty()) {
      int8_t& in = location_memo[e.location];
      if (in == kUnknown) in = RegionContains(q.region_prefix, locations.values[e.location]);
      if (!in) return false;
    }
    if (!occupation_memo.empty()) {
      int8_t& in = occupation_memo[e.occupation];
      if (in == kUnknown) {
        in = OccupationInBranch(q.occupation_prefix, occupations.values[e.occupation]);
      }
      if (!in) return false;
    }
    return true;
  }

  static constexpr int8_t kUnknown = -1;
  const VacancyQuery& q;
  const Interned& occupations;
  const Interned& locations;
  bool impossible = false;
  std::optional<uint32_t> employer;
  std::optional<int64_t> expires_min, expires_max;
  std::vector<int8_t> occupation_memo, location_memo;
};

void VacancyIndex::Upsert(VacancySummary summary) {
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = by_id_.try_emplace(summary.vacancy_id);
  if (!inserted) {
    Entry probe;
    probe.id = it->first;
    probe.sort = NegatedMicros(it->second.posted_at);
    by_posted_.erase(probe);
    probe.sort = Micros(it->second.updated_at);
    by_updated_.erase(probe);
  }
  by_posted_.insert(MakeEntry(NegatedMicros(summary.posted_at), summary));
  by_updated_.insert(MakeEntry(Micros(summary.updated_at), summary));
  it->second = std::move(summary);
}

void VacancyIndex::Erase(absl::string_view vacancy_id) {
  absl::MutexLock lock(&mu_);
  auto it = by_id_.find(vacancy_id);
  if (it == by_id_.end()) return;
  Entry probe;
  probe.id = it->first;
  probe.sort = NegatedMicros(it->second.posted_at);
  by_posted_.erase(probe);
  probe.sort = Micros(it->second.updated_at);
  by_updated_.erase(probe);
  by_id_.erase(it);
}

absl::StatusOr<VacancyIndex::Page> VacancyIndex::Query(const VacancyQuery& query,
                                                       absl::string_view cursor, int limit) const {
  if (limit < 1) return absl::InvalidArgumentError("VacancyIndex::Query: limit must be >= 1");
  const bool feed = query.updated_since.has_value();
  const char tag = feed ? kUpdatedOrderTag : kPostedOrderTag;
  std::optional<Entry> after;
  if (!cursor.empty()) {
    ASSIGN_OR_RETURN(auto position, DecodeCursor(tag, cursor));
    after.emplace();
    after->sort = position.first;
    after->id = std::move(position.second);
  }

  Page page;
  absl::ReaderMutexLock lock(&mu_);
  Walk walk(query, occupations_, locations_, employers_);
  if (walk.impossible) return page;
  const absl::btree_set<Entry>& entries = feed ? by_updated_ : by_posted_;
  // Narrow the walk by the one time window the order is sorted by; the
  // bounds are in whole micros, so they only ever admit too much.
  Entry start;
  std::optional<int64_t> last_sort;  // the walk ends past this sort value
  if (feed) {
    start.sort = Micros(*query.updated_since);
  } else {
    start.sort = std::numeric_limits<int64_t>::min();
    if (query.posted_before.has_value()) start.sort = NegatedMicros(*query.posted_before);
    if (query.posted_after.has_value()) last_sort = NegatedMicros(*query.posted_after);
  }
  auto it = entries.lower_bound(start);
  if (after.has_value() && start < *after) it = entries.upper_bound(*after);

  page.vacancy_ids.reserve(std::min(limit, 512));
  const Entry* last_returned = nullptr;
  for (; it != entries.end(); ++it) {
    if (last_sort.has_value() && it->sort > *last_sort) break;
    if (!walk.Passes(*it)) continue;
    auto summary = by_id_.find(it->id);
    LABOR_CHECK(summary != by_id_.end()) << "vacancy index out of step";
    if (!Matches(summary->second, query)) continue;
    if (page.vacancy_ids.size() == static_cast<size_t>(limit)) {
      // A further match exists: the page ends at the last one returned.
      page.next_cursor = EncodeCursor(tag, last_returned->sort, last_returned->id);
      break;
    }
    page.vacancy_ids.push_back(it->id);
    last_returned = &*it;
  }
  return page;
}

size_t VacancyIndex::Count(const VacancyQuery& query) const {
  absl::ReaderMutexLock lock(&mu_);
  Walk walk(query, occupations_, locations_, employers_);
  if (walk.impossible) return 0;
  size_t n = 0;
  for (const Entry& e : by_posted_) {
    if (!walk.Passes(e)) continue;
    auto summary = by_id_.find(e.id);
    LABOR_CHECK(summary != by_id_.end()) << "vacancy index out of step";
    if (Matches(summary->second, query)) ++n;
  }
  return n;
}

size_t VacancyIndex::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return by_id_.size();
}

}  // namespace labor::vacancy
