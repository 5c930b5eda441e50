#include "http/message.hpp"

#include <algorithm>
#include <cctype>

namespace twinning::http {

namespace {

// Header names are case-insensitive (RFC 9110 5.1); they are ASCII tokens, so a byte-wise
// comparison is enough.
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [n, v] : params) {
    if (n == name) return v;
  }
  return {};
}

void Response::set_header(std::string name, std::string value) {
  auto same = [&](const auto& h) { return iequals(h.first, name); };
  auto it = std::find_if(headers.begin(), headers.end(), same);
  if (it == headers.end()) {
    headers.emplace_back(std::move(name), std::move(value));
    return;
  }
  it->second = std::move(value);
  // Setting replaces: later duplicates would contradict the value just set.
  headers.erase(std::remove_if(std::next(it), headers.end(), same), headers.end());
}

Response Response::text(unsigned status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.set_header("Content-Type", std::move(content_type));
  r.body = std::make_shared<const std::string>(std::move(body));
  return r;
}

}  // namespace twinning::http
