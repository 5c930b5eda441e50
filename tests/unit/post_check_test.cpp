// `twinning check` on the post (campaign/post_check): the demo's post is clean; a post over X's
// limit is an error at post.text's place in texts/<lang>.yaml; handles X would not link, and a
// post X would show as a reply, are warnings at their own place.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "campaign/load.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using twinning::campaign::Problem;

namespace {

fs::path source_dir() {
  const char* env = std::getenv("TWINNING_SOURCE_DIR");
  return env != nullptr ? fs::path(env) : fs::path(TWINNING_SOURCE_DIR);
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string hangul(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "한";
  return out;
}

class PostCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path() / "naju-haderslev";
    fs::copy(source_dir() / "campaigns" / "naju-haderslev", dir_, fs::copy_options::recursive);
  }

  // Replaces the English post (one line, `  text: "..."` under `post:`) and loads the campaign.
  twinning::campaign::LoadResult with_english_post(const std::string& yaml_value) {
    const fs::path file = dir_ / "texts" / "en.yaml";
    std::string text = read(file);
    const auto post = text.find("\npost:\n  text: ");
    EXPECT_NE(post, std::string::npos);
    const auto start = post + std::string("\npost:\n  text: ").size();
    const auto end = text.find('\n', start);
    text.replace(start, end - start, yaml_value);
    std::ofstream(file, std::ios::binary) << text;
    line_ = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(start), '\n'));
    column_ = static_cast<int>(std::string("  text: ").size()) + 1;
    return twinning::campaign::load_campaign(dir_);
  }

  std::vector<Problem> post_problems(const twinning::campaign::LoadResult& r) const {
    std::vector<Problem> out;
    for (const auto& p : r.problems) {
      if (p.message.find("post.text") != std::string::npos) out.push_back(p);
    }
    return out;
  }

  twinning::test::TempDir tmp_{"twinning-post-check"};
  fs::path dir_;
  int line_ = 0;
  int column_ = 0;
};

TEST_F(PostCheck, TheDemoPostIsClean) {
  auto r = twinning::campaign::load_campaign(dir_);
  ASSERT_TRUE(r.ok());
  for (const auto& p : post_problems(r)) ADD_FAILURE() << twinning::campaign::format_problem(p);
}

TEST_F(PostCheck, OverXsLimitIsAnErrorAtThePost) {
  // 281 weighted characters: 140 Hangul syllables (2 each) and a letter.
  auto r = with_english_post("\"" + hangul(140) + "a\"");
  EXPECT_FALSE(r.ok());
  auto problems = post_problems(r);
  ASSERT_EQ(problems.size(), 1u);
  const auto& p = problems[0];
  EXPECT_EQ(p.severity, Problem::Severity::error);
  EXPECT_EQ(fs::path(p.file).filename(), "en.yaml");
  EXPECT_EQ(p.line, line_);
  EXPECT_EQ(p.column, column_);
  EXPECT_NE(p.message.find("281 characters as X counts them"), std::string::npos) << p.message;
  EXPECT_NE(p.fix.find("shorten it by 1"), std::string::npos) << p.fix;
  EXPECT_NE(twinning::campaign::format_problem(p).find("en.yaml:" + std::to_string(line_) + ":" +
                                                        std::to_string(column_) + ": error:"),
            std::string::npos);
}

TEST_F(PostCheck, JustUnderTheLimitPasses) {
  auto r = with_english_post("\"" + hangul(140) + "\"");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(post_problems(r).empty());
}

TEST_F(PostCheck, HandlesXWouldNotLinkAreWarnings) {
  auto r = with_english_post("\". . {{handles}} and @a_handle_too_long and x@greenjeonnam #Naju\"");
  EXPECT_TRUE(r.ok());  // warnings only
  auto problems = post_problems(r);
  ASSERT_EQ(problems.size(), 2u);
  for (const auto& p : problems) EXPECT_EQ(p.severity, Problem::Severity::warning);
  EXPECT_NE(problems[0].message.find("@a_handle_too_long is not an X handle"), std::string::npos);
  EXPECT_NE(problems[1].message.find("X will not link @greenjeonnam"), std::string::npos);
  // Each at its own place on the line.
  const std::string line = "  text: \". . {{handles}} and @a_handle_too_long and x@greenjeonnam #Naju\"";
  EXPECT_EQ(problems[0].line, line_);
  EXPECT_EQ(problems[0].column, static_cast<int>(line.find("@a_handle")) + 1);
  EXPECT_EQ(problems[1].column, static_cast<int>(line.find("@greenjeonnam")) + 1);
}

TEST_F(PostCheck, AnEmailAddressIsNoMention) {
  auto r = with_english_post("\". . {{handles}} write to ana@example.org\"");
  EXPECT_TRUE(post_problems(r).empty());
}

TEST_F(PostCheck, StartingWithAHandleWarnsItIsAReply) {
  auto r = with_english_post("\"{{handles}} please enforce the law #Naju\"");
  EXPECT_TRUE(r.ok());
  auto problems = post_problems(r);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].severity, Problem::Severity::warning);
  EXPECT_NE(problems[0].message.find("starts with @greenjeonnam"), std::string::npos);
}

}  // namespace
