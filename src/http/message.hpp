#pragma once
// HTTP request and response as plain values, free of Beast, so handlers compile fast and can be
// tested without a socket. src/http/server.cpp converts to and from Beast's types.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace twinning::http {

struct Request {
  std::string method;  // GET, POST, ...
  std::string target;  // as sent: path and query
  std::string path;    // percent-decoded path, without the query
  std::string query;   // raw query string, without '?'
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string client_ip;  // the peer, or X-Forwarded-For's when the peer is a trusted proxy
  std::vector<std::pair<std::string, std::string>> params;  // path parameters from the route

  // The first header of that name (case-insensitive), if any.
  std::optional<std::string_view> header(std::string_view name) const;
  // A path parameter by name ("campaign", "lang"); empty when absent.
  std::string_view param(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  // Shared and immutable, so a pre-rendered page is sent to every client without a copy.
  std::shared_ptr<const std::string> body;

  void set_header(std::string name, std::string value);
  static Response text(unsigned status, std::string body, std::string content_type = "text/plain; charset=utf-8");
};

// Handlers answer through `respond`, exactly once, from any thread; the server resumes the
// connection on its own executor. Most answer at once; the action POST answers when the store
// has committed.
using Respond = std::function<void(Response)>;
using Handler = std::function<void(Request&, Respond)>;

}  // namespace twinning::http
