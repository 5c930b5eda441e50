// `twinning review [list [CAMPAIGN]] | release ACTION | reject ACTION`: the messages held because
// many people sent the same written text within minutes (docs/decisions/0013-review-queue.md).
// The organizer reads the text and lets the messages go on, or stops them for good.
#include <chrono>
#include <ostream>

#include <fmt/format.h>

#include "cli/cli.hpp"
#include "store/store.hpp"
#include "store/time_text.hpp"

namespace twinning::cli {

int review(const ReviewCommand& c, const Settings& settings, std::ostream& out, std::ostream& err) {
  store::SqliteOptions options;
  options.read_only = c.action == ReviewCommand::Action::list;
  auto opened = store::open_sqlite(settings.data_dir, options);
  if (!opened.ok()) {
    if (opened.error().kind == ErrorKind::not_found && c.action == ReviewCommand::Action::list) {
      out << "nothing waits for review: there is no store in " << settings.data_dir.string() << "\n";
      return 0;
    }
    err << "twinning review: cannot open the store in " << settings.data_dir.string() << ": "
        << opened.error().message << "\n";
    return 1;
  }
  auto& store = *opened.value();
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  switch (c.action) {
    case ReviewCommand::Action::list: {
      auto items = store.list_review(c.campaign, 1000);
      if (!items.ok()) {
        err << "twinning review: " << items.error().message << "\n";
        return 1;
      }
      if (items.value().empty()) {
        out << "nothing waits for review" << (c.campaign.empty() ? "" : " in " + c.campaign) << "\n";
        return 0;
      }
      for (const auto& i : items.value()) {
        out << fmt::format("action {}  {}  {}  {} <{}>  {} message(s), {}; the same text from {} people\n",
                           i.action_id, store::format_time(i.created_at), i.campaign, i.supporter_name,
                           i.supporter_email, i.messages, i.status, i.same_text_people);
        std::string text = i.text;
        for (std::size_t p = 0; (p = text.find('\n', p)) != std::string::npos; p += 3) text.replace(p, 1, "\n  | ");
        out << "  | " << text << "\n";
      }
      out << "release with `twinning review release ACTION`, stop with `twinning review reject ACTION`\n";
      return 0;
    }
    case ReviewCommand::Action::release:
    case ReviewCommand::Action::reject: {
      const bool release = c.action == ReviewCommand::Action::release;
      auto moved = release ? store.release_review(c.action_id, now) : store.reject_review(c.action_id, now);
      if (!moved.ok()) {
        err << "twinning review: " << moved.error().message << "\n";
        return moved.error().kind == ErrorKind::not_found ? 2 : 1;
      }
      out << moved.value() << " message(s) of action " << c.action_id
          << (release ? " released: they go on (or wait for the supporter's confirmation)"
                      : " rejected: they will not be sent")
          << "\n";
      return 0;
    }
  }
  return 2;
}

}  // namespace twinning::cli
