#pragma once
// Charts drawn on the server as inline SVG: no JavaScript, no outside library, nothing fetched.
// Each chart is an image with a title and a description for screen readers (role="img",
// aria-labelledby); the page puts the same numbers in a table beside it.
#include <cstdint>
#include <string>
#include <vector>

namespace twinning::render {

// A horizontal bar chart whose bars are split into series (e.g. a day's bar split by channel).
struct Chart {
  std::string id;             // unique in the page, [a-z0-9-]: the SVG's title and desc ids derive from it
  std::string title;          // what the chart shows
  std::string label_heading;  // what the rows are (the data table's first column): Day, Target...
  std::vector<std::string> series;  // the parts of each bar, in order (the legend)
  struct Row {
    std::string label;
    std::vector<std::int64_t> values;  // one per series
    std::int64_t total() const;
  };
  std::vector<Row> rows;
  std::int64_t max_total() const;
};

// The chart as an <svg> element (HTML5 inline SVG). Labels and titles are escaped; long labels are
// shortened in the drawing (the full text stays in each bar's tooltip and in the data table).
// Series are told apart by colour (a colour-blind-safe palette) and by the legend's order.
std::string svg_bar_chart(const Chart& chart);

// The fill colour of series `i` (the legend and the data table's key use it too).
const char* series_colour(std::size_t i);

}  // namespace twinning::render
