#include <minima/lesson/probes/drift.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include <minima/lesson/measurement.hpp>
#include <minima/lesson/statistics.hpp>

namespace minima::lesson {

double unit_drift(const UnitTrace& trace) {
  std::vector<const ProbePoint*> points;
  for (const ProbePoint& p : trace)
    if (is_log_probe_step(p.step) || &p == &trace.back()) points.push_back(&p);
  if (points.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto width = [](const ProbePoint* p) { return p->p85 - p->p15; };
  double movement = 0, widest = width(points[0]);
  for (size_t k = 1; k < points.size(); ++k) {
    movement += std::abs(points[k]->p50 - points[k - 1]->p50) +
                std::abs(width(points[k]) - width(points[k - 1]));
    widest = std::max(widest, width(points[k]));
  }
  return widest > 0 ? movement / widest : std::numeric_limits<double>::quiet_NaN();
}

LayerDrift layer_drift(const LayerTraces& traces) {
  std::vector<std::pair<double, int64_t>> drifts;  // (drift, unit)
  for (size_t u = 0; u < traces.size(); ++u) {
    const double d = unit_drift(traces[u]);
    if (!std::isnan(d)) drifts.emplace_back(d, int64_t(u));
  }
  if (drifts.empty()) return {std::numeric_limits<double>::quiet_NaN(), 0};
  std::sort(drifts.begin(), drifts.end());
  std::vector<double> values;
  for (const auto& d : drifts) values.push_back(d.first);
  return {percentile(values, 50), drifts[(drifts.size() - 1) / 2].second};
}

}  // namespace minima::lesson
