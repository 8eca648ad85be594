#pragma once
// The live page's events (`minima compare --serve`): one append-only log of
// Server-Sent Events ("id: N\ndata: {json}\n\n") that every watcher reads
// from its own byte offset. Training only appends (a lock and a copy, never a
// wait on a watcher); a watcher that reads slowly or not at all just stays
// behind in the log, so no watcher holds memory of its own and the whole is
// bounded by its max_bytes (events past it are dropped and counted).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace minima::cli {

class EventLog {
 public:
  static constexpr size_t kMaxBytes = size_t(64) << 20;
  explicit EventLog(size_t max_bytes = kMaxBytes) : max_bytes_(max_bytes) {}

  // Appends `event` as the next id and wakes every parked watcher; false
  // (and nothing appended) when the log is full or closed.
  bool append(const nlohmann::json& event);

  // A watcher's read: copies up to `max` bytes from `offset` into `buffer`
  // and returns how many. With nothing new it calls `park` under the log's
  // lock (so that no append slips in between), keeps `wake` for the next
  // append and returns 0; once closed and read to the end it returns -1.
  long read(size_t offset, char* buffer, size_t max, const std::function<void()>& park,
            std::function<void()> wake);

  // The byte offset just after event `id` (a reconnecting browser's
  // Last-Event-ID); 0 for an id the log does not hold.
  size_t offset_after(int64_t id) const;

  // No more events: every parked watcher is woken and reads to the end.
  void close();

  size_t events() const;
  size_t dropped() const;

 private:
  void wake_all(std::unique_lock<std::mutex>& lock);

  size_t max_bytes_;
  mutable std::mutex mutex_;
  std::string text_;
  std::vector<size_t> ends_;  // ends_[id]: the byte offset after event id
  std::vector<std::function<void()>> parked_;
  size_t dropped_ = 0;
  bool closed_ = false;
};

}  // namespace minima::cli
