#pragma once
// When to try a temporarily failed message again, and when to give up. Pure: the time and the
// random draw come from the caller, so the tests can pin both.
#include <chrono>
#include <variant>

#include "store/store.hpp"

namespace twinning::delivery {

struct RetryPolicy {
  std::chrono::seconds base{60};
  std::chrono::seconds max_interval{std::chrono::hours{1}};
  std::chrono::seconds deadline{std::chrono::hours{48}};  // counted from the message's creation
  double jitter = 0.2;  // each delay is stretched or shrunk by up to this fraction

  struct RetryAt {
    store::TimePoint when;
  };
  struct GiveUp {};
  using Decision = std::variant<RetryAt, GiveUp>;

  // After the `attempts`-th attempt failed at `now`: wait base * 2^(attempts-1), at most
  // max_interval, times a factor in [1 - jitter, 1 + jitter] drawn from `random` (in [0, 1)).
  // Spreading retries keeps messages that failed together (a relay restart) from all coming back
  // in the same second. Never later than the deadline, so the last try happens at it; once the
  // deadline has passed, give up.
  Decision after_failure(int attempts, store::TimePoint created_at, store::TimePoint now, double random) const;
  // The delay before jitter, for the attempt count (exposed for tests and docs).
  std::chrono::seconds backoff(int attempts) const;
};

}  // namespace twinning::delivery
