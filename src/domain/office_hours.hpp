#pragma once
// Whether a target's office is open, and when it opens or closes next, told in the office's time
// and in the caller's. Instants are UTC time points; wall-clock times come from ICU's time
// zones, so the daylight-saving changes of both sides (on different dates) come from the zone
// data, never from a fixed offset. "Now" is always passed in.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/campaign.hpp"

namespace twinning::domain {

struct LocalTime {
  int weekday = 0;  // 0 = Monday
  int minutes = 0;  // since local midnight
};

// A wall-clock reading in one zone.
struct WallTime {
  int year = 0, month = 0, day = 0;  // month 1..12
  int weekday = 0;                   // 0 = Monday
  int minutes = 0;                   // since local midnight
  int utc_offset_minutes = 0;        // daylight saving included: +60 in Copenhagen's winter
  LocalTime local() const { return {weekday, minutes}; }
  bool same_date(const WallTime& o) const { return year == o.year && month == o.month && day == o.day; }
};

// An IANA zone ICU knows ("Europe/Copenhagen"; old names such as "Asia/Calcutta" too).
bool is_known_time_zone(std::string_view zone);
// The wall clock in `zone` at `at`; nullopt for an unknown zone.
std::optional<WallTime> wall_time(std::string_view zone, TimePoint at);
// Weekday and minutes in `zone` at `at`; Monday 00:00 for an unknown zone.
LocalTime local_time(const std::string& zone, TimePoint at);
bool is_open(const OfficeHours& hours, const LocalTime& t);

struct OfficeStatus {
  bool open = false;
  WallTime there;                         // now, in the office's zone
  std::optional<TimePoint> closes_at;     // when open: the end of this opening
  std::optional<TimePoint> next_opening;  // when closed: the start of the next one (none without hours)
};
// nullopt when `zone` is unknown. Openings are read in the office's zone on each date: a time the
// clocks skip opens at the first valid minute after it, a repeated one at its first occurrence.
std::optional<OfficeStatus> office_status(const OfficeHours& hours, std::string_view zone, TimePoint now);

// The time zone a caller in `country` (ISO 3166-1 alpha-2) most likely keeps: the country's only
// zone, or for countries with several the one of the capital or most people (America/New_York
// for US). Empty when there is none (AQ) or the code is unknown: then ask the caller.
std::string main_time_zone(std::string_view country);
// Every zone of `country` (ICU's canonical location zones), the main one first, then by id.
std::vector<std::string> time_zones_of(std::string_view country);

}  // namespace twinning::domain
