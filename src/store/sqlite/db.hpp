#pragma once
// A thin layer over the SQLite C API: owning handles, binding, stepping, and the one place where
// SQLite result codes become twinning Errors. SQL text goes to Error::detail, never to message.
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace twinning::store::sqlite {

struct DbCloser {
  void operator()(sqlite3* db) const noexcept;
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

// The Error for a failed SQLite call. `what` says what was being done (for the log);
// `sql` is the statement, if any (for the log only).
Error error_from(sqlite3* db, int rc, std::string_view what, std::string_view sql = {});
// The same mapping without a connection (e.g. sqlite3_open_v2 returned no handle).
ErrorKind error_kind_of(int rc);

enum class OpenMode { read_write_create, read_write, read_only };

// Opens `file` with extended result codes on and the busy timeout set. The connection is for one
// thread at a time (the caller serialises).
Result<DbPtr> open_db(const std::filesystem::path& file, OpenMode mode, std::chrono::milliseconds busy_timeout);

// Runs one or more statements that return no rows we need (PRAGMAs, DDL, BEGIN/COMMIT).
Result<void> exec(sqlite3* db, std::string_view sql, std::string_view what);

// A prepared statement kept for the life of its connection and reused.
class Statement {
 public:
  Statement() = default;
  static Result<Statement> prepare(sqlite3* db, std::string_view sql);

  // Starts a use of the statement: the returned guard resets it (and clears the bindings) when it
  // goes out of scope, so a half-read SELECT never keeps its read snapshot open.
  class Use {
   public:
    explicit Use(Statement& s) : s_(&s) {}
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    ~Use();

    Result<void> bind(int index, std::int64_t value);
    Result<void> bind(int index, std::string_view value);
    Result<void> bind(int index, std::nullopt_t);
    // NULL when empty.
    Result<void> bind(int index, std::optional<std::int64_t> value);
    // Binds values to ?1, ?2, ... in order.
    template <typename... Args>
    Result<void> bind_all(const Args&... args) {
      int index = 0;
      Result<void> result;
      ((result.ok() ? (void)(result = bind(++index, args)) : (void)0), ...);
      return result;
    }

    // true: a row is ready to read; false: the statement is done.
    Result<bool> step();
    // Steps a statement that must finish without rows (INSERT, BEGIN, ...).
    Result<void> run();

    std::int64_t int64(int column) const;
    std::string text(int column) const;
    bool is_null(int column) const;
    // Rows changed by the last INSERT, UPDATE or DELETE finished on this statement's connection.
    std::int64_t changes() const;

   private:
    Error fail(int rc, std::string_view what) const;
    Statement* s_;
  };
  Use use() { return Use(*this); }

  const char* sql() const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
  };
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

}  // namespace twinning::store::sqlite
