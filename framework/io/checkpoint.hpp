#pragma once
// A model's weights as model.safetensors: every Graph::state() entry
// (parameters, then buffers) under its PyTorch state_dict name ("fc1.weight"
// [out, in], "bn1.running_var"), F32, except integer buffers
// (num_batches_tracked), which are I64 0-dim scalars as PyTorch stores them.
// Such a file loads in PyTorch with
//   model.load_state_dict(safetensors.torch.load_file("model.safetensors"))
#include <map>
#include <string>

#include <minima/data/dataset.hpp>
#include <minima/nn/graph.hpp>

namespace minima {

// Writes atomically. metadata: {"format": "pt"} plus the caller's entries
// (the caller's win on a clash).
void save_model(const std::string& path, Graph& graph,
                const std::map<std::string, std::string>& metadata = {});

// Loads by name into a built graph. Every state entry must be in the file
// with the model's dtype and shape, and the file may hold nothing else. The
// FIRST mismatch (in state order, then extra tensors in file order) is
// named: "<path>: missing tensor 'bn1.running_var'", "<path>: tensor
// 'fc1.weight' has shape [100, 784] but the model expects [100, 785]",
// "<path>: tensor 'fc1.weight' holds NaN at element 0 (weights must be finite)".
// The whole file is validated before anything is copied: on error the graph
// is unchanged.
void load_model(const std::string& path, Graph& graph);

// Metadata keys of model.safetensors written by the Trainer.
inline constexpr const char* kStepKey = "minima.step";
inline constexpr const char* kMeanKey = "minima.normalization.mean";
inline constexpr const char* kStdKey = "minima.normalization.std";
// The input normalization stored in a model file's metadata (saved by the
// Trainer), so evaluation needs no training set.
Normalization normalization_from_metadata(const std::map<std::string, std::string>& metadata,
                                          const std::string& path);

}  // namespace minima
