#pragma once
// What the charts of the measurements share: a chart over training steps,
// and a variant's curve over its seeds (one line for one seed; the mean
// with a min–max band for several).
#include <cstdint>
#include <string>
#include <vector>

#include <minima/lesson/summary.hpp>
#include <minima/report/chart.hpp>

namespace minima::lesson {

// An empty chart over training: x "training step" from 0 (linear), y as given.
Chart training_chart(const std::string& title, const std::string& y_label, bool log_y = false);

// One seed's line: its points' steps and values.
struct SeedCurve {
  int64_t seed = 0;
  std::vector<double> x, y;
};

// Every seed's line of `v`: `points(s)` lists a seed's points (each with a
// `step`), `value(p)` reads one.
template <class Points, class Value>
std::vector<SeedCurve> seed_curves(const VariantSummary& v, Points points, Value value) {
  std::vector<SeedCurve> curves;
  for (const SeedResult& s : v.seeds) {
    SeedCurve c{s.seed, {}, {}};
    for (const auto& p : points(s)) {
      c.x.push_back(double(p.step));
      c.y.push_back(value(p));
    }
    curves.push_back(std::move(c));
  }
  return curves;
}

// Adds `v`'s curve to `chart`: for one seed its line; for several, every
// seed as a faint line under the median over the seeds (at each step of
// the first seed, over the seeds that have it) with a band from their
// minimum to their maximum, N in the legend.
void add_curve(Chart& chart, const VariantSummary& v, const std::vector<SeedCurve>& seeds);
// The same for a line named `name` in `style` (e.g. one weight tensor of a run).
void add_curve(Chart& chart, const std::string& name, const LineStyle& style,
               const std::vector<SeedCurve>& seeds);

// "with BN (median of 3 seeds, min–max)" for several seeds; the name for one.
std::string curve_label(const VariantSummary& v);
std::string curve_label(const std::string& name, size_t seeds);

}  // namespace minima::lesson
