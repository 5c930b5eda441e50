#include "delivery/webform/http_client.hpp"

#include <curl/curl.h>

#include <mutex>

namespace twinning::delivery::webform {
namespace {

struct CleanupCurl {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct FreeList {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::string* body = nullptr;
  std::size_t max = 0;
  bool overflow = false;
};

std::size_t on_data(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  if (sink->body->size() + n > sink->max) {
    sink->overflow = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  sink->body->append(data, n);
  return n;
}

// Errors where the connection was never set up, so no byte of the request left.
bool before_connection(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return true;
    default:
      return false;
  }
}

}  // namespace

const char* to_string(HttpFailure::Kind kind) {
  switch (kind) {
    case HttpFailure::Kind::unreachable: return "unreachable";
    case HttpFailure::Kind::timeout: return "timeout";
    case HttpFailure::Kind::too_large: return "too large";
    case HttpFailure::Kind::too_many_redirects: return "too many redirects";
    case HttpFailure::Kind::failed: return "failed";
  }
  return "failed";
}

struct HttpSession::Impl {
  std::unique_ptr<CURL, CleanupCurl> curl;
  WebformSettings settings;
  char error[CURL_ERROR_SIZE] = {};

  HttpResult perform(const std::string& url, curl_slist* headers) {
    CURL* c = curl.get();
    std::string body;
    Sink sink{&body, settings.max_response_bytes, false};
    error[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    const CURLcode code = curl_easy_perform(c);
    if (code != CURLE_OK) {
      HttpFailure f;
      f.message = std::string(curl_easy_strerror(code)) + (error[0] != '\0' ? std::string(": ") + error : "");
      long request_size = 0;
      curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &request_size);
      f.request_sent = !before_connection(code) && request_size > 0;
      if (sink.overflow || code == CURLE_FILESIZE_EXCEEDED) {
        f.kind = HttpFailure::Kind::too_large;
        f.message = "the answer is larger than " + std::to_string(settings.max_response_bytes) + " bytes";
      } else if (code == CURLE_TOO_MANY_REDIRECTS) {
        f.kind = HttpFailure::Kind::too_many_redirects;
        f.message = "more than " + std::to_string(settings.max_redirects) + " redirects";
      } else if (code == CURLE_OPERATION_TIMEDOUT) {
        f.kind = HttpFailure::Kind::timeout;
      } else if (before_connection(code)) {
        f.kind = HttpFailure::Kind::unreachable;
      }
      return f;
    }
    HttpResponse r;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    char* effective = nullptr;
    if (curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective != nullptr) r.url = effective;
    char* type = nullptr;
    if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type != nullptr) r.content_type = type;
    r.body = std::move(body);
    return r;
  }
};

HttpSession::HttpSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpSession::HttpSession(HttpSession&&) noexcept = default;
HttpSession& HttpSession::operator=(HttpSession&&) noexcept = default;
HttpSession::~HttpSession() = default;

Result<HttpSession> HttpSession::open(const WebformSettings& settings) {
  global_init();
  auto impl = std::make_unique<Impl>();
  impl->curl.reset(curl_easy_init());
  if (!impl->curl) return Error::make(ErrorKind::internal, "cannot set up HTTP", {}, "curl_easy_init failed");
  impl->settings = settings;
  CURL* c = impl->curl.get();
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, impl->error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // a worker thread must not get SIGALRM from DNS timeouts
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_COOKIEFILE, "");  // the cookie engine, in memory, for this session only
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, static_cast<long>(settings.max_redirects));
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(settings.timeout.count()));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(settings.max_response_bytes));
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // what libcurl can decode; the size limit counts decoded bytes
  curl_easy_setopt(c, CURLOPT_USERAGENT, settings.user_agent.c_str());
  return HttpSession(std::move(impl));
}

HttpResult HttpSession::get(const std::string& url) {
  CURL* c = impl_->curl.get();
  curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  std::unique_ptr<curl_slist, FreeList> headers(
      curl_slist_append(nullptr, "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"));
  return impl_->perform(url, headers.get());
}

HttpResult HttpSession::post(const std::string& url, const std::string& body, const std::string& content_type,
                             const std::string& referer, const std::vector<std::string>& extra) {
  CURL* c = impl_->curl.get();
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, body.c_str());
  if (!referer.empty()) curl_easy_setopt(c, CURLOPT_REFERER, referer.c_str());
  std::unique_ptr<curl_slist, FreeList> headers(curl_slist_append(nullptr, ("Content-Type: " + content_type).c_str()));
  // libcurl would send "Expect: 100-continue" for larger bodies and wait for an answer many
  // small sites never give; browsers do not send it.
  if (curl_slist* more = curl_slist_append(headers.get(), "Expect:"); more != nullptr) {
    (void)headers.release();
    headers.reset(more);
  }
  for (const auto& h : extra) {
    if (curl_slist* more = curl_slist_append(headers.get(), h.c_str()); more != nullptr) {
      (void)headers.release();
      headers.reset(more);
    }
  }
  auto result = impl_->perform(url, headers.get());
  curl_easy_setopt(c, CURLOPT_REFERER, nullptr);
  return result;
}

}  // namespace twinning::delivery::webform
