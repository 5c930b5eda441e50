#include "render/qr.hpp"

#include <qrencode.h>

#include <cerrno>
#include <memory>

#include "render/text.hpp"

namespace twinning::render {

namespace {

constexpr int kQuietZone = 4;  // modules of light margin on each side (ISO/IEC 18004)

struct QrFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

}  // namespace

Result<QrMatrix> qr_matrix(std::string_view text) {
  if (text.empty()) return Error::make(ErrorKind::bad_request, "nothing to put in the QR code");
  if (text.find('\0') != std::string_view::npos) {
    return Error::make(ErrorKind::bad_request, "a QR code of text with a NUL byte is not made");
  }
  const std::string data(text);
  errno = 0;
  // Byte mode keeps the text exactly as given (no case folding, UTF-8 passes through).
  std::unique_ptr<QRcode, QrFree> code(QRcode_encodeString8bit(data.c_str(), 0, QR_ECLEVEL_M));
  if (!code) {
    if (errno == ERANGE) return Error::make(ErrorKind::bad_request, "the text is too long for a QR code");
    return Error::make(ErrorKind::internal, "libqrencode could not encode the text", {}, "errno " + std::to_string(errno));
  }
  QrMatrix m;
  m.size = code->width;
  m.dark.resize(static_cast<std::size_t>(m.size) * static_cast<std::size_t>(m.size));
  for (std::size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = (code->data[i] & 1) != 0;
  return m;
}

Result<std::string> qr_svg(std::string_view text, std::string_view title, int module_px) {
  auto matrix = qr_matrix(text);
  if (!matrix.ok()) return matrix.error();
  const QrMatrix& m = matrix.value();
  const int side = m.size + 2 * kQuietZone;
  const std::string n = std::to_string(side);
  const std::string px = std::to_string(side * (module_px > 0 ? module_px : 1));
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + n + " " + n + "\" width=\"" + px +
                    "\" height=\"" + px + "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"" +
                    html_escape(title) + "\"><title>" + html_escape(title) + "</title><rect width=\"" + n +
                    "\" height=\"" + n + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  // One rectangle per run of dark modules in a row keeps the path short.
  for (int y = 0; y < m.size; ++y) {
    for (int x = 0; x < m.size;) {
      if (!m.at(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < m.size && m.at(x + run, y)) ++run;
      svg += "M" + std::to_string(x + kQuietZone) + " " + std::to_string(y + kQuietZone) + "h" + std::to_string(run) +
             "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  svg += "\"/></svg>\n";
  return svg;
}

}  // namespace twinning::render
