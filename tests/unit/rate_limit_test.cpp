// The supporters' rate limits, the application's half: which checks an action carries and what
// their buckets are made of (keyed hashes that rotate with the window, never the raw value).
#include "app/rate_limit.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace twinning::app {
namespace {

using namespace std::chrono_literals;

store::TimePoint at(std::int64_t seconds) { return store::TimePoint{std::chrono::seconds{seconds}}; }

RateLimiter limiter(RateLimitSettings s = {}) {
  RateLimiter::Secret secret{};
  secret.fill(7);
  return RateLimiter(s, secret);
}

store::NewAction action(const std::string& channel, const std::string& target) {
  store::NewAction a;
  a.campaign = "naju-haderslev";
  a.channel = channel;
  a.target = target;
  a.supporter_email = "Ada@Example.org";
  a.created_at = at(1'800'000'000);
  return a;
}

TEST(RateLimiter, BucketsAreKeyedHashesThatRotateWithTheWindow) {
  const auto l = limiter();
  const auto a = l.bucket("ip", "203.0.113.9", 3600s, at(7200));
  EXPECT_EQ(a, l.bucket("ip", "203.0.113.9", 3600s, at(7200 + 3599)));  // the same window
  EXPECT_NE(a, l.bucket("ip", "203.0.113.9", 3600s, at(7200 + 3600)));  // the next one: another key
  EXPECT_NE(a, l.bucket("ip", "203.0.113.10", 3600s, at(7200)));
  EXPECT_NE(a, l.bucket("ip", "203.0.113.9", 1800s, at(7200)));  // another rule, another key
  EXPECT_EQ(a.rfind("ip:", 0), 0u);
  EXPECT_EQ(a.find("203.0.113"), std::string::npos);
  RateLimiter::Secret other{};
  other.fill(8);
  EXPECT_NE(a, RateLimiter({}, other).bucket("ip", "203.0.113.9", 3600s, at(7200)));
}

TEST(RateLimiter, ChecksPerAddressEmailAndEachOfficialWrittenTo) {
  auto a = action("email", "haderslev-mayor");
  store::OutboxMessage m;
  m.target = "haderslev-council";
  a.messages = {m, m};
  limiter().add_checks(a, "203.0.113.9");
  std::vector<std::string> rules;
  for (const auto& c : a.rate_checks) rules.push_back(c.rule);
  EXPECT_EQ(rules, (std::vector<std::string>{"per_address", "per_email", "per_target", "per_target"}));
  EXPECT_EQ(a.rate_checks[0].limit, 30);
  EXPECT_EQ(a.rate_checks[2].window, 30min);
  EXPECT_EQ(a.rate_checks[2].limit, 3);
  // The email's case does not make another person.
  auto lower = action("email", "haderslev-mayor");
  lower.supporter_email = "ada@example.org";
  limiter().add_checks(lower, "203.0.113.9");
  EXPECT_EQ(lower.rate_checks[1].bucket, a.rate_checks[1].bucket);
}

TEST(RateLimiter, ChannelsWithoutMessagesHaveNoTargetLimitAndZeroTurnsARuleOff) {
  auto call = action("call", "haderslev-mayor");
  limiter().add_checks(call, "");  // no known address: no address rule
  ASSERT_EQ(call.rate_checks.size(), 1u);
  EXPECT_EQ(call.rate_checks[0].rule, "per_email");
  RateLimitSettings off;
  off.per_address = 0;
  off.per_email = 0;
  off.per_target = 0;
  auto mail = action("email", "haderslev-mayor");
  limiter(off).add_checks(mail, "203.0.113.9");
  EXPECT_TRUE(mail.rate_checks.empty());
}

TEST(RateLimiter, OpenMakesAPrivateKeyOnceAndRefusesADamagedOne) {
  test::TempDir dir;
  auto first = RateLimiter::open({}, dir.path());
  ASSERT_TRUE(first.ok()) << first.error().message;
  const auto file = dir.path() / "rate-limit.key";
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(std::filesystem::file_size(file), 32u);
  auto second = RateLimiter::open({}, dir.path());  // the same key: buckets survive a restart
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first.value().bucket("ip", "x", 60s, at(0)), second.value().bucket("ip", "x", 60s, at(0)));
  std::ofstream(file, std::ios::trunc) << "short";
  auto damaged = RateLimiter::open({}, dir.path());
  ASSERT_FALSE(damaged.ok());
  EXPECT_NE(damaged.error().message.find("32 bytes"), std::string::npos);
}

TEST(RateLimiter, RetryAfterComesFromTheStoresError) {
  EXPECT_EQ(retry_after_seconds(Error::make(ErrorKind::rate_limited, "x", "per_email", "retry_after=125")), 125);
  EXPECT_EQ(retry_after_seconds(Error::make(ErrorKind::rate_limited, "x", "per_email", "garbage")), 60);
  EXPECT_EQ(retry_after_seconds(Error::make(ErrorKind::rate_limited, "x", "per_email", "retry_after=x")), 60);
}

}  // namespace
}  // namespace twinning::app
