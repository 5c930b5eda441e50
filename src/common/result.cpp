#include "common/result.hpp"

namespace twinning {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::bad_request: return "bad_request";
    case ErrorKind::invalid_utf8: return "invalid_utf8";
    case ErrorKind::payload_too_large: return "payload_too_large";
    case ErrorKind::header_too_large: return "header_too_large";
    case ErrorKind::uri_too_long: return "uri_too_long";
    case ErrorKind::unsupported_media_type: return "unsupported_media_type";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::method_not_allowed: return "method_not_allowed";
    case ErrorKind::campaign_closed: return "campaign_closed";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::rate_limited: return "rate_limited";
    case ErrorKind::unauthorized: return "unauthorized";
    case ErrorKind::forbidden: return "forbidden";
    case ErrorKind::unavailable: return "unavailable";
    case ErrorKind::invalid_campaign: return "invalid_campaign";
    case ErrorKind::io: return "io";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

}  // namespace twinning
