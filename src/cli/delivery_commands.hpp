#pragma once
// The operator's commands for the outbox: deliver, outbox, bounce. (cli.cpp registers them.)
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "common/config.hpp"

namespace twinning::cli {

// `twinning deliver [--once]`: sends what the outbox holds through the configured transport.
// Without `once`, keeps going (polling every mail.poll_interval) until SIGTERM or SIGINT; with
// it, sends what is due now and exits. Exit code 0 when it ran (failures of single messages are
// in the outbox), 1 when it could not start (store, transport, another worker holding the lock).
int deliver(bool once, const Settings& settings, std::ostream& out, std::ostream& err);

struct OutboxCommand {
  enum class Action { list, retry, pause, resume, flagged };
  Action action = Action::list;
  std::optional<std::string> state;  // list: queued, sending, sent, failed, held, expired
  std::int64_t id = 0;               // retry
  std::size_t limit = 100;           // list
};
// `twinning outbox [list] [--state S] | retry ID | pause | resume | flagged`.
// Exit code 0 done, 1 the store refused (e.g. unknown id), 2 a bad argument.
int outbox(const OutboxCommand& command, const Settings& settings, std::ostream& out, std::ostream& err);

// `twinning bounce [--recipient ADDR]`: reads a delivery-status notification on standard input
// (for an MTA pipe; ADDR is the envelope recipient the MTA received it for, e.g. Postfix's
// ${original_recipient}). Exit code 0 recorded or not ours, 65 (EX_DATAERR) not a DSN, 75
// (EX_TEMPFAIL, the MTA tries again later) when the store cannot be reached.
int bounce(const std::string& envelope_recipient, const Settings& settings, std::istream& in, std::ostream& out,
           std::ostream& err);

// `twinning dkim-keygen --selector S --domain D --out FILE`: makes an RSA-2048 key, writes it to
// FILE (mode 0600; an existing file is never overwritten) and prints the DNS TXT record to
// publish. Then set mail.dkim_key_file and mail.dkim_selector. Exit code 0 done, 1 failed, 2 bad
// argument.
int dkim_keygen(const std::string& selector, const std::string& domain, const std::string& out_file,
                std::ostream& out, std::ostream& err);

}  // namespace twinning::cli
