#pragma once
// What the server serves, built once at start (and again on reload): every campaign page in every
// language, pre-rendered with a strong ETag and a gzip variant, the index pages and the static
// files. Immutable once built, shared by all connections without copies.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "common/result.hpp"
#include "domain/campaign.hpp"
#include "i18n/catalog.hpp"
#include "mail/links.hpp"
#include "render/page.hpp"

namespace twinning::app {

// One representation of a resource, ready to send.
struct Asset {
  std::shared_ptr<const std::string> body;
  std::shared_ptr<const std::string> gzipped;  // null when compression does not pay
  std::string etag;
  std::string content_type;
};
Asset make_asset(std::string body, std::string content_type);

struct CampaignEntry {
  domain::Campaign campaign;
  std::map<std::string, Asset> open_pages;    // by language
  std::map<std::string, Asset> closed_pages;  // by language, shown once the campaign has ended
  std::map<std::string, Asset> open_embeds;   // the embed snippet's page, by language
  std::map<std::string, Asset> closed_embeds;
  std::map<std::string, std::string> titles;  // the page title, by language
  // The email draft the page shows (subject, body), by language: what an edit is measured against.
  std::map<std::string, std::pair<std::string, std::string>> email_drafts;
  // The "send it from my own mail" links of that draft, by language: where the counting redirect
  // sends the supporter (GET /{campaign}/{lang}/email/open/{via}).
  std::map<std::string, mail::ComposeLinks> own_mail_links;
};

class Site {
 public:
  // Renders everything. Fails when a campaign does not pass check or a template is broken.
  static Result<std::shared_ptr<const Site>> build(const Settings& settings, const std::string& base_url);

  const CampaignEntry* find(const std::string& id) const;
  const std::vector<std::string>& ids() const { return ids_; }
  // The index page for `lang` (falls back to English).
  const Asset& index(const std::string& lang) const;
  const Asset* static_file(const std::string& name) const;
  // The email draft shown on a campaign's page in `lang`; empty strings when there is none.
  std::pair<std::string, std::string> email_draft(const std::string& id, const std::string& lang) const;
  const i18n::Catalogs& catalogs() const { return catalogs_; }
  const render::Pages& pages() const { return pages_; }
  const std::string& base_url() const { return base_url_; }
  // The headers every response carries unless its handler sets its own (http/security_headers.hpp).
  const std::vector<std::pair<std::string, std::string>>& security_headers() const { return security_headers_; }
  // Every language the interface has words for.
  std::vector<std::string> languages() const { return catalogs_.languages(); }

 private:
  i18n::Catalogs catalogs_;
  render::Pages pages_;
  std::string base_url_;
  std::vector<std::pair<std::string, std::string>> security_headers_;
  std::map<std::string, CampaignEntry> campaigns_;
  std::vector<std::string> ids_;
  std::map<std::string, Asset> index_;
  std::map<std::string, Asset> static_;
};

// The resources folder: the configured one, else the source tree the binary was built from.
std::filesystem::path resources_dir(const Settings& settings);

}  // namespace twinning::app
