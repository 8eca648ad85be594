// The data behind a chart, carried in the page as CSV (report/chart_data.hpp),
// and faint per-seed lines (Series::faint).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>

#include <minima/report/chart_data.hpp>
#include <minima/report/html_report.hpp>
#include <minima/report/svg_chart.hpp>

using namespace minima;

TEST_CASE("csv_data_uri: base64 of the bytes, padded, as RFC 4648 writes it") {
  CHECK(csv_data_uri("") == "data:text/csv;base64,");
  CHECK(csv_data_uri("M") == "data:text/csv;base64,TQ==");
  CHECK(csv_data_uri("Ma") == "data:text/csv;base64,TWE=");
  CHECK(csv_data_uri("Man") == "data:text/csv;base64,TWFu");
  CHECK(csv_data_uri("a,b\n\xff") == "data:text/csv;base64,YSxiCv8=");
}

TEST_CASE("chart_csv: every point of every line and band, a heat map's cells") {
  Chart chart;
  chart.series.push_back({"with BN, seed 1", {0, 10}, {0.1, 0.5}, {}, true});
  chart.bands.push_back({"with \"BN\", median", {0}, {0.1}, {0.2}, {0.3}, {}});
  CHECK(chart_csv(chart) ==
        "line,x,y,low,high\n"
        "\"with BN, seed 1\",0,0.1,,\n"
        "\"with BN, seed 1\",10,0.5,,\n"
        "\"with \"\"BN\"\", median\",0,0.2,0.1,0.3\n");
  Chart heat;
  heat.cells.push_back({0, 10, 0.25, 0.5, 0.75});
  CHECK(chart_csv(heat) == "x_from,x_to,y_from,y_to,share\n0,10,0.25,0.5,0.75\n");
}

TEST_CASE("a faint line is drawn but has no legend entry and no markers") {
  Chart chart;
  chart.series.push_back({"seed 0", {0, 1, 2}, {1, 2, 3}, LineStyle::numbered(0), true});
  chart.series.push_back({"median", {0, 1, 2}, {1, 2, 3}, LineStyle::numbered(0)});
  const ChartLayout layout = layout_chart(chart, 600, 400, svg_text_width);
  REQUIRE(layout.legend.size() == 1);
  CHECK(layout.legend[0].index == 1);
  // Its colour: 45% of the style's, the rest white, channel by channel.
  const Rgb c = style_color(0);
  const auto pale = [](uint8_t v) { return int(std::lround(v * 0.45 + 255 * 0.55)); };
  char hex[16];
  std::snprintf(hex, sizeof(hex), "#%02x%02x%02x", pale(c.r), pale(c.g), pale(c.b));
  CHECK(render_svg(chart, {600, 400, "c"}).find(hex) != std::string::npos);
  chart.series[0].faint = false;
  CHECK(render_svg(chart, {600, 400, "c"}).find(hex) == std::string::npos);
}

TEST_CASE("every chart of a page carries its data and, when set, the command that made it") {
  HtmlReport page("t");
  page.set_command("minima compare configs/x.json --set 'a=b c'");
  Chart chart;
  chart.series.push_back({"a", {0, 1}, {1, 2}, {}});
  page.chart(chart);
  page.chart_row({chart, chart});
  const std::string html = page.html();
  CHECK(html.find("<a download=\"chart0.csv\" href=\"" + csv_data_uri(chart_csv(chart)) +
                  "\">data (CSV)</a>") != std::string::npos);
  CHECK(html.find("download=\"chart2.csv\"") != std::string::npos);
  CHECK(html.find("made by <code>minima compare configs/x.json --set &#39;a=b c&#39;</code>") !=
        std::string::npos);
}
