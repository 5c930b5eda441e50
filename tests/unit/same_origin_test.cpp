// Cross-site form posts on the supporters' forms (http/same_origin.hpp).
#include "http/same_origin.hpp"

#include <gtest/gtest.h>

namespace twinning::http {
namespace {

Request post(std::vector<std::pair<std::string, std::string>> headers) {
  Request r;
  r.method = "POST";
  r.headers = std::move(headers);
  return r;
}

bool allowed(std::vector<std::pair<std::string, std::string>> headers, const std::string& public_url = {}) {
  return check_same_origin(post(std::move(headers)), public_url).ok();
}

TEST(SameOrigin, TheSitesOwnPagesPost) {
  EXPECT_TRUE(allowed({{"Host", "act.example.org"}, {"Origin", "https://act.example.org"}}));
  EXPECT_TRUE(allowed({{"Host", "127.0.0.1:8080"}, {"Origin", "http://127.0.0.1:8080"}, {"Sec-Fetch-Site", "same-origin"}}));
  EXPECT_TRUE(allowed({{"Host", "ACT.example.org"}, {"Origin", "https://act.EXAMPLE.org"}}));
  // Behind a proxy that rewrites Host: the public URL's origin counts.
  EXPECT_TRUE(allowed({{"Host", "127.0.0.1:8080"}, {"Origin", "https://act.example.org"}}, "https://act.example.org"));
  EXPECT_TRUE(allowed({{"Host", "x"}, {"Origin", "https://act.example.org"}}, "https://act.example.org/"));
  EXPECT_TRUE(allowed({{"Sec-Fetch-Site", "same-site"}}));
  EXPECT_TRUE(allowed({{"Sec-Fetch-Site", "none"}}));  // typed or bookmarked
}

TEST(SameOrigin, ProgramsWithoutTheHeadersGoOn) {
  EXPECT_TRUE(allowed({}));
  EXPECT_TRUE(allowed({{"Host", "act.example.org"}}));
}

TEST(SameOrigin, AnotherSitesPostIsForbidden) {
  auto r = check_same_origin(post({{"Host", "act.example.org"}, {"Origin", "https://evil.example"}}), "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::forbidden);
  EXPECT_FALSE(allowed({{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://act.example.org"}, {"Host", "act.example.org"}}));
  EXPECT_FALSE(allowed({{"Host", "act.example.org"}, {"Origin", "null"}}));
  EXPECT_FALSE(allowed({{"Host", "act.example.org"}, {"Origin", "https://act.example.org.evil.example"}}));
  EXPECT_FALSE(allowed({{"Host", "act.example.org"}, {"Origin", "https://act.example.org/path"}}));
  EXPECT_FALSE(allowed({{"Host", "act.example.org"}, {"Origin", "act.example.org"}}));
  EXPECT_FALSE(allowed({{"Host", "act.example.org"}, {"Origin", "https://evil.example"}}, "https://act.example.org"));
}

}  // namespace
}  // namespace twinning::http
