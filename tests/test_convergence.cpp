#include <doctest/doctest.h>

#include "cli/compare/convergence.hpp"

using namespace minima;

namespace {

// A run evaluated every 100 steps, 0.5 s per 100 steps.
std::vector<AccuracyPoint> series(const std::vector<double>& accuracies) {
  std::vector<AccuracyPoint> out;
  for (size_t i = 0; i < accuracies.size(); ++i)
    out.push_back({int64_t(i + 1) * 100, accuracies[i], double(i + 1) * 0.5});
  return out;
}

}  // namespace

TEST_CASE("steps_to_thresholds: first evaluation at or above each threshold, exact steps") {
  const auto evals = series({0.50, 0.91, 0.949, 0.95, 0.94, 0.97});
  const auto hits = steps_to_thresholds(evals, {0.90, 0.95, 0.97, 0.98});
  REQUIRE(hits.size() == 4);
  CHECK(*hits[0].step == 200);
  CHECK(hits[0].seconds == doctest::Approx(1.0));
  CHECK(*hits[1].step == 400);  // 0.949 at step 300 is not enough; equality counts
  CHECK(*hits[2].step == 600);
  CHECK(hits[2].seconds == doctest::Approx(3.0));
  CHECK_FALSE(hits[3].reached());
  CHECK(hits[3].threshold == 0.98);
}

TEST_CASE("steps_to_thresholds: a later dip does not undo a hit; no evaluations reach nothing") {
  const auto hits = steps_to_thresholds(series({0.96, 0.80, 0.99}), {0.95});
  CHECK(*hits[0].step == 100);
  CHECK_FALSE(steps_to_thresholds({}, {0.5})[0].reached());
}

TEST_CASE("speedup: exact, bounded by the steps the other run ran, or unknown") {
  const ThresholdHit base{0.9, 4000, 8}, fast{0.9, 1000, 2}, never{0.9, std::nullopt, 0};
  auto exact = speedup(base, 50000, fast, 50000);
  REQUIRE(exact);
  CHECK(exact->factor == doctest::Approx(4.0));
  CHECK(exact->bound == Speedup::Bound::Exact);

  auto at_least = speedup(never, 50000, fast, 50000);  // baseline never reached it in 50000 steps
  REQUIRE(at_least);
  CHECK(at_least->factor == doctest::Approx(50.0));
  CHECK(at_least->bound == Speedup::Bound::AtLeast);

  auto at_most =
      speedup(base, 50000, never, 8000);  // the variant ran 8000 steps without reaching it
  REQUIRE(at_most);
  CHECK(at_most->factor == doctest::Approx(0.5));
  CHECK(at_most->bound == Speedup::Bound::AtMost);

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

TEST_CASE("format_seconds and format_percent") {
  CHECK(format_seconds(3.44) == "3.4 s");
  CHECK(format_seconds(59.94) == "59.9 s");
  CHECK(format_seconds(125.2) == "2 min 05 s");
  CHECK(format_percent(0.98123, 2) == "98.12%");
}

TEST_CASE(
    "convergence_table: steps and seconds per threshold, speed-up rows, not reached as a dash") {
  RunOutcome plain{"without BN", "", series({0.5, 0.85, 0.91, 0.93, 0.955}), 500, 2.5, true};
  RunOutcome bn{"with BN", "without BN", series({0.92, 0.96, 0.975}), 300, 1.6, false};
  const TextTable t = convergence_table({plain, bn}, {0.90, 0.95, 0.97});
  REQUIRE(t.header == std::vector<std::string>{"run", "\u226590%", "\u226595%", "\u226597%",
                                               "final acc", "steps", "time"});
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[0].cells == std::vector<std::string>{"without BN", "300 (1.5 s)", "500 (2.5 s)",
                                                    "\u2014", "95.50%", "500", "2.5 s"});
  CHECK(t.rows[1].cells == std::vector<std::string>{"with BN", "100 (0.5 s)", "200 (1.0 s)",
                                                    "300 (1.5 s)", "97.50%", "300 (stopped)",
                                                    "1.6 s"});
  CHECK(t.rows[2].secondary);
  // 300/100, 500/200, and the baseline never reached 97% in its 500 steps: at least 500/300.
  CHECK(t.rows[2].cells == std::vector<std::string>{"  speed-up vs without BN", "3.0\u00d7",
                                                    "2.5\u00d7", "\u22651.7\u00d7", "", "", ""});
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
