// GET routes beside a campaign page for passing it on: its Open Graph image, the QR code of its
// address, and the redirect to a supporter's own Mastodon server with the post filled in.
#include <map>
#include <mutex>

#include "domain/post_text.hpp"
#include "http/form.hpp"
#include "http/handlers/handlers.hpp"
#include "render/compose.hpp"
#include "render/og_image.hpp"
#include "render/page.hpp"
#include "render/post_view.hpp"
#include "render/qr.hpp"
#include "render/share_meta.hpp"

namespace twinning::http::handlers {

namespace {

// The images change only when the campaign's texts or the public URL do (a reload): cached an
// hour, revalidated by ETag.
constexpr const char* kImageCache = "public, max-age=3600";

// Images made on first request and kept while what they show stays the same: drawing the Open
// Graph image takes tens of milliseconds, far too long to repeat per request. One entry per
// image, campaign and language; a changed content replaces it.
class ImageCache {
 public:
  template <typename Make>
  Result<app::Asset> get(const std::string& key, const std::string& content, Make make) {
    {
      std::lock_guard lock(mutex_);
      auto it = items_.find(key);
      if (it != items_.end() && it->second.first == content) return it->second.second;
    }
    // Made outside the lock: two first requests may both draw; the result is the same.
    Result<app::Asset> made = make();
    if (!made.ok()) return made;
    std::lock_guard lock(mutex_);
    items_[key] = {content, made.value()};
    return made;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::pair<std::string, app::Asset>> items_;
};

ImageCache& image_cache() {
  static ImageCache cache;
  return cache;
}

// The campaign and language of the path, or null when there is no such page.
const app::CampaignEntry* page_of(const app::Site& site, const Request& req, std::string& lang) {
  const auto* entry = site.find(std::string(req.param("campaign")));
  lang = std::string(req.param("lang"));
  if (entry == nullptr || !entry->campaign.has_language(lang)) return nullptr;
  return entry;
}

void not_found(app::App& app, const Request& req, const Respond& respond) {
  respond(render_error(app, &req, Error::make(ErrorKind::not_found, "no such page")));
}

}  // namespace

void add_share_routes(Router& router, app::App& app) {
  router.add("GET", "/{campaign}/{lang}/og.png", [&app](Request& req, Respond respond) {
    auto site = app.site();
    std::string lang;
    const auto* entry = page_of(*site, req, lang);
    if (entry == nullptr) return not_found(app, req, respond);
    const auto text = render::og_image_text(entry->campaign, lang, site->base_url());
    const std::string content = text.title + '\n' + text.subtitle + '\n' + text.footer;
    auto asset = image_cache().get("og/" + entry->campaign.id + "/" + lang, content, [&]() -> Result<app::Asset> {
      auto png = render::og_image_png(text);
      if (!png.ok()) return png.error();
      return app::make_asset(std::move(png).value(), "image/png");
    });
    if (!asset.ok()) return respond(render_error(app, &req, asset.error()));
    respond(asset_response(req, asset.value(), kImageCache));
  });

  router.add("GET", "/{campaign}/{lang}/qr.svg", [&app](Request& req, Respond respond) {
    auto site = app.site();
    std::string lang;
    const auto* entry = page_of(*site, req, lang);
    if (entry == nullptr) return not_found(app, req, respond);
    const std::string url = site->base_url() + render::campaign_path(entry->campaign.id, lang);
    const std::string title = site->catalogs().get(lang).get("channel.share.qr_alt");
    auto asset = image_cache().get("qr/" + entry->campaign.id + "/" + lang, url + '\n' + title,
                                   [&]() -> Result<app::Asset> {
                                     auto svg = render::qr_svg(url, title);
                                     if (!svg.ok()) return svg.error();
                                     return app::make_asset(std::move(svg).value(), "image/svg+xml; charset=utf-8");
                                   });
    if (!asset.ok()) return respond(render_error(app, &req, asset.error()));
    respond(asset_response(req, asset.value(), kImageCache));
  });

  // The page's Mastodon form (GET ?instance=HOST&text=POST): on to that server's share page with
  // the post filled in. The host is checked strictly, so this never sends anyone anywhere but
  // to https://<a proper host name>/share.
  router.add("GET", "/{campaign}/{lang}/mastodon", [&app](Request& req, Respond respond) {
    auto site = app.site();
    std::string lang;
    const auto* entry = page_of(*site, req, lang);
    if (entry == nullptr || !entry->campaign.channel_enabled(domain::Channel::post)) {
      return not_found(app, req, respond);
    }
    auto query = parse_query(req.query, app.settings().limits);
    if (!query.ok()) return respond(render_error(app, &req, query.error()));
    const std::string page_url = site->base_url() + render::campaign_path(entry->campaign.id, lang);
    std::string text(find_field(query.value(), "text").value_or(""));
    if (text.empty()) {
      // Without the page's text box (an old link): the campaign's post as written.
      auto composed = render::compose(entry->campaign, lang, "post.text",
                                      render::campaign_vars(entry->campaign, lang, page_url));
      if (!composed.ok()) return respond(render_error(app, &req, composed.error()));
      text = std::move(composed).value();
    }
    auto rules = domain::PostText::shared();
    if (!rules.ok()) return respond(render_error(app, &req, rules.error()));
    auto host = rules.value()->mastodon_host(find_field(query.value(), "instance").value_or(""));
    if (!host.ok()) {
      if (wants_json(req)) return respond(render_error(app, &req, host.error()));
      const auto& t = site->catalogs().get(lang);
      render::Notice n;
      n.title = t.get("error.title");
      n.paragraphs = {t.get("channel.post.mastodon_invalid")};
      n.errors = {host.error().message};
      n.link_href = render::campaign_path(entry->campaign.id, lang) + "#channel-post";
      n.link_text = t.get("thanks.back");
      Response res = Response::text(400, site->pages().notice(site->catalogs(), lang, n), "text/html; charset=utf-8");
      res.set_header("Content-Language", lang);
      res.set_header("Cache-Control", "no-store");
      return respond(std::move(res));
    }
    Response res = redirect(303, render::mastodon_share_url(host.value(), text));
    res.set_header("Cache-Control", "no-store");
    res.set_header("Referrer-Policy", "no-referrer");
    respond(std::move(res));
  });
}

}  // namespace twinning::http::handlers
