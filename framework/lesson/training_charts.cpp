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
    // mean = (1/n) sum_k values_k
    double sum = 0;
    for (double value : values) sum += value;
    band.x.push_back(double(step));
    band.mid.push_back(sum / double(values.size()));
    band.lo.push_back(*std::min_element(values.begin(), values.end()));
    band.hi.push_back(*std::max_element(values.begin(), values.end()));
  }
  chart.bands.push_back(std::move(band));
}

}  // namespace minima::lesson
