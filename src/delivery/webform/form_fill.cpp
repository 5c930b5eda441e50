#include "delivery/webform/form_fill.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <set>

#include "common/utf8.hpp"
#include "delivery/webform/charset.hpp"

namespace twinning::delivery::webform {
namespace {

bool is_button_type(const Control& c) {
  if (c.tag == "button") return true;
  return c.tag == "input" && (c.type == "submit" || c.type == "image" || c.type == "reset" || c.type == "button");
}

bool submits(const Control& c) {
  return (c.tag == "button" && c.type == "submit") || (c.tag == "input" && (c.type == "submit" || c.type == "image"));
}

// Form values travel with CRLF line breaks (HTML's "converting line breaks" on submission).
std::string crlf(std::string_view text) {
  const std::string lf = normalize_newlines(text);
  std::string out;
  out.reserve(lf.size() + lf.size() / 20);
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

const Form* find_form(const WebformJob& job, const Page& page, std::string& why) {
  for (const Form& f : page.forms) {
    if (!job.form_id.empty() && f.id == job.form_id) return &f;
    if (!job.form_name.empty() && f.name == job.form_name) return &f;
    if (!job.form_action.empty() && f.action.find(job.form_action) != std::string::npos) return &f;
    if (job.form_id.empty() && job.form_name.empty() && job.form_action.empty()) {
      const bool all = std::all_of(job.fields.begin(), job.fields.end(), [&](const JobField& jf) {
        return std::any_of(f.controls.begin(), f.controls.end(), [&](const Control& c) { return c.name == jf.name; });
      });
      if (all) return &f;
    }
  }
  if (!job.form_id.empty()) why = "no form with id \"" + job.form_id + "\"";
  else if (!job.form_name.empty()) why = "no form named \"" + job.form_name + "\"";
  else if (!job.form_action.empty()) why = "no form whose action holds \"" + job.form_action + "\"";
  else why = "no form with all the fields the definition names";
  why += " among the page's " + std::to_string(page.forms.size()) + " form(s)";
  return nullptr;
}

// RFC 7578 / HTML: a field name's quote and line breaks are escaped in the part's header.
std::string multipart_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '"') out += "%22";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

}  // namespace

std::string resolve_url(const std::string& base, const std::string& relative) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), curl_url_cleanup);
  if (!url) return {};
  if (curl_url_set(url.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK) return {};
  if (!relative.empty() && curl_url_set(url.get(), CURLUPART_URL, relative.c_str(), CURLU_URLENCODE) != CURLUE_OK) {
    return {};
  }
  // The fragment never reaches the server.
  curl_url_set(url.get(), CURLUPART_FRAGMENT, nullptr, 0);
  char* out = nullptr;
  if (curl_url_get(url.get(), CURLUPART_URL, &out, 0) != CURLUE_OK || out == nullptr) return {};
  std::string result = out;
  curl_free(out);
  return result;
}

std::optional<Stop> check_values(const WebformJob& job) {
  for (const JobField& f : job.fields) {
    if (!f.value) continue;
    if (f.required && f.value->empty()) {
      return Stop{StopReason::value_rejected, "\"" + f.label + "\" (" + f.name + ") is required and has no value"};
    }
    domain::WebformField as_defined;
    as_defined.max_chars = f.max_chars;
    as_defined.format = f.format;
    if (auto problem = domain::value_problem(as_defined, *f.value)) {
      return Stop{StopReason::value_rejected, "\"" + f.label + "\" (" + f.name + "): " + *problem};
    }
  }
  return std::nullopt;
}

std::variant<FilledForm, Stop> fill_form(const WebformJob& job, const Page& page, const std::string& page_url,
                                         const std::string& page_charset, const std::string& boundary) {
  std::string why;
  const Form* form = find_form(job, page, why);
  if (form == nullptr) return Stop{StopReason::layout_changed, why};
  if (!form->captcha.empty() || !page.captcha_scripts.empty()) {
    const std::string sign = !form->captcha.empty() ? form->captcha.front() : page.captcha_scripts.front();
    return Stop{StopReason::captcha, "the form shows a captcha (" + sign + ")"};
  }
  if (form->method != "post") {
    return Stop{StopReason::layout_changed,
                "the form is sent with " + (form->method.empty() ? std::string("GET") : form->method) + ", not POST"};
  }
  const bool multipart = form->enctype == "multipart/form-data";
  if (!multipart && !form->enctype.empty() && form->enctype != "application/x-www-form-urlencoded") {
    return Stop{StopReason::layout_changed, "the form posts " + form->enctype + ", which twinning cannot write"};
  }

  FilledForm out;
  out.action = resolve_url(page_url, form->action);
  if (out.action.empty()) return Stop{StopReason::layout_changed, "the form's action \"" + form->action + "\" is not a URL"};
  out.charset = page_charset;
  if (!form->accept_charset.empty()) {
    // The first charset the form lists, as browsers pick it.
    const std::string first = form->accept_charset.substr(0, form->accept_charset.find_first_of(" ,"));
    if (encode("a", first).ok()) out.charset = first;
  }

  std::set<std::string> used;
  bool submitter_added = false;
  for (const Control& c : form->controls) {
    if (c.name.empty() || c.disabled) continue;
    if (c.tag == "input" && c.type == "file") {
      if (multipart) out.fields.emplace_back(c.name, std::string());
      continue;
    }
    if (is_button_type(c)) {
      // Only the button that sends the form is part of it, and only when the site names it.
      if (!job.submit_name.empty() && !submitter_added && submits(c) && c.name == job.submit_name) {
        const std::string value = job.submit_value.empty() ? c.value : job.submit_value;
        if (c.type == "image") {
          out.fields.emplace_back(c.name + ".x", "0");
          out.fields.emplace_back(c.name + ".y", "0");
        } else {
          out.fields.emplace_back(c.name, value);
        }
        submitter_added = true;
      }
      continue;
    }
    if ((c.type == "checkbox" || c.type == "radio") && !c.checked) continue;
    std::string value = c.value;
    auto jf = std::find_if(job.fields.begin(), job.fields.end(), [&](const JobField& f) { return f.name == c.name; });
    if (jf != job.fields.end() && used.insert(c.name).second) {
      if (jf->value) {
        if (c.maxlength && code_points(*jf->value) > *c.maxlength) {
          return Stop{StopReason::value_rejected, "\"" + jf->label + "\" takes at most " + std::to_string(*c.maxlength) +
                                                      " characters on the page, the value has " +
                                                      std::to_string(code_points(*jf->value))};
        }
        value = *jf->value;
      }
    }
    out.fields.emplace_back(c.name, crlf(value));
  }
  for (const JobField& f : job.fields) {
    if (used.count(f.name) == 0) {
      return Stop{StopReason::missing_field, "the form has no field named \"" + f.name + "\" (\"" + f.label + "\")"};
    }
  }
  if (!job.submit_name.empty() && !submitter_added) {
    return Stop{StopReason::layout_changed, "the form has no send button named \"" + job.submit_name + "\""};
  }

  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& field : out.fields) {
    const std::string& name = field.first;  // named, not bound: clang's lambdas cannot capture bindings
    auto n = encode(name, out.charset);
    auto v = encode(field.second, out.charset);
    if (!n || !v) {
      auto jf = std::find_if(job.fields.begin(), job.fields.end(), [&](const JobField& f) { return f.name == name; });
      const std::string label = jf != job.fields.end() ? jf->label : name;
      return Stop{StopReason::value_rejected, "\"" + label + "\": " + (!n ? n.error().message : v.error().message)};
    }
    encoded.emplace_back(std::move(n).value(), std::move(v).value());
  }
  if (!multipart) {
    out.content_type = "application/x-www-form-urlencoded";
    out.body = form_urlencode(encoded);
    return out;
  }
  out.content_type = "multipart/form-data; boundary=" + boundary;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const std::string& name = out.fields[i].first;
    const std::string& value = encoded[i].second;
    out.body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + multipart_name(encoded[i].first) + "\"";
    const bool file = std::any_of(form->controls.begin(), form->controls.end(),
                                  [&](const Control& c) { return c.tag == "input" && c.type == "file" && c.name == name; });
    out.body += file ? "; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n" : "\r\n\r\n";
    out.body += value + "\r\n";
  }
  out.body += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace twinning::delivery::webform
