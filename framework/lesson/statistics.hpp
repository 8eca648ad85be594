#pragma once
// Numbers over seeds: values that are only bounded (a run that never got
// somewhere), their median [min-max] over seeds, percentiles, and how they
// are written.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

// A value that may be missing (a drift without a scale, a speed-up no run
// measured) is null in JSON.
template <class T>
struct nlohmann::adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& v) { j = v ? json(*v) : json(nullptr); }
  static void from_json(const json& j, std::optional<T>& v) {
    v = j.is_null() ? std::nullopt : std::optional<T>(j.get<T>());
  }
};

namespace minima::lesson {

// A measured value, or only a bound on it: a run that stopped at step 5000
// without reaching 97% needs at least 5000 steps (AtLeast).
struct Bounded {
  enum class Bound { Exact, AtLeast, AtMost };
  double value = 0;
  Bound bound = Bound::Exact;
};
NLOHMANN_JSON_SERIALIZE_ENUM(Bounded::Bound, {{Bounded::Bound::Exact, "exact"},
                                              {Bounded::Bound::AtLeast, "at_least"},
                                              {Bounded::Bound::AtMost, "at_most"}})
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Bounded, value, bound)

// The median and range of values over seeds. Values are ordered by their
// number, a bound counting as its number (a measured value first on a tie);
// the median of an even count is the mean of the two middle values, and a
// bound when either of them is one (the lower one's bound if both are).
struct Spread {
  Bounded median, min, max;
  bool single() const;  // min and max are the same value and bound
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Spread, median, min, max)
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

}  // namespace minima::lesson
