#pragma once
// Campaign texts are Mustache templates rendered as plain text; the page escapes the result
// where it inserts it (escaping on by default), and mail bodies use it as is.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace twinning::render {

// Dotted variable names ("target.name") to values. An empty value counts as false in a section,
// so `{{#target.title}}...{{/target.title}}` can leave out a missing title.
using Vars = std::map<std::string, std::string>;

// Renders `tmpl` with `vars`, without escaping. A template that fails to parse is an error
// (check refuses such campaigns, so this only fails on a campaign not checked).
Result<std::string> render_text(const std::string& tmpl, const Vars& vars);

// The interface words' small templates ("Goal: {{goal}} signatures"): rendered with `vars`, or
// the template itself when it does not parse (words are checked when the catalogs load).
std::string fill(const std::string& tmpl, const Vars& vars);

// Splits plain text into paragraphs at blank lines; single newlines stay inside a paragraph.
std::vector<std::string> paragraphs(std::string_view text);

std::string html_escape(std::string_view s);
// Percent-encodes everything but RFC 3986 unreserved characters (for query values).
std::string url_encode(std::string_view s);

}  // namespace twinning::render
