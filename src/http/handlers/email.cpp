// The email channel: POST /{campaign}/{lang}/email ("send it for me"), GET /confirm/{token}, and
// the demo outbox at /demo/outbox while mail stays on this machine.
#include <nlohmann/json.hpp>

#include "app/email_action.hpp"
#include "app/review.hpp"
#include "http/form.hpp"
#include "http/handlers/handlers.hpp"
#include "http/same_origin.hpp"
#include "mail/display.hpp"
#include "mail/links.hpp"
#include "render/text.hpp"

namespace twinning::http::handlers {

namespace {

Response page(app::App& app, unsigned status, const std::string& lang, const render::Notice& n) {
  return notice_response(*app.site(), lang, status, n);
}

// The ways "send it from my own mail" can be used, as counted (event kind own_mail.<via>).
bool is_own_mail_way(std::string_view via) {
  return via == "mailto" || via == "gmail" || via == "outlook" || via == "copy";
}

// The campaign's own-mail links in `lang`, or the error to answer.
Result<const mail::ComposeLinks*> own_mail_links(const app::Site& site, const Request& req) {
  const auto* entry = site.find(std::string(req.param("campaign")));
  const std::string lang(req.param("lang"));
  if (entry == nullptr || !entry->campaign.has_language(lang) || !is_own_mail_way(req.param("via"))) {
    return Error::make(ErrorKind::not_found, "no such campaign, language or way to send");
  }
  auto it = entry->own_mail_links.find(lang);
  if (it == entry->own_mail_links.end()) {
    return Error::make(ErrorKind::not_found, "this campaign has no email to send from your own mail");
  }
  return &it->second;
}

void count_own_mail(app::App& app, const Request& req) {
  // Not waited for: the supporter's mail program must not wait on our disk. A count refused
  // (store busy or closing) is logged by nobody on purpose: it is a count, not an action.
  app.store().record_event({std::string(req.param("campaign")), "email", "", "own_mail." + std::string(req.param("via")),
                            std::string(req.param("lang")), "", app.now()});
}

}  // namespace

void add_email_routes(Router& router, app::App& app) {
  // "Send it from my own mail": Gmail and Outlook links come here, are counted and sent on
  // (303, so the browser GETs the compose page). mailto: links are counted by app.js's beacon
  // (POST below); a GET for mailto redirects too, for a browser that follows it.
  router.add("GET", "/{campaign}/{lang}/email/open/{via}", [&app](Request& req, Respond respond) {
    auto site = app.site();
    auto links = own_mail_links(*site, req);
    if (!links.ok() || req.param("via") == "copy") {
      return respond(render_error(app, &req, links.ok() ? Error::make(ErrorKind::not_found, "nothing to open") : links.error()));
    }
    count_own_mail(app, req);
    const mail::ComposeLinks& l = *links.value();
    const std::string_view via = req.param("via");
    Response res = redirect(303, via == "gmail" ? l.gmail : via == "outlook" ? l.outlook : l.mailto);
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Robots-Tag", "noindex, nofollow");
    respond(std::move(res));
  });
  router.add("POST", "/{campaign}/{lang}/email/open/{via}", [&app](Request& req, Respond respond) {
    auto site = app.site();
    if (auto links = own_mail_links(*site, req); !links.ok()) return respond(render_error(app, &req, links.error()));
    // Another site's beacons would inflate the counts.
    if (auto same = check_same_origin(req, site->base_url()); !same.ok()) return respond(render_error(app, &req, same.error()));
    count_own_mail(app, req);
    Response res = Response::text(204, "");
    res.set_header("Cache-Control", "no-store");
    respond(std::move(res));
  });

  router.add("POST", "/{campaign}/{lang}/email", proof_of_work_first(app, [&app](Request& req, Respond respond) {
    auto site = app.site();
    const auto* entry = site->find(std::string(req.param("campaign")));
    const std::string lang(req.param("lang"));
    if (entry == nullptr || !entry->campaign.has_language(lang) ||
        !entry->campaign.channel_enabled(domain::Channel::email)) {
      return respond(render_error(app, &req, Error::make(ErrorKind::not_found, "no such campaign, language or channel")));
    }
    const auto now = app.now();
    if (!entry->campaign.open_at(now)) {
      return respond(render_error(app, &req, Error::make(ErrorKind::campaign_closed, "this campaign is not open for actions")));
    }
    auto fields = parse_action_body(app, req);
    if (!fields.ok()) return respond(render_error(app, &req, fields.error()));

    std::vector<app::FieldError> problems;
    // The draft the page showed in the email form: edits are measured against it.
    const auto [shown_subject, shown_body] = site->email_draft(entry->campaign.id, lang);
    auto input = app::parse_email_action(fields.value(), entry->campaign, shown_subject, shown_body, problems);
    if (!input.ok()) {
      if (problems.empty()) return respond(render_error(app, &req, input.error()));
      return answer_invalid(app, req, *entry, lang, "email", fields.value(), problems, respond);
    }
    const auto& t = site->catalogs().get(lang);
    auto prepared = app::prepare_email_action(input.value(), entry->campaign, lang, site->base_url(), t,
                                              app.settings().mail, now);
    if (!prepared.ok()) return respond(render_error(app, &req, prepared.error()));

    const bool json = wants_json(req);
    const std::string email = input.value().supporter.email;
    const auto hours = std::chrono::duration_cast<std::chrono::hours>(app.settings().mail.confirmation_ttl).count();
    prepared.value().action.written_part = app::written_part(input.value(), app.settings().review);
    finish_action(app, req, prepared.value().action);
    app.store().record_action(
        std::move(prepared.value().action),
        [&app, site, entry, json, lang, email, hours, respond = std::move(respond), fields = std::move(fields).value(),
         req_copy = without_body(req)](
            Result<store::Recorded> recorded) {
          if (!recorded.ok()) return respond(not_recorded(app, req_copy, *entry, lang, "email", fields, recorded.error()));
          const auto& r = recorded.value();
          app.wake_delivery();  // the confirmation mail is queued
          const auto& words = site->catalogs().get(lang);
          const render::Vars vars{{"email", email}, {"hours", std::to_string(hours)}};
          const bool joined = !r.confirmation_mailed && !r.duplicate;
          const std::string text = render::fill(words.get(joined ? "confirm.joined.text" : "confirm.pending.text"), vars);
          if (json) {
            return respond(json_response(r.duplicate ? 200 : 202,
                                         nlohmann::json{{"action_id", r.action_id},
                                                        {"duplicate", r.duplicate},
                                                        {"status", r.status},
                                                        {"confirmation_mailed", r.confirmation_mailed},
                                                        {"message", text}}
                                             .dump()));
          }
          render::Notice n;
          n.title = words.get("confirm.pending.title");
          n.paragraphs = {text};
          respond(page(app, 202, lang, n));
        });
  }));

  router.add("GET", "/confirm/{token}", [&app](Request& req, Respond respond) {
    const std::string token(req.param("token"));
    auto site = app.site();
    std::string lang = visitor_language(*site, req);
    if (token.size() < 16 || token.size() > 128) {
      const auto& t = site->catalogs().get(lang);
      return respond(page(app, 404, lang, {t.get("confirm.unknown.title"), {t.get("confirm.unknown.text")}, {}, "/", t.get("thanks.back")}));
    }
    auto result = app.store().confirm(app::token_hash(token), app.now());
    if (!result.ok()) return respond(render_error(app, &req, result.error()));
    const auto& r = result.value();
    if (!r.language.empty() && site->catalogs().has(r.language)) lang = r.language;
    const auto& t = site->catalogs().get(lang);
    render::Notice n;
    n.link_href = r.campaign.empty() ? "/" : render::campaign_path(r.campaign, lang);
    n.link_text = t.get("thanks.back");
    unsigned status = 200;
    switch (r.outcome) {
      case store::ConfirmResult::Outcome::confirmed:
        app.wake_delivery();
        n.title = t.get("confirm.done.title");
        n.paragraphs = {render::fill(t.get("confirm.done.text"), {{"count", std::to_string(r.messages)}})};
        break;
      case store::ConfirmResult::Outcome::already_confirmed:
        n.title = t.get("confirm.already.title");
        n.paragraphs = {t.get("confirm.already.text")};
        break;
      case store::ConfirmResult::Outcome::expired:
        status = 410;
        n.title = t.get("confirm.expired.title");
        n.paragraphs = {t.get("confirm.expired.text")};
        break;
      case store::ConfirmResult::Outcome::unknown:
        status = 404;
        n.title = t.get("confirm.unknown.title");
        n.paragraphs = {t.get("confirm.unknown.text")};
        break;
    }
    respond(page(app, status, lang, n));
  });

  // Only while mail stays on this machine: a newcomer completes the demo's confirmation here.
  if (app.settings().mail.transport_url == "spool") {
    router.add("GET", "/demo/outbox", [&app](Request& req, Respond respond) {
      auto site = app.site();
      const std::string lang = visitor_language(*site, req);
      auto rows = app.store().list_outbox({std::nullopt, 50});
      if (!rows.ok()) return respond(render_error(app, &req, rows.error()));
      std::vector<mail::Shown> shown;
      for (const auto& row : rows.value()) {
        // Other kinds (web-form jobs) hold no mail: their payload is not for this page.
        if (row.kind == "email") shown.push_back(mail::show(row.payload, row.recipient, row.state));
      }
      Response res = Response::text(200, site->pages().outbox(site->catalogs(), lang, shown), "text/html; charset=utf-8");
      res.set_header("Cache-Control", "no-store");
      res.set_header("Content-Language", lang);
      respond(std::move(res));
    });
  }
}

}  // namespace twinning::http::handlers
