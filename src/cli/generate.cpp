// `twinning generate TEMPLATE [--pair HOME/FOREIGN]...`: the campaign of each pair, staged in
// CAMPAIGNS/.generating/ID, checked there, and only then moved into place.
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#include "cli/cli.hpp"
#include "cli/generate_commands.hpp"
#include "directory/generate.hpp"
#include "store/directory_store.hpp"

namespace twinning::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMarker = "# Made by `twinning generate`";

// A campaign folder's files, by path relative to the folder.
using Files = std::map<std::string, std::string>;

Result<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::make(ErrorKind::io, "cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<Files> read_folder(const fs::path& dir) {
  Files out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    auto text = read_text(it->path());
    if (!text.ok()) return text.error();
    out[fs::relative(it->path(), dir).generic_string()] = std::move(text).value();
  }
  if (ec) return Error::make(ErrorKind::io, "cannot list " + dir.string() + ": " + ec.message());
  return out;
}

Result<void> write_folder(const fs::path& dir, const Files& files) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  for (const auto& [name, text] : files) {
    const fs::path path = dir / name;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream f(path, std::ios::binary);
    f << text;
    if (!f.flush()) return Error::make(ErrorKind::io, "cannot write " + path.string());
  }
  return {};
}

enum class Outcome { created, changed, unchanged, refused };

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::created: return "created";
    case Outcome::changed: return "changed";
    case Outcome::unchanged: return "unchanged";
    case Outcome::refused: return "refused";
  }
  return "refused";
}

// Stages, checks and moves one campaign into place; `why` gets the reasons of a refusal.
Outcome place(const directory::Generated& g, const Files& texts, const Settings& settings, std::string& why) {
  Files files = texts;
  files["campaign.yaml"] = g.yaml;
  const fs::path final_dir = settings.campaigns_dir / g.campaign_id;
  std::error_code ec;
  if (fs::exists(final_dir / "campaign.yaml", ec)) {
    auto current = read_folder(final_dir);
    if (!current.ok()) {
      why = current.error().message;
      return Outcome::refused;
    }
    if (current.value()["campaign.yaml"].rfind(kMarker, 0) != 0) {
      why = final_dir.string() + " exists and was not made by generate: it is left as it is";
      return Outcome::refused;
    }
    if (current.value() == files) return Outcome::unchanged;
  }
  const fs::path staging = settings.campaigns_dir / ".generating" / g.campaign_id;
  if (auto w = write_folder(staging, files); !w.ok()) {
    why = w.error().message;
    return Outcome::refused;
  }
  std::ostringstream report;
  if (check({staging.string()}, settings, report) != 0) {
    why = "check found problems:\n" + report.str();
    fs::remove_all(staging, ec);
    return Outcome::refused;
  }
  const bool existed = fs::exists(final_dir, ec);
  const fs::path old = settings.campaigns_dir / ".generating" / (g.campaign_id + ".old");
  fs::remove_all(old, ec);
  if (existed) fs::rename(final_dir, old, ec);
  if (!ec) fs::rename(staging, final_dir, ec);
  if (ec) {
    why = "cannot move " + staging.string() + " to " + final_dir.string() + ": " + ec.message();
    return Outcome::refused;
  }
  fs::remove_all(old, ec);
  return existed ? Outcome::changed : Outcome::created;
}

}  // namespace

int generate(const GenerateCommand& cmd, const Settings& settings, std::ostream& out, std::ostream& err) {
  fs::path dir = cmd.template_dir;
  if (!dir.has_filename()) dir = dir.parent_path();  // "templates/friendship/"
  auto yaml = read_text(dir / "template.yaml");
  if (!yaml.ok()) {
    err << "twinning generate: " << yaml.error().message << " (a template folder holds template.yaml and texts/)\n";
    return 2;
  }
  auto tmpl = directory::parse_template(dir.filename().string(), yaml.value());
  if (!tmpl.ok()) {
    // The message starts with "template.yaml: "; the folder makes it a path.
    err << "twinning generate: " << (dir / "").string() << tmpl.error().message << "\n";
    return 2;
  }
  std::error_code ec;
  if (!fs::is_directory(dir / "texts", ec)) {
    err << "twinning generate: " << (dir / "texts").string() << " is missing: the campaign texts, one file per language\n";
    return 2;
  }
  auto texts = read_folder(dir / "texts");
  if (!texts.ok()) {
    err << "twinning generate: " << texts.error().message << "\n";
    return 2;
  }
  Files text_files;
  for (auto& [name, text] : texts.value()) text_files["texts/" + name] = std::move(text);

  if (!fs::exists(store::sqlite_file(settings.data_dir), ec)) {
    err << "twinning generate: the directory is empty: there is no store in " << settings.data_dir.string()
        << " (import it with twinning directory import)\n";
    return 2;
  }
  auto store = store::open_sqlite_directory(settings.data_dir, std::chrono::milliseconds(5000));
  if (!store.ok()) {
    err << "twinning generate: cannot open the store: " << store.error().message << "\n";
    return 2;
  }
  auto dirdata = store.value()->load_directory();
  if (!dirdata.ok()) {
    err << "twinning generate: " << dirdata.error().message << "\n";
    return 2;
  }

  const auto generated = directory::generate(tmpl.value(), dirdata.value(), cmd.pairs);
  std::map<Outcome, int> counts;
  for (const auto& g : generated) {
    std::string why;
    Outcome o = Outcome::refused;
    if (g.refused.empty()) {
      o = place(g, text_files, settings, why);
    } else {
      for (const auto& r : g.refused) why += (why.empty() ? "" : "\n") + r;
    }
    ++counts[o];
    out << outcome_name(o) << "  " << g.pair << (g.campaign_id.empty() ? "" : "  " + g.campaign_id) << "\n";
    for (const auto& note : g.notes) out << "    note: " << note << "\n";
    std::istringstream lines(why);
    for (std::string line; std::getline(lines, line);) out << "    " << line << "\n";
  }
  fs::remove_all(settings.campaigns_dir / ".generating", ec);
  out << counts[Outcome::created] << " created, " << counts[Outcome::changed] << " changed, "
      << counts[Outcome::unchanged] << " unchanged, " << counts[Outcome::refused] << " refused\n";
  if (generated.empty()) out << "no twinning in the directory matches the template's generate section\n";
  return counts[Outcome::refused] > 0 ? 1 : 0;
}

}  // namespace twinning::cli
