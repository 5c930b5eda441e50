// Fuzz target: the scan of a request's start line and headers that enforces the size limits.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/request_head.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)twinning::http::scan_request_head(input, 64, 256);
  (void)twinning::http::leading_empty_lines(input);
  return 0;
}
