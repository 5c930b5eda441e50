#pragma once
// A foreign official's own contact form, described as data (campaign.yaml `webforms:`), so that a
// supporter who cannot read the site's language is guided field by field, and so that the
// outbox can fill the form in for them where the operator allows it. No I/O here:
// src/campaign/webform_definition.cpp reads the definitions, src/render shows them,
// src/delivery/webform submits them.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/campaign.hpp"

namespace twinning::domain {

// Where a field's value comes from.
enum class FieldSource {
  supporter_name,   // the supporter's name as they typed it
  supporter_email,  // the supporter's email address
  supporter_phone,  // the supporter's phone number (E.164); see WebformField::text for a fallback
  placeholder,      // a stand-in the site accepts, e.g. "000-000-0000" for callers abroad
  subject,          // the campaign's webform.subject in the target's language
  body,             // the campaign's webform.body in the target's language
  fixed,            // always `text`
  site,             // filled in by the site (or hidden): left as the site set it, carried over
};
std::string_view field_source_id(FieldSource s);
std::optional<FieldSource> parse_field_source(std::string_view id);
// Every source id, in the order docs/campaigns.md lists them.
const std::vector<std::string>& field_source_ids();

// What the site accepts in a field; checked before a value is posted.
enum class FieldFormat {
  line,       // one line of text
  multiline,  // text with line breaks (a textarea)
  email,      // an email address
  phone,      // digits, spaces, '+', '-', '(' and ')'
};
std::string_view field_format_id(FieldFormat f);
std::optional<FieldFormat> parse_field_format(std::string_view id);
const std::vector<std::string>& field_format_ids();

struct WebformField {
  std::string label;  // exactly as the site shows it ("보내는 사람"), so it can be found on screen
  Localized meaning;  // what the field is for, per supporter language
  Localized note;     // advice for the supporter (optional), per supporter language
  std::string name;   // the control's HTML name attribute: how the form is filled automatically
  FieldSource source = FieldSource::fixed;
  // For placeholder and fixed: the value. For supporter_phone: what to enter when the supporter
  // gave no phone number (empty: the field is left empty then).
  std::string text;
  bool required = false;
  std::size_t max_chars = 0;  // the site's limit in characters (code points); 0: none known
  FieldFormat format = FieldFormat::line;
};

// A step that leads the supporter from the site's front page to the form.
struct WebformStep {
  Localized text;
  std::string url;  // a page the step opens, may be empty
};

// A text the site shows after sending (e.g. in an alert), with its meaning for the supporter.
struct WebformSignal {
  std::string text;  // exactly as the site writes it, in the site's language
  Localized meaning;
};

struct WebformDefinition {
  std::string id;
  Localized site;                // the site's name, e.g. "Naju City Council website"
  std::string charset = "UTF-8";  // what the site declares and expects posted (ICU name)
  std::vector<WebformStep> steps;  // how to reach the form (the form's URL is the target's)
  // Which form of the page: by id, name or a part of its action URL; all empty: the one form
  // that has the definition's named fields.
  std::string form_id, form_name, form_action;
  std::string submit_label;  // the send button's caption as the site shows it
  std::string submit_name;   // the button's name, when the site expects it posted (with value)
  std::string submit_value;
  std::vector<WebformField> fields;
  std::vector<WebformSignal> success;  // any of them in the answer means the message was taken
  std::vector<WebformSignal> errors;   // any of them means the site refused it
  // Words that betray a captcha in an element's id, name, class, src or alt, besides the
  // built-in ones (captcha, recaptcha, hcaptcha, turnstile).
  std::vector<std::string> captcha_markers;
  // The organizers vouch that the definition matches the site well enough to fill it in
  // automatically. Still nothing is posted unless the operator also allows the site's host
  // (webform.automated_hosts in the settings).
  bool automated = false;

  const WebformField* field_named(std::string_view name) const;
  const WebformField* field_from(FieldSource s) const;
};

struct Webforms {
  std::vector<WebformDefinition> forms;
  std::map<std::string, std::string> form_of_target;  // target id -> definition id
  const WebformDefinition* find(std::string_view id) const;
  const WebformDefinition* for_target(std::string_view target_id) const;
};

// The definition that describes `target_id`'s form in `c`, or nullptr.
const WebformDefinition* webform_for(const Campaign& c, std::string_view target_id);

// The host of an http(s) URL in lower case, without port or user ("council.naju.example.org");
// empty when the URL has none.
std::string url_host(std::string_view url);

// True when the form at `form_url` may be filled in automatically: the definition is marked
// automated and the operator lists the URL's host (exactly, case-insensitively).
bool automation_allowed(const WebformDefinition& form, std::string_view form_url,
                        const std::vector<std::string>& automated_hosts);

// Why `value` does not fit `field` as the site would take it (too many characters, a line break
// in a one-line field, not an email address or phone number), or nullopt when it fits. An empty
// value fits here: whether the field may be empty is `required`'s business.
std::optional<std::string> value_problem(const WebformField& field, std::string_view value);

// Splits `text` into parts of at most `max_chars` code points, as a site that limits a field
// counts them. Cuts after a paragraph, else after a sentence (. ! ? 。 and the like), else at a
// space, and only inside a word when a single word is longer than a part. Parts are trimmed of
// the spaces and line breaks at the cut. One part (the text) when it fits or max_chars is 0.
std::vector<std::string> split_to_fit(std::string_view text, std::size_t max_chars);

}  // namespace twinning::domain
