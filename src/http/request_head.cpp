#include "http/request_head.hpp"

namespace twinning::http {

namespace {

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// The method is a token followed by SP (RFC 9112 3). Checking it as bytes arrive refuses a TLS
// handshake or other non-HTTP bytes at once instead of after read_timeout.
bool bad_method(std::string_view data) {
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i] == ' ') return i == 0;
    if (!is_token_char(data[i])) return true;
  }
  return false;
}

bool has_bare_lf(std::string_view data) {
  for (std::size_t i = data.find('\n'); i != std::string_view::npos; i = data.find('\n', i + 1)) {
    if (i == 0 || data[i - 1] != '\r') return true;
  }
  return false;
}

}  // namespace

HeadScan scan_request_head(std::string_view data, std::size_t max_line_bytes, std::size_t max_header_bytes) {
  using Status = HeadScan::Status;
  if (bad_method(data)) return {Status::malformed, 0};
  const std::size_t lf = data.find('\n');
  if (lf == std::string_view::npos) {
    // A line of max_line_bytes still fits with its CR in max_line_bytes + 1 bytes.
    if (data.size() > max_line_bytes + 1) return {Status::line_too_long, 0};
    return {Status::need_more, 0};
  }
  if (lf == 0 || data[lf - 1] != '\r') return {Status::malformed, 0};
  if (lf - 1 > max_line_bytes) return {Status::line_too_long, 0};

  const std::size_t header_start = lf + 1;
  // Searching from the request line's CR finds the end of a head without header fields too.
  const std::size_t end = data.find("\r\n\r\n", lf - 1);
  const std::size_t scanned_to = end == std::string_view::npos ? data.size() : end + 4;
  if (has_bare_lf(data.substr(header_start, scanned_to - header_start))) return {Status::malformed, 0};
  if (end == std::string_view::npos) {
    // Without its end in sight the header is at least one byte longer than what has arrived.
    if (data.size() - header_start >= max_header_bytes) return {Status::header_too_large, 0};
    return {Status::need_more, 0};
  }
  if (end + 4 - header_start > max_header_bytes) return {Status::header_too_large, 0};
  return {Status::complete, end + 4};
}

std::size_t leading_empty_lines(std::string_view data) {
  std::size_t n = 0;
  while (data.size() >= n + 2 && data[n] == '\r' && data[n + 1] == '\n') n += 2;
  return n;
}

}  // namespace twinning::http
