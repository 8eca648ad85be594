#include <minima/train/fold_check.hpp>

#include <algorithm>
#include <cmath>

#include <minima/data/batcher.hpp>
#include <minima/nn/loss.hpp>

namespace minima {

FoldCheck check_fold(Graph& model, Graph& folded, const Dataset& data,
                     const Normalization& normalization, int64_t batch_size) {
  FoldCheck check;
  Batcher batcher(data, batch_size, normalization, /*shuffle=*/false, /*seed=*/0,
                  /*drop_last=*/false);
  Batch batch;
  int64_t correct = 0, folded_correct = 0;
  while (batcher.next(batch)) {
    const Tensor& a = model.forward(batch.x, Mode::Eval);
    const Tensor& b = folded.forward(batch.x, Mode::Eval);
    for (int64_t k = 0; k < a.numel(); ++k)
      check.max_abs_logit_difference =
          std::max(check.max_abs_logit_difference, double(std::abs(b[k] - a[k])));
    for (int64_t i = 0; i < batch.size(); ++i) {
      const int64_t predicted = argmax_row(a, i), folded_predicted = argmax_row(b, i);
      correct += predicted == batch.labels[i];
      folded_correct += folded_predicted == batch.labels[i];
      check.changed_predictions += predicted != folded_predicted;
    }
    check.samples += batch.size();
  }
  if (check.samples > 0) {
    check.accuracy = double(correct) / double(check.samples);
    check.folded_accuracy = double(folded_correct) / double(check.samples);
  }
  return check;
}

}  // namespace minima
