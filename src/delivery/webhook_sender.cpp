#include "delivery/webhook_sender.hpp"

#include <spdlog/spdlog.h>

#include "app/webhooks.hpp"
#include "delivery/webform/http_client.hpp"

namespace twinning::delivery {
namespace {

std::string event_of(const std::string& message_id) {
  const auto dot = message_id.rfind('.');
  return dot == std::string::npos ? std::string() : message_id.substr(dot + 1);
}

}  // namespace

WebhookSender::WebhookSender(store::Store& store, Clock clock, Random random, RetryPolicy retry,
                             std::vector<WebhookSettings> receivers, WebformSettings http)
    : store_(store),
      clock_(std::move(clock)),
      random_(std::move(random)),
      retry_(retry),
      receivers_(std::move(receivers)),
      http_(std::move(http)) {}

WorkerStats WebhookSender::saved(const Result<void>& r, WorkerStats delta) {
  if (r.ok()) return delta;
  spdlog::error("webhook: cannot record an outcome: {}", r.error().detail);
  WorkerStats failed;
  failed.store_errors = 1;
  return failed;
}

WorkerStats WebhookSender::handle(const store::OutboxRow& row) {
  const auto now = clock_();
  const std::string at = "attempt " + std::to_string(row.attempts) + ": ";
  const WebhookSettings* receiver = nullptr;
  for (const auto& r : receivers_) {
    if (r.url == row.recipient) receiver = &r;
  }
  if (receiver == nullptr) {
    return saved(store_.outbox_failed(row.id, now, at + "the receiver is no longer in the settings (webhooks)", false),
                 {0, 0, 1, 0, 0});
  }
  auto session = webform::HttpSession::open(http_);
  if (!session.ok()) return saved(store_.outbox_failed(row.id, now, at + session.error().message, false), {0, 0, 1, 0, 0});
  const long long t = now.time_since_epoch().count();
  const std::vector<std::string> headers = {
      "X-Twinning-Event: " + event_of(row.message_id), "X-Twinning-Delivery: " + row.message_id,
      "X-Twinning-Signature: " + app::webhook_signature(receiver->secret, t, row.payload),
      "User-Agent: twinning-webhooks"};
  const auto result = session.value().post(row.recipient, row.payload, "application/json", "", headers);
  std::string detail;
  bool retry = false;
  if (const auto* res = std::get_if<webform::HttpResponse>(&result)) {
    if (res->status >= 200 && res->status < 300) {
      spdlog::info("webhook: message {} to {}: HTTP {}", row.id, row.recipient, res->status);
      return saved(store_.outbox_sent(row.id, clock_(), at + "HTTP " + std::to_string(res->status)), {1, 0, 0, 0, 0});
    }
    detail = "HTTP " + std::to_string(res->status);
    retry = res->status == 408 || res->status == 429 || res->status >= 500;
  } else {
    const auto& f = std::get<webform::HttpFailure>(result);
    detail = std::string(webform::to_string(f.kind)) + ": " + f.message;
    retry = true;
  }
  spdlog::warn("webhook: message {} to {}: {}", row.id, row.recipient, detail);
  if (retry) {
    const auto decision = retry_.after_failure(row.attempts, row.created_at, clock_(), random_());
    if (const auto* when = std::get_if<RetryPolicy::RetryAt>(&decision)) {
      return saved(store_.outbox_retry(row.id, when->when, at + "not delivered: " + detail), {0, 1, 0, 0, 0});
    }
    return saved(store_.outbox_failed(row.id, clock_(), at + "gave up after the retry deadline: " + detail, false),
                 {0, 0, 1, 0, 0});
  }
  return saved(store_.outbox_failed(row.id, clock_(), at + "refused: " + detail, false), {0, 0, 1, 0, 0});
}

}  // namespace twinning::delivery
