// src/http without sockets: form, query and path decoding, the router, the status table, the
// request-head measure, dates and the message helpers. The server itself: server_test.cpp.
#include <gtest/gtest.h>

#include <string>

#include "http/date.hpp"
#include "http/error_status.hpp"
#include "http/form.hpp"
#include "http/message.hpp"
#include "http/request_head.hpp"
#include "http/router.hpp"

namespace twinning::http {
namespace {

using namespace std::string_literals;

Limits limits_with_field(std::size_t max_field_bytes) {
  Limits l;
  l.max_field_bytes = max_field_bytes;
  return l;
}

// ---------------------------------------------------------------- forms

TEST(Form, DecodesPlusAndPercentEscapes) {
  auto f = parse_form("name=Mette+Frederiksen&city=Haderslev&note=a%2Bb%3Dc%26d&empty=&flag", Limits{});
  ASSERT_TRUE(f.ok()) << f.error().message;
  const FormFields expected = {
      {"name", "Mette Frederiksen"}, {"city", "Haderslev"}, {"note", "a+b=c&d"}, {"empty", ""}, {"flag", ""}};
  EXPECT_EQ(*f, expected);
}

TEST(Form, DecodesUtf8InBothCases) {
  auto f = parse_form("city=%EB%82%98%EC%A3%BC&dk=%c3%86r%c3%b8", Limits{});
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(find_field(*f, "city"), "나주");
  EXPECT_EQ(find_field(*f, "dk"), "Ærø");
  EXPECT_EQ(find_field(*f, "absent"), std::nullopt);
}

TEST(Form, PlusIsSpaceButEncodedPlusIsPlus) {
  auto f = parse_form("a=1+2&b=1%2B2&c=++&d%2Bx=+", Limits{});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(find_field(*f, "a"), "1 2");
  EXPECT_EQ(find_field(*f, "b"), "1+2");
  EXPECT_EQ(find_field(*f, "c"), "  ");
  EXPECT_EQ(find_field(*f, "d+x"), " ");
}

TEST(Form, SkipsEmptyPiecesAndKeepsEqualsInValues) {
  auto f = parse_form("&a=1&&b=x=y&", Limits{});
  ASSERT_TRUE(f.ok());
  const FormFields expected = {{"a", "1"}, {"b", "x=y"}};
  EXPECT_EQ(*f, expected);
  auto empty = parse_form("", Limits{});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(Form, MalformedEscapeNamesTheField) {
  for (const char* body : {"email=a%", "email=a%4", "email=%G1", "email=%4G", "email=%%41", "email=100%"}) {
    auto f = parse_form("name=x&"s + body, Limits{});
    ASSERT_FALSE(f.ok()) << body;
    EXPECT_EQ(f.error().kind, ErrorKind::bad_request) << body;
    EXPECT_EQ(f.error().field, "email") << body;
  }
}

TEST(Form, BrokenNamesAreRefusedWithoutNamingThem) {
  for (const char* body : {"%ZZ=1", "=value", "%C3=1", "a%00b=1", "%0A=1"}) {
    auto f = parse_form(body, Limits{});
    ASSERT_FALSE(f.ok()) << body;
    EXPECT_EQ(f.error().kind, ErrorKind::bad_request) << body;
    EXPECT_EQ(f.error().field, "") << body;
  }
}

TEST(Form, InvalidUtf8InAValueIsInvalidUtf8NamingTheField) {
  const char* bad[] = {
      "%C0%AF",        // overlong '/'
      "%E0%80%AF",     // overlong, three bytes
      "%ED%A0%80",     // surrogate U+D800
      "%F4%90%80%80",  // above U+10FFFF
      "%E2%82",        // truncated
      "abc%C3",        // truncated at the end
      "%E9t%E9",       // Latin-1
      "%80",           // stray continuation byte
  };
  for (const char* value : bad) {
    auto f = parse_form("message="s + value, Limits{});
    ASSERT_FALSE(f.ok()) << value;
    EXPECT_EQ(f.error().kind, ErrorKind::invalid_utf8) << value;
    EXPECT_EQ(f.error().field, "message") << value;
  }
  // Raw (unescaped) bytes are checked the same way.
  auto raw = parse_form("message=\xC3\x28", Limits{});
  ASSERT_FALSE(raw.ok());
  EXPECT_EQ(raw.error().kind, ErrorKind::invalid_utf8);
}

TEST(Form, DuplicateParameterIsRefusedNamingIt) {
  auto f = parse_form("email=a%40example.org&name=x&email=b%40example.org", Limits{});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().kind, ErrorKind::bad_request);
  EXPECT_EQ(f.error().field, "email");
  // Same name written two ways is still the same name.
  auto g = parse_form("e+mail=1&e%20mail=2", Limits{});
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().field, "e mail");
}

TEST(Form, FieldLimitJustUnderPassesJustOverFails) {
  const Limits limits = limits_with_field(10);
  auto at = parse_form("message=" + std::string(10, 'x'), limits);
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(find_field(*at, "message")->size(), 10u);
  auto under = parse_form("message=" + std::string(9, 'x'), limits);
  EXPECT_TRUE(under.ok());
  auto over = parse_form("message=" + std::string(11, 'x'), limits);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().kind, ErrorKind::bad_request);
  EXPECT_EQ(over.error().field, "message");
}

TEST(Form, FieldLimitCountsDecodedBytes) {
  const Limits limits = limits_with_field(4);
  // "나" is 3 bytes, escaped as 9 characters: the decoded size counts.
  EXPECT_TRUE(parse_form("m=%EB%82%98x", limits).ok());
  EXPECT_FALSE(parse_form("m=%EB%82%98xy", limits).ok());
  EXPECT_TRUE(parse_form("m=++++", limits).ok());
  EXPECT_FALSE(parse_form("m=+++++", limits).ok());
}

TEST(Form, NameOverLimitIsRefused) {
  const Limits limits = limits_with_field(4);
  EXPECT_TRUE(parse_form("abcd=1", limits).ok());
  EXPECT_FALSE(parse_form("abcde=1", limits).ok());
}

TEST(Query, SameRulesAsForms) {
  auto q = parse_query("lang=ko&q=%EB%82%98%EC%A3%BC+city", Limits{});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(find_field(*q, "q"), "나주 city");
  EXPECT_FALSE(parse_query("a=1&a=2", Limits{}).ok());
  EXPECT_EQ(parse_query("a=%F0%9F", Limits{}).error().kind, ErrorKind::invalid_utf8);
  EXPECT_EQ(parse_query("a=%2", Limits{}).error().field, "a");
  EXPECT_FALSE(parse_query("a=" + std::string(5, 'x'), limits_with_field(4)).ok());
  EXPECT_TRUE(parse_query("", Limits{}).ok());
}

// ---------------------------------------------------------------- paths

TEST(Path, DecodesEscapesButNotPlus) {
  EXPECT_EQ(*percent_decode_path("/"), "/");
  EXPECT_EQ(*percent_decode_path("/naju-haderslev/ko/"), "/naju-haderslev/ko/");
  EXPECT_EQ(*percent_decode_path("/static/a+b%20c.css"), "/static/a+b c.css");
  EXPECT_EQ(*percent_decode_path("/%EB%82%98%EC%A3%BC"), "/나주");
  EXPECT_EQ(*percent_decode_path("/a..b/.hidden/..."), "/a..b/.hidden/...");
}

TEST(Path, RefusesTraversalNulAndEncodedSlash) {
  for (const char* bad : {"/..", "/../etc/passwd", "/static/../x", "/a/%2E%2E/b", "/a/%2e%2E", "/./x", "/a/.", "/a%00b",
                          "/a%2Fb", "/a%2fb", "/a%0Ab", "/a%7F", "/a%C2%85", "/a\tb"}) {
    auto p = percent_decode_path(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.error().kind, ErrorKind::bad_request) << bad;
  }
}

TEST(Path, RefusesMalformedEscapesAndRelativePaths) {
  for (const char* bad : {"/a%", "/a%4", "/a%4G", "", "a/b", "*", "%2Fa"}) {
    auto p = percent_decode_path(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.error().kind, ErrorKind::bad_request) << bad;
  }
}

TEST(Path, InvalidUtf8IsInvalidUtf8) {
  for (const char* bad : {"/%C0%AF", "/%ED%A0%80", "/%F4%90%80%80", "/%E2%82", "/\xFF"}) {
    auto p = percent_decode_path(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.error().kind, ErrorKind::invalid_utf8) << bad;
  }
}

TEST(Path, EncodeRoundTrips) {
  EXPECT_EQ(percent_encode_path("/naju-haderslev/ko/"), "/naju-haderslev/ko/");
  EXPECT_EQ(percent_encode_path("/나주"), "/%EB%82%98%EC%A3%BC");
  EXPECT_EQ(percent_encode_path("/a b?c#d%\r\n"), "/a%20b%3Fc%23d%25%0D%0A");
  for (const std::string& path : std::vector<std::string>{"/", "/a b/c", "/Ærø/나주/", "/x:y@z;w=v"}) {
    EXPECT_EQ(*percent_decode_path(percent_encode_path(path)), path) << path;
  }
}

// ---------------------------------------------------------------- router

Handler tag(std::string name, std::string* hit) {
  return [name = std::move(name), hit](Request&, Respond) { *hit = name; };
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/", tag("home", &hit));
    router.add("GET", "/healthz", tag("health", &hit));
    router.add("GET", "/static/{file}", tag("static", &hit));
    router.add("GET", "/{campaign}", tag("campaign-bare", &hit));
    router.add("GET", "/{campaign}/{lang}/", tag("page", &hit));
    router.add("POST", "/{campaign}/{lang}/action", tag("action", &hit));
    router.add("GET", "/{campaign}/{lang}/action", tag("action-get", &hit));
    router.add("GET", "/{campaign}/stats/", tag("stats", &hit));
  }

  // The name of the handler that `method path` reaches, or "" when none.
  std::string reach(std::string_view method, std::string_view path) {
    hit.clear();
    const RouteMatch m = router.match(method, path);
    if (m.outcome != RouteMatch::Outcome::found) return "";
    Request req;
    (*m.handler)(req, [](Response) {});
    return hit;
  }

  Router router;
  std::string hit;
};

TEST_F(RouterTest, MatchesLiteralsAndParameters) {
  EXPECT_EQ(reach("GET", "/"), "home");
  EXPECT_EQ(reach("GET", "/healthz"), "health");
  EXPECT_EQ(reach("GET", "/naju-haderslev"), "campaign-bare");
  EXPECT_EQ(reach("GET", "/naju-haderslev/ko/"), "page");
  EXPECT_EQ(reach("POST", "/naju-haderslev/da/action"), "action");
  EXPECT_EQ(reach("GET", "/naju-haderslev/da/action"), "action-get");

  const RouteMatch m = router.match("GET", "/naju-haderslev/ko/");
  const std::vector<std::pair<std::string, std::string>> expected = {{"campaign", "naju-haderslev"}, {"lang", "ko"}};
  EXPECT_EQ(m.params, expected);
  EXPECT_EQ(router.match("GET", "/static/site.css").params,
            (std::vector<std::pair<std::string, std::string>>{{"file", "site.css"}}));
}

TEST_F(RouterTest, LiteralSegmentsWinOverParameters) {
  EXPECT_EQ(reach("GET", "/healthz"), "health");               // not /{campaign}
  EXPECT_EQ(reach("GET", "/naju-haderslev/stats/"), "stats");  // not /{campaign}/{lang}/
  EXPECT_EQ(reach("GET", "/naju-haderslev/statsx/"), "page");
  EXPECT_EQ(reach("GET", "/static/app.js"), "static");
}

TEST_F(RouterTest, LiteralWinsWhicheverOrderRoutesWereAdded) {
  Router r;
  std::string h;
  r.add("GET", "/{a}/{b}", tag("params", &h));
  r.add("GET", "/{a}/x", tag("second-literal", &h));
  r.add("GET", "/x/{b}", tag("first-literal", &h));
  Request req;
  auto m = r.match("GET", "/x/x");
  ASSERT_EQ(m.outcome, RouteMatch::Outcome::found);
  (*m.handler)(req, [](Response) {});
  EXPECT_EQ(h, "first-literal");  // the earlier segment decides
  m = r.match("GET", "/y/x");
  (*m.handler)(req, [](Response) {});
  EXPECT_EQ(h, "second-literal");
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  RouteMatch m = router.match("POST", "/naju-haderslev/ko/");
  EXPECT_EQ(m.outcome, RouteMatch::Outcome::method_not_allowed);
  EXPECT_EQ(m.allow, "GET, HEAD");
  m = router.match("DELETE", "/naju-haderslev/ko/action");
  EXPECT_EQ(m.outcome, RouteMatch::Outcome::method_not_allowed);
  EXPECT_EQ(m.allow, "GET, HEAD, POST");
  m = router.match("get", "/healthz");  // methods are case-sensitive
  EXPECT_EQ(m.outcome, RouteMatch::Outcome::method_not_allowed);
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  EXPECT_EQ(reach("HEAD", "/healthz"), "health");
  Router r;
  std::string h;
  r.add("GET", "/x", tag("get", &h));
  r.add("HEAD", "/x", tag("head", &h));
  Request req;
  (*r.match("HEAD", "/x").handler)(req, [](Response) {});
  EXPECT_EQ(h, "head");
  EXPECT_EQ(router.match("HEAD", "/a/b/action").outcome, RouteMatch::Outcome::found);
}

TEST_F(RouterTest, UnknownPathIs404) {
  EXPECT_EQ(router.match("GET", "/a/b/c/d").outcome, RouteMatch::Outcome::not_found);
  EXPECT_EQ(router.match("GET", "/a/b/nothing").outcome, RouteMatch::Outcome::not_found);
  EXPECT_EQ(router.match("GET", "").outcome, RouteMatch::Outcome::not_found);
  EXPECT_EQ(router.match("GET", "healthz").outcome, RouteMatch::Outcome::not_found);
  Router empty;
  EXPECT_EQ(empty.match("GET", "/").outcome, RouteMatch::Outcome::not_found);
}

TEST_F(RouterTest, TrailingSlashMattersAndRedirects) {
  RouteMatch m = router.match("GET", "/naju-haderslev/ko");
  EXPECT_EQ(m.outcome, RouteMatch::Outcome::redirect);
  EXPECT_EQ(m.location, "/naju-haderslev/ko/");
  m = router.match("GET", "/healthz/");
  EXPECT_EQ(m.outcome, RouteMatch::Outcome::redirect);
  EXPECT_EQ(m.location, "/healthz");
  m = router.match("GET", "/naju-haderslev/");
  EXPECT_EQ(m.outcome, RouteMatch::Outcome::redirect);
  EXPECT_EQ(m.location, "/naju-haderslev");
  // Only towards a route that takes the method: no redirect that ends in a 405.
  EXPECT_EQ(router.match("POST", "/naju-haderslev/ko").outcome, RouteMatch::Outcome::not_found);
  EXPECT_EQ(router.match("POST", "/naju-haderslev/ko/action/").outcome, RouteMatch::Outcome::redirect);
}

TEST_F(RouterTest, EmptySegmentsMatchNothingAndNeverRedirect) {
  for (const char* path : {"//", "//evil.example/", "//evil.example", "/a//b/", "/naju//", "///"}) {
    EXPECT_EQ(router.match("GET", path).outcome, RouteMatch::Outcome::not_found) << path;
  }
}

TEST(RouterWiring, MistakesThrowAtStartup) {
  Router r;
  Handler h = [](Request&, Respond) {};
  r.add("GET", "/{campaign}/{lang}/", h);
  EXPECT_THROW(r.add("GET", "/{campaign}/{lang}/", h), std::invalid_argument);  // twice
  EXPECT_THROW(r.add("POST", "/{id}/{lang}/", h), std::invalid_argument);       // other names, same shape
  EXPECT_NO_THROW(r.add("POST", "/{campaign}/{lang}/", h));
  EXPECT_THROW(r.add("GET", "nope", h), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/a//b", h), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/{}", h), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/{a", h), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/{a}/{a}", h), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/a{b}", h), std::invalid_argument);
  EXPECT_THROW(r.add("", "/x", h), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/x", Handler{}), std::invalid_argument);
}

// ---------------------------------------------------------------- status table

TEST(ErrorStatus, OneStatusPerKind) {
  EXPECT_EQ(http_status(ErrorKind::bad_request), 400u);
  EXPECT_EQ(http_status(ErrorKind::invalid_utf8), 400u);
  EXPECT_EQ(http_status(ErrorKind::payload_too_large), 413u);
  EXPECT_EQ(http_status(ErrorKind::header_too_large), 431u);
  EXPECT_EQ(http_status(ErrorKind::uri_too_long), 414u);
  EXPECT_EQ(http_status(ErrorKind::unsupported_media_type), 415u);
  EXPECT_EQ(http_status(ErrorKind::not_found), 404u);
  EXPECT_EQ(http_status(ErrorKind::method_not_allowed), 405u);
  EXPECT_EQ(http_status(ErrorKind::campaign_closed), 403u);
  EXPECT_EQ(http_status(ErrorKind::conflict), 409u);
  EXPECT_EQ(http_status(ErrorKind::rate_limited), 429u);
  EXPECT_EQ(http_status(ErrorKind::unavailable), 503u);
  EXPECT_EQ(http_status(ErrorKind::invalid_campaign), 500u);
  EXPECT_EQ(http_status(ErrorKind::io), 500u);
  EXPECT_EQ(http_status(ErrorKind::internal), 500u);
}

// ---------------------------------------------------------------- request head

TEST(RequestHead, MeasuresLineAndHeader) {
  const std::string head = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  const HeadScan s = scan_request_head(head + "body", 100, 100);
  EXPECT_EQ(s.status, HeadScan::Status::complete);
  EXPECT_EQ(s.size, head.size());
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\r\n\r\n", 100, 100).size, 18u);
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\r\nHost: x\r\n", 100, 100).status, HeadScan::Status::need_more);
  EXPECT_EQ(scan_request_head("GET / HT", 100, 100).status, HeadScan::Status::need_more);
  EXPECT_EQ(scan_request_head("", 100, 100).status, HeadScan::Status::need_more);
}

TEST(RequestHead, RequestLineLimitIsExact) {
  const std::string line = "GET /" + std::string(20, 'a') + " HTTP/1.1";  // 34 bytes
  ASSERT_EQ(line.size(), 34u);
  EXPECT_EQ(scan_request_head(line + "\r\n\r\n", 34, 100).status, HeadScan::Status::complete);
  EXPECT_EQ(scan_request_head(line + "\r\n\r\n", 33, 100).status, HeadScan::Status::line_too_long);
  // Decided before the line ends when it cannot fit any more.
  EXPECT_EQ(scan_request_head(line, 34, 100).status, HeadScan::Status::need_more);
  EXPECT_EQ(scan_request_head(line + "\r", 34, 100).status, HeadScan::Status::need_more);
  EXPECT_EQ(scan_request_head(line + "x", 33, 100).status, HeadScan::Status::line_too_long);
  EXPECT_EQ(scan_request_head(line, 32, 100).status, HeadScan::Status::line_too_long);
}

TEST(RequestHead, HeaderLimitIsExact) {
  const std::string line = "GET / HTTP/1.1\r\n";
  const std::string header = "Host: x\r\nX-Pad: 123\r\n\r\n";  // 23 bytes with the empty line
  ASSERT_EQ(header.size(), 23u);
  EXPECT_EQ(scan_request_head(line + header, 100, 23).status, HeadScan::Status::complete);
  EXPECT_EQ(scan_request_head(line + header, 100, 22).status, HeadScan::Status::header_too_large);
  // Without the end in sight: 22 bytes received can still end at 23, 23 received cannot.
  EXPECT_EQ(scan_request_head(line + header.substr(0, 22), 100, 23).status, HeadScan::Status::need_more);
  EXPECT_EQ(scan_request_head(line + "Host: x\r\nX-Pad: 1234\r\n\r", 100, 23).status,
            HeadScan::Status::header_too_large);
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\r\n\r\n", 100, 2).status, HeadScan::Status::complete);
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\r\n\r\n", 100, 1).status, HeadScan::Status::header_too_large);
}

TEST(RequestHead, BareLineFeedsAreMalformedAtOnce) {
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\n", 100, 100).status, HeadScan::Status::malformed);
  EXPECT_EQ(scan_request_head("\n", 100, 100).status, HeadScan::Status::malformed);
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\r\nHost: x\n", 100, 100).status, HeadScan::Status::malformed);
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\r\nHost: x\r\n\n", 100, 100).status, HeadScan::Status::malformed);
  // A bare LF in the body is not the head's business.
  EXPECT_EQ(scan_request_head("POST / HTTP/1.1\r\n\r\na\nb", 100, 100).status, HeadScan::Status::complete);
}

TEST(RequestHead, NonHttpBytesAreMalformedAtOnce) {
  EXPECT_EQ(scan_request_head("\x16\x03\x01\x02\x00"s, 100, 100).status, HeadScan::Status::malformed);  // TLS
  EXPECT_EQ(scan_request_head(" GET / HTTP/1.1\r\n\r\n", 100, 100).status, HeadScan::Status::malformed);
  EXPECT_EQ(scan_request_head("GE(T / HTTP/1.1\r\n\r\n", 100, 100).status, HeadScan::Status::malformed);
  EXPECT_EQ(scan_request_head("GE", 100, 100).status, HeadScan::Status::need_more);
  EXPECT_EQ(scan_request_head("M-SEARCH * HTTP/1.1\r\n\r\n", 100, 100).status, HeadScan::Status::complete);
}

TEST(RequestHead, LeadingEmptyLines) {
  EXPECT_EQ(leading_empty_lines("\r\n\r\nGET"), 4u);
  EXPECT_EQ(leading_empty_lines("GET"), 0u);
  EXPECT_EQ(leading_empty_lines("\r"), 0u);
  EXPECT_EQ(leading_empty_lines("\r\n\n"), 2u);
}

// ---------------------------------------------------------------- dates and messages

TEST(HttpDate, Rfc9110Format) {
  using namespace std::chrono;
  EXPECT_EQ(http_date(system_clock::time_point(seconds(784111777))), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(http_date(system_clock::time_point(seconds(0))), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(http_date(system_clock::time_point(seconds(951782400) + milliseconds(999))),
            "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_EQ(http_date(system_clock::time_point(seconds(4102444799))), "Thu, 31 Dec 2099 23:59:59 GMT");
}

TEST(Message, HeaderLookupIsCaseInsensitive) {
  Request req;
  req.headers = {{"Content-Type", "text/html"}, {"accept-language", "ko, da;q=0.8"}, {"X-A", "1"}, {"x-a", "2"}};
  EXPECT_EQ(req.header("content-type"), "text/html");
  EXPECT_EQ(req.header("Accept-Language"), "ko, da;q=0.8");
  EXPECT_EQ(req.header("X-A"), "1");  // the first one
  EXPECT_EQ(req.header("Accept"), std::nullopt);
  req.params = {{"campaign", "naju-haderslev"}, {"lang", "ko"}};
  EXPECT_EQ(req.param("lang"), "ko");
  EXPECT_EQ(req.param("Lang"), "");  // parameter names are ours: exact
  EXPECT_EQ(req.param("absent"), "");
}

TEST(Message, SetHeaderReplacesEveryCopy) {
  Response r;
  r.headers = {{"Cache-Control", "no-store"}, {"Vary", "Accept"}, {"cache-control", "public"}};
  r.set_header("CACHE-CONTROL", "max-age=60");
  const std::vector<std::pair<std::string, std::string>> expected = {{"Cache-Control", "max-age=60"},
                                                                     {"Vary", "Accept"}};
  EXPECT_EQ(r.headers, expected);
  r.set_header("ETag", "\"1\"");
  EXPECT_EQ(r.headers.back(), (std::pair<std::string, std::string>{"ETag", "\"1\""}));
}

TEST(Message, TextResponse) {
  const Response r = Response::text(404, "not here");
  EXPECT_EQ(r.status, 404u);
  ASSERT_TRUE(r.body);
  EXPECT_EQ(*r.body, "not here");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "text/plain; charset=utf-8");
  EXPECT_EQ(Response::text(200, "{}", "application/json").headers[0].second, "application/json");
}

}  // namespace
}  // namespace twinning::http
