#include "render/og_image.hpp"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "common/utf8.hpp"

namespace twinning::render {

namespace {

// Noto Sans CJK covers Latin, Danish and Hangul alike; NanumGothic is the lighter fallback
// (scripts/bootstrap installs both).
constexpr const char* kFamilies = "Noto Sans CJK KR,NanumGothic,sans-serif";
constexpr int kMargin = 80;
constexpr int kBar = 24;  // the accent bar on the left

struct Rgb {
  double r, g, b;
};
constexpr Rgb kInk{0.106, 0.106, 0.106};  // the page's --ink, --muted and --accent
constexpr Rgb kMuted{0.29, 0.29, 0.29};
constexpr Rgb kAccent{0.043, 0.361, 0.541};

struct SurfaceFree {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoFree {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct ObjectFree {
  void operator()(void* o) const { g_object_unref(o); }
};
struct FontFree {
  void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
};

// Draws `text` at (x, y), wrapped to the width between the margins and cut after `max_lines`;
// returns the height it took in pixels.
int draw_text(cairo_t* cr, const std::string& text, const std::string& lang, int px, bool bold, int max_lines,
              int x, int y, Rgb colour) {
  if (text.empty()) return 0;
  std::unique_ptr<PangoLayout, ObjectFree> layout(pango_cairo_create_layout(cr));
  pango_context_set_language(pango_layout_get_context(layout.get()), pango_language_from_string(lang.c_str()));
  std::unique_ptr<PangoFontDescription, FontFree> font(pango_font_description_from_string(kFamilies));
  pango_font_description_set_absolute_size(font.get(), static_cast<double>(px) * PANGO_SCALE);
  pango_font_description_set_weight(font.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(layout.get(), font.get());
  pango_layout_set_width(layout.get(), (kOgImageWidth - x - kMargin) * PANGO_SCALE);
  pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  pango_layout_set_height(layout.get(), -max_lines);  // negative: a number of lines
  pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
  pango_layout_set_text(layout.get(), text.c_str(), static_cast<int>(text.size()));
  cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, layout.get());
  int width = 0;
  int height = 0;
  pango_layout_get_pixel_size(layout.get(), &width, &height);
  return height;
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::string> og_image_png(const OgImageText& t) {
  for (const std::string* s : {&t.lang, &t.title, &t.subtitle, &t.footer}) {
    if (!is_valid_utf8(*s)) return Error::make(ErrorKind::invalid_utf8, "the image's text is not UTF-8");
  }
  static std::mutex drawing;
  std::lock_guard lock(drawing);

  std::unique_ptr<cairo_surface_t, SurfaceFree> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, kOgImageWidth, kOgImageHeight));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Error::make(ErrorKind::internal, "cannot make the image", {},
                       cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  std::unique_ptr<cairo_t, CairoFree> cr(cairo_create(surface.get()));
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  cairo_set_source_rgb(cr.get(), kAccent.r, kAccent.g, kAccent.b);
  cairo_rectangle(cr.get(), 0, 0, kBar, kOgImageHeight);
  cairo_fill(cr.get());

  constexpr int kTitlePx = 60, kSubtitlePx = 34, kFooterPx = 30;
  // The footer sits on the bottom margin whatever the text above takes; the subtitle gets the
  // lines that fit between (CJK fonts set lines about 1.5 times their size apart).
  constexpr int kFooterTop = kOgImageHeight - kMargin - kFooterPx + 10;
  int y = kMargin;
  y += draw_text(cr.get(), t.title, t.lang, kTitlePx, true, 4, kMargin, y, kInk);
  y += 28;
  const int subtitle_lines = std::min(3, (kFooterTop - 24 - y) / (kSubtitlePx * 3 / 2));
  if (subtitle_lines > 0) draw_text(cr.get(), t.subtitle, t.lang, kSubtitlePx, false, subtitle_lines, kMargin, y, kMuted);
  draw_text(cr.get(), t.footer, t.lang, kFooterPx, true, 1, kMargin, kFooterTop, kAccent);

  cairo_surface_flush(surface.get());
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return Error::make(ErrorKind::internal, "cannot draw the image", {}, cairo_status_to_string(cairo_status(cr.get())));
  }
  std::string png;
  const cairo_status_t written = cairo_surface_write_to_png_stream(surface.get(), append, &png);
  if (written != CAIRO_STATUS_SUCCESS) {
    return Error::make(ErrorKind::internal, "cannot write the image", {}, cairo_status_to_string(written));
  }
  return png;
}

}  // namespace twinning::render
