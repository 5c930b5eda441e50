// The SQLite store's review queue (docs/decisions/0013-review-queue.md, table written_parts in
// migration 0005). Written in the action's savepoint: the written part, the count of people who
// sent the same text within the window, and, over the threshold, the messages of this action and
// of the others in the burst that are not yet sent moved to state "review", where the worker never
// claims them.
#include <chrono>
#include <string>

#include "store/sqlite/sqlite_store.hpp"
#include "store/time_text.hpp"

namespace twinning::store::sqlite {
namespace {

constexpr std::size_t kMaxFingerprintBytes = 128;
constexpr std::size_t kMaxWrittenBytes = 64 * 1024;
constexpr std::size_t kMaxReviewRows = 1000;

Error not_in_review(std::int64_t action_id) {
  return Error::make(ErrorKind::not_found,
                     "action " + std::to_string(action_id) + " has no message waiting for review (see `twinning review list`)");
}

}  // namespace

std::optional<Error> invalid_written_part(const NewAction& a) {
  if (!a.written_part) return std::nullopt;
  const WrittenPart& w = *a.written_part;
  if (w.fingerprint.empty() || w.fingerprint.size() > kMaxFingerprintBytes) {
    return Error::make(ErrorKind::bad_request, "the written part needs a fingerprint of at most 128 bytes", "note");
  }
  if (w.text.empty() || w.text.size() > kMaxWrittenBytes || w.text.find('\0') != std::string::npos) {
    return Error::make(ErrorKind::bad_request, "the written part must be text without NUL, at most 64 KiB", "note");
  }
  if (w.hold_from_people < 0 || (w.hold_from_people > 0 && w.window <= std::chrono::seconds::zero())) {
    return Error::make(ErrorKind::bad_request, "the review rule needs a window when it holds", "note");
  }
  return std::nullopt;
}

Result<void> SqliteStore::prepare_review_writes() {
  const StatementSql entries[] = {
      {&w_.insert_written,
       "INSERT INTO written_parts (action_id, campaign, fingerprint, text, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&w_.same_text_people,
       "SELECT COUNT(DISTINCT a.supporter_id) FROM written_parts w JOIN actions a ON a.id = w.action_id "
       "WHERE w.campaign = ?1 AND w.fingerprint = ?2 AND w.created_at >= ?3"},
      {&w_.hold_same_text,
       "UPDATE outbox SET state = 'review', updated_at = ?4 WHERE state IN ('held', 'queued') AND action_id IN "
       "(SELECT action_id FROM written_parts WHERE campaign = ?1 AND fingerprint = ?2 AND created_at >= ?3)"},
      {&w_.action_status_of, "SELECT status FROM actions WHERE id = ?1"},
      // Where a released message goes: on if its action stands, held if it still awaits the
      // supporter's confirmation, expired if that never came.
      {&w_.release_one_review,
       "UPDATE outbox SET state = CASE ?2 WHEN 'pending' THEN 'held' WHEN 'expired' THEN 'expired' ELSE 'queued' END, "
       "next_attempt_at = ?3, updated_at = ?3 WHERE action_id = ?1 AND state = 'review'"},
      {&w_.reject_one_review,
       "UPDATE outbox SET state = 'rejected', last_error = 'rejected by an organizer in review', updated_at = ?2 "
       "WHERE action_id = ?1 AND state = 'review'"},
  };
  return prepare_all(write_db_.get(), entries);
}

Result<void> SqliteStore::prepare_review_reads() {
  const std::string select =
      "SELECT a.id, a.campaign, a.channel, a.status, p.name, p.email, w.text, COUNT(o.id), "
      "(SELECT COUNT(DISTINCT a2.supporter_id) FROM written_parts w2 JOIN actions a2 ON a2.id = w2.action_id "
      " WHERE w2.campaign = w.campaign AND w2.fingerprint = w.fingerprint), a.created_at "
      "FROM outbox o JOIN actions a ON a.id = o.action_id JOIN supporters p ON p.id = a.supporter_id "
      "LEFT JOIN written_parts w ON w.action_id = a.id WHERE o.state = 'review' ";
  const StatementSql entries[] = {
      {&r_.list_review_all, select + "GROUP BY a.id ORDER BY a.id LIMIT ?1"},
      {&r_.list_review_campaign, select + "AND a.campaign = ?2 GROUP BY a.id ORDER BY a.id LIMIT ?1"},
  };
  return prepare_all(read_db_.get(), entries);
}

Result<bool> SqliteStore::record_written_part(const NewAction& a, std::int64_t action_id) {
  const WrittenPart& w = *a.written_part;
  const std::string created = format_time(a.created_at);
  {
    auto q = w_.insert_written.use();
    if (auto r = q.bind_all(action_id, a.campaign, w.fingerprint, w.text, created); !r.ok()) return r.error();
    if (auto r = q.run(); !r.ok()) return r.error();
  }
  if (w.hold_from_people <= 0) return false;
  auto q = w_.same_text_people.use();
  if (auto r = q.bind_all(a.campaign, w.fingerprint, format_time(a.created_at - w.window)); !r.ok()) return r.error();
  auto people = single_int(q);
  if (!people.ok()) return people.error();
  return people.value().value_or(0) >= w.hold_from_people;
}

Result<void> SqliteStore::hold_for_review(const NewAction& a) {
  const WrittenPart& w = *a.written_part;
  auto q = w_.hold_same_text.use();
  if (auto r = q.bind_all(a.campaign, w.fingerprint, format_time(a.created_at - w.window), format_time(a.created_at));
      !r.ok()) {
    return r;
  }
  return q.run();
}

Result<std::vector<ReviewItem>> SqliteStore::list_review(const std::string& campaign, std::size_t limit) {
  if (limit == 0 || limit > kMaxReviewRows) {
    return Error::make(ErrorKind::bad_request, "ask for 1 to 1000 actions in review at a time", "limit");
  }
  std::lock_guard lock(read_mu_);
  auto q = (campaign.empty() ? r_.list_review_all : r_.list_review_campaign).use();
  if (campaign.empty()) {
    if (auto r = q.bind_all(static_cast<std::int64_t>(limit)); !r.ok()) return r.error();
  } else if (auto r = q.bind_all(static_cast<std::int64_t>(limit), campaign); !r.ok()) {
    return r.error();
  }
  std::vector<ReviewItem> out;
  for (;;) {
    auto more = q.step();
    if (!more.ok()) return more.error();
    if (!more.value()) return out;
    ReviewItem item;
    item.action_id = q.int64(0);
    item.campaign = q.text(1);
    item.channel = q.text(2);
    item.status = q.text(3);
    item.supporter_name = q.text(4);
    item.supporter_email = q.text(5);
    item.text = q.is_null(6) ? std::string() : q.text(6);
    item.messages = q.int64(7);
    item.same_text_people = q.int64(8);
    auto created = read_time(q, 9, "an action's time");
    if (!created.ok()) return created.error();
    item.created_at = created.value();
    out.push_back(std::move(item));
  }
}

Result<std::int64_t> SqliteStore::release_review(std::int64_t action_id, TimePoint now) {
  if (!time_representable(now)) return Error::make(ErrorKind::bad_request, "the time is out of range", "now");
  return write<std::int64_t>([&]() -> Result<std::int64_t> {
    std::string status;
    {
      auto q = w_.action_status_of.use();
      if (auto r = q.bind_all(action_id); !r.ok()) return r.error();
      auto row = q.step();
      if (!row.ok()) return row.error();
      if (!row.value()) return not_in_review(action_id);
      status = q.text(0);
    }
    auto q = w_.release_one_review.use();
    if (auto r = q.bind_all(action_id, status, format_time(now)); !r.ok()) return r.error();
    if (auto r = q.run(); !r.ok()) return r.error();
    if (q.changes() == 0) return not_in_review(action_id);
    return std::int64_t{q.changes()};
  });
}

Result<std::int64_t> SqliteStore::reject_review(std::int64_t action_id, TimePoint now) {
  if (!time_representable(now)) return Error::make(ErrorKind::bad_request, "the time is out of range", "now");
  return write<std::int64_t>([&]() -> Result<std::int64_t> {
    auto q = w_.reject_one_review.use();
    if (auto r = q.bind_all(action_id, format_time(now)); !r.ok()) return r.error();
    if (auto r = q.run(); !r.ok()) return r.error();
    if (q.changes() == 0) return not_in_review(action_id);
    return std::int64_t{q.changes()};
  });
}

}  // namespace twinning::store::sqlite
