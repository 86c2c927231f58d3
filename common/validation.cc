#include "common/validation.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/regions.h"

namespace labor {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

int DigitsValue(absl::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// GB 11643-1999: weight of position i (1-based from the left) is 2^(18-i) mod 11.
constexpr int kResidentIdWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kResidentIdCheckChars[] = "10X98765432";

// GB 32100-2015: 31 characters, I O Z S V left out to avoid confusion.
constexpr absl::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// Weight of position i (0-based) is 3^i mod 31.
constexpr int kCreditWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

int CreditValue(char c) {
  size_t pos = kCreditAlphabet.find(c);
  return pos == absl::string_view::npos ? -1 : static_cast<int>(pos);
}

bool IsWhiteSpace(int32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
         cp == 0x3000;  // ideographic space, typed by Chinese input methods
}

}  // namespace

char ResidentIdCheckChar(absl::string_view first17) {
  int sum = 0;
  for (size_t i = 0; i < 17 && i < first17.size(); ++i) {
    sum += (first17[i] - '0') * kResidentIdWeights[i];
  }
  return kResidentIdCheckChars[sum % 11];
}

absl::StatusOr<ResidentIdInfo> ParseResidentId(absl::string_view id, absl::CivilDay today,
                                               const RegionRegistry& regions) {
  if (id.size() != 18) {
    return absl::InvalidArgumentError("must be 18 characters");
  }
  const absl::string_view body = id.substr(0, 17);
  const char last = id[17];
  if (!AllDigits(body) || !(IsDigit(last) || last == 'X' || last == 'x')) {
    return absl::InvalidArgumentError("must be 17 digits followed by a digit or X");
  }
  if (ResidentIdCheckChar(body) != absl::ascii_toupper(last)) {
    return absl::InvalidArgumentError("check digit does not match (GB 11643)");
  }
  const int year = DigitsValue(id.substr(6, 4));
  const int month = DigitsValue(id.substr(10, 2));
  const int day = DigitsValue(id.substr(12, 2));
  if (!ValidateCivilDate(year, month, day).ok()) {
    return absl::InvalidArgumentError("birth date is not a real calendar date");
  }
  const absl::CivilDay birth(year, month, day);
  if (birth > today) {
    return absl::InvalidArgumentError("birth date is in the future");
  }
  if (birth < absl::CivilDay(1900, 1, 1)) {
    return absl::InvalidArgumentError("birth date is before 1900");
  }
  // The address code records where the number was first issued and may name
  // a county merged away since, so only its province has to exist today.
  if (regions.LevelOf(id.substr(0, 2)) != RegionLevel::kProvince) {
    return absl::InvalidArgumentError("unknown province code");
  }
  ResidentIdInfo info;
  info.address_code = std::string(id.substr(0, 6));
  info.birth_date = birth;
  info.male = (id[16] - '0') % 2 == 1;
  return info;
}

std::string NormalizeResidentId(absl::string_view id) {
  std::string out(absl::StripAsciiWhitespace(id));
  if (!out.empty() && out.back() == 'x') out.back() = 'X';
  return out;
}

char CreditCodeCheckChar(absl::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const int v = CreditValue(first17[i]);
    if (v < 0) return '\0';
    sum += v * kCreditWeights[i];
  }
  return kCreditAlphabet[(31 - sum % 31) % 31];
}

absl::Status ValidateCreditCode(absl::string_view code) {
  if (code.size() != 18) {
    return absl::InvalidArgumentError("must be 18 characters");
  }
  for (char c : code) {
    if (CreditValue(c) < 0) {
      return absl::InvalidArgumentError(
          "may only contain digits and upper-case letters other than I, O, Z, S, V");
    }
  }
  if (!AllDigits(code.substr(2, 6))) {
    return absl::InvalidArgumentError("characters 3-8 (the region code) must be digits");
  }
  if (CreditCodeCheckChar(code.substr(0, 17)) != code[17]) {
    return absl::InvalidArgumentError("check character does not match (GB 32100)");
  }
  return absl::OkStatus();
}

std::string NormalizeCreditCode(absl::string_view code) {
  return absl::AsciiStrToUpper(absl::StripAsciiWhitespace(code));
}

absl::Status ValidateMobile(absl::string_view phone) {
  if (phone.size() != 11 || !AllDigits(phone)) {
    return absl::InvalidArgumentError("must be 11 digits");
  }
  if (phone[0] != '1' || phone[1] < '3') {
    return absl::InvalidArgumentError("must start with 13 to 19");
  }
  return absl::OkStatus();
}

std::string NormalizeMobile(absl::string_view phone) {
  std::string out;
  out.reserve(phone.size());
  for (char c : phone) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    out.push_back(c);
  }
  for (absl::string_view prefix : {"+86", "0086", "86"}) {
    if (out.size() == prefix.size() + 11 &&
        absl::string_view(out).substr(0, prefix.size()) == prefix &&
        AllDigits(absl::string_view(out).substr(prefix.size()))) {
      return out.substr(prefix.size());
    }
  }
  return out;
}

absl::Status ValidateText(absl::string_view text, size_t max_chars, bool required) {
  size_t chars = 0;
  bool blank = true;
  for (size_t i = 0; i < text.size();) {
    const int32_t cp = DecodeUtf8(text, &i);
    if (cp < 0) return absl::InvalidArgumentError("is not valid UTF-8");
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
      return absl::InvalidArgumentError("must not contain control characters");
    }
    if (!IsWhiteSpace(cp)) blank = false;
    ++chars;
  }
  if (required && blank) return absl::InvalidArgumentError("is required");
  if (chars > max_chars) {
    return absl::InvalidArgumentError(absl::StrCat("must be at most ", max_chars, " characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateCivilDate(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1 || day > 31) {
    return absl::InvalidArgumentError("is not a real calendar date");
  }
  // CivilDay normalizes 02-30 to 03-02; a date exists when it round-trips.
  const absl::CivilDay d(year, month, day);
  if (d.year() != year || d.month() != month || d.day() != day) {
    return absl::InvalidArgumentError("is not a real calendar date");
  }
  return absl::OkStatus();
}

DateWindow PlausibleWindow(DateField field, absl::CivilDay today) {
  switch (field) {
    case DateField::kAvailableFrom:
    case DateField::kReturnPlan:
      // Plans reach past the next Spring Festival, not decades; a date some
      // years back is an old plan nobody updated, not a typo of the century.
      return {AddYears(today, -5), AddYears(today, 2)};
    case DateField::kCertificateIssued:
      return {AddYears(today, -70), today};
    case DateField::kCertificateExpires:
      return {AddYears(today, -70), AddYears(today, 30)};
    case DateField::kEmploymentEffective:
      return {AddYears(today, -70), today};
    case DateField::kUrbanResidence:
      return {AddYears(today, -100), today};
    case DateField::kBlacklist:
      // Listings end after 3 years; the national list began in 2017.
      return {AddYears(today, -10), today};
    case DateField::kFairDay:
      return {AddYears(today, -5), AddYears(today, 2)};
    case DateField::kAnnouncedDay:
      return {today - 30, AddYears(today, 2)};
    case DateField::kFilterBound:
      return {absl::CivilDay(1900, 1, 1), AddYears(today, 10)};
  }
  return {today, today};
}

absl::Status CheckPlausibleDate(absl::CivilDay day, DateField field, absl::CivilDay today) {
  const DateWindow w = PlausibleWindow(field, today);
  if (day >= w.earliest && day <= w.latest) return absl::OkStatus();
  if (day > today && w.latest == today) return absl::InvalidArgumentError("is in the future");
  return absl::InvalidArgumentError(absl::StrCat("must be between ",
                                                 absl::FormatCivilTime(w.earliest), " and ",
                                                 absl::FormatCivilTime(w.latest)));
}

absl::CivilDay AddYears(absl::CivilDay day, int years) {
  const absl::CivilMonth month(day.year() + years, day.month());
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  return std::min(absl::CivilDay(month) + (day.day() - 1), last);
}

namespace {

bool IsCjkIdeograph(int32_t cp) {
  return cp == 0x3007 ||                      // 〇
         (cp >= 0x3400 && cp <= 0x4DBF) ||    // Extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||    // URO
         (cp >= 0xF900 && cp <= 0xFAFF) ||    // compatibility ideographs
         (cp >= 0x20000 && cp <= 0x2EBEF) ||  // Extensions B-F, I
         (cp >= 0x30000 && cp <= 0x323AF);    // Extensions G, H
}

bool IsLatinLetter(int32_t cp) { return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'); }

constexpr int32_t kMiddleDot = 0x00B7;

// What people type for the middle dot of 阿依古丽·买买提.
bool IsMiddleDotLookAlike(int32_t cp) {
  switch (cp) {
    case '.':
    case 0x0387:  // Greek ano teleia
    case 0x16EB:  // runic single punctuation
    case 0x2022:  // bullet
    case 0x2027:  // hyphenation point
    case 0x2219:  // bullet operator
    case 0x22C5:  // dot operator
    case 0x2E31:  // word separator middle dot
    case 0x30FB:  // katakana middle dot
    case 0xFF0E:  // fullwidth full stop
    case 0xFF65:  // halfwidth katakana middle dot
    case 0x00B7:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string NormalizeRealName(absl::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool pending_space = false;
  for (size_t i = 0; i < name.size();) {
    const size_t start = i;
    const int32_t cp = DecodeUtf8(name, &i);
    if (cp >= 0 && IsWhiteSpace(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    if (cp >= 0 && IsMiddleDotLookAlike(cp)) {
      out.append("\xC2\xB7");
    } else {
      out.append(name.data() + start, i - start);
    }
  }
  return out;
}

absl::Status ValidateRealName(absl::string_view name, size_t max_chars) {
  const absl::Status text = ValidateText(name, max_chars, /*required=*/true);
  if (!text.ok()) return text;
  enum class Kind { kNone, kCjk, kLatin, kDot, kSpace } previous = Kind::kNone;
  for (size_t i = 0; i < name.size();) {
    const int32_t cp = DecodeUtf8(name, &i);
    Kind kind;
    if (IsCjkIdeograph(cp)) {
      kind = Kind::kCjk;
    } else if (IsLatinLetter(cp)) {
      kind = Kind::kLatin;
    } else if (cp == kMiddleDot) {
      kind = Kind::kDot;
    } else if (cp == ' ') {
      kind = Kind::kSpace;
    } else {
      return absl::InvalidArgumentError(absl::StrFormat(
          "must be a name as on the ID card: Chinese characters, the middle dot · or Latin "
          "letters (U+%04X is none of them)",
          cp));
    }
    if (kind == Kind::kDot &&
        (previous == Kind::kNone || previous == Kind::kDot || previous == Kind::kSpace)) {
      return absl::InvalidArgumentError("the middle dot · must stand between two name parts");
    }
    if (kind == Kind::kSpace && previous != Kind::kLatin) {
      return absl::InvalidArgumentError("a space may only separate words of a Latin name");
    }
    if (previous == Kind::kSpace && kind != Kind::kLatin) {
      return absl::InvalidArgumentError("a space may only separate words of a Latin name");
    }
    previous = kind;
  }
  if (previous == Kind::kDot) {
    return absl::InvalidArgumentError("the middle dot · must stand between two name parts");
  }
  return absl::OkStatus();
}



int32_t DecodeUtf8(absl::string_view s, size_t* i) {
  const auto b0 = static_cast<unsigned char>(s[*i]);
  if (b0 < 0x80) {
    ++*i;
    return b0;
  }
  int len;
  int32_t cp;
  int32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++*i;
    return -1;
  }
  bool valid = *i + len <= s.size();
  for (int k = 1; valid && k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[*i + k]);
    valid = (b & 0xC0) == 0x80;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (!valid || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*i;
    return -1;
  }
  *i += len;
  return cp;
}

}  // namespace labor
