// Trains any config, including ones that use "layernorm": this program links
// the layer (layernorm.cpp registers it at start-up) and calls minima's
// trainer, the same one `minima train` uses.
//   train_with_layernorm CONFIG [--set key=value ...]
#include <cstdio>
#include <string>
#include <vector>

#include <minima/train/trainer.hpp>

int main(int argc, char** argv) {
  std::vector<std::string> overrides;
  for (int i = 2; i + 1 < argc && std::string(argv[i]) == "--set"; i += 2)
    overrides.push_back(argv[i + 1]);
  if (argc < 2 || argc != 2 + 2 * int(overrides.size())) {
    std::fprintf(stderr, "usage: train_with_layernorm CONFIG [--set key=value ...]\n");
    return 2;
  }
  try {
    minima::Trainer trainer(minima::load_run_config(argv[1], overrides));
    const minima::EvalPoint last = trainer.run();
    std::printf("%s accuracy %.2f%% after %lld steps; run directory %s\n",
                trainer.eval_name().c_str(), 100.0 * last.eval_acc,
                static_cast<long long>(last.step), trainer.config().output.dir.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "train_with_layernorm: error: %s\n", e.what());
    return 1;
  }
}
