#include "common/delay_queue.hpp"

namespace twinning {

DelayQueue::DelayQueue(std::size_t capacity) : capacity_(capacity), thread_([this] { run(); }) {}

DelayQueue::~DelayQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool DelayQueue::add(std::chrono::milliseconds delay, std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    if (due_.size() >= capacity_ || stopping_) return false;
    due_.emplace(std::chrono::steady_clock::now() + delay, std::move(fn));
  }
  cv_.notify_all();
  return true;
}

std::size_t DelayQueue::waiting() const {
  std::lock_guard lock(mu_);
  return due_.size();
}

void DelayQueue::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (due_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const auto next = due_.begin()->first;
    if (std::chrono::steady_clock::now() < next) {
      cv_.wait_until(lock, next);
      continue;
    }
    auto fn = std::move(due_.begin()->second);
    due_.erase(due_.begin());
    lock.unlock();
    // A function that throws must not stop the ones behind it.
    try {
      fn();
    } catch (...) {
    }
    lock.lock();
  }
}

}  // namespace twinning
