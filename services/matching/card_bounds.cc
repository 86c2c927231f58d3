#include "services/matching/card_bounds.h"

#include "absl/hash/hash.h"

namespace labor::matching {
namespace {

uint32_t CertBit(uint64_t key) {
  key *= 0x9E3779B97F4A7C15ULL;
  return uint32_t{1} << (key >> 59);
}
uint32_t OccupationCertBit(OccCode branch) {
  return CertBit(uint64_t{branch} | (uint64_t{1} << 40));
}
uint32_t NameCertBit(absl::string_view name) {
  return CertBit(absl::Hash<absl::string_view>{}(name));
}

}  // namespace

uint32_t RequiredCertBits(const VacancyRec& v) {
  uint32_t bits = 0;
  for (const CertReq& req : v.certs) {
    if (req.occupation != 0) {
      bits |= OccupationCertBit(req.occupation);
    } else if (!req.name.empty()) {
      bits |= NameCertBit(req.name);
    }
  }
  return bits;
}

uint32_t HeldCertBits(const WorkerRec& w, Day today) {
  uint32_t bits = 0;
  for (const CertRec& c : w.certs) {
    if (!c.ValidOn(today)) continue;
    if (c.occupation != 0) {
      for (int n = 1; n <= OccSegments(c.occupation); ++n) {
        bits |= OccupationCertBit(OccPrefix(c.occupation, n));
      }
    }
    if (!c.name.empty()) bits |= NameCertBit(c.name);
  }
  return bits;
}

WorkerCard MakeWorkerCard(const WorkerRec& w, uint32_t slot, int segments, OccCode key) {
  WorkerCard card{};
  card.slot = slot;
  card.id_key = IdKey::Of(w.id);
  card.hukou = w.hukou.padded;
  card.hukou_level = w.hukou.level;
  card.current = w.current.padded;
  card.current_level = w.current.level;
  card.floor_fen = Saturate(w.min_wage_fen);
  bool other_skills = false;
  for (const SkillRec& s : w.skills) {
    if (OccPrefix(s.code, segments) == key) {
      card.level = std::max<uint8_t>(card.level, s.level == 0 ? 1 : s.level);
    } else {
      other_skills = true;
    }
  }
  card.flags = (other_skills ? kCardOtherSkills : 0) | (w.certs.empty() ? 0 : kCardCert) |
               (w.consent_wechat ? kCardWechat : 0) | (w.consent_sms ? kCardSms : 0) |
               (Scorer::ReturnsForLocalJob(w) ? kCardReturning : 0);
  int named = 0;
  for (const CertRec& c : w.certs) {
    if (c.occupation == 0) continue;
    if (named < 2) {
      card.cert_occupations[named] = c.occupation;
    } else {
      card.flags |= kCardManyCerts;
    }
    ++named;
  }
  card.planned_return = w.planned_return;
  card.available_from = w.available_from;
  if (!Scorer::ScopeIsOneArea(w)) {
    card.flags |= kCardScopeOpen;
  } else {
    const Region area = Scorer::ScopeArea(w);
    card.scope_area = area.padded;
    card.scope_level = area.level;
  }
  card.brand = w.brand;
  card.status = w.status;
  if (w.skills.size() <= static_cast<size_t>(WorkerCard::kCardSkills)) {
    card.skill_count = static_cast<uint8_t>(w.skills.size());
    for (size_t i = 0; i < w.skills.size(); ++i) {
      card.skill_codes[i] = w.skills[i].code;
      card.skill_levels[i] = w.skills[i].level;
    }
  } else {
    card.skill_count = 255;
  }
  return card;
}

VacancyCard MakeVacancyCard(const VacancyRec& v, uint32_t slot, int segments, OccCode key) {
  VacancyCard card{};
  card.slot = slot;
  card.id_key = IdKey::Of(v.id);
  card.location = v.location.padded;
  card.location_level = v.location.level;
  card.top_fen = Saturate(std::max(v.wage_min_fen, v.wage_max_fen));
  card.offered_fen = Saturate(OfferedWage(v));
  card.posted_at_s = Saturate(v.posted_at_s);
  card.expires_at_s = Saturate(v.expires_at_s);
  card.occupation = v.occupation;
  card.requirements = static_cast<uint8_t>(std::min<size_t>(v.required.size(), 255));
  card.level = 255;
  for (const SkillRec& r : v.required) {
    int n = OccSegments(r.code);
    bool under = segments > 0 ? (n == segments && r.code == key)
                              : (n > -segments && OccPrefix(r.code, -segments) == key);
    if (under) card.level = std::min(card.level, r.level);
  }
  // The vacancy's vetoes that do not depend on the time (no expiry is
  // before the earliest time); VacancyCardClosed checks the expiry.
  const bool dead = Scorer::VacancyVeto(v, std::numeric_limits<int64_t>::min()) != Veto::kNone;
  card.flags = (v.certs.empty() ? 0 : kCardCert) | (dead ? kCardDead : 0);
  card.cert_bits = RequiredCertBits(v);
  return card;
}

VacancyCardBounds::VacancyCardBounds(const Scorer& scorer, const WorkerRec& w,
                                     const QueryContext& ctx)
    : scorer_(scorer), w_(w), ctx_(ctx) {
  for (const CertRec& c : w.certs) {
    if (!c.ValidOn(ctx.today)) continue;
    has_certs_ = true;
    if (c.occupation != 0) cert_occupations_.push_back(c.occupation);
  }
  held_cert_bits_ = HeldCertBits(w, ctx.today);
  return_value_ =
      Scorer::ReturnsForLocalJob(w) ? scorer.ReturnTimeValue(w.planned_return, ctx.today) : 0;
  brand_branch_ = Scorer::BrandBranch(w.brand);
  per_second_ = 1000.0 / (static_cast<double>(scorer.weights().freshness_days) * 86400.0);
}

}  // namespace labor::matching
