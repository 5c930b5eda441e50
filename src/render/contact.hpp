#pragma once
// How a target's contact points are shown on the page: phone numbers, office hours and postal
// address blocks.
#include <chrono>
#include <string>
#include <vector>

#include "domain/campaign.hpp"
#include "domain/office_hours.hpp"

namespace twinning::render {

// "+45 40 78 14 75" for "+4540781475" (libphonenumber's international format); the input when
// libphonenumber cannot parse it.
std::string phone_international(const std::string& e164);

// Office hours as lines in `lang`, consecutive days with the same hours grouped:
// {"Mon–Thu 09:00–15:00", "Fri 09:00–13:00"}.
std::vector<std::string> office_hours_lines(const domain::OfficeHours& hours, const std::string& lang);

// The wall clock and opening rules live in domain/office_hours.hpp; these names stay for the
// page code that reads them from here.
using domain::is_open;
using domain::local_time;
using domain::LocalTime;
std::string hhmm(int minutes);

// The lines of a postal address block as the page shows it: formatted by the OpenCage rules in
// the variant of its language and script (render/address_block.hpp), its extra lines, then the
// country in capital Latin letters. Throws ErrorException when the address data cannot be read or
// the address is refused (campaign check reports both before a page is built).
std::vector<std::string> address_lines(const domain::PostalAddress& a);

}  // namespace twinning::render
