#include "http/same_origin.hpp"

#include <algorithm>
#include <cctype>

namespace twinning::http {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "https://Host:8080" -> "host:8080"; empty when it is not scheme://authority.
std::string authority_of(std::string_view origin) {
  const auto sep = origin.find("://");
  if (sep == std::string_view::npos) return {};
  auto rest = origin.substr(sep + 3);
  if (rest.empty() || rest.find_first_of("/?#") != std::string_view::npos) return {};
  return lower(rest);
}

// The public URL's origin: scheme and authority, no path.
std::string origin_of(const std::string& url) {
  const auto sep = url.find("://");
  if (sep == std::string::npos) return {};
  const auto end = url.find('/', sep + 3);
  return lower(url.substr(0, end));
}

Error cross_site(const char* why) {
  return Error::make(ErrorKind::forbidden, "this form was sent from another website; open the campaign page and send it there",
                     {}, why);
}

}  // namespace

Result<void> check_same_origin(const Request& req, const std::string& public_url) {
  const auto fetch_site = req.header("Sec-Fetch-Site");
  if (fetch_site && lower(*fetch_site) == "cross-site") return cross_site("Sec-Fetch-Site: cross-site");
  const auto origin = req.header("Origin");
  if (!origin) return {};
  const std::string o = lower(*origin);
  if (o == "null") return cross_site("Origin: null");
  if (!public_url.empty() && o == origin_of(public_url)) return {};
  const auto host = req.header("Host");
  if (host && !authority_of(o).empty() && authority_of(o) == lower(*host)) return {};
  return cross_site("Origin is neither the Host nor the public URL");
}

}  // namespace twinning::http
