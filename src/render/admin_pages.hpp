#pragma once
// The organizer pages (sign-in, campaigns, a campaign's dashboard): templates/admin_*.mustache
// inside templates/admin_layout.mustache, with static/admin.css inline. Their words are English
// for now and live in the templates (data, not code). Everything inserted is escaped by the
// templates, except the fields named *svg* and `content`, which are our own rendered markup.
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace twinning::render {

class AdminPages {
 public:
  // Reads and checks templates/admin_{layout,login,index,campaign,notice}.mustache and static/admin.css.
  static Result<AdminPages> load(const std::filesystem::path& resources_dir);

  // templates/admin_<page>.mustache with `data`, inside the layout. The layout reads
  // data.page_title and data.user {name, role, csrf} (absent: signed out). Strings are escaped;
  // numbers print as numbers; empty strings, empty lists, false and null skip their section.
  Result<std::string> render(const std::string& page, const nlohmann::json& data) const;
  // Markup made elsewhere (already escaped) inside the layout, which reads layout_data as above.
  Result<std::string> wrap(const std::string& content_html, const nlohmann::json& layout_data) const;
  // The inline style sheet: its hash goes into these pages' Content-Security-Policy.
  const std::string& css() const { return css_; }

 private:
  std::map<std::string, std::string> templates_;
  std::string css_;
};

}  // namespace twinning::render
