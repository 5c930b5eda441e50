// The proof of work's rules (app/proof_of_work.hpp) and the delay queue that makes forms without
// one "merely slower" (common/delay_queue.hpp).
#include "app/proof_of_work.hpp"

#include <atomic>
#include <future>
#include <mutex>
#include <vector>

#include <gtest/gtest.h>

#include "common/delay_queue.hpp"

namespace twinning::app {
namespace {

using namespace std::chrono_literals;
using Outcome = ProofOfWork::Outcome;

const store::TimePoint kNow{std::chrono::seconds{1'800'000'000}};

ProofOfWork pow(int bits = 8) {
  ProofOfWorkSettings s;
  s.bits = bits;
  s.challenge_ttl = 30min;
  ProofOfWork::Key key{};
  key.fill(3);
  return ProofOfWork(s, key);
}

// What app.js does: the first number that reaches the bits.
std::string solve(const std::string& challenge, const std::string& key, int bits) {
  for (int i = 0;; ++i) {
    if (leading_zero_bits(challenge + ":" + key + ":" + std::to_string(i)) >= bits) return std::to_string(i);
  }
}

TEST(ProofOfWork, LeadingZeroBitsOfSha256) {
  EXPECT_EQ(leading_zero_bits(""), 0);  // e3b0c442...: the first bit is 1
  EXPECT_EQ(leading_zero_bits("abc"), 0);  // ba7816bf...
  // "hello world 40" hashes to 0x0e...? Whatever it is, a found solution must reach what it claims.
  int best = 0;
  for (int i = 0; i < 5000; ++i) best = std::max(best, leading_zero_bits("x" + std::to_string(i)));
  EXPECT_GE(best, 8);
  EXPECT_LE(best, 20);
}

TEST(ProofOfWork, ASolvedChallengeIsValidForItsKeyOnly) {
  const auto p = pow();
  const std::string c = p.challenge(kNow);
  const std::string s = solve(c, "key-one-0123456789", 8);
  EXPECT_EQ(p.verify(c, s, "key-one-0123456789", kNow + 1min), Outcome::valid);
  // The same work does not cover another form's key (no replay for another action): a number
  // solving key one and not key two (almost every solution of key one) is wrong for key two.
  for (int i = 0;; ++i) {
    const std::string n = std::to_string(i);
    if (leading_zero_bits(c + ":key-one-0123456789:" + n) >= 8 && leading_zero_bits(c + ":key-two-0123456789:" + n) < 8) {
      EXPECT_EQ(p.verify(c, n, "key-one-0123456789", kNow), Outcome::valid);
      EXPECT_EQ(p.verify(c, n, "key-two-0123456789", kNow), Outcome::wrong);
      break;
    }
  }
  // ... nor a number that misses the bits.
  for (int i = 0; i < 50; ++i) {
    const std::string n = std::to_string(i);
    if (leading_zero_bits(c + ":key-one-0123456789:" + n) < 8) {
      EXPECT_EQ(p.verify(c, n, "key-one-0123456789", kNow), Outcome::wrong);
      break;
    }
  }
}

TEST(ProofOfWork, MissingMalformedForgedAndExpiredChallengesAreTold) {
  const auto p = pow();
  const std::string c = p.challenge(kNow);
  const std::string s = solve(c, "k", 8);
  EXPECT_EQ(p.verify("", "", "k", kNow), Outcome::missing);
  EXPECT_EQ(p.verify(c, "", "k", kNow), Outcome::malformed);
  EXPECT_EQ(p.verify("nodots", s, "k", kNow), Outcome::malformed);
  EXPECT_EQ(p.verify(c, "12a", "k", kNow), Outcome::malformed);
  EXPECT_EQ(p.verify(c, std::string(21, '1'), "k", kNow), Outcome::malformed);
  EXPECT_EQ(p.verify(c, "-1", "k", kNow), Outcome::malformed);
  std::string tampered = c;
  tampered[0] = tampered[0] == '1' ? '2' : '1';  // another time under the same MAC
  EXPECT_EQ(p.verify(tampered, s, "k", kNow), Outcome::forged);
  std::string bad_mac = c;
  bad_mac.back() = bad_mac.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(p.verify(bad_mac, s, "k", kNow), Outcome::forged);
  EXPECT_EQ(p.verify(c, s, "k", kNow + 31min), Outcome::expired);
  EXPECT_EQ(p.verify(c, s, "k", kNow - 5min), Outcome::expired);  // issued "in the future"
  // Another server's key makes another MAC.
  ProofOfWork::Key other{};
  other.fill(4);
  EXPECT_EQ(ProofOfWork({}, other).verify(c, s, "k", kNow), Outcome::forged);
}

TEST(ProofOfWork, ChallengesDiffer) {
  const auto p = pow();
  EXPECT_NE(p.challenge(kNow), p.challenge(kNow));
}

TEST(DelayQueue, RunsEachFunctionAfterItsDelayInOrderAndRefusesPastCapacity) {
  std::vector<int> ran;
  std::mutex mu;
  std::promise<void> done;
  {
    DelayQueue q(3);
    const auto start = std::chrono::steady_clock::now();
    std::atomic<std::int64_t> waited_ms{0};
    EXPECT_TRUE(q.add(60ms, [&] {
      std::lock_guard l(mu);
      ran.push_back(2);
      waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
      done.set_value();
    }));
    EXPECT_TRUE(q.add(10ms, [&] {
      std::lock_guard l(mu);
      ran.push_back(1);
    }));
    EXPECT_TRUE(q.add(10min, [&] { ran.push_back(99); }));  // dropped when the queue goes
    EXPECT_FALSE(q.add(1ms, [] {}));                        // full
    EXPECT_EQ(q.waiting(), 3u);
    done.get_future().wait();
    EXPECT_GE(waited_ms.load(), 60);  // never early
  }
  EXPECT_EQ(ran, (std::vector<int>{1, 2}));
}

TEST(DelayQueue, AThrowingFunctionDoesNotStopTheOthers) {
  std::promise<void> done;
  DelayQueue q(4);
  q.add(1ms, [] { throw std::runtime_error("boom"); });
  q.add(5ms, [&] { done.set_value(); });
  EXPECT_EQ(done.get_future().wait_for(10s), std::future_status::ready);
}

}  // namespace
}  // namespace twinning::app
