#include "render/contact.hpp"

#include <phonenumbers/phonenumberutil.h>
#include <unicode/dtfmtsym.h>
#include <unicode/locid.h>

#include <cstdio>
#include <set>

#include "i18n/catalog.hpp"
#include "render/address_block.hpp"

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

std::vector<std::string> address_lines(const domain::PostalAddress& a) {
  auto formatter = address_formatter();
  if (!formatter.ok()) throw ErrorException(formatter.error());
  auto block = address_block(*formatter.value(), a);
  if (!block.ok()) throw ErrorException(block.error());
  return std::move(block).value().lines;
}

}  // namespace twinning::render
