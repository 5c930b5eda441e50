#pragma once
// Opening a SQLite store file: the connection settings of the writer, the migrations, and the
// schema checks of a read-only open.
#include <sqlite3.h>

#include <filesystem>

#include "common/result.hpp"

namespace twinning::store::sqlite {

// WAL, synchronous=FULL and foreign keys on the write connection; io when the file is read-only
// or the file system cannot do WAL.
Result<void> configure_writer(sqlite3* db, const std::filesystem::path& file);

// Applies every migration newer than the file's in one transaction and returns the version now.
// unavailable when the file is newer than this binary or stays locked; io when its record of
// applied migrations is damaged.
Result<int> migrate(sqlite3* db, const std::filesystem::path& file);

// The version of an existing store, without changing anything: not_found when the file holds no
// store; unavailable when its schema is newer or older than this binary's.
Result<int> existing_version(sqlite3* db, const std::filesystem::path& file);

}  // namespace twinning::store::sqlite
