#include "render/admin_pages.hpp"

#include <fstream>
#include <sstream>

#include <kainjow/mustache.hpp>

namespace twinning::render {
namespace {

namespace mstch = kainjow::mustache;

constexpr const char* kPages[] = {"layout", "login", "index", "campaign", "notice", "review"};

Result<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error::make(ErrorKind::io, "cannot read " + file.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// JSON to Mustache data. Empty strings, empty lists and null become false, so sections skip them.
mstch::data from_json(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mstch::data out(mstch::data::type::object);
      for (const auto& [k, v] : j.items()) out.set(k, from_json(v));
      return out;
    }
    case nlohmann::json::value_t::array: {
      if (j.empty()) return mstch::data(false);
      mstch::data out(mstch::data::type::list);
      for (const auto& v : j) out.push_back(from_json(v));
      return out;
    }
    case nlohmann::json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      return s.empty() ? mstch::data(false) : mstch::data(s);
    }
    case nlohmann::json::value_t::boolean:
      return mstch::data(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return mstch::data(j.dump());
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::binary:
    case nlohmann::json::value_t::discarded:
      return mstch::data(false);
  }
  return mstch::data(false);
}

Result<std::string> render_one(const std::string& tmpl, const mstch::data& data, const std::string& name) {
  mstch::mustache m{tmpl};
  std::string out = m.render(data);
  if (!m.is_valid()) {
    return Error::make(ErrorKind::internal, "page template error", {}, "templates/admin_" + name + ": " + m.error_message());
  }
  return out;
}

}  // namespace

Result<AdminPages> AdminPages::load(const std::filesystem::path& resources_dir) {
  AdminPages pages;
  for (const char* name : kPages) {
    const auto file = resources_dir / "templates" / (std::string("admin_") + name + ".mustache");
    auto text = read_file(file);
    if (!text.ok()) return text.error();
    mstch::mustache check{text.value()};
    if (!check.is_valid()) {
      return Error::make(ErrorKind::internal, file.string() + ": " + check.error_message());
    }
    pages.templates_[name] = std::move(text).value();
  }
  auto css = read_file(resources_dir / "static" / "admin.css");
  if (!css.ok()) return css.error();
  pages.css_ = std::move(css).value();
  return pages;
}

Result<std::string> AdminPages::render(const std::string& page, const nlohmann::json& data) const {
  auto it = templates_.find(page);
  if (it == templates_.end() || page == "layout") {
    return Error::make(ErrorKind::internal, "the organizer pages failed", {}, "no admin page named " + page);
  }
  auto content = render_one(it->second, from_json(data), page);
  if (!content.ok()) return content;
  return wrap(content.value(), data);
}

Result<std::string> AdminPages::wrap(const std::string& content_html, const nlohmann::json& layout_data) const {
  mstch::data d = layout_data.is_object() ? from_json(layout_data) : mstch::data(mstch::data::type::object);
  d.set("content", content_html);
  d.set("css", css_);
  return render_one(templates_.at("layout"), d, "layout");
}

}  // namespace twinning::render
