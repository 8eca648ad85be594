#pragma once
// Timing harness behind `minima bench`: the training step (forward + loss +
// backward + optimizer update) and the inference pass of a network on
// synthetic MNIST-shaped data, and the step's GEMM-only lower bound (its
// cblas_sgemm calls, recorded during one step and replayed alone).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <minima/core/blas.hpp>
#include <minima/nn/graph.hpp>
#include <minima/nn/loss.hpp>
#include <minima/optim/optimizer.hpp>

namespace minima {

// Order statistics of repeated timings, in milliseconds.
struct TimingStats {
  int64_t count = 0;
  double median = 0, min = 0, p90 = 0, max = 0;
};
TimingStats timing_stats(std::vector<double> ms);

// A network to time: its layer list, batch size and per-sample input.
struct BenchNetwork {
  std::string name;  // "paper", "paper-nobn", ... or a config file's name
  json layers;
  int64_t batch = 0;
  int64_t features = 784;  // MNIST's 28 x 28
  int threads = 0;         // threads asked for (a config's train.threads); 0 = choose
};
// Layer lists from the "mlp" model builder (minima/models/mlp.hpp), as a config
// would give them: paper (784-100-100-100-10 sigmoid, batch 60), relu (784-256-256-10, batch
// 128), wide (784-1024-1024-10 ReLU, batch 256), each with BN and as
// "<name>-nobn" without.
std::vector<BenchNetwork> named_bench_networks();
// One of them by name; throws listing the names when unknown.
BenchNetwork named_bench_network(const std::string& name);
// A run config's model, batch size, input size and thread count, named
// after the file (the optimizer is bench's own, for comparable numbers).
BenchNetwork config_bench_network(const std::string& path);

// Time per part of a training step, summed over profiled steps.
struct StepProfile {
  std::vector<std::string> layer_types;       // per layer index
  std::vector<double> forward_s, backward_s;  // per layer index
  double loss_s = 0, optimizer_s = 0, total_s = 0;
  int64_t steps = 0;
};

// Everything one training step touches, sized once: the network, synthetic
// inputs [N, features] in [0, 1) with random labels (one per output), the
// loss and the optimizer. After a first step nothing here allocates.
class TrainingStep {
 public:
  // `optimizer`: a config "optimizer" object, e.g. {"type": "sgd", "lr": 0.1}.
  TrainingStep(const BenchNetwork& network, const json& optimizer, uint64_t seed = 1);

  // zero_grad, forward (train mode), loss, backward, optimizer update.
  // With a profile, each part's time is added to it.
  float train(StepProfile* profile = nullptr);
  // Forward in eval mode; returns the logits [N, classes].
  const Tensor& infer();

  Graph& graph() { return graph_; }
  int64_t batch() const { return batch_; }

 private:
  Graph graph_;
  SoftmaxCrossEntropy loss_;
  std::unique_ptr<Optimizer> optimizer_;
  float lr_;
  int64_t batch_;
  Tensor x_;                     // [N, features]
  std::vector<int32_t> labels_;  // [N]
};

// The cblas_sgemm calls of one training step (after a warm-up step).
std::vector<GemmCall> record_step_gemms(TrainingStep& step);

// Replays recorded GEMM shapes on buffers of their own (random contents,
// allocated once): run() performs every call once, in order.
class GemmReplay {
 public:
  explicit GemmReplay(std::vector<GemmCall> calls, uint64_t seed = 7);
  void run();
  const std::vector<GemmCall>& calls() const { return calls_; }
  double flops() const;  // 2 m n k summed over the calls

 private:
  std::vector<GemmCall> calls_;
  std::vector<Tensor> a_, b_, c_;
};

struct BenchOptions {
  int threads =
      0;  // threads (minima's loops and GEMM slices); 0 = the network's, else choose_threads()
  int64_t steps = 0;    // timed steps per measurement; 0 = about a second's worth
  int64_t warmup = 10;  // untimed steps first
  bool profile = false;
  json optimizer = {{"type", "sgd"}, {"lr", 0.1}};
};

struct BenchResult {
  std::string network;
  int64_t batch = 0, params = 0;
  int threads = 0;
  TimingStats step, inference, gemm_bound;  // ms
  int64_t gemm_calls = 0;
  double gemm_gflops = 0;  // of the step's GEMMs at the bound's median
  // Part of a step -> (ms per step, share of the step) when profiled; parts
  // are "<layer type> forward|backward", "loss", "optimizer", "other".
  std::vector<std::pair<std::string, std::pair<double, double>>> profile;

  double samples_per_second() const {
    return step.median > 0 ? double(batch) * 1e3 / step.median : 0;
  }
  double inference_samples_per_second() const {
    return inference.median > 0 ? double(batch) * 1e3 / inference.median : 0;
  }
  double bound_ratio() const { return gemm_bound.median > 0 ? step.median / gemm_bound.median : 0; }
};

// Times `network`: step, inference and GEMM bound, interleaved in rounds so
// a noisy machine disturbs all three alike. Sets the thread count (set_threads).
BenchResult run_bench(const BenchNetwork& network, const BenchOptions& options);
json to_json(const BenchResult& result);

}  // namespace minima
