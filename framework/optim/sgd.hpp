#pragma once
// Stochastic gradient descent with momentum, Nesterov momentum and weight
// decay, in PyTorch's torch.optim.SGD formulation (dampening 0):
//   g = grad + weight_decay * p
//   v = momentum * v + g                       (when momentum > 0)
//   g' = nesterov ? g + momentum * v : v       (g' = g when momentum is 0)
//   p -= lr * g'
// Config: {"type": "sgd", "lr": 0.1, "momentum": 0, "nesterov": false, "weight_decay": 0}
#include <minima/optim/optimizer.hpp>

namespace minima {

class Sgd : public Optimizer {
 public:
  struct Options {
    double lr = 0.0;  // required
    double momentum = 0.0;
    double weight_decay = 0.0;
    bool nesterov = false;
  };
  // Reads and checks the keys above except "type".
  static Options read(ConfigObject& config);
  // The resolved config object, "type" included.
  static json to_json(const Options& options);

  // Reads the keys above except "type"; num_params sizes the momentum buffer.
  Sgd(ConfigObject& config, int64_t num_params);

  void step(Tensor& values, const Tensor& grads, float lr) override;
  float base_lr() const override { return float(options_.lr); }
  std::vector<std::pair<std::string, Tensor*>> state() override;
  json config() const override { return to_json(options_); }

 private:
  Options options_;
  Tensor velocity_;  // [P] momentum buffer v; empty when momentum is 0
};

}  // namespace minima
