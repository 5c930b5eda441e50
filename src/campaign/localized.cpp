#include "campaign/localized.hpp"

#include <algorithm>

#include "campaign/validators.hpp"

namespace twinning::campaign {

domain::Localized read_localized(Reporter& r, const MapView::Entry& e, const std::string& path,
                                 const std::vector<std::string>& languages) {
  domain::Localized out;
  if (!expect_map(r, e, path)) return out;
  auto declared = [&](const std::string& lang) {
    return std::find(languages.begin(), languages.end(), lang) != languages.end();
  };
  std::string all;
  for (const auto& lang : languages) all += (all.empty() ? "" : ", ") + lang;
  MapView map(r, e.value, path, nullptr);
  for (const MapView::Entry& item : map.entries()) {
    if (!is_language_code(item.key)) {
      r.error(item.key_node.Mark(), "\"" + item.key + "\" in " + path + " is not an ISO 639-1 language code",
              "use the campaign's languages: " + all);
      continue;
    }
    if (!declared(item.key))
      r.warning(item.key_node.Mark(), path + " has a text in \"" + item.key + "\", which the campaign does not declare",
                "add " + item.key + " to languages or remove the text");
    if (auto text = read_text(r, item, map.path_of(item.key))) out.by_lang[item.key] = *text;
  }
  for (const auto& lang : languages) {
    if (!out.has(lang))
      r.warning(map.mark(), path + " has no text in \"" + lang + "\"",
                "add " + lang + ": ... (without it, readers of " + lang + " see another language)");
  }
  return out;
}

}  // namespace twinning::campaign
