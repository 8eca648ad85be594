#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include <minima/report/svg_chart.hpp>
#include "tests/temp_dir.hpp"
#include "tests/xml_check.hpp"

using namespace minima;

namespace {

Chart two_curve_chart() {
  Chart c;
  c.title = "Test accuracy";
  c.x_label = "training step";
  c.y_label = "accuracy (%)";
  for (int v = 0; v < 2; ++v) {
    Series s{v == 0 ? "without BN" : "with BN <fast> & \"good\"", {}, {}, LineStyle::numbered(v)};
    for (int i = 1; i <= 50; ++i) {
      s.x.push_back(i * 100.0);
      s.y.push_back(100 - 80 * std::exp(-i / (5.0 + 10 * (1 - v))));
    }
    c.series.push_back(s);
  }
  c.guides = {{90, "90%"}, {95, ""}};
  return c;
}

std::vector<double> major_values(const std::vector<Tick>& ticks) {
  std::vector<double> out;
  for (const Tick& t : ticks)
    if (t.major) out.push_back(t.value);
  return out;
}

bool has_label(const ChartLayout& layout, const std::string& text) {
  for (const Label& l : layout.labels)
    if (l.text == text) return true;
  return false;
}

}  // namespace

TEST_CASE(
    "nice ticks: steps of 1, 2 or 5 times a power of ten, labels with the decimals the step "
    "needs") {
  CHECK(nice_step(0, 1, 5) == doctest::Approx(0.2));
  CHECK(nice_step(0, 50000, 6) == doctest::Approx(10000));
  CHECK(nice_step(70, 100, 6) == doctest::Approx(5));
  CHECK(nice_step(-0.3, 0.4, 7) == doctest::Approx(0.1));
  CHECK(format_tick(0.5, 0.5) == "0.5");
  CHECK(format_tick(2.0000000001, 0.2) == "2.0");
  CHECK(format_tick(-1e-17, 0.1) == "0.0");
  CHECK(format_tick(45000, 5000) == "45000");
  CHECK(format_power_of_ten(-2) == "0.01");
  CHECK(format_power_of_ten(0) == "1");
  CHECK(format_power_of_ten(3) == "1000");
  CHECK(format_power_of_ten(-7) == "1e-7");
}

TEST_CASE(
    "layout: a linear axis covers the data on nice ticks, data maps into the plot rectangle") {
  const ChartLayout l = layout_chart(two_curve_chart(), 720, 420, svg_text_width);
  CHECK(major_values(l.x_ticks) == std::vector<double>{0, 1000, 2000, 3000, 4000, 5000});
  const std::vector<double> y = major_values(l.y_ticks);
  REQUIRE(y.size() >= 3);
  CHECK(y.front() <= 20 + 1e-9);  // lowest value ~ 21.5
  CHECK(y.back() >= 99.9);        // highest ~ 99.9
  for (size_t i = 1; i < y.size(); ++i) CHECK(y[i] - y[i - 1] == doctest::Approx(y[1] - y[0]));
  CHECK(l.map_x(l.x_lo) == doctest::Approx(l.plot.x));
  CHECK(l.map_x(l.x_hi) == doctest::Approx(l.plot.x + l.plot.w));
  CHECK(l.map_y(l.y_lo) == doctest::Approx(l.plot.y + l.plot.h));
  CHECK(l.map_y(l.y_hi) == doctest::Approx(l.plot.y));
  CHECK(has_label(l, "3000"));
  CHECK(has_label(l, "without BN"));
  REQUIRE(l.legend.size() == 2);
  CHECK(l.legend[0].swatch.y > l.plot.y + l.plot.h);  // legend below the plot
  CHECK(l.plot.x > 30);                               // room for the y tick labels and title
}

TEST_CASE("layout: a fixed y range and x start are kept exactly") {
  Chart c = two_curve_chart();
  c.y_min = 70;
  c.y_max = 100;
  c.x_min = -1000;
  const ChartLayout l = layout_chart(c, 720, 420, svg_text_width);
  CHECK(l.x_lo == -1000);
  CHECK(major_values(l.x_ticks).front() == -1000);
  CHECK(l.y_lo == 70);
  CHECK(l.y_hi == 100);
  CHECK(major_values(l.y_ticks) == std::vector<double>{70, 75, 80, 85, 90, 95, 100});
}

TEST_CASE(
    "layout: log-scale ticks are powers of ten, minor ticks between, non-positive values break the "
    "line") {
  Chart c;
  c.log_y = true;
  c.series.push_back({"loss", {1, 2, 3, 4, 5}, {2.4, 0.5, 0.0, 0.05, 0.013}, {}});
  const ChartLayout l = layout_chart(c, 720, 420, svg_text_width);
  const std::vector<double> major = major_values(l.y_ticks);
  REQUIRE(major.size() == 4);
  for (size_t i = 0; i < major.size(); ++i) {
    const double exponent = std::log10(major[i]);
    CHECK(exponent == doctest::Approx(std::round(exponent)));
    CHECK(std::round(exponent) == -2 + double(i));  // 0.01 .. 10
  }
  CHECK(has_label(l, "0.01"));
  CHECK(has_label(l, "10"));
  size_t minor = 0;
  for (const Tick& t : l.y_ticks) minor += t.major ? 0 : 1;
  CHECK(minor == 3 * 8);  // 2..9 in each of three decades
  CHECK(l.map_y(1.0) == doctest::Approx(l.plot.y + l.plot.h * 1.0 / 3));
  const auto runs = l.project(c.series[0].x, c.series[0].y);
  REQUIRE(runs.size() == 2);  // 0.0 cannot be shown on a log axis
  CHECK(runs[0].size() == 2);
  CHECK(runs[1].size() == 2);
}

TEST_CASE("layout: a wide legend flows into several rows, each inside the canvas") {
  Chart c = two_curve_chart();
  for (int i = 0; i < 8; ++i)
    c.series.push_back({"a rather long legend label " + std::to_string(i), {0, 1}, {1, 2}, {}});
  const ChartLayout l = layout_chart(c, 500, 500, svg_text_width);
  double last_row = 0;
  int rows = 0;
  for (const LegendItem& item : l.legend) {
    if (item.swatch.y != last_row) ++rows;
    last_row = item.swatch.y;
    CHECK(item.swatch.x >= 0);
    CHECK(item.swatch.y < 500);
  }
  CHECK(rows >= 4);
}

TEST_CASE("band outlines: lo forward, hi backward, split at missing values") {
  Chart c;
  Band b{"p", {0, 1, 2, 3, 4}, {0, 1, NAN, 1, 1}, {1, 2, 2, 2, 2}, {2, 3, 3, 3, 3}, {}};
  c.bands.push_back(b);
  const ChartLayout l = layout_chart(c, 400, 300, svg_text_width);
  const auto outlines = l.band_outlines(b);
  REQUIRE(outlines.size() == 2);
  REQUIRE(outlines[0].size() == 4);
  CHECK(outlines[0][0].x == doctest::Approx(l.map_x(0)));
  CHECK(outlines[0][0].y == doctest::Approx(l.map_y(0)));
  CHECK(outlines[0][2].y == doctest::Approx(l.map_y(3)));  // hi at x = 1
  CHECK(outlines[0][3].x == doctest::Approx(l.map_x(0)));
  CHECK(outlines[1].size() == 4);
}

TEST_CASE("render_svg: well-formed, escaped, no scripts, styled lines and a legend") {
  const std::string svg = render_svg(two_curve_chart(), {720, 420, "acc"});
  test::TempDir dir("svg_chart");
  std::ofstream(dir.path("chart.svg")) << svg;
  CHECK(test::xmllint_status(dir.path("chart.svg")) == 0);
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("href") == std::string::npos);
  CHECK(svg.find(">without BN</text>") != std::string::npos);
  CHECK(svg.find(">with BN &lt;fast&gt; &amp; &quot;good&quot;</text>") != std::string::npos);
  CHECK(svg.find("<title>Test accuracy</title>") != std::string::npos);
  CHECK(svg.find("clip-path=\"url(#acc-clip0)\"") != std::string::npos);
  // Series 1 is dashed (in the plot and in its legend swatch), in its own colour.
  CHECK(test::count_of(svg,
                       "stroke=\"#d55e00\" stroke-width=\"2\" stroke-linejoin=\"round\" "
                       "stroke-dasharray=\"7 4\"") == 2);
  CHECK(test::count_of(
            svg, "stroke=\"#0072b2\" stroke-width=\"2\" stroke-linejoin=\"round\" points") == 2);
  // Markers: white halo + filled shape, 8 on each line plus one per legend entry.
  CHECK(test::count_of(svg, "<polygon fill=\"#0072b2\"") == 9);
}

TEST_CASE("escape_xml and svg_text_width") {
  CHECK(escape_xml("a<b & 'c' > \"d\"") == "a&lt;b &amp; &#39;c&#39; &gt; &quot;d&quot;");
  CHECK(svg_text_width("\u2265", 10) ==
        doctest::Approx(svg_text_width("a", 10)));  // one character, three bytes
  CHECK(svg_text_width("MM", 10) > svg_text_width("ii", 10));
}

TEST_CASE("heat cells: each cell a rectangle shaded by its value, the axes spanning them") {
  Chart c;
  c.title = "histogram over time";
  c.heat_color = 1;
  c.cells = {{0, 100, 0, 0.5, 0.25}, {100, 200, 0.5, 1, 1.0}, {200, 300, 0, 1, 0.0}};
  const ChartLayout layout = layout_chart(c, 600, 400, svg_text_width);
  CHECK(layout.x_lo <= 0);
  CHECK(layout.x_hi >= 300);
  CHECK(layout.y_hi >= 1);
  const std::string svg = render_svg(c, {600, 400, "heat"});
  Chart empty = c;
  empty.cells.clear();
  empty.x_min = layout.x_lo;  // the same axes
  empty.x_max = layout.x_hi;
  empty.y_min = layout.y_lo;
  empty.y_max = layout.y_hi;
  auto polygons = [](const std::string& text) {
    size_t n = 0;
    for (size_t at = text.find("<polygon"); at != std::string::npos;
         at = text.find("<polygon", at + 1))
      ++n;
    return n;
  };
  // The first cell at a quarter of the colour, the second in full, the empty one not drawn.
  CHECK(polygons(svg) == polygons(render_svg(empty, {600, 400, "heat"})) + 2);
  CHECK(svg.find("fill-opacity=\"0.25\"") != std::string::npos);
}
