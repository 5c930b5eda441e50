#pragma once
// The default transport: each message becomes one .eml file in a directory, written so that a
// reader never sees half a file. Nothing leaves the machine; `serve` shows the files at
// /demo/outbox so the demo's confirmation step works on one computer.
#include <filesystem>
#include <string>

#include "common/result.hpp"
#include "delivery/transport.hpp"

namespace twinning::delivery {

class SpoolTransport final : public Transport {
 public:
  // Creates the directory if needed. Errors: io.
  static Result<SpoolTransport> open(std::filesystem::path dir);

  SendOutcome send(const store::OutboxRow& message) override;
  std::string describe() const override { return "spool " + dir_.string(); }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  explicit SpoolTransport(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

// The file name a message gets in the spool: "<id>-<message id with every character outside
// [A-Za-z0-9._-] replaced by _>.eml", so a Message-ID cannot climb out of the directory.
std::string spool_file_name(std::int64_t id, const std::string& message_id);

// Writes `content` to `file` through `file`.tmp, fsync and rename, then fsyncs the directory so
// the rename survives a power loss. Errors: io, naming the file.
Result<void> write_file_atomically(const std::filesystem::path& file, const std::string& content);

}  // namespace twinning::delivery
