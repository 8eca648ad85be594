#pragma once
// Where a run directory keeps its checkpoints, and how one is committed so
// that a kill at any instant leaves a whole checkpoint to resume from:
//
//   RUN_DIR/checkpoints/step-<S>/model.safetensors        the weights at step S
//   RUN_DIR/checkpoints/step-<S>/train_state.safetensors  the rest of the state at step S
//   RUN_DIR/model.safetensors -> checkpoints/step-<S>/model.safetensors
//
// A checkpoint is written into its own directory; the relative symlink
// RUN_DIR/model.safetensors is then replaced atomically (rename) and that
// rename is the commit: the symlink only ever names a directory whose two
// files were both complete before it was pointed there. Older step
// directories are removed after the commit, never before, so the committed
// one always exists. Users (eval, predict, export, PyTorch) read
// RUN_DIR/model.safetensors as before; resume reads both files from the
// directory the symlink names.
#include <cstdint>
#include <optional>
#include <string>

namespace minima {

struct CheckpointFiles {
  std::string model;        // model.safetensors
  std::string train_state;  // train_state.safetensors
};

// RUN_DIR/model.safetensors, the name users read.
std::string run_model_path(const std::string& run_dir);

// The committed checkpoint of `run_dir`, or nullopt if it has none.
std::optional<CheckpointFiles> committed_checkpoint(const std::string& run_dir);

// Creates an empty RUN_DIR/checkpoints/step-<step>/ (removing what a killed
// earlier attempt left there) and returns the paths to write into it.
CheckpointFiles prepare_checkpoint(const std::string& run_dir, int64_t step);

// Commits the checkpoint prepared for `step` (both files written), then
// removes the older ones.
void commit_checkpoint(const std::string& run_dir, int64_t step);

// Removes every checkpoint of `run_dir` (a fresh run in an old directory).
void remove_checkpoints(const std::string& run_dir);

}  // namespace minima
