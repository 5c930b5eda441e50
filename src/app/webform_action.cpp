#include "app/webform_action.hpp"

#include "app/email_action.hpp"
#include "mail/message.hpp"
#include "render/compose.hpp"
#include "render/text.hpp"
#include "render/webform_guide.hpp"

namespace twinning::app {

namespace {

std::string trim_end(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) s.pop_back();
  return s;
}

}  // namespace

Result<ActionInput> parse_webform_action(const Fields& fields, const domain::Campaign& campaign,
                                         const std::string& target, std::vector<FieldError>& problems) {
  Fields with_channel;
  for (const auto& [name, value] : fields) {
    if (name == "channel" || name == "target") {
      return Error::make(ErrorKind::bad_request,
                         "this form records the web-form channel for the target in its address: leave out '" + name +
                             "'",
                         name);
    }
    with_channel.emplace_back(name, value);
  }
  with_channel.emplace_back("channel", "webform");
  with_channel.emplace_back("target", target);
  return parse_action(with_channel, campaign, problems);
}

Result<delivery::webform::WebformJob> webform_job(const domain::Campaign& campaign, const domain::Target& target,
                                                  const domain::WebformDefinition& form, const ActionInput& supporter,
                                                  const std::string& lang, const std::string& base_url,
                                                  const i18n::Catalog& words, const MailSettings& mail) {
  using domain::FieldSource;
  namespace wf = delivery::webform;
  const std::string page_url = base_url + "/" + campaign.id + "/" + lang + "/";
  const std::string site_lang = render::language_for(campaign, target);
  render::Vars vars = render::campaign_vars(campaign, site_lang, page_url);
  render::add_target_vars(vars, campaign, target, site_lang);
  render::add_supporter_vars(vars, {supporter.name, supporter.country}, site_lang);
  auto compose = [&](const std::string& key) -> Result<std::string> {
    if (campaign.text(site_lang, key) == nullptr) return std::string();
    auto r = render::compose(campaign, site_lang, key, vars);
    if (!r.ok()) return r.error();
    return trim_end(std::move(r).value());
  };
  auto subject = compose("webform.subject");
  if (!subject) return subject.error();
  auto body = compose("webform.body");
  if (!body) return body.error();

  wf::WebformJob job;
  job.campaign = campaign.id;
  job.target = target.id;
  job.definition = form.id;
  job.url = target.contact.web_form.value_or("");
  job.charset = form.charset;
  job.form_id = form.form_id;
  job.form_name = form.form_name;
  job.form_action = form.form_action;
  job.submit_name = form.submit_name;
  job.submit_value = form.submit_value;
  for (const auto& f : form.fields) {
    wf::JobField jf;
    jf.name = f.name;
    jf.label = f.label;
    jf.required = f.required;
    jf.max_chars = f.max_chars;
    jf.format = f.format;
    switch (f.source) {
      case FieldSource::supporter_name: jf.value = supporter.name; break;
      case FieldSource::supporter_email: jf.value = supporter.email; break;
      case FieldSource::supporter_phone: jf.value = supporter.phone.empty() ? f.text : supporter.phone; break;
      case FieldSource::placeholder:
      case FieldSource::fixed: jf.value = f.text; break;
      case FieldSource::subject: jf.value = subject.value(); break;
      case FieldSource::body: jf.value = body.value(); break;
      case FieldSource::site: break;
    }
    job.fields.push_back(std::move(jf));
  }
  for (const auto& s : form.success) job.success.push_back(s.text);
  for (const auto& e : form.errors) job.errors.push_back(e.text);
  job.captcha_markers = form.captcha_markers;

  // The notice is written now, in the supporter's language, so the worker needs no campaign.
  std::string campaign_title = campaign.id;
  if (const auto* t = campaign.text(lang, "page.title")) {
    campaign_title = render::fill(*t, render::campaign_vars(campaign, lang, page_url));
  }
  const std::string target_name = target.name.get(lang, campaign.default_language());
  wf::Notice& n = job.notice;
  n.lang = lang;
  n.from_name = campaign_title;
  n.from_email = campaign.email.sender;
  n.to_name = supporter.name;
  n.to_email = supporter.email;
  n.return_path_domain = mail.return_path_domain;
  n.subject = render::fill(words.get("webform.notice.subject"), {{"target", target_name}});
  for (auto reason : wf::all_stop_reasons()) {
    const std::string id(wf::stop_reason_id(reason));
    n.texts[id] = render::fill(words.get("webform.notice.body"),
                               {{"name", supporter.name},
                                {"campaign", campaign_title},
                                {"target", target_name},
                                {"reason", words.get("webform.reason." + id)},
                                {"link", page_url + "#channel-webform"}});
  }
  return job;
}

Result<PreparedWebformAction> prepare_webform_action(const ActionInput& in, const domain::Campaign& campaign,
                                                     const std::string& lang, const std::string& base_url,
                                                     const i18n::Catalog& words, const Settings& settings,
                                                     std::chrono::sys_seconds now) {
  const auto targets = render::webform_automated_targets(campaign, settings.webform.automated_hosts);
  if (targets.empty()) {
    return Error::make(ErrorKind::not_found, "no web form of this campaign may be filled in automatically here");
  }
  if (campaign.email.sender.empty()) {
    return Error::make(ErrorKind::bad_request,
                       "this campaign has no sender address (email.sender), which the confirmation mail needs");
  }
  PreparedWebformAction out;
  out.action = to_record(in, campaign, lang, now, "fill the forms in for me");
  for (const auto* t : targets) {
    auto job = webform_job(campaign, *t, *domain::webform_for(campaign, t->id), in, lang, base_url, words,
                           settings.mail);
    if (!job) return job.error();
    store::OutboxMessage m;
    m.kind = "webform";
    m.target = t->id;
    m.recipient = job->url;
    m.pacing_key = job->url;  // the outbox's hourly allowance per target's form
    m.message_id = mail::new_message_id(domain::url_host(job->url));
    m.payload = delivery::webform::to_payload(job.value());
    out.action.messages.push_back(std::move(m));
  }
  out.forms = out.action.messages.size();
  auto confirmation = confirmation_for(in, campaign, lang, base_url, words, settings.mail, now);
  if (!confirmation) return confirmation.error();
  out.token = std::move(confirmation.value().token);
  out.action.confirmation = std::move(confirmation.value().request);
  return out;
}

}  // namespace twinning::app
