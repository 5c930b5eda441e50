#include "campaign/validators.hpp"

#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>
#include <unicode/timezone.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <memory>
#include <string>

namespace twinning::campaign {
namespace {

bool is_ascii_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_ascii_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alnum(char c) { return is_ascii_lower(c) || is_ascii_upper(c) || is_ascii_digit(c); }
bool is_control_or_space(unsigned char c) { return c <= 0x20 || c == 0x7f; }

// ICU's lists end with a null pointer.
bool in_icu_list(const char* const* list, std::string_view code) {
  for (; *list != nullptr; ++list) {
    if (code == *list) return true;
  }
  return false;
}

// Characters RFC 5322 allows unquoted in a local part ("atext"), plus '.'.
bool is_local_part_char(unsigned char c) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~.";
  // Bytes >= 0x80 are UTF-8 (RFC 6531 internationalized addresses); validity of the UTF-8
  // itself is checked separately for every input.
  return c >= 0x80 || is_ascii_alnum(static_cast<char>(c)) || kSpecials.find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_domain_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x80 || is_ascii_alnum(c) || c == '-';
  });
}

// A dotted host name of at least two labels ("example.org"), as mail and web hosts are.
bool is_dotted_host(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.find('.') == std::string_view::npos) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = host.find('.', start);
    std::string_view label = host.substr(start, dot == std::string_view::npos ? host.npos : dot - start);
    if (!is_domain_label(label)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::optional<int> parse_fixed_digits(std::string_view text) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), is_ascii_digit)) return std::nullopt;
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

Error bad(std::string message) { return Error::make(ErrorKind::bad_request, std::move(message)); }

constexpr std::array<std::string_view, 7> kDayIds = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::optional<int> parse_day(std::string_view id) {
  for (std::size_t i = 0; i < kDayIds.size(); ++i) {
    if (kDayIds[i] == id) return static_cast<int>(i);
  }
  return std::nullopt;
}

// "HH:MM" as minutes since midnight; "24:00" is allowed as a closing time.
std::optional<int> parse_clock(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto h = parse_fixed_digits(text.substr(0, 2));
  auto m = parse_fixed_digits(text.substr(3, 2));
  if (!h || !m || *m > 59) return std::nullopt;
  if (*h > 24 || (*h == 24 && *m != 0)) return std::nullopt;
  return *h * 60 + *m;
}

std::string clock_text(int minutes) {
  std::string out = "00:00";
  out[0] = static_cast<char>('0' + minutes / 600);
  out[1] = static_cast<char>('0' + minutes / 60 % 10);
  out[3] = static_cast<char>('0' + minutes % 60 / 10);
  out[4] = static_cast<char>('0' + minutes % 10);
  return out;
}

}  // namespace

bool is_valid_email(std::string_view address) {
  if (address.empty() || address.size() > 254) return false;
  if (std::any_of(address.begin(), address.end(), [](char c) { return is_control_or_space(static_cast<unsigned char>(c)); }))
    return false;
  std::size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0) return false;
  std::string_view local = address.substr(0, at);
  std::string_view domain = address.substr(at + 1);
  if (local.size() > 64) return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  if (!std::all_of(local.begin(), local.end(), [](char c) { return is_local_part_char(static_cast<unsigned char>(c)); }))
    return false;
  return is_dotted_host(domain);
}

std::optional<std::string> to_e164(std::string_view number, std::string_view default_region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber parsed;
  if (util->Parse(std::string(number), std::string(default_region), &parsed) != PhoneNumberUtil::NO_PARSING_ERROR)
    return std::nullopt;
  if (!util->IsValidNumber(parsed)) return std::nullopt;
  std::string out;
  util->Format(parsed, PhoneNumberUtil::E164, &out);
  return out;
}

bool is_e164(std::string_view number) {
  if (number.size() < 2 || number.front() != '+') return false;
  if (!std::all_of(number.begin() + 1, number.end(), is_ascii_digit)) return false;
  auto formatted = to_e164(number, "ZZ");
  return formatted && *formatted == number;
}

bool is_country_code(std::string_view code) {
  if (code.size() != 2 || !is_ascii_upper(code[0]) || !is_ascii_upper(code[1])) return false;
  return in_icu_list(icu::Locale::getISOCountries(), code);
}

bool is_language_code(std::string_view code) {
  if (code.size() != 2 || !is_ascii_lower(code[0]) || !is_ascii_lower(code[1])) return false;
  return in_icu_list(icu::Locale::getISOLanguages(), code);
}

bool is_time_zone(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  icu::UnicodeString uid = icu::UnicodeString::fromUTF8(icu::StringPiece(id.data(), static_cast<int32_t>(id.size())));
  icu::UnicodeString canonical;
  UBool is_system = false;
  UErrorCode status = U_ZERO_ERROR;
  icu::TimeZone::getCanonicalID(uid, canonical, is_system, status);
  // Custom ids ("GMT+01:00") canonicalize but are not system ids; IANA names are.
  if (U_FAILURE(status) || !is_system) return false;
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(uid));
  return zone && *zone != icu::TimeZone::getUnknown();
}

bool is_script_code(std::string_view code) {
  if (code.size() != 4 || !is_ascii_upper(code[0])) return false;
  if (!std::all_of(code.begin() + 1, code.end(), is_ascii_lower)) return false;
  for (int s = 0; s < USCRIPT_CODE_LIMIT; ++s) {
    const char* name = uscript_getShortName(static_cast<UScriptCode>(s));
    if (name != nullptr && code == name) return true;
  }
  return false;
}

bool is_reserved_host(std::string_view host) {
  for (std::string_view suffix : {"example.org", "example.com", "example.net", ".example", ".test", ".invalid",
                                  ".localhost"}) {
    if (host == suffix.substr(suffix.front() == '.' ? 1 : 0)) return true;
    if (host.size() > suffix.size() && host.substr(host.size() - suffix.size()) == suffix &&
        (suffix.front() == '.' || host[host.size() - suffix.size() - 1] == '.'))
      return true;
  }
  return host == "localhost";
}

bool is_http_url(std::string_view url) {
  if (url.size() > 2048) return false;
  if (std::any_of(url.begin(), url.end(), [](char c) { return is_control_or_space(static_cast<unsigned char>(c)); }))
    return false;
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
  } else {
    return false;
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    std::string_view after = host.substr(close + 1);
    if (!after.empty() && (after.front() != ':' || after.size() == 1 ||
                           !std::all_of(after.begin() + 1, after.end(), is_ascii_digit)))
      return false;
    return true;
  }
  if (auto colon = host.find(':'); colon != std::string_view::npos) {
    std::string_view port = host.substr(colon + 1);
    auto number = parse_fixed_digits(port);
    if (port.size() > 5 || !number || *number < 1 || *number > 65535) return false;
    host = host.substr(0, colon);
  }
  if (host == "localhost") return true;
  return is_dotted_host(host);
}

bool is_campaign_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxCampaignIdLength) return false;
  if (id.front() == '-' || id.back() == '-') return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return is_ascii_lower(c) || is_ascii_digit(c) || c == '-'; });
}

Result<domain::TimePoint> parse_rfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS is 19 bytes; then optional fraction, then Z or +HH:MM.
  const auto expected = "expected an RFC 3339 time like 2026-01-01T00:00:00Z";
  if (text.size() < 19) return bad(expected);
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
      text[16] != ':')
    return bad(expected);
  auto year = parse_fixed_digits(text.substr(0, 4));
  auto month = parse_fixed_digits(text.substr(5, 2));
  auto day = parse_fixed_digits(text.substr(8, 2));
  auto hour = parse_fixed_digits(text.substr(11, 2));
  auto minute = parse_fixed_digits(text.substr(14, 2));
  auto second = parse_fixed_digits(text.substr(17, 2));
  if (!year || !month || !day || !hour || !minute || !second) return bad(expected);
  std::chrono::year_month_day ymd{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                                  std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return bad("there is no such date as " + std::string(text.substr(0, 10)));
  if (*hour > 23 || *minute > 59 || *second > 59)
    return bad("the time of day " + std::string(text.substr(11, 8)) + " is out of range (00:00:00 to 23:59:59)");
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    std::size_t digits = 1;
    while (digits < rest.size() && is_ascii_digit(rest[digits])) ++digits;
    if (digits == 1) return bad("a '.' must be followed by digits (fractions of a second)");
    rest.remove_prefix(digits);
  }
  std::chrono::minutes offset{0};
  if (rest == "Z" || rest == "z") {
    // UTC
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    auto oh = parse_fixed_digits(rest.substr(1, 2));
    auto om = parse_fixed_digits(rest.substr(4, 2));
    if (!oh || !om || *oh > 23 || *om > 59) return bad("the UTC offset " + std::string(rest) + " is out of range");
    offset = std::chrono::hours{*oh} + std::chrono::minutes{*om};
    if (rest[0] == '-') offset = -offset;
  } else {
    return bad("the time needs a time zone: end it with Z (UTC) or an offset like +09:00");
  }
  auto local = std::chrono::sys_days{ymd} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
               std::chrono::seconds{*second};
  return domain::TimePoint{local - offset};
}

Result<void> add_office_hours(domain::OfficeHours& hours, std::string_view line) {
  const std::string format_hint = "write days and hours like \"mon-thu 09:00-15:00\" or \"sat 10:00-12:00\"";
  auto space = line.find(' ');
  if (space == std::string_view::npos || line.find(' ', space + 1) != std::string_view::npos)
    return bad("\"" + std::string(line) + "\" is not office hours: " + format_hint);
  std::string_view days_text = line.substr(0, space);
  std::string_view times_text = line.substr(space + 1);

  std::array<bool, 7> days{};
  std::size_t start = 0;
  while (start <= days_text.size()) {
    std::size_t comma = days_text.find(',', start);
    std::string_view item = days_text.substr(start, comma == std::string_view::npos ? days_text.npos : comma - start);
    auto dash = item.find('-');
    auto first = parse_day(item.substr(0, dash));
    auto last = dash == std::string_view::npos ? first : parse_day(item.substr(dash + 1));
    if (!first || !last)
      return bad("\"" + std::string(item) + "\" is not a day or day range: use mon, tue, wed, thu, fri, sat, sun");
    if (*last < *first)
      return bad("the day range \"" + std::string(item) + "\" runs backwards: write it from Monday towards Sunday");
    for (int d = *first; d <= *last; ++d) {
      if (days[static_cast<std::size_t>(d)])
        return bad("\"" + std::string(days_text) + "\" names " + std::string(kDayIds[static_cast<std::size_t>(d)]) + " twice");
      days[static_cast<std::size_t>(d)] = true;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }

  auto dash = times_text.find('-');
  auto open = dash == std::string_view::npos ? std::nullopt : parse_clock(times_text.substr(0, dash));
  auto close = dash == std::string_view::npos ? std::nullopt : parse_clock(times_text.substr(dash + 1));
  if (!open || !close)
    return bad("\"" + std::string(times_text) + "\" is not an opening time: use 24-hour HH:MM-HH:MM, like 09:00-15:00");
  if (*close <= *open)
    return bad("in \"" + std::string(line) + "\" the office closes (" + clock_text(*close) + ") before it opens (" +
               clock_text(*open) + ")");

  domain::OfficeHours updated = hours;
  for (std::size_t d = 0; d < days.size(); ++d) {
    if (!days[d]) continue;
    auto& intervals = updated.week[d];
    for (const auto& [o, c] : intervals) {
      if (*open < c && o < *close)
        return bad("\"" + std::string(line) + "\" overlaps " + clock_text(o) + "-" + clock_text(c) + " on " +
                   std::string(kDayIds[d]));
    }
    intervals.emplace_back(*open, *close);
    std::sort(intervals.begin(), intervals.end());
  }
  hours = std::move(updated);
  return {};
}

std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    unsigned char b = bytes[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if ((b & 0xE0) == 0xC0) {
      length = 2, cp = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      length = 3, cp = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      length = 4, cp = b & 0x07, min = 0x10000;
    } else {
      return i;
    }
    if (i + length > n) return i;
    for (std::size_t k = 1; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (bytes[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += length;
  }
  return std::nullopt;
}

}  // namespace twinning::campaign
