#pragma once
// The whole configuration of a training run, read from one JSON file:
//   {"description", "seed", "data", "model", "optimizer", "schedule", "train", "output"}
// Every section is validated when the file is read (unknown keys, types and
// ranges are ConfigErrors naming the JSON pointer), before any data loads.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "framework/config_object.hpp"
#include "framework/shape.hpp"

namespace minima {

struct DataConfig {
  std::string dataset = "mnist";  // "mnist" | "fashion" | "idx" (any IDX set in `dir`) | "folder" (image folders)
  std::string dir;                // default: data/<dataset>
  // "folder" only: dir/train/<class>/*.png|jpg and dir/test/<class>/..., each
  // image resized to height x width (data.size: [height, width]), gray or RGB.
  int height = 28, width = 28;
  bool grayscale = true;
  int64_t validation = 0;         // samples split off the end of the training set; eval uses them when > 0
  std::string normalize = "scale";  // "scale" (x/255) | "standardize" (training set mean/std)
};

struct TrainConfig {
  int64_t batch_size = 60;
  int64_t epochs = 0;      // exactly one of epochs / steps is > 0
  int64_t steps = 0;
  int64_t eval_every = 0;  // steps between evaluations; 0 = once per epoch
  int threads = 0;         // threads (GEMM slices and loops); 0 = choose_threads()
};

struct OutputConfig {
  std::string dir;               // default: runs/<config file stem>
  int64_t checkpoint_every = 0;  // steps; 0 = at every evaluation
};

struct RunConfig {
  std::string source;  // the file it came from (for messages)
  std::string description;
  uint64_t seed = 0;
  DataConfig data;
  json model;         // as written: {"layers": [...]} or a builder such as {"type": "mlp", ...}
  json layers;        // the model expanded to an explicit layer list
  json optimizer;     // validated; read by make_optimizer()
  json schedule;      // validated; read by make_schedule()
  TrainConfig train;
  OutputConfig output;

  // The whole config with every default filled in (written to the run directory).
  json resolved() const;
};

// The per-sample input shape of a built-in data set ([784] for "mnist" and
// "fashion"; height * width * channels for "folder"); nullopt for "idx",
// whose shape is in its files' headers.
std::optional<Shape> known_sample_shape(const DataConfig& data);
// The per-sample input shape, flattened ([784] for 28x28 images): the known
// shape, or for "idx" the one in the header of the training images file
// (<dir>/train-images-idx3-ubyte, raw or .gz; only its header is read).
Shape sample_shape(const DataConfig& data);

// Parses and validates a config. `source` names it in messages and gives
// the default output directory.
RunConfig parse_run_config(const json& config, const std::string& source);
// Reads `path` (refusing files over 1 MB: configs are a few KB), applies `--set` style overrides ("optimizer.lr=0.1") in
// order, then parses. JSON syntax errors name the file, line and column.
RunConfig load_run_config(const std::string& path, const std::vector<std::string>& overrides = {});

}  // namespace minima
