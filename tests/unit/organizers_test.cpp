// Organizer accounts, sessions, CSRF, the login rate limit (app/organizer_auth, OrganizerStore) and
// the action counters kept on write (store/sqlite/counters.cpp), against a real SQLite store in a
// temporary directory. Times are injected; nothing sleeps.
#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

#include "app/organizer_auth.hpp"
#include "common/config.hpp"
#include "store/organizer_store.hpp"
#include "store/store.hpp"
#include "store/time_text.hpp"

namespace twinning {
namespace {

using namespace std::chrono_literals;
using store::OrganizerRole;
using store::TimePoint;

TimePoint at(const char* text) {
  auto t = store::parse_time(text);
  if (!t) throw std::runtime_error(std::string("bad test time ") + text);
  return *t;
}

// The cheapest argon2id limits libsodium allows: the tests check behaviour, not cost.
OrganizerSettings fast_settings() {
  OrganizerSettings s;
  s.password_ops_limit = 1;
  s.password_mem_limit = 8192;
  s.session_lifetime = 12h;
  s.session_idle_timeout = 30min;
  s.login_window = 15min;
  s.max_login_failures_per_account = 3;
  s.max_login_failures_per_address = 5;
  return s;
}

struct Opened {
  test::TempDir dir{"twinning-organizers"};
  std::unique_ptr<store::Store> store;
  store::OrganizerStore* organizers = nullptr;

  Opened() {
    auto s = store::open_sqlite(dir.path());
    if (!s.ok()) throw std::runtime_error(s.error().detail);
    store = std::move(s).value();
    auto o = store::organizer_store(*store);
    if (!o.ok()) throw std::runtime_error(o.error().detail);
    organizers = o.value();
  }
};

// ---------------------------------------------------------------------------------------------
// Passwords

TEST(OrganizerPasswords, HashIsArgon2idAndVerifiesOnlyTheSamePassword) {
  auto hash = app::hash_password("correct horse battery", fast_settings());
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  EXPECT_EQ(hash.value().rfind("$argon2id$", 0), 0u) << hash.value();
  EXPECT_EQ(hash.value().find("correct"), std::string::npos);
  EXPECT_TRUE(app::verify_password(hash.value(), "correct horse battery"));
  EXPECT_FALSE(app::verify_password(hash.value(), "correct horse batterY"));
  EXPECT_FALSE(app::verify_password(hash.value(), ""));
  // A fresh salt each time: two hashes of one password differ.
  auto again = app::hash_password("correct horse battery", fast_settings());
  ASSERT_TRUE(again.ok());
  EXPECT_NE(hash.value(), again.value());
}

TEST(OrganizerPasswords, LengthLimitsJustUnderAndOver) {
  const auto s = fast_settings();
  EXPECT_FALSE(app::hash_password(std::string(app::kMinPasswordBytes - 1, 'x'), s).ok());
  EXPECT_TRUE(app::hash_password(std::string(app::kMinPasswordBytes, 'x'), s).ok());
  EXPECT_TRUE(app::hash_password(std::string(app::kMaxPasswordBytes, 'x'), s).ok());
  auto over = app::hash_password(std::string(app::kMaxPasswordBytes + 1, 'x'), s);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().kind, ErrorKind::bad_request);
  EXPECT_EQ(over.error().field, "password");
}

TEST(OrganizerPasswords, MalformedHashesNeverVerify) {
  for (const char* bad : {"", "$argon2id$", "plain text", "$argon2id$v=19$m=8,t=1,p=1$AAAA$AAAA"}) {
    EXPECT_FALSE(app::verify_password(bad, "correct horse battery")) << bad;
  }
  EXPECT_FALSE(app::verify_password(std::string(1000, '$'), "correct horse battery"));
}

// ---------------------------------------------------------------------------------------------
// Settings

Result<Settings> settings_from_yaml(const std::string& text) {
  test::TempDir dir("twinning-organizer-settings");
  const auto file = dir.path() / "twinning.yaml";
  std::ofstream(file) << text;
  return load_settings(file);
}

TEST(OrganizerSettingsFile, KeysAreReadAndBoundsCheckedJustUnderAndOver) {
  auto s = settings_from_yaml(
      "organizers:\n  password_ops_limit: 3\n  password_mem_limit_bytes: 8192\n  session_lifetime_s: 3600\n"
      "  session_idle_timeout_s: 600\n  login_window_s: 60\n  max_login_failures_per_account: 1\n"
      "  max_login_failures_per_address: 1000000\n");
  ASSERT_TRUE(s.ok()) << s.error().message;
  const auto& o = s.value().organizers;
  EXPECT_EQ(o.password_ops_limit, 3u);
  EXPECT_EQ(o.password_mem_limit, 8192u);
  EXPECT_EQ(o.session_lifetime, 3600s);
  EXPECT_EQ(o.session_idle_timeout, 600s);
  EXPECT_EQ(o.login_window, 60s);
  EXPECT_EQ(o.max_login_failures_per_account, 1);
  EXPECT_EQ(o.max_login_failures_per_address, 1000000);
  for (const char* bad : {"organizers:\n  password_ops_limit: 0\n", "organizers:\n  password_ops_limit: 21\n",
                          "organizers:\n  password_mem_limit_bytes: 8191\n",
                          "organizers:\n  max_login_failures_per_account: 0\n",
                          "organizers:\n  max_login_failures_per_address: 1000001\n",
                          "organizers:\n  session_lifetime_s: 0\n", "organizers:\n  no_such_key: 1\n",
                          "organizers: [1]\n"}) {
    auto r = settings_from_yaml(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.error().message.find("organizers"), std::string::npos) << r.error().message;
    }
  }
  EXPECT_TRUE(settings_from_yaml("organizers:\n  password_ops_limit: 20\n").ok());
}

// ---------------------------------------------------------------------------------------------
// Tokens and CSRF

TEST(OrganizerTokens, SessionTokensAreLongRandomAndOnlyTheirHashIsKept) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto token = app::new_session_token();
    ASSERT_EQ(token.size(), 43u);
    EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    seen.insert(token);
    auto hash = app::session_token_hash(token);
    EXPECT_EQ(hash.size(), 64u);
    EXPECT_EQ(hash.find(token), std::string::npos);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(OrganizerTokens, MalformedTokensHashToNothing) {
  const std::string good = app::new_session_token();
  for (const std::string& bad : {std::string(), good.substr(1), good + "A", std::string(43, '='),
                                 std::string(42, 'A') + "\n", std::string(42, 'A') + "+"}) {
    EXPECT_EQ(app::session_token_hash(bad), "") << bad;
    EXPECT_EQ(app::csrf_token_for(bad), "") << bad;
  }
}

TEST(OrganizerTokens, CsrfTokenIsStablePerSessionAndDiffersBetweenSessions) {
  const std::string a = app::new_session_token();
  const std::string b = app::new_session_token();
  EXPECT_EQ(app::csrf_token_for(a), app::csrf_token_for(a));
  EXPECT_NE(app::csrf_token_for(a), app::csrf_token_for(b));
  EXPECT_NE(app::csrf_token_for(a), a);
  EXPECT_NE(app::csrf_token_for(a), app::session_token_hash(a).substr(0, 43));
}

TEST(OrganizerTokens, CsrfComparison) {
  const std::string expected = app::csrf_token_for(app::new_session_token());
  EXPECT_TRUE(app::csrf_token_matches(expected, expected));
  EXPECT_FALSE(app::csrf_token_matches(expected, ""));
  EXPECT_FALSE(app::csrf_token_matches("", ""));  // no session: nothing matches
  EXPECT_FALSE(app::csrf_token_matches(expected, expected.substr(1)));
  EXPECT_FALSE(app::csrf_token_matches(expected, expected + "x"));
  std::string flipped = expected;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(app::csrf_token_matches(expected, flipped));
}

// ---------------------------------------------------------------------------------------------
// Session expiry

TEST(OrganizerSessions, ExpiryAndIdleTimeoutJustUnderAndOver) {
  const auto s = fast_settings();
  store::SessionRow row;
  row.created_at = at("2026-11-25T09:00:00Z");
  row.expires_at = row.created_at + s.session_lifetime;
  row.last_seen_at = row.created_at;
  using app::SessionState;
  EXPECT_EQ(app::judge_session(row, row.created_at, s), SessionState::live);
  EXPECT_EQ(app::judge_session(row, row.created_at + s.session_idle_timeout - 1s, s), SessionState::live);
  EXPECT_EQ(app::judge_session(row, row.created_at + s.session_idle_timeout, s), SessionState::idle);
  row.last_seen_at = row.expires_at - 1min;
  EXPECT_EQ(app::judge_session(row, row.expires_at - 1s, s), SessionState::live);
  EXPECT_EQ(app::judge_session(row, row.expires_at, s), SessionState::expired);
}

// ---------------------------------------------------------------------------------------------
// The login rate limit's keys

TEST(OrganizerLoginLimiter, WindowsAreAlignedFixedIntervals) {
  app::LoginLimiter limiter(15min, app::LoginLimiter::Secret{});
  EXPECT_EQ(limiter.window_start(at("2026-11-25T09:14:59Z")), at("2026-11-25T09:00:00Z"));
  EXPECT_EQ(limiter.window_start(at("2026-11-25T09:15:00Z")), at("2026-11-25T09:15:00Z"));
  EXPECT_EQ(limiter.window_end(at("2026-11-25T09:00:00Z")), at("2026-11-25T09:15:00Z"));
  EXPECT_EQ(limiter.window_start(TimePoint{-1s}), TimePoint{-900s});
}

TEST(OrganizerLoginLimiter, AddressKeysHideTheAddressAndChangeWithWindowAndSecret) {
  app::LoginLimiter::Secret secret{};
  secret[0] = 1;
  app::LoginLimiter limiter(15min, secret);
  const auto now = at("2026-11-25T09:01:00Z");
  const std::string key = limiter.address_key("192.0.2.7", now);
  EXPECT_EQ(key.rfind("ip:", 0), 0u);
  EXPECT_EQ(key.find("192.0.2.7"), std::string::npos);
  EXPECT_EQ(key, limiter.address_key("192.0.2.7", now + 13min));
  EXPECT_NE(key, limiter.address_key("192.0.2.8", now));
  EXPECT_NE(key, limiter.address_key("192.0.2.7", now + 14min));  // the next window
  app::LoginLimiter other(15min, app::LoginLimiter::Secret{});
  EXPECT_NE(key, other.address_key("192.0.2.7", now));
  EXPECT_EQ(app::LoginLimiter::account_key("Ada@Example.ORG"), "account:ada@example.org");
}

// ---------------------------------------------------------------------------------------------
// Accounts and sessions in the store

store::NewOrganizer organizer(const std::string& email, OrganizerRole role, const std::string& password) {
  store::NewOrganizer u;
  u.email = email;
  u.display_name = "Ada";
  u.role = role;
  auto hash = app::hash_password(password, fast_settings());
  if (!hash.ok()) throw std::runtime_error(hash.error().message);
  u.password_hash = hash.value();
  u.created_at = at("2026-11-25T08:00:00Z");
  return u;
}

TEST(OrganizerStore, AccountsAreAddedFoundListedAndRemoved) {
  Opened o;
  auto added = o.organizers->add_organizer(organizer("Ada@Example.org", OrganizerRole::owner, "correct horse battery"));
  ASSERT_TRUE(added.ok()) << added.error().detail;
  EXPECT_GT(added.value().id, 0);
  auto dup = o.organizers->add_organizer(organizer("ada@EXAMPLE.org", OrganizerRole::viewer, "another password"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().kind, ErrorKind::conflict);
  ASSERT_TRUE(o.organizers->add_organizer(organizer("bo@example.org", OrganizerRole::viewer, "another password")).ok());

  auto found = o.organizers->find_organizer("ADA@example.org");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found.value().has_value());
  EXPECT_EQ(found.value()->email, "Ada@Example.org");
  EXPECT_EQ(found.value()->role, OrganizerRole::owner);
  EXPECT_EQ(found.value()->created_at, at("2026-11-25T08:00:00Z"));

  auto list = o.organizers->list_organizers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list.value().size(), 2u);
  EXPECT_EQ(list.value()[0].email, "Ada@Example.org");
  EXPECT_EQ(list.value()[1].role, OrganizerRole::viewer);

  ASSERT_TRUE(o.organizers->remove_organizer("ada@example.org").ok());
  auto gone = o.organizers->remove_organizer("ada@example.org");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().kind, ErrorKind::not_found);
  EXPECT_FALSE(o.organizers->find_organizer("ada@example.org").value().has_value());
}

TEST(OrganizerStore, MalformedAccountsAreRefused) {
  Opened o;
  auto base = organizer("ada@example.org", OrganizerRole::owner, "correct horse battery");
  auto no_email = base;
  no_email.email.clear();
  auto long_email = base;
  long_email.email = std::string(321, 'a');
  auto no_hash = base;
  no_hash.password_hash.clear();
  auto nul = base;
  nul.display_name = std::string("A\0da", 4);
  for (const auto& u : {no_email, long_email, no_hash, nul}) {
    auto r = o.organizers->add_organizer(u);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::bad_request);
  }
  EXPECT_TRUE(o.organizers->list_organizers().value().empty());
}

TEST(OrganizerStore, RolesRoundTripAndUnknownRolesAreNotParsed) {
  for (auto role : {OrganizerRole::viewer, OrganizerRole::organizer, OrganizerRole::owner}) {
    EXPECT_EQ(store::parse_organizer_role(store::to_string(role)), role);
  }
  for (const char* bad : {"", "Owner", "admin", "viewer "}) EXPECT_FALSE(store::parse_organizer_role(bad)) << bad;
}

class SignIn : public ::testing::Test {
 protected:
  Opened o;
  OrganizerSettings settings = fast_settings();
  app::LoginLimiter limiter{settings.login_window, app::LoginLimiter::Secret{}};
  TimePoint now = at("2026-11-25T09:01:00Z");

  void SetUp() override {
    ASSERT_TRUE(o.organizers->add_organizer(organizer("ada@example.org", OrganizerRole::organizer,
                                                      "correct horse battery"))
                    .ok());
  }
  app::LoginResult login(const std::string& email, const std::string& password, const std::string& ip = "192.0.2.1") {
    auto r = app::log_in(*o.organizers, limiter, settings, email, password, ip, now);
    if (!r.ok()) throw std::runtime_error(r.error().detail);
    return r.value();
  }
};

using Outcome = app::LoginResult::Outcome;

TEST_F(SignIn, RightPasswordOpensASessionThatTheTokenFinds) {
  auto r = login("ADA@example.org", "correct horse battery");
  ASSERT_EQ(r.outcome, Outcome::signed_in);
  EXPECT_EQ(r.user.email, "ada@example.org");
  auto s = app::signed_in(*o.organizers, r.token, now + 1min, settings);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s.value().has_value());
  EXPECT_EQ(s.value()->user.role, OrganizerRole::organizer);
  EXPECT_EQ(s.value()->csrf_token, app::csrf_token_for(r.token));
  // The store holds the digest, never the token.
  EXPECT_TRUE(o.organizers->find_session(app::session_token_hash(r.token)).value().has_value());
  EXPECT_FALSE(o.organizers->find_session(r.token).value().has_value());
  // Another token, or none, is nobody.
  EXPECT_FALSE(app::signed_in(*o.organizers, app::new_session_token(), now, settings).value().has_value());
  EXPECT_FALSE(app::signed_in(*o.organizers, "", now, settings).value().has_value());
}

TEST_F(SignIn, WrongPasswordAndUnknownEmailAreTheSameAnswer) {
  EXPECT_EQ(login("ada@example.org", "wrong horse battery").outcome, Outcome::wrong_credentials);
  EXPECT_EQ(login("nobody@example.org", "correct horse battery").outcome, Outcome::wrong_credentials);
  EXPECT_EQ(login("", "").outcome, Outcome::wrong_credentials);
  EXPECT_EQ(login(std::string(400, 'a'), "x").outcome, Outcome::wrong_credentials);
}

TEST_F(SignIn, AccountLimitRefusesEvenTheRightPasswordUntilTheWindowEnds) {
  for (int i = 0; i < settings.max_login_failures_per_account; ++i) {
    // Each from another address: the account's own limit is what stops them.
    EXPECT_EQ(login("ada@example.org", "wrong", "192.0.2." + std::to_string(10 + i)).outcome,
              Outcome::wrong_credentials);
  }
  auto limited = login("ada@example.org", "correct horse battery", "198.51.100.1");
  EXPECT_EQ(limited.outcome, Outcome::rate_limited);
  EXPECT_EQ(limited.retry_at, at("2026-11-25T09:15:00Z"));
  EXPECT_TRUE(limited.token.empty());
  now = at("2026-11-25T09:15:00Z");  // the next window
  EXPECT_EQ(login("ada@example.org", "correct horse battery", "198.51.100.1").outcome, Outcome::signed_in);
}

TEST_F(SignIn, OneFailureUnderTheAccountLimitStillSignsIn) {
  for (int i = 0; i + 1 < settings.max_login_failures_per_account; ++i) {
    EXPECT_EQ(login("ada@example.org", "wrong").outcome, Outcome::wrong_credentials);
  }
  EXPECT_EQ(login("ada@example.org", "correct horse battery").outcome, Outcome::signed_in);
  // Success cleared the account's failures: a full allowance again.
  for (int i = 0; i + 1 < settings.max_login_failures_per_account; ++i) {
    EXPECT_EQ(login("ada@example.org", "wrong", "198.51.100.9").outcome, Outcome::wrong_credentials);
  }
  EXPECT_EQ(login("ada@example.org", "correct horse battery", "198.51.100.9").outcome, Outcome::signed_in);
}

TEST_F(SignIn, AddressLimitCoversGuessesAcrossAccounts) {
  for (int i = 0; i < settings.max_login_failures_per_address; ++i) {
    EXPECT_EQ(login("user" + std::to_string(i) + "@example.org", "wrong", "203.0.113.5").outcome,
              Outcome::wrong_credentials);
  }
  EXPECT_EQ(login("ada@example.org", "correct horse battery", "203.0.113.5").outcome, Outcome::rate_limited);
  EXPECT_EQ(login("ada@example.org", "correct horse battery", "203.0.113.6").outcome, Outcome::signed_in);
}

TEST_F(SignIn, RateLimitRowsNeverHoldTheAddressAndExpireWithTheWindow) {
  EXPECT_EQ(login("ada@example.org", "wrong", "203.0.113.77").outcome, Outcome::wrong_credentials);
  now += 15min;
  EXPECT_EQ(login("ada@example.org", "wrong", "203.0.113.78").outcome, Outcome::wrong_credentials);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(store::sqlite_file(o.dir.path()).c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT key, window_start FROM login_failures", -1, &q, nullptr), SQLITE_OK);
  int rows = 0;
  while (sqlite3_step(q) == SQLITE_ROW) {
    ++rows;
    const std::string key(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
    EXPECT_EQ(key.find("203.0.113"), std::string::npos) << key;
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, 1))), "2026-11-25T09:15:00Z");
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  EXPECT_EQ(rows, 2);  // this window's account and address rows; the first window's are gone
}

TEST_F(SignIn, IdleAndExpiredSessionsEndAndAreDeleted) {
  auto r = login("ada@example.org", "correct horse battery");
  ASSERT_EQ(r.outcome, Outcome::signed_in);
  const std::string hash = app::session_token_hash(r.token);
  // Activity keeps it alive past one idle timeout...
  auto t = now;
  for (int i = 0; i < 3; ++i) {
    t += settings.session_idle_timeout - 1min;
    ASSERT_TRUE(app::signed_in(*o.organizers, r.token, t, settings).value().has_value()) << i;
  }
  // ...but silence for the idle timeout ends it, and the row goes.
  EXPECT_FALSE(app::signed_in(*o.organizers, r.token, t + settings.session_idle_timeout, settings).value());
  EXPECT_FALSE(o.organizers->find_session(hash).value().has_value());

  auto again = login("ada@example.org", "correct horse battery");
  auto end = now + settings.session_lifetime;
  for (t = now; t + settings.session_idle_timeout / 2 < end; t += settings.session_idle_timeout / 2) {
    ASSERT_TRUE(app::signed_in(*o.organizers, again.token, t, settings).value().has_value());
  }
  EXPECT_FALSE(app::signed_in(*o.organizers, again.token, end, settings).value().has_value());
  EXPECT_FALSE(o.organizers->find_session(app::session_token_hash(again.token)).value().has_value());
}

TEST_F(SignIn, LogoutAndRemovingTheAccountEndSessions) {
  auto a = login("ada@example.org", "correct horse battery");
  auto b = login("ada@example.org", "correct horse battery");
  ASSERT_TRUE(o.organizers->delete_session(app::session_token_hash(a.token)).ok());
  ASSERT_TRUE(o.organizers->delete_session(app::session_token_hash(a.token)).ok());  // twice is fine
  EXPECT_FALSE(app::signed_in(*o.organizers, a.token, now, settings).value().has_value());
  EXPECT_TRUE(app::signed_in(*o.organizers, b.token, now, settings).value().has_value());
  ASSERT_TRUE(o.organizers->remove_organizer("ada@example.org").ok());
  EXPECT_FALSE(app::signed_in(*o.organizers, b.token, now, settings).value().has_value());
}

TEST_F(SignIn, ASignInSweepsSessionsThatEndedWithoutSignOut) {
  auto idle = login("ada@example.org", "correct horse battery");
  now += settings.session_idle_timeout;
  auto fresh = login("ada@example.org", "correct horse battery");
  EXPECT_FALSE(o.organizers->find_session(app::session_token_hash(idle.token)).value().has_value());
  EXPECT_TRUE(o.organizers->find_session(app::session_token_hash(fresh.token)).value().has_value());
}

TEST_F(SignIn, PurgeDeletesOnlyEndedSessions) {
  const auto user = o.organizers->find_organizer("ada@example.org").value().value();
  auto open = [&](const std::string& token, TimePoint created, TimePoint expires) {
    ASSERT_TRUE(o.organizers->create_session(store::NewSession{app::session_token_hash(token), user.id, created, expires})
                    .ok());
  };
  const std::string expired = app::new_session_token(), idle = app::new_session_token(), live = app::new_session_token();
  open(expired, now - 13h, now - 1h);
  open(idle, now - 2h, now + 10h);
  open(live, now - 1h, now + 11h);
  ASSERT_TRUE(o.organizers->touch_session(app::session_token_hash(live), now - 10min).ok());
  auto purged = o.organizers->purge_sessions(now, now - 30min);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(purged.value(), 2);
  EXPECT_FALSE(o.organizers->find_session(app::session_token_hash(expired)).value().has_value());
  EXPECT_FALSE(o.organizers->find_session(app::session_token_hash(idle)).value().has_value());
  EXPECT_TRUE(o.organizers->find_session(app::session_token_hash(live)).value().has_value());
}

// ---------------------------------------------------------------------------------------------
// Action counters

store::NewAction action(int i, TimePoint when, const std::string& token = {}) {
  static const char* channels[] = {"email", "call", "petition", "webform"};
  static const char* targets[] = {"mayor-haderslev", "mayor-naju", ""};
  static const char* countries[] = {"DK", "KR", "DE", ""};
  store::NewAction a;
  a.idempotency_key = "k" + std::to_string(i);
  a.request_hash = "h" + std::to_string(i);
  a.campaign = i % 7 == 0 ? "other" : "naju-haderslev";
  a.channel = channels[i % 4];
  a.target = targets[i % 3];
  a.country = countries[i % 4];
  a.language = "en";
  a.supporter_name = "S";
  a.supporter_email = "s" + std::to_string(i % 50) + "@example.org";
  a.created_at = when;
  if (!token.empty()) {
    store::ConfirmationRequest c;
    c.token_hash = token;
    c.expires_at = when + 72h;
    c.visit_window = 0s;  // every action its own confirmation, so tokens map one to one
    c.mail.recipient = a.supporter_email;
    c.mail.envelope_from = "bounce@twinning.example";
    c.mail.message_id = "<" + token + "@twinning.example>";
    c.mail.payload = "Subject: confirm\r\n\r\nConfirm\r\n";
    a.confirmation = c;
  }
  return a;
}

using CountKey = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>;

std::map<CountKey, std::int64_t> read_counts(const std::filesystem::path& dir, const char* sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(store::sqlite_file(dir).c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    throw std::runtime_error("cannot open the store file");
  }
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &q, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
  std::map<CountKey, std::int64_t> out;
  auto text = [&](int c) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, c))); };
  while (sqlite3_step(q) == SQLITE_ROW) {
    const std::int64_t n = sqlite3_column_int64(q, 6);
    if (n != 0) out[CountKey{text(0), text(1), text(2), text(3), text(4), text(5)}] = n;
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return out;
}

std::map<CountKey, std::int64_t> counters(const std::filesystem::path& dir) {
  return read_counts(dir, "SELECT campaign, channel, target, country, day, status, n FROM action_counts");
}

std::map<CountKey, std::int64_t> recount(const std::filesystem::path& dir) {
  return read_counts(dir,
                     "SELECT campaign, channel, target, country, substr(created_at, 1, 10), status, COUNT(*) "
                     "FROM actions GROUP BY 1, 2, 3, 4, 5, 6");
}

TEST(ActionCounters, EqualARecountAfterConcurrentActionsConfirmationsAndExpiry) {
  Opened o;
  constexpr int kThreads = 6;
  constexpr int kPerThread = 150;
  const TimePoint day0 = at("2026-11-23T10:00:00Z");
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int j = 0; j < kPerThread; ++j) {
        const int i = t * kPerThread + j;
        // Every other action asks for confirmation; actions spread over three days.
        const std::string token = i % 2 == 0 ? "tok" + std::to_string(i) : std::string();
        auto r = o.store->record_action_sync(action(i, day0 + std::chrono::hours{(i % 3) * 24}, token));
        if (!r.ok()) ++failures;
        // A resubmission of the same form counts nothing new.
        if (j % 10 == 0 && !o.store->record_action_sync(action(i, day0 + std::chrono::hours{(i % 3) * 24}, token)).ok()) {
          ++failures;
        }
      }
    });
  }
  // Confirmations race the writers: some find their action, some do not yet exist (unknown).
  std::thread confirmer([&] {
    for (int i = 0; i < kThreads * kPerThread; i += 4) {
      if (!o.store->confirm("tok" + std::to_string(i), day0 + 1h).ok()) ++failures;
    }
  });
  for (auto& w : writers) w.join();
  confirmer.join();
  // Then a late click on an expired link, and the expiry sweep for the rest.
  ASSERT_TRUE(o.store->confirm("tok6", day0 + 200h).ok());
  ASSERT_TRUE(o.store->expire_unconfirmed(day0 + 100h).ok());
  ASSERT_TRUE(o.store->flush().ok());
  EXPECT_EQ(failures.load(), 0);

  const auto kept = counters(o.dir.path());
  const auto counted = recount(o.dir.path());
  EXPECT_EQ(kept, counted);
  std::int64_t total = 0;
  std::set<std::string> statuses;
  for (const auto& [key, n] : kept) {
    total += n;
    statuses.insert(std::get<5>(key));
  }
  EXPECT_EQ(total, kThreads * kPerThread);
  // Every status is exercised: the last day's links had not expired at the sweep (still pending).
  EXPECT_EQ(statuses, (std::set<std::string>{"recorded", "pending", "confirmed", "expired"}));
}

TEST(ActionCounters, TalliesSumTheCountersByOneDimension) {
  Opened o;
  const TimePoint day0 = at("2026-11-23T10:00:00Z");
  for (int i = 1; i <= 12; ++i) {
    if (i % 7 == 0) continue;  // only the demo campaign
    const std::string token = i % 2 == 0 ? "tok" + std::to_string(i) : std::string();
    ASSERT_TRUE(o.store->record_action_sync(action(i, day0 + std::chrono::hours{(i % 3) * 24}, token)).ok());
  }
  ASSERT_TRUE(o.store->confirm("tok2", day0 + 1h).ok());
  const auto recounted = recount(o.dir.path());
  for (auto by : {store::TallyBy::day_and_channel, store::TallyBy::channel, store::TallyBy::target,
                  store::TallyBy::country}) {
    auto tally = o.organizers->tally_actions("naju-haderslev", by);
    ASSERT_TRUE(tally.ok()) << tally.error().detail;
    std::map<std::string, std::int64_t> got, want;
    for (const auto& t : tally.value()) got[t.day + "|" + t.channel + "|" + t.target + "|" + t.country + "|" + t.status] += t.n;
    for (const auto& [k, n] : recounted) {
      const auto& [campaign, channel, target, country, day, status] = k;
      if (campaign != "naju-haderslev") continue;
      std::string key;
      switch (by) {
        case store::TallyBy::day_and_channel: key = day + "|" + channel + "|||"; break;
        case store::TallyBy::channel: key = "|" + channel + "|||"; break;
        case store::TallyBy::target: key = "||" + target + "||"; break;
        case store::TallyBy::country: key = "|||" + country + "|"; break;
      }
      want[key + status] += n;
    }
    EXPECT_EQ(got, want);
  }
  auto none = o.organizers->tally_actions("no-such-campaign", store::TallyBy::channel);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value().empty());
}

}  // namespace
}  // namespace twinning
