#include "domain/call_outcome.hpp"

#include <algorithm>
#include <numeric>

namespace twinning::domain {

namespace {
constexpr std::string_view kEventPrefix = "call.";
}  // namespace

std::string_view call_outcome_id(CallOutcome o) {
  switch (o) {
    case CallOutcome::reached: return "reached";
    case CallOutcome::voicemail: return "voicemail";
    case CallOutcome::no_answer: return "no_answer";
    case CallOutcome::wrong_number: return "wrong_number";
  }
  return "";  // unreachable: the switch covers every enumerator and -Werror=switch keeps it so
}

std::optional<CallOutcome> parse_call_outcome(std::string_view id) {
  for (CallOutcome o : kAllCallOutcomes) {
    if (call_outcome_id(o) == id) return o;
  }
  return std::nullopt;
}

std::string call_event_kind(CallOutcome o) { return std::string(kEventPrefix) + std::string(call_outcome_id(o)); }

std::optional<CallOutcome> outcome_of_event_kind(std::string_view kind) {
  if (kind.substr(0, kEventPrefix.size()) != kEventPrefix) return std::nullopt;
  return parse_call_outcome(kind.substr(kEventPrefix.size()));
}

std::int64_t CallTally::total() const { return std::accumulate(counts.begin(), counts.end(), std::int64_t{0}); }

std::vector<CallTally> tally_calls(const std::vector<std::string>& targets, const std::vector<EventTotal>& events,
                                   std::int64_t flag_after) {
  std::vector<CallTally> out;
  auto row = [&](const std::string& target) -> CallTally& {
    auto it = std::find_if(out.begin(), out.end(), [&](const CallTally& t) { return t.target == target; });
    if (it != out.end()) return *it;
    out.push_back(CallTally{target, {}, false});
    return out.back();
  };
  for (const auto& t : targets) row(t);
  for (const auto& e : events) {
    auto outcome = outcome_of_event_kind(e.kind);
    if (!outcome) continue;
    row(e.target).counts[static_cast<std::size_t>(*outcome)] += e.count;
  }
  for (auto& t : out) t.flagged = flag_after > 0 && t.count(CallOutcome::wrong_number) >= flag_after;
  return out;
}

}  // namespace twinning::domain
