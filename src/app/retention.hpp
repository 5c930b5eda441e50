#pragma once
// The retention period (settings privacy.retention_days): supporters whose last action is older
// are anonymized, as `twinning person erase` does for one person. `twinning retention run` runs it
// once; `serve` runs it at start and every privacy.retention_interval_s.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "common/result.hpp"
#include "store/api_store.hpp"

namespace twinning::app {

Result<store::EraseResult> run_retention(store::ApiStore& store, store::TimePoint now, std::chrono::days retention);

class RetentionJob {
 public:
  using Clock = std::function<store::TimePoint()>;
  // Called after each run with its result (logging; tests wait on it).
  using Report = std::function<void(const Result<store::EraseResult>&)>;

  // Runs at once, then every `interval`, on a thread of its own, until stop() or destruction.
  RetentionJob(store::ApiStore& store, Clock clock, std::chrono::days retention, std::chrono::seconds interval,
               Report report);
  RetentionJob(const RetentionJob&) = delete;
  RetentionJob& operator=(const RetentionJob&) = delete;
  ~RetentionJob() { stop(); }

  // Waits for a run in progress to finish; no run starts after it returns.
  void stop();

 private:
  void loop();

  store::ApiStore& store_;
  Clock clock_;
  std::chrono::days retention_;
  std::chrono::seconds interval_;
  Report report_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace twinning::app
