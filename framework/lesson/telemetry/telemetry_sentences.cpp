// The table and sentences of the "telemetry" measurement, made from the
// recorded numbers only (telemetry_report.hpp).
#include <algorithm>
#include <cctype>
#include <cstdio>

#include <minima/lesson/telemetry/telemetry_report.hpp>

namespace minima::lesson {
namespace {

std::string three_digits(double v) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g", v);
  return text;
}
std::string std_text(const std::optional<Spread>& s) {
  return s ? format_spread(*s, three_digits) : "\u2014";
}
std::string share_text(const std::optional<Spread>& s) {
  return s ? format_spread(*s, [](double v) { return format_percent(v, 1); }) : "\u2014";
}

// Over the seeds of `v` that recorded layer `layer`, one number each.
std::optional<Spread> layer_spread(const VariantSummary& v, size_t layer,
                                   double (*of)(const LayerTelemetry&)) {
  std::vector<double> values;
  for (const SeedResult& s : v.seeds) {
    const std::vector<LayerTelemetry> layers = telemetry_of(s);
    if (layer < layers.size() && !layers[layer].points.empty()) values.push_back(of(layers[layer]));
  }
  if (values.empty()) return std::nullopt;
  return spread_of_values(values);
}

// The median over the recorded steps of the outputs' standard deviation.
double median_std(const LayerTelemetry& t) {
  std::vector<double> stds;
  for (const TelemetryPoint& p : t.points) stds.push_back(p.std);
  return percentile(stds, 50);
}
double largest_saturated(const LayerTelemetry& t) {
  double most = 0;
  for (const TelemetryPoint& p : t.points) most = std::max(most, p.saturated);
  return most;
}

// The layers the first recording variant has (names and types): the table's columns.
std::vector<LayerTelemetry> layer_columns(const CompareSummary& summary) {
  std::vector<LayerTelemetry> widest;
  for (const VariantSummary& v : summary.variants)
    for (const SeedResult& s : v.seeds) {
      std::vector<LayerTelemetry> layers = telemetry_of(s);
      if (layers.size() > widest.size()) widest = std::move(layers);
    }
  return widest;
}

// "Hidden 3 (sigmoid3) over training: with BN's outputs have a median
// standard deviation of 0.21 [...], without BN's 0.031 [...]: with BN's are
// 6.8× as spread out; without BN's sit in a narrow band."
std::string spread_sentence(const VariantSummary& base, const VariantSummary& v, size_t l,
                            const std::string& name) {
  const std::optional<Spread> sv = typical_std_spread(v, l), sb = typical_std_spread(base, l);
  const double a = sv->median.value, b = sb->median.value;
  const std::string head = "Hidden " + std::to_string(l + 1) + " (" + name +
                           ") over training: " + v.name +
                           "'s outputs have a median standard deviation of " + std_text(sv) + ", " +
                           base.name + "'s " + std_text(sb);
  const double hi = std::max(a, b), lo = std::min(a, b);
  if (!(lo > 0) || hi / lo < 1.1) return head + ": about as spread out.";
  const std::string wider = a > b ? v.name : base.name, narrower = a > b ? base.name : v.name;
  // From 1.5x the narrower layer's outputs are said to sit in a narrow band.
  return head + ": " + wider + "'s are " + format_fixed(hi / lo, 1) + "\u00d7 as spread out" +
         (hi / lo >= 1.5 ? "; " + narrower + "'s sit in a narrow band." : ".");
}

}  // namespace

std::optional<Spread> typical_std_spread(const VariantSummary& v, size_t layer) {
  return layer_spread(v, layer, median_std);
}

std::optional<Spread> most_saturated_spread(const VariantSummary& v, size_t layer) {
  return layer_spread(v, layer, largest_saturated);
}

TextTable telemetry_table(const CompareSummary& summary) {
  const std::vector<LayerTelemetry> columns = layer_columns(summary);
  TextTable table;
  table.header.push_back("run");
  for (size_t l = 0; l < columns.size(); ++l) {
    const std::string hidden = "hidden " + std::to_string(l + 1) + " ";
    table.header.push_back(hidden + "std (median)");
    table.header.push_back(hidden + "most saturated");
  }
  for (const VariantSummary& v : summary.variants) {
    if (!typical_std_spread(v, 0)) continue;
    TableRow row{{v.name}, false};
    for (size_t l = 0; l < columns.size(); ++l) {
      row.cells.push_back(std_text(typical_std_spread(v, l)));
      row.cells.push_back(share_text(most_saturated_spread(v, l)));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::vector<std::string> telemetry_sentences(const CompareSummary& summary) {
  std::vector<std::string> out;
  const std::vector<LayerTelemetry> columns = layer_columns(summary);
  if (columns.empty()) return out;
  if (summary.sweep_key.empty())
    for (const VariantSummary& v : summary.variants) {
      const VariantSummary* base = baseline_of(summary, v);
      if (!base) continue;
      for (size_t l = 0; l < columns.size(); ++l)
        if (typical_std_spread(v, l) && typical_std_spread(*base, l))
          out.push_back(spread_sentence(*base, v, l, columns[l].name));
    }
  // The largest saturated share of any layer of any run, at any recorded step.
  double most = -1;
  std::string where;
  for (const VariantSummary& v : summary.variants)
    for (const SeedResult& s : v.seeds) {
      const std::vector<LayerTelemetry> layers = telemetry_of(s);
      for (size_t l = 0; l < layers.size(); ++l)
        for (const TelemetryPoint& p : layers[l].points)
          if (p.saturated > most) {
            most = p.saturated;
            where = v.name + (v.seeds.size() > 1 ? ", seed " + std::to_string(s.seed) : "") +
                    ", hidden " + std::to_string(l + 1) + " (" + layers[l].name + ") at step " +
                    std::to_string(p.step);
          }
    }
  if (most < 0) return out;
  // Below 10 % the sentence says that few outputs saturate; from 10 % it gives the number alone.
  const std::string largest = "the largest saturated (or dead) share of any layer in any run is " +
                              format_percent(most, 1) + " (" + where + ").";
  out.push_back(most < 0.1 ? "Few outputs saturate: " + largest
                           : std::string(1, char(std::toupper(largest[0]))) + largest.substr(1));
  return out;
}

}  // namespace minima::lesson
