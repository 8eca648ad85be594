// Threads: the rule that picks how many, and parallel_for, which must
// cover every index once, in chunks that depend only on the sizes, so that
// results are the same with any number of threads.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <minima/core/blas.hpp>
#include <minima/core/parallel.hpp>
#include <minima/nn/model_builder.hpp>
#include <minima/platform/threads.hpp>
#include <minima/train/thread_choice.hpp>
#include "cli/bench/bench.hpp"
#include "tests/support.hpp"
#include "tests/threads_guard.hpp"

using namespace minima;
using minima::test::ThreadsGuard;

namespace {

int64_t count_differing(const Tensor& a, const Tensor& b) {
  REQUIRE(a.numel() == b.numel());
  int64_t differing = 0;
  for (int64_t k = 0; k < a.numel(); ++k) differing += a[k] != b[k];
  return differing;
}

// max |a - b| / max |a|: rounding differences against the tensor's scale.
double max_scaled_difference(const Tensor& a, const Tensor& b) {
  REQUIRE(a.numel() == b.numel());
  double worst = 0, scale = 0;
  for (int64_t k = 0; k < a.numel(); ++k) {
    worst = std::max(worst, std::fabs(double(a[k]) - b[k]));
    scale = std::max(scale, std::fabs(double(a[k])));
  }
  return worst / scale;
}

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
  // Three of at least 300 would not split evenly between two threads: two.
  CHECK(chunks_of(1000, 300) == Chunks{{0, 512}, {512, 1000}});
  set_parallel_threads(3);
  CHECK(chunks_of(1000, 300) == Chunks{{0, 336}, {336, 672}, {672, 1000}});
  set_parallel_threads(2);
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

TEST_CASE("parallel_parts: every part exactly once, for any number of parts and threads") {
  ThreadsGuard guard;
  for (const int threads : {1, 2, 3})
    for (const int64_t parts : {1, 2, 3, 5}) {
      CAPTURE(threads);
      CAPTURE(parts);
      set_parallel_threads(threads);
      std::mutex mutex;
      std::vector<int> runs(size_t(parts), 0);
      parallel_parts(parts, [&](int64_t part) {
        const std::lock_guard<std::mutex> lock(mutex);
        ++runs[size_t(part)];
      });
      CHECK(std::all_of(runs.begin(), runs.end(), [](int r) { return r == 1; }));
    }
}

TEST_CASE("gemm calls made inside parallel_parts run whole on their part's thread") {
  // A part's call is never split over the pool (that would nest one
  // parallel loop in another): each part's large product is right.
  ThreadsGuard guard;
  minima::Rng rng(5);
  const int64_t m = 64, n = 200, k = 100;  // 1.28M multiply-adds: split if made outside
  const Tensor a = minima::test::random_normal(Shape{m, k}, rng);
  const Tensor b = minima::test::random_normal(Shape{k, n}, rng);
  Tensor whole(Shape{m, n});
  set_threads(1);
  gemm(a, Trans::No, b, Trans::No, whole);
  set_threads(2);
  std::vector<Tensor> out(2, Tensor(Shape{m, n}));
  std::vector<GemmCall> calls;
  set_gemm_recorder(&calls);
  parallel_parts(2, [&](int64_t part) {
    run_gemm({false, false, int(m), int(n), int(k), 1.0f, 0.0f, a.data(), b.data(),
              out[size_t(part)].data(), int(k), int(n), int(n), int(part)});
  });
  set_gemm_recorder(nullptr);
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].part + calls[1].part == 1);
  for (const Tensor& o : out) CHECK(count_differing(o, whole) == 0);  // one whole call each
}

TEST_CASE("set_threads sizes the pool and keeps OpenBLAS on one thread") {
  ThreadsGuard guard;
  set_blas_threads(2);
  set_threads(2);
  CHECK(parallel_threads() == 2);
  CHECK(blas_threads() == 1);
  set_threads(1);
  CHECK(parallel_threads() == 1);
  CHECK(blas_threads() == 1);
}

TEST_CASE("gemm split across the pool: the product, and the same bits on every run") {
  ThreadsGuard guard;
  minima::Rng rng(3);
  // Each shape splits C along its longer side (rows, then columns), with
  // and without transposes, beta 0 and 1, and a slice width that is not a
  // multiple of the kernels' blocking.
  struct Case {
    int64_t m, n, k;
    Trans ta, tb;
    float beta;
  };
  for (const Case& c : {Case{300, 70, 200, Trans::No, Trans::Yes, 0.0f},
                        Case{70, 300, 200, Trans::Yes, Trans::No, 1.0f},
                        Case{257, 129, 64, Trans::Yes, Trans::Yes, 1.0f},
                        Case{33, 1000, 50, Trans::No, Trans::No, 0.0f}}) {
    CAPTURE(c.m);
    CAPTURE(c.n);
    const Tensor a =
        minima::test::random_normal(c.ta == Trans::Yes ? Shape{c.k, c.m} : Shape{c.m, c.k}, rng);
    const Tensor b =
        minima::test::random_normal(c.tb == Trans::Yes ? Shape{c.n, c.k} : Shape{c.k, c.n}, rng);
    const Tensor c0 = minima::test::random_normal(Shape{c.m, c.n}, rng);
    auto product = [&](int threads) {
      set_threads(threads);
      Tensor out = c0;
      gemm(a, c.ta, b, c.tb, out, 0.5f, c.beta);
      return out;
    };
    const Tensor one = product(1), two = product(2), again = product(2);
    // The slices' calls may round differently from one whole call (OpenBLAS
    // picks kernels by size), but never differently from run to run.
    CHECK(count_differing(two, again) == 0);
    CHECK(max_scaled_difference(one, two) < 1e-5);
    // Both are the product: one element against a double dot product.
    const int64_t i = c.m - 1, j = c.n / 2;
    double dot = 0;
    for (int64_t p = 0; p < c.k; ++p) {
      const double x = c.ta == Trans::Yes ? a[p * c.m + i] : a[i * c.k + p];
      const double y = c.tb == Trans::Yes ? b[j * c.k + p] : b[p * c.n + j];
      dot += x * y;
    }
    CHECK(two[i * c.n + j] == doctest::Approx(0.5 * dot + c.beta * c0[i * c.n + j]).epsilon(1e-4));
  }
}

TEST_CASE(
    "a training step gives the same bits on every run with two threads, and agrees with one") {
  // Wide enough that the GEMMs, BatchNorm's sums, ReLU, bias, zero_grad and
  // the optimizer all split.
  ThreadsGuard guard;
  const json spec = {
      {"type", "mlp"}, {"hidden", {512, 512}}, {"activation", "relu"}, {"batchnorm", true}};
  const BenchNetwork network{"split", expand_model(spec, "/model"), 128, Shape{784}, 0};
  const json momentum = {{"type", "sgd"}, {"lr", 0.1}, {"momentum", 0.9}};
  auto train = [&](int threads) {
    set_threads(threads);
    TrainingStep step(network, momentum);
    for (int i = 0; i < 3; ++i) step.train();
    return Tensor(step.graph().values());
  };
  const Tensor one = train(1), two = train(2), again = train(2);
  CHECK(count_differing(two, again) == 0);
  CHECK(max_scaled_difference(one, two) < 1e-3);  // GEMM rounding, three steps on
}

TEST_CASE(
    "minima's own loops give the same bits on one thread or two (BatchNorm's column sums too)") {
  ThreadsGuard guard;
  minima::Rng rng(8);
  const Tensor x = minima::test::random_normal(Shape{256, 1024}, rng, 2.0f, 3.0f);
  const Tensor dy = minima::test::random_normal(Shape{256, 1024}, rng);
  auto run = [&](const char* type, int threads) {
    set_threads(threads);
    auto layer = minima::test::make_layer(json{{"type", type}}, Shape{1024});
    const Tensor y = layer->forward(x, Mode::Train);
    layer->backward(dy);
    return std::make_pair(y, Tensor(layer->input_grad()));
  };
  for (const char* type : {"batchnorm", "relu", "sigmoid"}) {
    CAPTURE(type);
    const auto one = run(type, 1), two = run(type, 2);
    CHECK(count_differing(one.first, two.first) == 0);
    CHECK(count_differing(one.second, two.second) == 0);
  }
}

TEST_CASE(
    "the poolings and batchnorm on images give the same bits on one thread or two, conv2d on "
    "every run with two") {
  // conv2d gives each thread a share of the batch (parallel_parts) whose dW
  // and db it adds up on its own, then adds the shares in order: its
  // results differ across thread counts by rounding, never from run to run.
  ThreadsGuard guard;
  minima::Rng rng(9);
  const Shape sample{4, 16, 16};
  const Tensor x = minima::test::random_normal(sample.with_batch(256), rng);
  auto run = [&](const json& spec, int threads) {
    set_threads(threads);
    auto layer = minima::test::make_layer(spec, sample);
    const Tensor y = layer->forward(x, Mode::Train);
    Tensor dy(y.shape());
    minima::Rng dy_rng(10);
    for (int64_t k = 0; k < dy.numel(); ++k) dy[k] = dy_rng.normal();
    layer->backward(dy);
    const Tensor dweight = layer->params().empty() ? Tensor() : layer->params()[0]->grad;
    return std::make_tuple(y, Tensor(layer->input_grad()), dweight);
  };
  for (const json& spec :
       {json{{"type", "maxpool2d"}, {"kernel", 3}, {"stride", 2}, {"padding", 1}},
        json{{"type", "avgpool2d"}, {"kernel", 2}}, json{{"type", "flatten"}},
        json{{"type", "batchnorm"}}}) {
    CAPTURE(spec.dump());
    const auto one = run(spec, 1), two = run(spec, 2);
    CHECK(count_differing(std::get<0>(one), std::get<0>(two)) == 0);
    CHECK(count_differing(std::get<1>(one), std::get<1>(two)) == 0);
    CHECK(count_differing(std::get<2>(one), std::get<2>(two)) == 0);  // dgamma
  }
  const json conv = {{"type", "conv2d"}, {"out_channels", 8}, {"kernel", 3}, {"padding", 1}};
  const auto one = run(conv, 1), two = run(conv, 2), again = run(conv, 2);
  for (const auto& [a, b] : {std::make_pair(std::get<0>(two), std::get<0>(again)),
                             std::make_pair(std::get<1>(two), std::get<1>(again)),
                             std::make_pair(std::get<2>(two), std::get<2>(again))})
    CHECK(count_differing(a, b) == 0);
  CHECK(max_scaled_difference(std::get<0>(one), std::get<0>(two)) < 1e-5);
  CHECK(max_scaled_difference(std::get<1>(one), std::get<1>(two)) < 1e-5);
}

TEST_CASE("choose_threads: one thread for small steps, never more than default_threads()") {
  TrainingStep wide(named_bench_network("wide-nobn"), {{"type", "sgd"}, {"lr", 0.1}});
  CHECK(weight_macs_per_sample(wide.graph()) == 784 * 1024 + 1024 * 1024 + 1024 * 10);
  const int most = default_threads();
  // 256 * 1,861,632 multiply-adds per forward pass: 29 threads' worth.
  CHECK(choose_threads(wide.graph(), 256) == std::min(most, 29));
  TrainingStep paper(named_bench_network("paper"), {{"type", "sgd"}, {"lr", 0.1}});
  CHECK(choose_threads(paper.graph(), 5) == 1);
  CHECK(choose_threads(paper.graph(), 60) == 1);  // 6M
  CHECK(choose_threads(paper.graph(), 600) == std::min(most, 3));
  // LeNet: conv1 150 weights at 28 x 28 positions, conv2 2400 at 10 x 10, then
  // dense 400*120 + 120*84 + 84*10: 416,520 per sample, 53M at batch 128.
  TrainingStep lenet(named_bench_network("lenet"), {{"type", "sgd"}, {"lr", 0.1}});
  CHECK(weight_macs_per_sample(lenet.graph()) == 150 * 784 + 2400 * 100 + 58920);
  CHECK(choose_threads(lenet.graph(), 128) == std::min(most, 3));
}

TEST_CASE("default_threads: the CPUs, never more than OPENBLAS_NUM_THREADS") {
  const int cpus = available_cpus();
  CHECK(cpus >= 1);
  const char* old = std::getenv("OPENBLAS_NUM_THREADS");
  const std::string saved = old ? old : "";
  ::unsetenv("OPENBLAS_NUM_THREADS");
  if (!std::getenv("OMP_NUM_THREADS")) CHECK(default_threads() == cpus);
  ::setenv("OPENBLAS_NUM_THREADS", "1", 1);
  CHECK(default_threads() == 1);
  ::setenv("OPENBLAS_NUM_THREADS", "64", 1);
  CHECK(default_threads() <= cpus);
  if (old)
    ::setenv("OPENBLAS_NUM_THREADS", saved.c_str(), 1);
  else
    ::unsetenv("OPENBLAS_NUM_THREADS");
}
