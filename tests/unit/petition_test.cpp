// The petition's pure rules: the signature key (dedupe) and the counter's plural words, with the
// words as the locale files ship them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/petition.hpp"
#include "campaign/load.hpp"
#include "i18n/catalog.hpp"

namespace twinning::app {
namespace {

std::string key(const std::string& email) {
  auto k = petition_email_key(email);
  if (!k.ok()) return "error: " + k.error().message;
  return k.value();
}

TEST(PetitionEmailKey, FoldsAsciiCaseInBothParts) {
  EXPECT_EQ(key("Ada.Lovelace@Example.ORG"), "ada.lovelace@example.org");
  EXPECT_EQ(key("ada.lovelace@example.org"), key("ADA.LOVELACE@EXAMPLE.ORG"));
}

TEST(PetitionEmailKey, FoldsUnicodeCaseOfTheLocalPart) {
  EXPECT_EQ(key("ÆBLE@example.dk"), key("æble@example.dk"));
  EXPECT_EQ(key("ÆBLE@example.dk"), "æble@example.dk");
  // Full folding: "ß" and "SS" fold alike, as Unicode's default case folding says.
  EXPECT_EQ(key("STRASSE@example.de"), key("straße@example.de"));
  // Composed and decomposed "å" are one spelling.
  EXPECT_EQ(key("\xC3\x85se@example.dk"), key("A\xCC\x8Ase@example.dk"));
  EXPECT_NE(key("aeble@example.dk"), key("æble@example.dk"));
}

TEST(PetitionEmailKey, IdnDomainsBecomeAscii) {
  EXPECT_EQ(key("kim@bücher.example"), "kim@xn--bcher-kva.example");
  EXPECT_EQ(key("kim@bücher.example"), key("kim@xn--bcher-kva.example"));
  EXPECT_EQ(key("kim@BÜCHER.example"), key("kim@XN--BCHER-KVA.EXAMPLE"));
  EXPECT_EQ(key("민지@나주.kr"), key("민지@xn--910bo67b.kr"));
}

TEST(PetitionEmailKey, RefusesWhatIsNotAnAddress) {
  for (const std::string& bad : std::vector<std::string>{"", "no-at-sign", "@example.org", "ada@", "ada@exa mple.org", "ada@-bad-.org",
                                std::string("ada@\xFF.org"), std::string("\xC3@example.org"),
                                "ada@" + std::string(300, 'a') + ".org"}) {
    auto k = petition_email_key(bad);
    ASSERT_FALSE(k.ok()) << bad << " -> " << k.value();
    EXPECT_EQ(k.error().kind, ErrorKind::bad_request) << bad;
    EXPECT_EQ(k.error().field, "email") << bad;
  }
}

class PetitionCount : public ::testing::Test {
 protected:
  std::string count(const std::string& lang, std::int64_t n) {
    auto catalogs = i18n::Catalogs::load(std::filesystem::path(TWINNING_SOURCE_DIR) / "locales");
    if (!catalogs.ok()) return "error: " + catalogs.error().message;
    auto text = signed_count_text(catalogs.value().get(lang).get("petition.count"), lang, n);
    if (!text.ok()) return "error: " + text.error().message;
    return text.value();
  }
};

TEST_F(PetitionCount, EnglishSaysPersonForOneAndPeopleOtherwise) {
  EXPECT_EQ(count("en", 0), "0 people have signed");
  EXPECT_EQ(count("en", 1), "1 person has signed");
  EXPECT_EQ(count("en", 2), "2 people have signed");
  EXPECT_EQ(count("en", 5), "5 people have signed");
  EXPECT_EQ(count("en", 21), "21 people have signed");
  EXPECT_EQ(count("en", 1000), "1,000 people have signed");
}

TEST_F(PetitionCount, DanishSaysPersonForOneAndPersonerOtherwise) {
  EXPECT_EQ(count("da", 0), "0 personer har skrevet under");
  EXPECT_EQ(count("da", 1), "1 person har skrevet under");
  EXPECT_EQ(count("da", 2), "2 personer har skrevet under");
  EXPECT_EQ(count("da", 5), "5 personer har skrevet under");
  EXPECT_EQ(count("da", 21), "21 personer har skrevet under");
  EXPECT_EQ(count("da", 1000), "1.000 personer har skrevet under");
}

TEST_F(PetitionCount, KoreanHasOneFormForEveryNumber) {
  EXPECT_EQ(count("ko", 0), "0명이 서명했습니다");
  EXPECT_EQ(count("ko", 1), "1명이 서명했습니다");
  EXPECT_EQ(count("ko", 2), "2명이 서명했습니다");
  EXPECT_EQ(count("ko", 5), "5명이 서명했습니다");
  EXPECT_EQ(count("ko", 21), "21명이 서명했습니다");
  EXPECT_EQ(count("ko", 1000), "1,000명이 서명했습니다");
}

TEST(PetitionCountPattern, AMalformedPatternIsABadRequest) {
  for (const std::string& bad : std::vector<std::string>{"{count, plural, one {# x}", "{count, plural, }", "{count, nonsense}"}) {
    auto text = signed_count_text(bad, "en", 1);
    ASSERT_FALSE(text.ok()) << bad << " -> " << text.value();
    EXPECT_EQ(text.error().kind, ErrorKind::bad_request) << bad;
  }
}

class SignatureForm : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = campaign::load_campaign(std::filesystem::path(TWINNING_SOURCE_DIR) / "campaigns" / "naju-haderslev");
    ASSERT_TRUE(loaded.ok());
    campaign_ = std::move(*loaded.campaign);
  }
  static Fields good() {
    return {{"name", "Åse Madsen"}, {"email", "ÅSE@Bücher.example"}, {"country", "DK"},
            {"comment", "Line one\n<b>two</b>"}, {"consent_public", "on"}};
  }
  Result<SignatureInput> parse(const Fields& f) {
    problems_.clear();
    return parse_signature(f, campaign_, problems_);
  }
  domain::Campaign campaign_;
  std::vector<FieldError> problems_;
};

TEST_F(SignatureForm, ReadsTheSignerAndKeysTheNormalizedEmail) {
  auto in = parse(good());
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in.value().supporter.channel, "petition");
  EXPECT_TRUE(in.value().supporter.target.empty());
  EXPECT_EQ(in.value().email_key, "åse@xn--bcher-kva.example");
  EXPECT_EQ(in.value().comment, "Line one\n<b>two</b>");
  EXPECT_TRUE(in.value().supporter.consent_public);
  EXPECT_FALSE(in.value().supporter.consent_this_campaign);
}

TEST_F(SignatureForm, ChannelOrTargetFromTheClientIsABadRequest) {
  for (const char* name : {"channel", "target"}) {
    Fields f = good();
    f.emplace_back(name, "email");
    auto in = parse(f);
    ASSERT_FALSE(in.ok()) << name;
    EXPECT_EQ(in.error().kind, ErrorKind::bad_request);
    EXPECT_EQ(in.error().field, name);
  }
}

TEST_F(SignatureForm, ALongOrUnreadableCommentAndABadDomainAreFieldProblems) {
  Fields f = good();
  f[3].second = std::string(1001, 'x');
  EXPECT_FALSE(parse(f).ok());
  ASSERT_EQ(problems_.size(), 1u);
  EXPECT_EQ(problems_[0].field, "comment");
  EXPECT_EQ(problems_[0].code, "too_long");

  f[3].second = std::string(1000, 'x');  // at the limit: fine
  EXPECT_TRUE(parse(f).ok());
  f[3].second = std::string(500, '\xC3');  // 500 broken sequences
  EXPECT_FALSE(parse(f).ok());
  ASSERT_FALSE(problems_.empty());
  EXPECT_EQ(problems_.back().field, "comment");

  Fields g = good();
  g[1].second = "ase@under_score.example";
  EXPECT_FALSE(parse(g).ok());
  ASSERT_EQ(problems_.size(), 1u);
  EXPECT_EQ(problems_[0].field, "email");
}

TEST_F(SignatureForm, PreparesAPendingSignatureWithItsConfirmation) {
  // The confirmation mail goes to the address as typed, and the mail layer takes ASCII addresses
  // only (no SMTPUTF8 yet): an IDN domain is written in its xn-- form here.
  Fields f = good();
  f[1].second = "Ase@XN--BCHER-KVA.example";
  auto in = parse(f);
  ASSERT_TRUE(in.ok());
  auto catalogs = i18n::Catalogs::load(std::filesystem::path(TWINNING_SOURCE_DIR) / "locales");
  ASSERT_TRUE(catalogs.ok());
  MailSettings mail;
  const auto now = std::chrono::sys_seconds{std::chrono::seconds{1795000000}};
  auto p = prepare_signature(in.value(), campaign_, "da", "https://twinning.example", catalogs.value().get("da"), mail, now);
  ASSERT_TRUE(p.ok()) << p.error().message << " " << p.error().detail;
  const store::NewAction& a = p.value().action;
  EXPECT_EQ(a.channel, "petition");
  ASSERT_TRUE(a.signature);
  EXPECT_EQ(a.signature->email_key, "ase@xn--bcher-kva.example");
  EXPECT_EQ(a.signature->comment, "Line one\n<b>two</b>");
  ASSERT_TRUE(a.confirmation);
  EXPECT_TRUE(a.messages.empty());  // nothing goes to an official when one person signs
  EXPECT_FALSE(p.value().token.empty());
  EXPECT_NE(a.confirmation->mail.payload.find(p.value().token.substr(0, 10)), std::string::npos);
}

}  // namespace
}  // namespace twinning::app
