#include "framework/evaluate.hpp"

#include <numeric>
#include <stdexcept>
#include <string>

#include "framework/batcher.hpp"
#include "framework/loss.hpp"

namespace minima {

int64_t EvalResult::class_count(int true_class) const {
  const auto row = confusion.begin() + int64_t(true_class) * num_classes;
  return std::accumulate(row, row + num_classes, int64_t(0));
}

double EvalResult::class_accuracy(int c) const {
  const int64_t n = class_count(c);
  return n ? double(confusion_at(c, c)) / double(n) : 0.0;
}

EvalResult evaluate(Graph& model, const Dataset& data, const Normalization& normalization, int64_t batch_size) {
  if (model.output_shape().numel() != data.num_classes)
    throw std::invalid_argument("the model has " + std::to_string(model.output_shape().numel()) +
                                " outputs but the data set has " + std::to_string(data.num_classes) + " classes");
  EvalResult result;
  result.num_classes = data.num_classes;
  result.confusion.assign(size_t(data.num_classes) * size_t(data.num_classes), 0);
  Batcher batcher(data, batch_size, normalization, /*shuffle=*/false, /*seed=*/0, /*drop_last=*/false);
  Batch batch;
  SoftmaxCrossEntropy loss;
  double loss_sum = 0;
  while (batcher.next(batch)) {
    const Tensor& logits = model.forward(batch.x, Mode::Eval);
    loss_sum += double(loss.forward(logits, batch.labels)) * double(batch.size());
    for (int64_t i = 0; i < batch.size(); ++i)
      ++result.confusion[size_t(batch.labels[i]) * size_t(data.num_classes) + size_t(argmax_row(logits, i))];
    result.correct += loss.correct();
    result.count += batch.size();
  }
  result.loss = result.count ? loss_sum / double(result.count) : 0.0;
  return result;
}

}  // namespace minima
