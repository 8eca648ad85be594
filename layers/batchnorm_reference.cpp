#include <minima/layers/batchnorm_reference.hpp>

#include <cmath>

namespace minima {

// Algorithm 1 per channel: mu_B = 1/m sum x_i, sigma^2_B = 1/m sum (x_i - mu_B)^2,
// x_hat_i = (x_i - mu_B) / sqrt(sigma^2_B + eps), y_i = gamma x_hat_i + beta. Train updates
// running = (1 - momentum) running + momentum batch (running_var: unbiased m/(m-1) sigma^2_B, or
// sigma^2_B). Normalize "mean": x_hat_i = x_i - mu_B; "variance": x_i / sqrt(sigma^2_B + eps).
std::vector<double> batchnorm_reference_forward(BatchNormReference& bn,
                                                const std::vector<double>& x, bool train) {
  bn.N = int64_t(x.size()) / (bn.C * bn.S);
  const double m = double(bn.N * bn.S), momentum = bn.momentum;
  std::vector<double> y(x.size());
  bn.train = train;
  bn.x_mu = bn.x_hat = x;
  bn.inv_std.assign(bn.C, 0.0);
  for (int64_t c = 0; c < bn.C; ++c) {
    double mu_B = 0, sigma2_B = 0;
    for (int64_t j : bn.channel(c)) mu_B += x[j] / m;
    for (int64_t j : bn.channel(c)) sigma2_B += std::pow(x[j] - mu_B, 2) / m;
    const double mu = train ? mu_B : bn.running_mean[c];
    bn.inv_std[c] = 1 / std::sqrt((train ? sigma2_B : bn.running_var[c]) + bn.eps);
    if (train) bn.running_mean[c] = (1 - momentum) * bn.running_mean[c] + momentum * mu_B;
    if (train)
      bn.running_var[c] = (1 - momentum) * bn.running_var[c] +
                          momentum * sigma2_B * (bn.unbiased ? m / (m - 1) : 1);
    for (int64_t j : bn.channel(c)) {
      bn.x_mu[j] = x[j] - mu;
      bn.x_hat[j] = (bn.subtract_mean ? bn.x_mu[j] : x[j]) * (bn.divide_by_std ? bn.inv_std[c] : 1);
      y[j] = bn.gamma[c] * bn.x_hat[j] + bn.beta[c];
    }
  }
  return y;
}

// Backward, per channel over its m values, by the chain rule (sec. 3):
//   dx_hat_i = dy_i gamma,  dgamma = sum dy_i x_hat_i,  dbeta = sum dy_i,
//   dsigma^2_B = sum dx_hat_i (x_i - mu_B) (-1/2) (sigma^2_B + eps)^(-3/2),
//   dmu_B = sum -dx_hat_i / sqrt(sigma^2_B + eps) + dsigma^2_B sum -2 (x_i - mu_B) / m,
//   dx_i = dx_hat_i / sqrt(sigma^2_B + eps) + dsigma^2_B 2 (x_i - mu_B) / m + dmu_B / m,
// that is dx = gamma / (m sqrt(sigma^2_B + eps)) (m dy - sum dy - x_hat sum dy x_hat).
// "mean" (1 for sqrt(sigma^2_B + eps), dsigma^2_B = 0): dx = gamma (dy - sum dy / m); "variance"
// (x_i in x_hat, dmu_B = 0): dx = gamma s (dy - (x - mu_B) s^2 sum dy x / m), s = inv_std.
std::vector<double> batchnorm_reference_backward(BatchNormReference& bn,
                                                 const std::vector<double>& dy) {
  const double m = double(bn.N * bn.S);
  std::vector<double> dx(dy.size()), dx_hat(dy.size());
  bn.dgamma = bn.dbeta = std::vector<double>(bn.C, 0.0);
  for (int64_t c = 0; c < bn.C; ++c) {
    const double inv_std = bn.divide_by_std ? bn.inv_std[c] : 1;  // 1 / sqrt(sigma^2_B + eps)
    double dsigma2_B = 0, dmu_B = 0;
    for (int64_t j : bn.channel(c)) {
      dx_hat[j] = dy[j] * bn.gamma[c];
      bn.dgamma[c] += dy[j] * bn.x_hat[j];
      bn.dbeta[c] += dy[j];
      dsigma2_B += dx_hat[j] * bn.x_hat[j] / inv_std * -0.5 * std::pow(inv_std, 3);
    }
    if (!bn.train || !bn.divide_by_std) dsigma2_B = 0;  // eval: constant; "mean": unused
    for (int64_t j : bn.channel(c)) dmu_B -= dx_hat[j] * inv_std + 2 * dsigma2_B * bn.x_mu[j] / m;
    if (!bn.train || !bn.subtract_mean) dmu_B = 0;  // eval: constant; "variance": unused
    for (int64_t j : bn.channel(c))
      dx[j] = dx_hat[j] * inv_std + dsigma2_B * 2 * bn.x_mu[j] / m + dmu_B / m;
  }
  return dx;
}

}  // namespace minima
