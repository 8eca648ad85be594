#include <minima/train/evaluate.hpp>

#include <numeric>
#include <stdexcept>
#include <string>

#include <minima/data/batcher.hpp>
#include <minima/nn/loss.hpp>

namespace minima {

int64_t EvalResult::class_count(int true_class) const {
  const auto row = confusion.begin() + int64_t(true_class) * num_classes;
  return std::accumulate(row, row + num_classes, int64_t(0));
}

double EvalResult::class_accuracy(int c) const {
  const int64_t n = class_count(c);
  return n ? double(confusion_at(c, c)) / double(n) : 0.0;
}

EvalResult evaluate(Graph& model, const Dataset& data, const Normalization& normalization,
                    int64_t batch_size, Mode mode) {
  if (model.output_shape().numel() != data.num_classes)
    throw std::invalid_argument("the model has " + std::to_string(model.output_shape().numel()) +
                                " outputs but the data set has " +
                                std::to_string(data.num_classes) + " classes");
  EvalResult result;
  result.num_classes = data.num_classes;
  result.confusion.assign(size_t(data.num_classes) * size_t(data.num_classes), 0);
  Batcher batcher(data, batch_size, normalization, /*shuffle=*/false, /*seed=*/0,
                  /*drop_last=*/false);
  Batch batch;
  SoftmaxCrossEntropy loss;
  double loss_sum = 0;
  while (batcher.next(batch)) {
    const Tensor& logits = model.forward(batch.x, mode);
    loss_sum += double(loss.forward(logits, batch.labels)) * double(batch.size());
    for (int64_t i = 0; i < batch.size(); ++i)
      ++result.confusion[size_t(batch.labels[i]) * size_t(data.num_classes) +
                         size_t(argmax_row(logits, i))];
    result.correct += loss.correct();
    result.count += batch.size();
  }
  result.loss = result.count ? loss_sum / double(result.count) : 0.0;
  return result;
}

std::vector<Misclassified> find_misclassified(Graph& model, const Dataset& data,
                                              const Normalization& normalization, int64_t limit,
                                              int64_t& wrong_total) {
  std::vector<Misclassified> wrong;
  wrong_total = 0;
  Batcher batcher(data, 500, normalization, /*shuffle=*/false, /*seed=*/0, /*drop_last=*/false);
  Batch batch;
  int64_t offset = 0;
  while (batcher.next(batch)) {
    const Tensor& logits = model.forward(batch.x, Mode::Eval);
    for (int64_t i = 0; i < batch.size(); ++i) {
      const int predicted = int(argmax_row(logits, i));
      if (predicted == batch.labels[size_t(i)]) continue;
      ++wrong_total;
      if (int64_t(wrong.size()) < limit)
        wrong.push_back({offset + i, batch.labels[size_t(i)], predicted});
    }
    offset += batch.size();
  }
  return wrong;
}

}  // namespace minima
