#include "services/vacancy/vacancy_rules.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/clock.h"
#include "common/csv.h"
#include "common/idempotency.h"
#include "common/proto_util.h"
#include "common/status.h"
#include "common/validation.h"

namespace labor::vacancy {
namespace {

constexpr absl::string_view kIdeographicSpace = "\xE3\x80\x80";  // U+3000

// 1,000,000 yuan a month, in fen: above this a figure is a typo.
constexpr int64_t kMaxMonthlyFen = 100'000'000;
constexpr size_t kMaxCertificateTextChars = 40;
constexpr size_t kMaxBlacklistReasonChars = 500;
constexpr size_t kMaxBlacklistSourceChars = 200;
constexpr int kMaxFairDays = 31;

std::string Path(absl::string_view prefix, absl::string_view field) {
  return FieldPath(prefix, field);
}

// Strips ASCII white space and full-width spaces (U+3000) at both ends.
std::string TrimText(absl::string_view text) {
  while (true) {
    absl::string_view before = text;
    text = absl::StripAsciiWhitespace(text);
    absl::ConsumePrefix(&text, kIdeographicSpace);
    absl::ConsumeSuffix(&text, kIdeographicSpace);
    if (text == before) break;
  }
  return std::string(text);
}

void TrimInPlace(std::string* text) {
  if (!text->empty()) *text = TrimText(*text);
}

// The text with ASCII spaces and U+3000 removed, so "限 男　性" reads 限男性.
std::string RemoveSpaces(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text[i] == ' ') {
      ++i;
    } else if (text.substr(i, kIdeographicSpace.size()) == kIdeographicSpace) {
      i += kIdeographicSpace.size();
    } else {
      out.push_back(text[i++]);
    }
  }
  return out;
}

absl::string_view GroundName(DiscriminationPolicy::Ground ground) {
  switch (ground) {
    case DiscriminationPolicy::Ground::kGender:
      return "gender";
    case DiscriminationPolicy::Ground::kEthnicity:
      return "ethnicity";
    case DiscriminationPolicy::Ground::kHukou:
      return "hukou";
  }
  return "?";
}

// The law a restriction on `ground` breaks, as quoted in messages.
absl::string_view GroundLaw(DiscriminationPolicy::Ground ground) {
  switch (ground) {
    case DiscriminationPolicy::Ground::kGender:
      return "which 就业促进法 art. 27 forbids for this occupation";
    case DiscriminationPolicy::Ground::kEthnicity:
      return "which 就业促进法 art. 28 and 人力资源市场暂行条例 art. 24 forbid for every "
             "occupation";
    case DiscriminationPolicy::Ground::kHukou:
      return "which 就业促进法 art. 31 forbids for every occupation (rural workers have the same "
             "right to urban jobs)";
  }
  return "";
}

absl::string_view RequirementName(v1::GenderRequirement requirement) {
  switch (requirement) {
    case v1::GENDER_REQUIREMENT_MALE:
      return "male";
    case v1::GENDER_REQUIREMENT_FEMALE:
      return "female";
    default:
      return "unspecified";
  }
}

// Whether the match at `pos` of `text` is negated: directly after 不 or 无,
// optionally followed by 仅 / 只 ("不限男性", "不仅限男性" state no restriction).
bool Negated(absl::string_view text, size_t pos) {
  absl::string_view before = text.substr(0, pos);
  if (!absl::ConsumeSuffix(&before, "仅")) absl::ConsumeSuffix(&before, "只");
  return absl::EndsWith(before, "不") || absl::EndsWith(before, "无");
}

uint16_t HeadOf(absl::string_view text, size_t pos) {
  return static_cast<uint16_t>(static_cast<uint8_t>(text[pos]) << 8 |
                               static_cast<uint8_t>(text[pos + 1]));
}

}  // namespace

// ---------------------------------------------------------------------------
// DiscriminationPolicy

absl::StatusOr<std::unique_ptr<DiscriminationPolicy>> DiscriminationPolicy::LoadFromDir(
    const std::string& policy_dir) {
  std::vector<Exemption> exemptions;
  RETURN_IF_ERROR(ForEachCsvRecord(
      policy_dir + "/gender_exemptions.csv", {"occupation_prefix", "requirement", "basis"},
      [&](const std::vector<std::string>& f) -> absl::Status {
        Exemption e;
        e.occupation_prefix = TrimText(f[0]);
        // A prefix is well formed when it lies in its own branch.
        if (!OccupationInBranch(e.occupation_prefix, e.occupation_prefix)) {
          return absl::InvalidArgumentError(
              absl::StrCat("occupation_prefix '", e.occupation_prefix,
                           "' is not an occupation code or prefix like 6-16-01-05"));
        }
        const std::string requirement = TrimText(f[1]);
        if (requirement == "MALE") {
          e.requirement = v1::GENDER_REQUIREMENT_MALE;
        } else if (requirement == "FEMALE") {
          e.requirement = v1::GENDER_REQUIREMENT_FEMALE;
        } else {
          return absl::InvalidArgumentError(
              absl::StrCat("requirement '", requirement, "' must be MALE or FEMALE"));
        }
        e.basis = TrimText(f[2]);
        if (e.basis.empty()) return absl::InvalidArgumentError("basis is empty");
        exemptions.push_back(std::move(e));
        return absl::OkStatus();
      }));

  std::vector<Term> terms;
  absl::flat_hash_set<std::string> seen;
  RETURN_IF_ERROR(ForEachCsvRecord(
      policy_dir + "/discrimination_terms.csv", {"term", "ground"},
      [&](const std::vector<std::string>& f) -> absl::Status {
        Term t;
        t.text = RemoveSpaces(TrimText(f[0]));
        if (t.text.empty()) return absl::InvalidArgumentError("term is empty");
        const std::string ground = TrimText(f[1]);
        if (ground == "gender") {
          t.ground = Ground::kGender;
        } else if (ground == "ethnicity") {
          t.ground = Ground::kEthnicity;
        } else if (ground == "hukou") {
          t.ground = Ground::kHukou;
        } else {
          return absl::InvalidArgumentError(
              absl::StrCat("ground '", ground, "' must be gender, ethnicity or hukou"));
        }
        if (!seen.insert(t.text).second) {
          return absl::InvalidArgumentError(absl::StrCat("term '", t.text, "' is listed twice"));
        }
        terms.push_back(std::move(t));
        return absl::OkStatus();
      }));
  return FromLists(std::move(terms), std::move(exemptions));
}

std::unique_ptr<DiscriminationPolicy> DiscriminationPolicy::FromLists(
    std::vector<Term> terms, std::vector<Exemption> exemptions) {
  std::unique_ptr<DiscriminationPolicy> policy(new DiscriminationPolicy());
  // Texts are scanned with spaces removed, so terms are too.
  for (auto& t : terms) t.text = RemoveSpaces(t.text);
  terms.erase(
      std::remove_if(terms.begin(), terms.end(), [](const Term& t) { return t.text.empty(); }),
      terms.end());
  policy->terms_ = std::move(terms);
  policy->exemptions_ = std::move(exemptions);
  for (size_t i = 0; i < policy->terms_.size(); ++i) {
    const std::string& text = policy->terms_[i].text;
    if (text.size() == 1) {
      policy->one_byte_terms_.push_back(i);
    } else {
      policy->terms_by_head_[HeadOf(text, 0)].push_back(i);
    }
  }
  return policy;
}

std::vector<DiscriminationPolicy::Match> DiscriminationPolicy::FindTerms(absl::string_view text,
                                                                         bool skip_gender) const {
  std::vector<Match> matches;
  auto consider = [&](size_t i, size_t pos) {
    const Term& term = terms_[i];
    if (skip_gender && term.ground == Ground::kGender) return;
    if (text.substr(pos, term.text.size()) == term.text && !Negated(text, pos)) {
      matches.push_back({pos, term.text.size(), i});
    }
  };
  for (size_t pos = 0; pos + 1 < text.size(); ++pos) {
    if (auto it = terms_by_head_.find(HeadOf(text, pos)); it != terms_by_head_.end()) {
      for (size_t i : it->second) consider(i, pos);
    }
  }
  for (size_t i : one_byte_terms_) {
    for (size_t pos = text.find(terms_[i].text); pos != absl::string_view::npos;
         pos = text.find(terms_[i].text, pos + 1)) {
      consider(i, pos);
    }
  }
  return matches;
}

absl::Status DiscriminationPolicy::Check(const v1::Vacancy& vacancy,
                                         absl::string_view field) const {
  ViolationCollector out;
  const std::string& code = vacancy.occupation_code();
  const Exemption* exempt = nullptr;  // any exemption covering the occupation
  const Exemption* lawful = nullptr;  // one for the requirement the vacancy sets
  for (const auto& e : exemptions_) {
    if (!OccupationInBranch(e.occupation_prefix, code)) continue;
    if (exempt == nullptr) exempt = &e;
    if (lawful == nullptr && e.requirement == vacancy.gender_requirement()) lawful = &e;
  }

  const v1::GenderRequirement requirement = vacancy.gender_requirement();
  if (requirement != v1::GENDER_REQUIREMENT_UNSPECIFIED && lawful == nullptr) {
    const std::string occupation =
        code.empty() ? std::string("this occupation") : absl::StrCat("occupation ", code);
    if (exempt == nullptr) {
      out.Add(Path(field, "gender_requirement"),
              absl::StrCat("requires ", RequirementName(requirement),
                           " applicants, which 就业促进法 art. 27 forbids except for work the "
                           "state lists as unsuitable for women (女职工禁忌从事的劳动范围); ",
                           occupation, " is not such work"));
    } else {
      out.Add(Path(field, "gender_requirement"),
              absl::StrCat("requires ", RequirementName(requirement),
                           " applicants, which 就业促进法 art. 27 forbids; ", occupation,
                           " is exempt only for a ", RequirementName(exempt->requirement),
                           " requirement (", exempt->basis, ")"));
    }
  }

  const std::pair<absl::string_view, const std::string*> texts[] = {
      {"title", &vacancy.title()},
      {"description", &vacancy.description()},
      {"working_hours", &vacancy.working_hours()}};
  for (const auto& [name, raw] : texts) {
    if (raw->empty()) continue;
    const std::string text = RemoveSpaces(*raw);
    std::vector<Match> matches = FindTerms(text, /*skip_gender=*/exempt != nullptr);
    if (matches.empty()) continue;
    // Leftmost-longest, without overlaps: "仅限男性" is one phrase, not also 限男性.
    std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
      return a.pos != b.pos ? a.pos < b.pos : a.len > b.len;
    });
    std::vector<std::pair<Ground, std::vector<std::string>>> by_ground;
    size_t end = 0;
    for (const Match& m : matches) {
      if (m.pos < end) continue;
      end = m.pos + m.len;
      const Term& term = terms_[m.term];
      auto it = std::find_if(by_ground.begin(), by_ground.end(),
                             [&](const auto& g) { return g.first == term.ground; });
      if (it == by_ground.end()) {
        by_ground.push_back({term.ground, {}});
        it = by_ground.end() - 1;
      }
      const std::string quoted = absl::StrCat("\"", term.text, "\"");
      if (std::find(it->second.begin(), it->second.end(), quoted) == it->second.end()) {
        it->second.push_back(quoted);
      }
    }
    for (const auto& [ground, phrases] : by_ground) {
      out.Add(Path(field, name),
              absl::StrCat("restricts applicants by ", GroundName(ground), " (",
                           absl::StrJoin(phrases, ", "), "), ", GroundLaw(ground)));
    }
  }
  return out.ToStatus();
}

// ---------------------------------------------------------------------------
// Wages

absl::Status NormalizeWage(v1::Wage* wage, absl::string_view field) {
  ViolationCollector out;
  const v1::WageUnit unit = wage->unit();
  const int64_t min = wage->min().fen();
  const int64_t max = wage->max().fen();
  if (!v1::WageUnit_IsValid(unit)) {
    return InvalidField(Path(field, "unit"), "is not a known wage unit");
  }
  if (unit == v1::WAGE_UNIT_UNSPECIFIED) {
    if (min == 0 && max == 0) {
      // 面议: no stated wage. monthly_* are output only without a unit.
      wage->clear_monthly_min();
      wage->clear_monthly_max();
      return absl::OkStatus();
    }
    return InvalidField(Path(field, "unit"),
                        "is required when an amount is given (monthly, daily, hourly or piece)");
  }
  if (min < 0) out.Add(Path(field, "min"), "must not be negative");
  if (max < 0) out.Add(Path(field, "max"), "must not be negative");
  if (min == 0 && max == 0) {
    out.Add(Path(field, "max"), "is required when a unit is given (leave the unit unset for 面议)");
  }
  if (min >= 0 && max >= 0 && max < min) {
    out.Add(Path(field, "max"), "is below wage.min (set max = min for a single figure)");
  }
  if (!out.empty()) return out.ToStatus();

  if (unit == v1::WAGE_UNIT_PIECE) {
    // A piece rate says nothing about a month's pay: the poster's expected
    // monthly range is the normalized figure.
    const int64_t monthly_min = wage->monthly_min().fen();
    const int64_t monthly_max = wage->monthly_max().fen();
    if (monthly_min <= 0) {
      out.Add(Path(field, "monthly_min"),
              "is required for a piece rate: the expected monthly pay, above zero");
    } else if (monthly_min > kMaxMonthlyFen) {
      out.Add(Path(field, "monthly_min"), "is implausible: above 1,000,000 yuan a month");
    }
    if (monthly_max <= 0) {
      out.Add(Path(field, "monthly_max"),
              "is required for a piece rate: the expected monthly pay, above zero");
    } else if (monthly_max > kMaxMonthlyFen) {
      out.Add(Path(field, "monthly_max"), "is implausible: above 1,000,000 yuan a month");
    } else if (monthly_min > 0 && monthly_max < monthly_min) {
      out.Add(Path(field, "monthly_max"), "is below wage.monthly_min");
    }
    if (max > kMaxMonthlyFen) {
      out.Add(Path(field, "max"), "is implausible: above 1,000,000 yuan a piece");
    }
    return out.ToStatus();
  }

  // Amounts are bounded first so the products below cannot overflow.
  auto monthly = [unit](int64_t fen) -> int64_t {
    switch (unit) {
      case v1::WAGE_UNIT_DAILY:  // x 21.75, rounded to the nearest fen
        return (fen * 2175 + 50) / 100;
      case v1::WAGE_UNIT_HOURLY:  // x 8 x 21.75 = x 174, exact
        return fen * 174;
      default:
        return fen;
    }
  };
  const std::string per = unit == v1::WAGE_UNIT_DAILY    ? " (21.75 paid days a month)"
                          : unit == v1::WAGE_UNIT_HOURLY ? " (8 hours x 21.75 days a month)"
                                                         : "";
  if (max > kMaxMonthlyFen || monthly(max) > kMaxMonthlyFen) {
    out.Add(Path(field, "max"), absl::StrCat("is implausible: above 1,000,000 yuan a month", per));
    return out.ToStatus();
  }
  wage->mutable_monthly_min()->set_fen(monthly(min));
  wage->mutable_monthly_max()->set_fen(monthly(max));
  return absl::OkStatus();
}

bool HasStatedWage(const v1::Wage& wage) {
  return wage.unit() != v1::WAGE_UNIT_UNSPECIFIED || wage.min().fen() != 0 || wage.max().fen() != 0;
}

// ---------------------------------------------------------------------------
// Vacancies

namespace {

void CheckExpiry(const VacancyRuleContext& ctx, v1::Vacancy* v, absl::string_view field,
                 ViolationCollector* out) {
  if (!HasTimestamp(v->expires_at())) {
    *v->mutable_expires_at() = ToProto(ctx.now + kDefaultVacancyLifetime);
    return;
  }
  const auto& ts = v->expires_at();
  if (ts.nanos() < 0 || ts.nanos() > 999'999'999) {
    out->Add(Path(field, "expires_at"), "is not a valid timestamp");
    return;
  }
  const absl::Time at = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  if (at <= ctx.now) {
    out->Add(Path(field, "expires_at"), "must be in the future");
  } else if (at > ctx.now + kMaxVacancyLifetime) {
    out->Add(
        Path(field, "expires_at"),
        absl::StrCat("must be at most ", kMaxVacancyLifetime / absl::Hours(24), " days ahead"));
  }
}

void CheckOccupation(const VacancyRuleContext& ctx, v1::Vacancy* v, absl::string_view field,
                     ViolationCollector* out) {
  const std::string path = Path(field, "occupation_code");
  TrimInPlace(v->mutable_occupation_code());
  if (v->occupation_code().empty()) {
    if (v->title().empty()) {
      out->Add(path, "is required (or a title that names an occupation)");
      return;
    }
    std::optional<std::string> code = ctx.occupations->MapTitle(v->title());
    if (!code.has_value()) {
      // The title is quoted only when it is fit to show (its own check reports why not).
      out->Add(path, ValidateText(v->title(), kMaxTitleChars, true).ok()
                         ? absl::StrCat("is required: the title \"", v->title(),
                                        "\" names no occupation of the classification")
                         : std::string("is required: the title names no occupation"));
      return;
    }
    v->set_occupation_code(*code);
    return;
  }
  out->Merge(ctx.occupations->Validate(v->occupation_code()), path);
}

void CheckSkills(const VacancyRuleContext& ctx, v1::Vacancy* v, absl::string_view field,
                 ViolationCollector* out) {
  if (v->required_skills_size() > kMaxRequiredSkills) {
    out->Add(Path(field, "required_skills"),
             absl::StrCat("must list at most ", kMaxRequiredSkills, " skills"));
    return;
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < v->required_skills_size(); ++i) {
    v1::Skill* s = v->mutable_required_skills(i);
    const std::string p = Path(field, absl::StrCat("required_skills[", i, "]"));
    TrimInPlace(s->mutable_occupation_code());
    // Output only: a client's value is replaced by the official name.
    s->clear_occupation_name();
    const absl::Status code_ok = ctx.occupations->Validate(s->occupation_code());
    out->Merge(code_ok, p + ".occupation_code");
    if (code_ok.ok()) {
      s->set_occupation_name(ctx.occupations->Name(s->occupation_code()));
      if (!seen.insert(s->occupation_code()).second) {
        out->Add(p + ".occupation_code", "is listed twice");
      }
    }
    if (!v1::SkillLevel_IsValid(s->level())) out->Add(p + ".level", "is not a known skill level");
    if (s->years() < 0 || s->years() > 60) out->Add(p + ".years", "must be 0..60");
  }
}

void CheckCertificates(const VacancyRuleContext& ctx, v1::Vacancy* v, absl::string_view field,
                       ViolationCollector* out) {
  if (v->required_certificates_size() > kMaxRequiredCertificates) {
    out->Add(Path(field, "required_certificates"),
             absl::StrCat("must list at most ", kMaxRequiredCertificates, " certificates"));
    return;
  }
  for (int i = 0; i < v->required_certificates_size(); ++i) {
    v1::Certificate* c = v->mutable_required_certificates(i);
    const std::string p = Path(field, absl::StrCat("required_certificates[", i, "]"));
    TrimInPlace(c->mutable_name());
    TrimInPlace(c->mutable_occupation_code());
    TrimInPlace(c->mutable_number());
    TrimInPlace(c->mutable_issuer());
    if (c->kind() == v1::CERTIFICATE_KIND_UNSPECIFIED || !v1::CertificateKind_IsValid(c->kind())) {
      out->Add(p + ".kind", "is required: skill level, special operation or other");
    }
    out->Merge(ValidateText(c->name(), kMaxCertificateTextChars, /*required=*/true), p + ".name");
    if (!c->occupation_code().empty()) {
      out->Merge(ctx.occupations->Validate(c->occupation_code()), p + ".occupation_code");
    }
    if (!v1::SkillLevel_IsValid(c->level())) out->Add(p + ".level", "is not a known skill level");
    out->Merge(ValidateText(c->number(), kMaxCertificateTextChars, false), p + ".number");
    out->Merge(ValidateText(c->issuer(), kMaxShortTextChars, false), p + ".issuer");
    CheckCertificateDates(*c, p, absl::ToCivilDay(ctx.now, ShanghaiTime()), std::nullopt, out);
  }
}

}  // namespace

absl::Status NormalizeVacancy(const VacancyRuleContext& ctx, v1::Vacancy* vacancy,
                              absl::string_view field) {
  ViolationCollector out;
  v1::Vacancy* v = vacancy;
  TrimInPlace(v->mutable_title());
  TrimInPlace(v->mutable_description());
  TrimInPlace(v->mutable_working_hours());
  TrimInPlace(v->mutable_location());
  TrimInPlace(v->mutable_employer_name());

  out.Merge(ValidateText(v->title(), kMaxTitleChars, /*required=*/true), Path(field, "title"));
  CheckOccupation(ctx, v, field, &out);
  CheckSkills(ctx, v, field, &out);
  CheckCertificates(ctx, v, field, &out);

  if (v->location().empty()) {
    out.Add(Path(field, "location"), "is required: a region code of any level");
  } else {
    out.Merge(ctx.regions->Canonicalize(v->mutable_location()), Path(field, "location"));
  }
  out.Merge(NormalizeWage(v->mutable_wage(), Path(field, "wage")));
  if (v->headcount() < 1 || v->headcount() > kMaxHeadcount) {
    out.Add(Path(field, "headcount"), absl::StrCat("must be 1..", kMaxHeadcount));
  }
  out.Merge(ValidateText(v->working_hours(), kMaxShortTextChars, false),
            Path(field, "working_hours"));
  out.Merge(ValidateText(v->description(), kMaxDescriptionChars, false),
            Path(field, "description"));
  CheckExpiry(ctx, v, field, &out);
  if (!v1::GenderRequirement_IsValid(v->gender_requirement())) {
    out.Add(Path(field, "gender_requirement"), "is not a known gender requirement");
  }
  if (!v->employer_credit_code().empty()) {
    v->set_employer_credit_code(NormalizeCreditCode(v->employer_credit_code()));
    out.Merge(ValidateCreditCode(v->employer_credit_code()), Path(field, "employer_credit_code"));
  }
  if (!v->employer_name().empty()) {
    out.Merge(ValidateText(v->employer_name(), kMaxShortTextChars, false),
              Path(field, "employer_name"));
  }
  if (v1::GenderRequirement_IsValid(v->gender_requirement())) {
    out.Merge(ctx.policy->Check(*v, field));
  }
  return out.ToStatus();
}

absl::Status ApplyVacancyMask(const google::protobuf::FieldMask& mask, const v1::Vacancy& patch,
                              v1::Vacancy* target) {
  if (mask.paths_size() == 0) {
    return InvalidField("update_mask", "is required: name the fields to change");
  }
  static const auto* kUpdatable = new absl::flat_hash_set<std::string>{
      "title",       "occupation_code",   "required_skills", "required_certificates", "location",
      "wage",        "headcount",         "benefits",        "working_hours",         "expires_at",
      "description", "gender_requirement"};
  ViolationCollector out;
  for (int i = 0; i < mask.paths_size(); ++i) {
    const std::string& path = mask.paths(i);
    if (kUpdatable->contains(path)) continue;
    const std::string p = absl::StrCat("update_mask.paths[", i, "]");
    const absl::string_view top = absl::string_view(path).substr(0, path.find('.'));
    if (kUpdatable->contains(top)) {
      out.Add(p,
              absl::StrCat("'", path, "': '", top, "' is replaced as a whole; name '", top, "'"));
    } else if (top == "status" || top == "status_reason") {
      out.Add(p, absl::StrCat("'", path, "' is output only (use ChangeVacancyStatus)"));
    } else if (top == "fair_ids") {
      out.Add(p, absl::StrCat("'", path, "' is output only (use AttachToFair)"));
    } else if (top == "employer_id" || top == "employer_credit_code" || top == "employer_name") {
      out.Add(p,
              absl::StrCat("'", path, "' cannot change: post a new vacancy for another employer"));
    } else if (v1::Vacancy::descriptor()->FindFieldByName(std::string(top)) != nullptr) {
      out.Add(p, absl::StrCat("'", path, "' is output only"));
    } else {
      out.Add(p, absl::StrCat("'", path, "' is not a field of Vacancy"));
    }
  }
  if (!out.empty()) return out.ToStatus();

  for (const std::string& path : mask.paths()) {
    if (path == "title") {
      target->set_title(patch.title());
    } else if (path == "occupation_code") {
      target->set_occupation_code(patch.occupation_code());
    } else if (path == "required_skills") {
      *target->mutable_required_skills() = patch.required_skills();
    } else if (path == "required_certificates") {
      *target->mutable_required_certificates() = patch.required_certificates();
    } else if (path == "location") {
      target->set_location(patch.location());
    } else if (path == "wage") {
      *target->mutable_wage() = patch.wage();
    } else if (path == "headcount") {
      target->set_headcount(patch.headcount());
    } else if (path == "benefits") {
      *target->mutable_benefits() = patch.benefits();
    } else if (path == "working_hours") {
      target->set_working_hours(patch.working_hours());
    } else if (path == "expires_at") {
      *target->mutable_expires_at() = patch.expires_at();
    } else if (path == "description") {
      target->set_description(patch.description());
    } else if (path == "gender_requirement") {
      target->set_gender_requirement(patch.gender_requirement());
    }
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Employers, blacklist, fairs

absl::Status NormalizeEmployer(const RegionRegistry& regions, v1::Employer* employer,
                               absl::string_view field) {
  ViolationCollector out;
  employer->set_credit_code(NormalizeCreditCode(employer->credit_code()));
  TrimInPlace(employer->mutable_name());
  TrimInPlace(employer->mutable_region());
  employer->set_contact_name(NormalizeRealName(employer->contact_name()));
  if (employer->credit_code().empty()) {
    out.Add(Path(field, "credit_code"), "is required: the unified social credit code");
  } else {
    out.Merge(ValidateCreditCode(employer->credit_code()), Path(field, "credit_code"));
  }
  out.Merge(ValidateText(employer->name(), kMaxShortTextChars, /*required=*/true),
            Path(field, "name"));
  if (employer->region().empty()) {
    out.Add(Path(field, "region"), "is required: a region code of any level");
  } else {
    out.Merge(regions.Canonicalize(employer->mutable_region()), Path(field, "region"));
  }
  if (!employer->contact_name().empty()) {
    out.Merge(ValidateRealName(employer->contact_name(), kMaxShortTextChars),
              Path(field, "contact_name"));
  }
  if (!employer->contact_phone().empty()) {
    employer->set_contact_phone(NormalizeMobile(employer->contact_phone()));
    out.Merge(ValidateMobile(employer->contact_phone()), Path(field, "contact_phone"));
  }
  return out.ToStatus();
}

absl::Status NormalizeBlacklistEntry(absl::CivilDay today, v1::BlacklistEntry* entry,
                                     absl::string_view field) {
  ViolationCollector out;
  TrimInPlace(entry->mutable_reason());
  TrimInPlace(entry->mutable_source());
  out.Merge(ValidateText(entry->reason(), kMaxBlacklistReasonChars, /*required=*/true),
            Path(field, "reason"));
  out.Merge(ValidateText(entry->source(), kMaxBlacklistSourceChars, /*required=*/true),
            Path(field, "source"));
  if (!HasDate(entry->listed_on())) {
    *entry->mutable_listed_on() = FromCivil(today);
  } else {
    CheckDate(entry->listed_on(), Path(field, "listed_on"), DateField::kBlacklist, today, &out);
  }
  if (!out.empty()) return out.ToStatus();
  *entry->mutable_expires_on() = FromCivil(AddYears(ToCivil(entry->listed_on()), kBlacklistYears));
  return absl::OkStatus();
}

bool BlacklistActive(const v1::BlacklistEntry& entry, absl::CivilDay today) {
  if (!HasDate(entry.listed_on())) return false;
  const absl::CivilDay listed = ToCivil(entry.listed_on());
  const absl::CivilDay expires =
      HasDate(entry.expires_on()) ? ToCivil(entry.expires_on()) : AddYears(listed, kBlacklistYears);
  if (today < listed || today >= expires) return false;
  if (HasDate(entry.lifted_on()) && ToCivil(entry.lifted_on()) <= today) return false;
  return true;
}

absl::Status NormalizeFair(const RegionRegistry& regions, absl::CivilDay today, v1::JobFair* fair,
                           absl::string_view field) {
  ViolationCollector out;
  TrimInPlace(fair->mutable_name());
  TrimInPlace(fair->mutable_venue_region());
  TrimInPlace(fair->mutable_venue());
  TrimInPlace(fair->mutable_organizer());
  out.Merge(ValidateText(fair->name(), kMaxShortTextChars, /*required=*/true), Path(field, "name"));
  if (fair->kind() == v1::FAIR_KIND_UNSPECIFIED || !v1::FairKind_IsValid(fair->kind())) {
    out.Add(Path(field, "kind"), "is required: spring breeze, employment aid month, ... or other");
  }
  ViolationCollector dates;
  for (const auto& [name, date] :
       {std::pair<absl::string_view, const v1::Date*>{"start_date", &fair->start_date()},
        std::pair<absl::string_view, const v1::Date*>{"end_date", &fair->end_date()}}) {
    if (!HasDate(*date)) {
      dates.Add(Path(field, name), "is required");
    } else {
      CheckDate(*date, Path(field, name), DateField::kFairDay, today, &dates);
    }
  }
  if (dates.empty()) {
    const absl::CivilDay start = ToCivil(fair->start_date());
    const absl::CivilDay end = ToCivil(fair->end_date());
    if (end < start) {
      dates.Add(Path(field, "end_date"), "is before start_date");
    } else if (end - start + 1 > kMaxFairDays) {
      dates.Add(Path(field, "end_date"),
                absl::StrCat("a fair lasts at most ", kMaxFairDays, " days"));
    }
  }
  out.Merge(dates.ToStatus());
  if (fair->venue_region().empty()) {
    out.Add(Path(field, "venue_region"), "is required: a region code of any level");
  } else {
    out.Merge(regions.Canonicalize(fair->mutable_venue_region()), Path(field, "venue_region"));
  }
  out.Merge(ValidateText(fair->venue(), kMaxShortTextChars, /*required=*/true),
            Path(field, "venue"));
  out.Merge(ValidateText(fair->organizer(), kMaxShortTextChars, /*required=*/true),
            Path(field, "organizer"));
  return out.ToStatus();
}

// ---------------------------------------------------------------------------
// Duplicates and fingerprints

std::string DedupKey(const v1::Vacancy& vacancy) {
  const std::string& location = vacancy.location();
  const absl::string_view county =
      location.size() >= 6 ? absl::string_view(location).substr(0, 6) : location;
  return absl::StrCat(vacancy.employer_id(), "|", vacancy.occupation_code(), "|", county);
}

WageRange RangeOf(const v1::Wage& wage) {
  return {HasStatedWage(wage), wage.monthly_min().fen(), wage.monthly_max().fen()};
}

bool WagesOverlap(const WageRange& a, const WageRange& b) {
  if (!a.stated || !b.stated) return true;
  return a.monthly_min_fen <= b.monthly_max_fen && b.monthly_min_fen <= a.monthly_max_fen;
}

bool WagesOverlap(const v1::Wage& a, const v1::Wage& b) {
  return WagesOverlap(RangeOf(a), RangeOf(b));
}

std::string Fingerprint(const v1::Vacancy& vacancy) {
  v1::Vacancy content = vacancy;
  content.clear_vacancy_id();
  content.clear_version();
  content.clear_employer_id();
  content.clear_remaining();
  content.clear_posted_at();
  content.clear_updated_at();
  content.clear_sources();
  content.clear_status();
  content.clear_status_reason();
  content.clear_employer_blacklisted();
  content.clear_fair_ids();
  for (auto& skill : *content.mutable_required_skills()) skill.clear_occupation_name();
  DiscardUnknownFieldsDeep(&content);
  return FingerprintAsIs(content);
}

std::string FingerprintAsIs(const v1::Vacancy& vacancy) { return ContentFingerprint(vacancy); }

}  // namespace labor::vacancy
