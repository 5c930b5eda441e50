#pragma once
// The running application: settings, the store, the current Site and the clock. Handlers and
// commands reach everything through it; tests build one with a temporary store and a fixed clock.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "app/site.hpp"
#include "common/config.hpp"
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

 private:
  Settings settings_;
  std::shared_ptr<store::Store> store_;
  std::atomic<std::shared_ptr<const Site>> site_;
  Clock clock_;
  std::function<void()> wake_;
};

}  // namespace twinning::app
