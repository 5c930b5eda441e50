// The action counters of the SQLite store (action_counts, migrations/0006_organizers.sql). They are
// moved inside the transaction that writes an action or changes its status, so they always equal a
// recount of `actions` and the dashboard reads them without scanning anything. Every statement
// that changes actions.status must be preceded by one of these calls (write_one, confirm,
// expire_unconfirmed); the counter test recounts after a concurrent load to catch one that is not.
#include <cstdint>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "store/time_text.hpp"

namespace twinning::store::sqlite {
namespace {

// The group of pending actions that one status change moves, read before the UPDATE.
struct Group {
  std::string campaign, channel, target, country, day;
  std::int64_t n = 0;
};

const char* const kGroupColumns =
    "SELECT campaign, channel, target, country, substr(created_at, 1, 10), COUNT(*) FROM actions ";
const char* const kGroupBy = " GROUP BY campaign, channel, target, country, substr(created_at, 1, 10)";

}  // namespace

Result<void> SqliteStore::prepare_counter_writes() {
  const StatementSql entries[] = {
      {&w_.count_action,
       "INSERT INTO action_counts (campaign, channel, target, country, day, status, n) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
       "ON CONFLICT (campaign, channel, target, country, day, status) DO UPDATE SET n = action_counts.n + excluded.n"},
      // The same WHERE as confirm_actions / expire_actions_of (outbox.cpp).
      {&w_.pending_groups_of,
       std::string(kGroupColumns) + "WHERE confirmation_id = ?1 AND status = 'pending'" + kGroupBy},
      // The same WHERE as expire_actions_all (outbox.cpp).
      {&w_.pending_groups_expiring,
       std::string(kGroupColumns) +
           "WHERE status = 'pending' AND confirmation_id IN "
           "(SELECT id FROM confirmations WHERE confirmed_at IS NULL AND expires_at <= ?1)" +
           kGroupBy},
  };
  return prepare_all(write_db_.get(), entries);
}

Result<void> SqliteStore::prepare_counter_reads() {
  // Zero rows are left behind when every action of a status moved on: not worth showing.
  const std::string from = " FROM action_counts WHERE campaign = ?1 AND n <> 0 GROUP BY ";
  const StatementSql entries[] = {
      {&r_.tally_day_channel,
       "SELECT day, channel, status, SUM(n)" + from + "day, channel, status ORDER BY day, channel, status"},
      {&r_.tally_channel, "SELECT channel, status, SUM(n)" + from + "channel, status ORDER BY channel, status"},
      {&r_.tally_target, "SELECT target, status, SUM(n)" + from + "target, status ORDER BY target, status"},
      {&r_.tally_country, "SELECT country, status, SUM(n)" + from + "country, status ORDER BY country, status"},
  };
  return prepare_all(read_db_.get(), entries);
}

Result<void> SqliteStore::count_new_action(const NewAction& a, const char* status) {
  auto q = w_.count_action.use();
  const std::string day = format_time(a.created_at).substr(0, 10);
  if (auto r = q.bind_all(a.campaign, a.channel, a.target, a.country, day, std::string_view(status), std::int64_t{1});
      !r.ok()) {
    return r;
  }
  return q.run();
}

Result<void> SqliteStore::count_pending_of(std::int64_t confirmation_id, const char* to) {
  auto q = w_.pending_groups_of.use();
  if (auto r = q.bind_all(confirmation_id); !r.ok()) return r;
  return move_pending(q, to);
}

Result<void> SqliteStore::count_pending_expiring(const std::string& now) {
  auto q = w_.pending_groups_expiring.use();
  if (auto r = q.bind_all(now); !r.ok()) return r;
  return move_pending(q, "expired");
}

// Reads every group first, then writes: the connection must not write action_counts while a
// SELECT on it is still stepping.
Result<void> SqliteStore::move_pending(Statement::Use& groups, const char* to) {
  std::vector<Group> moved;
  for (;;) {
    auto more = groups.step();
    if (!more.ok()) return more.error();
    if (!more.value()) break;
    moved.push_back(Group{groups.text(0), groups.text(1), groups.text(2), groups.text(3), groups.text(4),
                          groups.int64(5)});
  }
  for (const Group& g : moved) {
    for (const auto& [status, n] : {std::pair<const char*, std::int64_t>{kStatusPending, -g.n}, {to, g.n}}) {
      auto q = w_.count_action.use();
      if (auto r = q.bind_all(g.campaign, g.channel, g.target, g.country, g.day, std::string_view(status), n); !r.ok()) {
        return r;
      }
      if (auto r = q.run(); !r.ok()) return r;
    }
  }
  return {};
}

Result<std::vector<ActionTally>> SqliteStore::tally_actions(const std::string& campaign, TallyBy by) {
  std::lock_guard lock(read_mu_);
  Statement* stmt = nullptr;
  switch (by) {
    case TallyBy::day_and_channel: stmt = &r_.tally_day_channel; break;
    case TallyBy::channel: stmt = &r_.tally_channel; break;
    case TallyBy::target: stmt = &r_.tally_target; break;
    case TallyBy::country: stmt = &r_.tally_country; break;
  }
  auto q = stmt->use();
  if (auto r = q.bind_all(campaign); !r.ok()) return r.error();
  std::vector<ActionTally> out;
  for (;;) {
    auto more = q.step();
    if (!more.ok()) return more.error();
    if (!more.value()) return out;
    ActionTally t;
    int column = 0;
    switch (by) {
      case TallyBy::day_and_channel:
        t.day = q.text(column++);
        t.channel = q.text(column++);
        break;
      case TallyBy::channel: t.channel = q.text(column++); break;
      case TallyBy::target: t.target = q.text(column++); break;
      case TallyBy::country: t.country = q.text(column++); break;
    }
    t.status = q.text(column++);
    t.n = q.int64(column);
    out.push_back(std::move(t));
  }
}

}  // namespace twinning::store::sqlite
