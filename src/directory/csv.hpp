#pragma once
// RFC 4180 CSV as spreadsheets write it: fields separated by commas, records by CRLF or LF,
// quoted fields with "" for a quote and with commas and line breaks inside, an optional UTF-8
// byte order mark (Excel writes one). Anything else is refused with the line it is on: a quote
// inside an unquoted field, text after a closing quote, a quote never closed, invalid UTF-8.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace twinning::directory {

// The most a directory file may hold; a file beyond it is refused before it is parsed.
inline constexpr std::size_t kMaxCsvBytes = 16 * 1024 * 1024;

struct CsvRow {
  std::size_t line = 0;  // 1-based line of the file where the record starts (for reports)
  std::vector<std::string> fields;
};

struct CsvTable {
  std::vector<std::string> header;  // the first record, each name trimmed of spaces
  std::vector<CsvRow> rows;         // the other records; lines holding nothing are skipped
};

// bad_request with `field` "line N" and a message that says what is wrong, for the first fault.
Result<CsvTable> parse_csv(std::string_view text);

// One record as RFC 4180 writes it (quoted only when it has to be), without the line break.
std::string csv_line(const std::vector<std::string>& fields);

}  // namespace twinning::directory
