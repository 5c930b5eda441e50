#pragma once
// How a target's contact points are shown on the page: phone numbers, office hours and postal
// address blocks.
#include <chrono>
#include <string>
#include <vector>

#include "domain/campaign.hpp"

namespace twinning::render {

// "+45 40 78 14 75" for "+4540781475" (libphonenumber's international format); the input when
// libphonenumber cannot parse it.
std::string phone_international(const std::string& e164);

// Office hours as lines in `lang`, consecutive days with the same hours grouped:
// {"Mon–Thu 09:00–15:00", "Fri 09:00–13:00"}.
std::vector<std::string> office_hours_lines(const domain::OfficeHours& hours, const std::string& lang);

struct LocalTime {
  int weekday = 0;  // 0 = Monday
  int minutes = 0;  // since local midnight
};
// The wall-clock time in an IANA zone at `at` (ICU time zones, daylight saving included).
LocalTime local_time(const std::string& time_zone, std::chrono::sys_seconds at);
bool is_open(const domain::OfficeHours& hours, const LocalTime& t);
std::string hhmm(int minutes);

// The lines of a postal address block in the order of its script and country. A simple order
// per country, enough for the page until the letter channel formats addresses with the
// OpenCage templates.
std::vector<std::string> address_lines(const domain::PostalAddress& a);

}  // namespace twinning::render
