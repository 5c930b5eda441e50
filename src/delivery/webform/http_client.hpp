#pragma once
// HTTP for the web-form submitter, with libcurl: one session (one cookie jar) per submission, so
// a form's session cookie reaches the post; every limit is a setting (webform.* in the
// settings), so a slow, huge or looping site ends in a clear failure, never a hang.
#include <chrono>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "common/config.hpp"
#include "common/result.hpp"

namespace twinning::delivery::webform {

struct HttpResponse {
  long status = 0;
  std::string url;           // after redirects
  std::string content_type;  // of the last response
  std::string body;
};

struct HttpFailure {
  enum class Kind {
    unreachable,         // name not resolved, connection refused or TLS not set up: nothing was sent
    timeout,             // webform.connect_timeout_ms or webform.timeout_ms passed
    too_large,           // the body passed webform.max_response_bytes
    too_many_redirects,  // more than webform.max_redirects
    failed,              // anything else (connection dropped, protocol error, ...)
  };
  Kind kind = Kind::failed;
  // Whether any byte of the request may have reached the server. Only a request known not to
  // have been sent may be sent again without risk of a duplicate.
  bool request_sent = true;
  std::string message;
};

const char* to_string(HttpFailure::Kind kind);

using HttpResult = std::variant<HttpResponse, HttpFailure>;

class HttpSession {
 public:
  // Error (internal) only when libcurl cannot be set up at all.
  static Result<HttpSession> open(const WebformSettings& settings);
  HttpSession(HttpSession&&) noexcept;
  HttpSession& operator=(HttpSession&&) noexcept;
  ~HttpSession();

  // GET, following redirects (http and https only).
  HttpResult get(const std::string& url);
  // POST of a ready body, e.g. application/x-www-form-urlencoded; a 301/302/303 answer is
  // followed with GET, as browsers do.
  // `headers` are extra "Name: value" lines (a webhook's signature).
  HttpResult post(const std::string& url, const std::string& body, const std::string& content_type,
                  const std::string& referer, const std::vector<std::string>& headers = {});

 private:
  struct Impl;
  explicit HttpSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace twinning::delivery::webform
