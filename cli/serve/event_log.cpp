#include "cli/serve/event_log.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace minima::cli {

bool EventLog::append(const nlohmann::json& event) {
  std::unique_lock lock(mutex_);
  const std::string text =
      "id: " + std::to_string(ends_.size()) + "\ndata: " + event.dump() + "\n\n";
  if (closed_ || text_.size() + text.size() > max_bytes_) {
    ++dropped_;
    return false;
  }
  text_ += text;
  ends_.push_back(text_.size());
  wake_all(lock);
  return true;
}

long EventLog::read(size_t offset, char* buffer, size_t max, const std::function<void()>& park,
                    std::function<void()> wake) {
  const std::lock_guard lock(mutex_);
  if (offset < text_.size()) {
    const size_t n = std::min(max, text_.size() - offset);
    std::memcpy(buffer, text_.data() + offset, n);
    return long(n);
  }
  if (closed_) return -1;
  park();
  parked_.push_back(std::move(wake));
  return 0;
}

size_t EventLog::offset_after(int64_t id) const {
  const std::lock_guard lock(mutex_);
  return id >= 0 && size_t(id) < ends_.size() ? ends_[size_t(id)] : 0;
}

void EventLog::close() {
  std::unique_lock lock(mutex_);
  closed_ = true;
  wake_all(lock);
}

size_t EventLog::events() const {
  const std::lock_guard lock(mutex_);
  return ends_.size();
}

size_t EventLog::dropped() const {
  const std::lock_guard lock(mutex_);
  return dropped_;
}

// The parked watchers are woken after the lock is released: waking one
// (MHD_resume_connection) never waits on the log.
void EventLog::wake_all(std::unique_lock<std::mutex>& lock) {
  std::vector<std::function<void()>> parked;
  parked.swap(parked_);
  lock.unlock();
  for (const std::function<void()>& wake : parked) wake();
}

}  // namespace minima::cli
