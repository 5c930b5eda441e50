#include "render/post_view.hpp"

#include "domain/post_text.hpp"
#include "render/text.hpp"

namespace twinning::render {

std::string x_intent_url(const std::string& text) { return "https://x.com/intent/post?text=" + url_encode(text); }

std::string bluesky_intent_url(const std::string& text) {
  return "https://bsky.app/intent/compose?text=" + url_encode(text);
}

std::string mastodon_share_url(const std::string& host, const std::string& text) {
  return "https://" + host + "/share?text=" + url_encode(text);
}

std::string mastodon_redirect_path(const std::string& campaign_id, const std::string& lang) {
  return "/" + campaign_id + "/" + lang + "/mastodon";
}

Result<nlohmann::json> post_view(const PostViewInput& in) {
  using nlohmann::json;
  auto rules = domain::PostText::shared();
  if (!rules.ok()) return rules.error();
  const domain::PostText& pt = *rules.value();
  auto lengths = pt.lengths(in.text);
  if (!lengths.ok()) return lengths.error();
  auto mentions = pt.extract_mentions(in.text);
  if (!mentions.ok()) return mentions.error();
  auto hashtags = pt.extract_hashtags(in.text);
  if (!hashtags.ok()) return hashtags.error();

  const auto& l = lengths.value();
  json names = json::array(), tags = json::array();
  for (const auto& m : mentions.value()) names.push_back(m.text);
  for (const auto& h : hashtags.value()) tags.push_back(h.text);
  const std::string x_url = x_intent_url(in.text);
  json networks = json::array({
      {{"id", "x"},
       {"name", "X"},
       {"length", l.x.weighted_length},
       {"limit", domain::kXMaxWeightedLength},
       {"unit", "weighted"},
       {"fits", l.x.valid},
       {"url", x_url}},
      {{"id", "bluesky"},
       {"name", "Bluesky"},
       {"length", l.bluesky_graphemes},
       {"limit", domain::kBlueskyMaxGraphemes},
       {"unit", "graphemes"},
       {"fits", l.bluesky_graphemes > 0 && l.bluesky_graphemes <= domain::kBlueskyMaxGraphemes},
       {"url", bluesky_intent_url(in.text)}},
      {{"id", "mastodon"},
       {"name", "Mastodon"},
       {"length", l.mastodon_characters},
       {"limit", domain::kMastodonMaxCharacters},
       {"unit", "characters"},
       {"fits", l.mastodon_characters > 0 && l.mastodon_characters <= domain::kMastodonMaxCharacters},
       {"share_path", mastodon_redirect_path(in.campaign_id, in.lang)}},
  });
  return json{{"lang", in.lang},
              {"text", in.text},
              {"handles", in.handles},
              {"intent_url", x_url},
              {"weighted_length", l.x.weighted_length},
              {"mentions", names},
              {"hashtags", tags},
              {"networks", networks}};
}

}  // namespace twinning::render
