#include "cli/compare/side_by_side.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace minima {

void run_side_by_side(size_t count, int jobs, const std::function<void(size_t)>& task) {
  if (jobs <= 1 || count <= 1) {
    for (size_t i = 0; i < count; ++i) task(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto worker = [&] {
    for (size_t i = next++; i < count; i = next++) {
      try {
        task(i);
      } catch (...) {
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < std::min(count, size_t(jobs)); ++t) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

int side_by_side_jobs(size_t count, int threads_per_run, int cpus) {
  if (threads_per_run > 1) return 1;
  return int(std::clamp<size_t>(size_t(std::max(cpus, 1)), 1, std::max<size_t>(count, 1)));
}

}  // namespace minima
