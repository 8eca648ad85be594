#include <minima/lesson/thresholds/learning_curves.hpp>

#include <algorithm>
#include <cmath>

#include <minima/lesson/thresholds/steps_to_threshold.hpp>
#include <minima/lesson/training_charts.hpp>

namespace minima::lesson {
namespace {

const std::vector<AccuracyPoint>& accuracy_of(const SeedResult& s) { return s.accuracy; }
const std::vector<LossPoint>& loss_of(const SeedResult& s) { return s.loss; }

}  // namespace

std::vector<Guide> threshold_guides(const CompareSummary& summary) {
  std::vector<Guide> guides;
  for (double t : thresholds_of(summary)) guides.push_back({t * 100, format_number(t * 100) + "%"});
  return guides;
}

Chart accuracy_chart(const CompareSummary& summary) {
  Chart chart = training_chart("Test accuracy", "test accuracy (%)");
  chart.y_unit = "%";
  chart.guides = threshold_guides(summary);
  double worst_best = 100;  // the lowest accuracy any run peaked at
  for (const VariantSummary& v : summary.variants) {
    if (v.seeds.empty()) continue;
    add_curve(chart, v,
              seed_curves(v, accuracy_of, [](const AccuracyPoint& p) { return p.accuracy * 100; }));
    for (const SeedResult& s : v.seeds) {
      double best = 0;
      for (const AccuracyPoint& p : s.accuracy) best = std::max(best, p.accuracy * 100);
      worst_best = std::min(worst_best, best);
    }
  }
  // Zoom on the thresholds (as the paper's Figure 1(a) does) unless a run
  // never got near them; the page says what the zoom cuts off.
  const std::vector<double> thresholds = thresholds_of(summary);
  const double lowest =
      thresholds.empty() ? 90 : *std::min_element(thresholds.begin(), thresholds.end()) * 100;
  const double zoom = std::max(0.0, std::floor((lowest - 20) / 10) * 10);
  if (worst_best >= zoom + 10) chart.y_min = zoom;
  chart.y_max = 100;
  return chart;
}

Chart loss_chart(const CompareSummary& summary) {
  Chart chart = training_chart("Training loss", "cross-entropy (log scale)", true);
  for (const VariantSummary& v : summary.variants)
    if (!v.seeds.empty())
      add_curve(chart, v, seed_curves(v, loss_of, [](const LossPoint& p) { return p.loss; }));
  return chart;
}

}  // namespace minima::lesson
