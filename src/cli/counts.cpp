// `twinning counts CAMPAIGN [--channel C]`: what supporters did that is counted, not recorded as
// their action (own-mail opens, call outcomes, shares), summed over every day.
#include <ostream>

#include <fmt/format.h>

#include "cli/cli.hpp"
#include "store/store.hpp"

namespace twinning::cli {

int counts(const std::string& campaign, const std::string& channel, const Settings& settings, std::ostream& out,
           std::ostream& err) {
  store::SqliteOptions options;
  options.read_only = true;  // looking must not create a store in a mistyped --data folder
  auto opened = store::open_sqlite(settings.data_dir, options);
  if (!opened.ok()) {
    if (opened.error().kind == ErrorKind::not_found) {
      out << "nothing counted yet: there is no store in " << settings.data_dir.string() << "\n";
      return 0;
    }
    err << "twinning counts: cannot open the store in " << settings.data_dir.string() << ": "
        << opened.error().message << "\n";
    return 1;
  }
  store::EventFilter filter{campaign, std::nullopt};
  if (!channel.empty()) filter.channel = channel;
  auto rows = opened.value()->count_events(filter);
  if (!rows.ok()) {
    err << "twinning counts: " << rows.error().message << "\n";
    return 1;
  }
  if (rows.value().empty()) {
    out << "nothing counted yet for " << campaign << (channel.empty() ? "" : " on " + channel) << "\n";
    return 0;
  }
  out << fmt::format("{:<10}  {:<32}  {:<24}  {:>8}\n", "channel", "target", "what", "count");
  for (const auto& c : rows.value()) {
    out << fmt::format("{:<10}  {:<32}  {:<24}  {:>8}\n", c.channel, c.target.empty() ? "-" : c.target, c.kind, c.count);
  }
  return 0;
}

}  // namespace twinning::cli
