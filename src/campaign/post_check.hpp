#pragma once
// `twinning check` on a campaign's public post (texts/<lang>.yaml, post.text), composed as each
// page shows it: over X's 280 weighted characters (twitter-text v3) is an error; a handle X would
// not link (longer than 15 characters, or an @ that is no mention), a post X would show as a reply
// (it starts with a mention), and a post over Bluesky's or Mastodon's limit are warnings.
#include <filesystem>
#include <vector>

#include "campaign/problem.hpp"
#include "domain/campaign.hpp"

namespace twinning::campaign {

// Adds the problems of each language's post to `problems`, placed at post.text in the texts
// file (or at the handle's own place in it). Nothing when the post channel is off or the text is
// missing (the loader reports that). `{{campaign.url}}` is composed with a stand-in address:
// X counts any link 23 whatever the public URL will be.
void check_posts(const std::filesystem::path& dir, const domain::Campaign& c, std::vector<Problem>& problems);

}  // namespace twinning::campaign
