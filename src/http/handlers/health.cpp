// GET /healthz: for load balancers and the newcomer check. Answers 200 when the store answers.
#include <nlohmann/json.hpp>

#include "http/handlers/handlers.hpp"

namespace twinning::http::handlers {

void add_health_routes(Router& router, app::App& app) {
  router.add("GET", "/healthz", [&app](Request&, Respond respond) {
    auto site = app.site();
    nlohmann::json body = {{"status", "ok"}, {"campaigns", site->ids().size()},
                           {"schema_version", app.store().schema_version()}};
    Response res = json_response(200, body.dump());
    res.set_header("Cache-Control", "no-store");
    respond(std::move(res));
  });
}

}  // namespace twinning::http::handlers
