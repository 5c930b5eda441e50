#pragma once
// Grammar that plain substitution gets wrong once a template serves many city pairs: Korean
// particles that depend on the last sound of the word before them, the Danish genitive and the
// English indefinite article. Pure functions; the Mustache wiring lives in render/text.cpp and
// the rules are documented for organizers in docs/directory.md ("Grammar helpers").
#include <string>
#include <string_view>
#include <vector>

namespace twinning::i18n::grammar {

// How a word ends as Korean reads it, which is all a particle cares about.
enum class KoreanEnding {
  vowel,      // no final consonant (batchim): 하데르슬레우, 나주시
  rieul,      // final ㄹ: 서울 (takes 로, not 으로)
  consonant,  // any other final consonant: 목포항, 김천
  unknown,    // nothing we can read (Han characters, kana, an empty word): both forms are written
};

// The ending of `word`: NFC-normalized, trailing spaces, closing punctuation and a final
// parenthesized part ("나주시(羅州市)") skipped. Hangul syllables by arithmetic on U+AC00;
// digits by their Sino-Korean reading (1 일, 3 삼, 6 육, 7 칠, 8 팔, 0 영/십/백/천/만);
// Latin letters by a loanword approximation: l → ㄹ, m and n (also "ng") → consonant, everything
// else → vowel (Haderslev 하데르슬레우, Aarhus 오르후스, Frankfurt 프랑크푸르트).
KoreanEnding korean_ending(std::string_view word);

enum class KoreanParticle {
  topic,      // 은/는
  subject,    // 이/가
  object,     // 을/를
  with,       // 과/와
  direction,  // 으로/로 (ㄹ takes 로)
};

// The particle alone for a word with that ending; for `unknown` the conventional double form
// ("은(는)", "(으)로").
std::string korean_particle(KoreanEnding ending, KoreanParticle particle);
// `word` followed by its particle: "나주시" + topic → "나주시는".
std::string with_korean_particle(std::string_view word, KoreanParticle particle);

// Danish genitive: "Haderslev" → "Haderslevs", "Aarhus" → "Aarhus'" (names ending in s, x or z
// take an apostrophe only). Trailing spaces are dropped; an empty name stays empty.
std::string danish_genitive(std::string_view name);

// "a" or "an" for the phrase, by the sound of its first word: vowel letters take "an" except
// the listed words read with a consonant (one, once, eu…, uni…, use…, usu…, uti…), words with
// a silent h take "an" (hour, honest, honor, honour, heir), all-capital abbreviations by the
// name of their first letter (an MP, an NGO, a UN envoy), numbers by their reading (an 8, an 11,
// an 18, a 1,000). Leading quotes and spaces are skipped.
std::string_view english_article(std::string_view phrase);
// "Danish city" → "a Danish city"; capitalized: "A Danish city".
std::string with_english_article(std::string_view phrase, bool capitalized);

// A helper as organizers use it in a campaign text: {{#ko.eun_neun}}{{home.name}}{{/ko.eun_neun}}
// renders what it wraps, then applies `apply` to the result.
struct Helper {
  std::string name;     // dotted, as written in the template
  std::string example;  // what it does, for check's messages and the docs
  std::string (*apply)(std::string_view rendered);
};
const std::vector<Helper>& helpers();
// The helper named `name`, or nullptr.
const Helper* find_helper(std::string_view name);

}  // namespace twinning::i18n::grammar
