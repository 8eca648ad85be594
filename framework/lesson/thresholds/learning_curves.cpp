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

namespace {

// The lowest accuracy the full panel must show: its fixed lower end, or
// the lowest value of a line or band.
double lowest_shown(const Chart& chart) {
  if (chart.y_min) return *chart.y_min;
  double lowest = 100;
  for (const Series& s : chart.series)
    for (double y : s.y) lowest = std::min(lowest, y);
  for (const Band& b : chart.bands)
    for (double y : b.lo) lowest = std::min(lowest, y);
  return lowest;
}

// Whether some seed's run reached `threshold` (a fraction).
bool any_run_reached(const CompareSummary& summary, double threshold) {
  for (const VariantSummary& v : summary.variants)
    for (const SeedResult& s : v.seeds)
      for (const AccuracyPoint& p : s.accuracy)
        if (p.accuracy >= threshold) return true;
  return false;
}

}  // namespace

Chart error_chart(const CompareSummary& summary) {
  Chart chart =
      training_chart("Test error (log scale)", "test error = 100 \u2212 accuracy (%)", true);
  chart.y_unit = "%";
  for (double t : thresholds_of(summary))
    chart.guides.push_back({100 - t * 100, format_number(t * 100) + "% acc."});
  for (const VariantSummary& v : summary.variants)
    if (!v.seeds.empty())
      add_curve(chart, v, seed_curves(v, accuracy_of, [](const AccuracyPoint& p) {
                  return 100 - p.accuracy * 100;
                }));
  return chart;
}

// The second panel is drawn when the full one squeezes the thresholds: when
// the accuracies from the lowest threshold to 100 % take under a quarter of
// the range it shows (a run far below the thresholds keeps the zoom of
// accuracy_chart from applying, and on 0-100 % the thresholds from 90 % get
// its top tenth), and some run reaches the lowest threshold (else nothing
// happens up there to look at).
//
// It shows test error, 100 % - accuracy, on a log axis rather than a zoom
// on the range the best run spans: every run stays in view (a zoom on the
// top cuts off the run that stays low, and that run is half the lesson),
// and the last nine points get as much height as the first ninety: from
// 10 % error to 1 % (90 % to 99 % accuracy) is as far as from 100 % to 10 %.
std::vector<Chart> accuracy_panels(const CompareSummary& summary) {
  std::vector<Chart> panels{accuracy_chart(summary)};
  const std::vector<double> thresholds = thresholds_of(summary);
  if (thresholds.empty()) return panels;
  const double lowest = *std::min_element(thresholds.begin(), thresholds.end());
  const double shown = 100 - lowest_shown(panels[0]);
  if ((100 - lowest * 100) < shown / 4 && any_run_reached(summary, lowest))
    panels.push_back(error_chart(summary));
  return panels;
}

Chart loss_chart(const CompareSummary& summary) {
  Chart chart = training_chart("Training loss", "cross-entropy (log scale)", true);
  for (const VariantSummary& v : summary.variants)
    if (!v.seeds.empty())
      add_curve(chart, v, seed_curves(v, loss_of, [](const LossPoint& p) { return p.loss; }));
  return chart;
}

}  // namespace minima::lesson
