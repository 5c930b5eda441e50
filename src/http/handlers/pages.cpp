// GET routes: the index, a campaign's pages, the thanks page and static files.
#include "http/form.hpp"
#include "http/handlers/handlers.hpp"

namespace twinning::http::handlers {

namespace {

constexpr const char* kRevalidate = "no-cache";  // pages may change on reload: always revalidate (ETag)
constexpr const char* kStaticCache = "public, max-age=3600";

void not_found(app::App& app, Request& req, const Respond& respond) {
  respond(render_error(app, &req, Error::make(ErrorKind::not_found, "no such page")));
}

}  // namespace

void add_page_routes(Router& router, app::App& app) {
  router.add("GET", "/", [&app](Request& req, Respond respond) {
    auto site = app.site();
    Response res = asset_response(req, site->index(visitor_language(*site, req)), kRevalidate);
    res.set_header("Vary", "Accept-Encoding, Accept-Language");
    respond(std::move(res));
  });

  router.add("GET", "/static/{file}", [&app](Request& req, Respond respond) {
    auto site = app.site();
    const auto* asset = site->static_file(std::string(req.param("file")));
    if (asset == nullptr) return not_found(app, req, respond);
    respond(asset_response(req, *asset, kStaticCache));
  });

  // A campaign without a language: the visitor's language among the campaign's.
  router.add("GET", "/{campaign}/", [&app](Request& req, Respond respond) {
    auto site = app.site();
    const auto* entry = site->find(std::string(req.param("campaign")));
    if (entry == nullptr) return not_found(app, req, respond);
    const auto& c = entry->campaign;
    const std::string lang =
        i18n::negotiate_language(req.header("Accept-Language").value_or(""), c.languages, c.default_language());
    Response res = redirect(302, render::campaign_path(c.id, lang));
    res.set_header("Vary", "Accept-Language");
    respond(std::move(res));
  });

  router.add("GET", "/{campaign}/{lang}/", [&app](Request& req, Respond respond) {
    auto site = app.site();
    const auto* entry = site->find(std::string(req.param("campaign")));
    if (entry == nullptr) return not_found(app, req, respond);
    const std::string lang(req.param("lang"));
    const bool closed = !entry->campaign.open_at(app.now());
    const auto& pages = closed ? entry->closed_pages : entry->open_pages;
    auto it = pages.find(lang);
    if (it == pages.end()) return not_found(app, req, respond);
    if (!req.query.empty()) return answer_page_for_caller(app, req, *entry, lang, it->second, closed, respond);
    Response res = asset_response(req, it->second, kRevalidate);
    res.set_header("Content-Language", lang);
    respond(std::move(res));
  });

  // The page the embed snippet (static/embed.js) frames on organizers' sites: the action section
  // and the form. Which sites may frame it is the CSP's frame-ancestors (settings embed_origins).
  router.add("GET", "/{campaign}/{lang}/embed", [&app](Request& req, Respond respond) {
    auto site = app.site();
    const auto* entry = site->find(std::string(req.param("campaign")));
    if (entry == nullptr) return not_found(app, req, respond);
    const std::string lang(req.param("lang"));
    const bool closed = !entry->campaign.open_at(app.now());
    const auto& pages = closed ? entry->closed_embeds : entry->open_embeds;
    auto it = pages.find(lang);
    if (it == pages.end()) return not_found(app, req, respond);
    Response res = asset_response(req, it->second, kRevalidate);
    res.set_header("Content-Language", lang);
    respond(std::move(res));
  });

  // Where the plain form lands after a POST (303), so a reload does not post again.
  router.add("GET", "/{campaign}/{lang}/thanks", [&app](Request& req, Respond respond) {
    auto site = app.site();
    const auto* entry = site->find(std::string(req.param("campaign")));
    const std::string lang(req.param("lang"));
    if (entry == nullptr || !entry->campaign.has_language(lang)) return not_found(app, req, respond);
    auto query = parse_query(req.query, app.settings().limits);
    if (!query.ok()) return respond(render_error(app, &req, query.error()));
    bool duplicate = false;
    for (const auto& [k, v] : query.value()) {
      if (k == "r") duplicate = v == "duplicate";
    }
    const auto& t = site->catalogs().get(lang);
    render::Notice n;
    n.title = t.get("thanks.title");
    n.paragraphs = {duplicate ? t.get("thanks.duplicate") : recorded_text(*entry, lang, t), t.get("thanks.next")};
    n.link_href = render::campaign_path(entry->campaign.id, lang);
    n.link_text = t.get("thanks.back");
    Response res = Response::text(200, site->pages().notice(site->catalogs(), lang, n), "text/html; charset=utf-8");
    res.set_header("Content-Language", lang);
    res.set_header("Cache-Control", "no-store");
    respond(std::move(res));
  });
}

}  // namespace twinning::http::handlers
