// The organizer dashboard: GET /admin (the campaigns and their totals) and GET /admin/{campaign}
// (charts, confirmation, failures, flagged contacts). Everything comes from the counters and short
// lists (app/dashboard.hpp); this file only turns it into the templates' data.
#include <spdlog/spdlog.h>


#include "app/dashboard.hpp"
#include "http/handlers/admin_common.hpp"
#include "http/handlers/handlers.hpp"
#include "render/chart.hpp"
#include "store/time_text.hpp"

namespace twinning::http::handlers {
namespace {

std::string title_of(const app::CampaignEntry& entry) {
  const auto& c = entry.campaign;
  // The organizers' language is not known; the campaign's first language is its own choice.
  if (auto it = entry.titles.find(c.default_language()); it != entry.titles.end()) return it->second;
  return c.id;
}

nlohmann::json chart_json(const render::Chart& chart) {
  nlohmann::json series = nlohmann::json::array();
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    series.push_back({{"name", chart.series[i]}, {"colour", render::series_colour(i)}});
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : chart.rows) rows.push_back({{"label", r.label}, {"values", r.values}, {"total", r.total()}});
  return {{"id", chart.id},
          {"title", chart.title},
          {"label_heading", chart.label_heading},
          {"series", series},
          {"rows", rows},
          {"columns", chart.series.size() + 2},
          {"svg", render::svg_bar_chart(chart)}};
}

nlohmann::json dashboard_json(const app::Dashboard& d, const Organizer& who) {
  nlohmann::json charts = nlohmann::json::array();
  for (const auto& c : d.charts) charts.push_back(chart_json(c));
  nlohmann::json confirmation = nlohmann::json::array();
  for (const auto& r : d.confirmation) {
    const int percent = r.percent();
    confirmation.push_back({{"channel", r.channel},
                            {"asked", r.asked()},
                            {"confirmed", r.confirmed},
                            {"pending", r.pending},
                            {"expired", r.expired},
                            {"rate", percent < 0 ? std::string("not yet known") : std::to_string(percent) + " %"}});
  }
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& f : d.delivery_failures) {
    failures.push_back({{"id", f.outbox_id},
                        {"kind", f.kind},
                        {"target", f.target},
                        {"recipient", f.recipient},
                        {"error", f.error},
                        {"at", store::format_time(f.at)}});
  }
  nlohmann::json bounced = nlohmann::json::array();
  for (const auto& b : d.bounced_contacts) {
    bounced.push_back({{"address", b.address}, {"reason", b.reason}, {"at", store::format_time(b.flagged_at)}});
  }
  nlohmann::json wrong = nlohmann::json::array();
  for (const auto& t : d.wrong_numbers) {
    wrong.push_back({{"target", t.target}, {"count", t.count(domain::CallOutcome::wrong_number)}});
  }
  return {{"page_title", d.campaign_title},
          {"user", admin::user_json(who)},
          {"campaign", d.campaign_id},
          {"can_retry", who.user.role >= store::OrganizerRole::organizer},
          {"csrf", who.csrf_token},
          {"title", d.campaign_title},
          {"total", d.total_actions},
          {"charts", charts},
          {"confirmation", confirmation},
          {"failure_count", d.delivery_failure_count},
          {"failures_more", d.delivery_failure_count > static_cast<std::int64_t>(d.delivery_failures.size())},
          {"failures_shown", d.delivery_failures.size()},
          {"failures", failures},
          {"has_failures", !failures.empty()},
          {"bounced", bounced},
          {"has_bounced", !bounced.empty()},
          {"wrong_numbers", wrong},
          {"has_wrong_numbers", !wrong.empty()}};
}

Response store_failure(app::App& app, const Error& e) {
  spdlog::error("the organizer dashboard cannot read the store: {}", e.detail);
  return admin::refusal(app, e.kind == ErrorKind::unavailable ? 503 : 500, "Not available",
                        "The numbers cannot be read now; try again in a moment.");
}

void index(app::App& app, Request& req, const Respond& respond) {
  auto who = require_organizer(app, req, respond);
  if (!who) return;
  auto organizers = store::organizer_store(app.store());
  if (!organizers.ok()) return respond(store_failure(app, organizers.error()));
  auto site = app.site();
  nlohmann::json campaigns = nlohmann::json::array();
  for (const auto& id : site->ids()) {
    const auto* entry = site->find(id);
    if (entry == nullptr) continue;
    auto tally = organizers.value()->tally_actions(id, store::TallyBy::channel);
    if (!tally.ok()) return respond(store_failure(app, tally.error()));
    std::int64_t total = 0;
    for (const auto& t : tally.value()) total += t.n;
    campaigns.push_back({{"id", id}, {"title", title_of(*entry)}, {"total", total}});
  }
  respond(admin::page(app, "index",
                      {{"page_title", "Campaigns"},
                       {"user", admin::user_json(*who)},
                       {"campaigns", campaigns},
                       {"has_campaigns", !campaigns.empty()}}));
}

void campaign(app::App& app, Request& req, const Respond& respond) {
  auto who = require_organizer(app, req, respond);
  if (!who) return;
  auto site = app.site();
  const auto* entry = site->find(std::string(req.param("campaign")));
  if (entry == nullptr) return respond(admin::refusal(app, 404, "No such campaign", "No campaign has this id."));
  auto organizers = store::organizer_store(app.store());
  if (!organizers.ok()) return respond(store_failure(app, organizers.error()));
  auto d = app::load_dashboard(app.store(), *organizers.value(), entry->campaign, title_of(*entry), app.settings());
  if (!d.ok()) return respond(store_failure(app, d.error()));
  respond(admin::page(app, "campaign", dashboard_json(d.value(), *who)));
}

// An organizer sends a failed message again (a corrected address, a site that is back): the
// outbox's own rules apply (never an expired, unconfirmed one). Back to the dashboard afterwards.
void retry(app::App& app, Request& req, const Respond& respond) {
  auto who = require_organizer(app, req, respond, store::OrganizerRole::organizer);
  if (!who) return;
  const auto id = admin::path_id(req, "id");
  if (!id) {
    return respond(admin::refusal(app, 404, "No such message", "No outbox message has this number."));
  }
  if (auto r = app.store().outbox_requeue(*id, app.now()); !r.ok()) {
    if (r.error().kind == ErrorKind::not_found) {
      return respond(admin::refusal(app, 404, "No such message", "No outbox message has this number."));
    }
    if (r.error().kind == ErrorKind::conflict) return respond(admin::refusal(app, 409, "Not retried", r.error().message));
    return respond(store_failure(app, r.error()));
  }
  spdlog::info("organizer {} queued outbox message {} again", who->user.id, *id);
  app.wake_delivery();
  const std::string back = safe_next(std::string(find_field(who->form, "back").value_or("/admin")));
  respond(redirect(303, back));
}

}  // namespace

void add_admin_dashboard_routes(Router& router, app::App& app) {
  router.add("GET", "/admin", [&app](Request& req, Respond respond) { index(app, req, respond); });
  router.add("GET", "/admin/{campaign}", [&app](Request& req, Respond respond) { campaign(app, req, respond); });
  router.add("POST", "/admin/outbox/{id}/retry", [&app](Request& req, Respond respond) { retry(app, req, respond); });
}

}  // namespace twinning::http::handlers
