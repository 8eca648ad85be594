#include <minima/report/axis.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace minima {

double AxisMap::to_axis(double v) const {
  switch (scale) {
    case Scale::Log:
      return std::log10(v);
    case Scale::Steps:
      // symlog: v / c on [0, c], then 1 + log10(v / c); continuous at v = c
      return v < c ? v / c : 1 + std::log10(v / c);
    case Scale::Linear:
      break;
  }
  return v;
}

bool AxisMap::shows(double v) const {
  if (!std::isfinite(v)) return false;
  return scale == Scale::Linear || (scale == Scale::Log ? v > 0 : v >= 0);
}

double nice_step(double lo, double hi, int target) {
  double span = hi - lo;
  if (!(span > 0)) span = std::fabs(lo) > 0 ? std::fabs(lo) : 1.0;
  const double rough = span / std::max(1, target);
  const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
  const double f = rough / magnitude;
  const double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  return nice * magnitude;
}

std::string format_tick(double value, double step) {
  const int decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
  if (std::fabs(value) < step * 1e-6) value = 0;  // no "-0"
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

std::string format_power_of_ten(int exponent) {
  char text[32];
  if (exponent >= -4 && exponent <= 6)
    std::snprintf(text, sizeof(text), "%.*f", std::max(0, -exponent), std::pow(10.0, exponent));
  else
    std::snprintf(text, sizeof(text), "1e%d", exponent);
  return text;
}

std::string format_number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.6g", value == 0 ? 0.0 : value);  // no "-0"
  return text;
}

std::string format_count(double value) {
  const double size = std::fabs(value);
  if (size < 1000) return format_number(value);
  char text[32];
  if (size < 1e6)
    std::snprintf(text, sizeof(text), "%.3gk", value / 1e3);
  else
    std::snprintf(text, sizeof(text), "%.3gM", value / 1e6);
  return text;
}

namespace {

struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  bool empty() const { return !(lo <= hi); }
};

// Ticks k * step for all integers k with k * step in [lo, hi].
std::vector<double> multiples_in(double lo, double hi, double step) {
  std::vector<double> out;
  const double eps = step * 1e-9;
  for (double k = std::ceil((lo - eps) / step); k * step <= hi + eps; k += 1)
    out.push_back(k * step);
  return out;
}

Axis linear_axis(Extent data, std::optional<double> fixed_lo, std::optional<double> fixed_hi,
                 int target) {
  if (fixed_lo) data.lo = *fixed_lo;
  if (fixed_hi) data.hi = *fixed_hi;
  if (data.empty()) data = {0, 1};
  if (data.hi - data.lo <= 0) {
    const double spread = data.lo != 0 ? std::fabs(data.lo) * 0.1 : 1.0;
    if (!fixed_lo) data.lo -= spread;
    if (!fixed_hi) data.hi += spread;
  }
  Axis axis;
  const double step = nice_step(data.lo, data.hi, target);
  axis.lo = fixed_lo ? data.lo : std::floor(data.lo / step) * step;
  axis.hi = fixed_hi ? data.hi : std::ceil(data.hi / step) * step;
  axis.major = multiples_in(axis.lo, axis.hi, step);
  for (double v : axis.major) axis.labels.push_back(format_tick(v, step));
  return axis;
}

// 2..9 x 10^e between the powers of ten, for every decade that meets [lo, hi] (axis units).
std::vector<double> decade_minors(const AxisMap& map, int first, int last, double lo, double hi) {
  std::vector<double> out;
  for (int e = first; e <= last; ++e)
    for (int m = 2; m <= 9; ++m) {
      const double v = m * std::pow(10.0, e), a = map.to_axis(v);
      if (a >= lo - 1e-9 && a <= hi + 1e-9) out.push_back(v);
    }
  return out;
}

// A log axis spans whole decades and labels only powers of ten (every
// `stride`-th decade when there are many); 2..9 x 10^k are minor ticks.
Axis log_axis(Extent data, std::optional<double> fixed_lo, std::optional<double> fixed_hi) {
  if (fixed_lo && *fixed_lo > 0) data.lo = *fixed_lo;
  if (fixed_hi && *fixed_hi > 0) data.hi = *fixed_hi;
  if (data.empty()) data = {1, 10};
  Axis axis;
  axis.map.scale = Scale::Log;
  axis.lo = fixed_lo && *fixed_lo > 0 ? std::log10(data.lo) : std::floor(std::log10(data.lo));
  axis.hi = fixed_hi && *fixed_hi > 0 ? std::log10(data.hi) : std::ceil(std::log10(data.hi));
  if (axis.hi <= axis.lo) axis.hi = axis.lo + 1;
  const int first = int(std::ceil(axis.lo - 1e-9)), last = int(std::floor(axis.hi + 1e-9));
  const int stride = std::max(1, int(std::ceil((last - first) / 8.0)));
  for (int e = first; e <= last; e += stride) {
    axis.major.push_back(std::pow(10.0, e));
    axis.labels.push_back(format_power_of_ten(e));
  }
  if (axis.hi - axis.lo <= 6)
    axis.minor = decade_minors(axis.map, first - 1, last, axis.lo, axis.hi);
  return axis;
}

// The first 1, 2 or 5 x 10^k at or above v > 0.
double nice_ceiling(double v) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(v) + 1e-12));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * magnitude >= v * (1 - 1e-12)) return m * magnitude;
  return 10 * magnitude;
}

// A steps axis: 0, then c, 10c, 100c, ... labelled as counts ("1k"), and its
// end labelled too when it lies well past the last power of ten.
Axis steps_axis(Extent data, double smallest_positive, std::optional<double> fixed_lo,
                std::optional<double> fixed_hi) {
  Axis axis;
  axis.map.scale = Scale::Steps;
  axis.map.c = std::isfinite(smallest_positive)
                   ? std::pow(10.0, std::floor(std::log10(smallest_positive) + 1e-12))
                   : 1.0;
  const double c = axis.map.c;
  const double first = std::max(0.0, fixed_lo.value_or(0.0));
  const double end = fixed_hi ? *fixed_hi : nice_ceiling(std::max(c, data.empty() ? c : data.hi));
  axis.lo = axis.map.to_axis(first);
  axis.hi = std::max(axis.map.to_axis(end), axis.lo + 1e-9);
  if (first == 0) {
    axis.major.push_back(0);
    axis.labels.push_back("0");
  }
  double last_decade = c;
  for (double v = c; v <= end * (1 + 1e-9); v *= 10) {
    if (v < first) continue;
    axis.major.push_back(v);
    axis.labels.push_back(format_count(v));
    last_decade = v;
  }
  if (end >= 2 * last_decade * (1 - 1e-9)) {
    axis.major.push_back(end);
    axis.labels.push_back(format_count(end));
  }
  if (axis.hi - axis.lo <= 7) {
    const int e0 = int(std::lround(std::log10(c)));
    axis.minor = decade_minors(axis.map, e0, e0 + int(std::ceil(axis.hi)), axis.lo, axis.hi);
    std::erase_if(axis.minor, [&](double v) {
      return std::find(axis.major.begin(), axis.major.end(), v) != axis.major.end();
    });
  }
  return axis;
}

}  // namespace

Axis make_axis(Scale scale, const std::vector<double>& values, std::optional<double> fixed_lo,
               std::optional<double> fixed_hi, int target_ticks,
               const std::vector<double>& labelled) {
  const AxisMap domain{scale, 1};
  Extent data;
  double smallest_positive = std::numeric_limits<double>::infinity();
  for (double v : values) {
    if (!domain.shows(v)) continue;
    data.lo = std::min(data.lo, v);
    data.hi = std::max(data.hi, v);
    if (v > 0) smallest_positive = std::min(smallest_positive, v);
  }
  Axis axis = scale == Scale::Log     ? log_axis(data, fixed_lo, fixed_hi)
              : scale == Scale::Steps ? steps_axis(data, smallest_positive, fixed_lo, fixed_hi)
                                      : linear_axis(data, fixed_lo, fixed_hi, target_ticks);
  if (labelled.empty()) return axis;
  axis.minor.insert(axis.minor.end(), axis.major.begin(), axis.major.end());
  axis.major.clear();
  axis.labels.clear();
  for (double v : labelled) {
    if (!axis.map.shows(v)) continue;
    const double a = axis.map.to_axis(v);
    if (a < axis.lo - 1e-9 || a > axis.hi + 1e-9) continue;
    axis.major.push_back(v);
    axis.labels.push_back(scale == Scale::Steps ? format_count(v) : format_number(v));
  }
  return axis;
}

}  // namespace minima
