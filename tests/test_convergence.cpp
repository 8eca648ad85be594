#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <minima/core/rng.hpp>
#include <minima/lesson/statistics.hpp>
#include <minima/lesson/thresholds/steps_to_threshold.hpp>
#include <minima/report/text_table.hpp>

using namespace minima;
using namespace minima::lesson;

namespace {

// A run evaluated every 100 steps.
std::vector<AccuracyPoint> series(const std::vector<double>& accuracies) {
  std::vector<AccuracyPoint> out;
  for (size_t i = 0; i < accuracies.size(); ++i)
    out.push_back({int64_t(i + 1) * 100, accuracies[i]});
  return out;
}

}  // namespace

TEST_CASE("steps_to_thresholds: first evaluation at or above each threshold, exact steps") {
  const auto evals = series({0.50, 0.91, 0.949, 0.95, 0.94, 0.97});
  const auto hits = steps_to_thresholds(evals, {0.90, 0.95, 0.97, 0.98});
  REQUIRE(hits.size() == 4);
  CHECK(*hits[0].step == 200);
  CHECK(*hits[1].step == 400);  // 0.949 at step 300 is not enough; equality counts
  CHECK(*hits[2].step == 600);
  CHECK_FALSE(hits[3].reached());
  CHECK(hits[3].threshold == 0.98);
}

TEST_CASE("steps_to_thresholds: a later dip does not undo a hit, no evaluations reach nothing") {
  const auto hits = steps_to_thresholds(series({0.96, 0.80, 0.99}), {0.95});
  CHECK(*hits[0].step == 100);
  CHECK_FALSE(steps_to_thresholds({}, {0.5})[0].reached());
}

TEST_CASE("speedup: exact, bounded by the steps the other run ran, or unknown") {
  const ThresholdHit base{0.9, 4000}, fast{0.9, 1000}, never{0.9, std::nullopt};
  auto exact = speedup(base, 50000, fast, 50000);
  REQUIRE(exact);
  CHECK(exact->value == doctest::Approx(4.0));
  CHECK(exact->bound == Bounded::Bound::Exact);

  auto at_least = speedup(never, 50000, fast, 50000);  // baseline never reached it in 50000 steps
  REQUIRE(at_least);
  CHECK(at_least->value == doctest::Approx(50.0));
  CHECK(at_least->bound == Bounded::Bound::AtLeast);

  auto at_most =
      speedup(base, 50000, never, 8000);  // the variant ran 8000 steps without reaching it
  REQUIRE(at_most);
  CHECK(at_most->value == doctest::Approx(0.5));
  CHECK(at_most->bound == Bounded::Bound::AtMost);

  CHECK_FALSE(speedup(never, 100, never, 100));
}

TEST_CASE("percentile: linear interpolation between ranks, as numpy.percentile") {
  // numpy.percentile([1, 2, 3, 4], [0, 15, 50, 85, 100]) = [1, 1.45, 2.5, 3.55, 4]
  const auto p = percentiles({4, 1, 3, 2}, {0, 15, 50, 85, 100});
  CHECK(p[0] == doctest::Approx(1.0));
  CHECK(p[1] == doctest::Approx(1.45));
  CHECK(p[2] == doctest::Approx(2.5));
  CHECK(p[3] == doctest::Approx(3.55));
  CHECK(p[4] == doctest::Approx(4.0));
  // numpy.percentile([10, 0, 5, 20, 15], 85) = 17 (position 3.4 between 15 and 20)
  CHECK(percentile({10, 0, 5, 20, 15}, 85) == doctest::Approx(17.0));
  CHECK(percentile({-2.5}, 15) == doctest::Approx(-2.5));
  CHECK_THROWS(percentile({}, 50));
  CHECK_THROWS(percentile({1, 2}, 101));
}

TEST_CASE("percentiles: equal to interpolating the sorted values, for any order of q and ties") {
  Rng rng(7);
  for (const size_t n : {size_t(1), size_t(2), size_t(9), size_t(1000)}) {
    std::vector<double> values(n);
    for (double& v : values) v = double(rng.below(50)) - 20;  // many ties
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    const std::vector<double> qs = {85, 15, 50, 100, 0, 99.9, 33.3};
    const std::vector<double> p = percentiles(values, qs);
    for (size_t k = 0; k < qs.size(); ++k) {
      const double position = qs[k] / 100 * double(n - 1);
      const size_t below = size_t(std::floor(position)), above = std::min(below + 1, n - 1);
      INFO("n ", n, " q ", qs[k]);
      CHECK(p[k] == sorted[below] + (position - double(below)) * (sorted[above] - sorted[below]));
    }
  }
}

TEST_CASE("format_percent and format_fixed") {
  CHECK(format_percent(0.98123, 2) == "98.12%");
  CHECK(format_fixed(2.345, 1) == "2.3");
  CHECK(format_fixed(1500, 0) == "1500");
}

TEST_CASE("steps_needed: the step reached, or at least the steps run") {
  const Bounded hit = steps_needed({0.9, 700}, 5000);
  CHECK(hit.value == 700);
  CHECK(hit.bound == Bounded::Bound::Exact);
  const Bounded never = steps_needed({0.9, std::nullopt}, 5000);
  CHECK(never.value == 5000);
  CHECK(never.bound == Bounded::Bound::AtLeast);
}

TEST_CASE(
    "spread_of: median [min-max], bounds order by their number, a tie after a measured value") {
  using B = Bounded::Bound;
  const Spread odd = spread_of({{3000}, {1000}, {5000, B::AtLeast}});
  CHECK(odd.median.value == 3000);
  CHECK(odd.median.bound == B::Exact);
  CHECK(odd.min.value == 1000);
  CHECK(odd.max.bound == B::AtLeast);
  // Two of three seeds never got there: the median is a bound.
  const Spread mostly_not = spread_of({{5000, B::AtLeast}, {4000}, {5000, B::AtLeast}});
  CHECK(mostly_not.median.value == 5000);
  CHECK(mostly_not.median.bound == B::AtLeast);
  // A tie: reached at the last step sorts before not reached by then.
  const Spread tie = spread_of({{5000, B::AtLeast}, {5000}});
  CHECK(tie.min.bound == B::Exact);
  CHECK(tie.max.bound == B::AtLeast);
  CHECK(tie.median.value == 5000);
  CHECK(tie.median.bound == B::AtLeast);  // an even count: the mean of the middle two, a bound
  const Spread even = spread_of({{1}, {2}, {4}, {10}});
  CHECK(even.median.value == doctest::Approx(3.0));
  CHECK(even.median.bound == B::Exact);
  CHECK_THROWS(spread_of({}));
}

TEST_CASE("format_spread: one value when all agree, else median [min-max] with bound signs") {
  auto whole = [](double v) { return format_fixed(v, 0); };
  CHECK(format_spread(spread_of_values({1500, 1500}), whole) == "1500");
  CHECK(format_spread(spread_of_values({2000, 1500, 1000}), whole) == "1500 [1000\u20132000]");
  CHECK(format_spread(spread_of({{1000}, {5000, Bounded::Bound::AtLeast}, {2000}}), whole) ==
        "2000 [1000\u2013\u22655000]");
  CHECK(format_bounded({0.6, Bounded::Bound::AtMost}, whole) == "\u22641");
}

TEST_CASE("format_text_table: columns line up by characters, not bytes") {
  TextTable t{{"run", "\u226590%", "time"},
              {{{"a", "\u2014", "1.0 s"}}, {{"longer name", "100 (0.5 s)", "2.0 s"}}}};
  const std::string text = format_text_table(t);
  CHECK(text ==
        "run          \u226590%         time\n"
        "a            \u2014            1.0 s\n"
        "longer name  100 (0.5 s)  2.0 s\n");
}
