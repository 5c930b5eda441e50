#include "domain/dialing.hpp"

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/regex.h>

#include <algorithm>
#include <map>
#include <memory>

// libphonenumber exports its compiled-in metadata (metadata.h upstream) but Debian does not
// install that header, and PhoneNumberUtil keeps its per-region lookup private. The prefix
// patterns are only in the metadata, so the two functions are declared here as upstream does.
namespace i18n::phonenumbers {
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace twinning::domain {

namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;

struct PrefixData {
  std::string pattern, preferred;
};

// Region -> its international prefix data, read once from the metadata compiled into the library.
const std::map<std::string, PrefixData, std::less<>>& prefix_table() {
  static const auto table = [] {
    std::map<std::string, PrefixData, std::less<>> out;
    ::i18n::phonenumbers::PhoneMetadataCollection all;
    if (!all.ParseFromArray(::i18n::phonenumbers::metadata_get(), ::i18n::phonenumbers::metadata_size())) return out;
    for (const auto& m : all.metadata()) out[m.id()] = {m.international_prefix(), m.preferred_international_prefix()};
    return out;
  }();
  return table;
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Every digit string the pattern matches whole, found depth first: a branch is followed only
// while ICU says more input could still match (hitEnd), so the search stays small. Empty when
// there are more than kMaxListedPrefixes or some are longer than any prefix in use.
std::vector<std::string> enumerate_prefixes(const std::string& pattern) {
  constexpr std::size_t kMaxLength = 8;
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error;
  std::unique_ptr<icu::RegexPattern> re(
      icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(pattern), 0, parse_error, status));
  if (U_FAILURE(status)) return {};
  std::unique_ptr<icu::RegexMatcher> m(re->matcher(status));
  if (U_FAILURE(status)) return {};
  std::vector<std::string> found;
  bool too_many = false;
  auto visit = [&](auto& self, const std::string& s) -> void {
    for (char d = '0'; d <= '9' && !too_many; ++d) {
      const std::string next = s + d;
      const icu::UnicodeString text = icu::UnicodeString::fromUTF8(next);
      m->reset(text);
      UErrorCode st = U_ZERO_ERROR;
      if (m->matches(st) && U_SUCCESS(st)) found.push_back(next);
      if (found.size() > kMaxListedPrefixes) too_many = true;
      if (!m->hitEnd()) continue;
      if (next.size() >= kMaxLength) {
        too_many = true;  // an open-ended pattern ("00\d*"): not a list
        continue;
      }
      self(self, next);
    }
  };
  visit(visit, "");
  if (too_many) return {};
  // Shortest first: the carriers' plain codes (001, 002) before the longer special ones.
  std::sort(found.begin(), found.end(),
            [](const std::string& a, const std::string& b) { return a.size() != b.size() ? a.size() < b.size() : a < b; });
  return found;
}

NumberType to_type(PhoneNumberUtil::PhoneNumberType t) {
  switch (t) {
    case PhoneNumberUtil::FIXED_LINE: return NumberType::fixed_line;
    case PhoneNumberUtil::MOBILE: return NumberType::mobile;
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE: return NumberType::fixed_line_or_mobile;
    case PhoneNumberUtil::TOLL_FREE: return NumberType::toll_free;
    case PhoneNumberUtil::PREMIUM_RATE: return NumberType::premium_rate;
    case PhoneNumberUtil::SHARED_COST: return NumberType::shared_cost;
    case PhoneNumberUtil::VOIP: return NumberType::voip;
    case PhoneNumberUtil::PERSONAL_NUMBER: return NumberType::personal_number;
    case PhoneNumberUtil::PAGER: return NumberType::pager;
    case PhoneNumberUtil::UAN: return NumberType::uan;
    case PhoneNumberUtil::VOICEMAIL: return NumberType::voicemail;
    case PhoneNumberUtil::UNKNOWN: return NumberType::unknown;
  }
  return NumberType::unknown;
}

}  // namespace

std::string_view number_type_id(NumberType t) {
  switch (t) {
    case NumberType::fixed_line: return "fixed_line";
    case NumberType::mobile: return "mobile";
    case NumberType::fixed_line_or_mobile: return "fixed_line_or_mobile";
    case NumberType::toll_free: return "toll_free";
    case NumberType::premium_rate: return "premium_rate";
    case NumberType::shared_cost: return "shared_cost";
    case NumberType::voip: return "voip";
    case NumberType::personal_number: return "personal_number";
    case NumberType::pager: return "pager";
    case NumberType::uan: return "uan";
    case NumberType::voicemail: return "voicemail";
    case NumberType::unknown: return "unknown";
  }
  return "unknown";  // unreachable: the switch covers every enumerator and -Werror=switch keeps it so
}

bool InternationalPrefix::single() const {
  const auto tilde = pattern.find('~');
  if (tilde == std::string::npos) return is_digits(pattern);
  return is_digits(std::string_view(pattern).substr(0, tilde)) && is_digits(std::string_view(pattern).substr(tilde + 1));
}

std::optional<InternationalPrefix> international_prefix(std::string_view region) {
  const auto& table = prefix_table();
  auto it = table.find(region);
  // "001" and the like are non-geographic entities, not places a caller is in.
  if (it == table.end() || region.size() != 2 || it->second.pattern.empty()) return std::nullopt;
  InternationalPrefix p{std::string(region), it->second.pattern, it->second.preferred, {}};
  if (!p.single()) p.choices = enumerate_prefixes(p.pattern);
  return p;
}

Result<Dialing> dialing_for(std::string_view caller_region, std::string_view e164) {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  const bool written_e164 = e164.size() >= 2 && e164.front() == '+' && is_digits(e164.substr(1));
  PhoneNumber number;
  if (!written_e164 || util->Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR ||
      !util->IsValidNumber(number)) {
    return Error::make(ErrorKind::bad_request, "\"" + std::string(e164) + "\" is not a valid number in E.164");
  }
  Dialing d;
  util->Format(number, PhoneNumberUtil::E164, &d.e164);
  d.tel_uri = "tel:" + d.e164;
  util->GetRegionCodeForNumber(number, &d.number_region);
  util->Format(number, PhoneNumberUtil::INTERNATIONAL, &d.international);
  d.type = to_type(util->GetNumberType(number));

  const auto prefix = international_prefix(caller_region);
  if (!prefix) {
    d.dial = d.international;
    return d;
  }
  d.caller_region = prefix->region;
  d.prefix_pattern = prefix->pattern;
  util->FormatOutOfCountryCallingNumber(number, d.caller_region, &d.dial);
  // Same country calling code: a national call (Guernsey to Britain, the US to Canada included).
  d.domestic = util->GetCountryCodeForRegion(d.caller_region) == number.country_code();
  if (!d.domestic && prefix->must_choose()) {
    // libphonenumber answers with "+45 ..." here; say which prefixes the "+" stands for.
    d.choose_prefix = true;
    d.prefix_choices = prefix->choices;
    d.after_prefix = d.international.substr(1);
  }
  d.waits_for_tone = d.dial.find('~') != std::string::npos;
  return d;
}

}  // namespace twinning::domain
