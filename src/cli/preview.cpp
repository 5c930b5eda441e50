// `twinning preview CAMPAIGN_DIR --channel ID --lang L --from CC [--supporter FILE] [--at TIME]`:
// prints, as JSON, exactly what a supporter from country CC is given on that channel. The shape
// is documented in docs/preview.md.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/site.hpp"
#include "app/webform_action.hpp"
#include "campaign/load.hpp"
#include "campaign/validators.hpp"
#include "cli/cli.hpp"
#include "common/utf8.hpp"
#include "mail/compose.hpp"
#include "mail/links.hpp"
#include "mail/message.hpp"
#include "i18n/catalog.hpp"
#include "render/call_view.hpp"
#include "render/channel_view.hpp"
#include "render/address_block.hpp"
#include "render/letter_compose.hpp"
#include "render/page.hpp"

namespace twinning::cli {

namespace {

// The supporter file: a small YAML (or JSON, which is YAML) map of name, email, country, phone.
Result<render::SupporterView> read_supporter(const std::string& file, const std::string& from, std::string& email) {
  render::SupporterView s;
  s.country = from;
  if (file.empty()) return s;
  try {
    YAML::Node root = YAML::LoadFile(file);
    if (!root.IsMap()) return Error::make(ErrorKind::bad_request, file + ": expected a map such as `name: Ana Lima`");
    for (const auto& kv : root) {
      const auto key = kv.first.as<std::string>();
      if (!kv.second.IsScalar()) {
        return Error::make(ErrorKind::bad_request, file + ":" + std::to_string(kv.second.Mark().line + 1) + ": '" + key +
                                                       "' must be a single value");
      }
      const auto value = kv.second.as<std::string>();
      if (!is_valid_utf8(value)) return Error::make(ErrorKind::invalid_utf8, file + ": '" + key + "' is not UTF-8");
      if (key == "name") {
        s.name = value;
      } else if (key == "country") {
        if (!campaign::is_country_code(value)) {
          return Error::make(ErrorKind::bad_request, file + ": country '" + value + "' is not an ISO 3166-1 code");
        }
        s.country = value;
      } else if (key == "email") {
        email = value;
      } else if (key != "phone") {
        return Error::make(ErrorKind::bad_request,
                           file + ":" + std::to_string(kv.first.Mark().line + 1) + ": unknown key '" + key +
                               "' (the supporter file takes name, email, country and phone)");
      }
    }
  } catch (const YAML::Exception& e) {
    return Error::make(ErrorKind::bad_request, file + ": " + e.what());
  }
  return s;
}

std::string rfc3339(std::chrono::sys_seconds t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{t - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

}  // namespace

int preview(const PreviewOptions& o, const Settings& settings, std::ostream& out, std::ostream& err) {
  auto loaded = campaign::load_campaign(o.campaign_dir);
  if (!loaded.ok()) {
    err << "twinning preview: " << o.campaign_dir << " does not pass check:\n";
    for (const auto& p : loaded.problems) err << "  " << campaign::format_problem(p) << "\n";
    return 1;
  }
  const auto& c = *loaded.campaign;
  auto channel = domain::parse_channel(o.channel);
  if (!channel) {
    err << "twinning preview: unknown channel '" << o.channel
        << "' (use email, webform, letter, call, post, share or petition)\n";
    return 2;
  }
  if (!c.channel_enabled(*channel)) {
    err << "twinning preview: the campaign does not enable the channel '" << o.channel << "'\n";
    return 2;
  }
  if (!c.has_language(o.lang)) {
    std::string langs;
    for (const auto& l : c.languages) langs += (langs.empty() ? "" : ", ") + l;
    err << "twinning preview: the campaign has no language '" << o.lang << "' (it has " << langs << ")\n";
    return 2;
  }
  if (!campaign::is_country_code(o.from)) {
    err << "twinning preview: --from '" << o.from << "' is not an ISO 3166-1 alpha-2 country code (e.g. DK, US, KR)\n";
    return 2;
  }
  auto at = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  if (!o.at.empty()) {
    auto parsed = campaign::parse_rfc3339(o.at);
    if (!parsed.ok()) {
      err << "twinning preview: --at: " << parsed.error().message << " (e.g. 2026-11-25T14:00:00+01:00)\n";
      return 2;
    }
    at = parsed.value();
  }
  std::string supporter_email;
  auto supporter = read_supporter(o.supporter_file, o.from, supporter_email);
  if (!supporter.ok()) {
    err << "twinning preview: --supporter " << supporter.error().message << "\n";
    return 2;
  }
  const std::string page_url = settings.base_url() + render::campaign_path(c.id, o.lang);
  render::ViewContext ctx{c, o.lang, page_url, supporter.value(), false, {}, at};
  auto view = render::channel_view(ctx, *channel);
  if (!view.ok()) {
    err << "twinning preview: " << view.error().message << "\n";
    return 1;
  }
  if (*channel == domain::Channel::call) {
    // The sentences the page shows beside the numbers ("It opens at 09:00 their time..."), in --lang.
    auto catalogs = i18n::Catalogs::load(app::resources_dir(settings) / "locales");
    if (!catalogs.ok()) {
      err << "twinning preview: " << catalogs.error().message << "\n";
      return 1;
    }
    render::add_call_sentences(view.value(), catalogs.value().get(o.lang));
  }
  if (*channel == domain::Channel::webform) {
    // What automated sending would fill in on each described form, field by field (null: left as
    // the site sets it), so organizers can check a definition before an operator allows the site.
    app::ActionInput who;
    who.name = supporter.value().name.empty() ? "Supporter" : supporter.value().name;
    who.email = supporter_email.empty() ? "supporter@example.org" : supporter_email;
    who.country = supporter.value().country;
    for (auto& t : view.value()["targets"]) {
      const auto* target = c.find_target(t["id"].get<std::string>());
      const auto* form = target != nullptr ? domain::webform_for(c, target->id) : nullptr;
      if (form == nullptr) continue;
      auto job = app::webform_job(c, *target, *form, who, o.lang, settings.base_url(), i18n::Catalog(), settings.mail);
      if (!job.ok()) {
        err << "twinning preview: " << job.error().message << "\n";
        return 1;
      }
      nlohmann::json post = nlohmann::json::array();
      for (const auto& f : job.value().fields) {
        post.push_back({{"name", f.name}, {"label", f.label}, {"value", f.value ? nlohmann::json(*f.value) : nullptr}});
      }
      t["post"] = post;
    }
  }
  if (*channel == domain::Channel::email) {
    // The exact messages as they would leave (RFC 5322), and the links for the supporter's own mail.
    const mail::SupporterMail who{supporter.value().name.empty() ? "Supporter" : supporter.value().name,
                                  supporter_email.empty() ? "supporter@example.org" : supporter_email,
                                  supporter.value().country};
    mail::EmailInput input;
    input.lang = o.lang;
    auto emails = mail::compose_action_emails(c, who, input, page_url, at);
    if (!emails.ok()) {
      err << "twinning preview: " << emails.error().message << "\n";
      return 1;
    }
    nlohmann::json raw = nlohmann::json::array();
    for (const auto& e : emails.value()) {
      auto text = mail::to_rfc5322(e.email);
      if (!text.ok()) {
        err << "twinning preview: " << text.error().message << "\n";
        return 1;
      }
      raw.push_back({{"target", e.target}, {"rfc5322", text.value()}});
    }
    view.value()["raw"] = raw;
    if (auto links = mail::own_mail_links(ctx); links.ok()) {
      view.value()["links"] = {{"mailto", links->mailto}, {"gmail", links->gmail}, {"outlook", links->outlook},
                               {"body_fits", links->body_fits}};
    }
  }
  if (!o.pdf.empty() && *channel != domain::Channel::letter) {
    err << "twinning preview: --pdf is for the letter channel\n";
    return 2;
  }
  if (!o.pdf.empty()) {
    // The PDF the supporter would download: a letter per recipient and the envelope page.
    auto formatter = render::address_formatter();
    if (!formatter.ok()) {
      err << "twinning preview: " << formatter.error().message << "\n";
      return 1;
    }
    const render::LetterSender sender{supporter.value().name.empty() ? "Supporter" : supporter.value().name,
                                      supporter.value().country, {}, ""};
    auto letters = render::compose_letters(c, *formatter.value(), sender,
                                           std::chrono::floor<std::chrono::days>(at), page_url);
    if (!letters.ok()) {
      err << "twinning preview: " << letters.error().message << "\n";
      return 1;
    }
    auto pdf = render::render_letters_pdf(letters.value(), render::paper_for(sender.country));
    if (!pdf.ok()) {
      err << "twinning preview: " << pdf.error().message << "\n";
      return 1;
    }
    std::ofstream file(o.pdf, std::ios::binary);
    file << pdf.value();
    file.close();
    if (!file) {
      err << "twinning preview: cannot write " << o.pdf << "\n";
      return 1;
    }
  }
  nlohmann::json doc = {{"campaign", c.id},
                        {"channel", o.channel},
                        {"lang", o.lang},
                        {"from", o.from},
                        {"at", rfc3339(at)},
                        {"open", c.open_at(at)},
                        {"page_url", page_url},
                        {"supporter", {{"name", supporter.value().name}, {"country", supporter.value().country}}},
                        {"view", view.value()}};
  out << doc.dump(2) << "\n";
  return 0;
}

}  // namespace twinning::cli
