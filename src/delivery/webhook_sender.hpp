#pragma once
// The outbox worker's handler for "webhook" messages (app/webhooks.hpp): POSTs the JSON body to
// the receiver with its HMAC signature. 2xx: sent. 408, 429, 5xx, a timeout or no connection:
// retried with the outbox's backoff until its deadline. Any other answer, or a receiver no longer
// in the settings: failed, and the reason is in the message's log (`twinning outbox list`, the
// dashboard's delivery failures). A receiver should drop a repeat by X-Twinning-Delivery: a
// retry after a lost answer may deliver one event twice.
#include <vector>

#include "common/config.hpp"
#include "delivery/retry_policy.hpp"
#include "delivery/worker.hpp"
#include "store/store.hpp"

namespace twinning::delivery {

class WebhookSender : public JobHandler {
 public:
  WebhookSender(store::Store& store, Clock clock, Random random, RetryPolicy retry, std::vector<WebhookSettings> receivers,
                WebformSettings http);
  WorkerStats handle(const store::OutboxRow& row) override;

 private:
  WorkerStats saved(const Result<void>& r, WorkerStats delta);
  store::Store& store_;
  Clock clock_;
  Random random_;
  RetryPolicy retry_;
  std::vector<WebhookSettings> receivers_;
  WebformSettings http_;
};

}  // namespace twinning::delivery
