#pragma once
// The emails one supporter action sends, composed from the campaign's texts (through
// render::channel_view, so that what organizers preview is what is sent) and the supporter's
// edits. Recipients come only from the campaign: nothing a supporter sends can add or change one.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "domain/campaign.hpp"
#include "i18n/catalog.hpp"
#include "mail/message.hpp"

namespace twinning::mail {

struct SupporterMail {
  std::string name;     // display name of the From and Reply-To addresses
  std::string email;    // Reply-To: officials answer the supporter, not the campaign
  std::string country;  // ISO 3166-1 alpha-2, may be empty
};

struct EmailInput {
  std::string lang;                    // the page language
  std::optional<std::string> subject;  // the supporter's edit, when changed from the shown text
  std::optional<std::string> body;     // the supporter's edit of the body, when changed
  std::string note;                    // a personal note, may be empty
};

struct OutgoingEmail {
  std::string target;                // the first To target of the message
  std::vector<std::string> targets;  // every target the message reaches: To ids, then Cc ids
  Email email;
};

// One message per To target (greeting by name and title in the target's language) or one group
// message, as the campaign's email.mode says; Cc targets ride on the first message only, so they
// get one copy per action. From: the campaign's sender with the supporter's name; Reply-To: the
// supporter. The note goes after the greeting; an edited body replaces the campaign's body
// (greeting and sign-off stay); an edited subject replaces the subject. Both are sent as written.
// Refuses (bad_request, naming the field: "name", "email", "lang", "subject", "body", "note")
// control characters in single-line fields, control characters other than line breaks in the
// body and note, an empty edit, and an address that is not one.
Result<std::vector<OutgoingEmail>> compose_action_emails(const domain::Campaign& c, const SupporterMail& supporter,
                                                         const EmailInput& input, const std::string& page_url,
                                                         std::chrono::sys_seconds now);

// The supporter's copy of what was sent in their name, in the language of `words` (the page
// language): from the campaign's sender to the supporter, with the recipients, subject and text
// of each message. Uses the interface words mail.copy.subject ({{campaign}}, {{subject}}),
// mail.copy.intro ({{name}}, {{campaign}}, {{count}}) and channel.email.to / .cc / .subject.
// Marked Auto-Submitted: auto-generated (RFC 3834), so that auto-responders stay quiet.
Result<Email> supporter_copy(const domain::Campaign& c, const SupporterMail& supporter, const i18n::Catalog& words,
                             const std::vector<OutgoingEmail>& sent, const std::string& page_url,
                             std::chrono::sys_seconds now);

}  // namespace twinning::mail
