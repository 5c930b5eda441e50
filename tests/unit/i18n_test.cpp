#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "i18n/catalog.hpp"

namespace twinning::i18n {
namespace {

const std::vector<std::string> kLangs = {"en", "da", "ko"};

TEST(NegotiateLanguage, PicksHighestQualityAvailable) {
  EXPECT_EQ(negotiate_language("da, en;q=0.8", kLangs, "en"), "da");
  EXPECT_EQ(negotiate_language("fr;q=1, ko;q=0.5, en;q=0.4", kLangs, "en"), "ko");
  EXPECT_EQ(negotiate_language("en;q=0.2, da;q=0.9", kLangs, "en"), "da");
}

TEST(NegotiateLanguage, MatchesPrimarySubtagAndIsCaseInsensitive) {
  EXPECT_EQ(negotiate_language("ko-KR,ko;q=0.9", kLangs, "en"), "ko");
  EXPECT_EQ(negotiate_language("DA-dk", kLangs, "en"), "da");
}

TEST(NegotiateLanguage, FallsBackWhenNothingMatches) {
  EXPECT_EQ(negotiate_language("fr-FR, de", kLangs, "en"), "en");
  EXPECT_EQ(negotiate_language("", kLangs, "da"), "da");
  EXPECT_EQ(negotiate_language("*", kLangs, "ko"), "ko");
}

TEST(NegotiateLanguage, ZeroQualityMeansNo) { EXPECT_EQ(negotiate_language("da;q=0, ko", kLangs, "en"), "ko"); }

TEST(NegotiateLanguage, MalformedHeadersAreNoPreference) {
  for (const char* bad : {";;;", "da;q=2", "da;q=abc", "da;x=1", "-da", "da--dk", ",,,,", "\xff\xfe",
                          "averyveryverylongsubtagthatisnotvalid"}) {
    EXPECT_EQ(negotiate_language(bad, kLangs, "en"), "en") << bad;
  }
  // A malformed range does not hide a good one after it.
  EXPECT_EQ(negotiate_language("da;q=2, ko", kLangs, "en"), "ko");
}

TEST(NegotiateLanguage, ManyRangesAreBounded) {
  std::string header;
  for (int i = 0; i < 10000; ++i) header += "fr,";
  header += "da";
  EXPECT_EQ(negotiate_language(header, kLangs, "en"), "en");  // the 10001st range is past the bound
}

TEST(RegionFromAcceptLanguage, FirstRegion) {
  EXPECT_EQ(region_from_accept_language("da-DK,da;q=0.9"), "DK");
  EXPECT_EQ(region_from_accept_language("en;q=0.9, ko-kr;q=1"), "KR");
  EXPECT_EQ(region_from_accept_language("zh-Hant-TW"), "TW");
  EXPECT_EQ(region_from_accept_language("en"), "");
  EXPECT_EQ(region_from_accept_language("garbage;;"), "");
}

TEST(Countries, NamedInTheLanguageAndSorted) {
  const auto& da = countries("da");
  ASSERT_GT(da.size(), 240u);
  bool found = false;
  for (const auto& c : da) {
    if (c.code == "DK") {
      EXPECT_EQ(c.name, "Danmark");
      found = true;
    }
    EXPECT_NE(c.code, "YU");  // withdrawn codes are not offered
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(country_name("KR", "ko"), "대한민국");
  EXPECT_EQ(country_name("KR", "en"), "South Korea");
}

TEST(Catalogs, LoadTheShippedLocalesWithTheSameKeys) {
  auto catalogs = Catalogs::load(std::filesystem::path(TWINNING_SOURCE_DIR) / "locales");
  ASSERT_TRUE(catalogs.ok()) << catalogs.error().message;
  for (const auto& lang : kLangs) {
    ASSERT_TRUE(catalogs.value().has(lang)) << lang;
    EXPECT_EQ(catalogs.value().get(lang).words().size(), catalogs.value().get("en").words().size()) << lang;
  }
  EXPECT_EQ(catalogs.value().get("da").get("language_name"), "Dansk");
  // An unknown language falls back to English; an unknown key shows itself.
  EXPECT_EQ(catalogs.value().get("fr").lang(), "en");
  EXPECT_EQ(catalogs.value().get("en").get("no.such.key"), "no.such.key");
}

TEST(Catalogs, RefusesALocaleMissingAKey) {
  auto dir = std::filesystem::temp_directory_path() / ("twinning-locales-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "en.yaml") << "a: A\nb: B\n";
  std::ofstream(dir / "da.yaml") << "a: A\n";
  auto catalogs = Catalogs::load(dir);
  ASSERT_FALSE(catalogs.ok());
  EXPECT_NE(catalogs.error().message.find("da.yaml lacks 'b'"), std::string::npos) << catalogs.error().message;
  std::ofstream(dir / "da.yaml") << "a: [1, 2]\nb: B\n";
  catalogs = Catalogs::load(dir);
  ASSERT_FALSE(catalogs.ok());
  EXPECT_NE(catalogs.error().message.find("must be a text"), std::string::npos);
  std::ofstream(dir / "da.yaml") << "a: \"unclosed\nb: B\n";
  EXPECT_FALSE(Catalogs::load(dir).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace twinning::i18n
