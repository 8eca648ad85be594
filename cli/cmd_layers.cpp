// `minima layers`: the registered layer types.
#include <iostream>

#include <minima/nn/layer_registry.hpp>
#include "cli/command.hpp"

namespace minima::cli {
namespace {

int run_layers(const std::vector<std::string>& args) {
  if (!args.empty()) throw UsageError("takes no arguments");
  for (const std::string& type : layer_registry().names()) std::cout << type << "\n";
  return 0;
}

}  // namespace

MINIMA_COMMAND("layers", "list the layer types a config can use",
               "usage: minima layers\n\nPrints every registered layer type name, one per line.\n",
               run_layers);

}  // namespace minima::cli
