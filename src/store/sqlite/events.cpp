// The SQLite store's event counts (migrations/0003_events.sql). Events are many and small: each
// is queued in memory, and the first one of a burst queues one writer job that sums all those
// waiting by key and upserts the sums in a single transaction.
#include <chrono>
#include <cstdint>
#include <exception>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "store/sqlite/sqlite_store.hpp"
#include "store/time_text.hpp"

namespace twinning::store::sqlite {
namespace {

// Longest value of a field: ids, codes and kinds are short; anything longer is not one of ours.
constexpr std::size_t kMaxEventField = 100;

std::optional<Error> invalid(const EventRecord& e) {
  const std::pair<const char*, const std::string*> fields[] = {
      {"campaign", &e.campaign}, {"channel", &e.channel},   {"target", &e.target},
      {"kind", &e.kind},         {"language", &e.language}, {"country", &e.country},
  };
  for (const auto& [name, value] : fields) {
    if (value->size() > kMaxEventField) {
      return Error::make(ErrorKind::bad_request,
                         std::string("the event's ") + name + " is longer than " + std::to_string(kMaxEventField) +
                             " bytes",
                         name);
    }
  }
  for (const auto& [name, value] : {fields[0], fields[1], fields[3]}) {
    if (value->empty()) return Error::make(ErrorKind::bad_request, std::string("the event has no ") + name, name);
  }
  return invalid_time(e.at, "at");
}

void deliver(const Store::EventDone& done, const Result<void>& result) {
  if (!done) return;
  try {
    done(result);
  } catch (const std::exception& e) {
    spdlog::error("store: a record_event callback threw: {}", e.what());
  } catch (...) {
    spdlog::error("store: a record_event callback threw a non-standard exception");
  }
}

// The UTC day of `t` as stored: the date part of the RFC 3339 text.
std::string day_of(TimePoint t) { return format_time(t).substr(0, 10); }

}  // namespace

Result<void> SqliteStore::prepare_event_writes() {
  const StatementSql entries[] = {
      {&w_.add_event,
       "INSERT INTO event_counts (campaign, channel, target, kind, language, country, day, n) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
       "ON CONFLICT (campaign, channel, target, kind, language, country, day) DO UPDATE SET n = event_counts.n + "
       "excluded.n"},
  };
  return prepare_all(write_db_.get(), entries);
}

Result<void> SqliteStore::prepare_event_reads() {
  const std::string sum = "SELECT channel, target, kind, SUM(n) FROM event_counts WHERE campaign = ?1 ";
  const std::string group = "GROUP BY channel, target, kind ORDER BY channel, target, kind";
  const StatementSql entries[] = {
      {&r_.count_events_campaign, sum + group},
      {&r_.count_events_channel, sum + "AND channel = ?2 " + group},
  };
  return prepare_all(read_db_.get(), entries);
}

void SqliteStore::record_event(EventRecord event, EventDone done) {
  if (options_.read_only) return deliver(done, refused("the store is open read-only"));
  if (event.at == TimePoint{}) event.at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (auto error = invalid(event)) return deliver(done, *error);
  const char* refusal = nullptr;
  bool first = false;
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      refusal = "the store is closing";
    } else if (pending_events_.size() >= options_.max_events_queue) {
      refusal = "too many events are waiting to be stored; try again in a moment";
    } else {
      first = pending_events_.empty();
      pending_events_.push_back(PendingEvent{std::move(event), std::move(done)});
      if (first) {
        queue_.push_back(Work{std::nullopt, [this] { write_pending_events(); }});
        ++enqueued_;
      }
    }
  }
  if (refusal != nullptr) return deliver(done, refused(refusal));
  if (first) work_cv_.notify_one();
}

void SqliteStore::write_pending_events() {
  std::vector<PendingEvent> events;
  {
    std::lock_guard lock(mu_);
    events.swap(pending_events_);
  }
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string, std::string>;
  std::map<Key, std::int64_t> sums;
  for (const PendingEvent& p : events) {
    const EventRecord& e = p.event;
    ++sums[Key{e.campaign, e.channel, e.target, e.kind, e.language, e.country, day_of(e.at)}];
  }
  Result<void> result = [&]() -> Result<void> {
    try {
      return in_transaction<void>([&]() -> Result<void> {
        for (const auto& [key, n] : sums) {
          auto q = w_.add_event.use();
          const auto& [campaign, channel, target, kind, language, country, day] = key;
          if (auto r = q.bind_all(campaign, channel, target, kind, language, country, day, n); !r.ok()) return r;
          if (auto r = q.run(); !r.ok()) return r;
        }
        return {};
      });
    } catch (const std::exception& e) {
      return Error::make(ErrorKind::internal, "the store failed", {}, e.what());
    }
  }();
  if (!result.ok()) spdlog::error("store: {} event counts were not written: {}", events.size(), result.error().detail);
  for (const PendingEvent& p : events) deliver(p.done, result);
}

Result<std::vector<EventCount>> SqliteStore::count_events(const EventFilter& filter) {
  std::lock_guard lock(read_mu_);
  auto q = filter.channel ? r_.count_events_channel.use() : r_.count_events_campaign.use();
  auto bound = filter.channel ? q.bind_all(filter.campaign, *filter.channel) : q.bind_all(filter.campaign);
  if (!bound.ok()) return bound.error();
  std::vector<EventCount> out;
  for (;;) {
    auto more = q.step();
    if (!more.ok()) return more.error();
    if (!more.value()) return out;
    out.push_back(EventCount{q.text(0), q.text(1), q.text(2), q.int64(3)});
  }
}

}  // namespace twinning::store::sqlite
