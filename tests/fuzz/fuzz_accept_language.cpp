// Fuzz target: Accept-Language negotiation never fails and always answers one of its choices.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "i18n/catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const std::vector<std::string> langs = {"en", "da", "ko"};
  const std::string chosen = twinning::i18n::negotiate_language(input, langs, "en");
  if (chosen != "en" && chosen != "da" && chosen != "ko") std::abort();
  const std::string region = twinning::i18n::region_from_accept_language(input);
  if (!region.empty() && region.size() != 2) std::abort();
  return 0;
}
