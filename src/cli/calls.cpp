// `twinning calls CAMPAIGN`: the outcomes supporters reported after calling, per target, and the
// numbers several "wrong number" reports flag for organizers to check.
#include <ostream>

#include <fmt/format.h>

#include "app/call.hpp"
#include "campaign/load.hpp"
#include "cli/cli.hpp"
#include "store/store.hpp"

namespace twinning::cli {

int calls(const std::string& campaign_id, const Settings& settings, std::ostream& out, std::ostream& err) {
  // The campaign gives the call targets (listed even before anyone called) and their numbers.
  auto loaded = campaign::load_campaign(settings.campaigns_dir / campaign_id);
  if (!loaded.ok()) {
    err << "twinning calls: " << (settings.campaigns_dir / campaign_id).string()
        << " does not load; run `twinning check` on it:\n";
    for (const auto& p : loaded.problems) err << "  " << campaign::format_problem(p) << "\n";
    return 1;
  }
  const auto& c = *loaded.campaign;
  if (!c.channel_enabled(domain::Channel::call)) {
    out << c.id << " has no call channel\n";
    return 0;
  }
  store::SqliteOptions options;
  options.read_only = true;  // looking must not create a store in a mistyped --data folder
  auto opened = store::open_sqlite(settings.data_dir, options);
  if (!opened.ok() && opened.error().kind != ErrorKind::not_found) {
    err << "twinning calls: cannot open the store in " << settings.data_dir.string() << ": "
        << opened.error().message << "\n";
    return 1;
  }
  const std::int64_t flag_after = settings.calls.wrong_number_flag_after;
  std::vector<domain::CallTally> tallies;
  if (opened.ok()) {
    auto counted = app::call_tallies(*opened.value(), c, flag_after);
    if (!counted.ok()) {
      err << "twinning calls: " << counted.error().message << "\n";
      return 1;
    }
    tallies = std::move(counted).value();
  } else {
    // No store yet: nobody has reported anything, but the targets are still worth listing.
    std::vector<std::string> targets;
    for (const auto* t : c.targets_for(domain::Channel::call)) targets.push_back(t->id);
    tallies = domain::tally_calls(targets, {}, flag_after);
  }

  auto number_of = [&](const std::string& id) {
    const auto* t = c.find_target(id);
    return t != nullptr && t->contact.phone ? *t->contact.phone : std::string("(not in the campaign)");
  };
  out << fmt::format("{:<28}  {:<16}  {:>7}  {:>9}  {:>9}  {:>12}\n", "target", "number", "reached", "voicemail",
                     "no answer", "wrong number");
  std::vector<const domain::CallTally*> flagged;
  for (const auto& t : tallies) {
    out << fmt::format("{:<28}  {:<16}  {:>7}  {:>9}  {:>9}  {:>12}{}\n", t.target, number_of(t.target),
                       t.count(domain::CallOutcome::reached), t.count(domain::CallOutcome::voicemail),
                       t.count(domain::CallOutcome::no_answer), t.count(domain::CallOutcome::wrong_number),
                       t.flagged ? "  flagged" : "");
    if (t.flagged) flagged.push_back(&t);
  }
  for (const auto* t : flagged) {
    out << fmt::format("flagged: {} ({}) has {} wrong-number reports (flagged from {}): check the number, fix "
                       "contact.phone and run `twinning check`\n",
                       number_of(t->target), t->target, t->count(domain::CallOutcome::wrong_number), flag_after);
  }
  return 0;
}

}  // namespace twinning::cli
