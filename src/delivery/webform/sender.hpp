#pragma once
// The outbox worker's handler for "webform" messages: paces posts per host, submits, records the
// outcome, and tells the supporter by email when a submission stops. What it writes to the
// message's last_error is also its memory across crashes (docs/decisions/0008-webform-automation.md):
//   attempt N: not sent: ...         nothing was posted; the next attempt may post
//   attempt N: sent: ...             the site took it
//   attempt N: stopped (reason): ... no more posts; the supporter is still to be told
//   ...; the supporter was told by email / ...; telling the supporter failed: ...   final
// A message claimed again without a clean record of its previous attempt was cut off by a crash
// or a kill, perhaps after posting: it is never posted again, and the supporter is told to check.
#include <map>
#include <optional>
#include <string>

#include "common/config.hpp"
#include "delivery/retry_policy.hpp"
#include "delivery/transport.hpp"
#include "delivery/webform/job.hpp"
#include "delivery/worker.hpp"
#include "store/store.hpp"

namespace twinning::delivery::webform {

// What last_error says about a message's previous attempt.
struct Trail {
  enum class Kind { none, not_sent, sent, stopped, closed };
  Kind kind = Kind::none;
  int attempt = 0;
  std::optional<StopReason> reason;  // stopped and closed
  std::string stop_text;             // stopped: "attempt N: stopped (reason): detail", without the notice's state
};
Trail read_trail(const std::string& last_error);

class WebformSender : public JobHandler {
 public:
  // `mail` sends the supporter's notices (the worker's own transport: spool or SMTP).
  WebformSender(store::Store& store, Transport& mail, Clock clock, Random random, RetryPolicy retry,
                WebformSettings settings);

  WorkerStats handle(const store::OutboxRow& row) override;

 private:
  WorkerStats stop(const store::OutboxRow& row, const WebformJob& job, StopReason reason, const std::string& text);
  WorkerStats saved(const Result<void>& r, const store::OutboxRow& row, WorkerStats delta);
  // The next moment `host` may be posted to, seeded once from what the store sent recently.
  store::TimePoint& next_free(const std::string& host);

  store::Store& store_;
  Transport& mail_;
  Clock clock_;
  Random random_;
  RetryPolicy retry_;
  WebformSettings settings_;
  std::map<std::string, store::TimePoint> next_free_;
  bool seeded_ = false;
};

}  // namespace twinning::delivery::webform
