// `twinning backup FILE`: a consistent copy of the store, safe while serve runs (SQLite online
// backup through a reader of the WAL database).
#include <iostream>

#include "cli/cli.hpp"
#include "store/store.hpp"

namespace twinning::cli {

int backup(const std::string& file, const Settings& settings, std::ostream& out, std::ostream& err) {
  store::SqliteOptions options;
  options.read_only = true;  // a wrong --data must not leave an empty store behind
  auto store = store::open_sqlite(settings.data_dir, options);
  if (!store.ok()) {
    err << "twinning backup: cannot open the store in " << settings.data_dir.string() << ": "
        << store.error().message << "\n";
    return 1;
  }
  if (auto done = store.value()->backup_to(file); !done.ok()) {
    err << "twinning backup: " << done.error().message << "\n";
    return 1;
  }
  out << "backed up " << settings.data_dir.string() << " to " << file << "\n";
  return 0;
}

}  // namespace twinning::cli
