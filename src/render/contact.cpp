#include "render/contact.hpp"

#include <phonenumbers/phonenumberutil.h>
#include <unicode/dtfmtsym.h>
#include <unicode/calendar.h>
#include <unicode/locid.h>
#include <unicode/timezone.h>

#include <memory>

#include <cstdio>
#include <set>

#include "i18n/catalog.hpp"

namespace twinning::render {

std::string phone_international(const std::string& e164) {
  using ::i18n::phonenumbers::PhoneNumber;
  using ::i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util->Parse(e164, "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return e164;
  std::string out;
  util->Format(number, PhoneNumberUtil::INTERNATIONAL, &out);
  return out;
}

std::string hhmm(int minutes) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (minutes / 60) % 100, minutes % 60);
  return buf;
}

LocalTime local_time(const std::string& time_zone, std::chrono::sys_seconds at) {
  std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(time_zone)));
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Calendar> cal(icu::Calendar::createInstance(tz.release(), icu::Locale::getRoot(), status));
  LocalTime out;
  if (U_FAILURE(status)) return out;
  cal->setTime(static_cast<UDate>(at.time_since_epoch().count()) * 1000.0, status);
  const int dow = cal->get(UCAL_DAY_OF_WEEK, status);  // 1 = Sunday
  out.weekday = (dow + 5) % 7;
  out.minutes = cal->get(UCAL_HOUR_OF_DAY, status) * 60 + cal->get(UCAL_MINUTE, status);
  return out;
}

bool is_open(const domain::OfficeHours& hours, const LocalTime& t) {
  for (const auto& [open, close] : hours.week[static_cast<std::size_t>(t.weekday)]) {
    if (t.minutes >= open && t.minutes < close) return true;
  }
  return false;
}

namespace {

std::vector<std::string> weekday_names(const std::string& lang) {
  UErrorCode status = U_ZERO_ERROR;
  icu::DateFormatSymbols symbols(icu::Locale(lang.c_str()), status);
  std::vector<std::string> out(7);
  if (U_FAILURE(status)) return {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  int32_t count = 0;
  const icu::UnicodeString* days =
      symbols.getWeekdays(count, icu::DateFormatSymbols::FORMAT, icu::DateFormatSymbols::ABBREVIATED);
  // ICU counts from Sunday at index 1; the model counts from Monday at 0.
  for (int i = 0; i < 7 && count >= 8; ++i) days[(i + 1) % 7 + 1].toUTF8String(out[i]);
  return out;
}

std::string intervals_text(const std::vector<std::pair<int, int>>& day) {
  std::string out;
  for (const auto& [open, close] : day) {
    if (!out.empty()) out += ", ";
    out += hhmm(open) + "–" + hhmm(close);
  }
  return out;
}

}  // namespace

std::vector<std::string> office_hours_lines(const domain::OfficeHours& hours, const std::string& lang) {
  const auto names = weekday_names(lang);
  std::vector<std::string> lines;
  int day = 0;
  while (day < 7) {
    if (hours.week[day].empty()) {
      ++day;
      continue;
    }
    int last = day;
    while (last + 1 < 7 && hours.week[last + 1] == hours.week[day]) ++last;
    std::string days = names[day];
    if (last > day) days += "–" + names[last];
    lines.push_back(days + " " + intervals_text(hours.week[day]));
    day = last + 1;
  }
  return lines;
}

namespace {

std::string component(const domain::PostalAddress& a, const std::string& key) {
  auto it = a.components.find(key);
  return it == a.components.end() ? std::string() : it->second;
}

std::string join_nonempty(std::initializer_list<std::string> parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string upper_ascii(std::string s) {
  for (auto& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

}  // namespace

std::vector<std::string> address_lines(const domain::PostalAddress& a) {
  const std::string country = component(a, "country_code");
  const std::string postcode = component(a, "postcode");
  std::vector<std::string> lines;
  auto push = [&](const std::string& s) {
    if (!s.empty()) lines.push_back(s);
  };
  if (a.script == "Hang" || a.script == "Kore") {
    // Korean order: postcode in brackets, then from the largest unit to the smallest.
    push(component(a, "attention"));
    push(join_nonempty({postcode.empty() ? std::string() : "(" + postcode + ")", component(a, "state"),
                        component(a, "city"), component(a, "road"), component(a, "house_number")},
                       " "));
    push(component(a, "house"));
  } else {
    static const std::set<std::string> number_first = {"US", "GB", "CA", "AU", "NZ", "IE", "FR", "KR", "JP"};
    push(component(a, "attention"));
    push(component(a, "house"));
    if (number_first.count(country)) {
      push(join_nonempty({component(a, "house_number"), component(a, "road")}, country == "KR" ? ", " : " "));
    } else {
      push(join_nonempty({component(a, "road"), component(a, "house_number")}, " "));
    }
    if (country == "KR" || country == "US" || country == "CA" || country == "AU") {
      push(join_nonempty({join_nonempty({component(a, "city"), component(a, "state")}, ", "), postcode}, " "));
    } else if (country == "GB") {
      push(component(a, "city"));
      push(postcode);
    } else {
      push(join_nonempty({postcode, component(a, "city")}, " "));
    }
  }
  if (!country.empty()) push(upper_ascii(i18n::country_name(country, "en")));
  for (const auto& extra : a.extra_lines) push(extra);
  return lines;
}

}  // namespace twinning::render
