#pragma once
// The CSV exports of a campaign (`twinning export`, GET /api/v1/exports/...): RFC 4180 (fields
// separated by commas, records ended by CRLF, a field quoted when it holds a quote, comma, CR or
// LF, quotes doubled), UTF-8, a byte order mark on request for spreadsheet programs that guess the
// encoding otherwise. Rows are written one by one as the store reads them, never all held.
//
// Spreadsheet formula injection: a cell starting with = + - @, a tab or a CR would be taken as a
// formula by Excel, LibreOffice or Google Sheets; such a cell gets a leading apostrophe (so a phone
// number "+4512345678" reads "'+4512345678"). docs/api.md says so too.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "store/api_store.hpp"

namespace twinning::app::csv {

inline constexpr std::string_view kBom = "\xEF\xBB\xBF";

// One field, guarded and quoted as above.
std::string cell(std::string_view value);
// One record: the cells, comma-separated, with CRLF.
std::string record(const std::vector<std::string>& cells);

enum class Export { people, actions, signatures };
// "people", "actions" or "signatures".
std::optional<Export> parse_export(std::string_view name);
std::string_view export_name(Export e);

std::vector<std::string> header(Export e);
std::vector<std::string> person_cells(const store::PersonRecord& p);
std::vector<std::string> action_cells(const store::ActionRecord& a);
std::vector<std::string> signature_cells(const store::SignatureRecord& s);

// Writes the export of `campaign` to `sink`, record by record (the BOM first when `bom`). `sink`
// returns false to stop (the reader went away); the result is still ok then.
Result<void> write_export(store::ApiStore& store, Export what, const std::string& campaign, bool bom,
                          const std::function<bool(std::string_view)>& sink);

}  // namespace twinning::app::csv
