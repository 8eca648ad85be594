#pragma once
// batchnorm_reference: BatchNorm to read, the oracle tests/test_batchnorm.cpp holds the fast one
// to: Ioffe & Szegedy's Algorithm 1 and backward in the paper's notation, in double, with PyTorch's
// running statistics. x[i, c, s] is x[(i C + c) S + s]: N samples, C channels, S values (H W or 1).
#include <cstdint>
#include <vector>

namespace minima {

struct BatchNormReference {
  explicit BatchNormReference(int64_t C, int64_t S = 1)
      : C(C), S(S), gamma(C, 1.0), beta(C, 0.0), running_mean(C, 0.0), running_var(C, 1.0) {}
  int64_t C, S, N = 0;                // N: the last forward's samples
  double eps = 1e-5, momentum = 0.1;  // PyTorch's defaults
  bool subtract_mean = true, divide_by_std = true, unbiased = true;  // normalize, running_var
  std::vector<double> gamma, beta, running_mean, running_var;        // [C] scale, shift; for eval
  bool train = true;                                                 // the last forward's mode,
  std::vector<double> x_mu, x_hat;                 // [N, C, S] its x - mu and normalized x
  std::vector<double> inv_std;                     // [C] its 1 / sqrt(sigma^2 + eps)
  std::vector<double> dgamma, dbeta;               // [C] the last backward's
  std::vector<int64_t> channel(int64_t c) const {  // where channel c's m = N S values are
    std::vector<int64_t> values;                   // sample k / S, position k % S
    for (int64_t k = 0; k < N * S; ++k) values.push_back((k / S * C + c) * S + k % S);
    return values;
  }
};

// y of x [N, C, S]: by the batch statistics (train; updates the running ones) or the running ones.
std::vector<double> batchnorm_reference_forward(BatchNormReference& bn,
                                                const std::vector<double>& x, bool train);
// dx for dy [N, C, S] (of the last forward's y); sets bn.dgamma, bn.dbeta.
std::vector<double> batchnorm_reference_backward(BatchNormReference& bn,
                                                 const std::vector<double>& dy);

}  // namespace minima
