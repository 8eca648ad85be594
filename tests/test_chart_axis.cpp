#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <minima/report/chart.hpp>
#include <minima/report/svg_chart.hpp>

using namespace minima;

namespace {

std::vector<std::string> major_labels(const Axis& axis) { return axis.labels; }

const Label* find_label(const std::vector<Label>& labels, const std::string& text) {
  for (const Label& l : labels)
    if (l.text == text) return &l;
  return nullptr;
}

// Training steps as the lesson probes them: 0, 10, 20, 50, ..., 50000.
std::vector<double> probe_steps() {
  std::vector<double> steps{0};
  for (double decade = 10; decade <= 10000; decade *= 10)
    for (double m : {1.0, 2.0, 5.0}) steps.push_back(m * decade);
  return steps;
}

}  // namespace

TEST_CASE("format_count and format_number: short labels for steps and swept values") {
  CHECK(format_count(0) == "0");
  CHECK(format_count(500) == "500");
  CHECK(format_count(1000) == "1k");
  CHECK(format_count(2500) == "2.5k");
  CHECK(format_count(50000) == "50k");
  CHECK(format_count(2e6) == "2M");
  CHECK(format_number(0.1) == "0.1");
  CHECK(format_number(2) == "2");
  CHECK(format_number(-0.0) == "0");
}

TEST_CASE("steps axis: step 0 in view one decade left of the first power of ten, log above") {
  const Axis a = make_axis(Scale::Steps, probe_steps(), std::nullopt, std::nullopt, 6);
  CHECK(a.map.c == 10);
  CHECK(a.map.to_axis(0) == 0);
  CHECK(a.map.to_axis(5) == doctest::Approx(0.5));  // linear on [0, 10]
  CHECK(a.map.to_axis(10) == doctest::Approx(1));
  CHECK(a.map.to_axis(1000) == doctest::Approx(3));
  CHECK(a.lo == 0);
  CHECK(a.hi == doctest::Approx(1 + std::log10(5000.0)));  // ends at 50k, the last step
  CHECK(major_labels(a) == std::vector<std::string>{"0", "10", "100", "1k", "10k", "50k"});
  CHECK_FALSE(a.map.shows(-1));
  CHECK(a.map.shows(0));
  // Minor ticks 20, 30, ... between the decades, none in the linear stretch.
  CHECK(std::find(a.minor.begin(), a.minor.end(), 20.0) != a.minor.end());
  CHECK(std::all_of(a.minor.begin(), a.minor.end(), [](double v) { return v > 10; }));

  const Axis b = make_axis(Scale::Steps, {0, 1, 2, 3000}, std::nullopt, std::nullopt, 6);
  CHECK(b.map.c == 1);
  CHECK(major_labels(b).back() == "5k");  // 3000 rounds up to 5k
}

TEST_CASE("log axis with labelled values: the swept values carry labels, decades stay as grid") {
  const Axis a =
      make_axis(Scale::Log, {0.1, 0.5, 2, 5}, std::nullopt, std::nullopt, 6, {0.1, 0.5, 2, 5});
  CHECK(a.lo == doctest::Approx(-1.1));  // 0.1 decade beyond 0.1 and 5, not out to 10
  CHECK(a.hi == doctest::Approx(std::log10(5.0) + 0.1));
  CHECK(major_labels(a) == std::vector<std::string>{"0.1", "0.5", "2", "5"});
  CHECK(std::find(a.minor.begin(), a.minor.end(), 1.0) != a.minor.end());
  CHECK(std::find(a.minor.begin(), a.minor.end(), 10.0) == a.minor.end());  // past the end
  const Axis plain = make_axis(Scale::Log, {0.1, 0.5, 2, 5}, std::nullopt, std::nullopt, 6);
  CHECK(major_labels(plain) == std::vector<std::string>{"0.1", "1", "10"});  // whole decades
  CHECK(plain.hi == doctest::Approx(1));
}

TEST_CASE("layout on a steps x axis: step 0 at the plot's left edge, 10 one decade in") {
  Chart c;
  c.x_scale = Scale::Steps;
  const std::vector<double> steps = probe_steps();
  c.series.push_back({"p50", steps, std::vector<double>(steps.size(), 1.0), {}});
  const ChartLayout l = layout_chart(c, 800, 400, svg_text_width);
  CHECK(l.map_x(0) == doctest::Approx(l.plot.x));
  CHECK(l.map_x(50000) == doctest::Approx(l.plot.x + l.plot.w));
  const double decade = l.map_x(100) - l.map_x(10);
  CHECK(l.map_x(10) - l.map_x(0) == doctest::Approx(decade));
  CHECK(find_label(l.labels, "1k"));
  CHECK(l.notes.empty());
  CHECK(l.project(c.series[0].x, c.series[0].y).size() == 1);  // step 0 is on the line
}

TEST_CASE("layout: a fixed range that cuts points off says so, in the layout both renderers draw") {
  Chart c;
  c.y_unit = "%";
  c.y_min = 70;
  c.y_max = 100;
  c.x_max = 300;
  c.series.push_back({"plain", {0, 100, 200, 300, 400}, {10, 50, 65, 80, 90}, {}});
  // A band's sample counts once: x = 0 by its lo (and not its hi too), x = 100 by its hi.
  c.bands.push_back({"bn", {0, 100}, {60, 71}, {75, 80}, {101, 101}, {}});
  c.guides = {{99.5, "99.5%"}, {120, "120%"}};
  const ChartLayout l = layout_chart(c, 720, 420, svg_text_width);
  REQUIRE(l.notes.size() == 4);
  CHECK(l.notes[0] == "4 points below 70% not shown");  // 10, 50, 65 and the band's lo 60
  CHECK(l.notes[1] == "1 point above 100% not shown");  // the band's hi at x = 100
  CHECK(l.notes[2] == "1 point right of 300 not shown");
  CHECK(l.notes[3] == "line 120% off the axis, not shown");
  const Label* note = find_label(l.labels, l.notes[0]);
  REQUIRE(note);
  CHECK(note->at.y > l.plot.y + l.plot.h);  // under the plot
  CHECK(note->at.y < 420);

  Chart fits;
  fits.series.push_back({"plain", {0, 100}, {10, 50}, {}});
  CHECK(layout_chart(fits, 720, 420, svg_text_width).notes.empty());
}

TEST_CASE("layout: guide labels sit at the line's right end inside the plot") {
  Chart c;
  c.y_min = 70;
  c.y_max = 100;
  c.series.push_back({"acc", {0, 1000}, {80, 99}, {}});
  c.guides = {{97, "97%"}, {100, "100%"}, {90, ""}};
  const ChartLayout l = layout_chart(c, 720, 420, svg_text_width);
  REQUIRE(l.guide_labels.size() == 2);  // the unlabelled guide draws a plain line
  const Label& g = l.guide_labels[0];
  CHECK(g.text == "97%");
  CHECK(g.anchor == Anchor::End);
  CHECK(g.at.x <= l.plot.x + l.plot.w);
  CHECK(g.at.x > l.plot.x + l.plot.w - 20);
  CHECK(g.at.y < l.map_y(97));  // just above its line
  CHECK(g.at.y > l.map_y(97) - 20);
  const Label& top = l.guide_labels[1];
  CHECK(top.at.y > l.plot.y);  // a line along the top is labelled below it, still inside
  const std::string svg = render_svg(c);
  CHECK(svg.find(">97%</text>") != std::string::npos);
}

namespace {

// The guide-label rule on `c` laid out at `width` x `height`: every label's
// centre is nearer its own line than any other line, by a factor 1.5 at
// least, and no two labels overlap (a label's box: its text width by one
// font size, anchored at its right end).
void check_guide_labels(const Chart& c, double width, double height) {
  CAPTURE(width);
  CAPTURE(height);
  const ChartLayout l = layout_chart(c, width, height, svg_text_width);
  REQUIRE(l.guide_labels.size() == c.guides.size());
  for (size_t i = 0; i < c.guides.size(); ++i) {
    const Label& label = l.guide_labels[i];
    CAPTURE(label.text);
    const double own = std::abs(label.at.y - l.map_y(c.guides[i].value));
    for (size_t j = 0; j < c.guides.size(); ++j)
      if (j != i) CHECK(1.5 * own < std::abs(label.at.y - l.map_y(c.guides[j].value)) + 1e-9);
    for (size_t j = 0; j < i; ++j) {
      const Label& other = l.guide_labels[j];
      const bool rows_meet = std::abs(label.at.y - other.at.y) < FontSizes::guide;
      const bool columns_meet =
          label.at.x - svg_text_width(label.text, FontSizes::guide) < other.at.x &&
          other.at.x - svg_text_width(other.text, FontSizes::guide) < label.at.x;
      CHECK_FALSE((rows_meet && columns_meet));
    }
  }
}

}  // namespace

TEST_CASE("layout: the labels of close guide lines go to alternate sides of their lines") {
  Chart c;
  c.y_min = 70;
  c.y_max = 100;
  c.series.push_back({"acc", {0, 1000}, {80, 99}, {}});
  c.guides = {{90, "90%"}, {97, "97%"}, {98, "98%"}};
  const ChartLayout l = layout_chart(c, 720, 420, svg_text_width);
  REQUIRE(l.guide_labels.size() == 3);
  const Label &low = l.guide_labels[0], &a = l.guide_labels[1], &b = l.guide_labels[2];
  // Above its line, 97%'s label would sit nearer the 98% line: it goes below.
  REQUIRE(l.map_y(97) - l.map_y(98) < 2 * 0.75 * FontSizes::guide);
  CHECK(a.at.y > l.map_y(97));
  CHECK(b.at.y < l.map_y(98));
  CHECK(low.at.y < l.map_y(90));  // a label far from the others keeps its place
  CHECK(low.at.x == a.at.x);
  CHECK(a.at.x == b.at.x);             // apart in height, so both at the right end
  CHECK(l.guide_label_boxes.empty());  // no label lies across a line
  check_guide_labels(c, 720, 420);
}

TEST_CASE("layout: labels of lines closer than a label is tall stay nearest their own lines") {
  Chart c;
  c.series.push_back({"acc", {0, 1000}, {10, 99}, {}});
  c.guides = {{95, "95%"}, {97, "97%"}, {98, "98%"}};
  for (double lo : {0.0, 90.0}) {
    CAPTURE(lo);
    c.y_min = lo;
    c.y_max = 100;
    for (auto [width, height] :
         {std::pair{900.0, 460.0}, {460.0, 400.0}, {460.0, 320.0}, {300.0, 240.0}, {720.0, 160.0}})
      check_guide_labels(c, width, height);
  }
  // On 0-100 the three lines lie within one label's height: 95%'s label
  // goes below its line, and 98%'s, squeezed near 97%'s, moves to its left.
  c.y_min = 0;
  const ChartLayout l = layout_chart(c, 900, 460, svg_text_width);
  CHECK(l.map_y(95) - l.map_y(98) < FontSizes::guide);
  CHECK(l.guide_labels[0].at.y > l.map_y(95));
  CHECK(l.guide_labels[2].at.x < l.guide_labels[1].at.x);
  // 97%'s and 98%'s labels lie across their lines: each gets a white box.
  REQUIRE(l.guide_label_boxes.size() == 2);
  for (size_t i : {1, 2}) {
    const Rect& box = l.guide_label_boxes[i - 1];
    const Label& label = l.guide_labels[i];
    CHECK(box.x + box.w > label.at.x);
    CHECK(box.x < label.at.x - svg_text_width(label.text, FontSizes::guide));
    CHECK(box.y < label.at.y);
    CHECK(box.y + box.h > label.at.y);
  }
  // The four default thresholds, on each axis the accuracy chart draws.
  c.guides = {{90, "90%"}, {95, "95%"}, {97, "97%"}, {98, "98%"}};
  for (double lo : {0.0, 70.0, 90.0}) {
    CAPTURE(lo);
    c.y_min = lo;
    check_guide_labels(c, 900, 460);
    check_guide_labels(c, 460, 400);
  }
}

TEST_CASE("layout: several labelled bands get one legend entry each, in their own colours") {
  Chart c;
  for (int i = 0; i < 3; ++i)
    c.bands.push_back({"variant " + std::to_string(i) + ": mean of 3 seeds, band min\u2013max",
                       {0, 10, 100},
                       {1, 2, 3},
                       {2, 3, 4},
                       {3, 4, 5},
                       LineStyle::numbered(i)});
  const ChartLayout l = layout_chart(c, 900, 460, svg_text_width);
  REQUIRE(l.legend.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(l.legend[i].band);
    CHECK(l.legend[i].index == i);
  }
  const std::string svg = render_svg(c, {900, 460, "bands"});
  for (int i = 0; i < 3; ++i) {
    const Rgb col = style_color(i);
    char hex[8];
    std::snprintf(hex, sizeof(hex), "#%02x%02x%02x", col.r, col.g, col.b);
    // Band area + legend box, each in the band's colour.
    CHECK(svg.find("<polygon fill=\"" + std::string(hex) + "\" fill-opacity") != std::string::npos);
  }
  CHECK(svg.find("variant 2: mean of 3 seeds, band min\u2013max</text>") != std::string::npos);
}
