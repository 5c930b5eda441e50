#include "mail/display.hpp"

#include "mail/message.hpp"

#include <vmime/vmime.hpp>

namespace twinning::mail {

namespace {

std::string utf8(const vmime::text& t) { return t.getConvertedText(vmime::charsets::UTF_8); }

std::string mailbox_text(const vmime::mailbox& m) {
  const std::string name = utf8(m.getName());
  const std::string email = m.getEmail().toString();
  return name.empty() ? email : name + " <" + email + ">";
}

std::string addresses(const vmime::addressList& list) {
  std::string out;
  auto boxes = list.toMailboxList();
  for (std::size_t i = 0; i < boxes->getMailboxCount(); ++i) {
    if (!out.empty()) out += ", ";
    out += mailbox_text(*boxes->getMailboxAt(i));
  }
  return out;
}

}  // namespace

Shown show(const std::string& payload, const std::string& recipient, const std::string& state) {
  Shown s;
  s.recipient = recipient;
  s.state = state;
  try {
    init_mail_libraries();
    auto msg = vmime::make_shared<vmime::message>();
    msg->parse(payload);
    vmime::messageParser parser(msg);
    s.from = mailbox_text(parser.getExpeditor());
    s.to = addresses(parser.getRecipients());
    s.cc = addresses(parser.getCopyRecipients());
    s.subject = utf8(parser.getSubject());
    s.date = parser.getDate().generate();
    if (auto lang = msg->getHeader()->findField("Content-Language")) s.language = lang->getValue()->generate();
    for (const auto& part : parser.getTextPartList()) {
      if (part->getType().getSubType() != vmime::mediaTypes::TEXT_PLAIN) continue;
      std::string raw;
      vmime::utility::outputStreamStringAdapter out(raw);
      part->getText()->extract(out);
      // The part's own charset to UTF-8 (ours are UTF-8 already; this keeps others readable).
      vmime::charset::convert(raw, s.text, part->getCharset(), vmime::charsets::UTF_8);
      break;
    }
  } catch (const std::exception&) {
    s.text = payload;
  }
  // Our bodies end lines with CRLF on the wire; people read LF.
  std::string text;
  for (char c : s.text) {
    if (c != '\r') text += c;
  }
  s.text = std::move(text);
  return s;
}

}  // namespace twinning::mail
