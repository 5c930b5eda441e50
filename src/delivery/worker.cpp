#include "delivery/worker.hpp"

#include "delivery/webhook_sender.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "delivery/spool_transport.hpp"
#include "delivery/webform/sender.hpp"

namespace twinning::delivery {

Clock system_clock() {
  return [] { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); };
}

Random system_random() {
  // Jitter only spreads retries; it needs no cryptographic quality, but must differ per process.
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto mutex = std::make_shared<std::mutex>();
  return [engine, mutex] {
    std::lock_guard lock(*mutex);
    return std::uniform_real_distribution<double>(0.0, 1.0)(*engine);
  };
}

WorkerOptions WorkerOptions::from(const Settings& settings) {
  const MailSettings& m = settings.mail;
  WorkerOptions o;
  o.retry.base = m.retry_base;
  o.retry.max_interval = m.retry_max_interval;
  o.retry.deadline = m.retry_deadline;
  o.claim.limit = m.batch;
  o.claim.per_pacing_key_per_hour = m.per_recipient_per_hour;
  o.poll_interval = m.poll_interval;
  o.lock_file = delivery_lock_file(settings);
  return o;
}

std::filesystem::path delivery_lock_file(const Settings& settings) { return settings.data_dir / "delivery.lock"; }

Result<DeliveryLock> DeliveryLock::try_acquire(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return Error::make(ErrorKind::io, "cannot open the delivery lock " + file.string(), {},
                       "open " + file.string() + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Error::make(ErrorKind::unavailable,
                         "another twinning process is already delivering from this data directory (" +
                             file.string() + " is locked)");
    }
    return Error::make(ErrorKind::io, "cannot lock " + file.string(), {},
                       "flock " + file.string() + ": " + std::strerror(err));
  }
  return DeliveryLock(fd);
}

DeliveryLock::~DeliveryLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

Worker::Worker(store::Store& store, Transport& transport, Clock clock, Random random, WorkerOptions options,
               std::map<std::string, JobHandler*> handlers)
    : store_(store),
      transport_(transport),
      handlers_(std::move(handlers)),
      clock_(std::move(clock)),
      random_(std::move(random)),
      options_(std::move(options)) {}

std::int64_t Worker::recover() {
  auto requeued = store_.requeue_sending(clock_());
  if (!requeued) {
    spdlog::error("delivery: cannot requeue messages left sending: {}", requeued.error().detail);
    std::lock_guard lock(stats_mutex_);
    ++stats_.store_errors;
    return 0;
  }
  if (*requeued > 0) spdlog::warn("delivery: {} message(s) left sending by a stopped worker are queued again", *requeued);
  return *requeued;
}

std::size_t Worker::run_once() {
  auto count_store_error = [&](const char* what, const Error& e) {
    spdlog::error("delivery: {}: {} ({})", what, e.message, e.detail);
    std::lock_guard lock(stats_mutex_);
    ++stats_.store_errors;
  };
  const store::TimePoint now = clock_();
  if (auto expired = store_.expire_unconfirmed(now); !expired) {
    count_store_error("cannot expire unconfirmed messages", expired.error());
  } else if (*expired > 0) {
    spdlog::info("delivery: {} unconfirmed message(s) expired", *expired);
  }
  auto paused = store_.outbox_paused();
  if (!paused) {
    // Unknown is treated as paused: the brake must hold when in doubt.
    count_store_error("cannot read the pause switch", paused.error());
    return 0;
  }
  if (*paused) {
    transport_.idle();
    return 0;
  }
  auto claimed = store_.claim_outbox(now, options_.claim);
  if (!claimed) {
    count_store_error("cannot claim messages", claimed.error());
    return 0;
  }
  if (claimed->empty()) {
    transport_.idle();
    return 0;
  }
  for (const auto& row : *claimed) {
    if (auto it = handlers_.find(row.kind); it != handlers_.end()) {
      const WorkerStats delta = it->second->handle(row);
      std::lock_guard lock(stats_mutex_);
      stats_.sent += delta.sent;
      stats_.retried += delta.retried;
      stats_.failed += delta.failed;
      stats_.store_errors += delta.store_errors;
    } else if (row.kind != "email") {
      // A transport would hand it to the mail relay as if it were a message: never.
      record(row, {SendOutcome::Kind::permanent, "this worker has no sender for \"" + row.kind + "\" messages", false});
    } else {
      record(row, transport_.send(row));
    }
  }
  return claimed->size();
}

void Worker::record(const store::OutboxRow& row, const SendOutcome& outcome) {
  const store::TimePoint now = clock_();
  Result<void> saved;
  WorkerStats delta;
  switch (outcome.kind) {
    case SendOutcome::Kind::sent:
      saved = store_.outbox_sent(row.id, now, outcome.reply);
      delta.sent = 1;
      break;
    case SendOutcome::Kind::temporary: {
      const auto decision = options_.retry.after_failure(row.attempts, row.created_at, now, random_());
      if (const auto* retry = std::get_if<RetryPolicy::RetryAt>(&decision)) {
        saved = store_.outbox_retry(row.id, retry->when, outcome.reply);
        delta.retried = 1;
      } else {
        saved = store_.outbox_failed(row.id, now, "gave up after the retry deadline: " + outcome.reply, false);
        delta.failed = 1;
      }
      break;
    }
    case SendOutcome::Kind::permanent: {
      const bool flag = row.kind == "email" && outcome.recipient_refused;
      saved = store_.outbox_failed(row.id, now, outcome.reply, flag);
      delta.failed = 1;
      delta.flagged = flag ? 1 : 0;
      break;
    }
  }
  spdlog::debug("delivery: message {} to {}: {} ({})", row.id, row.recipient, to_string(outcome.kind), outcome.reply);
  std::lock_guard lock(stats_mutex_);
  if (!saved) {
    // The message stays `sending`; the next start's recover() queues it again (the duplicate
    // window of the ADR, when it had been sent).
    spdlog::error("delivery: cannot record the outcome of message {}: {}", row.id, saved.error().detail);
    ++stats_.store_errors;
    return;
  }
  stats_.sent += delta.sent;
  stats_.retried += delta.retried;
  stats_.failed += delta.failed;
  stats_.flagged += delta.flagged;
}

bool Worker::wait(std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, stop, options_.poll_interval, [&] { return woken_; });
  woken_ = false;
  return !stop.stop_requested();
}

void Worker::run(std::stop_token stop) {
  std::optional<DeliveryLock> held;
  while (!options_.lock_file.empty() && !held) {
    auto lock = DeliveryLock::try_acquire(options_.lock_file);
    if (lock) {
      held.emplace(std::move(lock).value());
      break;
    }
    spdlog::log(lock.error().kind == ErrorKind::unavailable ? spdlog::level::debug : spdlog::level::err,
                "delivery: waiting for the lock: {}", lock.error().message);
    if (!wait(stop)) return;
  }
  recover();
  while (!stop.stop_requested()) {
    const std::size_t handled = run_once();
    if (handled >= options_.claim.limit) continue;  // a full batch: more may be due now
    if (!wait(stop)) break;
  }
  transport_.idle();
}

void Worker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

WorkerStats Worker::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

Result<std::unique_ptr<DeliveryService>> DeliveryService::start(store::Store& store, const Settings& settings) {
  auto transport = make_transport(settings);
  if (!transport) return transport.error();
  const auto options = WorkerOptions::from(settings);
  auto webform = std::make_unique<webform::WebformSender>(store, *transport.value(), system_clock(), system_random(),
                                                          options.retry, settings.webform);
  auto webhook = std::make_unique<WebhookSender>(store, system_clock(), system_random(), options.retry,
                                                 settings.webhooks, settings.webform);
  auto worker = std::make_unique<Worker>(
      store, *transport.value(), system_clock(), system_random(), options,
      std::map<std::string, JobHandler*>{{"webform", webform.get()}, {"webhook", webhook.get()}});
  spdlog::info("delivery: sending through {}", transport.value()->describe());
  std::unique_ptr<DeliveryService> service(
      new DeliveryService(std::move(transport).value(), std::move(webform), std::move(webhook), std::move(worker)));
  service->thread_ = std::jthread([w = service->worker_.get()](std::stop_token stop) { w->run(stop); });
  return service;
}

DeliveryService::~DeliveryService() { stop(); }

void DeliveryService::wake() { worker_->wake(); }

void DeliveryService::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

}  // namespace twinning::delivery
