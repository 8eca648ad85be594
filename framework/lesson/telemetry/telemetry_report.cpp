#include <minima/lesson/telemetry/telemetry_report.hpp>

#include <algorithm>

#include <minima/nn/layer_registry.hpp>

namespace minima::lesson {
namespace {

// A variant whose first seed recorded telemetry, and what it recorded.
struct Recorded {
  const VariantSummary* v;
  std::vector<LayerTelemetry> layers;
};
std::vector<Recorded> recorded(const CompareSummary& summary) {
  std::vector<Recorded> out;
  for (const VariantSummary& v : summary.variants) {
    if (v.seeds.empty()) continue;
    auto layers = result_of<std::vector<LayerTelemetry>>(v.seeds[0], "telemetry");
    if (layers && !layers->empty()) out.push_back({&v, std::move(*layers)});
  }
  return out;
}

size_t layer_count(const std::vector<Recorded>& variants) {
  size_t n = 0;
  for (const Recorded& r : variants) n = std::max(n, r.layers.size());
  return n;
}

// What counts as saturated, for a chart title, as the recorded type's
// activation declares it (ActivationTraits).
std::string saturation_words(const LayerTelemetry& t) {
  const ActivationTraits* traits = layer_traits(t.type).activation;
  if (!traits) return "saturated";
  const std::string region = traits->saturated_words;
  if (traits->count == ActivationTraits::Count::DeadUnits)
    return "dead " + t.unit + "s (" + region + ")";
  return "saturated (" + region + ")";
}

}  // namespace

std::vector<Chart> telemetry_charts(const CompareSummary& summary) {
  const auto variants = recorded(summary);
  std::vector<Chart> out;
  for (size_t l = 0; l < layer_count(variants); ++l) {
    Chart stats, saturated;
    stats.x_label = saturated.x_label = "training step (0, then logarithmic)";
    stats.x_scale = saturated.x_scale = Scale::Steps;
    saturated.y_unit = "%";
    for (const auto& [v, layers] : variants) {
      if (l >= layers.size()) continue;
      const LayerTelemetry& t = layers[l];
      stats.title = "Hidden " + std::to_string(l + 1) + " (" + t.name + "): mean \u00b1 std";
      stats.y_label = t.type + " output";
      saturated.title = "Hidden " + std::to_string(l + 1) + ": " + saturation_words(t);
      saturated.y_label = "share (%)";
      Band band{v->name, {}, {}, {}, {}, v->style};
      Series share{v->name, {}, {}, v->style};
      for (const TelemetryPoint& p : t.points) {
        band.x.push_back(double(p.step));
        band.lo.push_back(p.mean - p.std);
        band.mid.push_back(p.mean);
        band.hi.push_back(p.mean + p.std);
        share.x.push_back(double(p.step));
        share.y.push_back(100 * p.saturated);
      }
      stats.bands.push_back(std::move(band));
      saturated.series.push_back(std::move(share));
    }
    out.push_back(std::move(stats));
    out.push_back(std::move(saturated));
  }
  return out;
}

std::vector<Chart> telemetry_heatmaps(const CompareSummary& summary) {
  const auto variants = recorded(summary);
  std::vector<Chart> out;
  for (size_t l = 0; l < layer_count(variants); ++l)
    for (const auto& [v, layers] : variants) {
      Chart chart;
      chart.x_label = "training step (logarithmic)";
      chart.x_scale = Scale::Steps;
      chart.heat_color = v->style.color;
      if (l >= layers.size()) {
        out.push_back(std::move(chart));
        continue;
      }
      const LayerTelemetry& t = layers[l];
      chart.title = v->name + ", " + t.name;
      chart.y_label = t.type + " output";
      chart.y_min = t.lo;
      chart.y_max = t.hi;
      // Column k spans from its step to the next recorded one; a bin's
      // shade is its share over the largest share of the picture.
      double largest = 0;
      for (const TelemetryPoint& p : t.points)
        for (double share : p.histogram) largest = std::max(largest, share);
      for (size_t k = 0; k + 1 < t.points.size(); ++k) {
        const TelemetryPoint& p = t.points[k];
        const double bins = double(p.histogram.size()), width = (t.hi - t.lo) / bins;
        for (size_t b = 0; b < p.histogram.size(); ++b)
          chart.cells.push_back({double(p.step), double(t.points[k + 1].step),
                                 t.lo + double(b) * width, t.lo + double(b + 1) * width,
                                 largest > 0 ? p.histogram[b] / largest : 0});
      }
      out.push_back(std::move(chart));
    }
  return out;
}

void telemetry_section(HtmlReport& page, const CompareSummary& summary) {
  const auto variants = recorded(summary);
  if (variants.empty()) return;
  bool channels = false;
  for (const Recorded& r : variants)
    for (const LayerTelemetry& t : r.layers) channels = channels || t.unit == "channel";
  page.heading("Activations over training");
  page.paragraph(
      "Per hidden layer, the outputs of its nonlinearity on the training batch of the step "
      "(read after the step, so recording changes nothing), at steps 10, 20, 50, 100, \u2026 "
      "and at every evaluation: their mean with a band of \u00b11 standard deviation, the share of "
      "saturated sigmoid outputs (< 0.01 or > 0.99; for ReLU the share of units that are 0 on "
      "the whole batch" +
      std::string(channels ? "; after a convolution, of channels that are 0 at every position"
                           : "") +
      "), and their histogram over time (darker: a larger share of the outputs in that bin). The "
      "view fast.ai's course teaches Batch Normalization with. Shown: the first seed of each "
      "variant.");
  page.chart_grid(telemetry_charts(summary), 2, 460, 300);
  page.chart_grid(telemetry_heatmaps(summary), int(variants.size()), 460, 260);
}

}  // namespace minima::lesson
