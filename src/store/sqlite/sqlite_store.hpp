#pragma once
// The SQLite store's class, shared by its two source files: sqlite_store.cpp (the writer thread,
// actions and their reads; docs/decisions/0002) and outbox.cpp (confirmations and the outbox;
// docs/decisions/0004). Internal to src/store/sqlite: everything else uses store/store.hpp.
#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "store/api_store.hpp"
#include "store/organizer_store.hpp"
#include "store/sqlite/db.hpp"
#include "store/store.hpp"

namespace twinning::store::sqlite {

// Action statuses. An action without a confirmation is `recorded` at once; with one it is
// `pending` until the supporter confirms (`confirmed`) or the link expires (`expired`).
inline constexpr const char* kStatusRecorded = "recorded";
inline constexpr const char* kStatusPending = "pending";

// Outbox states (docs/decisions/0004-outbox-delivery.md). The SQL spells them out too.
inline constexpr const char* kStateHeld = "held";
inline constexpr const char* kStateQueued = "queued";

// A statement to prepare, and where to keep it.
struct StatementSql {
  Statement* target;
  std::string sql;
};
Result<void> prepare_all(sqlite3* db, std::span<const StatementSql> entries);

// A record the store cannot read back as written (internal, with the detail for the log).
Error damaged(std::string detail);
// The store cannot take the write now (unavailable).
Error refused(std::string message);
Result<TimePoint> read_time(const Statement::Use& row, int column, std::string_view what);
// Steps a statement that must return one row whose first column is an id (INSERT ... RETURNING).
Result<std::int64_t> returned_id(Statement::Use& q);
// Steps a statement that returns at most one row and reads its first column as an integer.
Result<std::optional<std::int64_t>> single_int(Statement::Use& q);
// `t` as stored text, or the earliest time the format can hold when `t` is before it: used for the
// lower bounds of windows (now - visit_window, now - 1 h), where earlier means "everything".
std::string format_lower_bound(TimePoint t);
// bad_request naming `field` when `t` is outside the years the store can write.
std::optional<Error> invalid_time(TimePoint t, const char* field);
// The messages and confirmation request of an action, checked before it is queued (outbox.cpp).
std::optional<Error> invalid_outbox_parts(const NewAction& a);
// The signature of an action, if it has one, checked before it is queued (signatures.cpp).
std::optional<Error> invalid_signature(const NewAction& a);
// The letter request of an action, if it has one (letters.cpp).
std::optional<Error> invalid_letter_request(const NewAction& a);
// The rate checks of an action (rate_limits.cpp).
std::optional<Error> invalid_rate_checks(const NewAction& a);
// The written part of an action (review.cpp).
std::optional<Error> invalid_written_part(const NewAction& a);
inline constexpr const char* kStateReview = "review";

class SqliteStore final : public Store, public ApiStore, public OrganizerStore {
 public:
  SqliteStore(std::filesystem::path file, SqliteOptions options) : file_(std::move(file)), options_(options) {}
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  ~SqliteStore() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    work_cv_.notify_all();
    // The writer drains the queue before it returns, so the destructor flushes.
    if (writer_.joinable()) writer_.join();
  }

  Result<void> start();

  void record_action(NewAction action, Done done) override;
  Result<std::vector<ActionRow>> list_actions(const ActionFilter& filter) override;
  Result<std::int64_t> count_actions(const std::string& campaign) override;
  Result<std::optional<SupporterRow>> find_supporter(const std::string& email) override;
  Result<std::vector<ConsentRow>> consents_of(std::int64_t supporter_id) override;
  Result<void> backup_to(const std::filesystem::path& file) override;
  Result<void> flush() override;
  int schema_version() const override { return schema_version_; }
  StoreStats stats() const override;

  Result<ConfirmResult> confirm(const std::string& token_hash, TimePoint now) override;
  Result<std::int64_t> expire_unconfirmed(TimePoint now) override;
  Result<std::vector<OutboxRow>> claim_outbox(TimePoint now, const ClaimRules& rules) override;
  Result<void> outbox_sent(std::int64_t id, TimePoint now, const std::string& server_reply) override;
  Result<void> outbox_retry(std::int64_t id, TimePoint next_attempt_at, const std::string& error) override;
  Result<void> outbox_failed(std::int64_t id, TimePoint now, const std::string& error, bool flag_recipient) override;
  Result<std::int64_t> requeue_sending(TimePoint now) override;
  Result<void> outbox_requeue(std::int64_t id, TimePoint now) override;
  Result<std::vector<OutboxRow>> list_outbox(const OutboxFilter& filter) override;
  Result<std::optional<OutboxRow>> find_outbox_by_message_id(const std::string& message_id) override;
  Result<void> set_outbox_paused(bool paused) override;
  Result<bool> outbox_paused() override;
  Result<std::vector<FlaggedContact>> flagged_contacts() override;

  void record_event(EventRecord event, EventDone done) override;
  Result<std::vector<EventCount>> count_events(const EventFilter& filter) override;

  Result<std::int64_t> count_signatures(const std::string& campaign) override;
  Result<std::vector<LetterRequestRow>> list_letter_requests(const LetterRequestFilter& filter) override;
  Result<std::int64_t> mark_letters_printed(const std::vector<std::int64_t>& action_ids, TimePoint now) override;
  Result<std::vector<ReviewItem>> list_review(const std::string& campaign, std::size_t limit) override;
  Result<std::int64_t> queue_messages(const std::vector<OutboxMessage>& messages, TimePoint now) override;
  Result<std::int64_t> release_review(std::int64_t action_id, TimePoint now) override;
  Result<std::int64_t> reject_review(std::int64_t action_id, TimePoint now) override;
  Result<std::vector<PublicSigner>> latest_signers(const std::string& campaign, std::size_t limit) override;

  // Organizer accounts, sessions, the login rate limit (OrganizerStore): organizers.cpp; the
  // action counters: counters.cpp.
  Result<OrganizerUser> add_organizer(const NewOrganizer& user) override;
  Result<std::vector<OrganizerUser>> list_organizers() override;
  Result<std::optional<OrganizerUser>> find_organizer(const std::string& email) override;
  Result<void> remove_organizer(const std::string& email) override;
  Result<void> create_session(const NewSession& session) override;
  Result<std::optional<SessionRow>> find_session(const std::string& token_hash) override;
  Result<void> touch_session(const std::string& token_hash, TimePoint now) override;
  Result<void> delete_session(const std::string& token_hash) override;
  Result<std::int64_t> purge_sessions(TimePoint expires_before, TimePoint idle_before) override;
  Result<LoginFailures> login_failures(const std::string& key, TimePoint window_start) override;
  Result<void> add_login_failure(const std::vector<std::string>& keys, TimePoint window_start) override;
  Result<void> clear_login_failures(const std::string& key) override;
  Result<std::vector<ActionTally>> tally_actions(const std::string& campaign, TallyBy by) override;
  Result<std::vector<DeliveryFailure>> delivery_failures(const std::string& campaign, std::size_t limit) override;
  Result<std::int64_t> count_delivery_failures(const std::string& campaign) override;

  // The organizer API, exports and privacy (ApiStore): api_keys.cpp and privacy.cpp.
  Result<std::int64_t> add_api_key(const NewApiKey& key) override;
  Result<void> revoke_api_key(std::int64_t id, TimePoint now) override;
  Result<std::vector<ApiKeyRow>> list_api_keys() override;
  Result<std::optional<ApiKeyRow>> find_api_key(const std::string& prefix) override;
  Result<RecordPage<PersonRecord>> people(const RecordQuery& query) override;
  Result<std::optional<PersonRecord>> person(std::int64_t id) override;
  Result<RecordPage<ActionRecord>> actions(const std::string& campaign, const std::vector<std::string>& channels,
                                           const RecordQuery& query) override;
  Result<std::optional<ActionRecord>> action(const std::string& campaign, std::int64_t id) override;
  Result<RecordPage<SignatureRecord>> signatures(const std::string& campaign, const RecordQuery& query) override;
  Result<std::optional<SignatureRecord>> signature(const std::string& campaign, std::int64_t id) override;
  Result<void> each_person(const std::string& campaign, const std::function<bool(const PersonRecord&)>& row) override;
  Result<void> each_action(const std::string& campaign, const std::function<bool(const ActionRecord&)>& row) override;
  Result<void> each_signature(const std::string& campaign,
                              const std::function<bool(const SignatureRecord&)>& row) override;
  Result<std::optional<PersonData>> person_data(const std::string& email) override;
  Result<EraseResult> erase_person(const std::string& email, TimePoint now) override;
  Result<EraseResult> anonymize_inactive(TimePoint cutoff, TimePoint now) override;

 private:
  struct Pending {
    NewAction action;
    Done done;
  };
  // What the writer takes from its queue: an action (committed with the others queued beside it,
  // group commit) or a job, a write of its own run alone in its own transaction. One queue for
  // both keeps them in the order they were asked for.
  struct Work {
    std::optional<Pending> action;
    std::function<void()> job;
  };

  struct PendingEvent {
    EventRecord event;
    EventDone done;
  };

  struct WriteStatements {
    Statement begin, commit, rollback, savepoint, release, rollback_to;
    Statement find_key, upsert_supporter, insert_action, insert_consent, insert_key;
    Statement find_open_confirmation, insert_confirmation, insert_outbox;
    Statement find_confirmation, set_confirmed, release_held, confirm_actions, expire_held_of, expire_actions_of;
    Statement expire_held_all, expire_actions_all;
    Statement paused, due, pacing_count, claim_one;
    Statement mark_sent, mark_retry, mark_failed, flag, requeue_sending, state_of, requeue_one, set_paused;
    Statement add_event;
    Statement find_signature, drop_signature, insert_signature;
    // Action counters (counters.cpp): every write or status change of an action moves them.
    Statement count_action, pending_groups_of, pending_groups_expiring;
    Statement insert_letter_request, mark_letter_printed;
    Statement rate_count, rate_add, rate_expire;
    Statement insert_written, same_text_people, hold_same_text, action_status_of, release_one_review,
        reject_one_review;
  };
  struct ReadStatements {
    Statement list_all, list_campaign, list_channel, list_campaign_channel;
    Statement count, find_supporter, consents;
    Statement list_outbox_all, list_outbox_state, outbox_by_message_id, outbox_paused, flagged;
    Statement count_events_campaign, count_events_channel;
    Statement count_signatures, latest_signers;
    Statement tally_day_channel, tally_channel, tally_target, tally_country;
    Statement list_letter_requests;
    Statement list_review_all, list_review_campaign;
  };

  Result<void> prepare_writes();
  Result<void> prepare_reads();
  // The statements of confirmations and the outbox (outbox.cpp).
  Result<void> prepare_outbox_writes();
  Result<void> prepare_outbox_reads();
  // The statements of event counts (events.cpp).
  Result<void> prepare_event_writes();
  Result<void> prepare_event_reads();
  // The statements of petition signatures (signatures.cpp).
  Result<void> prepare_signature_writes();
  Result<void> prepare_signature_reads();
  // The statements of letter requests (letters.cpp).
  Result<void> prepare_letter_writes();
  Result<void> prepare_letter_reads();
  Result<void> insert_letter_request(const NewAction& a, std::int64_t action_id);
  // The rate limits (rate_limits.cpp): refused when one is reached, else each counted once.
  Result<void> prepare_rate_writes();
  Result<void> take_rate_limits(const NewAction& a);
  // The review queue (review.cpp): the written part stored; true when the action is to be held.
  Result<void> prepare_review_writes();
  Result<void> prepare_review_reads();
  Result<bool> record_written_part(const NewAction& a, std::int64_t action_id);
  Result<void> hold_for_review(const NewAction& a);
  // Inside write_one, before anything is written: true when the campaign already has a live
  // signature with the action's email_key (an expired one is removed here so the person can sign).
  Result<bool> already_signed(const NewAction& a);
  Result<void> insert_signature(const NewAction& a, std::int64_t action_id, const std::string& created);
  // The action counters (counters.cpp), called inside the transaction that writes the action or
  // changes its status, before the change: a new action of `status`, or the pending actions of a
  // confirmation (or all whose confirmation expired by `now`) about to become `to`.
  Result<void> prepare_counter_writes();
  Result<void> prepare_counter_reads();
  Result<void> count_new_action(const NewAction& a, const char* status);
  Result<void> count_pending_of(std::int64_t confirmation_id, const char* to);
  Result<void> count_pending_expiring(const std::string& now);
  Result<void> move_pending(Statement::Use& groups, const char* to);
  // The writer's job: sums the events waiting and writes them in one transaction.
  void write_pending_events();
  void run_writer();
  std::vector<Result<Recorded>> write_batch(std::vector<Pending>& batch);
  Result<Recorded> write_one(const NewAction& a);
  struct Confirmation {
    std::optional<std::int64_t> id;  // none when the action asks for no confirmation
    bool mailed = false;             // a new confirmation, whose mail was queued
  };
  Result<Confirmation> join_or_open_confirmation(const NewAction& a, std::int64_t supporter_id);
  Result<void> insert_outbox(const OutboxMessage& m, std::optional<std::int64_t> action_id,
                             std::optional<std::int64_t> confirmation_id, const char* state,
                             const std::string& created);
  Result<void> insert_consent(std::int64_t supporter_id, std::int64_t action_id, const NewAction& a,
                              const char* scope, bool given);
  void count(const Result<Recorded>& r);

  // Runs `body` on the writer thread inside one write transaction (committed when it succeeds,
  // rolled back when it fails) and waits for its result.
  template <typename T>
  Result<T> write(std::function<Result<T>()> body);
  template <typename T>
  Result<T> in_transaction(const std::function<Result<T>()>& body);
  // Why an update of message `id` changed nothing: it does not exist, or it is in another state.
  Error not_changed(std::int64_t id, std::string_view expected);
  Result<std::vector<OutboxRow>> claim(TimePoint now, const ClaimRules& rules);
  Result<ConfirmResult> confirm_in_transaction(const std::string& token_hash, TimePoint now);
  // After an erasure (privacy.cpp): secure_delete off again and the WAL checkpointed into the file.
  Result<void> clear_erased_pages();

  const std::filesystem::path file_;
  const SqliteOptions options_;
  int schema_version_ = 0;

  // Owned by the writer thread once it runs. Statements after their connection: destroyed first.
  DbPtr write_db_;
  WriteStatements w_;

  std::mutex read_mu_;  // one reader at a time on the read connection
  DbPtr read_db_;
  ReadStatements r_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // the writer waits for work
  std::condition_variable idle_cv_;  // flush() waits for the writer
  std::deque<Work> queue_;
  std::size_t queued_actions_ = 0;  // the actions in queue_ (jobs are not bounded by max_queue)
  bool stopping_ = false;
  // Events waiting for the writer; a job to write them is queued when the first one arrives.
  std::vector<PendingEvent> pending_events_;
  std::uint64_t enqueued_ = 0;  // work ever queued
  std::uint64_t finished_ = 0;  // work finished: a job run, or an action whose `done` has returned

  std::atomic<std::uint64_t> commits_{0}, recorded_{0}, duplicates_{0}, failed_{0};

  std::thread writer_;
};

template <typename T>
Result<T> SqliteStore::write(std::function<Result<T>()> body) {
  if (options_.read_only) return refused("the store is open read-only");
  if (std::this_thread::get_id() == writer_.get_id()) {
    return Error::make(ErrorKind::internal, "the store failed", {},
                       "a store write was called from inside a record_action callback: it would wait for itself");
  }
  std::promise<Result<T>> promise;
  auto future = promise.get_future();
  auto job = [this, &body, &promise] {
    // An exception must not end the writer thread and every write queued behind this one.
    try {
      promise.set_value(in_transaction<T>(body));
    } catch (const std::exception& e) {
      promise.set_value(Error::make(ErrorKind::internal, "the store failed", {}, e.what()));
    } catch (...) {
      promise.set_value(Error::make(ErrorKind::internal, "the store failed", {}, "a non-standard exception"));
    }
  };
  {
    std::lock_guard lock(mu_);
    if (stopping_) return refused("the store is closing");
    queue_.push_back(Work{std::nullopt, std::move(job)});
    ++enqueued_;
  }
  work_cv_.notify_one();
  return future.get();
}

template <typename T>
Result<T> SqliteStore::in_transaction(const std::function<Result<T>()>& body) {
  sqlite3* db = write_db_.get();
  if (auto r = w_.begin.use().run(); !r.ok()) return r.error();
  Result<T> result = body();
  if (!result.ok()) {
    // SQLite rolls back by itself on some errors (IOERR, FULL, NOMEM); otherwise we must.
    if (sqlite3_get_autocommit(db) == 0) (void)w_.rollback.use().run();
    return result;
  }
  if (auto r = w_.commit.use().run(); !r.ok()) {
    if (sqlite3_get_autocommit(db) == 0) (void)w_.rollback.use().run();
    return r.error();
  }
  ++commits_;
  return result;
}

}  // namespace twinning::store::sqlite
