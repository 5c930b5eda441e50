#pragma once
// The forms of a web page, read with libxml2's HTML parser (recovering from broken markup, never
// fetching anything), as far as filling one in needs: each form's attributes and controls with
// the values a browser would send, and any sign of a captcha.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace twinning::delivery::webform {

struct Control {
  std::string tag;   // input | textarea | select | button
  std::string type;  // input and button: the type attribute in lower case (text when absent)
  std::string name;
  std::string id;
  std::string value;  // the value a browser would send untouched (textarea: its text; select: the chosen option)
  bool checked = false;   // checkbox and radio
  bool disabled = false;  // disabled controls are never sent
  bool required = false;
  std::optional<std::size_t> maxlength;
};

struct Form {
  std::string id, name, action, method, enctype, accept_charset;  // attributes as written (method in lower case)
  std::vector<Control> controls;  // in document order
  // Where a captcha shows in the form ("img id=captcha_img"); empty when none was seen.
  std::vector<std::string> captcha;
};

struct Page {
  std::vector<Form> forms;
  // Captcha scripts loaded by the page (reCAPTCHA, hCaptcha, Turnstile), whichever form uses them.
  std::vector<std::string> captcha_scripts;
};

// Limits that keep a hostile page from costing more than a normal one.
struct ParseLimits {
  std::size_t max_bytes = 4 * 1024 * 1024;  // larger input is refused before parsing
  std::size_t max_forms = 100;
  std::size_t max_controls = 2000;  // per form
};

// Parses `utf8` (the page already decoded to UTF-8) and collects its forms. A control outside
// any form element is counted in the form before it when that form element was left empty:
// what libxml2 makes of a form opened inside a table, which browsers still associate.
// `captcha_markers`: words (compared case-insensitively) that betray a captcha in an element's
// id, name, class, src, alt or title or in the form's text, besides captcha, recaptcha,
// hcaptcha and turnstile. Errors (bad_request): input over the limit; nothing a parser can read.
Result<Page> parse_page(std::string_view utf8, const std::vector<std::string>& captcha_markers,
                        const ParseLimits& limits = {});

}  // namespace twinning::delivery::webform
