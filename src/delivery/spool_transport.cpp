#include "delivery/spool_transport.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace twinning::delivery {

namespace {

Error io_error(const std::string& what, const std::filesystem::path& file, int err) {
  return Error::make(ErrorKind::io, "cannot " + what + " " + file.string(), {},
                     what + " " + file.string() + ": " + std::strerror(err));
}

// Closes the descriptor on every path out of the function.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // close() can report a failed write-back; the caller must hear about it.
  int release_and_close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

}  // namespace

std::string spool_file_name(std::int64_t id, const std::string& message_id) {
  std::string safe;
  for (char c : message_id) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
    safe += keep ? c : '_';
  }
  // Keeps names well under NAME_MAX (255) whatever the Message-ID's length.
  if (safe.size() > 200) safe.resize(200);
  return std::to_string(id) + "-" + safe + ".eml";
}

Result<void> write_file_atomically(const std::filesystem::path& file, const std::string& content) {
  const std::filesystem::path tmp = file.string() + ".tmp";
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
    if (fd.get() < 0) return io_error("create", tmp, errno);
    std::size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::unlink(tmp.c_str());
        return io_error("write", tmp, err);
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0 || fd.release_and_close() != 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      return io_error("write", tmp, err);
    }
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return io_error("rename", file, err);
  }
  Fd dir(::open(file.parent_path().empty() ? "." : file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || ::fsync(dir.get()) != 0) return io_error("sync the folder of", file, errno);
  return {};
}

Result<SpoolTransport> SpoolTransport::open(std::filesystem::path dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Error::make(ErrorKind::io, "cannot create the spool folder " + dir.string(), {},
                       "create_directories " + dir.string() + ": " + ec.message());
  }
  return SpoolTransport(std::move(dir));
}

SendOutcome SpoolTransport::send(const store::OutboxRow& message) {
  // The same message always gets the same file name, so a message sent again after a crash
  // (see docs/decisions/0004-outbox-delivery.md) replaces its file instead of doubling it.
  const auto file = dir_ / spool_file_name(message.id, message.message_id);
  if (auto written = write_file_atomically(file, message.payload); !written) {
    // A full or read-only disk may recover; it says nothing about the message.
    return {SendOutcome::Kind::temporary, written.error().detail, false};
  }
  return {SendOutcome::Kind::sent, "spooled to " + file.string(), false};
}

}  // namespace twinning::delivery
