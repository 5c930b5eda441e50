#pragma once
// The post channel's view: the composed post with its length on each network (X's weighted
// length, Bluesky's graphemes, Mastodon's characters), whether it fits, and the links that open it
// ready to publish. Shared by the page, `twinning preview --channel post` and the Mastodon redirect.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace twinning::render {

struct PostViewInput {
  std::string campaign_id;
  std::string lang;
  std::string text;                  // the composed post.text
  std::vector<std::string> handles;  // the public targets' handles
};

// {"lang", "text", "handles", "intent_url" (X), "weighted_length", "mentions", "hashtags",
//  "networks": [{"id", "name", "length", "limit", "unit", "fits", "url" | "share_path"}]}.
// Fails when the text is not UTF-8 or the Public Suffix List cannot be read.
Result<nlohmann::json> post_view(const PostViewInput& in);

// The address of the X and Bluesky composers with `text` filled in, and of a Mastodon server's.
std::string x_intent_url(const std::string& text);
std::string bluesky_intent_url(const std::string& text);
std::string mastodon_share_url(const std::string& host, const std::string& text);
// Where the page's Mastodon form goes: GET /{campaign}/{lang}/mastodon?instance=HOST&text=TEXT.
std::string mastodon_redirect_path(const std::string& campaign_id, const std::string& lang);

}  // namespace twinning::render
