// twitter-text's conformance suite against domain/post_text: every case of the weighted-length and
// emoji sections of validate.yml (with the configuration each section is written for) and of the
// mention, reply, hashtag and URL sections of extract.yml (indices included where the suite has
// them). Prints "N passed, M failed" per section and fails unless every case passes.
//
// The suite is read where it lies, in ../shared/peer-suites/twitter-text next to the repository,
// and never copied into it; where that folder is absent the test is skipped, saying so.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "domain/post_text.hpp"

namespace fs = std::filesystem;
using twinning::domain::PostText;
using twinning::domain::TextEntity;
using twinning::domain::TweetConfig;

namespace {

fs::path suite_dir() {
  const char* env = std::getenv("TWINNING_SOURCE_DIR");
  const fs::path root = env != nullptr ? fs::path(env) : fs::path(TWINNING_SOURCE_DIR);
  return root / ".." / "shared" / "peer-suites" / "twitter-text";
}

// twitter-text's config/v*.json.
TweetConfig read_config(const fs::path& file) {
  std::ifstream in(file);
  const auto j = nlohmann::json::parse(in);
  TweetConfig c;
  c.version = j.at("version");
  c.max_weighted_length = j.at("maxWeightedTweetLength");
  c.scale = j.at("scale");
  c.default_weight = j.at("defaultWeight");
  c.transformed_url_length = j.at("transformedURLLength");
  c.emoji_parsing = j.value("emojiParsingEnabled", false);
  for (const auto& r : j.at("ranges")) {
    c.ranges.push_back({r.at("start").get<char32_t>(), r.at("end").get<char32_t>(), r.at("weight").get<int>()});
  }
  return c;
}

struct Tally {
  std::string section;
  int passed = 0;
  int failed = 0;
};

// Runs `check` on every case of `section`; a case fails with a message naming it.
Tally run_section(const YAML::Node& tests, const std::string& section,
                  const std::function<std::string(const YAML::Node&)>& check) {
  Tally t{section};
  const YAML::Node cases = tests[section];
  EXPECT_TRUE(cases && cases.IsSequence()) << "the suite has no section " << section;
  if (!cases || !cases.IsSequence()) return t;
  for (const auto& c : cases) {
    const std::string problem = check(c);
    if (problem.empty()) {
      ++t.passed;
    } else {
      ++t.failed;
      ADD_FAILURE() << section << ": " << c["description"].as<std::string>() << ": " << problem;
    }
  }
  std::cout << section << ": " << t.passed << " passed, " << t.failed << " failed\n";
  return t;
}

std::string list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& i : items) out += (out.size() > 1 ? ", " : "") + ("\"" + i + "\"");
  return out + "]";
}

std::vector<std::string> texts_of(const std::vector<TextEntity>& entities) {
  std::vector<std::string> out;
  for (const auto& e : entities) out.push_back(e.text);
  return out;
}

std::string compare_texts(const std::vector<std::string>& got, const YAML::Node& expected) {
  std::vector<std::string> want;
  for (const auto& e : expected) want.push_back(e.as<std::string>());
  return got == want ? std::string() : "expected " + list(want) + ", got " + list(got);
}

// Entities with indices: `key` names the text field ("url", "hashtag", "screen_name").
std::string compare_entities(const std::vector<TextEntity>& got, const YAML::Node& expected, const std::string& key,
                             bool with_list_slug = false) {
  std::ostringstream want, have;
  for (const auto& e : expected) {
    want << e[key].as<std::string>();
    if (with_list_slug) want << " slug=" << e["list_slug"].as<std::string>();
    want << " [" << e["indices"][0].as<int>() << "," << e["indices"][1].as<int>() << "] ";
  }
  for (const auto& e : got) {
    have << e.text;
    if (with_list_slug) have << " slug=" << e.list_slug;
    have << " [" << e.start << "," << e.end << "] ";
  }
  return want.str() == have.str() ? std::string() : "expected " + want.str() + "got " + have.str();
}

class TwitterTextConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(suite_dir() / "conformance" / "validate.yml")) {
      GTEST_SKIP() << "twitter-text's conformance suite is not at " << suite_dir().string()
                   << " (it lives in ../shared, outside the repository): nothing to run";
    }
    auto shared = PostText::shared();
    ASSERT_TRUE(shared.ok()) << shared.error().message << " (" << shared.error().detail << ")";
    pt_ = shared.value();
  }
  std::shared_ptr<const PostText> pt_;
};

TEST_F(TwitterTextConformance, OurV3IsTwitterTextsV3) {
  const TweetConfig theirs = read_config(suite_dir() / "config" / "v3.json");
  const TweetConfig& ours = twinning::domain::tweet_config_v3();
  EXPECT_EQ(ours.version, theirs.version);
  EXPECT_EQ(ours.max_weighted_length, theirs.max_weighted_length);
  EXPECT_EQ(ours.scale, theirs.scale);
  EXPECT_EQ(ours.default_weight, theirs.default_weight);
  EXPECT_EQ(ours.transformed_url_length, theirs.transformed_url_length);
  EXPECT_EQ(ours.emoji_parsing, theirs.emoji_parsing);
  ASSERT_EQ(ours.ranges.size(), theirs.ranges.size());
  for (std::size_t i = 0; i < ours.ranges.size(); ++i) {
    EXPECT_EQ(ours.ranges[i].start, theirs.ranges[i].start);
    EXPECT_EQ(ours.ranges[i].end, theirs.ranges[i].end);
    EXPECT_EQ(ours.ranges[i].weight, theirs.ranges[i].weight);
  }
}

TEST_F(TwitterTextConformance, ValidateWeightedLengthAndEmoji) {
  const YAML::Node tests = YAML::LoadFile((suite_dir() / "conformance" / "validate.yml").string())["tests"];
  const TweetConfig v1 = read_config(suite_dir() / "config" / "v1.json");
  const TweetConfig v2 = read_config(suite_dir() / "config" / "v2.json");
  const TweetConfig v3 = read_config(suite_dir() / "config" / "v3.json");

  auto weighted = [this](const TweetConfig& config) {
    return [this, &config](const YAML::Node& c) -> std::string {
      auto r = pt_->parse_tweet(c["text"].as<std::string>(), config);
      if (!r.ok()) return r.error().message;
      const auto& e = c["expected"];
      std::ostringstream want, got;
      want << "weightedLength=" << e["weightedLength"].as<int>() << " valid=" << e["valid"].as<bool>()
           << " permillage=" << e["permillage"].as<int>() << " display=" << e["displayRangeStart"].as<int>() << ".."
           << e["displayRangeEnd"].as<int>() << " valid=" << e["validRangeStart"].as<int>() << ".."
           << e["validRangeEnd"].as<int>();
      const auto& p = r.value();
      got << "weightedLength=" << p.weighted_length << " valid=" << p.valid << " permillage=" << p.permillage
          << " display=" << p.display_range_start << ".." << p.display_range_end << " valid=" << p.valid_range_start
          << ".." << p.valid_range_end;
      return want.str() == got.str() ? std::string() : "expected " + want.str() + ", got " + got.str();
    };
  };
  // The plain tweets date from the 140-character limit: configuration v1.
  auto validity = [this, &v1](const YAML::Node& c) -> std::string {
    auto r = pt_->parse_tweet(c["text"].as<std::string>(), v1);
    if (!r.ok()) return r.error().message;
    const bool want = c["expected"].as<bool>();
    return r.value().valid == want ? std::string()
                                   : std::string("expected valid=") + (want ? "true" : "false") + ", got the opposite";
  };
  run_section(tests, "tweets", validity);
  run_section(tests, "WeightedTweetsCounterTest", weighted(v2));
  run_section(tests, "WeightedTweetsWithDiscountedEmojiCounterTest", weighted(v3));
  run_section(tests, "UnicodeDirectionalMarkerCounterTest", weighted(v3));
}

TEST_F(TwitterTextConformance, ExtractMentionsHashtagsAndUrls) {
  const YAML::Node tests = YAML::LoadFile((suite_dir() / "conformance" / "extract.yml").string())["tests"];
  const PostText& pt = *pt_;

  run_section(tests, "mentions", [&](const YAML::Node& c) {
    auto r = pt.extract_mentions(c["text"].as<std::string>());
    return r.ok() ? compare_texts(texts_of(r.value()), c["expected"]) : r.error().message;
  });
  run_section(tests, "mentions_with_indices", [&](const YAML::Node& c) {
    auto r = pt.extract_mentions(c["text"].as<std::string>());
    return r.ok() ? compare_entities(r.value(), c["expected"], "screen_name") : r.error().message;
  });
  run_section(tests, "mentions_or_lists_with_indices", [&](const YAML::Node& c) {
    auto r = pt.extract_mentions_or_lists(c["text"].as<std::string>());
    return r.ok() ? compare_entities(r.value(), c["expected"], "screen_name", true) : r.error().message;
  });
  run_section(tests, "replies", [&](const YAML::Node& c) {
    auto r = pt.extract_reply(c["text"].as<std::string>());
    if (!r.ok()) return r.error().message;
    const std::string want = c["expected"].IsNull() ? std::string() : c["expected"].as<std::string>();
    return r.value() == want ? std::string() : "expected \"" + want + "\", got \"" + r.value() + "\"";
  });
  for (const char* section : {"urls", "tco_urls_with_params"}) {
    run_section(tests, section, [&](const YAML::Node& c) {
      auto r = pt.extract_urls(c["text"].as<std::string>());
      return r.ok() ? compare_texts(texts_of(r.value()), c["expected"]) : r.error().message;
    });
  }
  for (const char* section : {"urls_with_indices", "urls_with_directional_markers"}) {
    run_section(tests, section, [&](const YAML::Node& c) {
      auto r = pt.extract_urls(c["text"].as<std::string>());
      return r.ok() ? compare_entities(r.value(), c["expected"], "url") : r.error().message;
    });
  }
  for (const char* section : {"hashtags", "hashtags_from_astral"}) {
    run_section(tests, section, [&](const YAML::Node& c) {
      auto r = pt.extract_hashtags(c["text"].as<std::string>());
      return r.ok() ? compare_texts(texts_of(r.value()), c["expected"]) : r.error().message;
    });
  }
  run_section(tests, "hashtags_with_indices", [&](const YAML::Node& c) {
    auto r = pt.extract_hashtags(c["text"].as<std::string>());
    return r.ok() ? compare_entities(r.value(), c["expected"], "hashtag") : r.error().message;
  });
}

}  // namespace
