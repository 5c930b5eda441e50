// `twinning directory import FILE [--kind K]`, `list [KIND]`, `show ID`.
#include <chrono>
#include <fstream>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/directory_commands.hpp"
#include "directory/import.hpp"
#include "store/directory_store.hpp"

namespace twinning::cli {
namespace {

using directory::Kind;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// The line `list` prints for a record: the columns that tell records apart at a glance.
std::string summary(Kind kind, const directory::Record& r) {
  auto f = [&](const char* name) {
    auto it = r.fields.find(name);
    return it == r.fields.end() ? std::string("-") : it->second;
  };
  switch (kind) {
    case Kind::city: return fmt::format("{}  {} / {}  {}", f("country"), f("name_latin"), f("name_local"), f("time_zone"));
    case Kind::twinning: return fmt::format("{} since {}", f("kind"), f("since"));
    case Kind::body: return fmt::format("{}  {}  {} / {}", f("country"), f("kind"), f("name_latin"), f("name_local"));
    case Kind::official:
      return fmt::format("{}  {}  {} / {}  ({})", f("body"), f("role"), f("name_latin"), f("name_local"), f("language"));
  }
  return {};
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::make(ErrorKind::io, "cannot open " + path);
  // Read one byte past the limit: enough to tell a too-large file without reading all of it.
  std::string text(directory::kMaxCsvBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return Error::make(ErrorKind::io, "cannot read " + path);
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

int import_file(const DirectoryCommand& cmd, store::DirectoryStore& store, std::ostream& out, std::ostream& err) {
  std::optional<Kind> flag;
  if (!cmd.kind.empty()) {
    flag = directory::parse_kind(cmd.kind);
    if (!flag) {
      err << "twinning directory import: unknown --kind " << cmd.kind << " (cities, twinnings, bodies or officials)\n";
      return 2;
    }
  }
  auto text = read_file(cmd.file);
  if (!text.ok()) {
    err << "twinning directory import: " << text.error().message << "\n";
    return 1;
  }
  auto table = directory::parse_csv(text.value());
  if (!table.ok()) {
    err << "twinning directory import: " << cmd.file << ": nothing imported: " << table.error().message << "\n";
    return 1;
  }
  auto kind = directory::detect_kind(table->header, flag);
  if (!kind.ok()) {
    err << "twinning directory import: " << cmd.file << ": nothing imported: " << kind.error().message << "\n";
    return 1;
  }
  auto existing = store.load_directory();
  if (!existing.ok()) {
    err << "twinning directory import: " << existing.error().message << "\n";
    return 1;
  }
  const auto parsed = directory::parse_records(kind.value(), table.value(), existing.value());
  if (!parsed.problems.empty()) {
    err << "twinning directory import: " << cmd.file << ": nothing imported, " << parsed.problems.size()
        << (parsed.problems.size() == 1 ? " problem" : " problems") << " (" << directory::kind_name(kind.value())
        << "):\n"
        << directory::describe(parsed.problems);
    return 1;
  }
  const auto report = directory::compare(kind.value(), existing.value(), parsed.records);
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  if (auto saved = store.save_records(kind.value(), parsed.records, now); !saved.ok()) {
    err << "twinning directory import: nothing imported: " << saved.error().message << "\n";
    return 1;
  }
  out << fmt::format("{} from {}: {} added, {} changed, {} unchanged, {} kept (not in this file)\n",
                     directory::kind_name(kind.value()), cmd.file, report.added.size(), report.changed.size(),
                     report.unchanged.size(), report.not_in_file.size());
  if (!report.added.empty()) out << "  added: " << join(report.added) << "\n";
  for (const auto& [id, cols] : report.changed) out << "  changed: " << id << " (" << join(cols) << ")\n";
  if (!report.not_in_file.empty()) out << "  not in this file, kept: " << join(report.not_in_file) << "\n";
  return 0;
}

}  // namespace

int directory(const DirectoryCommand& cmd, const Settings& settings, std::ostream& out, std::ostream& err) {
  if (cmd.action != DirectoryCommand::Action::import_file) {
    std::error_code ec;
    // Looking must not create a store in a mistyped --data folder.
    if (!std::filesystem::exists(store::sqlite_file(settings.data_dir), ec)) {
      out << "the directory is empty: there is no store in " << settings.data_dir.string() << "\n";
      return cmd.action == DirectoryCommand::Action::show ? 1 : 0;
    }
  }
  std::optional<Kind> only;
  if (cmd.action == DirectoryCommand::Action::list && !cmd.kind.empty()) {
    only = directory::parse_kind(cmd.kind);
    if (!only) {
      err << "twinning directory list: unknown kind " << cmd.kind << " (cities, twinnings, bodies or officials)\n";
      return 2;
    }
  }
  auto store = store::open_sqlite_directory(settings.data_dir, std::chrono::milliseconds(5000));
  if (!store.ok()) {
    err << "twinning directory: cannot open the store in " << settings.data_dir.string() << ": "
        << store.error().message << "\n";
    return 1;
  }
  switch (cmd.action) {
    case DirectoryCommand::Action::import_file: return import_file(cmd, *store.value(), out, err);
    case DirectoryCommand::Action::list:
    case DirectoryCommand::Action::show: break;
  }
  auto dir = store.value()->load_directory();
  if (!dir.ok()) {
    err << "twinning directory: " << dir.error().message << "\n";
    return 1;
  }
  if (cmd.action == DirectoryCommand::Action::list) {
    for (Kind k : directory::kAllKinds) {
      if (only && *only != k) continue;
      auto it = dir->records.find(k);
      const std::size_t n = it == dir->records.end() ? 0 : it->second.size();
      out << directory::kind_name(k) << " (" << n << ")\n";
      if (n == 0) continue;
      for (const auto& [id, r] : it->second) out << fmt::format("  {:<32}  {}\n", id, summary(k, r));
    }
    return 0;
  }
  bool found = false;
  for (Kind k : directory::kAllKinds) {
    const directory::Record* r = dir->find(k, cmd.id);
    if (r == nullptr) continue;
    found = true;
    out << directory::kind_name(k) << " " << r->id << "\n";
    for (const auto& [name, value] : r->fields) out << "  " << name << ": " << value << "\n";
  }
  if (!found) {
    err << "twinning directory show: no record " << cmd.id << " in the directory\n";
    return 1;
  }
  return 0;
}

}  // namespace twinning::cli
