// No heap allocation in a steady-state training step or inference pass
// (docs/architecture.md): batch gather, forward, loss, backward, optimizer update.
// Allocations are counted by the test binary's interposed malloc family
// (tests/allocation_counter.cpp; operator new and Tensor storage go through
// it; under AddressSanitizer, ASan's malloc hook counts them).
#include <doctest/doctest.h>

#include <cmath>
#include <utility>
#include <vector>

#include <minima/core/blas.hpp>
#include <minima/core/rng.hpp>
#include <minima/data/batcher.hpp>
#include <minima/nn/graph.hpp>
#include <minima/nn/loss.hpp>
#include <minima/nn/model_builder.hpp>
#include <minima/optim/optimizer.hpp>
#include <minima/platform/threads.hpp>
#include "cli/bench/bench.hpp"
#include "tests/allocation_counter.hpp"
#include "tests/threads_guard.hpp"

namespace {
const bool kNotCounted = !minima::test::counting_allocations();

using minima::test::allocations_during;
}  // namespace

using namespace minima;

namespace {

// Random MNIST-shaped data: `count` samples of 784 pixels, 10 classes.
Dataset synthetic_mnist(int64_t count) {
  Dataset data;
  data.sample_shape = Shape{784};
  data.count = count;
  data.num_classes = 10;
  Rng rng(3);
  for (int64_t i = 0; i < count * 784; ++i) data.pixels.push_back(uint8_t(rng.below(256)));
  for (int64_t i = 0; i < count; ++i) data.labels.push_back(int32_t(rng.below(10)));
  return data;
}

// A trainer's loop: batch gather, zero_grad, forward, loss, backward, update;
// plus an eval-mode pass (the last batch of an epoch may be smaller). The
// network sees each sample as `sample` ([784], or the image [1, 28, 28]).
struct Training {
  Graph graph;
  SoftmaxCrossEntropy loss;
  std::unique_ptr<Optimizer> optimizer;
  Batcher batcher;
  Batch batch;
  Shape sample;
  Tensor x;  // a view of batch.x, [N, sample]
  float last_loss = 0;

  Training(const json& layers, const json& optimizer_config, const Dataset& data,
           int64_t batch_size, Shape sample_shape)
      : graph(Graph::from_json(layers, "/model/layers")),
        batcher(data, batch_size, Normalization{0.13f, 0.31f}, true, 5, false),
        sample(sample_shape) {
    graph.build(sample, 11);
    ConfigObject config(optimizer_config, "/optimizer");
    optimizer = make_optimizer(config, graph.values().numel());  // the arena, padding included
  }
  void step() {
    if (!batcher.next(batch)) batcher.next(batch);  // a new epoch
    x = Tensor::view(batch.x.data(), sample.with_batch(batch.x.dim(0)));
    graph.zero_grad();
    last_loss = loss.forward(graph.forward(x, Mode::Train), batch.labels);
    graph.backward(loss.backward());
    optimizer->step(graph.values(), graph.grads(), optimizer->base_lr());
  }
  void infer() { graph.forward(x, Mode::Eval); }
};

// A small LeNet-like CNN on [1, 28, 28]: conv (padded, then strided),
// batchnorm over channels, both poolings, flatten, dense.
json small_cnn() {
  return json::parse(R"([
      {"type": "conv2d", "out_channels": 4, "kernel": 5, "padding": 2, "bias": false},
      {"type": "batchnorm"},
      {"type": "relu"},
      {"type": "maxpool2d", "kernel": 2},
      {"type": "conv2d", "out_channels": 8, "kernel": 3, "stride": 2, "bias": false},
      {"type": "sigmoid"},
      {"type": "avgpool2d", "kernel": 2, "stride": 1},
      {"type": "flatten"},
      {"type": "dense", "units": 10}])");
}

}  // namespace

TEST_CASE("allocation counter sees operator new and Tensor storage" * doctest::skip(kNotCounted)) {
  CHECK(allocations_during([] {
          std::vector<int> v(100);
          v[0] = 1;
        }) == 1);
  CHECK(allocations_during([] {
          Tensor t(Shape{10});
          t[0] = 1.0f;
        }) == 1);
  CHECK(allocations_during([] {}) == 0);
}

TEST_CASE(
    "steady-state training steps and inference passes allocate nothing, on one thread or two" *
    doctest::skip(kNotCounted)) {
  // 50 samples in batches of 16: epochs end with a batch of 2, so the loop
  // crosses epoch boundaries and smaller batches.
  const Dataset data = synthetic_mnist(50);
  const json mlps[] = {
      {{"type", "mlp"}, {"hidden", {32, 16}}, {"activation", "sigmoid"}, {"batchnorm", true}},
      {{"type", "mlp"}, {"hidden", {32, 16}}, {"activation", "relu"}, {"batchnorm", false}},
      {{"type", "mlp"}, {"hidden", {24}}, {"activation", "tanh"}, {"batchnorm", true}},
      // 16 x 784 x 128 multiply-adds: gemm() splits it across the threads.
      {{"type", "mlp"}, {"hidden", {128}}, {"activation", "relu"}, {"batchnorm", true}},
  };
  std::vector<std::pair<json, Shape>> models;  // layers, sample shape
  for (const json& mlp : mlps) models.emplace_back(expand_model(mlp, "/model"), Shape{784});
  models.emplace_back(small_cnn(), Shape{1, 28, 28});
  const json optimizers[] = {
      {{"type", "sgd"}, {"lr", 0.1}},
      {{"type", "sgd"},
       {"lr", 0.05},
       {"momentum", 0.9},
       {"nesterov", true},
       {"weight_decay", 1e-4}},
      {{"type", "adam"}, {"lr", 0.001}},
  };
  const minima::test::ThreadsGuard guard;
  for (int threads : {1, 2}) {
    if (threads > available_cpus()) continue;
    set_threads(threads);
    for (const auto& [layers, sample] : models)
      for (const json& optimizer : optimizers) {
        CAPTURE(layers.dump());
        CAPTURE(optimizer.dump());
        CAPTURE(threads);
        Training t(layers, optimizer, data, 16, sample);
        for (int i = 0; i < 5; ++i) {  // warm-up: buffers reach full size, one full epoch
          t.step();
          t.infer();
        }
        const long long count = allocations_during([&] {
          for (int i = 0; i < 8; ++i) {
            t.step();
            t.infer();
          }
        });
        CHECK(std::isfinite(t.last_loss));
        CHECK(count == 0);
      }
  }
}

TEST_CASE("bench's TrainingStep allocates nothing after its first step" *
          doctest::skip(kNotCounted)) {
  // On as many threads as training uses by default (OpenBLAS's threaded
  // driver would malloc a job table per call; set_threads keeps it on one).
  const minima::test::ThreadsGuard guard;
  set_threads(default_threads());
  BenchNetwork net = named_bench_network("paper");
  TrainingStep step(net, {{"type", "sgd"}, {"lr", 0.1}});
  step.train();
  step.infer();
  CHECK(allocations_during([&] {
          for (int i = 0; i < 5; ++i) {
            step.train();
            step.infer();
          }
        }) == 0);
}
