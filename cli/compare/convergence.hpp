#pragma once
// How fast a run converges: the first evaluation at which test accuracy
// reaches each threshold, speed-up factors between runs, values that are
// only bounded (a run that never got there), their median [min-max] over
// seeds, and percentiles.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace minima {

struct AccuracyPoint {
  int64_t step;     // optimizer steps done when evaluated
  double accuracy;  // test accuracy in [0, 1]
};

struct ThresholdHit {
  double threshold;             // in [0, 1]
  std::optional<int64_t> step;  // first evaluated step with accuracy >= threshold
  bool reached() const { return step.has_value(); }
};

// One hit per threshold, in the order given. `evals` are in step order.
std::vector<ThresholdHit> steps_to_thresholds(const std::vector<AccuracyPoint>& evals,
                                              const std::vector<double>& thresholds);

// A measured value, or only a bound on it: a run that stopped at step 5000
// without reaching 97% needs at least 5000 steps (AtLeast).
struct Bounded {
  enum class Bound { Exact, AtLeast, AtMost };
  double value = 0;
  Bound bound = Bound::Exact;
};

// The steps `hit` took, or at least the `steps_run` when it never got there.
Bounded steps_needed(const ThresholdHit& hit, int64_t steps_run);

// How many times fewer steps `variant` needed than `baseline` to reach the
// same threshold. When only one of them reached it, the steps the other ran
// bound the factor: the baseline never got there in `baseline_steps`, so the
// factor is at least baseline_steps / variant step (and vice versa, at most).
// Unknown (nullopt) when neither reached it.
std::optional<Bounded> speedup(const ThresholdHit& baseline, int64_t baseline_steps,
                               const ThresholdHit& variant, int64_t variant_steps);

// The median and range of values over seeds. Values are ordered by their
// number, a bound counting as its number (a measured value first on a tie);
// the median of an even count is the mean of the two middle values, and a
// bound when either of them is one (the lower one's bound if both are).
struct Spread {
  Bounded median, min, max;
  bool single() const;  // min and max are the same value and bound
};
Spread spread_of(std::vector<Bounded> values);               // values must not be empty
Spread spread_of_values(const std::vector<double>& values);  // exact values

// "≥5000" (AtLeast), "≤0.5" (AtMost) or "1200"; `format` writes the number.
std::string format_bounded(const Bounded& b, const std::function<std::string(double)>& format);
// "2.0 [1.5–3.0]", or one value when all agree.
std::string format_spread(const Spread& s, const std::function<std::string(double)>& format);

// The q-th percentile (q in [0, 100]) with linear interpolation between the
// two nearest ranks, like numpy.percentile's default: with the values
// sorted v[0..n-1], position p = q/100 * (n-1), result
// v[floor p] + (p - floor p) * (v[floor p + 1] - v[floor p]).
double percentile(std::vector<double> values, double q);
// Several percentiles of the same values.
std::vector<double> percentiles(std::vector<double> values, const std::vector<double>& qs);

std::string format_percent(double fraction, int decimals);  // 0.9812 -> "98.12%"
std::string format_fixed(double value, int decimals);       // 2.345, 1 -> "2.3"

}  // namespace minima
