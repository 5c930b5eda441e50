#pragma once
// The store interface. SQLite (src/store/sqlite/) implements it now; PostgreSQL comes later
// behind the same interface, so the SQL stays portable and the tests are one suite for both.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace twinning::store {

using TimePoint = std::chrono::sys_seconds;

// The consent choices of the action form; none is pre-ticked. Recorded with the version of the
// wording the supporter saw and the time they gave it.
struct Consent {
  bool this_campaign = false;    // "contact me about this campaign"
  bool other_campaigns = false;  // "contact me about other campaigns"
  bool public_listing = false;   // "show my first name and country publicly"
  std::string wording_version;
  TimePoint given_at{};
};

struct NewAction {
  std::string idempotency_key;  // one action per key, however often the form is submitted
  std::string request_hash;     // digest of the content: the same key with other content conflicts
  std::string campaign;
  std::string channel;   // email | webform | letter | call | post | share | petition
  std::string target;    // a target id, or empty when the action is not for one target
  std::string language;  // the page language the supporter used
  std::string country;   // the supporter's country, ISO 3166-1 alpha-2
  std::string supporter_name;
  std::string supporter_email;
  std::string supporter_phone;  // E.164 or empty
  Consent consent;
  TimePoint created_at{};
};

struct Recorded {
  std::int64_t action_id = 0;
  bool duplicate = false;  // the key was seen before: nothing new was written
  std::string status;      // the action's status (recorded for now; later channels move it on)
};

struct ActionRow {
  std::int64_t id = 0;
  std::int64_t supporter_id = 0;
  std::string campaign, channel, target, language, country, status;
  TimePoint created_at{}, updated_at{};
};

struct SupporterRow {
  std::int64_t id = 0;
  std::string name, email, country, phone;
  TimePoint created_at{};
};

struct ConsentRow {
  std::int64_t supporter_id = 0;
  std::int64_t action_id = 0;
  std::string campaign;
  std::string scope;  // this_campaign | other_campaigns | public_listing
  bool given = false;
  std::string wording_version;
  TimePoint recorded_at{};
};

// What the store has done since it was opened (this instance only): for tests, logs and metrics.
struct StoreStats {
  std::uint64_t commits = 0;     // write transactions committed by the writer (one per batch)
  std::uint64_t recorded = 0;    // actions newly written
  std::uint64_t duplicates = 0;  // actions answered from their idempotency key, nothing written
  std::uint64_t failed = 0;      // actions answered with an error (refused, conflict, failed batch)
  std::uint64_t queued = 0;      // actions waiting for the writer now
};

struct ActionFilter {
  std::optional<std::string> campaign;
  std::optional<std::string> channel;
  std::size_t limit = 1000;
};

class Store {
 public:
  using Done = std::function<void(Result<Recorded>)>;
  virtual ~Store() = default;

  // Queues an action for the writer, which commits whatever is queued in one transaction
  // (group commit) and calls `done` once it is durable, or with the error. `done` runs on the
  // writer's thread: post back to your own executor from it, and do not block in it (every
  // action queued behind waits). An action refused at once (queue full: unavailable; store
  // read-only or closing: unavailable; a required field empty: bad_request) gets its `done` on
  // the caller's thread before record_action returns, so do not hold a lock that `done` takes.
  //
  // Idempotent by key: the same key with the same request_hash answers the first action's id
  // with duplicate=true and writes nothing; with another hash it is a conflict. The supporter is
  // matched by email (ASCII case-insensitive); the latest name, country and phone win. One
  // consent row per scope is written with the action. A zero created_at means "now"; a zero
  // consent.given_at means created_at.
  virtual void record_action(NewAction action, Done done) = 0;
  // The same, waiting for the result (CLI and tests). Never call it from inside a `done`.
  Result<Recorded> record_action_sync(NewAction action);

  // Reads see what is committed, by this instance or any other process; callable from any thread
  // while the writer runs.
  // Actions in the order they were recorded (ascending id), at most filter.limit of them.
  virtual Result<std::vector<ActionRow>> list_actions(const ActionFilter& filter) = 0;
  virtual Result<std::int64_t> count_actions(const std::string& campaign) = 0;
  // Matched ASCII case-insensitively; the row holds the email as last typed.
  virtual Result<std::optional<SupporterRow>> find_supporter(const std::string& email) = 0;
  // Every consent row of the supporter, by action then scope: the full history.
  virtual Result<std::vector<ConsentRow>> consents_of(std::int64_t supporter_id) = 0;

  // A consistent copy of the whole store while it is in use (SQLite online backup, one read
  // snapshot), as one self-contained file. It is written beside `file` and renamed over it, so
  // `file` is never half written. bad_request for an empty path or the store's own file; io when
  // the copy cannot be written (e.g. its directory does not exist).
  virtual Result<void> backup_to(const std::filesystem::path& file) = 0;
  // Waits until everything queued so far is committed and its `done` has returned. Called on
  // SIGTERM before exit. Never call it from inside a `done` (the writer would wait for itself).
  virtual Result<void> flush() = 0;
  // The schema version of the open store (the highest migration applied).
  virtual int schema_version() const = 0;
  virtual StoreStats stats() const = 0;
};

struct SqliteOptions {
  std::chrono::milliseconds busy_timeout{5000};  // how long a writer waits for another process
  std::size_t max_batch = 512;                   // most actions committed in one transaction
  std::size_t max_queue = 100000;                // queued actions before record_action refuses
  bool read_only = false;                        // for commands that only read
};

// Opens (creating if needed) the SQLite store in `data_dir`/twinning.db, in WAL mode with
// synchronous=FULL and foreign keys on, and applies the pending migrations in one transaction.
// Several instances, in this process or others (serve, check, backup), may open the same
// directory: each has its own connections; reads see committed data; writes wait up to
// busy_timeout for one another. Errors: io when the directory or file cannot be created or
// opened; unavailable when the file has a newer schema than this binary knows or stays locked;
// not_found when read_only and there is no store yet; bad_request for invalid options.
// With read_only, nothing is created or migrated and record_action is refused.
// Do not fork() with a store open and use the store (or open another) in the child: SQLite
// connections and their locks do not survive fork. Fork first, then open.
Result<std::unique_ptr<Store>> open_sqlite(const std::filesystem::path& data_dir, SqliteOptions options = {});

// The file the SQLite store keeps in `data_dir`.
std::filesystem::path sqlite_file(const std::filesystem::path& data_dir);

}  // namespace twinning::store
