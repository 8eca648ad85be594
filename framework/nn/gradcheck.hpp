#pragma once
// The public gradient checker: compares every analytic gradient a layer (or
// a whole network) computes with central differences
//   dL/dv ~ (L(v + h) - L(v - h)) / 2h
// for every input element and every parameter element. For a single layer
// the loss is L = sum(y * R) with a fixed random R, so backward receives
// dy = R; for a network it is the softmax cross-entropy.
//
// Per element, error = |analytic - numeric| / max(|analytic|, |numeric|, floor);
// the check passes when the worst error is <= tolerance. The defaults are
// tight enough that a wrong factor, sign or index fails clearly, and loose
// enough for float32 rounding of smooth layers.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <minima/nn/graph.hpp>
#include <minima/nn/layer.hpp>

namespace minima {

struct GradCheckOptions {
  double step = 1e-2;       // h
  double tolerance = 1e-2;  // worst allowed error
  double floor = 1e-2;      // gradients smaller than this are compared absolutely
  Mode mode = Mode::Train;
  uint64_t seed = 1;  // for R
};

struct GradCheckResult {
  bool passed = true;
  double max_error = 0.0;
  std::string where;  // "input 0 [17]", "param weight [3]"
  double analytic = 0.0, numeric = 0.0;
  int64_t checked = 0;  // elements compared
  std::string summary() const;
};

// `layer` must be built for the inputs' per-sample shapes. Inputs are copied.
GradCheckResult check_gradients(Layer& layer, const std::vector<Tensor>& inputs,
                                const GradCheckOptions& options = {});

// Whole network with softmax cross-entropy on `labels`; checks every parameter.
GradCheckResult check_gradients(Graph& graph, const Tensor& x, std::span<const int32_t> labels,
                                const GradCheckOptions& options = {});

}  // namespace minima
