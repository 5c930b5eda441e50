// GET /{campaign}/{lang}/progress: how many actions the campaign has counted, for the public
// page's progress line (app.js). From the counters kept on write (store/organizer_store.hpp), at
// most every few seconds per campaign and language: a page view never counts rows.
#include <nlohmann/json.hpp>

#include "app/petition.hpp"
#include "http/handlers/handlers.hpp"
#include "http/handlers/timed_cache.hpp"
#include "store/organizer_store.hpp"

namespace twinning::http::handlers {

void add_progress_routes(Router& router, app::App& app) {
  auto cache = std::make_shared<TimedCache<app::Asset>>(std::chrono::seconds{5});
  router.add("GET", "/{campaign}/{lang}/progress", [&app, cache](Request& req, Respond respond) {
    auto site = app.site();
    const auto* entry = site->find(std::string(req.param("campaign")));
    const std::string lang(req.param("lang"));
    if (entry == nullptr || !entry->campaign.has_language(lang)) {
      return respond(render_error(app, &req, Error::make(ErrorKind::not_found, "no such campaign or language")));
    }
    auto asset = cache->get(entry->campaign.id + "/" + lang, app.now(), [&]() -> Result<app::Asset> {
      auto counters = store::organizer_store(app.store());
      if (!counters.ok()) return counters.error();
      auto tally = counters.value()->tally_actions(entry->campaign.id, store::TallyBy::channel);
      if (!tally.ok()) return tally.error();
      // What counts: recorded and confirmed actions, not those awaiting or past their link.
      std::int64_t count = 0;
      nlohmann::json by_channel = nlohmann::json::object();
      for (const auto& t : tally.value()) {
        if (t.status != "recorded" && t.status != "confirmed") continue;
        count += t.n;
        by_channel[t.channel] = by_channel.value(t.channel, std::int64_t{0}) + t.n;
      }
      auto text = app::signed_count_text(site->catalogs().get(lang).get("progress.count"), lang, count);
      if (!text.ok()) return text.error();
      return app::make_asset(nlohmann::json{{"count", count}, {"channels", by_channel}, {"text", text.value()}}.dump(),
                             "application/json");
    });
    if (!asset.ok()) return respond(render_error(app, &req, asset.error()));
    respond(asset_response(req, asset.value(), "public, max-age=5"));
  });
}

}  // namespace twinning::http::handlers
