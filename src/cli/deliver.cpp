// `twinning deliver [--once]`: the outbox worker on its own, for a deployment that runs it apart
// from `serve` (or to push the queue by hand). Signals as in serve: one thread waits for them.
#include <signal.h>

#include <iostream>
#include <thread>

#include "cli/delivery_commands.hpp"
#include "delivery/webform/sender.hpp"
#include "delivery/worker.hpp"
#include "store/store.hpp"

namespace twinning::cli {

namespace {

void print_stats(std::ostream& out, const delivery::WorkerStats& s) {
  out << "sent " << s.sent << ", to retry " << s.retried << ", failed " << s.failed << " (recipients flagged "
      << s.flagged << ")";
  if (s.store_errors > 0) out << ", store errors " << s.store_errors << " (see the log)";
  out << "\n";
}

}  // namespace

int deliver(bool once, const Settings& settings, std::ostream& out, std::ostream& err) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  if (!once) pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts

  auto store = store::open_sqlite(settings.data_dir);
  if (!store) {
    err << "twinning deliver: cannot open the store in " << settings.data_dir.string() << ": "
        << store.error().message << "\n";
    return 1;
  }
  auto transport = delivery::make_transport(settings);
  if (!transport) {
    err << "twinning deliver: " << transport.error().message << "\n";
    return 1;
  }
  auto options = delivery::WorkerOptions::from(settings);
  delivery::webform::WebformSender webform(*store.value(), *transport.value(), delivery::system_clock(),
                                           delivery::system_random(), options.retry, settings.webform);
  delivery::Worker worker(*store.value(), *transport.value(), delivery::system_clock(), delivery::system_random(),
                          options, {{"webform", &webform}});

  if (once) {
    auto lock = delivery::DeliveryLock::try_acquire(options.lock_file);
    if (!lock) {
      err << "twinning deliver: " << lock.error().message << "\n";
      return 1;
    }
    worker.recover();
    while (worker.run_once() >= options.claim.limit) {
    }
    transport.value()->idle();
    print_stats(out, worker.stats());
    return 0;
  }

  out << "twinning deliver: sending through " << transport.value()->describe() << " until SIGTERM or SIGINT"
      << std::endl;
  std::jthread thread([&worker](std::stop_token stop) { worker.run(stop); });
  int sig = 0;
  while (sigwait(&signals, &sig) != 0) {
  }
  thread.request_stop();
  thread.join();
  print_stats(out, worker.stats());
  return 0;
}

}  // namespace twinning::cli
