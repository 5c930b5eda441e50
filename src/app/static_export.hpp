#pragma once
// `twinning build --out DIR`: the site the server serves, as files for any web server. The pages
// are the served bytes (Site), so an exported page is exactly a served one. Deterministic: the
// same campaigns, resources and time give the same files, byte for byte.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "app/site.hpp"
#include "common/result.hpp"

namespace twinning::app {

struct ExportFile {
  std::string path;  // relative, '/'-separated: "naju-haderslev/da/index.html"
  std::shared_ptr<const std::string> body;
};

// Every file of the export, sorted by path: each campaign page in each of its languages (open or
// closed as the campaign is at `now`) at ID/LANG/index.html, the index of campaigns at
// index.html (in `default_lang`) and LANG/index.html, the static files at static/NAME, and
// sitemap.xml listing every page with its hreflang alternates under `public_url`.
// bad_request when a campaign id is also a language code (their folders would collide).
Result<std::vector<ExportFile>> export_files(const Site& site, const std::filesystem::path& static_dir,
                                             const std::string& public_url, const std::string& default_lang,
                                             std::chrono::sys_seconds now);

// One <url> of the sitemap: the page and its language versions (code, absolute URL).
struct SitemapUrl {
  std::string loc;
  std::vector<std::pair<std::string, std::string>> alternates;
};
// sitemaps.org 0.9 with xhtml:link alternates (what search engines read for hreflang).
std::string sitemap_xml(const std::vector<SitemapUrl>& urls);

}  // namespace twinning::app
