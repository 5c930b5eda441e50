#pragma once
// A small cache of answers that may be a few seconds old (the public counters): a burst of
// visitors costs one store read per key and period. Thread-safe.
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "common/result.hpp"

namespace twinning::http::handlers {

template <typename Value>
class TimedCache {
 public:
  explicit TimedCache(std::chrono::seconds fresh) : fresh_(fresh) {}

  // The cached value of `key` while fresh at `now`; else `make()`'s, kept when it succeeds.
  template <typename Make>
  Result<Value> get(const std::string& key, std::chrono::sys_seconds now, Make&& make) {
    {
      std::lock_guard lock(mu_);
      if (auto it = cache_.find(key); it != cache_.end() && now < it->second.first) return it->second.second;
    }
    Result<Value> made = make();
    if (!made.ok()) return made;
    std::lock_guard lock(mu_);
    cache_[key] = {now + fresh_, made.value()};
    return made;
  }

 private:
  std::chrono::seconds fresh_;
  std::mutex mu_;
  std::map<std::string, std::pair<std::chrono::sys_seconds, Value>> cache_;
};

}  // namespace twinning::http::handlers
