#include "app/retention.hpp"

#include "app/privacy.hpp"

namespace twinning::app {

Result<store::EraseResult> run_retention(store::ApiStore& store, store::TimePoint now, std::chrono::days retention) {
  return store.anonymize_inactive(retention_cutoff(now, retention), now);
}

RetentionJob::RetentionJob(store::ApiStore& store, Clock clock, std::chrono::days retention,
                           std::chrono::seconds interval, Report report)
    : store_(store),
      clock_(std::move(clock)),
      retention_(retention),
      interval_(interval),
      report_(std::move(report)),
      thread_([this] { loop(); }) {}

void RetentionJob::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RetentionJob::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto result = run_retention(store_, clock_(), retention_);
    if (report_) report_(result);
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace twinning::app
