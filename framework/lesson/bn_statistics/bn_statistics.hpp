#pragma once
// What BatchNorm's running statistics are worth in eval mode, per BN layer
// (one with running statistics) of a run, at a step:
// - how far running_mean and running_var are from the statistics they
//   estimate: the mean mu_k and variance s2_k of unit k's input over the
//   first `samples` training images, the network run in train mode in
//   batches of the run's size (as the training steps see the data):
//     mean_error = median_k |running_mean_k - mu_k| / sqrt(s2_k),
//     var_error  = median_k |running_var_k / s2_k - 1|;
// - the variance shift (Li et al. 2018, "Understanding the Disharmony
//   between Dropout and Batch Normalization by Variance Shift"): what eval
//   mode divides by against the variance v2_k its input has in eval mode
//   (dropout off, every BN on its running statistics), over the same
//   training images, so that only the mode differs:
//     variance_shift = median_k running_var_k / v2_k.
//   It is 1 when the running variance fits the eval-mode input; a dropout
//   before BN makes the training-time variance larger, so it is > 1.
// Computed on a copy of the model: the run itself is untouched.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/data/data_source.hpp>
#include <minima/lesson/statistics.hpp>
#include <minima/nn/graph.hpp>

namespace minima::lesson {

struct BatchNormStatsPoint {
  int64_t step = 0;
  // per BN layer, in model order; null where a unit's input does not vary
  std::vector<std::optional<double>> mean_error, var_error, variance_shift;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(BatchNormStatsPoint, step, mean_error, var_error, variance_shift)

struct BatchNormStatsResult {
  std::vector<std::string> layers;  // the BN layers' names
  std::vector<BatchNormStatsPoint> points;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(BatchNormStatsResult, layers, points)

class BatchNormStatsMeter {
 public:
  // `model`: the run's built graph (read for its layers and shapes only).
  BatchNormStatsMeter(const Graph& model, int64_t batch_size, int64_t samples);
  const std::vector<std::string>& layer_names() const { return names_; }
  // The numbers for the run's model as it is now (its parameters and running
  // statistics; it is read, not changed).
  BatchNormStatsPoint measure(Graph& model, const TrainingData& data, int64_t step);

 private:
  // Per BN layer and unit, the mean and variance of its input over `x`,
  // run through the copy in `mode` in batches of `batch`.
  struct Moments {
    std::vector<std::vector<double>> mean, var;
  };
  Moments input_moments(const Tensor& x, Mode mode, int64_t batch);

  Graph copy_;
  std::vector<size_t> bn_, input_;  // the BN layers and the layers that feed them
  std::vector<std::string> names_;
  int64_t batch_size_, samples_;
};

}  // namespace minima::lesson
