#pragma once
// What the charts of the measurements share: a chart over training steps,
// and a variant's curve over its seeds (one line for one seed; the mean
// with a min–max band for several).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <minima/lesson/summary.hpp>
#include <minima/report/chart.hpp>

namespace minima::lesson {

// An empty chart over training: x "training step" from 0 (linear), y as given.
Chart training_chart(const std::string& title, const std::string& y_label, bool log_y = false);

// Per step: the values every seed has at that step (the steps of the first
// seed, in its order). `points(s)` lists a seed's points (each with a
// `step`), `value(p)` reads one.
template <class Points, class Value>
std::vector<std::pair<int64_t, std::vector<double>>> across_seeds(const VariantSummary& v,
                                                                  Points points, Value value) {
  std::vector<std::pair<int64_t, std::vector<double>>> out;
  if (v.seeds.empty()) return out;
  for (const auto& p : points(v.seeds[0])) {
    std::vector<double> values;
    for (const SeedResult& s : v.seeds)
      for (const auto& q : points(s))
        if (q.step == p.step) values.push_back(value(q));
    out.emplace_back(p.step, values);
  }
  return out;
}

// Adds `v`'s curve to `chart`: one line for one seed; for several, the mean
// with a band from their minimum to their maximum.
void add_curve(Chart& chart, const VariantSummary& v,
               const std::vector<std::pair<int64_t, std::vector<double>>>& steps);

}  // namespace minima::lesson
