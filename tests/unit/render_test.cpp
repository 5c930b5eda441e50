#include <gtest/gtest.h>
#include <zlib.h>

#include "campaign/load.hpp"
#include "i18n/catalog.hpp"
#include "render/channel_view.hpp"
#include "render/compose.hpp"
#include "render/contact.hpp"
#include "render/encode.hpp"
#include "render/page.hpp"
#include "render/text.hpp"

namespace twinning::render {
namespace {

const std::filesystem::path kSource = TWINNING_SOURCE_DIR;

TEST(RenderText, SubstitutesDottedVariablesWithoutEscaping) {
  auto r = render_text("Kære {{target.title}} {{target.name}} & co", {{"target.title", "borgmester"},
                                                                       {"target.name", "Mads <Skau>"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), "Kære borgmester Mads <Skau> & co");
}

TEST(RenderText, EmptyValueIsFalseInASection) {
  const std::string tmpl = "Dear {{#target.title}}{{target.title}} {{/target.title}}{{target.name}},";
  EXPECT_EQ(render_text(tmpl, {{"target.title", ""}, {"target.name", "Council"}}).value(), "Dear Council,");
  EXPECT_EQ(render_text(tmpl, {{"target.title", "Mayor"}, {"target.name", "Skau"}}).value(), "Dear Mayor Skau,");
}

TEST(RenderText, BrokenTemplateIsAnError) {
  auto r = render_text("{{#open}} never closed", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::invalid_campaign);
}

TEST(Paragraphs, SplitAtBlankLinesOnly) {
  EXPECT_EQ(paragraphs("a\nb\n\n  \nc\r\n\r\nd\n"), (std::vector<std::string>{"a\nb", "c", "d"}));
  EXPECT_TRUE(paragraphs("").empty());
  EXPECT_TRUE(paragraphs("\n\n \n").empty());
}

TEST(Escaping, HtmlAndUrl) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(url_encode("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
}

TEST(Encode, GzipRoundTripsAndEtagIsStable) {
  const std::string text(10000, 'x');
  const std::string gz = gzip(text);
  ASSERT_LT(gz.size(), text.size());
  std::string out(text.size(), '\0');
  z_stream zs{};
  ASSERT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  inflateEnd(&zs);
  EXPECT_EQ(out, text);
  EXPECT_EQ(strong_etag("abc"), strong_etag("abc"));
  EXPECT_NE(strong_etag("abc"), strong_etag("abd"));
  EXPECT_EQ(strong_etag("abc").front(), '"');
}

TEST(Contact, PhoneHoursAndAddresses) {
  EXPECT_EQ(phone_international("+4540781475"), "+45 40 78 14 75");
  EXPECT_EQ(phone_international("not a number"), "not a number");

  domain::OfficeHours hours;
  for (int d = 0; d < 4; ++d) hours.week[d] = {{9 * 60, 15 * 60}};
  hours.week[4] = {{9 * 60, 13 * 60}};
  EXPECT_EQ(office_hours_lines(hours, "en"), (std::vector<std::string>{"Mon–Thu 09:00–15:00", "Fri 09:00–13:00"}));

  // 2026-03-29 is the day Copenhagen moves to summer time: 08:30 UTC is 10:30 local (UTC+2).
  const auto at = std::chrono::sys_days{std::chrono::year{2026} / 3 / 30} + std::chrono::hours{8} +
                  std::chrono::minutes{30};
  const auto local = local_time("Europe/Copenhagen", std::chrono::time_point_cast<std::chrono::seconds>(at));
  EXPECT_EQ(local.weekday, 0);  // Monday
  EXPECT_EQ(local.minutes, 10 * 60 + 30);
  EXPECT_TRUE(is_open(hours, local));
  EXPECT_FALSE(is_open(hours, LocalTime{5, 10 * 60}));  // Saturday

  domain::PostalAddress kr{"ko", "Hang", {{"attention", "강인규 나주시장님"}, {"state", "전라남도"}, {"city", "나주시"},
                                          {"road", "시청길"}, {"house_number", "22"}, {"postcode", "58263"},
                                          {"country_code", "KR"}}, {}};
  // Korean order as the OpenCage KR_ko template writes it (render/address_block.hpp).
  EXPECT_EQ(address_lines(kr), (std::vector<std::string>{"전라남도 나주시 시청길 22", "강인규 나주시장님", "58263",
                                                         "SOUTH KOREA"}));
  domain::PostalAddress dk{"da", "Latn", {{"attention", "Borgmester Mads Skau"}, {"house", "Haderslev Kommune"},
                                          {"road", "Christian X's Vej"}, {"house_number", "39"}, {"postcode", "6100"},
                                          {"city", "Haderslev"}, {"country_code", "DK"}}, {"CVR-nr. 29 18 97 57"}};
  EXPECT_EQ(address_lines(dk),
            (std::vector<std::string>{"Borgmester Mads Skau", "Haderslev Kommune", "Christian X's Vej 39",
                                      "6100 Haderslev", "CVR-nr. 29 18 97 57", "DENMARK"}));
}

class DemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = campaign::load_campaign(kSource / "campaigns" / "naju-haderslev");
    ASSERT_TRUE(loaded.ok());
    campaign_ = std::move(*loaded.campaign);
    auto catalogs = i18n::Catalogs::load(kSource / "locales");
    ASSERT_TRUE(catalogs.ok());
    catalogs_ = std::move(catalogs).value();
    auto pages = Pages::load(kSource);
    ASSERT_TRUE(pages.ok()) << pages.error().message;
    pages_ = std::move(pages).value();
  }
  domain::Campaign campaign_;
  i18n::Catalogs catalogs_;
  Pages pages_;
};

TEST_F(DemoTest, EmailViewGreetsEachToTargetInItsLanguageAndCopiesCcOnce) {
  ViewContext ctx{campaign_, "en", "http://x/naju-haderslev/en/", {"Ana Lima", "PT"}, false, {}, std::nullopt};
  auto view = channel_view(ctx, domain::Channel::email);
  ASSERT_TRUE(view.ok()) << view.error().message;
  const auto& v = view.value();
  ASSERT_EQ(v["messages"].size(), 2u);  // the mayor and the council, one each
  EXPECT_EQ(v["messages"][0]["lang"], "da");
  EXPECT_EQ(v["messages"][0]["body"].get<std::string>().rfind("Kære borgmester Mads Skau", 0), 0u);
  EXPECT_EQ(v["messages"][0]["cc"].size(), 2u);
  EXPECT_TRUE(v["messages"][1]["cc"].empty());
  EXPECT_NE(v["messages"][0]["body"].get<std::string>().find("Ana Lima"), std::string::npos);
  EXPECT_EQ(v["translation"]["lang"], "en");
}

TEST_F(DemoTest, PageIsEscapedAndHasEveryLanguageLink) {
  campaign_.texts["en"]["page.ask"] = "<script>alert('x')</script> & {{foreign.name}}";
  auto html = pages_.campaign(campaign_, catalogs_, "en", "http://127.0.0.1:8080", false);
  ASSERT_TRUE(html.ok()) << html.error().message;
  const std::string& page = html.value();
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; Haderslev"), std::string::npos);
  for (const char* href : {"/naju-haderslev/da/", "/naju-haderslev/ko/"}) {
    EXPECT_NE(page.find(std::string("href=\"") + href + "\""), std::string::npos) << href;
  }
}

TEST_F(DemoTest, FormKeepsValuesAndShowsErrors) {
  FormState form;
  form.values = {{"name", "Ana \"Lima\""}, {"email", "bad"}, {"country", "PT"}, {"consent_public", "yes"}};
  form.errors = {{"email", "Please enter a valid email address."}};
  auto html = pages_.campaign(campaign_, catalogs_, "en", "http://127.0.0.1:8080", false, form);
  ASSERT_TRUE(html.ok());
  const std::string& page = html.value();
  EXPECT_NE(page.find("value=\"Ana &quot;Lima&quot;\""), std::string::npos);
  EXPECT_NE(page.find("<option value=\"PT\" selected>"), std::string::npos);
  EXPECT_NE(page.find("id=\"a-e-email\""), std::string::npos);
  EXPECT_NE(page.find("name=\"consent_public\" type=\"checkbox\" value=\"yes\" checked"), std::string::npos);
  EXPECT_NE(page.find("name=\"consent_this_campaign\" type=\"checkbox\" value=\"yes\">"), std::string::npos);
}

TEST_F(DemoTest, ClosedPageHasNoForm) {
  auto html = pages_.campaign(campaign_, catalogs_, "da", "http://127.0.0.1:8080", true);
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html.value().find("id=\"action-form\""), std::string::npos);
  EXPECT_NE(html.value().find("class=\"closed\""), std::string::npos);
}

}  // namespace
}  // namespace twinning::render
