#pragma once
// One email as values, and its RFC 5322 form built with vmime. The only place that knows MIME:
// everything else hands over an Email and gets the finished octets back.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace twinning::mail {

struct Address {
  std::string name;   // display name, any UTF-8 (may be empty)
  std::string email;  // addr-spec, "local@domain"
};

// A file sent with the message (the petition's PDF), base64-encoded as multipart/mixed.
struct Attachment {
  std::string filename;      // ASCII letters, digits, '.', '-', '_' (no path)
  std::string content_type;  // "application/pdf"
  std::string data;          // the bytes
};

struct Email {
  Address from;
  std::optional<Address> reply_to;
  std::vector<Address> to, cc;
  std::string subject;
  std::string text;      // plain text; LF or CRLF line ends; paragraphs separated by blank lines
  std::string html;      // empty: made from `text` (escaped, one <p> per paragraph, lang attribute)
  std::string language;  // Content-Language, e.g. "da"
  std::string message_id;  // "local@domain", without <>
  std::chrono::sys_seconds date{};
  std::vector<std::pair<std::string, std::string>> headers;  // extra single-line headers, ASCII
  std::vector<Attachment> attachments;
};

struct MimeOptions {
  // Raw UTF-8 header values (RFC 6532) instead of RFC 2047 encoded words. Only for a relay that
  // offered SMTPUTF8 (RFC 6531): any other hop may mangle or refuse 8-bit headers.
  bool smtputf8 = false;
};

// The message as RFC 5322 text with CRLF line ends: multipart/alternative (text/plain and
// text/html, UTF-8, each quoted-printable or base64, whichever is shorter), encoded words for
// non-ASCII header text, lines folded to at most 78 octets, Date, Message-ID, MIME-Version and
// Content-Language.
// Refuses, with ErrorKind::bad_request and the field at fault, any control character in a
// single-line field and any malformed address. Fields are named after what a supporter typed
// where they can be: "name" (the From or Reply-To display name), "email" (the Reply-To address),
// "subject", "text", "html"; the others are "from", "to", "cc", "language", "message_id",
// "headers". Invalid UTF-8 is ErrorKind::invalid_utf8 with the same field names.
Result<std::string> to_rfc5322(const Email& e, const MimeOptions& o = {});

// The checks of to_rfc5322 alone, so that a request is refused before anything is queued.
Result<void> check_email(const Email& e, const MimeOptions& o = {});

// Sets up vmime's platform handler and libsodium once; thread-safe, and called by every function
// here that needs them. Other code using vmime directly (the outbox display) should call it
// instead of vmime::platform::setHandler, which is not safe while another thread uses vmime.
void init_mail_libraries();

// A fresh Message-ID "<32 hex digits from libsodium>@domain" (without <>).
std::string new_message_id(std::string_view domain);

// The domain of an address, lower case ("Campaigns@Twinning.Example.ORG" -> "twinning.example.org");
// empty when there is no '@'.
std::string domain_of(std::string_view email);

// An addr-spec we are willing to put in a header: dot-atom local part (at most 64 octets), a
// domain of LDH labels (at most 253 octets), no quoted strings, comments or IP literals. With
// `allow_utf8`, non-ASCII UTF-8 is accepted in both parts (RFC 6531 addresses; only deliverable
// through a relay that offers SMTPUTF8).
bool is_valid_email(std::string_view email, bool allow_utf8 = false);

// The HTML alternative of plain text: each paragraph in a <p>, single line breaks as <br>,
// everything escaped, the language on <html lang>.
std::string html_from_text(std::string_view text, std::string_view language);

// Plain text with every line end as CRLF (what the MIME body and SMTP expect).
std::string crlf_lines(std::string_view text);

}  // namespace twinning::mail
