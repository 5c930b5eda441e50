// bench/fill_outbox: queues N real email messages in the outbox of a data directory, for
// bench/delivery. Each is one supporter action of the campaign (default: the demo) with its first
// composed message — the one to the first To target, Cc targets included — built exactly as the
// email channel builds it (compose_action_emails + to_rfc5322, VERP return path), and queued at
// once (no confirmation request), to one recipient: the message's first To address.
//
//   fill_outbox --campaign DIR --data DIR --count N [--lang da]
//
// Prints one line "fill_outbox count=N bytes_min=.. bytes_avg=.. bytes_max=.. seconds=.." that
// bench/delivery reads: smtp-source is then asked for messages of bytes_avg bytes.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <string>
#include <utility>

#include <CLI/CLI.hpp>

#include "campaign/load.hpp"
#include "delivery/bounce.hpp"
#include "mail/compose.hpp"
#include "mail/message.hpp"
#include "store/store.hpp"

namespace {

using namespace twinning;

// The action of supporter `i`: distinct name, address and idempotency key, so that every action
// is a new row and every message a distinct Message-ID, as with real supporters.
Result<store::NewAction> make_action(const domain::Campaign& c, const std::string& lang, std::int64_t i,
                                     std::chrono::sys_seconds now) {
  const std::string who = "Supporter " + std::to_string(i);
  const std::string email = "supporter-" + std::to_string(i) + "@example.org";
  const mail::SupporterMail supporter{who, email, "DK"};
  mail::EmailInput input;
  input.lang = lang;
  const std::string page_url = "http://127.0.0.1:8080/" + c.id + "/" + lang + "/";
  auto composed = mail::compose_action_emails(c, supporter, input, page_url, now);
  if (!composed.ok()) return composed.error();
  if (composed.value().empty() || composed.value().front().email.to.empty()) {
    return Error::make(ErrorKind::bad_request, "the campaign composes no email with a To address", "campaign");
  }
  const auto& first = composed.value().front();
  auto raw = mail::to_rfc5322(first.email);
  if (!raw.ok()) return raw.error();
  auto path = delivery::verp_return_path(first.email.message_id, mail::domain_of(c.email.sender));
  if (!path.ok()) return path.error();

  store::OutboxMessage m;
  m.target = first.target;
  m.recipient = first.email.to.front().email;
  m.pacing_key = m.recipient;
  m.envelope_from = std::move(path).value();
  m.message_id = first.email.message_id;
  m.payload = std::move(raw).value();

  store::NewAction a;
  a.idempotency_key = "bench-fill-" + std::to_string(i);
  a.request_hash = a.idempotency_key;
  a.campaign = c.id;
  a.channel = "email";
  a.target = first.target;
  a.language = lang;
  a.country = "DK";
  a.supporter_name = who;
  a.supporter_email = email;
  a.created_at = now;
  a.messages.push_back(std::move(m));
  return a;
}

int run(const std::filesystem::path& campaign_dir, const std::filesystem::path& data_dir, std::int64_t count,
        const std::string& lang) {
  auto loaded = campaign::load_campaign(campaign_dir);
  if (!loaded.ok()) {
    std::cerr << "fill_outbox: " << campaign_dir.string() << " does not load:\n";
    for (const auto& p : loaded.problems) std::cerr << "  " << campaign::format_problem(p) << "\n";
    return 1;
  }
  auto store = store::open_sqlite(data_dir);
  if (!store.ok()) {
    std::cerr << "fill_outbox: cannot open the store in " << data_dir.string() << ": " << store.error().message
              << "\n";
    return 1;
  }
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto start = std::chrono::steady_clock::now();

  // All actions are handed to the writer without waiting for each: group commit then writes them
  // in few transactions, so filling is quick even on a disk with a slow fsync.
  std::mutex mutex;
  std::condition_variable all_done;
  std::int64_t done = 0;
  std::string first_error;
  std::size_t min_bytes = SIZE_MAX, max_bytes = 0, sum_bytes = 0;
  for (std::int64_t i = 1; i <= count; ++i) {
    auto action = make_action(*loaded.campaign, lang, i, now);
    if (!action.ok()) {
      std::cerr << "fill_outbox: composing message " << i << ": " << action.error().message << "\n";
      return 1;
    }
    const std::size_t bytes = action.value().messages.front().payload.size();
    min_bytes = std::min(min_bytes, bytes);
    max_bytes = std::max(max_bytes, bytes);
    sum_bytes += bytes;
    store.value()->record_action(std::move(action).value(), [&](Result<store::Recorded> r) {
      const std::lock_guard lock(mutex);
      if (!r.ok() && first_error.empty()) first_error = r.error().message;
      if (++done == count) all_done.notify_one();
    });
  }
  {
    std::unique_lock lock(mutex);
    all_done.wait(lock, [&] { return done == count; });
    if (!first_error.empty()) {
      std::cerr << "fill_outbox: recording an action failed: " << first_error << "\n";
      return 1;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "fill_outbox count=" << count << " bytes_min=" << min_bytes
            << " bytes_avg=" << sum_bytes / static_cast<std::size_t>(count) << " bytes_max=" << max_bytes
            << " seconds=" << seconds << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Queue N real email messages in a twinning outbox (for bench/delivery)"};
  std::filesystem::path campaign_dir, data_dir;
  std::int64_t count = 0;
  std::string lang = "da";
  app.add_option("--campaign", campaign_dir, "the campaign folder (campaigns/<id>)")->required();
  app.add_option("--data", data_dir, "the data directory (its twinning.db is created if needed)")->required();
  app.add_option("--count", count, "how many messages to queue")->required()->check(CLI::Range(1, 1000000));
  app.add_option("--lang", lang, "the page language of the supporters (default da)");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(campaign_dir, data_dir, count, lang);
  } catch (const std::exception& e) {
    std::cerr << "fill_outbox: " << e.what() << "\n";
    return 1;
  }
}
