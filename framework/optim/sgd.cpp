#include <minima/optim/sgd.hpp>

#include <stdexcept>
#include <string>

#include <minima/core/parallel.hpp>

namespace minima {

MINIMA_REGISTER(optimizer_registry(), "sgd", optimizer_entry<Sgd>());

Sgd::Options Sgd::read(ConfigObject& config) {
  const Options defaults;
  const Options o = {.lr = config.required<double>("lr"),
                     .momentum = config.get<double>("momentum", defaults.momentum),
                     .weight_decay = config.get<double>("weight_decay", defaults.weight_decay),
                     .nesterov = config.get<bool>("nesterov", defaults.nesterov)};
  config.expect(o.lr > 0, "lr", "a positive number");
  config.expect(o.momentum >= 0 && o.momentum < 1, "momentum", "a number in [0, 1)");
  config.expect(o.weight_decay >= 0, "weight_decay", "a number >= 0");
  config.expect(!o.nesterov || o.momentum > 0, "nesterov",
                "false unless momentum > 0 (Nesterov needs momentum)");
  return o;
}

json Sgd::to_json(const Options& o) {
  return {{"type", "sgd"},
          {"lr", o.lr},
          {"momentum", o.momentum},
          {"nesterov", o.nesterov},
          {"weight_decay", o.weight_decay}};
}

Sgd::Sgd(ConfigObject& config, int64_t num_params) : options_(read(config)) {
  if (options_.momentum > 0) velocity_ = Tensor(Shape{num_params});
}

void Sgd::step(Tensor& values, const Tensor& grads, float lr) {
  const int64_t n = values.numel();
  if (grads.numel() != n || (options_.momentum > 0 && velocity_.numel() != n))
    throw std::invalid_argument("sgd: parameter arena has " + std::to_string(n) +
                                " values, gradients " + std::to_string(grads.numel()) +
                                ", momentum buffer " + std::to_string(velocity_.numel()));
  const float mu = float(options_.momentum), wd = float(options_.weight_decay);
  const bool use_momentum = options_.momentum > 0, nesterov = options_.nesterov;
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
  if (options_.momentum > 0) return {{"momentum", &velocity_}};
  return {};
}

}  // namespace minima
