#pragma once
// Adam (Kingma & Ba, 2015) in PyTorch's torch.optim.Adam formulation, with
// weight decay as an L2 term added to the gradient (not AdamW):
//   g = grad + weight_decay * p
//   m = beta1 * m + (1 - beta1) * g
//   v = beta2 * v + (1 - beta2) * g^2
//   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)   (t = 1, 2, ...)
// Config: {"type": "adam", "lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay":
// 0}
#include <minima/optim/optimizer.hpp>

namespace minima {

class Adam : public Optimizer {
 public:
  struct Options {
    double lr = 0.001;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.0;
  };
  // Reads and checks the keys above except "type".
  static Options read(ConfigObject& config);
  // The resolved config object, "type" included.
  static json to_json(const Options& options);

  // Reads the keys above except "type"; num_params sizes the moments.
  Adam(ConfigObject& config, int64_t num_params);

  void step(Tensor& values, const Tensor& grads, float lr) override;
  float base_lr() const override { return float(options_.lr); }
  std::vector<std::pair<std::string, Tensor*>> state() override;
  json config() const override { return to_json(options_); }

 private:
  Options options_;
  Tensor m_;      // [P] first moment
  Tensor v_;      // [P] second moment
  Tensor steps_;  // [1] updates done so far (t - 1); a float is exact up to 2^24 steps
};

}  // namespace minima
