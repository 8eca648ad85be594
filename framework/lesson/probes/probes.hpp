#pragma once
// The hidden values `minima compare` follows over training (the paper's
// Figure 1(b,c)): the input of every hidden nonlinearity (after BN where
// there is BN), unit by unit, over a fixed batch of test inputs, at steps
// 0, 10, 20, 50, 100, 200, 500, ... and at every evaluation. After a
// convolution a unit is a channel, its values those at every position of
// every input (unit_layout).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/nn/graph.hpp>
#include <minima/nn/hidden_layers.hpp>

namespace minima::lesson {

// Which hidden values to follow: "probe": {"layer", "batch"} in the compare config.
struct ProbeSettings {
  std::string layer;     // "" = the input of every hidden activation
  int64_t batch = 1000;  // fixed test inputs whose values give the percentiles
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ProbeSettings, layer, batch)

struct ProbeTarget {
  size_t layer = 0;           // index in the built graph
  std::string name;           // "bn3"
  std::string label;          // "input to sigmoid3 (bn3)"
  std::string unit = "unit";  // what one trace follows: "unit", or "channel" (unit_layout)
};

// How the distribution views split a layer's per-sample output into units:
// a feature vector [D] is D units of one value per sample; an image
// [C, H, W] is C channels of H W values per sample, the way BN over
// channels sees it (Ioffe & Szegedy, sec. 3.2: the elements of one feature
// map, at every location, are one feature). Unit u of sample i at position
// s is y[(i * units + u) * positions + s].
struct UnitLayout {
  int64_t units = 0;      // D, or C
  int64_t positions = 1;  // 1, or H W
  std::string word;       // "unit", or "channel"
};
UnitLayout unit_layout(const Shape& sample_shape);

// The layer named by `spec`, or by default the input of every hidden
// activation (hidden_activations) in graph order: after BN where there is
// one. Errors (ConfigError at /probe/layer) list the layers there are.
std::vector<ProbeTarget> resolve_probes(const Graph& model, const ProbeSettings& spec);

// The 15th, 50th and 85th percentiles of one unit's values over the probe
// batch (N values; a channel's N H W).
struct ProbePoint {
  int64_t step = 0;
  double p15 = 0, p50 = 0, p85 = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ProbePoint, step, p15, p50, p85)
// One unit's percentiles at every probe point, in step order.
using UnitTrace = std::vector<ProbePoint>;
// traces[unit] of one probed layer.
using LayerTraces = std::vector<UnitTrace>;

// Runs `x` through the model in Eval mode (no statistics change) and
// appends, for every target t and unit u (unit_layout of t's output), the
// percentiles of u's N x positions values to traces[t][u] (`traces` grows
// to fit).
void probe_units(Graph& model, const Tensor& x, const std::vector<ProbeTarget>& targets,
                 int64_t step, std::vector<LayerTraces>& traces);

}  // namespace minima::lesson
