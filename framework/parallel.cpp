#include "framework/parallel.hpp"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace minima {
namespace {


// How long an idle worker polls for the next loop before it sleeps: long
// enough to catch the loops that follow each other within and between
// layers, short enough to leave the core to OpenBLAS during a long GEMM.
constexpr auto kPollBeforeSleep = std::chrono::microseconds(200);

// A job is cut into a few chunks per thread, and every thread, the caller
// included, takes the next chunk not yet taken until none is left. A
// worker that wakes late (a sleeping thread takes tens of microseconds to
// wake on a virtual machine, and on a busy one may not get a core for
// milliseconds) takes fewer chunks or none; the caller never waits for a
// chunk nobody started. Chunks are independent, so who runs one does not
// change any result.
class Pool {
 public:
  ~Pool() { stop_workers(); }

  int size() const { return int(workers_.size()) + 1; }

  void resize(int threads) {
    if (threads == size()) return;
    stop_workers();
    const uint64_t start = generation_.load(std::memory_order_relaxed);
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this, start] { work(start); });
  }

  void run(int64_t n, int64_t min_chunk, detail::ChunkFn chunk, const void* fn) {
    const int64_t most = std::max<int64_t>(1, n / std::max<int64_t>(1, min_chunk));
    const int chunks = int(std::min<int64_t>({int64_t(kChunksPerThread) * size(), most, kMaxChunks}));
    if (size() == 1 || chunks <= 1) {
      if (n > 0) chunk(fn, 0, n);
      return;
    }
    const uint64_t generation = (generation_.load(std::memory_order_relaxed) + 1) & kGenerationMask;
    job_ = {chunk, fn, n, ((n + chunks - 1) / chunks + kChunkAlign - 1) / kChunkAlign * kChunkAlign};
    done_.store(0, std::memory_order_relaxed);
    ticket_.store(generation << kGenerationShift | uint64_t(chunks) << kChunksShift, std::memory_order_relaxed);
    generation_.store(generation, std::memory_order_release);  // publishes job_ and ticket_
    generation_.notify_all();
    run_chunks(generation);
    while (done_.load(std::memory_order_acquire) != chunks) sched_yield();
  }

 private:
  // ticket_ packs the job's generation, its number of chunks and the next
  // chunk to take, so that one compare-and-swap both checks that the job is
  // still the one a thread woke up for and takes a chunk of it.
  static constexpr int kChunksPerThread = 4;
  static constexpr int64_t kMaxChunks = (1 << 12) - 1;
  static constexpr int kChunksShift = 12, kGenerationShift = 24;
  static constexpr uint64_t kGenerationMask = (uint64_t(1) << 40) - 1;

  struct Job {
    detail::ChunkFn chunk = nullptr;
    const void* fn = nullptr;
    int64_t n = 0, step = 0;
  };

  // Runs chunks of job `generation` until none is left to take.
  void run_chunks(uint64_t generation) {
    uint64_t ticket = ticket_.load(std::memory_order_acquire);
    for (;;) {
      const uint64_t next = ticket & kMaxChunks, chunks = ticket >> kChunksShift & kMaxChunks;
      if (ticket >> kGenerationShift != generation || next >= chunks) return;
      if (!ticket_.compare_exchange_weak(ticket, ticket + 1, std::memory_order_acq_rel)) continue;
      const int64_t begin = std::min(job_.n, int64_t(next) * job_.step), end = std::min(job_.n, begin + job_.step);
      if (begin < end) job_.chunk(job_.fn, begin, end);
      done_.fetch_add(1, std::memory_order_release);
      ticket = ticket_.load(std::memory_order_acquire);
    }
  }

  void work(uint64_t seen) {
    for (;;) {
      seen = next_generation(seen);
      if (stopping_) return;
      run_chunks(seen);
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
    generation_.store((generation_.load(std::memory_order_relaxed) + 1) & kGenerationMask, std::memory_order_release);
    generation_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
    stopping_ = false;
  }

  std::vector<std::thread> workers_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> ticket_{0};
  std::atomic<int> done_{0};  // chunks of the current job finished
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
