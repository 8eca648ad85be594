// `minima eval RUN_DIR_OR_CHECKPOINT [--set key=value ...]`
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "examples/minima/command.hpp"
#include "framework/checkpoint.hpp"
#include "framework/evaluate.hpp"
#include "framework/safetensors.hpp"
#include "framework/trainer.hpp"

namespace minima::cli {
namespace {

namespace fs = std::filesystem;

// The model's input normalization: saved in its metadata by `minima train`;
// for other files, recomputed from the config's training data.
Normalization normalization_for(const std::string& model_path, const RunConfig& config) {
  const auto metadata = load_safetensors(model_path).metadata;
  if (metadata.count(kMeanKey) || metadata.count(kStdKey)) return normalization_from_metadata(metadata, model_path);
  if (config.data.normalize == "standardize") return load_training_data(config.data).normalization;
  return Normalization{};
}

void print_result(const EvalResult& r, const Dataset& data) {
  std::printf("loss       %.4f\naccuracy   %.2f%%  (%lld/%lld)\n\nper-class accuracy:\n", r.loss, 100.0 * r.accuracy(),
              static_cast<long long>(r.correct), static_cast<long long>(r.count));
  for (int c = 0; c < r.num_classes; ++c) {
    std::string name = size_t(c) < data.class_names.size() ? data.class_names[size_t(c)] : "";
    if (name == std::to_string(c)) name.clear();  // digits are their own names
    std::printf("  %2d %-12s %7.2f%%  (%lld/%lld)\n", c, name.c_str(), 100.0 * r.class_accuracy(c),
                static_cast<long long>(r.confusion_at(c, c)), static_cast<long long>(r.class_count(c)));
  }
  const int64_t largest = *std::max_element(r.confusion.begin(), r.confusion.end());
  const int width = std::max(4, std::snprintf(nullptr, 0, "%lld", static_cast<long long>(largest)) + 1);
  std::printf("\nconfusion matrix (rows: true class, columns: predicted class):\n    ");
  for (int c = 0; c < r.num_classes; ++c) std::printf("%*d", width, c);
  for (int t = 0; t < r.num_classes; ++t) {
    std::printf("\n  %2d", t);
    for (int p = 0; p < r.num_classes; ++p) std::printf("%*lld", width, static_cast<long long>(r.confusion_at(t, p)));
  }
  std::printf("\n");
}

int run_eval(const std::vector<std::string>& args) {
  std::string target;
  std::vector<std::string> overrides;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--set") {
      if (i + 1 >= args.size()) throw UsageError("--set needs a value");
      overrides.push_back(args[++i]);
    } else if (args[i].starts_with("--set=")) {
      overrides.push_back(args[i].substr(6));
    } else if (args[i].starts_with("-")) {
      throw UsageError("unknown option '" + args[i] + "'");
    } else if (target.empty()) {
      target = args[i];
    } else {
      throw UsageError("expected one RUN_DIR or checkpoint, got '" + target + "' and '" + args[i] + "'");
    }
  }
  if (target.empty()) throw UsageError("expected a RUN_DIR or a .safetensors checkpoint");
  const bool is_dir = fs::is_directory(target);
  const fs::path dir = is_dir ? fs::path(target) : fs::path(target).parent_path();
  const std::string model_path = is_dir ? (dir / "model.safetensors").string() : target;
  const RunConfig config = load_run_config((dir / "config.json").string(), overrides);

  const Dataset test = load_idx_dataset(config.data.dir, "test");
  Graph model = Graph::from_json(config.layers, "/model/layers");
  model.build(test.sample_shape, config.seed);
  load_model(model_path, model);
  const EvalResult result = evaluate(model, test, normalization_for(model_path, config));
  std::printf("model      %s\ntest set   %s (%lld samples)\n", model_path.c_str(), config.data.dir.c_str(),
              static_cast<long long>(test.count));
  print_result(result, test);
  return 0;
}

}  // namespace

MINIMA_COMMAND("eval", "evaluate a trained model on the test set",
               "usage: minima eval RUN_DIR_OR_CHECKPOINT [--set key=value ...]\n"
               "\n"
               "Loads RUN_DIR/config.json and RUN_DIR/model.safetensors (or the given\n"
               ".safetensors file, with the config.json beside it), evaluates the model in\n"
               "Eval mode on the config's test set and prints the loss, the accuracy, the\n"
               "accuracy per class and the confusion matrix (rows = true class).\n"
               "\n"
               "  --set key=value   override a config value, e.g. --set data.dir=/data/mnist\n",
               run_eval);

}  // namespace minima::cli
