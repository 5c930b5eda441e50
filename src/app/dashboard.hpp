#pragma once
// What the organizer dashboard shows for one campaign, read from the counters (never a scan of
// the actions) and shaped into charts. The shaping is pure and unit-tested; render/chart draws
// the charts (SVG) and the admin handler puts a data table beside each.
#include <cstdint>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "common/result.hpp"
#include "domain/campaign.hpp"
#include "domain/call_outcome.hpp"
#include "render/chart.hpp"
#include "store/organizer_store.hpp"
#include "store/store.hpp"

namespace twinning::app {

using render::Chart;

// The actions' statuses, in the order charts show them.
const std::vector<std::string>& action_statuses();

// Rows by `label` (day, target or country; empty shows as `empty_label`), series by status.
Chart chart_by_status(std::string id, std::string title, std::string label_heading,
                      const std::vector<store::ActionTally>& tallies, const std::string& empty_label);
// Rows by day, series by channel (channels in the order first seen in the campaign's list, then others).
Chart chart_by_day_and_channel(const std::vector<store::ActionTally>& tallies, const std::vector<std::string>& channels);

// Confirmation per channel: of the actions that asked the supporter to confirm, how many did.
struct ConfirmationRate {
  std::string channel;
  std::int64_t confirmed = 0, pending = 0, expired = 0;
  std::int64_t asked() const { return confirmed + pending + expired; }
  // Whole percent of the decided ones (confirmed / (confirmed + expired)); -1 when none is decided.
  int percent() const;
};
std::vector<ConfirmationRate> confirmation_rates(const std::vector<store::ActionTally>& by_channel);

struct Dashboard {
  std::string campaign_id, campaign_title;
  std::int64_t total_actions = 0;
  std::vector<Chart> charts;
  std::vector<ConfirmationRate> confirmation;
  std::int64_t delivery_failure_count = 0;
  std::vector<store::DeliveryFailure> delivery_failures;  // the latest
  std::vector<store::FlaggedContact> bounced_contacts;    // flagged addresses of this campaign's targets
  std::vector<domain::CallTally> wrong_numbers;           // call targets flagged by wrong-number reports
};
inline constexpr std::size_t kDashboardFailuresShown = 20;

// Reads the counters and lists of `campaign` (its id and title come from the loaded campaign).
Result<Dashboard> load_dashboard(store::Store& store, store::OrganizerStore& organizers, const domain::Campaign& c,
                                 const std::string& title, const Settings& settings);

}  // namespace twinning::app
