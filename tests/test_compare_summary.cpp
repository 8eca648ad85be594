// The summary of `minima compare` (summary.json), the tables and the report
// page made from it, on synthetic summaries.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include <minima/core/atomic_file.hpp>
#include <minima/lesson/compare_page.hpp>
#include <minima/lesson/probes/probe_report.hpp>
#include <minima/lesson/thresholds/learning_curves.hpp>
#include <minima/lesson/thresholds/threshold_table.hpp>
#include "tests/compare_fixtures.hpp"
#include "tests/support.hpp"
#include "tests/temp_dir.hpp"
#include "tests/xml_check.hpp"

using namespace minima;
using namespace minima::lesson;

TEST_CASE("results_table: median [min-max] over seeds, bounds for seeds that never got there") {
  const TextTable t = results_table(test::bn_wins());
  REQUIRE(t.header == std::vector<std::string>{"run", "\u226590%", "\u226595%", "final acc",
                                               "steps", "ms/step"});
  REQUIRE(t.rows.size() == 3);
  // Without BN: 90% at 300, 400, 300; 95% only by seed 2 at the last step (500).
  CHECK(t.rows[0].cells == std::vector<std::string>{"without BN", "300 [300\u2013400]",
                                                    "\u2265500 [500\u2013\u2265500]",
                                                    "94.00% [93.00%\u201396.00%]", "500", "0.500"});
  CHECK(t.rows[1].cells == std::vector<std::string>{"with BN", "100 [100\u2013200]",
                                                    "200 [200\u2013300]",
                                                    "97.50% [97.00%\u201398.00%]", "500", "0.500"});
  CHECK(t.rows[2].secondary);
  // Per seed 300/100, 400/200, 300/100; at 95%: >=500/200, >=500/300, 500/200.
  CHECK(t.rows[2].cells ==
        std::vector<std::string>{"  speed-up vs without BN", "3.0\u00d7 [2.0\u00d7\u20133.0\u00d7]",
                                 "2.5\u00d7 [\u22651.7\u00d7\u2013\u22652.5\u00d7]", "", "", ""});
}

TEST_CASE("results_table: one seed shows plain values, a dash when no seed reached a threshold") {
  CompareSummary s = test::bn_wins();
  for (VariantSummary& v : s.variants) v.seeds.resize(1);
  s.measures["thresholds"] = {0.90, 0.99};
  const TextTable t = results_table(s);
  CHECK(t.rows[0].cells[1] == "300");
  CHECK(t.rows[0].cells[2] == "\u2014");
  CHECK(t.rows[2].cells[1] == "3.0\u00d7");
  CHECK(t.rows[2].cells[2] == "\u2014");  // neither reached 99%: no ratio
}

TEST_CASE("drift_table: each probed layer's drift, median [min-max] over seeds") {
  CompareSummary s = test::bn_wins();
  // A seed without a scale is left out.
  test::change_probe(s.variants[1].seeds[2], [](ProbeResult& p) { p.drift[0] = std::nullopt; });
  const TextTable t = drift_table(s);
  CHECK(t.header == std::vector<std::string>{"run", "hidden 1", "hidden 2"});
  CHECK(t.rows[0].cells ==
        std::vector<std::string>{"without BN", "8.0 [7.0\u20139.0]", "12.0 [10.0\u201314.0]"});
  CHECK(t.rows[1].cells ==
        std::vector<std::string>{"with BN", "2.2 [2.0\u20132.5]", "3.0 [2.0\u20134.0]"});
}

TEST_CASE("summary.json: summary_to_json and summary_from_json round-trip, derived numbers") {
  const CompareSummary s = test::bn_wins();
  const nlohmann::json j = summary_to_json(s);
  CHECK(j["format"] == CompareSummary::kFormat);
  CHECK(j["variants"][0]["aggregate"]["final_accuracy"]["max"]["value"] == doctest::Approx(0.96));
  const nlohmann::json& thresholds = j["variants"][1]["aggregate"]["thresholds"];
  CHECK(thresholds["speedup"][0]["median"]["value"] == doctest::Approx(3.0));
  CHECK(j["variants"][0]["aggregate"]["thresholds"]["steps_to"][1]["median"]["bound"] ==
        "at_least");
  CHECK(j["variants"][1]["aggregate"]["probe"]["drift"][1]["max"]["value"] == doctest::Approx(4.0));
  CompareSummary with_nan = s;
  test::change_probe(with_nan.variants[0].seeds[0],
                     [](ProbeResult& p) { p.drift[1] = std::nullopt; });
  const nlohmann::json written = nlohmann::json::parse(summary_to_json(with_nan).dump());
  CHECK(written["variants"][0]["seeds"][0]["measures"]["probe"]["drift"][1].is_null());
  const CompareSummary back = summary_from_json(written);
  CHECK_FALSE(probe_results(back.variants[0])[0].drift[1]);
  CHECK(summary_to_json(back) == summary_to_json(with_nan));
  CHECK(probe_results(back.variants[1])[2].shown[1].unit == 4);
}

TEST_CASE("summary.json: a document of another format version is refused with a clear message") {
  nlohmann::json old = summary_to_json(test::bn_wins());
  old.erase("format");
  CHECK(test::exception_message([&] { summary_from_json(old); }) ==
        "a summary.json of format 1 (no \"format\"); this minima reads format 2: run the "
        "comparison again to write one");
}

TEST_CASE("compare report: tables, charts with seed bands, drift, paper quote, self-contained") {
  const CompareSummary summary = test::bn_wins();
  const std::string html = compare_report_html(summary);
  test::TempDir dir("compare_report");
  write_file_atomically(dir.path("report.html"), html);
  CHECK(test::xmllint_status(dir.path("report.html")) == 0);
  CHECK(test::count_of(html, "<svg ") == 4);  // accuracy, loss, two probe charts
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<h1>BN &lt;vs&gt; plain &amp; more</h1>") != std::string::npos);
  CHECK(html.find("median [min\u2013max] over 3 seeds") != std::string::npos);
  CHECK(html.find("<td>with BN</td><td>100 [100\u2013200]</td>") != std::string::npos);
  CHECK(html.find("<td>without BN</td><td>8.0 [7.0\u20139.0]</td>") != std::string::npos);
  CHECK(html.find("Ioffe &amp; Szegedy (2015) write") != std::string::npos);
  CHECK(html.find("<blockquote><p>\u201cBatch Normalization makes the distribution more stable") !=
        std::string::npos);
  CHECK(
      html.find("The paper&#39;s claim, checked on this run: it holds: with BN&#39;s inputs drift "
                "less in every hidden layer (without BN&#39;s drift is 4.00\u00d7 with "
                "BN&#39;s).") != std::string::npos);
  // Under every chart its data as CSV carried in the page, and no other link.
  CHECK(test::count_of(html, "href=\"data:text/csv;base64,") == test::count_of(html, "<svg "));
  CHECK(test::count_of(html, "href=") == test::count_of(html, "<svg "));
  CHECK(html.find("<h2>In this run</h2>") != std::string::npos);
  CHECK(html.find("<details>") != std::string::npos);  // configs collapsed
  // Each run described by its own settings.
  CHECK(html.find("<p>without BN: changed from the base: model.batchnorm=false.</p>") !=
        std::string::npos);
  CHECK(html.find("unit 4 of input to sigmoid2 (fc2)") != std::string::npos);
  CHECK(html.find("channel") == std::string::npos);  // an MLP has units only
  CHECK(html.find("<footer>\n<p>Compare config: configs/compare_test.json</p>\n<p>BLAS kernel: "
                  "OpenBLAS Haswell (AVX2)</p>") != std::string::npos);
  CHECK(html.find("&quot;note&quot;: &quot;a &lt; b&quot;") != std::string::npos);
  CHECK(html.find("without BN (model.batchnorm=false), from configs/base.json") !=
        std::string::npos);
  // Step 0 (10%) lies below the zoomed accuracy axis: the chart says so.
  CHECK(html.find("below 70% not shown") != std::string::npos);
}

TEST_CASE("compare charts: several seeds draw the median, a min-max band and each seed faint") {
  CompareSummary s = test::bn_wins();
  const Chart acc = accuracy_chart(s);
  REQUIRE(acc.bands.size() == 2);
  REQUIRE(acc.series.size() == 6);  // every seed of both variants, under the medians
  for (const Series& seed : acc.series) CHECK(seed.faint);
  CHECK(acc.series[1].label == "without BN, seed 1");
  CHECK(acc.series[1].y[3] == doctest::Approx(88));
  CHECK(acc.bands[0].label == "without BN (median of 3 seeds, min\u2013max)");
  CHECK(acc.bands[0].x[3] == 300);
  CHECK(acc.bands[0].mid[3] == doctest::Approx(90));  // the median of 91, 88, 90
  CHECK(acc.bands[0].lo[3] == doctest::Approx(88));
  CHECK(acc.bands[0].hi[3] == doctest::Approx(91));
  REQUIRE(acc.guides.size() == 2);
  CHECK(acc.guides[1].value == 95);
  CHECK(acc.guides[1].label == "95%");
  REQUIRE(acc.y_min);
  CHECK(*acc.y_min == 70);
  for (VariantSummary& v : s.variants) v.seeds.resize(1);
  const Chart one = accuracy_chart(s);
  REQUIRE(one.series.size() == 2);
  CHECK(one.series[1].y[1] == doctest::Approx(92));
  s.variants[0].seeds[0].accuracy = {{0, 0.1}, {100, 0.3}, {200, 0.6}};
  CHECK_FALSE(accuracy_chart(s).y_min);  // a run far below: show everything

  const Chart loss = loss_chart(test::bn_wins());
  CHECK(loss.log_y);
  CHECK(loss.bands[0].mid[1] == doctest::Approx(2.0 * std::exp(-2.0)));
}

TEST_CASE("accuracy panels: a run far below the thresholds adds test error on a log axis") {
  CompareSummary s = test::bn_wins();
  CHECK(accuracy_panels(s).size() == 1);  // every run reaches 90%: the zoomed chart shows it
  for (SeedResult& seed : s.variants[0].seeds)
    for (AccuracyPoint& p : seed.accuracy) p.accuracy = std::min(p.accuracy, 0.7);
  const std::vector<Chart> panels = accuracy_panels(s);
  REQUIRE(panels.size() == 2);
  CHECK(panels[0].title == "Test accuracy");  // the full range first
  CHECK_FALSE(panels[0].y_min);
  const Chart& error = panels[1];
  CHECK(error.log_y);
  REQUIRE(error.guides.size() == 2);
  CHECK(error.guides[0].value == doctest::Approx(10));
  CHECK(error.guides[0].label == "90% acc.");
  CHECK(error.bands[1].mid[1] == doctest::Approx(100 - 91.0));  // the median of 92, 88, 91
  CHECK(error.bands[1].lo[1] == doctest::Approx(8));            // the best seed's error
  CHECK(error.bands[0].hi[0] == doctest::Approx(90));

  const std::string html = compare_report_html(s);
  CHECK(test::count_of(html, "<svg ") == 5);  // two accuracy panels, loss, two probe charts
  const size_t row = html.find("<div class=\"row\">");
  REQUIRE(row != std::string::npos);
  CHECK(row < html.find(">Test accuracy</text>"));
  CHECK(html.find(">Test accuracy</text>") < html.find(">Test error (log scale)</text>"));
  CHECK(html.find(">Test error (log scale)</text>") < html.find(">Training loss</text>"));

  // No run reaches the lowest threshold: nothing up there to show.
  for (SeedResult& seed : s.variants[1].seeds)
    for (AccuracyPoint& p : seed.accuracy) p.accuracy = std::min(p.accuracy, 0.85);
  CHECK(accuracy_panels(s).size() == 1);
  // Thresholds at 98% and 99% get a fifteenth of the zoomed 70-100% chart.
  CompareSummary high = test::bn_wins();
  high.measures["thresholds"] = {0.98, 0.99};
  REQUIRE(accuracy_chart(high).y_min);
  CHECK(accuracy_panels(high).size() == 2);
}

TEST_CASE("probe charts: the typical unit of the last probed layer per variant, one y range") {
  CompareSummary s = test::bn_wins();
  test::change_probe(s.variants[0].seeds[0], [](ProbeResult& p) {
    p.shown[1].trace[0] = {0, -3.0, 0.0, 0.5};
  });
  CHECK(charted_probe_layers(s) == std::vector<size_t>{1});
  const std::vector<Chart> charts = probe_charts(s, 1);
  REQUIRE(charts.size() == 2);
  CHECK(charts[0].title == "without BN");
  CHECK(charts[1].y_label == "unit 4 of input to sigmoid2 (fc2)");
  REQUIRE(charts[0].y_min);
  CHECK(*charts[0].y_min == *charts[1].y_min);
  CHECK(*charts[0].y_max == *charts[1].y_max);
  CHECK(*charts[0].y_min <= -3.0);
  CHECK(*charts[0].y_max >= 1.5);
  CHECK(charts[1].bands[0].hi[5] == doctest::Approx(1.5));
}

TEST_CASE("a CNN's summary: channel layers say so in charts, tables, sentences and JSON") {
  CompareSummary s = test::bn_wins();
  for (VariantSummary& v : s.variants)
    for (SeedResult& seed : v.seeds)
      test::change_probe(seed, [](ProbeResult& p) {
        p.layers = {"input to sigmoid1 (bn1)", "input to sigmoid2 (bn2)",
                    "input to sigmoid3 (bn3)"};
        p.units = {"channel", "channel", "unit"};
        p.drift.push_back(p.drift.back());
        p.shown.push_back(p.shown.back());
        p.shown.back().unit = 5;
      });
  // The last layer after a convolution, then the last layer.
  CHECK(charted_probe_layers(s) == std::vector<size_t>{1, 2});
  CHECK(probe_charts(s, 1)[0].y_label == "channel 4 of input to sigmoid2 (bn2)");
  CHECK(probe_charts(s, 2)[0].y_label == "unit 5 of input to sigmoid3 (bn3)");
  CHECK(drift_table(s).header ==
        std::vector<std::string>{"run", "hidden 1 (channels)", "hidden 2 (channels)", "hidden 3"});
  const std::string html = compare_report_html(s);
  CHECK(test::count_of(html, "<svg ") == 6);  // accuracy, loss, two rows of two probe charts
  CHECK(html.find("First row: the last hidden layer after a convolution") != std::string::npos);
  CHECK(html.find("over all N\u00b7H\u00b7W values of that channel") != std::string::npos);
  CHECK(html.find("it holds: with BN&#39;s inputs drift less in every hidden layer") !=
        std::string::npos);
  const std::vector<std::string> said = drift_sentences(s);
  REQUIRE(said.size() == 3);
  CHECK(said[1].rfind("Drift of hidden layer 2 (per channel): with BN", 0) == 0);
  CHECK(said[2].rfind("Drift of hidden layer 3: with BN", 0) == 0);
  const CompareSummary back = summary_from_json(summary_to_json(s));
  CHECK(probe_results(back.variants[1])[0].units ==
        std::vector<std::string>{"channel", "channel", "unit"});
}
