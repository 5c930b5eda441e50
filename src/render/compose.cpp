#include "render/compose.hpp"

#include <unicode/listformatter.h>

#include <memory>

#include "i18n/catalog.hpp"

namespace twinning::render {

std::string first_name(std::string_view name) {
  auto start = name.find_first_not_of(" \t");
  if (start == std::string_view::npos) return {};
  name.remove_prefix(start);
  return std::string(name.substr(0, name.find_first_of(" \t")));
}

namespace {

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (item.empty()) continue;
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

// In Korean, Japanese and Chinese the title follows the name (마스 스카우 시장); elsewhere it
// comes first (borgmester Mads Skau).
std::string name_with_title(const std::string& name, const std::string& title, const std::string& lang) {
  if (title.empty()) return name;
  if (lang == "ko" || lang == "ja" || lang == "zh") return name + " " + title;
  return title + " " + name;
}

// "A, B and C" in the language's own way (ICU list patterns).
std::string list_of(const std::vector<std::string>& items, const std::string& lang) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::ListFormatter> fmt(icu::ListFormatter::createInstance(icu::Locale(lang.c_str()), status));
  if (U_FAILURE(status) || !fmt) return join(items, ", ");
  std::vector<icu::UnicodeString> parts;
  for (const auto& item : items) {
    if (!item.empty()) parts.push_back(icu::UnicodeString::fromUTF8(item));
  }
  icu::UnicodeString out;
  fmt->format(parts.data(), static_cast<int32_t>(parts.size()), out, status);
  if (U_FAILURE(status)) return join(items, ", ");
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

}  // namespace

Vars campaign_vars(const domain::Campaign& c, const std::string& lang, const std::string& page_url) {
  const std::string fallback = c.default_language();
  Vars v;
  v["campaign.url"] = page_url;
  v["home.name"] = c.pair.home.name.get(lang, fallback);
  v["home.region"] = c.pair.home.region.get(lang, fallback);
  v["foreign.name"] = c.pair.foreign.name.get(lang, fallback);
  v["foreign.region"] = c.pair.foreign.region.get(lang, fallback);
  v["since"] = c.pair.since > 0 ? std::to_string(c.pair.since) : std::string();
  v["relation"] = c.pair.relation;
  v["petition.goal"] = c.petition.goal > 0 ? std::to_string(c.petition.goal) : std::string();

  std::vector<std::string> handles;
  std::vector<std::string> to_names;
  for (const auto& t : c.targets) {
    if (t.role == domain::Role::public_) {
      for (const auto& [network, handle] : t.contact.social) handles.push_back(handle);
    }
    if (t.role == domain::Role::to) {
      const std::string& title = t.title.get(lang, fallback);
      const std::string& name = t.name.get(lang, fallback);
      to_names.push_back(name_with_title(name, title, lang));
    }
  }
  v["handles"] = join(handles, " ");
  v["addressees"] = list_of(to_names, lang);
  return v;
}

void add_target_vars(Vars& vars, const domain::Campaign& c, const domain::Target& t, const std::string& lang) {
  const std::string fallback = c.default_language();
  vars["target.name"] = t.name.get(lang, fallback);
  vars["target.title"] = t.title.get(lang, fallback);
  std::string body;
  for (const auto& b : c.bodies) {
    if (b.id == t.body) body = b.name.get(lang, fallback);
  }
  vars["target.body"] = body;
}

void add_supporter_vars(Vars& vars, const SupporterView& s, const std::string& lang) {
  vars["supporter.name"] = s.name;
  vars["supporter.first_name"] = first_name(s.name);
  vars["supporter.country"] = s.country.empty() ? std::string() : i18n::country_name(s.country, lang);
}

Result<std::string> compose(const domain::Campaign& c, const std::string& lang, const std::string& key,
                            const Vars& vars) {
  const std::string* tmpl = c.text(lang, key);
  if (tmpl == nullptr) {
    return Error::make(ErrorKind::invalid_campaign, "campaign " + c.id + " has no text '" + key + "' in " + lang,
                       {}, "missing text");
  }
  return render_text(*tmpl, vars);
}

std::string language_for(const domain::Campaign& c, const domain::Target& t) {
  return c.has_language(t.language) ? t.language : c.default_language();
}

}  // namespace twinning::render
