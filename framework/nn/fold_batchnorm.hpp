#pragma once
// Folding BatchNorm into the Dense or Conv2d layer before it, for inference.
//
// In Eval mode a BatchNorm with running statistics is a fixed affine map
// per feature k:
//   bn(z)_k = gamma_k (z_k - mean_k) / sqrt(var_k + eps) + beta_k
// and when z = x W^T + b comes from a Dense layer (W is [H, D]), writing
// s_k = gamma_k / sqrt(var_k + eps):
//   bn(z)_k = sum_j (s_k W_kj) x_j + s_k (b_k - mean_k) + beta_k
// so one Dense layer computes both, with
//   W'_kj = s_k W_kj,   b'_k = s_k (b_k - mean_k) + beta_k
// (b = 0 when the Dense had no bias; the folded Dense always has one;
// gamma = 1, beta = 0 for a BatchNorm without affine parameters).
// A BatchNorm with "normalize" "mean" (bn(z)_k = gamma_k (z_k - mean_k) +
// beta_k) folds with s_k = gamma_k; one with "variance" (bn(z)_k = gamma_k z_k
// / sqrt(var_k + eps) + beta_k) with mean_k taken as 0; no "normalize" in its
// config reads as "full".
// A Conv2d (weight [O, C, k, k]) is the same per output channel k, which
// BatchNorm over channels normalizes with one mean and variance at every
// position: W'_k = s_k W_k (its C k k weights), b'_k as above.
//
// The layers are found by their traits (LayerTraits), never by type name: a
// BatchNorm is a layer that normalizes over the batch, read by PyTorch's
// names (buffers running_mean, running_var; parameters weight, bias when
// affine; "eps" and "normalize" in its config); the layers it folds into accept a folded
// scale (Dense, Conv2d: parameters weight, bias when it has one; the folded
// spec gets "bias": true).
// A BatchNorm is folded when its only input is such a layer whose output
// feeds nothing else, and it tracks running statistics (without them, Eval
// mode normalizes with the batch's own statistics, which is not a fixed map).
#include <string>
#include <vector>

#include <minima/nn/graph.hpp>

namespace minima {

struct FoldedModel {
  json layers;                       // the new layer list: folded layers keep their names
  Graph graph;                       // built for the same input shape, holding the folded weights
  std::vector<std::string> folded;   // "fc1 + bn1" for each folded pair
  std::vector<std::string> skipped;  // "bn2: ..." why a BatchNorm stayed
};

// `graph` must be built (its state is read, not changed). The new graph's
// Eval-mode outputs equal the old one's up to float rounding.
FoldedModel fold_batchnorm(Graph& graph);

}  // namespace minima
