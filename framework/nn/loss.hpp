#pragma once
// Softmax fused with cross-entropy, mean over the batch.
#include <cstdint>
#include <span>

#include <minima/core/tensor.hpp>

namespace minima {

class SoftmaxCrossEntropy {
 public:
  // logits: [N, C]; labels: N class indices in [0, C). Returns the mean loss
  // -1/N sum_i log softmax(logits_i)[label_i], computed as
  // logsumexp(z) - z_label with the row maximum subtracted, so logits of any
  // size give a finite loss.
  float forward(const Tensor& logits, std::span<const int32_t> labels);
  // dlogits [N, C] = (softmax(logits) - onehot(labels)) / N.
  const Tensor& backward();

  const Tensor& probabilities() const { return probs_; }  // [N, C]
  int64_t correct() const { return correct_; }            // argmax == label in the last forward

 private:
  Tensor probs_;    // [N, C]
  Tensor dlogits_;  // [N, C]
  std::span<const int32_t> labels_;
  int64_t correct_ = 0;
};

// Index of the largest of row i of a [N, C] tensor.
int64_t argmax_row(const Tensor& t, int64_t i);

}  // namespace minima
