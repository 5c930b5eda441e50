// The letter channel: POST /{campaign}/{lang}/letter. With the supporter's name and postal address
// it answers one PDF (a letter per recipient and a page of envelope addresses) to download, print
// and post; with print_for_me=yes the organization prints and posts them instead (`twinning
// letters`), once the supporter has opened the mailed confirmation link.
#include <nlohmann/json.hpp>

#include "app/letter_action.hpp"
#include "http/handlers/handlers.hpp"
#include "render/address_block.hpp"
#include "render/text.hpp"

namespace twinning::http::handlers {

namespace {

Response pdf_response(const std::string& campaign_id, std::string pdf) {
  Response res = Response::text(200, std::move(pdf), "application/pdf");
  res.set_header("Content-Disposition", "attachment; filename=\"letters-" + campaign_id + ".pdf\"");
  res.set_header("Cache-Control", "no-store");
  return res;
}

}  // namespace

void add_letter_routes(Router& router, app::App& app) {
  router.add("POST", "/{campaign}/{lang}/letter", proof_of_work_first(app, [&app](Request& req, Respond respond) {
    auto site = app.site();
    std::string lang;
    const auto* entry = open_campaign_for(app, *site, req, respond, lang, domain::Channel::letter);
    if (entry == nullptr) return;
    auto fields = parse_action_body(app, req);
    if (!fields.ok()) return respond(render_error(app, &req, fields.error()));
    std::vector<app::FieldError> problems;
    auto input = app::parse_letter_action(fields.value(), entry->campaign, problems);
    if (!input.ok()) {
      if (problems.empty()) return respond(render_error(app, &req, input.error()));
      return answer_invalid(app, req, *entry, lang, "letter", fields.value(), problems, respond);
    }
    const auto& words = site->catalogs().get(lang);
    auto prepared = app::prepare_letter_record(input.value(), entry->campaign, lang, site->base_url(), words,
                                               app.settings().mail, app.now());
    if (!prepared.ok()) return respond(render_error(app, &req, prepared.error()));

    // A download: the PDF is made before anything is recorded, so a letter that cannot be made
    // records no action (check catches such campaigns; this is the last guard).
    std::string pdf;
    if (!input.value().print_for_me) {
      auto formatter = render::address_formatter();
      if (!formatter.ok()) return respond(render_error(app, &req, formatter.error()));
      auto made = app::letter_pdf(input.value(), entry->campaign, *formatter.value(),
                                  site->base_url() + render::campaign_path(entry->campaign.id, lang), app.now());
      if (!made.ok()) return respond(render_error(app, &req, made.error()));
      pdf = std::move(made).value();
    }

    const bool json = wants_json(req);
    const bool print = input.value().print_for_me;
    const std::string email = input.value().action.email;
    const std::string campaign_id = entry->campaign.id;
    finish_action(app, req, prepared.value().action);
    app.store().record_action(
        std::move(prepared.value().action),
        // On the store's writer thread once the action is durable (see action.cpp).
        [&app, site, entry, json, print, lang, email, campaign_id, pdf = std::move(pdf), respond = std::move(respond),
         fields = std::move(fields).value(),
         req_copy = without_body(req)](Result<store::Recorded> recorded) mutable {
          if (!recorded.ok()) return respond(not_recorded(app, req_copy, *entry, lang, "letter", fields, recorded.error()));
          const auto& r = recorded.value();
          if (!print) return respond(pdf_response(campaign_id, std::move(pdf)));
          app.wake_delivery();  // the confirmation mail is queued
          const auto& w = site->catalogs().get(lang);
          const bool joined = !r.confirmation_mailed && !r.duplicate;
          const std::string text = render::fill(w.get(joined ? "confirm.joined.text" : "channel.letter.print.pending"),
                                                {{"email", email}});
          if (json) {
            return respond(json_response(r.duplicate ? 200 : 202, nlohmann::json{{"action_id", r.action_id},
                                                                                 {"duplicate", r.duplicate},
                                                                                 {"status", r.status},
                                                                                 {"confirmation_mailed", r.confirmation_mailed},
                                                                                 {"message", text}}
                                                                      .dump()));
          }
          render::Notice n;
          n.title = w.get("confirm.pending.title");
          n.paragraphs = {text};
          n.link_href = render::campaign_path(campaign_id, lang) + "#channel-letter";
          n.link_text = w.get("thanks.back");
          respond(notice_response(*site, lang, 202, n));
        });
  }));
}

}  // namespace twinning::http::handlers
