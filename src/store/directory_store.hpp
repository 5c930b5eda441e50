#pragma once
// What the directory needs from the store (migrations/0007_directory.sql): read every record, and
// write the records of one imported file in one transaction. A separate interface from Store so
// the two grow apart; the SQLite implementation opens its own connection to the store's file,
// like any other instance (see open_sqlite).
#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

#include "common/result.hpp"
#include "directory/directory.hpp"
#include "store/store.hpp"

namespace twinning::store {

class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;
  // Every record, by kind and id.
  virtual Result<directory::Directory> load_directory() = 0;
  // Inserts or replaces `records` of `kind` (by id), all or none. Records of that kind not in
  // `records` are kept.
  virtual Result<void> save_records(directory::Kind kind, const std::vector<directory::Record>& records,
                                    TimePoint now) = 0;
};

// Opens (creating and migrating when needed) the SQLite store in `data_dir` for the directory.
// Errors as open_sqlite's.
Result<std::unique_ptr<DirectoryStore>> open_sqlite_directory(const std::filesystem::path& data_dir,
                                                              std::chrono::milliseconds busy_timeout);

}  // namespace twinning::store
