#include "services/matching/match_index.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "services/matching/match_query.h"

namespace labor::matching {
namespace {

void AddTo(std::vector<uint32_t>* list, uint32_t slot) { list->push_back(slot); }

void RemoveFrom(std::vector<uint32_t>* list, uint32_t slot) {
  auto it = std::find(list->begin(), list->end(), slot);
  LABOR_CHECK(it != list->end()) << "index list lost slot " << slot;
  *it = list->back();
  list->pop_back();
}

template <typename Map, typename Key>
void Edit(Map* map, const Key& key, uint32_t slot, bool add) {
  if (add) {
    AddTo(&(*map)[key], slot);
    return;
  }
  auto it = map->find(key);
  LABOR_CHECK(it != map->end()) << "index list missing for slot " << slot;
  RemoveFrom(&it->second, slot);
  if (it->second.empty()) map->erase(it);
}

// Distinct values, small sets (a record has a handful of skills).
template <typename T>
void PushUnique(absl::InlinedVector<T, 8>* out, T value) {
  if (std::find(out->begin(), out->end(), value) == out->end()) out->push_back(value);
}

template <typename Key, typename Card>
void EditCard(absl::flat_hash_map<Key, std::vector<Card>>* map, Key key, const Card& card,
              bool add) {
  if (add) {
    (*map)[key].push_back(card);
    return;
  }
  auto it = map->find(key);
  LABOR_CHECK(it != map->end()) << "card list missing for slot " << card.slot;
  std::vector<Card>& list = it->second;
  auto pos =
      std::find_if(list.begin(), list.end(), [&](const Card& c) { return c.slot == card.slot; });
  LABOR_CHECK(pos != list.end()) << "card list lost slot " << card.slot;
  *pos = list.back();
  list.pop_back();
  if (list.empty()) map->erase(it);
}

}  // namespace

bool VacancyFilter::Matches(const VacancyRec& v) const {
  if (region.level != 0 && !RegionWithin(region, v.location)) return false;
  if (occupation != 0 && OccMatchDepth(occupation, v.occupation) != 4) return false;
  if (wage_floor_fen > 0 && v.has_wage() &&
      std::max(v.wage_min_fen, v.wage_max_fen) < wage_floor_fen) {
    return false;
  }
  if (!fair_id.empty() &&
      std::find(v.fair_ids.begin(), v.fair_ids.end(), fair_id) == v.fair_ids.end()) {
    return false;
  }
  return true;
}

bool WorkerFilter::Matches(const WorkerRec& w, const VacancyRec& v, const QueryContext& ctx) const {
  if (township.level != 0 && !(w.hukou == township)) return false;
  if (status != 0 && w.status != status) return false;
  if (available_by != kNoDay) {
    Day start = Scorer::StartDay(w, v, ctx);
    if (start != kNoDay && start > available_by) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Updates

void MatchIndex::CountRegion(absl::flat_hash_map<uint64_t, int32_t>* counts, Region region,
                             int delta) {
  for (int level = 1; level <= region.level; ++level) {
    uint64_t key = RegionKey(RegionPrefix(region, level));
    int32_t& n = (*counts)[key];
    n += delta;
    LABOR_CHECK(n >= 0) << "region count went negative";
    if (n == 0) counts->erase(key);
  }
}

int MatchIndex::ClosestLevel(const absl::flat_hash_map<uint64_t, int32_t>& counts,
                             Region region) const {
  for (int level = region.level; level >= 1; --level) {
    if (counts.contains(RegionKey(RegionPrefix(region, level)))) return level;
  }
  return 0;
}

MatchIndex::WorkerGroupKey MatchIndex::GroupKeyOf(const WorkerCard& c) const {
  WorkerGroupKey key;
  key.hukou = c.hukou;
  key.hukou_level = c.hukou_level;
  const Region hukou{c.hukou, c.hukou_level};
  const Region current{c.current, c.current_level};
  if (current.level != 0 && !(current == hukou)) {
    // Near home the township decides closeness; elsewhere the city is
    // enough to tell the groups apart (and keeps their number small).
    if (hukou.level >= 3 && RegionWithin(RegionPrefix(hukou, 3), current)) {
      key.current = current.padded;
      key.current_level = current.level;
    } else {
      const Region cut = RegionPrefix(current, 2);
      key.current = cut.padded;
      key.current_level = cut.level;
      key.current_cut = current.level > cut.level ? 1 : 0;
    }
  }
  // Level classes as the requirements use them: up to 学徒, 五级, 四级, 三级
  // and above (the class's highest level bounds the level factor).
  key.level = c.level <= v1::SKILL_LEVEL_APPRENTICE       ? uint8_t{v1::SKILL_LEVEL_APPRENTICE}
              : c.level <= v1::SKILL_LEVEL_4_INTERMEDIATE ? c.level
                                                          : uint8_t{255};
  key.bits = c.flags & (kCardCert | kCardReturning | kCardOtherSkills);
  key.brand = c.brand;
  return key;
}

void MatchIndex::Absorb(WorkerGroup* group, const WorkerCard& c, bool first, int segments,
                        OccCode key) const {
  const uint32_t reference =
      c.floor_fen > 0 ? c.floor_fen : Saturate(scorer_->weights().reference_wage_fen);
  uint8_t any = c.flags & (kCardWechat | kCardSms | kCardManyCerts);
  if (c.cert_occupations[0] != 0 || (c.flags & kCardManyCerts)) any |= kGroupCertOccupation;
  if (first) {
    group->min_floor = c.floor_fen;
    group->min_reference = reference;
    group->any = any;
  } else {
    group->min_floor = std::min(group->min_floor, c.floor_fen);
    group->min_reference = std::min(group->min_reference, reference);
    group->any |= any;
  }
  if (first) group->other_bits = 0;
  if (!(c.flags & kCardOtherSkills)) return;
  if (c.skill_count > WorkerCard::kCardSkills) {
    group->any |= kGroupManyOthers;
    return;
  }
  for (int i = 0; i < c.skill_count; ++i) {
    const OccCode code = c.skill_codes[i];
    if (OccPrefix(code, segments) == key) continue;
    for (int n = 2; n <= OccSegments(code); ++n) group->other_bits |= OtherSkillBit(code, n);
  }
}

MatchIndex::CardArena::~CardArena() {
  for (WorkerCard* data : large_) ::operator delete(data);
}

WorkerCard* MatchIndex::CardArena::Allocate(uint32_t n) {
  const size_t bytes = size_t{n} * sizeof(WorkerCard);
  if (n > kSmall) {
    auto* data = static_cast<WorkerCard*>(::operator new(bytes));
    large_.insert(data);
    return data;
  }
  if (!free_[n].empty()) {
    void* data = free_[n].back();
    free_[n].pop_back();
    return static_cast<WorkerCard*>(data);
  }
  constexpr size_t kSlab = size_t{1} << 20;
  if (slabs_.empty() || slab_used_ + bytes > kSlab) {
    slabs_.push_back(std::make_unique<char[]>(kSlab));
    slab_used_ = 0;
  }
  void* data = slabs_.back().get() + slab_used_;
  slab_used_ += bytes;
  return static_cast<WorkerCard*>(data);
}

void MatchIndex::CardArena::Free(WorkerCard* data, uint32_t n) {
  if (data == nullptr) return;
  if (n > kSmall) {
    large_.erase(data);
    ::operator delete(data);
    return;
  }
  free_[n].push_back(data);
}

void MatchIndex::CardArena::Grow(CardRun* run) {
  if (run->size < run->capacity) return;
  // One card at a time while small (most groups are), then by an eighth:
  // doubling would leave much of the index's memory unused.
  const uint32_t capacity = run->capacity + std::max<uint32_t>(1, run->capacity / 8);
  WorkerCard* data = Allocate(capacity);
  if (run->size > 0) std::memcpy(data, run->data, size_t{run->size} * sizeof(WorkerCard));
  Free(run->data, run->capacity);
  run->data = data;
  run->capacity = capacity;
}

void MatchIndex::CardArena::Release(CardRun* run) {
  Free(run->data, run->capacity);
  *run = CardRun();
}

void MatchIndex::AddToGroup(WorkerGroup* group, const WorkerCard& c, int segments, OccCode key) {
  Absorb(group, c, group->cards.empty(), segments, key);
  card_arena_.Grow(&group->cards);
  group->cards.data[group->cards.size++] = c;
}

void MatchIndex::EditWorkerList(int segments, OccCode key, const WorkerCard& card, bool add) {
  auto& lists = worker_skills_[segments];
  auto place = [this, segments, key](WorkerList* list, const WorkerCard& c) {
    if (!list->grouped) {
      if (list->groups.empty()) list->groups.emplace_back().key.mixed = 1;
      AddToGroup(&list->groups.front(), c, segments, key);
      return;
    }
    const WorkerGroupKey group_key = GroupKeyOf(c);
    auto [it, inserted] =
        list->group_of.try_emplace(group_key, static_cast<uint32_t>(list->groups.size()));
    if (inserted) list->groups.emplace_back().key = group_key;
    AddToGroup(&list->groups[it->second], c, segments, key);
  };
  if (add) {
    WorkerList& list = lists[key];
    ++list.size;
    if (!list.grouped && list.size >= std::max<size_t>(options_.group_min_cards, 1)) {
      std::vector<WorkerCard> cards;
      cards.reserve(list.size);
      for (WorkerGroup& g : list.groups) {
        cards.insert(cards.end(), g.cards.begin(), g.cards.end());
        card_arena_.Release(&g.cards);
      }
      cards.push_back(card);
      list.groups.clear();
      list.grouped = true;
      for (const WorkerCard& c : cards) place(&list, c);
      return;
    }
    place(&list, card);
    return;
  }
  auto it = lists.find(key);
  LABOR_CHECK(it != lists.end()) << "card list missing for slot " << card.slot;
  WorkerList& list = it->second;
  uint32_t index = 0;
  if (list.grouped) {
    auto found = list.group_of.find(GroupKeyOf(card));
    LABOR_CHECK(found != list.group_of.end()) << "card group missing for slot " << card.slot;
    index = found->second;
  }
  LABOR_CHECK(index < list.groups.size()) << "card group lost slot " << card.slot;
  WorkerGroup& group = list.groups[index];
  CardRun& cards = group.cards;
  auto pos = std::find_if(cards.begin(), cards.end(),
                          [&](const WorkerCard& c) { return c.slot == card.slot; });
  LABOR_CHECK(pos != cards.end()) << "card list lost slot " << card.slot;
  *pos = cards.data[cards.size - 1];
  --cards.size;
  --list.size;
  if (list.size == 0) {
    card_arena_.Release(&cards);
    lists.erase(it);
    return;
  }
  if (cards.empty()) {
    card_arena_.Release(&cards);
    if (list.grouped) {
      list.group_of.erase(group.key);
      if (index + 1 != list.groups.size()) {
        list.group_of[list.groups.back().key] = index;
        group = std::move(list.groups.back());
      }
    }
    list.groups.pop_back();
    return;
  }
  // The card that left may have set an aggregate: recompute them.
  for (uint32_t i = 0; i < cards.size; ++i) Absorb(&group, cards.data[i], i == 0, segments, key);
}

void MatchIndex::IndexWorker(uint32_t slot, bool add) {
  const WorkerRec& w = workers_.records[slot];
  for (int n = 1; n <= 4; ++n) {
    absl::InlinedVector<OccCode, 8> keys;
    for (const SkillRec& s : w.skills) PushUnique(&keys, OccPrefix(s.code, n));
    for (OccCode key : keys) EditWorkerList(n, key, MakeWorkerCard(w, slot, n, key), add);
    absl::InlinedVector<OccCode, 8> cert_keys;
    for (const CertRec& c : w.certs) {
      if (c.occupation != 0) PushUnique(&cert_keys, OccPrefix(c.occupation, n));
    }
    for (OccCode key : cert_keys) Edit(&worker_certs_.by_occ[n], key, slot, add);
  }
  absl::InlinedVector<absl::string_view, 8> names;
  for (const CertRec& c : w.certs) {
    if (!c.name.empty() && std::find(names.begin(), names.end(), c.name) == names.end()) {
      names.push_back(c.name);
    }
  }
  for (absl::string_view name : names) Edit(&worker_cert_names_, std::string(name), slot, add);
  if (w.brand > 0 && w.brand < 4) {
    add ? AddTo(&worker_by_brand_[w.brand], slot) : RemoveFrom(&worker_by_brand_[w.brand], slot);
  }
  if (Scorer::ReturnsForLocalJob(w)) {
    if (add) {
      worker_returning_local_.emplace(w.planned_return, slot);
    } else {
      auto [begin, end] = worker_returning_local_.equal_range(w.planned_return);
      auto it = std::find_if(begin, end, [slot](const auto& e) { return e.second == slot; });
      LABOR_CHECK(it != end) << "returnee list lost slot " << slot;
      worker_returning_local_.erase(it);
    }
  }
  if (add) {
    if (worker_cards_.size() <= slot) worker_cards_.resize(slot + 1);
    worker_cards_[slot] = MakeWorkerCard(w, slot, 0, 0);
  }
  CountRegion(&worker_regions_, w.hukou, add ? 1 : -1);
  CountRegion(&worker_regions_, w.current, add ? 1 : -1);
  if (!w.wechat_openid.empty()) {
    if (add) {
      worker_by_openid_[w.wechat_openid] = slot;
    } else {
      auto it = worker_by_openid_.find(w.wechat_openid);
      if (it != worker_by_openid_.end() && it->second == slot) worker_by_openid_.erase(it);
    }
  }
}

void MatchIndex::IndexVacancy(uint32_t slot, bool add) {
  const VacancyRec& v = vacancies_.records[slot];
  for (int n = 1; n <= 4; ++n) {
    absl::InlinedVector<OccCode, 8> own;     // requirements given to exactly n segments
    absl::InlinedVector<OccCode, 8> prefix;  // n-segment prefixes of finer requirements
    for (const SkillRec& r : v.required) {
      int segments = OccSegments(r.code);
      if (segments == n) PushUnique(&own, r.code);
      if (segments > n && (n == 2 || n == 3)) PushUnique(&prefix, OccPrefix(r.code, n));
    }
    for (OccCode key : own) EditCard(&vacancy_reqs_[n], key, MakeVacancyCard(v, slot, n, key), add);
    for (OccCode key : prefix) {
      EditCard(&vacancy_reqs_[0], PrefixKey(key, n), MakeVacancyCard(v, slot, -n, key), add);
    }
    if (v.occupation != 0) Edit(&vacancy_occ_.by_occ[n], OccPrefix(v.occupation, n), slot, add);
  }
  const VacancyCard card = MakeVacancyCard(v, slot, 4, 0);
  for (int level = 1; level <= v.location.level; ++level) {
    EditCard(&vacancy_by_region_, RegionKey(RegionPrefix(v.location, level)), card, add);
  }
  if (OccSegments(v.occupation) >= 2) {
    const OccCode trade = OccPrefix(v.occupation, 2);
    for (int level = 0; level <= v.location.level; ++level) {
      EditCard(&vacancy_by_region_trade_,
               std::make_pair(RegionKey(RegionPrefix(v.location, level)), trade), card, add);
    }
  }
  for (const std::string& fair : v.fair_ids) Edit(&vacancy_by_fair_, fair, slot, add);
  CountRegion(&vacancy_regions_, v.location, add ? 1 : -1);
  if (!v.certs.empty()) vacancies_with_certs_ += add ? 1 : -1;
  if (v.location.level == 0) vacancies_without_location_ += add ? 1 : -1;
  if (add) {
    if (vacancy_cards_.size() <= slot) vacancy_cards_.resize(slot + 1);
    vacancy_cards_[slot] = card;
  }
}

MatchIndex::Applied MatchIndex::UpsertWorker(WorkerRec worker) {
  absl::MutexLock lock(&mu_);
  return workers_.Upsert(std::move(worker),
                         [this](uint32_t slot, bool add)
                             ABSL_NO_THREAD_SAFETY_ANALYSIS { IndexWorker(slot, add); });
}

MatchIndex::Applied MatchIndex::RemoveWorker(absl::string_view worker_id, int64_t version) {
  absl::MutexLock lock(&mu_);
  return workers_.Remove(worker_id, version,
                         [this](uint32_t slot, bool add)
                             ABSL_NO_THREAD_SAFETY_ANALYSIS { IndexWorker(slot, add); });
}

MatchIndex::Applied MatchIndex::UpsertVacancy(VacancyRec vacancy) {
  if (vacancy.status != v1::VACANCY_STATUS_OPEN) {
    return RemoveVacancy(vacancy.id, vacancy.version);
  }
  absl::MutexLock lock(&mu_);
  return vacancies_.Upsert(std::move(vacancy),
                           [this](uint32_t slot, bool add)
                               ABSL_NO_THREAD_SAFETY_ANALYSIS { IndexVacancy(slot, add); });
}

MatchIndex::Applied MatchIndex::RemoveVacancy(absl::string_view vacancy_id, int64_t version) {
  absl::MutexLock lock(&mu_);
  return vacancies_.Remove(vacancy_id, version,
                           [this](uint32_t slot, bool add)
                               ABSL_NO_THREAD_SAFETY_ANALYSIS { IndexVacancy(slot, add); });
}

// ---------------------------------------------------------------------------
// Lookups

std::optional<WorkerRec> MatchIndex::GetWorker(absl::string_view worker_id) const {
  absl::ReaderMutexLock lock(&mu_);
  const WorkerRec* rec = workers_.Find(worker_id);
  if (rec == nullptr) return std::nullopt;
  return *rec;
}

std::optional<VacancyRec> MatchIndex::GetVacancy(absl::string_view vacancy_id) const {
  absl::ReaderMutexLock lock(&mu_);
  const VacancyRec* rec = vacancies_.Find(vacancy_id);
  if (rec == nullptr) return std::nullopt;
  return *rec;
}

int64_t MatchIndex::WorkerVersion(absl::string_view worker_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return workers_.Version(worker_id);
}

int64_t MatchIndex::VacancyVersion(absl::string_view vacancy_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return vacancies_.Version(vacancy_id);
}

std::optional<std::string> MatchIndex::WorkerByOpenid(absl::string_view openid) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = worker_by_openid_.find(openid);
  if (it == worker_by_openid_.end()) return std::nullopt;
  return workers_.records[it->second].id;
}

size_t MatchIndex::worker_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return workers_.slot_of.size();
}

size_t MatchIndex::vacancy_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return vacancies_.slot_of.size();
}

// ---------------------------------------------------------------------------
// Queries

absl::StatusOr<uint32_t> MatchIndex::QueriedVacancy(absl::string_view vacancy_id, int k) const {
  if (k < 1) return absl::InvalidArgumentError("k must be at least 1");
  auto found = vacancies_.slot_of.find(vacancy_id);
  if (found == vacancies_.slot_of.end()) {
    return absl::NotFoundError(absl::StrCat("vacancy ", vacancy_id, " is not open or unknown"));
  }
  return found->second;
}

absl::StatusOr<uint32_t> MatchIndex::QueriedWorker(absl::string_view worker_id, int k) const {
  if (k < 1) return absl::InvalidArgumentError("k must be at least 1");
  auto found = workers_.slot_of.find(worker_id);
  if (found == workers_.slot_of.end()) {
    return absl::NotFoundError(absl::StrCat("worker ", worker_id, " is unknown"));
  }
  return found->second;
}

int64_t MatchIndex::OtherPartsBound(int location_level, bool wage, int32_t freshness,
                                    bool certificate, bool bonus) const {
  const Weights& w = scorer_->weights();
  int64_t bound = int64_t{w.part[kLocation]} * Scorer::LocationValue(location_level) +
                  int64_t{w.part[kFreshness]} * freshness;
  if (wage) bound += int64_t{w.part[kWage]} * 1000;
  if (certificate) bound += int64_t{w.part[kCertificate]} * 1000;
  if (bonus) bound += (int64_t{w.part[kBrand]} + w.part[kReturnPlan]) * 1000;
  return bound;
}

absl::StatusOr<QueryResult> MatchIndex::BruteForceWorkers(absl::string_view vacancy_id, int k,
                                                          const WorkerFilter& filter,
                                                          const QueryContext& ctx) const {
  absl::ReaderMutexLock lock(&mu_);
  absl::StatusOr<uint32_t> found = QueriedVacancy(vacancy_id, k);
  if (!found.ok()) return found.status();
  const VacancyRec& v = vacancies_.records[*found];
  Scan scan(k, 0);
  auto id_of = [this](uint32_t slot) -> const std::string& { return workers_.records[slot].id; };
  for (uint32_t slot = 0; slot < workers_.slots(); ++slot) {
    if (!workers_.live[slot]) continue;
    const WorkerRec& w = workers_.records[slot];
    if (!filter.Matches(w, v, ctx)) continue;
    scan.Offer(scorer_->Evaluate(w, v, ctx), slot, id_of);
  }
  QueryResult result;
  scan.Finish(
      id_of,
      [&](const Scan::Entry& e) {
        return Hit{e.evaluation, workers_.records[e.slot], v};
      },
      &result);
  return result;
}

absl::StatusOr<QueryResult> MatchIndex::BruteForceVacancies(absl::string_view worker_id, int k,
                                                            const VacancyFilter& filter,
                                                            const QueryContext& ctx) const {
  absl::ReaderMutexLock lock(&mu_);
  absl::StatusOr<uint32_t> found = QueriedWorker(worker_id, k);
  if (!found.ok()) return found.status();
  const WorkerRec& w = workers_.records[*found];
  Scan scan(k, 0);
  auto id_of = [this](uint32_t slot) -> const std::string& { return vacancies_.records[slot].id; };
  for (uint32_t slot = 0; slot < vacancies_.slots(); ++slot) {
    if (!vacancies_.live[slot]) continue;
    const VacancyRec& v = vacancies_.records[slot];
    if (!filter.Matches(v)) continue;
    scan.Offer(scorer_->Evaluate(w, v, ctx), slot, id_of);
  }
  QueryResult result;
  scan.Finish(
      id_of,
      [&](const Scan::Entry& e) {
        return Hit{e.evaluation, w, vacancies_.records[e.slot]};
      },
      &result);
  return result;
}

}  // namespace labor::matching
