// `minima eval RUN_DIR_OR_CHECKPOINT [--set key=value ...] [--samples GRID.png]`
// `minima eval --weights FILE.safetensors --config CONFIG.json`
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <minima/data/data_source.hpp>
#include <minima/report/sample_grid.hpp>
#include <minima/train/evaluate.hpp>
#include <minima/train/saved_model.hpp>
#include "cli/command.hpp"
#include "cli/options.hpp"

namespace minima::cli {
namespace {

namespace fs = std::filesystem;

void print_result(const EvalResult& r, const Dataset& data) {
  std::printf("loss       %.4f\naccuracy   %.2f%%  (%lld/%lld)\n\nper-class accuracy:\n", r.loss,
              100.0 * r.accuracy(), static_cast<long long>(r.correct),
              static_cast<long long>(r.count));
  for (int c = 0; c < r.num_classes; ++c) {
    std::string name = size_t(c) < data.class_names.size() ? data.class_names[size_t(c)] : "";
    if (name == std::to_string(c)) name.clear();  // digits are their own names
    std::printf("  %2d %-12s %7.2f%%  (%lld/%lld)\n", c, name.c_str(), 100.0 * r.class_accuracy(c),
                static_cast<long long>(r.confusion_at(c, c)),
                static_cast<long long>(r.class_count(c)));
  }
  const int64_t largest = *std::max_element(r.confusion.begin(), r.confusion.end());
  const int width =
      std::max(4, std::snprintf(nullptr, 0, "%lld", static_cast<long long>(largest)) + 1);
  std::printf("\nconfusion matrix (rows: true class, columns: predicted class):\n    ");
  for (int c = 0; c < r.num_classes; ++c) std::printf("%*d", width, c);
  for (int t = 0; t < r.num_classes; ++t) {
    std::printf("\n  %2d", t);
    for (int p = 0; p < r.num_classes; ++p)
      std::printf("%*lld", width, static_cast<long long>(r.confusion_at(t, p)));
  }
  std::printf("\n");
}

// --samples: the misclassified test samples as a PNG grid.
void write_samples(const std::string& path, SavedModel& model, const Dataset& test) {
  constexpr int64_t kShown = 100;
  int64_t wrong = 0;
  const auto samples = find_misclassified(model.graph, test, model.normalization, kShown, wrong);
  const SampleGeometry geometry = sample_geometry(model.config.data, test.sample_shape.numel());
  const std::string title = std::to_string(wrong) + " of " + std::to_string(test.count) +
                            " test samples misclassified" +
                            (wrong > kShown ? " (first " + std::to_string(kShown) + " shown)" : "");
  write_png(path, draw_misclassified_grid(test, geometry, samples, title));
  std::printf("\nwrote %s: %s\n", path.c_str(), title.c_str());
}

struct EvalArgs {
  std::string target, weights, config, samples;
  std::vector<std::string> overrides;
};

int run_eval(const EvalArgs& a) {
  if (a.weights.empty() != a.config.empty()) throw UsageError("--weights and --config go together");
  if (!a.weights.empty() && !a.target.empty())
    throw UsageError("give a RUN_DIR or --weights with --config, not both");
  if (a.target.empty() && a.weights.empty())
    throw UsageError("expected a RUN_DIR or a .safetensors checkpoint");
  const ModelFiles files =
      a.weights.empty() ? model_files(a.target)
                        : ModelFiles{a.config, a.weights,
                                     (fs::path(a.config).parent_path() / "classes.json").string()};
  const RunConfig config = load_run_config(files.config, a.overrides);

  const Dataset test = load_split(config.data, "test");
  SavedModel model = load_saved_model(files, test.sample_shape, a.overrides);
  const EvalResult result = evaluate(model.graph, test, model.normalization);
  std::printf("model      %s\ntest set   %s (%lld samples)\n", files.weights.c_str(),
              config.data.dir.c_str(), static_cast<long long>(test.count));
  print_result(result, test);
  if (!a.samples.empty()) write_samples(a.samples, model, test);
  return 0;
}

CommandRun declare_eval(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  app.add_option("RUN_DIR_OR_CHECKPOINT", args->target,
                 "a run directory or a .safetensors file with the config.json beside it");
  add_config_overrides(app, args->overrides,
                       "override a config value, e.g. --set data.dir=/data/mnist");
  app.add_option("--weights", args->weights,
                 "weights from anywhere (e.g. written by PyTorch's safetensors)")
      ->type_name("FILE");
  app.add_option("--config", args->config,
                 "the run config describing them; every tensor name and shape\n"
                 "must match the model (the first mismatch is named)")
      ->type_name("CONFIG");
  app.add_option("--samples", args->samples,
                 "also draw the misclassified test samples (up to 100) with\n"
                 "their true and predicted classes")
      ->type_name("GRID.png");
  app.footer(
      "Loads RUN_DIR/config.json and RUN_DIR/model.safetensors (or the given\n"
      ".safetensors file, with the config.json beside it), evaluates the model in\n"
      "Eval mode on the config's test set and prints the loss, the accuracy, the\n"
      "accuracy per class and the confusion matrix (rows = true class).\n"
      "Instead of RUN_DIR_OR_CHECKPOINT, --weights FILE --config CONFIG name both files.");
  return [args] { return run_eval(*args); };
}

}  // namespace

MINIMA_REGISTER(command_registry(), "eval",
                (CommandEntry{"evaluate a trained model on the test set", declare_eval}));

}  // namespace minima::cli
