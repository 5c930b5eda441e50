// The store's test suite. The behaviour every backend must have is one parameterized suite
// (StoreSuite, TEST_P) over a factory that opens a store in a temporary directory; only the SQLite
// factory exists now, and PostgreSQL will add its own to the same list. What is specific to SQLite
// (the file, migrations table, busy locks, other processes, SIGKILL) is in SqliteStore tests below.
#include <grp.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

#include "store/migrations.hpp"
#include "store/sqlite/db.hpp"
#include "store/store.hpp"
#include "store/time_text.hpp"

namespace twinning::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------
// Helpers

using test::TempDir;

// "k" + number. (g++ 12 at -O3 warns falsely, -Wrestrict, on `numbered("literal", n)`.)
std::string numbered(std::string_view prefix, long long n) {
  std::string out(prefix);
  out += std::to_string(n);
  return out;
}

TimePoint at(const char* text) {
  auto t = parse_time(text);
  if (!t) throw std::runtime_error(std::string("bad test time ") + text);
  return *t;
}

NewAction make_action(const std::string& key, const std::string& email = "ada@example.org") {
  NewAction a;
  a.idempotency_key = key;
  a.request_hash = "hash-of-" + key;
  a.campaign = "naju-haderslev";
  a.channel = "email";
  a.target = "mayor-haderslev";
  a.language = "da";
  a.country = "DK";
  a.supporter_name = "Ada";
  a.supporter_email = email;
  a.supporter_phone = "+4512345678";
  a.consent.this_campaign = true;
  a.consent.other_campaigns = false;
  a.consent.public_listing = true;
  a.consent.wording_version = "2026-11-01";
  a.consent.given_at = at("2026-11-25T09:00:00Z");
  a.created_at = at("2026-11-25T09:00:01Z");
  return a;
}

std::string describe(const Error& e) {
  return std::string(to_string(e.kind)) + ": " + e.message + " [" + e.detail + "]";
}

// A raw SQLite connection, to look at and tamper with the file the way an operator or a bug could.
class RawDb {
 public:
  explicit RawDb(const fs::path& file) {
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + file.string());
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  ~RawDb() { sqlite3_close_v2(db_); }

  void exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    const std::string text = message != nullptr ? message : "";
    sqlite3_free(message);
    if (rc != SQLITE_OK) throw std::runtime_error("exec failed: " + text + " in " + sql);
  }
  std::string text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("prepare failed: ") + sqlite3_errmsg(db_));
    }
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  }
  long long integer(const std::string& sql) { return std::stoll(text(sql)); }

 private:
  sqlite3* db_ = nullptr;
};

// Holds the store's writer inside the `done` of one action until the gate is destroyed or opened,
// so that what is queued meanwhile is known to go into the writer's next batch. Declare it after
// the store: it must open before the store's destructor joins the writer.
class WriterGate {
 public:
  explicit WriterGate(Store& store) : opened_(open_.get_future().share()) {
    // Shared with the callback, so the promise outlives set_value even once this returns.
    auto entered = std::make_shared<std::promise<void>>();
    auto entered_future = entered->get_future();
    store.record_action(make_action("gate-key", "gate@example.org"),
                        [entered, opened = opened_](Result<Recorded> r) {
                          if (!r.ok()) ADD_FAILURE() << "the gate action failed: " << describe(r.error());
                          entered->set_value();
                          opened.wait();
                        });
    entered_future.wait();
  }
  WriterGate(const WriterGate&) = delete;
  WriterGate& operator=(const WriterGate&) = delete;
  ~WriterGate() { open(); }
  void open() {
    if (!is_open_) open_.set_value();
    is_open_ = true;
  }

 private:
  std::promise<void> open_;
  std::shared_future<void> opened_;
  bool is_open_ = false;
};

// A file descriptor closed when it goes out of scope, so a failed assertion cannot leave a child
// blocked on a pipe.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { close(); }
  int get() const { return fd_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

struct Pipe {
  Fd read, write;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

// A forked child, killed and reaped if the test leaves early. Fork only while this process has no
// store open: SQLite connections and their locks must not be carried across fork().
class Child {
 public:
  // Runs `body` in a child process, which exits with the code it returns.
  explicit Child(const std::function<int()>& body) {
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) ::_exit(body());
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  pid_t pid() const { return pid_; }
  // The wait status (for WIFEXITED and friends).
  int wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
};

// Reads all of a pipe until EOF.
std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return out;
    }
  }
}

bool write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Collects the results of async record_action calls.
struct Results {
  std::mutex mu;
  std::vector<Result<Recorded>> all;
  Store::Done sink() {
    return [this](Result<Recorded> r) {
      std::lock_guard lock(mu);
      all.push_back(std::move(r));
    };
  }
};

// ---------------------------------------------------------------------------------------------
// The suite for every backend

struct OpenParams {
  std::size_t max_batch = 512;
  std::size_t max_queue = 100000;
  std::size_t max_events_queue = 100000;
  bool read_only = false;
};

struct Backend {
  std::string name;
  // Opens the store kept in `dir`; opening the same dir twice gives two instances on one store.
  std::function<Result<std::unique_ptr<Store>>(const fs::path& dir, const OpenParams&)> open;
};

// How gtest names the parameter in its output ("sqlite"), instead of dumping its bytes.
void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

Backend sqlite_backend() {
  return Backend{"sqlite", [](const fs::path& dir, const OpenParams& p) {
                   SqliteOptions options;
                   options.max_batch = p.max_batch;
                   options.max_queue = p.max_queue;
                   options.max_events_queue = p.max_events_queue;
                   options.read_only = p.read_only;
                   return open_sqlite(dir, options);
                 }};
}

class StoreSuite : public ::testing::TestWithParam<Backend> {
 protected:
  fs::path data_dir() const { return tmp_.path() / "data"; }

  std::unique_ptr<Store> open(OpenParams params = {}) {
    auto store = GetParam().open(data_dir(), params);
    if (!store.ok()) {
      ADD_FAILURE() << "open failed: " << describe(store.error());
      return nullptr;
    }
    return std::move(store.value());
  }

  static Recorded record(Store& store, NewAction a) {
    auto r = store.record_action_sync(std::move(a));
    if (!r.ok()) throw std::runtime_error("record failed: " + describe(r.error()));
    return r.value();
  }

  static std::int64_t count(Store& store, const std::string& campaign = "naju-haderslev") {
    auto n = store.count_actions(campaign);
    if (!n.ok()) throw std::runtime_error("count failed: " + describe(n.error()));
    return n.value();
  }

  TempDir tmp_;
};

TEST_P(StoreSuite, OpensAnEmptyDirectoryAtTheLatestSchema) {
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), migrations().back().version);
  EXPECT_EQ(count(*store), 0);
  EXPECT_EQ(store->stats().commits, 0u);
}

TEST_P(StoreSuite, ReopeningKeepsTheDataAndTheVersion) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    record(*store, make_action("k1"));
  }
  auto again = open();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->schema_version(), migrations().back().version);
  EXPECT_EQ(count(*again), 1);
  // Reopening applied nothing new: the next action still gets recorded normally.
  EXPECT_FALSE(record(*again, make_action("k2")).duplicate);
  EXPECT_EQ(count(*again), 2);
}

TEST_P(StoreSuite, RecordsAnActionAndReadsItBack) {
  auto store = open();
  ASSERT_TRUE(store);
  const Recorded rec = record(*store, make_action("k1"));
  EXPECT_GT(rec.action_id, 0);
  EXPECT_FALSE(rec.duplicate);
  EXPECT_EQ(rec.status, "recorded");

  auto rows = store->list_actions({});
  ASSERT_TRUE(rows.ok()) << describe(rows.error());
  ASSERT_EQ(rows->size(), 1u);
  const ActionRow& row = rows->front();
  EXPECT_EQ(row.id, rec.action_id);
  EXPECT_EQ(row.campaign, "naju-haderslev");
  EXPECT_EQ(row.channel, "email");
  EXPECT_EQ(row.target, "mayor-haderslev");
  EXPECT_EQ(row.language, "da");
  EXPECT_EQ(row.country, "DK");
  EXPECT_EQ(row.status, "recorded");
  EXPECT_EQ(row.created_at, at("2026-11-25T09:00:01Z"));
  EXPECT_EQ(row.updated_at, at("2026-11-25T09:00:01Z"));

  auto supporter = store->find_supporter("ada@example.org");
  ASSERT_TRUE(supporter.ok()) << describe(supporter.error());
  ASSERT_TRUE(supporter->has_value());
  EXPECT_EQ((*supporter)->id, row.supporter_id);
  EXPECT_EQ((*supporter)->name, "Ada");
  EXPECT_EQ((*supporter)->country, "DK");
  EXPECT_EQ((*supporter)->phone, "+4512345678");
  EXPECT_EQ((*supporter)->created_at, at("2026-11-25T09:00:01Z"));

  const StoreStats stats = store->stats();
  EXPECT_EQ(stats.recorded, 1u);
  EXPECT_EQ(stats.commits, 1u);
  EXPECT_EQ(stats.queued, 0u);
}

TEST_P(StoreSuite, TheSameKeyAndContentIsADuplicateThatWritesNothing) {
  auto store = open();
  ASSERT_TRUE(store);
  const Recorded first = record(*store, make_action("k1"));
  NewAction again = make_action("k1");
  again.supporter_name = "not written";  // same hash: the content is taken as the same
  const Recorded second = record(*store, again);
  EXPECT_TRUE(second.duplicate);
  EXPECT_EQ(second.action_id, first.action_id);
  EXPECT_EQ(second.status, "recorded");
  EXPECT_EQ(count(*store), 1);
  EXPECT_EQ((*store->find_supporter("ada@example.org").value()).name, "Ada");
  EXPECT_EQ(store->stats().duplicates, 1u);
}

TEST_P(StoreSuite, TheSameKeyWithOtherContentIsAConflict) {
  auto store = open();
  ASSERT_TRUE(store);
  record(*store, make_action("k1"));
  NewAction other = make_action("k1");
  other.request_hash = "another-hash";
  auto r = store->record_action_sync(other);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::conflict);
  EXPECT_EQ(r.error().message,
            "this form was already submitted with other content; reload the page to start a new action");
  EXPECT_EQ(count(*store), 1);
  EXPECT_EQ(store->stats().failed, 1u);
}

TEST_P(StoreSuite, SupportersAreMatchedByEmailIgnoringAsciiCaseAndTheLatestDetailsWin) {
  auto store = open();
  ASSERT_TRUE(store);
  const Recorded first = record(*store, make_action("k1", "Ada@Example.org"));
  NewAction later = make_action("k2", "ada@EXAMPLE.ORG");
  later.supporter_name = "Ada Lovelace";
  later.country = "GB";
  later.supporter_phone = "";
  later.created_at = at("2026-11-26T10:00:00Z");
  const Recorded second = record(*store, later);

  auto rows = store->list_actions({});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].supporter_id, (*rows)[1].supporter_id);
  EXPECT_NE(first.action_id, second.action_id);

  auto s = store->find_supporter("ADA@example.ORG");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->name, "Ada Lovelace");
  EXPECT_EQ((*s)->country, "GB");
  EXPECT_EQ((*s)->phone, "");
  EXPECT_EQ((*s)->email, "ada@EXAMPLE.ORG");
  EXPECT_EQ((*s)->created_at, at("2026-11-25T09:00:01Z"));  // the first action's time

  auto nobody = store->find_supporter("someone@example.org");
  ASSERT_TRUE(nobody.ok());
  EXPECT_FALSE(nobody->has_value());
}

TEST_P(StoreSuite, ConsentRowsKeepTheHistoryWithWordingVersionAndTime) {
  auto store = open();
  ASSERT_TRUE(store);
  const Recorded first = record(*store, make_action("k1"));
  NewAction later = make_action("k2");
  later.campaign = "another-campaign";
  later.consent = Consent{false, true, false, "2026-12-01", at("2026-12-02T08:30:00Z")};
  later.created_at = at("2026-12-02T08:30:05Z");
  const Recorded second = record(*store, later);

  const auto supporter = store->find_supporter("ada@example.org").value();
  ASSERT_TRUE(supporter.has_value());
  auto rows = store->consents_of(supporter->id);
  ASSERT_TRUE(rows.ok()) << describe(rows.error());
  ASSERT_EQ(rows->size(), 6u);

  struct Want {
    std::int64_t action;
    const char* campaign;
    const char* scope;
    bool given;
    const char* version;
    const char* time;
  };
  const Want want[] = {
      {first.action_id, "naju-haderslev", "other_campaigns", false, "2026-11-01", "2026-11-25T09:00:00Z"},
      {first.action_id, "naju-haderslev", "public_listing", true, "2026-11-01", "2026-11-25T09:00:00Z"},
      {first.action_id, "naju-haderslev", "this_campaign", true, "2026-11-01", "2026-11-25T09:00:00Z"},
      {second.action_id, "another-campaign", "other_campaigns", true, "2026-12-01", "2026-12-02T08:30:00Z"},
      {second.action_id, "another-campaign", "public_listing", false, "2026-12-01", "2026-12-02T08:30:00Z"},
      {second.action_id, "another-campaign", "this_campaign", false, "2026-12-01", "2026-12-02T08:30:00Z"},
  };
  for (std::size_t i = 0; i < 6; ++i) {
    SCOPED_TRACE(i);
    const ConsentRow& c = (*rows)[i];
    EXPECT_EQ(c.supporter_id, supporter->id);
    EXPECT_EQ(c.action_id, want[i].action);
    EXPECT_EQ(c.campaign, want[i].campaign);
    EXPECT_EQ(c.scope, want[i].scope);
    EXPECT_EQ(c.given, want[i].given);
    EXPECT_EQ(c.wording_version, want[i].version);
    EXPECT_EQ(c.recorded_at, at(want[i].time));
  }
}

TEST_P(StoreSuite, ZeroTimesMeanNowAndConsentTimeDefaultsToTheActionTime) {
  auto store = open();
  ASSERT_TRUE(store);
  NewAction a = make_action("k1");
  a.created_at = {};
  a.consent.given_at = {};
  const auto before = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  record(*store, a);
  const auto after = std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::now());

  const ActionRow row = store->list_actions({}).value().at(0);
  EXPECT_GE(row.created_at, before);
  EXPECT_LE(row.created_at, after);
  const auto consents = store->consents_of(row.supporter_id).value();
  ASSERT_EQ(consents.size(), 3u);
  for (const ConsentRow& c : consents) EXPECT_EQ(c.recorded_at, row.created_at);
}

TEST_P(StoreSuite, ListsFilterByCampaignAndChannelInRecordingOrderUpToTheLimit) {
  auto store = open();
  ASSERT_TRUE(store);
  const struct {
    const char* campaign;
    const char* channel;
  } inputs[] = {{"a", "email"}, {"b", "email"}, {"a", "call"}, {"a", "email"}, {"b", "letter"}};
  std::vector<std::int64_t> ids;
  int n = 0;
  for (const auto& in : inputs) {
    NewAction a = make_action(numbered("k", n++));
    a.campaign = in.campaign;
    a.channel = in.channel;
    ids.push_back(record(*store, a).action_id);
  }
  auto list_ids = [&](ActionFilter f) {
    std::vector<std::int64_t> out;
    auto rows = store->list_actions(f);
    EXPECT_TRUE(rows.ok());
    if (rows.ok()) {
      for (const ActionRow& r : *rows) out.push_back(r.id);
    }
    return out;
  };
  EXPECT_EQ(list_ids({}), ids);
  EXPECT_EQ(list_ids({"a", std::nullopt, 1000}), (std::vector<std::int64_t>{ids[0], ids[2], ids[3]}));
  EXPECT_EQ(list_ids({std::nullopt, "email", 1000}), (std::vector<std::int64_t>{ids[0], ids[1], ids[3]}));
  EXPECT_EQ(list_ids({"a", "email", 1000}), (std::vector<std::int64_t>{ids[0], ids[3]}));
  EXPECT_EQ(list_ids({"a", std::nullopt, 2}), (std::vector<std::int64_t>{ids[0], ids[2]}));
  EXPECT_EQ(list_ids({"nope", std::nullopt, 1000}), std::vector<std::int64_t>{});
  EXPECT_EQ(list_ids({std::nullopt, std::nullopt, 0}), std::vector<std::int64_t>{});
  EXPECT_EQ(count(*store, "a"), 3);
  EXPECT_EQ(count(*store, "b"), 2);
  EXPECT_EQ(count(*store, "c"), 0);
}

TEST_P(StoreSuite, AnActionMissingARequiredFieldIsRefusedAtOnce) {
  auto store = open();
  ASSERT_TRUE(store);
  struct Case {
    const char* field;
    std::function<void(NewAction&)> spoil;
  };
  const Case cases[] = {
      {"idempotency_key", [](NewAction& a) { a.idempotency_key.clear(); }},
      {"request_hash", [](NewAction& a) { a.request_hash.clear(); }},
      {"campaign", [](NewAction& a) { a.campaign.clear(); }},
      {"channel", [](NewAction& a) { a.channel.clear(); }},
      {"email", [](NewAction& a) { a.supporter_email.clear(); }},
      {"created_at", [](NewAction& a) { a.created_at = at("9999-12-31T23:59:59Z") + std::chrono::seconds{1}; }},
      {"given_at", [](NewAction& a) { a.consent.given_at = TimePoint{} - std::chrono::hours{24 * 366 * 2000}; }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field);
    NewAction a = make_action("k");
    c.spoil(a);
    bool called = false;
    std::optional<Error> error;
    store->record_action(a, [&](Result<Recorded> r) {
      called = true;
      if (!r.ok()) error = r.error();
    });
    // Refused on the caller's thread, before record_action returned.
    ASSERT_TRUE(called);
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->kind, ErrorKind::bad_request);
    EXPECT_EQ(error->field, c.field);
  }
  ASSERT_TRUE(store->flush().ok());
  EXPECT_EQ(count(*store), 0);
}

TEST_P(StoreSuite, GroupCommitBatchesActionsFromManyThreads) {
  auto store = open();
  ASSERT_TRUE(store);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 250;
  constexpr int kTotal = kThreads * kPerThread;
  std::atomic<int> ok{0}, failed{0};
  std::mutex ids_mu;
  std::set<std::int64_t> ids;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string key = numbered(numbered("t", t) + "-", i);
        store->record_action(make_action(key, key + "@example.org"), [&](Result<Recorded> r) {
          if (!r.ok()) {
            ++failed;
            return;
          }
          ++ok;
          std::lock_guard lock(ids_mu);
          ids.insert(r->action_id);
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(store->flush().ok());

  EXPECT_EQ(ok.load(), kTotal);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kTotal));
  EXPECT_EQ(count(*store), kTotal);
  const StoreStats stats = store->stats();
  EXPECT_EQ(stats.recorded, static_cast<std::uint64_t>(kTotal));
  EXPECT_EQ(stats.queued, 0u);
  EXPECT_GE(stats.commits, 1u);
  EXPECT_LT(stats.commits, static_cast<std::uint64_t>(kTotal)) << "no two actions shared a transaction";
}

TEST_P(StoreSuite, EverythingQueuedTogetherIsCommittedInOneTransaction) {
  auto store = open();
  ASSERT_TRUE(store);
  Results results;
  {
    WriterGate gate(*store);
    for (int i = 0; i < 50; ++i) store->record_action(make_action(numbered("k", i)), results.sink());
    EXPECT_EQ(store->stats().queued, 50u);
    EXPECT_EQ(store->stats().commits, 1u);  // the gate's own action
  }
  ASSERT_TRUE(store->flush().ok());
  EXPECT_EQ(store->stats().commits, 2u);
  ASSERT_EQ(results.all.size(), 50u);
  for (const auto& r : results.all) EXPECT_TRUE(r.ok());
}

TEST_P(StoreSuite, BatchesAreNoLargerThanMaxBatch) {
  auto store = open({.max_batch = 7});
  ASSERT_TRUE(store);
  Results results;
  {
    WriterGate gate(*store);
    for (int i = 0; i < 20; ++i) store->record_action(make_action(numbered("k", i)), results.sink());
  }
  ASSERT_TRUE(store->flush().ok());
  EXPECT_EQ(store->stats().commits, 1u + 3u);  // the gate, then 7 + 7 + 6
  EXPECT_EQ(count(*store), 21);
}

TEST_P(StoreSuite, OneFailingActionDoesNotFailTheOthersInItsBatch) {
  auto store = open();
  ASSERT_TRUE(store);
  std::optional<Result<Recorded>> good1, bad, good2;
  {
    WriterGate gate(*store);
    store->record_action(make_action("k1", "one@example.org"), [&](Result<Recorded> r) { good1 = std::move(r); });
    NewAction conflicting = make_action("gate-key");  // the gate's key with other content
    conflicting.request_hash = "other content";
    store->record_action(conflicting, [&](Result<Recorded> r) { bad = std::move(r); });
    store->record_action(make_action("k2", "two@example.org"), [&](Result<Recorded> r) { good2 = std::move(r); });
  }
  ASSERT_TRUE(store->flush().ok());
  EXPECT_EQ(store->stats().commits, 2u);
  ASSERT_TRUE(good1 && bad && good2);
  EXPECT_TRUE(good1->ok());
  ASSERT_FALSE(bad->ok());
  EXPECT_EQ(bad->error().kind, ErrorKind::conflict);
  EXPECT_TRUE(good2->ok());
  EXPECT_EQ(count(*store), 3);
}

TEST_P(StoreSuite, AFullQueueRefusesWithUnavailable) {
  auto store = open({.max_queue = 2});
  ASSERT_TRUE(store);
  Results results;
  {
    WriterGate gate(*store);
    store->record_action(make_action("k1"), results.sink());
    store->record_action(make_action("k2"), results.sink());
    std::optional<Error> refused;
    store->record_action(make_action("k3"), [&](Result<Recorded> r) {
      if (!r.ok()) refused = r.error();
    });
    ASSERT_TRUE(refused.has_value()) << "the third action was not refused at once";
    EXPECT_EQ(refused->kind, ErrorKind::unavailable);
    EXPECT_EQ(store->stats().queued, 2u);
  }
  ASSERT_TRUE(store->flush().ok());
  ASSERT_EQ(results.all.size(), 2u);
  for (const auto& r : results.all) EXPECT_TRUE(r.ok());
  EXPECT_EQ(count(*store), 3);  // the gate and the two queued
  // Once drained, the queue takes actions again.
  EXPECT_TRUE(store->record_action_sync(make_action("k3")).ok());
}

TEST_P(StoreSuite, FlushReturnsOnceEveryQueuedActionIsAnswered) {
  auto store = open();
  ASSERT_TRUE(store);
  std::atomic<int> answered{0};
  for (int i = 0; i < 100; ++i) {
    store->record_action(make_action(numbered("k", i)), [&](Result<Recorded>) { ++answered; });
  }
  ASSERT_TRUE(store->flush().ok());
  EXPECT_EQ(answered.load(), 100);
  EXPECT_EQ(count(*store), 100);
}

TEST_P(StoreSuite, TheDestructorWritesWhatIsStillQueued) {
  std::atomic<int> answered{0};
  {
    auto store = open();
    ASSERT_TRUE(store);
    for (int i = 0; i < 100; ++i) {
      store->record_action(make_action(numbered("k", i)), [&](Result<Recorded> r) {
        if (r.ok()) ++answered;
      });
    }
  }
  EXPECT_EQ(answered.load(), 100);
  auto again = open();
  ASSERT_TRUE(again);
  EXPECT_EQ(count(*again), 100);
}

TEST_P(StoreSuite, ACallbackThatThrowsDoesNotStopTheWriter) {
  auto store = open();
  ASSERT_TRUE(store);
  store->record_action(make_action("k1"), [](Result<Recorded>) { throw std::runtime_error("caller bug"); });
  EXPECT_TRUE(store->record_action_sync(make_action("k2")).ok());
  EXPECT_EQ(count(*store), 2);
}

TEST_P(StoreSuite, ReadsWorkFromOtherThreadsWhileTheWriterRuns) {
  auto store = open();
  ASSERT_TRUE(store);
  std::atomic<bool> done{false};
  std::atomic<int> read_errors{0};
  std::atomic<std::int64_t> last_seen{0};
  std::jthread reader([&] {
    while (!done.load()) {
      auto n = store->count_actions("naju-haderslev");
      auto rows = store->list_actions({"naju-haderslev", std::nullopt, 5});
      if (!n.ok() || !rows.ok()) {
        ++read_errors;
        continue;
      }
      // Committed data only grows.
      if (n.value() < last_seen.load()) ++read_errors;
      last_seen = n.value();
    }
  });
  for (int i = 0; i < 300; ++i) store->record_action(make_action(numbered("k", i)), nullptr);
  const bool flushed = store->flush().ok();
  done = true;
  reader.join();
  ASSERT_TRUE(flushed);
  EXPECT_EQ(read_errors.load(), 0);
  EXPECT_EQ(count(*store), 300);
}

TEST_P(StoreSuite, AnotherInstanceReadsWhatThisOneCommitted) {
  auto writer = open();
  ASSERT_TRUE(writer);
  record(*writer, make_action("k1"));
  auto reader = open();
  ASSERT_TRUE(reader);
  EXPECT_EQ(count(*reader), 1);
  record(*writer, make_action("k2"));
  EXPECT_EQ(count(*reader), 2);  // each read sees the latest commit
  // ... and the other way round.
  record(*reader, make_action("k3"));
  EXPECT_EQ(count(*writer), 3);
  // The idempotency key is shared too.
  EXPECT_TRUE(record(*reader, make_action("k1")).duplicate);
}

TEST_P(StoreSuite, TwoInstancesWriteAtTheSameTime) {
  auto a = open();
  auto b = open();
  ASSERT_TRUE(a && b);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    Store* store = (t % 2 == 0) ? a.get() : b.get();
    threads.emplace_back([&ok, store, t] {
      for (int i = 0; i < 100; ++i) {
        const std::string key = numbered(numbered("t", t) + "-", i);
        if (store->record_action_sync(make_action(key, key + "@example.org")).ok()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 400);
  EXPECT_EQ(count(*a), 400);
  EXPECT_EQ(count(*b), 400);
}

TEST_P(StoreSuite, AReadOnlyStoreReadsAndRefusesWrites) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    record(*store, make_action("k1"));
  }
  auto ro = open({.read_only = true});
  ASSERT_TRUE(ro);
  EXPECT_EQ(ro->schema_version(), migrations().back().version);
  EXPECT_EQ(count(*ro), 1);
  auto r = ro->record_action_sync(make_action("k2"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::unavailable);
  EXPECT_TRUE(ro->flush().ok());
}

TEST_P(StoreSuite, AReadOnlyOpenOfNoStoreIsNotFound) {
  auto r = GetParam().open(data_dir(), {.read_only = true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::not_found);
  EXPECT_FALSE(fs::exists(data_dir())) << "a read-only open created the directory";
}

TEST_P(StoreSuite, InvalidOptionsAreRefused) {
  auto no_queue = GetParam().open(data_dir(), {.max_queue = 0});
  ASSERT_FALSE(no_queue.ok());
  EXPECT_EQ(no_queue.error().kind, ErrorKind::bad_request);
  auto no_batch = GetParam().open(data_dir(), {.max_batch = 0});
  ASSERT_FALSE(no_batch.ok());
  EXPECT_EQ(no_batch.error().kind, ErrorKind::bad_request);
}


// --- event counts ---

EventRecord event(std::string kind, std::string target = "haderslev-mayor", std::string channel = "call") {
  return EventRecord{"naju-haderslev", std::move(channel), std::move(target), std::move(kind), "en", "US",
                     at("2026-11-25T09:00:00Z")};
}

Result<void> record_event_sync(Store& store, EventRecord e) {
  std::promise<Result<void>> done;
  auto answer = done.get_future();
  store.record_event(std::move(e), [&done](Result<void> r) { done.set_value(std::move(r)); });
  return answer.get();
}

std::vector<EventCount> counts(Store& store, std::optional<std::string> channel = std::nullopt) {
  auto rows = store.count_events({"naju-haderslev", std::move(channel)});
  if (!rows.ok()) throw std::runtime_error("count_events failed: " + describe(rows.error()));
  return rows.value();
}

TEST_P(StoreSuite, EventsAreSummedOverDaysLanguagesAndCountriesByChannelTargetAndKind) {
  auto store = open();
  ASSERT_TRUE(store);
  auto next_day = event("call.reached");
  next_day.at = at("2026-11-26T23:59:59Z");
  auto danish = event("call.reached");
  danish.language = "da";
  danish.country = "DK";
  for (EventRecord e : {event("call.reached"), next_day, danish, event("call.wrong_number"),
                        event("own_mail.gmail", "", "email")}) {
    ASSERT_TRUE(record_event_sync(*store, e).ok());
  }
  auto all = counts(*store);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].channel, "call");
  EXPECT_EQ(all[0].kind, "call.reached");
  EXPECT_EQ(all[0].target, "haderslev-mayor");
  EXPECT_EQ(all[0].count, 3);
  EXPECT_EQ(all[1].kind, "call.wrong_number");
  EXPECT_EQ(all[1].count, 1);
  EXPECT_EQ(all[2].channel, "email");
  EXPECT_EQ(all[2].target, "");
  auto calls = counts(*store, "call");
  EXPECT_EQ(calls.size(), 2u);
  EXPECT_TRUE(counts(*store, "share").empty());
  EXPECT_TRUE(store->count_events({"another-campaign", std::nullopt}).value().empty());
}

TEST_P(StoreSuite, EventsQueuedWhileTheWriterIsBusyCostOneTransaction) {
  auto store = open();
  ASSERT_TRUE(store);
  std::atomic<int> answered{0};
  std::uint64_t before = 0;
  {
    WriterGate gate(*store);
    before = store->stats().commits;  // the gate's action is committed; its callback holds the writer
    for (int i = 0; i < 200; ++i) {
      store->record_event(event(i % 2 == 0 ? "call.reached" : "call.no_answer"), [&answered](Result<void> r) {
        if (!r.ok()) ADD_FAILURE() << describe(r.error());
        ++answered;
      });
    }
  }
  ASSERT_TRUE(store->flush().ok());
  EXPECT_EQ(answered.load(), 200);
  EXPECT_EQ(store->stats().commits - before, 1u);
  auto rows = counts(*store);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].count + rows[1].count, 200);
}

TEST_P(StoreSuite, EventCountsAreDurableAcrossReopening) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    store->record_event(event("call.voicemail"));  // no callback: fire and forget
  }  // the destructor writes what is queued
  auto again = open();
  ASSERT_TRUE(again);
  auto rows = counts(*again);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].count, 1);
}

TEST_P(StoreSuite, AnInvalidEventIsRefusedAtOnceNamingTheField) {
  auto store = open();
  ASSERT_TRUE(store);
  auto refused_field = [&](EventRecord e) -> std::string {
    std::optional<Result<void>> answer;
    store->record_event(std::move(e), [&answer](Result<void> r) { answer = std::move(r); });
    // Refusals are answered on the caller's thread, before record_event returns.
    if (!answer) return "(not answered at once)";
    if (answer->ok()) return "(accepted)";
    EXPECT_EQ(answer->error().kind, ErrorKind::bad_request);
    return answer->error().field;
  };
  auto no_kind = event("");
  EXPECT_EQ(refused_field(no_kind), "kind");
  auto no_campaign = event("call.reached");
  no_campaign.campaign.clear();
  EXPECT_EQ(refused_field(no_campaign), "campaign");
  auto long_target = event("call.reached", std::string(101, 'x'));
  EXPECT_EQ(refused_field(long_target), "target");
  auto just_long_enough = event("call.reached", std::string(100, 'x'));
  EXPECT_TRUE(record_event_sync(*store, just_long_enough).ok());
  auto far_future = event("call.reached");
  far_future.at = TimePoint{std::chrono::seconds{300'000'000'000LL}};
  EXPECT_EQ(refused_field(far_future), "at");
  ASSERT_TRUE(store->flush().ok());
  EXPECT_EQ(counts(*store).size(), 1u);
}

TEST_P(StoreSuite, TooManyWaitingEventsAreRefusedWithUnavailable) {
  auto store = open({.max_events_queue = 2});
  ASSERT_TRUE(store);
  std::optional<Result<void>> third;
  {
    WriterGate gate(*store);
    store->record_event(event("call.reached"));
    store->record_event(event("call.reached"));
    store->record_event(event("call.reached"), [&third](Result<void> r) { third = std::move(r); });
    ASSERT_TRUE(third.has_value());
    EXPECT_EQ(third->error().kind, ErrorKind::unavailable);
  }
  ASSERT_TRUE(store->flush().ok());
  EXPECT_TRUE(record_event_sync(*store, event("call.reached")).ok());  // room again once written
  EXPECT_EQ(counts(*store).at(0).count, 3);
}

TEST_P(StoreSuite, AReadOnlyStoreRefusesEventsButCountsThem) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(record_event_sync(*store, event("call.reached")).ok());
  }
  auto ro = open({.read_only = true});
  ASSERT_TRUE(ro);
  auto r = record_event_sync(*ro, event("call.reached"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::unavailable);
  EXPECT_EQ(counts(*ro).at(0).count, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreSuite, ::testing::Values(sqlite_backend()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) { return param_info.param.name; });

// ---------------------------------------------------------------------------------------------
// Confirmation and the outbox

OutboxMessage message_to(const std::string& recipient, const std::string& tag) {
  OutboxMessage m;
  m.kind = "email";
  m.target = "mayor-haderslev";
  m.recipient = recipient;
  m.pacing_key = recipient;
  m.envelope_from = "bounce+" + tag + "@twinning.example";
  m.message_id = "<" + tag + "@twinning.example>";
  m.payload = "Subject: " + tag + "\r\n\r\nKaere borgmester\r\n";
  return m;
}

// An action that sends two messages (To and Cc) and asks the supporter to confirm with `token`.
NewAction confirmed_action(const std::string& key, const std::string& token,
                           const std::string& email = "ada@example.org") {
  NewAction a = make_action(key, email);
  a.messages = {message_to("mayor@haderslev.dk", key + "-to"), message_to("council@jeonnam.kr", key + "-cc")};
  ConfirmationRequest c;
  c.token_hash = token;
  c.expires_at = a.created_at + std::chrono::hours{72};
  c.mail = message_to(email, key + "-confirm");
  c.mail.target.clear();
  c.mail.pacing_key.clear();
  a.confirmation = c;
  return a;
}

std::string describe_rows(const std::vector<OutboxRow>& rows) {
  std::string out;
  for (const OutboxRow& r : rows) out += std::to_string(r.id) + ":" + r.recipient + ":" + r.state + " ";
  return out;
}

std::set<std::int64_t> ids_of(const std::vector<OutboxRow>& rows) {
  std::set<std::int64_t> ids;
  for (const OutboxRow& r : rows) ids.insert(r.id);
  return ids;
}

class OutboxSuite : public StoreSuite {
 protected:
  std::vector<OutboxRow> outbox(Store& store, std::optional<std::string> state = std::nullopt) {
    auto rows = store.list_outbox({.state = std::move(state), .limit = 10000});
    if (!rows.ok()) throw std::runtime_error("list_outbox failed: " + describe(rows.error()));
    // The store lists newest first; the tests read them in the order they were written.
    std::vector<OutboxRow> out = rows.value();
    std::sort(out.begin(), out.end(), [](const OutboxRow& a, const OutboxRow& b) { return a.id < b.id; });
    return out;
  }
  std::vector<OutboxRow> claim(Store& store, TimePoint now, ClaimRules rules = {}) {
    auto rows = store.claim_outbox(now, rules);
    if (!rows.ok()) throw std::runtime_error("claim failed: " + describe(rows.error()));
    return rows.value();
  }
  ConfirmResult confirm(Store& store, const std::string& token, TimePoint now) {
    auto r = store.confirm(token, now);
    if (!r.ok()) throw std::runtime_error("confirm failed: " + describe(r.error()));
    return r.value();
  }
  std::string status_of(Store& store, std::int64_t action_id) {
    auto rows = store.list_actions({});
    if (!rows.ok()) throw std::runtime_error("list_actions failed: " + describe(rows.error()));
    for (const ActionRow& r : rows.value()) {
      if (r.id == action_id) return r.status;
    }
    return "(no such action)";
  }
  // Queues `n` messages to `recipient`, due at `when`, without confirmation.
  void queue_messages(Store& store, const std::string& recipient, int n, TimePoint when, const std::string& prefix) {
    for (int i = 0; i < n; ++i) {
      NewAction a = make_action(numbered(prefix, i), numbered(prefix, i) + "@example.org");
      a.created_at = when;
      a.messages = {message_to(recipient, numbered(prefix + "-m", i))};
      record(store, a);
    }
  }
};

using ConfirmOutcome = ConfirmResult::Outcome;

TEST_P(OutboxSuite, MessagesOfAnActionWithoutConfirmationAreQueuedAtOnce) {
  auto store = open();
  ASSERT_TRUE(store);
  NewAction a = make_action("k1");
  a.messages = {message_to("mayor@haderslev.dk", "to"), message_to("council@jeonnam.kr", "cc")};
  const Recorded rec = record(*store, a);
  EXPECT_EQ(rec.status, "recorded");
  EXPECT_FALSE(rec.confirmation_mailed);

  const auto rows = outbox(*store);
  ASSERT_EQ(rows.size(), 2u);
  for (const OutboxRow& r : rows) {
    EXPECT_EQ(r.state, "queued");
    EXPECT_EQ(r.action_id, rec.action_id);
    EXPECT_EQ(r.attempts, 0);
    EXPECT_EQ(r.next_attempt_at, a.created_at);
    EXPECT_EQ(r.created_at, a.created_at);
    EXPECT_EQ(r.updated_at, a.created_at);
    EXPECT_FALSE(r.sent_at.has_value());
    EXPECT_EQ(r.last_error, "");
  }
  EXPECT_EQ(rows[0].recipient, "mayor@haderslev.dk");
  EXPECT_EQ(rows[0].kind, "email");
  EXPECT_EQ(rows[0].target, "mayor-haderslev");
  EXPECT_EQ(rows[0].pacing_key, "mayor@haderslev.dk");
  EXPECT_EQ(rows[0].envelope_from, "bounce+to@twinning.example");
  EXPECT_EQ(rows[0].message_id, "<to@twinning.example>");
  EXPECT_EQ(rows[0].payload, "Subject: to\r\n\r\nKaere borgmester\r\n");
  EXPECT_EQ(rows[1].recipient, "council@jeonnam.kr");
  EXPECT_EQ(status_of(*store, rec.action_id), "recorded");
}

TEST_P(OutboxSuite, MessagesAreHeldUntilTheSupporterConfirms) {
  auto store = open();
  ASSERT_TRUE(store);
  const NewAction a = confirmed_action("k1", "token-1");
  const Recorded rec = record(*store, a);
  EXPECT_EQ(rec.status, "pending");
  EXPECT_TRUE(rec.confirmation_mailed);
  EXPECT_EQ(status_of(*store, rec.action_id), "pending");

  // Only the confirmation mail may go out before the click.
  const auto mail = outbox(*store, "queued");
  ASSERT_EQ(mail.size(), 1u) << describe_rows(outbox(*store));
  EXPECT_EQ(mail[0].recipient, "ada@example.org");
  EXPECT_EQ(mail[0].action_id, 0);
  EXPECT_EQ(mail[0].message_id, "<k1-confirm@twinning.example>");
  EXPECT_EQ(outbox(*store, "held").size(), 2u);
  const TimePoint later = a.created_at + 10min;
  const auto claimed = claim(*store, later);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, mail[0].id);

  const TimePoint click = a.created_at + 1h;
  const ConfirmResult c = confirm(*store, "token-1", click);
  EXPECT_EQ(c.outcome, ConfirmOutcome::confirmed);
  EXPECT_EQ(c.campaign, "naju-haderslev");
  EXPECT_EQ(c.language, "da");
  EXPECT_EQ(c.actions, 1);
  EXPECT_EQ(c.messages, 2);
  EXPECT_EQ(status_of(*store, rec.action_id), "confirmed");
  EXPECT_TRUE(outbox(*store, "held").empty());
  const auto released = outbox(*store, "queued");
  ASSERT_EQ(released.size(), 2u);
  for (const OutboxRow& r : released) {
    EXPECT_EQ(r.action_id, rec.action_id);
    EXPECT_EQ(r.next_attempt_at, click);  // due at once, not at the action's time
  }
  // Nothing is due before the click.
  EXPECT_TRUE(claim(*store, click - 1s).empty());
  EXPECT_EQ(ids_of(claim(*store, click)), ids_of(released));
}

TEST_P(OutboxSuite, ConfirmQueuesExactlyTheHeldMessagesOfItsConfirmation) {
  auto store = open();
  ASSERT_TRUE(store);
  const Recorded ada = record(*store, confirmed_action("k1", "token-ada", "ada@example.org"));
  const Recorded bo = record(*store, confirmed_action("k2", "token-bo", "bo@example.org"));
  const ConfirmResult c = confirm(*store, "token-bo", at("2026-11-25T10:00:00Z"));
  EXPECT_EQ(c.outcome, ConfirmOutcome::confirmed);
  EXPECT_EQ(c.actions, 1);
  EXPECT_EQ(c.messages, 2);
  EXPECT_EQ(status_of(*store, ada.action_id), "pending");
  EXPECT_EQ(status_of(*store, bo.action_id), "confirmed");
  for (const OutboxRow& r : outbox(*store, "held")) EXPECT_EQ(r.action_id, ada.action_id);
  EXPECT_EQ(outbox(*store, "held").size(), 2u);
  std::size_t bo_queued = 0;
  for (const OutboxRow& r : outbox(*store, "queued")) bo_queued += r.action_id == bo.action_id ? 1 : 0;
  EXPECT_EQ(bo_queued, 2u);
}

TEST_P(OutboxSuite, ASecondConfirmIsAlreadyConfirmedAndChangesNothing) {
  auto store = open();
  ASSERT_TRUE(store);
  record(*store, confirmed_action("k1", "token-1"));
  EXPECT_EQ(confirm(*store, "token-1", at("2026-11-25T10:00:00Z")).outcome, ConfirmOutcome::confirmed);
  const auto before = outbox(*store);
  const ConfirmResult again = confirm(*store, "token-1", at("2026-11-25T11:00:00Z"));
  EXPECT_EQ(again.outcome, ConfirmOutcome::already_confirmed);
  EXPECT_EQ(again.campaign, "naju-haderslev");
  EXPECT_EQ(again.language, "da");
  EXPECT_EQ(again.actions, 0);
  EXPECT_EQ(again.messages, 0);
  const auto after = outbox(*store);
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].state, before[i].state);
    EXPECT_EQ(after[i].next_attempt_at, before[i].next_attempt_at);
  }
}

TEST_P(OutboxSuite, AnExpiredLinkExpiresItsMessagesAndActions) {
  auto store = open();
  ASSERT_TRUE(store);
  const NewAction a = confirmed_action("k1", "token-1");
  const Recorded rec = record(*store, a);
  const TimePoint expiry = a.confirmation->expires_at;
  // At the expiry time itself the link no longer works.
  const ConfirmResult c = confirm(*store, "token-1", expiry);
  EXPECT_EQ(c.outcome, ConfirmOutcome::expired);
  EXPECT_EQ(c.campaign, "naju-haderslev");
  EXPECT_EQ(c.actions, 1);
  EXPECT_EQ(c.messages, 2);
  EXPECT_EQ(status_of(*store, rec.action_id), "expired");
  EXPECT_EQ(outbox(*store, "expired").size(), 2u);
  EXPECT_TRUE(outbox(*store, "held").empty());
  // Clicking again stays expired and moves nothing to the queue.
  const ConfirmResult again = confirm(*store, "token-1", expiry + 1h);
  EXPECT_EQ(again.outcome, ConfirmOutcome::expired);
  EXPECT_EQ(again.messages, 0);
  EXPECT_EQ(outbox(*store, "queued").size(), 1u);  // the confirmation mail only
}

TEST_P(OutboxSuite, ALinkOpenedJustBeforeItExpiresConfirms) {
  auto store = open();
  ASSERT_TRUE(store);
  const NewAction a = confirmed_action("k1", "token-1");
  record(*store, a);
  EXPECT_EQ(confirm(*store, "token-1", a.confirmation->expires_at - 1s).outcome, ConfirmOutcome::confirmed);
}

TEST_P(OutboxSuite, ExpireUnconfirmedExpiresOnlyTheLinksWhoseTimePassed) {
  auto store = open();
  ASSERT_TRUE(store);
  NewAction early = confirmed_action("k1", "token-early", "ada@example.org");
  early.confirmation->expires_at = at("2026-11-26T09:00:00Z");
  NewAction late = confirmed_action("k2", "token-late", "bo@example.org");
  late.confirmation->expires_at = at("2026-11-27T09:00:00Z");
  NewAction done = confirmed_action("k3", "token-done", "cy@example.org");
  done.confirmation->expires_at = at("2026-11-26T09:00:00Z");
  const Recorded e = record(*store, early);
  const Recorded l = record(*store, late);
  const Recorded d = record(*store, done);
  confirm(*store, "token-done", at("2026-11-25T12:00:00Z"));

  auto n = store->expire_unconfirmed(at("2026-11-26T08:59:59Z"));
  ASSERT_TRUE(n.ok()) << describe(n.error());
  EXPECT_EQ(n.value(), 0);
  n = store->expire_unconfirmed(at("2026-11-26T09:00:00Z"));
  ASSERT_TRUE(n.ok()) << describe(n.error());
  EXPECT_EQ(n.value(), 2);
  EXPECT_EQ(status_of(*store, e.action_id), "expired");
  EXPECT_EQ(status_of(*store, l.action_id), "pending");
  EXPECT_EQ(status_of(*store, d.action_id), "confirmed");
  EXPECT_EQ(outbox(*store, "held").size(), 2u);
  // Running it again finds nothing more.
  EXPECT_EQ(store->expire_unconfirmed(at("2026-11-26T10:00:00Z")).value(), 0);
  EXPECT_EQ(confirm(*store, "token-early", at("2026-11-26T10:00:00Z")).outcome, ConfirmOutcome::expired);
}

TEST_P(OutboxSuite, ActionsOfOneVisitJoinOneConfirmationAndOneMail) {
  auto store = open();
  ASSERT_TRUE(store);
  const NewAction first = confirmed_action("k1", "token-1");
  NewAction second = confirmed_action("k2", "token-2");
  second.channel = "webform";
  second.created_at = first.created_at + 2h;  // the end of the default window, still inside it
  const Recorded r1 = record(*store, first);
  const Recorded r2 = record(*store, second);
  EXPECT_TRUE(r1.confirmation_mailed);
  EXPECT_FALSE(r2.confirmation_mailed);
  EXPECT_EQ(r2.status, "pending");
  EXPECT_EQ(outbox(*store, "queued").size(), 1u) << "one confirmation mail for the visit";
  EXPECT_EQ(outbox(*store, "held").size(), 4u);
  // The second request's token was never mailed, so it confirms nothing.
  EXPECT_EQ(confirm(*store, "token-2", second.created_at).outcome, ConfirmOutcome::unknown);

  const ConfirmResult c = confirm(*store, "token-1", second.created_at + 1min);
  EXPECT_EQ(c.outcome, ConfirmOutcome::confirmed);
  EXPECT_EQ(c.actions, 2);
  EXPECT_EQ(c.messages, 4);
  EXPECT_EQ(status_of(*store, r1.action_id), "confirmed");
  EXPECT_EQ(status_of(*store, r2.action_id), "confirmed");
}

TEST_P(OutboxSuite, AnActionAfterTheVisitWindowOrElsewhereGetsItsOwnConfirmation) {
  auto store = open();
  ASSERT_TRUE(store);
  const NewAction first = confirmed_action("k1", "token-1");
  record(*store, first);
  NewAction after_window = confirmed_action("k2", "token-2");
  after_window.created_at = first.created_at + 2h + 1s;
  EXPECT_TRUE(record(*store, after_window).confirmation_mailed);
  NewAction other_campaign = confirmed_action("k3", "token-3");
  other_campaign.campaign = "another-campaign";
  EXPECT_TRUE(record(*store, other_campaign).confirmation_mailed);
  NewAction other_supporter = confirmed_action("k4", "token-4", "bo@example.org");
  EXPECT_TRUE(record(*store, other_supporter).confirmation_mailed);
  EXPECT_EQ(outbox(*store, "queued").size(), 4u);

  // Once confirmed, a confirmation is closed: a later action of the visit asks again.
  confirm(*store, "token-4", other_supporter.created_at);
  NewAction again = confirmed_action("k5", "token-5", "bo@example.org");
  EXPECT_TRUE(record(*store, again).confirmation_mailed);
  // An expired one is closed too, even within the window.
  NewAction short_lived = confirmed_action("k6", "token-6", "cy@example.org");
  short_lived.confirmation->expires_at = short_lived.created_at + 1min;
  record(*store, short_lived);
  NewAction after_expiry = confirmed_action("k7", "token-7", "cy@example.org");
  after_expiry.created_at = short_lived.created_at + 1min;
  EXPECT_TRUE(record(*store, after_expiry).confirmation_mailed);
}

TEST_P(OutboxSuite, AnUnknownTokenIsUnknown) {
  auto store = open();
  ASSERT_TRUE(store);
  record(*store, confirmed_action("k1", "token-1"));
  for (const char* token : {"no-such-token", "", "TOKEN-1"}) {
    const ConfirmResult c = confirm(*store, token, at("2026-11-25T10:00:00Z"));
    EXPECT_EQ(c.outcome, ConfirmOutcome::unknown) << token;
    EXPECT_EQ(c.campaign, "");
    EXPECT_EQ(c.messages, 0);
  }
  EXPECT_EQ(outbox(*store, "held").size(), 2u);
}

TEST_P(OutboxSuite, ADuplicateOfAPendingActionWritesNothingAndReportsItsCurrentStatus) {
  auto store = open();
  ASSERT_TRUE(store);
  const Recorded first = record(*store, confirmed_action("k1", "token-1"));
  const Recorded again = record(*store, confirmed_action("k1", "token-1"));
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.action_id, first.action_id);
  EXPECT_EQ(again.status, "pending");
  EXPECT_FALSE(again.confirmation_mailed);
  EXPECT_EQ(outbox(*store).size(), 3u);
  confirm(*store, "token-1", at("2026-11-25T10:00:00Z"));
  EXPECT_EQ(record(*store, confirmed_action("k1", "token-1")).status, "confirmed");
  EXPECT_EQ(outbox(*store).size(), 3u);
}

TEST_P(OutboxSuite, AnActionWithAnInvalidMessageOrConfirmationIsRefusedAtOnce) {
  auto store = open();
  ASSERT_TRUE(store);
  struct Case {
    const char* name;
    std::function<void(NewAction&)> spoil;
    const char* field;
  };
  const Case cases[] = {
      {"message without recipient", [](NewAction& a) { a.messages[0].recipient.clear(); }, "recipient"},
      {"message without kind", [](NewAction& a) { a.messages[1].kind.clear(); }, "kind"},
      {"confirmation without token", [](NewAction& a) { a.confirmation->token_hash.clear(); }, "token_hash"},
      {"mail without recipient", [](NewAction& a) { a.confirmation->mail.recipient.clear(); }, "recipient"},
      {"expiry out of range",
       [](NewAction& a) { a.confirmation->expires_at = TimePoint{std::chrono::hours{24 * 366 * 9000}}; },
       "expires_at"},
      {"negative window", [](NewAction& a) { a.confirmation->visit_window = -1s; }, "visit_window"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    NewAction a = confirmed_action("k1", "token-1");
    c.spoil(a);
    std::optional<Error> error;
    store->record_action(a, [&](Result<Recorded> r) {
      if (!r.ok()) error = r.error();
    });
    ASSERT_TRUE(error.has_value()) << "not refused at once";
    EXPECT_EQ(error->kind, ErrorKind::bad_request);
    EXPECT_EQ(error->field, c.field);
  }
  EXPECT_EQ(count(*store), 0);
  EXPECT_TRUE(outbox(*store).empty());
}

TEST_P(OutboxSuite, AFailingConfirmationRollsBackItsActionAloneInsideTheBatch) {
  auto store = open();
  ASSERT_TRUE(store);
  std::optional<Result<Recorded>> good, bad;
  {
    WriterGate gate(*store);
    store->record_action(confirmed_action("k1", "token-1", "ada@example.org"),
                         [&](Result<Recorded> r) { good = std::move(r); });
    // Another supporter with the same token hash: the UNIQUE constraint refuses it.
    store->record_action(confirmed_action("k2", "token-1", "bo@example.org"),
                         [&](Result<Recorded> r) { bad = std::move(r); });
  }
  ASSERT_TRUE(store->flush().ok());
  ASSERT_TRUE(good && bad);
  EXPECT_TRUE(good->ok());
  EXPECT_FALSE(bad->ok());
  EXPECT_EQ(count(*store), 2);                      // the gate and k1
  EXPECT_EQ(outbox(*store).size(), 3u);             // k1's mail and two held messages
  EXPECT_FALSE(store->find_supporter("bo@example.org").value().has_value());
}

TEST_P(OutboxSuite, AWriteWaitsForTheActionsQueuedBeforeIt) {
  auto store = open();
  ASSERT_TRUE(store);
  std::future<Result<ConfirmResult>> confirmed;
  {
    WriterGate gate(*store);
    store->record_action(confirmed_action("k1", "token-1"), nullptr);
    confirmed = std::async(std::launch::async, [&] { return store->confirm("token-1", at("2026-11-25T10:00:00Z")); });
    // Both wait behind the gate, the action first; the confirmation must not run before it.
    while (store->stats().writes_queued == 0) std::this_thread::yield();
    EXPECT_EQ(store->stats().queued, 1u);
    EXPECT_EQ(confirmed.wait_for(0s), std::future_status::timeout);
  }
  auto r = confirmed.get();
  ASSERT_TRUE(r.ok()) << describe(r.error());
  EXPECT_EQ(r->outcome, ConfirmOutcome::confirmed);
  EXPECT_EQ(r->messages, 2);
}

TEST_P(OutboxSuite, AWriteFromInsideACallbackIsAnErrorNotADeadlock) {
  auto store = open();
  ASSERT_TRUE(store);
  std::optional<Result<void>> inner;
  ASSERT_TRUE(store->record_action_sync(make_action("k0")).ok());
  store->record_action(make_action("k1"), [&](Result<Recorded>) { inner = store->set_outbox_paused(true); });
  ASSERT_TRUE(store->flush().ok());
  ASSERT_TRUE(inner.has_value());
  ASSERT_FALSE(inner->ok());
  EXPECT_EQ(inner->error().kind, ErrorKind::internal);
  EXPECT_FALSE(store->outbox_paused().value());
}

TEST_P(OutboxSuite, ClaimTakesDueMessagesOldestFirstUpToTheLimit) {
  auto store = open();
  ASSERT_TRUE(store);
  const TimePoint t0 = at("2026-11-25T09:00:00Z");
  queue_messages(*store, "later@example.dk", 2, t0 + 10min, "late");
  queue_messages(*store, "first@example.dk", 3, t0, "early");
  // Not due yet: nothing.
  EXPECT_TRUE(claim(*store, t0 - 1s).empty());

  const TimePoint now = t0 + 1min;
  const auto first = claim(*store, now, {.limit = 2, .per_pacing_key_per_hour = 0});
  ASSERT_EQ(first.size(), 2u);
  for (const OutboxRow& r : first) {
    EXPECT_EQ(r.recipient, "first@example.dk");
    EXPECT_EQ(r.state, "sending");
    EXPECT_EQ(r.attempts, 1);
    EXPECT_EQ(r.updated_at, now);
  }
  EXPECT_LT(first[0].id, first[1].id);
  // The later ones are not due yet at `now`.
  const auto second = claim(*store, now, {.limit = 10, .per_pacing_key_per_hour = 0});
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].recipient, "first@example.dk");
  EXPECT_TRUE(claim(*store, now).empty());
  EXPECT_EQ(claim(*store, t0 + 10min).size(), 2u);
  EXPECT_EQ(outbox(*store, "sending").size(), 5u);
  EXPECT_TRUE(claim(*store, t0 + 1h, {.limit = 0, .per_pacing_key_per_hour = 0}).empty());
}

TEST_P(OutboxSuite, NothingIsClaimedWhilePausedAndThePauseOutlivesTheProcess) {
  const TimePoint t0 = at("2026-11-25T09:00:00Z");
  {
    auto store = open();
    ASSERT_TRUE(store);
    queue_messages(*store, "mayor@haderslev.dk", 3, t0, "k");
    EXPECT_FALSE(store->outbox_paused().value());
    ASSERT_TRUE(store->set_outbox_paused(true).ok());
    EXPECT_TRUE(store->outbox_paused().value());
    EXPECT_TRUE(claim(*store, t0).empty());
  }
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->outbox_paused().value());
  EXPECT_TRUE(claim(*store, t0 + 1h).empty());
  EXPECT_EQ(outbox(*store, "queued").size(), 3u);
  ASSERT_TRUE(store->set_outbox_paused(false).ok());
  EXPECT_FALSE(store->outbox_paused().value());
  EXPECT_EQ(claim(*store, t0 + 1h).size(), 3u);
}

TEST_P(OutboxSuite, PacingHoldsTheTwentyFirstMessageToOneAddressForAnHour) {
  auto store = open();
  ASSERT_TRUE(store);
  const TimePoint t0 = at("2026-11-25T09:00:00Z");
  queue_messages(*store, "mayor@haderslev.dk", 25, t0, "m");
  queue_messages(*store, "council@jeonnam.kr", 1, t0, "c");
  const ClaimRules rules{.limit = 100, .per_pacing_key_per_hour = 20};

  const auto first = claim(*store, t0, rules);
  std::size_t to_mayor = 0;
  for (const OutboxRow& r : first) to_mayor += r.recipient == "mayor@haderslev.dk" ? 1 : 0;
  EXPECT_EQ(to_mayor, 20u);
  EXPECT_EQ(first.size(), 21u) << "another address is not held back by the mayor's allowance";
  // Messages being sent count: a second worker gets none of the mayor's now.
  EXPECT_TRUE(claim(*store, t0 + 1min, rules).empty());
  for (const OutboxRow& r : first) ASSERT_TRUE(store->outbox_sent(r.id, t0 + 1min, "250 OK").ok());
  EXPECT_TRUE(claim(*store, t0 + 30min, rules).empty());
  EXPECT_TRUE(claim(*store, t0 + 1min + 1h - 1s, rules).empty());
  const auto next = claim(*store, t0 + 1min + 1h, rules);
  EXPECT_EQ(next.size(), 5u);
  // Pacing 0 turns pacing off.
  queue_messages(*store, "mayor@haderslev.dk", 30, t0, "n");
  EXPECT_EQ(claim(*store, t0 + 1min + 1h, {.limit = 100, .per_pacing_key_per_hour = 0}).size(), 30u);
}

TEST_P(OutboxSuite, AMessageWithoutPacingKeyIsNeverHeldBack) {
  auto store = open();
  ASSERT_TRUE(store);
  const TimePoint t0 = at("2026-11-25T09:00:00Z");
  for (int i = 0; i < 5; ++i) {
    NewAction a = make_action(numbered("k", i), numbered("s", i) + "@example.org");
    a.created_at = t0;
    a.messages = {message_to("same@example.org", numbered("m", i))};
    a.messages[0].pacing_key.clear();
    record(*store, a);
  }
  EXPECT_EQ(claim(*store, t0, {.limit = 100, .per_pacing_key_per_hour = 2}).size(), 5u);
}

TEST_P(OutboxSuite, TwoClaimersNeverGetTheSameMessage) {
  auto store = open();
  ASSERT_TRUE(store);
  auto other = open();  // a second instance: its own writer, as another process would have
  ASSERT_TRUE(other);
  const TimePoint t0 = at("2026-11-25T09:00:00Z");
  constexpr int kMessages = 300;
  for (int i = 0; i < kMessages; ++i) {
    NewAction a = make_action(numbered("k", i), numbered("s", i) + "@example.org");
    a.created_at = t0;
    a.messages = {message_to(numbered("r", i % 7) + "@example.org", numbered("m", i))};
    store->record_action(std::move(a), nullptr);
  }
  ASSERT_TRUE(store->flush().ok());
  std::mutex mu;
  std::vector<std::int64_t> claimed;
  std::atomic<int> errors{0};
  auto worker = [&](Store& s) {
    for (;;) {
      auto rows = s.claim_outbox(t0, {.limit = 7, .per_pacing_key_per_hour = 0});
      if (!rows.ok()) {
        ++errors;
        continue;  // busy: try again
      }
      if (rows->empty()) return;
      std::lock_guard lock(mu);
      for (const OutboxRow& r : rows.value()) claimed.push_back(r.id);
    }
  };
  std::vector<std::thread> threads;
  threads.emplace_back(worker, std::ref(*store));
  threads.emplace_back(worker, std::ref(*store));
  threads.emplace_back(worker, std::ref(*other));
  threads.emplace_back(worker, std::ref(*other));
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kMessages));
  EXPECT_EQ(std::set<std::int64_t>(claimed.begin(), claimed.end()).size(), static_cast<std::size_t>(kMessages))
      << "a message was claimed twice";
  for (const OutboxRow& r : outbox(*store)) EXPECT_EQ(r.attempts, 1) << r.id;
}

TEST_P(OutboxSuite, SentRetryAndFailedMoveAClaimedMessage) {
  auto store = open();
  ASSERT_TRUE(store);
  const TimePoint t0 = at("2026-11-25T09:00:00Z");
  queue_messages(*store, "mayor@haderslev.dk", 3, t0, "k");
  const auto rows = claim(*store, t0, {.limit = 3, .per_pacing_key_per_hour = 0});
  ASSERT_EQ(rows.size(), 3u);

  ASSERT_TRUE(store->outbox_sent(rows[0].id, t0 + 1s, "250 2.0.0 Ok: queued as 4F2A").ok());
  ASSERT_TRUE(store->outbox_retry(rows[1].id, t0 + 5min, "451 4.7.1 try again later").ok());
  ASSERT_TRUE(store->outbox_failed(rows[2].id, t0 + 2s, "550 5.1.1 no such user", false).ok());

  const auto all = outbox(*store);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].state, "sent");
  EXPECT_EQ(all[0].sent_at, t0 + 1s);
  EXPECT_EQ(all[0].updated_at, t0 + 1s);
  EXPECT_EQ(all[0].last_error, "250 2.0.0 Ok: queued as 4F2A");
  EXPECT_EQ(all[1].state, "queued");
  EXPECT_EQ(all[1].next_attempt_at, t0 + 5min);
  EXPECT_EQ(all[1].last_error, "451 4.7.1 try again later");
  EXPECT_EQ(all[1].attempts, 1);
  EXPECT_EQ(all[2].state, "failed");
  EXPECT_EQ(all[2].last_error, "550 5.1.1 no such user");
  EXPECT_EQ(all[2].updated_at, t0 + 2s);
  EXPECT_FALSE(all[2].sent_at.has_value());
  EXPECT_TRUE(store->flagged_contacts().value().empty());

  // The retried one is due again only at its time, with one more attempt.
  EXPECT_TRUE(claim(*store, t0 + 5min - 1s).empty());
  const auto retried = claim(*store, t0 + 5min);
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].attempts, 2);
  EXPECT_EQ(retried[0].last_error, "451 4.7.1 try again later");
}

TEST_P(OutboxSuite, TransitionsFromTheWrongStateOrOfUnknownIdsAreRefused) {
  auto store = open();
  ASSERT_TRUE(store);
  const TimePoint t0 = at("2026-11-25T09:00:00Z");
  queue_messages(*store, "mayor@haderslev.dk", 1, t0, "k");
  const std::int64_t id = outbox(*store).front().id;
  // Queued, not claimed: a worker cannot report it sent, retried or failed.
  for (auto r : {store->outbox_sent(id, t0, "250"), store->outbox_retry(id, t0, "451"),
                 store->outbox_failed(id, t0, "550", true)}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::conflict);
    EXPECT_NE(r.error().message.find("is queued"), std::string::npos) << r.error().message;
  }
  for (auto r : {store->outbox_sent(id + 100, t0, "250"), store->outbox_retry(id + 100, t0, "451"),
                 store->outbox_failed(id + 100, t0, "550", true), store->outbox_requeue(id + 100, t0)}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::not_found);
  }
  EXPECT_EQ(outbox(*store).front().state, "queued");
  EXPECT_TRUE(store->flagged_contacts().value().empty());
  // A message sent once is not sent again by a late report.
  ASSERT_EQ(claim(*store, t0).size(), 1u);
  ASSERT_TRUE(store->outbox_sent(id, t0, "250 first").ok());
  auto twice = store->outbox_sent(id, t0 + 1s, "250 second");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().kind, ErrorKind::conflict);
  EXPECT_EQ(outbox(*store).front().last_error, "250 first");
}

TEST_P(OutboxSuite, AHardBounceFlagsTheRecipientForOrganizers) {
  auto store = open();
  ASSERT_TRUE(store);
  const TimePoint t0 = at("2026-11-25T09:00:00Z");
  queue_messages(*store, "gone@haderslev.dk", 2, t0, "k");
  const auto rows = claim(*store, t0);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_TRUE(store->outbox_failed(rows[0].id, t0 + 1s, "550 5.1.1 mailbox unavailable", true).ok());
  auto flagged = store->flagged_contacts();
  ASSERT_TRUE(flagged.ok()) << describe(flagged.error());
  ASSERT_EQ(flagged->size(), 1u);
  EXPECT_EQ((*flagged)[0].address, "gone@haderslev.dk");
  EXPECT_EQ((*flagged)[0].reason, "550 5.1.1 mailbox unavailable");
  EXPECT_EQ((*flagged)[0].flagged_at, t0 + 1s);
  // A late bounce of a message already sent: failed, its sent time kept, the latest reason wins.
  ASSERT_TRUE(store->outbox_sent(rows[1].id, t0 + 2s, "250 ok").ok());
  ASSERT_TRUE(store->outbox_failed(rows[1].id, t0 + 1h, "5.1.1 (DSN) user unknown", true).ok());
  const auto late = outbox(*store).back();
  EXPECT_EQ(late.state, "failed");
  EXPECT_EQ(late.sent_at, t0 + 2s);
  flagged = store->flagged_contacts();
  ASSERT_EQ(flagged->size(), 1u);
  EXPECT_EQ((*flagged)[0].reason, "5.1.1 (DSN) user unknown");
  EXPECT_EQ((*flagged)[0].flagged_at, t0 + 1h);
  // The same bounce reported twice: still failed, nothing refused.
  ASSERT_TRUE(store->outbox_failed(rows[1].id, t0 + 2h, "5.1.1 (DSN) user unknown, again", true).ok());
  EXPECT_EQ(outbox(*store).back().last_error, "5.1.1 (DSN) user unknown, again");
  EXPECT_EQ(store->flagged_contacts()->size(), 1u);
}

TEST_P(OutboxSuite, RequeueSendingReturnsWhatACrashLeftSending) {
  auto store = open();
  ASSERT_TRUE(store);
  const TimePoint t0 = at("2026-11-25T09:00:00Z");
  queue_messages(*store, "mayor@haderslev.dk", 4, t0, "k");
  const auto rows = claim(*store, t0, {.limit = 3, .per_pacing_key_per_hour = 0});
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_TRUE(store->outbox_sent(rows[0].id, t0, "250").ok());
  const TimePoint restart = t0 + 10min;
  auto n = store->requeue_sending(restart);
  ASSERT_TRUE(n.ok()) << describe(n.error());
  EXPECT_EQ(n.value(), 2);
  EXPECT_TRUE(outbox(*store, "sending").empty());
  EXPECT_EQ(outbox(*store, "sent").size(), 1u);
  const auto queued = outbox(*store, "queued");
  ASSERT_EQ(queued.size(), 3u);
  EXPECT_EQ(queued[0].next_attempt_at, restart);
  EXPECT_EQ(queued[0].attempts, 1);
  EXPECT_EQ(queued[2].next_attempt_at, t0);  // never claimed: untouched
  EXPECT_EQ(store->requeue_sending(restart).value(), 0);
  const auto again = claim(*store, restart, {.limit = 10, .per_pacing_key_per_hour = 0});
  ASSERT_EQ(again.size(), 3u);
}

TEST_P(OutboxSuite, AnOperatorRequeuesAFailedMessageButNothingElse) {
  auto store = open();
  ASSERT_TRUE(store);
  const TimePoint t0 = at("2026-11-25T09:00:00Z");
  queue_messages(*store, "mayor@haderslev.dk", 1, t0, "k");
  const std::int64_t id = claim(*store, t0).front().id;
  ASSERT_TRUE(store->outbox_failed(id, t0, "550 rejected", false).ok());
  const TimePoint later = t0 + 1h;
  ASSERT_TRUE(store->outbox_requeue(id, later).ok());
  const OutboxRow row = outbox(*store).front();
  EXPECT_EQ(row.state, "queued");
  EXPECT_EQ(row.next_attempt_at, later);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_error, "550 rejected");

  auto queued = store->outbox_requeue(id, later);
  ASSERT_FALSE(queued.ok());
  EXPECT_EQ(queued.error().kind, ErrorKind::conflict);
  EXPECT_EQ(queued.error().message,
            "outbox message " + std::to_string(id) + " is queued; only failed messages can be changed so");

  // Expired messages were never confirmed: they must not go out in the supporter's name.
  NewAction a = confirmed_action("k-expired", "token-1", "bo@example.org");
  record(*store, a);
  confirm(*store, "token-1", a.confirmation->expires_at);
  const auto expired = outbox(*store, "expired");
  ASSERT_EQ(expired.size(), 2u);
  auto refused = store->outbox_requeue(expired[0].id, later);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::conflict);
  EXPECT_NE(refused.error().message.find("is expired"), std::string::npos) << refused.error().message;
  EXPECT_EQ(outbox(*store, "expired").size(), 2u);
}

TEST_P(OutboxSuite, ListFiltersByStateInIdOrderUpToTheLimit) {
  auto store = open();
  ASSERT_TRUE(store);
  const TimePoint t0 = at("2026-11-25T09:00:00Z");
  queue_messages(*store, "mayor@haderslev.dk", 5, t0, "k");
  const auto claimed = claim(*store, t0, {.limit = 2, .per_pacing_key_per_hour = 0});
  ASSERT_EQ(claimed.size(), 2u);
  ASSERT_TRUE(store->outbox_sent(claimed[1].id, t0, "250").ok());

  auto all = store->list_outbox({});
  ASSERT_TRUE(all.ok()) << describe(all.error());
  ASSERT_EQ(all->size(), 5u);
  for (std::size_t i = 1; i < all->size(); ++i) EXPECT_GT((*all)[i - 1].id, (*all)[i].id);  // newest first
  EXPECT_EQ(outbox(*store, "queued").size(), 3u);
  EXPECT_EQ(outbox(*store, "sending").size(), 1u);
  EXPECT_EQ(outbox(*store, "sent").size(), 1u);
  EXPECT_TRUE(outbox(*store, "failed").empty());
  EXPECT_TRUE(outbox(*store, "no such state").empty());
  auto two = store->list_outbox({.state = "queued", .limit = 2});
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].id, (*all)[0].id);  // the newest queued ones
  EXPECT_EQ(store->list_outbox({.state = std::nullopt, .limit = 1}).value().size(), 1u);
  EXPECT_TRUE(store->list_outbox({.state = std::nullopt, .limit = 0}).value().empty());
}

TEST_P(OutboxSuite, AMessageIsFoundByItsMessageId) {
  auto store = open();
  ASSERT_TRUE(store);
  const Recorded rec = record(*store, confirmed_action("k1", "token-1"));
  auto found = store->find_outbox_by_message_id("<k1-cc@twinning.example>");
  ASSERT_TRUE(found.ok()) << describe(found.error());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->recipient, "council@jeonnam.kr");
  EXPECT_EQ((*found)->action_id, rec.action_id);
  EXPECT_EQ((*found)->state, "held");
  EXPECT_FALSE(store->find_outbox_by_message_id("<nope@twinning.example>").value().has_value());
  EXPECT_FALSE(store->find_outbox_by_message_id("").value().has_value());
}

TEST_P(OutboxSuite, APayloadRoundTripsByteForByte) {
  auto store = open();
  ASSERT_TRUE(store);
  std::string payload;
  for (int round = 0; round < 40; ++round) {
    for (int b = 1; b < 256; ++b) payload.push_back(static_cast<char>(b));
    payload += "\r\n.\r\n..\r\n \r\n\r\n";
  }
  payload += "Kære borgmester, 안녕하세요\r\n";
  NewAction a = make_action("k1");
  a.messages = {message_to("mayor@haderslev.dk", "bytes")};
  a.messages[0].payload = payload;
  a.messages[0].recipient = "\"odd local\"@haderslev.dk";
  record(*store, a);
  const auto rows = outbox(*store);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].payload.size(), payload.size());
  EXPECT_TRUE(rows[0].payload == payload) << "the payload changed on its way through the store";
  EXPECT_EQ(rows[0].recipient, "\"odd local\"@haderslev.dk");
  const auto claimed = claim(*store, a.created_at);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_TRUE(claimed[0].payload == payload);
}

TEST_P(OutboxSuite, OutOfRangeTimesAreRefused) {
  auto store = open();
  ASSERT_TRUE(store);
  const TimePoint far{std::chrono::hours{24 * 366 * 9000}};
  EXPECT_EQ(store->confirm("t", far).error().kind, ErrorKind::bad_request);
  EXPECT_EQ(store->claim_outbox(far, {}).error().kind, ErrorKind::bad_request);
  EXPECT_EQ(store->requeue_sending(far).error().kind, ErrorKind::bad_request);
  EXPECT_EQ(store->expire_unconfirmed(far).error().kind, ErrorKind::bad_request);
  EXPECT_EQ(store->outbox_retry(1, far, "x").error().kind, ErrorKind::bad_request);
}

TEST_P(OutboxSuite, AReadOnlyStoreReadsTheOutboxAndRefusesItsWrites) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    record(*store, confirmed_action("k1", "token-1"));
  }
  auto ro = open({.read_only = true});
  ASSERT_TRUE(ro);
  EXPECT_EQ(outbox(*ro).size(), 3u);
  EXPECT_FALSE(ro->outbox_paused().value());
  const TimePoint now = at("2026-11-25T10:00:00Z");
  EXPECT_EQ(ro->confirm("token-1", now).error().kind, ErrorKind::unavailable);
  EXPECT_EQ(ro->claim_outbox(now, {}).error().kind, ErrorKind::unavailable);
  EXPECT_EQ(ro->set_outbox_paused(true).error().kind, ErrorKind::unavailable);
  EXPECT_EQ(ro->requeue_sending(now).error().kind, ErrorKind::unavailable);
  EXPECT_EQ(outbox(*ro, "held").size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxSuite, ::testing::Values(sqlite_backend()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) { return param_info.param.name; });

// ---------------------------------------------------------------------------------------------
// SQLite specifics

class SqliteStore : public ::testing::Test {
 protected:
  fs::path data_dir() const { return tmp_.path() / "data"; }
  fs::path db_file() const { return sqlite_file(data_dir()); }

  std::unique_ptr<Store> open(SqliteOptions options = {}) {
    auto store = open_sqlite(data_dir(), options);
    if (!store.ok()) {
      ADD_FAILURE() << "open failed: " << describe(store.error());
      return nullptr;
    }
    return std::move(store.value());
  }

  TempDir tmp_;
};

TEST_F(SqliteStore, CreatesTheDirectoryAndAWalFileWithTheMigrationsRecorded) {
  const fs::path nested = tmp_.path() / "a" / "b";
  auto store = open_sqlite(nested);
  ASSERT_TRUE(store.ok()) << describe(store.error());
  ASSERT_TRUE(fs::exists(nested / "twinning.db"));
  RawDb raw(nested / "twinning.db");
  EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.integer("SELECT COUNT(*) FROM schema_migrations"), static_cast<long long>(migrations().size()));
  EXPECT_EQ(raw.integer("SELECT MAX(version) FROM schema_migrations"), migrations().back().version);
  EXPECT_TRUE(parse_time(raw.text("SELECT applied_at FROM schema_migrations WHERE version = 1")).has_value());
  for (const char* table : {"supporters", "actions", "consents", "idempotency_keys", "confirmations", "outbox",
                            "outbox_control", "flagged_contacts"}) {
    EXPECT_EQ(raw.integer(std::string("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '") +
                          table + "'"),
              1)
        << table;
  }
}

TEST_F(SqliteStore, TheMigrationsAreEmbeddedInOrder) {
  const auto all = migrations();
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i + 1));
    EXPECT_EQ(std::stoi(std::string(all[i].name.substr(0, 4))), all[i].version) << all[i].name;
    EXPECT_FALSE(all[i].sql.empty());
  }
  EXPECT_EQ(all[0].name, "0001_init");
  EXPECT_NE(all[0].sql.find("CREATE TABLE supporters"), std::string_view::npos);
}

TEST_F(SqliteStore, MigrationsApplyToAStoreThatHasOnlyTheMigrationsTable) {
  fs::create_directories(data_dir());
  {
    RawDb raw(db_file());
    raw.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
  }
  // Read-only commands do not upgrade: they ask for a writing command first.
  auto ro = open_sqlite(data_dir(), {.read_only = true});
  ASSERT_FALSE(ro.ok());
  EXPECT_EQ(ro.error().kind, ErrorKind::unavailable);
  EXPECT_NE(ro.error().message.find("older"), std::string::npos) << ro.error().message;

  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), migrations().back().version);
}

TEST_F(SqliteStore, AVersionOneStoreIsUpgradedWithItsActionsKept) {
  fs::create_directories(data_dir());
  {
    RawDb raw(db_file());
    raw.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    raw.exec(std::string(migrations()[0].sql));
    raw.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (1, '2026-11-01T00:00:00Z')");
    raw.exec("INSERT INTO supporters (id, email, email_key, name, country, phone, created_at, updated_at) "
             "VALUES (1, 'ada@example.org', 'ada@example.org', 'Ada', 'DK', '', '2026-11-01T00:00:00Z', "
             "'2026-11-01T00:00:00Z')");
    raw.exec("INSERT INTO actions (id, supporter_id, campaign, channel, target, language, country, status, "
             "created_at, updated_at) VALUES (1, 1, 'naju-haderslev', 'email', '', 'da', 'DK', 'recorded', "
             "'2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')");
  }
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), migrations().back().version);
  auto actions = store->list_actions({});
  ASSERT_TRUE(actions.ok()) << describe(actions.error());
  ASSERT_EQ(actions->size(), 1u);
  EXPECT_EQ(actions->front().status, "recorded");
  EXPECT_FALSE(store->outbox_paused().value());
  EXPECT_TRUE(store->list_outbox({}).value().empty());
  RawDb raw(db_file());
  EXPECT_EQ(raw.text("SELECT COALESCE(confirmation_id, 'null') FROM actions WHERE id = 1"), "null");
  EXPECT_EQ(raw.text("PRAGMA foreign_key_check"), "");
  // The new tables work with the old rows.
  NewAction a = make_action("k1");
  a.messages = {OutboxMessage{.kind = "email", .target = "", .recipient = "mayor@haderslev.dk", .pacing_key = "",
                              .envelope_from = "", .message_id = "", .payload = "x"}};
  EXPECT_FALSE(store->record_action_sync(a).value().duplicate);
  EXPECT_EQ(store->list_outbox({}).value().size(), 1u);
}

TEST_F(SqliteStore, TheOutboxControlRowCannotBeDuplicated) {
  { ASSERT_TRUE(open()); }
  RawDb raw(db_file());
  EXPECT_THROW(raw.exec("INSERT INTO outbox_control (id, paused) VALUES (2, 0)"), std::runtime_error);
  EXPECT_THROW(raw.exec("UPDATE outbox_control SET paused = 2"), std::runtime_error);
  EXPECT_EQ(raw.integer("SELECT COUNT(*) FROM outbox_control"), 1);
}

TEST_F(SqliteStore, ADamagedOutboxTimeIsReportedNotGuessed) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    NewAction a = make_action("k1");
    a.messages = {OutboxMessage{.kind = "email", .target = "", .recipient = "mayor@haderslev.dk",
                                .pacing_key = "", .envelope_from = "", .message_id = "<m>", .payload = "x"}};
    ASSERT_TRUE(store->record_action_sync(a).ok());
  }
  {
    RawDb raw(db_file());
    raw.exec("UPDATE outbox SET next_attempt_at = '2026-11-25 09:00:00'");
  }
  auto store = open();
  ASSERT_TRUE(store);
  auto rows = store->list_outbox({});
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().kind, ErrorKind::internal);
  EXPECT_NE(rows.error().detail.find("outbox.next_attempt_at"), std::string::npos) << rows.error().detail;
  EXPECT_FALSE(store->find_outbox_by_message_id("<m>").ok());
}

TEST_F(SqliteStore, ANewerSchemaIsRefused) {
  { ASSERT_TRUE(open()); }
  {
    RawDb raw(db_file());
    raw.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (" +
             std::to_string(migrations().back().version + 1) + ", '2030-01-01T00:00:00Z')");
  }
  for (bool read_only : {false, true}) {
    SCOPED_TRACE(read_only);
    auto r = open_sqlite(data_dir(), {.read_only = read_only});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::unavailable);
    EXPECT_NE(r.error().message.find("newer"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(std::to_string(migrations().back().version + 1)), std::string::npos);
  }
}

TEST_F(SqliteStore, ADamagedMigrationRecordIsRefused) {
  { ASSERT_TRUE(open()); }
  {
    RawDb raw(db_file());
    raw.exec("UPDATE schema_migrations SET version = 0 WHERE version = 1");
  }
  auto r = open_sqlite(data_dir());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::io);
  EXPECT_NE(r.error().message.find("damaged"), std::string::npos) << r.error().message;
}

TEST_F(SqliteStore, AFailedMigrationLeavesTheFileAsItWasAndKeepsSqlOutOfTheMessage) {
  fs::create_directories(data_dir());
  {
    RawDb raw(db_file());
    raw.exec("CREATE TABLE supporters (id INTEGER PRIMARY KEY)");  // clashes with 0001
  }
  auto r = open_sqlite(data_dir());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::internal);
  EXPECT_EQ(r.error().message.find("CREATE"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().detail.find("CREATE TABLE supporters"), std::string::npos) << r.error().detail;
  EXPECT_NE(r.error().detail.find("0001_init"), std::string::npos) << r.error().detail;
  RawDb raw(db_file());
  EXPECT_EQ(raw.integer("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('schema_migrations', 'actions')"), 0);
}

TEST_F(SqliteStore, ADataDirectoryThatIsAFileIsAClearError) {
  const fs::path file = tmp_.path() / "plain-file";
  std::ofstream(file) << "not a directory";
  for (const fs::path& dir : {file, file / "below"}) {
    SCOPED_TRACE(dir.string());
    auto r = open_sqlite(dir);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::io);
    EXPECT_NE(r.error().message.find(dir.string()), std::string::npos) << r.error().message;
  }
}

// Root ignores permission bits, so the open runs in a child that drops to nobody when it is root.
TEST_F(SqliteStore, AnUnwritableDataDirectoryIsAClearError) {
  fs::permissions(tmp_.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                   fs::perms::others_read | fs::perms::others_exec);
  fs::create_directories(data_dir());
  fs::permissions(data_dir(), fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                  fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  Pipe pipe = make_pipe();
  Child child([&] {
    pipe.read.close();
    if (::geteuid() == 0) {
      const gid_t nogroup = 65534;
      if (::setgroups(1, &nogroup) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) return 10;
    }
    auto r = open_sqlite(data_dir());
    const std::string out =
        r.ok() ? std::string("opened") : std::string(to_string(r.error().kind)) + "\n" + r.error().message;
    return write_all(pipe.write.get(), out.data(), out.size()) ? 0 : 11;
  });
  pipe.write.close();
  const std::string got = read_all(pipe.read.get());
  const int status = child.wait();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  EXPECT_EQ(got.substr(0, got.find('\n')), "io") << got;
  EXPECT_NE(got.find("cannot open the store file " + db_file().string()), std::string::npos) << got;
}

TEST_F(SqliteStore, ALockHeldBeyondTheBusyTimeoutIsUnavailable) {
  auto store = open({.busy_timeout = 50ms});
  ASSERT_TRUE(store);
  RawDb other(db_file());
  other.exec("BEGIN IMMEDIATE");  // another process holding the write lock
  auto r = store->record_action_sync(make_action("k1"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::unavailable);
  EXPECT_NE(r.error().detail.find("locked"), std::string::npos) << r.error().detail;
  // Opening needs the lock too, to migrate.
  auto second = open_sqlite(data_dir(), {.busy_timeout = 50ms});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, ErrorKind::unavailable);
  // Reads go on while the lock is held (WAL).
  auto n = store->count_actions("naju-haderslev");
  ASSERT_TRUE(n.ok()) << describe(n.error());
  other.exec("ROLLBACK");
  EXPECT_TRUE(store->record_action_sync(make_action("k1")).ok());
}

// A SQL failure in the middle of one action (here a trigger, standing in for any unexpected
// constraint) rolls back that action's savepoint only: its supporter row is gone too.
TEST_F(SqliteStore, AFailingActionIsRolledBackAloneInsideItsBatch) {
  { ASSERT_TRUE(open()); }
  {
    RawDb raw(db_file());
    raw.exec(
        "CREATE TRIGGER refuse_for_test BEFORE INSERT ON consents WHEN NEW.wording_version = 'explode' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END");
  }
  auto store = open();
  ASSERT_TRUE(store);
  std::optional<Result<Recorded>> good1, bad, good2;
  NewAction exploding = make_action("k2", "bad@example.org");
  exploding.consent.wording_version = "explode";
  {
    WriterGate gate(*store);
    store->record_action(make_action("k1", "one@example.org"), [&](Result<Recorded> r) { good1 = std::move(r); });
    store->record_action(exploding, [&](Result<Recorded> r) { bad = std::move(r); });
    store->record_action(make_action("k3", "two@example.org"), [&](Result<Recorded> r) { good2 = std::move(r); });
  }
  ASSERT_TRUE(store->flush().ok());
  EXPECT_EQ(store->stats().commits, 2u);
  ASSERT_TRUE(good1 && bad && good2);
  EXPECT_TRUE(good1->ok());
  EXPECT_TRUE(good2->ok());
  ASSERT_FALSE(bad->ok());
  EXPECT_EQ(bad->error().kind, ErrorKind::internal);
  EXPECT_EQ(bad->error().message.find("INSERT"), std::string::npos) << bad->error().message;
  EXPECT_NE(bad->error().detail.find("refused by the test trigger"), std::string::npos) << bad->error().detail;
  EXPECT_NE(bad->error().detail.find("INSERT INTO consents"), std::string::npos) << bad->error().detail;
  EXPECT_FALSE(store->find_supporter("bad@example.org").value().has_value());
  EXPECT_EQ(store->count_actions("naju-haderslev").value(), 3);
  // The key was not taken: the same action can be sent again once the cause is gone.
  RawDb(db_file()).exec("DROP TRIGGER refuse_for_test");
  EXPECT_TRUE(store->record_action_sync(exploding).ok());
}

// When the transaction itself is lost (here a trigger rolls it back, as SQLite does on I/O errors),
// no action of the batch is durable, so every one of them gets the error.
TEST_F(SqliteStore, ALostTransactionFailsEveryActionOfTheBatch) {
  { ASSERT_TRUE(open()); }
  {
    RawDb raw(db_file());
    raw.exec(
        "CREATE TRIGGER roll_back_for_test BEFORE INSERT ON consents WHEN NEW.wording_version = 'roll back' "
        "BEGIN SELECT RAISE(ROLLBACK, 'rolled back by the test trigger'); END");
  }
  auto store = open();
  ASSERT_TRUE(store);
  NewAction poison = make_action("k2", "bad@example.org");
  poison.consent.wording_version = "roll back";
  Results results;
  {
    WriterGate gate(*store);
    store->record_action(make_action("k1", "one@example.org"), results.sink());
    store->record_action(poison, results.sink());
    store->record_action(make_action("k3", "two@example.org"), results.sink());
  }
  ASSERT_TRUE(store->flush().ok());
  ASSERT_EQ(results.all.size(), 3u);
  for (const auto& r : results.all) {
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().detail.find("rolled back by the test trigger"), std::string::npos) << r.error().detail;
  }
  EXPECT_EQ(store->stats().commits, 1u);  // the gate's only
  EXPECT_EQ(store->count_actions("naju-haderslev").value(), 1);
  EXPECT_FALSE(store->find_supporter("one@example.org").value().has_value());
  // The writer goes on with the next batch.
  EXPECT_TRUE(store->record_action_sync(make_action("k1", "one@example.org")).ok());
}

// A disk that fills up while a batch commits (a file size limit stands in for the full disk):
// every action of the batch gets an io error, the file stays sound, and the writer recovers once
// there is room again. Runs in a child, which alone gets the limit.
TEST_F(SqliteStore, ADiskFullAtCommitFailsTheBatchWithIoAndTheStoreRecovers) {
  Pipe pipe = make_pipe();
  Child child([&] {
    pipe.read.close();
    ::signal(SIGXFSZ, SIG_IGN);  // let write() fail with EFBIG instead of killing the process
    auto opened = open_sqlite(data_dir());
    if (!opened.ok()) return 2;
    Store& store = *opened.value();
    std::string report;
    Results results;
    {
      WriterGate gate(store);  // the writer is idle while the limit is set
      std::error_code ec;
      const auto wal = fs::file_size(db_file().string() + "-wal", ec);
      const auto db = fs::file_size(db_file(), ec);
      rlimit limit{};
      ::getrlimit(RLIMIT_FSIZE, &limit);
      const rlimit saved = limit;
      limit.rlim_cur = std::max(wal, db) + 64 * 1024;
      if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 3;
      for (int i = 0; i < 3; ++i) {
        NewAction big = make_action(numbered("big", i), numbered("big", i) + "@example.org");
        big.supporter_name = std::string(60 * 1024, 'x');
        store.record_action(big, results.sink());
      }
      gate.open();
      if (!store.flush().ok()) return 4;
      if (::setrlimit(RLIMIT_FSIZE, &saved) != 0) return 5;
    }
    for (const auto& r : results.all) {
      report += r.ok() ? std::string("ok ") : std::string(to_string(r.error().kind)) + " ";
    }
    report += store.record_action_sync(make_action("after", "after@example.org")).ok() ? "recovered" : "stuck";
    return write_all(pipe.write.get(), report.data(), report.size()) ? 0 : 6;
  });
  pipe.write.close();
  const std::string report = read_all(pipe.read.get());
  const int status = child.wait();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  EXPECT_EQ(report, "io io io recovered");

  RawDb raw(db_file());
  EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(raw.integer("SELECT COUNT(*) FROM actions"), 2);  // the gate and "after"
  EXPECT_EQ(raw.integer("SELECT COUNT(*) FROM supporters WHERE email LIKE 'big%'"), 0);
}

TEST_F(SqliteStore, ADamagedTimestampIsReportedNotGuessed) {
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->record_action_sync(make_action("k1")).ok());
  RawDb(db_file()).exec("UPDATE actions SET created_at = 'yesterday'");
  auto rows = store->list_actions({});
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().kind, ErrorKind::internal);
  EXPECT_NE(rows.error().detail.find("yesterday"), std::string::npos);
}

// Counts and integrity of a backup file: every action must have its key and its three consents,
// or the copy mixed two moments.
void expect_consistent_copy(const fs::path& file, long long at_least) {
  RawDb copy(file);
  EXPECT_EQ(copy.text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(copy.text("PRAGMA journal_mode"), "delete");
  const long long actions = copy.integer("SELECT COUNT(*) FROM actions");
  EXPECT_GE(actions, at_least);
  EXPECT_EQ(copy.integer("SELECT COUNT(*) FROM idempotency_keys"), actions);
  EXPECT_EQ(copy.integer("SELECT COUNT(*) FROM consents"), 3 * actions);
  EXPECT_EQ(copy.integer("SELECT COUNT(*) FROM actions a LEFT JOIN supporters s ON s.id = a.supporter_id "
                         "WHERE s.id IS NULL"),
            0);
}

TEST_F(SqliteStore, ABackupWhileWritingIsConsistentAndOpens) {
  auto store = open();
  ASSERT_TRUE(store);
  constexpr int kTotal = 2000;
  std::jthread writer([&] {
    for (int i = 0; i < kTotal; ++i) {
      const std::string key = numbered("k", i);
      store->record_action(make_action(key, key + "@example.org"), nullptr);
    }
  });
  // Wait (by polling the store, not the clock) until writing is well under way.
  while (store->count_actions("naju-haderslev").value() < 100 && store->stats().failed == 0) {
    std::this_thread::yield();
  }
  ASSERT_EQ(store->stats().failed, 0u);
  const fs::path backups = tmp_.path() / "backups";
  fs::create_directories(backups);
  for (int i = 0; i < 3; ++i) {
    const fs::path file = backups / (numbered("copy-", i) + ".db");
    auto r = store->backup_to(file);
    ASSERT_TRUE(r.ok()) << describe(r.error());
    EXPECT_FALSE(fs::exists(file.string() + ".partial"));
    expect_consistent_copy(file, 100);
  }
  writer.join();
  ASSERT_TRUE(store->flush().ok());

  // A final copy holds everything, and opens as a store of its own.
  const fs::path restored = tmp_.path() / "restored";
  fs::create_directories(restored);
  ASSERT_TRUE(store->backup_to(sqlite_file(restored)).ok());
  expect_consistent_copy(sqlite_file(restored), kTotal);
  auto copy = open_sqlite(restored, {.read_only = true});
  ASSERT_TRUE(copy.ok()) << describe(copy.error());
  EXPECT_EQ(copy.value()->count_actions("naju-haderslev").value(), kTotal);
  EXPECT_EQ(copy.value()->schema_version(), store->schema_version());
}

TEST_F(SqliteStore, ABackupReplacesAnOlderOneAndRefusesBadTargets) {
  auto store = open();
  ASSERT_TRUE(store);
  const fs::path file = tmp_.path() / "copy.db";
  ASSERT_TRUE(store->backup_to(file).ok());
  ASSERT_TRUE(store->record_action_sync(make_action("k1")).ok());
  ASSERT_TRUE(store->backup_to(file).ok());
  expect_consistent_copy(file, 1);

  auto self = store->backup_to(db_file());
  ASSERT_FALSE(self.ok());
  EXPECT_EQ(self.error().kind, ErrorKind::bad_request);
  auto nowhere = store->backup_to(tmp_.path() / "missing-dir" / "copy.db");
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.error().kind, ErrorKind::io);
  auto empty = store->backup_to({});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, ErrorKind::bad_request);
}

// Another process (a CLI command while serve runs) sees what this one committed, and this one
// sees what it commits. The child is forked before this process opens the store, and waits for it.
TEST_F(SqliteStore, AnotherProcessSharesTheStore) {
  Pipe go = make_pipe();
  Pipe report_pipe = make_pipe();
  Child child([&] {
    go.write.close();
    report_pipe.read.close();
    char c = 0;
    if (::read(go.read.get(), &c, 1) != 1) return 1;  // the parent gave up
    std::string report;
    {
      auto ro = open_sqlite(data_dir(), {.read_only = true});
      report += ro.ok() ? std::to_string(ro.value()->count_actions("naju-haderslev").value()) : "open failed";
      report += " ";
    }
    {
      auto rw = open_sqlite(data_dir());
      int ok = 0;
      if (rw.ok()) {
        for (int i = 0; i < 10; ++i) {
          if (rw.value()->record_action_sync(make_action(numbered("c", i))).ok()) ++ok;
        }
      }
      report += std::to_string(ok);
    }
    return write_all(report_pipe.write.get(), report.data(), report.size()) ? 0 : 2;
  });
  go.read.close();
  report_pipe.write.close();

  auto store = open();
  ASSERT_TRUE(store);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->record_action_sync(make_action(numbered("p", i))).ok());
  ASSERT_EQ(::write(go.write.get(), "g", 1), 1);
  const std::string report = read_all(report_pipe.read.get());
  const int status = child.wait();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  EXPECT_EQ(report, "5 10");  // it saw our 5, and wrote 10 while our store stayed open
  EXPECT_EQ(store->count_actions("naju-haderslev").value(), 15);
  EXPECT_TRUE(store->record_action_sync(make_action("c3")).value().duplicate);
}

// The child records actions and writes each acknowledged id to a pipe; it is SIGKILLed in the
// middle. Every id it acknowledged must be in the store afterwards, and the file must be sound.
void kill_mid_stream_and_check(const fs::path& dir, bool async) {
  Pipe pipe = make_pipe();
  Child child([&] {
    pipe.read.close();
    const int fd = pipe.write.get();
    auto store = open_sqlite(dir);
    if (!store.ok()) return 2;
    Store& s = *store.value();
    auto ack = [fd](const Result<Recorded>& r) {
      if (!r.ok()) ::_exit(4);  // a failure ends the child at once, so the parent never waits long
      const std::int64_t id = r->action_id;
      if (!write_all(fd, &id, sizeof id)) ::_exit(3);
    };
    // Far more than can be written before the kill.
    constexpr int kMany = 1000000;
    constexpr int kChunk = 1000;
    for (int i = 0; i < kMany; ++i) {
      const std::string key = numbered("k", i);
      if (async) {
        s.record_action(make_action(key, key + "@example.org"), ack);
        // Chunks keep the queue under its limit: a refusal would not be an acknowledgement.
        if (i % kChunk == kChunk - 1 && !s.flush().ok()) return 5;
      } else {
        ack(s.record_action_sync(make_action(key, key + "@example.org")));
      }
    }
    return 6;
  });
  pipe.write.close();

  constexpr std::size_t kBeforeKill = 200;
  std::vector<std::int64_t> acknowledged;
  std::string pending;
  char buf[4096];
  bool killed = false;
  for (;;) {
    const ssize_t n = ::read(pipe.read.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    while (pending.size() >= sizeof(std::int64_t)) {
      std::int64_t id = 0;
      std::memcpy(&id, pending.data(), sizeof id);
      pending.erase(0, sizeof id);
      acknowledged.push_back(id);
    }
    if (!killed && acknowledged.size() >= kBeforeKill) {
      ASSERT_EQ(::kill(child.pid(), SIGKILL), 0);
      killed = true;  // keep reading: the ids already in the pipe were acknowledged too
    }
  }
  const int status = child.wait();
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child ended before the kill, status " << status;
  ASSERT_GE(acknowledged.size(), kBeforeKill);

  {
    RawDb raw(sqlite_file(dir));
    EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
  }
  auto store = open_sqlite(dir);
  ASSERT_TRUE(store.ok()) << describe(store.error());
  auto rows = store.value()->list_actions({std::nullopt, std::nullopt, 10000000});
  ASSERT_TRUE(rows.ok());
  std::set<std::int64_t> present;
  for (const ActionRow& r : *rows) present.insert(r.id);
  std::size_t lost = 0;
  for (std::int64_t id : acknowledged) {
    if (present.count(id) == 0) ++lost;
  }
  EXPECT_EQ(lost, 0u) << "of " << acknowledged.size() << " acknowledged actions";
  EXPECT_GE(present.size(), acknowledged.size());
  // And the store goes on working after the crash.
  EXPECT_TRUE(store.value()->record_action_sync(make_action("after-crash")).ok());
}

TEST_F(SqliteStore, NothingAcknowledgedIsLostWhenTheProcessIsKilled) {
  kill_mid_stream_and_check(data_dir(), /*async=*/false);
}

TEST_F(SqliteStore, NothingAcknowledgedInAGroupCommitIsLostWhenTheProcessIsKilled) {
  kill_mid_stream_and_check(data_dir(), /*async=*/true);
}

// ---------------------------------------------------------------------------------------------
// The pieces under the store

TEST(StoreTimeText, FormatsAndParsesRfc3339Utc) {
  const TimePoint t = TimePoint{std::chrono::sys_days{std::chrono::year{2026} / 11 / 25}} + 9h + 5min + 7s;
  EXPECT_EQ(format_time(t), "2026-11-25T09:05:07Z");
  EXPECT_EQ(parse_time("2026-11-25T09:05:07Z"), t);
  EXPECT_EQ(format_time(TimePoint{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(parse_time("0000-01-01T00:00:00Z").has_value(), true);
  EXPECT_EQ(format_time(*parse_time("9999-12-31T23:59:59Z")), "9999-12-31T23:59:59Z");
  EXPECT_EQ(format_time(*parse_time("2024-02-29T12:00:00Z")), "2024-02-29T12:00:00Z");
  EXPECT_TRUE(time_representable(*parse_time("9999-12-31T23:59:59Z")));
  EXPECT_FALSE(time_representable(*parse_time("9999-12-31T23:59:59Z") + 1s));
  EXPECT_FALSE(time_representable(*parse_time("0000-01-01T00:00:00Z") - 1s));
}

TEST(StoreTimeText, RefusesAnythingElse) {
  const char* bad[] = {
      "",
      "2026-11-25",
      "2026-11-25T09:05:07",        // no zone
      "2026-11-25T09:05:07+00:00",  // an offset, even a zero one
      "2026-11-25T09:05:07.5Z",     // a fraction
      "2026-11-25t09:05:07Z",       // lower-case t
      "2026-11-25T09:05:07z",       // lower-case z
      "2026-11-25 09:05:07Z",       // a space
      "2026-13-01T00:00:00Z",       // month 13
      "2026-00-01T00:00:00Z",       // month 0
      "2026-04-31T00:00:00Z",       // 31 April
      "2026-02-29T00:00:00Z",       // not a leap year
      "2026-11-00T00:00:00Z",       // day 0
      "2026-11-25T24:00:00Z",       // hour 24
      "2026-11-25T09:60:00Z",       // minute 60
      "2026-11-25T09:05:60Z",       // leap second
      "2026-1a-25T09:05:07Z",       // a letter
      "+026-11-25T09:05:07Z",       // a sign
      "-026-11-25T09:05:07Z",
      "2026-11-25T09:05:07Z ",      // trailing space
      "20261-11-25T09:05:07Z",      // five-digit year
      "2026/11/25T09:05:07Z",       // other separators
      "2026-11-25T09-05-07Z",
      "2026-11-25T09:05:07Z\n",
  };
  for (const char* text : bad) EXPECT_FALSE(parse_time(text).has_value()) << "'" << text << "'";
  EXPECT_FALSE(parse_time(std::string_view("2026-11-25T09:05:0\0Z", 20)).has_value());
}

// --- petition signatures (migrations/0004_signatures.sql) ---

// A signature of the petition, confirmed by `token`; `key` is the already normalized email.
NewAction signature_action(const std::string& idem, const std::string& token, const std::string& key,
                           const std::string& email) {
  NewAction a = confirmed_action(idem, token, email);
  a.channel = "petition";
  a.target.clear();
  a.messages.clear();
  a.signature = NewSignature{key, "Line one\nLine <two>"};
  return a;
}

std::int64_t signatures(Store& store, const std::string& campaign = "naju-haderslev") {
  auto n = store.count_signatures(campaign);
  if (!n.ok()) throw std::runtime_error("count_signatures failed: " + describe(n.error()));
  return n.value();
}

TEST_P(OutboxSuite, ASignatureCountsOnlyOnceConfirmed) {
  auto store = open();
  ASSERT_TRUE(store);
  const Recorded r = record(*store, signature_action("s1", "tok-s1", "ada@example.org", "ada@example.org"));
  EXPECT_FALSE(r.already_signed);
  EXPECT_EQ(r.status, "pending");
  EXPECT_TRUE(r.confirmation_mailed);
  EXPECT_EQ(signatures(*store), 0);
  EXPECT_EQ(confirm(*store, "tok-s1", at("2026-11-25T10:00:00Z")).outcome, ConfirmOutcome::confirmed);
  EXPECT_EQ(signatures(*store), 1);
  EXPECT_EQ(signatures(*store, "another-campaign"), 0);
}

TEST_P(OutboxSuite, ASecondSignatureOfTheSameKeyWritesNothingWhetherTheFirstIsConfirmedOrNot) {
  auto store = open();
  ASSERT_TRUE(store);
  record(*store, signature_action("s1", "tok-1", "ada@example.org", "ada@example.org"));
  const auto actions_before = count(*store);
  // Pending first signature: the answer is the same as for a confirmed one.
  const Recorded pending_again = record(*store, signature_action("s2", "tok-2", "ada@example.org", "ADA@example.org"));
  EXPECT_TRUE(pending_again.already_signed);
  EXPECT_EQ(pending_again.action_id, 0);
  EXPECT_TRUE(pending_again.status.empty());
  EXPECT_FALSE(pending_again.confirmation_mailed);
  EXPECT_EQ(count(*store), actions_before);

  confirm(*store, "tok-1", at("2026-11-25T10:00:00Z"));
  const Recorded confirmed_again = record(*store, signature_action("s3", "tok-3", "ada@example.org", "ada@example.org"));
  EXPECT_TRUE(confirmed_again.already_signed);
  EXPECT_EQ(confirmed_again.action_id, pending_again.action_id);
  EXPECT_EQ(confirmed_again.status, pending_again.status);
  EXPECT_EQ(count(*store), actions_before);
  EXPECT_EQ(signatures(*store), 1);

  // The same person may sign another campaign's petition.
  NewAction elsewhere = signature_action("s4", "tok-4", "ada@example.org", "ada@example.org");
  elsewhere.campaign = "another-campaign";
  EXPECT_FALSE(record(*store, elsewhere).already_signed);
}

TEST_P(OutboxSuite, AnExpiredSignatureDoesNotLockThePersonOut) {
  auto store = open();
  ASSERT_TRUE(store);
  NewAction first = signature_action("s1", "tok-1", "ada@example.org", "ada@example.org");
  const TimePoint expiry = first.confirmation->expires_at;
  record(*store, first);
  EXPECT_EQ(confirm(*store, "tok-1", expiry).outcome, ConfirmOutcome::expired);
  NewAction again = signature_action("s2", "tok-2", "ada@example.org", "ada@example.org");
  again.created_at = expiry + 1h;
  again.confirmation->expires_at = again.created_at + 72h;
  const Recorded r = record(*store, again);
  EXPECT_FALSE(r.already_signed);
  EXPECT_EQ(confirm(*store, "tok-2", again.created_at + 1h).outcome, ConfirmOutcome::confirmed);
  EXPECT_EQ(signatures(*store), 1);
}

TEST_P(OutboxSuite, LatestSignersListOnlyConfirmedSignersWhoAgreedByFirstNameNewestFirst) {
  auto store = open();
  ASSERT_TRUE(store);
  NewAction ada = signature_action("s1", "tok-1", "ada@example.org", "ada@example.org");
  ada.supporter_name = "Ada Lovelace";
  NewAction kim = signature_action("s2", "tok-2", "kim@example.kr", "kim@example.kr");
  kim.supporter_name = "  Minji Kim";
  kim.country = "KR";
  NewAction shy = signature_action("s3", "tok-3", "shy@example.org", "shy@example.org");
  shy.consent.public_listing = false;
  NewAction unconfirmed = signature_action("s4", "tok-4", "late@example.org", "late@example.org");
  for (const NewAction& a : {ada, kim, shy, unconfirmed}) record(*store, a);
  confirm(*store, "tok-1", at("2026-11-25T10:00:00Z"));
  confirm(*store, "tok-2", at("2026-11-25T11:00:00Z"));
  confirm(*store, "tok-3", at("2026-11-25T12:00:00Z"));

  auto listed = store->latest_signers("naju-haderslev", 10);
  ASSERT_TRUE(listed.ok()) << describe(listed.error());
  ASSERT_EQ(listed.value().size(), 2u);
  EXPECT_EQ(listed.value()[0].first_name, "Minji");
  EXPECT_EQ(listed.value()[0].country, "KR");
  EXPECT_EQ(listed.value()[0].signed_at, at("2026-11-25T11:00:00Z"));
  EXPECT_EQ(listed.value()[1].first_name, "Ada");
  EXPECT_EQ(signatures(*store), 3);

  auto one = store->latest_signers("naju-haderslev", 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one.value().size(), 1u);
}

TEST_P(OutboxSuite, AMalformedSignatureIsRefusedAtOnce) {
  auto store = open();
  ASSERT_TRUE(store);
  NewAction not_petition = signature_action("s1", "tok-1", "ada@example.org", "ada@example.org");
  not_petition.channel = "email";
  NewAction no_key = signature_action("s2", "tok-2", "", "ada@example.org");
  NewAction long_comment = signature_action("s3", "tok-3", "ada@example.org", "ada@example.org");
  long_comment.signature->comment = std::string(20000, 'x');
  NewAction nul_comment = signature_action("s4", "tok-4", "ada@example.org", "ada@example.org");
  nul_comment.signature->comment = std::string("a\0b", 3);
  for (const NewAction& a : {not_petition, no_key, long_comment, nul_comment}) {
    auto r = store->record_action_sync(a);
    ASSERT_FALSE(r.ok()) << a.idempotency_key;
    EXPECT_EQ(r.error().kind, ErrorKind::bad_request) << a.idempotency_key;
  }
  EXPECT_EQ(count(*store), 0);
}

// --- requests to print and post letters (migrations/0005_letter_requests.sql) ---

NewAction print_request(const std::string& idem, const std::string& token, const std::string& email) {
  NewAction a = confirmed_action(idem, token, email);
  a.channel = "letter";
  a.target = "print";
  a.messages.clear();
  a.letter_request = NewLetterRequest{{"Østergade 12", "8000 Aarhus C"}, "Aarhus"};
  return a;
}

std::vector<LetterRequestRow> letter_requests(Store& store, LetterRequestFilter filter) {
  if (filter.campaign.empty()) filter.campaign = "naju-haderslev";
  auto rows = store.list_letter_requests(filter);
  if (!rows.ok()) throw std::runtime_error("list_letter_requests failed: " + describe(rows.error()));
  return rows.value();
}

TEST_P(OutboxSuite, ALetterRequestIsListedOnceConfirmedWithItsAddressAndUntilMarkedPrinted) {
  auto store = open();
  ASSERT_TRUE(store);
  const Recorded first = record(*store, print_request("p1", "tok-p1", "ada@example.org"));
  const Recorded second = record(*store, print_request("p2", "tok-p2", "bo@example.org"));
  EXPECT_EQ(first.status, "pending");
  EXPECT_TRUE(letter_requests(*store, {}).empty());
  EXPECT_EQ(letter_requests(*store, {.campaign = "naju-haderslev", .include_unconfirmed = true}).size(), 2u);

  confirm(*store, "tok-p1", at("2026-11-25T10:00:00Z"));
  auto rows = letter_requests(*store, {});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].action_id, first.action_id);
  EXPECT_EQ(rows[0].address_lines, (std::vector<std::string>{"Østergade 12", "8000 Aarhus C"}));
  EXPECT_EQ(rows[0].place, "Aarhus");
  EXPECT_EQ(rows[0].supporter_email, "ada@example.org");
  EXPECT_EQ(rows[0].status, "confirmed");
  EXPECT_FALSE(rows[0].printed_at.has_value());

  // Paging goes past the first row; another campaign sees nothing.
  confirm(*store, "tok-p2", at("2026-11-25T10:00:00Z"));
  EXPECT_EQ(letter_requests(*store, {.campaign = "naju-haderslev", .after_action_id = first.action_id}).size(), 1u);
  EXPECT_EQ(letter_requests(*store, {.campaign = "naju-haderslev", .after_action_id = second.action_id}).size(), 0u);
  EXPECT_TRUE(letter_requests(*store, {.campaign = "another-campaign"}).empty());

  auto marked = store->mark_letters_printed({first.action_id, first.action_id, 999999}, at("2026-11-26T08:00:00Z"));
  ASSERT_TRUE(marked.ok()) << describe(marked.error());
  EXPECT_EQ(marked.value(), 1);
  rows = letter_requests(*store, {});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].action_id, second.action_id);
  rows = letter_requests(*store, {.campaign = "naju-haderslev", .include_printed = true});
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_TRUE(rows[0].printed_at.has_value());
  EXPECT_EQ(*rows[0].printed_at, at("2026-11-26T08:00:00Z"));
}

TEST_P(OutboxSuite, AMalformedLetterRequestIsRefusedAndNothingIsWritten) {
  auto store = open();
  ASSERT_TRUE(store);
  std::vector<NewAction> bad;
  bad.push_back(print_request("b1", "tok-b1", "ada@example.org"));
  bad.back().channel = "email";  // only a letter carries one
  bad.push_back(print_request("b2", "tok-b2", "ada@example.org"));
  bad.back().letter_request->address_lines.clear();
  bad.push_back(print_request("b3", "tok-b3", "ada@example.org"));
  bad.back().letter_request->address_lines = {"a", "b", "c", "d"};
  bad.push_back(print_request("b4", "tok-b4", "ada@example.org"));
  bad.back().letter_request->address_lines = {"Street 1\nBcc: x@example.org"};
  bad.push_back(print_request("b5", "tok-b5", "ada@example.org"));
  bad.back().letter_request->place = "Aarhus\r";
  for (auto& a : bad) {
    auto r = store->record_action_sync(std::move(a));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::bad_request) << r.error().message;
  }
  EXPECT_EQ(count(*store), 0);
  EXPECT_TRUE(letter_requests(*store, {.campaign = "naju-haderslev", .include_unconfirmed = true}).empty());
  auto too_many = store->list_letter_requests({.campaign = "naju-haderslev", .after_action_id = 0, .limit = 0});
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().kind, ErrorKind::bad_request);
}

// --- rate limits (migrations/0005_letters_rate_limits.sql) ---

TEST_P(OutboxSuite, ARateLimitRefusesTheActionOverItAndCountsNothingForIt) {
  auto store = open();
  ASSERT_TRUE(store);
  auto limited = [](const std::string& key, TimePoint when) {
    NewAction a = make_action(key);
    a.created_at = when;
    a.consent.given_at = when;
    a.rate_checks = {{"per_email", "email:abc", std::chrono::seconds{3600}, 2},
                     {"per_target", "target:abc", std::chrono::seconds{1800}, 5}};
    return a;
  };
  record(*store, limited("r1", at("2026-11-25T09:00:00Z")));
  record(*store, limited("r2", at("2026-11-25T09:10:00Z")));
  // A resubmission is answered from the key and counts nothing.
  EXPECT_TRUE(record(*store, limited("r2", at("2026-11-25T09:11:00Z"))).duplicate);
  auto third = store->record_action_sync(limited("r3", at("2026-11-25T09:20:00Z")));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().kind, ErrorKind::rate_limited);
  EXPECT_EQ(third.error().field, "per_email");
  EXPECT_EQ(third.error().detail, "retry_after=2400");  // the window ends at 10:00
  EXPECT_EQ(count(*store), 2);
  // The refused action counted nowhere: the target rule (5) still has 3 left; the next window
  // starts afresh.
  EXPECT_FALSE(record(*store, limited("r4", at("2026-11-25T10:00:00Z"))).duplicate);
  EXPECT_EQ(count(*store), 3);
}

TEST_P(OutboxSuite, AMalformedRateCheckIsRefused) {
  auto store = open();
  ASSERT_TRUE(store);
  for (auto change : std::vector<std::function<void(RateCheck&)>>{
           [](RateCheck& c) { c.bucket.clear(); }, [](RateCheck& c) { c.rule.clear(); },
           [](RateCheck& c) { c.limit = 0; }, [](RateCheck& c) { c.window = std::chrono::seconds{0}; },
           [](RateCheck& c) { c.bucket = std::string(201, 'x'); }}) {
    NewAction a = make_action("m1");
    a.rate_checks = {{"per_email", "email:abc", std::chrono::seconds{60}, 1}};
    change(a.rate_checks[0]);
    auto r = store->record_action_sync(std::move(a));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::bad_request);
  }
  EXPECT_EQ(count(*store), 0);
}

// --- the review queue (migrations/0005, written_parts) ---

NewAction written_action(const std::string& key, const std::string& email, const std::string& fingerprint,
                         TimePoint when, bool confirmed_later = true) {
  NewAction a = confirmed_action(key, "tok-" + key, email);
  if (!confirmed_later) a.confirmation.reset();
  a.created_at = when;
  a.consent.given_at = when;
  if (a.confirmation) a.confirmation->expires_at = when + std::chrono::hours{72};
  a.written_part = WrittenPart{fingerprint, "Please <b>act</b> now", 3, std::chrono::seconds{600}};
  return a;
}

TEST_P(OutboxSuite, TheSameWrittenTextFromManyPeopleIsHeldForReviewWithTheUnsentBeforeIt) {
  auto store = open();
  ASSERT_TRUE(store);
  const auto t0 = at("2026-11-25T09:00:00Z");
  // The same person three times is one person; another text or an old one does not count.
  EXPECT_FALSE(record(*store, written_action("w1", "ada@example.org", "fp", t0, false)).held_for_review);
  EXPECT_FALSE(record(*store, written_action("w2", "ada@example.org", "fp", t0 + 1min, false)).held_for_review);
  EXPECT_FALSE(record(*store, written_action("w3", "bo@example.org", "other", t0 + 2min, false)).held_for_review);
  EXPECT_EQ(outbox(*store, "review").size(), 0u);
  const Recorded second = record(*store, written_action("w4", "bo@example.org", "fp", t0 + 3min));
  EXPECT_FALSE(second.held_for_review);
  // The third person within ten minutes: this action and the unsent ones before it wait.
  const Recorded third = record(*store, written_action("w5", "cy@example.org", "fp", t0 + 4min));
  EXPECT_TRUE(third.held_for_review);
  EXPECT_EQ(outbox(*store, "review").size(), 2u * 4);  // w1, w2, w4, w5; two messages each
  EXPECT_EQ(outbox(*store, "queued").size(), 2u + 2);  // w3 (another text) and two confirmation mails
  // Confirming does not release what is in review.
  EXPECT_EQ(confirm(*store, "tok-w5", t0 + 5min).outcome, ConfirmOutcome::confirmed);
  EXPECT_EQ(outbox(*store, "review").size(), 8u);

  auto items = store->list_review("naju-haderslev", 100);
  ASSERT_TRUE(items.ok()) << describe(items.error());
  ASSERT_EQ(items.value().size(), 4u);
  EXPECT_EQ(items.value()[0].text, "Please <b>act</b> now");
  EXPECT_EQ(items.value()[0].same_text_people, 3);
  EXPECT_EQ(items.value()[0].messages, 2);
  EXPECT_TRUE(store->list_review("another-campaign", 100).value().empty());

  // Released: on if the action stands, held again if it awaits its confirmation.
  EXPECT_EQ(store->release_review(third.action_id, t0 + 6min).value(), 2);   // confirmed -> queued
  EXPECT_EQ(store->release_review(second.action_id, t0 + 6min).value(), 2);  // pending -> held
  EXPECT_EQ(outbox(*store, "queued").size(), 6u);
  EXPECT_EQ(outbox(*store, "held").size(), 2u);
  EXPECT_EQ(confirm(*store, "tok-w4", t0 + 7min).outcome, ConfirmOutcome::confirmed);
  EXPECT_EQ(outbox(*store, "queued").size(), 8u);
  // Rejected: never sent, and a second decision finds nothing.
  EXPECT_EQ(store->reject_review(items.value()[0].action_id, t0 + 8min).value(), 2);
  EXPECT_EQ(outbox(*store, "rejected").size(), 2u);
  auto again = store->reject_review(items.value()[0].action_id, t0 + 9min);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::not_found);
  EXPECT_EQ(store->release_review(999999, t0).error().kind, ErrorKind::not_found);
}

TEST_P(OutboxSuite, WithoutAWrittenPartOrWithTheRuleOffNothingIsHeld) {
  auto store = open();
  ASSERT_TRUE(store);
  const auto t0 = at("2026-11-25T09:00:00Z");
  for (int i = 0; i < 5; ++i) {
    NewAction a = written_action("t" + std::to_string(i), "p" + std::to_string(i) + "@example.org", "fp", t0);
    a.written_part.reset();  // the campaign's own text only
    EXPECT_FALSE(record(*store, a).held_for_review);
    NewAction off = written_action("o" + std::to_string(i), "q" + std::to_string(i) + "@example.org", "fp", t0);
    off.written_part->hold_from_people = 0;
    EXPECT_FALSE(record(*store, off).held_for_review);
  }
  EXPECT_TRUE(outbox(*store, "review").empty());
  NewAction bad = written_action("b", "b@example.org", "", t0);
  EXPECT_EQ(store->record_action_sync(std::move(bad)).error().kind, ErrorKind::bad_request);
}

TEST(StoreSqliteErrors, ResultCodesMapToErrorKinds) {
  EXPECT_EQ(sqlite::error_kind_of(SQLITE_BUSY), ErrorKind::unavailable);
  EXPECT_EQ(sqlite::error_kind_of(SQLITE_BUSY_SNAPSHOT), ErrorKind::unavailable);
  EXPECT_EQ(sqlite::error_kind_of(SQLITE_LOCKED), ErrorKind::unavailable);
  EXPECT_EQ(sqlite::error_kind_of(SQLITE_NOMEM), ErrorKind::unavailable);
  EXPECT_EQ(sqlite::error_kind_of(SQLITE_FULL), ErrorKind::io);
  EXPECT_EQ(sqlite::error_kind_of(SQLITE_IOERR_WRITE), ErrorKind::io);
  EXPECT_EQ(sqlite::error_kind_of(SQLITE_IOERR_FSYNC), ErrorKind::io);
  EXPECT_EQ(sqlite::error_kind_of(SQLITE_CANTOPEN), ErrorKind::io);
  EXPECT_EQ(sqlite::error_kind_of(SQLITE_READONLY), ErrorKind::io);
  EXPECT_EQ(sqlite::error_kind_of(SQLITE_CORRUPT), ErrorKind::io);
  EXPECT_EQ(sqlite::error_kind_of(SQLITE_NOTADB), ErrorKind::io);
  EXPECT_EQ(sqlite::error_kind_of(SQLITE_CONSTRAINT_UNIQUE), ErrorKind::internal);
  EXPECT_EQ(sqlite::error_kind_of(SQLITE_MISUSE), ErrorKind::internal);
  EXPECT_EQ(sqlite::error_kind_of(SQLITE_ERROR), ErrorKind::internal);
}

TEST(StoreSqliteErrors, SqlGoesToTheDetailNeverToTheMessage) {
  const Error e = sqlite::error_from(nullptr, SQLITE_FULL, "commit", "INSERT INTO actions VALUES (1)");
  EXPECT_EQ(e.kind, ErrorKind::io);
  EXPECT_EQ(e.message.find("INSERT"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("full"), std::string::npos) << e.message;
  EXPECT_NE(e.detail.find("INSERT INTO actions VALUES (1)"), std::string::npos) << e.detail;
  EXPECT_NE(e.detail.find("commit"), std::string::npos) << e.detail;
}

}  // namespace
}  // namespace twinning::store
