#include <minima/lesson/sweep/sweep_charts.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <minima/lesson/thresholds/learning_curves.hpp>
#include <minima/lesson/thresholds/steps_to_threshold.hpp>
#include <minima/lesson/training_charts.hpp>

namespace minima::lesson {
namespace {

// The swept key's last part: "optimizer.lr" -> "lr".
std::string key_leaf(const CompareSummary& summary) {
  return summary.sweep_key.substr(summary.sweep_key.rfind('.') + 1);
}

// The x of a swept value: the number itself (non-numbers: their position).
double x_of(const CompareSummary& summary, const VariantSummary& v) {
  if (v.sweep_value.is_number()) return v.sweep_value.get<double>();
  std::vector<std::string> seen;
  for (const VariantSummary& w : summary.variants) {
    const std::string text = w.sweep_value.dump();
    if (std::find(seen.begin(), seen.end(), text) == seen.end()) seen.push_back(text);
  }
  return double(std::find(seen.begin(), seen.end(), v.sweep_value.dump()) - seen.begin());
}

// The settings in the order they first appear, each with its variants.
std::vector<std::vector<const VariantSummary*>> by_setting(const CompareSummary& summary) {
  std::vector<std::vector<const VariantSummary*>> groups;
  for (const VariantSummary& v : summary.variants) {
    if (v.seeds.empty()) continue;
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& g) { return g[0]->setting == v.setting; });
    if (group == groups.end())
      groups.push_back({&v});
    else
      group->push_back(&v);
  }
  return groups;
}

// The swept values label the x axis; values over a decade or more apart
// (learning rates) get a log axis.
void value_axis(Chart& chart, const CompareSummary& summary) {
  chart.x_label = summary.sweep_key;
  for (const VariantSummary& v : summary.variants) {
    const double x = x_of(summary, v);
    if (std::find(chart.x_ticks.begin(), chart.x_ticks.end(), x) == chart.x_ticks.end())
      chart.x_ticks.push_back(x);
  }
  if (chart.x_ticks.empty()) return;
  const auto [lo, hi] = std::minmax_element(chart.x_ticks.begin(), chart.x_ticks.end());
  if (*lo > 0 && *hi >= 10 * *lo) chart.x_scale = Scale::Log;
}

std::string setting_label(const VariantSummary& v) {
  return v.setting.empty() ? "runs" : v.setting;
}

// With several seeds, each seed's `value` at every swept value of a
// setting's variants, as a faint line (seeds paired by number).
template <class Value>
void add_seed_lines(Chart& chart, const CompareSummary& summary,
                    const std::vector<const VariantSummary*>& group, Value value) {
  if (group[0]->seeds.size() < 2) return;
  std::map<int64_t, Series> lines;
  for (const VariantSummary* v : group)
    for (const SeedResult& s : v->seeds) {
      Series& line = lines[s.seed];
      line.label = setting_label(*group[0]) + ", seed " + std::to_string(s.seed);
      line.style = group[0]->style;
      line.faint = true;
      line.x.push_back(x_of(summary, *v));
      line.y.push_back(value(s));
    }
  for (auto& [seed, line] : lines) chart.series.push_back(std::move(line));
}

}  // namespace

double sweep_threshold(const CompareSummary& summary) {
  const std::vector<double> thresholds = thresholds_of(summary);
  for (double t : thresholds)
    if (std::abs(t - 0.97) < 1e-9) return t;
  return thresholds.empty() ? 0.97 : *std::max_element(thresholds.begin(), thresholds.end());
}

Chart final_accuracy_chart(const CompareSummary& summary) {
  Chart chart;
  chart.title = "Final test accuracy by " + key_leaf(summary);
  value_axis(chart, summary);
  chart.y_label = "final test accuracy (%)";
  chart.y_unit = "%";
  chart.guides = threshold_guides(summary);
  for (const auto& group : by_setting(summary)) {
    add_seed_lines(chart, summary, group,
                   [](const SeedResult& s) { return s.final_accuracy() * 100; });
    Band band{curve_label(setting_label(*group[0]), group[0]->seeds.size()),
              {},
              {},
              {},
              {},
              group[0]->style};
    for (const VariantSummary* v : group) {
      const Spread s = final_accuracy_spread(*v);
      band.x.push_back(x_of(summary, *v));
      band.mid.push_back(s.median.value * 100);
      band.lo.push_back(s.min.value * 100);
      band.hi.push_back(s.max.value * 100);
    }
    chart.bands.push_back(std::move(band));
  }
  return chart;
}

Chart steps_chart(const CompareSummary& summary, double threshold) {
  Chart chart;
  char percent[32];
  std::snprintf(percent, sizeof(percent), "%g%%", threshold * 100);
  chart.title = std::string("Steps to ") + percent + " by " + key_leaf(summary);
  value_axis(chart, summary);
  chart.y_label = std::string("steps to ") + percent + " (median)";
  chart.y_min = 0;
  for (const auto& group : by_setting(summary)) {
    add_seed_lines(chart, summary, group, [threshold](const SeedResult& s) {
      const ThresholdHit hit = steps_to_thresholds(s.accuracy, {threshold})[0];
      return hit.reached() ? double(*hit.step) : std::numeric_limits<double>::quiet_NaN();
    });
    const size_t seeds = group[0]->seeds.size();
    Series series{setting_label(*group[0]) +
                      (seeds > 1 ? " (median of " + std::to_string(seeds) + " seeds)" : ""),
                  {},
                  {},
                  group[0]->style};
    for (const VariantSummary* v : group) {
      const Spread s = steps_spread(*v, threshold);
      series.x.push_back(x_of(summary, *v));
      series.y.push_back(s.median.bound == Bounded::Bound::Exact
                             ? s.median.value
                             : std::numeric_limits<double>::quiet_NaN());
    }
    chart.series.push_back(std::move(series));
  }
  return chart;
}

std::vector<Chart> accuracy_per_value(const CompareSummary& summary) {
  std::vector<std::string> values;
  for (const VariantSummary& v : summary.variants)
    if (!v.seeds.empty() &&
        std::find(values.begin(), values.end(), v.sweep_value.dump()) == values.end())
      values.push_back(v.sweep_value.dump());
  const Chart all = accuracy_chart(summary);
  std::vector<Chart> charts;
  for (const std::string& value : values) {
    CompareSummary one = summary;
    one.variants.clear();
    for (const VariantSummary& v : summary.variants)
      if (v.sweep_value.dump() == value) {
        one.variants.push_back(v);
        one.variants.back().name = setting_label(v);
      }
    Chart chart = accuracy_chart(one);
    chart.title = key_leaf(summary) + " = " + value;
    chart.y_min = all.y_min;
    charts.push_back(std::move(chart));
  }
  return charts;
}

}  // namespace minima::lesson
