#include "render/letter_pdf.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <unicode/datefmt.h>
#include <unicode/locid.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <sstream>

namespace twinning::render {

namespace {

constexpr double kPtPerMm = 72.0 / 25.4;
constexpr double kPtPerInch = 72.0;
constexpr double mm(double v) { return v * kPtPerMm; }
constexpr double inch(double v) { return v * kPtPerInch; }

// Noto Sans CJK covers Latin, Danish and Hangul in one family, so a letter needs one font
// (two faces); NanumGothic stands in where Noto is missing.
constexpr const char* kFamilies = "Noto Sans CJK KR,NanumGothic,sans-serif";
constexpr double kBodySize = 10.5;
constexpr double kAddressSize = 9.0;  // DIN 5008 asks for at least 8 pt in the address zone
constexpr double kSmallSize = 7.0;    // the return line and the transliterations
// Baselines are stepped by hand: Noto Sans CJK's own line height (1.45 em) would waste the
// window's few millimetres.
constexpr double kLeading = 1.3;
constexpr double kAddressLeading = 1.2;  // six lines in a #10 window's inch
constexpr double kSignatureSpace = mm(18);

struct CairoFree {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct SurfaceFree {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ObjectFree {
  void operator()(void* o) const { g_object_unref(o); }
};
struct FontFree {
  void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
};

cairo_status_t write_to_stream(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<std::ostream*>(closure);
  out->write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(length));
  return out->good() ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

struct Style {
  double size = kBodySize;
  bool bold = false;
  double grey = 0.1;
};

}  // namespace

PaperSize paper_for(std::string_view sender_country) {
  return sender_country == "US" || sender_country == "CA" ? PaperSize::us_letter : PaperSize::a4;
}

PageGeometry page_geometry(PaperSize paper) {
  PageGeometry g;
  switch (paper) {
    case PaperSize::a4:
      g.width = mm(210);
      g.height = mm(297);
      g.address_field = {mm(20), mm(45), mm(85), mm(45)};
      // 5 mm inside the field on the left; the zones split 17.7 / 27.3 mm (DIN 5008 form B).
      g.return_zone = {mm(25), mm(45), mm(80), mm(17.7)};
      g.address_zone = {mm(25), mm(62.7), mm(80), mm(27.3)};
      g.margin_left = mm(25);
      g.margin_right = mm(20);
      g.margin_top = mm(20);
      g.margin_bottom = mm(20);
      break;
    case PaperSize::us_letter:
      g.width = inch(8.5);
      g.height = inch(11);
      // #10 window: 4 1/2 x 1 1/8 in, 7/8 in from the left, top 2 1/2 in down. US envelopes
      // carry the return address printed on the envelope, not in the window, so the whole window
      // is the address zone, less 1/16 in above and below and 1/8 in on the left for the letter
      // shifting in the envelope.
      g.address_field = {inch(0.875), inch(2.5), inch(4.5), inch(1.125)};
      g.return_zone = {inch(1.0), inch(2.5), inch(4.25), 0};
      g.address_zone = {inch(1.0), inch(2.5625), inch(4.25), inch(1.0)};
      g.margin_left = inch(1.0);
      g.margin_right = inch(1.0);
      g.margin_top = inch(0.75);
      g.margin_bottom = inch(0.75);
      break;
  }
  return g;
}

std::string long_date(std::chrono::sys_days day, const std::string& lang) {
  const icu::Locale locale(lang.c_str());
  std::unique_ptr<icu::DateFormat> format(icu::DateFormat::createDateInstance(icu::DateFormat::kLong, locale));
  if (!format) return {};
  // The day is a calendar date: shown in UTC it cannot slip to the day before.
  format->adoptTimeZone(icu::TimeZone::createTimeZone("UTC"));
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(day.time_since_epoch()).count();
  icu::UnicodeString text;
  format->format(static_cast<UDate>(ms), text);
  std::string out;
  text.toUTF8String(out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Drawing

struct LetterPdfWriter::Impl {
  std::ostream* out = nullptr;
  PaperSize paper = PaperSize::a4;
  PageGeometry geo;
  std::unique_ptr<cairo_surface_t, SurfaceFree> surface;
  std::unique_ptr<cairo_t, CairoFree> cr;
  std::unique_ptr<PangoLayout, ObjectFree> layout;  // reused: one per writer, not per line
  // The page number is set while `layout` is being drawn line by line across a page break.
  std::unique_ptr<PangoLayout, ObjectFree> number_layout;
  std::size_t pages = 0;
  bool finished = false;

  Result<void> status() const {
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
      return Error::make(ErrorKind::io, std::string("PDF output failed: ") + cairo_status_to_string(cairo_status(cr.get())));
    }
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
      return Error::make(ErrorKind::io,
                         std::string("PDF output failed: ") + cairo_status_to_string(cairo_surface_status(surface.get())));
    }
    return {};
  }

  void set_text(const std::string& text, const std::string& lang, const Style& s, double width) {
    pango_context_set_language(pango_layout_get_context(layout.get()), pango_language_from_string(lang.c_str()));
    std::unique_ptr<PangoFontDescription, FontFree> font(pango_font_description_from_string(kFamilies));
    pango_font_description_set_absolute_size(font.get(), s.size * PANGO_SCALE);
    pango_font_description_set_weight(font.get(), s.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout.get(), font.get());
    pango_layout_set_width(layout.get(), width > 0 ? static_cast<int>(width * PANGO_SCALE) : -1);
    // Words first; a word longer than the line (a URL) breaks between characters, never runs off.
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(layout.get(), text.c_str(), static_cast<int>(text.size()));
    pango_layout_context_changed(layout.get());
  }

  // Ascent and descent in points of the font in `s`: where the first baseline goes, how far the
  // last line reaches.
  std::pair<double, double> metrics(const Style& s) {
    std::unique_ptr<PangoFontDescription, FontFree> font(pango_font_description_from_string(kFamilies));
    pango_font_description_set_absolute_size(font.get(), s.size * PANGO_SCALE);
    PangoFontMetrics* m = pango_context_get_metrics(pango_layout_get_context(layout.get()), font.get(), nullptr);
    const double ascent = static_cast<double>(pango_font_metrics_get_ascent(m)) / PANGO_SCALE;
    const double descent = static_cast<double>(pango_font_metrics_get_descent(m)) / PANGO_SCALE;
    pango_font_metrics_unref(m);
    return {ascent, descent};
  }

  // Draws the lines of `block` from the top of `zone` on, stepped by the address leading.
  void draw_block(const AddressBlock& block, const PageRect& zone, const Style& s) {
    double y = zone.y + metrics(s).first;
    for (const auto& line : block.lines) {
      set_text(line, block.language, s, -1);
      draw_line(pango_layout_get_line_readonly(layout.get(), 0), zone.x, y, s);
      y += s.size * kAddressLeading;
    }
  }

  // Width in points of `text` set on one line.
  double measure(const std::string& text, const std::string& lang, const Style& s) {
    set_text(text, lang, s, -1);
    PangoRectangle logical;
    pango_layout_get_extents(layout.get(), nullptr, &logical);
    return static_cast<double>(logical.width) / PANGO_SCALE;
  }

  void draw_line(PangoLayoutLine* line, double x, double baseline, const Style& s) {
    cairo_set_source_rgb(cr.get(), s.grey, s.grey, s.grey);
    cairo_move_to(cr.get(), x, baseline);
    pango_cairo_show_layout_line(cr.get(), line);
  }

  // Draws `text` wrapped to `width` from baseline `y` on, one line at a time; returns the baseline
  // after the last line. Without `paginate` the caller has checked that it fits.
  double draw_wrapped(const std::string& text, const std::string& lang, const Style& s, double x, double y,
                      double width, bool paginate) {
    if (text.empty()) return y;
    set_text(text, lang, s, width);
    const double lead = s.size * kLeading;
    const int count = pango_layout_get_line_count(layout.get());
    for (int i = 0; i < count; ++i) {
      if (paginate && y > geo.height - geo.margin_bottom) {
        // A new page may relayout nothing: the layout is only read from here on.
        new_page();
        y = geo.margin_top + mm(10) + s.size;
      }
      draw_line(pango_layout_get_line_readonly(layout.get(), i), x, y, s);
      y += lead;
    }
    return y;
  }

  void fold_marks() {
    // DIN 5008 form B: fold marks at 105 and 210 mm, the hole mark at 148.5 mm.
    if (paper != PaperSize::a4) return;
    cairo_set_source_rgb(cr.get(), 0.5, 0.5, 0.5);
    cairo_set_line_width(cr.get(), 0.4);
    for (double y : {mm(105), mm(148.5), mm(210)}) {
      cairo_move_to(cr.get(), mm(4), y);
      cairo_line_to(cr.get(), y == mm(148.5) ? mm(9) : mm(7), y);
    }
    cairo_stroke(cr.get());
  }

  std::size_t page_in_letter = 0;
  std::string page_lang;

  void new_page() {
    cairo_show_page(cr.get());
    ++pages;
    ++page_in_letter;
    // Continuation pages carry their number: pages of a letter that come apart can be put back.
    const Style s{kSmallSize, false, 0.4};
    const std::string number = "- " + std::to_string(page_in_letter) + " -";
    std::unique_ptr<PangoFontDescription, FontFree> font(pango_font_description_from_string(kFamilies));
    pango_font_description_set_absolute_size(font.get(), s.size * PANGO_SCALE);
    pango_layout_set_font_description(number_layout.get(), font.get());
    pango_layout_set_text(number_layout.get(), number.c_str(), static_cast<int>(number.size()));
    PangoRectangle logical;
    pango_layout_get_extents(number_layout.get(), nullptr, &logical);
    const double w = static_cast<double>(logical.width) / PANGO_SCALE;
    draw_line(pango_layout_get_line_readonly(number_layout.get(), 0), (geo.width - w) / 2, geo.margin_top, s);
  }

  void end_page() {
    cairo_show_page(cr.get());
    ++pages;
  }
};

namespace {

Result<void> fits(LetterPdfWriter::Impl& w, const AddressBlock& block, const PageRect& zone, const Style& s,
                  const std::string& recipient) {
  const double lead = s.size * kAddressLeading;
  const auto [ascent, descent] = w.metrics(s);
  const double need = ascent + descent + static_cast<double>(block.lines.size() - 1) * lead;
  if (block.lines.empty() || need > zone.height + 0.01) {
    return Error::make(ErrorKind::bad_request,
                       "the address of " + recipient + " has " + std::to_string(block.lines.size()) +
                           " lines; the envelope window holds " +
                           std::to_string(static_cast<int>((zone.height - ascent - descent) / lead) + 1),
                       "address");
  }
  for (const auto& line : block.lines) {
    if (w.measure(line, block.language, s) > zone.width) {
      return Error::make(ErrorKind::bad_request,
                         "the address of " + recipient + " does not fit the envelope window: \"" + line +
                             "\" is too long",
                         "address");
    }
  }
  return {};
}

// The writer's drawing state, made once for checks outside a document.
std::unique_ptr<LetterPdfWriter::Impl> measuring_impl(PaperSize paper) {
  auto impl = std::make_unique<LetterPdfWriter::Impl>();
  impl->paper = paper;
  impl->geo = page_geometry(paper);
  impl->surface.reset(cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1));
  impl->cr.reset(cairo_create(impl->surface.get()));
  impl->layout.reset(pango_cairo_create_layout(impl->cr.get()));
  return impl;
}

}  // namespace

Result<void> check_window_fit(const AddressBlock& block, PaperSize paper, const std::string& recipient) {
  auto impl = measuring_impl(paper);
  return fits(*impl, block, impl->geo.address_zone, Style{kAddressSize, false, 0.0}, recipient);
}

LetterPdfWriter::LetterPdfWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LetterPdfWriter::~LetterPdfWriter() {
  // An unfinished writer still closes the document so cairo frees what it holds.
  if (impl_ && !impl_->finished && impl_->surface) cairo_surface_finish(impl_->surface.get());
}

Result<std::unique_ptr<LetterPdfWriter>> LetterPdfWriter::open(std::ostream& out, PaperSize paper) {
  auto impl = std::make_unique<Impl>();
  impl->out = &out;
  impl->paper = paper;
  impl->geo = page_geometry(paper);
  impl->surface.reset(cairo_pdf_surface_create_for_stream(write_to_stream, &out, impl->geo.width, impl->geo.height));
  impl->cr.reset(cairo_create(impl->surface.get()));
  if (auto s = impl->status(); !s.ok()) return s.error();
  impl->layout.reset(pango_cairo_create_layout(impl->cr.get()));
  impl->number_layout.reset(pango_cairo_create_layout(impl->cr.get()));
  // Positions in points come out exact: no hinting snaps glyphs to a device grid that a PDF lacks.
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(pango_layout_get_context(impl->layout.get()), options);
  cairo_font_options_destroy(options);
  return std::unique_ptr<LetterPdfWriter>(new LetterPdfWriter(std::move(impl)));
}

std::size_t LetterPdfWriter::pages() const { return impl_->pages; }

Result<void> LetterPdfWriter::add_letter(const Letter& letter) {
  Impl& w = *impl_;
  if (w.finished) return Error::make(ErrorKind::internal, "letter added after finish");
  const PageGeometry& g = w.geo;
  const Style address{kAddressSize, false, 0.0};
  if (auto r = fits(w, letter.address.window, g.address_zone, address, letter.recipient); !r.ok()) return r;
  w.page_in_letter = 1;
  w.page_lang = letter.lang;
  w.fold_marks();

  // The return line: the sender on one small line above the address, only when it fits whole
  // (the post office needs no return address; a cut one would mislead).
  if (!letter.sender_lines.empty() && g.return_zone.height > 0) {
    std::string ret;
    for (const auto& l : letter.sender_lines) ret += (ret.empty() ? "" : ", ") + l;
    const Style small{kSmallSize, false, 0.35};
    if (w.measure(ret, letter.lang, small) <= g.return_zone.width) {
      w.draw_wrapped(ret, letter.lang, small, g.return_zone.x,
                     g.return_zone.y + g.return_zone.height - kSmallSize * 0.5, -1, false);
    }
  }

  // The window block from the top of the address zone (DIN 5008 fills it from the top).
  w.draw_block(letter.address.window, g.address_zone, address);
  // Transliterations below the window, where the post office does not read.
  double below = g.address_field.y + g.address_field.height + mm(4) + kSmallSize;
  const Style translit{kSmallSize + 1, false, 0.3};
  for (const auto& block : letter.address.outside) {
    for (const auto& line : block.lines) {
      below = w.draw_wrapped(line, block.language, translit, g.address_zone.x, below, g.address_zone.width, false);
    }
    below += kSmallSize;
  }

  // Sender, place and date on the right: DIN 5008's information block (125 mm from the left);
  // on Letter, the same column right of the window.
  const double info_x = g.address_field.x + g.address_field.width + mm(15);
  const double info_width = g.width - g.margin_right - info_x;
  const Style body{kBodySize, false, 0.1};
  double info_y = g.address_field.y + kBodySize;
  for (const auto& l : letter.sender_lines) info_y = w.draw_wrapped(l, letter.lang, body, info_x, info_y, info_width, false);
  info_y += kBodySize;
  std::string dated = long_date(letter.date, letter.lang);
  if (!letter.place.empty()) dated = letter.place + ", " + dated;
  info_y = w.draw_wrapped(dated, letter.lang, body, info_x, info_y, info_width, false);

  // The text starts under whatever is lowest, and on A4 not above DIN 5008's 98.46 mm.
  const double text_width = g.width - g.margin_left - g.margin_right;
  const double start = std::max({below, info_y, g.address_field.y + g.address_field.height + mm(8.46)});
  double y = start + kBodySize;
  if (!letter.subject.empty()) {
    y = w.draw_wrapped(letter.subject, letter.lang, Style{kBodySize, true, 0.1}, g.margin_left, y, text_width, true);
    y += kBodySize;
  }
  auto paragraphs = [&](const std::string& text) {
    // Blank lines separate paragraphs; single newlines stay line breaks inside one.
    std::size_t pos = 0;
    while (pos <= text.size()) {
      std::size_t end = text.find("\n\n", pos);
      std::string para = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      while (!para.empty() && (para.back() == '\n' || para.back() == ' ')) para.pop_back();
      std::size_t lead = para.find_first_not_of('\n');
      if (lead != std::string::npos && !para.empty()) {
        y = w.draw_wrapped(para.substr(lead), letter.lang, body, g.margin_left, y, text_width, true);
        y += kBodySize * 0.6;
      }
      if (end == std::string::npos) break;
      pos = end + 2;
    }
  };
  paragraphs(letter.greeting);
  paragraphs(letter.body);
  paragraphs(letter.closing);
  if (!letter.signature.empty()) {
    // The signature space and the name under it stay together on one page.
    if (y + kSignatureSpace + kBodySize * kLeading > g.height - g.margin_bottom) {
      w.new_page();
      y = g.margin_top + mm(10) + kBodySize;
    }
    y += kSignatureSpace;
    paragraphs(letter.signature);
  }
  if (!letter.cc.empty()) {
    y += kBodySize * 0.6;
    y = w.draw_wrapped(letter.cc_label, letter.lang, body, g.margin_left, y, text_width, true);
    for (const auto& c : letter.cc) y = w.draw_wrapped(c, letter.lang, body, g.margin_left + mm(8), y, text_width - mm(8), true);
  }
  w.end_page();
  return w.status();
}

Result<void> LetterPdfWriter::add_envelope_pages(const std::vector<Envelope>& envelopes) {
  Impl& w = *impl_;
  if (w.finished) return Error::make(ErrorKind::internal, "envelope page added after finish");
  const PageGeometry& g = w.geo;
  const Style address{kAddressSize, false, 0.0};
  const Style translit{kSmallSize + 1, false, 0.3};
  w.page_in_letter = 1;
  double y = g.margin_top;
  bool drawn = false;
  for (const auto& e : envelopes) {
    if (auto r = fits(w, e.address.window, g.address_zone, address, e.recipient); !r.ok()) return r;
    std::size_t outside_lines = 0;
    for (const auto& b : e.address.outside) outside_lines += b.lines.size() + 1;
    const double need = g.address_zone.height + mm(6) + static_cast<double>(outside_lines) * translit.size * kLeading;
    if (drawn && y + need > g.height - g.margin_bottom) {
      w.end_page();
      y = g.margin_top;
      drawn = false;
    }
    // The window's outline, so each block can be checked against (or cut out for) the envelope.
    cairo_set_source_rgb(w.cr.get(), 0.7, 0.7, 0.7);
    cairo_set_line_width(w.cr.get(), 0.4);
    cairo_rectangle(w.cr.get(), g.address_zone.x - mm(2), y, g.address_zone.width + mm(2), g.address_zone.height);
    cairo_stroke(w.cr.get());
    w.draw_block(e.address.window, PageRect{g.address_zone.x, y, g.address_zone.width, g.address_zone.height}, address);
    double line_y = y + g.address_zone.height + mm(3) + translit.size;
    for (const auto& b : e.address.outside) {
      for (const auto& line : b.lines) {
        line_y = w.draw_wrapped(line, b.language, translit, g.address_zone.x, line_y, g.address_zone.width, false);
      }
      line_y += kSmallSize;
    }
    y = std::max(line_y, y + g.address_zone.height + mm(3)) + mm(6);
    drawn = true;
  }
  if (drawn) w.end_page();
  return w.status();
}

Result<void> LetterPdfWriter::finish() {
  Impl& w = *impl_;
  if (w.finished) return {};
  w.finished = true;
  w.layout.reset();
  w.number_layout.reset();
  auto s = w.status();
  w.cr.reset();
  cairo_surface_finish(w.surface.get());
  const cairo_status_t st = cairo_surface_status(w.surface.get());
  w.surface.reset();
  if (!s.ok()) return s;
  if (st != CAIRO_STATUS_SUCCESS) {
    return Error::make(ErrorKind::io, std::string("PDF output failed: ") + cairo_status_to_string(st));
  }
  w.out->flush();
  if (!w.out->good()) return Error::make(ErrorKind::io, "PDF output failed: the stream refused the bytes");
  return {};
}

Result<std::string> render_letters_pdf(const std::vector<Letter>& letters, PaperSize paper) {
  std::ostringstream out;
  auto writer = LetterPdfWriter::open(out, paper);
  if (!writer.ok()) return writer.error();
  std::vector<Envelope> envelopes;
  for (const auto& l : letters) {
    if (auto r = writer.value()->add_letter(l); !r.ok()) return r.error();
    envelopes.push_back({l.recipient, l.address});
  }
  if (auto r = writer.value()->add_envelope_pages(envelopes); !r.ok()) return r.error();
  if (auto r = writer.value()->finish(); !r.ok()) return r.error();
  return out.str();
}

}  // namespace twinning::render
