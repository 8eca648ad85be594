#pragma once
// Timing harness behind `minima bench`: the training step (forward + loss +
// backward + optimizer update) and the inference pass of a network on
// synthetic MNIST-shaped data, and the step's GEMM-only lower bound (its
// gemm() calls, recorded during one step and replayed alone on the step's
// own buffers with the same slices and threads).
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
  Shape sample{1, 28, 28};  // a sample's shape, MNIST's image by default
  int threads = 0;          // threads asked for (a config's train.threads); 0 = choose
};
// Layer lists from the "mlp" model builder (minima/models/mlp.hpp), as a config
// would give them: paper (784-100-100-100-10 sigmoid, batch 60), relu (784-256-256-10, batch
// 128), wide (784-1024-1024-10 ReLU, batch 256), each with BN and as
// "<name>-nobn" without; and from the "cnn" builder lenet (BNLeNet: LeNet-5,
// sigmoid, average pooling, BN before each sigmoid; [1, 28, 28] images, batch
// 128) and lenet-nobn (LeNet-5).
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
// inputs [N, sample] in [0, 1) with random labels (one per output), the
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
  Tensor x_;                     // [N, sample]
  std::vector<int32_t> labels_;  // [N]
};

// The gemm() calls of one training step (after a warm-up step), pointing at
// the step's own buffers.
std::vector<GemmCall> record_step_gemms(TrainingStep& step);

// Replays recorded GEMMs on the memory they were recorded on, through
// run_gemm(): the code gemm() runs, so the same slices on the same threads,
// the same operands, leading dimensions and alignment as in the step. run()
// performs every call once, in order; calls that parts made side by side
// (GemmCall::part >= 0) run side by side again, each part's in its order.
// The recorded step must outlive the replay; the C operands are
// overwritten (a step recomputes them: forward outputs, and gradients
// after zero_grad), the A and B operands only read.
class GemmReplay {
 public:
  explicit GemmReplay(std::vector<GemmCall> calls);
  void run() const;
  void run(size_t call) const { run_gemm(calls_[call]); }
  const std::vector<GemmCall>& calls() const { return calls_; }
  double flops() const;  // 2 m n k summed over the calls

 private:
  // Consecutive calls [begin, end) of the step's thread (parts == 0) or of
  // `parts` parts side by side.
  struct Stretch {
    size_t begin, end;
    int64_t parts;
  };
  std::vector<GemmCall> calls_;
  std::vector<Stretch> stretches_;
};

// One line of the per-GEMM profile: the calls of a step with one shape.
struct GemmProfileRow {
  bool trans_a = false, trans_b = false;
  int m = 0, n = 0, k = 0;
  float beta = 0;
  int calls = 0;      // per step
  double ms = 0;      // per step: the calls' median times, summed
  double share = 0;   // of all the step's GEMMs timed this way
  double gflops = 0;  // of these calls
};
// Times each call of `replay` alone, `repeats` times, and sums the medians
// per shape (in the order the step first issues each shape).
std::vector<GemmProfileRow> gemm_profile(const GemmReplay& replay, int64_t repeats);

struct BenchOptions {
  // threads (minima's loops and GEMM slices); 0 = the network's, else choose_threads()
  int threads = 0;
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
  std::vector<GemmProfileRow> gemm_profile;  // when profiled

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
