#pragma once
// Per hidden layer, the statistics of its activations over training, the
// view fast.ai's course teaches Batch Normalization with: mean and standard
// deviation, the share of saturated units, and a histogram per step (drawn
// as a heat map). Read from the outputs the training step just computed
// (the last training batch, in Train mode), so recording costs no forward
// pass and changes nothing.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <minima/nn/graph.hpp>

namespace minima::lesson {

struct TelemetryPoint {
  int64_t step = 0;
  double mean = 0, std = 0;  // over all the batch's outputs of the layer
  // The share of outputs in the activation's saturated region (sigmoid:
  // < 0.01 or > 0.99; tanh: |y| > 0.99), or for one that counts dead units
  // (relu) the share of units in it on every sample of the batch (after a
  // convolution, channels in it at every position of every sample); see
  // ActivationTraits
  double saturated = 0;
  std::vector<double> histogram;  // share of outputs per bin of [lo, hi] (the ends clamp)
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TelemetryPoint, step, mean, std, saturated, histogram)

struct LayerTelemetry {
  size_t layer = 0;           // index in the graph
  std::string name;           // "sigmoid2"
  std::string type;           // "sigmoid", "tanh", "relu", ...
  double lo = 0, hi = 1;      // the histogram's range (ActivationTraits::out_lo, out_hi)
  std::string unit = "unit";  // what the dead share counts: "unit", or "channel" (unit_layout)
  std::vector<TelemetryPoint> points;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LayerTelemetry, layer, name, type, lo, hi, unit, points)

// One entry, without points, per hidden activation (hidden_activations).
std::vector<LayerTelemetry> telemetry_layers(const Graph& model);

// Appends a point at `step` to every layer, from the layers' current outputs.
void record_telemetry(const Graph& model, int64_t step, std::vector<LayerTelemetry>& layers,
                      int bins = 30);

}  // namespace minima::lesson
