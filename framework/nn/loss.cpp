#include <minima/nn/loss.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace minima {

int64_t argmax_row(const Tensor& t, int64_t i) {
  const int64_t c = t.cols();
  const float* row = t.data() + i * c;
  int64_t best = 0;
  for (int64_t j = 1; j < c; ++j)
    if (row[j] > row[best]) best = j;
  return best;
}

float SoftmaxCrossEntropy::forward(const Tensor& logits, std::span<const int32_t> labels) {
  if (logits.shape().rank() != 2)
    throw std::invalid_argument("softmax cross-entropy: logits must be [N, C], got " +
                                logits.shape().str());
  const int64_t n = logits.dim(0), c = logits.dim(1);
  if (int64_t(labels.size()) != n)
    throw std::invalid_argument("softmax cross-entropy: " + std::to_string(labels.size()) +
                                " labels for " + std::to_string(n) + " rows of logits");
  probs_.resize(logits.shape());
  labels_ = labels;
  correct_ = 0;
  double total = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t label = labels[i];
    if (label < 0 || label >= c)
      throw std::invalid_argument("softmax cross-entropy: label " + std::to_string(label) +
                                  " outside [0, " + std::to_string(c) + ")");
    const float* z = logits.data() + i * c;
    float* p = probs_.data() + i * c;
    float zmax = z[0];
    for (int64_t j = 1; j < c; ++j) zmax = std::max(zmax, z[j]);
    float sum = 0.0f;
    for (int64_t j = 0; j < c; ++j) {
      p[j] = std::exp(z[j] - zmax);
      sum += p[j];
    }
    const float inv = 1.0f / sum;
    for (int64_t j = 0; j < c; ++j) p[j] *= inv;
    total += double(std::log(sum)) - double(z[label] - zmax);  // logsumexp(z) - z_label
    if (argmax_row(logits, i) == label) ++correct_;
  }
  return n ? float(total / double(n)) : 0.0f;
}

const Tensor& SoftmaxCrossEntropy::backward() {
  dlogits_.resize(probs_.shape());
  const int64_t n = probs_.dim(0), c = probs_.dim(1);
  const float inv_n = 1.0f / float(n);
  for (int64_t i = 0; i < n; ++i) {
    const float* p = probs_.data() + i * c;
    float* d = dlogits_.data() + i * c;
    for (int64_t j = 0; j < c; ++j) d[j] = p[j] * inv_n;
    d[labels_[i]] -= inv_n;
  }
  return dlogits_;
}

}  // namespace minima
