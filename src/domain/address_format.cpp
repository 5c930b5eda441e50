#include "domain/address_format.hpp"

#include <unicode/locid.h>
#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/utf8.hpp"

namespace twinning::domain {

namespace {

using icu::UnicodeString;
using nlohmann::json;

UnicodeString u16(std::string_view s) {
  return UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

std::string u8(const UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

std::string upper(std::string_view s) {
  UnicodeString x = u16(s);
  x.toUpper(icu::Locale::getRoot());
  return u8(x);
}

std::string lower(std::string_view s) {
  UnicodeString x = u16(s);
  x.toLower(icu::Locale::getRoot());
  return u8(x);
}

// A compiled ICU regex. The data's patterns are Perl's; ICU reads the same syntax for everything
// the data uses (\d, \w, \b, \h, (?i), anchors) with Unicode semantics, which std::regex lacks.
// A RegexPattern may be shared by threads; each use makes its own matcher.
class Regex {
 public:
  static Result<Regex> compile(std::string_view pattern, uint32_t flags = 0) {
    UErrorCode status = U_ZERO_ERROR;
    UParseError where{};
    std::shared_ptr<const icu::RegexPattern> p(icu::RegexPattern::compile(u16(pattern), flags, where, status));
    if (U_FAILURE(status) || !p) {
      return Error::make(ErrorKind::unavailable, "the regex \"" + std::string(pattern) + "\" does not compile (" +
                                                     u_errorName(status) + " at offset " +
                                                     std::to_string(where.offset) + ")");
    }
    return Regex(std::move(p));
  }

  // For the fixed patterns of this file: they are tested, so a failure is a bug.
  static Regex fixed(std::string_view pattern, uint32_t flags = 0) {
    auto r = compile(pattern, flags);
    if (!r.ok()) throw std::logic_error(r.error().message);
    return std::move(r).value();
  }

  bool found_in(const UnicodeString& text) const { return search(text, nullptr); }

  // The first match; `groups` gets group 0..n, with an empty string for a group that did not
  // take part (Perl's undef interpolates as "").
  bool search(const UnicodeString& text, std::vector<UnicodeString>* groups) const {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexMatcher> m(p_->matcher(text, status));
    if (U_FAILURE(status) || !m->find(status) || U_FAILURE(status)) return false;
    if (groups != nullptr) {
      groups->clear();
      for (int32_t g = 0; g <= m->groupCount(); ++g) {
        UErrorCode gs = U_ZERO_ERROR;
        UnicodeString v = m->start(g, gs) < 0 ? UnicodeString() : m->group(g, gs);
        groups->push_back(U_FAILURE(gs) ? UnicodeString() : v);
      }
    }
    return true;
  }

  // Perl's s/re/literal/ (first match) and s/re/literal/g: the replacement is inserted as it is.
  UnicodeString replace_first(const UnicodeString& text, const UnicodeString& literal) const {
    return replace(text, literal, false);
  }
  UnicodeString replace_all(const UnicodeString& text, const UnicodeString& literal) const {
    return replace(text, literal, true);
  }

  // Where each match starts and ends, left to right.
  std::vector<std::pair<int32_t, int32_t>> spans(const UnicodeString& text) const {
    std::vector<std::pair<int32_t, int32_t>> out;
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexMatcher> m(p_->matcher(text, status));
    if (U_FAILURE(status)) return out;
    while (m->find(status) && U_SUCCESS(status)) out.emplace_back(m->start(status), m->end(status));
    return out;
  }

  // Every match replaced by what `f` makes of its group 1 (Perl's s/re/f($1)/eg).
  template <typename F>
  UnicodeString replace_each(const UnicodeString& text, F f) const {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexMatcher> m(p_->matcher(text, status));
    if (U_FAILURE(status)) return text;
    UnicodeString out;
    int32_t last = 0;
    while (m->find(status) && U_SUCCESS(status)) {
      const int32_t start = m->start(status);
      out.append(text, last, start - last);
      out.append(f(m->group(1, status)));
      last = m->end(status);
    }
    out.append(text, last, text.length() - last);
    return out;
  }

 private:
  explicit Regex(std::shared_ptr<const icu::RegexPattern> p) : p_(std::move(p)) {}

  UnicodeString replace(const UnicodeString& text, const UnicodeString& literal, bool all) const {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexMatcher> m(p_->matcher(text, status));
    if (U_FAILURE(status)) return text;
    UnicodeString escaped;
    for (int32_t i = 0; i < literal.length(); ++i) {
      const char16_t c = literal.charAt(i);
      if (c == u'$' || c == u'\\') escaped.append(u'\\');
      escaped.append(c);
    }
    UnicodeString out = all ? m->replaceAll(escaped, status) : m->replaceFirst(escaped, status);
    return U_FAILURE(status) ? text : out;
  }

  std::shared_ptr<const icu::RegexPattern> p_;
};

// Perl's split(/sep/, text): fields between the separators, trailing empty fields dropped (and so
// an empty text gives no field at all).
std::vector<UnicodeString> perl_split(const UnicodeString& text, const UnicodeString& sep) {
  std::vector<UnicodeString> out;
  int32_t from = 0;
  while (true) {
    const int32_t at = text.indexOf(sep, from);
    if (at < 0) {
      out.push_back(UnicodeString(text, from));
      break;
    }
    out.push_back(UnicodeString(text, from, at - from));
    from = at + sep.length();
  }
  while (!out.empty() && out.back().isEmpty()) out.pop_back();
  return out;
}

std::vector<UnicodeString> perl_split(const UnicodeString& text, const Regex& sep) {
  std::vector<UnicodeString> out;
  int32_t from = 0;
  for (const auto& [start, end] : sep.spans(text)) {
    if (end == start) continue;  // the separators used here never match empty
    out.push_back(UnicodeString(text, from, start - from));
    from = end;
  }
  out.push_back(UnicodeString(text, from));
  while (!out.empty() && out.back().isEmpty()) out.pop_back();
  return out;
}

UnicodeString join(const std::vector<UnicodeString>& parts, const UnicodeString& glue) {
  UnicodeString out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.append(glue);
    out.append(parts[i]);
  }
  return out;
}

// The clean-up patterns, compiled once.
struct Patterns {
  Regex trailing = Regex::fixed(R"([\},\s]+$)");
  Regex leading = Regex::fixed(R"(^[,\s]+)");
  Regex leading_dash = Regex::fixed(R"(^- )");
  Regex comma_space_comma = Regex::fixed(R"(,\s*,)");
  Regex spaced_comma = Regex::fixed(R"(\h+,\h+)");
  Regex multi_space = Regex::fixed(R"(\h\h+)");
  Regex space_newline = Regex::fixed(R"(\h\n)");
  Regex newline_comma = Regex::fixed(R"(\n,)");
  Regex multi_comma = Regex::fixed(R"(,,+)");
  Regex comma_newline = Regex::fixed(R"(,\n)");
  Regex newline_space = Regex::fixed(R"(\n\h+)");
  Regex multi_newline = Regex::fixed(R"(\n\n+)");
  Regex leading_h = Regex::fixed(R"(^\h+)");
  Regex trailing_h = Regex::fixed(R"(\h+$)");
  Regex leading_s = Regex::fixed(R"(^\s+)");
  Regex trailing_s = Regex::fixed(R"(\s+$)");
  Regex word = Regex::fixed(R"(\w)");
  Regex url = Regex::fixed(R"(https?://)");
  Regex postcode_range = Regex::fixed(R"(\d+;\d+)");
  Regex postcode_pair = Regex::fixed(R"(^(\d{5}),\d{5})");
  Regex first_section = Regex::fixed(R"(\{\{#first\}\}(.+?)\{\{/first\}\})");
  Regex first_marked = Regex::fixed("\uE000\\s*(.+?)\\s*\uE001", UREGEX_DOTALL);
  Regex first_empty = Regex::fixed("\uE000\\s*\uE001");
  Regex alternatives = Regex::fixed(R"(\s*\|\|\s*)");
  Regex dollar_digit = Regex::fixed(R"(\$\d)");
  Regex dollar_name = Regex::fixed(R"(\$(\w*))");
  Regex number = Regex::fixed(
      R"(^\s*[-+]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|0[xX][0-9a-fA-F]+|Inf(?:inity)?|NaN)\s*$)",
      UREGEX_CASE_INSENSITIVE);
  Regex united_states = Regex::fixed("^united states", UREGEX_CASE_INSENSITIVE);
  Regex washington_dc = Regex::fixed(R"(^washington,? d\.?c\.?)", UREGEX_CASE_INSENSITIVE);
  Regex sint_maarten = Regex::fixed("^sint maarten", UREGEX_CASE_INSENSITIVE);
  Regex aruba = Regex::fixed("^Aruba", UREGEX_CASE_INSENSITIVE);
};

const Patterns& patterns() {
  static const Patterns p;
  return p;
}

// In the markers the first-lambda's sections become (Perl's FIRSTSTART/FIRSTEND): private-use
// characters, which no address holds.
constexpr char16_t kFirstStart = 0xE000;
constexpr char16_t kFirstEnd = 0xE001;

// A template, split once into text and variables. Only the tags the rules use are accepted:
// {{{name}}}, {{name}} and {{&name}}, and {{#first}} a || b {{/first}} on one line.
struct Template {
  struct Part {
    enum class Kind { text, raw, escaped };
    Kind kind = Kind::text;
    UnicodeString text;  // the text
    std::string name;    // the component, for a variable
  };
  std::vector<Part> parts;
  std::set<std::string> names;  // every component the template prints
};

Result<Template> compile_template(const std::string& source) {
  const Patterns& P = patterns();
  UnicodeString marked = P.first_section.replace_each(u16(source), [](const UnicodeString& inner) {
    UnicodeString s;
    s.append(kFirstStart).append(inner).append(kFirstEnd);
    return s;
  });
  const std::string text = u8(marked);
  Template t;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string::npos) {
      t.parts.push_back({Template::Part::Kind::text, u16(text.substr(pos)), {}});
      break;
    }
    if (open > pos) t.parts.push_back({Template::Part::Kind::text, u16(text.substr(pos, open - pos)), {}});
    const bool triple = text.compare(open, 3, "{{{") == 0;
    const std::string close = triple ? "}}}" : "}}";
    const std::size_t end = text.find(close, open + close.size());
    if (end == std::string::npos) return Error::make(ErrorKind::unavailable, "an unclosed Mustache tag");
    std::string tag = text.substr(open + close.size(), end - open - close.size());
    Template::Part::Kind kind = triple ? Template::Part::Kind::raw : Template::Part::Kind::escaped;
    if (!triple && !tag.empty() && tag.front() == '&') {
      kind = Template::Part::Kind::raw;
      tag.erase(0, 1);
    }
    tag.erase(0, tag.find_first_not_of(' '));
    tag.erase(tag.find_last_not_of(' ') + 1);
    const bool name_ok = !tag.empty() && std::all_of(tag.begin(), tag.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!name_ok) {
      return Error::make(ErrorKind::unavailable,
                         "the Mustache tag \"" + text.substr(open, end + close.size() - open) +
                             "\" is not one the address rules use (only {{{name}}} and {{#first}} a || b {{/first}} "
                             "on one line)");
    }
    t.parts.push_back({kind, {}, tag});
    t.names.insert(tag);
    pos = end + close.size();
  }
  return t;
}

// Hogan's HTML escaping for {{name}} (the data uses {{{name}}}, which is left as it is).
UnicodeString html_escape(const UnicodeString& s) {
  UnicodeString out;
  for (int32_t i = 0; i < s.length(); ++i) {
    switch (s.charAt(i)) {
      case u'&': out.append(u"&amp;"); break;
      case u'<': out.append(u"&lt;"); break;
      case u'>': out.append(u"&gt;"); break;
      case u'"': out.append(u"&quot;"); break;
      case u'\'': out.append(u"&#39;"); break;
      default: out.append(s.charAt(i));
    }
  }
  return out;
}

struct Replacement {
  std::string component;  // empty: every component
  Regex from;
  UnicodeString to;
};

struct PostReplacement {
  Regex from;
  UnicodeString to;
  bool has_groups = false;  // `to` holds $1..$3
};

struct CountryRules {
  std::optional<Template> address;
  std::optional<Template> fallback;
  std::optional<std::vector<Replacement>> replace;
  std::optional<std::vector<PostReplacement>> postformat;
  std::string use_country;
  std::string change_country;
  std::string add_component;
};

struct CodeEntry {
  std::string key;
  std::vector<std::string> names;  // the default name first, then the others in the data's order
  // For a county with names in several languages: each name as a case-insensitive pattern, found
  // anywhere in the county's name ("Città metropolitana di Firenze" is Firenze, FI), as the
  // JavaScript port matches them and the test cases expect.
  std::vector<Regex> within;
};

struct Abbreviation {
  std::string component;
  Regex from;  // (^|\s)Long\b: a word that starts the text or follows a space
  UnicodeString to;
};

// The countries where OSM's "district" means a city district, not a state district.
const std::set<std::string> kSmallDistrictCountries = {"BR", "CR", "ES", "NI", "PY", "RO", "TG", "TM", "XK"};

// The components a deliverable address may be missing only when its country's template does not
// print them (see missing_parts).
const std::vector<std::string> kStreetParts = {"road", "house"};
const std::vector<std::string> kLocalityParts = {"postal_city", "city", "town", "village", "hamlet", "municipality"};

}  // namespace

struct AddressFormatter::Impl {
  std::map<std::string, CountryRules> rules;  // "DK", "KR_ko", "default"
  // Placetype -> its aliases in the data's order (the placetype itself left out).
  std::vector<std::pair<std::string, std::vector<std::string>>> aliases;
  std::set<std::string> known;  // every placetype and alias
  std::map<std::string, std::vector<CodeEntry>> state_codes;
  std::map<std::string, std::vector<CodeEntry>> county_codes;
  std::map<std::string, std::vector<std::string>> country_langs;  // "KR" -> {"ko"}
  std::map<std::string, std::vector<Abbreviation>> abbreviations;  // "en" -> ...

  const CountryRules& config(const std::string& key) const {
    auto it = rules.find(key);
    return it == rules.end() ? rules.at("default") : it->second;
  }
  std::string rules_key(const std::string& cc, const AddressFormatOptions& o) const;
  std::optional<std::string> determine_country_code(AddressComponents& c) const;
  void apply_aliases(AddressComponents& c, const std::string& cc) const;
  static void sanity_clean(AddressComponents& c);
  void add_code(const std::string& keyname, AddressComponents& c) const;
  void abbreviate(AddressComponents& c) const;
  const Template& address_template(const std::string& key) const;
  const Template& fallback_template(const std::string& key) const;
  const std::vector<Replacement>* replacements(const std::string& key) const;
  const std::vector<PostReplacement>* postformat(const std::string& key) const;
  // Components after the steps that come before rendering, for `format` and `missing_parts`.
  AddressComponents prepare(const AddressComponents& in, const AddressFormatOptions& o, std::string& key) const;
};

namespace {

// ---- reading the data ----

Error data_error(const std::string& file, const std::string& what) {
  return Error::make(ErrorKind::unavailable, "address data: " + file + ": " + what,
                     {}, "the address-formatting data is malformed or of an unexpected version");
}

Result<json> parse_json(const std::string& file, const std::string& text) {
  if (!is_valid_utf8(text)) return data_error(file, "not valid UTF-8");
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    return data_error(file, std::string("not valid JSON: ") + e.what());
  }
}

Result<std::vector<std::pair<std::string, std::string>>> read_pairs(const json& v, const std::string& where) {
  if (!v.is_array()) return Error::make(ErrorKind::unavailable, where + " is not a list");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& pair : v) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
      return Error::make(ErrorKind::unavailable, where + " holds an entry that is not a [from, to] pair of texts");
    out.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return out;
}

Result<CountryRules> read_country(const std::string& key, const json& v) {
  CountryRules r;
  for (const auto& [field, value] : v.items()) {
    const std::string where = key + "." + field;
    auto text = [&](std::string& out) -> Result<void> {
      if (!value.is_string()) return Error::make(ErrorKind::unavailable, where + " is not a text");
      out = value.get<std::string>();
      return {};
    };
    if (field == "address_template" || field == "fallback_template") {
      std::string source;
      if (auto t = text(source); !t.ok()) return t.error();
      auto compiled = compile_template(source);
      if (!compiled.ok()) return Error::make(ErrorKind::unavailable, where + ": " + compiled.error().message);
      (field == "address_template" ? r.address : r.fallback) = std::move(compiled).value();
    } else if (field == "replace") {
      auto pairs = read_pairs(value, where);
      if (!pairs.ok()) return pairs.error();
      std::vector<Replacement> list;
      for (const auto& [from, to] : pairs.value()) {
        // "component=regex" limits a rule to one component (a name: lower-case letters and _).
        std::string component;
        std::string pattern = from;
        const auto eq = from.find('=');
        if (eq != std::string::npos && eq > 0 &&
            std::all_of(from.begin(), from.begin() + static_cast<std::ptrdiff_t>(eq),
                        [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; })) {
          component = from.substr(0, eq);
          pattern = from.substr(eq + 1);
        }
        auto re = Regex::compile(pattern);
        if (!re.ok()) return Error::make(ErrorKind::unavailable, where + ": " + re.error().message);
        list.push_back({component, std::move(re).value(), u16(to)});
      }
      r.replace = std::move(list);
    } else if (field == "postformat_replace") {
      auto pairs = read_pairs(value, where);
      if (!pairs.ok()) return pairs.error();
      std::vector<PostReplacement> list;
      for (const auto& [from, to] : pairs.value()) {
        auto re = Regex::compile(from);
        if (!re.ok()) return Error::make(ErrorKind::unavailable, where + ": " + re.error().message);
        const UnicodeString replacement = u16(to);
        list.push_back({std::move(re).value(), replacement, patterns().dollar_digit.found_in(replacement)});
      }
      r.postformat = std::move(list);
    } else if (field == "use_country") {
      if (auto t = text(r.use_country); !t.ok()) return t.error();
      r.use_country = upper(r.use_country);
    } else if (field == "change_country") {
      if (auto t = text(r.change_country); !t.ok()) return t.error();
    } else if (field == "add_component") {
      if (auto t = text(r.add_component); !t.ok()) return t.error();
    } else {
      return Error::make(ErrorKind::unavailable, where + " is not a rule the formatter knows");
    }
  }
  return r;
}

Result<std::map<std::string, std::vector<CodeEntry>>> read_codes(const std::string& file, const json& v) {
  if (!v.is_object()) return data_error(file, "is not an object of countries");
  std::map<std::string, std::vector<CodeEntry>> out;
  for (const auto& [cc, list] : v.items()) {
    if (!list.is_array()) return data_error(file, cc + " is not a list");
    for (const auto& e : list) {
      if (!e.is_object() || !e.contains("key") || !e["key"].is_string() || !e.contains("name"))
        return data_error(file, cc + " holds an entry without a key and a name");
      CodeEntry entry;
      entry.key = e["key"].get<std::string>();
      const json& name = e["name"];
      if (name.is_string()) {
        entry.names.push_back(name.get<std::string>());
      } else if (name.is_object()) {
        if (name.contains("default") && name["default"].is_string()) entry.names.push_back(name["default"]);
        for (const auto& [variant, text] : name.items()) {
          if (!text.is_string()) return data_error(file, cc + " " + entry.key + ": a name is not a text");
          if (variant != "default") entry.names.push_back(text.get<std::string>());
        }
        for (const auto& n : entry.names) {
          // A name that is not a valid pattern is looked for as it is.
          auto re = Regex::compile(n, UREGEX_CASE_INSENSITIVE);
          if (!re.ok()) re = Regex::compile(n, UREGEX_CASE_INSENSITIVE | UREGEX_LITERAL);
          if (!re.ok()) return data_error(file, cc + " " + entry.key + ": " + re.error().message);
          entry.within.push_back(std::move(re).value());
        }
      } else {
        return data_error(file, cc + " " + entry.key + ": the name is neither a text nor an object of texts");
      }
      out[cc].push_back(std::move(entry));
    }
  }
  return out;
}

// ---- the steps of formatting ----

// Perl's truth of a hash value: absent, "" and "0" are false.
bool truthy(const AddressComponents& c, const std::string& key) {
  auto it = c.find(key);
  return it != c.end() && !it->second.empty() && it->second != "0";
}

const std::string* find(const AddressComponents& c, const std::string& key) {
  auto it = c.find(key);
  return it == c.end() ? nullptr : &it->second;
}

// _clean: commas, spaces and blank lines tidied, lines and comma-separated parts deduplicated.
UnicodeString clean(UnicodeString out) {
  const Patterns& P = patterns();
  out.findAndReplace(u"&#39;", u"'");
  out = P.trailing.replace_first(out, u"");
  out = P.leading.replace_first(out, u"");
  out = P.leading_dash.replace_first(out, u"");
  out = P.comma_space_comma.replace_all(out, u", ");
  out = P.spaced_comma.replace_all(out, u", ");
  out = P.multi_space.replace_all(out, u" ");
  out = P.space_newline.replace_all(out, u"\n");
  out = P.newline_comma.replace_all(out, u"\n");
  out = P.multi_comma.replace_all(out, u",");
  out = P.comma_newline.replace_all(out, u"\n");
  out = P.newline_space.replace_all(out, u"\n");
  out = P.multi_newline.replace_all(out, u"\n");

  auto trim_h = [&](const UnicodeString& s) { return P.trailing_h.replace_all(P.leading_h.replace_all(s, u""), u""); };
  std::set<UnicodeString> seen_lines;
  std::vector<UnicodeString> lines;
  for (const UnicodeString& raw : perl_split(out, u"\n")) {
    const UnicodeString line = trim_h(raw);
    if (!seen_lines.insert(line).second) continue;
    std::set<UnicodeString> seen_words;
    std::vector<UnicodeString> words;
    for (const UnicodeString& raw_word : perl_split(line, u",")) {
      const UnicodeString w = trim_h(raw_word);
      UnicodeString lc = w;
      lc.toLower(icu::Locale::getRoot());
      // New York, New York is a real address; every other repeat is noise from the data.
      if (lc != u"new york" && !seen_words.insert(w).second) continue;
      words.push_back(w);
    }
    lines.push_back(join(words, u", "));
  }
  out = join(lines, u"\n");
  out = P.trailing_s.replace_first(P.leading_s.replace_first(out, u""), u"");
  out.append(u'\n');
  return out;
}

// '|| val1 ||  || val3' -> 'val1'
UnicodeString select_first(const UnicodeString& text) {
  for (const auto& part : perl_split(text, patterns().alternatives)) {
    if (!part.isEmpty()) return part;
  }
  return {};
}

UnicodeString render(const Template& t, const AddressComponents& c) {
  UnicodeString out;
  for (const auto& part : t.parts) {
    switch (part.kind) {
      case Template::Part::Kind::text:
        out.append(part.text);
        break;
      case Template::Part::Kind::raw:
      case Template::Part::Kind::escaped: {
        const std::string* v = find(c, part.name);
        if (v == nullptr) break;
        out.append(part.kind == Template::Part::Kind::raw ? u16(*v) : html_escape(u16(*v)));
        break;
      }
    }
  }
  const Patterns& P = patterns();
  out = P.first_marked.replace_each(out, select_first);
  // A section whose text is empty: Perl leaves its markers in the output; nothing is fairer.
  return P.first_empty.replace_all(out, u"");
}

UnicodeString postformat(UnicodeString text, const std::vector<PostReplacement>* rules) {
  const Patterns& P = patterns();
  std::set<UnicodeString> seen;
  std::vector<UnicodeString> pieces;
  for (const auto& raw : perl_split(text, u", ")) {
    const UnicodeString piece = P.leading_s.replace_all(raw, u"");
    UnicodeString lc = piece;
    lc.toLower(icu::Locale::getRoot());
    if (!seen.insert(piece).second && lc != u"new york") continue;
    pieces.push_back(piece);
  }
  text = join(pieces, u", ");
  if (rules == nullptr) return text;
  for (const auto& rule : *rules) {
    UnicodeString replacement = rule.to;
    std::vector<UnicodeString> groups;
    if (rule.has_groups && rule.from.search(text, &groups)) {
      // The reference fills in $1..$3 (each once) from the first match, then replaces that match.
      for (int g = 1; g <= 3; ++g) {
        UnicodeString name(u'$');
        name.append(static_cast<char16_t>(u'0' + g));
        const int32_t at = replacement.indexOf(name);
        if (at < 0) continue;
        const UnicodeString value = static_cast<std::size_t>(g) < groups.size() ? groups[g] : UnicodeString();
        replacement.replace(at, name.length(), value);
      }
    }
    text = rule.from.replace_first(text, replacement);
  }
  return text;
}

}  // namespace

// ---- Impl ----

std::string AddressFormatter::Impl::rules_key(const std::string& cc, const AddressFormatOptions& o) const {
  if (!o.language.empty()) {
    const std::string variant = cc + "_" + lower(o.language);
    if (rules.count(variant) > 0) return variant;
  }
  if (o.script == "Latn") {
    const std::string variant = cc + "_en";
    if (rules.count(variant) > 0) return variant;
  }
  return rules.count(cc) > 0 && cc.size() == 2 ? cc : "default";
}

// A language variant has its own templates; rules it does not define (replacements) come from its
// country, but not the fallback template: a fallback follows its own template's order, so a
// variant without one takes the default fallback.
const Template& AddressFormatter::Impl::address_template(const std::string& key) const {
  const CountryRules& r = config(key);
  if (r.address) return *r.address;
  const auto base = key.find('_');
  if (base != std::string::npos && config(key.substr(0, base)).address) return *config(key.substr(0, base)).address;
  return *rules.at("default").address;
}

const Template& AddressFormatter::Impl::fallback_template(const std::string& key) const {
  const CountryRules& r = config(key);
  if (r.fallback) return *r.fallback;
  return *rules.at("default").fallback;
}

const std::vector<Replacement>* AddressFormatter::Impl::replacements(const std::string& key) const {
  const CountryRules& r = config(key);
  if (r.replace) return &*r.replace;
  const auto base = key.find('_');
  if (base != std::string::npos && config(key.substr(0, base)).replace) return &*config(key.substr(0, base)).replace;
  return nullptr;
}

const std::vector<PostReplacement>* AddressFormatter::Impl::postformat(const std::string& key) const {
  const CountryRules& r = config(key);
  if (r.postformat) return &*r.postformat;
  const auto base = key.find('_');
  if (base != std::string::npos && config(key.substr(0, base)).postformat)
    return &*config(key.substr(0, base)).postformat;
  return nullptr;
}

std::optional<std::string> AddressFormatter::Impl::determine_country_code(AddressComponents& c) const {
  const std::string* code = find(c, "country_code");
  if (code == nullptr) return std::nullopt;
  std::string cc = lower(*code);
  if (cc.empty() || cc == "0") return std::nullopt;
  if (cc.size() != 2 || !std::all_of(cc.begin(), cc.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; }))
    return std::nullopt;
  if (cc == "uk") return std::string("GB");
  cc = upper(cc);

  // Dependent territories (Puerto Rico, American Samoa) are written by another country's rules.
  auto it = rules.find(cc);
  if (it != rules.end() && !it->second.use_country.empty()) {
    const CountryRules& old = it->second;
    cc = old.use_country;
    if (!old.change_country.empty()) {
      UnicodeString country = u16(old.change_country);
      std::vector<UnicodeString> groups;
      if (patterns().dollar_name.search(country, &groups)) {
        const std::string component = u8(groups[1]);
        const std::string* value = find(c, component);
        UnicodeString name(u'$');
        name.append(groups[1]);
        const int32_t at = country.indexOf(name);
        country.replace(at, name.length(), value != nullptr ? u16(*value) : UnicodeString());
      }
      c["country"] = u8(country);
    }
    if (!old.add_component.empty()) {
      const auto eq = old.add_component.find('=');
      const std::string key = old.add_component.substr(0, eq);
      // Only the state may be set this way (the reference's whitelist).
      if (key == "state") {
        const std::string rest = eq == std::string::npos ? std::string() : old.add_component.substr(eq + 1);
        c[key] = rest.substr(0, rest.find('='));
      }
    }
  }

  if (cc == "NL") {
    if (const std::string* state = find(c, "state")) {
      const Patterns& P = patterns();
      if (*state == "Curaçao") {
        cc = "CW";
        c["country"] = "Curaçao";
      } else if (P.sint_maarten.found_in(u16(*state))) {
        cc = "SX";
        c["country"] = "Sint Maarten";
      } else if (P.aruba.found_in(u16(*state))) {
        cc = "AW";
        c["country"] = "Aruba";
      }
    }
  }
  return cc;
}

void AddressFormatter::Impl::apply_aliases(AddressComponents& c, const std::string& cc) const {
  const bool small_district = kSmallDistrictCountries.count(cc) > 0;
  for (const auto& [placetype, list] : aliases) {
    if (c.count(placetype) > 0) continue;
    std::vector<std::string> names = list;
    // "district" is a neighbourhood in a few countries and a state district everywhere else.
    if (placetype == "neighbourhood" && !small_district)
      names.erase(std::remove(names.begin(), names.end(), "district"), names.end());
    if (placetype == "state_district" && !small_district) names.push_back("district");
    for (const auto& alias : names) {
      if (const std::string* v = find(c, alias)) {
        c[placetype] = *v;
        break;
      }
    }
  }
}

void AddressFormatter::Impl::sanity_clean(AddressComponents& c) {
  const Patterns& P = patterns();
  if (auto it = c.find("postcode"); it != c.end()) {
    const UnicodeString pc = u16(it->second);
    std::vector<UnicodeString> groups;
    if (code_points(it->second) > 20 || P.postcode_range.found_in(pc)) {
      c.erase(it);
    } else if (P.postcode_pair.search(pc, &groups)) {
      it->second = u8(groups[1]);
    }
  }
  for (auto it = c.begin(); it != c.end();) {
    const UnicodeString v = u16(it->second);
    it = (!P.word.found_in(v) || P.url.found_in(v)) ? c.erase(it) : std::next(it);
  }
}

void AddressFormatter::Impl::add_code(const std::string& keyname, AddressComponents& c) const {
  if (!truthy(c, "country_code") || !truthy(c, keyname)) return;
  const std::string code = keyname + "_code";
  if (const std::string* existing = find(c, code); existing != nullptr && *existing != c.at(keyname)) return;
  c["country_code"] = upper(c.at("country_code"));
  const std::string cc = c.at("country_code");
  const auto& table = keyname == "state" ? state_codes : county_codes;
  auto mapping = table.find(cc);
  if (mapping == table.end()) return;
  const std::string uc_name = upper(c.at(keyname));
  bool done = false;
  const UnicodeString name = u16(c.at(keyname));
  for (const auto& entry : mapping->second) {
    if (keyname == "county" && std::any_of(entry.within.begin(), entry.within.end(),
                                            [&](const Regex& re) { return re.found_in(name); })) {
      c[code] = entry.key;
      break;
    }
    for (const auto& confname : entry.names) {
      if (uc_name == upper(confname)) {
        c[code] = entry.key;
        done = true;
        break;
      }
      // A code given as the name ("NC"): the name becomes the full one, the code is kept.
      if (uc_name == entry.key) {
        c[keyname] = confname;
        c[code] = entry.key;
        done = true;
        break;
      }
    }
    if (done) break;
  }
  if (keyname != "state" || c.count("state_code") > 0 || cc != "US") return;
  const Patterns& P = patterns();
  if (P.united_states.found_in(u16(c.at("state")))) {
    const std::string state = upper("US" + c.at("state").substr(std::string("United States").size()));
    for (const auto& entry : mapping->second) {
      if (state == upper(entry.key) && !entry.names.empty()) {
        c["state_code"] = entry.names.front();
        break;
      }
    }
  }
  if (P.washington_dc.found_in(u16(c.at("state")))) {
    c["state_code"] = "DC";
    c["state"] = "District of Columbia";
    c["city"] = "Washington";
  }
}

void AddressFormatter::Impl::abbreviate(AddressComponents& c) const {
  const std::string* cc = find(c, "country_code");
  if (cc == nullptr) return;
  auto langs = country_langs.find(upper(*cc));
  if (langs == country_langs.end()) return;
  for (const auto& lang : langs->second) {
    auto list = abbreviations.find(lang);
    if (list == abbreviations.end()) continue;
    for (const auto& a : list->second) {
      auto it = c.find(a.component);
      if (it == c.end()) continue;
      const UnicodeString value = u16(it->second);
      std::vector<UnicodeString> groups;
      if (!a.from.search(value, &groups)) continue;
      UnicodeString to = groups[1];
      to.append(a.to);
      it->second = u8(a.from.replace_first(value, to));
    }
  }
}

AddressComponents AddressFormatter::Impl::prepare(const AddressComponents& in, const AddressFormatOptions& o,
                                                  std::string& key) const {
  AddressComponents c = in;
  std::string cc = o.country.empty() ? determine_country_code(c).value_or("") : upper(o.country);
  if (!cc.empty()) c["country_code"] = cc;
  apply_aliases(c, cc);
  sanity_clean(c);
  key = rules_key(cc, o);
  return c;
}

// ---- AddressFormatter ----

Result<AddressFormatter> AddressFormatter::make(const AddressFormatData& data) {
  auto impl = std::make_shared<Impl>();

  auto templates = parse_json("templates.json", data.templates);
  if (!templates.ok()) return templates.error();
  if (!templates->is_object()) return data_error("templates.json", "is not an object");
  for (const auto& [key, value] : templates->items()) {
    // generic1.., fallback1..: the shared templates the countries were built from, already
    // copied into each country.
    if (value.is_string()) continue;
    if (!value.is_object()) return data_error("templates.json", key + " is neither a template nor a set of rules");
    auto rules = read_country(key, value);
    if (!rules.ok()) return data_error("templates.json", rules.error().message);
    impl->rules.emplace(key, std::move(rules).value());
  }
  auto def = impl->rules.find("default");
  if (def == impl->rules.end() || !def->second.address || !def->second.fallback)
    return data_error("templates.json", "has no default address_template and fallback_template");

  auto aliases = parse_json("aliases.json", data.aliases);
  if (!aliases.ok()) return aliases.error();
  if (!aliases->is_array()) return data_error("aliases.json", "is not a list");
  for (const auto& a : aliases.value()) {
    if (!a.is_object() || !a.contains("alias") || !a.contains("name") || !a["alias"].is_string() ||
        !a["name"].is_string())
      return data_error("aliases.json", "holds an entry without an alias and a name");
    const std::string alias = a["alias"], name = a["name"];
    impl->known.insert(alias);
    impl->known.insert(name);
    auto it = std::find_if(impl->aliases.begin(), impl->aliases.end(), [&](const auto& p) { return p.first == name; });
    if (it == impl->aliases.end()) it = impl->aliases.insert(impl->aliases.end(), {name, {}});
    if (alias != name) it->second.push_back(alias);
  }

  for (auto [file, text, table] : {std::tuple{"state-codes.json", &data.state_codes, &impl->state_codes},
                                   std::tuple{"county-codes.json", &data.county_codes, &impl->county_codes}}) {
    auto parsed = parse_json(file, *text);
    if (!parsed.ok()) return parsed.error();
    auto codes = read_codes(file, parsed.value());
    if (!codes.ok()) return codes.error();
    *table = std::move(codes).value();
  }

  auto langs = parse_json("country-to-lang.json", data.country_to_lang);
  if (!langs.ok()) return langs.error();
  if (!langs->is_object()) return data_error("country-to-lang.json", "is not an object");
  for (const auto& [cc, list] : langs->items()) {
    if (!list.is_array()) return data_error("country-to-lang.json", cc + " is not a list");
    for (const auto& l : list) {
      if (!l.is_string()) return data_error("country-to-lang.json", cc + " holds a language that is not a text");
      impl->country_langs[cc].push_back(lower(l.get<std::string>()));
    }
  }

  auto abbreviations = parse_json("abbreviations.json", data.abbreviations);
  if (!abbreviations.ok()) return abbreviations.error();
  if (!abbreviations->is_object()) return data_error("abbreviations.json", "is not an object");
  for (const auto& [lang, list] : abbreviations->items()) {
    if (!list.is_array()) return data_error("abbreviations.json", lang + " is not a list");
    for (const auto& group : list) {
      if (!group.is_object() || !group.contains("component") || !group["component"].is_string() ||
          !group.contains("replacements") || !group["replacements"].is_array())
        return data_error("abbreviations.json", lang + " holds an entry without a component and replacements");
      for (const auto& r : group["replacements"]) {
        if (!r.is_object() || !r.contains("src") || !r.contains("dest") || !r["src"].is_string() ||
            !r["dest"].is_string())
          return data_error("abbreviations.json", lang + " holds a replacement without src and dest");
        auto re = Regex::compile("(^|\\s)" + r["src"].get<std::string>() + "\\b");
        if (!re.ok()) return data_error("abbreviations.json", lang + ": " + re.error().message);
        impl->abbreviations[lower(lang)].push_back(
            {group["component"].get<std::string>(), std::move(re).value(), u16(r["dest"].get<std::string>())});
      }
    }
  }
  return AddressFormatter(std::move(impl));
}

std::string AddressFormatter::format(const AddressComponents& components, const AddressFormatOptions& options) const {
  const Impl& I = *impl_;
  std::string key;
  AddressComponents c = I.prepare(components, options, key);

  const bool minimal = c.count("road") > 0 || c.count("postcode") > 0;
  const Template& tmpl = minimal ? I.address_template(key) : I.fallback_template(key);

  // A country given as a number (bad data): the state is the better name for it.
  if (const std::string* country = find(c, "country");
      country != nullptr && c.count("state") > 0 && patterns().number.found_in(u16(*country))) {
    c["country"] = c.at("state");
    c.erase("state");
  }
  if (const auto* rules = I.replacements(key)) {
    for (auto& [name, value] : c) {
      for (const auto& rule : *rules) {
        if (!rule.component.empty() && rule.component != name) continue;
        value = u8(rule.from.replace_first(u16(value), rule.to));
      }
    }
  }
  I.add_code("state", c);
  I.add_code("county", c);

  // Components the rules do not know (a hotel's name, say) are printed as the attention line.
  std::vector<std::string> unknown;
  for (const auto& [name, value] : c) {
    if (I.known.count(name) == 0) unknown.push_back(value);
  }
  if (!unknown.empty()) {
    std::string attention;
    for (const auto& v : unknown) attention += (attention.empty() ? "" : ", ") + v;
    c["attention"] = attention;
  }
  if (options.abbreviate) I.abbreviate(c);

  UnicodeString text = clean(render(tmpl, c));
  if (!patterns().word.found_in(text) && c.size() == 1) text = u16(c.begin()->second);
  text = clean(postformat(text, I.postformat(key)));
  return u8(text);
}

std::vector<std::string> AddressFormatter::format_lines(const AddressComponents& components,
                                                        const AddressFormatOptions& options) const {
  const std::string text = format(components, options);
  std::vector<std::string> lines;
  std::size_t from = 0;
  while (from < text.size()) {
    const std::size_t nl = text.find('\n', from);
    const std::size_t end = nl == std::string::npos ? text.size() : nl;
    if (end > from) lines.push_back(text.substr(from, end - from));
    from = end + 1;
  }
  return lines;
}

bool AddressFormatter::knows_country(std::string_view code) const {
  return code.size() == 2 && std::isupper(static_cast<unsigned char>(code[0])) &&
         std::isupper(static_cast<unsigned char>(code[1])) && impl_->rules.count(std::string(code)) > 0;
}

std::string AddressFormatter::rules_key(std::string_view country, const AddressFormatOptions& options) const {
  return impl_->rules_key(upper(country), options);
}

std::vector<std::string> AddressFormatter::country_languages(std::string_view country) const {
  auto it = impl_->country_langs.find(upper(country));
  return it == impl_->country_langs.end() ? std::vector<std::string>{} : it->second;
}

std::vector<MissingPart> AddressFormatter::missing_parts(const AddressComponents& components,
                                                         const AddressFormatOptions& options) const {
  std::string key;
  const AddressComponents c = impl_->prepare(components, options, key);
  const std::set<std::string>& printed = impl_->address_template(key).names;
  std::vector<MissingPart> missing;
  // Any one of `parts` that the template prints; nothing when it prints none of them.
  auto need_one_of = [&](const std::vector<std::string>& parts, auto what) {
    std::vector<std::string> used;
    for (const auto& p : parts) {
      if (printed.count(p) > 0) used.push_back(p);
    }
    if (used.empty()) return;
    if (std::none_of(used.begin(), used.end(), [&](const std::string& p) { return c.count(p) > 0; }))
      missing.push_back({what(used), used});
  };
  need_one_of(kStreetParts, [](const std::vector<std::string>& used) -> std::string {
    if (used.size() > 1) return "a road or house name";
    return used.front() == "road" ? "a road" : "a house name";
  });
  need_one_of({"postcode"}, [](const auto&) -> std::string { return "a postcode"; });
  need_one_of(kLocalityParts, [](const auto&) -> std::string { return "a city, town or village"; });
  return missing;
}

Result<std::vector<std::string>> AddressFormatter::format_postal(const PostalAddress& address) const {
  for (const auto& [name, value] : address.components) {
    const bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!name_ok) {
      return Error::make(ErrorKind::bad_request,
                         "an address component's name is not lower-case letters, digits and _ (e.g. road, postcode)",
                         "components");
    }
    if (!is_valid_utf8(value))
      return Error::make(ErrorKind::invalid_utf8, "the address's " + name + " is not valid UTF-8", name);
  }
  auto cc = address.components.find("country_code");
  if (cc == address.components.end() || cc->second.empty())
    return Error::make(ErrorKind::bad_request, "the address has no country_code (e.g. DK, KR)", "country_code");
  if (!knows_country(cc->second)) {
    return Error::make(ErrorKind::bad_request,
                       "\"" + cc->second + "\" is not a country code the address rules know (ISO 3166-1 alpha-2, "
                                           "upper case, e.g. DK, KR)",
                       "country_code");
  }
  AddressFormatOptions options;
  options.language = address.language;
  options.script = address.script;
  const auto missing = missing_parts(address.components, options);
  if (!missing.empty()) {
    return Error::make(ErrorKind::bad_request,
                       "the address in " + cc->second + " lacks " + describe_missing(missing),
                       missing.front().components.front());
  }
  return format_lines(address.components, options);
}

std::string describe_missing(const std::vector<MissingPart>& missing) {
  std::string out;
  for (std::size_t i = 0; i < missing.size(); ++i) {
    if (i > 0) out += i + 1 == missing.size() ? " and " : ", ";
    out += missing[i].what;
  }
  return out;
}

}  // namespace twinning::domain
