// The SQLite store's privacy operations (store/api_store.hpp): everything held about a person, and
// erasing it. Erasure keeps the rows that are counted (supporters, actions, signatures, outbox) and
// empties what identifies someone in them, so every count stays right; rows that only serve the
// person (consents, idempotency keys, a flag on their own address) are deleted.
//
// Deleted text can survive in free space of the file and in the WAL: the erasing transaction runs
// with secure_delete on (freed space is zeroed), and a checkpoint afterwards moves the new pages
// into the file and empties the WAL (docs/api.md, "Privacy").
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "store/time_text.hpp"

namespace twinning::store::sqlite {
namespace {

// What an erased message's error and the erased supporter's key say instead of their data.
constexpr const char* kErasedNote = "erased at the supporter's request or by the retention period";

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

// Runs a statement with its values bound (?1, ?2...) and returns the rows it changed.
template <typename... Args>
Result<std::int64_t> run(sqlite3* db, const char* sql, const Args&... args) {
  auto st = Statement::prepare(db, sql);
  if (!st.ok()) return st.error();
  auto q = st.value().use();
  if (auto r = q.bind_all(args...); !r.ok()) return r.error();
  if (auto r = q.run(); !r.ok()) return r.error();
  return q.changes();
}

// Calls `row` for each row of a query with its values bound.
template <typename Row, typename... Args>
Result<void> rows(sqlite3* db, const char* sql, const Row& row, const Args&... args) {
  auto st = Statement::prepare(db, sql);
  if (!st.ok()) return st.error();
  auto q = st.value().use();
  if (auto r = q.bind_all(args...); !r.ok()) return r;
  for (;;) {
    auto more = q.step();
    if (!more.ok()) return more.error();
    if (!more.value()) return {};
    if (auto r = row(q); !r.ok()) return r;
  }
}

// The outbox rows of a person: messages of their actions, mails of their confirmations, and any
// message addressed to them.
constexpr const char* kOutboxOfPerson =
    "(action_id IN (SELECT id FROM actions WHERE supporter_id = ?1) "
    "OR confirmation_id IN (SELECT id FROM confirmations WHERE supporter_id = ?1) "
    "OR lower(recipient) = ?2)";

// Erases supporter `id` (whose email_key is `key`) inside the caller's transaction. Returns the
// outbox rows emptied.
Result<std::int64_t> erase_supporter(sqlite3* db, std::int64_t id, const std::string& key, const std::string& now) {
  // Messages not yet sent must never go out in the name of someone who asked to be forgotten.
  const std::string outbox_sql =
      std::string("UPDATE outbox SET payload = '', envelope_from = '', last_error = ?3, updated_at = ?4, "
                  "recipient = CASE WHEN lower(recipient) = ?2 THEN '' ELSE recipient END, "
                  "pacing_key = CASE WHEN lower(pacing_key) = ?2 THEN '' ELSE pacing_key END, "
                  "state = CASE WHEN state IN ('held', 'queued', 'sending', 'review') THEN 'failed' ELSE state END "
                  "WHERE ") +
      kOutboxOfPerson;
  auto outbox = run(db, outbox_sql.c_str(), id, std::string_view(key), std::string_view(kErasedNote),
                    std::string_view(now));
  if (!outbox.ok()) return outbox.error();

  const std::string erased_key = "erased-" + std::to_string(id);
  const char* statements[] = {
      "UPDATE letter_requests SET address_lines = '', place = '' "
      "WHERE action_id IN (SELECT id FROM actions WHERE supporter_id = ?1)",
      // The review queue's copy of what they wrote (the fingerprint stays: it names no one).
      "UPDATE written_parts SET text = '' WHERE action_id IN (SELECT id FROM actions WHERE supporter_id = ?1)",
      // The key stays unique per campaign (one per erased signature) and matches no email.
      "UPDATE signatures SET email_key = 'erased-' || id, comment = '' "
      "WHERE action_id IN (SELECT id FROM actions WHERE supporter_id = ?1)",
      "DELETE FROM idempotency_keys WHERE action_id IN (SELECT id FROM actions WHERE supporter_id = ?1)",
      "DELETE FROM consents WHERE supporter_id = ?1",
  };
  for (const char* sql : statements) {
    if (auto r = run(db, sql, id); !r.ok()) return r.error();
  }
  if (auto r = run(db, "DELETE FROM flagged_contacts WHERE lower(address) = ?1", std::string_view(key)); !r.ok()) {
    return r.error();
  }
  auto s = run(db,
               "UPDATE supporters SET name = '', email = '', phone = '', email_key = ?2, erased_at = ?3, "
               "updated_at = ?3 WHERE id = ?1",
               id, std::string_view(erased_key), std::string_view(now));
  if (!s.ok()) return s.error();
  return outbox.value();
}

// The supporters to erase: (id, email_key) pairs.
using Targets = std::vector<std::pair<std::int64_t, std::string>>;

Result<EraseResult> erase_all(sqlite3* db, const Targets& targets, const std::string& now) {
  if (auto r = exec(db, "PRAGMA secure_delete = ON", "turn secure_delete on"); !r.ok()) return r.error();
  EraseResult result;
  for (const auto& [id, key] : targets) {
    auto n = erase_supporter(db, id, key, now);
    if (!n.ok()) return n.error();
    result.supporters += 1;
    result.outbox += n.value();
  }
  return result;
}

Result<TimePoint> time_at(const Statement::Use& q, int column, const std::string& what) {
  return read_time(q, column, what);
}

}  // namespace

Result<std::optional<PersonData>> SqliteStore::person_data(const std::string& email) {
  auto opened = open_db(file_, OpenMode::read_only, options_.busy_timeout);
  if (!opened.ok()) return opened.error();
  sqlite3* db = opened.value().get();
  if (auto r = exec(db, "BEGIN", "begin a person export"); !r.ok()) return r.error();
  struct EndRead {
    sqlite3* db;
    ~EndRead() { (void)exec(db, "COMMIT", "end a person export"); }
  } end{db};

  const std::string key = ascii_lower(email);
  std::optional<PersonData> found;
  auto r = rows(
      db, "SELECT id, name, email, country, phone, created_at, updated_at FROM supporters WHERE email_key = ?1",
      [&](const Statement::Use& q) -> Result<void> {
        PersonData d;
        d.supporter.id = q.int64(0);
        d.supporter.name = q.text(1);
        d.supporter.email = q.text(2);
        d.supporter.country = q.text(3);
        d.supporter.phone = q.text(4);
        auto created = time_at(q, 5, "supporters.created_at");
        if (!created.ok()) return created.error();
        auto modified = time_at(q, 6, "supporters.updated_at");
        if (!modified.ok()) return modified.error();
        d.supporter.created_at = created.value();
        d.modified_at = modified.value();
        found = std::move(d);
        return {};
      },
      std::string_view(key));
  if (!r.ok()) return r.error();
  if (!found) return found;
  PersonData& d = *found;
  const std::int64_t id = d.supporter.id;

  r = rows(
      db,
      "SELECT supporter_id, action_id, campaign, scope, given, wording_version, recorded_at FROM consents "
      "WHERE supporter_id = ?1 ORDER BY action_id, scope",
      [&](const Statement::Use& q) -> Result<void> {
        ConsentRow c;
        c.supporter_id = q.int64(0);
        c.action_id = q.int64(1);
        c.campaign = q.text(2);
        c.scope = q.text(3);
        c.given = q.int64(4) != 0;
        c.wording_version = q.text(5);
        auto at = time_at(q, 6, "consents.recorded_at");
        if (!at.ok()) return at.error();
        c.recorded_at = at.value();
        d.consents.push_back(std::move(c));
        return {};
      },
      id);
  if (!r.ok()) return r.error();

  r = rows(
      db,
      "SELECT id, supporter_id, campaign, channel, target, language, country, status, created_at, updated_at "
      "FROM actions WHERE supporter_id = ?1 ORDER BY id",
      [&](const Statement::Use& q) -> Result<void> {
        ActionRow a;
        a.id = q.int64(0);
        a.supporter_id = q.int64(1);
        a.campaign = q.text(2);
        a.channel = q.text(3);
        a.target = q.text(4);
        a.language = q.text(5);
        a.country = q.text(6);
        a.status = q.text(7);
        auto created = time_at(q, 8, "actions.created_at");
        if (!created.ok()) return created.error();
        auto updated = time_at(q, 9, "actions.updated_at");
        if (!updated.ok()) return updated.error();
        a.created_at = created.value();
        a.updated_at = updated.value();
        d.actions.push_back(std::move(a));
        return {};
      },
      id);
  if (!r.ok()) return r.error();

  // Every signature, confirmed or not: the person is owed all that is held.
  r = rows(
      db,
      "SELECT s.id, s.action_id, a.supporter_id, s.campaign, s.comment, a.country, a.language, s.created_at, "
      "a.updated_at FROM signatures s JOIN actions a ON a.id = s.action_id WHERE a.supporter_id = ?1 ORDER BY s.id",
      [&](const Statement::Use& q) -> Result<void> {
        SignatureRecord s;
        s.id = q.int64(0);
        s.action_id = q.int64(1);
        s.supporter_id = q.int64(2);
        s.campaign = q.text(3);
        s.comment = q.text(4);
        s.country = q.text(5);
        s.language = q.text(6);
        auto created = time_at(q, 7, "signatures.created_at");
        if (!created.ok()) return created.error();
        auto modified = time_at(q, 8, "actions.updated_at");
        if (!modified.ok()) return modified.error();
        s.created_at = created.value();
        s.modified_at = modified.value();
        d.signatures.push_back(std::move(s));
        return {};
      },
      id);
  if (!r.ok()) return r.error();

  r = rows(
      db,
      "SELECT l.action_id, l.campaign, l.address_lines, l.place FROM letter_requests l "
      "JOIN actions a ON a.id = l.action_id WHERE a.supporter_id = ?1 ORDER BY l.action_id",
      [&](const Statement::Use& q) -> Result<void> {
        d.letters.push_back(LetterOfPerson{q.int64(0), q.text(1), q.text(2), q.text(3)});
        return {};
      },
      id);
  if (!r.ok()) return r.error();

  const std::string outbox_sql =
      std::string("SELECT id, action_id, kind, target, recipient, state, payload, last_error, created_at FROM outbox "
                  "WHERE ") +
      kOutboxOfPerson + " ORDER BY id";
  r = rows(
      db, outbox_sql.c_str(),
      [&](const Statement::Use& q) -> Result<void> {
        OutboxOfPerson o;
        o.id = q.int64(0);
        o.action_id = q.is_null(1) ? 0 : q.int64(1);
        o.kind = q.text(2);
        o.target = q.text(3);
        o.recipient = q.text(4);
        o.state = q.text(5);
        o.payload = q.text(6);
        o.last_error = q.text(7);
        auto created = time_at(q, 8, "outbox.created_at");
        if (!created.ok()) return created.error();
        o.created_at = created.value();
        d.outbox.push_back(std::move(o));
        return {};
      },
      id, std::string_view(key));
  if (!r.ok()) return r.error();

  r = rows(
      db, "SELECT address, reason, flagged_at FROM flagged_contacts WHERE lower(address) = ?1",
      [&](const Statement::Use& q) -> Result<void> {
        auto at = time_at(q, 2, "flagged_contacts.flagged_at");
        if (!at.ok()) return at.error();
        d.flagged.push_back(FlaggedContact{q.text(0), q.text(1), at.value()});
        return {};
      },
      std::string_view(key));
  if (!r.ok()) return r.error();
  return found;
}

Result<EraseResult> SqliteStore::erase_person(const std::string& email, TimePoint now) {
  if (auto e = invalid_time(now, "now")) return *e;
  const std::string key = ascii_lower(email);
  if (key.empty()) return Error::make(ErrorKind::bad_request, "give the email of the person to erase", "email");
  auto result = write<EraseResult>([this, &key, now]() -> Result<EraseResult> {
    sqlite3* db = write_db_.get();
    Targets targets;
    auto r = rows(
        db, "SELECT id, email_key FROM supporters WHERE email_key = ?1 AND erased_at IS NULL",
        [&](const Statement::Use& q) -> Result<void> {
          targets.emplace_back(q.int64(0), q.text(1));
          return {};
        },
        std::string_view(key));
    if (!r.ok()) return r.error();
    return erase_all(db, targets, format_time(now));
  });
  if (!result.ok()) return result;
  if (auto r = clear_erased_pages(); !r.ok()) return r.error();
  return result;
}

Result<EraseResult> SqliteStore::anonymize_inactive(TimePoint cutoff, TimePoint now) {
  if (auto e = invalid_time(now, "now")) return *e;
  if (auto e = invalid_time(cutoff, "cutoff")) return *e;
  auto result = write<EraseResult>([this, cutoff, now]() -> Result<EraseResult> {
    sqlite3* db = write_db_.get();
    Targets targets;
    auto r = rows(
        db, "SELECT id, email_key FROM supporters WHERE erased_at IS NULL AND updated_at < ?1 ORDER BY id",
        [&](const Statement::Use& q) -> Result<void> {
          targets.emplace_back(q.int64(0), q.text(1));
          return {};
        },
        format_time(cutoff));
    if (!r.ok()) return r.error();
    return erase_all(db, targets, format_time(now));
  });
  if (!result.ok() || result.value().supporters == 0) return result;
  if (auto r = clear_erased_pages(); !r.ok()) return r.error();
  return result;
}

Result<void> SqliteStore::clear_erased_pages() {
  // Back to the default for the writer's everyday work; the erasing transaction is committed.
  if (auto r = write<void>([this]() { return exec(write_db_.get(), "PRAGMA secure_delete = OFF", "secure_delete off"); });
      !r.ok()) {
    return r;
  }
  // From a connection of its own: a checkpoint cannot run inside the writer's transactions. A
  // reader that still holds an old snapshot (serve's pages) can keep old frames in the WAL until
  // it is done; the next checkpoint (SQLite's automatic one, or the next erasure) removes them.
  auto db = open_db(file_, OpenMode::read_write, options_.busy_timeout);
  if (!db.ok()) return db.error();
  return exec(db.value().get(), "PRAGMA wal_checkpoint(TRUNCATE)", "checkpoint after an erasure");
}

}  // namespace twinning::store::sqlite
