#include "i18n/catalog.hpp"

#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <set>

#include "common/utf8.hpp"

namespace twinning::i18n {

const std::string& Catalog::get(const std::string& key) const {
  auto it = words_.find(key);
  return it == words_.end() ? key : it->second;
}

Result<Catalogs> Catalogs::load(const std::filesystem::path& locales_dir) {
  Catalogs out;
  std::error_code ec;
  if (!std::filesystem::is_directory(locales_dir, ec)) {
    return Error::make(ErrorKind::io, "locales directory not found: " + locales_dir.string());
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(locales_dir)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const std::string lang = file.stem().string();
    std::map<std::string, std::string> words;
    try {
      YAML::Node root = YAML::LoadFile(file.string());
      if (!root.IsMap()) {
        return Error::make(ErrorKind::invalid_campaign, file.string() + ": expected a map of key: text");
      }
      for (const auto& kv : root) {
        const auto key = kv.first.as<std::string>();
        if (!kv.second.IsScalar()) {
          return Error::make(ErrorKind::invalid_campaign,
                             file.string() + ":" + std::to_string(kv.second.Mark().line + 1) + ": '" + key +
                                 "' must be a text");
        }
        auto text = kv.second.as<std::string>();
        if (!is_valid_utf8(text)) {
          return Error::make(ErrorKind::invalid_campaign, file.string() + ": '" + key + "' is not valid UTF-8");
        }
        words.emplace(key, std::move(text));
      }
    } catch (const YAML::Exception& e) {
      return Error::make(ErrorKind::invalid_campaign, file.string() + ": " + e.what());
    }
    out.by_lang_.emplace(lang, Catalog(lang, std::move(words)));
  }
  auto en = out.by_lang_.find("en");
  if (en == out.by_lang_.end()) {
    return Error::make(ErrorKind::invalid_campaign, "locales/en.yaml is missing: English is the fallback language");
  }
  for (const auto& [lang, catalog] : out.by_lang_) {
    for (const auto& [key, text] : en->second.words()) {
      if (!catalog.has(key)) {
        return Error::make(ErrorKind::invalid_campaign,
                           "locales/" + lang + ".yaml lacks '" + key + "' (en.yaml has it): add its translation");
      }
    }
  }
  return out;
}

const Catalog& Catalogs::get(const std::string& lang) const {
  auto it = by_lang_.find(lang);
  if (it != by_lang_.end()) return it->second;
  return by_lang_.at("en");
}

std::vector<std::string> Catalogs::languages() const {
  std::vector<std::string> out;
  for (const auto& [lang, c] : by_lang_) out.push_back(lang);
  return out;
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct Range {
  std::string tag;  // lower case, e.g. "da-dk", or "*"
  double q = 1.0;
  std::size_t order = 0;
};

bool valid_tag(std::string_view tag) {
  if (tag == "*") return true;
  if (tag.empty() || tag.size() > 35) return false;
  std::size_t part = 0;
  for (char c : tag) {
    if (c == '-') {
      if (part == 0) return false;
      part = 0;
      continue;
    }
    if (!std::isalnum(static_cast<unsigned char>(c)) || ++part > 8) return false;
  }
  return part > 0;
}

// Parses q as RFC 9110 qvalue: 0, 1, 0.xxx, 1.000. Anything else makes the range invalid.
bool parse_q(std::string_view v, double& q) {
  if (v.empty() || v.size() > 5) return false;
  if (v[0] != '0' && v[0] != '1') return false;
  if (v.size() > 1 && v[1] != '.') return false;
  double value = v[0] - '0';
  double scale = 0.1;
  for (std::size_t i = 2; i < v.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(v[i]))) return false;
    value += (v[i] - '0') * scale;
    scale /= 10;
  }
  if (value > 1.0) return false;
  q = value;
  return true;
}

std::vector<Range> parse_ranges(std::string_view header) {
  std::vector<Range> out;
  std::size_t order = 0;
  while (!header.empty() && out.size() < 32) {  // a header with more ranges is not a real browser's
    auto comma = header.find(',');
    std::string_view item = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    if (item.empty()) continue;
    Range r;
    r.order = order++;
    auto semi = item.find(';');
    r.tag = lower(trim(item.substr(0, semi)));
    bool ok = valid_tag(r.tag);
    if (semi != std::string_view::npos) {
      std::string_view param = trim(item.substr(semi + 1));
      if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=' ||
          !parse_q(trim(param.substr(2)), r.q)) {
        ok = false;
      }
    }
    if (ok) out.push_back(r);
  }
  std::stable_sort(out.begin(), out.end(), [](const Range& a, const Range& b) { return a.q > b.q; });
  return out;
}

}  // namespace

std::string negotiate_language(std::string_view accept_language, const std::vector<std::string>& available,
                               const std::string& fallback) {
  for (const auto& range : parse_ranges(accept_language)) {
    if (range.q <= 0.0) continue;
    if (range.tag == "*") return fallback;
    const std::string primary = range.tag.substr(0, range.tag.find('-'));
    for (const auto& lang : available) {
      if (lower(lang) == range.tag || lower(lang) == primary) return lang;
    }
  }
  return fallback;
}

std::string region_from_accept_language(std::string_view accept_language) {
  for (const auto& range : parse_ranges(accept_language)) {
    if (range.q <= 0.0) continue;
    // The region is the first two-letter subtag after the language (and an optional script).
    std::string_view rest = range.tag;
    auto dash = rest.find('-');
    while (dash != std::string_view::npos) {
      rest = rest.substr(dash + 1);
      dash = rest.find('-');
      std::string_view sub = rest.substr(0, dash);
      if (sub.size() == 2 && std::isalpha(static_cast<unsigned char>(sub[0])) &&
          std::isalpha(static_cast<unsigned char>(sub[1]))) {
        std::string region(sub);
        for (auto& c : region) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return region;
      }
    }
  }
  return {};
}

namespace {

std::string to_utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// ICU's list holds codes that are no longer countries (AN, CS...): keep the ones with a name.
std::vector<std::string> current_country_codes() {
  static const std::set<std::string> withdrawn = {"AN", "BU", "CS", "DD", "FX", "NT", "QU", "SU", "TP", "YD", "YU", "ZR"};
  std::vector<std::string> out;
  for (const char* const* c = icu::Locale::getISOCountries(); *c != nullptr; ++c) {
    if (!withdrawn.count(*c)) out.emplace_back(*c);
  }
  return out;
}

}  // namespace

std::string country_name(const std::string& code, const std::string& lang) {
  icu::UnicodeString name;
  icu::Locale("", code.c_str()).getDisplayCountry(icu::Locale(lang.c_str()), name);
  std::string out = to_utf8(name);
  return out.empty() ? code : out;
}

std::string language_name(const std::string& lang, const std::string& in_lang) {
  icu::UnicodeString name;
  icu::Locale(lang.c_str()).getDisplayLanguage(icu::Locale(in_lang.c_str()), name);
  std::string out = to_utf8(name);
  return out.empty() ? lang : out;
}

const std::vector<Country>& countries(const std::string& lang) {
  static std::mutex mu;
  static std::map<std::string, std::vector<Country>> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(lang);
  if (it != cache.end()) return it->second;
  std::vector<Country> list;
  for (const auto& code : current_country_codes()) list.push_back({code, country_name(code, lang)});
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Collator> coll(icu::Collator::createInstance(icu::Locale(lang.c_str()), status));
  if (U_SUCCESS(status) && coll) {
    std::sort(list.begin(), list.end(), [&](const Country& a, const Country& b) {
      UErrorCode st = U_ZERO_ERROR;
      return coll->compareUTF8(a.name, b.name, st) == UCOL_LESS;
    });
  }
  return cache.emplace(lang, std::move(list)).first->second;
}

}  // namespace twinning::i18n
