#pragma once
// The `twinning` command line: serve, check, preview, backup. main() only calls run().
#include <cstdint>
#include <filesystem>
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

struct LettersOptions {
  std::string campaign;
  std::filesystem::path out;
  std::filesystem::path csv;     // the envelopes; none when empty
  std::string paper = "a4";      // a4 | letter: the organization's printer paper
  bool include_printed = false;  // print again requests already marked printed
  bool mark_printed = false;     // mark the printed requests, so the next run skips them
};
struct PetitionOptions {
  std::string campaign;
  std::filesystem::path out;  // keep a copy of each PDF here; none when empty
  bool dry_run = false;
};
// `twinning petition deliver`: the petition to its To targets (app/petition_delivery.hpp).
int petition_deliver(const PetitionOptions& options, const Settings& settings, std::ostream& out, std::ostream& err);

struct ReviewCommand {
  enum class Action { list, release, reject };
  Action action = Action::list;
  std::string campaign;        // list: only this campaign; empty: every one
  std::int64_t action_id = 0;  // release / reject
};
// `twinning review`: messages held for an organizer (docs/decisions/0013-review-queue.md).
int review(const ReviewCommand& command, const Settings& settings, std::ostream& out, std::ostream& err);

// `twinning embed`: the snippet for organizers' own sites (docs/embedding.md).
int embed(const std::string& campaign, const std::string& lang, const Settings& settings, std::ostream& out,
          std::ostream& err);

// `twinning letters`: the letters supporters asked the organization to print and post.
int letters(const LettersOptions& options, const Settings& settings, std::ostream& out, std::ostream& err);

}  // namespace twinning::cli
