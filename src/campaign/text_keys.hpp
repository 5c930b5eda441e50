#pragma once
// Which texts a campaign must provide and which variables each text may use. The table is data
// in text_keys.cpp, the one place a new channel or variable is added.
#include <optional>
#include <string>
#include <vector>

#include "domain/campaign.hpp"

namespace twinning::campaign {

// A section of texts/<lang>.yaml ("page", "email", ...), its keys and the channel that needs it.
struct TextSection {
  std::string name;
  std::optional<domain::Channel> channel;  // nullopt: always required (page)
  std::vector<std::string> keys;           // without the section prefix: "subject"
};

const std::vector<TextSection>& text_sections();
// Full keys ("page.title") that every campaign needs in every language.
const std::vector<std::string>& page_text_keys();
// Full keys ("email.subject") needed in every language when `c` is enabled.
const std::vector<std::string>& required_text_keys(domain::Channel c);
// Every full key a text file may hold.
const std::vector<std::string>& known_text_keys();
// The variables a text may use, sorted ("campaign.url", "target.name", ...); empty for an
// unknown key.
const std::vector<std::string>& allowed_variables(const std::string& text_key);

}  // namespace twinning::campaign
