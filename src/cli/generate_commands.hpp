#pragma once
// `twinning generate TEMPLATE [--pair HOME/FOREIGN]...` and `twinning build --out DIR`: campaigns
// made from a template and the directory, and the static export of every campaign.
#include <iosfwd>
#include <string>
#include <vector>

#include "common/config.hpp"

namespace twinning::cli {

struct GenerateCommand {
  std::string template_dir;         // holds template.yaml and texts/<lang>.yaml
  std::vector<std::string> pairs;   // HOME/FOREIGN; empty: every pair the template matches
};

// Writes one campaign folder per pair under settings.campaigns_dir, each checked like `twinning
// check` before it replaces anything, and reports per pair: created, changed, unchanged or
// refused (with why). A folder not made by generate is never overwritten. Exit code 0 when no
// pair was refused, 1 otherwise (the others are still written), 2 when the template or the
// directory cannot be read.
int generate(const GenerateCommand& command, const Settings& settings, std::ostream& out, std::ostream& err);

}  // namespace twinning::cli

namespace twinning::cli {

// `twinning build --out DIR`: every campaign page in every language, the index, the static files
// and sitemap.xml (app/static_export.hpp), for a web server that serves them at public_url and
// passes everything else (the forms' posts, the counting redirects) to `twinning serve`. Needs
// public_url. DIR must be empty, missing, or an earlier export (it holds sitemap.xml): files of
// the earlier export that the new one lacks are removed. `progress`: a bar on `err` (the caller
// passes isatty). Exit code 0 done, 1 the campaigns or the folder fail, 2 no public_url.
int build(const std::string& out_dir, const Settings& settings, bool progress, std::ostream& out, std::ostream& err);

}  // namespace twinning::cli
