#pragma once
// A person's data as `twinning person export` prints it, and the retention period's cutoff.
// Pure: the store reads and erases (store/api_store.hpp).
#include <chrono>

#include <nlohmann/json.hpp>

#include "store/api_store.hpp"

namespace twinning::app {

// Everything held about one person, as JSON: the supporter row, consents, actions, signatures,
// letter requests, every message of theirs in the outbox (with its whole text) and any flag on
// their address.
nlohmann::json person_json(const store::PersonData& d);

// Supporters whose last activity is before this are anonymized by the retention job.
store::TimePoint retention_cutoff(store::TimePoint now, std::chrono::days retention);

}  // namespace twinning::app
