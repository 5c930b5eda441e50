// `twinning build --out DIR`: the static export.
#include <chrono>
#include <fstream>
#include <ostream>
#include <set>

#include "app/static_export.hpp"
#include "cli/generate_commands.hpp"

namespace twinning::cli {
namespace {

namespace fs = std::filesystem;

void draw_progress(std::ostream& err, std::size_t done, std::size_t total) {
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = total == 0 ? kWidth : done * kWidth / total;
  err << "\rbuilding [" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] " << done << "/" << total
      << (done == total ? "\n" : "") << std::flush;
}

// The files under `dir`, relative and '/'-separated.
std::set<std::string> files_under(const fs::path& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file()) out.insert(fs::relative(it->path(), dir).generic_string());
  }
  return out;
}

}  // namespace

int build(const std::string& out_dir, const Settings& settings, bool progress, std::ostream& out, std::ostream& err) {
  if (settings.public_url.empty()) {
    err << "twinning build: give --public-url (or public_url in the settings): the address where the export is "
           "served with `twinning serve` behind it for the forms; an export that needs no server is not supported yet\n";
    return 2;
  }
  const fs::path dir = out_dir;
  std::error_code ec;
  const auto before = files_under(dir);
  if (!before.empty() && !before.count("sitemap.xml")) {
    err << "twinning build: " << dir.string() << " is not empty and holds no earlier export (no sitemap.xml): "
        << "give an empty or new folder\n";
    return 1;
  }
  auto site = app::Site::build(settings, settings.base_url());
  if (!site.ok()) {
    err << "twinning build: " << site.error().message << "\n";
    return 1;
  }
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto files = app::export_files(*site.value(), app::resources_dir(settings) / "static", settings.base_url(), "en", now);
  if (!files.ok()) {
    err << "twinning build: " << files.error().message << "\n";
    return 1;
  }
  std::set<std::string> written;
  std::size_t done = 0;
  for (const auto& f : files.value()) {
    const fs::path path = dir / f.path;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << *f.body;
    if (!file.flush()) {
      if (progress) err << "\n";
      err << "twinning build: cannot write " << path.string() << "\n";
      return 1;
    }
    written.insert(f.path);
    if (progress) draw_progress(err, ++done, files.value().size());
  }
  std::size_t removed = 0;
  for (const auto& old : before) {
    if (!written.count(old) && fs::remove(dir / old, ec)) ++removed;
  }
  out << "built " << files.value().size() << " files in " << dir.string() << " for " << settings.base_url()
      << (removed > 0 ? " (" + std::to_string(removed) + " files of the earlier export removed)" : std::string()) << "\n";
  return 0;
}

}  // namespace twinning::cli
