// `twinning check DIR...`: every problem of each campaign at once; exit 0 only when all are clean.
// Beyond the files themselves, it renders each page in each language, so a campaign that passes
// check is one that serve will start with.
#include <iostream>

#include "app/site.hpp"
#include "campaign/load.hpp"
#include "cli/cli.hpp"
#include "i18n/catalog.hpp"
#include "render/page.hpp"

namespace twinning::cli {

int check(const std::vector<std::string>& dirs, const Settings& settings, std::ostream& out) {
  std::vector<std::filesystem::path> folders(dirs.begin(), dirs.end());
  if (folders.empty()) {
    for (const auto& [id, loaded] : campaign::load_all(settings.campaigns_dir)) {
      folders.push_back(settings.campaigns_dir / id);
    }
    if (folders.empty()) {
      out << "no campaign folders under " << settings.campaigns_dir.string()
          << ": give a folder (twinning check campaigns/NAME) or --campaigns DIR\n";
      return 1;
    }
  }
  const auto resources = app::resources_dir(settings);
  auto catalogs = i18n::Catalogs::load(resources / "locales");
  auto pages = render::Pages::load(resources);

  bool clean = true;
  for (const auto& dir : folders) {
    auto loaded = campaign::load_campaign(dir);
    std::size_t errors = loaded.count(campaign::Problem::Severity::error);
    const std::size_t warnings = loaded.count(campaign::Problem::Severity::warning);
    for (const auto& p : loaded.problems) out << campaign::format_problem(p) << "\n";
    if (loaded.ok()) {
      if (!catalogs.ok() || !pages.ok()) {
        out << (catalogs.ok() ? pages.error() : catalogs.error()).message << "\n";
        ++errors;
      } else {
        const auto& c = *loaded.campaign;
        for (const auto& lang : c.languages) {
          if (!catalogs.value().has(lang)) {
            out << dir.string() << "/campaign.yaml: error: the language '" << lang
                << "' has no interface words (fix: add " << (resources / "locales" / (lang + ".yaml")).string()
                << ", translated from en.yaml, or remove the language)\n";
            ++errors;
            continue;
          }
          auto html = pages.value().campaign(c, catalogs.value(), lang, settings.base_url(), false);
          if (!html.ok()) {
            out << dir.string() << ": error: the " << lang << " page does not render: " << html.error().message << "\n";
            ++errors;
          }
        }
      }
    }
    out << dir.string() << ": " << errors << " error" << (errors == 1 ? "" : "s") << ", " << warnings << " warning"
        << (warnings == 1 ? "" : "s") << "\n";
    if (errors > 0) clean = false;
  }
  return clean ? 0 : 1;
}

}  // namespace twinning::cli
