#pragma once
// The whole configuration of a training run, read from one JSON file:
//   {"description", "seed", "data", "model", "optimizer", "schedule", "train", "output"}
// Every section is validated when the file is read (unknown keys, types and
// ranges are ConfigErrors naming the JSON pointer), before any data loads.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <minima/config/config_object.hpp>
#include <minima/data/data_config.hpp>

namespace minima {

struct TrainConfig {
  int64_t batch_size = 60;
  int64_t epochs = 0;  // exactly one of epochs / steps is > 0
  int64_t steps = 0;
  int64_t eval_every = 0;   // steps between evaluations; 0 = once per epoch
  bool eval_early = false;  // also at steps 10, 20, 50, ... below the first (eval_schedule.hpp)
  int threads = 0;          // threads (GEMM slices and loops); 0 = choose_threads()
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
  json model;      // as written: {"layers": [...]} or a builder such as {"type": "mlp", ...}
  json layers;     // the model expanded to an explicit layer list
  json optimizer;  // validated; read by make_optimizer()
  json schedule;   // validated; read by make_schedule()
  TrainConfig train;
  OutputConfig output;

  // The whole config with every default filled in (written to the run directory).
  json resolved() const;
};

// Parses and validates a config. `source` names it in messages and gives
// the default output directory.
RunConfig parse_run_config(const json& config, const std::string& source);
// Reads `path` (refusing files over 1 MB: configs are a few KB), applies `--set` style overrides
// ("optimizer.lr=0.1") in order, then parses. JSON syntax errors name the file, line and column.
RunConfig load_run_config(const std::string& path, const std::vector<std::string>& overrides = {});

// Refuses to resume `run` with `requested` when they differ in anything
// that shapes the training trajectory (seed, model, data set, split,
// normalization, batch size); names the first difference.
void check_same_run(const RunConfig& run, const RunConfig& requested, const std::string& run_dir);

}  // namespace minima
