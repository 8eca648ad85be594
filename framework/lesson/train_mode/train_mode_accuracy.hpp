#pragma once
// Test accuracy as the network computes it while training: BatchNorm
// normalizes each test batch (of the run's batch size) with that batch's
// own statistics, as in Mode::Train, instead of the running statistics an
// evaluation uses. Computed on a copy of the model, so the run's running
// statistics stay as they are. The gap between the two shows where BN's
// batch statistics become too noisy (tiny batches).
#include <cstdint>

#include <minima/data/data_source.hpp>
#include <minima/nn/graph.hpp>

namespace minima::lesson {

class TrainModeAccuracy {
 public:
  // `model`: a built graph, read for its layers and shapes only.
  TrainModeAccuracy(const Graph& model, int64_t batch_size);
  // The accuracy on data.eval at parameters `theta` (the run's Graph::values()).
  double operator()(const Tensor& theta, const TrainingData& data);

 private:
  Graph copy_;
  int64_t batch_size_;
};

}  // namespace minima::lesson
