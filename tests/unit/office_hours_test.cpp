// domain/office_hours with an injected clock: the Haderslev mayor's office (Europe/Copenhagen,
// mon-thu 09:00-15:00, fri 09:00-13:00) seen from New York (daylight saving from 8 March to
// 1 November 2026) and Seoul (none), across Copenhagen's changes on 29 March and 25 October
// 2026. Expected times are worked out by hand from the offsets: Copenhagen UTC+1, +2 in summer;
// New York UTC-5, -4 in summer; Seoul UTC+9.
#include <gtest/gtest.h>

#include <unicode/locid.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "domain/office_hours.hpp"

namespace twinning::domain {
namespace {

using namespace std::chrono;

TimePoint utc(int y, unsigned mo, unsigned d, int h, int mi) {
  return TimePoint{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi};
}

OfficeHours mayor_hours() {
  OfficeHours h;
  for (int day = 0; day < 4; ++day) h.week[static_cast<std::size_t>(day)] = {{9 * 60, 15 * 60}};
  h.week[4] = {{9 * 60, 13 * 60}};
  return h;
}

// Instants compared as "2026-03-30 07:00 UTC", so a failure reads as a time.
std::string u(TimePoint t) {
  const auto d = floor<days>(t);
  const year_month_day ymd{d};
  const hh_mm_ss hms{t - d};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld UTC", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()));
  return buf;
}

std::string hm(const WallTime& w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", w.year, w.month, w.day, w.minutes / 60, w.minutes % 60);
  return buf;
}

std::string at_in(const char* zone, TimePoint t) {
  auto w = wall_time(zone, t);
  return w ? hm(*w) : "unknown zone";
}

struct Case {
  const char* what;
  TimePoint now;
  const char* there;  // wall clock in Copenhagen now
  bool open;
  TimePoint next;  // closes_at when open, next_opening when closed
  const char* next_there, *next_new_york, *next_seoul;
};

TEST(OfficeHours, AcrossBothDaylightSavingChanges) {
  const std::vector<Case> table = {
      {"March, New York already on summer time: open, five hours apart", utc(2026, 3, 26, 8, 30),
       "2026-03-26 09:30", true, utc(2026, 3, 26, 14, 0), "2026-03-26 15:00", "2026-03-26 10:00", "2026-03-26 23:00"},
      {"Friday after closing: the next opening is after Copenhagen's change", utc(2026, 3, 27, 14, 0),
       "2026-03-27 15:00", false, utc(2026, 3, 30, 7, 0), "2026-03-30 09:00", "2026-03-30 03:00", "2026-03-30 16:00"},
      {"Saturday night before the change", utc(2026, 3, 28, 22, 0), "2026-03-28 23:00", false,
       utc(2026, 3, 30, 7, 0), "2026-03-30 09:00", "2026-03-30 03:00", "2026-03-30 16:00"},
      {"Sunday, an hour after the clocks went forward", utc(2026, 3, 29, 2, 0), "2026-03-29 04:00", false,
       utc(2026, 3, 30, 7, 0), "2026-03-30 09:00", "2026-03-30 03:00", "2026-03-30 16:00"},
      {"Monday after the change, a minute before opening", utc(2026, 3, 30, 6, 59), "2026-03-30 08:59", false,
       utc(2026, 3, 30, 7, 0), "2026-03-30 09:00", "2026-03-30 03:00", "2026-03-30 16:00"},
      {"exactly at opening it is open", utc(2026, 3, 30, 7, 0), "2026-03-30 09:00", true, utc(2026, 3, 30, 13, 0),
       "2026-03-30 15:00", "2026-03-30 09:00", "2026-03-30 22:00"},
      {"Friday 13:00 is closed: it opens Monday", utc(2026, 10, 23, 11, 0), "2026-10-23 13:00", false,
       utc(2026, 10, 26, 8, 0), "2026-10-26 09:00", "2026-10-26 04:00", "2026-10-26 17:00"},
      {"Sunday after the clocks went back", utc(2026, 10, 25, 3, 0), "2026-10-25 04:00", false,
       utc(2026, 10, 26, 8, 0), "2026-10-26 09:00", "2026-10-26 04:00", "2026-10-26 17:00"},
      {"October, New York still on summer time: open, five hours apart", utc(2026, 10, 28, 13, 59),
       "2026-10-28 14:59", true, utc(2026, 10, 28, 14, 0), "2026-10-28 15:00", "2026-10-28 10:00",
       "2026-10-28 23:00"},
      {"November, both on winter time: six hours apart", utc(2026, 11, 2, 7, 0), "2026-11-02 08:00", false,
       utc(2026, 11, 2, 8, 0), "2026-11-02 09:00", "2026-11-02 03:00", "2026-11-02 17:00"},
      {"the issue's example: 02:14 in Haderslev, opens at 17:00 in Seoul", utc(2026, 11, 25, 1, 14),
       "2026-11-25 02:14", false, utc(2026, 11, 25, 8, 0), "2026-11-25 09:00", "2026-11-25 03:00",
       "2026-11-25 17:00"},
      {"Thursday evening: Friday's shorter day comes next", utc(2026, 11, 26, 18, 0), "2026-11-26 19:00", false,
       utc(2026, 11, 27, 8, 0), "2026-11-27 09:00", "2026-11-27 03:00", "2026-11-27 17:00"},
  };
  const OfficeHours hours = mayor_hours();
  for (const auto& c : table) {
    auto s = office_status(hours, "Europe/Copenhagen", c.now);
    ASSERT_TRUE(s) << c.what;
    EXPECT_EQ(hm(s->there), c.there) << c.what;
    EXPECT_EQ(s->open, c.open) << c.what;
    EXPECT_EQ(is_open(hours, s->there.local()), c.open) << c.what;
    const auto next = c.open ? s->closes_at : s->next_opening;
    ASSERT_TRUE(next) << c.what;
    EXPECT_EQ(u(*next), u(c.next)) << c.what;
    EXPECT_FALSE(c.open ? s->next_opening : s->closes_at) << c.what;
    EXPECT_EQ(at_in("Europe/Copenhagen", *next), c.next_there) << c.what;
    EXPECT_EQ(at_in("America/New_York", *next), c.next_new_york) << c.what;
    EXPECT_EQ(at_in("Asia/Seoul", *next), c.next_seoul) << c.what;
  }
}

TEST(OfficeHours, OffsetsFollowEachZonesOwnDates) {
  // 20 March: New York on summer time (-4), Copenhagen not yet (+1).
  EXPECT_EQ(wall_time("America/New_York", utc(2026, 3, 20, 12, 0))->utc_offset_minutes, -240);
  EXPECT_EQ(wall_time("Europe/Copenhagen", utc(2026, 3, 20, 12, 0))->utc_offset_minutes, 60);
  // 28 October: Copenhagen back on winter time (+1), New York not yet (-4).
  EXPECT_EQ(wall_time("Europe/Copenhagen", utc(2026, 10, 28, 12, 0))->utc_offset_minutes, 60);
  EXPECT_EQ(wall_time("America/New_York", utc(2026, 10, 28, 12, 0))->utc_offset_minutes, -240);
  EXPECT_EQ(wall_time("Asia/Seoul", utc(2026, 7, 1, 0, 0))->utc_offset_minutes, 540);
  EXPECT_EQ(wall_time("Asia/Seoul", utc(2026, 1, 1, 0, 0))->utc_offset_minutes, 540);
  // Weekday: 25 November 2026 is a Wednesday.
  EXPECT_EQ(wall_time("Europe/Copenhagen", utc(2026, 11, 25, 12, 0))->weekday, 2);
}

TEST(OfficeHours, TimesTheClocksSkipOrRepeat) {
  OfficeHours sunday;
  sunday.week[6] = {{2 * 60 + 30, 4 * 60}};
  // 29 March: 02:30 never happens in Copenhagen; the office opens at 03:00 CEST (01:00 UTC).
  auto spring = office_status(sunday, "Europe/Copenhagen", utc(2026, 3, 28, 12, 0));
  ASSERT_TRUE(spring && spring->next_opening);
  EXPECT_EQ(u(*spring->next_opening), u(utc(2026, 3, 29, 1, 0)));
  // 25 October: 02:30 happens twice; the first (CEST, 00:30 UTC) counts.
  auto autumn = office_status(sunday, "Europe/Copenhagen", utc(2026, 10, 24, 12, 0));
  ASSERT_TRUE(autumn && autumn->next_opening);
  EXPECT_EQ(u(*autumn->next_opening), u(utc(2026, 10, 25, 0, 30)));
  
}

TEST(OfficeHours, TouchingOpeningsAndMidnight) {
  OfficeHours h;
  h.week[0] = {{9 * 60, 12 * 60}, {12 * 60, 15 * 60}};
  h.week[1] = {{20 * 60, 24 * 60}};
  h.week[2] = {{0, 2 * 60}};
  auto monday = office_status(h, "Asia/Seoul", utc(2026, 11, 23, 1, 0));  // Monday 10:00 KST
  ASSERT_TRUE(monday && monday->open);
  EXPECT_EQ(u(*monday->closes_at), u(utc(2026, 11, 23, 6, 0)));  // 15:00, not 12:00
  auto tuesday = office_status(h, "Asia/Seoul", utc(2026, 11, 24, 13, 0));  // Tuesday 22:00 KST
  ASSERT_TRUE(tuesday && tuesday->open);
  EXPECT_EQ(u(*tuesday->closes_at), u(utc(2026, 11, 24, 17, 0)));  // Wednesday 02:00 KST
}

TEST(OfficeHours, NoHoursAndUnknownZones) {
  auto none = office_status(OfficeHours{}, "Europe/Copenhagen", utc(2026, 11, 25, 12, 0));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->open);
  EXPECT_FALSE(none->next_opening);
  EXPECT_FALSE(none->closes_at);
  for (const char* zone : {"", "Mars/Olympus", "Etc/Unknown", "europe/copenhagen", "Europe/Copenhagen\n", "GMT+99"}) {
    EXPECT_FALSE(office_status(mayor_hours(), zone, utc(2026, 11, 25, 12, 0))) << zone;
    EXPECT_FALSE(wall_time(zone, utc(2026, 11, 25, 12, 0))) << zone;
    EXPECT_FALSE(is_known_time_zone(zone)) << zone;
  }
  EXPECT_TRUE(is_known_time_zone("Asia/Calcutta"));
  EXPECT_TRUE(is_known_time_zone("Asia/Kolkata"));
}

TEST(MainTimeZone, OnePerCountryWhereThereIsOne) {
  EXPECT_EQ(main_time_zone("US"), "America/New_York");
  EXPECT_EQ(main_time_zone("DK"), "Europe/Copenhagen");
  EXPECT_EQ(main_time_zone("KR"), "Asia/Seoul");
  EXPECT_EQ(main_time_zone("AU"), "Australia/Sydney");
  EXPECT_EQ(main_time_zone("UA"), "Europe/Kiev");  // ICU's canonical id for Europe/Kyiv
  EXPECT_EQ(main_time_zone("AQ"), "");
  EXPECT_EQ(main_time_zone("XX"), "");
  EXPECT_EQ(main_time_zone("us"), "");
  EXPECT_EQ(main_time_zone(""), "");
  const auto us = time_zones_of("US");
  ASSERT_GT(us.size(), 5u);
  EXPECT_EQ(us.front(), "America/New_York");
  EXPECT_NE(std::find(us.begin(), us.end(), "America/Chicago"), us.end());
  EXPECT_EQ(time_zones_of("DK"), std::vector<std::string>{"Europe/Copenhagen"});
}

TEST(MainTimeZone, CoversEveryCountryWithSeveralOrNoZones) {
  for (const char* const* c = icu::Locale::getISOCountries(); *c != nullptr; ++c) {
    const std::string country = *c;
    const auto zones = time_zones_of(country);
    const std::string main = main_time_zone(country);
    if (!main.empty()) {
      EXPECT_TRUE(is_known_time_zone(main)) << country;
      if (!zones.empty()) {
        EXPECT_EQ(zones.front(), main) << country << ": the main zone is one of its zones";
      }
    }
    if (zones.size() > 1 && country != "AQ") {
      EXPECT_FALSE(main.empty()) << country << " has several zones and no main one";
    }
  }
}

}  // namespace
}  // namespace twinning::domain
