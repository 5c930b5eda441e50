#include "app/csv_export.hpp"

#include "store/time_text.hpp"

namespace twinning::app::csv {

std::string cell(std::string_view value) {
  std::string v;
  if (!value.empty() && (value.front() == '=' || value.front() == '+' || value.front() == '-' ||
                         value.front() == '@' || value.front() == '\t' || value.front() == '\r')) {
    v = "'";
  }
  v += value;
  if (v.find_first_of("\",\r\n") == std::string::npos) return v;
  std::string quoted = "\"";
  for (char c : v) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string record(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i != 0) line += ',';
    line += cell(cells[i]);
  }
  line += "\r\n";
  return line;
}

std::optional<Export> parse_export(std::string_view name) {
  if (name == "people") return Export::people;
  if (name == "actions") return Export::actions;
  if (name == "signatures") return Export::signatures;
  return std::nullopt;
}

std::string_view export_name(Export e) {
  switch (e) {
    case Export::people: return "people";
    case Export::actions: return "actions";
    case Export::signatures: return "signatures";
  }
  return "people";  // not reached: the switch covers every kind
}

std::vector<std::string> header(Export e) {
  switch (e) {
    case Export::people: return {"id", "name", "email", "country", "phone", "created", "modified"};
    case Export::actions:
      return {"id", "person_id", "name", "email", "channel", "target", "language", "country", "status", "created",
              "modified"};
    case Export::signatures:
      return {"id", "action_id", "person_id", "name", "email", "country", "language", "comment", "signed", "modified"};
  }
  return {};
}

std::vector<std::string> person_cells(const store::PersonRecord& p) {
  return {std::to_string(p.id), p.name,  p.email, p.country, p.phone, store::format_time(p.created_at),
          store::format_time(p.modified_at)};
}

std::vector<std::string> action_cells(const store::ActionRecord& a) {
  return {std::to_string(a.id), std::to_string(a.supporter_id), a.name,   a.email,
          a.channel,            a.target,                       a.language, a.country,
          a.status,             store::format_time(a.created_at), store::format_time(a.modified_at)};
}

std::vector<std::string> signature_cells(const store::SignatureRecord& s) {
  return {std::to_string(s.id), std::to_string(s.action_id), std::to_string(s.supporter_id),
          s.name,                s.email,                      s.country,
          s.language,            s.comment,                    store::format_time(s.created_at),
          store::format_time(s.modified_at)};
}

Result<void> write_export(store::ApiStore& store, Export what, const std::string& campaign, bool bom,
                          const std::function<bool(std::string_view)>& sink) {
  if (bom && !sink(kBom)) return {};
  if (!sink(record(header(what)))) return {};
  switch (what) {
    case Export::people:
      return store.each_person(campaign, [&](const store::PersonRecord& p) { return sink(record(person_cells(p))); });
    case Export::actions:
      return store.each_action(campaign, [&](const store::ActionRecord& a) { return sink(record(action_cells(a))); });
    case Export::signatures:
      return store.each_signature(campaign,
                                  [&](const store::SignatureRecord& s) { return sink(record(signature_cells(s))); });
  }
  return {};
}

}  // namespace twinning::app::csv
