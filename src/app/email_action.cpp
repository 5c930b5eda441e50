#include "app/email_action.hpp"

#include <sodium.h>

#include <set>

#include "common/digest.hpp"
#include "common/utf8.hpp"
#include "delivery/bounce.hpp"
#include "mail/compose.hpp"
#include "mail/message.hpp"
#include "render/compose.hpp"
#include "render/text.hpp"

namespace twinning::app {

namespace {

// Browsers send textarea lines with CRLF; the page shows LF. Compare and store them as LF.
std::string lf(const std::string& s) { return normalize_newlines(s); }

std::string trim_end(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) s.pop_back();
  return s;
}

std::string random_token() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

}  // namespace

std::string confirmation_link(const std::string& base_url, const std::string& token) {
  return base_url + "/confirm/" + token;
}

std::string token_hash(std::string_view token) { return blake2b_hex(token); }

Result<EmailActionInput> parse_email_action(const Fields& fields, const domain::Campaign& campaign,
                                            const std::string& shown_subject, const std::string& shown_body,
                                            std::vector<FieldError>& problems, const EmailLimits& limits) {
  static const std::set<std::string> email_fields(std::begin(kEmailFields), std::end(kEmailFields));
  Fields supporter_fields;
  std::map<std::string, std::string> own;
  bool has_channel = false;
  for (const auto& [name, value] : fields) {
    if (email_fields.count(name)) {
      if (!own.emplace(name, value).second) {
        return Error::make(ErrorKind::bad_request, "the field '" + name + "' was sent twice; send it once", name);
      }
      if (!is_valid_utf8(value)) {
        return Error::make(ErrorKind::invalid_utf8, "the field '" + name + "' is not valid UTF-8 text", name);
      }
      continue;
    }
    if (name == "channel") {
      has_channel = true;
      if (value != "email") {
        return Error::make(ErrorKind::bad_request, "this form sends email: leave out 'channel' or send 'email'",
                           "channel");
      }
    }
    supporter_fields.emplace_back(name, value);
  }
  if (!has_channel) supporter_fields.emplace_back("channel", "email");

  EmailActionInput in;
  auto supporter = parse_action(supporter_fields, campaign, problems);
  if (!supporter.ok() && problems.empty()) return supporter.error();  // malformed, not just invalid

  auto add = [&](std::string field, std::string code, std::string message) {
    problems.push_back({std::move(field), std::move(code), std::move(message)});
  };
  const std::string subject = trim_end(lf(own["subject"]));
  if (has_control_chars(subject, false)) {
    add("subject", "subject", "the subject must be one line of text");
  } else if (code_points(subject) > limits.max_subject_chars) {
    add("subject", "too_long", "the subject is longer than " + std::to_string(limits.max_subject_chars) + " characters");
  } else if (!subject.empty() && subject != trim_end(lf(shown_subject))) {
    in.subject = subject;
  }
  const std::string body = trim_end(lf(own["body"]));
  if (has_control_chars(body, true)) {
    add("body", "body", "the message may hold line breaks but no other control characters");
  } else if (code_points(body) > limits.max_body_chars) {
    add("body", "too_long", "the message is longer than " + std::to_string(limits.max_body_chars) + " characters");
  } else if (!body.empty() && body != trim_end(lf(shown_body))) {
    in.body = body;
  }
  in.note = trim_end(lf(own["note"]));
  if (has_control_chars(in.note, true)) {
    add("note", "body", "the note may hold line breaks but no other control characters");
  } else if (code_points(in.note) > limits.max_note_chars) {
    add("note", "too_long", "the note is longer than " + std::to_string(limits.max_note_chars) + " characters");
  }
  const std::string copy = own["copy_to_me"];
  in.copy_to_me = copy == "yes" || copy == "on" || copy == "true";
  if (!copy.empty() && !in.copy_to_me && copy != "no" && copy != "false") {
    add("copy_to_me", "bad_request", "'copy_to_me' must be yes or empty");
  }
  if (!problems.empty()) {
    return Error::make(ErrorKind::bad_request, problems.front().message, problems.front().field);
  }
  in.supporter = std::move(supporter).value();
  return in;
}

Result<Confirmation> confirmation_for(const ActionInput& supporter, const domain::Campaign& campaign,
                                      const std::string& lang, const std::string& base_url,
                                      const i18n::Catalog& words, const MailSettings& mail,
                                      std::chrono::sys_seconds now) {
  const std::string page_url = base_url + "/" + campaign.id + "/" + lang + "/";
  const std::string domain =
      mail.return_path_domain.empty() ? mail::domain_of(campaign.email.sender) : mail.return_path_domain;
  Confirmation out;
  out.token = random_token();
  const auto hours = std::chrono::duration_cast<std::chrono::hours>(mail.confirmation_ttl).count();
  std::string campaign_title = campaign.id;
  if (const auto* t = campaign.text(lang, "page.title")) {
    campaign_title = render::fill(*t, render::campaign_vars(campaign, lang, page_url));
  }
  const render::Vars vars{{"name", supporter.name},
                          {"campaign", campaign_title},
                          {"link", confirmation_link(base_url, out.token)},
                          {"hours", std::to_string(hours)},
                          {"email", supporter.email}};
  mail::Email confirm;
  confirm.from = {campaign_title, campaign.email.sender};
  confirm.to = {{supporter.name, supporter.email}};
  // A signature or a request to print is not "a message sent in your name": such channels have
  // their own words (confirm.mail.<channel>.*), the others share the message's.
  const std::string own = "confirm.mail." + supporter.channel + ".";
  const std::string prefix = words.has(own + "body") ? own : "confirm.mail.";
  confirm.subject = render::fill(words.get(prefix + "subject"), vars);
  confirm.text = render::fill(words.get(prefix + "body"), vars);
  confirm.language = lang;
  confirm.message_id = mail::new_message_id(mail::domain_of(campaign.email.sender));
  confirm.date = now;
  confirm.headers = {{"Auto-Submitted", "auto-generated"}};
  auto raw = mail::to_rfc5322(confirm);
  if (!raw.ok()) return raw.error();

  store::ConfirmationRequest& request = out.request;
  request.token_hash = token_hash(out.token);
  request.expires_at = now + std::chrono::duration_cast<std::chrono::seconds>(mail.confirmation_ttl);
  request.mail.recipient = supporter.email;
  request.mail.pacing_key = supporter.email;
  request.mail.message_id = confirm.message_id;
  auto confirm_path = delivery::verp_return_path(confirm.message_id, domain);
  if (!confirm_path.ok()) return confirm_path.error();
  request.mail.envelope_from = std::move(confirm_path).value();
  request.mail.payload = std::move(raw).value();
  return out;
}

Result<PreparedEmailAction> prepare_email_action(const EmailActionInput& in, const domain::Campaign& campaign,
                                                 const std::string& lang, const std::string& base_url,
                                                 const i18n::Catalog& words, const MailSettings& mail,
                                                 std::chrono::sys_seconds now) {
  const std::string page_url = base_url + "/" + campaign.id + "/" + lang + "/";
  const mail::SupporterMail supporter{in.supporter.name, in.supporter.email, in.supporter.country};
  mail::EmailInput input;
  input.lang = lang;
  input.subject = in.subject;
  input.body = in.body;
  input.note = in.note;
  auto composed = mail::compose_action_emails(campaign, supporter, input, page_url, now);
  if (!composed.ok()) return composed.error();

  const std::string domain =
      mail.return_path_domain.empty() ? mail::domain_of(campaign.email.sender) : mail.return_path_domain;
  PreparedEmailAction out;
  const std::string sep(1, '\0');
  out.action = to_record(in.supporter, campaign, lang, now,
                         in.subject.value_or("") + sep + in.body.value_or("") + sep + in.note + sep +
                             (in.copy_to_me ? "copy" : ""));
  auto enqueue = [&](const std::string& target, const mail::Email& e) -> Result<void> {
    auto raw = mail::to_rfc5322(e);
    if (!raw.ok()) return raw.error();
    for (const auto* list : {&e.to, &e.cc}) {
      for (const auto& rcpt : *list) {
        store::OutboxMessage m;
        m.target = target;
        m.recipient = rcpt.email;
        m.pacing_key = rcpt.email;
        m.message_id = e.message_id;
        auto path = delivery::verp_return_path(e.message_id, domain);  // a bounce names its message
        if (!path.ok()) return path.error();
        m.envelope_from = std::move(path).value();
        m.payload = raw.value();
        out.action.messages.push_back(std::move(m));
      }
    }
    return {};
  };
  for (const auto& message : composed.value()) {
    if (auto r = enqueue(message.target, message.email); !r.ok()) return r.error();
  }
  if (in.copy_to_me) {
    auto copy = mail::supporter_copy(campaign, supporter, words, composed.value(), page_url, now);
    if (!copy.ok()) return copy.error();
    if (auto r = enqueue("", copy.value()); !r.ok()) return r.error();
  }

  auto confirmation = confirmation_for(in.supporter, campaign, lang, base_url, words, mail, now);
  if (!confirmation.ok()) return confirmation.error();
  out.token = std::move(confirmation.value().token);
  out.action.confirmation = std::move(confirmation.value().request);
  return out;
}

}  // namespace twinning::app
