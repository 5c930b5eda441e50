#include "store/sqlite/schema.hpp"

#include <chrono>
#include <string>

#include "store/migrations.hpp"
#include "store/sqlite/db.hpp"
#include "store/time_text.hpp"

namespace twinning::store::sqlite {
namespace {

Result<int> applied_version(sqlite3* db) {
  auto stmt = Statement::prepare(db, "SELECT version FROM schema_migrations ORDER BY version");
  if (!stmt.ok()) return stmt.error();
  auto q = stmt->use();
  int expected = 1;
  for (;;) {
    auto row = q.step();
    if (!row.ok()) return row.error();
    if (!row.value()) break;
    // Versions are applied in order, so anything but 1..N means the record was tampered with.
    if (q.int64(0) != expected) {
      return Error::make(ErrorKind::io, "the store's record of applied migrations is damaged", {},
                         "schema_migrations holds version " + std::to_string(q.int64(0)) + " where " +
                             std::to_string(expected) + " was expected");
    }
    ++expected;
  }
  return expected - 1;
}

int known_version() { return migrations().empty() ? 0 : migrations().back().version; }

Error newer_schema(const std::filesystem::path& file, int found) {
  return Error::make(ErrorKind::unavailable,
                     "the store " + file.string() + " has schema version " + std::to_string(found) +
                         ", newer than this twinning knows (" + std::to_string(known_version()) +
                         "): use a newer twinning",
                     {}, "refusing to open a store with a newer schema");
}

}  // namespace

// Applies every migration newer than the file's, all in one transaction so a failure leaves the
// file as it was. BEGIN IMMEDIATE makes two processes opening a new store migrate one at a time.
Result<int> migrate(sqlite3* db, const std::filesystem::path& file) {
  if (auto r = exec(db, "BEGIN IMMEDIATE", "begin migrations"); !r.ok()) return r.error();
  auto body = [&]() -> Result<int> {
    if (auto r = exec(db,
                              "CREATE TABLE IF NOT EXISTS schema_migrations ("
                              "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
                              "create schema_migrations");
        !r.ok()) {
      return r.error();
    }
    auto current = applied_version(db);
    if (!current.ok()) return current.error();
    if (current.value() > known_version()) return newer_schema(file, current.value());
    auto insert = Statement::prepare(db, "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)");
    if (!insert.ok()) return insert.error();
    const std::string now = format_time(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    for (const Migration& m : migrations()) {
      if (m.version <= current.value()) continue;
      if (auto r = exec(db, m.sql, "migration " + std::string(m.name)); !r.ok()) return r.error();
      auto q = insert->use();
      if (auto r = q.bind_all(std::int64_t{m.version}, now); !r.ok()) return r.error();
      if (auto r = q.run(); !r.ok()) return r.error();
    }
    return known_version();
  };
  auto version = body();
  if (!version.ok()) {
    (void)exec(db, "ROLLBACK", "roll back migrations");  // the first error is the one to report
    return version.error();
  }
  if (auto r = exec(db, "COMMIT", "commit migrations"); !r.ok()) {
    (void)exec(db, "ROLLBACK", "roll back migrations");
    return r.error();
  }
  return version;
}

// A read-only opener must not create or migrate, so it only looks at what is there.
Result<int> existing_version(sqlite3* db, const std::filesystem::path& file) {
  auto has = Statement::prepare(
      db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!has.ok()) return has.error();
  {
    auto q = has->use();
    auto row = q.step();
    if (!row.ok()) return row.error();
    if (!row.value() || q.int64(0) == 0) {
      return Error::make(ErrorKind::not_found, "there is no twinning store in " + file.parent_path().string(), {},
                         file.string() + " has no schema_migrations table");
    }
  }
  auto version = applied_version(db);
  if (!version.ok()) return version.error();
  if (version.value() > known_version()) return newer_schema(file, version.value());
  if (version.value() < known_version()) {
    return Error::make(ErrorKind::unavailable,
                       "the store " + file.string() + " has schema version " + std::to_string(version.value()) +
                           ", older than this twinning's (" + std::to_string(known_version()) +
                           "): open it once with a command that writes (e.g. serve) to upgrade it",
                       {}, "read-only open of an older schema");
  }
  return version;
}

Result<void> configure_writer(sqlite3* db, const std::filesystem::path& file) {
  if (sqlite3_db_readonly(db, "main") == 1) {
    return Error::make(ErrorKind::io, "the store file " + file.string() + " is read-only", {},
                       "sqlite opened the file read-only although read-write was asked");
  }
  auto mode = Statement::prepare(db, "PRAGMA journal_mode = WAL");
  if (!mode.ok()) return mode.error();
  {
    auto q = mode->use();
    auto row = q.step();
    if (!row.ok()) return row.error();
    if (!row.value() || q.text(0) != "wal") {
      return Error::make(ErrorKind::io,
                         "the store file " + file.string() + " cannot use write-ahead logging on this file system",
                         {}, "PRAGMA journal_mode = WAL answered '" + (row.value() ? q.text(0) : "") + "'");
    }
  }
  // FULL: in WAL mode NORMAL survives a process crash but may lose the last commits on power loss,
  // and an acknowledged action must not be lost.
  if (auto r = exec(db, "PRAGMA synchronous = FULL", "set synchronous"); !r.ok()) return r;
  return exec(db, "PRAGMA foreign_keys = ON", "enable foreign keys");
}

}  // namespace twinning::store::sqlite
