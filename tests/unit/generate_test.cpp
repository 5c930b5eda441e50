// Campaigns generated from a template and the directory: which pairs and officials are taken,
// what is refused and why, and the command end to end on the example in examples/pairs (each
// campaign passes check; the Korean and Danish texts come out with the right particles and
// genitives; a second run changes nothing).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app/site.hpp"
#include "app/static_export.hpp"
#include "campaign/load.hpp"
#include "cli/directory_commands.hpp"
#include "cli/generate_commands.hpp"
#include "directory/generate.hpp"
#include "directory/import.hpp"
#include "render/compose.hpp"
#include "render/text.hpp"
#include "support/temp_dir.hpp"

namespace twinning {
namespace {

namespace fs = std::filesystem;
using directory::Kind;

const fs::path kExample = fs::path(TWINNING_SOURCE_DIR) / "examples" / "pairs";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

directory::Directory example_directory() {
  directory::Directory d;
  for (Kind k : directory::kAllKinds) {
    auto table = directory::parse_csv(slurp(kExample / "directory" / (std::string(directory::kind_name(k)) + ".csv")));
    EXPECT_TRUE(table.ok());
    auto parsed = directory::parse_records(k, table.value(), d);
    EXPECT_TRUE(parsed.problems.empty()) << directory::describe(parsed.problems);
    for (auto& r : parsed.records) d.records[k][r.id] = r;
  }
  return d;
}

directory::CampaignTemplate example_template() {
  auto t = directory::parse_template("friendship", slurp(kExample / "templates" / "friendship" / "template.yaml"));
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.value();
}

TEST(Generate, OneCampaignPerMatchingPairWithItsOfficials) {
  const auto g = directory::generate(example_template(), example_directory(), {});
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].pair, "mokpo/aarhus");
  EXPECT_EQ(g[1].pair, "naju/haderslev");
  EXPECT_EQ(g[2].pair, "seoul/berlin");
  for (const auto& one : g) EXPECT_TRUE(one.refused.empty()) << one.pair << ": " << one.refused.front();
  EXPECT_EQ(g[1].campaign_id, "friendship-naju-haderslev");
  const YAML::Node c = YAML::Load(g[1].yaml);
  EXPECT_EQ(c["pair"]["home"]["name"]["ko"].as<std::string>(), "나주시");
  EXPECT_EQ(c["pair"]["since"].as<int>(), 2016);
  EXPECT_FALSE(c["generate"]);
  ASSERT_EQ(c["targets"].size(), 3u);  // mayor (to), city council (to), Naju council (cc)
  EXPECT_EQ(c["targets"][0]["id"].as<std::string>(), "haderslev-mayor");
  EXPECT_EQ(c["targets"][0]["role"].as<std::string>(), "to");
  EXPECT_EQ(c["targets"][0]["contact"]["phone"].as<std::string>(), "+4540781475");
  EXPECT_EQ(c["targets"][0]["channels"].size(), 2u);  // email and call
  EXPECT_EQ(c["targets"][2]["id"].as<std::string>(), "naju-council");
  EXPECT_EQ(c["targets"][2]["role"].as<std::string>(), "cc");
  // An official's own language takes their local name.
  const auto aarhus = YAML::Load(g[0].yaml);
  EXPECT_EQ(aarhus["targets"][0]["name"]["da"].as<std::string>(), "Aarhus' borgmester");
  EXPECT_EQ(aarhus["targets"][0]["name"]["en"].as<std::string>(), "Mayor of Aarhus");
}

TEST(Generate, DeterministicAndFilteredByPairAndRelation) {
  const auto d = example_directory();
  auto t = example_template();
  EXPECT_EQ(directory::generate(t, d, {})[1].yaml, directory::generate(t, d, {})[1].yaml);
  const auto only = directory::generate(t, d, {"seoul/berlin", "naju/odense"});
  ASSERT_EQ(only.size(), 2u);
  EXPECT_EQ(only[0].pair, "naju/odense");
  EXPECT_NE(only[0].refused.at(0).find("no twinning naju/odense"), std::string::npos);
  EXPECT_EQ(only[1].pair, "seoul/berlin");
  t.relations = {"sister"};
  const auto sisters = directory::generate(t, d, {});
  ASSERT_EQ(sisters.size(), 1u);
  EXPECT_EQ(sisters[0].pair, "mokpo/aarhus");
  t.relations.clear();
  t.home_country = "DK";
  EXPECT_TRUE(directory::generate(t, d, {}).empty());
}

TEST(Generate, RefusesMissingOfficialsAndMissingTranslations) {
  auto d = example_directory();
  const auto t = example_template();
  d.records[Kind::official].erase("aarhus-mayor");
  d.records[Kind::city]["haderslev"].fields.erase("name.ko");
  const auto g = directory::generate(t, d, {});
  ASSERT_EQ(g.size(), 3u);
  ASSERT_FALSE(g[0].refused.empty());
  EXPECT_NE(g[0].refused[0].find("missing officials"), std::string::npos);
  ASSERT_EQ(g[1].refused.size(), 1u);
  EXPECT_EQ(g[1].refused[0], "missing translation: city haderslev has no name.ko");
  EXPECT_TRUE(g[1].yaml.empty());
  EXPECT_TRUE(g[2].refused.empty());
}

TEST(Generate, OfficialsWithoutAUsableContactAreLeftOutWithANote) {
  auto d = example_directory();
  auto& mayor = d.records[Kind::official]["haderslev-mayor"];
  mayor.fields.erase("email");
  mayor.fields.erase("phone");
  mayor.fields["web_form"] = "https://haderslev.example.org/contact";
  const auto g = directory::generate(example_template(), d, {"naju/haderslev"});
  ASSERT_EQ(g.size(), 1u);
  EXPECT_TRUE(g[0].refused.empty());  // the city council is still a `to` target
  ASSERT_EQ(g[0].notes.size(), 1u);
  EXPECT_NE(g[0].notes[0].find("haderslev-mayor left out"), std::string::npos);
}

TEST(Generate, TemplateErrorsNameTheKey) {
  struct Case {
    std::string yaml;
    std::string says;
  };
  const std::string base = "languages: [en]\nchannels: [email]\n";
  const Case cases[] = {
      {"languages: [en\n", "does not parse at line"},
      {"- a\n", "must be a map"},
      {base, "generate section is missing"},
      {base + "pair: {}\ngenerate: {targets: [{side: home, role: to}]}\n", "pair is filled from the directory"},
      {base + "generate: {targets: []}\n", "non-empty list"},
      {base + "generate: {targets: [{side: abroad, role: to}]}\n", "side must be home or foreign"},
      {base + "generate: {targets: [{side: home, role: boss}]}\n", "role must be to, cc or letter_copy"},
      {base + "generate: {targets: [{side: home, role: to, rank: 1}]}\n", "unknown key rank"},
      {base + "generate: {home_country: Korea, targets: [{side: home, role: to}]}\n", "home_country"},
      {base + "generate: {pairs: all, targets: [{side: home, role: to}]}\n", "unknown key pairs"},
      {"channels: [email]\ngenerate: {targets: [{side: home, role: to}]}\n", "languages is missing"},
  };
  for (const auto& c : cases) {
    auto t = directory::parse_template("x", c.yaml);
    ASSERT_FALSE(t.ok()) << c.yaml;
    EXPECT_NE(t.error().message.find(c.says), std::string::npos) << t.error().message;
  }
}

// ---------------------------------------------------------------- the command

class GenerateCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.data_dir = tmp_.path() / "data";
    settings_.campaigns_dir = tmp_.path() / "campaigns";
    settings_.resources_dir = TWINNING_SOURCE_DIR;
    for (Kind k : directory::kAllKinds) {
      cli::DirectoryCommand c;
      c.action = cli::DirectoryCommand::Action::import_file;
      c.file = (kExample / "directory" / (std::string(directory::kind_name(k)) + ".csv")).string();
      ASSERT_EQ(cli::directory(c, settings_, out_, err_), 0) << err_.str();
    }
  }
  int generate(std::vector<std::string> pairs = {}) {
    cli::GenerateCommand g;
    g.template_dir = (kExample / "templates" / "friendship").string();
    g.pairs = std::move(pairs);
    out_.str("");
    err_.str("");
    return cli::generate(g, settings_, out_, err_);
  }
  std::string page_text(const std::string& id, const std::string& key, const std::string& lang) {
    auto loaded = campaign::load_campaign(settings_.campaigns_dir / id);
    EXPECT_TRUE(loaded.ok());
    const auto& c = *loaded.campaign;
    auto r = render::render_text(c.texts.at(lang).at(key), render::campaign_vars(c, lang, "https://x.example.org/"));
    return r.ok() ? r.value() : r.error().message;
  }

  test::TempDir tmp_{"twinning-generate"};
  Settings settings_;
  std::ostringstream out_, err_;
};

TEST_F(GenerateCommand, CreatesCheckedCampaignsThenReportsUnchangedAndChanged) {
  ASSERT_EQ(generate(), 0) << out_.str() << err_.str();
  EXPECT_NE(out_.str().find("created  naju/haderslev  friendship-naju-haderslev\n"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("3 created, 0 changed, 0 unchanged, 0 refused"), std::string::npos);
  EXPECT_FALSE(fs::exists(settings_.campaigns_dir / ".generating"));
  for (const char* id : {"friendship-naju-haderslev", "friendship-mokpo-aarhus", "friendship-seoul-berlin"}) {
    EXPECT_TRUE(campaign::load_campaign(settings_.campaigns_dir / id).ok()) << id;
  }
  // The grammar helpers against expected sentences, per pair.
  EXPECT_NE(page_text("friendship-naju-haderslev", "page.why", "ko").find("나주시는 2016년부터 하데르슬레우와 우호도시"),
            std::string::npos);
  EXPECT_NE(page_text("friendship-seoul-berlin", "page.why", "ko").find("서울은 1991년부터 베를린과 우호도시"),
            std::string::npos);
  EXPECT_NE(page_text("friendship-naju-haderslev", "page.why", "da").find("og Haderslevs ord vejer i Naju"),
            std::string::npos);
  EXPECT_NE(page_text("friendship-mokpo-aarhus", "page.why", "da").find("og Aarhus' ord vejer i Mokpo"),
            std::string::npos);
  EXPECT_NE(page_text("friendship-mokpo-aarhus", "page.why", "en").find("has been a sister city of Aarhus since 2001"),
            std::string::npos);
  EXPECT_NE(page_text("friendship-mokpo-aarhus", "share.text", "ko").find("오르후스가 우호도시"), std::string::npos);

  ASSERT_EQ(generate(), 0);
  EXPECT_NE(out_.str().find("0 created, 0 changed, 3 unchanged, 0 refused"), std::string::npos) << out_.str();

  // A change in the directory changes only the campaign of that pair.
  cli::DirectoryCommand c;
  c.action = cli::DirectoryCommand::Action::import_file;
  c.file = (tmp_.path() / "t.csv").string();
  std::ofstream(c.file) << "home,foreign,kind,since\nnaju,haderslev,sister,2017\n";
  ASSERT_EQ(cli::directory(c, settings_, out_, err_), 0) << err_.str();
  ASSERT_EQ(generate(), 0);
  EXPECT_NE(out_.str().find("changed  naju/haderslev"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("0 created, 1 changed, 2 unchanged"), std::string::npos) << out_.str();
  EXPECT_NE(page_text("friendship-naju-haderslev", "page.why", "ko").find("2017년부터"), std::string::npos);
}

TEST_F(GenerateCommand, NeverOverwritesAHandWrittenCampaignAndReportsRefusals) {
  fs::create_directories(settings_.campaigns_dir / "friendship-naju-haderslev");
  std::ofstream(settings_.campaigns_dir / "friendship-naju-haderslev" / "campaign.yaml") << "format: 1\n";
  EXPECT_EQ(generate({"naju/haderslev", "mokpo/aarhus"}), 1);
  EXPECT_NE(out_.str().find("refused  naju/haderslev"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("was not made by generate"), std::string::npos);
  EXPECT_NE(out_.str().find("created  mokpo/aarhus"), std::string::npos);
  EXPECT_EQ(slurp(settings_.campaigns_dir / "friendship-naju-haderslev" / "campaign.yaml"), "format: 1\n");
}

TEST_F(GenerateCommand, ACampaignThatFailsCheckIsNotWritten) {
  // A template text with a variable the page may not use: check refuses it.
  const fs::path tmpl = tmp_.path() / "broken";
  fs::create_directories(tmpl / "texts");
  fs::copy_file(kExample / "templates" / "friendship" / "template.yaml", tmpl / "template.yaml");
  for (const char* l : {"en", "da", "ko"}) {
    std::string text = slurp(kExample / "templates" / "friendship" / "texts" / (std::string(l) + ".yaml"));
    if (std::string(l) == "da") text.replace(text.find("{{since}}"), 9, "{{target.name}}");
    std::ofstream(tmpl / "texts" / (std::string(l) + ".yaml")) << text;
  }
  cli::GenerateCommand g;
  g.template_dir = tmpl.string();
  g.pairs = {"naju/haderslev"};
  EXPECT_EQ(cli::generate(g, settings_, out_, err_), 1);
  EXPECT_NE(out_.str().find("refused  naju/haderslev  broken-naju-haderslev\n    check found problems:"), std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("unknown variable {{target.name}}"), std::string::npos) << out_.str();
  EXPECT_FALSE(fs::exists(settings_.campaigns_dir / "broken-naju-haderslev"));
  EXPECT_FALSE(fs::exists(settings_.campaigns_dir / ".generating"));
}

// ---------------------------------------------------------------- the index and the static export

std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).generic_string()] = slurp(e.path());
  }
  return out;
}

TEST_F(GenerateCommand, BuildWritesEveryPageDeterministically) {
  ASSERT_EQ(generate(), 0) << out_.str();
  settings_.public_url = "https://campaigns.example.org/";
  const fs::path a = tmp_.path() / "a", b = tmp_.path() / "b";
  ASSERT_EQ(cli::build(a.string(), settings_, false, out_, err_), 0) << err_.str();
  ASSERT_EQ(cli::build(b.string(), settings_, false, out_, err_), 0) << err_.str();
  const auto first = tree(a);
  EXPECT_EQ(first, tree(b));  // same input, same bytes
  for (const char* id : {"friendship-naju-haderslev", "friendship-mokpo-aarhus", "friendship-seoul-berlin"}) {
    for (const char* lang : {"en", "da", "ko"}) {
      const auto page = first.find(std::string(id) + "/" + lang + "/index.html");
      ASSERT_NE(page, first.end()) << id << " " << lang;
      // Each page names its language versions, absolute under public_url.
      EXPECT_NE(page->second.find("hreflang=\"ko\" href=\"https://campaigns.example.org/" + std::string(id) + "/ko/\""),
                std::string::npos);
    }
  }
  for (const char* f : {"index.html", "en/index.html", "da/index.html", "ko/index.html", "static/app.js",
                        "static/page.css", "sitemap.xml"}) {
    EXPECT_TRUE(first.count(f)) << f;
  }
  const std::string& sitemap = first.at("sitemap.xml");
  EXPECT_NE(sitemap.find("<url><loc>https://campaigns.example.org/friendship-naju-haderslev/da/</loc>"
                         "<xhtml:link rel=\"alternate\" hreflang=\"en\" "
                         "href=\"https://campaigns.example.org/friendship-naju-haderslev/en/\"/>"),
            std::string::npos)
      << sitemap;
  // The index groups the campaigns by Korean city and by the twinned city's country, per language.
  const std::string& da = first.at("da/index.html");
  const auto by_country = da.find("Efter venskabsbyens land");
  ASSERT_NE(by_country, std::string::npos);
  EXPECT_NE(da.find("<h3>Danmark</h3>", by_country), std::string::npos);
  EXPECT_NE(da.find("<h3>Tyskland</h3>", by_country), std::string::npos);
  const std::string& ko = first.at("ko/index.html");
  EXPECT_NE(ko.find("<h2>한국 도시별</h2>\n<h3>나주시</h3>"), std::string::npos);
  EXPECT_NE(ko.find("<h3>독일</h3>"), std::string::npos);

  // A campaign gone from the campaigns folder is gone from the next export.
  fs::remove_all(settings_.campaigns_dir / "friendship-seoul-berlin");
  ASSERT_EQ(cli::build(a.string(), settings_, false, out_, err_), 0) << err_.str();
  EXPECT_FALSE(fs::exists(a / "friendship-seoul-berlin" / "en" / "index.html"));
  EXPECT_EQ(tree(a).at("friendship-naju-haderslev/ko/index.html"), first.at("friendship-naju-haderslev/ko/index.html"));
  EXPECT_EQ(tree(a).at("ko/index.html").find("<h3>독일</h3>"), std::string::npos);
}

TEST_F(GenerateCommand, BuildRefusesWithoutPublicUrlAndIntoAForeignFolder) {
  ASSERT_EQ(generate({"naju/haderslev"}), 0) << out_.str();
  EXPECT_EQ(cli::build((tmp_.path() / "out").string(), settings_, false, out_, err_), 2);
  EXPECT_NE(err_.str().find("--public-url"), std::string::npos);
  settings_.public_url = "https://campaigns.example.org";
  fs::create_directories(tmp_.path() / "mine");
  std::ofstream(tmp_.path() / "mine" / "notes.txt") << "keep me";
  EXPECT_EQ(cli::build((tmp_.path() / "mine").string(), settings_, false, out_, err_), 1);
  EXPECT_EQ(tree(tmp_.path() / "mine").size(), 1u);
  // The progress bar goes to err only when asked (the command passes isatty).
  std::ostringstream bar;
  ASSERT_EQ(cli::build((tmp_.path() / "p").string(), settings_, true, out_, bar), 0);
  EXPECT_NE(bar.str().find("\rbuilding [##############################] "), std::string::npos);
}

TEST(Sitemap, EscapesUrls) {
  EXPECT_EQ(app::sitemap_xml({{"https://x.example.org/a?b=1&c=2", {{"da", "https://x.example.org/\"da\""}}}}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n"
            "<url><loc>https://x.example.org/a?b=1&amp;c=2</loc>"
            "<xhtml:link rel=\"alternate\" hreflang=\"da\" href=\"https://x.example.org/&quot;da&quot;\"/></url>\n"
            "</urlset>\n");
}

}  // namespace
}  // namespace twinning
