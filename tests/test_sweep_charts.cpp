// The charts of a sweep: final accuracy and steps against the swept value,
// and one accuracy chart per value.
#include <doctest/doctest.h>

#include <cmath>

#include <minima/lesson/compare_page.hpp>
#include <minima/lesson/sweep/sweep_charts.hpp>
#include "tests/compare_fixtures.hpp"
#include "tests/xml_check.hpp"

using namespace minima;
using namespace minima::lesson;

TEST_CASE("final_accuracy_chart: one line per setting against the swept value") {
  const Chart c = final_accuracy_chart(test::lr_sweep());
  CHECK(c.x_label == "optimizer.lr");
  CHECK(c.x_scale == Scale::Log);  // 0.1 and 2: over a decade apart
  CHECK(c.x_ticks == std::vector<double>{0.1, 2});
  REQUIRE(c.guides.size() == 2);
  CHECK(c.guides[0].label == "90%");
  REQUIRE(c.bands.size() == 2);
  CHECK(c.bands[0].label == "without BN");
  CHECK(c.bands[0].x == std::vector<double>{0.1, 2});
  CHECK(c.bands[0].mid[0] == doctest::Approx(50));
  CHECK(c.bands[0].mid[1] == doctest::Approx(98));
  CHECK(c.bands[1].label == "with BN");
  CHECK(c.bands[1].mid[1] == doctest::Approx(95.5));
  CHECK(c.bands[1].style.color != c.bands[0].style.color);
}

TEST_CASE(
    "steps_chart: median steps per value, a value whose median seed never got there is a gap") {
  const CompareSummary s = test::lr_sweep();
  CHECK(sweep_threshold(s) == doctest::Approx(0.95));  // no 97%: the highest
  const Chart c = steps_chart(s, sweep_threshold(s));
  CHECK(c.title == "Steps to 95% by lr");
  REQUIRE(c.series.size() == 2);
  CHECK(std::isnan(c.series[0].y[0]));  // without BN at lr 0.1 never reaches 95%
  CHECK(c.series[0].y[1] == 200);
  CHECK(c.series[1].y == std::vector<double>{200, 300});
  CHECK(c.x_scale == Scale::Log);
  CompareSummary close = s;
  for (VariantSummary& v : close.variants)
    if (v.sweep_value == 0.1) v.sweep_value = 0.5;
  CHECK(steps_chart(close, 0.95).x_scale == Scale::Linear);  // 0.5 and 2: within a decade
  CompareSummary with_97 = s;
  with_97.measures["thresholds"] = {0.9, 0.97, 0.98};
  CHECK(sweep_threshold(with_97) == doctest::Approx(0.97));
}

TEST_CASE("accuracy_per_value: one chart per swept value with every setting's curve") {
  const std::vector<Chart> charts = accuracy_per_value(test::lr_sweep());
  REQUIRE(charts.size() == 2);
  CHECK(charts[0].title == "lr = 0.1");
  CHECK(charts[1].title == "lr = 2");
  REQUIRE(charts[1].series.size() == 2);
  CHECK(charts[1].series[0].label == "without BN");
  CHECK(charts[1].series[0].y.back() == doctest::Approx(98));
  CHECK(charts[0].y_min == charts[1].y_min);
}

TEST_CASE(
    "compare report of a sweep: charts by the swept value, small multiples, no one-chart tangle") {
  const std::string html = compare_report_html(test::lr_sweep());
  CHECK(html.find("<h2>By optimizer.lr</h2>") != std::string::npos);
  CHECK(html.find("Not in the steps chart (never reached 95%): without BN, "
                  "lr=0.1.") != std::string::npos);
  CHECK(html.find("Learning curves, one chart per value") != std::string::npos);
  // final accuracy, steps, two per-value charts, four probe charts; no single accuracy or loss
  // chart
  CHECK(test::count_of(html, "<svg ") == 8);
  CHECK(html.find(">Training loss<") == std::string::npos);
  // No run's median seed reaching the threshold: no empty chart, a sentence.
  CompareSummary high = test::lr_sweep();
  high.measures["thresholds"] = {0.9, 0.99};
  const std::string none = compare_report_html(high);
  CHECK(test::count_of(none, "<svg ") == 7);
  CHECK(none.find("No steps chart: never reached 99% in any run: without BN, "
                  "lr=0.1, with BN, lr=0.1, without BN, lr=2, with BN, lr=2.") !=
        std::string::npos);
  CHECK(html.find("with BN ends higher than without BN at lr=0.1; lower at lr=2.") !=
        std::string::npos);
}

TEST_CASE("sweep charts over seeds: the median with N in the legend, each seed a faint line") {
  CompareSummary s = test::lr_sweep();
  for (VariantSummary& v : s.variants) {
    v.seeds.push_back(v.seeds[0]);
    v.seeds[1].seed = 1;
    v.seeds[1].accuracy.back().accuracy -= 0.02;
  }
  const Chart finals = final_accuracy_chart(s);
  REQUIRE(finals.bands.size() == 2);
  CHECK(finals.bands[0].label == "without BN (median of 2 seeds, min\u2013max)");
  REQUIRE(finals.series.size() == 4);  // two settings, two seeds each
  CHECK(finals.series[1].faint);
  CHECK(finals.series[1].label == "without BN, seed 1");
  REQUIRE(finals.series[1].y.size() == 2);  // its finals at lr 0.1 and 2, 2 points below seed 0's
  CHECK(finals.series[1].y[0] == doctest::Approx(48.0));
  CHECK(finals.series[1].y[1] == doctest::Approx(96.0));
  const Chart steps = steps_chart(s, 0.9);
  CHECK(steps.series.back().label == "with BN (median of 2 seeds)");
  CHECK(steps.series[0].faint);
}
