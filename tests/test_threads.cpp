// Threads: the rule that picks how many, and parallel_for, which must
// cover every index once, in chunks that depend only on the sizes, so that
// results are the same with any number of threads.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "framework/bench.hpp"
#include "framework/blas.hpp"
#include "framework/model_builder.hpp"
#include "framework/parallel.hpp"
#include "framework/threads.hpp"
#include "support.hpp"

using namespace minima;

namespace {

// Restores the thread count a test changed.
struct ThreadsGuard {
  int before = parallel_threads();
  ~ThreadsGuard() { set_threads(before); }
};

std::vector<std::pair<int64_t, int64_t>> chunks_of(int64_t n, int64_t min_chunk) {
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> chunks;
  parallel_for(n, min_chunk, [&](int64_t begin, int64_t end) {
    std::lock_guard<std::mutex> lock(mutex);
    chunks.emplace_back(begin, end);
  });
  std::sort(chunks.begin(), chunks.end());
  return chunks;
}

using Chunks = std::vector<std::pair<int64_t, int64_t>>;

}  // namespace

// The chunks tile [0, n) in order, each starting at a multiple of 16.
static void check_tiling(const Chunks& chunks, int64_t n) {
  REQUIRE(!chunks.empty());
  CHECK(chunks.front().first == 0);
  CHECK(chunks.back().second == n);
  for (size_t i = 0; i < chunks.size(); ++i) {
    CHECK(chunks[i].first % 16 == 0);
    CHECK(chunks[i].first < chunks[i].second);
    if (i > 0) CHECK(chunks[i].first == chunks[i - 1].second);
  }
}

TEST_CASE("parallel_for: chunks of whole cache lines that tile the range, none below min_chunk") {
  ThreadsGuard guard;
  set_parallel_threads(1);
  CHECK(chunks_of(1000, 1) == Chunks{{0, 1000}});
  set_parallel_threads(2);
  CHECK(parallel_threads() == 2);
  const Chunks two = chunks_of(1000, 1);
  CHECK(two.size() == 8);  // four per thread, so a late thread takes fewer
  check_tiling(two, 1000);
  check_tiling(chunks_of(100, 1), 100);
  CHECK(chunks_of(1000, 600) == Chunks{{0, 1000}});  // a second chunk would be shorter than 600
  CHECK(chunks_of(1000, 300) == Chunks{{0, 336}, {336, 672}, {672, 1000}});  // three of at least 300
  CHECK(chunks_of(0, 1).empty());
  set_parallel_threads(3);
  check_tiling(chunks_of(96, 1), 96);
  CHECK(chunks_of(20, 1) == Chunks{{0, 16}, {16, 20}});
  // Many loops in a row, each seeing all its work done when it returns.
  std::vector<int> hits(5000, 0);
  for (int round = 1; round <= 200; ++round) {
    parallel_for(int64_t(hits.size()), 64, [&](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k) ++hits[size_t(k)];
    });
    REQUIRE(std::all_of(hits.begin(), hits.end(), [&](int h) { return h == round; }));
  }
}

TEST_CASE("set_threads sets BLAS and the loop pool together") {
  ThreadsGuard guard;
  set_threads(2);
  CHECK(parallel_threads() == 2);
  CHECK(blas_threads() == 2);
  set_threads(1);
  CHECK(parallel_threads() == 1);
  CHECK(blas_threads() == 1);
}

TEST_CASE("a training step gives the same bits with minima's loops on one thread or two") {
  // Wide enough that ReLU, bias, zero_grad and the optimizer all split.
  // BLAS stays on one thread: this is about minima's own loops.
  ThreadsGuard guard;
  const json spec = {{"type", "mlp"}, {"hidden", {512, 512}}, {"activation", "relu"}, {"batchnorm", true}};
  const BenchNetwork network{"split", ModelBuilderRegistry::instance().expand(spec, "/model"), 128, 784, 0};
  const json momentum = {{"type", "sgd"}, {"lr", 0.1}, {"momentum", 0.9}};
  auto train = [&](int threads) {
    set_blas_threads(1);
    set_parallel_threads(threads);
    TrainingStep step(network, momentum);
    for (int i = 0; i < 3; ++i) step.train();
    return Tensor(step.graph().values());
  };
  const Tensor one = train(1), two = train(2);
  REQUIRE(one.numel() == two.numel());
  int64_t differing = 0;
  for (int64_t k = 0; k < one.numel(); ++k) differing += one[k] != two[k];
  CHECK(differing == 0);
}

TEST_CASE("choose_threads: one thread for small GEMMs, never more than the CPUs or OPENBLAS_NUM_THREADS") {
  TrainingStep wide(named_bench_network("wide-nobn"), {{"type", "sgd"}, {"lr", 0.1}});
  CHECK(dense_macs_per_sample(wide.graph()) == 784 * 1024 + 1024 * 1024 + 1024 * 10);
  const int cpus = available_cpus();
  CHECK(cpus >= 1);
  // 256 * 1,861,632 multiply-adds per forward pass: 29 threads' worth.
  CHECK(choose_threads(wide.graph(), 256) == std::min(cpus, 29));
  TrainingStep paper(named_bench_network("paper"), {{"type", "sgd"}, {"lr", 0.1}});
  CHECK(choose_threads(paper.graph(), 5) == 1);
  CHECK(choose_threads(paper.graph(), 60) == 1);  // 6M: a second thread slows it down
  CHECK(choose_threads(paper.graph(), 600) == std::min(cpus, 3));
  const char* old = std::getenv("OPENBLAS_NUM_THREADS");
  const std::string saved = old ? old : "";
  ::setenv("OPENBLAS_NUM_THREADS", "1", 1);
  CHECK(choose_threads(wide.graph(), 256) == 1);
  if (old)
    ::setenv("OPENBLAS_NUM_THREADS", saved.c_str(), 1);
  else
    ::unsetenv("OPENBLAS_NUM_THREADS");
}

