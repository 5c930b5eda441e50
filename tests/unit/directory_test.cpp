// The directory: RFC 4180 parsing (with malformed files), the checks of every kind of row, the
// comparison a re-import reports, and imports through the command into a real SQLite store
// (all or nothing).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli/directory_commands.hpp"
#include "directory/csv.hpp"
#include "directory/import.hpp"
#include "store/directory_store.hpp"
#include "support/temp_dir.hpp"

namespace twinning {
namespace {

using directory::Kind;
using directory::parse_csv;

// ---------------------------------------------------------------- CSV

TEST(Csv, QuotesCommasLineBreaksAndBom) {
  auto t = parse_csv("\xEF\xBB\xBFid,name\r\nnaju,\"Naju, \"\"the\"\" city\"\r\nhaderslev,\"two\r\nlines\"\r\n");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->header, (std::vector<std::string>{"id", "name"}));
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0].fields, (std::vector<std::string>{"naju", "Naju, \"the\" city"}));
  EXPECT_EQ(t->rows[0].line, 2u);
  EXPECT_EQ(t->rows[1].fields, (std::vector<std::string>{"haderslev", "two\r\nlines"}));
  EXPECT_EQ(t->rows[1].line, 3u);
}

TEST(Csv, LfEndingsBlankLinesEmptyFieldsAndNoFinalNewline) {
  auto t = parse_csv("a,b,c\n\n1,,3\n,,\n\"\",x,\n4,5,6");
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->rows.size(), 4u);
  EXPECT_EQ(t->rows[0].fields, (std::vector<std::string>{"1", "", "3"}));
  EXPECT_EQ(t->rows[0].line, 3u);
  EXPECT_EQ(t->rows[1].fields, (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ(t->rows[2].fields, (std::vector<std::string>{"", "x", ""}));
  EXPECT_EQ(t->rows[3].fields, (std::vector<std::string>{"4", "5", "6"}));
  EXPECT_EQ(t->rows[3].line, 6u);
}

TEST(Csv, MalformedFilesNameTheLine) {
  struct Case {
    std::string text;
    std::string field;
    std::string says;
  };
  const Case cases[] = {
      {"id,name\nnaju,Na\"ju\n", "line 2", "quote inside an unquoted field"},
      {"id,name\nnaju,\"Naju\"x\n", "line 2", "text after the closing quote"},
      {"id,name\nnaju,\"Naju\nhaderslev,x\n", "line 2", "never closed"},
      {"id,name\nnaju,Naju\n\xC3\x28,x\n", "line 3", "not valid UTF-8"},
      {"", "line 1", "empty"},
      {"\n\n", "line 1", "empty"},
      {"id,,name\n", "line 1", "column 2 of the header has no name"},
      {"id,name,id\n", "line 1", "named twice"},
  };
  for (const auto& c : cases) {
    auto t = parse_csv(c.text);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_EQ(t.error().kind, ErrorKind::bad_request);
    EXPECT_EQ(t.error().field, c.field) << c.text;
    EXPECT_NE(t.error().message.find(c.says), std::string::npos) << t.error().message;
  }
}

TEST(Csv, TooLargeIsRefusedBeforeParsing) {
  std::string big(directory::kMaxCsvBytes + 1, 'a');
  auto t = parse_csv(big);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().kind, ErrorKind::payload_too_large);
  EXPECT_TRUE(parse_csv(std::string(directory::kMaxCsvBytes - 2, 'a') + "\nb").ok());
}

TEST(Csv, WritesWhatItReads) {
  const std::vector<std::string> fields = {"plain", "with, comma", "with \"quote\"", "two\nlines", ""};
  auto t = parse_csv("h1,h2,h3,h4,h5\n" + directory::csv_line(fields) + "\n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->rows.at(0).fields, fields);
}

// ---------------------------------------------------------------- rows

const char* kCities =
    "id,country,name_local,name_latin,region_local,region_latin,time_zone,name.ko,name.da,region.ko\n"
    "naju,KR,나주시,Naju,전라남도,Jeollanam-do,Asia/Seoul,나주시,Naju,전라남도\n"
    "haderslev,DK,Haderslev,Haderslev,,,Europe/Copenhagen,하데르슬레우,,\n"
    "aarhus,DK,Aarhus,Aarhus,,,Europe/Copenhagen,오르후스,,\n";
const char* kTwinnings =
    "home,foreign,kind,since,source\n"
    "naju,haderslev,friendship,2016,https://www.naju.go.kr\n"
    "naju,aarhus,sister,2001,\n";
const char* kBodies =
    "id,kind,country,city,name_local,name_latin,name.ko\n"
    "haderslev-municipality,municipality,DK,haderslev,Haderslev Kommune,Haderslev Municipality,하데르슬레우 시\n"
    "naju-council,council,KR,naju,나주시의회,Naju City Council,나주시의회\n";
const char* kOfficials =
    "id,body,role,name_local,name_latin,title_local,title_latin,language,email,phone,web_form\n"
    "haderslev-mayor,haderslev-municipality,mayor,Mads Skau,Mads Skau,borgmester,Mayor,da,"
    "borgmester@haderslev.example.org,40 78 14 75,\n"
    "naju-member-a,naju-council,council-member,의원 가,Council member A,의원,Council member,ko,,,"
    "https://council.naju.example.org/members/a/contact\n";

directory::ParsedFile parse(Kind kind, const std::string& text, const directory::Directory& existing) {
  auto t = parse_csv(text);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  if (!t.ok()) return {};
  return directory::parse_records(kind, t.value(), existing);
}

directory::Directory with(directory::Directory d, Kind kind, const std::vector<directory::Record>& records) {
  for (const auto& r : records) d.records[kind][r.id] = r;
  return d;
}

directory::Directory sample() {
  directory::Directory d;
  d = with(d, Kind::city, parse(Kind::city, kCities, d).records);
  d = with(d, Kind::twinning, parse(Kind::twinning, kTwinnings, d).records);
  d = with(d, Kind::body, parse(Kind::body, kBodies, d).records);
  d = with(d, Kind::official, parse(Kind::official, kOfficials, d).records);
  return d;
}

TEST(DirectoryRows, GoodFilesOfEveryKind) {
  const auto d = sample();
  EXPECT_EQ(d.records.at(Kind::city).size(), 3u);
  EXPECT_EQ(d.records.at(Kind::twinning).size(), 2u);
  EXPECT_EQ(d.records.at(Kind::body).size(), 2u);
  EXPECT_EQ(d.records.at(Kind::official).size(), 2u);
  EXPECT_NE(d.find(Kind::twinning, "naju/haderslev"), nullptr);
  // Empty cells are left out; phone numbers are kept in E.164, read in the body's country.
  EXPECT_EQ(d.find(Kind::city, "haderslev")->fields.count("region_local"), 0u);
  EXPECT_EQ(d.field(Kind::official, "haderslev-mayor", "phone"), "+4540781475");
  EXPECT_EQ(directory::localized(*d.find(Kind::city, "haderslev"), "name", "ko"), "하데르슬레우");
  EXPECT_EQ(directory::localized(*d.find(Kind::city, "haderslev"), "name", "en"), "Haderslev");  // Latin script
  EXPECT_EQ(directory::localized(*d.find(Kind::city, "aarhus"), "region", "ko"), "");
}

TEST(DirectoryRows, KindFromTheHeaderOrTheFlag) {
  for (Kind k : directory::kAllKinds) {
    std::vector<std::string> header;
    for (const auto& c : directory::columns(k)) {
      if (c.required) header.push_back(c.name);
    }
    auto detected = directory::detect_kind(header, std::nullopt);
    ASSERT_TRUE(detected.ok());
    EXPECT_EQ(detected.value(), k) << directory::kind_name(k);
  }
  EXPECT_FALSE(directory::detect_kind({"id", "name"}, std::nullopt).ok());
  EXPECT_EQ(directory::detect_kind({"id", "name"}, Kind::body).value(), Kind::body);
  EXPECT_EQ(directory::parse_kind("officials"), Kind::official);
  EXPECT_FALSE(directory::parse_kind("official").has_value());
}

struct Bad {
  Kind kind;
  std::string text;
  std::size_t line;
  std::string column;
  std::string says;
};

TEST(DirectoryRows, EveryKindOfFaultNamesLineColumnAndReason) {
  const auto d = sample();
  const std::string ch = "id,country,name_local,name_latin,time_zone\n";
  const std::string oh = "id,body,role,name_local,language,email,phone,web_form\n";
  const Bad cases[] = {
      {Kind::city, ch + "naju,KR,나주시,Naju,Asia/Seoul\nbad id,KR,x,x,Asia/Seoul\n", 3, "id", "not an id"},
      {Kind::city, ch + "x,Korea,x,x,Asia/Seoul\n", 2, "country", "not an ISO 3166-1"},
      {Kind::city, ch + "x,KR,x,x,Asia/Busan\n", 2, "time_zone", "not an IANA time zone"},
      {Kind::city, ch + "x,KR,,x,Asia/Seoul\n", 2, "name_local", "required, but empty"},
      {Kind::city, ch + "x,KR,x,x\n", 2, "", "the row has 4 fields, the header 5"},
      {Kind::city, ch + "x,KR,x,x,Asia/Seoul\nx,KR,y,y,Asia/Seoul\n", 3, "id", "also on line 2"},
      {Kind::city, ch + "x,KR,\"a\nb\",x,Asia/Seoul\n", 2, "name_local", "line break"},
      {Kind::city, "id,country,name_local,name_latin\n", 1, "time_zone", "required column missing"},
      {Kind::city, "id,country,name_local,name_latin,time_zone,mayor\n", 1, "mayor", "unknown column"},
      {Kind::city, "id,country,name_local,name_latin,time_zone,name.korean\n", 1, "name.korean", "not an ISO 639-1"},
      {Kind::twinning, "home,foreign,kind,since\nnaju,odense,sister,2001\n", 2, "foreign", "no city \"odense\""},
      {Kind::twinning, "home,foreign,kind,since\nnaju,aarhus,twin,2001\n", 2, "kind", "sister, friendship or partner"},
      {Kind::twinning, "home,foreign,kind,since\nnaju,aarhus,sister,20O1\n", 2, "since", "not a year"},
      {Kind::twinning, "home,foreign,kind,since\nnaju,naju,sister,2001\n", 2, "foreign", "twinned with itself"},
      {Kind::twinning, "home,foreign,kind,since\nnaju,aarhus,sister,2001\nnaju,aarhus,partner,2003\n", 3, "foreign",
       "\"naju/aarhus\" is also on line 2"},
      {Kind::body, "id,kind,country,name_local,name_latin\nb,parliament,KR,x,x\n", 2, "kind", "not a kind of body"},
      {Kind::body, "id,kind,country,city,name_local,name_latin\nb,council,KR,seoul,x,x\n", 2, "city", "no city \"seoul\""},
      {Kind::official, oh + "o,naju-council,mayor,x,korean,a@example.org,,\n", 2, "language", "not an ISO 639-1"},
      {Kind::official, oh + "o,naju-council,mayor,x,ko,not-an-email,,\n", 2, "email", "not an email address"},
      {Kind::official, oh + "o,naju-council,mayor,x,ko,,12345,\n", 2, "phone", "not a valid phone number in KR"},
      {Kind::official, oh + "o,naju-council,mayor,x,ko,,,ftp://x.example.org\n", 2, "web_form", "not an http"},
      {Kind::official, oh + "o,naju-council,mayor,x,ko,,,\n", 2, "email", "no contact point"},
      {Kind::official, oh + "o,nowhere,mayor,x,ko,a@example.org,,\n", 2, "body", "no body \"nowhere\""},
  };
  for (const auto& c : cases) {
    const auto p = parse(c.kind, c.text, d);
    ASSERT_EQ(p.problems.size(), 1u) << c.text << directory::describe(p.problems);
    EXPECT_EQ(p.problems[0].line, c.line) << c.text;
    EXPECT_EQ(p.problems[0].column, c.column) << c.text;
    EXPECT_NE(p.problems[0].reason.find(c.says), std::string::npos) << p.problems[0].reason;
  }
}

TEST(DirectoryRows, AllProblemsOfAFileAreReported) {
  const auto p = parse(Kind::city, "id,country,name_local,name_latin,time_zone\nA,XX,x,x,Nowhere\nok,KR,x,x,Asia/Seoul\n",
                       directory::Directory{});
  ASSERT_EQ(p.problems.size(), 3u);
  EXPECT_EQ(directory::describe(p.problems).substr(0, 19), "line 2, column id: ");
}

TEST(DirectoryRows, CompareReportsAddedChangedUnchangedAndNotInFile) {
  const auto d = sample();
  const auto p = parse(Kind::city,
                       "id,country,name_local,name_latin,time_zone,name.ko\n"
                       "naju,KR,나주시,Naju,Asia/Seoul,나주시\n"  // lost region_local, region_latin, region.ko, name.da
                       "haderslev,DK,Haderslev,Haderslev,Europe/Copenhagen,하데르슬레우\n"
                       "odense,DK,Odense,Odense,Europe/Copenhagen,오덴세\n",
                       d);
  ASSERT_TRUE(p.problems.empty()) << directory::describe(p.problems);
  const auto r = directory::compare(Kind::city, d, p.records);
  EXPECT_EQ(r.added, (std::vector<std::string>{"odense"}));
  EXPECT_EQ(r.unchanged, (std::vector<std::string>{"haderslev"}));
  ASSERT_EQ(r.changed.size(), 1u);
  EXPECT_EQ(r.changed[0].first, "naju");
  EXPECT_EQ(r.changed[0].second, (std::vector<std::string>{"name.da", "region.ko", "region_latin", "region_local"}));
  EXPECT_EQ(r.not_in_file, (std::vector<std::string>{"aarhus"}));
}

// ---------------------------------------------------------------- the store and the command

class DirectoryImport : public ::testing::Test {
 protected:
  void SetUp() override { settings_.data_dir = tmp_.path() / "data"; }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = tmp_.path() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  int run(cli::DirectoryCommand::Action action, const std::string& arg, const std::string& kind = {}) {
    cli::DirectoryCommand c;
    c.action = action;
    c.kind = kind;
    if (action == cli::DirectoryCommand::Action::show) c.id = arg; else c.file = arg;
    out_.str("");
    err_.str("");
    return cli::directory(c, settings_, out_, err_);
  }
  int import(const std::string& name, const std::string& text, const std::string& kind = {}) {
    return run(cli::DirectoryCommand::Action::import_file, write(name, text), kind);
  }
  directory::Directory stored() {
    auto s = store::open_sqlite_directory(settings_.data_dir, std::chrono::milliseconds(1000));
    EXPECT_TRUE(s.ok());
    auto d = s.value()->load_directory();
    EXPECT_TRUE(d.ok());
    return d.value();
  }

  test::TempDir tmp_{"twinning-directory"};
  Settings settings_;
  std::ostringstream out_, err_;
};

TEST_F(DirectoryImport, ImportsEachKindAndReimportReportsChanges) {
  EXPECT_EQ(run(cli::DirectoryCommand::Action::list, ""), 0);
  EXPECT_NE(out_.str().find("the directory is empty"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(settings_.data_dir));  // looking created nothing

  ASSERT_EQ(import("cities.csv", kCities), 0) << err_.str();
  EXPECT_NE(out_.str().find("cities from"), std::string::npos);
  EXPECT_NE(out_.str().find("3 added, 0 changed, 0 unchanged"), std::string::npos) << out_.str();
  ASSERT_EQ(import("twinnings.csv", kTwinnings), 0) << err_.str();
  ASSERT_EQ(import("bodies.csv", kBodies), 0) << err_.str();
  ASSERT_EQ(import("officials.csv", kOfficials), 0) << err_.str();
  const auto d = stored();
  EXPECT_EQ(d.records, sample().records);

  // The same number written another way is the same record.
  std::string officials = kOfficials;
  officials.replace(officials.find("40 78 14 75"), 11, "+45 40781475");
  officials.replace(officials.find("Council member A,의원"), 16, "Councillor A");
  ASSERT_EQ(import("officials2.csv", officials), 0) << err_.str();
  EXPECT_NE(out_.str().find("0 added, 1 changed, 1 unchanged, 0 kept"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("changed: naju-member-a (name_latin)"), std::string::npos) << out_.str();
  EXPECT_EQ(stored().field(Kind::official, "naju-member-a", "name_latin"), "Councillor A");

  EXPECT_EQ(run(cli::DirectoryCommand::Action::list, "", "twinnings"), 0);
  EXPECT_NE(out_.str().find("naju/haderslev"), std::string::npos);
  EXPECT_NE(out_.str().find("friendship since 2016"), std::string::npos);
  EXPECT_EQ(out_.str().find("cities"), std::string::npos);
  EXPECT_EQ(run(cli::DirectoryCommand::Action::show, "haderslev-mayor"), 0);
  EXPECT_NE(out_.str().find("  phone: +4540781475\n"), std::string::npos) << out_.str();
  EXPECT_EQ(run(cli::DirectoryCommand::Action::show, "nobody"), 1);
  EXPECT_EQ(run(cli::DirectoryCommand::Action::list, "", "people"), 2);
}

TEST_F(DirectoryImport, ABadRowImportsNothing) {
  ASSERT_EQ(import("cities.csv", kCities), 0) << err_.str();
  const auto before = stored();
  std::string cities = kCities;
  cities += "odense,DK,Odense,Odense,,,Europe/Odense,오덴세,,\n";
  cities.replace(cities.find("Naju,전라남도"), 4, "NAJU");  // a change that must not be written either
  EXPECT_EQ(import("cities.csv", cities), 1);
  EXPECT_NE(err_.str().find("nothing imported, 1 problem (cities):\nline 5, column time_zone: \"Europe/Odense\""),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(stored().records, before.records);
}

TEST_F(DirectoryImport, MalformedFilesAndBadArgumentsImportNothing) {
  EXPECT_EQ(import("bad.csv", "id,country\n\"naju,KR\n"), 1);
  EXPECT_NE(err_.str().find("nothing imported: line 2: a quoted field is never closed"), std::string::npos) << err_.str();
  EXPECT_EQ(import("what.csv", "a,b\n1,2\n"), 1);
  EXPECT_NE(err_.str().find("--kind"), std::string::npos);
  EXPECT_EQ(import("cities.csv", kCities, "towns"), 2);
  EXPECT_EQ(run(cli::DirectoryCommand::Action::import_file, (tmp_.path() / "missing.csv").string()), 1);
  // Twinnings before their cities: every row names each missing city.
  EXPECT_EQ(import("twinnings.csv", kTwinnings), 1);
  EXPECT_NE(err_.str().find("4 problems"), std::string::npos) << err_.str();
  EXPECT_TRUE(stored().records.empty());
}

}  // namespace
}  // namespace twinning
