#include "app/call.hpp"

#include <algorithm>
#include <cctype>

#include "campaign/validators.hpp"
#include "domain/office_hours.hpp"
#include "i18n/catalog.hpp"

namespace twinning::app {

namespace {

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

CallerChoice choose_caller(std::string_view from, std::string_view zone, std::string_view tz,
                           std::string_view accept_language) {
  CallerChoice out;
  std::string country = from.size() == 2 ? upper_ascii(from) : std::string();
  if (!campaign::is_country_code(country)) {
    country = i18n::region_from_accept_language(accept_language);
    out.country_guessed = campaign::is_country_code(country);
    if (!out.country_guessed) country.clear();
  }
  out.caller.country = country;
  const auto zones = domain::time_zones_of(country);
  if (zone.size() <= kMaxTimeZoneBytes && std::find(zones.begin(), zones.end(), zone) != zones.end()) {
    out.caller.time_zone = std::string(zone);
  } else if (tz.size() <= kMaxTimeZoneBytes && domain::is_known_time_zone(tz)) {
    out.caller.time_zone = std::string(tz);
  }
  return out;
}

Result<OutcomeReport> parse_outcome(const Fields& fields) {
  OutcomeReport r;
  bool has_outcome = false;
  for (const auto& [name, value] : fields) {
    if (name == "outcome") {
      auto o = domain::parse_call_outcome(value);
      if (!o) {
        return Error::make(ErrorKind::bad_request, "outcome must be reached, voicemail, no_answer or wrong_number",
                           "outcome");
      }
      r.outcome = *o;
      has_outcome = true;
    } else if (name == "from") {
      const std::string code = upper_ascii(value);
      if (!value.empty() && !campaign::is_country_code(code)) {
        return Error::make(ErrorKind::bad_request, "from must be a two-letter ISO 3166 country code such as DK, or empty",
                           "from");
      }
      r.country = value.empty() ? std::string() : code;
    } else {
      return Error::make(ErrorKind::bad_request, "unknown field '" + name + "' (the outcome form has outcome and from)",
                         name);
    }
  }
  if (!has_outcome) {
    return Error::make(ErrorKind::bad_request, "outcome is missing: reached, voicemail, no_answer or wrong_number",
                       "outcome");
  }
  return r;
}

store::EventRecord outcome_event(const domain::Campaign& c, const domain::Target& target, const OutcomeReport& report,
                                 const std::string& lang, std::chrono::sys_seconds now) {
  return {c.id, "call", target.id, domain::call_event_kind(report.outcome), lang, report.country, now};
}

Result<std::vector<domain::CallTally>> call_tallies(store::Store& store, const domain::Campaign& c,
                                                    std::int64_t flag_after) {
  auto counted = store.count_events(store::EventFilter{c.id, std::string("call")});
  if (!counted.ok()) return counted.error();
  std::vector<std::string> targets;
  for (const auto* t : c.targets_for(domain::Channel::call)) targets.push_back(t->id);
  std::vector<domain::EventTotal> totals;
  for (const auto& e : counted.value()) totals.push_back({e.target, e.kind, e.count});
  return domain::tally_calls(targets, totals, flag_after);
}

}  // namespace twinning::app
