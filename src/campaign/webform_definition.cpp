#include "campaign/webform_definition.hpp"

#include <unicode/ucnv.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "campaign/localized.hpp"
#include "campaign/validators.hpp"
#include "common/utf8.hpp"
#include "domain/webform.hpp"

namespace twinning::campaign {
namespace {

using domain::FieldSource;
using Entry = MapView::Entry;

// The keys of each map of a definition; docs/campaigns.md ("webforms") describes each of them.
const std::vector<std::string> kFormKeys = {"id",      "site",   "charset", "automated", "steps",
                                            "form",    "submit", "fields",  "success",   "errors",
                                            "captcha_markers"};
const std::vector<std::string> kStepKeys = {"text", "url"};
const std::vector<std::string> kLocatorKeys = {"id", "name", "action"};
const std::vector<std::string> kSubmitKeys = {"label", "name", "value"};
const std::vector<std::string> kFieldKeys = {"label", "name",     "source",    "text",  "meaning",
                                             "note",  "required", "max_chars", "format"};
const std::vector<std::string> kSignalKeys = {"text", "meaning"};
const std::vector<std::string> kWebFormRefKeys = {"url", "form"};

// Longer than any field a contact form has; a bigger number is a typo.
constexpr long long kMaxFieldChars = 1'000'000;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string one_of(const std::vector<std::string>& allowed, const std::string& value) {
  auto guess = nearest(value, allowed);
  return guess ? "did you mean \"" + *guess + "\"? (one of: " + join(allowed) + ")" : "use one of: " + join(allowed);
}

// A charset ICU can convert (what the submitter decodes and encodes with).
bool is_known_charset(const std::string& name) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(name.c_str(), &status);
  if (conv != nullptr) ucnv_close(conv);
  return U_SUCCESS(status);  // warnings (an alias ICU maps to one of several tables) are fine
}

class DefinitionReader {
 public:
  DefinitionReader(Reporter& r, domain::Campaign& c) : r_(r), c_(c) {}

  void read_all(const Entry& list, domain::Webforms& out) {
    if (!expect_list(r_, list, "webforms")) return;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < list.value.size(); ++i) {
      const std::string path = "webforms[" + std::to_string(i) + "]";
      Entry item{path, list.key_node, list.value[i]};
      if (!expect_map(r_, item, path)) continue;
      out.forms.push_back(read_form(item, path, ids));
    }
  }

 private:
  domain::WebformDefinition read_form(const Entry& item, const std::string& path, std::set<std::string>& ids) {
    MapView m(r_, item.value, path, &kFormKeys);
    domain::WebformDefinition f;
    if (auto* x = m.require("id")) {
      if (auto id = read_text(r_, *x, m.path_of("id"))) {
        if (!is_campaign_id(*id)) {
          r_.error(mark_of(*x), m.path_of("id") + ": \"" + *id + "\" is not a valid id",
                   "use lower-case letters a-z, digits and '-', not at the start or end");
        } else if (!ids.insert(*id).second) {
          r_.error(mark_of(*x), "two web forms have the id \"" + *id + "\"", "give each web form its own id");
        }
        f.id = *id;
      }
    }
    const std::string where = f.id.empty() ? path : "web form \"" + f.id + "\"";
    if (auto* x = m.require("site", "add site: {en: ...}: the site's name as supporters will see it"))
      f.site = read_localized(r_, *x, where + " site", c_.languages);
    if (auto* x = m.find("charset")) {
      if (auto cs = read_text(r_, *x, where + " charset")) {
        if (!is_known_charset(*cs)) {
          r_.error(mark_of(*x), where + " charset: \"" + *cs + "\" is not a character set twinning knows",
                   "write the charset the page declares, e.g. UTF-8 or EUC-KR");
        } else {
          f.charset = *cs;
        }
      }
    }
    if (auto* x = m.find("automated")) f.automated = read_bool(r_, *x, where + " automated").value_or(false);
    if (f.automated && c_.demo) {
      r_.error(mark_of(*m.find("automated")),
               where + ": a demo campaign must not fill in forms automatically (its sites are fictional)",
               "write automated: false, or set demo: false");
    }
    if (auto* x = m.find("steps")) read_steps(*x, where, f);
    if (auto* x = m.find("form")) read_locator(*x, where, f);
    if (auto* x = m.find("submit")) read_submit(*x, where, f);
    if (auto* x = m.require("fields", "add fields: the form's fields, each with label, name, source and meaning"))
      read_fields(*x, where, f);
    if (auto* x = m.find("success")) f.success = read_signals(*x, where + " success");
    if (f.success.empty()) {
      const YAML::Mark at = m.find("success") ? mark_of(*m.find("success")) : m.mark();
      const std::string fix =
          "add success: [{text: ..., meaning: {...}}]: the text the site shows after sending, exactly as it appears";
      if (f.automated) {
        r_.error(at, where + " is automated but has no success text, so a sent form cannot be told from a refused one",
                 fix);
      } else {
        r_.warning(at, where + " has no success text: supporters are not told what the site shows when it worked", fix);
      }
    }
    if (auto* x = m.find("errors")) f.errors = read_signals(*x, where + " errors");
    if (auto* x = m.find("captcha_markers")) {
      if (auto words = read_text_list(r_, *x, where + " captcha_markers")) {
        for (const auto& [word, node] : *words) {
          if (word.empty()) {
            r_.error(node.Mark(), where + " captcha_markers: an empty marker matches every page",
                     "remove it, or write the word the captcha's element carries");
          } else {
            f.captcha_markers.push_back(word);
          }
        }
      }
    }
    return f;
  }

  void read_steps(const Entry& e, const std::string& where, domain::WebformDefinition& f) {
    if (!expect_list(r_, e, where + " steps")) return;
    for (std::size_t i = 0; i < e.value.size(); ++i) {
      const std::string path = where + " steps[" + std::to_string(i) + "]";
      Entry item{path, e.key_node, e.value[i]};
      if (!expect_map(r_, item, path)) continue;
      MapView m(r_, item.value, path, &kStepKeys);
      domain::WebformStep step;
      if (auto* x = m.require("text", "add text: {en: ...}: what the supporter does in this step"))
        step.text = read_localized(r_, *x, path + ".text", c_.languages);
      if (auto* x = m.find("url")) step.url = read_url(*x, path + ".url").value_or("");
      f.steps.push_back(std::move(step));
    }
  }

  void read_locator(const Entry& e, const std::string& where, domain::WebformDefinition& f) {
    if (!expect_map(r_, e, where + " form")) return;
    MapView m(r_, e.value, where + " form", &kLocatorKeys);
    if (auto* x = m.find("id")) f.form_id = read_text(r_, *x, m.path_of("id")).value_or("");
    if (auto* x = m.find("name")) f.form_name = read_text(r_, *x, m.path_of("name")).value_or("");
    if (auto* x = m.find("action")) f.form_action = read_text(r_, *x, m.path_of("action")).value_or("");
    if (m.entries().size() > 1) {
      r_.error(m.mark(), where + " form names the form in more than one way",
               "keep one of id, name or action: the one least likely to change");
    }
    if (m.entries().empty()) {
      r_.error(m.mark(), where + " form is empty",
               "write form: {id: ...}, {name: ...} or {action: ...}, or leave the key out");
    }
  }

  void read_submit(const Entry& e, const std::string& where, domain::WebformDefinition& f) {
    if (!expect_map(r_, e, where + " submit")) return;
    MapView m(r_, e.value, where + " submit", &kSubmitKeys);
    if (auto* x = m.require("label")) f.submit_label = nonempty_line(*x, m.path_of("label")).value_or("");
    if (auto* x = m.find("name")) f.submit_name = nonempty_line(*x, m.path_of("name")).value_or("");
    if (auto* x = m.find("value")) f.submit_value = read_text(r_, *x, m.path_of("value")).value_or("");
    if (m.find("value") && !m.find("name")) {
      r_.error(mark_of(*m.find("value")), where + " submit has a value but no name",
               "add name: the button's name attribute, or remove value");
    }
  }

  std::optional<std::string> nonempty_line(const Entry& e, const std::string& path) {
    auto v = read_text(r_, e, path);
    if (!v) return std::nullopt;
    if (v->empty()) {
      r_.error(mark_of(e), path + " is empty", "write it exactly as the site has it");
      return std::nullopt;
    }
    if (has_control_chars(*v, false)) {
      r_.error(mark_of(e), path + " holds a line break or control character", "write it on one line");
      return std::nullopt;
    }
    return v;
  }

  void read_fields(const Entry& e, const std::string& where, domain::WebformDefinition& f) {
    if (!expect_list(r_, e, where + " fields")) return;
    if (e.value.size() == 0) {
      r_.error(mark_of(e), where + " has no fields", "list the form's fields as the site shows them");
      return;
    }
    std::set<std::string> names;
    std::map<FieldSource, std::string> once;  // subject and body go in one field each
    for (std::size_t i = 0; i < e.value.size(); ++i) {
      const std::string path = where + " fields[" + std::to_string(i) + "]";
      Entry item{path, e.key_node, e.value[i]};
      if (!expect_map(r_, item, path)) continue;
      Marks marks;
      domain::WebformField field = read_field(item, path, marks);
      if (field.name.empty() && f.automated) {
        r_.error(marks.name, path + " has no name, which an automated form needs to find the field",
                 "add name: the field's HTML name attribute (in the page source: name=\"...\")");
      }
      if (!field.name.empty() && !names.insert(field.name).second) {
        r_.error(marks.name, path + ": two fields have the name \"" + field.name + "\"",
                 "each field of a form has its own name attribute");
      }
      if (marks.source_ok && (field.source == FieldSource::subject || field.source == FieldSource::body)) {
        auto [it, fresh] = once.emplace(field.source, field.label);
        if (!fresh) {
          r_.error(marks.source,
                   path + ": the " + std::string(domain::field_source_id(field.source)) + " already goes in \"" +
                       it->second + "\"",
                   "give each part of the message one field");
        }
      }
      f.fields.push_back(std::move(field));
    }
    if (!f.field_from(FieldSource::body)) {
      r_.warning(mark_of(e), where + " has no field with source: body, so the message itself goes nowhere",
                 "set source: body on the field that takes the message");
    }
  }

  // Where a field's name and source are written, for problems found across fields.
  struct Marks {
    YAML::Mark name, source;
    bool source_ok = false;
  };

  domain::WebformField read_field(const Entry& item, const std::string& path, Marks& marks) {
    MapView m(r_, item.value, path, &kFieldKeys);
    domain::WebformField field;
    marks.name = marks.source = m.mark();
    if (auto* x = m.require("label", "add label: the field's label exactly as the site shows it"))
      field.label = nonempty_line(*x, m.path_of("label")).value_or("");
    if (auto* x = m.find("name")) {
      marks.name = mark_of(*x);
      field.name = nonempty_line(*x, m.path_of("name")).value_or("");
    }
    bool source_ok = false;
    if (auto* x = m.require("source", "add source: " + join(domain::field_source_ids()))) {
      marks.source = mark_of(*x);
      if (auto s = read_text(r_, *x, m.path_of("source"))) {
        if (auto parsed = domain::parse_field_source(*s)) {
          field.source = *parsed;
          source_ok = marks.source_ok = true;
        } else {
          r_.error(mark_of(*x), m.path_of("source") + ": \"" + *s + "\" is not a source",
                   one_of(domain::field_source_ids(), *s));
        }
      }
    }
    if (auto* x = m.require("meaning", "add meaning: {en: ...}: what the field is for, in each language"))
      field.meaning = read_localized(r_, *x, m.path_of("meaning"), c_.languages);
    if (auto* x = m.find("note")) field.note = read_localized(r_, *x, m.path_of("note"), c_.languages);
    if (auto* x = m.find("required")) field.required = read_bool(r_, *x, m.path_of("required")).value_or(false);
    if (auto* x = m.find("max_chars")) {
      auto n = read_integer(r_, *x, m.path_of("max_chars"));
      if (n && (*n < 1 || *n > kMaxFieldChars)) {
        r_.error(mark_of(*x), m.path_of("max_chars") + " must be between 1 and " + std::to_string(kMaxFieldChars),
                 "write the most characters the site accepts, or leave the key out when there is no limit");
      } else if (n) {
        field.max_chars = static_cast<std::size_t>(*n);
      }
    }
    if (auto* x = m.find("format")) {
      if (auto s = read_text(r_, *x, m.path_of("format"))) {
        if (auto parsed = domain::parse_field_format(*s)) {
          field.format = *parsed;
        } else {
          r_.error(mark_of(*x), m.path_of("format") + ": \"" + *s + "\" is not a format",
                   one_of(domain::field_format_ids(), *s));
        }
      }
    } else if (field.source == FieldSource::body) {
      field.format = domain::FieldFormat::multiline;
    }
    const Entry* text = m.find("text");
    if (text != nullptr) field.text = read_text(r_, *text, m.path_of("text")).value_or("");
    if (source_ok) check_text(m, text, path, field);
    return field;
  }

  // placeholder and fixed need their value; supporter.phone may have a stand-in; the others take
  // theirs from elsewhere, so a text there would be ignored (and is a mistake).
  void check_text(const MapView& m, const Entry* text, const std::string& path, const domain::WebformField& field) {
    const std::string source(domain::field_source_id(field.source));
    switch (field.source) {
      case FieldSource::placeholder:
      case FieldSource::fixed:
        if (text == nullptr) {
          r_.error(m.mark(), path + ": source " + source + " needs text: the value to enter",
                   "add text: e.g. \"000-000-0000\"");
          return;
        }
        break;
      case FieldSource::supporter_phone:
        if (text == nullptr) return;
        break;
      case FieldSource::supporter_name:
      case FieldSource::supporter_email:
      case FieldSource::subject:
      case FieldSource::body:
      case FieldSource::site:
        if (text != nullptr) {
          r_.error(mark_of(*text), path + ": source " + source + " takes its value elsewhere, so text is not used",
                   "remove text, or use source: fixed");
        }
        return;
    }
    if (auto problem = domain::value_problem(field, field.text)) {
      r_.error(mark_of(*text), path + ": the text \"" + field.text + "\" does not fit the field: " + *problem,
               "write a value the site accepts");
    }
  }

  std::vector<domain::WebformSignal> read_signals(const Entry& e, const std::string& path) {
    std::vector<domain::WebformSignal> out;
    if (!expect_list(r_, e, path)) return out;
    for (std::size_t i = 0; i < e.value.size(); ++i) {
      const std::string item_path = path + "[" + std::to_string(i) + "]";
      Entry item{item_path, e.key_node, e.value[i]};
      if (!expect_map(r_, item, item_path)) continue;
      MapView m(r_, item.value, item_path, &kSignalKeys);
      domain::WebformSignal s;
      if (auto* x = m.require("text", "add text: exactly as the site shows it"))
        s.text = nonempty_line(*x, m.path_of("text")).value_or("");
      if (auto* x = m.require("meaning", "add meaning: {en: ...}: what the text says, in each language"))
        s.meaning = read_localized(r_, *x, m.path_of("meaning"), c_.languages);
      if (!s.text.empty()) out.push_back(std::move(s));
    }
    return out;
  }

  std::optional<std::string> read_url(const Entry& e, const std::string& path) {
    auto v = read_text(r_, e, path);
    if (!v) return std::nullopt;
    if (!is_http_url(*v)) {
      r_.error(mark_of(e), path + ": \"" + *v + "\" is not an http or https address",
               "write the full address, starting with https://");
      return std::nullopt;
    }
    const std::string host = domain::url_host(*v);
    if (c_.demo && !is_reserved_host(host)) {
      r_.error(mark_of(e), path + ": a demo campaign must not reach real people, but \"" + host + "\" is a real domain",
               "use a fictional address under example.org, or set demo: false");
      return std::nullopt;
    }
    return v;
  }

  Reporter& r_;
  domain::Campaign& c_;
};

// The targets' `contact.web_form: {url, form}` maps: known keys, and a form that exists.
void read_references(Reporter& r, const Entry& targets, const domain::Campaign& c, domain::Webforms& out) {
  if (!targets.value.IsSequence()) return;  // reported by the campaign reader
  std::vector<std::string> ids;
  for (const auto& f : out.forms) ids.push_back(f.id);
  for (std::size_t i = 0; i < targets.value.size(); ++i) {
    const YAML::Node target = targets.value[i];
    if (!target.IsMap() || !target["contact"] || !target["contact"].IsMap()) continue;
    const YAML::Node web_form = target["contact"]["web_form"];
    if (!web_form) continue;
    const std::string id = target["id"] && target["id"].IsScalar() ? target["id"].Scalar() : "";
    const std::string where = id.empty() ? "targets[" + std::to_string(i) + "]" : "target \"" + id + "\"";
    if (!web_form.IsMap()) {
      // The address alone still works: supporters get it, without steps.
      const domain::Target* t = c.find_target(id);
      const bool by_webform = t != nullptr && std::find(t->channels.begin(), t->channels.end(),
                                                        domain::Channel::webform) != t->channels.end();
      if (by_webform && !out.forms.empty()) {
        r.warning(web_form.Mark(), where + " is reached by webform but names no web form definition",
                  "write contact.web_form: {url: ..., form: <id>} so supporters get the steps, not only the address");
      }
      continue;
    }
    MapView m(r, web_form, where + " contact.web_form", &kWebFormRefKeys);
    m.require("url", "add url: the address of the target's own contact form");
    const Entry* form = m.require("form", "add form: the id of one of the webforms, or write the address alone");
    if (form == nullptr) continue;
    auto form_id = read_text(r, *form, m.path_of("form"));
    if (!form_id) continue;
    if (out.find(*form_id) == nullptr) {
      r.error(mark_of(*form), where + ": there is no web form \"" + *form_id + "\"",
              ids.empty() ? "add it under webforms" : one_of(ids, *form_id) + ", or add it under webforms");
      continue;
    }
    if (!id.empty()) out.form_of_target[id] = *form_id;
  }
}

}  // namespace

std::optional<MapView::Entry> web_form_url_entry(const MapView::Entry& web_form) {
  if (!web_form.value.IsMap()) return web_form;
  for (const auto& kv : web_form.value) {
    if (kv.first.IsScalar() && kv.first.Scalar() == "url") return MapView::Entry{"url", kv.first, kv.second};
  }
  return std::nullopt;
}

void read_webforms(Reporter& r, const MapView::Entry* webforms, const MapView::Entry* targets, domain::Campaign& c) {
  auto out = std::make_shared<domain::Webforms>();
  if (webforms != nullptr) DefinitionReader(r, c).read_all(*webforms, *out);
  if (targets != nullptr) read_references(r, *targets, c, *out);
  if (webforms != nullptr || !out->form_of_target.empty()) c.webforms = std::move(out);
}

}  // namespace twinning::campaign
