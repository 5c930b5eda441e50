#include "render/call_view.hpp"

#include <unicode/dtptngen.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>
#include <unicode/tznames.h>

#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>

#include "domain/dialing.hpp"
#include "domain/office_hours.hpp"
#include "render/contact.hpp"
#include "render/text.hpp"

namespace twinning::render {

namespace {

using nlohmann::json;
using TimePoint = std::chrono::sys_seconds;

std::string utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// The locale's pattern for a skeleton ("HHmm" -> "HH.mm" in Danish). Building a pattern
// generator is slow, and the answer never changes: kept per language and skeleton.
icu::UnicodeString best_pattern(const std::string& lang, const char* skeleton) {
  static std::mutex mu;
  static std::map<std::pair<std::string, std::string>, icu::UnicodeString> cache;
  std::lock_guard lock(mu);
  const auto key = std::make_pair(lang, std::string(skeleton));
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::DateTimePatternGenerator> gen(
      icu::DateTimePatternGenerator::createInstance(icu::Locale(lang.c_str()), status));
  icu::UnicodeString pattern = U_SUCCESS(status) ? gen->getBestPattern(icu::UnicodeString(skeleton), status)
                                                  : icu::UnicodeString();
  if (U_FAILURE(status) || pattern.isEmpty()) pattern = icu::UnicodeString(skeleton[0] == 'E' ? "EEEE HH:mm" : "HH:mm");
  return cache.emplace(key, pattern).first->second;
}

// "09:00" in `zone`, or "Monday 09:00" when `with_day`, in the words and digits of `lang`.
std::string clock_in(TimePoint at, const std::string& zone, const std::string& lang, bool with_day) {
  UErrorCode status = U_ZERO_ERROR;
  icu::SimpleDateFormat format(best_pattern(lang, with_day ? "EEEEHHmm" : "HHmm"), icu::Locale(lang.c_str()), status);
  if (U_FAILURE(status)) return {};
  format.adoptTimeZone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(zone)));
  icu::UnicodeString out;
  format.format(static_cast<UDate>(at.time_since_epoch().count()) * 1000.0, out);
  return utf8(out);
}

std::string utc_text(TimePoint t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{t - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

// The city a zone is known by in `lang` ("Copenhagen", "København", "코펜하겐").
std::string read_zone_city(const std::string& zone, const std::string& lang) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::TimeZoneNames> names(icu::TimeZoneNames::createInstance(icu::Locale(lang.c_str()), status));
  if (U_FAILURE(status)) return zone;
  icu::UnicodeString canonical;
  UBool is_system = false;
  icu::TimeZone::getCanonicalID(icu::UnicodeString::fromUTF8(zone), canonical, is_system, status);
  icu::UnicodeString city;
  names->getExemplarLocationName(U_SUCCESS(status) ? canonical : icu::UnicodeString::fromUTF8(zone), city);
  return city.isEmpty() ? zone : utf8(city);
}

// Kept per language and zone: ICU builds its names object on each call, and a country's zone list
// asks for dozens (the United States has 29).
std::string zone_city(const std::string& zone, const std::string& lang) {
  static std::mutex mu;
  static std::map<std::pair<std::string, std::string>, std::string> cache;
  std::lock_guard lock(mu);
  const auto key = std::make_pair(lang, zone);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  return cache.emplace(key, read_zone_city(zone, lang)).first->second;
}

// Where the target is, for "it is 02:14 in Haderslev": the twinned city in the same zone, else
// the zone's city.
std::string place_of(const domain::Campaign& c, const domain::Target& t, const std::string& lang) {
  const auto& fb = c.default_language();
  for (const domain::City* city : {&c.pair.foreign, &c.pair.home}) {
    if (city->time_zone == t.time_zone && !city->name.get(lang, fb).empty()) return city->name.get(lang, fb);
  }
  return zone_city(t.time_zone, lang);
}

json dialing_json(const domain::Dialing& d) {
  return {{"from", d.caller_region},
          {"dial", d.dial},
          {"domestic", d.domestic},
          {"choose_prefix", d.choose_prefix},
          {"after_prefix", d.after_prefix},
          {"prefix_choices", d.prefix_choices},
          {"prefix_pattern", d.prefix_pattern},
          {"waits_for_tone", d.waits_for_tone}};
}

// When the office next opens or closes, in both zones. A time on another day than today (in
// that zone) carries its weekday.
json moment(TimePoint when, const domain::Target& t, const CallerView& caller, const std::string& lang,
            TimePoint now) {
  const auto there_now = domain::wall_time(t.time_zone, now);
  const auto there_then = domain::wall_time(t.time_zone, when);
  json m = {{"at", utc_text(when)},
            {"their_time", clock_in(when, t.time_zone, lang, !(there_now && there_then && there_now->same_date(*there_then)))}};
  if (!caller.time_zone.empty()) {
    const auto here_now = domain::wall_time(caller.time_zone, now);
    const auto here_then = domain::wall_time(caller.time_zone, when);
    // The same wall clock on both sides (a caller in Denmark) needs no "which is ... your time".
    const bool same_clock = there_then && here_then && here_then->same_date(*there_then) &&
                            here_then->minutes == there_then->minutes;
    if (here_now && here_then && !same_clock) {
      m["your_time"] = clock_in(when, caller.time_zone, lang, !here_now->same_date(*here_then));
    }
  }
  return m;
}

json status_json(const domain::Target& t, const CallerView& caller, const std::string& lang, TimePoint now) {
  const auto s = domain::office_status(t.hours, t.time_zone, now);
  if (!s) return nullptr;
  json out = {{"their_now", clock_in(now, t.time_zone, lang, false)},
              {"open", t.hours.empty() ? json(nullptr) : json(s->open)}};
  if (s->open && s->closes_at) out["closes"] = moment(*s->closes_at, t, caller, lang, now);
  if (!s->open && s->next_opening) out["opens"] = moment(*s->next_opening, t, caller, lang, now);
  return out;
}

}  // namespace

CallerView caller_of(const SupporterView& s) {
  CallerView c;
  c.country = s.country;
  if (domain::is_known_time_zone(s.time_zone)) {
    c.time_zone = s.time_zone;
  } else {
    c.time_zone = domain::main_time_zone(s.country);
    c.zone_assumed = !c.time_zone.empty();
  }
  return c;
}

json caller_json(const CallerView& caller, const std::string& lang) {
  return {{"country", caller.country},
          {"country_name", caller.country.empty() ? std::string() : i18n::country_name(caller.country, lang)},
          {"time_zone", caller.time_zone},
          {"zone_name", caller.time_zone.empty() ? std::string() : zone_city(caller.time_zone, lang)},
          {"zone_assumed", caller.zone_assumed},
          {"has_zones", domain::time_zones_of(caller.country).size() > 1}};
}

json zone_choices(const CallerView& caller, const std::string& lang) {
  json list = json::array();
  const auto zones = domain::time_zones_of(caller.country);
  if (zones.size() < 2) return list;
  // Matched by ICU's canonical id, so a browser's "Europe/Kyiv" selects ICU's "Europe/Kiev".
  std::string chosen = caller.time_zone;
  icu::UnicodeString id;
  UBool is_system = false;
  UErrorCode status = U_ZERO_ERROR;
  icu::TimeZone::getCanonicalID(icu::UnicodeString::fromUTF8(caller.time_zone), id, is_system, status);
  if (U_SUCCESS(status)) chosen = utf8(id);
  for (const auto& z : zones) list.push_back({{"id", z}, {"name", zone_city(z, lang)}, {"selected", z == chosen}});
  return list;
}

json call_target(const domain::Campaign& c, const domain::Target& t, const CallerView& caller, const std::string& lang,
                 std::optional<TimePoint> at) {
  const std::string& phone = *t.contact.phone;
  json p = {{"phone", phone},
            {"international", phone_international(phone)},
            {"tel", "tel:" + phone},
            {"time_zone", t.time_zone},
            {"place", t.time_zone.empty() ? std::string() : place_of(c, t, lang)},
            {"office_hours", office_hours_lines(t.hours, lang)}};
  // check only lets valid E.164 numbers through; a number that still fails is shown as written.
  if (auto d = domain::dialing_for(caller.country, phone); d.ok()) {
    p["tel"] = d->tel_uri;
    p["international"] = d->international;
    p["number_type"] = std::string(domain::number_type_id(d->type));
    if (!d->caller_region.empty()) p["dialing"] = dialing_json(d.value());
  }
  if (at && !t.time_zone.empty()) {
    const auto local = domain::local_time(t.time_zone, *at);
    p["local_time"] = hhmm(local.minutes);
    p["open_now"] = t.hours.empty() ? json(nullptr) : json(domain::is_open(t.hours, local));
    p["status"] = status_json(t, caller, lang, *at);
  }
  return p;
}

void add_call_sentences(json& view, const i18n::Catalog& t) {
  const json& caller = view["caller"];
  const std::string country = caller.value("country_name", "");
  bool told_your_time = false;
  for (auto& p : view["targets"]) {
    if (p.contains("dialing")) {
      const json& d = p["dialing"];
      p["dial_label"] = fill(t.get(d["domestic"].get<bool>() ? "channel.call.dial_within" : "channel.call.dial_from"),
                             {{"country", country}});
      if (d["choose_prefix"].get<bool>()) {
        // "for example" names the first few (the carriers' short codes); the data has them all.
        constexpr std::size_t kExamples = 5;
        std::string choices;
        for (std::size_t i = 0; i < d["prefix_choices"].size() && i < kExamples; ++i) {
          if (!choices.empty()) choices += ", ";
          choices += d["prefix_choices"][i].get<std::string>();
        }
        p["dial_note"] = fill(t.get(choices.empty() ? "channel.call.choose_prefix_any" : "channel.call.choose_prefix"),
                              {{"country", country}, {"choices", choices}, {"number", d["after_prefix"].get<std::string>()}});
      } else if (d["waits_for_tone"].get<bool>()) {
        p["dial_note"] = t.get("channel.call.wait_tone");
      }
    } else {
      p["dial_note"] = t.get("channel.call.dial_any");
    }
    const std::string type = p.value("number_type", "");
    if (type == "fixed_line" || type == "mobile") p["type_text"] = t.get("channel.call.type." + type);
    if (!p.contains("status") || p["status"].is_null()) continue;
    const json& s = p["status"];
    Vars v = {{"their_now", s["their_now"].get<std::string>()}, {"place", p["place"].get<std::string>()}};
    std::string key = "channel.call.time_there";  // no office hours: only the time there
    if (s["open"].is_boolean()) {
      const bool open = s["open"].get<bool>();
      const char* next = open ? "closes" : "opens";
      key = open ? "channel.call.open" : "channel.call.closed";
      if (s.contains(next)) {
        const json& m = s[next];
        v["their_time"] = m["their_time"].get<std::string>();
        key += open ? "_until" : "_opens";
        if (m.contains("your_time")) {
          v["your_time"] = m["your_time"].get<std::string>();
          told_your_time = true;
        } else {
          key += "_there";  // the same clock on both sides, or no zone for the caller
        }
      }
    }
    p["status_text"] = fill(t.get(key), v);
  }
  if (told_your_time) {
    // An assumed zone is worth a word only where the country has others to choose from.
    const bool assumed = caller.value("zone_assumed", false) && caller.value("has_zones", false);
    view["zone_text"] = fill(t.get(assumed ? "channel.call.your_zone_assumed" : "channel.call.your_zone"),
                             {{"zone", caller.value("zone_name", "")}});
  }
}

}  // namespace twinning::render
