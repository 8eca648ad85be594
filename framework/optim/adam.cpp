#include <minima/optim/adam.hpp>

#include <minima/core/parallel.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace minima {

Adam::Adam(ConfigObject& config, int64_t num_params)
    : lr_(config.get<double>("lr", 0.001)),
      beta1_(config.get<double>("beta1", 0.9)),
      beta2_(config.get<double>("beta2", 0.999)),
      eps_(config.get<double>("eps", 1e-8)),
      weight_decay_(config.get<double>("weight_decay", 0.0)),
      m_(Shape{num_params}),
      v_(Shape{num_params}),
      steps_(Shape{1}) {
  config.expect(lr_ > 0, "lr", "a positive number");
  config.expect(beta1_ >= 0 && beta1_ < 1, "beta1", "a number in [0, 1)");
  config.expect(beta2_ >= 0 && beta2_ < 1, "beta2", "a number in [0, 1)");
  config.expect(eps_ > 0, "eps", "a positive number");
  config.expect(weight_decay_ >= 0, "weight_decay", "a number >= 0");
}

void Adam::step(Tensor& values, const Tensor& grads, float lr) {
  const int64_t n = values.numel();
  if (grads.numel() != n || m_.numel() != n)
    throw std::invalid_argument("adam: parameter arena has " + std::to_string(n) +
                                " values, gradients " + std::to_string(grads.numel()) +
                                ", moments " + std::to_string(m_.numel()));
  steps_[0] += 1.0f;
  const double t = steps_[0];
  // Bias corrections in double, as PyTorch computes them in Python floats.
  const float step_size = float(lr / (1.0 - std::pow(beta1_, t)));
  const float inv_sqrt_bc2 = float(1.0 / std::sqrt(1.0 - std::pow(beta2_, t)));
  const float b1 = float(beta1_), b2 = float(beta2_), eps = float(eps_), wd = float(weight_decay_);
  float* p = values.data();
  const float* dp = grads.data();
  float* m = m_.data();
  float* v = v_.data();
  parallel_for(n, kParallelGrain, [=](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      const float g = dp[k] + wd * p[k];
      m[k] = b1 * m[k] + (1.0f - b1) * g;
      v[k] = b2 * v[k] + (1.0f - b2) * g * g;
      p[k] -= step_size * m[k] / (std::sqrt(v[k]) * inv_sqrt_bc2 + eps);
    }
  });
}

std::vector<std::pair<std::string, Tensor*>> Adam::state() {
  return {{"adam_m", &m_}, {"adam_v", &v_}, {"adam_step", &steps_}};
}

json Adam::config() const {
  return {{"type", "adam"},  {"lr", lr_},   {"beta1", beta1_},
          {"beta2", beta2_}, {"eps", eps_}, {"weight_decay", weight_decay_}};
}

}  // namespace minima
