#pragma once
// One web-form submission over the network: GET the form page (cookies kept), read it in its
// charset, fill the form in (form_fill.hpp), POST it, and look for the site's success text.
// Only a failure that happened before the post was sent is worth trying again; once the post
// may have reached the site, the outcome is final (docs/decisions/0008-webform-automation.md).
#include <string>
#include <vector>

#include "common/config.hpp"
#include "delivery/webform/form_fill.hpp"
#include "delivery/webform/job.hpp"

namespace twinning::delivery::webform {

struct SubmitResult {
  enum class Kind {
    sent,     // the site answered with a success text
    retry,    // nothing was posted: the network or the site failed before (timeout, refused, 5xx)
    stopped,  // stopped for `reason`; nothing more will be tried
  };
  Kind kind = Kind::retry;
  StopReason reason = StopReason::unknown_outcome;  // for stopped
  std::string detail;  // what happened, for the outbox's last_error and the log
  bool posted = false;  // the POST was sent (or may have been)
  std::string posted_body;  // exactly what was posted (for tests and the operator's debugging)
};

// Runs the submission. `automated_hosts` is checked again here (the operator may have withdrawn
// a site since the supporter asked) for the form page and for the host the form posts to.
SubmitResult submit(const WebformJob& job, const WebformSettings& settings);

}  // namespace twinning::delivery::webform
