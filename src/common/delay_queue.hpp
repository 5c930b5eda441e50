#pragma once
// Runs functions after a delay on one thread of its own, so a handler can answer later without
// holding a server thread (the proof of work's "merely slower" path). Functions due at the same
// time run in the order they were added; the destructor drops those not yet due.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace twinning {

class DelayQueue {
 public:
  // At most `capacity` functions wait at once; add() refuses more (the caller answers at once).
  explicit DelayQueue(std::size_t capacity);
  ~DelayQueue();
  DelayQueue(const DelayQueue&) = delete;
  DelayQueue& operator=(const DelayQueue&) = delete;

  // False when the queue is full: `fn` is not taken.
  bool add(std::chrono::milliseconds delay, std::function<void()> fn);
  std::size_t waiting() const;

 private:
  void run();
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> due_;
  std::size_t capacity_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace twinning
