#pragma once
// Maps (method, decoded path) to a handler. Pure: no sockets, no Beast, so it is unit-tested
// directly and the server only asks it.
//
// Patterns are '/'-separated segments, each a literal ("healthz") or a parameter ("{campaign}"):
//   "/", "/healthz", "/static/{file}", "/{campaign}", "/{campaign}/{lang}/", "/{campaign}/{lang}/action"
// A trailing slash is part of the pattern. A parameter matches one whole, non-empty segment.
// When several patterns match a path, the one with a literal at the first segment where they
// differ wins ("/static/{file}" beats "/{campaign}/{lang}" for "/static/x").
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"

namespace twinning::http {

struct RouteMatch {
  enum class Outcome {
    found,               // handler and params are set
    redirect,            // location: the same path with the trailing slash added or removed
    method_not_allowed,  // allow: the methods the path accepts, e.g. "GET, HEAD, POST"
    not_found,
  };
  Outcome outcome = Outcome::not_found;
  const Handler* handler = nullptr;
  std::vector<std::pair<std::string, std::string>> params;  // name -> decoded segment
  std::string location;                                     // decoded path; encode before sending
  std::string allow;
};

class Router {
 public:
  // Adds a route. A GET route also answers HEAD (the server drops the body) unless HEAD has its
  // own route. Wiring mistakes (malformed pattern, a method added twice for the same pattern, two
  // patterns of the same shape with different parameter names) throw std::invalid_argument: they
  // are bugs found at startup, not input. Add every route before Server::run() is called.
  void add(std::string method, std::string pattern, Handler handler);

  // `path` is the percent-decoded path (percent_decode_path). A path with an empty segment
  // ("//x", "/a//b") matches nothing, so no redirect can point at another host.
  RouteMatch match(std::string_view method, std::string_view path) const;

 private:
  struct Segment {
    bool is_param = false;
    std::string text;  // the literal, or the parameter's name
  };
  struct Resource {
    std::vector<Segment> segments;
    bool trailing_slash = false;
    std::map<std::string, Handler, std::less<>> handlers;  // by method
  };

  const Resource* find(const std::vector<std::string_view>& segments, bool trailing_slash) const;
  static const Handler* handler_for(const Resource& r, std::string_view method);

  std::vector<Resource> resources_;
};

}  // namespace twinning::http
