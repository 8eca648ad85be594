#include <minima/lesson/training_charts.hpp>

#include <algorithm>

namespace minima::lesson {

Chart training_chart(const std::string& title, const std::string& y_label, bool log_y) {
  Chart chart;
  chart.title = title;
  chart.x_label = "training step";
  chart.x_min = 0;
  chart.y_label = y_label;
  chart.log_y = log_y;
  return chart;
}

std::string curve_label(const std::string& name, size_t seeds) {
  if (seeds <= 1) return name;
  return name + " (median of " + std::to_string(seeds) + " seeds, min\u2013max)";
}

std::string curve_label(const VariantSummary& v) { return curve_label(v.name, v.seeds.size()); }

void add_curve(Chart& chart, const VariantSummary& v, const std::vector<SeedCurve>& seeds) {
  add_curve(chart, v.name, v.style, seeds);
}

void add_curve(Chart& chart, const std::string& name, const LineStyle& style,
               const std::vector<SeedCurve>& seeds) {
  if (seeds.empty()) return;
  if (seeds.size() == 1) {
    chart.series.push_back({name, seeds[0].x, seeds[0].y, style});
    return;
  }
  for (const SeedCurve& c : seeds)
    chart.series.push_back({name + ", seed " + std::to_string(c.seed), c.x, c.y, style, true});
  Band band{curve_label(name, seeds.size()), {}, {}, {}, {}, style};
  for (size_t k = 0; k < seeds[0].x.size(); ++k) {
    std::vector<double> values;
    for (const SeedCurve& c : seeds)
      for (size_t j = 0; j < c.x.size(); ++j)
        if (c.x[j] == seeds[0].x[k]) values.push_back(c.y[j]);
    band.x.push_back(seeds[0].x[k]);
    band.mid.push_back(percentile(values, 50));
    band.lo.push_back(*std::min_element(values.begin(), values.end()));
    band.hi.push_back(*std::max_element(values.begin(), values.end()));
  }
  chart.bands.push_back(std::move(band));
}

}  // namespace minima::lesson
