#pragma once
// Optimizers update the whole flat parameter arena in one pass.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <minima/config/config_object.hpp>
#include <minima/config/registry.hpp>
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

// A registered optimizer: how to check its config object and how to make it.
struct OptimizerEntry {
  // Reads and checks the keys besides "type" and returns the whole object
  // with defaults filled in ("type" included), constructing nothing.
  std::function<json(ConfigObject& config)> resolve;
  // The optimizer the keys describe, with state for num_params values.
  std::function<std::unique_ptr<Optimizer>(ConfigObject& config, int64_t num_params)> make;
};

// Each optimizer registers in its own .cpp:
//   MINIMA_REGISTER(optimizer_registry(), "sgd", optimizer_entry<Sgd>());
// Unknown names read "unknown optimizer 'x'; known: adam, sgd".
Registry<OptimizerEntry>& optimizer_registry();

// The entry of an optimizer class O with
//   static O::Options read(ConfigObject&)    reads and checks the keys
//   static json to_json(const O::Options&)   the resolved object
//   O(ConfigObject&, int64_t num_params)
template <class O>
OptimizerEntry optimizer_entry() {
  return {[](ConfigObject& config) { return O::to_json(O::read(config)); },
          [](ConfigObject& config, int64_t num_params) -> std::unique_ptr<Optimizer> {
            return std::make_unique<O>(config, num_params);
          }};
}

// From the config's "optimizer" object, e.g.
//   {"type": "sgd", "lr": 0.1, "momentum": 0, "nesterov": false, "weight_decay": 0}
//   {"type": "adam", "lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0}
// resolve_optimizer() checks it and fills in its defaults; make_optimizer()
// builds it, num_params sizing the state. Errors name the JSON pointer.
json resolve_optimizer(ConfigObject& config);
std::unique_ptr<Optimizer> make_optimizer(ConfigObject& config, int64_t num_params);

}  // namespace minima
