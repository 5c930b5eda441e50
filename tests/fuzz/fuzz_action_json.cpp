// Fuzz target: the JSON body of the action POST.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "app/action.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)twinning::app::fields_from_json(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
