// Fuzz target: a post's text and a Mastodon server name, as a supporter may type them. Counting
// and extraction never fail on UTF-8, refuse anything else as invalid_utf8, and every entity lies
// inside the text; a server name accepted is a plain lower-case host name.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/utf8.hpp"
#include "domain/post_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using twinning::domain::PostText;
  static const PostText pt = PostText::make({"com", "org", "dk", "kr", "social", "한국", "みんな"}).take();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const bool utf8 = twinning::is_valid_utf8(text);

  auto parsed = pt.parse_tweet(text);
  if (parsed.ok() != utf8) std::abort();
  if (!utf8) {
    if (parsed.error().kind != twinning::ErrorKind::invalid_utf8) std::abort();
  } else {
    const auto& p = parsed.value();
    if (p.weighted_length < 0 || p.valid_range_end < 0 || p.valid_range_end > p.display_range_end + 1) std::abort();
    int units = 0;  // UTF-16 length of the text, for the entities' bounds
    for (unsigned char c : text) units += (c & 0xC0) == 0x80 ? 0 : (c >= 0xF0 ? 2 : 1);
    for (auto extract : {&PostText::extract_urls, &PostText::extract_mentions_or_lists, &PostText::extract_hashtags}) {
      auto entities = (pt.*extract)(text);
      if (!entities.ok()) std::abort();
      for (const auto& e : entities.value()) {
        if (e.start < 0 || e.start >= e.end || e.end > units || e.text.empty()) std::abort();
      }
    }
    if (!pt.mastodon_length(text).ok() || !twinning::domain::grapheme_count(text).ok()) std::abort();
  }

  auto host = pt.mastodon_host(text);
  if (host.ok()) {
    for (char c : host.value()) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) std::abort();
    }
  }
  return 0;
}
