#pragma once
// The headers every response carries unless its handler set its own: a strict
// Content-Security-Policy (scripts only from this origin, the one inline style sheet allowed by its
// hash, no plugins, no framing by other sites), no MIME sniffing, and a Referrer-Policy that does not
// hand the page's address to other sites.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace twinning::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// `inline_css` is the exact text of the pages' <style> element; `frame_origins` are the sites
// allowed to show pages in a frame besides this one (settings embed_origins: organizers' own sites
// using the embed snippet), each "scheme://host[:port]".
HeaderList security_headers(std::string_view inline_css, const std::vector<std::string>& frame_origins = {});

// The CSP source expression allowing exactly that inline text: 'sha256-<base64>'.
std::string csp_hash(std::string_view inline_text);

}  // namespace twinning::http
