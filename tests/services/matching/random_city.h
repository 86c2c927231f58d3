// Randomized workers and vacancies for the matching tests (the index's
// exactness test, the card-bound property test).
#pragma once

#include <random>

#include "absl/strings/str_format.h"
#include "tests/services/matching/match_fixture.h"

namespace labor::matching::testing {

// Randomized data built to exercise every part, veto and tie: few codes at
// several depths (coarse requirements too), few places, coarse wages.
class RandomCity {
 public:
  explicit RandomCity(uint32_t seed) : rng_(seed) {}

  v1::Worker Worker(int i) {
    v1::Worker w = BaseWorker(absl::StrFormat("w_%05d", i));
    w.set_hukou_township(Pick(kTownships));
    if (Chance(0.5)) w.set_current_location(Pick(kPlaces));
    int skills = Uniform(0, 3);
    for (int s = 0; s < skills; ++s) {
      AddSkill(&w, Pick(kCodes), static_cast<v1::SkillLevel>(Uniform(0, 6)));
    }
    if (Chance(0.3)) {
      v1::Certificate* c = w.add_certificates();
      bool special = Chance(0.5);
      c->set_kind(special ? v1::CERTIFICATE_KIND_SPECIAL_OPERATION
                          : v1::CERTIFICATE_KIND_SKILL_LEVEL);
      c->set_name(special ? Pick(kCertNames) : "技能等级证书");
      if (!special || Chance(0.5)) c->set_occupation_code(Pick(kCodes));
      c->set_level(static_cast<v1::SkillLevel>(Uniform(0, 6)));
      c->set_verified(Chance(0.5));
      if (Chance(0.3))
        *c->mutable_expires_on() = Chance(0.5) ? MakeDate(2026, 1, 1) : MakeDate(2030, 1, 1);
    }
    w.set_labor_brand(static_cast<v1::LaborBrand>(Uniform(0, 3)));
    w.mutable_employment()->set_status(static_cast<v1::EmploymentStatus>(Uniform(1, 5)));
    v1::Preferences* p = w.mutable_preferences();
    p->set_location_scope(static_cast<v1::LocationScope>(Uniform(0, 6)));
    if (Chance(0.3)) p->add_accepted_regions(Pick(kPlaces));
    if (Chance(0.6)) p->mutable_minimum_monthly_wage()->set_fen(Uniform(3, 7) * 100000);
    if (Chance(0.3)) *p->mutable_available_from() = MakeDate(2026, Uniform(11, 12), Uniform(1, 28));
    if (Chance(0.4)) {
      w.mutable_return_plan()->set_intent(static_cast<v1::ReturnIntent>(Uniform(1, 3)));
      *w.mutable_return_plan()->mutable_planned_return() =
          Chance(0.5) ? MakeDate(2026, 11, Uniform(1, 28)) : MakeDate(2027, 1, Uniform(10, 30));
    }
    w.mutable_consent()->set_wechat(Chance(0.7));
    w.mutable_consent()->set_sms(Chance(0.4));
    return w;
  }

  v1::Vacancy Vacancy(int i) {
    v1::Vacancy v = BaseVacancy(absl::StrFormat("v_%05d", i), Pick(kCodes), Pick(kPlaces));
    int reqs = Uniform(0, 3);
    for (int r = 0; r < reqs; ++r) {
      Require(&v, Chance(0.1) ? Pick(kCoarse) : Pick(kCodes),
              static_cast<v1::SkillLevel>(Uniform(0, 6)));
    }
    if (Chance(0.15)) {
      v1::Certificate* c = v.add_required_certificates();
      if (Chance(0.5)) {
        c->set_kind(v1::CERTIFICATE_KIND_SPECIAL_OPERATION);
        c->set_name(Pick(kCertNames));
      } else {
        c->set_occupation_code(Pick(kCodes));
        c->set_level(static_cast<v1::SkillLevel>(Uniform(0, 5)));
      }
    }
    if (Chance(0.8)) SetMonthlyWage(&v, Uniform(3, 6) * 1000, Uniform(6, 9) * 1000);
    v.set_remaining(Chance(0.05) ? 0 : Uniform(1, 5));
    v.set_employer_blacklisted(Chance(0.05));
    *v.mutable_posted_at() = ToProto(TestNow() - absl::Hours(24 * Uniform(0, 40)));
    *v.mutable_expires_at() = ToProto(TestNow() + absl::Hours(24 * Uniform(-2, 90)));
    if (Chance(0.2)) v.add_fair_ids(Pick(kFairs));
    return v;
  }

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <size_t N>
  const char* Pick(const char* const (&items)[N]) {
    return items[Uniform(0, static_cast<int>(N) - 1)];
  }

  static constexpr const char* kCodes[] = {kWelder,      kSprayWelder, kCook,        "4-03-02-02",
                                           kBricklayer,  kRebar,       "6-29-02-01", kElectrician,
                                           "4-10-01-06", "6-30-05-01"};
  static constexpr const char* kCoarse[] = {"6-29-01-00", "6-18-00-00", "4-03-02-00"};
  static constexpr const char* kTownships[] = {kLuojiang, kPujia, "511702104"};
  static constexpr const char* kPlaces[] = {kLuojiang,        kPujia,   "511702", kXuanhan,
                                            kChengduJinjiang, "440304", "4403",   "51"};
  static constexpr const char* kCertNames[] = {"低压电工作业", "熔化焊接与热切割作业"};
  static constexpr const char* kFairs[] = {"fair_a", "fair_b"};

 private:
  std::mt19937 rng_;
};

}  // namespace labor::matching::testing
