#pragma once
// The directory: cities, twinning relations, bodies and officials, as flat records an organizer
// keeps in CSV files (one per kind) and reviews as text. A record is an id and named fields; the
// columns of each kind, which are required and how each is checked, are data in directory.cpp
// and documented in docs/directory.md.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinning::directory {

enum class Kind { city, twinning, body, official };
inline constexpr Kind kAllKinds[] = {Kind::city, Kind::twinning, Kind::body, Kind::official};
// "cities", "twinnings", "bodies", "officials": the --kind values and the list headings.
std::string_view kind_name(Kind kind);
std::optional<Kind> parse_kind(std::string_view name);

// How a column's value is checked.
enum class Check {
  id,         // lower-case a-z, 0-9, '-' (like campaign ids)
  text,       // one line of text
  country,    // ISO 3166-1 alpha-2 ("KR", "DK")
  language,   // ISO 639-1, the codes campaigns use ("ko", "da")
  time_zone,  // IANA id known to ICU
  year,       // 1900..2100
  email,
  phone,      // stored as E.164; numbers without "+" read in the country of the record
  url,        // http or https
  relation,   // sister | friendship | partner
  body_kind,  // municipality | council | provincial_council | national_assembly
  city_ref,   // the id of a city in the directory
  body_ref,   // the id of a body in the directory
};

struct Column {
  std::string name;  // for localized columns the prefix: "name." takes "name.da", "name.ko"...
  Check check = Check::text;
  bool required = false;
  bool localized = false;
};

// The columns of `kind`, in the order the docs list them.
const std::vector<Column>& columns(Kind kind);
// The column that describes `header_name` ("name.da" → the localized "name." column), or nullptr.
const Column* column_for(Kind kind, std::string_view header_name);

// A record's key: its "id" column, or for twinnings "HOME/FOREIGN".
std::string record_key(Kind kind, const std::map<std::string, std::string>& fields);

struct Record {
  std::string id;
  std::map<std::string, std::string> fields;  // column name -> value; empty values are left out
  bool operator==(const Record&) const = default;
};

// Everything imported, by kind and id.
struct Directory {
  std::map<Kind, std::map<std::string, Record>> records;
  const Record* find(Kind kind, const std::string& id) const;
  // A field of a record, or "" when the record or field is missing.
  std::string field(Kind kind, const std::string& id, const std::string& column) const;
};

// A localized value: "<prefix>.<lang>" ("name.ko") when present, else "<prefix>_local" when `lang`
// is the record's "language" (officials), else "<prefix>_latin" when
// `lang` is written in Latin script (ICU's likely script: en, da, de... yes; ko, ja no), else "".
// Korean names are never guessed from Latin ones: "" means a missing translation.
std::string localized(const Record& r, const std::string& prefix, const std::string& lang);

}  // namespace twinning::directory
