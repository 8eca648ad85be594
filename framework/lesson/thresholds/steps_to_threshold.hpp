#pragma once
// How fast a run converges: the first evaluation at which test accuracy
// reaches each threshold, and speed-up factors between runs, over seeds.
// The "thresholds" measurement: its settings are the thresholds as
// fractions ("thresholds": [90, 95, 97, 98] in % in the compare config, the
// default); every run records the accuracy curve it reads.
#include <cstdint>
#include <optional>
#include <vector>

#include <minima/lesson/summary.hpp>

namespace minima::lesson {

struct ThresholdHit {
  double threshold;             // in [0, 1]
  std::optional<int64_t> step;  // first evaluated step with accuracy >= threshold
  bool reached() const { return step.has_value(); }
};

// One hit per threshold, in the order given. `evals` are in step order.
std::vector<ThresholdHit> steps_to_thresholds(const std::vector<AccuracyPoint>& evals,
                                              const std::vector<double>& thresholds);

// The steps `hit` took, or at least the `steps_run` when it never got there.
Bounded steps_needed(const ThresholdHit& hit, int64_t steps_run);

// How many times fewer steps `variant` needed than `baseline` to reach the
// same threshold. When only one of them reached it, the steps the other ran
// bound the factor: the baseline never got there in `baseline_steps`, so the
// factor is at least baseline_steps / variant step (and vice versa, at most).
// Unknown (nullopt) when neither reached it.
std::optional<Bounded> speedup(const ThresholdHit& baseline, int64_t baseline_steps,
                               const ThresholdHit& variant, int64_t variant_steps);

// The thresholds of `summary` (fractions, in the order given); none when
// the measurement was off.
std::vector<double> thresholds_of(const CompareSummary& summary);

// Over the seeds of `v` (which must have at least one): the steps to
// `threshold` (a seed that never reached it counts as at least the steps it
// ran).
Spread steps_spread(const VariantSummary& v, double threshold);
// True when at least one seed of `v` reached `threshold`.
bool any_reached(const VariantSummary& v, double threshold);
// The per-seed ratios base steps / v steps to `threshold`, each seed of `v`
// paired with the baseline's run of the same seed; nullopt when no pair
// has a known ratio (neither reached it).
std::optional<Spread> speedup_spread(const VariantSummary& base, const VariantSummary& v,
                                     double threshold);

}  // namespace minima::lesson
