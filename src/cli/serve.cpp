// `twinning serve`: binds, renders the site, opens the store and serves until SIGTERM/SIGINT.
// SIGHUP reloads campaigns, templates and words; a reload that fails keeps the running site.
#include <signal.h>

#include <spdlog/spdlog.h>

#include <iostream>
#include <optional>
#include <thread>

#include "app/app.hpp"
#include "app/retention.hpp"
#include "delivery/worker.hpp"
#include "cli/cli.hpp"
#include "http/handlers/handlers.hpp"
#include "http/server.hpp"
#include "store/api_store.hpp"

namespace twinning::cli {

int serve(const Settings& settings) {
  // Signals go to one thread that waits for them; block them before any other thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto store = store::open_sqlite(settings.data_dir);
  if (!store.ok()) {
    std::cerr << "twinning: cannot open the store in " << settings.data_dir << ": " << store.error().message << "\n";
    return 1;
  }
  std::shared_ptr<store::Store> shared_store = std::move(store).value();

  http::Router router;
  app::App* app_ptr = nullptr;
  http::ServerHooks hooks;
  hooks.render_error = [&app_ptr](const http::Request* req, const Error& e) {
    return http::handlers::render_error(*app_ptr, req, e);
  };
  // Every page's inline style sheet is allowed by its hash; it changes only with a reload, so the
  // headers are made once per site and shared (the aliasing pointer keeps that site alive).
  hooks.default_headers = [&app_ptr]() -> std::shared_ptr<const http::HeaderList> {
    if (app_ptr == nullptr) return nullptr;
    auto site = app_ptr->site();
    return std::shared_ptr<const http::HeaderList>(site, &site->security_headers());
  };
  http::Server server(settings, router, hooks);
  if (auto started = server.start(); !started.ok()) {
    std::cerr << "twinning: cannot listen on " << settings.listen << ": " << started.error().message << "\n";
    return 1;
  }
  const std::string base_url = settings.base_url(server.port());
  auto site = app::Site::build(settings, base_url);
  if (!site.ok()) {
    std::cerr << "twinning: " << site.error().message << "\n";
    return 1;
  }
  app::App app(settings, shared_store, std::move(site).value(), app::system_clock());
  app_ptr = &app;
  auto limiter = app::RateLimiter::open(settings.rate_limits, settings.data_dir);
  if (!limiter.ok()) {
    std::cerr << "twinning: " << limiter.error().message << "\n";
    return 1;
  }
  app.use_proof_of_work(
      std::make_shared<const app::ProofOfWork>(settings.proof_of_work, limiter.value().derived_key("proof of work")),
      std::make_shared<DelayQueue>(settings.limits.max_delayed_forms));
  app.use_rate_limiter(std::make_shared<const app::RateLimiter>(std::move(limiter).value()));
  http::handlers::add_routes(router, app);

  // The outbox worker: spool by default (nothing leaves the machine), SMTP once configured.
  auto delivery = delivery::DeliveryService::start(*shared_store, settings);
  if (!delivery.ok()) {
    std::cerr << "twinning: cannot start delivery: " << delivery.error().message << "\n";
    return 1;
  }
  app.on_wake_delivery([service = delivery.value().get()] { service->wake(); });
  // The retention period (docs/api.md, "Privacy"): at start, then every retention_interval.
  std::optional<app::RetentionJob> retention;
  if (auto* api = store::api_store(*shared_store)) {
    retention.emplace(*api, app::system_clock(), settings.privacy.retention, settings.privacy.retention_interval,
                      [](const Result<store::EraseResult>& r) {
                        if (!r.ok()) {
                          spdlog::error("retention job failed: {} {}", r.error().message, r.error().detail);
                        } else if (r.value().supporters > 0) {
                          spdlog::info("retention: anonymized {} supporters", r.value().supporters);
                        }
                      });
  }

  std::thread signal_thread([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        auto rebuilt = app::Site::build(settings, base_url);
        if (rebuilt.ok()) {
          app.replace_site(std::move(rebuilt).value());
          spdlog::info("reloaded campaigns and templates");
        } else {
          spdlog::error("reload failed, still serving the previous version: {}", rebuilt.error().message);
        }
        continue;
      }
      spdlog::info("stopping: finishing requests in flight");
      server.stop();
      return;
    }
  });

  const auto& ids = app.site()->ids();
  std::cout << "twinning " << TWINNING_VERSION << ": serving " << ids.size() << " campaign"
            << (ids.size() == 1 ? "" : "s") << " at " << base_url << "/" << std::endl;
  for (const auto& id : ids) {
    std::cout << "  " << base_url << "/" << id << "/" << std::endl;
  }
  server.run();
  signal_thread.join();
  // Requests are done: nothing new can be queued. The worker finishes the message in hand.
  delivery.value()->stop();
  if (retention) retention->stop();
  if (auto flushed = shared_store->flush(); !flushed.ok()) {
    spdlog::error("store flush failed: {}", flushed.error().detail);
    return 1;
  }
  spdlog::info("stopped");
  return 0;
}

}  // namespace twinning::cli
