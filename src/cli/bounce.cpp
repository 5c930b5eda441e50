// `twinning bounce`: an MTA pipes each delivery-status notification that reaches a return path
// (bounces+...@domain) into this command; the message it is about is marked failed and its
// recipient flagged. Exit codes follow sysexits.h, which MTAs understand.
#include <iostream>
#include <iterator>

#include "cli/delivery_commands.hpp"
#include "delivery/bounce.hpp"
#include "store/store.hpp"

namespace twinning::cli {

namespace {

constexpr int kExDataErr = 65;
constexpr int kExTempFail = 75;
// Real DSNs are a few kilobytes (with the returned headers); more is not a DSN worth reading.
constexpr std::size_t kMaxBounceBytes = 4 * 1024 * 1024;

}  // namespace

int bounce(const std::string& envelope_recipient, const Settings& settings, std::istream& in, std::ostream& out,
           std::ostream& err) {
  std::string mail;
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    mail.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (mail.size() > kMaxBounceBytes) {
      err << "twinning bounce: the input is larger than " << kMaxBounceBytes << " bytes; not a DSN\n";
      return kExDataErr;
    }
  }
  auto dsn = delivery::parse_dsn(mail);
  if (!dsn) {
    err << "twinning bounce: " << dsn.error().message << "\n";
    return kExDataErr;
  }
  auto store = store::open_sqlite(settings.data_dir);
  if (!store) {
    err << "twinning bounce: cannot open the store in " << settings.data_dir.string() << ": "
        << store.error().message << "\n";
    return kExTempFail;
  }
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto result = delivery::apply_bounce(*store.value(), *dsn, envelope_recipient, now);
  if (!result) {
    err << "twinning bounce: " << result.error().message << "\n";
    return result.error().kind == ErrorKind::not_found || result.error().kind == ErrorKind::bad_request
               ? kExDataErr
               : kExTempFail;
  }
  if (auto flushed = store.value()->flush(); !flushed) {
    err << "twinning bounce: " << flushed.error().message << "\n";
    return kExTempFail;
  }
  switch (result->outcome) {
    case delivery::BounceResult::Outcome::failed:
      out << "message " << result->outbox_id << " to " << result->recipient << " bounced (" << result->status
          << "): marked failed, recipient flagged\n";
      break;
    case delivery::BounceResult::Outcome::temporary:
      out << "message " << result->outbox_id << " to " << result->recipient << ": " << result->detail << "\n";
      break;
    case delivery::BounceResult::Outcome::unknown:
      out << "not about a message of this outbox; nothing changed\n";
      break;
  }
  return 0;
}

}  // namespace twinning::cli
