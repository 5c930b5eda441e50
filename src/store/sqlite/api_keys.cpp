// The SQLite store's side of the organizer API (store/api_store.hpp): API keys (0008_api.sql) and
// the paged and streamed reads of people, actions and signatures. Reads open their own read-only
// connection: a page or an export is one snapshot, and a long export never holds the lock of the
// shared read connection that the public pages use.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "store/time_text.hpp"

namespace twinning::store::sqlite {
namespace {

constexpr std::size_t kMaxKeyNameBytes = 200;
constexpr std::size_t kMaxPrefixBytes = 64;

// The statuses of an action that counts: not waiting for a confirmation, not expired.
constexpr const char* kCountedStatuses = "('recorded', 'confirmed')";

using Arg = std::variant<std::int64_t, std::string>;

// A WHERE clause built from trusted fragments, with every value bound, never spliced in.
struct Where {
  std::string sql;
  std::vector<Arg> args;

  void add(std::string condition) { sql += (sql.empty() ? " WHERE " : " AND ") + condition; }
  void add(std::string condition, Arg value) {
    args.push_back(std::move(value));
    add(std::move(condition));
  }
  // `column` against the bounds; each placeholder is numbered after those already added.
  void add_bounds(const std::string& column, const DateBounds& b) {
    if (b.after) add(column + " > ?" + std::to_string(args.size() + 1), format_lower_bound(*b.after));
    if (b.before) add(column + " < ?" + std::to_string(args.size() + 1), format_lower_bound(*b.before));
  }
  std::string next() const { return "?" + std::to_string(args.size() + 1); }
};

Result<void> bind_args(Statement::Use& q, const std::vector<Arg>& args, int first = 1) {
  int index = first;
  for (const Arg& a : args) {
    Result<void> r = std::holds_alternative<std::int64_t>(a) ? q.bind(index, std::get<std::int64_t>(a))
                                                               : q.bind(index, std::string_view(std::get<std::string>(a)));
    if (!r.ok()) return r;
    ++index;
  }
  return {};
}

std::int64_t clamp_size(std::size_t n) {
  return static_cast<std::int64_t>(std::min<std::size_t>(n, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
}

Result<DbPtr> open_reader(const std::filesystem::path& file, std::chrono::milliseconds busy_timeout) {
  return open_db(file, OpenMode::read_only, busy_timeout);
}

// Runs `sql` (a SELECT ... whose WHERE is `where`) and hands each row to `row`, which returns
// false to stop. One statement: one snapshot.
Result<void> each_row(sqlite3* db, const std::string& sql, const std::vector<Arg>& args,
                      const std::function<Result<bool>(const Statement::Use&)>& row) {
  auto st = Statement::prepare(db, sql);
  if (!st.ok()) return st.error();
  auto q = st.value().use();
  if (auto r = bind_args(q, args); !r.ok()) return r;
  for (;;) {
    auto more = q.step();
    if (!more.ok()) return more.error();
    if (!more.value()) return {};
    auto go_on = row(q);
    if (!go_on.ok()) return go_on.error();
    if (!go_on.value()) return {};
  }
}

Result<std::int64_t> count_rows(sqlite3* db, const std::string& sql, const std::vector<Arg>& args) {
  std::int64_t n = 0;
  auto r = each_row(db, sql, args, [&](const Statement::Use& q) -> Result<bool> {
    n = q.int64(0);
    return false;
  });
  if (!r.ok()) return r.error();
  return n;
}

constexpr const char* kPersonColumns = "p.id, p.name, p.email, p.country, p.phone, p.created_at, p.updated_at";
Result<PersonRecord> read_person(const Statement::Use& q) {
  PersonRecord p;
  p.id = q.int64(0);
  p.name = q.text(1);
  p.email = q.text(2);
  p.country = q.text(3);
  p.phone = q.text(4);
  const std::string what = " of supporter " + std::to_string(p.id);
  auto created = read_time(q, 5, "supporters.created_at" + what);
  if (!created.ok()) return created.error();
  auto modified = read_time(q, 6, "supporters.updated_at" + what);
  if (!modified.ok()) return modified.error();
  p.created_at = created.value();
  p.modified_at = modified.value();
  return p;
}

constexpr const char* kActionColumns =
    "a.id, a.supporter_id, a.campaign, a.channel, a.target, a.language, a.country, a.status, a.created_at, a.updated_at, "
    "p.name, p.email";
constexpr const char* kActionFrom = "FROM actions a JOIN supporters p ON p.id = a.supporter_id";
Result<ActionRecord> read_action(const Statement::Use& q) {
  ActionRecord a;
  a.id = q.int64(0);
  a.supporter_id = q.int64(1);
  a.campaign = q.text(2);
  a.channel = q.text(3);
  a.target = q.text(4);
  a.language = q.text(5);
  a.country = q.text(6);
  a.status = q.text(7);
  const std::string what = " of action " + std::to_string(a.id);
  auto created = read_time(q, 8, "actions.created_at" + what);
  if (!created.ok()) return created.error();
  auto modified = read_time(q, 9, "actions.updated_at" + what);
  if (!modified.ok()) return modified.error();
  a.created_at = created.value();
  a.modified_at = modified.value();
  a.name = q.text(10);
  a.email = q.text(11);
  return a;
}

constexpr const char* kSignatureColumns =
    "s.id, s.action_id, a.supporter_id, s.campaign, s.comment, a.country, a.language, s.created_at, a.updated_at, "
    "p.name, p.email";
Result<SignatureRecord> read_signature(const Statement::Use& q) {
  SignatureRecord s;
  s.id = q.int64(0);
  s.action_id = q.int64(1);
  s.supporter_id = q.int64(2);
  s.campaign = q.text(3);
  s.comment = q.text(4);
  s.country = q.text(5);
  s.language = q.text(6);
  const std::string what = " of signature " + std::to_string(s.id);
  auto created = read_time(q, 7, "signatures.created_at" + what);
  if (!created.ok()) return created.error();
  auto modified = read_time(q, 8, "actions.updated_at" + what);
  if (!modified.ok()) return modified.error();
  s.created_at = created.value();
  s.modified_at = modified.value();
  s.name = q.text(9);
  s.email = q.text(10);
  return s;
}

// One page of `from_where` (FROM ... WHERE ...): the total and the rows in id order.
template <typename T>
Result<RecordPage<T>> page_of(sqlite3* db, const std::string& columns, const std::string& from, const Where& where,
                              const std::string& id_column, const RecordQuery& query,
                              Result<T> (*read)(const Statement::Use&)) {
  RecordPage<T> page;
  // Both statements in one read transaction, so the total and the rows agree.
  if (auto r = exec(db, "BEGIN", "begin an API read"); !r.ok()) return r.error();
  struct EndRead {
    sqlite3* db;
    ~EndRead() { (void)exec(db, "COMMIT", "end an API read"); }
  } end{db};
  auto total = count_rows(db, "SELECT COUNT(*) " + from + where.sql, where.args);
  if (!total.ok()) return total.error();
  page.total = total.value();
  std::vector<Arg> args = where.args;
  const std::string limit = "?" + std::to_string(args.size() + 1);
  const std::string offset = "?" + std::to_string(args.size() + 2);
  args.emplace_back(clamp_size(query.limit));
  args.emplace_back(clamp_size(query.offset));
  auto r = each_row(db, "SELECT " + columns + " " + from + where.sql + " ORDER BY " + id_column + " LIMIT " + limit +
                            " OFFSET " + offset,
                    args, [&](const Statement::Use& q) -> Result<bool> {
                      auto rec = read(q);
                      if (!rec.ok()) return rec.error();
                      page.records.push_back(std::move(rec).value());
                      return true;
                    });
  if (!r.ok()) return r.error();
  return page;
}

template <typename T>
Result<std::optional<T>> first_of(sqlite3* db, const std::string& sql, const std::vector<Arg>& args,
                                  Result<T> (*read)(const Statement::Use&)) {
  std::optional<T> found;
  auto r = each_row(db, sql, args, [&](const Statement::Use& q) -> Result<bool> {
    auto rec = read(q);
    if (!rec.ok()) return rec.error();
    found = std::move(rec).value();
    return false;
  });
  if (!r.ok()) return r.error();
  return found;
}

Result<ApiKeyRow> read_key(const Statement::Use& q) {
  ApiKeyRow k;
  k.id = q.int64(0);
  k.name = q.text(1);
  k.prefix = q.text(2);
  k.secret_hash = q.text(3);
  auto created = read_time(q, 4, "api_keys.created_at of key " + std::to_string(k.id));
  if (!created.ok()) return created.error();
  k.created_at = created.value();
  if (!q.is_null(5)) {
    auto revoked = read_time(q, 5, "api_keys.revoked_at of key " + std::to_string(k.id));
    if (!revoked.ok()) return revoked.error();
    k.revoked_at = revoked.value();
  }
  return k;
}
constexpr const char* kKeyColumns = "SELECT id, name, prefix, secret_hash, created_at, revoked_at FROM api_keys";

Where action_where(const std::string& campaign, const std::vector<std::string>& channels) {
  Where w;
  w.add("a.campaign = ?1", campaign);
  w.add(std::string("a.status IN ") + kCountedStatuses);
  if (!channels.empty()) {
    std::string list;
    for (const auto& c : channels) {
      list += (list.empty() ? "" : ", ") + w.next();
      w.args.emplace_back(c);
    }
    w.add("a.channel IN (" + list + ")");
  }
  return w;
}

Where signature_where(const std::string& campaign) {
  Where w;
  w.add("s.campaign = ?1", campaign);
  w.add("a.status = 'confirmed'");
  return w;
}
constexpr const char* kSignatureFrom =
    "FROM signatures s JOIN actions a ON a.id = s.action_id JOIN supporters p ON p.id = a.supporter_id";

}  // namespace

Result<std::int64_t> SqliteStore::add_api_key(const NewApiKey& key) {
  if (key.name.empty() || key.name.size() > kMaxKeyNameBytes || key.name.find('\0') != std::string::npos) {
    return Error::make(ErrorKind::bad_request, "a key's name must be 1 to 200 bytes", "name");
  }
  if (key.prefix.empty() || key.prefix.size() > kMaxPrefixBytes || key.secret_hash.empty()) {
    return Error::make(ErrorKind::bad_request, "a key needs a prefix and the digest of its secret", "prefix");
  }
  if (auto e = invalid_time(key.created_at, "created_at")) return *e;
  return write<std::int64_t>([this, &key]() -> Result<std::int64_t> {
    sqlite3* db = write_db_.get();
    auto exists = count_rows(db, "SELECT COUNT(*) FROM api_keys WHERE prefix = ?1", {key.prefix});
    if (!exists.ok()) return exists.error();
    if (exists.value() != 0) return Error::make(ErrorKind::conflict, "a key with this prefix exists", "prefix");
    auto st = Statement::prepare(
        db, "INSERT INTO api_keys (name, prefix, secret_hash, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id");
    if (!st.ok()) return st.error();
    auto q = st.value().use();
    if (auto r = q.bind_all(std::string_view(key.name), std::string_view(key.prefix),
                            std::string_view(key.secret_hash), format_time(key.created_at));
        !r.ok()) {
      return r.error();
    }
    return returned_id(q);
  });
}

Result<void> SqliteStore::revoke_api_key(std::int64_t id, TimePoint now) {
  if (auto e = invalid_time(now, "now")) return *e;
  return write<void>([this, id, now]() -> Result<void> {
    sqlite3* db = write_db_.get();
    auto exists = count_rows(db, "SELECT COUNT(*) FROM api_keys WHERE id = ?1", {id});
    if (!exists.ok()) return exists.error();
    if (exists.value() == 0) return Error::make(ErrorKind::not_found, "there is no API key " + std::to_string(id));
    auto st = Statement::prepare(db, "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL");
    if (!st.ok()) return st.error();
    auto q = st.value().use();
    if (auto r = q.bind_all(id, format_time(now)); !r.ok()) return r;
    return q.run();
  });
}

Result<std::vector<ApiKeyRow>> SqliteStore::list_api_keys() {
  auto db = open_reader(file_, options_.busy_timeout);
  if (!db.ok()) return db.error();
  std::vector<ApiKeyRow> keys;
  auto r = each_row(db.value().get(), std::string(kKeyColumns) + " ORDER BY id", {},
                    [&](const Statement::Use& q) -> Result<bool> {
                      auto k = read_key(q);
                      if (!k.ok()) return k.error();
                      keys.push_back(std::move(k).value());
                      return true;
                    });
  if (!r.ok()) return r.error();
  return keys;
}

Result<std::optional<ApiKeyRow>> SqliteStore::find_api_key(const std::string& prefix) {
  // The shared read connection: this runs on every API request and is one indexed row.
  std::lock_guard lock(read_mu_);
  return first_of<ApiKeyRow>(read_db_.get(), std::string(kKeyColumns) + " WHERE prefix = ?1", {prefix}, read_key);
}

Result<RecordPage<PersonRecord>> SqliteStore::people(const RecordQuery& query) {
  auto db = open_reader(file_, options_.busy_timeout);
  if (!db.ok()) return db.error();
  Where w;
  w.add("p.erased_at IS NULL");
  w.add_bounds("p.created_at", query.created);
  w.add_bounds("p.updated_at", query.modified);
  return page_of<PersonRecord>(db.value().get(), kPersonColumns, "FROM supporters p", w, "p.id", query, read_person);
}

Result<std::optional<PersonRecord>> SqliteStore::person(std::int64_t id) {
  auto db = open_reader(file_, options_.busy_timeout);
  if (!db.ok()) return db.error();
  return first_of<PersonRecord>(db.value().get(),
                                std::string("SELECT ") + kPersonColumns +
                                    " FROM supporters p WHERE p.id = ?1 AND p.erased_at IS NULL",
                                {id}, read_person);
}

Result<RecordPage<ActionRecord>> SqliteStore::actions(const std::string& campaign,
                                                      const std::vector<std::string>& channels,
                                                      const RecordQuery& query) {
  auto db = open_reader(file_, options_.busy_timeout);
  if (!db.ok()) return db.error();
  Where w = action_where(campaign, channels);
  w.add_bounds("a.created_at", query.created);
  w.add_bounds("a.updated_at", query.modified);
  return page_of<ActionRecord>(db.value().get(), kActionColumns, kActionFrom, w, "a.id", query, read_action);
}

Result<std::optional<ActionRecord>> SqliteStore::action(const std::string& campaign, std::int64_t id) {
  auto db = open_reader(file_, options_.busy_timeout);
  if (!db.ok()) return db.error();
  Where w = action_where(campaign, {});
  w.add("a.id = " + w.next(), id);
  return first_of<ActionRecord>(db.value().get(), std::string("SELECT ") + kActionColumns + " " + kActionFrom + w.sql,
                                w.args, read_action);
}

Result<RecordPage<SignatureRecord>> SqliteStore::signatures(const std::string& campaign, const RecordQuery& query) {
  auto db = open_reader(file_, options_.busy_timeout);
  if (!db.ok()) return db.error();
  Where w = signature_where(campaign);
  w.add_bounds("s.created_at", query.created);
  w.add_bounds("a.updated_at", query.modified);
  return page_of<SignatureRecord>(db.value().get(), kSignatureColumns, kSignatureFrom, w, "s.id", query,
                                  read_signature);
}

Result<std::optional<SignatureRecord>> SqliteStore::signature(const std::string& campaign, std::int64_t id) {
  auto db = open_reader(file_, options_.busy_timeout);
  if (!db.ok()) return db.error();
  Where w = signature_where(campaign);
  w.add("s.id = " + w.next(), id);
  return first_of<SignatureRecord>(
      db.value().get(), std::string("SELECT ") + kSignatureColumns + " " + kSignatureFrom + w.sql, w.args,
      read_signature);
}

Result<void> SqliteStore::each_person(const std::string& campaign,
                                      const std::function<bool(const PersonRecord&)>& row) {
  auto db = open_reader(file_, options_.busy_timeout);
  if (!db.ok()) return db.error();
  const std::string sql = std::string("SELECT ") + kPersonColumns +
                          " FROM supporters p WHERE p.erased_at IS NULL AND EXISTS (SELECT 1 FROM actions a "
                          "WHERE a.supporter_id = p.id AND a.campaign = ?1 AND a.status IN " +
                          kCountedStatuses + ") ORDER BY p.id";
  return each_row(db.value().get(), sql, {campaign}, [&](const Statement::Use& q) -> Result<bool> {
    auto p = read_person(q);
    if (!p.ok()) return p.error();
    return row(p.value());
  });
}

Result<void> SqliteStore::each_action(const std::string& campaign,
                                      const std::function<bool(const ActionRecord&)>& row) {
  auto db = open_reader(file_, options_.busy_timeout);
  if (!db.ok()) return db.error();
  const Where w = action_where(campaign, {});
  return each_row(db.value().get(), std::string("SELECT ") + kActionColumns + " " + kActionFrom + w.sql + " ORDER BY a.id",
                  w.args, [&](const Statement::Use& q) -> Result<bool> {
                    auto a = read_action(q);
                    if (!a.ok()) return a.error();
                    return row(a.value());
                  });
}

Result<void> SqliteStore::each_signature(const std::string& campaign,
                                         const std::function<bool(const SignatureRecord&)>& row) {
  auto db = open_reader(file_, options_.busy_timeout);
  if (!db.ok()) return db.error();
  const Where w = signature_where(campaign);
  return each_row(db.value().get(),
                  std::string("SELECT ") + kSignatureColumns + " " + kSignatureFrom + w.sql + " ORDER BY s.id", w.args,
                  [&](const Statement::Use& q) -> Result<bool> {
                    auto s = read_signature(q);
                    if (!s.ok()) return s.error();
                    return row(s.value());
                  });
}

}  // namespace twinning::store::sqlite

namespace twinning::store {

// A cross-cast: SqliteStore derives from both interfaces. Another backend that has no ApiStore
// yet gives null, and callers say the API is not available rather than fail obscurely.
ApiStore* api_store(Store& store) { return dynamic_cast<ApiStore*>(&store); }

}  // namespace twinning::store
