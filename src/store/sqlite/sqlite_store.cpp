// The SQLite store: one writer thread that owns the write connection and commits whatever is
// queued in one transaction (group commit), and a separate read connection for the readers.
// Why, and how other processes share the file: docs/decisions/0002-store-sqlite-group-commit.md.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>

#include "store/sqlite/backup.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"
#include "store/time_text.hpp"

namespace twinning::store::sqlite {
namespace {

// The form's consent boxes, one consent row each.
constexpr const char* kScopeThisCampaign = "this_campaign";
constexpr const char* kScopeOtherCampaigns = "other_campaigns";
constexpr const char* kScopePublicListing = "public_listing";

// Emails are matched case-insensitively in ASCII only for now: IDN and Unicode local parts would
// need a normalisation both backends agree on, which the store does not own yet.
std::string email_key(std::string_view email) {
  std::string key(email);
  std::transform(key.begin(), key.end(), key.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return key;
}

std::optional<Error> invalid(const NewAction& a) {
  auto missing = [](const char* field) {
    return Error::make(ErrorKind::bad_request, std::string("the action has no ") + field, field);
  };
  if (a.idempotency_key.empty()) return missing("idempotency_key");
  if (a.request_hash.empty()) return missing("request_hash");
  if (a.campaign.empty()) return missing("campaign");
  if (a.channel.empty()) return missing("channel");
  if (a.supporter_email.empty()) return missing("email");
  if (!time_representable(a.created_at)) {
    return Error::make(ErrorKind::bad_request, "the action's time is out of range", "created_at");
  }
  if (!time_representable(a.consent.given_at)) {
    return Error::make(ErrorKind::bad_request, "the consent's time is out of range", "given_at");
  }
  if (auto e = invalid_signature(a)) return e;
  if (auto e = invalid_letter_request(a)) return e;
  if (auto e = invalid_rate_checks(a)) return e;
  if (auto e = invalid_written_part(a)) return e;
  return invalid_outbox_parts(a);
}

// Fills the zero times the interface documents: created_at "now", given_at = created_at.
void stamp_times(NewAction& a) {
  if (a.created_at == TimePoint{}) {
    a.created_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
  if (a.consent.given_at == TimePoint{}) a.consent.given_at = a.created_at;
}

// Runs the caller's callback; an exception from it must not kill the writer and every action
// queued behind it.
void deliver(const Store::Done& done, Result<Recorded> result) {
  if (!done) return;
  try {
    done(std::move(result));
  } catch (const std::exception& e) {
    spdlog::error("store: a record_action callback threw: {}", e.what());
  } catch (...) {
    spdlog::error("store: a record_action callback threw a non-standard exception");
  }
}

}  // namespace

Error damaged(std::string detail) {
  return Error::make(ErrorKind::internal, "the store holds a damaged record", {}, std::move(detail));
}

Result<TimePoint> read_time(const Statement::Use& row, int column, std::string_view what) {
  const std::string text = row.text(column);
  if (auto t = parse_time(text)) return *t;
  return damaged(std::string(what) + " is not an RFC 3339 UTC time: '" + text + "'");
}

// Steps a statement that must return one row whose first column is an id (INSERT ... RETURNING).
Result<std::int64_t> returned_id(Statement::Use& q) {
  auto row = q.step();
  if (!row.ok()) return row.error();
  if (!row.value()) {
    return Error::make(ErrorKind::internal, "the store failed", {}, "expected a returned id; got no row");
  }
  const std::int64_t id = q.int64(0);
  // Step to the end so the statement is complete before the next one in the transaction.
  auto end = q.step();
  if (!end.ok()) return end.error();
  return id;
}

Error refused(std::string message) { return Error::make(ErrorKind::unavailable, std::move(message)); }

// `t` as stored text, or the earliest time the format can hold when `t` is before it: used for the
// lower bounds of windows (now - visit_window, now - 1 h), where earlier means "everything".
std::string format_lower_bound(TimePoint t) {
  return time_representable(t) ? format_time(t) : std::string("0000-01-01T00:00:00Z");
}

std::optional<Error> invalid_time(TimePoint t, const char* field) {
  if (time_representable(t)) return std::nullopt;
  return Error::make(ErrorKind::bad_request, std::string("the time ") + field + " is out of range", field);
}

// Steps a statement that returns at most one row and reads its first column as an integer.
Result<std::optional<std::int64_t>> single_int(Statement::Use& q) {
  auto row = q.step();
  if (!row.ok()) return row.error();
  if (!row.value()) return std::optional<std::int64_t>{};
  const std::int64_t value = q.int64(0);
  auto end = q.step();
  if (!end.ok()) return end.error();
  return std::optional<std::int64_t>(value);
}

Result<void> prepare_all(sqlite3* db, std::span<const StatementSql> entries) {
  for (const StatementSql& e : entries) {
    auto s = Statement::prepare(db, e.sql);
    if (!s.ok()) return s.error();
    *e.target = std::move(s.value());
  }
  return {};
}

Result<void> SqliteStore::start() {
  if (!options_.read_only) {
    auto db = sqlite::open_db(file_, OpenMode::read_write_create, options_.busy_timeout);
    if (!db.ok()) return db.error();
    write_db_ = std::move(db.value());
    if (auto r = sqlite::configure_writer(write_db_.get(), file_); !r.ok()) return r;
    auto version = sqlite::migrate(write_db_.get(), file_);
    if (!version.ok()) return version.error();
    schema_version_ = version.value();
    if (auto r = prepare_writes(); !r.ok()) return r;
  }
  auto db = sqlite::open_db(file_, OpenMode::read_only, options_.busy_timeout);
  if (!db.ok()) return db.error();
  read_db_ = std::move(db.value());
  if (options_.read_only) {
    auto version = sqlite::existing_version(read_db_.get(), file_);
    if (!version.ok()) return version.error();
    schema_version_ = version.value();
  }
  if (auto r = prepare_reads(); !r.ok()) return r;
  if (!options_.read_only) writer_ = std::thread([this] { run_writer(); });
  return {};
}

Result<void> SqliteStore::prepare_writes() {
  sqlite3* db = write_db_.get();
  const StatementSql entries[] = {
      {&w_.begin, "BEGIN IMMEDIATE"},
      {&w_.commit, "COMMIT"},
      {&w_.rollback, "ROLLBACK"},
      {&w_.savepoint, "SAVEPOINT action"},
      {&w_.release, "RELEASE SAVEPOINT action"},
      {&w_.rollback_to, "ROLLBACK TO SAVEPOINT action"},
      {&w_.find_key,
       "SELECT k.request_hash, k.action_id, a.status FROM idempotency_keys k "
       "JOIN actions a ON a.id = k.action_id WHERE k.key = ?1"},
      {&w_.upsert_supporter,
       "INSERT INTO supporters (email, email_key, name, country, phone, created_at, updated_at) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) "
       "ON CONFLICT (email_key) DO UPDATE SET email = excluded.email, name = excluded.name, "
       "country = excluded.country, phone = excluded.phone, updated_at = excluded.updated_at "
       "RETURNING id"},
      {&w_.insert_action,
       "INSERT INTO actions (supporter_id, campaign, channel, target, language, country, status, "
       "created_at, updated_at, confirmation_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9) RETURNING id"},
      {&w_.insert_consent,
       "INSERT INTO consents (supporter_id, action_id, campaign, scope, given, wording_version, recorded_at) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
      {&w_.insert_key,
       "INSERT INTO idempotency_keys (key, request_hash, action_id, created_at) VALUES (?1, ?2, ?3, ?4)"},
  };
  if (auto r = prepare_all(db, entries); !r.ok()) return r;
  if (auto r = prepare_outbox_writes(); !r.ok()) return r;
  if (auto r = prepare_signature_writes(); !r.ok()) return r;
  if (auto r = prepare_counter_writes(); !r.ok()) return r;
  if (auto r = prepare_letter_writes(); !r.ok()) return r;
  if (auto r = prepare_rate_writes(); !r.ok()) return r;
  if (auto r = prepare_review_writes(); !r.ok()) return r;
  return prepare_event_writes();
}

Result<void> SqliteStore::prepare_reads() {
  sqlite3* db = read_db_.get();
  const std::string columns =
      "SELECT id, supporter_id, campaign, channel, target, language, country, status, created_at, updated_at "
      "FROM actions ";
  const StatementSql entries[] = {
      {&r_.list_all, columns + "ORDER BY id LIMIT ?1"},
      {&r_.list_campaign, columns + "WHERE campaign = ?1 ORDER BY id LIMIT ?2"},
      {&r_.list_channel, columns + "WHERE channel = ?1 ORDER BY id LIMIT ?2"},
      {&r_.list_campaign_channel, columns + "WHERE campaign = ?1 AND channel = ?2 ORDER BY id LIMIT ?3"},
      {&r_.count, "SELECT COUNT(*) FROM actions WHERE campaign = ?1"},
      {&r_.find_supporter,
       "SELECT id, name, email, country, phone, created_at FROM supporters WHERE email_key = ?1"},
      {&r_.consents,
       "SELECT supporter_id, action_id, campaign, scope, given, wording_version, recorded_at "
       "FROM consents WHERE supporter_id = ?1 ORDER BY action_id, scope"},
  };
  if (auto r = prepare_all(db, entries); !r.ok()) return r;
  if (auto r = prepare_outbox_reads(); !r.ok()) return r;
  if (auto r = prepare_signature_reads(); !r.ok()) return r;
  if (auto r = prepare_counter_reads(); !r.ok()) return r;
  if (auto r = prepare_letter_reads(); !r.ok()) return r;
  if (auto r = prepare_review_reads(); !r.ok()) return r;
  return prepare_event_reads();
}

void SqliteStore::record_action(NewAction action, Done done) {
  if (options_.read_only) {
    ++failed_;
    deliver(done, refused("the store is open read-only"));
    return;
  }
  if (auto error = invalid(action)) {
    ++failed_;
    deliver(done, std::move(*error));
    return;
  }
  stamp_times(action);
  const char* refusal = nullptr;
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      refusal = "the store is closing";
    } else if (queued_actions_ >= options_.max_queue) {
      refusal = "too many actions are waiting to be stored; try again in a moment";
    } else {
      queue_.push_back(Work{Pending{std::move(action), std::move(done)}, {}});
      ++queued_actions_;
      ++enqueued_;
    }
  }
  if (refusal != nullptr) {
    ++failed_;
    deliver(done, refused(refusal));
    return;
  }
  work_cv_.notify_one();
}

void SqliteStore::run_writer() {
  std::vector<Pending> batch;
  batch.reserve(std::min<std::size_t>(options_.max_batch, 4096));
  for (;;) {
    batch.clear();
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      if (queue_.front().job) {
        job = std::move(queue_.front().job);
        queue_.pop_front();
      } else {
        // The actions up to the next job: a job waits for the actions asked before it.
        while (!queue_.empty() && !queue_.front().job && batch.size() < options_.max_batch) {
          batch.push_back(std::move(*queue_.front().action));
          queue_.pop_front();
        }
        queued_actions_ -= batch.size();
      }
    }
    if (job) {
      job();  // catches everything itself (see write())
      {
        std::lock_guard lock(mu_);
        ++finished_;
      }
      idle_cv_.notify_all();
      continue;
    }
    auto results = write_batch(batch);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      count(results[i]);
      deliver(batch[i].done, std::move(results[i]));
    }
    {
      std::lock_guard lock(mu_);
      finished_ += batch.size();
    }
    idle_cv_.notify_all();
  }
}

void SqliteStore::count(const Result<Recorded>& r) {
  if (!r.ok()) {
    ++failed_;
  } else if (r.value().duplicate || r.value().already_signed) {
    ++duplicates_;
  } else {
    ++recorded_;
  }
}

// One transaction for the whole batch, one savepoint per action: an action that fails is rolled
// back alone and the others still commit. A failure of the transaction itself fails them all,
// since none of their writes is durable.
std::vector<Result<Recorded>> SqliteStore::write_batch(std::vector<Pending>& batch) {
  sqlite3* db = write_db_.get();
  std::vector<Result<Recorded>> results;
  results.reserve(batch.size());
  auto fail_all = [&](const Error& e) {
    // SQLite rolls back by itself on some errors (IOERR, FULL, NOMEM); otherwise we must.
    if (sqlite3_get_autocommit(db) == 0) (void)w_.rollback.use().run();
    results.clear();
    for (std::size_t i = 0; i < batch.size(); ++i) results.emplace_back(e);
    return std::move(results);
  };

  if (auto r = w_.begin.use().run(); !r.ok()) return fail_all(r.error());
  for (const Pending& p : batch) {
    if (auto r = w_.savepoint.use().run(); !r.ok()) return fail_all(r.error());
    Result<Recorded> one = write_one(p.action);
    if (one.ok()) {
      if (auto r = w_.release.use().run(); !r.ok()) return fail_all(r.error());
    } else {
      // The whole transaction is gone: the earlier actions of the batch are not written either.
      if (sqlite3_get_autocommit(db) != 0) return fail_all(one.error());
      if (auto r = w_.rollback_to.use().run(); !r.ok()) return fail_all(r.error());
      if (auto r = w_.release.use().run(); !r.ok()) return fail_all(r.error());
    }
    results.push_back(std::move(one));
  }
  if (auto r = w_.commit.use().run(); !r.ok()) return fail_all(r.error());
  ++commits_;
  return results;
}

Result<Recorded> SqliteStore::write_one(const NewAction& a) {
  {
    auto q = w_.find_key.use();
    if (auto r = q.bind_all(a.idempotency_key); !r.ok()) return r.error();
    auto row = q.step();
    if (!row.ok()) return row.error();
    if (row.value()) {
      if (q.text(0) != a.request_hash) {
        return Error::make(ErrorKind::conflict,
                           "this form was already submitted with other content; reload the page to start a "
                           "new action",
                           {}, "idempotency key reused with another request hash");
      }
      return Recorded{q.int64(1), true, q.text(2)};
    }
  }
  if (a.signature) {
    auto signed_before = already_signed(a);
    if (!signed_before.ok()) return signed_before.error();
    if (signed_before.value()) {
      Recorded r;
      r.already_signed = true;
      return r;
    }
  }
  if (auto r = take_rate_limits(a); !r.ok()) return r.error();
  const std::string created = format_time(a.created_at);

  std::int64_t supporter_id = 0;
  {
    auto q = w_.upsert_supporter.use();
    if (auto r = q.bind_all(a.supporter_email, email_key(a.supporter_email), a.supporter_name, a.country,
                            a.supporter_phone, created);
        !r.ok()) {
      return r.error();
    }
    auto id = returned_id(q);
    if (!id.ok()) return id.error();
    supporter_id = id.value();
  }

  auto confirmation = join_or_open_confirmation(a, supporter_id);
  if (!confirmation.ok()) return confirmation.error();
  const std::optional<std::int64_t> confirmation_id = confirmation->id;
  const char* status = a.confirmation ? kStatusPending : kStatusRecorded;

  std::int64_t action_id = 0;
  {
    auto q = w_.insert_action.use();
    if (auto r = q.bind_all(supporter_id, a.campaign, a.channel, a.target, a.language, a.country,
                            std::string_view(status), created, confirmation_id);
        !r.ok()) {
      return r.error();
    }
    auto id = returned_id(q);
    if (!id.ok()) return id.error();
    action_id = id.value();
  }
  if (auto r = count_new_action(a, status); !r.ok()) return r.error();

  // The same written text from many people within minutes: held for an organizer (review.cpp).
  bool review = false;
  if (a.written_part) {
    auto held = record_written_part(a, action_id);
    if (!held.ok()) return held.error();
    review = held.value();
  }
  // Held messages carry the confirmation so that confirm() finds them; queued ones are due now.
  const char* message_state = review ? kStateReview : a.confirmation ? kStateHeld : kStateQueued;
  for (const OutboxMessage& m : a.messages) {
    if (auto r = insert_outbox(m, action_id, confirmation_id, message_state, created); !r.ok()) return r.error();
  }
  if (review) {
    if (auto r = hold_for_review(a); !r.ok()) return r.error();
  }

  const struct {
    const char* scope;
    bool given;
  } scopes[] = {{kScopeThisCampaign, a.consent.this_campaign},
                {kScopeOtherCampaigns, a.consent.other_campaigns},
                {kScopePublicListing, a.consent.public_listing}};
  for (const auto& s : scopes) {
    if (auto r = insert_consent(supporter_id, action_id, a, s.scope, s.given); !r.ok()) return r.error();
  }

  if (a.signature) {
    if (auto r = insert_signature(a, action_id, created); !r.ok()) return r.error();
  }
  if (a.letter_request) {
    if (auto r = insert_letter_request(a, action_id); !r.ok()) return r.error();
  }

  {
    auto q = w_.insert_key.use();
    if (auto r = q.bind_all(a.idempotency_key, a.request_hash, action_id, created); !r.ok()) return r.error();
    if (auto r = q.run(); !r.ok()) return r.error();
  }
  Recorded recorded{action_id, false, status, confirmation->mailed};
  recorded.held_for_review = review;
  return recorded;
}

Result<void> SqliteStore::insert_consent(std::int64_t supporter_id, std::int64_t action_id, const NewAction& a,
                                         const char* scope, bool given) {
  auto q = w_.insert_consent.use();
  if (auto r = q.bind_all(supporter_id, action_id, a.campaign, std::string_view(scope), std::int64_t{given ? 1 : 0},
                          a.consent.wording_version, format_time(a.consent.given_at));
      !r.ok()) {
    return r;
  }
  return q.run();
}

Result<void> SqliteStore::flush() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = enqueued_;
  idle_cv_.wait(lock, [&] { return finished_ >= target; });
  return {};
}

StoreStats SqliteStore::stats() const {
  StoreStats s;
  s.commits = commits_.load();
  s.recorded = recorded_.load();
  s.duplicates = duplicates_.load();
  s.failed = failed_.load();
  {
    std::lock_guard lock(mu_);
    s.queued = queued_actions_;
    s.writes_queued = queue_.size() - queued_actions_;
  }
  return s;
}

Result<std::vector<ActionRow>> SqliteStore::list_actions(const ActionFilter& filter) {
  std::lock_guard lock(read_mu_);
  Statement* stmt = &r_.list_all;
  if (filter.campaign && filter.channel) {
    stmt = &r_.list_campaign_channel;
  } else if (filter.campaign) {
    stmt = &r_.list_campaign;
  } else if (filter.channel) {
    stmt = &r_.list_channel;
  }
  auto q = stmt->use();
  int index = 0;
  if (filter.campaign) {
    if (auto r = q.bind(++index, std::string_view(*filter.campaign)); !r.ok()) return r.error();
  }
  if (filter.channel) {
    if (auto r = q.bind(++index, std::string_view(*filter.channel)); !r.ok()) return r.error();
  }
  const auto limit = static_cast<std::int64_t>(
      std::min<std::size_t>(filter.limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
  if (auto r = q.bind(++index, limit); !r.ok()) return r.error();

  std::vector<ActionRow> rows;
  for (;;) {
    auto more = q.step();
    if (!more.ok()) return more.error();
    if (!more.value()) break;
    ActionRow row;
    row.id = q.int64(0);
    row.supporter_id = q.int64(1);
    row.campaign = q.text(2);
    row.channel = q.text(3);
    row.target = q.text(4);
    row.language = q.text(5);
    row.country = q.text(6);
    row.status = q.text(7);
    auto created = read_time(q, 8, "actions.created_at of action " + std::to_string(row.id));
    if (!created.ok()) return created.error();
    auto updated = read_time(q, 9, "actions.updated_at of action " + std::to_string(row.id));
    if (!updated.ok()) return updated.error();
    row.created_at = created.value();
    row.updated_at = updated.value();
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::int64_t> SqliteStore::count_actions(const std::string& campaign) {
  std::lock_guard lock(read_mu_);
  auto q = r_.count.use();
  if (auto r = q.bind_all(std::string_view(campaign)); !r.ok()) return r.error();
  auto row = q.step();
  if (!row.ok()) return row.error();
  if (!row.value()) return Error::make(ErrorKind::internal, "the store failed", {}, "COUNT(*) returned no row");
  return q.int64(0);
}

Result<std::optional<SupporterRow>> SqliteStore::find_supporter(const std::string& email) {
  std::lock_guard lock(read_mu_);
  auto q = r_.find_supporter.use();
  if (auto r = q.bind_all(email_key(email)); !r.ok()) return r.error();
  auto row = q.step();
  if (!row.ok()) return row.error();
  if (!row.value()) return std::optional<SupporterRow>{};
  SupporterRow s;
  s.id = q.int64(0);
  s.name = q.text(1);
  s.email = q.text(2);
  s.country = q.text(3);
  s.phone = q.text(4);
  auto created = read_time(q, 5, "supporters.created_at of supporter " + std::to_string(s.id));
  if (!created.ok()) return created.error();
  s.created_at = created.value();
  return std::optional<SupporterRow>(std::move(s));
}

Result<std::vector<ConsentRow>> SqliteStore::consents_of(std::int64_t supporter_id) {
  std::lock_guard lock(read_mu_);
  auto q = r_.consents.use();
  if (auto r = q.bind_all(supporter_id); !r.ok()) return r.error();
  std::vector<ConsentRow> rows;
  for (;;) {
    auto more = q.step();
    if (!more.ok()) return more.error();
    if (!more.value()) break;
    ConsentRow c;
    c.supporter_id = q.int64(0);
    c.action_id = q.int64(1);
    c.campaign = q.text(2);
    c.scope = q.text(3);
    c.given = q.int64(4) != 0;
    c.wording_version = q.text(5);
    auto at = read_time(q, 6, "consents.recorded_at of action " + std::to_string(c.action_id));
    if (!at.ok()) return at.error();
    c.recorded_at = at.value();
    rows.push_back(std::move(c));
  }
  return rows;
}

Result<void> SqliteStore::backup_to(const std::filesystem::path& file) {
  return sqlite::backup(file_, file, options_.busy_timeout);
}

}  // namespace twinning::store::sqlite

namespace twinning::store {

std::filesystem::path sqlite_file(const std::filesystem::path& data_dir) { return data_dir / "twinning.db"; }

Result<std::unique_ptr<Store>> open_sqlite(const std::filesystem::path& data_dir, SqliteOptions options) {
  if (options.max_batch == 0 || options.max_queue == 0 || options.max_events_queue == 0) {
    return Error::make(ErrorKind::bad_request, "the store's max_batch, max_queue and max_events_queue must be at least 1");
  }
  const auto file = sqlite_file(data_dir);
  std::error_code ec;
  if (options.read_only) {
    if (!std::filesystem::exists(file, ec)) {
      return Error::make(ErrorKind::not_found, "there is no twinning store in " + data_dir.string(), {},
                         file.string() + " does not exist");
    }
  } else {
    std::filesystem::create_directories(data_dir, ec);
    if (ec) {
      return Error::make(ErrorKind::io, "cannot create the data directory " + data_dir.string() + ": " + ec.message(),
                         {}, "create_directories failed");
    }
    if (!std::filesystem::is_directory(data_dir, ec)) {
      return Error::make(ErrorKind::io, "the data directory " + data_dir.string() + " is not a directory");
    }
  }
  auto store = std::make_unique<sqlite::SqliteStore>(file, options);
  if (auto r = store->start(); !r.ok()) return r.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace twinning::store

