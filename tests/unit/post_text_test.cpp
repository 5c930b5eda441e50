// domain/post_text beyond twitter-text's own suite (twitter_text_conformance_test): malformed
// input, the limits just under and over, graphemes for Bluesky, Mastodon's count and server
// names, Punycode, the Public Suffix List reader, and the demo campaign's posts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "campaign/load.hpp"
#include "common/public_suffix.hpp"
#include "domain/post_text.hpp"
#include "render/compose.hpp"

using twinning::ErrorKind;
using twinning::domain::grapheme_count;
using twinning::domain::PostText;

namespace {

std::filesystem::path source_dir() {
  const char* env = std::getenv("TWINNING_SOURCE_DIR");
  return env != nullptr ? std::filesystem::path(env) : std::filesystem::path(TWINNING_SOURCE_DIR);
}

// A small list, so these tests do not depend on the machine's Public Suffix List.
const PostText& rules() {
  static const PostText pt = PostText::make({"com", "org", "dk", "kr", "social", "한국"}).take();
  return pt;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST(PostText, MalformedUtf8IsRefusedEverywhere) {
  const std::string bad[] = {
      "\xC3\x28",          // a lead byte without its continuation
      "ok \xED\xA0\x80",   // a UTF-16 surrogate written as UTF-8
      "\xC0\xAF",          // overlong '/'
      "\xE2\x82",          // truncated at the end
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xFF",
  };
  for (const auto& text : bad) {
    SCOPED_TRACE(text);
    EXPECT_EQ(rules().parse_tweet(text).error().kind, ErrorKind::invalid_utf8);
    EXPECT_EQ(rules().extract_urls(text).error().kind, ErrorKind::invalid_utf8);
    EXPECT_EQ(rules().extract_mentions(text).error().kind, ErrorKind::invalid_utf8);
    EXPECT_EQ(rules().extract_hashtags(text).error().kind, ErrorKind::invalid_utf8);
    EXPECT_EQ(rules().extract_reply(text).error().kind, ErrorKind::invalid_utf8);
    EXPECT_EQ(rules().mastodon_length(text).error().kind, ErrorKind::invalid_utf8);
    EXPECT_EQ(rules().lengths(text).error().kind, ErrorKind::invalid_utf8);
    EXPECT_EQ(grapheme_count(text).error().kind, ErrorKind::invalid_utf8);
  }
}

TEST(PostText, XLimitJustUnderAndOver) {
  EXPECT_FALSE(rules().parse_tweet("").value().valid);  // empty is no post
  EXPECT_TRUE(rules().parse_tweet(repeat("a", 280)).value().valid);
  EXPECT_FALSE(rules().parse_tweet(repeat("a", 281)).value().valid);
  // Hangul weighs 2: 140 syllables fill a post.
  EXPECT_EQ(rules().parse_tweet(repeat("한", 140)).value().weighted_length, 280);
  EXPECT_TRUE(rules().parse_tweet(repeat("한", 140)).value().valid);
  EXPECT_FALSE(rules().parse_tweet(repeat("한", 140) + "a").value().valid);
  // A link is 23 however long it is.
  const std::string link = "https://example.org/" + repeat("x", 500);
  EXPECT_EQ(rules().parse_tweet(link).value().weighted_length, 23);
  EXPECT_TRUE(rules().parse_tweet(repeat("a", 256) + " " + link).value().valid);
  EXPECT_FALSE(rules().parse_tweet(repeat("a", 257) + " " + link).value().valid);
  // A character X refuses makes the post invalid however short.
  EXPECT_FALSE(rules().parse_tweet("ok \xEF\xBF\xBE").value().valid);
}

TEST(PostText, GraphemesCountEmojiSequencesAndHangulAsOne) {
  EXPECT_EQ(grapheme_count("").value(), 0);
  EXPECT_EQ(grapheme_count("👨‍👩‍👧‍👦").value(), 1);            // family: four people joined by ZWJ
  EXPECT_EQ(grapheme_count("👩🏽‍💻").value(), 1);             // skin tone and ZWJ
  EXPECT_EQ(grapheme_count("🏳️‍🌈").value(), 1);              // variation selector and ZWJ
  EXPECT_EQ(grapheme_count("🇰🇷🇩🇰").value(), 2);             // two flags
  EXPECT_EQ(grapheme_count("한국어").value(), 3);              // precomposed syllables
  EXPECT_EQ(grapheme_count("\u1112\u1161\u11ab").value(), 1);  // 한 as conjoining jamo
  EXPECT_EQ(grapheme_count("e\u0301").value(), 1);            // a combining accent
  EXPECT_EQ(grapheme_count("Åbenrå 🐾").value(), 8);
  // 300 family emoji are 300 graphemes (and 2100 code points).
  EXPECT_EQ(grapheme_count(repeat("👨‍👩‍👧‍👦", 300)).value(), 300);
}

TEST(PostText, EmojiSequencesWeighTwoOnX) {
  EXPECT_EQ(rules().parse_tweet("👨‍👩‍👧‍👦").value().weighted_length, 2);
  EXPECT_EQ(rules().parse_tweet("👩🏽‍💻").value().weighted_length, 2);
  EXPECT_EQ(rules().parse_tweet("🇰🇷").value().weighted_length, 2);
  EXPECT_EQ(rules().parse_tweet("©").value().weighted_length, 1);         // text by default
  EXPECT_EQ(rules().parse_tweet("©\uFE0F").value().weighted_length, 2);   // asked to be emoji
  EXPECT_EQ(rules().parse_tweet("😀\u0301").value().weighted_length, 3);  // a stray mark is not emoji
}

TEST(PostText, ReplyAndMentions) {
  EXPECT_EQ(rules().extract_reply("@greenjeonnam hello").value(), "greenjeonnam");
  EXPECT_EQ(rules().extract_reply(". . @greenjeonnam hello").value(), "");
  auto m = rules().extract_mentions(". . @greenjeonnam @camp8866 @sukyeol__yoon hi").value();
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[2].text, "sukyeol__yoon");
  EXPECT_EQ(m[0].start, 4);
  EXPECT_EQ(m[0].end, 17);
}

TEST(PostText, MastodonCountsLinksAs23AndRemoteHandlesByUser) {
  EXPECT_EQ(rules().mastodon_length("abc").value(), 3);
  EXPECT_EQ(rules().mastodon_length("see https://example.org/" + repeat("x", 100)).value(), 4 + 23);
  EXPECT_EQ(rules().mastodon_length("hi @ana@mastodon.social").value(), 7);
  EXPECT_EQ(rules().mastodon_length("👨‍👩‍👧‍👦").value(), 7);  // code points, as its composer counts
  // A bare domain is no link on Mastodon (only on X).
  EXPECT_EQ(rules().mastodon_length("example.org").value(), 11);
  EXPECT_EQ(rules().parse_tweet("example.org").value().weighted_length, 23);
}

TEST(PostText, MastodonHostIsCheckedStrictly) {
  for (const char* ok : {"mastodon.social", "Mastodon.Social", " mastodon.social ", "https://mastodon.social/",
                         "http://mastodon.social", "@ana@mastodon.social", "a-b.c.example.org", "xn--3e0b707e.xn--3e0b707e"}) {
    SCOPED_TRACE(ok);
    auto host = rules().mastodon_host(ok);
    ASSERT_TRUE(host.ok()) << host.error().message;
  }
  EXPECT_EQ(rules().mastodon_host("https://Mastodon.Social/").value(), "mastodon.social");
  EXPECT_EQ(rules().mastodon_host("@ana@mastodon.social").value(), "mastodon.social");
  for (const char* bad : {"", "   ", "localhost", "mastodon", "127.0.0.1", "mastodon.social/path", "mastodon.social:443",
                          "evil.com@mastodon.social", "ana@mastodon.social", "@ana", "-a.social", "a-.social",
                          "a..social", ".social", "mastodon.social.", "exa mple.social", "mastodon.notatld",
                          "mastodon.social/?x=1", "javascript:alert(1)", "//evil.com", "mästodon.social",
                          "https://", "a.b\r\nLocation: x"}) {
    SCOPED_TRACE(bad);
    auto host = rules().mastodon_host(bad);
    ASSERT_FALSE(host.ok()) << host.value();
    EXPECT_EQ(host.error().kind, ErrorKind::bad_request);
    EXPECT_EQ(host.error().field, "instance");
  }
  const std::string long_label = repeat("a", 64) + ".social";
  EXPECT_FALSE(rules().mastodon_host(long_label).ok());
  EXPECT_TRUE(rules().mastodon_host(repeat("a", 63) + ".social").ok());
}

TEST(PostText, PunycodeMatchesRfc3492) {
  using twinning::domain::punycode_encode;
  EXPECT_EQ(punycode_encode(U"bücher"), "bcher-kva");
  EXPECT_EQ(punycode_encode(U"mañana"), "maana-pta");
  EXPECT_EQ(punycode_encode(U"한국"), "3e0b707e");
  EXPECT_EQ(punycode_encode(U"他们为什么不说中文"), "ihqwcrb4cv8a8dqg056pqjye");  // RFC 3492 7.1 (B)
  EXPECT_EQ(punycode_encode(U"abc"), "abc-");
}

TEST(PostText, MakeNeedsAUsableTopLevelDomain) {
  EXPECT_FALSE(PostText::make({}).ok());
  EXPECT_FALSE(PostText::make({"", "-x", "a.b", "c d", "(x)"}).ok());
  EXPECT_TRUE(PostText::make({"dk"}).ok());
}

TEST(PublicSuffix, TopLevelDomainsOfTheList) {
  const std::string list =
      "// comment\n"
      "\n"
      "dk\r\n"
      "*.ck\n"
      "!www.ck\n"
      "  co.uk   trailing words\n"
      "한국\n"
      "blogspot.COM\n"
      "// ===BEGIN PRIVATE DOMAINS===\n"
      "github.io\n";
  const std::vector<std::string> want = {"ck", "com", "dk", "io", "uk", "한국"};
  EXPECT_EQ(twinning::top_level_domains_of(list), want);
  EXPECT_TRUE(twinning::top_level_domains_of("// only comments\n\n").empty());
}

TEST(PublicSuffix, AMissingListIsAnErrorEveryCallerSees) {
  twinning::use_public_suffix_list("/nonexistent/public_suffix_list.dat");
  auto tlds = twinning::public_suffix_tlds();
  ASSERT_FALSE(tlds.ok());
  EXPECT_EQ(tlds.error().kind, ErrorKind::io);
  EXPECT_FALSE(PostText::shared().ok());
  twinning::use_public_suffix_list(twinning::kDefaultPublicSuffixList);
  EXPECT_TRUE(PostText::shared().ok());
}

// The cases static/app.js is held to as well (post_counts_test.js): the page's live counter and
// the server agree on them.
TEST(PostText, CountsThePageCounterSharesWithTheServer) {
  std::ifstream in(source_dir() / "tests" / "unit" / "fixtures" / "post_counts.json");
  const auto cases = nlohmann::json::parse(in);
  ASSERT_FALSE(cases.empty());
  auto shared = PostText::shared();
  ASSERT_TRUE(shared.ok()) << shared.error().message;
  for (const auto& c : cases) {
    const std::string text = c.at("text");
    SCOPED_TRACE(c.at("why").get<std::string>());
    auto l = shared.value()->lengths(text);
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l.value().x.weighted_length, c.at("x").get<int>());
    EXPECT_EQ(l.value().bluesky_graphemes, c.at("bluesky").get<int>());
    EXPECT_EQ(l.value().mastodon_characters, c.at("mastodon").get<int>());
  }
}

// The demo's post (the facts: three handles, six hashtags, emoji, the leading ". .") fits X,
// Bluesky and Mastodon in every language.
TEST(PostText, DemoPostFitsEveryNetworkInEveryLanguage) {
  auto loaded = twinning::campaign::load_campaign(source_dir() / "campaigns" / "naju-haderslev");
  ASSERT_TRUE(loaded.ok());
  const auto& c = *loaded.campaign;
  auto shared = PostText::shared();
  ASSERT_TRUE(shared.ok());
  const PostText& pt = *shared.value();
  for (const auto& lang : c.languages) {
    SCOPED_TRACE(lang);
    auto text = twinning::render::compose(c, lang, "post.text",
                                          twinning::render::campaign_vars(c, lang, "https://example.org/x/"));
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(text.value().rfind(". . @", 0), 0u) << text.value();
    auto l = pt.lengths(text.value()).value();
    EXPECT_TRUE(l.x.valid) << l.x.weighted_length;
    EXPECT_LE(l.bluesky_graphemes, twinning::domain::kBlueskyMaxGraphemes);
    EXPECT_LE(l.mastodon_characters, twinning::domain::kMastodonMaxCharacters);
    std::vector<std::string> handles, tags;
    const auto mentions = pt.extract_mentions(text.value()).take();
    const auto hashtags = pt.extract_hashtags(text.value()).take();
    for (const auto& m : mentions) handles.push_back(m.text);
    for (const auto& h : hashtags) tags.push_back(h.text);
    EXPECT_EQ(handles, (std::vector<std::string>{"greenjeonnam", "camp8866", "sukyeol__yoon"}));
    EXPECT_EQ(tags, (std::vector<std::string>{"Haderslev", "Naju", "SouthKorea", "dogmeat", "catmeat",
                                              "ImagineYourKorea"}));
    EXPECT_EQ(pt.extract_reply(text.value()).value(), "");
  }
}
