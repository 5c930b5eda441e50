#include "render/address_block.hpp"

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>

#include "common/utf8.hpp"
#include "i18n/catalog.hpp"

namespace twinning::render {

namespace fs = std::filesystem;

fs::path default_address_data_dir(const fs::path& resources_dir) {
  return resources_dir / "node_modules" / "@fragaria" / "address-formatter" / "src" / "templates";
}

fs::path address_data_dir(const Settings& settings) {
  if (!settings.address_data_dir.empty()) return settings.address_data_dir;
  return default_address_data_dir(settings.resources_dir.empty() ? fs::path(TWINNING_DEFAULT_RESOURCES)
                                                                 : settings.resources_dir);
}

namespace {

Result<std::string> read_data_file(const fs::path& dir, const char* name) {
  const fs::path file = dir / name;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Error::make(ErrorKind::unavailable,
                       "the address-formatting data is missing: cannot read " + file.string() +
                           " (run scripts/bootstrap, which installs it with npm ci, or set address_data_dir)");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Error::make(ErrorKind::io, "cannot read " + file.string());
  return ss.str();
}

std::string capitals(const std::string& s) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(s);
  u.toUpper(icu::Locale::getEnglish());
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::string country_of(const domain::PostalAddress& a) {
  auto it = a.components.find("country_code");
  return it == a.components.end() ? std::string() : it->second;
}

AddressBlock make_block(const domain::PostalAddress& a, std::vector<std::string> lines) {
  AddressBlock b{a.language, a.script, std::move(lines), 0};
  for (const auto& l : b.lines) b.longest_line = std::max(b.longest_line, code_points(l));
  return b;
}

// The address without a country line of its own (templates put it first or last), its extra lines,
// then `country_line`: one place for the country, whatever the template's order.
Result<AddressBlock> bare_block(const domain::AddressFormatter& f, const domain::PostalAddress& a,
                                  const std::string& country_line) {
  domain::PostalAddress bare = a;
  bare.components.erase("country");
  auto lines = f.format_postal(bare);
  if (!lines.ok()) return lines.error();
  std::vector<std::string> out = std::move(lines).value();
  out.insert(out.end(), a.extra_lines.begin(), a.extra_lines.end());
  if (!country_line.empty()) out.push_back(country_line);
  return make_block(a, std::move(out));
}

}  // namespace

Result<domain::AddressFormatter> load_address_formatter(const fs::path& dir) {
  domain::AddressFormatData data;
  for (auto [name, text] : {std::pair{"templates.json", &data.templates}, std::pair{"aliases.json", &data.aliases},
                            std::pair{"state-codes.json", &data.state_codes},
                            std::pair{"county-codes.json", &data.county_codes},
                            std::pair{"country-to-lang.json", &data.country_to_lang},
                            std::pair{"abbreviations.json", &data.abbreviations}}) {
    auto read = read_data_file(dir, name);
    if (!read.ok()) return read.error();
    *text = std::move(read).value();
  }
  auto made = domain::AddressFormatter::make(data);
  if (!made.ok()) {
    Error e = made.error();
    e.message += " (in " + dir.string() + ")";
    return e;
  }
  return made;
}

namespace {

struct Shared {
  std::mutex mutex;
  fs::path dir = default_address_data_dir(TWINNING_DEFAULT_RESOURCES);
  std::optional<Result<std::shared_ptr<const domain::AddressFormatter>>> loaded;
};

Shared& shared() {
  static Shared s;
  return s;
}

}  // namespace

void use_address_data(fs::path dir) {
  Shared& s = shared();
  std::lock_guard lock(s.mutex);
  s.dir = std::move(dir);
  s.loaded.reset();
}

Result<std::shared_ptr<const domain::AddressFormatter>> address_formatter() {
  Shared& s = shared();
  std::lock_guard lock(s.mutex);
  if (!s.loaded) {
    auto made = load_address_formatter(s.dir);
    if (made.ok()) {
      s.loaded = std::make_shared<const domain::AddressFormatter>(std::move(made).value());
    } else {
      s.loaded = made.error();
    }
  }
  return *s.loaded;
}

Result<AddressBlocks> address_blocks(const domain::AddressFormatter& formatter,
                                     const std::vector<domain::PostalAddress>& addresses,
                                     const std::string& sender_country) {
  if (addresses.empty()) return Error::make(ErrorKind::bad_request, "the recipient has no postal address");
  // The window takes the address in the destination's own language.
  std::size_t window = 0;
  const auto langs = formatter.country_languages(country_of(addresses.front()));
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (std::find(langs.begin(), langs.end(), addresses[i].language) != langs.end()) {
      window = i;
      break;
    }
  }
  const std::string destination = country_of(addresses[window]);
  const std::string country_line =
      destination == sender_country ? std::string() : capitals(i18n::country_name(destination, "en"));
  AddressBlocks out;
  auto w = bare_block(formatter, addresses[window], country_line);
  if (!w.ok()) return w.error();
  out.window = std::move(w).value();
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (i == window) continue;
    auto b = bare_block(formatter, addresses[i], i18n::country_name(country_of(addresses[i]), "en"));
    if (!b.ok()) return b.error();
    out.outside.push_back(std::move(b).value());
  }
  return out;
}

Result<AddressBlock> address_block(const domain::AddressFormatter& formatter, const domain::PostalAddress& address) {
  return bare_block(formatter, address, capitals(i18n::country_name(country_of(address), "en")));
}

}  // namespace twinning::render
