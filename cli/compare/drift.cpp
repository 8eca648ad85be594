#include "cli/compare/drift.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "cli/compare/convergence.hpp"

namespace minima {

double unit_drift(const UnitTrace& trace) {
  if (trace.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> widths;
  double movement = 0;
  for (size_t k = 0; k < trace.size(); ++k) {
    widths.push_back(trace[k].p85 - trace[k].p15);
    if (k == 0) continue;
    movement += std::abs(trace[k].p50 - trace[k - 1].p50) + std::abs(widths[k] - widths[k - 1]);
  }
  const double scale = percentile(widths, 50);
  return scale > 0 ? movement / scale : std::numeric_limits<double>::quiet_NaN();
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

}  // namespace minima
