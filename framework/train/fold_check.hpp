#pragma once
// What folding BatchNorm (nn/fold_batchnorm.hpp) changes on real data: the
// model and its folded copy both run in Eval mode over a data set, and the
// check compares their logits and their predictions.
#include <cstdint>

#include <minima/data/dataset.hpp>
#include <minima/nn/graph.hpp>

namespace minima {

struct FoldCheck {
  int64_t samples = 0;
  double max_abs_logit_difference = 0;  // max over samples and classes of |folded - model|
  double accuracy = 0;                  // the model's test accuracy
  double folded_accuracy = 0;           // the folded model's
  int64_t changed_predictions = 0;      // samples whose argmax differs
};

FoldCheck check_fold(Graph& model, Graph& folded, const Dataset& data,
                     const Normalization& normalization, int64_t batch_size = 500);

}  // namespace minima
