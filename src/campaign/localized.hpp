#pragma once
// Reading a text given per language ({en: ..., da: ..., ko: ...}), shared by every part of
// campaign.yaml that holds one (names, titles, media, web-form definitions).
#include <string>
#include <vector>

#include "campaign/yaml_check.hpp"
#include "domain/campaign.hpp"

namespace twinning::campaign {

// A code that is not a language is an error; a text in a language the campaign does not
// declare, or a declared language without a text, is a warning (pages fall back to the default
// language).
domain::Localized read_localized(Reporter& r, const MapView::Entry& e, const std::string& path,
                                 const std::vector<std::string>& languages);

}  // namespace twinning::campaign
