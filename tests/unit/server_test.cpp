// The HTTP server in-process on port 0, driven by a raw-socket client, so the test sees exactly
// the bytes on the wire: limits just under and just over, timeouts, keep-alive, HEAD, stop().
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/server.hpp"

namespace twinning::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kDeadline = 5s;  // generous bound for anything that should happen "soon"

struct RawResponse {
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n.size() == name.size() && strncasecmp(n.data(), name.data(), n.size()) == 0) return v;
    }
    return std::nullopt;
  }
};

// A blocking POSIX client with deadlines through poll(); keeps bytes received beyond a response.
class Client {
 public:
  // receive_buffer > 0 fixes the socket's receive buffer (and so the TCP window) before connecting.
  explicit Client(unsigned short port, int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // One response; nullopt when the connection ends or the deadline passes first.
  std::optional<RawResponse> read_response(bool to_head = false, Clock::duration deadline = kDeadline) {
    const auto until = Clock::now() + deadline;
    for (;;) {
      if (auto r = take_response(to_head)) return r;
      if (!receive_some(until)) return std::nullopt;
    }
  }

  // True when the server closes the connection before the deadline (bytes sent before the close
  // are kept in pending()).
  bool closed_within(Clock::duration deadline) {
    const auto until = Clock::now() + deadline;
    while (receive_some(until)) {
    }
    return eof_;
  }

  const std::string& pending() const { return pending_; }

 private:
  // false on EOF, error or deadline.
  bool receive_some(Clock::time_point until) {
    if (eof_) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;  // orderly close or reset: either way the server ended the connection
      return false;
    }
    pending_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  std::optional<RawResponse> take_response(bool to_head) {
    const auto end = pending_.find("\r\n\r\n");
    if (end == std::string::npos) return std::nullopt;
    RawResponse r;
    const std::string head = pending_.substr(0, end + 2);
    std::size_t pos = head.find("\r\n");
    const std::string status_line = head.substr(0, pos);
    if (status_line.size() < 12) return std::nullopt;
    r.status = static_cast<unsigned>(std::stoul(status_line.substr(9, 3)));
    pos += 2;
    while (pos < head.size()) {
      const auto eol = head.find("\r\n", pos);
      const std::string line = head.substr(pos, eol - pos);
      const auto colon = line.find(':');
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers.emplace_back(line.substr(0, colon), value);
      pos = eol + 2;
    }
    std::size_t length = 0;
    if (auto cl = r.header("Content-Length"); cl && !to_head && r.status >= 200 && r.status != 204 && r.status != 304) {
      length = std::stoul(*cl);
    }
    if (pending_.size() < end + 4 + length) return std::nullopt;
    r.body = pending_.substr(end + 4, length);
    pending_.erase(0, end + 4 + length);
    return r;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string pending_;
};

// A request the test answers itself, from its own thread, when it chooses.
struct HeldRequest {
  std::mutex mutex;
  std::condition_variable arrived;
  std::optional<Respond> respond;

  Respond wait(Clock::duration deadline = kDeadline) {
    std::unique_lock lock(mutex);
    arrived.wait_for(lock, deadline, [&] { return respond.has_value(); });
    if (!respond) return {};
    Respond r = std::move(*respond);
    respond.reset();
    return r;
  }
};

struct ErrorCall {
  bool had_request = false;
  ErrorKind kind = ErrorKind::internal;
};

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    settings_.listen = "127.0.0.1:0";
    settings_.threads = 2;
    settings_.limits.max_body_bytes = 1000;
    settings_.limits.max_header_bytes = 500;
    settings_.limits.max_request_line_bytes = 200;
    settings_.limits.read_timeout = 2s;
    settings_.limits.idle_timeout = 2s;
    settings_.limits.write_timeout = 2s;
    add_routes();
  }

  ~ServerTest() override {
    stop();
    std::lock_guard lock(threads_mutex_);
    for (auto& t : threads_) t.join();
  }

  void start() {
    ServerHooks hooks;
    hooks.render_error = [this](const Request* req, const Error& e) {
      {
        std::lock_guard lock(errors_mutex_);
        errors_.push_back({req != nullptr, e.kind});
      }
      // 200 on purpose: the server must set the status from the one table.
      return Response::text(200, std::string("rendered ") + to_string(e.kind) + (req ? " for " + req->path : ""));
    };
    server_ = std::make_unique<Server>(settings_, router_, hooks);
    auto started = server_->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    ASSERT_NE(server_->port(), 0);
    runner_ = std::thread([this] { server_->run(); });
  }

  void stop() {
    if (server_) server_->stop();
    if (runner_.joinable()) runner_.join();
  }

  std::unique_ptr<Client> connect() {
    auto c = std::make_unique<Client>(server_->port());
    EXPECT_TRUE(c->connected());
    return c;
  }

  // One request on a new connection.
  std::optional<RawResponse> exchange(const std::string& request, bool to_head = false) {
    auto c = connect();
    if (!c->send(request)) return std::nullopt;
    return c->read_response(to_head);
  }

  std::vector<ErrorCall> errors() {
    std::lock_guard lock(errors_mutex_);
    return errors_;
  }

  void add_routes() {
    auto echo = [](Request& req, Respond respond) {
      std::string out = "method=" + req.method + "\npath=" + req.path + "\nquery=" + req.query +
                        "\nbody=" + std::to_string(req.body.size()) + "\nip=" + req.client_ip + "\n";
      for (const auto& [k, v] : req.params) out += k + "=" + v + "\n";
      respond(Response::text(200, out));
    };
    router_.add("GET", "/echo", echo);
    router_.add("POST", "/echo", echo);
    router_.add("GET", "/{campaign}/{lang}/", echo);
    router_.add("GET", "/later", [this](Request& req, Respond respond) {
      // Answers from another thread, after the handler has returned, like the store's writer.
      std::lock_guard lock(threads_mutex_);
      threads_.emplace_back([respond = std::move(respond), path = req.path] {
        std::this_thread::sleep_for(20ms);
        respond(Response::text(200, "later " + path));
      });
    });
    router_.add("GET", "/held", [this](Request&, Respond respond) {
      std::lock_guard lock(held_.mutex);
      held_.respond = std::move(respond);
      held_.arrived.notify_all();
    });
    router_.add("GET", "/throw", [](Request&, Respond) { throw std::runtime_error("boom"); });
    router_.add("GET", "/throw-error",
                [](Request&, Respond) { throw ErrorException(Error::make(ErrorKind::conflict, "already submitted")); });
    router_.add("GET", "/drop", [](Request&, Respond) {});
    router_.add("GET", "/twice", [](Request&, Respond respond) {
      respond(Response::text(200, "first"));
      respond(Response::text(500, "second"));
    });
    router_.add("GET", "/bad-header", [](Request&, Respond respond) {
      Response r = Response::text(200, "x");
      r.set_header("X-Injected", "a\r\nSet-Cookie: evil=1");
      respond(std::move(r));
    });
    router_.add("GET", "/owned-header", [](Request&, Respond respond) {
      Response r = Response::text(200, "four");
      r.set_header("Content-Length", "999");
      r.set_header("Connection", "close");
      respond(std::move(r));
    });
    router_.add("GET", "/empty", [](Request&, Respond respond) {
      Response r;
      r.status = 204;
      respond(std::move(r));
    });
    router_.add("GET", "/big", [this](Request&, Respond respond) {
      Response r;
      r.body = big_body_;
      respond(std::move(r));
      big_answered_ = true;
    });
  }

  Settings settings_;
  Router router_;
  std::unique_ptr<Server> server_;
  std::thread runner_;
  HeldRequest held_;
  std::shared_ptr<const std::string> big_body_;
  std::atomic<bool> big_answered_{false};
  std::mutex errors_mutex_;
  std::vector<ErrorCall> errors_;
  std::mutex threads_mutex_;
  std::vector<std::thread> threads_;
};

// For state only the server sees (its counters): checked until true or kDeadline passes.
template <typename Predicate>
bool eventually(Predicate done) {
  const auto until = Clock::now() + kDeadline;
  while (!done()) {
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

std::string get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n";
}

std::string post(const std::string& target, const std::string& body, const std::string& extra = "") {
  return "POST " + target + " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         extra + "\r\n" + body;
}

// ---------------------------------------------------------------- basics

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  start();
  auto c = connect();
  ASSERT_TRUE(c->send(get("/echo?a=1")));
  auto first = c->read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200u);
  EXPECT_NE(first->body.find("path=/echo\nquery=a=1\n"), std::string::npos) << first->body;
  EXPECT_EQ(first->header("Server"), "twinning");
  EXPECT_TRUE(first->header("Date"));
  EXPECT_EQ(first->header("Content-Length"), std::to_string(first->body.size()));
  EXPECT_EQ(first->header("Connection"), std::nullopt);

  ASSERT_TRUE(c->send(post("/echo", "name=x")));
  auto second = c->read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200u);
  EXPECT_NE(second->body.find("method=POST"), std::string::npos);
  EXPECT_NE(second->body.find("body=6"), std::string::npos);
  // Counted once the write completes, which may be just after the client has the bytes.
  EXPECT_TRUE(eventually([&] { return server_->stats().requests_served == 2; }));
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  auto c = connect();
  // The empty line after the POST body is one some clients send; it is skipped.
  ASSERT_TRUE(c->send(get("/echo?n=1") + post("/echo", "abc") + "\r\n" + get("/echo?n=3")));
  for (const char* expected : {"query=n=1", "body=3", "query=n=3"}) {
    auto r = c->read_response();
    ASSERT_TRUE(r) << expected;
    EXPECT_NE(r->body.find(expected), std::string::npos) << r->body;
  }
}

TEST_F(ServerTest, ConnectionCloseAndHttp10AreHonoured) {
  start();
  auto c = connect();
  ASSERT_TRUE(c->send(get("/echo", "Connection: close\r\n")));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c->closed_within(kDeadline));

  auto old = connect();
  ASSERT_TRUE(old->send("GET /echo HTTP/1.0\r\n\r\n"));  // no Host needed in 1.0
  auto r10 = old->read_response();
  ASSERT_TRUE(r10);
  EXPECT_EQ(r10->status, 200u);
  EXPECT_TRUE(old->closed_within(kDeadline));
}

TEST_F(ServerTest, PathParametersQueryAndAbsoluteForm) {
  start();
  auto r = exchange(get("/naju-haderslev/ko/?x=%20"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_NE(r->body.find("campaign=naju-haderslev\nlang=ko\n"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("query=x=%20\n"), std::string::npos) << r->body;

  auto encoded = exchange(get("/%EB%82%98%EC%A3%BC/ko/"));
  ASSERT_TRUE(encoded);
  EXPECT_NE(encoded->body.find("campaign=나주"), std::string::npos) << encoded->body;

  auto absolute = exchange("GET http://test/echo?y=2 HTTP/1.1\r\nHost: test\r\n\r\n");
  ASSERT_TRUE(absolute);
  EXPECT_EQ(absolute->status, 200u);
  EXPECT_NE(absolute->body.find("path=/echo\nquery=y=2"), std::string::npos) << absolute->body;

  auto leading = exchange("\r\n" + get("/echo"));  // RFC 9112 2.2: ignore an empty line first
  ASSERT_TRUE(leading);
  EXPECT_EQ(leading->status, 200u);
}

TEST_F(ServerTest, HeadAnswersLikeGetWithoutBody) {
  start();
  auto c = connect();
  ASSERT_TRUE(c->send(get("/echo")));
  auto got = c->read_response();
  ASSERT_TRUE(got);
  ASSERT_TRUE(c->send("HEAD /echo HTTP/1.1\r\nHost: test\r\n\r\n"));
  auto head = c->read_response(true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200u);
  // Same length as the GET ("method=HEAD" and "method=GET" differ by one byte).
  EXPECT_EQ(head->header("Content-Length"), std::to_string(got->body.size() + 1));
  EXPECT_TRUE(head->body.empty());
  // No body bytes followed: the next response starts right after the head.
  // An error answer to HEAD has no body either.
  ASSERT_TRUE(c->send("HEAD /no/such/page HTTP/1.1\r\nHost: test\r\n\r\n"));
  auto missing = c->read_response(true);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404u);
  EXPECT_NE(missing->header("Content-Length"), "0");
  ASSERT_TRUE(c->send(get("/echo?after=head")));
  auto next = c->read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200u);
  EXPECT_NE(next->body.find("after=head"), std::string::npos);
}

TEST_F(ServerTest, NoContentHasNoBodyOrLength) {
  start();
  auto c = connect();
  ASSERT_TRUE(c->send(get("/empty") + get("/echo")));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204u);
  EXPECT_EQ(r->header("Content-Length"), std::nullopt);
  auto next = c->read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200u);
}

TEST_F(ServerTest, HandlerAnsweringFromAnotherThread) {
  start();
  auto c = connect();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c->send(get("/later")));
    auto r = c->read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, "later /later");
  }
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponse) {
  start();
  auto c = connect();
  ASSERT_TRUE(c->send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = c->read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100u);
  ASSERT_TRUE(c->send("hello"));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_NE(r->body.find("body=5"), std::string::npos);
}

TEST_F(ServerTest, ClientIpFromTrustedProxyOnly) {
  settings_.trusted_proxies = {"127.0.0.1"};
  start();
  auto r = exchange(get("/echo", "X-Forwarded-For: 203.0.113.7, 198.51.100.2\r\n"));
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("ip=198.51.100.2\n"), std::string::npos) << r->body;
  auto junk = exchange(get("/echo", "X-Forwarded-For: 203.0.113.7, not-an-ip\r\n"));
  ASSERT_TRUE(junk);
  EXPECT_NE(junk->body.find("ip=127.0.0.1\n"), std::string::npos) << junk->body;
  auto none = exchange(get("/echo"));
  ASSERT_TRUE(none);
  EXPECT_NE(none->body.find("ip=127.0.0.1\n"), std::string::npos) << none->body;
}

TEST_F(ServerTest, ForwardedForIgnoredFromUntrustedPeer) {
  start();
  auto r = exchange(get("/echo", "X-Forwarded-For: 203.0.113.7\r\n"));
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("ip=127.0.0.1\n"), std::string::npos) << r->body;
}

// ---------------------------------------------------------------- routing errors

TEST_F(ServerTest, UnknownRouteIs404ThroughRenderError) {
  start();
  auto c = connect();
  ASSERT_TRUE(c->send(get("/no/such/page")));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404u);
  EXPECT_EQ(r->body, "rendered not_found for /no/such/page");
  ASSERT_EQ(errors().size(), 1u);
  EXPECT_TRUE(errors()[0].had_request);
  // A routing error does not end the connection.
  ASSERT_TRUE(c->send(get("/echo")));
  auto next = c->read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200u);
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  start();
  auto r = exchange(post("/naju-haderslev/ko/", "x=1"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405u);
  EXPECT_EQ(r->header("Allow"), "GET, HEAD");
  EXPECT_EQ(r->body, "rendered method_not_allowed for /naju-haderslev/ko/");
}

TEST_F(ServerTest, MissingTrailingSlashRedirects) {
  start();
  auto r = exchange(get("/naju-haderslev/ko?ref=share"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 308u);
  EXPECT_EQ(r->header("Location"), "/naju-haderslev/ko/?ref=share");
  auto kr = exchange(get("/%EB%82%98%EC%A3%BC/ko"));
  ASSERT_TRUE(kr);
  EXPECT_EQ(kr->header("Location"), "/%EB%82%98%EC%A3%BC/ko/");
  auto evil = exchange(get("//evil.example/"));
  ASSERT_TRUE(evil);
  EXPECT_EQ(evil->status, 404u);
}

TEST_F(ServerTest, BadPathsAre400ThroughRenderError) {
  start();
  for (const char* target : {"/static/../secret", "/a%2Fb/ko/", "/a%00/ko/", "/a%4/ko/", "/%C0%AF/ko/"}) {
    auto r = exchange(get(target));
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 400u) << target;
    EXPECT_EQ(r->body.rfind("rendered ", 0), 0u) << r->body;
  }
  auto utf8 = exchange(get("/%C0%AF/ko/"));
  ASSERT_TRUE(utf8);
  EXPECT_EQ(utf8->body, "rendered invalid_utf8 for ");
}

// ---------------------------------------------------------------- handler mistakes

TEST_F(ServerTest, ThrowingHandlerIs500) {
  start();
  auto r = exchange(get("/throw"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500u);
  EXPECT_EQ(r->body, "rendered internal for /throw");
  EXPECT_EQ(r->body.find("boom"), std::string::npos);  // the detail stays in the log
  auto typed = exchange(get("/throw-error"));
  ASSERT_TRUE(typed);
  EXPECT_EQ(typed->status, 409u);
}

TEST_F(ServerTest, DroppedRespondIs500NotAHang) {
  start();
  auto r = exchange(get("/drop"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500u);
}

TEST_F(ServerTest, SecondAnswerIsIgnored) {
  start();
  auto c = connect();
  ASSERT_TRUE(c->send(get("/twice") + get("/echo")));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "first");
  auto next = c->read_response();
  ASSERT_TRUE(next);
  EXPECT_NE(next->body.find("method=GET"), std::string::npos);
}

TEST_F(ServerTest, HeaderInjectionFromAHandlerIsRefused) {
  start();
  auto r = exchange(get("/bad-header"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500u);
  EXPECT_EQ(r->header("Set-Cookie"), std::nullopt);
}

TEST_F(ServerTest, FramingHeadersBelongToTheServer) {
  start();
  auto c = connect();
  ASSERT_TRUE(c->send(get("/owned-header") + get("/echo")));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Content-Length"), "4");
  EXPECT_EQ(r->body, "four");
  auto next = c->read_response();  // still kept alive
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200u);
}

// ---------------------------------------------------------------- limits

TEST_F(ServerTest, BodyJustUnderPassesJustOverIs413) {
  start();
  const std::size_t max = settings_.limits.max_body_bytes;
  auto at = exchange(post("/echo", std::string(max, 'a')));
  ASSERT_TRUE(at);
  EXPECT_EQ(at->status, 200u);
  EXPECT_NE(at->body.find("body=" + std::to_string(max)), std::string::npos);
  auto under = exchange(post("/echo", std::string(max - 1, 'a')));
  ASSERT_TRUE(under);
  EXPECT_EQ(under->status, 200u);

  auto c = connect();
  ASSERT_TRUE(c->send(post("/echo", std::string(max + 1, 'a'))));
  auto over = c->read_response();
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 413u);
  EXPECT_EQ(over->body, "rendered payload_too_large for /echo");
  EXPECT_EQ(over->header("Connection"), "close");
  EXPECT_TRUE(c->closed_within(kDeadline));
}

TEST_F(ServerTest, OversizedContentLengthIsRefusedBeforeTheBody) {
  start();
  auto c = connect();
  // Only the head is sent: the answer cannot wait for a body that is not coming.
  ASSERT_TRUE(c->send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 1000000000\r\n\r\n"));
  auto r = c->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413u);
}

TEST_F(ServerTest, ChunkedBodyCountsAgainstTheLimit) {
  start();
  auto chunked = [](const std::string& body) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx", body.size());
    return "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(size) + "\r\n" +
           body + "\r\n0\r\n\r\n";
  };
  auto ok = exchange(chunked(std::string(settings_.limits.max_body_bytes, 'b')));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200u);
  EXPECT_NE(ok->body.find("body=1000"), std::string::npos) << ok->body;
  auto over = exchange(chunked(std::string(settings_.limits.max_body_bytes + 1, 'b')));
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 413u);
}

// The header section counts from after the request line's CRLF to the end of the empty line.
std::string request_with_header_bytes(std::size_t header_bytes) {
  const std::string fixed = "Host: test\r\nX-Pad: \r\n\r\n";
  return "GET /echo HTTP/1.1\r\n" + std::string("Host: test\r\nX-Pad: ") +
         std::string(header_bytes - fixed.size(), 'p') + "\r\n\r\n";
}

TEST_F(ServerTest, HeaderJustUnderPassesJustOverIs431) {
  start();
  const std::size_t max = settings_.limits.max_header_bytes;
  auto at = exchange(request_with_header_bytes(max));
  ASSERT_TRUE(at);
  EXPECT_EQ(at->status, 200u);
  auto under = exchange(request_with_header_bytes(max - 1));
  ASSERT_TRUE(under);
  EXPECT_EQ(under->status, 200u);
  auto c = connect();
  ASSERT_TRUE(c->send(request_with_header_bytes(max + 1)));
  auto over = c->read_response();
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 431u);
  EXPECT_EQ(over->body, "rendered header_too_large");  // no request could be made of it
  EXPECT_TRUE(c->closed_within(kDeadline));
}

std::string request_with_line_bytes(std::size_t line_bytes) {
  const std::string fixed = "GET /echo?p= HTTP/1.1";
  return "GET /echo?p=" + std::string(line_bytes - fixed.size(), 'q') + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

TEST_F(ServerTest, RequestLineJustUnderPassesJustOverIs414) {
  start();
  const std::size_t max = settings_.limits.max_request_line_bytes;
  auto at = exchange(request_with_line_bytes(max));
  ASSERT_TRUE(at);
  EXPECT_EQ(at->status, 200u);
  auto under = exchange(request_with_line_bytes(max - 1));
  ASSERT_TRUE(under);
  EXPECT_EQ(under->status, 200u);
  auto over = exchange(request_with_line_bytes(max + 1));
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 414u);
  // A line that never ends is refused as soon as it is too long, not at the read timeout.
  auto c = connect();
  ASSERT_TRUE(c->send("GET /" + std::string(max * 2, 'x')));
  auto endless = c->read_response(false, 1s);
  ASSERT_TRUE(endless);
  EXPECT_EQ(endless->status, 414u);
}

TEST_F(ServerTest, GarbageIs400ThenClose) {
  start();
  using namespace std::string_literals;
  for (const std::string& garbage :
       {"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"s, "GARBAGE\r\n\r\n"s, "GET / HTTP/9.9\r\nHost: x\r\n\r\n"s,
        "GET / HTTP/1.1\r\nNo colon here\r\n\r\n"s, "GET / HTTP/1.1\nHost: x\n\n"s, "G\x01T / HTTP/1.1\r\n\r\n"s,
        "GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\n"s, "GET / HTTP/1.1\r\nHost: x\r\nBad\x01: y\r\n\r\n"s}) {
    auto c = connect();
    ASSERT_TRUE(c->send(garbage));
    auto r = c->read_response();
    ASSERT_TRUE(r) << garbage;
    EXPECT_EQ(r->status, 400u) << garbage;
    EXPECT_EQ(r->header("Connection"), "close");
    EXPECT_TRUE(c->closed_within(kDeadline)) << garbage;
  }
  ASSERT_FALSE(errors().empty());
  EXPECT_FALSE(errors().front().had_request);  // nothing of the TLS bytes could make a request
}

TEST_F(ServerTest, AmbiguousFramingIs400) {
  start();
  for (const std::string& request : {
           // Request smuggling: both lengths.
           std::string("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "0\r\n\r\n"),
           std::string("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\nabc"),
           std::string("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
           std::string("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: -3\r\n\r\n"),
           std::string("GET /echo HTTP/1.1\r\n\r\n"),  // HTTP/1.1 without Host
       }) {
    auto r = exchange(request);
    ASSERT_TRUE(r) << request;
    EXPECT_EQ(r->status, 400u) << request;
  }
}

// ---------------------------------------------------------------- timeouts

TEST_F(ServerTest, HalfARequestIsClosedAfterReadTimeout) {
  settings_.limits.read_timeout = 200ms;
  start();
  auto c = connect();
  const auto sent = Clock::now();
  ASSERT_TRUE(c->send("GET /echo HTTP/1.1\r\nHost: te"));
  EXPECT_TRUE(c->closed_within(kDeadline));
  EXPECT_GE(Clock::now() - sent, 200ms);
  EXPECT_TRUE(c->pending().empty());  // closed without an answer
}

TEST_F(ServerTest, TricklingClientIsBoundedByReadTimeout) {
  settings_.limits.read_timeout = 300ms;
  start();
  auto c = connect();
  const std::string request = get("/echo", "X-Pad: " + std::string(400, 'x') + "\r\n");
  const auto sent = Clock::now();
  bool closed = false;
  // A byte every 20 ms keeps the connection busy but never finishes in time.
  for (std::size_t i = 0; i < request.size() && !closed; ++i) {
    if (!c->send(request.substr(i, 1))) break;
    closed = c->closed_within(20ms);
  }
  if (!closed) closed = c->closed_within(kDeadline);
  EXPECT_TRUE(closed);
  const auto took = Clock::now() - sent;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 300ms + kDeadline);
}

TEST_F(ServerTest, SilentNewConnectionIsClosedAfterReadTimeout) {
  settings_.limits.read_timeout = 200ms;
  settings_.limits.idle_timeout = 60s;
  start();
  auto c = connect();
  EXPECT_TRUE(c->closed_within(kDeadline));
}

TEST_F(ServerTest, IdleKeepAliveIsClosedAfterIdleTimeout) {
  settings_.limits.idle_timeout = 200ms;
  start();
  auto c = connect();
  ASSERT_TRUE(c->send(get("/echo")));
  ASSERT_TRUE(c->read_response());
  const auto answered = Clock::now();
  EXPECT_TRUE(c->closed_within(kDeadline));
  EXPECT_GE(Clock::now() - answered, 150ms);  // the idle timer starts just before the answer arrives
}

TEST_F(ServerTest, ClientThatDoesNotReadIsDroppedAfterWriteTimeout) {
  settings_.limits.write_timeout = 200ms;
  big_body_ = std::make_shared<const std::string>(64u << 20, 'z');  // far more than socket buffers hold
  start();
  // A fixed window (autotuning could otherwise buffer the whole body), above the loopback MSS so
  // the data still flows freely once the client reads.
  auto c = std::make_unique<Client>(server_->port(), 256 * 1024);
  ASSERT_TRUE(c->connected());
  ASSERT_TRUE(c->send(get("/big")));
  // Not reading: the server's write stalls until it gives up.
  ASSERT_TRUE(eventually([&] { return big_answered_.load(); }));
  EXPECT_TRUE(eventually([&] { return server_->stats().open_connections == 0; }));
  EXPECT_TRUE(c->closed_within(kDeadline));
  EXPECT_LT(c->pending().size(), big_body_->size());
  EXPECT_EQ(server_->stats().requests_served, 0u);
}

// ---------------------------------------------------------------- connections and stop

TEST_F(ServerTest, IdleConnectionsDoNotBlockANormalRequest) {
  settings_.threads = 1;
  settings_.limits.read_timeout = 30s;
  start();
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 200; ++i) idle.push_back(connect());
  auto r = exchange(get("/echo"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  // The idle ones are all still open and usable.
  ASSERT_TRUE(idle.front()->send(get("/echo")));
  EXPECT_TRUE(idle.front()->read_response());
  EXPECT_GE(server_->stats().open_connections, 200u);
}

TEST_F(ServerTest, ConnectionsOverTheLimitGet503) {
  settings_.limits.max_connections = 3;
  start();
  std::vector<std::unique_ptr<Client>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(connect());
    ASSERT_TRUE(open.back()->send(get("/echo")));
    ASSERT_TRUE(open.back()->read_response());  // answered: the server holds this connection
  }
  auto extra = connect();
  auto r = extra->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503u);
  EXPECT_TRUE(extra->closed_within(kDeadline));
  EXPECT_EQ(server_->stats().connections_refused, 1u);

  open.pop_back();  // one closes: the next connection is served again
  ASSERT_TRUE(eventually([&] { return server_->stats().open_connections < 3; }));
  auto again = exchange(get("/echo"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200u);
}

TEST_F(ServerTest, StopFinishesTheRequestInFlightAndClosesIdleOnes) {
  start();
  auto idle = connect();
  ASSERT_TRUE(idle->send(get("/echo")));
  ASSERT_TRUE(idle->read_response());  // now an idle keep-alive connection
  auto fresh = connect();              // connected, nothing sent

  auto busy = connect();
  ASSERT_TRUE(busy->send(get("/held")));
  Respond respond = held_.wait();
  ASSERT_TRUE(respond);

  std::thread stopper([this] { server_->stop(); });
  EXPECT_TRUE(idle->closed_within(kDeadline));
  EXPECT_TRUE(fresh->closed_within(kDeadline));

  respond(Response::text(200, "finished"));  // from the test's thread, after stop()
  auto r = busy->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "finished");
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(busy->closed_within(kDeadline));
  busy.reset();  // as a browser would after "Connection: close"; the server stops lingering

  stopper.join();
  runner_.join();  // run() returned
  EXPECT_EQ(server_->stats().open_connections, 0u);
  Client late(server_->port());
  EXPECT_FALSE(late.connected() && late.send(get("/echo")) && late.read_response(false, 500ms));
}

TEST_F(ServerTest, StopAnswers503WhenAHandlerNeverAnswers) {
  settings_.limits.write_timeout = 200ms;
  start();
  auto busy = connect();
  ASSERT_TRUE(busy->send(get("/held")));
  Respond respond = held_.wait();
  ASSERT_TRUE(respond);
  server_->stop();
  auto r = busy->read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503u);
  busy.reset();
  runner_.join();
  respond(Response::text(200, "too late"));  // after the connection is gone: harmless
  server_.reset();
  respond(Response::text(200, "after the server is gone"));  // harmless too
}

TEST_F(ServerTest, StartFailsOnAPortInUse) {
  start();
  Settings other = settings_;
  other.listen = "127.0.0.1:" + std::to_string(server_->port());
  Server second(other, router_, {});
  auto started = second.start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().kind, ErrorKind::io);
}

TEST_F(ServerTest, ErrorsWithoutRenderHookArePlainText) {
  Server plain(settings_, router_, {});
  ASSERT_TRUE(plain.start().ok());
  std::thread t([&] { plain.run(); });
  Client c(plain.port());
  ASSERT_TRUE(c.send(get("/nothing")));
  auto r = c.read_response();
  plain.stop();
  t.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404u);
  EXPECT_EQ(r->header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r->body, "Page not found.\n");
}

}  // namespace
}  // namespace twinning::http
