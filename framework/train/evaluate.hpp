#pragma once
// Evaluating a model on a whole data set, in Eval mode unless asked: mean
// loss, accuracy, per-class accuracy and the confusion matrix.
#include <cstdint>
#include <vector>

#include <minima/data/dataset.hpp>
#include <minima/nn/graph.hpp>

namespace minima {

struct EvalResult {
  int num_classes = 0;
  int64_t count = 0;               // samples evaluated
  int64_t correct = 0;             // argmax == label
  double loss = 0;                 // mean softmax cross-entropy
  std::vector<int64_t> confusion;  // [C, C]: row = true class, column = predicted class

  double accuracy() const { return count ? double(correct) / double(count) : 0.0; }
  int64_t confusion_at(int true_class, int predicted) const {
    return confusion[true_class * num_classes + predicted];
  }
  int64_t class_count(int true_class) const;
  // Fraction of class `c`'s samples predicted as c (0 when it has none).
  double class_accuracy(int c) const;
};

// The model's output must have data.num_classes features. In Mode::Train
// BatchNorm normalizes each batch of `batch_size` with its own statistics
// (as in training) and updates its running statistics: use a copy.
EvalResult evaluate(Graph& model, const Dataset& data, const Normalization& normalization,
                    int64_t batch_size = 500, Mode mode = Mode::Eval);

struct Misclassified {
  int64_t index;  // sample index in the data set
  int label, predicted;
};

// The samples whose Eval-mode argmax differs from their label, in data
// order, at most `limit` of them; `wrong_total` gets the count of all.
std::vector<Misclassified> find_misclassified(Graph& model, const Dataset& data,
                                              const Normalization& normalization, int64_t limit,
                                              int64_t& wrong_total);

}  // namespace minima
