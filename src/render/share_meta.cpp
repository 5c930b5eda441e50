#include "render/share_meta.hpp"

#include <unicode/locid.h>

#include "render/compose.hpp"
#include "render/page.hpp"

namespace twinning::render {

namespace {

std::string composed(const domain::Campaign& c, const std::string& lang, const std::string& key,
                     const std::string& page_url) {
  if (c.text(lang, key) == nullptr) return {};
  auto r = compose(c, lang, key, campaign_vars(c, lang, page_url));
  return r.ok() ? r.value() : std::string();
}

// "https://twinning.example.org:8443/x" -> "twinning.example.org:8443"
std::string host_of(const std::string& base_url) {
  std::string_view rest(base_url);
  if (auto scheme = rest.find("://"); scheme != std::string_view::npos) rest.remove_prefix(scheme + 3);
  return std::string(rest.substr(0, rest.find('/')));
}

}  // namespace

std::string og_locale(const std::string& lang) {
  icu::Locale locale(lang.c_str());
  UErrorCode st = U_ZERO_ERROR;
  locale.addLikelySubtags(st);
  if (U_FAILURE(st) || locale.getCountry()[0] == '\0') return lang;
  return std::string(locale.getLanguage()) + "_" + locale.getCountry();
}

ShareMeta share_meta(const domain::Campaign& c, const std::string& lang, const std::string& base_url,
                     const i18n::Catalog& site) {
  ShareMeta m;
  m.url = base_url + campaign_path(c.id, lang);
  m.title = composed(c, lang, "page.title", m.url);
  m.description = composed(c, lang, "page.ask", m.url);
  m.image = m.url + "og.png";
  m.image_alt = m.title;
  m.site_name = site.get("site_name");
  m.locale = og_locale(lang);
  for (const auto& other : c.languages) {
    if (other != lang) m.alternate_locales.push_back(og_locale(other));
  }
  return m;
}

OgImageText og_image_text(const domain::Campaign& c, const std::string& lang, const std::string& base_url) {
  const std::string page_url = base_url + campaign_path(c.id, lang);
  return {lang, composed(c, lang, "page.title", page_url), composed(c, lang, "page.ask", page_url),
          host_of(base_url)};
}

}  // namespace twinning::render
