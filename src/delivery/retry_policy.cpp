#include "delivery/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace twinning::delivery {

std::chrono::seconds RetryPolicy::backoff(int attempts) const {
  auto delay = base;
  // Doubling stops at the cap, so a large attempt count cannot overflow.
  for (int i = 1; i < attempts && delay < max_interval; ++i) delay *= 2;
  return std::min(delay, max_interval);
}

RetryPolicy::Decision RetryPolicy::after_failure(int attempts, store::TimePoint created_at, store::TimePoint now,
                                                 double random) const {
  const store::TimePoint give_up_at = created_at + deadline;
  if (now >= give_up_at) return GiveUp{};
  const double r = std::clamp(random, 0.0, 1.0);
  const double factor = 1.0 + jitter * (2.0 * r - 1.0);
  const auto delay = std::chrono::seconds(
      std::max<std::chrono::seconds::rep>(1, std::llround(static_cast<double>(backoff(attempts).count()) * factor)));
  return RetryAt{std::min(now + delay, give_up_at)};
}

}  // namespace twinning::delivery
