#pragma once
// How fast a run converges: the first evaluation at which test accuracy
// reaches each threshold, speed-up factors between runs, percentiles, and
// the table `minima compare` prints and puts in its report.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <minima/report/text_table.hpp>

namespace minima {

struct AccuracyPoint {
  int64_t step;     // optimizer steps done when evaluated
  double accuracy;  // test accuracy in [0, 1]
  double seconds;   // training wall time until then
};

struct ThresholdHit {
  double threshold;             // in [0, 1]
  std::optional<int64_t> step;  // first evaluated step with accuracy >= threshold
  double seconds = 0;           // wall time at that step
  bool reached() const { return step.has_value(); }
};

// One hit per threshold, in the order given. `evals` are in step order.
std::vector<ThresholdHit> steps_to_thresholds(const std::vector<AccuracyPoint>& evals,
                                              const std::vector<double>& thresholds);

// How many times fewer steps `variant` needed than `baseline` to reach the
// same threshold. When only one of them reached it, the steps the other ran
// bound the factor: the baseline never got there in `baseline_steps`, so the
// factor is at least baseline_steps / variant step (and vice versa, at most).
struct Speedup {
  enum class Bound { Exact, AtLeast, AtMost };
  double factor;
  Bound bound = Bound::Exact;
};
std::optional<Speedup> speedup(const ThresholdHit& baseline, int64_t baseline_steps,
                               const ThresholdHit& variant, int64_t variant_steps);

// The q-th percentile (q in [0, 100]) with linear interpolation between the
// two nearest ranks, like numpy.percentile's default: with the values
// sorted v[0..n-1], position p = q/100 * (n-1), result
// v[floor p] + (p - floor p) * (v[floor p + 1] - v[floor p]).
double percentile(std::vector<double> values, double q);
// Several percentiles of the same values (sorted once).
std::vector<double> percentiles(std::vector<double> values, const std::vector<double>& qs);

// A run as the table sees it.
struct RunOutcome {
  std::string name;
  std::string baseline;  // name of the run it is compared with; "" for none
  std::vector<AccuracyPoint> evals;
  int64_t steps = 0;     // steps run
  double seconds = 0;    // wall time of training
  bool finished = true;  // false when stopped early (Ctrl-C)
};

// Columns: run, one per threshold ("1200 (3.4 s)" or "—"), final accuracy,
// steps, time. Each run with a baseline gets a speed-up row below it
// ("5.0×", "≥16.1×", "—").
TextTable convergence_table(const std::vector<RunOutcome>& runs,
                            const std::vector<double>& thresholds);

std::string format_seconds(double seconds);                 // "3.4 s", "2 min 05 s"
std::string format_percent(double fraction, int decimals);  // 0.9812 -> "98.12%"

}  // namespace minima
