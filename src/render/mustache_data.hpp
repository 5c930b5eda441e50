#pragma once
// Internal to src/render: building kainjow Mustache data from dotted names.
#include <kainjow/mustache.hpp>

#include <map>
#include <string>
#include <string_view>

namespace twinning::render::detail {

namespace mstch = kainjow::mustache;

// Sets {"a.b.c": v} as nested objects a -> b -> c. An empty value becomes `false`, so a
// section over it is skipped and the variable prints nothing.
void put_dotted(mstch::data& root, std::string_view dotted, const std::string& value);

template <typename Map>
mstch::data object_from(const Map& values) {
  mstch::data out(mstch::data::type::object);
  for (const auto& [name, value] : values) put_dotted(out, name, value);
  return out;
}

}  // namespace twinning::render::detail
