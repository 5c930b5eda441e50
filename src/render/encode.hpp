#pragma once
// Byte-level helpers for serving rendered content: gzip and strong ETags.
#include <string>
#include <string_view>

namespace twinning::render {

// gzip (RFC 1952) at the best compression level; pages are compressed once at start.
std::string gzip(std::string_view data);
// A strong entity tag for these exact bytes, quoted: "\"3f2a...\"".
std::string strong_etag(std::string_view data);

}  // namespace twinning::render
