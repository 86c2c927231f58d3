// The matching index's cards and the bounds computed from them: one named
// function per veto and per part, each derived from the scorer's own rule
// (scorer.h) so that a change there reaches the index. The contract, which
// tests/services/matching/card_bounds_test.cc checks over random pairs:
//   - a card veto holds only when Scorer::Evaluate vetoes the pair;
//   - a part bound is never below the part Evaluate computes;
//   - WorkerCardBounds / VacancyCardBounds::Bound is never below the score
//     of a pair Evaluate accepts (given a skill value at least the pair's).
// A bound may be looser than the scorer (a card does not hold everything):
// that only costs a candidate scored in vain, never a wrong answer.
//
// The per-candidate functions are inline: a query runs them per card.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "services/matching/match_model.h"
#include "services/matching/scorer.h"

namespace labor::matching {

// The first 16 bytes of an id as two big-endian integers: compares like the
// ids themselves unless both share those 16 bytes (then equal).
struct IdKey {
  uint64_t hi = 0, lo = 0;
  static IdKey Of(absl::string_view id) {
    IdKey key;
    for (size_t i = 0; i < 16; ++i) {
      uint64_t byte = i < id.size() ? static_cast<unsigned char>(id[i]) : 0;
      (i < 8 ? key.hi : key.lo) |= byte << (8 * (7 - i % 8));
    }
    return key;
  }
  bool operator<(const IdKey& o) const { return hi != o.hi ? hi < o.hi : lo < o.lo; }
};

enum : uint8_t {
  kCardCert = 1,  // worker: holds some certificate / vacancy: requires some
  kCardWechat = 2,
  kCardSms = 4,
  kCardReturning = 8,     // intends a local job after a planned return
  kCardDead = 16,         // vacancy: blacklisted, not open or no headcount
  kCardManyCerts = 32,    // worker: more certificates name occupations than the card holds
  kCardOtherSkills = 64,  // worker: also has skills outside the card's list key
  kCardScopeOpen = 128,   // worker: accepted regions listed; scope_area does not decide
};

// What bounds a worker's score for any vacancy, kept in the skill lists
// (one per list the worker is in), so the bound costs no random access.
struct WorkerCard {
  IdKey id_key;
  uint32_t slot;
  uint32_t hukou;  // padded region codes
  uint32_t current;
  uint32_t floor_fen;           // minimum wage, capped (a lower floor only raises the bound)
  OccCode cert_occupations[2];  // of the first two certificates naming one
  Day planned_return;
  Day available_from;
  uint32_t scope_area;  // padded; the accepted area unless kCardScopeOpen
  uint8_t hukou_level : 4, current_level : 4;
  uint8_t level;  // the best level among the worker's skills under the list's key
  uint8_t flags;  // kCard* bits
  uint8_t brand;
  uint8_t status;
  uint8_t scope_level;  // of scope_area (0: anywhere)
  // The worker's skills, so the skill part is exact from the card; more
  // than kCardSkills skills: skill_count = 255 and the list-level bound.
  static constexpr int kCardSkills = 3;
  uint8_t skill_count;
  uint8_t skill_levels[kCardSkills];
  OccCode skill_codes[kCardSkills];

  Region hukou_region() const { return Region{hukou, static_cast<uint8_t>(hukou_level)}; }
  Region current_region() const { return Region{current, static_cast<uint8_t>(current_level)}; }
};

// The same for a vacancy, in the requirement lists.
struct VacancyCard {
  IdKey id_key;
  uint32_t slot;
  uint32_t location;  // padded
  uint32_t top_fen;   // highest stated monthly wage (0: none)
  uint32_t offered_fen;
  uint32_t posted_at_s;
  uint32_t expires_at_s;  // 0: none
  OccCode occupation;
  uint8_t location_level;
  uint8_t level;  // the lowest level required under the list's key
  uint8_t requirements;
  uint8_t flags;
  // CertBits of the required certificates: a worker whose certificates'
  // bits miss one of these cannot hold them all (a veto on the card).
  uint32_t cert_bits;

  Region location_region() const { return Region{location, location_level}; }
};

inline uint32_t Saturate(int64_t value) {
  return static_cast<uint32_t>(std::clamp<int64_t>(value, 0, std::numeric_limits<uint32_t>::max()));
}

// A worker's card for the list of skills whose first `segments` segments
// are `key` (segments 0: the card of phases 4-5, outside any list).
WorkerCard MakeWorkerCard(const WorkerRec& w, uint32_t slot, int segments, OccCode key);
// A vacancy's card; `segments` > 0: the list of requirements given to
// exactly that many segments; < 0: the list of -segments prefixes of finer
// requirements.
VacancyCard MakeVacancyCard(const VacancyRec& v, uint32_t slot, int segments, OccCode key);

// One bit of a 32-bit signature per certificate class: the occupation
// branch a requirement names (a held certificate sets the bits of all its
// branches), else the certificate's name. Equal classes set equal bits, so
// a requirement whose bit the held signature lacks is certainly not met by
// Scorer::HeldCertificate (which matches a requirement by occupation
// branch, else by name).
uint32_t RequiredCertBits(const VacancyRec& v);
// Of the certificates valid on `today` (HeldCertificate ignores the rest).
uint32_t HeldCertBits(const WorkerRec& w, Day today);

// ---------------------------------------------------------------------------
// Vetoes on a card. Each holds only when Scorer::Evaluate vetoes the pair.

// The consent veto (Scorer::ConsentGiven) from the card's consent flags.
inline bool CardLacksConsent(uint8_t flags, ConsentNeed need) {
  return !Scorer::ConsentGiven((flags & kCardWechat) != 0, (flags & kCardSms) != 0, need);
}

// The certificate veto of a vacancy requiring certificates, from a worker
// card: a worker without certificates holds none; one whose certificates
// naming occupations are all on the card needs one in each required
// occupation branch (Scorer::HeldCertificate's occupation rule; validity,
// kind and level are left to the scorer).
inline bool WorkerCardLacksCertificate(const WorkerCard& c, const VacancyRec& v) {
  if (v.certs.empty()) return false;
  if (!(c.flags & kCardCert)) return true;
  if (c.flags & kCardManyCerts) return false;
  for (const CertReq& req : v.certs) {
    if (req.occupation != 0 && OccMatchDepth(req.occupation, c.cert_occupations[0]) != 4 &&
        OccMatchDepth(req.occupation, c.cert_occupations[1]) != 4) {
      return true;
    }
  }
  return false;
}

// The certificate veto from a vacancy card and the worker's HeldCertBits
// (`has_certs`: the worker holds some certificate valid today).
inline bool VacancyCardLacksCertificate(const VacancyCard& c, bool has_certs, uint32_t held_bits) {
  return (c.flags & kCardCert) && (!has_certs || (c.cert_bits & ~held_bits) != 0);
}

// The wage veto (Scorer::WageTooLow) of a worker card against a vacancy's
// stated top (0: none). The card's floor is capped, which can only miss a
// veto, never invent one.
inline bool WorkerCardWageTooLow(const WorkerCard& c, int64_t top_fen) {
  return Scorer::WageTooLow(c.floor_fen, top_fen);
}

// The same from a vacancy card: a top at the cap may be higher, so it does
// not veto.
inline bool VacancyCardWageTooLow(const VacancyCard& c, int64_t floor_fen) {
  return c.top_fen != std::numeric_limits<uint32_t>::max() &&
         Scorer::WageTooLow(floor_fen, c.top_fen);
}

// The scope veto (Scorer::InScope) from a worker card: only a worker whose
// scope is one area (Scorer::ScopeIsOneArea) is decided on the card.
inline bool WorkerCardOutOfScope(const WorkerCard& c, Region location) {
  return !(c.flags & kCardScopeOpen) &&
         !Scorer::InScopeArea(Region{c.scope_area, c.scope_level}, location);
}

// Scorer::StartDay from a worker card.
inline Day WorkerCardStartDay(const WorkerCard& c, Region location, Day today) {
  return Scorer::StartDay(c.available_from, c.planned_return, c.hukou_region(), location, today);
}

// The availability veto (Scorer::StartsTooLate) from a worker card.
inline bool WorkerCardStartsTooLate(const WorkerCard& c, Region location, Day last_day, Day today) {
  return last_day != kNoDay &&
         Scorer::StartsTooLate(WorkerCardStartDay(c, location, today), last_day);
}

// The vacancy's own vetoes (Scorer::VacancyVeto) from its card: kCardDead
// holds those that do not depend on the time, the expiry is checked here.
inline bool VacancyCardClosed(const VacancyCard& c, int64_t now_s) {
  return (c.flags & kCardDead) || (c.expires_at_s != 0 && c.expires_at_s <= now_s);
}

// ---------------------------------------------------------------------------
// Part bounds. Each is at least the part Scorer::Evaluate computes.

// The wage part (Scorer::WageValueFor) without integer division (it runs
// per candidate): the exact value is floor(x); a floating-point x is off by
// far less than 1, so floor(x) + 1 bounds it.
inline int32_t WageValueBound(int64_t floor_fen, int64_t offered_fen, int64_t reference_fen) {
  double reference = static_cast<double>(floor_fen > 0 ? floor_fen : reference_fen);
  double x =
      static_cast<double>(offered_fen - static_cast<int64_t>(reference)) * 2000.0 / reference;
  if (x >= 1000.0) return 1000;
  if (x < 0) return 0;
  return std::min<int32_t>(1000, static_cast<int32_t>(x) + 1);
}

// The freshness part (Scorer::FreshnessValue), the same way; `per_second`
// is 1000 / (freshness_days x 86400).
inline int32_t FreshnessValueBound(int64_t posted_at_s, int64_t now_s, double per_second) {
  int64_t age = now_s - posted_at_s;
  if (age <= 0) return 1000;
  double x = static_cast<double>(age) * per_second;  // points lost
  if (x >= 1001.0) return 0;
  return std::clamp<int32_t>(1000 - static_cast<int32_t>(x) + 1, 0, 1000);
}

// Whether a worker card may earn the certificate part for a vacancy: always
// with required certificates (the veto decides), else with a certificate
// in the vacancy's 小类 `minor` (Scorer::CertificateInMinor) among the
// card's, or when the card does not hold them all.
inline bool WorkerCardMayEarnCertificate(const WorkerCard& c, bool requires_certs, OccCode minor) {
  if (requires_certs || (c.flags & kCardManyCerts)) return true;
  return Scorer::CertificateInMinor(minor, c.cert_occupations[0]) ||
         Scorer::CertificateInMinor(minor, c.cert_occupations[1]);
}

// The same from a vacancy card and the occupations of the worker's valid
// certificates.
inline bool VacancyCardMayEarnCertificate(const VacancyCard& c,
                                          const absl::InlinedVector<OccCode, 4>& held) {
  if (c.flags & kCardCert) return true;
  const OccCode minor = c.occupation == 0 ? 0 : OccPrefix(c.occupation, 3);
  for (OccCode occupation : held) {
    if (Scorer::CertificateInMinor(minor, occupation)) return true;
  }
  return false;
}

// The labor brand (1..3) whose branch holds `occupation` (the branches are
// disjoint; 0 for none): the brand part is earned by that brand's workers.
inline uint8_t BrandOf(OccCode occupation) {
  uint8_t brand = 0;
  for (uint8_t b = 1; b < 4; ++b) {
    if (OccMatchDepth(Scorer::BrandBranch(b), occupation) == 4) brand = b;
  }
  return brand;
}

// The return-plan part of a worker card for a vacancy at `location`
// (Scorer's ReturnsForLocalJob, InHomeCounty and ReturnTimeValue).
inline int32_t WorkerCardReturnValue(const Scorer& scorer, const WorkerCard& c, Region location,
                                     Day today) {
  if (!(c.flags & kCardReturning) || !Scorer::InHomeCounty(c.hukou_region(), location)) return 0;
  return scorer.ReturnTimeValue(c.planned_return, today);
}

// ---------------------------------------------------------------------------
// Whole-card bounds: -1 when a veto is certain, else at least the score of
// the pair for a skill part of at most `skill_value`.

// Worker cards against one vacancy (RecommendWorkers).
class WorkerCardBounds {
 public:
  WorkerCardBounds(const Scorer& scorer, const VacancyRec& v, const QueryContext& ctx)
      : scorer_(scorer),
        v_(v),
        ctx_(ctx),
        top_(v.has_wage() ? std::max(v.wage_min_fen, v.wage_max_fen) : 0),
        offered_(OfferedWage(v)),
        fixed_(int64_t{scorer.weights().part[kFreshness]} *
               scorer.FreshnessValue(v.posted_at_s, ctx.now_s)),
        minor_(v.occupation == 0 ? 0 : OccPrefix(v.occupation, 3)),
        brand_(BrandOf(v.occupation)) {}

  // The labor brand whose workers earn the brand part (0: none).
  uint8_t brand() const { return brand_; }
  // The freshness part's weighted value (the same for every worker).
  int64_t fixed() const { return fixed_; }
  // The vacancy's stated top (0: none) and offer.
  int64_t top() const { return top_; }
  int64_t offered() const { return offered_; }

  bool Vetoed(const WorkerCard& c) const {
    return WorkerCardLacksCertificate(c, v_) || CardLacksConsent(c.flags, ctx_.consent) ||
           WorkerCardWageTooLow(c, top_) || WorkerCardOutOfScope(c, v_.location) ||
           WorkerCardStartsTooLate(c, v_.location, v_.expires_day, ctx_.today);
  }

  int64_t Bound(const WorkerCard& c, int64_t skill_value) const {
    if (Vetoed(c)) return -1;
    const auto& part = scorer_.weights().part;
    int64_t bound = part[kSkill] * skill_value +
                    int64_t{part[kLocation]} *
                        Scorer::LocationValue(v_.location, c.hukou_region(), c.current_region()) +
                    fixed_;
    if (v_.has_wage()) {
      bound += int64_t{part[kWage]} *
               WageValueBound(c.floor_fen, offered_, scorer_.weights().reference_wage_fen);
    }
    if (WorkerCardMayEarnCertificate(c, !v_.certs.empty(), minor_)) {
      bound += int64_t{part[kCertificate]} * 1000;
    }
    if (brand_ != 0 && c.brand == brand_) bound += int64_t{part[kBrand]} * 1000;
    bound +=
        int64_t{part[kReturnPlan]} * WorkerCardReturnValue(scorer_, c, v_.location, ctx_.today);
    return bound;
  }

 private:
  const Scorer& scorer_;
  const VacancyRec& v_;
  const QueryContext& ctx_;
  const int64_t top_;
  const int64_t offered_;
  const int64_t fixed_;
  const OccCode minor_;
  const uint8_t brand_;
};

// Vacancy cards against one worker (RecommendVacancies).
class VacancyCardBounds {
 public:
  VacancyCardBounds(const Scorer& scorer, const WorkerRec& w, const QueryContext& ctx);

  bool has_certs() const { return has_certs_; }
  // The return-plan part of a vacancy in the worker's home county (0: none).
  int32_t return_value() const { return return_value_; }

  bool Vetoed(const VacancyCard& c) const {
    return VacancyCardClosed(c, ctx_.now_s) ||
           VacancyCardLacksCertificate(c, has_certs_, held_cert_bits_) ||
           VacancyCardWageTooLow(c, w_.min_wage_fen) || !Scorer::InScope(w_, c.location_region());
  }

  int64_t Bound(const VacancyCard& c, int64_t skill_value) const {
    if (Vetoed(c)) return -1;
    const auto& part = scorer_.weights().part;
    const Region location = c.location_region();
    int64_t bound =
        part[kSkill] * skill_value +
        int64_t{part[kLocation]} * Scorer::LocationValue(location, w_.hukou, w_.current) +
        int64_t{part[kFreshness]} * FreshnessValueBound(c.posted_at_s, ctx_.now_s, per_second_);
    if (c.top_fen != 0) {
      // An offer at the cap may be higher: the best value.
      int32_t wage = c.offered_fen == std::numeric_limits<uint32_t>::max()
                         ? 1000
                         : WageValueBound(w_.min_wage_fen, c.offered_fen,
                                          scorer_.weights().reference_wage_fen);
      bound += int64_t{part[kWage]} * wage;
    }
    if (VacancyCardMayEarnCertificate(c, cert_occupations_)) {
      bound += int64_t{part[kCertificate]} * 1000;
    }
    if (brand_branch_ != 0 && OccMatchDepth(brand_branch_, c.occupation) == 4) {
      bound += int64_t{part[kBrand]} * 1000;
    }
    if (return_value_ > 0 && Scorer::InHomeCounty(w_, location)) {
      bound += int64_t{part[kReturnPlan]} * return_value_;
    }
    return bound;
  }

 private:
  const Scorer& scorer_;
  const WorkerRec& w_;
  const QueryContext& ctx_;
  bool has_certs_ = false;
  uint32_t held_cert_bits_ = 0;
  int32_t return_value_ = 0;
  OccCode brand_branch_ = 0;
  absl::InlinedVector<OccCode, 4> cert_occupations_;  // of valid certificates
  double per_second_ = 0;
};

}  // namespace labor::matching
