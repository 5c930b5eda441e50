// Fuzz target: a postal address as a campaign (or, later, a supporter) may write it, one
// "component=value" per line, the first line being "language script". The formatter, with the npm
// data twinning ships, never fails on UTF-8 input: `format` always ends in a newline and gives
// valid UTF-8; `format_postal` either refuses with a named field or gives non-empty lines without
// line breaks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/utf8.hpp"
#include "render/address_block.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto formatter = twinning::render::address_formatter();
  if (!formatter.ok()) std::abort();  // the data is installed by scripts/bootstrap
  const std::string text(reinterpret_cast<const char*>(data), size);

  twinning::domain::PostalAddress a;
  std::size_t from = 0;
  bool first = true;
  while (from <= text.size()) {
    const std::size_t nl = text.find('\n', from);
    const std::string line = text.substr(from, nl == std::string::npos ? std::string::npos : nl - from);
    if (first) {
      a.language = line.substr(0, line.find(' '));
      a.script = line.find(' ') == std::string::npos ? std::string() : line.substr(line.find(' ') + 1);
      first = false;
    } else if (auto eq = line.find('='); eq != std::string::npos) {
      a.components[line.substr(0, eq)] = line.substr(eq + 1);
    }
    if (nl == std::string::npos) break;
    from = nl + 1;
  }

  const auto& f = *formatter.value();
  auto postal = f.format_postal(a);
  if (postal.ok()) {
    for (const auto& l : postal.value()) {
      if (l.empty() || l.find('\n') != std::string::npos || !twinning::is_valid_utf8(l)) std::abort();
    }
  } else if (postal.error().field.empty()) {
    std::abort();
  }

  bool utf8 = true;
  for (const auto& [k, v] : a.components) utf8 = utf8 && twinning::is_valid_utf8(v) && twinning::is_valid_utf8(k);
  if (!utf8) return 0;
  twinning::domain::AddressFormatOptions options;
  options.language = a.language;
  options.script = a.script;
  options.abbreviate = size % 2 == 1;
  const std::string out = f.format(a.components, options);
  if (out.empty() || out.back() != '\n' || !twinning::is_valid_utf8(out)) std::abort();
  return 0;
}
