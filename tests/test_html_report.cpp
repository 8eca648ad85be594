#include <doctest/doctest.h>

#include <cmath>

#include <minima/core/atomic_file.hpp>
#include <minima/report/html_report.hpp>
#include "cli/compare/compare_report.hpp"
#include "tests/temp_dir.hpp"
#include "tests/xml_check.hpp"

using namespace minima;

namespace {

// Two synthetic runs: the baseline reaches 90% at step 400 and never 95%;
// the other reaches 90% at 200 and 95% at 300. Only the second has probe values.
CompareResults synthetic_results() {
  CompareResults r;
  r.title = "BN <vs> plain & more";
  r.source = "configs/compare_test.json";
  r.thresholds = {0.90, 0.95};
  r.probe_batch = 64;
  r.notes = {"Stopped early (Ctrl-C): what finished is shown."};
  const std::vector<std::vector<double>> accuracies = {{0.5, 0.8, 0.85, 0.91, 0.93},
                                                       {0.7, 0.92, 0.96, 0.97, 0.975}};
  for (int v = 0; v < 2; ++v) {
    VariantRecord rec;
    rec.run.name = v == 0 ? "without BN" : "with BN";
    rec.run.baseline = v == 0 ? "" : "without BN";
    rec.run.steps = 500;
    rec.run.seconds = 2.5;
    rec.style = LineStyle::numbered(v);
    rec.config = {{"model", {{"batchnorm", v == 1}}}, {"note", "a < b"}};
    rec.source = "configs/base.json";
    for (int i = 0; i < 5; ++i) {
      rec.run.evals.push_back({100 * (i + 1), accuracies[size_t(v)][size_t(i)], 0.5 * (i + 1)});
      rec.losses.push_back({100 * (i + 1), 2.0 * std::exp(-i)});
      if (v == 1) rec.probe.push_back({100 * (i + 1), -1.0 - 0.1 * i, 0.0, 1.0 + 0.1 * i});
    }
    rec.probe_label = "bn3 output, unit 0";
    r.variants.push_back(rec);
  }
  return r;
}

}  // namespace

TEST_CASE("HtmlReport: escaped text, tables and code; well-formed XML without scripts") {
  HtmlReport page("A & B");
  page.heading("<h2> inside");
  page.paragraph("x < y");
  page.table({{"run", "\u226590%"}, {{{"a", "\u2014"}}, {{"  speed-up", "2.0\u00d7"}, true}}});
  page.code("config", "{\"a\": \"<b>\"}");
  const std::string html = page.html();
  CHECK(html.find("<title>A &amp; B</title>") != std::string::npos);
  CHECK(html.find("<h2>&lt;h2&gt; inside</h2>") != std::string::npos);
  CHECK(html.find("<p>x &lt; y</p>") != std::string::npos);
  CHECK(html.find("<tr class=\"secondary\"><td>  speed-up</td><td>2.0\u00d7</td></tr>") !=
        std::string::npos);
  CHECK(html.find("<pre>{&quot;a&quot;: &quot;&lt;b&gt;&quot;}</pre>") != std::string::npos);
  test::TempDir dir("html_report");
  page.write(dir.path("page.html"));
  CHECK(read_file(dir.path("page.html")) == html);
  CHECK(test::xmllint_status(dir.path("page.html")) == 0);
}

TEST_CASE("compare report: charts, the threshold table, legends and configs; self-contained") {
  const CompareResults results = synthetic_results();
  const std::string html = compare_report_html(results);
  test::TempDir dir("compare_report");
  write_file_atomically(dir.path("report.html"), html);
  CHECK(test::xmllint_status(dir.path("report.html")) == 0);

  CHECK(test::count_of(html, "<svg ") ==
        3);  // accuracy, loss, one probe chart (the baseline has no probe values)
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("href") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("<h1>BN &lt;vs&gt; plain &amp; more</h1>") != std::string::npos);
  CHECK(html.find("Stopped early (Ctrl-C)") != std::string::npos);
  // Legend labels (accuracy and loss charts) and chart ids unique per page.
  CHECK(test::count_of(html, ">without BN</text>") == 2);
  CHECK(test::count_of(html, ">with BN</text>") == 3);  // also the probe chart's title
  CHECK(test::count_of(html, "id=\"chart0\"") == 1);
  CHECK(test::count_of(html, "id=\"chart2\"") == 1);
  // The table: exact steps, a dash for never reached, a bounded speed-up.
  CHECK(html.find("<td>without BN</td><td>400 (2.0 s)</td><td>\u2014</td><td>93.00%</td>") !=
        std::string::npos);
  CHECK(html.find("<td>with BN</td><td>200 (1.0 s)</td><td>300 (1.5 s)</td><td>97.50%</td>") !=
        std::string::npos);
  CHECK(html.find("<td>  speed-up vs without BN</td><td>2.0\u00d7</td><td>\u22651.7\u00d7</td>") !=
        std::string::npos);
  // Configs, escaped.
  CHECK(html.find("&quot;note&quot;: &quot;a &lt; b&quot;") != std::string::npos);
  CHECK(html.find("with BN (from configs/base.json)") != std::string::npos);
}

TEST_CASE(
    "compare charts: accuracy zooms on the thresholds only when every run gets near; log-scale "
    "loss") {
  CompareResults r = synthetic_results();
  Chart acc = accuracy_chart(r);
  CHECK(acc.series.size() == 2);
  CHECK(acc.series[1].y[2] == doctest::Approx(96.0));
  REQUIRE(acc.guides.size() == 2);
  CHECK(acc.guides[0].value == 90);
  CHECK(acc.guides[1].value == 95);
  CHECK(acc.x_min == 0.0);  // steps from 0, although the first evaluation is at 100
  REQUIRE(acc.y_min);
  CHECK(*acc.y_min == 70);  // both runs peak above 80%
  r.variants[0].run.evals = {{100, 0.3, 1}, {200, 0.6, 2}};
  CHECK_FALSE(accuracy_chart(r).y_min);  // a run far below: show everything

  const Chart loss = loss_chart(r);
  CHECK(loss.log_y);
  CHECK(loss.series[0].y[1] == doctest::Approx(2.0 * std::exp(-1)));
}

TEST_CASE("probe charts: one per run with values, all on one y range") {
  CompareResults r = synthetic_results();
  r.variants[0].probe = {{100, -3.0, 0.0, 0.5}, {200, -2.0, 0.1, 0.6}};
  const std::vector<Chart> charts = probe_charts(r);
  REQUIRE(charts.size() == 2);
  CHECK(charts[0].title == "without BN");
  CHECK(charts[1].y_label == "bn3 output, unit 0");
  REQUIRE(charts[0].y_min);
  CHECK(*charts[0].y_min == *charts[1].y_min);
  CHECK(*charts[0].y_max == *charts[1].y_max);
  CHECK(*charts[0].y_min <= -3.0);
  CHECK(*charts[0].y_max >= 1.4);
  CHECK(charts[1].bands[0].hi[4] == doctest::Approx(1.4));
}
