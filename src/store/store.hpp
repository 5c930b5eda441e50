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

// A message to deliver later through the generic outbox (email now; web forms, webhooks and
// petition deliveries later).
struct OutboxMessage {
  std::string kind = "email";  // email | webform | webhook | petition
  std::string target;          // the campaign's target id, or empty (e.g. the supporter's own mail)
  std::string recipient;       // the address it goes to (for email: the RFC 5321 forward path)
  std::string pacing_key;      // messages with the same key are paced together (e.g. the recipient);
                               // empty: never held back by pacing (e.g. the supporter's own mail)
  std::string envelope_from;   // for email: the return path (VERP: one per message)
  std::string message_id;      // for email: the Message-ID, to match bounces and logs
  std::string payload;         // for email: the whole RFC 5322 message, CRLF line ends. Stored as
                               // text, byte for byte; no NUL (PostgreSQL text cannot hold one)
};

// Asks for confirmation before anything reaches an official: the messages of the action are held
// until the supporter opens the link sent in `mail` (WriteToThem's rule).
struct ConfirmationRequest {
  std::string token_hash;  // hex digest of the secret token; the token itself is only in `mail`
  TimePoint expires_at{};
  // One confirmation covers every action of the supporter's visit: while an unconfirmed, unexpired
  // confirmation for the same supporter and campaign exists that was created within `visit_window`,
  // the action joins it and `mail` is not sent again.
  std::chrono::seconds visit_window{std::chrono::hours{2}};
  OutboxMessage mail;  // the confirmation mail to the supporter (queued at once)
};

// A petition signature, written with its action (channel petition) in the same transaction.
struct NewSignature {
  // The supporter's email normalized by the caller (app::petition_email_key: Unicode case folding,
  // IDN domain in ASCII): one signature per key and campaign.
  std::string email_key;
  std::string comment;  // optional, as typed (may hold several lines); escaped wherever it is shown
};

// A request to print and post a supporter's letters (channel letter, target "print"), written
// with its action: what the letters need that the action has no column for.
struct NewLetterRequest {
  std::vector<std::string> address_lines;  // 1 to 3 lines of the sender's address, as typed
  std::string place;                       // the town written before the date; may be empty
};

// One request to print and post, with what the letters need (list_letter_requests).
struct LetterRequestRow {
  std::int64_t action_id = 0;
  std::string campaign;
  std::string language;
  std::string country;
  std::string status;  // the action's: recorded | pending | confirmed | expired
  std::string supporter_name;
  std::string supporter_email;
  std::vector<std::string> address_lines;
  std::string place;
  TimePoint created_at{};
  std::optional<TimePoint> printed_at;
};

struct LetterRequestFilter {
  std::string campaign;
  std::int64_t after_action_id = 0;  // for paging: rows with a larger action id, in id order
  std::size_t limit = 200;
  bool include_unconfirmed = false;  // default: confirmed actions only
  bool include_printed = false;      // default: not yet marked printed
};

// One rate limit an action must keep (docs/decisions/0011-rate-limits.md): at most `limit`
// actions per `bucket` in each fixed window of length `window`. The bucket is opaque to the store
// (the application makes it of keyed hashes, never of a raw address).
struct RateCheck {
  std::string rule;    // names the limit in the error: per_address | per_email | per_target
  std::string bucket;  // e.g. "ip:<hash>"
  std::chrono::seconds window{};
  std::int64_t limit = 0;
};

// The part of an action's messages the supporter wrote (a note, edits), for the review queue
// (docs/decisions/0013-review-queue.md).
struct WrittenPart {
  std::string fingerprint;  // the same for the same text (the application normalizes it)
  std::string text;         // as written, for organizers to read
  // When this many different people sent the same fingerprint within `window` (this one
  // included), the action's messages, and the others' not yet sent, are held for review.
  std::int64_t hold_from_people = 0;  // 0: never held
  std::chrono::seconds window{};
};

// An action whose messages wait for an organizer (list_review).
struct ReviewItem {
  std::int64_t action_id = 0;
  std::string campaign, channel, status, supporter_name, supporter_email, text;
  std::int64_t messages = 0;          // in review
  std::int64_t same_text_people = 0;  // people who sent the same written part, ever
  TimePoint created_at{};
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
  // Messages this action sends (written in the same transaction as the action). Without a
  // confirmation request they are queued at once; with one they are held until confirmed.
  std::vector<OutboxMessage> messages;
  std::optional<ConfirmationRequest> confirmation;
  // Set for a petition signature. When the campaign already has a signature with the same
  // email_key (pending or confirmed), nothing is written and Recorded::already_signed is set; a
  // signature whose confirmation expired does not count as one and is replaced.
  std::optional<NewSignature> signature;
  // Set for a letter the organization prints and posts (channel letter).
  std::optional<NewLetterRequest> letter_request;
  // Limits checked and counted in the action's own transaction: when one is reached nothing is
  // written and the result is a rate_limited error whose field names the rule. A resubmission of
  // a recorded action (same idempotency key) is answered before the limits and counts nothing.
  std::vector<RateCheck> rate_checks;
  // Set when the supporter wrote part of the messages (a note, edits); see WrittenPart.
  std::optional<WrittenPart> written_part;
};

struct Recorded {
  std::int64_t action_id = 0;
  bool duplicate = false;  // the key was seen before: nothing new was written
  std::string status;      // recorded | pending (awaiting confirmation) | confirmed | expired
  bool confirmation_mailed = false;  // a new confirmation mail was queued (false: joined an open one)
  bool already_signed = false;       // a signature for a person who signed before: nothing written,
                                     // action_id 0, status empty
  bool held_for_review = false;      // its messages wait for an organizer (WrittenPart)
};

// A confirmed signer who agreed to be listed publicly (consent public_listing on that signature).
struct PublicSigner {
  std::string first_name;  // the first word of the name they gave, nothing more
  std::string country;
  TimePoint signed_at{};   // when the signature was confirmed
};

struct ConfirmResult {
  enum class Outcome { confirmed, already_confirmed, expired, unknown };
  Outcome outcome = Outcome::unknown;
  std::string campaign, language;  // of the confirmation, to answer in the supporter's language
  std::int64_t actions = 0;         // actions confirmed by this call
  std::int64_t messages = 0;        // messages moved from held to queued by this call
};

// held: waits for the supporter's confirmation; queued: due at next_attempt_at; sending: claimed by
// a worker; sent; failed (permanently, or retried until the deadline); expired: never confirmed.
struct OutboxRow {
  std::int64_t id = 0;
  std::int64_t action_id = 0;  // 0 for messages not tied to an action (confirmation mails)
  std::string kind, target, recipient, pacing_key, envelope_from, message_id, payload, state, last_error;
  int attempts = 0;
  TimePoint created_at{}, next_attempt_at{}, updated_at{};
  std::optional<TimePoint> sent_at;
};

struct OutboxFilter {
  std::optional<std::string> state;
  std::size_t limit = 100;
};

struct ClaimRules {
  std::size_t limit = 50;                   // most messages claimed at once
  std::size_t per_pacing_key_per_hour = 20;  // sent (or sending) in the last hour per key; 0 = no pacing
};

struct FlaggedContact {
  std::string address, reason;
  TimePoint flagged_at{};
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
  std::uint64_t writes_queued = 0;  // other writes (confirm, claim_outbox, ...) waiting for the writer now
};

// Something a supporter did that is counted but not recorded as their action: opening the
// prepared mail in their own mail program, a call's outcome, a share. Counted per day; nothing
// personal is kept (see migrations/0003_events.sql).
struct EventRecord {
  std::string campaign;
  std::string channel;   // email | call | share | ...
  std::string target;    // a target id, or empty
  std::string kind;      // what happened, e.g. own_mail.gmail, call.wrong_number
  std::string language;  // the page language, or empty
  std::string country;   // the supporter's country, or empty
  TimePoint at{};        // zero: now
};

// Events summed over days, languages and countries.
struct EventCount {
  std::string channel, target, kind;
  std::int64_t count = 0;
};

struct EventFilter {
  std::string campaign;
  std::optional<std::string> channel;
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

  // Counts an event without waiting: events queued while the writer is busy are summed and
  // written together in one transaction, so a burst costs one commit. `done`, if given, runs on
  // the writer's thread once the count is durable (or with the error); the same rules as for
  // record_action's `done`. Refused at once (on the caller's thread) when a field is missing or too
  // long (bad_request) or too many events are waiting (unavailable).
  using EventDone = std::function<void(Result<void>)>;
  virtual void record_event(EventRecord event, EventDone done = {}) = 0;
  // Counts of `filter.campaign` (and channel, if set), by channel, target and kind.
  virtual Result<std::vector<EventCount>> count_events(const EventFilter& filter) = 0;

  // Reads see what is committed, by this instance or any other process; callable from any thread
  // while the writer runs.
  // Signatures of the campaign's petition whose action is confirmed.
  virtual Result<std::int64_t> count_signatures(const std::string& campaign) = 0;
  // The latest confirmed signers who agreed to be listed, newest confirmation first, at most `limit`.
  virtual Result<std::vector<PublicSigner>> latest_signers(const std::string& campaign, std::size_t limit) = 0;
  // Actions in the order they were recorded (ascending id), at most filter.limit of them.
  // Requests to print and post letters, in action id order (page with after_action_id).
  // Messages an organizer sends (the petition's delivery): queued at once in one transaction, tied
  // to no action. Returns how many were queued.
  virtual Result<std::int64_t> queue_messages(const std::vector<OutboxMessage>& messages, TimePoint now) = 0;

  // The review queue: actions with messages held for an organizer, oldest first (campaign empty:
  // every campaign); release sends them on (held again if the action awaits its confirmation,
  // expired if that expired), reject never sends them. Both return the messages moved; not_found
  // when the action has none in review.
  virtual Result<std::vector<ReviewItem>> list_review(const std::string& campaign, std::size_t limit) = 0;
  virtual Result<std::int64_t> release_review(std::int64_t action_id, TimePoint now) = 0;
  virtual Result<std::int64_t> reject_review(std::int64_t action_id, TimePoint now) = 0;

  virtual Result<std::vector<LetterRequestRow>> list_letter_requests(const LetterRequestFilter& filter) = 0;
  // Marks requests printed (at `now`) in one transaction; returns how many were not yet marked.
  virtual Result<std::int64_t> mark_letters_printed(const std::vector<std::int64_t>& action_ids, TimePoint now) = 0;

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

  // --- confirmation and the outbox (all writes go through the one writer) ---
  // Every write below is queued for the writer thread and waits for its own transaction; each is
  // refused with `unavailable` on a read-only or closing store. Never call one from inside a
  // record_action `done` (it would wait for the writer that runs it: internal error).
  // Times must be in the years 0000..9999 (bad_request otherwise).
  //
  // Confirms every action joined to the confirmation whose token hashes to `token_hash`: in one
  // transaction their held messages become queued (due now) and the actions `confirmed`.
  // unknown for a hash no confirmation has; already_confirmed (nothing changes, counts 0) for a
  // second click; expired when expires_at <= now, and then its held messages and pending actions
  // become `expired` (counted in `messages` and `actions`).
  virtual Result<ConfirmResult> confirm(const std::string& token_hash, TimePoint now) = 0;
  // Held messages whose confirmation expired become `expired`, and their actions too. Returns how
  // many messages expired.
  virtual Result<std::int64_t> expire_unconfirmed(TimePoint now) = 0;
  // Moves up to rules.limit due `queued` messages to `sending` (attempts + 1) and returns them,
  // by next_attempt_at then id, skipping a pacing key that has reached its hourly allowance (rows
  // of that key `sent` with sent_at in (now - 1 h, ...] plus those `sending`). Returns nothing
  // while paused. Claims are write transactions, so two workers never claim the same message.
  virtual Result<std::vector<OutboxRow>> claim_outbox(TimePoint now, const ClaimRules& rules) = 0;
  // sending -> sent, sent_at = now; the server's reply is kept in last_error (for the log and
  // `twinning outbox`). For this and outbox_retry: not_found for an unknown id, conflict when the
  // message is not `sending` (e.g. an operator or requeue_sending moved it meanwhile).
  virtual Result<void> outbox_sent(std::int64_t id, TimePoint now, const std::string& server_reply) = 0;
  // A temporary failure: sending -> queued again, due at `next_attempt_at`, with the error kept.
  // (There is no `now` here: updated_at takes the wall clock.)
  virtual Result<void> outbox_retry(std::int64_t id, TimePoint next_attempt_at, const std::string& error) = 0;
  // A permanent failure (or the retry deadline passed): sending -> failed, or sent -> failed for a
  // bounce that arrives after the server accepted the message (sent_at is kept), or failed again
  // (a repeated bounce report: the error is updated). With
  // `flag_recipient`, the recipient's address is flagged for organizers (a hard bounce), with the
  // error as the reason (the latest wins). not_found / conflict as for outbox_sent.
  virtual Result<void> outbox_failed(std::int64_t id, TimePoint now, const std::string& error, bool flag_recipient) = 0;
  // After a crash: messages left `sending` (no worker holds them any more) become `queued`, due
  // now. Returns how many. See docs/decisions/0004-outbox-delivery.md for the duplicate window.
  virtual Result<std::int64_t> requeue_sending(TimePoint now) = 0;
  // An operator's retry of a failed message: queued again, due now, attempts kept. not_found for
  // an unknown id; conflict for any other state, expired included: an expired message was never
  // confirmed by the supporter, so it must not go out in their name.
  virtual Result<void> outbox_requeue(std::int64_t id, TimePoint now) = 0;
  // Messages newest first (descending id: what an operator looks at), only those in filter.state if
  // set, at most filter.limit of them. Reads, like the ones above: any thread, never waits for the writer.
  virtual Result<std::vector<OutboxRow>> list_outbox(const OutboxFilter& filter) = 0;
  // The message with that Message-ID (the first written, should two share one); none for "".
  virtual Result<std::optional<OutboxRow>> find_outbox_by_message_id(const std::string& message_id) = 0;
  // The operator's brake, kept in the store so every process and restart sees it.
  virtual Result<void> set_outbox_paused(bool paused) = 0;
  virtual Result<bool> outbox_paused() = 0;
  // Every flagged address, in address order.
  virtual Result<std::vector<FlaggedContact>> flagged_contacts() = 0;
};

struct SqliteOptions {
  std::chrono::milliseconds busy_timeout{5000};  // how long a writer waits for another process
  std::size_t max_batch = 512;                   // most actions committed in one transaction
  std::size_t max_queue = 100000;                // queued actions before record_action refuses
  std::size_t max_events_queue = 100000;         // events waiting before record_event refuses
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
