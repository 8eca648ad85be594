#include <minima/optim/optimizer.hpp>

namespace minima {

Registry<OptimizerEntry>& optimizer_registry() {
  static Registry<OptimizerEntry> registry("optimizer");
  return registry;
}

json resolve_optimizer(ConfigObject& config) {
  const std::string type = config.required<std::string>("type");
  json resolved = optimizer_registry().at(type, config.pointer_to("type")).resolve(config);
  config.finish();
  return resolved;
}

std::unique_ptr<Optimizer> make_optimizer(ConfigObject& config, int64_t num_params) {
  const std::string type = config.required<std::string>("type");
  auto optimizer =
      optimizer_registry().at(type, config.pointer_to("type")).make(config, num_params);
  config.finish();
  return optimizer;
}

}  // namespace minima
