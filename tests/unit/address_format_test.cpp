// domain::AddressFormatter on small hand-made rules (each rule of the data format, and malformed
// data), then on the npm data twinning ships (the demo's addresses, the strict checks) and
// render::address_blocks (what goes in the envelope window).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "campaign/load.hpp"
#include "domain/address_format.hpp"
#include "render/address_block.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using twinning::ErrorKind;
using twinning::domain::AddressComponents;
using twinning::domain::AddressFormatData;
using twinning::domain::AddressFormatOptions;
using twinning::domain::AddressFormatter;
using twinning::domain::PostalAddress;

namespace {

// Rules in the npm layout, small enough to read: a default, a country with every rule kind, a
// territory written by another country's rules, and a language variant.
AddressFormatData small_data() {
  AddressFormatData d;
  d.templates = R"({
    "generic1": "{{{road}}}\n",
    "default": {
      "address_template": "{{{attention}}}\n{{{house}}}\n{{{road}}} {{{house_number}}}\n{{{postcode}}} {{#first}} {{{city}}} || {{{town}}} || {{{village}}} {{/first}}\n{{{country}}}\n",
      "fallback_template": "{{{attention}}}\n{{#first}} {{{city}}} || {{{town}}} {{/first}}\n{{{state}}}\n{{{country}}}\n"
    },
    "AA": {
      "address_template": "{{{house_number}}} {{{road}}}\n{{{city}}}, {{#first}} {{{state_code}}} || {{{state}}} {{/first}} {{{postcode}}}\n{{{country}}}\n",
      "replace": [["^Town of ", ""], ["state=North Region$", "Northern Region"], ["city=^Alt-", ""]],
      "postformat_replace": [[" (\\d{3})(\\d{4})\n", " $1-$2\n"], ["\nAA$", "\nAnnexed Area"]]
    },
    "AB": {"use_country": "AA", "change_country": "Greater $state", "add_component": "state=Beta"},
    "AC": {"address_template": "{{{country}}}\n{{{state}}} {{{city}}} {{{road}}} {{{house_number}}}\n{{{postcode}}}\n"},
    "AC_en": {"address_template": "{{{house_number}}} {{{road}}}\n{{{city}}} {{{postcode}}}\n{{{state}}}\n{{{country}}}\n"}
  })";
  d.aliases = R"([{"alias":"street","name":"road"},{"alias":"footway","name":"road"},{"alias":"road","name":"road"},
                  {"alias":"house_number","name":"house_number"},{"alias":"house","name":"house"},
                  {"alias":"town","name":"city"},{"alias":"city","name":"city"},{"alias":"village","name":"village"},
                  {"alias":"postcode","name":"postcode"},{"alias":"state","name":"state"},
                  {"alias":"state_code","name":"state"},{"alias":"country","name":"country"},
                  {"alias":"country_code","name":"country_code"},{"alias":"attention","name":"attention"},
                  {"alias":"suburb","name":"neighbourhood"},{"alias":"district","name":"neighbourhood"},
                  {"alias":"neighbourhood","name":"neighbourhood"},{"alias":"state_district","name":"state_district"}])";
  d.state_codes = R"({"AA": [{"key": "NR", "name": "Northern Region"}, {"key": "SR", "name": {"default": "Sydregion", "alt_en": "Southern Region"}}]})";
  d.county_codes = R"({})";
  d.country_to_lang = R"({"AA": ["EN"], "AC": ["XC"]})";
  d.abbreviations = R"({"EN": [{"component": "road", "replacements": [{"src": "Street", "dest": "St"}]}]})";
  return d;
}

AddressFormatter small() {
  auto f = AddressFormatter::make(small_data());
  if (!f.ok()) throw std::runtime_error(f.error().message);
  return std::move(f).value();
}

TEST(AddressFormat, DefaultTemplateAndFirstChoice) {
  const auto f = small();
  EXPECT_EQ(f.format({{"road", "Main Street"}, {"house_number", "5"}, {"postcode", "1234"}, {"town", "Townsville"},
                      {"country", "Nowhere"}}),
            "Main Street 5\n1234 Townsville\nNowhere\n");
  // The first non-empty choice wins; city before town.
  EXPECT_EQ(f.format({{"road", "R"}, {"city", "C"}, {"village", "V"}}), "R\nC\n");
}

TEST(AddressFormat, FallbackWithoutRoadAndPostcode) {
  const auto f = small();
  EXPECT_EQ(f.format({{"city", "C"}, {"state", "S"}, {"country", "N"}}), "C\nS\nN\n");
  // One of the two is enough for the full template.
  EXPECT_EQ(f.format({{"postcode", "99"}, {"city", "C"}, {"state", "S"}}), "99 C\n");
}

TEST(AddressFormat, AliasesFillTheirComponent) {
  const auto f = small();
  EXPECT_EQ(f.format({{"street", "Long Lane"}, {"house_number", "1"}, {"postcode", "2"}, {"city", "C"}}),
            "Long Lane 1\n2 C\n");
  // The first alias in the data's order wins, and an existing component is never overwritten.
  EXPECT_EQ(f.format({{"footway", "Path"}, {"street", "Street"}, {"postcode", "2"}}), "Street\n2\n");
  EXPECT_EQ(f.format({{"road", "Road"}, {"street", "Street"}, {"postcode", "2"}}), "Road\n2\n");
}

TEST(AddressFormat, UnknownComponentsBecomeTheAttentionLine) {
  const auto f = small();
  EXPECT_EQ(f.format({{"hotel", "Grand"}, {"zoo", "Zoo"}, {"road", "R"}, {"postcode", "1"}}), "Grand, Zoo\nR\n1\n");
}

TEST(AddressFormat, ReplaceRulesAllAndPerComponent) {
  const auto f = small();
  EXPECT_EQ(f.format({{"country_code", "aa"}, {"road", "Road"}, {"house_number", "1"}, {"city", "Town of Gamma"},
                      {"state", "North Region"}, {"postcode", "1234567"}}),
            "1 Road\nGamma, NR 123-4567\n");
  // A component= rule touches only that component.
  EXPECT_EQ(f.format({{"country_code", "AA"}, {"road", "Alt-Road"}, {"city", "Alt-Town"}, {"postcode", "12"}}),
            "Alt-Road\nTown, 12\n");
}

TEST(AddressFormat, StateCodesFromNamesAndVariantsAndCodes) {
  const auto f = small();
  EXPECT_EQ(f.format({{"country_code", "AA"}, {"road", "R"}, {"city", "C"}, {"state", "southern region"}}),
            "R\nC, SR\n");
  // A code given as the state becomes the full name, and the code is printed.
  EXPECT_EQ(f.format({{"country_code", "AA"}, {"road", "R"}, {"city", "C"}, {"state", "NR"}}), "R\nC, NR\n");
}

TEST(AddressFormat, PostformatReplaceWithGroupsAndAnchors) {
  const auto f = small();
  EXPECT_EQ(f.format({{"country_code", "AA"}, {"road", "R"}, {"city", "C"}, {"postcode", "1234567"}, {"country", "AA"}}),
            "R\nC, 123-4567\nAnnexed Area\n");
}

TEST(AddressFormat, UseCountryChangeCountryAndAddComponent) {
  const auto f = small();
  // AB is written by AA's rules; its country line names the state that add_component set.
  EXPECT_EQ(f.format({{"country_code", "ab"}, {"road", "R"}, {"house_number", "2"}, {"city", "C"}, {"postcode", "9"}}),
            "2 R\nC, Beta 9\nGreater\n");
}

TEST(AddressFormat, CleanUpOfEmptyPartsRepeatsAndCommas) {
  const auto f = small();
  // Missing parts leave no stray comma or blank line; a repeated line is printed once.
  EXPECT_EQ(f.format({{"country_code", "AA"}, {"road", "R"}, {"postcode", "1"}}), "R\n1\n");
  EXPECT_EQ(f.format({{"road", "Same"}, {"postcode", "1"}, {"city", "C"}, {"house", "Same"}}), "Same\n1 C\n");
  // Values without a letter or digit, and URLs, are dropped.
  EXPECT_EQ(f.format({{"road", "R"}, {"postcode", "1"}, {"city", "--"}, {"house", "https://example.org"}}), "R\n1\n");
}

TEST(AddressFormat, LanguageVariantsAreChosen) {
  const auto f = small();
  const AddressComponents c = {{"country_code", "AC"}, {"road", "Road"}, {"house_number", "22"},
                               {"city", "City"},       {"state", "State"}, {"postcode", "5"}};
  EXPECT_EQ(f.format(c), "State City Road 22\n5\n");
  AddressFormatOptions en;
  en.language = "en";
  EXPECT_EQ(f.format(c, en), "22 Road\nCity 5\nState\n");
  // A Latin-script address in a language without a variant is written in the English order.
  AddressFormatOptions latin;
  latin.language = "da";
  latin.script = "Latn";
  EXPECT_EQ(f.format(c, latin), "22 Road\nCity 5\nState\n");
  EXPECT_EQ(f.rules_key("AC", latin), "AC_en");
  latin.script = "Hang";
  EXPECT_EQ(f.rules_key("AC", latin), "AC");
  EXPECT_EQ(f.rules_key("ZZ", latin), "default");
}

TEST(AddressFormat, AbbreviationsOnlyWhenAsked) {
  const auto f = small();
  const AddressComponents c = {{"country_code", "AA"}, {"road", "Main Street"}, {"postcode", "1"}, {"city", "C"}};
  EXPECT_EQ(f.format(c), "Main Street\nC, 1\n");
  AddressFormatOptions o;
  o.abbreviate = true;
  EXPECT_EQ(f.format(c, o), "Main St\nC, 1\n");
}

TEST(AddressFormat, MissingPartsFollowTheTemplate) {
  const auto f = small();
  AddressFormatOptions o;
  o.country = "AA";
  // AA prints road, city and postcode, but no house name: a house alone is not enough.
  auto missing = f.missing_parts({{"house", "Hall"}}, o);
  ASSERT_EQ(missing.size(), 3u);
  EXPECT_EQ(missing[0].components, (std::vector<std::string>{"road"}));
  EXPECT_EQ(twinning::domain::describe_missing(missing), "a road, a postcode and a city, town or village");
  EXPECT_TRUE(f.missing_parts({{"street", "S"}, {"town", "T"}, {"postcode", "1"}}, o).empty());
  // A value with no letter or digit counts as missing.
  EXPECT_EQ(f.missing_parts({{"road", "S"}, {"city", "C"}, {"postcode", "-"}}, o).size(), 1u);
}

// ---- malformed data ----

std::string make_error(AddressFormatData d) {
  auto f = AddressFormatter::make(d);
  EXPECT_FALSE(f.ok());
  if (f.ok()) return {};
  EXPECT_EQ(f.error().kind, ErrorKind::unavailable);
  return f.error().message;
}

TEST(AddressFormatData, MalformedDataIsRefusedWithTheFileAndEntry) {
  auto with_templates = [](const std::string& templates) {
    AddressFormatData d = small_data();
    d.templates = templates;
    return d;
  };
  const std::string def =
      R"("default": {"address_template": "{{{road}}}\n", "fallback_template": "{{{city}}}\n"})";
  EXPECT_NE(make_error(with_templates("{")).find("templates.json: not valid JSON"), std::string::npos);
  EXPECT_NE(make_error(with_templates("[]")).find("templates.json: is not an object"), std::string::npos);
  EXPECT_NE(make_error(with_templates("{}")).find("no default"), std::string::npos);
  EXPECT_NE(make_error(with_templates("{" + def + R"(, "XX": {"adress_template": "x"}})")).find("XX.adress_template"),
            std::string::npos);
  EXPECT_NE(make_error(with_templates("{" + def + R"(, "XX": {"replace": [["(unclosed", ""]]}})"))
                .find("XX.replace: the regex \"(unclosed\" does not compile"),
            std::string::npos);
  EXPECT_NE(make_error(with_templates("{" + def + R"(, "XX": {"replace": [["a"]]}})")).find("[from, to] pair"),
            std::string::npos);
  EXPECT_NE(make_error(with_templates("{" + def + R"(, "XX": {"address_template": "{{#road}}x{{/road}}"}})"))
                .find("is not one the address rules use"),
            std::string::npos);
  EXPECT_NE(make_error(with_templates("{" + def + R"(, "XX": {"address_template": "{{{road}"}})")).find("unclosed"),
            std::string::npos);
  EXPECT_NE(make_error(with_templates("{" + def + R"(, "XX": {"address_template": 3}})")).find("is not a text"),
            std::string::npos);
  EXPECT_NE(make_error(with_templates("{" + def + R"(, "XX": 3})")).find("XX is neither"), std::string::npos);
  EXPECT_NE(make_error(with_templates(std::string("{\"x\": \"\xff\"}"))).find("not valid UTF-8"), std::string::npos);

  AddressFormatData d = small_data();
  d.aliases = R"([{"alias": "street"}])";
  EXPECT_NE(make_error(d).find("aliases.json"), std::string::npos);
  d = small_data();
  d.state_codes = R"({"AA": [{"key": "X", "name": 4}]})";
  EXPECT_NE(make_error(d).find("state-codes.json: AA X"), std::string::npos);
  d = small_data();
  d.county_codes = R"({"AA": {"X": "Y"}})";
  EXPECT_NE(make_error(d).find("county-codes.json: AA is not a list"), std::string::npos);
  d = small_data();
  d.country_to_lang = R"({"AA": "EN"})";
  EXPECT_NE(make_error(d).find("country-to-lang.json"), std::string::npos);
  d = small_data();
  d.abbreviations = R"({"EN": [{"component": "road", "replacements": [{"src": "("}]}]})";
  EXPECT_NE(make_error(d).find("abbreviations.json"), std::string::npos);
}

TEST(AddressFormatData, AMissingFolderSaysHowToInstallIt) {
  auto f = twinning::render::load_address_formatter(fs::temp_directory_path() / "twinning-no-such-address-data");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().kind, ErrorKind::unavailable);
  EXPECT_NE(f.error().message.find("run scripts/bootstrap"), std::string::npos) << f.error().message;
}

// ---- the npm data and the demo's addresses ----

fs::path source_dir() {
  const char* env = std::getenv("TWINNING_SOURCE_DIR");
  return env != nullptr ? fs::path(env) : fs::path(TWINNING_SOURCE_DIR);
}

class RealData : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = twinning::render::load_address_formatter(twinning::render::default_address_data_dir(source_dir()));
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    f_.emplace(std::move(loaded).value());
  }
  std::optional<AddressFormatter> f_;
};

const PostalAddress kNajuHangul{"ko",
                                "Hang",
                                {{"attention", "강인규 나주시장님"},
                                 {"state", "전라남도"},
                                 {"city", "나주시"},
                                 {"road", "시청길"},
                                 {"house_number", "22"},
                                 {"postcode", "58263"},
                                 {"country_code", "KR"}},
                                {}};
const PostalAddress kNajuLatin{"en",
                               "Latn",
                               {{"attention", "Mayor Kang In-Kyu"},
                                {"house", "City of Naju"},
                                {"road", "Sicheong-gil"},
                                {"house_number", "22"},
                                {"city", "Naju"},
                                {"state", "Jeollanam-do"},
                                {"postcode", "58263"},
                                {"country_code", "KR"}},
                               {}};
const PostalAddress kHaderslev{"da",
                               "Latn",
                               {{"attention", "Borgmester Mads Skau"},
                                {"house", "Haderslev Kommune"},
                                {"road", "Christian X's Vej"},
                                {"house_number", "39"},
                                {"postcode", "6100"},
                                {"city", "Haderslev"},
                                {"country_code", "DK"}},
                               {"CVR-nr. 29 18 97 57"}};

TEST_F(RealData, KoreanAndLatinVariantsOfNaju) {
  auto ko = f_->format_postal(kNajuHangul);
  ASSERT_TRUE(ko.ok()) << ko.error().message;
  EXPECT_EQ(ko.value(), (std::vector<std::string>{"전라남도 나주시 시청길 22", "강인규 나주시장님", "58263"}));
  auto en = f_->format_postal(kNajuLatin);
  ASSERT_TRUE(en.ok()) << en.error().message;
  EXPECT_EQ(en.value(), (std::vector<std::string>{"Mayor Kang In-Kyu", "City of Naju", "22 Sicheong-gil", "Naju 58263",
                                                  "Jeollanam-do"}));
}

TEST_F(RealData, Haderslev) {
  auto da = f_->format_postal(kHaderslev);
  ASSERT_TRUE(da.ok()) << da.error().message;
  EXPECT_EQ(da.value(), (std::vector<std::string>{"Borgmester Mads Skau", "Haderslev Kommune", "Christian X's Vej 39",
                                                  "6100 Haderslev"}));
}

TEST_F(RealData, StrictChecksNameWhatIsWrong) {
  PostalAddress a = kHaderslev;
  a.components["country_code"] = "XY";
  auto r = f_->format_postal(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::bad_request);
  EXPECT_EQ(r.error().field, "country_code");
  EXPECT_NE(r.error().message.find("\"XY\" is not a country code"), std::string::npos);
  a.components["country_code"] = "dk";  // ISO codes are upper case
  EXPECT_FALSE(f_->format_postal(a).ok());
  a.components.erase("country_code");
  r = f_->format_postal(a);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no country_code"), std::string::npos);

  a = kHaderslev;
  a.components.erase("postcode");
  r = f_->format_postal(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "the address in DK lacks a postcode");
  EXPECT_EQ(r.error().field, "postcode");

  a = kNajuHangul;
  a.components.erase("road");
  a.components.erase("city");
  r = f_->format_postal(a);
  ASSERT_FALSE(r.ok());
  // KR's template prints no house name: only a road will do.
  EXPECT_EQ(r.error().message, "the address in KR lacks a road and a city, town or village");

  a = kHaderslev;
  a.components["road"] = "Vej \xc3";
  r = f_->format_postal(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::invalid_utf8);
  EXPECT_EQ(r.error().field, "road");

  a = kHaderslev;
  a.components["Road name"] = "x";
  r = f_->format_postal(a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "components");
}

TEST_F(RealData, WindowBlockForKoreaHoldsHangulAndTheCountryInCapitals) {
  auto blocks = twinning::render::address_blocks(*f_, {kNajuLatin, kNajuHangul}, "DK");
  ASSERT_TRUE(blocks.ok()) << blocks.error().message;
  EXPECT_EQ(blocks->window.script, "Hang");
  EXPECT_EQ(blocks->window.lines,
            (std::vector<std::string>{"전라남도 나주시 시청길 22", "강인규 나주시장님", "58263", "SOUTH KOREA"}));
  EXPECT_EQ(blocks->window.longest_line, 15u);  // "전라남도 나주시 시청길 22" in code points
  ASSERT_EQ(blocks->outside.size(), 1u);
  EXPECT_EQ(blocks->outside[0].lines, (std::vector<std::string>{"Mayor Kang In-Kyu", "City of Naju", "22 Sicheong-gil",
                                                                "Naju 58263", "Jeollanam-do", "South Korea"}));
  EXPECT_EQ(blocks->outside[0].longest_line, 17u);
}

TEST_F(RealData, WindowBlockForDenmarkKeepsTheExtraLineAboveTheCountry) {
  auto abroad = twinning::render::address_blocks(*f_, {kHaderslev}, "KR");
  ASSERT_TRUE(abroad.ok()) << abroad.error().message;
  EXPECT_EQ(abroad->window.lines,
            (std::vector<std::string>{"Borgmester Mads Skau", "Haderslev Kommune", "Christian X's Vej 39",
                                      "6100 Haderslev", "CVR-nr. 29 18 97 57", "DENMARK"}));
  EXPECT_TRUE(abroad->outside.empty());
  // From inside the country, no country line.
  auto home = twinning::render::address_blocks(*f_, {kHaderslev}, "DK");
  ASSERT_TRUE(home.ok());
  EXPECT_EQ(home->window.lines.back(), "CVR-nr. 29 18 97 57");
}

TEST_F(RealData, BlocksRefuseABadAddressOrNone) {
  EXPECT_FALSE(twinning::render::address_blocks(*f_, {}, "DK").ok());
  PostalAddress bad = kNajuLatin;
  bad.components.erase("postcode");
  auto r = twinning::render::address_blocks(*f_, {kNajuHangul, bad}, "DK");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "postcode");
}

// ---- twinning check ----

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void replace_once(std::string& text, const std::string& from, const std::string& to, std::size_t nth = 0) {
  std::size_t at = text.find(from);
  for (std::size_t i = 0; i < nth && at != std::string::npos; ++i) at = text.find(from, at + 1);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
}

TEST(AddressCheck, CheckNamesTheAddressAndWhatIsMissing) {
  twinning::test::TempDir tmp;
  const fs::path dir = tmp.path() / "naju-haderslev";
  fs::copy(source_dir() / "campaigns" / "naju-haderslev", dir, fs::copy_options::recursive);
  std::string yaml = slurp(dir / "campaign.yaml");
  replace_once(yaml, "            postcode: \"6100\"\n", "");
  // The mayor's Latin address: not a country code (the loader says so; the address check does not
  // repeat it as a missing one).
  replace_once(yaml, "            country_code: KR\n", "            country_code: XY\n", 1);
  // The council's Latin address: another country than its Hangul address.
  replace_once(yaml, "            country_code: KR\n", "            country_code: JP\n", 2);
  std::ofstream(dir / "campaign.yaml", std::ios::binary) << yaml;

  const auto loaded = twinning::campaign::load_campaign(dir);
  EXPECT_FALSE(loaded.ok());
  std::vector<std::string> messages;
  for (const auto& p : loaded.problems) {
    if (p.message.find("contact.postal") == std::string::npos) continue;
    EXPECT_GT(p.line, 0) << p.message;
    messages.push_back(p.message + " | " + p.fix);
  }
  ASSERT_EQ(messages.size(), 3u) << ::testing::PrintToString(messages);
  EXPECT_NE(messages[0].find("the address in DK lacks a postcode | add postcode under components"), std::string::npos)
      << messages[0];
  EXPECT_NE(messages[1].find("\"XY\" is not an ISO 3166-1 country code"), std::string::npos) << messages[1];
  EXPECT_NE(messages[2].find("the address is in JP but the target's first address is in KR"), std::string::npos)
      << messages[2];
}

TEST(AddressCheck, TheDemoCampaignPasses) {
  const auto loaded = twinning::campaign::load_campaign(source_dir() / "campaigns" / "naju-haderslev");
  for (const auto& p : loaded.problems) EXPECT_EQ(p.message.find("contact.postal"), std::string::npos) << p.message;
  EXPECT_TRUE(loaded.ok());
}

TEST(AddressCheck, EveryDemoWindowBlockFitsTheWindowFromAbroad) {
  const auto loaded = twinning::campaign::load_campaign(source_dir() / "campaigns" / "naju-haderslev");
  ASSERT_TRUE(loaded.ok());
  auto formatter = twinning::render::address_formatter();
  ASSERT_TRUE(formatter.ok()) << formatter.error().message;
  std::size_t blocks = 0;
  for (const auto& t : loaded.campaign->targets) {
    if (t.contact.postal.empty()) continue;
    // From a third country the window also carries the country line: the longest case.
    auto b = twinning::render::address_blocks(*formatter.value(), t.contact.postal, "US");
    ASSERT_TRUE(b.ok()) << t.id << ": " << b.error().message;
    EXPECT_LE(b->window.lines.size(), twinning::render::kWindowAddressLines) << t.id;
    ++blocks;
  }
  EXPECT_EQ(blocks, 3u);
}

}  // namespace
