#include "http/server.hpp"

// asio/awaitable.hpp uses std::exchange without including <utility>; g++ 12 needs it first.
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <atomic>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
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

// Every I/O object names its io_context's executor type, not asio::any_io_executor: the
// type-erased executor costs a reference-counted copy and an indirect call on every operation,
// and each connection lives on one io_context run by one thread, so no strand is needed either.
using Executor = asio::io_context::executor_type;
template <class T>
using Task = asio::awaitable<T, Executor>;
constexpr asio::use_awaitable_t<Executor> use_task{};
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<tcp, Executor>;
using Timer = asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor>;
using Stream = beast::basic_stream<tcp, Executor>;

constexpr std::size_t kReadChunk = 8192;
// After the last response on a connection, what the client still sends is read and dropped for
// this long (at most) before closing; see Session::close_gracefully.
constexpr std::chrono::milliseconds kMaxLinger{1000};
constexpr std::size_t kMaxLingerBytes = 1 << 20;
// Pause after an accept failure such as "too many open files", so the loop does not spin.
constexpr std::chrono::milliseconds kAcceptBackoff{50};

// Lets a handler answer from any thread at any time, including after its connection or the
// whole server is gone: the answer then goes nowhere instead of touching freed objects.
struct Liveness {
  std::mutex mutex;
  bool alive = true;  // false once the server is being destroyed: nothing may be posted then
};

// Owned by a session. A handler's answer cancels this timer on the session's io_context, which
// resumes the coroutine waiting on it. Answers only hold a weak_ptr.
struct Waker {
  explicit Waker(const Executor& ex) : timer(ex) {}
  Timer timer;
};

// One request waiting for its handler's answer.
struct Exchange {
  std::shared_ptr<Request> request;  // kept alive for the handler until it answers
  std::weak_ptr<Waker> waker;
  std::shared_ptr<Liveness> live;

  std::mutex mutex;
  bool answered = false;             // the first answer wins
  bool waiting = false;              // the session waits on its Waker: an answer must wake it
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
    // Most handlers answer before call() has begun to wait: it finds the answer without being
    // woken, and a posted wake-up would only cost a trip through the scheduler.
    if (!ex->waiting) return;
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

// RFC 9110 5.6.2 tchar, as a table: every header of every response is checked, and
// std::isalnum (a call, and locale-dependent) showed in profiles.
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[static_cast<std::size_t>(c)] = true;
  for (const char c : std::string_view("!#$%&'*+-.^_`|~")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool is_token_char(char c) {
  return kTokenChars[static_cast<unsigned char>(c)];
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

// The Date header changes once a second; formatting it for every response showed in profiles.
// Each server thread keeps its own copy, so there is nothing to lock.
std::string_view cached_http_date() {
  thread_local std::chrono::system_clock::time_point second{};
  thread_local std::string text;
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  if (text.empty() || now != second) {
    second = now;
    text = http_date(now);
  }
  return text;
}

// Writes a response's status line and header block into `out` (reused between responses, so it
// rarely allocates). The same bytes Beast's serializer wrote before (docs/decisions/0003): the
// handler's headers in their order (the server's own are skipped with a warning), the default headers the
// handler did not set (ServerHooks::default_headers), then Date,
// Server, Content-Length unless the status has no body (a HEAD response says its GET's length),
// then Connection as Beast's keep_alive() would set it. Headers were validated by the caller.
void compose_head(std::string& out, const Response& r, unsigned version, bool keep, std::string_view date,
                  const HeaderList* defaults) {
  out.clear();
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10 % 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
  out += ' ';
  out += std::to_string(r.status);
  out += ' ';
  const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(r.status));
  out.append(reason.data(), reason.size());
  out += "\r\n";
  for (const auto& [name, value] : r.headers) {
    if (server_owned_header(name)) {
      spdlog::warn("a handler set the {} header; the server owns it and ignores this one", name);
      continue;
    }
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (defaults != nullptr) {
    for (const auto& [name, value] : *defaults) {
      const bool own = std::any_of(r.headers.begin(), r.headers.end(),
                                   [&name = name](const auto& h) { return iequals(h.first, name); });
      if (own) continue;
      out += name;
      out += ": ";
      out += value;
      out += "\r\n";
    }
  }
  out += "Date: ";
  out += date;
  out += "\r\nServer: twinning\r\n";
  // 1xx, 204 and 304 have no body (RFC 9110 6.4.1).
  if (!(r.status < 200 || r.status == 204 || r.status == 304)) {
    out += "Content-Length: ";
    out += std::to_string(r.body ? r.body->size() : 0);
    out += "\r\n";
  }
  // HTTP/1.1 keeps a connection unless told otherwise, HTTP/1.0 closes it unless told otherwise.
  if (version >= 11 && !keep) out += "Connection: close\r\n";
  if (version < 11 && keep) out += "Connection: keep-alive\r\n";
  out += "\r\n";
}

// Bodies this large are sent with sendfile(2) from a memory file holding the same bytes: the
// kernel then hands the file's pages to the socket instead of copying the body from user space
// for every response (as nginx does with a static file). Smaller ones are not worth a syscall.
constexpr std::size_t kSendfileMinBytes = 4096;
// Distinct bodies a thread keeps a file for (the pre-rendered pages: a few per campaign).
constexpr std::size_t kMaxBodyFiles = 64;

// A server thread's memory files, one per shared body. A body is keyed by its address and
// holds only a weak reference, so a body that has been freed (a page re-rendered) is noticed
// (its entry has expired) and its file is closed; a live body at an address is the same
// immutable string the file was made from (Response::body is shared and immutable).
class BodyFiles {
 public:
  BodyFiles() = default;
  BodyFiles(const BodyFiles&) = delete;
  BodyFiles& operator=(const BodyFiles&) = delete;
  ~BodyFiles() {
    for (const auto& [body, entry] : files_) ::close(entry.fd);
  }

  // The file holding `body`'s bytes, or -1 when there is none (memfd unavailable, too many).
  int fd_for(const std::shared_ptr<const std::string>& body) {
    if (disabled_) return -1;
    if (const auto it = files_.find(body.get()); it != files_.end()) {
      if (!it->second.owner.expired()) return it->second.fd;
      ::close(it->second.fd);
      files_.erase(it);
    }
    if (files_.size() >= kMaxBodyFiles) {
      std::erase_if(files_, [](const auto& kv) {
        if (!kv.second.owner.expired()) return false;
        ::close(kv.second.fd);
        return true;
      });
      if (files_.size() >= kMaxBodyFiles) return -1;
    }
    const int fd = make_file(*body);
    if (fd >= 0) files_.emplace(body.get(), Entry{body, fd});
    return fd;
  }

 private:
  struct Entry {
    std::weak_ptr<const std::string> owner;
    int fd;
  };

  int make_file(const std::string& bytes) {
    const int fd = ::memfd_create("twinning-body", MFD_CLOEXEC);
    if (fd < 0) {
      disabled_ = true;  // e.g. a sandbox without memfd: every body goes by write(2), as before
      spdlog::info("memfd_create failed ({}); responses are sent without sendfile", std::strerror(errno));
      return -1;
    }
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        spdlog::warn("cannot fill a memory file for a response body: {}", std::strerror(errno));
        ::close(fd);
        return -1;
      }
      done += static_cast<std::size_t>(n);
    }
    return fd;
  }

  std::unordered_map<const std::string*, Entry> files_;
  bool disabled_ = false;
};

BodyFiles& body_files() {
  thread_local BodyFiles files;
  return files;
}

// Sends what it can of head then body (bytes [0, body_size) of `fd`) without blocking, and
// says how far it got; the caller sends the rest (or meets the error) with an ordinary write.
// MSG_MORE keeps the head in the socket until the body follows, so both go in one segment.
std::pair<std::size_t, std::size_t> send_head_and_file(int socket, std::string_view head, int fd,
                                                       std::size_t body_size) {
  std::size_t head_sent = 0;
  while (head_sent < head.size()) {
    const ssize_t n =
        ::send(socket, head.data() + head_sent, head.size() - head_sent, MSG_MORE | MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return {head_sent, 0};
    head_sent += static_cast<std::size_t>(n);
  }
  off_t offset = 0;
  while (static_cast<std::size_t>(offset) < body_size) {
    const ssize_t n = ::sendfile(socket, fd, &offset, body_size - static_cast<std::size_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
  }
  return {head_sent, static_cast<std::size_t>(offset)};
}

class Session;

// One server thread's share: its own io_context and its own acceptor. A connection is accepted
// by a worker and lives and dies on it, so its state needs no strand and no lock, and no thread
// wakes another to hand work over. The acceptors are duplicates of one listening socket (not
// SO_REUSEPORT, which would let another process of the same user share the port): the kernel
// wakes every worker when a connection arrives, the first free one takes it, a busy one takes
// none. Member order matters: the acceptor is closed before its io_context is destroyed.
struct Worker {
  // Its connections (Core::open_ counts all of them). Declared first: sessions still count down
  // while the io_context destroys them.
  std::atomic<std::size_t> open{0};
  asio::io_context ioc{1};  // run by one thread only
  std::optional<Acceptor> acceptor;
};

// Everything the connections share. Member order matters: the io_contexts are destroyed after
// what is declared before them (sessions still unregister while their frames are destroyed).
class Core {
 public:
  Core(const Settings& settings, Router& router, ServerHooks hooks)
      : settings_(settings), router_(router), hooks_(std::move(hooks)) {
    unsigned n = settings_.threads != 0 ? settings_.threads : std::thread::hardware_concurrency();
    if (n == 0) n = 1;
    for (unsigned i = 0; i < n; ++i) workers_.push_back(std::make_unique<Worker>());
  }

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
  std::shared_ptr<const HeaderList> default_headers() const {
    if (!hooks_.default_headers) return nullptr;
    try {
      return hooks_.default_headers();
    } catch (const std::exception& e) {
      spdlog::error("the default-headers hook threw: {}", e.what());
      return nullptr;
    }
  }

  void count_served() { ++served_; }
  // Registration fails once stop() has begun, so no connection escapes the stop.
  bool register_session(Session* s, std::weak_ptr<Session> w);
  void unregister_session(Session* s);

 private:
  Task<void> accept_loop(Worker& worker);
  void admit(Socket socket, Worker& worker);
  void refuse(Socket& socket);
  static void run_thread(Worker& worker);

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

  std::vector<std::unique_ptr<Worker>> workers_;

  friend class Session;
};

// One connection: a coroutine on its worker's io_context reads a request, has it answered,
// writes the response, and loops while the connection is kept alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  // The caller has counted the connection in core.open_ already (Core::admit).
  Session(Core& core, Worker& worker, Socket socket)
      : core_(core),
        worker_(worker),
        stream_(std::move(socket)),
        waker_(std::make_shared<Waker>(stream_.get_executor())) {
    ++worker_.open;
    head_.reserve(512);
    beast::error_code ec;
    // Asio would make the socket non-blocking at its first operation anyway; write() relies on
    // it before that, for its sendfile.
    stream_.socket().non_blocking(true, ec);
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      peer_ = normalize(endpoint.address());
      peer_text_ = peer_.to_string();
    }
  }

  ~Session() {
    core_.unregister_session(this);
    --worker_.open;
    --core_.open_;
  }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Executor executor() { return stream_.get_executor(); }

  Task<void> serve() {
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

  // Runs on the session's io_context when stop() begins.
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
  Task<std::optional<HeadScan>> read_head(bool first) {
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
                                                               asio::redirect_error(use_task, ec));
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
          co_await stream_.async_read_some(buffer_.prepare(kReadChunk), asio::redirect_error(use_task, ec));
      if (ec) co_return std::nullopt;
      buffer_.commit(n);
    }
  }

  // Reads one request, answers it, and says what becomes of the connection.
  Task<End> exchange(bool first) {
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
    parse_buffered_head(parser, ec);
    if (ec == bhttp::error::need_more) {
      // Cannot happen when scan_request_head and Beast agree; if they ever do not, Beast reads on.
      ec = {};
      co_await bhttp::async_read_header(stream_, buffer_, parser, asio::redirect_error(use_task, ec));
    }
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
        co_await bhttp::async_write(stream_, go_on, asio::redirect_error(use_task, ec));
        if (ec) co_return End::close_now;
        stream_.expires_at(read_deadline_);
      }
      co_await bhttp::async_read(stream_, buffer_, parser, asio::redirect_error(use_task, ec));
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
    std::shared_ptr<Exchange> pending;
    std::optional<Response> response = route(req, std::move(match), pending);
    if (!response) response = co_await wait_for_answer(std::move(pending));
    const bool keep = client_keeps_alive && !stopping();
    const bool written = co_await write(std::move(*response), head_only, version, keep);
    if (!written) co_return End::close_now;
    co_return keep ? End::keep_alive : End::close_gracefully;
  }

  // Routes the request and calls its handler. Returns the answer, or nullopt with `pending` set
  // when the handler answers later (wait_for_answer). Not a coroutine: most requests are answered
  // here at once, and each coroutine frame costs an allocation.
  std::optional<Response> route(const std::shared_ptr<Request>& req, RouteMatch m,
                                std::shared_ptr<Exchange>& pending) {
    switch (m.outcome) {
      case RouteMatch::Outcome::found: return call(*m.handler, req, pending);
      case RouteMatch::Outcome::redirect: {
        // 308 keeps the method and body, so a form posted to the other spelling still arrives.
        std::string location = percent_encode_path(m.location);
        if (!req->query.empty()) location += "?" + req->query;
        Response r = Response::text(308, "Moved to " + location + "\n");
        r.set_header("Location", location);
        return r;
      }
      case RouteMatch::Outcome::method_not_allowed: {
        Response r = core_.error_response(
            req.get(), Error::make(ErrorKind::method_not_allowed, "This method is not allowed here."));
        r.set_header("Allow", m.allow);
        return r;
      }
      case RouteMatch::Outcome::not_found:
        return core_.error_response(req.get(), Error::make(ErrorKind::not_found, "Page not found."));
    }
    return core_.error_response(req.get(), Error::make(ErrorKind::internal, "Internal error."));
  }

  // Calls the handler; its answer if it gave one at once, else nullopt with `pending` set.
  std::optional<Response> call(const Handler& handler, const std::shared_ptr<Request>& req,
                               std::shared_ptr<Exchange>& pending) {
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
    std::optional<Response> answer = take_answer(*ex, *req);
    if (!answer) pending = std::move(ex);
    return answer;
  }

  // The handler's answer if it has come (or the one the server gives in its place); otherwise
  // nullopt, and from then on an answer wakes this session.
  std::optional<Response> take_answer(Exchange& ex, const Request& req) {
    std::lock_guard lock(ex.mutex);
    if (ex.answered) {
      if (ex.response) return std::move(*ex.response);
      return core_.error_response(&req, Error::make(ErrorKind::internal, "Internal error.", {},
                                                    "the handler for " + req.method + " " + req.target +
                                                        " dropped its respond callback without answering"));
    }
    if (answer_deadline_ && Clock::now() >= *answer_deadline_) {
      ex.answered = true;  // a late answer is dropped
      return core_.error_response(&req, Error::make(ErrorKind::unavailable,
                                                    "The server is shutting down; please try again.", {},
                                                    "no answer from the handler for " + req.method + " " +
                                                        req.target + " within write_timeout after stop"));
    }
    ex.waiting = true;
    return std::nullopt;
  }

  // Waits, on this session's io_context, for an answer given later from whichever thread.
  Task<Response> wait_for_answer(std::shared_ptr<Exchange> ex) {
    for (;;) {
      beast::error_code ec;
      waker_->timer.expires_at(answer_deadline_.value_or(Clock::time_point::max()));
      co_await waker_->timer.async_wait(asio::redirect_error(use_task, ec));
      if (std::optional<Response> answer = take_answer(*ex, *ex->request)) co_return std::move(*answer);
    }
  }

  // Parses the head already in buffer_ without a trip through the scheduler (Beast's
  // async_read_header completes through a post even when it has nothing to read). Leaves what
  // follows the head (a body, a pipelined request) in buffer_.
  void parse_buffered_head(bhttp::request_parser<bhttp::string_body>& parser, beast::error_code& ec) {
    ec = {};
    while (!parser.is_header_done()) {
      if (buffer_.size() == 0) {
        ec = bhttp::error::need_more;
        return;
      }
      const std::size_t used = parser.put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec) return;
    }
  }

  // Writes a response; false when the connection is lost.
  Task<bool> write(Response r, bool head_only, unsigned version, bool keep) {
    phase_ = Phase::writing;
    if (!std::all_of(r.headers.begin(), r.headers.end(),
                     [](const auto& h) { return valid_header(h.first, h.second); })) {
      r = core_.error_response(nullptr, Error::make(ErrorKind::internal, "Internal error.", {},
                                                    "a handler set a header with a bad name or a CR/LF in its value"));
    }
    const auto defaults = core_.default_headers();
    compose_head(head_, r, version, keep, cached_http_date(), defaults.get());
    // Head and body in one gathered write: the shared body is sent from where it is, not copied,
    // and `r` keeps it alive until the write has completed.
    const bool bodiless = r.status < 200 || r.status == 204 || r.status == 304;
    const bool with_body = !head_only && !bodiless && r.body && !r.body->empty();
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head_),
                                              with_body ? asio::buffer(*r.body) : asio::const_buffer()};
    if (with_body && r.body->size() >= kSendfileMinBytes) {
      if (const int fd = body_files().fd_for(r.body); fd >= 0) {
        // The socket is non-blocking (set in the constructor): this never waits.
        const auto [head_sent, body_sent] =
            send_head_and_file(stream_.socket().native_handle(), head_, fd, r.body->size());
        buffers[0] += head_sent;
        buffers[1] += body_sent;
        if (buffers[0].size() == 0 && buffers[1].size() == 0) {
          core_.count_served();
          co_return true;
        }
      }
    }

    // Most responses fit in the socket's buffer: write them now, without a trip through the
    // scheduler (Asio posts the completion of an operation even when it finished at once).
    beast::error_code ec;
    while (buffers[0].size() + buffers[1].size() > 0) {
      const std::size_t n = stream_.socket().write_some(buffers, ec);
      if (ec) break;
      const std::size_t from_head = std::min(n, buffers[0].size());
      buffers[0] += from_head;
      buffers[1] += n - from_head;
    }
    if (!ec) {
      core_.count_served();
      co_return true;
    }
    if (ec != asio::error::would_block && ec != asio::error::try_again) {
      spdlog::debug("writing a response to {} failed: {}", peer_text_, ec.message());
      co_return false;
    }
    ec = {};
    stream_.expires_after(core_.limits().write_timeout);
    co_await asio::async_write(stream_, buffers, asio::redirect_error(use_task, ec));
    if (ec) {
      spdlog::debug("writing a response to {} failed: {}", peer_text_, ec.message());
      co_return false;
    }
    core_.count_served();
    co_return true;
  }

  // Answers a request that cannot be served, then the connection closes (what follows in the
  // stream cannot be trusted to start a request).
  Task<End> fail(const Request* req, Error e, unsigned version = 11) {
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
  Task<void> close_gracefully() {
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
      drained += co_await stream_.async_read_some(asio::buffer(scratch), asio::redirect_error(use_task, ec));
      if (ec) break;
    }
    close_now();
  }

  static std::string_view as_view(const beast::flat_buffer& b) {
    const auto data = b.data();
    return {static_cast<const char*>(data.data()), data.size()};
  }

  Core& core_;
  Worker& worker_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::string head_;  // the response head being written, reused between responses
  std::shared_ptr<Waker> waker_;
  asio::ip::address peer_;
  std::string peer_text_ = "unknown";
  Phase phase_ = Phase::idle;
  bool stop_seen_ = false;
  Clock::time_point read_deadline_{};
  std::optional<Clock::time_point> answer_deadline_;
};

Task<void> run_session(std::shared_ptr<Session> session) {
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
    tcp::resolver resolver(workers_.front()->ioc);
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
  Acceptor& first = workers_.front()->acceptor.emplace(workers_.front()->ioc);
  first.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  first.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("setsockopt(SO_REUSEADDR)");
  first.bind(endpoint, ec);
  if (ec) return fail("bind");
  first.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  // Non-blocking, so accept_loop can take every queued connection without waiting, and so a
  // worker woken for a connection another worker took gets EAGAIN instead of blocking.
  first.non_blocking(true, ec);
  if (ec) return fail("non_blocking");
  port_ = first.local_endpoint(ec).port();
  if (ec) return fail("getsockname");
  // The other workers listen on duplicates of the same socket (see Worker).
  for (std::size_t i = 1; i < workers_.size(); ++i) {
    const int fd = ::fcntl(first.native_handle(), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
      ec.assign(errno, boost::system::system_category());
      return fail("fcntl(F_DUPFD_CLOEXEC)");
    }
    Acceptor& other = workers_[i]->acceptor.emplace(workers_[i]->ioc);
    other.assign(endpoint.protocol(), fd, ec);
    if (ec) {
      ::close(fd);
      return fail("assign");
    }
    other.non_blocking(true, ec);
    if (ec) return fail("non_blocking");
  }

  for (auto& worker : workers_) {
    asio::co_spawn(worker->ioc, accept_loop(*worker),
                   [](std::exception_ptr e) { log_exception("an accept loop", e); });
  }
  started_ = true;
  spdlog::info("listening on {} (port {}, {} threads)", settings_.listen, port_, workers_.size());
  return {};
}

Task<void> Core::accept_loop(Worker& worker) {
  Acceptor& acceptor = *worker.acceptor;
  for (;;) {
    beast::error_code ec;
    Socket socket(worker.ioc);
    co_await acceptor.async_accept(socket, asio::redirect_error(use_task, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      spdlog::warn("accept failed: {}", ec.message());
      Timer pause(worker.ioc, kAcceptBackoff);
      co_await pause.async_wait(asio::redirect_error(use_task, ec));
      continue;
    }
    admit(std::move(socket), worker);
    // Take every connection already queued before waiting again: each async_accept goes through
    // the scheduler, behind every other ready handler, and under load the backlog would then
    // overflow while sessions run. But not more than this thread's share of the open connections:
    // a client opening its connections all at once (a load generator, a proxy) would otherwise
    // land them all on the first thread to wake, and the other threads would idle. What is left
    // queued goes to the other threads, or to this one's next async_accept, which takes a queued
    // connection at once.
    while (worker.open.load() * workers_.size() <= open_.load() + workers_.size()) {
      Socket next(worker.ioc);
      acceptor.accept(next, ec);
      if (ec) break;  // would_block: the queue is empty; other errors show up in async_accept
      admit(std::move(next), worker);
    }
  }
}

void Core::admit(Socket socket, Worker& worker) {
  // Counted before the check, so workers admitting at the same moment cannot both take the last
  // place; the session gives the place back when it ends.
  if (open_.fetch_add(1) >= settings_.limits.max_connections) {
    --open_;
    refuse(socket);
    return;
  }
  beast::error_code ec;
  // Responses go out in one write; without this, Nagle's algorithm could hold a small second
  // segment (the 100-continue case) until the client's delayed ACK.
  socket.set_option(tcp::no_delay(true), ec);
  auto session = std::make_shared<Session>(*this, worker, std::move(socket));
  if (!register_session(session.get(), session)) return;  // stopping: the session closes the socket
  const auto executor = session->executor();
  asio::co_spawn(executor, run_session(std::move(session)),
                 [](std::exception_ptr e) { log_exception("a connection", e); });
}

// Over the connection limit: a best-effort 503 without blocking, then close. The request is not
// read, so this costs one write whatever the client sends.
void Core::refuse(Socket& socket) {
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

void Core::run_thread(Worker& worker) {
  for (;;) {
    try {
      worker.ioc.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("a server thread caught an exception and goes on: {}", e.what());
    }
  }
}

// sendfile(2) has no MSG_NOSIGNAL: sending to a connection the client has reset raises SIGPIPE
// on the sending thread, and SIGPIPE's default action ends the process. The server's threads run
// with it blocked (the threads run() starts inherit the mask); one left pending on the caller's
// thread is taken before the caller's mask is restored.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlocked() {
    if (sigismember(&old_, SIGPIPE) == 1) return;  // the caller had it blocked already
    const timespec zero{};
    while (sigtimedwait(&pipe_, nullptr, &zero) == SIGPIPE) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
};

void Core::run() {
  if (!started_) return;
  const SigpipeBlocked sigpipe_blocked;
  std::vector<std::thread> threads;
  threads.reserve(workers_.size() - 1);
  for (std::size_t i = 1; i < workers_.size(); ++i) threads.emplace_back([this, i] { run_thread(*workers_[i]); });
  run_thread(*workers_.front());
  for (auto& t : threads) t.join();
}

void Core::stop() {
  if (stopping_.exchange(true)) return;
  spdlog::info("stopping: finishing the requests in flight");
  for (auto& worker : workers_) {
    if (!worker->acceptor) continue;
    asio::post(worker->ioc, [&acceptor = *worker->acceptor] {
      beast::error_code ec;
      acceptor.close(ec);
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
