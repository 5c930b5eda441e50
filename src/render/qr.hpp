#pragma once
// QR codes (libqrencode) drawn as SVG: sharp at any size on screen and in print, a few hundred
// bytes for a page address.
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace twinning::render {

// The modules of a QR code, row by row, true for dark; `size` modules a side, no quiet zone.
struct QrMatrix {
  int size = 0;
  std::vector<bool> dark;
  bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * size + x)]; }
};

// Byte mode, error correction level M (about 15% of the symbol may be damaged or covered).
// Empty text, a NUL byte, or text longer than a QR code holds is a bad_request.
Result<QrMatrix> qr_matrix(std::string_view text);

// An SVG image of the QR code of `text` with the 4-module quiet zone the standard asks for;
// `title` (escaped) names it for screen readers. Each module is `module_px` pixels by default.
Result<std::string> qr_svg(std::string_view text, std::string_view title, int module_px = 6);

}  // namespace twinning::render
