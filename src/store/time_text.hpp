#pragma once
// The store's one time format: RFC 3339 in UTC to the second, always ending in Z
// ("2026-11-25T09:00:00Z"). Fixed width, so text order is time order in SQL too.
#include <optional>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace twinning::store {

// True when `t` falls in the years 0000..9999, the only ones the format can write.
bool time_representable(TimePoint t);

// "YYYY-MM-DDTHH:MM:SSZ". Requires time_representable(t).
std::string format_time(TimePoint t);

// The inverse of format_time, and nothing else: no offsets, no fractions, no lower-case t/z,
// no leap second, no 31st of a 30-day month. std::nullopt for anything malformed.
std::optional<TimePoint> parse_time(std::string_view text);

}  // namespace twinning::store
