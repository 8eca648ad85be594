#include <minima/core/parallel.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace minima {
namespace {

// A spin-wait hint: the core's pipeline goes to other work while we wait.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#else
  std::this_thread::yield();
#endif
}

// How long an idle worker polls for the next loop before it sleeps: long
// enough to catch the loops that follow each other within and between
// layers, short enough to leave the core alone during a long stretch of
// single-threaded work.
constexpr auto kPollBeforeSleep = std::chrono::microseconds(200);

// A job is cut into a few chunks per thread. Thread t (the caller is 0)
// owns the t-th run of consecutive chunks and takes those first, so the
// same rows of a layer and the same slice of a weight matrix land on the
// same core step after step and stay in its cache (docs/speed.md). A thread
// out of chunks of its own takes another's not yet started, from the far
// end: a worker that wakes late (tens of microseconds on a virtual
// machine, milliseconds on a busy one) takes fewer chunks or none, and the
// caller never waits for a chunk nobody started. Chunks are independent,
// so who runs one does not change any result.
class Pool {
 public:
  ~Pool() { stop_workers(); }

  int size() const { return threads_; }

  void resize(int threads) {
    if (threads == size()) return;
    stop_workers();
    threads_ = threads;  // set before any worker starts: workers read it, never workers_
    max_chunks_ = kChunksPerThread * threads;
    claims_ = std::make_unique<std::atomic<uint64_t>[]>(size_t(max_chunks_));
    const uint64_t start = generation_.load(std::memory_order_relaxed);
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i, start] { work(i, start); });
  }

  void run(int64_t n, int64_t min_chunk, detail::ChunkFn chunk, const void* fn) {
    const int64_t most = std::max<int64_t>(1, n / std::max<int64_t>(1, min_chunk));
    int chunks = int(std::min<int64_t>(max_chunks_, most));
    if (chunks > size())
      chunks -= chunks % size();  // equal shares: thread t gets the same rows in every loop
    if (size() == 1 || chunks <= 1) {
      if (n > 0) chunk(fn, 0, n);
      return;
    }
    const uint64_t generation = generation_.load(std::memory_order_relaxed) + 1;
    job_ = {chunk, fn, n,
            ((n + chunks - 1) / chunks + kChunkAlign - 1) / kChunkAlign * kChunkAlign};
    chunks_.store(chunks, std::memory_order_relaxed);
    per_thread_.store((chunks + size() - 1) / size(), std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    for (int c = 0; c < chunks; ++c) claims_[c].store(open(generation), std::memory_order_relaxed);
    generation_.store(generation, std::memory_order_release);  // publishes job_ and claims_
    generation_.notify_all();
    run_chunks(generation, 0);
    while (done_.load(std::memory_order_acquire) != chunks) cpu_relax();
  }

 private:
  static constexpr int kChunksPerThread = 4;
  // A chunk's claim word: open(g) while job g's chunk waits, open(g) + 1
  // once a thread took it. A thread still holding an older generation finds
  // no chunk open for it, so it can never take a chunk of a newer job.
  static uint64_t open(uint64_t generation) { return 2 * generation; }

  // Read only by a thread that claimed one of the job's chunks.
  struct Job {
    detail::ChunkFn chunk = nullptr;
    const void* fn = nullptr;
    int64_t n = 0, step = 0;
  };

  bool claim(int c, uint64_t generation) {
    uint64_t expected = open(generation);
    return claims_[c].compare_exchange_strong(expected, expected + 1, std::memory_order_acq_rel);
  }

  void run_chunk(int c) {
    const int64_t begin = std::min(job_.n, c * job_.step),
                  end = std::min(job_.n, begin + job_.step);
    if (begin < end) job_.chunk(job_.fn, begin, end);
    done_.fetch_add(1, std::memory_order_release);
  }

  // Runs thread `self`'s own chunks of job `generation`, then any other
  // thread's not yet taken.
  void run_chunks(uint64_t generation, int self) {
    // A late thread may read the next job's counts here; its claims fail.
    const int threads = size(), per = per_thread_.load(std::memory_order_relaxed),
              chunks = chunks_.load(std::memory_order_relaxed);
    for (int c = self * per; c < std::min(chunks, (self + 1) * per); ++c)
      if (claim(c, generation)) run_chunk(c);
    for (int other = 1; other < threads; ++other) {
      const int owner = (self + other) % threads;
      for (int c = std::min(chunks, (owner + 1) * per) - 1; c >= owner * per; --c)
        if (claim(c, generation)) run_chunk(c);
    }
  }

  void work(int self, uint64_t seen) {
    for (;;) {
      seen = next_generation(seen);
      if (stopping_) return;
      run_chunks(seen, self);
    }
  }

  uint64_t next_generation(uint64_t seen) {
    auto polling_since = std::chrono::steady_clock::now();
    for (;;) {
      const uint64_t now = generation_.load(std::memory_order_acquire);
      if (now != seen) return now;
      if (std::chrono::steady_clock::now() - polling_since < kPollBeforeSleep) {
        for (int i = 0; i < 16; ++i) cpu_relax();
      } else {
        generation_.wait(seen, std::memory_order_acquire);
        polling_since = std::chrono::steady_clock::now();
      }
    }
  }

  void stop_workers() {
    stopping_ = true;
    generation_.store(generation_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    generation_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
    threads_ = 1;
    stopping_ = false;
  }

  std::vector<std::thread> workers_;
  int threads_ = 1;  // workers + the caller
  std::atomic<uint64_t> generation_{0};
  std::unique_ptr<std::atomic<uint64_t>[]> claims_;  // one claim word per chunk
  int max_chunks_ = 0;
  std::atomic<int> chunks_{0}, per_thread_{0};  // the current job's chunks, and each thread's own
  std::atomic<int> done_{0};                    // chunks of the current job finished
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
