// The directory in the SQLite store (migrations/0007_directory.sql). It keeps its own connection:
// imports are rare, whole-file writes from the command line, so they do not go through the action
// writer's queue; SQLite's locking and the busy timeout order them with other writers.
#include <nlohmann/json.hpp>

#include "store/directory_store.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/schema.hpp"
#include "store/time_text.hpp"

namespace twinning::store {
namespace {

using directory::Kind;
using directory::Record;

class SqliteDirectoryStore final : public DirectoryStore {
 public:
  explicit SqliteDirectoryStore(sqlite::DbPtr db) : db_(std::move(db)) {}

  Result<directory::Directory> load_directory() override {
    auto stmt = sqlite::Statement::prepare(db_.get(), "SELECT kind, id, fields FROM directory_records ORDER BY kind, id");
    if (!stmt.ok()) return stmt.error();
    auto q = stmt->use();
    directory::Directory out;
    for (;;) {
      auto row = q.step();
      if (!row.ok()) return row.error();
      if (!row.value()) break;
      auto kind = directory::parse_kind(q.text(0));
      auto fields = nlohmann::json::parse(q.text(2), nullptr, false);
      if (!kind || !fields.is_object()) return damaged(q.text(0) + "/" + q.text(1));
      Record r;
      r.id = q.text(1);
      for (const auto& [name, value] : fields.items()) {
        if (!value.is_string()) return damaged(q.text(0) + "/" + q.text(1));
        r.fields[name] = value.get<std::string>();
      }
      out.records[*kind][r.id] = std::move(r);
    }
    return out;
  }

  Result<void> save_records(Kind kind, const std::vector<Record>& records, TimePoint now) override {
    if (!time_representable(now)) return Error::make(ErrorKind::bad_request, "the import time is out of range");
    if (auto r = sqlite::exec(db_.get(), "BEGIN IMMEDIATE", "begin the directory import"); !r.ok()) return r.error();
    auto body = [&]() -> Result<void> {
      auto stmt = sqlite::Statement::prepare(
          db_.get(),
          "INSERT INTO directory_records (kind, id, fields, updated_at) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (kind, id) DO UPDATE SET fields = excluded.fields, updated_at = excluded.updated_at "
          "WHERE directory_records.fields <> excluded.fields");
      if (!stmt.ok()) return stmt.error();
      const std::string at = format_time(now);
      for (const Record& r : records) {
        // std::map iterates in key order, so the JSON text is the same for the same fields.
        nlohmann::json fields(nlohmann::json::value_t::object);
        for (const auto& [name, value] : r.fields) fields[name] = value;
        auto q = stmt->use();
        if (auto b = q.bind_all(std::string(directory::kind_name(kind)), r.id, fields.dump(), at); !b.ok()) {
          return b.error();
        }
        if (auto run = q.run(); !run.ok()) return run.error();
      }
      return {};
    };
    auto result = body();
    if (!result.ok()) {
      (void)sqlite::exec(db_.get(), "ROLLBACK", "roll back the directory import");
      return result;
    }
    return sqlite::exec(db_.get(), "COMMIT", "commit the directory import");
  }

 private:
  static Error damaged(const std::string& what) {
    return Error::make(ErrorKind::io, "the store's directory is damaged", {}, "unreadable directory record " + what);
  }
  sqlite::DbPtr db_;
};

}  // namespace

Result<std::unique_ptr<DirectoryStore>> open_sqlite_directory(const std::filesystem::path& data_dir,
                                                              std::chrono::milliseconds busy_timeout) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return Error::make(ErrorKind::io, "cannot create the data directory " + data_dir.string() + ": " + ec.message());
  }
  const auto file = sqlite_file(data_dir);
  auto db = sqlite::open_db(file, sqlite::OpenMode::read_write_create, busy_timeout);
  if (!db.ok()) return db.error();
  if (auto c = sqlite::configure_writer(db->get(), file); !c.ok()) return c.error();
  if (auto m = sqlite::migrate(db->get(), file); !m.ok()) return m.error();
  return std::unique_ptr<DirectoryStore>(new SqliteDirectoryStore(std::move(db).value()));
}

}  // namespace twinning::store
