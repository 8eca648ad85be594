#pragma once
// One axis of a chart: how data values map to positions (linear, log, or
// the "steps" scale that keeps step 0 in view), which ticks it carries and
// how they are labelled. layout_chart() builds one for x and one for y.
#include <optional>
#include <string>
#include <vector>

namespace minima {

// How an axis places values:
//   Linear  v
//   Log     log10(v); values <= 0 cannot be shown (e.g. learning rates)
//   Steps   a "symlog" for training steps: v / c on [0, c] and 1 + log10(v / c)
//           above, c the power of ten at or below the smallest positive value.
//           Step 0 sits one decade-width left of c, so the early phase shows
//           on a log axis; negative values cannot be shown.
enum class Scale { Linear, Log, Steps };

// Data units -> axis units, in which positions are linear.
struct AxisMap {
  Scale scale = Scale::Linear;
  double c = 1;  // Steps: the end of the linear stretch [0, c]

  double to_axis(double v) const;
  bool shows(double v) const;  // finite and inside the scale's domain
};

struct Axis {
  AxisMap map;
  double lo = 0, hi = 1;             // range in axis units
  std::vector<double> major, minor;  // tick values in data units
  std::vector<std::string> labels;   // one per major tick
};

// An axis on `scale` covering `values` (data units; those the scale cannot
// show are ignored), or exactly [fixed_lo, fixed_hi] where given. A linear
// axis has about `target_ticks` "nice" ticks and ends on them; a log axis
// spans whole decades; a steps axis starts at 0 and ends at the first 1, 2
// or 5 x 10^k at or above the largest value. Non-empty `labelled` values
// become the major (labelled) ticks and the automatic ones turn minor.
Axis make_axis(Scale scale, const std::vector<double>& values, std::optional<double> fixed_lo,
               std::optional<double> fixed_hi, int target_ticks,
               const std::vector<double>& labelled = {});

// "Nice" ticks (1, 2 or 5 times a power of ten) covering [lo, hi]; about
// `target` of them.
double nice_step(double lo, double hi, int target);
// Tick label for `value` on an axis whose ticks are `step` apart.
std::string format_tick(double value, double step);
// Tick label for 10^exponent: "0.01", "1", "1000", "1e-05".
std::string format_power_of_ten(int exponent);
// A count the short way: "0", "20", "500", "1k", "2.5k", "10k", "1M".
std::string format_count(double value);
// The shortest plain form of a value: "0.1", "0.5", "2", "1e-05".
std::string format_number(double value);

}  // namespace minima
