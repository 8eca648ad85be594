#pragma once
// The hidden values `minima compare` follows over training: one unit of one
// layer's output, over a fixed batch of test inputs (the paper's Figure
// 1(b,c) follows the input to a sigmoid in the last hidden layer).
#include <cstdint>
#include <string>

#include <minima/nn/graph.hpp>
#include "cli/compare/compare_config.hpp"
#include "cli/compare/compare_report.hpp"

namespace minima {

struct ProbeTarget {
  size_t layer = 0;  // index in the built graph
  std::string name;  // "bn3"
  int64_t unit = 0;
  std::string label;  // "input to sigmoid3 (bn3), unit 0"
};

// The layer named by `spec`, or by default the layer feeding the last hidden
// activation (relu, sigmoid or tanh): after BN where there is one. Errors
// (ConfigError at /probe/...) list the layers there are.
ProbeTarget resolve_probe(const Graph& model, const ProbeSpec& spec);

// Runs `x` [N, D] through the model in eval mode (no statistics change) and
// returns the 15th, 50th and 85th percentiles of the target unit's N values.
ProbePoint probe_percentiles(Graph& model, const Tensor& x, const ProbeTarget& target,
                             int64_t step);

}  // namespace minima
