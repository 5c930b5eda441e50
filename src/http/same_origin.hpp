#pragma once
// Cross-site form posts (CSRF) on the supporters' forms. Their pages are rendered once for
// everyone (ADR 0001), so they carry no per-visitor token; what a browser says about where a
// request comes from does the work instead: `Sec-Fetch-Site: cross-site`, or an `Origin` that is
// neither the request's own host nor the public URL's, is another site posting in the visitor's
// name. Requests without either header (programs, very old browsers) are not browsers being
// tricked and go on. Organizer forms carry real session tokens (ADR 0010).
#include <string>

#include "common/result.hpp"
#include "http/message.hpp"

namespace twinning::http {

// forbidden (naming the header) when `req` is a browser's cross-site post; `public_url` is the
// configured public base URL ("https://act.example.org"), may be empty.
Result<void> check_same_origin(const Request& req, const std::string& public_url);

}  // namespace twinning::http
