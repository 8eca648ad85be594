#pragma once
// How large a training step is against the weights it changes, per weight
// tensor: the update:data ratio std(dW) / std(W), dW = W after the step
// minus W before it (the actual update, whatever the optimizer did), and
// the gradient:data ratio std(grad W) / std(W), the gradient of that same
// step. W is the tensor after the step; std is the population standard
// deviation over the tensor's elements. Karpathy teaches with the first
// (makemore part 3, "Building makemore Part 3: Activations & Gradients,
// BatchNorm"): around 1e-3 a layer learns at a healthy pace, far below it
// slowly, far above it too fast.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/nn/graph.hpp>

namespace minima::lesson {

struct UpdateScalesPoint {
  int64_t step = 0;                  // the step just taken
  std::vector<double> update_ratio;  // per tensor, std(dW) / std(W)
  std::vector<double> grad_ratio;    // per tensor, std(grad W) / std(W)
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(UpdateScalesPoint, step, update_ratio, grad_ratio)

// What the "update_scales" measurement keeps of one run (seeds[k].measures.update_scales).
struct UpdateScalesResult {
  std::vector<std::string> tensors;       // "fc1.weight", ... in graph order
  double record_seconds = 0;              // the run's wall time spent copying weights and measuring
  std::vector<UpdateScalesPoint> points;  // in step order
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(UpdateScalesResult, tensors, record_seconds, points)

// sqrt(1/n sum_k (x_k - m)^2), m = 1/n sum_k x_k; 0 for no values.
double population_std(std::span<const float> x);
// The same of the differences d_k = after_k - before_k, without storing them.
double population_std_of_difference(std::span<const float> after, std::span<const float> before);

// A weight tensor the measurement follows.
struct WeightTensor {
  std::string name;    // "fc1.weight": layer name + ".weight"
  const Param* param;  // its value and gradient, views into the graph's arenas
};
// Every "weight" parameter of rank >= 2, in graph order: Dense matrices and
// convolution filter banks, not BatchNorm's per-feature scale.
std::vector<WeightTensor> weight_tensors(const Graph& model);

// Keeps a copy of the weight tensors before a step and measures both
// ratios after it. The copies are sized once, at construction.
class UpdateScaleMeter {
 public:
  explicit UpdateScaleMeter(const Graph& model);

  std::vector<std::string> tensor_names() const;
  // Copies every tensor's current weights (W before the next step).
  void keep_weights();
  // Both ratios of every tensor, from the weights now, the copy kept
  // before this step and the gradients of this step.
  UpdateScalesPoint measure(int64_t step) const;

 private:
  std::vector<WeightTensor> tensors_;
  std::vector<std::vector<float>> before_;  // per tensor, W before the step
};

}  // namespace minima::lesson
