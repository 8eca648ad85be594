// `minima summary CONFIG [--set k=v ...] [--save-init FILE.safetensors]`:
// the model's layer table, like Keras' model.summary(): name, type, output
// shape, parameter count; optionally the initial weights `minima train`
// starts from (the same build with the config's seed).
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <minima/core/format.hpp>
#include <minima/io/checkpoint.hpp>
#include <minima/nn/graph.hpp>
#include <minima/train/run_config.hpp>
#include "cli/command.hpp"
#include "cli/options.hpp"

namespace minima::cli {
namespace {

// Per-sample shape [256] -> "[N, 256]".
std::string batch_shape(const Shape& shape) {
  std::string s = "[N";
  for (int i = 0; i < shape.rank(); ++i) s += ", " + std::to_string(shape[i]);
  return s + "]";
}

struct SummaryArgs {
  std::string config;
  std::vector<std::string> overrides;
  std::string save_init;
};

int run_summary(const SummaryArgs& args) {
  if (args.config.empty()) throw UsageError("missing the config file");
  const std::string& path = args.config;
  const RunConfig config = load_run_config(path, args.overrides);
  Graph graph = Graph::from_json(config.layers, "/model/layers");
  graph.build(sample_shape(config.data), config.seed);
  const Shape& input = graph.input_shape();

  // The Inputs column appears only when some layer is not fed by the one before it.
  std::vector<std::string> inputs(graph.size());
  for (size_t i = 0; i < graph.size(); ++i) {
    const std::string previous = i == 0 ? Graph::kInputName : graph.layer(i - 1).name();
    if (graph.inputs_of(i) != std::vector<std::string>{previous})
      inputs[i] = joined(graph.inputs_of(i));
  }
  const bool show_inputs =
      std::any_of(inputs.begin(), inputs.end(), [](const std::string& s) { return !s.empty(); });
  const std::string rule(show_inputs ? 78 : 62, '=');

  std::printf("Model from %s (%s data, input %s)\n", path.c_str(), config.data.dataset.c_str(),
              batch_shape(input).c_str());
  std::printf("%s\n%-30s %-18s %12s%s\n%s\n", rule.c_str(), "Layer (type)", "Output shape",
              "Params", show_inputs ? "   Inputs" : "", rule.c_str());
  int64_t buffer_values = 0;
  for (size_t i = 0; i < graph.size(); ++i) {
    const Layer& layer = graph.layer(i);
    int64_t params = 0;
    for (const Param* p : layer.params()) params += p->value.numel();
    for (const Buffer* b : layer.buffers()) buffer_values += b->value.numel();
    const std::string label = layer.name() + " (" + layer.type() + ")";
    std::printf("%-30s %-18s %12s%s%s\n", label.c_str(), batch_shape(layer.output_shape()).c_str(),
                grouped_digits(params).c_str(), inputs[i].empty() ? "" : "   ", inputs[i].c_str());
  }
  const int64_t bytes = int64_t(sizeof(float)) * (graph.num_params() + buffer_values);
  std::printf("%s\n", rule.c_str());
  std::printf("Trainable params: %s\n", grouped_digits(graph.num_params()).c_str());
  std::printf("Buffer values:    %s%s\n", grouped_digits(buffer_values).c_str(),
              buffer_values > 0 ? " (running statistics, not trained)" : "");
  std::printf("Size:             %s bytes (%.2f MiB as float32)\n", grouped_digits(bytes).c_str(),
              double(bytes) / (1 << 20));
  if (!args.save_init.empty()) {
    save_model(args.save_init, graph);
    std::printf("Initial weights:  %s\n", args.save_init.c_str());
  }
  return 0;
}

CommandRun declare_summary(CLI::App& app) {
  auto args = std::make_shared<SummaryArgs>();
  app.add_option("CONFIG", args->config, "the run config (JSON)");
  add_config_overrides(app, args->overrides,
                       "override a config value first, e.g. --set model.batchnorm=true");
  app.add_option("--save-init", args->save_init,
                 "also write the initial weights that minima train starts\n"
                 "from (same seed) as safetensors, e.g. to train them elsewhere")
      ->type_name("FILE.safetensors");
  app.footer(
      "Prints each layer of the config's model (after expanding builders such as\n"
      "\"mlp\"): its name and type, output shape (N = batch), parameter count, and its\n"
      "inputs when it is not fed by the layer above; then the totals.\n"
      "The input is the data's images, [1, 28, 28] for mnist and fashion, [C, H, W]\n"
      "for image folders; for \"idx\" data [1, rows, cols] from the header of\n"
      "<data.dir>/train-images-idx3-ubyte[.gz]. A model whose first layers take\n"
      "flat vectors (dense) sees them flattened: [784].");
  return [args] { return run_summary(*args); };
}

}  // namespace

MINIMA_REGISTER(command_registry(), "summary",
                (CommandEntry{"print a config's model as a layer table with parameter counts",
                              declare_summary}));

}  // namespace minima::cli
