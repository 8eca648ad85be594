#include "cli/compare/compare_report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <minima/report/html_report.hpp>
#include "cli/compare/compare_config.hpp"
#include "cli/compare/compare_tables.hpp"
#include "cli/compare/findings.hpp"
#include "cli/compare/landscape_report.hpp"
#include "cli/compare/sweep_charts.hpp"
#include "cli/compare/telemetry_report.hpp"
#include "cli/compare/train_eval_gap.hpp"

namespace minima {
namespace {

// Per step: the values of every seed that has that step (steps of the
// first seed, in its order).
template <class Point, class Value>
std::vector<std::pair<int64_t, std::vector<double>>> across_seeds(
    const VariantSummary& v, const std::vector<Point>& (*points)(const SeedResult&), Value value) {
  std::vector<std::pair<int64_t, std::vector<double>>> out;
  if (v.seeds.empty()) return out;
  for (const Point& p : points(v.seeds[0])) {
    std::vector<double> values;
    for (const SeedResult& s : v.seeds)
      for (const Point& q : points(s))
        if (q.step == p.step) values.push_back(value(q));
    out.emplace_back(p.step, values);
  }
  return out;
}

const std::vector<AccuracyPoint>& accuracy_of(const SeedResult& s) { return s.accuracy; }
const std::vector<LossPoint>& loss_of(const SeedResult& s) { return s.loss; }

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / double(values.size());
}

// A variant's curve: one line for one seed; the mean with a min–max band for several.
void add_curve(Chart& chart, const VariantSummary& v,
               const std::vector<std::pair<int64_t, std::vector<double>>>& steps) {
  if (v.seeds.size() == 1) {
    Series s{v.name, {}, {}, v.style};
    for (const auto& [step, values] : steps) {
      s.x.push_back(double(step));
      s.y.push_back(values[0]);
    }
    chart.series.push_back(std::move(s));
    return;
  }
  Band band{v.name + " (mean, min\u2013max)", {}, {}, {}, {}, v.style};
  for (const auto& [step, values] : steps) {
    band.x.push_back(double(step));
    band.mid.push_back(mean(values));
    band.lo.push_back(*std::min_element(values.begin(), values.end()));
    band.hi.push_back(*std::max_element(values.begin(), values.end()));
  }
  chart.bands.push_back(std::move(band));
}

size_t seed_count(const CompareSummary& summary) {
  size_t most = 0;
  for (const VariantSummary& v : summary.variants) most = std::max(most, v.seeds.size());
  return most;
}

void learning_curves(HtmlReport& page, const CompareSummary& summary) {
  page.heading("Learning curves");
  const Chart accuracy = accuracy_chart(summary);
  page.chart(accuracy);
  page.chart(loss_chart(summary), 900, 400);
}

void sweep_section(HtmlReport& page, const CompareSummary& summary) {
  page.heading("By " + summary.sweep_key);
  page.chart(final_accuracy_chart(summary));
  const double t = sweep_threshold(summary);
  std::string missing;
  bool any = false;
  for (const VariantSummary& v : summary.variants) {
    if (v.seeds.empty()) continue;
    const bool reached = steps_spread(v, t).median.bound == Bounded::Bound::Exact;
    any = any || reached;
    if (!reached) missing += (missing.empty() ? "" : ", ") + v.name;
  }
  if (any) page.chart(steps_chart(summary, t));
  if (!missing.empty()) {
    const std::string never =
        (several_seeds(summary) ? "the median seed never reached " : "never reached ") +
        format_percent(t, 0);
    page.paragraph((any ? "Not in the steps chart (" + never + "): "
                        : "No steps chart: " + never + " in any run: ") +
                   missing + ".");
  }
  page.heading("Learning curves, one chart per value");
  const std::vector<Chart> per_value = accuracy_per_value(summary);
  page.chart_grid(per_value, int(std::min<size_t>(per_value.size(), 4)));
}

}  // namespace

std::vector<Guide> threshold_guides(const CompareSummary& summary) {
  std::vector<Guide> guides;
  for (double t : summary.thresholds) guides.push_back({t * 100, format_number(t * 100) + "%"});
  return guides;
}

Chart training_chart(const std::string& title, const std::string& y_label, bool log_y) {
  Chart chart;
  chart.title = title;
  chart.x_label = "training step";
  chart.x_min = 0;
  chart.y_label = y_label;
  chart.log_y = log_y;
  return chart;
}

Chart accuracy_chart(const CompareSummary& summary) {
  Chart chart = training_chart("Test accuracy", "test accuracy (%)");
  chart.y_unit = "%";
  chart.guides = threshold_guides(summary);
  double worst_best = 100;  // the lowest accuracy any run peaked at
  for (const VariantSummary& v : summary.variants) {
    if (v.seeds.empty()) continue;
    add_curve(chart, v, across_seeds(v, accuracy_of, [](const AccuracyPoint& p) {
                return p.accuracy * 100;
              }));
    for (const SeedResult& s : v.seeds) {
      double best = 0;
      for (const AccuracyPoint& p : s.accuracy) best = std::max(best, p.accuracy * 100);
      worst_best = std::min(worst_best, best);
    }
  }
  // Zoom on the thresholds (as the paper's Figure 1(a) does) unless a run
  // never got near them; the page says what the zoom cuts off.
  const double lowest =
      summary.thresholds.empty()
          ? 90
          : *std::min_element(summary.thresholds.begin(), summary.thresholds.end()) * 100;
  const double zoom = std::max(0.0, std::floor((lowest - 20) / 10) * 10);
  if (worst_best >= zoom + 10) chart.y_min = zoom;
  chart.y_max = 100;
  return chart;
}

Chart loss_chart(const CompareSummary& summary) {
  Chart chart = training_chart("Training loss", "cross-entropy (log scale)", true);
  for (const VariantSummary& v : summary.variants)
    if (!v.seeds.empty())
      add_curve(chart, v, across_seeds(v, loss_of, [](const LossPoint& p) { return p.loss; }));
  return chart;
}

std::vector<size_t> charted_probe_layers(const CompareSummary& summary) {
  for (const VariantSummary& v : summary.variants) {
    if (v.seeds.empty() || v.seeds[0].shown.empty()) continue;
    const size_t last = v.seeds[0].shown.size() - 1;
    if (unit_of(v, last) != "channel")
      for (size_t l = last; l-- > 0;)
        if (unit_of(v, l) == "channel") return {l, last};
    return {last};
  }
  return {};
}

std::vector<Chart> probe_charts(const CompareSummary& summary, size_t layer) {
  std::vector<Chart> charts;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const VariantSummary& v : summary.variants) {
    if (v.seeds.empty() || v.seeds[0].shown.size() <= layer || v.layers.size() <= layer) continue;
    const ShownUnit& shown = v.seeds[0].shown[layer];
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
    chart.y_label = unit_of(v, layer) + " " + std::to_string(shown.unit) + " of " + v.layers[layer];
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

std::string compare_report_html(const CompareSummary& summary) {
  HtmlReport page(summary.title);
  const size_t seeds = seed_count(summary);
  const std::string over_seeds =
      seeds > 1 ? "the median [min\u2013max] over " + std::to_string(seeds) + " seeds" : "";

  const Findings found = findings(summary);
  if (!found.speed.empty()) {
    page.heading("In this run");
    for (const std::string& sentence : found.speed) page.paragraph(sentence);
  }

  page.heading("Steps to reach test accuracy");
  page.table(results_table(summary));
  page.paragraph(
      "Each cell is the first evaluated training step at which test accuracy reached the "
      "threshold" +
      (seeds > 1 ? ", " + over_seeds +
                       " (each seed is one run of every variant: the same data "
                       "order and, in the layers they share, the same initial "
                       "weights)"
                 : std::string()) +
      ". \u2265 N: a run had not reached it when it stopped after N steps (it counts as N when "
      "ordering the seeds); \u2014: no run reached it. A speed-up is the baseline's steps divided "
      "by the run's, per seed (the same seed paired). ms/step is the time of one training step "
      "(forward, backward, update; no evaluation), median over the seeds, measured in this "
      "process.");
  for (const std::string& note : summary.notes) page.paragraph(note);

  if (summary.sweep_key.empty())
    learning_curves(page, summary);
  else
    sweep_section(page, summary);
  if (seeds > 1)
    page.paragraph(summary.sweep_key.empty()
                       ? "Lines are the mean over the seeds; the shaded band spans their minimum "
                         "to maximum."
                       : "Lines are the median (final accuracy) or the mean (curves) over the "
                         "seeds; the shaded band spans their minimum to maximum.");

  const std::vector<size_t> charted = charted_probe_layers(summary);
  bool channels = false;
  for (const VariantSummary& v : summary.variants)
    for (const std::string& unit : v.layer_units) channels = channels || unit == "channel";
  const std::string channel_words =
      "After a convolution a unit is a channel: its percentiles are over all N\u00b7H\u00b7W "
      "values of that channel in the batch (every position of every input), as BN over "
      "channels sees them (the paper's \u00a73.2). ";
  if (!charted.empty()) {
    page.heading("The input of a hidden nonlinearity over training");
    page.paragraph(
        "Ioffe & Szegedy (2015) write, of \u201cthe evolution of input distributions to a "
        "typical sigmoid\u201d in their Figure 1(b, c):");
    page.quote(
        "Batch Normalization makes the distribution more stable and reduces the internal "
        "covariate shift.",
        "Ioffe & Szegedy (2015), the paper's claim, caption of Figure 1");
    if (!found.drift.empty()) {
      std::string measured = "What this run measured:";
      for (const std::string& sentence : found.drift) measured += " " + sentence;
      page.paragraph(measured);
    }
    const std::string batch = "a fixed batch of " + std::to_string(summary.probe_batch) +
                              " test inputs (evaluation mode, so probing changes nothing)";
    const std::string when =
        "probed at steps 0, 10, 20, 50, 100, 200, 500, ... and at every evaluation. ";
    const bool rows = charted.size() > 1;
    page.paragraph(
        "Each chart: the 15th, 50th and 85th percentiles, over " + batch + ", of one unit's " +
        (rows ? "input to a hidden nonlinearity, " : "input to the last hidden nonlinearity, ") +
        when +
        (rows ? "First row: the last hidden layer after a convolution; second row: the last "
                "hidden layer. "
              : "") +
        (channels ? channel_words : "") +
        "The unit shown is the layer's typical one: the unit whose drift is the median of its "
        "layer's units, in the first seed's run.");
    for (size_t layer : charted) page.chart_row(probe_charts(summary, layer));
    page.heading("Drift per hidden layer");
    page.table(drift_table(summary));
    page.paragraph(
        "Drift of one unit, with m_k its median and w_k = p85_k \u2212 p15_k its 15\u201385 width "
        "at probe point k (steps 0, 10, 20, 50, 100, \u2026 and the last step): (\u03a3_k "
        "|m_{k+1} \u2212 m_k| + \u03a3_k |w_{k+1} \u2212 w_k|) / max_k(w_k), how far its median "
        "and width travel in units of the widest its distribution gets. "
        "A layer's drift is the median over its units" +
        (channels ? std::string(" (its channels, for a layer marked so)") : std::string()) +
        (seeds > 1 ? "; the table gives " + over_seeds : std::string()) +
        ". Hidden k is the input to the k-th hidden nonlinearity (after BN where there is BN).");
  }

  landscape_sections(page, summary);
  telemetry_section(page, summary);
  train_eval_section(page, summary);

  page.heading("Runs");
  for (const VariantSummary& v : summary.variants) {
    if (v.seeds.empty()) continue;
    const std::string settings = describe_run(v.config);
    const std::string changes = v.changes.empty() ? "" : "changed from the base: " + v.changes;
    page.paragraph(v.name + ": " + settings +
                   (settings.empty() || changes.empty() ? changes : " (" + changes + ")") + ".");
  }

  page.heading("Configs");
  for (const VariantSummary& v : summary.variants)
    page.code(v.name + (v.changes.empty() ? "" : " (" + v.changes + ")") +
                  (v.source.empty() ? "" : ", from " + v.source),
              v.config.dump(2));
  if (!summary.source.empty()) page.footer("Compare config: " + summary.source);
  if (!summary.hardware.empty()) page.footer(summary.hardware);
  return page.html();
}

}  // namespace minima
