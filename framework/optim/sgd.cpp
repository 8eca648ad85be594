#include <minima/optim/sgd.hpp>

#include <stdexcept>
#include <string>

#include <minima/core/parallel.hpp>

namespace minima {

Sgd::Sgd(ConfigObject& config, int64_t num_params)
    : lr_(config.required<double>("lr")),
      momentum_(config.get<double>("momentum", 0.0)),
      weight_decay_(config.get<double>("weight_decay", 0.0)),
      nesterov_(config.get<bool>("nesterov", false)) {
  config.expect(lr_ > 0, "lr", "a positive number");
  config.expect(momentum_ >= 0 && momentum_ < 1, "momentum", "a number in [0, 1)");
  config.expect(weight_decay_ >= 0, "weight_decay", "a number >= 0");
  config.expect(!nesterov_ || momentum_ > 0, "nesterov",
                "false unless momentum > 0 (Nesterov needs momentum)");
  if (momentum_ > 0) velocity_ = Tensor(Shape{num_params});
}

void Sgd::step(Tensor& values, const Tensor& grads, float lr) {
  const int64_t n = values.numel();
  if (grads.numel() != n || (momentum_ > 0 && velocity_.numel() != n))
    throw std::invalid_argument("sgd: parameter arena has " + std::to_string(n) +
                                " values, gradients " + std::to_string(grads.numel()) +
                                ", momentum buffer " + std::to_string(velocity_.numel()));
  const float mu = float(momentum_), wd = float(weight_decay_);
  const bool use_momentum = momentum_ > 0, nesterov = nesterov_;
  float* p = values.data();
  const float* dp = grads.data();
  float* v = velocity_.data();
  parallel_for(n, kParallelGrain, [=](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      float g = dp[k] + wd * p[k];
      if (use_momentum) {
        v[k] = mu * v[k] + g;
        g = nesterov ? g + mu * v[k] : v[k];
      }
      p[k] -= lr * g;
    }
  });
}

std::vector<std::pair<std::string, Tensor*>> Sgd::state() {
  if (momentum_ > 0) return {{"momentum", &velocity_}};
  return {};
}

json Sgd::config() const {
  return {{"type", "sgd"},
          {"lr", lr_},
          {"momentum", momentum_},
          {"nesterov", nesterov_},
          {"weight_decay", weight_decay_}};
}

}  // namespace minima
