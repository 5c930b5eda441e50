#include "store/sqlite/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <string>
#include <system_error>

#include "store/sqlite/db.hpp"

namespace twinning::store::sqlite {
namespace {

// Syncs the directory so a rename into it survives a power loss.
void sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);  // best effort: the file itself is already synced by SQLite
  ::close(fd);
}

}  // namespace

// `file` is always either the previous backup or a whole new one. The copy is taken from a
// connection of its own, so it never waits for the store's readers or writer.
Result<void> backup(const std::filesystem::path& source, const std::filesystem::path& file,
                    std::chrono::milliseconds busy_timeout) {
  if (file.empty()) return Error::make(ErrorKind::bad_request, "no backup file was given", "file");
  std::error_code ec;
  const auto canonical = std::filesystem::weakly_canonical(file, ec);
  if (!ec && canonical == std::filesystem::weakly_canonical(source, ec)) {
    return Error::make(ErrorKind::bad_request, "the backup cannot overwrite the store itself", "file");
  }
  std::filesystem::path partial = file;
  partial += ".partial";
  std::filesystem::remove(partial, ec);  // a leftover of an interrupted backup, if any

  auto fail = [&](Error e) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    return e;
  };
  {
    auto src = open_db(source, OpenMode::read_only, busy_timeout);
    if (!src.ok()) return src.error();
    auto dst = open_db(partial, OpenMode::read_write_create, busy_timeout);
    if (!dst.ok()) return fail(dst.error());
    sqlite3_backup* copier = sqlite3_backup_init(dst->get(), "main", src->get(), "main");
    if (copier == nullptr) return fail(error_from(dst->get(), sqlite3_errcode(dst->get()), "backup init"));
    const int step = sqlite3_backup_step(copier, -1);
    const int finish = sqlite3_backup_finish(copier);
    if (step != SQLITE_DONE) return fail(error_from(dst->get(), step, "backup step"));
    if (finish != SQLITE_OK) return fail(error_from(dst->get(), finish, "backup finish"));
  }
  {
    // The copy carries the source's WAL flag; a backup is easier to move around as one file.
    auto dst = open_db(partial, OpenMode::read_write, busy_timeout);
    if (!dst.ok()) return fail(dst.error());
    if (auto r = exec(dst->get(), "PRAGMA journal_mode = DELETE", "backup journal mode"); !r.ok()) {
      return fail(r.error());
    }
  }
  std::filesystem::rename(partial, file, ec);
  if (ec) {
    return fail(Error::make(ErrorKind::io, "cannot write the backup " + file.string() + ": " + ec.message(), "file",
                            "rename " + partial.string() + " -> " + file.string()));
  }
  sync_directory(file.parent_path());
  return {};
}

}  // namespace twinning::store::sqlite
