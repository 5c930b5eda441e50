// `twinning embed CAMPAIGN [--lang L]`: the snippet an organizer pastes into their own site
// (docs/embedding.md), with the configured public URL, and a reminder of embed_origins.
#include <ostream>

#include "campaign/load.hpp"
#include "cli/cli.hpp"
#include "render/compose.hpp"
#include "render/text.hpp"

namespace twinning::cli {

int embed(const std::string& campaign_id, const std::string& lang, const Settings& settings, std::ostream& out,
          std::ostream& err) {
  auto loaded = campaign::load_campaign(settings.campaigns_dir / campaign_id);
  if (!loaded.ok()) {
    err << "twinning embed: " << (settings.campaigns_dir / campaign_id).string()
        << " does not load; run `twinning check` on it\n";
    return 1;
  }
  const auto& c = *loaded.campaign;
  const std::string l = lang.empty() ? c.default_language() : lang;
  if (!c.has_language(l)) {
    err << "twinning embed: the campaign " << campaign_id << " has no language '" << l << "'\n";
    return 2;
  }
  std::string title = c.id;
  if (const auto* t = c.text(l, "page.title")) {
    if (auto r = render::render_text(*t, render::campaign_vars(c, l, settings.base_url())); r.ok()) title = r.value();
  }
  const std::string base = settings.base_url();
  const std::string t = render::html_escape(title);
  out << "<script src=\"" << base << "/static/embed.js\" data-campaign=\"" << c.id << "\" data-lang=\"" << l
      << "\" data-title=\"" << t << "\" async></script>\n"
      << "<noscript><iframe src=\"" << base << "/" << c.id << "/" << l << "/embed\" title=\"" << t
      << "\" style=\"width:100%;height:2400px;border:0\"></iframe></noscript>\n";
  if (settings.public_url.empty()) {
    err << "note: no public_url is set, so the snippet points at " << base
        << "; set public_url in the settings file first\n";
  }
  if (settings.embed_origins.empty()) {
    err << "note: embed_origins is empty: list your site's origin (e.g. https://www.example.org) or browsers "
           "will refuse to show the frame\n";
  }
  return 0;
}

}  // namespace twinning::cli
