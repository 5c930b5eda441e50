#pragma once
// What a supporter reports after a call, and the tally organizers read: outcomes per target, and
// numbers flagged after several "wrong number" reports. Counted as events (no personal data).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinning::domain {

enum class CallOutcome { reached, voicemail, no_answer, wrong_number };
inline constexpr std::array<CallOutcome, 4> kAllCallOutcomes = {CallOutcome::reached, CallOutcome::voicemail,
                                                                CallOutcome::no_answer, CallOutcome::wrong_number};

// "reached", "voicemail", "no_answer", "wrong_number": the form's values.
std::string_view call_outcome_id(CallOutcome o);
std::optional<CallOutcome> parse_call_outcome(std::string_view id);
// The store's event kind: "call.reached".
std::string call_event_kind(CallOutcome o);
std::optional<CallOutcome> outcome_of_event_kind(std::string_view kind);

// One row of counted events, as the store sums them.
struct EventTotal {
  std::string target, kind;
  std::int64_t count = 0;
};

struct CallTally {
  std::string target;
  std::array<std::int64_t, kAllCallOutcomes.size()> counts{};  // indexed like kAllCallOutcomes
  // At least `flag_after` wrong-number reports: organizers should check the number.
  bool flagged = false;
  std::int64_t count(CallOutcome o) const { return counts[static_cast<std::size_t>(o)]; }
  std::int64_t total() const;
};

// The tally per target, in the order of `targets` (each listed, counted or not), then any other
// target the events name (a target since removed from the campaign). Events that are not call
// outcomes are ignored. flag_after 0 never flags.
std::vector<CallTally> tally_calls(const std::vector<std::string>& targets, const std::vector<EventTotal>& events,
                                   std::int64_t flag_after);

}  // namespace twinning::domain
