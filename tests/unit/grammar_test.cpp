// The grammar helpers: each language's rule on its own, then as organizers use them in a
// campaign text (rendered by render_text, accepted by check).
#include <gtest/gtest.h>

#include "campaign/template_check.hpp"
#include "campaign/text_keys.hpp"
#include "i18n/grammar.hpp"
#include "render/text.hpp"

namespace twinning {
namespace {

using i18n::grammar::KoreanEnding;
using i18n::grammar::KoreanParticle;
namespace g = i18n::grammar;

TEST(KoreanEnding, HangulSyllables) {
  EXPECT_EQ(g::korean_ending("나주시"), KoreanEnding::vowel);
  EXPECT_EQ(g::korean_ending("하데르슬레우"), KoreanEnding::vowel);
  EXPECT_EQ(g::korean_ending("서울"), KoreanEnding::rieul);
  EXPECT_EQ(g::korean_ending("목포항"), KoreanEnding::consonant);
  EXPECT_EQ(g::korean_ending("김천"), KoreanEnding::consonant);
  EXPECT_EQ(g::korean_ending("힣"), KoreanEnding::consonant);  // last syllable of the block
  EXPECT_EQ(g::korean_ending("가"), KoreanEnding::vowel);      // first syllable of the block
}

TEST(KoreanEnding, SkipsWhatFollowsTheWord) {
  EXPECT_EQ(g::korean_ending("나주시 "), KoreanEnding::vowel);
  EXPECT_EQ(g::korean_ending("“목포항”"), KoreanEnding::consonant);
  EXPECT_EQ(g::korean_ending("나주시(羅州市)"), KoreanEnding::vowel);
  EXPECT_EQ(g::korean_ending("서울(Seoul)"), KoreanEnding::rieul);
  EXPECT_EQ(g::korean_ending("목포항（木浦港）"), KoreanEnding::consonant);
}

TEST(KoreanEnding, DecomposedJamoAreComposedFirst) {
  // 항 as conjoining jamo ᄒ ᅡ ᆼ (NFD), as macOS file names and some PDFs give it.
  EXPECT_EQ(g::korean_ending("목포\u1112\u1161\u11BC"), KoreanEnding::consonant);
  EXPECT_EQ(g::korean_ending("서\u110B\u116E\u11AF"), KoreanEnding::rieul);
}

TEST(KoreanEnding, DigitsByTheirSinoKoreanReading) {
  EXPECT_EQ(g::korean_ending("2016"), KoreanEnding::consonant);  // 이천십육: 육
  EXPECT_EQ(g::korean_ending("2017"), KoreanEnding::rieul);      // 칠
  EXPECT_EQ(g::korean_ending("2018"), KoreanEnding::rieul);      // 팔
  EXPECT_EQ(g::korean_ending("2011"), KoreanEnding::rieul);      // 일
  EXPECT_EQ(g::korean_ending("2019"), KoreanEnding::vowel);      // 구
  EXPECT_EQ(g::korean_ending("2"), KoreanEnding::vowel);         // 이
  EXPECT_EQ(g::korean_ending("2020"), KoreanEnding::consonant);  // 십
  EXPECT_EQ(g::korean_ending("0"), KoreanEnding::consonant);     // 영
  EXPECT_EQ(g::korean_ending("3"), KoreanEnding::consonant);     // 삼
}

TEST(KoreanEnding, LatinLettersByLoanwordApproximation) {
  EXPECT_EQ(g::korean_ending("Haderslev"), KoreanEnding::vowel);  // 하데르슬레우
  EXPECT_EQ(g::korean_ending("Aarhus"), KoreanEnding::vowel);     // 오르후스
  EXPECT_EQ(g::korean_ending("Seoul"), KoreanEnding::rieul);
  EXPECT_EQ(g::korean_ending("Berlin"), KoreanEnding::consonant);
  EXPECT_EQ(g::korean_ending("Nottingham"), KoreanEnding::consonant);
  EXPECT_EQ(g::korean_ending("Hong Kong"), KoreanEnding::consonant);
  EXPECT_EQ(g::korean_ending("HAMBURG"), KoreanEnding::vowel);
}

TEST(KoreanEnding, UnknownGivesBothForms) {
  EXPECT_EQ(g::korean_ending(""), KoreanEnding::unknown);
  EXPECT_EQ(g::korean_ending("   "), KoreanEnding::unknown);
  EXPECT_EQ(g::korean_ending("東京"), KoreanEnding::unknown);
  EXPECT_EQ(g::korean_ending("とうきょう"), KoreanEnding::unknown);
  EXPECT_EQ(g::korean_ending("(나주)"), KoreanEnding::unknown);  // only a parenthesized part
  EXPECT_EQ(g::korean_ending("나주\xFF"), KoreanEnding::unknown);  // invalid UTF-8
  EXPECT_EQ(g::with_korean_particle("東京", KoreanParticle::topic), "東京은(는)");
  EXPECT_EQ(g::with_korean_particle("東京", KoreanParticle::direction), "東京(으)로");
}

TEST(KoreanParticles, EveryParticleAfterEveryEnding) {
  struct Case {
    const char* word;
    const char* eun_neun;
    const char* i_ga;
    const char* eul_reul;
    const char* gwa_wa;
    const char* euro_ro;
  };
  const Case cases[] = {
      {"나주시", "나주시는", "나주시가", "나주시를", "나주시와", "나주시로"},
      {"하데르슬레우", "하데르슬레우는", "하데르슬레우가", "하데르슬레우를", "하데르슬레우와", "하데르슬레우로"},
      {"서울", "서울은", "서울이", "서울을", "서울과", "서울로"},
      {"목포항", "목포항은", "목포항이", "목포항을", "목포항과", "목포항으로"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(g::with_korean_particle(c.word, KoreanParticle::topic), c.eun_neun);
    EXPECT_EQ(g::with_korean_particle(c.word, KoreanParticle::subject), c.i_ga);
    EXPECT_EQ(g::with_korean_particle(c.word, KoreanParticle::object), c.eul_reul);
    EXPECT_EQ(g::with_korean_particle(c.word, KoreanParticle::with), c.gwa_wa);
    EXPECT_EQ(g::with_korean_particle(c.word, KoreanParticle::direction), c.euro_ro);
  }
}

TEST(DanishGenitive, SAndApostrophe) {
  EXPECT_EQ(g::danish_genitive("Haderslev"), "Haderslevs");
  EXPECT_EQ(g::danish_genitive("Aarhus"), "Aarhus'");
  EXPECT_EQ(g::danish_genitive("Bordeaux"), "Bordeaux'");
  EXPECT_EQ(g::danish_genitive("Schweiz"), "Schweiz'");
  EXPECT_EQ(g::danish_genitive("Naju"), "Najus");
  EXPECT_EQ(g::danish_genitive("Rødovre"), "Rødovres");
  EXPECT_EQ(g::danish_genitive("ODENSE"), "ODENSEs");
  EXPECT_EQ(g::danish_genitive("AARHUS "), "AARHUS'");
  EXPECT_EQ(g::danish_genitive(""), "");
}

TEST(EnglishArticle, VowelsConsonantsAndTheExceptionList) {
  EXPECT_EQ(g::english_article("Danish city"), "a");
  EXPECT_EQ(g::english_article("American city"), "an");
  EXPECT_EQ(g::english_article("Estonian town"), "an");
  EXPECT_EQ(g::english_article("hour"), "an");
  EXPECT_EQ(g::english_article("honest answer"), "an");
  EXPECT_EQ(g::english_article("honour"), "an");
  EXPECT_EQ(g::english_article("heir"), "an");
  EXPECT_EQ(g::english_article("house"), "a");
  EXPECT_EQ(g::english_article("one-year twinning"), "a");
  EXPECT_EQ(g::english_article("European city"), "a");
  EXPECT_EQ(g::english_article("university town"), "a");
  EXPECT_EQ(g::english_article("unimportant detail"), "an");
  EXPECT_EQ(g::english_article("uninformed view"), "an");
  EXPECT_EQ(g::english_article("unidentified caller"), "an");
  EXPECT_EQ(g::english_article("useful ally"), "a");
  EXPECT_EQ(g::english_article("usual"), "a");
  EXPECT_EQ(g::english_article("utility"), "a");
  EXPECT_EQ(g::english_article("Ukrainian city"), "a");
  EXPECT_EQ(g::english_article("urban area"), "an");
  EXPECT_EQ(g::english_article("“official” letter"), "an");
  EXPECT_EQ(g::english_article(""), "a");
}

TEST(EnglishArticle, AbbreviationsAndNumbers) {
  EXPECT_EQ(g::english_article("MP"), "an");
  EXPECT_EQ(g::english_article("NGO"), "an");
  EXPECT_EQ(g::english_article("UN envoy"), "a");
  EXPECT_EQ(g::english_article("EU member"), "an");
  EXPECT_EQ(g::english_article("BBC reporter"), "a");
  EXPECT_EQ(g::english_article("8-year partnership"), "an");
  EXPECT_EQ(g::english_article("80-year-old"), "an");
  EXPECT_EQ(g::english_article("11-year partnership"), "an");
  EXPECT_EQ(g::english_article("18 year"), "an");
  EXPECT_EQ(g::english_article("110"), "a");
  EXPECT_EQ(g::english_article("1,000-signature goal"), "a");
  EXPECT_EQ(g::with_english_article("Danish city", false), "a Danish city");
  EXPECT_EQ(g::with_english_article("American city", true), "An American city");
}

// ---------------------------------------------------------------- in campaign texts

std::string render(const std::string& tmpl, const render::Vars& vars) {
  auto r = render::render_text(tmpl, vars);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : std::string();
}

TEST(GrammarInTemplates, KoreanSentencesForSeveralPairs) {
  const std::string tmpl =
      "{{#ko.eun_neun}}{{home.name}}{{/ko.eun_neun}} {{since}}년부터 "
      "{{#ko.gwa_wa}}{{foreign.name}}{{/ko.gwa_wa}} 우호도시입니다. "
      "{{#ko.i_ga}}{{foreign.name}}{{/ko.i_ga}} {{#ko.eul_reul}}{{home.name}}{{/ko.eul_reul}} "
      "{{#ko.euro_ro}}{{foreign.name}}{{/ko.euro_ro}} 초대했습니다.";
  EXPECT_EQ(render(tmpl, {{"home.name", "나주시"}, {"foreign.name", "하데르슬레우"}, {"since", "2016"}}),
            "나주시는 2016년부터 하데르슬레우와 우호도시입니다. 하데르슬레우가 나주시를 하데르슬레우로 초대했습니다.");
  EXPECT_EQ(render(tmpl, {{"home.name", "목포시"}, {"foreign.name", "오르후스"}, {"since", "2001"}}),
            "목포시는 2001년부터 오르후스와 우호도시입니다. 오르후스가 목포시를 오르후스로 초대했습니다.");
  EXPECT_EQ(render(tmpl, {{"home.name", "서울"}, {"foreign.name", "베를린"}, {"since", "1991"}}),
            "서울은 1991년부터 베를린과 우호도시입니다. 베를린이 서울을 베를린으로 초대했습니다.");
}

TEST(GrammarInTemplates, DanishAndEnglishSentences) {
  EXPECT_EQ(render("{{#da.genitive}}{{foreign.name}}{{/da.genitive}} borgmester", {{"foreign.name", "Haderslev"}}),
            "Haderslevs borgmester");
  EXPECT_EQ(render("{{#da.genitive}}{{foreign.name}}{{/da.genitive}} borgmester", {{"foreign.name", "Aarhus"}}),
            "Aarhus' borgmester");
  EXPECT_EQ(render("{{#en.A_An}}{{relation}}{{/en.A_An}} city since {{since}}", {{"relation", "friendship"}, {"since", "2016"}}),
            "A friendship city since 2016");
  EXPECT_EQ(render("Naju is {{#en.a_an}}{{adjective}} partner{{/en.a_an}}.", {{"adjective", "old"}}),
            "Naju is an old partner.");
}

TEST(GrammarInTemplates, ValuesAreNotRenderedAsTemplates) {
  // A name holding Mustache tags must come out as written, not be rendered a second time.
  EXPECT_EQ(render("{{#ko.eun_neun}}{{home.name}}{{/ko.eun_neun}}", {{"home.name", "{{since}}"}, {"since", "2016"}}),
            "{{since}}는");  // read as written: it ends in "e", a vowel
}

TEST(GrammarInTemplates, CheckAcceptsHelpersAsSectionsOnly) {
  const auto& allowed = campaign::allowed_variables("page.why");
  EXPECT_TRUE(campaign::check_template("{{#ko.eun_neun}}{{home.name}}{{/ko.eun_neun}} {{#da.genitive}}{{foreign.name}}{{/da.genitive}}",
                                       allowed)
                  .empty());
  for (const auto& h : g::helpers()) {
    EXPECT_TRUE(campaign::check_template("{{#" + h.name + "}}{{home.name}}{{/" + h.name + "}}", allowed).empty()) << h.name;
    const auto bare = campaign::check_template("{{" + h.name + "}}", allowed);
    ASSERT_EQ(bare.size(), 1u) << h.name;
    EXPECT_NE(bare[0].message.find("grammar helper"), std::string::npos);
    EXPECT_NE(bare[0].fix.find("{{#" + h.name + "}}"), std::string::npos);
    EXPECT_EQ(campaign::check_template("{{^" + h.name + "}}x{{/" + h.name + "}}", allowed).size(), 1u) << h.name;
  }
  // Variables inside a helper are still checked.
  EXPECT_EQ(campaign::check_template("{{#ko.eun_neun}}{{target.name}}{{/ko.eun_neun}}", allowed).size(), 1u);
  EXPECT_EQ(campaign::check_template("{{#ko.nope}}{{home.name}}{{/ko.nope}}", allowed).size(), 1u);
}

}  // namespace
}  // namespace twinning
