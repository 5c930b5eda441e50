#pragma once
// Turning a directory CSV file into records, checking every row, and comparing the result with
// what the directory holds. Pure: the store is read before and written after (cli/directory.cpp).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "directory/csv.hpp"
#include "directory/directory.hpp"

namespace twinning::directory {

// One fault of a file: the line it is on (1 is the header), the column, and why.
struct RowProblem {
  std::size_t line = 0;
  std::string column;  // empty when the fault is the whole row
  std::string reason;
};

// The kind a file holds: `flag` when given (the header must then fit it), else told by the
// header: "home" → twinnings, "body" → officials, "kind" → bodies, "time_zone" → cities.
// bad_request when neither says.
Result<Kind> detect_kind(const std::vector<std::string>& header, std::optional<Kind> flag);

struct ParsedFile {
  std::vector<Record> records;           // in file order; meaningful only when problems is empty
  std::vector<RowProblem> problems;      // every fault found, in file order
};

// Checks the header and every row of `table` as records of `kind`. References (a twinning's
// cities, a body's city, an official's body) must be in `existing`; phone numbers written
// without "+" are read in the country of the official's body.
ParsedFile parse_records(Kind kind, const CsvTable& table, const Directory& existing);

// What importing `records` changes: keys added, changed (with the columns that differ),
// unchanged, and the records of that kind the directory holds but the file does not (they stay).
struct ImportReport {
  std::vector<std::string> added, unchanged, not_in_file;
  std::vector<std::pair<std::string, std::vector<std::string>>> changed;  // key, columns
};
ImportReport compare(Kind kind, const Directory& existing, const std::vector<Record>& records);

// The report as an organizer reads it: one line per problem ("line 4, column phone: ...").
std::string describe(const std::vector<RowProblem>& problems);

}  // namespace twinning::directory
