#include "render/text.hpp"

#include "i18n/grammar.hpp"
#include "render/mustache_data.hpp"

namespace twinning::render::detail {

void put_dotted(mstch::data& root, std::string_view dotted, const std::string& value) {
  auto dot = dotted.find('.');
  const std::string head(dotted.substr(0, dot));
  if (dot == std::string_view::npos) {
    root.set(head, value.empty() ? mstch::data(false) : mstch::data(value));
    return;
  }
  const mstch::data* existing = root.get(head);
  mstch::data child =
      (existing != nullptr && existing->is_object()) ? *existing : mstch::data(mstch::data::type::object);
  put_dotted(child, dotted.substr(dot + 1), value);
  root.set(head, child);
}

}  // namespace twinning::render::detail

namespace twinning::render {

namespace mstch = kainjow::mustache;

namespace {

// The grammar helpers as section lambdas ({{#ko.eun_neun}}{{home.name}}{{/ko.eun_neun}}): the
// section is rendered first, then the helper applies to the result. A variable never shadows a
// helper because no variable shares a helper's first name part (ko, da, en).
void add_grammar_helpers(mstch::data& root) {
  for (const auto& helper : i18n::grammar::helpers()) {
    const auto dot = helper.name.find('.');
    const std::string group = helper.name.substr(0, dot);
    const mstch::data* existing = root.get(group);
    mstch::data child =
        (existing != nullptr && existing->is_object()) ? *existing : mstch::data(mstch::data::type::object);
    auto apply = helper.apply;
    child.set(helper.name.substr(dot + 1),
              mstch::lambda2{[apply](const std::string& text, const mstch::renderer& render) {
                return apply(render(text));
              }});
    root.set(group, child);
  }
}

}  // namespace

Result<std::string> render_text(const std::string& tmpl, const Vars& vars) {
  mstch::mustache m{tmpl};
  if (!m.is_valid()) {
    return Error::make(ErrorKind::invalid_campaign, "a campaign text does not parse: " + m.error_message());
  }
  m.set_custom_escape([](const std::string& s) { return s; });
  mstch::data data = detail::object_from(vars);
  add_grammar_helpers(data);
  std::string out = m.render(data);
  if (!m.is_valid()) {
    return Error::make(ErrorKind::invalid_campaign, "a campaign text failed to render: " + m.error_message());
  }
  return out;
}

std::string fill(const std::string& tmpl, const Vars& vars) {
  auto r = render_text(tmpl, vars);
  return r.ok() ? r.value() : tmpl;
}

std::vector<std::string> paragraphs(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  std::size_t pos = 0;
  auto flush = [&] {
    while (!current.empty() && (current.back() == '\n' || current.back() == ' ')) current.pop_back();
    if (!current.empty()) out.push_back(std::move(current));
    current.clear();
  };
  while (pos <= text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
    if (blank) {
      flush();
    } else {
      if (!current.empty()) current += '\n';
      current += line;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  flush();
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace twinning::render
