// The organizer API, exports and privacy: API keys, the OSDI filter and paging parsers, the CSV
// cells, and against a real SQLite store in a temporary directory: keys and revocation, pages and
// filters, exports, a person's export, erasure (the whole database scanned afterwards) and the
// retention period.
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

#include "app/api_key.hpp"
#include "app/csv_export.hpp"
#include "app/osdi.hpp"
#include "app/privacy.hpp"
#include "app/retention.hpp"
#include "common/config.hpp"
#include "store/api_store.hpp"
#include "store/store.hpp"
#include "store/time_text.hpp"

namespace twinning {
namespace {

namespace fs = std::filesystem;
using store::TimePoint;

TimePoint at(const char* text) {
  auto t = store::parse_time(text);
  if (!t) throw std::runtime_error(std::string("bad test time ") + text);
  return *t;
}

// ---------------------------------------------------------------------------------------------
// API keys

TEST(ApiKey, IssuedKeyParsesAndMatchesItsDigestOnly) {
  const auto k = app::issue_api_key("CRM sync", at("2026-11-25T09:00:00Z"));
  ASSERT_EQ(k.key.size(), 4 + 16 + 1 + 64) << k.key;
  const auto parts = app::parse_api_key(k.key);
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->prefix, k.record.prefix);
  EXPECT_EQ(k.record.name, "CRM sync");
  // The secret itself is not what is stored.
  EXPECT_EQ(k.record.secret_hash.find(parts->secret), std::string::npos);
  EXPECT_TRUE(app::secret_matches(parts->secret, k.record.secret_hash));
  std::string other = parts->secret;
  other[0] = other[0] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(app::secret_matches(other, k.record.secret_hash));
  EXPECT_FALSE(app::secret_matches(parts->secret, ""));
  // Two keys never share a prefix or secret.
  const auto k2 = app::issue_api_key("x", at("2026-11-25T09:00:00Z"));
  EXPECT_NE(k.key, k2.key);
  EXPECT_NE(k.record.prefix, k2.record.prefix);
}

TEST(ApiKey, MalformedKeysAreRefused) {
  const std::string good = "twk_0123456789abcdef_" + std::string(64, 'a');
  ASSERT_TRUE(app::parse_api_key(good));
  for (const std::string& bad : {
           std::string{},
           std::string("twk_"),
           "TWK_0123456789abcdef_" + std::string(64, 'a'),   // the start is exact
           "twk_0123456789ABCDEF_" + std::string(64, 'a'),   // upper-case hex is not issued
           "twk_0123456789abcde_" + std::string(64, 'a'),    // prefix one digit short
           "twk_0123456789abcdef_" + std::string(63, 'a'),   // secret one digit short
           "twk_0123456789abcdef_" + std::string(65, 'a'),   // one too many
           "twk_0123456789abcdef" + std::string(64, 'a'),    // no separator
           "twk_0123456789abcdef_" + std::string(63, 'a') + "g",
           "twk_0123456789abcdef_" + std::string(32, 'a') + "_" + std::string(31, 'a'),
           " " + good,
           good + "\n",
       }) {
    EXPECT_FALSE(app::parse_api_key(bad)) << bad;
  }
}

TEST(ApiKey, KeyFromHeaders) {
  EXPECT_EQ(app::key_from_headers(std::string_view(" k1 "), std::string_view("Bearer k2")), "k1");
  EXPECT_EQ(app::key_from_headers(std::nullopt, std::string_view("Bearer k2")), "k2");
  EXPECT_EQ(app::key_from_headers(std::nullopt, std::string_view("bEaReR   k2 ")), "k2");
  EXPECT_EQ(app::key_from_headers(std::nullopt, std::string_view("Basic dXNlcjpwYXNz")), "");
  EXPECT_EQ(app::key_from_headers(std::nullopt, std::string_view("Bearer")), "");
  EXPECT_EQ(app::key_from_headers(std::nullopt, std::string_view("Bearer ")), "");
  EXPECT_EQ(app::key_from_headers(std::nullopt, std::nullopt), "");
}

// ---------------------------------------------------------------------------------------------
// OSDI filter and paging

TEST(OsdiFilter, GtAndLtOnBothDates) {
  auto f = app::osdi::parse_filter("modified_date gt '2026-01-01'");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f.value().modified.after, at("2026-01-01T00:00:00Z"));
  EXPECT_FALSE(f.value().modified.before);
  EXPECT_FALSE(f.value().created.after);

  f = app::osdi::parse_filter("  created_date gt '2026-01-01T10:00:00Z' and created_date lt '2026-02-01'"
                              " and modified_date lt '2026-03-01'  ");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f.value().created.after, at("2026-01-01T10:00:00Z"));
  EXPECT_EQ(f.value().created.before, at("2026-02-01T00:00:00Z"));
  EXPECT_EQ(f.value().modified.before, at("2026-03-01T00:00:00Z"));

  // Two bounds of one kind: the tighter wins.
  f = app::osdi::parse_filter("created_date gt '2026-01-05' and created_date gt '2026-01-01' and "
                              "created_date lt '2026-03-01' and created_date lt '2026-02-01'");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value().created.after, at("2026-01-05T00:00:00Z"));
  EXPECT_EQ(f.value().created.before, at("2026-02-01T00:00:00Z"));

  EXPECT_TRUE(app::osdi::parse_filter("").ok());
  EXPECT_TRUE(app::osdi::parse_filter("   ").ok());
}

TEST(OsdiFilter, MalformedFiltersAreBadRequestsNamingFilter) {
  for (const std::string& bad : {
           std::string("modified_date"),
           std::string("modified_date gt"),
           std::string("modified_date gt 2026-01-01"),
           std::string("modified_date gt '2026-01-01"),
           std::string("modified_date eq '2026-01-01'"),
           std::string("modified_date ge '2026-01-01'"),
           std::string("email gt '2026-01-01'"),
           std::string("modified_date gt '2026-13-01'"),
           std::string("modified_date gt '2026-02-30'"),
           std::string("modified_date gt '2026-01-01T10:00:00+01:00'"),
           std::string("modified_date gt ''"),
           std::string("modified_date gt '2026-01-01' or created_date lt '2026-01-01'"),
           std::string("modified_date gt '2026-01-01' and"),
           std::string("modified_date gt '2026-01-01'and created_date lt '2026-01-01'"),
           std::string("modified_date gt '2026-01-01' created_date lt '2026-01-01'"),
           std::string("modified_date gt '2026-01-01' and created_date lt '2026-01-01' '"),
           std::string("modified_date gt '2026-01-01'; DROP TABLE supporters"),
           std::string("modified_date gt '\x80'"),
           "modified_date gt '2026-01-01'" + std::string(app::osdi::kMaxFilterBytes, ' '),
       }) {
    auto f = app::osdi::parse_filter(bad);
    ASSERT_FALSE(f.ok()) << bad;
    EXPECT_EQ(f.error().kind, ErrorKind::bad_request) << bad;
    EXPECT_EQ(f.error().field, "filter") << bad;
  }
}

TEST(OsdiPaging, DefaultsRangesAndGarbage) {
  auto p = app::osdi::parse_paging(std::nullopt, std::nullopt, 25, 100);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().page, 1u);
  EXPECT_EQ(p.value().per_page, 25u);
  EXPECT_EQ(p.value().offset(), 0u);

  p = app::osdi::parse_paging(std::string_view("3"), std::string_view("100"), 25, 100);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().offset(), 200u);

  for (const char* bad : {"0", "-1", "", "1.5", "abc", "1e3", " 2", "2 ", "99999999999999999999999"}) {
    auto q = app::osdi::parse_paging(std::string_view(bad), std::nullopt, 25, 100);
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_EQ(q.error().field, "page");
  }
  // Just over the named maximum, and just at it.
  auto over = app::osdi::parse_paging(std::nullopt, std::string_view("101"), 25, 100);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().field, "per_page");
  EXPECT_TRUE(app::osdi::parse_paging(std::nullopt, std::string_view("100"), 25, 100).ok());
  EXPECT_FALSE(app::osdi::parse_paging(std::nullopt, std::string_view("0"), 25, 100).ok());
}

TEST(OsdiCollection, LinksNextAndPrevKeepPerPageAndFilter) {
  std::vector<nlohmann::json> items = {{{"_links", {{"self", {{"href", "http://h/api/v1/people/7"}}}}}}};
  const auto c = app::osdi::collection("osdi:people", items, 51, app::osdi::Paging{2, 25}, "http://h/api/v1/people",
                                       "modified_date gt '2026-01-01'");
  EXPECT_EQ(c["total_pages"], 3);
  EXPECT_EQ(c["total_records"], 51);
  EXPECT_EQ(c["page"], 2);
  EXPECT_EQ(c["per_page"], 25);
  EXPECT_EQ(c["_links"]["next"]["href"],
            "http://h/api/v1/people?page=3&per_page=25&filter=modified_date%20gt%20%272026-01-01%27");
  EXPECT_EQ(c["_links"]["prev"]["href"],
            "http://h/api/v1/people?page=1&per_page=25&filter=modified_date%20gt%20%272026-01-01%27");
  EXPECT_EQ(c["_links"]["osdi:people"][0]["href"], "http://h/api/v1/people/7");
  EXPECT_EQ(c["_embedded"]["osdi:people"].size(), 1u);

  const auto last = app::osdi::collection("osdi:people", {}, 51, app::osdi::Paging{3, 25}, "/p", "");
  EXPECT_FALSE(last["_links"].contains("next"));
  const auto first = app::osdi::collection("osdi:people", {}, 0, app::osdi::Paging{1, 25}, "/p", "");
  EXPECT_FALSE(first["_links"].contains("prev"));
  EXPECT_FALSE(first["_links"].contains("next"));
  EXPECT_EQ(first["total_pages"], 0);
}

TEST(Osdi, OutreachTypes) {
  EXPECT_EQ(app::osdi::outreach_type("email"), "email");
  EXPECT_EQ(app::osdi::outreach_type("webform"), "web form");
  EXPECT_EQ(app::osdi::outreach_type("call"), "phone");
  EXPECT_EQ(app::osdi::outreach_type("letter"), "postal mail");
}

// ---------------------------------------------------------------------------------------------
// CSV

TEST(Csv, Rfc4180QuotingAndCrlf) {
  EXPECT_EQ(app::csv::cell("plain"), "plain");
  EXPECT_EQ(app::csv::cell(""), "");
  EXPECT_EQ(app::csv::cell("a,b"), "\"a,b\"");
  EXPECT_EQ(app::csv::cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(app::csv::cell("line one\nline two"), "\"line one\nline two\"");
  EXPECT_EQ(app::csv::cell("cr\rlf"), "\"cr\rlf\"");
  EXPECT_EQ(app::csv::cell("Søren Ærø 나주"), "Søren Ærø 나주");
  EXPECT_EQ(app::csv::record({"a", "b,c", ""}), "a,\"b,c\",\r\n");
}

TEST(Csv, FormulaInjectionIsDefused) {
  EXPECT_EQ(app::csv::cell("=HYPERLINK(\"http://evil\")"), "\"'=HYPERLINK(\"\"http://evil\"\")\"");
  EXPECT_EQ(app::csv::cell("+4512345678"), "'+4512345678");
  EXPECT_EQ(app::csv::cell("-2+3"), "'-2+3");
  EXPECT_EQ(app::csv::cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(app::csv::cell("\tx"), "'\tx");
  EXPECT_EQ(app::csv::cell("\r=1"), "\"'\r=1\"");
  // Only the first character matters.
  EXPECT_EQ(app::csv::cell("a=b"), "a=b");
}

// ---------------------------------------------------------------------------------------------
// Settings

Result<Settings> settings_from(const std::string& yaml) {
  test::TempDir dir{"twinning-api-settings"};
  const auto file = dir.path() / "twinning.yaml";
  std::ofstream(file) << yaml;
  return load_settings(file);
}

TEST(ApiSettings, DefaultsAndLimits) {
  const Settings defaults;
  EXPECT_EQ(defaults.api.per_page, 25u);
  EXPECT_EQ(defaults.api.max_per_page, 100u);
  EXPECT_EQ(defaults.privacy.retention, std::chrono::days{728});

  auto s = settings_from("api:\n  per_page: 50\n  max_per_page: 200\nprivacy:\n  retention_days: 36600\n"
                         "  retention_interval_s: 60\n");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s.value().api.per_page, 50u);
  EXPECT_EQ(s.value().api.max_per_page, 200u);
  EXPECT_EQ(s.value().privacy.retention, std::chrono::days{36600});
  EXPECT_EQ(s.value().privacy.retention_interval, std::chrono::seconds{60});

  for (const char* bad : {"privacy:\n  retention_days: 0\n", "privacy:\n  retention_days: 36601\n",
                          "privacy:\n  retention_days: 1y\n", "api:\n  per_page: 101\n",
                          "api:\n  max_per_page: 0\n", "api:\n  max_per_page: 10001\n",
                          "api:\n  per_pages: 5\n"}) {
    EXPECT_FALSE(settings_from(bad).ok()) << bad;
  }
}

// ---------------------------------------------------------------------------------------------
// Against the SQLite store

store::NewAction action(const std::string& key, const std::string& email, const std::string& name,
                        const std::string& channel, TimePoint when) {
  store::NewAction a;
  a.idempotency_key = key;
  a.request_hash = "hash-of-" + key;
  a.campaign = "naju-haderslev";
  a.channel = channel;
  a.target = channel == "petition" ? "" : "mayor-haderslev";
  a.language = "da";
  a.country = "DK";
  a.supporter_name = name;
  a.supporter_email = email;
  a.supporter_phone = "+4511223344";
  a.consent.this_campaign = true;
  a.consent.public_listing = true;
  a.consent.wording_version = "2026-11-01";
  a.created_at = when;
  return a;
}

store::OutboxMessage mail_to(const std::string& recipient, const std::string& body) {
  static int n = 0;
  const std::string id = "m" + std::to_string(++n);
  store::OutboxMessage m;
  m.recipient = recipient;
  m.pacing_key = recipient;
  m.envelope_from = "bounce+" + id + "@twinning.example.org";
  m.message_id = "<" + id + "@twinning.example.org>";
  m.payload = "From: x\r\n\r\n" + body;
  return m;
}

class ApiStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  void open() {
    auto s = store::open_sqlite(tmp_.path());
    ASSERT_TRUE(s.ok()) << s.error().message << " " << s.error().detail;
    store_ = std::move(s).value();
    api_ = store::api_store(*store_);
    ASSERT_NE(api_, nullptr);
  }

  store::Recorded record(store::NewAction a) {
    auto r = store_->record_action_sync(std::move(a));
    if (!r.ok()) throw std::runtime_error(r.error().message + " " + r.error().detail);
    return r.value();
  }

  // Every text value in every column of every table, as "table.column=value".
  std::vector<std::string> every_value() {
    std::vector<std::string> out;
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(store::sqlite_file(tmp_.path()).c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    std::vector<std::string> tables;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    for (const auto& t : tables) {
      sqlite3_prepare_v2(db, ("SELECT * FROM \"" + t + "\"").c_str(), -1, &st, nullptr);
      while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
          const auto* text = sqlite3_column_text(st, c);
          if (text == nullptr) continue;
          out.push_back(t + "." + sqlite3_column_name(st, c) + "=" + reinterpret_cast<const char*>(text));
        }
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    EXPECT_GT(tables.size(), 8u);  // the scan saw the schema, not an empty file
    return out;
  }

  test::TempDir tmp_{"twinning-api"};
  std::unique_ptr<store::Store> store_;
  store::ApiStore* api_ = nullptr;
};

TEST_F(ApiStoreTest, KeysAuthenticateUntilRevoked) {
  const auto k = app::issue_api_key("CRM", at("2026-11-25T09:00:00Z"));
  auto id = api_->add_api_key(k.record);
  ASSERT_TRUE(id.ok()) << id.error().message;

  auto who = app::authenticate(*api_, k.key);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who.value(), id.value());

  // The right prefix with a wrong secret, a malformed key, an unknown prefix.
  std::string wrong = k.key;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_FALSE(app::authenticate(*api_, wrong).value());
  EXPECT_FALSE(app::authenticate(*api_, "nonsense").value());
  EXPECT_FALSE(app::authenticate(*api_, app::issue_api_key("other", at("2026-11-25T09:00:00Z")).key).value());

  // A second key with the same prefix is a conflict, not a second row.
  auto dup = api_->add_api_key(k.record);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().kind, ErrorKind::conflict);

  ASSERT_TRUE(api_->revoke_api_key(id.value(), at("2026-11-26T09:00:00Z")).ok());
  EXPECT_FALSE(app::authenticate(*api_, k.key).value());
  // Revoking again changes nothing (the first time is kept).
  ASSERT_TRUE(api_->revoke_api_key(id.value(), at("2026-11-27T09:00:00Z")).ok());
  auto keys = api_->list_api_keys();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys.value().size(), 1u);
  EXPECT_EQ(keys.value()[0].revoked_at, at("2026-11-26T09:00:00Z"));

  auto unknown = api_->revoke_api_key(999, at("2026-11-26T09:00:00Z"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::not_found);
}

TEST_F(ApiStoreTest, PagesFiltersAndCountedStatusesOnly) {
  for (int i = 0; i < 5; ++i) {
    const std::string n = std::to_string(i);
    record(action("k" + n, "p" + n + "@example.org", "Person " + n, "email",
                  at(("2026-01-0" + std::to_string(i + 1) + "T12:00:00Z").c_str())));
  }
  // Waiting for its confirmation: not an outreach yet.
  auto pending = action("k-pending", "q@example.org", "Q", "email", at("2026-01-09T12:00:00Z"));
  pending.confirmation = store::ConfirmationRequest{"token", at("2026-01-12T12:00:00Z"), std::chrono::hours{2},
                                                    mail_to("q@example.org", "confirm")};
  record(pending);

  store::RecordQuery q;
  q.limit = 2;
  auto page = api_->actions("naju-haderslev", app::osdi::outreach_channels(), q);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page.value().total, 5);
  ASSERT_EQ(page.value().records.size(), 2u);
  EXPECT_EQ(page.value().records[0].name, "Person 0");
  q.offset = 4;
  page = api_->actions("naju-haderslev", app::osdi::outreach_channels(), q);
  ASSERT_EQ(page.value().records.size(), 1u);
  EXPECT_EQ(page.value().records[0].email, "p4@example.org");

  // Strict bounds: after 2026-01-02T12:00:00Z and before 2026-01-05T12:00:00Z leaves 3 and 4.
  q = {};
  q.created.after = at("2026-01-02T12:00:00Z");
  q.created.before = at("2026-01-05T12:00:00Z");
  page = api_->actions("naju-haderslev", {}, q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page.value().total, 2);

  auto people = api_->people(store::RecordQuery{});
  ASSERT_TRUE(people.ok());
  EXPECT_EQ(people.value().total, 6);  // people are listed whatever their actions' state
  q = {};
  q.modified.after = at("2026-01-04T00:00:00Z");
  people = api_->people(q);
  EXPECT_EQ(people.value().total, 3);  // p3, p4, q

  EXPECT_FALSE(api_->action("other-campaign", page.value().records[0].id).value());
  EXPECT_TRUE(api_->action("naju-haderslev", page.value().records[0].id).value());
}

TEST_F(ApiStoreTest, ExportsStreamEveryCountedRowAsCsv) {
  record(action("k1", "ada@example.org", "Ada, \"the\" first", "email", at("2026-01-01T12:00:00Z")));
  record(action("k2", "bo@example.org", "=cmd|' /C calc'!A0", "call", at("2026-01-02T12:00:00Z")));
  std::string out;
  auto r = app::csv::write_export(*api_, app::csv::Export::actions, "naju-haderslev", true, [&](std::string_view s) {
    out += s;
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(out.rfind(app::csv::kBom, 0), 0u);
  std::istringstream lines(out.substr(app::csv::kBom.size()));
  std::string header, first, second, rest;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_FALSE(std::getline(lines, rest));
  EXPECT_EQ(header, "id,person_id,name,email,channel,target,language,country,status,created,modified\r");
  EXPECT_NE(first.find("\"Ada, \"\"the\"\" first\",ada@example.org,email"), std::string::npos) << first;
  EXPECT_NE(second.find(",'=cmd|' /C calc'!A0,bo@example.org,call"), std::string::npos) << second;
  EXPECT_EQ(first.back(), '\r');

  // A sink that stops early ends the export without an error.
  int calls = 0;
  r = app::csv::write_export(*api_, app::csv::Export::people, "naju-haderslev", false, [&](std::string_view) {
    return ++calls < 2;
  });
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(calls, 2);
}

TEST_F(ApiStoreTest, PersonExportHoldsEverythingAndEraseLeavesNothing) {
  const std::string email = "Zelda.Erase@Example.org";
  const std::string name = "Zelda Quuxington";
  const std::string phone = "+4599887766";
  auto sig = action("sig-1", email, name, "petition", at("2026-01-01T12:00:00Z"));
  sig.supporter_phone = phone;
  sig.signature = store::NewSignature{"zelda.erase@example.org", "My comment mentions Quuxington"};
  sig.confirmation = store::ConfirmationRequest{"token-z", at("2026-01-04T12:00:00Z"), std::chrono::hours{2},
                                                mail_to(email, "Dear Zelda Quuxington, confirm")};
  record(sig);
  auto mail = action("mail-1", email, name, "email", at("2026-01-01T12:05:00Z"));
  mail.supporter_phone = phone;
  mail.messages = {mail_to("mayor@haderslev.dk", "From: Zelda Quuxington <zelda.erase@example.org>")};
  record(mail);
  auto letter = action("letter-1", email, name, "letter", at("2026-01-01T12:06:00Z"));
  letter.supporter_phone = phone;
  letter.target = "print";
  letter.letter_request = store::NewLetterRequest{{"Quuxington Street 1", "6100 Haderslev"}, "Haderslev"};
  record(letter);
  // Someone else, who must be left alone.
  record(action("other", "other@example.org", "Other Person", "email", at("2026-01-01T13:00:00Z")));
  ASSERT_TRUE(store_->confirm("token-z", at("2026-01-02T12:00:00Z")).ok());
  const auto counted_before = store_->count_actions("naju-haderslev").value();
  const auto signatures_before = store_->count_signatures("naju-haderslev").value();
  ASSERT_EQ(signatures_before, 1);

  auto data = api_->person_data("zelda.erase@EXAMPLE.org");
  ASSERT_TRUE(data.ok()) << data.error().message;
  ASSERT_TRUE(data.value());
  const auto json = app::person_json(*data.value());
  EXPECT_EQ(json["supporter"]["name"], name);
  EXPECT_EQ(json["supporter"]["phone"], phone);
  EXPECT_EQ(json["actions"].size(), 3u);
  EXPECT_EQ(json["signatures"].size(), 1u);
  EXPECT_EQ(json["signatures"][0]["comment"], "My comment mentions Quuxington");
  EXPECT_EQ(json["letter_requests"].size(), 1u);
  EXPECT_EQ(json["outbox"].size(), 2u);  // the confirmation mail and the mail to the mayor
  EXPECT_GE(json["consents"].size(), 9u);
  EXPECT_EQ(json["consents"][0]["wording_version"], "2026-11-01");

  auto erased = api_->erase_person("ZELDA.ERASE@example.org", at("2026-01-03T00:00:00Z"));
  ASSERT_TRUE(erased.ok()) << erased.error().message << " " << erased.error().detail;
  EXPECT_EQ(erased.value().supporters, 1);
  EXPECT_EQ(erased.value().outbox, 2);

  // Counts stay; the person is gone from every read.
  EXPECT_EQ(store_->count_actions("naju-haderslev").value(), counted_before);
  EXPECT_EQ(store_->count_signatures("naju-haderslev").value(), signatures_before);
  EXPECT_FALSE(api_->person_data(email).value());
  EXPECT_EQ(api_->people(store::RecordQuery{}).value().total, 1);
  // The queued message to the mayor will never be sent in their name.
  auto queued = store_->list_outbox(store::OutboxFilter{std::string("queued"), 100});
  ASSERT_TRUE(queued.ok());
  EXPECT_TRUE(queued.value().empty());
  // Nothing to erase the second time.
  EXPECT_EQ(api_->erase_person(email, at("2026-01-03T00:00:00Z")).value().supporters, 0);

  const std::vector<std::string> needles = {"zelda", "Zelda", "ZELDA", "Quuxington", "99887766"};
  bool other_seen = false;
  for (const auto& v : every_value()) {
    for (const auto& needle : needles) EXPECT_EQ(v.find(needle), std::string::npos) << v;
    other_seen = other_seen || v.find("other@example.org") != std::string::npos;
  }
  EXPECT_TRUE(other_seen);  // the scan reads real rows: the other supporter is still there

  // And the file itself, once closed (its WAL checkpointed), holds none of it either.
  store_.reset();
  for (const auto& entry : fs::directory_iterator(tmp_.path())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    for (const auto& needle : needles) {
      EXPECT_EQ(bytes.str().find(needle), std::string::npos) << entry.path() << " holds " << needle;
    }
  }
}

TEST_F(ApiStoreTest, RetentionAnonymizesOnlyTheInactive) {
  record(action("old", "old@example.org", "Old Timer", "email", at("2024-01-01T12:00:00Z")));
  record(action("new", "new@example.org", "New Comer", "email", at("2026-11-01T12:00:00Z")));
  const auto now = at("2026-11-25T12:00:00Z");
  auto r = app::run_retention(*api_, now, std::chrono::days{7 * 104});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().supporters, 1);
  EXPECT_FALSE(api_->person_data("old@example.org").value());
  EXPECT_TRUE(api_->person_data("new@example.org").value());
  EXPECT_EQ(store_->count_actions("naju-haderslev").value(), 2);
  // Just inside the period: 104 weeks after the newcomer's action is one second too early.
  const auto edge = at("2026-11-01T12:00:00Z") + std::chrono::days{7 * 104};
  EXPECT_EQ(app::run_retention(*api_, edge, std::chrono::days{7 * 104}).value().supporters, 0);
  EXPECT_EQ(app::run_retention(*api_, edge + std::chrono::seconds{1}, std::chrono::days{7 * 104}).value().supporters, 1);
}

TEST_F(ApiStoreTest, RetentionJobRunsAtStartAndStops) {
  record(action("old", "old@example.org", "Old Timer", "email", at("2024-01-01T12:00:00Z")));
  std::promise<Result<store::EraseResult>> first;
  bool reported = false;
  {
    app::RetentionJob job(
        *api_, [] { return at("2026-11-25T12:00:00Z"); }, std::chrono::days{7 * 104}, std::chrono::hours{6},
        [&](const Result<store::EraseResult>& r) {
          if (!reported) first.set_value(r);
          reported = true;
        });
    auto r = first.get_future().get();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().supporters, 1);
  }  // stops without waiting six hours
  EXPECT_FALSE(api_->person_data("old@example.org").value());
}

}  // namespace
}  // namespace twinning
