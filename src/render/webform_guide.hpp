#pragma once
// The guided steps for one target's web form (see domain/webform.hpp): the steps that reach the
// form in the supporter's language, each field with its label exactly as the site shows it,
// what it means, and the value to enter, the message split into the parts the site takes.
// Part of the webform channel's view (channel_view.hpp), shared by the page and `twinning preview`.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/webform.hpp"

namespace twinning::render {

struct GuideValues {
  std::string lang;           // the supporter's language: steps, meanings, notes
  std::string fallback_lang;  // the campaign's default, for texts missing in `lang`
  std::string site_lang;      // the target's language, which the message is written in
  std::string subject, body;  // the message, composed in site_lang
  // The supporter's own details, when known (preview with --supporter); otherwise each field
  // shows `placeholder` words instead ("[your name]") and has nothing to copy.
  std::optional<std::string> name, email, phone;
  std::string placeholder_name, placeholder_email, placeholder_phone;
};

// {"id", "site", "steps": [{"n", "text", "url"}], "fields": [{"label", "meaning", "note",
//  "source", "value", "copy", "yours", "site_filled", "required", "max_chars", "lang", "parts"}],
//  "split", "submit", "success": [{"text", "meaning"}], "automated"}; docs/preview.md has the details.
nlohmann::json webform_guide(const domain::WebformDefinition& form, const GuideValues& v);

// The targets reached by web form, each with the path that records "I have sent it" in `lang`:
// (name in lang, "/{campaign}/{lang}/webform/{target}/done").
std::vector<std::pair<std::string, std::string>> webform_done_buttons(const domain::Campaign& c, const std::string& lang);
std::string webform_done_path(const domain::Campaign& c, const std::string& lang, const std::string& target_id);

// The targets whose form twinning may fill in: a definition marked automated and a host the
// operator allows (domain::automation_allowed).
std::vector<const domain::Target*> webform_automated_targets(const domain::Campaign& c,
                                                             const std::vector<std::string>& automated_hosts);

}  // namespace twinning::render
