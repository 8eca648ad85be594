#include "cli/compare/parallel_runs.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace minima::cli {

void run_in_parallel(size_t count, int jobs, const std::function<void(size_t)>& task) {
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

int parallel_run_count(size_t count, int threads_per_run, int cpus) {
  if (threads_per_run > 1) return 1;
  return int(std::clamp<size_t>(size_t(std::max(cpus, 1)), 1, std::max<size_t>(count, 1)));
}

}  // namespace minima::cli
