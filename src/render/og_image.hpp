#pragma once
// The Open Graph image of a campaign page (what social networks and chat apps show beside a
// shared link): 1200x630 PNG with the page's title and ask, drawn with Pango on cairo so every
// script the campaign writes in (Hangul included) is shaped and wrapped properly.
#include <string>

#include "common/result.hpp"

namespace twinning::render {

inline constexpr int kOgImageWidth = 1200;
inline constexpr int kOgImageHeight = 630;

struct OgImageText {
  std::string lang;      // BCP 47, picks the glyph variants (ko, ja, zh share code points)
  std::string title;     // large, up to four lines, cut with an ellipsis
  std::string subtitle;  // smaller, up to three lines
  std::string footer;    // one line at the bottom, e.g. the site's host name
};

// The PNG's bytes. Text that is not UTF-8 is an error (invalid_utf8); a drawing failure is
// internal. Drawing is serialized: fontconfig is set up once per process and shared.
Result<std::string> og_image_png(const OgImageText& text);

}  // namespace twinning::render
