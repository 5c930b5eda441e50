#include "http/server.hpp"

// asio/awaitable.hpp uses std::exchange without including <utility>; g++ 12 needs it first.
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/date.hpp"
#include "http/error_status.hpp"
#include "http/form.hpp"
#include "http/request_head.hpp"

namespace twinning::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadChunk = 8192;
// After the last response on a connection, what the client still sends is read and dropped for
// this long (at most) before closing; see Session::close_gracefully.
constexpr std::chrono::milliseconds kMaxLinger{1000};
constexpr std::size_t kMaxLingerBytes = 1 << 20;
// Pause after an accept failure such as "too many open files", so the loop does not spin.
constexpr std::chrono::milliseconds kAcceptBackoff{50};

// Sends a Response's shared body without copying it: Beast gets a buffer that points into the
// string, and the message holding the shared_ptr lives until the write has completed.
struct SharedBody {
  using value_type = std::shared_ptr<const std::string>;

  static std::uint64_t size(const value_type& body) { return body ? body->size() : 0; }

  class writer {
   public:
    using const_buffers_type = asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(const bhttp::header<isRequest, Fields>& /*header*/, const value_type& body) : body_(body) {}

    void init(beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      ec = {};
      if (!body_ || body_->empty()) return boost::none;
      return {{asio::const_buffer(body_->data(), body_->size()), false}};
    }

   private:
    const value_type& body_;
  };
};

// Lets a handler answer from any thread at any time, including after its connection or the
// whole server is gone: the answer then goes nowhere instead of touching freed objects.
struct Liveness {
  std::mutex mutex;
  bool alive = true;  // false once the server is being destroyed: nothing may be posted then
};

// Owned by a session. A handler's answer cancels this timer on the session's strand, which
// resumes the coroutine waiting on it. Answers only hold a weak_ptr.
struct Waker {
  explicit Waker(const asio::any_io_executor& ex) : timer(ex) {}
  asio::steady_timer timer;
};

// One request waiting for its handler's answer.
struct Exchange {
  std::shared_ptr<Request> request;  // kept alive for the handler until it answers
  std::weak_ptr<Waker> waker;
  std::shared_ptr<Liveness> live;

  std::mutex mutex;
  bool answered = false;             // the first answer wins
  std::optional<Response> response;  // unset with answered: the handler dropped respond
};

void deliver(const std::shared_ptr<Exchange>& ex, std::optional<Response> response) noexcept {
  {
    std::lock_guard lock(ex->mutex);
    if (ex->answered) {
      if (response)
        spdlog::warn("a handler answered {} {} twice; the second answer is ignored", ex->request->method,
                     ex->request->target);
      return;
    }
    ex->answered = true;
    ex->response = std::move(response);
  }
  // Posting under the lock: the server's destructor takes it before the io_context goes away.
  std::lock_guard lock(ex->live->mutex);
  if (!ex->live->alive) return;
  if (auto waker = ex->waker.lock()) {
    try {
      asio::post(waker->timer.get_executor(), [waker] { waker->timer.cancel(); });
    } catch (const std::exception& e) {
      spdlog::error("cannot resume a connection after its handler answered: {}", e.what());
    }
  }
}

// Held by every copy of a Respond; when the last copy is destroyed without an answer, the
// connection is answered with an internal error instead of waiting forever.
class Responder {
 public:
  explicit Responder(std::shared_ptr<Exchange> ex) : ex_(std::move(ex)) {}
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder() { deliver(ex_, std::nullopt); }
  void answer(Response r) { deliver(ex_, std::move(r)); }

 private:
  std::shared_ptr<Exchange> ex_;
};

bool iequals(std::string_view a, std::string_view b) {
  return beast::iequals(a, b);
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

asio::ip::address normalize(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a;
}

bool is_token_char(char c) {
  if (std::isalnum(static_cast<unsigned char>(c)) != 0) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// A header that would let a handler's text end the header block or smuggle another header.
bool valid_header(const std::string& name, const std::string& value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char)) return false;
  return std::none_of(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

// Framing and connection headers belong to the server: a handler setting them would break the
// framing of the response.
bool server_owned_header(std::string_view name) {
  for (std::string_view owned :
       {"Content-Length", "Transfer-Encoding", "Connection", "Date", "Server", "Keep-Alive", "Upgrade", "Trailer"}) {
    if (iequals(name, owned)) return true;
  }
  return false;
}

// The request target in origin-form ("/path?query"); absolute-form ("http://host/path") is
// accepted as RFC 9112 3.2.2 requires. nullopt for the authority and asterisk forms.
std::optional<std::string_view> origin_form(std::string_view target) {
  if (!target.empty() && target.front() == '/') return target;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (starts_with_icase(target, scheme)) {
      const std::size_t slash = target.find_first_of("/?", scheme.size());
      if (slash == std::string_view::npos) return std::string_view("/");
      if (target[slash] == '?') return std::nullopt;  // "http://host?q": no path to route
      return target.substr(slash);
    }
  }
  return std::nullopt;
}

class Session;

// Everything the connections share. Member order matters: the io_context is destroyed after
// what is declared before it (sessions still unregister while their frames are destroyed) and
// before what is declared after it.
class Core {
 public:
  Core(const Settings& settings, Router& router, ServerHooks hooks)
      : settings_(settings), router_(router), hooks_(std::move(hooks)) {}

  ~Core() {
    std::lock_guard lock(live_->mutex);
    live_->alive = false;
  }

  Result<void> start();
  void run();
  void stop();
  Server::Stats stats() const { return Server::Stats{open_.load(), served_.load(), refused_.load()}; }
  unsigned short port() const { return port_; }

  const Limits& limits() const { return settings_.limits; }
  const Router& router() const { return router_; }
  const std::shared_ptr<Liveness>& live() const { return live_; }
  bool stopping() const { return stopping_.load(); }
  bool trusted(const asio::ip::address& peer) const {
    return std::find(trusted_.begin(), trusted_.end(), peer) != trusted_.end();
  }

  Response error_response(const Request* req, const Error& e) const;

  void count_served() { ++served_; }
  // Registration fails once stop() has begun, so no connection escapes the stop.
  bool register_session(Session* s, std::weak_ptr<Session> w);
  void unregister_session(Session* s);

 private:
  asio::awaitable<void> accept_loop();
  void admit(tcp::socket socket);
  void refuse(tcp::socket& socket);
  void run_thread();

  Settings settings_;
  Router& router_;
  ServerHooks hooks_;
  std::vector<asio::ip::address> trusted_;
  std::shared_ptr<Liveness> live_ = std::make_shared<Liveness>();
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> open_{0};
  std::atomic<std::uint64_t> served_{0};
  std::atomic<std::uint64_t> refused_{0};
  std::mutex sessions_mutex_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  unsigned short port_ = 0;
  bool started_ = false;

  asio::io_context ioc_;
  std::optional<tcp::acceptor> acceptor_;

  friend class Session;
};

// One connection: a coroutine on the connection's own strand reads a request, has it answered,
// writes the response, and loops while the connection is kept alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Core& core, tcp::socket socket)
      : core_(core), stream_(std::move(socket)), waker_(std::make_shared<Waker>(stream_.get_executor())) {
    ++core_.open_;
    beast::error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      peer_ = normalize(endpoint.address());
      peer_text_ = peer_.to_string();
    }
  }

  ~Session() {
    core_.unregister_session(this);
    --core_.open_;
  }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  asio::any_io_executor executor() { return stream_.get_executor(); }

  asio::awaitable<void> serve() {
    bool first = true;
    for (;;) {
      const End end = co_await exchange(first);
      switch (end) {
        case End::keep_alive: first = false; continue;
        case End::close_now: close_now(); co_return;
        case End::close_gracefully: co_await close_gracefully(); co_return;
      }
    }
  }

  // Runs on the strand when stop() begins.
  void on_stop() {
    stop_seen_ = true;
    switch (phase_) {
      case Phase::idle:
        // Nothing of a next request has arrived: end the wait, and with it the connection.
        stream_.cancel();
        break;
      case Phase::handling:
        answer_deadline_ = Clock::now() + core_.limits().write_timeout;
        waker_->timer.cancel();  // re-arms the wait with the deadline
        break;
      case Phase::reading:  // finishes within read_timeout, then is answered with Connection: close
      case Phase::writing:  // finishes within write_timeout
      case Phase::closing:  // finishes within kMaxLinger
        break;
    }
  }

 private:
  enum class Phase { idle, reading, handling, writing, closing };
  enum class End { keep_alive, close_now, close_gracefully };

  bool stopping() const { return stop_seen_ || core_.stopping(); }

  // Waits for a request to start, then reads until its head can be judged (request_head.hpp).
  // nullopt: the connection ended without a request (closed, timed out, or stopped while idle).
  asio::awaitable<std::optional<HeadScan>> read_head(bool first) {
    const Limits& limits = core_.limits();
    beast::error_code ec;
    // Empty lines before a request are ignored (RFC 9112 2.2); some clients send one after a body.
    auto between_requests = [this] {
      buffer_.consume(leading_empty_lines(as_view(buffer_)));
      return buffer_.size() == 0 || as_view(buffer_) == "\r";
    };

    phase_ = Phase::idle;
    if (between_requests()) {
      if (stopping()) co_return std::nullopt;
      // A new connection gets read_timeout to start its request; a kept-alive one idle_timeout.
      stream_.expires_after(first ? limits.read_timeout : limits.idle_timeout);
      do {
        const std::size_t n = co_await stream_.async_read_some(buffer_.prepare(kReadChunk),
                                                               asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return std::nullopt;
        buffer_.commit(n);
      } while (between_requests());
    }

    phase_ = Phase::reading;
    // One deadline for the whole request from its first byte: a client trickling bytes (slowloris)
    // cannot hold the connection longer than read_timeout.
    read_deadline_ = Clock::now() + limits.read_timeout;
    stream_.expires_at(read_deadline_);
    for (;;) {
      const HeadScan scan = scan_request_head(as_view(buffer_), limits.max_request_line_bytes, limits.max_header_bytes);
      if (scan.status != HeadScan::Status::need_more) co_return scan;
      const std::size_t n =
          co_await stream_.async_read_some(buffer_.prepare(kReadChunk), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return std::nullopt;
      buffer_.commit(n);
    }
  }

  // Reads one request, answers it, and says what becomes of the connection.
  asio::awaitable<End> exchange(bool first) {
    const Limits& limits = core_.limits();
    beast::error_code ec;

    const std::optional<HeadScan> scan = co_await read_head(first);
    if (!scan) co_return End::close_now;
    switch (scan->status) {
      case HeadScan::Status::complete: break;
      case HeadScan::Status::need_more:  // read_head only returns a verdict
      case HeadScan::Status::malformed:
        co_return co_await fail(nullptr, Error::make(ErrorKind::bad_request, "Malformed HTTP request."));
      case HeadScan::Status::line_too_long:
        co_return co_await fail(nullptr, Error::make(ErrorKind::uri_too_long, "The request line is too long."));
      case HeadScan::Status::header_too_large:
        co_return co_await fail(nullptr, Error::make(ErrorKind::header_too_large, "The request header is too large."));
    }

    // The head is complete in the buffer, so this parses without reading.
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(scan->size + 1, UINT32_MAX)));
    // Content-Length is checked below, with the headers at hand. Not boost::none: Beast 1.74
    // compares the length with the optional, and any number is greater than an empty one.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    co_await bhttp::async_read_header(stream_, buffer_, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      spdlog::debug("malformed request from {}: {}", peer_text_, ec.message());
      co_return co_await fail(nullptr, Error::make(ErrorKind::bad_request, "Malformed HTTP request."));
    }

    auto req = std::make_shared<Request>();
    const auto& head = parser.get();
    req->method = std::string(head.method_string());
    req->target = std::string(head.target());
    for (const auto& field : head)
      req->headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    req->client_ip = client_ip(head);
    const unsigned version = head.version();
    const bool client_keeps_alive = head.keep_alive();

    // Checks on the head; the body is unread, so the connection cannot be reused after them.
    if (version / 10 != 1) {
      co_return co_await fail(req.get(), Error::make(ErrorKind::bad_request, "Unsupported HTTP version."), 11);
    }
    if (version >= 11 && head.find(bhttp::field::host) == head.end()) {
      co_return co_await fail(req.get(), Error::make(ErrorKind::bad_request, "The Host header is missing."), version);
    }
    if (head.find(bhttp::field::transfer_encoding) != head.end() && !parser.chunked()) {
      // RFC 9112 6.3: without chunked last, the body's length cannot be known.
      co_return co_await fail(req.get(), Error::make(ErrorKind::bad_request, "Unsupported Transfer-Encoding."),
                              version);
    }
    const auto origin = origin_form(req->target);
    if (!origin) {
      co_return co_await fail(req.get(), Error::make(ErrorKind::bad_request, "Unsupported request target."), version);
    }
    const std::size_t query_at = origin->find('?');
    if (query_at != std::string_view::npos) req->query = std::string(origin->substr(query_at + 1));
    auto path = percent_decode_path(origin->substr(0, query_at));
    if (!path) co_return co_await fail(req.get(), path.error(), version);
    req->path = std::move(*path);
    // Routed before the body is read, so an error page about the body (413) already knows the
    // route's parameters (the campaign and language of the page to render).
    RouteMatch match = core_.router().match(req->method, req->path);
    if (match.outcome == RouteMatch::Outcome::found) req->params = std::move(match.params);
    if (const auto length = parser.content_length(); length && *length > limits.max_body_bytes) {
      co_return co_await fail(req.get(), too_large(limits), version);
    }

    // The body; chunked bodies are counted against the limit as they arrive.
    parser.body_limit(limits.max_body_bytes);
    if (!parser.is_done()) {
      const auto expect = head[bhttp::field::expect];
      if (iequals(expect, "100-continue")) {
        bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, version};
        stream_.expires_after(limits.write_timeout);
        co_await bhttp::async_write(stream_, go_on, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return End::close_now;
        stream_.expires_at(read_deadline_);
      }
      co_await bhttp::async_read(stream_, buffer_, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == bhttp::error::body_limit) co_return co_await fail(req.get(), too_large(limits), version);
      if (ec == beast::error::timeout || ec == bhttp::error::partial_message || ec == bhttp::error::end_of_stream ||
          ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
        co_return End::close_now;  // the client went away or stalled: nobody to answer
      }
      if (ec) {
        spdlog::debug("malformed request body from {}: {}", peer_text_, ec.message());
        co_return co_await fail(req.get(), Error::make(ErrorKind::bad_request, "Malformed HTTP request."), version);
      }
    }
    req->body = std::move(parser.get().body());

    // The request has been read in full: the connection can serve another one after this.
    const bool head_only = req->method == "HEAD";
    Response response = co_await route(req, std::move(match));
    const bool keep = client_keeps_alive && !stopping();
    const bool written = co_await write(std::move(response), head_only, version, keep);
    if (!written) co_return End::close_now;
    co_return keep ? End::keep_alive : End::close_gracefully;
  }

  asio::awaitable<Response> route(const std::shared_ptr<Request>& req, RouteMatch m) {
    switch (m.outcome) {
      case RouteMatch::Outcome::found: co_return co_await call(*m.handler, req);
      case RouteMatch::Outcome::redirect: {
        // 308 keeps the method and body, so a form posted to the other spelling still arrives.
        std::string location = percent_encode_path(m.location);
        if (!req->query.empty()) location += "?" + req->query;
        Response r = Response::text(308, "Moved to " + location + "\n");
        r.set_header("Location", location);
        co_return r;
      }
      case RouteMatch::Outcome::method_not_allowed: {
        Response r = core_.error_response(
            req.get(), Error::make(ErrorKind::method_not_allowed, "This method is not allowed here."));
        r.set_header("Allow", m.allow);
        co_return r;
      }
      case RouteMatch::Outcome::not_found:
        co_return core_.error_response(req.get(), Error::make(ErrorKind::not_found, "Page not found."));
    }
    co_return core_.error_response(req.get(), Error::make(ErrorKind::internal, "Internal error."));
  }

  // Calls the handler and waits, on this strand, for its answer from whichever thread gives it.
  asio::awaitable<Response> call(const Handler& handler, const std::shared_ptr<Request>& req) {
    phase_ = Phase::handling;
    auto ex = std::make_shared<Exchange>();
    ex->request = req;
    ex->waker = waker_;
    ex->live = core_.live();
    {
      auto responder = std::make_shared<Responder>(ex);
      Respond respond = [responder](Response r) { responder->answer(std::move(r)); };
      responder.reset();  // only the Respond copies own it now, so dropping them all is noticed
      // The handler gets a copy: ours outlives a throw, so the error below is the answer, not
      // "dropped without answering" from the handler's copy unwinding first.
      try {
        handler(*req, respond);
      } catch (const ErrorException& e) {
        deliver(ex, core_.error_response(req.get(), e.error()));
      } catch (const std::exception& e) {
        deliver(ex, core_.error_response(req.get(), Error::make(ErrorKind::internal, "Internal error.", {},
                                                                std::string("handler threw: ") + e.what())));
      }
    }
    for (;;) {
      {
        std::lock_guard lock(ex->mutex);
        if (ex->answered) {
          if (ex->response) co_return std::move(*ex->response);
          co_return core_.error_response(req.get(), Error::make(ErrorKind::internal, "Internal error.", {},
                                                                "the handler for " + req->method + " " + req->target +
                                                                    " dropped its respond callback without answering"));
        }
        if (answer_deadline_ && Clock::now() >= *answer_deadline_) {
          ex->answered = true;  // a late answer is dropped
          co_return core_.error_response(
              req.get(), Error::make(ErrorKind::unavailable, "The server is shutting down; please try again.", {},
                                     "no answer from the handler for " + req->method + " " + req->target +
                                         " within write_timeout after stop"));
        }
      }
      beast::error_code ec;
      waker_->timer.expires_at(answer_deadline_.value_or(Clock::time_point::max()));
      co_await waker_->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  // Writes a response; false when the connection is lost.
  asio::awaitable<bool> write(Response r, bool head_only, unsigned version, bool keep) {
    phase_ = Phase::writing;
    if (!std::all_of(r.headers.begin(), r.headers.end(),
                     [](const auto& h) { return valid_header(h.first, h.second); })) {
      r = core_.error_response(nullptr, Error::make(ErrorKind::internal, "Internal error.", {},
                                                    "a handler set a header with a bad name or a CR/LF in its value"));
    }
    bhttp::response<SharedBody> res;
    res.version(version);
    res.result(r.status);
    for (const auto& [name, value] : r.headers) {
      if (server_owned_header(name)) {
        spdlog::warn("a handler set the {} header; the server owns it and ignores this one", name);
        continue;
      }
      res.insert(name, value);
    }
    res.set(bhttp::field::date, http_date(std::chrono::system_clock::now()));
    res.set(bhttp::field::server, "twinning");
    // 1xx, 204 and 304 have no body (RFC 9110 6.4.1); every other response says its length, a
    // HEAD response the length its GET would have.
    const bool bodiless = r.status < 200 || r.status == 204 || r.status == 304;
    if (!bodiless) {
      res.set(bhttp::field::content_length, std::to_string(SharedBody::size(r.body)));
      if (!head_only) res.body() = std::move(r.body);
    }
    res.keep_alive(keep);

    beast::error_code ec;
    stream_.expires_after(core_.limits().write_timeout);
    co_await bhttp::async_write(stream_, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      spdlog::debug("writing a response to {} failed: {}", peer_text_, ec.message());
      co_return false;
    }
    core_.count_served();
    co_return true;
  }

  // Answers a request that cannot be served, then the connection closes (what follows in the
  // stream cannot be trusted to start a request).
  asio::awaitable<End> fail(const Request* req, Error e, unsigned version = 11) {
    Response r = core_.error_response(req, e);
    const bool head_only = req != nullptr && req->method == "HEAD";
    const bool written = co_await write(std::move(r), head_only, version, false);
    co_return written ? End::close_gracefully : End::close_now;
  }

  static Error too_large(const Limits& limits) {
    return Error::make(ErrorKind::payload_too_large,
                       "The request body is too large (at most " + std::to_string(limits.max_body_bytes) + " bytes).");
  }

  // The client the request is for: the peer, or the last X-Forwarded-For hop when the peer is a
  // trusted proxy (earlier hops were written by whoever sent the request, so are not evidence).
  std::string client_ip(const bhttp::request_header<>& head) const {
    if (!core_.trusted(peer_)) return peer_text_;
    std::string_view forwarded;
    for (auto [it, end] = head.equal_range("X-Forwarded-For"); it != end; ++it) forwarded = it->value();
    if (forwarded.empty()) return peer_text_;
    const std::size_t comma = forwarded.rfind(',');
    std::string_view hop = comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1);
    while (!hop.empty() && (hop.front() == ' ' || hop.front() == '\t')) hop.remove_prefix(1);
    while (!hop.empty() && (hop.back() == ' ' || hop.back() == '\t')) hop.remove_suffix(1);
    beast::error_code ec;
    const auto address = asio::ip::make_address(hop, ec);
    if (ec) {
      spdlog::debug("ignoring an X-Forwarded-For hop that is not an address: {}", hop);
      return peer_text_;
    }
    return normalize(address).to_string();
  }

  void close_now() {
    phase_ = Phase::closing;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  // Closing a socket with unread input makes the kernel send a reset, which can destroy the
  // response still in flight to the client (a 413 sent before the body is read). So: stop
  // sending, read and drop what comes (bounded in time and bytes), then close.
  asio::awaitable<void> close_gracefully() {
    phase_ = Phase::closing;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) {
      close_now();
      co_return;
    }
    buffer_.clear();
    stream_.expires_after(std::min<Clock::duration>(core_.limits().read_timeout, kMaxLinger));
    std::array<char, 4096> scratch{};
    std::size_t drained = 0;
    while (drained < kMaxLingerBytes) {
      drained += co_await stream_.async_read_some(asio::buffer(scratch), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    close_now();
  }

  static std::string_view as_view(const beast::flat_buffer& b) {
    const auto data = b.data();
    return {static_cast<const char*>(data.data()), data.size()};
  }

  Core& core_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<Waker> waker_;
  asio::ip::address peer_;
  std::string peer_text_ = "unknown";
  Phase phase_ = Phase::idle;
  bool stop_seen_ = false;
  Clock::time_point read_deadline_{};
  std::optional<Clock::time_point> answer_deadline_;
};

asio::awaitable<void> run_session(std::shared_ptr<Session> session) {
  co_await session->serve();
}

void log_exception(const char* what, std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    spdlog::error("{} ended by an exception: {}", what, x.what());
  } catch (...) {
    spdlog::error("{} ended by an unknown exception", what);
  }
}

Response Core::error_response(const Request* req, const Error& e) const {
  const unsigned status = http_status(e.kind);
  const std::string request = req != nullptr ? req->method + " " + req->target : std::string("(unparsed request)");
  if (status >= 500) {
    spdlog::error("{} {}: {} {}{}{}", status, to_string(e.kind), request, e.message, e.detail.empty() ? "" : " -- ",
                  e.detail);
  } else {
    spdlog::debug("{} {}: {} {}{}{}", status, to_string(e.kind), request, e.message, e.detail.empty() ? "" : " -- ",
                  e.detail);
  }
  std::optional<Response> r;
  if (hooks_.render_error) {
    try {
      r = hooks_.render_error(req, e);
    } catch (const std::exception& x) {
      spdlog::error("render_error threw while rendering {}: {}", to_string(e.kind), x.what());
    }
  }
  if (!r) r = Response::text(status, (e.message.empty() ? std::string("Error.") : e.message) + "\n");
  r->status = status;
  return std::move(*r);
}

bool Core::register_session(Session* s, std::weak_ptr<Session> w) {
  std::lock_guard lock(sessions_mutex_);
  if (stopping_.load()) return false;
  sessions_.emplace(s, std::move(w));
  return true;
}

void Core::unregister_session(Session* s) {
  std::lock_guard lock(sessions_mutex_);
  sessions_.erase(s);
}

Result<void> Core::start() {
  if (started_) return Error::make(ErrorKind::internal, "the server is already started");
  auto listen = parse_listen(settings_.listen);
  if (!listen) return listen.error();
  for (const auto& proxy : settings_.trusted_proxies) {
    beast::error_code ec;
    const auto address = asio::ip::make_address(proxy, ec);
    if (ec) {
      return Error::make(ErrorKind::bad_request, "trusted_proxies: \"" + proxy + "\" is not an IP address",
                         "trusted_proxies");
    }
    trusted_.push_back(normalize(address));
  }

  const auto& [host, port] = *listen;
  beast::error_code ec;
  tcp::endpoint endpoint;
  if (const auto address = asio::ip::make_address(host, ec); !ec) {
    endpoint = tcp::endpoint(address, port);
  } else {
    tcp::resolver resolver(ioc_);
    const auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
    if (ec || results.empty()) {
      return Error::make(ErrorKind::io, "cannot resolve " + host + ": " + ec.message(), "listen");
    }
    endpoint = results.begin()->endpoint();
  }

  auto fail = [&](const char* step) {
    return Error::make(ErrorKind::io, "cannot listen on " + settings_.listen + ": " + ec.message(), "listen",
                       std::string(step) + " failed: " + ec.message());
  };
  acceptor_.emplace(asio::make_strand(ioc_));
  acceptor_->open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("setsockopt(SO_REUSEADDR)");
  acceptor_->bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  // Non-blocking, so accept_loop can take every queued connection without waiting.
  acceptor_->non_blocking(true, ec);
  if (ec) return fail("non_blocking");
  port_ = acceptor_->local_endpoint(ec).port();
  if (ec) return fail("getsockname");

  asio::co_spawn(acceptor_->get_executor(), accept_loop(),
                 [](std::exception_ptr e) { log_exception("the accept loop", e); });
  started_ = true;
  spdlog::info("listening on {} (port {})", settings_.listen, port_);
  return {};
}

asio::awaitable<void> Core::accept_loop() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket(asio::make_strand(ioc_));
    co_await acceptor_->async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_->is_open()) co_return;
    if (ec) {
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(acceptor_->get_executor(), kAcceptBackoff);
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    admit(std::move(socket));
    // Take every connection already queued before waiting again: each async_accept goes through
    // the scheduler, behind every other ready handler, and under load the backlog would then
    // overflow while sessions run.
    for (;;) {
      tcp::socket next(asio::make_strand(ioc_));
      acceptor_->accept(next, ec);
      if (ec) break;  // would_block: the queue is empty; other errors show up in async_accept
      admit(std::move(next));
    }
  }
}

void Core::admit(tcp::socket socket) {
  if (open_.load() >= settings_.limits.max_connections) {
    refuse(socket);
    return;
  }
  beast::error_code ec;
  // Responses go out in one write; without this, Nagle's algorithm could hold a small second
  // segment (the 100-continue case) until the client's delayed ACK.
  socket.set_option(tcp::no_delay(true), ec);
  auto session = std::make_shared<Session>(*this, std::move(socket));
  if (!register_session(session.get(), session)) return;  // stopping: the session closes the socket
  const auto executor = session->executor();
  asio::co_spawn(executor, run_session(std::move(session)),
                 [](std::exception_ptr e) { log_exception("a connection", e); });
}

// Over the connection limit: a best-effort 503 without blocking, then close. The request is not
// read, so this costs one write whatever the client sends.
void Core::refuse(tcp::socket& socket) {
  ++refused_;
  static constexpr std::string_view kBusy =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: 30\r\nConnection: close\r\nRetry-After: 1\r\n\r\nToo many connections; retry.\r\n";
  beast::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(kBusy.data(), kBusy.size()), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
  spdlog::warn("refused a connection: {} connections are open (limits.max_connections)", open_.load());
}

void Core::run_thread() {
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("a server thread caught an exception and goes on: {}", e.what());
    }
  }
}

void Core::run() {
  if (!started_) return;
  unsigned n = settings_.threads != 0 ? settings_.threads : std::thread::hardware_concurrency();
  if (n == 0) n = 1;
  std::vector<std::thread> threads;
  threads.reserve(n - 1);
  for (unsigned i = 1; i < n; ++i) threads.emplace_back([this] { run_thread(); });
  run_thread();
  for (auto& t : threads) t.join();
}

void Core::stop() {
  if (stopping_.exchange(true)) return;
  spdlog::info("stopping: finishing the requests in flight");
  if (acceptor_) {
    asio::post(acceptor_->get_executor(), [this] {
      beast::error_code ec;
      acceptor_->close(ec);
    });
  }
  std::vector<std::weak_ptr<Session>> sessions;
  {
    std::lock_guard lock(sessions_mutex_);
    for (const auto& [ptr, weak] : sessions_) sessions.push_back(weak);
  }
  for (auto& weak : sessions) {
    if (auto session = weak.lock()) {
      asio::post(session->executor(), [weak] {
        if (auto s = weak.lock()) s->on_stop();
      });
    }
  }
}

}  // namespace

struct Server::Impl : Core {
  using Core::Core;
};

Server::Server(const Settings& settings, Router& router, ServerHooks hooks)
    : impl_(std::make_unique<Impl>(settings, router, std::move(hooks))) {}

Server::~Server() = default;

Result<void> Server::start() {
  return impl_->start();
}
unsigned short Server::port() const {
  return impl_->port();
}
void Server::run() {
  impl_->run();
}
void Server::stop() {
  impl_->stop();
}
Server::Stats Server::stats() const {
  return impl_->stats();
}

}  // namespace twinning::http
