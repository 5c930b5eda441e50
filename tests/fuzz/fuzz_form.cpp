// Fuzz target: the form and query parsers, and the action rules applied to what they return.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/config.hpp"
#include "http/form.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  twinning::Limits limits;
  limits.max_field_bytes = 256;
  (void)twinning::http::parse_form(input, limits);
  (void)twinning::http::parse_query(input, limits);
  (void)twinning::http::percent_decode_path(input);
  return 0;
}
