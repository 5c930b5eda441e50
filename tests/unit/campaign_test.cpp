// Tests of src/campaign (loading and checking campaigns) and of the campaign model's methods.
// Problem tests copy the valid fixture tests/unit/fixtures/campaigns/minimal to a temporary
// folder, change one thing and assert the file, line, column and message of what is reported.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "campaign/load.hpp"
#include "campaign/problem.hpp"
#include "campaign/template_check.hpp"
#include "campaign/text_keys.hpp"
#include "campaign/validators.hpp"
#include "campaign/yaml_check.hpp"
#include "domain/campaign.hpp"

namespace twinning::campaign {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Severity = Problem::Severity;

fs::path source_dir() {
  const char* env = std::getenv("TWINNING_SOURCE_DIR");
  return env != nullptr ? fs::path(env) : fs::path(TWINNING_SOURCE_DIR);
}

fs::path fixture(const std::string& name) { return source_dir() / "tests/unit/fixtures/campaigns" / name; }

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_all(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::string dump(const LoadResult& r) {
  std::string out;
  for (const auto& p : r.problems) out += format_problem(p) + "\n";
  return out;
}

// A temporary copy of a fixture campaign, removed at the end of the test.
class CampaignCopy {
 public:
  explicit CampaignCopy(const std::string& fixture_name = "minimal", const std::string& id = "test-campaign") {
    std::string pattern = (fs::temp_directory_path() / "twinning-campaign-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
    dir_ = root_ / id;
    fs::copy(fixture(fixture_name), dir_, fs::copy_options::recursive);
  }
  ~CampaignCopy() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  CampaignCopy(const CampaignCopy&) = delete;
  CampaignCopy& operator=(const CampaignCopy&) = delete;

  const fs::path& dir() const { return dir_; }
  const fs::path& root() const { return root_; }
  fs::path file(const std::string& name) const { return dir_ / name; }

  // Replaces the first `from` in `name` with `to`; fails the test when `from` is absent, so an
  // edit that no longer applies cannot make a test pass by testing the valid fixture.
  void edit(const std::string& name, const std::string& from, const std::string& to) const {
    std::string text = read_all(file(name));
    auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << "\"" << from << "\" not in " << name;
    text.replace(at, from.size(), to);
    write_all(file(name), text);
  }
  // 1-based line of the first `needle` in `name`.
  int line_of(const std::string& name, const std::string& needle) const {
    std::string text = read_all(file(name));
    auto at = text.find(needle);
    EXPECT_NE(at, std::string::npos) << "\"" << needle << "\" not in " << name;
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  }
  // 1-based character column of the first `needle` in `name`.
  int column_of(const std::string& name, const std::string& needle) const {
    std::string text = read_all(file(name));
    auto at = text.find(needle);
    auto line_start = text.rfind('\n', at);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    int column = 1;
    for (auto i = line_start; i < at; ++i) column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    return column;
  }

  LoadResult load() const { return load_campaign(dir_); }

 private:
  fs::path root_;
  fs::path dir_;
};

// The one problem whose message contains `part`; fails when there is none or several.
Problem the_problem(const LoadResult& r, const std::string& part) {
  const Problem* found = nullptr;
  int matches = 0;
  for (const auto& p : r.problems) {
    if (p.message.find(part) != std::string::npos) {
      found = &p;
      ++matches;
    }
  }
  static const Problem kNone{Severity::warning, "<none>", -1, -1, "<no such problem>", ""};
  EXPECT_EQ(matches, 1) << "looking for \"" << part << "\" in:\n" << dump(r);
  return found != nullptr ? *found : kNone;
}

void expect_at(const Problem& p, const fs::path& file, int line, int column = -1) {
  EXPECT_EQ(p.file, file.string()) << format_problem(p);
  EXPECT_EQ(p.line, line) << format_problem(p);
  if (column >= 0) {
    EXPECT_EQ(p.column, column) << format_problem(p);
  }
}

// ---------------------------------------------------------------- the demo and the fixture

TEST(CampaignLoad, DemoLoadsClean) {
  const fs::path dir = source_dir() / "campaigns/naju-haderslev";
  LoadResult r = load_campaign(dir);
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(r.count(Severity::error), 0u) << dump(r);
  EXPECT_EQ(r.count(Severity::warning), 0u) << dump(r);
  const domain::Campaign& c = *r.campaign;
  EXPECT_EQ(c.id, "naju-haderslev");
  EXPECT_TRUE(c.demo);
  EXPECT_EQ(c.languages, (std::vector<std::string>{"en", "da", "ko"}));
  EXPECT_EQ(c.pair.home.name.get("ko"), "나주시");
  EXPECT_EQ(c.pair.since, 2016);
  EXPECT_EQ(c.channels.size(), domain::kAllChannels.size());
  const domain::Target* mayor = c.find_target("haderslev-mayor");
  ASSERT_NE(mayor, nullptr);
  EXPECT_EQ(mayor->contact.phone, "+4540781475");
  EXPECT_EQ(mayor->hours.week[0], (std::vector<std::pair<int, int>>{{9 * 60, 15 * 60}}));
  EXPECT_EQ(mayor->hours.week[4], (std::vector<std::pair<int, int>>{{9 * 60, 13 * 60}}));
  EXPECT_TRUE(mayor->hours.week[5].empty());
  EXPECT_EQ(c.targets_for(domain::Channel::post).size(), 3u);
  for (const auto& lang : c.languages) {
    for (const auto& key : page_text_keys()) EXPECT_NE(c.text(lang, key), nullptr) << lang << " " << key;
    for (auto ch : c.channels) {
      for (const auto& key : required_text_keys(ch)) EXPECT_NE(c.text(lang, key), nullptr) << lang << " " << key;
    }
  }
}

TEST(CampaignLoad, FixtureLoadsCleanWithEveryField) {
  CampaignCopy copy;
  LoadResult r = copy.load();
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_TRUE(r.problems.empty()) << dump(r);
  const domain::Campaign& c = *r.campaign;
  EXPECT_EQ(c.id, "test-campaign");
  EXPECT_FALSE(c.demo);
  EXPECT_EQ(c.consent_version, "2026-01-01");
  EXPECT_EQ(c.starts->time_since_epoch().count(), 1767225600);        // 2026-01-01T00:00:00Z
  EXPECT_EQ(c.ends->time_since_epoch().count(), 1798761600 - 3600);   // 2027-01-01T00:00:00+01:00
  EXPECT_EQ(c.pair.foreign.time_zone, "Europe/Copenhagen");
  EXPECT_EQ(c.pair.relation, "friendship");
  ASSERT_EQ(c.bodies.size(), 1u);
  EXPECT_EQ(c.bodies[0].kind, domain::BodyKind::municipality);
  EXPECT_FALSE(c.email.per_target);
  EXPECT_EQ(c.email.sender, "campaigns@example.org");
  ASSERT_EQ(c.targets.size(), 1u);
  const auto& t = c.targets[0];
  EXPECT_EQ(t.role, domain::Role::to);
  EXPECT_EQ(t.title.get("da"), "borgmester");
  EXPECT_EQ(t.channels, (std::vector<domain::Channel>{domain::Channel::email, domain::Channel::call}));
  EXPECT_EQ(t.contact.email, "mayor@example.org");
  ASSERT_EQ(c.media.size(), 1u);
  EXPECT_EQ(c.media[0].title.get("da"), "Del 1");
  ASSERT_NE(c.text("da", "email.group_greeting"), nullptr);
  EXPECT_EQ(*c.text("da", "email.group_greeting"), "Kære {{addressees}},");
  EXPECT_EQ(c.text("da", "letter.subject"), nullptr);  // letter is not enabled
}

// ---------------------------------------------------------------- one problem kind at a time

TEST(CampaignProblems, UnknownKeySuggestsNearest) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "    language: da\n", "    language: da\n    titel: {en: x}\n");
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  const Problem p = the_problem(r, "unknown key \"titel\"");
  expect_at(p, copy.file("campaign.yaml"), copy.line_of("campaign.yaml", "titel"), 5);
  EXPECT_EQ(p.severity, Severity::error);
  EXPECT_THAT(p.fix, HasSubstr("did you mean \"title\""));
}

TEST(CampaignProblems, UnknownKeyFarFromAnyListsKnownKeys) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "format: 1\n", "format: 1\ncolour: blue\n");
  const Problem p = the_problem(copy.load(), "unknown key \"colour\"");
  expect_at(p, copy.file("campaign.yaml"), 4, 1);
  EXPECT_THAT(p.fix, HasSubstr("known keys here: format, demo, languages"));
}

TEST(CampaignProblems, MissingKey) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "    role: to\n", "");
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  const Problem p = the_problem(r, "missing key \"targets[0].role\"");
  expect_at(p, copy.file("campaign.yaml"), copy.line_of("campaign.yaml", "- id: mayor"), 5);
  EXPECT_THAT(p.fix, HasSubstr("to | cc | public | letter_copy"));
}

TEST(CampaignProblems, WrongTypes) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "since: 2016", "since: [2016]");
  copy.edit("campaign.yaml", "languages: [en, da]", "languages: en");
  copy.edit("campaign.yaml", "    name: {en: Naju, da: Naju}", "    name: Naju");
  copy.edit("campaign.yaml", "consent_version: \"2026-01-01\"", "consent_version: {a: b}");
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  const auto yaml = copy.file("campaign.yaml");
  expect_at(the_problem(r, "pair.since must be a whole number, found a list"), yaml, copy.line_of("campaign.yaml", "since:"), 10);
  expect_at(the_problem(r, "languages must be a list, found the text \"en\""), yaml, 4, 12);
  expect_at(the_problem(r, "pair.home.name must be a map of keys, found the text \"Naju\""), yaml,
            copy.line_of("campaign.yaml", "name: Naju"), 11);
  expect_at(the_problem(r, "consent_version must be text, found a map of keys"), yaml, 7, 18);
}

TEST(CampaignProblems, EmptyValueIsReportedAtItsKey) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "  sender: campaigns@example.org", "  sender:");
  const Problem p = the_problem(copy.load(), "email.sender has no value");
  expect_at(p, copy.file("campaign.yaml"), copy.line_of("campaign.yaml", "sender:"), 3);
}

TEST(CampaignProblems, MissingTranslationForEnabledChannel) {
  CampaignCopy copy;
  copy.edit("texts/da.yaml", "  subject: To {{addressees}}\n", "");
  copy.edit("texts/da.yaml", "call:\n  script: I am {{supporter.first_name}} from {{supporter.country}}.\n  ask_short: Please speak to {{home.name}}.\n", "");
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  const Problem p = the_problem(r, "missing text email.subject in da (the email channel is enabled)");
  expect_at(p, copy.file("texts/da.yaml"), copy.line_of("texts/da.yaml", "  greeting:"), 3);
  const Problem q = the_problem(r, "missing the \"call\" texts in da");
  expect_at(q, copy.file("texts/da.yaml"), 1, 1);
  EXPECT_THAT(q.fix, HasSubstr("script, ask_short"));
  EXPECT_EQ(r.count(Severity::error), 2u) << dump(r);
}

TEST(CampaignProblems, TextsOfDisabledChannelsAreNotRequired) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "channels: [email, call, share]", "channels: [email, share]");
  copy.edit("campaign.yaml", "    channels: [email, call]", "    channels: [email]");
  copy.edit("texts/da.yaml", "call:\n", "unused:\n");
  LoadResult r = copy.load();
  // The leftover section is still an unknown key, but nothing asks for call texts.
  EXPECT_EQ(r.count(Severity::error), 1u) << dump(r);
  EXPECT_THAT(the_problem(r, "unknown key \"unused\"").fix, HasSubstr("known keys here: page, email"));
  copy.edit("texts/da.yaml", "unused:\n", "call:\n");
  copy.edit("texts/da.yaml", "call:\n  script: I am {{supporter.first_name}} from {{supporter.country}}.\n  ask_short: Please speak to {{home.name}}.\n", "");
  EXPECT_TRUE(copy.load().ok()) << dump(copy.load());
}

TEST(CampaignProblems, MissingTextsFile) {
  CampaignCopy copy;
  fs::remove(copy.file("texts/da.yaml"));
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  const Problem p = the_problem(r, "missing the texts for the declared language \"da\"");
  expect_at(p, copy.file("texts/da.yaml"), 0, 0);
  EXPECT_THAT(p.fix, HasSubstr("page.title"));
  EXPECT_THAT(p.fix, HasSubstr("call.ask_short"));
  EXPECT_EQ(r.count(Severity::error), 1u) << dump(r);
}

TEST(CampaignProblems, TextsForUndeclaredLanguageAreAWarning) {
  CampaignCopy copy;
  fs::copy_file(copy.file("texts/en.yaml"), copy.file("texts/fr.yaml"));
  LoadResult r = copy.load();
  EXPECT_TRUE(r.ok()) << dump(r);
  const Problem p = the_problem(r, "texts for \"fr\", which the campaign does not declare");
  EXPECT_EQ(p.severity, Severity::warning);
}

TEST(CampaignProblems, UnknownTextKeySuggestsNearest) {
  CampaignCopy copy;
  copy.edit("texts/en.yaml", "  signoff:", "  sign_off:");
  LoadResult r = copy.load();
  const Problem p = the_problem(r, "unknown key \"sign_off\" in email");
  expect_at(p, copy.file("texts/en.yaml"), copy.line_of("texts/en.yaml", "sign_off"), 3);
  EXPECT_THAT(p.fix, HasSubstr("did you mean \"signoff\""));
  the_problem(r, "missing text email.signoff in en");
}

TEST(CampaignProblems, TemplateUsingUnknownVariable) {
  CampaignCopy copy;
  copy.edit("texts/en.yaml", "    Thank you.", "    Thank you, {{supporter.email}}.");
  copy.edit("texts/en.yaml", "  law: It is unlawful", "  law: It is unlawful for {{target.name}}");
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  const Problem p = the_problem(r, "email.body: unknown variable {{supporter.email}}");
  // Inside a block scalar: the line and column of the tag itself.
  expect_at(p, copy.file("texts/en.yaml"), copy.line_of("texts/en.yaml", "{{supporter.email}}"),
            copy.column_of("texts/en.yaml", "{{supporter.email}}"));
  EXPECT_THAT(p.fix, HasSubstr("addressees, campaign.url"));
  EXPECT_THAT(p.fix, HasSubstr("supporter.name"));
  const Problem q = the_problem(r, "page.law: unknown variable {{target.name}}");
  expect_at(q, copy.file("texts/en.yaml"), copy.line_of("texts/en.yaml", "  law:"), 27);
  EXPECT_THAT(q.fix, Not(HasSubstr("target.name")));
}

TEST(CampaignProblems, TemplateColumnsCountCharactersNotBytes) {
  CampaignCopy copy;
  copy.edit("texts/en.yaml", "  act_intro: Act now.", "  act_intro: 지금 {{nope}}");
  const Problem p = the_problem(copy.load(), "unknown variable {{nope}}");
  expect_at(p, copy.file("texts/en.yaml"), copy.line_of("texts/en.yaml", "{{nope}}"), 17);
}

TEST(CampaignProblems, TemplateFailingToParse) {
  CampaignCopy copy;
  copy.edit("texts/da.yaml", "{{/target.title}}", "");
  copy.edit("texts/da.yaml", "  ask: Sig noget, {{foreign.name}}.", "  ask: Sig noget, {{foreign.name.");
  copy.edit("texts/en.yaml", "  evidence: Searches show it.", "  evidence: \"{{/home.name}} show it\"");
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  const Problem a = the_problem(r, "email.greeting: the section {{#target.title}} is never closed");
  expect_at(a, copy.file("texts/da.yaml"), copy.line_of("texts/da.yaml", "  greeting:"),
            copy.column_of("texts/da.yaml", "{{#target.title}}"));
  EXPECT_THAT(a.fix, HasSubstr("{{/target.title}}"));
  const Problem b = the_problem(r, "page.ask: a tag opened with \"{{\" is never closed");
  expect_at(b, copy.file("texts/da.yaml"), 3, 19);
  const Problem c = the_problem(r, "page.evidence: {{/home.name}} closes a section that is not open");
  expect_at(c, copy.file("texts/en.yaml"), copy.line_of("texts/en.yaml", "evidence:"), 14);
}

TEST(CampaignProblems, PartialsAndSetDelimitersAreRejected) {
  CampaignCopy copy;
  copy.edit("texts/en.yaml", "  media_intro: Watch and share.", "  media_intro: \"{{> footer}} {{=<% %>=}}\"");
  LoadResult r = copy.load();
  expect_at(the_problem(r, "partials ({{> footer}}) are not supported"), copy.file("texts/en.yaml"),
            copy.line_of("texts/en.yaml", "media_intro"), 17);
  expect_at(the_problem(r, "changing the delimiters ({{=<% %>=}}) is not supported"), copy.file("texts/en.yaml"),
            copy.line_of("texts/en.yaml", "media_intro"), 30);
}

TEST(CampaignProblems, PhoneNotWrittenAsE164SaysTheE164Form) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "phone: \"+4540781475\"", "phone: \"+45 40 78 14 75\"");
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  const Problem p = the_problem(r, "\"+45 40 78 14 75\" is not written in E.164");
  expect_at(p, copy.file("campaign.yaml"), copy.line_of("campaign.yaml", "phone:"), 14);
  EXPECT_EQ(p.fix, "write it as \"+4540781475\"");
}

TEST(CampaignProblems, PhoneWithoutCountryCodeIsReadInTheBodysCountry) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "phone: \"+4540781475\"", "phone: \"40 78 14 75\"");
  const Problem p = the_problem(copy.load(), "\"40 78 14 75\" is not written in E.164");
  EXPECT_EQ(p.fix, "write it as \"+4540781475\"");
}

TEST(CampaignProblems, InvalidPhone) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "phone: \"+4540781475\"", "phone: \"+011 45-40 78 14 75\"");
  const Problem p = the_problem(copy.load(), "\"+011 45-40 78 14 75\" is not a valid phone number");
  expect_at(p, copy.file("campaign.yaml"), copy.line_of("campaign.yaml", "phone:"), 14);
  EXPECT_THAT(p.fix, HasSubstr("E.164"));
}

TEST(CampaignProblems, MalformedEmail) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "email: mayor@example.org", "email: mayor at example.org");
  copy.edit("campaign.yaml", "sender: campaigns@example.org", "sender: campaigns@example");
  LoadResult r = copy.load();
  expect_at(the_problem(r, "\"mayor at example.org\" is not an email address"), copy.file("campaign.yaml"),
            copy.line_of("campaign.yaml", "mayor at"), 14);
  expect_at(the_problem(r, "email.sender: \"campaigns@example\" is not an email address"), copy.file("campaign.yaml"),
            copy.line_of("campaign.yaml", "sender:"), 11);
}

TEST(CampaignProblems, UnknownCodes) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "    country: KR", "    country: XX");
  copy.edit("campaign.yaml", "    country: DK\n    name", "    country: dk\n    name");
  copy.edit("campaign.yaml", "languages: [en, da]", "languages: [en, da, english]");
  copy.edit("campaign.yaml", "    language: da", "    language: xx");
  copy.edit("campaign.yaml", "    time_zone: Europe/Copenhagen\n    office", "    time_zone: Europe/Haderslev\n    office");
  copy.edit("campaign.yaml", "    time_zone: Asia/Seoul", "    time_zone: GMT+09:00");
  LoadResult r = copy.load();
  const auto yaml = copy.file("campaign.yaml");
  expect_at(the_problem(r, "pair.home.country: \"XX\" is not an ISO 3166-1 country code"), yaml,
            copy.line_of("campaign.yaml", "country: XX"), 14);
  expect_at(the_problem(r, "bodies[0].country: \"dk\" is not an ISO 3166-1"), yaml,
            copy.line_of("campaign.yaml", "country: dk"), 14);
  expect_at(the_problem(r, "\"english\" is not an ISO 639-1 language code"), yaml, 4, 21);
  expect_at(the_problem(r, "target \"mayor\" language: \"xx\" is not an ISO 639-1"), yaml,
            copy.line_of("campaign.yaml", "language: xx"), 15);
  expect_at(the_problem(r, "\"Europe/Haderslev\" is not a known IANA time zone"), yaml,
            copy.line_of("campaign.yaml", "Europe/Haderslev"), 16);
  expect_at(the_problem(r, "\"GMT+09:00\" is not a known IANA time zone"), yaml,
            copy.line_of("campaign.yaml", "GMT+09:00"), 16);
}

TEST(CampaignProblems, ChannelWithoutContactPoint) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "      phone: \"+4540781475\"\n", "");
  const Problem p = the_problem(copy.load(), "target \"mayor\" is reached by call but has no contact.phone");
  expect_at(p, copy.file("campaign.yaml"), copy.line_of("campaign.yaml", "channels: [email, call]"), 23);
}

TEST(CampaignProblems, TargetChannelNotEnabled) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "channels: [email, call]", "channels: [email, call, letter, share]");
  LoadResult r = copy.load();
  const int line = copy.line_of("campaign.yaml", "channels: [email, call, letter");
  expect_at(the_problem(r, "uses the channel \"letter\", which the campaign does not enable"), copy.file("campaign.yaml"),
            line, 29);
  expect_at(the_problem(r, "reached by letter but has no contact.postal"), copy.file("campaign.yaml"), line, 29);
  expect_at(the_problem(r, "the share channel does not reach a target"), copy.file("campaign.yaml"), line, 37);
}

TEST(CampaignProblems, DuplicateIdsAndKeys) {
  CampaignCopy copy;
  std::string yaml = read_all(copy.file("campaign.yaml"));
  const std::string target = yaml.substr(yaml.find("  - id: mayor"), yaml.find("media:") - yaml.find("  - id: mayor"));
  copy.edit("campaign.yaml", "media:", target + "media:");
  copy.edit("campaign.yaml", "  relation: friendship\n", "  relation: friendship\n  relation: sister\n");
  LoadResult r = copy.load();
  const Problem p = the_problem(r, "two targets have the id \"mayor\"");
  std::string text = read_all(copy.file("campaign.yaml"));
  int second = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(text.rfind("- id: mayor")), '\n'));
  expect_at(p, copy.file("campaign.yaml"), second, 9);
  const Problem q = the_problem(r, "the key \"pair.relation\" appears twice");
  expect_at(q, copy.file("campaign.yaml"), copy.line_of("campaign.yaml", "relation: sister"), 3);
  EXPECT_THAT(q.fix, HasSubstr("line " + std::to_string(copy.line_of("campaign.yaml", "relation: friendship"))));
}

TEST(CampaignProblems, FolderNameThatIsNotAnId) {
  CampaignCopy copy("minimal", "Naju_Haderslev");
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  const Problem p = the_problem(r, "the folder name \"Naju_Haderslev\" is not a valid campaign id");
  expect_at(p, copy.dir(), 0, 0);
  EXPECT_EQ(r.count(Severity::error), 1u) << dump(r);
}

TEST(CampaignProblems, TargetWithNoChannelOrWrongChannelForRole) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "    channels: [email, call]", "    channels: []");
  LoadResult r = copy.load();
  expect_at(the_problem(r, "target \"mayor\" has no channel, so the campaign never reaches it"), copy.file("campaign.yaml"),
            copy.line_of("campaign.yaml", "channels: []"), 15);
  // With no target left, the enabled channels reach nobody: warnings, not errors.
  EXPECT_EQ(the_problem(r, "the channel \"call\" is enabled but no target uses it").severity, Severity::warning);

  CampaignCopy other;
  other.edit("campaign.yaml", "    role: to", "    role: public");
  LoadResult s = other.load();
  expect_at(the_problem(s, "has the role public, which the email channel does not reach"), other.file("campaign.yaml"),
            other.line_of("campaign.yaml", "channels: [email, call]"), 16);
  the_problem(s, "has the role public, which the call channel does not reach");
}

TEST(CampaignProblems, UnknownBodyChannelAndRole) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "    body: haderslev-municipality", "    body: haderslev-municipalty");
  copy.edit("campaign.yaml", "channels: [email, call, share]", "channels: [email, call, share, tweet]");
  copy.edit("campaign.yaml", "    role: to", "    role: too");
  LoadResult r = copy.load();
  EXPECT_THAT(the_problem(r, "there is no body \"haderslev-municipalty\"").fix, HasSubstr("did you mean \"haderslev-municipality\""));
  expect_at(the_problem(r, "unknown channel \"tweet\""), copy.file("campaign.yaml"), copy.line_of("campaign.yaml", "tweet"), 32);
  EXPECT_THAT(the_problem(r, "role: \"too\" is not allowed").fix, HasSubstr("did you mean \"to\""));
}

TEST(CampaignProblems, OfficeHours) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "\"fri 09:00-13:00\"", "\"thu 14:00-16:00\", \"fri 13:00-09:00\", \"someday 9-5\"");
  LoadResult r = copy.load();
  const int line = copy.line_of("campaign.yaml", "office_hours:");
  expect_at(the_problem(r, "\"thu 14:00-16:00\" overlaps 09:00-15:00 on thu"), copy.file("campaign.yaml"), line, copy.column_of("campaign.yaml", "\"thu 14"));
  expect_at(the_problem(r, "closes (09:00) before it opens (13:00)"), copy.file("campaign.yaml"), line, copy.column_of("campaign.yaml", "\"fri 13"));
  expect_at(the_problem(r, "\"someday\" is not a day"), copy.file("campaign.yaml"), line, copy.column_of("campaign.yaml", "\"someday"));
}

TEST(CampaignProblems, OfficeHoursNeedATimeZone) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "    time_zone: Europe/Copenhagen\n    office", "    office");
  const Problem p = the_problem(copy.load(), "office_hours need a time zone");
  expect_at(p, copy.file("campaign.yaml"), copy.line_of("campaign.yaml", "office_hours"), 19);
}

TEST(CampaignProblems, FormatTimesAndRanges) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "format: 1", "format: 2");
  copy.edit("campaign.yaml", "ends: 2027-01-01T00:00:00+01:00", "ends: 2025-12-31T23:59:59Z");
  copy.edit("campaign.yaml", "starts: 2026-01-01T00:00:00Z", "starts: 2026-02-30T00:00:00Z");
  copy.edit("campaign.yaml", "since: 2016", "since: 16");
  LoadResult r = copy.load();
  const auto yaml = copy.file("campaign.yaml");
  expect_at(the_problem(r, "format 2 is not supported"), yaml, 1 + 2, 9);
  expect_at(the_problem(r, "starts: there is no such date as 2026-02-30"), yaml, 5, 9);
  expect_at(the_problem(r, "pair.since must be a four-digit year"), yaml, copy.line_of("campaign.yaml", "since:"), 10);

  CampaignCopy other;
  other.edit("campaign.yaml", "ends: 2027-01-01T00:00:00+01:00", "ends: 2026-01-01T00:00:00Z");
  expect_at(the_problem(other.load(), "ends is not after starts"), other.file("campaign.yaml"), 6, 7);
}

TEST(CampaignProblems, DemoCampaignMustNotReachRealPeople) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "format: 1\n", "format: 1\ndemo: true\n");
  copy.edit("campaign.yaml", "email: mayor@example.org", "email: borgmester@haderslev.dk");
  LoadResult r = copy.load();
  const Problem p = the_problem(r, "a demo campaign must not reach real people, but \"haderslev.dk\" is a real domain");
  expect_at(p, copy.file("campaign.yaml"), copy.line_of("campaign.yaml", "haderslev.dk"), 14);
  EXPECT_EQ(r.count(Severity::error), 1u) << dump(r);
}

TEST(CampaignProblems, MissingDeclaredLanguageInANameIsAWarning) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "    title: {en: Mayor, da: borgmester}", "    title: {en: Mayor}");
  LoadResult r = copy.load();
  EXPECT_TRUE(r.ok()) << dump(r);
  const Problem p = the_problem(r, "target \"mayor\" title has no text in \"da\"");
  EXPECT_EQ(p.severity, Severity::warning);
  expect_at(p, copy.file("campaign.yaml"), copy.line_of("campaign.yaml", "title: {en: Mayor}"), 12);
}

TEST(CampaignProblems, SeveralErrorsAtOnceInFileOrder) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "    country: KR", "    country: Korea");
  copy.edit("campaign.yaml", "phone: \"+4540781475\"", "phone: \"12\"");
  copy.edit("campaign.yaml", "  mode: group", "  mode: everyone");
  copy.edit("texts/da.yaml", "  closing: Share {{campaign.url}}.", "  closing: Share {{url}}.");
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.count(Severity::error), 4u) << dump(r);
  EXPECT_THAT(r.problems[0].message, HasSubstr("\"Korea\""));
  EXPECT_THAT(r.problems[1].message, HasSubstr("\"everyone\""));
  EXPECT_THAT(r.problems[2].message, HasSubstr("\"12\""));
  EXPECT_THAT(r.problems[3].message, HasSubstr("{{url}}"));
  EXPECT_EQ(r.problems[3].file, copy.file("texts/da.yaml").string());
  EXPECT_LT(r.problems[0].line, r.problems[1].line);
  EXPECT_LT(r.problems[1].line, r.problems[2].line);
}

// ---------------------------------------------------------------- unreadable files

TEST(CampaignFiles, MalformedYamlReportsTheLine) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "channels: [email, call, share]", "channels: [email, call, share");
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.problems.size(), 1u) << dump(r);
  EXPECT_THAT(r.problems[0].message, HasSubstr("YAML syntax error"));
  EXPECT_EQ(r.problems[0].file, copy.file("campaign.yaml").string());
  EXPECT_GE(r.problems[0].line, copy.line_of("campaign.yaml", "channels: [email"));
  EXPECT_LE(r.problems[0].line, copy.line_of("campaign.yaml", "channels: [email") + 1);
}

TEST(CampaignFiles, MalformedTextFile) {
  CampaignCopy copy;
  copy.edit("texts/en.yaml", "  law: It is unlawful but not enforced.", "  law: \"It is unlawful");
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.count(Severity::error), 1u) << dump(r);
  EXPECT_EQ(r.problems[0].file, copy.file("texts/en.yaml").string());
  EXPECT_THAT(r.problems[0].message, HasSubstr("YAML syntax error"));
  EXPECT_GT(r.problems[0].line, 0);
}

TEST(CampaignFiles, EmptyFile) {
  CampaignCopy copy;
  write_all(copy.file("campaign.yaml"), "");
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  const Problem p = the_problem(r, "the file is empty");
  expect_at(p, copy.file("campaign.yaml"), 1, 1);

  write_all(copy.file("campaign.yaml"), "# only a comment\n");
  the_problem(copy.load(), "the file is empty");
}

TEST(CampaignFiles, TopLevelThatIsNotAMap) {
  CampaignCopy copy;
  write_all(copy.file("campaign.yaml"), "- a\n- b\n");
  const Problem p = the_problem(copy.load(), "the file must be a map of keys, found a list");
  expect_at(p, copy.file("campaign.yaml"), 1, 1);
}

TEST(CampaignFiles, NonUtf8Bytes) {
  CampaignCopy copy;
  copy.edit("campaign.yaml", "name: {en: Haderslev Municipality, da: Haderslev Kommune}",
            "name: {en: Haderslev Municipality, da: Haderslev Kommune \xe6\xf8}");
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.problems.size(), 1u) << dump(r);
  EXPECT_EQ(r.problems[0].message, "the file is not valid UTF-8 (byte 0xE6)");
  EXPECT_THAT(r.problems[0].fix, HasSubstr("UTF-8"));
  expect_at(r.problems[0], copy.file("campaign.yaml"), copy.line_of("campaign.yaml", "Kommune \xe6"),
            copy.column_of("campaign.yaml", "\xe6\xf8"));
}

TEST(CampaignFiles, MissingCampaignFile) {
  CampaignCopy copy;
  fs::remove(copy.file("campaign.yaml"));
  LoadResult r = copy.load();
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(the_problem(r, "cannot read the file").file, HasSubstr("campaign.yaml"));
}

TEST(CampaignFiles, OversizedFile) {
  CampaignCopy copy;
  write_all(copy.file("campaign.yaml"), std::string(kMaxCampaignFileBytes + 1, '#'));
  the_problem(copy.load(), "campaign files may have at most");
  // Just at the limit the size is fine: the file is read (and is empty of keys).
  write_all(copy.file("campaign.yaml"), std::string(kMaxCampaignFileBytes, '#'));
  the_problem(copy.load(), "the file is empty");
}

TEST(CampaignFiles, LoadAllSortsAndSkipsFoldersWithoutCampaign) {
  CampaignCopy copy("minimal", "zeta");
  fs::copy(copy.dir(), copy.root() / "alpha", fs::copy_options::recursive);
  fs::create_directories(copy.root() / "notes");
  write_all(copy.root() / "README.md", "not a campaign");
  auto all = load_all(copy.root());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].first, "alpha");
  EXPECT_EQ(all[1].first, "zeta");
  EXPECT_TRUE(all[0].second.ok()) << dump(all[0].second);
  EXPECT_EQ(all[1].second.campaign->id, "zeta");
}

TEST(CampaignFiles, LoadAllOfAMissingFolderReportsIt) {
  auto all = load_all(fs::temp_directory_path() / "twinning-no-such-folder-for-campaign-test");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_FALSE(all[0].second.ok());
  EXPECT_THAT(all[0].second.problems.at(0).message, HasSubstr("cannot list the campaigns folder"));
}

TEST(CampaignFiles, FormatProblem) {
  Problem p{Severity::error, "c/campaign.yaml", 12, 5, "bad thing", "do this"};
  EXPECT_EQ(format_problem(p), "c/campaign.yaml:12:5: error: bad thing (fix: do this)");
  p.severity = Severity::warning;
  p.fix.clear();
  p.column = 0;
  EXPECT_EQ(format_problem(p), "c/campaign.yaml:12: warning: bad thing");
  p.line = 0;
  EXPECT_EQ(format_problem(p), "c/campaign.yaml: warning: bad thing");
}

// ---------------------------------------------------------------- validators

TEST(Validators, Phones) {
  EXPECT_EQ(to_e164("+45 40 78 14 75", "ZZ"), "+4540781475");
  EXPECT_EQ(to_e164("40 78 14 75", "DK"), "+4540781475");
  EXPECT_EQ(to_e164("0045 40 78 14 75", "DK"), "+4540781475");
  EXPECT_EQ(to_e164("061-339-8114", "KR"), "+82613398114");     // a Naju (Jeollanam-do) landline
  EXPECT_EQ(to_e164("010-1234-5678", "KR"), "+821012345678");   // a Korean mobile
  EXPECT_EQ(to_e164("+82 10-1234-5678", "DK"), "+821012345678");
  EXPECT_EQ(to_e164("40 78 14 75", "ZZ"), std::nullopt);         // no country: cannot be read
  EXPECT_EQ(to_e164("+011 45-40 78 14 75", "ZZ"), std::nullopt);
  EXPECT_EQ(to_e164("+45 12", "ZZ"), std::nullopt);
  EXPECT_EQ(to_e164("not a number", "DK"), std::nullopt);
  EXPECT_EQ(to_e164("", "DK"), std::nullopt);
  EXPECT_EQ(to_e164("000-000-0000", "KR"), std::nullopt);
  EXPECT_TRUE(is_e164("+4540781475"));
  EXPECT_TRUE(is_e164("+82613398114"));
  EXPECT_FALSE(is_e164("+45 40781475"));
  EXPECT_FALSE(is_e164("4540781475"));
  EXPECT_FALSE(is_e164("+4512"));
  EXPECT_FALSE(is_e164("+"));
  EXPECT_FALSE(is_e164(""));
}

TEST(Validators, Emails) {
  EXPECT_TRUE(is_valid_email("borgmester@haderslev.example.org"));
  EXPECT_TRUE(is_valid_email("first.last+tag@example.org"));
  EXPECT_TRUE(is_valid_email("o'brien@example.co.uk"));
  EXPECT_TRUE(is_valid_email("user@bücher.example"));
  EXPECT_FALSE(is_valid_email(""));
  EXPECT_FALSE(is_valid_email("no-at-sign.example.org"));
  EXPECT_FALSE(is_valid_email("@example.org"));
  EXPECT_FALSE(is_valid_email("user@"));
  EXPECT_FALSE(is_valid_email("user@localhost"));
  EXPECT_FALSE(is_valid_email("user@example..org"));
  EXPECT_FALSE(is_valid_email("user@-example.org"));
  EXPECT_FALSE(is_valid_email("us er@example.org"));
  EXPECT_FALSE(is_valid_email("user@example.org\r\nBcc: victim@example.org"));
  EXPECT_FALSE(is_valid_email("user@example.org\n"));
  EXPECT_FALSE(is_valid_email("user\t@example.org"));
  EXPECT_FALSE(is_valid_email(".user@example.org"));
  EXPECT_FALSE(is_valid_email("us..er@example.org"));
  EXPECT_FALSE(is_valid_email("\"Mads\" <mads@example.org>"));
  EXPECT_FALSE(is_valid_email("a@b@example.org"));
  EXPECT_FALSE(is_valid_email(std::string(65, 'a') + "@example.org"));
  EXPECT_TRUE(is_valid_email(std::string(64, 'a') + "@example.org"));
  const std::string label(63, 'b');
  const std::string long_domain = label + "." + label + "." + label + "." + std::string(57, 'c') + ".org";
  EXPECT_TRUE(is_valid_email("a@" + long_domain.substr(0, 252 - 2)  + "rg"));
  EXPECT_FALSE(is_valid_email("a@" + long_domain));  // over 254 bytes
}

TEST(Validators, Codes) {
  EXPECT_TRUE(is_country_code("DK"));
  EXPECT_TRUE(is_country_code("KR"));
  EXPECT_FALSE(is_country_code("dk"));
  EXPECT_FALSE(is_country_code("XX"));
  EXPECT_FALSE(is_country_code("DNK"));
  EXPECT_FALSE(is_country_code(""));
  EXPECT_TRUE(is_language_code("en"));
  EXPECT_TRUE(is_language_code("da"));
  EXPECT_TRUE(is_language_code("ko"));
  EXPECT_FALSE(is_language_code("EN"));
  EXPECT_FALSE(is_language_code("xx"));
  EXPECT_FALSE(is_language_code("kor"));
  EXPECT_FALSE(is_language_code("en-US"));
  EXPECT_TRUE(is_time_zone("Europe/Copenhagen"));
  EXPECT_TRUE(is_time_zone("Asia/Seoul"));
  EXPECT_TRUE(is_time_zone("UTC"));
  EXPECT_FALSE(is_time_zone("Europe/Haderslev"));
  EXPECT_FALSE(is_time_zone("GMT+01:00"));
  EXPECT_FALSE(is_time_zone("Etc/Unknown"));
  EXPECT_FALSE(is_time_zone(""));
  EXPECT_TRUE(is_script_code("Latn"));
  EXPECT_TRUE(is_script_code("Hang"));
  EXPECT_TRUE(is_script_code("Kore"));
  EXPECT_FALSE(is_script_code("latn"));
  EXPECT_FALSE(is_script_code("Latin"));
  EXPECT_FALSE(is_script_code("Abcd"));
  EXPECT_TRUE(is_campaign_id("naju-haderslev"));
  EXPECT_TRUE(is_campaign_id("a1"));
  EXPECT_FALSE(is_campaign_id("Naju"));
  EXPECT_FALSE(is_campaign_id("naju_haderslev"));
  EXPECT_FALSE(is_campaign_id("-naju"));
  EXPECT_FALSE(is_campaign_id("naju-"));
  EXPECT_FALSE(is_campaign_id(""));
  EXPECT_TRUE(is_campaign_id(std::string(kMaxCampaignIdLength, 'a')));
  EXPECT_FALSE(is_campaign_id(std::string(kMaxCampaignIdLength + 1, 'a')));
}

TEST(Validators, Urls) {
  EXPECT_TRUE(is_http_url("https://council.naju.example.org/members/a/contact"));
  EXPECT_TRUE(is_http_url("http://example.org"));
  EXPECT_TRUE(is_http_url("https://example.org:8443/x?q=1#f"));
  EXPECT_TRUE(is_http_url("http://[::1]:8080/"));
  EXPECT_FALSE(is_http_url("ftp://example.org"));
  EXPECT_FALSE(is_http_url("javascript:alert(1)"));
  EXPECT_FALSE(is_http_url("https://"));
  EXPECT_FALSE(is_http_url("https:///path"));
  EXPECT_FALSE(is_http_url("https://exa mple.org"));
  EXPECT_FALSE(is_http_url("https://example.org/\r\n"));
  EXPECT_FALSE(is_http_url("https://example.org:/"));
  EXPECT_FALSE(is_http_url("https://example.org:99999/"));
  EXPECT_FALSE(is_http_url("example.org"));
}

TEST(Validators, Rfc3339) {
  auto t = parse_rfc3339("2026-01-01T09:00:00+09:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->time_since_epoch().count(), 1767225600);
  EXPECT_EQ(parse_rfc3339("2026-01-01t00:00:00.123z")->time_since_epoch().count(), 1767225600);
  EXPECT_EQ(parse_rfc3339("2025-12-31T23:00:00-01:00")->time_since_epoch().count(), 1767225600);
  EXPECT_EQ(parse_rfc3339("2024-02-29T00:00:00Z")->time_since_epoch().count(), 1709164800);
  EXPECT_FALSE(parse_rfc3339("2026-02-29T00:00:00Z").ok());
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:00:00").ok());
  EXPECT_THAT(parse_rfc3339("2026-01-01T00:00:00").error().message, HasSubstr("time zone"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01").ok());
  EXPECT_FALSE(parse_rfc3339("2026-01-01T24:00:00Z").ok());
  EXPECT_FALSE(parse_rfc3339("2026-13-01T00:00:00Z").ok());
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:00:00.Z").ok());
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:00:00+0900").ok());
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:00:00+24:00").ok());
  EXPECT_FALSE(parse_rfc3339("2026-0a-01T00:00:00Z").ok());
  EXPECT_FALSE(parse_rfc3339("").ok());
}

TEST(Validators, OfficeHoursParsing) {
  domain::OfficeHours h;
  EXPECT_TRUE(h.empty());
  ASSERT_TRUE(add_office_hours(h, "mon-thu 09:00-15:00").ok());
  ASSERT_TRUE(add_office_hours(h, "fri 09:00-13:00").ok());
  ASSERT_TRUE(add_office_hours(h, "sat,sun 10:00-12:00").ok());
  ASSERT_TRUE(add_office_hours(h, "mon 15:00-24:00").ok());  // touching is not overlapping
  EXPECT_FALSE(h.empty());
  using Day = std::vector<std::pair<int, int>>;
  EXPECT_EQ(h.week[0], (Day{{540, 900}, {900, 1440}}));
  EXPECT_EQ(h.week[3], (Day{{540, 900}}));
  EXPECT_EQ(h.week[4], (Day{{540, 780}}));
  EXPECT_EQ(h.week[6], (Day{{600, 720}}));

  const domain::OfficeHours before = h;
  auto expect_rejected = [&](const std::string& line, const std::string& part) {
    auto r = add_office_hours(h, line);
    ASSERT_FALSE(r.ok()) << line;
    EXPECT_THAT(r.error().message, HasSubstr(part)) << line;
    EXPECT_EQ(h.week, before.week) << "unchanged after " << line;
  };
  expect_rejected("tue 14:00-16:00", "overlaps 09:00-15:00 on tue");
  expect_rejected("sat 08:00-20:00", "overlaps");
  expect_rejected("wed 10:00-10:00", "closes (10:00) before it opens (10:00)");
  expect_rejected("wed 11:00-10:00", "closes");
  expect_rejected("thu-mon 09:00-10:00", "runs backwards");
  expect_rejected("mon,mon 01:00-02:00", "names mon twice");
  expect_rejected("monday 09:00-10:00", "not a day");
  expect_rejected("mon 9:00-10:00", "not an opening time");
  expect_rejected("mon 09:00-24:30", "not an opening time");
  expect_rejected("mon 09:60-10:00", "not an opening time");
  expect_rejected("mon 0900-1000", "not an opening time");
  expect_rejected("mon  09:00-10:00", "is not office hours");
  expect_rejected("mon 01:00-02:00 extra", "is not office hours");
  expect_rejected("mon", "is not office hours");
  expect_rejected("", "is not office hours");
  expect_rejected(",mon 01:00-02:00", "not a day");
}

TEST(Validators, FirstInvalidUtf8) {
  EXPECT_EQ(first_invalid_utf8("plain ascii"), std::nullopt);
  EXPECT_EQ(first_invalid_utf8("나주시 Haderslev ÆØÅ 🐾"), std::nullopt);
  EXPECT_EQ(first_invalid_utf8("ab\xff"), 2u);
  EXPECT_EQ(first_invalid_utf8("a\xc0\x80"), 1u);          // overlong NUL
  EXPECT_EQ(first_invalid_utf8("a\xe0\x80\xaf"), 1u);      // overlong '/'
  EXPECT_EQ(first_invalid_utf8("\xed\xa0\x80"), 0u);       // UTF-16 surrogate
  EXPECT_EQ(first_invalid_utf8("\xf4\x90\x80\x80"), 0u);   // over U+10FFFF
  EXPECT_EQ(first_invalid_utf8("ok\xe1\x84"), 2u);         // truncated
  EXPECT_EQ(first_invalid_utf8("\x80"), 0u);               // lone continuation byte
}

// ---------------------------------------------------------------- templates and the text table

TEST(Templates, ScanFindsEveryKindOfTag) {
  auto scan = scan_template("a {{x}} {{{y}}} {{&z}} {{#s}}{{/s}} {{^i}}{{/i}} {{! note }} {{ spaced.name }}");
  ASSERT_TRUE(scan.issues.empty());
  ASSERT_EQ(scan.tags.size(), 9u);
  EXPECT_EQ(scan.tags[0].kind, TemplateTag::Kind::variable);
  EXPECT_EQ(scan.tags[0].offset, 2u);
  EXPECT_EQ(scan.tags[0].length, 5u);
  EXPECT_EQ(scan.tags[1].kind, TemplateTag::Kind::unescaped);
  EXPECT_EQ(scan.tags[1].name, "y");
  EXPECT_EQ(scan.tags[2].kind, TemplateTag::Kind::unescaped);
  EXPECT_EQ(scan.tags[3].kind, TemplateTag::Kind::section);
  EXPECT_EQ(scan.tags[4].kind, TemplateTag::Kind::close);
  EXPECT_EQ(scan.tags[5].kind, TemplateTag::Kind::inverted);
  EXPECT_EQ(scan.tags[7].kind, TemplateTag::Kind::comment);
  EXPECT_EQ(scan.tags[8].name, "spaced.name");
}

TEST(Templates, CheckReportsEachProblem) {
  const std::vector<std::string> allowed = {"home.name", "target.title"};
  EXPECT_TRUE(check_template("{{home.name}} {{#target.title}}{{target.title}}{{/target.title}} {{! any }}", allowed).empty());
  EXPECT_TRUE(check_template("no tags at all", allowed).empty());
  auto unknown = check_template("Hi {{ supporter.email }}", allowed);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].offset, 3u);
  EXPECT_EQ(unknown[0].fix, "use one of: home.name, target.title");
  auto unclosed = check_template("Hi {{home.name", allowed);
  ASSERT_EQ(unclosed.size(), 1u);
  EXPECT_EQ(unclosed[0].offset, 3u);
  auto triple = check_template("{{{home.name}}", allowed);
  ASSERT_EQ(triple.size(), 1u);
  EXPECT_THAT(triple[0].message, HasSubstr("\"{{{\" is never closed"));
  auto crossed = check_template("{{#home.name}}{{#target.title}}{{/home.name}}{{/target.title}}", allowed);
  ASSERT_FALSE(crossed.empty());
  EXPECT_THAT(crossed[0].message, HasSubstr("the open one is {{#target.title}}"));
  EXPECT_EQ(check_template("{{}}", allowed).at(0).message, "{{}} is not a variable name");
  EXPECT_EQ(check_template("{{.}}", allowed).size(), 1u);
  EXPECT_EQ(check_template("{{a b}}", allowed).size(), 1u);
  EXPECT_EQ(check_template("{{>p}}", allowed).size(), 1u);
  EXPECT_EQ(check_template("{{=| |=}}", allowed).size(), 1u);
}

TEST(TextKeys, RequiredKeysAndVariables) {
  EXPECT_EQ(page_text_keys().size(), 9u);
  EXPECT_EQ(page_text_keys().front(), "page.title");
  EXPECT_EQ(required_text_keys(domain::Channel::email),
            (std::vector<std::string>{"email.subject", "email.greeting", "email.group_greeting", "email.body", "email.signoff"}));
  EXPECT_EQ(required_text_keys(domain::Channel::call), (std::vector<std::string>{"call.script", "call.ask_short"}));
  for (auto c : domain::kAllChannels) EXPECT_FALSE(required_text_keys(c).empty()) << domain::channel_id(c);
  for (const auto& key : known_text_keys()) {
    const auto& vars = allowed_variables(key);
    EXPECT_TRUE(std::is_sorted(vars.begin(), vars.end())) << key;
    EXPECT_NE(std::find(vars.begin(), vars.end(), "campaign.url"), vars.end()) << key;
  }
  auto has = [](const std::string& key, const std::string& var) {
    const auto& v = allowed_variables(key);
    return std::find(v.begin(), v.end(), var) != v.end();
  };
  EXPECT_TRUE(has("email.body", "supporter.first_name"));
  EXPECT_TRUE(has("letter.greeting", "target.title"));
  EXPECT_TRUE(has("call.script", "addressees"));
  EXPECT_FALSE(has("page.title", "target.name"));
  EXPECT_TRUE(has("post.text", "handles"));
  EXPECT_FALSE(has("post.text", "supporter.name"));
  EXPECT_FALSE(has("share.text", "handles"));
  EXPECT_TRUE(has("petition.text", "petition.goal"));
  EXPECT_FALSE(has("email.body", "petition.goal"));
  EXPECT_TRUE(allowed_variables("email.nope").empty());
}

// ---------------------------------------------------------------- the model's methods

TEST(Domain, IdsRoundTrip) {
  for (auto c : domain::kAllChannels) EXPECT_EQ(domain::parse_channel(domain::channel_id(c)), c);
  EXPECT_EQ(domain::parse_channel("tweet"), std::nullopt);
  for (auto r : {domain::Role::to, domain::Role::cc, domain::Role::public_, domain::Role::letter_copy})
    EXPECT_EQ(domain::parse_role(domain::role_id(r)), r);
  EXPECT_EQ(domain::role_id(domain::Role::public_), "public");
  EXPECT_EQ(domain::parse_role("public_"), std::nullopt);
  EXPECT_EQ(domain::parse_body_kind("provincial_council"), domain::BodyKind::provincial_council);
  EXPECT_EQ(domain::parse_body_kind("city"), std::nullopt);
}

TEST(Domain, LocalizedFallsBack) {
  domain::Localized l;
  EXPECT_EQ(l.get("da"), "");
  l.by_lang = {{"ko", "나주시"}};
  EXPECT_EQ(l.get("da"), "나주시");
  l.by_lang["en"] = "Naju";
  EXPECT_EQ(l.get("da"), "Naju");
  EXPECT_EQ(l.get("da", "ko"), "나주시");
  EXPECT_EQ(l.get("ko"), "나주시");
  EXPECT_TRUE(l.has("en"));
  EXPECT_FALSE(l.has("da"));
}

TEST(Domain, OpenAtAndLookups) {
  domain::Campaign c;
  using std::chrono::seconds;
  const domain::TimePoint t0{seconds{1000}};
  EXPECT_TRUE(c.open_at(t0));
  c.starts = t0;
  c.ends = t0 + seconds{10};
  EXPECT_FALSE(c.open_at(t0 - seconds{1}));
  EXPECT_TRUE(c.open_at(t0));
  EXPECT_TRUE(c.open_at(t0 + seconds{9}));
  EXPECT_FALSE(c.open_at(t0 + seconds{10}));

  c.channels = {domain::Channel::email};
  domain::Target a;
  a.id = "a";
  a.channels = {domain::Channel::email, domain::Channel::call};
  domain::Target b;
  b.id = "b";
  b.channels = {domain::Channel::call};
  c.targets = {a, b};
  EXPECT_EQ(c.targets_for(domain::Channel::email).size(), 1u);
  EXPECT_TRUE(c.targets_for(domain::Channel::call).empty());  // not enabled
  EXPECT_EQ(c.find_target("b")->id, "b");
  EXPECT_EQ(c.find_target("c"), nullptr);
  c.texts["da"]["email.subject"] = "Emne";
  ASSERT_NE(c.text("da", "email.subject"), nullptr);
  EXPECT_EQ(*c.text("da", "email.subject"), "Emne");
  EXPECT_EQ(c.text("en", "email.subject"), nullptr);
  EXPECT_EQ(c.text("da", "email.body"), nullptr);
}

}  // namespace
}  // namespace twinning::campaign
