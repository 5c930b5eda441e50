#include "app/site.hpp"

#include "app/app.hpp"

#include <fstream>
#include <sstream>

#include "campaign/load.hpp"
#include "http/security_headers.hpp"
#include "render/channel_view.hpp"
#include "render/compose.hpp"
#include "render/encode.hpp"
#include "render/text.hpp"

namespace twinning::app {

Asset make_asset(std::string body, std::string content_type) {
  Asset a;
  a.etag = render::strong_etag(body);
  a.content_type = std::move(content_type);
  std::string gz = render::gzip(body);
  if (gz.size() + 64 < body.size()) a.gzipped = std::make_shared<const std::string>(std::move(gz));
  a.body = std::make_shared<const std::string>(std::move(body));
  return a;
}

Clock system_clock() {
  return [] { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); };
}

std::filesystem::path resources_dir(const Settings& settings) {
  if (!settings.resources_dir.empty()) return settings.resources_dir;
  return TWINNING_DEFAULT_RESOURCES;
}

namespace {

// The static files the pages use, listed: nothing else under static/ is served.
const std::pair<const char*, const char*> kStaticFiles[] = {
    {"app.js", "text/javascript; charset=utf-8"},
    {"page.css", "text/css; charset=utf-8"},
    {"favicon.svg", "image/svg+xml"},
    {"embed.js", "text/javascript; charset=utf-8"},
};

Result<std::string> slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Error::make(ErrorKind::io, "cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Result<std::shared_ptr<const Site>> Site::build(const Settings& settings, const std::string& base_url) {
  auto site = std::make_shared<Site>();
  const auto resources = resources_dir(settings);
  auto catalogs = i18n::Catalogs::load(resources / "locales");
  if (!catalogs.ok()) return catalogs.error();
  site->catalogs_ = std::move(catalogs).value();
  auto pages = render::Pages::load(resources);
  if (!pages.ok()) return pages.error();
  site->pages_ = std::move(pages).value();
  site->security_headers_ = http::security_headers(site->pages_.css(), settings.embed_origins);
  site->pages_.allow_webform_automation(settings.webform.automated_hosts);
  site->base_url_ = base_url;

  std::string problems;
  for (auto& [id, loaded] : campaign::load_all(settings.campaigns_dir)) {
    for (const auto& p : loaded.problems) {
      if (p.severity == campaign::Problem::Severity::error) problems += "\n  " + campaign::format_problem(p);
    }
    if (!loaded.ok()) continue;
    CampaignEntry entry;
    entry.campaign = std::move(*loaded.campaign);
    for (const auto& lang : entry.campaign.languages) {
      if (!site->catalogs_.has(lang)) {
        problems += "\n  " + id + ": language '" + lang + "' has no interface words: add locales/" + lang + ".yaml";
        continue;
      }
      if (const auto* title = entry.campaign.text(lang, "page.title")) {
        auto rendered = render::render_text(*title, render::campaign_vars(entry.campaign, lang, base_url));
        entry.titles[lang] = rendered.ok() ? rendered.value() : entry.campaign.id;
      }
      if (entry.campaign.channel_enabled(domain::Channel::email)) {
        const auto& catalogs_ref = site->catalogs_;
        render::ViewContext ctx{entry.campaign, lang, base_url + render::campaign_path(id, lang), {}, true,
                                [&catalogs_ref](const std::string& l, const std::string& key) {
                                  return catalogs_ref.get(l).get(key);
                                },
                                std::nullopt};
        auto view = render::channel_view(ctx, domain::Channel::email);
        if (view.ok() && view.value().contains("draft")) {
          entry.email_drafts[lang] = {view.value()["draft"]["subject"], view.value()["draft"]["body"]};
        }
        if (auto links = mail::own_mail_links(ctx); links.ok()) entry.own_mail_links[lang] = std::move(links).value();
      }
      for (bool closed : {false, true}) {
        auto html = site->pages_.campaign(entry.campaign, site->catalogs_, lang, base_url, closed);
        if (!html.ok()) return html.error();
        (closed ? entry.closed_pages : entry.open_pages)
            .emplace(lang, make_asset(std::move(html).value(), "text/html; charset=utf-8"));
        auto embed = site->pages_.campaign(entry.campaign, site->catalogs_, lang, base_url, closed, {}, true);
        if (!embed.ok()) return embed.error();
        (closed ? entry.closed_embeds : entry.open_embeds)
            .emplace(lang, make_asset(std::move(embed).value(), "text/html; charset=utf-8"));
      }
    }
    site->ids_.push_back(id);
    site->campaigns_.emplace(id, std::move(entry));
  }
  if (!problems.empty()) {
    return Error::make(ErrorKind::invalid_campaign,
                       "campaigns in " + settings.campaigns_dir.string() + " do not pass check:" + problems +
                           "\nRun `twinning check DIR` on each, fix what it reports, and start again.");
  }

  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  for (const auto& lang : site->catalogs_.languages()) {
    std::vector<const domain::Campaign*> list;
    std::vector<bool> closed;
    for (const auto& id : site->ids_) {
      const auto& c = site->campaigns_.at(id).campaign;
      list.push_back(&c);
      closed.push_back(!c.open_at(now));
    }
    site->index_.emplace(lang, make_asset(site->pages_.index(list, closed, site->catalogs_, lang),
                                          "text/html; charset=utf-8"));
  }
  for (const auto& [name, type] : kStaticFiles) {
    auto body = slurp(resources / "static" / name);
    if (!body.ok()) return body.error();
    site->static_.emplace(name, make_asset(std::move(body).value(), type));
  }
  return std::shared_ptr<const Site>(std::move(site));
}

const CampaignEntry* Site::find(const std::string& id) const {
  auto it = campaigns_.find(id);
  return it == campaigns_.end() ? nullptr : &it->second;
}

std::pair<std::string, std::string> Site::email_draft(const std::string& id, const std::string& lang) const {
  const auto* entry = find(id);
  if (entry == nullptr) return {};
  auto it = entry->email_drafts.find(lang);
  return it == entry->email_drafts.end() ? std::pair<std::string, std::string>{} : it->second;
}

const Asset& Site::index(const std::string& lang) const {
  auto it = index_.find(lang);
  return it != index_.end() ? it->second : index_.at("en");
}

const Asset* Site::static_file(const std::string& name) const {
  auto it = static_.find(name);
  return it == static_.end() ? nullptr : &it->second;
}

}  // namespace twinning::app
