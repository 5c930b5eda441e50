#include "campaign/template_check.hpp"

#include <kainjow/mustache.hpp>

#include <algorithm>

#include "i18n/grammar.hpp"

namespace twinning::campaign {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

TemplateTag::Kind kind_of(char sigil) {
  switch (sigil) {
    case '#': return TemplateTag::Kind::section;
    case '^': return TemplateTag::Kind::inverted;
    case '/': return TemplateTag::Kind::close;
    case '!': return TemplateTag::Kind::comment;
    case '&': return TemplateTag::Kind::unescaped;
    case '>': return TemplateTag::Kind::partial;
    case '=': return TemplateTag::Kind::set_delimiter;
    default: return TemplateTag::Kind::variable;
  }
}

bool uses_variable(TemplateTag::Kind k) {
  switch (k) {
    case TemplateTag::Kind::variable:
    case TemplateTag::Kind::unescaped:
    case TemplateTag::Kind::section:
    case TemplateTag::Kind::inverted:
      return true;
    case TemplateTag::Kind::close:
    case TemplateTag::Kind::comment:
    case TemplateTag::Kind::partial:
    case TemplateTag::Kind::set_delimiter:
      return false;
  }
  return false;
}

}  // namespace

TemplateScan scan_template(std::string_view text) {
  TemplateScan scan;
  std::size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    TemplateTag tag;
    tag.offset = pos;
    const bool triple = text.substr(pos, 3) == "{{{";
    const std::string_view closer = triple ? "}}}" : "}}";
    const std::size_t inner_start = pos + (triple ? 3 : 2);
    const std::size_t end = text.find(closer, inner_start);
    if (end == std::string_view::npos) {
      scan.issues.push_back({pos, "a tag opened with \"" + std::string(triple ? "{{{" : "{{") + "\" is never closed",
                             "close it with \"" + std::string(closer) + "\""});
      return scan;
    }
    std::string_view inner = text.substr(inner_start, end - inner_start);
    tag.length = end + closer.size() - pos;
    if (triple) {
      tag.kind = TemplateTag::Kind::unescaped;
      tag.name = std::string(trim(inner));
    } else {
      std::string_view body = trim(inner);
      tag.kind = body.empty() ? TemplateTag::Kind::variable : kind_of(body.front());
      if (tag.kind != TemplateTag::Kind::variable) body.remove_prefix(1);
      tag.name = std::string(trim(body));
    }
    scan.tags.push_back(std::move(tag));
    pos = end + closer.size();
  }
  return scan;
}

std::vector<TemplateIssue> check_template(std::string_view text, const std::vector<std::string>& allowed) {
  TemplateScan scan = scan_template(text);
  std::vector<TemplateIssue> issues = std::move(scan.issues);
  std::vector<const TemplateTag*> open_sections;
  bool structure_ok = issues.empty();
  for (const TemplateTag& tag : scan.tags) {
    const std::string shown = std::string(text.substr(tag.offset, tag.length));
    switch (tag.kind) {
      case TemplateTag::Kind::partial:
        issues.push_back({tag.offset, "partials (" + shown + ") are not supported in campaign texts",
                          "write the text out in place"});
        structure_ok = false;
        continue;
      case TemplateTag::Kind::set_delimiter:
        issues.push_back({tag.offset, "changing the delimiters (" + shown + ") is not supported in campaign texts",
                          "keep the {{ }} delimiters"});
        structure_ok = false;
        continue;
      case TemplateTag::Kind::comment:
        continue;
      case TemplateTag::Kind::close:
        if (open_sections.empty() || open_sections.back()->name != tag.name) {
          issues.push_back({tag.offset,
                            shown + " closes a section that is not open" +
                                (open_sections.empty() ? "" : " (the open one is {{#" + open_sections.back()->name + "}})"),
                            open_sections.empty() ? "remove it or add the matching {{#" + tag.name + "}} before it"
                                                  : "close {{#" + open_sections.back()->name + "}} first"});
          structure_ok = false;
        } else {
          open_sections.pop_back();
        }
        continue;
      case TemplateTag::Kind::section:
      case TemplateTag::Kind::inverted:
        open_sections.push_back(&tag);
        break;
      case TemplateTag::Kind::variable:
      case TemplateTag::Kind::unescaped:
        break;
    }
    if (!uses_variable(tag.kind)) continue;
    // Grammar helpers are sections that wrap a word; used any other way kainjow would fail at
    // render time, so check says how to write them.
    if (const auto* helper = i18n::grammar::find_helper(tag.name); helper != nullptr) {
      if (tag.kind != TemplateTag::Kind::section) {
        issues.push_back({tag.offset, shown + " is a grammar helper (" + helper->example + "), not a variable",
                          "wrap the word in it: {{#" + tag.name + "}}{{home.name}}{{/" + tag.name + "}}"});
      }
      continue;
    }
    if (tag.name.empty() || !std::all_of(tag.name.begin(), tag.name.end(), is_name_char)) {
      issues.push_back({tag.offset, shown + " is not a variable name", "use one of: " + join(allowed)});
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), tag.name) == allowed.end()) {
      issues.push_back({tag.offset, "unknown variable {{" + tag.name + "}} in this text",
                        "use one of: " + join(allowed)});
    }
  }
  for (const TemplateTag* open : open_sections) {
    issues.push_back({open->offset, "the section " + std::string(text.substr(open->offset, open->length)) + " is never closed",
                      "add {{/" + open->name + "}} where it ends"});
    structure_ok = false;
  }
  // Our scan mirrors kainjow's grammar; kainjow has the last word in case they ever differ.
  if (structure_ok) {
    kainjow::mustache::mustache parsed{std::string(text)};
    if (!parsed.is_valid()) {
      issues.push_back({0, "the template does not parse: " + parsed.error_message(), "fix the Mustache syntax"});
    }
  }
  return issues;
}

}  // namespace twinning::campaign
