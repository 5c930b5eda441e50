#include "app/static_export.hpp"

#include <algorithm>
#include <set>

#include "render/text.hpp"

namespace twinning::app {

std::string sitemap_xml(const std::vector<SitemapUrl>& urls) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
  for (const auto& u : urls) {
    out += "<url><loc>" + render::html_escape(u.loc) + "</loc>";
    for (const auto& [code, href] : u.alternates) {
      out += "<xhtml:link rel=\"alternate\" hreflang=\"" + render::html_escape(code) + "\" href=\"" +
             render::html_escape(href) + "\"/>";
    }
    out += "</url>\n";
  }
  out += "</urlset>\n";
  return out;
}

Result<std::vector<ExportFile>> export_files(const Site& site, const std::filesystem::path& static_dir,
                                             const std::string& public_url, const std::string& default_lang,
                                             std::chrono::sys_seconds now) {
  std::vector<ExportFile> files;
  const auto interface_langs = site.languages();
  std::vector<SitemapUrl> sitemap;
  for (const auto& id : site.ids()) {
    if (std::find(interface_langs.begin(), interface_langs.end(), id) != interface_langs.end()) {
      return Error::make(ErrorKind::bad_request, "the campaign id \"" + id +
                                                     "\" is also a language code: its folder would hold the " + id +
                                                     " index; rename the campaign");
    }
    const CampaignEntry& entry = *site.find(id);
    const bool closed = !entry.campaign.open_at(now);
    const auto& pages = closed ? entry.closed_pages : entry.open_pages;
    std::vector<std::pair<std::string, std::string>> alternates;
    for (const auto& lang : entry.campaign.languages) {
      alternates.emplace_back(lang, public_url + render::campaign_path(id, lang));
    }
    for (const auto& lang : entry.campaign.languages) {
      auto page = pages.find(lang);
      if (page == pages.end()) continue;
      files.push_back({id + "/" + lang + "/index.html", page->second.body});
      sitemap.push_back({public_url + render::campaign_path(id, lang), alternates});
    }
  }
  std::vector<std::pair<std::string, std::string>> index_alternates;
  for (const auto& lang : interface_langs) index_alternates.emplace_back(lang, public_url + "/" + lang + "/");
  files.push_back({"index.html", site.index(default_lang).body});
  sitemap.push_back({public_url + "/", index_alternates});
  for (const auto& lang : interface_langs) {
    files.push_back({lang + "/index.html", site.index(lang).body});
  }
  // Only the files the server serves: what is in the folder but not served stays out too.
  std::error_code ec;
  std::vector<std::string> names;
  for (auto it = std::filesystem::directory_iterator(static_dir, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  if (ec) return Error::make(ErrorKind::io, "cannot list " + static_dir.string() + ": " + ec.message());
  for (const auto& name : names) {
    if (const Asset* a = site.static_file(name)) files.push_back({"static/" + name, a->body});
  }
  std::sort(sitemap.begin(), sitemap.end(), [](const SitemapUrl& a, const SitemapUrl& b) { return a.loc < b.loc; });
  files.push_back({"sitemap.xml", std::make_shared<const std::string>(sitemap_xml(sitemap))});
  std::sort(files.begin(), files.end(), [](const ExportFile& a, const ExportFile& b) { return a.path < b.path; });
  return files;
}

}  // namespace twinning::app
