#pragma once
// Campaigns made from a campaign template and the directory (`twinning generate`). A template is
// a folder with template.yaml and texts/<lang>.yaml: template.yaml is a campaign.yaml without
// pair, bodies and targets, plus a `generate:` section saying which pairs and which officials
// (docs/directory.md, "Campaign templates"). For each matching twinning this makes the
// campaign.yaml of one campaign; the texts are the template's, which use the pair variables and
// the grammar helpers. Pure: reading and writing folders is cli/generate.cpp.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/result.hpp"
#include "directory/directory.hpp"

namespace twinning::directory {

// Which officials become targets, and in which campaign role.
struct TargetRule {
  std::string side;                     // home | foreign: the city whose bodies are searched
  std::vector<std::string> body_kinds;  // empty: every kind
  std::vector<std::string> roles;       // the officials' role column; empty: every role
  std::string role;                     // the campaign role: to | cc | letter_copy
};

struct CampaignTemplate {
  std::string id;                  // the template folder's name; campaigns are ID-HOME-FOREIGN
  YAML::Node campaign;             // template.yaml without `generate`
  std::vector<std::string> languages;
  std::vector<std::string> channels;
  std::string home_country;        // empty: any
  std::vector<std::string> relations;  // empty: any
  std::vector<TargetRule> targets;
};

// Reads template.yaml's text. bad_request naming the key at fault.
Result<CampaignTemplate> parse_template(const std::string& id, const std::string& yaml_text);

struct Generated {
  std::string pair;         // the twinning's key, HOME/FOREIGN
  std::string campaign_id;  // ID-HOME-FOREIGN
  std::string yaml;         // campaign.yaml; empty when refused
  std::vector<std::string> refused;  // why it cannot be made: missing officials, translations...
  std::vector<std::string> notes;    // officials left out, and why (the campaign is still made)
};

// The twinnings the template applies to (all of them matching its filters when `pairs` is
// empty, else exactly those; an unknown pair in `pairs` is refused), in key order.
std::vector<Generated> generate(const CampaignTemplate& t, const Directory& d, const std::vector<std::string>& pairs);

}  // namespace twinning::directory
