#include <minima/lesson/train_mode/train_mode_accuracy.hpp>

#include <algorithm>

#include <minima/train/evaluate.hpp>

namespace minima::lesson {

TrainModeAccuracy::TrainModeAccuracy(const Graph& model, int64_t batch_size)
    : copy_(Graph::from_json(model.config(), "/model/layers")), batch_size_(batch_size) {
  copy_.build(model.input_shape(), 0);
}

double TrainModeAccuracy::operator()(const Tensor& theta, const TrainingData& data) {
  std::copy(theta.data(), theta.data() + copy_.values().numel(), copy_.values().data());
  return evaluate(copy_, data.eval, data.normalization, batch_size_, Mode::Train).accuracy();
}

}  // namespace minima::lesson
