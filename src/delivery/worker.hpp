#pragma once
// The outbox worker: claims due messages from the store, hands them to a transport and records
// what happened (sent / retry later / failed). Runs inside `serve` (DeliveryService) and alone as
// `twinning deliver`. The rules it keeps are in docs/decisions/0004-outbox-delivery.md.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>

#include "common/config.hpp"
#include "delivery/retry_policy.hpp"
#include "delivery/transport.hpp"
#include "store/store.hpp"

namespace twinning::delivery {

using Clock = std::function<store::TimePoint()>;
using Random = std::function<double()>;  // uniform in [0, 1)

Clock system_clock();
Random system_random();

struct WorkerOptions {
  RetryPolicy retry;
  store::ClaimRules claim;
  std::chrono::milliseconds poll_interval{1000};
  // Held (flock) while the worker runs, so one worker per data directory sends: requeue_sending
  // is only safe when no other worker holds messages in `sending`. Empty: no lock (tests).
  std::filesystem::path lock_file;

  static WorkerOptions from(const Settings& settings);
};

// An exclusive flock on a file, released when the object dies or the process does (even by
// SIGKILL), which is what makes the crash rule safe. Errors: unavailable when another process or
// worker holds it; io when the file cannot be opened.
class DeliveryLock {
 public:
  static Result<DeliveryLock> try_acquire(const std::filesystem::path& file);
  DeliveryLock(DeliveryLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  DeliveryLock& operator=(DeliveryLock&&) = delete;
  DeliveryLock(const DeliveryLock&) = delete;
  ~DeliveryLock();

 private:
  explicit DeliveryLock(int fd) : fd_(fd) {}
  int fd_;
};

// <data_dir>/delivery.lock: the lock every worker of that data directory takes.
std::filesystem::path delivery_lock_file(const Settings& settings);

struct WorkerStats {
  std::uint64_t sent = 0, retried = 0, failed = 0, flagged = 0, store_errors = 0;
};

// Delivers the outbox messages of one kind that need more than a Transport (web forms: pacing
// per host, the crash rule after a post, telling the supporter when it stops). It records each
// outcome in the store itself and returns what it did, for the worker's counts.
class JobHandler {
 public:
  virtual ~JobHandler() = default;
  virtual WorkerStats handle(const store::OutboxRow& row) = 0;
};

class Worker {
 public:
  // Messages of a kind in `handlers` go to that handler; the others (email) to `transport`.
  Worker(store::Store& store, Transport& transport, Clock clock, Random random, WorkerOptions options,
         std::map<std::string, JobHandler*> handlers = {});

  // One pass: expire unconfirmed messages; unless paused, claim a batch (honouring pacing), send
  // each and record the outcome. Returns how many messages were handed to the transport.
  std::size_t run_once();
  // The crash rule, run once before the first pass: messages a dead worker left `sending` are
  // queued again. Returns how many.
  std::int64_t recover();
  // Takes the lock (waiting for it, polling), recovers, then passes until `stop` is requested:
  // at once again after a full batch, else after poll_interval or an earlier wake().
  void run(std::stop_token stop);
  // Ends the current wait early (a confirmation just queued messages). Any thread.
  void wake();

  WorkerStats stats() const;

 private:
  void record(const store::OutboxRow& row, const SendOutcome& outcome);
  // Waits for poll_interval, a wake() or a stop; true when woken or timed out, false on stop.
  bool wait(std::stop_token& stop);

  store::Store& store_;
  Transport& transport_;
  std::map<std::string, JobHandler*> handlers_;
  Clock clock_;
  Random random_;
  WorkerOptions options_;

  std::mutex mutex_;
  std::condition_variable_any cv_;
  bool woken_ = false;

  mutable std::mutex stats_mutex_;
  WorkerStats stats_;
};

// The worker inside `serve`: its own transport (from the settings) and thread.
class DeliveryService {
 public:
  // Makes the transport and starts the thread. Errors: those of make_transport.
  static Result<std::unique_ptr<DeliveryService>> start(store::Store& store, const Settings& settings);
  DeliveryService(const DeliveryService&) = delete;
  DeliveryService& operator=(const DeliveryService&) = delete;
  ~DeliveryService();

  void wake();
  // Finishes the message being sent, then returns. Idempotent.
  void stop();
  const Transport& transport() const { return *transport_; }

 private:
  DeliveryService(std::unique_ptr<Transport> transport, std::unique_ptr<JobHandler> webform,
                  std::unique_ptr<JobHandler> webhook, std::unique_ptr<Worker> worker)
      : transport_(std::move(transport)),
        webform_(std::move(webform)),
        webhook_(std::move(webhook)),
        worker_(std::move(worker)) {}
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<JobHandler> webform_;
  std::unique_ptr<JobHandler> webhook_;
  std::unique_ptr<Worker> worker_;
  std::jthread thread_;
};

}  // namespace twinning::delivery
