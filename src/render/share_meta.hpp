#pragma once
// What a campaign page tells the networks and chat apps that show a shared link: the Open Graph
// and Twitter card tags of the page's head, and the text of its Open Graph image. Per language.
#include <string>
#include <vector>

#include "domain/campaign.hpp"
#include "i18n/catalog.hpp"
#include "render/og_image.hpp"

namespace twinning::render {

struct ShareMeta {
  std::string url;          // the page, absolute
  std::string title;        // page.title
  std::string description;  // page.ask
  std::string image;        // the Open Graph image, absolute
  std::string image_alt;
  std::string site_name;
  std::string locale;                          // og:locale, "ko_KR"
  std::vector<std::string> alternate_locales;  // the campaign's other languages
};

// `base_url` has no trailing slash; `site` holds the interface words in `lang`.
ShareMeta share_meta(const domain::Campaign& c, const std::string& lang, const std::string& base_url,
                     const i18n::Catalog& site);

// The text drawn on the Open Graph image of the page in `lang`: its title, its ask and the host
// the page is served from.
OgImageText og_image_text(const domain::Campaign& c, const std::string& lang, const std::string& base_url);

// A language as Open Graph writes locales: language_TERRITORY with the likeliest territory
// (en -> en_US, da -> da_DK, ko -> ko_KR).
std::string og_locale(const std::string& lang);

}  // namespace twinning::render
