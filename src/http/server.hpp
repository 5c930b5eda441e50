#pragma once
// The HTTP/1.1 server: Boost.Beast and Asio with C++20 coroutines, hidden behind this header so
// only server.cpp pays for compiling Beast. docs/decisions/0003-http-server.md explains the choices.
//
// Life of a connection: accept (refused with 503 over Limits::max_connections) -> read the request
// head within read_timeout (414, 431, 400 checked on the raw bytes) -> check Content-Length against
// max_body_bytes (413) before reading the body -> route -> the handler answers through Respond,
// from any thread -> write within write_timeout -> wait up to idle_timeout for the next request.
#include <cstdint>
#include <functional>
#include <memory>

#include "common/config.hpp"
#include "common/result.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "http/security_headers.hpp"

namespace twinning::http {

struct ServerHooks {
  // Renders an error response for a request (the lead's code makes a page in the visitor's
  // language); `req` may be null when the request could not be parsed at all. The server sets
  // the status from http_status(e.kind) and adds Allow to a 405 after this returns. Called on the
  // server's threads, concurrently: it must be thread-safe. If empty or throwing, a plain-text
  // response with e.message is sent instead.
  std::function<Response(const Request* req, const Error& e)> render_error;
  // Headers added to every response that does not set the same header itself (names compared
  // without case): the security headers of security_headers.hpp. Called once per response, on the
  // server's threads; null or empty: none.
  std::function<std::shared_ptr<const HeaderList>()> default_headers;
};

class Server {
 public:
  struct Stats {
    std::size_t open_connections = 0;
    std::uint64_t requests_served = 0;      // responses written in full
    std::uint64_t connections_refused = 0;  // over max_connections
  };

  // `router` must outlive the server and not change once run() is called.
  Server(const Settings& settings, Router& router, ServerHooks hooks);
  ~Server();  // call stop() and wait for run() to return first
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens on settings.listen; port 0 picks a free one. Errors: io (cannot bind),
  // bad_request (listen or trusted_proxies malformed).
  Result<void> start();
  unsigned short port() const;  // the bound port, after start()

  // Blocks, running the server on Settings::threads threads (0 = one per core; the caller's
  // thread is one of them) until stop() has taken effect.
  void run();

  // Graceful and thread-safe (not async-signal-safe: call it from a signal_set or a thread that
  // waits for signals). Stops accepting, closes idle keep-alive connections, lets requests in
  // flight finish (a handler that has not answered within write_timeout is answered 503), then
  // run() returns. Responses written after stop() carry "Connection: close".
  void stop();

  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace twinning::http
