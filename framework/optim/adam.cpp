#include <minima/optim/adam.hpp>

#include <minima/core/parallel.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace minima {

MINIMA_REGISTER(optimizer_registry(), "adam", optimizer_entry<Adam>());

Adam::Options Adam::read(ConfigObject& config) {
  const Options defaults;
  const Options o = {.lr = config.get<double>("lr", defaults.lr),
                     .beta1 = config.get<double>("beta1", defaults.beta1),
                     .beta2 = config.get<double>("beta2", defaults.beta2),
                     .eps = config.get<double>("eps", defaults.eps),
                     .weight_decay = config.get<double>("weight_decay", defaults.weight_decay)};
  config.expect(o.lr > 0, "lr", "a positive number");
  config.expect(o.beta1 >= 0 && o.beta1 < 1, "beta1", "a number in [0, 1)");
  config.expect(o.beta2 >= 0 && o.beta2 < 1, "beta2", "a number in [0, 1)");
  config.expect(o.eps > 0, "eps", "a positive number");
  config.expect(o.weight_decay >= 0, "weight_decay", "a number >= 0");
  return o;
}

json Adam::to_json(const Options& o) {
  return {{"type", "adam"},   {"lr", o.lr},   {"beta1", o.beta1},
          {"beta2", o.beta2}, {"eps", o.eps}, {"weight_decay", o.weight_decay}};
}

Adam::Adam(ConfigObject& config, int64_t num_params)
    : options_(read(config)), m_(Shape{num_params}), v_(Shape{num_params}), steps_(Shape{1}) {}

void Adam::step(Tensor& values, const Tensor& grads, float lr) {
  const int64_t n = values.numel();
  if (grads.numel() != n || m_.numel() != n)
    throw std::invalid_argument("adam: parameter arena has " + std::to_string(n) +
                                " values, gradients " + std::to_string(grads.numel()) +
                                ", moments " + std::to_string(m_.numel()));
  steps_[0] += 1.0f;
  const double t = steps_[0];
  // Bias corrections in double, as PyTorch computes them in Python floats.
  const Options& o = options_;
  const float step_size = float(lr / (1.0 - std::pow(o.beta1, t)));
  const float inv_sqrt_bc2 = float(1.0 / std::sqrt(1.0 - std::pow(o.beta2, t)));
  const float b1 = float(o.beta1), b2 = float(o.beta2), eps = float(o.eps),
              wd = float(o.weight_decay);
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

}  // namespace minima
