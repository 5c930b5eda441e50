#pragma once
// `twinning check` on the campaign's postal addresses: each must be one the OpenCage rules can
// write for its country (domain/address_format.hpp), since letters and envelopes are printed from
// them: a country code the rules know, and every part the country's writing needs.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "campaign/yaml_check.hpp"
#include "domain/campaign.hpp"

namespace twinning::campaign {

// Reports what is wrong with `address` (read from `node`, named `path`): an unknown or missing
// country code, the parts its country needs and it lacks (named), a country other than that of
// the same target's addresses already read (`earlier`: one address in several scripts), and
// address data that cannot be read (with how to install it).
void check_postal_address(Reporter& report, const YAML::Node& node, const std::string& path,
                          const domain::PostalAddress& address, const std::vector<domain::PostalAddress>& earlier);

}  // namespace twinning::campaign
