#include "mail/links.hpp"

#include <string_view>
#include <vector>

#include "common/utf8.hpp"
#include "render/text.hpp"

namespace twinning::mail {

namespace {

// Line breaks as the target expects them: RFC 6068 §5 asks for CRLF in a mailto: body; the web
// compose forms take a bare LF.
std::string with_line_ends(std::string_view text, std::string_view eol) {
  std::string out;
  for (char c : normalize_newlines(text)) {
    if (c == '\n') {
      out += eol;
    } else {
      out += c;
    }
  }
  return out;
}

// The addresses for a mailto: "to" (RFC 6068 §2: '@' stays as is, the rest of each addr-spec is
// percent-encoded) or for a query value (everything reserved encoded); comma-separated.
std::string address_list(const std::vector<Address>& list, bool keep_at) {
  std::string out;
  for (const auto& a : list) {
    if (!out.empty()) out += ',';
    const auto at = a.email.rfind('@');
    if (keep_at && at != std::string::npos) {
      out += render::url_encode(std::string_view(a.email).substr(0, at)) + "@" +
             render::url_encode(std::string_view(a.email).substr(at + 1));
    } else {
      out += render::url_encode(a.email);
    }
  }
  return out;
}

// `fields` with a value, joined with '&'; the first after `lead` ('?', or '&' after a fixed query).
std::string query(const std::vector<std::pair<std::string, std::string>>& fields, char lead = '?') {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (value.empty()) continue;
    out += out.empty() ? lead : '&';
    out += name + "=" + value;
  }
  return out;
}

}  // namespace

ComposeLinks compose_links(const Email& e, std::size_t max_mailto) {
  ComposeLinks out;
  const std::string subject = render::url_encode(e.subject);
  const std::string cc = address_list(e.cc, false);
  const std::string mailto_base = "mailto:" + address_list(e.to, true);
  out.mailto = mailto_base + query({{"cc", cc}, {"subject", subject},
                                    {"body", render::url_encode(with_line_ends(e.text, "\r\n"))}});
  if (out.mailto.size() > max_mailto) {
    out.mailto = mailto_base + query({{"cc", cc}, {"subject", subject}});
    out.body_fits = false;
  }
  const std::string to = address_list(e.to, false);
  const std::string body = render::url_encode(with_line_ends(e.text, "\n"));
  out.gmail = "https://mail.google.com/mail/?view=cm&fs=1" +
              query({{"to", to}, {"cc", cc}, {"su", subject}, {"body", body}}, '&');
  out.outlook = "https://outlook.office.com/mail/deeplink/compose" +
                query({{"to", to}, {"cc", cc}, {"subject", subject}, {"body", body}});
  return out;
}

Result<ComposeLinks> own_mail_links(const render::ViewContext& ctx, std::size_t max_mailto) {
  auto view = render::channel_view(ctx, domain::Channel::email);
  if (!view) return view.error();
  if (!view->contains("draft")) {
    return Error::make(ErrorKind::invalid_campaign, "The campaign has no one to email.", {}, "email view without draft");
  }
  Email e;
  for (const auto& p : view->at("to")) e.to.push_back({p.at("name").get<std::string>(), p.at("email").get<std::string>()});
  for (const auto& p : view->at("cc")) e.cc.push_back({p.at("name").get<std::string>(), p.at("email").get<std::string>()});
  const auto& draft = view->at("draft");
  e.subject = draft.at("subject").get<std::string>();
  e.text = draft.at("own_mail").get<std::string>();
  return compose_links(e, max_mailto);
}

}  // namespace twinning::mail
