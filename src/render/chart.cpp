#include "render/chart.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/utf8.hpp"
#include "render/text.hpp"

namespace twinning::render {

std::int64_t Chart::Row::total() const {
  std::int64_t sum = 0;
  for (auto v : values) sum += v;
  return sum;
}

std::int64_t Chart::max_total() const {
  std::int64_t most = 0;
  for (const auto& r : rows) most = std::max(most, r.total());
  return most;
}

namespace {

// The geometry, in SVG user units (the SVG scales to its container).
constexpr int kWidth = 720;
constexpr int kLabelWidth = 190;  // the row labels, right-aligned against the bars
constexpr int kBarArea = 440;
constexpr int kRowHeight = 22;
constexpr int kBarHeight = 16;
constexpr int kLegendHeight = 30;
constexpr std::size_t kLabelChars = 26;  // longer labels are shortened in the drawing only

// Okabe and Ito's palette, distinguishable with the common colour-vision deficiencies.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"};

std::string shortened(const std::string& label) {
  if (code_points(label) <= kLabelChars) return label;
  // Cut before a lead byte, never inside a UTF-8 sequence.
  std::size_t kept = 0, end = 0;
  for (; end < label.size(); ++end) {
    const bool lead = (static_cast<unsigned char>(label[end]) & 0xC0) != 0x80;
    if (lead && kept++ == kLabelChars - 1) break;
  }
  return label.substr(0, end) + "\xE2\x80\xA6";  // …
}

}  // namespace

const char* series_colour(std::size_t i) { return kPalette[i % std::size(kPalette)]; }

std::string svg_bar_chart(const Chart& chart) {
  const int rows = static_cast<int>(std::max<std::size_t>(chart.rows.size(), 1));
  const int height = kLegendHeight + rows * kRowHeight + 8;
  const std::int64_t most = std::max<std::int64_t>(chart.max_total(), 1);
  std::string series_list;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    series_list += (i == 0 ? "" : ", ") + chart.series[i];
  }
  const std::string desc =
      chart.rows.empty()
          ? std::string("No actions yet.")
          : fmt::format("Horizontal bars, one per {} ({} in all); each bar is split into {}. The table that follows "
                        "gives the numbers.",
                        chart.label_heading, chart.rows.size(), series_list);

  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
      "height=\"{1}\" role=\"img\" aria-labelledby=\"{2}-title {2}-desc\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n<title id=\"{2}-title\">{3}</title>\n<desc id=\"{2}-desc\">{4}</desc>\n",
      kWidth, height, html_escape(chart.id), html_escape(chart.title), html_escape(desc));

  // The legend, one swatch per series, in order.
  int x = kLabelWidth;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    out += fmt::format("<rect x=\"{}\" y=\"8\" width=\"12\" height=\"12\" fill=\"{}\"/>", x, series_colour(i));
    out += fmt::format("<text x=\"{}\" y=\"18\">{}</text>\n", x + 16, html_escape(shortened(chart.series[i])));
    x += 24 + 7 * static_cast<int>(std::min<std::size_t>(code_points(chart.series[i]), kLabelChars));
  }
  if (chart.rows.empty()) {
    out += fmt::format("<text x=\"{}\" y=\"{}\">No actions yet.</text>\n", kLabelWidth, kLegendHeight + 14);
  }
  for (std::size_t r = 0; r < chart.rows.size(); ++r) {
    const auto& row = chart.rows[r];
    const int y = kLegendHeight + static_cast<int>(r) * kRowHeight;
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", kLabelWidth - 8, y + 13,
                       html_escape(shortened(row.label)));
    // Bars start where the previous part ended; widths are scaled to the longest bar so they
    // compare across rows. A part too small to see still gets one unit, so it is not lost.
    double left = kLabelWidth;
    for (std::size_t i = 0; i < row.values.size() && i < chart.series.size(); ++i) {
      if (row.values[i] <= 0) continue;
      const double width = std::max(1.0, static_cast<double>(row.values[i]) * kBarArea / static_cast<double>(most));
      out += fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"><title>{}: {} {}</title></rect>",
                         left, y + 2, width, kBarHeight, series_colour(i), html_escape(row.label), row.values[i],
                         html_escape(chart.series[i]));
      left += width;
    }
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\">{}</text>\n", left + 6, y + 13, row.total());
  }
  out += "</svg>";
  return out;
}

}  // namespace twinning::render
