#pragma once
// The email channel's "send it for me": the supporter's form becomes an action whose messages are
// held in the outbox until the supporter opens the confirmation link mailed to them.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "app/action.hpp"
#include "common/config.hpp"
#include "domain/campaign.hpp"
#include "i18n/catalog.hpp"
#include "store/store.hpp"

namespace twinning::app {

// The fields of the email form beyond the supporter's: edits, note and the copy choice.
inline constexpr const char* kEmailFields[] = {"subject", "body", "note", "copy_to_me"};

struct EmailActionInput {
  ActionInput supporter;
  std::optional<std::string> subject;  // set only when the supporter changed the shown subject
  std::optional<std::string> body;     // set only when the supporter changed the shown body
  std::string note;
  bool copy_to_me = false;
};

struct EmailLimits {
  std::size_t max_subject_chars = 300;
  std::size_t max_body_chars = 20000;
  std::size_t max_note_chars = 2000;
};

// `shown_subject` / `shown_body` are what the page showed in the fields (the draft rendered with
// placeholders): a value equal to them is no edit, so the campaign's text is composed for each
// target with the supporter's real name.
Result<EmailActionInput> parse_email_action(const Fields& fields, const domain::Campaign& campaign,
                                            const std::string& shown_subject, const std::string& shown_body,
                                            std::vector<FieldError>& problems, const EmailLimits& limits = {});

struct PreparedEmailAction {
  store::NewAction action;
  std::string token;  // the secret of the confirmation link (only its hash is stored)
};

// Composes every message of the action (MIME, per target), the supporter's copy when asked, and
// the confirmation mail with its link, ready for the store to write in one transaction.
Result<PreparedEmailAction> prepare_email_action(const EmailActionInput& in, const domain::Campaign& campaign,
                                                 const std::string& lang, const std::string& base_url,
                                                 const i18n::Catalog& words, const MailSettings& mail,
                                                 std::chrono::sys_seconds now);

// The confirmation mail with its link, and the request the store keeps (only the token's hash),
// for an action of any channel that needs the supporter's confirmation (email, web forms).
struct Confirmation {
  std::string token;
  store::ConfirmationRequest request;
};
Result<Confirmation> confirmation_for(const ActionInput& supporter, const domain::Campaign& campaign,
                                      const std::string& lang, const std::string& base_url,
                                      const i18n::Catalog& words, const MailSettings& mail,
                                      std::chrono::sys_seconds now);

// The link the supporter opens: <base_url>/confirm/<token>.
std::string confirmation_link(const std::string& base_url, const std::string& token);
// The stored form of a token (hex BLAKE2b), so a leaked database does not confirm anything.
std::string token_hash(std::string_view token);

}  // namespace twinning::app
