#include "domain/webform.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace twinning::domain {

std::string_view field_source_id(FieldSource s) {
  switch (s) {
    case FieldSource::supporter_name: return "supporter.name";
    case FieldSource::supporter_email: return "supporter.email";
    case FieldSource::supporter_phone: return "supporter.phone";
    case FieldSource::placeholder: return "placeholder";
    case FieldSource::subject: return "subject";
    case FieldSource::body: return "body";
    case FieldSource::fixed: return "fixed";
    case FieldSource::site: return "site";
  }
  return "";
}

namespace {

constexpr std::array<FieldSource, 8> kSources = {FieldSource::supporter_name, FieldSource::supporter_email,
                                                FieldSource::supporter_phone, FieldSource::placeholder,
                                                FieldSource::subject,         FieldSource::body,
                                                FieldSource::fixed,           FieldSource::site};
constexpr std::array<FieldFormat, 4> kFormats = {FieldFormat::line, FieldFormat::multiline, FieldFormat::email,
                                                FieldFormat::phone};

bool is_space_byte(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// Byte offsets where each code point of valid UTF-8 starts, and the text's size at the end.
std::vector<std::size_t> code_point_starts(std::string_view s) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  out.push_back(s.size());
  return out;
}

// Sentence ends people write in the campaign languages: ASCII and the full-width forms used in
// Korean, Chinese and Japanese text.
bool ends_sentence(std::string_view s, std::size_t at, std::size_t& after) {
  for (std::string_view mark : {".", "!", "?", "\xE3\x80\x82" /* 。 */, "\xEF\xBC\x81" /* ！ */, "\xEF\xBC\x9F" /* ？ */}) {
    if (s.compare(at, mark.size(), mark) == 0) {
      after = at + mark.size();
      return true;
    }
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space_byte(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space_byte(s.back())) s.remove_suffix(1);
  return s;
}

// Where to cut `rest` so that the part before holds at most `max_chars` code points: the end
// of the best boundary inside the window, or the window's end.
std::size_t cut_point(std::string_view rest, std::size_t max_chars) {
  const auto starts = code_point_starts(rest);
  const std::size_t window = starts[std::min(max_chars, starts.size() - 1)];
  std::size_t paragraph = 0, sentence = 0, space = 0;
  // A break right after the window still leaves a part that fits, hence `i <= window`.
  for (std::size_t i = 0; i <= window && i < rest.size(); ++i) {
    if (rest[i] == '\n' && i + 1 < rest.size() && rest[i + 1] == '\n') paragraph = i;
    std::size_t after = 0;
    if (ends_sentence(rest, i, after) && after <= window && (after == rest.size() || is_space_byte(rest[after]))) {
      sentence = after;
    }
    if (is_space_byte(rest[i])) space = i;
  }
  // The strongest boundary wins unless it leaves the part less than half full (many short
  // parts are more work to send than a cut mid-paragraph); a cut giving an empty part never
  // wins, since it would make no progress.
  for (bool half_full : {true, false}) {
    for (std::size_t cut : {paragraph, sentence, space}) {
      if (trim(rest.substr(0, cut)).empty()) continue;
      if (!half_full || cut * 2 >= window) return cut;
    }
  }
  return window;
}

}  // namespace

std::optional<FieldSource> parse_field_source(std::string_view id) {
  for (FieldSource s : kSources) {
    if (field_source_id(s) == id) return s;
  }
  return std::nullopt;
}

const std::vector<std::string>& field_source_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (FieldSource s : kSources) out.emplace_back(field_source_id(s));
    return out;
  }();
  return ids;
}

std::string_view field_format_id(FieldFormat f) {
  switch (f) {
    case FieldFormat::line: return "line";
    case FieldFormat::multiline: return "multiline";
    case FieldFormat::email: return "email";
    case FieldFormat::phone: return "phone";
  }
  return "";
}

std::optional<FieldFormat> parse_field_format(std::string_view id) {
  for (FieldFormat f : kFormats) {
    if (field_format_id(f) == id) return f;
  }
  return std::nullopt;
}

const std::vector<std::string>& field_format_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (FieldFormat f : kFormats) out.emplace_back(field_format_id(f));
    return out;
  }();
  return ids;
}

const WebformField* WebformDefinition::field_named(std::string_view field_name) const {
  for (const auto& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

const WebformField* WebformDefinition::field_from(FieldSource s) const {
  for (const auto& f : fields) {
    if (f.source == s) return &f;
  }
  return nullptr;
}

const WebformDefinition* Webforms::find(std::string_view form_id) const {
  for (const auto& f : forms) {
    if (f.id == form_id) return &f;
  }
  return nullptr;
}

const WebformDefinition* Webforms::for_target(std::string_view target_id) const {
  auto it = form_of_target.find(std::string(target_id));
  return it == form_of_target.end() ? nullptr : find(it->second);
}

const WebformDefinition* webform_for(const Campaign& c, std::string_view target_id) {
  return c.webforms ? c.webforms->for_target(target_id) : nullptr;
}

std::string url_host(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    rest = rest.substr(0, rest.find(']') == std::string_view::npos ? rest.size() : rest.find(']') + 1);
  } else {
    rest = rest.substr(0, rest.find(':'));
  }
  std::string host(rest);
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host;
}

bool automation_allowed(const WebformDefinition& form, std::string_view form_url,
                        const std::vector<std::string>& automated_hosts) {
  if (!form.automated) return false;
  const std::string host = url_host(form_url);
  if (host.empty()) return false;
  return std::any_of(automated_hosts.begin(), automated_hosts.end(), [&](const std::string& allowed) {
    std::string h = allowed;
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return h == host;
  });
}

std::optional<std::string> value_problem(const WebformField& field, std::string_view value) {
  const std::size_t chars = code_point_starts(value).size() - 1;
  if (field.max_chars > 0 && chars > field.max_chars) {
    return std::to_string(chars) + " characters, more than the " + std::to_string(field.max_chars) +
           " the site takes";
  }
  if (value.empty()) return std::nullopt;
  switch (field.format) {
    case FieldFormat::line:
      if (value.find_first_of("\r\n") != std::string_view::npos) return std::string("a line break in a one-line field");
      return std::nullopt;
    case FieldFormat::multiline: return std::nullopt;
    case FieldFormat::email: {
      const auto at = value.find('@');
      const bool ok = at != std::string_view::npos && at > 0 && at + 1 < value.size() &&
                      value.find('@', at + 1) == std::string_view::npos &&
                      value.find_first_of(" \t\r\n<>,;") == std::string_view::npos;
      if (!ok) return std::string("not an email address");
      return std::nullopt;
    }
    case FieldFormat::phone: {
      const bool ok = value.find_first_not_of("0123456789 +-()") == std::string_view::npos &&
                      value.find_first_of("0123456789") != std::string_view::npos;
      if (!ok) return std::string("not a phone number (digits, spaces, +, -, parentheses)");
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::vector<std::string> split_to_fit(std::string_view text, std::size_t max_chars) {
  std::vector<std::string> parts;
  std::string_view rest = trim(text);
  if (max_chars == 0 || code_point_starts(rest).size() - 1 <= max_chars) {
    parts.emplace_back(rest);
    return parts;
  }
  while (!rest.empty()) {
    if (code_point_starts(rest).size() - 1 <= max_chars) {
      parts.emplace_back(rest);
      break;
    }
    const std::size_t cut = cut_point(rest, max_chars);
    parts.emplace_back(trim(rest.substr(0, cut)));
    rest = trim(rest.substr(cut));
  }
  return parts;
}

}  // namespace twinning::domain
