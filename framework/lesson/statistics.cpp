#include <minima/lesson/statistics.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace minima::lesson {

bool Spread::single() const { return min.value == max.value && min.bound == max.bound; }

Spread spread_of(std::vector<Bounded> values) {
  if (values.empty()) throw std::invalid_argument("spread of no values");
  // Ties: a measured value before a bound of the same number.
  std::sort(values.begin(), values.end(), [](const Bounded& a, const Bounded& b) {
    return a.value != b.value ? a.value < b.value : int(a.bound) < int(b.bound);
  });
  const size_t n = values.size();
  Bounded median = values[(n - 1) / 2];
  if (n % 2 == 0) {
    const Bounded& upper = values[n / 2];
    median.value = (median.value + upper.value) / 2;
    if (median.bound == Bounded::Bound::Exact) median.bound = upper.bound;
  }
  return {median, values.front(), values.back()};
}

Spread spread_of_values(const std::vector<double>& values) {
  std::vector<Bounded> exact;
  for (double v : values) exact.push_back({v});
  return spread_of(exact);
}

std::string format_bounded(const Bounded& b, const std::function<std::string(double)>& format) {
  const char* prefix = b.bound == Bounded::Bound::AtLeast  ? "\u2265"
                       : b.bound == Bounded::Bound::AtMost ? "\u2264"
                                                           : "";
  return prefix + format(b.value);
}

std::string format_spread(const Spread& s, const std::function<std::string(double)>& format) {
  if (s.single()) return format_bounded(s.median, format);
  return format_bounded(s.median, format) + " [" + format_bounded(s.min, format) + "\u2013" +
         format_bounded(s.max, format) + "]";
}

// Only the two ranks each q needs are put in place (nth_element, then the
// smallest value above), not the whole vector: a probe asks this of every
// unit at every evaluation.
std::vector<double> percentiles(std::vector<double> values, const std::vector<double>& qs) {
  if (values.empty()) throw std::invalid_argument("percentile of no values");
  std::vector<double> out;
  for (double q : qs) {
    if (!(q >= 0 && q <= 100)) throw std::invalid_argument("percentile must be in [0, 100]");
    const double position = q / 100 * double(values.size() - 1);
    const auto below = values.begin() + std::ptrdiff_t(std::floor(position));
    std::nth_element(values.begin(), below, values.end());
    const double above =
        below + 1 == values.end() ? *below : *std::min_element(below + 1, values.end());
    out.push_back(*below + (position - std::floor(position)) * (above - *below));
  }
  return out;
}

double percentile(std::vector<double> values, double q) {
  return percentiles(std::move(values), {q})[0];
}

std::string format_percent(double fraction, int decimals) {
  return format_fixed(fraction * 100, decimals) + "%";
}

std::string format_fixed(double value, int decimals) {
  char text[48];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

}  // namespace minima::lesson
