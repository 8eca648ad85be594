#include <minima/optim/optimizer.hpp>

#include <minima/optim/adam.hpp>
#include <minima/optim/sgd.hpp>

namespace minima {

std::unique_ptr<Optimizer> make_optimizer(ConfigObject& config, int64_t num_params) {
  const std::string type = config.required<std::string>("type");
  std::unique_ptr<Optimizer> optimizer;
  if (type == "sgd")
    optimizer = std::make_unique<Sgd>(config, num_params);
  else if (type == "adam")
    optimizer = std::make_unique<Adam>(config, num_params);
  else
    throw ConfigError(config.pointer_to("type"),
                      "unknown optimizer '" + type + "'; known: adam, sgd");
  config.finish();
  return optimizer;
}

}  // namespace minima
