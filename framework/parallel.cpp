#include "framework/parallel.hpp"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace minima {
namespace {

constexpr int64_t kChunkAlign = 16;  // floats in a 64-byte cache line

// How long an idle worker polls for the next loop before it sleeps: long
// enough to catch the loops that follow each other within and between
// layers, short enough to leave the core to OpenBLAS during a long GEMM.
constexpr auto kPollBeforeSleep = std::chrono::microseconds(200);

// Chunk i of a job runs on worker i, or on the caller when the worker has
// not claimed it by the time the caller is done with its own: on a busy
// machine a worker may not get a core for milliseconds, and the caller
// must not wait for it. Whoever runs a chunk, its bounds are the same.
class Pool {
 public:
  ~Pool() { stop_workers(); }

  int size() const { return int(workers_.size()) + 1; }

  void resize(int threads) {
    if (threads == size()) return;
    stop_workers();
    claimed_ = std::make_unique<std::atomic<uint64_t>[]>(size_t(threads));
    const uint64_t start = generation_.load(std::memory_order_relaxed);
    for (int i = 0; i < threads; ++i) claimed_[i].store(start, std::memory_order_relaxed);
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i, start] { work(i, start); });
  }

  void run(int64_t n, int64_t min_chunk, detail::ChunkFn chunk, const void* fn) {
    const int64_t most = std::max<int64_t>(1, n / std::max<int64_t>(1, min_chunk));
    const int chunks = int(std::min<int64_t>(size(), most));
    if (chunks <= 1) {
      if (n > 0) chunk(fn, 0, n);
      return;
    }
    const int64_t step = ((n + chunks - 1) / chunks + kChunkAlign - 1) / kChunkAlign * kChunkAlign;
    const uint64_t generation = generation_.load(std::memory_order_relaxed) + 1;
    job_ = {chunk, fn, n, step};
    done_.store(0, std::memory_order_relaxed);
    for (int i = chunks; i < size(); ++i) claimed_[i].store(generation, std::memory_order_relaxed);  // nothing to do
    generation_.store(generation, std::memory_order_release);  // publishes job_
    generation_.notify_all();
    run_chunk(0);
    for (int i = 1; i < chunks; ++i)
      if (claim(i, generation)) {
        run_chunk(i);
        done_.fetch_add(1, std::memory_order_relaxed);
      }
    while (done_.load(std::memory_order_acquire) != chunks - 1) sched_yield();
  }

 private:
  struct Job {
    detail::ChunkFn chunk = nullptr;
    const void* fn = nullptr;
    int64_t n = 0, step = 0;
  };

  // True for the one thread that takes chunk i of `generation`.
  bool claim(int i, uint64_t generation) {
    uint64_t last = claimed_[i].load(std::memory_order_relaxed);
    return last < generation &&
           claimed_[i].compare_exchange_strong(last, generation, std::memory_order_acq_rel);
  }

  void run_chunk(int index) const {
    const int64_t begin = std::min(job_.n, index * job_.step), end = std::min(job_.n, begin + job_.step);
    if (begin < end) job_.chunk(job_.fn, begin, end);
  }

  void work(int index, uint64_t seen) {
    for (;;) {
      seen = next_generation(seen);
      if (stopping_) return;
      if (claim(index, seen)) {
        run_chunk(index);
        done_.fetch_add(1, std::memory_order_release);
      }
    }
  }

  uint64_t next_generation(uint64_t seen) {
    auto polling_since = std::chrono::steady_clock::now();
    for (;;) {
      const uint64_t now = generation_.load(std::memory_order_acquire);
      if (now != seen) return now;
      if (std::chrono::steady_clock::now() - polling_since < kPollBeforeSleep) {
        sched_yield();
      } else {
        generation_.wait(seen, std::memory_order_acquire);
        polling_since = std::chrono::steady_clock::now();
      }
    }
  }

  void stop_workers() {
    stopping_ = true;
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
    stopping_ = false;
  }

  std::vector<std::thread> workers_;
  std::unique_ptr<std::atomic<uint64_t>[]> claimed_;  // per chunk: the last generation that took it
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> done_{0};  // chunks after the first finished in this generation
  Job job_;
  bool stopping_ = false;  // published with generation_, like job_
};

Pool& pool() {
  static Pool instance;
  return instance;
}

}  // namespace

void detail::run_parallel(int64_t n, int64_t min_chunk, ChunkFn chunk, const void* fn) {
  pool().run(n, min_chunk, chunk, fn);
}

void set_parallel_threads(int threads) { pool().resize(std::max(1, threads)); }

int parallel_threads() { return pool().size(); }

}  // namespace minima
