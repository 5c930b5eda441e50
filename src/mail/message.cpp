#include "mail/message.hpp"

#include <sodium.h>
// vmime's pkg-config adds -I/usr/include/vmime/, whose generic names (message.hpp, text.hpp)
// would shadow ours: project headers are always included with their folder.
#include <vmime/platforms/posix/posixHandler.hpp>
#include <vmime/contentDispositionField.hpp>
#include <vmime/vmime.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>

#include "common/utf8.hpp"
#include "render/text.hpp"

namespace twinning::mail {

namespace {

// RFC 5322 §2.1.1: lines SHOULD be at most 78 octets and MUST be at most 998 (CRLF excluded).
constexpr std::size_t kSoftLineLimit = 78;
constexpr std::size_t kHardLineLimit = 998;
// vmime 0.9.2 can overshoot its own limit by a few octets when it splits encoded words (it
// counts the chunk before encoding it). Generation retries with a tighter setting until every
// line is within kSoftLineLimit; these are the settings tried, in order. None may be below 68:
// vmime RFC 2047-encodes any run of at least (setting - 3) octets, and in an address that would
// encode the local part (forbidden by RFC 2047 §5), which is up to 64 octets long.
constexpr std::array<std::size_t, 3> kVmimeLineSettings = {78, 74, 70};

constexpr std::size_t kMaxLocalPart = 64;    // RFC 5321 §4.5.3.1.1
constexpr std::size_t kMaxDomain = 253;      // RFC 1035, without the trailing dot
constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kMaxHeaderName = 76;   // so that "Name: x" fits one line

Error refuse(std::string field, std::string message) {
  return Error::make(ErrorKind::bad_request, std::move(message), std::move(field));
}

std::optional<Error> check_single_line(std::string_view value, const std::string& field) {
  if (!is_valid_utf8(value)) return Error::make(ErrorKind::invalid_utf8, "The " + field + " is not valid UTF-8.", field);
  if (has_control_chars(value, false)) {
    return refuse(field, "The " + field + " must be one line, without control characters.");
  }
  return std::nullopt;
}

std::optional<Error> check_multi_line(std::string_view value, const std::string& field) {
  if (!is_valid_utf8(value)) return Error::make(ErrorKind::invalid_utf8, "The " + field + " is not valid UTF-8.", field);
  if (has_control_chars(value, true)) return refuse(field, "The " + field + " contains control characters.");
  return std::nullopt;
}

std::optional<Error> check_address(const Address& a, const std::string& name_field, const std::string& email_field,
                                   bool smtputf8) {
  if (auto e = check_single_line(a.name, name_field)) return e;
  if (auto e = check_single_line(a.email, email_field)) return e;
  if (!is_valid_email(a.email, smtputf8)) {
    return refuse(email_field, "'" + a.email + "' is not an email address we can send to.");
  }
  return std::nullopt;
}

bool is_atext(unsigned char c) {
  if (std::isalnum(c) != 0) return true;
  static constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
  return specials.find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_dot_atom(std::string_view s, bool allow_utf8) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!(is_atext(c) || (allow_utf8 && c >= 0x80))) {
      return false;
    }
  }
  return true;
}

bool is_domain(std::string_view d, bool allow_utf8) {
  if (d.empty() || d.size() > kMaxDomain) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = d.find('.', start);
    const std::string_view label = d.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > kMaxLabel || label.front() == '-' || label.back() == '-') return false;
    for (unsigned char c : label) {
      if (!(std::isalnum(c) != 0 || c == '-' || (allow_utf8 && c >= 0x80))) return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// Message-ID halves: dot-atom-text (RFC 5322 §3.6.4, without the obsolete forms).
bool is_message_id(std::string_view id) {
  const auto at = id.find('@');
  if (at == std::string_view::npos || id.find('@', at + 1) != std::string_view::npos) return false;
  return is_dot_atom(id.substr(0, at), false) && is_dot_atom(id.substr(at + 1), false);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Headers this module writes itself: an extra header may not repeat or contradict them.
bool is_reserved_header(std::string_view name) {
  static constexpr std::array<std::string_view, 11> reserved = {
      "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "MIME-Version",
      "Content-Language"};
  if (name.size() >= 8 && iequals(name.substr(0, 8), "Content-")) return true;
  return std::any_of(reserved.begin(), reserved.end(), [&](std::string_view r) { return iequals(r, name); });
}

std::optional<Error> check_extra_header(const std::pair<std::string, std::string>& h) {
  const auto& [name, value] = h;
  const bool name_ok = !name.empty() && name.size() <= kMaxHeaderName &&
                       std::all_of(name.begin(), name.end(), [](char ch) {
                         const auto c = static_cast<unsigned char>(ch);
                         return c >= 33 && c <= 126 && c != ':';
                       });
  if (!name_ok) return refuse("headers", "'" + name + "' is not a header field name.");
  if (is_reserved_header(name)) return refuse("headers", "The " + name + " header is set from the message itself.");
  const bool value_ok = std::all_of(value.begin(), value.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c >= 32 && c <= 126) || c == '\t';
  });
  if (!value_ok) return refuse("headers", "The " + name + " header must be one line of ASCII.");
  return std::nullopt;
}

bool is_language_tag(std::string_view tag) {
  return !tag.empty() && tag.size() <= 35 && std::all_of(tag.begin(), tag.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '-';
  });
}

std::optional<Error> check(const Email& e, const MimeOptions& o) {
  if (auto err = check_address(e.from, "name", "from", o.smtputf8)) return err;
  if (e.reply_to) {
    if (auto err = check_address(*e.reply_to, "name", "email", o.smtputf8)) return err;
  }
  if (e.to.empty()) return refuse("to", "The message has no recipient.");
  for (const auto& a : e.to) {
    if (auto err = check_address(a, "to", "to", o.smtputf8)) return err;
  }
  for (const auto& a : e.cc) {
    if (auto err = check_address(a, "cc", "cc", o.smtputf8)) return err;
  }
  if (auto err = check_single_line(e.subject, "subject")) return err;
  if (auto err = check_multi_line(e.text, "text")) return err;
  if (auto err = check_multi_line(e.html, "html")) return err;
  if (!e.language.empty() && !is_language_tag(e.language)) {
    return refuse("language", "'" + e.language + "' is not a language tag.");
  }
  if (!is_message_id(e.message_id)) return refuse("message_id", "The Message-ID must look like local@domain.");
  if (e.date == std::chrono::sys_seconds{}) return refuse("date", "The message has no date.");
  for (const auto& h : e.headers) {
    if (auto err = check_extra_header(h)) return err;
  }
  for (const auto& a : e.attachments) {
    const bool safe_name = !a.filename.empty() && a.filename.size() <= 100 &&
                           a.filename.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") ==
                               std::string::npos &&
                           a.filename.front() != '.';
    if (!safe_name) return refuse("attachments", "An attachment's file name must be letters, digits, '.', '-' or '_'.");
    const auto slash = a.content_type.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == a.content_type.size() ||
        a.content_type.find_first_of(" ;\r\n") != std::string::npos) {
      return refuse("attachments", "An attachment needs a media type like application/pdf.");
    }
  }
  return std::nullopt;
}

// About how many octets `data` (CRLF lines) takes in quoted-printable (RFC 2045 §6.7): printable
// ASCII but '=' as is, the rest as =XX, plus a soft line break ("=" CRLF) per 76 octets of line.
std::size_t quoted_printable_length(std::string_view data) {
  std::size_t total = 0;
  std::size_t line = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto c = static_cast<unsigned char>(data[i]);
    if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') {
      total += line + 2 + 3 * (line / 76);
      line = 0;
      ++i;
      continue;
    }
    line += (c >= 33 && c <= 126 && c != '=') || c == ' ' ? 1 : 3;
  }
  return total + line + 3 * (line / 76);
}

std::size_t base64_length(std::size_t octets) {
  const std::size_t chars = 4 * ((octets + 2) / 3);
  return chars + 2 * (chars / 76);
}

vmime::encoding body_encoding(std::string_view data) {
  return vmime::encoding(quoted_printable_length(data) <= base64_length(data.size())
                             ? vmime::encodingTypes::QUOTED_PRINTABLE
                             : vmime::encodingTypes::BASE64);
}

// Header text as one vmime word: vmime then encodes all of it or none of it. Split into several
// words it mixes encoded and plain runs and folds them past the line limit.
vmime::text header_text(const std::string& s) {
  return vmime::text(vmime::word(s, vmime::charsets::UTF_8));
}

std::shared_ptr<vmime::mailbox> mailbox(const Address& a) {
  return vmime::make_shared<vmime::mailbox>(header_text(a.name), vmime::emailAddress(a.email));
}

vmime::addressList address_list(const std::vector<Address>& list) {
  vmime::addressList out;
  for (const auto& a : list) out.appendAddress(mailbox(a));
  return out;
}

std::shared_ptr<vmime::bodyPart> text_part(const std::string& crlf_data, const std::string& subtype) {
  auto part = vmime::make_shared<vmime::bodyPart>();
  part->getBody()->setContents(vmime::make_shared<vmime::stringContentHandler>(crlf_data),
                               vmime::mediaType(vmime::mediaTypes::TEXT, subtype),
                               vmime::charset(vmime::charsets::UTF_8), body_encoding(crlf_data));
  return part;
}

void append_field(vmime::header& h, const std::string& name, const std::string& value) {
  h.appendField(vmime::headerFieldFactory::getInstance()->create(name, value));
}

std::shared_ptr<vmime::message> build(const Email& e) {
  auto msg = vmime::make_shared<vmime::message>();
  auto h = msg->getHeader();
  h->From()->setValue(mailbox(e.from));
  if (e.reply_to) h->ReplyTo()->setValue(mailbox(*e.reply_to));
  h->To()->setValue(address_list(e.to));
  if (!e.cc.empty()) h->Cc()->setValue(address_list(e.cc));
  h->Subject()->setValue(header_text(e.subject));
  h->Date()->setValue(vmime::datetime(static_cast<time_t>(e.date.time_since_epoch().count()), vmime::datetime::GMT));
  h->MessageId()->setValue(vmime::messageId(e.message_id));
  h->MimeVersion()->setValue(vmime::string("1.0"));
  if (!e.language.empty()) append_field(*h, "Content-Language", e.language);
  for (const auto& [name, value] : e.headers) append_field(*h, name, value);

  // Plain text first: RFC 2046 §5.1.4 orders alternatives from plainest to richest.
  const std::string html = e.html.empty() ? html_from_text(e.text, e.language) : e.html;
  auto fill_alternatives = [&](vmime::body& b) {
    b.setContentType(vmime::mediaType(vmime::mediaTypes::MULTIPART, vmime::mediaTypes::MULTIPART_ALTERNATIVE));
    b.appendPart(text_part(crlf_lines(e.text), vmime::mediaTypes::TEXT_PLAIN));
    b.appendPart(text_part(crlf_lines(html), vmime::mediaTypes::TEXT_HTML));
  };
  auto body = msg->getBody();
  if (e.attachments.empty()) {
    fill_alternatives(*body);
    return msg;
  }
  // With files: multipart/mixed holding the alternatives, then each file in base64.
  body->setContentType(vmime::mediaType(vmime::mediaTypes::MULTIPART, vmime::mediaTypes::MULTIPART_MIXED));
  auto alternatives = vmime::make_shared<vmime::bodyPart>();
  fill_alternatives(*alternatives->getBody());
  body->appendPart(alternatives);
  for (const auto& a : e.attachments) {
    auto part = vmime::make_shared<vmime::bodyPart>();
    part->getBody()->setContents(vmime::make_shared<vmime::stringContentHandler>(a.data), vmime::mediaType(a.content_type));
    part->getBody()->setEncoding(vmime::encoding(vmime::encodingTypes::BASE64));
    part->getHeader()->ContentDisposition()->setValue(
        vmime::contentDisposition(vmime::contentDispositionTypes::ATTACHMENT));
    vmime::dynamicCast<vmime::contentDispositionField>(part->getHeader()->ContentDisposition())
        ->setFilename(vmime::word(a.filename));
    body->appendPart(part);
  }
  return msg;
}

std::string generate(const vmime::message& msg, std::size_t max_line, bool smtputf8) {
  vmime::generationContext ctx;
  ctx.setMaxLineLength(max_line);
  ctx.setInternationalizedEmailSupport(smtputf8);
  std::string out;
  vmime::utility::outputStreamStringAdapter os(out);
  msg.generate(ctx, os, 0, nullptr);
  return out;
}

std::size_t longest_line(std::string_view s) {
  std::size_t longest = 0;
  std::size_t start = 0;
  while (start < s.size()) {
    auto end = s.find("\r\n", start);
    if (end == std::string_view::npos) end = s.size();
    longest = std::max(longest, end - start);
    start = end + 2;
  }
  return longest;
}

}  // namespace

void init_mail_libraries() {
  static std::once_flag once;
  std::call_once(once, [] {
    // vmime needs its platform handler before any other call (random boundaries, host name).
    vmime::platform::setHandler<vmime::platforms::posix::posixHandler>();
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
  });
}

Result<void> check_email(const Email& e, const MimeOptions& o) {
  if (auto err = check(e, o)) return *err;
  return {};
}

bool is_valid_email(std::string_view email, bool allow_utf8) {
  if (!is_valid_utf8(email) || has_control_chars(email, false)) return false;
  const auto at = email.rfind('@');
  if (at == std::string_view::npos) return false;
  const auto local = email.substr(0, at);
  return local.size() <= kMaxLocalPart && is_dot_atom(local, allow_utf8) && is_domain(email.substr(at + 1), allow_utf8);
}

std::string domain_of(std::string_view email) {
  const auto at = email.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string d(email.substr(at + 1));
  for (auto& c : d) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return d;
}

std::string new_message_id(std::string_view domain) {
  init_mail_libraries();
  std::array<unsigned char, 16> random{};
  randombytes_buf(random.data(), random.size());
  std::array<char, 2 * 16 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
  return std::string(hex.data()) + "@" + std::string(domain);
}

std::string crlf_lines(std::string_view text) {
  const std::string lf = normalize_newlines(text);
  std::string out;
  out.reserve(lf.size() + lf.size() / 32);
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::string html_from_text(std::string_view text, std::string_view language) {
  std::string out = "<!DOCTYPE html>\n<html";
  if (!language.empty()) out += " lang=\"" + render::html_escape(language) + "\"";
  out += ">\n<head><meta charset=\"utf-8\"></head>\n<body>\n";
  for (const auto& para : render::paragraphs(normalize_newlines(text))) {
    out += "<p>";
    std::size_t start = 0;
    while (true) {
      const auto nl = para.find('\n', start);
      out += render::html_escape(std::string_view(para).substr(start, nl - start));
      if (nl == std::string::npos) break;
      out += "<br>\n";
      start = nl + 1;
    }
    out += "</p>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

Result<std::string> to_rfc5322(const Email& e, const MimeOptions& o) {
  if (auto err = check(e, o)) return *err;
  init_mail_libraries();
  try {
    const auto msg = build(e);
    std::string out;
    for (const std::size_t setting : kVmimeLineSettings) {
      out = generate(*msg, setting, o.smtputf8);
      if (longest_line(out) <= kSoftLineLimit) return out;
    }
    // Only an unbreakable run (a long URL in a subject) gets here; it may stay long but legal.
    if (longest_line(out) <= kHardLineLimit) return out;
    return Error::make(ErrorKind::internal, "The message could not be encoded.", {},
                       "a generated line is longer than 998 octets");
  } catch (const vmime::exception& ex) {
    return Error::make(ErrorKind::internal, "The message could not be encoded.", {}, ex.what());
  }
}

}  // namespace twinning::mail
