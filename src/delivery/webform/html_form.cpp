#include "delivery/webform/html_form.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>

namespace twinning::delivery::webform {
namespace {

struct FreeDoc {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is(const xmlNode* n, const char* tag) {
  return n->type == XML_ELEMENT_NODE && xmlStrcasecmp(n->name, reinterpret_cast<const xmlChar*>(tag)) == 0;
}

std::optional<std::string> attr(const xmlNode* n, const char* name) {
  for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
    if (xmlStrcasecmp(a->name, reinterpret_cast<const xmlChar*>(name)) != 0) continue;
    xmlChar* v = xmlNodeListGetString(n->doc, a->children, 1);
    std::string out = v != nullptr ? reinterpret_cast<const char*>(v) : "";
    xmlFree(v);
    return out;
  }
  return std::nullopt;
}

std::string attr_or(const xmlNode* n, const char* name) { return attr(n, name).value_or(""); }

std::string text_of(const xmlNode* n) {
  xmlChar* v = xmlNodeGetContent(n);
  std::string out = v != nullptr ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return out;
}

// The next node in document order, without recursion: a hostile page may nest deeply.
const xmlNode* next_in_order(const xmlNode* n, const xmlNode* root, bool enter) {
  if (enter && n->children != nullptr) return n->children;
  while (n != nullptr && n != root) {
    if (n->next != nullptr) return n->next;
    n = n->parent;
  }
  return nullptr;
}

// Deeper than any real page; the bound keeps a hostile one from costing depth x size.
constexpr int kMaxAncestors = 512;

const xmlNode* form_ancestor(const xmlNode* n) {
  int depth = 0;
  for (const xmlNode* p = n->parent; p != nullptr && depth < kMaxAncestors; p = p->parent, ++depth) {
    if (is(p, "form")) return p;
  }
  return nullptr;
}

// Builds a control from an element, or nothing for elements that are not controls.
std::optional<Control> control_of(const xmlNode* n) {
  Control c;
  if (is(n, "input")) {
    c.tag = "input";
    c.type = lower(attr_or(n, "type"));
    if (c.type.empty()) c.type = "text";
    c.value = attr_or(n, "value");
    c.checked = attr(n, "checked").has_value();
  } else if (is(n, "textarea")) {
    c.tag = "textarea";
    c.value = text_of(n);
    // As browsers do: one line break right after <textarea> belongs to the markup.
    if (!c.value.empty() && c.value.front() == '\n') c.value.erase(0, 1);
  } else if (is(n, "select")) {
    c.tag = "select";
    const xmlNode* first = nullptr;
    const xmlNode* chosen = nullptr;
    for (const xmlNode* o = n->children; o != nullptr; o = next_in_order(o, n, !is(o, "option"))) {
      if (!is(o, "option")) continue;
      if (first == nullptr) first = o;
      if (attr(o, "selected")) chosen = o;
    }
    if (chosen == nullptr) chosen = first;
    if (chosen != nullptr) c.value = attr(chosen, "value").value_or(text_of(chosen));
  } else if (is(n, "button")) {
    c.tag = "button";
    c.type = lower(attr_or(n, "type"));
    if (c.type.empty()) c.type = "submit";
    c.value = attr_or(n, "value");
  } else {
    return std::nullopt;
  }
  c.name = attr_or(n, "name");
  c.id = attr_or(n, "id");
  c.disabled = attr(n, "disabled").has_value();
  c.required = attr(n, "required").has_value();
  if (auto ml = attr(n, "maxlength")) {
    std::size_t v = 0;
    auto [end, ec] = std::from_chars(ml->data(), ml->data() + ml->size(), v);
    if (ec == std::errc() && end == ml->data() + ml->size()) c.maxlength = v;
  }
  return c;
}

class Collector {
 public:
  Collector(const std::vector<std::string>& extra_markers, const ParseLimits& limits) : limits_(limits) {
    for (const char* m : {"captcha", "recaptcha", "hcaptcha", "turnstile"}) markers_.emplace_back(m);
    for (const auto& m : extra_markers) {
      if (!m.empty()) extra_.push_back(lower(m));
    }
    markers_.insert(markers_.end(), extra_.begin(), extra_.end());
  }

  Page collect(const xmlNode* root) {
    for (const xmlNode* n = root; n != nullptr; n = next_in_order(n, root, true)) {
      if (n->type == XML_TEXT_NODE) {
        look_at_text(n);
        continue;
      }
      if (n->type != XML_ELEMENT_NODE) continue;
      if (is(n, "form")) {
        if (page_.forms.size() >= limits_.max_forms) continue;
        Form f;
        f.id = attr_or(n, "id");
        f.name = attr_or(n, "name");
        f.action = attr_or(n, "action");
        f.method = lower(attr_or(n, "method"));
        f.enctype = lower(attr_or(n, "enctype"));
        f.accept_charset = attr_or(n, "accept-charset");
        page_.forms.push_back(std::move(f));
        elements_.push_back(n);
        has_own_controls_.push_back(holds_controls(n));
        continue;
      }
      if (is(n, "script")) {
        const std::string src = lower(attr_or(n, "src"));
        for (const char* api : {"recaptcha", "hcaptcha", "turnstile"}) {
          if (src.find(api) != std::string::npos) page_.captcha_scripts.push_back("script src=" + src);
        }
      }
      const auto owner = owner_of(n);
      if (owner) look_at_element(n, *owner);
      if (auto c = control_of(n); c && owner) {
        auto& controls = page_.forms[*owner].controls;
        if (controls.size() < limits_.max_controls) controls.push_back(std::move(*c));
      }
    }
    return std::move(page_);
  }

 private:
  // The form a node belongs to: its form ancestor, the form its form= attribute names, or the
  // form before it when that form element holds no control (see parse_page).
  std::optional<std::size_t> owner_of(const xmlNode* n) const {
    if (const xmlNode* f = form_ancestor(n)) {
      auto it = std::find(elements_.begin(), elements_.end(), f);
      if (it != elements_.end()) return static_cast<std::size_t>(it - elements_.begin());
      return std::nullopt;  // a form past max_forms
    }
    if (auto named = attr(n, "form")) {
      for (std::size_t i = 0; i < page_.forms.size(); ++i) {
        if (!named->empty() && page_.forms[i].id == *named) return i;
      }
    }
    if (page_.forms.empty() || has_own_controls_.back()) return std::nullopt;
    return page_.forms.size() - 1;
  }

  static bool holds_controls(const xmlNode* form) {
    for (const xmlNode* d = form->children; d != nullptr; d = next_in_order(d, form, true)) {
      if (is(d, "input") || is(d, "textarea") || is(d, "select") || is(d, "button")) return true;
    }
    return false;
  }

  bool marked(const std::string& value, const std::vector<std::string>& markers) const {
    const std::string v = lower(value);
    return std::any_of(markers.begin(), markers.end(), [&](const std::string& m) { return v.find(m) != std::string::npos; });
  }

  void look_at_element(const xmlNode* n, std::size_t form) {
    for (const char* a : {"id", "name", "class", "src", "alt", "title", "data-sitekey"}) {
      auto v = attr(n, a);
      if (!v) continue;
      if ((std::string(a) == "data-sitekey") || marked(*v, markers_)) {
        page_.forms[form].captcha.push_back(reinterpret_cast<const char*>(n->name) + std::string(" ") + a + "=" + *v);
        return;
      }
    }
  }

  // Only the campaign's own markers are looked for in text ("자동입력방지"): the word "captcha" in a
  // page's prose is too common to mean one.
  void look_at_text(const xmlNode* n) {
    if (extra_.empty() || n->content == nullptr) return;
    const xmlNode* f = form_ancestor(n);
    if (f == nullptr) return;
    auto it = std::find(elements_.begin(), elements_.end(), f);
    if (it == elements_.end()) return;
    const std::string text = reinterpret_cast<const char*>(n->content);
    if (marked(text, extra_)) page_.forms[static_cast<std::size_t>(it - elements_.begin())].captcha.push_back("text " + text);
  }

  ParseLimits limits_;
  std::vector<std::string> markers_, extra_;
  Page page_;
  std::vector<const xmlNode*> elements_;  // the form elements, by index in page_.forms
  std::vector<bool> has_own_controls_;     // by index in page_.forms
};

}  // namespace

Result<Page> parse_page(std::string_view utf8, const std::vector<std::string>& captcha_markers,
                        const ParseLimits& limits) {
  if (utf8.size() > limits.max_bytes || utf8.size() > static_cast<std::size_t>(INT32_MAX)) {
    return Error::make(ErrorKind::bad_request, "the page is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  // The page is decoded already: telling libxml2 it is UTF-8 also stops it from switching to a
  // <meta charset> it would meet on the way. NONET: an HTML page must never make us fetch.
  if (utf8.empty()) return Page{};  // libxml2 makes no document of nothing
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
  std::unique_ptr<xmlDoc, FreeDoc> doc(
      htmlReadMemory(utf8.data(), static_cast<int>(utf8.size()), nullptr, "UTF-8", options));
  if (!doc) return Error::make(ErrorKind::bad_request, "the page is not HTML that can be read");
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr) return Page{};
  return Collector(captcha_markers, limits).collect(root);
}

}  // namespace twinning::delivery::webform
