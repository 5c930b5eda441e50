#include "domain/office_hours.hpp"

#include <unicode/gregocal.h>
#include <unicode/strenum.h>
#include <unicode/timezone.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace twinning::domain {

namespace {

// ICU's canonical id ("Europe/Kyiv" -> "Europe/Kiev"), or empty when ICU does not know the zone.
std::string canonical_zone(std::string_view zone) {
  icu::UnicodeString canonical;
  UBool is_system = false;
  UErrorCode status = U_ZERO_ERROR;
  icu::TimeZone::getCanonicalID(icu::UnicodeString::fromUTF8(icu::StringPiece(zone.data(), static_cast<int32_t>(zone.size()))),
                                canonical, is_system, status);
  if (U_FAILURE(status) || !is_system) return {};
  std::string out;
  canonical.toUTF8String(out);
  return out == "Etc/Unknown" ? std::string() : out;
}

// A Gregorian calendar in `zone`, set to read wall times the way office hours mean them.
std::unique_ptr<icu::GregorianCalendar> calendar_in(std::string_view zone) {
  const std::string id = canonical_zone(zone);
  if (id.empty()) return nullptr;
  UErrorCode status = U_ZERO_ERROR;
  auto cal = std::make_unique<icu::GregorianCalendar>(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(id)),
                                                      status);
  if (U_FAILURE(status)) return nullptr;
  cal->setSkippedWallTimeOption(UCAL_WALLTIME_NEXT_VALID);
  cal->setRepeatedWallTimeOption(UCAL_WALLTIME_FIRST);
  return cal;
}

UDate to_udate(TimePoint t) { return static_cast<UDate>(t.time_since_epoch().count()) * 1000.0; }

TimePoint from_udate(UDate d) { return TimePoint{std::chrono::seconds{static_cast<long long>(d / 1000.0)}}; }

WallTime read_wall(icu::Calendar& cal) {
  UErrorCode status = U_ZERO_ERROR;
  WallTime w;
  w.year = cal.get(UCAL_EXTENDED_YEAR, status);
  w.month = cal.get(UCAL_MONTH, status) + 1;
  w.day = cal.get(UCAL_DATE, status);
  w.weekday = (cal.get(UCAL_DAY_OF_WEEK, status) + 5) % 7;  // ICU: 1 = Sunday
  w.minutes = cal.get(UCAL_HOUR_OF_DAY, status) * 60 + cal.get(UCAL_MINUTE, status);
  w.utc_offset_minutes = (cal.get(UCAL_ZONE_OFFSET, status) + cal.get(UCAL_DST_OFFSET, status)) / 60000;
  return w;
}

// The instant of `minutes` after midnight on a date in the calendar's zone ("24:00" is the next
// midnight).
TimePoint instant_of(icu::Calendar& cal, std::chrono::year_month_day date, int minutes) {
  UErrorCode status = U_ZERO_ERROR;
  cal.clear();
  cal.set(static_cast<int>(date.year()), static_cast<int>(static_cast<unsigned>(date.month())) - 1,
          static_cast<int>(static_cast<unsigned>(date.day())), minutes / 60, minutes % 60, 0);
  return from_udate(cal.getTime(status));
}

// Countries with several zones (or none in ICU's list: BV, DG, EA, HM, IC, XK): the zone of the
// capital or of most people. Kept by hand because ICU has no "main zone of a country"; a test
// checks that it covers every such country ICU knows and that each zone belongs to its country.
// Empty: no zone to assume (uninhabited, or Antarctica's stations), the caller chooses.
constexpr std::array<std::pair<std::string_view, std::string_view>, 37> kMainZones = {{
    {"AQ", ""},
    {"AR", "America/Argentina/Buenos_Aires"},
    {"AU", "Australia/Sydney"},
    {"BR", "America/Sao_Paulo"},
    {"BV", ""},
    {"CA", "America/Toronto"},
    {"CD", "Africa/Kinshasa"},
    {"CL", "America/Santiago"},
    {"CN", "Asia/Shanghai"},
    {"CY", "Asia/Nicosia"},
    {"DE", "Europe/Berlin"},
    {"DG", "Indian/Chagos"},
    {"EA", "Africa/Ceuta"},
    {"EC", "America/Guayaquil"},
    {"ES", "Europe/Madrid"},
    {"FM", "Pacific/Pohnpei"},
    {"GL", "America/Nuuk"},
    {"HM", ""},
    {"IC", "Atlantic/Canary"},
    {"ID", "Asia/Jakarta"},
    {"KI", "Pacific/Tarawa"},
    {"KZ", "Asia/Almaty"},
    {"MH", "Pacific/Majuro"},
    {"MN", "Asia/Ulaanbaatar"},
    {"MX", "America/Mexico_City"},
    {"MY", "Asia/Kuala_Lumpur"},
    {"NZ", "Pacific/Auckland"},
    {"PF", "Pacific/Tahiti"},
    {"PG", "Pacific/Port_Moresby"},
    {"PS", "Asia/Hebron"},
    {"PT", "Europe/Lisbon"},
    {"RU", "Europe/Moscow"},
    {"UA", "Europe/Kyiv"},
    {"UM", "Pacific/Wake"},
    {"US", "America/New_York"},
    {"UZ", "Asia/Tashkent"},
    {"XK", "Europe/Belgrade"},
}};

std::vector<std::string> read_icu_zones(const std::string& region) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::StringEnumeration> zones(
      icu::TimeZone::createTimeZoneIDEnumeration(UCAL_ZONE_TYPE_CANONICAL_LOCATION, region.c_str(), nullptr, status));
  std::vector<std::string> out;
  if (U_FAILURE(status) || !zones) return out;
  int32_t length = 0;
  while (const char* id = zones->next(&length, status)) {
    if (U_FAILURE(status)) break;
    out.emplace_back(id, static_cast<std::size_t>(length));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ICU finds a country's zones by looking at every zone there is (a millisecond or more); the
// answer never changes while the process runs, and the call block asks for it on every request.
std::vector<std::string> icu_zones_of(std::string_view country) {
  if (country.size() != 2) return {};
  static std::mutex mu;
  static std::map<std::string, std::vector<std::string>, std::less<>> cache;
  std::lock_guard lock(mu);
  if (auto it = cache.find(country); it != cache.end()) return it->second;
  const std::string region(country);
  return cache.emplace(region, read_icu_zones(region)).first->second;
}

}  // namespace

bool is_known_time_zone(std::string_view zone) { return !canonical_zone(zone).empty(); }

std::optional<WallTime> wall_time(std::string_view zone, TimePoint at) {
  auto cal = calendar_in(zone);
  if (!cal) return std::nullopt;
  UErrorCode status = U_ZERO_ERROR;
  cal->setTime(to_udate(at), status);
  if (U_FAILURE(status)) return std::nullopt;
  return read_wall(*cal);
}

LocalTime local_time(const std::string& zone, TimePoint at) {
  auto w = wall_time(zone, at);
  return w ? w->local() : LocalTime{};
}

bool is_open(const OfficeHours& hours, const LocalTime& t) {
  for (const auto& [open, close] : hours.week[static_cast<std::size_t>(t.weekday)]) {
    if (t.minutes >= open && t.minutes < close) return true;
  }
  return false;
}

std::optional<OfficeStatus> office_status(const OfficeHours& hours, std::string_view zone, TimePoint now) {
  auto cal = calendar_in(zone);
  if (!cal) return std::nullopt;
  UErrorCode status = U_ZERO_ERROR;
  cal->setTime(to_udate(now), status);
  if (U_FAILURE(status)) return std::nullopt;
  OfficeStatus out;
  out.there = read_wall(*cal);

  // Every opening from today to the same weekday next week, as instants. Each is read on its own
  // date, so a week that crosses a daylight-saving change gets the right offset on each side.
  const std::chrono::sys_days today{std::chrono::year_month_day{std::chrono::year{out.there.year},
                                                                std::chrono::month{static_cast<unsigned>(out.there.month)},
                                                                std::chrono::day{static_cast<unsigned>(out.there.day)}}};
  std::vector<std::pair<TimePoint, TimePoint>> spans;
  for (int d = 0; d <= 7; ++d) {
    const std::chrono::year_month_day date{today + std::chrono::days{d}};
    for (const auto& [open, close] : hours.week[static_cast<std::size_t>((out.there.weekday + d) % 7)]) {
      spans.emplace_back(instant_of(*cal, date, open), instant_of(*cal, date, close));
    }
  }
  std::sort(spans.begin(), spans.end());
  // Openings that touch (until 12:00, from 12:00; or until 24:00 and from 00:00) are one.
  std::vector<std::pair<TimePoint, TimePoint>> merged;
  for (const auto& s : spans) {
    if (!merged.empty() && s.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, s.second);
    } else {
      merged.push_back(s);
    }
  }
  for (const auto& [start, end] : merged) {
    if (start <= now && now < end) {
      out.open = true;
      out.closes_at = end;
      return out;
    }
    if (start > now) {
      out.next_opening = start;
      return out;
    }
  }
  return out;
}

std::string main_time_zone(std::string_view country) {
  auto it = std::find_if(kMainZones.begin(), kMainZones.end(), [&](const auto& e) { return e.first == country; });
  if (it != kMainZones.end()) return it->second.empty() ? std::string() : canonical_zone(it->second);
  auto zones = icu_zones_of(country);
  return zones.size() == 1 ? zones.front() : std::string();
}

std::vector<std::string> time_zones_of(std::string_view country) {
  auto zones = icu_zones_of(country);
  const std::string main = main_time_zone(country);
  if (main.empty()) return zones;
  zones.erase(std::remove(zones.begin(), zones.end(), main), zones.end());
  zones.insert(zones.begin(), main);
  return zones;
}

}  // namespace twinning::domain
