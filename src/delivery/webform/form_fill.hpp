#pragma once
// Filling in a parsed form as a browser would send it: which form of the page, the controls in
// document order with the definition's values in place of theirs, hidden fields and session
// tokens carried over, newlines as CRLF, everything written in the site's charset. Pure: the
// page comes in parsed, the request body goes out; src/delivery/webform/submitter.cpp fetches
// and posts.
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "delivery/webform/html_form.hpp"
#include "delivery/webform/job.hpp"

namespace twinning::delivery::webform {

// A submission stopped before or after posting, with the reason and the detail for the log.
struct Stop {
  StopReason reason = StopReason::layout_changed;
  std::string detail;
};

struct FilledForm {
  std::string action;        // absolute URL the form posts to
  std::string charset;       // what the body is written in
  std::string content_type;  // application/x-www-form-urlencoded, or multipart/form-data; boundary=...
  std::string body;          // the request body, bytes in `charset`
  std::vector<std::pair<std::string, std::string>> fields;  // name and value (UTF-8), in the order sent
};

// Checks each value against its field (length, format, required) before anything is fetched.
std::optional<Stop> check_values(const WebformJob& job);

// Picks the job's form on `page` (fetched from `page_url` and decoded from `page_charset`) and
// fills it in. A captcha, a missing form, field or button, a method other than POST and a value
// the site cannot take each stop the submission with their reason. `boundary` is used for
// multipart bodies (random in production, fixed in tests).
std::variant<FilledForm, Stop> fill_form(const WebformJob& job, const Page& page, const std::string& page_url,
                                         const std::string& page_charset, const std::string& boundary);

// `relative` resolved against `base` (RFC 3986), or empty when either is not a usable URL.
std::string resolve_url(const std::string& base, const std::string& relative);

}  // namespace twinning::delivery::webform
