#pragma once
// Checks a campaign text (a kainjow Mustache template) before it is ever rendered: syntax, tags
// that campaign texts do not support, and variables the text may not use.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace twinning::campaign {

struct TemplateTag {
  enum class Kind { variable, unescaped, section, inverted, close, comment, partial, set_delimiter };
  Kind kind = Kind::variable;
  std::string name;         // trimmed; for comments the comment text
  std::size_t offset = 0;   // byte offset of "{{" in the template
  std::size_t length = 0;   // bytes up to and including the closing braces
};

struct TemplateIssue {
  std::size_t offset = 0;  // byte offset in the template of the tag at fault
  std::string message;
  std::string fix;
};

// Every tag of `text`, in order. Stops at the first tag that is not closed and reports it.
struct TemplateScan {
  std::vector<TemplateTag> tags;
  std::vector<TemplateIssue> issues;
};
TemplateScan scan_template(std::string_view text);

// All problems of one template: unclosed tags, unbalanced sections, partials and set-delimiter
// tags (unsupported in campaign texts), variables outside `allowed`, and anything else the
// kainjow parser rejects.
std::vector<TemplateIssue> check_template(std::string_view text, const std::vector<std::string>& allowed);

}  // namespace twinning::campaign
