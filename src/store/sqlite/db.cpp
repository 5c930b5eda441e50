#include "store/sqlite/db.hpp"

#include <climits>
#include <utility>

namespace twinning::store::sqlite {

void DbCloser::operator()(sqlite3* db) const noexcept {
  // close_v2 defers the close until the last statement is finalized, so member order in the
  // owner cannot leak the connection.
  sqlite3_close_v2(db);
}

ErrorKind error_kind_of(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
    case SQLITE_INTERRUPT:
    case SQLITE_PROTOCOL:
      return ErrorKind::unavailable;
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_NOLFS:
      return ErrorKind::io;
    default:
      // Constraint violations the store did not foresee, misuse, schema errors: bugs.
      return ErrorKind::internal;
  }
}

namespace {

// What the person who sent the request may read: no paths, no SQL, no SQLite wording.
std::string public_message(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PROTOCOL:
      return "the store is busy; try again in a moment";
    case SQLITE_NOMEM:
      return "the store ran out of memory; try again in a moment";
    case SQLITE_INTERRUPT:
      return "the store operation was interrupted; try again";
    case SQLITE_FULL:
      return "the store's disk is full";
    case SQLITE_IOERR:
      return "the store could not read or write its file";
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return "the store's file cannot be opened for writing";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return "the store's file is damaged or is not a twinning store";
    case SQLITE_CONSTRAINT:
      return "the store refused the data (unexpected constraint)";
    default:
      return "the store failed";
  }
}

}  // namespace

Error error_from(sqlite3* db, int rc, std::string_view what, std::string_view sql) {
  std::string detail(what);
  detail += ": ";
  detail += sqlite3_errstr(rc);
  detail += " (code " + std::to_string(rc) + ")";
  if (db != nullptr) {
    detail += ": ";
    detail += sqlite3_errmsg(db);
  }
  if (!sql.empty()) {
    detail += "; sql: ";
    detail += sql;
  }
  return Error::make(error_kind_of(rc), public_message(rc), {}, std::move(detail));
}

Result<DbPtr> open_db(const std::filesystem::path& file, OpenMode mode, std::chrono::milliseconds busy_timeout) {
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case OpenMode::read_write_create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    case OpenMode::read_write: flags |= SQLITE_OPEN_READWRITE; break;
    case OpenMode::read_only: flags |= SQLITE_OPEN_READONLY; break;
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    Error e = error_from(db.get(), rc, "open " + file.string());
    e.message = "cannot open the store file " + file.string() + ": " + sqlite3_errstr(rc);
    return e;
  }
  sqlite3_extended_result_codes(db.get(), 1);
  const auto ms = busy_timeout.count();
  sqlite3_busy_timeout(db.get(), ms > INT_MAX ? INT_MAX : static_cast<int>(ms < 0 ? 0 : ms));
  return db;
}

Result<void> exec(sqlite3* db, std::string_view sql, std::string_view what) {
  // sqlite3_exec needs a terminated string; the migrations are views into larger literals.
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);  // the same text is available from sqlite3_errmsg
  if (rc != SQLITE_OK) return error_from(db, rc, what, text);
  return {};
}

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &raw, &tail);
  Statement s;
  s.stmt_.reset(raw);
  if (rc != SQLITE_OK) return error_from(db, rc, "prepare", sql);
  if (raw == nullptr || tail != sql.data() + sql.size()) {
    // An empty text, or a second statement that would be silently ignored: a bug in the caller.
    return Error::make(ErrorKind::internal, "the store failed", {},
                       "prepare: expected exactly one statement; sql: " + std::string(sql));
  }
  return s;
}

const char* Statement::sql() const { return stmt_ ? sqlite3_sql(stmt_.get()) : ""; }

Statement::Use::~Use() {
  sqlite3_reset(s_->stmt_.get());
  sqlite3_clear_bindings(s_->stmt_.get());
}

Error Statement::Use::fail(int rc, std::string_view what) const {
  return error_from(sqlite3_db_handle(s_->stmt_.get()), rc, what, s_->sql());
}

Result<void> Statement::Use::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(s_->stmt_.get(), index, value);
  if (rc != SQLITE_OK) return fail(rc, "bind");
  return {};
}

Result<void> Statement::Use::bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the text, so the caller's buffer may go away before step().
  const int rc = sqlite3_bind_text64(s_->stmt_.get(), index, value.data(), value.size(), SQLITE_TRANSIENT,
                                     SQLITE_UTF8);
  if (rc != SQLITE_OK) return fail(rc, "bind");
  return {};
}

Result<void> Statement::Use::bind(int index, std::nullopt_t) {
  const int rc = sqlite3_bind_null(s_->stmt_.get(), index);
  if (rc != SQLITE_OK) return fail(rc, "bind");
  return {};
}

Result<void> Statement::Use::bind(int index, std::optional<std::int64_t> value) {
  return value ? bind(index, *value) : bind(index, std::nullopt);
}

Result<bool> Statement::Use::step() {
  const int rc = sqlite3_step(s_->stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return fail(rc, "step");
}

Result<void> Statement::Use::run() {
  auto row = step();
  if (!row.ok()) return row.error();
  if (row.value()) {
    return Error::make(ErrorKind::internal, "the store failed", {},
                       std::string("run: the statement returned a row; sql: ") + s_->sql());
  }
  return {};
}

std::int64_t Statement::Use::int64(int column) const { return sqlite3_column_int64(s_->stmt_.get(), column); }

std::string Statement::Use::text(int column) const {
  const auto* p = sqlite3_column_text(s_->stmt_.get(), column);
  if (p == nullptr) return {};
  const int n = sqlite3_column_bytes(s_->stmt_.get(), column);
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

bool Statement::Use::is_null(int column) const {
  return sqlite3_column_type(s_->stmt_.get(), column) == SQLITE_NULL;
}

std::int64_t Statement::Use::changes() const { return sqlite3_changes64(sqlite3_db_handle(s_->stmt_.get())); }

}  // namespace twinning::store::sqlite
