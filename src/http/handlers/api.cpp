// The organizer API under /api/v1/ (docs/api.md): OSDI-shaped resources as application/hal+json,
// and the CSV exports. Every route needs an API key (`twinning apikey create`), checked against
// the store on each request so a revoked key stops at once. The JSON is made by app/osdi.hpp.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/api_key.hpp"
#include "app/csv_export.hpp"
#include "app/osdi.hpp"
#include "http/error_status.hpp"
#include "http/form.hpp"
#include "http/handlers/handlers.hpp"

namespace twinning::http::handlers {
namespace {

constexpr const char* kHalJson = "application/hal+json; charset=utf-8";

Response api_error(unsigned status, const std::string& kind, const std::string& message) {
  Response res = Response::text(status, nlohmann::json{{"error", kind}, {"message", message}}.dump(),
                                "application/json; charset=utf-8");
  res.set_header("Cache-Control", "no-store");
  return res;
}

Response api_error(const Error& e) { return api_error(http_status(e.kind), to_string(e.kind), e.message); }

Response hal(const nlohmann::json& body) {
  Response res = Response::text(200, body.dump(), kHalJson);
  // Personal data: no cache keeps a copy.
  res.set_header("Cache-Control", "no-store");
  return res;
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || id < 1) return std::nullopt;
  return id;
}

// The request's paging and filter, from its query string.
struct Listing {
  app::osdi::Paging paging;
  app::osdi::Filter filter;
  std::string filter_text;

  store::RecordQuery query() const {
    store::RecordQuery q;
    q.created = filter.created;
    q.modified = filter.modified;
    q.offset = paging.offset();
    q.limit = paging.per_page;
    return q;
  }
};

Result<Listing> listing(const app::App& app, const Request& req) {
  auto fields = parse_query(req.query, app.settings().limits);
  if (!fields.ok()) return fields.error();
  const auto& api = app.settings().api;
  auto paging = app::osdi::parse_paging(find_field(fields.value(), "page"), find_field(fields.value(), "per_page"),
                                        api.per_page, api.max_per_page);
  if (!paging.ok()) return paging.error();
  Listing l;
  l.paging = paging.value();
  l.filter_text = std::string(find_field(fields.value(), "filter").value_or(""));
  auto filter = app::osdi::parse_filter(l.filter_text);
  if (!filter.ok()) return filter.error();
  l.filter = filter.value();
  return l;
}

app::osdi::Bases bases(const app::Site& site) { return {site.base_url() + "/api/v1", site.base_url()}; }

// Wraps a handler of the API: a valid key first (401 otherwise, the same for a missing, unknown,
// malformed or revoked key), then the store's ApiStore.
using ApiHandler = std::function<Response(Request&, store::ApiStore&, const app::Site&)>;
Handler guarded(app::App& app, ApiHandler handler) {
  return [&app, handler = std::move(handler)](Request& req, Respond respond) {
    auto* api = store::api_store(app.store());
    if (api == nullptr) return respond(api_error(503, "unavailable", "this store has no organizer API"));
    const std::string key = app::key_from_headers(req.header("OSDI-API-Token"), req.header("Authorization"));
    Response denied = api_error(401, "unauthorized",
                                "send a valid API key in the OSDI-API-Token header or as Authorization: Bearer");
    denied.set_header("WWW-Authenticate", "Bearer realm=\"twinning\"");
    if (key.empty()) return respond(std::move(denied));
    auto id = app::authenticate(*api, key);
    if (!id.ok()) return respond(api_error(id.error()));
    if (!id.value()) return respond(std::move(denied));
    auto site = app.site();
    respond(handler(req, *api, *site));
  };
}

const app::CampaignEntry* campaign_of(const app::Site& site, const Request& req) {
  return site.find(std::string(req.param("campaign")));
}

bool has_petition(const domain::Campaign& c) { return c.channel_enabled(domain::Channel::petition); }

// Outreaches that count, through the outreach channels: an empty page of them carries the total.
Result<std::int64_t> total_outreaches(store::ApiStore& api, const domain::Campaign& c) {
  store::RecordQuery none;
  none.limit = 0;
  auto page = api.actions(c.id, app::osdi::outreach_channels(), none);
  if (!page.ok()) return page.error();
  return page.value().total;
}

Response not_found(const std::string& what) { return api_error(404, "not_found", what + " not found"); }

}  // namespace

void add_api_routes(Router& router, app::App& app) {
  router.add("GET", "/api/v1/", guarded(app, [](Request&, store::ApiStore&, const app::Site& site) {
               const auto b = bases(site);
               auto link = [&](const std::string& path) { return nlohmann::json{{"href", b.api + path}}; };
               return hal({{"motd", "twinning organizer API (OSDI-shaped)"},
                           {"vendor_name", app::osdi::kSystem},
                           {"product_name", app::osdi::kSystem},
                           {"osdi_version", "1.1"},
                           {"_links",
                            {{"self", link("/")},
                             {"osdi:advocacy_campaigns", link("/advocacy_campaigns")},
                             {"osdi:petitions", link("/petitions")},
                             {"osdi:people", link("/people")}}}});
             }));

  router.add("GET", "/api/v1/advocacy_campaigns",
             guarded(app, [&app](Request& req, store::ApiStore& api, const app::Site& site) {
               auto l = listing(app, req);
               if (!l.ok()) return api_error(l.error());
               const auto b = bases(site);
               std::vector<nlohmann::json> items;
               const auto& ids = site.ids();
               const std::size_t from = std::min(l.value().paging.offset(), ids.size());
               const std::size_t to = std::min(from + l.value().paging.per_page, ids.size());
               for (std::size_t i = from; i < to; ++i) {
                 const auto* entry = site.find(ids[i]);
                 const auto& c = entry->campaign;
                 auto total = total_outreaches(api, c);
                 if (!total.ok()) return api_error(total.error());
                 const auto lang = c.default_language();
                 const auto texts = app::osdi::campaign_texts(c, lang, b.site + "/" + c.id + "/" + lang + "/");
                 items.push_back(app::osdi::advocacy_campaign(c, texts, lang, total.value(), b));
               }
               return hal(app::osdi::collection("osdi:advocacy_campaigns", std::move(items),
                                                static_cast<std::int64_t>(ids.size()), l.value().paging,
                                                b.api + "/advocacy_campaigns", l.value().filter_text));
             }));

  router.add("GET", "/api/v1/advocacy_campaigns/{campaign}",
             guarded(app, [](Request& req, store::ApiStore& api, const app::Site& site) {
               const auto* entry = campaign_of(site, req);
               if (entry == nullptr) return not_found("advocacy campaign");
               const auto& c = entry->campaign;
               auto total = total_outreaches(api, c);
               if (!total.ok()) return api_error(total.error());
               const auto b = bases(site);
               const auto lang = c.default_language();
               const auto texts = app::osdi::campaign_texts(c, lang, b.site + "/" + c.id + "/" + lang + "/");
               return hal(app::osdi::advocacy_campaign(c, texts, lang, total.value(), b));
             }));

  router.add("GET", "/api/v1/advocacy_campaigns/{campaign}/outreaches",
             guarded(app, [&app](Request& req, store::ApiStore& api, const app::Site& site) {
               const auto* entry = campaign_of(site, req);
               if (entry == nullptr) return not_found("advocacy campaign");
               auto l = listing(app, req);
               if (!l.ok()) return api_error(l.error());
               const auto& c = entry->campaign;
               auto page = api.actions(c.id, app::osdi::outreach_channels(), l.value().query());
               if (!page.ok()) return api_error(page.error());
               const auto b = bases(site);
               std::vector<nlohmann::json> items;
               for (const auto& a : page.value().records) {
                 items.push_back(app::osdi::outreach(c, a, c.default_language(), b));
               }
               return hal(app::osdi::collection("osdi:outreaches", std::move(items), page.value().total,
                                                l.value().paging, b.api + "/advocacy_campaigns/" + c.id + "/outreaches",
                                                l.value().filter_text));
             }));

  router.add("GET", "/api/v1/advocacy_campaigns/{campaign}/outreaches/{id}",
             guarded(app, [](Request& req, store::ApiStore& api, const app::Site& site) {
               const auto* entry = campaign_of(site, req);
               const auto id = parse_id(req.param("id"));
               if (entry == nullptr || !id) return not_found("outreach");
               const auto& c = entry->campaign;
               auto a = api.action(c.id, *id);
               if (!a.ok()) return api_error(a.error());
               const auto& out = app::osdi::outreach_channels();
               if (!a.value() || std::find(out.begin(), out.end(), a.value()->channel) == out.end()) {
                 return not_found("outreach");
               }
               return hal(app::osdi::outreach(c, *a.value(), c.default_language(), bases(site)));
             }));

  router.add("GET", "/api/v1/petitions", guarded(app, [&app](Request& req, store::ApiStore&, const app::Site& site) {
               auto l = listing(app, req);
               if (!l.ok()) return api_error(l.error());
               std::vector<const domain::Campaign*> petitions;
               for (const auto& id : site.ids()) {
                 const auto& c = site.find(id)->campaign;
                 if (has_petition(c)) petitions.push_back(&c);
               }
               const auto b = bases(site);
               std::vector<nlohmann::json> items;
               const std::size_t from = std::min(l.value().paging.offset(), petitions.size());
               const std::size_t to = std::min(from + l.value().paging.per_page, petitions.size());
               for (std::size_t i = from; i < to; ++i) {
                 const auto& c = *petitions[i];
                 auto total = app.store().count_signatures(c.id);
                 if (!total.ok()) return api_error(total.error());
                 const auto lang = c.default_language();
                 const auto texts = app::osdi::campaign_texts(c, lang, b.site + "/" + c.id + "/" + lang + "/");
                 items.push_back(app::osdi::petition(c, texts, lang, total.value(), b));
               }
               return hal(app::osdi::collection("osdi:petitions", std::move(items),
                                                static_cast<std::int64_t>(petitions.size()), l.value().paging,
                                                b.api + "/petitions", l.value().filter_text));
             }));

  router.add("GET", "/api/v1/petitions/{campaign}",
             guarded(app, [&app](Request& req, store::ApiStore&, const app::Site& site) {
               const auto* entry = campaign_of(site, req);
               if (entry == nullptr || !has_petition(entry->campaign)) return not_found("petition");
               const auto& c = entry->campaign;
               auto total = app.store().count_signatures(c.id);
               if (!total.ok()) return api_error(total.error());
               const auto b = bases(site);
               const auto lang = c.default_language();
               const auto texts = app::osdi::campaign_texts(c, lang, b.site + "/" + c.id + "/" + lang + "/");
               return hal(app::osdi::petition(c, texts, lang, total.value(), b));
             }));

  router.add("GET", "/api/v1/petitions/{campaign}/signatures",
             guarded(app, [&app](Request& req, store::ApiStore& api, const app::Site& site) {
               const auto* entry = campaign_of(site, req);
               if (entry == nullptr || !has_petition(entry->campaign)) return not_found("petition");
               auto l = listing(app, req);
               if (!l.ok()) return api_error(l.error());
               const auto& c = entry->campaign;
               auto page = api.signatures(c.id, l.value().query());
               if (!page.ok()) return api_error(page.error());
               const auto b = bases(site);
               std::vector<nlohmann::json> items;
               for (const auto& s : page.value().records) items.push_back(app::osdi::signature(s, b));
               return hal(app::osdi::collection("osdi:signatures", std::move(items), page.value().total,
                                                l.value().paging, b.api + "/petitions/" + c.id + "/signatures",
                                                l.value().filter_text));
             }));

  router.add("GET", "/api/v1/petitions/{campaign}/signatures/{id}",
             guarded(app, [](Request& req, store::ApiStore& api, const app::Site& site) {
               const auto* entry = campaign_of(site, req);
               const auto id = parse_id(req.param("id"));
               if (entry == nullptr || !id) return not_found("signature");
               auto s = api.signature(entry->campaign.id, *id);
               if (!s.ok()) return api_error(s.error());
               if (!s.value()) return not_found("signature");
               return hal(app::osdi::signature(*s.value(), bases(site)));
             }));

  router.add("GET", "/api/v1/people", guarded(app, [&app](Request& req, store::ApiStore& api, const app::Site& site) {
               auto l = listing(app, req);
               if (!l.ok()) return api_error(l.error());
               auto page = api.people(l.value().query());
               if (!page.ok()) return api_error(page.error());
               const auto b = bases(site);
               std::vector<nlohmann::json> items;
               for (const auto& p : page.value().records) items.push_back(app::osdi::person(p, b));
               return hal(app::osdi::collection("osdi:people", std::move(items), page.value().total, l.value().paging,
                                                b.api + "/people", l.value().filter_text));
             }));

  router.add("GET", "/api/v1/people/{id}", guarded(app, [](Request& req, store::ApiStore& api, const app::Site& site) {
               const auto id = parse_id(req.param("id"));
               if (!id) return not_found("person");
               auto p = api.person(*id);
               if (!p.ok()) return api_error(p.error());
               if (!p.value()) return not_found("person");
               return hal(app::osdi::person(*p.value(), bases(site)));
             }));

  // GET /api/v1/exports/{campaign}/people.csv (actions.csv, signatures.csv); ?bom=1 adds a BOM.
  // The HTTP layer sends a body whole, so the rows are streamed from the store into one string:
  // the records are never all held, their text is (a large campaign: use `twinning export`).
  router.add("GET", "/api/v1/exports/{campaign}/{file}",
             guarded(app, [&app](Request& req, store::ApiStore& api, const app::Site& site) {
               const auto* entry = campaign_of(site, req);
               const std::string file(req.param("file"));
               constexpr std::string_view ext = ".csv";
               const bool csv_name = file.size() > ext.size() && file.ends_with(ext);
               const auto what = csv_name ? app::csv::parse_export(file.substr(0, file.size() - ext.size()))
                                          : std::nullopt;
               if (entry == nullptr || !what) return not_found("export");
               auto fields = parse_query(req.query, app.settings().limits);
               if (!fields.ok()) return api_error(fields.error());
               const auto bom = find_field(fields.value(), "bom").value_or("0");
               if (bom != "0" && bom != "1") return api_error(400, "bad_request", "bom is 0 or 1");
               std::string body;
               auto r = app::csv::write_export(api, *what, entry->campaign.id, bom == "1", [&](std::string_view s) {
                 body += s;
                 return true;
               });
               if (!r.ok()) return api_error(r.error());
               Response res = Response::text(200, std::move(body), "text/csv; charset=utf-8; header=present");
               res.set_header("Content-Disposition",
                              "attachment; filename=\"" + entry->campaign.id + "-" + file + "\"");
               res.set_header("Cache-Control", "no-store");
               return res;
             }));
}

}  // namespace twinning::http::handlers
