#pragma once
// Composes a campaign's texts for one language, target and supporter: the variables every text
// may use, and the finished plain text. Used by the page (with placeholders for the supporter),
// by `twinning preview`, and by the channels that deliver.
#include <optional>
#include <string>

#include "common/result.hpp"
#include "domain/campaign.hpp"
#include "render/text.hpp"

namespace twinning::render {

struct SupporterView {
  std::string name;     // as the supporter wrote it
  std::string country;  // ISO 3166-1 alpha-2, may be empty
  std::string time_zone = {};  // IANA; empty: their country's main zone (the call block's "your time")
};

// The first word of a name, the way a caller would introduce themselves ("Ana" of "Ana Lima").
std::string first_name(std::string_view name);

// Variables shared by every text: campaign.url, home.*, foreign.*, since, relation, handles,
// petition.goal, addressees.
Vars campaign_vars(const domain::Campaign& c, const std::string& lang, const std::string& page_url);
// Adds target.name, target.title, target.body in `lang`.
void add_target_vars(Vars& vars, const domain::Campaign& c, const domain::Target& t, const std::string& lang);
// Adds supporter.name, supporter.first_name, supporter.country (the country named in `lang`).
void add_supporter_vars(Vars& vars, const SupporterView& s, const std::string& lang);

// The text `key` ("email.subject") of the campaign in `lang`, rendered with `vars`.
Result<std::string> compose(const domain::Campaign& c, const std::string& lang, const std::string& key,
                            const Vars& vars);

// The language a target should be written to in: its own when the campaign has texts in it,
// otherwise the campaign's default language.
std::string language_for(const domain::Campaign& c, const domain::Target& t);

}  // namespace twinning::render
