#pragma once
// The running application: settings, the store, the current Site and the clock. Handlers and
// commands reach everything through it; tests build one with a temporary store and a fixed clock.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "app/proof_of_work.hpp"
#include "app/rate_limit.hpp"
#include "app/site.hpp"
#include "common/config.hpp"
#include "common/delay_queue.hpp"
#include "store/store.hpp"

namespace twinning::app {

using Clock = std::function<std::chrono::sys_seconds()>;
Clock system_clock();

class App {
 public:
  App(Settings settings, std::shared_ptr<store::Store> store, std::shared_ptr<const Site> site, Clock clock)
      : settings_(std::move(settings)), store_(std::move(store)), site_(std::move(site)), clock_(std::move(clock)) {}

  const Settings& settings() const { return settings_; }
  store::Store& store() { return *store_; }
  // The site as it is now; a request keeps the one it started with, even across a reload.
  std::shared_ptr<const Site> site() const { return site_.load(); }
  void replace_site(std::shared_ptr<const Site> site) { site_.store(std::move(site)); }
  std::chrono::sys_seconds now() const { return clock_(); }
  // Tells the delivery worker there is mail to send now (set by serve; nothing in tests).
  void wake_delivery() const {
    if (wake_) wake_();
  }
  void on_wake_delivery(std::function<void()> wake) { wake_ = std::move(wake); }
  // The supporters' rate limits (set by serve before it listens); none: actions are not limited.
  const RateLimiter* rate_limiter() const { return rate_limiter_.get(); }
  void use_rate_limiter(std::shared_ptr<const RateLimiter> limiter) { rate_limiter_ = std::move(limiter); }
  // The proof of work asked of browsers (set by serve); none or 0 bits: not asked.
  const ProofOfWork* proof_of_work() const { return proof_of_work_.get(); }
  void use_proof_of_work(std::shared_ptr<const ProofOfWork> pow, std::shared_ptr<DelayQueue> later) {
    proof_of_work_ = std::move(pow);
    later_ = std::move(later);
  }
  // Runs `fn` after `delay` on the delay queue's thread; false (fn not taken) when there is none
  // or it is full.
  bool defer(std::chrono::milliseconds delay, std::function<void()> fn) const {
    return later_ && later_->add(delay, std::move(fn));
  }

 private:
  Settings settings_;
  std::shared_ptr<store::Store> store_;
  std::atomic<std::shared_ptr<const Site>> site_;
  Clock clock_;
  std::function<void()> wake_;
  std::shared_ptr<const RateLimiter> rate_limiter_;
  std::shared_ptr<const ProofOfWork> proof_of_work_;
  std::shared_ptr<DelayQueue> later_;
};

}  // namespace twinning::app
