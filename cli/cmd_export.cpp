// `minima export RUN_DIR [--fold-bn OUT_DIR] [--onnx FILE [--onnx-fold-bn]]`: an
// inference copy of a trained model with every foldable BatchNorm folded into
// the Dense or Conv2d before it, and/or its inference graph as an ONNX file.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include <minima/core/atomic_file.hpp>
#include <minima/core/blas.hpp>
#include <minima/core/format.hpp>
#include <minima/core/rng.hpp>
#include <minima/data/data_source.hpp>
#include <minima/io/checkpoint.hpp>
#include <minima/io/onnx_file.hpp>
#include <minima/nn/fold_batchnorm.hpp>
#include <minima/platform/threads.hpp>
#include <minima/train/fold_check.hpp>
#include <minima/train/saved_model.hpp>
#include "cli/command.hpp"
#include "cli/options.hpp"

namespace minima::cli {
namespace {

namespace fs = std::filesystem;

struct ExportOptions {
  std::string run_dir, out_dir;
  std::string onnx;           // --onnx FILE
  bool onnx_fold_bn = false;  // fold BatchNorm before writing the ONNX file
  int64_t batch = 1000;       // samples per timed forward
};

// The largest difference between the two models' outputs for a sample,
// relative to that sample's largest output: max_i max_k |got_ik - exp_ik| /
// max_k |exp_ik|. (Per element it would be meaningless for outputs near 0,
// which both models compute with rounding errors on the scale of the others.)
double max_relative_difference(const Tensor& got, const Tensor& expected) {
  double worst = 0;
  const int64_t cols = expected.cols();
  for (int64_t i = 0; i < expected.dim(0); ++i) {
    double difference = 0, scale = 0;
    for (int64_t k = i * cols; k < (i + 1) * cols; ++k) {
      difference = std::max(difference, std::fabs(double(got[k]) - expected[k]));
      scale = std::max(scale, std::fabs(double(expected[k])));
    }
    worst = std::max(worst, scale > 0 ? difference / scale : difference);
  }
  return worst;
}

// Seconds of one Eval forward of `x` through each graph: the fastest of
// `repeats` runs, the two graphs taking turns (on a shared machine the
// minimum is the least disturbed estimate, and alternating exposes both
// to the same load).
std::pair<double, double> fastest_forward_seconds(Graph& a, Graph& b, const Tensor& x,
                                                  int repeats) {
  auto seconds = [&](Graph& g) {
    const auto start = std::chrono::steady_clock::now();
    g.forward(x, Mode::Eval);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  seconds(a), seconds(b);  // warm-up: buffers sized, caches filled
  double best_a = INFINITY, best_b = INFINITY;
  for (int r = 0; r < repeats; ++r) {
    best_a = std::min(best_a, seconds(a));
    best_b = std::min(best_b, seconds(b));
  }
  return {best_a, best_b};
}

// OUT_DIR/config.json (the run's resolved config with the folded layer
// list), model.safetensors and classes.json: a run directory for eval and predict.
void write_folded_run(const ExportOptions& options, const ModelFiles& files,
                      const RunConfig& config, const SavedModel& model, FoldedModel& folded) {
  json exported = config.resolved();
  exported["model"] = {{"layers", folded.layers}};
  exported["output"]["dir"] = options.out_dir;
  parse_run_config(exported, files.config);  // what `minima eval` will read must be valid
  fs::create_directories(options.out_dir);
  const fs::path out(options.out_dir);
  write_file_atomically((out / "config.json").string(), exported.dump(2) + "\n");
  std::map<std::string, std::string> metadata = model.metadata;
  metadata["minima.folded_from"] = files.weights;
  save_model((out / "model.safetensors").string(), folded.graph, metadata);
  if (fs::exists(files.classes))
    fs::copy_file(files.classes, out / "classes.json", fs::copy_options::overwrite_existing);
  std::printf("wrote    %s, %s\n", (out / "config.json").c_str(),
              (out / "model.safetensors").c_str());
}

// Same outputs, and how much faster, on random inputs.
void check_folded(const ExportOptions& options, SavedModel& model, FoldedModel& folded) {
  Rng rng(1);
  Tensor x(Shape{options.batch, model.graph.input_shape().numel()});
  for (int64_t k = 0; k < x.numel(); ++k) x[k] = rng.normal();
  const Tensor expected = model.graph.forward(x, Mode::Eval);
  const Tensor got = folded.graph.forward(x, Mode::Eval);
  std::printf("check    eval outputs differ by at most %.2g (relative) on %lld random inputs\n",
              max_relative_difference(got, expected), static_cast<long long>(options.batch));
  set_threads(1);
  const int repeats = 30;
  const auto [before, after] = fastest_forward_seconds(model.graph, folded.graph, x, repeats);
  std::printf(
      "speed    eval forward of %lld samples: %.3f ms -> %.3f ms (%.2fx; fastest of %d, 1 thread, "
      "%s kernels)\n",
      static_cast<long long>(options.batch), 1e3 * before, 1e3 * after, before / after, repeats,
      blas_corename().c_str());
}

// Same predictions on the run's own test set (its data config)? Without the
// data on this machine, says so and goes on: the random-input check stands.
void check_folded_on_test_set(const RunConfig& config, SavedModel& model, FoldedModel& folded) {
  if (folded.folded.empty()) return;
  TrainingData data;
  try {
    data = load_training_data(config.data);
  } catch (const std::exception& e) {
    std::printf("test     not checked on the run's test set: %s\n", e.what());
    return;
  }
  const FoldCheck check = check_fold(model.graph, folded.graph, data.eval, data.normalization);
  std::printf(
      "test     on the %lld %s images: logits differ by at most %.2g; accuracy %.2f%% -> "
      "%.2f%% (%+.2f points), %lld predictions changed\n",
      static_cast<long long>(check.samples), data.eval_name.c_str(), check.max_abs_logit_difference,
      100 * check.accuracy, 100 * check.folded_accuracy,
      100 * (check.folded_accuracy - check.accuracy),
      static_cast<long long>(check.changed_predictions));
}

int run_export(const ExportOptions& options) {
  if (options.run_dir.empty()) throw UsageError("expected a RUN_DIR or a .safetensors checkpoint");
  if (options.out_dir.empty() && options.onnx.empty())
    throw UsageError("expected --fold-bn OUT_DIR or --onnx FILE (or both)");
  const ModelFiles files = model_files(options.run_dir);
  const RunConfig config = load_run_config(files.config);
  SavedModel model = load_saved_model(files, sample_shape(config.data));
  std::optional<FoldedModel> folded;
  if (!options.out_dir.empty() || options.onnx_fold_bn) {
    folded = fold_batchnorm(model.graph);
    std::printf("folded   %s\n", folded->folded.empty()
                                     ? "nothing (no BatchNorm directly after a Dense or Conv2d)"
                                     : joined(folded->folded).c_str());
    for (const std::string& reason : folded->skipped) std::printf("kept     %s\n", reason.c_str());
  }
  if (!options.onnx.empty()) {
    const Graph& graph = options.onnx_fold_bn ? folded->graph : model.graph;
    write_onnx(options.onnx, graph);
    std::printf("wrote    %s (ONNX opset %lld, %zu layers%s)\n", options.onnx.c_str(),
                static_cast<long long>(OnnxGraph::kOpset), graph.size(),
                options.onnx_fold_bn ? ", BatchNorm folded" : "");
  }
  if (!options.out_dir.empty()) {
    write_folded_run(options, files, config, model, *folded);
    check_folded(options, model, *folded);
    check_folded_on_test_set(config, model, *folded);
  }
  return 0;
}

CommandRun declare_export(CLI::App& app) {
  auto options = std::make_shared<ExportOptions>();
  app.add_option("RUN_DIR_OR_CHECKPOINT", options->run_dir, "the trained model, as for eval");
  app.add_option("--fold-bn", options->out_dir, "where to write the folded model")
      ->type_name("OUT_DIR");
  CLI::Option* onnx = app.add_option("--onnx", options->onnx,
                                     "write the model's inference graph as ONNX (opset 17)")
                          ->type_name("FILE");
  app.add_flag("--onnx-fold-bn", options->onnx_fold_bn,
               "fold BatchNorm into the Dense/Conv2d before it in the ONNX file")
      ->needs(onnx);
  app.add_option("--batch", options->batch, "samples per timed forward pass")
      ->type_name("N")
      ->check(whole_number(2, 999999))
      ->capture_default_str();
  app.footer(
      "Folds every BatchNorm that directly follows a Dense or Conv2d layer (whose\n"
      "output feeds only that BatchNorm) into it, using its running statistics,\n"
      "per output unit or channel:\n"
      "  W' = gamma / sqrt(var + eps) * W\n"
      "  b' = gamma * (b - mean) / sqrt(var + eps) + beta\n"
      "and drops the BatchNorm. Writes OUT_DIR/config.json and model.safetensors\n"
      "(and classes.json), which `minima eval` and `minima predict` read like a\n"
      "run directory. The folded model computes the same Eval-mode outputs; the\n"
      "command checks that on random inputs and times both models, then runs both\n"
      "on the run's own test set (from its data config, when the data is here):\n"
      "the largest logit difference, both accuracies and the predictions changed.\n"
      "\n"
      "--onnx FILE writes the Eval-mode graph as an ONNX model (opset 17) that\n"
      "Netron shows and ONNX Runtime runs: input \"input\" [N, 784] for an MLP or\n"
      "[N, 1, 28, 28] for a CNN (as the model is fed), output \"logits\" [N, 10],\n"
      "the weights as initializers with the state_dict names (fc1.weight, ...).\n"
      "With --onnx-fold-bn the graph is the folded one. A layer ONNX cannot\n"
      "express is an error naming it (docs/interop.md).");
  return [options] { return run_export(*options); };
}

}  // namespace

MINIMA_REGISTER(command_registry(), "export",
                (CommandEntry{
                    "write an inference copy of a model (BatchNorm folded) or an ONNX file",
                    declare_export}));

}  // namespace minima::cli
