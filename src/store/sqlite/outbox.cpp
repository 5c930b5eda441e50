// The SQLite store's confirmations and outbox: states, pacing and the crash rule are in
// docs/decisions/0004-outbox-delivery.md. Every write is a job for the writer thread, which owns
// the write connection (sqlite_store.cpp); each runs in its own transaction.
#include <algorithm>
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "store/time_text.hpp"

namespace twinning::store::sqlite {
namespace {

// The columns of an OutboxRow, in the order read_outbox_row reads them.
constexpr const char* kOutboxColumns =
    "id, action_id, kind, target, recipient, pacing_key, envelope_from, message_id, payload, state, "
    "last_error, attempts, created_at, next_attempt_at, updated_at, sent_at";

// Pacing counts what went to a key in the last hour (the allowance is per hour).
constexpr std::chrono::seconds kPacingWindow = std::chrono::hours{1};

std::optional<Error> invalid(const OutboxMessage& m, const char* which) {
  auto missing = [which](const char* field) {
    return Error::make(ErrorKind::bad_request, std::string(which) + " has no " + field, field);
  };
  if (m.kind.empty()) return missing("kind");
  if (m.recipient.empty()) return missing("recipient");
  return std::nullopt;
}

std::optional<Error> invalid(const ConfirmationRequest& c) {
  if (c.token_hash.empty()) {
    return Error::make(ErrorKind::bad_request, "the confirmation has no token_hash", "token_hash");
  }
  if (auto e = invalid_time(c.expires_at, "expires_at")) return e;
  if (c.visit_window < std::chrono::seconds{0}) {
    return Error::make(ErrorKind::bad_request, "the confirmation's visit window is negative", "visit_window");
  }
  return invalid(c.mail, "the confirmation mail");
}

Result<OutboxRow> read_outbox_row(const Statement::Use& q) {
  OutboxRow row;
  row.id = q.int64(0);
  row.action_id = q.is_null(1) ? 0 : q.int64(1);
  row.kind = q.text(2);
  row.target = q.text(3);
  row.recipient = q.text(4);
  row.pacing_key = q.text(5);
  row.envelope_from = q.text(6);
  row.message_id = q.text(7);
  row.payload = q.text(8);
  row.state = q.text(9);
  row.last_error = q.text(10);
  row.attempts = static_cast<int>(q.int64(11));
  const std::string which = "of outbox message " + std::to_string(row.id);
  auto created = read_time(q, 12, "outbox.created_at " + which);
  if (!created.ok()) return created.error();
  auto due = read_time(q, 13, "outbox.next_attempt_at " + which);
  if (!due.ok()) return due.error();
  auto updated = read_time(q, 14, "outbox.updated_at " + which);
  if (!updated.ok()) return updated.error();
  row.created_at = created.value();
  row.next_attempt_at = due.value();
  row.updated_at = updated.value();
  if (!q.is_null(15)) {
    auto sent = read_time(q, 15, "outbox.sent_at " + which);
    if (!sent.ok()) return sent.error();
    row.sent_at = sent.value();
  }
  return row;
}

// Reads every row a statement returns.
Result<std::vector<OutboxRow>> read_outbox_rows(Statement::Use& q) {
  std::vector<OutboxRow> rows;
  for (;;) {
    auto more = q.step();
    if (!more.ok()) return more.error();
    if (!more.value()) return rows;
    auto row = read_outbox_row(q);
    if (!row.ok()) return row.error();
    rows.push_back(std::move(row.value()));
  }
}

}  // namespace

std::optional<Error> invalid_outbox_parts(const NewAction& a) {
  for (const OutboxMessage& m : a.messages) {
    if (auto e = invalid(m, "a message of the action")) return e;
  }
  if (a.confirmation) return invalid(*a.confirmation);
  return std::nullopt;
}

Result<void> SqliteStore::prepare_outbox_writes() {
  const std::string returning_row = std::string(" RETURNING ") + kOutboxColumns;
  const StatementSql entries[] = {
      // ?3 now, ?4 the start of the visit window.
      {&w_.find_open_confirmation,
       "SELECT id FROM confirmations WHERE supporter_id = ?1 AND campaign = ?2 AND confirmed_at IS NULL "
       "AND expires_at > ?3 AND created_at >= ?4 ORDER BY id DESC LIMIT 1"},
      {&w_.insert_confirmation,
       "INSERT INTO confirmations (token_hash, supporter_id, campaign, language, created_at, expires_at) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id"},
      {&w_.insert_outbox,
       "INSERT INTO outbox (kind, action_id, confirmation_id, target, recipient, pacing_key, envelope_from, "
       "message_id, payload, state, attempts, next_attempt_at, last_error, created_at, updated_at) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, '', ?11, ?11)"},
      {&w_.find_confirmation,
       "SELECT id, campaign, language, expires_at, confirmed_at FROM confirmations WHERE token_hash = ?1"},
      {&w_.set_confirmed, "UPDATE confirmations SET confirmed_at = ?2 WHERE id = ?1"},
      {&w_.release_held,
       "UPDATE outbox SET state = 'queued', next_attempt_at = ?2, updated_at = ?2 "
       "WHERE confirmation_id = ?1 AND state = 'held'"},
      {&w_.confirm_actions,
       "UPDATE actions SET status = 'confirmed', updated_at = ?2 WHERE confirmation_id = ?1 AND status = 'pending'"},
      {&w_.expire_held_of,
       "UPDATE outbox SET state = 'expired', updated_at = ?2 WHERE confirmation_id = ?1 AND state = 'held'"},
      {&w_.expire_actions_of,
       "UPDATE actions SET status = 'expired', updated_at = ?2 WHERE confirmation_id = ?1 AND status = 'pending'"},
      {&w_.expire_held_all,
       "UPDATE outbox SET state = 'expired', updated_at = ?1 WHERE state = 'held' AND confirmation_id IN "
       "(SELECT id FROM confirmations WHERE confirmed_at IS NULL AND expires_at <= ?1)"},
      {&w_.expire_actions_all,
       "UPDATE actions SET status = 'expired', updated_at = ?1 WHERE status = 'pending' AND confirmation_id IN "
       "(SELECT id FROM confirmations WHERE confirmed_at IS NULL AND expires_at <= ?1)"},
      {&w_.paused, "SELECT paused FROM outbox_control WHERE id = 1"},
      {&w_.due,
       "SELECT id, pacing_key FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?1 "
       "ORDER BY next_attempt_at, id"},
      // ?2: the start of the pacing window. A message being sent counts: it may be accepted any moment.
      {&w_.pacing_count,
       "SELECT COUNT(*) FROM outbox WHERE pacing_key = ?1 AND (state = 'sending' OR (state = 'sent' AND sent_at > ?2))"},
      {&w_.claim_one,
       "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?2 "
       "WHERE id = ?1 AND state = 'queued'" + returning_row},
      {&w_.mark_sent,
       "UPDATE outbox SET state = 'sent', sent_at = ?2, last_error = ?3, updated_at = ?2 "
       "WHERE id = ?1 AND state = 'sending'"},
      {&w_.mark_retry,
       "UPDATE outbox SET state = 'queued', next_attempt_at = ?2, last_error = ?3, updated_at = ?4 "
       "WHERE id = ?1 AND state = 'sending'"},
      // A sent message may fail later: a bounce arrives after the server's 250. Failing a failed
      // one again (a second report of the same bounce) only updates the error.
      {&w_.mark_failed,
       "UPDATE outbox SET state = 'failed', last_error = ?3, updated_at = ?2 "
       "WHERE id = ?1 AND state IN ('sending', 'sent', 'failed') RETURNING recipient"},
      {&w_.flag,
       "INSERT INTO flagged_contacts (address, reason, flagged_at) VALUES (?1, ?2, ?3) "
       "ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, flagged_at = excluded.flagged_at"},
      {&w_.requeue_sending,
       "UPDATE outbox SET state = 'queued', next_attempt_at = ?1, updated_at = ?1 WHERE state = 'sending'"},
      {&w_.state_of, "SELECT state FROM outbox WHERE id = ?1"},
      {&w_.requeue_one,
       "UPDATE outbox SET state = 'queued', next_attempt_at = ?2, updated_at = ?2 WHERE id = ?1 AND state = 'failed'"},
      {&w_.set_paused, "UPDATE outbox_control SET paused = ?1 WHERE id = 1"},
  };
  return prepare_all(write_db_.get(), entries);
}

Result<void> SqliteStore::prepare_outbox_reads() {
  const std::string outbox = std::string("SELECT ") + kOutboxColumns + " FROM outbox ";
  const StatementSql entries[] = {
      {&r_.list_outbox_all, outbox + "ORDER BY id DESC LIMIT ?1"},
      {&r_.list_outbox_state, outbox + "WHERE state = ?1 ORDER BY id DESC LIMIT ?2"},
      {&r_.outbox_by_message_id, outbox + "WHERE message_id = ?1 ORDER BY id LIMIT 1"},
      {&r_.outbox_paused, "SELECT paused FROM outbox_control WHERE id = 1"},
      {&r_.flagged, "SELECT address, reason, flagged_at FROM flagged_contacts ORDER BY address"},
  };
  return prepare_all(read_db_.get(), entries);
}

// One confirmation covers the supporter's visit: an open one for the same supporter and campaign,
// created within the visit window, is joined; otherwise a new one is made and its mail queued.
Result<SqliteStore::Confirmation> SqliteStore::join_or_open_confirmation(const NewAction& a,
                                                                        std::int64_t supporter_id) {
  if (!a.confirmation) return Confirmation{};
  const ConfirmationRequest& c = *a.confirmation;
  const std::string created = format_time(a.created_at);
  {
    auto q = w_.find_open_confirmation.use();
    if (auto r = q.bind_all(supporter_id, a.campaign, created, format_lower_bound(a.created_at - c.visit_window));
        !r.ok()) {
      return r.error();
    }
    auto open = single_int(q);
    if (!open.ok()) return open.error();
    if (open.value()) return Confirmation{open.value(), false};
  }
  std::int64_t id = 0;
  {
    auto q = w_.insert_confirmation.use();
    if (auto r = q.bind_all(c.token_hash, supporter_id, a.campaign, a.language, created, format_time(c.expires_at));
        !r.ok()) {
      return r.error();
    }
    auto inserted = returned_id(q);
    if (!inserted.ok()) return inserted.error();
    id = inserted.value();
  }
  if (auto r = insert_outbox(c.mail, std::nullopt, id, kStateQueued, created); !r.ok()) return r.error();
  return Confirmation{id, true};
}

Result<void> SqliteStore::insert_outbox(const OutboxMessage& m, std::optional<std::int64_t> action_id,
                                        std::optional<std::int64_t> confirmation_id, const char* state,
                                        const std::string& created) {
  auto q = w_.insert_outbox.use();
  if (auto r = q.bind_all(m.kind, action_id, confirmation_id, m.target, m.recipient, m.pacing_key, m.envelope_from,
                          m.message_id, m.payload, std::string_view(state), created);
      !r.ok()) {
    return r;
  }
  return q.run();
}

Result<std::int64_t> SqliteStore::queue_messages(const std::vector<OutboxMessage>& messages, TimePoint now) {
  if (auto e = invalid_time(now, "now")) return *e;
  for (const auto& m : messages) {
    if (auto e = invalid(m, "a message to queue")) return *e;
  }
  const std::string when = format_time(now);
  return write<std::int64_t>([&]() -> Result<std::int64_t> {
    for (const auto& m : messages) {
      if (auto r = insert_outbox(m, std::nullopt, std::nullopt, kStateQueued, when); !r.ok()) return r.error();
    }
    return static_cast<std::int64_t>(messages.size());
  });
}

Error SqliteStore::not_changed(std::int64_t id, std::string_view expected) {
  auto q = w_.state_of.use();
  const std::string which = "outbox message " + std::to_string(id);
  if (auto r = q.bind_all(id); !r.ok()) return r.error();
  auto row = q.step();
  if (!row.ok()) return row.error();
  if (!row.value()) return Error::make(ErrorKind::not_found, which + " does not exist");
  return Error::make(ErrorKind::conflict,
                     which + " is " + q.text(0) + "; only " + std::string(expected) + " messages can be changed so");
}

Result<ConfirmResult> SqliteStore::confirm(const std::string& token_hash, TimePoint now) {
  if (token_hash.empty()) return ConfirmResult{};  // no confirmation has an empty hash: unknown
  if (auto e = invalid_time(now, "now")) return *e;
  return write<ConfirmResult>([&] { return confirm_in_transaction(token_hash, now); });
}

Result<ConfirmResult> SqliteStore::confirm_in_transaction(const std::string& token_hash, TimePoint now) {
  using Outcome = ConfirmResult::Outcome;
  ConfirmResult result;
  std::int64_t id = 0;
  TimePoint expires_at{};
  {
    auto q = w_.find_confirmation.use();
    if (auto r = q.bind_all(token_hash); !r.ok()) return r.error();
    auto row = q.step();
    if (!row.ok()) return row.error();
    if (!row.value()) return result;  // unknown
    id = q.int64(0);
    result.campaign = q.text(1);
    result.language = q.text(2);
    auto expires = read_time(q, 3, "confirmations.expires_at of confirmation " + std::to_string(id));
    if (!expires.ok()) return expires.error();
    expires_at = expires.value();
    if (!q.is_null(4)) {
      result.outcome = Outcome::already_confirmed;
      return result;
    }
  }
  const std::string when = format_time(now);
  const bool expired = expires_at <= now;
  Statement& messages = expired ? w_.expire_held_of : w_.release_held;
  Statement& actions = expired ? w_.expire_actions_of : w_.confirm_actions;
  if (!expired) {
    auto q = w_.set_confirmed.use();
    if (auto r = q.bind_all(id, when); !r.ok()) return r.error();
    if (auto r = q.run(); !r.ok()) return r.error();
  }
  {
    auto q = messages.use();
    if (auto r = q.bind_all(id, when); !r.ok()) return r.error();
    if (auto r = q.run(); !r.ok()) return r.error();
    result.messages = q.changes();
  }
  if (auto r = count_pending_of(id, expired ? "expired" : "confirmed"); !r.ok()) return r.error();
  {
    auto q = actions.use();
    if (auto r = q.bind_all(id, when); !r.ok()) return r.error();
    if (auto r = q.run(); !r.ok()) return r.error();
    result.actions = q.changes();
  }
  result.outcome = expired ? Outcome::expired : Outcome::confirmed;
  return result;
}

Result<std::int64_t> SqliteStore::expire_unconfirmed(TimePoint now) {
  if (auto e = invalid_time(now, "now")) return *e;
  return write<std::int64_t>([&]() -> Result<std::int64_t> {
    const std::string when = format_time(now);
    std::int64_t messages = 0;
    {
      auto q = w_.expire_held_all.use();
      if (auto r = q.bind_all(when); !r.ok()) return r.error();
      if (auto r = q.run(); !r.ok()) return r.error();
      messages = q.changes();
    }
    if (auto r = count_pending_expiring(when); !r.ok()) return r.error();
    auto q = w_.expire_actions_all.use();
    if (auto r = q.bind_all(when); !r.ok()) return r.error();
    if (auto r = q.run(); !r.ok()) return r.error();
    return messages;
  });
}

Result<std::vector<OutboxRow>> SqliteStore::claim_outbox(TimePoint now, const ClaimRules& rules) {
  if (auto e = invalid_time(now, "now")) return *e;
  if (rules.limit == 0) return std::vector<OutboxRow>{};
  return write<std::vector<OutboxRow>>([&] { return claim(now, rules); });
}

// Chooses while reading the due rows and updates after: the same connection must not update rows
// that a SELECT still stepping reads. Nobody else writes in between (this transaction holds the
// write lock), so the rows chosen are the rows claimed. The scan stops at the limit, so a long
// queue costs a claim only what it returns plus the rows pacing skips.
Result<std::vector<OutboxRow>> SqliteStore::claim(TimePoint now, const ClaimRules& rules) {
  {
    auto q = w_.paused.use();
    auto paused = single_int(q);
    if (!paused.ok()) return paused.error();
    if (paused.value().value_or(0) != 0) return std::vector<OutboxRow>{};
  }
  const std::string when = format_time(now);
  const bool paced = rules.per_pacing_key_per_hour > 0;
  const std::string window_start = format_lower_bound(now - kPacingWindow);
  std::map<std::string, std::size_t> used;  // per pacing key: sent in the window or sending
  // Whether the key still has room this hour; counts the message in if so.
  auto take = [&](const std::string& key) -> Result<bool> {
    if (!paced || key.empty()) return true;
    auto it = used.find(key);
    if (it == used.end()) {
      auto q = w_.pacing_count.use();
      if (auto r = q.bind_all(key, window_start); !r.ok()) return r.error();
      auto n = single_int(q);
      if (!n.ok()) return n.error();
      it = used.emplace(key, static_cast<std::size_t>(n.value().value_or(0))).first;
    }
    if (it->second >= rules.per_pacing_key_per_hour) return false;
    ++it->second;
    return true;
  };
  std::vector<std::int64_t> chosen;
  {
    auto q = w_.due.use();
    if (auto r = q.bind_all(when); !r.ok()) return r.error();
    while (chosen.size() < rules.limit) {
      auto more = q.step();
      if (!more.ok()) return more.error();
      if (!more.value()) break;
      auto room = take(q.text(1));
      if (!room.ok()) return room.error();
      if (room.value()) chosen.push_back(q.int64(0));
    }
  }
  std::vector<OutboxRow> claimed;
  claimed.reserve(chosen.size());
  for (std::int64_t id : chosen) {
    auto q = w_.claim_one.use();
    if (auto r = q.bind_all(id, when); !r.ok()) return r.error();
    auto rows = read_outbox_rows(q);
    if (!rows.ok()) return rows.error();
    for (OutboxRow& row : rows.value()) claimed.push_back(std::move(row));
  }
  return claimed;
}

Result<void> SqliteStore::outbox_sent(std::int64_t id, TimePoint now, const std::string& server_reply) {
  if (auto e = invalid_time(now, "now")) return *e;
  return write<void>([&]() -> Result<void> {
    auto q = w_.mark_sent.use();
    if (auto r = q.bind_all(id, format_time(now), server_reply); !r.ok()) return r;
    if (auto r = q.run(); !r.ok()) return r;
    if (q.changes() == 0) return not_changed(id, "sending");
    return {};
  });
}

Result<void> SqliteStore::outbox_retry(std::int64_t id, TimePoint next_attempt_at, const std::string& error) {
  if (auto e = invalid_time(next_attempt_at, "next_attempt_at")) return *e;
  const TimePoint now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return write<void>([&]() -> Result<void> {
    auto q = w_.mark_retry.use();
    if (auto r = q.bind_all(id, format_time(next_attempt_at), error, format_time(now)); !r.ok()) return r;
    if (auto r = q.run(); !r.ok()) return r;
    if (q.changes() == 0) return not_changed(id, "sending");
    return {};
  });
}

Result<void> SqliteStore::outbox_failed(std::int64_t id, TimePoint now, const std::string& error,
                                        bool flag_recipient) {
  if (auto e = invalid_time(now, "now")) return *e;
  return write<void>([&]() -> Result<void> {
    const std::string when = format_time(now);
    std::string recipient;
    {
      auto q = w_.mark_failed.use();
      if (auto r = q.bind_all(id, when, error); !r.ok()) return r;
      auto row = q.step();
      if (!row.ok()) return row.error();
      if (!row.value()) return not_changed(id, "sending, sent or failed");
      recipient = q.text(0);
      if (auto end = q.step(); !end.ok()) return end.error();
    }
    if (!flag_recipient) return {};
    auto q = w_.flag.use();
    if (auto r = q.bind_all(recipient, error, when); !r.ok()) return r;
    return q.run();
  });
}

Result<std::int64_t> SqliteStore::requeue_sending(TimePoint now) {
  if (auto e = invalid_time(now, "now")) return *e;
  return write<std::int64_t>([&]() -> Result<std::int64_t> {
    auto q = w_.requeue_sending.use();
    if (auto r = q.bind_all(format_time(now)); !r.ok()) return r.error();
    if (auto r = q.run(); !r.ok()) return r.error();
    return q.changes();
  });
}

// Only failed messages: an expired message was never confirmed by the supporter, and sending it
// would put words in their name that they did not approve (see the ADR).
Result<void> SqliteStore::outbox_requeue(std::int64_t id, TimePoint now) {
  if (auto e = invalid_time(now, "now")) return *e;
  return write<void>([&]() -> Result<void> {
    auto q = w_.requeue_one.use();
    if (auto r = q.bind_all(id, format_time(now)); !r.ok()) return r;
    if (auto r = q.run(); !r.ok()) return r;
    if (q.changes() == 0) return not_changed(id, "failed");
    return {};
  });
}

Result<void> SqliteStore::set_outbox_paused(bool paused) {
  return write<void>([&]() -> Result<void> {
    auto q = w_.set_paused.use();
    if (auto r = q.bind_all(std::int64_t{paused ? 1 : 0}); !r.ok()) return r;
    if (auto r = q.run(); !r.ok()) return r;
    if (q.changes() != 1) return damaged("outbox_control has no row 1");
    return {};
  });
}

Result<bool> SqliteStore::outbox_paused() {
  std::lock_guard lock(read_mu_);
  auto q = r_.outbox_paused.use();
  auto paused = single_int(q);
  if (!paused.ok()) return paused.error();
  if (!paused.value()) return damaged("outbox_control has no row 1");
  return *paused.value() != 0;
}

Result<std::vector<OutboxRow>> SqliteStore::list_outbox(const OutboxFilter& filter) {
  std::lock_guard lock(read_mu_);
  auto q = (filter.state ? r_.list_outbox_state : r_.list_outbox_all).use();
  int index = 0;
  if (filter.state) {
    if (auto r = q.bind(++index, std::string_view(*filter.state)); !r.ok()) return r.error();
  }
  const auto limit = static_cast<std::int64_t>(
      std::min<std::size_t>(filter.limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
  if (auto r = q.bind(++index, limit); !r.ok()) return r.error();
  return read_outbox_rows(q);
}

Result<std::optional<OutboxRow>> SqliteStore::find_outbox_by_message_id(const std::string& message_id) {
  // Kinds without a Message-ID store it empty: an empty id names no message.
  if (message_id.empty()) return std::optional<OutboxRow>{};
  std::lock_guard lock(read_mu_);
  auto q = r_.outbox_by_message_id.use();
  if (auto r = q.bind_all(message_id); !r.ok()) return r.error();
  auto rows = read_outbox_rows(q);
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<OutboxRow>{};
  return std::optional<OutboxRow>(std::move(rows->front()));
}

Result<std::vector<FlaggedContact>> SqliteStore::flagged_contacts() {
  std::lock_guard lock(read_mu_);
  auto q = r_.flagged.use();
  std::vector<FlaggedContact> out;
  for (;;) {
    auto more = q.step();
    if (!more.ok()) return more.error();
    if (!more.value()) return out;
    FlaggedContact c;
    c.address = q.text(0);
    c.reason = q.text(1);
    auto at = read_time(q, 2, "flagged_contacts.flagged_at of " + c.address);
    if (!at.ok()) return at.error();
    c.flagged_at = at.value();
    out.push_back(std::move(c));
  }
}

}  // namespace twinning::store::sqlite
