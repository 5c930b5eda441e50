#include "render/letter_compose.hpp"

#include <map>

#include "i18n/catalog.hpp"
#include "render/compose.hpp"

namespace twinning::render {

std::string copies_label(const std::string& lang) {
  // The words a letter in that language puts before its list of copy recipients; "cc:" is
  // understood in most offices where none is known.
  static const std::map<std::string, std::string> kLabels = {
      {"da", "Kopi til:"}, {"de", "Kopie an:"}, {"en", "cc:"},         {"fr", "Copie à :"},
      {"ja", "写し送付先:"}, {"ko", "참조:"},      {"nb", "Kopi til:"}, {"sv", "Kopia till:"},
  };
  const auto it = kLabels.find(lang.substr(0, lang.find('-')));
  return it == kLabels.end() ? "cc:" : it->second;
}

namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string title_and_name(const domain::Campaign& c, const domain::Target& t, const std::string& lang) {
  const std::string title = t.title.get(lang, c.default_language());
  const std::string name = t.name.get(lang, c.default_language());
  if (title.empty() || title == name) return name;
  return title + " " + name;
}

}  // namespace

Result<std::vector<Letter>> compose_letters(const domain::Campaign& campaign,
                                            const domain::AddressFormatter& formatter, const LetterSender& sender,
                                            std::chrono::sys_days date, const std::string& page_url) {
  std::vector<const domain::Target*> recipients;
  for (const auto* t : campaign.targets_for(domain::Channel::letter)) {
    if (!t->contact.postal.empty()) recipients.push_back(t);
  }
  const PaperSize paper = paper_for(sender.country);
  std::vector<Letter> letters;
  for (const auto* t : recipients) {
    Letter l;
    l.lang = language_for(campaign, *t);
    l.recipient = title_and_name(campaign, *t, campaign.default_language());
    auto blocks = address_blocks(formatter, t->contact.postal, sender.country);
    if (!blocks.ok()) {
      Error e = blocks.error();
      e.message = l.recipient + ": " + e.message;
      return e;
    }
    l.address = std::move(blocks).value();
    if (auto fit = check_window_fit(l.address.window, paper, l.recipient); !fit.ok()) return fit.error();

    Vars vars = campaign_vars(campaign, l.lang, page_url);
    add_target_vars(vars, campaign, *t, l.lang);
    add_supporter_vars(vars, SupporterView{sender.name, sender.country}, l.lang);
    auto text = [&](const std::string& key) -> Result<std::string> {
      if (campaign.text(l.lang, key) == nullptr) return std::string{};
      auto r = compose(campaign, l.lang, key, vars);
      if (!r.ok()) return r.error();
      return trimmed(std::move(r).value());
    };
    for (auto [key, out] : {std::pair{"letter.subject", &l.subject}, std::pair{"letter.greeting", &l.greeting},
                            std::pair{"letter.body", &l.body}, std::pair{"letter.closing", &l.closing}}) {
      auto r = text(key);
      if (!r.ok()) return r.error();
      *out = std::move(r).value();
    }
    // The closing's first paragraph ("Yours sincerely,") goes above the signature space, the
    // rest (the name) under it.
    if (auto split = l.closing.find("\n\n"); split != std::string::npos) {
      l.signature = trimmed(l.closing.substr(split + 2));
      l.closing = trimmed(l.closing.substr(0, split));
    }
    l.sender_lines.push_back(sender.name);
    for (const auto& a : sender.address_lines) l.sender_lines.push_back(a);
    l.sender_lines.push_back(i18n::country_name(sender.country, l.lang));
    l.place = sender.place;
    l.date = date;
    for (const auto* other : recipients) {
      if (other != t) l.cc.push_back(title_and_name(campaign, *other, l.lang));
    }
    l.cc_label = copies_label(l.lang);
    letters.push_back(std::move(l));
  }
  if (letters.empty()) return Error::make(ErrorKind::not_found, "the campaign sends no letters");
  return letters;
}

}  // namespace twinning::render
