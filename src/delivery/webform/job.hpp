#pragma once
// One web-form submission as the outbox keeps it (OutboxMessage kind "webform"): everything the
// worker needs, fixed when the supporter asked for it, so a campaign edited or reloaded later
// does not change what they confirmed. The payload is JSON; its shape is versioned ("v").
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "domain/webform.hpp"

namespace twinning::delivery::webform {

// Why a submission stopped without the site taking the message. The supporter is told (by
// email) and pointed to the guided steps; the id is kept in the outbox's last_error.
enum class StopReason {
  not_allowed,        // the operator no longer allows filling in this site automatically
  value_rejected,     // a value does not fit the field (too long, wrong format, charset)
  unreachable,        // the site could not be reached until the retry deadline
  unreadable_page,    // the page was too large, looped in redirects, or could not be read
  layout_changed,     // the form is not where the definition says (the site changed)
  missing_field,      // the form lacks a field the definition names
  captcha,            // the form asks to prove a human is sending
  refused,            // the site answered with one of the definition's error texts
  no_success_signal,  // the site answered, but not with the success text
  unknown_outcome,    // the form was posted and no answer came back: it may or may not have arrived
};
std::string_view stop_reason_id(StopReason r);
std::optional<StopReason> parse_stop_reason(std::string_view id);
const std::vector<StopReason>& all_stop_reasons();

struct JobField {
  std::string name;                  // the control's name attribute
  std::string label;                 // as the site shows it (for messages)
  std::optional<std::string> value;  // none: keep what the site filled in
  bool required = false;
  std::size_t max_chars = 0;
  domain::FieldFormat format = domain::FieldFormat::line;
};

// The mail that tells the supporter a submission stopped, ready but for the reason.
struct Notice {
  std::string lang;
  std::string from_name, from_email;  // the campaign (its title and sender address)
  std::string to_name, to_email;      // the supporter
  std::string return_path_domain;     // VERP domain for bounces
  std::string subject;
  std::map<std::string, std::string> texts;  // the whole text, by stop reason id
};

struct WebformJob {
  std::string campaign, target, definition;
  std::string url;      // the form page
  std::string charset;  // the definition's (the page's own declaration wins when it has one)
  std::string form_id, form_name, form_action;  // which form of the page
  std::string submit_name, submit_value;
  std::vector<JobField> fields;
  std::vector<std::string> success, errors, captcha_markers;
  Notice notice;
};

std::string to_payload(const WebformJob& job);
// Errors (bad_request) name what is missing or malformed; a payload of another version is refused.
Result<WebformJob> parse_payload(std::string_view payload);

}  // namespace twinning::delivery::webform
