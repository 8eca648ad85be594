#include <minima/lesson/telemetry/telemetry.hpp>

#include <algorithm>
#include <cmath>

#include <minima/lesson/probes/probes.hpp>

namespace minima::lesson {

std::vector<LayerTelemetry> telemetry_layers(const Graph& model) {
  std::vector<LayerTelemetry> out;
  for (size_t a : hidden_activations(model)) {
    const Layer& layer = model.layer(a);
    LayerTelemetry t;
    t.layer = a;
    t.name = layer.name();
    t.type = layer.type();
    t.lo = layer.traits().activation->out_lo;
    t.hi = layer.traits().activation->out_hi;
    t.unit = unit_layout(layer.output_shape()).word;
    out.push_back(t);
  }
  return out;
}

void record_telemetry(const Graph& model, int64_t step, std::vector<LayerTelemetry>& layers,
                      int bins) {
  for (LayerTelemetry& t : layers) {
    const Layer& layer = model.layer(t.layer);
    // What counts as saturated, from the activation (nothing, for another layer).
    static constexpr ActivationTraits kNeverSaturated{};
    const ActivationTraits* declared = layer.traits().activation;
    const ActivationTraits& traits = declared ? *declared : kNeverSaturated;
    const Tensor& y = layer.output();
    const int64_t n = y.dim(0);
    TelemetryPoint p;
    p.step = step;
    p.histogram.assign(size_t(bins), 0.0);
    double sum = 0, sum_sq = 0;
    int64_t saturated = 0;
    for (int64_t k = 0; k < y.numel(); ++k) {
      const double v = y[k];
      sum += v;
      sum_sq += v * v;
      saturated += traits.saturated(v);
      // bin = floor((v - lo) / (hi - lo) * bins), clamped to [0, bins - 1]
      const int bin = int(std::floor((v - t.lo) / (t.hi - t.lo) * bins));
      p.histogram[size_t(std::clamp(bin, 0, bins - 1))] += 1.0 / double(y.numel());
    }
    // mean = sum / M, std = sqrt(sum_sq / M - mean^2) over the M outputs of the batch
    const double m = double(std::max<int64_t>(1, y.numel()));
    p.mean = sum / m;
    p.std = std::sqrt(std::max(0.0, sum_sq / m - p.mean * p.mean));
    if (traits.count == ActivationTraits::Count::DeadUnits) {
      const UnitLayout l = unit_layout(layer.output_shape());
      int64_t dead = 0;  // units (channels) saturated on every sample (at every position)
      for (int64_t u = 0; u < l.units; ++u) {
        bool all = true;
        for (int64_t i = 0; i < n && all; ++i)
          for (int64_t s = 0; s < l.positions && all; ++s)
            all = traits.saturated(y[(i * l.units + u) * l.positions + s]);
        dead += all;
      }
      p.saturated = double(dead) / double(std::max<int64_t>(1, l.units));
    } else {
      p.saturated = double(saturated) / m;
    }
    t.points.push_back(std::move(p));
  }
}

}  // namespace minima::lesson
