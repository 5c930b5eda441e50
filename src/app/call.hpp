#pragma once
// The call channel's rules: who the page assumes is calling (country and time zone, from the
// page's query and Accept-Language), a reported outcome turned into a count, and the tally
// organizers read. No I/O but the store given.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/action.hpp"
#include "common/result.hpp"
#include "domain/call_outcome.hpp"
#include "domain/campaign.hpp"
#include "render/compose.hpp"
#include "store/store.hpp"

namespace twinning::app {

// Longest time-zone id taken from a query ("America/Argentina/ComodRivadavia" is 32 bytes).
inline constexpr std::size_t kMaxTimeZoneBytes = 64;

struct CallerChoice {
  render::SupporterView caller;  // country and time_zone; either may be empty
  bool country_guessed = false;  // from Accept-Language, not chosen on the page
};
// From the page's query: `from`, the country chosen; `zone`, a zone chosen in the page's zone list,
// taken only when it is one of that country's (the plain form still sends the zone of the country
// chosen before); `tz`, the browser's zone (app.js), taken as it is: it is the caller's own clock.
// Without `from`, the country is guessed from `accept_language`. A value that is not a country code
// or a known zone is ignored, never an error: the call block is shown either way and asks for what
// it lacks. Lower-case codes are taken ("dk" -> "DK").
CallerChoice choose_caller(std::string_view from, std::string_view zone, std::string_view tz,
                           std::string_view accept_language);

struct OutcomeReport {
  domain::CallOutcome outcome = domain::CallOutcome::reached;
  std::string country;  // the caller's country as chosen on the page, or empty
};
// The outcome form: `outcome` (reached, voicemail, no_answer, wrong_number) and an optional
// `from` (ISO 3166-1 alpha-2). Anything else, missing or repeated is bad_request naming the field.
Result<OutcomeReport> parse_outcome(const Fields& fields);

// The count to store: no supporter, no time of day (the store keeps days).
store::EventRecord outcome_event(const domain::Campaign& c, const domain::Target& target, const OutcomeReport& report,
                                 const std::string& lang, std::chrono::sys_seconds now);

// Outcomes per call target of `c` (every target reached by call, counted or not), with the numbers
// `flag_after` or more wrong-number reports flag (0: never).
Result<std::vector<domain::CallTally>> call_tallies(store::Store& store, const domain::Campaign& c,
                                                    std::int64_t flag_after);

}  // namespace twinning::app
