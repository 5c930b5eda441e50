#include "http/error_status.hpp"

namespace twinning::http {

unsigned http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::bad_request: return 400;
    case ErrorKind::invalid_utf8: return 400;
    case ErrorKind::payload_too_large: return 413;
    case ErrorKind::header_too_large: return 431;
    case ErrorKind::uri_too_long: return 414;
    case ErrorKind::unsupported_media_type: return 415;
    case ErrorKind::not_found: return 404;
    case ErrorKind::method_not_allowed: return 405;
    // 403, not 410: a campaign that has not started yet will open, and 410 is cacheable by
    // default (RFC 9111 4.2.2), so a cache could keep answering "gone" after it opens.
    // docs/decisions/0003-http-server.md.
    case ErrorKind::campaign_closed: return 403;
    case ErrorKind::conflict: return 409;
    case ErrorKind::rate_limited: return 429;
    case ErrorKind::unauthorized: return 401;
    case ErrorKind::forbidden: return 403;
    case ErrorKind::unavailable: return 503;
    case ErrorKind::invalid_campaign: return 500;
    case ErrorKind::io: return 500;
    case ErrorKind::internal: return 500;
  }
  return 500;  // not reached: the switch covers every kind, and -Werror=switch keeps it so
}

}  // namespace twinning::http
