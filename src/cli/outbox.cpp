// `twinning outbox`: what the outbox holds and why, and the operator's levers (retry one
// message, pause and resume all sending).
#include <fmt/format.h>

#include <iostream>
#include <set>

#include "cli/delivery_commands.hpp"
#include "store/store.hpp"
#include "store/time_text.hpp"

namespace twinning::cli {

namespace {

// One line per message; the error is cut so the table stays readable (the full text is in the
// store and in `--state failed` rows' last column when short).
std::string cut(std::string s, std::size_t max) {
  for (auto& c : s) {
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  }
  if (s.size() > max) s = s.substr(0, max - 3) + "...";
  return s;
}

void print_table(std::ostream& out, const std::vector<store::OutboxRow>& rows) {
  out << fmt::format("{:>6}  {:<8}  {:<32}  {:>8}  {:<20}  {}\n", "id", "state", "recipient", "attempts",
                     "next attempt", "last error");
  for (const auto& r : rows) {
    const bool waiting = r.state == "queued";
    out << fmt::format("{:>6}  {:<8}  {:<32}  {:>8}  {:<20}  {}\n", r.id, r.state, cut(r.recipient, 32), r.attempts,
                       waiting ? store::format_time(r.next_attempt_at) : "-", cut(r.last_error, 200));
  }
}

}  // namespace

int outbox(const OutboxCommand& command, const Settings& settings, std::ostream& out, std::ostream& err) {
  static const std::set<std::string> states = {"held", "queued", "sending", "sent", "failed", "expired"};
  if (command.state && states.count(*command.state) == 0) {
    err << "twinning outbox: --state must be one of held, queued, sending, sent, failed, expired; not \""
        << *command.state << "\"\n";
    return 2;
  }
  using Action = OutboxCommand::Action;
  store::SqliteOptions options;
  // Looking must not create an empty store in a mistyped --data folder.
  options.read_only = command.action == Action::list || command.action == Action::flagged;
  auto opened = store::open_sqlite(settings.data_dir, options);
  if (!opened) {
    err << "twinning outbox: cannot open the store in " << settings.data_dir.string() << ": "
        << opened.error().message << "\n";
    return 1;
  }
  store::Store& store = *opened.value();
  auto fail = [&](const Error& e) {
    err << "twinning outbox: " << e.message << "\n";
    return 1;
  };
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());

  switch (command.action) {
    case Action::list: {
      store::OutboxFilter filter;
      filter.state = command.state;
      filter.limit = command.limit;
      auto rows = store.list_outbox(filter);
      if (!rows) return fail(rows.error());
      auto paused = store.outbox_paused();
      if (paused && *paused) out << "sending is PAUSED (twinning outbox resume starts it again)\n";
      print_table(out, *rows);
      return 0;
    }
    case Action::retry: {
      if (command.id <= 0) {
        err << "twinning outbox retry: give the id of a message (see twinning outbox list)\n";
        return 2;
      }
      if (auto r = store.outbox_requeue(command.id, now); !r) return fail(r.error());
      if (auto r = store.flush(); !r) return fail(r.error());
      out << "message " << command.id << " is queued again\n";
      return 0;
    }
    case Action::pause:
    case Action::resume: {
      const bool pause = command.action == Action::pause;
      if (auto r = store.set_outbox_paused(pause); !r) return fail(r.error());
      out << (pause ? "sending paused: nothing leaves the outbox until twinning outbox resume\n"
                    : "sending resumed\n");
      return 0;
    }
    case Action::flagged: {
      auto flagged = store.flagged_contacts();
      if (!flagged) return fail(flagged.error());
      out << fmt::format("{:<40}  {:<20}  {}\n", "address", "flagged at", "reason");
      for (const auto& f : *flagged) {
        out << fmt::format("{:<40}  {:<20}  {}\n", f.address, store::format_time(f.flagged_at), cut(f.reason, 200));
      }
      return 0;
    }
  }
  return 2;
}

}  // namespace twinning::cli
