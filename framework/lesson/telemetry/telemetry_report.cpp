#include <minima/lesson/telemetry/telemetry_report.hpp>

#include <algorithm>

#include <minima/lesson/training_charts.hpp>

#include <minima/nn/layer_registry.hpp>

namespace minima::lesson {
namespace {

// A variant whose seed number `seed_index` recorded telemetry, and what it recorded.
struct Recorded {
  const VariantSummary* v;
  std::vector<LayerTelemetry> layers;
};
std::vector<Recorded> recorded(const CompareSummary& summary, size_t seed_index = 0) {
  std::vector<Recorded> out;
  for (const VariantSummary& v : summary.variants) {
    if (v.seeds.size() <= seed_index) continue;
    std::vector<LayerTelemetry> layers = telemetry_of(v.seeds[seed_index]);
    if (!layers.empty()) out.push_back({&v, std::move(layers)});
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

std::vector<LayerTelemetry> telemetry_of(const SeedResult& s) {
  return result_of<std::vector<LayerTelemetry>>(s, "telemetry")
      .value_or(std::vector<LayerTelemetry>{});
}

std::vector<Chart> telemetry_charts(const CompareSummary& summary) {
  const auto variants = recorded(summary);
  std::vector<Chart> out;
  for (size_t l = 0; l < layer_count(variants); ++l) {
    Chart mean, spread, saturated;
    for (Chart* c : {&mean, &spread, &saturated}) {
      c->x_label = "training step (0, then logarithmic)";
      c->x_scale = Scale::Steps;
    }
    saturated.y_unit = "%";
    saturated.y_label = "share (%)";
    for (const auto& [v, layers] : variants) {
      if (l >= layers.size()) continue;
      const LayerTelemetry& t = layers[l];
      const std::string hidden = "Hidden " + std::to_string(l + 1);
      mean.title = hidden + " (" + t.name + "): mean";
      spread.title = hidden + ": standard deviation";
      saturated.title = hidden + ": " + saturation_words(t);
      mean.y_label = spread.y_label = t.type + " output";
      // Layer l's points in each seed (none where a seed lacks the layer).
      const auto points = [l](const SeedResult& s) {
        std::vector<LayerTelemetry> recorded = telemetry_of(s);
        return l < recorded.size() ? recorded[l].points : std::vector<TelemetryPoint>{};
      };
      add_curve(mean, *v, seed_curves(*v, points, [](const TelemetryPoint& p) { return p.mean; }));
      add_curve(spread, *v, seed_curves(*v, points, [](const TelemetryPoint& p) { return p.std; }));
      add_curve(saturated, *v,
                seed_curves(*v, points, [](const TelemetryPoint& p) { return 100 * p.saturated; }));
    }
    for (Chart* c : {&mean, &spread, &saturated}) out.push_back(std::move(*c));
  }
  return out;
}

std::vector<Chart> telemetry_heatmaps(const CompareSummary& summary, size_t seed_index) {
  const auto variants = recorded(summary, seed_index);
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
      chart.title = v->name +
                    (v->seeds.size() > 1 ? ", seed " + std::to_string(v->seeds[seed_index].seed)
                                         : std::string()) +
                    ", " + t.name;
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
  for (const std::string& sentence : telemetry_sentences(summary)) page.paragraph(sentence);
  page.table(telemetry_table(summary));
  page.paragraph(
      "Per hidden layer, the outputs of its nonlinearity on the training batch of the step "
      "(read after the step, so recording changes nothing), at steps 10, 20, 50, 100, \u2026 "
      "and at every evaluation: their mean, their standard deviation (a small one: the units' "
      "outputs sit in one narrow band) and the share of saturated outputs, as each activation "
      "declares it (sigmoid: < 0.01 or > 0.99; for ReLU the share of units that are 0 on the "
      "whole batch" +
      std::string(channels ? "; after a convolution, of channels that are 0 at every position"
                           : "") +
      "), then their histogram over time (darker: a larger share of the outputs in that bin). "
      "The view fast.ai's course teaches Batch Normalization with." +
      std::string(several_seeds(summary)
                      ? " Each thick line is the median over the seeds, shaded from their minimum "
                        "to their maximum; each pale line is one seed. The heat maps show the "
                        "first seed; the others open below them."
                      : ""));
  page.chart_grid(telemetry_charts(summary), 3, 440, 320);
  page.chart_grid(telemetry_heatmaps(summary), int(variants.size()), 460, 260);
  for (size_t k = 1; k < seed_count(summary); ++k) {
    const std::vector<Chart> maps = telemetry_heatmaps(summary, k);
    if (maps.empty()) continue;
    page.collapsed_chart_grid("Heat maps of each variant's seed number " + std::to_string(k + 1),
                              maps, int(recorded(summary, k).size()), 460, 260);
  }
}

}  // namespace minima::lesson
