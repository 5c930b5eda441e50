#pragma once
// A consistent copy of a live SQLite store file.
#include <chrono>
#include <filesystem>

#include "common/result.hpp"

namespace twinning::store::sqlite {

// Copies `source` to `file` with the online backup API in one step (one read snapshot, so the
// copy is consistent while other connections write), as a self-contained rollback-journal file.
// The copy is written to `file`.partial and renamed over `file` once complete.
Result<void> backup(const std::filesystem::path& source, const std::filesystem::path& file,
                    std::chrono::milliseconds busy_timeout);

}  // namespace twinning::store::sqlite
