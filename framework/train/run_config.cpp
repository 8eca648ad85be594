#include <minima/train/run_config.hpp>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <minima/config/config_override.hpp>
#include <minima/core/atomic_file.hpp>
#include <minima/data/idx.hpp>
#include <minima/nn/graph.hpp>
#include <minima/nn/layer_registry.hpp>
#include <minima/nn/model_builder.hpp>
#include <minima/optim/optimizer.hpp>
#include <minima/optim/schedule.hpp>
#include <minima/platform/threads.hpp>

namespace minima {
namespace fs = std::filesystem;
namespace {

// Config files are a few KB; a larger file is a mistake (a data file given
// as the config), refused before it is read.
constexpr int64_t kMaxConfigBytes = int64_t(1) << 20;
constexpr int kMaxConfigDepth = 64;

// An optional section: the object when present, else an empty one (all defaults).
ConfigObject section(ConfigObject& top, const char* key) {
  static const json empty = json::object();
  if (top.has(key)) return top.child(key);
  top.accept({key});
  return ConfigObject(empty, top.pointer_to(key));
}

TrainConfig parse_train(ConfigObject c) {
  TrainConfig t;
  t.batch_size = c.get<int64_t>("batch_size", t.batch_size);
  c.expect(t.batch_size >= 1, "batch_size", "a positive integer");
  t.epochs = c.get<int64_t>("epochs", 0);
  c.expect(t.epochs >= 0, "epochs", "an integer >= 0");
  t.steps = c.get<int64_t>("steps", 0);
  c.expect(t.steps >= 0, "steps", "an integer >= 0");
  if (t.epochs > 0 && t.steps > 0)
    throw ConfigError(c.pointer_to("steps"),
                      "cannot be combined with epochs; give exactly one of them (to train "
                      "by steps a config that gives epochs: --set train.epochs=0)");
  if (t.epochs == 0 && t.steps == 0)
    throw ConfigError(c.pointer(), "expected a training length: \"epochs\" or \"steps\" > 0");
  t.eval_every = c.get<int64_t>("eval_every", t.eval_every);
  c.expect(t.eval_every >= 0, "eval_every", "a number of steps >= 0 (0 = once per epoch)");
  t.eval_early = c.get<bool>("eval_early", t.eval_early);
  t.threads = c.get<int>("threads", t.threads);
  const int max_threads = 4 * available_cpus();
  c.expect(t.threads >= 0 && t.threads <= max_threads, "threads",
           "a number of threads from 0 (automatic) to " + std::to_string(max_threads) +
               " (4 x the CPUs this process may use)");
  c.finish();
  return t;
}

OutputConfig parse_output(ConfigObject c, const std::string& source) {
  OutputConfig o;
  const std::string stem = fs::path(source).stem().string();
  o.dir = c.get<std::string>("dir", "runs/" + (stem.empty() ? std::string("run") : stem));
  c.expect(!o.dir.empty(), "dir", "a directory path");
  o.checkpoint_every = c.get<int64_t>("checkpoint_every", o.checkpoint_every);
  c.expect(o.checkpoint_every >= 0, "checkpoint_every",
           "a number of steps >= 0 (0 = at every evaluation)");
  c.finish();
  return o;
}

// Validates a layer list and returns it with every layer's defaults filled
// in. Making the layers checks their keys (constructors only read options);
// for a data set of known size, shape inference also checks the wiring and
// that the network outputs one value per class. No parameter is allocated.
json resolve_layers(const json& layers, const DataConfig& data) {
  const std::string pointer = "/model/layers";
  Graph graph = Graph::from_json(layers, pointer);
  if (const KnownDataset* known = find_known(data.dataset)) {
    graph.infer_shapes(*known_sample_shape(data));
    if (graph.output_shape() != Shape{known->classes})
      throw ConfigError("/model", "the network outputs " + graph.output_shape().str() +
                                      " per sample, but " + data.dataset + " has " +
                                      std::to_string(known->classes) + " classes");
  }
  return graph.config();
}

// "model" is either {"layers": [...]} or a builder spec {"type": ..., ...}.
// A builder spec may carry "layers" too (resolved() writes it): it must then
// be exactly the builder's expansion.
void parse_model(ConfigObject& top, RunConfig& config) {
  const json& written = top.raw("model");
  const std::string expected =
      "expected {\"layers\": [...]} or a model builder such as {\"type\": \"mlp\", ...}";
  if (!written.is_object()) throw ConfigError("/model", expected);
  if (!written.contains("type")) {
    ConfigObject model(written, "/model");
    if (!written.contains("layers")) throw ConfigError("/model", expected);
    model.raw("layers");
    model.finish();
    config.model = written;
    config.layers = resolve_layers(written["layers"], config.data);
    return;
  }
  config.model = written;
  config.model.erase("layers");
  const json expanded = expand_model(config.model, "/model");
  config.layers = resolve_layers(expanded, config.data);
  if (!written.contains("layers")) return;
  const json listed = resolve_layers(written["layers"], config.data);
  if (listed == config.layers) return;
  size_t i = 0;
  while (i < listed.size() && i < config.layers.size() && listed[i] == config.layers[i]) ++i;
  throw ConfigError("/model/layers/" + std::to_string(i),
                    "differs from what the " + config.model["type"].get<std::string>() +
                        " builder expands to; delete /model/layers to use the builder, or "
                        "/model/type to use the list");
}

// A training batch of one gives a layer that normalizes over the batch
// (BatchNorm) no variance to normalize with (PyTorch refuses it too); said
// here, before any data loads.
void check_batch_statistics(const RunConfig& run) {
  if (run.train.batch_size > 1) return;
  for (const json& layer : run.layers) {
    const std::string type = layer.value("type", "");
    if (layer_traits(type).normalizes_over_batch)
      throw ConfigError("/train/batch_size",
                        "expected at least 2 with " + type + " layer '" + layer.value("name", "") +
                            "' (it normalizes over the batch; one sample has no variance)");
  }
}

// "line L, column C" (1-based) of the last character nlohmann read; its
// parse_error gives that as a 1-based byte count.
std::string position(const std::string& text, size_t byte) {
  const size_t last = std::min(byte > 0 ? byte - 1 : 0, text.size());
  size_t line = 1, line_start = 0;
  for (size_t k = 0; k < last; ++k)
    if (text[k] == '\n') {
      ++line;
      line_start = k + 1;
    }
  return "line " + std::to_string(line) + ", column " + std::to_string(last - line_start + 1);
}

// nlohmann's message without its "[json.exception...] parse error at ...: " prefix.
std::string reason(const json::parse_error& e) {
  const std::string what = e.what();
  const size_t start = what.find("parse error");
  const size_t colon = start == std::string::npos ? std::string::npos : what.find(": ", start);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// The sections a config may leave out, added empty (all defaults) so that
// `--set output.dir=X` can set a key in one; an empty section reads exactly
// like an absent one.
void add_optional_sections(json& config) {
  if (!config.is_object()) return;
  for (const char* section : {"data", "train", "schedule", "output"})
    if (!config.contains(section)) config[section] = json::object();
}

}  // namespace

RunConfig parse_run_config(const json& config, const std::string& source) {
  RunConfig run;
  run.source = source;
  ConfigObject top(config, "");
  run.description = top.get<std::string>("description", "");
  const int64_t seed = top.get<int64_t>("seed", 0);
  top.expect(seed >= 0, "seed", "an integer >= 0");
  run.seed = uint64_t(seed);
  run.data = parse_data(section(top, "data"));
  parse_model(top, run);
  ConfigObject optimizer = top.child("optimizer");
  run.optimizer = resolve_optimizer(optimizer);
  run.train = parse_train(section(top, "train"));
  check_batch_statistics(run);
  ConfigObject schedule = section(top, "schedule");
  run.schedule = resolve_schedule(schedule, run.train.steps);
  run.output = parse_output(section(top, "output"), source);
  top.finish();
  return run;
}

RunConfig load_run_config(const std::string& path, const std::vector<std::string>& overrides) {
  const std::string text = read_file(path, kMaxConfigBytes);
  // A config is a few levels deep; a hostile one nested a million levels
  // deep would overflow the stack in nlohmann's recursive copy and dump.
  const auto depth_guard = [&](int depth, json::parse_event_t, json&) {
    if (depth > kMaxConfigDepth)
      throw std::runtime_error(path + ": nested deeper than " + std::to_string(kMaxConfigDepth) +
                               " levels");
    return true;
  };
  json config;
  try {
    config = json::parse(text, depth_guard);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(path + ": " + position(text, e.byte) + ": " + reason(e));
  } catch (const json::out_of_range& e) {  // a number beyond double, e.g. 1e400
    const std::string what = e.what();
    throw std::runtime_error(path + ": " + what.substr(what.find("] ") + 2, 120));
  }
  if (config.is_object() && (config.contains("base") || config.contains("configs")))
    throw std::runtime_error(path + ": a comparison of runs (it has \"" +
                             (config.contains("base") ? "base" : "configs") +
                             "\"), not a run config: run it with `minima compare " + path + "`");
  add_optional_sections(config);
  try {
    for (const std::string& assignment : overrides) apply_override(config, assignment);
    return parse_run_config(config, path);
  } catch (const ConfigError& e) {
    throw e.in_file(path);
  }
}

json RunConfig::resolved() const {
  json resolved_model = model;
  resolved_model["layers"] = layers;
  json all = {{"description", description},
              {"seed", seed},
              {"data",
               {{"dataset", data.dataset},
                {"dir", data.dir},
                {"validation", data.validation},
                {"normalize", data.normalize}}},
              {"model", resolved_model},
              {"optimizer", optimizer},
              {"schedule", schedule},
              {"train",
               {{"batch_size", train.batch_size},
                {"epochs", train.epochs},
                {"steps", train.steps},
                {"eval_every", train.eval_every},
                {"eval_early", train.eval_early},
                {"threads", train.threads}}},
              {"output", {{"dir", output.dir}, {"checkpoint_every", output.checkpoint_every}}}};
  if (data.dataset == "folder") {
    all["data"]["size"] = {data.height, data.width};
    all["data"]["grayscale"] = data.grayscale;
  }
  return all;
}

void check_same_run(const RunConfig& run, const RunConfig& requested, const std::string& run_dir) {
  auto trajectory = [](const RunConfig& c) {
    return json{{"seed", c.seed},
                {"data",
                 {{"dataset", c.data.dataset},
                  {"validation", c.data.validation},
                  {"normalize", c.data.normalize}}},
                {"train", {{"batch_size", c.train.batch_size}}},
                {"model", {{"layers", c.layers}}}};
  };
  const json a = trajectory(run), b = trajectory(requested);
  const json patch = json::diff(a, b);
  if (patch.empty()) return;
  const json::json_pointer where(patch[0]["path"].get<std::string>());
  auto shown = [&](const json& j) {
    return j.contains(where) ? j.at(where).dump() : std::string("nothing");
  };
  throw std::runtime_error("cannot resume " + run_dir + " with " + requested.source +
                           ": it differs at " + where.to_string() + " (the run has " + shown(a) +
                           ", the config " + shown(b) +
                           "); a resumed run must keep the seed, model, data and batch size");
}

}  // namespace minima
