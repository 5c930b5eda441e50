#pragma once
// How the outbox worker hands one message to the world. Implementations: SpoolTransport (files,
// the default: nothing leaves the machine) and SmtpTransport (vmime, smtp:// and smtps://).
#include <memory>
#include <string>

#include "common/config.hpp"
#include "common/result.hpp"
#include "store/store.hpp"

namespace twinning::delivery {

struct SendOutcome {
  enum class Kind {
    sent,       // the server took responsibility for the message (2xx after DATA)
    temporary,  // 4xx, a timeout, a refused or dropped connection: try again later
    permanent,  // 5xx: trying again will not help
  };
  Kind kind = Kind::temporary;
  std::string reply;  // the server's reply (or what went wrong), kept as the message's last error
  // A permanent refusal of the recipient's address itself (5xx to RCPT TO): a hard bounce that
  // organizers should see. A 5xx to the content (DATA) says nothing about the address.
  bool recipient_refused = false;
};

const char* to_string(SendOutcome::Kind kind);

class Transport {
 public:
  virtual ~Transport() = default;
  // Never throws: every failure is an outcome, so one bad message cannot stop the worker.
  virtual SendOutcome send(const store::OutboxRow& message) = 0;
  // Called when the queue is empty: a transport holding a connection lets it go, so an idle
  // worker does not keep a session open on the relay.
  virtual void idle() {}
  // What the transport is, for logs ("spool /var/lib/twinning/spool", "smtp://relay:587").
  virtual std::string describe() const = 0;
};

// The transport the settings name (mail.transport_url): the spool directory, or SMTP. Errors:
// bad_request for a URL that is not valid; io when the spool directory cannot be created.
Result<std::unique_ptr<Transport>> make_transport(const Settings& settings);

}  // namespace twinning::delivery
