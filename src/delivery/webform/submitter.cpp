#include "delivery/webform/submitter.hpp"

#include <algorithm>
#include <random>

#include "delivery/webform/charset.hpp"
#include "delivery/webform/html_form.hpp"
#include "delivery/webform/http_client.hpp"

namespace twinning::delivery::webform {
namespace {

SubmitResult stopped(StopReason reason, std::string detail, bool posted = false) {
  SubmitResult r;
  r.kind = SubmitResult::Kind::stopped;
  r.reason = reason;
  r.detail = std::move(detail);
  r.posted = posted;
  return r;
}

SubmitResult retry(std::string detail) {
  SubmitResult r;
  r.kind = SubmitResult::Kind::retry;
  r.detail = std::move(detail);
  return r;
}

bool host_allowed(const std::string& url, const std::vector<std::string>& hosts) {
  const std::string host = domain::url_host(url);
  return !host.empty() && std::find(hosts.begin(), hosts.end(), host) != hosts.end();
}

// The charset a response is in: its Content-Type, else its <meta>, else `fallback`.
std::string charset_of(const HttpResponse& r, const std::string& fallback) {
  if (auto cs = charset_from_content_type(r.content_type); !cs.empty() && encode("a", cs).ok()) return cs;
  if (auto cs = charset_from_meta(r.body); !cs.empty() && encode("a", cs).ok()) return cs;
  return fallback;
}

// A multipart boundary that no value will contain by chance (it need not be secret).
std::string random_boundary() {
  std::random_device device;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "----twinning";
  for (int i = 0; i < 24; ++i) out += kHex[device() & 0x0F];
  return out;
}

}  // namespace

SubmitResult submit(const WebformJob& job, const WebformSettings& settings) {
  if (!host_allowed(job.url, settings.automated_hosts)) {
    return stopped(StopReason::not_allowed,
                   "the operator does not allow filling in forms on " + domain::url_host(job.url) +
                       " (webform.automated_hosts)");
  }
  if (auto stop = check_values(job)) return stopped(stop->reason, stop->detail);
  auto session = HttpSession::open(settings);
  if (!session) return retry(session.error().message);

  // 1. The form page.
  auto got = session->get(job.url);
  if (const auto* f = std::get_if<HttpFailure>(&got)) {
    switch (f->kind) {
      case HttpFailure::Kind::unreachable:
      case HttpFailure::Kind::timeout:
      case HttpFailure::Kind::failed:
        return retry("fetching the form page: " + f->message);
      case HttpFailure::Kind::too_large:
      case HttpFailure::Kind::too_many_redirects:
        return stopped(StopReason::unreadable_page, "fetching the form page: " + f->message);
    }
  }
  const auto& page = std::get<HttpResponse>(got);
  if (page.status >= 500) return retry("the form page answered " + std::to_string(page.status));
  if (page.status != 200) {
    return stopped(StopReason::layout_changed, "the form page answered " + std::to_string(page.status));
  }
  const std::string charset = charset_of(page, job.charset);
  auto text = decode(page.body, charset);
  if (!text) return stopped(StopReason::unreadable_page, text.error().message);
  ParseLimits limits;
  limits.max_bytes = settings.max_response_bytes * 3;  // a legacy charset's 2 bytes may be 3 in UTF-8
  auto parsed = parse_page(text->text, job.captcha_markers, limits);
  if (!parsed) return stopped(StopReason::unreadable_page, parsed.error().message);

  // 2. The filled form.
  auto filled = fill_form(job, parsed.value(), page.url, charset, random_boundary());
  if (auto* stop = std::get_if<Stop>(&filled)) return stopped(stop->reason, stop->detail);
  auto& form = std::get<FilledForm>(filled);
  if (!host_allowed(form.action, settings.automated_hosts)) {
    return stopped(StopReason::not_allowed, "the form posts to " + domain::url_host(form.action) +
                                                ", which the operator has not allowed (webform.automated_hosts)");
  }

  // 3. The post: from here on, the site may have the message whatever happens.
  auto answer = session->post(form.action, form.body, form.content_type, page.url);
  if (const auto* f = std::get_if<HttpFailure>(&answer)) {
    if (!f->request_sent) {
      SubmitResult r = retry("posting the form: " + f->message + " (nothing was sent)");
      return r;
    }
    SubmitResult r = stopped(StopReason::unknown_outcome, "posting the form: " + f->message, true);
    r.posted_body = form.body;
    return r;
  }
  const auto& reply = std::get<HttpResponse>(answer);
  auto done = [&](SubmitResult r) {
    r.posted = true;
    r.posted_body = form.body;
    return r;
  };
  if (reply.status >= 500) {
    return done(stopped(StopReason::unknown_outcome, "the site answered the post with " + std::to_string(reply.status)));
  }
  auto reply_text = decode(reply.body, charset_of(reply, charset));
  const std::string answer_text = reply_text ? reply_text->text : std::string();
  for (const auto& s : job.success) {
    if (!s.empty() && answer_text.find(s) != std::string::npos) {
      SubmitResult r;
      r.kind = SubmitResult::Kind::sent;
      r.detail = "the site answered " + std::to_string(reply.status) + " with \"" + s + "\"";
      return done(std::move(r));
    }
  }
  for (const auto& e : job.errors) {
    if (!e.empty() && answer_text.find(e) != std::string::npos) {
      return done(stopped(StopReason::refused, "the site answered with \"" + e + "\""));
    }
  }
  return done(stopped(StopReason::no_success_signal, "the site answered " + std::to_string(reply.status) +
                                                         " without a success text (" +
                                                         std::to_string(reply.body.size()) + " bytes)"));
}

}  // namespace twinning::delivery::webform
