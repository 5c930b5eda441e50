#pragma once
// The HTML pages: a campaign's action page per language, the index of campaigns, and the
// notices (thanks, errors, not found). Everything inserted is HTML-escaped by the templates;
// only our own rendered fragments (the form, the CSS) are inserted raw.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "domain/campaign.hpp"
#include "i18n/catalog.hpp"
#include "mail/display.hpp"
#include "render/compose.hpp"

namespace twinning::render {

// What the action form shows: the values a supporter sent (kept when a correction is asked for)
// and the problems found, by field.
struct FormState {
  std::string form = "action";  // which form of the page the values belong to: action | email
  std::map<std::string, std::string> values;  // name, email, country, phone, channel, target, consent_*
  std::vector<std::pair<std::string, std::string>> errors;  // field -> message in the page language
};

struct Notice {
  std::string title;
  std::vector<std::string> paragraphs;
  std::vector<std::string> errors;
  std::string link_href;
  std::string link_text;
};

class Pages {
 public:
  // Reads templates/*.mustache and static/page.css from the resources folder.
  static Result<Pages> load(const std::filesystem::path& resources_dir);
  // The hosts whose web forms the operator lets twinning fill in (webform.automated_hosts): the
  // page offers "fill them in for me" only for those.
  void allow_webform_automation(std::vector<std::string> hosts) { automated_hosts_ = std::move(hosts); }

  // The action page of a campaign in `lang`. `closed` replaces the form by the closed notice.
  // `base_url` is the public URL (no trailing slash) used for links that leave the page. `embed`
  // gives the page the embed snippet frames on organizers' sites: the action section and the
  // form only, no site header or footer, a link to the full page.
  Result<std::string> campaign(const domain::Campaign& c, const i18n::Catalogs& catalogs, const std::string& lang,
                               const std::string& base_url, bool closed, const FormState& form = {},
                               bool embed = false) const;
  // The list of campaigns in `lang`; `closed[i]` marks campaign i as ended.
  std::string index(const std::vector<const domain::Campaign*>& campaigns, const std::vector<bool>& closed,
                    const i18n::Catalogs& catalogs, const std::string& lang) const;
  std::string notice(const i18n::Catalogs& catalogs, const std::string& lang, const Notice& n) const;
  // The demo outbox: messages kept on this machine, newest first, links clickable.
  std::string outbox(const i18n::Catalogs& catalogs, const std::string& lang,
                     const std::vector<mail::Shown>& messages) const;
  // The style sheet every page carries inline (its hash goes into the Content-Security-Policy).
  const std::string& css() const { return css_; }

  // The call block of the campaign page for one caller (country and zone, either may be empty)
  // at `now`: what goes between the page's call-block markers (docs/decisions/0007), and what
  // app.js swaps in. `closed` leaves out the outcome buttons.
  Result<std::string> call_block(const domain::Campaign& c, const i18n::Catalogs& catalogs, const std::string& lang,
                                 const std::string& base_url, const SupporterView& caller,
                                 std::chrono::sys_seconds now, bool closed) const;
  // The same as data: the call channel view with the page's sentences (docs/preview.md).
  Result<nlohmann::json> call_view(const domain::Campaign& c, const i18n::Catalogs& catalogs, const std::string& lang,
                                   const std::string& base_url, const SupporterView& caller,
                                   std::chrono::sys_seconds now) const;

 private:
  std::map<std::string, std::string> templates_;
  std::string css_;
  std::vector<std::string> automated_hosts_;
};

// The URL path of a campaign page: "/naju-haderslev/da/".
std::string campaign_path(const std::string& campaign_id, const std::string& lang);

// A rendered campaign page cut around its call block: `before` ends with the opening marker,
// `after` starts with the closing one. nullopt when the page has no call block.
struct CallBlockCut {
  std::string_view before, after;
};
std::optional<CallBlockCut> cut_at_call_block(std::string_view page);

}  // namespace twinning::render
