// Fuzz target: the organizer API's query parsers (OSDI filter, paging, API keys) never crash, and
// what they accept is within their bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "app/api_key.hpp"
#include "app/osdi.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto filter = twinning::app::osdi::parse_filter(input);
  if (filter.ok() && input.size() > twinning::app::osdi::kMaxFilterBytes) std::abort();
  if (!filter.ok() && filter.error().field != "filter") std::abort();
  auto paging = twinning::app::osdi::parse_paging(input, input, 25, 100);
  if (paging.ok() && (paging.value().page < 1 || paging.value().per_page < 1 || paging.value().per_page > 100)) {
    std::abort();
  }
  if (auto key = twinning::app::parse_api_key(input); key && (key->prefix.size() != 16 || key->secret.size() != 64)) {
    std::abort();
  }
  return 0;
}
