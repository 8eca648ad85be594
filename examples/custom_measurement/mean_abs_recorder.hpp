#pragma once
// What the "mean_abs_activation" measurement records in one run: per hidden
// activation layer, the mean absolute value of its outputs,
//   mean|a| = (1/M) sum_k |y_k|   over the layer's M outputs for one batch
// (every sample and unit). mean_abs_activation.cpp reports it.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <minima/lesson/measurement.hpp>
#include <minima/nn/hidden_layers.hpp>

namespace mean_abs_example {

// One recorded step: mean|a| per layer, in MeanAbsResult::layers' order.
struct MeanAbsPoint {
  int64_t step = 0;
  std::vector<double> values;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(MeanAbsPoint, step, values)

// One run's record: seeds[k].measures.mean_abs_activation in summary.json.
struct MeanAbsResult {
  std::vector<std::string> layers;  // the hidden activations: "relu1", "relu2"
  std::vector<MeanAbsPoint> points;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(MeanAbsResult, layers, points)

// mean|a| = (1/M) sum_k |y_k| over all M values of y.
inline double mean_abs(const minima::Tensor& y) {
  double sum = 0;
  for (int64_t k = 0; k < y.numel(); ++k) sum += std::abs(double(y[k]));
  return sum / double(std::max<int64_t>(1, y.numel()));
}

// Records after steps 10, 20, 50, 100, ... and the last, from the outputs of
// the step just trained (its training batch), so it costs no forward pass.
class MeanAbsRecorder : public minima::lesson::Recorder {
 public:
  explicit MeanAbsRecorder(const minima::Graph& model)
      : layers_(minima::hidden_activations(model)) {
    for (size_t a : layers_) result_.layers.push_back(model.layer(a).name());
  }

  void after_step(minima::Trainer& trainer) override {
    const int64_t step = trainer.step();
    if (!minima::lesson::is_log_probe_step(step) && step != trainer.total_steps()) return;
    MeanAbsPoint point{step, {}};
    for (size_t a : layers_) point.values.push_back(mean_abs(trainer.model().layer(a).output()));
    result_.points.push_back(std::move(point));
  }

  nlohmann::json result() const override { return result_; }

 private:
  std::vector<size_t> layers_;  // the hidden activations' indices in the graph
  MeanAbsResult result_;
};

}  // namespace mean_abs_example
