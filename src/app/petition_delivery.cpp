#include "app/petition_delivery.hpp"

#include "app/petition.hpp"
#include "delivery/bounce.hpp"
#include "render/address_block.hpp"
#include "render/compose.hpp"
#include "render/letter_pdf.hpp"
#include "render/text.hpp"

namespace twinning::app {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Result<PetitionTally> tally_petition(store::ApiStore& store, const std::string& campaign, std::size_t max_comments) {
  PetitionTally t;
  auto r = store.each_signature(campaign, [&](const store::SignatureRecord& s) {
    ++t.count;
    ++t.by_country[s.country.empty() ? "??" : s.country];
    if (!s.comment.empty()) {
      if (t.comments.size() < max_comments) {
        t.comments.emplace_back(s.country, s.comment);
      } else {
        ++t.comments_left_out;
      }
    }
    return true;
  });
  if (!r.ok()) return r.error();
  return t;
}

Result<std::vector<PetitionDelivery>> petition_deliveries(const domain::Campaign& campaign, const PetitionTally& tally,
                                                          const i18n::Catalogs& catalogs,
                                                          const domain::AddressFormatter& formatter,
                                                          const std::string& page_url, const MailSettings& mail,
                                                          std::chrono::sys_seconds now) {
  std::vector<PetitionDelivery> out;
  const std::string domain =
      mail.return_path_domain.empty() ? mail::domain_of(campaign.email.sender) : mail.return_path_domain;
  for (const auto& target : campaign.targets) {
    if (target.role != domain::Role::to || !target.contact.email) continue;
    // The target's language when the campaign speaks it, else the campaign's own.
    const std::string lang = campaign.has_language(target.language) ? target.language : campaign.default_language();
    const auto& words = catalogs.get(lang);
    render::Vars vars = render::campaign_vars(campaign, lang, page_url);
    vars["petition.goal"] = std::to_string(campaign.petition.goal);
    auto title = render::compose(campaign, lang, "petition.title", vars);
    if (!title.ok()) return title.error();
    auto text = render::compose(campaign, lang, "petition.text", vars);
    if (!text.ok()) return text.error();
    auto count = signed_count_text(words.get("petition.count"), lang, tally.count);
    if (!count.ok()) return count.error();

    std::string body = trimmed(text.value()) + "\n\n" + count.value() + ".\n\n" + words.get("petition.delivery.by_country");
    for (const auto& [country, n] : tally.by_country) {
      body += "\n" + (country == "??" ? std::string("?") : i18n::country_name(country, lang)) + ": " + std::to_string(n);
    }
    if (!tally.comments.empty()) {
      body += "\n\n" + words.get("petition.delivery.comments");
      for (const auto& [country, comment] : tally.comments) {
        body += "\n\n\u201c" + trimmed(comment) + "\u201d (" + i18n::country_name(country, lang) + ")";
      }
      if (tally.comments_left_out > 0) {
        body += "\n\n" + render::fill(words.get("petition.delivery.more_comments"),
                                      {{"count", std::to_string(tally.comments_left_out)}});
      }
    }

    render::Letter letter;
    letter.lang = lang;
    letter.recipient = target.name.get(lang, campaign.default_language());
    if (!target.contact.postal.empty()) {
      auto blocks = render::address_blocks(formatter, target.contact.postal);
      if (!blocks.ok()) return blocks.error();
      letter.address = std::move(blocks).value();
    } else {
      // Sent by email, so no envelope: the document is still addressed to them by name.
      letter.address.window.language = lang;
      letter.address.window.lines = {letter.recipient};
      letter.address.window.longest_line = letter.recipient.size();
    }
    letter.sender_lines = {campaign.email.sender};
    letter.date = std::chrono::floor<std::chrono::days>(now);
    letter.subject = title.value();
    letter.body = body;
    auto pdf = render::render_letters_pdf({letter}, render::PaperSize::a4);
    if (!pdf.ok()) return pdf.error();

    PetitionDelivery d;
    d.target = target.id;
    d.pdf = pdf.value();
    mail::Email& e = d.email;
    e.from = {title.value(), campaign.email.sender};
    e.to = {{target.name.get(lang, campaign.default_language()), *target.contact.email}};
    e.subject = title.value();
    e.text = render::fill(words.get("petition.delivery.mail"),
                          {{"title", title.value()}, {"count", count.value()}, {"url", page_url}});
    e.language = lang;
    e.message_id = mail::new_message_id(mail::domain_of(campaign.email.sender));
    e.date = now;
    e.attachments = {{"petition-" + campaign.id + ".pdf", "application/pdf", d.pdf}};
    auto raw = mail::to_rfc5322(e);
    if (!raw.ok()) return raw.error();
    d.message.kind = "email";
    d.message.target = target.id;
    d.message.recipient = *target.contact.email;
    d.message.pacing_key = *target.contact.email;
    d.message.message_id = e.message_id;
    auto path = delivery::verp_return_path(e.message_id, domain);
    if (!path.ok()) return path.error();
    d.message.envelope_from = std::move(path).value();
    d.message.payload = std::move(raw).value();
    out.push_back(std::move(d));
  }
  if (out.empty()) return Error::make(ErrorKind::not_found, "no To target of the campaign has an email address");
  return out;
}

}  // namespace twinning::app
