// Sharing a campaign: the QR code (decoded back with zbarimg after rsvg-convert draws the SVG),
// the Open Graph image, the Open Graph and Twitter card tags of the page (present and escaped),
// and the post and share blocks as the page and `twinning preview` show them.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "campaign/load.hpp"
#include "domain/post_text.hpp"
#include "i18n/catalog.hpp"
#include "render/channel_view.hpp"
#include "render/og_image.hpp"
#include "render/page.hpp"
#include "render/qr.hpp"
#include "render/share_meta.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace twinning;

namespace {

fs::path source_dir() {
  const char* env = std::getenv("TWINNING_SOURCE_DIR");
  return env != nullptr ? fs::path(env) : fs::path(TWINNING_SOURCE_DIR);
}

// Runs a shell command; its exit status and standard output.
std::pair<int, std::string> run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return {-1, out};
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(p);
  return {status, out};
}

bool have(const char* tool) { return run(std::string("command -v ") + tool + " >/dev/null 2>&1").first == 0; }

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

}  // namespace

TEST(Qr, SvgDecodesToThePageAddress) {
  if (!have("rsvg-convert") || !have("zbarimg")) {
    GTEST_SKIP() << "rsvg-convert (librsvg2-bin) and zbarimg (zbar-tools) are needed: run scripts/bootstrap";
  }
  test::TempDir dir("twinning-qr");
  const std::vector<std::string> urls = {"http://127.0.0.1:8080/naju-haderslev/ko/",
                                         "https://twinning.example.org/naju-haderslev/da/",
                                         "https://campaigns.example.org/" + std::string(300, 'x') + "/en/"};
  for (const auto& url : urls) {
    SCOPED_TRACE(url);
    auto svg = render::qr_svg(url, "QR code");
    ASSERT_TRUE(svg.ok()) << svg.error().message;
    write(dir.path() / "qr.svg", svg.value());
    const auto png = dir.path() / "qr.png";
    ASSERT_EQ(run("rsvg-convert '" + (dir.path() / "qr.svg").string() + "' -o '" + png.string() + "'").first, 0);
    auto [status, decoded] = run("zbarimg --nodbus -q --raw '" + png.string() + "'");
    ASSERT_EQ(status, 0) << "zbarimg found no code";
    EXPECT_EQ(decoded, url + "\n");
  }
}

TEST(Qr, TitleIsEscapedAndQuietZoneKept) {
  auto svg = render::qr_svg("https://example.org/", "<script>\"&'", 6);
  ASSERT_TRUE(svg.ok());
  EXPECT_EQ(svg.value().find("<script>"), std::string::npos);
  EXPECT_NE(svg.value().find("<title>&lt;script&gt;&quot;&amp;&#39;</title>"), std::string::npos);
  auto m = render::qr_matrix("https://example.org/");
  ASSERT_TRUE(m.ok());
  const std::string side = std::to_string(m.value().size + 8);  // four modules each side
  EXPECT_NE(svg.value().find("viewBox=\"0 0 " + side + " " + side + "\""), std::string::npos);
}

TEST(Qr, BadInputIsRefused) {
  EXPECT_EQ(render::qr_matrix("").error().kind, ErrorKind::bad_request);
  EXPECT_EQ(render::qr_matrix(std::string("a\0b", 3)).error().kind, ErrorKind::bad_request);
  EXPECT_EQ(render::qr_matrix(std::string(8000, 'x')).error().kind, ErrorKind::bad_request);  // over 2953 bytes
  EXPECT_TRUE(render::qr_matrix(std::string(2000, 'x')).ok());
}

TEST(OgImage, IsA1200By630PngWithHangulDrawn) {
  auto png = render::og_image_png({"ko", "하데르슬레우와 나주시", "우호도시에 전해 주세요", "twinning.example.org"});
  ASSERT_TRUE(png.ok()) << png.error().message;
  const std::string& p = png.value();
  ASSERT_GT(p.size(), 24u);
  EXPECT_EQ(p.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(p.substr(12, 4), "IHDR");
  EXPECT_EQ(be32(p, 16), static_cast<std::uint32_t>(render::kOgImageWidth));
  EXPECT_EQ(be32(p, 20), static_cast<std::uint32_t>(render::kOgImageHeight));
  // The text is drawn: an image without it is a different (and smaller) picture.
  auto blank = render::og_image_png({"ko", "", "", ""});
  ASSERT_TRUE(blank.ok());
  EXPECT_LT(blank.value().size(), p.size());
  EXPECT_EQ(render::og_image_png({"ko", "\xC3\x28", "", ""}).error().kind, ErrorKind::invalid_utf8);
}

TEST(ShareMeta, OpenGraphLocales) {
  EXPECT_EQ(render::og_locale("en"), "en_US");
  EXPECT_EQ(render::og_locale("da"), "da_DK");
  EXPECT_EQ(render::og_locale("ko"), "ko_KR");
}

class SharePage : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalogs = i18n::Catalogs::load(source_dir() / "locales");
    ASSERT_TRUE(catalogs.ok()) << catalogs.error().message;
    catalogs_ = std::move(catalogs).value();
    auto pages = render::Pages::load(source_dir());
    ASSERT_TRUE(pages.ok()) << pages.error().message;
    pages_ = std::move(pages).value();
  }
  domain::Campaign load(const fs::path& dir) {
    auto loaded = campaign::load_campaign(dir);
    for (const auto& p : loaded.problems) ADD_FAILURE() << campaign::format_problem(p);
    return loaded.ok() ? *loaded.campaign : domain::Campaign{};
  }
  i18n::Catalogs catalogs_;
  render::Pages pages_;
};

TEST_F(SharePage, OpenGraphAndTwitterTagsArePresentAndEscaped) {
  test::TempDir dir("twinning-og");
  const fs::path c_dir = dir.path() / "minimal";
  fs::copy(source_dir() / "tests" / "unit" / "fixtures" / "campaigns" / "minimal", c_dir, fs::copy_options::recursive);
  std::string en = read(c_dir / "texts" / "en.yaml");
  const std::string title = "  title: \"{{home.name}} and {{foreign.name}}\"";
  ASSERT_NE(en.find(title), std::string::npos);
  en.replace(en.find(title), title.size(),
             "  title: \"{{home.name}} & \\\"{{foreign.name}}\\\" <script>alert('x')</script>\"");
  write(c_dir / "texts" / "en.yaml", en);
  const auto c = load(c_dir);
  ASSERT_FALSE(c.id.empty());

  auto html = pages_.campaign(c, catalogs_, "en", "https://twinning.example.org", false);
  ASSERT_TRUE(html.ok()) << html.error().message;
  const std::string& h = html.value();
  EXPECT_EQ(h.find("<script>alert"), std::string::npos);
  const std::string escaped = "Naju &amp; &quot;Haderslev&quot; &lt;script&gt;alert(";
  for (const std::string& tag : {"<meta property=\"og:title\" content=\"" + escaped,
                                "<meta name=\"twitter:title\" content=\"" + escaped,
                                "<meta property=\"og:image:alt\" content=\"" + escaped}) {
    EXPECT_NE(h.find(tag), std::string::npos) << tag;
  }
  for (const char* tag : {
           "<meta property=\"og:type\" content=\"website\">",
           "<meta property=\"og:url\" content=\"https://twinning.example.org/minimal/en/\">",
           "<link rel=\"canonical\" href=\"https://twinning.example.org/minimal/en/\">",
           "<meta property=\"og:description\" content=\"Speak up, Haderslev.\">",
           "<meta property=\"og:image\" content=\"https://twinning.example.org/minimal/en/og.png\">",
           "<meta property=\"og:image:width\" content=\"1200\">",
           "<meta property=\"og:image:height\" content=\"630\">",
           "<meta property=\"og:locale\" content=\"en_US\">",
           "<meta property=\"og:locale:alternate\" content=\"da_DK\">",
           "<meta name=\"twitter:card\" content=\"summary_large_image\">",
           "<meta name=\"twitter:image\" content=\"https://twinning.example.org/minimal/en/og.png\">"}) {
    EXPECT_NE(h.find(tag), std::string::npos) << tag;
  }
  // The Danish page describes itself in Danish.
  auto da = pages_.campaign(c, catalogs_, "da", "https://twinning.example.org", false);
  ASSERT_TRUE(da.ok());
  EXPECT_NE(da.value().find("<meta property=\"og:locale\" content=\"da_DK\">"), std::string::npos);
  EXPECT_NE(da.value().find("<meta property=\"og:url\" content=\"https://twinning.example.org/minimal/da/\">"),
            std::string::npos);
}

TEST_F(SharePage, DemoPostBlockHasTheTextCountsAndLinks) {
  const auto c = load(source_dir() / "campaigns" / "naju-haderslev");
  auto html = pages_.campaign(c, catalogs_, "en", "https://twinning.example.org", false);
  ASSERT_TRUE(html.ok()) << html.error().message;
  const std::string& h = html.value();
  EXPECT_NE(h.find("<textarea id=\"post-text\" name=\"text\" form=\"post-mastodon\""), std::string::npos);
  EXPECT_NE(h.find("data-post-text>. . @greenjeonnam @camp8866 @sukyeol__yoon Naju"), std::string::npos);
  EXPECT_NE(h.find("href=\"https://x.com/intent/post?text=.%20.%20%40greenjeonnam%20%40camp8866"), std::string::npos);
  EXPECT_NE(h.find("href=\"https://bsky.app/intent/compose?text=.%20.%20%40greenjeonnam"), std::string::npos);
  EXPECT_NE(h.find("action=\"/naju-haderslev/en/mastodon\""), std::string::npos);
  EXPECT_NE(h.find("of 280 characters, as X counts them"), std::string::npos);
  EXPECT_NE(h.find("of 300 characters"), std::string::npos);
  EXPECT_NE(h.find("of 500 characters"), std::string::npos);
  EXPECT_NE(h.find("<img src=\"https://twinning.example.org/naju-haderslev/en/qr.svg\""), std::string::npos);
  // Hangul in the Korean post, escaped as text.
  auto ko = pages_.campaign(c, catalogs_, "ko", "https://twinning.example.org", false);
  ASSERT_TRUE(ko.ok());
  EXPECT_NE(ko.value().find("lang=\"ko\" dir=\"auto\" data-post-text>. . @greenjeonnam"), std::string::npos);
}

TEST_F(SharePage, PostAndShareViewsForPreview) {
  const auto c = load(source_dir() / "campaigns" / "naju-haderslev");
  for (const std::string& lang : std::vector<std::string>{"en", "da", "ko"}) {
    SCOPED_TRACE(lang);
    const std::string url = "https://twinning.example.org/naju-haderslev/" + lang + "/";
    render::ViewContext ctx{c, lang, url, {}, false, {}, std::nullopt};
    auto post = render::channel_view(ctx, domain::Channel::post);
    ASSERT_TRUE(post.ok()) << post.error().message;
    const auto& p = post.value();
    const std::string text = p["text"];
    const int weighted = domain::PostText::shared().value()->parse_tweet(text).value().weighted_length;
    EXPECT_EQ(p["weighted_length"], weighted);
    ASSERT_EQ(p["networks"].size(), 3u);
    EXPECT_EQ(p["networks"][0]["id"], "x");
    EXPECT_EQ(p["networks"][0]["limit"], 280);
    EXPECT_EQ(p["networks"][0]["fits"], true);
    EXPECT_EQ(p["networks"][0]["url"].get<std::string>().rfind("https://x.com/intent/post?text=", 0), 0u);
    EXPECT_EQ(p["networks"][1]["url"].get<std::string>().rfind("https://bsky.app/intent/compose?text=", 0), 0u);
    EXPECT_EQ(p["networks"][2]["share_path"], "/naju-haderslev/" + lang + "/mastodon");
    EXPECT_EQ(p["hashtags"].size(), 6u);
    EXPECT_EQ(p["mentions"].size(), 3u);

    auto share = render::channel_view(ctx, domain::Channel::share);
    ASSERT_TRUE(share.ok());
    EXPECT_EQ(share.value()["qr_svg"], url + "qr.svg");
    EXPECT_EQ(share.value()["og_image"], url + "og.png");
    std::vector<std::string> names;
    for (const auto& l : share.value()["links"]) names.push_back(l["name"]);
    EXPECT_EQ(names, (std::vector<std::string>{"Email", "WhatsApp", "Telegram", "Facebook", "X", "Bluesky", "LINE"}));
  }
}
