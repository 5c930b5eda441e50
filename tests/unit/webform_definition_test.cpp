// Tests of the web-form definitions in campaign.yaml (src/campaign/webform_definition.cpp): the
// fixture tests/unit/fixtures/campaigns/webform is copied to a temporary folder, one thing is
// changed, and the problem `twinning check` reports is asserted with its file, line and column.
// Also the guided steps the page and `twinning preview` show (src/render/webform_guide.cpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "campaign/load.hpp"
#include "common/utf8.hpp"
#include "domain/webform.hpp"
#include "render/channel_view.hpp"
#include "render/webform_guide.hpp"
#include "support/temp_dir.hpp"

namespace twinning::campaign {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Severity = Problem::Severity;

fs::path source_dir() {
  const char* env = std::getenv("TWINNING_SOURCE_DIR");
  return env != nullptr ? fs::path(env) : fs::path(TWINNING_SOURCE_DIR);
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string dump(const LoadResult& r) {
  std::string out;
  for (const auto& p : r.problems) out += format_problem(p) + "\n";
  return out;
}

// A copy of the web-form fixture whose campaign.yaml a test edits.
class Copy {
 public:
  Copy() : dir_(tmp_.path() / "webform-test") {
    fs::copy(source_dir() / "tests/unit/fixtures/campaigns/webform", dir_, fs::copy_options::recursive);
  }
  fs::path yaml() const { return dir_ / "campaign.yaml"; }
  // Replaces the first `from`; fails the test when it is absent, so a stale edit cannot pass.
  void edit(const std::string& from, const std::string& to) const {
    std::string text = read_all(yaml());
    auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << "\"" << from << "\" not in campaign.yaml";
    text.replace(at, from.size(), to);
    std::ofstream(yaml(), std::ios::binary) << text;
  }
  int line_of(const std::string& needle) const {
    std::string text = read_all(yaml());
    auto at = text.find(needle);
    EXPECT_NE(at, std::string::npos) << needle;
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  }
  int column_of(const std::string& needle) const {
    std::string text = read_all(yaml());
    auto at = text.find(needle);
    auto start = text.rfind('\n', at);
    start = start == std::string::npos ? 0 : start + 1;
    return 1 + static_cast<int>(code_points(std::string_view(text).substr(start, at - start)));
  }
  LoadResult load() const { return load_campaign(dir_); }

 private:
  test::TempDir tmp_;
  fs::path dir_;
};

Problem the_problem(const LoadResult& r, const std::string& part) {
  const Problem* found = nullptr;
  int matches = 0;
  for (const auto& p : r.problems) {
    if (p.message.find(part) != std::string::npos) {
      found = &p;
      ++matches;
    }
  }
  EXPECT_EQ(matches, 1) << "looking for \"" << part << "\" in:\n" << dump(r);
  return found != nullptr ? *found : Problem{Severity::warning, "<none>", -1, -1, "<no such problem>", ""};
}

void expect_at(const Problem& p, const Copy& c, const std::string& needle, Severity severity = Severity::error) {
  EXPECT_EQ(p.file, c.yaml().string()) << format_problem(p);
  EXPECT_EQ(p.line, c.line_of(needle)) << format_problem(p);
  EXPECT_EQ(p.column, c.column_of(needle)) << format_problem(p);
  EXPECT_EQ(p.severity, severity) << format_problem(p);
}

TEST(WebformDefinitions, FixtureLoadsWithEveryKey) {
  const LoadResult r = Copy().load();
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_TRUE(r.problems.empty()) << dump(r);
  const auto* form = domain::webform_for(*r.campaign, "member");
  ASSERT_NE(form, nullptr);
  EXPECT_EQ(form->id, "council-form");
  EXPECT_EQ(form->charset, "EUC-KR");
  EXPECT_TRUE(form->automated);
  EXPECT_EQ(form->form_id, "mailform");
  EXPECT_EQ(form->submit_label, "보내기");
  ASSERT_EQ(form->steps.size(), 2u);
  EXPECT_EQ(form->steps[0].url, "https://council.example.org/members");
  EXPECT_EQ(form->steps[1].text.get("da"), "Klik på konvolutten.");
  ASSERT_EQ(form->fields.size(), 5u);
  EXPECT_EQ(form->fields[1].label, "보내는 사람");
  EXPECT_EQ(form->fields[1].source, domain::FieldSource::supporter_name);
  EXPECT_EQ(form->fields[1].max_chars, 30u);
  EXPECT_EQ(form->fields[2].text, "000-000-0000");
  EXPECT_EQ(form->fields[2].format, domain::FieldFormat::phone);
  EXPECT_EQ(form->fields[4].format, domain::FieldFormat::multiline);  // the body's default
  EXPECT_EQ(form->success[0].text, "이메일을 전송 하였습니다.");
  EXPECT_EQ(form->errors[0].meaning.get("en"), "Invalid access.");
  EXPECT_THAT(form->captcha_markers, ElementsAre("자동입력방지"));
  EXPECT_EQ(r.campaign->find_target("member")->contact.web_form, "https://council.example.org/members/a/contact");
}

TEST(WebformDefinitions, TheDemoDescribesTheNajuCouncilFormForEveryMember) {
  const LoadResult r = load_campaign(source_dir() / "campaigns/naju-haderslev");
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_TRUE(r.problems.empty()) << dump(r);
  for (const char* member : {"naju-council-member-a", "naju-council-member-b"}) {
    const auto* form = domain::webform_for(*r.campaign, member);
    ASSERT_NE(form, nullptr) << member;
    EXPECT_FALSE(form->automated);
    std::vector<std::string> labels;
    for (const auto& f : form->fields) labels.push_back(f.label);
    EXPECT_THAT(labels, ElementsAre("받는사람", "보내는 사람", "E-mail", "휴대폰", "제목", "내용"));
    EXPECT_EQ(form->fields[3].text, "000-000-0000");
    EXPECT_EQ(form->success.at(0).text, "이메일을 전송 하였습니다.");
  }
}

TEST(WebformDefinitions, ThePlainAddressStaysValid) {
  Copy c;
  c.edit("web_form: {url: \"https://council.example.org/members/a/contact\", form: council-form}",
         "web_form: https://council.example.org/members/a/contact");
  const LoadResult r = c.load();
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(domain::webform_for(*r.campaign, "member"), nullptr);
  // Definitions exist, but this target uses none: its supporters get only the address.
  expect_at(the_problem(r, "names no web form definition"), c, "https://council.example.org/members/a/contact",
            Severity::warning);
}

TEST(WebformDefinitions, AReferenceToAnUnknownFormSuggestsTheNearest) {
  Copy c;
  c.edit("form: council-form}", "form: council-from}");
  const LoadResult r = c.load();
  EXPECT_FALSE(r.ok());
  const Problem p = the_problem(r, "there is no web form \"council-from\"");
  expect_at(p, c, "council-from");
  EXPECT_THAT(p.fix, HasSubstr("did you mean \"council-form\""));
}

TEST(WebformDefinitions, AReferenceNeedsItsUrlAndKnownKeys) {
  Copy c;
  c.edit("{url: \"https://council.example.org/members/a/contact\", form: council-form}",
         "{form: council-form, adress: x}");
  const LoadResult r = c.load();
  EXPECT_FALSE(r.ok());
  the_problem(r, "missing key \"target \"member\" contact.web_form.url\"");
  the_problem(r, "unknown key \"adress\"");
}

TEST(WebformDefinitions, FieldProblemsAreReportedWhereTheyAre) {
  Copy c;
  c.edit("        source: supporter.name\n", "        source: supporter.nmae\n");
  const LoadResult r = c.load();
  EXPECT_FALSE(r.ok());
  const Problem p = the_problem(r, "\"supporter.nmae\" is not a source");
  expect_at(p, c, "supporter.nmae");
  EXPECT_THAT(p.fix, HasSubstr("did you mean \"supporter.name\""));
}

TEST(WebformDefinitions, UnknownKeyInAFieldSuggestsTheNearest) {
  Copy c;
  c.edit("      - label: 제목\n", "      - lable: 제목\n");
  const LoadResult r = c.load();
  EXPECT_FALSE(r.ok());
  const Problem p = the_problem(r, "unknown key \"lable\"");
  expect_at(p, c, "lable: 제목");
  EXPECT_THAT(p.fix, HasSubstr("did you mean \"label\""));
  the_problem(r, "missing key \"web form \"council-form\" fields[3].label\"");
}

TEST(WebformDefinitions, ValuesMustFitTheirFields) {
  Copy c;
  c.edit("        text: 000-000-0000\n", "        text: call me maybe\n");
  c.edit("        max_chars: 30\n", "        max_chars: -7\n");
  const LoadResult r = c.load();
  EXPECT_FALSE(r.ok());
  expect_at(the_problem(r, "the text \"call me maybe\" does not fit the field: not a phone number"), c,
            "call me maybe");
  expect_at(the_problem(r, "max_chars must be between 1 and 1000000"), c, "-7");
}

TEST(WebformDefinitions, SourcesNeedOrRefuseText) {
  Copy c;
  c.edit("        text: 000-000-0000\n", "");
  c.edit("        source: subject\n", "        source: subject\n        text: A fixed subject\n");
  const LoadResult r = c.load();
  EXPECT_FALSE(r.ok());
  the_problem(r, "source placeholder needs text");
  expect_at(the_problem(r, "source subject takes its value elsewhere"), c, "A fixed subject");
}

TEST(WebformDefinitions, DuplicateNamesAndASecondBody) {
  Copy c;
  c.edit("        name: subject\n        source: subject\n", "        name: sender\n        source: body\n");
  const LoadResult r = c.load();
  EXPECT_FALSE(r.ok());
  the_problem(r, "two fields have the name \"sender\"");
  the_problem(r, "the body already goes in \"제목\"");
}

TEST(WebformDefinitions, AutomationNeedsNamesAndASuccessText) {
  Copy c;
  c.edit("        name: receiver\n", "");
  c.edit("    success:\n      - text: 이메일을 전송 하였습니다.\n        meaning: {en: Your email has been sent., da: Din e-mail er "
         "sendt.}\n",
         "");
  const LoadResult r = c.load();
  EXPECT_FALSE(r.ok());
  the_problem(r, "fields[0] has no name, which an automated form needs");
  the_problem(r, "is automated but has no success text");
}

TEST(WebformDefinitions, WithoutAutomationNamesAreOptionalAndNoSuccessIsAWarning) {
  Copy c;
  c.edit("    automated: true\n", "");
  c.edit("        name: receiver\n", "");
  c.edit("    success:\n      - text: 이메일을 전송 하였습니다.\n        meaning: {en: Your email has been sent., da: Din e-mail er "
         "sendt.}\n",
         "");
  const LoadResult r = c.load();
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(the_problem(r, "has no success text").severity, Severity::warning);
}

TEST(WebformDefinitions, ADemoCampaignNeverFillsFormsIn) {
  Copy c;
  c.edit("format: 1\n", "format: 1\ndemo: true\n");
  c.edit("mayor@example.org", "mayor@haderslev.example.org");
  c.edit("https://council.example.org/members\n", "https://www.naju.go.kr/members\n");
  const LoadResult r = c.load();
  EXPECT_FALSE(r.ok());
  expect_at(the_problem(r, "a demo campaign must not fill in forms automatically"), c, "true\n    steps");
  expect_at(the_problem(r, "\"www.naju.go.kr\" is a real domain"), c, "https://www.naju.go.kr/members");
}

TEST(WebformDefinitions, CharsetLocatorAndIdProblems) {
  Copy c;
  c.edit("charset: EUC-KR", "charset: EUC-QQ");
  c.edit("form: {id: mailform}", "form: {id: mailform, name: mail}");
  c.edit("  - id: council-form", "  - id: Council_Form");
  const LoadResult r = c.load();
  EXPECT_FALSE(r.ok());
  expect_at(the_problem(r, "\"EUC-QQ\" is not a character set"), c, "EUC-QQ");
  the_problem(r, "names the form in more than one way");
  expect_at(the_problem(r, "\"Council_Form\" is not a valid id"), c, "Council_Form");
}

TEST(WebformDefinitions, StepsAndSignalsAreChecked) {
  Copy c;
  c.edit("        url: https://council.example.org/members\n", "        url: council.example.org/members\n");
  c.edit("      - text: 잘못된 접근입니다.\n", "      - text: \"\"\n");
  c.edit("captcha_markers: [자동입력방지]", "captcha_markers: [\"\"]");
  const LoadResult r = c.load();
  EXPECT_FALSE(r.ok());
  expect_at(the_problem(r, "\"council.example.org/members\" is not an http or https address"), c,
            "council.example.org/members\n");
  the_problem(r, "errors[0].text is empty");
  the_problem(r, "an empty marker matches every page");
}

TEST(WebformDefinitions, AMissingTranslationOfAMeaningIsAWarning) {
  Copy c;
  c.edit("meaning: {en: Subject, da: Emne}", "meaning: {en: Subject}");
  const LoadResult r = c.load();
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(the_problem(r, "has no text in \"da\"").severity, Severity::warning);
}

// ---------------------------------------------------------------------------------------------
// The guided steps

nlohmann::json webform_view(const domain::Campaign& c, const std::string& lang, bool placeholders,
                            render::SupporterView supporter = {}) {
  render::ViewContext ctx{c, lang, "https://twinning.example.org/" + c.id + "/" + lang + "/", std::move(supporter),
                          placeholders,
                          [](const std::string& l, const std::string& key) { return "(" + key + " in " + l + ")"; },
                          std::nullopt};
  auto v = render::channel_view(ctx, domain::Channel::webform);
  if (!v.ok()) throw std::runtime_error(v.error().message);
  return v.value();
}

TEST(WebformGuide, ShowsEveryNajuMemberTheStepsInTheSupportersLanguage) {
  const LoadResult r = load_campaign(source_dir() / "campaigns/naju-haderslev");
  ASSERT_TRUE(r.ok()) << dump(r);
  const std::map<std::string, std::string> first_step = {{"en", "Open the list of the council's members."},
                                                        {"da", "Åbn listen over byrådets medlemmer."},
                                                        {"ko", "의회 누리집에서 의원 명단을 엽니다."}};
  for (const auto& [lang, step] : first_step) {
    const auto view = webform_view(*r.campaign, lang, true);
    ASSERT_EQ(view["targets"].size(), 2u) << lang;
    for (const auto& t : view["targets"]) {
      const auto& form = t["form"];
      EXPECT_EQ(form["steps"][0]["text"], step);
      EXPECT_EQ(form["steps"][0]["n"], 1);
      EXPECT_EQ(form["steps"].size(), 3u);
      ASSERT_EQ(form["fields"].size(), 6u);
      EXPECT_EQ(form["fields"][0]["label"], "받는사람");
      EXPECT_TRUE(form["fields"][0]["site_filled"].get<bool>());
      EXPECT_EQ(form["fields"][1]["value"], "(placeholder.name in " + lang + ")");
      EXPECT_FALSE(form["fields"][1]["copy"].get<bool>());
      EXPECT_EQ(form["fields"][3]["label"], "휴대폰");
      EXPECT_EQ(form["fields"][3]["value"], "000-000-0000");
      EXPECT_TRUE(form["fields"][3]["copy"].get<bool>());
      EXPECT_EQ(form["fields"][4]["value"], t["message"]["subject"]);
      EXPECT_EQ(form["fields"][5]["value"], t["message"]["body"]);
      EXPECT_EQ(form["fields"][5]["lang"], "ko");  // the message goes in the site's language
      EXPECT_EQ(form["success"][0]["text"], "이메일을 전송 하였습니다.");
      EXPECT_EQ(t["done_url"], "/naju-haderslev/" + lang + "/webform/" + t["id"].get<std::string>() + "/done");
    }
    EXPECT_EQ(view["targets"][0]["form"]["fields"][3]["meaning"],
              lang == "en" ? "Mobile phone number" : lang == "da" ? "Mobilnummer" : "휴대폰 번호");
  }
}

TEST(WebformGuide, SplitsTheMessageWhereTheSiteLimitsIt) {
  const LoadResult r = Copy().load();
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto view = webform_view(*r.campaign, "en", false, {"Ana Lima", "BR"});
  const auto& form = view["targets"][0]["form"];
  EXPECT_EQ(form["fields"][1]["value"], "Ana Lima");
  EXPECT_TRUE(form["fields"][1]["copy"].get<bool>());
  const auto& body = form["fields"][4];
  ASSERT_TRUE(body.contains("parts")) << body.dump(2);
  EXPECT_TRUE(form["split"].get<bool>());
  std::string joined;
  for (const auto& part : body["parts"]) {
    EXPECT_LE(code_points(part["text"].get<std::string>()), 60u);
    EXPECT_EQ(part["count"], body["parts"].size());
    joined += part["text"].get<std::string>() + " ";
  }
  EXPECT_THAT(body["parts"][0]["text"].get<std::string>(), HasSubstr("Dear Medlem A, I am Ana Lima."));
  EXPECT_THAT(joined, HasSubstr("A third one ends it."));
}

TEST(WebformGuide, OnlyAllowedHostsOfAutomatedDefinitionsAreFilledIn) {
  const LoadResult r = Copy().load();
  ASSERT_TRUE(r.ok()) << dump(r);
  EXPECT_EQ(render::webform_automated_targets(*r.campaign, {"council.example.org"}).size(), 1u);
  EXPECT_TRUE(render::webform_automated_targets(*r.campaign, {}).empty());
  EXPECT_TRUE(render::webform_automated_targets(*r.campaign, {"example.org"}).empty());
  const LoadResult demo = load_campaign(source_dir() / "campaigns/naju-haderslev");
  ASSERT_TRUE(demo.ok());
  EXPECT_TRUE(render::webform_automated_targets(*demo.campaign, {"council.naju.example.org"}).empty());
}

}  // namespace
}  // namespace twinning::campaign
