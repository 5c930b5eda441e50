#include "app/dashboard.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "app/call.hpp"

namespace twinning::app {

const std::vector<std::string>& action_statuses() {
  // Confirmed and recorded first: what reached (or needs no confirmation to reach) the targets.
  static const std::vector<std::string> statuses{"confirmed", "recorded", "pending", "expired"};
  return statuses;
}

namespace {

std::size_t index_of(std::vector<std::string>& list, const std::string& item) {
  auto it = std::find(list.begin(), list.end(), item);
  if (it != list.end()) return static_cast<std::size_t>(it - list.begin());
  list.push_back(item);
  return list.size() - 1;
}

// Addresses are compared as the store flags them: ASCII case-insensitively.
std::string ascii_lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](char ch) { return (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch; });
  return text;
}

const std::string& row_label(const store::ActionTally& t) {
  // A tally grouped by one dimension has only that field set (ActionTally).
  if (!t.day.empty()) return t.day;
  if (!t.channel.empty()) return t.channel;
  if (!t.target.empty()) return t.target;
  return t.country;
}

}  // namespace

Chart chart_by_status(std::string id, std::string title, std::string label_heading,
                      const std::vector<store::ActionTally>& tallies, const std::string& empty_label) {
  Chart c;
  c.id = std::move(id);
  c.title = std::move(title);
  c.label_heading = std::move(label_heading);
  c.series = action_statuses();
  std::map<std::string, std::vector<std::int64_t>> rows;
  for (const auto& t : tallies) {
    const std::string& label = row_label(t);
    auto& values = rows[label.empty() ? empty_label : label];
    const std::size_t i = index_of(c.series, t.status);  // a status added later joins the series
    if (values.size() < c.series.size()) values.resize(c.series.size());
    values[i] += t.n;
  }
  for (auto& [label, values] : rows) {
    values.resize(c.series.size());
    c.rows.push_back(Chart::Row{label, values});
  }
  // A status no action has is no use in the legend; keep those some row has.
  std::vector<std::size_t> used;
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    if (std::any_of(c.rows.begin(), c.rows.end(), [&](const auto& r) { return r.values[i] != 0; })) used.push_back(i);
  }
  std::vector<std::string> series;
  for (auto i : used) series.push_back(c.series[i]);
  for (auto& r : c.rows) {
    std::vector<std::int64_t> values;
    for (auto i : used) values.push_back(r.values[i]);
    r.values = std::move(values);
  }
  c.series = std::move(series);
  return c;
}

Chart chart_by_day_and_channel(const std::vector<store::ActionTally>& tallies, const std::vector<std::string>& channels) {
  Chart c;
  c.id = "per-day";
  c.title = "Actions per day, by channel";
  c.label_heading = "Day (UTC)";
  std::set<std::string> present;
  for (const auto& t : tallies) present.insert(t.channel);
  for (const auto& ch : channels) {
    if (present.count(ch) != 0) c.series.push_back(ch);
  }
  for (const auto& ch : present) {
    if (std::find(c.series.begin(), c.series.end(), ch) == c.series.end()) c.series.push_back(ch);
  }
  std::map<std::string, std::vector<std::int64_t>> rows;  // by day: text order is date order
  for (const auto& t : tallies) {
    auto& values = rows[t.day];
    const std::size_t i = index_of(c.series, t.channel);
    if (values.size() < c.series.size()) values.resize(c.series.size());
    values[i] += t.n;
  }
  for (auto& [day, values] : rows) c.rows.push_back(Chart::Row{day, values});
  return c;
}

int ConfirmationRate::percent() const {
  const std::int64_t decided = confirmed + expired;
  if (decided == 0) return -1;
  return static_cast<int>((confirmed * 100 + decided / 2) / decided);
}

std::vector<ConfirmationRate> confirmation_rates(const std::vector<store::ActionTally>& by_channel) {
  std::map<std::string, ConfirmationRate> rates;
  for (const auto& t : by_channel) {
    auto& r = rates[t.channel];
    r.channel = t.channel;
    if (t.status == "confirmed") r.confirmed += t.n;
    if (t.status == "pending") r.pending += t.n;
    if (t.status == "expired") r.expired += t.n;
  }
  std::vector<ConfirmationRate> out;
  for (auto& [channel, r] : rates) {
    if (r.asked() > 0) out.push_back(r);
  }
  return out;
}

Result<Dashboard> load_dashboard(store::Store& store, store::OrganizerStore& organizers, const domain::Campaign& c,
                                 const std::string& title, const Settings& settings) {
  Dashboard d;
  d.campaign_id = c.id;
  d.campaign_title = title;
  auto read = [&](store::TallyBy by) { return organizers.tally_actions(c.id, by); };
  auto per_day = read(store::TallyBy::day_and_channel);
  if (!per_day.ok()) return per_day.error();
  auto per_channel = read(store::TallyBy::channel);
  if (!per_channel.ok()) return per_channel.error();
  auto per_target = read(store::TallyBy::target);
  if (!per_target.ok()) return per_target.error();
  auto per_country = read(store::TallyBy::country);
  if (!per_country.ok()) return per_country.error();

  for (const auto& t : per_channel.value()) d.total_actions += t.n;
  std::vector<std::string> channels;
  for (auto ch : c.channels) channels.emplace_back(domain::channel_id(ch));
  d.charts.push_back(chart_by_day_and_channel(per_day.value(), channels));
  d.charts.push_back(chart_by_status("per-channel", "Actions per channel, by status", "Channel", per_channel.value(),
                                     "(none)"));
  d.charts.push_back(chart_by_status("per-target", "Actions per target, by status", "Target", per_target.value(),
                                     "(no single target)"));
  d.charts.push_back(chart_by_status("per-country", "Actions per supporter country, by status", "Country",
                                     per_country.value(), "(not given)"));
  d.confirmation = confirmation_rates(per_channel.value());

  auto failures = organizers.delivery_failures(c.id, kDashboardFailuresShown);
  if (!failures.ok()) return failures.error();
  d.delivery_failures = std::move(failures).value();
  auto failure_count = organizers.count_delivery_failures(c.id);
  if (!failure_count.ok()) return failure_count.error();
  d.delivery_failure_count = failure_count.value();

  // Bounces are flagged by address, for every campaign: keep those of this campaign's targets.
  auto flagged = store.flagged_contacts();
  if (!flagged.ok()) return flagged.error();
  std::set<std::string> addresses;
  for (const auto& t : c.targets) {
    if (t.contact.email) addresses.insert(ascii_lower(*t.contact.email));
  }
  for (auto& f : flagged.value()) {
    if (addresses.count(ascii_lower(f.address)) != 0) d.bounced_contacts.push_back(std::move(f));
  }

  if (c.channel_enabled(domain::Channel::call)) {
    auto calls = call_tallies(store, c, settings.calls.wrong_number_flag_after);
    if (!calls.ok()) return calls.error();
    for (auto& t : calls.value()) {
      if (t.flagged) d.wrong_numbers.push_back(std::move(t));
    }
  }
  return d;
}

}  // namespace twinning::app
