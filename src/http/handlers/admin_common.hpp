#pragma once
// Shared by the organizer handlers (admin.cpp, admin_dashboard.cpp): the pages and how they are
// answered. Other handler files use organizer_auth.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/app.hpp"
#include "http/handlers/organizer_auth.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace twinning::http::handlers::admin {

// templates/admin_<page>.mustache with `data` in the organizer layout, as a no-store HTML
// response with the organizer pages' security headers. A template failure is logged and answered 500.
Response page(app::App& app, const std::string& name, const nlohmann::json& data, unsigned status = 200);
// What the layout shows of the signed-in organizer (name, role, the sign-out form's CSRF token).
nlohmann::json user_json(const Organizer& who);
// The positive whole number in path parameter `name` ("/admin/review/{id}/..."), if it is one.
std::optional<std::int64_t> path_id(const Request& req, std::string_view name);
// A short plain page for refusals (401, 403, 415...), in the organizer layout, signed out.
Response refusal(app::App& app, unsigned status, const std::string& title, const std::string& text);

}  // namespace twinning::http::handlers::admin

namespace twinning::http::handlers {
// GET /admin (the campaigns) and GET /admin/{campaign} (its dashboard): admin_dashboard.cpp.
void add_admin_dashboard_routes(Router& router, app::App& app);
}  // namespace twinning::http::handlers
