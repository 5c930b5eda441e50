#pragma once
// The routes of twinning and their handlers. Each handler turns a request into a call and the
// result into a response; the rules live in src/app and src/domain.
#include "app/action.hpp"
#include "app/app.hpp"
#include "common/result.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace twinning::http::handlers {

// Adds every route to `router`.
void add_routes(Router& router, app::App& app);

// The error response for a request, as a page in the visitor's language or as JSON when the
// client asked for JSON. `req` is null when the request could not be parsed at all.
Response render_error(app::App& app, const Request* req, const Error& error);

// --- shared by the handler files ---
// The language of the visitor for pages that are not tied to a campaign language.
std::string visitor_language(const app::Site& site, const Request& req);
// Sends a pre-rendered asset: 304 when the ETag matches, gzip when the client accepts it.
Response asset_response(const Request& req, const app::Asset& asset, const char* cache_control);
bool wants_json(const Request& req);
Response json_response(unsigned status, const std::string& body);
Response redirect(unsigned status, const std::string& location);

// "We have recorded your action for <campaign title>." in `lang`.
std::string recorded_text(const app::CampaignEntry& entry, const std::string& lang, const i18n::Catalog& t);

// A notice page (render::Notice) in `lang` with `status`, never cached: the answers to forms.
Response notice_response(const app::Site& site, const std::string& lang, unsigned status, const render::Notice& n);

// The request without its body: what an answer given later (on the store's thread) may still read.
Request without_body(const Request& req);

// The campaign and language of the path of an action on `channel`: when the campaign does not
// exist, lacks the language or the channel, or is not open for actions, answers `respond` and
// returns null.
const app::CampaignEntry* open_campaign_for(app::App& app, const app::Site& site, const Request& req,
                                            const Respond& respond, std::string& lang, domain::Channel channel);

// The fields of a form POST, form-encoded or JSON (415 for anything else); 403 for a browser's
// cross-site post (http/same_origin.hpp).
Result<std::vector<std::pair<std::string, std::string>>> parse_action_body(app::App& app, const Request& req);

// Answers a form whose fields have problems: JSON listing them, or the campaign page again with
// the values kept and each error beside its field (`form` is "action" or "email").
void answer_invalid(app::App& app, const Request& req, const app::CampaignEntry& entry, const std::string& lang,
                    const std::string& form, const std::vector<std::pair<std::string, std::string>>& fields,
                    const std::vector<app::FieldError>& problems, const Respond& respond);

// Wraps a form's handler: a request with a valid proof of work (app/proof_of_work.hpp) goes
// straight on, one without waits out the fallback delay first (no JavaScript is not an error).
Handler proof_of_work_first(app::App& app, Handler handler);

// Adds what every action carries to one about to be recorded: the supporters' rate limits
// (app/rate_limit.hpp) and the webhook messages (app/webhooks.hpp).
void finish_action(app::App& app, const Request& req, store::NewAction& action);

// The answer to a form whose action the store did not record. A rate limit gets the campaign page
// again with the values kept and the limit explained in the visitor's language (429 and
// Retry-After; JSON for fetch), never a dead end; any other error is render_error's.
Response not_recorded(app::App& app, const Request& req, const app::CampaignEntry& entry, const std::string& lang,
                      const std::string& form, const std::vector<std::pair<std::string, std::string>>& fields,
                      const Error& error);

// The campaign page with its call block rendered for the caller the query names (from, zone, tz),
// or the pre-rendered `page` as it is when the query names none.
void answer_page_for_caller(app::App& app, const Request& req, const app::CampaignEntry& entry, const std::string& lang,
                            const app::Asset& page, bool closed, const Respond& respond);

void add_page_routes(Router& router, app::App& app);
void add_action_routes(Router& router, app::App& app);
void add_health_routes(Router& router, app::App& app);
void add_email_routes(Router& router, app::App& app);
void add_share_routes(Router& router, app::App& app);
void add_webform_routes(Router& router, app::App& app);
void add_call_routes(Router& router, app::App& app);
void add_petition_routes(Router& router, app::App& app);
void add_api_routes(Router& router, app::App& app);
void add_letter_routes(Router& router, app::App& app);
void add_progress_routes(Router& router, app::App& app);
// The review queue's organizer pages (admin_review.cpp).
void add_admin_review_routes(Router& router, app::App& app);

}  // namespace twinning::http::handlers
