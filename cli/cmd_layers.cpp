// `minima layers`: the registered layer types.
#include <iostream>

#include <minima/nn/layer_registry.hpp>
#include "cli/command.hpp"

namespace minima::cli {
namespace {

int run_layers() {
  for (const std::string& type : layer_registry().names()) std::cout << type << "\n";
  return 0;
}

CommandRun declare_layers(CLI::App& app) {
  app.footer("Prints every registered layer type name, one per line.");
  return run_layers;
}

}  // namespace

MINIMA_REGISTER(command_registry(), "layers",
                (CommandEntry{"list the layer types a config can use", declare_layers}));

}  // namespace minima::cli
