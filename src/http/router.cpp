#include "http/router.hpp"

#include <optional>
#include <set>
#include <stdexcept>

namespace twinning::http {

namespace {

struct SplitPath {
  std::vector<std::string_view> segments;
  bool trailing_slash = false;
};

// nullopt for a path that does not start with '/' or has an empty segment.
std::optional<SplitPath> split_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  SplitPath out;
  if (path == "/") {
    out.trailing_slash = true;
    return out;
  }
  std::string_view rest = path.substr(1);
  if (rest.back() == '/') {
    out.trailing_slash = true;
    rest.remove_suffix(1);
  }
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t slash = rest.find('/', start);
    if (slash == std::string_view::npos) slash = rest.size();
    if (slash == start) return std::nullopt;  // "//" or a trailing "//"
    out.segments.push_back(rest.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

std::string join_allow(const std::set<std::string>& methods) {
  std::string out;
  for (const auto& m : methods) out += (out.empty() ? "" : ", ") + m;
  return out;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  if (method.empty() || !handler) throw std::invalid_argument("route needs a method and a handler: " + pattern);
  auto split = split_path(pattern);
  if (!split) throw std::invalid_argument("route pattern must start with '/' and have no empty segment: " + pattern);

  Resource shape;
  shape.trailing_slash = split->trailing_slash;
  std::set<std::string> param_names;
  for (auto seg : split->segments) {
    Segment s;
    if (seg.front() == '{') {
      if (seg.size() < 3 || seg.back() != '}') throw std::invalid_argument("malformed parameter in " + pattern);
      s.is_param = true;
      s.text = std::string(seg.substr(1, seg.size() - 2));
      if (s.text.find_first_of("{}") != std::string::npos || !param_names.insert(s.text).second) {
        throw std::invalid_argument("malformed or repeated parameter in " + pattern);
      }
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos) {
        throw std::invalid_argument("a literal segment cannot contain braces: " + pattern);
      }
      s.text = std::string(seg);
    }
    shape.segments.push_back(std::move(s));
  }

  for (auto& r : resources_) {
    if (r.trailing_slash != shape.trailing_slash || r.segments.size() != shape.segments.size()) continue;
    bool same_shape = true;
    bool same_names = true;
    for (std::size_t i = 0; i < r.segments.size(); ++i) {
      const Segment& a = r.segments[i];
      const Segment& b = shape.segments[i];
      if (a.is_param != b.is_param || (!a.is_param && a.text != b.text)) {
        same_shape = false;
        break;
      }
      if (a.is_param && a.text != b.text) same_names = false;
    }
    if (!same_shape) continue;
    if (!same_names) throw std::invalid_argument("same route shape with other parameter names: " + pattern);
    if (!r.handlers.emplace(method, std::move(handler)).second) {
      throw std::invalid_argument("route added twice: " + method + " " + pattern);
    }
    return;
  }
  shape.handlers.emplace(std::move(method), std::move(handler));
  resources_.push_back(std::move(shape));
}

const Router::Resource* Router::find(const std::vector<std::string_view>& segments, bool trailing_slash) const {
  const Resource* best = nullptr;
  for (const auto& r : resources_) {
    if (r.trailing_slash != trailing_slash || r.segments.size() != segments.size()) continue;
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      matches = r.segments[i].is_param || r.segments[i].text == segments[i];
    }
    if (!matches) continue;
    if (best == nullptr) {
      best = &r;
      continue;
    }
    // Both match, so where they first differ one is a literal and the other a parameter.
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (r.segments[i].is_param != best->segments[i].is_param) {
        if (!r.segments[i].is_param) best = &r;
        break;
      }
    }
  }
  return best;
}

const Handler* Router::handler_for(const Resource& r, std::string_view method) {
  auto it = r.handlers.find(method);
  if (it != r.handlers.end()) return &it->second;
  if (method == "HEAD") {
    it = r.handlers.find(std::string_view("GET"));
    if (it != r.handlers.end()) return &it->second;
  }
  return nullptr;
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
  RouteMatch m;
  auto split = split_path(path);
  if (!split) return m;

  if (const Resource* r = find(split->segments, split->trailing_slash)) {
    if (const Handler* h = handler_for(*r, method)) {
      m.outcome = RouteMatch::Outcome::found;
      m.handler = h;
      for (std::size_t i = 0; i < r->segments.size(); ++i) {
        if (r->segments[i].is_param) m.params.emplace_back(r->segments[i].text, std::string(split->segments[i]));
      }
      return m;
    }
    std::set<std::string> methods;
    for (const auto& [name, handler] : r->handlers) methods.insert(name);
    if (methods.count("GET") != 0) methods.insert("HEAD");
    m.outcome = RouteMatch::Outcome::method_not_allowed;
    m.allow = join_allow(methods);
    return m;
  }

  // "/naju-haderslev/ko" for "/{campaign}/{lang}/": point at the form that exists, but only when
  // it would accept this method, so a redirect never leads straight to a 405.
  if (path != "/") {
    const bool toggled = !split->trailing_slash;
    if (const Resource* r = find(split->segments, toggled); r != nullptr && handler_for(*r, method) != nullptr) {
      m.outcome = RouteMatch::Outcome::redirect;
      m.location = toggled ? std::string(path) + "/" : std::string(path.substr(0, path.size() - 1));
    }
  }
  return m;
}

}  // namespace twinning::http
