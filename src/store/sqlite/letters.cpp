// The SQLite store's requests to print and post letters (migrations/0005_letter_requests.sql). A
// request is written by write_one with its action, in the same savepoint, so there is never one
// without the other; whether it is printed at all is the action's status (confirmed).
#include <cstdint>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "store/time_text.hpp"

namespace twinning::store::sqlite {
namespace {

// The store keeps the lines joined by a newline, which a line itself cannot hold (checked below).
constexpr char kLineSeparator = '\n';
constexpr std::size_t kMaxLines = 3;
constexpr std::size_t kMaxLineBytes = 1000;  // the form allows far less; this only bounds a caller
constexpr std::size_t kMaxPageRows = 10000;

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    if (!out.empty()) out += kLineSeparator;
    out += l;
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= joined.size()) {
    const auto end = joined.find(kLineSeparator, start);
    out.push_back(joined.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

bool one_line(const std::string& s) { return s.find_first_of(std::string("\r\n\0", 3)) == std::string::npos; }

}  // namespace

std::optional<Error> invalid_letter_request(const NewAction& a) {
  if (!a.letter_request) return std::nullopt;
  const NewLetterRequest& l = *a.letter_request;
  if (a.channel != "letter") {
    return Error::make(ErrorKind::bad_request, "only a letter action can carry a request to print", "channel");
  }
  if (l.address_lines.empty() || l.address_lines.size() > kMaxLines) {
    return Error::make(ErrorKind::bad_request, "a request to print needs 1 to 3 address lines", "address_line1");
  }
  for (const auto& line : l.address_lines) {
    if (line.empty() || line.size() > kMaxLineBytes || !one_line(line)) {
      return Error::make(ErrorKind::bad_request, "each address line must be one non-empty line of text",
                         "address_line1");
    }
  }
  if (l.place.size() > kMaxLineBytes || !one_line(l.place)) {
    return Error::make(ErrorKind::bad_request, "the place must be one line of text", "place");
  }
  return std::nullopt;
}

Result<void> SqliteStore::prepare_letter_writes() {
  const StatementSql entries[] = {
      {&w_.insert_letter_request,
       "INSERT INTO letter_requests (action_id, campaign, address_lines, place) VALUES (?1, ?2, ?3, ?4)"},
      {&w_.mark_letter_printed, "UPDATE letter_requests SET printed_at = ?2 WHERE action_id = ?1 AND printed_at IS NULL"},
  };
  return prepare_all(write_db_.get(), entries);
}

Result<void> SqliteStore::prepare_letter_reads() {
  const StatementSql entries[] = {
      {&r_.list_letter_requests,
       "SELECT l.action_id, l.campaign, a.language, a.country, a.status, p.name, p.email, l.address_lines, l.place, "
       "a.created_at, l.printed_at FROM letter_requests l "
       "JOIN actions a ON a.id = l.action_id JOIN supporters p ON p.id = a.supporter_id "
       "WHERE l.campaign = ?1 AND l.action_id > ?2 AND (?3 OR a.status = 'confirmed') "
       "AND (?4 OR l.printed_at IS NULL) ORDER BY l.action_id LIMIT ?5"},
  };
  return prepare_all(read_db_.get(), entries);
}

Result<void> SqliteStore::insert_letter_request(const NewAction& a, std::int64_t action_id) {
  auto q = w_.insert_letter_request.use();
  if (auto r = q.bind_all(action_id, a.campaign, join_lines(a.letter_request->address_lines), a.letter_request->place);
      !r.ok()) {
    return r;
  }
  return q.run();
}

Result<std::vector<LetterRequestRow>> SqliteStore::list_letter_requests(const LetterRequestFilter& filter) {
  if (filter.limit == 0 || filter.limit > kMaxPageRows) {
    return Error::make(ErrorKind::bad_request,
                       "ask for 1 to " + std::to_string(kMaxPageRows) + " letter requests at a time", "limit");
  }
  std::lock_guard lock(read_mu_);
  auto q = r_.list_letter_requests.use();
  if (auto r = q.bind_all(filter.campaign, filter.after_action_id, std::int64_t{filter.include_unconfirmed ? 1 : 0},
                          std::int64_t{filter.include_printed ? 1 : 0}, static_cast<std::int64_t>(filter.limit));
      !r.ok()) {
    return r.error();
  }
  std::vector<LetterRequestRow> out;
  for (;;) {
    auto more = q.step();
    if (!more.ok()) return more.error();
    if (!more.value()) return out;
    LetterRequestRow row;
    row.action_id = q.int64(0);
    row.campaign = q.text(1);
    row.language = q.text(2);
    row.country = q.text(3);
    row.status = q.text(4);
    row.supporter_name = q.text(5);
    row.supporter_email = q.text(6);
    row.address_lines = split_lines(q.text(7));
    row.place = q.text(8);
    auto created = read_time(q, 9, "a letter request's time");
    if (!created.ok()) return created.error();
    row.created_at = created.value();
    if (!q.is_null(10)) {
      auto printed = read_time(q, 10, "a letter request's printing time");
      if (!printed.ok()) return printed.error();
      row.printed_at = printed.value();
    }
    out.push_back(std::move(row));
  }
}

Result<std::int64_t> SqliteStore::mark_letters_printed(const std::vector<std::int64_t>& action_ids, TimePoint now) {
  if (!time_representable(now)) return Error::make(ErrorKind::bad_request, "the time is out of range", "now");
  const std::string when = format_time(now);
  return write<std::int64_t>([&]() -> Result<std::int64_t> {
    std::int64_t marked = 0;
    for (const auto id : action_ids) {
      auto q = w_.mark_letter_printed.use();
      if (auto r = q.bind_all(id, when); !r.ok()) return r.error();
      if (auto r = q.run(); !r.ok()) return r.error();
      marked += q.changes();
    }
    return marked;
  });
}

}  // namespace twinning::store::sqlite
