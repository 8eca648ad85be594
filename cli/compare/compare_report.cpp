#include "cli/compare/compare_report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <minima/report/html_report.hpp>

namespace minima {

Chart accuracy_chart(const CompareResults& results) {
  Chart chart;
  chart.title = "Test accuracy";
  chart.x_label = "training step";
  chart.x_min = 0;
  chart.y_label = "test accuracy (%)";
  for (double t : results.thresholds) chart.guides.push_back({t * 100, ""});
  double worst_best = 100;  // the lowest accuracy any run peaked at
  for (const VariantRecord& v : results.variants) {
    Series s{v.run.name, {}, {}, v.style};
    double best = 0;
    for (const AccuracyPoint& e : v.run.evals) {
      s.x.push_back(double(e.step));
      s.y.push_back(e.accuracy * 100);
      best = std::max(best, e.accuracy * 100);
    }
    if (!v.run.evals.empty()) worst_best = std::min(worst_best, best);
    chart.series.push_back(std::move(s));
  }
  // Zoom on the thresholds (as the paper's Figure 1(a) does) unless a run
  // never got near them.
  const double lowest =
      results.thresholds.empty()
          ? 90
          : *std::min_element(results.thresholds.begin(), results.thresholds.end()) * 100;
  const double zoom = std::max(0.0, std::floor((lowest - 20) / 10) * 10);
  if (worst_best >= zoom + 10) chart.y_min = zoom;
  chart.y_max = 100;
  return chart;
}

Chart loss_chart(const CompareResults& results) {
  Chart chart;
  chart.title = "Training loss";
  chart.x_label = "training step";
  chart.x_min = 0;
  chart.y_label = "cross-entropy (log scale)";
  chart.log_y = true;
  for (const VariantRecord& v : results.variants) {
    Series s{v.run.name, {}, {}, v.style};
    for (const LossPoint& p : v.losses) {
      s.x.push_back(double(p.step));
      s.y.push_back(p.loss);
    }
    chart.series.push_back(std::move(s));
  }
  return chart;
}

std::vector<Chart> probe_charts(const CompareResults& results) {
  std::vector<Chart> charts;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const VariantRecord& v : results.variants) {
    if (v.probe.empty()) continue;
    Band band{"15th, 50th, 85th percentile", {}, {}, {}, {}, v.style};
    for (const ProbePoint& p : v.probe) {
      band.x.push_back(double(p.step));
      band.lo.push_back(p.p15);
      band.mid.push_back(p.p50);
      band.hi.push_back(p.p85);
      lo = std::min(lo, p.p15);
      hi = std::max(hi, p.p85);
    }
    Chart chart;
    chart.title = v.run.name;
    chart.x_label = "training step";
    chart.x_min = 0;
    chart.y_label = v.probe_label;
    chart.bands.push_back(std::move(band));
    charts.push_back(std::move(chart));
  }
  if (charts.size() > 1 && std::isfinite(lo) &&
      std::isfinite(hi)) {  // one scale, so the spreads compare
    const double step = nice_step(lo, hi, 6);
    for (Chart& c : charts) {
      c.y_min = std::floor(lo / step) * step;
      c.y_max = std::max(*c.y_min + step, std::ceil(hi / step) * step);
    }
  }
  return charts;
}

TextTable compare_table(const CompareResults& results) {
  std::vector<RunOutcome> runs;
  for (const VariantRecord& v : results.variants) runs.push_back(v.run);
  return convergence_table(runs, results.thresholds);
}

std::string compare_report_html(const CompareResults& results) {
  HtmlReport page(results.title);
  if (!results.source.empty()) page.paragraph("Compare config: " + results.source);
  for (const std::string& note : results.notes) page.paragraph(note);

  page.heading("Steps to reach test accuracy");
  page.table(compare_table(results));
  page.paragraph(
      "Each cell is the first evaluated training step at which test accuracy reached the "
      "threshold, with the "
      "training time until then in brackets; \u2014 means not reached. A speed-up is the "
      "baseline's steps divided "
      "by the run's steps; \u2265 means the baseline had not reached the threshold when it "
      "stopped.");

  page.heading("Learning curves");
  page.chart(accuracy_chart(results));
  page.chart(loss_chart(results), 900, 400);

  const std::vector<Chart> probes = probe_charts(results);
  if (!probes.empty()) {
    page.heading("Distribution of a hidden unit's input over training");
    page.paragraph(
        "The 15th, 50th and 85th percentiles of one unit's input to a hidden nonlinearity, over a "
        "fixed "
        "batch of " +
        std::to_string(results.probe_batch) +
        " test inputs, as training proceeds (Ioffe & Szegedy 2015, Figure 1(b, c)). In the paper "
        "the distribution drifts without batch normalization, as the layers below learn, and stays "
        "stable "
        "with it.");
    page.chart_row(probes);
  }

  page.heading("Configs");
  for (const VariantRecord& v : results.variants)
    page.code(v.run.name + (v.source.empty() ? "" : " (from " + v.source + ")"), v.config.dump(2));
  return page.html();
}

}  // namespace minima
