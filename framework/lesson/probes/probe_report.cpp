#include <minima/lesson/probes/probe_report.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <minima/lesson/run_description.hpp>

namespace minima::lesson {
namespace {

// The first seed's probe result of `v`; an empty one when it has none.
ProbeResult first_probe(const VariantSummary& v) {
  const std::vector<ProbeResult> results = probe_results(v);
  return results.empty() ? ProbeResult{} : results.front();
}

std::string unit_of(const ProbeResult& r, size_t layer) {
  return layer < r.units.size() ? r.units[layer] : "unit";
}

}  // namespace

std::vector<ProbeResult> probe_results(const VariantSummary& v) {
  return results_of<ProbeResult>(v, "probe");
}

std::optional<Spread> drift_spread(const VariantSummary& v, size_t layer) {
  std::vector<double> drifts;
  for (const ProbeResult& r : probe_results(v))
    if (layer < r.drift.size() && r.drift[layer]) drifts.push_back(*r.drift[layer]);
  if (drifts.empty()) return std::nullopt;
  return spread_of_values(drifts);
}

std::string format_drift(const std::optional<Spread>& s) {
  return s ? format_spread(*s, [](double v) { return format_fixed(v, 1); }) : "\u2014";
}

TextTable drift_table(const CompareSummary& summary) {
  ProbeResult widest;  // of the variant with the most probed layers
  for (const VariantSummary& v : summary.variants) {
    ProbeResult r = first_probe(v);
    if (r.layers.size() > widest.layers.size()) widest = std::move(r);
  }
  TextTable table;
  table.header.push_back("run");
  for (size_t l = 0; l < widest.layers.size(); ++l)
    table.header.push_back("hidden " + std::to_string(l + 1) +
                           (unit_of(widest, l) == "channel" ? " (channels)" : ""));
  for (const VariantSummary& v : summary.variants) {
    if (v.seeds.empty()) continue;
    const size_t layers = first_probe(v).layers.size();
    TableRow row;
    row.cells.push_back(v.name);
    for (size_t l = 0; l < widest.layers.size(); ++l)
      row.cells.push_back(l < layers ? format_drift(drift_spread(v, l)) : "");
    table.rows.push_back(row);
  }
  return table;
}

std::vector<std::string> drift_sentences(const CompareSummary& summary) {
  std::vector<std::string> out;
  if (!summary.sweep_key.empty()) return out;
  for (const VariantSummary& v : summary.variants) {
    const VariantSummary* base = baseline_of(summary, v);
    if (!base || v.seeds.empty()) continue;
    const ProbeResult probed = first_probe(v);
    const size_t layers = std::min(probed.layers.size(), first_probe(*base).layers.size());
    for (size_t l = 0; l < layers; ++l) {
      const std::optional<Spread> dv = drift_spread(v, l), db = drift_spread(*base, l);
      if (!dv || !db) continue;
      const std::string head = "Drift of hidden layer " + std::to_string(l + 1) +
                               (unit_of(probed, l) == "channel" ? " (per channel)" : "") + ": " +
                               v.name + " " + format_drift(dv) + ", " + base->name + " " +
                               format_drift(db);
      const double a = dv->median.value, b = db->median.value;
      // Two decimals below 1.1x, so that a small difference does not read "1.0x as much".
      const auto ratio = [](double hi, double lo) {
        return lo > 0 ? format_fixed(hi / lo, hi / lo < 1.1 ? 2 : 1) + "\u00d7 as much"
                      : std::string("more");
      };
      if (a > b)
        out.push_back(head + ": " + v.name + " drifts " + ratio(a, b) + ".");
      else if (b > a)
        out.push_back(head + ": " + base->name + " drifts " + ratio(b, a) + ".");
      else
        out.push_back(head + ": the same median drift.");
    }
  }
  return out;
}

std::vector<std::string> drift_verdicts(const CompareSummary& summary) {
  std::vector<std::string> out;
  if (!summary.sweep_key.empty()) return out;
  for (const auto& [with_bn, without_bn] : bn_pairs(summary)) {
    const VariantSummary &bn = *with_bn, &plain = *without_bn;
    size_t layers = 0, less = 0;
    double lo = 0, hi = 0;  // the range of plain / BN median drift over the layers
    for (size_t l = 0; l < first_probe(bn).layers.size(); ++l) {
      const std::optional<Spread> b = drift_spread(bn, l), p = drift_spread(plain, l);
      if (!b || !p || !(b->median.value > 0)) continue;
      const double ratio = p->median.value / b->median.value;
      lo = layers == 0 ? ratio : std::min(lo, ratio);
      hi = layers == 0 ? ratio : std::max(hi, ratio);
      ++layers;
      less += b->median.value < p->median.value;
    }
    if (layers == 0) continue;
    const std::string ratios = " (" + plain.name + "'s drift is " + format_fixed(lo, 2) + "\u00d7" +
                               (hi != lo ? "\u2013" + format_fixed(hi, 2) + "\u00d7" : "") + " " +
                               bn.name + "'s)";
    const std::string count = std::to_string(less) + " of " + std::to_string(layers);
    out.push_back(
        "The paper's claim, checked on this run: " +
        (less == layers ? "it holds: " + bn.name + "'s inputs drift less in every hidden layer"
         : less == 0 ? "it does not hold: " + bn.name + "'s inputs drift more in every hidden layer"
                     : "it holds in " + count + " hidden layers: " + bn.name +
                           "'s inputs drift less there") +
        ratios + ".");
  }
  return out;
}

std::vector<size_t> charted_probe_layers(const CompareSummary& summary) {
  for (const VariantSummary& v : summary.variants) {
    const ProbeResult r = first_probe(v);
    if (v.seeds.empty() || r.shown.empty()) continue;
    const size_t last = r.shown.size() - 1;
    if (unit_of(r, last) != "channel")
      for (size_t l = last; l-- > 0;)
        if (unit_of(r, l) == "channel") return {l, last};
    return {last};
  }
  return {};
}

std::vector<Chart> probe_charts(const CompareSummary& summary, size_t layer) {
  std::vector<Chart> charts;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const VariantSummary& v : summary.variants) {
    const ProbeResult r = first_probe(v);
    if (r.shown.size() <= layer || r.layers.size() <= layer) continue;
    const ShownUnit& shown = r.shown[layer];
    Band band{"15th, 50th, 85th percentile", {}, {}, {}, {}, v.style};
    for (const ProbePoint& p : shown.trace) {
      band.x.push_back(double(p.step));
      band.lo.push_back(p.p15);
      band.mid.push_back(p.p50);
      band.hi.push_back(p.p85);
      lo = std::min(lo, p.p15);
      hi = std::max(hi, p.p85);
    }
    Chart chart;
    chart.title = v.name;
    chart.x_label = "training step (0, then logarithmic)";
    chart.x_scale = Scale::Steps;
    // "channel 3 of input to sigmoid1 (bn1)"
    chart.y_label = unit_of(r, layer) + " " + std::to_string(shown.unit) + " of " + r.layers[layer];
    chart.bands.push_back(std::move(band));
    charts.push_back(std::move(chart));
  }
  if (charts.size() > 1 && std::isfinite(lo) && std::isfinite(hi)) {
    // One scale, so the spreads compare.
    const double step = nice_step(lo, hi, 6);
    for (Chart& c : charts) {
      c.y_min = std::floor(lo / step) * step;
      c.y_max = std::max(*c.y_min + step, std::ceil(hi / step) * step);
    }
  }
  return charts;
}

}  // namespace minima::lesson
