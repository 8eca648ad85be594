#pragma once
// Optimizers update the whole flat parameter arena in one pass.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <minima/config/config_object.hpp>
#include <minima/core/tensor.hpp>

namespace minima {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // One update of values [P] from grads [P] with learning rate lr.
  virtual void step(Tensor& values, const Tensor& grads, float lr) = 0;
  // The learning rate the config asked for (schedules scale it).
  virtual float base_lr() const = 0;
  // Internal state (e.g. "momentum", "adam_m", "adam_v", each [P]) for the
  // training-state file, so a resumed run continues bit-exactly.
  virtual std::vector<std::pair<std::string, Tensor*>> state() = 0;
  // The resolved "optimizer" object, defaults filled in.
  virtual json config() const = 0;
};

// From the config's "optimizer" object:
//   {"type": "sgd", "lr": 0.1, "momentum": 0, "nesterov": false, "weight_decay": 0}
//   {"type": "adam", "lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0}
// num_params sizes the state. Errors name the JSON pointer.
std::unique_ptr<Optimizer> make_optimizer(ConfigObject& config, int64_t num_params);

}  // namespace minima
