// render::LetterPdfWriter and compose_letters, checked from outside with poppler-utils: the text
// comes back whole and in order (Danish æøå, Hangul), the recipient's block lies in the window,
// every font is embedded, long text wraps and paginates instead of running off. One page per
// language is kept as PNG in tests/output/letters/ for a person to look at.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "app/letter_action.hpp"
#include "campaign/load.hpp"
#include "render/address_block.hpp"
#include "render/letter_compose.hpp"
#include "render/letter_pdf.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace twinning::render;
using twinning::ErrorKind;

namespace {

fs::path source_dir() {
  const char* env = std::getenv("TWINNING_SOURCE_DIR");
  return env != nullptr ? fs::path(env) : fs::path(TWINNING_SOURCE_DIR);
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) throw std::runtime_error("popen failed: " + cmd);
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  if (::pclose(p) != 0) throw std::runtime_error("command failed: " + cmd);
  return out;
}

constexpr std::chrono::sys_days kDay = std::chrono::year{2026} / 11 / 25;

// Spaces and line breaks are where pdftotext and the source differ; the characters must not.
std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\n' && c != '\f' && c != '\r') out += c;
  }
  return out;
}

struct Word {
  int page;
  double x0, y0, x1, y1;
  std::string text;
};

// pdftotext -bbox: <page ...> then <word xMin= yMin= xMax= yMax=>text</word>.
std::vector<Word> words(const fs::path& pdf) {
  const std::string html = run("pdftotext -bbox '" + pdf.string() + "' -");
  std::vector<Word> out;
  int page = 0;
  std::istringstream in(html);
  std::string line;
  const std::regex word(R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">(.*)</word>)re");
  while (std::getline(in, line)) {
    if (line.find("<page ") != std::string::npos) ++page;
    std::smatch m;
    if (std::regex_search(line, m, word)) {
      std::string text = m[5];
      for (const auto& [entity, c] : {std::pair{"&apos;", "'"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
        for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1)) {
          text.replace(at, std::string(entity).size(), c);
        }
      }
      out.push_back({page, std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), std::stod(m[4]), text});
    }
  }
  return out;
}

class Letters : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = twinning::campaign::load_campaign(source_dir() / "campaigns" / "naju-haderslev");
    ASSERT_TRUE(loaded.ok());
    campaign_ = std::move(loaded.campaign);
    auto f = address_formatter();
    ASSERT_TRUE(f.ok()) << f.error().message;
    formatter_ = f.value();
  }
  std::vector<Letter> demo(const std::string& country) {
    LetterSender s{"Mette Ærø-Søndergård", country, {"Åbenrå 12", "6100 Haderslev"}, "Haderslev"};
    auto r = compose_letters(*campaign_, *formatter_, s, kDay);
    if (!r.ok()) throw std::runtime_error(r.error().message);
    return std::move(r).value();
  }
  fs::path write(const std::string& pdf, const std::string& name) {
    auto p = dir_.path() / name;
    std::ofstream(p, std::ios::binary) << pdf;
    return p;
  }
  std::optional<twinning::domain::Campaign> campaign_;
  std::shared_ptr<const twinning::domain::AddressFormatter> formatter_;
  twinning::test::TempDir dir_{"letter-pdf"};
};

const Letter* by_lang(const std::vector<Letter>& ls, const std::string& lang) {
  for (const auto& l : ls) {
    if (l.lang == lang) return &l;
  }
  return nullptr;
}

TEST(LetterDates, LongStyleInTheLettersLanguage) {
  EXPECT_EQ(long_date(kDay, "da"), "25. november 2026");
  EXPECT_EQ(long_date(kDay, "en"), "November 25, 2026");
  EXPECT_EQ(long_date(kDay, "ko"), "2026년 11월 25일");
}

TEST(LetterPaper, LetterForUsAndCanadaA4Elsewhere) {
  EXPECT_EQ(paper_for("US"), PaperSize::us_letter);
  EXPECT_EQ(paper_for("CA"), PaperSize::us_letter);
  EXPECT_EQ(paper_for("DK"), PaperSize::a4);
  EXPECT_EQ(paper_for(""), PaperSize::a4);
  const auto a4 = page_geometry(PaperSize::a4);
  // DIN 5008 form B in millimetres.
  EXPECT_NEAR(a4.address_field.x * 25.4 / 72, 20, 1e-9);
  EXPECT_NEAR(a4.address_field.y * 25.4 / 72, 45, 1e-9);
  EXPECT_NEAR(a4.address_zone.y * 25.4 / 72, 62.7, 1e-9);
  EXPECT_NEAR((a4.address_zone.y + a4.address_zone.height) * 25.4 / 72, 90, 1e-9);
}

TEST_F(Letters, DemoLettersComeOutWholeInOrderWithFontsEmbedded) {
  const auto letters = demo("DK");
  ASSERT_EQ(letters.size(), 3u);
  const Letter* da = by_lang(letters, "da");
  const Letter* ko = by_lang(letters, "ko");
  ASSERT_NE(da, nullptr);
  ASSERT_NE(ko, nullptr);
  auto pdf = render_letters_pdf(letters, PaperSize::a4);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  const auto path = write(*pdf, "demo.pdf");
  const std::string text = squeeze(run("pdftotext -enc UTF-8 '" + path.string() + "' -"));

  // Greeting, every paragraph of the body, closing and signature, in that order, per language.
  for (const Letter* l : {da, ko}) {
    std::size_t at = 0;
    std::vector<std::string> parts{l->subject, l->greeting};
    std::istringstream body(l->body);
    for (std::string para; std::getline(body, para);) {
      if (!para.empty()) parts.push_back(para);
    }
    parts.push_back(l->closing);
    parts.push_back(l->signature);
    for (const auto& part : parts) {
      const auto found = text.find(squeeze(part), at);
      ASSERT_NE(found, std::string::npos) << l->lang << ": missing or out of order: " << part;
      at = found;
    }
  }
  EXPECT_NE(text.find("Ærø-Søndergård"), std::string::npos);
  EXPECT_NE(text.find("Åbenrå"), std::string::npos);
  EXPECT_NE(text.find(squeeze(long_date(kDay, "ko"))), std::string::npos);
  EXPECT_NE(text.find("전라남도"), std::string::npos);

  // pdffonts: a header of two lines, then one line per font whose "emb" column says yes.
  const std::string fonts = run("pdffonts '" + path.string() + "'");
  std::istringstream in(fonts);
  std::string line;
  std::getline(in, line);
  std::getline(in, line);
  int count = 0;
  while (std::getline(in, line)) {
    ++count;
    EXPECT_NE(line.find(" yes "), std::string::npos) << "not embedded: " << line;
  }
  EXPECT_GE(count, 1);

  // One page per language for a person to look at.
  const fs::path out = source_dir() / "tests" / "output" / "letters";
  fs::create_directories(out);
  int page = 1;
  for (const auto& l : letters) {
    run("pdftoppm -f " + std::to_string(page) + " -l " + std::to_string(page) + " -r 80 -png -singlefile '" +
        path.string() + "' '" + (out / ("letter-" + l.lang)).string() + "'");
    EXPECT_TRUE(fs::exists(out / ("letter-" + l.lang + ".png")));
    ++page;  // every demo letter fits one page
  }
}

TEST_F(Letters, TheRecipientsBlockLiesInTheWindow) {
  for (const std::string country : {"DK", "US"}) {
    const auto letters = demo(country);
    const PaperSize paper = paper_for(country);
    const auto g = page_geometry(paper);
    for (std::size_t i = 0; i < letters.size(); ++i) {
      auto pdf = render_letters_pdf({letters[i]}, paper);
      ASSERT_TRUE(pdf.ok()) << pdf.error().message;
      const auto path = write(*pdf, "one.pdf");
      EXPECT_NE(run("pdfinfo '" + path.string() + "'").find(paper == PaperSize::a4 ? "595.276 x 841.89" : "612 x 792"),
                std::string::npos);
      const auto ws = words(path);
      for (const auto& line : letters[i].address.window.lines) {
        // Each word of the block is found on page 1 inside the address zone.
        std::istringstream in(line);
        for (std::string token; in >> token;) {
          bool inside = false;
          for (const auto& w : ws) {
            if (w.page != 1 || w.text.find(token) == std::string::npos) continue;
            inside = inside || (w.x0 >= g.address_zone.x - 0.5 && w.x1 <= g.address_zone.x + g.address_zone.width &&
                                w.y0 >= g.address_zone.y - 0.5 && w.y1 <= g.address_zone.y + g.address_zone.height);
          }
          EXPECT_TRUE(inside) << country << " " << letters[i].recipient << ": \"" << token << "\" not in the window";
        }
      }
    }
  }
}

Letter plain(const std::string& lang, const std::string& body) {
  Letter l;
  l.lang = lang;
  l.recipient = "Test Recipient";
  l.address.window = {"en", "Latn", {"Test Recipient", "1 Main Street", "Springfield"}, 13};
  l.sender_lines = {"Sender"};
  l.date = kDay;
  l.greeting = "Dear Test,";
  l.body = body;
  l.closing = "Yours,";
  l.signature = "Sender";
  l.cc = {"Someone Else"};
  return l;
}

TEST_F(Letters, ALongLineWrapsInsideTheMarginsAndNothingIsCut) {
  std::string word;
  for (int i = 0; i < 60; ++i) word += "løbenummer" + std::to_string(i);
  std::string hangul;
  for (int i = 0; i < 40; ++i) hangul += "나주시청 ";
  const Letter l = plain("da", word + "\n\n" + hangul);
  auto pdf = render_letters_pdf({l}, PaperSize::a4);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  const auto path = write(*pdf, "long.pdf");
  const std::string text = squeeze(run("pdftotext -enc UTF-8 '" + path.string() + "' -"));
  EXPECT_NE(text.find(word), std::string::npos);
  EXPECT_NE(text.find(squeeze(hangul)), std::string::npos);
  const auto g = page_geometry(PaperSize::a4);
  for (const auto& w : words(path)) EXPECT_LE(w.x1, g.width - g.margin_right + 0.5) << w.text;
}

TEST_F(Letters, ALongBodyGoesOnToMorePagesAboveTheBottomMargin) {
  std::string body;
  for (int i = 0; i < 80; ++i) body += "Paragraph " + std::to_string(i) + " of a very long letter about the friendship.\n\n";
  auto pdf = render_letters_pdf({plain("en", body)}, PaperSize::us_letter);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  const auto path = write(*pdf, "pages.pdf");
  const auto ws = words(path);
  const auto g = page_geometry(PaperSize::us_letter);
  int pages = 0;
  for (const auto& w : ws) {
    pages = std::max(pages, w.page);
    EXPECT_LE(w.y1, g.height - g.margin_bottom + 4) << "page " << w.page << ": " << w.text;
  }
  EXPECT_GE(pages, 3);  // two or more for the letter, one for the envelopes
  const std::string text = squeeze(run("pdftotext -enc UTF-8 '" + path.string() + "' -"));
  std::size_t at = 0;
  for (int i = 0; i < 80; ++i) {
    at = text.find("Paragraph" + std::to_string(i) + "of", at);
    ASSERT_NE(at, std::string::npos) << "paragraph " << i;
  }
  EXPECT_NE(text.find("SomeoneElse"), std::string::npos);
}

TEST_F(Letters, AnAddressThatDoesNotFitTheWindowIsRefusedByName) {
  Letter tall = plain("en", "Hello");
  tall.recipient = "Mayor Too Tall";
  for (int i = 0; i < 6; ++i) tall.address.window.lines.push_back("Line " + std::to_string(i));
  auto r = render_letters_pdf({tall}, PaperSize::a4);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::bad_request);
  EXPECT_NE(r.error().message.find("Mayor Too Tall"), std::string::npos) << r.error().message;

  Letter wide = plain("en", "Hello");
  wide.recipient = "Mayor Too Wide";
  wide.address.window.lines[1] = "1 The Longest Street Name Anyone Has Ever Given To A Road Anywhere In The Whole Wide World";
  r = render_letters_pdf({wide}, PaperSize::us_letter);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("Mayor Too Wide"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("Longest Street"), std::string::npos) << r.error().message;
}

TEST_F(Letters, AnAddressMissingPartsIsAnErrorNamingTheRecipientAndThePart) {
  auto c = *campaign_;
  for (auto& t : c.targets) {
    if (t.id != "naju-mayor") continue;
    for (auto& a : t.contact.postal) a.components.erase("city");
  }
  auto r = compose_letters(c, *formatter_, LetterSender{"A", "DK", {"B"}, ""}, kDay);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("Kang In-Kyu"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("city"), std::string::npos) << r.error().message;
}

TEST_F(Letters, TheStreamingWriterWritesPagesToAFile) {
  const auto letters = demo("DK");
  const auto path = dir_.path() / "stream.pdf";
  std::ofstream out(path, std::ios::binary);
  auto w = LetterPdfWriter::open(out, PaperSize::a4);
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(w.value()->add_letter(letters[static_cast<std::size_t>(i) % 3]).ok());
  ASSERT_TRUE(w.value()->finish().ok());
  out.close();
  EXPECT_EQ(w.value()->pages(), 20u);
  EXPECT_NE(run("pdfinfo '" + path.string() + "'").find("Pages:           20"), std::string::npos);
}

// The letter form: every problem at once beside its field; malformed requests refused whole.
twinning::app::Fields form(std::initializer_list<std::pair<std::string, std::string>> extra = {}) {
  twinning::app::Fields f{{"name", "Søren Ærø"}, {"email", "soren@example.org"}, {"country", "dk"},
                          {"address_line1", " Åbenrå 12 "}, {"address_line2", ""}, {"address_line3", "6100 Haderslev"},
                          {"place", "Haderslev"}, {"consent_this_campaign", "yes"}};
  for (const auto& e : extra) f.push_back(e);
  return f;
}

TEST_F(Letters, TheFormGivesARequestWithTheAddressAndTheChoice) {
  std::vector<twinning::app::FieldError> problems;
  auto r = twinning::app::parse_letter_action(form({{"print_for_me", "yes"}}), *campaign_, problems);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(r->action.channel, "letter");
  EXPECT_EQ(r->action.country, "DK");
  EXPECT_EQ(r->address_lines, (std::vector<std::string>{"Åbenrå 12", "6100 Haderslev"}));
  EXPECT_TRUE(r->print_for_me);
  const auto now = std::chrono::sys_seconds{std::chrono::sys_days{kDay}} + std::chrono::hours(10);
  auto rec = twinning::app::to_letter_record(*r, *campaign_, "da", now);
  EXPECT_EQ(rec.channel, "letter");
  EXPECT_EQ(rec.target, "print");
  // Another address under the same key is other content.
  auto moved = *r;
  moved.address_lines[0] = "Storegade 1";
  EXPECT_NE(twinning::app::to_letter_record(moved, *campaign_, "da", now).request_hash, rec.request_hash);

  auto download = twinning::app::parse_letter_action(form(), *campaign_, problems);
  ASSERT_TRUE(download.ok());
  EXPECT_FALSE(download->print_for_me);
  EXPECT_EQ(twinning::app::to_letter_record(*download, *campaign_, "da", now).target, "");

  auto pdf = twinning::app::letter_pdf(*r, *campaign_, *formatter_, "", now);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  const auto path = write(*pdf, "form.pdf");
  const std::string text = run("pdftotext -enc UTF-8 '" + path.string() + "' -");
  EXPECT_NE(text.find("Åbenrå 12"), std::string::npos);
  EXPECT_NE(text.find("Haderslev, 25. november 2026"), std::string::npos);
}

TEST_F(Letters, TheFormListsEveryProblemBesideItsField) {
  std::vector<twinning::app::FieldError> problems;
  auto r = twinning::app::parse_letter_action(
      twinning::app::Fields{{"name", ""}, {"email", "nope"}, {"country", "XX"}, {"address_line1", "  "},
                            {"address_line2", std::string(101, 'a')}, {"address_line3", "two\nlines"}},
      *campaign_, problems);
  ASSERT_FALSE(r.ok());
  std::map<std::string, std::string> by_field;
  for (const auto& p : problems) by_field[p.field] = p.code;
  EXPECT_EQ(by_field["name"], "name");
  EXPECT_EQ(by_field["email"], "email");
  EXPECT_EQ(by_field["country"], "country");
  EXPECT_EQ(by_field["address_line1"], "address");
  EXPECT_EQ(by_field["address_line2"], "too_long");
  EXPECT_EQ(by_field["address_line3"], "address");
}

TEST_F(Letters, AMalformedFormIsRefusedWhole) {
  for (const auto& extra : std::vector<std::pair<std::string, std::string>>{
           {"channel", "email"}, {"target", "naju-mayor"}, {"print_for_me", "maybe"}, {"place", "\xff"},
           {"address_line1", "again"}, {"fax_number", "1"}}) {
    std::vector<twinning::app::FieldError> problems;
    auto r = twinning::app::parse_letter_action(form({extra}), *campaign_, problems);
    ASSERT_FALSE(r.ok()) << extra.first;
    EXPECT_TRUE(problems.empty()) << extra.first;
    EXPECT_NE(r.error().message.find(extra.first), std::string::npos) << r.error().message;
  }
}

}  // namespace
