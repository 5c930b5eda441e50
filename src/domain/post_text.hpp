#pragma once
// A public post's text as the networks see it: its length as X counts it (twitter-text's weighted
// length, configuration v3), the mentions, hashtags and links X finds in it, its length in
// graphemes (Bluesky) and in characters with links shortened (Mastodon).
//
// X's counting is twitter-text's (github.com/twitter/twitter-text), implemented here in C++ and
// held to its conformance suite (tests/unit/twitter_text_conformance_test.cpp): the text is put in
// NFC; a link counts 23 whatever its length; an emoji sequence (with its modifiers, variation
// selectors and zero-width joins) counts 2; any other character counts 1 in the ranges of the
// configuration and 2 elsewhere (CJK and Hangul count 2). Emoji are found with ICU's emoji
// properties and grapheme clusters rather than twitter-text's copy of Twemoji's list, so an
// emoji newer than ICU's data would count by its code points.
//
// Offsets are UTF-16 code units, as twitter-text's JavaScript and the page's script count them.
// No I/O: the top-level domains come in (PostText::make); shared() builds one from the process's
// Public Suffix List (common/public_suffix.hpp).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace twinning::domain {

// Limits of the networks a campaign's post goes to (Mastodon's is its default; instances may
// allow more).
inline constexpr int kXMaxWeightedLength = 280;
inline constexpr int kBlueskyMaxGraphemes = 300;
inline constexpr int kMastodonMaxCharacters = 500;
// What a link counts on Mastodon (and on X: twitter-text's transformedURLLength).
inline constexpr int kLinkLength = 23;
// X's longest handle (twitter-text extracts up to 20 characters; X gives out at most 15).
inline constexpr std::size_t kXMaxHandleLength = 15;

struct WeightRange {
  char32_t start = 0;
  char32_t end = 0;  // inclusive
  int weight = 0;
};

// A twitter-text configuration (config/v*.json in twitter-text).
struct TweetConfig {
  int version = 3;
  int max_weighted_length = kXMaxWeightedLength;
  int scale = 100;
  int default_weight = 200;
  int transformed_url_length = kLinkLength;
  bool emoji_parsing = true;
  std::vector<WeightRange> ranges;
};
// The configuration X uses today.
const TweetConfig& tweet_config_v3();

// twitter-text's parseTweet. Ranges are inclusive UTF-16 offsets into the text as given.
struct TweetParse {
  int weighted_length = 0;
  bool valid = false;  // not empty, within the limit, no invalid character (U+FFFE, U+FEFF, U+FFFF)
  int permillage = 0;
  int valid_range_start = 0;
  int valid_range_end = 0;  // the last code unit that still fits
  int display_range_start = 0;
  int display_range_end = 0;
};

// A mention, hashtag or link found in a text, without its @ or #.
struct TextEntity {
  std::string text;
  std::string list_slug;  // mentions of lists only: "/list-name"
  int start = 0;          // UTF-16 offsets [start, end), the @ or # included
  int end = 0;
};

// A post's length on each network.
struct PostLengths {
  TweetParse x;
  int bluesky_graphemes = 0;
  int mastodon_characters = 0;
};

class PostText {
 public:
  // `tlds`: top-level domains in lower case (Unicode form, as the Public Suffix List writes them);
  // those that are not letters, digits and hyphens are left out. Fails when none remains.
  static Result<PostText> make(const std::vector<std::string>& tlds);
  // One instance for the process, built on first use from public_suffix_tlds(); rebuilt when
  // use_public_suffix_list() chose another file.
  static Result<std::shared_ptr<const PostText>> shared();

  // Invalid UTF-8 is an error (invalid_utf8) in each of these.
  Result<TweetParse> parse_tweet(std::string_view text, const TweetConfig& config = tweet_config_v3()) const;
  Result<std::vector<TextEntity>> extract_urls(std::string_view text) const;
  // Mentions of users only (a list mention "@user/list" is not one).
  Result<std::vector<TextEntity>> extract_mentions(std::string_view text) const;
  Result<std::vector<TextEntity>> extract_mentions_or_lists(std::string_view text) const;
  Result<std::vector<TextEntity>> extract_hashtags(std::string_view text) const;
  // The account a text starting with "@name" replies to (X shows such a post only to people
  // following both); empty when it is no reply.
  Result<std::string> extract_reply(std::string_view text) const;

  // Code points, with each link (one with http:// or https://) counted 23 and a remote mention
  // "@user@server" counted as "@user", as Mastodon counts.
  Result<int> mastodon_length(std::string_view text) const;
  Result<PostLengths> lengths(std::string_view text) const;

  // A Mastodon server's host name as a supporter types it ("mastodon.social",
  // "https://mastodon.social/", "@ana@mastodon.social"), checked strictly: letters, digits and
  // hyphens in labels of 1 to 63, at least two labels, a known top-level domain, no port, path
  // or user. The answer is the host in lower case.
  Result<std::string> mastodon_host(std::string_view input) const;

  struct Impl;

 private:
  explicit PostText(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// Grapheme clusters (what Bluesky counts), with ICU's rules. Invalid UTF-8 is an error.
Result<int> grapheme_count(std::string_view text);

// RFC 3492 Punycode of one label's code points, without the "xn--" prefix. Empty on overflow.
std::string punycode_encode(const std::u32string& label);

}  // namespace twinning::domain
