#include "directory/directory.hpp"

#include <unicode/locid.h>

namespace twinning::directory {

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::city: return "cities";
    case Kind::twinning: return "twinnings";
    case Kind::body: return "bodies";
    case Kind::official: return "officials";
  }
  return "cities";
}

std::optional<Kind> parse_kind(std::string_view name) {
  for (Kind k : kAllKinds) {
    if (kind_name(k) == name) return k;
  }
  return std::nullopt;
}

const std::vector<Column>& columns(Kind kind) {
  // The documentation of each column is docs/directory.md; keep the two in step.
  static const std::vector<Column> cities = {
      {"id", Check::id, true, false},
      {"country", Check::country, true, false},
      {"name_local", Check::text, true, false},
      {"name_latin", Check::text, true, false},
      {"region_local", Check::text, false, false},
      {"region_latin", Check::text, false, false},
      {"time_zone", Check::time_zone, true, false},
      {"name.", Check::text, false, true},
      {"region.", Check::text, false, true},
  };
  static const std::vector<Column> twinnings = {
      {"home", Check::city_ref, true, false},
      {"foreign", Check::city_ref, true, false},
      {"kind", Check::relation, true, false},
      {"since", Check::year, true, false},
      {"source", Check::text, false, false},
  };
  static const std::vector<Column> bodies = {
      {"id", Check::id, true, false},
      {"kind", Check::body_kind, true, false},
      {"country", Check::country, true, false},
      {"city", Check::city_ref, false, false},
      {"name_local", Check::text, true, false},
      {"name_latin", Check::text, true, false},
      {"name.", Check::text, false, true},
  };
  static const std::vector<Column> officials = {
      {"id", Check::id, true, false},
      {"body", Check::body_ref, true, false},
      {"role", Check::id, true, false},
      {"name_local", Check::text, true, false},
      {"name_latin", Check::text, false, false},
      {"name.", Check::text, false, true},
      {"title_local", Check::text, false, false},
      {"title_latin", Check::text, false, false},
      {"title.", Check::text, false, true},
      {"language", Check::language, true, false},
      {"email", Check::email, false, false},
      {"phone", Check::phone, false, false},
      {"web_form", Check::url, false, false},
  };
  switch (kind) {
    case Kind::city: return cities;
    case Kind::twinning: return twinnings;
    case Kind::body: return bodies;
    case Kind::official: return officials;
  }
  return cities;
}

const Column* column_for(Kind kind, std::string_view header_name) {
  for (const Column& c : columns(kind)) {
    if (!c.localized && c.name == header_name) return &c;
    if (c.localized && header_name.size() > c.name.size() && header_name.substr(0, c.name.size()) == c.name) return &c;
  }
  return nullptr;
}

std::string record_key(Kind kind, const std::map<std::string, std::string>& fields) {
  auto get = [&](const char* name) {
    auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second;
  };
  switch (kind) {
    case Kind::twinning: return get("home") + "/" + get("foreign");
    case Kind::city:
    case Kind::body:
    case Kind::official:
      return get("id");
  }
  return get("id");
}

const Record* Directory::find(Kind kind, const std::string& id) const {
  auto k = records.find(kind);
  if (k == records.end()) return nullptr;
  auto r = k->second.find(id);
  return r == k->second.end() ? nullptr : &r->second;
}

std::string Directory::field(Kind kind, const std::string& id, const std::string& column) const {
  const Record* r = find(kind, id);
  if (r == nullptr) return {};
  auto f = r->fields.find(column);
  return f == r->fields.end() ? std::string() : f->second;
}

namespace {

bool written_in_latin(const std::string& lang) {
  icu::Locale locale(lang.c_str());
  UErrorCode status = U_ZERO_ERROR;
  locale.addLikelySubtags(status);
  return U_SUCCESS(status) && std::string_view(locale.getScript()) == "Latn";
}

}  // namespace

std::string localized(const Record& r, const std::string& prefix, const std::string& lang) {
  if (auto it = r.fields.find(prefix + "." + lang); it != r.fields.end()) return it->second;
  // An official's own language is the one their local name and title are written in.
  if (auto own = r.fields.find("language"); own != r.fields.end() && own->second == lang) {
    if (auto it = r.fields.find(prefix + "_local"); it != r.fields.end()) return it->second;
  }
  if (written_in_latin(lang)) {
    if (auto it = r.fields.find(prefix + "_latin"); it != r.fields.end()) return it->second;
  }
  return {};
}

}  // namespace twinning::directory
