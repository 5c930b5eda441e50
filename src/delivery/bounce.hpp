#pragma once
// Late bounces: the per-message return path (VERP) and the delivery-status notifications
// (RFC 3464) that come back to it. A relay that accepted a message may still fail to deliver it
// hours later; it then mails a DSN to the return path, and `twinning bounce` reads it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "store/store.hpp"

namespace twinning::delivery {

// The return path of one message: "bounces+LOCAL@DOMAIN" for the Message-ID "LOCAL@DOMAIN"
// (the common case: the Message-ID's domain is the return path's), else
// "bounces+LOCAL=MSGDOMAIN@DOMAIN" (classic VERP encoding of the "@"). The message id is given
// without angle brackets, as the store keeps it. Errors: bad_request when the id is not
// LOCAL@DOMAIN or its local part holds a character a return path cannot carry (only
// [A-Za-z0-9.!#$%&'*/?^_`{|}~-] — dot-atom text without "=" and "+" — are allowed).
Result<std::string> verp_return_path(std::string_view message_id, std::string_view domain);
// The Message-ID a return path stands for, or nothing when the address is not one of ours.
std::optional<std::string> message_id_from_return_path(std::string_view address);

struct DsnRecipient {
  std::string final_recipient;  // "rfc822; mayor@haderslev.dk" -> "mayor@haderslev.dk"
  std::string action;           // failed | delayed | delivered | relayed | expanded (lower case)
  std::string status;           // "5.1.1"
  std::string diagnostic;       // the remote server's words, when given
  bool permanent() const { return !status.empty() && status.front() == '5'; }
};

struct Dsn {
  // Where the notification was addressed (To, Delivered-To, X-Original-To of the bounce): one of
  // them is the VERP return path.
  std::vector<std::string> addressed_to;
  std::string original_message_id;  // from the returned headers, without <>; may be empty
  std::vector<DsnRecipient> recipients;
};

// Reads a multipart/report; report-type=delivery-status message. Errors (bad_request, with the
// reason): not a multipart/report, no boundary, no message/delivery-status part, no recipient.
Result<Dsn> parse_dsn(std::string_view mail);

struct BounceResult {
  enum class Outcome {
    failed,     // a permanent failure: the message is marked failed and its recipient flagged
    temporary,  // a delay or 4.x.x: nothing to change, the relay keeps trying
    unknown,    // the notification is not about a message of this outbox
  };
  Outcome outcome = Outcome::unknown;
  std::int64_t outbox_id = 0;
  std::string message_id, recipient, status, detail;
};

// Finds the message (by `envelope_recipient` when the MTA gives it, else by the addresses the
// DSN was sent to, else by the returned Message-ID) and records a permanent failure.
Result<BounceResult> apply_bounce(store::Store& store, const Dsn& dsn, const std::string& envelope_recipient,
                                  store::TimePoint now);

}  // namespace twinning::delivery
