#include "directory/csv.hpp"

#include "common/utf8.hpp"

namespace twinning::directory {
namespace {

Error fault(std::size_t line, const std::string& what) {
  return Error::make(ErrorKind::bad_request, "line " + std::to_string(line) + ": " + what,
                     "line " + std::to_string(line));
}

std::string trim_spaces(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool is_blank(const std::vector<std::string>& fields) { return fields.size() == 1 && fields[0].empty(); }

}  // namespace

Result<CsvTable> parse_csv(std::string_view text) {
  if (text.size() > kMaxCsvBytes) {
    return Error::make(ErrorKind::payload_too_large,
                       "the file is larger than " + std::to_string(kMaxCsvBytes / (1024 * 1024)) + " MiB");
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (auto bad = [&]() -> std::optional<std::size_t> {
        if (is_valid_utf8(text)) return std::nullopt;
        // Find the line of the first invalid byte by validating line by line.
        std::size_t line = 1, start = 0;
        for (std::size_t i = 0; i <= text.size(); ++i) {
          if (i == text.size() || text[i] == '\n') {
            if (!is_valid_utf8(text.substr(start, i - start))) return line;
            ++line;
            start = i + 1;
          }
        }
        return line;
      }()) {
    return fault(*bad, "the text is not valid UTF-8 (save the file as UTF-8)");
  }

  std::vector<CsvRow> records;
  CsvRow current;
  current.line = 1;
  std::string field;
  std::size_t line = 1;
  std::size_t i = 0;
  bool field_started_quoted = false;
  auto end_field = [&] {
    current.fields.push_back(std::move(field));
    field.clear();
    field_started_quoted = false;
  };
  auto end_record = [&] {
    end_field();
    if (!is_blank(current.fields) || field_started_quoted) records.push_back(std::move(current));
    current = CsvRow{};
    current.line = line;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' && field.empty() && !field_started_quoted) {
      // A quoted field: up to the quote not followed by another quote.
      const std::size_t opened_on = line;
      field_started_quoted = true;
      ++i;
      for (;;) {
        if (i >= text.size()) return fault(opened_on, "a quoted field is never closed (a \" is missing)");
        const char q = text[i];
        if (q == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (q == '\n') ++line;
        field += q;
        ++i;
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        return fault(line, "text after the closing quote of a field (write \"\" for a quote inside a quoted field)");
      }
      continue;
    }
    if (c == '"') {
      return fault(line, "a quote inside an unquoted field (quote the whole field and write \"\" for the quote)");
    }
    if (c == ',') {
      end_field();
      ++i;
      continue;
    }
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++i;
      ++line;
      end_record();
      continue;
    }
    field += c;
    ++i;
  }
  if (!field.empty() || field_started_quoted || !current.fields.empty()) end_record();

  if (records.empty()) return fault(1, "the file is empty: the first line must name the columns");
  CsvTable table;
  for (auto& name : records.front().fields) table.header.push_back(trim_spaces(std::move(name)));
  for (std::size_t k = 0; k < table.header.size(); ++k) {
    if (table.header[k].empty()) {
      return fault(records.front().line, "column " + std::to_string(k + 1) + " of the header has no name");
    }
    for (std::size_t j = 0; j < k; ++j) {
      if (table.header[j] == table.header[k]) {
        return fault(records.front().line, "the column \"" + table.header[k] + "\" is named twice");
      }
    }
  }
  table.rows.assign(std::make_move_iterator(records.begin() + 1), std::make_move_iterator(records.end()));
  return table;
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t k = 0; k < fields.size(); ++k) {
    if (k > 0) out += ',';
    const std::string& f = fields[k];
    if (f.find_first_of(",\"\r\n") == std::string::npos) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out;
}

}  // namespace twinning::directory
