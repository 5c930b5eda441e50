// Organizer accounts, sessions and the login rate limit in the SQLite store
// (migrations/0006_organizers.sql; docs/decisions/0010-organizer-sessions.md). These are rare
// requests (a login, a page view of an organizer), so their statements are prepared per call
// rather than kept: the shared statement lists stay those of the supporters' hot paths.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "store/organizer_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/time_text.hpp"

namespace twinning::store {

std::string_view to_string(OrganizerRole role) {
  switch (role) {
    case OrganizerRole::viewer: return "viewer";
    case OrganizerRole::organizer: return "organizer";
    case OrganizerRole::owner: return "owner";
  }
  return "viewer";  // unreachable: the switch names every role
}

std::optional<OrganizerRole> parse_organizer_role(std::string_view text) {
  for (auto role : {OrganizerRole::viewer, OrganizerRole::organizer, OrganizerRole::owner}) {
    if (text == to_string(role)) return role;
  }
  return std::nullopt;
}

Result<OrganizerStore*> organizer_store(Store& store) {
  if (auto* organizers = dynamic_cast<OrganizerStore*>(&store)) return organizers;
  return Error::make(ErrorKind::unavailable, "this store has no organizer accounts", {},
                     "the Store implementation does not implement OrganizerStore");
}

}  // namespace twinning::store

namespace twinning::store::sqlite {
namespace {

constexpr std::size_t kMaxEmailBytes = 320;        // RFC 5321: 64 + 1 + 255
constexpr std::size_t kMaxDisplayNameBytes = 200;
constexpr std::size_t kMaxHashBytes = 512;          // crypto_pwhash_STRBYTES is 128
constexpr std::size_t kMaxKeyBytes = 400;           // "account:" + an email, or "ip:" + a digest

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

Result<Statement> prepared(sqlite3* db, std::string_view sql) { return Statement::prepare(db, sql); }

const char* const kUserColumns = "id, email, display_name, role, password_hash, created_at";

Result<OrganizerUser> read_user(const Statement::Use& q, int first) {
  OrganizerUser u;
  u.id = q.int64(first);
  u.email = q.text(first + 1);
  u.display_name = q.text(first + 2);
  auto role = parse_organizer_role(q.text(first + 3));
  if (!role) return damaged("organizer_users.role of user " + std::to_string(u.id) + " is '" + q.text(first + 3) + "'");
  u.role = *role;
  u.password_hash = q.text(first + 4);
  auto created = read_time(q, first + 5, "organizer_users.created_at of user " + std::to_string(u.id));
  if (!created.ok()) return created.error();
  u.created_at = created.value();
  return u;
}

std::optional<Error> invalid(const NewOrganizer& u) {
  if (u.email.empty()) return Error::make(ErrorKind::bad_request, "the account has no email", "email");
  if (u.email.size() > kMaxEmailBytes) return Error::make(ErrorKind::bad_request, "the email is too long", "email");
  if (u.display_name.size() > kMaxDisplayNameBytes) {
    return Error::make(ErrorKind::bad_request, "the display name is too long", "display_name");
  }
  if (u.password_hash.empty() || u.password_hash.size() > kMaxHashBytes) {
    return Error::make(ErrorKind::bad_request, "the account has no valid password hash", "password");
  }
  for (const std::string* text : {&u.email, &u.display_name, &u.password_hash}) {
    if (text->find('\0') != std::string::npos) {
      return Error::make(ErrorKind::bad_request, "the account holds a NUL character");
    }
  }
  return invalid_time(u.created_at, "created_at");
}

std::optional<Error> invalid_key(const std::string& key) {
  if (key.empty() || key.size() > kMaxKeyBytes) {
    return Error::make(ErrorKind::bad_request, "a login rate-limit key is empty or too long", "key");
  }
  return std::nullopt;
}

}  // namespace

Result<OrganizerUser> SqliteStore::add_organizer(const NewOrganizer& user) {
  NewOrganizer u = user;
  if (u.created_at == TimePoint{}) {
    u.created_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
  if (auto e = invalid(u)) return *e;
  return write<OrganizerUser>([&]() -> Result<OrganizerUser> {
    sqlite3* db = write_db_.get();
    {
      auto s = prepared(db, "SELECT id FROM organizer_users WHERE email_key = ?1");
      if (!s.ok()) return s.error();
      auto q = s.value().use();
      if (auto r = q.bind_all(ascii_lower(u.email)); !r.ok()) return r.error();
      auto existing = single_int(q);
      if (!existing.ok()) return existing.error();
      if (existing.value()) return Error::make(ErrorKind::conflict, "an account with this email exists", "email");
    }
    auto s = prepared(db,
                      "INSERT INTO organizer_users (email, email_key, display_name, role, password_hash, created_at, "
                      "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id");
    if (!s.ok()) return s.error();
    auto q = s.value().use();
    if (auto r = q.bind_all(u.email, ascii_lower(u.email), u.display_name, to_string(u.role), u.password_hash,
                            format_time(u.created_at));
        !r.ok()) {
      return r.error();
    }
    auto id = returned_id(q);
    if (!id.ok()) return id.error();
    return OrganizerUser{id.value(), u.email, u.display_name, u.role, u.password_hash, u.created_at};
  });
}

Result<std::vector<OrganizerUser>> SqliteStore::list_organizers() {
  std::lock_guard lock(read_mu_);
  auto s = prepared(read_db_.get(), std::string("SELECT ") + kUserColumns + " FROM organizer_users ORDER BY email_key");
  if (!s.ok()) return s.error();
  auto q = s.value().use();
  std::vector<OrganizerUser> out;
  for (;;) {
    auto more = q.step();
    if (!more.ok()) return more.error();
    if (!more.value()) return out;
    auto u = read_user(q, 0);
    if (!u.ok()) return u.error();
    out.push_back(std::move(u).value());
  }
}

Result<std::optional<OrganizerUser>> SqliteStore::find_organizer(const std::string& email) {
  std::lock_guard lock(read_mu_);
  auto s = prepared(read_db_.get(), std::string("SELECT ") + kUserColumns + " FROM organizer_users WHERE email_key = ?1");
  if (!s.ok()) return s.error();
  auto q = s.value().use();
  if (auto r = q.bind_all(ascii_lower(email)); !r.ok()) return r.error();
  auto row = q.step();
  if (!row.ok()) return row.error();
  if (!row.value()) return std::optional<OrganizerUser>{};
  auto u = read_user(q, 0);
  if (!u.ok()) return u.error();
  return std::optional<OrganizerUser>(std::move(u).value());
}

Result<void> SqliteStore::remove_organizer(const std::string& email) {
  return write<void>([&]() -> Result<void> {
    sqlite3* db = write_db_.get();
    // Sessions first: the foreign key cascades only where the backend enforces it.
    auto sessions = prepared(db,
                             "DELETE FROM organizer_sessions WHERE user_id IN "
                             "(SELECT id FROM organizer_users WHERE email_key = ?1)");
    if (!sessions.ok()) return sessions.error();
    {
      auto q = sessions.value().use();
      if (auto r = q.bind_all(ascii_lower(email)); !r.ok()) return r;
      if (auto r = q.run(); !r.ok()) return r;
    }
    auto user = prepared(db, "DELETE FROM organizer_users WHERE email_key = ?1");
    if (!user.ok()) return user.error();
    auto q = user.value().use();
    if (auto r = q.bind_all(ascii_lower(email)); !r.ok()) return r;
    if (auto r = q.run(); !r.ok()) return r;
    if (q.changes() == 0) return Error::make(ErrorKind::not_found, "no account has the email " + email, "email");
    return {};
  });
}

Result<void> SqliteStore::create_session(const NewSession& session) {
  if (session.token_hash.empty()) return Error::make(ErrorKind::bad_request, "the session has no token hash");
  if (auto e = invalid_time(session.created_at, "created_at")) return *e;
  if (auto e = invalid_time(session.expires_at, "expires_at")) return *e;
  return write<void>([&]() -> Result<void> {
    auto s = prepared(write_db_.get(),
                      "INSERT INTO organizer_sessions (token_hash, user_id, created_at, expires_at, last_seen_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?3)");
    if (!s.ok()) return s.error();
    auto q = s.value().use();
    if (auto r = q.bind_all(session.token_hash, session.user_id, format_time(session.created_at),
                            format_time(session.expires_at));
        !r.ok()) {
      return r;
    }
    return q.run();
  });
}

Result<std::optional<SessionRow>> SqliteStore::find_session(const std::string& token_hash) {
  std::lock_guard lock(read_mu_);
  auto s = prepared(read_db_.get(),
                    "SELECT s.token_hash, s.created_at, s.expires_at, s.last_seen_at, u.id, u.email, u.display_name, "
                    "u.role, u.password_hash, u.created_at FROM organizer_sessions s "
                    "JOIN organizer_users u ON u.id = s.user_id WHERE s.token_hash = ?1");
  if (!s.ok()) return s.error();
  auto q = s.value().use();
  if (auto r = q.bind_all(token_hash); !r.ok()) return r.error();
  auto row = q.step();
  if (!row.ok()) return row.error();
  if (!row.value()) return std::optional<SessionRow>{};
  SessionRow out;
  out.token_hash = q.text(0);
  TimePoint* times[] = {&out.created_at, &out.expires_at, &out.last_seen_at};
  for (int i = 0; i < 3; ++i) {
    auto t = read_time(q, 1 + i, "a time of an organizer session");
    if (!t.ok()) return t.error();
    *times[i] = t.value();
  }
  auto user = read_user(q, 4);
  if (!user.ok()) return user.error();
  out.user = std::move(user).value();
  return std::optional<SessionRow>(std::move(out));
}

Result<void> SqliteStore::touch_session(const std::string& token_hash, TimePoint now) {
  if (auto e = invalid_time(now, "now")) return *e;
  return write<void>([&]() -> Result<void> {
    auto s = prepared(write_db_.get(), "UPDATE organizer_sessions SET last_seen_at = ?2 WHERE token_hash = ?1");
    if (!s.ok()) return s.error();
    auto q = s.value().use();
    if (auto r = q.bind_all(token_hash, format_time(now)); !r.ok()) return r;
    return q.run();
  });
}

Result<void> SqliteStore::delete_session(const std::string& token_hash) {
  return write<void>([&]() -> Result<void> {
    auto s = prepared(write_db_.get(), "DELETE FROM organizer_sessions WHERE token_hash = ?1");
    if (!s.ok()) return s.error();
    auto q = s.value().use();
    if (auto r = q.bind_all(token_hash); !r.ok()) return r;
    return q.run();
  });
}

Result<std::int64_t> SqliteStore::purge_sessions(TimePoint expires_before, TimePoint idle_before) {
  return write<std::int64_t>([&]() -> Result<std::int64_t> {
    auto s = prepared(write_db_.get(), "DELETE FROM organizer_sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2");
    if (!s.ok()) return s.error();
    auto q = s.value().use();
    if (auto r = q.bind_all(format_lower_bound(expires_before), format_lower_bound(idle_before)); !r.ok()) {
      return r.error();
    }
    if (auto r = q.run(); !r.ok()) return r.error();
    return q.changes();
  });
}

Result<LoginFailures> SqliteStore::login_failures(const std::string& key, TimePoint window_start) {
  if (auto e = invalid_key(key)) return *e;
  std::lock_guard lock(read_mu_);
  auto s = prepared(read_db_.get(), "SELECT failures FROM login_failures WHERE key = ?1 AND window_start = ?2");
  if (!s.ok()) return s.error();
  auto q = s.value().use();
  if (auto r = q.bind_all(key, format_lower_bound(window_start)); !r.ok()) return r.error();
  auto n = single_int(q);
  if (!n.ok()) return n.error();
  return LoginFailures{n.value().value_or(0)};
}

Result<void> SqliteStore::add_login_failure(const std::vector<std::string>& keys, TimePoint window_start) {
  for (const auto& key : keys) {
    if (auto e = invalid_key(key)) return *e;
  }
  return write<void>([&]() -> Result<void> {
    sqlite3* db = write_db_.get();
    const std::string window = format_lower_bound(window_start);
    {
      auto s = prepared(db, "DELETE FROM login_failures WHERE window_start < ?1");
      if (!s.ok()) return s.error();
      auto q = s.value().use();
      if (auto r = q.bind_all(window); !r.ok()) return r;
      if (auto r = q.run(); !r.ok()) return r;
    }
    auto s = prepared(db,
                      "INSERT INTO login_failures (key, window_start, failures) VALUES (?1, ?2, 1) "
                      "ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN login_failures.window_start = "
                      "excluded.window_start THEN login_failures.failures + 1 ELSE 1 END, "
                      "window_start = excluded.window_start");
    if (!s.ok()) return s.error();
    for (const auto& key : keys) {
      auto q = s.value().use();
      if (auto r = q.bind_all(key, window); !r.ok()) return r;
      if (auto r = q.run(); !r.ok()) return r;
    }
    return {};
  });
}

Result<void> SqliteStore::clear_login_failures(const std::string& key) {
  if (auto e = invalid_key(key)) return *e;
  return write<void>([&]() -> Result<void> {
    auto s = prepared(write_db_.get(), "DELETE FROM login_failures WHERE key = ?1");
    if (!s.ok()) return s.error();
    auto q = s.value().use();
    if (auto r = q.bind_all(key); !r.ok()) return r;
    return q.run();
  });
}

Result<std::vector<DeliveryFailure>> SqliteStore::delivery_failures(const std::string& campaign, std::size_t limit) {
  std::lock_guard lock(read_mu_);
  auto s = prepared(read_db_.get(),
                    "SELECT o.id, o.kind, o.target, o.recipient, o.last_error, o.updated_at FROM outbox o "
                    "JOIN actions a ON a.id = o.action_id WHERE o.state = 'failed' AND a.campaign = ?1 "
                    "ORDER BY o.id DESC LIMIT ?2");
  if (!s.ok()) return s.error();
  auto q = s.value().use();
  if (auto r = q.bind_all(campaign, static_cast<std::int64_t>(std::min<std::size_t>(limit, 100000))); !r.ok()) {
    return r.error();
  }
  std::vector<DeliveryFailure> out;
  for (;;) {
    auto more = q.step();
    if (!more.ok()) return more.error();
    if (!more.value()) return out;
    DeliveryFailure f{q.int64(0), q.text(1), q.text(2), q.text(3), q.text(4), {}};
    auto at = read_time(q, 5, "outbox.updated_at of message " + std::to_string(f.outbox_id));
    if (!at.ok()) return at.error();
    f.at = at.value();
    out.push_back(std::move(f));
  }
}

Result<std::int64_t> SqliteStore::count_delivery_failures(const std::string& campaign) {
  std::lock_guard lock(read_mu_);
  auto s = prepared(read_db_.get(),
                    "SELECT COUNT(*) FROM outbox o JOIN actions a ON a.id = o.action_id "
                    "WHERE o.state = 'failed' AND a.campaign = ?1");
  if (!s.ok()) return s.error();
  auto q = s.value().use();
  if (auto r = q.bind_all(campaign); !r.ok()) return r.error();
  auto n = single_int(q);
  if (!n.ok()) return n.error();
  return n.value().value_or(0);
}

}  // namespace twinning::store::sqlite
