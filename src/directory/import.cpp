#include "directory/import.hpp"

#include <algorithm>
#include <map>

#include "campaign/validators.hpp"
#include "common/utf8.hpp"

namespace twinning::directory {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool has(const std::vector<std::string>& header, const char* name) {
  return std::find(header.begin(), header.end(), name) != header.end();
}

std::string column_list(Kind kind) {
  std::string out;
  for (const Column& c : columns(kind)) {
    if (!out.empty()) out += ", ";
    out += c.localized ? c.name + "<lang>" : c.name;
  }
  return out;
}

bool is_year(const std::string& v) {
  if (v.size() != 4 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  const int y = std::stoi(v);
  return y >= 1900 && y <= 2100;
}

// Why `value` fails `check`, or nullopt when it passes. `value` is trimmed and not empty.
// `country` is the country phone numbers without "+" are read in ("" when unknown).
std::optional<std::string> fault_of(Check check, std::string& value, const Directory& existing,
                                    const std::string& country) {
  switch (check) {
    case Check::id:
      if (!campaign::is_campaign_id(value)) return "\"" + value + "\" is not an id: use a-z, 0-9 and '-' (like naju or haderslev-council)";
      return std::nullopt;
    case Check::text:
      return std::nullopt;
    case Check::country:
      if (!campaign::is_country_code(value)) return "\"" + value + "\" is not an ISO 3166-1 country code (KR, DK, US...)";
      return std::nullopt;
    case Check::language:
      if (!campaign::is_language_code(value)) return "\"" + value + "\" is not an ISO 639-1 language code (ko, da, en...)";
      return std::nullopt;
    case Check::time_zone:
      if (!campaign::is_time_zone(value)) return "\"" + value + "\" is not an IANA time zone (Asia/Seoul, Europe/Copenhagen...)";
      return std::nullopt;
    case Check::year:
      if (!is_year(value)) return "\"" + value + "\" is not a year between 1900 and 2100";
      return std::nullopt;
    case Check::email:
      if (!campaign::is_valid_email(value)) return "\"" + value + "\" is not an email address";
      return std::nullopt;
    case Check::phone: {
      auto e164 = campaign::to_e164(value, country.empty() ? "ZZ" : country);
      if (!e164) {
        return "\"" + value + "\" is not a valid phone number" +
               (country.empty() ? std::string(" (write it with + and the country code)") : " in " + country);
      }
      value = *e164;  // stored as E.164 so that a re-import written differently is unchanged
      return std::nullopt;
    }
    case Check::url:
      if (!campaign::is_http_url(value)) return "\"" + value + "\" is not an http or https address";
      return std::nullopt;
    case Check::relation:
      if (value != "sister" && value != "friendship" && value != "partner") {
        return "\"" + value + "\" is not a kind of twinning: use sister, friendship or partner";
      }
      return std::nullopt;
    case Check::body_kind:
      if (value != "municipality" && value != "council" && value != "provincial_council" &&
          value != "national_assembly") {
        return "\"" + value + "\" is not a kind of body: use municipality, council, provincial_council or national_assembly";
      }
      return std::nullopt;
    case Check::city_ref:
      if (existing.find(Kind::city, value) == nullptr) return "no city \"" + value + "\" in the directory (import the cities first)";
      return std::nullopt;
    case Check::body_ref:
      if (existing.find(Kind::body, value) == nullptr) return "no body \"" + value + "\" in the directory (import the bodies first)";
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

Result<Kind> detect_kind(const std::vector<std::string>& header, std::optional<Kind> flag) {
  if (flag) return *flag;
  if (has(header, "home")) return Kind::twinning;
  if (has(header, "body")) return Kind::official;
  if (has(header, "kind")) return Kind::body;
  if (has(header, "time_zone")) return Kind::city;
  return Error::make(ErrorKind::bad_request,
                     "the header does not say what the file holds: name the columns as docs/directory.md lists "
                     "them, or give --kind cities|twinnings|bodies|officials",
                     "kind");
}

ParsedFile parse_records(Kind kind, const CsvTable& table, const Directory& existing) {
  ParsedFile out;
  // The header first: an unknown or missing column would make every row wrong.
  std::vector<const Column*> by_index;
  for (const std::string& name : table.header) {
    const Column* c = column_for(kind, name);
    if (c == nullptr) {
      out.problems.push_back({1, name, "unknown column for " + std::string(kind_name(kind)) + " (the columns are: " + column_list(kind) + ")"});
    } else if (c->localized && !campaign::is_language_code(name.substr(c->name.size()))) {
      out.problems.push_back({1, name, "\"" + name.substr(c->name.size()) + "\" after \"" + c->name + "\" is not an ISO 639-1 language code"});
      c = nullptr;
    }
    by_index.push_back(c);
  }
  for (const Column& c : columns(kind)) {
    if (c.required && !has(table.header, c.name.c_str())) {
      out.problems.push_back({1, c.name, "required column missing"});
    }
  }
  if (!out.problems.empty()) return out;

  std::map<std::string, std::size_t> line_of_key;
  for (const CsvRow& row : table.rows) {
    if (row.fields.size() != table.header.size()) {
      out.problems.push_back({row.line, "", "the row has " + std::to_string(row.fields.size()) + " fields, the header " +
                                               std::to_string(table.header.size())});
      continue;
    }
    const std::size_t problems_before = out.problems.size();
    Record r;
    for (std::size_t k = 0; k < row.fields.size(); ++k) {
      std::string v = trim(row.fields[k]);
      if (!v.empty()) r.fields[table.header[k]] = std::move(v);
    }
    // The country phone numbers are read in: the official's body's.
    const std::string phone_country =
        kind == Kind::official && r.fields.count("body") ? existing.field(Kind::body, r.fields["body"], "country") : "";
    for (std::size_t k = 0; k < table.header.size(); ++k) {
      const std::string& name = table.header[k];
      const Column& col = *by_index[k];
      auto it = r.fields.find(name);
      if (it == r.fields.end()) {
        if (col.required) out.problems.push_back({row.line, name, "required, but empty"});
        continue;
      }
      if (has_control_chars(it->second, false)) {
        out.problems.push_back({row.line, name, "holds a line break or a control character"});
        continue;
      }
      if (auto why = fault_of(col.check, it->second, existing, phone_country)) {
        out.problems.push_back({row.line, name, *why});
      }
    }
    if (kind == Kind::official && !r.fields.count("email") && !r.fields.count("phone") && !r.fields.count("web_form")) {
      out.problems.push_back({row.line, "email", "no contact point: give an email, a phone or a web_form"});
    }
    if (kind == Kind::twinning && r.fields.count("home") && r.fields["home"] == r.fields["foreign"]) {
      out.problems.push_back({row.line, "foreign", "a city cannot be twinned with itself"});
    }
    if (out.problems.size() != problems_before) continue;
    r.id = record_key(kind, r.fields);
    if (auto [it, fresh] = line_of_key.emplace(r.id, row.line); !fresh) {
      out.problems.push_back({row.line, kind == Kind::twinning ? "foreign" : "id",
                              "\"" + r.id + "\" is also on line " + std::to_string(it->second)});
      continue;
    }
    out.records.push_back(std::move(r));
  }
  return out;
}

ImportReport compare(Kind kind, const Directory& existing, const std::vector<Record>& records) {
  ImportReport report;
  static const std::map<std::string, Record> kNone;
  auto k = existing.records.find(kind);
  const auto& held = k == existing.records.end() ? kNone : k->second;
  std::map<std::string, bool> in_file;
  for (const Record& r : records) {
    in_file[r.id] = true;
    auto it = held.find(r.id);
    if (it == held.end()) {
      report.added.push_back(r.id);
    } else if (it->second.fields == r.fields) {
      report.unchanged.push_back(r.id);
    } else {
      std::vector<std::string> cols;
      for (const auto& [name, value] : r.fields) {
        auto old = it->second.fields.find(name);
        if (old == it->second.fields.end() || old->second != value) cols.push_back(name);
      }
      for (const auto& [name, value] : it->second.fields) {
        if (!r.fields.count(name)) cols.push_back(name);
      }
      std::sort(cols.begin(), cols.end());
      report.changed.emplace_back(r.id, std::move(cols));
    }
  }
  for (const auto& [id, r] : held) {
    if (!in_file.count(id)) report.not_in_file.push_back(id);
  }
  return report;
}

std::string describe(const std::vector<RowProblem>& problems) {
  std::string out;
  for (const RowProblem& p : problems) {
    out += "line " + std::to_string(p.line);
    if (!p.column.empty()) out += ", column " + p.column;
    out += ": " + p.reason + "\n";
  }
  return out;
}

}  // namespace twinning::directory
