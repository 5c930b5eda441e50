#pragma once
// Measures the head of a request (request line and header fields) in the bytes received so far,
// before Beast parses it. Beast has one limit for the whole head and reports a long request line
// as "header too large"; the product has two named limits with two statuses (414 and 431), and
// measuring here gives both an exact, documented meaning:
//   request line: the bytes before its CRLF (method SP target SP version);
//   header: the bytes after that CRLF up to and including the CRLF of the empty line that ends it
//           ("GET / HTTP/1.1\r\n\r\n" has a 2-byte header).
// Pure, so the edges are unit-tested without a socket.
#include <cstddef>
#include <string_view>

namespace twinning::http {

struct HeadScan {
  enum class Status {
    need_more,         // no verdict yet: read more bytes
    complete,          // size: bytes of the whole head, from the request line to the empty line
    line_too_long,     // -> 414
    header_too_large,  // -> 431
    malformed,         // a bare LF, or a method that is not a token: -> 400 at once rather than
                       // waiting for a CRLF that may never come
  };
  Status status = Status::need_more;
  std::size_t size = 0;
};

// `data` starts at the request line (leading empty lines already skipped: skip_empty_lines).
HeadScan scan_request_head(std::string_view data, std::size_t max_line_bytes, std::size_t max_header_bytes);

// Bytes of CRLFs before the request line, which RFC 9112 2.2 asks servers to ignore.
std::size_t leading_empty_lines(std::string_view data);

}  // namespace twinning::http
