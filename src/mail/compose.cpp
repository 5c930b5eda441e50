#include "mail/compose.hpp"

#include <nlohmann/json.hpp>

#include "common/utf8.hpp"
#include "render/channel_view.hpp"
#include "render/compose.hpp"
#include "render/text.hpp"

namespace twinning::mail {

namespace {

using nlohmann::json;

Error refuse(std::string field, std::string message) {
  return Error::make(ErrorKind::bad_request, std::move(message), std::move(field));
}

std::string_view trim(std::string_view s, std::string_view chars = " \t\n") {
  const auto start = s.find_first_not_of(chars);
  if (start == std::string_view::npos) return {};
  return s.substr(start, s.find_last_not_of(chars) - start + 1);
}

// The way channel_view ends each part before joining them (trailing newlines and spaces go).
std::string_view trim_end(std::string_view s) {
  const auto end = s.find_last_not_of("\n ");
  return end == std::string_view::npos ? std::string_view{} : s.substr(0, end + 1);
}

Result<std::string> single_line(const std::string& value, const std::string& field, bool required) {
  if (!is_valid_utf8(value)) return Error::make(ErrorKind::invalid_utf8, "The " + field + " is not valid UTF-8.", field);
  if (has_control_chars(value, false)) return refuse(field, "The " + field + " must be one line.");
  std::string out(trim(value, " \t"));
  if (required && out.empty()) return refuse(field, "The " + field + " is empty.");
  return out;
}

Result<std::string> multi_line(const std::string& value, const std::string& field, bool required) {
  if (!is_valid_utf8(value)) return Error::make(ErrorKind::invalid_utf8, "The " + field + " is not valid UTF-8.", field);
  if (has_control_chars(value, true)) return refuse(field, "The " + field + " contains control characters.");
  std::string out(trim(normalize_newlines(value), " \t\n"));
  if (required && out.empty()) return refuse(field, "The " + field + " is empty.");
  return out;
}

// The supporter's input, checked and trimmed: what is sent is exactly this.
struct CleanInput {
  SupporterMail supporter;
  std::optional<std::string> subject, body;
  std::string note;
};

Result<CleanInput> clean(const domain::Campaign& c, const SupporterMail& s, const EmailInput& in) {
  CleanInput out;
  auto name = single_line(s.name, "name", true);
  if (!name) return name.error();
  auto email = single_line(s.email, "email", true);
  if (!email) return email.error();
  if (!is_valid_email(*email)) return refuse("email", "'" + *email + "' is not an email address.");
  out.supporter = {std::move(name).value(), std::move(email).value(), s.country};
  if (!c.has_language(in.lang)) return refuse("lang", "The campaign has no language '" + in.lang + "'.");
  if (in.subject) {
    auto subject = single_line(*in.subject, "subject", true);
    if (!subject) return subject.error();
    out.subject = std::move(subject).value();
  }
  if (in.body) {
    auto body = multi_line(*in.body, "body", true);
    if (!body) return body.error();
    out.body = std::move(body).value();
  }
  auto note = multi_line(in.note, "note", false);
  if (!note) return note.error();
  out.note = std::move(note).value();
  return out;
}

// The text `key` as channel_view puts it into a message ("" when the campaign lacks it).
Result<std::string> part(const domain::Campaign& c, const std::string& lang, const std::string& key,
                         const render::Vars& vars) {
  if (c.text(lang, key) == nullptr) return std::string();
  auto r = render::compose(c, lang, key, vars);
  if (!r) return r.error();
  return std::string(trim_end(*r));
}

Error view_changed(const std::string& what) {
  return Error::make(ErrorKind::internal, "The message could not be composed.", {},
                     "the email view's message no longer " + what);
}

// The view's message body with the note after the greeting and the body replaced by an edit.
// The view joins greeting, body and sign-off with blank lines; the greeting and sign-off are
// composed again here only to find where they end and start.
Result<std::string> personalize(const std::string& view_body, const std::string& greeting,
                                const std::string& signoff, const CleanInput& in) {
  std::string_view rest = view_body;
  if (!greeting.empty()) {
    if (!rest.starts_with(greeting)) return view_changed("starts with the greeting");
    rest.remove_prefix(greeting.size());
    if (!rest.empty()) {
      if (!rest.starts_with("\n\n")) return view_changed("has a blank line after the greeting");
      rest.remove_prefix(2);
    }
  }
  if (!signoff.empty()) {
    if (!rest.ends_with(signoff)) return view_changed("ends with the sign-off");
    rest.remove_suffix(signoff.size());
    if (!rest.empty()) {
      if (!rest.ends_with("\n\n")) return view_changed("has a blank line before the sign-off");
      rest.remove_suffix(2);
    }
  }
  std::string out;
  for (std::string_view p : {std::string_view(greeting), std::string_view(in.note),
                             in.body ? std::string_view(*in.body) : rest, std::string_view(signoff)}) {
    if (p.empty()) continue;
    if (!out.empty()) out += "\n\n";
    out += p;
  }
  return out;
}

Result<Address> recipient(const domain::Campaign& c, const std::string& id) {
  const domain::Target* t = c.find_target(id);
  if (t == nullptr || !t->contact.email || t->contact.email->empty()) {
    return Error::make(ErrorKind::invalid_campaign, "The campaign has no email address for " + id + ".", {},
                       "email target without an address");
  }
  return Address{t->name.get(render::language_for(c, *t), c.default_language()), *t->contact.email};
}

Result<std::vector<Address>> recipients(const domain::Campaign& c, const json& ids, std::vector<std::string>& seen) {
  std::vector<Address> out;
  for (const auto& id : ids) {
    auto a = recipient(c, id.get<std::string>());
    if (!a) return a.error();
    out.push_back(std::move(a).value());
    seen.push_back(id.get<std::string>());
  }
  return out;
}

Result<OutgoingEmail> one_message(const domain::Campaign& c, const CleanInput& in, const json& m,
                                  const std::string& page_url, std::chrono::sys_seconds now) {
  const std::string lang = m.at("lang").get<std::string>();
  const auto& to_ids = m.at("to");
  if (to_ids.empty()) return view_changed("has a To target");
  OutgoingEmail out;
  out.target = to_ids.front().get<std::string>();
  const domain::Target* first = c.find_target(out.target);
  if (first == nullptr) return view_changed("names campaign targets");

  // The same variables channel_view gives the message: the first To target and the supporter.
  render::Vars vars = render::campaign_vars(c, lang, page_url);
  render::add_target_vars(vars, c, *first, lang);
  render::add_supporter_vars(vars, {in.supporter.name, in.supporter.country}, lang);
  auto greeting = part(c, lang, c.email.per_target ? "email.greeting" : "email.group_greeting", vars);
  if (!greeting) return greeting.error();
  auto signoff = part(c, lang, "email.signoff", vars);
  if (!signoff) return signoff.error();
  auto text = personalize(m.at("body").get<std::string>(), *greeting, *signoff, in);
  if (!text) return text.error();

  auto to = recipients(c, to_ids, out.targets);
  if (!to) return to.error();
  auto cc = recipients(c, m.at("cc"), out.targets);
  if (!cc) return cc.error();

  Email& e = out.email;
  e.from = {in.supporter.name, c.email.sender};
  e.reply_to = Address{in.supporter.name, in.supporter.email};
  e.to = std::move(to).value();
  e.cc = std::move(cc).value();
  e.subject = in.subject ? *in.subject : m.at("subject").get<std::string>();
  e.text = std::move(text).value();
  e.language = lang;
  e.message_id = new_message_id(domain_of(c.email.sender));
  e.date = now;
  if (auto ok = check_email(e); !ok) return ok.error();
  return out;
}

}  // namespace

Result<std::vector<OutgoingEmail>> compose_action_emails(const domain::Campaign& c, const SupporterMail& supporter,
                                                         const EmailInput& input, const std::string& page_url,
                                                         std::chrono::sys_seconds now) {
  if (!c.channel_enabled(domain::Channel::email)) {
    return Error::make(ErrorKind::not_found, "This campaign has no email action.", "channel");
  }
  if (!is_valid_email(c.email.sender)) {
    return Error::make(ErrorKind::invalid_campaign, "The campaign has no valid sending address.", {},
                       "email.sender: '" + c.email.sender + "'");
  }
  auto in = clean(c, supporter, input);
  if (!in) return in.error();

  render::ViewContext ctx{c, input.lang, page_url, {in->supporter.name, in->supporter.country}, false, {}, now};
  auto view = render::channel_view(ctx, domain::Channel::email);
  if (!view) return view.error();
  std::vector<OutgoingEmail> out;
  for (const auto& m : view->at("messages")) {
    auto one = one_message(c, *in, m, page_url, now);
    if (!one) return one.error();
    out.push_back(std::move(one).value());
  }
  if (out.empty()) {
    return Error::make(ErrorKind::invalid_campaign, "The campaign has no one to email.", {}, "no To target for email");
  }
  return out;
}

namespace {

std::string address_line(const std::vector<Address>& list) {
  std::string out;
  for (const auto& a : list) {
    if (!out.empty()) out += ", ";
    out += a.name.empty() ? a.email : a.name + " <" + a.email + ">";
  }
  return out;
}

Result<std::string> word(const i18n::Catalog& words, const std::string& key, const render::Vars& vars) {
  return render::render_text(words.get(key), vars);
}

}  // namespace

Result<Email> supporter_copy(const domain::Campaign& c, const SupporterMail& supporter, const i18n::Catalog& words,
                             const std::vector<OutgoingEmail>& sent, const std::string& page_url,
                             std::chrono::sys_seconds now) {
  if (sent.empty()) return Error::make(ErrorKind::internal, "Nothing was sent.", {}, "supporter_copy of no message");
  const std::string& lang = words.lang();
  std::string title = c.id;
  if (c.text(lang, "page.title") != nullptr) {
    auto t = render::compose(c, lang, "page.title", render::campaign_vars(c, lang, page_url));
    if (!t) return t.error();
    title = std::move(t).value();
  }

  auto subject = word(words, "mail.copy.subject", {{"campaign", title}, {"subject", sent.front().email.subject}});
  if (!subject) return subject.error();
  auto intro = word(words, "mail.copy.intro",
                    {{"name", supporter.name}, {"campaign", title}, {"count", std::to_string(sent.size())}});
  if (!intro) return intro.error();

  std::string text(trim_end(*intro));
  for (const auto& s : sent) {
    text += "\n\n----\n" + words.get("channel.email.to") + ": " + address_line(s.email.to);
    if (!s.email.cc.empty()) text += "\n" + words.get("channel.email.cc") + ": " + address_line(s.email.cc);
    text += "\n" + words.get("channel.email.subject") + ": " + s.email.subject + "\n\n" + s.email.text;
  }

  Email e;
  e.from = {title, c.email.sender};
  e.to = {{supporter.name, supporter.email}};
  e.subject = std::move(subject).value();
  e.text = std::move(text);
  e.language = lang;
  e.message_id = new_message_id(domain_of(c.email.sender));
  e.date = now;
  e.headers = {{"Auto-Submitted", "auto-generated"}};
  if (auto ok = check_email(e); !ok) return ok.error();
  return e;
}

}  // namespace twinning::mail
