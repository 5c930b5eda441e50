// The SQLite store's rate limits (migrations/0005_letters_rate_limits.sql): fixed windows per
// bucket, checked and counted inside the action's savepoint, so a refused action leaves no count
// and a counted one is never lost on a crash. Rows of past windows are deleted as actions come.
#include <chrono>
#include <string>

#include "store/sqlite/sqlite_store.hpp"
#include "store/time_text.hpp"

namespace twinning::store::sqlite {
namespace {

constexpr std::size_t kMaxBucketBytes = 200;
constexpr std::size_t kMaxChecks = 32;

TimePoint window_start(TimePoint t, std::chrono::seconds window) {
  const auto since_epoch = t.time_since_epoch();
  return TimePoint{since_epoch - since_epoch % window};
}

}  // namespace

std::optional<Error> invalid_rate_checks(const NewAction& a) {
  if (a.rate_checks.size() > kMaxChecks) {
    return Error::make(ErrorKind::bad_request, "an action carries at most 32 rate checks", "rate_checks");
  }
  for (const auto& c : a.rate_checks) {
    if (c.bucket.empty() || c.bucket.size() > kMaxBucketBytes || c.rule.empty()) {
      return Error::make(ErrorKind::bad_request, "a rate check needs a rule and a bucket of at most 200 bytes",
                         "rate_checks");
    }
    if (c.window <= std::chrono::seconds::zero() || c.window > std::chrono::days{366} || c.limit < 1) {
      return Error::make(ErrorKind::bad_request, "a rate check needs a window of 1 s to a year and a limit of 1 or more",
                         "rate_checks");
    }
  }
  return std::nullopt;
}

Result<void> SqliteStore::prepare_rate_writes() {
  const StatementSql entries[] = {
      {&w_.rate_count, "SELECT count FROM rate_counts WHERE bucket = ?1 AND window_start = ?2"},
      {&w_.rate_add,
       "INSERT INTO rate_counts (bucket, window_start, count, expires_at) VALUES (?1, ?2, 1, ?3) "
       "ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_counts.count + 1"},
      {&w_.rate_expire, "DELETE FROM rate_counts WHERE expires_at <= ?1"},
  };
  return prepare_all(write_db_.get(), entries);
}

Result<void> SqliteStore::take_rate_limits(const NewAction& a) {
  if (a.rate_checks.empty()) return {};
  {
    auto q = w_.rate_expire.use();
    if (auto r = q.bind_all(format_time(a.created_at)); !r.ok()) return r;
    if (auto r = q.run(); !r.ok()) return r;
  }
  // Every limit is looked at before any is counted: a refused action counts nowhere.
  for (const auto& c : a.rate_checks) {
    auto q = w_.rate_count.use();
    if (auto r = q.bind_all(c.bucket, format_time(window_start(a.created_at, c.window))); !r.ok()) return r;
    auto n = single_int(q);
    if (!n.ok()) return n.error();
    if (n.value().value_or(0) >= c.limit) {
      const auto ends = window_start(a.created_at, c.window) + c.window;
      const auto wait = std::chrono::ceil<std::chrono::minutes>(ends - a.created_at);
      return Error::make(ErrorKind::rate_limited,
                         "too many actions (" + c.rule + ": " + std::to_string(c.limit) + " per " +
                             std::to_string(c.window.count()) + " s); try again in " + std::to_string(wait.count()) +
                             " min",
                         c.rule, "retry_after=" + std::to_string((ends - a.created_at).count()));
    }
  }
  for (const auto& c : a.rate_checks) {
    const auto start = window_start(a.created_at, c.window);
    auto q = w_.rate_add.use();
    if (auto r = q.bind_all(c.bucket, format_time(start), format_time(start + c.window)); !r.ok()) return r;
    if (auto r = q.run(); !r.ok()) return r;
  }
  return {};
}

}  // namespace twinning::store::sqlite
