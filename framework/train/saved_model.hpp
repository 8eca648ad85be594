#pragma once
// A trained model on disk, as `minima train` leaves it: a run directory
// (config.json + model.safetensors [+ classes.json]), or a .safetensors
// file with the config.json beside it, or weights and a config from
// anywhere (weights written by another tool: same names and shapes).
#include <map>
#include <string>
#include <vector>

#include <minima/data/dataset.hpp>
#include <minima/nn/graph.hpp>
#include <minima/train/run_config.hpp>

namespace minima {

// Where a model's files are.
struct ModelFiles {
  std::string config;   // config.json
  std::string weights;  // model.safetensors
  std::string classes;  // classes.json (may be missing)
};
// RUN_DIR -> RUN_DIR/{config.json, model.safetensors, classes.json};
// FILE.safetensors -> the file and the config.json and classes.json beside it.
// Anything else is refused with what was expected ("<path>: not a run
// directory ..." for a directory without config.json, "no such run
// directory or .safetensors checkpoint", "expected a run directory or a
// .safetensors checkpoint ...").
ModelFiles model_files(const std::string& run_dir_or_checkpoint);

struct SavedModel {
  ModelFiles files;
  RunConfig config;
  Graph graph;  // built for the input shape and holding the saved weights
  std::map<std::string, std::string> metadata;  // of the weights file
  Normalization normalization;                  // of the model's inputs
  std::vector<std::string> class_names;         // one per output
};

// Builds the config's model for per-sample `input_shape` and loads the
// weights (load_model: every name, dtype and shape must match; the first
// mismatch is named). The input normalization comes from the weights'
// metadata (saved by `minima train`), else from the config (recomputed
// from the training set for "standardize"). Class names come from
// classes.json (which must list one per output), else they are "0", "1", ...
SavedModel load_saved_model(const ModelFiles& files, const Shape& input_shape,
                            const std::vector<std::string>& overrides = {});

}  // namespace minima
