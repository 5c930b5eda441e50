#pragma once
// The `twinning` command line: serve, check, preview, backup. main() only calls run().
#include <iosfwd>
#include <string>
#include <vector>

#include "common/config.hpp"

namespace twinning::cli {

int run(int argc, char** argv);

// Subcommands, callable from tests with their own streams.
int serve(const Settings& settings);
int check(const std::vector<std::string>& dirs, const Settings& settings, std::ostream& out);
struct PreviewOptions {
  std::string campaign_dir, channel, lang, from, supporter_file, at;
  std::string pdf;  // letter channel: also write the letters (one per recipient) as a PDF here
};
int preview(const PreviewOptions& options, const Settings& settings, std::ostream& out, std::ostream& err);
int backup(const std::string& file, const Settings& settings, std::ostream& out, std::ostream& err);
// Call outcomes per call target of the campaign in --campaigns, and the flagged numbers
// (settings.calls). Exit code 0, or 1 when the campaign does not load or the store cannot be read.
int calls(const std::string& campaign, const Settings& settings, std::ostream& out, std::ostream& err);
// Event counts of `campaign` (all channels when `channel` is empty). Exit code 0, or 1 when the
// store cannot be read.
int counts(const std::string& campaign, const std::string& channel, const Settings& settings, std::ostream& out,
           std::ostream& err);

}  // namespace twinning::cli
