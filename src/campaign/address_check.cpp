#include "campaign/address_check.hpp"

#include "render/address_block.hpp"

namespace twinning::campaign {

namespace {

std::string country_of(const domain::PostalAddress& a) {
  auto it = a.components.find("country_code");
  return it == a.components.end() ? std::string() : it->second;
}

}  // namespace

void check_postal_address(Reporter& report, const YAML::Node& node, const std::string& path,
                          const domain::PostalAddress& address, const std::vector<domain::PostalAddress>& earlier) {
  // An address the loader could not read is reported there already.
  if (address.components.empty()) return;
  const YAML::Node components = node.IsMap() ? node["components"] : YAML::Node();
  if (address.components.count("country_code") == 0 && components.IsMap() && components["country_code"]) return;
  const YAML::Mark where = node.Mark();
  auto formatter = render::address_formatter();
  if (!formatter.ok()) {
    report.error(where, path + ": cannot check the address: " + formatter.error().message,
                 "run scripts/bootstrap (it installs the address data with npm ci), or set address_data_dir in the "
                 "settings");
    return;
  }
  auto lines = formatter.value()->format_postal(address);
  if (!lines.ok()) {
    const Error& e = lines.error();
    std::string fix = "add " + e.field + " under components";
    if (e.field == "country_code") fix = "set components.country_code to the ISO 3166-1 code, e.g. DK, KR";
    if (e.kind == ErrorKind::invalid_utf8) fix = "save the file as UTF-8";
    report.error(where, path + ": " + e.message, fix);
    return;
  }
  if (!earlier.empty() && country_of(earlier.front()) != country_of(address)) {
    report.error(where,
                 path + ": the address is in " + country_of(address) + " but the target's first address is in " +
                     country_of(earlier.front()),
                 "list one address per script, all in the same country");
  }
}

}  // namespace twinning::campaign
