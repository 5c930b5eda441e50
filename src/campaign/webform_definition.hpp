#pragma once
// Reading and checking the web-form definitions of campaign.yaml (`webforms:`) and the targets'
// references to them (`contact.web_form: {url: ..., form: <id>}`). The format is described for
// organizers in docs/campaigns.md ("webforms"); the model is src/domain/webform.hpp.
#include <optional>

#include "campaign/yaml_check.hpp"
#include "domain/campaign.hpp"

namespace twinning::campaign {

// contact.web_form is written as a URL or as {url: ..., form: ...}: the entry that holds the
// URL (the value itself, or its `url`), or nullopt for a map without one (read_webforms
// reports that).
std::optional<MapView::Entry> web_form_url_entry(const MapView::Entry& web_form);

// Reads the `webforms` list (null when the campaign has none) and the `form` references in the
// targets' contact.web_form maps, checks them against what the campaign declared before (its
// languages, targets, channels and demo flag) and sets c.webforms. Every problem is reported;
// a definition with problems is left out.
void read_webforms(Reporter& r, const MapView::Entry* webforms, const MapView::Entry* targets, domain::Campaign& c);

}  // namespace twinning::campaign
