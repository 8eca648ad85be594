#include "cli/compare/telemetry.hpp"

#include <algorithm>
#include <cmath>

#include "cli/compare/probe.hpp"

namespace minima {

std::vector<LayerTelemetry> telemetry_layers(const Graph& model) {
  std::vector<LayerTelemetry> out;
  for (size_t a : hidden_activations(model)) {
    const Layer& layer = model.layer(a);
    LayerTelemetry t;
    t.layer = a;
    t.name = layer.name();
    t.type = layer.type();
    t.lo = t.type == "tanh" ? -1 : 0;
    t.hi = t.type == "relu" ? 4 : 1;
    out.push_back(t);
  }
  return out;
}

void record_telemetry(const Graph& model, int64_t step, std::vector<LayerTelemetry>& layers,
                      int bins) {
  for (LayerTelemetry& t : layers) {
    const Tensor& y = model.layer(t.layer).output();
    const int64_t n = y.dim(0), units = y.numel() / std::max<int64_t>(1, y.dim(0));
    TelemetryPoint p;
    p.step = step;
    p.histogram.assign(size_t(bins), 0.0);
    double sum = 0, sum_sq = 0;
    int64_t saturated = 0;
    for (int64_t k = 0; k < y.numel(); ++k) {
      const double v = y[k];
      sum += v;
      sum_sq += v * v;
      saturated += t.type == "sigmoid" ? (v < 0.01 || v > 0.99)
                   : t.type == "tanh"  ? std::abs(v) > 0.99
                                       : 0;
      // bin = floor((v - lo) / (hi - lo) * bins), clamped to [0, bins - 1]
      const int bin = int(std::floor((v - t.lo) / (t.hi - t.lo) * bins));
      p.histogram[size_t(std::clamp(bin, 0, bins - 1))] += 1.0 / double(y.numel());
    }
    // mean = sum / M, std = sqrt(sum_sq / M - mean^2) over the M = N * H outputs
    const double m = double(std::max<int64_t>(1, y.numel()));
    p.mean = sum / m;
    p.std = std::sqrt(std::max(0.0, sum_sq / m - p.mean * p.mean));
    if (t.type == "relu") {
      int64_t dead = 0;  // units with y = 0 on every sample
      for (int64_t u = 0; u < units; ++u) {
        bool zero = true;
        for (int64_t i = 0; i < n && zero; ++i) zero = y[i * units + u] == 0;
        dead += zero;
      }
      p.saturated = double(dead) / double(std::max<int64_t>(1, units));
    } else {
      p.saturated = double(saturated) / m;
    }
    t.points.push_back(std::move(p));
  }
}

}  // namespace minima
