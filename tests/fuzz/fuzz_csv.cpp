// Fuzz target: a directory CSV file as an organizer's spreadsheet may save it, and its fields
// through the grammar helpers. Parsing never crashes; a parsed table's rows keep increasing line
// numbers; writing a row back and parsing it again gives the same fields; checking the rows as
// any kind makes a record of every row when it reports no problem, and never more records than
// rows; the grammar helpers never lose the word they extend.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "directory/csv.hpp"
#include "directory/import.hpp"
#include "i18n/grammar.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace d = twinning::directory;
  namespace g = twinning::i18n::grammar;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto table = d::parse_csv(text);
  if (!table.ok()) return 0;
  std::size_t last_line = 1;
  for (const auto& row : table->rows) {
    if (row.line <= last_line) std::abort();
    last_line = row.line;
    auto again = d::parse_csv("h\n" + d::csv_line(row.fields) + "\n");
    // A row of one empty field is a blank line, which the parser skips.
    const bool blank = row.fields.size() == 1 && row.fields[0].empty();
    if (!again.ok() || (!blank && (again->rows.size() != 1 || again->rows[0].fields != row.fields))) std::abort();
    for (const auto& field : row.fields) {
      for (const auto& helper : g::helpers()) {
        const std::string out = helper.apply(field);
        if (out.empty() && !field.empty() && field.find_first_not_of(" \t\r\n") != std::string::npos) std::abort();
      }
    }
  }
  for (d::Kind kind : d::kAllKinds) {
    const auto parsed = d::parse_records(kind, table.value(), d::Directory{});
    if (parsed.records.size() > table->rows.size()) std::abort();
    if (parsed.problems.empty() && parsed.records.size() != table->rows.size()) std::abort();
  }
  return 0;
}
