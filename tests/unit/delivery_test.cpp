// The outbox worker against a real SQLite store, the spool transport on a real folder, and the
// SMTP transport against a real SMTP server (tests/integration/smtp_server.py, aiosmtpd).
#include <fcntl.h>
#include <gtest/gtest.h>

#include "support/python_peer.hpp"
#include "support/temp_dir.hpp"
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "delivery/bounce.hpp"
#include "delivery/dkim.hpp"
#include "delivery/retry_policy.hpp"
#include "delivery/smtp_transport.hpp"
#include "delivery/spool_transport.hpp"
#include "delivery/transport.hpp"
#include "delivery/worker.hpp"
#include "store/store.hpp"

namespace twinning::delivery {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using store::TimePoint;

// ---------------------------------------------------------------------------------------------
// Helpers

using test::TempDir;

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<fs::path> files_with(const fs::path& dir, const std::string& extension) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == extension) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

const TimePoint kStart = std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + 9h;

// A message as composition would make it: CRLF lines, UTF-8 in an encoded word, a body line that
// starts with a dot (SMTP must stuff and unstuff it).
std::string payload_for(const std::string& to, const std::string& message_id) {
  return "From: =?UTF-8?Q?Ada_L=C3=B8vlace?= <campaign@naju-haderslev.org>\r\n"
         "To: " + to + "\r\n"
         "Subject: =?UTF-8?B?S8OmcmUgYm9yZ21lc3Rlcg==?=\r\n"
         "Message-ID: <" + message_id + ">\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\n"
         "\r\n"
         "K\xC3\xA6re borgmester,\r\n"
         ".a line that starts with a dot\r\n"
         "\xEB\x82\x98\xEC\xA3\xBC\r\n";
}

store::OutboxMessage message(const std::string& to, const std::string& local) {
  store::OutboxMessage m;
  m.kind = "email";
  m.target = "mayor-haderslev";
  m.recipient = to;
  m.pacing_key = to;
  m.message_id = local + "@naju-haderslev.org";
  m.envelope_from = "bounces+" + local + "@naju-haderslev.org";
  m.payload = payload_for(to, m.message_id);
  return m;
}

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::open_sqlite(tmp_.path() / "data");
    ASSERT_TRUE(opened.ok()) << opened.error().message << " " << opened.error().detail;
    store_ = std::move(opened).value();
    options_.retry.base = 60s;
    options_.retry.max_interval = 1h;
    options_.retry.deadline = 48h;
    options_.claim.limit = 50;
    options_.claim.per_pacing_key_per_hour = 20;
    options_.poll_interval = 10ms;
  }

  // Queues messages at once (an action without a confirmation), created at kStart.
  void queue(std::vector<store::OutboxMessage> messages) {
    store::NewAction a;
    a.idempotency_key = "key-" + std::to_string(++actions_);
    a.request_hash = "hash-" + a.idempotency_key;
    a.campaign = "naju-haderslev";
    a.channel = "email";
    a.language = "da";
    a.country = "DK";
    a.supporter_name = "Ada";
    a.supporter_email = "ada@example.org";
    a.created_at = kStart;
    a.messages = std::move(messages);
    auto r = store_->record_action_sync(std::move(a));
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  std::vector<store::OutboxRow> rows(std::optional<std::string> state = std::nullopt) {
    store::OutboxFilter f;
    f.state = std::move(state);
    f.limit = 1000;
    auto r = store_->list_outbox(f);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : std::vector<store::OutboxRow>{};
  }

  Worker make_worker(Transport& t) {
    return Worker(*store_, t, [this] { return now_; }, [this] { return random_; }, options_);
  }

  TempDir tmp_;
  std::unique_ptr<store::Store> store_;
  WorkerOptions options_;
  TimePoint now_ = kStart;
  double random_ = 0.5;  // no jitter
  int actions_ = 0;
};

// Our own interface, answering from a script: the outcomes a real server would give, one per send.
class ScriptedTransport final : public Transport {
 public:
  explicit ScriptedTransport(std::deque<SendOutcome> script) : script_(std::move(script)) {}
  SendOutcome send(const store::OutboxRow& row) override {
    sent.push_back(row);
    if (script_.empty()) return {SendOutcome::Kind::sent, "250 ok", false};
    auto next = script_.front();
    script_.pop_front();
    return next;
  }
  void idle() override { ++idles; }
  std::string describe() const override { return "scripted"; }
  std::vector<store::OutboxRow> sent;
  int idles = 0;

 private:
  std::deque<SendOutcome> script_;
};

// ---------------------------------------------------------------------------------------------
// RetryPolicy

TEST(RetryPolicy, BackoffDoublesFromTheBaseUpToTheCap) {
  RetryPolicy p{60s, 1h, 48h, 0.2};
  EXPECT_EQ(p.backoff(1), 60s);
  EXPECT_EQ(p.backoff(2), 120s);
  EXPECT_EQ(p.backoff(3), 240s);
  EXPECT_EQ(p.backoff(6), 1920s);
  EXPECT_EQ(p.backoff(7), 3600s);  // 3840 capped
  EXPECT_EQ(p.backoff(1000), 3600s);
}

TEST(RetryPolicy, JitterStaysWithinTwentyPercent) {
  RetryPolicy p{60s, 1h, 48h, 0.2};
  auto at = [&](double r) { return std::get<RetryPolicy::RetryAt>(p.after_failure(2, kStart, kStart, r)).when; };
  EXPECT_EQ(at(0.0), kStart + 96s);   // 120 * 0.8
  EXPECT_EQ(at(0.5), kStart + 120s);  // no stretch
  EXPECT_EQ(at(0.999999), kStart + 144s);  // 120 * 1.2, rounded
  EXPECT_EQ(at(0.75), kStart + 132s);
}

TEST(RetryPolicy, NeverLaterThanTheDeadlineAndGivesUpAfterIt) {
  RetryPolicy p{60s, 1h, 48h, 0.2};
  const TimePoint deadline = kStart + 48h;
  auto near_end = p.after_failure(30, kStart, deadline - 10min, 0.5);
  ASSERT_TRUE(std::holds_alternative<RetryPolicy::RetryAt>(near_end));
  EXPECT_EQ(std::get<RetryPolicy::RetryAt>(near_end).when, deadline);
  EXPECT_TRUE(std::holds_alternative<RetryPolicy::GiveUp>(p.after_failure(31, kStart, deadline, 0.5)));
  EXPECT_TRUE(std::holds_alternative<RetryPolicy::RetryAt>(p.after_failure(31, kStart, deadline - 1s, 0.5)));
}

// ---------------------------------------------------------------------------------------------
// SpoolTransport

TEST(SpoolTransport, WritesTheExactPayloadUnderASafeName) {
  TempDir tmp;
  auto spool = SpoolTransport::open(tmp.path() / "spool");
  ASSERT_TRUE(spool.ok());
  store::OutboxRow row;
  row.id = 7;
  row.message_id = "../../etc/passwd@x";
  row.payload = payload_for("mayor@haderslev.dk", "abc@naju-haderslev.org");
  auto outcome = spool->send(row);
  EXPECT_EQ(outcome.kind, SendOutcome::Kind::sent) << outcome.reply;
  const auto files = files_with(tmp.path() / "spool", ".eml");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename().string(), "7-.._.._etc_passwd_x.eml");
  EXPECT_EQ(read_all(files[0]), row.payload);
  EXPECT_TRUE(files_with(tmp.path() / "spool", ".tmp").empty());

  // Sent again (after a crash): the same file, not a second one.
  row.payload += "changed";
  EXPECT_EQ(spool->send(row).kind, SendOutcome::Kind::sent);
  ASSERT_EQ(files_with(tmp.path() / "spool", ".eml").size(), 1u);
  EXPECT_EQ(read_all(files[0]), row.payload);
}

TEST(SpoolTransport, AFolderThatIsGoneIsATemporaryFailure) {
  TempDir tmp;
  auto spool = SpoolTransport::open(tmp.path() / "spool");
  ASSERT_TRUE(spool.ok());
  fs::remove_all(tmp.path() / "spool");
  store::OutboxRow row;
  row.id = 1;
  row.message_id = "a@b";
  row.payload = "x";
  auto outcome = spool->send(row);
  EXPECT_EQ(outcome.kind, SendOutcome::Kind::temporary);
  EXPECT_NE(outcome.reply.find("spool"), std::string::npos) << outcome.reply;
}

TEST(SpoolTransport, CannotOpenWhereAFileStands) {
  TempDir tmp;
  std::ofstream(tmp.path() / "file") << "x";
  auto spool = SpoolTransport::open(tmp.path() / "file" / "spool");
  ASSERT_FALSE(spool.ok());
  EXPECT_EQ(spool.error().kind, ErrorKind::io);
}

// ---------------------------------------------------------------------------------------------
// Worker with our scripted transport and the real store

TEST_F(DeliveryTest, SentMessagesAreMarkedSentOnce) {
  queue({message("mayor@haderslev.dk", "m1"), message("council@haderslev.dk", "m2")});
  ScriptedTransport t({});
  Worker w = make_worker(t);
  EXPECT_EQ(w.run_once(), 2u);
  EXPECT_EQ(rows("sent").size(), 2u);
  EXPECT_EQ(w.run_once(), 0u);  // nothing claimed twice
  EXPECT_EQ(t.sent.size(), 2u);
  EXPECT_EQ(t.idles, 1);  // the empty queue lets the connection go
  EXPECT_EQ(w.stats().sent, 2u);
}

TEST_F(DeliveryTest, TemporaryFailureIsRetriedAfterTheBackoff) {
  queue({message("mayor@haderslev.dk", "m1")});
  ScriptedTransport t({{SendOutcome::Kind::temporary, "RCPT TO: 451 4.3.0 try later", false}});
  Worker w = make_worker(t);
  EXPECT_EQ(w.run_once(), 1u);
  auto queued = rows("queued");
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].next_attempt_at, kStart + 60s);
  EXPECT_EQ(queued[0].last_error, "RCPT TO: 451 4.3.0 try later");
  EXPECT_EQ(queued[0].attempts, 1);

  now_ = kStart + 59s;
  EXPECT_EQ(w.run_once(), 0u);  // not due yet
  now_ = kStart + 60s;
  EXPECT_EQ(w.run_once(), 1u);
  auto sent = rows("sent");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].attempts, 2);
}

TEST_F(DeliveryTest, TemporaryFailuresPastTheDeadlineFail) {
  queue({message("mayor@haderslev.dk", "m1")});
  ScriptedTransport t({{SendOutcome::Kind::temporary, "421 closing", false}});
  Worker w = make_worker(t);
  now_ = kStart + 48h;
  EXPECT_EQ(w.run_once(), 1u);
  auto failed = rows("failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_NE(failed[0].last_error.find("421 closing"), std::string::npos);
  auto flagged = store_->flagged_contacts();
  ASSERT_TRUE(flagged.ok());
  EXPECT_TRUE(flagged->empty());  // giving up is not a bounce
}

TEST_F(DeliveryTest, PermanentRefusalOfTheRecipientFailsAndFlags) {
  queue({message("nobody@haderslev.dk", "m1"), message("mayor@haderslev.dk", "m2")});
  ScriptedTransport t({{SendOutcome::Kind::permanent, "RCPT TO: 550 5.1.1 no such user", true},
                       {SendOutcome::Kind::permanent, "DATA: 554 5.7.1 content rejected", false}});
  Worker w = make_worker(t);
  EXPECT_EQ(w.run_once(), 2u);
  EXPECT_EQ(rows("failed").size(), 2u);
  auto flagged = store_->flagged_contacts();
  ASSERT_TRUE(flagged.ok());
  ASSERT_EQ(flagged->size(), 1u);
  EXPECT_EQ(flagged->front().address, "nobody@haderslev.dk");
  EXPECT_EQ(w.stats().flagged, 1u);
}

TEST_F(DeliveryTest, PacingHoldsTheRestForTheNextHour) {
  options_.claim.per_pacing_key_per_hour = 2;
  std::vector<store::OutboxMessage> many;
  for (int i = 0; i < 5; ++i) many.push_back(message("mayor@haderslev.dk", "m" + std::to_string(i)));
  many.push_back(message("council@haderslev.dk", "other"));
  queue(std::move(many));
  ScriptedTransport t({});
  Worker w = make_worker(t);
  EXPECT_EQ(w.run_once(), 3u);  // two for the mayor, one for the council
  EXPECT_EQ(w.run_once(), 0u);
  now_ = kStart + 1h + 1s;
  EXPECT_EQ(w.run_once(), 2u);
  EXPECT_EQ(rows("queued").size(), 1u);
}

TEST_F(DeliveryTest, PausedSendsNothingUntilResumed) {
  queue({message("mayor@haderslev.dk", "m1")});
  ASSERT_TRUE(store_->set_outbox_paused(true).ok());
  ScriptedTransport t({});
  Worker w = make_worker(t);
  EXPECT_EQ(w.run_once(), 0u);
  EXPECT_TRUE(t.sent.empty());
  ASSERT_TRUE(store_->set_outbox_paused(false).ok());
  EXPECT_EQ(w.run_once(), 1u);
}

TEST_F(DeliveryTest, MessagesLeftSendingByADeadWorkerAreSentAgainOnce) {
  queue({message("mayor@haderslev.dk", "m1"), message("council@haderslev.dk", "m2")});
  // A worker claimed them and died before recording anything.
  auto claimed = store_->claim_outbox(now_, options_.claim);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 2u);
  ScriptedTransport t({});
  Worker w = make_worker(t);
  EXPECT_EQ(w.run_once(), 0u);  // `sending` is never claimed twice
  EXPECT_EQ(w.recover(), 2);
  EXPECT_EQ(w.run_once(), 2u);
  EXPECT_EQ(rows("sent").size(), 2u);
  EXPECT_EQ(w.run_once(), 0u);
  EXPECT_EQ(t.sent.size(), 2u);
}

TEST_F(DeliveryTest, RunTakesTheLockRecoversAndStopsWhenAsked) {
  options_.lock_file = tmp_.path() / "delivery.lock";
  queue({message("mayor@haderslev.dk", "m1")});
  auto claimed = store_->claim_outbox(now_, options_.claim);  // left sending by a dead worker
  ASSERT_TRUE(claimed.ok());
  SpoolTransport spool = SpoolTransport::open(tmp_.path() / "spool").take();
  Worker w = make_worker(spool);
  {
    std::jthread thread([&](std::stop_token stop) { w.run(stop); });
    // Another worker of the same data directory cannot start meanwhile... once run holds it.
    while (w.stats().sent == 0) w.wake();
    auto second = DeliveryLock::try_acquire(options_.lock_file);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().kind, ErrorKind::unavailable);
  }
  EXPECT_EQ(files_with(tmp_.path() / "spool", ".eml").size(), 1u);
  EXPECT_TRUE(DeliveryLock::try_acquire(options_.lock_file).ok());  // released on stop
}

TEST_F(DeliveryTest, TheServiceInsideServeSendsWhatItIsWokenFor) {
  Settings settings;
  settings.data_dir = tmp_.path() / "data";
  settings.mail.poll_interval = std::chrono::hours{1};  // only wake() can make it look again
  auto service = DeliveryService::start(*store_, settings);
  ASSERT_TRUE(service.ok()) << service.error().message;
  EXPECT_EQ(service.value()->transport().describe(), "spool " + settings.spool_dir().string());
  queue({message("mayor@haderslev.dk", "m1")});
  // Claiming uses the real clock here; the message was created in the past, so it is due.
  while (rows("sent").empty()) service.value()->wake();
  service.value()->stop();
  service.value()->stop();  // idempotent
  EXPECT_EQ(files_with(settings.spool_dir(), ".eml").size(), 1u);
}

TEST_F(DeliveryTest, SpoolEndToEnd) {
  queue({message("mayor@haderslev.dk", "m1")});
  SpoolTransport spool = SpoolTransport::open(tmp_.path() / "spool").take();
  Worker w = make_worker(spool);
  EXPECT_EQ(w.run_once(), 1u);
  auto files = files_with(tmp_.path() / "spool", ".eml");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(read_all(files[0]), payload_for("mayor@haderslev.dk", "m1@naju-haderslev.org"));
}

// ---------------------------------------------------------------------------------------------
// The real SMTP server

// tests/integration/smtp_server.py in a child process; stopped (SIGTERM) when destroyed.
class SmtpServer {
 public:
  explicit SmtpServer(std::vector<std::string> args) : peer_("tests/integration/smtp_server.py", std::move(args)) {}
  void stop() { peer_.stop(); }
  int port() const { return peer_.port(); }
  std::string url(const std::string& userinfo = "") const {
    return "smtp://" + userinfo + "127.0.0.1:" + std::to_string(peer_.port());
  }

 private:
  testing::PythonPeer peer_;
};

std::unique_ptr<SmtpTransport> smtp(const std::string& url) {
  SmtpOptions o;
  o.url = url;
  o.timeout = 10s;
  auto t = SmtpTransport::create(o);
  if (!t) throw std::runtime_error(t.error().message);
  return std::move(t).value();
}

class SmtpDeliveryTest : public DeliveryTest {
 protected:
  fs::path inbox() {
    auto dir = tmp_.path() / "inbox";
    fs::create_directories(dir);
    return dir;
  }
};

TEST_F(SmtpDeliveryTest, DeliversEachMessageExactlyOverOneSession) {
  const auto dir = inbox();
  SmtpServer server({"--dir", dir.string()});
  queue({message("mayor@haderslev.dk", "m1"), message("council@haderslev.dk", "m2"),
         message("assembly@jeonnam.go.kr", "m3")});
  auto transport = smtp(server.url());
  Worker w = make_worker(*transport);
  EXPECT_EQ(w.run_once(), 3u);
  EXPECT_EQ(rows("sent").size(), 3u) << (rows().empty() ? "" : rows()[0].last_error);
  const auto emls = files_with(dir, ".eml");
  ASSERT_EQ(emls.size(), 3u);
  EXPECT_EQ(read_all(emls[0]), payload_for("mayor@haderslev.dk", "m1@naju-haderslev.org"));
  const std::string meta = read_all(dir / "000003.json");
  EXPECT_NE(meta.find("\"mail_from\": \"bounces+m3@naju-haderslev.org\""), std::string::npos) << meta;
  EXPECT_NE(meta.find("\"rcpt_tos\": [\"assembly@jeonnam.go.kr\"]"), std::string::npos) << meta;
  // One connection carried the batch: every message came from the same client port.
  auto port_of = [](const std::string& json) { return json.substr(json.find("\"peer_port\"")); };
  EXPECT_EQ(port_of(read_all(dir / "000001.json")), port_of(meta));
  EXPECT_EQ(port_of(read_all(dir / "000002.json")), port_of(meta));
}

TEST_F(SmtpDeliveryTest, AuthenticatesWithTheUrlsCredentials) {
  const auto dir = inbox();
  SmtpServer server({"--dir", dir.string(), "--auth", "twinning:s3cret"});
  queue({message("mayor@haderslev.dk", "m1")});
  auto transport = smtp(server.url("twinning:s3cret@"));
  EXPECT_EQ(transport->describe(), server.url());  // the password stays out of logs
  Worker w = make_worker(*transport);
  EXPECT_EQ(w.run_once(), 1u);
  ASSERT_EQ(files_with(dir, ".eml").size(), 1u) << rows()[0].last_error;
  EXPECT_NE(read_all(dir / "000001.json").find("\"login\": \"twinning\""), std::string::npos);
}

TEST_F(SmtpDeliveryTest, APasswordWithReservedCharactersIsPercentEncoded) {
  const auto dir = inbox();
  SmtpServer server({"--dir", dir.string(), "--auth", "twinning:p@ss:w/rd%"});
  queue({message("mayor@haderslev.dk", "m1")});
  auto transport = smtp(server.url("twinning:p%40ss%3Aw%2Frd%25@"));
  EXPECT_EQ(transport->describe(), server.url());
  Worker w = make_worker(*transport);
  EXPECT_EQ(w.run_once(), 1u);
  EXPECT_EQ(files_with(dir, ".eml").size(), 1u) << rows()[0].last_error;
}

TEST_F(SmtpDeliveryTest, RequiredStarttlsRefusesAPlainServer) {
  const auto dir = inbox();
  SmtpServer server({"--dir", dir.string()});
  queue({message("mayor@haderslev.dk", "m1")});
  SmtpOptions o;
  o.url = server.url();
  o.starttls_required = true;
  o.timeout = 10s;
  auto transport = SmtpTransport::create(o).take();
  Worker w = make_worker(*transport);
  EXPECT_EQ(w.run_once(), 1u);
  ASSERT_EQ(rows("queued").size(), 1u);  // retried: the operator may fix the relay
  EXPECT_TRUE(files_with(dir, ".eml").empty());
}

TEST_F(SmtpDeliveryTest, AWrongPasswordIsATemporaryFailure) {
  const auto dir = inbox();
  SmtpServer server({"--dir", dir.string(), "--auth", "twinning:s3cret"});
  queue({message("mayor@haderslev.dk", "m1")});
  auto transport = smtp(server.url("twinning:wrong@"));
  Worker w = make_worker(*transport);
  EXPECT_EQ(w.run_once(), 1u);
  auto queued = rows("queued");
  ASSERT_EQ(queued.size(), 1u);  // the operator can fix the password before the deadline
  EXPECT_NE(queued[0].last_error.find("auth"), std::string::npos) << queued[0].last_error;
  EXPECT_TRUE(files_with(dir, ".eml").empty());
}

TEST_F(SmtpDeliveryTest, A451IsRetriedAndDeliveredOnce) {
  const auto dir = inbox();
  SmtpServer server({"--dir", dir.string(), "--rcpt-reply", "451 4.3.0 try again later", "--fail-count", "1"});
  queue({message("mayor@haderslev.dk", "m1")});
  auto transport = smtp(server.url());
  Worker w = make_worker(*transport);
  EXPECT_EQ(w.run_once(), 1u);
  auto queued = rows("queued");
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_NE(queued[0].last_error.find("451 4.3.0 try again later"), std::string::npos) << queued[0].last_error;
  now_ += 60s;
  EXPECT_EQ(w.run_once(), 1u);
  EXPECT_EQ(rows("sent").size(), 1u);
  EXPECT_EQ(files_with(dir, ".eml").size(), 1u);
}

TEST_F(SmtpDeliveryTest, A550ToTheRecipientFailsAndFlagsIt) {
  SmtpServer server({"--rcpt-reply", "550 5.1.1 no such user here"});
  queue({message("nobody@haderslev.dk", "m1")});
  auto transport = smtp(server.url());
  Worker w = make_worker(*transport);
  EXPECT_EQ(w.run_once(), 1u);
  auto failed = rows("failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_NE(failed[0].last_error.find("550 5.1.1 no such user here"), std::string::npos) << failed[0].last_error;
  auto flagged = store_->flagged_contacts();
  ASSERT_TRUE(flagged.ok());
  ASSERT_EQ(flagged->size(), 1u);
  EXPECT_EQ(flagged->front().address, "nobody@haderslev.dk");
}

TEST_F(SmtpDeliveryTest, A554ToTheContentFailsWithoutFlagging) {
  SmtpServer server({"--data-reply", "554 5.7.1 rejected as spam"});
  queue({message("mayor@haderslev.dk", "m1")});
  auto transport = smtp(server.url());
  Worker w = make_worker(*transport);
  EXPECT_EQ(w.run_once(), 1u);
  auto failed = rows("failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_NE(failed[0].last_error.find("554 5.7.1 rejected as spam"), std::string::npos) << failed[0].last_error;
  EXPECT_TRUE(store_->flagged_contacts()->empty());
}

TEST_F(SmtpDeliveryTest, ServerStoppedThenStartedDeliversEveryMessageOnce) {
  const auto dir = inbox();
  auto server = std::make_unique<SmtpServer>(std::vector<std::string>{"--dir", dir.string()});
  const int port = server->port();
  queue({message("mayor@haderslev.dk", "m1")});
  auto transport = smtp(server->url());
  Worker w = make_worker(*transport);
  EXPECT_EQ(w.run_once(), 1u);  // the connection stays open after this

  server.reset();  // stopped: the kept connection is dead, new ones are refused
  queue({message("council@haderslev.dk", "m2"), message("deputy@haderslev.dk", "m3")});
  EXPECT_EQ(w.run_once(), 2u);
  EXPECT_EQ(rows("queued").size(), 2u);

  server = std::make_unique<SmtpServer>(std::vector<std::string>{"--dir", dir.string(), "--port",
                                                                 std::to_string(port)});
  now_ += 2min;
  EXPECT_EQ(w.run_once(), 2u);
  EXPECT_EQ(rows("sent").size(), 3u);
  // The restarted server numbers its files from 1 again: count the messages by their Message-ID.
  int m1 = 0, m2 = 0, m3 = 0;
  for (const auto& f : files_with(dir, ".eml")) {
    const auto text = read_all(f);
    m1 += text.find("<m1@") != std::string::npos;
    m2 += text.find("<m2@") != std::string::npos;
    m3 += text.find("<m3@") != std::string::npos;
  }
  EXPECT_EQ(m1, 1);
  EXPECT_EQ(m2, 1);
  EXPECT_EQ(m3, 1);
}

TEST(SmtpTransport, ARefusedConnectionIsTemporary) {
  // A port that was just free: nothing listens there.
  int port = 0;
  {
    SmtpServer server({});
    port = server.port();
  }
  auto transport = smtp("smtp://127.0.0.1:" + std::to_string(port));
  store::OutboxRow row;
  row.recipient = "mayor@haderslev.dk";
  row.envelope_from = "bounces+x@naju-haderslev.org";
  row.payload = "Subject: x\r\n\r\nx\r\n";
  EXPECT_EQ(transport->send(row).kind, SendOutcome::Kind::temporary);
}

TEST(SmtpTransport, ClassifiesReplyCodes) {
  EXPECT_EQ(classify_smtp_status(250), SendOutcome::Kind::sent);
  EXPECT_EQ(classify_smtp_status(421), SendOutcome::Kind::temporary);
  EXPECT_EQ(classify_smtp_status(451), SendOutcome::Kind::temporary);
  EXPECT_EQ(classify_smtp_status(550), SendOutcome::Kind::permanent);
  EXPECT_EQ(classify_smtp_status(554), SendOutcome::Kind::permanent);
  EXPECT_EQ(classify_smtp_status(0), SendOutcome::Kind::temporary);  // unreadable: try again
}

TEST(SmtpTransport, RefusesUrlsThatAreNotSmtp) {
  for (const char* url : {"spool", "http://relay", "smtp://", "smtp://relay:0", "smtp://relay:99999"}) {
    SmtpOptions o;
    o.url = url;
    EXPECT_FALSE(SmtpTransport::create(o).ok()) << url;
  }
  SmtpOptions missing_ca;
  missing_ca.url = "smtps://relay.example.org";
  missing_ca.ca_file = "/nonexistent/ca.pem";
  EXPECT_FALSE(SmtpTransport::create(missing_ca).ok());
}

// ---------------------------------------------------------------------------------------------
// Bounces: VERP and delivery-status notifications

TEST(Verp, ReturnPathRoundTrips) {
  EXPECT_EQ(verp_return_path("a1b2@naju-haderslev.org", "naju-haderslev.org").value(),
            "bounces+a1b2@naju-haderslev.org");
  EXPECT_EQ(verp_return_path("a1b2@naju-haderslev.org", "bounce.example.net").value(),
            "bounces+a1b2=naju-haderslev.org@bounce.example.net");
  EXPECT_EQ(message_id_from_return_path("bounces+a1b2@naju-haderslev.org"), "a1b2@naju-haderslev.org");
  EXPECT_EQ(message_id_from_return_path("<bounces+a1b2=naju-haderslev.org@bounce.example.net>"),
            "a1b2@naju-haderslev.org");
  EXPECT_EQ(message_id_from_return_path("BOUNCES+a1b2@Naju-Haderslev.org"), "a1b2@naju-haderslev.org");
}

TEST(Verp, RefusesWhatAReturnPathCannotCarry) {
  for (const char* id : {"", "no-at-sign", "@naju-haderslev.org", "a b@x.org", "a=b@x.org", "a+b@x.org",
                         "a@bad_domain", "a\r\nRCPT@x.org"}) {
    EXPECT_FALSE(verp_return_path(id, "naju-haderslev.org").ok()) << id;
  }
  for (const char* addr : {"", "mayor@haderslev.dk", "bounces+@x.org", "bounces+a@", "bounces+a=@x.org",
                           "bounces+a b@x.org", "bounces+a"}) {
    EXPECT_FALSE(message_id_from_return_path(addr).has_value()) << addr;
  }
}

// A DSN as Postfix writes one (RFC 3464), for the message m1@naju-haderslev.org.
std::string sample_dsn(const std::string& status = "5.1.1", const std::string& action = "failed",
                       const std::string& to = "bounces+m1@naju-haderslev.org") {
  return "Return-Path: <>\r\n"
         "From: MAILER-DAEMON@mx.haderslev.dk (Mail Delivery System)\r\n"
         "To: " + to + "\r\n"
         "Subject: Undelivered Mail Returned to Sender\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/report; report-type=delivery-status;\r\n"
         "\tboundary=\"B0UND.ARY/x\"\r\n"
         "\r\n"
         "This is a MIME-encapsulated message.\r\n"
         "\r\n"
         "--B0UND.ARY/x\r\n"
         "Content-Description: Notification\r\n"
         "Content-Type: text/plain; charset=us-ascii\r\n"
         "\r\n"
         "I'm sorry to have to inform you that your message could not be delivered.\r\n"
         "\r\n"
         "--B0UND.ARY/x\r\n"
         "Content-Description: Delivery report\r\n"
         "Content-Type: message/delivery-status\r\n"
         "\r\n"
         "Reporting-MTA: dns; mx.haderslev.dk\r\n"
         "Arrival-Date: Wed, 25 Nov 2026 10:00:00 +0100 (CET)\r\n"
         "\r\n"
         "Final-Recipient: rfc822; nobody@haderslev.dk\r\n"
         "Original-Recipient: rfc822;nobody@haderslev.dk\r\n"
         "Action: " + action + "\r\n"
         "Status: " + status + "\r\n"
         "Diagnostic-Code: X-Postfix; unknown user: \"nobody\"\r\n"
         "\r\n"
         "--B0UND.ARY/x\r\n"
         "Content-Description: Undelivered Message Headers\r\n"
         "Content-Type: text/rfc822-headers\r\n"
         "\r\n"
         "From: campaign@naju-haderslev.org\r\n"
         "Message-ID: <m1@naju-haderslev.org>\r\n"
         "Subject: =?UTF-8?B?S8OmcmUgYm9yZ21lc3Rlcg==?=\r\n"
         "\r\n"
         "--B0UND.ARY/x--\r\n";
}

TEST(Dsn, ReadsThePostfixSample) {
  auto dsn = parse_dsn(sample_dsn());
  ASSERT_TRUE(dsn.ok()) << dsn.error().message;
  ASSERT_EQ(dsn->addressed_to.size(), 1u);
  EXPECT_EQ(dsn->addressed_to[0], "bounces+m1@naju-haderslev.org");
  EXPECT_EQ(dsn->original_message_id, "m1@naju-haderslev.org");
  ASSERT_EQ(dsn->recipients.size(), 1u);
  EXPECT_EQ(dsn->recipients[0].final_recipient, "nobody@haderslev.dk");
  EXPECT_EQ(dsn->recipients[0].action, "failed");
  EXPECT_EQ(dsn->recipients[0].status, "5.1.1");
  EXPECT_EQ(dsn->recipients[0].diagnostic, "unknown user: \"nobody\"");
  EXPECT_TRUE(dsn->recipients[0].permanent());
}

TEST(Dsn, AcceptsBareLineFeeds) {
  std::string lf = sample_dsn();
  std::string out;
  for (char c : lf) {
    if (c != '\r') out += c;
  }
  auto dsn = parse_dsn(out);
  ASSERT_TRUE(dsn.ok()) << dsn.error().message;
  EXPECT_EQ(dsn->recipients.at(0).status, "5.1.1");
}

TEST(Dsn, RefusesMalformedNotifications) {
  const std::string good = sample_dsn();
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty", ""},
      {"headers only", "Subject: x\r\n"},
      {"no content type", replace("Content-Type: multipart/report", "X-Content-Type: multipart/report")},
      {"plain text", replace("multipart/report", "text/plain")},
      {"no boundary", replace("boundary=\"B0UND.ARY/x\"", "charset=utf-8")},
      {"empty boundary", replace("boundary=\"B0UND.ARY/x\"", "boundary=\"\"")},
      {"no status part", replace("message/delivery-status", "text/plain")},
      {"no recipient group", replace("Final-Recipient: rfc822; nobody@haderslev.dk\r\n"
                                     "Original-Recipient: rfc822;nobody@haderslev.dk\r\n"
                                     "Action: failed\r\n"
                                     "Status: 5.1.1\r\n"
                                     "Diagnostic-Code: X-Postfix; unknown user: \"nobody\"\r\n",
                                     "")},
      {"truncated", good.substr(0, good.find("--B0UND.ARY/x\r\nContent-Description: Delivery"))},
  };
  for (const auto& [name, text] : cases) {
    EXPECT_FALSE(parse_dsn(text).ok()) << name;
  }
}

TEST_F(DeliveryTest, ALateBounceFailsTheSentMessageAndFlagsTheRecipient) {
  queue({message("nobody@haderslev.dk", "m1")});
  ScriptedTransport t({});
  Worker w = make_worker(t);
  ASSERT_EQ(w.run_once(), 1u);
  ASSERT_EQ(rows("sent").size(), 1u);

  auto delayed = apply_bounce(*store_, parse_dsn(sample_dsn("4.4.1", "delayed")).take(), "", now_);
  ASSERT_TRUE(delayed.ok());
  EXPECT_EQ(delayed->outcome, BounceResult::Outcome::temporary);
  EXPECT_EQ(rows("sent").size(), 1u);

  auto unknown = apply_bounce(*store_, parse_dsn(sample_dsn("5.1.1", "failed", "someone@else.org")).take(), "", now_);
  ASSERT_TRUE(unknown.ok());
  // Found by the returned Message-ID when no return path matches.
  EXPECT_EQ(unknown->outcome, BounceResult::Outcome::failed);

  auto flagged = store_->flagged_contacts();
  ASSERT_TRUE(flagged.ok());
  ASSERT_EQ(flagged->size(), 1u);
  EXPECT_EQ(flagged->front().address, "nobody@haderslev.dk");
  auto failed = rows("failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_NE(failed[0].last_error.find("5.1.1"), std::string::npos);
}

TEST_F(DeliveryTest, ABounceForNoMessageOfOursChangesNothing) {
  std::string other = sample_dsn("5.1.1", "failed", "bounces+zz@naju-haderslev.org");
  other.replace(other.find("<m1@"), 4, "<zz@");
  auto result = apply_bounce(*store_, parse_dsn(other).take(), "", now_);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->outcome, BounceResult::Outcome::unknown);
}

// ---------------------------------------------------------------------------------------------
// DKIM, checked by an independent verifier (dkimpy)

// Runs /usr/bin/python3 tests/integration/dkim_verify.py and returns its output and exit code.
std::pair<int, std::string> verify_dkim(const fs::path& message, const std::string& txt) {
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    ::close(out[0]);
    ::close(out[1]);
    const std::string script = std::string(TWINNING_SOURCE_DIR) + "/tests/integration/dkim_verify.py";
    ::execl("/usr/bin/python3", "/usr/bin/python3", script.c_str(), message.c_str(), txt.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(out[1]);
  std::string text;
  char buf[512];
  ssize_t n = 0;
  while ((n = ::read(out[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

class DkimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = generate_dkim_key(2048);
    ASSERT_TRUE(key.ok()) << key.error().message;
    key_ = std::move(key).value();
    std::ofstream(tmp_.path() / "key.pem") << key_.private_key_pem;
  }
  std::string txt() const { return "v=DKIM1; k=rsa; p=" + key_.public_key_base64; }
  TempDir tmp_;
  DkimKeyPair key_;
};

TEST_F(DkimTest, SignedMessagesVerifyIndependently) {
  auto signer = DkimSigner::load(tmp_.path() / "key.pem", "twinning2026", "");
  ASSERT_TRUE(signer.ok()) << signer.error().message;
  const std::string message = payload_for("mayor@haderslev.dk", "m1@naju-haderslev.org");
  auto signed_message = signer->sign(message);
  ASSERT_TRUE(signed_message.ok()) << signed_message.error().message << " " << signed_message.error().detail;
  EXPECT_EQ(signed_message->rfind("DKIM-Signature: ", 0), 0u);
  EXPECT_EQ(signed_message->substr(signed_message->size() - message.size()), message);  // untouched below
  EXPECT_EQ(signed_message->find('\n'), signed_message->find("\r\n") + 1);  // CRLF, not bare LF
  std::ofstream(tmp_.path() / "signed.eml", std::ios::binary) << *signed_message;
  auto [code, output] = verify_dkim(tmp_.path() / "signed.eml", txt());
  EXPECT_EQ(code, 0) << output;
  EXPECT_EQ(output, "ok d=naju-haderslev.org s=twinning2026\n");  // d= from the From address

  // A changed body no longer verifies: the check can fail.
  std::string tampered = *signed_message;
  tampered.replace(tampered.find("borgmester"), 10, "BORGMESTER");
  std::ofstream(tmp_.path() / "tampered.eml", std::ios::binary) << tampered;
  EXPECT_EQ(verify_dkim(tmp_.path() / "tampered.eml", txt()).first, 1);
}

TEST_F(DkimTest, TheConfiguredTransportSignsWhatItSends) {
  Settings settings;
  settings.data_dir = tmp_.path() / "data";
  settings.mail.dkim_key_file = tmp_.path() / "key.pem";
  settings.mail.dkim_selector = "sel";
  settings.mail.dkim_domain = "signing.example.org";
  auto transport = make_transport(settings);
  ASSERT_TRUE(transport.ok()) << transport.error().message;
  store::OutboxRow row;
  row.id = 1;
  row.message_id = "m1@naju-haderslev.org";
  row.payload = payload_for("mayor@haderslev.dk", row.message_id);
  ASSERT_EQ(transport.value()->send(row).kind, SendOutcome::Kind::sent);
  const auto files = files_with(settings.spool_dir(), ".eml");
  ASSERT_EQ(files.size(), 1u);
  auto [code, output] = verify_dkim(files[0], txt());
  EXPECT_EQ(code, 0) << output;
  EXPECT_EQ(output, "ok d=signing.example.org s=sel\n");
}

TEST_F(DkimTest, RefusesWhatItCannotSignWith) {
  EXPECT_FALSE(DkimSigner::load(tmp_.path() / "missing.pem", "sel", "").ok());
  EXPECT_FALSE(DkimSigner::load(tmp_.path() / "key.pem", "", "").ok());
  std::ofstream(tmp_.path() / "junk.pem") << "not a key";
  EXPECT_FALSE(DkimSigner::load(tmp_.path() / "junk.pem", "sel", "").ok());
  auto signer = DkimSigner::load(tmp_.path() / "key.pem", "sel", "");
  ASSERT_TRUE(signer.ok());
  EXPECT_FALSE(signer->sign("Subject: no sender\r\n\r\nbody\r\n").ok());
}

TEST(DkimRecord, SplitsTheValueIntoDnsStrings) {
  const std::string key(400, 'A');
  const std::string record = dkim_dns_record("sel", "naju-haderslev.org", key);
  EXPECT_EQ(record.rfind("sel._domainkey.naju-haderslev.org. IN TXT (\n  \"v=DKIM1; k=rsa; p=", 0), 0u) << record;
  // 18 characters of prefix + 400 of key = 418: one string of 255 and one of 163.
  EXPECT_NE(record.find("\"\n  \"" + std::string(163, 'A') + "\" )"), std::string::npos) << record;
}

// ---------------------------------------------------------------------------------------------
// The mail settings

Result<Settings> load(const TempDir& tmp, const std::string& yaml) {
  const auto file = tmp.path() / "twinning.yaml";
  std::ofstream(file) << yaml;
  return load_settings(file);
}

TEST(MailSettings, DefaultsSpoolEverythingLocally) {
  TempDir tmp;
  auto s = load(tmp, "data_dir: d\n");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->mail.transport_url, "spool");
  EXPECT_EQ(s->spool_dir(), tmp.path() / "d" / "spool");
  EXPECT_EQ(s->mail.confirmation_ttl, 72h);
  EXPECT_EQ(s->mail.per_recipient_per_hour, 20u);
  EXPECT_EQ(s->mail.retry_base, 60s);
  EXPECT_EQ(s->mail.retry_max_interval, 1h);
  EXPECT_EQ(s->mail.retry_deadline, 48h);
  EXPECT_EQ(s->mail.batch, 50u);
  EXPECT_EQ(s->mail.poll_interval, 1000ms);
}

TEST(MailSettings, ReadsEveryKey) {
  TempDir tmp;
  auto s = load(tmp,
                "mail:\n"
                "  transport_url: smtps://u:p@relay.example.org:465\n"
                "  starttls: required\n"
                "  spool_dir: out\n"
                "  confirmation_ttl_s: 3600\n"
                "  per_recipient_per_hour: 0\n"
                "  retry_base_s: 10\n"
                "  retry_max_interval_s: 600\n"
                "  retry_deadline_s: 86400\n"
                "  batch: 200\n"
                "  poll_interval_ms: 250\n"
                "  smtp_timeout_ms: 5000\n"
                "  return_path_domain: bounce.example.org\n");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->mail.transport_url, "smtps://u:p@relay.example.org:465");
  EXPECT_TRUE(s->mail.starttls_required);
  EXPECT_EQ(s->spool_dir(), tmp.path() / "out");
  EXPECT_EQ(s->mail.confirmation_ttl, 1h);
  EXPECT_EQ(s->mail.per_recipient_per_hour, 0u);
  EXPECT_EQ(s->mail.retry_base, 10s);
  EXPECT_EQ(s->mail.retry_max_interval, 600s);
  EXPECT_EQ(s->mail.retry_deadline, 24h);
  EXPECT_EQ(s->mail.batch, 200u);
  EXPECT_EQ(s->mail.poll_interval, 250ms);
  EXPECT_EQ(s->mail.smtp_timeout, 5000ms);
  EXPECT_EQ(s->mail.return_path_domain, "bounce.example.org");
}

TEST(MailSettings, RefusesBadValuesNamingTheKey) {
  TempDir tmp;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"mail:\n  transport_url: http://relay\n", "mail.transport_url"},
      {"mail:\n  transport_url: smtp://\n", "mail.transport_url"},
      {"mail:\n  transport_url: smtp://relay:0\n", "mail.transport_url"},
      {"mail:\n  starttls: maybe\n", "mail.starttls"},
      {"mail:\n  batch: 0\n", "mail.batch"},
      {"mail:\n  batch: 10001\n", "mail.batch"},
      {"mail:\n  retry_base_s: 7200\n", "mail.retry_base_s"},
      {"mail:\n  retry_deadline_s: 0\n", "mail.retry_deadline_s"},
      {"mail:\n  retry_deadline_s: 2d\n", "mail.retry_deadline_s"},
      {"mail:\n  return_path_domain: \"bad domain\"\n", "mail.return_path_domain"},
      {"mail:\n  smtp_port: 25\n", "mail.smtp_port"},
      {"mail: 3\n", "mail"},
  };
  for (const auto& [yaml, key] : cases) {
    auto s = load(tmp, yaml);
    ASSERT_FALSE(s.ok()) << yaml;
    EXPECT_EQ(s.error().field, key) << yaml << " -> " << s.error().message;
  }
  auto secret = load(tmp, "mail:\n  transport_url: smtp://user:hunter2@relay:0\n");
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.error().message.find("hunter2"), std::string::npos) << secret.error().message;
}

}  // namespace
}  // namespace twinning::delivery
