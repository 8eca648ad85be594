#include <minima/lesson/thresholds/steps_to_threshold.hpp>

#include <algorithm>

namespace minima::lesson {

std::vector<ThresholdHit> steps_to_thresholds(const std::vector<AccuracyPoint>& evals,
                                              const std::vector<double>& thresholds) {
  std::vector<ThresholdHit> hits;
  for (double t : thresholds) {
    ThresholdHit hit{t, std::nullopt};
    for (const AccuracyPoint& e : evals) {
      if (e.accuracy >= t - 1e-12) {
        hit.step = e.step;
        break;
      }
    }
    hits.push_back(hit);
  }
  return hits;
}

Bounded steps_needed(const ThresholdHit& hit, int64_t steps_run) {
  if (hit.reached()) return {double(*hit.step)};
  return {double(steps_run), Bounded::Bound::AtLeast};
}

std::optional<Bounded> speedup(const ThresholdHit& baseline, int64_t baseline_steps,
                               const ThresholdHit& variant, int64_t variant_steps) {
  auto ratio = [](double a, double b) { return a / std::max(1.0, b); };
  if (baseline.reached() && variant.reached())
    return Bounded{ratio(double(*baseline.step), double(*variant.step))};
  if (!baseline.reached() && variant.reached())
    return Bounded{ratio(double(baseline_steps), double(*variant.step)), Bounded::Bound::AtLeast};
  if (baseline.reached() && !variant.reached())
    return Bounded{ratio(double(*baseline.step), double(variant_steps)), Bounded::Bound::AtMost};
  return std::nullopt;
}

std::vector<double> thresholds_of(const CompareSummary& summary) {
  return summary.measures.value("thresholds", std::vector<double>{});
}

Spread steps_spread(const VariantSummary& v, double threshold) {
  std::vector<Bounded> steps;
  for (const SeedResult& s : v.seeds)
    steps.push_back(steps_needed(steps_to_thresholds(s.accuracy, {threshold})[0], s.steps));
  return spread_of(steps);
}

bool any_reached(const VariantSummary& v, double threshold) {
  for (const SeedResult& s : v.seeds)
    if (steps_to_thresholds(s.accuracy, {threshold})[0].reached()) return true;
  return false;
}

std::optional<Spread> speedup_spread(const VariantSummary& base, const VariantSummary& v,
                                     double threshold) {
  std::vector<Bounded> ratios;
  for (const SeedResult& s : v.seeds) {
    const auto pair = std::find_if(base.seeds.begin(), base.seeds.end(),
                                   [&](const SeedResult& b) { return b.seed == s.seed; });
    if (pair == base.seeds.end()) continue;
    const std::optional<Bounded> r =
        speedup(steps_to_thresholds(pair->accuracy, {threshold})[0], pair->steps,
                steps_to_thresholds(s.accuracy, {threshold})[0], s.steps);
    if (r) ratios.push_back(*r);
  }
  if (ratios.empty()) return std::nullopt;
  return spread_of(ratios);
}

}  // namespace minima::lesson
