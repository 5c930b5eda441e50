// `twinning petition deliver CAMPAIGN [--out DIR] [--dry-run]`: the petition handed to its To
// targets — a PDF each (text, count, totals per country, comments) sent by email through the
// outbox (app/petition_delivery.hpp). --out keeps a copy of each PDF; --dry-run queues nothing.
#include <filesystem>
#include <fstream>
#include <ostream>

#include <fmt/format.h>

#include "app/petition_delivery.hpp"
#include "app/site.hpp"
#include "campaign/load.hpp"
#include "cli/cli.hpp"
#include "render/address_block.hpp"
#include "render/page.hpp"

namespace twinning::cli {
namespace {

constexpr std::size_t kMaxComments = 2000;  // about 100 pages; the rest are counted, not printed

}  // namespace

int petition_deliver(const PetitionOptions& o, const Settings& settings, std::ostream& out, std::ostream& err) {
  auto loaded = campaign::load_campaign(settings.campaigns_dir / o.campaign);
  if (!loaded.ok()) {
    err << "twinning petition: " << (settings.campaigns_dir / o.campaign).string()
        << " does not load; run `twinning check` on it\n";
    return 1;
  }
  const auto& c = *loaded.campaign;
  if (!c.channel_enabled(domain::Channel::petition)) {
    err << "twinning petition: the campaign " << o.campaign << " has no petition\n";
    return 2;
  }
  auto catalogs = i18n::Catalogs::load(app::resources_dir(settings) / "locales");
  if (!catalogs.ok()) {
    err << "twinning petition: " << catalogs.error().message << "\n";
    return 1;
  }
  auto formatter = render::address_formatter();
  if (!formatter.ok()) {
    err << "twinning petition: " << formatter.error().message << "\n";
    return 1;
  }
  store::SqliteOptions options;
  options.read_only = o.dry_run;
  auto opened = store::open_sqlite(settings.data_dir, options);
  if (!opened.ok()) {
    err << "twinning petition: cannot open the store in " << settings.data_dir.string() << ": "
        << opened.error().message << "\n";
    return 1;
  }
  auto* api = store::api_store(*opened.value());
  if (api == nullptr) {
    err << "twinning petition: this store cannot list signatures\n";
    return 1;
  }
  auto tally = app::tally_petition(*api, c.id, kMaxComments);
  if (!tally.ok()) {
    err << "twinning petition: " << tally.error().message << "\n";
    return 1;
  }
  if (tally.value().count == 0) {
    err << "twinning petition: no confirmed signature yet; nothing delivered\n";
    return 2;
  }
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string page_url = settings.base_url() + render::campaign_path(c.id, c.default_language());
  auto deliveries = app::petition_deliveries(c, tally.value(), catalogs.value(), *formatter.value(), page_url,
                                             settings.mail, now);
  if (!deliveries.ok()) {
    err << "twinning petition: " << deliveries.error().message << "\n";
    return 1;
  }
  if (!o.out.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.out, ec);
    for (const auto& d : deliveries.value()) {
      const auto file = o.out / ("petition-" + c.id + "-" + d.target + ".pdf");
      std::ofstream f(file, std::ios::binary | std::ios::trunc);
      f << d.pdf;
      if (!f) {
        err << "twinning petition: cannot write " << file.string() << "\n";
        return 1;
      }
      out << "wrote " << file.string() << "\n";
    }
  }
  for (const auto& d : deliveries.value()) {
    out << fmt::format("{} signatures, {} countries, {} comments -> {} <{}>\n", tally.value().count,
                       tally.value().by_country.size(), tally.value().comments.size(), d.target, d.message.recipient);
  }
  if (o.dry_run) {
    out << "dry run: nothing queued\n";
    return 0;
  }
  std::vector<store::OutboxMessage> messages;
  for (const auto& d : deliveries.value()) messages.push_back(d.message);
  auto queued = opened.value()->queue_messages(messages, now);
  if (!queued.ok()) {
    err << "twinning petition: " << queued.error().message << "\n";
    return 1;
  }
  out << queued.value() << " message(s) queued; `twinning outbox list` shows them, `serve` or `deliver` sends them\n";
  return 0;
}

}  // namespace twinning::cli
