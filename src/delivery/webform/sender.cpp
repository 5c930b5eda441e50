#include "delivery/webform/sender.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "delivery/bounce.hpp"
#include "delivery/webform/submitter.hpp"
#include "mail/message.hpp"

namespace twinning::delivery::webform {
namespace {

constexpr std::string_view kTold = "; the supporter was told by email";
constexpr std::string_view kTellingFailed = "; telling the supporter failed: ";
constexpr std::string_view kNoticePending = "; notice not sent yet: ";

std::string attempt_prefix(int attempt) { return "attempt " + std::to_string(attempt) + ": "; }

}  // namespace

Trail read_trail(const std::string& last_error) {
  Trail t;
  std::string_view s = last_error;
  if (s.rfind("attempt ", 0) != 0) return t;
  s.remove_prefix(8);
  int n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end == s.data()) return t;
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  if (s.rfind(": ", 0) != 0) return t;
  s.remove_prefix(2);
  t.attempt = n;
  if (s.rfind("not sent: ", 0) == 0) {
    t.kind = Trail::Kind::not_sent;
  } else if (s.rfind("sent: ", 0) == 0) {
    t.kind = Trail::Kind::sent;
  } else if (s.rfind("stopped (", 0) == 0) {
    const auto close = s.find("): ");
    if (close == std::string_view::npos) return Trail{};
    t.reason = parse_stop_reason(s.substr(9, close - 9));
    if (!t.reason) return Trail{};
    const bool closed = last_error.find(kTold) != std::string::npos || last_error.find(kTellingFailed) != std::string::npos;
    t.kind = closed ? Trail::Kind::closed : Trail::Kind::stopped;
    t.stop_text = last_error.substr(0, last_error.find(kNoticePending));
  }
  return t;
}

WebformSender::WebformSender(store::Store& store, Transport& mail, Clock clock, Random random, RetryPolicy retry,
                             WebformSettings settings)
    : store_(store),
      mail_(mail),
      clock_(std::move(clock)),
      random_(std::move(random)),
      retry_(retry),
      settings_(std::move(settings)) {}

WorkerStats WebformSender::saved(const Result<void>& r, const store::OutboxRow& row, WorkerStats delta) {
  if (r.ok()) return delta;
  // The message stays `sending`: at the next start it is claimed again without a clean record,
  // and the crash rule stops it (never a second post).
  spdlog::error("webform: cannot record the outcome of message {}: {}", row.id, r.error().detail);
  WorkerStats failed;
  failed.store_errors = 1;
  return failed;
}

store::TimePoint& WebformSender::next_free(const std::string& host) {
  if (!seeded_) {
    seeded_ = true;
    // After a restart, the last posts are in the store, not in memory.
    if (auto rows = store_.list_outbox({std::string("sent"), 500}); rows.ok()) {
      for (const auto& r : rows.value()) {
        if (r.kind != "webform" || !r.sent_at) continue;
        auto& t = next_free_[domain::url_host(r.recipient)];
        t = std::max(t, *r.sent_at + settings_.per_host_interval);
      }
    }
  }
  return next_free_[host];
}

WorkerStats WebformSender::handle(const store::OutboxRow& row) {
  const store::TimePoint now = clock_();
  const std::string at = attempt_prefix(row.attempts);
  auto job = parse_payload(row.payload);
  if (!job) {
    // Without the job there is no one to tell; the operator sees it in `twinning outbox`.
    return saved(store_.outbox_failed(row.id, now, at + "the job cannot be read: " + job.error().message, false), row,
                 {0, 0, 1, 0, 0});
  }
  const Trail trail = read_trail(row.last_error);
  if (trail.kind == Trail::Kind::stopped) return stop(row, *job, *trail.reason, trail.stop_text);
  const bool clean = (trail.kind == Trail::Kind::none && row.attempts == 1) ||
                     (trail.kind == Trail::Kind::not_sent && trail.attempt == row.attempts - 1) ||
                     trail.kind == Trail::Kind::closed;  // an operator's requeue of a finished message
  if (!clean) {
    const std::string text =
        at + "stopped (unknown_outcome): the previous attempt ended without a record (a crash or a kill), " +
        "perhaps after posting; it is not posted again";
    return stop(row, *job, StopReason::unknown_outcome, text);
  }

  if (settings_.per_host_interval.count() > 0) {
    auto& free = next_free(domain::url_host(job->url));
    if (free > now) {
      const auto wait = std::chrono::duration_cast<std::chrono::seconds>(settings_.per_host_interval).count();
      return saved(store_.outbox_retry(row.id, free,
                                       at + "not sent: waiting for the host's turn (one post every " +
                                           std::to_string(wait) + " s)"),
                   row, {0, 1, 0, 0, 0});
    }
    free = now + settings_.per_host_interval;
  }

  const SubmitResult r = submit(*job, settings_);
  spdlog::info("webform: message {} to {}: {} ({})", row.id, job->url,
               r.kind == SubmitResult::Kind::sent ? "sent" : r.kind == SubmitResult::Kind::retry ? "retry" : "stopped",
               r.detail);
  switch (r.kind) {
    case SubmitResult::Kind::sent:
      return saved(store_.outbox_sent(row.id, clock_(), at + "sent: " + r.detail), row, {1, 0, 0, 0, 0});
    case SubmitResult::Kind::retry: {
      const auto decision = retry_.after_failure(row.attempts, row.created_at, clock_(), random_());
      if (const auto* when = std::get_if<RetryPolicy::RetryAt>(&decision)) {
        return saved(store_.outbox_retry(row.id, when->when, at + "not sent: " + r.detail), row, {0, 1, 0, 0, 0});
      }
      return stop(row, *job, StopReason::unreachable,
                  at + "stopped (unreachable): gave up after the retry deadline: " + r.detail);
    }
    case SubmitResult::Kind::stopped:
      return stop(row, *job, r.reason,
                  at + "stopped (" + std::string(stop_reason_id(r.reason)) + "): " + r.detail);
  }
  return {};
}

// Tells the supporter, through the worker's mail transport, that the form was not (or perhaps
// not) sent and that the steps on the page remain; then closes the message as failed.
WorkerStats WebformSender::stop(const store::OutboxRow& row, const WebformJob& job, StopReason reason,
                                const std::string& text) {
  const store::TimePoint now = clock_();
  const Notice& n = job.notice;
  auto close = [&](const std::string& how) {
    return saved(store_.outbox_failed(row.id, now, text + how, false), row, {0, 0, 1, 0, 0});
  };
  auto body = n.texts.find(std::string(stop_reason_id(reason)));
  if (n.to_email.empty() || body == n.texts.end()) return close(std::string(kTellingFailed) + "no notice in the job");

  mail::Email e;
  e.from = {n.from_name, n.from_email};
  e.to = {{n.to_name, n.to_email}};
  e.subject = n.subject;
  e.text = body->second;
  e.language = n.lang;
  e.message_id = mail::new_message_id(mail::domain_of(n.from_email));
  e.date = now;
  e.headers = {{"Auto-Submitted", "auto-generated"}};
  auto raw = mail::to_rfc5322(e);
  if (!raw) return close(std::string(kTellingFailed) + raw.error().message);
  const std::string domain = n.return_path_domain.empty() ? mail::domain_of(n.from_email) : n.return_path_domain;
  auto path = verp_return_path(e.message_id, domain);
  if (!path) return close(std::string(kTellingFailed) + path.error().message);

  store::OutboxRow notice = row;
  notice.kind = "email";
  notice.target.clear();
  notice.recipient = n.to_email;
  notice.pacing_key.clear();
  notice.envelope_from = std::move(path).value();
  notice.message_id = e.message_id;
  notice.payload = std::move(raw).value();
  const SendOutcome sent = mail_.send(notice);
  switch (sent.kind) {
    case SendOutcome::Kind::sent: return close(std::string(kTold));
    case SendOutcome::Kind::permanent: return close(std::string(kTellingFailed) + sent.reply);
    case SendOutcome::Kind::temporary: {
      // The notice gets as long again as the submission had: it must not be lost to a relay
      // that was down when the submission gave up.
      RetryPolicy notice_policy = retry_;
      notice_policy.deadline *= 2;
      const auto decision = notice_policy.after_failure(row.attempts, row.created_at, now, random_());
      if (const auto* when = std::get_if<RetryPolicy::RetryAt>(&decision)) {
        return saved(store_.outbox_retry(row.id, when->when, text + std::string(kNoticePending) + sent.reply), row,
                     {0, 1, 0, 0, 0});
      }
      return close(std::string(kTellingFailed) + sent.reply);
    }
  }
  return {};
}

}  // namespace twinning::delivery::webform
